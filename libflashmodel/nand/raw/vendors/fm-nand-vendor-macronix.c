/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Macronix raw NAND block protection (PT pin and feature address A0h).
 *
 * Sources: Linux 6.1 nand_macronix.c (ONFI_FEATURE_ADDR_MXIC_PROTECTION
 * A0h, MXIC_BLOCK_PROTECTION_ALL_LOCK 38h and ALL_UNLOCK 00h; "the PT pin,
 * active high at power-on, protects the entire chip even when #WP is
 * disabled"; Linux installs lock/unlock only when A0h reads 38h) and the
 * Macronix patch that added it (Mason Yang, linux-mtd, 2019: "Macronix AC
 * series support using SET/GET_FEATURES to change Block Protection and
 * Unprotection").
 *
 * NOT SOURCED (no Macronix datasheet text at hand, marked where used):
 * that PT low at power-on leaves the feature disabled (A0h reads 00h and
 * ignores writes); the partial areas of the other BP values (the model
 * treats every non-zero BP value as protecting the whole die: it refuses
 * rather than silently allows); the status of a refused program or erase
 * (the model sets FAIL, as for WP#); that RESET keeps the protection.
 */

#include "fm-nand-vendor-macronix.h"

#include <string.h>

/* BP2..BP0: the bits nand_macronix.c writes. */
#define MXIC_BP_MASK 0x38

void
fm_mxic_protection_power_on (FmMxicProtection *p, const FmChipDesc *d, gboolean pt_high)
{
  /* NOT SOURCED: PT low at power-on disables the feature. */
  p->enabled = d->mxic_block_protection && pt_high;
  p->protection = p->enabled ? FM_MXIC_PROTECTION_ALL_LOCK : FM_MXIC_PROTECTION_ALL_UNLOCK;
}

gboolean
fm_mxic_protection_get (const FmMxicProtection *p, const FmChipDesc *d, guint8 addr, guint8 out[4])
{
  if (!d->mxic_block_protection || addr != FM_MXIC_FEATURE_PROTECTION)
    return FALSE;
  memset (out, 0, 4);
  out[0] = p->protection;
  return TRUE;
}

gboolean
fm_mxic_protection_set (FmMxicProtection *p, const FmChipDesc *d, guint8 addr, const guint8 in[4])
{
  if (!d->mxic_block_protection || addr != FM_MXIC_FEATURE_PROTECTION)
    return FALSE;
  /* NOT SOURCED: with PT low the write is ignored. Only the BP bits are
   * kept; what the others mean was not sourced. */
  if (p->enabled)
    p->protection = in[0] & MXIC_BP_MASK;
  return TRUE;
}

gboolean
fm_mxic_block_protected (const FmMxicProtection *p, const FmChipDesc *d, guint32 block)
{
  (void) block; /* NOT SOURCED: partial areas; any BP value covers the die */
  return d->mxic_block_protection && p->enabled && (p->protection & MXIC_BP_MASK) != 0;
}
