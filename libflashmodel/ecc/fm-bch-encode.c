/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-bch-encode.h"
#include "fm-cpu.h"

#include <string.h>

/* ---- polynomials over GF(2) in arrays of 64-bit words, bit i = x^i ------ */

#define POLY_WORDS 12   /* x^(E + 64 + 1) with E <= FM_BCH_MAX_DEGREE */

static inline gboolean
poly_bit (const guint64 *p, guint i)
{
  return (p[i / 64] >> (i % 64)) & 1;
}

static inline void
poly_flip_bit (guint64 *p, guint i)
{
  p[i / 64] ^= G_GUINT64_CONSTANT (1) << (i % 64);
}

/* DST ^= SRC * x^SHIFT; SRC has N words, DST room for them shifted. */
static void
poly_xor_shifted (guint64 *dst, const guint64 *src, guint n, guint shift)
{
  guint w = shift / 64, b = shift % 64;

  for (guint i = 0; i < n; i++)
    {
      dst[i + w] ^= src[i] << b;
      if (b)
        dst[i + w + 1] ^= src[i] >> (64 - b);
    }
}

/* R (degree < E) becomes R * x mod g. */
static void
mulx_mod (const FmBchEncoder *enc, guint64 *r)
{
  const guint e = enc->degree, top = (e - 1) / 64;
  gboolean carry = poly_bit (r, e - 1);

  for (guint i = top; i > 0; i--)
    r[i] = (r[i] << 1) | (r[i - 1] >> 63);
  r[0] <<= 1;
  if (e % 64)
    r[top] &= (G_GUINT64_CONSTANT (1) << (e % 64)) - 1;
  if (carry)
    for (guint i = 0; i <= top; i++)
      r[i] ^= enc->g_low[i];
}

/* OUT (enc->words words) = x^POWER mod g. */
static void
xpow_mod (const FmBchEncoder *enc, guint power, guint64 *out)
{
  memset (out, 0, enc->words * sizeof *out);
  if (power < enc->degree)
    {
      poly_flip_bit (out, power);
      return;
    }
  memcpy (out, enc->g_low, enc->words * sizeof *out);
  for (guint p = enc->degree; p < power; p++)
    mulx_mod (enc, out);
}

/* A right-aligned remainder (bit i = x^i) to words holding it
 * left-justified, most significant word first. */
static void
left_justify (const FmBchEncoder *enc, const guint64 *rem, guint64 *lj)
{
  const guint n = enc->words, shift = 64 * n - enc->degree;

  for (guint i = 0; i < n; i++)
    {
      guint64 v = rem[i] << shift;

      if (shift && i > 0)
        v |= rem[i - 1] >> (64 - shift);
      lj[n - 1 - i] = v;
    }
}

static void
store_left_justified (const FmBchEncoder *enc, const guint64 *lj, guint8 *out)
{
  guint8 bytes[8 * FM_BCH_MAX_WORDS];

  for (guint i = 0; i < enc->words; i++)
    {
      guint64 be = GUINT64_TO_BE (lj[i]);

      memcpy (bytes + 8 * i, &be, 8);
    }
  if (enc->out_bytes <= 8 * enc->words)
    memcpy (out, bytes, enc->out_bytes);
  else
    {
      memcpy (out, bytes, 8 * enc->words);
      memset (out + 8 * enc->words, 0, enc->out_bytes - 8 * enc->words);
    }
}

void
fm_bch_store_remainder (const FmBchEncoder *enc, const guint64 *rem, guint8 *out)
{
  guint64 lj[FM_BCH_MAX_WORDS];

  left_justify (enc, rem, lj);
  store_left_justified (enc, lj, out);
}

/* ---- portable: eight byte-indexed tables per 64-bit word of data --------- */

static void
build_table (FmBchEncoder *enc)
{
  const guint n = enc->words;
  guint64 basis[64][FM_BCH_MAX_WORDS];

  /* basis[k] = x^(E + k) mod g: the effect of data bit k of a word. */
  xpow_mod (enc, enc->degree, basis[0]);
  for (guint k = 1; k < 64; k++)
    {
      memcpy (basis[k], basis[k - 1], sizeof basis[k]);
      mulx_mod (enc, basis[k]);
    }
  enc->table = g_new0 (guint64, 8 * 256 * n);
  for (guint j = 0; j < 8; j++)
    for (guint b = 0; b < 256; b++)
      {
        guint64 sum[FM_BCH_MAX_WORDS] = { 0 };

        for (guint s = 0; s < 8; s++)
          if (b & (1u << s))
            for (guint i = 0; i < n; i++)
              sum[i] ^= basis[8 * j + s][i];
        left_justify (enc, sum, enc->table + (j * 256 + b) * n);
      }
}

/* N is a constant in each instance below, so the word loops unroll. */
static inline G_GNUC_UNUSED void
encode_portable_words (const FmBchEncoder *enc, const guint8 *data, guint8 *out, const guint n)
{
  const guint64 *table = enc->table;
  guint64 r[FM_BCH_MAX_WORDS] = { 0 };

  for (guint pos = 0; pos < enc->data_bytes; pos += 8)
    {
      guint64 w;

      memcpy (&w, data + pos, 8);
      w = GUINT64_FROM_BE (w) ^ r[0];
      for (guint i = 0; i + 1 < n; i++)
        r[i] = r[i + 1];
      r[n - 1] = 0;
      for (guint j = 0; j < 8; j++)
        {
          const guint64 *entry = table + (j * 256 + ((w >> (8 * j)) & 0xff)) * n;

          for (guint i = 0; i < n; i++)
            r[i] ^= entry[i];
        }
    }
  store_left_justified (enc, r, out);
}

