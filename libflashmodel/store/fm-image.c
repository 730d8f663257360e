/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "fm-image-private.h"
#include "fm-crc.h"
#include "fm-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN); /* the format is LE */

/*
 * A full image's file layout, every section 4 KiB aligned:
 *   header | block table (64 B/block) | page table (4 B/page) | slots
 * A page table entry holds the page's slot number (1-based, 0 = no data) in
 * its low 28 bits and its partial-program count in the top 4 bits.
 */
#define SLOT_MASK 0x0fffffffu
#define PROGRAMS_SHIFT 28
#define GROW_SLOTS 1024u /* slots added to the file at a time */

typedef struct {
  gchar magic[8];
  guint32 version;
  guint32 header_size;
  gchar chip_name[64];
  guint32 page_size;
  guint32 oob_size;
  guint32 pages_per_block;
  guint32 blocks;
  guint64 seed;
  guint64 block_table_off;
  guint64 page_table_off;
  guint64 slot_area_off;
  guint32 slot_size;
  guint32 flags;
  guint64 age_ns;
  /* Drawn at random when the image is made, + 1 at every writable open,
   * so that an overlay knows whether its base may have changed since it
   * was made; a copy is the same. Deterministic after the draw, so that
   * the same replay of a copy gives the same file. (0 in images older
   * than overlays.) */
  guint64 generation;
} ImageHeader;

#define HEADER_CRC_OFF (FM_IMAGE_HEADER_SIZE - 4)
#define HEADER_FLAG_FACTORY_DONE FM_IMAGE_FLAG_FACTORY_DONE

/* What a header says once it has passed geometry_problem(). */
typedef struct {
  gchar chip_name[sizeof ((ImageHeader *) NULL)->chip_name];
  guint32 page_size, oob_size, slot_size, pages_per_block, blocks;
  guint64 n_pages;
  guint64 page_table_off, slot_area_off;
  guint64 map_len;        /* header to the last slot of a full chip */
  FmImageGeometry shared; /* the same, for fm-image-delta.c */
} Geometry;

struct _FmImage {
  gchar *path;
  int fd;
  gboolean read_only;
  /* An overlay: its delta, which holds the rest (the base included);
   * of the fields below only GEO (the base's) is set. */
  FmDelta *delta;
  guint8 *map;
  gsize map_len;
  /* In the mapping: only the seed, the flags and the age are read from
   * it after the open; every size and offset comes from GEO, checked once
   * as the file was opened. */
  ImageHeader *header;
  Geometry geo;
  FmBlockMeta *block_table;
  guint32 *page_table;
  guint8 *slots;
  guint32 capacity;       /* slots the file currently has room for */
  guint32 high_water;     /* slots ever handed out (1..high_water) */
  GArray *free_slots;     /* guint32 slot numbers below high_water */
  guint64 pages_with_data;
};

static guint64
align4k (guint64 v)
{
  return (v + 4095) & ~G_GUINT64_CONSTANT (4095);
}

static gboolean
set_errno_error (GError **error, const gchar *path, const gchar *what)
{
  int saved = errno;

  g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s: %s",
               path ? path : "(memory image)", what, g_strerror (saved));
  return FALSE;
}

/* Where the page table and the slots of a chip of BLOCKS x PPB go. With
 * blocks and pages within the bounds geometry_problem() sets, nothing
 * here comes near 2^64. */
static guint64
page_table_off_for (guint64 blocks)
{
  return align4k (FM_IMAGE_HEADER_SIZE + blocks * sizeof (FmBlockMeta));
}

static guint64
slot_area_off_for (guint64 blocks, guint64 pages_per_block)
{
  return align4k (page_table_off_for (blocks) + blocks * pages_per_block * sizeof (guint32));
}

static void
layout (const FmChipDesc *d, ImageHeader *h)
{
  h->page_size = d->page_size;
  h->oob_size = d->oob_size;
  h->pages_per_block = d->pages_per_block;
  h->blocks = fm_chip_desc_blocks (d);
  h->block_table_off = FM_IMAGE_HEADER_SIZE;
  h->page_table_off = page_table_off_for (h->blocks);
  h->slot_area_off = slot_area_off_for (h->blocks, h->pages_per_block);
  h->slot_size = d->page_size + d->oob_size;
}

/*
 * Every field of H that sizes or places something, checked in 64 bits
 * against explicit bounds, so that no product or offset computed from
 * them later can wrap; on success G holds them. Returns what is wrong
 * (to free), naming the header field, or NULL.
 */
