/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cell-calibration-compare: puts the cell model's raw bit error rates and
 * state distributions beside a source's published ones (see the header).
 */
#include "cell-calibration-compare.h"

#include "fm-error.h"

#include <math.h>
#include <string.h>

static const FmCalibBinding bindings[] = {
  /* Cai et al. 2017, Table 5: TLC, normalized Vt (512 = nominal maximum);
   * 10 mV a unit puts the window at ~5 V. Whole blocks were programmed with
   * data, so a page has both neighbouring word lines programmed. */
  { "cai2017-tlc-retention.csv", "tlc", 10.0, 2 },
};

const FmCalibBinding *
fm_calib_binding (const gchar *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    if (strcmp (bindings[i].source, name) == 0)
      return &bindings[i];
  return NULL;
}

/* A Vt table row: every state's mean and sigma at one history. */
typedef struct {
  guint32 pe_cycles;
  gdouble retention_hours;
  const gchar *label;
  gdouble mean[FM_VT_MAX_STATES], sigma[FM_VT_MAX_STATES];
  guint have_mean, have_sigma; /* bit masks of states */
} TableRow;

static TableRow *
table_row (GArray *table, const FmCalibPoint *pt)
{
  for (guint i = 0; i < table->len; i++)
    {
      TableRow *row = &g_array_index (table, TableRow, i);
      if (row->pe_cycles == pt->pe_cycles && row->retention_hours == pt->retention_hours)
        return row;
    }
  TableRow fresh = { .pe_cycles = pt->pe_cycles,
                     .retention_hours = pt->retention_hours,
                     .label = pt->retention_label };
  g_array_append_val (table, fresh);
  return &g_array_index (table, TableRow, table->len - 1);
}

gdouble
fm_calib_crossing (gdouble m1, gdouble s1, gdouble m2, gdouble s2)
{
  gdouble lo = m1, hi = m2;

  for (guint i = 0; i < 200; i++)
    {
      gdouble x = 0.5 * (lo + hi);
      gdouble l1 = -0.5 * pow ((x - m1) / s1, 2) - log (s1);
      gdouble l2 = -0.5 * pow ((x - m2) / s2, 2) - log (s2);
      if (l1 > l2)
        lo = x;
      else
        hi = x;
    }
  return 0.5 * (lo + hi);
}

/* The shifts that move P's references to where the states MEAN, SIGMA
 * cross. */
static void
crossing_offsets (const FmVtParams *p, const gdouble *mean, const gdouble *sigma,
                  gint16 offsets[FM_VT_MAX_REFS])
{
  for (guint r = 0; r < fm_vt_refs_count (p); r++)
    {
      gdouble shift =
          fm_calib_crossing (mean[r], sigma[r], mean[r + 1], sigma[r + 1]) - p->ref_mv[r];
      offsets[r] = (gint16)CLAMP (round (shift), G_MININT16, G_MAXINT16);
    }
}

