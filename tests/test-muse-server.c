/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * muse-chip's request handling, driven over a socket pair the way the
 * kernel's MUSE driver drives /dev/muse: one FUSE request per message,
 * one reply per message.
 */
#include "fm-test-util.h"
#include "muse-test-util.h"
#include "muse.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <linux/fuse.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

typedef struct {
  FmChipDesc *desc;
  FmNandHost *host;
  MuseTestServer t;
  gsize ps;
} Harness;

/* Serves NAND (a chip of DESC, both taken) from a thread. */
static void
harness_start (Harness *h, FmChipDesc *desc, FmNand *nand)
{
  memset (h, 0, sizeof *h);
  h->desc = desc;
  h->ps = h->desc->page_size;
  h->host = fm_nand_host_new (nand, NULL, NULL);
  muse_test_server_start (&h->t, muse_nand_backend_new (h->host), "test-mtd", "64k(boot),-(rest)");
}

static void
harness_init (Harness *h, gint bad_blocks, const gchar *faults)
{
  FmChipDesc *desc = fm_test_tiny_desc (NULL);
  FmNand *nand = fm_test_nand (desc, 2, bad_blocks, FM_TIMING_NONE);

  if (faults)
    fm_nand_set_faults (nand, fm_fault_set_parse (faults, NULL));
  harness_start (h, desc, nand);
}

static void
harness_clear (Harness *h)
{
  muse_test_server_stop (&h->t);
  fm_chip_desc_free (h->desc);
}

static gint
call (Harness *h, guint32 opcode, const void *a0, gsize l0, const void *a1, gsize l1,
      const void *a2, gsize l2, void *out, gsize *out_len)
{
  return muse_test_call (&h->t, opcode, a0, l0, a1, l1, a2, l2, out, out_len);
}

static void
test_init (void)
{
  Harness h;
  struct muse_init_in in = { MUSE_KERNEL_VERSION, MUSE_KERNEL_MINOR_VERSION };
  guint8 out[8192];
  gsize len = sizeof out;
  const struct muse_init_out *io = (const void *) out;
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  struct muse_init_in wrong = { MUSE_KERNEL_VERSION + 1, 0 };

  harness_init (&h, 0, NULL);
  g_assert_cmpint (call (&h, MUSE_INIT, &in, sizeof in, NULL, 0, NULL, 0, out, &len), ==, 0);
  g_assert_cmpuint (io->major, ==, MUSE_KERNEL_VERSION);
  g_assert_cmpuint (io->max_read, >=, 1024 * 1024);
  g_assert_cmpuint (io->max_write, ==, io->max_read);
  /* NUL-terminated KEY=VALUE strings after the fixed part. */
  g_assert_cmpuint (out[len - 1], ==, '\0');
  for (gsize p = sizeof *io; p < len; p += strlen ((gchar *) out + p) + 1)
    g_ptr_array_add (keys, out + p);
  g_ptr_array_add (keys, NULL);
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "NAME=test-mtd"));
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "TYPE=MTD_NANDFLASH"));
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "SIZE=1048576")); /* 64 blocks of 16 KiB */
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "WRITESIZE=2048"));
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "ERASESIZE=16384"));
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "OOBSIZE=64"));
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "OOBAVAIL=62"));
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "SUBPAGESHIFT=0")); /* no ECC: one step */
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "PARTSCMDLINE=64k(boot),-(rest)"));

  /* A kernel speaking another major version is refused. */
  len = sizeof out;
  g_assert_cmpint (call (&h, MUSE_INIT, &wrong, sizeof wrong, NULL, 0, NULL, 0, out, &len), ==, -EPROTO);
  harness_clear (&h);
}

