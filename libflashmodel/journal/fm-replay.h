/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rebuilding a chip's state from a journal: each record's effect applied to
 * an image, as the chip carried it out (the counts and flags the record
 * holds, the data it programmed), or cut by a power loss (fm-powercut.h).
 * No chip model runs, so replay is exact even where the run had faults.
 */
#pragma once

#include "fm-journal.h"
#include "fm-powercut.h"

G_BEGIN_DECLS

/* The record's operation completed as recorded (or, for an operation a
 * live power cut interrupted, as it was torn then). */
gboolean fm_replay_apply (FmImage *image, const FmChipDesc *desc,
                          const FmJournalRecord *record, GError **error);
/* The record's operation interrupted by a power loss, as a live cut
 * leaves it (FM_TORN_SEEDED). */
gboolean fm_replay_tear  (FmImage *image, const FmChipDesc *desc,
                          const FmJournalRecord *record, GError **error);
/* The same leaving VARIANT (which must apply to the record), drawn for
 * TEAR_SEED (fm_powercut_seed_for(); 0: as a live cut draws). */
gboolean fm_replay_tear_as (FmImage *image, const FmChipDesc *desc,
                            const FmJournalRecord *record, FmTornVariant variant,
                            guint64 tear_seed, GError **error);
/* Neither of those touches the image's header: its age (the retention
 * clock) is brought up to RECORD's by this, once a batch of records is
 * applied, since every header change rewrites the header's checksum. */
void     fm_replay_set_age (FmImage *image, const FmJournalRecord *record);

/* Checks that IMAGE is the one the journal started from. */
gboolean fm_replay_check_base (FmImage *image, const FmChipDesc *desc,
                               const FmJournalInfo *info, GError **error);

/* Applies the journal's records up to and including UNTIL (a seq; 0 or
 * G_MAXUINT64: all), the last one cut as CUT says, and sets the age. PROGRESS, if given, is
 * called now and then with the seq reached. The reader is left after the
 * last record applied. Fails if the valid records end before UNTIL. */
typedef void (*FmReplayProgress) (gpointer user_data, guint64 seq);
gboolean fm_replay_until (FmImage *image, const FmChipDesc *desc,
                          FmJournalReader *reader, guint64 until, FmCutKind cut,
                          FmReplayProgress progress, gpointer user_data,
                          GError **error);

G_END_DECLS
