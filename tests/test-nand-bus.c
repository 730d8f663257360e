/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ONFI state machine driven cycle by cycle, as a host controller (or
 * Linux's nand_base through a QEMU device) would drive it.
 */
#include "fm-test-util.h"
#include "fm-nand-bus-private.h"

#include <malloc.h>
#include <string.h>

typedef FmTestBus Fixture;

static void
fixture_init (Fixture *f, FmChipDesc *desc, gint bad, FmTimingMode timing)
{
  fm_test_bus_init (f, desc, fm_test_nand (desc, 7, bad, timing));
}

#define fixture_clear fm_test_bus_clear

static gsize
page_bytes (const FmChipDesc *d)
{
  return d->page_size + d->oob_size;
}

static guint8
bus_erase (FmNandBus *bus, const FmChipDesc *d, guint32 block, guint8 confirm)
{
  guint8 addr[8];
  guint n = fm_test_bus_address (d, block, 0, 0, addr);
  guint cols = fm_chip_desc_col_cycles (d);

  fm_test_bus_cmd_addr (bus, 0x60, addr + cols, n - cols);
  fm_nand_bus_command (bus, confirm);
  fm_nand_bus_wait_ready (bus);
  return fm_test_bus_status (bus);
}

/* Command CMD with the full (column + row) address of BLOCK, PAGE, COLUMN. */
static void
bus_cmd_at (Fixture *f, guint8 cmd, guint32 block, guint page, guint column)
{
  guint8 addr[8];
  guint n = fm_test_bus_address (f->desc, block, page, column, addr);

  fm_test_bus_cmd_addr (f->bus, cmd, addr, n);
}

/* Command CMD with the row address of BLOCK only (erase, 78h). */
static void
bus_cmd_row (Fixture *f, guint8 cmd, guint32 block)
{
  guint8 addr[8];
  guint n = fm_test_bus_address (f->desc, block, 0, 0, addr);
  guint cols = fm_chip_desc_col_cycles (f->desc);

  fm_test_bus_cmd_addr (f->bus, cmd, addr + cols, n - cols);
}

static void
page_api_read (FmNand *nand, guint32 block, guint page, guint8 *buf)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (fm_nand_read_page (nand, block, page, buf, &error));
  g_assert_no_error (error);
}

static void
page_api_program (FmNand *nand, guint32 block, guint page, const guint8 *buf)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (fm_nand_program_page (nand, block, page, buf, &error));
  g_assert_no_error (error);
}

/* A good (not factory bad) block of F's model, the first from START. */
static guint32
good_block (Fixture *f, guint32 start)
{
  for (guint32 b = start; b < fm_chip_desc_blocks (f->desc); b++)
    {
      gboolean bad;

      g_assert_true (fm_nand_block_is_bad (f->nand, b, &bad, NULL));
      if (!bad)
        return b;
    }
  g_assert_not_reached ();
}

/* ---- detection ---------------------------------------------------------- */

/*
 * The exact cycles Linux 6.1 nand_base uses: nand_reset (FFh, wait),
 * nand_readid_op(0, 2 bytes) then (0, 8 bytes) in nand_detect, then
 * nand_onfi_detect: READ ID 20h 4 bytes "ONFI", READ PARAMETER PAGE ECh 00h,
 * wait for R/B#, read copies until one has a good CRC, and later
 * nand_setup_interface sets the timing mode with SET FEATURES 01h and reads
 * it back with GET FEATURES.
 */
static void
detect_like_linux (const gchar *name)
{
  Fixture f;
  guint8 id2[2], id8[8], sig[4], pages[3][FM_ONFI_PARAM_PAGE_SIZE];
  g_autoptr (GError) error = NULL;
  FmOnfiParams p;
  const FmChipDesc *d;

  fixture_init (&f, fm_test_chip (name), 0, FM_TIMING_VIRTUAL);
  d = f.desc;
  g_test_message ("%s", name);

  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x00 }, 1);
  for (guint i = 0; i < 2; i++)
    id2[i] = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_cmpmem (id2, 2, d->id, 2);
  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x00 }, 1);
  for (guint i = 0; i < 8; i++)
    id8[i] = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_cmpmem (id8, d->id_len, d->id, d->id_len);
  /* Past the ID the bytes repeat, which nand_id_len() relies on. */
  for (guint i = d->id_len; i < 8; i++)
    g_assert_cmphex (id8[i], ==, d->id[i % d->id_len]);

  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x20 }, 1);
  for (guint i = 0; i < 4; i++)
    sig[i] = fm_nand_bus_read (f.bus) & 0xff;
  if (!d->onfi_version)
    {
      g_assert_true (memcmp (sig, "ONFI", 4) != 0);
      /* ECh is not a command of this part: nothing comes out. */
      fm_test_bus_cmd_addr (f.bus, 0xec, (const guint8[]) { 0x00 }, 1);
      g_assert_true (fm_nand_bus_ready (f.bus));
      fm_nand_bus_read_buf (f.bus, pages[0], 4);
      g_assert_true (memcmp (pages[0], "ONFI", 4) != 0);
      fixture_clear (&f);
      return;
    }
  g_assert_cmpmem (sig, 4, "ONFI", 4);

  fm_test_bus_cmd_addr (f.bus, 0xec, (const guint8[]) { 0x00 }, 1);
  g_assert_false (fm_nand_bus_ready (f.bus)); /* tR of the parameter page */
  fm_nand_bus_wait_ready (f.bus);
  /* One byte per cycle, low bits, on x16 parts too (Linux forces 8-bit
   * data access for the parameter page). */
  for (guint c = 0; c < 3; c++)
    for (guint i = 0; i < FM_ONFI_PARAM_PAGE_SIZE; i++)
      pages[c][i] = fm_nand_bus_read (f.bus) & 0xff;
  for (guint c = 0; c < 3; c++)
    {
      g_assert_true (fm_onfi_parse_param_page (pages[c], &p, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (pages[c], FM_ONFI_PARAM_PAGE_SIZE, pages[0], FM_ONFI_PARAM_PAGE_SIZE);
    }
  /* What nand_onfi_detect derives from the page is the descriptor. */
  g_assert_cmpuint (p.version, ==, d->onfi_version);
  g_assert_cmpuint (p.page_size, ==, d->page_size);
  g_assert_cmpuint (p.oob_size, ==, d->oob_size);
  g_assert_cmpuint (p.pages_per_block, ==, d->pages_per_block);
  g_assert_cmpuint (p.blocks_per_lun, ==, d->blocks_per_lun);
  g_assert_cmpuint (p.luns, ==, d->luns);
  g_assert_cmpuint (1u << p.plane_bits, ==, d->planes);
  g_assert_cmpuint (p.bits_per_cell, ==, fm_chip_desc_bits_per_cell (d));
  g_assert_cmpuint (p.row_cycles, ==, fm_chip_desc_row_cycles (d));
  g_assert_cmpuint (p.col_cycles, ==, fm_chip_desc_col_cycles (d));
  if (fm_onfi_has_ext_param_page (d))
    g_assert_cmphex (p.ecc_bits, ==, 0xff); /* in the extended page instead */
  else
    g_assert_cmpuint (p.ecc_bits, ==, d->ecc_bits);
  g_assert_cmpuint (p.jedec_id, ==, d->id[0]);
  g_assert_cmpstr (p.manufacturer, ==, d->onfi_manufacturer);
  g_assert_cmpstr (p.model, ==, d->onfi_model);
  g_assert_cmpuint (!!(p.features & FM_ONFI_FEATURE_16BIT), ==, d->bus_width == 16);

  /* CHANGE READ COLUMN repositions the parameter page output. */
  fm_test_bus_cmd_addr (f.bus, 0x05, (const guint8[]) { 0x00, 0x01 }, 2);
  fm_nand_bus_command (f.bus, 0xe0);
  for (guint i = 0; i < 16; i++)
    pages[1][i] = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_cmpmem (pages[1], 16, pages[0], 16); /* second copy starts at 256 */

  if (d->commands & FM_CMD_GET_SET_FEATURES)
    {
      guint mode = 0;
      guint8 got[4];

      for (guint m = 0; m < 6; m++)
        if (d->timing_modes & (1u << m))
          mode = m;
      /* Feature parameters are 8-bit data cycles on x16 parts too. */
      fm_test_bus_cmd_addr (f.bus, 0xef, (const guint8[]) { 0x01 }, 1);
      for (guint i = 0; i < 4; i++)
        fm_nand_bus_write (f.bus, i == 0 ? mode : 0);
      fm_nand_bus_wait_ready (f.bus);
      fm_test_bus_cmd_addr (f.bus, 0xee, (const guint8[]) { 0x01 }, 1);
      fm_nand_bus_wait_ready (f.bus);
      for (guint i = 0; i < 4; i++)
        got[i] = fm_nand_bus_read (f.bus) & 0xff;
      g_assert_cmpuint (got[0], ==, mode);
      g_assert_cmpuint (fm_nand_bus_timing_mode (f.bus), ==, mode);
    }
  fixture_clear (&f);
}

static void
test_detect_every_shipped_chip (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);

  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const gchar * const *) names, "micron-mt29f4g"));
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) d = fm_test_chip (names[i]);

      if (d->type == FM_CHIP_NAND_SLC || d->type == FM_CHIP_NAND_MLC)
        detect_like_linux (names[i]);
    }
}

