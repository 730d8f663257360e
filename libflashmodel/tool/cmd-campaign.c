/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel powercut-campaign: a journal recorded once, a power cut at
 * many of its operations, and a check (mount the file system, compare the
 * files) on the image each cut leaves; at depth 2, a cut again in the
 * recovery each first cut's check recorded. fm-campaign.h chooses the
 * cut points and makes the images, campaign-run.h runs them (the checks
 * through campaign-jobs.h, the report through campaign-report.h). This
 * file reads the options, says what the campaign is (its identity in the
 * report) and sums it up, and does --reproduce and merge.
 */
#include "tool-common.h"
#include "commands.h"
#include "campaign-run.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Failed IDs the summary line names. */
#define SUMMARY_IDS 20

/* ---- the campaign's identity --------------------------------------------- */

static JsonNode *
campaign_identity (Campaign *c, const gchar *journal_hex, const FmJournalInfo *info,
                   const FmCampaignPlan *plan)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree gchar *base = fm_digest_to_hex (info->base_digest);
  const FmCoverage *cov = &c->coverage;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "journal");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, journal_hex);
  json_builder_set_member_name (b, "chip");
  json_builder_add_string_value (b, info->chip_name);
  json_builder_set_member_name (b, "chip_seed");
  json_builder_add_int_value (b, info->chip_seed);
  json_builder_set_member_name (b, "operations");
  json_builder_add_int_value (b, plan->records);
  json_builder_set_member_name (b, "first_operation");
  json_builder_add_int_value (b, info->first_seq);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "base_sha256");
  json_builder_add_string_value (b, base);
  json_builder_set_member_name (b, "coverage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "selection");
  json_builder_add_string_value (b, cov->sample ? "sample" : cov->every > 1 ? "every" : "all");
  json_builder_set_member_name (b, "every");
  json_builder_add_int_value (b, MAX (cov->every, 1));
  json_builder_set_member_name (b, "sample");
  json_builder_add_int_value (b, cov->sample);
  json_builder_set_member_name (b, "sample_seed");
  json_builder_add_int_value (b, cov->sample_seed);
  json_builder_set_member_name (b, "from");
  json_builder_add_int_value (b, cov->from);
  json_builder_set_member_name (b, "to");
  if (cov->to)
    json_builder_add_int_value (b, cov->to);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "all_ops");
  json_builder_add_boolean_value (b, cov->all_ops);
  json_builder_set_member_name (b, "clean");
  json_builder_add_boolean_value (b, cov->clean);
  json_builder_set_member_name (b, "torn");
  json_builder_begin_array (b);
  for (guint v = 0; v < FM_TORN_N_VARIANTS; v++)
    if (cov->torn & (1u << v))
      json_builder_add_string_value (b, fm_torn_variant_to_string (v));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "tear_seed");
  json_builder_add_int_value (b, c->tear_seed);
  json_builder_set_member_name (b, "depth");
  json_builder_add_int_value (b, c->depth);
  json_builder_end_object (b);
  /* What the whole campaign (every shard together) cuts at the first level. */
  json_builder_set_member_name (b, "plan");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "eligible_operations");
  json_builder_add_int_value (b, plan->eligible);
  json_builder_set_member_name (b, "chosen_operations");
  json_builder_add_int_value (b, plan->chosen);
  json_builder_set_member_name (b, "cut_points");
  json_builder_add_int_value (b, plan->points->len);
  json_builder_set_member_name (b, "not_applicable");
  json_builder_begin_object (b);
  for (guint v = 0; v < FM_TORN_N_VARIANTS; v++)
    if (cov->torn & (1u << v))
      {
        json_builder_set_member_name (b, fm_torn_variant_to_string (v));
        json_builder_add_int_value (b, plan->not_applicable[v]);
      }
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "check");
  json_builder_add_string_value (b, c->check);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- summary ------------------------------------------------------------- */

