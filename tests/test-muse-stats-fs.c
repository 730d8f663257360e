/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The statistics file system, mounted for real on a temporary directory
 * and read through the kernel as any reader would. Where FUSE cannot be
 * mounted (a container without /dev/fuse or the right to mount) the
 * tests that need it are skipped.
 */
#include "fm-test-util.h"
#include "muse-stats.h"
#include "muse-stats-fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* b.csv: 10000 lines of 20 bytes. */
#define CSV_LINES 10000
#define CSV_SIZE (CSV_LINES * 20)

typedef struct {
  GMutex lock;
  guint count;
  /* Control files: what the last write brought, and what to answer. */
  gchar *written;
  guint writes;
  gint answer;
} Stats;

static const gchar *const test_files[] = { "a.txt", "b.csv", NULL };

/* What NAME holds when the counter is COUNT. */
static GBytes *
content (const gchar *name, guint count)
{
  GString *s = g_string_new (NULL);

  if (g_str_equal (name, "a.txt"))
    g_string_append_printf (s, "count=%u\n", count);
  else if (g_str_equal (name, "b.csv"))
    for (guint row = 0; row < CSV_LINES; row++)
      g_string_append_printf (s, "%08u,%010u\n", row, row * 2654435761u + count);
  else
    g_string_append (s, name); /* the many-files test: each holds its name */
  return g_string_free_to_bytes (s);
}

static GBytes *
render (const gchar *name, gpointer user_data)
{
  Stats *stats = user_data;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&stats->lock);

  return content (name, stats->count);
}

static void
set_count (Stats *stats, guint count)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&stats->lock);

  stats->count = count;
}

static gchar *
fd_listing (void)
{
  return fm_test_dir_listing ("/proc/self/fd");
}

static dev_t
dev_of (const gchar *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_dev;
}

typedef struct {
  Stats stats;
  gchar *dir;
  gchar *fds_before;          /* this process's descriptors before the mount */
  MuseStatsFs *fs;
} Fixture;

/* Mounts FILES on a new temporary directory; NULL (the test skipped) if
 * this host cannot mount FUSE. */
/* A control file's write: kept, answered after a pause, so that a caller
 * that returned before the callback did would see no write yet. */
static gint
control_write (const gchar *name, const gchar *data, gsize len, gpointer user_data)
{
  Stats *stats = user_data;
  g_autoptr (GMutexLocker) locker = NULL;

  g_usleep (50000);
  locker = g_mutex_locker_new (&stats->lock);
  g_free (stats->written);
  stats->written = g_strdup_printf ("%s:%.*s", name, (int) len, data);
  stats->writes++;
  return stats->answer;
}

static const gchar *const test_controls[] = { "mark", NULL };

static MuseStatsFs *
mount_or_skip_with (const gchar *dir, const gchar *const *files, const gchar *const *controls,
                    Stats *stats)
{
  g_autoptr (GError) error = NULL;
  MuseStatsFs *fs = controls ? muse_stats_fs_mount_with_controls (dir, files, render, controls,
                                                                  control_write, stats, &error)
                             : muse_stats_fs_mount (dir, files, render, stats, &error);
  static const int no_fuse_here[] = { EPERM, EACCES, ENODEV, ENOENT };

  if (!fs && g_error_matches (error, FM_ERROR, FM_ERROR_IO)
      && strstr (error->message, "cannot mount a FUSE file system"))
    for (guint i = 0; i < G_N_ELEMENTS (no_fuse_here); i++)
      if (strstr (error->message, g_strerror (no_fuse_here[i])))
        {
          g_test_skip (error->message);
          return NULL;
        }
  g_assert_no_error (error);
  g_assert_nonnull (fs);
  return fs;
}

static MuseStatsFs *
mount_or_skip (const gchar *dir, const gchar *const *files, Stats *stats)
{
  return mount_or_skip_with (dir, files, NULL, stats);
}