static void
test_detect_micron_mt29f4g (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-mt29f4g");
  guint8 page[FM_ONFI_PARAM_PAGE_SIZE];
  FmOnfiParams p;

  /* The reference part, spelled out. */
  g_assert_cmpuint (d->id_len, >=, 5);
  g_assert_cmpmem (d->id, 5, ((const guint8[]) { 0x2c, 0xdc, 0x90, 0x95, 0x56 }), 5);
  fm_onfi_build_param_page (d, page);
  g_assert_true (fm_onfi_parse_param_page (page, &p, NULL));
  g_assert_cmpuint (p.page_size, ==, 2048);
  g_assert_cmpuint (p.oob_size, ==, 64);
  g_assert_cmpuint (p.pages_per_block, ==, 64);
  g_assert_cmpuint (p.blocks_per_lun * p.luns, ==, 4096);
  g_assert_cmpuint (1u << p.plane_bits, ==, 2);
  g_assert_cmpuint (p.version, ==, 10);
  detect_like_linux ("micron-mt29f4g");
}

/*
 * nand_onfi_detect on an ONFI 2.2 part with 1 KiB codewords: byte 112 is
 * FFh and features bit 7 set, so nand_flash_detect_ext_param_page issues
 * CHANGE READ COLUMN (05h, 2 column cycles, E0h) to 256 * byte 14 and reads
 * byte 12-13 * 16 bytes, checks the CRC over bytes 2.., "EPPS" and takes the
 * first type 2 section as the ECC requirement.
 */
static void
test_detect_ext_param_page (void)
{
  Fixture f;
  guint8 p[FM_ONFI_PARAM_PAGE_SIZE], ext[256], again[256];
  g_autoptr (GError) error = NULL;
  FmOnfiParams o;
  FmOnfiExtEcc x;
  guint offset, len;

  fixture_init (&f, fm_test_chip ("micron-mt29f32g"), 0, FM_TIMING_VIRTUAL);
  fm_test_bus_cmd_addr (f.bus, 0xec, (const guint8[]) { 0x00 }, 1);
  fm_nand_bus_wait_ready (f.bus);
  /* Linux reads the first copy, finds its CRC good and stops there. */
  for (guint i = 0; i < FM_ONFI_PARAM_PAGE_SIZE; i++)
    p[i] = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_true (fm_onfi_parse_param_page (p, &o, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (o.version, >=, 21);
  g_assert_cmphex (o.ecc_bits, ==, 0xff);
  g_assert_cmphex (o.features & (1u << 7), !=, 0);
  g_assert_cmpuint (o.num_param_pages, ==, 3);
  len = o.ext_param_page_len;
  g_assert_cmpuint (len, >=, 32);
  g_assert_cmpuint (len, <=, sizeof ext);

  offset = FM_ONFI_PARAM_PAGE_SIZE * o.num_param_pages;
  fm_test_bus_cmd_addr (f.bus, 0x05, (const guint8[]) { offset & 0xff, offset >> 8 }, 2);
  fm_nand_bus_command (f.bus, 0xe0);
  for (guint i = 0; i < len; i++)
    ext[i] = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_true (fm_onfi_parse_ext_param_page (ext, len, &x, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (x.ecc_bits, ==, 24);
  g_assert_cmpuint (1u << x.codeword_log2, ==, 1024);

  /* Reading straight through from ECh gives the same stream: three
   * parameter page copies, then the extended page (and its copies). */
  fm_test_bus_cmd_addr (f.bus, 0xec, (const guint8[]) { 0x00 }, 1);
  fm_nand_bus_wait_ready (f.bus);
  for (guint c = 0; c < 3; c++)
    {
      for (guint i = 0; i < FM_ONFI_PARAM_PAGE_SIZE; i++)
        again[i] = fm_nand_bus_read (f.bus) & 0xff;
      g_assert_cmpmem (again, FM_ONFI_PARAM_PAGE_SIZE, p, FM_ONFI_PARAM_PAGE_SIZE);
    }
  for (guint c = 0; c < 3; c++)
    {
      for (guint i = 0; i < len; i++)
        again[i] = fm_nand_bus_read (f.bus) & 0xff;
      g_assert_cmpmem (again, len, ext, len);
    }

  /* A part with 512-byte codewords keeps repeating its parameter page. */
  fixture_clear (&f);
  fixture_init (&f, fm_test_chip ("micron-mt29f4g"), 0, FM_TIMING_VIRTUAL);
  fm_test_bus_cmd_addr (f.bus, 0xec, (const guint8[]) { 0x00 }, 1);
  fm_nand_bus_wait_ready (f.bus);
  for (guint i = 0; i < FM_ONFI_PARAM_PAGE_SIZE; i++)
    p[i] = fm_nand_bus_read (f.bus) & 0xff;
  fm_test_bus_cmd_addr (f.bus, 0x05, (const guint8[]) { 0x00, 0x03 }, 2);
  fm_nand_bus_command (f.bus, 0xe0);
  for (guint i = 0; i < FM_ONFI_PARAM_PAGE_SIZE; i++)
    again[i] = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_cmpmem (again, FM_ONFI_PARAM_PAGE_SIZE, p, FM_ONFI_PARAM_PAGE_SIZE);
  fixture_clear (&f);
}

/* ---- status and write protect ------------------------------------------- */

static void
test_status_after_reset (void)
{
  Fixture f;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  g_assert_cmphex (fm_test_bus_status (f.bus), ==,
                   FM_STATUS_RDY | FM_STATUS_ARDY | FM_STATUS_WP_N);
  /* RESET makes the chip busy for tRST. */
  fm_nand_bus_command (f.bus, 0xff);
  g_assert_false (fm_nand_bus_ready (f.bus));
  g_assert_cmphex (fm_test_bus_status (f.bus) & (FM_STATUS_RDY | FM_STATUS_ARDY), ==, 0);
  fm_nand_bus_wait_ready (f.bus);
  g_assert_cmphex (fm_test_bus_status (f.bus) & FM_STATUS_RDY, ==, FM_STATUS_RDY);
  fixture_clear (&f);
}

static void
test_write_protect (void)
{
  Fixture f;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint32 b;
  guint8 s;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  b = good_block (&f, 0);
  data = fm_test_pattern (page_bytes (f.desc), 1);
  back = g_malloc (page_bytes (f.desc));
  page_api_program (f.nand, b, 0, data);

  fm_nand_bus_set_wp (f.bus, TRUE);
  g_assert_cmphex (fm_test_bus_status (f.bus) & FM_STATUS_WP_N, ==, 0);
  s = fm_test_bus_program (f.bus, f.desc, b, 1, 0, data, page_bytes (f.desc), 0x10);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  s = bus_erase (f.bus, f.desc, b, 0xd0);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  page_api_read (f.nand, b, 1, back);
  g_assert_true (fm_test_all_ff (back, page_bytes (f.desc)));
  page_api_read (f.nand, b, 0, back);
  g_assert_cmpmem (back, page_bytes (f.desc), data, page_bytes (f.desc));

  fm_nand_bus_set_wp (f.bus, FALSE);
  s = bus_erase (f.bus, f.desc, b, 0xd0);
  g_assert_cmphex (s, ==, FM_STATUS_RDY | FM_STATUS_ARDY | FM_STATUS_WP_N);
  page_api_read (f.nand, b, 0, back);
  g_assert_true (fm_test_all_ff (back, page_bytes (f.desc)));
  fixture_clear (&f);
}

/* ---- read, program, columns --------------------------------------------- */

static void
test_program_and_read (void)
{
  Fixture f;
  gsize n;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint32 b;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  n = page_bytes (f.desc);
  b = good_block (&f, 0);
  data = fm_test_pattern (n, 2);
  back = g_malloc (n);

  /* Bus program, page-level read. */
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, b, 0, 0, data, n, 0x10) & FM_STATUS_FAIL, ==, 0);
  page_api_read (f.nand, b, 0, back);
  g_assert_cmpmem (back, n, data, n);

  /* Page-level program, bus read from a column. */
  page_api_program (f.nand, b, 1, data);
  memset (back, 0, n);
  g_assert_cmphex (fm_test_bus_read (f.bus, f.desc, b, 1, 100, back, n - 100) & FM_STATUS_FAIL, ==, 0);
  g_assert_cmpmem (back, n - 100, data + 100, n - 100);
  /* Past the end of the page the bus reads ones. */
  g_assert_cmphex (fm_nand_bus_read (f.bus), ==, 0xff);

  /* CHANGE READ COLUMN to the spare area. */
  fm_test_bus_cmd_addr (f.bus, 0x05, (const guint8[]) { 0x00, 0x08 }, 2);
  fm_nand_bus_command (f.bus, 0xe0);
  fm_nand_bus_read_buf (f.bus, back, 64);
  g_assert_cmpmem (back, 64, data + 2048, 64);

  /* CHANGE WRITE COLUMN: only two ranges of page 2 get data. */
  bus_cmd_at (&f, 0x80, b, 2, 10);
  fm_nand_bus_write_buf (f.bus, data, 16);
  fm_test_bus_cmd_addr (f.bus, 0x85, (const guint8[]) { 0x00, 0x08 }, 2);
  fm_nand_bus_write_buf (f.bus, data + 100, 8);
  fm_nand_bus_command (f.bus, 0x10);
  fm_nand_bus_wait_ready (f.bus);
  page_api_read (f.nand, b, 2, back);
  g_assert_true (fm_test_all_ff (back, 10));
  g_assert_cmpmem (back + 10, 16, data, 16);
  g_assert_true (fm_test_all_ff (back + 26, 2048 - 26));
  g_assert_cmpmem (back + 2048, 8, data + 100, 8);
  g_assert_true (fm_test_all_ff (back + 2056, n - 2056));
  fixture_clear (&f);
}

static void
test_program_rules_set_fail (void)
{
  g_autofree gchar *text = fm_test_tiny_text_with ("reliability", "nop", "nop=2");
  Fixture f;
  gsize n;
  g_autofree guint8 *ones = NULL;
  guint8 zero = 0x00;
  guint32 b;

  fixture_init (&f, fm_chip_desc_load_data (text, "nop2", NULL), 0, FM_TIMING_VIRTUAL);
  n = page_bytes (f.desc);
  ones = g_malloc (n);
  memset (ones, 0xff, n);
  b = good_block (&f, 0);

  /* NOP: the third partial program of a page fails. */
  for (guint i = 0; i < 2; i++)
    g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, b, 0, i, &zero, 1, 0x10) & FM_STATUS_FAIL, ==, 0);
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, b, 0, 2, &zero, 1, 0x10) & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  /* The next good operation clears FAIL. */
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, b, 1, 0, &zero, 1, 0x10) & FM_STATUS_FAIL, ==, 0);

  /* Sequential order: page 0 of block is below page 1 already used. */
  b = good_block (&f, b + 1);
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, b, 3, 0, &zero, 1, 0x10) & FM_STATUS_FAIL, ==, 0);
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, b, 1, 0, &zero, 1, 0x10) & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);

  /* A row beyond the last block: FAIL, nothing else touched. */
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, fm_chip_desc_blocks (f.desc) + 3, 0, 0,
                                &zero, 1, 0x10) & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  fixture_clear (&f);
}

