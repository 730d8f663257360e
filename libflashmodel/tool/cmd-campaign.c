/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel powercut-campaign: a journal recorded once, a power cut at
 * many of its operations, and a check (mount the file system, compare the
 * files) on the image each cut leaves; at depth 2, a cut again in the
 * recovery each first cut's check recorded. fm-campaign.h chooses the
 * cut points and makes the images, campaign-jobs.h runs the checks N at a
 * time, campaign-report.h writes and merges the JSON report. This file
 * ties them together: options, shards, the check's environment, TAP
 * output in campaign order, progress, --reproduce and merge.
 */
#include "tool-common.h"
#include "commands.h"
#include "campaign-jobs.h"
#include "campaign-report.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The end of a failed check's output kept: lines and bytes. */
#define OUTPUT_TAIL_LINES 12
#define OUTPUT_TAIL_BYTES 4096
/* Failed IDs the summary line names. */
#define SUMMARY_IDS 20

typedef enum {
  CUT_PENDING,
  CUT_PASSED,
  CUT_FAILED,
  CUT_DUPLICATE,
} CutOutcome;

/* One cut of the campaign this run checks, and what became of it. */
typedef struct CutResult CutResult;
struct CutResult {
  FmCutId id;
  gchar *id_text;
  FmNandOp op;
  gchar *what;              /* "program of block 3 page 7" */
  CutResult *parent;        /* a second-level cut: its first cut */
  CutOutcome outcome;
  gchar *same_as;           /* a duplicate: the ID of the image it repeats */
  gchar *status, *output;   /* a failure: why, and the end of the check's output */
  gchar *kept_image;        /* --keep-failed */
  gdouble seconds;
  gboolean printed;
  /* A first cut of a depth-2 campaign: its check records its run. */
  gboolean records;
  gchar *recovery_path;     /* $FM_CUT_RECORD */
  gchar *first_image;       /* the cut image as made, for the second level */
  gboolean subtree_walked, subtree_done;
  guint subtree_pending, subtree_failed;
  GPtrArray *children;      /* CutResult, campaign order */
  guint printed_children;
};

typedef struct {
  /* what to do */
  gchar *check;
  const gchar *journal_path, *base_path;
  FmCoverage coverage, second_coverage;
  guint64 tear_seed;
  guint depth;
  guint shard_index, shard_count; /* count 0: the whole campaign */
  gboolean keep_failed;
  gdouble progress_every;
  /* the journal */
  const FmChipDesc *desc;
  gchar journal_id[FM_CUT_ID_DIGEST_CHARS + 1];
  gchar *work_dir;
  /* the run */
  CheckJobs *jobs;
  GPtrArray *results;      /* first-level CutResult of this run, campaign order */
  guint print_cursor, tap_number;
  GQueue ready;            /* first cuts whose check ended: their second level to cut */
  CampaignReport *report;
  FILE *csv;
  guint64 planned, done, first_cuts_done;
  guint64 first_cuts_planned;
  gint64 start_us, last_progress_us;
  gdouble cut_making_s, checking_s;
} Campaign;

static void
cut_result_free (CutResult *r)
{
  if (!r)
    return;
  g_free (r->id_text);
  g_free (r->what);
  g_free (r->same_as);
  g_free (r->status);
  g_free (r->output);
  g_free (r->kept_image);
  g_free (r->recovery_path);
  g_free (r->first_image);
  g_clear_pointer (&r->children, g_ptr_array_unref);
  g_free (r);
}

/* ---- describing cuts ----------------------------------------------------- */

/* "operation 1234 torn" and "operation 1234 torn (somebits)": the shape
 * TAP lines have always had, clean meaning just before the operation. */
static gchar *
describe_cut (const FmCutPoint *p)
{
  if (p->cut.kind == FM_CUT_TORN && p->cut.variant != FM_TORN_SEEDED)
    return g_strdup_printf ("operation %" G_GUINT64_FORMAT " torn (%s)", p->seq,
                            fm_torn_variant_to_string (p->cut.variant));
  return g_strdup_printf ("operation %" G_GUINT64_FORMAT " %s", p->seq,
                          fm_cut_kind_to_string (p->cut.kind));
}

