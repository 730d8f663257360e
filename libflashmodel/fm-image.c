/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "fm-image.h"
#include "fm-crc.h"
#include "fm-error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN); /* the format is LE */

/*
 * File layout, every section 4 KiB aligned:
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
} ImageHeader;

#define HEADER_CRC_OFF (FM_IMAGE_HEADER_SIZE - 4)
#define HEADER_FLAG_FACTORY_DONE 1u

struct _FmImage {
  gchar *path;
  int fd;
  gboolean read_only;
  guint8 *map;
  gsize map_len;
  ImageHeader *header;
  FmBlockMeta *blocks;
  guint32 *pages;
  guint8 *slots;
  guint64 n_pages;
  guint32 slot_size;
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

static void
layout (const FmChipDesc *d, ImageHeader *h)
{
  guint64 blocks = fm_chip_desc_blocks (d);
  guint64 pages = fm_chip_desc_pages (d);

  h->page_size = d->page_size;
  h->oob_size = d->oob_size;
  h->pages_per_block = d->pages_per_block;
  h->blocks = blocks;
  h->block_table_off = FM_IMAGE_HEADER_SIZE;
  h->page_table_off = align4k (h->block_table_off + blocks * sizeof (FmBlockMeta));
  h->slot_area_off = align4k (h->page_table_off + pages * sizeof (guint32));
  h->slot_size = d->page_size + d->oob_size;
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

static gboolean
map_file (FmImage *img, GError **error)
{
  const ImageHeader *h;
  ImageHeader probe;
  ssize_t got;

  got = pread (img->fd, &probe, sizeof probe, 0);
  if (got < 0)
    return set_errno_error (error, img->path, "read");
  if ((gsize) got < sizeof probe)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                   "%s: not a flashmodel image (file too short for a header)", img->path);
      return FALSE;
    }
  img->map_len = probe.slot_area_off + (guint64) probe.blocks * probe.pages_per_block * probe.slot_size;
  img->map = mmap (NULL, img->map_len, img->read_only ? PROT_READ : PROT_READ | PROT_WRITE,
                   MAP_SHARED, img->fd, 0);
  if (img->map == MAP_FAILED)
    {
      img->map = NULL;
      return set_errno_error (error, img->path, "mmap");
    }
  h = img->header = (ImageHeader *) img->map;
  img->blocks = (FmBlockMeta *) (img->map + h->block_table_off);
  img->pages = (guint32 *) (img->map + h->page_table_off);
  img->slots = img->map + h->slot_area_off;
  img->n_pages = (guint64) h->blocks * h->pages_per_block;
  img->slot_size = h->slot_size;
  return TRUE;
}

/* Header checks that must pass before any offset in it is trusted. */
static gboolean
check_header (const gchar *path, const guint8 *raw, guint64 file_size, GError **error)
{
  const ImageHeader *h = (const ImageHeader *) raw;
  guint32 stored_crc;
  guint64 pages, expect_pt, expect_slots;

#define CORRUPT(...) G_STMT_START { \
    g_autofree gchar *why_ = g_strdup_printf (__VA_ARGS__); \
    g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "%s: corrupt image: %s", path, why_); \
    return FALSE; } G_STMT_END

  if (memcmp (h->magic, FM_IMAGE_MAGIC, sizeof FM_IMAGE_MAGIC) != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                   "%s: not a flashmodel image (bad magic)", path);
      return FALSE;
    }
  memcpy (&stored_crc, raw + HEADER_CRC_OFF, sizeof stored_crc);
  if (stored_crc != header_crc (raw))
    CORRUPT ("header checksum mismatch (stored %08x, computed %08x)", stored_crc, header_crc (raw));
  if (h->version != FM_IMAGE_VERSION)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "%s: image format version %u, this flashmodel reads version %u",
                   path, h->version, FM_IMAGE_VERSION);
      return FALSE;
    }
  if (h->header_size != FM_IMAGE_HEADER_SIZE || h->chip_name[sizeof h->chip_name - 1] != '\0' ||
      h->page_size == 0 || h->oob_size >= h->page_size || h->pages_per_block == 0 ||
      h->blocks == 0 || h->slot_size != h->page_size + h->oob_size ||
      (h->flags & ~HEADER_FLAG_FACTORY_DONE))
    CORRUPT ("inconsistent header fields");
  pages = (guint64) h->blocks * h->pages_per_block;
  expect_pt = align4k (FM_IMAGE_HEADER_SIZE + (guint64) h->blocks * sizeof (FmBlockMeta));
  expect_slots = align4k (expect_pt + pages * sizeof (guint32));
  if (h->block_table_off != FM_IMAGE_HEADER_SIZE || h->page_table_off != expect_pt ||
      h->slot_area_off != expect_slots)
    CORRUPT ("section offsets do not match the geometry");
  if (file_size < h->slot_area_off)
    CORRUPT ("file is truncated (%" G_GUINT64_FORMAT " bytes, metadata needs %" G_GUINT64_FORMAT ")",
             file_size, h->slot_area_off);
  if ((file_size - h->slot_area_off) % h->slot_size != 0 ||
      (file_size - h->slot_area_off) / h->slot_size > pages)
    CORRUPT ("slot area of %" G_GUINT64_FORMAT " bytes is not a whole number of slots",
             file_size - h->slot_area_off);
  return TRUE;
