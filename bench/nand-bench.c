/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nand-bench: how fast the page-level model runs, and what an image costs.
 *
 * Throughput (timing mode none, file-backed image in a temporary directory):
 *   - page program: every page of good blocks never programmed before, in
 *     order (each page takes a new slot: first touch, the file grows);
 *   - page reprogram: the same blocks again, each erased (untimed) just
 *     before, so pages reuse the slots the erase freed (steady state);
 *   - page read: data + OOB of programmed pages, cycling over every
 *     programmed block (contents are checked once, untimed, beforehand);
 *   - block erase: of fully programmed blocks (programming them is untimed).
 * Only the operations themselves are timed, in batches of a block's pages
 * or of many blocks, so the clock's cost does not count.
 *
 * Memory: a fresh process (this program re-executed) creates a file-backed
 * image, programs 1% of the chip's pages spread evenly over its good blocks,
 * and reports how far its peak resident set (VmHWM) rose and how much disk
 * the file holds (st_blocks * 512), each against the data written.
 *
 * The goals are printed next to the numbers with PASS or MISS; the exit
 * status is 0 unless an operation fails (1) or the options are wrong (2).
 */
#include "flashmodel.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#define EXIT_USAGE 2
#define N_PATTERNS 16
#define MIN_READ_BLOCKS 16
#define ERASE_BATCH 64
#define MEMORY_FRACTION 0.01

#define GOAL_READ_BYTES_PER_S 1e9   /* goal >= 1 GB/s page reads */
#define GOAL_MEMORY_RATIO 2.0       /* goal memory < 2x written data */

typedef struct {
  const FmChipDesc *desc;
  FmNand *nand;
  gsize page_bytes;
  guint32 *good;          /* good block numbers */
  guint32 n_good;
  gboolean *programmed;   /* indexed like good[]: every page holds data */
  guint32 n_used;         /* good[0..n_used) have been programmed */
  guint8 *patterns[N_PATTERNS];
} Bench;

typedef struct {
  guint64 ops;
  gdouble seconds;  /* time spent in the operations alone */
} PhaseResult;

static gdouble
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static const guint8 *
pattern_for (const Bench *b, guint32 block, guint32 page)
{
  return b->patterns[((guint64) block * b->desc->pages_per_block + page) % N_PATTERNS];
}

static void
fill_patterns (guint8 **patterns, gsize len)
{
  FmPrng prng;

  fm_prng_init (&prng, 0x6e616e64);
  for (guint i = 0; i < N_PATTERNS; i++)
    {
      patterns[i] = g_malloc (len);
      for (gsize j = 0; j < len; j++)
        patterns[i][j] = (guint8) fm_prng_next (&prng);
    }
}

static gboolean
is_factory_bad (FmImage *image, guint32 block)
{
  return (fm_image_block (image, block)->flags & FM_BLOCK_FACTORY_BAD) != 0;
}

/* Every page of good block I, with this bench's data. */
static gboolean
program_block (Bench *b, guint32 i, GError **error)
{
  guint32 block = b->good[i];

  for (guint32 p = 0; p < b->desc->pages_per_block; p++)
    if (!fm_nand_program_page (b->nand, block, p, pattern_for (b, block, p), error))
      return FALSE;
  b->programmed[i] = TRUE;
  return TRUE;
}

static gboolean
erase_block (Bench *b, guint32 i, GError **error)
{
  if (!fm_nand_erase_block (b->nand, b->good[i], error))
    return FALSE;
  b->programmed[i] = FALSE;
  return TRUE;
}

/* Programs blocks never programmed before: every page takes a new slot, so
 * the image file grows and each slot is touched for the first time. Stops
 * when time is up or every good block holds data. */
