/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ECC engines through the public API (fm-ecc.h): arguments, names,
 * known vectors, erased steps, and correction of random errors up to the
 * strength, detection (or a correct decoding to another codeword) beyond.
 */
#include "ecc-test-util.h"
#include "fm-ecc-bch.h" /* FM_BCH_MAX_T, FM_BCH_MAX_ECC_BYTES */

#include <string.h>

/* ---- construction -------------------------------------------------------- */

static void
assert_refused (FmEcc *ecc, GError *error, const gchar *bad_value)
{
  g_assert_null (ecc);
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED);
  if (!strstr (error->message, bad_value))
    g_error ("'%s' does not name the value %s", error->message, bad_value);
}

static void
test_bad_arguments (void)
{
  static const struct {
    guint step, t, m;
    const gchar *named;
  } bch[] = {
    { 256, 8, 0, "256" }, { 2048, 8, 0, "2048" }, { 512, 0, 0, "strength 0" },
    { 512, 25, 0, "strength 25" }, { 512, 4, 12, "m = 12" }, { 512, 4, 15, "m = 15" },
    { 1024, 1, 13, "13" }, /* 8192 data bits do not fit in 8191 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bch); i++)
    {
      g_autoptr (GError) error = NULL;
      FmEcc *ecc = fm_ecc_new_bch (bch[i].step, bch[i].t, bch[i].m, &error);

      assert_refused (ecc, error, bch[i].named);
    }
  for (guint step = 128; step <= 1024; step *= 2)
    {
      g_autoptr (GError) error = NULL;
      g_autofree gchar *named = g_strdup_printf ("%u", step);
      FmEcc *ecc = fm_ecc_new_hamming (step, FALSE, &error);

      if (step == 256 || step == 512)
        {
          g_assert_no_error (error);
          fm_ecc_free (ecc);
        }
      else
        assert_refused (ecc, error, named);
    }
}

static void
test_names_and_sizes (void)
{
  static const struct {
    guint step, t, m;
    const gchar *name;
    guint ecc_bytes;
  } bch[] = {
    { 512, 8, 0, "bch8/512", 13 }, { 512, 8, 13, "bch8/512", 13 },
    { 1024, 24, 0, "bch24/1024", 42 }, { 512, 4, 14, "bch4/512/m14", 7 },
    { 512, 1, 0, "bch1/512", 2 }, { 1024, 1, 0, "bch1/1024", 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bch); i++)
    {
      g_autoptr (FmEcc) ecc = fm_ecc_new_bch (bch[i].step, bch[i].t, bch[i].m, NULL);

      g_assert_cmpstr (ecc->name, ==, bch[i].name);
      g_assert_cmpuint (ecc->step_size, ==, bch[i].step);
      g_assert_cmpuint (ecc->strength, ==, bch[i].t);
      g_assert_cmpuint (ecc->ecc_bytes, ==, bch[i].ecc_bytes);
    }
  for (guint sm = 0; sm < 2; sm++)
    for (guint step = 256; step <= 512; step *= 2)
      {
        g_autoptr (FmEcc) ecc = fm_ecc_new_hamming (step, sm, NULL);
        g_autofree gchar *name = g_strdup_printf ("hamming/%u%s", step, sm ? "/sm" : "");

        g_assert_cmpstr (ecc->name, ==, name);
        g_assert_cmpuint (ecc->ecc_bytes, ==, 3);
        g_assert_cmpuint (ecc->strength, ==, 1);
      }
}

static void
test_from_name (void)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL); /* ONFI, 4 bits per 512 */
  g_autoptr (GError) error = NULL;
  FmEcc *ecc = NULL;

  g_assert_true (fm_ecc_new_from_name ("none", desc, &ecc, NULL));
  g_assert_null (ecc);
  g_assert_true (fm_ecc_new_from_name ("auto", desc, &ecc, NULL));
  g_assert_cmpstr (ecc->name, ==, "bch4/512");
  g_clear_pointer (&ecc, fm_ecc_free);
  g_assert_true (fm_ecc_new_from_name ("bch16/1024", NULL, &ecc, NULL));
  g_assert_cmpstr (ecc->name, ==, "bch16/1024");
  g_clear_pointer (&ecc, fm_ecc_free);
  g_assert_true (fm_ecc_new_from_name ("hamming/512", NULL, &ecc, NULL));
  g_assert_cmpstr (ecc->name, ==, "hamming/512");
  g_clear_pointer (&ecc, fm_ecc_free);
  g_assert_false (fm_ecc_new_from_name ("bch30", NULL, &ecc, &error));
  assert_refused (ecc, error, "30");
}

/* ---- Hamming --------------------------------------------------------------- */

/* The layout of Documentation/driver-api/mtd/nand_ecc.rst applied by hand
 * to steps of zeros with one bit set (the Linux compatibility test checks
 * the same code against ecc_sw_hamming_calculate() on random data):
 *  - bit 0 of byte 0: every even line parity (rp0, rp2, ..) and cp0, cp2,
 *    cp4 are odd, stored inverted as 0: aa aa, then 1010 10 11;
 *  - bit 0 of byte 1: as above but rp1 odd, rp0 even: aa a9 ab;
 *  - bit 7 of the last byte (index all ones): the odd parities are odd:
 *    55 55, then 0101 01 and 11 (256) or rp17 rp16 = 01 (512). */
static void
test_hamming_vectors (void)
{
  static const struct {
    guint step, byte;
    guint8 value;
    gboolean sm_order;
    guint8 ecc[3];
  } vectors[] = {
    { 256, 0, 0x01, FALSE, { 0xaa, 0xaa, 0xab } },
    { 256, 1, 0x01, FALSE, { 0xaa, 0xa9, 0xab } },
    { 256, 1, 0x01, TRUE, { 0xa9, 0xaa, 0xab } },
    { 256, 255, 0x80, FALSE, { 0x55, 0x55, 0x57 } },
    { 512, 511, 0x80, FALSE, { 0x55, 0x55, 0x55 } },
    { 512, 0, 0x01, TRUE, { 0xaa, 0xaa, 0xaa } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr (FmEcc) ecc = fm_ecc_new_hamming (vectors[i].step, vectors[i].sm_order, NULL);
      guint8 data[512] = { 0 }, code[3];

      data[vectors[i].byte] = vectors[i].value;
      fm_ecc_encode (ecc, data, code);
      g_assert_cmpmem (code, 3, vectors[i].ecc, 3);
    }
}

static void
test_hamming_erased (void)
{
  for (guint sm = 0; sm < 2; sm++)
    for (guint step = 256; step <= 512; step *= 2)
      {
        g_autoptr (FmEcc) ecc = fm_ecc_new_hamming (step, sm, NULL);
        guint8 data[512], code[3], ones[3] = { 0xff, 0xff, 0xff };

        memset (data, 0xff, sizeof data);
        fm_ecc_encode (ecc, data, code);
        g_assert_cmpmem (code, 3, ones, 3);
        g_assert_cmpint (fm_ecc_correct (ecc, data, code), ==, 0);
      }
}

/* Every single bit of the data and of the ECC is corrected; the constant
 * bits of a 256-byte step's ECC are ignored. */
static void
check_hamming_single_bits (guint step, gboolean sm_order)
{
  g_autoptr (FmEcc) ecc = fm_ecc_new_hamming (step, sm_order, NULL);
  g_autofree guint8 *data = fm_test_pattern (step, step + sm_order);
  g_autofree guint8 *work = g_malloc (step);
  guint8 code[3], work_code[3];

  fm_ecc_encode (ecc, data, code);
  for (guint p = 0; p < 8 * (step + 3); p++)
    {
      gboolean constant_bit = step == 256 && p >= 8 * (step + 2) && p % 8 < 2;

      memcpy (work, data, step);
      memcpy (work_code, code, 3);
      ecc_test_flip (work, step, work_code, p);
      g_assert_cmpint (fm_ecc_correct (ecc, work, work_code), ==, constant_bit ? 0 : 1);
      g_assert_cmpmem (work, step, data, step);
      if (!constant_bit)
        g_assert_cmpmem (work_code, 3, code, 3);
    }
}

static void
test_hamming_single_bits (void)
{
  for (guint sm = 0; sm < 2; sm++)
    for (guint step = 256; step <= 512; step *= 2)
      check_hamming_single_bits (step, sm);
}

/* Two flipped bits anywhere in the code: detected, nothing changed. */
static void
test_hamming_double_bits (void)
{
  FmPrng prng;

  fm_prng_init (&prng, 2);
  for (guint step = 256; step <= 512; step *= 2)
    {
      g_autoptr (FmEcc) ecc = fm_ecc_new_hamming (step, FALSE, NULL);
      g_autofree guint8 *data = g_malloc (step);
      g_autofree guint8 *saved = g_malloc (step);

      for (guint iter = 0; iter < 3000; iter++)
        {
          guint8 code[3], saved_code[3];

          ecc_test_random_bytes (&prng, data, step);
          fm_ecc_encode (ecc, data, code);
          ecc_test_flip_random (&prng, data, step, code, step == 512 ? 24 : 22, 2, NULL);
          memcpy (saved, data, step);
          memcpy (saved_code, code, 3);
          g_assert_cmpint (fm_ecc_correct (ecc, data, code), ==, -1);
          g_assert_cmpmem (data, step, saved, step);
          g_assert_cmpmem (code, 3, saved_code, 3);
        }
    }
}

/* ---- BCH --------------------------------------------------------------------- */

/* ECC of data[i] = (i * A + B) ^ (i >> 8), computed with Linux 6.1's
 * lib/bch.c as drivers/mtd/nand/ecc-sw-bch.c calls it (bch_init (m, t, 0,
 * false), bch_encode, XOR the inverted ECC of an all-0xff step). */
static const struct {
  guint step, t, m, a, b;
  const gchar *ecc;
} bch_vectors[] = {
  { 512, 8, 13, 7, 3, "ef9964617a7830effcd2678819" },
  { 1024, 24, 14, 13, 1, "81705cd820129f805d75e5fac0b501ad5e58ad2ea28f85d1c57622398ef3bb8e09f6c62709109f6deb1d" },
  { 512, 4, 14, 1, 0, "b62390bedd7a60" },
  { 512, 1, 13, 31, 5, "ff27" },
  { 1024, 13, 14, 3, 200, "d469cd62b7769a797fa1ba2d3923d60f7cded8766ba0b3" },
  { 512, 24, 13, 97, 11, "8241dad93ab770ae6b2d22d15c6dc87413543947b170dc220518b6c044de362c27691ae898b428" },
};

static void
test_bch_vectors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bch_vectors); i++)
    {
      g_autoptr (FmEcc) ecc = fm_ecc_new_bch (bch_vectors[i].step, bch_vectors[i].t, bch_vectors[i].m, NULL);
      guint8 data[1024], code[FM_BCH_MAX_ECC_BYTES], expect[FM_BCH_MAX_ECC_BYTES];

      for (guint j = 0; j < bch_vectors[i].step; j++)
        data[j] = (guint8) ((j * bch_vectors[i].a + bch_vectors[i].b) ^ (j >> 8));
      g_assert_cmpuint (strlen (bch_vectors[i].ecc), ==, 2 * ecc->ecc_bytes);
      for (guint j = 0; j < ecc->ecc_bytes; j++)
        expect[j] = g_ascii_xdigit_value (bch_vectors[i].ecc[2 * j]) << 4
                    | g_ascii_xdigit_value (bch_vectors[i].ecc[2 * j + 1]);
      fm_ecc_encode (ecc, data, code);
      g_assert_cmpmem (code, ecc->ecc_bytes, expect, ecc->ecc_bytes);
      g_assert_cmpint (fm_ecc_correct (ecc, data, code), ==, 0);
    }
}

