/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel vt: the threshold-voltage distribution of one page of an
 * image as the cell model sees it now (the block's P/E cycles, the hours
 * since its program, reads since its erase, programmed neighbours), as a
 * text histogram with the read references, the page's raw bit error rate
 * at the default references and at the best shift, and optionally a PNG.
 */
#include "tool-common.h"
#include "commands.h"
#include "plot.h"

#include <math.h>
#include <string.h>

/* The voltages shown: every state's mean +- this many sigmas. */
#define VT_SPAN_SIGMAS 4.0
/* The best reference shift is searched in this range, in these steps. */
#define SHIFT_RANGE_MV 1500
#define SHIFT_STEP_MV 5
#define BAR_WIDTH 60
#define MAX_BINS 1000

/* What a page's cells look like now. */
typedef struct {
  const FmVtParams *p;
  FmVtHistory h;
  guint page_bit;                      /* 0 lower, 1 upper, 2 extra */
  guint states, refs;
  gdouble mean[FM_VT_MAX_STATES], sigma[FM_VT_MAX_STATES];
  gdouble lo_mv, hi_mv;                /* the range shown */
  gint16 best[FM_VT_MAX_REFS];         /* the shifts with the lowest RBER */
  gdouble rber_default, rber_best;
} PageVt;

static const gchar *const page_names[] = { "lower", "upper", "extra" };

static gchar *
state_name (guint state)
{
  return state ? g_strdup_printf ("P%u", state) : g_strdup ("ER");
}

/* Density of state K alone at V (per mV), each state weighing 1/states. */
static gdouble
state_density (const PageVt *v, guint k, gdouble mv)
{
  gdouble z = (mv - v->mean[k]) / v->sigma[k];

  return exp (-0.5 * z * z) / (v->sigma[k] * sqrt (2 * G_PI)) / v->states;
}

/* Whether the page's bit changes at reference R (between states R and
 * R + 1): only those references read the page. */
static gboolean
reads_page (const PageVt *v, guint r)
{
  return fm_vt_state_bit (v->p, r, v->page_bit) != fm_vt_state_bit (v->p, r + 1, v->page_bit);
}

/* Coordinate descent over the references that read the page, each in
 * SHIFT_STEP_MV steps: the RBER depends on each of them separably enough
 * for two passes. The others stay at 0. */
static void
find_best_shift (PageVt *v)
{
  gint16 shift[FM_VT_MAX_REFS] = { 0 };
  gdouble best = fm_vt_page_rber (v->p, &v->h, v->page_bit, shift);

  for (guint pass = 0; pass < 2; pass++)
    for (guint r = 0; r < v->refs; r++)
      {
        gint16 keep = shift[r];

        if (!reads_page (v, r))
          continue;
        for (gint mv = -SHIFT_RANGE_MV; mv <= SHIFT_RANGE_MV; mv += SHIFT_STEP_MV)
          {
            gdouble rber;

            shift[r] = mv;
            rber = fm_vt_page_rber (v->p, &v->h, v->page_bit, shift);
            /* Ties keep the smaller shift: 0 when the reference does not matter. */
            if (rber < best || (rber == best && ABS (mv) < ABS (keep)))
              {
                best = rber;
                keep = mv;
              }
          }
        shift[r] = keep;
      }
  memcpy (v->best, shift, sizeof shift);
  v->rber_best = best;
}

static void
page_vt_init (PageVt *v, const FmVtParams *p, const FmVtHistory *h, guint page_bit)
{
  memset (v, 0, sizeof *v);
  v->p = p;
  v->h = *h;
  v->page_bit = page_bit;
  v->states = fm_vt_states_count (p);
  v->refs = fm_vt_refs_count (p);
  fm_vt_states (p, h, v->mean, v->sigma);
  v->lo_mv = G_MAXDOUBLE;
  v->hi_mv = -G_MAXDOUBLE;
  for (guint k = 0; k < v->states; k++)
    {
      v->lo_mv = MIN (v->lo_mv, v->mean[k] - VT_SPAN_SIGMAS * v->sigma[k]);
      v->hi_mv = MAX (v->hi_mv, v->mean[k] + VT_SPAN_SIGMAS * v->sigma[k]);
    }
  v->rber_default = fm_vt_page_rber (p, h, page_bit, NULL);
  find_best_shift (v);
}

/* ---- text ------------------------------------------------------------------ */

