/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The field encodings the ONFI (fm-onfi.c) and JEDEC (fm-jedec.c) parameter
 * pages share: little-endian integers, space-padded strings, endurance as
 * a value and a power of ten, and the optional-command bits both specs
 * number the same way (bits 0-5). Internal: not installed.
 */
#pragma once

#include "fm-chip-desc.h"

#include <string.h>

static inline void
fm_param_put16 (guint8 *p, guint off, guint v)
{
  p[off] = v & 0xff;
  p[off + 1] = (v >> 8) & 0xff;
}

static inline void
fm_param_put32 (guint8 *p, guint off, guint32 v)
{
  fm_param_put16 (p, off, v & 0xffff);
  fm_param_put16 (p, off + 2, v >> 16);
}

static inline guint
fm_param_get16 (const guint8 *p, guint off)
{
  return p[off] | (p[off + 1] << 8);
}

static inline guint32
fm_param_get32 (const guint8 *p, guint off)
{
  return fm_param_get16 (p, off) | ((guint32) fm_param_get16 (p, off + 2) << 16);
}

/* Space-padded, not NUL-terminated, as both specifications require. */
static inline void
fm_param_put_padded (guint8 *p, guint off, guint width, const gchar *s)
{
  memset (p + off, ' ', width);
  memcpy (p + off, s, MIN (strlen (s), width));
}

/* WIDTH bytes at OFF as a C string (OUT holds WIDTH + 1), trailing spaces cut. */
static inline void
fm_param_get_trimmed (const guint8 *p, guint off, guint width, gchar *out)
{
  memcpy (out, p + off, width);
  out[width] = '\0';
  g_strchomp (out);
}

/* Endurance fields are a value byte and a power-of-ten multiplier byte. */
static inline void
fm_param_put_endurance (guint8 *p, guint off, guint64 cycles)
{
  guint mult = 0;

  while (cycles > 255)
    {
      cycles /= 10;
      mult++;
    }
  p[off] = (guint8) cycles;
  p[off + 1] = (guint8) mult;
}

static inline guint64
fm_param_get_endurance (const guint8 *p, guint off)
{
  guint64 v = p[off];

  for (guint i = 0; i < p[off + 1]; i++)
    v *= 10;
  return v;
}

/* Optional commands, bits 0-5 of ONFI bytes 8-9 and of JEDEC bytes 8-10:
 * page cache program, read cache, get/set features, read status enhanced,
 * copyback, read unique ID. */
static inline guint16
fm_param_optional_commands (const FmChipDesc *d)
{
  guint16 v = 0;

  if (d->commands & FM_CMD_CACHE_PROGRAM) v |= 1u << 0;
  if (d->commands & FM_CMD_READ_CACHE) v |= 1u << 1;
  if (d->commands & FM_CMD_GET_SET_FEATURES) v |= 1u << 2;
  if (d->commands & FM_CMD_READ_STATUS_ENHANCED) v |= 1u << 3;
  if (d->commands & FM_CMD_COPYBACK) v |= 1u << 4;
  if (d->commands & FM_CMD_READ_UNIQUE_ID) v |= 1u << 5;
  return v;
}

/* Microseconds, rounded up, saturated to a 16-bit field. */
static inline guint
fm_param_us_ceil (guint64 ns)
{
  return (guint) MIN ((ns + 999) / 1000, 0xffff);
}

/* Bytes 32-101, where JESD230 kept ONFI's layout: manufacturer and model
 * strings, the JEDEC manufacturer ID (one byte, no continuation codes for
 * the NAND vendors), the memory organization up to bits per cell. */
enum
{
  FM_PARAM_OFF_MANUFACTURER = 32,
  FM_PARAM_OFF_MODEL = 44,
  FM_PARAM_OFF_JEDEC_ID = 64,
  FM_PARAM_OFF_PAGE_SIZE = 80,
  FM_PARAM_OFF_SPARE_SIZE = 84,
  FM_PARAM_OFF_PAGES_PER_BLOCK = 92,
  FM_PARAM_OFF_BLOCKS_PER_LUN = 96,
  FM_PARAM_OFF_LUNS = 100,
  FM_PARAM_OFF_ADDR_CYCLES = 101,
  FM_PARAM_OFF_BITS_PER_CELL = 102,
};

static inline void
fm_param_put_organization (guint8 *p, const FmChipDesc *d)
{
  fm_param_put_padded (p, FM_PARAM_OFF_MANUFACTURER, 12, d->onfi_manufacturer);
  fm_param_put_padded (p, FM_PARAM_OFF_MODEL, 20, d->onfi_model);
  p[FM_PARAM_OFF_JEDEC_ID] = d->jedec_id;
  fm_param_put32 (p, FM_PARAM_OFF_PAGE_SIZE, d->page_size);
  fm_param_put16 (p, FM_PARAM_OFF_SPARE_SIZE, d->oob_size);
  fm_param_put32 (p, FM_PARAM_OFF_PAGES_PER_BLOCK, d->pages_per_block);
  fm_param_put32 (p, FM_PARAM_OFF_BLOCKS_PER_LUN, d->blocks_per_lun);
  p[FM_PARAM_OFF_LUNS] = d->luns;
  p[FM_PARAM_OFF_ADDR_CYCLES] = (fm_chip_desc_col_cycles (d) << 4) | fm_chip_desc_row_cycles (d);
  p[FM_PARAM_OFF_BITS_PER_CELL] = fm_chip_desc_bits_per_cell (d);
}
