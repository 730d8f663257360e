/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecc-bench: throughput of libflashmodel's ECC engines, and of Linux's
 * (lib/bch.c and ecc-sw-hamming.c from the kernel source tarball, built
 * into this program only) on the same buffers, as the NAND software ECC
 * layer uses them:
 *
 *   encode             the ECC of a step (Linux: bch_encode + the
 *                      erased-page mask, or ecc_sw_hamming_calculate);
 *   decode, clean      checking a step that has no error (the parity is
 *                      computed again and compared);
 *   decode, T errors   correcting T random bit errors per step, copying
 *                      the corrupted step to a work buffer first (both).
 *
 * MB/s of data (10^6 bytes), each cell run for a fixed time over a pool of
 * distinct steps. A second table shows every BCH kernel this CPU can run.
 * Exit status 0, 1 if an engine gets a result wrong, 2 on bad options.
 */
#include "flashmodel.h"
#include "fm-ecc-bch.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef FM_HAVE_LINUX_ECC
#include "linux-ecc.h"
#endif

#define EXIT_USAGE 2
#define POOL_STEPS 64
#define GOAL_CLEAN_DECODE_MBPS 1000.0
#define GOAL_LINUX_RATIO 0.5

typedef struct {
  const gchar *label;
  guint step;
  guint t;        /* 0: Hamming */
  guint m;
} Config;

static const Config configs[] = {
  { "hamming/256", 256, 0, 0 },
  { "bch8/512", 512, 8, 13 },
  { "bch24/1024", 1024, 24, 14 },
};

/* A pool of steps, clean and with ERRORS random bit errors each. */
typedef struct {
  const Config *config;
  guint ecc_bytes;
  guint errors;
  guint8 *data;        /* POOL_STEPS steps */
  guint8 *ecc;         /* their ECC (the same for both engines) */
  guint8 *bad_data;    /* the steps with errors */
  guint8 *bad_ecc;
  guint8 *work;        /* a step being corrected */
  guint8 work_ecc[FM_BCH_MAX_ECC_BYTES];
  FmEcc *ours;
#ifdef FM_HAVE_LINUX_ECC
  struct bch_control *linux_bch;  /* NULL for Hamming */
  guint8 linux_mask[FM_BCH_MAX_ECC_BYTES];
#endif
} Pool;

typedef gint (*StepOp) (Pool *pool, guint i);

static gdouble
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* MB/s of OP over the pool, run for at least SECONDS. */
static gdouble
measure (StepOp op, Pool *pool, gdouble seconds)
{
  guint64 steps = 0;
  gdouble start = now_s (), elapsed;

  do
    {
      for (guint i = 0; i < POOL_STEPS; i++)
        op (pool, i);
      steps += POOL_STEPS;
      elapsed = now_s () - start;
    }
  while (elapsed < seconds);
  return steps * pool->config->step / elapsed / 1e6;
}

static guint8 *
step_data (Pool *pool, guint8 *base, guint i)
{
  return base + (gsize) i * pool->config->step;
}

static guint8 *
step_ecc (Pool *pool, guint8 *base, guint i)
{
  return base + (gsize) i * pool->ecc_bytes;
}

/* ---- libflashmodel ------------------------------------------------------- */

static gint
ours_encode (Pool *pool, guint i)
{
  fm_ecc_encode (pool->ours, step_data (pool, pool->data, i), pool->work_ecc);
  return 0;
}

static gint
ours_decode_clean (Pool *pool, guint i)
{
  return fm_ecc_correct (pool->ours, step_data (pool, pool->data, i),
                         step_ecc (pool, pool->ecc, i));
}

static gint
ours_decode_errors (Pool *pool, guint i)
{
  memcpy (pool->work, step_data (pool, pool->bad_data, i), pool->config->step);
  memcpy (pool->work_ecc, step_ecc (pool, pool->bad_ecc, i), pool->ecc_bytes);
  return fm_ecc_correct (pool->ours, pool->work, pool->work_ecc);
}

/* ---- Linux ----------------------------------------------------------------- */

#ifdef FM_HAVE_LINUX_ECC

/* nand_ecc_sw_bch_calculate() */
static void
linux_bch_calculate (Pool *pool, const guint8 *data, guint8 *ecc)
{
  memset (ecc, 0, pool->ecc_bytes);
  bch_encode (pool->linux_bch, data, pool->config->step, ecc);
  for (guint i = 0; i < pool->ecc_bytes; i++)
    ecc[i] ^= pool->linux_mask[i];
}

