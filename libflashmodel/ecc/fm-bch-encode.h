/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BCH parity: the remainder of DATA(x) * x^E modulo the generator polynomial
 * g(x) of degree E, DATA read most significant bit first (bit 7 of byte 0
 * is the highest power), stored as Linux's lib/bch stores it: the
 * coefficient of x^(E-1) in bit 7 of the first byte, zero bits after x^0.
 * It is a CRC with a long polynomial (up to 448 bits here), computed either
 * with tables (portable) or by carry-less multiplication folding (x86
 * PCLMULQDQ, or VPCLMULQDQ on 512-bit vectors), chosen at run time.
 *
 * Private to libflashmodel and its tests.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_BCH_MAX_DEGREE 448   /* the folding keeps E + 64 bits in 512 */
#define FM_BCH_MAX_WORDS 7      /* 64-bit words of a remainder */
#define FM_BCH_FOLD_BYTES 64    /* data bytes per folding step */

typedef enum {
  FM_BCH_ENCODER_PORTABLE,
  FM_BCH_ENCODER_PCLMUL,    /* SSE4.1 + PCLMULQDQ, 128-bit */
  FM_BCH_ENCODER_VPCLMUL,   /* AVX-512 (F, BW) + VPCLMULQDQ, 512-bit */
  FM_BCH_N_ENCODERS
} FmBchEncoderKind;

typedef struct _FmBchEncoder FmBchEncoder;

typedef void (*FmBchEncodeFunc) (const FmBchEncoder *enc, const guint8 *data, guint8 *out);

struct _FmBchEncoder {
  guint degree;        /* E */
  guint words;         /* 64-bit words of a remainder: ceil(E / 64) */
  guint data_bytes;    /* a multiple of FM_BCH_FOLD_BYTES */
  guint out_bytes;     /* parity bytes written (>= ceil(E / 8)) */
  guint64 g_low[FM_BCH_MAX_WORDS];   /* g(x) - x^E, bit i = x^i */
  /* Portable: table[(j * 256 + b) * words ...] = b(x) * x^(8j + E) mod g,
   * left-justified (the coefficient of x^(E-1) in bit 63 of word 0). */
  guint64 *table;
  /* Folding (bit i = x^i, 8 words each, zero above the remainder):
   * fold[i] = x^(64i + 512) mod g moves word i of a 512-bit accumulator
   * one step forward (fold2: two), final[i] = x^(64i + E) mod g multiplies it into
   * place, and barrett = floor(x^(E+64) / g) - x^64 finishes the reduction. */
  guint64 fold[8][8];
  guint64 fold2[8][8];   /* x^(64i + 1024) mod g: two blocks forward */
  guint64 final[8][8];
  guint64 barrett;
  FmBchEncoderKind kind;
  FmBchEncodeFunc run;
};

/* G: the generator polynomial, bit i = x^i, DEGREE + 1 bits (x^DEGREE set).
 * Uses the fastest kind the CPU supports. */
FmBchEncoder *fm_bch_encoder_new  (const guint64 *g, guint degree,
                                   guint data_bytes, guint out_bytes);
void          fm_bch_encoder_free (FmBchEncoder *enc);

static inline void
fm_bch_encoder_run (const FmBchEncoder *enc, const guint8 *data, guint8 *out)
{
  enc->run (enc, data, out);
}

gboolean         fm_bch_encoder_kind_supported (FmBchEncoderKind kind);
const gchar     *fm_bch_encoder_kind_name      (FmBchEncoderKind kind);
FmBchEncoderKind fm_bch_encoder_kind_best      (void);
/* For tests and benchmarks; KIND must be supported. */
void             fm_bch_encoder_set_kind       (FmBchEncoder *enc, FmBchEncoderKind kind);

/* The kernels, for the dispatcher (fm-bch-clmul.c). */
void fm_bch_encode_pclmul  (const FmBchEncoder *enc, const guint8 *data, guint8 *out);
void fm_bch_encode_vpclmul (const FmBchEncoder *enc, const guint8 *data, guint8 *out);
/* The last step of both: a right-aligned remainder (bit i = x^i) to bytes. */
void fm_bch_store_remainder (const FmBchEncoder *enc, const guint64 *rem, guint8 *out);

G_END_DECLS
