/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A power-cut campaign run: cuts made, checks started, results in order. */
#include "campaign-run.h"
#include "commands.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

/* The end of a failed check's output kept: lines and bytes. */
#define OUTPUT_TAIL_LINES 12
#define OUTPUT_TAIL_BYTES 4096

void
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
  /* The walk borrows the first image. */
  g_clear_pointer (&r->second_walk, fm_campaign_walk_free);
  g_clear_pointer (&r->recovery, fm_journal_reader_free);
  g_clear_pointer (&r->first, fm_image_close);
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

gchar *
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
cut_id_text (const Campaign *c, const FmCutPoint *point)
{
  FmCutId id = { .depth = 1, .tear_seed = c->tear_seed };

  memcpy (id.level[0].journal, c->journal_id, sizeof id.level[0].journal);
  id.level[0].point = *point;
  return fm_cut_id_to_string (&id);
}

/* The check's environment for cut R at PATH. */
gchar **
check_environment (const Campaign *c, const CutResult *r, const gchar *path)
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

gchar *
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
void
campaign_progress (Campaign *c, gboolean force)
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
  campaign_progress (user_data, FALSE);
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

/* The second level of a first cut is over: its cut images, the walk they
 * are overlays on and the first image go; its recovery journal is kept if
 * a second cut failed, since rebuilding that cut needs it. */
static void
finish_subtree (Campaign *c, CutResult *r)
{
  if (!r->subtree_walked || r->subtree_pending || r->subtree_done)
    return;
  r->subtree_done = TRUE;
  c->first_cuts_done++;
  g_clear_pointer (&r->second_walk, fm_campaign_walk_free);
  g_clear_pointer (&r->recovery, fm_journal_reader_free);
  g_clear_pointer (&r->first, fm_image_close);
  if (r->first_image)
    g_unlink (r->first_image);
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
          g_autoptr (FmImage) cut = fm_image_open (image, c->desc, TRUE, NULL);

          /* An ID in a file name: '/' separates the levels. Standalone:
           * the prefixes the overlay stands on go with the campaign. */
          g_strdelimit (name, "/", '_');
          r->kept_image = g_strdup_printf ("%s/cut-%s.img", c->work_dir, name);
          g_unlink (r->kept_image);
          if (!cut || !fm_image_flatten_to (cut, r->kept_image, NULL))
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
  campaign_progress (c, FALSE);
}

/* ---- interruption -------------------------------------------------------- */

/* SIGINT, SIGTERM and SIGHUP stop the campaign between two cuts: the
 * checks running are stopped (SIGTERM to their process groups; SIGKILL
 * when the signal comes again), the cut images removed, and then the
 * signal ends the tool as it would have (cmd-campaign.c). */
static void
stop (Campaign *c, int sig)
{
  if (c->jobs)
    check_jobs_signal (c->jobs, c->interrupted_by ? SIGKILL : SIGTERM);
  if (!c->interrupted_by)
    c->interrupted_by = sig;
}

