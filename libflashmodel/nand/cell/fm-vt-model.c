/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The threshold-voltage cell model (fm-vt-model.h): states as Gaussians
 * that wear, retention, read disturb and program interference move, and a
 * page's raw bit error rate from their overlap with the read references.
 */
#include "fm-vt-model.h"
#include "fm-error.h"

#include <math.h>

#define BOLTZMANN_EV_PER_K 8.617333262e-5
#define KELVIN_AT_0C 273.15

/* The Gray code: bit PAGE_BIT of a state's code is the value that page
 * holds (fm-vt-model.h gives the coding). Index [bits - 1][state]. */
static const guint8 gray_codes[FM_VT_MAX_BITS][FM_VT_MAX_STATES] = {
  { 1, 0 },                     /* SLC: erased = 1 */
  { 3, 1, 0, 2 },               /* MLC: 11, 01, 00, 10 (upper, lower) */
  { 7, 6, 4, 0, 2, 3, 1, 5 },   /* TLC 2-3-2: lower R1,R5; upper R2,R4,R6; extra R3,R7 */
};

guint
fm_vt_states_count (const FmVtParams *p)
{
  return 1u << p->bits;
}

guint
fm_vt_refs_count (const FmVtParams *p)
{
  return fm_vt_states_count (p) - 1;
}

guint
fm_vt_state_bit (const FmVtParams *p, guint state, guint page_bit)
{
  return (gray_codes[p->bits - 1][state] >> page_bit) & 1;
}

/* How far state K sits above the erased state, relative to the highest
 * state: 0 for the erased state, 1 for the highest. */
static gdouble
state_height (const FmVtParams *p, guint k)
{
  guint top = fm_vt_states_count (p) - 1;

  return (p->mean_mv[k] - p->mean_mv[0]) / (p->mean_mv[top] - p->mean_mv[0]);
}

void
fm_vt_states (const FmVtParams *p, const FmVtHistory *h,
              gdouble mean_mv[FM_VT_MAX_STATES], gdouble sigma_mv[FM_VT_MAX_STATES])
{
  guint n = fm_vt_states_count (p);
  gdouble w = p->wear_ref_cycles > 0 ? h->pe_cycles / p->wear_ref_cycles : 0.0;
  gdouble wear = w > 0 ? pow (w, p->wear_exponent) : 0.0;
  gdouble retention = p->retention_t0_hours > 0 && h->retention_hours > 0
    ? log1p (h->retention_hours / p->retention_t0_hours) * (1.0 + p->retention_wear_gain * w) : 0.0;
  gdouble disturb = p->read_disturb_mv_per_kread * (h->reads_since_erase / 1000.0) * (1.0 + w);
  guint neighbours = MIN (h->neighbours_programmed, 2u);

  for (guint k = 0; k < FM_VT_MAX_STATES; k++)
    {
      gdouble f;

      if (k >= n)
        {
          mean_mv[k] = sigma_mv[k] = 0;
          continue;
        }
      f = state_height (p, k);
      mean_mv[k] = p->mean_mv[k] - p->retention_shift_mv * f * retention
                   + p->interference_mv * neighbours * (1.0 - f);
      sigma_mv[k] = p->sigma_mv[k] + p->wear_sigma_mv * wear + p->retention_sigma_mv * f * retention;
    }
  mean_mv[0] += p->wear_erased_shift_mv * wear + disturb;
  if (n > 1)
    mean_mv[1] += p->read_disturb_p1_fraction * disturb;
}

/* P(V < X) and P(V > X) for V ~ N(MU, SIGMA), each accurate in its tail. */
static gdouble
below (gdouble x, gdouble mu, gdouble sigma)
{
  return 0.5 * erfc ((mu - x) / (sigma * G_SQRT2));
}

static gdouble
above (gdouble x, gdouble mu, gdouble sigma)
{
  return 0.5 * erfc ((x - mu) / (sigma * G_SQRT2));
}

/* The read references after OFFSETS_MV (NULL: none), in order: shifted
 * references that cross keep their order (the band between is empty). */
static void
shifted_refs (const FmVtParams *p, const gint16 *offsets_mv, gdouble refs[FM_VT_MAX_REFS])
{
  for (guint r = 0; r < fm_vt_refs_count (p); r++)
    {
      refs[r] = p->ref_mv[r] + (offsets_mv ? offsets_mv[r] : 0);
      if (r > 0 && refs[r] < refs[r - 1])
        refs[r] = refs[r - 1];
    }
}

/* P(a cell of state S with Vt ~ N(MEAN, SIGMA) reads as a state whose bit
 * PAGE_BIT differs). A cell reads as the number of references below its Vt. */
static gdouble
state_error (const FmVtParams *p, guint s, gdouble mean, gdouble sigma,
             const gdouble refs[FM_VT_MAX_REFS], guint page_bit)
{
  guint n = fm_vt_states_count (p);
  gdouble wrong = 0;

  for (guint r = 0; r < n; r++)
    {
      gdouble pr;

      if (fm_vt_state_bit (p, r, page_bit) == fm_vt_state_bit (p, s, page_bit))
        continue;
      /* P(refs[r-1] <= V < refs[r]) from the tail on the far side of the
       * mean, where it is not a difference of numbers near 1. */
      if (r < s)
        pr = below (refs[r], mean, sigma) - (r > 0 ? below (refs[r - 1], mean, sigma) : 0);
      else
        pr = above (refs[r - 1], mean, sigma) - (r + 1 < n ? above (refs[r], mean, sigma) : 0);
      wrong += MAX (pr, 0.0);
    }
  return wrong;
}

