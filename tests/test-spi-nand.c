/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SPI NAND model driven byte by byte as Linux 6.1's spinand core
 * drives a chip. The host below does on the wire what
 * drivers/mtd/nand/spi/core.c does (reset, READ ID with the three methods
 * and the match against the vendors' tables, the configuration cache,
 * quad enable, OTP off, the vendor's init, unlocking, ECC_EN toggled per
 * request, PAGE READ / READ FROM CACHE / PROGRAM LOAD / PROGRAM EXECUTE /
 * BLOCK ERASE with the status polled, the plane bit above the column) and
 * decodes the ECC status with copies of the vendors' get_status functions.
 * What Linux knows of each part (spinand_info) is written out below as
 * data, citing the vendor file.
 */
#include "fm-test-util.h"
#include "fm-spi-nand-vendors.h"

#include <errno.h>
#include <string.h>

#define REG_BLOCK_LOCK 0xa0
#define REG_CFG 0xb0
#define REG_STATUS 0xc0
#define CFG_OTP_ENABLE 0x40
#define CFG_ECC_ENABLE 0x10
#define CFG_QUAD_ENABLE 0x01
#define STATUS_BUSY 0x01
#define STATUS_WEL 0x02
#define STATUS_ERASE_FAILED 0x04
#define STATUS_PROG_FAILED 0x08
#define STATUS_ECC_MASK 0x30

/* ---- what Linux knows of the parts ---------------------------------------- */

/* One spi_mem_op template: opcode, address bytes and width, dummy bytes
 * (at the address width), data width. */
typedef struct {
  guint8 opcode;
  guint naddr, addr_lines, ndummy, data_lines;
} MemOp;

#define READ_CACHE(op, nd, al, dl) { op, 2, al, nd, dl }
#define QUADIO(nd) READ_CACHE (0xeb, nd, 4, 4)
#define X4(nd) READ_CACHE (0x6b, nd, 1, 4)
#define DUALIO(nd) READ_CACHE (0xbb, nd, 2, 2)
#define X2(nd) READ_CACHE (0x3b, nd, 1, 2)
#define FAST(nd) READ_CACHE (0x0b, nd, 1, 1)
#define SLOW(nd) READ_CACHE (0x03, nd, 1, 1)
#define LOAD_X4(reset) { (reset) ? 0x32 : 0x34, 2, 1, 0, 4 }
#define LOAD(reset) { (reset) ? 0x02 : 0x84, 2, 1, 0, 1 }

typedef struct _Host Host;
/* A vendor's get_status(): bit flips, or -EBADMSG, or -EINVAL. */
typedef gint (*GetStatus) (Host *h, guint8 status);

#define MAX_VARIANTS 6

typedef struct {
  const gchar *chip;            /* our catalog name */
  const gchar *model;           /* spinand_info.model */
  guint8 mfr;
  guint8 devid[2];
  guint devid_len;
  FmSpiNandIdMethod method;
  /* NAND_MEMORG */
  guint page, oob, ppb, epl, max_bad, planes;
  guint strength;               /* NAND_ECCREQ(strength, 512) */
  /* the ooblayout's regions */
  FmOobRegion ecc[8];
  guint n_ecc;
  FmOobRegion free[8];
  guint n_free;
  GetStatus get_status;         /* NULL: core.c's default */
  MemOp read_cache[MAX_VARIANTS], write_cache[2], update_cache[2];
  gboolean has_qe;              /* SPINAND_HAS_QE_BIT */
  gboolean winbond_buf;         /* winbond_spinand_init(): BUF = 1 */
  /* What get_status() reports for a page whose worst sector had N bit
   * flips corrected, N = 1 .. strength. */
  guint reported[9];
} LinuxPart;

static gint status_micron_8 (Host *h, guint8 status);
static gint status_mx35lf1ge4ab (Host *h, guint8 status);
static gint status_gd5fxgq4xa (Host *h, guint8 status);
static gint status_gd5fxgq4uexxg (Host *h, guint8 status);
static gint status_gd5fxgq5xexxg (Host *h, guint8 status);
static gint status_tx58cxgxsxraix (Host *h, guint8 status);
static gint status_xt26g0xa (Host *h, guint8 status);
static gint status_pn26g0xa (Host *h, guint8 status);

static const LinuxPart linux_parts[] = {
  /* winbond.c */
  { "winbond-w25n01gv", "W25N01GV", 0xef, { 0xaa }, 1, FM_SPI_NAND_ID_DUMMY,
    2048, 64, 64, 1024, 20, 1, 1,
    { { 8, 8 }, { 24, 8 }, { 40, 8 }, { 56, 8 } }, 4,
    { { 2, 6 }, { 18, 6 }, { 34, 6 }, { 50, 6 } }, 4, NULL,
    { QUADIO (2), X4 (1), DUALIO (1), X2 (1), FAST (1), SLOW (1) },
    { LOAD_X4 (TRUE), LOAD (TRUE) }, { LOAD_X4 (FALSE), LOAD (FALSE) }, FALSE, TRUE,
    { 0, 1 } },
  /* micron.c */
  { "micron-mt29f2g01abagd", "MT29F2G01ABAGD", 0x2c, { 0x24 }, 1, FM_SPI_NAND_ID_DUMMY,
    2048, 128, 64, 2048, 40, 2, 8,
    { { 64, 64 } }, 1, { { 2, 62 } }, 1, status_micron_8,
    { QUADIO (2), X4 (1), DUALIO (1), X2 (1), FAST (1), SLOW (1) },
    { LOAD_X4 (TRUE), LOAD (TRUE) }, { LOAD_X4 (FALSE), LOAD (FALSE) }, FALSE, FALSE,
    { 0, 3, 3, 3, 6, 6, 6, 8, 8 } },
  /* gigadevice.c */
  { "gigadevice-gd5f1gq4uexxg", "GD5F1GQ4UExxG", 0xc8, { 0xd1 }, 1, FM_SPI_NAND_ID_ADDRESS,
    2048, 128, 64, 1024, 20, 1, 8,
    { { 64, 64 } }, 1, { { 1, 63 } }, 1, status_gd5fxgq4uexxg,
    { QUADIO (1), X4 (1), DUALIO (1), X2 (1), FAST (1), SLOW (1) },
    { LOAD_X4 (TRUE), LOAD (TRUE) }, { LOAD_X4 (FALSE), LOAD (FALSE) }, TRUE, FALSE,
    { 0, 4, 4, 4, 4, 5, 6, 7, 8 } },
  { "gigadevice-gd5f1gq4uayig", "GD5F1GQ4xA", 0xc8, { 0xf1 }, 1, FM_SPI_NAND_ID_ADDRESS,
    2048, 64, 64, 1024, 20, 1, 8,
    { { 8, 8 }, { 24, 8 }, { 40, 8 }, { 56, 8 } }, 4,
    { { 1, 7 }, { 16, 8 }, { 32, 8 }, { 48, 8 } }, 4, status_gd5fxgq4xa,
    { QUADIO (1), X4 (1), DUALIO (1), X2 (1), FAST (1), SLOW (1) },
    { LOAD_X4 (TRUE), LOAD (TRUE) }, { LOAD_X4 (FALSE), LOAD (FALSE) }, TRUE, FALSE,
    { 0, 7, 7, 7, 7, 7, 7, 7, 8 } },
  { "gigadevice-gd5f1gq5uexxg", "GD5F1GQ5UExxG", 0xc8, { 0x51 }, 1, FM_SPI_NAND_ID_DUMMY,
    2048, 128, 64, 1024, 20, 1, 4,
    { { 64, 64 } }, 1, { { 1, 63 } }, 1, status_gd5fxgq5xexxg,
    { QUADIO (2), X4 (1), DUALIO (1), X2 (1), FAST (1), SLOW (1) },
    { LOAD_X4 (TRUE), LOAD (TRUE) }, { LOAD_X4 (FALSE), LOAD (FALSE) }, TRUE, FALSE,
    { 0, 1, 2, 3, 4 } },
  /* macronix.c: no ecc region; write_cache_variants are 32h and 84h */
  { "macronix-mx35lf1ge4ab", "MX35LF1GE4AB", 0xc2, { 0x12 }, 1, FM_SPI_NAND_ID_DUMMY,
    2048, 64, 64, 1024, 20, 1, 4,
    { { 0, 0 } }, 0, { { 2, 62 } }, 1, status_mx35lf1ge4ab,
    { X4 (1), X2 (1), FAST (1), SLOW (1) },
    { LOAD_X4 (TRUE), LOAD (FALSE) }, { LOAD_X4 (FALSE), LOAD (FALSE) }, TRUE, FALSE,
    { 0, 1, 2, 3, 4 } },
  { "macronix-mx35lf2ge4ab", "MX35LF2GE4AB", 0xc2, { 0x22 }, 1, FM_SPI_NAND_ID_DUMMY,
    2048, 64, 64, 2048, 40, 2, 4,
    { { 0, 0 } }, 0, { { 2, 62 } }, 1, NULL,
    { X4 (1), X2 (1), FAST (1), SLOW (1) },
    { LOAD_X4 (TRUE), LOAD (FALSE) }, { LOAD_X4 (FALSE), LOAD (FALSE) }, TRUE, FALSE,
    { 0, 4, 4, 4, 4 } },
  /* toshiba.c: first generation, x1 program load */
  { "kioxia-tc58cvg0s3hraig", "TC58CVG0S3HRAIG", 0x98, { 0xc2 }, 1, FM_SPI_NAND_ID_DUMMY,
    2048, 128, 64, 1024, 20, 1, 8,
    { { 64, 64 } }, 1, { { 2, 62 } }, 1, status_tx58cxgxsxraix,
    { X4 (1), X2 (1), FAST (1), SLOW (1) },
    { LOAD (TRUE) }, { LOAD (FALSE) }, FALSE, FALSE,
    { 0, 1, 2, 3, 4, 5, 6, 7, 8 } },
  /* xtx.c */
  { "xtx-xt26g01a", "XT26G01A", 0x0b, { 0xe1 }, 1, FM_SPI_NAND_ID_ADDRESS,
    2048, 64, 64, 1024, 20, 1, 8,
    { { 48, 16 } }, 1, { { 1, 47 } }, 1, status_xt26g0xa,
    { QUADIO (1), X4 (1), DUALIO (1), X2 (1), FAST (1), SLOW (1) },
    { LOAD_X4 (TRUE), LOAD (TRUE) }, { LOAD_X4 (FALSE), LOAD (FALSE) }, TRUE, FALSE,
    { 0, 1, 2, 3, 4, 5, 6, 7, 8 } },
  /* paragon.c: 13 parity bytes per sector */
  { "paragon-pn26g01a", "PN26G01A", 0xa1, { 0xe1 }, 1, FM_SPI_NAND_ID_DUMMY,
    2048, 128, 64, 1024, 21, 1, 8,
    { { 6, 13 }, { 21, 13 }, { 36, 13 }, { 51, 13 } }, 4,
    { { 4, 2 }, { 19, 2 }, { 34, 2 }, { 49, 2 }, { 64, 64 } }, 5, status_pn26g0xa,
    { QUADIO (2), X4 (1), DUALIO (1), X2 (1), FAST (1), SLOW (1) },
    { LOAD_X4 (TRUE), LOAD (TRUE) }, { LOAD_X4 (FALSE), LOAD (FALSE) }, FALSE, FALSE,
    { 0, 7, 7, 7, 7, 7, 7, 7, 8 } },
  /* ato.c */
  { "ato-ato25d1ga", "ATO25D1GA", 0x9b, { 0x12 }, 1, FM_SPI_NAND_ID_ADDRESS,
    2048, 64, 64, 1024, 20, 1, 1,
    { { 8, 8 }, { 24, 8 }, { 40, 8 }, { 56, 8 } }, 4,
    { { 1, 7 }, { 16, 8 }, { 32, 8 }, { 48, 8 } }, 4, NULL,
    { X4 (1), FAST (1), SLOW (1) },
    { LOAD_X4 (TRUE), LOAD (TRUE) }, { LOAD_X4 (FALSE), LOAD (FALSE) }, TRUE, FALSE,
    { 0, 1 } },
};

