/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a running muse-chip shows in its statistics directory
 * (--stats-mount): the chip's per-block wear as `flashmodel wear --csv`
 * writes it, the summary as `flashmodel wear --json` writes it plus the
 * server's own state, and the bad blocks. Rendered on demand, from the
 * live model, between two requests. With a journal (--record), also the
 * write-only control file 'mark': each write of a label places a mark in
 * the journal between two requests (fm_journal_writer_mark()) and returns
 * once it is there, so that a workload can say where, among the chip's
 * operations, a write of its was acknowledged. Without a journal, the
 * write-only control file 'image': writing the path of another image of
 * the same chip makes muse-chip serve that one from the next request on.
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
  FmJournalWriter *journal;   /* --record's, or NULL: no 'mark' file */
  /* Serves the image at PATH from now on; 0 or an errno. NULL: no 'image'
   * file. It updates CELLS and IMAGE under LOCK. */
  gint (*switch_image) (const gchar *path, gpointer switch_data);
  gpointer switch_data;
} MuseStatsSource;

/* The control files SOURCE offers ('mark', 'image'); NULL-terminated. */
const gchar *const *muse_stats_controls (const MuseStatsSource *source);

/* FILE's content now (a MuseStatsRender for muse-stats-fs.h); SOURCE is a
 * MuseStatsSource. NULL for a name not in muse_stats_files. */
GBytes *muse_stats_render (const gchar *file, gpointer source);

/* A write of DATA to control FILE (a MuseStatsWrite), with at most one
 * trailing newline. For 'mark', DATA is the label: 0, EINVAL for a label
 * fm_journal_mark_label_valid() refuses, EIO if the journal failed. For
 * 'image', the path: what switch_image returns. */
gint muse_stats_control (const gchar *file, const gchar *data, gsize len, gpointer source);

G_END_DECLS