gdouble
fm_vt_state_rber (const FmVtParams *p, const FmVtHistory *h, guint state, guint page_bit,
                  const gint16 *offsets_mv)
{
  gdouble mean[FM_VT_MAX_STATES], sigma[FM_VT_MAX_STATES], refs[FM_VT_MAX_REFS];

  g_return_val_if_fail (page_bit < p->bits && state < fm_vt_states_count (p), 0.0);
  fm_vt_states (p, h, mean, sigma);
  shifted_refs (p, offsets_mv, refs);
  return MIN (state_error (p, state, mean[state], sigma[state], refs, page_bit), 0.5);
}

gdouble
fm_vt_page_rber (const FmVtParams *p, const FmVtHistory *h, guint page_bit,
                 const gint16 *offsets_mv)
{
  guint n = fm_vt_states_count (p);
  gdouble mean[FM_VT_MAX_STATES], sigma[FM_VT_MAX_STATES], refs[FM_VT_MAX_REFS];
  gdouble wrong = 0;

  g_return_val_if_fail (page_bit < p->bits, 0.0);
  fm_vt_states (p, h, mean, sigma);
  shifted_refs (p, offsets_mv, refs);
  for (guint s = 0; s < n; s++)
    wrong += state_error (p, s, mean[s], sigma[s], refs, page_bit);
  return MIN (wrong / n, 0.5);
}

gdouble
fm_vt_density (const FmVtParams *p, const FmVtHistory *h, gdouble v_mv)
{
  guint n = fm_vt_states_count (p);
  gdouble mean[FM_VT_MAX_STATES], sigma[FM_VT_MAX_STATES];
  gdouble sum = 0;

  fm_vt_states (p, h, mean, sigma);
  for (guint s = 0; s < n; s++)
    {
      gdouble z = (v_mv - mean[s]) / sigma[s];

      sum += exp (-0.5 * z * z) / (sigma[s] * sqrt (2 * G_PI));
    }
  return sum / n;
}

gdouble
fm_vt_arrhenius_hours (const FmVtParams *p, gdouble hours, gdouble celsius)
{
  gdouble t = celsius + KELVIN_AT_0C, t_ref = p->reference_celsius + KELVIN_AT_0C;

  if (p->activation_ev <= 0 || t <= 0 || t_ref <= 0)
    return hours;
  return hours * exp (p->activation_ev / BOLTZMANN_EV_PER_K * (1.0 / t_ref - 1.0 / t));
}

/* Bounds a hostile descriptor may not leave: wide enough for any real
 * part, narrow enough that no arithmetic overflows or divides by zero. */
#define VT_LIMIT_MV 20000.0

static gboolean
check_range (gdouble v, gdouble lo, gdouble hi, const gchar *key, GError **error)
{
  if (isfinite (v) && v >= lo && v <= hi)
    return TRUE;
  g_set_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR, "%s: %g is outside %g..%g", key, v, lo, hi);
  return FALSE;
}

gboolean
fm_vt_params_check (const FmVtParams *p, GError **error)
{
  guint n;

  if (p->bits < 1 || p->bits > FM_VT_MAX_BITS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR, "bits: %u bits per cell, not 1..%u",
                   p->bits, FM_VT_MAX_BITS);
      return FALSE;
    }
  n = fm_vt_states_count (p);
  for (guint k = 0; k < n; k++)
    {
      if (!check_range (p->mean_mv[k], -VT_LIMIT_MV, VT_LIMIT_MV, "mean-mv", error) ||
          !check_range (p->sigma_mv[k], 1.0, VT_LIMIT_MV, "sigma-mv", error))
        return FALSE;
      if (k > 0 && p->mean_mv[k] <= p->mean_mv[k - 1])
        {
          g_set_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR,
                       "mean-mv: state %u (%g) is not above state %u (%g)",
                       k, p->mean_mv[k], k - 1, p->mean_mv[k - 1]);
          return FALSE;
        }
    }
  for (guint r = 0; r + 1 < n; r++)
    {
      if (!check_range (p->ref_mv[r], -VT_LIMIT_MV, VT_LIMIT_MV, "ref-mv", error))
        return FALSE;
      if (p->ref_mv[r] <= p->mean_mv[r] || p->ref_mv[r] >= p->mean_mv[r + 1])
        {
          g_set_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR,
                       "ref-mv: reference %u (%g) is not between the means of states %u and %u",
                       r + 1, p->ref_mv[r], r, r + 1);
          return FALSE;
        }
    }
  return check_range (p->wear_ref_cycles, 1.0, 1e9, "wear-ref-cycles", error) &&
         check_range (p->wear_exponent, 0.0, 10.0, "wear-exponent", error) &&
         check_range (p->wear_sigma_mv, 0.0, VT_LIMIT_MV, "wear-sigma-mv", error) &&
         check_range (p->wear_erased_shift_mv, 0.0, VT_LIMIT_MV, "wear-erased-shift-mv", error) &&
         check_range (p->retention_shift_mv, 0.0, VT_LIMIT_MV, "retention-shift-mv", error) &&
         check_range (p->retention_sigma_mv, 0.0, VT_LIMIT_MV, "retention-sigma-mv", error) &&
         check_range (p->retention_t0_hours, 1e-6, 1e9, "retention-t0-hours", error) &&
         check_range (p->retention_wear_gain, 0.0, 1000.0, "retention-wear-gain", error) &&
         check_range (p->activation_ev, 0.0, 5.0, "activation-ev", error) &&
         check_range (p->reference_celsius, -55.0, 200.0, "reference-celsius", error) &&
         check_range (p->read_disturb_mv_per_kread, 0.0, VT_LIMIT_MV, "read-disturb-mv-per-kread", error) &&
         check_range (p->read_disturb_p1_fraction, 0.0, 1.0, "read-disturb-p1-fraction", error) &&
         check_range (p->interference_mv, 0.0, VT_LIMIT_MV, "interference-mv", error);
}
