/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GF(2^m) arithmetic for the BCH engine (private to libflashmodel and its
 * tests). Elements are m-bit polynomials over GF(2) in the primitive
 * element alpha = x, reduced by Linux's default primitive polynomial for
 * that m (lib/bch.c: 0x201b for m = 13, 0x402b for m = 14), so that the
 * field, and with it every code built on it, is Linux's.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_GF_MIN_M 5
#define FM_GF_MAX_M 15

typedef struct {
  guint m;
  guint n;          /* 2^m - 1, the multiplicative order of alpha */
  guint poly;       /* the primitive polynomial, x^m term included */
  guint16 *exp;     /* exp[i] = alpha^i for 0 <= i < 2n: a sum of two logs needs no modulo */
  guint16 *log;     /* log[a] for a != 0 */
} FmGf;

/* The field for M (FM_GF_MIN_M..FM_GF_MAX_M) with Linux's default polynomial. */
FmGf   *fm_gf_new          (guint m);
void    fm_gf_free         (FmGf *gf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmGf, fm_gf_free)

guint   fm_gf_default_poly (guint m);

/* Bit by bit carry-less product reduced by POLY: the definition the tables
 * are checked against. */
guint   fm_gf_mul_slow     (guint poly, guint m, guint a, guint b);

static inline guint
fm_gf_mul (const FmGf *gf, guint a, guint b)
{
  return (a && b) ? gf->exp[gf->log[a] + gf->log[b]] : 0;
}

static inline guint
fm_gf_div (const FmGf *gf, guint a, guint b)
{
  return a ? gf->exp[gf->log[a] + gf->n - gf->log[b]] : 0;
}

static inline guint
fm_gf_sqr (const FmGf *gf, guint a)
{
  return a ? gf->exp[2 * gf->log[a]] : 0;
}

/* alpha^E for any E >= 0. */
static inline guint
fm_gf_alpha_pow (const FmGf *gf, guint64 e)
{
  return gf->exp[e % gf->n];
}

/* alpha^-E for any E >= 0. */
static inline guint
fm_gf_alpha_pow_neg (const FmGf *gf, guint64 e)
{
  return gf->exp[(gf->n - e % gf->n) % gf->n];
}

G_END_DECLS
