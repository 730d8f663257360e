/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * powercut-bench: what a power-cut campaign costs per cut point.
 *
 * 1. The campaign engine against the obvious alternative measured in the
 *    same run: for each cut point, copy the base image and replay the
 *    journal from its first operation. The journal is a file-system-like
 *    workload (tests/fm-test-util.c) on 256 blocks of micron-mt29f4g.
 *
 * 2. Whether a cut's cost depends on the image's size: the same journal
 *    workload (256 blocks of micron-mt29f32g, a 4 GiB MLC part, the same
 *    seed and bad blocks) recorded on two images of it, one with 30 MiB
 *    of pages written (a 34 MiB file) and one mostly written (3.9 GiB),
 *    and cut at the same points on both by fm-cut-image.h: the time per
 *    cut (the operations since the previous cut plus the cut's own image),
 *    the ratio between the two, cut points per minute with the cheapest
 *    check (open the cut image and close it), and what opening a cut
 *    image costs (what muse-chip pays before serving it). The copy-based
 *    cut of before (copy the image, then cut the copy) is timed on both
 *    for comparison. Both images and their journals are made once and
 *    kept in a cache directory (writing 4 GiB takes a while).
 *
 * The check is the cheapest possible (the cut image is opened and its
 * tables verified), so the figures are the campaign's own cost, which a
 * real check (mounting a file system) adds to.
 *
 *   powercut-bench [--quick] [--no-big] [--cache DIR]
 *
 * --quick: a short smoke run (part 1 small, part 2 on the 34 MiB image
 * only); --no-big: part 2 without the 4 GiB image; --cache: where the
 * prepared images live (default: powercut-bench-cache next to this
 * program).
 */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- 1. the campaign against replay from the start ---- */

typedef struct {
  const FmChipDesc *desc;
  guint checked;
  gint64 first_half_us, second_half_us; /* time in cuts of each half */
  guint half;
  gint64 last;
} Timing;

static gboolean
open_and_close (gpointer user_data, const gchar *path, const FmJournalRecord *rec, FmCutKind kind,
                GError **error)
{
  Timing *t = user_data;
  FmImage *image = fm_image_open (path, t->desc, TRUE, error);
  gint64 now;

  (void) rec;
  (void) kind;
  if (!image)
    return FALSE;
  fm_image_close (image);
  now = g_get_monotonic_time ();
  if (t->checked++ < t->half)
    t->first_half_us += now - t->last;
  else
    t->second_half_us += now - t->last;
  t->last = now;
  return TRUE;
}

static void
campaign_against_replay (gboolean quick)
{
  guint64 ops = quick ? 20000 : 200000;
  guint n_points = quick ? 40 : 400, n_naive = quick ? 8 : 20;
  g_auto (FmTestRecording) r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autoptr (FmImage) base = NULL;
  g_autoptr (GArray) points = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autofree gchar *cut_path = NULL;
  FmCutKind torn = FM_CUT_TORN;
  Timing t = { 0 };
  gdouble ours_s, naive_s, ours_rate, naive_rate;
  gint64 start;

  g_printerr ("powercut-bench: recording %" G_GUINT64_FORMAT " operations on micron-mt29f4g...\n", ops);
  /* 256 blocks (32 MiB, a UBI partition's worth) written over and over:
   * the image stops growing, and the cost per cut should stop too. */
  fm_test_record_blocks (&r, "micron-mt29f4g", 256, ops, NULL);
  reader = fm_journal_reader_open (r.journal_path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_points; i++)
    {
      guint64 seq = 1 + (r.ops - 1) * (i + 1) / n_points;

      g_array_append_val (points, seq);
    }

  /* The campaign engine. */
  cut_path = g_build_filename (r.dir, "cut.img", NULL);
  base = fm_image_open (r.base_path, r.desc, TRUE, &error);
  g_assert_no_error (error);
  t.desc = r.desc;
  t.half = n_points / 2;
  start = t.last = g_get_monotonic_time ();
  if (!fm_campaign_run (base, r.desc, reader, (const guint64 *) points->data, points->len,
                        &torn, 1, cut_path, open_and_close, &t, &error))
    g_error ("%s", error->message);
  ours_s = (g_get_monotonic_time () - start) / 1e6;
  g_clear_pointer (&base, fm_image_close);

  /* The peer: replay from the start for each of a few cut points spread
   * over the journal (its cost grows with the point, so an even spread
   * gives its mean). */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_naive; i++)
    {
      guint64 seq = g_array_index (points, guint64, (guint64) (n_points - 1) * i / (n_naive - 1));
      g_autoptr (FmImage) base = fm_image_open (r.base_path, r.desc, TRUE, &error);
      g_autoptr (FmImage) cut = NULL;

      g_assert_no_error (error);
      g_unlink (cut_path);
      g_assert_true (fm_image_copy_to (base, cut_path, &error));
      cut = fm_image_open (cut_path, r.desc, FALSE, &error);
      g_assert_no_error (error);
      fm_journal_reader_rewind (reader);
      if (!fm_replay_until (cut, r.desc, reader, seq, FM_CUT_TORN, NULL, NULL, &error))
        g_error ("%s", error->message);
    }
  naive_s = (g_get_monotonic_time () - start) / 1e6;
  g_unlink (cut_path);

  ours_rate = n_points / ours_s * 60;
  naive_rate = n_naive / naive_s * 60;
  printf ("== the campaign against replay from the start ==\n");
  printf ("journal: %" G_GUINT64_FORMAT " operations, %s image of %.1f MiB\n", r.ops, r.desc->name,
          fm_image_file_bytes (fm_nand_image (r.nand)) / 1048576.0);
  printf ("%-34s %10s %14s\n", "method", "cut points", "cut points/min");
  printf ("%-34s %10u %14.0f\n", "campaign (cut + operations since)", n_points, ours_rate);
  printf ("%-34s %10u %14.0f\n", "replay from the start each time", n_naive, naive_rate);
  printf ("ratio campaign / replay-from-start: %.1fx\n", ours_rate / naive_rate);
  printf ("campaign ms per cut, first half of the journal %.2f, second half %.2f\n\n",
          t.first_half_us / 1e3 / t.half, t.second_half_us / 1e3 / (n_points - t.half));
}

