/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A power-cut campaign's engine: the image a cut leaves at each of many
 * operations of a journal, handed to a check.
 *
 * The cut points are visited in journal order while a cut maker
 * (fm-cut-image.h) follows the journal from its base; at each, the cut
 * image is a small overlay holding the cut operation on the maker's
 * prefix. A cut point costs the operations since the previous point plus
 * the cut operation, whatever the image's size: never a copy of the
 * image, never a replay from the start.
 */
#pragma once

#include "fm-cut-image.h"

G_BEGIN_DECLS

/* Checks the cut image at PATH (a scratch file the check may change and
 * the engine deletes afterwards). FALSE with ERROR set stops the campaign;
 * a check that merely finds the image broken records that and returns TRUE. */
typedef gboolean (*FmCampaignCheck) (gpointer user_data, const gchar *path,
                                     const FmJournalRecord *record, FmCutKind kind,
                                     GError **error);

/* BASE: the journal's base, opened read-only; it is not changed (the cut
 * images are overlays on it and on a prefix the engine keeps in
 * CUT_PATH's directory while it runs). READER: at its first record.
 * POINTS: ascending seqs. Each point is cut in each of KINDS, the cut
 * image made at CUT_PATH. */
gboolean fm_campaign_run (FmImage *base, const FmChipDesc *desc, FmJournalReader *reader,
                          const guint64 *points, guint n_points,
                          const FmCutKind *kinds, guint n_kinds,
                          const gchar *cut_path, FmCampaignCheck check,
                          gpointer user_data, GError **error);

G_END_DECLS
