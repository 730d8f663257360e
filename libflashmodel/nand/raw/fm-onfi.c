/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ONFI parameter page and its extended page built from a descriptor,
 * and their parsers (fm-onfi.h).
 */
#include "fm-onfi.h"
#include "fm-crc.h"
#include "fm-param-fields.h"
#include "fm-error.h"

#include <string.h>

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

gboolean
fm_onfi_has_ext_param_page (const FmChipDesc *d)
{
  /* Byte 112 is bits per 512 bytes; any other codeword (a power of two,
   * as the extended page encodes it) needs the extended page, which ONFI
   * defines from 2.1. */
  if (d->onfi_version < 21 || d->ecc_bits == 0 || d->ecc_codeword_size < 2 ||
      (d->ecc_codeword_size & (d->ecc_codeword_size - 1)) != 0)
    return FALSE;
  /* FFh in byte 112 is the marker itself, so 255 bits need the page too. */
  return d->ecc_codeword_size != 512 || d->ecc_bits >= FM_ONFI_ECC_BITS_SEE_EXT;
}

void
fm_onfi_build_param_page (const FmChipDesc *d, guint8 *p)
{
  guint interleaved_ops = 0;
  gboolean ext = fm_onfi_has_ext_param_page (d);

  g_return_if_fail (d->onfi_version != 0);
  memset (p, 0, FM_ONFI_PARAM_PAGE_SIZE);

  memcpy (p + FM_ONFI_OFF_SIGNATURE, "ONFI", 4);
  fm_param_put16 (p, FM_ONFI_OFF_REVISION, revision_bits (d->onfi_version));
  fm_param_put16 (p, FM_ONFI_OFF_FEATURES, d->onfi_features | (ext ? FM_ONFI_FEATURES_EXT_PARAM_PAGE : 0));
  fm_param_put16 (p, FM_ONFI_OFF_OPT_CMD, fm_param_optional_commands (d));
  if (ext)
    {
      /* Linux reads the extended page at 256 * byte 14 after ECh. */
      fm_param_put16 (p, FM_ONFI_OFF_EXT_PARAM_LEN, FM_ONFI_EXT_PARAM_PAGE_SIZE / 16);
      p[FM_ONFI_OFF_NUM_PARAM_PAGES] = FM_ONFI_PARAM_PAGE_COPIES;
    }

  fm_param_put_organization (p, d);
  fm_param_put16 (p, FM_ONFI_OFF_BAD_BLOCKS_MAX, d->factory_bad_blocks_max);
  fm_param_put_endurance (p, FM_ONFI_OFF_ENDURANCE, d->pe_cycles);
  p[FM_ONFI_OFF_GUARANTEED_BLOCKS] = d->guaranteed_valid_blocks;
  fm_param_put_endurance (p, FM_ONFI_OFF_GUARANTEED_ENDURANCE, d->guaranteed_block_endurance);
  p[FM_ONFI_OFF_NOP] = d->nop;
  /* Bits per 512 bytes; for other codewords (ONFI 2.1+) FFh sends the
   * host to the extended parameter page. Older descriptors with another
   * codeword keep reporting their bits here, as before. */
  p[FM_ONFI_OFF_ECC_BITS] = ext ? FM_ONFI_ECC_BITS_SEE_EXT : d->ecc_bits;
  p[FM_ONFI_OFF_PLANE_BITS] = (guint8) __builtin_ctz (d->planes);
  if (d->commands & FM_CMD_MULTI_PLANE)
    interleaved_ops = 1u << 1; /* no block address restrictions beyond the plane */
  if ((d->commands & FM_CMD_MULTI_PLANE) && (d->commands & FM_CMD_CACHE_PROGRAM))
    interleaved_ops |= 1u << 2; /* program cache supported with multi-plane */
  p[FM_ONFI_OFF_INTERLEAVED_OPS] = interleaved_ops;

  fm_param_put16 (p, FM_ONFI_OFF_TIMING_MODES, d->timing_modes);
  fm_param_put16 (p, FM_ONFI_OFF_CACHE_TIMING_MODES, d->cache_timing_modes);
  fm_param_put16 (p, FM_ONFI_OFF_TPROG, fm_param_us_ceil (d->t_prog.max_ns));
  fm_param_put16 (p, FM_ONFI_OFF_TBERS, fm_param_us_ceil (d->t_bers.max_ns));
  fm_param_put16 (p, FM_ONFI_OFF_TR, fm_param_us_ceil (d->t_r.max_ns));
  fm_param_put16 (p, FM_ONFI_OFF_TCCS, d->tccs_ns);
  if (d->onfi_version >= 20)
    fm_param_put16 (p, FM_ONFI_OFF_TADL, d->tadl_ns);
  fm_param_put16 (p, FM_ONFI_OFF_VENDOR_REVISION, d->vendor_revision);
  /* The vendor block's read retry facts, where Linux's vendor file reads
   * them: Micron's number of options (levels, level 0 included, as
   * chip->read_retries counts them), Macronix's read retry bit. */
  if (d->read_retry.mechanism == FM_READ_RETRY_ONFI_FEATURE)
    p[FM_ONFI_OFF_MICRON_READ_RETRY_OPTIONS] = (guint8) d->read_retry.levels;
  if (d->read_retry.mechanism == FM_READ_RETRY_MACRONIX_FEATURE)
    p[FM_ONFI_OFF_MACRONIX_RELIABILITY] |= FM_ONFI_MACRONIX_READ_RETRY;

  fm_param_put16 (p, FM_ONFI_OFF_CRC, fm_crc16_onfi (FM_ONFI_CRC_INIT, p, FM_ONFI_OFF_CRC));
}

