/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flashmodel-pci register interface of a chip model (fm-pci-regs.h):
 * BAR0's register file over FmNandBus, FmNorCfi or a SPI controller
 * (fm-pci-spi.h), BAR1's NOR window, the power-cut report and the guest's
 * clock.
 */
#include "fm-pci-regs.h"
#include "fm-nand-stats.h"
#include "fm-pci-spi.h"

#include "flashmodel-pci.h"

#include <stdarg.h>
#include <string.h>

struct _FmPciRegs {
  FmPciRegsHooks hooks;
  gpointer data;

  const FmChipDesc *desc;
  FmNand *cells;          /* the array: the NAND chip, or the NOR chip's cells */
  FmClock *clock;
  FmNandBus *targets[FMPCI_MAX_TARGETS]; /* owned, one per chip enable; NULL for NOR */
  FmNandBus *nand_bus;    /* the selected target's (target 0's when none is) */
  FmNor *nor;
  FmNorCfi *cfi;          /* owned; NULL unless parallel NOR */
  FmPciSpi *spi;          /* owned; NULL unless SPI */
  guint32 type;           /* FMPCI_TYPE_* */

  guint64 guest_clock_base; /* chip time - guest time (modulo 2^64), when the chip follows it */
  guint32 ctrl;
  guint32 stat_select;    /* STAT_SELECT, as the guest wrote it */
  guint64 stat_snapshot;  /* the value STAT_VALUE_LO's last read took */
  gboolean power_cut_reported;
  gboolean storage_error_reported;
};

static void G_GNUC_PRINTF (2, 3)
guest_error (FmPciRegs *regs, const gchar *format, ...)
{
  gchar message[256];
  va_list args;

  if (!regs->hooks.guest_error)
    return;
  va_start (args, format);
  g_vsnprintf (message, sizeof message, format, args);
  va_end (args);
  regs->hooks.guest_error (regs->data, message);
}

static FmPciRegs *
regs_new (guint32 type, FmNand *cells, FmClock *clock, const FmPciRegsHooks *hooks,
          gpointer data)
{
  FmPciRegs *regs = g_new0 (FmPciRegs, 1);

  regs->type = type;

  if (hooks)
    regs->hooks = *hooks;
  regs->data = data;
  regs->cells = cells;
  regs->desc = fm_nand_desc (cells);
  regs->clock = clock;
  if (regs->hooks.guest_now_ns)
    regs->guest_clock_base = fm_clock_now (clock) - regs->hooks.guest_now_ns (data);
  return regs;
}

FmPciRegs *
fm_pci_regs_new_nand (FmNand *nand, const FmPciRegsHooks *hooks, gpointer data)
{
  FmPciRegs *regs = regs_new (FMPCI_TYPE_NAND, nand, fm_nand_clock (nand), hooks, data);

  G_STATIC_ASSERT (FMPCI_MAX_TARGETS >= FM_CHIP_TARGETS_MAX);
  for (guint t = 0; t < regs->desc->targets; t++)
    regs->targets[t] = fm_nand_bus_new_target (nand, t);
  regs->nand_bus = regs->targets[0];
  return regs;
}

FmPciRegs *
fm_pci_regs_new_nor (FmNor *nor, guint bus_width, const FmPciRegsHooks *hooks, gpointer data,
                     GError **error)
{
  FmNorCfi *cfi = fm_nor_cfi_new (nor, bus_width, error);
  FmPciRegs *regs;

  if (!cfi)
    return NULL;
  regs = regs_new (FMPCI_TYPE_CFI_NOR, fm_nor_cells (nor), fm_nor_clock (nor), hooks, data);
  regs->desc = fm_nor_desc (nor);
  regs->nor = nor;
  regs->cfi = cfi;
  return regs;
}

