/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny FUSE file system of live statistics files: each file's content is
 * rendered by a callback when it is opened or stat'ed. Optionally a few
 * write-only control files, each write() of which is handed to a callback
 * and returns when that has finished.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Renders file NAME's whole current content (called from the file
 * system's thread, for getattr/lookup to report a size, and on each open
 * for the snapshot that open's reads see). Must be thread safe w.r.t. the
 * caller's data: the caller locks. */
typedef GBytes *(*MuseStatsRender) (const gchar *name, gpointer user_data);

typedef struct _MuseStatsFs MuseStatsFs;

/* Takes one write() call's bytes to control file NAME (from the file
 * system's thread); returns 0, or the positive errno the writer gets. */
typedef gint (*MuseStatsWrite) (const gchar *name, const gchar *data, gsize len,
                                gpointer user_data);

/* Mounts a read-only directory on MOUNTPOINT (an existing directory)
 * holding the regular files FILES (NULL-terminated, names without '/'),
 * and serves it from a new thread until muse_stats_fs_unmount(). */
MuseStatsFs *muse_stats_fs_mount (const gchar *mountpoint, const gchar *const *files,
                                  MuseStatsRender render, gpointer user_data,
                                  GError **error);

/* The same, plus the write-only (mode 0200) files CONTROLS (NULL-terminated;
 * NULL: none) whose writes go to WRITE. A write of at most
 * MUSE_STATS_CONTROL_MAX bytes reaches WRITE whole; longer ones get EINVAL. */
#define MUSE_STATS_CONTROL_MAX 4096
MuseStatsFs *muse_stats_fs_mount_with_controls (const gchar *mountpoint,
                                                const gchar *const *files,
                                                MuseStatsRender render,
                                                const gchar *const *controls,
                                                MuseStatsWrite write,
                                                gpointer user_data, GError **error);

/* Unmounts, stops the thread, frees. NULL is fine. */
void muse_stats_fs_unmount (MuseStatsFs *fs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MuseStatsFs, muse_stats_fs_unmount)

G_END_DECLS
