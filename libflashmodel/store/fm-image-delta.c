/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The delta file of an overlay image: on top of a read-only base image (a
 * full image or another delta), only the pages, block records and header
 * fields that differ from it.
 *
 * File layout: a 4 KiB header (the chip's geometry, the base's path and
 * identity, a CRC-32), then an append-only log of frames, each a 32-byte
 * header with its own CRC-32 and a payload, 8-byte aligned:
 *   DATA    page slots (data + OOB, each 8-byte aligned), said nothing of
 *           yet: a slot is a page's once a PAGE frame names it
 *   PAGE    a page has the data of a slot of a DATA frame since the last
 *           COMMIT, and its program count
 *   NODATA  pages without data (erased) in a run within one block, with
 *           their program count
 *   BLOCK   a block's record (FmBlockMeta)
 *   HEADER  the chip's age and flags
 *   COMMIT  a sync: a state to come back to; numbered, and carrying the
 *           CRC-32 of every byte since the previous COMMIT chained on
 *           from it, which names that state
 * A sync's frames are its pages' data in one DATA frame (or a few), then
 * the small frames that say what is whose, so that an open walks the
 * small frames and steps over the data: it touches little of the file.
 * A later frame replaces what an earlier one said. An open reads the run
 * of valid frames and keeps the state of its last COMMIT; what follows
 * (a sync that never finished: a torn write) is dropped, and cut off the
 * file by a writable open. Nothing before a COMMIT ever changes, so an
 * overlay may use a delta as its base "frozen" at one of its COMMITs
 * while the delta goes on growing: a campaign's cut images do
 * (fm-cut-image.h). Every field of every frame is checked before it is
 * used; page data is not checksummed (like a full image's, any bytes are
 * valid data), so that an open costs the number of frames, not bytes.
 *
 * In memory: a 64-bit word per page (whether this delta holds the page,
 * whether it has data, its program count, where its frame is) and a copy
 * of the block records touched, both in lazily zeroed memory so that
 * neither an open nor a new delta costs anything per page of the chip. A
 * page programmed since the last sync gets a slot at the end of the file
 * straight away (the caller writes into it, as into a full image's slot);
 * a sync closes the DATA frame around those slots, names the slots still
 * used and adds the rest and a COMMIT. Syncs only append, so a delta
 * written for long is compacted (rewritten with its live frames, a new
 * generation) when most of it is dead.
 */
#define _GNU_SOURCE
#include "fm-image-private.h"
#include "fm-crc.h"
#include "fm-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stddef.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DELTA_VERSION 1
#define BASE_PATH_MAX 3000
#define HEADER_CRC_OFF (FM_IMAGE_HEADER_SIZE - 4)
#define FRAME_HEADER 32
/* Frame offsets live in 56 bits of a page's word; files stay far below. */
#define DELTA_FILE_MAX (G_GUINT64_CONSTANT (1) << 48)

typedef struct {
  gchar magic[8];          /* FM_IMAGE_DELTA_MAGIC */
  guint32 version;
  guint32 header_size;
  gchar chip_name[64];     /* the base's, as are the geometry and seed */
  guint32 page_size;
  guint32 oob_size;
  guint32 pages_per_block;
  guint32 blocks;
  guint32 slot_size;
  guint32 base_kind;       /* FmImageKind */
  guint64 seed;
  guint64 generation;      /* 1, + 1 at each compaction */
  guint64 base_generation; /* the base's FmImageIdentity */
  guint64 base_length;
  guint32 base_crc;
  guint32 base_path_len;   /* bytes of base_path before its NUL */
  gchar base_path[BASE_PATH_MAX + 1];
} DeltaHeader;

G_STATIC_ASSERT (sizeof (DeltaHeader) <= HEADER_CRC_OFF);

enum {
  FRAME_DATA = 1,
  FRAME_PAGE = 2,
  FRAME_NODATA = 3,
  FRAME_BLOCK = 4,
  FRAME_HEADER_FIELDS = 5,
  FRAME_COMMIT = 6,
};

/* A DATA frame's payload at most: a whole number of slots of 1 GiB or
 * less (its length is 32 bits). */
#define DATA_FRAME_MAX (G_GUINT64_CONSTANT (1) << 30)

typedef struct {
  guint32 crc;      /* of these 32 bytes with crc 0 */
  guint16 type;
  guint16 reserved;
  guint32 len;      /* payload bytes; the frame takes 32 + len rounded up to 8 */
  guint32 programs; /* PAGE, NODATA: the page's program count */
  guint64 index;    /* PAGE, NODATA: page (NODATA: the run's first); BLOCK: block */
  guint64 arg;      /* PAGE: its slot's offset; NODATA: pages in the run; else 0 */
} FrameHeader;

G_STATIC_ASSERT (sizeof (FrameHeader) == FRAME_HEADER);

typedef struct {
  guint64 age_ns;
  guint32 flags;
  guint32 reserved;
} HeaderFields;

typedef struct {
  guint32 chain_crc;
  guint32 reserved;
  guint64 number;   /* 1, 2, ... */
} CommitFields;

/* A page's word. OWN: this delta says what the page holds (else the base
 * does); DATA: it has data, in the slot at OFFSET, or the base's data
 * when OFFSET is 0 (only until the next sync, after a change of program
 * count alone); without DATA an OFFSET past the last sync is a slot the
 * page may use again. DIRTY: listed in dirty_pages. */
#define LOC_OWN (G_GUINT64_CONSTANT (1) << 63)
#define LOC_DATA (G_GUINT64_CONSTANT (1) << 62)
#define LOC_DIRTY (G_GUINT64_CONSTANT (1) << 61)
#define LOC_PROGRAMS_SHIFT 56
#define LOC_PROGRAMS (G_GUINT64_CONSTANT (15) << LOC_PROGRAMS_SHIFT)
#define LOC_OFFSET ((G_GUINT64_CONSTANT (1) << LOC_PROGRAMS_SHIFT) - 1)

/* A block's byte of flags. */
enum {
  BLOCK_PRESENT = 1, /* blocks[b] holds the record */
  BLOCK_FRAMED = 2,  /* this delta has a BLOCK frame for it */
  BLOCK_DIRTY = 4,   /* listed in dirty_blocks */
};

typedef struct {
  guint32 block;
  FmBlockMeta before; /* as at the last sync */
} DirtyBlock;

/* A slot given out since the last sync. */
typedef struct {
  guint64 page;
  guint64 off;
} NewSlot;

struct _FmDelta {
  gchar *path;
  int fd;
  gboolean read_only;
  gboolean scratch;         /* syncs not waited for, never compacted */
  DeltaHeader header;
  gchar *base_path;         /* resolved */
  FmImage *base;
  gboolean owns_base;
  const FmImageGeometry *geo; /* the base's */
  guint depth;              /* deltas down to a full image, this one included */
  gboolean ready;           /* opened or created: a close syncs */
  guint64 stride;           /* a slot and its padding */

  /* The file, mapped over the start of a reservation of address space. */
  guint8 *map;
  guint64 reserve_len, mapped_len;
  guint64 file_len;         /* the file's size */
  guint64 tail;             /* where the next frame goes */
  guint64 commit_end;       /* the end of the last COMMIT */
  guint32 chain_crc;        /* of that COMMIT */
  guint64 commits;
  guint64 dropped_bytes;
  guint64 compact_after;    /* no compaction before the tail passes this */
  /* Since the last sync: the DATA frames (where their headers go) and
   * the slots in them. */
  GArray *areas;            /* guint64 */
  GArray *new_slots;        /* NewSlot */

  /* The state. */
  guint64 *loc;             /* n_pages words, lazily zeroed */
  FmBlockMeta *blocks;      /* blocks records, lazily zeroed */
  guint8 *block_bits;
  GArray *dirty_pages;      /* guint64 */
  GArray *dirty_blocks;     /* DirtyBlock */
  guint64 age_ns, committed_age_ns;
  gboolean factory_done, committed_factory_done;
  guint64 pages_with_data;
  guint64 own_data, own_nodata, own_blocks;
};

static guint64
align8 (guint64 v)
{
  return (v + 7) & ~G_GUINT64_CONSTANT (7);
}

static guint64
align4k (guint64 v)
{
  return (v + 4095) & ~G_GUINT64_CONSTANT (4095);
}

static gboolean
errno_error (GError **error, const gchar *path, const gchar *what)
{
  int saved = errno;

  g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s: %s", path, what, g_strerror (saved));
  return FALSE;
}

/* Anonymous memory that reads as zeros and costs only what is touched. */
static gpointer
lazy_zeroed (guint64 bytes)
{
  void *p;

  if (bytes > G_MAXSIZE)
    return NULL;
  p = mmap (NULL, MAX (bytes, 1), PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static void
lazy_free (gpointer p, guint64 bytes)
{
  if (p)
    munmap (p, MAX (bytes, 1));
}

/* Address space for a writable delta: room for several times every page
 * and block of the chip (a delta is compacted well before), and plenty
 * for a campaign's prefix, which only grows. Only what the file covers
 * is ever mapped. */
static guint64 chip_bytes (const FmImageGeometry *g);

static guint64
reservation_for (const FmImageGeometry *g)
{
  guint64 chip = chip_bytes (g);

#if GLIB_SIZEOF_SIZE_T < 8
  return MIN (align4k (4 * chip), G_GUINT64_CONSTANT (1) << 30);
#else
  return align4k (MIN (4 * chip + (G_GUINT64_CONSTANT (64) << 30), DELTA_FILE_MAX));
#endif
}

static FmDelta *
delta_new (const gchar *path, int fd, gboolean read_only)
{
  FmDelta *d = g_new0 (FmDelta, 1);

  d->path = g_strdup (path);
  d->fd = fd;
  d->read_only = read_only;
  d->dirty_pages = g_array_new (FALSE, FALSE, sizeof (guint64));
  d->dirty_blocks = g_array_new (FALSE, FALSE, sizeof (DirtyBlock));
  d->areas = g_array_new (FALSE, FALSE, sizeof (guint64));
  d->new_slots = g_array_new (FALSE, FALSE, sizeof (NewSlot));
  return d;
}

void
fm_delta_free (FmDelta *d)
{
  if (!d)
    return;
  if (d->ready && !d->read_only)
    {
      fm_delta_commit (d, NULL);
      /* What was reserved ahead goes back; a failed last sync leaves
       * its frames for the next open to drop (and report). */
      if (d->fd >= 0 && d->file_len > d->tail && ftruncate (d->fd, d->tail) == 0)
        d->file_len = d->tail;
    }
  if (d->map)
    munmap (d->map, d->reserve_len);
  if (d->geo)
    {
      lazy_free (d->loc, d->geo->n_pages * sizeof (guint64));
      lazy_free (d->blocks, (guint64) d->geo->blocks * sizeof (FmBlockMeta));
      lazy_free (d->block_bits, d->geo->blocks);
    }
  if (d->fd >= 0)
    close (d->fd);
  if (d->owns_base)
    fm_image_close (d->base);
  g_array_unref (d->dirty_pages);
  g_array_unref (d->dirty_blocks);
  g_array_unref (d->areas);
  g_array_unref (d->new_slots);
  g_free (d->base_path);
  g_free (d->path);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmDelta, fm_delta_free)

/* ---- the mapping ---- */

/* Maps the file over the reservation up to LEN (to a whole page). */
static gboolean
map_up_to (FmDelta *d, guint64 len, GError **error)
{
  guint64 want = align4k (len);

  if (want <= d->mapped_len)
    return TRUE;
  if (mmap (d->map + d->mapped_len, want - d->mapped_len,
            d->read_only ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
            d->fd, d->mapped_len) == MAP_FAILED)
    return errno_error (error, d->path, "mmap");
  d->mapped_len = want;
  return TRUE;
}

static gboolean
reserve_and_map (FmDelta *d, guint64 reserve, guint64 len, GError **error)
{
  void *p = mmap (NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

  if (p == MAP_FAILED)
    return errno_error (error, d->path, "reserving address space for the overlay");
  d->map = p;
  d->reserve_len = reserve;
  d->mapped_len = 0;
  return map_up_to (d, len, error);
}

/* Room for BYTES more after the tail, on real blocks of the disk (so
 * that no store through the mapping can fail: a full disk is an error
 * here, never a SIGBUS), and mapped. On failure nothing changed. */
static gboolean
ensure_room (FmDelta *d, guint64 bytes, GError **error)
{
  guint64 want = d->tail + bytes, grow, new_len;
  int err;

  if (want <= d->file_len)
    return TRUE;
  /* A quarter of the file at a time (64 KiB to 64 MiB): few calls for a
   * big delta, little waste for a small one (given back at close). */
  grow = CLAMP (d->file_len / 4, (guint64) 64 << 10, (guint64) 64 << 20);
  new_len = align4k (MAX (want, d->file_len + grow));
  if (new_len > d->reserve_len)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   "%s: the overlay would grow past %" G_GUINT64_FORMAT " bytes, the most this "
                   "process maps for it", d->path, d->reserve_len);
      return FALSE;
    }
  err = posix_fallocate (d->fd, d->file_len, new_len - d->file_len);
  if (err)
    {
      gboolean restored = ftruncate (d->fd, d->file_len) == 0;

      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   "%s: no room to grow the overlay to %" G_GUINT64_FORMAT " bytes: %s%s",
                   d->path, new_len, g_strerror (err),
                   restored ? "" : "; the file could not be cut back to its size");
      return FALSE;
    }
  if (!map_up_to (d, new_len, error))
    return FALSE;
  d->file_len = new_len;
  return TRUE;
}

/* ---- frames ---- */

static void
put_frame_header (guint8 *at, guint16 type, guint32 len, guint32 programs, guint64 index,
                  guint64 arg)
{
  FrameHeader h = { 0 };

  h.type = type;
  h.len = len;
  h.programs = programs;
  h.index = index;
  h.arg = arg;
  h.crc = fm_crc32 (0, (const guint8 *) &h, sizeof h);
  memcpy (at, &h, sizeof h);
}

/* Appends a frame (room ensured) and returns where it is. */
static guint64
append_frame (FmDelta *d, guint16 type, guint32 programs, guint64 index, guint64 count,
              const void *payload, guint32 len)
{
  guint64 off = d->tail;
  guint64 size = FRAME_HEADER + align8 (len);

  put_frame_header (d->map + off, type, len, programs, index, count);
  if (len)
    memcpy (d->map + off + FRAME_HEADER, payload, len);
  memset (d->map + off + FRAME_HEADER + len, 0, size - FRAME_HEADER - len);
  d->tail += size;
  return off;
}

typedef enum {
  FRAME_OK,
  FRAME_END,     /* not a whole frame (a torn write, or the end) */
  FRAME_CORRUPT, /* a whole frame that says what no writer writes */
} FrameCheck;

/* Checks the frame at AT, with AVAIL bytes after its header up to the
 * end of what may be read; its header in *H, its size in *SIZE. A frame
 * that fails its CRC is the end of the log; a frame that passes it but
 * whose fields are out of bounds is corruption, said in *WHY. Every
 * field is checked here, once, before anything uses it. */
static FrameCheck
frame_check (const FmDelta *d, const guint8 *at, guint64 avail, FrameHeader *h, guint64 *size,
             gchar **why)
{
  const FmImageGeometry *g = d->geo;
  guint32 crc;

  memcpy (h, at, sizeof *h);
  crc = h->crc;
  h->crc = 0;
  if (fm_crc32 (0, (const guint8 *) h, sizeof *h) != crc)
    return FRAME_END;
  h->crc = crc;
  if (align8 (h->len) > avail)
    return FRAME_END;
  *size = FRAME_HEADER + align8 (h->len);
#define BAD(...) G_STMT_START { *why = g_strdup_printf (__VA_ARGS__); return FRAME_CORRUPT; } G_STMT_END
  if (h->type < FRAME_DATA || h->type > FRAME_COMMIT)
    BAD ("unknown frame type %u", h->type);
  if (h->reserved)
    BAD ("a reserved field that is not zero");
  if (h->type != FRAME_NODATA && h->type != FRAME_PAGE && h->arg)
    BAD ("an argument of %" G_GUINT64_FORMAT " in a frame of type %u", h->arg, h->type);
  switch (h->type)
    {
    case FRAME_DATA:
      if (h->len == 0 || h->len % d->stride || h->index || h->programs)
        BAD ("a data frame of %u bytes (slots of %" G_GUINT64_FORMAT "), index %" G_GUINT64_FORMAT,
             h->len, d->stride, h->index);
      return FRAME_OK;
    case FRAME_PAGE:
    case FRAME_NODATA:
      if (h->len)
        BAD ("a %s frame of %u bytes", h->type == FRAME_PAGE ? "page" : "no-data", h->len);
      if (h->index >= g->n_pages)
        BAD ("page %" G_GUINT64_FORMAT ", past the chip's %" G_GUINT64_FORMAT, h->index, g->n_pages);
      if (h->programs > 15)
        BAD ("page %" G_GUINT64_FORMAT " programmed %u times, more than 15", h->index, h->programs);
      /* A run within one block: an open spends a block's pages on a
       * frame at most. (A PAGE frame's slot is checked by scan().) */
      if (h->type == FRAME_NODATA &&
          (h->arg < 1 || h->arg > g->pages_per_block - h->index % g->pages_per_block))
        BAD ("a run of %" G_GUINT64_FORMAT " pages from page %" G_GUINT64_FORMAT
             ", not 1 to the rest of its block", h->arg, h->index);
      return FRAME_OK;
    case FRAME_BLOCK:
      {
        FmBlockMeta m;
        gchar *problem;

        if (h->len != sizeof m || h->programs)
          BAD ("a block frame of %u bytes, program count %u", h->len, h->programs);
        if (h->index >= g->blocks)
          BAD ("block %" G_GUINT64_FORMAT ", past the chip's %u", h->index, g->blocks);
        memcpy (&m, at + FRAME_HEADER, sizeof m);
        problem = fm_image_block_problem (&m, g);
        if (problem)
          {
            *why = g_strdup_printf ("a record of block %" G_GUINT64_FORMAT " that is invalid: %s", h->index, problem);
            g_free (problem);
            return FRAME_CORRUPT;
          }
        return FRAME_OK;
      }
    case FRAME_HEADER_FIELDS:
      {
        HeaderFields f;

        if (h->len != sizeof f || h->index || h->programs)
          BAD ("a header frame of %u bytes, index %" G_GUINT64_FORMAT, h->len, h->index);
        memcpy (&f, at + FRAME_HEADER, sizeof f);
        if ((f.flags & ~FM_IMAGE_KNOWN_FLAGS) || f.reserved)
          BAD ("header flags 0x%x (reserved 0x%x)", f.flags, f.reserved);
        return FRAME_OK;
      }
    case FRAME_COMMIT:
      {
        CommitFields c;

        if (h->len != sizeof c || h->index || h->programs)
          BAD ("a sync frame of %u bytes, index %" G_GUINT64_FORMAT, h->len, h->index);
        memcpy (&c, at + FRAME_HEADER, sizeof c);
        if (c.reserved)
          BAD ("a sync frame's reserved field is not zero");
        return FRAME_OK;
      }
    default:
      BAD ("unknown frame type %u", h->type);
    }
#undef BAD
}

/* ---- the state ---- */

static gboolean
loc_has_data (FmDelta *d, guint64 page, guint64 loc)
{
  return (loc & LOC_OWN) ? (loc & LOC_DATA) != 0 : fm_image_page (d->base, page) != NULL;
}

/* Sets PAGE's word, keeping the counts right. */
static void
set_loc (FmDelta *d, guint64 page, guint64 loc)
{
  guint64 old = d->loc[page];
  gboolean had = loc_has_data (d, page, old), has = loc_has_data (d, page, loc);

  if (old & LOC_OWN)
    {
      if (old & LOC_DATA)
        d->own_data--;
      else
        d->own_nodata--;
    }
  if (loc & LOC_OWN)
    {
      if (loc & LOC_DATA)
        d->own_data++;
      else
        d->own_nodata++;
    }
  d->pages_with_data += (guint64) has - (guint64) had;
  d->loc[page] = loc;
}

static void
mark_dirty (FmDelta *d, guint64 page)
{
  if (d->loc[page] & LOC_DIRTY)
    return;
  d->loc[page] |= LOC_DIRTY;
  g_array_append_val (d->dirty_pages, page);
}

static guint64
loc_programs (guint64 loc)
{
  return (loc & LOC_PROGRAMS) >> LOC_PROGRAMS_SHIFT;
}

/* The block's record, copied from the base on first use. */
static FmBlockMeta *
own_block (FmDelta *d, guint32 block)
{
  if (!(d->block_bits[block] & BLOCK_PRESENT))
    {
      d->blocks[block] = *fm_image_block (d->base, block);
      d->block_bits[block] |= BLOCK_PRESENT;
    }
  return &d->blocks[block];
}

/* Applies the valid frame H at OFF (read at open). */
static void
apply_frame (FmDelta *d, guint64 off, const FrameHeader *h)
{
  const guint8 *payload = d->map + off + FRAME_HEADER;
  guint64 programs = (guint64) h->programs << LOC_PROGRAMS_SHIFT;

  switch (h->type)
    {
    case FRAME_PAGE:
      set_loc (d, h->index, LOC_OWN | LOC_DATA | programs | h->arg);
      break;
    case FRAME_NODATA:
      for (guint64 p = h->index; p < h->index + h->arg; p++)
        set_loc (d, p, LOC_OWN | programs);
      break;
    case FRAME_BLOCK:
      memcpy (own_block (d, h->index), payload, sizeof (FmBlockMeta));
      if (!(d->block_bits[h->index] & BLOCK_FRAMED))
        d->own_blocks++;
      d->block_bits[h->index] |= BLOCK_FRAMED;
      break;
    case FRAME_HEADER_FIELDS:
      {
        HeaderFields f;

        memcpy (&f, payload, sizeof f);
        d->age_ns = f.age_ns;
        d->factory_done = (f.flags & FM_IMAGE_FLAG_FACTORY_DONE) != 0;
      }
      break;
    case FRAME_COMMIT:
      {
        CommitFields c;

        memcpy (&c, payload, sizeof c);
        d->commits = c.number;
        d->chain_crc = c.chain_crc;
      }
      break;
    default:
      break;
    }
}

/* ---- opening ---- */

#define CORRUPT(...) G_STMT_START { \
    g_autofree gchar *why_ = g_strdup_printf (__VA_ARGS__); \
    g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "%s: corrupt overlay: %s", d->path, why_); \
    return FALSE; } G_STMT_END

