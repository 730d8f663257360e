/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JEDEC parameter page: its bytes where Linux's struct
 * nand_jedec_params has them, the checks of nand_jedec_detect(), the
 * [jedec] group of a descriptor, and the bus commands that reach the page
 * (READ ID 40h, READ PARAMETER PAGE ECh 40h) as nand_base drives them.
 */
#include "fm-test-util.h"

#include <string.h>

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

/* The tiny test part of fm-test-util with its [onfi] group renamed
 * [jedec] (minus ONFI's own keys), KEY of it replaced by LINE (NULL: as is). */
static gchar *
jedec_text (const gchar *key, const gchar *line)
{
  g_autofree gchar *onfi = fm_test_tiny_text_with ("onfi", key ? key : "version",
                                                   line ? line : "version=1.0");
  g_autoptr (GString) s = g_string_new (onfi);

  g_assert_cmpuint (g_string_replace (s, "[onfi]\n", "[jedec]\n", 1), ==, 1);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static FmChipDesc *
jedec_desc (const gchar *key, const gchar *line)
{
  g_autofree gchar *text = jedec_text (key, line);
  g_autoptr (GError) error = NULL;
  FmChipDesc *d = fm_chip_desc_load_data (text, "test-jedec.ini", &error);

  g_assert_no_error (error);
  g_assert_nonnull (d);
  return d;
}

static void
expect_load_error (const gchar *text, const gchar *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (text, "test-jedec.ini", &error);

  g_assert_null (d);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "test-jedec.ini"));
  g_assert_nonnull (strstr (error->message, needle));
}

/* Offsets as Linux 6.1's include/linux/mtd/jedec.h lays them out
 * (offsetof() of struct nand_jedec_params, __packed). */
static void
test_layout (void)
{
  g_autoptr (FmChipDesc) d = jedec_desc (NULL, NULL);
  guint8 p[FM_JEDEC_PARAM_PAGE_SIZE];

  g_assert_cmpuint (d->jedec_version, ==, FM_JEDEC_VERSION_1_0);
  g_assert_cmpuint (d->onfi_version, ==, 0);
  fm_jedec_build_param_page (d, p);
  g_assert_cmpmem (p, 4, "JESD", 4);
  g_assert_cmphex (le16 (p, 4), ==, 1u << 2);           /* revision: JESD230 1.0 */
  g_assert_cmphex (le16 (p, 6) & 1, ==, 0);             /* x8 */
  g_assert_cmphex (p[8], ==, 0x3f);                     /* every optional command of bits 0-5 */
  g_assert_cmpuint (p[13], ==, 3);                      /* num_of_param_pages */
  g_assert_cmpmem (p + 32, 4, "TEST", 4);
  g_assert_cmpint (p[43], ==, ' ');
  g_assert_cmpmem (p + 44, 6, "TINY-1", 6);
  g_assert_cmpint (p[63], ==, ' ');
  g_assert_cmphex (p[64], ==, 0x2c);
  g_assert_cmpuint (le32 (p, 80), ==, 2048);
  g_assert_cmpuint (le16 (p, 84), ==, 64);
  g_assert_cmpuint (le32 (p, 92), ==, 8);
  g_assert_cmpuint (le32 (p, 96), ==, 64);
  g_assert_cmpuint (p[100], ==, 1);
  g_assert_cmphex (p[101], ==, (fm_chip_desc_col_cycles (d) << 4) | fm_chip_desc_row_cycles (d));
  g_assert_cmpuint (p[102], ==, 1);
  g_assert_cmpuint (p[103], ==, 4);                     /* programs_per_page: NOP */
  g_assert_cmpuint (p[104], ==, 1);                     /* multi_plane_addr: 2 planes */
  g_assert_cmphex (le16 (p, 144), ==, 0x3f);            /* async SDR modes 0-5 */
  g_assert_cmpuint (le16 (p, 153), ==, 600);            /* tPROG max, us */
  g_assert_cmpuint (le16 (p, 155), ==, 3000);
  g_assert_cmpuint (le16 (p, 157), ==, 25);
  g_assert_cmpuint (p[208], ==, 1);                     /* guaranteed good blocks */
  /* ecc_info[0]: 4 bits per 2^9 bytes, bad blocks per LUN, endurance. */
  g_assert_cmpuint (p[211], ==, 4);
  g_assert_cmpuint (p[212], ==, 9);
  g_assert_cmpuint (le16 (p, 213), ==, 4);
  g_assert_cmpuint (p[215], ==, 100);                   /* 100 x 10^3 cycles */
  g_assert_cmpuint (p[216], ==, 3);
  g_assert_cmphex (le16 (p, 510), ==, fm_crc16_onfi (FM_ONFI_CRC_INIT, p, 510));
}

