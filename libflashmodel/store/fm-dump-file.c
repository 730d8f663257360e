/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAND dumps as files around the memory-buffer core (fm-dump.c): dumps
 * are memory-mapped for import, and every output is written under a
 * temporary name next to its final one and renamed when complete, so a
 * failure never leaves a half-written image or dump behind.
 */
#define _GNU_SOURCE
#include "fm-dump.h"
#include "fm-error.h"
#include "fm-nand.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static gboolean
io_error (GError **error, const gchar *path, const gchar *what)
{
  int saved = errno;

  g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s: %s", path, what, g_strerror (saved));
  return FALSE;
}

/* ---- input ---------------------------------------------------------------- */

typedef struct {
  guint8 *map;
  gsize len;
} Mapping;

static void
mapping_clear (Mapping *m)
{
  if (m->map && m->len)
    munmap (m->map, m->len);
  m->map = NULL;
  m->len = 0;
}

/* Maps PATH read-only. An empty file gives a zero-length buffer that is
 * not NULL: a given but empty OOB file is still given. */
static gboolean
map_input (const gchar *path, Mapping *m, GError **error)
{
  static guint8 empty[1];
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return io_error (error, path, "open");
  if (fstat (fd, &st) < 0)
    {
      io_error (error, path, "stat");
      close (fd);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   "%s: not a regular file (a dump's size tells its layout)", path);
      close (fd);
      return FALSE;
    }
  m->len = st.st_size;
  m->map = empty;
  if (m->len)
    {
      m->map = mmap (NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m->map == MAP_FAILED)
        {
          m->map = NULL;
          io_error (error, path, "mmap");
          close (fd);
          return FALSE;
        }
      madvise (m->map, m->len, MADV_SEQUENTIAL);
    }
  close (fd);
  return TRUE;
}

/* ---- output --------------------------------------------------------------- */

typedef struct {
  const gchar *path;
  gchar *tmp;    /* NULL: standard output, or nothing to commit */
  int fd;
} Output;

static gboolean
check_absent (const gchar *path, gboolean force, GError **error)
{
  struct stat st;

  if (force || lstat (path, &st) < 0)
    return TRUE;
  g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: already exists (--force replaces it)", path);
  return FALSE;
}

/* A new, empty file next to PATH, in the same file system for rename(). */
static gchar *
make_temp_next_to (const gchar *path, int *fd, GError **error)
{
  gchar *tmp = g_strdup_printf ("%s.partial-XXXXXX", path);

  *fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0644);
  if (*fd < 0)
    {
      io_error (error, tmp, "create");
      g_free (tmp);
      return NULL;
    }
  return tmp;
}

/* Renames TMP to PATH; without FORCE, never over an existing file (which
 * may have appeared since check_absent()). */
