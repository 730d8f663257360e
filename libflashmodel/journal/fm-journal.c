/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "fm-journal.h"
#include "fm-crc.h"
#include "fm-error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN); /* the format is LE */

/*
 * Header, 256 bytes:
 *   0 magic[8]  8 version  12 header_size  16 chip_name[64]  80 chip_seed
 *   88 page_size  92 oob_size  96 pages_per_block  100 blocks
 *   104 base_digest[32]  136 first_seq  144 created_unix  (zeros)
 *   224 SHA-256 of bytes 0..223
 * Record, RECORD_FIXED bytes, the payload, then a CRC-32 of both:
 *   0 magic  4 total_len  8 op  9 flags  10 reserved  12 page_programs
 *   16 seq  24 index  32 age_ns  40 erase_count  44 block_flags
 *   48 len  52 payload_len  56 digest[32]
 * A mark (version 2) is framed the same way: op MARK_OP, flags 0, seq the
 * last operation's, index 0, the label as payload (len = payload_len) and
 * its SHA-256 as the digest.
 */
#define HEADER_SIZE 256
#define HEADER_DIGEST_OFF 224
#define RECORD_MAGIC 0x524a4d46u /* "FMJR" */
#define RECORD_FIXED 88
#define RECORD_TRAILER 4
#define WRITE_BUFFER (1u << 20)
#define MARK_OP 0x80
#define FIRST_VERSION 1  /* the oldest version read: no marks */

enum {
  FLAG_OK = 1 << 0,
  FLAG_APPLIED = 1 << 1,
  FLAG_INTERRUPTED = 1 << 2,
  FLAGS_KNOWN = 7,
};

static inline void
put32 (guint8 *p, guint32 v)
{
  memcpy (p, &v, 4);
}

static inline void
put64 (guint8 *p, guint64 v)
{
  memcpy (p, &v, 8);
}

static inline guint32
get32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return v;
}

static inline guint64
get64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return v;
}

const gchar *
fm_nand_op_to_string (FmNandOp op)
{
  switch (op)
    {
    case FM_NAND_OP_READ: return "read";
    case FM_NAND_OP_PROGRAM: return "program";
    case FM_NAND_OP_ERASE: return "erase";
    }
  return "unknown";
}

gboolean
fm_journal_mark_label_valid (const gchar *label, gsize len)
{
  if (len == 0 || len > FM_JOURNAL_MARK_MAX)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (label[i] < ' ' || label[i] > '~')
      return FALSE;
  return TRUE;
}

/* ---- writer -------------------------------------------------------------- */

struct _FmJournalWriter {
  gchar *path;
  FILE *file;
  guint64 next_seq;
  guint64 records, marks;
  gsize page_bytes;
  guint8 *record;        /* one record being built */
  GError *failure;       /* first error seen by the observer */
};

static gboolean
io_error (GError **error, const gchar *path, const gchar *what)
{
  int saved = errno;

  g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s: %s", path, what, g_strerror (saved));
  return FALSE;
}

FmJournalWriter *
fm_journal_writer_new (const gchar *path, FmImage *image, const FmChipDesc *desc,
                       guint64 first_seq, gboolean overwrite, GError **error)
{
  g_autoptr (FmJournalWriter) w = g_new0 (FmJournalWriter, 1);
  guint8 header[HEADER_SIZE] = { 0 };
  guint8 base[FM_DIGEST_SIZE];
  int fd;

  w->path = g_strdup (path);
  w->next_seq = first_seq;
  w->page_bytes = desc->page_size + desc->oob_size;
  w->record = g_malloc (RECORD_FIXED + MAX (w->page_bytes, FM_JOURNAL_MARK_MAX) + RECORD_TRAILER);
  fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL), 0644);
  if (fd < 0)
    {
      io_error (error, path, "create journal");
      return NULL;
    }
  w->file = fdopen (fd, "w");
  if (!w->file)
    {
      close (fd);
      io_error (error, path, "fdopen");
      return NULL;
    }
  setvbuf (w->file, NULL, _IOFBF, WRITE_BUFFER);

  fm_digest_image (image, desc, base);
  memcpy (header, FM_JOURNAL_MAGIC, 8);
  put32 (header + 8, FM_JOURNAL_VERSION);
  put32 (header + 12, HEADER_SIZE);
  g_strlcpy ((gchar *) header + 16, desc->name, 64);
  put64 (header + 80, fm_image_seed (image));
  put32 (header + 88, desc->page_size);
  put32 (header + 92, desc->oob_size);
  put32 (header + 96, desc->pages_per_block);
  put32 (header + 100, fm_chip_desc_blocks (desc));
  memcpy (header + 104, base, FM_DIGEST_SIZE);
  put64 (header + 136, first_seq);
  put64 (header + 144, g_get_real_time () / G_USEC_PER_SEC);
  fm_digest (header, HEADER_DIGEST_OFF, header + HEADER_DIGEST_OFF);
  if (fwrite (header, HEADER_SIZE, 1, w->file) != 1)
    {
      io_error (error, path, "write journal header");
      return NULL;
    }
  return g_steal_pointer (&w);
}