static void
print_summary (Campaign *c, const FmCampaignPlan *plan, gdouble total_s)
{
  const CampaignReport *r = c->report;
  guint64 na = 0;
  gdouble minutes = total_s / 60;
  GString *s = g_string_new (NULL);

  for (guint v = 0; v < FM_TORN_N_VARIANTS; v++)
    na += plan->not_applicable[v];
  /* The first failures by name; the report has them all. */
  for (guint i = 0; i < MIN (r->failures->len, SUMMARY_IDS); i++)
    g_string_append_printf (s, " %s", ((ReportFailure *) r->failures->pdata[i])->id);
  if (r->failures->len > SUMMARY_IDS)
    g_string_append (s, " ...");
  g_print ("# %" G_GUINT64_FORMAT " cut points checked, %" G_GUINT64_FORMAT " failed%s%s; %"
           G_GUINT64_FORMAT " duplicate image%s skipped, %" G_GUINT64_FORMAT
           " torn cut%s not applicable to their operation\n",
           r->total.checked, r->total.failed, r->total.failed ? ":" : "", s->str,
           r->duplicates, r->duplicates == 1 ? "" : "s", na, na == 1 ? "" : "s");
  g_string_truncate (s, 0);
  for (guint i = 0; i < REPORT_CUTS; i++)
    if (r->by_cut[i].checked)
      {
        FmCut cut = { i ? FM_CUT_TORN : FM_CUT_CLEAN, i ? i - 1 : FM_TORN_SEEDED };

        g_string_append_printf (s, "%s %s %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " failed)",
                                s->len ? "," : "", fm_cut_to_string (&cut), r->by_cut[i].checked,
                                r->by_cut[i].failed);
      }
  g_print ("#   by cut:%s\n", s->str);
  g_string_truncate (s, 0);
  for (guint i = 0; i < REPORT_OPS; i++)
    if (r->by_op[i].checked)
      g_string_append_printf (s, "%s %s %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " failed)",
                              s->len ? "," : "", fm_nand_op_to_string (i), r->by_op[i].checked,
                              r->by_op[i].failed);
  g_print ("#   by operation:%s\n", s->str);
  if (c->depth > 1)
    g_print ("#   second level: %" G_GUINT64_FORMAT " recoveries cut, %" G_GUINT64_FORMAT
             " cut points in them, %" G_GUINT64_FORMAT " failed; %" G_GUINT64_FORMAT
             " failed first cuts left no recovery journal\n",
             r->recoveries, r->by_depth[1].checked, r->by_depth[1].failed, r->no_recovery);
  g_print ("#   %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " eligible operations cut (%.1f%%)%s\n",
           plan->chosen, plan->eligible, plan->eligible ? 100.0 * plan->chosen / plan->eligible : 0.0,
           c->shard_count ? ", this shard a share of them" : "");
  g_print ("# time: cut making %.1f s, checking %.1f s, total %.1f s; %.1f cut points per minute\n",
           c->cut_making_s, c->checking_s, total_s, minutes > 0 ? r->total.checked / minutes : 0.0);
  g_string_free (s, TRUE);
}

/* ---- options ------------------------------------------------------------- */

/* "seeded", "all" or a comma-separated list of variants: a bit each. */
static gboolean
parse_torn (const gchar *text, guint *mask, GError **error)
{
  g_auto (GStrv) names = g_strsplit (text, ",", -1);

  *mask = 0;
  if (g_str_equal (text, "all"))
    {
      /* every named outcome; seeded is a mix of them */
      *mask = ((1u << FM_TORN_N_VARIANTS) - 1) & ~(1u << FM_TORN_SEEDED);
      return TRUE;
    }
  for (guint i = 0; names[i]; i++)
    {
      FmTornVariant v;

      if (!fm_torn_variant_from_string (names[i], &v, error))
        return FALSE;
      *mask |= 1u << v;
    }
  return *mask != 0;
}

/* "A:B" with A <= B, both from 1. */
static gboolean
parse_window (const gchar *text, guint64 *from, guint64 *to)
{
  g_auto (GStrv) parts = g_strsplit (text, ":", -1);

  return g_strv_length (parts) == 2 && parse_u64_arg (parts[0], from) &&
         parse_u64_arg (parts[1], to) && *from >= 1 && *from <= *to;
}

