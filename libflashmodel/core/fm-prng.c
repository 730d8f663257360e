/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-prng.h"

static guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += 0x9e3779b97f4a7c15ull);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void
fm_prng_init (FmPrng *prng, guint64 seed)
{
  guint64 state = seed;

  for (guint i = 0; i < G_N_ELEMENTS (prng->s); i++)
    prng->s[i] = splitmix64 (&state);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

guint64
fm_prng_next (FmPrng *prng)
{
  guint64 *s = prng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

guint64
fm_prng_below (FmPrng *prng, guint64 bound)
{
  /* Reject the top partial range so every value is equally likely. */
  guint64 limit = G_MAXUINT64 - (G_MAXUINT64 % bound);
  guint64 v;

  g_return_val_if_fail (bound > 0, 0);
  do
    v = fm_prng_next (prng);
  while (v >= limit);
  return v % bound;
}

static inline gdouble
to_unit (guint64 v)
{
  /* 53 random bits, shifted into (0, 1] so that log() is always finite. */
  return ((v >> 11) + 1) * (1.0 / 9007199254740992.0);
}

gdouble
fm_prng_unit (FmPrng *prng)
{
  return to_unit (fm_prng_next (prng));
}

guint64
fm_hash64 (guint64 seed, guint64 stream, guint64 index)
{
  guint64 state = seed ^ (stream * 0xd1b54a32d192ed03ull);

  state ^= index * 0x8cb92ba72f3d8dd7ull;
  splitmix64 (&state);
  return splitmix64 (&state);
}

gdouble
fm_hash_unit (guint64 seed, guint64 stream, guint64 index)
{
  return to_unit (fm_hash64 (seed, stream, index));
}