static const LinuxPart *
linux_part_for (const gchar *chip)
{
  for (guint i = 0; i < G_N_ELEMENTS (linux_parts); i++)
    if (g_str_equal (linux_parts[i].chip, chip))
      return &linux_parts[i];
  return NULL;
}

/* ---- the host: struct spinand_device --------------------------------------- */

struct _Host {
  FmChipDesc *desc;
  FmNand *nand;
  FmSpiNand *spi;
  const LinuxPart *part;
  guint8 id[4];
  guint8 cfg_cache;
  const MemOp *read_op, *write_op, *update_op;
  gboolean check_lines;         /* compare each phase's width with the model's */
  guint64 polls;
};

static FmClock *
host_clock (Host *h)
{
  return fm_nand_clock (h->nand);
}

static void
expect_lines (Host *h, guint lines)
{
  /* A chip without power has no phases. */
  if (h->check_lines && !fm_nand_powered_off (h->nand))
    g_assert_cmpuint (fm_spi_nand_phase_lines (h->spi), ==, lines);
}

/* One spi-mem operation: opcode, address (MSB first), dummy bytes (FFh as
 * spi-mem sends them), then LEN data bytes out of OUT or into IN, each
 * phase at the width OP gives (checked against the model's). */
static void
host_exec (Host *h, const MemOp *op, guint32 addr, const guint8 *out, guint8 *in, gsize len)
{
  guint8 bytes[4];
  guint8 dummy[4];

  g_assert_cmpuint (op->naddr, <=, 4);
  g_assert_cmpuint (op->ndummy, <=, 4);
  fm_spi_nand_select (h->spi, TRUE);
  expect_lines (h, 1);
  fm_spi_nand_transfer (h->spi, &op->opcode, NULL, 1);
  for (guint i = 0; i < op->naddr; i++)
    bytes[i] = (addr >> (8 * (op->naddr - 1 - i))) & 0xff;
  if (op->naddr)
    {
      expect_lines (h, op->addr_lines);
      fm_spi_nand_transfer (h->spi, bytes, NULL, op->naddr);
    }
  if (op->ndummy)
    {
      memset (dummy, 0xff, sizeof dummy);
      expect_lines (h, op->addr_lines);
      fm_spi_nand_transfer (h->spi, dummy, NULL, op->ndummy);
    }
  if (len)
    {
      expect_lines (h, op->data_lines);
      fm_spi_nand_transfer (h->spi, out, in, len);
    }
  fm_spi_nand_select (h->spi, FALSE);
}

/* A single-line operation. */
static void
host_op (Host *h, guint8 opcode, guint32 addr, guint naddr, guint ndummy,
         const guint8 *out, guint8 *in, gsize len)
{
  MemOp op = { opcode, naddr, 1, ndummy, 1 };

  host_exec (h, &op, addr, out, in, len);
}

static guint8
host_get_feature (Host *h, guint8 reg)
{
  guint8 v = 0;

  host_op (h, 0x0f, reg, 1, 0, NULL, &v, 1);
  return v;
}

static void
host_set_feature (Host *h, guint8 reg, guint8 v)
{
  host_op (h, 0x1f, reg, 1, 0, &v, NULL, 1);
}

static void
host_write_enable (Host *h)
{
  host_op (h, 0x06, 0, 0, 0, NULL, NULL, 0);
}

/* spinand_wait(): poll the status until OIP clears, sleeping 5 us between
 * polls (time passing in virtual timing); after 400 ms worth of polls
 * (Linux's -ETIMEDOUT) the status as it is. */
static guint8
host_wait (Host *h)
{
  guint8 status = 0xff;

  for (guint i = 0; i < 400 * 1000 / 5; i++)
    {
      status = host_get_feature (h, REG_STATUS);
      h->polls++;
      if (!(status & STATUS_BUSY))
        break;
      fm_clock_advance (host_clock (h), 5000);
    }
  return status;
}

static void
host_reset (Host *h)
{
  host_op (h, 0xff, 0, 0, 0, NULL, NULL, 0);
  host_wait (h);
}

static void
host_read_id (Host *h, guint naddr, guint ndummy, guint8 id[4])
{
  host_op (h, 0x9f, 0, naddr, ndummy, NULL, id, 4);
}

/* spinand_upd_cfg() through the configuration cache. */
static void
host_upd_cfg (Host *h, guint8 mask, guint8 val)
{
  guint8 cfg = (h->cfg_cache & ~mask) | val;

  if (cfg == h->cfg_cache)
    return;
  host_set_feature (h, REG_CFG, cfg);
  h->cfg_cache = cfg;
}

static void
host_ecc_enable (Host *h, gboolean enable)
{
  host_upd_cfg (h, CFG_ECC_ENABLE, enable ? CFG_ECC_ENABLE : 0);
}

/* spinand_select_op_variant() for a controller that takes every op
 * (ALL) or only single-line ones. */
static const MemOp *
select_variant (const MemOp *ops, guint n, gboolean all)
{
  for (guint i = 0; i < n; i++)
    if (ops[i].opcode && (all || (ops[i].addr_lines == 1 && ops[i].data_lines == 1)))
      return &ops[i];
  g_assert_not_reached ();
  return NULL;
}

/* spinand_id_detect() + spinand_match_and_init(): the part whose table
 * entry matches the ID read with its method, over every part we know. */
static const LinuxPart *
host_match (Host *h, FmSpiNandIdMethod method)
{
  for (guint i = 0; i < G_N_ELEMENTS (linux_parts); i++)
    {
      const LinuxPart *p = &linux_parts[i];

      if (h->id[0] == p->mfr && p->method == method &&
          memcmp (h->id + 1, p->devid, p->devid_len) == 0)
        return p;
    }
  return NULL;
}

static const LinuxPart *
host_detect (Host *h)
{
  static const guint8 naddr[] = { 0, 1, 0 }, ndummy[] = { 0, 0, 1 };

  host_reset (h);
  for (FmSpiNandIdMethod m = FM_SPI_NAND_ID_OPCODE; m <= FM_SPI_NAND_ID_DUMMY; m++)
    {
      const LinuxPart *p;

      host_read_id (h, naddr[m], ndummy[m], h->id);
      p = host_match (h, m);
      if (p)
        return p;
    }
  return NULL;
}

/* spinand_init_flash() and the rest of spinand_init() that reaches the
 * chip: ALL_OPS: a controller that takes every op variant. */
static void
host_init (Host *h, gboolean all_ops)
{
  const LinuxPart *p = h->part;
  gboolean quad;

  h->read_op = select_variant (p->read_cache, MAX_VARIANTS, all_ops);
  h->write_op = select_variant (p->write_cache, 2, all_ops);
  h->update_op = select_variant (p->update_cache, 2, all_ops);
  h->cfg_cache = host_get_feature (h, REG_CFG);
  quad = h->read_op->data_lines == 4 || h->write_op->data_lines == 4 || h->update_op->data_lines == 4;
  if (p->has_qe)
    host_upd_cfg (h, CFG_QUAD_ENABLE, quad ? CFG_QUAD_ENABLE : 0);
  host_upd_cfg (h, CFG_OTP_ENABLE, 0);
  if (p->winbond_buf)
    host_upd_cfg (h, 0x08, 0x08);
  host_set_feature (h, REG_BLOCK_LOCK, 0x00);
  host_ecc_enable (h, FALSE);
}

/* The SPI NAND model over NAND (of DESC), probed and set up as Linux
 * does; the host owns neither. */
static void
host_attach (Host *h, FmChipDesc *desc, FmNand *nand, gboolean all_ops)
{
  g_autoptr (GError) error = NULL;

  memset (h, 0, sizeof *h);
  h->desc = desc;
  h->nand = nand;
  h->spi = fm_spi_nand_new (h->nand, &error);
  g_assert_no_error (error);
  h->check_lines = TRUE;
  h->part = host_detect (h);
  g_assert_nonnull (h->part);
  g_assert_cmpstr (h->part->chip, ==, desc->name);
  host_init (h, all_ops);
}

