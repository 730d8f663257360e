/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * powercut-bench: cut points per minute of a power-cut campaign, against
 * the obvious alternative measured in the same run: for each cut point,
 * copy the base image and replay the journal from its first operation.
 *
 * The journal is a file-system-like workload (tests/fm-test-util.c) on
 * 256 blocks of micron-mt29f4g. The check is the cheapest possible (the cut image is
 * opened and its tables verified), so the figures are the campaign's own
 * cost, which a real check (mounting a file system) adds to.
 */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const FmChipDesc *desc;
  guint checked;
  gint64 first_half_us, second_half_us; /* time in cuts of each half */
  guint half;
  gint64 last;
} Timing;

static gboolean
open_and_close (gpointer user_data, const gchar *path, const FmJournalRecord *rec, FmCutKind kind,
                GError **error)
{
  Timing *t = user_data;
  FmImage *image = fm_image_open (path, t->desc, TRUE, error);
  gint64 now;

  (void) rec;
  (void) kind;
  if (!image)
    return FALSE;
  fm_image_close (image);
  now = g_get_monotonic_time ();
  if (t->checked++ < t->half)
    t->first_half_us += now - t->last;
  else
    t->second_half_us += now - t->last;
  t->last = now;
  return TRUE;
}

int
main (int argc, char **argv)
{
  gboolean quick = argc > 1 && g_str_equal (argv[1], "--quick");
  guint64 ops = quick ? 20000 : 200000;
  guint n_points = quick ? 40 : 400, n_naive = quick ? 8 : 20;
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autoptr (FmImage) work = NULL;
  g_autoptr (GArray) points = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autofree gchar *work_path = NULL, *cut_path = NULL;
  FmCutKind torn = FM_CUT_TORN;
  Timing t = { 0 };
  gdouble ours_s, naive_s, ours_rate, naive_rate;
  gint64 start;

  g_printerr ("powercut-bench: recording %" G_GUINT64_FORMAT " operations on micron-mt29f4g...\n", ops);
  /* 256 blocks (32 MiB, a UBI partition's worth) written over and over:
   * the image stops growing, and the cost per cut should stop too. */
  fm_test_record_blocks (&r, "micron-mt29f4g", 256, ops, NULL);
  reader = fm_journal_reader_open (r.journal_path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_points; i++)
    {
      guint64 seq = 1 + (r.ops - 1) * (i + 1) / n_points;

      g_array_append_val (points, seq);
    }

  /* The campaign engine. */
  work_path = g_build_filename (r.dir, "work.img", NULL);
  cut_path = g_build_filename (r.dir, "cut.img", NULL);
  {
    g_autoptr (FmImage) base = fm_image_open (r.base_path, r.desc, TRUE, &error);

    g_assert_no_error (error);
    g_assert_true (fm_image_copy_to (base, work_path, &error));
  }
  work = fm_image_open (work_path, r.desc, FALSE, &error);
  g_assert_no_error (error);
  t.desc = r.desc;
  t.half = n_points / 2;
  start = t.last = g_get_monotonic_time ();
  if (!fm_campaign_run (work, r.desc, reader, (const guint64 *) points->data, points->len,
                        &torn, 1, cut_path, open_and_close, &t, &error))
    g_error ("%s", error->message);
  ours_s = (g_get_monotonic_time () - start) / 1e6;
  g_clear_pointer (&work, fm_image_close);
  g_unlink (work_path);

  /* The peer: replay from the start for each of a few cut points spread
   * over the journal (its cost grows with the point, so an even spread
   * gives its mean). */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_naive; i++)
    {
      guint64 seq = g_array_index (points, guint64, (guint64) (n_points - 1) * i / (n_naive - 1));
      g_autoptr (FmImage) base = fm_image_open (r.base_path, r.desc, TRUE, &error);
      g_autoptr (FmImage) cut = NULL;

      g_assert_no_error (error);
      g_unlink (cut_path);
      g_assert_true (fm_image_copy_to (base, cut_path, &error));
      cut = fm_image_open (cut_path, r.desc, FALSE, &error);
      g_assert_no_error (error);
      fm_journal_reader_rewind (reader);
      if (!fm_replay_until (cut, r.desc, reader, seq, FM_CUT_TORN, NULL, NULL, &error))
        g_error ("%s", error->message);
    }
  naive_s = (g_get_monotonic_time () - start) / 1e6;
  g_unlink (cut_path);

  ours_rate = n_points / ours_s * 60;
  naive_rate = n_naive / naive_s * 60;
  printf ("journal: %" G_GUINT64_FORMAT " operations, %s image of %.1f MiB\n", r.ops, r.desc->name,
          fm_image_file_bytes (fm_nand_image (r.nand)) / 1048576.0);
  printf ("%-34s %10s %14s\n", "method", "cut points", "cut points/min");
  printf ("%-34s %10u %14.0f\n", "campaign (copy + operations since)", n_points, ours_rate);
  printf ("%-34s %10u %14.0f\n", "replay from the start each time", n_naive, naive_rate);
  printf ("ratio campaign / replay-from-start: %.1fx\n", ours_rate / naive_rate);
  printf ("campaign ms per cut, first half of the journal %.2f, second half %.2f\n",
          t.first_half_us / 1e3 / t.half, t.second_half_us / 1e3 / (n_points - t.half));
  return 0;
}
