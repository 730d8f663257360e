/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compatibility with Linux: lib/bch.c and drivers/mtd/nand/ecc-sw-hamming.c
 * from the kernel source tarball (built for this test only, see
 * tests/meson.build), called as the NAND software ECC engines call them,
 * against libflashmodel's engines on random data and random errors.
 */
#include "ecc-test-util.h"
#include "fm-ecc-bch.h"
#include "linux-ecc.h"

#include <string.h>

#define ITERATIONS 100

typedef struct {
  struct bch_control *bch;
  guint step;
  guint8 mask[FM_BCH_MAX_ECC_BYTES];
} LinuxBch;

/* As nand_ecc_sw_bch_init() sets it up: swap_bits false, erased-page mask. */
static void
linux_bch_init (LinuxBch *lb, guint m, guint t, guint step)
{
  g_autofree guint8 *erased = g_malloc (step);

  lb->bch = bch_init (m, t, 0, false);
  g_assert_nonnull (lb->bch);
  lb->step = step;
  memset (erased, 0xff, step);
  memset (lb->mask, 0, sizeof lb->mask);
  bch_encode (lb->bch, erased, step, lb->mask);
  for (guint i = 0; i < lb->bch->ecc_bytes; i++)
    lb->mask[i] ^= 0xff;
}

/* nand_ecc_sw_bch_calculate() */
static void
linux_bch_calculate (const LinuxBch *lb, const guint8 *data, guint8 *ecc)
{
  memset (ecc, 0, lb->bch->ecc_bytes);
  bch_encode (lb->bch, data, lb->step, ecc);
  for (guint i = 0; i < lb->bch->ecc_bytes; i++)
    ecc[i] ^= lb->mask[i];
}

/* bch_decode() as nand_ecc_sw_bch_correct() calls it, errors sorted. */
static gint
linux_bch_decode (const LinuxBch *lb, const guint8 *data, const guint8 *ecc, guint *errloc)
{
  guint8 calc[FM_BCH_MAX_ECC_BYTES], read[FM_BCH_MAX_ECC_BYTES];
  gint count;

  linux_bch_calculate (lb, data, calc);
  memcpy (read, ecc, lb->bch->ecc_bytes);
  count = bch_decode (lb->bch, NULL, lb->step, read, calc, NULL, errloc);
  if (count < 0)
    return -1;
  ecc_test_sort (errloc, count);
  return count;
}

static gint
sorted_decode (const FmBch *bch, const guint8 *data, const guint8 *ecc, guint *errloc)
{
  gint count = fm_bch_decode (bch, data, ecc, errloc);

  if (count > 0)
    ecc_test_sort (errloc, count);
  return count;
}

/* ECC bytes, and what decoding finds for 0..t+1 random errors, for every t. */
static void
compare_bch (gconstpointer user_data)
{
  const EccTestField *f = user_data;
  FmPrng prng;

  fm_prng_init (&prng, f->m * 10000 + f->step);
  for (guint t = 1; t <= FM_BCH_MAX_T; t++)
    {
      g_autoptr (FmBch) ours = fm_bch_new (f->step, t, f->m, NULL);
      g_autofree guint8 *data = g_malloc (f->step);
      LinuxBch lb;

      linux_bch_init (&lb, f->m, t, f->step);
      g_assert_cmpuint (fm_bch_ecc_bytes (ours), ==, lb.bch->ecc_bytes);
      g_assert_cmpuint (fm_bch_ecc_bits (ours), ==, lb.bch->ecc_bits);
      for (guint iter = 0; iter < ITERATIONS; iter++)
        {
          guint8 ecc[FM_BCH_MAX_ECC_BYTES], expect[FM_BCH_MAX_ECC_BYTES];
          guint loc[FM_BCH_MAX_T + 1], linux_loc[FM_BCH_MAX_T + 1];
          guint weight = iter % (t + 2);
          gint count, linux_count;

          ecc_test_random_bytes (&prng, data, f->step);
          fm_bch_encode (ours, data, ecc);
          linux_bch_calculate (&lb, data, expect);
          g_assert_cmpmem (ecc, lb.bch->ecc_bytes, expect, lb.bch->ecc_bytes);

          ecc_test_flip_random (&prng, data, f->step, ecc, lb.bch->ecc_bits, weight, NULL);
          count = sorted_decode (ours, data, ecc, loc);
          linux_count = linux_bch_decode (&lb, data, ecc, linux_loc);
          g_assert_cmpint (count, ==, linux_count);
          if (count > 0)
            g_assert_cmpmem (loc, count * sizeof *loc, linux_loc, count * sizeof *loc);
        }
      bch_free (lb.bch);
    }
}

/* ecc_sw_hamming_calculate() and _correct() against ours, for 0..2 random
 * errors. Where they differ by design: we fix a flipped ECC bit in place
 * (Linux leaves it), and a 256-byte step's two constant ECC bits are no
 * part of our code (Linux counts a flip there as a corrected bit). */
static void
compare_hamming (guint step, gboolean sm_order)
{
  g_autoptr (FmEcc) ours = fm_ecc_new_hamming (step, sm_order, NULL);
  g_autofree guint8 *data = g_malloc (step), *linux_data = g_malloc (step);
  FmPrng prng;

  fm_prng_init (&prng, step + sm_order);
  for (guint iter = 0; iter < 2000; iter++)
    {
      guint8 ecc[3], expect[3], calc[3], read[3];
      guint weight = iter % 3;
      gint count, linux_count;

      ecc_test_random_bytes (&prng, data, step);
      fm_ecc_encode (ours, data, ecc);
      ecc_sw_hamming_calculate (data, step, expect, sm_order);
      g_assert_cmpmem (ecc, 3, expect, 3);

      ecc_test_flip_random (&prng, data, step, ecc, step == 512 ? 24 : 22, weight, NULL);
      memcpy (linux_data, data, step);
      memcpy (read, ecc, 3);
      ecc_sw_hamming_calculate (linux_data, step, calc, sm_order);
      linux_count = ecc_sw_hamming_correct (linux_data, read, calc, step, sm_order);
      count = fm_ecc_correct (ours, data, ecc);
      g_assert_cmpint (count, ==, linux_count < 0 ? -1 : linux_count);
      g_assert_cmpmem (data, step, linux_data, step);
    }
}

static void
compare_hamming_256 (void)
{
  compare_hamming (256, FALSE);
  compare_hamming (256, TRUE);
}

static void
compare_hamming_512 (void)
{
  compare_hamming (512, FALSE);
  compare_hamming (512, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ecc_test_add_per_field ("/ecc-linux/bch", compare_bch);
  g_test_add_func ("/ecc-linux/hamming/256", compare_hamming_256);
  g_test_add_func ("/ecc-linux/hamming/512", compare_hamming_512);
  return g_test_run ();
}