FmPciRegs *
fm_pci_regs_new_spi_nand (FmNand *nand, const FmPciRegsHooks *hooks, gpointer data,
                          GError **error)
{
  FmPciSpi *spi = fm_pci_spi_new_nand (nand, error);
  FmPciRegs *regs;

  if (!spi)
    return NULL;
  regs = regs_new (FMPCI_TYPE_SPI_NAND, nand, fm_nand_clock (nand), hooks, data);
  regs->spi = spi;
  return regs;
}

FmPciRegs *
fm_pci_regs_new_spi_nor (FmNor *nor, const FmPciRegsHooks *hooks, gpointer data,
                         GError **error)
{
  FmPciSpi *spi = fm_pci_spi_new_nor (nor, error);
  FmPciRegs *regs;

  if (!spi)
    return NULL;
  regs = regs_new (FMPCI_TYPE_SPI_NOR, fm_nor_cells (nor), fm_nor_clock (nor), hooks, data);
  regs->desc = fm_nor_desc (nor);
  regs->nor = nor;
  regs->spi = spi;
  return regs;
}

void
fm_pci_regs_free (FmPciRegs *regs)
{
  if (!regs)
    return;
  for (guint t = 0; t < FMPCI_MAX_TARGETS; t++)
    fm_nand_bus_free (regs->targets[t]);
  fm_nor_cfi_free (regs->cfi);
  fm_pci_spi_free (regs->spi);
  g_free (regs);
}

FmNandBus *
fm_pci_regs_nand_bus (FmPciRegs *regs)
{
  return regs->nand_bus;
}

FmNorCfi *
fm_pci_regs_nor_cfi (FmPciRegs *regs)
{
  return regs->cfi;
}

/* ---- what every access does ---------------------------------------------- */

/*
 * timing=guest: the chip's clock is kept up with the guest's before every
 * access, so that an operation takes its time as the guest sees time,
 * whether the guest polls or sleeps (Linux's CFI drivers sleep a jiffy
 * between status polls and give up after 20 s: with 100 ns of chip time
 * per bus cycle a sector erase would never end for them). The chip's
 * clock runs ahead by the bus cycles the model counts on its own, never
 * behind.
 */
static void
follow_guest (FmPciRegs *regs)
{
  guint64 target, now;

  if (!regs->hooks.guest_now_ns)
    return;
  target = regs->guest_clock_base + regs->hooks.guest_now_ns (regs->data);
  now = fm_clock_now (regs->clock);
  if (target > now)
    fm_clock_advance (regs->clock, target - now);
}

/* What the host must hear of, each reported once after the access that
 * caused it: a "powercut" fault left the chip unpowered (it reads all
 * ones and ignores writes from then on), or the image's storage failed
 * (the program that met it reported FAIL to the guest). */
static void
check_host_events (FmPciRegs *regs)
{
  const GError *storage = fm_nand_storage_error (regs->cells);

  if (storage && !regs->storage_error_reported)
    {
      regs->storage_error_reported = TRUE;
      if (regs->hooks.storage_error)
        regs->hooks.storage_error (regs->data, storage);
    }
  if (regs->power_cut_reported || !fm_nand_powered_off (regs->cells))
    return;
  regs->power_cut_reported = TRUE;
  if (regs->hooks.power_cut)
    regs->hooks.power_cut (regs->data, fm_nand_power_cut_at (regs->cells));
}

static gboolean
valid_size (guint size)
{
  return size == 1 || size == 2 || size == 4 || size == 8;
}

/* ---- BAR0: registers ------------------------------------------------------ */

/* A parallel (CFI) NOR chip, on BAR1. */
static gboolean
is_nor (const FmPciRegs *regs)
{
  return regs->cfi != NULL;
}

static guint32
status (FmPciRegs *regs)
{
  gboolean ready;

  if (regs->clock->mode == FM_TIMING_VIRTUAL && !regs->hooks.guest_now_ns)
    fm_clock_advance (regs->clock, FM_PCI_REGS_POLL_NS);
  if (regs->spi)
    ready = fm_pci_spi_ready (regs->spi);
  else
    ready = is_nor (regs) ? fm_nor_cfi_ready (regs->cfi) : fm_nand_bus_ready (regs->nand_bus);
  return ready ? FMPCI_STATUS_READY : 0;
}

