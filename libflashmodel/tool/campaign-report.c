/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A campaign's JSON report: written, read back, and shards merged. */
#include "campaign-report.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

void
report_failure_free (ReportFailure *f)
{
  if (!f)
    return;
  g_free (f->id);
  g_free (f->what);
  g_free (f->first_what);
  g_free (f->status);
  g_free (f->output);
  g_free (f->recovery);
  g_free (f);
}

void
report_duplicate_free (ReportDuplicate *d)
{
  if (!d)
    return;
  g_free (d->id);
  g_free (d->same_as);
  g_free (d);
}

CampaignReport *
campaign_report_new (void)
{
  CampaignReport *r = g_new0 (CampaignReport, 1);

  r->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) report_failure_free);
  r->dups = g_ptr_array_new_with_free_func ((GDestroyNotify) report_duplicate_free);
  return r;
}

void
campaign_report_free (CampaignReport *r)
{
  if (!r)
    return;
  g_clear_pointer (&r->campaign, json_node_unref);
  g_free (r->campaign_id);
  g_ptr_array_unref (r->failures);
  g_ptr_array_unref (r->dups);
  g_clear_pointer (&r->merged_from, g_ptr_array_unref);
  g_free (r->host);
  g_free (r->started);
  g_free (r->work_dir);
  g_free (r);
}

static gchar *
compact_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

void
campaign_report_set_campaign (CampaignReport *r, JsonNode *campaign)
{
  g_autofree gchar *text = compact_json (campaign);
  g_autofree gchar *hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  g_clear_pointer (&r->campaign, json_node_unref);
  r->campaign = campaign;
  g_free (r->campaign_id);
  r->campaign_id = g_strndup (hex, 16);
}

static guint
cut_index (const FmCut *cut)
{
  return cut->kind == FM_CUT_CLEAN ? 0 : 1 + cut->variant;
}

static const gchar *
cut_index_name (guint i)
{
  FmCut cut = { i ? FM_CUT_TORN : FM_CUT_CLEAN, i ? i - 1 : FM_TORN_SEEDED };

  return fm_cut_to_string (&cut);
}

void
campaign_report_add_checked (CampaignReport *r, const FmCutId *id, FmNandOp op,
                             ReportFailure *failure)
{
  const FmCut *cut = &id->level[id->depth - 1].point.cut;
  guint failed = failure != NULL;

  r->total.checked++;
  r->total.failed += failed;
  r->by_cut[cut_index (cut)].checked++;
  r->by_cut[cut_index (cut)].failed += failed;
  r->by_op[op].checked++;
  r->by_op[op].failed += failed;
  r->by_depth[id->depth - 1].checked++;
  r->by_depth[id->depth - 1].failed += failed;
  if (failure)
    g_ptr_array_add (r->failures, failure);
}

void
campaign_report_add_duplicate (CampaignReport *r, ReportDuplicate *dup)
{
  r->duplicates++;
  g_ptr_array_add (r->dups, dup);
}

/* ---- writing ------------------------------------------------------------- */

static void
add_string (JsonBuilder *b, const gchar *key, const gchar *value)
{
  json_builder_set_member_name (b, key);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_uint (JsonBuilder *b, const gchar *key, guint64 value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, (gint64) MIN (value, (guint64) G_MAXINT64));
}

static void
add_count (JsonBuilder *b, const gchar *key, const ReportCount *c)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  add_uint (b, "checked", c->checked);
  add_uint (b, "failed", c->failed);
  json_builder_end_object (b);
}

static void
add_seconds (JsonBuilder *b, const gchar *key, gdouble s)
{
  json_builder_set_member_name (b, key);
  /* milliseconds are enough, and keep the file readable */
  json_builder_add_double_value (b, (gint64) (s * 1000 + 0.5) / 1000.0);
}