static void
fixture_setup (Fixture *f, gconstpointer files)
{
  g_autoptr (GError) error = NULL;

  g_mutex_init (&f->stats.lock);
  f->stats.count = 0;
  f->dir = g_dir_make_tmp ("muse-stats-fs-XXXXXX", &error);
  g_assert_no_error (error);
  f->fds_before = fd_listing ();
  f->fs = mount_or_skip (f->dir, files ? files : test_files, &f->stats);
}

static void
fixture_teardown (Fixture *f, gconstpointer files)
{
  (void) files;
  muse_stats_fs_unmount (f->fs);
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
  g_free (f->fds_before);
  g_free (f->stats.written);
  g_mutex_clear (&f->stats.lock);
}

static void
assert_bytes_equal (const guint8 *data, gsize len, GBytes *expected)
{
  gsize expected_len;
  const guint8 *expected_data = g_bytes_get_data (expected, &expected_len);

  g_assert_cmpmem (data, len, expected_data, expected_len);
}

/* Reads FD to its end in CHUNK-byte read() calls, each one a FUSE read
 * at the next offset. */
static GByteArray *
read_to_end (int fd, gsize chunk, GByteArray *into)
{
  guint8 *buf = g_malloc (chunk);
  gssize n;

  if (!into)
    into = g_byte_array_new ();
  while ((n = read (fd, buf, chunk)) > 0)
    g_byte_array_append (into, buf, n);
  g_assert_cmpint (n, ==, 0);
  g_free (buf);
  return into;
}

