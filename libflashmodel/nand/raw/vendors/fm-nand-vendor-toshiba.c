/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Toshiba/Kioxia BENAND: its spare layout, its status after a read and
 * its ECC STATUS READ output (fm-nand-vendor-toshiba.h).
 */
#include "fm-nand-vendor-toshiba.h"
#include "fm-nand-bus.h"

#include <string.h>

/* The datasheet's sector: 512 main bytes and 16 spare bytes. */
#define SPARE_PER_SECTOR 16
#define ECC_STATUS_UNCORRECTABLE 0x0f

void
fm_nand_vendor_toshiba_benand_layout (guint page_size, guint oob_size, FmOobLayout *l)
{
  guint sectors = page_size / FM_ON_DIE_ECC_SECTOR;

  memset (l, 0, sizeof *l);
  /* Bytes 0-1: the bad block marker (nand_ooblayout_free_lp()). */
  l->free[l->n_free++] = (FmOobRegion) { 2, oob_size - 2 };
  /* Protected regions split evenly among the sectors: one region
   * covering the 16-byte sections in order is sector s's section s. */
  l->protected[l->n_protected++] = (FmOobRegion) { 0, MIN (oob_size, SPARE_PER_SECTOR * sectors) };
}

guint8
fm_nand_vendor_toshiba_benand_status (const FmChipDesc *d, const FmOnDieEccResult *r)
{
  if (r->failed)
    return FM_STATUS_FAIL;
  return r->max_corrected >= d->on_die_ecc_rewrite_bits ? FM_NAND_VENDOR_TOSHIBA_STATUS_REWRITE : 0x00;
}

guint8
fm_nand_vendor_toshiba_benand_ecc_status (const FmChipDesc *d, const FmOnDieEccResult *r, guint pos)
{
  guint sectors = d->page_size / FM_ON_DIE_ECC_SECTOR;
  guint s = pos % sectors;
  guint8 bits = r->sector_bits[s];

  /* NOT SOURCED: the sector number in bits 7:4 (as recalled from the
   * datasheet's ECC STATUS READ table; Linux masks them off) and the
   * output repeating after the last sector. */
  return (guint8) ((s & 0x0f) << 4) |
         (bits == FM_ON_DIE_ECC_SECTOR_FAILED ? ECC_STATUS_UNCORRECTABLE : MIN (bits, 0x0eu));
}