static gboolean
phase_program_new (Bench *b, gdouble seconds, PhaseResult *r, GError **error)
{
  gdouble end = now_s () + seconds;

  *r = (PhaseResult) { 0, 0 };
  for (guint32 i = 0; i < b->n_good; i++)
    {
      gdouble t0 = now_s ();

      if (!program_block (b, i, error))
        return FALSE;
      r->seconds += now_s () - t0;
      r->ops += b->desc->pages_per_block;
      b->n_used = i + 1;
      if (now_s () >= end)
        break;
    }
  return TRUE;
}

/* Erases (untimed) and reprograms the blocks used so far, round and round:
 * pages take the slots the erase freed, as in a chip in steady use. */
static gboolean
phase_program_reuse (Bench *b, gdouble seconds, PhaseResult *r, GError **error)
{
  gdouble end = now_s () + seconds;
  guint32 i = 0;

  *r = (PhaseResult) { 0, 0 };
  do
    {
      gdouble t0;

      if (!erase_block (b, i, error))
        return FALSE;
      t0 = now_s ();
      if (!program_block (b, i, error))
        return FALSE;
      r->seconds += now_s () - t0;
      r->ops += b->desc->pages_per_block;
      i = (i + 1) % b->n_used;
    }
  while (now_s () < end);
  return TRUE;
}

static gboolean
phase_read (Bench *b, gdouble seconds, PhaseResult *r, GError **error)
{
  g_autofree guint8 *buf = g_malloc (b->page_bytes);
  g_autofree guint32 *set = g_new (guint32, b->n_good);
  guint32 n_set = 0;
  guint64 sink = 0;
  gdouble end;

  *r = (PhaseResult) { 0, 0 };
  /* Read what the program phase left; a short run may need more. */
  for (guint32 i = 0; i < b->n_good; i++)
    n_set += b->programmed[i];
  for (guint32 i = 0; i < b->n_good && n_set < MIN (MIN_READ_BLOCKS, b->n_good); i++)
    if (!b->programmed[i])
      {
        if (!program_block (b, i, error))
          return FALSE;
        n_set++;
      }
  n_set = 0;
  for (guint32 i = 0; i < b->n_good; i++)
    if (b->programmed[i])
      set[n_set++] = b->good[i];

  /* One untimed pass checks the contents (and warms the page cache). */
  for (guint32 s = 0; s < n_set; s++)
    for (guint32 p = 0; p < b->desc->pages_per_block; p++)
      {
        if (!fm_nand_read_page (b->nand, set[s], p, buf, error))
          return FALSE;
        if (memcmp (buf, pattern_for (b, set[s], p), b->page_bytes) != 0)
          {
            g_set_error (error, FM_ERROR, FM_ERROR_IO,
                         "block %u page %u reads back different data than was programmed",
                         set[s], p);
            return FALSE;
          }
      }

  end = now_s () + seconds;
  for (guint32 s = 0;; s = (s + 1) % n_set)
    {
      gdouble t0 = now_s ();

      for (guint32 p = 0; p < b->desc->pages_per_block; p++)
        {
          if (!fm_nand_read_page (b->nand, set[s], p, buf, error))
            return FALSE;
          sink += buf[p % b->page_bytes];
        }
      r->seconds += now_s () - t0;
      r->ops += b->desc->pages_per_block;
      if (now_s () >= end)
        break;
    }
  /* Keep the compiler from discarding the reads' results. */
  if (sink == G_MAXUINT64)
    g_print (" ");
  return TRUE;
}

static gboolean
phase_erase (Bench *b, gdouble seconds, PhaseResult *r, GError **error)
{
  g_autofree guint32 *batch = g_new (guint32, b->n_good);
  gdouble end = now_s () + seconds;
  guint32 next = 0;

  *r = (PhaseResult) { 0, 0 };
  do
    {
      guint32 n = 0;
      gdouble t0;

      /* Full blocks: what the earlier phases left, else program some. */
      for (guint32 i = 0; i < b->n_good; i++)
        if (b->programmed[i])
          batch[n++] = i;
      for (; n < MIN (ERASE_BATCH, b->n_good); next = (next + 1) % b->n_good)
        if (!b->programmed[next])
          {
            if (!program_block (b, next, error))
              return FALSE;
            batch[n++] = next;
          }
      t0 = now_s ();
      for (guint32 k = 0; k < n; k++)
        if (!erase_block (b, batch[k], error))
          return FALSE;
      r->seconds += now_s () - t0;
      r->ops += n;
    }
  while (now_s () < end);
  return TRUE;
}

