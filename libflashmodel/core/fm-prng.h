/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Deterministic pseudo-random numbers. Everything random in the model is
 * drawn from here so that the same seed gives bit-identical results on every
 * host: a stream generator (xoshiro256**) for sequences, and a stateless
 * hash (SplitMix64 finaliser) for per-object draws that must not depend on
 * the order in which objects are visited.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint64 s[4];
} FmPrng;

void    fm_prng_init    (FmPrng *prng, guint64 seed);
guint64 fm_prng_next    (FmPrng *prng);
/* Uniform in [0, bound), without modulo bias. bound > 0. */
guint64 fm_prng_below   (FmPrng *prng, guint64 bound);
/* Uniform in (0, 1]. */
gdouble fm_prng_unit    (FmPrng *prng);

/* Stateless: a well-mixed 64-bit value for (seed, stream, index). */
guint64 fm_hash64       (guint64 seed, guint64 stream, guint64 index);
/* The same as a uniform double in (0, 1]. */
gdouble fm_hash_unit    (guint64 seed, guint64 stream, guint64 index);

G_END_DECLS
