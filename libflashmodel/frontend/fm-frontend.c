/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-frontend.h"
#include "fm-nor.h"

FmImage *
fm_frontend_open_image (const FmChipDesc *desc, const gchar *path, guint64 seed,
                        gboolean *created, GError **error)
{
  FmNandCreateOptions create = { seed, -1 };
  gboolean exists = path && g_file_test (path, G_FILE_TEST_EXISTS);

  if (created)
    *created = path && !exists;
  if (exists)
    return fm_image_open (path, desc, FALSE, error);
  if (fm_chip_desc_is_nor (desc))
    return fm_nor_create_image (desc, path, seed, error);
  return fm_nand_create_image (desc, path, &create, error);
}

gboolean
fm_frontend_attach (FmNand *cells, const FmChipDesc *desc, const gchar *record_path,
                    FmFaultSet *faults, FmJournalWriter **journal, GError **error)
{
  *journal = NULL;
  if (record_path)
    {
      *journal = fm_journal_writer_new (record_path, fm_nand_image (cells), desc,
                                        fm_nand_operations (cells) + 1, FALSE, error);
      if (!*journal)
        {
          fm_fault_set_free (faults);
          return FALSE;
        }
      fm_nand_set_observer (cells, fm_journal_writer_observe, *journal);
    }
  if (faults)
    fm_nand_set_faults (cells, faults);
  return TRUE;
}
