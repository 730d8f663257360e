/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where `flashmodel wear` and `flashmodel stat --live` get a chip's
 * per-block wear: an image, or a statistics directory — the one muse-chip
 * serves with --stats-mount, or a copy of its files.
 */
#pragma once

#include "flashmodel.h"

G_BEGIN_DECLS

/* The "live" member of a statistics directory's summary.json. */
typedef struct {
  gboolean present;
  gchar *server;              /* "muse-chip" */
  gint64 pid;
  gdouble uptime_s;
  gdouble busy_s;             /* serving requests, not waiting for them */
  gdouble model_s;            /* of which in the chip model */
  gchar *state;               /* "serving", "stopped", ... */
  guint64 reads, writes, erases, isbad, markbad, syncs;  /* requests served */
  /* "read_retry" (optional): FmNandStats' read retry counters */
  gboolean has_read_retry;
  guint64 read_retry_reads;
  guint64 read_retry_ended_at[FM_NAND_MAX_RETRY_LEVELS];
} FmLiveInfo;

void fm_live_info_clear (FmLiveInfo *live);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FmLiveInfo, fm_live_info_clear)

/* The files a statistics directory holds. */
#define STATS_SUMMARY "summary.json"
#define STATS_BLOCKS "erase_counts.csv"
#define STATS_BAD "bad_blocks"

/* PATH is an image (opened read-only) or a statistics directory, whose
 * summary.json gives the chip and erase_counts.csv the blocks. LIVE, if
 * not NULL, gets the directory's "live" member (present FALSE for an
 * image or a directory without one). */
FmWearTable *open_wear_table (const gchar *path, FmLiveInfo *live, GError **error);

G_END_DECLS