static guint64
chip_size (const FmPciRegs *regs)
{
  return regs->nor ? fm_nor_size (regs->nor) : fm_chip_desc_size_bytes (regs->desc);
}

/* The SPI controller's I/O lines: IO0-IO3. */
#define SPI_IO_LINES 4

static guint32
bus_width (const FmPciRegs *regs)
{
  if (regs->spi)
    return SPI_IO_LINES;
  return is_nor (regs) ? fm_nor_cfi_bus_width (regs->cfi) : regs->desc->bus_width;
}

/* Four bytes of NAME from OFFSET (a multiple of 4 within it), NUL-padded,
 * the last byte always NUL. */
static guint32
name_word (const FmPciRegs *regs, guint64 offset)
{
  gsize len = MIN (strlen (regs->desc->name), (gsize) FMPCI_NAME_LEN - 1);
  guint32 word = 0;

  for (guint i = 0; i < 4; i++)
    if (offset + i < len)
      word |= (guint32) (guint8) regs->desc->name[offset + i] << (8 * i);
  return word;
}

/* ---- the statistics window ----------------------------------------------- */

G_STATIC_ASSERT (FM_NAND_STAT_NAME_MAX < FMPCI_STAT_NAME_LEN);

/* Whether STAT_SELECT names a counter; if not, a guest error about WHAT. */
static gboolean
stat_selected (FmPciRegs *regs, const gchar *what)
{
  if (regs->stat_select < fm_nand_stat_count ())
    return TRUE;
  guest_error (regs, "%s of counter %u: STAT_SELECT is beyond the %u counters", what,
               regs->stat_select, fm_nand_stat_count ());
  return FALSE;
}

/* Four bytes of STAT_NAME from OFFSET (a multiple of 4 within it). */
static guint32
stat_name_word (FmPciRegs *regs, guint64 offset)
{
  const gchar *name;
  gsize len;
  guint32 word = 0;

  if (!stat_selected (regs, "STAT_NAME read"))
    return 0;
  name = fm_nand_stat_name (regs->stat_select);
  len = strlen (name);
  for (guint i = 0; i < 4; i++)
    if (offset + i < len)
      word |= (guint32) (guint8) name[offset + i] << (8 * i);
  return word;
}

static guint32
stat_value_lo (FmPciRegs *regs)
{
  regs->stat_snapshot = stat_selected (regs, "STAT_VALUE read")
    ? fm_nand_stat_value (fm_nand_stats (regs->cells), regs->stat_select) : 0;
  return (guint32) regs->stat_snapshot;
}

/* The 32-bit register at OFFSET (a multiple of 4), other than DATA. */
static guint32
reg_read (FmPciRegs *regs, guint64 offset)
{
  if (offset >= FMPCI_NAME && offset < FMPCI_NAME + FMPCI_NAME_LEN)
    return name_word (regs, offset - FMPCI_NAME);
  if (offset >= FMPCI_STAT_NAME && offset < FMPCI_STAT_NAME + FMPCI_STAT_NAME_LEN)
    return stat_name_word (regs, offset - FMPCI_STAT_NAME);
  switch (offset)
    {
    case FMPCI_MAGIC:
      return FMPCI_MAGIC_VALUE;
    case FMPCI_VERSION:
      return FMPCI_VERSION_VALUE;
    case FMPCI_TYPE:
      return regs->type;
    case FMPCI_CTRL:
      return regs->ctrl;
    case FMPCI_STATUS:
      return status (regs);
    case FMPCI_BUSWIDTH:
      return bus_width (regs);
    case FMPCI_SIZE_LO:
      return (guint32) chip_size (regs);
    case FMPCI_SIZE_HI:
      return (guint32) (chip_size (regs) >> 32);
    case FMPCI_TARGETS:
      return regs->targets[0] ? regs->desc->targets : 1;
    case FMPCI_SPI_LINES:
      if (regs->spi)
        return fm_pci_spi_lines (regs->spi);
      guest_error (regs, "SPI_LINES is for SPI chips");
      return 0;
    case FMPCI_STAT_SELECT:
      return regs->stat_select;
    case FMPCI_STAT_COUNT:
      return fm_nand_stat_count ();
    case FMPCI_STAT_VALUE_LO:
      return stat_value_lo (regs);
    case FMPCI_STAT_VALUE_HI:
      return (guint32) (regs->stat_snapshot >> 32);
    case FMPCI_CMD:
    case FMPCI_ADDR:
      guest_error (regs, "register 0x%" G_GINT64_MODIFIER "x is write-only", offset);
      return 0;
    default:
      guest_error (regs, "read of unknown register 0x%" G_GINT64_MODIFIER "x", offset);
      return 0;
    }
}

