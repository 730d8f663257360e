/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON report of a power-cut campaign (flashmodel powercut-campaign
 * --report), read back and merged: shards of one campaign, run anywhere,
 * combine into the report one run of the whole campaign writes. The
 * fields are described in README.md ("The campaign's report").
 *
 * What a run adds that is not a result (shard, jobs, host, times) lives
 * in the report's "run" object alone, so that two reports of the same
 * results are byte for byte the same without it.
 */
#pragma once

#include "flashmodel.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CAMPAIGN_REPORT_FORMAT "flashmodel-powercut-campaign"
#define CAMPAIGN_REPORT_VERSION 1
/* The most shards a campaign is split into (--shard K/N, N at most). */
#define CAMPAIGN_MAX_SHARDS 1000000
/* A report's counts are refused beyond this (10^12 cut points is far
 * more than any campaign checks), so that merged sums stay in 64 bits. */
#define REPORT_MAX_COUNT (G_GUINT64_CONSTANT (1) << 40)

/* Counters by what was cut: index 0 clean, 1 + v the torn variant v. */
#define REPORT_CUTS (1 + FM_TORN_N_VARIANTS)
#define REPORT_OPS 3 /* by FmNandOp */

typedef struct {
  guint64 checked, failed;
} ReportCount;

typedef struct {
  gchar *id;
  FmCutId parsed;
  gchar *what;        /* "program of block 3 page 7" */
  gchar *first_what;  /* depth 2: the first cut's operation; else NULL */
  gchar *status;      /* "exit status 1" */
  gchar *output;      /* the end of the check's output */
  gchar *recovery;    /* depth 2: the kept recovery journal's file name */
} ReportFailure;

typedef struct {
  gchar *id;
  FmCutId parsed;
  gchar *same_as;     /* the ID of the cut whose image it is */
} ReportDuplicate;

typedef struct {
  /* What the campaign is: journal, base, coverage, check; its "id" is a
   * hash of the rest. Reports merge only when these are equal. */
  JsonNode *campaign;
  gchar *campaign_id;

  ReportCount total;
  ReportCount by_cut[REPORT_CUTS];
  ReportCount by_op[REPORT_OPS];
  ReportCount by_depth[FM_CUT_ID_MAX_DEPTH];
  guint64 duplicates;
  /* depth 2: first cuts whose recovery was cut, and those whose failed
   * check left no recovery journal */
  guint64 recoveries, no_recovery;
  GPtrArray *failures;   /* ReportFailure, campaign order */
  GPtrArray *dups;       /* ReportDuplicate, campaign order */

  /* run */
  guint shard_index, shard_count;  /* count 0: not a shard (a whole run or a merge) */
  GPtrArray *merged_from;          /* "K/N" of merged shards; NULL: not a merge */
  guint jobs;
  gdouble cut_making_s, checking_s, total_s;
  gchar *host, *started, *work_dir;
} CampaignReport;

CampaignReport *campaign_report_new  (void);
void            campaign_report_free (CampaignReport *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CampaignReport, campaign_report_free)

/* Sets CAMPAIGN (taking it) and its id, the first 16 hex digits of the
 * SHA-256 of its compact JSON. */
void     campaign_report_set_campaign (CampaignReport *r, JsonNode *campaign);
/* Counts one checked cut (and keeps its failure, taking it). */
void     campaign_report_add_checked  (CampaignReport *r, const FmCutId *id, FmNandOp op,
                                       ReportFailure *failure);
void     campaign_report_add_duplicate (CampaignReport *r, ReportDuplicate *dup);
/* Failures and duplicates in campaign order (fm_cut_id_compare()). */
void     campaign_report_sort (CampaignReport *r);

/* The report's JSON text. */
gchar   *campaign_report_to_data (const CampaignReport *r);
/* Writes the report to PATH through a temporary file. */
gboolean campaign_report_write (const CampaignReport *r, const gchar *path, GError **error);
/* Reads a report back; errors name PATH and the field. */
CampaignReport *campaign_report_load (const gchar *path, GError **error);
/* The report one run of the campaign gives, from all the shards of it
 * (PATHS for messages): refused unless they are of the same campaign and
 * are each shard of it exactly once. */
CampaignReport *campaign_report_merge (GPtrArray *reports, const gchar *const *paths,
                                       GError **error);

void report_failure_free   (ReportFailure *f);
void report_duplicate_free (ReportDuplicate *d);

G_END_DECLS