gboolean
fm_journal_writer_append (FmJournalWriter *w, const FmNandEvent *ev, GError **error)
{
  guint8 *r = w->record;
  gsize payload = ev->op == FM_NAND_OP_PROGRAM ? ev->len : 0;
  gsize total = RECORD_FIXED + payload + RECORD_TRAILER;
  guint8 flags = (ev->ok ? FLAG_OK : 0) | (ev->applied ? FLAG_APPLIED : 0) |
                 (ev->interrupted ? FLAG_INTERRUPTED : 0);

  g_return_val_if_fail (ev->len == (ev->op == FM_NAND_OP_ERASE ? 0 : w->page_bytes), FALSE);
  /* Replay numbers operations as the model did; a gap would shift every
   * cut point after it. */
  if (ev->seq != w->next_seq)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "%s: operation %" G_GUINT64_FORMAT " arrived where %" G_GUINT64_FORMAT
                   " was due: the journal must see every operation", w->path, ev->seq, w->next_seq);
      return FALSE;
    }
  memset (r, 0, RECORD_FIXED);
  put32 (r, RECORD_MAGIC);
  put32 (r + 4, total);
  r[8] = ev->op;
  r[9] = flags;
  put32 (r + 12, ev->page_programs);
  put64 (r + 16, ev->seq);
  put64 (r + 24, ev->index);
  put64 (r + 32, ev->age_ns);
  put32 (r + 40, ev->erase_count);
  put32 (r + 44, ev->block_flags);
  put32 (r + 48, ev->len);
  put32 (r + 52, payload);
  if (ev->data)
    fm_digest (ev->data, ev->len, r + 56);
  if (payload)
    memcpy (r + RECORD_FIXED, ev->data, payload);
  put32 (r + RECORD_FIXED + payload, fm_crc32 (0, r, RECORD_FIXED + payload));
  if (fwrite (r, total, 1, w->file) != 1)
    return io_error (error, w->path, "write journal");
  w->next_seq++;
  w->records++;
  return TRUE;
}

gboolean
fm_journal_writer_mark (FmJournalWriter *w, const gchar *label, GError **error)
{
  guint8 *r = w->record;
  gsize len = strlen (label);
  gsize total = RECORD_FIXED + len + RECORD_TRAILER;

  if (!fm_journal_mark_label_valid (label, len))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "%s: a mark's label is 1 to %d printable ASCII characters", w->path,
                   FM_JOURNAL_MARK_MAX);
      return FALSE;
    }
  /* After the observer failed, the journal has a gap: a mark would name
   * the wrong place. */
  if (w->failure)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: the journal stopped: %s", w->path,
                   w->failure->message);
      return FALSE;
    }
  memset (r, 0, RECORD_FIXED);
  put32 (r, RECORD_MAGIC);
  put32 (r + 4, total);
  r[8] = MARK_OP;
  put64 (r + 16, w->next_seq - 1);
  put32 (r + 48, len);
  put32 (r + 52, len);
  fm_digest ((const guint8 *) label, len, r + 56);
  memcpy (r + RECORD_FIXED, label, len);
  put32 (r + RECORD_FIXED + len, fm_crc32 (0, r, RECORD_FIXED + len));
  if (fwrite (r, total, 1, w->file) != 1)
    return io_error (error, w->path, "write journal");
  w->marks++;
  return TRUE;
}

void
fm_journal_writer_observe (gpointer writer, const FmNandEvent *event)
{
  FmJournalWriter *w = writer;

  if (!w->failure)
    fm_journal_writer_append (w, event, &w->failure);
}

const GError *
fm_journal_writer_failed (const FmJournalWriter *w)
{
  return w->failure;
}