static gchar *
geometry_problem (const ImageHeader *h, Geometry *g)
{
  guint64 pages, oob_max, expect;

#define OUTSIDE(field, lo, hi) \
  ((guint64) h->field < (guint64) (lo) || (guint64) h->field > (guint64) (hi))
#define RANGE_PROBLEM(field, lo, hi) \
  g_strdup_printf ("header field " #field " is %" G_GUINT64_FORMAT ", outside [%" G_GUINT64_FORMAT \
                   ", %" G_GUINT64_FORMAT "]", (guint64) h->field, (guint64) (lo), (guint64) (hi))

  if (h->header_size != FM_IMAGE_HEADER_SIZE)
    return g_strdup_printf ("header field header_size is %u, not %u", h->header_size, FM_IMAGE_HEADER_SIZE);
  if (!memchr (h->chip_name, '\0', sizeof h->chip_name) || !fm_chip_name_valid (h->chip_name))
    return g_strdup_printf ("header field chip_name is not a chip name (1 to %d of a-z, 0-9 and '-')",
                            FM_CHIP_NAME_MAX);
  if (OUTSIDE (page_size, 1, FM_CHIP_PAGE_SIZE_MAX))
    return RANGE_PROBLEM (page_size, 1, FM_CHIP_PAGE_SIZE_MAX);
  oob_max = MIN ((guint64) FM_CHIP_OOB_SIZE_MAX, (guint64) h->page_size - 1);
  if (OUTSIDE (oob_size, 0, oob_max))
    return RANGE_PROBLEM (oob_size, 0, oob_max);
  if ((guint64) h->slot_size != (guint64) h->page_size + h->oob_size)
    return g_strdup_printf ("header field slot_size is %u, not page_size + oob_size (%" G_GUINT64_FORMAT ")",
                            h->slot_size, (guint64) h->page_size + h->oob_size);
  if (OUTSIDE (pages_per_block, 1, FM_CHIP_PAGES_PER_BLOCK_MAX))
    return RANGE_PROBLEM (pages_per_block, 1, FM_CHIP_PAGES_PER_BLOCK_MAX);
  if (OUTSIDE (blocks, 1, FM_CHIP_BLOCKS_MAX))
    return RANGE_PROBLEM (blocks, 1, FM_CHIP_BLOCKS_MAX);
  /* Slot numbers are 28 bits: one slot per page at most. */
  pages = (guint64) h->blocks * h->pages_per_block;
  if (pages > SLOT_MASK)
    return g_strdup_printf ("header fields blocks and pages_per_block make %" G_GUINT64_FORMAT
                            " pages, more than the format's %u", pages, SLOT_MASK);
  if (h->flags & ~HEADER_FLAG_FACTORY_DONE)
    return g_strdup_printf ("header field flags has unknown bits 0x%x", h->flags & ~HEADER_FLAG_FACTORY_DONE);
  if (h->block_table_off != FM_IMAGE_HEADER_SIZE)
    return g_strdup_printf ("header field block_table_off is %" G_GUINT64_FORMAT ", not %u",
                            h->block_table_off, FM_IMAGE_HEADER_SIZE);
  expect = page_table_off_for (h->blocks);
  if (h->page_table_off != expect)
    return g_strdup_printf ("header field page_table_off is %" G_GUINT64_FORMAT ", the geometry puts "
                            "the page table at %" G_GUINT64_FORMAT, h->page_table_off, expect);
  expect = slot_area_off_for (h->blocks, h->pages_per_block);
  if (h->slot_area_off != expect)
    return g_strdup_printf ("header field slot_area_off is %" G_GUINT64_FORMAT ", the geometry puts "
                            "the slots at %" G_GUINT64_FORMAT, h->slot_area_off, expect);
  g->map_len = h->slot_area_off + pages * h->slot_size; /* below 2^44 */
#if GLIB_SIZEOF_SIZE_T < 8
  if (g->map_len > G_MAXSIZE)
    return g_strdup_printf ("a chip of %" G_GUINT64_FORMAT " pages of %u bytes needs a %" G_GUINT64_FORMAT
                            "-byte mapping, more than this machine can map", pages, h->slot_size, g->map_len);
#endif
#undef RANGE_PROBLEM
#undef OUTSIDE

  memcpy (g->chip_name, h->chip_name, sizeof g->chip_name);
  g->page_size = h->page_size;
  g->oob_size = h->oob_size;
  g->slot_size = h->slot_size;
  g->pages_per_block = h->pages_per_block;
  g->blocks = h->blocks;
  g->n_pages = pages;
  g->page_table_off = h->page_table_off;
  g->slot_area_off = h->slot_area_off;
  memcpy (g->shared.chip_name, g->chip_name, sizeof g->shared.chip_name);
  g->shared.page_size = g->page_size;
  g->shared.oob_size = g->oob_size;
  g->shared.slot_size = g->slot_size;
  g->shared.pages_per_block = g->pages_per_block;
  g->shared.blocks = g->blocks;
  g->shared.n_pages = g->n_pages;
  return NULL;
}

static guint32
header_crc (const guint8 *map)
{
  return fm_crc32 (0, map, HEADER_CRC_OFF);
}

static void
seal_header (FmImage *img)
{
  guint32 crc = header_crc (img->map);

  memcpy (img->map + HEADER_CRC_OFF, &crc, sizeof crc);
}

/* Gives LEN bytes of the file from OFFSET real blocks (extending the
 * file if they go past its end), so that no later store through the
 * mapping needs the file system to find room: on a full disk that store
 * would be a SIGBUS, this is an error. 0 or an errno value. */
