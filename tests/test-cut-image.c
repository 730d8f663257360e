/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cut images (fm-cut-image.h): each is the image a replay from the start
 * to its cut gives, several live together and take writes of their own,
 * and what one costs on disk is its own operation. */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

/* Same pages, program counts, block records (all of each), age. */
static void
assert_same_cut (FmImage *a, FmImage *b, const FmChipDesc *d)
{
  fm_test_assert_same_chip (a, b, d);
  for (guint32 blk = 0; blk < fm_chip_desc_blocks (d); blk++)
    g_assert_cmpmem (fm_image_block (a, blk), sizeof (FmBlockMeta), fm_image_block (b, blk), sizeof (FmBlockMeta));
  g_assert_cmpuint (fm_image_age_ns (a), ==, fm_image_age_ns (b));
  g_assert_cmpuint (fm_image_pages_with_data (a), ==, fm_image_pages_with_data (b));
}

static FmCutMaker *
new_maker (FmTestRecording *r, FmImage **base)
{
  g_autoptr (GError) error = NULL;
  FmCutMaker *maker;

  *base = fm_image_open (r->base_path, r->desc, TRUE, &error);
  g_assert_no_error (error);
  maker = fm_cut_maker_new (*base, r->desc, r->dir, &error);
  g_assert_no_error (error);
  return maker;
}

/* Every EVERY-th operation cut clean and torn: the cut image is what a
 * copy of the base replayed to that operation is. */
static void
check_against_replay (const gchar *chip, guint32 blocks, guint64 ops, guint64 every)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autofree gchar *cut_path = NULL, *replayed_path = NULL;
  FmJournalRecord rec;
  FmImage *base;
  FmCutMaker *maker;
  guint checked = 0;

  fm_test_record_blocks (&r, chip, blocks, ops, NULL);
  reader = fm_journal_reader_open (r.journal_path, &error);
  g_assert_no_error (error);
  maker = new_maker (&r, &base);
  cut_path = g_build_filename (r.dir, "cut.img", NULL);
  replayed_path = g_build_filename (r.dir, "replayed.img", NULL);
  while (fm_journal_reader_next (reader, &rec))
    {
      if (rec.seq % every == 0 || rec.seq == 1)
        for (FmCutKind kind = FM_CUT_CLEAN; kind <= FM_CUT_TORN; kind++)
          {
            g_autoptr (FmImage) cut = NULL;
            g_autoptr (FmImage) replayed = fm_test_replayed (&r, rec.seq, kind, "replayed.img");

            g_assert_true (fm_cut_maker_make (maker, &rec, kind, cut_path, &error));
            g_assert_no_error (error);
            cut = fm_image_open (cut_path, r.desc, TRUE, &error);
            g_assert_no_error (error);
            assert_same_cut (cut, replayed, r.desc);
            g_clear_pointer (&replayed, fm_image_close);
            g_unlink (replayed_path);
            checked++;
          }
      g_assert_true (fm_cut_maker_advance (maker, &rec, &error));
    }
  g_assert_cmpuint (checked, >=, 2 * (r.ops / every));
  fm_cut_maker_free (maker);
  fm_image_close (base);
  g_unlink (cut_path);
}

static void
test_equals_replay (void)
{
  check_against_replay (NULL, 0, 3000, 97);
}

/* An MLC part (paired pages: a torn upper page destroys its lower page)
 * of 4 GiB, the workload on a few of its blocks. */
static void
test_equals_replay_mlc (void)
{
  check_against_replay ("micron-mt29f32g", 6, 2500, 211);
}

/* Cuts kept while the maker goes on (a campaign's parallel checks), each
 * written by its check: each is its cut plus its own writes. */