static void
test_write_read_data_and_oob (void)
{
  Harness h;
  g_autofree guint8 *data = fm_test_pattern (2 * 2048, 3);
  guint8 oob[2 * 62];
  struct muse_io_in io = { 8 * 2048, 2 * 2048, MUSE_IO_INBAND | MUSE_IO_OOB_AUTO, 0, sizeof oob };
  struct muse_io_out wo;
  gsize len = sizeof wo;
  g_autofree guint8 *reply = g_malloc (sizeof (struct muse_io_out) + 2 * 2048 + sizeof oob);
  const struct muse_io_out *ro = (const void *) reply;

  harness_init (&h, 0, NULL);
  for (guint i = 0; i < sizeof oob; i++)
    oob[i] = 0xa0 ^ i;
  /* Data and OOB in one request. */
  g_assert_cmpint (call (&h, MUSE_WRITE, &io, sizeof io, data, 2 * 2048, oob, sizeof oob, &wo, &len), ==, 0);
  g_assert_cmpuint (len, ==, sizeof wo);
  g_assert_cmpuint (wo.len, ==, 2 * 2048);
  g_assert_cmpuint (wo.ooblen, ==, sizeof oob);

  len = sizeof *ro + 2 * 2048 + sizeof oob;
  g_assert_cmpint (call (&h, MUSE_READ, &io, sizeof io, NULL, 0, NULL, 0, reply, &len), ==, 0);
  g_assert_cmpuint (len, ==, sizeof *ro + 2 * 2048 + sizeof oob);
  g_assert_cmpint (ro->soft_error, ==, 0);
  /* The reply carries the OOB first, then the in-band data. */
  g_assert_cmpmem (reply + sizeof *ro, sizeof oob, oob, sizeof oob);
  g_assert_cmpmem (reply + sizeof *ro + sizeof oob, 2 * 2048, data, 2 * 2048);

  /* PLACE mode, OOB only: the raw spare area with the marker bytes. */
  io = (struct muse_io_in) { 8 * 2048, 0, MUSE_IO_OOB_PLACE, 0, 64 };
  len = sizeof *ro + 64;
  g_assert_cmpint (call (&h, MUSE_READ, &io, sizeof io, NULL, 0, NULL, 0, reply, &len), ==, 0);
  g_assert_cmphex (reply[sizeof *ro], ==, 0xff);
  g_assert_cmpmem (reply + sizeof *ro + 2, 62, oob, 62);
  harness_clear (&h);
}

static void
test_erase_isbad_markbad (void)
{
  Harness h;
  struct muse_erase_in er = { 3 * 16384, 2 * 16384 };
  struct muse_block_in blk;
  struct muse_isbad_out isbad;
  gsize len;
  guint32 factory = G_MAXUINT32;
  FmNand *nand;

  harness_init (&h, 2, NULL);
  nand = fm_nand_host_nand (h.host);
  g_assert_cmpint (call (&h, MUSE_ERASE, &er, sizeof er, NULL, 0, NULL, 0, NULL, NULL), ==, 0);
  g_assert_cmpuint (fm_image_block (fm_nand_image (nand), 3)->erase_count, ==, 1);
  g_assert_cmpuint (fm_image_block (fm_nand_image (nand), 4)->erase_count, ==, 1);
  /* Not whole blocks. */
  er.addr = 100;
  g_assert_cmpint (call (&h, MUSE_ERASE, &er, sizeof er, NULL, 0, NULL, 0, NULL, NULL), ==, -EINVAL);

  for (guint32 b = 0; b < 64 && factory == G_MAXUINT32; b++)
    if (fm_image_block (fm_nand_image (nand), b)->flags & FM_BLOCK_FACTORY_BAD)
      factory = b;
  blk.addr = (guint64) factory * 16384;
  len = sizeof isbad;
  g_assert_cmpint (call (&h, MUSE_ISBAD, &blk, sizeof blk, NULL, 0, NULL, 0, &isbad, &len), ==, 0);
  g_assert_cmpuint (isbad.result, ==, 1);
  /* A factory-bad block cannot be erased: EIO. */
  er = (struct muse_erase_in) { blk.addr, 16384 };
  g_assert_cmpint (call (&h, MUSE_ERASE, &er, sizeof er, NULL, 0, NULL, 0, NULL, NULL), ==, -EIO);

  blk.addr = (factory == 20 ? 21 : 20) * 16384;
  len = sizeof isbad;
  g_assert_cmpint (call (&h, MUSE_ISBAD, &blk, sizeof blk, NULL, 0, NULL, 0, &isbad, &len), ==, 0);
  g_assert_cmpuint (isbad.result, ==, 0);
  g_assert_cmpint (call (&h, MUSE_MARKBAD, &blk, sizeof blk, NULL, 0, NULL, 0, NULL, NULL), ==, 0);
  len = sizeof isbad;
  g_assert_cmpint (call (&h, MUSE_ISBAD, &blk, sizeof blk, NULL, 0, NULL, 0, &isbad, &len), ==, 0);
  g_assert_cmpuint (isbad.result, ==, 1);
  blk.addr = 5; /* not a block boundary */
  g_assert_cmpint (call (&h, MUSE_ISBAD, &blk, sizeof blk, NULL, 0, NULL, 0, &isbad, &len), ==, -EINVAL);
  g_assert_cmpuint (muse_server_counts (h.t.server)->isbad, ==, 4);
  harness_clear (&h);
}

