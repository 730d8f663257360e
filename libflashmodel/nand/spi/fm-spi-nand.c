/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SPI NAND command state machine (fm-spi-nand.h): instructions decoded
 * from the byte stream as the part does, the feature registers, the cache
 * register(s), busy time on the chip's clock, block protection and the OTP
 * area, over an FmNand array with the part's on-die ECC.
 *
 * What the datasheets leave open and the model decides:
 *  - instructions without data run only if CS# goes high right after
 *    their last address byte, SET FEATURE only after exactly one data
 *    byte; anything else is ignored, as are unknown opcodes and
 *    instructions the part lacks (the x4 ones without QE on parts that
 *    have a QE bit);
 *  - column addresses past the cache register are taken modulo its size,
 *    and reads and loads wrap at its end; row address bits above the
 *    chip's are ignored;
 *  - a two-plane part has a cache register per plane: PAGE READ and
 *    PROGRAM EXECUTE use the addressed block's plane's, READ FROM CACHE
 *    and PROGRAM LOAD the one the column's plane bit (the bit above the
 *    column, as Linux's spinand core sets it) selects, so a wrong plane
 *    bit reads or loads the other plane's register;
 *  - RESET clears WEL, P_FAIL, E_FAIL and the ECC status, keeps the
 *    protection and configuration registers and the cache; an operation
 *    under way stops with the cells already changed, and the part is busy
 *    for tRST;
 *  - PROGRAM LOAD needs no WEL; PROGRAM EXECUTE and BLOCK ERASE take it,
 *    whether or not they go ahead; on a protected block they set P_FAIL
 *    or E_FAIL and change nothing;
 *  - OTP pages live in the model (not in the image): programmed for the
 *    life of the model, locked by PROGRAM EXECUTE with OTP_EN and OTP_PRT
 *    set. The unique ID is drawn from the image's seed;
 *  - continuous read (the buffer-read bit clear, not in OTP mode, where
 *    every read has the buffer read structure): a read instruction takes
 *    the descriptor's dummy bytes instead of the column, and streams the
 *    main area of the page the last PAGE READ loaded from its start, then
 *    of the following pages, each read from the array (with the ECC as
 *    ECC_EN says) as the previous one ends, until CS# goes high; past the
 *    chip's last page it reads FFh. The ECC status is the last page's,
 *    both bits set (Winbond's 11) once two pages were uncorrectable.
 */
#include "fm-spi-nand.h"
#include "fm-spi-nand-vendors.h"
#include "fm-nand-private.h"
#include "fm-onfi.h"
#include "fm-crc.h"
#include "fm-error.h"
#include "fm-prng.h"

#include "fm-spi-frame.h"

#include <string.h>


enum {
  OP_WRITE_DISABLE = 0x04, OP_WRITE_ENABLE = 0x06, OP_GET_FEATURE = 0x0f,
  OP_PROGRAM_EXECUTE = 0x10, OP_PAGE_READ = 0x13, OP_SET_FEATURE = 0x1f,
  OP_PROGRAM_LOAD = 0x02, OP_PROGRAM_LOAD_X4 = 0x32, OP_RANDOM_LOAD = 0x84,
  OP_RANDOM_LOAD_X4 = 0x34, OP_READ_ID = 0x9f, OP_BLOCK_ERASE = 0xd8,
  OP_RESET = 0xff,
};

/* READ FROM CACHE opcodes by FmSpiNandReadOps bit, with their lines. */
static const struct {
  guint8 opcode;
  guint addr_lines;
  guint data_lines;
} read_ops[FM_SPI_NAND_N_READ_OPS] = {
  { 0x03, 1, 1 }, { 0x0b, 1, 1 }, { 0x3b, 1, 2 }, { 0xbb, 2, 2 }, { 0x6b, 1, 4 }, { 0xeb, 4, 4 },
};

/* Feature registers every part has. */
#define REG_PROTECTION 0xa0
#define REG_CONFIG 0xb0
#define REG_STATUS 0xc0
#define CFG_OTP_PRT (1u << 7)
#define CFG_OTP_ENABLE (1u << 6)
#define CFG_ECC_ENABLE (1u << 4)
#define CFG_QUAD_ENABLE (1u << 0)
#define PROT_BRWD (1u << 7)
#define PROT_BP_SHIFT 3

/* OTP area pages (OTP_EN set): Linux's and the datasheets' numbering. */
#define OTP_PAGE_UNIQUE_ID 0
#define OTP_PAGE_PARAMETER 1
#define OTP_PAGE_FIRST_USER 2
#define UNIQUE_ID_LEN 16
#define UNIQUE_ID_COPIES 16
#define NO_PAGE G_MAXUINT64

typedef enum {
  CMD_IGNORED,
  CMD_RESET,
  CMD_READ_ID,
  CMD_GET_FEATURE,
  CMD_SET_FEATURE,
  CMD_WRITE_ENABLE,
  CMD_WRITE_DISABLE,
  CMD_PAGE_READ,
  CMD_READ_CACHE,
  CMD_READ_CONTINUOUS,
  CMD_PROGRAM_LOAD,     /* the cache register to FFh first */
  CMD_RANDOM_LOAD,
  CMD_PROGRAM_EXECUTE,
  CMD_BLOCK_ERASE,
  CMD_READ_ECCSR,       /* Macronix 7Ch */
} CmdKind;

/* An instruction and the phases that follow its opcode byte. */
typedef struct {
  CmdKind kind;
  guint addr_bytes;
  guint addr_lines;     /* of the address and dummy phases */
  guint dummy_bytes;
  guint data_lines;
} Command;

struct _FmSpiNand {
  FmNand *cells;
  const FmChipDesc *desc;
  FmClock *clock;
  gsize page_bytes;
  guint plane_shift;        /* the column bit that selects the plane */
  guint8 ecc_mask;          /* status bits the ECC encoding owns */

  /* Registers. OIP is not stored: it is the chip's busy time. */
  guint8 protection;
  guint8 config;
  guint8 status;            /* WEL, E_FAIL, P_FAIL, the ECC bits */
  FmSpiNandEccReport ecc;   /* the last page read's detail registers */
  guint64 ready_at;
  gboolean write_cycle;     /* the busy time is a program or an erase */
  gboolean wp_asserted;

  guint8 **cache;           /* one cache register per plane */
  guint8 *otp;              /* user OTP pages */
  guint8 *param_pages;      /* the parameter page's copies, or NULL */
  guint8 unique_id[UNIQUE_ID_LEN];
  gboolean otp_locked;
  guint64 loaded_page;      /* the array page PAGE READ last loaded, or NO_PAGE */
  guint continuous_failed;  /* uncorrectable pages in this continuous read */

  /* The instruction under way while CS# is low. */
  FmSpiFrame frame;
  Command cmd;
  guint32 addr;
  gsize data_count;         /* bytes of the data phase so far */
  guint8 data_in;           /* SET FEATURE's byte */
};

/* ---- state ------------------------------------------------------------- */

static gboolean
powered (const FmSpiNand *spi)
{
  return !fm_nand_powered_off (spi->cells);
}

gboolean
fm_spi_nand_busy (FmSpiNand *spi)
{
  return fm_clock_now (spi->clock) < spi->ready_at;
}

/* The chip starts an internal operation of nominal length NS, plus the
 * latency a fault injected into the array operation just carried out;
 * the host polls OIP meanwhile. */
static void
start_busy (FmSpiNand *spi, guint64 ns, gboolean write_cycle)
{
  spi->ready_at = fm_clock_now (spi->clock) +
                  fm_clock_duration (spi->clock, ns + fm_nand_take_extra_busy (spi->cells));
  spi->write_cycle = write_cycle;
}

/* WEL reads as set until a program or erase ends, as on the parts. */
static guint8
status_register (FmSpiNand *spi)
{
  guint8 sr = spi->status;

  if (fm_spi_nand_busy (spi))
    {
      sr |= FM_SPI_NAND_SR_OIP;
      if (spi->write_cycle)
        sr |= FM_SPI_NAND_SR_WEL;
    }
  return sr;
}

static gboolean
quad_enabled (const FmSpiNand *spi)
{
  return !spi->desc->spi_nand.quad_enable || (spi->config & CFG_QUAD_ENABLE);
}

static gboolean
otp_mode (const FmSpiNand *spi)
{
  return (spi->config & CFG_OTP_ENABLE) != 0;
}

static gboolean
continuous_mode (const FmSpiNand *spi)
{
  gint bit = spi->desc->spi_nand.buffer_read_bit;

  return bit >= 0 && !(spi->config & (1u << bit)) && !otp_mode (spi);
}

/* Program and erase consume WEL whether or not they go ahead. */
static gboolean
take_write_enable (FmSpiNand *spi)
{
  gboolean enabled = (spi->status & FM_SPI_NAND_SR_WEL) != 0;

  spi->status &= ~FM_SPI_NAND_SR_WEL;
  return enabled;
}

/* A program or erase starts: its fail bit clears, and so does an ECC
 * field that shares its bits (XTX's). */
static void
clear_fail_bits (FmSpiNand *spi)
{
  guint8 fail = FM_SPI_NAND_SR_P_FAIL | FM_SPI_NAND_SR_E_FAIL;

  spi->status &= ~fail;
  if (spi->ecc_mask & fail)
    spi->status &= ~spi->ecc_mask;
}

/* ---- block protection -------------------------------------------------- */

/*
 * The blocks the BP bits protect: with n BP bits, a value v protects
 * 1/protect-first-fraction of the chip times 2^(v - 1), from the top (from
 * the bottom with the top-bottom or invert bit set), all of it once that
 * reaches the chip or v is all ones; the complement bit protects the rest
 * instead. As the Winbond (BP3-0, TB), Micron (BP3-0, TB), GigaDevice,
 * Macronix and XTX (BP2-0, INV, CMP) tables give it.
 */
static gboolean
block_protected (const FmSpiNand *spi, guint32 block)
{
  const FmSpiNandDesc *s = &spi->desc->spi_nand;
  guint32 blocks = fm_chip_desc_blocks (spi->desc);
  guint bp = (spi->protection >> PROT_BP_SHIFT) & ((1u << s->bp_bits) - 1);
  gboolean bottom = s->tb_bit >= 0 && (spi->protection & (1u << s->tb_bit));
  gboolean complement = s->cmp_bit >= 0 && (spi->protection & (1u << s->cmp_bit));
  guint64 len = 0;
  gboolean inside;

  if (bp == (1u << s->bp_bits) - 1)
    len = blocks;
  else if (bp)
    len = MIN ((guint64) blocks, ((guint64) blocks << (bp - 1)) / s->protect_first_fraction);
  inside = bottom ? block < len : block >= blocks - len;
  return complement ? !inside : inside;
}

/* SET FEATURE on the protection register refused: BRWD set and WP# low,
 * while WP# is that pin (not IO2 of an enabled quad interface). */
static gboolean
protection_hardware_locked (const FmSpiNand *spi)
{
  gboolean wp_is_io2 = spi->desc->spi_nand.quad_enable && (spi->config & CFG_QUAD_ENABLE);

  return (spi->protection & PROT_BRWD) && spi->wp_asserted && !wp_is_io2;
}

/* ---- instruction decoding ---------------------------------------------- */

static Command
command (CmdKind kind, guint addr_bytes)
{
  Command c = { kind, addr_bytes, 1, 0, 1 };

  return c;
}

static gboolean
decode_read_cache (const FmSpiNand *spi, guint8 op, Command *c)
{
  const FmSpiNandDesc *s = &spi->desc->spi_nand;

  for (guint i = 0; i < FM_SPI_NAND_N_READ_OPS; i++)
    {
      if (op != read_ops[i].opcode || !(s->read_ops & (1u << i)))
        continue;
      /* IO2 and IO3 are WP# and HOLD# until QE is set. */
      if (read_ops[i].data_lines == 4 && !quad_enabled (spi))
        return FALSE;
      if (continuous_mode (spi))
        {
          *c = command (CMD_READ_CONTINUOUS, 0);
          c->dummy_bytes = s->continuous_dummy[i];
        }
      else
        {
          *c = command (CMD_READ_CACHE, 2);
          c->dummy_bytes = s->read_dummy[i];
        }
      c->addr_lines = read_ops[i].addr_lines;
      c->data_lines = read_ops[i].data_lines;
      return TRUE;
    }
  return FALSE;
}

static Command
decode (const FmSpiNand *spi, guint8 op)
{
  const FmSpiNandDesc *s = &spi->desc->spi_nand;
  gboolean x4 = s->program_load_x4 && quad_enabled (spi);
  Command c = command (CMD_IGNORED, 0);

  switch (op)
    {
    case OP_RESET:
      return command (CMD_RESET, 0);
    case OP_READ_ID:
      c = command (CMD_READ_ID, s->read_id == FM_SPI_NAND_ID_ADDRESS ? 1 : 0);
      c.dummy_bytes = s->read_id == FM_SPI_NAND_ID_DUMMY ? 1 : 0;
      return c;
    case OP_GET_FEATURE:
      return command (CMD_GET_FEATURE, 1);
    case OP_SET_FEATURE:
      return command (CMD_SET_FEATURE, 1);
    case OP_WRITE_ENABLE:
      return command (CMD_WRITE_ENABLE, 0);
    case OP_WRITE_DISABLE:
      return command (CMD_WRITE_DISABLE, 0);
    case OP_PAGE_READ:
      return command (CMD_PAGE_READ, 3);
    case OP_PROGRAM_EXECUTE:
      return command (CMD_PROGRAM_EXECUTE, 3);
    case OP_BLOCK_ERASE:
      return command (CMD_BLOCK_ERASE, 3);
    case OP_PROGRAM_LOAD:
      return command (CMD_PROGRAM_LOAD, 2);
    case OP_RANDOM_LOAD:
      return command (CMD_RANDOM_LOAD, 2);
    case OP_PROGRAM_LOAD_X4:
    case OP_RANDOM_LOAD_X4:
      if (!x4)
        return c;
      c = command (op == OP_PROGRAM_LOAD_X4 ? CMD_PROGRAM_LOAD : CMD_RANDOM_LOAD, 2);
      c.data_lines = 4;
      return c;
    case FM_SPI_NAND_OP_READ_ECCSR:
      if (s->ecc_status != FM_SPI_NAND_ECC_MX35LF1GE4AB)
        return c;
      c = command (CMD_READ_ECCSR, 0);
      c.dummy_bytes = 1;
      return c;
    default:
      break;
    }
  if (decode_read_cache (spi, op, &c))
    return c;
  return command (CMD_IGNORED, 0);
}

/* While busy the parts answer only GET FEATURE (of the status register,
 * checked when its address arrives) and RESET. */
static gboolean
accepted_while_busy (CmdKind kind)
{
  return kind == CMD_GET_FEATURE || kind == CMD_RESET;
}

static gsize
header_bytes (const FmSpiNand *spi)
{
  return 1 + spi->cmd.addr_bytes + spi->cmd.dummy_bytes;
}

/* ---- cache register ------------------------------------------------------ */

/* The plane a column address's plane bit selects (0 on one-plane parts). */
static guint
column_plane (const FmSpiNand *spi)
{
  return spi->desc->planes > 1 ? (spi->addr >> spi->plane_shift) & (spi->desc->planes - 1) : 0;
}

static gsize
column_start (const FmSpiNand *spi)
{
  return (spi->addr & ((1u << spi->plane_shift) - 1)) % spi->page_bytes;
}

/* Program loads start: 02h/32h set the whole register to FFh first. */
static void
start_load (FmSpiNand *spi)
{
  if (spi->cmd.kind == CMD_PROGRAM_LOAD)
    memset (spi->cache[column_plane (spi)], 0xff, spi->page_bytes);
}

static void note_ecc (FmSpiNand *spi, gboolean ecc_enabled, const FmOnDieEccResult *r);

/* Continuous read: the main area of the loaded page from its start, then
 * of the next pages, each read from the array when the previous ends. */
static gsize
continuous_run (FmSpiNand *spi, guint8 *rx, gsize len)
{
  const FmChipDesc *d = spi->desc;
  gsize at = spi->data_count % d->page_size;
  gsize n = MIN (len, d->page_size - at);
  guint8 *cache;

  if (at == 0 && spi->data_count > 0 && spi->loaded_page != NO_PAGE)
    {
      guint64 next = spi->loaded_page + 1;
      gboolean ecc_on = fm_nand_on_die_ecc_enabled (spi->cells);

      spi->loaded_page = NO_PAGE;
      if (next < fm_chip_desc_pages (d) &&
          fm_nand_array_read (spi->cells, next, spi->cache[(next / d->pages_per_block) % d->planes]))
        {
          const FmOnDieEccResult *r = fm_nand_last_on_die_ecc (spi->cells);

          spi->loaded_page = next;
          if (ecc_on && r->failed)
            spi->continuous_failed++;
          note_ecc (spi, ecc_on, r);
          if (spi->continuous_failed > 1)
            spi->status |= spi->ecc.failed_bits | 0x10;
        }
    }
  if (spi->loaded_page == NO_PAGE)
    {
      if (rx)
        memset (rx, 0xff, n);
      return n;
    }
  cache = spi->cache[(spi->loaded_page / d->pages_per_block) % d->planes];
  if (rx)
    memcpy (rx, cache + at, n);
  return n;
}

/* Clocks a run of READ FROM CACHE or PROGRAM LOAD data at once, wrapping
 * at the end of the cache register; 0 when the next byte is not one. */
static gsize
clock_data_run (FmSpiNand *spi, const guint8 *tx, guint8 *rx, gsize len)
{
  CmdKind k = spi->cmd.kind;
  guint8 *cache;
  gsize at, n;

  if (spi->frame.count < header_bytes (spi))
    return 0;
  if (k == CMD_READ_CONTINUOUS)
    {
      n = continuous_run (spi, rx, len);
      spi->frame.count += n;
      spi->data_count += n;
      fm_spi_bus_clocks (spi->clock, n, spi->cmd.data_lines);
      return n;
    }
  if (k != CMD_READ_CACHE && k != CMD_PROGRAM_LOAD && k != CMD_RANDOM_LOAD)
    return 0;
  cache = spi->cache[column_plane (spi)];
  at = (column_start (spi) + spi->data_count) % spi->page_bytes;
  n = MIN (len, spi->page_bytes - at);
  if (k == CMD_READ_CACHE)
    {
      if (rx)
        memcpy (rx, cache + at, n);
    }
  else
    {
      if (tx)
        memcpy (cache + at, tx, n);
      else
        memset (cache + at, 0xff, n);
      if (rx)
        memset (rx, 0xff, n);
    }
  spi->frame.count += n;
  spi->data_count += n;
  fm_spi_bus_clocks (spi->clock, n, spi->cmd.data_lines);
  return n;
}

/* ---- registers ------------------------------------------------------------ */

static guint8
get_feature (FmSpiNand *spi, guint8 reg)
{
  if (fm_spi_nand_busy (spi) && reg != REG_STATUS)
    return 0xff;
  switch (reg)
    {
    case REG_PROTECTION:
      return spi->protection;
    case REG_CONFIG:
      return spi->config;
    case REG_STATUS:
      return status_register (spi);
    default:
      /* The vendor's detail register; other addresses read 00h. */
      return spi->ecc.feature && reg == spi->ecc.feature ? spi->ecc.feature_value : 0x00;
    }
}

static void
set_feature (FmSpiNand *spi, guint8 reg, guint8 v)
{
  const FmSpiNandDesc *s = &spi->desc->spi_nand;

  switch (reg)
    {
    case REG_PROTECTION:
      if (!protection_hardware_locked (spi))
        spi->protection = (spi->protection & ~s->protect_writable) | (v & s->protect_writable);
      break;
    case REG_CONFIG:
      /* OTP_PRT, once the OTP area is locked, stays set. */
      spi->config = (spi->config & ~s->config_writable) | (v & s->config_writable);
      if (spi->otp_locked)
        spi->config |= CFG_OTP_PRT;
      fm_nand_set_on_die_ecc (spi->cells, (spi->config & CFG_ECC_ENABLE) != 0, NULL);
      break;
    default:
      /* The status register and the detail registers are read-only. */
      break;
    }
}

/* ---- data phase ------------------------------------------------------------- */

static guint8
data_out_byte (FmSpiNand *spi, gsize i)
{
  const FmChipDesc *d = spi->desc;

  switch (spi->cmd.kind)
    {
    case CMD_READ_ID:
      return i < d->id_len ? d->id[i] : 0xff;
    case CMD_GET_FEATURE:
      /* The register again and again, status live, while CS# is low. */
      return get_feature (spi, spi->addr);
    case CMD_READ_ECCSR:
      return spi->ecc.opcode_value;
    default:
      return 0xff;
    }
}

static guint8
clock_byte (FmSpiNand *spi, guint8 mosi)
{
  gsize i = spi->frame.count++;
  guint8 miso = 0xff;

  if (i == 0)
    {
      spi->cmd = decode (spi, mosi);
      if (fm_spi_nand_busy (spi) && !accepted_while_busy (spi->cmd.kind))
        spi->cmd = command (CMD_IGNORED, 0);
      spi->addr = 0;
      spi->data_count = 0;
      fm_spi_bus_clocks (spi->clock, 1, 1);
    }
  else if (i < header_bytes (spi))
    {
      if (i <= spi->cmd.addr_bytes)
        spi->addr = spi->addr << 8 | mosi;
      fm_spi_bus_clocks (spi->clock, 1, spi->cmd.addr_lines);
      if (i + 1 == header_bytes (spi) &&
          (spi->cmd.kind == CMD_PROGRAM_LOAD || spi->cmd.kind == CMD_RANDOM_LOAD))
        start_load (spi);
    }
  else
    {
      miso = data_out_byte (spi, spi->data_count);
      if (spi->data_count == 0)
        spi->data_in = mosi;
      spi->data_count++;
      fm_spi_bus_clocks (spi->clock, 1, spi->cmd.data_lines);
    }
  return miso;
}

/* ---- operations started by CS# going high ------------------------------------ */

/* The block and page of a row address, FALSE beyond the chip. */
static gboolean
row_to_page (const FmSpiNand *spi, guint32 row, guint32 *block, guint32 *page)
{
  const FmChipDesc *d = spi->desc;
  guint page_bits = fm_chip_desc_page_bits (d);
  guint block_bits = fm_chip_desc_block_bits (d);

  *page = row & ((1u << page_bits) - 1);
  *block = (row >> page_bits) & ((1u << block_bits) - 1);
  return *page < d->pages_per_block && *block < fm_chip_desc_blocks (d);
}

static guint
block_plane (const FmSpiNand *spi, guint32 block)
{
  return block % spi->desc->planes;
}

static void
note_ecc (FmSpiNand *spi, gboolean ecc_enabled, const FmOnDieEccResult *r)
{
  fm_spi_nand_ecc_report (spi->desc, ecc_enabled, r, &spi->ecc);
  spi->status = (spi->status & ~spi->ecc_mask) | spi->ecc.bits;
}

/* An OTP area page into the cache: the unique ID, the parameter page, a
 * user page, or FFh. */
static void
read_otp_page (FmSpiNand *spi, guint32 row, guint8 *cache)
{
  const FmSpiNandDesc *s = &spi->desc->spi_nand;
  FmOnDieEccResult clean = { 0 };

  memset (cache, 0xff, spi->page_bytes);
  if (row == OTP_PAGE_UNIQUE_ID && s->unique_id_page)
    for (guint c = 0; c < UNIQUE_ID_COPIES; c++)
      for (guint b = 0; b < UNIQUE_ID_LEN; b++)
        {
          /* Each copy: the 16 bytes, then their complement. */
          cache[c * 2 * UNIQUE_ID_LEN + b] = spi->unique_id[b];
          cache[c * 2 * UNIQUE_ID_LEN + UNIQUE_ID_LEN + b] = ~spi->unique_id[b];
        }
  else if (row == OTP_PAGE_PARAMETER && spi->param_pages)
    memcpy (cache, spi->param_pages, FM_ONFI_PARAM_PAGE_SIZE * FM_ONFI_PARAM_PAGE_COPIES);
  else if (row >= OTP_PAGE_FIRST_USER && row - OTP_PAGE_FIRST_USER < s->otp_pages)
    memcpy (cache, spi->otp + (gsize) (row - OTP_PAGE_FIRST_USER) * spi->page_bytes, spi->page_bytes);
  note_ecc (spi, (spi->config & CFG_ECC_ENABLE) != 0, &clean);
  start_busy (spi, spi->desc->t_r.typ_ns, FALSE);
}

static void
page_read (FmSpiNand *spi)
{
  gboolean ecc_on = fm_nand_on_die_ecc_enabled (spi->cells);
  guint32 block, page;
  guint8 *cache;

  spi->loaded_page = NO_PAGE;
  spi->continuous_failed = 0;
  if (otp_mode (spi))
    {
      read_otp_page (spi, spi->addr, spi->cache[0]);
      return;
    }
  if (!row_to_page (spi, spi->addr, &block, &page))
    return;
  cache = spi->cache[block_plane (spi, block)];
  if (!fm_nand_array_read (spi->cells, (guint64) block * spi->desc->pages_per_block + page, cache))
    return; /* no power */
  spi->loaded_page = (guint64) block * spi->desc->pages_per_block + page;
  if (ecc_on && fm_nand_last_on_die_ecc (spi->cells)->failed)
    spi->continuous_failed = 1;
  note_ecc (spi, ecc_on, fm_nand_last_on_die_ecc (spi->cells));
  start_busy (spi, fm_nand_read_ns (spi->cells), FALSE);
}

/* PROGRAM EXECUTE with OTP_EN: programs a user OTP page, or with OTP_PRT
 * set locks the area. */
static void
program_otp (FmSpiNand *spi)
{
  const FmSpiNandDesc *s = &spi->desc->spi_nand;
  guint32 row = spi->addr;

  if (spi->otp_locked)
    spi->status |= FM_SPI_NAND_SR_P_FAIL;
  else if (spi->config & CFG_OTP_PRT)
    spi->otp_locked = TRUE;
  else if (row >= OTP_PAGE_FIRST_USER && row - OTP_PAGE_FIRST_USER < s->otp_pages)
    {
      guint8 *cells = spi->otp + (gsize) (row - OTP_PAGE_FIRST_USER) * spi->page_bytes;
      const guint8 *src = spi->cache[0];

      for (gsize i = 0; i < spi->page_bytes; i++)
        cells[i] &= src[i];
    }
  else
    spi->status |= FM_SPI_NAND_SR_P_FAIL;
  start_busy (spi, spi->desc->t_prog.typ_ns, TRUE);
}

static void
program_execute (FmSpiNand *spi)
{
  guint32 block, page;
  FmArrayResult r;

  if (!take_write_enable (spi))
    return;
  clear_fail_bits (spi);
  if (otp_mode (spi))
    {
      program_otp (spi);
      return;
    }
  if (!row_to_page (spi, spi->addr, &block, &page) || block_protected (spi, block))
    {
      spi->status |= FM_SPI_NAND_SR_P_FAIL;
      return;
    }
  r = fm_nand_array_program (spi->cells, (guint64) block * spi->desc->pages_per_block + page,
                             spi->cache[block_plane (spi, block)]);
  if (r == FM_ARRAY_FAIL_POWER_OFF)
    return;
  if (r != FM_ARRAY_PASS)
    spi->status |= FM_SPI_NAND_SR_P_FAIL;
  start_busy (spi, spi->desc->t_prog.typ_ns, TRUE);
}

static void
block_erase (FmSpiNand *spi)
{
  guint32 block, page;
  FmArrayResult r;

  if (!take_write_enable (spi))
    return;
  clear_fail_bits (spi);
  /* The OTP area cannot be erased. */
  if (otp_mode (spi) || !row_to_page (spi, spi->addr, &block, &page) || block_protected (spi, block))
    {
      spi->status |= FM_SPI_NAND_SR_E_FAIL;
      return;
    }
  r = fm_nand_array_erase (spi->cells, block);
  if (r == FM_ARRAY_FAIL_POWER_OFF)
    return;
  if (r != FM_ARRAY_PASS)
    spi->status |= FM_SPI_NAND_SR_E_FAIL;
  start_busy (spi, spi->desc->t_bers.typ_ns, TRUE);
}

static void
soft_reset (FmSpiNand *spi)
{
  FmOnDieEccResult clean = { 0 };

  spi->status &= ~(FM_SPI_NAND_SR_WEL | FM_SPI_NAND_SR_P_FAIL | FM_SPI_NAND_SR_E_FAIL);
  note_ecc (spi, FALSE, &clean);
  start_busy (spi, spi->desc->t_rst_ns, FALSE);
}

/* CS# changed: what was under way is forgotten. */
static void
forget_instruction (FmSpiNand *spi)
{
  spi->cmd = command (CMD_IGNORED, 0);
}

static void
finish_instruction (FmSpiNand *spi)
{
  gboolean exact = spi->frame.count == header_bytes (spi);

  switch (spi->cmd.kind)
    {
    case CMD_RESET:
      if (exact)
        soft_reset (spi);
      break;
    case CMD_WRITE_ENABLE:
      if (exact)
        spi->status |= FM_SPI_NAND_SR_WEL;
      break;
    case CMD_WRITE_DISABLE:
      if (exact)
        spi->status &= ~FM_SPI_NAND_SR_WEL;
      break;
    case CMD_SET_FEATURE:
      if (spi->frame.count == header_bytes (spi) + 1)
        set_feature (spi, spi->addr, spi->data_in);
      break;
    case CMD_PAGE_READ:
      if (exact)
        page_read (spi);
      break;
    case CMD_PROGRAM_EXECUTE:
      if (exact)
        program_execute (spi);
      break;
    case CMD_BLOCK_ERASE:
      if (exact)
        block_erase (spi);
      break;
    default:
      break;
    }
}

/* ---- public API ----------------------------------------------------------------- */

/* The parameter page in the OTP area: the ONFI page the descriptor's
 * [onfi] group describes, three copies, as Micron and Macronix keep it. */
static guint8 *
build_param_pages (const FmChipDesc *d)
{
  guint8 *pages;

  if (!d->onfi_version)
    return NULL;
  pages = g_malloc (FM_ONFI_PARAM_PAGE_SIZE * FM_ONFI_PARAM_PAGE_COPIES);
  fm_onfi_build_param_page (d, pages);
  for (guint c = 1; c < FM_ONFI_PARAM_PAGE_COPIES; c++)
    memcpy (pages + c * FM_ONFI_PARAM_PAGE_SIZE, pages, FM_ONFI_PARAM_PAGE_SIZE);
  return pages;
}

FmSpiNand *
fm_spi_nand_new (FmNand *cells, GError **error)
{
  const FmChipDesc *d = fm_nand_desc (cells);
  const FmSpiNandDesc *s = &d->spi_nand;
  FmSpiNand *spi;
  guint64 seed;

  if (d->type != FM_CHIP_SPI_NAND)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "chip '%s' is a %s part, not a SPI NAND part", d->name,
                   fm_chip_type_to_string (d->type));
      return NULL;
    }
  spi = g_new0 (FmSpiNand, 1);
  spi->cells = cells;
  spi->desc = d;
  spi->clock = fm_nand_clock (cells);
  spi->page_bytes = fm_nand_page_bytes (cells);
  /* Linux's spinand core: the plane number right above the column. */
  spi->plane_shift = g_bit_storage (d->page_size);
  spi->ecc_mask = fm_spi_nand_ecc_status_mask (d);
  spi->cache = g_new (guint8 *, d->planes);
  for (guint p = 0; p < d->planes; p++)
    {
      spi->cache[p] = g_malloc (spi->page_bytes);
      memset (spi->cache[p], 0xff, spi->page_bytes);
    }
  spi->otp = g_malloc (MAX ((gsize) s->otp_pages * spi->page_bytes, 1));
  memset (spi->otp, 0xff, (gsize) s->otp_pages * spi->page_bytes);
  spi->param_pages = build_param_pages (d);
  seed = fm_image_seed (fm_nand_image (cells));
  for (guint b = 0; b < UNIQUE_ID_LEN; b += 8)
    {
      guint64 v = fm_hash64 (seed, 0x5350494e, b);

      memcpy (spi->unique_id + b, &v, MIN (8, UNIQUE_ID_LEN - b));
    }
  /* Power-on: the registers' reset values; on-die ECC as ECC_EN says. */
  spi->protection = s->protect_reset;
  spi->config = s->config_reset;
  fm_nand_set_on_die_ecc (cells, (spi->config & CFG_ECC_ENABLE) != 0, NULL);
  spi->loaded_page = NO_PAGE;
  spi->cmd = command (CMD_IGNORED, 0);
  return spi;
}

