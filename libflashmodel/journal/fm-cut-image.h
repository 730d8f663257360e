/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Power-cut images whose cost does not depend on the chip's size: what a
 * campaign (fm-campaign.h) hands its checks.
 *
 * A maker follows a journal from its base. The records it is given go to
 * a "prefix", an overlay on the base (fm-image.h) that only grows: each
 * adds a few frames to its delta. A cut image is a small overlay of its
 * own on the prefix as it is at that moment (frozen at the prefix's
 * latest sync, which later records do not change) holding only what the
 * cut operation itself changed: at most one block's pages. So making a
 * cut costs the records given since the previous cut plus one operation,
 * never a copy of the image nor a replay from the start; a 4 GiB chip
 * costs what a 32 MiB one does.
 *
 * Cut images from one maker stay valid together (checks may run in
 * parallel) and each may be written by its check (mounted, recovered):
 * their writes go to their own delta. They open anywhere an image does
 * (muse-chip, flashmodel, the QEMU device) as long as the prefix and the
 * base are there; fm_image_flatten_to() makes one standalone.
 */
#pragma once

#include "fm-replay.h"

G_BEGIN_DECLS

typedef struct _FmCutMaker FmCutMaker;

/* BASE: the image the journal starts from, opened read-only (a full
 * image or an overlay); the maker borrows it, so it must stay open until
 * the maker is freed. DESC: its chip (kept by the caller too). The
 * prefix's delta is made in WORK_DIR under a name of its own. */
FmCutMaker *fm_cut_maker_new     (FmImage *base, const FmChipDesc *desc,
                                  const gchar *work_dir, GError **error);
/* Applies RECORD, the journal's next record, to the prefix, as
 * fm_replay_apply() does. */
gboolean    fm_cut_maker_advance (FmCutMaker *maker, const FmJournalRecord *record,
                                  GError **error);
/* The chip's age as the base and the records advanced so far left it
 * (the latest of theirs): what the cut images are aged from. */
guint64     fm_cut_maker_age     (const FmCutMaker *maker);

/* A cut's own operation: changes IMAGE (the prefix, seen through the new
 * cut image) as a power loss at RECORD leaves it. fm_replay_apply() and
 * fm_replay_tear() are two; a campaign may pass its own (torn variants,
 * seeds) with USER_DATA. */
typedef gboolean (*FmCutOperation) (FmImage *image, const FmChipDesc *desc,
                                    const FmJournalRecord *record, gpointer user_data,
                                    GError **error);

/* The image a power cut at RECORD leaves, as an overlay at PATH (a file
 * there is replaced): the prefix (every record advanced so far, RECORD
 * not among them), then RECORD as CUT does it, and the chip's age brought
 * up to fm_cut_maker_age()'s and RECORD's. A relative PATH names the prefix relative to it when
 * both are in one directory, else absolutely. On failure nothing is left
 * at PATH. */
gboolean    fm_cut_maker_make_with (FmCutMaker *maker, const FmJournalRecord *record,
                                    FmCutOperation cut, gpointer user_data,
                                    const gchar *path, GError **error);
/* The same for the usual cuts: FM_CUT_CLEAN (RECORD completed) or
 * FM_CUT_TORN (RECORD interrupted, fm_replay_tear()). */
gboolean    fm_cut_maker_make      (FmCutMaker *maker, const FmJournalRecord *record,
                                    FmCutKind kind, const gchar *path, GError **error);

/* The image a power cut just before the next record leaves, as an
 * overlay at PATH (as for fm_cut_maker_make_with()): the prefix, every
 * record advanced so far completed and nothing more, aged
 * fm_cut_maker_age(). */
gboolean    fm_cut_maker_make_before (FmCutMaker *maker, const gchar *path, GError **error);

/* The prefix: the base with every record advanced so far. To read. */
FmImage    *fm_cut_maker_prefix    (FmCutMaker *maker);
/* Deletes the prefix: cut images made from it no longer open (flatten
 * those to keep first). */
void        fm_cut_maker_free      (FmCutMaker *maker);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmCutMaker, fm_cut_maker_free)

G_END_DECLS
