/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A chip's own ECC ("internal" or "on-die" ECC, as on Micron parts): when
 * enabled, a program stores parity for every 512-byte sector in the spare
 * area and a read corrects the sector before the host sees it, reporting
 * only what the status register says.
 *
 * Layouts (Linux's nand_micron.c uses the same):
 *   4-bit: spare section s (16 bytes) per sector s; bytes 4-7 are covered
 *          with the sector's data, bytes 8-15 hold the parity, 0-3 are not
 *          covered. Status: FAIL (bit 0) uncorrectable, bit 3 "rewrite
 *          recommended" from the descriptor's number of corrected bits.
 *   8-bit: 16 parity bytes per sector at the end of the spare area.
 *          Status bits 4, 3, 0: 000 clean, 001 uncorrectable, 100 1-3 bits,
 *          010 4-6 bits, 110 7-8 bits corrected.
 * The code itself is the part maker's secret; here it is BCH over
 * GF(2^14), which corrects what the datasheet promises.
 */
#pragma once

#include "fm-chip-desc.h"

G_BEGIN_DECLS

/* Bytes of main area per sector the chip corrects. */
#define FM_ON_DIE_ECC_SECTOR 512

typedef struct _FmOnDieEcc FmOnDieEcc;

typedef struct {
  guint corrected;      /* bits corrected in the page */
  guint max_corrected;  /* the most in one sector */
  guint failed;         /* sectors that could not be corrected */
} FmOnDieEccResult;

/* NULL when DESC has no on-die ECC. */
FmOnDieEcc *fm_on_die_ecc_new  (const FmChipDesc *desc);
void        fm_on_die_ecc_free (FmOnDieEcc *ecc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmOnDieEcc, fm_on_die_ecc_free)

/* PAGE: data + spare. Writes the parity of every sector into the spare. */
void   fm_on_die_ecc_encode  (FmOnDieEcc *ecc, guint8 *page);
/* Corrects PAGE in place (an uncorrectable sector is left as read). */
void   fm_on_die_ecc_correct (FmOnDieEcc *ecc, guint8 *page, FmOnDieEccResult *result);
/* The status register bits a read with this result leaves. */
guint8 fm_on_die_ecc_status  (const FmChipDesc *desc, const FmOnDieEccResult *result);

/* Spare bytes a host may use freely (the rest are marker and parity), in
 * order; returns how many, written to OFFSETS (room for the spare size). */
guint  fm_on_die_ecc_free_bytes   (const FmChipDesc *desc, guint16 *offsets);
/* Spare bytes that hold parity. */
gboolean fm_on_die_ecc_is_parity  (const FmChipDesc *desc, guint spare_offset);

G_END_DECLS