/* nand_jedec_detect(): the CRC over 510 bytes, revision bit 2 or 1, a
 * codeword of at least 2^9; and what it derives equals the descriptor. */
static void
test_linux_checks (void)
{
  g_autoptr (FmChipDesc) d = jedec_desc (NULL, NULL);
  g_autoptr (FmChipDesc) v = jedec_desc ("version", "version=vendor");
  g_autoptr (FmChipDesc) w = jedec_desc ("ecc-codeword-size", "ecc-codeword-size=1024");
  guint8 p[FM_JEDEC_PARAM_PAGE_SIZE], bad[FM_JEDEC_PARAM_PAGE_SIZE];
  FmJedecParams o;
  GError *error = NULL;

  fm_jedec_build_param_page (d, p);
  g_assert_true (fm_jedec_parse_param_page (p, &o, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (o.version, ==, FM_JEDEC_VERSION_1_0);
  g_assert_cmpstr (o.manufacturer, ==, "TEST");
  g_assert_cmpstr (o.model, ==, "TINY-1");
  g_assert_cmpuint (o.page_size, ==, d->page_size);
  g_assert_cmpuint (o.oob_size, ==, d->oob_size);
  g_assert_cmpuint (o.pages_per_block, ==, d->pages_per_block);
  g_assert_cmpuint (o.blocks_per_lun, ==, d->blocks_per_lun);
  g_assert_cmpuint (o.luns, ==, d->luns);
  g_assert_cmpuint (1u << o.plane_bits, ==, d->planes);
  g_assert_cmpuint (o.bits_per_cell, ==, fm_chip_desc_bits_per_cell (d));
  g_assert_cmpuint (o.ecc_bits, ==, d->ecc_bits);
  g_assert_cmpuint (1u << o.codeword_log2, ==, d->ecc_codeword_size);
  g_assert_cmpuint (o.bad_blocks_max, ==, d->factory_bad_blocks_max);
  g_assert_cmpuint (o.endurance, ==, d->pe_cycles);
  g_assert_cmpuint (o.timing_modes, ==, d->timing_modes);

  /* A vendor-specific version: revision bit 1 only, which Linux takes. */
  fm_jedec_build_param_page (v, bad);
  g_assert_cmphex (le16 (bad, 4), ==, 1u << 1);
  g_assert_true (fm_jedec_parse_param_page (bad, &o, NULL));
  g_assert_cmpuint (o.version, ==, FM_JEDEC_VERSION_VENDOR);

  /* 1024-byte codewords: 2^10. */
  fm_jedec_build_param_page (w, bad);
  g_assert_cmpuint (bad[212], ==, 10);

  /* One flipped bit anywhere in 0-509 fails the CRC. */
  memcpy (bad, p, sizeof bad);
  bad[300] ^= 0x10;
  g_assert_false (fm_jedec_parse_param_page (bad, &o, &error));
  g_assert_nonnull (strstr (error->message, "CRC"));
  g_clear_error (&error);

  /* Revision 0 (no bit Linux knows), CRC made right: refused. */
  memcpy (bad, p, sizeof bad);
  bad[4] = bad[5] = 0;
  bad[510] = fm_crc16_onfi (FM_ONFI_CRC_INIT, bad, 510) & 0xff;
  bad[511] = fm_crc16_onfi (FM_ONFI_CRC_INIT, bad, 510) >> 8;
  g_assert_false (fm_jedec_parse_param_page (bad, &o, &error));
  g_assert_nonnull (strstr (error->message, "revision"));
  g_clear_error (&error);

  /* A codeword of 2^8: Linux warns "Invalid codeword size". */
  memcpy (bad, p, sizeof bad);
  bad[212] = 8;
  bad[510] = fm_crc16_onfi (FM_ONFI_CRC_INIT, bad, 510) & 0xff;
  bad[511] = fm_crc16_onfi (FM_ONFI_CRC_INIT, bad, 510) >> 8;
  g_assert_false (fm_jedec_parse_param_page (bad, &o, &error));
  g_assert_nonnull (strstr (error->message, "codeword"));
  g_clear_error (&error);

  /* An ONFI page is not a JEDEC page. */
  {
    g_autoptr (FmChipDesc) onfi = fm_test_tiny_desc (NULL);
    guint8 op[FM_JEDEC_PARAM_PAGE_SIZE] = { 0 };

    fm_onfi_build_param_page (onfi, op);
    g_assert_false (fm_jedec_parse_param_page (op, &o, &error));
    g_assert_nonnull (strstr (error->message, "JESD"));
    g_clear_error (&error);
  }
}

static void
test_loader (void)
{
  g_autofree gchar *both = NULL;
  g_autofree gchar *version = jedec_text ("version", "version=2.0");
  g_autofree gchar *codeword = jedec_text ("ecc-codeword-size", "ecc-codeword-size=256");
  g_autofree gchar *odd = jedec_text ("ecc-codeword-size", "ecc-codeword-size=768");
  g_autofree gchar *copyback = jedec_text ("features", "features=odd-even-copyback");
  g_autofree gchar *cache = jedec_text ("cache-timing-modes", "cache-timing-modes=0");
  g_autofree gchar *onfi = fm_test_tiny_text_with ("onfi", "version", "version=1.0");

  both = g_strconcat (onfi, "[jedec]\nversion=1.0\n", NULL);
  expect_load_error (both, "not both");
  expect_load_error (version, "version");
  expect_load_error (codeword, "ecc-codeword-size");
  expect_load_error (odd, "ecc-codeword-size");
  expect_load_error (copyback, "features");
  expect_load_error (cache, "cache-timing-modes");
}

/* READ ID 40h, then READ PARAMETER PAGE 40h and the three copies, as
 * nand_jedec_detect() reads them; the ONFI probe before it finds nothing. */
static void
test_bus_detect (void)
{
  FmTestBus f;
  guint8 sig[5], pages[3][FM_JEDEC_PARAM_PAGE_SIZE], again[16];
  FmJedecParams o;
  g_autoptr (GError) error = NULL;

  FmChipDesc *d = jedec_desc (NULL, NULL);

  fm_test_bus_init (&f, d, fm_test_nand (d, 7, 0, FM_TIMING_VIRTUAL));

  /* nand_onfi_detect() first: READ ID 20h must not say "ONFI". */
  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x20 }, 1);
  for (guint i = 0; i < 4; i++)
    sig[i] = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_true (memcmp (sig, "ONFI", 4) != 0);

  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x40 }, 1);
  for (guint i = 0; i < 5; i++)
    sig[i] = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_cmpmem (sig, 5, "JEDEC", 5);

  fm_test_bus_cmd_addr (f.bus, 0xec, (const guint8[]) { 0x40 }, 1);
  g_assert_false (fm_nand_bus_ready (f.bus)); /* tR */
  fm_nand_bus_wait_ready (f.bus);
  for (guint c = 0; c < 3; c++)
    for (guint i = 0; i < FM_JEDEC_PARAM_PAGE_SIZE; i++)
      pages[c][i] = fm_nand_bus_read (f.bus) & 0xff;
  for (guint c = 0; c < 3; c++)
    {
      g_assert_true (fm_jedec_parse_param_page (pages[c], &o, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (pages[c], sizeof pages[c], pages[0], sizeof pages[0]);
    }
  g_assert_cmpuint (o.page_size, ==, f.desc->page_size);

  /* Linux's exec_op path reaches copy i with CHANGE READ COLUMN 512 * i. */
  fm_test_bus_cmd_addr (f.bus, 0x05, (const guint8[]) { 0x00, 0x04 }, 2);
  fm_nand_bus_command (f.bus, 0xe0);
  for (guint i = 0; i < sizeof again; i++)
    again[i] = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_cmpmem (again, sizeof again, pages[0], sizeof again);

  /* ECh 00h (ONFI's address) has no page on a JEDEC part. */
  fm_test_bus_cmd_addr (f.bus, 0xec, (const guint8[]) { 0x00 }, 1);
  g_assert_true (fm_nand_bus_ready (f.bus));
  fm_nand_bus_read_buf (f.bus, again, 4);
  g_assert_true (memcmp (again, "JESD", 4) != 0);
  g_assert_true (memcmp (again, "ONFI", 4) != 0);

  /* READ ID 00h is still the ID. */
  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x00 }, 1);
  for (guint i = 0; i < 2; i++)
    sig[i] = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_cmpmem (sig, 2, f.desc->id, 2);
  fm_test_bus_clear (&f);
}