/* ---- 2. size independence ---- */

#define BIG_CHIP "micron-mt29f32g"
#define WORKLOAD_BLOCKS 256
#define WORKLOAD_SEED 11
#define IMAGE_SEED 5

typedef struct {
  const gchar *label;
  guint64 fill_bytes;      /* page data + OOB written before the journal */
  gchar *base_path, *journal_path;
} Case;

/* Programs pages in order from block 0 until FILL_BYTES are written,
 * with a cheap pattern of their own (bad blocks skipped, marker bytes
 * left at FFh as ECC layouts do). */
static void
fill (FmNand *nand, guint64 fill_bytes)
{
  const FmChipDesc *d = fm_nand_desc (nand);
  gsize page_bytes = fm_nand_page_bytes (nand);
  g_autofree guint64 *buf = g_malloc (page_bytes + 8);
  g_autoptr (GError) error = NULL;
  guint64 pages = fill_bytes / page_bytes, done = 0;

  for (guint32 b = 0; done < pages && b < fm_chip_desc_blocks (d); b++)
    {
      gboolean bad;

      g_assert_true (fm_nand_block_is_bad (nand, b, &bad, &error));
      if (bad)
        continue;
      for (guint p = 0; p < d->pages_per_block && done < pages; p++, done++)
        {
          guint64 x = fm_hash64 (IMAGE_SEED, b, p);

          for (gsize w = 0; w < page_bytes / 8 + 1; w++)
            buf[w] = x += 0x9e3779b97f4a7c15ull;
          memset ((guint8 *) buf + d->page_size + d->bbm_offset, 0xff, 2);
          if (!fm_nand_program_page (nand, b, p, (const guint8 *) buf, &error))
            g_error ("filling the image: %s", error->message);
        }
      if (b % 256 == 255)
        g_printerr ("powercut-bench:   %" G_GUINT64_FORMAT " MiB written\n", done * page_bytes >> 20);
    }
}

/* The case's base (FILL_BYTES written) and its journal, made in CACHE
 * unless there already: the workload on the last WORKLOAD_BLOCKS blocks,
 * recorded through an overlay on the base (no copy of it). */
