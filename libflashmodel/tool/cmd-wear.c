/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel wear: how evenly a chip's blocks are worn, as a text
 * summary, per-block CSV, a JSON summary, or a PNG heatmap and histogram.
 */
#include "tool-common.h"
#include "commands.h"

#include <cairo.h>
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
print_text (const OpenedImage *o, const FmWearStats *s)
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
           o->desc->pe_cycles, o->desc->pe_cycles ? 100.0 * s->max / o->desc->pe_cycles : 0.0);
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

/* ---- CSV ----------------------------------------------------------------- */

static void
print_csv (const OpenedImage *o)
{
  g_print ("block,erase_count,program_count,read_count,factory_bad,worn_out,marked_bad,"
           "grown_bad,bitflips,ecc_corrected,ecc_failed,faults\n");
  for (guint32 b = 0; b < fm_image_blocks (o->image); b++)
    {
      const FmBlockMeta *m = fm_image_block (o->image, b);

      g_print ("%u,%u,%u,%u,%d,%d,%d,%d,%" G_GUINT64_FORMAT ",%u,%u,%u\n", b, m->erase_count,
               m->program_count, m->read_count,
               (m->flags & FM_BLOCK_FACTORY_BAD) != 0, (m->flags & FM_BLOCK_WORN_OUT) != 0,
               fm_nand_image_block_marked_bad (o->desc, o->image, b),
               (m->flags & FM_BLOCK_GROWN_BAD) != 0, m->bitflips, m->ecc_corrected,
               m->ecc_failed, m->faults);
    }
}

/* ---- JSON ---------------------------------------------------------------- */

/* TEXT as a JSON string: quotes, backslashes and control characters
 * escaped; TEXT must be UTF-8. */
static void
json_string (GString *out, const gchar *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p == '\n')
        g_string_append (out, "\\n");
      else if (*p == '\t')
        g_string_append (out, "\\t");
      else if (*p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* %.17g reads back as the same double; the C locale's decimal point
 * whatever LC_NUMERIC says. JSON has no NaN or infinity. */
static void
json_double (GString *out, gdouble v)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    g_string_append (out, "null");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.17g", v));
}

static void
json_key (GString *out, const gchar *indent, const gchar *key)
{
  g_string_append (out, indent);
  json_string (out, key);
  g_string_append (out, ": ");
}

static void
json_chip (GString *out, const OpenedImage *o)
{
  g_string_append (out, "  \"chip\": {\n");
  json_key (out, "    ", "name");
  json_string (out, o->desc->name);
  g_string_append (out, ",\n");
  json_key (out, "    ", "vendor");
  json_string (out, o->desc->vendor);
  g_string_append (out, ",\n");
  json_key (out, "    ", "part");
  json_string (out, o->desc->part);
  g_string_append_printf (out, ",\n    \"blocks\": %u,\n    \"pages_per_block\": %u,\n"
                          "    \"pe_cycles\": %u\n  },\n",
                          fm_image_blocks (o->image), fm_image_pages_per_block (o->image),
                          o->desc->pe_cycles);
}

static void
json_ratio (GString *out, const gchar *key, gboolean defined, gdouble v)
{
  json_key (out, "  ", key);
  if (defined)
    json_double (out, v);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\n");
}

