/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The backends muse-chip serves: a NAND or NOR chip model, or a RAM-type MTD. */
#include "muse-backend.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void
muse_backend_free (MuseBackend *backend)
{
  if (!backend)
    return;
  backend->free (backend->self);
  g_free (backend);
}

static gboolean
no_oob (const gchar *what, gsize ooblen, GError **error)
{
  if (ooblen)
    g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED, "%s has no OOB", what);
  return ooblen == 0;
}

/* ---- NAND: the page-level model behind a host controller --------------- */

static gboolean
nand_read (gpointer self, guint64 addr, gsize len, guint8 *data, guint ooboffs, gsize ooblen,
           guint8 *oob, FmHostOobMode mode, gboolean raw, FmHostReadResult *result, GError **error)
{
  return fm_nand_host_read (self, addr, len, data, ooboffs, ooblen, oob, mode, raw, result, error);
}

static gboolean
nand_write (gpointer self, guint64 addr, gsize len, const guint8 *data, guint ooboffs, gsize ooblen,
            const guint8 *oob, FmHostOobMode mode, gboolean raw, GError **error)
{
  return fm_nand_host_write (self, addr, len, data, ooboffs, ooblen, oob, mode, raw, error);
}

static gboolean
nand_erase (gpointer self, guint64 addr, guint64 len, GError **error)
{
  return fm_nand_host_erase (self, addr, len, NULL, error);
}

static guint32
nand_block (gpointer self, guint64 addr)
{
  const FmChipDesc *d = fm_nand_desc (fm_nand_host_nand (self));

  return addr / ((guint64) d->page_size * d->pages_per_block);
}

static gboolean
nand_is_bad (gpointer self, guint64 addr, gboolean *bad, GError **error)
{
  return fm_nand_block_is_bad (fm_nand_host_nand (self), nand_block (self, addr), bad, error);
}

static gboolean
nand_mark_bad (gpointer self, guint64 addr, GError **error)
{
  FmNand *nand = fm_nand_host_nand (self);
  guint32 block = nand_block (self, addr);
  gboolean bad = FALSE;

  /* A bad block's programs may report FAIL and still leave the marker,
   * which is what counts. */
  fm_nand_mark_bad (nand, block, NULL);
  if (!fm_nand_block_is_bad (nand, block, &bad, error))
    return FALSE;
  if (!bad)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED, "block %u: the bad block marker did not stick", block);
      return FALSE;
    }
  return TRUE;
}

static gboolean
nand_sync (gpointer self, GError **error)
{
  return fm_image_sync (fm_nand_image (fm_nand_host_nand (self)), error);
}

static void
nand_free (gpointer self)
{
  FmNand *nand = fm_nand_host_nand (self);

  fm_nand_host_free (self);
  fm_nand_free (nand);
}

MuseBackend *
muse_nand_backend_new (FmNandHost *host)
{
  const FmChipDesc *d = fm_nand_desc (fm_nand_host_nand (host));
  guint strength = fm_nand_host_ecc_strength (host);
  guint subpage_shift = 0;
  MuseBackend *b = g_new0 (MuseBackend, 1);

  while ((d->page_size >> subpage_shift) > fm_nand_host_subpage_size (host))
    subpage_shift++;

  b->geometry = (MuseGeometry) {
    .type = d->type == FM_CHIP_NAND_MLC ? "MTD_MLCNANDFLASH" : "MTD_NANDFLASH",
    .flags = MUSE_MTD_WRITEABLE,
    .size = fm_chip_desc_size_bytes (d),
    .writesize = d->page_size,
    .erasesize = d->page_size * d->pages_per_block,
    .writebufsize = d->page_size,
    .oobsize = d->oob_size,
    .oobavail = fm_nand_host_oob_avail (host),
    .subpage_shift = subpage_shift,
    .ecc_strength = strength,
    .ecc_step = strength ? fm_nand_host_ecc_step (host) : 0,
  };
  b->self = host;
  b->read = nand_read;
  b->write = nand_write;
  b->erase = nand_erase;
  b->is_bad = nand_is_bad;
  b->mark_bad = nand_mark_bad;
  b->sync = nand_sync;
  b->free = nand_free;
  return b;
}

