/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A template, included by fm-bch-chien.c once per vector width: the Chien
 * search step (see ChienStepFunc) with multiplications by constants done
 * as nibble-indexed byte shuffles. An element's four nibbles (two of each
 * byte plane) each pick the product of the constant with that nibble in
 * place from 16-entry tables, one for the low and one for the high byte:
 * eight shuffles per multiplication, no carries.
 *
 * The includer defines NIBBLE_STEP and NIBBLE_MUL (the functions' names),
 * NIBBLE_TARGET, NIBBLE_TABLES (the FmChien member holding the tables) and
 * VEC with VEC_LOAD, VEC_STORE, VEC_SET1, VEC_AND, VEC_XOR, VEC_SRLI16,
 * VEC_SHUFFLE, VEC_TABLE (a 16-byte table in every 128-bit lane) and
 * VEC_ROOTS (the lanes where lo == 1 and hi == 0, as a bit mask).
 */

static inline NIBBLE_TARGET void
NIBBLE_MUL (VEC *lo, VEC *hi, const guint8 (*t)[16])
{
  const VEC low4 = VEC_SET1 (0x0f);
  VEC n[4];

  n[0] = VEC_AND (*lo, low4);
  n[1] = VEC_AND (VEC_SRLI16 (*lo, 4), low4);
  n[2] = VEC_AND (*hi, low4);
  n[3] = VEC_AND (VEC_SRLI16 (*hi, 4), low4);
  *lo = *hi = VEC_SET1 (0);
  for (guint q = 0; q < 4; q++)
    {
      *lo = VEC_XOR (*lo, VEC_SHUFFLE (VEC_TABLE (t[2 * q]), n[q]));
      *hi = VEC_XOR (*hi, VEC_SHUFFLE (VEC_TABLE (t[2 * q + 1]), n[q]));
    }
}

static NIBBLE_TARGET guint64
NIBBLE_STEP (const FmChien *chien, ChienBlock *block, guint degree)
{
  VEC sum_lo = VEC_SET1 (0), sum_hi = VEC_SET1 (0);

  for (guint k = 1; k <= degree; k++)
    {
      VEC lo = VEC_LOAD (block->lo[k - 1]);
      VEC hi = VEC_LOAD (block->hi[k - 1]);

      sum_lo = VEC_XOR (sum_lo, lo);
      sum_hi = VEC_XOR (sum_hi, hi);
      NIBBLE_MUL (&lo, &hi, chien->NIBBLE_TABLES[k]);
      VEC_STORE (block->lo[k - 1], lo);
      VEC_STORE (block->hi[k - 1], hi);
    }
  /* A root where the terms add up to 1, the constant term. */
  return VEC_ROOTS (sum_lo, sum_hi);
}
