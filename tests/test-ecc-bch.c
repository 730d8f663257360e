/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BCH engine's parts (fm-ecc-bch.h, fm-bch-encode.h, fm-bch-chien.h,
 * fm-gf.h): the field, the generator polynomial, every encoder and Chien
 * search kernel this CPU can run against the portable ones and against
 * definitions computed bit by bit, and the error positions decoding reports.
 */
#include "ecc-test-util.h"
#include "fm-ecc-bch.h"

#include <string.h>

/* ---- GF(2^m) ------------------------------------------------------------- */

static void
test_field (void)
{
  FmPrng prng;

  fm_prng_init (&prng, 5);
  for (guint m = 13; m <= 14; m++)
    {
      g_autoptr (FmGf) gf = fm_gf_new (m);

      g_assert_cmphex (gf->poly, ==, m == 13 ? 0x201b : 0x402b);
      g_assert_cmpuint (gf->exp[0], ==, 1);
      g_assert_cmpuint (gf->exp[1], ==, 2);
      for (guint i = 0; i < gf->n; i++)
        g_assert_cmpuint (gf->log[gf->exp[i]], ==, i);
      for (guint iter = 0; iter < 100000; iter++)
        {
          guint a = fm_prng_below (&prng, gf->n + 1), b = fm_prng_below (&prng, gf->n + 1);
          guint product = fm_gf_mul (gf, a, b);

          g_assert_cmpuint (product, ==, fm_gf_mul_slow (gf->poly, m, a, b));
          if (b)
            g_assert_cmpuint (fm_gf_div (gf, product, b), ==, a);
          g_assert_cmpuint (fm_gf_sqr (gf, a), ==, fm_gf_mul_slow (gf->poly, m, a, a));
        }
    }
}

/* ---- the generator polynomial ---------------------------------------------- */

/* P (binary, bit i = x^i, DEGREE) at alpha^J. */
static guint
eval_binary (const FmGf *gf, const guint64 *p, guint degree, guint j)
{
  guint sum = 0;

  for (guint i = 0; i <= degree; i++)
    if ((p[i / 64] >> (i % 64)) & 1)
      sum ^= fm_gf_alpha_pow (gf, (guint64) i * j);
  return sum;
}

/* g(x) has degree m * t here and alpha^1..alpha^2t among its roots. */
static void
test_generator (gconstpointer user_data)
{
  const EccTestField *f = user_data;

  for (guint t = 1; t <= FM_BCH_MAX_T; t++)
    {
      g_autoptr (FmBch) bch = fm_bch_new (f->step, t, f->m, NULL);
      const FmGf *gf = fm_bch_field (bch);

      g_assert_cmpuint (fm_bch_ecc_bits (bch), ==, f->m * t);
      g_assert_cmpuint (fm_bch_ecc_bytes (bch), ==, (f->m * t + 7) / 8);
      for (guint j = 1; j <= 2 * t; j++)
        g_assert_cmpuint (eval_binary (gf, fm_bch_generator (bch), fm_bch_ecc_bits (bch), j), ==, 0);
    }
}

/* ---- encoders ---------------------------------------------------------------- */

/* The parity by definition: long division of data(x) * x^E by g(x), one
 * bit at a time, written MSB first into ECC_BYTES bytes. */
static void
reference_parity (const FmBch *bch, const guint8 *data, guint8 *ecc)
{
  const guint e = fm_bch_ecc_bits (bch), nbits = 8 * fm_bch_step_size (bch);
  const guint64 *g = fm_bch_generator (bch);
  g_autofree guint8 *r = g_malloc0 (e + 1); /* r[i]: coefficient of x^i */

  for (guint b = 0; b < nbits; b++)
    {
      guint feedback = ((data[b / 8] >> (7 - b % 8)) & 1) ^ r[e - 1];

      memmove (r + 1, r, e - 1);
      r[0] = 0;
      if (feedback)
        for (guint i = 0; i < e; i++)
          r[i] ^= (g[i / 64] >> (i % 64)) & 1;
    }
  memset (ecc, 0, fm_bch_ecc_bytes (bch));
  for (guint q = 0; q < e; q++)
    if (r[e - 1 - q])
      ecc[q / 8] |= 0x80 >> (q % 8);
}

static void
test_encoder_reference (gconstpointer user_data)
{
  static const guint strengths[] = { 1, 2, 5, 8, 13, 24 };
  const EccTestField *f = user_data;
  g_autofree guint8 *data = g_malloc (f->step);
  FmPrng prng;

  fm_prng_init (&prng, 11);
  for (guint s = 0; s < G_N_ELEMENTS (strengths); s++)
    {
      g_autoptr (FmBch) bch = fm_bch_new (f->step, strengths[s], f->m, NULL);
      guint8 ecc[FM_BCH_MAX_ECC_BYTES], expect[FM_BCH_MAX_ECC_BYTES];

      fm_bch_set_kinds (bch, FM_BCH_ENCODER_PORTABLE, FM_CHIEN_PORTABLE);
      for (guint iter = 0; iter < 4; iter++)
        {
          ecc_test_random_bytes (&prng, data, f->step);
          fm_bch_encode_raw (bch, data, ecc);
          reference_parity (bch, data, expect);
          g_assert_cmpmem (ecc, fm_bch_ecc_bytes (bch), expect, fm_bch_ecc_bytes (bch));
        }
    }
}

