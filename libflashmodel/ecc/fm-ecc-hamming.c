/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hamming ECC, bit for bit Linux's software Hamming engine (see
 * Documentation/driver-api/mtd/nand_ecc.rst): per 256 (or 512) byte step,
 * line parities rp0..rp15 (rp17) and column parities cp0..cp5, each stored
 * inverted (1 for even parity) so that an erased step has ECC ff ff ff:
 *
 *   rp(2k)    parity of the bytes whose index has bit k clear
 *   rp(2k+1)  parity of the bytes whose index has bit k set
 *   cp0..cp5  parity of bits 0,2,4,6 / 1,3,5,7 / 0,1,4,5 / 2,3,6,7 /
 *             0..3 / 4..7 of every byte
 *
 *   byte 0: rp15 rp14 .. rp8   (bit 7 first; byte 1 in SmartMedia order)
 *   byte 1: rp7  rp6  .. rp0   (byte 0 in SmartMedia order)
 *   byte 2: cp5 cp4 cp3 cp2 cp1 cp0, then rp17 rp16 (512) or 1 1 (256)
 *
 * One flipped data bit flips exactly one parity of every (even, odd) pair,
 * and the odd ones spell its byte and bit index; one flipped ECC bit
 * changes one bit; anything else is uncorrectable. The two constant bits of
 * a 256-byte step's third byte are no part of the code and are ignored.
 */
#include "fm-ecc.h"
#include "fm-error.h"

#include <string.h>

#define HAMMING_ECC_BYTES 3

typedef struct {
  guint step_size;
  gboolean sm_order;
} Hamming;

static inline guint
parity64 (guint64 v)
{
  v ^= v >> 32;
  v ^= v >> 16;
  v ^= v >> 8;
  return __builtin_parity (v & 0xff); /* x86: the parity flag of one byte */
}

/* The parities of STEP bytes: COLUMN = XOR of all of them, ODD bit k =
 * parity of the bytes whose index has bit k set (rp(2k+1)). Byte i is
 * lane i % 8 of little-endian word i / 8, word (i / 8) % 8 of a 64-byte
 * group, group i / 64: index bits 0..2 pick lanes of the XOR of all
 * words, bits 3..5 words of each group, bits 6..8 groups. */
static void
step_parities (const guint8 *data, guint step, guint *column, guint *odd)
{
  static const guint64 lanes_with_bit[3] = {
    G_GUINT64_CONSTANT (0xff00ff00ff00ff00),
    G_GUINT64_CONSTANT (0xffff0000ffff0000),
    G_GUINT64_CONSTANT (0xffffffff00000000),
  };
  guint64 all = 0, odd_word[3] = { 0 }, odd_group[3] = { 0 };
  guint64 c;

  for (guint g = 0; g < step / 64; g++)
    {
      guint64 w[8], group;

      memcpy (w, data + 64 * g, sizeof w);
      for (guint i = 0; i < 8; i++)
        w[i] = GUINT64_FROM_LE (w[i]);
      odd_word[0] ^= w[1] ^ w[3] ^ w[5] ^ w[7];
      odd_word[1] ^= w[2] ^ w[3] ^ w[6] ^ w[7];
      odd_word[2] ^= w[4] ^ w[5] ^ w[6] ^ w[7];
      group = w[0] ^ w[1] ^ w[2] ^ w[3] ^ w[4] ^ w[5] ^ w[6] ^ w[7];
      all ^= group;
      for (guint j = 0; j < 3; j++)
        odd_group[j] ^= group & -(guint64) ((g >> j) & 1);
    }
  *odd = 0;
  for (guint k = 0; k < 3; k++)
    *odd |= (parity64 (all & lanes_with_bit[k]) << k)
            | (parity64 (odd_word[k]) << (k + 3)) | (parity64 (odd_group[k]) << (k + 6));
  c = all ^ (all >> 32);
  c ^= c >> 16;
  c ^= c >> 8;
  *column = c & 0xff;
}

/* Bits 0..3 of V to bits 0, 2, 4, 6. */
static const guint8 spread_nibble[16] = {
  0x00, 0x01, 0x04, 0x05, 0x10, 0x11, 0x14, 0x15,
  0x40, 0x41, 0x44, 0x45, 0x50, 0x51, 0x54, 0x55,
};

