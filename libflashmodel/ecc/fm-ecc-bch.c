/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-ecc-bch.h"
#include "fm-bch-syndrome.h"
#include "fm-ecc.h"
#include "fm-error.h"

#include <string.h>

#define POLY_WORDS (FM_BCH_MAX_WORDS + 1)
#define LOCATOR_SIZE (2 * FM_BCH_MAX_T + 2)

struct _FmBch {
  guint step_size;
  guint t;
  FmGf *gf;
  guint ecc_bits;        /* E = deg g */
  guint ecc_bytes;
  guint code_bits;       /* n of the shortened code: 8 * step_size + E */
  guint64 g[POLY_WORDS];
  guint8 mask[FM_BCH_MAX_ECC_BYTES];   /* ~(raw parity of an erased step) */
  guint8 in_code[FM_BCH_MAX_ECC_BYTES]; /* ECC bits that belong to the code */
  FmBchEncoder *encoder;
  FmChien *chien;
  FmBchSyndromes *syndromes;
};

/* ---- the code ------------------------------------------------------------ */

/* The minimal polynomial of alpha^J (binary: bit i = x^i), marking the
 * exponents of its roots (J's cyclotomic coset) in COVERED. */
static guint64
minimal_polynomial (const FmGf *gf, guint j, guint8 *covered)
{
  guint16 coef[FM_GF_MAX_M + 1] = { 1 };
  guint degree = 0, c = j;
  guint64 binary = 0;

  do
    {
      /* coef *= (x + alpha^c) */
      guint root = gf->exp[c];

      coef[degree + 1] = coef[degree];
      for (guint i = degree; i > 0; i--)
        coef[i] = coef[i - 1] ^ fm_gf_mul (gf, coef[i], root);
      coef[0] = fm_gf_mul (gf, coef[0], root);
      degree++;
      covered[c] = 1;
      c = (2 * c) % gf->n;
    }
  while (c != j);
  for (guint i = 0; i <= degree; i++)
    {
      g_assert (coef[i] <= 1); /* conjugate roots: binary coefficients */
      binary |= (guint64) coef[i] << i;
    }
  return binary;
}

/* G = lcm of the minimal polynomials of alpha^1..alpha^2t; returns its degree. */
static guint
generator_polynomial (const FmGf *gf, guint t, guint64 *g)
{
  g_autofree guint8 *covered = g_malloc0 (gf->n);
  guint degree = 0;

  memset (g, 0, POLY_WORDS * sizeof *g);
  g[0] = 1;
  for (guint j = 1; j < 2 * t; j += 2)
    {
      guint64 factor, product[POLY_WORDS] = { 0 };

      if (covered[j])
        continue;
      factor = minimal_polynomial (gf, j, covered);
      for (guint b = 0; b < 64; b++)
        if (factor & (G_GUINT64_CONSTANT (1) << b))
          for (guint w = 0; w < POLY_WORDS; w++)
            {
              product[w] ^= g[w] << b;
              if (b && w + 1 < POLY_WORDS)
                product[w + 1] ^= g[w] >> (64 - b);
            }
      memcpy (g, product, sizeof product);
      degree += 63 - __builtin_clzll (factor);
    }
  return degree;
}

/* ---- construction -------------------------------------------------------- */

static gboolean
check_parameters (guint step_size, guint t, guint *m, GError **error)
{
  if (step_size != 512 && step_size != 1024)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "BCH ECC: step size %u is not 512 or 1024", step_size);
      return FALSE;
    }
  if (t < 1 || t > FM_BCH_MAX_T)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "BCH ECC: strength %u is not 1 to %u bits", t, FM_BCH_MAX_T);
      return FALSE;
    }
  if (*m == 0)
    *m = step_size == 512 ? 13 : 14; /* the smallest field that fits, as Linux picks */
  if (*m != 13 && *m != 14)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "BCH ECC: field order m = %u is not 13 or 14", *m);
      return FALSE;
    }
  if (8 * step_size + *m * t >= 1u << *m)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "BCH ECC: %u data bits and %u ECC bits exceed the %u-bit code of GF(2^%u)",
                   8 * step_size, *m * t, (1u << *m) - 1, *m);
      return FALSE;
    }
  return TRUE;
}

