/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: arbitrary bytes as an image file, opened through
 * every opener the tools and frontends use: with a descriptor (replay
 * --base, the campaign, muse-chip and QEMU through fm_frontend_open_image)
 * and without (stat, wear, export: fm_image_open_find_chip), read-only
 * and writable, for a NAND and a NOR chip of fuzz-chips.h (a catalog of
 * the two is made for the lookup by name).
 *
 * Input: one byte of choices, then the file. Bit 0 set: the header's
 * checksum is made right, so that mutations reach the checks behind it.
 *
 * An open must succeed or fail with an FM_ERROR, never crash, read past
 * the file (SIGBUS through the mapping) or warn (criticals are fatal
 * here). After a successful open, everything stat, wear, export and
 * replay read is read: every block record, bad block marker and stored
 * page, the wear table, the dump, the digest; a writable image then goes
 * to the chip model, which reads, erases, programs and tears a program
 * on every block, and the image it leaves must open again.
 */
#define _GNU_SOURCE
#include "fuzz-chips.h"
#include "fm-bits.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define N_CHIPS 2
static FmChipDesc *chips[N_CHIPS];
static int file_fd = -1;
static gchar *file_path;
static gboolean verbose;  /* $FUZZ_IMAGE_VERBOSE: say why each open failed */

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check (gboolean ok, const char *what)
{
  if (!ok)
    {
      fprintf (stderr, "fuzz-image: %s\n", what);
      abort ();
    }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  const char *texts[N_CHIPS] = { chip_small, chip_spi };
  g_autofree gchar *catalog = g_dir_make_tmp ("fuzz-image-chips-XXXXXX", NULL);

  (void) argc;
  (void) argv;
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  check (catalog != NULL, "no temporary directory for the catalog");
  for (guint i = 0; i < N_CHIPS; i++)
    {
      GError *error = NULL;
      g_autofree gchar *path = NULL;

      chips[i] = fm_chip_desc_load_data (texts[i], "fuzz", &error);
      if (!chips[i])
        g_error ("fuzz chip %u: %s", i, error->message);
      path = g_strdup_printf ("%s/%s.ini", catalog, chips[i]->name);
      check (g_file_set_contents (path, texts[i], -1, NULL), "cannot write the catalog");
    }
  g_setenv ("FLASHMODEL_CHIPS_DIR", catalog, TRUE);
  verbose = g_getenv ("FUZZ_IMAGE_VERBOSE") != NULL;
  /* The file lives in memory; the openers take its /proc path. */
  file_fd = memfd_create ("fuzz-image", MFD_CLOEXEC);
  check (file_fd >= 0, "memfd_create failed");
  file_path = g_strdup_printf ("/proc/self/fd/%d", file_fd);
  return 0;
}

/* The input's file, afresh for each open. */
static void
write_file (const guint8 *data, size_t size)
{
  check (ftruncate (file_fd, 0) == 0, "ftruncate failed");
  check (pwrite (file_fd, data, size, 0) == (ssize_t) size, "pwrite failed");
}

static void
check_refusal (const GError *error)
{
  if (verbose)
    fprintf (stderr, "fuzz-image: refused: %s\n", error ? error->message : "(no error)");
  check (error != NULL && error->domain == FM_ERROR, "refused without an FM_ERROR");
  check (strstr (error->message, file_path) != NULL, "a refusal that does not name the file");
}

/* What stat, wear, export and replay read from an image. */
static void
walk (FmImage *image, const FmChipDesc *d)
{
  gsize page_bytes = (gsize) d->page_size + d->oob_size;
  guint64 with_data = 0, ones = 0;
  guint8 digest[FM_DIGEST_SIZE];

  check (fm_image_blocks (image) == fm_chip_desc_blocks (d) &&
         fm_image_pages_per_block (image) == d->pages_per_block, "opened with another geometry");
  for (guint32 b = 0; b < fm_image_blocks (image); b++)
    {
      const FmBlockMeta *m = fm_image_block (image, b);

      check (m->next_page <= d->pages_per_block && m->unstable_page <= d->pages_per_block,
             "a block record past its block");
      fm_nand_image_block_marked_bad (d, image, b);
    }
  for (guint64 p = 0; p < fm_chip_desc_pages (d); p++)
    {
      const guint8 *cells = fm_image_page (image, p);

      if (cells)
        {
          with_data++;
          ones += fm_bits_all_ones (cells, page_bytes);
        }
      fm_image_page_programs (image, p);
    }
  check (with_data == fm_image_pages_with_data (image), "pages with data miscounted");
  (void) ones;
  {
    g_autoptr (FmWearTable) table = fm_wear_table_new_from_image (d, image, "fuzz");
    g_autofree gchar *csv = fm_wear_table_csv (table);
    FmWearTotals totals;

    fm_wear_table_totals (table, &totals);
    check (csv != NULL && table->n_blocks == fm_image_blocks (image) && totals.bad <= table->n_blocks,
           "the wear table lost blocks");
  }
  if (!fm_chip_desc_is_nor (d))
    {
      FmDumpOptions options = FM_DUMP_OPTIONS_DEFAULT;
      g_autoptr (GByteArray) dump = g_byte_array_new ();
      g_autoptr (GError) error = NULL;

      check (fm_dump_export (image, d, &options, dump, NULL, &error), "export failed");
      check (dump->len == fm_chip_desc_blocks (d) * fm_dump_block_bytes (d, FM_DUMP_INTERLEAVED),
             "export of the wrong size");
    }
  fm_digest_image (image, d, digest);
}