/* LUN count, the multi-LUN feature and the x16 bus in the JEDEC page:
 * Linux takes luns_per_target from byte 100 and NAND_BUSWIDTH_16 from
 * feature bit 0. */
static void
test_luns_and_bus_width (void)
{
  g_autofree gchar *two = jedec_text ("features", "features=multi-lun");
  g_autofree gchar *two_luns = fm_test_text_with (two, "geometry", "luns", "luns=2");
  g_autofree gchar *x16 = jedec_text ("version", "version=1.0");
  g_autofree gchar *x16_text = fm_test_text_with (x16, "geometry", "bus-width", "bus-width=16");
  g_autoptr (FmChipDesc) a = fm_chip_desc_load_data (two_luns, "two-luns", NULL);
  g_autoptr (FmChipDesc) b = fm_chip_desc_load_data (x16_text, "x16", NULL);
  guint8 p[FM_JEDEC_PARAM_PAGE_SIZE];
  FmJedecParams o;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  fm_jedec_build_param_page (a, p);
  g_assert_true (fm_jedec_parse_param_page (p, &o, NULL));
  g_assert_cmpuint (o.luns, ==, 2);
  g_assert_cmphex (o.features & (FM_JEDEC_FEATURE_MULTI_LUN | FM_JEDEC_FEATURE_16BIT), ==,
                   FM_JEDEC_FEATURE_MULTI_LUN);
  fm_jedec_build_param_page (b, p);
  g_assert_true (fm_jedec_parse_param_page (p, &o, NULL));
  g_assert_cmpuint (o.luns, ==, 1);
  g_assert_cmphex (o.features & (FM_JEDEC_FEATURE_MULTI_LUN | FM_JEDEC_FEATURE_16BIT), ==,
                   FM_JEDEC_FEATURE_16BIT);
}