/* The header's own checks, before anything in it is used. */
static gboolean
check_header (FmDelta *d, const guint8 *raw, GError **error)
{
  const DeltaHeader *h = &d->header;
  guint32 stored_crc;

  memcpy (&d->header, raw, sizeof d->header);
  memcpy (&stored_crc, raw + HEADER_CRC_OFF, sizeof stored_crc);
  if (stored_crc != fm_crc32 (0, raw, HEADER_CRC_OFF))
    CORRUPT ("header checksum mismatch (stored %08x, computed %08x)", stored_crc,
             fm_crc32 (0, raw, HEADER_CRC_OFF));
  if (h->version != DELTA_VERSION)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "%s: overlay format version %u, this flashmodel reads version %u",
                   d->path, h->version, DELTA_VERSION);
      return FALSE;
    }
  if (h->header_size != FM_IMAGE_HEADER_SIZE)
    CORRUPT ("header field header_size is %u, not %u", h->header_size, FM_IMAGE_HEADER_SIZE);
  if (h->base_kind != FM_IMAGE_KIND_FULL && h->base_kind != FM_IMAGE_KIND_DELTA)
    CORRUPT ("header field base_kind is %u, neither %u (an image) nor %u (an overlay)",
             h->base_kind, FM_IMAGE_KIND_FULL, FM_IMAGE_KIND_DELTA);
  if (h->base_path_len < 1 || h->base_path_len > BASE_PATH_MAX)
    CORRUPT ("header field base_path_len is %u, outside [1, %u]", h->base_path_len, BASE_PATH_MAX);
  if (memchr (h->base_path, '\0', h->base_path_len) || h->base_path[h->base_path_len] != '\0')
    CORRUPT ("header field base_path is not %u bytes and a NUL", h->base_path_len);
  /* Nothing may hide in the rest of the header. */
  for (gsize i = offsetof (DeltaHeader, base_path) + h->base_path_len + 1; i < HEADER_CRC_OFF; i++)
    if (raw[i])
      CORRUPT ("header byte %zu, past the base path, is not zero", i);
  if (!memchr (h->chip_name, '\0', sizeof h->chip_name))
    CORRUPT ("header field chip_name is not NUL-terminated");
  return TRUE;
}

