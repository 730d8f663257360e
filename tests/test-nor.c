/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The NOR cells (fm-nor.h): byte programs that only clear bits, sector
 * erases over the part's layout, timing, and the NAND machinery the cells
 * reuse: counters, faults, journals and replay, power cuts. */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  FmChipDesc *desc;
  FmNor *nor;
} Fixture;

static void
fixture_init (Fixture *f, const gchar *text, FmTimingMode timing)
{
  g_autoptr (GError) error = NULL;
  FmImage *image;

  f->desc = fm_chip_desc_load_data (text, "test", &error);
  g_assert_no_error (error);
  image = fm_nor_create_image (f->desc, NULL, 3, &error);
  g_assert_no_error (error);
  f->nor = fm_nor_new (f->desc, image, timing, &error);
  g_assert_no_error (error);
}

static void
fixture_clear (Fixture *f)
{
  fm_nor_free (f->nor);
  fm_chip_desc_free (f->desc);
}

static FmBlockMeta *
block_meta (Fixture *f, guint32 block)
{
  return fm_image_block (fm_nand_image (fm_nor_cells (f->nor)), block);
}

static void
test_geometry (void)
{
  Fixture f;
  guint64 start;
  guint32 size;

  fixture_init (&f, fm_test_nor_cfi_text, FM_TIMING_NONE);
  g_assert_cmpuint (fm_nor_size (f.nor), ==, 262144);
  /* The array: 8 KiB blocks of 64-byte pages, no spare area. */
  g_assert_cmpuint (f.desc->page_size, ==, 64);
  g_assert_cmpuint (f.desc->oob_size, ==, 0);
  g_assert_cmpuint (fm_chip_desc_blocks (f.desc), ==, 32);
  g_assert_true (fm_nor_sector_at (f.nor, 0x1fff, &start, &size));
  g_assert_cmpuint (start, ==, 0);
  g_assert_cmpuint (size, ==, 8192);
  g_assert_true (fm_nor_sector_at (f.nor, 0x10000 + 0x12345, &start, &size));
  g_assert_cmpuint (start, ==, 0x20000);
  g_assert_cmpuint (size, ==, 65536);
  g_assert_false (fm_nor_sector_at (f.nor, 262144, &start, &size));
  fixture_clear (&f);
}

