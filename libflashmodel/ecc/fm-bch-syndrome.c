/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-bch-syndrome.h"

#include <string.h>

#define MAX_WORDS 8   /* 64-bit words of t odd syndromes: t <= 32 */

struct _FmBchSyndromes {
  const FmGf *gf;
  guint t;
  guint nibbles;      /* of the remainder: ceil(E / 4) */
  guint words;        /* per entry: ceil(t / 4), four 16-bit syndromes a word */
  guint64 *table;     /* [nibble][value][word] */
};

static guint64 *
entry (const FmBchSyndromes *syn, guint nibble, guint value)
{
  return syn->table + ((gsize) nibble * 16 + value) * syn->words;
}

/* The odd syndromes of x^POWER into ENTRY's 16-bit lanes. */
static void
add_power (const FmBchSyndromes *syn, guint power, guint64 *out)
{
  for (guint i = 0; i < syn->t; i++)
    out[i / 4] ^= (guint64) fm_gf_alpha_pow (syn->gf, (guint64) power * (2 * i + 1)) << (16 * (i % 4));
}

FmBchSyndromes *
fm_bch_syndromes_new (const FmGf *gf, guint t, guint ecc_bits)
{
  FmBchSyndromes *syn;

  g_return_val_if_fail (t >= 1 && t <= 4 * MAX_WORDS, NULL);
  syn = g_new0 (FmBchSyndromes, 1);
  syn->gf = gf;
  syn->t = t;
  syn->nibbles = (ecc_bits + 3) / 4;
  syn->words = (t + 3) / 4;
  syn->table = g_new0 (guint64, (gsize) syn->nibbles * 16 * syn->words);
  for (guint u = 0; u < syn->nibbles; u++)
    for (guint b = 0; b < 4; b++)
      {
        guint q = 4 * u + 3 - b; /* the bit's place, 0: the highest power */

        if (q >= ecc_bits)
          continue;
        for (guint v = 1u << b; v < 16; v = (v + 1) | (1u << b))
          add_power (syn, ecc_bits - 1 - q, entry (syn, u, v));
      }
  return syn;
}

void
fm_bch_syndromes_free (FmBchSyndromes *syn)
{
  if (!syn)
    return;
  g_free (syn->table);
  g_free (syn);
}

void
fm_bch_syndromes_compute (const FmBchSyndromes *syn, const guint8 *r, guint16 *s)
{
  guint64 sum[MAX_WORDS] = { 0 };

  for (guint u = 0; u < syn->nibbles; u++)
    {
      const guint64 *e = entry (syn, u, u % 2 ? r[u / 2] & 0xf : r[u / 2] >> 4);

      for (guint w = 0; w < syn->words; w++)
        sum[w] ^= e[w];
    }
  for (guint i = 0; i < syn->t; i++)
    s[2 * i + 1] = (sum[i / 4] >> (16 * (i % 4))) & 0xffff;
  for (guint j = 1; j <= syn->t; j++)
    s[2 * j] = fm_gf_sqr (syn->gf, s[j]);
}
