/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel powercut-campaign: a journal recorded once, a power cut at
 * many of its operations, and a check (mount the file system, compare the
 * files) on the image each cut leaves. fm-campaign.h makes the images;
 * this file chooses the cut points and runs the user's check.
 */
#include "tool-common.h"
#include "commands.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  gchar *check;
  const gchar *journal;
  const FmChipDesc *desc;
  const FmJournalInfo *info;
  gchar *work_dir;
  gboolean keep_failed;
  FmCutKind kinds[2];
  guint n_kinds;
  guint points, done, failed;
  GString *failures;
  FILE *report;
} Campaign;

/* The operations that may be cut: by default those that change cells. */
static gboolean
candidate (const FmJournalRecord *rec, gboolean all_ops)
{
  return all_ops || rec->op != FM_NAND_OP_READ;
}

static gint
compare_u64 (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* Picks SAMPLE of the candidates at random (seeded), or every EVERY-th. */
static GArray *
choose_points (GArray *candidates, guint64 every, guint64 sample, guint64 seed)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (guint64));

  if (sample && sample < candidates->len)
    {
      FmPrng prng;

      /* Partial Fisher-Yates: the first SAMPLE slots end up a uniform
       * sample; then back into journal order. */
      fm_prng_init (&prng, seed);
      for (guint i = 0; i < sample; i++)
        {
          guint j = i + fm_prng_below (&prng, candidates->len - i);
          guint64 t = g_array_index (candidates, guint64, i);

          g_array_index (candidates, guint64, i) = g_array_index (candidates, guint64, j);
          g_array_index (candidates, guint64, j) = t;
        }
      g_array_append_vals (points, candidates->data, sample);
      g_array_sort (points, compare_u64);
      return points;
    }
  for (guint i = 0; i < candidates->len; i += every ? every : 1)
    g_array_append_val (points, g_array_index (candidates, guint64, i));
  return points;
}

/* The check of one cut image: the user's command. */
static gboolean
run_check (gpointer user_data, const gchar *path, const FmJournalRecord *rec, FmCutKind kind,
           GError **error)
{
  Campaign *c = user_data;
  g_autofree gchar *what = describe_record (rec, c->desc->pages_per_block);
  g_autofree gchar *seq = g_strdup_printf ("%" G_GUINT64_FORMAT, rec->seq);
  g_autofree gchar *output = NULL;
  g_autoptr (GError) check_error = NULL;
  g_autoptr (GString) cmd = g_string_new (c->check);
  g_auto (GStrv) env = g_environ_setenv (g_get_environ (), "FM_CUT_IMAGE", path, TRUE);
  const gchar *argv[] = { "/bin/sh", "-c", NULL, NULL };
  gint64 start = g_get_monotonic_time ();
  gboolean passed;
  gint status = 0;

  g_string_replace (cmd, "{}", path, 0);
  argv[2] = cmd->str;
  env = g_environ_setenv (env, "FM_CUT_OP", seq, TRUE);
  env = g_environ_setenv (env, "FM_CUT_KIND", fm_cut_kind_to_string (kind), TRUE);
  env = g_environ_setenv (env, "FM_CUT_WHAT", what, TRUE);
  env = g_environ_setenv (env, "FM_CHIP", c->desc->name, TRUE);
  /* The check's output, to show when it fails. */
  if (!g_spawn_sync (NULL, (gchar **) argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                     &output, NULL, &status, &check_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&check_error), "--check: ");
      return FALSE;
    }
  passed = g_spawn_check_wait_status (status, &check_error);
  c->done++;
  g_print ("%s %u - operation %" G_GUINT64_FORMAT " %s, %s (%.2f s)%s%s\n",
           passed ? "ok" : "not ok", c->done, rec->seq, fm_cut_kind_to_string (kind), what,
           (g_get_monotonic_time () - start) / 1e6, passed ? "" : ": ",
           passed ? "" : check_error->message);
  if (c->report)
    fprintf (c->report, "%" G_GUINT64_FORMAT ",%s,%s,%s\n", rec->seq, fm_cut_kind_to_string (kind),
             what, passed ? "pass" : "fail");
  if (!passed)
    {
      g_auto (GStrv) lines = g_strsplit (output ? output : "", "\n", -1);
      guint n = g_strv_length (lines);

      c->failed++;
      g_string_append_printf (c->failures, " %" G_GUINT64_FORMAT "/%s", rec->seq,
                              fm_cut_kind_to_string (kind));
      /* The end of the check's output says why; as TAP comments. */
      for (guint i = n > 12 ? n - 12 : 0; i < n; i++)
        if (*lines[i])
          g_print ("#   %s\n", lines[i]);
      if (c->keep_failed)
        {
          g_autofree gchar *keep = g_strdup_printf ("%s/cut-%" G_GUINT64_FORMAT "-%s.img", c->work_dir,
                                                    rec->seq, fm_cut_kind_to_string (kind));
          g_autoptr (FmImage) cut = fm_image_open (path, c->desc, TRUE, NULL);

          /* Standalone: the overlay's prefix goes with the campaign. */
          g_unlink (keep);
          if (cut && fm_image_flatten_to (cut, keep, NULL))
            g_print ("#   image kept: %s\n", keep);
        }
    }
  fflush (stdout);
  return TRUE;
}

