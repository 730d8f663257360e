/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Why not libfuse3: its low-level session dispatches FUSE and CUSE opcodes
 * through a fixed table (CUSE_INIT is the last entry) and answers anything
 * else with -ENOSYS, so MUSE's 8192+ opcodes never reach the application,
 * and cuse_lowlevel hard-codes CUSE_INIT's reply. The wire protocol is
 * small — read one request, writev one reply — so it lives here instead.
 */
#include "muse-server.h"
#include "muse.h"

#include <errno.h>
#include <linux/fuse.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* One request carries at most this much in-band data (plus its OOB). */
#define MAX_INBAND (1024 * 1024)
#define FUSE_INTERRUPT_OPCODE 36

/* Nanoseconds: requests take microseconds, so g_get_monotonic_time()'s
 * truncation would bias the sum. */
static guint64
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

struct _MuseServer {
  MuseBackend *backend;
  const MuseGeometry *g;
  MuseServerOptions options;
  guint bitflip_threshold;
  gsize max_oob;          /* OOB bytes MAX_INBAND of pages can carry */
  guint8 *request;        /* one request as read from the device */
  gsize request_size;
  guint8 *data, *oob;     /* reply payload buffers */
  MuseServerCounts counts;
  gboolean io_failure_shown;
};

MuseServer *
muse_server_new (MuseBackend *backend, const MuseServerOptions *options)
{
  MuseServer *s = g_new0 (MuseServer, 1);

  s->backend = backend;
  s->g = &backend->geometry;
  s->options = *options;
  s->bitflip_threshold = options->bitflip_threshold ? options->bitflip_threshold
                                                     : s->g->bitflip_threshold;
  /* nand_base's default: 3/4 of the strength, rounded up. */
  if (!s->bitflip_threshold && s->g->ecc_strength)
    s->bitflip_threshold = MAX (1u, (s->g->ecc_strength * 3 + 3) / 4);
  s->max_oob = (gsize) (MAX_INBAND / s->g->writesize) * s->g->oobsize;
  s->request_size = sizeof (struct fuse_in_header) + sizeof (struct muse_io_in) + MAX_INBAND + s->max_oob;
  s->request = g_malloc (s->request_size);
  s->data = g_malloc (MAX_INBAND);
  s->oob = g_malloc (s->max_oob);
  return s;
}

void
muse_server_free (MuseServer *s)
{
  if (!s)
    return;
  g_free (s->request);
  g_free (s->data);
  g_free (s->oob);
  g_free (s);
}

gboolean
muse_server_set_backend (MuseServer *s, MuseBackend *backend, GError **error)
{
  const MuseGeometry *a = s->g, *b = &backend->geometry;

  if (g_strcmp0 (a->type, b->type) != 0 || a->flags != b->flags || a->size != b->size ||
      a->writesize != b->writesize || a->erasesize != b->erasesize ||
      a->writebufsize != b->writebufsize || a->oobsize != b->oobsize ||
      a->oobavail != b->oobavail || a->subpage_shift != b->subpage_shift || a->ecc_strength != b->ecc_strength ||
      a->ecc_step != b->ecc_step || a->bitflip_threshold != b->bitflip_threshold)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "the new backend's geometry is not the one the kernel was given");
      return FALSE;
    }
  s->backend = backend;
  s->g = b;
  return TRUE;
}

const MuseServerCounts *
muse_server_counts (const MuseServer *s)
{
  return &s->counts;
}

GBytes *
muse_server_init_info (MuseServer *s)
{
  const MuseGeometry *g = s->g;
  GString *info = g_string_new (NULL);

  /* Each string is KEY=VALUE followed by its NUL. */
#define ADD(...) G_STMT_START { g_string_append_printf (info, __VA_ARGS__); g_string_append_c (info, '\0'); } G_STMT_END
  ADD ("NAME=%s", s->options.mtd_name);
  ADD ("TYPE=%s", g->type);
  ADD ("FLAGS=%u", g->flags);
  ADD ("SIZE=%" G_GUINT64_FORMAT, g->size);
  ADD ("WRITESIZE=%u", g->writesize);
  ADD ("ERASESIZE=%u", g->erasesize);
  ADD ("WRITEBUFSIZE=%u", g->writebufsize);
  ADD ("OOBSIZE=%u", g->oobsize);
  ADD ("OOBAVAIL=%u", g->oobavail);
  ADD ("SUBPAGESHIFT=%u", g->subpage_shift);
  if (g->ecc_strength)
    {
      ADD ("ECCSTRENGTH=%u", g->ecc_strength);
      ADD ("ECCSTEP=%u", g->ecc_step);
      ADD ("BITFLIPTHRESHOLD=%u", s->bitflip_threshold);
    }
  if (s->options.mtdparts)
    ADD ("PARTSCMDLINE=%s", s->options.mtdparts);
#undef ADD
  return g_string_free_to_bytes (info);
}