static int
reserve (int fd, guint64 offset, guint64 len)
{
  if (len == 0)
    return 0;
  return posix_fallocate (fd, offset, len);
}

/* Maps the whole chip's extent: the slots past the end of the file are
 * never touched (capacity says where the file ends). */
static gboolean
map_file (FmImage *img, GError **error)
{
  img->map_len = img->geo.map_len;
  img->map = mmap (NULL, img->map_len, img->read_only ? PROT_READ : PROT_READ | PROT_WRITE,
                   MAP_SHARED, img->fd, 0);
  if (img->map == MAP_FAILED)
    {
      img->map = NULL;
      return set_errno_error (error, img->path, "mmap");
    }
  img->header = (ImageHeader *) img->map;
  img->block_table = (FmBlockMeta *) (img->map + FM_IMAGE_HEADER_SIZE);
  img->page_table = (guint32 *) (img->map + img->geo.page_table_off);
  img->slots = img->map + img->geo.slot_area_off;
  return TRUE;
}

/* Header checks that must pass before any number in it is trusted; fills
 * the image's geometry. */
static gboolean
check_header (FmImage *img, const guint8 *raw, guint64 file_size, GError **error)
{
  const ImageHeader *h = (const ImageHeader *) raw;
  const Geometry *g = &img->geo;
  g_autofree gchar *problem = NULL;
  guint32 stored_crc;
  guint64 slot_bytes;

#define CORRUPT(...) G_STMT_START { \
    g_autofree gchar *why_ = g_strdup_printf (__VA_ARGS__); \
    g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "%s: corrupt image: %s", img->path, why_); \
    return FALSE; } G_STMT_END

  if (memcmp (h->magic, FM_IMAGE_MAGIC, sizeof FM_IMAGE_MAGIC) != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                   "%s: not a flashmodel image (bad magic)", img->path);
      return FALSE;
    }
  memcpy (&stored_crc, raw + HEADER_CRC_OFF, sizeof stored_crc);
  if (stored_crc != header_crc (raw))
    CORRUPT ("header checksum mismatch (stored %08x, computed %08x)", stored_crc, header_crc (raw));
  if (h->version != FM_IMAGE_VERSION)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "%s: image format version %u, this flashmodel reads version %u",
                   img->path, h->version, FM_IMAGE_VERSION);
      return FALSE;
    }
  problem = geometry_problem (h, &img->geo);
  if (problem)
    CORRUPT ("%s", problem);
  if (file_size < g->slot_area_off)
    CORRUPT ("file is truncated (%" G_GUINT64_FORMAT " bytes, the header and tables need %" G_GUINT64_FORMAT ")",
             file_size, g->slot_area_off);
  slot_bytes = file_size - g->slot_area_off;
  if (slot_bytes % g->slot_size != 0)
    CORRUPT ("slot area of %" G_GUINT64_FORMAT " bytes is not a whole number of %u-byte slots",
             slot_bytes, g->slot_size);
  if (slot_bytes / g->slot_size > g->n_pages)
    CORRUPT ("slot area holds %" G_GUINT64_FORMAT " slots, more than the chip's %" G_GUINT64_FORMAT " pages",
             slot_bytes / g->slot_size, g->n_pages);
  img->capacity = slot_bytes / g->slot_size; /* at most SLOT_MASK */
  return TRUE;
#undef CORRUPT
}

gchar *
fm_image_block_problem (const FmBlockMeta *m, const FmImageGeometry *g)
{
  guint32 pages_per_block = g->pages_per_block;

  if (m->flags & ~FM_BLOCK_KNOWN_FLAGS)
    return g_strdup_printf ("flags has unknown bits 0x%x", m->flags & ~FM_BLOCK_KNOWN_FLAGS);
  if (m->next_page > pages_per_block)
    return g_strdup_printf ("next_page is %u, past the block's %u pages", m->next_page, pages_per_block);
  if (m->unstable_page > pages_per_block)
    return g_strdup_printf ("unstable_page is %u, past the block's %u pages", m->unstable_page, pages_per_block);
  if (m->unstable_end > g->slot_size || m->unstable_first > m->unstable_end)
    return g_strdup_printf ("unstable bytes %u to %u, not a range of the %u-byte page", m->unstable_first,
                            m->unstable_end, g->slot_size);
  return NULL;
}

/* Walks the tables once, so that nothing read from them later can reach
 * outside the file: every block's page numbers within the block, every
 * slot number within the file and used by one page at most. Builds the
 * free list and counts pages with data. */
