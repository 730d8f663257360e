/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record-workload CHIP OPS DIR [FAULTS]: DIR/base.img (a fresh image of
 * CHIP, seed 7), DIR/live.img (a copy of it after OPS operations of
 * fm_test_workload()) and DIR/run.journal (the journal of those), for the
 * CLI tests and the power-cut benchmark. Prints the journal's record count.
 * With FM_TEST_MARK_EVERY=K in the environment, the journal holds marks
 * too: "start" before the first operation, "after-N" after every K-th.
 */
#include "fm-test-util.h"

#include <stdio.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  FmTestRecording r = { 0 };
  g_autofree gchar *dir = NULL;

  if (argc < 4 || argc > 5)
    {
      g_printerr ("usage: record-workload CHIP OPS DIR [FAULTS]\n");
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
