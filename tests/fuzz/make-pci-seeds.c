/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * make-pci-seeds DIR: writes fuzz-pci-regs' seed corpus: the register
 * accesses Linux's drivers make through flashmodel-pci (kernel/
 * flashmodel-pci-core.c for NAND: nand_base's detection with READ ID and the
 * ONFI parameter page, page program, read, erase, cache and multi-plane
 * operations; cfi_probe and cfi_cmdset_0001/0002 for NOR: the CFI query,
 * AMD and Intel program, buffered program and erase; flashmodel-pci-spi.c
 * for spi-nor: JEDEC ID, SFDP, quad enable, erase, page program, the
 * multi-I/O reads, 4-byte addressing, reset; and for spinand: READ ID,
 * features, unlock, erase, quad program load and execute, page read and
 * quad reads from the cache, ECC off; and the statistics window a debugfs
 * file reads), in the input format of fuzz-pci-input.h, for the
 * catalog's parts. Each file is small.
 *
 *   FLASHMODEL_CHIPS_DIR=chips build/tests/fuzz/make-pci-seeds tests/fuzz/corpus/fuzz-pci-regs
 */
#include "fuzz-pci-input.h"

#include <string.h>

static GPtrArray *chips;

/* A seed under construction. */
typedef struct {
  GByteArray *bytes;
  const FmChipDesc *desc;
  guint nor_width;        /* NOR: bytes per bus cycle */
  gboolean guest_clock;   /* STATUS reads do not move the chip's time */
} Seed;

static void
put (Seed *s, guint64 v, guint bytes)
{
  for (guint i = 0; i < bytes; i++)
    {
      guint8 b = (guint8) (v >> (8 * i));

      g_byte_array_append (s->bytes, &b, 1);
    }
}

static void
seed_begin (Seed *s, const gchar *chip, guint config, guint fault_param)
{
  guint index = G_MAXUINT;

  for (guint i = 0; i < chips->len; i++)
    if (g_str_equal (((FmChipDesc *) g_ptr_array_index (chips, i))->name, chip))
      index = i;
  if (index == G_MAXUINT)
    g_error ("chip %s is not in the catalog %s", chip, fm_chip_catalog_dir ());
  s->bytes = g_byte_array_new ();
  s->desc = g_ptr_array_index (chips, index);
  s->nor_width = (config & FUZZ_PCI_CONFIG_NOR_X8) || !(s->desc->nor.bus_widths & 16) ? 1 : 2;
  s->guest_clock = (config & FUZZ_PCI_CONFIG_TIMING) == FUZZ_PCI_TIMING_GUEST;
  put (s, index, 1);
  put (s, config, 1);
  put (s, fault_param, 1);
}

static void
seed_write (Seed *s, const gchar *dir, const gchar *name)
{
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  if (!g_file_set_contents (path, (const gchar *) s->bytes->data, s->bytes->len, &error))
    g_error ("%s", error->message);
  g_byte_array_unref (s->bytes);
}

/* ---- BAR0 ---------------------------------------------------------------- */

static void
reg_write (Seed *s, guint reg, guint64 value, guint size)
{
  put (s, fuzz_pci_op (FUZZ_PCI_WHERE_REG, reg, TRUE, size), 1);
  put (s, value, size);
}

static void
reg_read (Seed *s, guint reg, guint size)
{
  put (s, fuzz_pci_op (FUZZ_PCI_WHERE_REG, reg, FALSE, size), 1);
}

/* Any BAR0 register, by its offset. */
static void
bar0_write (Seed *s, guint16 offset, guint64 value, guint size)
{
  put (s, fuzz_pci_op (FUZZ_PCI_WHERE_BAR0, 0, TRUE, size), 1);
  put (s, offset, 2);
  put (s, value, size);
}

static void
bar0_read (Seed *s, guint16 offset, guint size)
{
  put (s, fuzz_pci_op (FUZZ_PCI_WHERE_BAR0, 0, FALSE, size), 1);
  put (s, offset, 2);
}

static void
control (Seed *s, guint sub, guint size)
{
  put (s, fuzz_pci_op (FUZZ_PCI_WHERE_CONTROL, sub, FALSE, size), 1);
}

/* NS (at most 2^40) of time passing, the operand scaled as the format
 * says: V << 10 * (size log2). */
static void
time_passes (Seed *s, guint64 ns)
{
  guint size = 1, shift = 0;

  while (ns >> shift > 0xffff)
    {
      size *= 2;
      shift += 10;
    }
  control (s, FUZZ_PCI_CTL_TIME, size);
  put (s, (ns >> shift) + 1, 2);
}

