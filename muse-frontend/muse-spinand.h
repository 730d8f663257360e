/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What Linux 6.1's SPI NAND core (drivers/mtd/nand/spi/core.c) and its
 * vendor drivers make of a SPI NAND part, so that muse-chip serves the MTD
 * a board would show: the part is found by its READ ID bytes in the
 * vendors' tables, and each page read's ECC outcome is what the vendor's
 * get_status() (or the core's spinand_check_ecc_status()) decodes from the
 * status register, and on some parts from one more register: a number of
 * bit flips, often not the true one (Winbond's "corrected" counts as the
 * ECC strength, GigaDevice Q4xA's "1-7 corrected" as 7), or uncorrectable.
 */
#pragma once

#include "flashmodel.h"

G_BEGIN_DECLS

/* Linux's decoders of the ECC bits, one per get_status() function. */
typedef enum {
  MUSE_SPINAND_ECC_CORE,        /* core.c spinand_check_ecc_status() (get_status NULL) */
  MUSE_SPINAND_ECC_GD_Q4XA,     /* gigadevice.c gd5fxgq4xa_ecc_get_status() */
  MUSE_SPINAND_ECC_GD_Q4UEXXG,  /* gigadevice.c gd5fxgq4uexxg_ecc_get_status(), STATUS2 (F0h) */
  MUSE_SPINAND_ECC_GD_Q5XEXXG,  /* gigadevice.c gd5fxgq5xexxg_ecc_get_status(), STATUS2 (F0h) */
  MUSE_SPINAND_ECC_GD_Q4UFXXG,  /* gigadevice.c gd5fxgq4ufxxg_ecc_get_status() */
  MUSE_SPINAND_ECC_MACRONIX,    /* macronix.c mx35lf1ge4ab_ecc_get_status(), ECCSR (7Ch) */
  MUSE_SPINAND_ECC_MICRON_8,    /* micron.c micron_8_ecc_get_status() */
  MUSE_SPINAND_ECC_PARAGON,     /* paragon.c pn26g0xa_ecc_get_status() */
  MUSE_SPINAND_ECC_TOSHIBA,     /* toshiba.c tx58cxgxsxraix_ecc_get_status(), feature 30h */
  MUSE_SPINAND_ECC_XTX,         /* xtx.c xt26g0xa_ecc_get_status() */
} MuseSpinandEccDecode;

/* One entry of a vendor's spinand_info table. */
typedef struct {
  const gchar *name;            /* Linux's model name, as dmesg shows it */
  guint8 mfr_id;                /* the manufacturer's spinand_manufacturer .id */
  guint8 dev_id[2];             /* SPINAND_ID()'s bytes */
  guint dev_id_len;
  MuseSpinandEccDecode decode;
} MuseSpinandPart;

/* The part Linux 6.1 would probe for DESC's READ ID bytes (manufacturer,
 * then device ID), as spinand_match_and_init() matches them; NULL and
 * ERROR when spinand would not know it. */
const MuseSpinandPart *muse_spinand_part (const FmChipDesc *desc, GError **error);

/* The registers a decoder reads after a page read. */
typedef struct {
  guint8 status;  /* the status register (feature C0h) */
  guint8 extra;   /* the decoder's second register: GigaDevice STATUS2
                   * (feature F0h), Macronix ECCSR (7Ch), Toshiba's
                   * feature 30h; unused by the others */
} MuseSpinandEccRegs;

/* The registers as DESC's chip leaves them after a read with on-die ECC
 * result R (the model's encoding of the part, fm-spi-nand-vendors.c),
 * the second one being the one PART's decoder reads (00h if the chip has
 * no such register). */
void muse_spinand_registers (const MuseSpinandPart *part, const FmChipDesc *desc,
                             const FmOnDieEccResult *r, MuseSpinandEccRegs *regs);

/* What PART's decoder returns for REGS on a part of ECC STRENGTH: the
 * bit flips to count (0 and up), or FM_HOST_PAGE_UNCORRECTABLE for
 * -EBADMSG. A value Linux's decoder rejects (-EINVAL, which fails the
 * read) is FALSE and ERROR. */
gboolean muse_spinand_decode (const MuseSpinandPart *part, guint strength,
                              const MuseSpinandEccRegs *regs, gint *bitflips,
                              GError **error);

G_END_DECLS