/* With a host ECC of 8 steps a page (Hamming per 256 bytes), the MTD
 * has nand_base's 512-byte sub-pages: INIT says SUBPAGESHIFT=2, a write
 * of one sub-page programs just it (UBI's VID header at 512 after the EC
 * header at 0), and a write that is not whole sub-pages is -EINVAL. */
static void
test_subpages (void)
{
  MuseTestServer t;
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  FmNand *nand = fm_test_nand (desc, 2, 0, FM_TIMING_NONE);
  FmNandHost *host = fm_nand_host_new (nand, fm_ecc_new_hamming (256, FALSE, NULL), NULL);
  struct muse_init_in in = { MUSE_KERNEL_VERSION, MUSE_KERNEL_MINOR_VERSION };
  g_autofree guint8 *data = fm_test_pattern (2048, 9);
  g_autofree guint8 *reply = g_malloc (sizeof (struct muse_io_out) + 2048);
  const struct muse_io_out *ro = (const void *) reply;
  struct muse_io_in io;
  struct muse_io_out wo;
  guint8 out[8192];
  gsize len = sizeof out;
  gboolean found = FALSE;

  muse_test_server_start (&t, muse_nand_backend_new (host), "sub", NULL);
  g_assert_cmpint (muse_test_call (&t, MUSE_INIT, &in, sizeof in, NULL, 0, NULL, 0, out, &len), ==, 0);
  for (gsize p = sizeof (struct muse_init_out); p < len; p += strlen ((gchar *) out + p) + 1)
    found |= g_str_equal ((gchar *) out + p, "SUBPAGESHIFT=2");
  g_assert_true (found);

  io = (struct muse_io_in) { 5 * 2048, 512, MUSE_IO_INBAND, 0, 0 };
  len = sizeof wo;
  g_assert_cmpint (muse_test_call (&t, MUSE_WRITE, &io, sizeof io, data, 512, NULL, 0, &wo, &len), ==, 0);
  g_assert_cmpuint (wo.len, ==, 512);
  io.addr += 512;
  len = sizeof wo;
  g_assert_cmpint (muse_test_call (&t, MUSE_WRITE, &io, sizeof io, data + 512, 512, NULL, 0, &wo, &len), ==, 0);
  io = (struct muse_io_in) { 5 * 2048, 2048, MUSE_IO_INBAND, 0, 0 };
  len = sizeof *ro + 2048;
  g_assert_cmpint (muse_test_call (&t, MUSE_READ, &io, sizeof io, NULL, 0, NULL, 0, reply, &len), ==, 0);
  g_assert_cmpint (ro->soft_error, ==, 0);
  g_assert_cmpuint (ro->corrected, ==, 0);
  g_assert_cmpmem (reply + sizeof *ro, 1024, data, 1024);
  for (guint i = 1024; i < 2048; i++)
    g_assert_cmphex (reply[sizeof *ro + i], ==, 0xff);

  /* Half a sub-page, and a sub-page at a 256-byte offset. */
  io = (struct muse_io_in) { 6 * 2048, 256, MUSE_IO_INBAND, 0, 0 };
  g_assert_cmpint (muse_test_call (&t, MUSE_WRITE, &io, sizeof io, data, 256, NULL, 0, &wo, &len), ==, -EINVAL);
  io = (struct muse_io_in) { 6 * 2048 + 256, 512, MUSE_IO_INBAND, 0, 0 };
  g_assert_cmpint (muse_test_call (&t, MUSE_WRITE, &io, sizeof io, data, 512, NULL, 0, &wo, &len), ==, -EINVAL);
  muse_test_server_stop (&t);
}