/* R/B# polled until ready, as the Linux driver does; with the chip on the
 * guest's clock, after 10 ms of it (more than any NAND operation). */
static void
poll_ready (Seed *s)
{
  if (s->guest_clock)
    time_passes (s, 10 * 1000 * 1000);
  control (s, FUZZ_PCI_CTL_POLL, 1);
}

static void
cmd (Seed *s, guint8 c)
{
  reg_write (s, FUZZ_PCI_REG_CMD, c, 4);
}

static void
addr (Seed *s, guint8 a)
{
  reg_write (s, FUZZ_PCI_REG_ADDR, a, 4);
}

static void
data_reads (Seed *s, guint bytes)
{
  control (s, FUZZ_PCI_CTL_DATA_READS, 8);
  put (s, (bytes + 7) / 8 - 1, 1);
}

static void
data_writes (Seed *s, guint bytes, guint8 fill)
{
  control (s, FUZZ_PCI_CTL_DATA_WRITES, 8);
  put (s, (bytes + 7) / 8 - 1, 1);
  put (s, fill, 1);
}

/* The column (bytes on the bus, words on x16) and row cycles of BLOCK,
 * PAGE; a small-page part has one column cycle. */
static void
nand_address (Seed *s, guint32 block, guint page, gboolean column)
{
  const FmChipDesc *d = s->desc;
  guint32 row = (block << fm_chip_desc_page_bits (d)) | page;

  if (column)
    for (guint i = 0; i < fm_chip_desc_col_cycles (d); i++)
      addr (s, 0);
  for (guint i = 0; i < fm_chip_desc_row_cycles (d); i++)
    addr (s, (guint8) (row >> (8 * i)));
}

/* The page's bytes, capped at what one burst (256 x 8 bytes) moves. */
static guint
burst_bytes (const Seed *s)
{
  return MIN (s->desc->page_size + s->desc->oob_size, 2048u);
}

static void
nand_reset (Seed *s)
{
  reg_write (s, FUZZ_PCI_REG_CTRL, FMPCI_CTRL_CE, 4);
  cmd (s, 0xff);
  poll_ready (s);
}

static void
nand_erase (Seed *s, guint32 block, guint8 confirm)
{
  cmd (s, 0x60);
  nand_address (s, block, 0, FALSE);
  cmd (s, confirm);
  poll_ready (s);
}

static void
nand_program (Seed *s, guint32 block, guint page, guint8 confirm, guint8 fill)
{
  cmd (s, 0x80);
  nand_address (s, block, page, TRUE);
  data_writes (s, burst_bytes (s), fill);
  cmd (s, confirm);
  poll_ready (s);
}

static void
nand_read (Seed *s, guint32 block, guint page)
{
  cmd (s, 0x00);
  nand_address (s, block, page, TRUE);
  if (!s->desc->small_page)
    cmd (s, 0x30);
  poll_ready (s);
  data_reads (s, burst_bytes (s));
}

static void
nand_status (Seed *s)
{
  cmd (s, 0x70);
  reg_read (s, FUZZ_PCI_REG_DATA, 1);
}

/* nand_base's detection: RESET, READ ID (2 then 8 bytes), the ONFI
 * signature, the parameter page, and the timing mode by SET/GET FEATURES. */
static void
nand_detect (Seed *s)
{
  nand_reset (s);
  cmd (s, 0x90);
  addr (s, 0x00);
  reg_read (s, FUZZ_PCI_REG_DATA, 2);
  cmd (s, 0x90);
  addr (s, 0x00);
  reg_read (s, FUZZ_PCI_REG_DATA, 8);
  cmd (s, 0x90);
  addr (s, 0x20);
  reg_read (s, FUZZ_PCI_REG_DATA, 4);
  if (!s->desc->onfi_version)
    return;
  cmd (s, 0xec);
  addr (s, 0x00);
  poll_ready (s);
  data_reads (s, 3 * 256);
  cmd (s, 0xef);
  addr (s, 0x01);
  reg_write (s, FUZZ_PCI_REG_DATA, 0x03, 1);
  reg_write (s, FUZZ_PCI_REG_DATA, 0x00, 2);
  reg_write (s, FUZZ_PCI_REG_DATA, 0x00, 1);
  poll_ready (s);
  cmd (s, 0xee);
  addr (s, 0x01);
  poll_ready (s);
  reg_read (s, FUZZ_PCI_REG_DATA, 4);
}

