/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A MUSE server under test, driven over a socket pair the way the
 * kernel's MUSE driver drives /dev/muse: one FUSE request per message,
 * one reply per message. Shared by the tests of muse-frontend.
 */
#pragma once

#include "muse-server.h"

G_BEGIN_DECLS

typedef struct {
  MuseBackend *backend;
  MuseServer *server;
  int kernel_fd, server_fd;
  GThread *thread;
  guint64 unique;
} MuseTestServer;

/* Serves BACKEND (taken) from a thread, named NAME with partitions PARTS
 * (or NULL), under a lock as muse-chip does with --stats-mount. */
void muse_test_server_start (MuseTestServer *t, MuseBackend *backend, const gchar *name,
                             const gchar *parts);
/* Ends the server (it sees end of file) and frees it and the backend. */
void muse_test_server_stop  (MuseTestServer *t);

/* Sends OPCODE with ARGS (up to three pieces); returns the reply's error
 * and copies its payload into OUT (OUT_LEN in, payload length out). */
gint muse_test_call (MuseTestServer *t, guint32 opcode, const void *a0, gsize l0,
                     const void *a1, gsize l1, const void *a2, gsize l2,
                     void *out, gsize *out_len);

G_END_DECLS
