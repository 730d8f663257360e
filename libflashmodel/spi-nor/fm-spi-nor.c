/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-spi-nor.h"
#include "fm-bits.h"
#include "fm-error.h"
#include "fm-sfdp.h"

#include "fm-spi-frame.h"

#include <string.h>


/* Software reset recovery for descriptors that give none (t_rst_ns):
 * Winbond's tRST. */
#define DEFAULT_RESET_NS (30 * 1000)

enum {
  OP_WRSR = 0x01, OP_PP = 0x02, OP_READ = 0x03, OP_WRDI = 0x04,
  OP_RDSR = 0x05, OP_WREN = 0x06, OP_FAST_READ = 0x0b, OP_FAST_READ_4B = 0x0c,
  OP_PP_4B = 0x12, OP_READ_4B = 0x13, OP_WRSR2 = 0x31, OP_RDSR2 = 0x35,
  OP_RDSFDP = 0x5a, OP_CHIP_ERASE_60 = 0x60, OP_RSTEN = 0x66, OP_RST = 0x99,
  OP_RDID = 0x9f, OP_EN4B = 0xb7, OP_CHIP_ERASE = 0xc7, OP_EX4B = 0xe9,
};

#define SR1_BP_SHIFT 2
#define SR1_QE (1 << 6)   /* FM_SPI_QE_SR1_BIT6 */
#define SR2_QE (1 << 1)   /* FM_SPI_QE_SR2_BIT1 */

typedef enum {
  CMD_IGNORED,    /* unknown, or not accepted now: the part does nothing */
  CMD_READ_ARRAY,
  CMD_READ_ID,
  CMD_READ_SFDP,
  CMD_READ_SR1,
  CMD_READ_SR2,
  CMD_WRITE_ENABLE,
  CMD_WRITE_DISABLE,
  CMD_WRITE_SR,
  CMD_WRITE_SR2,
  CMD_PAGE_PROGRAM,
  CMD_ERASE,
  CMD_CHIP_ERASE,
  CMD_ENTER_4B,
  CMD_EXIT_4B,
  CMD_RESET_ENABLE,
  CMD_RESET,
} CmdKind;

/* An instruction and the phases that follow its opcode byte. */
typedef struct {
  CmdKind kind;
  guint addr_bytes;
  guint addr_lines;     /* of the address and dummy phases */
  guint dummy_bytes;
  guint data_lines;
  guint32 erase_size;
} Command;

struct _FmSpiNor {
  FmNor *nor;
  const FmChipDesc *desc;
  FmClock *clock;
  GBytes *sfdp;
  guint8 sr1_writable, sr2_writable;

  /* Registers. WIP is not stored: it is the chip's busy time. */
  guint8 sr1;
  guint8 sr2;
  gboolean write_cycle;     /* the busy time is a program, erase or WRSR */
  gboolean four_byte_mode;
  gboolean reset_enabled;   /* the previous instruction was RSTEN */
  gboolean wp_asserted;

  /* The instruction under way while CS# is low. */
  FmSpiFrame frame;
  Command cmd;
  guint64 addr;
  gsize data_count;         /* bytes of the data phase so far */
  guint8 *page;             /* Page Program data latches */
  guint8 sr_in[2];          /* Write Status data */
};

/* ---- state ---------------------------------------------------------------- */

static gboolean
powered (FmSpiNor *spi)
{
  return !fm_nand_powered_off (fm_nor_cells (spi->nor));
}

static gboolean
busy (FmSpiNor *spi)
{
  return fm_nor_busy (spi->nor);
}

/* The chip starts an internal operation of nominal length NS (plus the
 * latency a fault injected into it); the host polls WIP meanwhile. */
static void
start_busy (FmSpiNor *spi, guint64 ns, gboolean write_cycle)
{
  fm_nor_start_busy (spi->nor, ns);
  spi->write_cycle = write_cycle;
}

/* WEL reads as set until a write cycle ends, as on the parts. */
static guint8
status_register_1 (FmSpiNor *spi)
{
  guint8 sr = spi->sr1;

  if (busy (spi))
    {
      sr |= FM_SPI_SR_WIP;
      if (spi->write_cycle)
        sr |= FM_SPI_SR_WEL;
    }
  return sr;
}

