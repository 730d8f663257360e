/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BCH syndromes from the remainder of a received word modulo g(x): the
 * remainder r(x) of degree < E, as parity bytes (x^(E-1) in bit 7 of the
 * first byte), gives S_j = r(alpha^j) for j = 1..2t. The odd ones are a
 * GF(2)-linear function of r's bits, tabulated per nibble of r: one table
 * entry (the t odd syndromes) XORed in per nibble. S_2j = S_j^2.
 *
 * Private to libflashmodel.
 */
#pragma once

#include "fm-gf.h"

G_BEGIN_DECLS

typedef struct _FmBchSyndromes FmBchSyndromes;

FmBchSyndromes *fm_bch_syndromes_new     (const FmGf *gf, guint t, guint ecc_bits);
void            fm_bch_syndromes_free    (FmBchSyndromes *syn);
/* S[1..2t] (S[0] unused) from the remainder bytes R, zero beyond E bits. */
void            fm_bch_syndromes_compute (const FmBchSyndromes *syn, const guint8 *r, guint16 *s);

G_END_DECLS
