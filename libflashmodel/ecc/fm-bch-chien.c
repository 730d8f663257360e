/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-bch-chien.h"
#include "fm-cpu.h"

#include <string.h>

#define MAX_LANES 64

/* Term k of the locator (k = 1..degree) at the positions of one block,
 * split into planes of low and high bytes. */
typedef struct {
  guint8 lo[FM_CHIEN_MAX_DEGREE][MAX_LANES];
  guint8 hi[FM_CHIEN_MAX_DEGREE][MAX_LANES];
} ChienBlock __attribute__ ((aligned (64)));

/* Returns the lanes where the locator vanishes (bit j: lane j) and moves
 * every term one block on. */
typedef guint64 (*ChienStepFunc) (const FmChien *chien, ChienBlock *block, guint degree);

struct _FmChien {
  const FmGf *gf;
  guint max_degree;
  guint n;
  FmChienKind kind;
  guint lanes;
  ChienStepFunc step;
  /* [k]: multiplication by alpha^(-k * lanes), k = 1..max_degree. Nibble
   * tables: [2q + h][v] = byte h of the product with v * x^(4q); bit
   * matrices: [2 * out + in] maps input byte IN to output byte OUT. */
  guint8 (*shuffle16)[8][16];
  guint8 (*shuffle32)[8][16];
  guint64 (*affine64)[4];
  guint16 (*lane_exp)[MAX_LANES];   /* [k][j]: -k * j mod n */
};

/* ---- constant multiplications as tables ---------------------------------- */

static guint
basis_product (const FmGf *gf, guint c, guint bit)
{
  return bit < gf->m ? fm_gf_mul (gf, c, 1u << bit) : 0;
}

static void
build_nibble_tables (const FmGf *gf, guint c, guint8 (*tables)[16])
{
  for (guint q = 0; q < 4; q++)
    for (guint v = 0; v < 16; v++)
      {
        guint product = 0;

        for (guint b = 0; b < 4; b++)
          if (v & (1u << b))
            product ^= basis_product (gf, c, 4 * q + b);
        tables[2 * q][v] = product & 0xff;
        tables[2 * q + 1][v] = product >> 8;
      }
}

/* For GF2P8AFFINEQB: byte 7 - r of a matrix is the row giving output bit r. */
static void
build_bit_matrices (const FmGf *gf, guint c, guint64 *matrices)
{
  memset (matrices, 0, 4 * sizeof *matrices);
  for (guint in = 0; in < 2; in++)
    for (guint j = 0; j < 8; j++)
      {
        guint product = basis_product (gf, c, 8 * in + j);

        for (guint out = 0; out < 2; out++)
          for (guint r = 0; r < 8; r++)
            if (product & (1u << (8 * out + r)))
              matrices[2 * out + in] |= G_GUINT64_CONSTANT (1) << (8 * (7 - r) + j);
      }
}

/* ---- portable: one position at a time, terms kept as logarithms ---------- */

static guint
search_portable (const FmChien *chien, const guint16 *lambda, guint degree, guint *roots)
{
  const FmGf *gf = chien->gf;
  guint logs[FM_CHIEN_MAX_DEGREE], steps[FM_CHIEN_MAX_DEGREE];
  guint terms = 0, found = 0;

  for (guint k = 1; k <= degree; k++)
    if (lambda[k])
      {
        logs[terms] = gf->log[lambda[k]];
        steps[terms++] = gf->n - k; /* times alpha^-k */
      }
  for (guint i = 0; i < chien->n; i++)
    {
      guint sum = 1;

      for (guint j = 0; j < terms; j++)
        {
          sum ^= gf->exp[logs[j]];
          logs[j] += steps[j];
          if (logs[j] >= gf->n)
            logs[j] -= gf->n;
        }
      if (!sum)
        {
          roots[found++] = i;
          if (found == degree)
            break;
        }
    }
  return found;
}

/* ---- vectors: a block of positions at a time ----------------------------- */

/* Term k of block 0: lane j holds l_k alpha^(-kj) = exp[log l_k + lane_exp[k][j]]
 * (the table of powers is doubled: no modulo). */
static void
init_block (const FmChien *chien, const guint16 *lambda, guint degree, ChienBlock *block)
{
  const FmGf *gf = chien->gf;

  for (guint k = 1; k <= degree; k++)
    {
      const guint16 *lane_exp = chien->lane_exp[k], *exp;

      if (!lambda[k])
        {
          memset (block->lo[k - 1], 0, chien->lanes);
          memset (block->hi[k - 1], 0, chien->lanes);
          continue;
        }
      exp = gf->exp + gf->log[lambda[k]];
      for (guint j = 0; j < chien->lanes; j++)
        {
          guint term = exp[lane_exp[j]];

          block->lo[k - 1][j] = term & 0xff;
          block->hi[k - 1][j] = term >> 8;
        }
    }
}