static void
build_results (JsonBuilder *b, const CampaignReport *r)
{
  json_builder_set_member_name (b, "results");
  json_builder_begin_object (b);
  add_uint (b, "checked", r->total.checked);
  add_uint (b, "passed", r->total.checked - r->total.failed);
  add_uint (b, "failed", r->total.failed);
  add_uint (b, "duplicates", r->duplicates);
  json_builder_set_member_name (b, "by_cut");
  json_builder_begin_object (b);
  for (guint i = 0; i < REPORT_CUTS; i++)
    if (r->by_cut[i].checked)
      add_count (b, cut_index_name (i), &r->by_cut[i]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "by_operation");
  json_builder_begin_object (b);
  for (guint i = 0; i < REPORT_OPS; i++)
    if (r->by_op[i].checked)
      add_count (b, fm_nand_op_to_string (i), &r->by_op[i]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "by_depth");
  json_builder_begin_object (b);
  for (guint i = 0; i < FM_CUT_ID_MAX_DEPTH; i++)
    if (r->by_depth[i].checked)
      {
        gchar key[4];

        g_snprintf (key, sizeof key, "%u", i + 1);
        add_count (b, key, &r->by_depth[i]);
      }
  json_builder_end_object (b);
  add_uint (b, "recoveries", r->recoveries);
  add_uint (b, "no_recovery", r->no_recovery);
  json_builder_end_object (b);
}

static void
build_failures (JsonBuilder *b, const CampaignReport *r)
{
  json_builder_set_member_name (b, "failures");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->failures->len; i++)
    {
      const ReportFailure *f = r->failures->pdata[i];
      const FmCutIdLevel *last = &f->parsed.level[f->parsed.depth - 1];

      json_builder_begin_object (b);
      add_string (b, "id", f->id);
      add_uint (b, "depth", f->parsed.depth);
      add_uint (b, "operation", last->point.seq);
      add_string (b, "cut", fm_cut_to_string (&last->point.cut));
      add_string (b, "what", f->what);
      if (f->parsed.depth > 1)
        {
          json_builder_set_member_name (b, "first");
          json_builder_begin_object (b);
          add_uint (b, "operation", f->parsed.level[0].point.seq);
          add_string (b, "cut", fm_cut_to_string (&f->parsed.level[0].point.cut));
          add_string (b, "what", f->first_what);
          json_builder_end_object (b);
          add_string (b, "recovery_journal", f->recovery);
        }
      add_string (b, "status", f->status);
      add_string (b, "output", f->output);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "duplicates");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->dups->len; i++)
    {
      const ReportDuplicate *d = r->dups->pdata[i];

      json_builder_begin_object (b);
      add_string (b, "id", d->id);
      add_string (b, "same_as", d->same_as);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
build_run (JsonBuilder *b, const CampaignReport *r)
{
  gdouble minutes = r->total_s / 60;

  json_builder_set_member_name (b, "run");
  json_builder_begin_object (b);
  if (r->shard_count)
    {
      g_autofree gchar *shard = g_strdup_printf ("%u/%u", r->shard_index, r->shard_count);

      add_string (b, "shard", shard);
    }
  else
    add_string (b, "shard", NULL);
  json_builder_set_member_name (b, "merged_from");
  if (r->merged_from)
    {
      json_builder_begin_array (b);
      for (guint i = 0; i < r->merged_from->len; i++)
        json_builder_add_string_value (b, r->merged_from->pdata[i]);
      json_builder_end_array (b);
    }
  else
    json_builder_add_null_value (b);
  add_uint (b, "jobs", r->jobs);
  add_string (b, "host", r->host);
  add_string (b, "started", r->started);
  add_string (b, "work_dir", r->work_dir);
  json_builder_set_member_name (b, "seconds");
  json_builder_begin_object (b);
  add_seconds (b, "cut_making", r->cut_making_s);
  add_seconds (b, "checking", r->checking_s);
  add_seconds (b, "total", r->total_s);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "cut_points_per_minute");
  json_builder_add_double_value (b, minutes > 0 ? (gint64) (r->total.checked / minutes * 10 + 0.5) / 10.0 : 0.0);
  json_builder_end_object (b);
}

gchar *
campaign_report_to_data (const CampaignReport *r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;

  json_builder_begin_object (b);
  add_string (b, "format", CAMPAIGN_REPORT_FORMAT);
  add_uint (b, "version", CAMPAIGN_REPORT_VERSION);
  add_string (b, "campaign_id", r->campaign_id);
  json_builder_set_member_name (b, "campaign");
  json_builder_add_value (b, json_node_copy (r->campaign));
  build_results (b, r);
  build_failures (b, r);
  build_run (b, r);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  text = json_generator_to_data (gen, NULL);
  return g_strconcat (text, "\n", NULL);
}