static void
nand_seeds (const gchar *dir, const gchar *chip, const gchar *prefix)
{
  Seed s;
  g_autofree gchar *detect = g_strdup_printf ("%s-detect", prefix);
  g_autofree gchar *rw = g_strdup_printf ("%s-program-read", prefix);
  g_autofree gchar *cut = g_strdup_printf ("%s-power-cut", prefix);

  seed_begin (&s, chip, FUZZ_PCI_TIMING_VIRTUAL, 0);
  nand_detect (&s);
  reg_read (&s, FUZZ_PCI_REG_NAME, 8);
  reg_read (&s, FUZZ_PCI_REG_SIZE, 8);
  seed_write (&s, dir, detect);

  seed_begin (&s, chip, FUZZ_PCI_TIMING_VIRTUAL | FUZZ_PCI_CONFIG_BAD_BLOCKS, 0);
  nand_reset (&s);
  nand_erase (&s, 4, 0xd0);
  nand_status (&s);
  nand_program (&s, 4, 0, 0x10, 0x5a);
  nand_status (&s);
  nand_read (&s, 4, 0);
  /* WP#: the next erase fails. */
  reg_write (&s, FUZZ_PCI_REG_CTRL, FMPCI_CTRL_CE | FMPCI_CTRL_WP, 4);
  nand_erase (&s, 4, 0xd0);
  nand_status (&s);
  seed_write (&s, dir, rw);

  seed_begin (&s, chip, FUZZ_PCI_TIMING_NONE | FUZZ_PCI_FAULTS_POWER_CUT, 2);
  nand_reset (&s);
  nand_erase (&s, 6, 0xd0);
  nand_program (&s, 6, 0, 0x10, 0x11);
  nand_program (&s, 6, 1, 0x10, 0x22);
  nand_read (&s, 6, 0);
  seed_write (&s, dir, cut);
}

/* Cache program, read cache sequential, multi-plane erase and program,
 * copyback, on a part that has them all. */
static void
nand_advanced_seed (const gchar *dir, const gchar *chip)
{
  Seed s;

  seed_begin (&s, chip, FUZZ_PCI_TIMING_GUEST, 0);
  nand_reset (&s);
  nand_erase (&s, 8, 0xd1);
  nand_erase (&s, 9, 0xd0);
  nand_status (&s);
  nand_program (&s, 8, 0, 0x11, 0x01);
  nand_program (&s, 9, 0, 0x10, 0x02);
  nand_program (&s, 8, 1, 0x15, 0x03);
  nand_program (&s, 8, 2, 0x10, 0x04);
  nand_status (&s);
  /* Read cache sequential: 00h-30h, 31h, 3Fh. */
  nand_read (&s, 8, 0);
  cmd (&s, 0x31);
  poll_ready (&s);
  data_reads (&s, burst_bytes (&s));
  cmd (&s, 0x3f);
  poll_ready (&s);
  data_reads (&s, burst_bytes (&s));
  /* Copyback: 00h-35h, 85h-10h. */
  cmd (&s, 0x00);
  nand_address (&s, 8, 0, TRUE);
  cmd (&s, 0x35);
  poll_ready (&s);
  cmd (&s, 0x85);
  nand_address (&s, 10, 0, TRUE);
  cmd (&s, 0x10);
  poll_ready (&s);
  nand_status (&s);
  seed_write (&s, dir, "nand-cache-multi-plane-copyback");
}

/* The statistics window as the driver's debugfs file reads it after some
 * traffic: STAT_COUNT, then each counter's name and value (the value in
 * two halves and at once), and a selection beyond the list. */
static void
nand_stats_seed (const gchar *dir, const gchar *chip)
{
  Seed s;

  seed_begin (&s, chip, FUZZ_PCI_TIMING_VIRTUAL, 0);
  nand_reset (&s);
  nand_erase (&s, 4, 0xd0);
  nand_program (&s, 4, 0, 0x10, 0x5a);
  nand_read (&s, 4, 0);
  bar0_read (&s, FMPCI_STAT_COUNT, 4);
  for (guint i = 0; i < 16; i++)
    {
      bar0_write (&s, FMPCI_STAT_SELECT, i, 4);
      for (guint b = 0; b < FMPCI_STAT_NAME_LEN; b += 8)
        bar0_read (&s, FMPCI_STAT_NAME + b, 8);
      bar0_read (&s, FMPCI_STAT_VALUE_LO, 4);
      bar0_read (&s, FMPCI_STAT_VALUE_HI, 4);
      bar0_read (&s, FMPCI_STAT_VALUE_LO, 8);
    }
  bar0_write (&s, FMPCI_STAT_SELECT, G_MAXUINT32, 4);
  bar0_read (&s, FMPCI_STAT_NAME, 4);
  bar0_read (&s, FMPCI_STAT_VALUE_LO, 8);
  seed_write (&s, dir, "nand-stats");
}

