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
#include <unistd.h>

/* One request carries at most this much in-band data (plus its OOB). */
#define MAX_INBAND (1024 * 1024)
#define FUSE_INTERRUPT_OPCODE 36

struct _MuseServer {
  FmNandHost *host;
  const FmChipDesc *d;
  MuseServerOptions options;
  guint bitflip_threshold;
  gsize max_oob;          /* OOB bytes MAX_INBAND of pages can carry */
  guint8 *request;        /* one request as read from the device */
  gsize request_size;
  guint8 *data, *oob;     /* reply payload buffers */
  MuseServerCounts counts;
};

MuseServer *
muse_server_new (FmNandHost *host, const MuseServerOptions *options)
{
  MuseServer *s = g_new0 (MuseServer, 1);
  const FmEcc *ecc = fm_nand_host_ecc (host);

  s->host = host;
  s->d = fm_nand_desc (fm_nand_host_nand (host));
  s->options = *options;
  s->bitflip_threshold = options->bitflip_threshold;
  /* Linux's default for NAND: 3/4 of the strength, rounded up. */
  if (!s->bitflip_threshold)
    s->bitflip_threshold = ecc ? MAX (1u, (ecc->strength * 3 + 3) / 4) : 1;
  s->max_oob = (gsize) (MAX_INBAND / s->d->page_size) * s->d->oob_size;
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

const MuseServerCounts *
muse_server_counts (const MuseServer *s)
{
  return &s->counts;
}

GBytes *
muse_server_init_info (MuseServer *s)
{
  const FmChipDesc *d = s->d;
  const FmEcc *ecc = fm_nand_host_ecc (s->host);
  GString *info = g_string_new (NULL);

  /* Each string is KEY=VALUE followed by its NUL. */
#define ADD(...) G_STMT_START { g_string_append_printf (info, __VA_ARGS__); g_string_append_c (info, '\0'); } G_STMT_END
  ADD ("NAME=%s", s->options.mtd_name ? s->options.mtd_name : d->name);
  ADD ("TYPE=%s", d->type == FM_CHIP_NAND_MLC ? "MTD_MLCNANDFLASH" : "MTD_NANDFLASH");
  ADD ("FLAGS=%u", 0x400u); /* MTD_WRITEABLE: MTD_CAP_NANDFLASH */
  ADD ("SIZE=%" G_GUINT64_FORMAT, fm_chip_desc_size_bytes (d));
  ADD ("WRITESIZE=%u", d->page_size);
  ADD ("ERASESIZE=%u", d->page_size * d->pages_per_block);
  ADD ("WRITEBUFSIZE=%u", d->page_size);
  ADD ("OOBSIZE=%u", d->oob_size);
  ADD ("OOBAVAIL=%u", fm_nand_host_oob_avail (s->host));
  ADD ("SUBPAGESHIFT=0");
  if (ecc)
    {
      ADD ("ECCSTRENGTH=%u", ecc->strength);
      ADD ("ECCSTEP=%u", ecc->step_size);
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

static gboolean
handle_init (MuseServer *s, int fd, guint64 unique, const guint8 *arg, gsize len, GError **error)
{
  const struct muse_init_in *in = (const void *) arg;
  struct muse_init_out out = { MUSE_KERNEL_VERSION, MUSE_KERNEL_MINOR_VERSION,
                               MAX_INBAND + s->max_oob, MAX_INBAND + s->max_oob };
  g_autoptr (GBytes) info = muse_server_init_info (s);
  struct iovec args[2];

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

static gboolean
handle_read (MuseServer *s, int fd, guint64 unique, const guint8 *arg, gsize len, GError **error)
{
  const struct muse_io_in *in = (const void *) arg;
  struct muse_io_out out = { 0 };
  FmHostReadResult r = { 0 };
  g_autoptr (GError) local = NULL;
  struct iovec args[3];

  s->counts.reads++;
  if (len != sizeof *in || !io_args_valid (s, in))
    return reply (fd, unique, -EINVAL, NULL, 0, error);
  if (!fm_nand_host_read (s->host, in->addr, in->len, s->data, in->ooboffs, in->ooblen, s->oob,
                          oob_mode (in->flags), (in->flags & MUSE_IO_RAW) != 0, &r, &local))
    {
      if (s->options.verbose)
        g_printerr ("muse-chip: read: %s\n", local->message);
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
  else if (r.max_bitflips >= s->bitflip_threshold)
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
  struct iovec args[1];
  const guint8 *data, *oob;

  s->counts.writes++;
  if (len < sizeof *in || !io_args_valid (s, in) || len != sizeof *in + in->len + in->ooblen)
    return reply (fd, unique, -EINVAL, NULL, 0, error);
  data = arg + sizeof *in;
  oob = data + in->len;
  if (!fm_nand_host_write (s->host, in->addr, in->len, data, in->ooboffs, in->ooblen, oob,
                           oob_mode (in->flags), (in->flags & MUSE_IO_RAW) != 0, &local))
    {
      if (s->options.verbose)
        g_printerr ("muse-chip: write: %s\n", local->message);
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

  s->counts.erases++;
  if (len != sizeof *in)
    return reply (fd, unique, -EINVAL, NULL, 0, error);
  if (!fm_nand_host_erase (s->host, in->addr, in->len, NULL, &local))
    {
      if (s->options.verbose)
        g_printerr ("muse-chip: erase: %s\n", local->message);
      return reply (fd, unique, errno_of (local), NULL, 0, error);
    }
  return reply (fd, unique, 0, NULL, 0, error);
}

/* The block of a MUSE block request, or -1. */
static gint64
block_of (MuseServer *s, const guint8 *arg, gsize len)
{
  const struct muse_block_in *in = (const void *) arg;
  guint64 block_size = (guint64) s->d->page_size * s->d->pages_per_block;

  if (len != sizeof *in || in->addr % block_size || in->addr >= fm_chip_desc_size_bytes (s->d))
    return -1;
  return in->addr / block_size;
}

static gboolean
handle_isbad (MuseServer *s, int fd, guint64 unique, const guint8 *arg, gsize len, GError **error)
{
  gint64 block = block_of (s, arg, len);
  struct muse_isbad_out out = { 0, 0 };
  gboolean bad = FALSE;
  struct iovec args[1] = { { &out, sizeof out } };

  s->counts.isbad++;
  if (block < 0)
    return reply (fd, unique, -EINVAL, NULL, 0, error);
  if (!fm_nand_block_is_bad (fm_nand_host_nand (s->host), block, &bad, NULL))
    return reply (fd, unique, -EIO, NULL, 0, error);
  out.result = bad;
  return reply (fd, unique, 0, args, 1, error);
}

static gboolean
handle_markbad (MuseServer *s, int fd, guint64 unique, const guint8 *arg, gsize len, GError **error)
{
  gint64 block = block_of (s, arg, len);
  FmNand *nand = fm_nand_host_nand (s->host);
  gboolean bad = FALSE;

  s->counts.markbad++;
  if (block < 0)
    return reply (fd, unique, -EINVAL, NULL, 0, error);
  /* A bad block's programs may report FAIL and still leave the marker,
   * which is what counts. */
  fm_nand_mark_bad (nand, block, NULL);
  if (!fm_nand_block_is_bad (nand, block, &bad, NULL) || !bad)
    return reply (fd, unique, -EIO, NULL, 0, error);
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
      fm_image_sync (fm_nand_image (fm_nand_host_nand (s->host)), NULL);
      return reply (fd, in->unique, 0, NULL, 0, error);
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
      if (!dispatch (s, fd, s->request, n, error))
        return FALSE;
    }
  return TRUE;
}
