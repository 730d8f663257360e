/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a running muse-chip shows in its statistics directory
 * (--stats-mount): the chip's per-block wear as `flashmodel wear --csv`
 * writes it, the summary as `flashmodel wear --json` writes it plus the
 * server's own state, and the bad blocks. Rendered on demand, from the
 * live model, between two requests.
 */
#pragma once

#include "muse-server.h"

G_BEGIN_DECLS

/* summary.json, erase_counts.csv, bad_blocks; NULL-terminated. */
extern const gchar *const muse_stats_files[];

typedef struct {
  GMutex *lock;               /* the server's (MuseServerOptions.lock) */
  const FmChipDesc *desc;
  FmNand *cells;              /* muse_backend_cells() */
  const MuseServer *server;
  gchar *image;               /* the image's absolute path (the caller owns it), NULL if volatile */
  gint64 started;             /* g_get_monotonic_time() at start */
} MuseStatsSource;

/* FILE's content now (a MuseStatsRender for muse-stats-fs.h); SOURCE is a
 * MuseStatsSource. NULL for a name not in muse_stats_files. */
GBytes *muse_stats_render (const gchar *file, gpointer source);

G_END_DECLS
