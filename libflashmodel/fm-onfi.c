/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-onfi.h"
#include "fm-crc.h"
#include "fm-error.h"

#include <string.h>

static void
put16 (guint8 *p, guint off, guint v)
{
  p[off] = v & 0xff;
  p[off + 1] = (v >> 8) & 0xff;
}

static void
put32 (guint8 *p, guint off, guint32 v)
{
  put16 (p, off, v & 0xffff);
  put16 (p, off + 2, v >> 16);
}

static guint
get16 (const guint8 *p, guint off)
{
  return p[off] | (p[off + 1] << 8);
}

static guint32
get32 (const guint8 *p, guint off)
{
  return get16 (p, off) | ((guint32) get16 (p, off + 2) << 16);
}

/* Space-padded, not NUL-terminated, as the specification requires. */
static void
put_padded (guint8 *p, guint off, guint width, const gchar *s)
{
  memset (p + off, ' ', width);
  memcpy (p + off, s, MIN (strlen (s), width));
}

/* Endurance fields are a value byte and a power-of-ten multiplier byte. */
static void
put_endurance (guint8 *p, guint off, guint64 cycles)
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

static guint64
get_endurance (const guint8 *p, guint off)
{
  guint64 v = p[off];

  for (guint i = 0; i < p[off + 1]; i++)
    v *= 10;
  return v;
}

static guint
revision_bits (guint version)
{
  /* Bit 1 is ONFI 1.0, then 2.0, 2.1, 2.2, 2.3, 3.0; a part that conforms
   * to a version conforms to the earlier ones too. */
  static const guint versions[] = { 10, 20, 21, 22, 23, 30 };
  guint bits = 0;

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    if (versions[i] <= version)
      bits |= 1u << (i + 1);
  return bits;
}

static guint16
onfi_optional_commands (const FmChipDesc *d)
{
  guint16 v = 0;

  if (d->commands & FM_CMD_CACHE_PROGRAM) v |= FM_ONFI_OPT_CACHE_PROGRAM;
  if (d->commands & FM_CMD_READ_CACHE) v |= FM_ONFI_OPT_READ_CACHE;
  if (d->commands & FM_CMD_GET_SET_FEATURES) v |= FM_ONFI_OPT_GET_SET_FEATURES;
  if (d->commands & FM_CMD_READ_STATUS_ENHANCED) v |= FM_ONFI_OPT_READ_STATUS_ENHANCED;
  if (d->commands & FM_CMD_COPYBACK) v |= FM_ONFI_OPT_COPYBACK;
  if (d->commands & FM_CMD_READ_UNIQUE_ID) v |= FM_ONFI_OPT_READ_UNIQUE_ID;
  return v;
}

static guint
us_ceil (guint64 ns)
{
  return (guint) MIN ((ns + 999) / 1000, 0xffff);
}

void
fm_onfi_build_param_page (const FmChipDesc *d, guint8 *p)
{
  guint interleaved_ops = 0;

  g_return_if_fail (d->onfi_version != 0);
  memset (p, 0, FM_ONFI_PARAM_PAGE_SIZE);

  memcpy (p + FM_ONFI_OFF_SIGNATURE, "ONFI", 4);
  put16 (p, FM_ONFI_OFF_REVISION, revision_bits (d->onfi_version));
  put16 (p, FM_ONFI_OFF_FEATURES, d->onfi_features);
  put16 (p, FM_ONFI_OFF_OPT_CMD, onfi_optional_commands (d));

  put_padded (p, FM_ONFI_OFF_MANUFACTURER, 12, d->onfi_manufacturer);
  put_padded (p, FM_ONFI_OFF_MODEL, 20, d->onfi_model);
  p[FM_ONFI_OFF_JEDEC_ID] = d->jedec_id;

  put32 (p, FM_ONFI_OFF_PAGE_SIZE, d->page_size);
  put16 (p, FM_ONFI_OFF_SPARE_SIZE, d->oob_size);
  put32 (p, FM_ONFI_OFF_PAGES_PER_BLOCK, d->pages_per_block);
  put32 (p, FM_ONFI_OFF_BLOCKS_PER_LUN, d->blocks_per_lun);
  p[FM_ONFI_OFF_LUNS] = d->luns;
  p[FM_ONFI_OFF_ADDR_CYCLES] = (fm_chip_desc_col_cycles (d) << 4) | fm_chip_desc_row_cycles (d);
  p[FM_ONFI_OFF_BITS_PER_CELL] = fm_chip_desc_bits_per_cell (d);
  put16 (p, FM_ONFI_OFF_BAD_BLOCKS_MAX, d->factory_bad_blocks_max);
  put_endurance (p, FM_ONFI_OFF_ENDURANCE, d->pe_cycles);
  p[FM_ONFI_OFF_GUARANTEED_BLOCKS] = d->guaranteed_valid_blocks;
  put_endurance (p, FM_ONFI_OFF_GUARANTEED_ENDURANCE, d->guaranteed_block_endurance);
  p[FM_ONFI_OFF_NOP] = d->nop;
  /* Codewords other than 512 bytes need the extended parameter page; this
   * model reports the bits for its stated codeword in the basic page. */
  p[FM_ONFI_OFF_ECC_BITS] = d->ecc_bits;
  p[FM_ONFI_OFF_PLANE_BITS] = (guint8) __builtin_ctz (d->planes);
  if (d->commands & FM_CMD_MULTI_PLANE)
    interleaved_ops = 1u << 1; /* no block address restrictions beyond the plane */
  if ((d->commands & FM_CMD_MULTI_PLANE) && (d->commands & FM_CMD_CACHE_PROGRAM))
    interleaved_ops |= 1u << 2; /* program cache supported with multi-plane */
  p[FM_ONFI_OFF_INTERLEAVED_OPS] = interleaved_ops;

  put16 (p, FM_ONFI_OFF_TIMING_MODES, d->timing_modes);
  put16 (p, FM_ONFI_OFF_CACHE_TIMING_MODES, d->cache_timing_modes);
  put16 (p, FM_ONFI_OFF_TPROG, us_ceil (d->t_prog.max_ns));
  put16 (p, FM_ONFI_OFF_TBERS, us_ceil (d->t_bers.max_ns));
  put16 (p, FM_ONFI_OFF_TR, us_ceil (d->t_r.max_ns));
  put16 (p, FM_ONFI_OFF_TCCS, d->tccs_ns);
  if (d->onfi_version >= 20)
    put16 (p, FM_ONFI_OFF_TADL, d->tadl_ns);
  put16 (p, FM_ONFI_OFF_VENDOR_REVISION, d->vendor_revision);

  put16 (p, FM_ONFI_OFF_CRC, fm_crc16_onfi (FM_ONFI_CRC_INIT, p, FM_ONFI_OFF_CRC));
}