/* The header's geometry and seed must be the base's. */
static gboolean
check_against_base (FmDelta *d, GError **error)
{
  const DeltaHeader *h = &d->header;
  const FmImageGeometry *g = d->geo;

  if (!g_str_equal (h->chip_name, g->chip_name))
    CORRUPT ("header field chip_name is '%s', its base's '%s'", h->chip_name, g->chip_name);
#define SAME(field) \
  if ((guint64) h->field != (guint64) g->field) \
    CORRUPT ("header field " #field " is %" G_GUINT64_FORMAT ", its base's %" G_GUINT64_FORMAT, \
             (guint64) h->field, (guint64) g->field)
  SAME (page_size);
  SAME (oob_size);
  SAME (pages_per_block);
  SAME (blocks);
  SAME (slot_size);
#undef SAME
  if (h->seed != fm_image_seed (d->base))
    CORRUPT ("header field seed is %" G_GUINT64_FORMAT ", its base's %" G_GUINT64_FORMAT,
             h->seed, fm_image_seed (d->base));
  return TRUE;
}

/* A relative base path is the delta's directory's. */
static gchar *
resolve_base (const gchar *delta_path, const gchar *stored)
{
  g_autofree gchar *dir = NULL;

  if (g_path_is_absolute (stored))
    return g_strdup (stored);
  dir = g_path_get_dirname (delta_path);
  return g_build_filename (dir, stored, NULL);
}

