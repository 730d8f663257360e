/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The persistent image: sparse storage, persistence, and refusal of
 * corrupt or mismatched files. */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  gchar *dir;
  gchar *path;
  FmChipDesc *desc;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  (void) data;
  f->dir = g_dir_make_tmp ("fm-image-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "chip.img", NULL);
  f->desc = fm_test_tiny_desc (NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  g_unlink (f->path);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
  fm_chip_desc_free (f->desc);
}

static FmNand *
open_nand (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  FmImage *image = fm_image_open (f->path, f->desc, FALSE, &error);
  FmNand *nand;

  g_assert_no_error (error);
  nand = fm_nand_new (f->desc, image, FM_TIMING_NONE, &error);
  g_assert_no_error (error);
  return nand;
}

static void
create (Fixture *f, guint64 seed, gint bad)
{
  FmNandCreateOptions options = { seed, bad };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmImage) image = fm_nand_create_image (f->desc, f->path, &options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
}

static void
test_persistence (Fixture *f, gconstpointer data)
{
  gsize n = 2048 + 64;
  g_autofree guint8 *pattern = fm_test_pattern (n, 5);
  g_autofree guint8 *back = g_malloc (n);
  g_autoptr (GError) error = NULL;

  (void) data;
  create (f, 42, 0);
  {
    g_autoptr (FmNand) nand = open_nand (f);

    for (int i = 0; i < 3; i++)
      g_assert_true (fm_nand_erase_block (nand, 5, &error));
    g_assert_true (fm_nand_program_page (nand, 5, 0, pattern, &error));
    g_assert_true (fm_nand_program_page (nand, 5, 3, pattern, &error));
  }
  {
    g_autoptr (FmNand) nand = open_nand (f);
    FmImage *image = fm_nand_image (nand);

    g_assert_cmpuint (fm_image_seed (image), ==, 42);
    g_assert_cmpuint (fm_image_block (image, 5)->erase_count, ==, 3);
    g_assert_cmpuint (fm_image_block (image, 5)->next_page, ==, 4);
    g_assert_cmpuint (fm_image_pages_with_data (image), ==, 2);
    g_assert_cmpuint (fm_image_page_programs (image, 5 * 8 + 3), ==, 1);
    g_assert_true (fm_nand_read_page (nand, 5, 3, back, &error));
    g_assert_cmpmem (back, n, pattern, n);
    g_assert_true (fm_nand_read_page (nand, 5, 1, back, &error));
    for (gsize i = 0; i < n; i++)
      g_assert_cmphex (back[i], ==, 0xff);
  }
}

static void
test_sparse_and_slot_reuse (Fixture *f, gconstpointer data)
{
  gsize n = 2048 + 64;
  g_autofree guint8 *pattern = fm_test_pattern (n, 9);
  g_autoptr (GError) error = NULL;
  guint64 size_after_first;

  (void) data;
  create (f, 1, 0);
  {
    g_autoptr (FmNand) nand = open_nand (f);
    FmImage *image = fm_nand_image (nand);
    guint64 empty = fm_image_file_bytes (image);

    /* An empty 1 MiB chip costs its metadata, not its size. */
    g_assert_cmpuint (empty, <, 64 * 1024);
    for (guint p = 0; p < 8; p++)
      g_assert_true (fm_nand_program_page (nand, 10, p, pattern, &error));
    size_after_first = fm_image_file_bytes (image);
    g_assert_cmpuint (size_after_first, >, empty);
    /* Erase and rewrite many times: freed slots are reused, the file
     * does not grow. */
    for (guint round = 0; round < 20; round++)
      {
        g_assert_true (fm_nand_erase_block (nand, 10, &error));
        g_assert_cmpuint (fm_image_pages_with_data (image), ==, 0);
        for (guint p = 0; p < 8; p++)
          g_assert_true (fm_nand_program_page (nand, 10, p, pattern, &error));
      }
    g_assert_cmpuint (fm_image_file_bytes (image), ==, size_after_first);
    /* Programming all ones changes nothing and stores nothing. */
    memset (pattern, 0xff, n);
    g_assert_true (fm_nand_program_page (nand, 11, 0, pattern, &error));
    g_assert_cmpuint (fm_image_pages_with_data (image), ==, 8);
  }
}

static void
test_refuses_existing_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *contents = NULL;

  (void) data;
  g_assert_true (g_file_set_contents (f->path, "precious", -1, &error));
  g_assert_null (fm_image_create (f->path, f->desc, 1, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_true (g_file_get_contents (f->path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");
}

static void
expect_open_error (Fixture *f, const FmChipDesc *desc, gint code, const gchar *words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmImage) image = fm_image_open (f->path, desc, TRUE, &error);

  g_assert_null (image);
  g_assert_error (error, FM_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_nonnull (strstr (error->message, words));
}

static void
corrupt_byte (const gchar *path, goffset offset, guint8 xor_mask)
{
  int fd = open (path, O_RDWR);
  guint8 b;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pread (fd, &b, 1, offset), ==, 1);
  b ^= xor_mask;
  g_assert_cmpint (pwrite (fd, &b, 1, offset), ==, 1);
  close (fd);
}

static void
test_truncated (Fixture *f, gconstpointer data)
{
  (void) data;
  create (f, 1, 2);
  g_assert_cmpint (truncate (f->path, 100), ==, 0);
  expect_open_error (f, f->desc, FM_ERROR_IMAGE_CORRUPT, "not a flashmodel image");
  g_unlink (f->path);

  create (f, 1, 2);
  g_assert_cmpint (truncate (f->path, 4096 + 10), ==, 0);
  expect_open_error (f, f->desc, FM_ERROR_IMAGE_CORRUPT, "truncated");
}

static void
test_header_bit_flips (Fixture *f, gconstpointer data)
{
  (void) data;
  create (f, 1, 2);
  /* Every byte of the header is covered: flip one bit at a time. */
  for (goffset off = 8; off < FM_IMAGE_HEADER_SIZE; off += 61)
    {
      corrupt_byte (f->path, off, 0x10);
      expect_open_error (f, NULL, FM_ERROR_IMAGE_CORRUPT, "corrupt image");
      corrupt_byte (f->path, off, 0x10);
    }
  corrupt_byte (f->path, 0, 0x01);
  expect_open_error (f, NULL, FM_ERROR_IMAGE_CORRUPT, "bad magic");
  corrupt_byte (f->path, 0, 0x01);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (FmImage) image = fm_image_open (f->path, f->desc, TRUE, &error);

    g_assert_no_error (error);
  }
}

static void
test_corrupt_tables (Fixture *f, gconstpointer data)
{
  gsize n = 2048 + 64;
  g_autofree guint8 *pattern = fm_test_pattern (n, 3);
  g_autoptr (GError) error = NULL;
  goffset block_table = FM_IMAGE_HEADER_SIZE;
  goffset page_table = FM_IMAGE_HEADER_SIZE + 4096; /* 64 blocks x 32 B, aligned */

  (void) data;
  create (f, 1, 0);
  {
    g_autoptr (FmNand) nand = open_nand (f);

    g_assert_true (fm_nand_program_page (nand, 0, 0, pattern, &error));
    g_assert_true (fm_nand_program_page (nand, 0, 1, pattern, &error));
  }
  /* Page 1 claims page 0's slot. */
  corrupt_byte (f->path, page_table + 4, 0x03);
  expect_open_error (f, f->desc, FM_ERROR_IMAGE_CORRUPT, "shared slot");
  corrupt_byte (f->path, page_table + 4, 0x03);
  /* A slot beyond the file. */
  corrupt_byte (f->path, page_table + 2, 0x10);
  expect_open_error (f, f->desc, FM_ERROR_IMAGE_CORRUPT, "missing slot");
  corrupt_byte (f->path, page_table + 2, 0x10);
  /* Unknown block flags. */
  corrupt_byte (f->path, block_table + 4, 0x80);
  expect_open_error (f, f->desc, FM_ERROR_IMAGE_CORRUPT, "block 0");
}

/* Hostile headers with a valid checksum: each is refused for the field
 * it gets wrong, never trusted (issue 16: a slot size that is 0 once
 * page_size + oob_size wraps in 32 bits was a division by zero). */
typedef struct {
  const gchar *what;
  struct {
    goffset offset;
    guint64 value;
    guint len;
  } pokes[3];
  const gchar *expect;
} HeaderCase;

#define POKE32(field, v) { FM_TEST_HEADER_##field, (v), 4 }
#define POKE64(field, v) { FM_TEST_HEADER_##field, (v), 8 }

static const HeaderCase header_cases[] = {
  { "slot size wrapping to 0", { POKE32 (PAGE_SIZE, 0xffffffff), POKE32 (OOB_SIZE, 1), POKE32 (SLOT_SIZE, 0) },
    "header field page_size is 4294967295, outside [1, 32768]" },
  { "page size 0", { POKE32 (PAGE_SIZE, 0) }, "header field page_size is 0, outside [1, 32768]" },
  { "spare area as large as the page", { POKE32 (OOB_SIZE, 2048), POKE32 (SLOT_SIZE, 4096) },
    "header field oob_size is 2048, outside [0, 2047]" },
  { "huge spare area", { POKE32 (PAGE_SIZE, 32768), POKE32 (OOB_SIZE, 5000), POKE32 (SLOT_SIZE, 37768) },
    "header field oob_size is 5000, outside [0, 4096]" },
  { "slot size 0", { POKE32 (SLOT_SIZE, 0) }, "header field slot_size is 0, not page_size + oob_size (2112)" },
  { "no pages per block", { POKE32 (PAGES_PER_BLOCK, 0) }, "header field pages_per_block is 0, outside [1, 65535]" },
  { "too many pages per block", { POKE32 (PAGES_PER_BLOCK, 65536) }, "header field pages_per_block is 65536" },
  { "no blocks", { POKE32 (BLOCKS, 0) }, "header field blocks is 0, outside [1, 16777216]" },
  { "too many blocks", { POKE32 (BLOCKS, 0xffffffff) }, "header field blocks is 4294967295" },
  { "more pages than slot numbers", { POKE32 (BLOCKS, 1 << 24), POKE32 (PAGES_PER_BLOCK, 16) },
    "header fields blocks and pages_per_block make 268435456 pages, more than the format's 268435455" },
  { "unknown flags", { POKE32 (FLAGS, 3) }, "header field flags has unknown bits 0x2" },
  { "header size", { POKE32 (HEADER_SIZE, 0) }, "header field header_size is 0, not 4096" },
  { "block table moved", { POKE64 (BLOCK_TABLE_OFF, 8192) }, "header field block_table_off is 8192, not 4096" },
  { "page table moved", { POKE64 (PAGE_TABLE_OFF, 4096) },
    "header field page_table_off is 4096, the geometry puts the page table at 8192" },
  { "slots moved", { POKE64 (SLOT_AREA_OFF, G_MAXUINT64 - 4095) },
    "header field slot_area_off is 18446744073709547520, the geometry puts the slots at 12288" },
};

static void
test_header_fields (Fixture *f, gconstpointer data)
{
  (void) data;
  for (guint i = 0; i < G_N_ELEMENTS (header_cases); i++)
    {
      const HeaderCase *c = &header_cases[i];

      g_test_message ("%s", c->what);
      g_unlink (f->path);
      create (f, 1, 0);
      for (guint k = 0; k < G_N_ELEMENTS (c->pokes) && c->pokes[k].len; k++)
        fm_test_image_poke (f->path, c->pokes[k].offset, c->pokes[k].value, c->pokes[k].len);
      expect_open_error (f, NULL, FM_ERROR_IMAGE_CORRUPT, c->expect);
      expect_open_error (f, f->desc, FM_ERROR_IMAGE_CORRUPT, c->expect);
    }
}

/* The chip name is a catalog name: a path there would make a tool that
 * looks the chip up read any file. */
static void
test_header_chip_name (Fixture *f, gconstpointer data)
{
  const gchar *names[] = { "", "../../etc/passwd", "Test-Tiny", "test tiny" };

  (void) data;
  create (f, 1, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      fm_test_image_poke_name (f->path, names[i]);
      expect_open_error (f, NULL, FM_ERROR_IMAGE_CORRUPT, "header field chip_name is not a chip name");
    }
  /* 64 characters leave no room for the NUL. */
  fm_test_image_poke_name (f->path, "test-tiny-test-tiny-test-tiny-test-tiny-test-tiny-test-tiny-test");
  expect_open_error (f, NULL, FM_ERROR_IMAGE_CORRUPT, "header field chip_name");
}

/* The file's size against the header: whole slots, no more than pages. */
static void
test_slot_area_size (Fixture *f, gconstpointer data)
{
  guint64 slots_at;

  (void) data;
  create (f, 1, 0);
  slots_at = fm_test_image_peek (f->path, FM_TEST_HEADER_SLOT_AREA_OFF, 8);
  g_assert_cmpint (truncate (f->path, slots_at + 2112 + 10), ==, 0);
  expect_open_error (f, f->desc, FM_ERROR_IMAGE_CORRUPT, "slot area of 2122 bytes is not a whole number of 2112-byte slots");
  g_assert_cmpint (truncate (f->path, slots_at + 513 * 2112), ==, 0);
  expect_open_error (f, f->desc, FM_ERROR_IMAGE_CORRUPT, "slot area holds 513 slots, more than the chip's 512 pages");
  g_assert_cmpint (truncate (f->path, slots_at + 512 * 2112), ==, 0);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (FmImage) image = fm_image_open (f->path, f->desc, TRUE, &error);

    g_assert_no_error (error);
  }
}

/* Block records whose page numbers leave the block. */
static void
test_block_table_bounds (Fixture *f, gconstpointer data)
{
  const struct {
    goffset field;    /* in the 64-byte record */
    const gchar *expect;
  } cases[] = {
    { 20, "metadata of block 3 is invalid: next_page is 9, past the block's 8 pages" },
    { 22, "metadata of block 3 is invalid: unstable_page is 9, past the block's 8 pages" },
  };

  (void) data;
  create (f, 1, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      goffset at = FM_IMAGE_HEADER_SIZE + 3 * sizeof (FmBlockMeta) + cases[i].field;

      corrupt_byte (f->path, at, 9);
      expect_open_error (f, f->desc, FM_ERROR_IMAGE_CORRUPT, cases[i].expect);
      corrupt_byte (f->path, at, 9);
    }
}

/* An image consistent in itself but of another geometry than the chip
 * its header names: refused wherever it meets the chip, for the field. */
static void
test_geometry_against_chip (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmImage) image = NULL;

  (void) data;
  create (f, 1, 0);
  /* 32 blocks keep the tables where 64 have them. */
  fm_test_image_poke (f->path, FM_TEST_HEADER_BLOCKS, 32, 4);
  expect_open_error (f, f->desc, FM_ERROR_IMAGE_MISMATCH, "header field blocks is 32, the chip's 64");
  g_unlink (f->path);
  create (f, 1, 0);
  fm_test_image_poke (f->path, FM_TEST_HEADER_PAGE_SIZE, 16, 4);
  fm_test_image_poke (f->path, FM_TEST_HEADER_OOB_SIZE, 8, 4);
  fm_test_image_poke (f->path, FM_TEST_HEADER_SLOT_SIZE, 24, 4);
  expect_open_error (f, f->desc, FM_ERROR_IMAGE_MISMATCH, "header field page_size is 16, the chip's 2048");
  /* Opened for any chip, it is whole; the model still refuses it. */
  image = fm_image_open (f->path, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (fm_nand_new (f->desc, g_steal_pointer (&image), FM_TIMING_NONE, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "header field page_size is 16"));
}

/* Without a descriptor, the chip is found by the header's name and the
 * whole geometry checked against it. */
static void
test_open_find_chip (Fixture *f, gconstpointer data)
{
  g_autoptr (FmChipDesc) chip = fm_test_chip ("micron-mt29f4g");
  g_autoptr (FmChipDesc) found = NULL;
  g_autoptr (GError) error = NULL;
  FmImage *image;

  (void) data;
  image = fm_image_create (f->path, chip, 1, &error);
  g_assert_no_error (error);
  fm_image_close (image);
  image = fm_image_open_find_chip (f->path, TRUE, &found, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->name, ==, "micron-mt29f4g");
  fm_image_close (image);
  g_clear_pointer (&found, fm_chip_desc_free);

  fm_test_image_poke (f->path, FM_TEST_HEADER_OOB_SIZE, 8, 4);
  fm_test_image_poke (f->path, FM_TEST_HEADER_SLOT_SIZE, 2048 + 8, 4);
  g_assert_null (fm_image_open_find_chip (f->path, TRUE, &found, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH);
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_nonnull (strstr (error->message, "header field oob_size is 8, the chip's 64"));
  g_assert_null (found);
  g_clear_error (&error);

  fm_test_image_poke_name (f->path, "no-such-chip");
  g_assert_null (fm_image_open_find_chip (f->path, TRUE, &found, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "made for chip 'no-such-chip'"));
}

/* A program that finds no room in the image file fails as a program:
 * FM_ERROR_IO from the page API, FAIL in the status register on the bus;
 * it changes nothing, and the chip goes on once there is room. Was
 * g_error() (and, through a mapping on a full disk, SIGBUS). */
static void
test_no_room (Fixture *f, gconstpointer data)
{
  gsize n = 2048 + 64;
  g_autofree guint8 *pattern = fm_test_pattern (n, 4);
  g_autofree guint8 *back = g_malloc (n);
  g_autoptr (GError) error = NULL;
  FmTestBus bus;
  FmNand *nand;
  FmImage *image;
  struct rlimit saved;

  (void) data;
  create (f, 1, 0);
  fm_test_bus_init (&bus, fm_test_tiny_desc (NULL), open_nand (f));
  nand = bus.nand;
  image = fm_nand_image (nand);
  fm_test_forbid_growth (f->path, &saved);

  g_assert_false (fm_nand_program_page (nand, 3, 0, pattern, &error));
  fm_test_allow_growth (&saved);
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "program of block 3 page 0 failed: "));
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_nonnull (strstr (error->message, "no room to store page 24"));
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_assert_nonnull (fm_nand_storage_error (nand));
  g_assert_cmpuint (fm_nand_stats (nand)->program_failures, ==, 1);
  /* Nothing changed. */
  g_assert_cmpuint (fm_image_pages_with_data (image), ==, 0);
  g_assert_cmpuint (fm_image_page_programs (image, 24), ==, 0);
  g_assert_cmpuint (fm_image_block (image, 3)->program_count, ==, 0);
  g_assert_cmpuint (fm_image_block (image, 3)->next_page, ==, 0);
  g_clear_error (&error);

  /* The bus reports FAIL for the same. */
  fm_test_forbid_growth (f->path, &saved);
  g_assert_cmphex (fm_test_bus_program (bus.bus, bus.desc, 3, 0, 0, pattern, n, 0x10) & FM_STATUS_FAIL,
                   ==, FM_STATUS_FAIL);
  fm_test_allow_growth (&saved);

  /* With room again, the same program works. */
  g_assert_true (fm_nand_program_page (nand, 3, 0, pattern, &error));
  g_assert_no_error (error);
  g_assert_true (fm_nand_read_page (nand, 3, 0, back, &error));
  g_assert_cmpmem (back, n, pattern, n);
  fm_test_bus_clear (&bus);
}