static void
print_states (const PageVt *v)
{
  g_print ("states:      mean and sigma (mV)\n");
  for (guint k = 0; k < v->states; k++)
    {
      g_autofree gchar *name = state_name (k);

      g_print ("  %-3s %8.1f %7.1f   (fresh %8.1f %7.1f)\n", name, v->mean[k], v->sigma[k],
               v->p->mean_mv[k], v->p->sigma_mv[k]);
    }
}

/* One row per bin: a bar as long as the density, made of each state's
 * share (its digit: 0 for ER, 1 for P1, ...), so overlaps show; a read
 * reference inside the bin is marked after it. */
static void
print_histogram (const PageVt *v, guint bins)
{
  gdouble width = (v->hi_mv - v->lo_mv) / bins, peak = 0;
  g_autofree gdouble *density = g_new0 (gdouble, bins);

  for (guint i = 0; i < bins; i++)
    {
      density[i] = fm_vt_density (v->p, &v->h, v->lo_mv + (i + 0.5) * width);
      peak = MAX (peak, density[i]);
    }
  g_print ("histogram:   %u bins of %.1f mV; each bar is the density of a cell's Vt, drawn\n"
           "             with the digit of the state it belongs to (0 = ER); R<n> marks a\n"
           "             default read reference, R<n>* its best shift for this page\n", bins, width);
  for (guint i = 0; i < bins; i++)
    {
      gdouble from = v->lo_mv + i * width, mid = from + 0.5 * width;
      GString *bar = g_string_new (NULL);
      guint len = peak > 0 ? (guint) lround (BAR_WIDTH * density[i] / peak) : 0;
      gdouble share_sum = 0;

      /* Each state's share of the bar, in state order. */
      for (guint k = 0; k < v->states && density[i] > 0; k++)
        {
          gdouble share = state_density (v, k, mid) / density[i];
          guint upto = (guint) lround (len * MIN (share_sum + share, 1.0));

          while (bar->len < upto)
            g_string_append_c (bar, '0' + k);
          share_sum += share;
        }
      while (bar->len < len)
        g_string_append_c (bar, '0' + v->states - 1);
      g_print ("  %8.1f | %-*s", from, BAR_WIDTH, bar->str);
      for (guint r = 0; r < v->refs; r++)
        {
          gdouble def = v->p->ref_mv[r], shifted = def + v->best[r];

          if (def >= from && def < from + width)
            g_print (" R%u %.0f", r + 1, def);
          if (v->best[r] && shifted >= from && shifted < from + width)
            g_print (" R%u* %.0f", r + 1, shifted);
        }
      g_print ("\n");
      g_string_free (bar, TRUE);
    }
}

static void
print_rber (const PageVt *v)
{
  GString *shifts = g_string_new (NULL);

  for (guint r = 0; r < v->refs; r++)
    if (reads_page (v, r))
      g_string_append_printf (shifts, "%sR%u %+d mV", shifts->len ? ", " : "", r + 1, v->best[r]);
  g_print ("RBER:        %.3g at the default references (%s page)\n", v->rber_default,
           page_names[v->page_bit]);
  g_print ("best shift:  %s: RBER %.3g", shifts->str, v->rber_best);
  if (v->rber_best > 0)
    g_print (" (%.3gx fewer errors)\n", v->rber_default / v->rber_best);
  else
    g_print ("\n");
  /* The other pages of the word line read through the same cells. */
  for (guint b = 0; b < v->p->bits; b++)
    if (b != v->page_bit)
      g_print ("other pages: %s page RBER %.3g at the default references\n", page_names[b],
               fm_vt_page_rber (v->p, &v->h, b, NULL));
  g_string_free (shifts, TRUE);
}

/* "MV,MV,...": one shift per reference, lowest first, each within
 * +-SHIFT_LIMIT_MV; how many were given in *N. */
#define SHIFT_LIMIT_MV 5000
static gboolean
parse_shifts (const gchar *text, gint16 shifts[FM_VT_MAX_REFS], guint *n)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);

  *n = g_strv_length (parts);
  if (*n == 0 || *n > FM_VT_MAX_REFS)
    return FALSE;
  for (guint i = 0; i < *n; i++)
    {
      gchar *end = NULL;
      gint64 mv = g_ascii_strtoll (parts[i], &end, 10);

      if (!*parts[i] || *end || mv < -SHIFT_LIMIT_MV || mv > SHIFT_LIMIT_MV)
        return FALSE;
      shifts[i] = (gint16) mv;
    }
  return TRUE;
}

/* ---- PNG ------------------------------------------------------------------- */

#define PNG_W 1024
#define PNG_H 640
#define AREA_X 80.0
#define AREA_Y 90.0
#define AREA_W 900.0
#define AREA_H 460.0