static void
test_factory_bad_block_fails (void)
{
  Fixture f;
  guint8 zero = 0, back[64];
  guint32 bad_block = G_MAXUINT32;

  fixture_init (&f, fm_test_tiny_desc (NULL), 4, FM_TIMING_VIRTUAL);
  for (guint32 b = 0; b < fm_chip_desc_blocks (f.desc) && bad_block == G_MAXUINT32; b++)
    if (fm_image_block (fm_nand_image (f.nand), b)->flags & FM_BLOCK_FACTORY_BAD)
      bad_block = b;
  g_assert_cmpuint (bad_block, !=, G_MAXUINT32);

  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, bad_block, 5, 0, &zero, 1, 0x10) & FM_STATUS_FAIL,
                   ==, FM_STATUS_FAIL);
  g_assert_cmphex (bus_erase (f.bus, f.desc, bad_block, 0xd0) & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  /* The marker survives both. */
  fm_test_bus_read (f.bus, f.desc, bad_block, 0, f.desc->page_size, back, 64);
  g_assert_cmphex (back[f.desc->bbm_offset], ==, 0x00);
  fixture_clear (&f);
}

/* Bad block scan over the bus, as nand_bbt does without a table. */
static void
test_bad_block_scan_matches_factory (void)
{
  Fixture f;
  guint found = 0;

  fixture_init (&f, fm_test_tiny_desc (NULL), 4, FM_TIMING_NONE);
  for (guint32 b = 0; b < fm_chip_desc_blocks (f.desc); b++)
    {
      guint8 oob[64];
      gboolean bus_bad, api_bad, factory;

      fm_test_bus_read (f.bus, f.desc, b, 0, f.desc->page_size, oob, sizeof oob);
      bus_bad = oob[f.desc->bbm_offset] != 0xff;
      g_assert_true (fm_nand_block_is_bad (f.nand, b, &api_bad, NULL));
      factory = (fm_image_block (fm_nand_image (f.nand), b)->flags & FM_BLOCK_FACTORY_BAD) != 0;
      g_assert_cmpint (bus_bad, ==, factory);
      g_assert_cmpint (api_bad, ==, factory);
      found += factory;
    }
  g_assert_cmpuint (found, ==, 4);
  fixture_clear (&f);
}

/* ---- busy, virtual time, CE# --------------------------------------------- */

static void
test_busy_gating_and_virtual_time (void)
{
  Fixture f;
  g_autofree guint8 *data = NULL;
  guint8 b0;
  guint32 b;
  guint64 t0, t1;
  FmClock *clock;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  clock = fm_nand_clock (f.nand);
  data = fm_test_pattern (page_bytes (f.desc), 3);
  /* Looked up once: programmed pattern bytes may look like a marker. */
  b = good_block (&f, 0);
  page_api_program (f.nand, b, 0, data);

  bus_cmd_at (&f, 0x00, b, 0, 0);
  t0 = fm_clock_now (clock);
  fm_nand_bus_command (f.bus, 0x30);
  g_assert_false (fm_nand_bus_ready (f.bus));
  /* Data cycles while busy return a floating bus, not page data. */
  g_assert_cmphex (fm_nand_bus_read (f.bus), ==, 0xffff);
  /* Commands other than status and reset are ignored while busy. */
  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x00 }, 1);
  g_assert_cmphex (fm_test_bus_status (f.bus) & FM_STATUS_RDY, ==, 0);
  fm_nand_bus_wait_ready (f.bus);
  t1 = fm_clock_now (clock);
  g_assert_cmpuint (t1 - t0, >=, f.desc->t_r.typ_ns);
  g_assert_cmpuint (t1 - t0, <, f.desc->t_r.typ_ns + 10000);
  fm_nand_bus_command (f.bus, 0x00);
  b0 = fm_nand_bus_read (f.bus) & 0xff;
  g_assert_cmphex (b0, ==, data[0]);

  /* Program: R/B# low for tPROG. */
  t0 = fm_clock_now (clock);
  fm_test_bus_program (f.bus, f.desc, b, 1, 0, data, 16, 0x10);
  g_assert_cmpuint (fm_clock_now (clock) - t0, >=, f.desc->t_prog.typ_ns);
  t0 = fm_clock_now (clock);
  bus_erase (f.bus, f.desc, b, 0xd0);
  g_assert_cmpuint (fm_clock_now (clock) - t0, >=, f.desc->t_bers.typ_ns);
  g_assert_cmpuint (fm_nand_stats (f.nand)->erase_busy_ns, >=, f.desc->t_bers.typ_ns);
  fixture_clear (&f);
}