static gboolean
quad_enabled (const FmSpiNor *spi)
{
  switch (spi->desc->nor.quad_enable)
    {
    case FM_SPI_QE_SR1_BIT6:
      return (spi->sr1 & SR1_QE) != 0;
    case FM_SPI_QE_SR2_BIT1:
      return (spi->sr2 & SR2_QE) != 0;
    case FM_SPI_QE_NONE:
    default:
      return TRUE;
    }
}

/* Program, erase and WRSR consume WEL whether or not they go ahead. */
static gboolean
take_write_enable (FmSpiNor *spi)
{
  gboolean enabled = (spi->sr1 & FM_SPI_SR_WEL) != 0;

  spi->sr1 &= ~FM_SPI_SR_WEL;
  return enabled;
}

/* ---- block protection ------------------------------------------------------ */

/*
 * The range the BP bits (and TB) protect, as Linux's
 * spi_nor_get_locked_range_sr() reads them and the Winbond and Macronix
 * tables give it: with n BP bits, values 1 .. 2^n - 2 protect the smallest
 * protectable length times 2^(BP - 1) from the top (from the bottom with
 * TB set), and all ones the whole chip. The smallest length is one 64 KiB
 * block (the largest erase type: Linux's sector_size), doubled until the
 * BP values reach the whole chip.
 */
static void
protected_range (const FmSpiNor *spi, guint64 *start, guint64 *len)
{
  const FmNorDesc *n = &spi->desc->nor;
  guint bp_mask = (1u << n->bp_bits) - 1;
  guint bp = (spi->sr1 >> SR1_BP_SHIFT) & bp_mask;
  guint32 block = n->erase_types[n->n_erase_types - 1].size;
  guint needed = fm_bits_log2 (n->size / block);
  guint slots, tb_bit = 1u << (SR1_BP_SHIFT + n->bp_bits);
  guint64 min_len;

  *start = *len = 0;
  if (bp == 0)
    return;
  /* Two BP values are "none" and "all"; the others double from min_len. */
  slots = bp_mask - 1;
  min_len = (guint64) block << (needed > slots ? needed - slots : 0);
  *len = MIN (min_len << (bp - 1), n->size);
  *start = n->tb_bit && (spi->sr1 & tb_bit) ? 0 : n->size - *len;
}

static gboolean
is_protected (const FmSpiNor *spi, guint64 addr, guint64 len)
{
  guint64 start, plen;

  protected_range (spi, &start, &plen);
  return plen && addr < start + plen && start < addr + len;
}

/* WRSR refused: SRWD set and WP# low, while WP# is a WP# pin (not IO2 of
 * an enabled quad interface). */
static gboolean
status_hardware_locked (const FmSpiNor *spi)
{
  gboolean wp_is_io2 = spi->desc->nor.quad_enable != FM_SPI_QE_NONE && quad_enabled (spi);

  return (spi->sr1 & FM_SPI_SR_SRWD) && spi->wp_asserted && !wp_is_io2;
}

/* ---- instruction decoding -------------------------------------------------- */

static Command
command (CmdKind kind, guint addr_bytes)
{
  Command c = { kind, addr_bytes, 1, 0, 1, 0 };

  return c;
}

static Command
array_read (guint addr_bytes, guint addr_lines, guint dummy_bytes, guint data_lines)
{
  Command c = { CMD_READ_ARRAY, addr_bytes, addr_lines, dummy_bytes, data_lines, 0 };

  return c;
}

/* The multi-I/O reads the part has (3Bh .. EBh, 3Ch .. ECh). The dummy
 * phase is counted in bytes as Linux's spi-mem does: clocks * lines / 8. */
static gboolean
decode_multi_io_read (const FmSpiNor *spi, guint8 op, guint addr_bytes, Command *c)
{
  const FmNorDesc *n = &spi->desc->nor;

  for (guint i = 0; i < FM_SPI_N_READ_MODES; i++)
    {
      const FmSpiReadCommand *r = fm_spi_read_command (i);
      guint dummy_bytes = n->read_dummy_clocks[i] * r->addr_lines / 8;

      if (!(n->read_modes & r->mode))
        continue;
      if (op != r->opcode && !(n->four_byte && op == r->opcode_4b))
        continue;
      /* IO2 and IO3 are WP# and HOLD# until QE is set. */
      if (r->data_lines == 4 && !quad_enabled (spi))
        return FALSE;
      *c = array_read (op == r->opcode ? addr_bytes : 4, r->addr_lines,
                       dummy_bytes, r->data_lines);
      return TRUE;
    }
  return FALSE;
}