gboolean
fm_journal_writer_flush (FmJournalWriter *w, gboolean durable, GError **error)
{
  if (fflush (w->file) != 0)
    return io_error (error, w->path, "write journal");
  if (durable && fdatasync (fileno (w->file)) != 0)
    return io_error (error, w->path, "sync journal");
  return TRUE;
}

guint64
fm_journal_writer_records (const FmJournalWriter *w)
{
  return w->records;
}

guint64
fm_journal_writer_marks (const FmJournalWriter *w)
{
  return w->marks;
}

gboolean
fm_journal_writer_close (FmJournalWriter *w, GError **error)
{
  gboolean ok = TRUE;

  if (w->file)
    {
      ok = fm_journal_writer_flush (w, FALSE, error);
      if (fclose (w->file) != 0 && ok)
        ok = io_error (error, w->path, "close journal");
      w->file = NULL;
    }
  fm_journal_writer_free (w);
  return ok;
}

void
fm_journal_writer_free (FmJournalWriter *w)
{
  if (!w)
    return;
  if (w->file)
    fclose (w->file);
  g_clear_error (&w->failure);
  g_free (w->record);
  g_free (w->path);
  g_free (w);
}

/* ---- reader -------------------------------------------------------------- */

struct _FmJournalReader {
  gchar *name;
  GBytes *bytes;
  const guint8 *buf;
  gsize size;
  FmJournalInfo info;
  guint32 version;
  gsize page_bytes;
  gsize pos;
  guint64 next_seq;
  FmJournalEnd end;
  gchar *why;
};

static gboolean
corrupt (GError **error, const gchar *name, const gchar *why)
{
  g_set_error (error, FM_ERROR, FM_ERROR_JOURNAL_CORRUPT, "%s: not a usable journal: %s", name, why);
  return FALSE;
}

static gboolean
parse_header (FmJournalReader *r, GError **error)
{
  const guint8 *h = r->buf;
  guint8 digest[FM_DIGEST_SIZE];
  FmJournalInfo *info = &r->info;

  if (r->size < 8 || memcmp (h, FM_JOURNAL_MAGIC, 8) != 0)
    return corrupt (error, r->name, "no journal magic at the start");
  if (r->size < HEADER_SIZE)
    return corrupt (error, r->name, "the header is cut short");
  fm_digest (h, HEADER_DIGEST_OFF, digest);
  if (memcmp (digest, h + HEADER_DIGEST_OFF, FM_DIGEST_SIZE) != 0)
    return corrupt (error, r->name, "the header's digest does not match");
  r->version = get32 (h + 8);
  if (r->version < FIRST_VERSION || r->version > FM_JOURNAL_VERSION || get32 (h + 12) != HEADER_SIZE)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "%s: journal format version %u, this flashmodel reads versions %u to %u",
                   r->name, r->version, FIRST_VERSION, FM_JOURNAL_VERSION);
      return FALSE;
    }
  memcpy (info->chip_name, h + 16, 64);
  info->chip_seed = get64 (h + 80);
  info->page_size = get32 (h + 88);
  info->oob_size = get32 (h + 92);
  info->pages_per_block = get32 (h + 96);
  info->blocks = get32 (h + 100);
  memcpy (info->base_digest, h + 104, FM_DIGEST_SIZE);
  info->first_seq = get64 (h + 136);
  info->created_unix = get64 (h + 144);
  if (info->chip_name[63] != '\0' || !info->chip_name[0] || info->page_size == 0 ||
      info->page_size > (1u << 20) || info->oob_size > info->page_size ||
      info->pages_per_block == 0 || info->blocks == 0 || info->first_seq == 0)
    return corrupt (error, r->name, "inconsistent header fields");
  r->page_bytes = (gsize) info->page_size + info->oob_size;
  return TRUE;
}

FmJournalReader *
fm_journal_reader_new_from_bytes (GBytes *bytes, const gchar *name, GError **error)
{
  g_autoptr (FmJournalReader) r = g_new0 (FmJournalReader, 1);

  r->name = g_strdup (name ? name : "(journal)");
  r->bytes = g_bytes_ref (bytes);
  r->buf = g_bytes_get_data (bytes, &r->size);
  if (!parse_header (r, error))
    return NULL;
  fm_journal_reader_rewind (r);
  return g_steal_pointer (&r);
}