static gchar *
describe_result (const CutResult *r)
{
  g_autofree gchar *cut = describe_cut (&r->id.level[r->id.depth - 1].point);

  if (r->parent)
    {
      g_autofree gchar *first = describe_cut (&r->parent->id.level[0].point);

      return g_strdup_printf ("%s, %s, then recovery %s, %s", first, r->parent->what, cut, r->what);
    }
  return g_strdup_printf ("%s, %s", cut, r->what);
}

static gchar *
cut_id_text (Campaign *c, const FmCutPoint *point)
{
  FmCutId id = { .depth = 1, .tear_seed = c->tear_seed };

  memcpy (id.level[0].journal, c->journal_id, sizeof id.level[0].journal);
  id.level[0].point = *point;
  return fm_cut_id_to_string (&id);
}

/* The check's environment for cut R at PATH. */
static gchar **
check_environment (Campaign *c, const CutResult *r, const gchar *path)
{
  const FmCutPoint *p = &r->id.level[r->id.depth - 1].point;
  gchar **env = g_get_environ ();
  gchar num[32];

  env = g_environ_setenv (env, "FM_CUT_IMAGE", path, TRUE);
  env = g_environ_setenv (env, "FM_CUT_ID", r->id_text, TRUE);
  g_snprintf (num, sizeof num, "%u", r->id.depth);
  env = g_environ_setenv (env, "FM_CUT_DEPTH", num, TRUE);
  g_snprintf (num, sizeof num, "%" G_GUINT64_FORMAT, p->seq);
  env = g_environ_setenv (env, "FM_CUT_OP", num, TRUE);
  env = g_environ_setenv (env, "FM_CUT", fm_cut_to_string (&p->cut), TRUE);
  env = g_environ_setenv (env, "FM_CUT_KIND", fm_cut_kind_to_string (p->cut.kind), TRUE);
  env = g_environ_setenv (env, "FM_CUT_VARIANT", p->cut.kind == FM_CUT_TORN
                          ? fm_torn_variant_to_string (p->cut.variant) : "", TRUE);
  env = g_environ_setenv (env, "FM_CUT_WHAT", r->what, TRUE);
  env = g_environ_setenv (env, "FM_CHIP", c->desc->name, TRUE);
  if (r->parent)
    {
      g_snprintf (num, sizeof num, "%" G_GUINT64_FORMAT, r->parent->id.level[0].point.seq);
      env = g_environ_setenv (env, "FM_CUT_FIRST_OP", num, TRUE);
      env = g_environ_setenv (env, "FM_CUT_FIRST", fm_cut_to_string (&r->parent->id.level[0].point.cut), TRUE);
      env = g_environ_setenv (env, "FM_CUT_FIRST_WHAT", r->parent->what, TRUE);
    }
  else
    {
      env = g_environ_unsetenv (env, "FM_CUT_FIRST_OP");
      env = g_environ_unsetenv (env, "FM_CUT_FIRST");
      env = g_environ_unsetenv (env, "FM_CUT_FIRST_WHAT");
    }
  if (r->records)
    env = g_environ_setenv (env, "FM_CUT_RECORD", r->recovery_path, TRUE);
  else
    env = g_environ_unsetenv (env, "FM_CUT_RECORD");
  return env;
}

static gchar *
check_command (const gchar *check, const gchar *path)
{
  GString *cmd = g_string_new (check);

  g_string_replace (cmd, "{}", path, 0);
  return g_string_free (cmd, FALSE);
}

static gchar *
slot_image_path (Campaign *c, guint slot)
{
  return g_strdup_printf ("%s/cut-%u.img", c->work_dir, slot);
}

/* ---- progress ------------------------------------------------------------ */

static gchar *
format_duration (gdouble s)
{
  guint64 t = s + 0.5;

  if (t >= 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "h%02" G_GUINT64_FORMAT "m", t / 3600, t / 60 % 60);
  if (t >= 60)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "m%02" G_GUINT64_FORMAT "s", t / 60, t % 60);
  return g_strdup_printf ("%" G_GUINT64_FORMAT "s", t);
}