FmNandHost *
muse_nand_backend_host (MuseBackend *backend)
{
  return backend->free == nand_free ? backend->self : NULL;
}

/* ---- SPI NAND: the MTD Linux's spinand core makes of the part ---------- */

/* What the chip's status register (and the vendor's other register) say
 * after the read, decoded as PART's Linux driver does. */
static gboolean
spinand_report (gpointer user_data, const FmChipDesc *desc, const FmOnDieEccResult *chip,
                gint *bitflips, GError **error)
{
  const MuseSpinandPart *part = user_data;
  MuseSpinandEccRegs regs;

  muse_spinand_registers (part, desc, chip, &regs);
  return muse_spinand_decode (part, desc->on_die_ecc_strength, &regs, bitflips, error);
}

/* spinand_isbad(): bytes 0 and 1 of the block's first page, read raw. */
static gboolean
spinand_is_bad (gpointer self, guint64 addr, gboolean *bad, GError **error)
{
  guint8 marker[2];

  if (!fm_nand_host_read (self, addr, 0, NULL, 0, sizeof marker, marker, FM_HOST_OOB_PLACE, TRUE,
                          NULL, error))
    return FALSE;
  *bad = marker[0] != 0xff || marker[1] != 0xff;
  return TRUE;
}

/* spinand_markbad(): 00h into both, programmed raw without an erase. A
 * bad block's program may report FAIL and still leave the marker, which
 * is what counts. */
static gboolean
spinand_mark_bad (gpointer self, guint64 addr, GError **error)
{
  static const guint8 marker[2] = { 0x00, 0x00 };
  gboolean bad = FALSE;

  fm_nand_host_write (self, addr, 0, NULL, 0, sizeof marker, marker, FM_HOST_OOB_PLACE, TRUE, NULL);
  if (!spinand_is_bad (self, addr, &bad, error))
    return FALSE;
  if (!bad)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED, "block %u: the bad block marker did not stick",
                   nand_block (self, addr));
      return FALSE;
    }
  return TRUE;
}

MuseBackend *
muse_spinand_backend_new (FmNandHost *host, const MuseSpinandPart *part)
{
  MuseBackend *b = muse_nand_backend_new (host);

  if (fm_nand_on_die_ecc_enabled (fm_nand_host_nand (host)))
    fm_nand_host_set_on_die_report (host, spinand_report, (gpointer) part);
  b->geometry.type = "MTD_NANDFLASH";
  b->geometry.bitflip_threshold = b->geometry.ecc_strength;
  b->is_bad = spinand_is_bad;
  b->mark_bad = spinand_mark_bad;
  return b;
}

/* ---- NOR: byte-addressed cells, no OOB, no bad blocks ------------------- */

static gboolean
nor_read (gpointer self, guint64 addr, gsize len, guint8 *data, guint ooboffs, gsize ooblen,
          guint8 *oob, FmHostOobMode mode, gboolean raw, FmHostReadResult *result, GError **error)
{
  (void) ooboffs, (void) oob, (void) mode, (void) raw;
  if (!no_oob ("a NOR chip", ooblen, error) || !fm_nor_read (self, addr, data, len, error))
    return FALSE;
  *result = (FmHostReadResult) { 0 };
  return TRUE;
}

static gboolean
nor_write (gpointer self, guint64 addr, gsize len, const guint8 *data, guint ooboffs, gsize ooblen,
           const guint8 *oob, FmHostOobMode mode, gboolean raw, GError **error)
{
  (void) ooboffs, (void) oob, (void) mode, (void) raw;
  return no_oob ("a NOR chip", ooblen, error) && fm_nor_program (self, addr, data, len, error);
}