static void
set_ctrl (FmPciRegs *regs, guint32 value)
{
  /* Bits 2-4 are the CE# of NAND targets 1-3; other chips have one. */
  regs->ctrl = value & (FMPCI_CTRL_WP | (regs->type == FMPCI_TYPE_NAND ? FMPCI_CTRL_CE_ALL : FMPCI_CTRL_CE));
  if (regs->spi)
    {
      fm_pci_spi_set_wp (regs->spi, (regs->ctrl & FMPCI_CTRL_WP) != 0);
      fm_pci_spi_set_cs (regs->spi, (regs->ctrl & FMPCI_CTRL_CE) != 0);
    }
  else if (is_nor (regs))
    {
      /* The window selects the chip on every access: CE has no use. */
      fm_nor_cfi_set_wp (regs->cfi, (regs->ctrl & FMPCI_CTRL_WP) != 0);
    }
  else
    {
      guint selected = 0;

      /* One target drives the shared I/O lines: the first one selected.
       * Two at once would fight on a board; the guest hears of it. */
      regs->nand_bus = NULL;
      for (guint t = 0; t < FMPCI_MAX_TARGETS; t++)
        {
          gboolean ce = (regs->ctrl & FMPCI_CTRL_CE_TARGET (t)) != 0;

          selected += ce;
          if (!regs->targets[t])
            continue;
          if (ce && !regs->nand_bus)
            regs->nand_bus = regs->targets[t];
          fm_nand_bus_set_ce (regs->targets[t], ce && regs->nand_bus == regs->targets[t]);
          fm_nand_bus_set_wp (regs->targets[t], (regs->ctrl & FMPCI_CTRL_WP) != 0);
        }
      if (!regs->nand_bus)
        regs->nand_bus = regs->targets[0];
      if (selected > 1)
        guest_error (regs, "CTRL 0x%x asserts the CE# of %u targets at once: only the first answers",
                     value, selected);
    }
}

/* A write of VALUE's bits at OFFSET, a multiple of 4, other than DATA. */
static void
reg_write (FmPciRegs *regs, guint64 offset, guint32 value)
{
  switch (offset)
    {
    case FMPCI_CTRL:
      set_ctrl (regs, value);
      return;
    case FMPCI_STAT_SELECT:
      regs->stat_select = value;
      stat_selected (regs, "selection");
      return;
    case FMPCI_SPI_LINES:
      if (!regs->spi)
        guest_error (regs, "SPI_LINES is for SPI chips");
      else if (!fm_pci_spi_set_lines (regs->spi, value))
        guest_error (regs, "SPI_LINES %u: a phase travels on 1, 2 or 4 lines", value);
      return;
    case FMPCI_CMD:
    case FMPCI_ADDR:
      if (is_nor (regs))
        guest_error (regs, "CMD and ADDR are for NAND chips; a NOR chip is driven through BAR1");
      else if (regs->spi)
        guest_error (regs, "CMD and ADDR are for NAND chips; a SPI chip takes every byte "
                     "through DATA");
      else if (offset == FMPCI_CMD)
        fm_nand_bus_command (regs->nand_bus, value & 0xff);
      else
        fm_nand_bus_address (regs->nand_bus, value & 0xff);
      return;
    default:
      guest_error (regs, "write of 0x%x to read-only or unknown register 0x%" G_GINT64_MODIFIER "x",
                   value, offset);
      return;
    }
}

