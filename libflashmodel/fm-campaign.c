/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-campaign.h"
#include "fm-error.h"

#include <glib/gstdio.h>

/* Makes at PATH the image REC cut as KIND leaves after the records the
 * maker followed. */
static gboolean
make_cut (FmCutMaker *maker, const FmJournalRecord *rec, FmCutKind kind, const gchar *path,
          GError **error)
{
  return fm_cut_maker_make (maker, rec, kind, path, error);
}

gboolean
fm_campaign_run (FmImage *base, const FmChipDesc *desc, FmJournalReader *reader,
                 const guint64 *points, guint n_points, const FmCutKind *kinds, guint n_kinds,
                 const gchar *cut_path, FmCampaignCheck check, gpointer user_data,
                 GError **error)
{
  g_autofree gchar *dir = g_path_get_dirname (cut_path);
  g_autoptr (FmCutMaker) maker = fm_cut_maker_new (base, desc, dir, error);
  FmJournalRecord rec = { 0 };
  guint next = 0;

  if (!maker)
    return FALSE;
  while (next < n_points && fm_journal_reader_next (reader, &rec))
    {
      if (rec.seq == points[next])
        {
          for (guint k = 0; k < n_kinds; k++)
            {
              gboolean ok = make_cut (maker, &rec, kinds[k], cut_path, error) &&
                            check (user_data, cut_path, &rec, kinds[k], error);

              g_unlink (cut_path);
              if (!ok)
                return FALSE;
            }
          next++;
        }
      if (!fm_cut_maker_advance (maker, &rec, error))
        return FALSE;
    }
  if (next < n_points)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "cut point %" G_GUINT64_FORMAT " is not among the journal's valid operations",
                   points[next]);
      return FALSE;
    }
  return TRUE;
}