/* ---- memory (runs in a fresh process) ---------------------------------- */

static gboolean
read_vm_hwm_kib (guint64 *kib, GError **error)
{
  g_autofree gchar *status = NULL;
  const gchar *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, error))
    return FALSE;
  line = strstr (status, "\nVmHWM:");
  if (!line)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "/proc/self/status has no VmHWM line");
      return FALSE;
    }
  *kib = g_ascii_strtoull (line + strlen ("\nVmHWM:"), NULL, 10);
  return TRUE;
}

/* Prints key=value lines for the parent to parse. */
static int
memory_child (const gchar *chip, const gchar *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_lookup (chip, &error);
  g_autofree gchar *path = NULL;
  g_autoptr (FmNand) nand = NULL;
  guint8 *patterns[N_PATTERNS];
  guint64 hwm_before, hwm_after, target, total_pages, programmed = 0;
  guint64 last = G_MAXUINT64;
  FmNandCreateOptions options = FM_NAND_CREATE_OPTIONS_DEFAULT;
  FmImage *image;
  gsize page_bytes;
  struct stat st;

  if (!d)
    goto fail;
  page_bytes = d->page_size + d->oob_size;
  fill_patterns (patterns, page_bytes);
  path = g_build_filename (dir, "memory.img", NULL);
  total_pages = fm_chip_desc_pages (d);
  target = (guint64) (total_pages * MEMORY_FRACTION + 0.5);
  if (target == 0)
    target = 1;

  if (!read_vm_hwm_kib (&hwm_before, &error))
    goto fail;
  image = fm_nand_create_image (d, path, &options, &error);
  if (!image)
    goto fail;
  nand = fm_nand_new (d, image, FM_TIMING_NONE, &error);
  if (!nand)
    goto fail;
  /* Evenly spaced pages, moved forward past factory bad blocks; indexes
   * only grow, so pages of a block go in ascending order. */
  for (guint64 k = 0; k < target; k++)
    {
      guint64 index = (guint64) ((gdouble) k * total_pages / target);
      guint32 block, page;

      if (last != G_MAXUINT64 && index <= last)
        index = last + 1;
      while (index < total_pages && is_factory_bad (image, index / d->pages_per_block))
        index = (index / d->pages_per_block + 1) * d->pages_per_block + index % d->pages_per_block;
      if (index >= total_pages)
        break;
      block = index / d->pages_per_block;
      page = index % d->pages_per_block;
      if (!fm_nand_program_page (nand, block, page, patterns[index % N_PATTERNS], &error))
        goto fail;
      last = index;
      programmed++;
    }
  if (!fm_image_sync (image, &error) || !read_vm_hwm_kib (&hwm_after, &error))
    goto fail;
  if (stat (path, &st) < 0)
    {
      g_set_error (&error, FM_ERROR, FM_ERROR_IO, "%s: %s", path, g_strerror (errno));
      goto fail;
    }
  g_print ("pages=%" G_GUINT64_FORMAT "\n", programmed);
  g_print ("pages_with_data=%" G_GUINT64_FORMAT "\n", fm_image_pages_with_data (image));
  g_print ("page_bytes=%" G_GSIZE_FORMAT "\n", page_bytes);
  g_print ("hwm_before_kib=%" G_GUINT64_FORMAT "\n", hwm_before);
  g_print ("hwm_after_kib=%" G_GUINT64_FORMAT "\n", hwm_after);
  g_print ("file_bytes=%" G_GUINT64_FORMAT "\n", (guint64) st.st_size);
  g_print ("disk_bytes=%" G_GUINT64_FORMAT "\n", (guint64) st.st_blocks * 512);
  g_clear_pointer (&nand, fm_nand_free);
  g_unlink (path);
  for (guint i = 0; i < N_PATTERNS; i++)
    g_free (patterns[i]);
  return EXIT_SUCCESS;

fail:
  g_printerr ("nand-bench (memory): %s\n", error->message);
  if (path)
    g_unlink (path);
  return EXIT_FAILURE;
}