static void
test_program_only_clears (void)
{
  g_autoptr (GError) error = NULL;
  guint8 buf[300];
  const guint8 first[] = { 0x0f, 0xf0, 0x55 };
  const guint8 second[] = { 0xff, 0x3c, 0xaa };
  Fixture f;

  fixture_init (&f, fm_test_nor_spi_text, FM_TIMING_NONE);
  /* Across a page boundary: bytes 254..256. */
  g_assert_true (fm_nor_program (f.nor, 254, first, 3, &error));
  g_assert_true (fm_nor_program (f.nor, 254, second, 3, &error));
  g_assert_no_error (error);
  g_assert_true (fm_nor_read (f.nor, 100, buf, sizeof buf, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < sizeof buf; i++)
    {
      guint addr = 100 + i;
      guint8 want = addr >= 254 && addr < 257 ? (first[addr - 254] & second[addr - 254]) : 0xff;

      g_assert_cmphex (buf[i], ==, want);
    }
  /* Two pages touched by each program. */
  g_assert_cmpuint (block_meta (&f, 0)->program_count, ==, 4);
  fixture_clear (&f);
}

static void
test_erase (void)
{
  g_autoptr (GError) error = NULL;
  guint8 zeros[16] = { 0 }, buf[16];
  Fixture f;

  fixture_init (&f, fm_test_nor_cfi_text, FM_TIMING_NONE);
  g_assert_true (fm_nor_program (f.nor, 0x20010, zeros, sizeof zeros, &error));
  g_assert_true (fm_nor_program (f.nor, 0x2000, zeros, sizeof zeros, &error));
  /* A 64 KiB sector is 8 blocks of the array: each counts an erase. */
  g_assert_true (fm_nor_erase (f.nor, 0x20000, 0x10000, &error));
  g_assert_no_error (error);
  for (guint b = 16; b < 24; b++)
    g_assert_cmpuint (block_meta (&f, b)->erase_count, ==, 1);
  g_assert_cmpuint (block_meta (&f, 24)->erase_count, ==, 0);
  g_assert_cmpuint (block_meta (&f, 1)->erase_count, ==, 0);
  g_assert_true (fm_nor_read (f.nor, 0x20010, buf, sizeof buf, &error));
  for (guint i = 0; i < sizeof buf; i++)
    g_assert_cmphex (buf[i], ==, 0xff);
  g_assert_true (fm_nor_read (f.nor, 0x2000, buf, sizeof buf, &error));
  g_assert_cmphex (buf[0], ==, 0);

  /* Half a sector, or a range starting inside one, is refused. */
  g_assert_false (fm_nor_erase (f.nor, 0x20000, 0x8000, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (fm_nor_erase (f.nor, 0x1000, 0x2000, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (fm_nor_read (f.nor, 262140, buf, 8, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  fixture_clear (&f);
}

/* Bytes of one page come from the read buffer: one array read, until a
 * program of the page reloads it. */
static void
test_read_buffer (void)
{
  g_autoptr (GError) error = NULL;
  guint8 byte = 0;
  const guint8 zero = 0;
  Fixture f;

  fixture_init (&f, fm_test_nor_spi_text, FM_TIMING_NONE);
  for (guint i = 0; i < 256; i++)
    g_assert_true (fm_nor_cells_read (f.nor, i, &byte, 1));
  g_assert_cmpuint (block_meta (&f, 0)->read_count, ==, 1);
  g_assert_cmpuint (fm_nor_cells_program (f.nor, 7, &zero, 1), ==, FM_ARRAY_PASS);
  g_assert_true (fm_nor_cells_read (f.nor, 7, &byte, 1));
  g_assert_cmphex (byte, ==, 0);
  g_assert_cmpuint (block_meta (&f, 0)->read_count, ==, 2);
  g_assert_true (fm_nor_read (f.nor, 256, &byte, 1, &error));
  g_assert_cmpuint (block_meta (&f, 0)->read_count, ==, 3);
  fixture_clear (&f);
}

/* Virtual time: a buffer's program time, and an erase by the largest
 * instruction that fits (one 32 KiB erase, not eight 4 KiB ones). */
static void
test_timing (void)
{
  g_autoptr (GError) error = NULL;
  guint8 page[256];
  Fixture f;
  guint64 t0, t1;

  fixture_init (&f, fm_test_nor_spi_text, FM_TIMING_VIRTUAL);
  memset (page, 0, sizeof page);
  t0 = fm_clock_now (fm_nor_clock (f.nor));
  g_assert_true (fm_nor_program (f.nor, 0, page, sizeof page, &error));
  t1 = fm_clock_now (fm_nor_clock (f.nor));
  g_assert_cmpuint (t1 - t0, ==, 400000);
  g_assert_true (fm_nor_program (f.nor, 1024, page, 1, &error));
  g_assert_cmpuint (fm_clock_now (fm_nor_clock (f.nor)) - t1, ==, 30000);
  t1 = fm_clock_now (fm_nor_clock (f.nor));
  g_assert_true (fm_nor_erase (f.nor, 0x7000, 0x1000 + 0x8000, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fm_clock_now (fm_nor_clock (f.nor)) - t1, ==, 120000000 + 45000000);
  fixture_clear (&f);
}

static void
test_faults (void)
{
  g_autoptr (GError) error = NULL;
  const guint8 zero = 0;
  Fixture f;

  fixture_init (&f, fm_test_nor_spi_text, FM_TIMING_NONE);
  fm_nand_set_faults (fm_nor_cells (f.nor),
                      fm_fault_set_parse ("program-fail block=2 page=3 nth=1; erase-fail block=5", &error));
  g_assert_no_error (error);
  g_assert_true (fm_nor_program (f.nor, 2 * 4096 + 2 * 256, &zero, 1, &error));
  g_assert_false (fm_nor_program (f.nor, 2 * 4096 + 3 * 256 + 9, &zero, 1, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED);
  g_clear_error (&error);
  g_assert_false (fm_nor_erase (f.nor, 5 * 4096, 4096, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_ERASE_FAILED);
  fixture_clear (&f);
}

/* A NOR workload recorded through the cells' journal replays to the same
 * image; a live power cut tears a program as replay tears it. */
static void
run_workload (FmNor *nor, guint64 seed)
{
  g_autofree guint8 *data = fm_test_pattern (4096, seed);
  GError *error = NULL;

  for (guint round = 0; round < 6; round++)
    {
      guint64 sector = (round % 4) * 4096;

      if (!fm_nor_erase (nor, sector, 4096, &error))
        break;
      /* Odd sizes at odd offsets, as JFFS2 writes nodes. */
      for (guint off = 0; off + 300 < 4096; off += 301 + round)
        if (!fm_nor_program (nor, sector + off, data + off, 77 + round * 13, &error))
          goto out;
    }
out:
  g_clear_error (&error);
}

static void
test_journal_replay (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *dir = g_dir_make_tmp ("test-nor-XXXXXX", &error);
  g_autofree gchar *base_path = g_build_filename (dir, "base.img", NULL);
  g_autofree gchar *live_path = g_build_filename (dir, "live.img", NULL);
  g_autofree gchar *replay_path = g_build_filename (dir, "replay.img", NULL);
  g_autofree gchar *journal_path = g_build_filename (dir, "run.journal", NULL);
  g_autoptr (FmChipDesc) desc = fm_chip_desc_load_data (fm_test_nor_spi_text, "test", &error);
  g_autoptr (FmJournalReader) reader = NULL;
  g_autoptr (FmImage) replayed = NULL;
  FmJournalWriter *w;
  FmImage *base;
  FmNor *nor;

  base = fm_nor_create_image (desc, base_path, 5, &error);
  g_assert_no_error (error);
  g_assert_true (fm_image_copy_to (base, live_path, &error));
  g_assert_true (fm_image_copy_to (base, replay_path, &error));
  fm_image_close (base);
  nor = fm_nor_new (desc, fm_image_open (live_path, desc, FALSE, &error), FM_TIMING_VIRTUAL, &error);
  g_assert_no_error (error);
  w = fm_journal_writer_new (journal_path, fm_nand_image (fm_nor_cells (nor)), desc, 1, FALSE, &error);
  g_assert_no_error (error);
  fm_nand_set_observer (fm_nor_cells (nor), fm_journal_writer_observe, w);
  run_workload (nor, 9);
  fm_nand_set_observer (fm_nor_cells (nor), NULL, NULL);
  g_assert_cmpuint (fm_journal_writer_records (w), >, 50);
  g_assert_true (fm_journal_writer_close (w, &error));

  reader = fm_journal_reader_open (journal_path, &error);
  g_assert_no_error (error);
  replayed = fm_image_open (replay_path, desc, FALSE, &error);
  g_assert_true (fm_replay_until (replayed, desc, reader, 0, FM_CUT_CLEAN, NULL, NULL, &error));
  g_assert_no_error (error);
  fm_test_assert_same_chip (replayed, fm_nand_image (fm_nor_cells (nor)), desc);
  fm_nor_free (nor);
  g_unlink (base_path);
  g_unlink (live_path);
  g_unlink (replay_path);
  g_unlink (journal_path);
  g_rmdir (dir);
}

static void
test_power_cut (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *zeros = g_malloc0 (256);
  guint8 buf[256];
  Fixture f;
  guint cleared = 0;

  fixture_init (&f, fm_test_nor_spi_text, FM_TIMING_NONE);
  fm_nand_set_faults (fm_nor_cells (f.nor), fm_fault_set_parse ("powercut@op=2", &error));
  g_assert_no_error (error);
  g_assert_true (fm_nor_erase (f.nor, 0, 4096, &error));
  g_assert_false (fm_nor_program (f.nor, 0, zeros, 256, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_POWER_OFF);
  g_clear_error (&error);
  g_assert_true (fm_nand_powered_off (fm_nor_cells (f.nor)));
  g_assert_false (fm_nor_read (f.nor, 0, buf, 1, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_POWER_OFF);
  /* The torn page: some bits programmed, not all (read as the image
   * holds it, the chip being off). */
  memcpy (buf, fm_image_page (fm_nand_image (fm_nor_cells (f.nor)), 0), sizeof buf);
  for (guint i = 0; i < sizeof buf; i++)
    cleared += 8 - __builtin_popcount (buf[i]);
  g_assert_cmpuint (cleared, >, 0);
  g_assert_cmpuint (cleared, <, 256 * 8);
  fixture_clear (&f);
}

static void
test_not_nor (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) nand = fm_test_tiny_desc (NULL);

  g_assert_null (fm_nor_create_image (nand, NULL, 1, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nor/geometry", test_geometry);
  g_test_add_func ("/nor/program-only-clears", test_program_only_clears);
  g_test_add_func ("/nor/erase", test_erase);
  g_test_add_func ("/nor/read-buffer", test_read_buffer);
  g_test_add_func ("/nor/timing", test_timing);
  g_test_add_func ("/nor/faults", test_faults);
  g_test_add_func ("/nor/journal-replay", test_journal_replay);
  g_test_add_func ("/nor/power-cut", test_power_cut);
  g_test_add_func ("/nor/not-nor", test_not_nor);
  return g_test_run ();
}