/* ---- replies ---------------------------------------------------------- */

static gboolean
reply (int fd, guint64 unique, gint error, const struct iovec *args, guint n_args, GError **gerror)
{
  struct fuse_out_header out = { sizeof out, error, unique };
  struct iovec iov[4];
  ssize_t written;

  g_assert (n_args < G_N_ELEMENTS (iov));
  iov[0] = (struct iovec) { &out, sizeof out };
  for (guint i = 0; i < n_args && error == 0; i++)
    {
      iov[1 + i] = args[i];
      out.len += args[i].iov_len;
    }
  written = writev (fd, iov, error == 0 ? 1 + n_args : 1);
  /* ENOENT: the kernel gave up on the request (interrupted or aborted). */
  if (written < 0 && errno != ENOENT)
    {
      g_set_error (gerror, FM_ERROR, FM_ERROR_IO, "writing a reply to /dev/muse: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static gint
errno_of (const GError *error)
{
  if (g_error_matches (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE))
    return -EINVAL;
  if (g_error_matches (error, FM_ERROR, FM_ERROR_WRITE_PROTECTED))
    return -EROFS;
  return -EIO;
}

/* ---- requests ------------------------------------------------------------- */

/* Prints why a request failed: with --verbose each time; a failure of
 * the server's own storage (the image file on a full disk: the host's
 * trouble, not the chip's) also without, the first time. */
static void
show_failure (MuseServer *s, const gchar *what, const GError *local)
{
  if (!s->options.verbose)
    {
      if (s->io_failure_shown || !g_error_matches (local, FM_ERROR, FM_ERROR_IO))
        return;
      s->io_failure_shown = TRUE;
    }
  g_printerr ("muse-chip: %s: %s\n", what, local->message);
}

static gboolean
handle_init (MuseServer *s, int fd, guint64 unique, const guint8 *arg, gsize len, GError **error)
{
  const struct muse_init_in *in = (const void *) arg;
  struct muse_init_out out = { MUSE_KERNEL_VERSION, MUSE_KERNEL_MINOR_VERSION,
                               MAX_INBAND + s->max_oob, MAX_INBAND + s->max_oob };
  g_autoptr (GBytes) info = muse_server_init_info (s);
  struct iovec args[2];

  s->counts.inits++;
  if (len < sizeof *in || in->major != MUSE_KERNEL_VERSION)
    {
      g_printerr ("muse-chip: kernel speaks MUSE %u.%u, this server %u.%u\n",
                  len >= sizeof *in ? in->major : 0, len >= sizeof *in ? in->minor : 0,
                  MUSE_KERNEL_VERSION, MUSE_KERNEL_MINOR_VERSION);
      return reply (fd, unique, -EPROTO, NULL, 0, error);
    }
  args[0] = (struct iovec) { &out, sizeof out };
  args[1] = (struct iovec) { (gpointer) g_bytes_get_data (info, NULL), g_bytes_get_size (info) };
  return reply (fd, unique, 0, args, 2, error);
}

static gboolean
io_args_valid (MuseServer *s, const struct muse_io_in *in)
{
  gboolean oob = (in->flags & (MUSE_IO_OOB_AUTO | MUSE_IO_OOB_PLACE)) != 0;

  if (in->flags & ~(guint32) (MUSE_IO_INBAND | MUSE_IO_OOB_AUTO | MUSE_IO_OOB_PLACE | MUSE_IO_RAW))
    return FALSE;
  if ((in->flags & MUSE_IO_OOB_AUTO) && (in->flags & MUSE_IO_OOB_PLACE))
    return FALSE;
  if (in->len > MAX_INBAND || in->ooblen > s->max_oob)
    return FALSE;
  if (!(in->flags & MUSE_IO_INBAND) != !in->len || oob != !!in->ooblen)
    return FALSE;
  return TRUE;
}

static FmHostOobMode
oob_mode (guint32 flags)
{
  return (flags & MUSE_IO_OOB_AUTO) ? FM_HOST_OOB_AUTO : FM_HOST_OOB_PLACE;
}

/* A chip without power answers nothing more: the request stays pending
 * and the server stops, so the kernel sees its device vanish as a machine
 * would see its flash lose power. Takes LOCAL when it reports that. */
static gboolean
power_lost (GError **local, GError **error)
{
  if (!g_error_matches (*local, FM_ERROR, FM_ERROR_POWER_OFF))
    return FALSE;
  g_propagate_error (error, g_steal_pointer (local));
  return TRUE;
}

static gboolean
handle_read (MuseServer *s, int fd, guint64 unique, const guint8 *arg, gsize len, GError **error)
{
  const struct muse_io_in *in = (const void *) arg;
  struct muse_io_out out = { 0 };
  FmHostReadResult r = { 0 };
  g_autoptr (GError) local = NULL;
  guint64 start;
  gboolean ok;
  struct iovec args[3];

  s->counts.reads++;
  if (len != sizeof *in || !io_args_valid (s, in))
    return reply (fd, unique, -EINVAL, NULL, 0, error);
  start = monotonic_ns ();
  ok = s->backend->read (s->backend->self, in->addr, in->len, s->data, in->ooboffs, in->ooblen, s->oob,
                         oob_mode (in->flags), (in->flags & MUSE_IO_RAW) != 0, &r, &local);
  s->counts.backend_ns += monotonic_ns () - start;
  if (!ok)
    {
      show_failure (s, "read", local);
      if (power_lost (&local, error))
        return FALSE;
      return reply (fd, unique, errno_of (local), NULL, 0, error);
    }
  out.len = in->len;
  out.ooblen = in->ooblen;
  out.max_bitflips = r.max_bitflips;
  out.corrected = r.corrected;
  out.failed = r.failed;
  /* Data comes back in full either way; the soft error tells MTD what
   * the ECC made of it. */
  if (r.failed)
    out.soft_error = -EBADMSG;
  else if (s->bitflip_threshold && r.max_bitflips >= s->bitflip_threshold)
    out.soft_error = -EUCLEAN;
  args[0] = (struct iovec) { &out, sizeof out };
  args[1] = (struct iovec) { s->oob, in->ooblen };
  args[2] = (struct iovec) { s->data, in->len };
  return reply (fd, unique, 0, args, 3, error);
}

static gboolean
handle_write (MuseServer *s, int fd, guint64 unique, const guint8 *arg, gsize len, GError **error)
{
  const struct muse_io_in *in = (const void *) arg;
  struct muse_io_out out = { 0 };
  g_autoptr (GError) local = NULL;
  guint64 start;
  gboolean ok;
  struct iovec args[1];
  const guint8 *data, *oob;

  s->counts.writes++;
  if (len < sizeof *in || !io_args_valid (s, in) || len != sizeof *in + in->len + in->ooblen)
    return reply (fd, unique, -EINVAL, NULL, 0, error);
  data = arg + sizeof *in;
  oob = data + in->len;
  start = monotonic_ns ();
  ok = s->backend->write (s->backend->self, in->addr, in->len, data, in->ooboffs, in->ooblen, oob,
                          oob_mode (in->flags), (in->flags & MUSE_IO_RAW) != 0, &local);
  s->counts.backend_ns += monotonic_ns () - start;
  if (!ok)
    {
      show_failure (s, "write", local);
      if (power_lost (&local, error))
        return FALSE;
      return reply (fd, unique, errno_of (local), NULL, 0, error);
    }
  out.len = in->len;
  out.ooblen = in->ooblen;
  args[0] = (struct iovec) { &out, sizeof out };
  return reply (fd, unique, 0, args, 1, error);
}

static gboolean
handle_erase (MuseServer *s, int fd, guint64 unique, const guint8 *arg, gsize len, GError **error)
{
  const struct muse_erase_in *in = (const void *) arg;
  g_autoptr (GError) local = NULL;
  guint64 start;
  gboolean ok;

  s->counts.erases++;
  if (len != sizeof *in)
    return reply (fd, unique, -EINVAL, NULL, 0, error);
  start = monotonic_ns ();
  ok = s->backend->erase (s->backend->self, in->addr, in->len, &local);
  s->counts.backend_ns += monotonic_ns () - start;
  if (!ok)
    {
      show_failure (s, "erase", local);
      if (power_lost (&local, error))
        return FALSE;
      return reply (fd, unique, errno_of (local), NULL, 0, error);
    }
  return reply (fd, unique, 0, NULL, 0, error);
}

/* Whether a MUSE block request names the start of an erase block. */
static gboolean
block_request_valid (MuseServer *s, const guint8 *arg, gsize len)
{
  const struct muse_block_in *in = (const void *) arg;

  return len == sizeof *in && in->addr % s->g->erasesize == 0 && in->addr < s->g->size;
}

static gboolean
handle_isbad (MuseServer *s, int fd, guint64 unique, const guint8 *arg, gsize len, GError **error)
{
  const struct muse_block_in *in = (const void *) arg;
  struct muse_isbad_out out = { 0, 0 };
  gboolean bad = FALSE;
  struct iovec args[1] = { { &out, sizeof out } };
  g_autoptr (GError) local = NULL;

  s->counts.isbad++;
  if (!s->backend->is_bad)
    return reply (fd, unique, -EOPNOTSUPP, NULL, 0, error);
  if (!block_request_valid (s, arg, len))
    return reply (fd, unique, -EINVAL, NULL, 0, error);
  if (!s->backend->is_bad (s->backend->self, in->addr, &bad, &local))
    return power_lost (&local, error) ? FALSE : reply (fd, unique, errno_of (local), NULL, 0, error);
  out.result = bad;
  return reply (fd, unique, 0, args, 1, error);
}

static gboolean
handle_markbad (MuseServer *s, int fd, guint64 unique, const guint8 *arg, gsize len, GError **error)
{
  const struct muse_block_in *in = (const void *) arg;
  g_autoptr (GError) local = NULL;

  s->counts.markbad++;
  if (!s->backend->mark_bad)
    return reply (fd, unique, -EOPNOTSUPP, NULL, 0, error);
  if (!block_request_valid (s, arg, len))
    return reply (fd, unique, -EINVAL, NULL, 0, error);
  if (!s->backend->mark_bad (s->backend->self, in->addr, &local))
    {
      show_failure (s, "mark bad", local);
      if (power_lost (&local, error))
        return FALSE;
      return reply (fd, unique, errno_of (local), NULL, 0, error);
    }
  return reply (fd, unique, 0, NULL, 0, error);
}

static gboolean
dispatch (MuseServer *s, int fd, const guint8 *buf, gsize n, GError **error)
{
  const struct fuse_in_header *in = (const void *) buf;
  const guint8 *arg = buf + sizeof *in;
  gsize len = n - sizeof *in;

  switch (in->opcode)
    {
    case MUSE_INIT:
      return handle_init (s, fd, in->unique, arg, len, error);
    case MUSE_READ:
      return handle_read (s, fd, in->unique, arg, len, error);
    case MUSE_WRITE:
      return handle_write (s, fd, in->unique, arg, len, error);
    case MUSE_ERASE:
      return handle_erase (s, fd, in->unique, arg, len, error);
    case MUSE_ISBAD:
      return handle_isbad (s, fd, in->unique, arg, len, error);
    case MUSE_MARKBAD:
      return handle_markbad (s, fd, in->unique, arg, len, error);
    case MUSE_SYNC:
      s->counts.syncs++;
      return reply (fd, in->unique, s->backend->sync (s->backend->self, NULL) ? 0 : -EIO, NULL, 0, error);
    case FUSE_INTERRUPT_OPCODE:
      return TRUE; /* requests finish quickly; nothing to interrupt */
    default:
      s->counts.unknown++;
      return reply (fd, in->unique, -ENOSYS, NULL, 0, error);
    }
}

gboolean
muse_server_run (MuseServer *s, int fd, volatile gint *stop, GError **error)
{
  while (!stop || !*stop)
    {
      ssize_t n = read (fd, s->request, s->request_size);
      const struct fuse_in_header *in = (const void *) s->request;
      guint64 start;
      gboolean ok;

      if (n < 0)
        {
          if (errno == EINTR || errno == ENOENT || errno == EAGAIN)
            continue;
          if (errno == ENODEV)
            return TRUE; /* the kernel side is gone: unmounted/aborted */
          g_set_error (error, FM_ERROR, FM_ERROR_IO, "reading /dev/muse: %s", g_strerror (errno));
          return FALSE;
        }
      if (n == 0)
        return TRUE;
      if ((gsize) n < sizeof *in || in->len != (guint32) n)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IO,
                       "malformed request from /dev/muse (%zd bytes, header says %u)",
                       n, (gsize) n >= sizeof *in ? in->len : 0);
          return FALSE;
        }
      if (s->options.lock)
        g_mutex_lock (s->options.lock);
      start = monotonic_ns ();
      ok = dispatch (s, fd, s->request, n, error);
      s->counts.busy_ns += monotonic_ns () - start;
      if (s->options.lock)
        g_mutex_unlock (s->options.lock);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}