static void
test_parallel_cuts (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autofree guint8 *data = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autofree gchar *base_before = NULL;
  FmJournalRecord rec;
  FmImage *base;
  FmCutMaker *maker;

  fm_test_record (&r, NULL, 2000, NULL);
  data = fm_test_pattern (r.desc->page_size + r.desc->oob_size, 4);
  {
    g_autofree gchar *contents = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (r.base_path, &contents, &len, NULL));
    base_before = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  }
  reader = fm_journal_reader_open (r.journal_path, &error);
  g_assert_no_error (error);
  maker = new_maker (&r, &base);
  while (fm_journal_reader_next (reader, &rec))
    {
      if (rec.seq % 400 == 0)
        {
          gchar *path = g_strdup_printf ("%s/cut-%" G_GUINT64_FORMAT ".img", r.dir, rec.seq);

          g_assert_true (fm_cut_maker_make (maker, &rec, FM_CUT_TORN, path, &error));
          g_ptr_array_add (paths, path);
          g_array_append_val (seqs, rec.seq);
        }
      g_assert_true (fm_cut_maker_advance (maker, &rec, &error));
    }
  g_assert_cmpuint (paths->len, ==, 5);
  /* Each check writes its image: block 60 erased and its first page
   * programmed, as a file system recovering would. */
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (FmNand) nand = fm_nand_new (r.desc, fm_image_open (paths->pdata[i], r.desc, FALSE, &error),
                                             FM_TIMING_NONE, &error);

      g_assert_no_error (error);
      if (fm_nand_erase_block (nand, 60, NULL))
        g_assert_true (fm_nand_program_page (nand, 60, 0, data, &error));
    }
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (FmImage) replayed = fm_test_replayed (&r, g_array_index (seqs, guint64, i), FM_CUT_TORN,
                                                       "replayed.img");
      g_autoptr (FmImage) cut = NULL;

      /* The same writes on the replayed copy. */
      {
        g_autofree gchar *name = g_build_filename (r.dir, "replayed.img", NULL);
        g_autoptr (FmNand) nand = NULL;

        g_clear_pointer (&replayed, fm_image_close);
        nand = fm_nand_new (r.desc, fm_image_open (name, r.desc, FALSE, &error), FM_TIMING_NONE, &error);
        g_assert_no_error (error);
        if (fm_nand_erase_block (nand, 60, NULL))
          g_assert_true (fm_nand_program_page (nand, 60, 0, data, &error));
        g_clear_pointer (&nand, fm_nand_free);
        replayed = fm_image_open (name, r.desc, TRUE, &error);
        g_unlink (name);
      }
      cut = fm_image_open (paths->pdata[i], r.desc, TRUE, &error);
      g_assert_no_error (error);
      fm_test_assert_same_chip (cut, replayed, r.desc);
      g_unlink (paths->pdata[i]);
    }
  fm_cut_maker_free (maker);
  fm_image_close (base);
  {
    g_autofree gchar *contents = NULL;
    g_autofree gchar *base_after = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (r.base_path, &contents, &len, NULL));
    base_after = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
    g_assert_cmpstr (base_before, ==, base_after);
  }
}

/* A cut file holds its own operation only, wherever in the journal it
 * is: a block's pages at most, never the prefix. */
static void
test_cut_size (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autofree gchar *cut_path = NULL;
  guint64 slot = (2048 + 64 + 7) & ~7, most = 0;
  FmJournalRecord rec;
  FmImage *base;
  FmCutMaker *maker;

  fm_test_record (&r, NULL, 3000, NULL);
  reader = fm_journal_reader_open (r.journal_path, &error);
  g_assert_no_error (error);
  maker = new_maker (&r, &base);
  cut_path = g_build_filename (r.dir, "cut.img", NULL);
  while (fm_journal_reader_next (reader, &rec))
    {
      if (rec.op != FM_NAND_OP_READ)
        {
          struct stat st;

          g_assert_true (fm_cut_maker_make (maker, &rec, FM_CUT_TORN, cut_path, &error));
          g_assert_cmpint (g_stat (cut_path, &st), ==, 0);
          most = MAX (most, (guint64) st.st_size);
        }
      g_assert_true (fm_cut_maker_advance (maker, &rec, &error));
    }
  g_test_message ("largest cut file: %" G_GUINT64_FORMAT " bytes", most);
  /* Header; a data frame with a block's 8 slots, a page frame for each
   * and (erased by a torn erase) no-data frames; the block record, age,
   * a sync. */
  g_assert_cmpuint (most, <=, 4096 + 32 + 8 * (slot + 32 + 32) + 96 + 48 + 48);
  fm_cut_maker_free (maker);
  fm_image_close (base);
  g_unlink (cut_path);
}

