/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A chip's own ECC ("internal" or "on-die" ECC, as on Micron parts and
 * every SPI NAND part): when enabled, a program stores parity for every
 * 512-byte sector in the spare area and a read corrects the sector before
 * the host sees it, reporting only what the status register says.
 *
 * Where the parity goes is the descriptor's layout (FmOobLayout, from
 * [on-die-ecc]; Linux's ooblayout for the part): sector s's parity fills
 * the s-th equal share of the ecc regions' bytes, and the sector's code
 * covers its data and its share of the protected regions (spare bytes the
 * host owns that the chip protects). Raw Micron parts without layout keys
 * get nand_micron.c's:
 *   4-bit: spare section s (16 bytes) per sector s; bytes 4-7 are covered
 *          with the sector's data, bytes 8-15 hold the parity, 0-3 are not
 *          covered. Status: FAIL (bit 0) uncorrectable, bit 3 "rewrite
 *          recommended" from the descriptor's number of corrected bits.
 *   8-bit: 16 parity bytes per sector at the end of the spare area.
 *          Status bits 4, 3, 0: 000 clean, 001 uncorrectable, 100 1-3 bits,
 *          010 4-6 bits, 110 7-8 bits corrected.
 * (SPI NAND status encodings are fm-spi-nand-vendors.c's.)
 *
 * The code itself is the part maker's secret; here it is BCH, which
 * corrects what the datasheet promises: over GF(2^14) on the sector and
 * its protected bytes padded to 1024 bytes when the share holds that
 * parity, else over GF(2^13) on the 512 data bytes when that fits. A
 * 1-bit code gets an overall parity byte after its BCH parity (SEC-DED),
 * so that a double error is reported uncorrectable as the parts do, not
 * "corrected" into wrong data. Some
 * parts keep their parity where the host cannot see it (Macronix: no ecc
 * region at all; XTX, GigaDevice Q4xA: fewer visible parity bytes than
 * the promised correction needs). The model has no hidden spare to store
 * it in, so such a code corrects by the cells themselves: a read's bits
 * that differ from what the array holds (the bit errors, read faults and
 * unstable bits a read meets) are its errors, corrected up to the
 * strength per sector, the visible share filled with the first bytes of
 * the BCH parity. What this cannot see, as a real code would, is damage
 * stored in the cells: a torn program's bits that stayed 1, or data
 * programmed with the ECC off and read with it on.
 */
#pragma once

#include "fm-chip-desc.h"

G_BEGIN_DECLS

/* Bytes of main area per sector the chip corrects. */
#define FM_ON_DIE_ECC_SECTOR 512
/* Sectors of the largest page (16 KiB). */
#define FM_ON_DIE_ECC_MAX_SECTORS 32
/* sector_bits[] of a sector the code could not correct. */
#define FM_ON_DIE_ECC_SECTOR_FAILED 0xff

typedef struct _FmOnDieEcc FmOnDieEcc;

typedef struct {
  guint corrected;      /* bits corrected in the page */
  guint max_corrected;  /* the most in one sector */
  guint failed;         /* sectors that could not be corrected */
  /* Per sector: bits corrected, or FM_ON_DIE_ECC_SECTOR_FAILED (what
   * Toshiba's ECC STATUS READ reports sector by sector). */
  guint8 sector_bits[FM_ON_DIE_ECC_MAX_SECTORS];
} FmOnDieEccResult;

/* NULL when DESC has no on-die ECC. */
FmOnDieEcc *fm_on_die_ecc_new  (const FmChipDesc *desc);
void        fm_on_die_ecc_free (FmOnDieEcc *ecc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmOnDieEcc, fm_on_die_ecc_free)

/* PAGE: data + spare. Writes the parity of every sector into the spare. */
void   fm_on_die_ecc_encode  (FmOnDieEcc *ecc, guint8 *page);
/* Corrects PAGE in place (an uncorrectable sector is left as read).
 * STORED: the page as the array holds it, before the read's errors (NULL:
 * erased); only a code with hidden parity looks at it. */
void   fm_on_die_ecc_correct_stored (FmOnDieEcc *ecc, guint8 *page, const guint8 *stored,
                                     FmOnDieEccResult *result);
/* The same with STORED NULL. */
void   fm_on_die_ecc_correct (FmOnDieEcc *ecc, guint8 *page, FmOnDieEccResult *result);
/* Whether the part keeps (some of) its parity out of the host's sight. */
gboolean fm_on_die_ecc_parity_hidden (const FmOnDieEcc *ecc);
/* The status register bits a read with this result leaves. */
guint8 fm_on_die_ecc_status  (const FmChipDesc *desc, const FmOnDieEccResult *result);

/* Spare bytes a host may use freely (the layout's free regions; the rest
 * are marker, reserved and parity), in order; returns how many, written
 * to OFFSETS (room for the spare size). */
guint  fm_on_die_ecc_free_bytes   (const FmChipDesc *desc, guint16 *offsets);
/* Spare bytes that hold parity (the layout's ecc regions). */
gboolean fm_on_die_ecc_is_parity  (const FmChipDesc *desc, guint spare_offset);
/* Free spare bytes the chip's code also protects. */
gboolean fm_on_die_ecc_is_protected (const FmChipDesc *desc, guint spare_offset);

G_END_DECLS
