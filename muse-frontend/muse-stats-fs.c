/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Live statistics as a FUSE file system (libfuse3, low-level API). Inode 1
 * is the root directory, files are inodes 2, 3, ... in the order given,
 * then the control files. Every open of a statistics file renders a
 * snapshot that its reads slice, so a reader sees one consistent state
 * however long it takes; stat renders afresh (attribute timeouts are 0) so
 * sizes stay current. Control files are write-only and empty: each write()
 * is one call of the write callback, answered when it returns. Without
 * control files the mount is read-only.
 */
#define FUSE_USE_VERSION 34

#include "muse-stats-fs.h"
#include "flashmodel.h"

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ROOT_INO 1
#define FIRST_FILE_INO 2

struct _MuseStatsFs {
  gchar **files;          /* the statistics files, then the control files */
  guint n_files;
  guint n_stats;          /* files[n_stats..] are control files */
  MuseStatsRender render;
  MuseStatsWrite write;
  gpointer user_data;
  uid_t uid;
  gid_t gid;
  struct fuse_session *se;
  int stop_fd;            /* eventfd: written to ask the thread to stop */
  GThread *thread;
  /* The snapshots of open files, one reference per open (the render may
   * return the same GBytes twice). Only the thread touches it until
   * unmount frees those whose release never came. */
  GPtrArray *snapshots;
};

/* The index in fs->files of inode INO, or -1. */
static gint
file_index (MuseStatsFs *fs, fuse_ino_t ino)
{
  if (ino < FIRST_FILE_INO || ino - FIRST_FILE_INO >= fs->n_files)
    return -1;
  return (gint) (ino - FIRST_FILE_INO);
}

static gboolean
is_control (MuseStatsFs *fs, gint index)
{
  return index >= 0 && (guint) index >= fs->n_stats;
}

static GBytes *
render (MuseStatsFs *fs, gint index)
{
  return fs->render (fs->files[index], fs->user_data);
}

static void
fill_attr (MuseStatsFs *fs, fuse_ino_t ino, gsize size, struct stat *st)
{
  gint index = file_index (fs, ino);

  struct timespec now;

  clock_gettime (CLOCK_REALTIME, &now);
  memset (st, 0, sizeof *st);
  st->st_ino = ino;
  st->st_uid = fs->uid;
  st->st_gid = fs->gid;
  st->st_atim = st->st_mtim = st->st_ctim = now;
  if (ino == ROOT_INO)
    {
      st->st_mode = S_IFDIR | 0555;
      st->st_nlink = 2;
    }
  else
    {
      st->st_mode = S_IFREG | (is_control (fs, index) ? 0200 : 0444);
      st->st_nlink = 1;
      st->st_size = size;
      st->st_blocks = (size + 511) / 512;
    }
}

/* The attributes of INO with the size of a fresh render; FALSE if INO
 * is not ours or the render failed (*ERR says which). */
static gboolean
get_attr (MuseStatsFs *fs, fuse_ino_t ino, struct stat *st, int *err)
{
  gint index;
  GBytes *bytes;

  if (ino == ROOT_INO)
    {
      fill_attr (fs, ino, 0, st);
      return TRUE;
    }
  index = file_index (fs, ino);
  if (index < 0)
    {
      *err = ENOENT;
      return FALSE;
    }
  if (is_control (fs, index))
    {
      fill_attr (fs, ino, 0, st);
      return TRUE;
    }
  bytes = render (fs, index);
  if (!bytes)
    {
      *err = EIO;
      return FALSE;
    }
  fill_attr (fs, ino, g_bytes_get_size (bytes), st);
  g_bytes_unref (bytes);
  return TRUE;
}

static void
stats_lookup (fuse_req_t req, fuse_ino_t parent, const char *name)
{
  MuseStatsFs *fs = fuse_req_userdata (req);
  struct fuse_entry_param e = { 0 };
  int err;

  if (parent != ROOT_INO)
    {
      fuse_reply_err (req, ENOTDIR);
      return;
    }
  for (guint i = 0; i < fs->n_files; i++)
    if (strcmp (name, fs->files[i]) == 0)
      {
        e.ino = FIRST_FILE_INO + i;
        /* Timeouts stay 0: every stat asks again, so sizes follow the
         * statistics. */
        if (get_attr (fs, e.ino, &e.attr, &err))
          fuse_reply_entry (req, &e);
        else
          fuse_reply_err (req, err);
        return;
      }
  fuse_reply_err (req, ENOENT);
}