/* "K/N" with K < N. */
static gboolean
parse_shard (const gchar *text, guint *index, guint *count)
{
  g_auto (GStrv) parts = g_strsplit (text, "/", -1);
  guint64 k, n;

  if (g_strv_length (parts) != 2 || !parse_u64_arg (parts[0], &k) || !parse_u64_arg (parts[1], &n) ||
      n == 0 || n > CAMPAIGN_MAX_SHARDS || k >= n)
    return FALSE;
  *index = k;
  *count = n;
  return TRUE;
}

/* ---- --reproduce --------------------------------------------------------- */

static void
on_reproduced_check_end (gpointer user_data, gpointer tag, guint slot, const CheckEnd *end)
{
  CutResult *r = tag;
  g_autofree gchar *output = NULL;

  (void) user_data;
  (void) slot;
  r->outcome = end->passed ? CUT_PASSED : CUT_FAILED;
  r->seconds = end->seconds;
  r->status = g_strdup (end->status);
  /* One check: all of its output. */
  if (g_file_get_contents (end->output_path, &output, NULL, NULL) && *output)
    {
      g_auto (GStrv) lines = g_strsplit (output, "\n", -1);

      for (guint i = 0; lines[i]; i++)
        if (*lines[i] || lines[i + 1])
          g_print ("#   %s\n", lines[i]);
    }
}

static int
reproduce (const gchar *id_text, const gchar *journal_path, const gchar *base_path,
           const gchar *recovery_arg, const gchar *work_dir, const gchar *out, gboolean force,
           const gchar *check)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *recovery_path = NULL, *tmp_dir = NULL, *image = NULL, *check_image = NULL;
  gchar *what[FM_CUT_ID_MAX_DEPTH] = { NULL, NULL };
  g_autoptr (FmChipDesc) desc = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  CutResult result = { 0 }, parent = { 0 };
  Campaign c = { 0 };
  int status = EXIT_FAILURE;

  if (!fm_cut_id_parse (id_text, &result.id, &error))
    return usage_error ("powercut-campaign", error->message);
  if (!out && !check)
    return usage_error ("powercut-campaign", "--reproduce needs -o IMAGE or --check CMD (or both)");
  if (out && !force && g_file_test (out, G_FILE_TEST_EXISTS))
    return usage_error ("powercut-campaign", "the output image exists (use --force to replace it)");
  if (result.id.depth > 1)
    {
      /* Where a campaign keeps it: named by the first cut, in its work directory. */
      g_autofree gchar *name = recovery_journal_name (&result.id);

      recovery_path = recovery_arg ? g_strdup (recovery_arg)
                                   : g_build_filename (work_dir ? work_dir : ".", name, NULL);
    }
  tmp_dir = g_dir_make_tmp ("flashmodel-reproduce-XXXXXX", NULL);
  if (!tmp_dir)
    {
      g_set_error (&error, FM_ERROR, FM_ERROR_IO, "cannot make a directory in %s", g_get_tmp_dir ());
      goto out;
    }
  image = out ? g_strdup (out) : g_build_filename (tmp_dir, "cut.img", NULL);
  if (!rebuild_cut_id (&result.id, journal_path, base_path, recovery_path, image, what, &error))
    goto out;
  if (out)
    g_print ("# %s: the image of cut %s\n", out, id_text);
  if (!check)
    {
      status = EXIT_SUCCESS;
      goto out;
    }

  reader = fm_journal_reader_open (journal_path, &error);
  if (!reader)
    goto out;
  desc = fm_chip_desc_lookup (fm_journal_reader_info (reader)->chip_name, &error);
  if (!desc)
    goto out;
  c.desc = desc;
  c.check = (gchar *) check;
  c.work_dir = tmp_dir;
  result.id_text = g_strdup (id_text);
  result.what = g_strdup (what[result.id.depth - 1]);
  if (result.id.depth > 1)
    {
      parent.id = result.id;
      parent.id.depth = 1;
      parent.what = g_strdup (what[0]);
      result.parent = &parent;
    }
  /* With -o, the check runs on a copy: -o stays the image as rebuilt. */
  check_image = out ? g_build_filename (tmp_dir, "cut.img", NULL) : g_strdup (image);
  if (out)
    {
      g_autoptr (FmImage) rebuilt = fm_image_open (out, desc, TRUE, &error);

      if (!rebuilt || !fm_image_copy_to (rebuilt, check_image, &error))
        goto out;
    }
  {
    g_autoptr (CheckJobs) jobs = check_jobs_new (1, tmp_dir, on_reproduced_check_end, NULL);
    g_autofree gchar *cmd = check_command (check, check_image);
    g_auto (GStrv) env = check_environment (&c, &result, check_image);
    g_autofree gchar *desc_text = describe_result (&result);

    g_print ("TAP version 13\n1..1\n");
    fflush (stdout);
    if (!check_jobs_start (jobs, 0, cmd, env, &result, &error))
      {
        g_prefix_error (&error, "--check: ");
        goto out;
      }
    while (check_jobs_running (jobs))
      check_jobs_poll (jobs, TRUE);
    g_print ("%s 1 - %s (%.2f s)%s%s\n", result.outcome == CUT_PASSED ? "ok" : "not ok", desc_text,
             result.seconds, result.outcome == CUT_FAILED ? ": " : "",
             result.outcome == CUT_FAILED ? result.status : "");
    status = result.outcome == CUT_PASSED ? EXIT_SUCCESS : EXIT_FAILURE;
  }

