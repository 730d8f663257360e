/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flashmodel-pci register interface (fm-pci-regs.h) as a guest drives
 * it through QEMU's device: BAR0's registers at every width, a NAND chip
 * through CMD/ADDR/DATA, a NOR chip through BAR1, a SPI chip through CS#,
 * SPI_LINES and DATA with the lines of each phase checked, the accesses
 * the interface does not define, the power-cut report, the guest's clock
 * and a system reset.
 */
#include "fm-test-util.h"

#include "flashmodel-pci.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <string.h>

/* A chip behind the interface, and what its hooks saw. */
typedef struct {
  FmChipDesc *desc;
  FmNand *nand;
  FmNor *nor;
  FmPciRegs *regs;
  guint guest_errors;
  gchar *last_error;
  guint power_cuts;
  guint64 power_cut_at;
  guint64 guest_ns;     /* the guest's clock, for timing=guest */
  guint storage_errors;
  gchar *storage_message;
} Fixture;

static void
on_guest_error (gpointer data, const gchar *message)
{
  Fixture *f = data;

  f->guest_errors++;
  g_free (f->last_error);
  f->last_error = g_strdup (message);
}

static void
on_power_cut (gpointer data, guint64 at)
{
  Fixture *f = data;

  f->power_cuts++;
  f->power_cut_at = at;
}

static void
on_storage_error (gpointer data, const GError *error)
{
  Fixture *f = data;

  f->storage_errors++;
  g_free (f->storage_message);
  f->storage_message = g_strdup (error->message);
}

static guint64
guest_now (gpointer data)
{
  return ((Fixture *) data)->guest_ns;
}

static void
fixture_init (Fixture *f, const gchar *chip, FmTimingMode timing, gboolean guest_clock,
              const gchar *faults)
{
  FmPciRegsHooks hooks = {
    .guest_error = on_guest_error,
    .power_cut = on_power_cut,
    .storage_error = on_storage_error,
    .guest_now_ns = guest_clock ? guest_now : NULL,
  };
  g_autoptr (GError) error = NULL;

  memset (f, 0, sizeof *f);
  f->guest_ns = 5000;
  f->desc = fm_test_chip (chip);
  if (f->desc->type == FM_CHIP_SPI_NAND)
    {
      f->nand = fm_test_nand (f->desc, 1, 0, timing);
      if (faults)
        fm_nand_set_faults (f->nand, fm_fault_set_parse (faults, NULL));
      f->regs = fm_pci_regs_new_spi_nand (f->nand, &hooks, f, &error);
      g_assert_no_error (error);
    }
  else if (f->desc->type == FM_CHIP_SPI_NOR)
    {
      FmImage *image = fm_nor_create_image (f->desc, NULL, 1, &error);

      g_assert_no_error (error);
      f->nor = fm_nor_new (f->desc, image, timing, &error);
      g_assert_no_error (error);
      if (faults)
        fm_nand_set_faults (fm_nor_cells (f->nor), fm_fault_set_parse (faults, NULL));
      f->regs = fm_pci_regs_new_spi_nor (f->nor, &hooks, f, &error);
      g_assert_no_error (error);
    }
  else if (fm_chip_desc_is_nor (f->desc))
    {
      FmImage *image = fm_nor_create_image (f->desc, NULL, 1, &error);

      g_assert_no_error (error);
      f->nor = fm_nor_new (f->desc, image, timing, &error);
      g_assert_no_error (error);
      if (faults)
        fm_nand_set_faults (fm_nor_cells (f->nor), fm_fault_set_parse (faults, NULL));
      f->regs = fm_pci_regs_new_nor (f->nor, 16, &hooks, f, &error);
      g_assert_no_error (error);
    }
  else
    {
      f->nand = fm_test_nand (f->desc, 1, 0, timing);
      if (faults)
        fm_nand_set_faults (f->nand, fm_fault_set_parse (faults, NULL));
      f->regs = fm_pci_regs_new_nand (f->nand, &hooks, f);
    }
  g_assert_nonnull (f->regs);
}

static void
fixture_clear (Fixture *f)
{
  fm_pci_regs_free (f->regs);
  fm_nand_free (f->nand);
  fm_nor_free (f->nor);
  fm_chip_desc_free (f->desc);
  g_free (f->last_error);
  g_free (f->storage_message);
}

static guint32
rd32 (Fixture *f, guint64 offset)
{
  return (guint32) fm_pci_regs_read (f->regs, offset, 4);
}

static void
wr32 (Fixture *f, guint64 offset, guint32 value)
{
  fm_pci_regs_write (f->regs, offset, value, 4);
}

static void
nand_cmd_addr (Fixture *f, guint8 cmd, const guint8 *addr, guint naddr)
{
  wr32 (f, FMPCI_CMD, cmd);
  for (guint i = 0; i < naddr; i++)
    wr32 (f, FMPCI_ADDR, addr[i]);
}

static void
wait_ready (Fixture *f)
{
  for (guint i = 0; i < 1000000 && !(rd32 (f, FMPCI_STATUS) & FMPCI_STATUS_READY); i++)
    ;
  g_assert_true (rd32 (f, FMPCI_STATUS) & FMPCI_STATUS_READY);
}

/* ---- BAR0's identification registers ------------------------------------ */

static void
check_id_registers (const gchar *chip, guint32 type, guint bus_width, guint64 size)
{
  Fixture f;
  gsize len;
  guint64 name8;

  fixture_init (&f, chip, FM_TIMING_NONE, FALSE, NULL);
  len = strlen (f.desc->name);
  g_assert_cmpuint (len, >=, 8);
  g_assert_cmphex (rd32 (&f, FMPCI_MAGIC), ==, FMPCI_MAGIC_VALUE);
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_MAGIC, 1), ==, 'F');
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_MAGIC + 3, 1), ==, 'C');
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_MAGIC + 2, 2), ==, FMPCI_MAGIC_VALUE >> 16);
  g_assert_cmpuint (rd32 (&f, FMPCI_VERSION), ==, FMPCI_VERSION_VALUE);
  g_assert_cmpuint (rd32 (&f, FMPCI_TYPE), ==, type);
  g_assert_cmpuint (rd32 (&f, FMPCI_BUSWIDTH), ==, bus_width);
  g_assert_cmpuint (fm_pci_regs_read (f.regs, FMPCI_SIZE_LO, 8), ==, size);
  g_assert_cmpuint (rd32 (&f, FMPCI_SIZE_LO) | (guint64) rd32 (&f, FMPCI_SIZE_HI) << 32, ==, size);
  for (guint i = 0; i < FMPCI_NAME_LEN; i++)
    g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_NAME + i, 1), ==,
                     i < len ? (guint8) f.desc->name[i] : 0);
  memcpy (&name8, f.desc->name, 8);
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_NAME, 8), ==, GUINT64_FROM_LE (name8));
  g_assert_cmpuint (f.guest_errors, ==, 0);
  fixture_clear (&f);
}