/* Pairs of parities as the ECC stores them, inverted: for each index bit
 * j of the four, the even parity at bit 2j and the odd one at 2j + 1. */
static inline guint8
inverted_pairs (guint even, guint odd)
{
  return ~(spread_nibble[even & 0xf] | (spread_nibble[odd & 0xf] << 1)) & 0xff;
}

static void
hamming_encode (gpointer engine, const guint8 *data, guint8 *ecc)
{
  const Hamming *h = engine;
  guint column, odd, even, column_odd, column_even, total;
  guint8 low, high;

  step_parities (data, h->step_size, &column, &odd);
  /* Each byte (bit) is on one side of every index bit: even = total ^ odd. */
  total = parity64 (column) ? 0x1ff : 0;
  even = odd ^ total;
  column_odd = parity64 (column & 0xaa) | (parity64 (column & 0xcc) << 1)
               | (parity64 (column & 0xf0) << 2);
  column_even = column_odd ^ (total & 7);
  low = inverted_pairs (even, odd);
  high = inverted_pairs (even >> 4, odd >> 4);
  ecc[0] = h->sm_order ? low : high;
  ecc[1] = h->sm_order ? high : low;
  /* cp5..cp0, then rp17 rp16 for 512 bytes or two constant ones for 256. */
  ecc[2] = (inverted_pairs (column_even, column_odd) << 2)
           | (h->step_size == 512 ? inverted_pairs (even >> 8, odd >> 8) & 3 : 3);
}

/* Every (even, odd) pair of DIFF's bits flipped once: one data bit. */
static gboolean
is_one_data_bit (guint8 low, guint8 high, guint8 col, guint step)
{
  const guint8 col_pairs = step == 512 ? 0x55 : 0x54;

  return ((low ^ (low >> 1)) & 0x55) == 0x55 && ((high ^ (high >> 1)) & 0x55) == 0x55
         && ((col ^ (col >> 1)) & col_pairs) == col_pairs;
}

static gint
hamming_correct (gpointer engine, guint8 *data, guint8 *ecc)
{
  const Hamming *h = engine;
  guint8 calc[HAMMING_ECC_BYTES], diff[HAMMING_ECC_BYTES], low, high;
  guint byte = 0, bit;

  hamming_encode (engine, data, calc);
  for (guint i = 0; i < HAMMING_ECC_BYTES; i++)
    diff[i] = calc[i] ^ ecc[i];
  if (h->step_size == 256)
    diff[2] &= 0xfc;
  if (!(diff[0] | diff[1] | diff[2]))
    return 0;
  low = h->sm_order ? diff[0] : diff[1];
  high = h->sm_order ? diff[1] : diff[0];
  if (is_one_data_bit (low, high, diff[2], h->step_size))
    {
      /* The odd parities that changed spell the index. */
      for (guint k = 0; k < 4; k++)
        byte |= (((low >> (2 * k + 1)) & 1) << k) | (((high >> (2 * k + 1)) & 1) << (k + 4));
      if (h->step_size == 512)
        byte |= ((diff[2] >> 1) & 1) << 8;
      bit = ((diff[2] >> 3) & 1) | (((diff[2] >> 5) & 1) << 1) | (((diff[2] >> 7) & 1) << 2);
      data[byte] ^= 1u << bit;
      return 1;
    }
  if (__builtin_popcount (diff[0]) + __builtin_popcount (diff[1]) + __builtin_popcount (diff[2]) == 1)
    {
      for (guint i = 0; i < HAMMING_ECC_BYTES; i++)
        ecc[i] ^= diff[i];
      return 1;
    }
  return -1;
}

FmEcc *
fm_ecc_new_hamming (guint step_size, gboolean sm_order, GError **error)
{
  Hamming *h;

  if (step_size != 256 && step_size != 512)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "Hamming ECC: step size %u is not 256 or 512", step_size);
      return NULL;
    }
  h = g_new0 (Hamming, 1);
  h->step_size = step_size;
  h->sm_order = sm_order;
  return g_memdup2 (&(FmEcc) {
                      .name = g_strdup_printf ("hamming/%u%s", step_size, sm_order ? "/sm" : ""),
                      .step_size = step_size, .ecc_bytes = HAMMING_ECC_BYTES, .strength = 1,
                      .engine = h, .encode = hamming_encode, .correct = hamming_correct,
                      .free_engine = g_free,
                    }, sizeof (FmEcc));
}
