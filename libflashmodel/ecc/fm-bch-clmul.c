/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BCH parity by carry-less multiplication folding (see fm-bch-encode.h).
 *
 * The data is taken 64 bytes at a time into a 512-bit accumulator A =
 * sum a_i x^(64i) that stays congruent, modulo g, to the data read so far:
 * at each step A becomes sum a_i * (x^(64i + 512) mod g) plus the next 64
 * bytes. Each product is a 64-bit word times a remainder of E <= 448 bits,
 * so the sum fits in 512 bits again; the products of all eight words are
 * independent, so the multiplier is never waiting on the one before.
 * At the end A * x^E becomes sum a_i * (x^(64i + E) mod g), of degree below
 * E + 64, and a Barrett step (one multiplication by floor(x^(E+64) / g)
 * for the quotient, then the quotient times g) leaves the remainder.
 *
 * In 128-bit lanes, word pairs (a_2q, a_2q+1) multiply pairs of constant
 * words: products of even constant words land on even word offsets, those
 * of odd ones one word higher, so they are summed apart and the odd sum is
 * shifted up a word once per step.
 */
#include "fm-bch-encode.h"
#include "fm-cpu.h"

#include <string.h>

#ifdef FM_HAVE_X86_SIMD

#include <immintrin.h>

#define TARGET_PCLMUL __attribute__ ((target ("pclmul,sse4.1,ssse3")))
#define TARGET_VPCLMUL \
  __attribute__ ((target ("avx512f,avx512bw,vpclmulqdq,pclmul,sse4.1,ssse3")))

/* V (8 words, degree < E + 64): the remainder of V modulo g into REM. */
static inline TARGET_PCLMUL void
barrett_reduce (const FmBchEncoder *enc, const guint64 *v, guint64 *rem)
{
  const guint e = enc->degree, w = e / 64, b = e % 64;
  guint64 high = b ? (v[w] >> b) | (v[w + 1] << (64 - b)) : v[w];
  __m128i q, qg;

  q = _mm_clmulepi64_si128 (_mm_cvtsi64_si128 (high),
                            _mm_cvtsi64_si128 (enc->barrett), 0x00);
  q = _mm_cvtsi64_si128 (high ^ (guint64) _mm_extract_epi64 (q, 1));
  memcpy (rem, v, enc->words * sizeof *rem);
  for (guint j = 0; j < enc->words; j++)
    {
      qg = _mm_clmulepi64_si128 (q, _mm_cvtsi64_si128 (enc->g_low[j]), 0x00);
      rem[j] ^= (guint64) _mm_cvtsi128_si64 (qg);
      if (j + 1 < enc->words)
        rem[j + 1] ^= (guint64) _mm_extract_epi64 (qg, 1);
    }
  if (b)
    rem[enc->words - 1] &= (G_GUINT64_CONSTANT (1) << b) - 1;
}

/* ---- 128-bit lanes ------------------------------------------------------- */

/* 16 data bytes as the lane (a_2q, a_2q+1): big-endian words, swapped. */
static inline TARGET_PCLMUL __m128i
load_lane (const guint8 *p)
{
  const __m128i reverse = _mm_set_epi8 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

  return _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) p), reverse);
}

/* OUT = sum over the 8 words a_i of ACC of a_i * K[i]; K[i] has PAIRS
 * nonzero word pairs. OUT may be ACC. */
static inline TARGET_PCLMUL __attribute__ ((always_inline)) void
fold_128 (const __m128i *acc, const guint64 (*k)[8], const guint pairs, __m128i *out)
{
  __m128i even[4], odd[4];

  for (guint p = 0; p < 4; p++)
    even[p] = odd[p] = _mm_setzero_si128 ();
  for (guint q = 0; q < 4; q++)
    for (guint p = 0; p < pairs; p++)
      {
        __m128i k0 = _mm_loadu_si128 ((const __m128i *) &k[2 * q][2 * p]);
        __m128i k1 = _mm_loadu_si128 ((const __m128i *) &k[2 * q + 1][2 * p]);

        even[p] = _mm_xor_si128 (even[p], _mm_xor_si128 (_mm_clmulepi64_si128 (acc[q], k0, 0x00),
                                                         _mm_clmulepi64_si128 (acc[q], k1, 0x01)));
        odd[p] = _mm_xor_si128 (odd[p], _mm_xor_si128 (_mm_clmulepi64_si128 (acc[q], k0, 0x10),
                                                       _mm_clmulepi64_si128 (acc[q], k1, 0x11)));
      }
  out[0] = _mm_xor_si128 (even[0], _mm_slli_si128 (odd[0], 8));
  for (guint q = 1; q < 4; q++)
    out[q] = _mm_xor_si128 (even[q], _mm_alignr_epi8 (odd[q], odd[q - 1], 8));
}