/* A power cut tears a program that finds no room: the chip is off all
 * the same, the image lacks the torn page and says why. */
static void
test_no_room_torn (Fixture *f, gconstpointer data)
{
  gsize n = 2048 + 64;
  g_autofree guint8 *pattern = fm_test_pattern (n, 5);
  g_autoptr (GError) error = NULL;
  g_autoptr (FmNand) nand = NULL;
  struct rlimit saved;

  (void) data;
  create (f, 1, 0);
  nand = open_nand (f);
  fm_nand_set_faults (nand, fm_fault_set_parse ("powercut at-op=1", &error));
  g_assert_no_error (error);
  fm_test_forbid_growth (f->path, &saved);
  g_assert_false (fm_nand_program_page (nand, 2, 0, pattern, &error));
  fm_test_allow_growth (&saved);
  g_assert_error (error, FM_ERROR, FM_ERROR_POWER_OFF);
  g_assert_true (fm_nand_powered_off (nand));
  g_assert_nonnull (fm_nand_storage_error (nand));
  g_assert_nonnull (strstr (fm_nand_storage_error (nand)->message, "no room to store page 16"));
  g_assert_cmpuint (fm_image_pages_with_data (fm_nand_image (nand)), ==, 0);
  g_assert_cmpuint (fm_image_block (fm_nand_image (nand), 2)->unstable_page, ==, 0);
}

