/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A campaign's JSON report (libflashmodel/tool/campaign-report.c): written
 * and read back unchanged, and shards merged into the report of one run:
 * their counts added, failures and duplicates in campaign order whatever
 * the shards' order, refused when they are not the shards of one split of
 * one campaign.
 */
#include "campaign-report.h"
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

/* A campaign's identity: CHECK makes two campaigns differ. */
static JsonNode *
identity (const gchar *check)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "journal");
  json_builder_add_string_value (b, "9f86d081");
  json_builder_set_member_name (b, "check");
  json_builder_add_string_value (b, check);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
add_cut (CampaignReport *r, const gchar *id_text, FmNandOp op, gboolean failed)
{
  FmCutId id;
  ReportFailure *f = NULL;

  g_assert_true (fm_cut_id_parse (id_text, &id, NULL));
  if (failed)
    {
      f = g_new0 (ReportFailure, 1);
      f->id = g_strdup (id_text);
      f->parsed = id;
      f->what = g_strdup ("program of block 3 page 7");
      f->status = g_strdup ("exit status 1");
      f->output = g_strdup ("broken\n");
      if (id.depth > 1)
        {
          f->first_what = g_strdup ("erase of block 2");
          f->recovery = g_strdup ("recovery-9f86d081-5-torn.journal");
        }
    }
  campaign_report_add_checked (r, &id, op, f);
}

static void
add_dup (CampaignReport *r, const gchar *id_text, const gchar *same_as)
{
  ReportDuplicate *d = g_new0 (ReportDuplicate, 1);

  d->id = g_strdup (id_text);
  g_assert_true (fm_cut_id_parse (id_text, &d->parsed, NULL));
  d->same_as = g_strdup (same_as);
  campaign_report_add_duplicate (r, d);
}

/* Shard K of 3 of one campaign: the cuts of operations 5 + K, 8 + K... */
static CampaignReport *
shard (guint k, const gchar *check)
{
  CampaignReport *r = campaign_report_new ();

  campaign_report_set_campaign (r, identity (check));
  r->shard_index = k;
  r->shard_count = 3;
  r->jobs = 2;
  r->cut_making_s = 1.5;
  r->checking_s = 10;
  r->total_s = 6 + k;
  for (guint op = 5 + k; op < 20; op += 3)
    {
      g_autofree gchar *clean = g_strdup_printf ("9f86d081@%u:clean", op);
      g_autofree gchar *torn = g_strdup_printf ("9f86d081@%u:torn", op);
      g_autofree gchar *second = g_strdup_printf ("9f86d081@%u:torn/5e884898@%u:somebits", op, op % 4 + 1);

      /* Checks end in any order: the torn cut first. */
      add_cut (r, torn, FM_NAND_OP_PROGRAM, op % 2 == 0);
      add_cut (r, second, FM_NAND_OP_PROGRAM, op % 5 == 0);
      if (op % 7 == 0)
        add_dup (r, clean, "9f86d081@1:clean");
      else
        add_cut (r, clean, FM_NAND_OP_ERASE, FALSE);
    }
  campaign_report_sort (r);
  return r;
}

/* The three shards written, read back, merged in the order K_ORDER. */
static CampaignReport *
merge_shards (const gchar *dir, const guint *k_order, guint n, const gchar *check_of_first,
              GError **error)
{
  g_autoptr (GPtrArray) loaded = g_ptr_array_new_with_free_func ((GDestroyNotify) campaign_report_free);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CampaignReport) r = shard (k_order[i], i == 0 && check_of_first ? check_of_first : "true");
      gchar *path = g_strdup_printf ("%s/shard-%u-%u.json", dir, i, k_order[i]);
      CampaignReport *back;

      g_assert_true (campaign_report_write (r, path, NULL));
      back = campaign_report_load (path, error);
      g_assert_nonnull (back);
      g_ptr_array_add (loaded, back);
      g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);
  return campaign_report_merge (loaded, (const gchar *const *) paths->pdata, error);
}

static void
test_round_trip (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("test-report-XXXXXX", NULL);
  g_autofree gchar *path = g_build_filename (dir, "r.json", NULL);
  g_autoptr (CampaignReport) r = shard (1, "true");
  g_autoptr (CampaignReport) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *a = NULL, *b = NULL;

  r->host = g_strdup ("host");
  r->started = g_strdup ("2026-01-01T00:00:00Z");
  g_assert_true (campaign_report_write (r, path, &error));
  back = campaign_report_load (path, &error);
  g_assert_no_error (error);
  a = campaign_report_to_data (r);
  b = campaign_report_to_data (back);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpuint (back->total.checked, ==, 15);
  g_assert_cmpuint (back->failures->len, ==, back->total.failed);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_merge (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("test-report-XXXXXX", NULL);
  static const guint orders[][3] = { { 0, 1, 2 }, { 2, 0, 1 }, { 1, 2, 0 } };
  g_autofree gchar *first = NULL;

  for (guint o = 0; o < G_N_ELEMENTS (orders); o++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CampaignReport) m = merge_shards (dir, orders[o], 3, NULL, &error);
      g_autofree gchar *text = NULL;
      guint64 checked = 0, failed = 0;

      g_assert_no_error (error);
      for (guint k = 0; k < 3; k++)
        {
          g_autoptr (CampaignReport) s = shard (k, "true");

          checked += s->total.checked;
          failed += s->total.failed;
        }
      g_assert_cmpuint (m->total.checked, ==, checked);
      g_assert_cmpuint (m->total.failed, ==, failed);
      g_assert_cmpuint (m->failures->len, ==, failed);
      g_assert_cmpuint (m->duplicates, ==, 2);
      /* campaign order */
      for (guint i = 1; i < m->failures->len; i++)
        g_assert_cmpint (fm_cut_id_compare (&((ReportFailure *) m->failures->pdata[i - 1])->parsed,
                                            &((ReportFailure *) m->failures->pdata[i])->parsed), <, 0);
      g_assert_cmpstr (((ReportFailure *) m->failures->pdata[0])->id, ==, "9f86d081@5:torn/5e884898@2:somebits");
      g_assert_cmpuint (m->shard_count, ==, 0);
      g_assert_cmpuint (m->merged_from->len, ==, 3);
      g_assert_cmpuint (m->jobs, ==, 6);
      g_assert_cmpfloat (m->total_s, ==, 8);
      g_assert_cmpfloat (m->checking_s, ==, 30);
      /* The same report whatever order the shards came in. */
      text = campaign_report_to_data (m);
      if (!first)
        first = g_steal_pointer (&text);
      else
        g_assert_cmpstr (text, ==, first);
    }
  fm_test_remove_dir (dir);
}

static void
test_merge_refused (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("test-report-XXXXXX", NULL);
  static const guint twice[] = { 0, 2, 2 }, missing[] = { 0, 2 }, all[] = { 0, 1, 2 };
  struct {
    const guint *order;
    guint n;
    const gchar *check;
    const gchar *message;
  } cases[] = {
    { twice, 3, NULL, "are both shard 2/3" },
    { missing, 2, NULL, "shard 1/3 is missing" },
    { all, 3, "false", "reports of different campaigns" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CampaignReport) m = merge_shards (dir, cases[i].order, cases[i].n, cases[i].check, &error);

      g_assert_null (m);
      g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
  fm_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/campaign-report/round-trip", test_round_trip);
  g_test_add_func ("/campaign-report/merge", test_merge);
  g_test_add_func ("/campaign-report/merge-refused", test_merge_refused);
  return g_test_run ();
}
