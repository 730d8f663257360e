/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BCH engine under fm_ecc_new_bch(), with the lower-level calls the
 * tests and the benchmark need: the raw parity as lib/bch's bch_encode()
 * computes it (no erased-page mask), error positions as its bch_decode()
 * reports them, and a choice of the SIMD kernels.
 *
 * Decoding: the parity of the received data is computed again and added to
 * the received parity (and the mask); zero means a clean step. Otherwise
 * that difference is the remainder of the error pattern modulo g(x), and
 * its values at alpha^1..alpha^2t are the syndromes; binary
 * Berlekamp-Massey gives the error locator, and a Chien search over the
 * shortened code's positions (data and parity bits, nothing else) must find
 * as many roots as its degree, or the step is uncorrectable.
 *
 * Private to libflashmodel and its tests.
 */
#pragma once

#include <glib.h>

#include "fm-bch-chien.h"
#include "fm-bch-encode.h"

G_BEGIN_DECLS

#define FM_BCH_MAX_T 24
#define FM_BCH_MAX_ECC_BYTES 42   /* ceil(14 * 24 / 8) */

typedef struct _FmBch FmBch;

/* STEP_SIZE 512 or 1024, T 1..FM_BCH_MAX_T, M 13, 14 or 0 (13 for 512,
 * 14 for 1024); 8 * STEP_SIZE + M * T must stay below 2^M. */
FmBch       *fm_bch_new        (guint step_size, guint t, guint m, GError **error);
void         fm_bch_free       (FmBch *bch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmBch, fm_bch_free)

guint        fm_bch_m          (const FmBch *bch);
guint        fm_bch_t          (const FmBch *bch);
guint        fm_bch_step_size  (const FmBch *bch);
guint        fm_bch_ecc_bits   (const FmBch *bch);  /* degree of g(x), <= m * t */
guint        fm_bch_ecc_bytes  (const FmBch *bch);  /* ceil(m * t / 8) */
const FmGf  *fm_bch_field      (const FmBch *bch);
/* g(x), bit i = x^i. */
const guint64 *fm_bch_generator (const FmBch *bch);

/* lib/bch's bch_encode() into zeroed ECC: no mask. */
void         fm_bch_encode_raw (const FmBch *bch, const guint8 *data, guint8 *ecc);
/* What Linux's NAND software BCH stores: the raw parity XOR the mask that
 * makes an erased step all 0xFF. */
void         fm_bch_encode     (const FmBch *bch, const guint8 *data, guint8 *ecc);

/* Locates the errors of DATA with its stored ECC without changing either.
 * Returns their number (0: clean) or -1 (uncorrectable); ERRLOC (room for
 * t) gets bit ERRLOC[i] % 8 of byte ERRLOC[i] / 8, counting the ECC bytes
 * after the data, as Linux's bch_decode() reports them. Bits of the last
 * ECC byte beyond the code (m * t not a multiple of 8) are ignored. */
gint         fm_bch_decode     (const FmBch *bch, const guint8 *data, const guint8 *ecc,
                                guint *errloc);
/* fm_bch_decode(), then the bits flipped back in DATA and ECC. */
gint         fm_bch_correct    (const FmBch *bch, guint8 *data, guint8 *ecc);

/* For tests and benchmarks: which kernels to use (each must be supported). */
void         fm_bch_set_kinds  (FmBch *bch, FmBchEncoderKind encoder, FmChienKind chien);

G_END_DECLS