static gchar *
wear_json (const OpenedImage *o, const gchar *path, const FmWearStats *s)
{
  g_autofree gchar *display = g_filename_display_name (path);
  GString *out = g_string_new ("{\n");

  json_key (out, "  ", "image");
  json_string (out, display);
  g_string_append_printf (out, ",\n  \"seed\": %" G_GUINT64_FORMAT ",\n", fm_image_seed (o->image));
  json_chip (out, o);
  g_string_append_printf (out, "  \"erase_count\": {\n    \"min\": %u,\n    \"max\": %u,\n"
                          "    \"total\": %" G_GUINT64_FORMAT ",\n    \"mean\": ",
                          s->min, s->max, s->total);
  json_double (out, s->mean);
  g_string_append (out, ",\n    \"stddev\": ");
  json_double (out, s->stddev);
  g_string_append (out, "\n  },\n");
  json_ratio (out, "max_over_mean", s->erased, s->max_over_mean);
  json_ratio (out, "coefficient_of_variation", s->erased, s->coefficient_of_variation);
  g_string_append_printf (out, "  \"age_ns\": %" G_GUINT64_FORMAT ",\n", s->age_ns);
  json_ratio (out, "projected_lifetime_s", s->has_lifetime, s->lifetime_s);
  json_key (out, "  ", "projected_remaining_s");
  if (s->has_lifetime)
    json_double (out, s->remaining_s);
  else
    g_string_append (out, "null");
  g_string_append (out, "\n}\n");
  return g_string_free (out, FALSE);
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

/* Viridis, sampled: ordered in lightness, readable when printed grey. */
static void
scale_colour (gdouble t, gdouble rgb[3])
{
  static const gdouble stops[5][3] = {
    { 0.267, 0.005, 0.329 }, { 0.229, 0.322, 0.546 }, { 0.128, 0.567, 0.551 },
    { 0.369, 0.789, 0.383 }, { 0.993, 0.906, 0.144 },
  };
  gdouble x = CLAMP (t, 0.0, 1.0) * 4;
  guint i = MIN ((guint) x, 3);

  for (guint c = 0; c < 3; c++)
    rgb[c] = stops[i][c] + (stops[i + 1][c] - stops[i][c]) * (x - i);
}

static void
set_scale_colour (cairo_t *cr, const FmWearStats *s, guint32 erases)
{
  gdouble rgb[3];

  scale_colour (s->max > s->min ? (gdouble) (erases - s->min) / (s->max - s->min) : 0.5, rgb);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
}

static void
draw_text (cairo_t *cr, gdouble x, gdouble y, gdouble size, const gchar *text)
{
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_font_size (cr, size);
  cairo_move_to (cr, x, y);
  cairo_show_text (cr, text);
}

static void
draw_title (cairo_t *cr, const OpenedImage *o, const gchar *path, const FmWearStats *s)
{
  g_autofree gchar *base = g_path_get_basename (path);
  g_autofree gchar *display = g_filename_display_name (base);
  g_autofree gchar *title = g_strdup_printf ("Erase counts of %s: %s (%s %s)", display,
                                             o->desc->name, o->desc->vendor, o->desc->part);
  g_autofree gchar *ratios = s->erased
    ? g_strdup_printf ("max/mean %.3f, CV %.3f", s->max_over_mean, s->coefficient_of_variation)
    : g_strdup ("nothing erased");
  g_autofree gchar *stats = g_strdup_printf ("%u blocks: min %u, mean %.2f, max %u, stddev %.2f;"
                                             " %s; %u P/E cycles rated; age %.3f s",
                                             s->blocks, s->min, s->mean, s->max, s->stddev,
                                             ratios, o->desc->pe_cycles, s->age_ns / 1e9);

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  draw_text (cr, HEAT_X, 32, 20, title);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  draw_text (cr, HEAT_X, 60, 14, stats);
}

/* One cell per block, row by row, in a near-square grid centred in the
 * heatmap area. */
static void
draw_heatmap (cairo_t *cr, FmImage *image, const FmWearStats *s)
{
  guint cols = ceil (sqrt (s->blocks));
  guint rows = (s->blocks + cols - 1) / cols;
  gdouble cell = MIN (HEAT_W / cols, HEAT_H / rows);
  gdouble x0 = HEAT_X + (HEAT_W - cell * cols) / 2, y0 = HEAT_Y + (HEAT_H - cell * rows) / 2;

  for (guint32 b = 0; b < s->blocks; b++)
    {
      set_scale_colour (cr, s, fm_image_block (image, b)->erase_count);
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

      scale_colour (i / 16.0, rgb);
      cairo_pattern_add_color_stop_rgb (grad, i / 16.0, rgb[0], rgb[1], rgb[2]);
    }
  cairo_rectangle (cr, LEGEND_X, HEAT_Y, 24, HEAT_H);
  cairo_set_source (cr, grad);
  cairo_fill (cr);
  cairo_pattern_destroy (grad);
  draw_text (cr, LEGEND_X + 30, HEAT_Y + 12, 12, top);
  draw_text (cr, LEGEND_X + 30, HEAT_Y + HEAT_H, 12, bottom);
  draw_text (cr, LEGEND_X - 6, HEAT_Y - 6, 12, "erases");
}

static void
draw_histogram (cairo_t *cr, FmImage *image, const FmWearStats *s)
{
  guint32 counts[HIST_BINS], peak = 0;
  gdouble width;
  guint n = fm_wear_histogram (image, s, HIST_BINS, counts, &width);
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
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, HIST_X - 0.5, HIST_Y);
  cairo_line_to (cr, HIST_X - 0.5, HIST_Y + HIST_H + 0.5);
  cairo_line_to (cr, HIST_X + HIST_W, HIST_Y + HIST_H + 0.5);
  cairo_stroke (cr);
  peak_label = g_strdup_printf ("%u", peak);
  draw_text (cr, HIST_X - 6 - 8 * strlen (peak_label), HIST_Y + 10, 12, peak_label);
  draw_text (cr, HIST_X - 44, HIST_Y + HIST_H, 12, "blocks");
  draw_text (cr, HIST_X, HIST_Y + HIST_H + 18, 12, min_label);
  draw_text (cr, HIST_X + HIST_W - 8 * strlen (max_label), HIST_Y + HIST_H + 18, 12, max_label);
  draw_text (cr, HIST_X + HIST_W / 2 - 80, HIST_Y + HIST_H + 36, 14, "erase count (histogram of blocks)");
}

static gboolean
write_png (const OpenedImage *o, const gchar *path, const FmWearStats *s,
           const gchar *png_path, GError **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, PNG_SIZE, PNG_SIZE);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw_title (cr, o, path, s);
  draw_heatmap (cr, o->image, s);
  draw_legend (cr, s);
  draw_histogram (cr, o->image, s);
  status = cairo_status (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png (surface, png_path);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s", png_path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
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
  g_auto (OpenedImage) o = { NULL, NULL };
  g_autoptr (GError) error = NULL;
  FmWearStats s;

  if (!parse_options (find_command ("wear"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2)
    return usage_error ("wear", "exactly one IMAGE is required");
  if (csv && json)
    return usage_error ("wear", "--csv and --json both print to stdout: choose one");
  if (!open_image (argv[1], &o, &error))
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  fm_wear_stats (o.image, o.desc->pe_cycles, &s);
  if (png && !write_png (&o, argv[1], &s, png, &error))
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  if (csv)
    print_csv (&o);
  else if (json)
    {
      g_autofree gchar *text = wear_json (&o, argv[1], &s);

      g_print ("%s", text);
    }
  else
    print_text (&o, &s);
  return EXIT_SUCCESS;
}