static gchar *
path_in (Fixture *f, const gchar *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static void
test_readdir (Fixture *f, gconstpointer files)
{
  g_autofree gchar *listing = NULL;
  DIR *d;
  struct dirent *e;
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

  (void) files;
  if (!f->fs)
    return;
  listing = fm_test_dir_listing (f->dir);
  g_assert_cmpstr (listing, ==, "a.txt b.csv");

  /* Raw, with "." and "..", in inode order. */
  d = opendir (f->dir);
  g_assert_nonnull (d);
  while ((e = readdir (d)))
    {
      g_ptr_array_add (all, g_strdup (e->d_name));
      g_assert_cmpint (e->d_type, ==, e->d_name[0] == '.' ? DT_DIR : DT_REG);
    }
  closedir (d);
  g_ptr_array_add (all, NULL);
  g_assert_cmpstrv ((const gchar * const *) all->pdata,
                    ((const gchar * const[]) { ".", "..", "a.txt", "b.csv", NULL }));
}

/* More entries than one readdir reply holds: the kernel comes back at
 * the offsets we gave, and seekdir() returns to one. */
static void
test_readdir_many (Fixture *f, gconstpointer files)
{
  const gchar *const *names = files;
  DIR *d;
  struct dirent *e;
  guint n = 0, total = g_strv_length ((gchar **) names);
  long mark = -1;
  g_autofree gchar *at_mark = NULL;

  if (!f->fs)
    return;
  d = opendir (f->dir);
  g_assert_nonnull (d);
  while ((e = readdir (d)))
    {
      if (g_str_equal (e->d_name, ".") || g_str_equal (e->d_name, ".."))
        continue;
      g_assert_cmpstr (e->d_name, ==, names[n]);
      n++;
      if (n == total / 2)
        mark = telldir (d);
      else if (n == total / 2 + 1)
        at_mark = g_strdup (e->d_name);
    }
  g_assert_cmpuint (n, ==, total);
  g_assert_cmpint (mark, >=, 0);
  seekdir (d, mark);
  e = readdir (d);
  g_assert_nonnull (e);
  g_assert_cmpstr (e->d_name, ==, at_mark);
  closedir (d);

  /* And each file is found by name. */
  for (guint i = 0; i < total; i += 97)
    {
      g_autofree gchar *path = path_in (f, names[i]);
      g_autofree gchar *data = NULL;

      g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
      g_assert_cmpstr (data, ==, names[i]);
    }
}

static void
test_stat (Fixture *f, gconstpointer files)
{
  g_autofree gchar *a = NULL, *b = NULL;
  GStatBuf st;

  (void) files;
  if (!f->fs)
    return;
  a = path_in (f, "a.txt");
  b = path_in (f, "b.csv");

  g_assert_cmpint (g_stat (f->dir, &st), ==, 0);
  g_assert_cmpuint (st.st_mode, ==, S_IFDIR | 0555);
  g_assert_cmpuint (st.st_ino, ==, 1);
  g_assert_cmpuint (st.st_uid, ==, getuid ());

  set_count (&f->stats, 9);
  g_assert_cmpint (g_stat (a, &st), ==, 0);
  g_assert_cmpuint (st.st_mode, ==, S_IFREG | 0444);
  g_assert_cmpuint (st.st_nlink, ==, 1);
  g_assert_cmpuint (st.st_uid, ==, getuid ());
  g_assert_cmpuint (st.st_gid, ==, getgid ());
  g_assert_cmpuint (st.st_ino, ==, 2);
  g_assert_cmpint (st.st_size, ==, strlen ("count=9\n"));
  /* No attribute caching: the next stat renders again. */
  set_count (&f->stats, 10);
  g_assert_cmpint (g_stat (a, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, strlen ("count=10\n"));

  g_assert_cmpint (g_stat (b, &st), ==, 0);
  g_assert_cmpuint (st.st_ino, ==, 3);
  g_assert_cmpint (st.st_size, ==, CSV_SIZE);
}

static void
test_contents (Fixture *f, gconstpointer files)
{
  (void) files;
  if (!f->fs)
    return;
  for (guint count = 0; count <= 1234; count += 1234)
    {
      set_count (&f->stats, count);
      for (guint i = 0; test_files[i]; i++)
        {
          g_autofree gchar *path = path_in (f, test_files[i]);
          g_autofree gchar *data = NULL;
          g_autoptr (GBytes) expected = content (test_files[i], count);
          gsize len;

          g_assert_true (g_file_get_contents (path, &data, &len, NULL));
          assert_bytes_equal ((const guint8 *) data, len, expected);
        }
    }
}

/* An open file keeps what it saw at open; a new open sees the change. */
static void
test_snapshot (Fixture *f, gconstpointer files)
{
  g_autofree gchar *b = NULL;
  g_autoptr (GBytes) old_csv = content ("b.csv", 7), new_csv = content ("b.csv", 8);
  g_autoptr (GByteArray) first = NULL, second = NULL;
  const guint8 *old_data = g_bytes_get_data (old_csv, NULL);
  guint8 buf[4096];
  int fd1, fd2;

  (void) files;
  if (!f->fs)
    return;
  b = path_in (f, "b.csv");

  set_count (&f->stats, 7);
  fd1 = g_open (b, O_RDONLY | O_CLOEXEC, 0);
  g_assert_cmpint (fd1, >=, 0);
  first = g_byte_array_new ();
  while (first->len < 70000)
    {
      gssize n = read (fd1, buf, sizeof buf);

      g_assert_cmpint (n, >, 0);
      g_byte_array_append (first, buf, n);
    }

  set_count (&f->stats, 8);
  fd2 = g_open (b, O_RDONLY | O_CLOEXEC, 0);
  g_assert_cmpint (fd2, >=, 0);
  second = read_to_end (fd2, 8192, NULL);
  assert_bytes_equal (second->data, second->len, new_csv);
  g_assert_cmpint (close (fd2), ==, 0);

  first = read_to_end (fd1, 3000, first);
  assert_bytes_equal (first->data, first->len, old_csv);
  /* Anywhere in the snapshot, and at and past its end. */
  g_assert_cmpint (pread (fd1, buf, 100, 123456), ==, 100);
  g_assert_cmpmem (buf, 100, old_data + 123456, 100);
  g_assert_cmpint (pread (fd1, buf, 100, CSV_SIZE - 10), ==, 10);
  g_assert_cmpmem (buf, 10, old_data + CSV_SIZE - 10, 10);
  g_assert_cmpint (pread (fd1, buf, 100, CSV_SIZE), ==, 0);
  g_assert_cmpint (pread (fd1, buf, 100, CSV_SIZE + 5000), ==, 0);
  g_assert_cmpint (close (fd1), ==, 0);
}

/* A snapshot shorter than the current content: its reads and its end
 * are its own, while stat reports the current size. (Apart from the
 * above because valgrind cannot run it: it holds its lock in lseek,
 * which here waits on this process's own file system thread.) */
static void
test_snapshot_size (Fixture *f, gconstpointer files)
{
  g_autofree gchar *a = NULL;
  guint8 buf[64];
  int fd3;
  GStatBuf st;

  (void) files;
  if (!f->fs)
    return;
  a = path_in (f, "a.txt");
  set_count (&f->stats, 9);
  fd3 = g_open (a, O_RDONLY | O_CLOEXEC, 0);
  g_assert_cmpint (fd3, >=, 0);
  set_count (&f->stats, 10);
  g_assert_cmpint (g_stat (a, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, strlen ("count=10\n"));
  g_assert_cmpint (lseek (fd3, 0, SEEK_END), ==, strlen ("count=9\n"));
  g_assert_cmpint (pread (fd3, buf, sizeof buf, 0), ==, strlen ("count=9\n"));
  g_assert_cmpmem (buf, strlen ("count=9\n"), "count=9\n", strlen ("count=9\n"));
  g_assert_cmpint (close (fd3), ==, 0);
}

static void
test_read_only (Fixture *f, gconstpointer files)
{
  g_autofree gchar *a = NULL, *created = NULL;
  const int modes[] = { O_WRONLY, O_RDWR, O_WRONLY | O_TRUNC, O_RDONLY | O_TRUNC };

  (void) files;
  if (!f->fs)
    return;
  a = path_in (f, "a.txt");
  created = path_in (f, "new");
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      int fd = g_open (a, modes[i] | O_CLOEXEC, 0);
      int saved_errno = errno;

      g_assert_cmpint (fd, ==, -1);
      g_assert_true (saved_errno == EACCES || saved_errno == EROFS);
    }
  g_assert_cmpint (g_open (created, O_WRONLY | O_CREAT | O_CLOEXEC, 0644), ==, -1);
  g_assert_true (errno == EACCES || errno == EROFS);
  g_assert_cmpint (g_mkdir (created, 0755), ==, -1);
  g_assert_true (errno == EACCES || errno == EROFS);
  g_assert_cmpint (g_unlink (a), ==, -1);
  g_assert_true (errno == EACCES || errno == EROFS);
}

static gchar *
last_written (Stats *stats, guint *writes)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&stats->lock);

  *writes = stats->writes;
  return g_strdup (stats->written);
}

