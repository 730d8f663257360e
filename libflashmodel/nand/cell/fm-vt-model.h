/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The threshold-voltage (Vt) cell model: each programmed state of a cell is
 * a Gaussian distribution of threshold voltages whose mean and width move
 * with the block's history (P/E cycles, retention time, read disturb,
 * program interference), as flash characterization papers measure them
 * (Cai et al., DATE 2012 and HPCA 2015; Luo et al., JSAC 2016). A read
 * compares a cell's Vt with the read references; a page's raw bit error
 * rate is the probability mass of its states on the wrong side of the
 * references where that page's bit changes, computed exactly from the
 * normal distribution (no sampling: the draw of which bits flip stays with
 * fm_bit_errors_inject() and its seeded stream).
 *
 * States are numbered from the erased state (0) upwards in Vt. Bits of a
 * multi-level cell follow a Gray code, so one page's bit changes only at
 * some references:
 *   MLC  ER,P1,P2,P3 = 11,01,00,10 (upper bit, lower bit): the lower page
 *        reads with R2, the upper page with R1 and R3;
 *   TLC  2-3-2 coding: lower page R1,R5; upper page R2,R4,R6; extra R3,R7.
 * All voltages are in mV, times in hours.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_VT_MAX_BITS   3
#define FM_VT_MAX_STATES 8          /* 1 << FM_VT_MAX_BITS */
#define FM_VT_MAX_REFS   (FM_VT_MAX_STATES - 1)

/* One part family's parameters, all voltages in mV. Wear, retention and
 * read disturb grow with w = pe_cycles / wear_ref_cycles. */
typedef struct {
  const gchar *family;              /* e.g. "slc", "mlc-2ynm" (fm-vt-families.c) */
  guint bits;                       /* bits per cell: 1 (SLC), 2 (MLC), 3 (TLC) */
  gdouble mean_mv[FM_VT_MAX_STATES], sigma_mv[FM_VT_MAX_STATES]; /* fresh; erased first */
  gdouble ref_mv[FM_VT_MAX_STATES - 1];                          /* default read references */

  /* Wear: every state widens by wear_sigma_mv * w^wear_exponent; the erased
   * state's mean rises by wear_erased_shift_mv * w^wear_exponent (charge
   * trapped in the tunnel oxide). */
  gdouble wear_ref_cycles;
  gdouble wear_exponent;
  gdouble wear_sigma_mv;
  gdouble wear_erased_shift_mv;

  /* Retention (charge loss): a programmed state k falls by
   *   retention_shift_mv * f_k * (1 + retention_wear_gain * w) * ln(1 + t / retention_t0_hours)
   * and widens by retention_sigma_mv times the same factors, where f_k is
   * the state's height above the erased state relative to the highest
   * state's (higher states lose more). t is in hours at reference_celsius;
   * activation_ev scales other temperatures (Arrhenius; 0: none). */
  gdouble retention_shift_mv;
  gdouble retention_sigma_mv;
  gdouble retention_t0_hours;
  gdouble retention_wear_gain;
  gdouble activation_ev;
  gdouble reference_celsius;

  /* Read disturb: the erased state rises by read_disturb_mv_per_kread per
   * thousand reads of its block since the erase, times (1 + w); state P1 by
   * read_disturb_p1_fraction of that. */
  gdouble read_disturb_mv_per_kread;
  gdouble read_disturb_p1_fraction;

  /* Program interference: each programmed neighbouring word line (0..2)
   * raises state k by interference_mv * (1 - f_k): the erased state most,
   * the highest state not at all. */
  gdouble interference_mv;
} FmVtParams;

/* What happened to a page's cells. */
typedef struct {
  guint32 pe_cycles;                /* erase count of the block */
  gdouble retention_hours;          /* since program, at the reference temperature */
  guint64 reads_since_erase;        /* read disturb */
  guint neighbours_programmed;      /* program interference: 0..2 adjacent word lines */
} FmVtHistory;

/* Number of states (1 << bits) and of read references (states - 1). */
guint   fm_vt_states_count (const FmVtParams *p);
guint   fm_vt_refs_count   (const FmVtParams *p);

/* Each state's mean and sigma after HISTORY. */
void    fm_vt_states   (const FmVtParams *p, const FmVtHistory *h,
                        gdouble mean_mv[FM_VT_MAX_STATES], gdouble sigma_mv[FM_VT_MAX_STATES]);

/* The bit page PAGE_BIT of a cell in STATE holds (0 or 1), per the Gray code. */
guint   fm_vt_state_bit (const FmVtParams *p, guint state, guint page_bit);

/* Raw bit error rate of page type PAGE_BIT (0 = lower/LSB page, 1 = upper/MSB, 2 = extra)
 * read with the references shifted by OFFSETS_MV (NULL: defaults; one per
 * reference, lowest first), for random data (each state equally likely):
 * from the overlap of the states' distributions. */
gdouble fm_vt_page_rber (const FmVtParams *p, const FmVtHistory *h, guint page_bit,
                         const gint16 *offsets_mv);

/* The same for the cells of one STATE only (an erased page: state 0). */
gdouble fm_vt_state_rber (const FmVtParams *p, const FmVtHistory *h, guint state,
                          guint page_bit, const gint16 *offsets_mv);

/* Probability density (per mV) of a cell's Vt at V over all states, each
 * equally likely (histograms, plots). */
gdouble fm_vt_density  (const FmVtParams *p, const FmVtHistory *h, gdouble v_mv);

/* Retention hours at REFERENCE temperature equivalent to HOURS at CELSIUS (Arrhenius with the
 * family's activation energy; HOURS unchanged if the family gives none, or
 * CELSIUS is not above absolute zero). The factor is finite for any
 * temperature (at most e^267 with fm_vt_params_check()'s bounds). */
gdouble fm_vt_arrhenius_hours (const FmVtParams *p, gdouble hours, gdouble celsius);

/* A family's built-in parameters (fm-vt-families.c); NULL: unknown. */
const FmVtParams *fm_vt_family (const gchar *name);
/* The names of the built-in families, NULL-terminated. */
const gchar *const *fm_vt_family_names (void);

/* Checks P's values are physical and bounded (hostile descriptors); on
 * failure names the parameter (with dashes, as the descriptor key) in ERROR. */
gboolean fm_vt_params_check (const FmVtParams *p, GError **error);

G_END_DECLS