#define ENCODE_PORTABLE_N(N) \
  static void encode_portable_##N (const FmBchEncoder *enc, const guint8 *data, guint8 *out) \
  { encode_portable_words (enc, data, out, N); }
ENCODE_PORTABLE_N (1)
ENCODE_PORTABLE_N (2)
ENCODE_PORTABLE_N (3)
ENCODE_PORTABLE_N (4)
ENCODE_PORTABLE_N (5)
ENCODE_PORTABLE_N (6)
ENCODE_PORTABLE_N (7)

static const FmBchEncodeFunc portable_by_words[FM_BCH_MAX_WORDS + 1] = {
  NULL, encode_portable_1, encode_portable_2, encode_portable_3, encode_portable_4,
  encode_portable_5, encode_portable_6, encode_portable_7,
};

/* ---- constants of the carry-less folding --------------------------------- */

static void
build_fold_constants (FmBchEncoder *enc)
{
  guint64 g[POLY_WORDS] = { 0 }, r[POLY_WORDS] = { 0 };
  const guint e = enc->degree;

  for (guint i = 0; i < 8; i++)
    {
      xpow_mod (enc, 64 * i + 8 * FM_BCH_FOLD_BYTES, enc->fold[i]);
      xpow_mod (enc, 64 * i + 16 * FM_BCH_FOLD_BYTES, enc->fold2[i]);
      xpow_mod (enc, 64 * i + e, enc->final[i]);
    }
  /* Barrett: the quotient of x^(E+64) by g, by long division. */
  memcpy (g, enc->g_low, enc->words * sizeof *g);
  poly_flip_bit (g, e);
  poly_flip_bit (r, e + 64);
  enc->barrett = 0;
  for (guint d = e + 64; d >= e; d--)
    if (poly_bit (r, d))
      {
        poly_xor_shifted (r, g, enc->words + 1, d - e);
        if (d - e < 64)
          enc->barrett |= G_GUINT64_CONSTANT (1) << (d - e);
      }
}

/* ---- construction and dispatch ------------------------------------------- */

FmBchEncoder *
fm_bch_encoder_new (const guint64 *g, guint degree, guint data_bytes, guint out_bytes)
{
  FmBchEncoder *enc;

  g_return_val_if_fail (degree >= 1 && degree <= FM_BCH_MAX_DEGREE, NULL);
  g_return_val_if_fail (data_bytes && data_bytes % FM_BCH_FOLD_BYTES == 0, NULL);
  g_return_val_if_fail (out_bytes >= (degree + 7) / 8, NULL);
  g_return_val_if_fail (poly_bit (g, degree), NULL);
  enc = g_new0 (FmBchEncoder, 1);
  enc->degree = degree;
  enc->words = (degree + 63) / 64;
  enc->data_bytes = data_bytes;
  enc->out_bytes = out_bytes;
  memcpy (enc->g_low, g, enc->words * sizeof *g);
  if (degree % 64)
    enc->g_low[enc->words - 1] &= (G_GUINT64_CONSTANT (1) << (degree % 64)) - 1;
  build_table (enc);
  build_fold_constants (enc);
  fm_bch_encoder_set_kind (enc, fm_bch_encoder_kind_best ());
  return enc;
}

void
fm_bch_encoder_free (FmBchEncoder *enc)
{
  if (!enc)
    return;
  g_free (enc->table);
  g_free (enc);
}

static const FmCpuFeatures kind_needs[FM_BCH_N_ENCODERS] = {
  0,
  FM_CPU_PCLMUL | FM_CPU_SSE41 | FM_CPU_SSSE3,
  FM_CPU_AVX512F | FM_CPU_AVX512BW | FM_CPU_VPCLMUL | FM_CPU_PCLMUL | FM_CPU_SSE41 | FM_CPU_SSSE3,
};

gboolean
fm_bch_encoder_kind_supported (FmBchEncoderKind kind)
{
  return kind < FM_BCH_N_ENCODERS && fm_cpu_supports (kind_needs[kind]);
}

const gchar *
fm_bch_encoder_kind_name (FmBchEncoderKind kind)
{
  static const gchar *const names[FM_BCH_N_ENCODERS] = { "portable", "pclmul", "vpclmul-avx512" };

  g_return_val_if_fail (kind < FM_BCH_N_ENCODERS, NULL);
  return names[kind];
}

FmBchEncoderKind
fm_bch_encoder_kind_best (void)
{
  return fm_cpu_best_kernel (kind_needs, FM_BCH_N_ENCODERS);
}

void
fm_bch_encoder_set_kind (FmBchEncoder *enc, FmBchEncoderKind kind)
{
  g_return_if_fail (fm_bch_encoder_kind_supported (kind));
  enc->kind = kind;
  switch (kind)
    {
    case FM_BCH_ENCODER_PCLMUL:
      enc->run = fm_bch_encode_pclmul;
      break;
    case FM_BCH_ENCODER_VPCLMUL:
      enc->run = fm_bch_encode_vpclmul;
      break;
    default:
      enc->run = portable_by_words[enc->words];
      break;
    }
}
