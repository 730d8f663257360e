/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Toshiba/Kioxia BENAND through the bus, as Linux's nand_toshiba.c drives
 * it: the ECC is on from power-on, a page read returns corrected data,
 * ECC STATUS READ (7Ah) then gives one byte per 512-byte sector (bits 3:0
 * the bits corrected, Fh uncorrectable), and the status register FAIL and
 * bit 3 "rewrite recommended". And what the descriptor loader accepts as
 * a BENAND part.
 */
#include "fm-test-util.h"
#include "fm-nand-vendor-toshiba.h"

#include <string.h>

#define CHIP "toshiba-tc58bvg0s3hta00"
#define PAGE 2048
#define SPARE 64
#define SECTORS (PAGE / 512)
#define BLOCK 5

typedef FmTestBus Fixture;

/* The part with the fault rules FAULTS (or none), on its bus. */
static void
fixture_init (Fixture *f, const gchar *faults)
{
  FmChipDesc *desc = fm_test_chip (CHIP);
  FmNand *nand = fm_test_nand (desc, 3, 0, FM_TIMING_VIRTUAL);

  if (faults)
    {
      g_autoptr (GError) error = NULL;
      FmFaultSet *set = fm_fault_set_parse (faults, &error);

      g_assert_no_error (error);
      fm_nand_set_faults (nand, set);
    }
  fm_test_bus_init (f, desc, nand);
}

#define fixture_clear fm_test_bus_clear

/* 7Ah and one byte per sector. */
static void
ecc_status_read (FmNandBus *bus, guint8 *out)
{
  fm_nand_bus_command (bus, FM_NAND_VENDOR_TOSHIBA_CMD_ECC_STATUS);
  fm_nand_bus_read_buf (bus, out, SECTORS);
}

static void
test_power_on (void)
{
  guint8 zero = 0, id[6];
  Fixture f;

  fixture_init (&f, NULL);
  g_assert_true (f.desc->on_die_ecc_benand);
  g_assert_true (fm_nand_on_die_ecc_enabled (f.nand));
  fm_test_bus_cmd_addr (f.bus, 0x90, &zero, 1);
  fm_nand_bus_read_buf (f.bus, id, sizeof id);
  /* What nand_toshiba.c reads: BENAND, 24 nm (8 bits per 512 bytes). */
  g_assert_cmphex (id[0], ==, 0x98);
  g_assert_cmphex (id[4] & 0x80, ==, 0x80);
  g_assert_cmphex (id[5] & 0x07, ==, 0x06);
  /* The layout Linux's large-page ooblayout gives with ecc.bytes = 0. */
  g_assert_cmpuint (f.desc->on_die_layout.n_ecc, ==, 0);
  g_assert_cmpuint (f.desc->on_die_layout.n_free, ==, 1);
  g_assert_cmpuint (f.desc->on_die_layout.free[0].offset, ==, 2);
  g_assert_cmpuint (f.desc->on_die_layout.free[0].length, ==, SPARE - 2);
  fixture_clear (&f);
}

/* Programs a pattern into page 0 of BLOCK with FAULTS flipping bits on
 * reads, reads it back; returns the status, the 7Ah bytes in ECC. */
static guint8
program_and_read (const gchar *faults, guint8 *page, guint8 *back, guint8 *ecc)
{
  g_autofree guint8 *pattern = fm_test_pattern (PAGE + SPARE, 9);
  guint8 status;
  Fixture f;

  fixture_init (&f, faults);
  memcpy (page, pattern, PAGE + SPARE);
  memset (page + PAGE, 0xff, 2); /* keep the bad block marker */
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, BLOCK, 0, 0, page, PAGE + SPARE, 0x10) & 0x01, ==, 0);
  status = fm_test_bus_read (f.bus, f.desc, BLOCK, 0, 0, back, PAGE + SPARE);
  ecc_status_read (f.bus, ecc);
  fixture_clear (&f);
  return status;
}

static void
test_clean_page (void)
{
  guint8 page[PAGE + SPARE], back[PAGE + SPARE], ecc[SECTORS];
  guint8 status = program_and_read (NULL, page, back, ecc);

  g_assert_cmphex (status & 0x09, ==, 0);
  g_assert_cmpmem (back, sizeof back, page, sizeof page);
  for (guint s = 0; s < SECTORS; s++)
    g_assert_cmphex (ecc[s] & 0x0f, ==, 0);
}

/* K flips in sector S: K of its data bits, one of them (when K > 1) in the
 * sector's 16-byte spare section, which its code covers too. */
static gchar *
flips_in_sector (guint s, guint k)
{
  GString *rules = g_string_new (NULL);

  for (guint i = 0; i < k; i++)
    {
      guint byte = i == 1 ? PAGE + 16 * s + 7 : 512 * s + 37 * i + 5;

      g_string_append_printf (rules, "bitflip block=%u page=0 byte=%u bit=%u always;", BLOCK, byte, i % 8);
    }
  return g_string_free (rules, FALSE);
}