static gboolean
commit_output (const gchar *tmp, const gchar *path, gboolean force, GError **error)
{
  int r;

  if (force)
    r = rename (tmp, path);
  else
    {
      r = renameat2 (AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
      /* File systems without RENAME_NOREPLACE: check, then rename. */
      if (r < 0 && errno == EINVAL && check_absent (path, FALSE, error))
        r = rename (tmp, path);
      else if (r < 0 && errno == EINVAL)
        return FALSE;
    }
  if (r == 0)
    return TRUE;
  if (errno == EEXIST)
    g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: already exists (--force replaces it)", path);
  else
    io_error (error, path, "rename");
  return FALSE;
}

/* "-": standard output; else a temporary file next to PATH. */
static gboolean
open_output (const gchar *path, gboolean force, Output *o, GError **error)
{
  o->path = path;
  o->tmp = NULL;
  o->fd = -1;
  if (g_str_equal (path, "-"))
    {
      o->fd = STDOUT_FILENO;
      return TRUE;
    }
  if (!check_absent (path, force, error))
    return FALSE;
  o->tmp = make_temp_next_to (path, &o->fd, error);
  return o->tmp != NULL;
}

/* Flushes and closes a temporary file; returns OK && that worked. */
static gboolean
close_output (Output *o, gboolean ok, GError **error)
{
  if (!o->tmp)
    return ok;
  if (ok && fsync (o->fd) < 0)
    ok = io_error (error, o->tmp, "fsync");
  if (close (o->fd) < 0 && ok)
    ok = io_error (error, o->tmp, "close");
  o->fd = -1;
  return ok;
}

static gboolean
commit (Output *o, gboolean force, GError **error)
{
  if (o->tmp && !commit_output (o->tmp, o->path, force, error))
    return FALSE;
  g_clear_pointer (&o->tmp, g_free);
  return TRUE;
}

/* Removes a temporary file that was not committed. */
static void
discard (Output *o)
{
  if (o->fd >= 0 && o->tmp)
    close (o->fd);
  if (o->tmp)
    g_unlink (o->tmp);
  g_clear_pointer (&o->tmp, g_free);
}

static gboolean
write_all (const Output *o, const guint8 *buf, gsize len, GError **error)
{
  while (len > 0)
    {
      ssize_t w = write (o->fd, buf, len);

      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return io_error (error, o->path, "write");
      buf += w;
      len -= w;
    }
  return TRUE;
}

typedef struct {
  Output data;
  Output oob;
} FileSink;

static gboolean
write_block (const guint8 *data, gsize data_len, const guint8 *oob, gsize oob_len,
             gpointer user_data, GError **error)
{
  FileSink *s = user_data;

  return write_all (&s->data, data, data_len, error) &&
         (oob_len == 0 || write_all (&s->oob, oob, oob_len, error));
}

/* ---- import and export ---------------------------------------------------- */

/* Everything fm_dump_import() would refuse for these files, before any
 * file is made. */
static gboolean
check_inputs (const FmChipDesc *desc, const FmDumpOptions *options, const FmDumpBuffers *in,
              GError **error)
{
  FmDumpLayout layout = options->layout;
  guint32 blocks;

  if (layout.format == FM_DUMP_AUTO)
    {
      if (in->oob)
        layout.format = FM_DUMP_SEPARATE;
      else if (!fm_dump_detect (desc, in->data_name, in->data_len, options->start_block,
                                    &layout.format, error))
        return FALSE;
    }
  if (layout.format == FM_DUMP_SEPARATE && !in->oob)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
                   "the separate format needs an OOB file besides %s", in->data_name);
      return FALSE;
    }
  return fm_dump_layout_check (&layout, desc, error) &&
         fm_dump_count_blocks (desc, layout.format, in->data_name, in->data_len,
                               in->oob_name, in->oob_len, options->start_block, &blocks, error);
}

gboolean
fm_dump_import_file (const FmChipDesc *desc, const gchar *dump_path, const gchar *oob_path,
                     const gchar *image_path, const FmDumpOptions *options,
                     FmDumpStats *stats, GError **error)
{
  FmNandCreateOptions create = { options->seed, 0 };
  Mapping data = { NULL, 0 }, oob = { NULL, 0 };
  FmDumpBuffers in;
  g_autofree gchar *tmp = NULL;
  FmImage *image = NULL;
  gboolean ok = FALSE;
  int fd;

  if (!map_input (dump_path, &data, error) || (oob_path && !map_input (oob_path, &oob, error)))
    goto out;
  in = (FmDumpBuffers) { data.map, data.len, dump_path, oob.map, oob.len, oob_path };
  if (!check_inputs (desc, options, &in, error) ||
      !check_absent (image_path, options->force, error))
    goto out;
  /* fm_image_create() makes its file itself (O_EXCL): reserve a unique
   * name, then hand it over. */
  tmp = make_temp_next_to (image_path, &fd, error);
  if (!tmp)
    goto out;
  close (fd);
  g_unlink (tmp);
  image = fm_nand_create_image (desc, tmp, &create, error);
  if (!image)
    goto out;
  ok = fm_dump_import (image, desc, options, &in, stats, error) && fm_image_sync (image, error);
  fm_image_close (image);
  ok = ok && commit_output (tmp, image_path, options->force, error);
  if (!ok)
    g_unlink (tmp);
out:
  mapping_clear (&data);
  mapping_clear (&oob);
  return ok;
}

gboolean
fm_dump_export_file (const FmImage *image, const FmChipDesc *desc, const FmDumpOptions *options,
                     const gchar *dump_path, const gchar *oob_path, GError **error)
{
  FileSink s = { { NULL, NULL, -1 }, { NULL, NULL, -1 } };
  gboolean ok;

  if (oob_path && g_str_equal (oob_path, "-"))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   "the OOB file cannot be standard output (only the dump can)");
      return FALSE;
    }
  ok = open_output (dump_path, options->force, &s.data, error) &&
       (!oob_path || open_output (oob_path, options->force, &s.oob, error)) &&
       fm_dump_export_to (image, desc, options, oob_path != NULL, write_block, &s, error);
  ok = close_output (&s.data, ok, error);
  ok = close_output (&s.oob, ok, error);
  /* Both complete before either is renamed into place. */
  ok = ok && commit (&s.data, options->force, error) && commit (&s.oob, options->force, error);
  discard (&s.data);
  discard (&s.oob);
  return ok;
}