FmJournalReader *
fm_journal_reader_open (const gchar *path, GError **error)
{
  g_autoptr (GMappedFile) map = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local = NULL;

  map = g_mapped_file_new (path, FALSE, &local);
  if (!map)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s", local->message);
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (map);
  return fm_journal_reader_new_from_bytes (bytes, path, error);
}

void
fm_journal_reader_free (FmJournalReader *r)
{
  if (!r)
    return;
  g_clear_pointer (&r->bytes, g_bytes_unref);
  g_free (r->why);
  g_free (r->name);
  g_free (r);
}

const FmJournalInfo *
fm_journal_reader_info (const FmJournalReader *r)
{
  return &r->info;
}

void
fm_journal_reader_rewind (FmJournalReader *r)
{
  r->pos = HEADER_SIZE;
  r->next_seq = r->info.first_seq;
  r->end = FM_JOURNAL_END_CLEAN;
  g_clear_pointer (&r->why, g_free);
}

/* Ends the valid prefix here, saying why. */
static FmJournalEntry
stop (FmJournalReader *r, FmJournalEnd end, const gchar *format, ...) G_GNUC_PRINTF (3, 4);

static FmJournalEntry
stop (FmJournalReader *r, FmJournalEnd end, const gchar *format, ...)
{
  va_list ap;

  r->end = end;
  g_free (r->why);
  va_start (ap, format);
  r->why = g_strdup_vprintf (format, ap);
  va_end (ap);
  return FM_JOURNAL_ENTRY_END;
}

static gboolean
all_zero (const guint8 *p, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (p[i])
      return FALSE;
  return TRUE;
}

/* A mark's fields, once its frame and CRC are checked. */
static FmJournalEntry
parse_mark (FmJournalReader *r, const guint8 *p, guint32 total, FmJournalMark *mark)
{
  guint32 len = get32 (p + 48);
  guint8 digest[FM_DIGEST_SIZE];

  if (r->version < 2)
    return stop (r, FM_JOURNAL_END_CORRUPT, "a mark in a version %u journal", r->version);
  if (p[9] || len != get32 (p + 52) || total != RECORD_FIXED + len + RECORD_TRAILER ||
      !fm_journal_mark_label_valid ((const gchar *) p + RECORD_FIXED, len) ||
      get64 (p + 24) || get32 (p + 12) || get64 (p + 32) || get32 (p + 40) || get32 (p + 44))
    return stop (r, FM_JOURNAL_END_CORRUPT, "inconsistent mark fields");
  /* A mark sits after the operation it names, before the next one. */
  if (get64 (p + 16) != r->next_seq - 1)
    return stop (r, FM_JOURNAL_END_CORRUPT, "a mark after operation %" G_GUINT64_FORMAT
                 " where %" G_GUINT64_FORMAT " was the last", get64 (p + 16), r->next_seq - 1);
  fm_digest (p + RECORD_FIXED, len, digest);
  if (memcmp (digest, p + 56, FM_DIGEST_SIZE) != 0)
    return stop (r, FM_JOURNAL_END_CORRUPT, "a mark's label does not match its digest");
  mark->seq = get64 (p + 16);
  memcpy (mark->label, p + RECORD_FIXED, len);
  mark->label[len] = '\0';
  r->pos += total;
  return FM_JOURNAL_ENTRY_MARK;
}