static gboolean
nor_erase (gpointer self, guint64 addr, guint64 len, GError **error)
{
  return fm_nor_erase (self, addr, len, error);
}

static gboolean
nor_sync (gpointer self, GError **error)
{
  return fm_image_sync (fm_nand_image (fm_nor_cells (self)), error);
}

static void
nor_free (gpointer self)
{
  fm_nor_free (self);
}

/* The erase size MTD sees: the part's only sector size (CFI), or one of
 * its erase instructions (SPI; the largest unless asked). */
static gboolean
nor_erase_size (const FmChipDesc *d, guint32 wanted, guint32 *erasesize, GError **error)
{
  const FmNorDesc *n = &d->nor;

  if (n->n_erase_types)
    {
      *erasesize = wanted ? 0 : n->erase_types[n->n_erase_types - 1].size;
      for (guint i = 0; i < n->n_erase_types && !*erasesize; i++)
        if (n->erase_types[i].size == wanted)
          *erasesize = wanted;
      if (!*erasesize)
        g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                     "chip '%s' has no %u-byte erase instruction", d->name, wanted);
      return *erasesize != 0;
    }
  if (n->n_regions != 1)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "chip '%s' has %u erase regions; MUSE serves NOR parts with uniform sectors",
                   d->name, n->n_regions);
      return FALSE;
    }
  if (wanted && wanted != n->regions[0].size)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "chip '%s' erases %u-byte sectors only", d->name, n->regions[0].size);
      return FALSE;
    }
  *erasesize = n->regions[0].size;
  return TRUE;
}

MuseBackend *
muse_nor_backend_new (FmNor *nor, guint32 erasesize, GError **error)
{
  const FmChipDesc *d = fm_nor_desc (nor);
  MuseBackend *b;

  if (!nor_erase_size (d, erasesize, &erasesize, error))
    return NULL;
  b = g_new0 (MuseBackend, 1);
  b->geometry = (MuseGeometry) {
    .type = "MTD_NORFLASH",
    .flags = MUSE_MTD_WRITEABLE | MUSE_MTD_BIT_WRITEABLE,
    .size = fm_nor_size (nor),
    .writesize = 1,
    .erasesize = erasesize,
    .writebufsize = d->nor.program_buffer,
  };
  b->self = nor;
  b->read = nor_read;
  b->write = nor_write;
  b->erase = nor_erase;
  b->sync = nor_sync;
  b->free = nor_free;
  return b;
}

FmNand *
muse_backend_cells (MuseBackend *backend)
{
  if (backend->free == nand_free)
    return fm_nand_host_nand (backend->self);
  if (backend->free == nor_free)
    return fm_nor_cells (backend->self);
  return NULL;
}

/* ---- RAM: bytes in a file, like mtdram but persistent ------------------- */

typedef struct {
  guint8 *mem;
  guint64 size;
} Ram;

static gboolean
ram_range (const Ram *ram, guint64 addr, guint64 len, GError **error)
{
  if (addr > ram->size || len > ram->size - addr)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "bytes %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT " are outside the %" G_GUINT64_FORMAT "-byte RAM",
                   addr, addr + len, ram->size);
      return FALSE;
    }
  return TRUE;
}


static gboolean
ram_read (gpointer self, guint64 addr, gsize len, guint8 *data, guint ooboffs, gsize ooblen,
          guint8 *oob, FmHostOobMode mode, gboolean raw, FmHostReadResult *result, GError **error)
{
  Ram *ram = self;

  (void) ooboffs, (void) oob, (void) mode, (void) raw;
  if (!no_oob ("a RAM MTD", ooblen, error) || !ram_range (ram, addr, len, error))
    return FALSE;
  memcpy (data, ram->mem + addr, len);
  *result = (FmHostReadResult) { 0 };
  return TRUE;
}