/* A hostile guest's loop: 60h, a row, D1h, 40000 times over. */
static void
nand_hostile_loop_seed (const gchar *dir, const gchar *chip)
{
  Seed s;

  seed_begin (&s, chip, FUZZ_PCI_TIMING_NONE, 0);
  nand_reset (&s);
  cmd (&s, 0x60);
  nand_address (&s, 8, 0, FALSE);
  cmd (&s, 0xd1);
  control (&s, FUZZ_PCI_CTL_REPEAT, 1);
  put (&s, 2 + fm_chip_desc_row_cycles (s.desc) - 1, 1);
  put (&s, 40000, 2);
  nand_erase (&s, 9, 0xd0);
  nand_status (&s);
  seed_write (&s, dir, "nand-multi-plane-flood");
}

/* SET FEATURES ADDRESS with P1 = V, as nand_set_features() sends it. */
static void
nand_set_feature (Seed *s, guint8 address, guint8 v)
{
  cmd (s, 0xef);
  addr (s, address);
  reg_write (s, FUZZ_PCI_REG_DATA, v, 1);
  reg_write (s, FUZZ_PCI_REG_DATA, 0x00, 2);
  reg_write (s, FUZZ_PCI_REG_DATA, 0x00, 1);
  poll_ready (s);
}

/* Read retry as Linux's vendor files drive it: nand_micron.c's SET
 * FEATURES 89h through levels around a read and back to 0; nand_hynix.c's
 * READ ID 40h, OTP table read (36h, 38h = 52h, 16h, 17h, 04h, 19h, row
 * 21Fh), return to normal, and a retry mode's eight register writes. */
static void
nand_read_retry_seeds (const gchar *dir)
{
  static const guint8 hynix_regs[] = { 0xcc, 0xbf, 0xaa, 0xab, 0xcd, 0xad, 0xae, 0xaf };
  Seed s;

  seed_begin (&s, "micron-mt29f32g08cbada", FUZZ_PCI_TIMING_VIRTUAL, 0);
  nand_detect (&s);
  nand_read (&s, 4, 0);
  for (guint level = 1; level < 3; level++)
    {
      nand_set_feature (&s, 0x89, level);
      nand_read (&s, 4, 0);
    }
  nand_set_feature (&s, 0x89, 0);
  cmd (&s, 0xee);
  addr (&s, 0x89);
  poll_ready (&s);
  reg_read (&s, FUZZ_PCI_REG_DATA, 4);
  seed_write (&s, dir, "nand-read-retry-micron");

  seed_begin (&s, "hynix-h27ucg8t2etr", FUZZ_PCI_TIMING_VIRTUAL, 0);
  nand_reset (&s);
  cmd (&s, 0x90);
  addr (&s, 0x40);
  reg_read (&s, FUZZ_PCI_REG_DATA, 4);
  cmd (&s, 0x36);
  addr (&s, 0x38);
  reg_write (&s, FUZZ_PCI_REG_DATA, 0x52, 1);
  cmd (&s, 0x16);
  cmd (&s, 0x17);
  cmd (&s, 0x04);
  cmd (&s, 0x19);
  nand_read (&s, 2, 0x1f);
  nand_reset (&s);
  cmd (&s, 0x36);
  addr (&s, 0x38);
  reg_write (&s, FUZZ_PCI_REG_DATA, 0x00, 1);
  cmd (&s, 0x16);
  nand_read (&s, 0, 0);
  cmd (&s, 0x36);
  for (guint i = 0; i < G_N_ELEMENTS (hynix_regs); i++)
    {
      addr (&s, hynix_regs[i]);
      reg_write (&s, FUZZ_PCI_REG_DATA, i < 3 ? 0xfc : 0x00, 1);
    }
  cmd (&s, 0x16);
  nand_read (&s, 4, 0);
  seed_write (&s, dir, "nand-read-retry-hynix");
}

/* ---- BAR1 ---------------------------------------------------------------- */

/* A NOR bus cycle writing V at word (x16) or byte (x8) address A, as
 * Linux's cfi_send_gen_cmd() does on a bank of one chip. */
static void
nor_write (Seed *s, guint64 a, guint16 v)
{
  put (s, fuzz_pci_op (FUZZ_PCI_WHERE_BAR1, 0, TRUE, s->nor_width), 1);
  put (s, a * s->nor_width, 3);
  put (s, v, s->nor_width);
}

static void
nor_read (Seed *s, guint64 a)
{
  put (s, fuzz_pci_op (FUZZ_PCI_WHERE_BAR1, 0, FALSE, s->nor_width), 1);
  put (s, a * s->nor_width, 3);
}