gboolean
campaign_report_write (const CampaignReport *r, const gchar *path, GError **error)
{
  g_autofree gchar *text = campaign_report_to_data (r);

  /* g_file_set_contents writes a temporary file and renames it. */
  return g_file_set_contents (path, text, -1, error);
}

/* ---- reading ------------------------------------------------------------- */

/* Every read below names the file and the field when it fails. */
typedef struct {
  const gchar *path;
  GError **error;
  gboolean failed;
} Reader;

static gboolean
bad (Reader *rd, const gchar *field, const gchar *why)
{
  if (!rd->failed)
    g_set_error (rd->error, FM_ERROR, FM_ERROR_INVALID, "%s: %s: %s", rd->path, field, why);
  rd->failed = TRUE;
  return FALSE;
}

/* O's member KEY if it is an object or an array, as TYPE says. */
static JsonNode *
get_container (Reader *rd, JsonObject *o, const gchar *key, const gchar *field, JsonNodeType type)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  if (!n || JSON_NODE_TYPE (n) != type)
    {
      bad (rd, field, type == JSON_NODE_OBJECT ? "missing, or not an object"
                                               : "missing, or not an array");
      return NULL;
    }
  return n;
}

static JsonObject *
get_object (Reader *rd, JsonObject *o, const gchar *key, const gchar *field)
{
  JsonNode *n = get_container (rd, o, key, field, JSON_NODE_OBJECT);

  return n ? json_node_get_object (n) : NULL;
}

static JsonArray *
get_array (Reader *rd, JsonObject *o, const gchar *key, const gchar *field)
{
  JsonNode *n = get_container (rd, o, key, field, JSON_NODE_ARRAY);

  return n ? json_node_get_array (n) : NULL;
}

static guint64
get_uint (Reader *rd, JsonObject *o, const gchar *key, const gchar *field)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  if (!n || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 ||
      json_node_get_int (n) < 0 || (guint64) json_node_get_int (n) > REPORT_MAX_COUNT)
    {
      bad (rd, field, "missing, or not an integer from 0 to 2^40");
      return 0;
    }
  return json_node_get_int (n);
}

static gdouble
get_double (Reader *rd, JsonObject *o, const gchar *key, const gchar *field)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  if (!n || !JSON_NODE_HOLDS_VALUE (n) ||
      (json_node_get_value_type (n) != G_TYPE_DOUBLE && json_node_get_value_type (n) != G_TYPE_INT64) ||
      !(json_node_get_double (n) >= 0 && json_node_get_double (n) < 1e12))
    {
      bad (rd, field, "missing, or not a number of seconds");
      return 0;
    }
  return json_node_get_double (n);
}

/* A string, or NULL for null when NULLABLE. */
static gchar *
get_string (Reader *rd, JsonObject *o, const gchar *key, const gchar *field, gboolean nullable)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  if (n && nullable && JSON_NODE_HOLDS_NULL (n))
    return NULL;
  if (!n || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      bad (rd, field, nullable ? "missing, or neither a string nor null" : "missing, or not a string");
      return NULL;
    }
  return g_strdup (json_node_get_string (n));
}

static void
read_count (Reader *rd, JsonObject *o, const gchar *field, ReportCount *c)
{
  g_autofree gchar *checked = g_strconcat (field, ".checked", NULL);
  g_autofree gchar *failed = g_strconcat (field, ".failed", NULL);

  c->checked = get_uint (rd, o, "checked", checked);
  c->failed = get_uint (rd, o, "failed", failed);
  if (!rd->failed && c->failed > c->checked)
    bad (rd, failed, "more failed than checked");
}

/* by_cut, by_operation, by_depth: known keys only. */
static void
read_counts (Reader *rd, JsonObject *results, const gchar *key, ReportCount *counts, guint n,
             const gchar *(*name) (guint))
{
  g_autofree gchar *field = g_strconcat ("results.", key, NULL);
  JsonObject *o = get_object (rd, results, key, field);
  g_autoptr (GList) members = o ? json_object_get_members (o) : NULL;

  for (GList *m = members; m && !rd->failed; m = m->next)
    {
      g_autofree gchar *sub = g_strconcat (field, ".", m->data, NULL);
      guint i;

      for (i = 0; i < n && g_strcmp0 (name (i), m->data) != 0; i++)
        ;
      if (i == n)
        {
          bad (rd, sub, "not a known key");
          return;
        }
      read_count (rd, get_object (rd, o, m->data, sub), sub, &counts[i]);
    }
}

