/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * make-image-seeds DIR: writes fuzz-image's seed corpus: images of the
 * fuzz chips, fresh and after some work (erases, programs, a program torn
 * by a power cut), each cut to the slots it uses (still a valid image) to
 * stay small, behind fuzz-image's choice byte; and overlays' deltas on
 * base-CHIP.img after the same work, synced now and then.
 *
 *   build/tests/fuzz/make-image-seeds tests/fuzz/corpus/fuzz-image
 */
#include "fuzz-chips.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Erases and programs BLOCKS blocks, then lets a power cut tear the
 * next program if TEAR. */
static void
workload (FmNand *nand, guint32 blocks, gboolean tear)
{
  const FmChipDesc *d = fm_nand_desc (nand);
  g_autofree guint8 *buf = g_malloc (fm_nand_page_bytes (nand));

  for (guint32 b = 1; b <= blocks; b++)
    {
      fm_nand_erase_block (nand, b, NULL);
      for (guint p = 0; p < MIN (d->pages_per_block, 3u); p++)
        {
          memset (buf, (int) (b * 16 + p), fm_nand_page_bytes (nand));
          fm_nand_program_page (nand, b, p, buf, NULL);
          fm_nand_read_page (nand, b, p, buf, NULL);
        }
    }
  if (tear)
    {
      g_autofree gchar *rule = g_strdup_printf ("powercut at-op=%" G_GUINT64_FORMAT,
                                                fm_nand_operations (nand) + 1);

      fm_nand_set_faults (nand, fm_fault_set_parse (rule, NULL));
      memset (buf, 0x3c, fm_nand_page_bytes (nand));
      fm_nand_program_page (nand, blocks + 1, 0, buf, NULL);
    }
}

static void
write_seed (const FmChipDesc *chip, const gchar *dir, const gchar *name, guint32 blocks,
            gboolean tear, guint8 choices)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *tmp = g_build_filename (dir, "tmp.img", NULL);
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  g_autofree gchar *contents = NULL;
  FmImage *image;
  gsize len, slot = chip->page_size + chip->oob_size;

  unlink (tmp);
  image = fm_chip_desc_is_nor (chip) ? fm_nor_create_image (chip, tmp, 3, &error)
                                     : fm_nand_create_image (chip, tmp, &(FmNandCreateOptions) { 3, -1 }, &error);
  if (!image)
    g_error ("%s", error->message);
  if (blocks)
    {
      g_autoptr (FmNand) nand = fm_nand_new (chip, image, FM_TIMING_VIRTUAL, &error);

      if (!nand)
        g_error ("%s", error->message);
      workload (nand, blocks, tear);
    }
  else
    fm_image_close (image);
  g_file_get_contents (tmp, &contents, &len, NULL);
  unlink (tmp);
  /* Fewer slots, as long as the image still opens. */
  while (len > FM_IMAGE_HEADER_SIZE)
    {
      g_autoptr (FmImage) shorter = NULL;

      if (!g_file_set_contents (tmp, contents, len - slot, NULL))
        break;
      shorter = fm_image_open (tmp, chip, TRUE, NULL);
      unlink (tmp);
      if (!shorter)
        break;
      len -= slot;
    }
  {
    g_autofree gchar *seed = g_malloc (len + 1);

    seed[0] = choices;
    memcpy (seed + 1, contents, len);
    if (!g_file_set_contents (path, seed, len + 1, &error))
      g_error ("%s", error->message);
  }
}

/* An overlay on a fresh image of CHIP named as fuzz-image names its
 * bases, after BLOCKS blocks of work; the delta is the seed. */
static void
write_overlay_seed (const FmChipDesc *chip, const gchar *dir, const gchar *name, guint32 blocks,
                    guint8 choices)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *tmp = g_dir_make_tmp ("make-image-seeds-XXXXXX", NULL);
  g_autofree gchar *base_name = g_strdup_printf ("base-%s.img", chip->name);
  g_autofree gchar *base = g_build_filename (tmp, base_name, NULL);
  g_autofree gchar *overlay = g_build_filename (tmp, "overlay.img", NULL);
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  g_autofree gchar *contents = NULL, *seed = NULL;
  FmImage *image;
  gsize len;

  image = fm_chip_desc_is_nor (chip) ? fm_nor_create_image (chip, base, 3, &error)
                                     : fm_nand_create_image (chip, base, &(FmNandCreateOptions) { 3, -1 }, &error);
  if (!image)
    g_error ("%s", error->message);
  fm_image_close (image);
  image = fm_image_create_overlay (overlay, base_name, &error);
  if (!image)
    g_error ("%s", error->message);
  {
    g_autoptr (FmNand) nand = fm_nand_new (chip, image, FM_TIMING_VIRTUAL, &error);

    if (!nand)
      g_error ("%s", error->message);
    /* A sync between two halves of the work: two commits in the log. */
    workload (nand, blocks / 2, FALSE);
    fm_image_sync (fm_nand_image (nand), NULL);
    workload (nand, blocks, !fm_chip_desc_is_nor (chip));
  }
  g_file_get_contents (overlay, &contents, &len, NULL);
  unlink (overlay);
  unlink (base);
  rmdir (tmp);
  seed = g_malloc (len + 1);
  seed[0] = choices;
  memcpy (seed + 1, contents, len);
  if (!g_file_set_contents (path, seed, len + 1, &error))
    g_error ("%s", error->message);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) nand = NULL, nor = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: make-image-seeds DIR\n");
      return 2;
    }
  nand = fm_chip_desc_load_data (chip_small, "fuzz", &error);
  nor = nand ? fm_chip_desc_load_data (chip_spi, "fuzz", &error) : NULL;
  if (!nor)
    g_error ("%s", error->message);
  /* Choice byte 1: fuzz-image makes the header's checksum right. */
  write_seed (nand, argv[1], "small-fresh", 0, FALSE, 1);
  write_seed (nand, argv[1], "small-used", 4, FALSE, 1);
  write_seed (nand, argv[1], "small-torn", 3, TRUE, 1);
  write_seed (nand, argv[1], "small-torn-own-checksum", 3, TRUE, 0);
  write_seed (nor, argv[1], "spi-fresh", 0, FALSE, 1);
  write_seed (nor, argv[1], "spi-used", 3, TRUE, 1);
  /* Choice bits 1 and 2: an overlay, its base identity and frame CRCs
   * made right by fuzz-image; without bit 2 the base it was made on is
   * not the fuzzer's (refused as changed). */
  write_overlay_seed (nand, argv[1], "small-overlay", 4, 7);
  write_overlay_seed (nand, argv[1], "small-overlay-other-base", 2, 3);
  write_overlay_seed (nor, argv[1], "spi-overlay", 3, 7);
  return 0;
}