static gdouble
x_of (const PageVt *v, gdouble mv)
{
  return AREA_X + AREA_W * (mv - v->lo_mv) / (v->hi_mv - v->lo_mv);
}

static void
draw_reference (cairo_t *cr, const PageVt *v, gdouble mv, const gchar *label, gboolean best)
{
  gdouble dash[] = { 6, 4 };

  cairo_set_source_rgb (cr, best ? 0.8 : 0.2, 0.1, 0.1);
  cairo_set_line_width (cr, best ? 1.5 : 1);
  cairo_set_dash (cr, dash, best ? 2 : 0, 0);
  cairo_move_to (cr, x_of (v, mv) + 0.5, AREA_Y);
  cairo_line_to (cr, x_of (v, mv) + 0.5, AREA_Y + AREA_H);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  plot_text (cr, x_of (v, mv) + 3, AREA_Y + (best ? 28 : 12), 11, label);
}

static gboolean
write_png (const PageVt *v, const gchar *title, const gchar *subtitle, guint bins,
           const gchar *path, GError **error)
{
  cairo_t *cr = plot_begin (PNG_W, PNG_H);
  gdouble width = (v->hi_mv - v->lo_mv) / bins, peak = 0;
  g_autofree gchar *lo = g_strdup_printf ("%.0f mV", v->lo_mv);
  g_autofree gchar *hi = g_strdup_printf ("%.0f mV", v->hi_mv);

  plot_font (cr, TRUE);
  plot_text (cr, AREA_X, 32, 18, title);
  plot_font (cr, FALSE);
  plot_text (cr, AREA_X, 58, 13, subtitle);
  for (guint i = 0; i < bins; i++)
    peak = MAX (peak, fm_vt_density (v->p, &v->h, v->lo_mv + (i + 0.5) * width));
  /* Each state's histogram, in its colour of the scale, over the others. */
  for (guint k = 0; k < v->states && peak > 0; k++)
    {
      gdouble rgb[3];

      plot_scale_colour (v->states > 1 ? (gdouble) k / (v->states - 1) : 0.5, rgb);
      cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 0.75);
      for (guint i = 0; i < bins; i++)
        {
          gdouble mv = v->lo_mv + (i + 0.5) * width;
          gdouble h = AREA_H * state_density (v, k, mv) / peak;

          cairo_rectangle (cr, AREA_X + i * AREA_W / bins, AREA_Y + AREA_H - h,
                           MAX (AREA_W / bins - 0.5, 0.5), h);
        }
      cairo_fill (cr);
    }
  for (guint r = 0; r < v->refs; r++)
    {
      g_autofree gchar *label = g_strdup_printf ("R%u", r + 1);
      g_autofree gchar *best = g_strdup_printf ("R%u%+d", r + 1, v->best[r]);

      draw_reference (cr, v, v->p->ref_mv[r], label, FALSE);
      if (v->best[r])
        draw_reference (cr, v, v->p->ref_mv[r] + v->best[r], best, TRUE);
    }
  plot_axes (cr, AREA_X, AREA_Y, AREA_W, AREA_H);
  plot_text (cr, AREA_X, AREA_Y + AREA_H + 18, 12, lo);
  plot_text (cr, AREA_X + AREA_W - 60, AREA_Y + AREA_H + 18, 12, hi);
  plot_text (cr, AREA_X + AREA_W / 2 - 120, AREA_Y + AREA_H + 40, 14,
             "threshold voltage (states: ER dark violet ... highest yellow)");
  plot_text (cr, 8, AREA_Y + AREA_H / 2, 12, "density");
  return plot_finish (cr, path, error);
}

/* ---- the command ----------------------------------------------------------- */

