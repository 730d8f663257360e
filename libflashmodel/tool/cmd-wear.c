/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel wear: how evenly a chip's blocks are worn, as a text
 * summary, per-block CSV, a JSON summary, or a PNG heatmap and histogram.
 */
#include "tool-common.h"
#include "commands.h"
#include "plot.h"
#include "stats-dir.h"

#include <math.h>
#include <string.h>

/* ---- text ---------------------------------------------------------------- */

/* "412 s", "3.2 days": a lifetime is read, not computed with. */
static gchar *
format_duration (gdouble s)
{
  static const struct { const gchar *unit; gdouble seconds; } units[] = {
    { "years", 365.25 * 86400 }, { "days", 86400 }, { "h", 3600 }, { "min", 60 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (s >= 2 * units[i].seconds)
      return g_strdup_printf ("%.1f %s", s / units[i].seconds, units[i].unit);
  return g_strdup_printf ("%.3f s", s);
}

static void
print_text (const FmWearTable *t, const FmWearStats *s)
{
  g_print ("blocks:        %u\n", s->blocks);
  g_print ("erase count:   min %u, mean %.2f, max %u, stddev %.2f (total %" G_GUINT64_FORMAT ")\n",
           s->min, s->mean, s->max, s->stddev, s->total);
  if (s->erased)
    {
      g_print ("max/mean:      %.3f\n", s->max_over_mean);
      g_print ("coef. of var.: %.3f\n", s->coefficient_of_variation);
    }
  else
    g_print ("max/mean:      n/a (nothing erased)\ncoef. of var.: n/a (nothing erased)\n");
  g_print ("endurance:     %u P/E cycles rated (%.1f%% used by the most worn block)\n",
           t->pe_cycles, t->pe_cycles ? 100.0 * s->max / t->pe_cycles : 0.0);
  g_print ("chip age:      %.3f s of chip time\n", s->age_ns / 1e9);
  if (s->has_lifetime)
    {
      g_autofree gchar *total = format_duration (s->lifetime_s);
      g_autofree gchar *left = format_duration (s->remaining_s);

      g_print ("lifetime:      %s of chip time at the observed rate, %s left\n", total, left);
    }
  else
    g_print ("lifetime:      n/a (no erases or no chip time yet)\n");
}

/* ---- PNG ----------------------------------------------------------------- */

/* The picture's layout, in pixels; --help documents it. */
#define PNG_SIZE 1024
#define HEAT_X 40.0
#define HEAT_Y 80.0
#define HEAT_W 864.0
#define HEAT_H 580.0
#define LEGEND_X 930.0
#define HIST_X 80.0
#define HIST_Y 720.0
#define HIST_W 904.0
#define HIST_H 240.0
#define HIST_BINS 64

static void
set_scale_colour (cairo_t *cr, const FmWearStats *s, guint32 erases)
{
  gdouble rgb[3];

  plot_scale_colour (s->max > s->min ? (gdouble) (erases - s->min) / (s->max - s->min) : 0.5, rgb);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
}

static void
draw_title (cairo_t *cr, const FmWearTable *t, const FmWearStats *s)
{
  g_autofree gchar *base = g_path_get_basename (t->source);
  g_autofree gchar *title = g_strdup_printf ("Erase counts of %s: %s (%s %s)", base,
                                             t->chip, t->vendor, t->part);
  g_autofree gchar *ratios = s->erased
    ? g_strdup_printf ("max/mean %.3f, CV %.3f", s->max_over_mean, s->coefficient_of_variation)
    : g_strdup ("nothing erased");
  g_autofree gchar *stats = g_strdup_printf ("%u blocks: min %u, mean %.2f, max %u, stddev %.2f;"
                                             " %s; %u P/E cycles rated; age %.3f s",
                                             s->blocks, s->min, s->mean, s->max, s->stddev,
                                             ratios, t->pe_cycles, s->age_ns / 1e9);

  plot_font (cr, TRUE);
  plot_text (cr, HEAT_X, 32, 20, title);
  plot_font (cr, FALSE);
  plot_text (cr, HEAT_X, 60, 14, stats);
}

/* One cell per block, row by row, in a near-square grid centred in the
 * heatmap area. */
static void
draw_heatmap (cairo_t *cr, const FmWearTable *t, const FmWearStats *s)
{
  guint cols = ceil (sqrt (s->blocks));
  guint rows = (s->blocks + cols - 1) / cols;
  gdouble cell = MIN (HEAT_W / cols, HEAT_H / rows);
  gdouble x0 = HEAT_X + (HEAT_W - cell * cols) / 2, y0 = HEAT_Y + (HEAT_H - cell * rows) / 2;

  for (guint32 b = 0; b < s->blocks; b++)
    {
      set_scale_colour (cr, s, t->blocks[b].erase_count);
      cairo_rectangle (cr, x0 + (b % cols) * cell, y0 + (b / cols) * cell, cell, cell);
      cairo_fill (cr);
    }
}

static void
draw_legend (cairo_t *cr, const FmWearStats *s)
{
  g_autofree gchar *top = g_strdup_printf ("%u", s->max);
  g_autofree gchar *bottom = g_strdup_printf ("%u", s->min);
  cairo_pattern_t *grad = cairo_pattern_create_linear (0, HEAT_Y + HEAT_H, 0, HEAT_Y);

  for (guint i = 0; i <= 16; i++)
    {
      gdouble rgb[3];

      plot_scale_colour (i / 16.0, rgb);
      cairo_pattern_add_color_stop_rgb (grad, i / 16.0, rgb[0], rgb[1], rgb[2]);
    }
  cairo_rectangle (cr, LEGEND_X, HEAT_Y, 24, HEAT_H);
  cairo_set_source (cr, grad);
  cairo_fill (cr);
  cairo_pattern_destroy (grad);
  plot_text (cr, LEGEND_X + 30, HEAT_Y + 12, 12, top);
  plot_text (cr, LEGEND_X + 30, HEAT_Y + HEAT_H, 12, bottom);
  plot_text (cr, LEGEND_X - 6, HEAT_Y - 6, 12, "erases");
}

static void
draw_histogram (cairo_t *cr, const FmWearTable *t, const FmWearStats *s)
{
  guint32 counts[HIST_BINS], peak = 0;
  gdouble width;
  guint n = fm_wear_histogram (t, s, HIST_BINS, counts, &width);
  g_autofree gchar *peak_label = NULL;
  g_autofree gchar *min_label = g_strdup_printf ("%u", s->min);
  g_autofree gchar *max_label = g_strdup_printf ("%u", s->max);

  for (guint i = 0; i < n; i++)
    peak = MAX (peak, counts[i]);
  for (guint i = 0; i < n; i++)
    {
      gdouble h = HIST_H * counts[i] / peak, w = HIST_W / n;

      set_scale_colour (cr, s, s->min + (guint32) (i * width));
      cairo_rectangle (cr, HIST_X + i * w, HIST_Y + HIST_H - h, MAX (w - 1, 1), h);
      cairo_fill (cr);
    }
  plot_axes (cr, HIST_X, HIST_Y, HIST_W, HIST_H);
  peak_label = g_strdup_printf ("%u", peak);
  plot_text (cr, HIST_X - 6 - 8 * strlen (peak_label), HIST_Y + 10, 12, peak_label);
  plot_text (cr, HIST_X - 44, HIST_Y + HIST_H, 12, "blocks");
  plot_text (cr, HIST_X, HIST_Y + HIST_H + 18, 12, min_label);
  plot_text (cr, HIST_X + HIST_W - 8 * strlen (max_label), HIST_Y + HIST_H + 18, 12, max_label);
  plot_text (cr, HIST_X + HIST_W / 2 - 80, HIST_Y + HIST_H + 36, 14, "erase count (histogram of blocks)");
}

static gboolean
write_png (const FmWearTable *t, const FmWearStats *s, const gchar *png_path, GError **error)
{
  cairo_t *cr = plot_begin (PNG_SIZE, PNG_SIZE);

  draw_title (cr, t, s);
  draw_heatmap (cr, t, s);
  draw_legend (cr, s);
  draw_histogram (cr, t, s);
  return plot_finish (cr, png_path, error);
}

/* ---- the command --------------------------------------------------------- */

int
cmd_wear (int argc, char **argv)
{
  gboolean csv = FALSE, json = FALSE;
  g_autofree gchar *png = NULL;
  GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Print one CSV row per block", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png, "Draw a heatmap and histogram into FILE", "FILE" },
    { NULL }
  };
  g_autoptr (FmWearTable) table = NULL;
  g_autoptr (GError) error = NULL;
  FmWearStats s;

  if (!parse_options (find_command ("wear"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2)
    return usage_error ("wear", "exactly one IMAGE or statistics DIR is required");
  if (csv && json)
    return usage_error ("wear", "--csv and --json both print to stdout: choose one");
  table = open_wear_table (argv[1], NULL, &error);
  if (!table)
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  fm_wear_stats (table, &s);
  if (png && !write_png (table, &s, png, &error))
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  if (csv)
    {
      g_autofree gchar *text = fm_wear_table_csv (table);

      g_print ("%s", text);
    }
  else if (json)
    {
      g_autofree gchar *text = fm_wear_summary_json (table, &s, NULL);

      g_print ("%s", text);
    }
  else
    print_text (table, &s);
  return EXIT_SUCCESS;
}
