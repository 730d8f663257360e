/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The campaign engine: cut IDs (fm-cut-id.h), the cut points a coverage
 * chooses, the images a walk makes (the same as replay's), the cuts it
 * finds to be duplicates (and that they really are the same image), and
 * rebuilding one cut from its ID, at depth 1 and 2.
 */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---- IDs ----------------------------------------------------------------- */

static void
test_cut_id_round_trip (void)
{
  static const gchar *const ids[] = {
    "9f86d081@1234:torn",
    "9f86d081@1:clean",
    "00000000@18446744073709551615:mostly-erased",
    "9f86d081@1234:somebits/5e884898@56:clean+7",
    "abcdef01@3:lowerpage/01234567@1:partly-erased",
    "abcdef01@3:unstable+18446744073709551615",
  };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree gchar *again = NULL;
      FmCutId id;

      g_assert_true (fm_cut_id_parse (ids[i], &id, &error));
      g_assert_no_error (error);
      again = fm_cut_id_to_string (&id);
      g_assert_cmpstr (again, ==, ids[i]);
    }
  {
    FmCutId id;

    g_assert_true (fm_cut_id_parse ("9F86D081@1234:somebits/5e884898@56:clean+7", &id, NULL));
    g_assert_cmpuint (id.depth, ==, 2);
    g_assert_cmpstr (id.level[0].journal, ==, "9f86d081");
    g_assert_cmpuint (id.level[0].point.seq, ==, 1234);
    g_assert_cmpuint (id.level[0].point.cut.kind, ==, FM_CUT_TORN);
    g_assert_cmpuint (id.level[0].point.cut.variant, ==, FM_TORN_SOMEBITS);
    g_assert_cmpstr (id.level[1].journal, ==, "5e884898");
    g_assert_cmpuint (id.level[1].point.seq, ==, 56);
    g_assert_cmpuint (id.level[1].point.cut.kind, ==, FM_CUT_CLEAN);
    g_assert_cmpuint (id.tear_seed, ==, 7);
  }
}

