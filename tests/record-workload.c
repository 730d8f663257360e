/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record-workload CHIP OPS DIR [FAULTS]: DIR/base.img (a fresh image of
 * CHIP, seed 7), DIR/live.img (a copy of it after OPS operations of
 * fm_test_workload()) and DIR/run.journal (the journal of those), for the
 * CLI tests and the power-cut benchmark. Prints the journal's record count.
 * With FM_TEST_MARK_EVERY=K in the environment, the journal holds marks
 * too: "start" before the first operation, "after-N" after every K-th.
 *
 * record-workload --on IMAGE OPS JOURNAL: OPS operations of
 * fm_test_workload() on the last 4 blocks of IMAGE, recorded in JOURNAL
 * (which must not exist), as muse-chip --record records a file system's
 * recovery: what a depth-2 campaign's check does on the host.
 */
#include "fm-test-util.h"

#include <stdio.h>
#include <stdlib.h>

static int
record_on (const gchar *image_path, guint64 ops, const gchar *journal_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) desc = NULL;
  g_autoptr (FmNand) nand = NULL;
  g_autoptr (FmJournalWriter) w = NULL;
  FmImage *image = fm_image_open_find_chip (image_path, FALSE, &desc, &error);

  if (image)
    nand = fm_nand_new (desc, image, FM_TIMING_NONE, &error);
  if (nand)
    w = fm_journal_writer_new (journal_path, fm_nand_image (nand), desc, 1, FALSE, &error);
  if (!w)
    {
      g_printerr ("record-workload: %s\n", error->message);
      return 1;
    }
  fm_nand_set_observer (nand, fm_journal_writer_observe, w);
  if (!fm_test_workload (nand, fm_chip_desc_blocks (desc) - 4, 4, ops, 13, &error))
    {
      g_printerr ("record-workload: %s: %s\n", image_path, error->message);
      return 1;
    }
  fm_nand_set_observer (nand, NULL, NULL);
  if (!fm_journal_writer_close (g_steal_pointer (&w), &error))
    {
      g_printerr ("record-workload: %s\n", error->message);
      return 1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  FmTestRecording r = { 0 };
  g_autofree gchar *dir = NULL;

  if (argc == 5 && g_str_equal (argv[1], "--on"))
    return record_on (argv[2], g_ascii_strtoull (argv[3], NULL, 10), argv[4]);
  if (argc < 4 || argc > 5)
    {
      g_printerr ("usage: record-workload CHIP OPS DIR [FAULTS]\n"
                  "       record-workload --on IMAGE OPS JOURNAL\n");
      return 2;
    }
  r.mark_every = g_ascii_strtoull (g_getenv ("FM_TEST_MARK_EVERY") ? g_getenv ("FM_TEST_MARK_EVERY") : "0", NULL, 10);
  fm_test_record (&r, argv[1], g_ascii_strtoull (argv[2], NULL, 10), argc == 5 ? argv[4] : NULL);
  /* Keep the files: move them out of the recording's scratch directory. */
  for (const gchar *const *name = (const gchar *const[]) { "base.img", "live.img", "run.journal", NULL };
       *name; name++)
    {
      g_autofree gchar *from = g_build_filename (r.dir, *name, NULL);
      g_autofree gchar *to = g_build_filename (argv[3], *name, NULL);

      if (rename (from, to) != 0)
        {
          g_printerr ("record-workload: %s: cannot move to %s\n", from, to);
          return 1;
        }
    }
  printf ("%" G_GUINT64_FORMAT "\n", r.ops);
  fm_test_recording_clear (&r);
  return 0;
}