static void
test_id_registers (void)
{
  check_id_registers ("micron-mt29f4g", FMPCI_TYPE_NAND, 8, G_GUINT64_CONSTANT (512) << 20);
  check_id_registers ("micron-mt29f32g", FMPCI_TYPE_NAND, 8, G_GUINT64_CONSTANT (4) << 30);
  check_id_registers ("spansion-s29gl128p", FMPCI_TYPE_CFI_NOR, 16, 16 << 20);
}

/* ---- a NAND chip through CMD, ADDR and DATA ------------------------------ */

static void
test_nand_read_id_every_width (void)
{
  Fixture f;
  guint64 v;

  fixture_init (&f, "micron-mt29f4g", FM_TIMING_NONE, FALSE, NULL);
  /* Deselected (CE# high): the chip ignores every cycle. */
  nand_cmd_addr (&f, 0x90, (const guint8[]) { 0x00 }, 1);
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_DATA, 1), ==, 0xff);

  wr32 (&f, FMPCI_CTRL, FMPCI_CTRL_CE);
  g_assert_cmphex (rd32 (&f, FMPCI_CTRL), ==, FMPCI_CTRL_CE);
  for (guint size = 1; size <= 8; size *= 2)
    {
      nand_cmd_addr (&f, 0x90, (const guint8[]) { 0x00 }, 1);
      v = fm_pci_regs_read (f.regs, FMPCI_DATA, size);
      /* Past its ID bytes the part repeats them. */
      for (guint i = 0; i < size; i++)
        g_assert_cmphex ((guint8) (v >> (8 * i)), ==, f.desc->id[i % f.desc->id_len]);
    }
  /* A 1-byte CMD write is the whole command. */
  fm_pci_regs_write (f.regs, FMPCI_CMD, 0x90, 1);
  fm_pci_regs_write (f.regs, FMPCI_ADDR, 0x20, 1);
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_DATA, 4), ==, 'O' | 'N' << 8 | 'F' << 16 | 'I' << 24);
  g_assert_cmpuint (f.guest_errors, ==, 0);
  fixture_clear (&f);
}

/* Erase, program a page with 8-byte DATA writes, read it back with 4-byte
 * reads, as the Linux driver's ioread32_rep() does. */
static void
test_nand_program_and_read (void)
{
  Fixture f;
  gsize n;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint8 addr[8];
  guint na;

  fixture_init (&f, "micron-mt29f4g", FM_TIMING_VIRTUAL, FALSE, NULL);
  n = f.desc->page_size + f.desc->oob_size;
  data = fm_test_pattern (n, 3);
  back = g_malloc (n);
  wr32 (&f, FMPCI_CTRL, FMPCI_CTRL_CE);
  wr32 (&f, FMPCI_CMD, 0xff);
  wait_ready (&f);

  na = fm_test_bus_address (f.desc, 20, 0, 0, addr);
  nand_cmd_addr (&f, 0x60, addr + 2, na - 2);
  wr32 (&f, FMPCI_CMD, 0xd0);
  g_assert_false (rd32 (&f, FMPCI_STATUS) & FMPCI_STATUS_READY);
  wait_ready (&f);

  nand_cmd_addr (&f, 0x80, addr, na);
  for (gsize i = 0; i < n; i += 8)
    {
      guint64 v = 0;

      for (guint b = 0; b < 8; b++)
        v |= (guint64) data[i + b] << (8 * b);
      fm_pci_regs_write (f.regs, FMPCI_DATA, v, 8);
    }
  wr32 (&f, FMPCI_CMD, 0x10);
  wait_ready (&f);
  wr32 (&f, FMPCI_CMD, 0x70);
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_DATA, 1) & FM_STATUS_FAIL, ==, 0);

  g_assert_true (fm_nand_read_page (f.nand, 20, 0, back, NULL));
  g_assert_cmpmem (back, n, data, n);

  memset (back, 0, n);
  nand_cmd_addr (&f, 0x00, addr, na);
  wr32 (&f, FMPCI_CMD, 0x30);
  wait_ready (&f);
  for (gsize i = 0; i < n; i += 4)
    {
      guint32 v = rd32 (&f, FMPCI_DATA);

      memcpy (back + i, &v, 4);
    }
  g_assert_cmpmem (back, n, data, n);
  g_assert_cmpuint (f.guest_errors, ==, 0);
  fixture_clear (&f);
}

/* WP# in CTRL: program and erase fail, and the status says so. */
static void
test_nand_write_protect (void)
{
  Fixture f;
  guint8 addr[8];
  guint na;

  fixture_init (&f, "micron-mt29f4g", FM_TIMING_NONE, FALSE, NULL);
  wr32 (&f, FMPCI_CTRL, FMPCI_CTRL_CE | FMPCI_CTRL_WP);
  wr32 (&f, FMPCI_CMD, 0x70);
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_DATA, 1) & FM_STATUS_WP_N, ==, 0);
  na = fm_test_bus_address (f.desc, 20, 0, 0, addr);
  nand_cmd_addr (&f, 0x60, addr + 2, na - 2);
  wr32 (&f, FMPCI_CMD, 0xd0);
  wr32 (&f, FMPCI_CMD, 0x70);
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_DATA, 1) & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  g_assert_cmpuint (fm_image_block (fm_nand_image (f.nand), 20)->erase_count, ==, 0);
  fixture_clear (&f);
}

/* ---- undefined accesses ---------------------------------------------------- */

static void
expect_guest_error (Fixture *f, guint *count, const gchar *fragment)
{
  g_assert_cmpuint (f->guest_errors, ==, ++*count);
  g_assert_nonnull (strstr (f->last_error, fragment));
}

static void
test_undefined_accesses (void)
{
  Fixture f;
  guint errors = 0;
  guint64 erases;

  fixture_init (&f, "micron-mt29f4g", FM_TIMING_NONE, FALSE, NULL);
  wr32 (&f, FMPCI_CTRL, FMPCI_CTRL_CE);
  erases = fm_nand_stats (f.nand)->block_erases;

  g_assert_cmphex (rd32 (&f, FMPCI_CMD), ==, 0);
  expect_guest_error (&f, &errors, "write-only");
  g_assert_cmphex (rd32 (&f, 0x50), ==, 0);
  expect_guest_error (&f, &errors, "unknown register 0x50");
  wr32 (&f, FMPCI_MAGIC, 0);
  expect_guest_error (&f, &errors, "read-only or unknown register 0x0");
  g_assert_cmphex (rd32 (&f, FMPCI_MAGIC), ==, FMPCI_MAGIC_VALUE);
  fm_pci_regs_write (f.regs, FMPCI_CMD + 1, 0x60, 1);
  expect_guest_error (&f, &errors, "middle of register 0x14");
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_DATA + 4, 4), ==, 0);
  expect_guest_error (&f, &errors, "must start at 0x40");
  /* What QEMU's memory core never passes: misaligned, odd sizes, beyond
   * the BAR, and BAR1 of a NAND chip. */
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_MAGIC + 1, 4), ==, 0);
  expect_guest_error (&f, &errors, "naturally aligned");
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_MAGIC, 3), ==, 0);
  expect_guest_error (&f, &errors, "naturally aligned");
  fm_pci_regs_write (f.regs, FMPCI_CMD, 0x60, 0);
  expect_guest_error (&f, &errors, "naturally aligned");
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_REGS_SIZE, 4), ==, 0);
  expect_guest_error (&f, &errors, "naturally aligned");
  g_assert_cmphex (fm_pci_regs_read (f.regs, G_MAXUINT64 - 3, 4), ==, 0);
  expect_guest_error (&f, &errors, "naturally aligned");
  g_assert_cmpuint (fm_pci_regs_window_size (f.regs), ==, 0);
  g_assert_cmphex (fm_pci_regs_window_read (f.regs, 0, 4), ==, G_MAXUINT64);
  expect_guest_error (&f, &errors, "no BAR1");
  fm_pci_regs_window_write (f.regs, 0, 0x98, 1);
  expect_guest_error (&f, &errors, "no BAR1");

  /* None of it reached the chip: a RESET and READ ID still work. */
  g_assert_cmpuint (fm_nand_stats (f.nand)->block_erases, ==, erases);
  wr32 (&f, FMPCI_CMD, 0xff);
  nand_cmd_addr (&f, 0x90, (const guint8[]) { 0x00 }, 1);
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_DATA, 1), ==, f.desc->id[0]);
  g_assert_cmpuint (f.guest_errors, ==, errors);
  fixture_clear (&f);
}