static void
stats_getattr (fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
  MuseStatsFs *fs = fuse_req_userdata (req);
  struct stat st;
  int err;

  /* On an open file (lseek SEEK_END, for one) the kernel passes its
   * handle: its snapshot's size is the one its reads agree with. */
  if (fi && fi->fh && file_index (fs, ino) >= 0 && !is_control (fs, file_index (fs, ino)))
    {
      fill_attr (fs, ino, g_bytes_get_size ((GBytes *) (uintptr_t) fi->fh), &st);
      fuse_reply_attr (req, &st, 0.0);
    }
  else if (get_attr (fs, ino, &st, &err))
    fuse_reply_attr (req, &st, 0.0);
  else
    fuse_reply_err (req, err);
}

static void
stats_readdir (fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
               struct fuse_file_info *fi)
{
  MuseStatsFs *fs = fuse_req_userdata (req);
  g_autofree gchar *buf = NULL;
  gsize used = 0;

  (void) fi;
  if (ino != ROOT_INO)
    {
      fuse_reply_err (req, file_index (fs, ino) >= 0 ? ENOTDIR : ENOENT);
      return;
    }
  buf = g_malloc (size);
  /* Entry N is ".", "..", then the files; each carries N + 1 as the
   * offset to resume after it. */
  for (guint64 n = MAX (off, 0); n < 2 + (guint64) fs->n_files; n++)
    {
      struct stat st = { 0 };
      const gchar *name;
      gsize len;

      if (n < 2)
        {
          name = n == 0 ? "." : "..";
          st.st_ino = ROOT_INO;
          st.st_mode = S_IFDIR;
        }
      else
        {
          name = fs->files[n - 2];
          st.st_ino = FIRST_FILE_INO + (n - 2);
          st.st_mode = S_IFREG;
        }
      len = fuse_add_direntry (req, buf + used, size - used, name, &st, n + 1);
      if (len > size - used)
        break; /* does not fit: the next call resumes here */
      used += len;
    }
  fuse_reply_buf (req, buf, used);
}

static void
stats_open (fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
  MuseStatsFs *fs = fuse_req_userdata (req);
  gint index = file_index (fs, ino);
  GBytes *snapshot;

  if (index < 0)
    {
      fuse_reply_err (req, ino == ROOT_INO ? EISDIR : ENOENT);
      return;
    }
  if (is_control (fs, index))
    {
      if ((fi->flags & O_ACCMODE) != O_WRONLY)
        {
          fuse_reply_err (req, EACCES);
          return;
        }
      fi->fh = 0;
      /* Each write() must reach the callback as it was made. */
      fi->direct_io = 1;
      fuse_reply_open (req, fi);
      return;
    }
  /* O_TRUNC comes here (atomic_o_trunc) rather than as a setattr. */
  if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC))
    {
      fuse_reply_err (req, EACCES);
      return;
    }
  snapshot = render (fs, index);
  if (!snapshot)
    {
      fuse_reply_err (req, EIO);
      return;
    }
  g_ptr_array_add (fs->snapshots, snapshot);
  fi->fh = (uintptr_t) snapshot;
  /* Reads must come from the snapshot, not the page cache, and not be
   * cut at whatever size an earlier stat reported. */
  fi->direct_io = 1;
  fi->keep_cache = 0;
#if FUSE_VERSION >= FUSE_MAKE_VERSION (3, 11)
  fi->noflush = 1; /* nothing to flush: close needs no round trip */
#endif
  if (fuse_reply_open (req, fi) != 0)
    g_ptr_array_remove_fast (fs->snapshots, snapshot); /* interrupted: no release comes */
}

static void
stats_read (fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
            struct fuse_file_info *fi)
{
  GBytes *snapshot = (GBytes *) (uintptr_t) fi->fh;
  gsize len;
  const gchar *data = g_bytes_get_data (snapshot, &len);

  (void) ino;
  if (off < 0 || (guint64) off >= len)
    fuse_reply_buf (req, NULL, 0);
  else
    fuse_reply_buf (req, data + off, MIN (size, len - (gsize) off));
}

