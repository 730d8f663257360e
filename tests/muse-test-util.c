/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A MUSE server on a socket pair, for the tests (muse-test-util.h). */
#include "muse-test-util.h"
#include "muse.h"

#include <linux/fuse.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static gpointer
serve (gpointer data)
{
  MuseTestServer *t = data;
  g_autoptr (GError) error = NULL;

  g_assert_true (muse_server_run (t->server, t->server_fd, NULL, &error));
  g_assert_no_error (error);
  return NULL;
}

void
muse_test_server_start (MuseTestServer *t, MuseBackend *backend, const gchar *name,
                        const gchar *parts)
{
  static GMutex lock;
  MuseServerOptions options = { name, parts, 0, FALSE, &lock };
  int fds[2];

  memset (t, 0, sizeof *t);
  t->backend = backend;
  t->server = muse_server_new (backend, &options);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_SEQPACKET, 0, fds), ==, 0);
  t->kernel_fd = fds[0];
  t->server_fd = fds[1];
  t->thread = g_thread_new ("muse-server", serve, t);
}

void
muse_test_server_stop (MuseTestServer *t)
{
  close (t->kernel_fd); /* the server sees end of file and returns */
  g_thread_join (t->thread);
  close (t->server_fd);
  muse_server_free (t->server);
  muse_backend_free (t->backend);
}

gint
muse_test_call (MuseTestServer *t, guint32 opcode, const void *a0, gsize l0, const void *a1, gsize l1,
                const void *a2, gsize l2, void *out, gsize *out_len)
{
  struct fuse_in_header in = { 0 };
  struct iovec iov[4] = {
    { &in, sizeof in }, { (void *) a0, l0 }, { (void *) a1, l1 }, { (void *) a2, l2 } };
  gsize cap = out_len ? *out_len : 0;
  g_autofree guint8 *buf = g_malloc (sizeof (struct fuse_out_header) + cap + 1);
  struct fuse_out_header *reply = (void *) buf;
  ssize_t n;

  in.len = sizeof in + l0 + l1 + l2;
  in.opcode = opcode;
  in.unique = ++t->unique;
  g_assert_cmpint (writev (t->kernel_fd, iov, 4), ==, (gssize) in.len);
  n = read (t->kernel_fd, buf, sizeof *reply + cap + 1);
  g_assert_cmpint (n, >=, (gssize) sizeof *reply);
  g_assert_cmpuint (reply->len, ==, (gsize) n);
  g_assert_cmpuint (reply->unique, ==, t->unique);
  if (out_len)
    {
      *out_len = n - sizeof *reply;
      memcpy (out, buf + sizeof *reply, *out_len);
    }
  return reply->error;
}