static gboolean
check_tables (FmImage *img, GError **error)
{
  const Geometry *g = &img->geo;
  g_autofree guint8 *used = g_malloc0 (img->capacity / 8 + 1);

  for (guint32 b = 0; b < g->blocks; b++)
    {
      g_autofree gchar *why = fm_image_block_problem (&img->block_table[b], &g->shared);

      if (why)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                       "%s: corrupt image: metadata of block %u is invalid: %s", img->path, b, why);
          return FALSE;
        }
    }
  img->high_water = 0;
  img->pages_with_data = 0;
  for (guint64 p = 0; p < g->n_pages; p++)
    {
      guint32 slot = img->page_table[p] & SLOT_MASK;

      if (!slot)
        continue;
      if (slot > img->capacity || (used[slot / 8] & (1u << (slot % 8))))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                       "%s: corrupt image: page %" G_GUINT64_FORMAT " refers to %s slot %u (the file has %u)",
                       img->path, p, slot > img->capacity ? "missing" : "shared", slot, img->capacity);
          return FALSE;
        }
      used[slot / 8] |= 1u << (slot % 8);
      img->high_water = MAX (img->high_water, slot);
      img->pages_with_data++;
    }
  for (guint32 s = img->high_water; s >= 1; s--)
    if (!(used[s / 8] & (1u << (s % 8))))
      g_array_append_val (img->free_slots, s);
  return TRUE;
}

static FmImage *
image_new (const gchar *path, gboolean read_only)
{
  FmImage *img = g_new0 (FmImage, 1);

  img->path = g_strdup (path ? path : "(memory image)");
  img->fd = -1;
  img->read_only = read_only;
  img->free_slots = g_array_new (FALSE, FALSE, sizeof (guint32));
  return img;
}

static gboolean
lock_file (FmImage *img, GError **error)
{
  if (flock (img->fd, (img->read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0)
    return TRUE;
  if (errno == EWOULDBLOCK)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   "%s: image is in use by another process", img->path);
      return FALSE;
    }
  return set_errno_error (error, img->path, "lock");
}

/* A header of a chip named NAME with SEED, its geometry to be filled in. */
static void
header_init (ImageHeader *h, const gchar *name, guint64 seed)
{
  memset (h, 0, sizeof *h);
  memcpy (h->magic, FM_IMAGE_MAGIC, sizeof FM_IMAGE_MAGIC);
  h->version = FM_IMAGE_VERSION;
  h->header_size = FM_IMAGE_HEADER_SIZE;
  g_strlcpy (h->chip_name, name, sizeof h->chip_name);
  h->seed = seed;
  /* A lineage of its own, so that two images made alike (same chip and
   * seed, the same number of writable opens) are still told apart. */
  h->generation = (guint64) g_random_int () << 32 | g_random_int ();
}

/* A new image file at PATH (NULL: in memory) with header H. */
static FmImage *
create_with_header (const gchar *path, ImageHeader *h, GError **error)
{
  g_autoptr (FmImage) img = image_new (path, FALSE);
  g_autofree gchar *problem = NULL;
  int err;

  /* The open checks every image it reads this way: never write one it
   * would refuse. */
  problem = geometry_problem (h, &img->geo);
  if (problem)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "chip '%s' does not fit the image format: %s", h->chip_name, problem);
      return NULL;
    }
  if (path)
    img->fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  else
    img->fd = memfd_create ("flashmodel", MFD_CLOEXEC);
  if (img->fd < 0)
    {
      set_errno_error (error, path, path ? "create" : "memfd_create");
      return NULL;
    }
  if (path && !lock_file (img, error))
    return NULL;

  /* The tables are zeros (erased, never programmed), on real blocks. */
  err = reserve (img->fd, 0, h->slot_area_off);
  if (err || pwrite (img->fd, h, sizeof *h, 0) != (ssize_t) sizeof *h)
    {
      if (err)
        errno = err;
      set_errno_error (error, path, "write header and tables");
      if (path)
        unlink (path);
      return NULL;
    }
  if (!map_file (img, error))
    {
      if (path)
        unlink (path);
      return NULL;
    }
  seal_header (img);
  return g_steal_pointer (&img);
}

FmImage *
fm_image_create (const gchar *path, const FmChipDesc *desc, guint64 seed, GError **error)
{
  ImageHeader h;

  g_return_val_if_fail (desc != NULL, NULL);
  if (fm_chip_desc_pages (desc) > SLOT_MASK)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "%s: %" G_GUINT64_FORMAT " pages exceed the image format's limit",
                   desc->name, fm_chip_desc_pages (desc));
      return NULL;
    }
  header_init (&h, desc->name, seed);
  layout (desc, &h);
  return create_with_header (path, &h, error);
}

gboolean
fm_image_check_chip (const FmImage *img, const FmChipDesc *desc, GError **error)
{
  const Geometry *g = &img->geo;
  ImageHeader want = { 0 };
  const gchar *field = NULL;
  guint64 have = 0, chip = 0;

  if (!g_str_equal (g->chip_name, desc->name))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "%s: image was made for chip '%s', not '%s'", img->path, g->chip_name, desc->name);
      return FALSE;
    }
  layout (desc, &want);
#define COMPARE(f) \
  if (!field && (guint64) g->f != (guint64) want.f) \
    { \
      field = #f; \
      have = g->f; \
      chip = want.f; \
    }
  COMPARE (page_size);
  COMPARE (oob_size);
  COMPARE (slot_size);
  COMPARE (pages_per_block);
  COMPARE (blocks);
