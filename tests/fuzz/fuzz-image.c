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
 * Bit 1 set: the file is an overlay's delta, OVERLAY_NAME in a directory
 * that also holds BASE-<chip>.img, an image of each chip (its base path
 * may name one, or anything at all); bit 2 set as well: the base identity
 * it records is made that image's (if its header names an image and a
 * chip) and every frame's CRC is made right, so that mutations reach the
 * checks of the delta's frames and of the base. The base must never
 * change, whatever the overlay goes through.
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
#include "fuzz-log.h"
#include "fm-bits.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define N_CHIPS 2
#define OVERLAY_NAME "overlay.img"
static FmChipDesc *chips[N_CHIPS];
static int file_fd = -1;
static gchar *file_path;
static gchar *overlay_path;
static gchar *base_paths[N_CHIPS];
static gchar *base_digests[N_CHIPS];
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

static gchar *
file_digest (const gchar *path)
{
  g_autofree gchar *contents = NULL;
  gsize len;

  check (g_file_get_contents (path, &contents, &len, NULL), "cannot read a base");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  const char *texts[N_CHIPS] = { chip_small, chip_spi };
  g_autofree gchar *catalog = g_dir_make_tmp ("fuzz-image-chips-XXXXXX", NULL);

  (void) argc;
  (void) argv;
  fuzz_make_warnings_fatal ();
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
  /* The overlays' directory and their bases. */
  {
    g_autofree gchar *dir = g_dir_make_tmp ("fuzz-image-overlay-XXXXXX", NULL);

    check (dir != NULL, "no temporary directory for the overlays");
    overlay_path = g_build_filename (dir, OVERLAY_NAME, NULL);
    for (guint i = 0; i < N_CHIPS; i++)
      {
        g_autofree gchar *name = g_strdup_printf ("base-%s.img", chips[i]->name);
        GError *error = NULL;
        FmImage *image;

        base_paths[i] = g_build_filename (dir, name, NULL);
        image = fm_chip_desc_is_nor (chips[i]) ? fm_nor_create_image (chips[i], base_paths[i], 3, &error)
                                               : fm_nand_create_image (chips[i], base_paths[i],
                                                                       &(FmNandCreateOptions) { 3, -1 }, &error);
        if (!image)
          g_error ("fuzz base %u: %s", i, error->message);
        fm_image_close (image);
        base_digests[i] = file_digest (base_paths[i]);
      }
  }
  /* The file lives in memory; the openers take its /proc path. */
  file_fd = memfd_create ("fuzz-image", MFD_CLOEXEC);
  check (file_fd >= 0, "memfd_create failed");
  file_path = g_strdup_printf ("/proc/self/fd/%d", file_fd);
  return 0;
}

/* The input's file, afresh for each open: in memory, or the overlay's
 * delta next to its bases. */
static gboolean overlay_input;

static void
write_file (const guint8 *data, size_t size)
{
  if (overlay_input)
    {
      check (g_file_set_contents (overlay_path, (const gchar *) data, size, NULL), "cannot write the overlay");
      return;
    }
  check (ftruncate (file_fd, 0) == 0, "ftruncate failed");
  check (pwrite (file_fd, data, size, 0) == (ssize_t) size, "pwrite failed");
}

static void
check_refusal (const GError *error)
{
  if (verbose)
    fprintf (stderr, "fuzz-image: refused: %s\n", error ? error->message : "(no error)");
  check (error != NULL && error->domain == FM_ERROR, "refused without an FM_ERROR");
  check (strstr (error->message, overlay_input ? overlay_path : file_path) != NULL,
         "a refusal that does not name the file");
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
  const gchar *path;
  FmImage *image;

  write_file (data, size);
  path = overlay_input ? overlay_path : file_path;
  image = find_chip ? fm_image_open_find_chip (path, FALSE, &found, &error)
                    : fm_image_open (path, d, FALSE, &error);
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
  image = fm_image_open (overlay_input ? overlay_path : file_path, d, TRUE, &error);
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
  image = find_chip ? fm_image_open_find_chip (overlay_input ? overlay_path : file_path, TRUE, &found, &error)
                    : fm_image_open (overlay_input ? overlay_path : file_path, d, TRUE, &error);
  if (!image)
    {
      check_refusal (error);
      return;
    }
  walk (image, find_chip ? found : d);
}

/* Where fm-image.c and fm-image-delta.c keep what is made right here
 * (the file formats). */
enum {
  IMAGE_GENERATION = 144,
  DELTA_CHIP_NAME = 16,
  DELTA_BASE_KIND = 100,
  DELTA_BASE_IDENTITY = 120, /* generation, length (8 bytes each), crc */
  FRAME_HEADER = 32,
};

/* The base identity the delta records made that of the image it names by
 * its chip, and every frame's CRC right. */
static void
make_delta_right (guint8 *file, size_t size)
{
  guint32 kind;

  memcpy (&kind, file + DELTA_BASE_KIND, 4);
  for (guint i = 0; kind == 1 && i < N_CHIPS; i++)
    if (strncmp ((const gchar *) file + DELTA_CHIP_NAME, chips[i]->name, 64) == 0)
      {
        g_autofree gchar *base = NULL;
        gsize len;

        check (g_file_get_contents (base_paths[i], &base, &len, NULL), "cannot read a base");
        memcpy (file + DELTA_BASE_IDENTITY, base + IMAGE_GENERATION, 8);
        memcpy (file + DELTA_BASE_IDENTITY + 8, &(guint64) { len }, 8);
        memcpy (file + DELTA_BASE_IDENTITY + 16, base + FM_IMAGE_HEADER_SIZE - 4, 4);
      }
  for (size_t off = FM_IMAGE_HEADER_SIZE; size - off >= FRAME_HEADER;)
    {
      guint32 len, crc = 0;

      memcpy (&len, file + off + 8, 4);
      memcpy (file + off, &crc, 4);
      crc = fm_crc32 (0, file + off, FRAME_HEADER);
      memcpy (file + off, &crc, 4);
      if ((guint64) len + 7 > size - off - FRAME_HEADER)
        break;
      off += FRAME_HEADER + (((guint64) len + 7) & ~(guint64) 7);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree guint8 *file = NULL;

  if (size < 1)
    return 0;
  file = g_memdup2 (data + 1, size - 1);
  size--;
  overlay_input = (data[0] & 2) != 0;
  if (overlay_input && (data[0] & 4) && size >= FM_IMAGE_HEADER_SIZE)
    make_delta_right (file, size);
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
  if (overlay_input)
    for (guint i = 0; i < N_CHIPS; i++)
      {
        g_autofree gchar *now = file_digest (base_paths[i]);

        check (g_str_equal (now, base_digests[i]), "an overlay changed its base");
      }
  return 0;
}
