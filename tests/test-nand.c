/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The page-level API and the physics behind it. */
#include "fm-test-util.h"

#include <math.h>
#include <string.h>

#define PAGE_BYTES (2048 + 64)

static void
test_erase_program_read (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (d, 1, 0, FM_TIMING_NONE);
  g_autofree guint8 *a = fm_test_pattern (PAGE_BYTES, 1);
  g_autofree guint8 *b = fm_test_pattern (PAGE_BYTES, 2);
  g_autofree guint8 *buf = g_malloc (PAGE_BYTES);
  g_autoptr (GError) error = NULL;

  g_assert_true (fm_nand_read_page (nand, 3, 0, buf, &error));
  g_assert_true (fm_test_all_ff (buf, PAGE_BYTES));
  g_assert_true (fm_nand_program_page (nand, 3, 0, a, &error));
  g_assert_true (fm_nand_read_page (nand, 3, 0, buf, &error));
  g_assert_cmpmem (buf, PAGE_BYTES, a, PAGE_BYTES);

  /* A second program of the same page can only clear bits. */
  g_assert_true (fm_nand_program_page (nand, 3, 0, b, &error));
  g_assert_true (fm_nand_read_page (nand, 3, 0, buf, &error));
  for (gsize i = 0; i < PAGE_BYTES; i++)
    g_assert_cmphex (buf[i], ==, a[i] & b[i]);

  g_assert_true (fm_nand_erase_block (nand, 3, &error));
  g_assert_true (fm_nand_read_page (nand, 3, 0, buf, &error));
  g_assert_true (fm_test_all_ff (buf, PAGE_BYTES));
  g_assert_cmpuint (fm_image_block (fm_nand_image (nand), 3)->erase_count, ==, 1);

  g_assert_true (fm_nand_read_partial (nand, 3, 0, 2048, buf, 64, &error));
  g_assert_true (fm_test_all_ff (buf, 64));
}