typedef struct {
  guint64 pages, pages_with_data, page_bytes;
  guint64 hwm_before_kib, hwm_after_kib;
  guint64 file_bytes, disk_bytes;
} MemoryResult;

static gboolean
run_memory_child (const gchar *chip, const gchar *dir, MemoryResult *m, GError **error)
{
  g_autofree gchar *out = NULL;
  g_autofree gchar *err = NULL;
  g_auto (GStrv) lines = NULL;
  gint status;
  /* /proc/self/exe: this very program, even if a rebuild replaced the file. */
  const gchar *argv[] = { "/proc/self/exe", "nand-bench", "--memory-child", "--chip", chip,
                          "--dir", dir, NULL };
  struct { const gchar *key; guint64 *value; } keys[] = {
    { "pages", &m->pages }, { "pages_with_data", &m->pages_with_data },
    { "page_bytes", &m->page_bytes },
    { "hwm_before_kib", &m->hwm_before_kib }, { "hwm_after_kib", &m->hwm_after_kib },
    { "file_bytes", &m->file_bytes }, { "disk_bytes", &m->disk_bytes },
  };
  guint found = 0;

  if (!g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_FILE_AND_ARGV_ZERO, NULL, NULL,
                     &out, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "memory measurement failed: %s",
                   g_strstrip (err));
      return FALSE;
    }
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
      {
        gsize len = strlen (keys[k].key);

        if (strncmp (lines[i], keys[k].key, len) == 0 && lines[i][len] == '=')
          {
            *keys[k].value = g_ascii_strtoull (lines[i] + len + 1, NULL, 10);
            found |= 1u << k;
          }
      }
  if (found != (1u << G_N_ELEMENTS (keys)) - 1)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   "memory measurement printed incomplete results:\n%s", out);
      return FALSE;
    }
  return TRUE;
}

/* ---- report -------------------------------------------------------------- */

static const gchar *
verdict (gboolean pass)
{
  return pass ? "PASS" : "MISS";
}

static void
print_rule (void)
{
  g_print ("  %s\n", "------------------------------------------------------------------------------------------------");
}

/* Prints a table row without trailing blanks. */
static void
print_row (gchar *line)
{
  g_print ("%s\n", g_strchomp (line));
  g_free (line);
}

static void
print_throughput_row (const gchar *name, const PhaseResult *r, gsize bytes_per_op,
                      const gchar *goal, const gchar *result)
{
  gdouble ops_s = r->seconds > 0 ? r->ops / r->seconds : 0;
  g_autofree gchar *mb = bytes_per_op ? g_strdup_printf ("%.1f", ops_s * bytes_per_op / 1e6)
                                      : g_strdup ("-");

  print_row (g_strdup_printf ("  %-14s %12" G_GUINT64_FORMAT " %9.3f %14.0f %11s   %-30s %s",
                              name, r->ops, r->seconds, ops_s, mb, goal, result));
}

static void
print_memory_row (const gchar *name, guint64 bytes, gdouble ratio, const gchar *goal,
                  const gchar *result)
{
  g_autofree gchar *size = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);

  print_row (g_strdup_printf ("  %-24s %14" G_GUINT64_FORMAT " %12s %9.2fx   %-30s %s",
                              name, bytes, size, ratio, goal, result));
}