gboolean
fm_calib_compare (const FmCalibSource *source, const FmCalibBinding *binding, const FmVtParams *p,
                  GArray *rows, GArray *states, GError **error)
{
  g_autoptr (GArray) table = g_array_new (FALSE, TRUE, sizeof (TableRow));
  guint n = fm_vt_states_count (p);
  guint all = (1u << n) - 1;

  for (guint i = 0; i < source->points->len; i++)
    {
      const FmCalibPoint *pt = g_ptr_array_index (source->points, i);

      if (pt->bits != p->bits)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                       "%s: line %u: a %u-bit part class, family %s has %u bits per cell",
                       source->name, pt->line, pt->bits, p->family, p->bits);
          return FALSE;
        }
      if (pt->metric == FM_CALIB_RBER)
        {
          FmVtHistory h = { .pe_cycles = pt->pe_cycles,
                            .retention_hours = pt->retention_hours,
                            .neighbours_programmed = binding->neighbours };
          FmCalibRow row = { .pe_cycles = pt->pe_cycles,
                             .retention_hours = pt->retention_hours,
                             .retention_label = pt->retention_label,
                             .page_bit = pt->page_bit,
                             .paper = pt->value,
                             .paper_crossed = NAN,
                             .model_crossed = NAN };
          if (pt->page_bit >= 0)
            {
              row.model = fm_vt_page_rber (p, &h, pt->page_bit, NULL);
            }
          else
            {
              for (guint b = 0; b < p->bits; b++)
                row.model += fm_vt_page_rber (p, &h, b, NULL) / p->bits;
            }
          g_array_append_val (rows, row);
          continue;
        }
      TableRow *row = table_row (table, pt);
      if (pt->metric == FM_CALIB_VT_MEAN)
        {
          row->mean[pt->state] = pt->value * binding->mv_per_unit;
          row->have_mean |= 1u << pt->state;
        }
      else
        {
          row->sigma[pt->state] = pt->value * binding->mv_per_unit;
          row->have_sigma |= 1u << pt->state;
        }
    }

  for (guint i = 0; i < table->len; i++)
    {
      const TableRow *t = &g_array_index (table, TableRow, i);
      FmVtHistory moved = { .pe_cycles = t->pe_cycles,
                            .retention_hours = t->retention_hours,
                            .neighbours_programmed = binding->neighbours };
      FmVtHistory unmoved = { 0 };
      FmVtParams published = *p;
      gdouble mean[FM_VT_MAX_STATES], sigma[FM_VT_MAX_STATES];
      gint16 paper_offsets[FM_VT_MAX_REFS], model_offsets[FM_VT_MAX_REFS];

      if (t->have_mean != all || t->have_sigma != all)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                       "%s: the Vt table at %u P/E cycles, %s, lacks a state's mean or sigma",
                       source->name, t->pe_cycles, t->label);
          return FALSE;
        }
      memcpy (published.mean_mv, t->mean, sizeof t->mean);
      memcpy (published.sigma_mv, t->sigma, sizeof t->sigma);
      fm_vt_states (p, &moved, mean, sigma);
      crossing_offsets (p, t->mean, t->sigma, paper_offsets);
      crossing_offsets (p, mean, sigma, model_offsets);
      for (guint b = 0; b < p->bits; b++)
        {
          FmCalibRow row = { .pe_cycles = t->pe_cycles,
                             .retention_hours = t->retention_hours,
                             .retention_label = t->label,
                             .page_bit = (gint)b,
                             .paper = fm_vt_page_rber (&published, &unmoved, b, NULL),
                             .model = fm_vt_page_rber (p, &moved, b, NULL),
                             .derived = TRUE,
                             .paper_crossed =
                                 fm_vt_page_rber (&published, &unmoved, b, paper_offsets),
                             .model_crossed = fm_vt_page_rber (p, &moved, b, model_offsets) };
          g_array_append_val (rows, row);
        }
      if (states == NULL)
        continue;
      for (guint k = 0; k < n; k++)
        {
          FmCalibStateRow s = { .pe_cycles = t->pe_cycles,
                                .retention_hours = t->retention_hours,
                                .retention_label = t->label,
                                .state = (gint)k,
                                .paper_mean = t->mean[k] / binding->mv_per_unit,
                                .paper_sigma = t->sigma[k] / binding->mv_per_unit,
                                .model_mean = mean[k] / binding->mv_per_unit,
                                .model_sigma = sigma[k] / binding->mv_per_unit };
          g_array_append_val (states, s);
        }
    }
  return TRUE;
}

gdouble
fm_calib_worst_ratio (const GArray *rows)
{
  gdouble worst = 1.0;

  for (guint i = 0; i < rows->len; i++)
    {
      const FmCalibRow *r = &g_array_index (rows, FmCalibRow, i);
      worst = MAX (worst, fm_calib_ratio (r->model, r->paper));
    }
  return worst;
}