static void
stats_write (fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
             struct fuse_file_info *fi)
{
  MuseStatsFs *fs = fuse_req_userdata (req);
  gint index = file_index (fs, ino);
  gint err;

  (void) off;
  (void) fi;
  if (!is_control (fs, index))
    {
      fuse_reply_err (req, EACCES);
      return;
    }
  if (size > MUSE_STATS_CONTROL_MAX)
    {
      fuse_reply_err (req, EINVAL);
      return;
    }
  err = fs->write (fs->files[index], buf, size, fs->user_data);
  if (err)
    fuse_reply_err (req, err);
  else
    fuse_reply_write (req, size);
}

/* Only what opening a control file with O_TRUNC asks (its size to 0, which
 * it is); statistics files cannot change. */
static void
stats_setattr (fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
               struct fuse_file_info *fi)
{
  MuseStatsFs *fs = fuse_req_userdata (req);
  struct stat st;
  int err;

  (void) fi;
  if (!is_control (fs, file_index (fs, ino)) ||
      (to_set & ~(FUSE_SET_ATTR_SIZE | FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
                  FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_CTIME)) ||
      ((to_set & FUSE_SET_ATTR_SIZE) && attr->st_size != 0))
    {
      fuse_reply_err (req, EACCES);
      return;
    }
  if (get_attr (fs, ino, &st, &err))
    fuse_reply_attr (req, &st, 0.0);
  else
    fuse_reply_err (req, err);
}

static void
stats_release (fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
  MuseStatsFs *fs = fuse_req_userdata (req);

  (void) ino;
  if (fi->fh)
    g_ptr_array_remove_fast (fs->snapshots, (GBytes *) (uintptr_t) fi->fh);
  fuse_reply_err (req, 0);
}

static const struct fuse_lowlevel_ops stats_ops = {
  .lookup = stats_lookup,
  .getattr = stats_getattr,
  .readdir = stats_readdir,
  .open = stats_open,
  .read = stats_read,
  .write = stats_write,
  .setattr = stats_setattr,
  .release = stats_release,
};

/* Our own loop rather than fuse_session_loop(): that one only returns
 * when the kernel ends the connection, which a lazy unmount with files
 * still open does not do. */
static gpointer
serve (gpointer data)
{
  MuseStatsFs *fs = data;
  struct fuse_buf buf = { .mem = NULL };
  struct pollfd pfd[2] = {
    { .fd = fuse_session_fd (fs->se), .events = POLLIN },
    { .fd = fs->stop_fd, .events = POLLIN },
  };

  while (!fuse_session_exited (fs->se))
    {
      int res;

      if (poll (pfd, G_N_ELEMENTS (pfd), -1) < 0)
        {
          if (errno == EINTR)
            continue;
          g_warning ("stats file system: poll: %s", g_strerror (errno));
          break;
        }
      if (pfd[1].revents)
        break;
      if (!pfd[0].revents)
        continue;
      /* POLLERR too: the read then reports the unmount (0). */
      res = fuse_session_receive_buf (fs->se, &buf);
      if (res == -EINTR || res == -EAGAIN)
        continue;
      if (res <= 0)
        break;
      fuse_session_process_buf (fs->se, &buf);
    }
  free (buf.mem);
  return NULL;
}

static gboolean
valid_names (const gchar *const *files)
{
  for (guint i = 0; files[i]; i++)
    {
      if (!*files[i] || strchr (files[i], '/')
          || strcmp (files[i], ".") == 0 || strcmp (files[i], "..") == 0)
        return FALSE;
      for (guint j = 0; j < i; j++)
        if (strcmp (files[i], files[j]) == 0)
          return FALSE;
    }
  return TRUE;
}

MuseStatsFs *
muse_stats_fs_mount (const gchar *mountpoint, const gchar *const *files,
                     MuseStatsRender render_func, gpointer user_data,
                     GError **error)
{
  return muse_stats_fs_mount_with_controls (mountpoint, files, render_func, NULL, NULL,
                                            user_data, error);
}