gsize
fm_onfi_build_ext_param_page (const FmChipDesc *d, guint8 *e)
{
  guint8 *ecc = e + FM_ONFI_EXT_OFF_SECTION_DATA;

  if (!fm_onfi_has_ext_param_page (d))
    return 0;
  memset (e, 0, FM_ONFI_EXT_PARAM_PAGE_SIZE);
  memcpy (e + FM_ONFI_EXT_OFF_SIGNATURE, "EPPS", 4);
  /* Section 0: ECC information, one 16-byte unit; sections 1-7 unused. */
  e[FM_ONFI_EXT_OFF_SECTIONS] = FM_ONFI_EXT_SECTION_ECC;
  e[FM_ONFI_EXT_OFF_SECTIONS + 1] = 1;
  ecc[0] = (guint8) d->ecc_bits;
  ecc[1] = (guint8) __builtin_ctz (d->ecc_codeword_size);
  fm_param_put16 (ecc, 2, d->factory_bad_blocks_max);
  fm_param_put_endurance (ecc, 4, d->pe_cycles);
  fm_param_put16 (e, FM_ONFI_EXT_OFF_CRC,
         fm_crc16_onfi (FM_ONFI_CRC_INIT, e + 2, FM_ONFI_EXT_PARAM_PAGE_SIZE - 2));
  return FM_ONFI_EXT_PARAM_PAGE_SIZE;
}