/* AMD command addresses: 555h/2AAh on x16, AAAh/555h on x8. */
static guint64
amd (const Seed *s, guint64 a)
{
  return s->nor_width == 1 && (s->desc->nor.bus_widths & 16) ? a * 2 : a;
}

static void
amd_unlock (Seed *s)
{
  nor_write (s, amd (s, 0x555), 0xaa);
  nor_write (s, amd (s, 0x2aa), 0x55);
}

/* Status polls after a program or erase; two seconds pass first (more
 * than a sector erase or a legacy lock-bit clear takes), as a sleeping
 * driver would let them. */
static void
nor_poll (Seed *s, guint64 a)
{
  time_passes (s, G_GUINT64_CONSTANT (2) * 1000 * 1000 * 1000);
  control (s, FUZZ_PCI_CTL_POLL, 1);
  nor_read (s, a);
  nor_read (s, a);
}

/* The CFI query as cfi_probe reads it: 98h at 55h, "QRY" and the table. */
static void
cfi_query (Seed *s)
{
  nor_write (s, amd (s, 0x55), 0x98);
  control (s, FUZZ_PCI_CTL_WINDOW_READS, s->nor_width);
  put (s, amd (s, 0x10) * s->nor_width, 3);
  put (s, 0x40 - 1, 1);
}

static void
amd_seed (const gchar *dir, const gchar *chip, guint config, guint fault_param, const gchar *name)
{
  Seed s;
  guint64 sector = 0x20000;   /* a byte address */
  guint words;

  seed_begin (&s, chip, config, fault_param);
  cfi_query (&s);
  nor_write (&s, 0, 0xf0);
  /* Autoselect. */
  amd_unlock (&s);
  nor_write (&s, amd (&s, 0x555), 0x90);
  nor_read (&s, 0);
  nor_read (&s, 1);
  nor_write (&s, 0, 0xf0);
  /* Sector erase: AAh 55h 80h AAh 55h 30h at the sector. */
  amd_unlock (&s);
  nor_write (&s, amd (&s, 0x555), 0x80);
  amd_unlock (&s);
  nor_write (&s, sector / s.nor_width, 0x30);
  nor_poll (&s, sector / s.nor_width);
  /* F0h: back to read array, also after a failure (DQ5), as Linux does. */
  nor_write (&s, 0, 0xf0);
  /* Word program. */
  amd_unlock (&s);
  nor_write (&s, amd (&s, 0x555), 0xa0);
  nor_write (&s, sector / s.nor_width, 0x1234);
  nor_poll (&s, sector / s.nor_width);
  /* Write-buffer program: 25h at the sector, count - 1, data, 29h. */
  words = s.desc->nor.program_buffer / s.nor_width;
  amd_unlock (&s);
  nor_write (&s, sector / s.nor_width, 0x25);
  nor_write (&s, sector / s.nor_width, words - 1);
  put (&s, fuzz_pci_op (FUZZ_PCI_WHERE_CONTROL, FUZZ_PCI_CTL_WINDOW_WRITES, FALSE, s.nor_width), 1);
  put (&s, sector + s.desc->nor.program_buffer, 3);
  put (&s, words - 1, 1);
  put (&s, 0x40, 1);
  nor_write (&s, sector / s.nor_width, 0x29);
  nor_poll (&s, sector / s.nor_width);
  /* Erase suspend and resume during a sector erase. */
  amd_unlock (&s);
  nor_write (&s, amd (&s, 0x555), 0x80);
  amd_unlock (&s);
  nor_write (&s, sector / s.nor_width, 0x30);
  nor_write (&s, 0, 0xb0);
  time_passes (&s, 100 * 1000);
  nor_read (&s, sector / s.nor_width);
  nor_write (&s, 0, 0x30);
  nor_poll (&s, sector / s.nor_width);
  control (&s, FUZZ_PCI_CTL_RESET, 1);
  seed_write (&s, dir, name);
}

