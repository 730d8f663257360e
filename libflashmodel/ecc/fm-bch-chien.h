/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chien search for the BCH decoder: the positions i in [0, N) of a
 * (shortened) code where the error locator lambda(x) = 1 + l_1 x + ... +
 * l_d x^d vanishes at alpha^-i. Vector kinds evaluate 16, 32 or 64
 * positions at once: lane j of term k holds l_k alpha^(-k(i+j)), and one
 * multiplication by the constant alpha^(-k*lanes) moves it a block on; the
 * multiplications by constants are nibble-indexed byte shuffles (SSSE3,
 * AVX2) or GF(2) 8x8 bit-matrix products (GFNI), on elements split in a
 * plane of low bytes and a plane of high bytes. Chosen at run time.
 *
 * Private to libflashmodel and its tests.
 */
#pragma once

#include "fm-gf.h"

G_BEGIN_DECLS

#define FM_CHIEN_MAX_DEGREE 32

typedef enum {
  FM_CHIEN_PORTABLE,
  FM_CHIEN_SSSE3,    /* 16 positions per step */
  FM_CHIEN_AVX2,     /* 32 */
  FM_CHIEN_GFNI,     /* 64: AVX-512 (F, BW) + GFNI */
  FM_CHIEN_N_KINDS
} FmChienKind;

typedef struct _FmChien FmChien;

/* For locators of degree up to MAX_DEGREE over GF, positions [0, N). GF
 * must outlive it. Uses the fastest kind the CPU supports. */
FmChien    *fm_chien_new    (const FmGf *gf, guint max_degree, guint n);
void        fm_chien_free   (FmChien *chien);

/* LAMBDA[0..DEGREE], LAMBDA[0] = 1, LAMBDA[DEGREE] != 0. Writes the
 * positions found to ROOTS (room for DEGREE), in increasing order, and
 * stops at DEGREE of them; returns how many it found. */
guint       fm_chien_search (const FmChien *chien, const guint16 *lambda, guint degree,
                             guint *roots);

gboolean    fm_chien_kind_supported (FmChienKind kind);
const gchar *fm_chien_kind_name     (FmChienKind kind);
FmChienKind fm_chien_kind_best      (void);
/* For tests and benchmarks; KIND must be supported. */
void        fm_chien_set_kind       (FmChien *chien, FmChienKind kind);

G_END_DECLS
