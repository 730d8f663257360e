/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Journals: what a recording holds, that replay rebuilds the recorded chip
 * exactly, and that damage anywhere in the file is found while the valid
 * records before it stay usable.
 */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static void
test_records_hold_every_operation (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  const FmNandStats *stats;
  FmJournalRecord rec;
  guint64 counts[3] = { 0 }, n = 0;

  fm_test_record (&r, NULL, 600, NULL);
  stats = fm_nand_stats (r.nand);
  reader = fm_journal_reader_open (r.journal_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fm_journal_reader_info (reader)->chip_name, ==, r.desc->name);
  g_assert_cmpuint (fm_journal_reader_info (reader)->chip_seed, ==, 7);
  while (fm_journal_reader_next (reader, &rec))
    {
      guint8 digest[FM_DIGEST_SIZE];

      n++;
      g_assert_cmpuint (rec.seq, ==, n);
      counts[rec.op]++;
      if (rec.op == FM_NAND_OP_PROGRAM)
        {
          /* What was programmed is there, and the digest covers it. */
          g_assert_nonnull (rec.data);
          fm_digest (rec.data, rec.len, digest);
          g_assert_cmpmem (digest, sizeof digest, rec.digest, sizeof rec.digest);
        }
      else
        g_assert_null (rec.data);
    }
  g_assert_cmpint (fm_journal_reader_end (reader, NULL, NULL), ==, FM_JOURNAL_END_CLEAN);
  g_assert_cmpuint (n, ==, r.ops);
  g_assert_cmpuint (n, >=, 600);
  g_assert_cmpuint (counts[FM_NAND_OP_READ], ==, stats->page_reads);
  g_assert_cmpuint (counts[FM_NAND_OP_PROGRAM], ==, stats->page_programs);
  g_assert_cmpuint (counts[FM_NAND_OP_ERASE], ==, stats->block_erases);
  g_assert_cmpuint (counts[FM_NAND_OP_ERASE], >, 0);
}

static void
test_replay_rebuilds_the_chip (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (FmImage) image = NULL;

  /* Past the end of the tiny chip once, so blocks are erased again. */
  fm_test_record (&r, NULL, 1500, NULL);
  image = fm_test_replayed (&r, 0, FM_CUT_CLEAN, "replayed.img");
  fm_test_assert_same_chip (image, fm_nand_image (r.nand), r.desc);
  /* The retention clock is the last operation's. */
  {
    g_autoptr (FmJournalReader) reader = fm_journal_reader_open (r.journal_path, NULL);
    FmJournalRecord rec;
    guint64 age = 0;

    while (fm_journal_reader_next (reader, &rec))
      age = rec.age_ns;
    g_assert_cmpuint (age, >, 0);
    g_assert_cmpuint (fm_image_age_ns (image), ==, age);
  }
}

/* Replay reproduces even what faults did, since it applies the recorded
 * outcome instead of running the model again. */
static void
test_replay_reproduces_faults (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (FmImage) image = NULL;

  fm_test_record (&r, NULL, 2500, "program-fail block=any probability=0.02; erase-fail block=3 nth=1; grown-bad block=5 at-erase=2");
  image = fm_test_replayed (&r, 0, FM_CUT_CLEAN, "replayed.img");
  fm_test_assert_same_chip (image, fm_nand_image (r.nand), r.desc);
  g_assert_cmpuint (fm_image_block (image, 5)->flags & FM_BLOCK_GROWN_BAD, !=, 0);
}

/* --until N --cut clean is the chip after N operations: the same as a
 * recording of only N operations. */
static void
test_replay_until (void)
{
  g_auto (FmTestRecording) full = { 0 };
  g_auto (FmTestRecording) part = { 0 };
  g_autoptr (FmImage) image = NULL;

  fm_test_record (&full, NULL, 900, NULL);
  fm_test_record (&part, NULL, 400, NULL);
  image = fm_test_replayed (&full, part.ops, FM_CUT_CLEAN, "until.img");
  fm_test_assert_same_chip (image, fm_nand_image (part.nand), part.desc);
}

static GBytes *
file_bytes (const gchar *path)
{
  g_autoptr (GError) error = NULL;
  gchar *contents;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* Reads BYTES as a journal: how many records, and how it ended. */
static FmJournalEnd
scan (GBytes *bytes, guint64 *records, const gchar **why)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = fm_journal_reader_new_from_bytes (bytes, "test", &error);
  FmJournalRecord rec;
  static gchar last_why[256];
  FmJournalEnd end;

  g_assert_no_error (error);
  *records = 0;
  while (fm_journal_reader_next (reader, &rec))
    (*records)++;
  end = fm_journal_reader_end (reader, NULL, why);
  g_strlcpy (last_why, *why, sizeof last_why);
  *why = last_why;
  return end;
}