static void
test_bad_requests (void)
{
  Harness h;
  guint8 data[2048];
  struct muse_io_in io;
  struct muse_io_out wo;
  gsize len;

  harness_init (&h, 0, "program-fail block=2 nth=1");
  memset (data, 0, sizeof data);
  /* Length in the header and payload disagree. */
  io = (struct muse_io_in) { 0, 2048, MUSE_IO_INBAND, 0, 0 };
  g_assert_cmpint (call (&h, MUSE_WRITE, &io, sizeof io, data, 1000, NULL, 0, NULL, NULL), ==, -EINVAL);
  /* Unknown flags, both OOB modes, INBAND without length. */
  io = (struct muse_io_in) { 0, 2048, MUSE_IO_INBAND | (1 << 7), 0, 0 };
  g_assert_cmpint (call (&h, MUSE_READ, &io, sizeof io, NULL, 0, NULL, 0, NULL, NULL), ==, -EINVAL);
  io = (struct muse_io_in) { 0, 0, MUSE_IO_OOB_AUTO | MUSE_IO_OOB_PLACE, 0, 4 };
  g_assert_cmpint (call (&h, MUSE_READ, &io, sizeof io, NULL, 0, NULL, 0, NULL, NULL), ==, -EINVAL);
  io = (struct muse_io_in) { 0, 0, MUSE_IO_INBAND, 0, 0 };
  g_assert_cmpint (call (&h, MUSE_READ, &io, sizeof io, NULL, 0, NULL, 0, NULL, NULL), ==, -EINVAL);
  /* Past the end of the chip. */
  io = (struct muse_io_in) { 64 * 16384, 2048, MUSE_IO_INBAND, 0, 0 };
  g_assert_cmpint (call (&h, MUSE_READ, &io, sizeof io, NULL, 0, NULL, 0, NULL, NULL), ==, -EINVAL);
  /* An injected program failure is an I/O error. */
  io = (struct muse_io_in) { 2 * 16384, 2048, MUSE_IO_INBAND, 0, 0 };
  len = sizeof wo;
  g_assert_cmpint (call (&h, MUSE_WRITE, &io, sizeof io, data, 2048, NULL, 0, &wo, &len), ==, -EIO);
  /* Unknown opcodes: ENOSYS; SYNC succeeds. */
  g_assert_cmpint (call (&h, 9000, NULL, 0, NULL, 0, NULL, 0, NULL, NULL), ==, -ENOSYS);
  g_assert_cmpint (call (&h, MUSE_SYNC, NULL, 0, NULL, 0, NULL, 0, NULL, NULL), ==, 0);
  harness_clear (&h);
}

static void
test_malformed_request_stops_server (void)
{
  MuseServerOptions options = { "tiny", NULL, 0, FALSE, NULL };
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  FmNand *nand = fm_test_nand (desc, 2, 0, FM_TIMING_NONE);
  g_autoptr (MuseBackend) backend = muse_nand_backend_new (fm_nand_host_new (nand, NULL, NULL));
  g_autoptr (MuseServer) server = muse_server_new (backend, &options);
  g_autoptr (GError) error = NULL;
  struct fuse_in_header in = { 999, MUSE_SYNC, 1, 0, 0, 0, 0, 0, 0 };
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_SEQPACKET, 0, fds), ==, 0);
  g_assert_cmpint (write (fds[0], &in, sizeof in), ==, sizeof in);
  g_assert_false (muse_server_run (server, fds[1], NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "malformed"));
  close (fds[0]);
  close (fds[1]);
}

/* A RAM-type MTD: byte writes, erase to 0xFF, no OOB and no bad blocks,
 * kept in a raw file that must keep its size. */