static void
test_nor_undefined_accesses (void)
{
  Fixture f;
  guint errors = 0;
  guint64 window;

  fixture_init (&f, "spansion-s29gl128p", FM_TIMING_NONE, FALSE, NULL);
  window = fm_pci_regs_window_size (f.regs);
  g_assert_cmpuint (window, ==, 16 << 20);
  wr32 (&f, FMPCI_CMD, 0x90);
  expect_guest_error (&f, &errors, "for NAND chips");
  g_assert_cmphex (rd32 (&f, FMPCI_DATA), ==, 0);
  expect_guest_error (&f, &errors, "DATA is for NAND and SPI chips");
  g_assert_cmphex (fm_pci_regs_window_read (f.regs, window, 2), ==, G_MAXUINT64);
  expect_guest_error (&f, &errors, "beyond the window");
  g_assert_cmphex (fm_pci_regs_window_read (f.regs, 0, 16), ==, G_MAXUINT64);
  expect_guest_error (&f, &errors, "not 1, 2, 4 or 8 bytes");
  fm_pci_regs_window_write (f.regs, 0, 0, 3);
  expect_guest_error (&f, &errors, "not 1, 2, 4 or 8 bytes");
  fixture_clear (&f);
}

/* ---- a NOR chip through BAR1 ---------------------------------------------- */

static void
test_nor_window (void)
{
  Fixture f;
  guint64 v;

  fixture_init (&f, "spansion-s29gl128p", FM_TIMING_NONE, FALSE, NULL);
  /* CFI query on the x16 bus: 98h at word 55h, "QRY" at words 10h-12h. */
  fm_pci_regs_window_write (f.regs, 0x55 * 2, 0x98, 2);
  g_assert_cmphex (fm_pci_regs_window_read (f.regs, 0x10 * 2, 2), ==, 'Q');
  /* An 8-byte read is four words, lowest first. */
  v = fm_pci_regs_window_read (f.regs, 0x10 * 2, 8);
  g_assert_cmphex (v, ==, 'Q' | (guint64) 'R' << 16 | (guint64) 'Y' << 32 |
                   (guint64) fm_pci_regs_window_read (f.regs, 0x13 * 2, 2) << 48);
  /* A byte read on the x16 bus: its byte lane. */
  g_assert_cmphex (fm_pci_regs_window_read (f.regs, 0x11 * 2, 1), ==, 'R');
  g_assert_cmphex (fm_pci_regs_window_read (f.regs, 0x11 * 2 + 1, 1), ==, 0);
  fm_pci_regs_window_write (f.regs, 0, 0xf0, 2);

  /* Word program AAh 55h A0h, then the word reads back. */
  fm_pci_regs_window_write (f.regs, 0x555 * 2, 0xaa, 2);
  fm_pci_regs_window_write (f.regs, 0x2aa * 2, 0x55, 2);
  fm_pci_regs_window_write (f.regs, 0x555 * 2, 0xa0, 2);
  fm_pci_regs_window_write (f.regs, 0x1000, 0x1234, 2);
  g_assert_true (rd32 (&f, FMPCI_STATUS) & FMPCI_STATUS_READY);
  g_assert_cmphex (fm_pci_regs_window_read (f.regs, 0x1000, 4), ==, 0xffff1234);
  g_assert_cmpuint (f.guest_errors, ==, 0);
  fixture_clear (&f);
}

/* A system reset: CTRL cleared, and RESET# returns the NOR chip to read
 * array from the query mode. */
static void
test_reset (void)
{
  Fixture f;

  fixture_init (&f, "spansion-s29gl128p", FM_TIMING_NONE, FALSE, NULL);
  wr32 (&f, FMPCI_CTRL, FMPCI_CTRL_WP | FMPCI_CTRL_CE | 0xf0);
  g_assert_cmphex (rd32 (&f, FMPCI_CTRL), ==, FMPCI_CTRL_WP | FMPCI_CTRL_CE);
  fm_pci_regs_window_write (f.regs, 0x55 * 2, 0x98, 2);
  g_assert_cmphex (fm_pci_regs_window_read (f.regs, 0x10 * 2, 2), ==, 'Q');
  fm_pci_regs_reset (f.regs);
  g_assert_cmphex (rd32 (&f, FMPCI_CTRL), ==, 0);
  g_assert_cmphex (fm_pci_regs_window_read (f.regs, 0x10 * 2, 2), ==, 0xffff);
  fixture_clear (&f);

  /* NAND: CE# deasserted. */
  fixture_init (&f, "micron-mt29f4g", FM_TIMING_NONE, FALSE, NULL);
  wr32 (&f, FMPCI_CTRL, FMPCI_CTRL_CE);
  fm_pci_regs_reset (f.regs);
  nand_cmd_addr (&f, 0x90, (const guint8[]) { 0x00 }, 1);
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_DATA, 1), ==, 0xff);
  fixture_clear (&f);
}

/* ---- a SPI chip through CS#, SPI_LINES and DATA ------------------------- */

/* A spi-mem operation: its opcode, address, dummy and data phases with the
 * buswidth of each, as kernel/flashmodel-pci-spi.c sends it. */
typedef struct {
  guint8 opcode;
  guint64 addr;
  guint naddr, ndummy;
  guint lines[4];       /* command, address, dummy, data; 0: 1 */
} SpiOp;

static void
spi_lines (Fixture *f, guint lines)
{
  wr32 (f, FMPCI_SPI_LINES, lines ? lines : 1);
}

/* The header one byte per access, the data ACCESS bytes at a time (the
 * tail in single bytes). */