static void
prepare (Case *c, const gchar *cache, guint64 ops)
{
  g_autoptr (FmChipDesc) d = fm_test_chip (BIG_CHIP);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *name = g_strdup_printf ("%s-fill%" G_GUINT64_FORMAT "m", BIG_CHIP, c->fill_bytes >> 20);
  g_autofree gchar *tmp = NULL;

  c->base_path = g_strdup_printf ("%s/%s.img", cache, name);
  c->journal_path = g_strdup_printf ("%s/%s-ops%" G_GUINT64_FORMAT ".journal", cache, name, ops);
  if (!g_file_test (c->base_path, G_FILE_TEST_EXISTS))
    {
      FmNandCreateOptions create = { IMAGE_SEED, -1 };
      gint64 start = g_get_monotonic_time ();
      FmImage *image;

      g_printerr ("powercut-bench: making %s (%" G_GUINT64_FORMAT " MiB of pages), once...\n",
                  c->base_path, c->fill_bytes >> 20);
      tmp = g_strdup_printf ("%s.partial", c->base_path);
      g_unlink (tmp);
      image = fm_nand_create_image (d, tmp, &create, &error);
      g_assert_no_error (error);
      {
        g_autoptr (FmNand) nand = fm_nand_new (d, image, FM_TIMING_NONE, &error);

        g_assert_no_error (error);
        fill (nand, c->fill_bytes);
        g_assert_true (fm_image_sync (fm_nand_image (nand), &error));
      }
      g_assert_cmpint (g_rename (tmp, c->base_path), ==, 0);
      g_printerr ("powercut-bench:   made in %.0f s\n", (g_get_monotonic_time () - start) / 1e6);
      g_clear_pointer (&tmp, g_free);
    }
  if (!g_file_test (c->journal_path, G_FILE_TEST_EXISTS))
    {
      g_autofree gchar *live = g_strdup_printf ("%s/%s-live.img", cache, name);
      g_autoptr (FmJournalWriter) w = NULL;
      g_autoptr (FmNand) nand = NULL;

      g_printerr ("powercut-bench: recording %" G_GUINT64_FORMAT " operations on %s...\n", ops, c->base_path);
      tmp = g_strdup_printf ("%s.partial", c->journal_path);
      g_unlink (tmp);
      g_unlink (live);
      nand = fm_nand_new (d, fm_image_create_overlay (live, c->base_path, &error), FM_TIMING_VIRTUAL, &error);
      g_assert_no_error (error);
      w = fm_journal_writer_new (tmp, fm_nand_image (nand), d, 1, FALSE, &error);
      g_assert_no_error (error);
      fm_nand_set_observer (nand, fm_journal_writer_observe, w);
      g_assert_true (fm_test_workload (nand, fm_chip_desc_blocks (d) - WORKLOAD_BLOCKS, WORKLOAD_BLOCKS, ops,
                                       WORKLOAD_SEED, &error));
      fm_nand_set_observer (nand, NULL, NULL);
      g_assert_true (fm_journal_writer_close (g_steal_pointer (&w), &error));
      g_clear_pointer (&nand, fm_nand_free);
      g_unlink (live);
      g_assert_cmpint (g_rename (tmp, c->journal_path), ==, 0);
    }
}

typedef struct {
  gdouble per_cut_ms;     /* records since the previous cut + the cut */
  gdouble per_cut_cpu_ms; /* the same in CPU time (this process's) */
  gdouble make_ms;        /* the cut's image alone */
  gdouble open_ms[3];     /* opening a cut image writable and closing it: early, middle, late */
  gdouble open_cpu_ms[3]; /* the same in CPU time */
  gdouble copy_cut_ms;    /* before: copy the image, open the copy, cut it */
  gdouble rate;           /* cut points per minute, cut + open-and-close check */
  guint64 file_bytes;
  guint64 ops;
  guint64 prefix_bytes;
} Result;

/* Time since T0, in microseconds, added to *SUM; returns now. */
static gint64
lap (gint64 t0, gint64 *sum)
{
  gint64 now = g_get_monotonic_time ();

  *sum += now - t0;
  return now;
}

/* This process's CPU time, in microseconds: on a machine others share,
 * the figure that waiting for the CPU does not inflate. */
static gint64
cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * G_GINT64_CONSTANT (1000000) + ts.tv_nsec / 1000;
}

/* The copy-based cut of before, timed: copy the image (the base here,
 * standing for the working image a copy-based campaign keeps, as big),
 * open the copy, cut it. */
