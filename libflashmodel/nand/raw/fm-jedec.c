/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JEDEC parameter page built from a descriptor's [jedec] group, and its
 * parser (fm-jedec.h).
 */
#include "fm-jedec.h"
#include "fm-crc.h"
#include "fm-error.h"
#include "fm-param-fields.h"

#include <string.h>

static guint16
jedec_features (const FmChipDesc *d)
{
  guint16 v = 0;

  if (d->bus_width == 16) v |= FM_JEDEC_FEATURE_16BIT;
  if (d->onfi_features & FM_ONFI_FEATURE_MULTI_LUN) v |= FM_JEDEC_FEATURE_MULTI_LUN;
  if (d->onfi_features & FM_ONFI_FEATURE_NON_SEQ_PROG) v |= FM_JEDEC_FEATURE_NON_SEQ_PROG;
  if (d->commands & FM_CMD_MULTI_PLANE) v |= FM_JEDEC_FEATURE_MULTI_PLANE;
  return v;
}

void
fm_jedec_build_param_page (const FmChipDesc *d, guint8 *p)
{
  guint8 *ecc = p + FM_JEDEC_OFF_ECC_INFO;
  guint16 opt = fm_param_optional_commands (d);

  g_return_if_fail (d->jedec_version != FM_JEDEC_VERSION_NONE);
  memset (p, 0, FM_JEDEC_PARAM_PAGE_SIZE);

  memcpy (p + FM_JEDEC_OFF_SIGNATURE, "JESD", 4);
  fm_param_put16 (p, FM_JEDEC_OFF_REVISION,
                  d->jedec_version == FM_JEDEC_VERSION_1_0 ? FM_JEDEC_REVISION_1_0 : FM_JEDEC_REVISION_VENDOR);
  fm_param_put16 (p, FM_JEDEC_OFF_FEATURES, jedec_features (d));
  p[FM_JEDEC_OFF_OPT_CMD] = opt & 0xff;
  p[FM_JEDEC_OFF_NUM_PARAM_PAGES] = FM_JEDEC_PARAM_PAGE_COPIES;

  /* Bytes 64-69 hold the JEDEC manufacturer ID: one byte here. */
  fm_param_put_organization (p, d);
  p[FM_JEDEC_OFF_NOP] = d->nop;
  p[FM_JEDEC_OFF_PLANE_BITS] = (guint8) __builtin_ctz (d->planes);

  fm_param_put16 (p, FM_JEDEC_OFF_ASYNC_SDR_SPEED, d->timing_modes);
  fm_param_put16 (p, FM_JEDEC_OFF_TPROG, fm_param_us_ceil (d->t_prog.max_ns));
  fm_param_put16 (p, FM_JEDEC_OFF_TBERS, fm_param_us_ceil (d->t_bers.max_ns));
  fm_param_put16 (p, FM_JEDEC_OFF_TR, fm_param_us_ceil (d->t_r.max_ns));
  fm_param_put16 (p, FM_JEDEC_OFF_TCCS, d->tccs_ns);
  fm_param_put16 (p, FM_JEDEC_OFF_TADL, d->tadl_ns);

  p[FM_JEDEC_OFF_GUARANTEED_BLOCKS] = d->guaranteed_valid_blocks;
  fm_param_put_endurance (p, FM_JEDEC_OFF_GUARANTEED_ENDURANCE, d->guaranteed_block_endurance);
  /* ECC information block 0: bits per codeword, the codeword as a power
   * of two (the loader took only powers of two from 512 up), bad blocks
   * per LUN, endurance at that ECC. */
  ecc[0] = (guint8) d->ecc_bits;
  ecc[1] = (guint8) __builtin_ctz (d->ecc_codeword_size);
  fm_param_put16 (ecc, 2, d->factory_bad_blocks_max);
  fm_param_put_endurance (ecc, 4, d->pe_cycles);

  fm_param_put16 (p, FM_JEDEC_OFF_VENDOR_REVISION, d->vendor_revision);
  fm_param_put16 (p, FM_JEDEC_OFF_CRC, fm_crc16_onfi (FM_ONFI_CRC_INIT, p, FM_JEDEC_OFF_CRC));
}

