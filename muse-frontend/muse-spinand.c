/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Linux 6.1's SPI NAND parts and their ECC status decoders, as data. */
#include "muse-spinand.h"
#include "fm-spi-nand-vendors.h"

#include <string.h>

#define CORE MUSE_SPINAND_ECC_CORE
#define GD_Q4XA MUSE_SPINAND_ECC_GD_Q4XA
#define GD_Q4UE MUSE_SPINAND_ECC_GD_Q4UEXXG
#define GD_Q5XE MUSE_SPINAND_ECC_GD_Q5XEXXG
#define GD_Q4UF MUSE_SPINAND_ECC_GD_Q4UFXXG
#define MACRONIX MUSE_SPINAND_ECC_MACRONIX
#define MICRON_8 MUSE_SPINAND_ECC_MICRON_8
#define PARAGON MUSE_SPINAND_ECC_PARAGON
#define TOSHIBA MUSE_SPINAND_ECC_TOSHIBA
#define XTX MUSE_SPINAND_ECC_XTX

#define ID1(a) { a }, 1
#define ID2(a, b) { a, b }, 2

/* Every spinand_info of Linux 6.1's drivers/mtd/nand/spi/{ato,gigadevice,
 * macronix,micron,paragon,toshiba,winbond,xtx}.c: name, manufacturer,
 * SPINAND_ID() bytes and the SPINAND_ECCINFO() get_status. */