out:
  if (error)
    print_error (error);
  if (check_image && !g_str_equal (check_image, out ? out : ""))
    g_unlink (check_image);
  if (tmp_dir)
    g_rmdir (tmp_dir);
  g_free (what[0]);
  g_free (what[1]);
  g_free (result.id_text);
  g_free (result.what);
  g_free (result.status);
  g_free (parent.what);
  return status;
}

/* ---- merge --------------------------------------------------------------- */

static const Command merge_command = {
  "powercut-campaign merge", "REPORT...",
  "Combine the reports of a campaign's shards into the report of the whole.",
  "REPORT... are the --report files of every shard (--shard K/N) of one\n"
  "campaign, in any order. The merged report is the one a single run of the\n"
  "campaign writes: the same cut points, failures and IDs, in campaign order;\n"
  "only its \"run\" object differs (the shards merged, the jobs of all, their\n"
  "time making cuts and checking added up, the longest shard's total).\n"
  "Reports of different campaigns (another journal, base, coverage or check),\n"
  "a shard given twice or missing, and reports whose campaign_id does not\n"
  "match their campaign are refused.\n\n"
  "Exit status: 0, or 1 if the campaign has failures or on errors, 2 on\n"
  "usage errors.",
  NULL,
};

static int
merge (int argc, char **argv)
{
  g_autofree gchar *out = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the merged report to FILE (default: standard output)", "FILE" },
    { NULL }
  };
  g_autoptr (GPtrArray) reports = g_ptr_array_new_with_free_func ((GDestroyNotify) campaign_report_free);
  g_autoptr (CampaignReport) merged = NULL;
  g_autoptr (GError) error = NULL;

  if (!parse_options (&merge_command, entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc < 2)
    return usage_error ("powercut-campaign merge", "it needs the reports of the shards (REPORT...)");
  for (int i = 1; i < argc; i++)
    {
      CampaignReport *r = campaign_report_load (argv[i], &error);

      if (!r)
        goto fail;
      g_ptr_array_add (reports, r);
    }
  merged = campaign_report_merge (reports, (const gchar *const *) argv + 1, &error);
  if (!merged)
    goto fail;
  if (out)
    {
      if (!campaign_report_write (merged, out, &error))
        goto fail;
    }
  else
    {
      g_autofree gchar *text = campaign_report_to_data (merged);

      fputs (text, stdout);
    }
  return merged->total.failed ? EXIT_FAILURE : EXIT_SUCCESS;

fail:
  print_error (error);
  return EXIT_FAILURE;
}

