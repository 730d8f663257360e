/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * On-die ECC as Micron parts have it: switched by SET FEATURES 90h, shown
 * in READ ID byte 4, parity stored by the chip, corrections reported in
 * the status register; through the bus, the page API and the host layer.
 */
#include "fm-test-util.h"

#include <string.h>

#define PAGE 2048
#define SPARE 64

typedef FmTestBus Fixture;

/* DESC's chip with the fault rules FAULTS (or none), on its bus. */
static void
fixture_init (Fixture *f, FmChipDesc *desc, const gchar *faults)
{
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

static void
set_feature (FmNandBus *bus, guint8 addr, guint8 p1)
{
  guint8 params[4] = { p1, 0, 0, 0 };

  fm_test_bus_cmd_addr (bus, 0xef, &addr, 1);
  fm_nand_bus_write_buf (bus, params, 4);
  fm_nand_bus_wait_ready (bus);
}

static guint8
get_feature (FmNandBus *bus, guint8 addr)
{
  guint8 params[4];

  fm_test_bus_cmd_addr (bus, 0xee, &addr, 1);
  fm_nand_bus_wait_ready (bus);
  fm_nand_bus_read_buf (bus, params, 4);
  return params[0];
}

static guint8
read_id_byte (FmNandBus *bus, guint i)
{
  guint8 id[8], zero = 0;

  fm_test_bus_cmd_addr (bus, 0x90, &zero, 1);
  fm_nand_bus_read_buf (bus, id, i + 1);
  return id[i];
}

/* Linux's micron_supports_on_die_ecc(): byte 4 says "internal ECC", the
 * feature turns it on and off, READ ID byte 4 bit 7 follows. */
static void
test_detection_as_linux_does (void)
{
  Fixture f;

  fixture_init (&f, fm_test_chip ("micron-mt29f4g"), NULL);
  g_assert_cmphex (read_id_byte (f.bus, 4) & 0x03, ==, 0x02);
  g_assert_cmphex (read_id_byte (f.bus, 4) & 0x80, ==, 0);
  set_feature (f.bus, 0x90, 0x08);
  g_assert_true (fm_nand_on_die_ecc_enabled (f.nand));
  g_assert_cmphex (read_id_byte (f.bus, 4) & 0x80, ==, 0x80);
  g_assert_cmphex (get_feature (f.bus, 0x90), ==, 0x08);
  set_feature (f.bus, 0x90, 0x00);
  g_assert_false (fm_nand_on_die_ecc_enabled (f.nand));
  g_assert_cmphex (read_id_byte (f.bus, 4), ==, f.desc->id[4]);
  /* The page API switches the same state the bus reports. */
  g_assert_true (fm_nand_set_on_die_ecc (f.nand, TRUE, NULL));
  g_assert_cmphex (get_feature (f.bus, 0x90), ==, 0x08);
  fixture_clear (&f);
}

static void
test_parts_without_it_refuse (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("samsung-k9f2g08");
  g_autoptr (FmNand) nand = fm_test_nand (d, 1, 0, FM_TIMING_NONE);
  g_autoptr (GError) error = NULL;

  g_assert_false (fm_nand_set_on_die_ecc (nand, TRUE, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED);
  g_assert_true (fm_nand_set_on_die_ecc (nand, FALSE, NULL));
}

/* Flips NFLIPS bits of sector 0 (data) and one in its covered spare byte 4
 * when COVERED, with the chip's ECC on: up to 4 are corrected and bit 3 of
 * the status says "rewrite recommended"; 5 leave FAIL set. */
static void
check_flips (guint nflips, gboolean covered)
{
  g_autoptr (GString) rules = g_string_new (NULL);
  g_autofree guint8 *page = fm_test_pattern (PAGE + SPARE, 9);
  g_autofree guint8 *back = g_malloc (PAGE + SPARE);
  guint data_flips = covered ? nflips - 1 : nflips;
  guint8 status;
  Fixture f;

  for (guint i = 0; i < data_flips; i++)
    g_string_append_printf (rules, "bitflip block=5 page=0 byte=%u bit=%u always;", 40 * i + 3, i % 8);
  if (covered)
    g_string_append_printf (rules, "bitflip block=5 page=0 byte=%u bit=6 always;", PAGE + 5);
  fixture_init (&f, fm_test_chip ("micron-mt29f4g"), rules->str);
  memset (page + PAGE, 0xff, 2); /* keep the bad block marker */
  set_feature (f.bus, 0x90, 0x08);
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, 5, 0, 0, page, PAGE + SPARE, 0x10) & 0x01, ==, 0);

  status = fm_test_bus_read (f.bus, f.desc, 5, 0, 0, back, PAGE + SPARE);
  if (nflips <= 4)
    {
      g_assert_cmphex (status & 0x01, ==, 0);
      g_assert_cmphex (status & 0x08, ==, nflips ? 0x08 : 0);
      g_assert_cmpmem (back, PAGE, page, PAGE);
      /* Covered spare bytes come back corrected; parity was the chip's. */
      for (guint s = 0; s < 4; s++)
        g_assert_cmpmem (back + PAGE + 16 * s + 2, 6, page + PAGE + 16 * s + 2, 6);
      g_assert_cmpuint (fm_nand_last_on_die_ecc (f.nand)->corrected, ==, nflips);
    }
  else
    {
      g_assert_cmphex (status & 0x01, ==, 0x01);
      g_assert_cmpuint (fm_nand_last_on_die_ecc (f.nand)->failed, ==, 1);
    }
  g_assert_cmpuint (fm_image_block (fm_nand_image (f.nand), 5)->ecc_corrected, ==, nflips <= 4 ? nflips : 0);

  /* With the ECC off the raw flips show, and the parity is stored. */
  set_feature (f.bus, 0x90, 0x00);
  status = fm_test_bus_read (f.bus, f.desc, 5, 0, 0, back, PAGE + SPARE);
  g_assert_cmphex (status & 0x09, ==, 0);
  if (data_flips)
    g_assert_cmphex (back[3], !=, page[3]);
  g_assert_false (back[PAGE + 8] == 0xff && back[PAGE + 9] == 0xff && back[PAGE + 10] == 0xff);
  fixture_clear (&f);
}