static const MuseSpinandPart parts[] = {
  { "ATO25D1GA", 0x9b, ID1 (0x12), CORE },

  { "GD5F1GQ4xA", 0xc8, ID1 (0xf1), GD_Q4XA },
  { "GD5F2GQ4xA", 0xc8, ID1 (0xf2), GD_Q4XA },
  { "GD5F4GQ4xA", 0xc8, ID1 (0xf4), GD_Q4XA },
  { "GD5F4GQ4RC", 0xc8, ID2 (0xa4, 0x68), GD_Q4UF },
  { "GD5F4GQ4UC", 0xc8, ID2 (0xb4, 0x68), GD_Q4UF },
  { "GD5F1GQ4UExxG", 0xc8, ID1 (0xd1), GD_Q4UE },
  { "GD5F1GQ4RExxG", 0xc8, ID1 (0xc1), GD_Q4UE },
  { "GD5F2GQ4UExxG", 0xc8, ID1 (0xd2), GD_Q4UE },
  { "GD5F2GQ4RExxG", 0xc8, ID1 (0xc2), GD_Q4UE },
  { "GD5F1GQ4UFxxG", 0xc8, ID2 (0xb1, 0x48), GD_Q4UF },
  { "GD5F1GQ5UExxG", 0xc8, ID1 (0x51), GD_Q5XE },
  { "GD5F1GQ5RExxG", 0xc8, ID1 (0x41), GD_Q5XE },
  { "GD5F2GQ5UExxG", 0xc8, ID1 (0x52), GD_Q5XE },
  { "GD5F2GQ5RExxG", 0xc8, ID1 (0x42), GD_Q5XE },
  { "GD5F4GQ6UExxG", 0xc8, ID1 (0x55), GD_Q5XE },
  { "GD5F4GQ6RExxG", 0xc8, ID1 (0x45), GD_Q5XE },
  { "GD5F1GM7UExxG", 0xc8, ID1 (0x91), GD_Q4UE },
  { "GD5F1GM7RExxG", 0xc8, ID1 (0x81), GD_Q4UE },
  { "GD5F2GM7UExxG", 0xc8, ID1 (0x92), GD_Q4UE },
  { "GD5F2GM7RExxG", 0xc8, ID1 (0x82), GD_Q4UE },
  { "GD5F4GM8UExxG", 0xc8, ID1 (0x95), GD_Q4UE },
  { "GD5F4GM8RExxG", 0xc8, ID1 (0x85), GD_Q4UE },

  { "MX35LF1GE4AB", 0xc2, ID1 (0x12), MACRONIX },
  { "MX35LF2GE4AB", 0xc2, ID1 (0x22), CORE },
  { "MX35LF2GE4AD", 0xc2, ID1 (0x26), MACRONIX },
  { "MX35LF4GE4AD", 0xc2, ID1 (0x37), MACRONIX },
  { "MX35LF1G24AD", 0xc2, ID1 (0x14), CORE },
  { "MX35LF2G24AD", 0xc2, ID1 (0x24), CORE },
  { "MX35LF4G24AD", 0xc2, ID1 (0x35), CORE },
  { "MX31LF1GE4BC", 0xc2, ID1 (0x1e), MACRONIX },
  { "MX31UF1GE4BC", 0xc2, ID1 (0x9e), MACRONIX },
  { "MX35LF2G14AC", 0xc2, ID1 (0x20), MACRONIX },
  { "MX35UF4G24AD", 0xc2, ID1 (0xb5), MACRONIX },
  { "MX35UF4GE4AD", 0xc2, ID1 (0xb7), MACRONIX },
  { "MX35UF2G14AC", 0xc2, ID1 (0xa0), MACRONIX },
  { "MX35UF2G24AD", 0xc2, ID1 (0xa4), MACRONIX },
  { "MX35UF2GE4AD", 0xc2, ID1 (0xa6), MACRONIX },
  { "MX35UF2GE4AC", 0xc2, ID1 (0xa2), MACRONIX },
  { "MX35UF1G14AC", 0xc2, ID1 (0x90), MACRONIX },
  { "MX35UF1G24AD", 0xc2, ID1 (0x94), MACRONIX },
  { "MX35UF1GE4AD", 0xc2, ID1 (0x96), MACRONIX },
  { "MX35UF1GE4AC", 0xc2, ID1 (0x92), MACRONIX },

  { "MT29F2G01ABAGD", 0x2c, ID1 (0x24), MICRON_8 },
  { "MT29F2G01ABBGD", 0x2c, ID1 (0x25), MICRON_8 },
  { "MT29F1G01ABAFD", 0x2c, ID1 (0x14), MICRON_8 },
  { "MT29F1G01ABAFD", 0x2c, ID1 (0x15), MICRON_8 },
  { "MT29F4G01ADAGD", 0x2c, ID1 (0x36), MICRON_8 },
  { "MT29F4G01ABAFD", 0x2c, ID1 (0x34), MICRON_8 },
  { "MT29F4G01ABBFD", 0x2c, ID1 (0x35), MICRON_8 },
  { "MT29F8G01ADAFD", 0x2c, ID1 (0x46), MICRON_8 },
  { "MT29F8G01ADBFD", 0x2c, ID1 (0x47), MICRON_8 },
  { "MT29F2G01AAAED", 0x2c, ID1 (0x9f), CORE },

  { "PN26G01A", 0xa1, ID1 (0xe1), PARAGON },
  { "PN26G02A", 0xa1, ID1 (0xe2), PARAGON },

  { "TC58CVG0S3HRAIG", 0x98, ID1 (0xc2), TOSHIBA },
  { "TC58CVG1S3HRAIG", 0x98, ID1 (0xcb), TOSHIBA },
  { "TC58CVG2S0HRAIG", 0x98, ID1 (0xcd), TOSHIBA },
  { "TC58CYG0S3HRAIG", 0x98, ID1 (0xb2), TOSHIBA },
  { "TC58CYG1S3HRAIG", 0x98, ID1 (0xbb), TOSHIBA },
  { "TC58CYG2S0HRAIG", 0x98, ID1 (0xbd), TOSHIBA },
  { "TC58CVG0S3HRAIJ", 0x98, ID1 (0xe2), TOSHIBA },
  { "TC58CVG1S3HRAIJ", 0x98, ID1 (0xeb), TOSHIBA },
  { "TC58CVG2S0HRAIJ", 0x98, ID1 (0xed), TOSHIBA },
  { "TH58CVG3S0HRAIJ", 0x98, ID1 (0xe4), TOSHIBA },
  { "TC58CYG0S3HRAIJ", 0x98, ID1 (0xd2), TOSHIBA },
  { "TC58CYG1S3HRAIJ", 0x98, ID1 (0xdb), TOSHIBA },
  { "TC58CYG2S0HRAIJ", 0x98, ID1 (0xdd), TOSHIBA },
  { "TH58CYG3S0HRAIJ", 0x98, ID1 (0xd4), TOSHIBA },

  { "W25M02GV", 0xef, ID1 (0xab), CORE },
  { "W25N01GV", 0xef, ID1 (0xaa), CORE },

  { "XT26G01A", 0x0b, ID1 (0xe1), XTX },
  { "XT26G02A", 0x0b, ID1 (0xe2), XTX },
  { "XT26G04A", 0x0b, ID1 (0xe3), XTX },
};