static inline TARGET_PCLMUL __attribute__ ((always_inline)) void
encode_pclmul_pairs (const FmBchEncoder *enc, const guint8 *data, guint8 *out, const guint pairs)
{
  __m128i acc[4];
  guint64 v[8], rem[FM_BCH_MAX_WORDS];

  for (guint q = 0; q < 4; q++)
    acc[q] = load_lane (data + 48 - 16 * q);
  for (guint pos = FM_BCH_FOLD_BYTES; pos < enc->data_bytes; pos += FM_BCH_FOLD_BYTES)
    {
      fold_128 (acc, enc->fold, pairs, acc);
      for (guint q = 0; q < 4; q++)
        acc[q] = _mm_xor_si128 (acc[q], load_lane (data + pos + 48 - 16 * q));
    }
  fold_128 (acc, enc->final, pairs, acc);
  memcpy (v, acc, sizeof v);
  barrett_reduce (enc, v, rem);
  fm_bch_store_remainder (enc, rem, out);
}

TARGET_PCLMUL void
fm_bch_encode_pclmul (const FmBchEncoder *enc, const guint8 *data, guint8 *out)
{
  switch ((enc->words + 1) / 2)
    {
    case 1:
      encode_pclmul_pairs (enc, data, out, 1);
      break;
    case 2:
      encode_pclmul_pairs (enc, data, out, 2);
      break;
    case 3:
      encode_pclmul_pairs (enc, data, out, 3);
      break;
    default:
      encode_pclmul_pairs (enc, data, out, 4);
      break;
    }
}

/* ---- 512-bit vectors: the whole accumulator in one register -------------- */

static inline TARGET_VPCLMUL __m512i
load_block (const guint8 *p)
{
  const __m512i reverse = _mm512_broadcast_i32x4 (
    _mm_set_epi8 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  __m512i x = _mm512_shuffle_epi8 (_mm512_loadu_si512 (p), reverse);

  return _mm512_shuffle_i64x2 (x, x, 0x1b); /* lanes in reverse order */
}

static inline TARGET_VPCLMUL __m512i
fold_512 (__m512i acc, const guint64 (*k)[8])
{
  __m512i even = _mm512_setzero_si512 (), odd = _mm512_setzero_si512 ();
  guint64 words[8] __attribute__ ((aligned (64)));

  _mm512_store_si512 (words, acc);
  for (guint q = 0; q < 4; q++)
    {
      /* (a_2q, a_2q+1) in every lane, from memory: a load, not a shuffle. */
      __m512i pair = _mm512_broadcast_i32x4 (_mm_load_si128 ((const __m128i *) &words[2 * q]));
      __m512i k0 = _mm512_loadu_si512 (k[2 * q]);
      __m512i k1 = _mm512_loadu_si512 (k[2 * q + 1]);

      even = _mm512_ternarylogic_epi64 (even, _mm512_clmulepi64_epi128 (pair, k0, 0x00),
                                        _mm512_clmulepi64_epi128 (pair, k1, 0x01), 0x96);
      odd = _mm512_ternarylogic_epi64 (odd, _mm512_clmulepi64_epi128 (pair, k0, 0x10),
                                       _mm512_clmulepi64_epi128 (pair, k1, 0x11), 0x96);
    }
  return _mm512_xor_si512 (even, _mm512_alignr_epi64 (odd, _mm512_setzero_si512 (), 7));
}

/* Two accumulators take the even and the odd blocks, each folded two
 * blocks forward, so that each multiplication waits on the one before
 * half as often; they join at the end: A * x^512 + B. */
TARGET_VPCLMUL void
fm_bch_encode_vpclmul (const FmBchEncoder *enc, const guint8 *data, guint8 *out)
{
  const guint blocks = enc->data_bytes / FM_BCH_FOLD_BYTES;
  __m512i even = load_block (data), odd;
  guint64 v[8], rem[FM_BCH_MAX_WORDS];
  guint b = 1;

  if (blocks >= 2)
    {
      odd = load_block (data + FM_BCH_FOLD_BYTES);
      for (b = 2; b + 1 < blocks; b += 2)
        {
          even = _mm512_xor_si512 (fold_512 (even, enc->fold2), load_block (data + b * FM_BCH_FOLD_BYTES));
          odd = _mm512_xor_si512 (fold_512 (odd, enc->fold2),
                                  load_block (data + (b + 1) * FM_BCH_FOLD_BYTES));
        }
      even = _mm512_xor_si512 (fold_512 (even, enc->fold), odd);
    }
  for (; b < blocks; b++)
    even = _mm512_xor_si512 (fold_512 (even, enc->fold), load_block (data + b * FM_BCH_FOLD_BYTES));
  _mm512_storeu_si512 (v, fold_512 (even, enc->final));
  barrett_reduce (enc, v, rem);
  fm_bch_store_remainder (enc, rem, out);
}

#else /* no x86-64: never dispatched (fm_bch_encoder_kind_supported) */

void
fm_bch_encode_pclmul (const FmBchEncoder *enc, const guint8 *data, guint8 *out)
{
  (void) enc, (void) data, (void) out;
  g_assert_not_reached ();
}

void
fm_bch_encode_vpclmul (const FmBchEncoder *enc, const guint8 *data, guint8 *out)
{
  (void) enc, (void) data, (void) out;
  g_assert_not_reached ();
}

#endif
