/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MUSE server: reads requests from a /dev/muse file descriptor, serves
 * them from a backend (muse-backend.h), writes replies. The FUSE wire format (headers,
 * argument layout) is handled here and nowhere else.
 */
#pragma once

#include "muse-backend.h"

G_BEGIN_DECLS

typedef struct {
  const gchar *mtd_name;      /* NAME= (required) */
  const gchar *mtdparts;      /* PARTSCMDLINE=, or NULL */
  guint bitflip_threshold;    /* 0: the backend's, else 3/4 of the ECC strength */
  gboolean verbose;
  /* If not NULL, held while a request is served (not while waiting for
   * one), so that another thread can look at the backend and the counts
   * between requests. */
  GMutex *lock;
} MuseServerOptions;

typedef struct _MuseServer MuseServer;

/* The server does not own BACKEND; it must outlive the server. */
MuseServer *muse_server_new  (MuseBackend *backend, const MuseServerOptions *options);
void        muse_server_free (MuseServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MuseServer, muse_server_free)

/* Serves BACKEND from now on, in place of the one given so far (which the
 * caller still owns and may free once this returns). The geometry must be
 * the same, as the kernel keeps the one INIT gave it; FALSE and ERROR
 * otherwise. Call with options->lock held (if any), between requests. */
gboolean    muse_server_set_backend (MuseServer *server, MuseBackend *backend, GError **error);

/* The INIT reply's KEY=VALUE strings, NUL separated (for tests and -v). */
GBytes     *muse_server_init_info (MuseServer *server);

/* Serves requests from FD until the kernel side goes away (TRUE) or an
 * I/O error (FALSE). *STOP set from a signal handler ends it after the
 * request in progress. */
gboolean    muse_server_run (MuseServer *server, int fd, volatile gint *stop,
                             GError **error);

/* Requests served so far, per opcode class (under options->lock, if any). */
typedef struct {
  guint64 inits, reads, writes, erases, isbad, markbad, syncs, unknown;
  /* Time spent serving (from a request read to its reply written), not
   * waiting for requests. */
  guint64 busy_ns;
  /* Of which in the backend's read, write and erase: the model's own time. */
  guint64 backend_ns;
} MuseServerCounts;
const MuseServerCounts *muse_server_counts (const MuseServer *server);

G_END_DECLS