/* One line on stderr every PROGRESS_EVERY seconds: done/total, rate, ETA. */
static void
progress (Campaign *c, gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  gdouble elapsed = (now - c->start_us) / 1e6;
  gdouble rate = elapsed > 0 ? c->done / elapsed : 0;
  g_autofree gchar *eta = NULL;

  if (c->progress_every <= 0 || (!force && now - c->last_progress_us < c->progress_every * 1e6))
    return;
  c->last_progress_us = now;
  if (c->depth == 1)
    {
      eta = rate > 0 ? format_duration ((c->planned - c->done) / rate) : g_strdup ("?");
      g_printerr ("flashmodel powercut-campaign: %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                  " cut points (%.1f%%), %u failed, %.1f per minute, ETA %s\n",
                  c->done, c->planned, c->planned ? 100.0 * c->done / c->planned : 100.0,
                  c->report->failures->len, rate * 60, eta);
    }
  else
    g_printerr ("flashmodel powercut-campaign: %" G_GUINT64_FORMAT " cut points, %" G_GUINT64_FORMAT
                "/%" G_GUINT64_FORMAT " first cuts with their second level, %u failed, %.1f per minute\n",
                c->done, c->first_cuts_done, c->first_cuts_planned, c->report->failures->len,
                rate * 60);
}

static gboolean
progress_tick (gpointer user_data)
{
  progress (user_data, FALSE);
  return G_SOURCE_CONTINUE;
}

/* ---- results, in campaign order ------------------------------------------ */

static void
print_result (Campaign *c, CutResult *r)
{
  g_autofree gchar *desc = describe_result (r);

  r->printed = TRUE;
  c->tap_number++;
  if (r->outcome == CUT_DUPLICATE)
    g_print ("ok %u - %s # SKIP the image of %s\n", c->tap_number, desc, r->same_as);
  else
    g_print ("%s %u - %s (%.2f s)%s%s\n", r->outcome == CUT_PASSED ? "ok" : "not ok", c->tap_number,
             desc, r->seconds, r->outcome == CUT_FAILED ? ": " : "",
             r->outcome == CUT_FAILED ? r->status : "");
  if (r->outcome == CUT_FAILED)
    {
      g_auto (GStrv) lines = g_strsplit (r->output, "\n", -1);
      g_autofree gchar *quoted = g_shell_quote (c->check);
      g_autofree gchar *journal = g_shell_quote (c->journal_path);
      g_autofree gchar *base = c->base_path ? g_shell_quote (c->base_path) : NULL;

      /* The end of the check's output says why; as TAP comments. */
      for (guint i = 0; lines[i]; i++)
        if (*lines[i])
          g_print ("#   %s\n", lines[i]);
      g_print ("#   ID %s\n", r->id_text);
      if (r->kept_image)
        g_print ("#   image kept: %s\n", r->kept_image);
      g_print ("#   rerun: flashmodel powercut-campaign --reproduce %s --journal %s%s%s", r->id_text,
               journal, base ? " --base " : "", base ? base : "");
      if (r->parent)
        {
          g_autofree gchar *name = recovery_journal_name (&r->id);
          g_autofree gchar *path = g_build_filename (c->work_dir, name, NULL);
          g_autofree gchar *qpath = g_shell_quote (path);

          g_print (" --recovery %s", qpath);
        }
      g_print (" --check %s\n", quoted);
    }
  if (c->csv)
    fprintf (c->csv, "%" G_GUINT64_FORMAT ",%s,%s,%s,%s\n", r->id.level[r->id.depth - 1].point.seq,
             fm_cut_to_string (&r->id.level[r->id.depth - 1].point.cut), r->what,
             r->outcome == CUT_FAILED ? "fail" : r->outcome == CUT_DUPLICATE ? "duplicate" : "pass",
             r->id_text);
}

/* Prints every result whose turn has come: campaign order, whatever the
 * order in which checks end. A first cut's second level follows it. */
static void
print_ready (Campaign *c)
{
  while (c->print_cursor < c->results->len)
    {
      CutResult *r = c->results->pdata[c->print_cursor];

      if (!r->printed)
        {
          if (r->outcome == CUT_PENDING)
            break;
          print_result (c, r);
        }
      if (r->records)
        {
          while (r->children && r->printed_children < r->children->len)
            {
              CutResult *child = r->children->pdata[r->printed_children];

              if (child->outcome == CUT_PENDING)
                break;
              print_result (c, child);
              r->printed_children++;
            }
          if (!r->subtree_done || r->printed_children < (r->children ? r->children->len : 0))
            break;
        }
      c->print_cursor++;
    }
  fflush (stdout);
}