static void
test_ram_backend (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("muse-ram-XXXXXX", NULL);
  g_autofree gchar *path = g_build_filename (dir, "ram.img", NULL);
  g_autoptr (GError) error = NULL;
  MuseBackend *b = muse_ram_backend_new (1 << 20, 65536, path, &error);
  FmHostReadResult r;
  guint8 buf[100], back[100];

  g_assert_no_error (error);
  g_assert_cmpstr (b->geometry.type, ==, "MTD_RAM");
  g_assert_cmpuint (b->geometry.writesize, ==, 1);
  g_assert_cmpuint (b->geometry.oobsize, ==, 0);
  g_assert_null (b->is_bad);
  g_assert_true (b->read (b->self, 0, sizeof back, back, 0, 0, NULL, FM_HOST_OOB_PLACE, FALSE, &r, &error));
  for (guint i = 0; i < sizeof back; i++)
    g_assert_cmphex (back[i], ==, 0xff);
  for (guint i = 0; i < sizeof buf; i++)
    buf[i] = i;
  g_assert_true (b->write (b->self, 65536 + 7, sizeof buf, buf, 0, 0, NULL, FM_HOST_OOB_PLACE, FALSE, &error));
  g_assert_false (b->write (b->self, (1 << 20) - 50, sizeof buf, buf, 0, 0, NULL, FM_HOST_OOB_PLACE, FALSE, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (b->read (b->self, 0, 16, back, 0, 4, back, FM_HOST_OOB_PLACE, FALSE, &r, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_true (b->sync (b->self, &error));
  muse_backend_free (b);

  /* Reopened: the bytes are there; an erase sets them to 0xFF. */
  b = muse_ram_backend_new (1 << 20, 65536, path, &error);
  g_assert_no_error (error);
  g_assert_true (b->read (b->self, 65536 + 7, sizeof back, back, 0, 0, NULL, FM_HOST_OOB_PLACE, FALSE, &r, &error));
  g_assert_cmpmem (back, sizeof back, buf, sizeof buf);
  g_assert_true (b->erase (b->self, 65536, 65536, &error));
  g_assert_true (b->read (b->self, 65536 + 7, sizeof back, back, 0, 0, NULL, FM_HOST_OOB_PLACE, FALSE, &r, &error));
  g_assert_cmphex (back[50], ==, 0xff);
  muse_backend_free (b);

  /* The same file asked for at another size, or a bad erase size. */
  g_assert_null (muse_ram_backend_new (2 << 20, 65536, path, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH);
  g_clear_error (&error);
  g_assert_null (muse_ram_backend_new (1 << 20, 3000, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_unlink (path);
  g_rmdir (dir);
}

/* A server for the RAM backend says so in its init strings, and answers
 * bad block requests with EOPNOTSUPP. */
static void
test_ram_server (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MuseBackend) backend = muse_ram_backend_new (1 << 20, 65536, NULL, &error);
  MuseServerOptions options = { "ram", NULL, 0, FALSE, NULL };
  g_autoptr (MuseServer) server = muse_server_new (backend, &options);
  g_autoptr (GBytes) info = muse_server_init_info (server);
  gsize len;
  const gchar *p = g_bytes_get_data (info, &len);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();

  for (const gchar *s = p; s < p + len; s += strlen (s) + 1)
    g_ptr_array_add (keys, (gpointer) s);
  g_ptr_array_add (keys, NULL);
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "TYPE=MTD_RAM"));
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "WRITESIZE=1"));
  g_assert_true (g_strv_contains ((const gchar * const *) keys->pdata, "FLAGS=7168"));
  for (guint i = 0; i < keys->len - 1; i++)
    g_assert_false (g_str_has_prefix (keys->pdata[i], "ECC"));
}

/* The image cannot grow (a full disk; here RLIMIT_FSIZE, with SIGXFSZ
 * ignored): writes are answered -EIO and the reason is shown once, even
 * without --verbose; with room again, writes work. In a subprocess, for
 * its stderr and its limit. */
static void
test_no_room (void)
{
  if (g_test_subprocess ())
    {
      Harness h;
      g_autofree guint8 *data = fm_test_pattern (2048, 6);
      struct muse_io_in io = { 8 * 2048, 2048, MUSE_IO_INBAND, 0, 0 };
      struct muse_io_out wo;
      gsize len;
      struct rlimit limit;

      harness_init (&h, 0, NULL);
      g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      limit.rlim_cur = fm_image_file_bytes (fm_nand_image (fm_nand_host_nand (h.host)));
      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      for (guint i = 0; i < 2; i++)
        {
          len = sizeof wo;
          g_assert_cmpint (call (&h, MUSE_WRITE, &io, sizeof io, data, 2048, NULL, 0, &wo, &len), ==, -EIO);
        }
      limit.rlim_cur = limit.rlim_max;
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      len = sizeof wo;
      g_assert_cmpint (call (&h, MUSE_WRITE, &io, sizeof io, data, 2048, NULL, 0, &wo, &len), ==, 0);
      harness_clear (&h);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("muse-chip: write: program of block 1 page 0 failed: (memory image): "
                             "no room to store page 8 (growing the image to * bytes): File too large\n");
  g_test_trap_assert_stderr_unmatched ("*File too large*File too large*");
}

static gchar *
file_digest (const gchar *path)
{
  g_autofree gchar *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

/* muse-chip --image OVERLAY: the overlay is opened as muse-chip opens an
 * image (fm_frontend_open_image); the kernel reads the base's pages
 * through it, its writes land in the overlay, the base is untouched. */
static void
test_overlay (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("muse-overlay-XXXXXX", NULL);
  g_autofree gchar *base = g_build_filename (dir, "base.img", NULL);
  g_autofree gchar *overlay = g_build_filename (dir, "overlay.img", NULL);
  g_autofree gchar *before = NULL, *after = NULL;
  g_autofree guint8 *old = fm_test_pattern (2048, 1), *new = fm_test_pattern (2048, 2);
  g_autofree guint8 *reply = g_malloc (sizeof (struct muse_io_out) + 2048);
  FmChipDesc *desc = fm_test_tiny_desc (NULL);
  struct muse_io_in at_block_2 = { 2 * 16384, 2048, MUSE_IO_INBAND, 0, 0 };
  struct muse_io_in at_block_3 = { 3 * 16384, 2048, MUSE_IO_INBAND, 0, 0 };
  struct muse_io_out wo;
  g_autoptr (GError) error = NULL;
  gboolean created;
  Harness h;
  gsize len;

  /* The base: a page of data in block 2. */
  {
    FmNandCreateOptions create = { 2, 0 };
    g_autoptr (FmNand) nand = fm_nand_new (desc, fm_nand_create_image (desc, base, &create, &error),
                                           FM_TIMING_NONE, &error);

    g_assert_no_error (error);
    g_assert_true (fm_nand_program_page (nand, 2, 0, old, &error));
  }
  before = file_digest (base);
  fm_image_close (fm_image_create_overlay (overlay, "base.img", &error));
  g_assert_no_error (error);

  harness_start (&h, desc, fm_nand_new (desc, fm_frontend_open_image (desc, overlay, 1, &created, &error),
                                        FM_TIMING_NONE, &error));
  g_assert_no_error (error);
  g_assert_false (created);
  len = sizeof (struct muse_io_out) + 2048;
  g_assert_cmpint (call (&h, MUSE_READ, &at_block_2, sizeof at_block_2, NULL, 0, NULL, 0, reply, &len), ==, 0);
  g_assert_cmpmem (reply + sizeof (struct muse_io_out), 2048, old, 2048);
  len = sizeof wo;
  g_assert_cmpint (call (&h, MUSE_WRITE, &at_block_3, sizeof at_block_3, new, 2048, NULL, 0, &wo, &len), ==, 0);
  g_assert_cmpint (call (&h, MUSE_SYNC, NULL, 0, NULL, 0, NULL, 0, NULL, NULL), ==, 0);
  {
    /* Synced: the file as a crash would leave it now has the write. */
    g_autofree gchar *crashed = g_build_filename (dir, "crashed.img", NULL);
    g_autofree gchar *contents = NULL;
    g_autoptr (FmImage) seen = NULL;
    gsize size;

    g_assert_true (g_file_get_contents (overlay, &contents, &size, NULL));
    g_assert_true (g_file_set_contents (crashed, contents, size, NULL));
    seen = fm_image_open (crashed, desc, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (fm_image_page (seen, 3 * 8), 2048, new, 2048);
    g_clear_pointer (&seen, fm_image_close);
    g_unlink (crashed);
  }
  harness_clear (&h);
  after = file_digest (base);
  g_assert_cmpstr (before, ==, after);
  g_unlink (overlay);
  g_unlink (base);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/muse-server/init", test_init);
  g_test_add_func ("/muse-server/write-read", test_write_read_data_and_oob);
  g_test_add_func ("/muse-server/erase-isbad-markbad", test_erase_isbad_markbad);
  g_test_add_func ("/muse-server/subpages", test_subpages);
  g_test_add_func ("/muse-server/bad-requests", test_bad_requests);
  g_test_add_func ("/muse-server/malformed", test_malformed_request_stops_server);
  g_test_add_func ("/muse-server/ram-backend", test_ram_backend);
  g_test_add_func ("/muse-server/ram-server", test_ram_server);
  g_test_add_func ("/muse-server/no-room", test_no_room);
  g_test_add_func ("/muse-server/overlay", test_overlay);
  return g_test_run ();
}