static gdouble
copy_cut_ms (FmImage *base, const FmChipDesc *d, const FmJournalRecord *rec, const gchar *dir)
{
  g_autofree gchar *copied = g_build_filename (dir, "copied.img", NULL);
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  FmImage *img;

  g_assert_true (fm_image_copy_to (base, copied, &error));
  img = fm_image_open (copied, d, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (fm_replay_tear (img, d, rec, &error));
  fm_replay_set_age (img, rec);
  fm_image_close (img);
  start = g_get_monotonic_time () - start;
  g_unlink (copied);
  return start / 1e3;
}

static void
measure (Case *c, guint n_points, guint n_copies, Result *res)
{
  g_autoptr (FmChipDesc) d = fm_test_chip (BIG_CHIP);
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = fm_journal_reader_open (c->journal_path, &error);
  g_autoptr (FmImage) base = NULL;
  g_autoptr (FmCutMaker) maker = NULL;
  g_autofree gchar *dir = g_dir_make_tmp ("powercut-bench-XXXXXX", NULL);
  g_autofree gchar *cut = g_build_filename (dir, "cut.img", NULL);
  FmJournalRecord rec;
  guint64 records = 0, next;
  gint64 t, cpu, advance_us = 0, make_us = 0, check_us = 0, cpu_total = 0;
  guint made = 0, copies = 0;

  g_assert_no_error (error);
  while (fm_journal_reader_next (reader, &rec))
    records++;
  fm_journal_reader_rewind (reader);
  res->ops = records;
  base = fm_image_open (c->base_path, d, TRUE, &error);
  g_assert_no_error (error);
  res->file_bytes = fm_image_file_bytes (base);
  t = g_get_monotonic_time ();
  cpu = cpu_us ();
  maker = fm_cut_maker_new (base, d, dir, &error);
  g_assert_no_error (error);
  t = lap (t, &advance_us);
  cpu_total += cpu_us () - cpu;
  next = records / n_points;
  while (fm_journal_reader_next (reader, &rec))
    {
      if (rec.seq == next && made < n_points)
        {
          FmImage *img;

          t = g_get_monotonic_time ();
          cpu = cpu_us ();
          g_assert_true (fm_cut_maker_make (maker, &rec, FM_CUT_TORN, cut, &error));
          cpu_total += cpu_us () - cpu;
          t = lap (t, &make_us);
          /* The cheapest check, as part 1's. */
          img = fm_image_open (cut, d, TRUE, &error);
          g_assert_no_error (error);
          fm_image_close (img);
          lap (t, &check_us);
          /* Opening it writable, at three places of the journal: the
           * prefix it reads grows along it. */
          if (made == 0 || made == n_points / 2 || made == n_points - 1)
            {
              g_autoptr (FmImage) again = NULL;

              guint at = made == 0 ? 0 : made == n_points - 1 ? 2 : 1;

              t = g_get_monotonic_time ();
              cpu = cpu_us ();
              again = fm_image_open (cut, d, FALSE, &error);
              g_assert_no_error (error);
              g_clear_pointer (&again, fm_image_close);
              res->open_cpu_ms[at] = (cpu_us () - cpu) / 1e3;
              res->open_ms[at] = (g_get_monotonic_time () - t) / 1e3;
            }
          g_unlink (cut);
          made++;
          next = records * (made + 1) / n_points;
        }
      t = g_get_monotonic_time ();
      cpu = cpu_us ();
      g_assert_true (fm_cut_maker_advance (maker, &rec, &error));
      cpu_total += cpu_us () - cpu;
      lap (t, &advance_us);
    }
  res->prefix_bytes = fm_image_file_bytes (fm_cut_maker_prefix (maker));
  /* The copy-based cut, after the campaign's loop so that its writes
   * (gigabytes for the big image) do not slow the loop down. */
  fm_journal_reader_rewind (reader);
  while (copies < n_copies && fm_journal_reader_next (reader, &rec))
    if (rec.op != FM_NAND_OP_READ && rec.seq >= records * (copies + 1) / (n_copies + 1))
      {
        res->copy_cut_ms += copy_cut_ms (base, d, &rec, dir);
        copies++;
      }
  res->per_cut_ms = (advance_us + make_us) / 1e3 / made;
  res->per_cut_cpu_ms = cpu_total / 1e3 / made;
  res->make_ms = make_us / 1e3 / made;
  res->rate = made / ((advance_us + make_us + check_us) / 60e6);
  res->copy_cut_ms /= MAX (copies, 1);
  g_clear_pointer (&maker, fm_cut_maker_free);
  g_rmdir (dir);
}

static void
size_independence (gboolean quick, gboolean big, const gchar *cache)
{
  guint64 ops = quick ? 5000 : 100000;
  guint n_points = quick ? 20 : 400, n_copies = quick ? 1 : 2;
  Case cases[2] = {
    { "34 MiB image", (guint64) 30 << 20, NULL, NULL },
    /* All but the workload's blocks and a few more: 3776 of 4096. */
    { "4 GiB MLC image, mostly written", (guint64) 3776 * 256 * (4096 + 224), NULL, NULL },
  };
  Result res[2] = { 0 };
  guint n = big ? 2 : 1;

  g_assert_cmpint (g_mkdir_with_parents (cache, 0755), ==, 0);
  for (guint i = 0; i < n; i++)
    prepare (&cases[i], cache, ops);
  for (guint i = 0; i < n; i++)
    {
      g_printerr ("powercut-bench: %u cuts of %s...\n", n_points, cases[i].base_path);
      measure (&cases[i], n_points, n_copies, &res[i]);
    }
  printf ("== cut images and the image's size (%s, the same journal on each) ==\n", BIG_CHIP);
  printf ("journal: %" G_GUINT64_FORMAT " operations on %u blocks, %u torn cuts spread over it\n",
          res[0].ops, WORKLOAD_BLOCKS, n_points);
  printf ("%-32s %9s %8s %8s %8s %9s %8s %8s %8s %11s\n", "image", "file MiB", "cut ms", "(CPU)", "make ms",
          "cuts/min", "open ms", "(middle)", "(end)", "copy-cut ms");
  for (guint i = 0; i < n; i++)
    printf ("%-32s %9.0f %8.2f %8.2f %8.2f %9.0f %8.2f %8.2f %8.2f %11.0f\n", cases[i].label,
            res[i].file_bytes / 1048576.0, res[i].per_cut_ms, res[i].per_cut_cpu_ms, res[i].make_ms,
            res[i].rate, res[i].open_ms[0], res[i].open_ms[1], res[i].open_ms[2], res[i].copy_cut_ms);
  printf ("cut ms: the records since the previous cut plus the cut's image (CPU: the same in this\n"
          "process's CPU time, which others' load does not inflate); make ms: the image alone;\n"
          "cuts/min: with a check that opens the cut image and closes it; open ms: opening a cut\n"
          "image writable and closing it (what muse-chip pays), at the start, middle and end of the\n"
          "journal; copy-cut ms: the copy-based cut of before (copy the image, open the copy, cut it).\n"
          "prefix delta at the end: %.1f MiB\n", res[0].prefix_bytes / 1048576.0);
  for (guint i = 0; i < n; i++)
    printf ("%s: opening a cut image, CPU ms at the start, middle and end: %.2f %.2f %.2f\n",
            cases[i].label, res[i].open_cpu_ms[0], res[i].open_cpu_ms[1], res[i].open_cpu_ms[2]);
  if (big)
    printf ("ratio 4 GiB / 34 MiB, per cut: %.2fx (CPU %.2fx; goal: within 1.5x); opening a cut image: "
            "%.2fx; the copy-based cut: %.0fx\n",
            res[1].per_cut_ms / res[0].per_cut_ms, res[1].per_cut_cpu_ms / res[0].per_cut_cpu_ms,
            res[1].open_ms[2] / res[0].open_ms[2], res[1].copy_cut_ms / res[0].copy_cut_ms);
  for (guint i = 0; i < 2; i++)
    {
      g_free (cases[i].base_path);
      g_free (cases[i].journal_path);
    }
}

int
main (int argc, char **argv)
{
  gboolean quick = FALSE, no_big = FALSE;
  g_autofree gchar *cache = NULL;
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "A short smoke run", NULL },
    { "no-big", 0, 0, G_OPTION_ARG_NONE, &no_big, "Leave out the 4 GiB image", NULL },
    { "cache", 0, 0, G_OPTION_ARG_FILENAME, &cache, "Where the prepared images live", "DIR" },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- power-cut campaign benchmark");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("powercut-bench: %s\n", error->message);
      return 2;
    }
  if (!cache)
    {
      g_autofree gchar *self = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree gchar *dir = self ? g_path_get_dirname (self) : g_strdup (".");

      cache = g_build_filename (dir, "powercut-bench-cache", NULL);
    }
  campaign_against_replay (quick);
  size_independence (quick, !quick && !no_big, cache);
  return 0;
}