#undef COMPARE
  if (field)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "%s: image geometry %u+%u x %u pages x %u blocks differs from chip '%s' "
                   "(%u+%u x %u x %u): header field %s is %" G_GUINT64_FORMAT ", the chip's %" G_GUINT64_FORMAT,
                   img->path, g->page_size, g->oob_size, g->pages_per_block, g->blocks, desc->name,
                   want.page_size, want.oob_size, want.pages_per_block, want.blocks, field, have, chip);
      return FALSE;
    }
  return TRUE;
}

/* Opens an overlay whose delta's header is RAW; FD is taken. */
static FmImage *
open_overlay (FmImage *img, const guint8 *raw, guint64 file_size, const FmImageIdentity *frozen,
              guint depth, GError **error)
{
  img->delta = fm_delta_open (img->path, img->fd, raw, file_size, img->read_only, frozen,
                              depth, error);
  if (!img->delta)
    return NULL;
  img->fd = -1;
  img->geo = fm_delta_base (img->delta)->geo;
  return img;
}

/* fm_image_open(), for a user (DEPTH 0) or as the base of an overlay
 * DEPTH deltas above; FROZEN: see fm_delta_open(). */
static FmImage *
image_open (const gchar *path, const FmChipDesc *desc, gboolean read_only,
            const FmImageIdentity *frozen, guint depth, GError **error)
{
  g_autoptr (FmImage) img = image_new (path, read_only);
  guint8 raw[FM_IMAGE_HEADER_SIZE] = { 0 };
  struct stat st;
  gboolean is_delta;
  ssize_t got;
  int err;

  /* O_NONBLOCK: a FIFO (refused below) must not hang the open. */
  img->fd = open (path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (img->fd < 0)
    {
      set_errno_error (error, path, "open");
      return NULL;
    }
  if (fstat (img->fd, &st) < 0)
    {
      set_errno_error (error, path, "stat");
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                   "%s: not a flashmodel image (not a regular file)", path);
      return NULL;
    }
  /* The magic never changes: it tells how to lock before the rest is
   * read. A delta that is an overlay's base is not locked: it only ever
   * grows, and its base reads it up to where it was made on it. */
  got = pread (img->fd, raw, sizeof FM_IMAGE_DELTA_MAGIC, 0);
  is_delta = got == (ssize_t) sizeof FM_IMAGE_DELTA_MAGIC &&
             memcmp (raw, FM_IMAGE_DELTA_MAGIC, sizeof FM_IMAGE_DELTA_MAGIC) == 0;
  if (!(is_delta && depth > 0) && !lock_file (img, error))
    return NULL;
  got = pread (img->fd, raw, sizeof raw, 0);
  if (got < 0)
    {
      set_errno_error (error, path, "read");
      return NULL;
    }
  if (got < (ssize_t) sizeof raw)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                   "%s: not a flashmodel image (%zd bytes, a header alone is %d)",
                   path, got, FM_IMAGE_HEADER_SIZE);
      return NULL;
    }
  if (is_delta)
    {
      if (!open_overlay (img, raw, st.st_size, frozen, depth, error) ||
          (desc && !fm_image_check_chip (img, desc, error)))
        return NULL;
      return g_steal_pointer (&img);
    }
  /* From here on only the checked copy of the header sizes anything. */
  if (!check_header (img, raw, st.st_size, error))
    return NULL;
  if (desc && !fm_image_check_chip (img, desc, error))
    return NULL;
  /* Holes (the tables start as holes; copies may have more) get their
   * blocks now, while running out of room is still an error. */
  if (!read_only && (err = reserve (img->fd, 0, st.st_size)) != 0)
    {
      errno = err;
      set_errno_error (error, path, "reserving the image's blocks on disk");
      return NULL;
    }
  if (!map_file (img, error) || !check_tables (img, error))
    return NULL;
  if (!read_only)
    {
      /* Whatever this open does, overlays made on the image before it
       * will not take it for their base any more. */
      img->header->generation++;
      seal_header (img);
    }
  return g_steal_pointer (&img);
}

FmImage *
fm_image_open (const gchar *path, const FmChipDesc *desc, gboolean read_only, GError **error)
{
  return image_open (path, desc, read_only, NULL, 0, error);
}

FmImage *
fm_image_open_base (const gchar *path, const FmImageIdentity *expect, guint depth, GError **error)
{
  g_autoptr (FmImage) img = NULL;
  FmImageIdentity have;
  struct stat st;

  /* Whatever a hostile delta names: nothing but a regular file is even
   * opened (a device might act on an open). */
  if (g_stat (path, &st) < 0)
    {
      set_errno_error (error, path, "open");
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                   "%s: not a flashmodel image (not a regular file)", path);
      return NULL;
    }
  img = image_open (path, NULL, TRUE, expect->kind == FM_IMAGE_KIND_DELTA ? expect : NULL,
                    depth, error);
  if (!img)
    return NULL;
  fm_image_identity (img, &have);
  if (have.kind != expect->kind || have.generation != expect->generation ||
      have.length != expect->length || have.crc != expect->crc)
    {
      const gchar *kinds[] = { "?", "image", "overlay" };

      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "%s has changed since the overlay was made on it: it is an %s of generation %"
                   G_GINT64_MODIFIER "x, %" G_GUINT64_FORMAT " bytes, checksum %08x; the overlay was made on "
                   "an %s of generation %" G_GINT64_MODIFIER "x, %" G_GUINT64_FORMAT " bytes, checksum %08x",
                   path, kinds[have.kind], have.generation, have.length, have.crc,
                   kinds[expect->kind], expect->generation, expect->length, expect->crc);
      return NULL;
    }
  return g_steal_pointer (&img);
}