#undef CORRUPT
}

/* Walks the tables once: every slot used by at most one page, counters
 * within bounds; builds the free list and counts pages with data. */
static gboolean
check_tables (FmImage *img, GError **error)
{
  const ImageHeader *h = img->header;
  g_autofree guint8 *used = g_malloc0 ((img->capacity + 8) / 8 + 1);

  for (guint32 b = 0; b < h->blocks; b++)
    {
      const FmBlockMeta *m = &img->blocks[b];

      if ((m->flags & ~FM_BLOCK_KNOWN_FLAGS) || m->next_page > h->pages_per_block ||
          m->unstable_page > h->pages_per_block)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                       "%s: corrupt image: metadata of block %u is invalid", img->path, b);
          return FALSE;
        }
    }
  img->high_water = 0;
  img->pages_with_data = 0;
  for (guint64 p = 0; p < img->n_pages; p++)
    {
      guint32 slot = img->pages[p] & SLOT_MASK;

      if (!slot)
        continue;
      if (slot > img->capacity || (used[slot / 8] & (1u << (slot % 8))))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                       "%s: corrupt image: page %" G_GUINT64_FORMAT " refers to %s slot %u",
                       img->path, p, slot > img->capacity ? "missing" : "shared", slot);
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

FmImage *
fm_image_create (const gchar *path, const FmChipDesc *desc, guint64 seed, GError **error)
{
  g_autoptr (FmImage) img = image_new (path, FALSE);
  ImageHeader h = { 0 };

  g_return_val_if_fail (desc != NULL, NULL);
  if (fm_chip_desc_pages (desc) > SLOT_MASK)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "%s: %" G_GUINT64_FORMAT " pages exceed the image format's limit",
                   desc->name, fm_chip_desc_pages (desc));
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

  memcpy (h.magic, FM_IMAGE_MAGIC, sizeof FM_IMAGE_MAGIC);
  h.version = FM_IMAGE_VERSION;
  h.header_size = FM_IMAGE_HEADER_SIZE;
  g_strlcpy (h.chip_name, desc->name, sizeof h.chip_name);
  h.seed = seed;
  layout (desc, &h);
  /* The tables start as holes: zero means erased, never programmed. */
  if (ftruncate (img->fd, h.slot_area_off) < 0 ||
      pwrite (img->fd, &h, sizeof h, 0) != (ssize_t) sizeof h)
    {
      set_errno_error (error, path, "write header");
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
fm_image_open (const gchar *path, const FmChipDesc *desc, gboolean read_only, GError **error)
{
  g_autoptr (FmImage) img = image_new (path, read_only);
  guint8 raw[FM_IMAGE_HEADER_SIZE] = { 0 };
  struct stat st;
  ssize_t got;
  const ImageHeader *h = (const ImageHeader *) raw;

  img->fd = open (path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  if (img->fd < 0)
    {
      set_errno_error (error, path, "open");
      return NULL;
    }
  if (!lock_file (img, error))
    return NULL;
  if (fstat (img->fd, &st) < 0)
    {
      set_errno_error (error, path, "stat");
      return NULL;
    }
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
  if (!check_header (path, raw, st.st_size, error))
    return NULL;
  if (desc)
    {
      ImageHeader want = { 0 };

      layout (desc, &want);
      if (!g_str_equal (h->chip_name, desc->name))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                       "%s: image was made for chip '%s', not '%s'", path, h->chip_name, desc->name);
          return NULL;
        }
      if (want.page_size != h->page_size || want.oob_size != h->oob_size ||
          want.pages_per_block != h->pages_per_block || want.blocks != h->blocks)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                       "%s: image geometry %u+%u x %u pages x %u blocks differs from chip '%s' (%u+%u x %u x %u)",
                       path, h->page_size, h->oob_size, h->pages_per_block, h->blocks, desc->name,
                       want.page_size, want.oob_size, want.pages_per_block, want.blocks);
          return NULL;
        }
    }
  if (!map_file (img, error))
    return NULL;
  img->capacity = (st.st_size - h->slot_area_off) / h->slot_size;
  if (!check_tables (img, error))
    return NULL;
  return g_steal_pointer (&img);
}

