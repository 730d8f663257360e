/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ecc-test-util.h"

#include <stdlib.h>
#include <string.h>

static const EccTestField fields[] = { { 13, 512 }, { 14, 1024 }, { 14, 512 } };

void
ecc_test_add_per_field (const gchar *prefix, GTestDataFunc func)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("%s/m%u-%u", prefix, fields[i].m, fields[i].step);

      g_test_add_data_func (path, &fields[i], func);
    }
}

void
ecc_test_random_bytes (FmPrng *prng, guint8 *buf, gsize len)
{
  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8) fm_prng_next (prng);
}

void
ecc_test_flip (guint8 *data, guint data_bytes, guint8 *ecc, guint p)
{
  if (p < 8 * data_bytes)
    data[p / 8] ^= 1u << (p % 8);
  else
    ecc[p / 8 - data_bytes] ^= 1u << (p % 8);
}

static gint
compare_guint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

void
ecc_test_sort (guint *positions, guint n)
{
  qsort (positions, n, sizeof *positions, compare_guint);
}

void
ecc_test_flip_random (FmPrng *prng, guint8 *data, guint data_bytes,
                      guint8 *ecc, guint ecc_code_bits, guint weight, guint *positions)
{
  const guint data_bits = 8 * data_bytes;
  g_autofree guint *chosen = g_new (guint, weight);

  for (guint i = 0; i < weight; i++)
    {
      guint p;
      gboolean again;

      do
        {
          p = fm_prng_below (prng, data_bits + ecc_code_bits);
          if (p >= data_bits) /* the q-th code bit of the ECC, MSB first */
            p = (p & ~7u) | (7 - p % 8);
          again = FALSE;
          for (guint j = 0; j < i; j++)
            again |= chosen[j] == p;
        }
      while (again);
      chosen[i] = p;
      ecc_test_flip (data, data_bytes, ecc, p);
    }
  if (positions && weight)
    {
      memcpy (positions, chosen, weight * sizeof *chosen);
      ecc_test_sort (positions, weight);
    }
}