/* SIZE bytes through the SPI controller; a byte on the wrong lines is
 * reported once per instruction. */
static void
spi_transfer (FmPciRegs *regs, const guint8 *tx, guint8 *rx, guint size)
{
  FmPciSpiWidthError e;

  if (!fm_pci_spi_transfer (regs->spi, tx, rx, size, &e))
    guest_error (regs, "SPI: byte %" G_GSIZE_FORMAT " of instruction %02Xh went out on %u "
                 "line(s), the chip takes it on %u: the chip got FFh, the guest reads FFh",
                 e.index, e.opcode, e.sent, e.expected);
}

/* DATA: SIZE bytes of data cycles, lowest address first. A byte access is
 * one cycle on either bus width (on a x16 chip: the low byte lane). SPI:
 * SIZE bytes clocked, what came back returned. */
static guint64
data_read (FmPciRegs *regs, guint size)
{
  guint8 buf[8];
  guint64 value = 0;

  if (regs->spi)
    spi_transfer (regs, NULL, buf, size);
  else if (size == 1)
    return fm_nand_bus_read (regs->nand_bus) & 0xff;
  else
    fm_nand_bus_read_buf (regs->nand_bus, buf, size);
  for (guint i = 0; i < size; i++)
    value |= (guint64) buf[i] << (8 * i);
  return value;
}

static void
data_write (FmPciRegs *regs, guint64 value, guint size)
{
  guint8 buf[8];

  if (size == 1 && !regs->spi)
    {
      fm_nand_bus_write (regs->nand_bus, value & 0xff);
      return;
    }
  for (guint i = 0; i < size; i++)
    buf[i] = (guint8) (value >> (8 * i));
  if (regs->spi)
    spi_transfer (regs, buf, NULL, size);
  else
    fm_nand_bus_write_buf (regs->nand_bus, buf, size);
}

static gboolean
is_data (guint64 offset)
{
  return offset >= FMPCI_DATA && offset < FMPCI_DATA + 8;
}

static gboolean
data_ok (FmPciRegs *regs, guint64 offset)
{
  if (!regs->nand_bus && !regs->spi)
    {
      guest_error (regs, "DATA is for NAND and SPI chips; a NOR chip is driven through BAR1");
      return FALSE;
    }
  if (offset != FMPCI_DATA)
    {
      guest_error (regs, "DATA access at 0x%" G_GINT64_MODIFIER "x (it must start at 0x%x)",
                   offset, FMPCI_DATA);
      return FALSE;
    }
  return TRUE;
}

/* Accesses are naturally aligned within BAR0, as PCI's memory core passes
 * them: a 1- or 2-byte access is part of one register, an 8-byte one
 * covers two. */
static gboolean
bar0_access_ok (FmPciRegs *regs, guint64 offset, guint size, const gchar *what)
{
  if (valid_size (size) && offset < FMPCI_REGS_SIZE && offset % size == 0)
    return TRUE;
  guest_error (regs, "%u-byte %s at 0x%" G_GINT64_MODIFIER "x: BAR0 takes naturally aligned "
               "1-, 2-, 4- and 8-byte accesses below 0x%x", size, what, offset, FMPCI_REGS_SIZE);
  return FALSE;
}

guint64
fm_pci_regs_read (FmPciRegs *regs, guint64 offset, guint size)
{
  guint64 value;

  if (!bar0_access_ok (regs, offset, size, "read"))
    return 0;
  follow_guest (regs);
  if (is_data (offset))
    value = data_ok (regs, offset) ? data_read (regs, size) : 0;
  else if (size == 8)
    value = reg_read (regs, offset) | (guint64) reg_read (regs, offset + 4) << 32;
  else
    {
      guint shift = (offset & 3) * 8;

      value = reg_read (regs, offset & ~(guint64) 3) >> shift;
      value &= size == 4 ? G_MAXUINT32 : (1u << (size * 8)) - 1;
    }
  check_host_events (regs);
  return value;
}