gboolean
fm_image_sync (FmImage *img, GError **error)
{
  if (img->read_only || !img->map)
    return TRUE;
  if (msync (img->map, img->map_len, MS_SYNC) < 0)
    return set_errno_error (error, img->path, "msync");
  return TRUE;
}

gboolean
fm_image_copy_to (FmImage *img, const gchar *dest, GError **error)
{
  guint64 size = fm_image_file_bytes (img);
  loff_t in_off = 0, out_off = 0;
  int out;

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

      if (n <= 0)
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
fm_image_chip_name (const FmImage *img)
{
  return img->header->chip_name;
}

guint64
fm_image_seed (const FmImage *img)
{
  return img->header->seed;
}

guint32
fm_image_blocks (const FmImage *img)
{
  return img->header->blocks;
}

guint32
fm_image_pages_per_block (const FmImage *img)
{
  return img->header->pages_per_block;
}

gboolean
fm_image_is_factory_initialised (const FmImage *img)
{
  return (img->header->flags & HEADER_FLAG_FACTORY_DONE) != 0;
}

guint64
fm_image_age_ns (const FmImage *img)
{
  return img->header->age_ns;
}

void
fm_image_set_age_ns (FmImage *img, guint64 age_ns)
{
  if (img->read_only || img->header->age_ns == age_ns)
    return;
  img->header->age_ns = age_ns;
  seal_header (img);
}

void
fm_image_set_factory_initialised (FmImage *img)
{
  img->header->flags |= HEADER_FLAG_FACTORY_DONE;
  seal_header (img);
}

FmBlockMeta *
fm_image_block (FmImage *img, guint32 block)
{
  g_return_val_if_fail (block < img->header->blocks, NULL);
  return &img->blocks[block];
}

static inline guint8 *
slot_ptr (const FmImage *img, guint32 slot)
{
  return img->slots + (guint64) (slot - 1) * img->slot_size;
}

const guint8 *
fm_image_page (const FmImage *img, guint64 page)
{
  guint32 slot = img->pages[page] & SLOT_MASK;

  return slot ? slot_ptr (img, slot) : NULL;
}

static gboolean
grow (FmImage *img, GError **error)
{
  guint64 max_slots = img->n_pages;
  guint32 new_capacity = (guint32) MIN ((guint64) img->capacity + GROW_SLOTS, max_slots);

  if (ftruncate (img->fd, img->header->slot_area_off + (guint64) new_capacity * img->slot_size) < 0)
    return set_errno_error (error, img->path, "grow");
  img->capacity = new_capacity;
  return TRUE;
}

guint8 *
fm_image_page_mut (FmImage *img, guint64 page, GError **error)
{
  guint32 entry = img->pages[page];
  guint32 slot = entry & SLOT_MASK;
  guint8 *data;

  if (slot)
    return slot_ptr (img, slot);
  if (img->free_slots->len)
    {
      slot = g_array_index (img->free_slots, guint32, img->free_slots->len - 1);
      g_array_set_size (img->free_slots, img->free_slots->len - 1);
    }
  else
    {
      if (img->high_water == img->capacity && !grow (img, error))
        return NULL;
      slot = ++img->high_water;
    }
  img->pages[page] = (entry & ~SLOT_MASK) | slot;
  img->pages_with_data++;
  data = slot_ptr (img, slot);
  memset (data, 0xff, img->slot_size);
  return data;
}

guint
fm_image_page_programs (const FmImage *img, guint64 page)
{
  return img->pages[page] >> PROGRAMS_SHIFT;
}

void
fm_image_set_page_programs (FmImage *img, guint64 page, guint n)
{
  n = MIN (n, 15u);
  img->pages[page] = (img->pages[page] & SLOT_MASK) | (n << PROGRAMS_SHIFT);
}

void
fm_image_clear_page (FmImage *img, guint64 page)
{
  guint32 slot = img->pages[page] & SLOT_MASK;

  if (slot)
    {
      g_array_append_val (img->free_slots, slot);
      img->pages_with_data--;
    }
  img->pages[page] = 0;
}

void
fm_image_clear_block (FmImage *img, guint32 block)
{
  guint64 first = (guint64) block * img->header->pages_per_block;
  FmBlockMeta *m = &img->blocks[block];

  for (guint64 p = first; p < first + img->header->pages_per_block; p++)
    fm_image_clear_page (img, p);
  m->unstable_page = 0;
  m->unstable_seed = 0;
  m->unstable_share = 0;
}

guint64
fm_image_pages_with_data (const FmImage *img)
{
  return img->pages_with_data;
}

guint64
fm_image_file_bytes (const FmImage *img)
{
  return img->header->slot_area_off + (guint64) img->capacity * img->slot_size;
}