/* The chip model at work on every block of a writable image; NAND. */
static void
work_nand (FmNand *nand, const FmChipDesc *d)
{
  gsize page_bytes = fm_nand_page_bytes (nand);
  g_autofree guint8 *buf = g_malloc (page_bytes);
  g_autofree guint8 *data = g_malloc (page_bytes);
  g_autoptr (GError) error = NULL;
  gboolean bad;

  for (guint32 b = 0; b < fm_chip_desc_blocks (d); b++)
    {
      for (guint p = 0; p < d->pages_per_block; p++)
        check (fm_nand_read_page (nand, b, p, buf, NULL), "a read failed");
      check (fm_nand_block_is_bad (nand, b, &bad, NULL), "is-bad failed");
      if (b % 3 == 1)
        continue; /* kept as found */
      fm_nand_erase_block (nand, b, NULL);
      for (guint p = 0; p < d->pages_per_block; p++)
        {
          memset (data, (int) (b ^ p), page_bytes);
          fm_nand_program_page (nand, b, p, data, NULL);
        }
    }
  /* The next operation is torn by a power cut, then nothing more. */
  {
    g_autofree gchar *rule = g_strdup_printf ("powercut at-op=%" G_GUINT64_FORMAT,
                                              fm_nand_operations (nand) + 1);

    fm_nand_set_faults (nand, fm_fault_set_parse (rule, &error));
    check (error == NULL, "the power cut rule");
  }
  memset (data, 0x5a, page_bytes);
  fm_nand_program_page (nand, 0, d->pages_per_block - 1, data, NULL);
  check (fm_nand_powered_off (nand), "no power cut");
}

/* The same for a NOR part, through its byte-addressed API. */
static void
work_nor (FmNor *nor)
{
  guint64 size = fm_nor_size (nor);
  g_autofree guint8 *buf = g_malloc (size);
  guint8 bytes[300];

  check (fm_nor_read (nor, 0, buf, size, NULL), "a NOR read failed");
  memset (bytes, 0x33, sizeof bytes);
  for (guint64 addr = 0; addr < size; addr += fm_nor_desc (nor)->nor.granule * 3)
    {
      fm_nor_erase (nor, addr, fm_nor_desc (nor)->nor.granule, NULL);
      fm_nor_program (nor, addr + 100, bytes, sizeof bytes, NULL);
    }
}

/* Opens the file as a writable image of D, puts it to work and checks
 * that what the model leaves opens again. */
static void
open_writable (const FmChipDesc *d, gboolean find_chip, const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) found = NULL;
  FmImage *image;

  write_file (data, size);
  image = find_chip ? fm_image_open_find_chip (file_path, FALSE, &found, &error)
                    : fm_image_open (file_path, d, FALSE, &error);
  if (!image)
    {
      check_refusal (error);
      return;
    }
  if (find_chip)
    d = g_str_equal (found->name, chips[0]->name) ? chips[0] : chips[1];
  walk (image, d);
  if (fm_chip_desc_is_nor (d))
    {
      g_autoptr (FmNor) nor = fm_nor_new (d, image, FM_TIMING_NONE, &error);

      if (!nor)
        {
          check_refusal (error);
          return;
        }
      work_nor (nor);
    }
  else
    {
      g_autoptr (FmNand) nand = fm_nand_new (d, image, FM_TIMING_NONE, &error);

      if (!nand)
        {
          check_refusal (error);
          return;
        }
      work_nand (nand, d);
    }
  /* The model never leaves an image its own opener refuses. */
  image = fm_image_open (file_path, d, TRUE, &error);
  if (!image)
    fprintf (stderr, "fuzz-image: after the model: %s\n", error->message);
  check (image != NULL, "the model left an image that does not open");
  walk (image, d);
  fm_image_close (image);
}

static void
open_read_only (const FmChipDesc *d, gboolean find_chip, const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) found = NULL;
  g_autoptr (FmImage) image = NULL;

  write_file (data, size);
  image = find_chip ? fm_image_open_find_chip (file_path, TRUE, &found, &error)
                    : fm_image_open (file_path, d, TRUE, &error);
  if (!image)
    {
      check_refusal (error);
      return;
    }
  walk (image, find_chip ? found : d);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree guint8 *file = NULL;

  if (size < 1)
    return 0;
  file = g_memdup2 (data + 1, size - 1);
  size--;
  if ((data[0] & 1) && size >= FM_IMAGE_HEADER_SIZE)
    {
      guint32 crc = GUINT32_TO_LE (fm_crc32 (0, file, FM_IMAGE_HEADER_SIZE - 4));

      memcpy (file + FM_IMAGE_HEADER_SIZE - 4, &crc, 4);
    }
  open_read_only (NULL, TRUE, file, size);
  for (guint i = 0; i < N_CHIPS; i++)
    open_read_only (chips[i], FALSE, file, size);
  open_writable (NULL, TRUE, file, size);
  for (guint i = 0; i < N_CHIPS; i++)
    open_writable (chips[i], FALSE, file, size);
  return 0;
}