/* An ONFI part does not answer READ ID 40h with "JEDEC". */
static void
test_onfi_part_not_jedec (void)
{
  FmTestBus f;
  guint8 sig[5];

  FmChipDesc *d = fm_test_tiny_desc (NULL);

  fm_test_bus_init (&f, d, fm_test_nand (d, 7, 0, FM_TIMING_VIRTUAL));
  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x40 }, 1);
  for (guint i = 0; i < 5; i++)
    sig[i] = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_true (memcmp (sig, "JEDEC", 5) != 0);
  fm_test_bus_clear (&f);
}

/* The host ECC "auto" takes the JEDEC page's requirement, as Linux's
 * nand_jedec_detect() sets it. */
static void
test_ecc_auto (void)
{
  g_autoptr (FmChipDesc) d = jedec_desc ("ecc-bits", "ecc-bits=8");
  g_autoptr (GError) error = NULL;
  FmEcc *ecc = NULL;

  g_assert_true (fm_ecc_new_from_name ("auto", d, &ecc, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ecc->strength, ==, 8);
  g_assert_cmpuint (ecc->step_size, ==, 512);
  fm_ecc_free (ecc);
}

/* Every shipped [jedec] part: its page parses back to the descriptor. */
static void
test_every_jedec_chip (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);

  g_assert_no_error (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) d = fm_test_chip (names[i]);
      guint8 page[FM_JEDEC_PARAM_PAGE_SIZE];
      FmJedecParams o;

      if (!d->jedec_version)
        continue;
      g_test_message ("%s", names[i]);
      fm_jedec_build_param_page (d, page);
      g_assert_true (fm_jedec_parse_param_page (page, &o, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (o.manufacturer, ==, d->onfi_manufacturer);
      g_assert_cmpstr (o.model, ==, d->onfi_model);
      g_assert_cmpuint (o.page_size, ==, d->page_size);
      g_assert_cmpuint (o.oob_size, ==, d->oob_size);
      g_assert_cmpuint (o.pages_per_block, ==, d->pages_per_block);
      g_assert_cmpuint (o.blocks_per_lun, ==, d->blocks_per_lun);
      g_assert_cmpuint (o.luns, ==, d->luns);
      g_assert_cmpuint (o.ecc_bits, ==, d->ecc_bits);
      g_assert_cmpuint (1u << o.codeword_log2, ==, d->ecc_codeword_size);
      g_assert_cmpuint ((o.features & FM_JEDEC_FEATURE_16BIT) != 0, ==, d->bus_width == 16);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/jedec/layout", test_layout);
  g_test_add_func ("/jedec/linux-checks", test_linux_checks);
  g_test_add_func ("/jedec/loader", test_loader);
  g_test_add_func ("/jedec/bus-detect", test_bus_detect);
  g_test_add_func ("/jedec/luns-and-bus-width", test_luns_and_bus_width);
  g_test_add_func ("/jedec/onfi-part-not-jedec", test_onfi_part_not_jedec);
  g_test_add_func ("/jedec/ecc-auto", test_ecc_auto);
  g_test_add_func ("/jedec/every-jedec-chip", test_every_jedec_chip);
  return g_test_run ();
}