static ReportFailure *
failure_of (const CutResult *r)
{
  ReportFailure *f = g_new0 (ReportFailure, 1);

  f->id = g_strdup (r->id_text);
  f->parsed = r->id;
  f->what = g_strdup (r->what);
  f->status = g_strdup (r->status);
  f->output = g_strdup (r->output);
  if (r->parent)
    {
      f->first_what = g_strdup (r->parent->what);
      f->recovery = recovery_journal_name (&r->id);
    }
  return f;
}

/* The second level of a first cut is over: its recovery journal is kept
 * if a second cut failed, since rebuilding that cut needs it. */
static void
finish_subtree (Campaign *c, CutResult *r)
{
  if (!r->subtree_walked || r->subtree_pending || r->subtree_done)
    return;
  r->subtree_done = TRUE;
  c->first_cuts_done++;
  if (!r->subtree_failed && r->recovery_path)
    g_unlink (r->recovery_path);
}

static void
on_check_end (gpointer user_data, gpointer tag, guint slot, const CheckEnd *end)
{
  Campaign *c = user_data;
  CutResult *r = tag;
  g_autofree gchar *image = slot_image_path (c, slot);

  r->seconds = end->seconds;
  c->checking_s += end->seconds;
  c->done++;
  r->outcome = end->passed ? CUT_PASSED : CUT_FAILED;
  if (!end->passed)
    {
      r->status = g_strdup (end->status);
      r->output = read_output_tail (end->output_path, OUTPUT_TAIL_LINES, OUTPUT_TAIL_BYTES);
      if (c->keep_failed)
        {
          g_autofree gchar *name = g_strdup (r->id_text);

          /* An ID in a file name: '/' separates the levels. */
          g_strdelimit (name, "/", '_');
          r->kept_image = g_strdup_printf ("%s/cut-%s.img", c->work_dir, name);
          if (g_rename (image, r->kept_image) != 0)
            g_clear_pointer (&r->kept_image, g_free);
        }
    }
  g_unlink (image);
  campaign_report_add_checked (c->report, &r->id, r->op, end->passed ? NULL : failure_of (r));
  if (r->parent)
    {
      r->parent->subtree_pending--;
      r->parent->subtree_failed += !end->passed;
      finish_subtree (c, r->parent);
    }
  if (r->records)
    g_queue_push_tail (&c->ready, r);
  print_ready (c);
  progress (c, FALSE);
}

/* ---- making cuts and starting checks ------------------------------------- */

static gboolean
start_check (Campaign *c, FmCampaignWalk *walk, CutResult *r, GError **error)
{
  guint slot = check_jobs_free_slot (c->jobs);
  g_autofree gchar *path = slot_image_path (c, slot);
  g_autofree gchar *cmd = check_command (c->check, path);
  g_auto (GStrv) env = NULL;
  const FmCut *cut = &r->id.level[r->id.depth - 1].point.cut;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok;

  ok = fm_campaign_walk_make_cut (walk, cut, path, error);
  if (ok && r->records)
    {
      /* The image as made, before the check changes it: the base of the
       * recovery journal the check records. */
      g_unlink (r->recovery_path);
      ok = fm_campaign_walk_make_cut (walk, cut, r->first_image, error);
    }
  c->cut_making_s += (g_get_monotonic_time () - t0) / 1e6;
  if (!ok)
    {
      g_unlink (path);
      return FALSE;
    }
  env = check_environment (c, r, path);
  if (!check_jobs_start (c->jobs, slot, cmd, env, r, error))
    {
      g_prefix_error (error, "--check: ");
      g_unlink (path);
      return FALSE;
    }
  return TRUE;
}

static CutResult *
new_result (Campaign *c, CutResult *parent, const gchar *recovery_id, const FmCutPoint *point,
            const FmJournalRecord *rec)
{
  CutResult *r = g_new0 (CutResult, 1);

  r->parent = parent;
  r->op = rec->op;
  r->what = describe_record (rec, c->desc->pages_per_block);
  r->id.tear_seed = c->tear_seed;
  if (parent)
    {
      r->id.depth = 2;
      r->id.level[0] = parent->id.level[0];
      memcpy (r->id.level[1].journal, recovery_id, FM_CUT_ID_DIGEST_CHARS + 1);
      r->id.level[1].point = *point;
    }
  else
    {
      r->id.depth = 1;
      memcpy (r->id.level[0].journal, c->journal_id, FM_CUT_ID_DIGEST_CHARS + 1);
      r->id.level[0].point = *point;
    }
  r->id_text = fm_cut_id_to_string (&r->id);
  return r;
}