static gboolean
too_deep (const gchar *path, GError **error)
{
  g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
               "%s: more than %u overlays on top of each other (do their bases loop?)",
               path, FM_IMAGE_DELTA_DEPTH_MAX);
  return FALSE;
}

static gboolean
open_base (FmDelta *d, guint depth, GError **error)
{
  FmImageIdentity expect = {
    .kind = d->header.base_kind,
    .generation = d->header.base_generation,
    .length = d->header.base_length,
    .crc = d->header.base_crc,
  };
  g_autoptr (GError) local = NULL;

  if (depth + 1 > FM_IMAGE_DELTA_DEPTH_MAX)
    return too_deep (d->path, error);
  d->base_path = resolve_base (d->path, d->header.base_path);
  d->base = fm_image_open_base (d->base_path, &expect, depth + 1, &local);
  if (!d->base)
    {
      if (g_str_equal (d->base_path, d->header.base_path))
        g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: its base: ", d->path);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: its base (stored as '%s'): ",
                                    d->path, d->header.base_path);
      return FALSE;
    }
  d->owns_base = TRUE;
  d->geo = fm_image_geometry (d->base);
  d->stride = align8 (d->geo->slot_size);
  return TRUE;
}

/* Deltas from IMAGE down to a full image. */
static guint
depth_of (FmImage *image)
{
  FmImageOverlayInfo info;

  return fm_image_overlay_info (image, &info) ? info.depth : 0;
}

/* Memory for the state, and the state the base gives. */
static gboolean
state_init (FmDelta *d, GError **error)
{
  d->loc = lazy_zeroed (d->geo->n_pages * sizeof (guint64));
  d->blocks = lazy_zeroed ((guint64) d->geo->blocks * sizeof (FmBlockMeta));
  d->block_bits = lazy_zeroed (d->geo->blocks);
  if (!d->loc || !d->blocks || !d->block_bits)
    return errno_error (error, d->path, "allocating the overlay's tables");
  d->pages_with_data = fm_image_pages_with_data (d->base);
  d->age_ns = d->committed_age_ns = fm_image_age_ns (d->base);
  d->factory_done = d->committed_factory_done = fm_image_is_factory_initialised (d->base);
  return TRUE;
}

/* Whether OFF is where a slot of one of AREAS (start, end pairs in file
 * order) starts. */
static gboolean
slot_in (const FmDelta *d, const GArray *areas, guint64 off)
{
  guint lo = 0, hi = areas->len;

  /* The area that starts last at or before OFF. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (areas, guint64, 2 * mid) <= off)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0)
    return FALSE;
  {
    guint64 start = g_array_index (areas, guint64, 2 * (lo - 1));
    guint64 end = g_array_index (areas, guint64, 2 * (lo - 1) + 1);

    return off < end && end - off >= d->stride && (off - start) % d->stride == 0;
  }
}

/* Reads the frames up to LIMIT: where its last COMMIT ends before the
 * first frame that is not whole (a torn write). */
static gboolean
scan (FmDelta *d, guint64 limit, guint64 *valid_end, GError **error)
{
  guint64 off = FM_IMAGE_HEADER_SIZE, number = 0;
  /* The DATA frames since the last COMMIT, in file order: where their
   * slots start and end. */
  g_autoptr (GArray) areas = g_array_new (FALSE, FALSE, 2 * sizeof (guint64));

  *valid_end = off;
  while (limit - off >= FRAME_HEADER)
    {
      g_autofree gchar *why = NULL;
      FrameHeader h;
      guint64 size;

      switch (frame_check (d, d->map + off, limit - off - FRAME_HEADER, &h, &size, &why))
        {
        case FRAME_END:
          return TRUE;
        case FRAME_CORRUPT:
          g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                       "%s: corrupt overlay: the frame at byte %" G_GUINT64_FORMAT " holds %s",
                       d->path, off, why);
          return FALSE;
        case FRAME_OK:
          break;
        }
      if (h.type == FRAME_DATA)
        g_array_append_vals (areas, (guint64[2]) { off + FRAME_HEADER, off + size }, 1);
      if (h.type == FRAME_PAGE && !slot_in (d, areas, h.arg))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                       "%s: corrupt overlay: the frame at byte %" G_GUINT64_FORMAT " gives page %"
                       G_GUINT64_FORMAT " the slot at byte %" G_GUINT64_FORMAT
                       ", not a slot of a data frame since the last sync", d->path, off, h.index, h.arg);
          return FALSE;
        }
      if (h.type == FRAME_COMMIT)
        {
          CommitFields c;

          memcpy (&c, d->map + off + FRAME_HEADER, sizeof c);
          if (c.number != number + 1)
            {
              g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                           "%s: corrupt overlay: the sync at byte %" G_GUINT64_FORMAT " is number %"
                           G_GUINT64_FORMAT ", after number %" G_GUINT64_FORMAT, d->path, off, c.number, number);
              return FALSE;
            }
          number = c.number;
          *valid_end = off + size;
          g_array_set_size (areas, 0);
        }
      off += size;
    }
  return TRUE;
}