static void
compute_erased_mask (FmBch *bch)
{
  g_autofree guint8 *erased = g_malloc (bch->step_size);

  memset (erased, 0xff, bch->step_size);
  fm_bch_encode_raw (bch, erased, bch->mask);
  for (guint i = 0; i < bch->ecc_bytes; i++)
    bch->mask[i] ^= 0xff;
}

FmBch *
fm_bch_new (guint step_size, guint t, guint m, GError **error)
{
  FmBch *bch;

  if (!check_parameters (step_size, t, &m, error))
    return NULL;
  bch = g_new0 (FmBch, 1);
  bch->step_size = step_size;
  bch->t = t;
  bch->gf = fm_gf_new (m);
  bch->ecc_bits = generator_polynomial (bch->gf, t, bch->g);
  bch->ecc_bytes = (m * t + 7) / 8;
  bch->code_bits = 8 * step_size + bch->ecc_bits;
  for (guint bit = 0; bit < bch->ecc_bits; bit++)
    bch->in_code[bit / 8] |= 0x80 >> (bit % 8);
  bch->encoder = fm_bch_encoder_new (bch->g, bch->ecc_bits, step_size, bch->ecc_bytes);
  bch->chien = fm_chien_new (bch->gf, t, bch->code_bits);
  bch->syndromes = fm_bch_syndromes_new (bch->gf, t, bch->ecc_bits);
  compute_erased_mask (bch);
  return bch;
}

void
fm_bch_free (FmBch *bch)
{
  if (!bch)
    return;
  fm_bch_syndromes_free (bch->syndromes);
  fm_chien_free (bch->chien);
  fm_bch_encoder_free (bch->encoder);
  fm_gf_free (bch->gf);
  g_free (bch);
}

guint
fm_bch_m (const FmBch *bch)
{
  return bch->gf->m;
}

guint
fm_bch_t (const FmBch *bch)
{
  return bch->t;
}

guint
fm_bch_step_size (const FmBch *bch)
{
  return bch->step_size;
}

guint
fm_bch_ecc_bits (const FmBch *bch)
{
  return bch->ecc_bits;
}

guint
fm_bch_ecc_bytes (const FmBch *bch)
{
  return bch->ecc_bytes;
}

const FmGf *
fm_bch_field (const FmBch *bch)
{
  return bch->gf;
}

const guint64 *
fm_bch_generator (const FmBch *bch)
{
  return bch->g;
}

void
fm_bch_set_kinds (FmBch *bch, FmBchEncoderKind encoder, FmChienKind chien)
{
  fm_bch_encoder_set_kind (bch->encoder, encoder);
  fm_chien_set_kind (bch->chien, chien);
}

/* ---- encoding ------------------------------------------------------------ */

void
fm_bch_encode_raw (const FmBch *bch, const guint8 *data, guint8 *ecc)
{
  fm_bch_encoder_run (bch->encoder, data, ecc);
}

void
fm_bch_encode (const FmBch *bch, const guint8 *data, guint8 *ecc)
{
  fm_bch_encoder_run (bch->encoder, data, ecc);
  for (guint i = 0; i < bch->ecc_bytes; i++)
    ecc[i] ^= bch->mask[i];
}

/* ---- decoding ------------------------------------------------------------ */

/* DIFF = parity of DATA + ECC + mask, over the code's bits: the remainder
 * of the received word modulo g. Returns whether it is nonzero. */
static gboolean
received_remainder (const FmBch *bch, const guint8 *data, const guint8 *ecc, guint8 *diff)
{
  guint8 any = 0;

  fm_bch_encoder_run (bch->encoder, data, diff);
  for (guint i = 0; i < bch->ecc_bytes; i++)
    {
      diff[i] = (diff[i] ^ ecc[i] ^ bch->mask[i]) & bch->in_code[i];
      any |= diff[i];
    }
  return any != 0;
}

/* A polynomial of the Berlekamp-Massey iteration. */
typedef struct {
  guint16 c[LOCATOR_SIZE];
  guint degree;   /* an upper bound: c[i] = 0 above it */
} Poly;

/* P += C * x^SHIFT * B. */
static void
add_scaled_shifted (const FmGf *gf, Poly *p, const Poly *b, guint c, guint shift)
{
  const guint log_c = gf->log[c];

  for (guint i = 0; i <= b->degree && i + shift < LOCATOR_SIZE; i++)
    if (b->c[i])
      p->c[i + shift] ^= gf->exp[log_c + gf->log[b->c[i]]];
  p->degree = MAX (p->degree, MIN (b->degree + shift, LOCATOR_SIZE - 1));
}