static void
spi_exec (Fixture *f, const SpiOp *op, const guint8 *out, guint8 *in, gsize len, guint access)
{
  wr32 (f, FMPCI_CTRL, FMPCI_CTRL_CE);
  spi_lines (f, op->lines[0]);
  fm_pci_regs_write (f->regs, FMPCI_DATA, op->opcode, 1);
  spi_lines (f, op->lines[1]);
  for (guint i = op->naddr; i-- > 0;)
    fm_pci_regs_write (f->regs, FMPCI_DATA, (op->addr >> (8 * i)) & 0xff, 1);
  spi_lines (f, op->lines[2]);
  for (guint i = 0; i < op->ndummy; i++)
    fm_pci_regs_write (f->regs, FMPCI_DATA, 0xff, 1);
  spi_lines (f, op->lines[3]);
  for (gsize i = 0; i < len;)
    {
      guint n = len - i >= access ? access : 1;
      guint64 v = 0;

      if (out)
        {
          for (guint b = 0; b < n; b++)
            v |= (guint64) out[i + b] << (8 * b);
          fm_pci_regs_write (f->regs, FMPCI_DATA, v, n);
        }
      else
        {
          v = fm_pci_regs_read (f->regs, FMPCI_DATA, n);
          for (guint b = 0; b < n; b++)
            in[i + b] = (guint8) (v >> (8 * b));
        }
      i += n;
    }
  wr32 (f, FMPCI_CTRL, 0);
}

static void
spi_cmd (Fixture *f, guint8 opcode)
{
  SpiOp op = { opcode, 0, 0, 0, { 1, 1, 1, 1 } };

  spi_exec (f, &op, NULL, NULL, 0, 1);
}

static guint8
spi_read_sr (Fixture *f)
{
  SpiOp op = { 0x05, 0, 0, 0, { 1, 1, 1, 1 } };
  guint8 sr;

  spi_exec (f, &op, NULL, &sr, 1, 1);
  return sr;
}

/* spi-nor's multi-I/O read of mode bit INDEX (FmSpiReadModes), 3-byte
 * addresses: dummy bytes counted on the address lines, as spi-mem does. */
static SpiOp
spi_nor_read_op (const FmChipDesc *desc, guint index, guint64 addr)
{
  static const struct { guint8 opcode; guint addr_lines, data_lines; } reads[] = {
    { 0x3b, 1, 2 }, { 0xbb, 2, 2 }, { 0x6b, 1, 4 }, { 0xeb, 4, 4 },
  };
  SpiOp op = { reads[index].opcode, addr, 3,
               desc->nor.read_dummy_clocks[index] * reads[index].addr_lines / 8,
               { 1, reads[index].addr_lines, reads[index].addr_lines,
                 reads[index].data_lines } };

  g_assert_true (desc->nor.read_modes & (1u << index));
  return op;
}

static void
test_spi_nor_id_registers (void)
{
  Fixture f;

  fixture_init (&f, "winbond-w25q128jv", FM_TIMING_NONE, FALSE, NULL);
  g_assert_cmpuint (rd32 (&f, FMPCI_TYPE), ==, FMPCI_TYPE_SPI_NOR);
  g_assert_cmpuint (rd32 (&f, FMPCI_BUSWIDTH), ==, 4);
  g_assert_cmpuint (fm_pci_regs_read (f.regs, FMPCI_SIZE_LO, 8), ==, 16 << 20);
  g_assert_cmpuint (rd32 (&f, FMPCI_SPI_LINES), ==, 1);
  g_assert_cmpuint (fm_pci_regs_window_size (f.regs), ==, 0);
  g_assert_true (rd32 (&f, FMPCI_STATUS) & FMPCI_STATUS_READY);
  g_assert_cmpuint (f.guest_errors, ==, 0);
  fixture_clear (&f);
}

/* READ JEDEC ID with every DATA width, and SFDP's signature. */
static void
test_spi_nor_read_id (void)
{
  SpiOp rdid = { 0x9f, 0, 0, 0, { 1, 1, 1, 1 } };
  SpiOp sfdp = { 0x5a, 0, 3, 1, { 1, 1, 1, 1 } };
  Fixture f;
  guint8 id[8];

  fixture_init (&f, "winbond-w25q128jv", FM_TIMING_NONE, FALSE, NULL);
  /* Deselected, the chip drives nothing. */
  fm_pci_regs_write (f.regs, FMPCI_DATA, 0x9f, 1);
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_DATA, 4), ==, 0xffffffff);
  for (guint size = 1; size <= 8; size *= 2)
    {
      memset (id, 0, sizeof id);
      spi_exec (&f, &rdid, NULL, id, 8, size);
      g_assert_cmpmem (id, 3, f.desc->id, 3);
    }
  spi_exec (&f, &sfdp, NULL, id, 4, 4);
  g_assert_cmpmem (id, 4, "SFDP", 4);
  g_assert_cmpuint (f.guest_errors, ==, 0);
  fixture_clear (&f);
}

/* Page program with 8-byte writes, READY in STATUS while the chip is
 * busy, then the page back through every multi-I/O read once QE is set. */
static void
test_spi_nor_program_and_read (void)
{
  SpiOp pp = { 0x02, 0x10000, 3, 0, { 1, 1, 1, 1 } };
  SpiOp wrsr2 = { 0x31, 0, 0, 0, { 1, 1, 1, 1 } };
  Fixture f;
  g_autofree guint8 *data = NULL;
  guint8 back[256], qe = 0x02;

  fixture_init (&f, "winbond-w25q128jv", FM_TIMING_VIRTUAL, FALSE, NULL);
  data = fm_test_pattern (256, 5);
  spi_cmd (&f, 0x06);
  spi_exec (&f, &pp, data, NULL, 256, 8);
  g_assert_true (spi_read_sr (&f) & 0x01);
  g_assert_false (rd32 (&f, FMPCI_STATUS) & FMPCI_STATUS_READY);
  wait_ready (&f);
  g_assert_cmphex (spi_read_sr (&f) & 0x03, ==, 0);

  spi_cmd (&f, 0x06);
  spi_exec (&f, &wrsr2, &qe, NULL, 1, 1);
  wait_ready (&f);
  for (guint i = 0; i < FM_SPI_N_READ_MODES; i++)
    {
      SpiOp rd = spi_nor_read_op (f.desc, i, 0x10000);

      memset (back, 0, sizeof back);
      spi_exec (&f, &rd, NULL, back, sizeof back, 4);
      g_assert_cmpmem (back, sizeof back, data, 256);
    }
  g_assert_cmpuint (f.guest_errors, ==, 0);
  fixture_clear (&f);
}

/* spinand's operations (drivers/mtd/nand/spi, include/linux/mtd/spinand.h). */
static guint8
spi_nand_get_feature (Fixture *f, guint8 reg)
{
  SpiOp op = { 0x0f, reg, 1, 0, { 1, 1, 1, 1 } };
  guint8 v;

  spi_exec (f, &op, NULL, &v, 1, 1);
  return v;
}

static void
spi_nand_set_feature (Fixture *f, guint8 reg, guint8 v)
{
  SpiOp op = { 0x1f, reg, 1, 0, { 1, 1, 1, 1 } };

  spi_exec (f, &op, &v, NULL, 1, 1);
}

/* spinand_wait(): GET FEATURE C0h until OIP clears; STATUS's READY says
 * the same. Returns the status register. */
