/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vendors' ECC status encodings (fm-spi-nand-vendors.h) as data: for
 * each, the status bits it owns, what an uncorrectable page shows, and
 * what a page whose worst sector needed N corrections shows, row by row;
 * plus where the vendor keeps the exact count. Each entry cites the Linux
 * 6.1 decoder (drivers/mtd/nand/spi/) that reads it back.
 */
#include "fm-spi-nand-vendors.h"

/* What the detail register holds. */
typedef enum {
  DETAIL_NONE,
  DETAIL_ROW,        /* the row's detail byte */
  DETAIL_MAX,        /* the most bits corrected in a sector */
  DETAIL_MAX_HIGH,   /* the same in bits 7:4 */
} DetailKind;

/* A page whose worst sector had at most UP_TO corrected bits. */
typedef struct {
  guint8 up_to;
  guint8 bits;
  guint8 detail;
} Row;

typedef struct {
  guint8 mask;
  guint8 failed;         /* bits of an uncorrectable page */
  guint8 feature;        /* the detail's feature register, or 0 */
  guint8 opcode;         /* or the instruction reading it, or 0 */
  DetailKind detail;
  Row rows[9];           /* ascending; up_to 0 ends the list */
} Encoding;

static const Encoding encodings[FM_SPI_NAND_N_ECC_STATUS] = {
  /* core.c spinand_check_ecc_status(): 00 none, 01 corrected (Linux
   * counts the strength), 10 uncorrectable. Winbond W25N01GV, ATO. */
  [FM_SPI_NAND_ECC_SPINAND_DEFAULT] = {
    0x30, 0x20, 0, 0, DETAIL_NONE, { { 8, 0x10, 0 } } },
  /* macronix.c mx35lf1ge4ab_ecc_get_status(): the default bits, and the
   * "ECC status register" read by 7Ch + 1 dummy byte, bits 3:0 the most
   * bit flips of a sector. */
  [FM_SPI_NAND_ECC_MX35LF1GE4AB] = {
    0x30, 0x20, 0, FM_SPI_NAND_OP_READ_ECCSR, DETAIL_MAX, { { 8, 0x10, 0 } } },
  /* micron.c micron_8_ecc_get_status(): bits 6:4, 000 none, 001 1-3,
   * 011 4-6, 101 7-8 corrected, 010 uncorrectable. */
  [FM_SPI_NAND_ECC_MICRON_8] = {
    0x70, 0x20, 0, 0, DETAIL_NONE, { { 3, 0x10, 0 }, { 6, 0x30, 0 }, { 8, 0x50, 0 } } },
  /* gigadevice.c gd5fxgq4xa_ecc_get_status(): 01 1-7, 11 8 corrected,
   * 10 uncorrectable. */
  [FM_SPI_NAND_ECC_GD5FXGQ4XA] = {
    0x30, 0x20, 0, 0, DETAIL_NONE, { { 7, 0x10, 0 }, { 8, 0x30, 0 } } },
  /* gigadevice.c gd5fxgq4uexxg_ecc_get_status(): ECCS 01 with ECCSE
   * (F0h bits 5:4) 00 1-4, 01 5, 10 6, 11 7 corrected; ECCS 11 8; 10
   * uncorrectable. Linux reads 4 + ECCSE. */
  [FM_SPI_NAND_ECC_GD5FXGQ4UEXXG] = {
    0x30, 0x20, 0xf0, 0, DETAIL_ROW,
    { { 4, 0x10, 0x00 }, { 5, 0x10, 0x10 }, { 6, 0x10, 0x20 }, { 7, 0x10, 0x30 }, { 8, 0x30, 0x00 } } },
  /* gigadevice.c gd5fxgq5xexxg_ecc_get_status(): ECCS 01 with ECCSE
   * (F0h bits 5:4) = corrected bits - 1, 1-4; 10 uncorrectable. */
  [FM_SPI_NAND_ECC_GD5FXGQ5XEXXG] = {
    0x30, 0x20, 0xf0, 0, DETAIL_ROW,
    { { 1, 0x10, 0x00 }, { 2, 0x10, 0x10 }, { 3, 0x10, 0x20 }, { 4, 0x10, 0x30 } } },
  /* toshiba.c tx58cxgxsxraix_ecc_get_status(): 01 corrected, 11
   * corrected with the bit flip threshold reached, 10 uncorrectable; 30h
   * bits 7:4 the most bit flips of a sector. The threshold row is filled
   * in from the descriptor (fm_spi_nand_ecc_report()). */
  [FM_SPI_NAND_ECC_TX58CXGXSXRAIX] = {
    0x30, 0x20, 0x30, 0, DETAIL_MAX_HIGH, { { 8, 0x10, 0 } } },
  /* xtx.c xt26g0xa_ecc_get_status(): bits 5:2, 0001-0111 1-7 corrected,
   * 1100 8 corrected, 1000 uncorrectable. */
  [FM_SPI_NAND_ECC_XT26G0XA] = {
    0x3c, 0x20, 0, 0, DETAIL_NONE,
    { { 1, 0x04, 0 }, { 2, 0x08, 0 }, { 3, 0x0c, 0 }, { 4, 0x10, 0 }, { 5, 0x14, 0 },
      { 6, 0x18, 0 }, { 7, 0x1c, 0 }, { 8, 0x30, 0 } } },
  /* paragon.c pn26g0xa_ecc_get_status(): 01 1-7, 11 8 corrected, 10
   * uncorrectable. */
  [FM_SPI_NAND_ECC_PN26G0XA] = {
    0x30, 0x20, 0, 0, DETAIL_NONE, { { 7, 0x10, 0 }, { 8, 0x30, 0 } } },
};

guint8
fm_spi_nand_ecc_status_mask (const FmChipDesc *desc)
{
  return encodings[desc->spi_nand.ecc_status].mask;
}

void
fm_spi_nand_ecc_report (const FmChipDesc *desc, gboolean ecc_enabled,
                        const FmOnDieEccResult *r, FmSpiNandEccReport *out)
{
  const Encoding *e = &encodings[desc->spi_nand.ecc_status];
  guint max = r->max_corrected;
  const Row *row = NULL;

  out->mask = e->mask;
  out->bits = 0;
  out->failed_bits = e->failed;
  out->feature = e->feature;
  out->opcode = e->opcode;
  out->feature_value = out->opcode_value = 0;
  if (!ecc_enabled)
    return;
  if (r->failed)
    {
      out->bits = e->failed;
      return;
    }
  if (max == 0)
    return;
  /* The code corrects at most the strength, and every table reaches it. */
  for (guint i = 0; i < G_N_ELEMENTS (e->rows) && e->rows[i].up_to; i++)
    if (max <= e->rows[i].up_to)
      {
        row = &e->rows[i];
        break;
      }
  g_assert (row);
  out->bits = row->bits;
  if (desc->spi_nand.ecc_status == FM_SPI_NAND_ECC_TX58CXGXSXRAIX &&
      max >= desc->on_die_ecc_rewrite_bits)
    out->bits = 0x30;
  switch (e->detail)
    {
    case DETAIL_ROW:
      out->feature_value = row->detail;
      break;
    case DETAIL_MAX:
      out->feature_value = out->opcode_value = max;
      break;
    case DETAIL_MAX_HIGH:
      out->feature_value = out->opcode_value = max << 4;
      break;
    case DETAIL_NONE:
    default:
      break;
    }
  if (!e->feature)
    out->feature_value = 0;
  if (!e->opcode)
    out->opcode_value = 0;
}