/* Offsets of each record's start, found by walking the frames. */
static GArray *
record_offsets (GBytes *bytes)
{
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize size;
  const guint8 *p = g_bytes_get_data (bytes, &size);

  for (gsize off = 256; off + 8 <= size;)
    {
      guint32 len;

      g_array_append_val (offsets, off);
      memcpy (&len, p + off + 4, 4);
      off += len;
    }
  return offsets;
}

static void
test_torn_tail_keeps_the_prefix (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GBytes) whole = NULL;
  g_autoptr (GArray) offsets = NULL;
  gsize size;
  const guint8 *p;

  fm_test_record (&r, NULL, 200, NULL);
  whole = file_bytes (r.journal_path);
  p = g_bytes_get_data (whole, &size);
  offsets = record_offsets (whole);
  g_assert_cmpuint (offsets->len, ==, r.ops);
  /* Cut inside the last, a middle and the first record, at several bytes
   * of each: every record before the cut survives, nothing after it. */
  for (guint k = 0; k < 3; k++)
    {
      guint i = k == 0 ? offsets->len - 1 : k == 1 ? offsets->len / 2 : 0;
      gsize start = g_array_index (offsets, gsize, i);
      gsize end = i + 1 < offsets->len ? g_array_index (offsets, gsize, i + 1) : size;

      for (gsize cut = start + 1; cut < end; cut += (end - start) / 7 + 1)
        {
          g_autoptr (GBytes) torn = g_bytes_new (p, cut);
          guint64 records;
          const gchar *why;

          g_assert_cmpint (scan (torn, &records, &why), ==, FM_JOURNAL_END_TORN);
          g_assert_cmpuint (records, ==, i);
          g_assert_true (strstr (why, "cut short") != NULL);
        }
    }
  /* A crash that left zeros after the last record. */
  {
    g_autofree guint8 *padded = g_malloc0 (size + 4096);
    g_autoptr (GBytes) bytes = NULL;
    guint64 records;
    const gchar *why;

    memcpy (padded, p, size);
    bytes = g_bytes_new (padded, size + 4096);
    g_assert_cmpint (scan (bytes, &records, &why), ==, FM_JOURNAL_END_TORN);
    g_assert_cmpuint (records, ==, r.ops);
  }
}

static void
test_corruption_is_detected (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GBytes) whole = NULL;
  g_autoptr (GArray) offsets = NULL;
  gsize size;
  const guint8 *p;
  guint i;

  fm_test_record (&r, NULL, 300, NULL);
  whole = file_bytes (r.journal_path);
  p = g_bytes_get_data (whole, &size);
  offsets = record_offsets (whole);
  i = offsets->len / 3;
  /* A flipped bit anywhere in record I: found, and the I records before
   * it are still offered. */
  for (gsize off = g_array_index (offsets, gsize, i); off < g_array_index (offsets, gsize, i + 1); off += 29)
    {
      g_autofree guint8 *copy = g_memdup2 (p, size);
      g_autoptr (GBytes) bytes = NULL;
      guint64 records;
      const gchar *why;

      copy[off] ^= 0x10;
      bytes = g_bytes_new (copy, size);
      g_assert_cmpint (scan (bytes, &records, &why), !=, FM_JOURNAL_END_CLEAN);
      g_assert_cmpuint (records, ==, i);
    }
}

/* Data changed with the frame's CRC made to match still fails the
 * SHA-256 digest of what was programmed. */
static void
test_digest_catches_what_crc_misses (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GBytes) whole = NULL;
  g_autoptr (GArray) offsets = NULL;
  g_autofree guint8 *copy = NULL;
  g_autoptr (GBytes) bytes = NULL;
  guint64 records;
  const gchar *why;
  gsize size;
  guint i;

  fm_test_record (&r, NULL, 100, NULL);
  whole = file_bytes (r.journal_path);
  g_bytes_get_data (whole, &size);
  copy = g_memdup2 (g_bytes_get_data (whole, NULL), size);
  offsets = record_offsets (whole);
  for (i = 0; i < offsets->len; i++)
    if (copy[g_array_index (offsets, gsize, i) + 8] == FM_NAND_OP_PROGRAM)
      break;
  g_assert_cmpuint (i, <, offsets->len);
  {
    gsize off = g_array_index (offsets, gsize, i);
    guint32 len, crc;

    memcpy (&len, copy + off + 4, 4);
    copy[off + 88 + 5] ^= 1; /* a programmed byte */
    crc = fm_crc32 (0, copy + off, len - 4);
    memcpy (copy + off + len - 4, &crc, 4);
  }
  bytes = g_bytes_new (copy, size);
  g_assert_cmpint (scan (bytes, &records, &why), ==, FM_JOURNAL_END_CORRUPT);
  g_assert_cmpuint (records, ==, i);
  g_assert_true (strstr (why, "digest") != NULL);
}