static void
test_ce_deselect_keeps_state (void)
{
  Fixture f;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint32 b;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  data = fm_test_pattern (page_bytes (f.desc), 4);
  back = g_malloc (page_bytes (f.desc));
  b = good_block (&f, 0);
  bus_cmd_at (&f, 0x80, b, 0, 0);
  fm_nand_bus_write_buf (f.bus, data, 1000);

  fm_nand_bus_set_ce (f.bus, FALSE);
  /* Cycles meant for another chip on the bus. */
  fm_nand_bus_command (f.bus, 0x10);
  fm_nand_bus_command (f.bus, 0xff);
  fm_nand_bus_write_buf (f.bus, data, 500);
  g_assert_cmphex (fm_nand_bus_read (f.bus), ==, 0xffff);
  fm_nand_bus_set_ce (f.bus, TRUE);

  fm_nand_bus_write_buf (f.bus, data + 1000, page_bytes (f.desc) - 1000);
  fm_nand_bus_command (f.bus, 0x10);
  fm_nand_bus_wait_ready (f.bus);
  page_api_read (f.nand, b, 0, back);
  g_assert_cmpmem (back, page_bytes (f.desc), data, page_bytes (f.desc));
  fixture_clear (&f);
}

/* ---- illegal sequences -------------------------------------------------- */

static void
test_orphan_confirms_are_ignored (void)
{
  Fixture f;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint32 b;
  guint64 erases;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  data = fm_test_pattern (page_bytes (f.desc), 5);
  back = g_malloc (page_bytes (f.desc));
  b = good_block (&f, 0);
  page_api_program (f.nand, b, 0, data);
  erases = fm_nand_stats (f.nand)->block_erases;

  fm_nand_bus_command (f.bus, 0x10);
  fm_nand_bus_command (f.bus, 0x15);
  fm_nand_bus_command (f.bus, 0x11);
  fm_nand_bus_command (f.bus, 0xd0);
  fm_nand_bus_command (f.bus, 0xd1);
  fm_nand_bus_command (f.bus, 0x30);
  fm_nand_bus_command (f.bus, 0xe0);
  fm_nand_bus_command (f.bus, 0x3f);
  fm_nand_bus_command (f.bus, 0x42); /* no such command */
  /* 60h with too few address cycles, then D0h: not an erase. */
  fm_test_bus_cmd_addr (f.bus, 0x60, (const guint8[]) { 0x00 }, 1);
  fm_nand_bus_command (f.bus, 0xd0);
  g_assert_true (fm_nand_bus_ready (f.bus));
  g_assert_cmpuint (fm_nand_stats (f.nand)->block_erases, ==, erases);
  g_assert_cmphex (fm_test_bus_status (f.bus), ==, FM_STATUS_RDY | FM_STATUS_ARDY | FM_STATUS_WP_N);
  page_api_read (f.nand, b, 0, back);
  g_assert_cmpmem (back, page_bytes (f.desc), data, page_bytes (f.desc));
  fixture_clear (&f);
}

/* Random cycles must never crash or corrupt the model's own bookkeeping;
 * afterwards a RESET brings back a working chip. */
static void
test_random_cycles_never_crash (void)
{
  Fixture f;
  static const guint8 cmds[] = {
    0x00, 0x01, 0x05, 0x10, 0x11, 0x15, 0x30, 0x31, 0x35, 0x3f, 0x50, 0x60,
    0x70, 0x78, 0x80, 0x85, 0x90, 0xd0, 0xd1, 0xe0, 0xec, 0xed, 0xee, 0xef,
    0x42, 0xff,
  };
  FmPrng prng;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint32 b;

  fixture_init (&f, fm_test_tiny_desc (NULL), 2, FM_TIMING_VIRTUAL);
  fm_prng_init (&prng, 99);
  for (guint i = 0; i < 200000; i++)
    {
      guint64 r = fm_prng_next (&prng);

      switch (r % 8)
        {
        case 0:
        case 1:
          fm_nand_bus_command (f.bus, cmds[(r >> 8) % G_N_ELEMENTS (cmds)]);
          break;
        case 2:
        case 3:
          fm_nand_bus_address (f.bus, (r >> 8) & ((r >> 20) & 1 ? 0x3f : 0xff));
          break;
        case 4:
          fm_nand_bus_write (f.bus, r >> 8);
          break;
        case 5:
          fm_nand_bus_read (f.bus);
          break;
        case 6:
          if ((r >> 8) % 64 == 0)
            fm_nand_bus_wait_ready (f.bus);
          break;
        default:
          fm_nand_bus_set_ce (f.bus, (r >> 8) % 16 != 0);
          break;
        }
    }
  fm_nand_bus_set_ce (f.bus, TRUE);
  fm_nand_bus_set_wp (f.bus, FALSE);
  fm_nand_bus_command (f.bus, 0xff);
  fm_nand_bus_wait_ready (f.bus);

  data = fm_test_pattern (page_bytes (f.desc), 6);
  back = g_malloc (page_bytes (f.desc));
  b = good_block (&f, 0);
  g_assert_cmphex (bus_erase (f.bus, f.desc, b, 0xd0) & FM_STATUS_FAIL, ==, 0);
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, b, 0, 0, data, page_bytes (f.desc), 0x10)
                   & FM_STATUS_FAIL, ==, 0);
  fm_test_bus_read (f.bus, f.desc, b, 0, 0, back, page_bytes (f.desc));
  g_assert_cmpmem (back, page_bytes (f.desc), data, page_bytes (f.desc));
  fixture_clear (&f);
}

/* ---- cache operations ---------------------------------------------------- */

static void
test_cache_program (void)
{
  Fixture f;
  gsize n;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint8 s;
  guint32 b;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  n = page_bytes (f.desc);
  data = fm_test_pattern (n * 4, 8);
  back = g_malloc (n);
  b = good_block (&f, 0);

  for (guint p = 0; p < 4; p++)
    {
      s = fm_test_bus_program (f.bus, f.desc, b, p, 0, data + p * n, n, p < 3 ? 0x15 : 0x10);
      g_assert_cmphex (s & (FM_STATUS_FAIL | FM_STATUS_FAILC), ==, 0);
    }
  for (guint p = 0; p < 4; p++)
    {
      page_api_read (f.nand, b, p, back);
      g_assert_cmpmem (back, n, data + p * n, n);
    }

  /* A failing page inside a cache sequence: FAIL for it, then FAILC for
   * the previous page once the next one is confirmed. */
  b = good_block (&f, b + 1);
  page_api_program (f.nand, b, 5, data);
  s = fm_test_bus_program (f.bus, f.desc, b, 2, 0, data, n, 0x15); /* below page 5 */
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  s = fm_test_bus_program (f.bus, f.desc, b, 6, 0, data, n, 0x10);
  g_assert_cmphex (s & (FM_STATUS_FAIL | FM_STATUS_FAILC), ==, FM_STATUS_FAILC);
  fixture_clear (&f);
}

static void
test_cache_program_busy_is_short (void)
{
  Fixture f;
  gsize n;
  g_autofree guint8 *data = NULL;
  guint64 t0;
  FmClock *clock;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  clock = fm_nand_clock (f.nand);
  n = page_bytes (f.desc);
  data = fm_test_pattern (n, 9);
  bus_cmd_at (&f, 0x80, good_block (&f, 0), 0, 0);
  fm_nand_bus_write_buf (f.bus, data, n);
  fm_nand_bus_command (f.bus, 0x15);
  t0 = fm_clock_now (clock);
  fm_nand_bus_wait_ready (f.bus);
  /* RDY returns after tCBSY, ARDY only when the array is done. */
  g_assert_cmpuint (fm_clock_now (clock) - t0, <, f.desc->t_prog.typ_ns);
  g_assert_cmphex (fm_test_bus_status (f.bus) & (FM_STATUS_RDY | FM_STATUS_ARDY), ==, FM_STATUS_RDY);
  fixture_clear (&f);
}

