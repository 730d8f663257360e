/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * make-onfi-seeds DIR: writes fuzz-desc-import's seed corpus, what READ
 * PARAMETER PAGE returns for every raw NAND ONFI part of the catalog:
 * three copies of the parameter page, then three of the extended
 * parameter page where the part has one, one file a part; for every JEDEC
 * part, three copies of its JEDEC parameter page; and the SFDP space of
 * every SPI NOR part.
 *
 *   FLASHMODEL_CHIPS_DIR=chips build/tests/fuzz/make-onfi-seeds tests/fuzz/corpus/fuzz-desc-import
 */
#include "flashmodel.h"
#include "fm-jedec.h"
#include "fm-sfdp.h"

#include <stdio.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: make-onfi-seeds DIR\n");
      return 2;
    }
  names = fm_chip_catalog_names (&error);
  if (!names)
    {
      fprintf (stderr, "make-onfi-seeds: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) d = fm_chip_desc_lookup (names[i], &error);
      g_autoptr (GByteArray) out = g_byte_array_new ();
      g_autofree gchar *path = NULL;
      guint8 page[FM_ONFI_PARAM_PAGE_SIZE], ext[FM_ONFI_EXT_PARAM_PAGE_SIZE];
      gsize ext_len;

      if (!d)
        {
          fprintf (stderr, "make-onfi-seeds: %s\n", error->message);
          return 1;
        }
      if (d->type == FM_CHIP_SPI_NOR)
        {
          g_autoptr (GBytes) sfdp = fm_sfdp_build (d);

          g_byte_array_append (out, g_bytes_get_data (sfdp, NULL), g_bytes_get_size (sfdp));
        }
      else if (d->jedec_version)
        {
          guint8 jedec[FM_JEDEC_PARAM_PAGE_SIZE];

          fm_jedec_build_param_page (d, jedec);
          for (guint c = 0; c < FM_JEDEC_PARAM_PAGE_COPIES; c++)
            g_byte_array_append (out, jedec, sizeof jedec);
        }
      else if (!d->onfi_version || d->type == FM_CHIP_SPI_NAND)
        continue;
      else
        {
          fm_onfi_build_param_page (d, page);
          ext_len = fm_onfi_build_ext_param_page (d, ext);
          for (guint c = 0; c < FM_ONFI_PARAM_PAGE_COPIES; c++)
            g_byte_array_append (out, page, sizeof page);
          for (guint c = 0; c < FM_ONFI_PARAM_PAGE_COPIES; c++)
            g_byte_array_append (out, ext, ext_len);
        }
      path = g_strdup_printf ("%s/%s.bin", argv[1], names[i]);
      if (!g_file_set_contents (path, (const gchar *) out->data, out->len, &error))
        {
          fprintf (stderr, "make-onfi-seeds: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}
