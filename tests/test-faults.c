/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fault language, and every fault kind's effect on the NAND model. */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static FmFaultSet *
parse_ok (const gchar *spec)
{
  g_autoptr (GError) error = NULL;
  FmFaultSet *set = fm_fault_set_parse (spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (set);
  return set;
}

static void
test_parse_every_kind (void)
{
  g_autoptr (FmFaultSet) set = parse_ok (
    "bitflip block=3 page=2 byte=10 bit=7 always\n"
    "bitflip block=3 page=4 count=5   # random bits, once\n"
    "stuck block=1 page=0 byte=0 bit=0 value=0; program-fail block=any nth=3\n"
    "erase-fail block=9 probability=0.25\n"
    "grown-bad block=5 at-erase=100\n"
    "read-only from-op=10 to-op=20\n"
    "read-only from-us=1.5\n"
    "latency op=erase extra-us=2500 block=4\n");
  FmFault *f;

  g_assert_cmpuint (fm_fault_set_len (set), ==, 9);
  f = fm_fault_set_get (set, 0);
  g_assert_cmpint (f->kind, ==, FM_FAULT_BITFLIP);
  g_assert_cmpuint (f->block, ==, 3);
  g_assert_cmpuint (f->page, ==, 2);
  g_assert_cmpuint (f->byte, ==, 10);
  g_assert_cmpuint (f->bit, ==, 7);
  g_assert_true (f->always);
  f = fm_fault_set_get (set, 1);
  g_assert_cmpuint (f->byte, ==, FM_FAULT_ANY);
  g_assert_cmpuint (f->count, ==, 5);
  g_assert_false (f->always);
  g_assert_cmpstr (f->text, ==, "bitflip block=3 page=4 count=5");
  f = fm_fault_set_get (set, 3);
  g_assert_cmpint (f->kind, ==, FM_FAULT_PROGRAM_FAIL);
  g_assert_cmpuint (f->block, ==, FM_FAULT_ANY);
  g_assert_cmpuint (f->nth, ==, 3);
  f = fm_fault_set_get (set, 4);
  g_assert_cmpfloat (f->probability, ==, 0.25);
  f = fm_fault_set_get (set, 6);
  g_assert_false (f->window_in_time);
  g_assert_cmpuint (f->from, ==, 10);
  g_assert_cmpuint (f->to, ==, 20);
  f = fm_fault_set_get (set, 7);
  g_assert_true (f->window_in_time);
  g_assert_cmpuint (f->from, ==, 1500);
  g_assert_cmpuint (f->to, ==, G_MAXUINT64);
  f = fm_fault_set_get (set, 8);
  g_assert_cmpuint (f->ops, ==, FM_FAULT_OP_ERASE);
  g_assert_cmpuint (f->extra_ns, ==, 2500000);
}

static void
test_parse_from_file (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("fm-faults-XXXXXX", NULL);
  g_autofree gchar *path = g_build_filename (dir, "faults", NULL);
  g_autofree gchar *spec = g_strconcat ("@", path, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (FmFaultSet) set = NULL;

  g_assert_true (g_file_set_contents (path, "# two faults\nerase-fail block=1\n\nprogram-fail block=2\n", -1, NULL));
  set = parse_ok (spec);
  g_assert_cmpuint (fm_fault_set_len (set), ==, 2);
  g_remove (path);
  g_assert_null (fm_fault_set_parse (spec, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_rmdir (dir);
}

static void
test_parse_errors (void)
{
  static const struct { const gchar *spec; const gchar *says; } bad[] = {
    { "explode block=1", "unknown fault 'explode'" },
    { "bitflip block=1", "needs block= and page=" },
    { "bitflip block=1 page=2 byte=3", "byte= and bit= go together" },
    { "bitflip block=1 page=2 bit=9 byte=0", "bit='9'" },
    { "bitflip block=1 page=2 byte=0 bit=1 count=2", "exclude each other" },
    { "bitflip block=any page=2", "not 'any'" },
    { "stuck block=1 page=2 byte=3 bit=1", "needs byte=, bit= and value=" },
    { "stuck block=1 page=2 byte=3 bit=1 value=2", "value='2'" },
    { "program-fail nth=2", "needs block=" },
    { "program-fail block=1 nth=0", "nth counts from 1" },
    { "program-fail block=1 nth=2 probability=0.5", "exclude each other" },
    { "erase-fail block=1 probability=1.5", "probability='1.5'" },
    { "erase-fail block=1 page=3", "'page' is not a word of erase-fail" },
    { "grown-bad block=1", "needs block=N and at-erase=N" },
    { "read-only", "needs a window" },
    { "read-only from-op=5 to-op=2", "ends before it starts" },
    { "read-only from-op=1 from-us=1", "needs a window" },
    { "latency op=read", "needs extra-us=" },
    { "latency op=scrub extra-us=1", "op='scrub'" },
    { "latency extra-us=-3", "extra-us='-3'" },
    { "erase-fail block=1 block=2", "given twice" },
    { "erase-fail block=x", "block='x'" },
    { "erase-fail block", "needs a value" },
    { "bitflip block=1 page=1 always=yes", "takes no value" },
    /* Numbers out of their field's range are refused, never cut to fit
     * (byte=4294967296 was byte 0) or clamped (at-erase). */
    { "bitflip block=1 page=2 byte=4294967296 bit=0", "byte='4294967296' is not an integer in [0, 4294967294]" },
    { "stuck block=1 page=2 byte=4294967295 bit=0 value=1", "byte='4294967295' is not an integer" },
    { "grown-bad block=1 at-erase=4294967296", "at-erase='4294967296' is not an integer in [0, 4294967295]" },
    { "bitflip block=1 page=2 count=0", "count counts from 1" },
    { "bitflip block=1 page=2 count=100001", "count='100001'" },
    { "erase-fail block=4294967295", "block='4294967295' is not an integer in [0, 4294967294]" },
    { "program-fail block=1 page=18446744073709551616", "page='18446744073709551616'" },
    { "powercut at-op=18446744073709551615", "at-op='18446744073709551615'" },
    { "wear cycles=5", "needs block= (a number or 'any') and cycles=N" },
    { "wear block=1", "needs block= (a number or 'any') and cycles=N" },
    { "wear block=1 cycles=4294967296", "cycles='4294967296' is not an integer in [0, 1000000000]" },
    { "wear block=1 cycles=1000000001", "cycles='1000000001' is not an integer in [0, 1000000000]" },
    { "wear block=1 cycles=-1", "cycles='-1' is not a non-negative integer" },
    { "age hours=5", "needs hours=H and on-erase=B" },
    { "age on-erase=3", "needs hours=H and on-erase=B" },
    { "age hours=0 on-erase=3", "hours='0' is not a number of hours in (0, 1e+06]" },
    { "age hours=1000001 on-erase=3", "hours='1000001'" },
    { "age hours=nan on-erase=3", "hours='nan'" },
    { "age hours=2h on-erase=3", "hours='2h'" },
    { "age hours=1 celsius=900 on-erase=3", "celsius='900' is not a temperature in [-60, 300]" },
    { "age hours=1 celsius=-300 on-erase=3", "celsius='-300'" },
    { "age hours=1 on-erase=any", "on-erase='any' is not a non-negative integer" },
    { "age hours=1 block=2 on-erase=3", "'block' is not a word of age" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree gchar *spec = g_strconcat ("program-fail block=0\n", bad[i].spec, NULL);

      g_assert_null (fm_fault_set_parse (spec, &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
      g_test_message ("%s", error->message);
      /* The message names the rule and what is wrong with it. */
      g_assert_nonnull (strstr (error->message, bad[i].spec));
      g_assert_nonnull (strstr (error->message, bad[i].says));
    }
}

/* Rules beyond the chip would never fire: a frontend that knows its
 * chip refuses them. */
static void
test_check_chip (void)
{
  static const struct { const gchar *spec; const gchar *says; } cases[] = {
    { "erase-fail block=64", "fault 'erase-fail block=64': block=64 is beyond chip 'test-tiny' (64 blocks)" },
    { "program-fail block=any page=8", "page=8 is beyond chip 'test-tiny' (8 pages per block)" },
    { "stuck block=1 page=2 byte=2112 bit=0 value=1",
      "byte=2112 is beyond chip 'test-tiny' (2112 bytes per page with its spare area)" },
    { "grown-bad block=100000 at-erase=1", "block=100000 is beyond" },
    { "wear block=64 cycles=1", "block=64 is beyond chip 'test-tiny' (64 blocks)" },
    { "wear block=any cycles=1000001",
      "fault 'wear block=any cycles=1000001': cycles=1000001 is beyond 10 times the rated "
      "P/E cycles of chip 'test-tiny' (100000)" },
    { "age hours=1 on-erase=64", "fault 'age hours=1 on-erase=64': on-erase=64 is beyond chip 'test-tiny'" },
  };
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (FmFaultSet) inside = fm_fault_set_parse ("erase-fail block=63; program-fail block=any page=7;"
                                                      "bitflip block=0 page=0 byte=2111 bit=7; latency extra-us=1;"
                                                      "wear block=any cycles=1000000; age hours=1 on-erase=63",
                                                      &error);

  g_assert_no_error (error);
  g_assert_true (fm_fault_set_check_chip (inside, desc, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (FmFaultSet) set = fm_fault_set_parse (cases[i].spec, &error);

      g_assert_no_error (error);
      g_assert_false (fm_fault_set_check_chip (set, desc, &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].says));
      g_clear_error (&error);
    }
}

/* ---- effects on the model ------------------------------------------------ */

typedef struct {
  FmChipDesc *desc;
  FmNand *nand;
  gsize n;
  guint8 *data, *back;
} Chip;

static void
chip_init (Chip *c, const gchar *faults, FmTimingMode timing)
{
  c->desc = fm_test_tiny_desc (NULL);
  c->nand = fm_test_nand (c->desc, 3, 0, timing);
  c->n = c->desc->page_size + c->desc->oob_size;
  c->data = fm_test_pattern (c->n, 1);
  c->back = g_malloc (c->n);
  if (faults)
    fm_nand_set_faults (c->nand, parse_ok (faults));
}

static void
chip_clear (Chip *c)
{
  fm_nand_free (c->nand);
  fm_chip_desc_free (c->desc);
  g_free (c->data);
  g_free (c->back);
}

static guint
bits_differ (const guint8 *a, const guint8 *b, gsize n)
{
  guint d = 0;

  for (gsize i = 0; i < n; i++)
    d += __builtin_popcount (a[i] ^ b[i]);
  return d;
}

static void
test_bitflip_once_and_always (void)
{
  Chip c;
  FmFault *once, *always;

  chip_init (&c, "bitflip block=2 page=1 count=3\nbitflip block=2 page=2 byte=100 bit=5 always",
             FM_TIMING_NONE);
  once = fm_fault_set_get (fm_nand_faults (c.nand), 0);
  always = fm_fault_set_get (fm_nand_faults (c.nand), 1);
  g_assert_true (fm_nand_program_page (c.nand, 2, 1, c.data, NULL));
  g_assert_true (fm_nand_program_page (c.nand, 2, 2, c.data, NULL));

  g_assert_true (fm_nand_read_page (c.nand, 2, 1, c.back, NULL));
  g_assert_cmpuint (bits_differ (c.back, c.data, c.n), ==, 3);
  g_assert_true (fm_nand_read_page (c.nand, 2, 1, c.back, NULL));
  g_assert_cmpuint (bits_differ (c.back, c.data, c.n), ==, 0); /* once */
  g_assert_cmpuint (once->fired, ==, 1);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (fm_nand_read_page (c.nand, 2, 2, c.back, NULL));
      g_assert_cmphex (c.back[100] ^ c.data[100], ==, 1u << 5);
      g_assert_cmpuint (bits_differ (c.back, c.data, c.n), ==, 1);
    }
  g_assert_cmpuint (always->fired, ==, 3);
  /* Flips are injected on read, never stored. */
  g_assert_cmpmem (fm_image_page (fm_nand_image (c.nand), 2 * c.desc->pages_per_block + 2), c.n,
                   c.data, c.n);
  g_assert_cmpuint (fm_nand_stats (c.nand)->bitflips_injected, ==, 6);
  g_assert_cmpuint (fm_image_block (fm_nand_image (c.nand), 2)->bitflips, ==, 6);
  chip_clear (&c);
}

static void
test_stuck_bit (void)
{
  Chip c;

  chip_init (&c, "stuck block=4 page=0 byte=7 bit=3 value=0", FM_TIMING_NONE);
  /* Stuck at 0 even on an erased page, and whatever is programmed. */
  g_assert_true (fm_nand_read_page (c.nand, 4, 0, c.back, NULL));
  g_assert_cmphex (c.back[7], ==, 0xf7);
  c.data[7] = 0xff;
  g_assert_true (fm_nand_program_page (c.nand, 4, 0, c.data, NULL));
  g_assert_true (fm_nand_read_page (c.nand, 4, 0, c.back, NULL));
  g_assert_cmphex (c.back[7], ==, 0xf7);
  g_assert_true (fm_nand_erase_block (c.nand, 4, NULL));
  g_assert_true (fm_nand_read_page (c.nand, 4, 0, c.back, NULL));
  g_assert_cmphex (c.back[7], ==, 0xf7);
  g_assert_cmpuint (fm_fault_set_get (fm_nand_faults (c.nand), 0)->fired, ==, 3);
  chip_clear (&c);
}

static void
test_program_fail_nth (void)
{
  Chip c;
  g_autoptr (GError) error = NULL;

  chip_init (&c, "program-fail block=6 nth=2", FM_TIMING_NONE);
  g_assert_true (fm_nand_program_page (c.nand, 6, 0, c.data, NULL));
  g_assert_false (fm_nand_program_page (c.nand, 6, 1, c.data, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED);
  g_assert_nonnull (strstr (error->message, "injected"));
  g_assert_true (fm_nand_program_page (c.nand, 6, 2, c.data, NULL));
  g_assert_true (fm_nand_program_page (c.nand, 7, 0, c.data, NULL)); /* other block */
  g_assert_cmpuint (fm_fault_set_get (fm_nand_faults (c.nand), 0)->fired, ==, 1);
  g_assert_cmpuint (fm_fault_set_get (fm_nand_faults (c.nand), 0)->matched, ==, 3);
  g_assert_cmpuint (fm_image_block (fm_nand_image (c.nand), 6)->faults, ==, 1);
  chip_clear (&c);
}

static guint
erase_failures_with_probability (guint64 seed)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (desc, seed, 0, FM_TIMING_NONE);
  guint failures = 0;

  fm_nand_set_faults (nand, parse_ok ("erase-fail block=any probability=0.2"));
  for (guint i = 0; i < 1000; i++)
    if (!fm_nand_erase_block (nand, i % 64, NULL))
      failures++;
  g_assert_cmpuint (fm_fault_set_get (fm_nand_faults (nand), 0)->fired, ==, failures);
  return failures;
}

static void
test_erase_fail_probability (void)
{
  guint a = erase_failures_with_probability (11);

  /* 1000 trials at p = 0.2: mean 200, sd 12.6; 6 sd either side. */
  g_assert_cmpuint (a, >, 124);
  g_assert_cmpuint (a, <, 276);
  /* Seeded: the same seed fails the same erases. */
  g_assert_cmpuint (erase_failures_with_probability (11), ==, a);
}

static void
test_erase_fail_leaves_block (void)
{
  Chip c;

  chip_init (&c, "erase-fail block=8 nth=1", FM_TIMING_NONE);
  g_assert_true (fm_nand_program_page (c.nand, 8, 0, c.data, NULL));
  g_assert_false (fm_nand_erase_block (c.nand, 8, NULL));
  g_assert_true (fm_nand_read_page (c.nand, 8, 0, c.back, NULL));
  g_assert_cmpmem (c.back, c.n, c.data, c.n);
  g_assert_true (fm_nand_erase_block (c.nand, 8, NULL));
  chip_clear (&c);
}

static void
test_grown_bad (void)
{
  Chip c;
  g_autoptr (GError) error = NULL;

  chip_init (&c, "grown-bad block=9 at-erase=3", FM_TIMING_NONE);
  for (guint i = 0; i < 2; i++)
    g_assert_true (fm_nand_erase_block (c.nand, 9, NULL));
  g_assert_false (fm_nand_erase_block (c.nand, 9, NULL));
  g_assert_true (fm_image_block (fm_nand_image (c.nand), 9)->flags & FM_BLOCK_GROWN_BAD);
  g_assert_false (fm_nand_erase_block (c.nand, 9, NULL));
  g_assert_false (fm_nand_program_page (c.nand, 9, 0, c.data, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED);
  g_assert_cmpuint (fm_image_block (fm_nand_image (c.nand), 9)->erase_count, ==, 3);
  /* Linux then marks it bad: the program reports FAIL but the marker
   * lands, so the next scan finds it. */
  {
    gboolean bad = FALSE;

    g_assert_false (fm_nand_mark_bad (c.nand, 9, NULL));
    g_assert_true (fm_nand_block_is_bad (c.nand, 9, &bad, NULL));
    g_assert_true (bad);
  }
  chip_clear (&c);
}

static void
test_read_only_window_ops (void)
{
  Chip c;
  g_autoptr (GError) error = NULL;

  /* Operations 0-2 are fine, 3..5 are read-only, then writable again. */
  chip_init (&c, "read-only from-op=3 to-op=6", FM_TIMING_NONE);
  for (guint p = 0; p < 3; p++)
    g_assert_true (fm_nand_program_page (c.nand, 10, p, c.data, NULL));
  g_assert_true (fm_nand_write_protected (c.nand));
  g_assert_false (fm_nand_program_page (c.nand, 10, 3, c.data, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_WRITE_PROTECTED);
  /* Reads go on (and count as operations). */
  for (guint p = 0; p < 3; p++)
    g_assert_true (fm_nand_read_page (c.nand, 10, p, c.back, NULL));
  g_assert_false (fm_nand_write_protected (c.nand));
  g_assert_true (fm_nand_program_page (c.nand, 10, 3, c.data, NULL));
  chip_clear (&c);
}

static void
test_read_only_window_time (void)
{
  Chip c;
  g_autoptr (FmNandBus) bus = NULL;

  chip_init (&c, "read-only from-us=1000 to-us=2000", FM_TIMING_VIRTUAL);
  bus = fm_nand_bus_new (c.nand);
  fm_nand_bus_set_ce (bus, TRUE);
  g_assert_cmphex (fm_test_bus_status (bus) & FM_STATUS_WP_N, ==, FM_STATUS_WP_N);
  fm_nand_advance_age (c.nand, 1500 * 1000);
  g_assert_cmphex (fm_test_bus_status (bus) & FM_STATUS_WP_N, ==, 0);
  g_assert_false (fm_nand_erase_block (c.nand, 1, NULL));
  fm_nand_advance_age (c.nand, 1000 * 1000);
  g_assert_cmphex (fm_test_bus_status (bus) & FM_STATUS_WP_N, ==, FM_STATUS_WP_N);
  g_assert_true (fm_nand_erase_block (c.nand, 1, NULL));
  g_clear_pointer (&bus, fm_nand_bus_free); /* before the NAND it drives */
  chip_clear (&c);
}

static void
test_latency_spike (void)
{
  Chip c;
  FmClock *clock;
  guint64 t0, plain, spiked;
  g_autoptr (FmNandBus) bus = NULL;
  guint8 addr[8];
  guint n;

  chip_init (&c, "latency op=erase block=12 extra-us=5000 nth=2", FM_TIMING_VIRTUAL);
  clock = fm_nand_clock (c.nand);
  t0 = fm_clock_now (clock);
  g_assert_true (fm_nand_erase_block (c.nand, 12, NULL));
  plain = fm_clock_now (clock) - t0;
  t0 = fm_clock_now (clock);
  g_assert_true (fm_nand_erase_block (c.nand, 12, NULL));
  spiked = fm_clock_now (clock) - t0;
  g_assert_cmpuint (plain, ==, c.desc->t_bers.typ_ns);
  g_assert_cmpuint (spiked, ==, c.desc->t_bers.typ_ns + 5000000);

  /* Over the bus the spike shows as a longer R/B# low. */
  fm_nand_set_faults (c.nand, parse_ok ("latency op=read extra-us=300"));
  bus = fm_nand_bus_new (c.nand);
  fm_nand_bus_set_ce (bus, TRUE);
  n = fm_test_bus_address (c.desc, 12, 0, 0, addr);
  fm_test_bus_cmd_addr (bus, 0x00, addr, n);
  fm_nand_bus_command (bus, 0x30);
  t0 = fm_clock_now (clock);
  fm_nand_bus_wait_ready (bus);
  g_assert_cmpuint (fm_clock_now (clock) - t0, ==, c.desc->t_r.typ_ns + 300000);
  g_clear_pointer (&bus, fm_nand_bus_free);
  chip_clear (&c);
}

static void
test_parse_wear_and_age (void)
{
  g_autoptr (FmFaultSet) set = parse_ok ("wear block=any cycles=3000; wear block=7 cycles=0x10;"
                                         "age hours=1.5 on-erase=4; age hours=100 celsius=85 on-erase=5");
  FmFault *f;

  g_assert_cmpuint (fm_fault_set_len (set), ==, 4);
  f = fm_fault_set_get (set, 0);
  g_assert_cmpint (f->kind, ==, FM_FAULT_WEAR);
  g_assert_cmpuint (f->block, ==, FM_FAULT_ANY);
  g_assert_cmpuint (f->cycles, ==, 3000);
  f = fm_fault_set_get (set, 1);
  g_assert_cmpuint (f->block, ==, 7);
  g_assert_cmpuint (f->cycles, ==, 16);
  f = fm_fault_set_get (set, 2);
  g_assert_cmpint (f->kind, ==, FM_FAULT_AGE);
  g_assert_cmpuint (f->block, ==, 4);
  g_assert_cmpfloat (f->hours, ==, 1.5);
  g_assert_true (isnan (f->celsius));
  f = fm_fault_set_get (set, 3);
  g_assert_cmpfloat (f->hours, ==, 100);
  g_assert_cmpfloat (f->celsius, ==, 85);
  g_assert_cmpstr (fm_fault_kind_to_string (FM_FAULT_WEAR), ==, "wear");
  g_assert_cmpstr (fm_fault_kind_to_string (FM_FAULT_AGE), ==, "age");
}

/* Wear rules raise erase counts once, when attached; attaching them again
 * to the same image (a restart) changes nothing more, and a block already
 * more worn keeps its count. */
static void
test_wear (void)
{
  Chip c;
  FmImage *image;

  chip_init (&c, NULL, FM_TIMING_NONE);
  image = fm_nand_image (c.nand);
  for (guint i = 0; i < 3; i++)
    g_assert_true (fm_nand_erase_block (c.nand, 2, NULL));
  g_assert_cmpuint (fm_image_block (image, 2)->erase_count, ==, 3);
  fm_nand_set_faults (c.nand, parse_ok ("wear block=5 cycles=2500; wear block=any cycles=2"));
  g_assert_cmpuint (fm_image_block (image, 5)->erase_count, ==, 2500);
  g_assert_cmpuint (fm_image_block (image, 2)->erase_count, ==, 3);
  g_assert_cmpuint (fm_image_block (image, 0)->erase_count, ==, 2);
  g_assert_cmpuint (fm_image_block (image, 63)->erase_count, ==, 2);
  g_assert_cmpuint (fm_fault_set_get (fm_nand_faults (c.nand), 0)->fired, ==, 1);
  g_assert_cmpuint (fm_fault_set_get (fm_nand_faults (c.nand), 1)->matched, ==, 64);
  /* Block 5 already has 2500, block 2 already 3: only 62 blocks rose. */
  g_assert_cmpuint (fm_fault_set_get (fm_nand_faults (c.nand), 1)->fired, ==, 62);

  /* The next erase counts on from the rule's cycles. */
  g_assert_true (fm_nand_erase_block (c.nand, 5, NULL));
  g_assert_cmpuint (fm_image_block (image, 5)->erase_count, ==, 2501);
  fm_nand_set_faults (c.nand, parse_ok ("wear block=5 cycles=2500; wear block=any cycles=2"));
  g_assert_cmpuint (fm_image_block (image, 5)->erase_count, ==, 2501);
  g_assert_cmpuint (fm_image_block (image, 0)->erase_count, ==, 2);
  g_assert_cmpuint (fm_fault_set_get (fm_nand_faults (c.nand), 0)->fired, ==, 0);
  chip_clear (&c);
}

/* Age rules: each successful erase of the trigger block bakes the chip,
 * and the bake is what a page programmed before it has lived through. */
static void
test_age_on_erase (void)
{
  Chip c;
  guint64 before;

  chip_init (&c, "age hours=2.5 on-erase=6; erase-fail block=7; age hours=1 on-erase=7", FM_TIMING_NONE);
  before = fm_nand_age_ns (c.nand);
  g_assert_true (fm_nand_erase_block (c.nand, 5, NULL));
  g_assert_cmpuint (fm_nand_age_ns (c.nand), ==, before);
  g_assert_true (fm_nand_erase_block (c.nand, 6, NULL));
  g_assert_cmpuint (fm_nand_age_ns (c.nand), ==, before + 9000000000000ull);
  g_assert_true (fm_nand_erase_block (c.nand, 6, NULL));
  g_assert_cmpuint (fm_nand_age_ns (c.nand), ==, before + 18000000000000ull);
  /* An erase that fails ages nothing. */
  g_assert_false (fm_nand_erase_block (c.nand, 7, NULL));
  g_assert_cmpuint (fm_nand_age_ns (c.nand), ==, before + 18000000000000ull);
  g_assert_cmpuint (fm_fault_set_get (fm_nand_faults (c.nand), 0)->fired, ==, 2);
  g_assert_cmpuint (fm_fault_set_get (fm_nand_faults (c.nand), 2)->fired, ==, 0);
  chip_clear (&c);
}

/* celsius= on a part with a cell model: the bake counts at the model's
 * reference temperature (Arrhenius); the age stops at 2^64 - 1 ns. */
static void
test_age_arrhenius (void)
{
  g_autofree gchar *text = fm_test_tiny_text_with ("cell-model", "family", "family=slc");
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) desc = fm_chip_desc_load_data (text, "test-tiny-cells", &error);
  FmNand *nand;
  guint64 before, want;
  gdouble factor;

  g_assert_no_error (error);
  g_assert_nonnull (desc->cell_model);
  g_assert_true (fm_nand_bake_scales (desc->cell_model));
  nand = fm_test_nand (desc, 3, 0, FM_TIMING_NONE);
  fm_nand_set_faults (nand, parse_ok ("age hours=10 celsius=85 on-erase=6; age hours=1e6 celsius=300 on-erase=7"));
  /* 1.1 eV from 85 C down to 25 C: 1303 times slower. */
  factor = exp (desc->cell_model->activation_ev / 8.617333262e-5 * (1 / 298.15 - 1 / 358.15));
  g_assert_cmpfloat_with_epsilon (factor, 1303.1, 0.1);
  want = (guint64) (10 * factor * 3.6e12 + 0.5);
  g_assert_cmpuint (fm_nand_bake_ns (desc->cell_model, 10, 85), ==, want);
  g_assert_cmpuint (fm_nand_bake_ns (desc->cell_model, 10, NAN), ==, 36000000000000ull);
  g_assert_cmpuint (fm_nand_bake_ns (NULL, 10, 85), ==, 36000000000000ull);
  before = fm_nand_age_ns (nand);
  g_assert_true (fm_nand_erase_block (nand, 6, NULL));
  g_assert_cmpuint (fm_nand_age_ns (nand), ==, before + want);
  /* 1e6 h at 300 C is 8e14 h at 25 C: beyond 2^64 ns, the age stops there. */
  g_assert_cmpuint (fm_nand_bake_ns (desc->cell_model, 1e6, 300), ==, G_MAXUINT64);
  g_assert_true (fm_nand_erase_block (nand, 7, NULL));
  g_assert_cmpuint (fm_nand_age_ns (nand), ==, G_MAXUINT64);
  g_assert_true (fm_nand_erase_block (nand, 7, NULL));
  g_assert_cmpuint (fm_nand_age_ns (nand), ==, G_MAXUINT64);
  fm_nand_free (nand);
}

static void
test_report_counts (void)
{
  Chip c;
  g_autofree gchar *report = NULL;

  chip_init (&c, "program-fail block=any probability=0.5\nlatency op=read extra-us=1", FM_TIMING_NONE);
  for (guint p = 0; p < 8; p++)
    fm_nand_program_page (c.nand, 13, p, c.data, NULL);
  report = fm_fault_set_report (fm_nand_faults (c.nand));
  g_test_message ("%s", report);
  g_assert_nonnull (strstr (report, "program-fail block=any probability=0.5"));
  g_assert_nonnull (strstr (report, "matched 8 fired"));
  g_assert_nonnull (strstr (report, "latency op=read extra-us=1"));
  g_assert_nonnull (strstr (report, "matched 0 fired 0"));
  chip_clear (&c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/faults/parse/every-kind", test_parse_every_kind);
  g_test_add_func ("/faults/parse/from-file", test_parse_from_file);
  g_test_add_func ("/faults/parse/errors", test_parse_errors);
  g_test_add_func ("/faults/check-chip", test_check_chip);
  g_test_add_func ("/faults/bitflip", test_bitflip_once_and_always);
  g_test_add_func ("/faults/stuck", test_stuck_bit);
  g_test_add_func ("/faults/program-fail-nth", test_program_fail_nth);
  g_test_add_func ("/faults/erase-fail-probability", test_erase_fail_probability);
  g_test_add_func ("/faults/erase-fail-leaves-block", test_erase_fail_leaves_block);
  g_test_add_func ("/faults/grown-bad", test_grown_bad);
  g_test_add_func ("/faults/read-only/ops", test_read_only_window_ops);
  g_test_add_func ("/faults/read-only/time", test_read_only_window_time);
  g_test_add_func ("/faults/latency", test_latency_spike);
  g_test_add_func ("/faults/report", test_report_counts);
  g_test_add_func ("/faults/parse/wear-and-age", test_parse_wear_and_age);
  g_test_add_func ("/faults/wear", test_wear);
  g_test_add_func ("/faults/age-on-erase", test_age_on_erase);
  g_test_add_func ("/faults/age-arrhenius", test_age_arrhenius);
  return g_test_run ();
}