/* An erased step has an all-0xff ECC, for every strength. */
static void
test_bch_erased (gconstpointer user_data)
{
  const EccTestField *f = user_data;
  g_autofree guint8 *data = g_malloc (f->step);
  guint8 code[FM_BCH_MAX_ECC_BYTES], ones[FM_BCH_MAX_ECC_BYTES];

  memset (ones, 0xff, sizeof ones);
  for (guint t = 1; t <= FM_BCH_MAX_T; t++)
    {
      g_autoptr (FmEcc) ecc = fm_ecc_new_bch (f->step, t, f->m, NULL);

      memset (data, 0xff, f->step);
      fm_ecc_encode (ecc, data, code);
      g_assert_cmpmem (code, ecc->ecc_bytes, ones, ecc->ecc_bytes);
      g_assert_cmpint (fm_ecc_correct (ecc, data, code), ==, 0);
    }
}

/*
 * T + 1 errors: either detected (-1, nothing changed) or decoded into
 * another codeword that is within t of the received word, as a code of
 * distance 2t + 1 allows: what correct() returns is then a codeword (its
 * ECC recomputes to itself) at exactly the distance it reports.
 */
static void
check_beyond_strength (FmEcc *ecc, const guint8 *received, const guint8 *received_code,
                       guint8 *data, guint8 *code, gint result)
{
  guint8 again[FM_BCH_MAX_ECC_BYTES];
  guint distance = 0;

  if (result < 0)
    {
      g_assert_cmpmem (data, ecc->step_size, received, ecc->step_size);
      g_assert_cmpmem (code, ecc->ecc_bytes, received_code, ecc->ecc_bytes);
      return;
    }
  g_assert_cmpint (result, <=, ecc->strength);
  for (guint i = 0; i < ecc->step_size; i++)
    distance += __builtin_popcount (data[i] ^ received[i]);
  for (guint i = 0; i < ecc->ecc_bytes; i++)
    distance += __builtin_popcount (code[i] ^ received_code[i]);
  g_assert_cmpuint (distance, ==, result);
  fm_ecc_encode (ecc, data, again);
  g_assert_cmpmem (again, ecc->ecc_bytes, code, ecc->ecc_bytes);
}