int
cmd_powercut_campaign (int argc, char **argv)
{
  g_autofree gchar *base_path = NULL, *journal_path = NULL, *check = NULL, *work_dir = NULL;
  g_autofree gchar *cut_text = NULL, *every_text = NULL, *sample_text = NULL, *seed_text = NULL;
  g_autofree gchar *from_text = NULL, *to_text = NULL, *report_path = NULL;
  gboolean all_ops = FALSE, keep_failed = FALSE;
  GOptionEntry entries[] = {
    { "journal", 'j', 0, G_OPTION_ARG_FILENAME, &journal_path, "The recorded workload (muse-chip --record)", "FILE" },
    { "base", 'b', 0, G_OPTION_ARG_FILENAME, &base_path, "The image the journal started from (default: a fresh image)", "IMAGE" },
    { "check", 'C', 0, G_OPTION_ARG_STRING, &check, "Shell command that checks a cut image; {} is its path", "CMD" },
    { "cut", 'c', 0, G_OPTION_ARG_STRING, &cut_text, "torn (default), clean or both", "KIND" },
    { "every", 'e', 0, G_OPTION_ARG_STRING, &every_text, "Cut at every K-th eligible operation", "K" },
    { "sample", 'n', 0, G_OPTION_ARG_STRING, &sample_text, "Cut at N eligible operations drawn at random", "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_text, "Seed of --sample (default 1)", "S" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, "Only operations from N on", "N" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, "Only operations up to N", "N" },
    { "all-ops", 'a', 0, G_OPTION_ARG_NONE, &all_ops, "Cut at reads too, not only programs and erases", NULL },
    { "work-dir", 'w', 0, G_OPTION_ARG_FILENAME, &work_dir, "Directory for the working images (default: a new one in $TMPDIR, removed after)", "DIR" },
    { "keep-failed", 'k', 0, G_OPTION_ARG_NONE, &keep_failed, "Keep the images whose check failed (in the work directory)", NULL },
    { "report", 'r', 0, G_OPTION_ARG_FILENAME, &report_path, "Write op,cut,operation,result rows to a CSV file", "FILE" },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autoptr (FmChipDesc) desc = NULL;
  g_autoptr (FmImage) base = NULL;
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr (GArray) points = NULL;
  g_autofree gchar *fresh_path = NULL, *cut_path = NULL;
  Campaign c = { 0 };
  guint64 every = 0, sample = 0, seed = 1, from = 0, to = G_MAXUINT64, records = 0;
  FmJournalRecord rec;
  gboolean made_dir = FALSE;
  gint64 start;
  gdouble minutes;
  int status = EXIT_FAILURE;

  if (!parse_options (find_command ("powercut-campaign"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 1)
    return usage_error ("powercut-campaign", "unexpected argument");
  if (!journal_path || !check)
    return usage_error ("powercut-campaign", "--journal FILE and --check CMD are required");
  if ((every_text && (!parse_u64_arg (every_text, &every) || every == 0)) ||
      (sample_text && (!parse_u64_arg (sample_text, &sample) || sample == 0)) ||
      (seed_text && !parse_u64_arg (seed_text, &seed)) ||
      (from_text && !parse_u64_arg (from_text, &from)) ||
      (to_text && !parse_u64_arg (to_text, &to)))
    return usage_error ("powercut-campaign", "--every, --sample, --seed, --from and --to take non-negative integers (--every and --sample from 1)");
  if (every && sample)
    return usage_error ("powercut-campaign", "--every and --sample exclude each other");
  if (!cut_text || g_str_equal (cut_text, "torn"))
    c.kinds[c.n_kinds++] = FM_CUT_TORN;
  else if (g_str_equal (cut_text, "clean"))
    c.kinds[c.n_kinds++] = FM_CUT_CLEAN;
  else if (g_str_equal (cut_text, "both"))
    {
      c.kinds[c.n_kinds++] = FM_CUT_CLEAN;
      c.kinds[c.n_kinds++] = FM_CUT_TORN;
    }
  else
    return usage_error ("powercut-campaign", "--cut takes torn, clean or both");

  reader = fm_journal_reader_open (journal_path, &error);
  if (!reader)
    goto out;
  c.info = fm_journal_reader_info (reader);
  desc = fm_chip_desc_lookup (c.info->chip_name, &error);
  if (!desc || !fm_journal_info_check_chip (c.info, desc, &error))
    goto out;
  c.desc = desc;
  c.check = check;
  c.journal = journal_path;
  c.keep_failed = keep_failed;
  c.failures = g_string_new (NULL);
  while (fm_journal_reader_next (reader, &rec))
    {
      records++;
      if (rec.seq >= from && rec.seq <= to && candidate (&rec, all_ops))
        g_array_append_val (candidates, rec.seq);
    }
  report_journal_end (journal_path, reader, records);
  fm_journal_reader_rewind (reader);
  points = choose_points (candidates, every, sample, seed);
  if (!points->len)
    {
      g_set_error (&error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "no operation of %s is eligible as a cut point (%" G_GUINT64_FORMAT " valid records)",
                   journal_path, records);
      goto out;
    }
  if (report_path)
    {
      c.report = fopen (report_path, "w");
      if (!c.report)
        {
          g_set_error (&error, FM_ERROR, FM_ERROR_IO, "%s: %s", report_path, g_strerror (errno));
          goto out;
        }
      fprintf (c.report, "op,cut,operation,result\n");
    }
  if (work_dir)
    {
      if (g_mkdir_with_parents (work_dir, 0755) != 0)
        {
          g_set_error (&error, FM_ERROR, FM_ERROR_IO, "%s: %s", work_dir, g_strerror (errno));
          goto out;
        }
      c.work_dir = g_strdup (work_dir);
    }
  else
    {
      c.work_dir = g_dir_make_tmp ("flashmodel-campaign-XXXXXX", NULL);
      if (!c.work_dir)
        {
          g_set_error (&error, FM_ERROR, FM_ERROR_IO, "cannot make a work directory in %s", g_get_tmp_dir ());
          goto out;
        }
      made_dir = TRUE;
    }
  /* The base, read-only: the cut images are overlays on it. */
  if (!base_path)
    {
      fresh_path = g_build_filename (c.work_dir, "fresh.img", NULL);
      g_unlink (fresh_path);
    }
  base = open_journal_base (base_path, desc, c.info, fresh_path, &error);
  if (!base)
    goto out;

  c.points = points->len * c.n_kinds;
  g_print ("TAP version 13\n1..%u\n", c.points);
  g_print ("# %s: %u cut point%s (%s) among %u eligible of %" G_GUINT64_FORMAT " operations on %s\n",
           journal_path, points->len, points->len == 1 ? "" : "s",
           c.n_kinds == 2 ? "clean and torn" : fm_cut_kind_to_string (c.kinds[0]),
           candidates->len, records, desc->name);
  fflush (stdout);
  start = g_get_monotonic_time ();
  cut_path = g_build_filename (c.work_dir, "cut.img", NULL);
  if (!fm_campaign_run (base, desc, reader, (const guint64 *) points->data, points->len,
                        c.kinds, c.n_kinds, cut_path, run_check, &c, &error))
    goto out;
  minutes = (g_get_monotonic_time () - start) / 60e6;
  g_print ("# %u cut points checked, %u failed%s%s; %.1f cut points per minute\n", c.done, c.failed,
           c.failed ? ":" : "", c.failures->str, minutes > 0 ? c.done / minutes : 0.0);
  status = c.failed ? EXIT_FAILURE : EXIT_SUCCESS;

out:
  if (error)
    print_error (error);
  g_clear_pointer (&base, fm_image_close);
  if (fresh_path)
    g_unlink (fresh_path);
  if (made_dir && !(keep_failed && c.failed))
    g_rmdir (c.work_dir);
  if (c.report)
    fclose (c.report);
  if (c.failures)
    g_string_free (c.failures, TRUE);
  g_free (c.work_dir);
  return status;
}