static gboolean
decode_erase (const FmSpiNor *spi, guint8 op, guint addr_bytes, Command *c)
{
  const FmNorDesc *n = &spi->desc->nor;

  for (guint i = 0; i < n->n_erase_types; i++)
    {
      const FmSpiEraseType *e = &n->erase_types[i];

      if (op != e->opcode && !(n->four_byte && e->opcode_4b && op == e->opcode_4b))
        continue;
      *c = command (CMD_ERASE, op == e->opcode ? addr_bytes : 4);
      c->erase_size = e->size;
      return TRUE;
    }
  return FALSE;
}

static Command
decode (const FmSpiNor *spi, guint8 op)
{
  gboolean four_byte = spi->desc->nor.four_byte;
  gboolean has_sr2 = spi->desc->nor.quad_enable == FM_SPI_QE_SR2_BIT1;
  guint addr_bytes = spi->four_byte_mode ? 4 : 3;
  Command c = command (CMD_IGNORED, 0);

  switch (op)
    {
    case OP_READ:
      return array_read (addr_bytes, 1, 0, 1);
    case OP_FAST_READ:
      return array_read (addr_bytes, 1, 1, 1);
    case OP_READ_4B:
      return four_byte ? array_read (4, 1, 0, 1) : c;
    case OP_FAST_READ_4B:
      return four_byte ? array_read (4, 1, 1, 1) : c;
    case OP_RDID:
      return command (CMD_READ_ID, 0);
    case OP_RDSFDP:
      /* Always a 3-byte address and 8 dummy clocks (JESD216). */
      c = command (CMD_READ_SFDP, 3);
      c.dummy_bytes = 1;
      return c;
    case OP_RDSR:
      return command (CMD_READ_SR1, 0);
    case OP_RDSR2:
      return has_sr2 ? command (CMD_READ_SR2, 0) : c;
    case OP_WREN:
      return command (CMD_WRITE_ENABLE, 0);
    case OP_WRDI:
      return command (CMD_WRITE_DISABLE, 0);
    case OP_WRSR:
      return command (CMD_WRITE_SR, 0);
    case OP_WRSR2:
      return has_sr2 ? command (CMD_WRITE_SR2, 0) : c;
    case OP_PP:
      return command (CMD_PAGE_PROGRAM, addr_bytes);
    case OP_PP_4B:
      return four_byte ? command (CMD_PAGE_PROGRAM, 4) : c;
    case OP_CHIP_ERASE:
    case OP_CHIP_ERASE_60:
      return command (CMD_CHIP_ERASE, 0);
    case OP_EN4B:
      return four_byte ? command (CMD_ENTER_4B, 0) : c;
    case OP_EX4B:
      return four_byte ? command (CMD_EXIT_4B, 0) : c;
    case OP_RSTEN:
      return command (CMD_RESET_ENABLE, 0);
    case OP_RST:
      return spi->reset_enabled ? command (CMD_RESET, 0) : c;
    default:
      break;
    }
  if (decode_multi_io_read (spi, op, addr_bytes, &c) ||
      decode_erase (spi, op, addr_bytes, &c))
    return c;
  return command (CMD_IGNORED, 0);
}

/* While busy the parts answer only the status registers, and a software
 * reset (which stops the operation under way). */
static gboolean
accepted_while_busy (CmdKind kind)
{
  return kind == CMD_READ_SR1 || kind == CMD_READ_SR2 ||
         kind == CMD_RESET_ENABLE || kind == CMD_RESET;
}

static void
start_instruction (FmSpiNor *spi, guint8 op)
{
  spi->cmd = decode (spi, op);
  /* RST counts only right after RSTEN. */
  spi->reset_enabled = FALSE;
  /* Ignored, but still clocked on the lines its phases use (what a
   * controller checks with fm_spi_nor_phase_lines()). */
  if (busy (spi) && !accepted_while_busy (spi->cmd.kind))
    spi->cmd.kind = CMD_IGNORED;
  spi->addr = 0;
  spi->data_count = 0;
  if (spi->cmd.kind == CMD_PAGE_PROGRAM)
    memset (spi->page, 0xff, spi->desc->nor.program_buffer);
}

