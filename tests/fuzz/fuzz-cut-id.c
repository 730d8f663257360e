/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: arbitrary bytes as a power-cut campaign's cut ID
 * (fm-cut-id.h), what --reproduce and replay --cut take from anyone.
 *
 * An ID must parse or be refused with an FM_ERROR_INVALID, never crash.
 * What parses must be canonical once written again: writing it and
 * parsing that gives the same ID, and the written string reads back to
 * itself. The seeds (corpus/fuzz-cut-id/) are IDs of every shape.
 */
#include "flashmodel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check (gboolean ok, const char *what)
{
  if (!ok)
    {
      fprintf (stderr, "fuzz-cut-id: %s\n", what);
      abort ();
    }
}

int
LLVMFuzzerInitialize (int *argc, char **argv[])
{
  (void) argc;
  (void) argv;
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *written = NULL, *again = NULL;
  FmCutId id, reparsed;

  if (!fm_cut_id_parse (text, &id, &error))
    {
      check (g_error_matches (error, FM_ERROR, FM_ERROR_INVALID), "refused without FM_ERROR_INVALID");
      return 0;
    }
  check (id.depth >= 1 && id.depth <= FM_CUT_ID_MAX_DEPTH, "a depth out of range");
  written = fm_cut_id_to_string (&id);
  check (strlen (written) <= FM_CUT_ID_MAX_LEN, "an ID written longer than IDs may be");
  check (fm_cut_id_parse (written, &reparsed, NULL), "a written ID does not parse");
  check (fm_cut_id_compare (&id, &reparsed) == 0 && id.tear_seed == reparsed.tear_seed &&
         g_str_equal (id.level[0].journal, reparsed.level[0].journal) &&
         (id.depth < 2 || g_str_equal (id.level[1].journal, reparsed.level[1].journal)),
         "a written ID parses to another");
  again = fm_cut_id_to_string (&reparsed);
  check (g_str_equal (written, again), "writing an ID is not canonical");
  return 0;
}
