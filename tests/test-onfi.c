/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ONFI parameter page and the checksums behind it. */
#include "fm-test-util.h"

#include <string.h>

static void
test_crc_check_values (void)
{
  static const guint8 check[] = "123456789";

  /* Catalogued check values: CRC-16/UMTS (poly 8005h, init 0, MSB first)
   * and CRC-32/ISO-HDLC. The ONFI CRC is the former with init 4F4Eh. */
  g_assert_cmphex (fm_crc16_onfi (0, check, 9), ==, 0xfee8);
  g_assert_cmphex (fm_crc32 (0, check, 9), ==, 0xcbf43926);
  /* Incremental use gives the same result. */
  g_assert_cmphex (fm_crc32 (fm_crc32 (0, check, 4), check + 4, 5), ==, 0xcbf43926);
  g_assert_cmphex (fm_crc16_onfi (fm_crc16_onfi (FM_ONFI_CRC_INIT, check, 3), check + 3, 6), ==,
                   fm_crc16_onfi (FM_ONFI_CRC_INIT, check, 9));
}

static guint
le16 (const guint8 *p, guint off)
{
  return p[off] | (p[off + 1] << 8);
}

static guint32
le32 (const guint8 *p, guint off)
{
  return le16 (p, off) | ((guint32) le16 (p, off + 2) << 16);
}

/* Field positions checked byte by byte against the ONFI layout that
 * Linux's struct nand_onfi_params describes. */
static void
test_micron_layout (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-mt29f4g");
  guint8 p[FM_ONFI_PARAM_PAGE_SIZE];

  fm_onfi_build_param_page (d, p);
  g_assert_cmpmem (p, 4, "ONFI", 4);
  g_assert_cmphex (le16 (p, 4), ==, 1u << 1);            /* ONFI 1.0 only */
  g_assert_cmpmem (p + 32, 6, "MICRON", 6);
  g_assert_cmpint (p[43], ==, ' ');                     /* space padded */
  g_assert_cmphex (p[64], ==, 0x2c);
  g_assert_cmpuint (le32 (p, 80), ==, 2048);
  g_assert_cmpuint (le16 (p, 84), ==, 64);
  g_assert_cmpuint (le32 (p, 92), ==, 64);
  g_assert_cmpuint (le32 (p, 96), ==, 4096);
  g_assert_cmpuint (p[100], ==, 1);
  g_assert_cmphex (p[101], ==, 0x23);                    /* 2 column, 3 row cycles */
  g_assert_cmpuint (p[102], ==, 1);
  g_assert_cmpuint (le16 (p, 103), ==, d->factory_bad_blocks_max);
  g_assert_cmpuint (p[110], ==, d->nop);
  g_assert_cmpuint (p[112], ==, d->ecc_bits);
  g_assert_cmpuint (p[113], ==, 1);                      /* 2 planes */
  g_assert_cmpuint (le16 (p, 129), ==, d->timing_modes);
  g_assert_cmpuint (le16 (p, 133), ==, (d->t_prog.max_ns + 999) / 1000);
  g_assert_cmpuint (le16 (p, 135), ==, (d->t_bers.max_ns + 999) / 1000);
  g_assert_cmpuint (le16 (p, 137), ==, (d->t_r.max_ns + 999) / 1000);
  g_assert_cmphex (le16 (p, 254), ==, fm_crc16_onfi (FM_ONFI_CRC_INIT, p, 254));
}

static void
test_roundtrip_every_onfi_chip (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);
  guint onfi_chips = 0;

  g_assert_no_error (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) d = fm_test_chip (names[i]);
      guint8 page[FM_ONFI_PARAM_PAGE_SIZE];
      FmOnfiParams o;

      if (!d->onfi_version)
        continue;
      onfi_chips++;
      fm_onfi_build_param_page (d, page);
      g_assert_true (fm_onfi_parse_param_page (page, &o, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (o.version, ==, d->onfi_version);
      g_assert_cmpstr (o.manufacturer, ==, d->onfi_manufacturer);
      g_assert_cmpstr (o.model, ==, d->onfi_model);
      g_assert_cmpuint (o.page_size, ==, d->page_size);
      g_assert_cmpuint (o.oob_size, ==, d->oob_size);
      g_assert_cmpuint (o.pages_per_block, ==, d->pages_per_block);
      g_assert_cmpuint (o.blocks_per_lun, ==, d->blocks_per_lun);
      g_assert_cmpuint (o.luns, ==, d->luns);
      g_assert_cmpuint (1u << o.plane_bits, ==, d->planes);
      g_assert_cmpuint (o.bits_per_cell, ==, fm_chip_desc_bits_per_cell (d));
      g_assert_cmpuint (o.endurance, ==, d->pe_cycles);
      g_assert_cmpuint (o.row_cycles, ==, fm_chip_desc_row_cycles (d));
      g_assert_cmpuint ((o.features & FM_ONFI_FEATURE_16BIT) != 0, ==, d->bus_width == 16);
    }
  g_assert_cmpuint (onfi_chips, >=, 3);
}

static void
test_corruption_detected (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-mt29f4g");
  guint8 page[FM_ONFI_PARAM_PAGE_SIZE];
  g_autoptr (GError) error = NULL;
  FmOnfiParams o;

  fm_onfi_build_param_page (d, page);
  for (guint bit = 0; bit < 254 * 8; bit += 97)
    {
      page[bit / 8] ^= 1u << (bit % 8);
      g_assert_false (fm_onfi_parse_param_page (page, &o, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
      page[bit / 8] ^= 1u << (bit % 8);
    }
  g_assert_true (fm_onfi_parse_param_page (page, &o, &error));
}

static void
test_version_bits_cumulative (void)
{
  g_autofree gchar *text = fm_test_tiny_text_with ("onfi", "version", "version=2.2");
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (text, "v22", &error);
  guint8 page[FM_ONFI_PARAM_PAGE_SIZE];
  FmOnfiParams o;

  g_assert_no_error (error);
  fm_onfi_build_param_page (d, page);
  g_assert_cmphex (le16 (page, 4), ==, 0x1e);  /* 1.0, 2.0, 2.1, 2.2 */
  g_assert_true (fm_onfi_parse_param_page (page, &o, &error));
  g_assert_cmpuint (o.version, ==, 22);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/onfi/crc-check-values", test_crc_check_values);
  g_test_add_func ("/onfi/micron-layout", test_micron_layout);
  g_test_add_func ("/onfi/roundtrip-every-onfi-chip", test_roundtrip_every_onfi_chip);
  g_test_add_func ("/onfi/corruption-detected", test_corruption_detected);
  g_test_add_func ("/onfi/version-bits-cumulative", test_version_bits_cumulative);
  return g_test_run ();
}