static void
test_correction_and_status (void)
{
  check_flips (0, FALSE);
  check_flips (1, FALSE);
  check_flips (3, TRUE);
  check_flips (4, FALSE);
  check_flips (4, TRUE);
  check_flips (5, FALSE);
}

/* An erased page reads as all ones with the ECC on, flips corrected. */
static void
test_erased_page (void)
{
  g_autofree guint8 *back = g_malloc (PAGE + SPARE);
  Fixture f;

  fixture_init (&f, fm_test_chip ("micron-mt29f4g"), "bitflip block=6 page=3 byte=100 bit=2");
  set_feature (f.bus, 0x90, 0x08);
  g_assert_cmphex (fm_test_bus_read (f.bus, f.desc, 6, 3, 0, back, PAGE + SPARE) & 0x09, ==, 0x08);
  for (guint i = 0; i < PAGE + SPARE; i++)
    g_assert_cmphex (back[i], ==, 0xff);
  fixture_clear (&f);
}

/* The descriptor's tR-ECC is what a read costs while the ECC is on. */
static void
test_read_time (void)
{
  g_autofree guint8 *back = g_malloc (16);
  Fixture f;
  guint64 start, plain, with_ecc;

  fixture_init (&f, fm_test_chip ("micron-mt29f4g"), NULL);
  start = fm_clock_now (fm_nand_clock (f.nand));
  fm_test_bus_read (f.bus, f.desc, 1, 0, 0, back, 16);
  plain = fm_clock_now (fm_nand_clock (f.nand)) - start;
  set_feature (f.bus, 0x90, 0x08);
  start = fm_clock_now (fm_nand_clock (f.nand));
  fm_test_bus_read (f.bus, f.desc, 1, 0, 0, back, 16);
  with_ecc = fm_clock_now (fm_nand_clock (f.nand)) - start;
  g_assert_cmpuint (plain, >=, f.desc->t_r.typ_ns);
  g_assert_cmpuint (with_ecc, >=, f.desc->t_r_ecc.typ_ns);
  /* The same bus cycles either way: the difference is tR-ECC - tR. */
  g_assert_cmpuint (with_ecc - plain, ==, f.desc->t_r_ecc.typ_ns - f.desc->t_r.typ_ns);
  fixture_clear (&f);
}

