/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-nor.h"
#include "fm-nand-private.h"
#include "fm-error.h"

#include <string.h>

#define NO_PAGE G_MAXUINT64

struct _FmNor {
  const FmChipDesc *desc;
  FmNand *cells;
  guint64 ready_at;
  guint8 *page;         /* scratch page for programs */
  guint8 *read_buf;     /* the read buffer ... */
  guint64 read_page;    /* ... and the page it holds, NO_PAGE if none */
};

FmImage *
fm_nor_create_image (const FmChipDesc *desc, const gchar *path, guint64 seed,
                     GError **error)
{
  FmNandCreateOptions options = { seed, 0 };

  if (!fm_chip_desc_is_nor (desc))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "chip '%s' is a %s part, not NOR", desc->name,
                   fm_chip_type_to_string (desc->type));
      return NULL;
    }
  return fm_nand_create_image (desc, path, &options, error);
}

FmNor *
fm_nor_new (const FmChipDesc *desc, FmImage *image, FmTimingMode timing,
            GError **error)
{
  FmNor *nor;
  FmNand *cells;

  if (!fm_chip_desc_is_nor (desc))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "chip '%s' is a %s part, not NOR", desc->name,
                   fm_chip_type_to_string (desc->type));
      fm_image_close (image);
      return NULL;
    }
  cells = fm_nand_new (desc, image, timing, error);
  if (!cells)
    return NULL;
  nor = g_new0 (FmNor, 1);
  nor->desc = desc;
  nor->cells = cells;
  nor->page = g_malloc (desc->page_size);
  nor->read_buf = g_malloc (desc->page_size);
  nor->read_page = NO_PAGE;
  return nor;
}

void
fm_nor_free (FmNor *nor)
{
  if (!nor)
    return;
  fm_nand_free (nor->cells);
  g_free (nor->page);
  g_free (nor->read_buf);
  g_free (nor);
}

const FmChipDesc *
fm_nor_desc (const FmNor *nor)
{
  return nor->desc;
}

guint64
fm_nor_size (const FmNor *nor)
{
  return nor->desc->nor.size;
}

FmClock *
fm_nor_clock (FmNor *nor)
{
  return fm_nand_clock (nor->cells);
}

FmNand *
fm_nor_cells (FmNor *nor)
{
  return nor->cells;
}

guint64 *
fm_nor_ready_at (FmNor *nor)
{
  return &nor->ready_at;
}

gboolean
fm_nor_sector_at (const FmNor *nor, guint64 addr, guint64 *start, guint32 *size)
{
  const FmNorDesc *n = &nor->desc->nor;
  guint64 base = 0;

  for (guint r = 0; r < n->n_regions; r++)
    {
      guint64 len = (guint64) n->regions[r].count * n->regions[r].size;

      if (addr < base + len)
        {
          guint32 s = n->regions[r].size;

          *start = base + (addr - base) / s * s;
          *size = s;
          return TRUE;
        }
      base += len;
    }
  return FALSE;
}

/* ---- cells ---------------------------------------------------------------- */

gboolean
fm_nor_cells_read (FmNor *nor, guint64 addr, guint8 *buf, gsize len)
{
  guint32 page_size = nor->desc->page_size;

  while (len)
    {
      guint64 page = addr / page_size;
      guint32 offset = addr % page_size;
      gsize n = MIN (len, page_size - offset);

      if (page != nor->read_page)
        {
          nor->read_page = NO_PAGE;
          if (!fm_nand_array_read (nor->cells, page, nor->read_buf))
            {
              memset (buf, 0xff, len);
              return FALSE;
            }
          nor->read_page = page;
        }
      memcpy (buf, nor->read_buf + offset, n);
      buf += n;
      addr += n;
      len -= n;
    }
  return TRUE;
}