/* Every supported kernel gives the portable one's parity, for every t,
 * on random data and on sparse data (single bits, runs of zeros). */
static void
test_encoder_kinds (gconstpointer user_data)
{
  const EccTestField *f = user_data;
  g_autofree guint8 *data = g_malloc (f->step);
  FmPrng prng;

  fm_prng_init (&prng, 17 + f->m + f->step);
  for (FmBchEncoderKind kind = 1; kind < FM_BCH_N_ENCODERS; kind++)
    {
      if (!fm_bch_encoder_kind_supported (kind))
        {
          g_test_message ("encoder %s: not available (CPU or build)", fm_bch_encoder_kind_name (kind));
          continue;
        }
      for (guint t = 1; t <= FM_BCH_MAX_T; t++)
        {
          g_autoptr (FmBch) bch = fm_bch_new (f->step, t, f->m, NULL);

          for (guint iter = 0; iter < 12; iter++)
            {
              guint8 ecc[FM_BCH_MAX_ECC_BYTES], expect[FM_BCH_MAX_ECC_BYTES];

              if (iter < 8)
                ecc_test_random_bytes (&prng, data, f->step);
              else
                {
                  memset (data, 0, f->step);
                  data[fm_prng_below (&prng, f->step)] = 1u << (iter % 8);
                }
              fm_bch_set_kinds (bch, FM_BCH_ENCODER_PORTABLE, FM_CHIEN_PORTABLE);
              fm_bch_encode_raw (bch, data, expect);
              fm_bch_set_kinds (bch, kind, FM_CHIEN_PORTABLE);
              fm_bch_encode_raw (bch, data, ecc);
              g_assert_cmpmem (ecc, fm_bch_ecc_bytes (bch), expect, fm_bch_ecc_bytes (bch));
            }
        }
    }
}

/* Lengths other than the engine's steps: one block, and odd numbers of
 * blocks (the 512-bit kernel pairs blocks up), on every kernel. */
static void
test_encoder_lengths (void)
{
  static const guint lengths[] = { 64, 128, 192, 320, 960 };
  g_autoptr (FmBch) bch = fm_bch_new (1024, 24, 14, NULL);
  guint8 data[960];
  FmPrng prng;

  fm_prng_init (&prng, 41);
  for (guint l = 0; l < G_N_ELEMENTS (lengths); l++)
    {
      FmBchEncoder *enc = fm_bch_encoder_new (fm_bch_generator (bch), fm_bch_ecc_bits (bch),
                                              lengths[l], fm_bch_ecc_bytes (bch));
      guint8 expect[FM_BCH_MAX_ECC_BYTES], ecc[FM_BCH_MAX_ECC_BYTES];

      ecc_test_random_bytes (&prng, data, lengths[l]);
      fm_bch_encoder_set_kind (enc, FM_BCH_ENCODER_PORTABLE);
      fm_bch_encoder_run (enc, data, expect);
      for (FmBchEncoderKind kind = 1; kind < FM_BCH_N_ENCODERS; kind++)
        if (fm_bch_encoder_kind_supported (kind))
          {
            fm_bch_encoder_set_kind (enc, kind);
            fm_bch_encoder_run (enc, data, ecc);
            g_assert_cmpmem (ecc, fm_bch_ecc_bytes (bch), expect, fm_bch_ecc_bytes (bch));
          }
      fm_bch_encoder_free (enc);
    }
}

/* ---- Chien search ------------------------------------------------------------ */

/* LAMBDA = prod (1 + alpha^p x) over the DEGREE positions P. */
static void
locator_from_positions (const FmGf *gf, const guint *p, guint degree, guint16 *lambda)
{
  memset (lambda, 0, (degree + 1) * sizeof *lambda);
  lambda[0] = 1;
  for (guint i = 0; i < degree; i++)
    {
      guint x = fm_gf_alpha_pow (gf, p[i]);

      for (guint k = i + 1; k > 0; k--)
        lambda[k] ^= fm_gf_mul (gf, lambda[k - 1], x);
    }
}

/* Distinct positions in [0, gf->n); some beyond N when BEYOND. */
static void
random_positions (FmPrng *prng, const FmGf *gf, guint n, guint count, gboolean beyond, guint *p)
{
  for (guint i = 0; i < count; i++)
    {
      gboolean repeat;

      do
        {
          p[i] = fm_prng_below (prng, beyond && i == 0 ? gf->n : n);
          repeat = FALSE;
          for (guint j = 0; j < i; j++)
            repeat |= p[j] == p[i];
        }
      while (repeat);
    }
  ecc_test_sort (p, count);
}