/* The same over a volatile chip the host owns. */
static void
host_setup (Host *h, const gchar *chip, FmTimingMode timing, gint bad, gboolean all_ops)
{
  FmChipDesc *desc = fm_test_chip (chip);

  host_attach (h, desc, fm_test_nand (desc, 1, bad, timing), all_ops);
}

static void
host_detach (Host *h)
{
  g_clear_pointer (&h->spi, fm_spi_nand_free);
}

static void
host_clear (Host *h)
{
  host_detach (h);
  fm_nand_free (h->nand);
  fm_chip_desc_free (h->desc);
}

static guint32
host_row (Host *h, guint32 block, guint page)
{
  return block << g_bit_storage (h->desc->pages_per_block - 1) | page;
}

/* The column with the plane bit above it, as spinand_create_dirmap(). */
static guint32
host_column (Host *h, guint32 block, guint column)
{
  guint plane = block % h->part->planes;

  return plane << g_bit_storage (h->part->page) | column;
}

static gint
host_check_ecc_status (Host *h, guint8 status)
{
  if (h->part->get_status)
    return h->part->get_status (h, status);
  switch (status & STATUS_ECC_MASK)
    {
    case 0x00:
      return 0;
    case 0x10:
      return h->part->strength;
    case 0x20:
      return -EBADMSG;
    default:
      return -EINVAL;
    }
}

/* spinand_read_page() of a whole page + OOB into BUF: the bit flips the
 * ECC reported, -EBADMSG, or 0 for a raw read. */
static gint
host_read_page (Host *h, guint32 block, guint page, guint8 *buf, gboolean raw)
{
  gsize len = h->part->page + h->part->oob;
  guint8 status;

  host_ecc_enable (h, !raw);
  host_op (h, 0x13, host_row (h, block, page), 3, 0, NULL, NULL, 0);
  status = host_wait (h);
  host_exec (h, h->read_op, host_column (h, block, 0), NULL, buf, len);
  return raw ? 0 : host_check_ecc_status (h, status);
}

/* spinand_write_page(): 0 or -EIO. Linux 6.1 loads the cache through the
 * dirmap spinand_create_dirmap() makes of the update_cache op: a random
 * load (84h/34h) of the whole page and spare. */
static gint
host_write_page (Host *h, guint32 block, guint page, const guint8 *buf, gboolean raw)
{
  gsize len = h->part->page + h->part->oob;

  host_ecc_enable (h, !raw);
  host_write_enable (h);
  host_exec (h, h->update_op, host_column (h, block, 0), buf, NULL, len);
  host_op (h, 0x10, host_row (h, block, page), 3, 0, NULL, NULL, 0);
  return host_wait (h) & STATUS_PROG_FAILED ? -EIO : 0;
}

static gint
host_erase (Host *h, guint32 block)
{
  host_write_enable (h);
  host_op (h, 0xd8, host_row (h, block, 0), 3, 0, NULL, NULL, 0);
  return host_wait (h) & STATUS_ERASE_FAILED ? -EIO : 0;
}

/* ---- the vendors' get_status(), as Linux 6.1 has them ---------------------- */

/* micron.c micron_8_ecc_get_status() */
static gint
status_micron_8 (Host *h, guint8 status)
{
  (void) h;
  switch (status & 0x70)
    {
    case 0x00: return 0;
    case 0x20: return -EBADMSG;
    case 0x10: return 3;
    case 0x30: return 6;
    case 0x50: return 8;
    default: return -EINVAL;
    }
}

/* macronix.c mx35lf1ge4ab_ecc_get_status(): 7Ch + 1 dummy byte for the
 * count, the strength when it is out of range (a WARN in Linux: here a
 * test failure). */
static gint
status_mx35lf1ge4ab (Host *h, guint8 status)
{
  guint8 eccsr = 0;

  switch (status & STATUS_ECC_MASK)
    {
    case 0x00: return 0;
    case 0x20: return -EBADMSG;
    case 0x10:
      host_op (h, 0x7c, 0, 0, 1, NULL, &eccsr, 1);
      eccsr &= 0x0f;
      g_assert_true (eccsr && eccsr <= h->part->strength);
      return eccsr;
    default: return -EINVAL;
    }
}

/* gigadevice.c gd5fxgq4xa_ecc_get_status() */
static gint
status_gd5fxgq4xa (Host *h, guint8 status)
{
  (void) h;
  switch (status & STATUS_ECC_MASK)
    {
    case 0x00: return 0;
    case 0x10: return 7;
    case 0x30: return 8;
    case 0x20: return -EBADMSG;
    default: return -EINVAL;
    }
}

/* gigadevice.c gd5fxgq4uexxg_ecc_get_status() */
static gint
status_gd5fxgq4uexxg (Host *h, guint8 status)
{
  guint8 status2;

  switch (status & STATUS_ECC_MASK)
    {
    case 0x00: return 0;
    case 0x10:
      status2 = host_get_feature (h, 0xf0);
      return ((status & STATUS_ECC_MASK) >> 2) | ((status2 & STATUS_ECC_MASK) >> 4);
    case 0x30: return 8;
    case 0x20: return -EBADMSG;
    default: return -EINVAL;
    }
}

/* gigadevice.c gd5fxgq5xexxg_ecc_get_status() */
static gint
status_gd5fxgq5xexxg (Host *h, guint8 status)
{
  switch (status & STATUS_ECC_MASK)
    {
    case 0x00: return 0;
    case 0x10: return ((host_get_feature (h, 0xf0) & STATUS_ECC_MASK) >> 4) + 1;
    case 0x20: return -EBADMSG;
    default: return -EINVAL;
    }
}

/* toshiba.c tx58cxgxsxraix_ecc_get_status(): 30h bits 7:4. */
static gint
status_tx58cxgxsxraix (Host *h, guint8 status)
{
  guint8 mbf;

  switch (status & STATUS_ECC_MASK)
    {
    case 0x00: return 0;
    case 0x20: return -EBADMSG;
    case 0x10:
    case 0x30:
      mbf = host_get_feature (h, 0x30) >> 4;
      g_assert_true (mbf && mbf <= h->part->strength);
      return mbf;
    default: return -EINVAL;
    }
}

/* xtx.c xt26g0xa_ecc_get_status(): bits 5:2. */
static gint
status_xt26g0xa (Host *h, guint8 status)
{
  (void) h;
  status &= 0x3c;
  switch (status)
    {
    case 0x00: return 0;
    case 0x30: return 8;
    case 0x20: return -EBADMSG;
    default: break;
    }
  if (status > 0x20)
    return -EINVAL;
  return status >> 2;
}

/* paragon.c pn26g0xa_ecc_get_status() */
static gint
status_pn26g0xa (Host *h, guint8 status)
{
  (void) h;
  switch (status & STATUS_ECC_MASK)
    {
    case 0x00: return 0;
    case 0x10: return 7;
    case 0x30: return 8;
    case 0x20: return -EBADMSG;
    default: return -EINVAL;
    }
}

/* ---- helpers ----------------------------------------------------------------- */

/* A page as spinand_write_page() sends it: data, and a spare area of FFh
 * but for the free bytes the host owns (here all of them, patterned). */
static guint8 *
page_with_oob (Host *h, guint64 seed)
{
  gsize len = h->part->page + h->part->oob;
  guint8 *buf = fm_test_pattern (len, seed);
  g_autofree guint16 *offsets = g_new (guint16, h->part->oob);
  guint n = fm_on_die_ecc_free_bytes (h->desc, offsets);
  g_autofree guint8 *spare = g_memdup2 (buf + h->part->page, h->part->oob);

  memset (buf + h->part->page, 0xff, h->part->oob);
  for (guint i = 0; i < n; i++)
    buf[h->part->page + offsets[i]] = spare[offsets[i]];
  return buf;
}

/* The bytes the host owns: data and free spare bytes. */
static void
assert_host_bytes_equal (Host *h, const guint8 *want, const guint8 *got)
{
  g_autofree guint16 *offsets = g_new (guint16, h->part->oob);
  guint n = fm_on_die_ecc_free_bytes (h->desc, offsets);

  g_assert_cmpmem (want, h->part->page, got, h->part->page);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (want[h->part->page + offsets[i]], ==, got[h->part->page + offsets[i]]);
}

static gchar **
spi_nand_chips (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);
  GPtrArray *out = g_ptr_array_new ();

  g_assert_no_error (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) d = fm_test_chip (names[i]);

      if (d->type == FM_CHIP_SPI_NAND)
        g_ptr_array_add (out, g_strdup (names[i]));
    }
  g_ptr_array_add (out, NULL);
  return (gchar **) g_ptr_array_free (out, FALSE);
}

/* ---- the catalog against Linux's tables ------------------------------------------ */