int
cmd_vt (int argc, char **argv)
{
  g_autofree gchar *block_text = NULL, *page_text = NULL, *bins_text = NULL, *png = NULL;
  g_autofree gchar *shift_text = NULL;
  gint16 shifts[FM_VT_MAX_REFS] = { 0 };
  guint n_shifts = 0;
  GOptionEntry entries[] = {
    { "block", 'b', 0, G_OPTION_ARG_STRING, &block_text, "The block", "B" },
    { "page", 'p', 0, G_OPTION_ARG_STRING, &page_text, "The page within the block", "P" },
    { "bins", 'n', 0, G_OPTION_ARG_STRING, &bins_text, "Histogram bins (default 40)", "N" },
    { "shift", 's', 0, G_OPTION_ARG_STRING, &shift_text,
      "Also the RBER with the references shifted by these mV (one per reference)", "MV,..." },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png, "Also draw the distributions into FILE", "FILE" },
    { NULL }
  };
  g_auto (OpenedImage) o = { NULL, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmNand) nand = NULL;
  guint64 block = 0, page = 0, bins = 40;
  FmVtHistory h;
  guint page_bit;
  PageVt v;
  g_autofree gchar *title = NULL, *subtitle = NULL;

  if (!parse_options (find_command ("vt"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2)
    return usage_error ("vt", "exactly one IMAGE is required");
  if (!block_text || !page_text)
    return usage_error ("vt", "--block B and --page P are required");
  if (!parse_u64_arg (block_text, &block) || !parse_u64_arg (page_text, &page))
    return usage_error ("vt", "--block and --page take non-negative integers");
  if (bins_text && (!parse_u64_arg (bins_text, &bins) || bins < 1 || bins > MAX_BINS))
    return usage_error ("vt", "--bins takes a number from 1 to 1000");
  if (shift_text && !parse_shifts (shift_text, shifts, &n_shifts))
    return usage_error ("vt", "--shift takes 1 to 7 integers from -5000 to 5000 (mV), separated by ','");

  if (!open_image (argv[1], &o, &error))
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  if (!o.desc->cell_model)
    {
      g_printerr ("flashmodel: %s has no cell model ([cell-model] in its descriptor)\n",
                  o.desc->name);
      return EXIT_FAILURE;
    }
  if (block >= fm_chip_desc_blocks (o.desc) || page >= o.desc->pages_per_block)
    {
      g_printerr ("flashmodel: %s: block %" G_GUINT64_FORMAT " page %" G_GUINT64_FORMAT
                  " is beyond chip '%s' (%u blocks of %u pages)\n", argv[1], block, page,
                  o.desc->name, fm_chip_desc_blocks (o.desc), o.desc->pages_per_block);
      return EXIT_FAILURE;
    }
  /* The model reads the image through an FmNand, which takes it over. */
  nand = fm_nand_new (o.desc, g_steal_pointer (&o.image), FM_TIMING_NONE, &error);
  if (!nand)
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  if (shift_text && n_shifts != fm_vt_refs_count (o.desc->cell_model))
    {
      g_printerr ("flashmodel: --shift gives %u shifts; chip '%s' has %u read references\n",
                  n_shifts, o.desc->name, fm_vt_refs_count (o.desc->cell_model));
      return EXIT_FAILURE;
    }
  fm_nand_cell_history (nand, block * o.desc->pages_per_block + page, &h, &page_bit);
  page_vt_init (&v, o.desc->cell_model, &h, page_bit);

  title = g_strdup_printf ("Vt of %s block %" G_GUINT64_FORMAT " page %" G_GUINT64_FORMAT
                           ": %s (cell model %s)", argv[1], block, page, o.desc->name,
                           v.p->family);
  subtitle = g_strdup_printf ("%s page; %u P/E cycles, %.6g h since program, %" G_GUINT64_FORMAT
                              " reads since erase, %u programmed neighbours; RBER %.3g, %.3g at "
                              "the best shift", page_names[page_bit], h.pe_cycles,
                              h.retention_hours, h.reads_since_erase, h.neighbours_programmed,
                              v.rber_default, v.rber_best);
  g_print ("page:        %s block %" G_GUINT64_FORMAT " page %" G_GUINT64_FORMAT ", %s page; "
           "chip %s, cell model %s (%u bit%s per cell)\n", argv[1], block, page,
           page_names[page_bit], o.desc->name, v.p->family, v.p->bits, v.p->bits > 1 ? "s" : "");
  g_print ("history:     %u P/E cycles, %.6g h since program (at %g C), %" G_GUINT64_FORMAT
           " reads since erase, %u of 2 neighbouring word lines programmed\n", h.pe_cycles,
           h.retention_hours, v.p->reference_celsius, h.reads_since_erase,
           h.neighbours_programmed);
  if (!fm_image_page (fm_nand_image (nand), block * o.desc->pages_per_block + page))
    g_print ("note:        the page is erased: its cells are all in ER, and a read sees RBER %.3g\n"
             "             (ER cells above the references); what follows is random data\n"
             "             programmed now\n",
             fm_vt_state_rber (v.p, &h, 0, page_bit, NULL));
  print_states (&v);
  print_histogram (&v, bins);
  print_rber (&v);
  if (shift_text)
    g_print ("your shift:  %s: RBER %.3g\n", shift_text,
             fm_vt_page_rber (v.p, &h, page_bit, shifts));
  if (png && !write_png (&v, title, subtitle, bins, png, &error))
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
