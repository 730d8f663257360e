/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A power-cut campaign's engine: the image a cut leaves at each of many
 * operations of a journal, handed to a check.
 *
 * The cut points are visited in journal order while one working image
 * follows the journal; at each, the working image is copied (a reflink
 * where the file system has them) and the cut operation applied to the
 * copy. A cut point costs one image copy plus the operations since the
 * previous point, never a replay from the start.
 */
#pragma once

#include "fm-replay.h"

G_BEGIN_DECLS

/* Checks the cut image at PATH (a scratch file the check may change and
 * the engine deletes afterwards). FALSE with ERROR set stops the campaign;
 * a check that merely finds the image broken records that and returns TRUE. */
typedef gboolean (*FmCampaignCheck) (gpointer user_data, const gchar *path,
                                     const FmJournalRecord *record, FmCutKind kind,
                                     GError **error);

/* WORK: the journal's base, opened writable; it ends at the last cut
 * point's state. READER: at its first record. POINTS: ascending seqs.
 * Each point is cut in each of KINDS, the copy made at CUT_PATH. */
gboolean fm_campaign_run (FmImage *work, const FmChipDesc *desc, FmJournalReader *reader,
                          const guint64 *points, guint n_points,
                          const FmCutKind *kinds, guint n_kinds,
                          const gchar *cut_path, FmCampaignCheck check,
                          gpointer user_data, GError **error);

G_END_DECLS