FmDelta *
fm_delta_open (const gchar *path, int fd, const guint8 *raw, guint64 file_size, gboolean read_only,
               const FmImageIdentity *frozen, guint depth, GError **error)
{
  g_autoptr (FmDelta) d = delta_new (path, fd, read_only);
  guint64 limit = frozen ? frozen->length : file_size, valid_end, size;

  if (!check_header (d, raw, error))
    goto fail;
  /* A compacted delta is another file: refused before anything else. */
  if (frozen && (frozen->kind != FM_IMAGE_KIND_DELTA || frozen->generation != d->header.generation))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "%s has changed since the overlay was made on it: it is an overlay of generation %"
                   G_GUINT64_FORMAT " (compacted since?), the overlay was made on %s of generation %"
                   G_GUINT64_FORMAT, path, d->header.generation,
                   frozen->kind == FM_IMAGE_KIND_DELTA ? "an overlay" : "an image", frozen->generation);
      goto fail;
    }
  if (!open_base (d, depth, error) || !check_against_base (d, error))
    goto fail;
  d->depth = depth_of (d->base) + 1;
  if (limit > file_size || limit < FM_IMAGE_HEADER_SIZE)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "%s has changed since the overlay was made on it: it has %" G_GUINT64_FORMAT
                   " bytes, the overlay was made on its first %" G_GUINT64_FORMAT, path, file_size, limit);
      goto fail;
    }
  if (limit > DELTA_FILE_MAX)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                   "%s: corrupt overlay: %" G_GUINT64_FORMAT " bytes, more than an overlay may have",
                   path, limit);
      goto fail;
    }
  if (!reserve_and_map (d, read_only ? align4k (limit) : MAX (reservation_for (d->geo), align4k (limit)),
                        limit, error) ||
      !state_init (d, error) || !scan (d, limit, &valid_end, error))
    goto fail;
  if (frozen && valid_end != frozen->length)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "%s has changed since the overlay was made on it: its syncs end at byte %" G_GUINT64_FORMAT
                   ", not at byte %" G_GUINT64_FORMAT " where the overlay was made", path, valid_end, frozen->length);
      goto fail;
    }
  /* Checked: applied, up to the last sync. (Read again rather than kept:
   * the small frames sit together, the data is stepped over.) */
  for (guint64 off = FM_IMAGE_HEADER_SIZE; off < valid_end; off += size)
    {
      g_autofree gchar *why = NULL;
      FrameHeader h;

      frame_check (d, d->map + off, valid_end - off - FRAME_HEADER, &h, &size, &why);
      apply_frame (d, off, &h);
    }
  d->committed_age_ns = d->age_ns;
  d->committed_factory_done = d->factory_done;
  d->dropped_bytes = limit - valid_end;
  d->tail = d->commit_end = valid_end;
  d->file_len = limit;
  /* What followed the last sync was never synced: gone for good. */
  if (!read_only && file_size > valid_end)
    {
      if (ftruncate (fd, valid_end) < 0)
        {
          errno_error (error, path, "cutting off the torn end of the overlay");
          goto fail;
        }
      d->file_len = valid_end;
    }
  d->ready = TRUE;
  return g_steal_pointer (&d);

fail:
  d->fd = -1; /* the caller closes it */
  return NULL;
}

#undef CORRUPT

/* ---- creating ---- */

FmDelta *
fm_delta_create (const gchar *path, FmImage *base, gboolean owns_base, const gchar *stored_base,
                 gboolean scratch, GError **error)
{
  g_autoptr (FmDelta) d = NULL;
  const FmImageGeometry *g = fm_image_geometry (base);
  guint8 raw[FM_IMAGE_HEADER_SIZE] = { 0 };
  DeltaHeader *h = (DeltaHeader *) raw;
  FmImageIdentity id;
  gsize stored_len = strlen (stored_base);
  guint32 crc;
  int fd;

  if (depth_of (base) + 1 > FM_IMAGE_DELTA_DEPTH_MAX)
    {
      too_deep (path, error);
      if (owns_base)
        fm_image_close (base);
      return NULL;
    }
  if (stored_len < 1 || stored_len > BASE_PATH_MAX)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "%s: the base's path '%s' is not 1 to %u bytes long", path, stored_base, BASE_PATH_MAX);
      if (owns_base)
        fm_image_close (base);
      return NULL;
    }
  fm_image_identity (base, &id);
  memcpy (h->magic, FM_IMAGE_DELTA_MAGIC, sizeof FM_IMAGE_DELTA_MAGIC);
  h->version = DELTA_VERSION;
  h->header_size = FM_IMAGE_HEADER_SIZE;
  g_strlcpy (h->chip_name, g->chip_name, sizeof h->chip_name);
  h->page_size = g->page_size;
  h->oob_size = g->oob_size;
  h->pages_per_block = g->pages_per_block;
  h->blocks = g->blocks;
  h->slot_size = g->slot_size;
  h->base_kind = id.kind;
  h->seed = fm_image_seed (base);
  h->generation = 1;
  h->base_generation = id.generation;
  h->base_length = id.length;
  h->base_crc = id.crc;
  h->base_path_len = stored_len;
  memcpy (h->base_path, stored_base, stored_len);
  crc = fm_crc32 (0, raw, HEADER_CRC_OFF);
  memcpy (raw + HEADER_CRC_OFF, &crc, sizeof crc);

  fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      errno_error (error, path, "create");
      if (owns_base)
        fm_image_close (base);
      return NULL;
    }
  d = delta_new (path, fd, FALSE);
  d->base = base;
  d->owns_base = owns_base;
  d->scratch = scratch;
  d->geo = g;
  d->stride = align8 (g->slot_size);
  d->depth = depth_of (base) + 1;
  memcpy (&d->header, raw, sizeof d->header);
  d->base_path = g_strdup (stored_base);
  if (flock (fd, LOCK_EX | LOCK_NB) < 0 ||
      pwrite (fd, raw, sizeof raw, 0) != (ssize_t) sizeof raw ||
      (!scratch && fsync (fd) < 0))
    {
      errno_error (error, path, "write the overlay's header");
      g_unlink (path);
      return NULL;
    }
  d->file_len = d->tail = d->commit_end = FM_IMAGE_HEADER_SIZE;
  if (!reserve_and_map (d, reservation_for (g), d->file_len, error) || !state_init (d, error))
    {
      g_unlink (path);
      return NULL;
    }
  d->ready = TRUE;
  return g_steal_pointer (&d);
}

/* ---- the image's operations ---- */

FmImage *
fm_delta_base (FmDelta *d)
{
  return d->base;
}

void
fm_delta_set_scratch (FmDelta *d)
{
  d->scratch = TRUE;
}

