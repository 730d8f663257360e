/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fm-wear: erase statistics, the wear-leveling figures and the lifetime. */
#include "fm-test-util.h"

#include <json-glib/json-glib.h>
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

/* FmWearStats of IMAGE as the chip rated for PE_CYCLES. */
static void
stats_of (const FmChipDesc *desc, FmImage *image, guint32 pe_cycles, FmWearStats *s)
{
  g_autoptr (FmWearTable) t = fm_wear_table_new_from_image (desc, image, NULL);

  t->pe_cycles = pe_cycles;
  fm_wear_stats (t, s);
}

static void
test_staircase (void)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmImage) image = staircase_image (desc);
  FmWearStats s;

  stats_of (desc, image, 630, &s);
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
  stats_of (desc, image, 50, &s);
  g_assert_true (s.has_lifetime);
  g_assert_cmpfloat (s.remaining_s, ==, 0.0);
  /* No rating, no projection. */
  stats_of (desc, image, 0, &s);
  g_assert_false (s.has_lifetime);
}

static void
test_nothing_erased_or_no_age (void)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmImage) fresh = fm_image_create (NULL, desc, 1, NULL);
  g_autoptr (FmImage) ageless = staircase_image (desc);
  FmWearStats s;

  stats_of (desc, fresh, 1000, &s);
  g_assert_cmpuint (s.min, ==, 0);
  g_assert_cmpuint (s.max, ==, 0);
  g_assert_cmpfloat (s.mean, ==, 0.0);
  g_assert_cmpfloat (s.stddev, ==, 0.0);
  g_assert_false (s.erased);
  g_assert_false (s.has_lifetime);

  fm_image_set_age_ns (ageless, 0);
  stats_of (desc, ageless, 1000, &s);
  g_assert_true (s.erased);
  g_assert_false (s.has_lifetime);
}

static void
test_histogram (void)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmImage) image = staircase_image (desc);
  g_autoptr (FmWearTable) t = fm_wear_table_new_from_image (desc, image, NULL);
  guint32 counts[128];
  gdouble width;
  FmWearStats s;

  fm_wear_stats (t, &s);
  /* 64 distinct counts: never more bins than counts. */
  g_assert_cmpuint (fm_wear_histogram (t, &s, 128, counts, &width), ==, 64);
  g_assert_cmpfloat (width, ==, 1.0);
  for (guint i = 0; i < 64; i++)
    g_assert_cmpuint (counts[i], ==, 1);
  g_assert_cmpuint (fm_wear_histogram (t, &s, 16, counts, &width), ==, 16);
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
  g_autoptr (FmWearTable) t = NULL;
  FmWearStats s;

  for (guint32 b = 0; b < 8; b++)
    for (guint i = 0; i < 3 * b; i++)
      {
        fm_nand_erase_block (nand, b, &error);
        g_assert_no_error (error);
      }
  /* A live model keeps its age in its clock until it is freed: the
   * table takes it from the model. */
  t = fm_wear_table_new_from_nand (desc, nand, NULL);
  g_assert_cmpuint (t->age_ns, ==, fm_nand_age_ns (nand));
  fm_wear_stats (t, &s);
  g_assert_cmpuint (s.age_ns, >, 0);
  g_assert_cmpuint (s.max, ==, 21);
  g_assert_cmpuint (s.min, ==, 0);
  g_assert_cmpuint (s.total, ==, 3 * (7 * 8 / 2));
  g_assert_cmpfloat (s.mean, ==, 84.0 / 64);
  g_assert_true (s.has_lifetime);
  g_assert_cmpfloat_with_epsilon (s.lifetime_s,
                                  s.age_ns / 1e9 * desc->pe_cycles / 21, 1e-9);
}

/* Every field different and some beyond 32 bits, so that a swapped or
 * truncated column shows. */
static FmWearTable *
varied_table (guint32 n)
{
  FmWearTable *t = fm_wear_table_new ("varied");

  t->chip = g_strdup ("tiny");
  t->vendor = g_strdup ("Test");
  t->part = g_strdup ("T1");
  t->pages_per_block = 64;
  t->pe_cycles = 3000;
  t->age_ns = G_GUINT64_CONSTANT (123456789012);
  t->n_blocks = n;
  t->blocks = g_new0 (FmWearBlock, n);
  for (guint32 b = 0; b < n; b++)
    t->blocks[b] = (FmWearBlock) {
      .erase_count = b * 7 % 13, .program_count = b * 64 + 1, .read_count = G_MAXUINT32 - b,
      .factory_bad = b == 3, .worn_out = b == 5, .marked_bad = b == 3 || b == 9, .grown_bad = b == 9,
      .bitflips = (G_GUINT64_CONSTANT (1) << 40) + b, .ecc_corrected = b * 3, .ecc_failed = b % 2,
      .faults = b / 4,
    };
  return t;
}