static gsize
header_bytes (const FmSpiNor *spi)
{
  return 1 + spi->cmd.addr_bytes + spi->cmd.dummy_bytes;
}

/* ---- data phase ------------------------------------------------------------ */

static guint64
array_address (const FmSpiNor *spi)
{
  return spi->addr & (spi->desc->nor.size - 1);
}

static guint8
data_out_byte (FmSpiNor *spi, gsize i)
{
  gsize sfdp_len;
  const guint8 *sfdp;

  switch (spi->cmd.kind)
    {
    case CMD_READ_ID:
      return i < spi->desc->id_len ? spi->desc->id[i] : 0xff;
    case CMD_READ_SFDP:
      sfdp = g_bytes_get_data (spi->sfdp, &sfdp_len);
      return spi->addr + i < sfdp_len ? sfdp[spi->addr + i] : 0xff;
    case CMD_READ_SR1:
      return status_register_1 (spi);
    case CMD_READ_SR2:
      return spi->sr2;
    default:
      return 0xff;
    }
}

static void
data_in_byte (FmSpiNor *spi, gsize i, guint8 mosi)
{
  if ((spi->cmd.kind == CMD_WRITE_SR || spi->cmd.kind == CMD_WRITE_SR2) &&
      i < G_N_ELEMENTS (spi->sr_in))
    spi->sr_in[i] = mosi;
}

/* Array reads stream from the address on, wrapping at the end of the chip. */
static gsize
read_array_data (FmSpiNor *spi, guint8 *rx, gsize len)
{
  guint64 addr = (array_address (spi) + spi->data_count) % spi->desc->nor.size;
  gsize n = MIN (len, spi->desc->nor.size - addr);

  if (rx)
    fm_nor_cells_read (spi->nor, addr, rx, n);
  return n;
}

/* Page Program data go to the latches of the addressed page, wrapping
 * within it: past a page's worth, the last bytes sent win. */
static gsize
latch_program_data (FmSpiNor *spi, const guint8 *tx, gsize len)
{
  guint32 page = spi->desc->nor.program_buffer;
  guint32 offset = (array_address (spi) + spi->data_count) % page;
  gsize n = MIN (len, page - offset);

  if (tx)
    memcpy (spi->page + offset, tx, n);
  else
    memset (spi->page + offset, 0xff, n);
  return n;
}

/* Clocks a run of data-phase bytes of an array read or a page program at
 * once; 0 when the next byte is not one. */
static gsize
clock_data_run (FmSpiNor *spi, const guint8 *tx, guint8 *rx, gsize len)
{
  gsize n;

  if (spi->frame.count < header_bytes (spi))
    return 0;
  if (spi->cmd.kind == CMD_READ_ARRAY)
    n = read_array_data (spi, rx, len);
  else if (spi->cmd.kind == CMD_PAGE_PROGRAM)
    {
      n = latch_program_data (spi, tx, len);
      if (rx)
        memset (rx, 0xff, n);
    }
  else
    return 0;
  spi->frame.count += n;
  spi->data_count += n;
  fm_spi_bus_clocks (spi->clock, n, spi->cmd.data_lines);
  return n;
}

static guint8
clock_byte (FmSpiNor *spi, guint8 mosi)
{
  gsize i = spi->frame.count++;
  guint8 miso = 0xff;

  if (i == 0)
    {
      start_instruction (spi, mosi);
      fm_spi_bus_clocks (spi->clock, 1, 1);
    }
  else if (i < header_bytes (spi))
    {
      if (i <= spi->cmd.addr_bytes)
        spi->addr = spi->addr << 8 | mosi;
      fm_spi_bus_clocks (spi->clock, 1, spi->cmd.addr_lines);
    }
  else
    {
      miso = data_out_byte (spi, spi->data_count);
      data_in_byte (spi, spi->data_count, mosi);
      spi->data_count++;
      fm_spi_bus_clocks (spi->clock, 1, spi->cmd.data_lines);
    }
  return miso;
}

/* ---- operations started by CS# going high ---------------------------------- */

