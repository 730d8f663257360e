/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fill-image CHIP IMAGE: makes IMAGE, a fresh image of CHIP (seed 1, no
 * factory bad blocks), and programs its pages in order through the page
 * API until a program fails, as a file system filling the chip would; for
 * tests/test-full-disk.sh, where IMAGE is on a file system too small for
 * it. The failure must be the image's (FM_ERROR_IO, printed on stderr),
 * and every page programmed before it must read back intact once the
 * image is closed and opened again. Exit status 0 when all that holds.
 */
#include "fm-test-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main (int argc, char **argv)
{
  g_autoptr (FmChipDesc) desc = NULL;
  g_autoptr (FmNand) nand = NULL;
  g_autoptr (GError) error = NULL;
  FmNandCreateOptions create = { 1, 0 };
  gsize page_bytes;
  guint64 stored = 0;
  FmImage *image;

  if (argc != 3)
    {
      g_printerr ("usage: fill-image CHIP IMAGE\n");
      return 2;
    }
  desc = fm_test_chip (argv[1]);
  page_bytes = desc->page_size + desc->oob_size;
  image = fm_nand_create_image (desc, argv[2], &create, &error);
  if (!image)
    {
      g_printerr ("fill-image: %s\n", error->message);
      return 1;
    }
  nand = fm_nand_new (desc, image, FM_TIMING_NONE, &error);
  g_assert_no_error (error);
  for (guint64 p = 0; p < fm_chip_desc_pages (desc); p++)
    {
      g_autofree guint8 *data = fm_test_pattern (page_bytes, p);

      if (!fm_nand_program_page (nand, p / desc->pages_per_block, p % desc->pages_per_block, data, &error))
        break;
      stored++;
    }
  if (!error)
    {
      g_printerr ("fill-image: all %" G_GUINT64_FORMAT " pages fit\n", stored);
      return 1;
    }
  g_printerr ("fill-image: %s\n", error->message);
  if (!g_error_matches (error, FM_ERROR, FM_ERROR_IO) || !fm_nand_storage_error (nand))
    return 1;
  g_clear_error (&error);
  g_clear_pointer (&nand, fm_nand_free);

  image = fm_image_open (argv[2], desc, TRUE, &error);
  if (!image)
    {
      g_printerr ("fill-image: reopening: %s\n", error->message);
      return 1;
    }
  for (guint64 p = 0; p <= stored; p++)
    {
      g_autofree guint8 *data = fm_test_pattern (page_bytes, p);
      const guint8 *cells = fm_image_page (image, p);

      /* The page that failed changed nothing. */
      if (p == stored ? cells != NULL : !cells || memcmp (cells, data, page_bytes) != 0)
        {
          g_printerr ("fill-image: page %" G_GUINT64_FORMAT " does not read back as programmed\n", p);
          return 1;
        }
    }
  fm_image_close (image);
  printf ("%" G_GUINT64_FORMAT " pages stored before the disk was full, all intact\n", stored);
  return 0;
}