/* An 8-bit part reports ranges of corrected bits in status bits 4 and 3. */
static void
test_eight_bit_status (void)
{
  static const struct { guint flips; guint8 status; } cases[] = {
    { 0, 0x00 }, { 2, 0x10 }, { 3, 0x10 }, { 5, 0x08 }, { 8, 0x18 }, { 9, 0x01 },
  };
  g_autofree gchar *t1 = fm_test_tiny_text_with ("geometry", "oob-size", "oob-size=128");
  g_autofree gchar *t2 = NULL, *t3 = NULL, *t4 = NULL;

  /* Give the tiny part an 8-bit on-die ECC and the feature it needs. */
  {
    g_auto (GStrv) lines = g_strsplit (t1, "feature-addresses=0x80;0x81", 2);

    t2 = g_strjoinv ("feature-addresses=0x80;0x81;0x90", lines);
  }
  {
    g_auto (GStrv) lines = g_strsplit (t2, "tR-max-us=25\n", 2);

    t3 = g_strjoinv ("tR-max-us=25\ntR-ECC-typ-us=60\ntR-ECC-max-us=70\n", lines);
  }
  t4 = g_strconcat (t3, "[on-die-ecc]\nstrength=8\n", NULL);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GString) rules = g_string_new (NULL);
      FmChipDesc *d = fm_chip_desc_load_data (t4, "tiny-8bit", &error);
      g_autofree guint8 *page = fm_test_pattern (PAGE + 128, c);
      g_autofree guint8 *back = g_malloc (PAGE + 128);
      Fixture f;

      g_assert_no_error (error);
      for (guint i = 0; i < cases[c].flips; i++)
        g_string_append_printf (rules, "bitflip block=2 page=0 byte=%u bit=1 always;", 600 + 17 * i);
      fixture_init (&f, d, rules->len ? rules->str : NULL);
      memset (page + PAGE, 0xff, 2);
      set_feature (f.bus, 0x90, 0x08);
      fm_test_bus_program (f.bus, d, 2, 0, 0, page, PAGE + 128, 0x10);
      g_assert_cmphex (fm_test_bus_read (f.bus, d, 2, 0, 0, back, PAGE + 128) & 0x19, ==, cases[c].status);
      if (cases[c].flips <= 8)
        g_assert_cmpmem (back, PAGE, page, PAGE);
      fixture_clear (&f);
    }
}

/* muse-chip --ecc on-die: the host layer uses the chip's ECC and its spare
 * layout, reports what it corrected, and raw access sees the raw page. */
