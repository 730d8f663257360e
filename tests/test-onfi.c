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

/* The extended parameter page read back exactly as Linux 6.1's
 * nand_onfi_detect and nand_flash_detect_ext_param_page read it. */
static void
test_ext_param_page_micron_mt29f32g (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-mt29f32g");
  guint8 p[FM_ONFI_PARAM_PAGE_SIZE], e[FM_ONFI_EXT_PARAM_PAGE_SIZE];
  g_autoptr (GError) error = NULL;
  const guint8 *ecc;
  FmOnfiParams o;
  FmOnfiExtEcc x;
  gsize len, cursor;
  guint i;

  g_assert_cmpuint (d->onfi_version, ==, 22);
  g_assert_cmpuint (d->ecc_bits, ==, 24);
  g_assert_cmpuint (d->ecc_codeword_size, ==, 1024);
  g_assert_true (fm_onfi_has_ext_param_page (d));

  fm_onfi_build_param_page (d, p);
  g_assert_true (fm_onfi_parse_param_page (p, &o, &error));
  g_assert_no_error (error);
  g_assert_cmphex (p[112], ==, 0xff);                   /* see the extended page */
  g_assert_cmphex (le16 (p, 6) & (1u << 7), !=, 0);     /* ONFI_FEATURE_EXT_PARAM_PAGE */
  g_assert_cmpuint (le16 (p, 12), ==, 3);               /* 48 bytes */
  g_assert_cmpuint (p[14], ==, FM_ONFI_PARAM_PAGE_COPIES);
  g_assert_cmpuint (o.ext_param_page_len, ==, 48);
  g_assert_cmpuint (o.num_param_pages, ==, 3);
  g_assert_cmpuint (o.ecc_bits, ==, 0xff);
  /* The rest of the page is unchanged by it. */
  g_assert_cmpuint (le32 (p, 80), ==, 4096);
  g_assert_cmpuint (le16 (p, 84), ==, 224);

  len = fm_onfi_build_ext_param_page (d, e);
  g_assert_cmpuint (len, ==, le16 (p, 12) * 16);
  /* By hand, as Linux does it. */
  g_assert_cmphex (le16 (e, 0), ==, fm_crc16_onfi (FM_ONFI_CRC_INIT, e + 2, len - 2));
  g_assert_cmpmem (e + 2, 4, "EPPS", 4);
  for (i = 6; i < 16; i++)
    g_assert_cmpuint (e[i], ==, 0);
  cursor = 32;
  for (i = 0; i < 8; i++)
    {
      if (e[16 + 2 * i] == 2)
        break;
      cursor += e[16 + 2 * i + 1] * 16;
    }
  g_assert_cmpuint (i, <, 8);
  g_assert_cmpuint (e[16 + 2 * i + 1] * 16, >=, 8);     /* sizeof (onfi_ext_ecc_info) */
  g_assert_cmpuint (cursor + e[16 + 2 * i + 1] * 16, <=, len);
  ecc = e + cursor;
  g_assert_cmpuint (ecc[0], ==, 24);
  g_assert_cmpuint (1u << ecc[1], ==, 1024);
  g_assert_cmpuint (le16 (ecc, 2), ==, d->factory_bad_blocks_max);
  /* And through the parser. */
  g_assert_true (fm_onfi_parse_ext_param_page (e, len, &x, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (x.ecc_bits, ==, 24);
  g_assert_cmpuint (x.codeword_log2, ==, 10);
  g_assert_cmpuint (x.bad_blocks_max, ==, d->factory_bad_blocks_max);
  g_assert_cmpuint (x.endurance, ==, d->pe_cycles);

  /* Any flipped bit fails the CRC. */
  for (guint bit = 0; bit < len * 8; bit += 13)
    {
      e[bit / 8] ^= 1u << (bit % 8);
      g_assert_false (fm_onfi_parse_ext_param_page (e, len, &x, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
      e[bit / 8] ^= 1u << (bit % 8);
    }
  /* A wrong signature with a good CRC is refused too. */
  e[2] = 'X';
  e[0] = fm_crc16_onfi (FM_ONFI_CRC_INIT, e + 2, len - 2) & 0xff;
  e[1] = fm_crc16_onfi (FM_ONFI_CRC_INIT, e + 2, len - 2) >> 8;
  g_assert_false (fm_onfi_parse_ext_param_page (e, len, &x, &error));
  g_clear_error (&error);
}

/* Only ONFI 2.1+ parts with codewords other than 512 bytes change. */
static void
test_ext_param_page_only_when_needed (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-mt29f32g");
  guint8 p[FM_ONFI_PARAM_PAGE_SIZE], e[FM_ONFI_EXT_PARAM_PAGE_SIZE];

  g_assert_no_error (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) c = fm_test_chip (names[i]);

      if (!c->onfi_version || c->ecc_codeword_size != 512)
        continue;
      g_assert_false (fm_onfi_has_ext_param_page (c));
      g_assert_cmpuint (fm_onfi_build_ext_param_page (c, e), ==, 0);
      fm_onfi_build_param_page (c, p);
      g_assert_cmpuint (p[112], ==, c->ecc_bits);
      g_assert_cmphex (le16 (p, 6) & (1u << 7), ==, 0);
      g_assert_cmpuint (le16 (p, 12), ==, 0);
      g_assert_cmpuint (p[14], ==, 0);
    }

  /* 512-byte codewords on an ONFI 2.2 part: byte 112 as before. */
  d->ecc_codeword_size = 512;
  g_assert_false (fm_onfi_has_ext_param_page (d));
  fm_onfi_build_param_page (d, p);
  g_assert_cmpuint (p[112], ==, 24);
  g_assert_cmpuint (le16 (p, 12), ==, 0);
  g_assert_cmpuint (p[14], ==, 0);
  g_assert_cmphex (le16 (p, 6) & (1u << 7), ==, 0);
  /* Before ONFI 2.1 there is no extended page to point at. */
  d->ecc_codeword_size = 1024;
  d->onfi_version = 20;
  g_assert_false (fm_onfi_has_ext_param_page (d));
  fm_onfi_build_param_page (d, p);
  g_assert_cmpuint (p[112], ==, 24);
  g_assert_cmpuint (fm_onfi_build_ext_param_page (d, e), ==, 0);
  /* 21 is enough. */
  d->onfi_version = 21;
  g_assert_true (fm_onfi_has_ext_param_page (d));
  fm_onfi_build_param_page (d, p);
  g_assert_cmphex (p[112], ==, 0xff);
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
  g_test_add_func ("/onfi/ext-param-page/micron-mt29f32g", test_ext_param_page_micron_mt29f32g);
  g_test_add_func ("/onfi/ext-param-page/only-when-needed", test_ext_param_page_only_when_needed);
  return g_test_run ();
}