static void
intel_seed (const gchar *dir, const gchar *chip, guint config, guint fault_param, const gchar *name)
{
  Seed s;
  guint64 block = 0x40000;   /* a byte address */
  guint words;

  seed_begin (&s, chip, config, fault_param);
  cfi_query (&s);
  nor_write (&s, 0, 0xff);
  /* Read identifier, block lock status. */
  nor_write (&s, 0, 0x90);
  nor_read (&s, 0);
  nor_read (&s, 1);
  nor_read (&s, block / s.nor_width + 2);
  /* Clear status, unlock, erase, status. */
  nor_write (&s, 0, 0x50);
  nor_write (&s, block / s.nor_width, 0x60);
  nor_write (&s, block / s.nor_width, 0xd0);
  nor_poll (&s, block / s.nor_width);
  nor_write (&s, block / s.nor_width, 0x20);
  nor_write (&s, block / s.nor_width, 0xd0);
  nor_poll (&s, block / s.nor_width);
  /* Word program 40h. */
  nor_write (&s, block / s.nor_width, 0x40);
  nor_write (&s, block / s.nor_width, 0x1234);
  nor_poll (&s, block / s.nor_width);
  /* Buffered program: E8h, XSR, count - 1, data, D0h. */
  words = s.desc->nor.program_buffer / s.nor_width;
  nor_write (&s, block / s.nor_width, 0xe8);
  nor_read (&s, block / s.nor_width);
  nor_write (&s, block / s.nor_width, words - 1);
  put (&s, fuzz_pci_op (FUZZ_PCI_WHERE_CONTROL, FUZZ_PCI_CTL_WINDOW_WRITES, FALSE, s.nor_width), 1);
  put (&s, block + s.desc->nor.program_buffer, 3);
  put (&s, words - 1, 1);
  put (&s, 0x80, 1);
  nor_write (&s, block / s.nor_width, 0xd0);
  nor_poll (&s, block / s.nor_width);
  /* Lock, a refused erase, clear status, read array. */
  nor_write (&s, block / s.nor_width, 0x60);
  nor_write (&s, block / s.nor_width, 0x01);
  nor_poll (&s, block / s.nor_width);
  nor_write (&s, block / s.nor_width, 0x20);
  nor_write (&s, block / s.nor_width, 0xd0);
  nor_poll (&s, block / s.nor_width);
  nor_write (&s, 0, 0x50);
  nor_write (&s, 0, 0xff);
  nor_read (&s, block / s.nor_width);
  seed_write (&s, dir, name);
}

/* ---- SPI: spi-mem operations through CS#, SPI_LINES and DATA ------------ */

static void
spi_set_lines (Seed *s, guint lines)
{
  bar0_write (s, FMPCI_SPI_LINES, lines, 4);
}

static void
spi_byte (Seed *s, guint8 b)
{
  reg_write (s, FUZZ_PCI_REG_DATA, b, 1);
}

/* A phase's buswidths: command, address, dummy, data. */
typedef struct {
  guint cmd, addr, dummy, data;
} SpiLines;

static const SpiLines spi_single = { 1, 1, 1, 1 };

/*
 * One spi-mem operation as kernel/flashmodel-pci-spi.c sends it: CS# low,
 * the opcode, NADDR address bytes of ADDRESS (most significant first) and
 * NDUMMY dummy bytes one access each, then DATA bytes (> 0: read, < 0:
 * written, bytes FILL, FILL + 1, ...) in 8-byte accesses, CS# high.
 */
static void
spi_op (Seed *s, guint8 opcode, guint32 address, guint naddr, guint ndummy,
        const SpiLines *lines, gint data, guint8 fill)
{
  reg_write (s, FUZZ_PCI_REG_CTRL, FMPCI_CTRL_CE, 4);
  spi_set_lines (s, lines->cmd);
  spi_byte (s, opcode);
  if (naddr)
    spi_set_lines (s, lines->addr);
  for (guint i = naddr; i-- > 0;)
    spi_byte (s, (guint8) (address >> (8 * i)));
  if (ndummy)
    spi_set_lines (s, lines->dummy);
  for (guint i = 0; i < ndummy; i++)
    spi_byte (s, 0xff);
  if (data)
    spi_set_lines (s, lines->data);
  if (data > 0)
    data_reads (s, (guint) data);
  else if (data < 0)
    data_writes (s, (guint) -data, fill);
  reg_write (s, FUZZ_PCI_REG_CTRL, 0, 4);
}

static void
spi_cmd (Seed *s, guint8 opcode)
{
  spi_op (s, opcode, 0, 0, 0, &spi_single, 0, 0);
}

/* spi_nor_wait_till_ready(): RDSR until WIP clears; a sleeping driver
 * lets time pass between polls (2 s: more than any erase but a chip's). */
static void
spi_nor_wait (Seed *s)
{
  time_passes (s, G_GUINT64_CONSTANT (2) * 1000 * 1000 * 1000);
  control (s, FUZZ_PCI_CTL_POLL, 1);
  spi_op (s, 0x05, 0, 0, 0, &spi_single, 1, 0);
}