FmJournalEntry
fm_journal_reader_next_entry (FmJournalReader *r, FmJournalRecord *rec, FmJournalMark *mark)
{
  const guint8 *p = r->buf + r->pos;
  gsize left = r->size - r->pos;
  guint32 total, payload, len;
  guint8 digest[FM_DIGEST_SIZE];
  guint64 limit;

  if (r->why || left == 0)
    return FM_JOURNAL_ENTRY_END;
  /* A crash can leave the file longer than what reached it, padded with
   * zeros; that is a torn tail too. */
  if (all_zero (p, left))
    return stop (r, FM_JOURNAL_END_TORN, "%zu zero bytes after the last record", left);
  if (left < 8)
    return stop (r, FM_JOURNAL_END_TORN, "the last record is cut short (%zu bytes)", left);
  if (get32 (p) != RECORD_MAGIC)
    return stop (r, FM_JOURNAL_END_CORRUPT, "no record magic");
  total = get32 (p + 4);
  if (total < RECORD_FIXED + RECORD_TRAILER ||
      total > RECORD_FIXED + MAX (r->page_bytes, FM_JOURNAL_MARK_MAX) + RECORD_TRAILER)
    return stop (r, FM_JOURNAL_END_CORRUPT, "impossible record length %u", total);
  if (left < total)
    return stop (r, FM_JOURNAL_END_TORN, "the last record is cut short (%zu of %u bytes)", left, total);
  if (get32 (p + total - RECORD_TRAILER) != fm_crc32 (0, p, total - RECORD_TRAILER))
    return stop (r, FM_JOURNAL_END_CORRUPT, "checksum mismatch");
  if (p[8] == MARK_OP)
    return parse_mark (r, p, total, mark);

  memset (rec, 0, sizeof *rec);
  rec->op = p[8];
  rec->ok = (p[9] & FLAG_OK) != 0;
  rec->applied = (p[9] & FLAG_APPLIED) != 0;
  rec->interrupted = (p[9] & FLAG_INTERRUPTED) != 0;
  rec->page_programs = get32 (p + 12);
  rec->seq = get64 (p + 16);
  rec->index = get64 (p + 24);
  rec->age_ns = get64 (p + 32);
  rec->erase_count = get32 (p + 40);
  rec->block_flags = get32 (p + 44);
  len = get32 (p + 48);
  payload = get32 (p + 52);
  memcpy (rec->digest, p + 56, FM_DIGEST_SIZE);

  /* Checks that keep replay within the chip whatever the file says. */
  if (p[8] > FM_NAND_OP_ERASE || (p[9] & ~FLAGS_KNOWN))
    return stop (r, FM_JOURNAL_END_CORRUPT, "unknown operation or flags");
  if (rec->seq != r->next_seq)
    return stop (r, FM_JOURNAL_END_CORRUPT, "operation %" G_GUINT64_FORMAT " where %"
                 G_GUINT64_FORMAT " was due", rec->seq, r->next_seq);
  limit = rec->op == FM_NAND_OP_ERASE ? r->info.blocks
                                      : (guint64) r->info.blocks * r->info.pages_per_block;
  if (rec->index >= limit)
    return stop (r, FM_JOURNAL_END_CORRUPT, "%s of %s %" G_GUINT64_FORMAT " beyond the chip",
                 fm_nand_op_to_string (rec->op), rec->op == FM_NAND_OP_ERASE ? "block" : "page",
                 rec->index);
  if (len != (rec->op == FM_NAND_OP_ERASE ? 0 : r->page_bytes) ||
      payload != (rec->op == FM_NAND_OP_PROGRAM ? len : 0) ||
      total != RECORD_FIXED + payload + RECORD_TRAILER || rec->page_programs > 15 ||
      (rec->block_flags & ~FM_BLOCK_KNOWN_FLAGS))
    return stop (r, FM_JOURNAL_END_CORRUPT, "inconsistent record fields");
  if (payload)
    {
      fm_digest (p + RECORD_FIXED, payload, digest);
      if (memcmp (digest, rec->digest, FM_DIGEST_SIZE) != 0)
        return stop (r, FM_JOURNAL_END_CORRUPT, "programmed data does not match its digest");
      rec->data = p + RECORD_FIXED;
    }
  rec->len = len;
  r->pos += total;
  r->next_seq++;
  return FM_JOURNAL_ENTRY_OPERATION;
}

gboolean
fm_journal_reader_next (FmJournalReader *r, FmJournalRecord *rec)
{
  FmJournalMark mark;
  FmJournalEntry entry;

  while ((entry = fm_journal_reader_next_entry (r, rec, &mark)) == FM_JOURNAL_ENTRY_MARK)
    ;
  return entry == FM_JOURNAL_ENTRY_OPERATION;
}

FmJournalEnd
fm_journal_reader_end (const FmJournalReader *r, guint64 *offset, const gchar **why)
{
  if (offset)
    *offset = r->pos;
  if (why)
    *why = r->why ? r->why : "";
  return r->end;
}

gboolean
fm_journal_info_check_chip (const FmJournalInfo *info, const FmChipDesc *desc, GError **error)
{
  if (!g_str_equal (info->chip_name, desc->name) || info->page_size != desc->page_size ||
      info->oob_size != desc->oob_size || info->pages_per_block != desc->pages_per_block ||
      info->blocks != fm_chip_desc_blocks (desc))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "the journal was recorded on chip '%s' (%u+%u x %u pages x %u blocks), not on '%s'",
                   info->chip_name, info->page_size, info->oob_size, info->pages_per_block,
                   info->blocks, desc->name);
      return FALSE;
    }
  return TRUE;
}
