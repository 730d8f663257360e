/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "muse-ecc.h"

gboolean
muse_ecc_for_name (const FmChipDesc *desc, const gchar *name, FmNandHostEcc **ecc, GError **error)
{
  (void) desc;
  *ecc = NULL;
  if (g_str_equal (name, "none") || g_str_equal (name, "auto"))
    return TRUE;
  g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
               "--ecc: unknown ECC '%s' (auto, none, hamming, bchT, bchT/S)", name);
  return FALSE;
}
