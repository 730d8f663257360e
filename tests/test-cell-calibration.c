/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The calibration data of bench/calibration/ and the comparison code of
 * bench/cell-calibration: the shipped CSVs parse, a bad CSV is refused
 * with its file, line and field named, and the ratio and the goal test
 * are right at their edges.
 */
#include "cell-calibration-compare.h"

#include "fm-error.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static const gchar *
calibration_dir (void)
{
  const gchar *dir = g_getenv ("FLASHMODEL_CALIBRATION_DIR");

  g_assert_nonnull (dir);
  return dir;
}

/* Cai et al. 2017 Table 5: 5 retention rows x 8 states, mean and sigma. */
static void
test_cai2017_parses (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *path = g_build_filename (calibration_dir (), "cai2017-tlc-retention.csv", NULL);
  g_autoptr (FmCalibSource) source = fm_calib_source_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (source->name, ==, "cai2017-tlc-retention.csv");
  g_assert_cmpuint (source->points->len, ==, 80);

  const FmCalibPoint *first = g_ptr_array_index (source->points, 0);
  g_assert_cmpuint (first->bits, ==, 3);
  g_assert_cmpint (first->metric, ==, FM_CALIB_VT_MEAN);
  g_assert_cmpint (first->state, ==, 0);
  g_assert_cmpuint (first->pe_cycles, ==, 2000);
  g_assert_cmpfloat (first->retention_hours, ==, 24);
  g_assert_cmpstr (first->retention_label, ==, "1 day");
  g_assert_cmpint (first->page_bit, ==, -1);
  g_assert_cmpfloat (first->value, ==, -92.7);
  g_assert_cmpint (first->how, ==, FM_CALIB_TABLE);

  const FmCalibPoint *last = g_ptr_array_index (source->points, 79);
  g_assert_cmpint (last->metric, ==, FM_CALIB_VT_SIGMA);
  g_assert_cmpint (last->state, ==, 7);
  g_assert_cmpfloat (last->retention_hours, ==, 8760);
  g_assert_cmpfloat (last->value, ==, 12.4);

  guint means = 0, sigmas = 0;
  for (guint i = 0; i < source->points->len; i++)
    {
      const FmCalibPoint *p = g_ptr_array_index (source->points, i);
      means += p->metric == FM_CALIB_VT_MEAN;
      sigmas += p->metric == FM_CALIB_VT_SIGMA;
    }
  g_assert_cmpuint (means, ==, 40);
  g_assert_cmpuint (sigmas, ==, 40);
}