/* A control file: listed, write-only, each write() handed to the callback
 * whole and answered only when the callback has returned, with its errno. */
static void
test_control_files (Fixture *f, gconstpointer files)
{
  g_autofree gchar *mark = NULL, *a = NULL, *listing = NULL, *written = NULL;
  g_autofree gchar *too_long = g_strnfill (MUSE_STATS_CONTROL_MAX + 1, 'x');
  GStatBuf st;
  guint writes;
  int fd;

  (void) files;
  if (!f->fs)
    return;
  muse_stats_fs_unmount (g_steal_pointer (&f->fs));
  f->fs = mount_or_skip_with (f->dir, test_files, test_controls, &f->stats);
  if (!f->fs)
    return;
  mark = path_in (f, "mark");
  a = path_in (f, "a.txt");
  listing = fm_test_dir_listing (f->dir);
  g_assert_cmpstr (listing, ==, "a.txt b.csv mark");
  g_assert_cmpint (g_stat (mark, &st), ==, 0);
  g_assert_cmpuint (st.st_mode, ==, S_IFREG | 0200);
  g_assert_cmpuint (st.st_size, ==, 0);

  /* As a shell's "echo acked-1 > mark" does it. */
  fd = g_open (mark, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "acked-1\n", 8), ==, 8);
  written = last_written (&f->stats, &writes);
  g_assert_cmpstr (written, ==, "mark:acked-1\n");
  g_assert_cmpuint (writes, ==, 1);
  /* Two writes, two calls. */
  g_assert_cmpint (write (fd, "a", 1), ==, 1);
  g_assert_cmpint (write (fd, "bc", 2), ==, 2);
  g_clear_pointer (&written, g_free);
  written = last_written (&f->stats, &writes);
  g_assert_cmpstr (written, ==, "mark:bc");
  g_assert_cmpuint (writes, ==, 3);
  /* The callback's errno reaches the writer. */
  f->stats.answer = EINVAL;
  g_assert_cmpint (write (fd, "bad", 3), ==, -1);
  g_assert_cmpint (errno, ==, EINVAL);
  f->stats.answer = 0;
  g_assert_cmpint (write (fd, too_long, MUSE_STATS_CONTROL_MAX + 1), ==, -1);
  g_assert_cmpint (errno, ==, EINVAL);
  g_clear_pointer (&written, g_free);
  written = last_written (&f->stats, &writes);
  g_assert_cmpuint (writes, ==, 4);
  close (fd);

  /* Not readable; it cannot grow. */
  g_assert_cmpint (g_open (mark, O_RDONLY | O_CLOEXEC, 0), ==, -1);
  g_assert_cmpint (errno, ==, EACCES);
  g_assert_cmpint (g_open (mark, O_RDWR | O_CLOEXEC, 0), ==, -1);
  g_assert_cmpint (errno, ==, EACCES);
  g_assert_cmpint (truncate (mark, 5), ==, -1);
  g_assert_cmpint (errno, ==, EACCES);
  /* The statistics files stay read-only on a writable mount. */
  g_assert_cmpint (g_open (a, O_WRONLY | O_CLOEXEC, 0), ==, -1);
  g_assert_cmpint (errno, ==, EACCES);
  g_assert_cmpint (g_open (a, O_RDONLY | O_TRUNC | O_CLOEXEC, 0), ==, -1);
  g_assert_cmpint (truncate (a, 0), ==, -1);
  g_assert_cmpint (errno, ==, EACCES);
  g_assert_cmpint (g_unlink (a), ==, -1);
  g_clear_pointer (&written, g_free);
  {
    g_autofree gchar *created = path_in (f, "new");

    g_assert_cmpint (g_open (created, O_WRONLY | O_CREAT | O_CLOEXEC, 0644), ==, -1);
    g_assert_cmpint (g_mkdir (created, 0755), ==, -1);
  }
  g_assert_cmpint (g_stat (a, &st), ==, 0);
  g_assert_cmpuint (st.st_mode, ==, S_IFREG | 0444);
}