static guint8
spi_nand_wait (Fixture *f)
{
  guint8 status;

  wait_ready (f);
  status = spi_nand_get_feature (f, 0xc0);
  g_assert_cmphex (status & 0x01, ==, 0);
  return status;
}

static void
spi_nand_row_op (Fixture *f, guint8 opcode, guint32 row)
{
  SpiOp op = { opcode, row, 3, 0, { 1, 1, 1, 1 } };

  spi_exec (f, &op, NULL, NULL, 0, 1);
}

static void
test_spi_nand_id_registers (void)
{
  Fixture f;

  fixture_init (&f, "winbond-w25n01gv", FM_TIMING_NONE, FALSE, NULL);
  g_assert_cmpuint (rd32 (&f, FMPCI_TYPE), ==, FMPCI_TYPE_SPI_NAND);
  g_assert_cmpuint (rd32 (&f, FMPCI_BUSWIDTH), ==, 4);
  g_assert_cmpuint (fm_pci_regs_read (f.regs, FMPCI_SIZE_LO, 8), ==, 128 << 20);
  g_assert_cmpuint (fm_pci_regs_window_size (f.regs), ==, 0);
  g_assert_cmpuint (f.guest_errors, ==, 0);
  fixture_clear (&f);
}

/* READ ID (9Fh, a dummy byte), then a page erased, loaded with quad
 * PROGRAM LOAD (32h) in 8-byte writes, executed, read to the cache and
 * out with quad I/O READ FROM CACHE (EBh) in 4-byte reads, as spinand
 * does with the fastest operations the part and the controller share. */
static void
test_spi_nand_program_and_read (void)
{
  SpiOp rdid = { 0x9f, 0, 0, 1, { 1, 1, 1, 1 } };
  Fixture f;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint32 row = 5 * 64 + 3;
  gsize n;
  guint8 id[3];

  fixture_init (&f, "winbond-w25n01gv", FM_TIMING_VIRTUAL, FALSE, NULL);
  n = f.desc->page_size;
  data = fm_test_pattern (n, 7);
  back = g_malloc0 (n);
  spi_cmd (&f, 0xff);
  spi_nand_wait (&f);
  spi_exec (&f, &rdid, NULL, id, 3, 1);
  g_assert_cmpmem (id, 3, f.desc->id, 3);
  /* Unlock every block (the part starts locked). */
  spi_nand_set_feature (&f, 0xa0, 0);

  spi_cmd (&f, 0x06);
  spi_nand_row_op (&f, 0xd8, row);
  g_assert_false (rd32 (&f, FMPCI_STATUS) & FMPCI_STATUS_READY);
  g_assert_cmphex (spi_nand_wait (&f) & 0x04, ==, 0);

  spi_cmd (&f, 0x06);
  spi_exec (&f, &(SpiOp) { 0x32, 0, 2, 0, { 1, 1, 1, 4 } }, data, NULL, n, 8);
  spi_nand_row_op (&f, 0x10, row);
  g_assert_cmphex (spi_nand_wait (&f) & 0x08, ==, 0);

  spi_nand_row_op (&f, 0x13, row);
  spi_nand_wait (&f);
  spi_exec (&f, &(SpiOp) { 0xeb, 0, 2, 2, { 1, 4, 4, 4 } }, NULL, back, n, 4);
  g_assert_cmpmem (back, n, data, n);
  g_assert_cmpuint (f.guest_errors, ==, 0);

  /* The same read with its address on one line: a guest error, FFh. */
  memset (back, 0, n);
  spi_exec (&f, &(SpiOp) { 0xeb, 0, 2, 2, { 1, 1, 4, 4 } }, NULL, back, 16, 4);
  g_assert_cmpuint (f.guest_errors, ==, 1);
  g_assert_nonnull (strstr (f.last_error, "byte 1 of instruction EBh went out on 1 line(s), "
                            "the chip takes it on 4"));
  fixture_clear (&f);
}

/* A phase on other lines than the chip's: one guest error per instruction
 * naming it, FFh read, FFh sent; the next instruction is unaffected. */
static void
test_spi_width_mismatch (void)
{
  SpiOp pp = { 0x02, 0x2000, 3, 0, { 1, 1, 1, 1 } };
  Fixture f;
  guint errors = 0;
  guint8 byte = 0x3c, back[16];
  SpiOp rd;

  fixture_init (&f, "winbond-w25q128jv", FM_TIMING_NONE, FALSE, NULL);
  spi_cmd (&f, 0x06);
  spi_exec (&f, &pp, &byte, NULL, 1, 1);

  /* Quad I/O before QE: IO2 and IO3 are WP# and HOLD#, the chip does not
   * know EBh and takes every byte on one line. */
  rd = spi_nor_read_op (f.desc, 3, 0x2000);
  spi_exec (&f, &rd, NULL, back, sizeof back, 8);
  expect_guest_error (&f, &errors, "byte 1 of instruction EBh went out on 4 line(s), "
                      "the chip takes it on 1");
  for (guint i = 0; i < sizeof back; i++)
    g_assert_cmphex (back[i], ==, 0xff);

  /* 1-1-4 with QE set, the data read on one line: the address goes
   * through, the data reads FFh; one error for the instruction. */
  spi_cmd (&f, 0x06);
  spi_exec (&f, &(SpiOp) { 0x31, 0, 0, 0, { 1, 1, 1, 1 } }, (const guint8[]) { 0x02 }, NULL, 1, 1);
  rd = spi_nor_read_op (f.desc, 2, 0x2000);
  rd.lines[3] = 1;
  spi_exec (&f, &rd, NULL, back, sizeof back, 4);
  expect_guest_error (&f, &errors, "byte 5 of instruction 6Bh went out on 1 line(s), "
                      "the chip takes it on 4");
  for (guint i = 0; i < sizeof back; i++)
    g_assert_cmphex (back[i], ==, 0xff);
  rd.lines[3] = 4;
  spi_exec (&f, &rd, NULL, back, 1, 1);
  g_assert_cmphex (back[0], ==, byte);

  /* An opcode on two lines reaches the chip as FFh, which it ignores:
   * WREN does not take. */
  spi_exec (&f, &(SpiOp) { 0x06, 0, 0, 0, { 2, 1, 1, 1 } }, NULL, NULL, 0, 1);
  expect_guest_error (&f, &errors, "byte 0 of instruction 06h went out on 2 line(s)");
  g_assert_cmphex (spi_read_sr (&f) & 0x02, ==, 0);
  g_assert_cmpuint (f.guest_errors, ==, errors);
  fixture_clear (&f);
}

