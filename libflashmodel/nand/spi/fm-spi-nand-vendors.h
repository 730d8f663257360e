/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How each SPI NAND vendor reports what its on-die ECC did in a page read:
 * bits of the status register (C0h), and the extra detail some keep in
 * another feature register (GigaDevice F0h, Toshiba 30h) or behind their
 * own instruction (Macronix 7Ch). One entry per FmSpiNandEccStatus, each
 * written against the Linux function that decodes it. Private to the
 * SPI NAND model and its tests.
 */
#pragma once

#include "fm-chip-desc.h"
#include "fm-on-die-ecc.h"

G_BEGIN_DECLS

/* Status register (C0h) bits every part has (include/linux/mtd/spinand.h). */
enum {
  FM_SPI_NAND_SR_OIP = 1 << 0,     /* busy */
  FM_SPI_NAND_SR_WEL = 1 << 1,
  FM_SPI_NAND_SR_E_FAIL = 1 << 2,
  FM_SPI_NAND_SR_P_FAIL = 1 << 3,
};

/* The opcode of Macronix's "read ECC status register" (1 dummy byte). */
#define FM_SPI_NAND_OP_READ_ECCSR 0x7c

typedef struct {
  guint8 mask;           /* status register bits the encoding owns */
  guint8 bits;           /* their value after the read */
  guint8 failed_bits;    /* their value after an uncorrectable read */
  guint8 feature;        /* feature register with more detail; 0: none */
  guint8 feature_value;
  guint8 opcode;         /* instruction that reads more detail; 0: none */
  guint8 opcode_value;
} FmSpiNandEccReport;

/* What a page read with the result R leaves (ECC_ENABLED FALSE: a raw
 * read, which reports nothing). */
void fm_spi_nand_ecc_report (const FmChipDesc *desc, gboolean ecc_enabled,
                             const FmOnDieEccResult *r, FmSpiNandEccReport *out);

/* The status bits the encoding of DESC owns (also before any read). */
guint8 fm_spi_nand_ecc_status_mask (const FmChipDesc *desc);

G_END_DECLS
