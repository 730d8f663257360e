/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flashmodel tool's PNG canvas, text, colour scale and axes (plot.h). */
#include "plot.h"
#include "fm-error.h"

cairo_t *
plot_begin (guint width, guint height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);

  cairo_surface_destroy (surface); /* CR holds it */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  return cr;
}

gboolean
plot_finish (cairo_t *cr, const gchar *path, GError **error)
{
  cairo_status_t status = cairo_status (cr);

  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png (cairo_get_target (cr), path);
  cairo_destroy (cr);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s", path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

void
plot_text (cairo_t *cr, gdouble x, gdouble y, gdouble size, const gchar *text)
{
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_font_size (cr, size);
  cairo_move_to (cr, x, y);
  cairo_show_text (cr, text);
}

void
plot_font (cairo_t *cr, gboolean bold)
{
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
}

void
plot_scale_colour (gdouble t, gdouble rgb[3])
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

void
plot_axes (cairo_t *cr, gdouble x, gdouble y, gdouble w, gdouble h)
{
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, x - 0.5, y);
  cairo_line_to (cr, x - 0.5, y + h + 0.5);
  cairo_line_to (cr, x + w, y + h + 0.5);
  cairo_stroke (cr);
}
