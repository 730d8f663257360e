/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fm-wear: erase statistics, the wear-leveling figures and the lifetime. */
#include "fm-test-util.h"

#include <math.h>

/* The tiny part's 64 blocks, block b erased b times, 10 s old. */
static FmImage *
staircase_image (const FmChipDesc *desc)
{
  g_autoptr (GError) error = NULL;
  FmImage *image = fm_image_create (NULL, desc, 1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (fm_image_blocks (image), ==, 64);
  for (guint32 b = 0; b < 64; b++)
    fm_image_block (image, b)->erase_count = b;
  fm_image_set_age_ns (image, 10 * G_GUINT64_CONSTANT (1000000000));
  return image;
}

static void
test_staircase (void)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmImage) image = staircase_image (desc);
  FmWearStats s;

  fm_wear_stats (image, 630, &s);
  g_assert_cmpuint (s.blocks, ==, 64);
  g_assert_cmpuint (s.min, ==, 0);
  g_assert_cmpuint (s.max, ==, 63);
  g_assert_cmpuint (s.total, ==, 63 * 64 / 2);
  g_assert_cmpfloat (s.mean, ==, 31.5);
  /* The population variance of 0..n-1 is (n^2 - 1) / 12. */
  g_assert_cmpfloat_with_epsilon (s.stddev, sqrt ((64.0 * 64 - 1) / 12), 1e-12);
  g_assert_true (s.erased);
  g_assert_cmpfloat (s.max_over_mean, ==, 2.0);
  g_assert_cmpfloat_with_epsilon (s.coefficient_of_variation, s.stddev / 31.5, 1e-15);
  /* 63 erases in 10 s: 630 are reached at 100 s, 90 s from now. */
  g_assert_cmpuint (s.age_ns, ==, 10 * G_GUINT64_CONSTANT (1000000000));
  g_assert_true (s.has_lifetime);
  g_assert_cmpfloat_with_epsilon (s.lifetime_s, 100.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (s.remaining_s, 90.0, 1e-9);

  /* Already past the rating: nothing left. */
  fm_wear_stats (image, 50, &s);
  g_assert_true (s.has_lifetime);
  g_assert_cmpfloat (s.remaining_s, ==, 0.0);
  /* No rating, no projection. */
  fm_wear_stats (image, 0, &s);
  g_assert_false (s.has_lifetime);
}

static void
test_nothing_erased_or_no_age (void)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmImage) fresh = fm_image_create (NULL, desc, 1, NULL);
  g_autoptr (FmImage) ageless = staircase_image (desc);
  FmWearStats s;

  fm_wear_stats (fresh, 1000, &s);
  g_assert_cmpuint (s.min, ==, 0);
  g_assert_cmpuint (s.max, ==, 0);
  g_assert_cmpfloat (s.mean, ==, 0.0);
  g_assert_cmpfloat (s.stddev, ==, 0.0);
  g_assert_false (s.erased);
  g_assert_false (s.has_lifetime);

  fm_image_set_age_ns (ageless, 0);
  fm_wear_stats (ageless, 1000, &s);
  g_assert_true (s.erased);
  g_assert_false (s.has_lifetime);
}

static void
test_histogram (void)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmImage) image = staircase_image (desc);
  guint32 counts[128];
  gdouble width;
  FmWearStats s;

  fm_wear_stats (image, 630, &s);
  /* 64 distinct counts: never more bins than counts. */
  g_assert_cmpuint (fm_wear_histogram (image, &s, 128, counts, &width), ==, 64);
  g_assert_cmpfloat (width, ==, 1.0);
  for (guint i = 0; i < 64; i++)
    g_assert_cmpuint (counts[i], ==, 1);
  g_assert_cmpuint (fm_wear_histogram (image, &s, 16, counts, &width), ==, 16);
  g_assert_cmpfloat (width, ==, 4.0);
  for (guint i = 0; i < 16; i++)
    g_assert_cmpuint (counts[i], ==, 4);
}

/* Erases through the model, with virtual time: the counts are what the
 * chip did and the chip ages, so a lifetime appears. */
static void
test_erases_through_the_model (void)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (desc, 3, 0, FM_TIMING_VIRTUAL);
  g_autoptr (GError) error = NULL;
  FmWearStats s;

  for (guint32 b = 0; b < 8; b++)
    for (guint i = 0; i < 3 * b; i++)
      {
        fm_nand_erase_block (nand, b, &error);
        g_assert_no_error (error);
      }
  /* A live model keeps its age in its clock until it is freed. */
  fm_image_set_age_ns (fm_nand_image (nand), fm_nand_age_ns (nand));
  fm_wear_stats (fm_nand_image (nand), desc->pe_cycles, &s);
  g_assert_cmpuint (s.age_ns, >, 0);
  g_assert_cmpuint (s.max, ==, 21);
  g_assert_cmpuint (s.min, ==, 0);
  g_assert_cmpuint (s.total, ==, 3 * (7 * 8 / 2));
  g_assert_cmpfloat (s.mean, ==, 84.0 / 64);
  g_assert_true (s.has_lifetime);
  g_assert_cmpfloat_with_epsilon (s.lifetime_s,
                                  s.age_ns / 1e9 * desc->pe_cycles / 21, 1e-9);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wear/staircase", test_staircase);
  g_test_add_func ("/wear/nothing-erased-or-no-age", test_nothing_erased_or_no_age);
  g_test_add_func ("/wear/histogram", test_histogram);
  g_test_add_func ("/wear/erases-through-the-model", test_erases_through_the_model);
  return g_test_run ();
}