static void
get_trimmed (const guint8 *p, guint off, guint width, gchar *out)
{
  memcpy (out, p + off, width);
  out[width] = '\0';
  g_strchomp (out);
}

gboolean
fm_onfi_parse_param_page (const guint8 *p, FmOnfiParams *o, GError **error)
{
  guint rev;

  if (memcmp (p, "ONFI", 4) != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "parameter page has no ONFI signature");
      return FALSE;
    }
  if (fm_crc16_onfi (FM_ONFI_CRC_INIT, p, FM_ONFI_OFF_CRC) != get16 (p, FM_ONFI_OFF_CRC))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "parameter page CRC mismatch");
      return FALSE;
    }
  memset (o, 0, sizeof *o);
  rev = get16 (p, FM_ONFI_OFF_REVISION);
  /* The highest version bit wins, as in Linux. */
  for (guint bit = 6; bit >= 1; bit--)
    if (rev & (1u << bit))
      {
        static const guint versions[] = { 0, 10, 20, 21, 22, 23, 30 };
        o->version = versions[bit];
        break;
      }
  get_trimmed (p, FM_ONFI_OFF_MANUFACTURER, 12, o->manufacturer);
  get_trimmed (p, FM_ONFI_OFF_MODEL, 20, o->model);
  o->jedec_id = p[FM_ONFI_OFF_JEDEC_ID];
  o->features = get16 (p, FM_ONFI_OFF_FEATURES);
  o->opt_cmd = get16 (p, FM_ONFI_OFF_OPT_CMD);
  o->page_size = get32 (p, FM_ONFI_OFF_PAGE_SIZE);
  o->oob_size = get16 (p, FM_ONFI_OFF_SPARE_SIZE);
  o->pages_per_block = get32 (p, FM_ONFI_OFF_PAGES_PER_BLOCK);
  o->blocks_per_lun = get32 (p, FM_ONFI_OFF_BLOCKS_PER_LUN);
  o->luns = p[FM_ONFI_OFF_LUNS];
  o->row_cycles = p[FM_ONFI_OFF_ADDR_CYCLES] & 0xf;
  o->col_cycles = p[FM_ONFI_OFF_ADDR_CYCLES] >> 4;
  o->bits_per_cell = p[FM_ONFI_OFF_BITS_PER_CELL];
  o->bad_blocks_max = get16 (p, FM_ONFI_OFF_BAD_BLOCKS_MAX);
  o->endurance = get_endurance (p, FM_ONFI_OFF_ENDURANCE);
  o->nop = p[FM_ONFI_OFF_NOP];
  o->ecc_bits = p[FM_ONFI_OFF_ECC_BITS];
  o->plane_bits = p[FM_ONFI_OFF_PLANE_BITS];
  o->timing_modes = get16 (p, FM_ONFI_OFF_TIMING_MODES);
  o->t_prog_us = get16 (p, FM_ONFI_OFF_TPROG);
  o->t_bers_us = get16 (p, FM_ONFI_OFF_TBERS);
  o->t_r_us = get16 (p, FM_ONFI_OFF_TR);
  o->t_ccs_ns = get16 (p, FM_ONFI_OFF_TCCS);
  return TRUE;
}
