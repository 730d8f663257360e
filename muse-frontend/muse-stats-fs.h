/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny read-only FUSE file system of live statistics files: each file's
 * content is rendered by a callback when it is opened or stat'ed.
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

/* Mounts a read-only directory on MOUNTPOINT (an existing directory)
 * holding the regular files FILES (NULL-terminated, names without '/'),
 * and serves it from a new thread until muse_stats_fs_unmount(). */
MuseStatsFs *muse_stats_fs_mount (const gchar *mountpoint, const gchar *const *files,
                                  MuseStatsRender render, gpointer user_data,
                                  GError **error);

/* Unmounts, stops the thread, frees. NULL is fine. */
void muse_stats_fs_unmount (MuseStatsFs *fs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MuseStatsFs, muse_stats_fs_unmount)

G_END_DECLS