static const gchar *
op_name (guint i)
{
  return fm_nand_op_to_string (i);
}

static const gchar *
depth_name (guint i)
{
  static const gchar *const names[] = { "1", "2" };

  return i < G_N_ELEMENTS (names) ? names[i] : "?";
}

static gboolean
read_id (Reader *rd, const gchar *text, const gchar *field, FmCutId *id)
{
  g_autoptr (GError) local = NULL;

  if (!text || !fm_cut_id_parse (text, id, &local))
    return bad (rd, field, local ? local->message : "missing");
  return TRUE;
}

static void
read_failures (Reader *rd, JsonObject *root, CampaignReport *r)
{
  JsonArray *a = get_array (rd, root, "failures", "failures");

  for (guint i = 0; a && !rd->failed && i < json_array_get_length (a); i++)
    {
      g_autofree gchar *field = g_strdup_printf ("failures[%u]", i);
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      ReportFailure *f = g_new0 (ReportFailure, 1);

      g_ptr_array_add (r->failures, f);
      if (!o)
        {
          bad (rd, field, "not an object");
          return;
        }
      f->id = get_string (rd, o, "id", field, FALSE);
      f->what = get_string (rd, o, "what", field, FALSE);
      f->status = get_string (rd, o, "status", field, FALSE);
      f->output = get_string (rd, o, "output", field, FALSE);
      if (!read_id (rd, f->id, field, &f->parsed))
        return;
      if (f->parsed.depth > 1)
        {
          JsonObject *first = get_object (rd, o, "first", field);

          f->first_what = get_string (rd, first, "what", field, FALSE);
          f->recovery = get_string (rd, o, "recovery_journal", field, TRUE);
        }
    }
}

static void
read_duplicates (Reader *rd, JsonObject *root, CampaignReport *r)
{
  JsonArray *a = get_array (rd, root, "duplicates", "duplicates");

  for (guint i = 0; a && !rd->failed && i < json_array_get_length (a); i++)
    {
      g_autofree gchar *field = g_strdup_printf ("duplicates[%u]", i);
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      ReportDuplicate *d = g_new0 (ReportDuplicate, 1);
      FmCutId same;

      g_ptr_array_add (r->dups, d);
      if (!o)
        {
          bad (rd, field, "not an object");
          return;
        }
      d->id = get_string (rd, o, "id", field, FALSE);
      d->same_as = get_string (rd, o, "same_as", field, FALSE);
      if (!read_id (rd, d->id, field, &d->parsed) || !read_id (rd, d->same_as, field, &same))
        return;
    }
}

/* "K/N" with K < N. */
static gboolean
parse_shard (const gchar *text, guint *index, guint *count)
{
  guint64 k, n;
  gchar *end;

  if (!g_ascii_isdigit (*text))
    return FALSE;
  k = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '/' || !g_ascii_isdigit (end[1]))
    return FALSE;
  text = end + 1;
  n = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end || n == 0 || n > CAMPAIGN_MAX_SHARDS || k >= n)
    return FALSE;
  *index = k;
  *count = n;
  return TRUE;
}

static void
read_run (Reader *rd, JsonObject *root, CampaignReport *r)
{
  JsonObject *run = get_object (rd, root, "run", "run");
  JsonObject *seconds = get_object (rd, run, "seconds", "run.seconds");
  g_autofree gchar *shard = get_string (rd, run, "shard", "run.shard", TRUE);
  JsonNode *merged = run ? json_object_get_member (run, "merged_from") : NULL;

  if (shard && !parse_shard (shard, &r->shard_index, &r->shard_count))
    bad (rd, "run.shard", "not K/N with K < N");
  if (merged && JSON_NODE_HOLDS_ARRAY (merged))
    {
      JsonArray *a = json_node_get_array (merged);

      r->merged_from = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *n = json_array_get_element (a, i);

          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
            {
              bad (rd, "run.merged_from", "not an array of strings");
              break;
            }
          g_ptr_array_add (r->merged_from, g_strdup (json_node_get_string (n)));
        }
    }
  else if (!merged || !JSON_NODE_HOLDS_NULL (merged))
    bad (rd, "run.merged_from", "missing, or neither an array nor null");
  r->jobs = get_uint (rd, run, "jobs", "run.jobs");
  r->host = get_string (rd, run, "host", "run.host", TRUE);
  r->started = get_string (rd, run, "started", "run.started", TRUE);
  r->work_dir = get_string (rd, run, "work_dir", "run.work_dir", TRUE);
  r->cut_making_s = get_double (rd, seconds, "cut_making", "run.seconds.cut_making");
  r->checking_s = get_double (rd, seconds, "checking", "run.seconds.checking");
  r->total_s = get_double (rd, seconds, "total", "run.seconds.total");
}