static void
test_dir_loads_every_csv (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sources = fm_calib_sources_load_dir (calibration_dir (), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (sources->len, >=, 1);
  for (guint i = 1; i < sources->len; i++)
    {
      const FmCalibSource *a = g_ptr_array_index (sources, i - 1);
      const FmCalibSource *b = g_ptr_array_index (sources, i);
      g_assert_cmpint (strcmp (a->name, b->name), <, 0);
    }
}

#define HEADER                                                                                     \
  "part_class,metric,state,pe_cycles,retention_hours,retention_label,"                             \
  "page_type,value,how_obtained,location\n"
#define GOOD_ROW "mlc,rber,-,3000,24,1 day,lower,1.5e-4,text,Section 4\n"

/* Writes TEXT to a file in a new temporary directory; loads it. */
static FmCalibSource *
load_text (const gchar *text, gchar **path_out, GError **error)
{
  g_autofree gchar *dir = g_dir_make_tmp ("calib-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "paper.csv", NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  FmCalibSource *source = fm_calib_source_load (path, error);
  g_unlink (path);
  g_rmdir (dir);
  *path_out = path;
  return source;
}

static void
test_good_row (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr (FmCalibSource) source =
      load_text ("# a comment\n\n" HEADER GOOD_ROW "# another\r\n", &path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (source->points->len, ==, 1);
  const FmCalibPoint *p = g_ptr_array_index (source->points, 0);
  g_assert_cmpuint (p->bits, ==, 2);
  g_assert_cmpint (p->metric, ==, FM_CALIB_RBER);
  g_assert_cmpint (p->state, ==, -1);
  g_assert_cmpint (p->page_bit, ==, 0);
  g_assert_cmpfloat (p->value, ==, 1.5e-4);
  g_assert_cmpint (p->how, ==, FM_CALIB_TEXT);
  g_assert_cmpuint (p->line, ==, 4);
}

typedef struct {
  const gchar *text;
  const gchar *expect; /* in the message, beside the file name */
} BadCase;

static void
test_bad_rows_named (void)
{
  static const BadCase cases[] = {
    { "part_class,metric\n" GOOD_ROW, "line 1: the header must be" },
    { "# only comments\n", "no header line" },
    { HEADER "mlc,rber,-,3000,24,1 day,lower,1e-4,text\n", "line 2: 9 fields" },
    { HEADER "mlc,rber,-,3000,24,1 day,lower,1e-4,text,Table 1, row 2\n", "line 2: 11 fields" },
    { HEADER "mlc,rber,-,3000,24,\"1 day\",lower,1e-4,text,Fig 1\n", "line 2: quotes" },
    { HEADER "qlc,rber,-,3000,24,1 day,lower,1e-4,text,Fig 1\n", "field part_class: \"qlc\"" },
    { HEADER "mlc,ber,-,3000,24,1 day,lower,1e-4,text,Fig 1\n", "field metric" },
    { HEADER "mlc,rber,P1,3000,24,1 day,lower,1e-4,text,Fig 1\n", "field state: \"P1\": rber" },
    { HEADER "mlc,vt_mean,-,3000,24,1 day,-,10,text,Fig 1\n", "field state: \"-\": a vt_" },
    { HEADER "mlc,vt_mean,P4,3000,24,1 day,-,10,text,Fig 1\n", "beyond the part class" },
    { HEADER "mlc,rber,-,-5,24,1 day,lower,1e-4,text,Fig 1\n", "field pe_cycles" },
    { HEADER "mlc,rber,-,99999999999,24,1 day,lower,1e-4,text,Fig 1\n", "field pe_cycles" },
    { HEADER "mlc,rber,-,3000,24h,1 day,lower,1e-4,text,Fig 1\n", "field retention_hours" },
    { HEADER "mlc,rber,-,3000,nan,1 day,lower,1e-4,text,Fig 1\n", "field retention_hours" },
    { HEADER "mlc,rber,-,3000,-1,1 day,lower,1e-4,text,Fig 1\n", "field retention_hours" },
    { HEADER "mlc,rber,-,3000,24,,lower,1e-4,text,Fig 1\n", "field retention_label" },
    { HEADER "mlc,rber,-,3000,24,1 day,extra,1e-4,text,Fig 1\n", "has no such page" },
    { HEADER "mlc,rber,-,3000,24,1 day,middle,1e-4,text,Fig 1\n", "field page_type" },
    { HEADER "mlc,rber,-,3000,24,1 day,lower,2,text,Fig 1\n", "an error rate is 0 .. 1" },
    { HEADER "mlc,rber,-,3000,24,1 day,lower,inf,text,Fig 1\n", "field value" },
    { HEADER "mlc,rber,-,3000,24,1 day,lower, 1e-4,text,Fig 1\n", "field value" },
    { HEADER "mlc,vt_sigma,P1,3000,24,1 day,-,0,text,Fig 1\n", "a standard deviation" },
    { HEADER "mlc,rber,-,3000,24,1 day,lower,1e-4,guess,Fig 1\n", "field how_obtained" },
    { HEADER "mlc,rber,-,3000,24,1 day,lower,1e-4,text,\n", "field location" },
    { HEADER GOOD_ROW "mlc,rber,-,3000,24,1 day,lower,1e-4,text,\n", "line 3:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree gchar *path = NULL;
      g_autoptr (FmCalibSource) source = load_text (cases[i].text, &path, &error);

      g_test_message ("case %u: %s", i, error ? error->message : "(accepted)");
      g_assert_null (source);
      g_assert_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT);
      g_assert_true (g_str_has_prefix (error->message, path));
      g_assert_nonnull (strstr (error->message, cases[i].expect));
    }
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (fm_calib_source_load ("/nonexistent/paper.csv", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/paper.csv"));
}

static void
test_ratio (void)
{
  g_assert_cmpfloat (fm_calib_ratio (2e-4, 1e-4), ==, 2.0);
  g_assert_cmpfloat (fm_calib_ratio (1e-4, 2e-4), ==, 2.0);
  g_assert_cmpfloat (fm_calib_ratio (3e-4, 3e-4), ==, 1.0);
  g_assert_cmpfloat (fm_calib_ratio (0, 0), ==, 1.0);
  g_assert_true (isinf (fm_calib_ratio (0, 1e-4)));
  g_assert_true (isinf (fm_calib_ratio (1e-4, 0)));
  g_assert_true (isinf (fm_calib_ratio (-1e-4, 1e-4)));
  g_assert_true (isinf (fm_calib_ratio (NAN, 1e-4)));
  g_assert_true (isinf (fm_calib_ratio (1e-4, INFINITY)));

  /* The goal's edge: 1.5x passes in both directions, a hair more fails. */
  g_assert_true (fm_calib_within (1.5e-4, 1e-4, FM_CALIB_GOAL_FACTOR));
  g_assert_true (fm_calib_within (1e-4, 1.5e-4, FM_CALIB_GOAL_FACTOR));
  g_assert_false (fm_calib_within (1.5001e-4, 1e-4, FM_CALIB_GOAL_FACTOR));
  g_assert_false (fm_calib_within (1e-4, 1.5001e-4, FM_CALIB_GOAL_FACTOR));
  g_assert_false (fm_calib_within (0, 1e-4, FM_CALIB_GOAL_FACTOR));
}

/* A Vt table that is the model's own states at some history: the paper's
 * side of the comparison (those distributions read at the family's
 * references) must then equal the model's side, page by page; a published
 * rber point passes through beside the model's RBER at its history. */
static void
test_compare_own_states (void)
{
  const FmVtParams *p = fm_vt_family ("tlc");
  const FmCalibBinding binding = { "own.csv", "tlc", 10.0, 2 };
  FmVtHistory h = { .pe_cycles = 2000, .retention_hours = 720, .neighbours_programmed = 2 };
  gdouble mean[FM_VT_MAX_STATES], sigma[FM_VT_MAX_STATES];
  g_autoptr (GString) text = g_string_new (HEADER);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *path = NULL;

  g_assert_nonnull (p);
  fm_vt_states (p, &h, mean, sigma);
  for (guint k = 0; k < 8; k++)
    g_string_append_printf (text, "tlc,vt_mean,%s,2000,720,1 month,-,%.17g,table,T\n",
                            fm_calib_state_name (k), mean[k] / 10.0);
  for (guint k = 0; k < 8; k++)
    g_string_append_printf (text, "tlc,vt_sigma,%s,2000,720,1 month,-,%.17g,table,T\n",
                            fm_calib_state_name (k), sigma[k] / 10.0);
  g_string_append (text, "tlc,rber,-,2000,720,1 month,upper,1e-3,text,S\n");

  g_autoptr (FmCalibSource) source = load_text (text->str, &path, &error);
  g_assert_no_error (error);
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (FmCalibRow));
  g_autoptr (GArray) states = g_array_new (FALSE, TRUE, sizeof (FmCalibStateRow));
  g_assert_true (fm_calib_compare (source, &binding, p, rows, states, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (rows->len, ==, 4);
  const FmCalibRow *rber = &g_array_index (rows, FmCalibRow, 0);
  g_assert_false (rber->derived);
  g_assert_cmpint (rber->page_bit, ==, 1);
  g_assert_cmpfloat (rber->paper, ==, 1e-3);
  g_assert_cmpfloat (rber->model, ==, fm_vt_page_rber (p, &h, 1, NULL));
  for (guint b = 0; b < 3; b++)
    {
      const FmCalibRow *r = &g_array_index (rows, FmCalibRow, 1 + b);
      g_assert_true (r->derived);
      g_assert_cmpint (r->page_bit, ==, (gint)b);
      g_assert_cmpfloat (r->model, ==, fm_vt_page_rber (p, &h, b, NULL));
      g_assert_cmpfloat (r->model, >, 1e-6);
      g_assert_cmpfloat_with_epsilon (r->paper / r->model, 1.0, 1e-9);
    }
  for (guint b = 0; b < 3; b++)
    {
      const FmCalibRow *r = &g_array_index (rows, FmCalibRow, 1 + b);
      g_assert_cmpfloat_with_epsilon (r->paper_crossed / r->model_crossed, 1.0, 1e-9);
    }
  g_assert_true (isnan (rber->paper_crossed) && isnan (rber->model_crossed));
  g_assert_cmpfloat_with_epsilon (fm_calib_worst_ratio (rows), fm_calib_ratio (rber->model, 1e-3),
                                  1e-9);

  g_assert_cmpuint (states->len, ==, 8);
  for (guint k = 0; k < 8; k++)
    {
      const FmCalibStateRow *st = &g_array_index (states, FmCalibStateRow, k);
      g_assert_cmpfloat_with_epsilon (st->model_mean, st->paper_mean, 1e-9);
      g_assert_cmpfloat_with_epsilon (st->model_sigma, st->paper_sigma, 1e-9);
    }
}

/* A table row without every state cannot be read as distributions; a
 * point of another part class does not fit the family. */
static void
test_compare_refuses (void)
{
  const FmVtParams *p = fm_vt_family ("tlc");
  const FmCalibBinding binding = { "own.csv", "tlc", 10.0, 2 };
  g_autoptr (GError) error = NULL;
  g_autofree gchar *path = NULL, *path2 = NULL;
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (FmCalibRow));

  g_autoptr (FmCalibSource) partial =
      load_text (HEADER "tlc,vt_mean,ER,2000,24,1 day,-,-90,table,T\n"
                        "tlc,vt_sigma,ER,2000,24,1 day,-,40,table,T\n",
                 &path, &error);
  g_assert_no_error (error);
  g_assert_false (fm_calib_compare (partial, &binding, p, rows, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "1 day"));
  g_clear_error (&error);

  g_autoptr (FmCalibSource) mlc = load_text (HEADER GOOD_ROW, &path2, &error);
  g_assert_no_error (error);
  g_assert_false (fm_calib_compare (mlc, &binding, p, rows, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "line 2"));
}

/* Two equally wide states cross half-way; a narrow state pulls the
 * crossing toward itself. */
static void
test_crossing (void)
{
  g_assert_cmpfloat_with_epsilon (fm_calib_crossing (0, 100, 1000, 100), 500, 1e-6);
  gdouble x = fm_calib_crossing (-1000, 400, 700, 100);
  g_assert_cmpfloat (x, >, -150);
  g_assert_cmpfloat (x, <, 700);
  /* Equal densities there: the crossing is what it says. */
  gdouble d1 = exp (-0.5 * pow ((x + 1000) / 400, 2)) / 400;
  gdouble d2 = exp (-0.5 * pow ((x - 700) / 100, 2)) / 100;
  g_assert_cmpfloat_with_epsilon (d1 / d2, 1.0, 1e-6);
}

/* The shipped bindings name families that exist, with the right bits. */
static void
test_bindings (void)
{
  const FmCalibBinding *b = fm_calib_binding ("cai2017-tlc-retention.csv");

  g_assert_nonnull (b);
  g_assert_nonnull (fm_vt_family (b->family));
  g_assert_cmpuint (fm_vt_family (b->family)->bits, ==, 3);
  g_assert_null (fm_calib_binding ("nonexistent.csv"));
}

static void
test_names (void)
{
  g_assert_cmpstr (fm_calib_page_name (0), ==, "lower");
  g_assert_cmpstr (fm_calib_page_name (2), ==, "extra");
  g_assert_cmpstr (fm_calib_page_name (-1), ==, "all");
  g_assert_cmpstr (fm_calib_state_name (0), ==, "ER");
  g_assert_cmpstr (fm_calib_state_name (7), ==, "P7");
  g_assert_cmpstr (fm_calib_state_name (8), ==, "-");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cell-calibration/cai2017-parses", test_cai2017_parses);
  g_test_add_func ("/cell-calibration/dir-loads-every-csv", test_dir_loads_every_csv);
  g_test_add_func ("/cell-calibration/good-row", test_good_row);
  g_test_add_func ("/cell-calibration/bad-rows-named", test_bad_rows_named);
  g_test_add_func ("/cell-calibration/missing-file", test_missing_file);
  g_test_add_func ("/cell-calibration/ratio", test_ratio);
  g_test_add_func ("/cell-calibration/names", test_names);
  g_test_add_func ("/cell-calibration/compare-own-states", test_compare_own_states);
  g_test_add_func ("/cell-calibration/compare-refuses", test_compare_refuses);
  g_test_add_func ("/cell-calibration/bindings", test_bindings);
  g_test_add_func ("/cell-calibration/crossing", test_crossing);
  return g_test_run ();
}