static void
mark_duplicate (Campaign *c, CutResult *r, gchar *same_as)
{
  ReportDuplicate *d = g_new0 (ReportDuplicate, 1);

  r->outcome = CUT_DUPLICATE;
  r->same_as = same_as;
  d->id = g_strdup (r->id_text);
  d->parsed = r->id;
  d->same_as = g_strdup (same_as);
  campaign_report_add_duplicate (c->report, d);
  c->done++;
}

/* The second level of first cut R: its check recorded the recovery in
 * R->recovery_path, from R->first_image; cut it at each of its points. */
static gboolean
walk_second_level (Campaign *c, CutResult *r, GError **error)
{
  g_autoptr (FmJournalReader) reader = NULL;
  g_autoptr (FmImage) first = NULL;
  g_autoptr (FmCampaignWalk) walk = NULL;
  g_autoptr (FmCampaignPlan) plan = NULL;
  guint8 digest[FM_DIGEST_SIZE];
  gchar recovery_id[FM_CUT_ID_DIGEST_CHARS + 1];
  gint64 t0 = g_get_monotonic_time ();

  r->children = g_ptr_array_new_with_free_func ((GDestroyNotify) cut_result_free);
  if (!g_file_test (r->recovery_path, G_FILE_TEST_EXISTS))
    {
      if (r->outcome == CUT_PASSED)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                       "the check passed %s without recording its run in $FM_CUT_RECORD (%s): "
                       "at depth 2 it must serve the image with 'muse-chip --record \"$FM_CUT_RECORD\"'",
                       r->id_text, r->recovery_path);
          return FALSE;
        }
      /* The check failed before it recorded anything: no second level. */
      c->report->no_recovery++;
      g_unlink (r->first_image);
      r->subtree_walked = TRUE;
      finish_subtree (c, r);
      return TRUE;
    }
  if (!fm_file_digest (r->recovery_path, digest, error))
    return FALSE;
  fm_cut_id_short_digest (digest, recovery_id);
  reader = fm_journal_reader_open (r->recovery_path, error);
  if (!reader)
    return FALSE;
  first = fm_image_open (r->first_image, c->desc, FALSE, error);
  if (!first)
    return FALSE;
  if (!fm_replay_check_base (first, c->desc, fm_journal_reader_info (reader), error))
    {
      g_prefix_error (error, "%s: the recovery journal the check recorded (%s) does not start "
                      "from the image it was given: ", r->id_text, r->recovery_path);
      return FALSE;
    }
  plan = fm_campaign_plan_new (reader, c->desc, &c->second_coverage);
  report_journal_end (r->recovery_path, reader, plan->records);
  c->report->recoveries++;
  walk = fm_campaign_walk_new (first, c->desc, reader, c->tear_seed);
  c->cut_making_s += (g_get_monotonic_time () - t0) / 1e6;
  for (guint k = 0; k < plan->points->len; k++)
    {
      const FmCutPoint *p = &g_array_index (plan->points, FmCutPoint, k);
      CutResult *child;
      guint64 same;

      t0 = g_get_monotonic_time ();
      if (!fm_campaign_walk_to (walk, p->seq, error))
        return FALSE;
      c->cut_making_s += (g_get_monotonic_time () - t0) / 1e6;
      child = new_result (c, r, recovery_id, p, fm_campaign_walk_record (walk));
      g_ptr_array_add (r->children, child);
      if (fm_campaign_walk_duplicate (walk, &p->cut, k, &same))
        {
          mark_duplicate (c, child, g_strdup (((CutResult *) r->children->pdata[same])->id_text));
          continue;
        }
      r->subtree_pending++;
      if (!start_check (c, walk, child, error))
        return FALSE;
    }
  g_clear_pointer (&walk, fm_campaign_walk_free);
  g_clear_pointer (&first, fm_image_close);
  g_unlink (r->first_image);
  r->subtree_walked = TRUE;
  finish_subtree (c, r);
  print_ready (c);
  return TRUE;
}

static gboolean
walk_ready_second_levels (Campaign *c, GError **error)
{
  CutResult *r;

  while ((r = g_queue_pop_head (&c->ready)))
    if (!walk_second_level (c, r, error))
      return FALSE;
  return TRUE;
}

/* The shard a first-level operation belongs to: operations are dealt out
 * in turn, so that each shard has its share of every part of the journal
 * and of every cut of an operation. */