static void
test_host_on_die (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-mt29f4g");
  FmNand *nand = fm_test_nand (d, 4, 0, FM_TIMING_NONE);
  g_autoptr (FmNandHost) host = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *data = fm_test_pattern (PAGE, 11);
  g_autofree guint8 *back = g_malloc (PAGE);
  guint8 oob[24], oob_back[24];
  FmHostReadResult r;

  fm_nand_set_faults (nand, fm_fault_set_parse ("bitflip block=7 page=1 byte=1000 bit=4 always;"
                                                "bitflip block=7 page=1 byte=1001 bit=4 always", NULL));
  g_assert_true (fm_nand_set_on_die_ecc (nand, TRUE, NULL));
  host = fm_nand_host_new (nand, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fm_nand_host_oob_avail (host), ==, 24);
  g_assert_cmpuint (fm_nand_host_ecc_strength (host), ==, 4);
  g_assert_cmpstr (fm_nand_host_ecc_name (host), ==, "on-die-4/512");
  for (guint i = 0; i < sizeof oob; i++)
    oob[i] = 0x30 + i;
  g_assert_true (fm_nand_host_write (host, (7 * 64 + 1) * PAGE, PAGE, data, 0, sizeof oob, oob,
                                     FM_HOST_OOB_AUTO, FALSE, &error));
  g_assert_true (fm_nand_host_read (host, (7 * 64 + 1) * PAGE, PAGE, back, 0, sizeof oob_back, oob_back,
                                    FM_HOST_OOB_AUTO, FALSE, &r, &error));
  g_assert_cmpmem (back, PAGE, data, PAGE);
  g_assert_cmpmem (oob_back, sizeof oob, oob, sizeof oob);
  g_assert_cmpuint (r.corrected, ==, 2);
  g_assert_cmpuint (r.max_bitflips, ==, 2);
  g_assert_cmpuint (r.failed, ==, 0);
  /* Raw: the flips are there, and the chip's ECC is back on after. */
  g_assert_true (fm_nand_host_read (host, (7 * 64 + 1) * PAGE, PAGE, back, 0, 0, NULL,
                                    FM_HOST_OOB_PLACE, TRUE, &r, &error));
  g_assert_cmphex (back[1000], ==, data[1000] ^ 0x10);
  g_assert_true (fm_nand_on_die_ecc_enabled (nand));
  g_assert_cmpuint (fm_nand_stats (nand)->ecc_corrected, ==, 2);
  g_clear_pointer (&host, fm_nand_host_free);

  /* A host engine on top of the chip's ECC would have its bytes
   * overwritten by the chip's parity: refused. */
  host = fm_nand_host_new (nand, fm_ecc_new_bch (512, 4, 0, NULL), &error);
  g_assert_null (host);
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED);
  fm_nand_free (nand);
}

/* A 1-bit code (Winbond W25N01GV) corrects every single error and reports
 * every double error in a sector uncorrectable, leaving the data as read,
 * as the datasheet's ECC-1:0 = 10 says; never a wrong "correction". */
static void
test_one_bit_detects_double_errors (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("winbond-w25n01gv");
  g_autoptr (FmOnDieEcc) ecc = fm_on_die_ecc_new (d);
  gsize len = d->page_size + d->oob_size;
  g_autofree guint8 *page = fm_test_pattern (len, 4);
  g_autofree guint8 *read = g_malloc (len);
  g_autoptr (GRand) rand = g_rand_new_with_seed (19);
  FmOnDieEccResult r;

  fm_on_die_ecc_encode (ecc, page);
  for (guint trial = 0; trial < 2000; trial++)
    {
      /* Two different bits of sector 1's data or of its protected spare. */
      guint a = g_rand_int_range (rand, 0, 8 * 512);
      guint b = (a + g_rand_int_range (rand, 1, 8 * 512)) % (8 * 512);

      memcpy (read, page, len);
      read[512 + a / 8] ^= 1u << (a % 8);
      fm_on_die_ecc_correct (ecc, read, &r);
      g_assert_cmpuint (r.failed, ==, 0);
      g_assert_cmpuint (r.corrected, ==, 1);
      g_assert_cmpmem (read, len, page, len);

      read[512 + a / 8] ^= 1u << (a % 8);
      read[512 + b / 8] ^= 1u << (b % 8);
      fm_on_die_ecc_correct (ecc, read, &r);
      g_assert_cmpuint (r.failed, ==, 1);
      g_assert_cmpuint (r.corrected, ==, 0);
      read[512 + a / 8] ^= 1u << (a % 8);
      read[512 + b / 8] ^= 1u << (b % 8);
      g_assert_cmpmem (read, len, page, len);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/on-die-ecc/detection", test_detection_as_linux_does);
  g_test_add_func ("/on-die-ecc/unsupported", test_parts_without_it_refuse);
  g_test_add_func ("/on-die-ecc/correction-status", test_correction_and_status);
  g_test_add_func ("/on-die-ecc/erased-page", test_erased_page);
  g_test_add_func ("/on-die-ecc/read-time", test_read_time);
  g_test_add_func ("/on-die-ecc/eight-bit-status", test_eight_bit_status);
  g_test_add_func ("/on-die-ecc/host", test_host_on_die);
  g_test_add_func ("/on-die-ecc/one-bit-detects-double-errors", test_one_bit_detects_double_errors);
  return g_test_run ();
}
