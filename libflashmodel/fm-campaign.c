/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-campaign.h"
#include "fm-error.h"

#include <glib/gstdio.h>

/* Copies WORK to PATH and cuts REC there. */
static gboolean
make_cut (FmImage *work, const FmChipDesc *desc, const FmJournalRecord *rec, FmCutKind kind,
          const gchar *path, GError **error)
{
  g_autoptr (FmImage) cut = NULL;

  g_unlink (path);
  if (!fm_image_copy_to (work, path, error))
    return FALSE;
  cut = fm_image_open (path, desc, FALSE, error);
  if (!cut)
    return FALSE;
  if (!(kind == FM_CUT_TORN ? fm_replay_tear (cut, desc, rec, error)
                            : fm_replay_apply (cut, desc, rec, error)))
    return FALSE;
  fm_replay_set_age (cut, rec);
  return TRUE;
}

gboolean
fm_campaign_run (FmImage *work, const FmChipDesc *desc, FmJournalReader *reader,
                 const guint64 *points, guint n_points, const FmCutKind *kinds, guint n_kinds,
                 const gchar *cut_path, FmCampaignCheck check, gpointer user_data,
                 GError **error)
{
  FmJournalRecord rec = { 0 };
  guint next = 0;

  while (next < n_points && fm_journal_reader_next (reader, &rec))
    {
      if (rec.seq == points[next])
        {
          for (guint k = 0; k < n_kinds; k++)
            {
              gboolean ok = make_cut (work, desc, &rec, kinds[k], cut_path, error) &&
                            check (user_data, cut_path, &rec, kinds[k], error);

              g_unlink (cut_path);
              if (!ok)
                return FALSE;
            }
          next++;
        }
      if (!fm_replay_apply (work, desc, &rec, error))
        return FALSE;
    }
  if (rec.seq)
    fm_replay_set_age (work, &rec);
  if (next < n_points)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "cut point %" G_GUINT64_FORMAT " is not among the journal's valid operations",
                   points[next]);
      return FALSE;
    }
  return TRUE;
}