static gboolean
owned (Campaign *c, guint64 op_index)
{
  return !c->shard_count || op_index % c->shard_count == c->shard_index;
}

static gboolean
run_campaign (Campaign *c, FmImage *work, FmJournalReader *reader, FmCampaignPlan *plan,
              GError **error)
{
  g_autoptr (FmCampaignWalk) walk = fm_campaign_walk_new (work, c->desc, reader, c->tear_seed);
  guint64 op_index = 0;
  guint source;

  source = g_timeout_add (250, progress_tick, c);
  for (guint k = 0; k < plan->points->len; k++)
    {
      const FmCutPoint *p = &g_array_index (plan->points, FmCutPoint, k);
      gint64 t0 = g_get_monotonic_time ();
      CutResult *r;
      guint64 same;
      gboolean dup;

      if (k && p->seq != g_array_index (plan->points, FmCutPoint, k - 1).seq)
        op_index++;
      if (!walk_ready_second_levels (c, error))
        goto fail;
      if (!fm_campaign_walk_to (walk, p->seq, error))
        goto fail;
      c->cut_making_s += (g_get_monotonic_time () - t0) / 1e6;
      /* Every point is remembered, this shard's or not, so that every
       * shard finds the same duplicates as a whole run. */
      dup = fm_campaign_walk_duplicate (walk, &p->cut, k, &same);
      if (!owned (c, op_index))
        continue;
      r = new_result (c, NULL, NULL, p, fm_campaign_walk_record (walk));
      g_ptr_array_add (c->results, r);
      if (dup)
        {
          mark_duplicate (c, r, cut_id_text (c, &g_array_index (plan->points, FmCutPoint, same)));
          /* The image's recovery is the one of the cut it repeats. */
          c->first_cuts_done += c->depth > 1;
          print_ready (c);
          continue;
        }
      if (c->depth > 1)
        {
          g_autofree gchar *name = recovery_journal_name (&r->id);
          g_autofree gchar *first = g_strdup_printf ("first-%s", name);

          r->records = TRUE;
          r->recovery_path = g_build_filename (c->work_dir, name, NULL);
          strcpy (strrchr (first, '.'), ".img");
          r->first_image = g_build_filename (c->work_dir, first, NULL);
        }
      if (!start_check (c, walk, r, error))
        goto fail;
      progress (c, FALSE);
    }
  /* The rest: checks still running, second levels still to cut. */
  while (check_jobs_running (c->jobs) || !g_queue_is_empty (&c->ready))
    {
      if (!walk_ready_second_levels (c, error))
        goto fail;
      if (check_jobs_running (c->jobs))
        check_jobs_poll (c->jobs, TRUE);
    }
  g_source_remove (source);
  print_ready (c);
  return TRUE;

fail:
  g_source_remove (source);
  /* Let the checks that run end before the images go. */
  while (check_jobs_running (c->jobs))
    check_jobs_poll (c->jobs, TRUE);
  return FALSE;
}

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
      n == 0 || n > 1000000 || k >= n)
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
  g_autoptr (FmImage) work = NULL;
  g_autoptr (FmCampaignPlan) plan = NULL;
  g_autofree gchar *work_path = NULL, *journal_hex = NULL;
  Campaign c = { 0 };
  guint64 every = 0, sample = 0, seed = 1, from = 0, to = 0, depth = 1, jobs = 1;
  guint64 window_from = 0, window_to = 0;
  gdouble progress_every = 10;
  guint8 digest[FM_DIGEST_SIZE];
  gboolean made_dir = FALSE;
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
        c.planned += owned (&c, op_index);
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
  work_path = g_build_filename (c.work_dir, "work.img", NULL);
  g_unlink (work_path);
  work = prepare_journal_base (base_path, desc, fm_journal_reader_info (reader), work_path, &error);
  if (!work)
    goto out;
  c.jobs = check_jobs_new (jobs, c.work_dir, on_check_end, &c);

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
  if (!run_campaign (&c, work, reader, plan, &error))
    goto out;
  {
    gdouble total_s = (g_get_monotonic_time () - c.start_us) / 1e6;

    if (c.depth > 1)
      g_print ("1..%u\n", c.tap_number);
    progress (&c, TRUE);
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
  g_clear_pointer (&c.jobs, check_jobs_free);
  g_clear_pointer (&work, fm_image_close);
  if (work_path)
    g_unlink (work_path);
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
  return status;
}