typedef struct {
  guint64 seq;
  guint calls;
} Custom;

static gboolean
mark_page (FmImage *image, const FmChipDesc *desc, const FmJournalRecord *record, gpointer user_data,
           GError **error)
{
  Custom *c = user_data;
  guint8 *cells = fm_image_page_mut (image, 0, error);

  (void) desc;
  g_assert_cmpuint (record->seq, ==, c->seq);
  c->calls++;
  if (!cells)
    return FALSE;
  memset (cells, 0, 16);
  return TRUE;
}

static gboolean
fail_cut (FmImage *image, const FmChipDesc *desc, const FmJournalRecord *record, gpointer user_data,
          GError **error)
{
  (void) image;
  (void) desc;
  (void) record;
  (void) user_data;
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID, "no such variant");
  return FALSE;
}

/* A campaign's own cut operation; a failing one leaves nothing; the
 * prefix goes with the maker, so a cut to keep is flattened first. */
static void
test_make_with (void)
{
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autofree gchar *cut_path = NULL, *kept = NULL;
  FmJournalRecord rec;
  Custom c = { 0, 0 };
  g_autofree guint8 *page0 = NULL;
  FmImage *base;
  FmCutMaker *maker;

  fm_test_record (&r, NULL, 500, NULL);
  reader = fm_journal_reader_open (r.journal_path, &error);
  g_assert_no_error (error);
  maker = new_maker (&r, &base);
  cut_path = g_build_filename (r.dir, "cut.img", NULL);
  kept = g_build_filename (r.dir, "kept.img", NULL);
  for (guint i = 0; i < 300; i++)
    {
      g_assert_true (fm_journal_reader_next (reader, &rec));
      g_assert_true (fm_cut_maker_advance (maker, &rec, &error));
    }
  g_assert_true (fm_journal_reader_next (reader, &rec));
  c.seq = rec.seq;
  if (fm_image_page (fm_cut_maker_prefix (maker), 0))
    page0 = g_memdup2 (fm_image_page (fm_cut_maker_prefix (maker), 0), 16);
  g_assert_true (fm_cut_maker_make_with (maker, &rec, mark_page, &c, cut_path, &error));
  g_assert_cmpuint (c.calls, ==, 1);
  {
    g_autoptr (FmImage) cut = fm_image_open (cut_path, r.desc, TRUE, &error);

    g_assert_no_error (error);
    g_assert_cmphex (fm_image_page (cut, 0)[15], ==, 0);
    /* The prefix does not see what the cut did. */
    if (page0)
      g_assert_cmpmem (fm_image_page (fm_cut_maker_prefix (maker), 0), 16, page0, 16);
    else
      g_assert_null (fm_image_page (fm_cut_maker_prefix (maker), 0));
    g_assert_true (fm_image_flatten_to (cut, kept, &error));
  }
  g_assert_false (fm_cut_maker_make_with (maker, &rec, fail_cut, NULL, cut_path, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (g_file_test (cut_path, G_FILE_TEST_EXISTS));
  g_assert_true (fm_cut_maker_make (maker, &rec, FM_CUT_CLEAN, cut_path, &error));
  fm_cut_maker_free (maker);
  fm_image_close (base);
  {
    g_autoptr (FmImage) gone = fm_image_open (cut_path, r.desc, TRUE, &error);
    g_autoptr (FmImage) standalone = NULL;

    g_assert_null (gone);
    g_assert_error (error, FM_ERROR, FM_ERROR_IO);
    g_clear_error (&error);
    standalone = fm_image_open (kept, r.desc, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmphex (fm_image_page (standalone, 0)[15], ==, 0);
  }
  g_unlink (cut_path);
  g_unlink (kept);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cut-image/equals-replay", test_equals_replay);
  g_test_add_func ("/cut-image/equals-replay-mlc", test_equals_replay_mlc);
  g_test_add_func ("/cut-image/parallel-cuts", test_parallel_cuts);
  g_test_add_func ("/cut-image/cut-size", test_cut_size);
  g_test_add_func ("/cut-image/make-with", test_make_with);
  return g_test_run ();
}