static void
test_read_cache (void)
{
  Fixture f;
  gsize n;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint32 b;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  n = page_bytes (f.desc);
  data = fm_test_pattern (n * 8, 10);
  back = g_malloc (n);
  b = good_block (&f, 0);
  for (guint p = 0; p < 8; p++)
    page_api_program (f.nand, b, p, data + p * n);

  /* Sequential: 00h-30h page 0, 31h, 31h, 3Fh give pages 0, 1, 2. */
  bus_cmd_at (&f, 0x00, b, 0, 0);
  fm_nand_bus_command (f.bus, 0x30);
  fm_nand_bus_wait_ready (f.bus);
  for (guint p = 0; p < 3; p++)
    {
      fm_nand_bus_command (f.bus, p < 2 ? 0x31 : 0x3f);
      fm_nand_bus_wait_ready (f.bus);
      fm_nand_bus_read_buf (f.bus, back, n);
      g_assert_cmpmem (back, n, data + p * n, n);
    }

  /* Random: 00h-30h page 1, then 00h page 6 31h: out comes page 1, then
   * 3Fh gives page 6. */
  bus_cmd_at (&f, 0x00, b, 1, 0);
  fm_nand_bus_command (f.bus, 0x30);
  fm_nand_bus_wait_ready (f.bus);
  bus_cmd_at (&f, 0x00, b, 6, 0);
  fm_nand_bus_command (f.bus, 0x31);
  fm_nand_bus_wait_ready (f.bus);
  fm_nand_bus_read_buf (f.bus, back, n);
  g_assert_cmpmem (back, n, data + 1 * n, n);
  fm_nand_bus_command (f.bus, 0x3f);
  fm_nand_bus_wait_ready (f.bus);
  fm_nand_bus_read_buf (f.bus, back, n);
  g_assert_cmpmem (back, n, data + 6 * n, n);
  fixture_clear (&f);
}

/* ---- multi-plane and copyback ------------------------------------------- */

static void
test_multi_plane_program_and_erase (void)
{
  Fixture f;
  gsize n;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint8 s;
  guint32 b0 = 10, b1 = 11; /* planes 0 and 1 */
  guint32 e0, e1;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  n = page_bytes (f.desc);
  data = fm_test_pattern (2 * n, 11);
  back = g_malloc (n);

  s = fm_test_bus_program (f.bus, f.desc, b0, 0, 0, data, n, 0x11);
  g_assert_cmphex (s & FM_STATUS_RDY, ==, FM_STATUS_RDY);
  page_api_read (f.nand, b0, 0, back); /* nothing programmed before 10h */
  g_assert_true (fm_test_all_ff (back, n));
  s = fm_test_bus_program (f.bus, f.desc, b1, 0, 0, data + n, n, 0x10);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, 0);
  page_api_read (f.nand, b0, 0, back);
  g_assert_cmpmem (back, n, data, n);
  page_api_read (f.nand, b1, 0, back);
  g_assert_cmpmem (back, n, data + n, n);

  /* Two blocks of the same plane cannot pair: FAIL, neither programmed. */
  fm_test_bus_program (f.bus, f.desc, b0, 1, 0, data, n, 0x11);
  s = fm_test_bus_program (f.bus, f.desc, b0 + 2, 1, 0, data, n, 0x10);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  page_api_read (f.nand, b0 + 2, 1, back);
  g_assert_true (fm_test_all_ff (back, n));

  e0 = fm_image_block (fm_nand_image (f.nand), b0)->erase_count;
  e1 = fm_image_block (fm_nand_image (f.nand), b1)->erase_count;
  bus_erase (f.bus, f.desc, b0, 0xd1);
  s = bus_erase (f.bus, f.desc, b1, 0xd0);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, 0);
  g_assert_cmpuint (fm_image_block (fm_nand_image (f.nand), b0)->erase_count, ==, e0 + 1);
  g_assert_cmpuint (fm_image_block (fm_nand_image (f.nand), b1)->erase_count, ==, e1 + 1);
  page_api_read (f.nand, b0, 0, back);
  g_assert_true (fm_test_all_ff (back, n));
  fixture_clear (&f);
}


static guint64
erase_count (Fixture *f, guint32 block)
{
  return fm_image_block (fm_nand_image (f->nand), block)->erase_count;
}

/* What the process has allocated, mmapped chunks included. */
static gsize
heap_in_use (void)
{
  struct mallinfo2 m = mallinfo2 ();

  return m.uordblks + m.hblkhd;
}

/*
 * The loop a hostile guest writes: 60h, a row address, D1h, for ever. A
 * multi-plane erase names one block per plane, so whatever the host
 * sends the chip holds at most one address per plane: the queue and the
 * heap stay bounded, and the D0h that ends the flood fails (its group
 * names a plane many times) without erasing anything.
 */
static void
test_multi_plane_queue_is_bounded (void)
{
  Fixture f;
  guint8 addr[8];
  guint na, cols;
  gsize heap_before;
  guint32 b0 = 10, b1 = 11;   /* planes 0 and 1 */
  guint64 e0, e1;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_NONE);
  cols = fm_chip_desc_col_cycles (f.desc);
  e0 = erase_count (&f, b0);
  e1 = erase_count (&f, b1);
  heap_before = heap_in_use ();
  for (guint i = 0; i < 300000; i++)
    {
      na = fm_test_bus_address (f.desc, (b0 + i) % fm_chip_desc_blocks (f.desc), 0, 0, addr);
      fm_test_bus_cmd_addr (f.bus, 0x60, addr + cols, na - cols);
      fm_nand_bus_command (f.bus, 0xd1);
      g_assert_cmpuint (fm_nand_bus_queued_planes (f.bus), <=, f.desc->planes);
    }
  g_assert_cmpuint (heap_in_use () - MIN (heap_in_use (), heap_before), <, 64 * 1024);
  g_assert_cmphex (bus_erase (f.bus, f.desc, b1, 0xd0) & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  g_assert_cmpuint (erase_count (&f, b0), ==, e0);
  g_assert_cmpuint (erase_count (&f, b1), ==, e1);
  g_assert_cmpuint (fm_nand_bus_queued_planes (f.bus), ==, 0);

  /* The same for 80h, address, 11h. */
  heap_before = heap_in_use ();
  for (guint i = 0; i < 300000; i++)
    {
      na = fm_test_bus_address (f.desc, (b0 + i) % fm_chip_desc_blocks (f.desc), 0, 0, addr);
      fm_test_bus_cmd_addr (f.bus, 0x80, addr, na);
      fm_nand_bus_command (f.bus, 0x11);
      g_assert_cmpuint (fm_nand_bus_queued_planes (f.bus), <=, f.desc->planes);
    }
  g_assert_cmpuint (heap_in_use () - MIN (heap_in_use (), heap_before), <, 64 * 1024);

  /* Afterwards a RESET, and a proper pair works. */
  fm_nand_bus_command (f.bus, 0xff);
  fm_nand_bus_wait_ready (f.bus);
  bus_erase (f.bus, f.desc, b0, 0xd1);
  g_assert_cmphex (bus_erase (f.bus, f.desc, b1, 0xd0) & FM_STATUS_FAIL, ==, 0);
  g_assert_cmpuint (erase_count (&f, b0), ==, e0 + 1);
  g_assert_cmpuint (erase_count (&f, b1), ==, e1 + 1);
  fixture_clear (&f);
}

/*
 * The datasheets' multi-plane rules (one address per plane, no more than
 * the part has, one kind of operation): a group that breaks them FAILs
 * as a whole, and the next group starts afresh.
 */