static guint
search_blocks (const FmChien *chien, const guint16 *lambda, guint degree, guint *roots)
{
  ChienBlock block;
  guint found = 0;

  init_block (chien, lambda, degree, &block);
  for (guint base = 0; base < chien->n; base += chien->lanes)
    {
      guint64 zeros = chien->step (chien, &block, degree);

      for (; zeros; zeros &= zeros - 1)
        {
          guint i = base + __builtin_ctzll (zeros);

          if (i >= chien->n)
            return found;
          roots[found++] = i;
          if (found == degree)
            return found;
        }
    }
  return found;
}

#ifdef FM_HAVE_X86_SIMD

#include <immintrin.h>

#define TARGET_SSSE3 __attribute__ ((target ("ssse3")))
#define TARGET_AVX2 __attribute__ ((target ("avx2")))
#define TARGET_GFNI __attribute__ ((target ("avx512f,avx512bw,gfni")))

/* Nibble tables on 128-bit vectors (16 positions a step) */
#define NIBBLE_STEP step_ssse3
#define NIBBLE_MUL mul_const_ssse3
#define NIBBLE_TARGET TARGET_SSSE3
#define NIBBLE_TABLES shuffle16
#define VEC __m128i
#define VEC_LOAD(p) _mm_load_si128 ((const __m128i *) (p))
#define VEC_STORE(p, v) _mm_store_si128 ((__m128i *) (p), (v))
#define VEC_SET1(b) _mm_set1_epi8 (b)
#define VEC_AND _mm_and_si128
#define VEC_XOR _mm_xor_si128
#define VEC_SRLI16 _mm_srli_epi16
#define VEC_SHUFFLE _mm_shuffle_epi8
#define VEC_TABLE(p) _mm_loadu_si128 ((const __m128i *) (p))
#define VEC_ROOTS(lo, hi) \
  (guint16) _mm_movemask_epi8 (_mm_and_si128 (_mm_cmpeq_epi8 ((lo), _mm_set1_epi8 (1)), \
                                              _mm_cmpeq_epi8 ((hi), _mm_setzero_si128 ())))
#include "fm-bch-chien-nibble.h"
#undef NIBBLE_STEP
#undef NIBBLE_MUL
#undef NIBBLE_TARGET
#undef NIBBLE_TABLES
#undef VEC
#undef VEC_LOAD
#undef VEC_STORE
#undef VEC_SET1
#undef VEC_AND
#undef VEC_XOR
#undef VEC_SRLI16
#undef VEC_SHUFFLE
#undef VEC_TABLE
#undef VEC_ROOTS

/* The same on 256-bit vectors (32 positions a step) */
#define NIBBLE_STEP step_avx2
#define NIBBLE_MUL mul_const_avx2
#define NIBBLE_TARGET TARGET_AVX2
#define NIBBLE_TABLES shuffle32
#define VEC __m256i
#define VEC_LOAD(p) _mm256_load_si256 ((const __m256i *) (p))
#define VEC_STORE(p, v) _mm256_store_si256 ((__m256i *) (p), (v))
#define VEC_SET1(b) _mm256_set1_epi8 (b)
#define VEC_AND _mm256_and_si256
#define VEC_XOR _mm256_xor_si256
#define VEC_SRLI16 _mm256_srli_epi16
#define VEC_SHUFFLE _mm256_shuffle_epi8
#define VEC_TABLE(p) _mm256_broadcastsi128_si256 (_mm_loadu_si128 ((const __m128i *) (p)))
#define VEC_ROOTS(lo, hi) \
  (guint32) _mm256_movemask_epi8 (_mm256_and_si256 (_mm256_cmpeq_epi8 ((lo), _mm256_set1_epi8 (1)), \
                                                    _mm256_cmpeq_epi8 ((hi), _mm256_setzero_si256 ())))
#include "fm-bch-chien-nibble.h"

/* Bit-matrix products on 512-bit vectors (64 positions a step): each
 * output byte plane is the sum of the two input planes times 8x8 GF(2)
 * matrices, four GF2P8AFFINEQB a multiplication. */
static TARGET_GFNI guint64
step_gfni (const FmChien *chien, ChienBlock *block, guint degree)
{
  __m512i sum_lo = _mm512_setzero_si512 (), sum_hi = _mm512_setzero_si512 ();

  for (guint k = 1; k <= degree; k++)
    {
      const guint64 *m = chien->affine64[k];
      __m512i lo = _mm512_load_si512 (block->lo[k - 1]);
      __m512i hi = _mm512_load_si512 (block->hi[k - 1]);
      __m512i new_lo, new_hi;

      sum_lo = _mm512_xor_si512 (sum_lo, lo);
      sum_hi = _mm512_xor_si512 (sum_hi, hi);
      new_lo = _mm512_xor_si512 (_mm512_gf2p8affine_epi64_epi8 (lo, _mm512_set1_epi64 (m[0]), 0),
                                 _mm512_gf2p8affine_epi64_epi8 (hi, _mm512_set1_epi64 (m[1]), 0));
      new_hi = _mm512_xor_si512 (_mm512_gf2p8affine_epi64_epi8 (lo, _mm512_set1_epi64 (m[2]), 0),
                                 _mm512_gf2p8affine_epi64_epi8 (hi, _mm512_set1_epi64 (m[3]), 0));
      _mm512_store_si512 (block->lo[k - 1], new_lo);
      _mm512_store_si512 (block->hi[k - 1], new_hi);
    }
  return _mm512_cmpeq_epi8_mask (sum_lo, _mm512_set1_epi8 (1))
         & _mm512_cmpeq_epi8_mask (sum_hi, _mm512_setzero_si512 ());
}