const MuseSpinandPart *
muse_spinand_part (const FmChipDesc *desc, GError **error)
{
  g_autoptr (GString) id = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const MuseSpinandPart *p = &parts[i];

      if (desc->id_len >= 1 + p->dev_id_len && desc->id[0] == p->mfr_id &&
          memcmp (desc->id + 1, p->dev_id, p->dev_id_len) == 0)
        return p;
    }
  for (guint i = 0; i < desc->id_len; i++)
    g_string_append_printf (id, "%s%02x", i ? " " : "", desc->id[i]);
  g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
               "chip '%s': Linux 6.1's SPI NAND drivers know no part with READ ID %s",
               desc->name, id->len ? id->str : "(none)");
  return NULL;
}

/* The status register's ECC field (bits 5:4), as spinand.h names it. */
#define STATUS_ECC_MASK 0x30
#define STATUS_ECC_NO_BITFLIPS 0x00
#define STATUS_ECC_HAS_BITFLIPS 0x10
#define STATUS_ECC_UNCOR_ERROR 0x20

#define UNCORRECTABLE FM_HOST_PAGE_UNCORRECTABLE
#define INVALID G_MININT

/* A count a register reports, checked as Macronix's and Toshiba's
 * drivers do: 0 or above the strength (a WARN_ON on a board) counts as
 * the strength. */
static gint
reported_count (guint count, guint strength)
{
  return count && count <= strength ? (gint) count : (gint) strength;
}

/* Linux's decoders, one case per switch arm; INVALID where they return
 * -EINVAL. */