static void
test_multi_plane_rules (void)
{
  Fixture f;
  gsize n;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint8 s;
  guint32 b0 = 10, b1 = 11, b2 = 12, b3 = 13;   /* planes 0, 1, 0, 1 */
  guint64 e[4];

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  n = page_bytes (f.desc);
  data = fm_test_pattern (n, 12);
  back = g_malloc (n);
  for (guint i = 0; i < 4; i++)
    e[i] = erase_count (&f, b0 + i);

  /* A plane named twice in the queue (program): nothing is programmed. */
  fm_test_bus_program (f.bus, f.desc, b0, 0, 0, data, n, 0x11);
  fm_test_bus_program (f.bus, f.desc, b2, 0, 0, data, n, 0x11);
  s = fm_test_bus_program (f.bus, f.desc, b1, 0, 0, data, n, 0x10);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  for (guint32 b = b0; b <= b2; b++)
    {
      page_api_read (f.nand, b, 0, back);
      g_assert_true (fm_test_all_ff (back, n));
    }

  /* A plane named twice in the queue (erase): nothing is erased. */
  bus_erase (f.bus, f.desc, b0, 0xd1);
  bus_erase (f.bus, f.desc, b2, 0xd1);
  s = bus_erase (f.bus, f.desc, b1, 0xd0);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);

  /* More planes than the part has: two planes, three queued, then D0h. */
  bus_erase (f.bus, f.desc, b0, 0xd1);
  bus_erase (f.bus, f.desc, b1, 0xd1);
  bus_erase (f.bus, f.desc, b2, 0xd1);
  s = bus_erase (f.bus, f.desc, b3, 0xd0);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (erase_count (&f, b0 + i), ==, e[i]);

  /* A queued program does not join an erase, nor a queued erase a
   * program: FAIL, and neither block changes. */
  fm_test_bus_program (f.bus, f.desc, b0, 0, 0, data, n, 0x11);
  s = bus_erase (f.bus, f.desc, b1, 0xd0);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  g_assert_cmpuint (erase_count (&f, b0), ==, e[0]);
  g_assert_cmpuint (erase_count (&f, b1), ==, e[1]);
  page_api_read (f.nand, b0, 0, back);
  g_assert_true (fm_test_all_ff (back, n));
  bus_erase (f.bus, f.desc, b0, 0xd1);
  s = fm_test_bus_program (f.bus, f.desc, b1, 0, 0, data, n, 0x10);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  g_assert_cmpuint (erase_count (&f, b0), ==, e[0]);
  for (guint32 b = b0; b <= b1; b++)
    {
      page_api_read (f.nand, b, 0, back);
      g_assert_true (fm_test_all_ff (back, n));
    }

  /* The next group is judged on its own. */
  fm_test_bus_program (f.bus, f.desc, b2, 0, 0, data, n, 0x11);
  s = fm_test_bus_program (f.bus, f.desc, b3, 0, 0, data, n, 0x10);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, 0);
  page_api_read (f.nand, b3, 0, back);
  g_assert_cmpmem (back, n, data, n);
  fixture_clear (&f);
}

static void
test_copyback (void)
{
  Fixture f;
  gsize n;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint8 s;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  n = page_bytes (f.desc);
  data = fm_test_pattern (n, 12);
  back = g_malloc (n);
  page_api_program (f.nand, 20, 2, data);

  /* 00h-35h source, 85h destination (same plane, same parity), 10h. */
  bus_cmd_at (&f, 0x00, 20, 2, 0);
  fm_nand_bus_command (f.bus, 0x35);
  fm_nand_bus_wait_ready (f.bus);
  /* The host may read the page out (to check its ECC) before programming. */
  fm_nand_bus_read_buf (f.bus, back, 8);
  g_assert_cmpmem (back, 8, data, 8);
  bus_cmd_at (&f, 0x85, 22, 0, 0);
  /* and change some bytes: 85h with column cycles only. */
  fm_test_bus_cmd_addr (f.bus, 0x85, (const guint8[]) { 0x04, 0x00 }, 2);
  fm_nand_bus_write_buf (f.bus, (const guint8[]) { 0x00, 0x00 }, 2);
  fm_nand_bus_command (f.bus, 0x10);
  fm_nand_bus_wait_ready (f.bus);
  s = fm_test_bus_status (f.bus);
  g_assert_cmphex (s & FM_STATUS_FAIL, ==, 0);
  page_api_read (f.nand, 22, 0, back);
  data[4] = data[5] = 0x00;
  g_assert_cmpmem (back, n, data, n);

  /* Across planes (block 21 is on plane 1) copyback fails. */
  bus_cmd_at (&f, 0x00, 20, 2, 0);
  fm_nand_bus_command (f.bus, 0x35);
  fm_nand_bus_wait_ready (f.bus);
  bus_cmd_at (&f, 0x85, 21, 0, 0);
  fm_nand_bus_command (f.bus, 0x10);
  fm_nand_bus_wait_ready (f.bus);
  g_assert_cmphex (fm_test_bus_status (f.bus) & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
  page_api_read (f.nand, 21, 0, back);
  g_assert_true (fm_test_all_ff (back, n));
  fixture_clear (&f);
}

/* ---- unique ID, features, status enhanced ------------------------------ */

static void
read_unique_id (guint64 seed, guint8 *out)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (desc, seed, 0, FM_TIMING_VIRTUAL);
  g_autoptr (FmNandBus) bus = fm_nand_bus_new (nand);

  fm_nand_bus_set_ce (bus, TRUE);
  fm_test_bus_cmd_addr (bus, 0xed, (const guint8[]) { 0x00 }, 1);
  fm_nand_bus_wait_ready (bus);
  fm_nand_bus_read_buf (bus, out, 64);
}

static void
test_unique_id (void)
{
  guint8 a[64], b[64], c[64];

  read_unique_id (1, a);
  read_unique_id (1, b);
  read_unique_id (2, c);
  /* ONFI: 16 bytes then their complement, repeated. */
  for (guint i = 0; i < 16; i++)
    g_assert_cmphex (a[i] ^ a[16 + i], ==, 0xff);
  g_assert_cmpmem (a, 32, a + 32, 32);
  g_assert_cmpmem (a, 64, b, 64);
  g_assert_true (memcmp (a, c, 16) != 0);
}

static void
test_features (void)
{
  Fixture f;
  guint8 got[4];

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  /* A vendor feature the part lists round-trips. */
  fm_test_bus_cmd_addr (f.bus, 0xef, (const guint8[]) { 0x80 }, 1);
  fm_nand_bus_write_buf (f.bus, (const guint8[]) { 0x02, 0x00, 0x00, 0x00 }, 4);
  fm_nand_bus_wait_ready (f.bus);
  fm_test_bus_cmd_addr (f.bus, 0xee, (const guint8[]) { 0x80 }, 1);
  fm_nand_bus_wait_ready (f.bus);
  fm_nand_bus_read_buf (f.bus, got, 4);
  g_assert_cmpmem (got, 4, ((const guint8[]) { 0x02, 0, 0, 0 }), 4);

  /* An address the part does not implement keeps reading zero. */
  fm_test_bus_cmd_addr (f.bus, 0xef, (const guint8[]) { 0x91 }, 1);
  fm_nand_bus_write_buf (f.bus, (const guint8[]) { 0x05, 0x06, 0x07, 0x08 }, 4);
  fm_nand_bus_wait_ready (f.bus);
  fm_test_bus_cmd_addr (f.bus, 0xee, (const guint8[]) { 0x91 }, 1);
  fm_nand_bus_wait_ready (f.bus);
  fm_nand_bus_read_buf (f.bus, got, 4);
  g_assert_cmpmem (got, 4, ((const guint8[]) { 0, 0, 0, 0 }), 4);

  /* Timing mode 4, then an unsupported value (mode 9) is refused. */
  fm_test_bus_cmd_addr (f.bus, 0xef, (const guint8[]) { 0x01 }, 1);
  fm_nand_bus_write_buf (f.bus, (const guint8[]) { 0x04, 0, 0, 0 }, 4);
  fm_nand_bus_wait_ready (f.bus);
  g_assert_cmpuint (fm_nand_bus_timing_mode (f.bus), ==, 4);
  fm_test_bus_cmd_addr (f.bus, 0xef, (const guint8[]) { 0x01 }, 1);
  fm_nand_bus_write_buf (f.bus, (const guint8[]) { 0x09, 0, 0, 0 }, 4);
  fm_nand_bus_wait_ready (f.bus);
  g_assert_cmpuint (fm_nand_bus_timing_mode (f.bus), ==, 4);
  fixture_clear (&f);
}

static void
test_timing_mode_sets_cycle_time (void)
{
  Fixture f;
  FmClock *clock;
  guint64 t0, slow, fast;

  fixture_init (&f, fm_test_tiny_desc (NULL), 0, FM_TIMING_VIRTUAL);
  clock = fm_nand_clock (f.nand);
  t0 = fm_clock_now (clock);
  for (guint i = 0; i < 100; i++)
    fm_test_bus_status (f.bus);
  slow = fm_clock_now (clock) - t0;
  fm_test_bus_cmd_addr (f.bus, 0xef, (const guint8[]) { 0x01 }, 1);
  fm_nand_bus_write_buf (f.bus, (const guint8[]) { 0x05, 0, 0, 0 }, 4);
  fm_nand_bus_wait_ready (f.bus);
  t0 = fm_clock_now (clock);
  for (guint i = 0; i < 100; i++)
    fm_test_bus_status (f.bus);
  fast = fm_clock_now (clock) - t0;
  /* Mode 0 cycles are 100 ns, mode 5 cycles 20 ns. */
  g_assert_cmpuint (slow, ==, 200 * 100);
  g_assert_cmpuint (fast, ==, 200 * 20);
  fixture_clear (&f);
}