static void
test_catalog (void)
{
  g_auto (GStrv) chips = spi_nand_chips ();
  g_autoptr (GHashTable) vendors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; chips[i]; i++)
    {
      const LinuxPart *p = linux_part_for (chips[i]);
      g_autofree guint16 *offsets = NULL;
      guint n_free = 0, want_free = 0;
      Host h;

      g_test_message ("%s", chips[i]);
      g_assert_nonnull (p);
      host_setup (&h, chips[i], FM_TIMING_NONE, 0, TRUE);
      g_hash_table_add (vendors, g_strdup (h.desc->vendor));
      /* READ ID: what spinand_id_detect() matched, with the part's method. */
      g_assert_cmpuint (h.id[0], ==, p->mfr);
      g_assert_cmpmem (h.id + 1, p->devid_len, p->devid, p->devid_len);
      g_assert_cmpuint (h.desc->spi_nand.read_id, ==, p->method);
      /* NAND_MEMORG and NAND_ECCREQ */
      g_assert_cmpuint (h.desc->page_size, ==, p->page);
      g_assert_cmpuint (h.desc->oob_size, ==, p->oob);
      g_assert_cmpuint (h.desc->pages_per_block, ==, p->ppb);
      g_assert_cmpuint (h.desc->blocks_per_lun, ==, p->epl);
      g_assert_cmpuint (h.desc->luns, ==, 1);
      g_assert_cmpuint (h.desc->factory_bad_blocks_max, ==, p->max_bad);
      g_assert_cmpuint (h.desc->planes, ==, p->planes);
      g_assert_cmpuint (h.desc->on_die_ecc_strength, ==, p->strength);
      g_assert_cmpuint (h.desc->spi_nand.quad_enable, ==, p->has_qe);
      /* The ooblayout, byte by byte. */
      offsets = g_new (guint16, p->oob);
      n_free = fm_on_die_ecc_free_bytes (h.desc, offsets);
      for (guint r = 0, k = 0; r < p->n_free; r++)
        for (guint b = 0; b < p->free[r].length; b++, k++)
          {
            g_assert_cmpuint (k, <, n_free);
            g_assert_cmpuint (offsets[k], ==, p->free[r].offset + b);
            want_free++;
          }
      g_assert_cmpuint (n_free, ==, want_free);
      for (guint o = 0; o < p->oob; o++)
        {
          gboolean parity = FALSE;

          for (guint r = 0; r < p->n_ecc; r++)
            parity |= o >= p->ecc[r].offset && o < (guint) p->ecc[r].offset + p->ecc[r].length;
          g_assert_cmpuint (fm_on_die_ecc_is_parity (h.desc, o), ==, parity);
        }
      host_clear (&h);
    }
  /* The issue asks for at least 8 parts from 6 of the vendors Linux 6.1
   * supports. */
  g_assert_cmpuint (g_strv_length (chips), >=, 8);
  g_assert_cmpuint (g_hash_table_size (vendors), >=, 6);
}

/* ---- Linux's page I/O, every op variant --------------------------------------------- */

/* Erase, program with ECC, read back with every read variant the part
 * lists; a raw read shows the parity the chip wrote in the ecc regions. */
static void
test_round_trip (gconstpointer data)
{
  const gchar *chip = data;

  for (guint all = 0; all < 2; all++)
    {
      Host h;
      gsize len;
      /* An odd block: plane 1 on two-plane parts. */
      const guint32 block = 3;

      host_setup (&h, chip, FM_TIMING_VIRTUAL, 0, all);
      len = h.part->page + h.part->oob;
      g_assert_cmpint (host_erase (&h, block), ==, 0);
      for (guint page = 0; page < 3; page++)
        {
          g_autofree guint8 *want = page_with_oob (&h, 100 + page);
          g_autofree guint8 *got = g_malloc (len);

          g_assert_cmpint (host_write_page (&h, block, page, want, FALSE), ==, 0);
          for (guint v = 0; v < MAX_VARIANTS; v++)
            {
              if (!h.part->read_cache[v].opcode || (!all && h.part->read_cache[v].data_lines > 1))
                continue;
              h.read_op = &h.part->read_cache[v];
              memset (got, 0, len);
              g_assert_cmpint (host_read_page (&h, block, page, got, FALSE), ==, 0);
              assert_host_bytes_equal (&h, want, got);
            }
          /* Raw: the data and free bytes as written, the parity there. */
          g_assert_cmpint (host_read_page (&h, block, page, got, TRUE), ==, 0);
          assert_host_bytes_equal (&h, want, got);
          if (h.desc->on_die_layout.n_ecc)
            {
              gboolean parity_written = FALSE;

              for (guint o = 0; o < h.part->oob; o++)
                if (fm_on_die_ecc_is_parity (h.desc, o) && got[h.part->page + o] != 0xff)
                  parity_written = TRUE;
              g_assert_true (parity_written);
            }
        }
      /* A raw program writes no parity: the ecc regions keep what the
       * host sent (FFh), and a raw read returns every byte as sent. */
      {
        g_autofree guint8 *want = fm_test_pattern (len, 7);
        g_autofree guint8 *got = g_malloc (len);

        for (guint o = 0; o < h.part->oob; o++)
          if (fm_on_die_ecc_is_parity (h.desc, o) || o < 2)
            want[h.part->page + o] = 0xff;
        g_assert_cmpint (host_write_page (&h, block, 5, want, TRUE), ==, 0);
        g_assert_cmpint (host_read_page (&h, block, 5, got, TRUE), ==, 0);
        g_assert_cmpmem (want, len, got, len);
      }
      /* Erased again: every byte FFh, with the ECC on and off. */
      g_assert_cmpint (host_erase (&h, block), ==, 0);
      {
        g_autofree guint8 *got = g_malloc (len);

        g_assert_cmpint (host_read_page (&h, block, 0, got, FALSE), ==, 0);
        g_assert_true (fm_test_all_ff (got, len));
      }
      g_assert_cmpuint (fm_nand_stats (h.nand)->block_erases, ==, 2);
      host_clear (&h);
    }
}

/* ---- the vendor's ECC status encoding ------------------------------------------------ */

/* Flips N bits of sector 0 (data bytes) of BLOCK/PAGE on the next read. */
static void
flip_bits (Host *h, guint32 block, guint page, guint n)
{
  g_autoptr (GString) rules = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (rules, "bitflip block=%u page=%u byte=%u bit=%u;", block, page, 37 * i + 5, i % 8);
  fm_nand_set_faults (h->nand, n ? fm_fault_set_parse (rules->str, &error) : NULL);
  g_assert_no_error (error);
}

static void
test_ecc_status (gconstpointer data)
{
  const gchar *chip = data;
  Host h;
  gsize len;
  const guint32 block = 6;
  g_autofree guint8 *want = NULL;
  g_autofree guint8 *got = NULL;
  guint strength;

  host_setup (&h, chip, FM_TIMING_NONE, 0, TRUE);
  len = h.part->page + h.part->oob;
  strength = h.part->strength;
  want = page_with_oob (&h, 3);
  got = g_malloc (len);
  g_assert_cmpint (host_erase (&h, block), ==, 0);
  g_assert_cmpint (host_write_page (&h, block, 0, want, FALSE), ==, 0);
  for (guint n = 0; n <= strength + 1; n++)
    {
      FmNandStats before = *fm_nand_stats (h.nand);
      gint ret;

      g_test_message ("%s: %u bit flips in a sector", chip, n);
      flip_bits (&h, block, 0, n);
      ret = host_read_page (&h, block, 0, got, FALSE);
      if (n == 0)
        g_assert_cmpint (ret, ==, 0);
      else if (n <= strength)
        {
          /* Linux's decode of what the status (and the vendor's detail
           * register) reports, and the data corrected. */
          g_assert_cmpint (ret, ==, h.part->reported[n]);
          g_assert_cmpint (ret, >=, (gint) n);
          assert_host_bytes_equal (&h, want, got);
          g_assert_cmpuint (fm_nand_stats (h.nand)->ecc_corrected, ==, before.ecc_corrected + n);
        }
      else
        {
          g_assert_cmpint (ret, ==, -EBADMSG);
          g_assert_cmpuint (fm_nand_stats (h.nand)->ecc_failed, ==, before.ecc_failed + 1);
        }
      /* A raw read sees the flips as they are. */
      flip_bits (&h, block, 0, n);
      g_assert_cmpint (host_read_page (&h, block, 0, got, TRUE), ==, 0);
      for (guint i = 0; i < n; i++)
        g_assert_cmpuint (got[37 * i + 5] ^ want[37 * i + 5], ==, 1u << (i % 8));
    }
  /* A read with the ECC off reports nothing in the status. */
  flip_bits (&h, block, 0, 1);
  host_ecc_enable (&h, FALSE);
  host_op (&h, 0x13, host_row (&h, block, 0), 3, 0, NULL, NULL, 0);
  g_assert_cmpuint (host_wait (&h) & fm_spi_nand_ecc_status_mask (h.desc), ==, 0);
  host_clear (&h);
}

/* ---- protection, WEL, busy ------------------------------------------------------------- */

static gboolean
page_erased (Host *h, guint32 block, guint page)
{
  g_autofree guint8 *buf = g_malloc (h->part->page + h->part->oob);

  host_read_page (h, block, page, buf, TRUE);
  return fm_test_all_ff (buf, h->part->page + h->part->oob);
}

