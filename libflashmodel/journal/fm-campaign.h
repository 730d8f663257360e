/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A power-cut campaign's engine: which cut points a journal offers (its
 * coverage), and the image each leaves, handed to a check.
 *
 * A campaign's cut at operation N is one of
 *  - clean: power went just before N started; every operation before N
 *    completed, reads included (the image `replay --until N-1` builds,
 *    aged as operation N-1 left it);
 *  - torn: power went during N, which left one torn variant
 *    (fm-powercut.h).
 * The cut points are visited in journal order while a cut maker
 * (fm-cut-image.h) follows the journal from its base (FmCampaignWalk); at
 * each, the cut image is a small overlay on the maker's prefix holding
 * the cut alone. A cut point costs the operations since the previous
 * point plus the cut, whatever the image's size: never a copy of the
 * image, never a replay from the start.
 */
#pragma once

#include "fm-cut-id.h"
#include "fm-cut-image.h"

G_BEGIN_DECLS

/* Which cut points a journal offers. */
typedef struct {
  guint64 from, to;   /* only operations in [FROM, TO]; TO 0: to the end */
  gboolean all_ops;   /* reads too, not only programs and erases */
  guint64 every;      /* every EVERY-th eligible operation (0 or 1: each) */
  guint64 sample;     /* or SAMPLE of them drawn with SAMPLE_SEED (0: off) */
  guint64 sample_seed;
  gboolean clean;     /* the clean cut before each chosen operation */
  guint torn;         /* the torn variants cut at each: 1 << FmTornVariant */
} FmCoverage;

typedef struct {
  GArray *points;   /* FmCutPoint, in campaign order (fm_cut_compare within an operation) */
  guint64 records;  /* valid records of the journal */
  guint64 last_seq; /* the last valid record's seq (0: none) */
  guint64 eligible; /* operations eligible as cut points */
  guint64 chosen;   /* of them, those chosen (--every, --sample) */
  /* torn cuts of chosen operations left out because the variant does
   * not apply to the operation (lowerpage on SLC, an erase variant on a
   * program...), by variant */
  guint64 not_applicable[FM_TORN_N_VARIANTS];
} FmCampaignPlan;

/* Reads the journal (then rewinds it). No cut point is not an error. */
FmCampaignPlan *fm_campaign_plan_new  (FmJournalReader *reader, const FmChipDesc *desc,
                                       const FmCoverage *coverage);
void            fm_campaign_plan_free (FmCampaignPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmCampaignPlan, fm_campaign_plan_free)

/* A working image following a journal, from cut point to cut point. */
typedef struct _FmCampaignWalk FmCampaignWalk;

/* BASE: the image the journal starts from, opened read-only (a full
 * image or an overlay, e.g. a first cut; the walk never changes it, and
 * it must stay open while the walk lives). The walk's prefix (an overlay
 * on BASE) is a file of its own in WORK_DIR, removed when the walk is
 * freed: the cut images it made no longer open then. READER: at its
 * first record. TEAR_SEED: for every torn cut (fm_powercut_seed_for()). */
FmCampaignWalk *fm_campaign_walk_new  (FmImage *base, const FmChipDesc *desc,
                                       FmJournalReader *reader, guint64 tear_seed,
                                       const gchar *work_dir, GError **error);
void            fm_campaign_walk_free (FmCampaignWalk *walk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmCampaignWalk, fm_campaign_walk_free)

/* Brings the working image to just before operation SEQ (every record
 * before it applied), which becomes the current operation. SEQs never go
 * back. FALSE if the journal's valid records end before SEQ. */
gboolean fm_campaign_walk_to     (FmCampaignWalk *walk, guint64 seq, GError **error);
const FmJournalRecord *fm_campaign_walk_record (FmCampaignWalk *walk);
/* Makes the image CUT of the current operation leaves as PATH (replaced
 * if it exists): an overlay on the walk's prefix, valid while the walk
 * lives, which its check may write (fm_image_flatten_to() keeps one). */
gboolean fm_campaign_walk_make_cut (FmCampaignWalk *walk, const FmCut *cut, const gchar *path,
                                    GError **error);
/* Whether CUT of the current operation provably leaves the image an
 * earlier cut of the same operation left, at the same age: the tear of
 * an operation the chip refuses is its clean cut, the torn variants of
 * the erase of a block that holds nothing are one image. (Cuts of two
 * operations are never taken for each other: journal marks may lie
 * between them, and a check then expects more of the same image.) Then
 * *SAME_AS is that cut's TAG; else the cut is remembered with TAG. */
gboolean fm_campaign_walk_duplicate (FmCampaignWalk *walk, const FmCut *cut, guint64 tag,
                                     guint64 *same_as);
/* Builds the image ID names at PATH as a campaign makes it, flattened: a
 * standalone image that needs neither BASE nor the walks'. BASE is the
 * journal's base (as for fm_campaign_walk_new()), READER the journal at
 * its first record, and for a depth-2 ID RECOVERY the recovery journal,
 * whose base is checked against the first cut's image; NULL otherwise.
 * The walks' prefixes go to WORK_DIR, other scratch files next to PATH. The journals' digests are the caller's
 * to check against the ID. CUT_RECORDS (or NULL) receives the records of
 * the operations cut (their data belongs to the readers). */
gboolean fm_campaign_rebuild (FmImage *base, const FmChipDesc *desc, FmJournalReader *reader,
                              const FmCutId *id, FmJournalReader *recovery,
                              const gchar *work_dir, const gchar *path,
                              FmJournalRecord cut_records[FM_CUT_ID_MAX_DEPTH],
                              GError **error);

/* Checks the cut image at PATH (a scratch overlay the check may change
 * and the engine deletes afterwards). FALSE with ERROR set stops the campaign;
 * a check that merely finds the image broken records that and returns TRUE. */
typedef gboolean (*FmCampaignCheck) (gpointer user_data, const gchar *path,
                                     const FmJournalRecord *record, FmCutKind kind,
                                     GError **error);

/* The simplest campaign: BASE as for fm_campaign_walk_new(). POINTS:
 * ascending seqs. Each point is cut in each of KINDS (the seeded variant
 * when torn), the image made at CUT_PATH; the walk's prefix goes in
 * CUT_PATH's directory. */
gboolean fm_campaign_run (FmImage *base, const FmChipDesc *desc, FmJournalReader *reader,
                          const guint64 *points, guint n_points,
                          const FmCutKind *kinds, guint n_kinds,
                          const gchar *cut_path, FmCampaignCheck check,
                          gpointer user_data, GError **error);

G_END_DECLS