FmArrayResult
fm_nor_cells_program (FmNor *nor, guint64 addr, const guint8 *data, gsize len)
{
  guint32 page_size = nor->desc->page_size;
  FmArrayResult result = FM_ARRAY_PASS;

  while (len)
    {
      guint64 page = addr / page_size;
      guint32 offset = addr % page_size;
      gsize n = MIN (len, page_size - offset);
      FmArrayResult r;

      /* Ones program nothing: the page program only clears DATA's zeros. */
      memset (nor->page, 0xff, page_size);
      memcpy (nor->page + offset, data, n);
      if (page == nor->read_page)
        nor->read_page = NO_PAGE;
      r = fm_nand_array_program (nor->cells, page, nor->page);
      if (r == FM_ARRAY_FAIL_POWER_OFF)
        return r;
      if (result == FM_ARRAY_PASS)
        result = r;
      data += n;
      addr += n;
      len -= n;
    }
  return result;
}

FmArrayResult
fm_nor_cells_erase (FmNor *nor, guint64 addr, guint64 len)
{
  const FmChipDesc *d = nor->desc;
  guint32 granule = d->nor.granule;
  FmArrayResult result = FM_ARRAY_PASS;

  g_return_val_if_fail (addr % granule == 0 && len % granule == 0, FM_ARRAY_FAIL_INJECTED);
  nor->read_page = NO_PAGE;
  for (guint64 a = addr; a < addr + len; a += granule)
    {
      FmArrayResult r = fm_nand_array_erase (nor->cells, (guint32) (a / granule));

      if (r == FM_ARRAY_FAIL_POWER_OFF)
        return r;
      if (result == FM_ARRAY_PASS)
        result = r;
    }
  return result;
}

/* ---- timing --------------------------------------------------------------- */

guint64
fm_nor_program_ns (const FmNor *nor, gsize len)
{
  const FmNorDesc *n = &nor->desc->nor;

  /* A buffer programs its bytes in parallel pulses: datasheets give one
   * time for it, whatever the count. */
  return len <= 2 ? n->t_word_program.typ_ns : n->t_buffer_program.typ_ns;
}

guint64
fm_nor_erase_ns (const FmNor *nor, guint64 size)
{
  const FmNorDesc *n = &nor->desc->nor;

  for (guint i = 0; i < n->n_erase_types; i++)
    if (n->erase_types[i].size == size)
      return n->erase_types[i].time.typ_ns;
  return n->t_sector_erase.typ_ns;
}

guint64
fm_nor_chip_erase_ns (const FmNor *nor)
{
  return nor->desc->nor.t_chip_erase.typ_ns;
}

/* The end of an operation of nominal length NS starting at START. */
static guint64
busy_until (FmNor *nor, guint64 start, guint64 ns)
{
  FmClock *clock = fm_nand_clock (nor->cells);

  return start + fm_clock_duration (clock, ns + fm_nand_take_extra_busy (nor->cells));
}

void
fm_nor_occupy (FmNor *nor, guint64 ns)
{
  FmClock *clock = fm_nand_clock (nor->cells);

  nor->ready_at = busy_until (nor, MAX (fm_clock_now (clock), nor->ready_at), ns);
  fm_clock_wait_until (clock, nor->ready_at);
}

guint64
fm_nor_start_busy (FmNor *nor, guint64 ns)
{
  nor->ready_at = busy_until (nor, fm_clock_now (fm_nand_clock (nor->cells)), ns);
  return nor->ready_at;
}

gboolean
fm_nor_busy (FmNor *nor)
{
  return fm_clock_now (fm_nand_clock (nor->cells)) < nor->ready_at;
}

/* ---- timed, checked operations ------------------------------------------- */

static gboolean
check_range (const FmNor *nor, guint64 addr, guint64 len, GError **error)
{
  guint64 size = fm_nor_size (nor);

  if (addr > size || len > size - addr)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "bytes 0x%" G_GINT64_MODIFIER "x..0x%" G_GINT64_MODIFIER
                   "x are outside chip '%s' (%" G_GUINT64_FORMAT " bytes)",
                   addr, addr + len, nor->desc->name, size);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_powered (FmNor *nor, GError **error)
{
  g_set_error (error, FM_ERROR, FM_ERROR_POWER_OFF,
               "chip '%s' has no power since the power cut at operation %" G_GUINT64_FORMAT,
               nor->desc->name, fm_nand_power_cut_at (nor->cells));
  return FALSE;
}