static void
test_spi_undefined_accesses (void)
{
  Fixture f;
  guint errors = 0;

  fixture_init (&f, "winbond-w25q128jv", FM_TIMING_NONE, FALSE, NULL);
  wr32 (&f, FMPCI_SPI_LINES, 4);
  wr32 (&f, FMPCI_SPI_LINES, 3);
  expect_guest_error (&f, &errors, "SPI_LINES 3");
  wr32 (&f, FMPCI_SPI_LINES, 8);
  expect_guest_error (&f, &errors, "SPI_LINES 8");
  fm_pci_regs_write (f.regs, FMPCI_SPI_LINES, G_GUINT64_CONSTANT (1) << 32 | 1, 8);
  expect_guest_error (&f, &errors, "read-only or unknown register 0x2c");
  g_assert_cmpuint (rd32 (&f, FMPCI_SPI_LINES), ==, 1);
  wr32 (&f, FMPCI_CMD, 0x9f);
  expect_guest_error (&f, &errors, "a SPI chip takes every byte through DATA");
  wr32 (&f, FMPCI_ADDR, 0);
  expect_guest_error (&f, &errors, "a SPI chip takes every byte through DATA");
  g_assert_cmphex (fm_pci_regs_read (f.regs, FMPCI_DATA + 2, 2), ==, 0);
  expect_guest_error (&f, &errors, "must start at 0x40");
  g_assert_cmphex (fm_pci_regs_window_read (f.regs, 0, 4), ==, G_MAXUINT64);
  expect_guest_error (&f, &errors, "no BAR1");
  fixture_clear (&f);

  /* SPI_LINES is nothing on the other kinds. */
  fixture_init (&f, "micron-mt29f4g", FM_TIMING_NONE, FALSE, NULL);
  errors = 0;
  wr32 (&f, FMPCI_SPI_LINES, 1);
  expect_guest_error (&f, &errors, "SPI_LINES is for SPI chips");
  g_assert_cmpuint (rd32 (&f, FMPCI_SPI_LINES), ==, 0);
  expect_guest_error (&f, &errors, "SPI_LINES is for SPI chips");
  fixture_clear (&f);
}

/* A system reset: CS# high (the instruction under way ends) and one line. */
static void
test_spi_reset (void)
{
  Fixture f;

  fixture_init (&f, "winbond-w25q128jv", FM_TIMING_NONE, FALSE, NULL);
  wr32 (&f, FMPCI_CTRL, FMPCI_CTRL_CE);
  fm_pci_regs_write (f.regs, FMPCI_DATA, 0x06, 1);
  wr32 (&f, FMPCI_SPI_LINES, 4);
  fm_pci_regs_reset (f.regs);
  g_assert_cmphex (rd32 (&f, FMPCI_CTRL), ==, 0);
  g_assert_cmpuint (rd32 (&f, FMPCI_SPI_LINES), ==, 1);
  /* WREN ended with CS# going high right after its opcode: it took. */
  g_assert_cmphex (spi_read_sr (&f) & 0x02, ==, 0x02);
  g_assert_cmpuint (f.guest_errors, ==, 0);
  fixture_clear (&f);
}

/* ---- time and power ---------------------------------------------------------- */

/* Virtual timing: each STATUS read lets FM_PCI_REGS_POLL_NS pass, so a
 * block erase ends after about tBERS / 1 us polls. */
static void
test_status_polls_let_time_pass (void)
{
  Fixture f;
  guint8 addr[8];
  guint na, polls = 0;

  fixture_init (&f, "micron-mt29f4g", FM_TIMING_VIRTUAL, FALSE, NULL);
  wr32 (&f, FMPCI_CTRL, FMPCI_CTRL_CE);
  wr32 (&f, FMPCI_CMD, 0xff);
  wait_ready (&f);
  na = fm_test_bus_address (f.desc, 20, 0, 0, addr);
  nand_cmd_addr (&f, 0x60, addr + 2, na - 2);
  wr32 (&f, FMPCI_CMD, 0xd0);
  while (!(rd32 (&f, FMPCI_STATUS) & FMPCI_STATUS_READY))
    polls++;
  g_assert_cmpuint (polls, >=, f.desc->t_bers.typ_ns / FM_PCI_REGS_POLL_NS - 2);
  g_assert_cmpuint (polls, <=, f.desc->t_bers.typ_ns / FM_PCI_REGS_POLL_NS + 2);
  fixture_clear (&f);
}

/* timing=guest: the chip's time is the guest's; STATUS reads alone do not
 * move it, the guest's clock does. */
static void
test_guest_clock (void)
{
  Fixture f;
  guint8 addr[8];
  guint na;

  fixture_init (&f, "micron-mt29f4g", FM_TIMING_VIRTUAL, TRUE, NULL);
  wr32 (&f, FMPCI_CTRL, FMPCI_CTRL_CE);
  na = fm_test_bus_address (f.desc, 20, 0, 0, addr);
  nand_cmd_addr (&f, 0x60, addr + 2, na - 2);
  wr32 (&f, FMPCI_CMD, 0xd0);
  for (guint i = 0; i < 10000; i++)
    g_assert_false (rd32 (&f, FMPCI_STATUS) & FMPCI_STATUS_READY);
  f.guest_ns += f.desc->t_bers.typ_ns / 2;
  g_assert_false (rd32 (&f, FMPCI_STATUS) & FMPCI_STATUS_READY);
  f.guest_ns += f.desc->t_bers.typ_ns;
  g_assert_true (rd32 (&f, FMPCI_STATUS) & FMPCI_STATUS_READY);
  fixture_clear (&f);
}

/* A "powercut" fault is reported once, at the operation it cut. */
static void
test_power_cut_reported_once (void)
{
  Fixture f;
  guint8 addr[8];
  guint na;

  fixture_init (&f, "micron-mt29f4g", FM_TIMING_NONE, FALSE, "powercut@op=2");
  wr32 (&f, FMPCI_CTRL, FMPCI_CTRL_CE);
  for (guint32 block = 20; block < 23; block++)
    {
      na = fm_test_bus_address (f.desc, block, 0, 0, addr);
      nand_cmd_addr (&f, 0x60, addr + 2, na - 2);
      wr32 (&f, FMPCI_CMD, 0xd0);
      g_assert_cmpuint (f.power_cuts, ==, block == 20 ? 0 : 1);
    }
  g_assert_cmpuint (f.power_cut_at, ==, 2);
  g_assert_cmphex (rd32 (&f, FMPCI_MAGIC), ==, FMPCI_MAGIC_VALUE);
  g_assert_cmpuint (f.power_cuts, ==, 1);
  fixture_clear (&f);
}

/* A page program that finds no room in the image file (a full disk)
 * fails with FAIL in the status register, and the host hears why once,
 * however many programs fail after it. */