static void
page_program (FmSpiNor *spi)
{
  guint32 page = spi->desc->nor.program_buffer;
  guint64 start = array_address (spi) / page * page;

  if (!take_write_enable (spi) || is_protected (spi, start, page))
    return;
  /* Latches nothing was sent to hold FFh, which programs nothing. */
  if (fm_nor_cells_program (spi->nor, start, spi->page, page) == FM_ARRAY_FAIL_POWER_OFF)
    return;
  start_busy (spi, fm_nor_program_ns (spi->nor, MIN (spi->data_count, page)), TRUE);
}

/* A failing sector (worn out, an injected fault) does not stop the erase
 * of the others: serial NOR has no fail status, its data is just wrong. */
static gboolean
erase_cells (FmSpiNor *spi, guint64 addr, guint64 len)
{
  return fm_nor_cells_erase (spi->nor, addr, len) != FM_ARRAY_FAIL_POWER_OFF;
}

static void
erase (FmSpiNor *spi)
{
  guint32 size = spi->cmd.erase_size;
  guint64 start = array_address (spi) / size * size;

  if (!take_write_enable (spi) || is_protected (spi, start, size))
    return;
  if (erase_cells (spi, start, size))
    start_busy (spi, fm_nor_erase_ns (spi->nor, size), TRUE);
}

/* Chip erase runs only when no block is protected. */
static void
chip_erase (FmSpiNor *spi)
{
  guint64 size = spi->desc->nor.size;

  if (!take_write_enable (spi) || is_protected (spi, 0, size))
    return;
  if (erase_cells (spi, 0, size))
    start_busy (spi, fm_nor_chip_erase_ns (spi->nor), TRUE);
}

/* 01h with one byte writes SR1 (SR2 stays, QE included); with two, SR1
 * and SR2. Bits the model does not know read back as 0. */
static void
write_status (FmSpiNor *spi, gsize n_bytes)
{
  if (!take_write_enable (spi) || status_hardware_locked (spi))
    return;
  spi->sr1 = (spi->sr1 & ~spi->sr1_writable) | (spi->sr_in[0] & spi->sr1_writable);
  if (n_bytes == 2)
    spi->sr2 = spi->sr_in[1] & spi->sr2_writable;
  start_busy (spi, spi->desc->nor.t_write_status_ns, TRUE);
}

static void
write_status_2 (FmSpiNor *spi)
{
  if (!take_write_enable (spi) || status_hardware_locked (spi))
    return;
  spi->sr2 = spi->sr_in[0] & spi->sr2_writable;
  start_busy (spi, spi->desc->nor.t_write_status_ns, TRUE);
}

/*
 * Back to the power-on state: 3-byte addressing, WEL clear; the
 * non-volatile status bits stay. A program or erase under way stops (the
 * datasheets warn its data may be damaged; here the cells already hold
 * all of it), and the part is busy for tRST.
 */
static void
soft_reset (FmSpiNor *spi)
{
  guint64 t_rst = spi->desc->t_rst_ns ? spi->desc->t_rst_ns : DEFAULT_RESET_NS;

  spi->four_byte_mode = FALSE;
  spi->sr1 &= ~FM_SPI_SR_WEL;
  start_busy (spi, t_rst, FALSE);
}

/* Instructions without a data phase run only when CS# goes high right
 * after their last address byte (or the opcode), as on the parts. */
/* CS# changed: what was under way is forgotten. */
static void
forget_instruction (FmSpiNor *spi)
{
  spi->cmd = command (CMD_IGNORED, 0);
}