static gboolean
check_writable (FmNor *nor, GError **error)
{
  if (fm_nand_write_protected (nor->cells))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_WRITE_PROTECTED,
                   "chip '%s' is write protected", nor->desc->name);
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_nor_read (FmNor *nor, guint64 addr, guint8 *buf, gsize len, GError **error)
{
  if (!check_range (nor, addr, len, error))
    return FALSE;
  fm_nor_occupy (nor, 0);
  if (!fm_nor_cells_read (nor, addr, buf, len))
    return check_powered (nor, error);
  return TRUE;
}

gboolean
fm_nor_program (FmNor *nor, guint64 addr, const guint8 *data, gsize len, GError **error)
{
  guint32 buffer = nor->desc->nor.program_buffer;

  if (!check_range (nor, addr, len, error) || !check_writable (nor, error))
    return FALSE;
  while (len)
    {
      gsize n = MIN (len, buffer - addr % buffer);
      FmArrayResult r = fm_nor_cells_program (nor, addr, data, n);

      if (r == FM_ARRAY_FAIL_POWER_OFF)
        return check_powered (nor, error);
      fm_nor_occupy (nor, fm_nor_program_ns (nor, n));
      if (r == FM_ARRAY_FAIL_STORAGE)
        {
          /* The host's trouble, not the chip's: an I/O error. */
          g_set_error (error, FM_ERROR, FM_ERROR_IO,
                       "program of 0x%" G_GINT64_MODIFIER "x..0x%" G_GINT64_MODIFIER "x failed: %s",
                       addr, addr + n, fm_nand_storage_error (nor->cells)->message);
          return FALSE;
        }
      if (r != FM_ARRAY_PASS)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED,
                       "program of 0x%" G_GINT64_MODIFIER "x..0x%" G_GINT64_MODIFIER "x failed: %s",
                       addr, addr + n, fm_array_result_to_string (r));
          return FALSE;
        }
      data += n;
      addr += n;
      len -= n;
    }
  return TRUE;
}

/* The largest erase the part can do at ADDR within END: a CFI sector, or
 * the largest SPI erase type aligned there. */
static gboolean
erase_unit (const FmNor *nor, guint64 addr, guint64 end, guint64 *start, guint32 *size)
{
  const FmNorDesc *n = &nor->desc->nor;

  if (!fm_nor_sector_at (nor, addr, start, size) || *start != addr || addr + *size > end)
    return FALSE;
  for (guint i = n->n_erase_types; i-- > 0;)
    if (addr % n->erase_types[i].size == 0 && addr + n->erase_types[i].size <= end)
      {
        *size = n->erase_types[i].size;
        break;
      }
  return TRUE;
}

gboolean
fm_nor_erase (FmNor *nor, guint64 addr, guint64 len, GError **error)
{
  guint64 end = addr + len;

  if (!check_range (nor, addr, len, error) || !check_writable (nor, error))
    return FALSE;
  while (addr < end)
    {
      guint64 start;
      guint32 size;
      FmArrayResult r;

      if (!erase_unit (nor, addr, end, &start, &size))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                       "erase of 0x%" G_GINT64_MODIFIER "x..0x%" G_GINT64_MODIFIER
                       "x does not cover whole erase sectors of chip '%s'",
                       addr, end, nor->desc->name);
          return FALSE;
        }
      r = fm_nor_cells_erase (nor, addr, size);
      if (r == FM_ARRAY_FAIL_POWER_OFF)
        return check_powered (nor, error);
      fm_nor_occupy (nor, fm_nor_erase_ns (nor, size));
      if (r != FM_ARRAY_PASS)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_ERASE_FAILED,
                       "erase of the sector at 0x%" G_GINT64_MODIFIER "x failed: %s",
                       addr, fm_array_result_to_string (r));
          return FALSE;
        }
      addr += size;
    }
  return TRUE;
}