static void
test_bad_headers_are_refused (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GBytes) whole = NULL;
  gsize size;
  const guint8 *p;
  static const gsize offsets[] = { 0, 9, 20, 90, 120, 200, 230 };

  fm_test_record (&r, NULL, 20, NULL);
  whole = file_bytes (r.journal_path);
  p = g_bytes_get_data (whole, &size);
  for (guint k = 0; k < G_N_ELEMENTS (offsets); k++)
    {
      g_autofree guint8 *copy = g_memdup2 (p, size);
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (FmJournalReader) reader = NULL;

      copy[offsets[k]] ^= 0x01;
      bytes = g_bytes_new (copy, size);
      reader = fm_journal_reader_new_from_bytes (bytes, "bad", &error);
      g_assert_null (reader);
      g_assert_error (error, FM_ERROR, FM_ERROR_JOURNAL_CORRUPT);
    }
  for (gsize len = 0; len < 256; len += 37)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (p, len);
      g_autoptr (GError) error = NULL;
      g_autoptr (FmJournalReader) reader = fm_journal_reader_new_from_bytes (bytes, "short", &error);

      g_assert_null (reader);
      g_assert_error (error, FM_ERROR, FM_ERROR_JOURNAL_CORRUPT);
    }
}

static void
test_replay_refuses_another_base (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;

  fm_test_record (&r, NULL, 100, NULL);
  reader = fm_journal_reader_open (r.journal_path, &error);
  g_assert_no_error (error);
  /* The recorded chip's own image has moved on from the base. */
  g_assert_false (fm_replay_check_base (fm_nand_image (r.nand), r.desc,
                                        fm_journal_reader_info (reader), &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH);
  g_clear_error (&error);
  /* And a journal of one chip does not replay onto another. */
  {
    g_autoptr (FmChipDesc) other = fm_test_chip ("micron-mt29f4g");

    g_assert_false (fm_journal_info_check_chip (fm_journal_reader_info (reader), other, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH);
  }
}

static void
test_writer_refuses_existing_file_and_gaps (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalWriter) w = NULL;
  g_autofree gchar *path = NULL;
  FmNandEvent ev = { .op = FM_NAND_OP_ERASE, .seq = 5 };

  fm_test_record (&r, NULL, 10, NULL);
  w = fm_journal_writer_new (r.journal_path, fm_nand_image (r.nand), r.desc, 1, FALSE, &error);
  g_assert_null (w);
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_clear_error (&error);
  path = g_build_filename (r.dir, "gap.journal", NULL);
  w = fm_journal_writer_new (path, fm_nand_image (r.nand), r.desc, 1, FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (fm_journal_writer_append (w, &ev, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
}

/* Marks come back in place, with the seq of the operation before them;
 * next() and replay never see them. */
static void
test_marks_sit_between_operations (void)
{
  g_auto (FmTestRecording) r = { .mark_every = 7 };
  g_auto (FmTestRecording) plain = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autoptr (FmImage) marked_image = NULL, plain_image = NULL;
  FmJournalRecord rec;
  FmJournalMark mark;
  FmJournalEntry entry;
  guint64 ops = 0, marks = 0, last = 0;

  fm_test_record (&r, NULL, 300, NULL);
  g_assert_cmpuint (r.marks, ==, 1 + r.ops / 7);
  reader = fm_journal_reader_open (r.journal_path, &error);
  g_assert_no_error (error);
  while ((entry = fm_journal_reader_next_entry (reader, &rec, &mark)) != FM_JOURNAL_ENTRY_END)
    if (entry == FM_JOURNAL_ENTRY_MARK)
      {
        g_autofree gchar *want = marks == 0 ? g_strdup ("start")
                                            : g_strdup_printf ("after-%" G_GUINT64_FORMAT, last);

        g_assert_cmpuint (mark.seq, ==, last);
        g_assert_cmpstr (mark.label, ==, want);
        marks++;
      }
    else
      {
        g_assert_cmpuint (rec.seq, ==, ++ops);
        last = rec.seq;
      }
  g_assert_cmpint (fm_journal_reader_end (reader, NULL, NULL), ==, FM_JOURNAL_END_CLEAN);
  g_assert_cmpuint (ops, ==, r.ops);
  g_assert_cmpuint (marks, ==, r.marks);
  /* next() skips them. */
  fm_journal_reader_rewind (reader);
  for (ops = 0; fm_journal_reader_next (reader, &rec); ops++)
    g_assert_cmpuint (rec.seq, ==, ops + 1);
  g_assert_cmpuint (ops, ==, r.ops);
  /* Replay of a marked journal is that of the same run unmarked. */
  fm_test_record (&plain, NULL, 300, NULL);
  marked_image = fm_test_replayed (&r, 0, FM_CUT_CLEAN, "marked.img");
  plain_image = fm_test_replayed (&plain, 0, FM_CUT_CLEAN, "plain.img");
  fm_test_assert_same_chip (marked_image, plain_image, r.desc);
}

static void
test_mark_labels_are_checked (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalWriter) w = NULL;
  g_autofree gchar *path = NULL, *longest = g_strnfill (FM_JOURNAL_MARK_MAX, 'x');
  g_autofree gchar *too_long = g_strnfill (FM_JOURNAL_MARK_MAX + 1, 'x');
  const gchar *bad[] = { "", too_long, "two\nlines", "tab\there", "\x7f", "caf\xc3\xa9" };

  fm_test_record (&r, NULL, 10, NULL);
  path = g_build_filename (r.dir, "labels.journal", NULL);
  w = fm_journal_writer_new (path, fm_nand_image (r.nand), r.desc, 1, FALSE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (fm_journal_writer_mark (w, bad[i], &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_true (fm_journal_writer_mark (w, longest, &error));
  g_assert_true (fm_journal_writer_mark (w, " ~!a b{}", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fm_journal_writer_marks (w), ==, 2);
  g_assert_true (fm_journal_writer_close (g_steal_pointer (&w), &error));
  {
    g_autoptr (FmJournalReader) reader = fm_journal_reader_open (path, &error);
    FmJournalRecord rec;
    FmJournalMark mark;

    g_assert_no_error (error);
    g_assert_cmpint (fm_journal_reader_next_entry (reader, &rec, &mark), ==, FM_JOURNAL_ENTRY_MARK);
    g_assert_cmpstr (mark.label, ==, longest);
    g_assert_cmpuint (mark.seq, ==, 0);
    g_assert_cmpint (fm_journal_reader_next_entry (reader, &rec, &mark), ==, FM_JOURNAL_ENTRY_MARK);
    g_assert_cmpstr (mark.label, ==, " ~!a b{}");
    g_assert_cmpint (fm_journal_reader_next_entry (reader, &rec, &mark), ==, FM_JOURNAL_ENTRY_END);
    g_assert_cmpint (fm_journal_reader_end (reader, NULL, NULL), ==, FM_JOURNAL_END_CLEAN);
  }
}

/* Offset of the first mark at or after record index FROM. */
static gsize
mark_offset (const guint8 *p, GArray *offsets, guint from, guint *index)
{
  for (guint i = from; i < offsets->len; i++)
    if (p[g_array_index (offsets, gsize, i) + 8] == 0x80)
      {
        *index = i;
        return g_array_index (offsets, gsize, i);
      }
  g_assert_not_reached ();
}

/* Records before a mark, operations and marks alike. */
static guint64
operations_before (const guint8 *p, GArray *offsets, guint index)
{
  guint64 n = 0;

  for (guint i = 0; i < index; i++)
    n += p[g_array_index (offsets, gsize, i) + 8] != 0x80;
  return n;
}

/* A damaged or torn mark ends the valid prefix as a record would; a mark
 * that claims another place is refused. */
static void
test_damaged_marks_are_found (void)
{
  g_auto (FmTestRecording) r = { .mark_every = 5 };
  g_autoptr (GBytes) whole = NULL;
  g_autoptr (GArray) offsets = NULL;
  const guint8 *p;
  gsize size, off;
  guint i;
  guint64 records, before;
  const gchar *why;

  fm_test_record (&r, NULL, 100, NULL);
  whole = file_bytes (r.journal_path);
  p = g_bytes_get_data (whole, &size);
  offsets = record_offsets (whole);
  off = mark_offset (p, offsets, offsets->len / 2, &i);
  before = operations_before (p, offsets, i);
  for (gsize at = off; at < g_array_index (offsets, gsize, i + 1); at += 5)
    {
      g_autofree guint8 *copy = g_memdup2 (p, size);
      g_autoptr (GBytes) bytes = NULL;

      copy[at] ^= 0x04;
      bytes = g_bytes_new (copy, size);
      g_assert_cmpint (scan (bytes, &records, &why), !=, FM_JOURNAL_END_CLEAN);
      g_assert_cmpuint (records, ==, before);
    }
  {
    g_autoptr (GBytes) torn = g_bytes_new (p, off + 90);

    g_assert_cmpint (scan (torn, &records, &why), ==, FM_JOURNAL_END_TORN);
    g_assert_cmpuint (records, ==, before);
  }
  /* A valid frame whose seq names another operation. */
  {
    g_autofree guint8 *copy = g_memdup2 (p, size);
    g_autoptr (GBytes) bytes = NULL;
    guint32 len, crc;
    guint64 seq;

    memcpy (&len, copy + off + 4, 4);
    memcpy (&seq, copy + off + 16, 8);
    seq--;
    memcpy (copy + off + 16, &seq, 8);
    crc = fm_crc32 (0, copy + off, len - 4);
    memcpy (copy + off + len - 4, &crc, 4);
    bytes = g_bytes_new (copy, size);
    g_assert_cmpint (scan (bytes, &records, &why), ==, FM_JOURNAL_END_CORRUPT);
    g_assert_cmpuint (records, ==, before);
    g_assert_nonnull (strstr (why, "mark after operation"));
  }
}

/* Sets a journal's header version to VERSION, its digest made to match. */
static guint8 *
with_version (const guint8 *p, gsize size, guint32 version)
{
  guint8 *copy = g_memdup2 (p, size);

  memcpy (copy + 8, &version, 4);
  fm_digest (copy, 224, copy + 224);
  return copy;
}

/* Version 1 journals (no marks) are still read; a mark in one is not. */
static void
test_version_1_is_read (void)
{
  g_auto (FmTestRecording) plain = { 0 };
  g_auto (FmTestRecording) marked = { .mark_every = 9 };
  g_autoptr (GBytes) v1 = NULL, v1_marked = NULL, v3 = NULL;
  g_autoptr (GBytes) plain_bytes = NULL, marked_bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  guint64 records;
  const gchar *why;
  gsize size;

  fm_test_record (&plain, NULL, 50, NULL);
  fm_test_record (&marked, NULL, 50, NULL);
  plain_bytes = file_bytes (plain.journal_path);
  g_bytes_get_data (plain_bytes, &size);
  v1 = g_bytes_new_take (with_version (g_bytes_get_data (plain_bytes, NULL), size, 1), size);
  g_assert_cmpint (scan (v1, &records, &why), ==, FM_JOURNAL_END_CLEAN);
  g_assert_cmpuint (records, ==, plain.ops);
  marked_bytes = file_bytes (marked.journal_path);
  g_bytes_get_data (marked_bytes, &size);
  v1_marked = g_bytes_new_take (with_version (g_bytes_get_data (marked_bytes, NULL), size, 1), size);
  g_assert_cmpint (scan (v1_marked, &records, &why), ==, FM_JOURNAL_END_CORRUPT);
  g_assert_cmpuint (records, ==, 0); /* "start" comes first */
  g_assert_nonnull (strstr (why, "version 1"));
  v3 = g_bytes_new_take (with_version (g_bytes_get_data (marked_bytes, NULL), size, 3), size);
  reader = fm_journal_reader_new_from_bytes (v3, "v3", &error);
  g_assert_null (reader);
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/journal/records-hold-every-operation", test_records_hold_every_operation);
  g_test_add_func ("/journal/replay-rebuilds-the-chip", test_replay_rebuilds_the_chip);
  g_test_add_func ("/journal/replay-reproduces-faults", test_replay_reproduces_faults);
  g_test_add_func ("/journal/replay-until", test_replay_until);
  g_test_add_func ("/journal/torn-tail-keeps-the-prefix", test_torn_tail_keeps_the_prefix);
  g_test_add_func ("/journal/corruption-is-detected", test_corruption_is_detected);
  g_test_add_func ("/journal/digest-catches-what-crc-misses", test_digest_catches_what_crc_misses);
  g_test_add_func ("/journal/bad-headers-are-refused", test_bad_headers_are_refused);
  g_test_add_func ("/journal/replay-refuses-another-base", test_replay_refuses_another_base);
  g_test_add_func ("/journal/writer-refuses-existing-file-and-gaps", test_writer_refuses_existing_file_and_gaps);
  g_test_add_func ("/journal/marks-sit-between-operations", test_marks_sit_between_operations);
  g_test_add_func ("/journal/mark-labels-are-checked", test_mark_labels_are_checked);
  g_test_add_func ("/journal/damaged-marks-are-found", test_damaged_marks_are_found);
  g_test_add_func ("/journal/version-1-is-read", test_version_1_is_read);
  return g_test_run ();
}