const guint8 *
fm_delta_page (FmDelta *d, guint64 page)
{
  guint64 loc = d->loc[page];

  if (!(loc & LOC_OWN))
    return fm_image_page (d->base, page);
  if (!(loc & LOC_DATA))
    return NULL;
  if (!(loc & LOC_OFFSET))
    return fm_image_page (d->base, page);
  return d->map + (loc & LOC_OFFSET);
}

guint
fm_delta_page_programs (FmDelta *d, guint64 page)
{
  guint64 loc = d->loc[page];

  return (loc & LOC_OWN) ? loc_programs (loc) : fm_image_page_programs (d->base, page);
}

/* Room for a slot after the tail (and for the header of the DATA frame
 * it opens, if it must). */
static guint64
slot_room (const FmDelta *d)
{
  guint64 area = d->areas->len ? g_array_index (d->areas, guint64, d->areas->len - 1) : 0;

  if (area && d->tail + d->stride - (area + FRAME_HEADER) <= DATA_FRAME_MAX)
    return d->stride;
  return FRAME_HEADER + d->stride;
}

/* A slot for PAGE at the tail (room ensured), in the DATA frame of this
 * sync, or a new one (whose header the sync writes). */
static guint64
new_slot (FmDelta *d, guint64 page)
{
  NewSlot slot;

  if (slot_room (d) > d->stride)
    {
      g_array_append_val (d->areas, d->tail);
      memset (d->map + d->tail, 0, FRAME_HEADER); /* a torn write's end */
      d->tail += FRAME_HEADER;
    }
  slot.page = page;
  slot.off = d->tail;
  g_array_append_val (d->new_slots, slot);
  memset (d->map + d->tail + d->geo->slot_size, 0, d->stride - d->geo->slot_size);
  d->tail += d->stride;
  return slot.off;
}

guint8 *
fm_delta_page_mut (FmDelta *d, guint64 page, GError **error)
{
  guint64 loc = d->loc[page], off = loc & LOC_OFFSET;
  guint32 slot = d->geo->slot_size;
  const guint8 *now;

  if (off >= d->commit_end)
    {
      /* A slot of this sync: the page's, or one it had and may use again
       * (it was cleared since). */
      if (!(loc & LOC_DATA))
        {
          memset (d->map + off, 0xff, slot);
          set_loc (d, page, loc | LOC_DATA);
          mark_dirty (d, page);
        }
      return d->map + off;
    }
  now = fm_delta_page (d, page);
  if (!ensure_room (d, slot_room (d), error))
    return NULL;
  off = new_slot (d, page);
  if (now)
    memcpy (d->map + off, now, slot);
  else
    memset (d->map + off, 0xff, slot);
  set_loc (d, page, (loc & LOC_DIRTY) | LOC_OWN | LOC_DATA |
                    ((guint64) fm_delta_page_programs (d, page) << LOC_PROGRAMS_SHIFT) | off);
  mark_dirty (d, page);
  return d->map + off;
}

void
fm_delta_set_page_programs (FmDelta *d, guint64 page, guint n)
{
  guint64 loc = d->loc[page];

  if (!(loc & LOC_OWN))
    {
      if (fm_image_page_programs (d->base, page) == n)
        return;
      /* The base's data, if any, stays the page's: copied at the sync. */
      loc = LOC_OWN | (fm_image_page (d->base, page) ? LOC_DATA : 0);
    }
  set_loc (d, page, (loc & ~LOC_PROGRAMS) | ((guint64) n << LOC_PROGRAMS_SHIFT));
  mark_dirty (d, page);
}

void
fm_delta_clear_page (FmDelta *d, guint64 page)
{
  guint64 loc = d->loc[page], off = loc & LOC_OFFSET;

  if (!(loc & LOC_OWN) && !fm_image_page (d->base, page) && fm_image_page_programs (d->base, page) == 0)
    return;
  /* A frame of this sync may serve the page again. */
  set_loc (d, page, (loc & LOC_DIRTY) | LOC_OWN | (off >= d->commit_end ? off : 0));
  mark_dirty (d, page);
}

FmBlockMeta *
fm_delta_block (FmDelta *d, guint32 block)
{
  FmBlockMeta *m = own_block (d, block);

  /* The caller may change the record through the pointer: remember it
   * as it was, and compare at the sync. */
  if (!d->read_only && !(d->block_bits[block] & BLOCK_DIRTY))
    {
      DirtyBlock e = { block, *m };

      g_array_append_val (d->dirty_blocks, e);
      d->block_bits[block] |= BLOCK_DIRTY;
    }
  return m;
}

guint64
fm_delta_pages_with_data (FmDelta *d)
{
  return d->pages_with_data;
}

guint64
fm_delta_file_bytes (FmDelta *d)
{
  return d->file_len;
}

guint64
fm_delta_age_ns (FmDelta *d)
{
  return d->age_ns;
}

void
fm_delta_set_age_ns (FmDelta *d, guint64 age_ns)
{
  d->age_ns = age_ns;
}

gboolean
fm_delta_factory_done (FmDelta *d)
{
  return d->factory_done;
}

void
fm_delta_set_factory_done (FmDelta *d)
{
  d->factory_done = TRUE;
}

/* ---- syncs ---- */

static gboolean
sync_range (FmDelta *d, guint64 from, guint64 to, GError **error)
{
  guint64 start = from & ~G_GUINT64_CONSTANT (4095);

  if (d->scratch || to <= from)
    return TRUE;
  if (msync (d->map + start, to - start, MS_SYNC) < 0)
    return errno_error (error, d->path, "msync");
  return TRUE;
}

/* What a delta holding every page and block of the chip takes. */
static guint64
chip_bytes (const FmImageGeometry *g)
{
  return FM_IMAGE_HEADER_SIZE + g->n_pages * (2 * FRAME_HEADER + align8 (g->slot_size)) +
         (guint64) g->blocks * (FRAME_HEADER + sizeof (FmBlockMeta));
}

/* Whether NEXT extends the run of RUN pages from FIRST (its word LOC):
 * the next page of the block, without data either, as many programs. */
static gboolean
run_continues (const FmDelta *d, guint64 first, guint64 run, guint64 next, guint64 loc)
{
  guint64 next_loc = d->loc[next];

  return next == first + run && next % d->geo->pages_per_block != 0 && (next_loc & LOC_OWN) &&
         !(next_loc & LOC_DATA) && loc_programs (next_loc) == loc_programs (loc);
}

/* The size of the delta's live frames: what a compaction would leave. */
static guint64
live_bytes (const FmDelta *d)
{
  return FM_IMAGE_HEADER_SIZE + d->own_data * (d->stride + FRAME_HEADER) + d->own_nodata * FRAME_HEADER +
         d->own_blocks * (FRAME_HEADER + sizeof (FmBlockMeta)) +
         2 * (FRAME_HEADER + sizeof (CommitFields));
}

static gboolean compact (FmDelta *d, GError **error);

static void
forget_dirty (FmDelta *d)
{
  for (guint i = 0; i < d->dirty_pages->len; i++)
    d->loc[g_array_index (d->dirty_pages, guint64, i)] &= ~LOC_DIRTY;
  for (guint i = 0; i < d->dirty_blocks->len; i++)
    d->block_bits[g_array_index (d->dirty_blocks, DirtyBlock, i).block] &= ~BLOCK_DIRTY;
  g_array_set_size (d->dirty_pages, 0);
  g_array_set_size (d->dirty_blocks, 0);
}

