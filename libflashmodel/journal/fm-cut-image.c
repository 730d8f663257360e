/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-cut-image.h"
#include "fm-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

struct _FmCutMaker {
  const FmChipDesc *desc;
  FmImage *prefix;
  gchar *prefix_path;   /* absolute */
  guint64 age;          /* the base's age and every record advanced: the prefix's chip's */
};

FmCutMaker *
fm_cut_maker_new (FmImage *base, const FmChipDesc *desc, const gchar *work_dir, GError **error)
{
  g_autoptr (FmCutMaker) maker = g_new0 (FmCutMaker, 1);
  g_autofree gchar *dir = g_canonicalize_filename (work_dir, NULL);
  g_autofree gchar *template = g_build_filename (dir, "cut-prefix-XXXXXX.img", NULL);
  g_autofree gchar *stored = NULL;
  int fd;

  if (!fm_image_check_chip (base, desc, error))
    return NULL;
  /* A name of its own; the overlay is then made there (O_EXCL). */
  fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s", template, g_strerror (errno));
      return NULL;
    }
  close (fd);
  g_unlink (template);
  maker->desc = desc;
  maker->age = fm_image_age_ns (base);
  maker->prefix_path = g_steal_pointer (&template);
  stored = g_canonicalize_filename (fm_image_path (base), NULL);
  /* A scratch file: never waited for on the disk (a crash ends the
   * campaign anyway), never compacted (the cuts read it as it was). */
  maker->prefix = fm_image_create_overlay_on (maker->prefix_path, base, stored, TRUE, error);
  if (!maker->prefix)
    return NULL;
  return g_steal_pointer (&maker);
}

void
fm_cut_maker_free (FmCutMaker *maker)
{
  if (!maker)
    return;
  if (maker->prefix)
    {
      fm_image_close (maker->prefix);
      g_unlink (maker->prefix_path);
    }
  g_free (maker->prefix_path);
  g_free (maker);
}

gboolean
fm_cut_maker_advance (FmCutMaker *maker, const FmJournalRecord *record, GError **error)
{
  if (!fm_replay_apply (maker->prefix, maker->desc, record, error))
    return FALSE;
  /* Kept here, not in the prefix's header: only cut images carry it. */
  maker->age = MAX (maker->age, record->age_ns);
  return TRUE;
}

guint64
fm_cut_maker_age (const FmCutMaker *maker)
{
  return maker->age;
}

FmImage *
fm_cut_maker_prefix (FmCutMaker *maker)
{
  return maker->prefix;
}

/* How the cut at PATH names the prefix: by its name when they share a
 * directory (the pair can move together), else by its absolute path. */
static gchar *
prefix_reference (const FmCutMaker *maker, const gchar *path)
{
  g_autofree gchar *absolute = g_canonicalize_filename (path, NULL);
  g_autofree gchar *dir = g_path_get_dirname (absolute);
  g_autofree gchar *prefix_dir = g_path_get_dirname (maker->prefix_path);

  if (g_str_equal (dir, prefix_dir))
    return g_path_get_basename (maker->prefix_path);
  return g_strdup (maker->prefix_path);
}

/* The cut image at PATH: RECORD done as CUT does it on the prefix, or
 * with RECORD NULL the prefix alone; aged as the records up to it left
 * the chip. */
static gboolean
make_cut_image (FmCutMaker *maker, const FmJournalRecord *record, FmCutOperation cut,
                gpointer user_data, const gchar *path, GError **error)
{
  g_autofree gchar *stored = prefix_reference (maker, path);
  g_autoptr (FmImage) image = NULL;
  guint64 age = maker->age;

  g_unlink (path);
  /* This syncs the prefix first: the records advanced since the last
   * cut are written to its delta, which the cut names as of then. */
  image = fm_image_create_overlay_on (path, maker->prefix, stored, TRUE, error);
  if (!image)
    return FALSE;
  if (record)
    {
      if (!cut (image, maker->desc, record, user_data, error))
        {
          g_clear_pointer (&image, fm_image_close);
          g_unlink (path);
          return FALSE;
        }
      age = MAX (age, record->age_ns);
    }
  fm_image_set_age_ns (image, MAX (fm_image_age_ns (image), age));
  if (!fm_image_sync (image, error))
    {
      g_clear_pointer (&image, fm_image_close);
      g_unlink (path);
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_cut_maker_make_with (FmCutMaker *maker, const FmJournalRecord *record, FmCutOperation cut,
                        gpointer user_data, const gchar *path, GError **error)
{
  return make_cut_image (maker, record, cut, user_data, path, error);
}

gboolean
fm_cut_maker_make_before (FmCutMaker *maker, const gchar *path, GError **error)
{
  return make_cut_image (maker, NULL, NULL, NULL, path, error);
}

static gboolean
cut_clean (FmImage *image, const FmChipDesc *desc, const FmJournalRecord *record,
           gpointer user_data, GError **error)
{
  (void) user_data;
  return fm_replay_apply (image, desc, record, error);
}

static gboolean
cut_torn (FmImage *image, const FmChipDesc *desc, const FmJournalRecord *record,
          gpointer user_data, GError **error)
{
  (void) user_data;
  return fm_replay_tear (image, desc, record, error);
}

gboolean
fm_cut_maker_make (FmCutMaker *maker, const FmJournalRecord *record, FmCutKind kind,
                   const gchar *path, GError **error)
{
  return fm_cut_maker_make_with (maker, record, kind == FM_CUT_TORN ? cut_torn : cut_clean, NULL,
                                 path, error);
}