void
fm_pci_regs_write (FmPciRegs *regs, guint64 offset, guint64 value, guint size)
{
  if (!bar0_access_ok (regs, offset, size, "write"))
    return;
  follow_guest (regs);
  if (size < 8)
    value &= (G_GUINT64_CONSTANT (1) << (size * 8)) - 1;
  if (is_data (offset))
    {
      if (data_ok (regs, offset))
        data_write (regs, value, size);
    }
  else if (size == 8)
    {
      reg_write (regs, offset, (guint32) value);
      reg_write (regs, offset + 4, (guint32) (value >> 32));
    }
  else if (offset & 3)
    guest_error (regs, "write to the middle of register 0x%" G_GINT64_MODIFIER "x",
                 offset & ~(guint64) 3);
  else
    reg_write (regs, offset, (guint32) value);   /* a narrower write: its low bits */
  check_host_events (regs);
}

/* ---- BAR1: the NOR chip's address space ------------------------------------ */

guint64
fm_pci_regs_window_size (const FmPciRegs *regs)
{
  guint64 size;

  if (!is_nor (regs))
    return 0;
  size = fm_nor_size (regs->nor);
  /* A power of two already (descriptors are checked), rounded all the same. */
  return size & (size - 1) ? G_GUINT64_CONSTANT (1) << g_bit_storage (size) : size;
}

static gboolean
window_access_ok (FmPciRegs *regs, guint64 addr, guint size, const gchar *what)
{
  if (is_nor (regs) && valid_size (size) && addr < fm_pci_regs_window_size (regs))
    return TRUE;
  if (!is_nor (regs))
    guest_error (regs, "BAR1 %s: a NAND or SPI chip has no BAR1", what);
  else
    guest_error (regs, "%u-byte BAR1 %s at 0x%" G_GINT64_MODIFIER "x: beyond the window or "
                 "not 1, 2, 4 or 8 bytes", size, what, addr);
  return FALSE;
}

/*
 * Any width at any address, as a CPU may issue on a memory bus: Linux's
 * cfi_cmdset_0002 polls a 16-bit word at byte address 555h, which the
 * model decodes as real wiring would (FmNorCfi ignores the address bits
 * below the bus width and above the chip). An 8-byte access is two
 * 4-byte ones, lower address first.
 */
guint64
fm_pci_regs_window_read (FmPciRegs *regs, guint64 addr, guint size)
{
  guint64 value;

  if (!window_access_ok (regs, addr, size, "read"))
    return G_MAXUINT64;
  follow_guest (regs);
  if (size == 8)
    {
      value = fm_nor_cfi_read (regs->cfi, addr, 4);
      value |= (guint64) fm_nor_cfi_read (regs->cfi, addr + 4, 4) << 32;
    }
  else
    value = fm_nor_cfi_read (regs->cfi, addr, size);
  check_host_events (regs);
  return value;
}

void
fm_pci_regs_window_write (FmPciRegs *regs, guint64 addr, guint64 value, guint size)
{
  if (!window_access_ok (regs, addr, size, "write"))
    return;
  follow_guest (regs);
  if (size == 8)
    {
      fm_nor_cfi_write (regs->cfi, addr, (guint32) value, 4);
      fm_nor_cfi_write (regs->cfi, addr + 4, (guint32) (value >> 32), 4);
    }
  else
    fm_nor_cfi_write (regs->cfi, addr, (guint32) value, size);
  check_host_events (regs);
}

/* ---- life cycle ------------------------------------------------------------ */

void
fm_pci_regs_reset (FmPciRegs *regs)
{
  if (is_nor (regs))
    fm_nor_cfi_reset (regs->cfi);
  if (regs->spi)
    fm_pci_spi_set_lines (regs->spi, 1);
  set_ctrl (regs, 0);
}