gboolean
fm_delta_commit (FmDelta *d, GError **error)
{
  guint64 run_end = d->tail, need, copies = 0, nodata = 0, blocks = 0, meta_start;
  guint n_areas = d->areas->len, n_slots = d->new_slots->len;
  gboolean header_changed;
  CommitFields c = { 0 };

  if (d->read_only)
    return TRUE;
  for (guint i = 0; i < d->dirty_pages->len; i++)
    {
      guint64 loc = d->loc[g_array_index (d->dirty_pages, guint64, i)];

      if (!(loc & LOC_DATA))
        nodata++;
      else if ((loc & LOC_OFFSET) < d->commit_end)
        copies++;
    }
  for (guint i = 0; i < d->dirty_blocks->len; i++)
    {
      const DirtyBlock *e = &g_array_index (d->dirty_blocks, DirtyBlock, i);

      blocks += memcmp (&e->before, &d->blocks[e->block], sizeof e->before) != 0;
    }
  header_changed = d->age_ns != d->committed_age_ns || d->factory_done != d->committed_factory_done;
  if (run_end == d->commit_end && !nodata && !copies && !blocks && !header_changed)
    {
      forget_dirty (d);
      return TRUE;
    }
  /* Everything this sync writes, room first: a full disk fails it here,
   * with nothing changed. (A DATA frame per 1 GiB of copies at most.) */
  need = copies * (d->stride + FRAME_HEADER) + (copies * d->stride / DATA_FRAME_MAX + 1) * FRAME_HEADER +
         (n_slots + nodata) * FRAME_HEADER + blocks * (FRAME_HEADER + sizeof (FmBlockMeta)) +
         (header_changed ? FRAME_HEADER + sizeof (HeaderFields) : 0) + FRAME_HEADER + sizeof (CommitFields);
  if (!ensure_room (d, need, error))
    return FALSE;

  /* Pages whose data is not in a slot of this sync (only their program
   * count changed): their data gets one. */
  for (guint i = 0; i < d->dirty_pages->len; i++)
    {
      guint64 page = g_array_index (d->dirty_pages, guint64, i);
      guint64 loc = d->loc[page];

      if ((loc & LOC_DATA) && (loc & LOC_OFFSET) < d->commit_end)
        {
          const guint8 *now = fm_delta_page (d, page);

          memcpy (d->map + new_slot (d, page), now, d->geo->slot_size);
        }
    }
  /* The DATA frames around the slots, then which page has which. */
  for (guint i = 0; i < d->areas->len; i++)
    {
      guint64 area = g_array_index (d->areas, guint64, i);
      guint64 end = i + 1 < d->areas->len ? g_array_index (d->areas, guint64, i + 1) : d->tail;

      put_frame_header (d->map + area, FRAME_DATA, end - area - FRAME_HEADER, 0, 0, 0);
    }
  meta_start = d->tail;
  for (guint i = 0; i < d->new_slots->len; i++)
    {
      const NewSlot *slot = &g_array_index (d->new_slots, NewSlot, i);
      guint64 loc = d->loc[slot->page];

      /* The page's slot now, or (a copy) the slot its data went to. */
      if ((loc & LOC_DATA) && ((loc & LOC_OFFSET) == slot->off ||
                               (i >= n_slots && (loc & LOC_OFFSET) < d->commit_end)))
        append_frame (d, FRAME_PAGE, loc_programs (loc), slot->page, slot->off, NULL, 0);
    }
  for (guint i = 0; i < d->dirty_pages->len; i++)
    {
      guint64 page = g_array_index (d->dirty_pages, guint64, i);
      guint64 loc = d->loc[page];

      if (!(loc & LOC_DATA))
        {
          /* An erased block's pages, dirtied one after the other: one
           * frame. */
          guint64 run = 1;

          while (i + run < d->dirty_pages->len &&
                 run_continues (d, page, run, g_array_index (d->dirty_pages, guint64, i + run), loc))
            run++;
          append_frame (d, FRAME_NODATA, loc_programs (loc), page, run, NULL, 0);
          i += run - 1;
        }
    }
  for (guint i = 0; i < d->dirty_blocks->len; i++)
    {
      const DirtyBlock *e = &g_array_index (d->dirty_blocks, DirtyBlock, i);

      if (memcmp (&e->before, &d->blocks[e->block], sizeof e->before) != 0)
        append_frame (d, FRAME_BLOCK, 0, e->block, 0, &d->blocks[e->block], sizeof (FmBlockMeta));
    }
  if (header_changed)
    {
      HeaderFields f = { d->age_ns, d->factory_done ? FM_IMAGE_FLAG_FACTORY_DONE : 0, 0 };

      append_frame (d, FRAME_HEADER_FIELDS, 0, 0, 0, &f, sizeof f);
    }
  /* The frames on the disk before the COMMIT that makes them count. */
  if (!sync_range (d, d->commit_end, d->tail, error))
    goto undo;
  c.chain_crc = fm_crc32 (d->chain_crc, d->map + d->commit_end, d->tail - d->commit_end);
  c.number = d->commits + 1;
  append_frame (d, FRAME_COMMIT, 0, 0, 0, &c, sizeof c);
  if (!sync_range (d, d->tail - FRAME_HEADER - sizeof c, d->tail, error))
    goto undo;

  /* Committed: the state in memory follows. */
  for (guint64 off = meta_start; off < d->tail;)
    {
      FrameHeader h;

      memcpy (&h, d->map + off, sizeof h);
      if (h.type == FRAME_PAGE)
        set_loc (d, h.index, (d->loc[h.index] & ~LOC_OFFSET) | h.arg);
      else if (h.type == FRAME_BLOCK && !(d->block_bits[h.index] & BLOCK_FRAMED))
        {
          d->block_bits[h.index] |= BLOCK_FRAMED;
          d->own_blocks++;
        }
      off += FRAME_HEADER + align8 (h.len);
    }
  /* Slots of this sync that no page kept are not used again. */
  for (guint i = 0; i < d->dirty_pages->len; i++)
    {
      guint64 page = g_array_index (d->dirty_pages, guint64, i);

      if (!(d->loc[page] & LOC_DATA))
        d->loc[page] &= ~LOC_OFFSET;
    }
  d->chain_crc = c.chain_crc;
  d->commits = c.number;
  d->commit_end = d->tail;
  d->committed_age_ns = d->age_ns;
  d->committed_factory_done = d->factory_done;
  g_array_set_size (d->areas, 0);
  g_array_set_size (d->new_slots, 0);
  forget_dirty (d);
  /* Mostly dead frames (pages written again and again): compacted, so
   * that a delta written for long stays near the size of what it holds. */
  if (!d->scratch && d->tail >= d->compact_after &&
      d->tail > 2 * live_bytes (d) + MAX ((guint64) 1 << 20, chip_bytes (d->geo) / 8))
    {
      /* Not worth failing the sync for: the delta is whole without it. */
      if (!compact (d, NULL))
        d->compact_after = 2 * d->tail;
    }
  return TRUE;

undo:
  /* As before the sync: its slots, its frames after them dropped. */
  g_array_set_size (d->areas, n_areas);
  g_array_set_size (d->new_slots, n_slots);
  d->tail = run_end;
  return FALSE;
}

/* ---- compaction ---- */

/* Frames written through a buffer to a new file, chaining their CRC. */
typedef struct {
  int fd;
  GByteArray *buf;
  guint64 off;      /* file offset of buf's start */
  guint32 crc;
} FrameWriter;

static gboolean
writer_flush (FrameWriter *w)
{
  for (guint done = 0; done < w->buf->len;)
    {
      ssize_t put = pwrite (w->fd, w->buf->data + done, w->buf->len - done, w->off + done);

      if (put < 0)
        return FALSE;
      done += put;
    }
  w->crc = fm_crc32 (w->crc, w->buf->data, w->buf->len);
  w->off += w->buf->len;
  g_byte_array_set_size (w->buf, 0);
  return TRUE;
}