static void
spi_nor_seed (const gchar *dir, const gchar *chip, guint config, guint fault_param,
              const gchar *name)
{
  const SpiLines quad_out = { 1, 1, 1, 4 }, quad_io = { 1, 4, 4, 4 };
  const SpiLines dual_io = { 1, 2, 2, 2 };
  Seed s;
  const FmNorDesc *n;
  guint32 sector = 0x30000;

  seed_begin (&s, chip, config, fault_param);
  n = &s.desc->nor;
  /* spi_nor_detect(), spi_nor_parse_sfdp(): ID, header, tables. */
  spi_op (&s, 0x9f, 0, 0, 0, &spi_single, 6, 0);
  spi_op (&s, 0x5a, 0, 3, 1, &spi_single, 16, 0);
  spi_op (&s, 0x5a, 0x30, 3, 1, &spi_single, 0x100, 0);
  spi_op (&s, 0x05, 0, 0, 0, &spi_single, 1, 0);
  spi_op (&s, 0x35, 0, 0, 0, &spi_single, 1, 0);
  /* Quad enable the part's way, then unprotect. */
  spi_cmd (&s, 0x06);
  if (n->quad_enable == FM_SPI_QE_SR1_BIT6)
    spi_op (&s, 0x01, 0, 0, 0, &spi_single, -1, 0x40);
  else
    spi_op (&s, 0x31, 0, 0, 0, &spi_single, -1, 0x02);
  spi_nor_wait (&s);
  /* Erase the smallest and the largest erase type, program a page. */
  spi_cmd (&s, 0x06);
  spi_op (&s, n->erase_types[0].opcode, sector, 3, 0, &spi_single, 0, 0);
  spi_nor_wait (&s);
  spi_cmd (&s, 0x06);
  spi_op (&s, n->erase_types[n->n_erase_types - 1].opcode, sector, 3, 0, &spi_single, 0, 0);
  spi_nor_wait (&s);
  spi_cmd (&s, 0x06);
  spi_op (&s, 0x02, sector, 3, 0, &spi_single, -(gint) n->program_buffer, 0x10);
  spi_nor_wait (&s);
  /* The reads spi-nor picks: 1-4-4 (mode bits and wait states on four
   * lines), 1-1-4, 1-2-2; then 1-1-4 with its data on one line (a width
   * the chip refuses). */
  spi_op (&s, 0xeb, sector, 3, n->read_dummy_clocks[3] * 4 / 8, &quad_io, 64, 0);
  spi_op (&s, 0x6b, sector, 3, n->read_dummy_clocks[2] / 8, &quad_out, 64, 0);
  spi_op (&s, 0xbb, sector, 3, n->read_dummy_clocks[1] * 2 / 8, &dual_io, 64, 0);
  spi_op (&s, 0x6b, sector, 3, n->read_dummy_clocks[2] / 8, &spi_single, 64, 0);
  if (n->four_byte)
    {
      /* 4-byte opcodes, and 4-byte mode. */
      spi_op (&s, 0xec, sector, 4, n->read_dummy_clocks[3] * 4 / 8, &quad_io, 64, 0);
      spi_cmd (&s, 0xb7);
      spi_op (&s, 0x03, n->size - 0x100, 4, 0, &spi_single, 32, 0);
      spi_cmd (&s, 0xe9);
    }
  /* spi_nor_soft_reset(), then a system reset. */
  spi_cmd (&s, 0x66);
  spi_cmd (&s, 0x99);
  spi_nor_wait (&s);
  control (&s, FUZZ_PCI_CTL_RESET, 1);
  seed_write (&s, dir, name);
}

/* spinand_wait(): GET FEATURE C0h after polling READY (what the status
 * register's OIP says), time passing on the guest's clock first. */
static void
spi_nand_wait (Seed *s)
{
  poll_ready (s);
  spi_op (s, 0x0f, 0xc0, 1, 0, &spi_single, 1, 0);
}

