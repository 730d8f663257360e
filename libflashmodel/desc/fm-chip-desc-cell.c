/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * [cell-model]: a NAND part's threshold-voltage cell model (fm-vt-model.h):
 * family=NAME picks a built-in family, any other key overrides one of its
 * parameters (the parameter's name with dashes). The alternative to the
 * simple [bit-errors] formula: a part has one or the other.
 */
#include "fm-chip-desc-loader.h"
#include "fm-error.h"
#include "fm-vt-model.h"

#include <stddef.h>

#define GROUP "cell-model"

/* The scalar parameters a descriptor may override. Their bounds are
 * fm_vt_params_check()'s, applied to the result; the loader only keeps
 * out what no parameter may be. */
#define ANY_VALUE 1e9
static const struct {
  const gchar *key;
  gsize offset;
} scalars[] = {
  { "wear-ref-cycles", offsetof (FmVtParams, wear_ref_cycles) },
  { "wear-exponent", offsetof (FmVtParams, wear_exponent) },
  { "wear-sigma-mv", offsetof (FmVtParams, wear_sigma_mv) },
  { "wear-erased-shift-mv", offsetof (FmVtParams, wear_erased_shift_mv) },
  { "retention-shift-mv", offsetof (FmVtParams, retention_shift_mv) },
  { "retention-sigma-mv", offsetof (FmVtParams, retention_sigma_mv) },
  { "retention-t0-hours", offsetof (FmVtParams, retention_t0_hours) },
  { "retention-wear-gain", offsetof (FmVtParams, retention_wear_gain) },
  { "activation-ev", offsetof (FmVtParams, activation_ev) },
  { "reference-celsius", offsetof (FmVtParams, reference_celsius) },
  { "read-disturb-mv-per-kread", offsetof (FmVtParams, read_disturb_mv_per_kread) },
  { "read-disturb-p1-fraction", offsetof (FmVtParams, read_disturb_p1_fraction) },
  { "interference-mv", offsetof (FmVtParams, interference_mv) },
};

const gchar *const fm_desc_cell_model_keys[] = {
  "family", "mean-mv", "sigma-mv", "ref-mv",
  "wear-ref-cycles", "wear-exponent", "wear-sigma-mv", "wear-erased-shift-mv",
  "retention-shift-mv", "retention-sigma-mv", "retention-t0-hours", "retention-wear-gain",
  "activation-ev", "reference-celsius", "read-disturb-mv-per-kread",
  "read-disturb-p1-fraction", "interference-mv", NULL };

gboolean
fm_desc_load_cell_model (const FmDescLoader *ld, FmChipDesc *d, GError **error)
{
  g_autofree gchar *family = NULL;
  g_autofree FmVtParams *p = NULL;
  const FmVtParams *base;
  GError *local = NULL;
  guint states;

  if (!g_key_file_has_group (ld->kf, GROUP))
    return TRUE;
  if (g_key_file_has_group (ld->kf, "bit-errors"))
    return fm_desc_fail (ld, error, GROUP, NULL,
                         "a part has either the cell model or the [bit-errors] formula: choose one");
  if (!fm_desc_get_string (ld, GROUP, "family", TRUE, 64, &family, error))
    return FALSE;
  base = fm_vt_family (family);
  if (!base)
    {
      g_autofree gchar *known = g_strjoinv (", ", (gchar **) fm_vt_family_names ());

      return fm_desc_fail (ld, error, GROUP, "family", "unknown family '%s' (known: %s)", family, known);
    }
  if (base->bits != fm_chip_desc_bits_per_cell (d))
    return fm_desc_fail (ld, error, GROUP, "family", "'%s' has %u bits per cell, the part %u",
                         family, base->bits, fm_chip_desc_bits_per_cell (d));
  p = g_memdup2 (base, sizeof *base);
  states = fm_vt_states_count (p);
  if (!fm_desc_get_double_list (ld, GROUP, "mean-mv", FALSE, -ANY_VALUE, ANY_VALUE, states,
                                p->mean_mv, error) ||
      !fm_desc_get_double_list (ld, GROUP, "sigma-mv", FALSE, -ANY_VALUE, ANY_VALUE, states,
                                p->sigma_mv, error) ||
      !fm_desc_get_double_list (ld, GROUP, "ref-mv", FALSE, -ANY_VALUE, ANY_VALUE, states - 1,
                                p->ref_mv, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (scalars); i++)
    if (!fm_desc_get_double (ld, GROUP, scalars[i].key, FALSE, -ANY_VALUE, ANY_VALUE,
                             (gdouble *) ((guint8 *) p + scalars[i].offset), error))
      return FALSE;
  if (!fm_vt_params_check (p, &local))
    {
      /* Its message starts with the key. */
      g_set_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR, "%s: [%s] %s", ld->origin, GROUP, local->message);
      g_error_free (local);
      return FALSE;
    }
  d->cell_model = g_steal_pointer (&p);
  return TRUE;
}