static void
test_storage_error_reported_once (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("fm-pci-regs-XXXXXX", NULL);
  g_autofree gchar *path = g_build_filename (dir, "nand.img", NULL);
  g_autoptr (GError) error = NULL;
  FmPciRegsHooks hooks = { .storage_error = on_storage_error };
  Fixture f = { 0 };
  struct rlimit saved;
  FmImage *image;
  guint8 addr[8];
  gsize n;

  f.desc = fm_test_chip ("micron-mt29f4g");
  image = fm_nand_create_image (f.desc, path, NULL, &error);
  g_assert_no_error (error);
  f.nand = fm_nand_new (f.desc, image, FM_TIMING_NONE, &error);
  g_assert_no_error (error);
  f.regs = fm_pci_regs_new_nand (f.nand, &hooks, &f);
  n = f.desc->page_size + f.desc->oob_size;
  wr32 (&f, FMPCI_CTRL, FMPCI_CTRL_CE);

  /* The file has room for the slots allocated so far: program pages
   * until one finds none, then two more. */
  fm_test_forbid_growth (path, &saved);
  for (guint i = 0, failed = 0; failed < 3; i++)
    {
      guint na = fm_test_bus_address (f.desc, 30 + i / f.desc->pages_per_block,
                                      i % f.desc->pages_per_block, 0, addr);

      g_assert_cmpuint (i, <, 4096);
      nand_cmd_addr (&f, 0x80, addr, na);
      for (gsize b = 0; b < n; b += 8)
        fm_pci_regs_write (f.regs, FMPCI_DATA, 0x0123456789abcdefull ^ i, 8);
      wr32 (&f, FMPCI_CMD, 0x10);
      wait_ready (&f);
      wr32 (&f, FMPCI_CMD, 0x70);
      if (fm_pci_regs_read (f.regs, FMPCI_DATA, 1) & FM_STATUS_FAIL)
        failed++;
      g_assert_cmpuint (f.storage_errors, ==, failed ? 1 : 0);
    }
  fm_test_allow_growth (&saved);
  g_test_message ("%s", f.storage_message);
  g_assert_nonnull (strstr (f.storage_message, path));
  g_assert_nonnull (strstr (f.storage_message, g_strerror (EFBIG)));
  fixture_clear (&f);
  g_unlink (path);
  g_rmdir (dir);
}

/* A package with two chip enables: CTRL's CE bits pick the target that
 * hears the cycles (kernel/flashmodel-pci.h), an absent target answers
 * nothing, two at once is a guest error. */
static void
test_nand_two_chip_enables (void)
{
  g_autofree gchar *text = fm_test_tiny_text_with ("geometry", "chip-enables", "chip-enables=2");
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (text, "two-ces", NULL);
  g_autoptr (FmNand) nand = fm_test_nand (d, 7, 0, FM_TIMING_VIRTUAL);
  FmPciRegsHooks hooks = { .guest_error = on_guest_error };
  Fixture f = { 0 };
  FmPciRegs *regs = fm_pci_regs_new_nand (nand, &hooks, &f);
  g_autofree guint8 *page = g_malloc (d->page_size + d->oob_size);
  guint8 addr[8];
  guint n;

  g_assert_cmpuint (fm_pci_regs_read (regs, FMPCI_TARGETS, 4), ==, 2);
  g_assert_cmpuint (fm_pci_regs_read (regs, FMPCI_SIZE_LO, 4), ==,
                    (guint32) (fm_chip_desc_pages (d) * d->page_size));
  for (guint t = 0; t < 3; t++)
    {
      fm_pci_regs_write (regs, FMPCI_CTRL, FMPCI_CTRL_CE_TARGET (t), 4);
      fm_pci_regs_write (regs, FMPCI_CMD, 0xff, 4);
      fm_nand_bus_wait_ready (fm_pci_regs_nand_bus (regs));
      fm_pci_regs_write (regs, FMPCI_CMD, 0x90, 4);
      fm_pci_regs_write (regs, FMPCI_ADDR, 0x00, 4);
      /* Targets 0 and 1 are there; target 2 is not: the lines float. */
      g_assert_cmphex (fm_pci_regs_read (regs, FMPCI_DATA, 1), ==, t < 2 ? d->id[0] : 0xff);
    }

  /* A page programmed through target 1 lands in target 1's blocks. */
  fm_pci_regs_write (regs, FMPCI_CTRL, FMPCI_CTRL_CE_TARGET (1), 4);
  n = fm_test_bus_address (d, 0, 0, 0, addr);
  fm_pci_regs_write (regs, FMPCI_CMD, 0x80, 4);
  for (guint i = 0; i < n; i++)
    fm_pci_regs_write (regs, FMPCI_ADDR, addr[i], 4);
  fm_pci_regs_write (regs, FMPCI_DATA, 0x5a, 1);
  fm_pci_regs_write (regs, FMPCI_CMD, 0x10, 4);
  fm_nand_bus_wait_ready (fm_pci_regs_nand_bus (regs));
  g_assert_true (fm_nand_read_page (nand, d->luns * d->blocks_per_lun, 0, page, NULL));
  g_assert_cmphex (page[0], ==, 0x5a);
  g_assert_true (fm_nand_read_page (nand, 0, 0, page, NULL));
  g_assert_cmphex (page[0], ==, 0xff);

  g_assert_cmpuint (f.guest_errors, ==, 0);
  fm_pci_regs_write (regs, FMPCI_CTRL, FMPCI_CTRL_CE | FMPCI_CTRL_CE_TARGET (1), 4);
  g_assert_cmpuint (f.guest_errors, ==, 1);
  g_assert_nonnull (strstr (f.last_error, "2 targets"));
  fm_pci_regs_free (regs);
  g_free (f.last_error);
}

/* ---- the statistics window ----------------------------------------------- */

/* The counter named NAME, read through the window as a guest does. */
static guint64
stat_by_name (Fixture *f, const gchar *name)
{
  guint32 count = rd32 (f, FMPCI_STAT_COUNT);

  for (guint32 i = 0; i < count; i++)
    {
      gchar got[FMPCI_STAT_NAME_LEN + 1] = { 0 };

      wr32 (f, FMPCI_STAT_SELECT, i);
      for (guint b = 0; b < FMPCI_STAT_NAME_LEN; b += 4)
        {
          guint32 w = GUINT32_TO_LE (rd32 (f, FMPCI_STAT_NAME + b));

          memcpy (got + b, &w, 4);
        }
      if (g_str_equal (got, name))
        return rd32 (f, FMPCI_STAT_VALUE_LO) | (guint64) rd32 (f, FMPCI_STAT_VALUE_HI) << 32;
    }
  g_error ("no counter %s in the window", name);
}

/* Every counter of FmNandStats, by name, as the model counts it; a 64-bit
 * value read in two halves is one snapshot. */