static void
test_status_enhanced_selects_lun (void)
{
  g_autofree gchar *text = fm_test_tiny_text_with ("geometry", "luns", "luns=2");
  Fixture f;
  guint8 zero = 0;

  fixture_init (&f, fm_chip_desc_load_data (text, "two-luns", NULL), 0, FM_TIMING_VIRTUAL);
  /* Start an erase on LUN 0 and, without waiting, ask LUN 1. */
  bus_cmd_row (&f, 0x60, 0);
  fm_nand_bus_command (f.bus, 0xd0);
  bus_cmd_row (&f, 0x78, f.desc->blocks_per_lun + 1);
  g_assert_cmphex (fm_nand_bus_read (f.bus) & (FM_STATUS_RDY | FM_STATUS_ARDY), ==,
                   FM_STATUS_RDY | FM_STATUS_ARDY);
  bus_cmd_row (&f, 0x78, 0);
  g_assert_cmphex (fm_nand_bus_read (f.bus) & FM_STATUS_RDY, ==, 0);
  fm_nand_bus_wait_ready (f.bus);
  /* Programming LUN 1 lands in LUN 1's blocks. */
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, f.desc->blocks_per_lun + 1, 0, 0, &zero, 1, 0x10)
                   & FM_STATUS_FAIL, ==, 0);
  g_assert_cmphex (fm_image_page (fm_nand_image (f.nand),
                                  (guint64) (f.desc->blocks_per_lun + 1) * f.desc->pages_per_block)[0],
                   ==, 0x00);
  fixture_clear (&f);
}

/* Two chip enables: two targets on one set of I/O lines, each answering
 * only while its CE# is asserted, with its own LUN and registers, over its
 * half of the array (target 1's block 0 is the package's block
 * luns * blocks-per-lun), as Linux's nand_base drives chip 0 and chip 1. */
static void
test_two_chip_enables (void)
{
  g_autofree gchar *text = fm_test_tiny_text_with ("geometry", "chip-enables", "chip-enables=2");
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (text, "two-ces", NULL);
  g_autoptr (FmNand) nand = NULL;
  g_autoptr (FmNandBus) t0 = NULL;
  g_autoptr (FmNandBus) t1 = NULL;
  guint8 data[4] = { 0x12, 0x34, 0x56, 0x78 }, back[4], id[2];
  guint32 t1_block0 = d->luns * d->blocks_per_lun;
  g_autofree guint8 *page = NULL;

  g_assert_nonnull (d);
  g_assert_cmpuint (d->targets, ==, 2);
  g_assert_cmpuint (fm_chip_desc_blocks (d), ==, 2 * d->luns * d->blocks_per_lun);
  nand = fm_test_nand (d, 7, 0, FM_TIMING_VIRTUAL);
  page = g_malloc (page_bytes (d));
  t0 = fm_nand_bus_new_target (nand, 0);
  t1 = fm_nand_bus_new_target (nand, 1);

  /* Both answer READ ID, each while selected. */
  fm_nand_bus_set_ce (t1, TRUE);
  fm_nand_bus_command (t1, 0xff);
  fm_nand_bus_wait_ready (t1);
  fm_test_bus_cmd_addr (t1, 0x90, (const guint8[]) { 0x00 }, 1);
  for (guint i = 0; i < 2; i++)
    id[i] = fm_nand_bus_read (t1) & 0xff;
  g_assert_cmpmem (id, 2, d->id, 2);
  fm_nand_bus_set_ce (t1, FALSE);
  g_assert_cmphex (fm_nand_bus_read (t1), ==, 0xffff); /* deselected: the bus floats */

  /* Program page 0 of block 0 through target 1: the package's block
   * luns * blocks-per-lun, not block 0. */
  fm_nand_bus_set_ce (t1, TRUE);
  g_assert_cmphex (fm_test_bus_program (t1, d, 0, 0, 0, data, sizeof data, 0x10) & FM_STATUS_FAIL, ==, 0);
  page_api_read (nand, t1_block0, 0, page);
  g_assert_cmpmem (page, 4, data, 4);
  page_api_read (nand, 0, 0, page);
  g_assert_true (fm_test_all_ff (page, 4));
  g_assert_cmphex (fm_test_bus_read (t1, d, 0, 0, 0, back, sizeof back) & FM_STATUS_FAIL, ==, 0);
  g_assert_cmpmem (back, 4, data, 4);

  /* Target 1 erasing leaves target 0 ready: separate dies. */
  {
    guint8 addr[8];
    guint n = fm_test_bus_address (d, 0, 0, 0, addr);
    guint cols = fm_chip_desc_col_cycles (d);

    fm_test_bus_cmd_addr (t1, 0x60, addr + cols, n - cols);
    fm_nand_bus_command (t1, 0xd0);
  }
  g_assert_false (fm_nand_bus_ready (t1));
  fm_nand_bus_set_ce (t1, FALSE);
  fm_nand_bus_set_ce (t0, TRUE);
  fm_nand_bus_command (t0, 0xff);
  fm_nand_bus_wait_ready (t0);
  g_assert_cmphex (fm_test_bus_read (t0, d, 0, 0, 0, back, sizeof back) & FM_STATUS_FAIL, ==, 0);
  g_assert_true (fm_test_all_ff (back, sizeof back));
  fm_nand_bus_set_ce (t0, FALSE);
  fm_nand_bus_set_ce (t1, TRUE);
  fm_nand_bus_wait_ready (t1);
  page_api_read (nand, t1_block0, 0, page);
  g_assert_true (fm_test_all_ff (page, 4));
  fm_nand_bus_set_ce (t1, FALSE);

  /* A row address past target 1's LUNs is no block of target 0's. */
  fm_nand_bus_set_ce (t1, TRUE);
  g_assert_cmphex (fm_test_bus_program (t1, d, d->blocks_per_lun * d->luns, 0, 0, data, sizeof data, 0x10)
                   & FM_STATUS_FAIL, ==, FM_STATUS_FAIL);
}

static void
test_chip_enables_bounds (void)
{
  g_autofree gchar *five = fm_test_tiny_text_with ("geometry", "chip-enables", "chip-enables=5");
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (five, "five-ces", &error);

  g_assert_null (d);
  g_assert_nonnull (strstr (error->message, "chip-enables"));
}

/* ---- x16 and small-page parts ------------------------------------------- */

static void
test_x16_part (void)
{
  Fixture f;
  gsize n;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *back = NULL;
  guint16 id0;
  guint32 b;

  fixture_init (&f, fm_test_chip ("micron-mt29f4g16"), 0, FM_TIMING_NONE);
  g_assert_cmpuint (f.desc->bus_width, ==, 16);
  n = page_bytes (f.desc);
  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x00 }, 1);
  id0 = fm_nand_bus_read (f.bus);
  g_assert_cmphex (id0 & 0xff, ==, f.desc->id[0]);

  data = fm_test_pattern (n, 13);
  back = g_malloc (n);
  b = good_block (&f, 0);
  g_assert_cmphex (fm_test_bus_program (f.bus, f.desc, b, 0, 0, data, n, 0x10) & FM_STATUS_FAIL, ==, 0);
  page_api_read (f.nand, b, 0, back);
  g_assert_cmpmem (back, n, data, n);
  /* Columns count 16-bit words: word 1024 is the spare area. */
  fm_test_bus_read (f.bus, f.desc, b, 0, f.desc->page_size, back, 64);
  g_assert_cmpmem (back, 64, data + f.desc->page_size, 64);
  fixture_clear (&f);
}

static void
small_page_cmd_addr (FmNandBus *bus, const FmChipDesc *d, guint8 cmd, guint32 block,
                     guint page, guint8 column)
{
  guint32 row = block * d->pages_per_block + page;

  fm_nand_bus_command (bus, cmd);
  fm_nand_bus_address (bus, column);
  for (guint i = 0; i < fm_chip_desc_row_cycles (d); i++)
    fm_nand_bus_address (bus, (row >> (8 * i)) & 0xff);
}