static void
test_protection (gconstpointer data)
{
  const gchar *chip = data;
  Host h;
  g_autofree guint8 *buf = NULL;
  guint32 blocks, first;
  const FmSpiNandDesc *s;

  host_setup (&h, chip, FM_TIMING_NONE, 0, TRUE);
  s = &h.desc->spi_nand;
  buf = page_with_oob (&h, 9);
  blocks = fm_chip_desc_blocks (h.desc);
  first = blocks / s->protect_first_fraction;   /* BP = 1 */

  /* Power-on: the reset value of the register (all locked on these parts). */
  host_set_feature (&h, REG_BLOCK_LOCK, s->protect_reset);
  g_assert_cmpuint (host_get_feature (&h, REG_BLOCK_LOCK), ==, s->protect_reset);
  g_assert_cmpint (host_write_page (&h, 0, 0, buf, FALSE), ==, -EIO);
  g_assert_cmpint (host_erase (&h, blocks - 1), ==, -EIO);
  g_assert_true (page_erased (&h, 0, 0));

  /* BP = 1: the top 1/fraction of the chip. */
  host_set_feature (&h, REG_BLOCK_LOCK, 1 << 3);
  g_assert_cmpint (host_erase (&h, blocks - 1), ==, -EIO);
  g_assert_cmpint (host_erase (&h, blocks - first), ==, -EIO);
  g_assert_cmpint (host_erase (&h, blocks - first - 1), ==, 0);
  g_assert_cmpint (host_write_page (&h, blocks - 1, 0, buf, FALSE), ==, -EIO);
  g_assert_true (page_erased (&h, blocks - 1, 0));
  g_assert_cmpint (host_write_page (&h, blocks - first - 1, 0, buf, FALSE), ==, 0);
  /* BP = 2: twice that. */
  host_set_feature (&h, REG_BLOCK_LOCK, 2 << 3);
  g_assert_cmpint (host_erase (&h, blocks - 2 * first), ==, -EIO);
  g_assert_cmpint (host_erase (&h, blocks - 2 * first - 1), ==, 0);
  /* The top-bottom bit: from block 0 up. */
  if (s->tb_bit >= 0)
    {
      host_set_feature (&h, REG_BLOCK_LOCK, 1 << 3 | 1 << s->tb_bit);
      g_assert_cmpint (host_erase (&h, first - 1), ==, -EIO);
      g_assert_cmpint (host_erase (&h, first), ==, 0);
      g_assert_cmpint (host_erase (&h, blocks - 1), ==, 0);
    }
  /* The complement bit: all but the range. */
  if (s->cmp_bit >= 0)
    {
      host_set_feature (&h, REG_BLOCK_LOCK, 1 << 3 | 1 << s->cmp_bit);
      g_assert_cmpint (host_erase (&h, blocks - 1), ==, 0);
      g_assert_cmpint (host_erase (&h, 0), ==, -EIO);
    }
  /* Linux's unlock. */
  host_set_feature (&h, REG_BLOCK_LOCK, 0);
  g_assert_cmpint (host_erase (&h, blocks - 1), ==, 0);
  g_assert_cmpint (host_write_page (&h, blocks - 1, 0, buf, FALSE), ==, 0);

  /* BRWD with WP# asserted: the register cannot change, unless QE has
   * made the pin IO2. */
  if (s->quad_enable)
    host_upd_cfg (&h, CFG_QUAD_ENABLE, 0);
  host_set_feature (&h, REG_BLOCK_LOCK, 0x80);
  fm_spi_nand_set_wp (h.spi, TRUE);
  host_set_feature (&h, REG_BLOCK_LOCK, 0x80 | 1 << 3);
  g_assert_cmpuint (host_get_feature (&h, REG_BLOCK_LOCK), ==, 0x80);
  if (s->quad_enable)
    {
      host_upd_cfg (&h, CFG_QUAD_ENABLE, CFG_QUAD_ENABLE);
      host_set_feature (&h, REG_BLOCK_LOCK, 0x80 | 1 << 3);
      g_assert_cmpuint (host_get_feature (&h, REG_BLOCK_LOCK), ==, 0x80 | 1 << 3);
    }
  fm_spi_nand_set_wp (h.spi, FALSE);
  host_set_feature (&h, REG_BLOCK_LOCK, 1 << 3);
  g_assert_cmpuint (host_get_feature (&h, REG_BLOCK_LOCK), ==, 1 << 3);
  host_clear (&h);
}

static void
test_write_enable (gconstpointer data)
{
  const gchar *chip = data;
  Host h;
  g_autofree guint8 *buf = NULL;
  gsize len;

  host_setup (&h, chip, FM_TIMING_NONE, 0, TRUE);
  len = h.part->page + h.part->oob;
  buf = page_with_oob (&h, 11);
  g_assert_cmpint (host_erase (&h, 2), ==, 0);
  /* WEL: set by 06h, cleared by 04h. */
  g_assert_cmpuint (host_get_feature (&h, REG_STATUS) & STATUS_WEL, ==, 0);
  host_write_enable (&h);
  g_assert_cmpuint (host_get_feature (&h, REG_STATUS) & STATUS_WEL, ==, STATUS_WEL);
  host_op (&h, 0x04, 0, 0, 0, NULL, NULL, 0);
  g_assert_cmpuint (host_get_feature (&h, REG_STATUS) & STATUS_WEL, ==, 0);
  /* PROGRAM EXECUTE and BLOCK ERASE without it do nothing, no FAIL. */
  host_exec (&h, h.update_op, host_column (&h, 2, 0), buf, NULL, len);
  host_op (&h, 0x10, host_row (&h, 2, 0), 3, 0, NULL, NULL, 0);
  g_assert_cmpuint (host_wait (&h) & (STATUS_PROG_FAILED | STATUS_WEL), ==, 0);
  g_assert_true (page_erased (&h, 2, 0));
  g_assert_cmpint (host_write_page (&h, 2, 0, buf, FALSE), ==, 0);
  host_op (&h, 0xd8, host_row (&h, 2, 0), 3, 0, NULL, NULL, 0);
  g_assert_cmpuint (host_wait (&h) & STATUS_ERASE_FAILED, ==, 0);
  g_assert_false (page_erased (&h, 2, 0));
  /* They take it, whether they go ahead or not. */
  host_write_enable (&h);
  host_op (&h, 0x10, host_row (&h, 2, 0), 3, 0, NULL, NULL, 0);
  g_assert_cmpuint (host_wait (&h) & STATUS_WEL, ==, 0);
  g_assert_cmpuint (fm_nand_stats (h.nand)->block_erases, ==, 1);
  host_clear (&h);
}

/* P_FAIL and E_FAIL: a factory bad block, injected program and erase
 * failures, a block gone bad; each cleared by the next program or erase
 * that succeeds, and never left by an ECC status that shares their bits
 * (XTX's 4-bit field). */