/* Binary Berlekamp-Massey: the shortest LFSR generating S[1..2t], with
 * the even steps skipped (their discrepancy is zero for a binary code).
 * Returns the locator's degree, or -1 if it is above t or not its length. */
static gint
error_locator (const FmBch *bch, const guint16 *s, guint16 *lambda)
{
  const FmGf *gf = bch->gf;
  Poly cur = { { 1 }, 0 }, prev = { { 1 }, 0 }, saved;
  guint length = 0, shift = 1, prev_discrepancy = 1;

  for (guint k = 0; k < 2 * bch->t; k += 2)
    {
      guint d = s[k + 1];

      for (guint i = 1; i <= length; i++)
        d ^= fm_gf_mul (gf, cur.c[i], s[k + 1 - i]);
      if (!d)
        {
          shift += 2;
          continue;
        }
      if (2 * length <= k)
        {
          saved = cur;
          add_scaled_shifted (gf, &cur, &prev, fm_gf_div (gf, d, prev_discrepancy), shift);
          prev = saved;
          length = k + 1 - length;
          prev_discrepancy = d;
          shift = 2;
        }
      else
        {
          add_scaled_shifted (gf, &cur, &prev, fm_gf_div (gf, d, prev_discrepancy), shift);
          shift += 2;
        }
    }
  while (cur.degree > 0 && !cur.c[cur.degree])
    cur.degree--;
  if (length > bch->t || cur.degree != length)
    return -1;
  memcpy (lambda, cur.c, (length + 1) * sizeof *lambda);
  return length;
}

gint
fm_bch_decode (const FmBch *bch, const guint8 *data, const guint8 *ecc, guint *errloc)
{
  guint8 diff[FM_BCH_MAX_ECC_BYTES];
  guint16 s[2 * FM_BCH_MAX_T + 1], lambda[LOCATOR_SIZE];
  guint roots[FM_BCH_MAX_T];
  gint degree;

  if (!received_remainder (bch, data, ecc, diff))
    return 0;
  fm_bch_syndromes_compute (bch->syndromes, diff, s);
  degree = error_locator (bch, s, lambda);
  if (degree <= 0)
    return -1;
  if (fm_chien_search (bch->chien, lambda, degree, roots) != (guint) degree)
    return -1;
  for (gint i = 0; i < degree; i++)
    {
      guint bit = bch->code_bits - 1 - roots[i]; /* 0: bit 7 of data byte 0 */

      errloc[i] = (bit & ~7u) | (7 - bit % 8);
    }
  return degree;
}

gint
fm_bch_correct (const FmBch *bch, guint8 *data, guint8 *ecc)
{
  guint errloc[FM_BCH_MAX_T];
  gint count = fm_bch_decode (bch, data, ecc, errloc);
  const guint data_bits = 8 * bch->step_size;

  for (gint i = 0; i < count; i++)
    {
      if (errloc[i] < data_bits)
        data[errloc[i] / 8] ^= 1u << (errloc[i] % 8);
      else
        ecc[(errloc[i] - data_bits) / 8] ^= 1u << (errloc[i] % 8);
    }
  return count;
}

/* ---- the FmEcc engine ---------------------------------------------------- */

static void
bch_encode_step (gpointer engine, const guint8 *data, guint8 *ecc)
{
  fm_bch_encode (engine, data, ecc);
}

static gint
bch_correct_step (gpointer engine, guint8 *data, guint8 *ecc)
{
  return fm_bch_correct (engine, data, ecc);
}

FmEcc *
fm_ecc_new_bch (guint step_size, guint strength, guint m, GError **error)
{
  FmBch *bch = fm_bch_new (step_size, strength, m, error);
  gboolean default_m = m == 0 || m == (step_size == 512 ? 13u : 14u);

  if (!bch)
    return NULL;
  return g_memdup2 (&(FmEcc) {
                      .name = default_m ? g_strdup_printf ("bch%u/%u", strength, step_size)
                                        : g_strdup_printf ("bch%u/%u/m%u", strength, step_size, m),
                      .step_size = step_size, .ecc_bytes = fm_bch_ecc_bytes (bch),
                      .strength = strength, .engine = bch, .encode = bch_encode_step,
                      .correct = bch_correct_step, .free_engine = (GDestroyNotify) fm_bch_free,
                    }, sizeof (FmEcc));
}