static void
test_small_page_part (void)
{
  Fixture f;
  g_autofree guint8 *data = NULL;
  guint8 back[528];
  guint32 b;

  fixture_init (&f, fm_test_chip ("samsung-k9f1208"), 0, FM_TIMING_VIRTUAL);
  g_assert_true (f.desc->small_page);
  g_assert_cmpuint (fm_chip_desc_col_cycles (f.desc), ==, 1);
  data = fm_test_pattern (528, 14);
  b = good_block (&f, 0);
  page_api_program (f.nand, b, 3, data);

  /* 00h: first half from the column, the read starts on the last
   * address cycle, no 30h. */
  small_page_cmd_addr (f.bus, f.desc, 0x00, b, 3, 16);
  g_assert_false (fm_nand_bus_ready (f.bus));
  fm_nand_bus_wait_ready (f.bus);
  fm_nand_bus_read_buf (f.bus, back, 528 - 16);
  g_assert_cmpmem (back, 528 - 16, data + 16, 528 - 16);
  /* 01h: second half. */
  small_page_cmd_addr (f.bus, f.desc, 0x01, b, 3, 4);
  fm_nand_bus_wait_ready (f.bus);
  fm_nand_bus_read_buf (f.bus, back, 16);
  g_assert_cmpmem (back, 16, data + 260, 16);
  /* 50h: the spare area. */
  small_page_cmd_addr (f.bus, f.desc, 0x50, b, 3, 2);
  fm_nand_bus_wait_ready (f.bus);
  fm_nand_bus_read_buf (f.bus, back, 14);
  g_assert_cmpmem (back, 14, data + 514, 14);

  /* Program of the spare area after pointer 50h. */
  fm_nand_bus_command (f.bus, 0x50);
  small_page_cmd_addr (f.bus, f.desc, 0x80, b, 4, 0);
  fm_nand_bus_write_buf (f.bus, (const guint8[]) { 0x12, 0x34 }, 2);
  fm_nand_bus_command (f.bus, 0x10);
  fm_nand_bus_wait_ready (f.bus);
  g_assert_cmphex (fm_test_bus_status (f.bus) & FM_STATUS_FAIL, ==, 0);
  page_api_read (f.nand, b, 4, back);
  g_assert_true (fm_test_all_ff (back, 512));
  g_assert_cmphex (back[512], ==, 0x12);
  g_assert_cmphex (back[513], ==, 0x34);

  /* Large-page confirms are not commands of this part. */
  small_page_cmd_addr (f.bus, f.desc, 0x00, b, 3, 0);
  fm_nand_bus_wait_ready (f.bus);
  fm_nand_bus_command (f.bus, 0x30);
  g_assert_true (fm_nand_bus_ready (f.bus));
  fixture_clear (&f);
}

/* ---- page-level and bus-level agree ------------------------------------- */

/* The same random workload through the page API on one model and over the
 * bus on another (same seed): same results, same final image. */
static void
test_page_api_and_bus_agree (void)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) a = fm_test_nand (desc, 21, 3, FM_TIMING_VIRTUAL);
  g_autoptr (FmNand) b = fm_test_nand (desc, 21, 3, FM_TIMING_VIRTUAL);
  g_autoptr (FmNandBus) bus = fm_nand_bus_new (b);
  gsize n = page_bytes (desc);
  g_autofree guint8 *data = g_malloc (n);
  g_autofree guint8 *ra = g_malloc (n);
  g_autofree guint8 *rb = g_malloc (n);
  guint32 blocks = fm_chip_desc_blocks (desc);
  FmPrng prng;
  guint fails = 0;

  fm_nand_bus_set_ce (bus, TRUE);
  fm_prng_init (&prng, 5);
  for (guint i = 0; i < 3000; i++)
    {
      guint64 r = fm_prng_next (&prng);
      guint32 blk = (r >> 8) % blocks;
      guint page = (r >> 20) % desc->pages_per_block;
      g_autoptr (GError) error = NULL;
      gboolean ok;
      guint8 s;

      switch (r % 4)
        {
        case 0:
          ok = fm_nand_erase_block (a, blk, &error);
          s = bus_erase (bus, desc, blk, 0xd0);
          g_assert_cmpint (ok, ==, !(s & FM_STATUS_FAIL));
          fails += !ok;
          break;
        case 1:
          for (gsize k = 0; k < n; k++)
            data[k] = (guint8) fm_prng_next (&prng);
          ok = fm_nand_program_page (a, blk, page, data, &error);
          s = fm_test_bus_program (bus, desc, blk, page, 0, data, n, 0x10);
          g_assert_cmpint (ok, ==, !(s & FM_STATUS_FAIL));
          fails += !ok;
          break;
        default:
          g_assert_true (fm_nand_read_page (a, blk, page, ra, NULL));
          fm_test_bus_read (bus, desc, blk, page, 0, rb, n);
          g_assert_cmpmem (ra, n, rb, n);
          break;
        }
    }
  g_assert_cmpuint (fails, >, 0); /* the workload did exercise failures */
  for (guint32 blk = 0; blk < blocks; blk++)
    {
      const FmBlockMeta *ma = fm_image_block (fm_nand_image (a), blk);
      const FmBlockMeta *mb = fm_image_block (fm_nand_image (b), blk);

      g_assert_cmpuint (ma->erase_count, ==, mb->erase_count);
      g_assert_cmpuint (ma->flags, ==, mb->flags);
      for (guint p = 0; p < desc->pages_per_block; p++)
        {
          g_assert_true (fm_nand_read_page (a, blk, p, ra, NULL));
          g_assert_true (fm_nand_read_page (b, blk, p, rb, NULL));
          g_assert_cmpmem (ra, n, rb, n);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nand-bus/detect/micron-mt29f4g", test_detect_micron_mt29f4g);
  g_test_add_func ("/nand-bus/detect/every-shipped-chip", test_detect_every_shipped_chip);
  g_test_add_func ("/nand-bus/detect/ext-param-page", test_detect_ext_param_page);
  g_test_add_func ("/nand-bus/status/after-reset", test_status_after_reset);
  g_test_add_func ("/nand-bus/status/write-protect", test_write_protect);
  g_test_add_func ("/nand-bus/status/enhanced-selects-lun", test_status_enhanced_selects_lun);
  g_test_add_func ("/nand-bus/two-chip-enables", test_two_chip_enables);
  g_test_add_func ("/nand-bus/chip-enables-bounds", test_chip_enables_bounds);
  g_test_add_func ("/nand-bus/program-and-read", test_program_and_read);
  g_test_add_func ("/nand-bus/program-rules-set-fail", test_program_rules_set_fail);
  g_test_add_func ("/nand-bus/factory-bad-block-fails", test_factory_bad_block_fails);
  g_test_add_func ("/nand-bus/bad-block-scan", test_bad_block_scan_matches_factory);
  g_test_add_func ("/nand-bus/busy-and-virtual-time", test_busy_gating_and_virtual_time);
  g_test_add_func ("/nand-bus/ce-deselect", test_ce_deselect_keeps_state);
  g_test_add_func ("/nand-bus/illegal/orphan-confirms", test_orphan_confirms_are_ignored);
  g_test_add_func ("/nand-bus/illegal/random-cycles", test_random_cycles_never_crash);
  g_test_add_func ("/nand-bus/cache/program", test_cache_program);
  g_test_add_func ("/nand-bus/cache/program-busy", test_cache_program_busy_is_short);
  g_test_add_func ("/nand-bus/cache/read", test_read_cache);
  g_test_add_func ("/nand-bus/multi-plane", test_multi_plane_program_and_erase);
  g_test_add_func ("/nand-bus/multi-plane/queue-bounded", test_multi_plane_queue_is_bounded);
  g_test_add_func ("/nand-bus/multi-plane/rules", test_multi_plane_rules);
  g_test_add_func ("/nand-bus/copyback", test_copyback);
  g_test_add_func ("/nand-bus/unique-id", test_unique_id);
  g_test_add_func ("/nand-bus/features", test_features);
  g_test_add_func ("/nand-bus/timing-mode-cycle-time", test_timing_mode_sets_cycle_time);
  g_test_add_func ("/nand-bus/x16", test_x16_part);
  g_test_add_func ("/nand-bus/small-page", test_small_page_part);
  g_test_add_func ("/nand-bus/page-api-agrees", test_page_api_and_bus_agree);
  return g_test_run ();
}
