/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-bit-errors.h"
#include "fm-prng.h"

#include <math.h>

gboolean
fm_bit_error_model_is_none (const FmBitErrorModel *m)
{
  return m->rber_fresh == 0 && m->rber_endurance == 0 && m->read_disturb == 0 &&
         m->retention_per_hour == 0;
}

gdouble
fm_bit_error_rate (const FmBitErrorModel *m, guint32 rated_cycles, guint32 erase_count,
                   guint32 reads_since_erase, gdouble hours_since_program)
{
  gdouble w = rated_cycles ? (gdouble) erase_count / rated_cycles : 0.0;
  gdouble rber = m->rber_fresh;

  if (m->rber_endurance > m->rber_fresh)
    rber += (m->rber_endurance - m->rber_fresh) * pow (w, m->wear_exponent);
  rber += m->read_disturb * reads_since_erase;
  rber += m->retention_per_hour * MAX (hours_since_program, 0.0) * (1.0 + w);
  return MIN (rber, 0.5);
}

/* A Poisson(LAMBDA) draw: inversion for the small rates flash has, a
 * rounded normal approximation when the page is hopeless anyway. */
static guint64
poisson (FmPrng *prng, gdouble lambda)
{
  if (lambda <= 0)
    return 0;
  if (lambda < 50)
    {
      gdouble u = fm_prng_unit (prng);
      gdouble p = exp (-lambda), cdf = p;
      guint64 k = 0;

      while (u > cdf && k < 1000)
        {
          k++;
          p *= lambda / k;
          cdf += p;
        }
      return k;
    }
  else
    {
      /* Box-Muller. */
      gdouble u1 = MAX (fm_prng_unit (prng), 1e-300), u2 = fm_prng_unit (prng);
      gdouble z = sqrt (-2.0 * log (u1)) * cos (2 * G_PI * u2);

      return (guint64) MAX (0.0, lambda + sqrt (lambda) * z + 0.5);
    }
}

guint
fm_bit_errors_inject (guint8 *buf, gsize len, gdouble rber, guint64 seed)
{
  guint64 bits = (guint64) len * 8;
  FmPrng prng;
  guint64 k;
  g_autoptr (GHashTable) seen = NULL;
  guint flipped = 0;

  if (rber <= 0 || len == 0)
    return 0;
  fm_prng_init (&prng, seed);
  k = MIN (poisson (&prng, rber * bits), bits / 2);
  if (k == 0)
    return 0;
  /* Distinct positions: a bit drawn twice is one error, not none. */
  seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  while (flipped < k)
    {
      guint64 bit = fm_prng_below (&prng, bits);

      if (g_hash_table_contains (seen, GSIZE_TO_POINTER (bit + 1)))
        continue;
      g_hash_table_add (seen, GSIZE_TO_POINTER (bit + 1));
      buf[bit / 8] ^= 1u << (bit % 8);
      flipped++;
    }
  return flipped;
}