static gint
decode (MuseSpinandEccDecode decoder, guint strength, guint8 status, guint8 extra)
{
  guint ecc = status & STATUS_ECC_MASK;

  switch (decoder)
    {
    case MUSE_SPINAND_ECC_CORE:
      return ecc == STATUS_ECC_NO_BITFLIPS ? 0
           : ecc == STATUS_ECC_HAS_BITFLIPS ? (gint) strength
           : ecc == STATUS_ECC_UNCOR_ERROR ? UNCORRECTABLE : INVALID;
    case MUSE_SPINAND_ECC_GD_Q4XA:
    case MUSE_SPINAND_ECC_PARAGON:
      /* 01: 1-7 corrected (7), 11: 8 corrected */
      return ecc == STATUS_ECC_NO_BITFLIPS ? 0 : ecc == 0x10 ? 7 : ecc == 0x30 ? 8 : UNCORRECTABLE;
    case MUSE_SPINAND_ECC_GD_Q4UEXXG:
      /* 01: 4 + STATUS2's ECCSE (bits 5:4), 4-7 */
      return ecc == STATUS_ECC_NO_BITFLIPS ? 0
           : ecc == 0x10 ? (gint) ((ecc >> 2) | ((extra & STATUS_ECC_MASK) >> 4))
           : ecc == 0x30 ? 8 : UNCORRECTABLE;
    case MUSE_SPINAND_ECC_GD_Q5XEXXG:
      /* 01: 1 + STATUS2's ECCSE, 1-4 */
      return ecc == STATUS_ECC_NO_BITFLIPS ? 0
           : ecc == 0x10 ? (gint) ((extra & STATUS_ECC_MASK) >> 4) + 1
           : ecc == STATUS_ECC_UNCOR_ERROR ? UNCORRECTABLE : INVALID;
    case MUSE_SPINAND_ECC_GD_Q4UFXXG:
      /* bits 6:4: 000 none, 001 1-3 (3), 111 uncorrectable, 010-110 4-8 */
      switch (status & 0x70)
        {
        case 0x00: return 0;
        case 0x10: return 3;
        case 0x70: return UNCORRECTABLE;
        default: return ((status & 0x70) >> 4) + 2;
        }
    case MUSE_SPINAND_ECC_MACRONIX:
      /* 01: ECCSR (7Ch) bits 3:0 */
      return ecc == STATUS_ECC_NO_BITFLIPS ? 0
           : ecc == STATUS_ECC_UNCOR_ERROR ? UNCORRECTABLE
           : ecc == STATUS_ECC_HAS_BITFLIPS ? reported_count (extra & 0x0f, strength) : INVALID;
    case MUSE_SPINAND_ECC_MICRON_8:
      /* bits 6:4: 000 none, 010 uncorrectable, 001 1-3, 011 4-6, 101 7-8 */
      switch (status & 0x70)
        {
        case 0x00: return 0;
        case 0x20: return UNCORRECTABLE;
        case 0x10: return 3;
        case 0x30: return 6;
        case 0x50: return 8;
        default: return INVALID;
        }
    case MUSE_SPINAND_ECC_TOSHIBA:
      /* 01 or 11: feature 30h bits 7:4, the most in a sector */
      return ecc == STATUS_ECC_NO_BITFLIPS ? 0
           : ecc == STATUS_ECC_UNCOR_ERROR ? UNCORRECTABLE
           : reported_count (extra >> 4, strength);
    case MUSE_SPINAND_ECC_XTX:
      /* bits 5:2: 0000 none, 0001-0111 1-7, 1000 uncorrectable, 1100 8 */
      switch (status & 0x3c)
        {
        case 0x00: return 0;
        case 0x30: return 8;
        case 0x20: return UNCORRECTABLE;
        default: return (status & 0x3c) > 0x20 ? INVALID : (status & 0x3c) >> 2;
        }
    }
  return INVALID;
}

void
muse_spinand_registers (const MuseSpinandPart *part, const FmChipDesc *desc,
                        const FmOnDieEccResult *r, MuseSpinandEccRegs *regs)
{
  FmSpiNandEccReport report;
  guint8 feature = 0, opcode = 0;

  fm_spi_nand_ecc_report (desc, TRUE, r, &report);
  /* The read is over: OIP, WEL and the FAIL bits are clear. */
  regs->status = report.bits & report.mask;
  regs->extra = 0x00;
  switch (part->decode)
    {
    case MUSE_SPINAND_ECC_GD_Q4UEXXG:
    case MUSE_SPINAND_ECC_GD_Q5XEXXG:
      feature = 0xf0;   /* GD5FXGQXXEXXG_REG_STATUS2 */
      break;
    case MUSE_SPINAND_ECC_TOSHIBA:
      feature = 0x30;
      break;
    case MUSE_SPINAND_ECC_MACRONIX:
      opcode = FM_SPI_NAND_OP_READ_ECCSR;
      break;
    default:
      return;
    }
  if (feature && report.feature == feature)
    regs->extra = report.feature_value;
  else if (opcode && report.opcode == opcode)
    regs->extra = report.opcode_value;
}

gboolean
muse_spinand_decode (const MuseSpinandPart *part, guint strength,
                     const MuseSpinandEccRegs *regs, gint *bitflips, GError **error)
{
  gint n = decode (part->decode, strength, regs->status, regs->extra);

  if (n == INVALID)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   "%s: Linux's driver rejects ECC status %02Xh (extra register %02Xh) with -EINVAL",
                   part->name, regs->status, regs->extra);
      return FALSE;
    }
  *bitflips = n;
  return TRUE;
}