void
fm_spi_nand_free (FmSpiNand *spi)
{
  if (!spi)
    return;
  for (guint p = 0; p < spi->desc->planes; p++)
    g_free (spi->cache[p]);
  g_free (spi->cache);
  g_free (spi->otp);
  g_free (spi->param_pages);
  g_free (spi);
}

FmNand *
fm_spi_nand_cells (FmSpiNand *spi)
{
  return spi->cells;
}

/* Casts between pointer parameters, as GLib's callbacks do. */
static const FmSpiFrameOps frame_ops = {
  .powered = (gboolean (*) (gpointer)) powered,
  .clock_run = (gsize (*) (gpointer, const guint8 *, guint8 *, gsize)) clock_data_run,
  .clock_byte = (guint8 (*) (gpointer, guint8)) clock_byte,
  .finish = (void (*) (gpointer)) finish_instruction,
  .forget = (void (*) (gpointer)) forget_instruction,
};

void
fm_spi_nand_select (FmSpiNand *spi, gboolean asserted)
{
  fm_spi_frame_select (&spi->frame, &frame_ops, spi, asserted);
}

void
fm_spi_nand_transfer (FmSpiNand *spi, const guint8 *tx, guint8 *rx, gsize len)
{
  fm_spi_frame_transfer (&spi->frame, &frame_ops, spi, tx, rx, len);
}

void
fm_spi_nand_set_wp (FmSpiNand *spi, gboolean asserted)
{
  spi->wp_asserted = asserted;
}

guint
fm_spi_nand_phase_lines (const FmSpiNand *spi)
{
  return fm_spi_frame_lines (&spi->frame, header_bytes (spi), spi->cmd.addr_lines,
                             spi->cmd.data_lines);
}
