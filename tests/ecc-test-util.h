/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the ECC tests: random data and random bit errors. */
#pragma once

#include "fm-test-util.h"

G_BEGIN_DECLS

/* The fields and step sizes the BCH tests cover: Linux's pairs (m 13 for
 * 512 bytes, 14 for 1024) and m 14 with 512. */
typedef struct {
  guint m, step;
} EccTestField;

/* Adds FUNC (called with an EccTestField) for each as PREFIX/mM-STEP. */
void ecc_test_add_per_field (const gchar *prefix, GTestDataFunc func);

void ecc_test_random_bytes (FmPrng *prng, guint8 *buf, gsize len);

/* Sorts N bit positions in increasing order. */
void ecc_test_sort (guint *positions, guint n);

/*
 * Flips WEIGHT distinct bits drawn uniformly among the DATA_BYTES * 8 bits
 * of DATA and the first ECC_CODE_BITS bits of ECC (most significant bit of
 * each byte first: the bits a code covers, without padding). POSITIONS (or
 * NULL) gets where they are as Linux counts them: bit p % 8 of byte p / 8,
 * the ECC bytes following the data; sorted.
 */
void ecc_test_flip_random (FmPrng *prng, guint8 *data, guint data_bytes,
                           guint8 *ecc, guint ecc_code_bits,
                           guint weight, guint *positions);

/* Flips bit P (counted as above) of DATA and ECC. */
void ecc_test_flip (guint8 *data, guint data_bytes, guint8 *ecc, guint p);

G_END_DECLS