static void
test_missing (Fixture *f, gconstpointer files)
{
  g_autofree gchar *missing = NULL, *under_file = NULL;
  GStatBuf st;

  (void) files;
  if (!f->fs)
    return;
  missing = path_in (f, "nope");
  under_file = g_build_filename (f->dir, "a.txt", "x", NULL);
  g_assert_cmpint (g_stat (missing, &st), ==, -1);
  g_assert_cmpint (errno, ==, ENOENT);
  g_assert_cmpint (g_open (missing, O_RDONLY | O_CLOEXEC, 0), ==, -1);
  g_assert_cmpint (errno, ==, ENOENT);
  g_assert_cmpint (g_stat (under_file, &st), ==, -1);
  g_assert_cmpint (errno, ==, ENOTDIR);
}

/* The FS thread has SIGINT and SIGTERM blocked, the caller's mask is
 * as it was: the process's handlers run in, and interrupt, the main
 * thread. */
static guint64
blocked_signals (const gchar *task)
{
  g_autofree gchar *path = g_strdup_printf ("/proc/self/task/%s/status", task);
  g_autofree gchar *status = NULL;
  const gchar *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "\nSigBlk:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nSigBlk:"), NULL, 16);
}

static void
test_signals (Fixture *f, gconstpointer files)
{
  const guint64 int_term = (G_GUINT64_CONSTANT (1) << (SIGINT - 1))
                           | (G_GUINT64_CONSTANT (1) << (SIGTERM - 1));
  g_autofree gchar *self = g_strdup_printf ("%ld", (long) syscall (SYS_gettid));
  guint found = 0;

  (void) files;
  if (!f->fs)
    return;
  g_assert_cmphex (blocked_signals (self) & int_term, ==, 0);
  /* The thread names itself once it runs: give it a moment. */
  for (guint tries = 0; !found && tries < 200; tries++)
    {
      g_autoptr (GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
      const gchar *task;

      if (tries)
        g_usleep (10000);
      while ((task = g_dir_read_name (tasks)))
        {
          g_autofree gchar *comm_path = g_strdup_printf ("/proc/self/task/%s/comm", task);
          g_autofree gchar *comm = NULL;

          if (g_file_get_contents (comm_path, &comm, NULL, NULL)
              && g_str_equal (g_strchomp (comm), "muse-stats-fs"))
            {
              g_assert_cmphex (blocked_signals (task) & int_term, ==, int_term);
              found++;
            }
        }
    }
  g_assert_cmpuint (found, ==, 1);
}

/* Unmounting with a file still open returns (the thread does not wait
 * for the kernel), leaves the plain directory and no descriptors. */
static void
test_unmount (Fixture *f, gconstpointer files)
{
  g_autofree gchar *parent = g_path_get_dirname (f->dir);
  g_autofree gchar *b = g_build_filename (f->dir, "b.csv", NULL);
  g_autofree gchar *fds_after = NULL, *listing = NULL;
  guint8 buf[100];
  int fd;

  (void) files;
  if (!f->fs)
    return;
  g_assert_cmpuint (dev_of (f->dir), !=, dev_of (parent));
  fd = g_open (b, O_RDONLY | O_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (read (fd, buf, sizeof buf), ==, sizeof buf);
  g_clear_pointer (&f->fs, muse_stats_fs_unmount);
  /* The connection is gone; the open file says so. */
  g_assert_cmpint (read (fd, buf, sizeof buf), ==, -1);
  g_assert_cmpint (errno, ==, ENOTCONN);
  /* Without FOPEN_NOFLUSH (libfuse < 3.11) close's flush fails too,
   * but the descriptor is gone all the same. */
  if (close (fd) != 0)
    g_assert_cmpint (errno, ==, ENOTCONN);

  g_assert_cmpuint (dev_of (f->dir), ==, dev_of (parent));
  listing = fm_test_dir_listing (f->dir);
  g_assert_cmpstr (listing, ==, "");
  fds_after = fd_listing ();
  g_assert_cmpstr (fds_after, ==, f->fds_before);
}

/* Someone else unmounts it first: the thread ends on its own and
 * unmount still cleans up. */
static void
test_unmounted_elsewhere (Fixture *f, gconstpointer files)
{
  g_autofree gchar *parent = g_path_get_dirname (f->dir);
  g_autofree gchar *fds_after = NULL;

  (void) files;
  if (!f->fs)
    return;
  g_assert_cmpuint (dev_of (f->dir), !=, dev_of (parent));
  g_assert_cmpint (umount2 (f->dir, MNT_DETACH), ==, 0);
  g_clear_pointer (&f->fs, muse_stats_fs_unmount);
  g_assert_cmpuint (dev_of (f->dir), ==, dev_of (parent));
  fds_after = fd_listing ();
  g_assert_cmpstr (fds_after, ==, f->fds_before);
}

static void
test_bad_mountpoint (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *dir = g_dir_make_tmp ("muse-stats-fs-XXXXXX", &error);
  g_autofree gchar *file = g_build_filename (dir, "file", NULL);
  g_autofree gchar *missing = g_build_filename (dir, "missing", NULL);
  g_autofree gchar *expected = NULL;
  Stats stats = { 0 };

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));

  g_assert_null (muse_stats_fs_mount (file, test_files, render, &stats, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
  expected = g_strdup_printf ("%s: not a directory", file);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_clear_pointer (&expected, g_free);

  g_assert_null (muse_stats_fs_mount (missing, test_files, render, &stats, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  expected = g_strdup_printf ("%s: %s", missing, g_strerror (ENOENT));
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  g_assert_cmpint (g_unlink (file), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gchar *switched_to;

static gint
fake_switch (const gchar *path, gpointer data)
{
  g_free (switched_to);
  switched_to = g_strdup (path);
  return GPOINTER_TO_INT (data);
}

/* muse-chip's control files behind the file system: a mark lands in the
 * journal after the operations so far; 'image' goes to the switch hook. */
static void
test_mark_and_image_controls (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autofree gchar *dir = g_dir_make_tmp ("muse-stats-XXXXXX", &error);
  g_autofree gchar *journal_path = g_build_filename (dir, "run.journal", NULL);
  FmNandCreateOptions create = FM_NAND_CREATE_OPTIONS_DEFAULT;
  g_autoptr (FmImage) image = fm_nand_create_image (desc, NULL, &create, &error);
  FmNand *nand = NULL;
  FmJournalWriter *writer;
  MuseStatsSource src = { 0 };
  GMutex lock;
  guint64 ops;

  g_assert_no_error (error);
  nand = fm_nand_new (desc, g_steal_pointer (&image), FM_TIMING_NONE, &error);
  g_assert_no_error (error);
  writer = fm_journal_writer_new (journal_path, fm_nand_image (nand), desc, 1, FALSE, &error);
  g_assert_no_error (error);
  fm_nand_set_observer (nand, fm_journal_writer_observe, writer);
  g_mutex_init (&lock);
  src = (MuseStatsSource) { &lock, desc, nand, NULL, NULL, 0, NULL, NULL, NULL };
  /* Without a journal, no mark; without a hook, no image. */
  g_assert_cmpstrv (muse_stats_controls (&src), ((const gchar *const[]) { NULL }));
  g_assert_cmpint (muse_stats_control ("mark", "x", 1, &src), ==, EACCES);
  g_assert_cmpint (muse_stats_control ("image", "/x", 2, &src), ==, EACCES);
  src.journal = writer;
  g_assert_cmpstrv (muse_stats_controls (&src), ((const gchar *const[]) { "mark", NULL }));

  fm_test_workload (nand, 0, 4, 10, 1, &error);
  g_assert_no_error (error);
  ops = fm_journal_writer_records (writer);
  g_assert_cmpint (muse_stats_control ("mark", "acked-1\n", 8, &src), ==, 0);
  g_assert_cmpint (muse_stats_control ("mark", "two\nlines\n", 10, &src), ==, EINVAL);
  g_assert_cmpint (muse_stats_control ("mark", "\n", 1, &src), ==, EINVAL);
  g_assert_cmpint (muse_stats_control ("mark", "tab\t", 4, &src), ==, EINVAL);
  fm_test_workload (nand, 0, 4, 5, 2, &error);
  g_assert_cmpint (muse_stats_control ("mark", "acked-2", 7, &src), ==, 0);
  g_assert_cmpuint (fm_journal_writer_marks (writer), ==, 2);

  src.switch_image = fake_switch;
  src.switch_data = GINT_TO_POINTER (ENOENT);
  g_assert_cmpstrv (muse_stats_controls (&src), ((const gchar *const[]) { "mark", "image", NULL }));
  g_assert_cmpint (muse_stats_control ("image", "/tmp/cut.img\n", 13, &src), ==, ENOENT);
  g_assert_cmpstr (switched_to, ==, "/tmp/cut.img");
  g_assert_cmpint (muse_stats_control ("image", "a\0b", 3, &src), ==, EINVAL);
  g_assert_cmpint (muse_stats_control ("image", "\n", 1, &src), ==, EINVAL);
  g_assert_cmpstr (switched_to, ==, "/tmp/cut.img");

  fm_nand_set_observer (nand, NULL, NULL);
  g_assert_true (fm_journal_writer_close (writer, &error));
  {
    g_autoptr (FmJournalReader) reader = fm_journal_reader_open (journal_path, &error);
    FmJournalRecord rec;
    FmJournalMark mark;
    guint64 last = 0, marks = 0;
    FmJournalEntry entry;

    g_assert_no_error (error);
    while ((entry = fm_journal_reader_next_entry (reader, &rec, &mark)) != FM_JOURNAL_ENTRY_END)
      if (entry == FM_JOURNAL_ENTRY_OPERATION)
        last = rec.seq;
      else
        {
          g_assert_cmpstr (mark.label, ==, marks ? "acked-2" : "acked-1");
          g_assert_cmpuint (mark.seq, ==, marks ? last : ops);
          g_assert_cmpuint (mark.seq, ==, last);
          marks++;
        }
    g_assert_cmpuint (marks, ==, 2);
    g_assert_cmpint (fm_journal_reader_end (reader, NULL, NULL), ==, FM_JOURNAL_END_CLEAN);
  }
  g_clear_pointer (&switched_to, g_free);
  g_mutex_clear (&lock);
  fm_nand_free (nand);
  g_unlink (journal_path);
  g_rmdir (dir);
}

#define ADD(path, files, func) \
  g_test_add (path, Fixture, files, fixture_setup, func, fixture_teardown)

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) many = g_ptr_array_new_with_free_func (g_free);
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* Long names so that the entries span several readdir replies. */
  for (guint i = 0; i < 400; i++)
    g_ptr_array_add (many, g_strdup_printf ("file-%03u-%s", i,
                                            "with-a-name-long-enough-that-few-fit-in-one-reply"));
  g_ptr_array_add (many, NULL);

  ADD ("/muse-stats-fs/readdir", NULL, test_readdir);
  ADD ("/muse-stats-fs/readdir-many", many->pdata, test_readdir_many);
  ADD ("/muse-stats-fs/stat", NULL, test_stat);
  ADD ("/muse-stats-fs/contents", NULL, test_contents);
  ADD ("/muse-stats-fs/snapshot", NULL, test_snapshot);
  ADD ("/muse-stats-fs/snapshot-size", NULL, test_snapshot_size);
  ADD ("/muse-stats-fs/read-only", NULL, test_read_only);
  ADD ("/muse-stats-fs/missing", NULL, test_missing);
  ADD ("/muse-stats-fs/control-files", NULL, test_control_files);
  ADD ("/muse-stats-fs/signals", NULL, test_signals);
  ADD ("/muse-stats-fs/unmount", NULL, test_unmount);
  ADD ("/muse-stats-fs/unmounted-elsewhere", NULL, test_unmounted_elsewhere);
  g_test_add_func ("/muse-stats-fs/bad-mountpoint", test_bad_mountpoint);
  g_test_add_func ("/muse-stats/mark-and-image-controls", test_mark_and_image_controls);
  ret = g_test_run ();
  return ret;
}