/* Random data, every weight 1..t of random errors in data and ECC (all
 * corrected), and t + 1 (see above), for every strength. */
static void
test_bch_random_errors (gconstpointer user_data)
{
  const EccTestField *f = user_data;
  const guint iterations = g_test_slow () ? 60 : 12;
  g_autofree guint8 *original = g_malloc (f->step);
  g_autofree guint8 *data = g_malloc (f->step);
  g_autofree guint8 *received = g_malloc (f->step);
  guint miscorrected = 0, detected = 0;
  FmPrng prng;

  fm_prng_init (&prng, f->m * 7919 + f->step);
  for (guint t = 1; t <= FM_BCH_MAX_T; t++)
    {
      g_autoptr (FmEcc) ecc = fm_ecc_new_bch (f->step, t, f->m, NULL);

      for (guint iter = 0; iter < iterations; iter++)
        for (guint weight = 1; weight <= t + 1; weight++)
          {
            guint8 original_code[FM_BCH_MAX_ECC_BYTES], code[FM_BCH_MAX_ECC_BYTES];
            guint8 received_code[FM_BCH_MAX_ECC_BYTES];
            gint result;

            ecc_test_random_bytes (&prng, original, f->step);
            fm_ecc_encode (ecc, original, original_code);
            memcpy (data, original, f->step);
            memcpy (code, original_code, ecc->ecc_bytes);
            ecc_test_flip_random (&prng, data, f->step, code, f->m * t, weight, NULL);
            memcpy (received, data, f->step);
            memcpy (received_code, code, ecc->ecc_bytes);
            result = fm_ecc_correct (ecc, data, code);
            if (weight <= t)
              {
                g_assert_cmpint (result, ==, weight);
                g_assert_cmpmem (data, f->step, original, f->step);
                g_assert_cmpmem (code, ecc->ecc_bytes, original_code, ecc->ecc_bytes);
                continue;
              }
            check_beyond_strength (ecc, received, received_code, data, code, result);
            if (result < 0)
              detected++;
            else
              miscorrected++;
          }
    }
  g_test_message ("t + 1 errors: %u detected, %u decoded into another codeword",
                  detected, miscorrected);
}