static gboolean
on_sigint (gpointer c)
{
  stop (c, SIGINT);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (gpointer c)
{
  stop (c, SIGTERM);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sighup (gpointer c)
{
  stop (c, SIGHUP);
  return G_SOURCE_CONTINUE;
}

static const struct {
  int sig;
  GSourceFunc handler;
} stop_signals[] = { { SIGINT, on_sigint }, { SIGTERM, on_sigterm }, { SIGHUP, on_sighup } };

/* FALSE, with the error, once a stop signal came. */
static gboolean
not_interrupted (Campaign *c, GError **error)
{
  if (!c->interrupted_by)
    return TRUE;
  g_set_error (error, FM_ERROR, FM_ERROR_IO, "interrupted by %s", g_strsignal (c->interrupted_by));
  return FALSE;
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

  if (!not_interrupted (c, error))
    return FALSE;
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
  g_autoptr (FmCampaignPlan) plan = NULL;
  FmJournalReader *reader;
  FmCampaignWalk *walk;
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
      r->subtree_walked = TRUE;
      finish_subtree (c, r);
      return TRUE;
    }
  if (!fm_file_digest (r->recovery_path, digest, error))
    return FALSE;
  fm_cut_id_short_digest (digest, recovery_id);
  reader = r->recovery = fm_journal_reader_open (r->recovery_path, error);
  if (!reader)
    return FALSE;
  r->first = fm_image_open (r->first_image, c->desc, TRUE, error);
  if (!r->first)
    return FALSE;
  if (!fm_replay_check_base (r->first, c->desc, fm_journal_reader_info (reader), error))
    {
      g_prefix_error (error, "%s: the recovery journal the check recorded (%s) does not start "
                      "from the image it was given: ", r->id_text, r->recovery_path);
      return FALSE;
    }
  plan = fm_campaign_plan_new (reader, c->desc, &c->second_coverage);
  report_journal_end (r->recovery_path, reader, plan->records);
  c->report->recoveries++;
  /* Kept until the second level's checks end (finish_subtree()). */
  walk = r->second_walk = fm_campaign_walk_new (r->first, c->desc, reader, c->tear_seed,
                                                c->work_dir, error);
  if (!walk)
    return FALSE;
  c->cut_making_s += (g_get_monotonic_time () - t0) / 1e6;
  for (guint k = 0; k < plan->points->len; k++)
    {
      const FmCutPoint *p = &g_array_index (plan->points, FmCutPoint, k);
      CutResult *child;
      guint64 same;

      t0 = g_get_monotonic_time ();
      check_jobs_poll (c->jobs, FALSE);
      if (!not_interrupted (c, error) || !fm_campaign_walk_to (walk, p->seq, error))
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
gboolean
campaign_owns (const Campaign *c, guint64 op_index)
{
  return !c->shard_count || op_index % c->shard_count == c->shard_index;
}

static void
stop_watching (Campaign *c, guint progress_source)
{
  g_source_remove (progress_source);
  for (guint i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    g_source_remove (c->signal_sources[i]);
  c->jobs = NULL;
}

gboolean
campaign_run (Campaign *c, FmImage *base, FmJournalReader *reader, FmCampaignPlan *plan,
              GError **error)
{
  g_autoptr (FmCampaignWalk) walk = fm_campaign_walk_new (base, c->desc, reader, c->tear_seed,
                                                          c->work_dir, error);
  g_autoptr (CheckJobs) jobs = NULL;
  guint64 op_index = 0;
  guint source;

  if (!walk)
    return FALSE;
  jobs = check_jobs_new (c->n_jobs, c->work_dir, on_check_end, c);
  c->jobs = jobs;
  source = g_timeout_add (250, progress_tick, c);
  for (guint i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    c->signal_sources[i] = g_unix_signal_add (stop_signals[i].sig, stop_signals[i].handler, c);
  for (guint k = 0; k < plan->points->len; k++)
    {
      const FmCutPoint *p = &g_array_index (plan->points, FmCutPoint, k);
      gint64 t0 = g_get_monotonic_time ();
      CutResult *r;
      guint64 same;
      gboolean dup;

      if (k && p->seq != g_array_index (plan->points, FmCutPoint, k - 1).seq)
        op_index++;
      /* Checks that ended, a signal that came, while cuts were made. */
      check_jobs_poll (c->jobs, FALSE);
      if (!not_interrupted (c, error) || !walk_ready_second_levels (c, error))
        goto fail;
      if (!fm_campaign_walk_to (walk, p->seq, error))
        goto fail;
      c->cut_making_s += (g_get_monotonic_time () - t0) / 1e6;
      /* Every point is remembered, this shard's or not, so that every
       * shard finds the same duplicates as a whole run. */
      dup = fm_campaign_walk_duplicate (walk, &p->cut, k, &same);
      if (!campaign_owns (c, op_index))
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
      campaign_progress (c, FALSE);
    }
  /* The rest: checks still running, second levels still to cut. */
  while (check_jobs_running (c->jobs) || !g_queue_is_empty (&c->ready))
    {
      if (!not_interrupted (c, error) || !walk_ready_second_levels (c, error))
        goto fail;
      if (check_jobs_running (c->jobs))
        check_jobs_poll (c->jobs, TRUE);
    }
  if (!not_interrupted (c, error))
    goto fail;
  stop_watching (c, source);
  print_ready (c);
  return TRUE;

fail:
  /* Let the checks that run end before the images go. */
  while (check_jobs_running (c->jobs))
    check_jobs_poll (c->jobs, TRUE);
  stop_watching (c, source);
  return FALSE;
}