/* ---- the campaign -------------------------------------------------------- */

int
cmd_powercut_campaign (int argc, char **argv)
{
  g_autofree gchar *base_path = NULL, *journal_path = NULL, *check = NULL, *work_dir = NULL;
  g_autofree gchar *cut_text = NULL, *every_text = NULL, *sample_text = NULL, *seed_text = NULL;
  g_autofree gchar *from_text = NULL, *to_text = NULL, *report_path = NULL, *csv_path = NULL;
  g_autofree gchar *torn_text = NULL, *tear_seed_text = NULL, *depth_text = NULL;
  g_autofree gchar *window_text = NULL, *jobs_text = NULL, *shard_text = NULL;
  g_autofree gchar *progress_text = NULL, *reproduce_id = NULL, *recovery_path = NULL, *out = NULL;
  gboolean all_ops = FALSE, keep_failed = FALSE, force = FALSE;
  GOptionEntry entries[] = {
    { "journal", 'j', 0, G_OPTION_ARG_FILENAME, &journal_path, "The recorded workload (muse-chip --record)", "FILE" },
    { "base", 'b', 0, G_OPTION_ARG_FILENAME, &base_path, "The image the journal started from (default: a fresh image)", "IMAGE" },
    { "check", 'C', 0, G_OPTION_ARG_STRING, &check, "Shell command that checks a cut image; {} is its path", "CMD" },
    { "cut", 'c', 0, G_OPTION_ARG_STRING, &cut_text, "both (default: the clean cut before each operation and its torn cuts), torn or clean", "KIND" },
    { "torn", 't', 0, G_OPTION_ARG_STRING, &torn_text, "Torn variants to cut: seeded (default), all, or a list: somebits,mostbits,unstable,lowerpage,partly-erased,mostly-erased", "VARIANTS" },
    { "tear-seed", 0, 0, G_OPTION_ARG_STRING, &tear_seed_text, "Draw the torn cuts again with seed S (default 0: as a live power cut draws)", "S" },
    { "every", 'e', 0, G_OPTION_ARG_STRING, &every_text, "Cut at every K-th eligible operation (default: each)", "K" },
    { "sample", 'n', 0, G_OPTION_ARG_STRING, &sample_text, "Cut at N eligible operations drawn at random", "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_text, "Seed of --sample (default 1)", "S" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, "Only operations from N on", "N" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, "Only operations up to N", "N" },
    { "all-ops", 'a', 0, G_OPTION_ARG_NONE, &all_ops, "Cut at reads too, not only programs and erases", NULL },
    { "depth", 'd', 0, G_OPTION_ARG_STRING, &depth_text, "1 (default), or 2: cut the recovery of each first cut again (needs --window)", "D" },
    { "window", 0, 0, G_OPTION_ARG_STRING, &window_text, "Depth 2: the first cuts, at operations A to B", "A:B" },
    { "jobs", 'J', 0, G_OPTION_ARG_STRING, &jobs_text, "Run N checks at once (default 1)", "N" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard_text, "Check only shard K of N of the cut points (K from 0)", "K/N" },
    { "work-dir", 'w', 0, G_OPTION_ARG_FILENAME, &work_dir, "Directory for the working images (default: a new one in $TMPDIR, removed after unless it keeps something)", "DIR" },
    { "keep-failed", 'k', 0, G_OPTION_ARG_NONE, &keep_failed, "Keep the images whose check failed (in the work directory)", NULL },
    { "report", 'r', 0, G_OPTION_ARG_FILENAME, &report_path, "Write the JSON report to FILE", "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write one op,cut,operation,result,id row per cut to FILE", "FILE" },
    { "progress", 'p', 0, G_OPTION_ARG_STRING, &progress_text, "Progress on stderr every S seconds (default 10; 0: none)", "S" },
    { "reproduce", 0, 0, G_OPTION_ARG_STRING, &reproduce_id, "Rebuild the image of cut ID (-o) and/or run --check on it", "ID" },
    { "recovery", 'R', 0, G_OPTION_ARG_FILENAME, &recovery_path, "--reproduce: the recovery journal of a second-level ID (default: its name in --work-dir, or here)", "FILE" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "--reproduce: write the image to IMAGE", "IMAGE" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "--reproduce: replace IMAGE if it exists", NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autoptr (FmChipDesc) desc = NULL;
  g_autoptr (FmImage) base = NULL;
  g_autoptr (FmCampaignPlan) plan = NULL;
  g_autofree gchar *fresh_path = NULL, *journal_hex = NULL;
  Campaign c = { 0 };
  guint64 every = 0, sample = 0, seed = 1, from = 0, to = 0, depth = 1, jobs = 1;
  guint64 window_from = 0, window_to = 0;
  gdouble progress_every = 10;
  guint8 digest[FM_DIGEST_SIZE];
  gboolean made_dir = FALSE, made_fresh = FALSE;
  int status = EXIT_FAILURE;
  g_autoptr (GDateTime) started = g_date_time_new_now_utc ();

  if (argc > 1 && g_str_equal (argv[1], "merge"))
    return merge (argc - 1, argv + 1);
  if (!parse_options (find_command ("powercut-campaign"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 1)
    return usage_error ("powercut-campaign", "unexpected argument");
  if (reproduce_id)
    {
      if (!journal_path)
        return usage_error ("powercut-campaign", "--reproduce needs --journal FILE");
      if (cut_text || torn_text || tear_seed_text || every_text || sample_text || seed_text ||
          from_text || to_text || all_ops || depth_text || window_text || jobs_text || shard_text ||
          report_path || csv_path || keep_failed)
        return usage_error ("powercut-campaign", "--reproduce takes only --journal, --base, --recovery, "
                            "--work-dir, -o, --force and --check: the ID says the rest");
      return reproduce (reproduce_id, journal_path, base_path, recovery_path, work_dir, out, force,
                        check);
    }
  if (recovery_path || out || force)
    return usage_error ("powercut-campaign", "--recovery, -o and --force go with --reproduce");
  if (!journal_path || !check)
    return usage_error ("powercut-campaign", "--journal FILE and --check CMD are required");
  if ((every_text && (!parse_u64_arg (every_text, &every) || every == 0)) ||
      (sample_text && (!parse_u64_arg (sample_text, &sample) || sample == 0)) ||
      (seed_text && !parse_u64_arg (seed_text, &seed)) ||
      (from_text && !parse_u64_arg (from_text, &from)) ||
      (to_text && !parse_u64_arg (to_text, &to)) ||
      (tear_seed_text && !parse_u64_arg (tear_seed_text, &c.tear_seed)))
    return usage_error ("powercut-campaign", "--every, --sample, --seed, --tear-seed, --from and --to take non-negative integers (--every and --sample from 1)");
  if (every && sample)
    return usage_error ("powercut-campaign", "--every and --sample exclude each other");
  if (depth_text && (!parse_u64_arg (depth_text, &depth) || depth < 1 || depth > 2))
    return usage_error ("powercut-campaign", "--depth takes 1 or 2");
  if (depth == 2 && !window_text)
    return usage_error ("powercut-campaign", "--depth 2 needs --window A:B: the first cuts whose recovery is cut again");
  if (window_text && depth != 2)
    return usage_error ("powercut-campaign", "--window goes with --depth 2");
  if (window_text && (from_text || to_text))
    return usage_error ("powercut-campaign", "--window A:B sets the first cuts: no --from or --to");
  if (window_text && !parse_window (window_text, &window_from, &window_to))
    return usage_error ("powercut-campaign", "--window takes A:B, operations from 1 with A <= B");
  if (jobs_text && (!parse_u64_arg (jobs_text, &jobs) || jobs < 1 || jobs > 1024))
    return usage_error ("powercut-campaign", "--jobs takes a number from 1 to 1024");
  if (shard_text && !parse_shard (shard_text, &c.shard_index, &c.shard_count))
    return usage_error ("powercut-campaign", "--shard takes K/N with 0 <= K < N");
  if (progress_text)
    {
      guint64 seconds;

      if (!g_ascii_string_to_unsigned (progress_text, 10, 0, 86400, &seconds, NULL))
        return usage_error ("powercut-campaign", "--progress takes seconds (0: none)");
      progress_every = seconds;
    }
  c.coverage.every = every;
  c.coverage.sample = sample;
  c.coverage.sample_seed = seed;
  c.coverage.from = window_text ? window_from : from;
  c.coverage.to = window_text ? window_to : to;
  c.coverage.all_ops = all_ops;
  c.coverage.clean = !cut_text || g_str_equal (cut_text, "both") || g_str_equal (cut_text, "clean");
  c.coverage.torn = 1u << FM_TORN_SEEDED;
  if (cut_text && !g_str_equal (cut_text, "both") && !g_str_equal (cut_text, "clean") &&
      !g_str_equal (cut_text, "torn"))
    return usage_error ("powercut-campaign", "--cut takes both, torn or clean");
  if (cut_text && g_str_equal (cut_text, "clean"))
    {
      if (torn_text)
        return usage_error ("powercut-campaign", "--torn goes with torn cuts: not with --cut clean");
      c.coverage.torn = 0;
    }
  if (torn_text && !parse_torn (torn_text, &c.coverage.torn, &error))
    return usage_error ("powercut-campaign", error ? error->message : "--torn takes seeded, all or a list of variants");
  /* The second level: every point of each recovery, as the first level's
   * coverage says, but for the window. */
  c.second_coverage = c.coverage;
  c.second_coverage.from = c.second_coverage.to = 0;
  c.depth = depth;
  c.check = check;
  c.journal_path = journal_path;
  c.base_path = base_path;
  c.keep_failed = keep_failed;
  c.progress_every = progress_every;
  c.results = g_ptr_array_new_with_free_func ((GDestroyNotify) cut_result_free);
  c.report = campaign_report_new ();
  g_queue_init (&c.ready);

  if (!fm_file_digest (journal_path, digest, &error))
    goto out;
  journal_hex = fm_digest_to_hex (digest);
  fm_cut_id_short_digest (digest, c.journal_id);
  reader = fm_journal_reader_open (journal_path, &error);
  if (!reader)
    goto out;
  desc = fm_chip_desc_lookup (fm_journal_reader_info (reader)->chip_name, &error);
  if (!desc || !fm_journal_info_check_chip (fm_journal_reader_info (reader), desc, &error))
    goto out;
  c.desc = desc;
  plan = fm_campaign_plan_new (reader, desc, &c.coverage);
  report_journal_end (journal_path, reader, plan->records);
  if (!plan->points->len)
    {
      g_set_error (&error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "no operation of %s is eligible as a cut point (%" G_GUINT64_FORMAT " valid records)",
                   journal_path, plan->records);
      goto out;
    }
  {
    guint64 op_index = 0;

    for (guint k = 0; k < plan->points->len; k++)
      {
        if (k && g_array_index (plan->points, FmCutPoint, k).seq !=
                 g_array_index (plan->points, FmCutPoint, k - 1).seq)
          op_index++;
        c.planned += campaign_owns (&c, op_index);
      }
  }
  c.first_cuts_planned = c.depth > 1 ? c.planned : 0;
  campaign_report_set_campaign (c.report, campaign_identity (&c, journal_hex,
                                                             fm_journal_reader_info (reader), plan));
  if (csv_path)
    {
      c.csv = fopen (csv_path, "w");
      if (!c.csv)
        {
          g_set_error (&error, FM_ERROR, FM_ERROR_IO, "%s: %s", csv_path, g_strerror (errno));
          goto out;
        }
      fprintf (c.csv, "op,cut,operation,result,id\n");
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
  /* The base, read-only: the cut images are overlays on it. Without
   * --base, a fresh image under a name of this run's own: a file of the
   * user's in --work-dir (their base, say) is never replaced. */
  if (!base_path)
    fresh_path = g_strdup_printf ("%s/fresh-base-%d.img", c.work_dir, (int) getpid ());
  base = open_journal_base (base_path, desc, fm_journal_reader_info (reader), fresh_path, &error);
  if (!base)
    goto out;
  made_fresh = !base_path;
  c.n_jobs = jobs;

  g_print ("TAP version 13\n");
  if (c.depth == 1)
    g_print ("1..%" G_GUINT64_FORMAT "\n", c.planned);
  {
    GString *cuts = g_string_new (c.coverage.clean ? "clean" : "");

    for (guint v = 0; v < FM_TORN_N_VARIANTS; v++)
      if (c.coverage.torn & (1u << v))
        {
          FmCut cut = { FM_CUT_TORN, v };

          g_string_append_printf (cuts, "%s%s", cuts->len ? ", " : "", fm_cut_to_string (&cut));
        }
    g_print ("# %s: %u cut point%s (%s) at %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
             " eligible of %" G_GUINT64_FORMAT " operations on %s; ID %s@...%s\n",
             journal_path, plan->points->len, plan->points->len == 1 ? "" : "s", cuts->str,
             plan->chosen, plan->eligible, plan->records, desc->name, c.journal_id,
             c.depth > 1 ? "; depth 2: each recovery cut again" : "");
    if (c.shard_count)
      g_print ("# shard %u/%u: %" G_GUINT64_FORMAT " of the cut points\n", c.shard_index,
               c.shard_count, c.planned);
    g_string_free (cuts, TRUE);
  }
  fflush (stdout);
  c.start_us = c.last_progress_us = g_get_monotonic_time ();
  c.report->started = g_date_time_format_iso8601 (started);
  if (!campaign_run (&c, base, reader, plan, &error))
    goto out;
  {
    gdouble total_s = (g_get_monotonic_time () - c.start_us) / 1e6;

    if (c.depth > 1)
      g_print ("1..%u\n", c.tap_number);
    campaign_progress (&c, TRUE);
    /* Checks end in any order: the report lists in campaign order. */
    campaign_report_sort (c.report);
    print_summary (&c, plan, total_s);
    c.report->shard_index = c.shard_index;
    c.report->shard_count = c.shard_count;
    c.report->jobs = jobs;
    c.report->cut_making_s = c.cut_making_s;
    c.report->checking_s = c.checking_s;
    c.report->total_s = total_s;
    c.report->host = g_strdup (g_get_host_name ());
    c.report->work_dir = g_strdup (c.work_dir);
    if (report_path && !campaign_report_write (c.report, report_path, &error))
      goto out;
  }
  status = c.report->total.failed ? EXIT_FAILURE : EXIT_SUCCESS;

out:
  if (error)
    print_error (error);
  g_clear_pointer (&base, fm_image_close);
  if (made_fresh)
    g_unlink (fresh_path);
  for (guint i = 0; c.results && i < c.results->len; i++)
    {
      CutResult *r = c.results->pdata[i];

      /* After an error: what a first cut left for its second level. */
      if (r->first_image)
        g_unlink (r->first_image);
      if (r->recovery_path && !r->subtree_failed)
        g_unlink (r->recovery_path);
    }
  /* A directory made here goes unless it keeps failed images or the
   * recovery journals of failed second-level cuts. */
  if (made_dir && g_rmdir (c.work_dir) != 0 && !error)
    g_print ("# kept in %s: the failed images and recovery journals named above\n", c.work_dir);
  if (c.csv)
    fclose (c.csv);
  g_clear_pointer (&c.results, g_ptr_array_unref);
  g_clear_pointer (&c.report, campaign_report_free);
  g_free (c.work_dir);
  if (c.interrupted_by)
    {
      /* Cleaned up: now the signal ends the tool, as it would have. */
      signal (c.interrupted_by, SIG_DFL);
      raise (c.interrupted_by);
    }
  return status;
}
