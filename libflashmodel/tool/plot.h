/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the flashmodel tool's PNG pictures share (wear's heatmap, vt's
 * distributions): a white canvas written as a PNG, text, the colour
 * scale, axes.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

/* A white WIDTH x HEIGHT canvas to draw on. */
cairo_t *plot_begin (guint width, guint height);
/* Writes CR's canvas to PATH as a PNG and frees it (whatever happens). */
gboolean plot_finish (cairo_t *cr, const gchar *path, GError **error);

/* TEXT in black at X, Y (its baseline's left end), SIZE pixels high. */
void plot_text (cairo_t *cr, gdouble x, gdouble y, gdouble size, const gchar *text);
void plot_font (cairo_t *cr, gboolean bold);
/* Viridis at T in [0, 1]: ordered in lightness, readable printed grey. */
void plot_scale_colour (gdouble t, gdouble rgb[3]);
/* A left and a bottom axis around the box at X, Y, W x H. */
void plot_axes (cairo_t *cr, gdouble x, gdouble y, gdouble w, gdouble h);