static void
test_partial_program_limit (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (d, 1, 0, FM_TIMING_NONE);
  g_autofree guint8 *buf = g_malloc (PAGE_BYTES);
  g_autoptr (GError) error = NULL;

  /* NOP = 4: four partial programs of one page, each a different byte. */
  for (guint i = 0; i < d->nop; i++)
    {
      memset (buf, 0xff, PAGE_BYTES);
      buf[i * 100] = 0x00;
      g_assert_true (fm_nand_program_page (nand, 2, 0, buf, &error));
    }
  memset (buf, 0xff, PAGE_BYTES);
  buf[999] = 0x0f;
  g_assert_false (fm_nand_program_page (nand, 2, 0, buf, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED);
  g_assert_nonnull (strstr (error->message, "NOP"));
  g_clear_error (&error);
  /* The over-program still disturbed the cells, as it would on silicon. */
  g_assert_true (fm_nand_read_page (nand, 2, 0, buf, &error));
  g_assert_cmphex (buf[0], ==, 0x00);
  g_assert_cmphex (buf[300], ==, 0x00);
  g_assert_cmphex (buf[999], ==, 0x0f);
  /* After an erase the count starts again. */
  g_assert_true (fm_nand_erase_block (nand, 2, &error));
  g_assert_true (fm_nand_program_page (nand, 2, 0, buf, &error));
  g_assert_cmpuint (fm_nand_stats (nand)->program_failures, ==, 1);
}

/* muse-chip --nop: a lifted or changed limit, for software that rewrites
 * pages more often than the datasheet allows (mtd_nandbiterrs). */
static void
test_partial_program_limit_override (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (d, 1, 0, FM_TIMING_NONE);
  g_autofree guint8 *buf = g_malloc (PAGE_BYTES);
  g_autoptr (GError) error = NULL;

  memset (buf, 0xff, PAGE_BYTES);
  fm_nand_set_nop_limit (nand, 0);
  for (guint i = 0; i < 3 * d->nop; i++)
    {
      buf[i] = 0x00;
      g_assert_true (fm_nand_program_page (nand, 2, 0, buf, &error));
    }
  fm_nand_set_nop_limit (nand, 1);
  g_assert_true (fm_nand_program_page (nand, 2, 1, buf, &error));
  g_assert_false (fm_nand_program_page (nand, 2, 1, buf, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED);
}

static void
test_sequential_order (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmChipDesc) free_order = fm_test_tiny_desc ("sequential-program=false");
  g_autoptr (FmNand) nand = fm_test_nand (d, 1, 0, FM_TIMING_NONE);
  g_autoptr (FmNand) nand2 = fm_test_nand (free_order, 1, 0, FM_TIMING_NONE);
  g_autofree guint8 *a = fm_test_pattern (PAGE_BYTES, 1);
  g_autoptr (GError) error = NULL;

  /* Skipping forward is allowed; going back is not. */
  g_assert_true (fm_nand_program_page (nand, 4, 2, a, &error));
  g_assert_true (fm_nand_program_page (nand, 4, 5, a, &error));
  g_assert_false (fm_nand_program_page (nand, 4, 3, a, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED);
  g_assert_nonnull (strstr (error->message, "ascending"));
  g_clear_error (&error);
  /* The page just programmed may take another partial program. */
  g_assert_true (fm_nand_program_page (nand, 4, 5, a, &error));
  /* A part without the rule accepts any order. */
  g_assert_true (fm_nand_program_page (nand2, 4, 5, a, &error));
  g_assert_true (fm_nand_program_page (nand2, 4, 3, a, &error));
  g_assert_true (fm_nand_program_page (nand2, 4, 0, a, &error));
}

static void
test_range_errors (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (d, 1, 0, FM_TIMING_NONE);
  g_autofree guint8 *buf = g_malloc (PAGE_BYTES);
  g_autoptr (GError) error = NULL;
  gboolean bad;

  g_assert_false (fm_nand_read_page (nand, 64, 0, buf, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (fm_nand_program_page (nand, 0, 8, buf, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (fm_nand_erase_block (nand, 1000, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (fm_nand_read_partial (nand, 0, 0, 2100, buf, 20, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (fm_nand_block_is_bad (nand, 64, &bad, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (fm_nand_mark_bad (nand, 64, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
}

static void
test_write_protect (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (d, 1, 0, FM_TIMING_NONE);
  g_autofree guint8 *a = fm_test_pattern (PAGE_BYTES, 1);
  g_autofree guint8 *buf = g_malloc (PAGE_BYTES);
  g_autoptr (GError) error = NULL;

  g_assert_true (fm_nand_program_page (nand, 1, 0, a, &error));
  fm_nand_set_write_protect (nand, TRUE);
  g_assert_false (fm_nand_erase_block (nand, 1, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_WRITE_PROTECTED);
  g_clear_error (&error);
  g_assert_false (fm_nand_program_page (nand, 1, 1, a, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_WRITE_PROTECTED);
  g_clear_error (&error);
  g_assert_true (fm_nand_read_page (nand, 1, 0, buf, &error));
  g_assert_cmpmem (buf, PAGE_BYTES, a, PAGE_BYTES);
  g_assert_true (fm_nand_read_page (nand, 1, 1, buf, &error));
  g_assert_true (fm_test_all_ff (buf, PAGE_BYTES));
  fm_nand_set_write_protect (nand, FALSE);
  g_assert_true (fm_nand_erase_block (nand, 1, &error));
}

static GArray *
factory_bad_list (FmNand *nand)
{
  GArray *list = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GError) error = NULL;

  for (guint32 b = 0; b < fm_chip_desc_blocks (fm_nand_desc (nand)); b++)
    {
      gboolean bad;

      g_assert_true (fm_nand_block_is_bad (nand, b, &bad, &error));
      if (bad)
        g_array_append_val (list, b);
      g_assert_cmpint (bad, ==, (fm_image_block (fm_nand_image (nand), b)->flags & FM_BLOCK_FACTORY_BAD) != 0);
    }
  return list;
}

static void
test_factory_bad_blocks (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) a = fm_test_nand (d, 77, 3, FM_TIMING_NONE);
  g_autoptr (FmNand) b = fm_test_nand (d, 77, 3, FM_TIMING_NONE);
  g_autoptr (FmNand) c = fm_test_nand (d, 78, 3, FM_TIMING_NONE);
  g_autoptr (GArray) la = factory_bad_list (a);
  g_autoptr (GArray) lb = factory_bad_list (b);
  g_autoptr (GArray) lc = factory_bad_list (c);
  g_autofree guint8 *buf = g_malloc (PAGE_BYTES);
  g_autoptr (GError) error = NULL;
  guint32 bad;

  g_assert_cmpuint (la->len, ==, 3);
  g_assert_cmpmem (la->data, la->len * 4, lb->data, lb->len * 4);  /* same seed */
  g_assert_cmpuint (lc->len, ==, 3);
  g_assert_true (memcmp (la->data, lc->data, 12) != 0);            /* other seed */
  g_assert_cmpuint (g_array_index (la, guint32, 0), !=, 0);        /* block 0 is valid */

  /* The marker is where the datasheet puts it: spare byte 0, first page. */
  bad = g_array_index (la, guint32, 0);
  g_assert_true (fm_nand_read_page (a, bad, 0, buf, &error));
  g_assert_cmphex (buf[2048], ==, 0x00);
  /* Erase and program fail and leave the marker. */
  g_assert_false (fm_nand_erase_block (a, bad, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_ERASE_FAILED);
  g_clear_error (&error);
  memset (buf, 0x5a, PAGE_BYTES);
  g_assert_false (fm_nand_program_page (a, bad, 1, buf, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED);
  g_clear_error (&error);
  g_assert_true (fm_nand_read_page (a, bad, 1, buf, &error));
  g_assert_true (fm_test_all_ff (buf, PAGE_BYTES));
}

static void
test_factory_bad_count_from_seed (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  guint seen_max = 0, seen_min = G_MAXUINT;

  for (guint64 seed = 0; seed < 40; seed++)
    {
      g_autoptr (FmNand) nand = fm_test_nand (d, seed, -1, FM_TIMING_NONE);
      g_autoptr (GArray) list = factory_bad_list (nand);

      g_assert_cmpuint (list->len, <=, d->factory_bad_blocks_max);
      seen_max = MAX (seen_max, list->len);
      seen_min = MIN (seen_min, list->len);
    }
  /* Over 40 seeds the count takes more than one value within the limit. */
  g_assert_cmpuint (seen_min, <, seen_max);
}

static void
test_too_many_bad_blocks_refused (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  FmNandCreateOptions options = { 1, 5 };
  g_autoptr (GError) error = NULL;

  g_assert_null (fm_nand_create_image (d, NULL, &options, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
}

static void
test_mark_bad (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (d, 1, 0, FM_TIMING_NONE);
  g_autofree guint8 *a = fm_test_pattern (PAGE_BYTES, 1);
  g_autoptr (GError) error = NULL;
  gboolean bad = TRUE;

  g_assert_true (fm_nand_block_is_bad (nand, 9, &bad, &error));
  g_assert_false (bad);
  g_assert_true (fm_nand_program_page (nand, 9, 0, a, &error));
  g_assert_true (fm_nand_program_page (nand, 9, 4, a, &error));
  /* Marking erases first, so the marker page can be programmed in order. */
  g_assert_true (fm_nand_mark_bad (nand, 9, &error));
  g_assert_true (fm_nand_block_is_bad (nand, 9, &bad, &error));
  g_assert_true (bad);
  g_assert_true (fm_nand_image_block_marked_bad (d, fm_nand_image (nand), 9));
}

static void
test_endurance (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc ("pe-cycles=50");
  g_autoptr (FmNand) nand = fm_test_nand (d, 3, 0, FM_TIMING_NONE);
  g_autofree guint8 *a = fm_test_pattern (PAGE_BYTES, 1);
  g_autoptr (GError) error = NULL;
  guint before_rated = 0;
  gdouble mean = 0;

  for (guint32 b = 0; b < 64; b++)
    {
      guint64 life = fm_nand_block_lifetime (nand, b);
      guint64 cycles = 0;

      while (fm_nand_erase_block (nand, b, NULL))
        {
          cycles++;
          g_assert_cmpuint (cycles, <=, life);
        }
      /* The erase that fails is the first past the block's lifetime. */
      g_assert_cmpuint (cycles, ==, life);
      g_assert_cmpuint (fm_image_block (fm_nand_image (nand), b)->flags & FM_BLOCK_WORN_OUT, !=, 0);
      /* Once worn out, erase keeps failing; a program still lands but
       * reports FAIL. */
      g_assert_false (fm_nand_erase_block (nand, b, &error));
      g_assert_nonnull (strstr (error->message, "worn out"));
      g_clear_error (&error);
      g_assert_false (fm_nand_program_page (nand, b, 7, a, &error));
      g_clear_error (&error);
      before_rated += life < d->pe_cycles;
      mean += life / 64.0;
    }
  /* Weibull(shape 4, scale 2.5 x rated): mean = 2.5 * 50 * Gamma(1.25)
   * = 113; about 2.5% of blocks die before the rated 50 cycles. */
  g_assert_cmpfloat (fabs (mean - 2.5 * 50 * tgamma (1.25)), <, 15);
  g_assert_cmpuint (before_rated, <=, 6);
}

static void
test_lifetime_deterministic (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) a = fm_test_nand (d, 11, 0, FM_TIMING_NONE);
  g_autoptr (FmNand) b = fm_test_nand (d, 11, 0, FM_TIMING_NONE);
  g_autoptr (FmNand) c = fm_test_nand (d, 12, 0, FM_TIMING_NONE);
  guint differ = 0;

  for (guint32 blk = 0; blk < 64; blk++)
    {
      g_assert_cmpuint (fm_nand_block_lifetime (a, blk), ==, fm_nand_block_lifetime (b, blk));
      differ += fm_nand_block_lifetime (a, blk) != fm_nand_block_lifetime (c, blk);
    }
  g_assert_cmpuint (differ, >, 60);
}

static void
test_virtual_timing (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (d, 1, 0, FM_TIMING_VIRTUAL);
  g_autoptr (FmNand) none = fm_test_nand (d, 1, 0, FM_TIMING_NONE);
  g_autofree guint8 *a = fm_test_pattern (PAGE_BYTES, 1);
  g_autoptr (GError) error = NULL;
  FmClock *clock = fm_nand_clock (nand);

  g_assert_cmpuint (fm_clock_now (clock), ==, 0);
  g_assert_true (fm_nand_erase_block (nand, 1, &error));
  g_assert_cmpuint (fm_clock_now (clock), ==, d->t_bers.typ_ns);
  g_assert_true (fm_nand_program_page (nand, 1, 0, a, &error));
  g_assert_cmpuint (fm_clock_now (clock), ==, d->t_bers.typ_ns + d->t_prog.typ_ns);
  g_assert_true (fm_nand_read_page (nand, 1, 0, a, &error));
  g_assert_cmpuint (fm_clock_now (clock), ==, d->t_bers.typ_ns + d->t_prog.typ_ns + d->t_r.typ_ns);
  g_assert_cmpuint (fm_nand_stats (nand)->erase_busy_ns, ==, d->t_bers.typ_ns);
  g_assert_cmpuint (fm_nand_stats (nand)->program_busy_ns, ==, d->t_prog.typ_ns);
  g_assert_cmpuint (fm_nand_stats (nand)->read_busy_ns, ==, d->t_r.typ_ns);

  /* Mode none: no time passes, the nominal busy time is still counted. */
  g_assert_true (fm_nand_erase_block (none, 1, &error));
  g_assert_cmpuint (fm_clock_now (fm_nand_clock (none)), ==, 0);
  g_assert_cmpuint (fm_nand_stats (none)->erase_busy_ns, ==, d->t_bers.typ_ns);
}

static void
test_real_timing (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (d, 1, 0, FM_TIMING_REAL);
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  /* Four erases of 700 us must take at least 2.8 ms of wall time. */
  for (int i = 0; i < 4; i++)
    g_assert_true (fm_nand_erase_block (nand, 1, &error));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 4 * d->t_bers.typ_ns / 1000);
}

static void
test_pairing_dist3 (void)
{
  g_autofree gchar *text = fm_test_tiny_text_with ("chip", "type", "type=nand-mlc");
  g_autofree gchar *text2 = NULL;
  g_autoptr (FmChipDesc) d = NULL;
  g_autoptr (GError) error = NULL;
  /* Linux's nand_pairing_dist3 for an 8-page block: pages 0,1,3,5,7 are
   * lower pages of pairs 0..4... (pair, group) per page: */
  static const guint expect[8][2] = {
    { 0, 0 }, { 1, 0 }, { 0, 1 }, { 2, 0 }, { 1, 1 }, { 3, 0 }, { 2, 1 }, { 4, 0 },
  };

  text2 = g_strconcat (text, "[mlc]\npairing=dist3\n", NULL);
  d = fm_chip_desc_load_data (text2, "mlc", &error);
  g_assert_no_error (error);
  for (guint p = 0; p < 8; p++)
    {
      FmPagePairing info = fm_nand_page_pairing (d, p);

      g_assert_cmpuint (info.pair, ==, expect[p][0]);
      g_assert_cmpuint (info.group, ==, expect[p][1]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nand/erase-program-read", test_erase_program_read);
  g_test_add_func ("/nand/partial-program-limit", test_partial_program_limit);
  g_test_add_func ("/nand/partial-program-limit-override", test_partial_program_limit_override);
  g_test_add_func ("/nand/sequential-order", test_sequential_order);
  g_test_add_func ("/nand/range-errors", test_range_errors);
  g_test_add_func ("/nand/write-protect", test_write_protect);
  g_test_add_func ("/nand/factory-bad-blocks", test_factory_bad_blocks);
  g_test_add_func ("/nand/factory-bad-count-from-seed", test_factory_bad_count_from_seed);
  g_test_add_func ("/nand/too-many-bad-blocks-refused", test_too_many_bad_blocks_refused);
  g_test_add_func ("/nand/mark-bad", test_mark_bad);
  g_test_add_func ("/nand/endurance", test_endurance);
  g_test_add_func ("/nand/lifetime-deterministic", test_lifetime_deterministic);
  g_test_add_func ("/nand/virtual-timing", test_virtual_timing);
  g_test_add_func ("/nand/real-timing", test_real_timing);
  g_test_add_func ("/nand/pairing-dist3", test_pairing_dist3);
  return g_test_run ();
}