gboolean
fm_onfi_parse_ext_param_page (const guint8 *e, gsize len, FmOnfiExtEcc *o,
                              GError **error)
{
  gsize cursor = FM_ONFI_EXT_OFF_SECTION_DATA, remaining;
  guint i;

  if (len < FM_ONFI_EXT_OFF_SECTION_DATA)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "extended parameter page too short");
      return FALSE;
    }
  if (fm_crc16_onfi (FM_ONFI_CRC_INIT, e + 2, len - 2) != fm_param_get16 (e, FM_ONFI_EXT_OFF_CRC))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "extended parameter page CRC mismatch");
      return FALSE;
    }
  if (memcmp (e + FM_ONFI_EXT_OFF_SIGNATURE, "EPPS", 4) != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "extended parameter page has no EPPS signature");
      return FALSE;
    }
  remaining = len - FM_ONFI_EXT_OFF_SECTION_DATA;
  for (i = 0; i < FM_ONFI_EXT_SECTION_MAX; i++)
    {
      guint type = e[FM_ONFI_EXT_OFF_SECTIONS + 2 * i];
      gsize section_len = (gsize) e[FM_ONFI_EXT_OFF_SECTIONS + 2 * i + 1] * 16;

      if (section_len > remaining)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                       "extended parameter section %u exceeds the page", i);
          return FALSE;
        }
      if (type == FM_ONFI_EXT_SECTION_ECC)
        {
          if (section_len < 8)
            {
              g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                           "extended parameter ECC section %u is too short", i);
              return FALSE;
            }
          break;
        }
      cursor += section_len;
      remaining -= section_len;
    }
  if (i == FM_ONFI_EXT_SECTION_MAX)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "extended parameter page has no ECC section");
      return FALSE;
    }
  if (e[cursor + 1] == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "extended parameter page codeword size is 0");
      return FALSE;
    }
  memset (o, 0, sizeof *o);
  o->ecc_bits = e[cursor];
  o->codeword_log2 = e[cursor + 1];
  o->bad_blocks_max = fm_param_get16 (e, cursor + 2);
  o->endurance = fm_param_get_endurance (e, cursor + 4);
  return TRUE;
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
  if (fm_crc16_onfi (FM_ONFI_CRC_INIT, p, FM_ONFI_OFF_CRC) != fm_param_get16 (p, FM_ONFI_OFF_CRC))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT, "parameter page CRC mismatch");
      return FALSE;
    }
  memset (o, 0, sizeof *o);
  rev = fm_param_get16 (p, FM_ONFI_OFF_REVISION);
  /* The highest version bit wins, as in Linux. */
  for (guint bit = 6; bit >= 1; bit--)
    if (rev & (1u << bit))
      {
        static const guint versions[] = { 0, 10, 20, 21, 22, 23, 30 };
        o->version = versions[bit];
        break;
      }
  fm_param_get_trimmed (p, FM_ONFI_OFF_MANUFACTURER, 12, o->manufacturer);
  fm_param_get_trimmed (p, FM_ONFI_OFF_MODEL, 20, o->model);
  o->jedec_id = p[FM_ONFI_OFF_JEDEC_ID];
  o->features = fm_param_get16 (p, FM_ONFI_OFF_FEATURES);
  o->opt_cmd = fm_param_get16 (p, FM_ONFI_OFF_OPT_CMD);
  if (o->version >= 21)
    {
      o->num_param_pages = p[FM_ONFI_OFF_NUM_PARAM_PAGES];
      if (o->features & FM_ONFI_FEATURES_EXT_PARAM_PAGE)
        o->ext_param_page_len = fm_param_get16 (p, FM_ONFI_OFF_EXT_PARAM_LEN) * 16;
    }
  o->page_size = fm_param_get32 (p, FM_ONFI_OFF_PAGE_SIZE);
  o->oob_size = fm_param_get16 (p, FM_ONFI_OFF_SPARE_SIZE);
  o->pages_per_block = fm_param_get32 (p, FM_ONFI_OFF_PAGES_PER_BLOCK);
  o->blocks_per_lun = fm_param_get32 (p, FM_ONFI_OFF_BLOCKS_PER_LUN);
  o->luns = p[FM_ONFI_OFF_LUNS];
  o->row_cycles = p[FM_ONFI_OFF_ADDR_CYCLES] & 0xf;
  o->col_cycles = p[FM_ONFI_OFF_ADDR_CYCLES] >> 4;
  o->bits_per_cell = p[FM_ONFI_OFF_BITS_PER_CELL];
  o->bad_blocks_max = fm_param_get16 (p, FM_ONFI_OFF_BAD_BLOCKS_MAX);
  o->endurance = fm_param_get_endurance (p, FM_ONFI_OFF_ENDURANCE);
  o->nop = p[FM_ONFI_OFF_NOP];
  o->ecc_bits = p[FM_ONFI_OFF_ECC_BITS];
  o->plane_bits = p[FM_ONFI_OFF_PLANE_BITS];
  o->interleaved_ops = p[FM_ONFI_OFF_INTERLEAVED_OPS];
  o->guaranteed_blocks = p[FM_ONFI_OFF_GUARANTEED_BLOCKS];
  o->guaranteed_endurance = fm_param_get_endurance (p, FM_ONFI_OFF_GUARANTEED_ENDURANCE);
  o->timing_modes = fm_param_get16 (p, FM_ONFI_OFF_TIMING_MODES);
  o->cache_timing_modes = fm_param_get16 (p, FM_ONFI_OFF_CACHE_TIMING_MODES);
  if (o->version >= 20)
    o->t_adl_ns = fm_param_get16 (p, FM_ONFI_OFF_TADL);
  o->vendor_revision = fm_param_get16 (p, FM_ONFI_OFF_VENDOR_REVISION);
  memcpy (o->vendor, p + FM_ONFI_OFF_VENDOR, FM_ONFI_VENDOR_LEN);
  o->t_prog_us = fm_param_get16 (p, FM_ONFI_OFF_TPROG);
  o->t_bers_us = fm_param_get16 (p, FM_ONFI_OFF_TBERS);
  o->t_r_us = fm_param_get16 (p, FM_ONFI_OFF_TR);
  o->t_ccs_ns = fm_param_get16 (p, FM_ONFI_OFF_TCCS);
  return TRUE;
}