static gboolean
ram_write (gpointer self, guint64 addr, gsize len, const guint8 *data, guint ooboffs, gsize ooblen,
           const guint8 *oob, FmHostOobMode mode, gboolean raw, GError **error)
{
  Ram *ram = self;

  (void) ooboffs, (void) oob, (void) mode, (void) raw;
  if (!no_oob ("a RAM MTD", ooblen, error) || !ram_range (ram, addr, len, error))
    return FALSE;
  memcpy (ram->mem + addr, data, len);
  return TRUE;
}

static gboolean
ram_erase (gpointer self, guint64 addr, guint64 len, GError **error)
{
  Ram *ram = self;

  if (!ram_range (ram, addr, len, error))
    return FALSE;
  memset (ram->mem + addr, 0xff, len);
  return TRUE;
}

static gboolean
ram_sync (gpointer self, GError **error)
{
  Ram *ram = self;

  if (msync (ram->mem, ram->size, MS_SYNC) < 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "msync: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static void
ram_free (gpointer self)
{
  Ram *ram = self;

  munmap (ram->mem, ram->size);
  g_free (ram);
}

MuseBackend *
muse_ram_backend_new (guint64 size, guint32 erasesize, const gchar *path, GError **error)
{
  MuseBackend *b;
  Ram *ram;
  gboolean fresh = FALSE;
  int fd, err;

  if (!erasesize || (erasesize & (erasesize - 1)) || !size || size % erasesize)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "a RAM MTD of %" G_GUINT64_FORMAT " bytes cannot be erased in %u-byte blocks "
                   "(a power of two that divides the size)", size, erasesize);
      return NULL;
    }
  if (path)
    {
      struct stat st;

      fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0 || fstat (fd, &st) < 0)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s", path, g_strerror (errno));
          if (fd >= 0)
            close (fd);
          return NULL;
        }
      if (st.st_size != 0 && (guint64) st.st_size != size)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                       "%s holds %" G_GUINT64_FORMAT " bytes, not the %" G_GUINT64_FORMAT " asked for",
                       path, (guint64) st.st_size, size);
          close (fd);
          return NULL;
        }
      fresh = st.st_size == 0;
      /* Real blocks for the whole file (a new one, or holes in an old
       * one): a store through the mapping into a hole of a full disk
       * would be a SIGBUS. */
      err = posix_fallocate (fd, 0, size);
      if (err)
        {
          /* A new file goes back to empty, as it was. */
          gboolean emptied = !fresh || ftruncate (fd, 0) == 0;

          g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: reserving %" G_GUINT64_FORMAT " bytes on disk: %s%s",
                       path, size, g_strerror (err), emptied ? "" : " (and it could not be emptied again)");
          close (fd);
          return NULL;
        }
    }
  else
    {
      fd = -1;
      fresh = TRUE;
    }
  ram = g_new0 (Ram, 1);
  ram->size = size;
  ram->mem = mmap (NULL, size, PROT_READ | PROT_WRITE, fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED, fd, 0);
  if (fd >= 0)
    close (fd);
  if (ram->mem == MAP_FAILED)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "mapping the RAM MTD: %s", g_strerror (errno));
      g_free (ram);
      return NULL;
    }
  if (fresh)
    memset (ram->mem, 0xff, size);

  b = g_new0 (MuseBackend, 1);
  b->geometry = (MuseGeometry) {
    .type = "MTD_RAM",
    .flags = MUSE_MTD_WRITEABLE | MUSE_MTD_BIT_WRITEABLE | MUSE_MTD_NO_ERASE,
    .size = size,
    .writesize = 1,
    .erasesize = erasesize,
    .writebufsize = 64,
  };
  b->self = ram;
  b->read = ram_read;
  b->write = ram_write;
  b->erase = ram_erase;
  b->sync = ram_sync;
  b->free = ram_free;
  return b;
}
