/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cell-calibration-data: the published measurements of bench/calibration/
 * (one CSV per source, format in its README.md) and the comparison of a
 * model value with a published one against the calibration goal.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_CALIB_GOAL_FACTOR 1.5  /* issue 21: model RBER within 1.5x of the paper */
#define FM_CALIB_MAX_STATES  8    /* ER, P1 .. P7 */

typedef enum {
  FM_CALIB_RBER,      /* raw bit errors per bit read */
  FM_CALIB_VT_MEAN,   /* a state's threshold-voltage mean, source units */
  FM_CALIB_VT_SIGMA,  /* its standard deviation, source units */
} FmCalibMetric;

typedef enum {
  FM_CALIB_TABLE,     /* printed in a table */
  FM_CALIB_TEXT,      /* stated in the text */
  FM_CALIB_FIGURE,    /* read off a figure */
} FmCalibHow;

/* One published value: a row of a CSV. */
typedef struct {
  guint bits;               /* part class: 1 (slc), 2 (mlc), 3 (tlc) */
  FmCalibMetric metric;
  gint state;               /* 0 (ER) .. 7 (P7); -1 for rber */
  guint32 pe_cycles;
  gdouble retention_hours;
  gchar *retention_label;
  gint page_bit;            /* 0 lower, 1 upper, 2 extra; -1: all or not given */
  gdouble value;
  FmCalibHow how;
  gchar *location;
  guint line;               /* in its file, for messages */
} FmCalibPoint;

/* A source: its file's basename and its points, in file order. */
typedef struct {
  gchar *name;
  GPtrArray *points;        /* of FmCalibPoint */
} FmCalibSource;

/* Parses one CSV. Errors (FM_ERROR_STATS_FORMAT, FM_ERROR_IO) name the
 * file, the line, the field and the reason. */
FmCalibSource *fm_calib_source_load (const gchar *path, GError **error);
void           fm_calib_source_free (FmCalibSource *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmCalibSource, fm_calib_source_free)

/* Every *.csv of DIR, sorted by name (an empty array if there is none). */
GPtrArray     *fm_calib_sources_load_dir (const gchar *dir, GError **error);

/* The calibration metric of one point: max(model/paper, paper/model).
 * +inf when exactly one of them is zero or either is negative or not
 * finite; 1 when both are zero. */
gdouble        fm_calib_ratio (gdouble model, gdouble paper);
/* Whether the point meets the goal: ratio <= FACTOR. */
gboolean       fm_calib_within (gdouble model, gdouble paper, gdouble factor);

/* "lower", "upper", "extra" or "all"; "ER", "P1" ... */
const gchar   *fm_calib_page_name (gint page_bit);
const gchar   *fm_calib_state_name (gint state);

G_END_DECLS