/* Whether COUNTS sum to TOTAL (each cut is counted once in each). */
static gboolean
adds_up (const ReportCount *counts, guint n, const ReportCount *total)
{
  guint64 checked = 0, failed = 0;

  for (guint i = 0; i < n; i++)
    {
      checked += counts[i].checked;
      failed += counts[i].failed;
    }
  return checked == total->checked && failed == total->failed;
}

CampaignReport *
campaign_report_load (const gchar *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (CampaignReport) r = campaign_report_new ();
  g_autoptr (GError) local = NULL;
  g_autofree gchar *format = NULL, *id = NULL;
  Reader rd = { path, error, FALSE };
  JsonObject *root, *results;
  JsonNode *node;

  if (!json_parser_load_from_file (parser, path, &local))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID, "%s: not a JSON file: %s", path, local->message);
      return NULL;
    }
  node = json_parser_get_root (parser);
  if (!node || !JSON_NODE_HOLDS_OBJECT (node))
    {
      bad (&rd, "(root)", "not an object");
      return NULL;
    }
  root = json_node_get_object (node);
  format = get_string (&rd, root, "format", "format", FALSE);
  if (!rd.failed && !g_str_equal (format, CAMPAIGN_REPORT_FORMAT))
    bad (&rd, "format", "not a flashmodel powercut-campaign report");
  if (!rd.failed && get_uint (&rd, root, "version", "version") != CAMPAIGN_REPORT_VERSION && !rd.failed)
    bad (&rd, "version", "a version this flashmodel does not read");
  get_object (&rd, root, "campaign", "campaign");
  id = get_string (&rd, root, "campaign_id", "campaign_id", FALSE);
  if (rd.failed)
    return NULL;
  campaign_report_set_campaign (r, json_node_copy (json_object_get_member (root, "campaign")));
  /* The id is a hash of the campaign: a report edited by hand is caught. */
  if (!g_str_equal (id, r->campaign_id))
    {
      bad (&rd, "campaign_id", "does not match the campaign it describes");
      return NULL;
    }
  results = get_object (&rd, root, "results", "results");
  r->total.checked = get_uint (&rd, results, "checked", "results.checked");
  r->total.failed = get_uint (&rd, results, "failed", "results.failed");
  r->duplicates = get_uint (&rd, results, "duplicates", "results.duplicates");
  r->recoveries = get_uint (&rd, results, "recoveries", "results.recoveries");
  r->no_recovery = get_uint (&rd, results, "no_recovery", "results.no_recovery");
  if (rd.failed)
    return NULL;
  read_counts (&rd, results, "by_cut", r->by_cut, REPORT_CUTS, cut_index_name);
  read_counts (&rd, results, "by_operation", r->by_op, REPORT_OPS, op_name);
  read_counts (&rd, results, "by_depth", r->by_depth, FM_CUT_ID_MAX_DEPTH, depth_name);
  read_failures (&rd, root, r);
  read_duplicates (&rd, root, r);
  read_run (&rd, root, r);
  if (rd.failed)
    return NULL;
  if (r->total.failed > r->total.checked)
    bad (&rd, "results.failed", "more failed than checked");
  else if (!adds_up (r->by_cut, REPORT_CUTS, &r->total))
    bad (&rd, "results.by_cut", "does not add up to results.checked and results.failed");
  else if (!adds_up (r->by_op, REPORT_OPS, &r->total))
    bad (&rd, "results.by_operation", "does not add up to results.checked and results.failed");
  else if (!adds_up (r->by_depth, FM_CUT_ID_MAX_DEPTH, &r->total))
    bad (&rd, "results.by_depth", "does not add up to results.checked and results.failed");
  else if (r->failures->len != r->total.failed)
    bad (&rd, "failures", "not as many as results.failed");
  else if (r->dups->len != r->duplicates)
    bad (&rd, "duplicates", "not as many as results.duplicates");
  return rd.failed ? NULL : g_steal_pointer (&r);
}

