/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cell model's part families: every number of the threshold-voltage
 * model (fm-vt-model.h) in one table. These are flashmodel's model, not
 * datasheet facts: vendors publish no Vt distributions. The shapes follow
 * the characterization literature (Cai et al., DATE 2012, MLC error
 * patterns; Cai et al., HPCA 2015, retention; Luo et al., JSAC 2016, the
 * online Vt channel model; Mielke et al., IRPS 2008). The values here are
 * first estimates chosen to give those shapes and plausible magnitudes
 * (fresh MLC ~1e-9, 3k-cycle MLC ~1e-4, rising by decades with retention);
 * bench/cell-fit fits them against the digitised measurements in
 * bench/calibration/, bench/cell-calibration compares them with those
 * measurements, and a fitted value says so in its comment (tlc).
 */
#include "fm-vt-model.h"

#include <string.h>

static const FmVtParams families[] = {
  {
    .family = "slc",
    .bits = 1,
    /* Erased state wide and deep, programmed state narrow (ISPP): 6.7
     * and 13 sigma from the reference, RBER ~1e-11 fresh. */
    .mean_mv = { -2000, 2000 },
    .sigma_mv = { 300, 150 },
    .ref_mv = { 0 },
    /* SLC endures ~100k cycles. Charge loss, not widening, is what ends an
     * SLC block's life (the states keep their width; the programmed one
     * sinks), so that read retry recovers it, as on the 2x-nm SLC parts
     * that have retry (Macronix MX30LFxG28AD): 60k cycles and 10 years at
     * 25 C give RBER ~2e-4, inside those parts' 8-bit/512 ECC; 1.5 times
     * the cycles and 5 years give ~2e-2, beyond it at the default
     * reference and back inside it 320 mV lower. First estimates, not
     * calibrated (no SLC measurement was readable). */
    .wear_ref_cycles = 100000,
    .wear_exponent = 0.7,               /* Luo et al.: sigma grows sub-linearly */
    .wear_sigma_mv = 50,
    .wear_erased_shift_mv = 200,
    /* Charge loss ~ ln(1 + t/t0) (Cai et al., HPCA 2015, Fig. 5 shape). */
    .retention_shift_mv = 40,
    .retention_sigma_mv = 1,
    .retention_t0_hours = 1,
    .retention_wear_gain = 3,
    .activation_ev = 1.1,               /* JEDEC JESD22-A117 data retention */
    .reference_celsius = 25,
    .read_disturb_mv_per_kread = 0.5,
    .read_disturb_p1_fraction = 0.1,
    .interference_mv = 10,
  },
  {
    .family = "mlc-2ynm",
    .bits = 2,
    /* ER, P1, P2, P3: 6 sigma between each programmed state and its
     * references, fresh RBER ~1e-9 (Cai et al., DATE 2012, Fig. 2 shape). */
    .mean_mv = { -1500, 1100, 2300, 3500 },
    .sigma_mv = { 300, 100, 100, 100 },
    .ref_mv = { 500, 1700, 2900 },
    /* 2y-nm MLC is rated ~3k cycles; RBER ~1e-4 there (DATE 2012, Fig. 4). */
    .wear_ref_cycles = 3000,
    .wear_exponent = 0.8,
    .wear_sigma_mv = 60,
    .wear_erased_shift_mv = 200,
    /* Retention dominates worn MLC (HPCA 2015): P3 of a fresh block loses
     * ~8 mV per e-fold of time (~70 mV in a year), five times that at 3k
     * cycles (worn oxide leaks faster). */
    .retention_shift_mv = 8,
    .retention_sigma_mv = 2,
    .retention_t0_hours = 1,
    .retention_wear_gain = 4,
    .activation_ev = 1.1,               /* JEDEC JESD22-A117 data retention */
    .reference_celsius = 25,
    /* Read disturb: Cai et al., DSN 2015: the erased state creeps up. */
    .read_disturb_mv_per_kread = 2,
    .read_disturb_p1_fraction = 0.2,
    /* Program interference: Cai et al., ICCD 2013: tens of mV per neighbour. */
    .interference_mv = 20,
  },
  {
    .family = "mlc-1xnm",
    .bits = 2,
    /* Smaller cells: fewer electrons per state, narrower margins. */
    .mean_mv = { -1400, 1050, 2200, 3350 },
    .sigma_mv = { 300, 95, 95, 95 },
    .ref_mv = { 480, 1630, 2780 },
    .wear_ref_cycles = 3000,
    .wear_exponent = 0.8,
    .wear_sigma_mv = 75,
    .wear_erased_shift_mv = 250,
    .retention_shift_mv = 10,
    .retention_sigma_mv = 2.5,
    .retention_t0_hours = 1,
    .retention_wear_gain = 5,
    .activation_ev = 1.1,
    .reference_celsius = 25,
    .read_disturb_mv_per_kread = 3,
    .read_disturb_p1_fraction = 0.2,
    .interference_mv = 30,
  },
  {
    /* TLC (2-3-2 coding); no shipped part is TLC yet. Fitted by
     * bench/cell-fit to Cai et al., Proc. IEEE 2017, Table 5 (real TLC
     * chips at 2000 P/E cycles, each state's Vt after 1 day .. 1 year;
     * bench/calibration/), one of the paper's normalized Vt units taken as
     * 10 mV: bench/cell-calibration puts every page's RBER within 1.31x of
     * the published distributions' at each retention time. */
    .family = "tlc",
    .bits = 3,
    /* Fresh states: fitted. Only their sum with the wear terms below at
     * 2000 cycles is measured: one P/E count cannot split fresh width from
     * wear, so the programmed states' 19.5 mV is narrow because the wear
     * law (not calibrated) gives them 70 mV by 2000 cycles. */
    .mean_mv = { -1384, 678, 1277, 1917, 2532, 3170, 3814, 4460 },
    .sigma_mv = { 385.0, 19.5, 19.5, 19.5, 19.5, 19.5, 19.5, 19.5 },
    /* Where the 1-day distributions cross (each pair's equal-density
     * point): the references the published data reads best with. */
    .ref_mv = { 355, 974, 1605, 2236, 2869, 3506, 4168 },
    /* Wear: first estimates, not calibrated (no P/E series was readable).
     * The erased state's rise is set so that a fresh block reads below
     * 1e-6, as every family does (the fit then places the fresh erased
     * state 300 mV x 2^0.8 below its 2000-cycle position). */
    .wear_ref_cycles = 1000,
    .wear_exponent = 0.8,
    .wear_sigma_mv = 40,
    .wear_erased_shift_mv = 300,
    /* Retention: fitted. The published distributions mostly widen (P1 .. P7
     * from 9.1-9.7 to 11.9-12.8 units in a year); their means move less
     * and toward the middle (ER and P1 up, P5 .. P7 down), which this
     * model's charge loss (higher states fall, ER stays) cannot follow, so
     * the fit widens rather than shifts. */
    .retention_shift_mv = 0.34,
    .retention_sigma_mv = 1.107,
    .retention_t0_hours = 42.2,
    .retention_wear_gain = 5,
    .activation_ev = 1.1,
    .reference_celsius = 25,
    .read_disturb_mv_per_kread = 3,
    .read_disturb_p1_fraction = 0.2,
    .interference_mv = 20,
  },
};

const FmVtParams *
fm_vt_family (const gchar *name)
{
  for (guint i = 0; name && i < G_N_ELEMENTS (families); i++)
    if (strcmp (families[i].family, name) == 0)
      return &families[i];
  return NULL;
}

const gchar *const *
fm_vt_family_names (void)
{
  static const gchar *names[G_N_ELEMENTS (families) + 1];
  static gsize filled;

  if (g_once_init_enter (&filled))
    {
      for (guint i = 0; i < G_N_ELEMENTS (families); i++)
        names[i] = families[i].family;
      g_once_init_leave (&filled, 1);
    }
  return names;
}