static void
test_fail_status (gconstpointer data)
{
  const gchar *chip = data;
  Host h;
  g_autofree guint8 *buf = NULL;
  g_autofree guint8 *got = NULL;
  g_autoptr (GError) error = NULL;
  guint32 bad = G_MAXUINT32;

  host_setup (&h, chip, FM_TIMING_NONE, 3, TRUE);
  buf = page_with_oob (&h, 81);
  got = g_malloc (h.part->page + h.part->oob);
  for (guint32 b = 0; b < fm_chip_desc_blocks (h.desc) && bad == G_MAXUINT32; b++)
    if (fm_image_block (fm_nand_image (h.nand), b)->flags & FM_BLOCK_FACTORY_BAD)
      bad = b;
  g_assert_cmpuint (bad, !=, G_MAXUINT32);
  /* Linux's spinand_isbad(): spare bytes 0-1 of page 0, raw. */
  g_assert_cmpint (host_read_page (&h, bad, 0, got, TRUE), ==, 0);
  g_assert_true (got[h.part->page] != 0xff || got[h.part->page + 1] != 0xff);
  g_assert_cmpint (host_write_page (&h, bad, 1, buf, FALSE), ==, -EIO);
  g_assert_cmpint (host_erase (&h, bad), ==, -EIO);
  g_assert_cmpint (host_erase (&h, 0), ==, 0);
  g_assert_cmpint (host_write_page (&h, 0, 0, buf, FALSE), ==, 0);

  fm_nand_set_faults (h.nand, fm_fault_set_parse ("program-fail block=0 page=1; erase-fail block=1 nth=1;"
                                                  "grown-bad block=2 at-erase=1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (host_write_page (&h, 0, 1, buf, FALSE), ==, -EIO);
  g_assert_cmpint (host_write_page (&h, 0, 2, buf, FALSE), ==, 0);
  g_assert_cmpint (host_erase (&h, 1), ==, -EIO);
  g_assert_cmpint (host_erase (&h, 1), ==, 0);
  g_assert_cmpint (host_erase (&h, 2), ==, -EIO);
  g_assert_cmpint (host_erase (&h, 2), ==, -EIO);
  fm_nand_set_faults (h.nand, NULL);

  /* Every count of corrected bits, then a program: no P_FAIL. */
  for (guint n = 1; n <= h.part->strength; n++)
    {
      flip_bits (&h, 0, 0, n);
      g_assert_cmpint (host_read_page (&h, 0, 0, got, FALSE), >, 0);
      g_assert_cmpint (host_erase (&h, 3), ==, 0);
      g_assert_cmpint (host_write_page (&h, 3, 0, buf, FALSE), ==, 0);
    }
  host_clear (&h);
}

/* Virtual time from START until OIP clears, polling every microsecond. */
static guint64
busy_since (Host *h, guint64 start)
{
  while (host_get_feature (h, REG_STATUS) & STATUS_BUSY)
    fm_clock_advance (host_clock (h), 1000);
  return fm_clock_now (host_clock (h)) - start;
}

static guint64
busy_ns (Host *h)
{
  return busy_since (h, fm_clock_now (host_clock (h)));
}

/* The busy time of an operation: the nominal time within the bus time of
 * the polls (a GET FEATURE is 3 bytes, under 1 us at 50 MHz). */
static void
assert_busy_close (guint64 measured, guint64 nominal)
{
  g_assert_cmpuint (measured + 2000, >=, nominal);
  g_assert_cmpuint (measured, <=, nominal + 2000);
}

static void
test_busy (gconstpointer data)
{
  const gchar *chip = data;
  Host h;
  g_autofree guint8 *buf = NULL;
  guint8 id[4];
  const FmChipDesc *d;
  guint64 start;

  host_setup (&h, chip, FM_TIMING_VIRTUAL, 0, TRUE);
  d = h.desc;
  buf = page_with_oob (&h, 13);
  host_op (&h, 0xd8, host_row (&h, 1, 0), 3, 0, NULL, NULL, 0);   /* no WEL */
  host_write_enable (&h);
  host_op (&h, 0xd8, host_row (&h, 1, 0), 3, 0, NULL, NULL, 0);
  assert_busy_close (busy_ns (&h), d->t_bers.typ_ns);

  host_ecc_enable (&h, TRUE);
  host_write_enable (&h);
  host_exec (&h, h.update_op, host_column (&h, 1, 0), buf, NULL, h.part->page + h.part->oob);
  host_op (&h, 0x10, host_row (&h, 1, 0), 3, 0, NULL, NULL, 0);
  /* WEL reads set until the program ends. */
  g_assert_cmpuint (host_get_feature (&h, REG_STATUS) & (STATUS_BUSY | STATUS_WEL), ==, STATUS_BUSY | STATUS_WEL);
  assert_busy_close (busy_ns (&h), d->t_prog.typ_ns);
  g_assert_cmpuint (host_get_feature (&h, REG_STATUS) & STATUS_WEL, ==, 0);

  host_op (&h, 0x13, host_row (&h, 1, 0), 3, 0, NULL, NULL, 0);
  assert_busy_close (busy_ns (&h), d->t_r_ecc.typ_ns);
  host_ecc_enable (&h, FALSE);
  host_op (&h, 0x13, host_row (&h, 1, 0), 3, 0, NULL, NULL, 0);
  start = fm_clock_now (host_clock (&h));
  /* Busy: only GET FEATURE of the status and RESET are answered. */
  host_read_id (&h, 0, 1, id);
  g_assert_cmpuint (id[0], ==, 0xff);
  g_assert_cmpuint (host_get_feature (&h, REG_CFG), ==, 0xff);
  host_set_feature (&h, REG_CFG, h.cfg_cache | CFG_ECC_ENABLE);
  host_write_enable (&h);
  g_assert_cmpuint (host_get_feature (&h, REG_STATUS), ==, STATUS_BUSY);
  assert_busy_close (busy_since (&h, start), d->t_r.typ_ns);
  g_assert_cmpuint (host_get_feature (&h, REG_CFG), ==, h.cfg_cache);
  g_assert_cmpuint (host_get_feature (&h, REG_STATUS) & STATUS_WEL, ==, 0);

  /* RESET stops an erase: busy for tRST instead. */
  host_write_enable (&h);
  host_op (&h, 0xd8, host_row (&h, 1, 0), 3, 0, NULL, NULL, 0);
  fm_clock_advance (host_clock (&h), 10000);
  host_op (&h, 0xff, 0, 0, 0, NULL, NULL, 0);
  assert_busy_close (busy_ns (&h), d->t_rst_ns);
  g_assert_true (page_erased (&h, 1, 0));
  host_clear (&h);
}

/* ---- PROGRAM LOAD and RANDOM LOAD ------------------------------------------------------- */

static void
program_loads (Host *h, guint32 block, guint page, const MemOp *first, const guint8 *a,
               const MemOp *patch, const guint8 *b, guint column, gsize blen)
{
  host_ecc_enable (h, FALSE);
  host_write_enable (h);
  host_exec (h, first, host_column (h, block, 0), a, NULL, h->part->page + h->part->oob);
  host_exec (h, patch, host_column (h, block, column), b, NULL, blen);
  host_op (h, 0x10, host_row (h, block, page), 3, 0, NULL, NULL, 0);
  g_assert_cmpuint (host_wait (h) & STATUS_PROG_FAILED, ==, 0);
}

static void
test_program_load (gconstpointer data)
{
  const gchar *chip = data;
  Host h;
  gsize len;
  g_autofree guint8 *a = NULL;
  g_autofree guint8 *b = NULL;
  g_autofree guint8 *got = NULL;
  g_autofree guint8 *want = NULL;

  host_setup (&h, chip, FM_TIMING_NONE, 0, TRUE);
  len = h.part->page + h.part->oob;
  a = fm_test_pattern (len, 21);
  b = fm_test_pattern (len, 22);
  got = g_malloc (len);
  g_assert_cmpint (host_erase (&h, 4), ==, 0);
  for (guint x4 = 0; x4 < 2; x4++)
    {
      /* Every part has 02h and 84h; 32h and 34h where the descriptor says. */
      const MemOp reset_op = x4 ? (MemOp) LOAD_X4 (TRUE) : (MemOp) LOAD (TRUE);
      const MemOp random_op = x4 ? (MemOp) LOAD_X4 (FALSE) : (MemOp) LOAD (FALSE);

      if (x4 && !h.desc->spi_nand.program_load_x4)
        continue;
      if (x4 && h.desc->spi_nand.quad_enable)
        host_upd_cfg (&h, CFG_QUAD_ENABLE, CFG_QUAD_ENABLE);
      /* 02h/32h: the cache register to FFh, then the bytes. */
      program_loads (&h, 4, 2 * x4, &random_op, a, &reset_op, b, 100, 10);
      g_assert_cmpint (host_read_page (&h, 4, 2 * x4, got, TRUE), ==, 0);
      want = g_malloc (len);
      memset (want, 0xff, len);
      memcpy (want + 100, b, 10);
      g_assert_cmpmem (got, len, want, len);
      g_clear_pointer (&want, g_free);
      /* 84h/34h: the register as it was, the bytes over it; past the
       * end of the register the bytes wrap to its start. */
      program_loads (&h, 4, 2 * x4 + 1, &random_op, a, &random_op, b, len - 4, 10);
      g_assert_cmpint (host_read_page (&h, 4, 2 * x4 + 1, got, TRUE), ==, 0);
      want = g_malloc (len);
      for (gsize i = 0; i < len; i++)
        want[i] = i >= len - 4 ? b[i - (len - 4)] : i < 6 ? b[4 + i] : a[i];
      g_assert_cmpmem (got, len, want, len);
      g_clear_pointer (&want, g_free);
    }
  /* Without QE, parts with a QE bit ignore 32h and 34h (IO2 and IO3 are
   * WP# and HOLD#): nothing is loaded, the program writes what was there. */
  if (h.desc->spi_nand.quad_enable)
    {
      const MemOp random_x1 = LOAD (FALSE), random_x4 = LOAD_X4 (FALSE);

      host_upd_cfg (&h, CFG_QUAD_ENABLE, 0);
      h.check_lines = FALSE;
      program_loads (&h, 4, 4, &random_x1, a, &random_x4, b, 0, 10);
      h.check_lines = TRUE;
      /* So are the x4 reads: MISO FFh. */
      {
        const MemOp read_x4 = X4 (1);

        h.check_lines = FALSE;
        memset (got, 0, len);
        host_exec (&h, &read_x4, 0, NULL, got, len);
        g_assert_true (fm_test_all_ff (got, len));
        h.check_lines = TRUE;
      }
      host_upd_cfg (&h, CFG_QUAD_ENABLE, CFG_QUAD_ENABLE);
      g_assert_cmpint (host_read_page (&h, 4, 4, got, TRUE), ==, 0);
      g_assert_cmpmem (got, len, a, len);
    }
  host_clear (&h);
}

/* ---- the plane bit -------------------------------------------------------------------- */

static void
test_plane_select (void)
{
  Host h;
  gsize len;
  g_autofree guint8 *x = NULL;
  g_autofree guint8 *y = NULL;
  g_autofree guint8 *z = NULL;
  g_autofree guint8 *got = NULL;
  MemOp read = { 0x03, 2, 1, 1, 1 };

  host_setup (&h, "micron-mt29f2g01abagd", FM_TIMING_NONE, 0, TRUE);
  len = h.part->page + h.part->oob;
  x = page_with_oob (&h, 31);
  y = page_with_oob (&h, 32);
  z = page_with_oob (&h, 33);
  got = g_malloc (len);
  for (guint32 b = 2; b < 6; b++)
    g_assert_cmpint (host_erase (&h, b), ==, 0);
  g_assert_cmpint (host_write_page (&h, 2, 0, y, TRUE), ==, 0);   /* plane 0 */
  g_assert_cmpint (host_write_page (&h, 3, 0, x, TRUE), ==, 0);   /* plane 1 */
  /* PAGE READ of block 2 fills plane 0's register, of block 3 plane 1's. */
  host_ecc_enable (&h, FALSE);
  host_op (&h, 0x13, host_row (&h, 2, 0), 3, 0, NULL, NULL, 0);
  host_op (&h, 0x13, host_row (&h, 3, 0), 3, 0, NULL, NULL, 0);
  host_exec (&h, &read, 1u << 12, NULL, got, len);
  g_assert_cmpmem (got, len, x, len);
  /* The wrong plane bit reads the other plane's register. */
  host_exec (&h, &read, 0, NULL, got, len);
  g_assert_cmpmem (got, len, y, len);
  /* A load into plane 0's register and PROGRAM EXECUTE to a plane 1
   * block programs plane 1's register (X, from the read). */
  host_write_enable (&h);
  host_exec (&h, h.write_op, 0, z, NULL, len);
  host_op (&h, 0x10, host_row (&h, 5, 0), 3, 0, NULL, NULL, 0);
  g_assert_cmpuint (host_wait (&h) & STATUS_PROG_FAILED, ==, 0);
  g_assert_cmpint (host_read_page (&h, 5, 0, got, TRUE), ==, 0);
  g_assert_cmpmem (got, len, x, len);
  /* With the right bit, the data loaded. */
  host_write_enable (&h);
  host_exec (&h, h.write_op, 1u << 12, z, NULL, len);
  host_op (&h, 0x10, host_row (&h, 5, 1), 3, 0, NULL, NULL, 0);
  host_wait (&h);
  g_assert_cmpint (host_read_page (&h, 5, 1, got, TRUE), ==, 0);
  g_assert_cmpmem (got, len, z, len);
  host_clear (&h);
}

/* ---- READ ID ----------------------------------------------------------------------------- */

static void
test_read_id (gconstpointer data)
{
  const gchar *chip = data;
  Host h;
  guint8 id[4];
  static const guint8 naddr[] = { 0, 1, 0 }, ndummy[] = { 0, 0, 1 };

  host_setup (&h, chip, FM_TIMING_NONE, 0, TRUE);
  for (FmSpiNandIdMethod m = FM_SPI_NAND_ID_OPCODE; m <= FM_SPI_NAND_ID_DUMMY; m++)
    {
      FmSpiNandIdMethod part = h.desc->spi_nand.read_id;
      /* Bytes clocked before the ID comes out. */
      guint header = naddr[m] + ndummy[m];
      guint wait = part == FM_SPI_NAND_ID_OPCODE ? 0 : 1;

      host_read_id (&h, naddr[m], ndummy[m], id);
      for (guint i = 0; i < 4; i++)
        {
          gint at = (gint) i + (gint) header - (gint) wait;   /* index in the ID */
          guint8 want = at < 0 || at >= (gint) h.desc->id_len ? 0xff : h.desc->id[at];

          g_assert_cmpuint (id[i], ==, want);
        }
    }
  host_clear (&h);
}

/* ---- the OTP area ------------------------------------------------------------------------- */

static void
test_otp (gconstpointer data)
{
  const gchar *chip = data;
  Host h;
  gsize len;
  g_autofree guint8 *got = NULL;
  g_autofree guint8 *a = NULL;
  g_autoptr (GError) error = NULL;
  const FmChipDesc *d;

  host_setup (&h, chip, FM_TIMING_NONE, 0, TRUE);
  d = h.desc;
  len = h.part->page + h.part->oob;
  got = g_malloc (len);
  a = fm_test_pattern (len, 41);
  host_upd_cfg (&h, CFG_OTP_ENABLE, CFG_OTP_ENABLE);
  /* The parameter page: page 01h, three copies with a valid CRC. */
  if (d->onfi_version)
    {
      host_op (&h, 0x13, 1, 3, 0, NULL, NULL, 0);
      host_wait (&h);
      host_op (&h, 0x03, 0, 2, 1, NULL, got, len);
      for (guint c = 0; c < FM_ONFI_PARAM_PAGE_COPIES; c++)
        {
          FmOnfiParams p;

          g_assert_true (fm_onfi_parse_param_page (got + c * FM_ONFI_PARAM_PAGE_SIZE, &p, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (p.page_size, ==, d->page_size);
          g_assert_cmpuint (p.oob_size, ==, d->oob_size);
          g_assert_cmpuint (p.pages_per_block, ==, d->pages_per_block);
          g_assert_cmpuint (p.blocks_per_lun, ==, d->blocks_per_lun);
          g_assert_cmpuint (p.ecc_bits, ==, d->on_die_ecc_strength);
        }
    }
  /* The unique ID page: 16 bytes and their complement, 16 times. */
  if (d->spi_nand.unique_id_page)
    {
      host_op (&h, 0x13, 0, 3, 0, NULL, NULL, 0);
      host_wait (&h);
      host_op (&h, 0x03, 0, 2, 1, NULL, got, len);
      for (guint c = 0; c < 16; c++)
        for (guint b = 0; b < 16; b++)
          {
            g_assert_cmpuint (got[32 * c + b], ==, got[b]);
            g_assert_cmpuint ((guint8) ~got[32 * c + 16 + b], ==, got[b]);
          }
      g_assert_false (fm_test_all_ff (got, 16));
    }
  /* A user OTP page: programmed once, then the area locked. */
  if (d->spi_nand.otp_pages)
    {
      host_write_enable (&h);
      host_op (&h, 0x02, 0, 2, 0, a, NULL, len);
      host_op (&h, 0x10, 2, 3, 0, NULL, NULL, 0);
      g_assert_cmpuint (host_wait (&h) & STATUS_PROG_FAILED, ==, 0);
      host_op (&h, 0x13, 2, 3, 0, NULL, NULL, 0);
      host_wait (&h);
      host_op (&h, 0x03, 0, 2, 1, NULL, got, len);
      g_assert_cmpmem (got, len, a, len);
      /* The factory pages are read-only, the area cannot be erased. */
      host_write_enable (&h);
      host_op (&h, 0x10, 1, 3, 0, NULL, NULL, 0);
      g_assert_cmpuint (host_wait (&h) & STATUS_PROG_FAILED, ==, STATUS_PROG_FAILED);
      g_assert_cmpint (host_erase (&h, 0), ==, -EIO);
      /* OTP_PRT + PROGRAM EXECUTE locks it. */
      host_upd_cfg (&h, 0x80, 0x80);
      host_write_enable (&h);
      host_op (&h, 0x10, 0, 3, 0, NULL, NULL, 0);
      host_wait (&h);
      host_upd_cfg (&h, 0x80, 0);
      g_assert_cmpuint (host_get_feature (&h, REG_CFG) & 0x80, ==, 0x80);
      host_write_enable (&h);
      host_op (&h, 0x02, 0, 2, 0, a, NULL, len);
      host_op (&h, 0x10, 3, 3, 0, NULL, NULL, 0);
      g_assert_cmpuint (host_wait (&h) & STATUS_PROG_FAILED, ==, STATUS_PROG_FAILED);
    }
  /* Back to the array. */
  host_set_feature (&h, REG_CFG, h.cfg_cache & ~CFG_OTP_ENABLE);
  h.cfg_cache &= ~CFG_OTP_ENABLE;
  g_assert_cmpint (host_erase (&h, 0), ==, 0);
  host_clear (&h);
}

/* ---- what a hostile controller can send ------------------------------------------------- */

static void
test_illegal (gconstpointer data)
{
  const gchar *chip = data;
  Host h;
  FmPrng prng;
  guint8 buf[64];
  gsize len;
  g_autofree guint8 *page = NULL;
  g_autofree guint8 *got = NULL;
  guint32 blocks;

  host_setup (&h, chip, FM_TIMING_NONE, 0, TRUE);
  len = h.part->page + h.part->oob;
  blocks = fm_chip_desc_blocks (h.desc);
  page = page_with_oob (&h, 51);
  got = g_malloc (len);
  h.check_lines = FALSE;

  /* Truncated: PAGE READ with two address bytes, SET FEATURE without its
   * byte or with two, WREN with a byte after it: nothing happens. */
  g_assert_cmpint (host_erase (&h, 1), ==, 0);
  g_assert_cmpint (host_write_page (&h, 1, 0, page, TRUE), ==, 0);
  host_op (&h, 0x13, 0, 2, 0, NULL, NULL, 0);
  host_op (&h, 0x03, host_column (&h, 1, 0), 2, 1, NULL, got, 16);
  g_assert_cmpmem (got, 16, page, 16);           /* the cache as it was */
  host_op (&h, 0x1f, REG_BLOCK_LOCK, 1, 0, NULL, NULL, 0);
  buf[0] = 0x38;
  buf[1] = 0x38;
  host_op (&h, 0x1f, REG_BLOCK_LOCK, 1, 0, buf, NULL, 2);
  g_assert_cmpuint (host_get_feature (&h, REG_BLOCK_LOCK), ==, 0);
  host_op (&h, 0x06, 0, 0, 0, buf, NULL, 1);
  g_assert_cmpuint (host_get_feature (&h, REG_STATUS) & STATUS_WEL, ==, 0);
  /* CS# high in the middle of PROGRAM EXECUTE's address. */
  host_write_enable (&h);
  host_op (&h, 0x10, 0, 1, 0, NULL, NULL, 0);
  g_assert_cmpuint (host_get_feature (&h, REG_STATUS) & STATUS_WEL, ==, STATUS_WEL);
  host_op (&h, 0x04, 0, 0, 0, NULL, NULL, 0);
  /* Unknown opcodes: ignored, MISO FFh. */
  for (guint op = 0; op < 256; op++)
    {
      static const guint8 known[] = { 0x02, 0x03, 0x04, 0x06, 0x0b, 0x0f, 0x10, 0x13, 0x1f, 0x32,
                                      0x34, 0x3b, 0x6b, 0x7c, 0x84, 0x9f, 0xbb, 0xd8, 0xeb, 0xff };

      if (memchr (known, op, sizeof known))
        continue;
      memset (buf, 0, sizeof buf);
      host_op (&h, op, 0, 0, 0, NULL, buf, 8);
      for (guint i = 0; i < 8; i++)
        g_assert_cmpuint (buf[i], ==, 0xff);
    }
  /* Row bits above the chip are not decoded: block BLOCKS + 1 is block 1. */
  host_ecc_enable (&h, FALSE);
  host_op (&h, 0x13, host_row (&h, blocks + 1, 0), 3, 0, NULL, NULL, 0);
  host_wait (&h);
  host_op (&h, 0x03, host_column (&h, 1, 0), 2, 1, NULL, got, len);
  g_assert_cmpmem (got, len, page, len);
  /* A column past the cache register wraps into it. */
  host_op (&h, 0x03, host_column (&h, 1, len + 3), 2, 1, NULL, got, 4);
  g_assert_cmpmem (got, 4, page + 3, 4);

  /* Garbage: random bytes, random CS# toggles, WP# flips. Nothing may
   * crash; the chip then works as before. */
  fm_prng_init (&prng, 99);
  for (guint i = 0; i < 20000; i++)
    {
      guint n = 1 + fm_prng_below (&prng, sizeof buf);

      for (guint k = 0; k < n; k++)
        buf[k] = fm_prng_below (&prng, 256);
      /* Keep clear of RESET's busy time being all there is: a few whole
       * erases and programs may happen, anywhere. */
      fm_spi_nand_select (h.spi, TRUE);
      fm_spi_nand_transfer (h.spi, buf, buf, n);
      fm_spi_nand_select (h.spi, fm_prng_below (&prng, 4) == 0);
      fm_spi_nand_select (h.spi, FALSE);
      if (fm_prng_below (&prng, 100) == 0)
        fm_spi_nand_set_wp (h.spi, fm_prng_below (&prng, 2));
      (void) fm_spi_nand_phase_lines (h.spi);
    }
  fm_spi_nand_set_wp (h.spi, FALSE);
  h.check_lines = TRUE;
  g_assert_true (host_detect (&h) == h.part);
  host_init (&h, TRUE);
  g_assert_cmpint (host_erase (&h, 1), ==, 0);
  g_assert_cmpint (host_write_page (&h, 1, 0, page, FALSE), ==, 0);
  g_assert_cmpint (host_read_page (&h, 1, 0, got, FALSE), ==, 0);
  assert_host_bytes_equal (&h, page, got);
  host_clear (&h);
}

/* Continuous read (Winbond, BUF = 0): the dummy bytes in place of the
 * column, then the main areas of the loaded page and the next ones. */
static void
test_continuous_read (void)
{
  Host h;
  gsize len, page;
  const guint32 block = 7, last = 1023;
  g_autofree guint8 *got = NULL;
  guint8 *pages[3];
  const FmSpiNandDesc *s;
  MemOp read = { 0x03, 0, 1, 3, 1 }, quad = { 0xeb, 0, 4, 4, 4 };

  host_setup (&h, "winbond-w25n01gv", FM_TIMING_NONE, 0, TRUE);
  s = &h.desc->spi_nand;
  g_assert_cmpint (s->buffer_read_bit, ==, 3);
  g_assert_cmpuint (s->continuous_dummy[0], ==, 3);
  len = h.part->page + h.part->oob;
  page = h.part->page;
  got = g_malloc (4 * page);
  g_assert_cmpint (host_erase (&h, block), ==, 0);
  g_assert_cmpint (host_erase (&h, last), ==, 0);
  for (guint p = 0; p < 3; p++)
    {
      pages[p] = page_with_oob (&h, 70 + p);
      g_assert_cmpint (host_write_page (&h, block, p, pages[p], FALSE), ==, 0);
    }
  g_assert_cmpint (host_write_page (&h, last, 63, pages[0], FALSE), ==, 0);

  /* BUF = 0, ECC on; PAGE READ loads page 0; 03h streams pages 0-2. */
  host_upd_cfg (&h, 0x08, 0);
  host_ecc_enable (&h, TRUE);
  host_op (&h, 0x13, host_row (&h, block, 0), 3, 0, NULL, NULL, 0);
  host_wait (&h);
  host_exec (&h, &read, 0, NULL, got, 3 * page);
  for (guint p = 0; p < 3; p++)
    g_assert_cmpmem (got + p * page, page, pages[p], page);
  /* EBh: its own dummy bytes, the same data. */
  host_op (&h, 0x13, host_row (&h, block, 1), 3, 0, NULL, NULL, 0);
  host_wait (&h);
  host_exec (&h, &quad, 0, NULL, got, 2 * page);
  g_assert_cmpmem (got, page, pages[1], page);
  g_assert_cmpmem (got + page, page, pages[2], page);
  /* Past the chip's last page: FFh. */
  host_op (&h, 0x13, host_row (&h, last, 63), 3, 0, NULL, NULL, 0);
  host_wait (&h);
  host_exec (&h, &read, 0, NULL, got, 2 * page);
  g_assert_cmpmem (got, page, pages[0], page);
  g_assert_true (fm_test_all_ff (got + page, page));
  /* Two uncorrectable pages in one continuous read: ECC status 11. */
  {
    g_autoptr (GError) error = NULL;

    fm_nand_set_faults (h.nand, fm_fault_set_parse ("bitflip block=7 page=1 byte=1 bit=0;"
                                                    "bitflip block=7 page=1 byte=2 bit=0;"
                                                    "bitflip block=7 page=2 byte=1 bit=0;"
                                                    "bitflip block=7 page=2 byte=2 bit=0", &error));
    g_assert_no_error (error);
    host_op (&h, 0x13, host_row (&h, block, 0), 3, 0, NULL, NULL, 0);
    g_assert_cmpuint (host_wait (&h) & STATUS_ECC_MASK, ==, 0x00);
    host_exec (&h, &read, 0, NULL, got, 2 * page);
    g_assert_cmpuint (host_get_feature (&h, REG_STATUS) & STATUS_ECC_MASK, ==, 0x20);
    host_exec (&h, &read, 0, NULL, got, 3 * page);
    g_assert_cmpuint (host_get_feature (&h, REG_STATUS) & STATUS_ECC_MASK, ==, 0x30);
  }
  /* OTP mode reads with the buffer read structure whatever BUF says. */
  host_upd_cfg (&h, CFG_OTP_ENABLE, CFG_OTP_ENABLE);
  host_op (&h, 0x13, 1, 3, 0, NULL, NULL, 0);
  host_wait (&h);
  host_op (&h, 0x03, 0, 2, 1, NULL, got, len);
  g_assert_cmpmem (got, 4, "ONFI", 4);
  host_upd_cfg (&h, CFG_OTP_ENABLE, 0);
  /* BUF = 1 again: 03h takes its column. */
  host_upd_cfg (&h, 0x08, 0x08);
  host_op (&h, 0x13, host_row (&h, block, 2), 3, 0, NULL, NULL, 0);
  host_wait (&h);
  host_op (&h, 0x03, 100, 2, 1, NULL, got, 16);
  g_assert_cmpmem (got, 16, pages[2] + 100, 16);
  for (guint p = 0; p < 3; p++)
    g_free (pages[p]);
  host_clear (&h);
}

/* A power cut: the chip stops; MISO reads FFh, nothing runs. */
static void
test_power_cut (void)
{
  Host h;
  g_autoptr (GError) error = NULL;
  guint8 id[4];
  g_autofree guint8 *page = NULL;

  host_setup (&h, "winbond-w25n01gv", FM_TIMING_NONE, 0, TRUE);
  page = page_with_oob (&h, 61);
  fm_nand_set_faults (h.nand, fm_fault_set_parse ("powercut at-op=2", &error));
  g_assert_no_error (error);
  g_assert_cmpint (host_erase (&h, 1), ==, 0);       /* operation 1 */
  host_write_page (&h, 1, 0, page, FALSE);            /* 2: torn */
  g_assert_true (fm_nand_powered_off (h.nand));
  host_read_id (&h, 0, 1, id);
  g_assert_cmpuint (id[0], ==, 0xff);
  g_assert_cmpuint (host_get_feature (&h, REG_STATUS), ==, 0xff);
  g_assert_cmpuint (fm_nand_operations (h.nand), ==, 2);
  host_clear (&h);
}

/* ---- journals and power cuts through the SPI bus -------------------------------------- */

/* What a file system does to the chip through Linux's spinand: erase,
 * program pages with the ECC (and one raw), read them back, a bit flip
 * corrected on the way. */
static void
spi_workload (FmNand *nand, gpointer user_data)
{
  const gchar *chip = user_data;
  g_autoptr (FmChipDesc) desc = fm_test_chip (chip);
  g_autoptr (GError) error = NULL;
  Host h;

  host_attach (&h, desc, nand, TRUE);
  if (!fm_nand_faults (nand))
    fm_nand_set_faults (nand, fm_fault_set_parse ("bitflip block=3 page=1 byte=9 bit=2", &error));
  for (guint32 block = 2; block < 4 && !fm_nand_powered_off (nand); block++)
    {
      gsize len = h.part->page + h.part->oob;
      g_autofree guint8 *got = g_malloc (len);

      host_erase (&h, block);
      for (guint page = 0; page < 4 && !fm_nand_powered_off (nand); page++)
        {
          g_autofree guint8 *buf = page_with_oob (&h, block * 10 + page);

          host_write_page (&h, block, page, buf, page == 3);
          host_read_page (&h, block, page, got, page == 3);
        }
    }
  host_detach (&h);
}

static void
test_journal (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (FmImage) replayed = NULL;

  fm_test_record_with (&r, "micron-mt29f2g01abagd", NULL, spi_workload, "micron-mt29f2g01abagd");
  /* 2 erases, 8 programs, 8 reads, and the probe's nothing. */
  g_assert_cmpuint (r.ops, ==, 18);
  g_assert_cmpuint (fm_nand_stats (r.nand)->ecc_corrected, ==, 1);
  replayed = fm_test_replayed (&r, 0, FM_CUT_CLEAN, "replayed.img");
  fm_test_assert_same_chip (fm_nand_image (r.nand), replayed, r.desc);
}

/* A live cut during a PROGRAM EXECUTE leaves what replaying the journal
 * up to that program, torn, leaves. */
static void
test_power_cut_replay (void)
{
  g_auto (FmTestRecording) whole = { 0 };
  g_auto (FmTestRecording) cut = { 0 };
  g_autoptr (FmImage) replayed = NULL;

  /* Operation 4 is the third program (erase, program, read, program). */
  fm_test_record_with (&whole, "winbond-w25n01gv", NULL, spi_workload, "winbond-w25n01gv");
  fm_test_record_with (&cut, "winbond-w25n01gv", "powercut at-op=4", spi_workload, "winbond-w25n01gv");
  g_assert_true (fm_nand_powered_off (cut.nand));
  g_assert_cmpuint (fm_nand_power_cut_at (cut.nand), ==, 4);
  replayed = fm_test_replayed (&whole, 4, FM_CUT_TORN, "torn.img");
  fm_test_assert_same_chip (fm_nand_image (cut.nand), replayed, whole.desc);
}

/* Not a SPI NAND part: refused. */
static void
test_wrong_type (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-mt29f4g");
  g_autoptr (FmNand) nand = fm_test_nand (d, 1, 0, FM_TIMING_NONE);
  g_autoptr (GError) error = NULL;

  g_assert_null (fm_spi_nand_new (nand, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
}

/* ---- main --------------------------------------------------------------------------- */

static void
add_per_chip (const gchar *name, GTestDataFunc func, gchar **chips)
{
  for (guint i = 0; chips[i]; i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/spi-nand/%s/%s", name, chips[i]);

      g_test_add_data_func (path, chips[i], func);
    }
}

int
main (int argc, char **argv)
{
  g_auto (GStrv) chips = NULL;

  g_test_init (&argc, &argv, NULL);
  chips = spi_nand_chips ();
  g_test_add_func ("/spi-nand/catalog", test_catalog);
  add_per_chip ("round-trip", test_round_trip, chips);
  add_per_chip ("ecc-status", test_ecc_status, chips);
  add_per_chip ("protection", test_protection, chips);
  add_per_chip ("write-enable", test_write_enable, chips);
  add_per_chip ("fail-status", test_fail_status, chips);
  add_per_chip ("busy", test_busy, chips);
  add_per_chip ("program-load", test_program_load, chips);
  add_per_chip ("read-id", test_read_id, chips);
  add_per_chip ("otp", test_otp, chips);
  add_per_chip ("illegal", test_illegal, chips);
  g_test_add_func ("/spi-nand/plane-select", test_plane_select);
  g_test_add_func ("/spi-nand/power-cut", test_power_cut);
  g_test_add_func ("/spi-nand/continuous-read", test_continuous_read);
  g_test_add_func ("/spi-nand/journal", test_journal);
  g_test_add_func ("/spi-nand/power-cut-replay", test_power_cut_replay);
  g_test_add_func ("/spi-nand/wrong-type", test_wrong_type);
  return g_test_run ();
}