gboolean
fm_jedec_parse_param_page (const guint8 *p, FmJedecParams *o, GError **error)
{
  const guint8 *ecc = p + FM_JEDEC_OFF_ECC_INFO;
  guint rev;

  if (memcmp (p, "JESD", 4) != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "JEDEC parameter page has no JESD signature");
      return FALSE;
    }
  if (fm_crc16_onfi (FM_ONFI_CRC_INIT, p, FM_JEDEC_OFF_CRC) != fm_param_get16 (p, FM_JEDEC_OFF_CRC))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "JEDEC parameter page CRC mismatch");
      return FALSE;
    }
  memset (o, 0, sizeof *o);
  rev = fm_param_get16 (p, FM_JEDEC_OFF_REVISION);
  /* Bit 2 wins over bit 1, as in nand_jedec_detect(). */
  if (rev & FM_JEDEC_REVISION_1_0)
    o->version = FM_JEDEC_VERSION_1_0;
  else if (rev & FM_JEDEC_REVISION_VENDOR)
    o->version = FM_JEDEC_VERSION_VENDOR;
  else
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                   "JEDEC parameter page revision 0x%04x is not one Linux supports", rev);
      return FALSE;
    }
  if (ecc[1] < 9)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                   "JEDEC parameter page ECC codeword 2^%u is below 512 bytes", ecc[1]);
      return FALSE;
    }
  fm_param_get_trimmed (p, FM_JEDEC_OFF_MANUFACTURER, 12, o->manufacturer);
  fm_param_get_trimmed (p, FM_JEDEC_OFF_MODEL, 20, o->model);
  o->jedec_id = p[FM_JEDEC_OFF_JEDEC_ID];
  o->features = fm_param_get16 (p, FM_JEDEC_OFF_FEATURES);
  o->opt_cmd = p[FM_JEDEC_OFF_OPT_CMD] | (p[FM_JEDEC_OFF_OPT_CMD + 1] << 8) |
               ((guint32) p[FM_JEDEC_OFF_OPT_CMD + 2] << 16);
  o->num_param_pages = p[FM_JEDEC_OFF_NUM_PARAM_PAGES];
  o->page_size = fm_param_get32 (p, FM_JEDEC_OFF_PAGE_SIZE);
  o->oob_size = fm_param_get16 (p, FM_JEDEC_OFF_SPARE_SIZE);
  o->pages_per_block = fm_param_get32 (p, FM_JEDEC_OFF_PAGES_PER_BLOCK);
  o->blocks_per_lun = fm_param_get32 (p, FM_JEDEC_OFF_BLOCKS_PER_LUN);
  o->luns = p[FM_JEDEC_OFF_LUNS];
  o->row_cycles = p[FM_JEDEC_OFF_ADDR_CYCLES] & 0xf;
  o->col_cycles = p[FM_JEDEC_OFF_ADDR_CYCLES] >> 4;
  o->bits_per_cell = p[FM_JEDEC_OFF_BITS_PER_CELL];
  o->nop = p[FM_JEDEC_OFF_NOP];
  o->plane_bits = p[FM_JEDEC_OFF_PLANE_BITS];
  o->timing_modes = fm_param_get16 (p, FM_JEDEC_OFF_ASYNC_SDR_SPEED);
  o->t_prog_us = fm_param_get16 (p, FM_JEDEC_OFF_TPROG);
  o->t_bers_us = fm_param_get16 (p, FM_JEDEC_OFF_TBERS);
  o->t_r_us = fm_param_get16 (p, FM_JEDEC_OFF_TR);
  o->t_ccs_ns = fm_param_get16 (p, FM_JEDEC_OFF_TCCS);
  o->t_adl_ns = fm_param_get16 (p, FM_JEDEC_OFF_TADL);
  o->guaranteed_valid_blocks = p[FM_JEDEC_OFF_GUARANTEED_BLOCKS];
  o->guaranteed_block_endurance = fm_param_get_endurance (p, FM_JEDEC_OFF_GUARANTEED_ENDURANCE);
  o->ecc_bits = ecc[0];
  o->codeword_log2 = ecc[1];
  o->bad_blocks_max = fm_param_get16 (ecc, 2);
  o->endurance = fm_param_get_endurance (ecc, 4);
  o->vendor_revision = fm_param_get16 (p, FM_JEDEC_OFF_VENDOR_REVISION);
  return TRUE;
}