MuseStatsFs *
muse_stats_fs_mount_with_controls (const gchar *mountpoint, const gchar *const *files,
                                   MuseStatsRender render_func,
                                   const gchar *const *controls, MuseStatsWrite write_func,
                                   gpointer user_data, GError **error)
{
  static const gchar *const no_controls[] = { NULL };
  /* "ro" makes the kernel refuse writes (EROFS) before they reach us;
   * default_permissions has it check the modes below as well. With
   * control files the mount is writable and open() refuses writes to the
   * statistics files (root passes the mode check). */
  char *argv[] = { "muse-chip", "-o",
                   "ro,default_permissions,fsname=flashmodel-stats,subtype=flashmodel",
                   NULL };
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) names = NULL;
  struct fuse_args args = FUSE_ARGS_INIT (G_N_ELEMENTS (argv) - 1, argv);
  g_autoptr (GError) local_error = NULL;
  sigset_t block, saved;
  GStatBuf st;
  MuseStatsFs *fs;

  if (!controls)
    controls = no_controls;
  g_return_val_if_fail (mountpoint != NULL, NULL);
  g_return_val_if_fail (files != NULL, NULL);
  g_return_val_if_fail (render_func != NULL, NULL);
  g_return_val_if_fail (!controls[0] || write_func != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_strv_builder_addv (builder, (const char **) files);
  g_strv_builder_addv (builder, (const char **) controls);
  names = g_strv_builder_end (builder);
  g_return_val_if_fail (valid_names ((const gchar *const *) names), NULL);
  if (controls[0])
    argv[2] += strlen ("ro,");

  if (g_stat (mountpoint, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s", mountpoint, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID, "%s: not a directory", mountpoint);
      return NULL;
    }

  fs = g_new0 (MuseStatsFs, 1);
  fs->files = g_steal_pointer (&names);
  fs->n_files = g_strv_length (fs->files);
  fs->n_stats = g_strv_length ((gchar **) files);
  fs->render = render_func;
  fs->write = write_func;
  fs->user_data = user_data;
  fs->uid = getuid ();
  fs->gid = getgid ();
  fs->snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  fs->stop_fd = eventfd (0, EFD_CLOEXEC);
  if (fs->stop_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: eventfd: %s", mountpoint, g_strerror (saved_errno));
      goto fail;
    }

  fs->se = fuse_session_new (&args, &stats_ops, sizeof stats_ops, fs);
  fuse_opt_free_args (&args);
  if (!fs->se)
    {
      /* libfuse has said why on stderr. */
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: cannot set up a FUSE session", mountpoint);
      goto fail;
    }
  errno = 0;
  if (fuse_session_mount (fs->se, mountpoint) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   "%s: cannot mount a FUSE file system: %s (is /dev/fuse there, and are we root?)",
                   mountpoint, saved_errno ? g_strerror (saved_errno) : "failed");
      goto fail;
    }

  /* The thread inherits a mask without SIGINT and SIGTERM, so the
   * process's handlers always run in (and interrupt) the main thread.
   * Blocking here rather than in the thread leaves no window for a
   * signal to land in the new thread first. */
  sigemptyset (&block);
  sigaddset (&block, SIGINT);
  sigaddset (&block, SIGTERM);
  pthread_sigmask (SIG_BLOCK, &block, &saved);
  fs->thread = g_thread_try_new ("muse-stats-fs", serve, fs, &local_error);
  pthread_sigmask (SIG_SETMASK, &saved, NULL);
  if (!fs->thread)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: cannot start the file system's thread: %s",
                   mountpoint, local_error->message);
      fuse_session_unmount (fs->se);
      goto fail;
    }
  return fs;

fail:
  if (fs->se)
    fuse_session_destroy (fs->se);
  if (fs->stop_fd >= 0)
    close (fs->stop_fd);
  g_ptr_array_unref (fs->snapshots);
  g_strfreev (fs->files);
  g_free (fs);
  return NULL;
}

void
muse_stats_fs_unmount (MuseStatsFs *fs)
{
  guint64 one = 1;

  if (!fs)
    return;
  /* An eventfd write of 1 cannot fail but for a signal. */
  while (write (fs->stop_fd, &one, sizeof one) < 0 && errno == EINTR)
    ;
  g_thread_join (fs->thread);
  /* Lazy unmount, then closing /dev/fuse aborts the connection: readers
   * still holding files open get ENOTCONN instead of hanging, and their
   * snapshots are freed here as no release will come. */
  fuse_session_unmount (fs->se);
  fuse_session_destroy (fs->se);
  close (fs->stop_fd);
  g_ptr_array_unref (fs->snapshots);
  g_strfreev (fs->files);
  g_free (fs);
}