/* nand_ecc_sw_bch_correct(), after the calculation of the read data. */
static gint
linux_bch_correct (Pool *pool, guint8 *data, const guint8 *read_ecc)
{
  guint8 calc[FM_BCH_MAX_ECC_BYTES];
  guint errloc[FM_BCH_MAX_T];
  gint count;

  linux_bch_calculate (pool, data, calc);
  count = bch_decode (pool->linux_bch, NULL, pool->config->step, read_ecc, calc, NULL, errloc);
  for (gint i = 0; i < count; i++)
    if (errloc[i] < 8 * pool->config->step)
      data[errloc[i] >> 3] ^= 1u << (errloc[i] & 7);
  return count < 0 ? -1 : count;
}

static gint
linux_hamming_correct (Pool *pool, guint8 *data, guint8 *read_ecc)
{
  guint8 calc[3];

  ecc_sw_hamming_calculate (data, pool->config->step, calc, false);
  return ecc_sw_hamming_correct (data, read_ecc, calc, pool->config->step, false);
}

static gint
linux_encode (Pool *pool, guint i)
{
  const guint8 *data = step_data (pool, pool->data, i);

  if (pool->linux_bch)
    linux_bch_calculate (pool, data, pool->work_ecc);
  else
    ecc_sw_hamming_calculate (data, pool->config->step, pool->work_ecc, false);
  return 0;
}

static gint
linux_correct (Pool *pool, guint8 *data, guint8 *ecc)
{
  return pool->linux_bch ? linux_bch_correct (pool, data, ecc)
                         : linux_hamming_correct (pool, data, ecc);
}

static gint
linux_decode_clean (Pool *pool, guint i)
{
  memcpy (pool->work_ecc, step_ecc (pool, pool->ecc, i), pool->ecc_bytes);
  return linux_correct (pool, step_data (pool, pool->data, i), pool->work_ecc);
}

static gint
linux_decode_errors (Pool *pool, guint i)
{
  memcpy (pool->work, step_data (pool, pool->bad_data, i), pool->config->step);
  memcpy (pool->work_ecc, step_ecc (pool, pool->bad_ecc, i), pool->ecc_bytes);
  return linux_correct (pool, pool->work, pool->work_ecc);
}

static void
linux_init (Pool *pool)
{
  g_autofree guint8 *erased = NULL;

  pool->linux_bch = NULL;
  if (!pool->config->t)
    return;
  pool->linux_bch = bch_init (pool->config->m, pool->config->t, 0, false);
  g_assert (pool->linux_bch && pool->linux_bch->ecc_bytes == pool->ecc_bytes);
  erased = g_malloc (pool->config->step);
  memset (erased, 0xff, pool->config->step);
  memset (pool->linux_mask, 0, sizeof pool->linux_mask);
  bch_encode (pool->linux_bch, erased, pool->config->step, pool->linux_mask);
  for (guint i = 0; i < pool->ecc_bytes; i++)
    pool->linux_mask[i] ^= 0xff;
}

#endif /* FM_HAVE_LINUX_ECC */

/* ---- the pool -------------------------------------------------------------- */

/* Flips ERRORS distinct random bits among the step's data and code bits. */
static void
add_errors (Pool *pool, FmPrng *prng, guint8 *data, guint8 *ecc, guint code_ecc_bits)
{
  const guint data_bits = 8 * pool->config->step;
  guint chosen[FM_BCH_MAX_T];

  for (guint e = 0; e < pool->errors; e++)
    {
      guint p;
      gboolean repeat;

      do
        {
          p = fm_prng_below (prng, data_bits + code_ecc_bits);
          repeat = FALSE;
          for (guint j = 0; j < e; j++)
            repeat |= chosen[j] == p;
        }
      while (repeat);
      chosen[e] = p;
      if (p < data_bits)
        data[p / 8] ^= 0x80 >> (p % 8);
      else
        ecc[(p - data_bits) / 8] ^= 0x80 >> ((p - data_bits) % 8);
    }
}