/* IDs come from anyone: every malformed part is refused, naming the ID. */
static void
test_cut_id_refused (void)
{
  static const gchar *const bad[] = {
    "", "torn", "9f86d081", "9f86d081@12", "9f86d081@12:", "9f86d08@12:torn",
    "9f86d0811@12:torn", "9f86d08g@12:torn", "9f86d081@0:torn", "9f86d081@012:torn",
    "9f86d081@-1:torn", "9f86d081@+1:torn", "9f86d081@ 1:torn", "9f86d081@18446744073709551616:torn",
    "9f86d081@12:half", "9f86d081@12:seeded", "9f86d081@12:Torn", "9f86d081@12:torn+0",
    "9f86d081@12:torn+", "9f86d081@12:torn+x", "9f86d081@12:torn+-1", "9f86d081@12:torn+1+2",
    "9f86d081@12:torn/", "/9f86d081@12:torn", "9f86d081@12:torn//5e884898@56:clean",
    "9f86d081@12:torn/5e884898@56:clean/01234567@1:clean", "9f86d081@12@3:torn",
    "9f86d081@12:torn\n", "9f86d081@12:to\xffrn",
    "9f86d081@1:clean/9f86d081@1:clean/9f86d081@1:clean/9f86d081@1:clean/9f86d081@1:clean/9f86d081@1:clean",
    "9f86d081@1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000:torn",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      FmCutId id;

      g_assert_false (fm_cut_id_parse (bad[i], &id, &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
      g_assert_true (strstr (error->message, "cut ID") != NULL);
      g_test_message ("%s", error->message);
    }
}

static gint
compare_ids (gconstpointer a, gconstpointer b)
{
  FmCutId x, y;

  g_assert_true (fm_cut_id_parse (*(const gchar *const *) a, &x, NULL));
  g_assert_true (fm_cut_id_parse (*(const gchar *const *) b, &y, NULL));
  return fm_cut_id_compare (&x, &y);
}

/* Campaign order: by operation, clean first then the variants, a first
 * cut before the second-level cuts made from it. */
static void
test_cut_id_order (void)
{
  static const gchar *const in_order[] = {
    "9f86d081@5:clean", "9f86d081@5:torn", "9f86d081@5:somebits",
    "9f86d081@5:somebits/5e884898@2:clean", "9f86d081@5:somebits/5e884898@2:unstable",
    "9f86d081@5:somebits/5e884898@10:torn", "9f86d081@5:mostly-erased", "9f86d081@40:clean",
    "9f86d081@400:torn",
  };
  g_autoptr (GPtrArray) shuffled = g_ptr_array_new ();

  for (guint i = G_N_ELEMENTS (in_order); i > 0; i--)
    g_ptr_array_add (shuffled, (gpointer) in_order[(i * 5) % G_N_ELEMENTS (in_order)]);
  g_ptr_array_sort (shuffled, compare_ids);
  for (guint i = 0; i < G_N_ELEMENTS (in_order); i++)
    g_assert_cmpstr (shuffled->pdata[i], ==, in_order[i]);
}

/* ---- coverage ------------------------------------------------------------ */

typedef struct {
  guint64 reads, programs, erases, upper_pages;
} OpCounts;

static OpCounts
count_ops (FmTestRecording *r, guint64 from, guint64 to)
{
  g_autoptr (FmJournalReader) reader = fm_journal_reader_open (r->journal_path, NULL);
  FmJournalRecord rec;
  OpCounts n = { 0 };

  while (fm_journal_reader_next (reader, &rec))
    {
      if (rec.seq < from || rec.seq > to)
        continue;
      n.reads += rec.op == FM_NAND_OP_READ;
      n.programs += rec.op == FM_NAND_OP_PROGRAM;
      n.erases += rec.op == FM_NAND_OP_ERASE;
      n.upper_pages += rec.op == FM_NAND_OP_PROGRAM &&
                       fm_torn_variant_applies (FM_TORN_LOWERPAGE, r->desc, rec.op, rec.index);
    }
  return n;
}

static FmCampaignPlan *
plan_of (FmTestRecording *r, const FmCoverage *cov)
{
  g_autoptr (FmJournalReader) reader = fm_journal_reader_open (r->journal_path, NULL);
  FmCampaignPlan *plan = fm_campaign_plan_new (reader, r->desc, cov);
  FmJournalRecord rec;

  /* The plan leaves the reader at its start. */
  g_assert_true (fm_journal_reader_next (reader, &rec));
  g_assert_cmpuint (rec.seq, ==, 1);
  /* Points in campaign order. */
  for (guint i = 1; i < plan->points->len; i++)
    {
      const FmCutPoint *a = &g_array_index (plan->points, FmCutPoint, i - 1);
      const FmCutPoint *b = &g_array_index (plan->points, FmCutPoint, i);

      g_assert_true (a->seq < b->seq || (a->seq == b->seq && fm_cut_compare (&a->cut, &b->cut) < 0));
    }
  return plan;
}

static void
test_plan_coverage (void)
{
  g_auto (FmTestRecording) r = { 0 };
  guint all_named = ((1u << FM_TORN_N_VARIANTS) - 1) & ~(1u << FM_TORN_SEEDED);
  FmCoverage linear = { .clean = TRUE, .torn = 1u << FM_TORN_SEEDED };
  OpCounts n;

  fm_test_record (&r, NULL, 600, NULL);
  n = count_ops (&r, 1, G_MAXUINT64);
  g_assert_cmpuint (n.reads, >, 0);
  g_assert_cmpuint (n.erases, >, 0);
  {
    /* Linear: every program and erase, the clean cut before it and torn. */
    g_autoptr (FmCampaignPlan) plan = plan_of (&r, &linear);

    g_assert_cmpuint (plan->records, ==, r.ops);
    g_assert_cmpuint (plan->eligible, ==, n.programs + n.erases);
    g_assert_cmpuint (plan->chosen, ==, plan->eligible);
    g_assert_cmpuint (plan->points->len, ==, 2 * plan->eligible);
    g_assert_cmpuint (g_array_index (plan->points, FmCutPoint, 0).cut.kind, ==, FM_CUT_CLEAN);
    g_assert_cmpuint (g_array_index (plan->points, FmCutPoint, 1).cut.kind, ==, FM_CUT_TORN);
  }
  {
    /* Reads too; a window; every third. */
    FmCoverage cov = linear;
    g_autoptr (FmCampaignPlan) all = NULL;
    g_autoptr (FmCampaignPlan) window = NULL;
    g_autoptr (FmCampaignPlan) every = NULL;
    OpCounts w = count_ops (&r, 100, 300);

    cov.all_ops = TRUE;
    all = plan_of (&r, &cov);
    g_assert_cmpuint (all->eligible, ==, r.ops);
    cov.all_ops = FALSE;
    cov.from = 100;
    cov.to = 300;
    window = plan_of (&r, &cov);
    g_assert_cmpuint (window->eligible, ==, w.programs + w.erases);
    g_assert_cmpuint (g_array_index (window->points, FmCutPoint, 0).seq, >=, 100);
    g_assert_cmpuint (g_array_index (window->points, FmCutPoint, window->points->len - 1).seq, <=, 300);
    cov.from = cov.to = 0;
    cov.every = 3;
    every = plan_of (&r, &cov);
    g_assert_cmpuint (every->chosen, ==, (every->eligible + 2) / 3);
  }
  {
    /* A sample: N distinct operations, the same for the same seed. */
    FmCoverage cov = linear;
    g_autoptr (FmCampaignPlan) a = NULL;
    g_autoptr (FmCampaignPlan) b = NULL;
    g_autoptr (FmCampaignPlan) c = NULL;

    cov.clean = FALSE;
    cov.sample = 10;
    cov.sample_seed = 4;
    a = plan_of (&r, &cov);
    b = plan_of (&r, &cov);
    cov.sample_seed = 5;
    c = plan_of (&r, &cov);
    g_assert_cmpuint (a->chosen, ==, 10);
    g_assert_cmpuint (a->points->len, ==, 10);
    g_assert_cmpmem (a->points->data, 10 * sizeof (FmCutPoint), b->points->data, 10 * sizeof (FmCutPoint));
    g_assert_true (memcmp (a->points->data, c->points->data, 10 * sizeof (FmCutPoint)) != 0);
    for (guint i = 1; i < 10; i++)
      g_assert_cmpuint (g_array_index (a->points, FmCutPoint, i - 1).seq, <,
                        g_array_index (a->points, FmCutPoint, i).seq);
  }
  {
    /* Every named variant on an SLC chip: lowerpage never applies, each
     * program or erase takes the variants of its kind. */
    FmCoverage cov = { .torn = all_named };
    g_autoptr (FmCampaignPlan) plan = plan_of (&r, &cov);

    g_assert_cmpuint (plan->points->len, ==, 3 * n.programs + 2 * n.erases);
    g_assert_cmpuint (plan->not_applicable[FM_TORN_LOWERPAGE], ==, n.programs + n.erases);
    g_assert_cmpuint (plan->not_applicable[FM_TORN_SOMEBITS], ==, n.erases);
    g_assert_cmpuint (plan->not_applicable[FM_TORN_PARTLY_ERASED], ==, n.programs);
    g_assert_cmpuint (plan->not_applicable[FM_TORN_SEEDED], ==, 0);
    /* and reads take none of them */
    cov.all_ops = TRUE;
    {
      g_autoptr (FmCampaignPlan) with_reads = plan_of (&r, &cov);

      g_assert_cmpuint (with_reads->points->len, ==, plan->points->len);
      g_assert_cmpuint (with_reads->not_applicable[FM_TORN_UNSTABLE], ==, n.erases + n.reads);
    }
  }
}

/* On MLC, lowerpage applies to the upper pages only. */
static void
test_plan_lowerpage_on_mlc (void)
{
  g_auto (FmTestRecording) r = { 0 };
  FmCoverage cov = { .torn = 1u << FM_TORN_LOWERPAGE };
  g_autoptr (FmCampaignPlan) plan = NULL;
  OpCounts n;

  fm_test_record_blocks (&r, "micron-mt29f32g", 4, 700, NULL);
  n = count_ops (&r, 1, G_MAXUINT64);
  g_assert_cmpuint (n.upper_pages, >, 0);
  g_assert_cmpuint (n.upper_pages, <, n.programs);
  plan = plan_of (&r, &cov);
  g_assert_cmpuint (plan->points->len, ==, n.upper_pages);
  g_assert_cmpuint (plan->not_applicable[FM_TORN_LOWERPAGE], ==, n.programs - n.upper_pages + n.erases);
}

/* ---- the walk ------------------------------------------------------------ */

static FmImage *
open_base (FmTestRecording *r)
{
  g_autoptr (GError) error = NULL;
  FmImage *base = fm_image_open (r->base_path, r->desc, TRUE, &error);

  g_assert_no_error (error);
  return base;
}

/* No prefix of a walk is left in DIR. */
static void
assert_no_walk_files (const gchar *dir)
{
  g_autofree gchar *names = fm_test_dir_listing (dir);

  g_assert_null (strstr (names, "cut-prefix-"));
}

/* The cut image CUT of WALK's operation as the standalone image PATH, as
 * a campaign keeps one: its overlay stands on the walk's prefix, which
 * goes with the walk. */
static void
make_kept_cut (FmCampaignWalk *walk, const FmChipDesc *d, const FmCut *cut, const gchar *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *overlay_path = g_strconcat (path, ".overlay", NULL);
  g_autoptr (FmImage) overlay = NULL;

  g_assert_true (fm_campaign_walk_make_cut (walk, cut, overlay_path, &error));
  g_assert_no_error (error);
  overlay = fm_image_open (overlay_path, d, TRUE, &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_assert_true (fm_image_flatten_to (overlay, path, &error));
  g_assert_no_error (error);
  g_clear_pointer (&overlay, fm_image_close);
  g_unlink (overlay_path);
}

static FmImage *
open_cut (FmTestRecording *r, const gchar *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *path = g_build_filename (r->dir, name, NULL);
  FmImage *image = fm_image_open (path, r->desc, TRUE, &error);

  g_assert_no_error (error);
  return image;
}

/* A clean cut at N is replay to N - 1; a torn (seeded) cut at N is
 * replay to N torn: the images a live power cut leaves. */
static void
test_walk_cuts_match_replay (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autoptr (FmImage) base = NULL;
  g_autoptr (FmCampaignWalk) walk = NULL;
  g_autofree gchar *cut_path = NULL;
  OpCounts n;
  guint64 seqs[3] = { 0 };
  guint found = 0;

  fm_test_record (&r, NULL, 800, NULL);
  n = count_ops (&r, 1, G_MAXUINT64);
  g_assert_cmpuint (n.erases, >, 0);
  /* a program after a read, an erase, a late program */
  {
    g_autoptr (FmJournalReader) scan = fm_journal_reader_open (r.journal_path, NULL);
    FmJournalRecord rec, prev = { 0 };

    while (fm_journal_reader_next (scan, &rec))
      {
        if (!seqs[0] && rec.op == FM_NAND_OP_PROGRAM && prev.op == FM_NAND_OP_READ && rec.seq > 50)
          seqs[found++] = rec.seq;
        else if (found == 1 && rec.op == FM_NAND_OP_ERASE && rec.seq > seqs[0])
          seqs[found++] = rec.seq;
        else if (found == 2 && rec.op == FM_NAND_OP_PROGRAM && rec.seq > 700)
          seqs[found++] = rec.seq;
        prev = rec;
      }
  }
  g_assert_cmpuint (found, ==, 3);
  reader = fm_journal_reader_open (r.journal_path, &error);
  g_assert_no_error (error);
  base = open_base (&r);
  walk = fm_campaign_walk_new (base, r.desc, reader, 0, r.dir, &error);
  g_assert_no_error (error);
  cut_path = g_build_filename (r.dir, "cut.img", NULL);
  for (guint i = 0; i < found; i++)
    {
      FmCut clean = { FM_CUT_CLEAN, FM_TORN_SEEDED }, torn = { FM_CUT_TORN, FM_TORN_SEEDED };

      g_assert_true (fm_campaign_walk_to (walk, seqs[i], &error));
      g_assert_no_error (error);
      g_assert_cmpuint (fm_campaign_walk_record (walk)->seq, ==, seqs[i]);
      g_assert_true (fm_campaign_walk_make_cut (walk, &clean, cut_path, &error));
      g_assert_no_error (error);
      {
        g_autofree gchar *name = g_strdup_printf ("clean-%u.img", i);
        g_autoptr (FmImage) cut = open_cut (&r, "cut.img");
        g_autoptr (FmImage) want = fm_test_replayed (&r, seqs[i] - 1, FM_CUT_CLEAN, name);

        fm_test_assert_same_chip (cut, want, r.desc);
        g_assert_cmpuint (fm_image_age_ns (cut), ==, fm_image_age_ns (want));
      }
      g_assert_true (fm_campaign_walk_make_cut (walk, &torn, cut_path, &error));
      g_assert_no_error (error);
      {
        g_autofree gchar *name = g_strdup_printf ("torn-%u.img", i);
        g_autoptr (FmImage) cut = open_cut (&r, "cut.img");
        g_autoptr (FmImage) want = fm_test_replayed (&r, seqs[i], FM_CUT_TORN, name);

        fm_test_assert_same_chip (cut, want, r.desc);
        g_assert_cmpuint (fm_image_age_ns (cut), ==, fm_image_age_ns (want));
      }
    }
  /* Cut points go forward only, and only within the journal. */
  g_assert_false (fm_campaign_walk_to (walk, seqs[0], &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fm_campaign_walk_to (walk, r.ops + 1, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_clear_pointer (&walk, fm_campaign_walk_free);
  assert_no_walk_files (r.dir);
}

/* ---- duplicates ---------------------------------------------------------- */

static gchar *
file_contents (const gchar *path)
{
  g_autoptr (GError) error = NULL;
  gchar *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 0);
  return data;
}

static gsize
file_size (const gchar *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

/* A journal with a program the chip refuses (a factory bad block) and
 * erases of blocks that hold nothing: the cuts that provably repeat an
 * image of their operation are found, and each really is the image it
 * names. The clean cut before 4 is the one before 3 too, but cuts of two
 * operations are not compared (marks may lie between them). Ops: 1 erase
 * of empty block 1, 2 program 1/0, 3 program of bad block 5 (refused),
 * 4 program 1/1, 5 read 1/0, 6 program 1/2, 7 erase of empty block 2. */
static void
test_duplicates (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *dir = g_dir_make_tmp ("test-campaign-XXXXXX", NULL);
  g_autofree gchar *base_path = g_build_filename (dir, "base.img", NULL);
  g_autofree gchar *live_path = g_build_filename (dir, "live.img", NULL);
  g_autofree gchar *journal_path = g_build_filename (dir, "run.journal", NULL);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) expect = g_hash_table_new (g_str_hash, g_str_equal);
  FmNandCreateOptions create = { 7, 0 };
  gsize len = d->page_size + d->oob_size;
  g_autofree guint8 *data = fm_test_pattern (len, 3);
  guint8 *buf = g_malloc (len);
  FmCoverage cov = { .clean = TRUE, .torn = (1u << FM_TORN_N_VARIANTS) - 1 };
  guint duplicates = 0;

  {
    g_autoptr (FmImage) base = fm_nand_create_image (d, base_path, &create, &error);
    g_autoptr (FmNand) nand = NULL;
    g_autoptr (FmJournalWriter) w = NULL;

    g_assert_no_error (error);
    fm_image_block (base, 5)->flags = FM_BLOCK_FACTORY_BAD;
    g_assert_true (fm_image_copy_to (base, live_path, &error));
    nand = fm_nand_new (d, fm_image_open (live_path, d, FALSE, &error), FM_TIMING_NONE, &error);
    g_assert_no_error (error);
    w = fm_journal_writer_new (journal_path, fm_nand_image (nand), d, 1, FALSE, &error);
    g_assert_no_error (error);
    fm_nand_set_observer (nand, fm_journal_writer_observe, w);
    g_assert_true (fm_nand_erase_block (nand, 1, NULL));
    g_assert_true (fm_nand_program_page (nand, 1, 0, data, NULL));
    g_assert_false (fm_nand_program_page (nand, 5, 0, data, NULL));
    g_assert_true (fm_nand_program_page (nand, 1, 1, data, NULL));
    g_assert_true (fm_nand_read_page (nand, 1, 0, buf, NULL));
    g_assert_true (fm_nand_program_page (nand, 1, 2, data, NULL));
    g_assert_true (fm_nand_erase_block (nand, 2, NULL));
    g_assert_cmpuint (fm_journal_writer_records (w), ==, 7);
    g_assert_true (fm_journal_writer_close (g_steal_pointer (&w), &error));
  }
  /* cut -> the cut it repeats */
  g_hash_table_insert (expect, "1:partly-erased", "1:torn");
  g_hash_table_insert (expect, "1:mostly-erased", "1:torn");
  g_hash_table_insert (expect, "3:torn", "3:clean");
  g_hash_table_insert (expect, "3:somebits", "3:clean");
  g_hash_table_insert (expect, "3:mostbits", "3:clean");
  g_hash_table_insert (expect, "3:unstable", "3:clean");
  g_hash_table_insert (expect, "7:partly-erased", "7:torn");
  g_hash_table_insert (expect, "7:mostly-erased", "7:torn");
  {
    g_autoptr (FmJournalReader) reader = fm_journal_reader_open (journal_path, &error);
    g_autoptr (FmCampaignPlan) plan = NULL;
    g_autoptr (FmImage) base = fm_image_open (base_path, d, TRUE, &error);
    g_autoptr (FmCampaignWalk) walk = NULL;

    g_assert_no_error (error);
    plan = fm_campaign_plan_new (reader, d, &cov);
    walk = fm_campaign_walk_new (base, d, reader, 0, dir, &error);
    g_assert_no_error (error);
    for (guint k = 0; k < plan->points->len; k++)
      {
        const FmCutPoint *p = &g_array_index (plan->points, FmCutPoint, k);
        g_autofree gchar *name = g_strdup_printf ("%" G_GUINT64_FORMAT ":%s", p->seq, fm_cut_to_string (&p->cut));
        g_autofree gchar *path = g_strdup_printf ("%s/cut-%u.img", dir, k);
        const gchar *want = g_hash_table_lookup (expect, name);
        guint64 same;

        g_assert_true (fm_campaign_walk_to (walk, p->seq, &error));
        g_assert_no_error (error);
        /* Every cut is made, duplicates too, to compare them. */
        g_assert_true (fm_campaign_walk_make_cut (walk, &p->cut, path, &error));
        g_assert_no_error (error);
        g_ptr_array_add (paths, g_strdup (path));
        if (fm_campaign_walk_duplicate (walk, &p->cut, k, &same))
          {
            const FmCutPoint *o = &g_array_index (plan->points, FmCutPoint, same);
            g_autofree gchar *other = g_strdup_printf ("%" G_GUINT64_FORMAT ":%s", o->seq, fm_cut_to_string (&o->cut));
            g_autofree gchar *a = file_contents (path);
            g_autofree gchar *b = file_contents (paths->pdata[same]);

            g_test_message ("%s is %s", name, other);
            g_assert_cmpstr (want, ==, other);
            g_assert_cmpuint (file_size (path), ==, file_size (paths->pdata[same]));
            g_assert_cmpmem (a, file_size (path), b, file_size (path));
            duplicates++;
          }
        else
          g_assert_null (want);
      }
  }
  g_assert_cmpuint (duplicates, ==, g_hash_table_size (expect));
  for (guint i = 0; i < paths->len; i++)
    g_unlink (paths->pdata[i]);
  g_unlink (base_path);
  g_unlink (live_path);
  g_unlink (journal_path);
  g_rmdir (dir);
  g_free (buf);
}

/* ---- rebuilding from an ID ----------------------------------------------- */

/* OPS operations of a workload on IMAGE_PATH (the last 4 blocks),
 * recorded in JOURNAL_PATH: a file system's recovery after a cut. */
static void
record_recovery (const FmChipDesc *d, const gchar *image_path, const gchar *journal_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmNand) nand = fm_nand_new (d, fm_image_open (image_path, d, FALSE, &error),
                                         FM_TIMING_VIRTUAL, &error);
  g_autoptr (FmJournalWriter) w = NULL;

  g_assert_no_error (error);
  w = fm_journal_writer_new (journal_path, fm_nand_image (nand), d, 1, FALSE, &error);
  g_assert_no_error (error);
  fm_nand_set_observer (nand, fm_journal_writer_observe, w);
  g_assert_true (fm_test_workload (nand, fm_chip_desc_blocks (d) - 4, 4, 120, 13, &error));
  fm_nand_set_observer (nand, NULL, NULL);
  g_assert_true (fm_journal_writer_close (g_steal_pointer (&w), &error));
  g_assert_no_error (error);
}

/* Where a standalone image's header holds its generation, drawn at random
 * for every new image (fm-image.c), and the header's checksum over it. */
#define IMAGE_GENERATION_OFF 144
#define IMAGE_HEADER_CRC_OFF (FM_IMAGE_HEADER_SIZE - 4)

/* Two standalone images (flattened: slots in page order) hold the same
 * chip byte for byte, but for their generations and header checksums. */
static void
assert_same_image_file (const gchar *a, const gchar *b)
{
  g_autofree gchar *x = file_contents (a), *y = file_contents (b);
  gsize size = file_size (a);

  g_assert_cmpuint (size, ==, file_size (b));
  g_assert_cmpuint (size, >=, FM_IMAGE_HEADER_SIZE);
  memset (x + IMAGE_GENERATION_OFF, 0, 8);
  memset (y + IMAGE_GENERATION_OFF, 0, 8);
  memset (x + IMAGE_HEADER_CRC_OFF, 0, 4);
  memset (y + IMAGE_HEADER_CRC_OFF, 0, 4);
  g_assert_cmpmem (x, size, y, size);
}

/* The image an ID names, rebuilt from the start, is the campaign's own
 * byte for byte, at depth 1 and 2; a recovery journal of another image
 * and a variant that does not apply are refused. */
static void
test_rebuild (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree gchar *cut = NULL, *first = NULL, *pristine = NULL, *recovery = NULL;
  g_autofree gchar *rebuilt = NULL, *second = NULL, *other = NULL;
  FmCutId id = { .depth = 1, .tear_seed = 3 };
  FmJournalRecord records[FM_CUT_ID_MAX_DEPTH];
  FmCut somebits = { FM_CUT_TORN, FM_TORN_SOMEBITS }, clean = { FM_CUT_CLEAN, FM_TORN_SEEDED };
  guint64 seq = 0, seq2 = 0;

  fm_test_record (&r, NULL, 500, NULL);
  cut = g_build_filename (r.dir, "cut.img", NULL);
  first = g_build_filename (r.dir, "first.img", NULL);
  pristine = g_build_filename (r.dir, "pristine.img", NULL);
  recovery = g_build_filename (r.dir, "recovery.journal", NULL);
  rebuilt = g_build_filename (r.dir, "rebuilt.img", NULL);
  second = g_build_filename (r.dir, "second.img", NULL);
  other = g_build_filename (r.dir, "other.journal", NULL);
  {
    g_autoptr (FmJournalReader) scan = fm_journal_reader_open (r.journal_path, NULL);
    FmJournalRecord rec;

    while (fm_journal_reader_next (scan, &rec))
      if (rec.op == FM_NAND_OP_PROGRAM && rec.seq > 300 && !seq)
        seq = rec.seq;
  }
  /* The campaign's way: walk to SEQ, cut (tear seed 3), and the second
   * level from the cut as made. */
  {
    g_autoptr (FmJournalReader) reader = fm_journal_reader_open (r.journal_path, NULL);
    g_autoptr (FmImage) base = open_base (&r);
    g_autoptr (FmCampaignWalk) walk = fm_campaign_walk_new (base, r.desc, reader, 3, r.dir, &error);

    g_assert_true (fm_campaign_walk_to (walk, seq, &error));
    g_assert_no_error (error);
    make_kept_cut (walk, r.desc, &somebits, cut);
    make_kept_cut (walk, r.desc, &somebits, first);
    make_kept_cut (walk, r.desc, &somebits, pristine);
  }
  record_recovery (r.desc, first, recovery);
  {
    g_autoptr (FmJournalReader) reader = fm_journal_reader_open (recovery, NULL);
    g_autoptr (FmImage) image = fm_image_open (pristine, r.desc, TRUE, &error);
    g_autoptr (FmCampaignWalk) walk = fm_campaign_walk_new (image, r.desc, reader, 3, r.dir, &error);
    FmJournalRecord rec;

    while (fm_journal_reader_next (reader, &rec))
      if (rec.op == FM_NAND_OP_PROGRAM && rec.seq > 40 && !seq2)
        seq2 = rec.seq;
    g_assert_cmpuint (seq2, >, 0);
    fm_journal_reader_rewind (reader);
    g_assert_true (fm_campaign_walk_to (walk, seq2, &error));
    g_assert_no_error (error);
    make_kept_cut (walk, r.desc, &clean, second);
  }

  id.level[0].point.seq = seq;
  id.level[0].point.cut = somebits;
  {
    g_autoptr (FmJournalReader) reader = fm_journal_reader_open (r.journal_path, NULL);
    g_autoptr (FmImage) base = open_base (&r);

    g_assert_true (fm_campaign_rebuild (base, r.desc, reader, &id, NULL, r.dir, rebuilt, records, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (records[0].seq, ==, seq);
    g_assert_cmpuint (records[0].op, ==, FM_NAND_OP_PROGRAM);
    assert_same_image_file (rebuilt, cut);
  }
  id.depth = 2;
  id.level[1].point.seq = seq2;
  id.level[1].point.cut = clean;
  {
    g_autoptr (FmJournalReader) reader = fm_journal_reader_open (r.journal_path, NULL);
    g_autoptr (FmJournalReader) rec_reader = fm_journal_reader_open (recovery, NULL);
    g_autoptr (FmImage) base = open_base (&r);

    g_unlink (rebuilt);
    g_assert_true (fm_campaign_rebuild (base, r.desc, reader, &id, rec_reader, r.dir, rebuilt,
                                        records, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (records[1].seq, ==, seq2);
    assert_same_image_file (rebuilt, second);
    assert_no_walk_files (r.dir);
  }
  /* Standalone: it needs none of the walks' prefixes, nor the base. */
  {
    g_autoptr (FmImage) image = fm_image_open (rebuilt, r.desc, TRUE, &error);

    g_assert_no_error (error);
    g_assert_false (fm_image_is_overlay (image));
  }
  /* The recovery of another first cut does not start from this one. */
  {
    g_autoptr (FmJournalReader) reader = fm_journal_reader_open (r.journal_path, NULL);
    g_autoptr (FmJournalReader) rec_reader = NULL;
    g_autoptr (FmImage) base = open_base (&r);

    id.level[0].point.cut = clean;
    g_unlink (first);
    g_assert_true (fm_campaign_rebuild (base, r.desc, reader, &(FmCutId) { .depth = 1, .level[0] = id.level[0] },
                                        NULL, r.dir, first, NULL, &error));
    record_recovery (r.desc, first, other);
    fm_journal_reader_rewind (reader);
    rec_reader = fm_journal_reader_open (other, NULL);
    id.level[0].point.cut = somebits;
    g_assert_false (fm_campaign_rebuild (base, r.desc, reader, &id, rec_reader, r.dir, rebuilt,
                                         NULL, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
    assert_no_walk_files (r.dir);
  }
  /* A variant that does not apply to the operation. */
  {
    g_autoptr (FmJournalReader) reader = fm_journal_reader_open (r.journal_path, NULL);
    g_autoptr (FmImage) base = open_base (&r);

    id.depth = 1;
    id.level[0].point.cut.variant = FM_TORN_LOWERPAGE;
    g_assert_false (fm_campaign_rebuild (base, r.desc, reader, &id, NULL, r.dir, rebuilt, NULL, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/campaign/cut-id-round-trip", test_cut_id_round_trip);
  g_test_add_func ("/campaign/cut-id-refused", test_cut_id_refused);
  g_test_add_func ("/campaign/cut-id-order", test_cut_id_order);
  g_test_add_func ("/campaign/plan-coverage", test_plan_coverage);
  g_test_add_func ("/campaign/plan-lowerpage-on-mlc", test_plan_lowerpage_on_mlc);
  g_test_add_func ("/campaign/walk-cuts-match-replay", test_walk_cuts_match_replay);
  g_test_add_func ("/campaign/duplicates", test_duplicates);
  g_test_add_func ("/campaign/rebuild", test_rebuild);
  return g_test_run ();
}