/* ---- merging ------------------------------------------------------------- */

static gint
compare_failures (gconstpointer a, gconstpointer b)
{
  const ReportFailure *x = *(ReportFailure *const *) a, *y = *(ReportFailure *const *) b;

  return fm_cut_id_compare (&x->parsed, &y->parsed);
}

static gint
compare_duplicates (gconstpointer a, gconstpointer b)
{
  const ReportDuplicate *x = *(ReportDuplicate *const *) a, *y = *(ReportDuplicate *const *) b;

  return fm_cut_id_compare (&x->parsed, &y->parsed);
}

void
campaign_report_sort (CampaignReport *r)
{
  g_ptr_array_sort (r->failures, compare_failures);
  g_ptr_array_sort (r->dups, compare_duplicates);
}

static void
add_counts (ReportCount *to, const ReportCount *from, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      to[i].checked += from[i].checked;
      to[i].failed += from[i].failed;
    }
}

CampaignReport *
campaign_report_merge (GPtrArray *reports, const gchar *const *paths, GError **error)
{
  g_autoptr (CampaignReport) m = campaign_report_new ();
  g_autofree const gchar **by_index = NULL;
  g_autofree gchar *campaign = NULL;
  const CampaignReport *first = reports->pdata[0];
  guint n = first->shard_count;

  campaign = compact_json (first->campaign);
  for (guint i = 0; i < reports->len; i++)
    {
      const CampaignReport *r = reports->pdata[i];
      g_autofree gchar *other = compact_json (r->campaign);

      if (!g_str_equal (other, campaign))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                       "%s and %s are reports of different campaigns (campaign_id %s and %s)",
                       paths[0], paths[i], first->campaign_id, r->campaign_id);
          return NULL;
        }
      if (!r->shard_count)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                       "%s: run.shard: not the report of a shard (a whole campaign%s)", paths[i],
                       r->merged_from ? ", merged" : "");
          return NULL;
        }
      if (r->shard_count != n)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                       "%s is shard %u/%u, %s shard %u/%u: shards of different splits",
                       paths[0], first->shard_index, n, paths[i], r->shard_index, r->shard_count);
          return NULL;
        }
    }
  by_index = g_new0 (const gchar *, n);
  for (guint i = 0; i < reports->len; i++)
    {
      const CampaignReport *r = reports->pdata[i];

      if (by_index[r->shard_index])
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID, "%s and %s are both shard %u/%u",
                       by_index[r->shard_index], paths[i], r->shard_index, n);
          return NULL;
        }
      by_index[r->shard_index] = paths[i];
    }
  for (guint k = 0; k < n; k++)
    if (!by_index[k])
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                     "shard %u/%u is missing (%u of %u shards given)", k, n, reports->len, n);
        return NULL;
      }

  campaign_report_set_campaign (m, json_node_copy (first->campaign));
  m->merged_from = g_ptr_array_new_with_free_func (g_free);
  for (guint k = 0; k < n; k++)
    g_ptr_array_add (m->merged_from, g_strdup_printf ("%u/%u", k, n));
  for (guint i = 0; i < reports->len; i++)
    {
      CampaignReport *r = reports->pdata[i];

      add_counts (&m->total, &r->total, 1);
      add_counts (m->by_cut, r->by_cut, REPORT_CUTS);
      add_counts (m->by_op, r->by_op, REPORT_OPS);
      add_counts (m->by_depth, r->by_depth, FM_CUT_ID_MAX_DEPTH);
      m->duplicates += r->duplicates;
      m->recoveries += r->recoveries;
      m->no_recovery += r->no_recovery;
      /* Taken from the shard's report, which the caller frees after. */
      while (r->failures->len)
        g_ptr_array_add (m->failures, g_ptr_array_steal_index (r->failures, 0));
      while (r->dups->len)
        g_ptr_array_add (m->dups, g_ptr_array_steal_index (r->dups, 0));
      m->jobs += r->jobs;
      m->cut_making_s += r->cut_making_s;
      m->checking_s += r->checking_s;
      /* Shards run side by side: the whole took as long as the longest. */
      m->total_s = MAX (m->total_s, r->total_s);
    }
  campaign_report_sort (m);
  return g_steal_pointer (&m);
}
