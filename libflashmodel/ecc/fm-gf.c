/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-gf.h"

/* Index m - FM_GF_MIN_M; the values lib/bch.c picks when given none. */
static const guint default_polys[] = {
  0x25, 0x43, 0x83, 0x11d, 0x211, 0x409, 0x805, 0x1053, 0x201b, 0x402b, 0x8003,
};

guint
fm_gf_default_poly (guint m)
{
  g_return_val_if_fail (m >= FM_GF_MIN_M && m <= FM_GF_MAX_M, 0);
  return default_polys[m - FM_GF_MIN_M];
}

guint
fm_gf_mul_slow (guint poly, guint m, guint a, guint b)
{
  guint product = 0;

  for (; b; b >>= 1)
    {
      if (b & 1)
        product ^= a;
      a <<= 1;
      if (a & (1u << m))
        a ^= poly;
    }
  return product;
}

FmGf *
fm_gf_new (guint m)
{
  FmGf *gf;
  guint x = 1;

  g_return_val_if_fail (m >= FM_GF_MIN_M && m <= FM_GF_MAX_M, NULL);
  gf = g_new0 (FmGf, 1);
  gf->m = m;
  gf->n = (1u << m) - 1;
  gf->poly = fm_gf_default_poly (m);
  gf->exp = g_new (guint16, 2 * gf->n);
  gf->log = g_new0 (guint16, gf->n + 1);
  for (guint i = 0; i < gf->n; i++)
    {
      gf->exp[i] = gf->exp[i + gf->n] = x;
      gf->log[x] = i;
      x <<= 1;
      if (x & (1u << m))
        x ^= gf->poly;
    }
  g_assert (x == 1); /* the polynomial is primitive: alpha has order n */
  return gf;
}

void
fm_gf_free (FmGf *gf)
{
  if (!gf)
    return;
  g_free (gf->exp);
  g_free (gf->log);
  g_free (gf);
}