static gboolean
writer_frame (FrameWriter *w, guint16 type, guint32 programs, guint64 index, guint64 arg,
              const void *payload, guint32 len)
{
  guint64 size = FRAME_HEADER + align8 (len);
  guint old = w->buf->len;

  g_byte_array_set_size (w->buf, old + size);
  put_frame_header (w->buf->data + old, type, len, programs, index, arg);
  if (len)
    memcpy (w->buf->data + old + FRAME_HEADER, payload, len);
  memset (w->buf->data + old + FRAME_HEADER + len, 0, size - FRAME_HEADER - len);
  return w->buf->len < (1u << 20) || writer_flush (w);
}

/* A DATA frame's header, for LEN bytes of slots that follow. */
static gboolean
writer_data_header (FrameWriter *w, guint32 len)
{
  guint old = w->buf->len;

  g_byte_array_set_size (w->buf, old + FRAME_HEADER);
  put_frame_header (w->buf->data + old, FRAME_DATA, len, 0, 0, 0);
  return w->buf->len < (1u << 20) || writer_flush (w);
}

/* LEN bytes of a slot and its padding to STRIDE, after a DATA frame's
 * header. */
static gboolean
writer_slot (FrameWriter *w, const guint8 *data, guint32 len, guint64 stride)
{
  guint old = w->buf->len;

  g_byte_array_set_size (w->buf, old + stride);
  memcpy (w->buf->data + old, data, len);
  memset (w->buf->data + old + len, 0, stride - len);
  return w->buf->len < (1u << 20) || writer_flush (w);
}

static guint64
writer_offset (const FrameWriter *w)
{
  return w->off + w->buf->len;
}

/* Rewrites the delta with its live frames only, as a new generation (the
 * overlays made on the old one no longer match it), replacing the file
 * by a rename once the new one is on the disk. Called just after a
 * sync: nothing is pending. */
static gboolean
compact (FmDelta *d, GError **error)
{
  g_autofree gchar *tmp = g_strdup_printf ("%s.compact-XXXXXX", d->path);
  g_autofree gchar *dir = g_path_get_dirname (d->path);
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  guint8 raw[FM_IMAGE_HEADER_SIZE] = { 0 };
  DeltaHeader h = d->header;
  FrameWriter w = { -1, buf, FM_IMAGE_HEADER_SIZE, 0 };
  HeaderFields f = { d->age_ns, d->factory_done ? FM_IMAGE_FLAG_FACTORY_DONE : 0, 0 };
  CommitFields c = { 0 };
  guint8 *map = NULL;
  guint64 len, reserve = d->reserve_len;
  guint32 crc;
  gboolean ok;
  int dir_fd;

  w.fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0644);
  if (w.fd < 0)
    return errno_error (error, tmp, "create");
  h.generation++;
  memcpy (raw, &h, sizeof h);
  crc = fm_crc32 (0, raw, HEADER_CRC_OFF);
  memcpy (raw + HEADER_CRC_OFF, &crc, sizeof crc);
  ok = pwrite (w.fd, raw, sizeof raw, 0) == (ssize_t) sizeof raw;
  /* The data of the pages that have some, in DATA frames of 1 GiB at
   * most, then which page has which slot. */
  {
    guint64 per_frame = DATA_FRAME_MAX / d->stride, left = d->own_data, in_frame = 0;
    g_autoptr (GArray) placed = g_array_new (FALSE, FALSE, sizeof (NewSlot));

    for (guint64 p = 0; ok && p < d->geo->n_pages; p++)
      {
        guint64 loc = d->loc[p];
        NewSlot slot = { p, 0 };

        if (!(loc & LOC_OWN) || !(loc & LOC_DATA))
          continue;
        if (in_frame == 0)
          {
            in_frame = MIN (left, per_frame);
            ok = writer_data_header (&w, in_frame * d->stride);
          }
        slot.off = writer_offset (&w);
        g_array_append_val (placed, slot);
        ok = ok && writer_slot (&w, fm_delta_page (d, p), d->geo->slot_size, d->stride);
        in_frame--;
        left--;
      }
    for (guint i = 0; ok && i < placed->len; i++)
      {
        const NewSlot *slot = &g_array_index (placed, NewSlot, i);

        ok = writer_frame (&w, FRAME_PAGE, loc_programs (d->loc[slot->page]), slot->page, slot->off, NULL, 0);
      }
  }
  for (guint64 p = 0; ok && p < d->geo->n_pages; p++)
    {
      guint64 loc = d->loc[p], run = 1;

      if (!(loc & LOC_OWN) || (loc & LOC_DATA))
        continue;
      while (p + run < d->geo->n_pages && run_continues (d, p, run, p + run, loc))
        run++;
      ok = writer_frame (&w, FRAME_NODATA, loc_programs (loc), p, run, NULL, 0);
      p += run - 1;
    }
  for (guint32 b = 0; ok && b < d->geo->blocks; b++)
    if (d->block_bits[b] & BLOCK_FRAMED)
      ok = writer_frame (&w, FRAME_BLOCK, 0, b, 0, &d->blocks[b], sizeof (FmBlockMeta));
  ok = ok && writer_frame (&w, FRAME_HEADER_FIELDS, 0, 0, 0, &f, sizeof f) && writer_flush (&w);
  c.chain_crc = w.crc;
  c.number = 1;
  ok = ok && writer_frame (&w, FRAME_COMMIT, 0, 0, 0, &c, sizeof c) && writer_flush (&w);
  len = w.off;
  ok = ok && fsync (w.fd) == 0 && flock (w.fd, LOCK_EX | LOCK_NB) == 0;
  if (ok)
    {
      map = mmap (NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      ok = map != MAP_FAILED &&
           mmap (map, align4k (len), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, w.fd, 0) != MAP_FAILED;
    }
  if (!ok || rename (tmp, d->path) < 0)
    {
      errno_error (error, d->path, "compacting the overlay");
      if (map && map != MAP_FAILED)
        munmap (map, reserve);
      close (w.fd);
      g_unlink (tmp);
      return FALSE;
    }
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }
  munmap (d->map, d->reserve_len);
  close (d->fd);
  d->map = map;
  d->fd = w.fd;
  d->mapped_len = align4k (len);
  d->header = h;
  d->file_len = d->tail = d->commit_end = len;
  d->chain_crc = c.chain_crc;
  d->commits = 1;
  d->compact_after = 0;
  /* The pages' slots moved. */
  for (guint64 off = FM_IMAGE_HEADER_SIZE; off < len;)
    {
      FrameHeader fh;

      memcpy (&fh, d->map + off, sizeof fh);
      if (fh.type == FRAME_PAGE)
        d->loc[fh.index] = (d->loc[fh.index] & ~LOC_OFFSET) | fh.arg;
      off += FRAME_HEADER + align8 (fh.len);
    }
  return TRUE;
}

/* ---- what the delta is ---- */

void
fm_delta_identity (FmDelta *d, FmImageIdentity *id)
{
  id->kind = FM_IMAGE_KIND_DELTA;
  id->generation = d->header.generation;
  id->length = d->commit_end;
  id->crc = d->chain_crc;
}

void
fm_delta_info (FmDelta *d, FmImageOverlayInfo *info)
{
  memset (info, 0, sizeof *info);
  info->base_stored = d->header.base_path;
  info->base_path = d->base_path;
  info->depth = d->depth;
  info->delta_bytes = d->file_len;
  info->pages = d->own_data + d->own_nodata;
  info->pages_with_data = d->own_data;
  info->blocks = d->own_blocks;
  info->syncs = d->commits;
  info->generation = d->header.generation;
  info->dropped_bytes = d->dropped_bytes;
}