static void
spi_nand_seed (const gchar *dir, const gchar *chip, guint config, guint fault_param,
               const gchar *name)
{
  const SpiLines quad_out = { 1, 1, 1, 4 }, quad_io = { 1, 4, 4, 4 };
  Seed s;
  guint32 row;
  guint page;

  seed_begin (&s, chip, config, fault_param);
  row = 3 * s.desc->pages_per_block;
  page = s.desc->page_size;
  /* spinand_reset_op(), spinand_id_detect() (opcode, dummy byte). */
  spi_cmd (&s, 0xff);
  spi_nand_wait (&s);
  spi_op (&s, 0x9f, 0, 0, 1, &spi_single, 4, 0);
  spi_op (&s, 0x0f, 0xa0, 1, 0, &spi_single, 1, 0);
  spi_op (&s, 0x0f, 0xb0, 1, 0, &spi_single, 1, 0);
  /* spinand_init(): unlock, ECC on (configuration B0h). */
  spi_op (&s, 0x1f, 0xa0, 1, 0, &spi_single, -1, 0x00);
  spi_op (&s, 0x1f, 0xb0, 1, 0, &spi_single, -1, 0x18);
  /* Erase, quad program load of a page and its OOB, execute. */
  spi_cmd (&s, 0x06);
  spi_op (&s, 0xd8, row, 3, 0, &spi_single, 0, 0);
  spi_nand_wait (&s);
  spi_cmd (&s, 0x06);
  spi_op (&s, 0x32, 0, 2, 0, &quad_out, -(gint) MIN (page + s.desc->oob_size, 2048u), 0x20);
  spi_op (&s, 0x10, row, 3, 0, &spi_single, 0, 0);
  spi_nand_wait (&s);
  /* Page read, then the cache out with quad I/O and quad output. */
  spi_op (&s, 0x13, row, 3, 0, &spi_single, 0, 0);
  spi_nand_wait (&s);
  spi_op (&s, 0xeb, 0, 2, 2, &quad_io, 256, 0);
  spi_op (&s, 0x6b, 0, 2, 1, &quad_out, 256, 0);
  /* The same with its address on one line: a width the chip refuses. */
  spi_op (&s, 0xeb, 0, 2, 2, &quad_out, 64, 0);
  /* ECC off (a raw read), and the OOB. */
  spi_op (&s, 0x1f, 0xb0, 1, 0, &spi_single, -1, 0x08);
  spi_op (&s, 0x13, row, 3, 0, &spi_single, 0, 0);
  spi_nand_wait (&s);
  spi_op (&s, 0x03, page, 2, 1, &spi_single, 64, 0);
  control (&s, FUZZ_PCI_CTL_RESET, 1);
  seed_write (&s, dir, name);
}

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      g_printerr ("usage: make-pci-seeds DIR\n");
      return 2;
    }
  chips = fuzz_pci_chips ();
  nand_seeds (argv[1], "micron-mt29f4g", "nand-onfi");
  nand_seeds (argv[1], "micron-mt29f4g16", "nand-x16");
  nand_seeds (argv[1], "samsung-k9f1208", "nand-small-page");
  nand_advanced_seed (argv[1], "micron-mt29f4g");
  nand_hostile_loop_seed (argv[1], "micron-mt29f4g");
  nand_stats_seed (argv[1], "micron-mt29f4g");
  nand_read_retry_seeds (argv[1]);
  amd_seed (argv[1], "spansion-s29gl128p", FUZZ_PCI_TIMING_GUEST, 0, "nor-amd-x16");
  amd_seed (argv[1], "spansion-s29gl128p", FUZZ_PCI_TIMING_VIRTUAL | FUZZ_PCI_CONFIG_NOR_X8 |
            FUZZ_PCI_FAULTS_FAIL, 1, "nor-amd-x8-failures");
  intel_seed (argv[1], "micron-js28f128j3d", FUZZ_PCI_TIMING_GUEST, 0, "nor-intel-x16");
  intel_seed (argv[1], "micron-js28f128j3d", FUZZ_PCI_TIMING_NONE | FUZZ_PCI_CONFIG_NOR_X8 |
              FUZZ_PCI_FAULTS_POWER_CUT, 3, "nor-intel-x8-power-cut");
  spi_nor_seed (argv[1], "winbond-w25q128jv", FUZZ_PCI_TIMING_VIRTUAL, 0, "spi-nor-winbond");
  spi_nor_seed (argv[1], "macronix-mx25l25645g", FUZZ_PCI_TIMING_GUEST, 0, "spi-nor-macronix");
  spi_nor_seed (argv[1], "winbond-w25q128jv", FUZZ_PCI_TIMING_NONE | FUZZ_PCI_FAULTS_POWER_CUT,
                2, "spi-nor-power-cut");
  spi_nand_seed (argv[1], "winbond-w25n01gv", FUZZ_PCI_TIMING_VIRTUAL, 0, "spi-nand-winbond");
  spi_nand_seed (argv[1], "micron-mt29f2g01abagd", FUZZ_PCI_TIMING_GUEST |
                 FUZZ_PCI_CONFIG_BAD_BLOCKS, 0, "spi-nand-micron");
  spi_nand_seed (argv[1], "winbond-w25n01gv", FUZZ_PCI_TIMING_NONE | FUZZ_PCI_FAULTS_FAIL,
                 0, "spi-nand-failures");
  g_ptr_array_unref (chips);
  return 0;
}