static void
check_chien_kind (FmChienKind kind, guint m, guint n, guint max_degree, FmPrng *prng)
{
  g_autoptr (FmGf) gf = fm_gf_new (m);
  FmChien *chien = fm_chien_new (gf, max_degree, n);
  FmChien *portable = fm_chien_new (gf, max_degree, n);

  fm_chien_set_kind (chien, kind);
  fm_chien_set_kind (portable, FM_CHIEN_PORTABLE);
  for (guint iter = 0; iter < 400; iter++)
    {
      guint degree = 1 + iter % max_degree, found, found_portable;
      guint p[FM_CHIEN_MAX_DEGREE], roots[FM_CHIEN_MAX_DEGREE], roots_portable[FM_CHIEN_MAX_DEGREE];
      guint16 lambda[FM_CHIEN_MAX_DEGREE + 1];
      gboolean beyond = iter % 5 == 4, random = iter % 7 == 6;

      if (random) /* any polynomial: its roots are what the portable kind finds */
        {
          lambda[0] = 1;
          for (guint k = 1; k <= degree; k++)
            lambda[k] = fm_prng_below (prng, gf->n) + (k == degree);
        }
      else
        {
          random_positions (prng, gf, n, degree, beyond, p);
          locator_from_positions (gf, p, degree, lambda);
        }
      found = fm_chien_search (chien, lambda, degree, roots);
      found_portable = fm_chien_search (portable, lambda, degree, roots_portable);
      g_assert_cmpuint (found, ==, found_portable);
      g_assert_cmpmem (roots, found * sizeof *roots, roots_portable, found * sizeof *roots);
      if (!random)
        {
          /* The positions below N, in order. */
          guint inside = 0;

          for (guint i = 0; i < degree; i++)
            if (p[i] < n)
              g_assert_cmpuint (roots[inside++], ==, p[i]);
          g_assert_cmpuint (found, ==, inside);
        }
    }
  fm_chien_free (chien);
  fm_chien_free (portable);
}

static void
test_chien_kinds (void)
{
  FmPrng prng;

  fm_prng_init (&prng, 23);
  for (FmChienKind kind = 0; kind < FM_CHIEN_N_KINDS; kind++)
    {
      if (!fm_chien_kind_supported (kind))
        {
          g_test_message ("Chien search %s: not available (CPU or build)", fm_chien_kind_name (kind));
          continue;
        }
      /* Shortened codes as the engine makes them, and ragged lengths that
       * end inside a block of every width. */
      check_chien_kind (kind, 13, 8 * 512 + 13 * 8, 8, &prng);
      check_chien_kind (kind, 14, 8 * 1024 + 14 * 24, 24, &prng);
      check_chien_kind (kind, 13, 77, 6, &prng);
      check_chien_kind (kind, 14, (1u << 14) - 1, FM_CHIEN_MAX_DEGREE, &prng);
    }
}

/* ---- decoding ---------------------------------------------------------------- */

/* Every pair of kernels locates the errors where they were put, as Linux
 * numbers them. */
static void
test_decode_positions (gconstpointer user_data)
{
  const EccTestField *f = user_data;
  g_autofree guint8 *data = g_malloc (f->step);
  FmPrng prng;

  fm_prng_init (&prng, 31 + f->m + f->step);
  for (guint t = 1; t <= FM_BCH_MAX_T; t += (t < 4 ? 1 : 5))
    {
      g_autoptr (FmBch) bch = fm_bch_new (f->step, t, f->m, NULL);

      for (FmBchEncoderKind enc = 0; enc < FM_BCH_N_ENCODERS; enc++)
        for (FmChienKind chien = 0; chien < FM_CHIEN_N_KINDS; chien++)
          {
            if (!fm_bch_encoder_kind_supported (enc) || !fm_chien_kind_supported (chien))
              continue;
            fm_bch_set_kinds (bch, enc, chien);
            for (guint weight = 0; weight <= t; weight++)
              {
                guint8 ecc[FM_BCH_MAX_ECC_BYTES];
                guint expect[FM_BCH_MAX_T], loc[FM_BCH_MAX_T];
                gint count;

                ecc_test_random_bytes (&prng, data, f->step);
                fm_bch_encode (bch, data, ecc);
                ecc_test_flip_random (&prng, data, f->step, ecc, fm_bch_ecc_bits (bch), weight, expect);
                count = fm_bch_decode (bch, data, ecc, loc);
                g_assert_cmpint (count, ==, weight);
                ecc_test_sort (loc, count);
                g_assert_cmpmem (loc, count * sizeof *loc, expect, weight * sizeof *expect);
              }
          }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ecc-bch/field", test_field);
  ecc_test_add_per_field ("/ecc-bch/generator", test_generator);
  ecc_test_add_per_field ("/ecc-bch/encoder/reference", test_encoder_reference);
  g_test_add_func ("/ecc-bch/encoder/lengths", test_encoder_lengths);
  g_test_add_func ("/ecc-bch/chien/kinds", test_chien_kinds);
  ecc_test_add_per_field ("/ecc-bch/encoder/kinds", test_encoder_kinds);
  ecc_test_add_per_field ("/ecc-bch/decode", test_decode_positions);
  return g_test_run ();
}
