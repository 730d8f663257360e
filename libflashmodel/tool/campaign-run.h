/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A power-cut campaign run: the walk along the journal making each cut
 * of this run (its shard), the check started on it (campaign-jobs.h),
 * the results printed as TAP in campaign order whatever order checks end
 * in, counted in the report (campaign-report.h), progress on stderr,
 * and at depth 2 the second level cut from the recovery each first cut's
 * check recorded. cmd-campaign.c sets a Campaign up from the options.
 */
#pragma once

#include "campaign-jobs.h"
#include "campaign-report.h"

#include <stdio.h>

G_BEGIN_DECLS

typedef enum {
  CUT_PENDING,
  CUT_PASSED,
  CUT_FAILED,
  CUT_DUPLICATE,
} CutOutcome;

/* One cut of the campaign this run checks, and what became of it. */
typedef struct CutResult CutResult;
struct CutResult {
  FmCutId id;
  gchar *id_text;
  FmNandOp op;
  gchar *what;              /* "program of block 3 page 7" */
  CutResult *parent;        /* a second-level cut: its first cut */
  CutOutcome outcome;
  gchar *same_as;           /* a duplicate: the ID of the image it repeats */
  gchar *status, *output;   /* a failure: why, and the end of the check's output */
  gchar *kept_image;        /* --keep-failed */
  gdouble seconds;
  gboolean printed;
  /* A first cut of a depth-2 campaign: its check records its run. */
  gboolean records;
  gchar *recovery_path;     /* $FM_CUT_RECORD */
  gchar *first_image;       /* the cut image as made, for the second level */
  /* While its second level's checks run: the first image, and the walk
   * along the recovery (and its reader) whose prefix their cut images are
   * overlays on. */
  FmImage *first;
  FmJournalReader *recovery;
  FmCampaignWalk *second_walk;
  gboolean subtree_walked, subtree_done;
  guint subtree_pending, subtree_failed;
  GPtrArray *children;      /* CutResult, campaign order */
  guint printed_children;
};

typedef struct {
  /* what to do */
  gchar *check;
  const gchar *journal_path, *base_path;
  FmCoverage coverage, second_coverage;
  guint64 tear_seed;
  guint depth;
  guint shard_index, shard_count; /* count 0: the whole campaign */
  gboolean keep_failed;
  gdouble progress_every;
  guint n_jobs;            /* checks at once */
  /* the journal */
  const FmChipDesc *desc;
  gchar journal_id[FM_CUT_ID_DIGEST_CHARS + 1];
  gchar *work_dir;
  /* the run */
  CheckJobs *jobs;         /* while campaign_run() runs */
  GPtrArray *results;      /* first-level CutResult of this run, campaign order */
  guint print_cursor, tap_number;
  GQueue ready;            /* first cuts whose check ended: their second level to cut */
  CampaignReport *report;
  FILE *csv;
  guint64 planned, done, first_cuts_done;
  guint64 first_cuts_planned;
  gint64 start_us, last_progress_us;
  gdouble cut_making_s, checking_s;
  int interrupted_by;      /* the stop signal that came (SIGINT, SIGTERM, SIGHUP), or 0 */
  guint signal_sources[3];
} Campaign;


/* Runs the cut points of PLAN (this shard's) from BASE, the journal's
 * base, following READER. */
gboolean campaign_run (Campaign *c, FmImage *base, FmJournalReader *reader,
                       FmCampaignPlan *plan, GError **error);
/* Whether the first-level operation OP_INDEX (the n-th chosen) is this
 * run's: operations are dealt out to the shards in turn. */
gboolean campaign_owns (const Campaign *c, guint64 op_index);
/* A line on stderr, if PROGRESS_EVERY seconds have passed (or FORCE). */
void     campaign_progress (Campaign *c, gboolean force);

void     cut_result_free (CutResult *r);
/* "operation 1234 torn (somebits), program of block 3 page 7". */
gchar   *describe_result (const CutResult *r);
/* The check's environment for R's image at PATH, and its command. */
gchar  **check_environment (const Campaign *c, const CutResult *r, const gchar *path);
gchar   *check_command (const gchar *check, const gchar *path);

G_END_DECLS