static void
bench_free (Bench *b)
{
  if (!b)
    return;
  fm_nand_free (b->nand);
  g_free (b->good);
  g_free (b->programmed);
  for (guint i = 0; i < N_PATTERNS; i++)
    g_free (b->patterns[i]);
  g_free (b);
}

int
main (int argc, char **argv)
{
  g_autofree gchar *chip = g_strdup ("micron-mt29f4g");
  g_autofree gchar *child_dir = NULL;
  gdouble seconds = 2.0;
  gboolean quick = FALSE, memory_only = FALSE;
  GOptionEntry entries[] = {
    { "chip", 'c', 0, G_OPTION_ARG_STRING, &chip, "Chip name or descriptor path (default micron-mt29f4g)", "NAME" },
    { "seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "Seconds per throughput phase (default 2)", "S" },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "Tiny durations, for a smoke test", NULL },
    { "memory-child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &memory_only, NULL, NULL },
    { "dir", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &child_dir, NULL, NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = NULL;
  g_autofree gchar *dir = NULL;
  g_autofree gchar *image_path = NULL;
  g_autofree gchar *chip_size = NULL;
  Bench *b = NULL;
  FmNandCreateOptions options = FM_NAND_CREATE_OPTIONS_DEFAULT;
  FmImage *image;
  PhaseResult prog_new, prog_reuse, read, erase;
  MemoryResult mem;
  gdouble read_bps, mem_ratio, disk_ratio;
  guint64 written, hwm_delta;
  int status = EXIT_FAILURE;

  setlocale (LC_ALL, "");
  g_option_context_set_summary (ctx,
    "Measure page read, page program and block erase throughput of the NAND\n"
    "model (timing mode none), and the memory and disk an image costs.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("nand-bench: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr ("nand-bench: unexpected argument '%s'\n", argv[1]);
      return EXIT_USAGE;
    }
  if (memory_only)
    {
      if (!child_dir)
        {
          g_printerr ("nand-bench: --memory-child needs --dir\n");
          return EXIT_USAGE;
        }
      return memory_child (chip, child_dir);
    }
  if (quick)
    seconds = 0.02;
  if (!(seconds > 0 && seconds <= 3600))
    {
      g_printerr ("nand-bench: --seconds takes a number in (0, 3600]\n");
      return EXIT_USAGE;
    }

  d = fm_chip_desc_lookup (chip, &error);
  if (!d)
    {
      g_printerr ("nand-bench: %s\n", error->message);
      return EXIT_FAILURE;
    }
  dir = g_dir_make_tmp ("nand-bench-XXXXXX", &error);
  if (!dir)
    {
      g_printerr ("nand-bench: %s\n", error->message);
      return EXIT_FAILURE;
    }
  image_path = g_build_filename (dir, "bench.img", NULL);

  b = g_new0 (Bench, 1);
  b->desc = d;
  b->page_bytes = d->page_size + d->oob_size;
  fill_patterns (b->patterns, b->page_bytes);
  image = fm_nand_create_image (d, image_path, &options, &error);
  if (!image)
    goto out;
  b->good = g_new (guint32, fm_chip_desc_blocks (d));
  b->programmed = g_new0 (gboolean, fm_chip_desc_blocks (d));
  for (guint32 blk = 0; blk < fm_chip_desc_blocks (d); blk++)
    if (!is_factory_bad (image, blk))
      b->good[b->n_good++] = blk;
  b->nand = fm_nand_new (d, image, FM_TIMING_NONE, &error);
  if (!b->nand)
    goto out;
  if (b->n_good == 0)
    {
      g_set_error (&error, FM_ERROR, FM_ERROR_UNSUPPORTED, "chip has no good blocks");
      goto out;
    }

  chip_size = g_format_size_full (fm_chip_desc_size_bytes (d), G_FORMAT_SIZE_IEC_UNITS);
  g_print ("nand-bench: %s (%s %s), %s: %u blocks x %u pages x %u+%u bytes\n",
           d->name, d->vendor, d->part, chip_size, fm_chip_desc_blocks (d),
           d->pages_per_block, d->page_size, d->oob_size);
  g_print ("timing mode none; file-backed image in %s; %.3g s per phase%s; %u good blocks\n",
           dir, seconds, quick ? " (--quick)" : "", b->n_good);
  g_print ("MB = 10^6 bytes, GB = 10^9 bytes; a page moves %" G_GSIZE_FORMAT " bytes (data + OOB)\n\n",
           b->page_bytes);

  if (!phase_program_new (b, seconds, &prog_new, &error) ||
      !phase_program_reuse (b, seconds, &prog_reuse, &error) ||
      !phase_read (b, seconds, &read, &error) ||
      !phase_erase (b, seconds, &erase, &error))
    goto out;
  g_clear_pointer (&b->nand, fm_nand_free);
  g_unlink (image_path);

  if (!run_memory_child (chip, dir, &mem, &error))
    goto out;

  read_bps = read.seconds > 0 ? read.ops * (gdouble) b->page_bytes / read.seconds : 0;
  g_print ("Throughput (time in the operations only)\n");
  g_print ("  %-14s %12s %9s %14s %11s   %-30s %s\n",
           "operation", "ops", "seconds", "ops/s", "MB/s", "goal", "result");
  print_rule ();
  print_throughput_row ("page read", &read, b->page_bytes, "goal >= 1 GB/s page reads",
                        verdict (read_bps >= GOAL_READ_BYTES_PER_S));
  print_throughput_row ("page program", &prog_new, b->page_bytes, "-", "");
  print_throughput_row ("page reprogram", &prog_reuse, b->page_bytes, "-", "");
  print_throughput_row ("block erase", &erase, 0, "-", "");
  g_print ("  program: into never-used image space (first touch of each slot, the\n"
           "  file grows); reprogram: into blocks just erased (slots reused).\n\n");

  written = mem.pages * mem.page_bytes;
  hwm_delta = (mem.hwm_after_kib - MIN (mem.hwm_before_kib, mem.hwm_after_kib)) * 1024;
  mem_ratio = written ? (gdouble) hwm_delta / written : 0;
  disk_ratio = written ? (gdouble) mem.disk_bytes / written : 0;
  g_print ("Memory (fresh process: new file-backed image, %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
           " pages programmed = %.2f%%, spread over the blocks)\n",
           mem.pages, fm_chip_desc_pages (d), 100.0 * mem.pages / fm_chip_desc_pages (d));
  g_print ("  %-24s %14s %12s %10s   %-30s %s\n", "measure", "bytes", "", "x written", "goal", "result");
  print_rule ();
  print_memory_row ("written data (page+OOB)", written, 1.0, "-", "");
  print_memory_row ("peak RSS rise (VmHWM)", hwm_delta, mem_ratio,
                    "goal memory < 2x written data", verdict (mem_ratio < GOAL_MEMORY_RATIO));
  print_memory_row ("file on disk (st_blocks)", mem.disk_bytes, disk_ratio,
                    "goal memory < 2x written data", verdict (disk_ratio < GOAL_MEMORY_RATIO));
  print_memory_row ("file size (apparent)", mem.file_bytes,
                    written ? (gdouble) mem.file_bytes / written : 0, "-", "");
  g_print ("  VmHWM %" G_GUINT64_FORMAT " KiB before, %" G_GUINT64_FORMAT " KiB after; "
           "%" G_GUINT64_FORMAT " pages hold data (incl. factory bad block markers)\n",
           mem.hwm_before_kib, mem.hwm_after_kib, mem.pages_with_data);
  status = EXIT_SUCCESS;

out:
  if (error)
    g_printerr ("nand-bench: %s\n", error->message);
  bench_free (b);
  if (image_path)
    g_unlink (image_path);
  g_rmdir (dir);
  return status;
}