static void
finish_instruction (FmSpiNor *spi)
{
  gsize header = header_bytes (spi);
  gboolean exact = spi->frame.count == header;

  switch (spi->cmd.kind)
    {
    case CMD_WRITE_ENABLE:
      if (exact)
        spi->sr1 |= FM_SPI_SR_WEL;
      break;
    case CMD_WRITE_DISABLE:
      if (exact)
        spi->sr1 &= ~FM_SPI_SR_WEL;
      break;
    case CMD_WRITE_SR:
      if (spi->frame.count == header + 1 || spi->frame.count == header + 2)
        write_status (spi, spi->frame.count - header);
      break;
    case CMD_WRITE_SR2:
      if (spi->frame.count == header + 1)
        write_status_2 (spi);
      break;
    case CMD_PAGE_PROGRAM:
      if (spi->frame.count > header)
        page_program (spi);
      break;
    case CMD_ERASE:
      if (exact)
        erase (spi);
      break;
    case CMD_CHIP_ERASE:
      if (exact)
        chip_erase (spi);
      break;
    case CMD_ENTER_4B:
    case CMD_EXIT_4B:
      if (exact)
        spi->four_byte_mode = spi->cmd.kind == CMD_ENTER_4B;
      break;
    case CMD_RESET_ENABLE:
      spi->reset_enabled = exact;
      break;
    case CMD_RESET:
      if (exact)
        soft_reset (spi);
      break;
    default:
      break;
    }
}

/* ---- public API ------------------------------------------------------------- */

/* Status register 1: WIP, WEL, the BP bits from bit 2, TB right above,
 * QE at bit 6 on sr1-bit6 parts, SRWD at bit 7. */
static gboolean
layout_status (FmSpiNor *spi, GError **error)
{
  const FmNorDesc *n = &spi->desc->nor;
  guint top = SR1_BP_SHIFT + n->bp_bits + (n->tb_bit ? 1 : 0);
  guint limit = n->quad_enable == FM_SPI_QE_SR1_BIT6 ? 6 : 7;

  if (top > limit)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "chip '%s': %u block protect bits%s do not fit status register 1",
                   spi->desc->name, n->bp_bits, n->tb_bit ? " and TB" : "");
      return FALSE;
    }
  spi->sr1_writable = (guint8) (((1u << top) - 1) & ~((1u << SR1_BP_SHIFT) - 1));
  spi->sr1_writable |= FM_SPI_SR_SRWD;
  if (n->quad_enable == FM_SPI_QE_SR1_BIT6)
    spi->sr1_writable |= SR1_QE;
  if (n->quad_enable == FM_SPI_QE_SR2_BIT1)
    spi->sr2_writable = SR2_QE;
  return TRUE;
}

FmSpiNor *
fm_spi_nor_new (FmNor *nor, GError **error)
{
  const FmChipDesc *desc = fm_nor_desc (nor);
  g_autoptr (FmSpiNor) spi = NULL;

  if (desc->type != FM_CHIP_SPI_NOR)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "chip '%s' is a %s part, not a SPI NOR part", desc->name,
                   fm_chip_type_to_string (desc->type));
      return NULL;
    }
  spi = g_new0 (FmSpiNor, 1);
  spi->nor = nor;
  spi->desc = desc;
  spi->clock = fm_nor_clock (nor);
  if (!layout_status (spi, error))
    return NULL;
  spi->sfdp = fm_sfdp_build (desc);
  spi->page = g_malloc (desc->nor.program_buffer);
  spi->cmd = command (CMD_IGNORED, 0);
  return g_steal_pointer (&spi);
}

void
fm_spi_nor_free (FmSpiNor *spi)
{
  if (!spi)
    return;
  g_clear_pointer (&spi->sfdp, g_bytes_unref);
  g_free (spi->page);
  g_free (spi);
}

FmNor *
fm_spi_nor_nor (FmSpiNor *spi)
{
  return spi->nor;
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
fm_spi_nor_select (FmSpiNor *spi, gboolean asserted)
{
  fm_spi_frame_select (&spi->frame, &frame_ops, spi, asserted);
}

void
fm_spi_nor_transfer (FmSpiNor *spi, const guint8 *tx, guint8 *rx, gsize len)
{
  fm_spi_frame_transfer (&spi->frame, &frame_ops, spi, tx, rx, len);
}

void
fm_spi_nor_set_wp (FmSpiNor *spi, gboolean asserted)
{
  spi->wp_asserted = asserted;
}

guint
fm_spi_nor_phase_lines (const FmSpiNor *spi)
{
  return fm_spi_frame_lines (&spi->frame, header_bytes (spi), spi->cmd.addr_lines,
                             spi->cmd.data_lines);
}

gboolean
fm_spi_nor_four_byte_mode (const FmSpiNor *spi)
{
  return spi->four_byte_mode;
}

GBytes *
fm_spi_nor_sfdp (const FmChipDesc *desc)
{
  return fm_sfdp_build (desc);
}
