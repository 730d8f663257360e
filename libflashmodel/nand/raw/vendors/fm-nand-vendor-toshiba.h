/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Toshiba/Kioxia raw NAND: BENAND ("Built-in ECC NAND"), SLC parts that
 * correct 8 bits per 528-byte sector (512 main bytes and the sector's 16
 * spare bytes) with parity in an area the host cannot address, always on.
 * What the host sees of it (TC58BVG0S3HTA00 datasheet, and Linux 6.1's
 * nand_toshiba.c, which drives it):
 *   - READ ID byte 4 bit 7 set: the part is BENAND;
 *   - ECC STATUS READ (7Ah) after a page read: one byte per sector, bits
 *     3:0 the bits corrected (0-8), Fh uncorrectable; bits 7:4 the sector
 *     number;
 *   - READ STATUS after a page read: bit 0 (FAIL) uncorrectable, bit 3
 *     "rewrite recommended" when a sector needed many corrections.
 * The descriptor says a part is BENAND ([on-die-ecc] benand=true); the
 * code here is the data of that behaviour, the bus model asks it.
 */
#pragma once

#include "fm-chip-desc.h"
#include "fm-on-die-ecc.h"

G_BEGIN_DECLS

#define FM_NAND_VENDOR_TOSHIBA_ID          0x98
/* Linux's TOSHIBA_NAND_ID4_IS_BENAND */
#define FM_NAND_VENDOR_TOSHIBA_ID4_BENAND  0x80
/* ECC STATUS READ */
#define FM_NAND_VENDOR_TOSHIBA_CMD_ECC_STATUS 0x7a
/* Status register bit 3 after a read */
#define FM_NAND_VENDOR_TOSHIBA_STATUS_REWRITE 0x08

/* The BENAND spare layout: no parity visible, every spare byte but the
 * bad block marker's two free (Linux's large-page layout with
 * ecc.bytes = 0), sector s's code covering spare bytes 16s to 16s+15. */
void   fm_nand_vendor_toshiba_benand_layout (guint page_size, guint oob_size, FmOobLayout *layout);
/* The status register bits a read with RESULT leaves. */
guint8 fm_nand_vendor_toshiba_benand_status (const FmChipDesc *desc, const FmOnDieEccResult *result);
/* Byte POS of the ECC STATUS READ output after a read with RESULT. */
guint8 fm_nand_vendor_toshiba_benand_ecc_status (const FmChipDesc *desc, const FmOnDieEccResult *result,
                                                 guint pos);

G_END_DECLS