#define STEP_SSSE3 step_ssse3
#define STEP_AVX2 step_avx2
#define STEP_GFNI step_gfni

#else /* no x86-64: only the portable kind is supported */

#define STEP_SSSE3 NULL
#define STEP_AVX2 NULL
#define STEP_GFNI NULL

#endif

/* ---- kinds --------------------------------------------------------------- */

static const FmCpuFeatures kind_needs[FM_CHIEN_N_KINDS] = {
  0,
  FM_CPU_SSSE3,
  FM_CPU_AVX2,
  FM_CPU_AVX512F | FM_CPU_AVX512BW | FM_CPU_GFNI,
};

gboolean
fm_chien_kind_supported (FmChienKind kind)
{
  return kind < FM_CHIEN_N_KINDS && fm_cpu_supports (kind_needs[kind]);
}

const gchar *
fm_chien_kind_name (FmChienKind kind)
{
  static const gchar *const names[FM_CHIEN_N_KINDS] = { "portable", "ssse3", "avx2", "gfni-avx512" };

  g_return_val_if_fail (kind < FM_CHIEN_N_KINDS, NULL);
  return names[kind];
}

FmChienKind
fm_chien_kind_best (void)
{
  return fm_cpu_best_kernel (kind_needs, FM_CHIEN_N_KINDS);
}

void
fm_chien_set_kind (FmChien *chien, FmChienKind kind)
{
  static const guint lanes[FM_CHIEN_N_KINDS] = { 1, 16, 32, 64 };
  static const ChienStepFunc steps[FM_CHIEN_N_KINDS] = { NULL, STEP_SSSE3, STEP_AVX2, STEP_GFNI };

  g_return_if_fail (fm_chien_kind_supported (kind));
  chien->kind = kind;
  chien->lanes = lanes[kind];
  chien->step = steps[kind];
}

/* ---- construction and search --------------------------------------------- */

FmChien *
fm_chien_new (const FmGf *gf, guint max_degree, guint n)
{
  FmChien *chien;

  g_return_val_if_fail (max_degree >= 1 && max_degree <= FM_CHIEN_MAX_DEGREE, NULL);
  g_return_val_if_fail (n >= 1 && n <= gf->n, NULL);
  chien = g_new0 (FmChien, 1);
  chien->gf = gf;
  chien->max_degree = max_degree;
  chien->n = n;
  chien->shuffle16 = g_malloc0 ((max_degree + 1) * sizeof *chien->shuffle16);
  chien->shuffle32 = g_malloc0 ((max_degree + 1) * sizeof *chien->shuffle32);
  chien->affine64 = g_malloc0 ((max_degree + 1) * sizeof *chien->affine64);
  chien->lane_exp = g_malloc0 ((max_degree + 1) * sizeof *chien->lane_exp);
  for (guint k = 1; k <= max_degree; k++)
    {
      build_nibble_tables (gf, fm_gf_alpha_pow_neg (gf, 16 * k), chien->shuffle16[k]);
      build_nibble_tables (gf, fm_gf_alpha_pow_neg (gf, 32 * k), chien->shuffle32[k]);
      build_bit_matrices (gf, fm_gf_alpha_pow_neg (gf, 64 * k), chien->affine64[k]);
      for (guint j = 0; j < MAX_LANES; j++)
        chien->lane_exp[k][j] = (gf->n - (k * j) % gf->n) % gf->n;
    }
  fm_chien_set_kind (chien, fm_chien_kind_best ());
  return chien;
}

void
fm_chien_free (FmChien *chien)
{
  if (!chien)
    return;
  g_free (chien->shuffle16);
  g_free (chien->shuffle32);
  g_free (chien->affine64);
  g_free (chien->lane_exp);
  g_free (chien);
}

guint
fm_chien_search (const FmChien *chien, const guint16 *lambda, guint degree, guint *roots)
{
  g_return_val_if_fail (degree >= 1 && degree <= chien->max_degree, 0);
  /* One error: lambda = 1 + l_1 x vanishes at 1 / l_1, nothing to search. */
  if (degree == 1)
    {
      guint i = chien->gf->log[lambda[1]];

      if (i >= chien->n)
        return 0;
      roots[0] = i;
      return 1;
    }
  if (chien->kind == FM_CHIEN_PORTABLE)
    return search_portable (chien, lambda, degree, roots);
  return search_blocks (chien, lambda, degree, roots);
}