/* Many errors: mostly detected, and then data and ECC are left alone. */
static void
test_bch_uncorrectable_untouched (void)
{
  g_autoptr (FmEcc) ecc = fm_ecc_new_bch (512, 8, 0, NULL);
  guint8 original[512], data[512], code[FM_BCH_MAX_ECC_BYTES], received_code[FM_BCH_MAX_ECC_BYTES];
  guint detected = 0;
  FmPrng prng;

  fm_prng_init (&prng, 99);
  for (guint iter = 0; iter < 200; iter++)
    {
      gint result;

      ecc_test_random_bytes (&prng, data, sizeof data);
      fm_ecc_encode (ecc, data, code);
      ecc_test_flip_random (&prng, data, sizeof data, code, 13 * 8, 20 + iter % 30, NULL);
      memcpy (original, data, sizeof data);
      memcpy (received_code, code, ecc->ecc_bytes);
      result = fm_ecc_correct (ecc, data, code);
      check_beyond_strength (ecc, original, received_code, data, code, result);
      detected += result < 0;
    }
  g_assert_cmpuint (detected, >, 150);
}

/* The bits of the last ECC byte past m * t are not part of the code: they
 * are 1 (erased) when encoded, and a flip there is no error. */
static void
test_bch_padding_bits (void)
{
  for (guint t = 1; t <= FM_BCH_MAX_T; t++)
    {
      g_autoptr (FmEcc) ecc = fm_ecc_new_bch (512, t, 13, NULL);
      const guint pad = 8 * ecc->ecc_bytes - 13 * t;
      g_autofree guint8 *data = fm_test_pattern (512, t);
      guint8 code[FM_BCH_MAX_ECC_BYTES], flipped[FM_BCH_MAX_ECC_BYTES], byte = data[100];

      if (!pad)
        continue;
      fm_ecc_encode (ecc, data, code);
      g_assert_cmphex (code[ecc->ecc_bytes - 1] & ((1u << pad) - 1), ==, (1u << pad) - 1);
      memcpy (flipped, code, ecc->ecc_bytes);
      flipped[ecc->ecc_bytes - 1] ^= (1u << pad) - 1;
      g_assert_cmpint (fm_ecc_correct (ecc, data, flipped), ==, 0);
      /* With a real error as well: only that one counts. */
      data[100] ^= 0x10;
      g_assert_cmpint (fm_ecc_correct (ecc, data, flipped), ==, 1);
      g_assert_cmphex (data[100], ==, byte);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ecc/bad-arguments", test_bad_arguments);
  g_test_add_func ("/ecc/names", test_names_and_sizes);
  g_test_add_func ("/ecc/from-name", test_from_name);
  g_test_add_func ("/ecc/hamming/vectors", test_hamming_vectors);
  g_test_add_func ("/ecc/hamming/erased", test_hamming_erased);
  g_test_add_func ("/ecc/hamming/single-bits", test_hamming_single_bits);
  g_test_add_func ("/ecc/hamming/double-bits", test_hamming_double_bits);
  g_test_add_func ("/ecc/bch/vectors", test_bch_vectors);
  g_test_add_func ("/ecc/bch/uncorrectable-untouched", test_bch_uncorrectable_untouched);
  g_test_add_func ("/ecc/bch/padding-bits", test_bch_padding_bits);
  ecc_test_add_per_field ("/ecc/bch/erased", test_bch_erased);
  ecc_test_add_per_field ("/ecc/bch/random-errors", test_bch_random_errors);
  return g_test_run ();
}
