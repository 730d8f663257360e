/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Vendor behaviours that Linux 6.1's raw NAND vendor files expect, driven
 * through the bus with the cycles those files send: Macronix block
 * protection (nand_macronix.c: GET FEATURES A0h at probe, SET FEATURES A0h
 * 38h / 00h for lock / unlock) with the PT pin high and low.
 */
#include "fm-test-util.h"
#include "fm-nand-vendor-macronix.h"

#include <string.h>

#define MXIC_CHIP "macronix-mx30lf1g18ac"

static void
bus_init_pt (FmTestBus *f, const gchar *chip, gboolean pt_high)
{
  g_autoptr (GError) error = NULL;
  FmChipDesc *d = fm_test_chip (chip);
  FmNand *nand = fm_test_nand (d, 7, 0, FM_TIMING_VIRTUAL);

  g_assert_true (fm_nand_set_pt_pin (nand, pt_high, &error));
  g_assert_no_error (error);
  fm_test_bus_init (f, d, nand);
}

static guint8
get_feature (FmNandBus *bus, guint8 addr)
{
  guint8 p[4];

  fm_test_bus_cmd_addr (bus, 0xee, &addr, 1);
  fm_nand_bus_wait_ready (bus);
  fm_nand_bus_read_buf (bus, p, 4);
  return p[0];
}

static void
set_feature (FmNandBus *bus, guint8 addr, guint8 v)
{
  const guint8 p[4] = { v, 0, 0, 0 };

  fm_test_bus_cmd_addr (bus, 0xef, &addr, 1);
  fm_nand_bus_write_buf (bus, p, 4);
  fm_nand_bus_wait_ready (bus);
}

static guint8
erase (FmTestBus *f, guint32 block)
{
  guint8 addr[8];
  guint n = fm_test_bus_address (f->desc, block, 0, 0, addr);
  guint cols = fm_chip_desc_col_cycles (f->desc);

  fm_test_bus_cmd_addr (f->bus, 0x60, addr + cols, n - cols);
  fm_nand_bus_command (f->bus, 0xd0);
  fm_nand_bus_wait_ready (f->bus);
  return fm_test_bus_status (f->bus);
}

/* PT high: the part powers on with every block locked (A0h reads 38h, as
 * Linux checks before it installs lock/unlock); program and erase fail
 * and change nothing; after Linux's unlock (00h) they work; its lock (38h)
 * refuses them again. */
static void
test_macronix_pt_high (void)
{
  FmTestBus f;
  gsize len;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint8 s;

  bus_init_pt (&f, MXIC_CHIP, TRUE);
  len = f.desc->page_size + f.desc->oob_size;
  data = fm_test_pattern (len, 3);
  back = g_malloc (len);

  g_assert_cmphex (get_feature (f.bus, FM_MXIC_FEATURE_PROTECTION), ==, FM_MXIC_PROTECTION_ALL_LOCK);
  s = fm_test_bus_program (f.bus, f.desc, 5, 0, 0, data, len, 0x10);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  /* WP# is not what refuses it */
  g_assert_cmphex (s & FM_STATUS_WP_N, ==, FM_STATUS_WP_N);
  fm_test_bus_read (f.bus, f.desc, 5, 0, 0, back, len);
  g_assert_true (fm_test_all_ff (back, len));
  g_assert_cmphex (erase (&f, 5) & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);

  set_feature (f.bus, FM_MXIC_FEATURE_PROTECTION, FM_MXIC_PROTECTION_ALL_UNLOCK);
  g_assert_cmphex (get_feature (f.bus, FM_MXIC_FEATURE_PROTECTION), ==, FM_MXIC_PROTECTION_ALL_UNLOCK);
  s = fm_test_bus_program (f.bus, f.desc, 5, 0, 0, data, len, 0x10);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, 0);
  fm_test_bus_read (f.bus, f.desc, 5, 0, 0, back, len);
  g_assert_cmpmem (back, len, data, len);

  set_feature (f.bus, FM_MXIC_FEATURE_PROTECTION, FM_MXIC_PROTECTION_ALL_LOCK);
  g_assert_cmphex (get_feature (f.bus, FM_MXIC_FEATURE_PROTECTION), ==, FM_MXIC_PROTECTION_ALL_LOCK);
  g_assert_cmphex (erase (&f, 5) & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  fm_test_bus_read (f.bus, f.desc, 5, 0, 0, back, len);
  g_assert_cmpmem (back, len, data, len);
  /* RESET keeps the protection */
  fm_nand_bus_command (f.bus, 0xff);
  fm_nand_bus_wait_ready (f.bus);
  g_assert_cmphex (get_feature (f.bus, FM_MXIC_FEATURE_PROTECTION), ==, FM_MXIC_PROTECTION_ALL_LOCK);
  fm_test_bus_clear (&f);
}

/* PT low: A0h reads 00h, so Linux installs no lock/unlock; program and
 * erase work, and a SET FEATURES A0h 38h does not lock the part. */
static void
test_macronix_pt_low (void)
{
  FmTestBus f;
  gsize len;
  g_autofree guint8 *data = NULL;

  bus_init_pt (&f, MXIC_CHIP, FALSE);
  len = f.desc->page_size + f.desc->oob_size;
  data = fm_test_pattern (len, 4);
  g_assert_cmphex (get_feature (f.bus, FM_MXIC_FEATURE_PROTECTION), ==, FM_MXIC_PROTECTION_ALL_UNLOCK);
  set_feature (f.bus, FM_MXIC_FEATURE_PROTECTION, FM_MXIC_PROTECTION_ALL_LOCK);
  g_assert_cmphex (get_feature (f.bus, FM_MXIC_FEATURE_PROTECTION), ==, FM_MXIC_PROTECTION_ALL_UNLOCK);
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, 6, 0, 0, data, len, 0x10) & FM_STATUS_FAIL, ==, 0);
  g_assert_cmphex (erase (&f, 6) & FM_STATUS_FAIL, ==, 0);
  fm_test_bus_clear (&f);
}

/* A part without the feature has no PT pin, and A0h is nothing there. */
static void
test_pt_pin_refused_elsewhere (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-mt29f4g");
  FmNand *nand = fm_test_nand (d, 7, 0, FM_TIMING_VIRTUAL);

  g_assert_false (fm_nand_set_pt_pin (nand, TRUE, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "micron-mt29f4g"));
  fm_nand_free (nand);
}

/* The descriptor key needs GET/SET FEATURES, the way Linux reaches it. */
static void
test_descriptor_needs_features (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = fm_test_tiny_text_with ("commands", "optional", "optional=copyback");
  g_autofree gchar *no_features = fm_test_text_with (text, "onfi", "feature-addresses", "");
  g_autofree gchar *with = g_strconcat (no_features, "\n[macronix]\nblock-protection=true\n", NULL);
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (with, "tiny.ini", &error);

  g_assert_null (d);
  g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
  g_assert_nonnull (strstr (error->message, "[macronix] block-protection"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vendor-quirks/macronix/pt-high", test_macronix_pt_high);
  g_test_add_func ("/vendor-quirks/macronix/pt-low", test_macronix_pt_low);
  g_test_add_func ("/vendor-quirks/macronix/pt-pin-refused-elsewhere", test_pt_pin_refused_elsewhere);
  g_test_add_func ("/vendor-quirks/macronix/descriptor-needs-features", test_descriptor_needs_features);
  return g_test_run ();
}