static void
pool_init (Pool *pool, const Config *config)
{
  g_autoptr (GError) error = NULL;
  guint code_ecc_bits;
  FmPrng prng;

  memset (pool, 0, sizeof *pool);
  pool->config = config;
  pool->ours = config->t ? fm_ecc_new_bch (config->step, config->t, config->m, &error)
                         : fm_ecc_new_hamming (config->step, FALSE, &error);
  g_assert_no_error (error);
  pool->ecc_bytes = pool->ours->ecc_bytes;
  pool->errors = config->t ? config->t : 1;
  code_ecc_bits = config->t ? config->m * config->t : 22;
  pool->data = g_malloc ((gsize) POOL_STEPS * config->step);
  pool->bad_data = g_malloc ((gsize) POOL_STEPS * config->step);
  pool->ecc = g_malloc ((gsize) POOL_STEPS * pool->ecc_bytes);
  pool->bad_ecc = g_malloc ((gsize) POOL_STEPS * pool->ecc_bytes);
  pool->work = g_malloc (config->step);
  fm_prng_init (&prng, config->step * 100 + config->t);
  for (gsize i = 0; i < (gsize) POOL_STEPS * config->step; i++)
    pool->data[i] = (guint8) fm_prng_next (&prng);
  memcpy (pool->bad_data, pool->data, (gsize) POOL_STEPS * config->step);
  for (guint i = 0; i < POOL_STEPS; i++)
    {
      fm_ecc_encode (pool->ours, step_data (pool, pool->data, i), step_ecc (pool, pool->ecc, i));
      memcpy (step_ecc (pool, pool->bad_ecc, i), step_ecc (pool, pool->ecc, i), pool->ecc_bytes);
      add_errors (pool, &prng, step_data (pool, pool->bad_data, i),
                  step_ecc (pool, pool->bad_ecc, i), code_ecc_bits);
    }
#ifdef FM_HAVE_LINUX_ECC
  linux_init (pool);
#endif
}

static void
pool_clear (Pool *pool)
{
  fm_ecc_free (pool->ours);
#ifdef FM_HAVE_LINUX_ECC
  if (pool->linux_bch)
    bch_free (pool->linux_bch);
#endif
  g_free (pool->data);
  g_free (pool->bad_data);
  g_free (pool->ecc);
  g_free (pool->bad_ecc);
  g_free (pool->work);
}

