/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cell-calibration-compare: the cell model (fm-vt-model.h) beside a
 * source's published measurements, point by point: what bench/cell-calibration
 * prints and bench/cell-fit minimises.
 */
#pragma once

#include "cell-calibration-data.h"
#include "fm-vt-model.h"

G_BEGIN_DECLS

/* How a source's measurements map onto the model. */
typedef struct {
  const gchar *source;      /* the CSV's basename */
  const gchar *family;      /* the fm_vt_family() calibrated against it */
  gdouble mv_per_unit;      /* the source's Vt unit in mV (vt_ metrics) */
  guint neighbours;         /* programmed neighbour word lines of the measured pages */
} FmCalibBinding;

/* The binding of the source named NAME; NULL: none (not compared). */
const FmCalibBinding *fm_calib_binding (const gchar *name);

/* One RBER comparison: a page type at one P/E count and retention time. */
typedef struct {
  guint32 pe_cycles;
  gdouble retention_hours;
  const gchar *retention_label;   /* the source's point's, borrowed */
  gint page_bit;                  /* -1: all pages */
  gdouble paper;                  /* the published RBER, or that of the published distributions */
  gdouble model;
  gboolean derived;               /* paper is derived from a published Vt table */
  /* Derived rows only (NAN otherwise): both sides' RBER with every
   * reference moved to where its two states cross, the most a read retry
   * of the references could gain. */
  gdouble paper_crossed, model_crossed;
} FmCalibRow;

/* One state's published distribution beside the model's, in source units. */
typedef struct {
  guint32 pe_cycles;
  gdouble retention_hours;
  const gchar *retention_label;
  gint state;
  gdouble paper_mean, paper_sigma;
  gdouble model_mean, model_sigma;
} FmCalibStateRow;

/*
 * The RBER rows of SOURCE under the model P (BINDING maps units and
 * history): each published rber point as it is; and, for each P/E count
 * and retention time whose Vt table row gives every state's mean and
 * sigma, each page type's RBER of those distributions read at P's default
 * references (fm_vt_page_rber() on a copy of P whose fresh states are the
 * table row, at a history that moves nothing), so both sides count errors
 * the same way. STATES (may be NULL) receives the table's states beside
 * the model's. FALSE if a Vt table row is incomplete.
 */
gboolean fm_calib_compare (const FmCalibSource *source, const FmCalibBinding *binding,
                           const FmVtParams *p, GArray *rows, GArray *states,
                           GError **error);

/* Where N(M1,S1) and N(M2,S2) have equal density, between M1 < M2: the
 * reference that reads two equally likely states best. */
gdouble  fm_calib_crossing (gdouble m1, gdouble s1, gdouble m2, gdouble s2);

/* The largest fm_calib_ratio() over ROWS (1 if there are none). */
gdouble  fm_calib_worst_ratio (const GArray *rows);

G_END_DECLS
