/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Macronix raw NAND block protection: the protection byte at feature
 * address A0h and the PT (protect) pin, as Linux 6.1's nand_macronix.c
 * drives them (descriptors with [macronix] block-protection=true).
 */
#pragma once

#include <glib.h>

#include "fm-chip-desc.h"

G_BEGIN_DECLS

#define FM_MXIC_FEATURE_PROTECTION 0xa0
/* The two values nand_macronix.c writes: BP2..BP0 (bits 5:3) all set, and
 * none. */
#define FM_MXIC_PROTECTION_ALL_LOCK 0x38
#define FM_MXIC_PROTECTION_ALL_UNLOCK 0x00

/* One die's protection state. */
typedef struct {
  gboolean enabled;   /* the part has it and PT was high at power-on */
  guint8 protection;  /* the byte at feature address A0h */
} FmMxicProtection;

/* Power-on: with PT high, every block is locked. */
void     fm_mxic_protection_power_on (FmMxicProtection *p, const FmChipDesc *d,
                                      gboolean pt_high);
/* GET FEATURES: TRUE (and the four parameter bytes in OUT) when ADDR is
 * the protection feature of a part that has it. */
gboolean fm_mxic_protection_get (const FmMxicProtection *p, const FmChipDesc *d,
                                 guint8 addr, guint8 out[4]);
/* SET FEATURES: TRUE when ADDR was the protection feature (taken or, with
 * PT low, ignored). */
gboolean fm_mxic_protection_set (FmMxicProtection *p, const FmChipDesc *d,
                                 guint8 addr, const guint8 in[4]);
/* Whether program and erase of BLOCK (of this die) are refused. */
gboolean fm_mxic_block_protected (const FmMxicProtection *p, const FmChipDesc *d,
                                  guint32 block);

G_END_DECLS