FmImage *
fm_image_open_find_chip (const gchar *path, gboolean read_only, FmChipDesc **desc, GError **error)
{
  g_autoptr (FmImage) img = fm_image_open (path, NULL, read_only, error);
  g_autoptr (FmChipDesc) d = NULL;

  if (!img)
    return NULL;
  d = fm_chip_desc_lookup (img->geo.chip_name, error);
  if (!d)
    {
      g_prefix_error (error, "%s: made for chip '%s', whose descriptor cannot be loaded: ",
                      path, img->geo.chip_name);
      return NULL;
    }
  if (!fm_image_check_chip (img, d, error))
    return NULL;
  *desc = g_steal_pointer (&d);
  return g_steal_pointer (&img);
}

gboolean
fm_image_sync (FmImage *img, GError **error)
{
  if (img->delta)
    return fm_delta_commit (img->delta, error);
  if (img->read_only || !img->map)
    return TRUE;
  if (msync (img->map, img->map_len, MS_SYNC) < 0)
    return set_errno_error (error, img->path, "msync");
  return TRUE;
}

/* The rest of the copy from IN_OFF on, read and written: for file
 * systems that copy_file_range() cannot copy between. */
static gboolean
copy_by_reading (int in, int out, loff_t in_off, loff_t out_off, guint64 size)
{
  g_autofree guint8 *buf = g_malloc (1 << 20);

  while ((guint64) in_off < size)
    {
      ssize_t got = pread (in, buf, MIN (size - in_off, (guint64) 1 << 20), in_off);

      if (got <= 0)
        {
          if (got == 0)
            errno = EIO;
          return FALSE;
        }
      for (ssize_t done = 0; done < got;)
        {
          ssize_t put = pwrite (out, buf + done, got - done, out_off + done);

          if (put < 0)
            return FALSE;
          done += put;
        }
      in_off += got;
      out_off += got;
    }
  return TRUE;
}

gboolean
fm_image_copy_to (FmImage *img, const gchar *dest, GError **error)
{
  guint64 size = fm_image_file_bytes (img);
  loff_t in_off = 0, out_off = 0;
  int out;

  if (img->delta)
    return fm_image_flatten_to (img, dest, error);
  out = open (dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0)
    return set_errno_error (error, dest, "create");
  /* The mapping and the file share the page cache, so the file already
   * holds every change; no msync is needed first. */
  if (ioctl (out, FICLONE, img->fd) == 0)
    {
      close (out);
      return TRUE;
    }
  while ((guint64) out_off < size)
    {
      ssize_t n = copy_file_range (img->fd, &in_off, out, &out_off, size - out_off, 0);
      gboolean ok = n > 0;

      /* Between two file systems (EXDEV), or where the kernel has no
       * copy_file_range() for them, the bytes are copied by hand. */
      if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP))
        {
          ok = copy_by_reading (img->fd, out, in_off, out_off, size);
          in_off = out_off = size;
        }
      if (!ok)
        {
          if (n == 0)
            errno = EIO;
          set_errno_error (error, dest, "copy image");
          close (out);
          unlink (dest);
          return FALSE;
        }
    }
  if (close (out) < 0)
    {
      set_errno_error (error, dest, "close");
      unlink (dest);
      return FALSE;
    }
  return TRUE;
}

void
fm_image_close (FmImage *img)
{
  if (!img)
    return;
  fm_delta_free (img->delta);
  if (img->map)
    {
      fm_image_sync (img, NULL);
      munmap (img->map, img->map_len);
    }
  if (img->fd >= 0)
    close (img->fd);
  g_array_unref (img->free_slots);
  g_free (img->path);
  g_free (img);
}

const gchar *
fm_image_path (const FmImage *img)
{
  return img->path;
}

const gchar *
fm_image_chip_name (const FmImage *img)
{
  return img->geo.chip_name;
}

guint64
fm_image_seed (const FmImage *img)
{
  return img->delta ? fm_image_seed (fm_delta_base (img->delta)) : img->header->seed;
}

guint32
fm_image_blocks (const FmImage *img)
{
  return img->geo.blocks;
}

guint32
fm_image_pages_per_block (const FmImage *img)
{
  return img->geo.pages_per_block;
}

gboolean
fm_image_is_factory_initialised (const FmImage *img)
{
  if (img->delta)
    return fm_delta_factory_done (img->delta);
  return (img->header->flags & HEADER_FLAG_FACTORY_DONE) != 0;
}

