/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The raw bit error model: its rate, its draws, and its determinism. */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static void
test_rate_formula (void)
{
  FmBitErrorModel m = { 1e-8, 1e-5, 2.0, 1e-10, 1e-9 };
  FmBitErrorModel none = FM_BIT_ERROR_MODEL_NONE;

  g_assert_true (fm_bit_error_model_is_none (&none));
  g_assert_false (fm_bit_error_model_is_none (&m));
  g_assert_cmpfloat (fm_bit_error_rate (&none, 1000, 500, 100, 10), ==, 0);
  g_assert_cmpfloat_with_epsilon (fm_bit_error_rate (&m, 1000, 0, 0, 0), 1e-8, 1e-15);
  /* Half the rated wear, exponent 2: a quarter of the growth. */
  g_assert_cmpfloat_with_epsilon (fm_bit_error_rate (&m, 1000, 500, 0, 0),
                                  1e-8 + (1e-5 - 1e-8) * 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (fm_bit_error_rate (&m, 1000, 0, 1000, 0), 1e-8 + 1e-7, 1e-13);
  /* Retention: 10 hours at wear w = 1 counts double. */
  g_assert_cmpfloat_with_epsilon (fm_bit_error_rate (&m, 1000, 1000, 0, 10),
                                  1e-5 + 1e-9 * 10 * 2, 1e-12);
  /* Capped at one bit in two. */
  g_assert_cmpfloat (fm_bit_error_rate (&m, 1000, 1000, 0, 1e12), ==, 0.5);
}

static void
test_inject_counts (void)
{
  guint8 buf[2112];
  guint64 total = 0;
  const gdouble rber = 1e-4; /* lambda = 1.69 per page */
  const guint trials = 4000;

  for (guint t = 0; t < trials; t++)
    {
      guint8 before[sizeof buf];
      guint flipped, differ = 0;

      memset (buf, 0x5a, sizeof buf);
      memcpy (before, buf, sizeof buf);
      flipped = fm_bit_errors_inject (buf, sizeof buf, rber, t);
      for (gsize i = 0; i < sizeof buf; i++)
        differ += __builtin_popcount (buf[i] ^ before[i]);
      g_assert_cmpuint (flipped, ==, differ); /* distinct bits */
      total += flipped;
    }
  /* Mean of the Poisson draws: lambda = 1.6896, sd of the mean 0.0206. */
  g_assert_cmpfloat (fabs ((gdouble) total / trials - rber * sizeof buf * 8), <, 0.12);
  /* Same seed, same bits. */
  {
    guint8 a[512], b[512];

    memset (a, 0, sizeof a);
    memset (b, 0, sizeof b);
    fm_bit_errors_inject (a, sizeof a, 0.01, 77);
    fm_bit_errors_inject (b, sizeof b, 0.01, 77);
    g_assert_cmpmem (a, sizeof a, b, sizeof b);
  }
  g_assert_cmpuint (fm_bit_errors_inject (buf, sizeof buf, 0, 1), ==, 0);
}

static gchar *
noisy_chip_text (const gchar *extra)
{
  g_autofree gchar *base = fm_test_tiny_text_with ("reliability", "pe-cycles", "pe-cycles=1000");
  /* Fresh: 2e-5 per bit (about 0.34 per page read); worn: 1e-3. */
  return g_strconcat (base, "[bit-errors]\nrber-fresh=2e-5\nrber-endurance=1e-3\n", extra, NULL);
}

/* Reads every page of a few blocks after a fixed history; returns the
 * concatenated reads. */
static GBytes *
run_workload (guint64 seed)
{
  g_autofree gchar *text = noisy_chip_text ("");
  g_autoptr (FmChipDesc) desc = fm_chip_desc_load_data (text, "noisy", NULL);
  g_autoptr (FmNand) nand = fm_test_nand (desc, seed, 0, FM_TIMING_VIRTUAL);
  gsize n = desc->page_size + desc->oob_size;
  g_autofree guint8 *data = fm_test_pattern (n, 5);
  GByteArray *out = g_byte_array_new ();
  guint8 *buf = g_malloc (n);

  for (guint b = 0; b < 4; b++)
    {
      for (guint e = 0; e < 200 * b; e++)
        g_assert_true (fm_nand_erase_block (nand, b, NULL));
      for (guint p = 0; p < desc->pages_per_block; p++)
        g_assert_true (fm_nand_program_page (nand, b, p, data, NULL));
      for (guint r = 0; r < 3; r++)
        for (guint p = 0; p < desc->pages_per_block; p++)
          {
            g_assert_true (fm_nand_read_page (nand, b, p, buf, NULL));
            g_byte_array_append (out, buf, n);
          }
    }
  g_free (buf);
  return g_byte_array_free_to_bytes (out);
}

static void
test_model_is_deterministic (void)
{
  g_autoptr (GBytes) a = run_workload (42);
  g_autoptr (GBytes) b = run_workload (42);
  g_autoptr (GBytes) c = run_workload (43);

  g_assert_true (g_bytes_equal (a, b));
  g_assert_false (g_bytes_equal (a, c));
}

static void
test_errors_grow_with_wear_and_reads (void)
{
  g_autofree gchar *text = noisy_chip_text ("read-disturb-per-read=1e-6\n");
  g_autoptr (FmChipDesc) desc = fm_chip_desc_load_data (text, "noisy", NULL);
  g_autoptr (FmNand) nand = fm_test_nand (desc, 9, 0, FM_TIMING_NONE);
  gsize n = desc->page_size + desc->oob_size;
  g_autofree guint8 *buf = g_malloc (n);
  guint64 before, fresh, worn, disturbed;

  g_assert_true (fm_nand_read_page (nand, 1, 0, buf, NULL));
  before = fm_nand_stats (nand)->bitflips_injected;
  for (guint i = 0; i < 200; i++)
    g_assert_true (fm_nand_read_page (nand, 2, i % 8, buf, NULL));
  fresh = fm_nand_stats (nand)->bitflips_injected - before;

  for (guint e = 0; e < 1000; e++)
    g_assert_true (fm_nand_erase_block (nand, 3, NULL));
  before = fm_nand_stats (nand)->bitflips_injected;
  for (guint i = 0; i < 200; i++)
    g_assert_true (fm_nand_read_page (nand, 3, i % 8, buf, NULL));
  worn = fm_nand_stats (nand)->bitflips_injected - before;

  /* 5000 reads later, block 2's reads disturb it: +5e-3 per bit. */
  for (guint i = 0; i < 5000; i++)
    g_assert_true (fm_nand_read_page (nand, 2, 0, buf, NULL));
  before = fm_nand_stats (nand)->bitflips_injected;
  for (guint i = 0; i < 200; i++)
    g_assert_true (fm_nand_read_page (nand, 2, i % 8, buf, NULL));
  disturbed = fm_nand_stats (nand)->bitflips_injected - before;

  g_test_message ("bit flips in 200 reads: fresh %" G_GUINT64_FORMAT ", worn %" G_GUINT64_FORMAT
                  ", read-disturbed %" G_GUINT64_FORMAT, fresh, worn, disturbed);
  /* Expected (16896 bits a read, reads since erase 0..199 adding 1e-4 on
   * average): fresh 0.34 + 1.69 = 2.03 a read, 406 in all; worn
   * 16.9 + 1.69, 3718 in all; disturbed above 84 a read. */
  g_assert_cmpuint (fresh, >, 300);
  g_assert_cmpuint (fresh, <, 520);
  g_assert_cmpuint (worn, >, 3400);
  g_assert_cmpuint (worn, <, 4050);
  g_assert_cmpuint (disturbed, >, 200 * 84);
  g_assert_cmpuint (fm_image_block (fm_nand_image (nand), 3)->bitflips, ==, worn);
}

/* Retention: errors grow with chip time since program, and the chip's age
 * survives closing and reopening the image. */
static void
test_retention_and_age_persist (void)
{
  g_autofree gchar *text = noisy_chip_text ("retention-per-hour=1e-6\n");
  g_autoptr (FmChipDesc) desc = fm_chip_desc_load_data (text, "noisy", NULL);
  g_autofree gchar *dir = g_dir_make_tmp ("fm-biterr-XXXXXX", NULL);
  g_autofree gchar *path = g_build_filename (dir, "chip.img", NULL);
  FmNandCreateOptions options = { 1, 0 };
  gsize n = desc->page_size + desc->oob_size;
  g_autofree guint8 *data = fm_test_pattern (n, 8);
  g_autofree guint8 *buf = g_malloc (n);
  g_autoptr (GError) error = NULL;
  FmNand *nand;
  guint64 before, aged;
  const guint64 hour = G_GUINT64_CONSTANT (3600000000000);

  nand = fm_nand_new (desc, fm_nand_create_image (desc, path, &options, &error), FM_TIMING_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (fm_nand_program_page (nand, 5, 0, data, NULL));
  fm_nand_advance_age (nand, 1000 * hour);
  g_assert_cmpuint (fm_nand_age_ns (nand), ==, 1000 * hour);
  fm_nand_free (nand);

  nand = fm_nand_new (desc, fm_image_open (path, desc, FALSE, &error), FM_TIMING_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fm_nand_age_ns (nand), ==, 1000 * hour);
  /* 1000 hours at 1e-6 per hour: 1e-3 per bit, 16.9 per read. */
  before = fm_nand_stats (nand)->bitflips_injected;
  for (guint i = 0; i < 100; i++)
    g_assert_true (fm_nand_read_page (nand, 5, 0, buf, NULL));
  aged = fm_nand_stats (nand)->bitflips_injected - before;
  g_test_message ("bit flips in 100 reads after 1000 h: %" G_GUINT64_FORMAT, aged);
  g_assert_cmpuint (aged, >, 1500);
  g_assert_cmpuint (aged, <, 1900);
  fm_nand_free (nand);
  g_remove (path);
  g_rmdir (dir);
}

static void
test_descriptor_checks (void)
{
  g_autofree gchar *base = fm_test_tiny_text_with ("chip", "name", "name=test-tiny");
  static const struct { const gchar *group; const gchar *says; } bad[] = {
    { "[bit-errors]\nrber-endurance=1e-3\n", "rber-fresh" },
    { "[bit-errors]\nrber-fresh=1e-3\nrber-endurance=1e-5\n", "below rber-fresh" },
    { "[bit-errors]\nrber-fresh=2\nrber-endurance=3\n", "out of range" },
    { "[bit-errors]\nrber-fresh=0\nrber-endurance=0\nretention=1\n", "retention" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree gchar *text = g_strconcat (base, bad[i].group, NULL);
      g_autoptr (GError) error = NULL;

      g_assert_null (fm_chip_desc_load_data (text, "t", &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
      g_assert_nonnull (strstr (error->message, "bit-errors"));
      g_assert_nonnull (strstr (error->message, bad[i].says));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bit-errors/rate", test_rate_formula);
  g_test_add_func ("/bit-errors/inject-counts", test_inject_counts);
  g_test_add_func ("/bit-errors/deterministic", test_model_is_deterministic);
  g_test_add_func ("/bit-errors/wear-and-read-disturb", test_errors_grow_with_wear_and_reads);
  g_test_add_func ("/bit-errors/retention-and-age", test_retention_and_age_persist);
  g_test_add_func ("/bit-errors/descriptor", test_descriptor_checks);
  return g_test_run ();
}
