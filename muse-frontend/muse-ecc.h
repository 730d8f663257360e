/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Chooses the host ECC muse-chip computes, from --ecc and the chip. */
#pragma once

#include "flashmodel.h"

G_BEGIN_DECLS

/* NAME: auto, none, hamming, bchT or bchT/S. *ECC is NULL for none. */
gboolean muse_ecc_for_name (const FmChipDesc *desc, const gchar *name,
                            FmNandHostEcc **ecc, GError **error);

G_END_DECLS