guint64
fm_image_age_ns (const FmImage *img)
{
  return img->delta ? fm_delta_age_ns (img->delta) : img->header->age_ns;
}

void
fm_image_set_age_ns (FmImage *img, guint64 age_ns)
{
  if (img->read_only || fm_image_age_ns (img) == age_ns)
    return;
  if (img->delta)
    {
      fm_delta_set_age_ns (img->delta, age_ns);
      return;
    }
  img->header->age_ns = age_ns;
  seal_header (img);
}

void
fm_image_set_factory_initialised (FmImage *img)
{
  if (img->delta)
    {
      fm_delta_set_factory_done (img->delta);
      return;
    }
  img->header->flags |= HEADER_FLAG_FACTORY_DONE;
  seal_header (img);
}

FmBlockMeta *
fm_image_block (FmImage *img, guint32 block)
{
  g_return_val_if_fail (block < img->geo.blocks, NULL);
  if (img->delta)
    return fm_delta_block (img->delta, block);
  return &img->block_table[block];
}

static inline guint8 *
slot_ptr (const FmImage *img, guint32 slot)
{
  return img->slots + (guint64) (slot - 1) * img->geo.slot_size;
}

const guint8 *
fm_image_page (const FmImage *img, guint64 page)
{
  guint32 slot;

  if (img->delta)
    return fm_delta_page (img->delta, page);
  slot = img->page_table[page] & SLOT_MASK;
  return slot ? slot_ptr (img, slot) : NULL;
}

/* Room for GROW_SLOTS more slots, on real blocks; on failure the file is
 * as it was (a reservation that failed half-way may have moved its end). */
static gboolean
grow (FmImage *img, guint64 page, GError **error)
{
  guint32 new_capacity = (guint32) MIN ((guint64) img->capacity + GROW_SLOTS, img->geo.n_pages);
  guint64 old_end = fm_image_file_bytes (img);
  guint64 new_end = img->geo.slot_area_off + (guint64) new_capacity * img->geo.slot_size;
  int err = reserve (img->fd, old_end, new_end - old_end);

  if (err)
    {
      /* Shrinking needs no room; should it fail all the same, the next
       * open refuses the file for its size rather than trusting it. */
      gboolean restored = ftruncate (img->fd, old_end) == 0;

      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   "%s: no room to store page %" G_GUINT64_FORMAT
                   " (growing the image to %" G_GUINT64_FORMAT " bytes): %s%s",
                   img->path, page, new_end, g_strerror (err),
                   restored ? "" : "; the file could not be cut back to its size");
      return FALSE;
    }
  img->capacity = new_capacity;
  return TRUE;
}

guint8 *
fm_image_page_mut (FmImage *img, guint64 page, GError **error)
{
  guint32 entry, slot;
  guint8 *data;

  if (img->delta)
    return fm_delta_page_mut (img->delta, page, error);
  entry = img->page_table[page];
  slot = entry & SLOT_MASK;
  if (slot)
    return slot_ptr (img, slot);
  if (img->free_slots->len)
    {
      slot = g_array_index (img->free_slots, guint32, img->free_slots->len - 1);
      g_array_set_size (img->free_slots, img->free_slots->len - 1);
    }
  else
    {
      if (img->high_water == img->capacity && !grow (img, page, error))
        return NULL;
      slot = ++img->high_water;
    }
  img->page_table[page] = (entry & ~SLOT_MASK) | slot;
  img->pages_with_data++;
  data = slot_ptr (img, slot);
  memset (data, 0xff, img->geo.slot_size);
  return data;
}

guint
fm_image_page_programs (const FmImage *img, guint64 page)
{
  if (img->delta)
    return fm_delta_page_programs (img->delta, page);
  return img->page_table[page] >> PROGRAMS_SHIFT;
}

void
fm_image_set_page_programs (FmImage *img, guint64 page, guint n)
{
  n = MIN (n, 15u);
  if (img->delta)
    {
      fm_delta_set_page_programs (img->delta, page, n);
      return;
    }
  img->page_table[page] = (img->page_table[page] & SLOT_MASK) | (n << PROGRAMS_SHIFT);
}

void
fm_image_clear_page (FmImage *img, guint64 page)
{
  guint32 slot;

  if (img->delta)
    {
      fm_delta_clear_page (img->delta, page);
      return;
    }
  slot = img->page_table[page] & SLOT_MASK;
  if (slot)
    {
      g_array_append_val (img->free_slots, slot);
      img->pages_with_data--;
    }
  img->page_table[page] = 0;
}

void
fm_image_clear_block (FmImage *img, guint32 block)
{
  guint64 first = (guint64) block * img->geo.pages_per_block;
  FmBlockMeta *m = fm_image_block (img, block);

  for (guint64 p = first; p < first + img->geo.pages_per_block; p++)
    fm_image_clear_page (img, p);
  m->unstable_page = 0;
  m->unstable_seed = 0;
  m->unstable_share = 0;
  m->unstable_first = 0;
  m->unstable_end = 0;
}