static void
test_corrected_flips (void)
{
  for (guint s = 0; s < SECTORS; s++)
    for (guint k = 1; k <= 8; k++)
      {
        g_autofree gchar *rules = flips_in_sector (s, k);
        guint8 page[PAGE + SPARE], back[PAGE + SPARE], ecc[SECTORS];
        guint8 status = program_and_read (rules, page, back, ecc);

        g_assert_cmpmem (back, sizeof back, page, sizeof page);
        for (guint t = 0; t < SECTORS; t++)
          g_assert_cmphex (ecc[t] & 0x0f, ==, t == s ? k : 0);
        g_assert_cmphex (status & 0x01, ==, 0);
        /* rewrite-recommended-bits=6 in the descriptor */
        g_assert_cmphex (status & 0x08, ==, k >= 6 ? 0x08 : 0);
      }
}

static void
test_uncorrectable (void)
{
  g_autofree gchar *rules = flips_in_sector (2, 9);
  guint8 page[PAGE + SPARE], back[PAGE + SPARE], ecc[SECTORS];
  guint8 status = program_and_read (rules, page, back, ecc);

  g_assert_cmphex (status & 0x01, ==, 0x01);
  for (guint t = 0; t < SECTORS; t++)
    g_assert_cmphex (ecc[t] & 0x0f, ==, t == 2 ? 0x0f : 0);
  /* The sector comes back as read: with its flips. */
  g_assert_cmphex (back[512 * 2 + 5], ==, page[512 * 2 + 5] ^ 0x01);
  g_assert_cmpmem (back, 512 * 2, page, 512 * 2);
}

/* Nothing switches the ECC off: SET FEATURES is not even a command of
 * the part, and the page API's switch is the only way (muse-chip's raw
 * access). */
static void
test_always_on (void)
{
  guint8 addr = 0x00, params[4] = { 0 };
  Fixture f;

  fixture_init (&f, NULL);
  fm_test_bus_cmd_addr (f.bus, 0xef, &addr, 1);
  fm_nand_bus_write_buf (f.bus, params, 4);
  fm_nand_bus_wait_ready (f.bus);
  g_assert_true (fm_nand_on_die_ecc_enabled (f.nand));
  fixture_clear (&f);
}

/* TEXT with its one OLD replaced by NEW. */
static gchar *
replace_once (const gchar *text, const gchar *old, const gchar *new)
{
  g_auto (GStrv) parts = g_strsplit (text, old, 2);

  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  return g_strjoinv (new, parts);
}

/* The shipped descriptor with OLD replaced by NEW (and OLD2 by NEW2 when
 * not NULL) must fail naming KEY of GROUP. */
static void
check_refused (const gchar *old, const gchar *new, const gchar *old2, const gchar *new2,
               const gchar *group, const gchar *key)
{
  g_autofree gchar *path = g_build_filename (g_getenv ("FLASHMODEL_CHIPS_DIR"), CHIP ".ini", NULL);
  g_autofree gchar *text = NULL;
  g_autofree gchar *changed = NULL;
  g_autofree gchar *changed2 = NULL;
  g_autofree gchar *expect = g_strdup_printf ("benand.ini: [%s] %s: ", group, key);
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  changed = replace_once (text, old, new);
  if (old2)
    changed2 = replace_once (changed, old2, new2);
  d = fm_chip_desc_load_data (changed2 ? changed2 : changed, "benand.ini", &error);
  g_assert_null (d);
  g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, expect));
}

static void
test_descriptor_rules (void)
{
  /* Byte 4 bit 7 clear, or not Toshiba's: not what Linux calls BENAND. */
  check_refused ("bytes=98;f1;80;15;f2;16", "bytes=98;f1;80;15;72;16", NULL, NULL, "id", "bytes");
  check_refused ("bytes=98;f1;80;15;f2;16", "bytes=2c;f1;80;15;f2;16", NULL, NULL, "id", "bytes");
  check_refused ("strength=8", "strength=4", "rewrite-recommended-bits=6", "rewrite-recommended-bits=1",
                 "on-die-ecc", "benand");
  check_refused ("type=nand-slc", "type=nand-mlc", "[on-die-ecc]", "[mlc]\npairing=dist3\n[on-die-ecc]",
                 "on-die-ecc", "benand");
  check_refused ("benand=true", "benand=true\nfeature-address=0x90", NULL, NULL, "on-die-ecc", "feature-address");
  check_refused ("benand=true", "benand=true\nfree-regions=2+62", NULL, NULL, "on-die-ecc", "free-regions");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/benand/power-on", test_power_on);
  g_test_add_func ("/benand/clean-page", test_clean_page);
  g_test_add_func ("/benand/corrected-flips", test_corrected_flips);
  g_test_add_func ("/benand/uncorrectable", test_uncorrectable);
  g_test_add_func ("/benand/always-on", test_always_on);
  g_test_add_func ("/benand/descriptor-rules", test_descriptor_rules);
  return g_test_run ();
}