/* Every operation gives the expected result once, untimed. */
static gboolean
pool_check (Pool *pool, StepOp clean, StepOp errors, const gchar *who)
{
  for (guint i = 0; i < POOL_STEPS; i++)
    {
      if (clean (pool, i) != 0)
        {
          g_printerr ("ecc-bench: %s %s: a clean step does not decode clean\n",
                      who, pool->config->label);
          return FALSE;
        }
      if (errors (pool, i) != (gint) pool->errors
          || memcmp (pool->work, step_data (pool, pool->data, i), pool->config->step) != 0)
        {
          g_printerr ("ecc-bench: %s %s: %u errors are not corrected\n",
                      who, pool->config->label, pool->errors);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- the tables ------------------------------------------------------------ */

typedef struct {
  gdouble clean_decode;   /* ours, MB/s */
  gdouble ratio_errors;   /* ours / Linux with errors, 0 if unknown */
} Summary;

static void
print_row (const gchar *engine, const gchar *operation, gdouble ours, gdouble theirs)
{
  if (theirs > 0)
    printf ("%-12s %-18s %12.1f %12.1f %8.2f\n", engine, operation, ours, theirs, ours / theirs);
  else
    printf ("%-12s %-18s %12.1f %12s %8s\n", engine, operation, ours, "-", "-");
}

static gboolean
bench_config (const Config *config, gdouble seconds, Summary *summary)
{
  gdouble ours[3], theirs[3] = { 0, 0, 0 };
  g_autofree gchar *errors_label = NULL;
  Pool pool;

  pool_init (&pool, config);
  if (!pool_check (&pool, ours_decode_clean, ours_decode_errors, "flashmodel"))
    return FALSE;
  ours[0] = measure (ours_encode, &pool, seconds);
  ours[1] = measure (ours_decode_clean, &pool, seconds);
  ours[2] = measure (ours_decode_errors, &pool, seconds);
#ifdef FM_HAVE_LINUX_ECC
  if (!pool_check (&pool, linux_decode_clean, linux_decode_errors, "Linux"))
    return FALSE;
  theirs[0] = measure (linux_encode, &pool, seconds);
  theirs[1] = measure (linux_decode_clean, &pool, seconds);
  theirs[2] = measure (linux_decode_errors, &pool, seconds);
#endif
  errors_label = g_strdup_printf ("decode, %u error%s", pool.errors, pool.errors > 1 ? "s" : "");
  print_row (config->label, "encode", ours[0], theirs[0]);
  print_row ("", "decode, clean", ours[1], theirs[1]);
  print_row ("", errors_label, ours[2], theirs[2]);
  summary->clean_decode = ours[1];
  summary->ratio_errors = theirs[2] > 0 ? ours[2] / theirs[2] : 0;
  pool_clear (&pool);
  return TRUE;
}

/* A line of the kernel table: one operation with a pair of kernels. */
typedef struct {
  gchar *label;
  FmBchEncoderKind encoder;
  FmChienKind chien;
  StepOp op;
} KernelRow;

static GArray *
kernel_rows (void)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (KernelRow));

  for (FmBchEncoderKind kind = 0; kind < FM_BCH_N_ENCODERS; kind++)
    if (fm_bch_encoder_kind_supported (kind))
      g_array_append_val (rows, ((KernelRow) {
        g_strdup_printf ("encode, %s", fm_bch_encoder_kind_name (kind)),
        kind, fm_chien_kind_best (), ours_encode }));
  for (FmChienKind kind = 0; kind < FM_CHIEN_N_KINDS; kind++)
    if (fm_chien_kind_supported (kind))
      g_array_append_val (rows, ((KernelRow) {
        g_strdup_printf ("decode t errors, chien %s", fm_chien_kind_name (kind)),
        fm_bch_encoder_kind_best (), kind, ours_decode_errors }));
  return rows;
}

/* Encode and decode with errors of the BCH configurations, per kernel. */
static void
bench_kernels (gdouble seconds)
{
  g_autoptr (GArray) rows = kernel_rows ();
  Pool pools[2];

  printf ("\nBCH kernels of flashmodel (MB/s; the first table uses the fastest):\n");
  printf ("%-36s %12s %12s\n", "kernel", configs[1].label, configs[2].label);
  for (guint c = 0; c < 2; c++)
    pool_init (&pools[c], &configs[c + 1]);
  for (guint r = 0; r < rows->len; r++)
    {
      KernelRow *row = &g_array_index (rows, KernelRow, r);

      printf ("%-36s", row->label);
      for (guint c = 0; c < 2; c++)
        {
          fm_bch_set_kinds (pools[c].ours->engine, row->encoder, row->chien);
          printf (" %12.1f", measure (row->op, &pools[c], seconds));
        }
      printf ("\n");
      g_free (row->label);
    }
  for (guint c = 0; c < 2; c++)
    pool_clear (&pools[c]);
}

static void
print_goals (const Summary *summary)
{
  printf ("\n");
  for (guint c = 1; c < G_N_ELEMENTS (configs); c++)
    printf ("goal: %s clean decode >= %.0f MB/s: %.0f MB/s, %s\n", configs[c].label,
            GOAL_CLEAN_DECODE_MBPS, summary[c].clean_decode,
            summary[c].clean_decode >= GOAL_CLEAN_DECODE_MBPS ? "PASS" : "MISS");
  for (guint c = 1; c < G_N_ELEMENTS (configs); c++)
    {
      if (summary[c].ratio_errors > 0)
        printf ("goal: %s decode with t errors within 2x of Linux: ours/Linux %.2f, %s\n",
                configs[c].label, summary[c].ratio_errors,
                summary[c].ratio_errors >= GOAL_LINUX_RATIO ? "PASS" : "MISS");
      else
        printf ("goal: %s decode with t errors within 2x of Linux: not measured\n",
                configs[c].label);
    }
}

int
main (int argc, char **argv)
{
  gdouble seconds = 0.3;
  gboolean quick = FALSE;
  GOptionEntry entries[] = {
    { "seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "Seconds per cell (default 0.3)", "S" },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "Tiny durations, for a smoke test", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  Summary summary[G_N_ELEMENTS (configs)];

  setlocale (LC_ALL, "");
  g_option_context_set_summary (ctx,
    "Measure the encode and decode throughput of flashmodel's ECC engines\n"
    "and of Linux's lib/bch and software Hamming on the same data.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("ecc-bench: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr ("ecc-bench: unexpected argument '%s'\n", argv[1]);
      return EXIT_USAGE;
    }
  if (quick)
    seconds = 0.01;
  if (!(seconds > 0 && seconds <= 3600))
    {
      g_printerr ("ecc-bench: --seconds takes a number in (0, 3600]\n");
      return EXIT_USAGE;
    }

  printf ("ECC throughput, MB/s of data (10^6 bytes), %.2f s per cell; "
          "flashmodel kernels: encoder %s, Chien search %s\n",
          seconds, fm_bch_encoder_kind_name (fm_bch_encoder_kind_best ()),
          fm_chien_kind_name (fm_chien_kind_best ()));
#ifndef FM_HAVE_LINUX_ECC
  printf ("Linux lib/bch and ecc-sw-hamming: not built (no kernel source tarball at configure time)\n");
#endif
  printf ("%-12s %-18s %12s %12s %8s\n", "engine", "operation", "flashmodel", "Linux", "ratio");
  for (guint c = 0; c < G_N_ELEMENTS (configs); c++)
    if (!bench_config (&configs[c], seconds, &summary[c]))
      return EXIT_FAILURE;
  bench_kernels (seconds);
  print_goals (summary);
  return EXIT_SUCCESS;
}