guint64
fm_image_pages_with_data (const FmImage *img)
{
  return img->delta ? fm_delta_pages_with_data (img->delta) : img->pages_with_data;
}

guint64
fm_image_file_bytes (const FmImage *img)
{
  if (img->delta)
    return fm_delta_file_bytes (img->delta);
  return img->geo.slot_area_off + (guint64) img->capacity * img->geo.slot_size;
}

/* ---- overlays ---- */

const FmImageGeometry *
fm_image_geometry (const FmImage *img)
{
  return &img->geo.shared;
}

void
fm_image_identity (FmImage *img, FmImageIdentity *id)
{
  guint32 crc;

  if (img->delta)
    {
      fm_delta_identity (img->delta, id);
      return;
    }
  memcpy (&crc, img->map + HEADER_CRC_OFF, sizeof crc);
  id->kind = FM_IMAGE_KIND_FULL;
  id->generation = img->header->generation;
  id->length = fm_image_file_bytes (img);
  id->crc = crc;
}

static FmImage *
overlay_new (const gchar *path, FmImage *base, gboolean owns_base, const gchar *stored_base,
             gboolean scratch, GError **error)
{
  g_autoptr (FmImage) img = image_new (path, FALSE);

  img->delta = fm_delta_create (path, base, owns_base, stored_base, scratch, error);
  if (!img->delta)
    return NULL;
  img->geo = base->geo;
  return g_steal_pointer (&img);
}

FmImage *
fm_image_create_overlay (const gchar *path, const gchar *base_path, GError **error)
{
  g_autofree gchar *dir = g_path_get_dirname (path);
  g_autofree gchar *resolved = g_path_is_absolute (base_path) ? g_strdup (base_path)
                                                             : g_build_filename (dir, base_path, NULL);
  /* Opened as a base is: a delta, unlocked, as of its last sync (it may
   * be written meanwhile; the overlay will not see that). */
  FmImage *base = image_open (resolved, NULL, TRUE, NULL, 1, error);

  if (!base)
    {
      if (!g_path_is_absolute (base_path))
        g_prefix_error (error, "%s: its base '%s' is taken from the overlay's directory: ", path, base_path);
      return NULL;
    }
  return overlay_new (path, base, TRUE, base_path, FALSE, error);
}

FmImage *
fm_image_create_overlay_on (const gchar *path, FmImage *base, const gchar *stored_base,
                            gboolean scratch, GError **error)
{
  if (!base->delta && !base->read_only)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "%s: the base of an overlay is opened read-only (it must not change under it)",
                   fm_image_path (base));
      return NULL;
    }
  /* The overlay names the base by its last sync: its changes first. */
  if (base->delta && !fm_delta_commit (base->delta, error))
    return NULL;
  return overlay_new (path, base, FALSE, stored_base, scratch, error);
}

gboolean
fm_image_is_overlay (const FmImage *img)
{
  return img->delta != NULL;
}

gboolean
fm_image_overlay_info (FmImage *img, FmImageOverlayInfo *info)
{
  if (!img->delta)
    return FALSE;
  fm_delta_info (img->delta, info);
  return TRUE;
}

FmImage *
fm_image_overlay_base (FmImage *img)
{
  return img->delta ? fm_delta_base (img->delta) : NULL;
}

void
fm_image_set_scratch (FmImage *img)
{
  if (img->delta)
    fm_delta_set_scratch (img->delta);
}

gboolean
fm_image_flatten_to (FmImage *img, const gchar *dest, GError **error)
{
  const Geometry *g = &img->geo;
  g_autoptr (FmImage) out = NULL;
  ImageHeader h;

  header_init (&h, g->chip_name, fm_image_seed (img));
  h.page_size = g->page_size;
  h.oob_size = g->oob_size;
  h.pages_per_block = g->pages_per_block;
  h.blocks = g->blocks;
  h.block_table_off = FM_IMAGE_HEADER_SIZE;
  h.page_table_off = page_table_off_for (g->blocks);
  h.slot_area_off = slot_area_off_for (g->blocks, g->pages_per_block);
  h.slot_size = g->slot_size;
  out = create_with_header (dest, &h, error);
  if (!out)
    return FALSE;
  for (guint32 b = 0; b < g->blocks; b++)
    out->block_table[b] = *fm_image_block (img, b);
  for (guint64 p = 0; p < g->n_pages; p++)
    {
      const guint8 *data = fm_image_page (img, p);
      guint programs = fm_image_page_programs (img, p);

      if (data)
        {
          guint8 *cells = fm_image_page_mut (out, p, error);

          if (!cells)
            goto fail;
          memcpy (cells, data, g->slot_size);
        }
      if (programs)
        fm_image_set_page_programs (out, p, programs);
    }
  out->header->age_ns = fm_image_age_ns (img);
  if (fm_image_is_factory_initialised (img))
    out->header->flags |= HEADER_FLAG_FACTORY_DONE;
  seal_header (out);
  if (!fm_image_sync (out, error))
    goto fail;
  return TRUE;

fail:
  g_clear_pointer (&out, fm_image_close);
  g_unlink (dest);
  return FALSE;
}