static void
test_stat_window (void)
{
  Fixture f;
  const FmNandStats *stats;
  guint64 busy, v;
  guint32 erases_index = G_MAXUINT32, busy_index = G_MAXUINT32;
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  fixture_init (&f, "micron-mt29f4g", FM_TIMING_NONE, FALSE, NULL);
  stats = fm_nand_stats (f.nand);
  /* 700 us per erase: 6200 erases are more than 2^32 ns of busy time. */
  for (guint i = 0; i < 6200; i++)
    g_assert_true (fm_nand_erase_block (f.nand, 10 + i % 20, NULL));
  g_assert_true (fm_nand_program_page (f.nand, 10, 0, (guint8[4320]) { 0 }, NULL));
  g_assert_cmpuint (stats->erase_busy_ns, >, G_MAXUINT32);

  g_assert_cmpuint (rd32 (&f, FMPCI_STAT_COUNT), ==, fm_nand_stat_count ());
  g_assert_cmpuint (fm_nand_stat_count (), ==, sizeof (FmNandStats) / sizeof (guint64));
  for (guint i = 0; i < fm_nand_stat_count (); i++)
    {
      const gchar *name = fm_nand_stat_name (i);

      g_assert_cmpuint (strlen (name), <=, FM_NAND_STAT_NAME_MAX);
      g_assert_true (g_hash_table_add (names, (gpointer) name));
      if (g_str_equal (name, "block_erases"))
        erases_index = i;
      if (g_str_equal (name, "erase_busy_ns"))
        busy_index = i;
    }
  g_assert_null (fm_nand_stat_name (fm_nand_stat_count ()));
  g_assert_cmpuint (fm_nand_stat_value (stats, fm_nand_stat_count ()), ==, 0);
  g_assert_cmpuint (fm_nand_stat_value (stats, erases_index), ==, 6200);

  g_assert_cmpuint (stat_by_name (&f, "page_reads"), ==, stats->page_reads);
  g_assert_cmpuint (stat_by_name (&f, "page_programs"), ==, 1);
  g_assert_cmpuint (stat_by_name (&f, "block_erases"), ==, 6200);
  g_assert_cmpuint (stat_by_name (&f, "erase_busy_ns"), ==, stats->erase_busy_ns);
  g_assert_cmpuint (stat_by_name (&f, "program_busy_ns"), ==, stats->program_busy_ns);
  g_assert_cmpuint (stat_by_name (&f, "ecc_failed"), ==, 0);
  /* Read retry: two reads at level 3, then back to level 0. */
  fm_nand_set_read_retry_level (f.nand, 3);
  for (guint i = 0; i < 2; i++)
    g_assert_true (fm_nand_read_page (f.nand, 10, 0, (guint8[4320]) { 0 }, NULL));
  fm_nand_set_read_retry_level (f.nand, 0);
  g_assert_cmpuint (stat_by_name (&f, "read_retry_reads"), ==, 2);
  g_assert_cmpuint (stat_by_name (&f, "read_retry_ended_at_3"), ==, 1);
  g_assert_cmpuint (stat_by_name (&f, "read_retry_ended_at_0"), ==, 0);
  g_assert_cmpuint (stat_by_name (&f, "read_retry_ended_at_15"), ==, 0);

  /* The low half's read takes the snapshot the high half comes from. */
  wr32 (&f, FMPCI_STAT_SELECT, busy_index);
  g_assert_cmpuint (rd32 (&f, FMPCI_STAT_SELECT), ==, busy_index);
  busy = stats->erase_busy_ns;
  g_assert_cmpuint (rd32 (&f, FMPCI_STAT_VALUE_LO), ==, (guint32) busy);
  g_assert_true (fm_nand_erase_block (f.nand, 40, NULL));
  g_assert_cmpuint (rd32 (&f, FMPCI_STAT_VALUE_HI), ==, busy >> 32);
  v = fm_pci_regs_read (f.regs, FMPCI_STAT_VALUE_LO, 8);
  g_assert_cmpuint (v, ==, stats->erase_busy_ns);
  g_assert_cmpuint (v, ==, busy + 700000);
  g_assert_cmpuint (f.guest_errors, ==, 0);
  fixture_clear (&f);
}

/* A selection beyond the list: a guest error, and name and value read 0. */
static void
test_stat_window_hostile (void)
{
  static const guint32 bad[] = { 0, 1, 1000, G_MAXUINT32 };
  Fixture f;
  guint errors = 0;

  fixture_init (&f, "micron-mt29f4g", FM_TIMING_NONE, FALSE, NULL);
  g_assert_true (fm_nand_erase_block (f.nand, 10, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint32 index = bad[i] + (i < 2 ? fm_nand_stat_count () : 0);
      g_autofree gchar *says = g_strdup_printf ("counter %u: STAT_SELECT is beyond the %u counters",
                                                index, fm_nand_stat_count ());

      wr32 (&f, FMPCI_STAT_SELECT, index);
      expect_guest_error (&f, &errors, says);
      g_assert_cmpuint (rd32 (&f, FMPCI_STAT_SELECT), ==, index);
      g_assert_cmpuint (fm_pci_regs_read (f.regs, FMPCI_STAT_VALUE_LO, 8), ==, 0);
      expect_guest_error (&f, &errors, "STAT_VALUE read");
      for (guint b = 0; b < FMPCI_STAT_NAME_LEN; b++)
        {
          g_assert_cmpuint (fm_pci_regs_read (f.regs, FMPCI_STAT_NAME + b, 1), ==, 0);
          expect_guest_error (&f, &errors, "STAT_NAME read");
        }
    }
  /* Read-only registers of the window refuse writes. */
  wr32 (&f, FMPCI_STAT_VALUE_LO, 5);
  expect_guest_error (&f, &errors, "read-only or unknown register 0x38");
  wr32 (&f, FMPCI_STAT_COUNT, 5);
  expect_guest_error (&f, &errors, "read-only or unknown register 0x34");
  g_assert_cmpuint (rd32 (&f, FMPCI_STAT_COUNT), ==, fm_nand_stat_count ());
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pci-regs/id-registers", test_id_registers);
  g_test_add_func ("/pci-regs/nand/read-id-every-width", test_nand_read_id_every_width);
  g_test_add_func ("/pci-regs/nand/program-and-read", test_nand_program_and_read);
  g_test_add_func ("/pci-regs/nand/write-protect", test_nand_write_protect);
  g_test_add_func ("/pci-regs/nand/two-chip-enables", test_nand_two_chip_enables);
  g_test_add_func ("/pci-regs/undefined/nand", test_undefined_accesses);
  g_test_add_func ("/pci-regs/undefined/nor", test_nor_undefined_accesses);
  g_test_add_func ("/pci-regs/nor/window", test_nor_window);
  g_test_add_func ("/pci-regs/reset", test_reset);
  g_test_add_func ("/pci-regs/spi-nor/id-registers", test_spi_nor_id_registers);
  g_test_add_func ("/pci-regs/spi-nor/read-id", test_spi_nor_read_id);
  g_test_add_func ("/pci-regs/spi-nor/program-and-read", test_spi_nor_program_and_read);
  g_test_add_func ("/pci-regs/spi-nand/id-registers", test_spi_nand_id_registers);
  g_test_add_func ("/pci-regs/spi-nand/program-and-read", test_spi_nand_program_and_read);
  g_test_add_func ("/pci-regs/spi/width-mismatch", test_spi_width_mismatch);
  g_test_add_func ("/pci-regs/spi/undefined", test_spi_undefined_accesses);
  g_test_add_func ("/pci-regs/spi/reset", test_spi_reset);
  g_test_add_func ("/pci-regs/stat-window", test_stat_window);
  g_test_add_func ("/pci-regs/stat-window/hostile", test_stat_window_hostile);
  g_test_add_func ("/pci-regs/time/status-polls", test_status_polls_let_time_pass);
  g_test_add_func ("/pci-regs/time/guest-clock", test_guest_clock);
  g_test_add_func ("/pci-regs/power-cut", test_power_cut_reported_once);
  g_test_add_func ("/pci-regs/storage-error", test_storage_error_reported_once);
  return g_test_run ();
}