static void
test_csv_round_trip (void)
{
  g_autoptr (FmWearTable) t = varied_table (12);
  g_autoptr (FmWearTable) back = fm_wear_table_new ("back");
  g_autofree gchar *csv = fm_wear_table_csv (t);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_str_has_prefix (csv, FM_WEAR_CSV_HEADER "\n"));
  g_assert_true (fm_wear_table_read_csv (back, csv, "csv", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (back->n_blocks, ==, 12);
  for (guint32 b = 0; b < 12; b++)
    {
      const FmWearBlock *x = &back->blocks[b], *y = &t->blocks[b];

      g_assert_cmpuint (x->erase_count, ==, y->erase_count);
      g_assert_cmpuint (x->program_count, ==, y->program_count);
      g_assert_cmpuint (x->read_count, ==, y->read_count);
      g_assert_cmpint (x->factory_bad, ==, y->factory_bad);
      g_assert_cmpint (x->worn_out, ==, y->worn_out);
      g_assert_cmpint (x->marked_bad, ==, y->marked_bad);
      g_assert_cmpint (x->grown_bad, ==, y->grown_bad);
      g_assert_cmpuint (x->bitflips, ==, y->bitflips);
      g_assert_cmpuint (x->ecc_corrected, ==, y->ecc_corrected);
      g_assert_cmpuint (x->ecc_failed, ==, y->ecc_failed);
      g_assert_cmpuint (x->faults, ==, y->faults);
    }
}

static void
test_csv_errors (void)
{
  static const struct { const gchar *text, *message; } cases[] = {
    { "", "csv: no header line" },
    { "block,erase_count\n0,1\n", "csv: line 1 is not the header" },
    { FM_WEAR_CSV_HEADER "\n", "csv: no blocks" },
    { FM_WEAR_CSV_HEADER "\n0,1,2,3,0,0,0,0,4,5,6,7", "csv: the last line is cut short" },
    { FM_WEAR_CSV_HEADER "\n0,1,2,3,0,0,0,0,4,5,6\n", "csv: line 2: 11 fields instead of 12" },
    { FM_WEAR_CSV_HEADER "\n0,1,2,3,0,0,0,0,4,5,6,7\n2,1,2,3,0,0,0,0,4,5,6,7\n",
      "csv: line 3: block 2 where block 1 belongs" },
    { FM_WEAR_CSV_HEADER "\n0,1,2,3,0,2,0,0,4,5,6,7\n", "csv: line 2: worn_out: '2' is not 0 or 1" },
    { FM_WEAR_CSV_HEADER "\n0,-1,2,3,0,0,0,0,4,5,6,7\n", "csv: line 2: erase_count: '-1' is not a count" },
    { FM_WEAR_CSV_HEADER "\n0,4294967296,2,3,0,0,0,0,4,5,6,7\n",
      "csv: line 2: erase_count: '4294967296' is not a count" },
    { FM_WEAR_CSV_HEADER "\n0,1,2,3,0,0,0,0,18446744073709551616,5,6,7\n",
      "csv: line 2: bitflips: '18446744073709551616' is not a count" },
    { FM_WEAR_CSV_HEADER "\n0,1,,3,0,0,0,0,4,5,6,7\n", "csv: line 2: program_count: '' is not a count" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (FmWearTable) t = varied_table (2);
      g_autoptr (GError) error = NULL;

      g_test_message ("case %u", i);
      g_assert_false (fm_wear_table_read_csv (t, cases[i].text, "csv", &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT);
      g_assert_true (g_str_has_prefix (error->message, cases[i].message));
      /* A failed read leaves the table as it was. */
      g_assert_cmpuint (t->n_blocks, ==, 2);
    }
  /* The largest values do fit. */
  {
    g_autoptr (FmWearTable) t = fm_wear_table_new (NULL);
    g_autoptr (GError) error = NULL;

    g_assert_true (fm_wear_table_read_csv (t, FM_WEAR_CSV_HEADER "\r\n0,4294967295,2,3,1,0,1,0,"
                                           "18446744073709551615,5,6,7\r\n", "csv", &error));
    g_assert_no_error (error);
    g_assert_cmpuint (t->blocks[0].erase_count, ==, G_MAXUINT32);
    g_assert_cmpuint (t->blocks[0].bitflips, ==, G_MAXUINT64);
  }
}

static void
test_bad_blocks_and_totals (void)
{
  g_autoptr (FmWearTable) t = varied_table (12);
  g_autofree gchar *bad = fm_wear_table_bad_blocks (t);
  FmWearTotals tot;

  g_assert_cmpstr (bad, ==, "3 factory,marked\n5 worn-out\n9 grown-bad,marked\n");
  fm_wear_table_totals (t, &tot);
  g_assert_cmpuint (tot.bad, ==, 3);
  g_assert_cmpuint (tot.marked_bad, ==, 2);
  g_assert_cmpuint (tot.factory_bad, ==, 1);
  g_assert_cmpuint (tot.worn_out, ==, 1);
  g_assert_cmpuint (tot.grown_bad, ==, 1);
  g_assert_cmpuint (tot.bitflips, ==, 12 * (G_GUINT64_CONSTANT (1) << 40) + 66);
  g_assert_cmpuint (tot.faults, ==, 0 + 0 + 0 + 0 + 1 + 1 + 1 + 1 + 2 + 2 + 2 + 2);
}

static gdouble
json_number (JsonObject *o, const gchar *a, const gchar *b)
{
  JsonNode *n = json_object_get_member (o, a);

  if (b)
    n = json_object_get_member (json_node_get_object (n), b);
  g_assert_nonnull (n);
  return json_node_get_value_type (n) == G_TYPE_INT64 ? json_node_get_int (n) : json_node_get_double (n);
}

/* The JSON summary parses (json-glib) back to the very same numbers. */
static void
test_summary_json (void)
{
  g_autoptr (FmWearTable) t = varied_table (12);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = NULL;
  JsonObject *o;
  FmWearStats s;

  fm_wear_stats (t, &s);
  text = fm_wear_summary_json (t, &s, "  \"live\": {\"pid\": 42},\n");
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "image"), ==, "varied");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "chip"), "name"), ==, "tiny");
  g_assert_cmpfloat (json_number (o, "chip", "blocks"), ==, 12);
  g_assert_cmpfloat (json_number (o, "live", "pid"), ==, 42);
  g_assert_cmpfloat (json_number (o, "erase_count", "mean"), ==, s.mean);
  g_assert_cmpfloat (json_number (o, "erase_count", "stddev"), ==, s.stddev);
  g_assert_cmpfloat (json_number (o, "max_over_mean", NULL), ==, s.max_over_mean);
  g_assert_cmpfloat (json_number (o, "coefficient_of_variation", NULL), ==, s.coefficient_of_variation);
  g_assert_cmpfloat (json_number (o, "projected_lifetime_s", NULL), ==, s.lifetime_s);
  g_assert_cmpfloat (json_number (o, "age_ns", NULL), ==, t->age_ns);
  g_assert_cmpfloat (json_number (o, "totals", "ecc_corrected"), ==, 3 * 66);
  g_assert_cmpfloat (json_number (o, "bad_blocks", "total"), ==, 3);
  /* A source-less table says null, and nothing erased gives null ratios. */
  {
    g_autoptr (FmWearTable) fresh = varied_table (2);
    g_autoptr (JsonParser) p2 = json_parser_new ();
    g_autofree gchar *t2 = NULL;

    g_clear_pointer (&fresh->source, g_free);
    fresh->blocks[0].erase_count = fresh->blocks[1].erase_count = 0;
    fm_wear_stats (fresh, &s);
    t2 = fm_wear_summary_json (fresh, &s, NULL);
    g_assert_true (json_parser_load_from_data (p2, t2, -1, NULL));
    o = json_node_get_object (json_parser_get_root (p2));
    g_assert_true (json_object_get_null_member (o, "image"));
    g_assert_true (json_object_get_null_member (o, "max_over_mean"));
    g_assert_true (json_object_get_null_member (o, "projected_remaining_s"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wear/staircase", test_staircase);
  g_test_add_func ("/wear/nothing-erased-or-no-age", test_nothing_erased_or_no_age);
  g_test_add_func ("/wear/histogram", test_histogram);
  g_test_add_func ("/wear/erases-through-the-model", test_erases_through_the_model);
  g_test_add_func ("/wear/csv-round-trip", test_csv_round_trip);
  g_test_add_func ("/wear/csv-errors", test_csv_errors);
  g_test_add_func ("/wear/bad-blocks-and-totals", test_bad_blocks_and_totals);
  g_test_add_func ("/wear/summary-json", test_summary_json);
  return g_test_run ();
}