static void
test_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr (FmChipDesc) other = fm_test_chip ("micron-mt29f4g");
  g_autofree gchar *text = fm_test_tiny_text_with ("geometry", "blocks-per-lun", "blocks-per-lun=128");
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) bigger = fm_chip_desc_load_data (text, "bigger", &error);

  (void) data;
  g_assert_no_error (error);
  create (f, 1, 0);
  expect_open_error (f, other, FM_ERROR_IMAGE_MISMATCH, "made for chip 'test-tiny'");
  expect_open_error (f, bigger, FM_ERROR_IMAGE_MISMATCH, "geometry");
}

static void
test_exclusive_lock (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  (void) data;
  create (f, 1, 0);
  {
    g_autoptr (FmImage) writer = fm_image_open (f->path, f->desc, FALSE, &error);
    g_autoptr (FmImage) second = NULL;

    g_assert_no_error (error);
    second = fm_image_open (f->path, f->desc, FALSE, &error);
    g_assert_null (second);
    g_assert_error (error, FM_ERROR, FM_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "in use"));
  }
}

static void
test_not_an_image (Fixture *f, gconstpointer data)
{
  g_autofree gchar *junk = g_malloc0 (8192);
  g_autoptr (GError) error = NULL;

  (void) data;
  memset (junk, 'x', 8192);
  g_assert_true (g_file_set_contents (f->path, junk, 8192, &error));
  expect_open_error (f, NULL, FM_ERROR_IMAGE_CORRUPT, "not a flashmodel image");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/image/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("persistence", test_persistence);
  ADD ("sparse-and-slot-reuse", test_sparse_and_slot_reuse);
  ADD ("refuses-existing-file", test_refuses_existing_file);
  ADD ("truncated", test_truncated);
  ADD ("header-bit-flips", test_header_bit_flips);
  ADD ("corrupt-tables", test_corrupt_tables);
  ADD ("header-fields", test_header_fields);
  ADD ("header-chip-name", test_header_chip_name);
  ADD ("slot-area-size", test_slot_area_size);
  ADD ("block-table-bounds", test_block_table_bounds);
  ADD ("geometry-against-chip", test_geometry_against_chip);
  ADD ("open-find-chip", test_open_find_chip);
  ADD ("no-room", test_no_room);
  ADD ("no-room-torn", test_no_room_torn);
  ADD ("mismatch", test_mismatch);
  ADD ("exclusive-lock", test_exclusive_lock);
  ADD ("not-an-image", test_not_an_image);
#undef ADD
  return g_test_run ();
}
