/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The threshold-voltage cell model: how its error rates move with a
 * block's history and the read references, its [cell-model] descriptor
 * group, and its reads through FmNand. */
#include "fm-test-util.h"

#include <math.h>
#include <string.h>

static const FmVtParams *
family (const gchar *name)
{
  const FmVtParams *p = fm_vt_family (name);

  g_assert_nonnull (p);
  return p;
}

static void
test_families (void)
{
  const gchar *const *names = fm_vt_family_names ();
  const FmVtHistory fresh = { 0 };

  g_assert_nonnull (fm_vt_family ("slc"));
  g_assert_nonnull (fm_vt_family ("mlc-2ynm"));
  g_assert_null (fm_vt_family ("mlc-9nm"));
  g_assert_null (fm_vt_family (NULL));
  for (guint i = 0; names[i]; i++)
    {
      const FmVtParams *p = family (names[i]);
      g_autoptr (GError) error = NULL;

      g_assert_true (fm_vt_params_check (p, &error));
      g_assert_no_error (error);
      /* A fresh block reads essentially error-free at the default
       * references: shipped parts passed every test before the model. */
      for (guint b = 0; b < p->bits; b++)
        g_assert_cmpfloat (fm_vt_page_rber (p, &fresh, b, NULL), <, p->bits == 1 ? 1e-8 : 1e-6);
    }
}

/* Each page type's rate rises with the erase count and with retention. */
static void
test_rber_grows_with_wear_and_retention (void)
{
  const gchar *const names[] = { "slc", "mlc-2ynm", "mlc-1xnm", "tlc" };
  const guint32 cycles[] = { 0, 1000, 3000, 10000, 100000 };
  const gdouble hours[] = { 0, 10, 100, 1000, 10000 };

  for (guint f = 0; f < G_N_ELEMENTS (names); f++)
    {
      const FmVtParams *p = family (names[f]);

      for (guint b = 0; b < p->bits; b++)
        {
          for (guint i = 1; i < G_N_ELEMENTS (cycles); i++)
            {
              FmVtHistory lo = { cycles[i - 1], 0, 0, 0 }, hi = { cycles[i], 0, 0, 0 };
              gdouble r_lo = fm_vt_page_rber (p, &lo, b, NULL), r_hi = fm_vt_page_rber (p, &hi, b, NULL);

              /* Until the cap at one bit in two. */
              g_assert_true (r_hi > r_lo || r_lo == 0.5);
            }
          if (p->bits == 1)
            continue; /* SLC's errors are the erased state's, which does not lose charge */
          for (guint i = 1; i < G_N_ELEMENTS (hours); i++)
            {
              FmVtHistory lo = { 3000, hours[i - 1], 0, 0 }, hi = { 3000, hours[i], 0, 0 };
              gdouble r_lo = fm_vt_page_rber (p, &lo, b, NULL), r_hi = fm_vt_page_rber (p, &hi, b, NULL);

              g_assert_true (r_hi > r_lo || r_lo == 0.5);
            }
        }
    }
  /* SLC retention: a programmed cell loses charge (its state falls). */
  {
    const FmVtParams *p = family ("slc");
    FmVtHistory fresh = { 0 }, baked = { 0, 1000, 0, 0 };
    gdouble m0[FM_VT_MAX_STATES], s0[FM_VT_MAX_STATES], m1[FM_VT_MAX_STATES], s1[FM_VT_MAX_STATES];

    fm_vt_states (p, &fresh, m0, s0);
    fm_vt_states (p, &baked, m1, s1);
    g_assert_cmpfloat (m1[1], <, m0[1]);
    g_assert_cmpfloat (s1[1], >, s0[1]);
    g_assert_cmpfloat (m1[0], ==, m0[0]);
  }
}

/* Read disturb raises the erased state; program interference the lower
 * states; both raise the erased cells' error rate. */
static void
test_disturb_and_interference (void)
{
  const FmVtParams *p = family ("mlc-2ynm");
  FmVtHistory base = { 3000, 0, 0, 0 }, read = { 3000, 0, 100000, 0 }, neighbours = { 3000, 0, 0, 2 };
  gdouble m0[FM_VT_MAX_STATES], s0[FM_VT_MAX_STATES], m[FM_VT_MAX_STATES], s[FM_VT_MAX_STATES];

  fm_vt_states (p, &base, m0, s0);
  fm_vt_states (p, &read, m, s);
  g_assert_cmpfloat (m[0], >, m0[0]);
  g_assert_cmpfloat (m[1], >, m0[1]);
  g_assert_cmpfloat (m[1] - m0[1], <, m[0] - m0[0]);
  g_assert_cmpfloat (m[3], ==, m0[3]);
  /* More erased cells read as P1 (P1's own errors may fall as it rises). */
  g_assert_cmpfloat (fm_vt_state_rber (p, &read, 0, 1, NULL), >, 10 * fm_vt_state_rber (p, &base, 0, 1, NULL));
  fm_vt_states (p, &neighbours, m, s);
  g_assert_cmpfloat (m[0] - m0[0], >, m[2] - m0[2]);
  g_assert_cmpfloat (m[2], >, m0[2]);
  g_assert_cmpfloat (m[3], ==, m0[3]);
  g_assert_cmpfloat (fm_vt_state_rber (p, &neighbours, 0, 1, NULL), >, fm_vt_state_rber (p, &base, 0, 1, NULL));
}

/* The upper page, read at two references, sees more errors than the lower
 * page at one (Cai et al., DATE 2012). */
static void
test_mlc_upper_above_lower (void)
{
  const gchar *const names[] = { "mlc-2ynm", "mlc-1xnm" };
  const guint32 cycles[] = { 0, 1000, 3000, 6000 };
  const gdouble hours[] = { 0, 24, 1000 };

  for (guint f = 0; f < G_N_ELEMENTS (names); f++)
    for (guint i = 0; i < G_N_ELEMENTS (cycles); i++)
      for (guint j = 0; j < G_N_ELEMENTS (hours); j++)
        {
          FmVtHistory h = { cycles[i], hours[j], 0, 0 };

          g_assert_cmpfloat (fm_vt_page_rber (family (names[f]), &h, 1, NULL), >,
                             fm_vt_page_rber (family (names[f]), &h, 0, NULL));
        }
  /* The Gray code: ER, P1, P2, P3 = 11, 01, 00, 10 (upper, lower). */
  {
    const FmVtParams *p = family ("mlc-2ynm");
    const guint lower[] = { 1, 1, 0, 0 }, upper[] = { 1, 0, 0, 1 };

    for (guint s = 0; s < 4; s++)
      {
        g_assert_cmpuint (fm_vt_state_bit (p, s, 0), ==, lower[s]);
        g_assert_cmpuint (fm_vt_state_bit (p, s, 1), ==, upper[s]);
      }
  }
}

/* TLC's 2-3-2 code: adjacent states differ in exactly one bit, and the
 * pages change at 2, 3 and 2 references. */
static void
test_tlc_gray_code (void)
{
  const FmVtParams *p = family ("tlc");
  guint changes[3] = { 0 };

  for (guint s = 1; s < 8; s++)
    {
      guint differ = 0;

      for (guint b = 0; b < 3; b++)
        if (fm_vt_state_bit (p, s, b) != fm_vt_state_bit (p, s - 1, b))
          {
            differ++;
            changes[b]++;
          }
      g_assert_cmpuint (differ, ==, 1);
    }
  g_assert_cmpuint (changes[0], ==, 2);
  g_assert_cmpuint (changes[1], ==, 3);
  g_assert_cmpuint (changes[2], ==, 2);
}

/* After retention the programmed states have fallen below where the
 * default references expect them: references moved down (what read retry
 * does) recover most errors, references moved up make it worse. */
static void
test_reference_shift_after_retention (void)
{
  const FmVtParams *p = family ("mlc-2ynm");
  FmVtHistory aged = { 3000, 1000, 0, 0 };
  const gint16 down[] = { -200, -200, -200 }, up[] = { 100, 100, 100 }, none[] = { 0, 0, 0 };

  for (guint b = 0; b < 2; b++)
    {
      gdouble at_default = fm_vt_page_rber (p, &aged, b, NULL);

      g_assert_cmpfloat (fm_vt_page_rber (p, &aged, b, none), ==, at_default);
      g_assert_cmpfloat (fm_vt_page_rber (p, &aged, b, down), <, at_default / 4);
      g_assert_cmpfloat (fm_vt_page_rber (p, &aged, b, up), >, at_default * 1.5);
    }
  /* The lower page reads at R2 only: moving R1 and R3 changes nothing. */
  {
    const gint16 outer[] = { -200, 0, -200 };

    g_assert_cmpfloat (fm_vt_page_rber (p, &aged, 0, outer), ==, fm_vt_page_rber (p, &aged, 0, NULL));
  }
  /* A fresh block is best read at the defaults. */
  {
    FmVtHistory fresh = { 0 };

    g_assert_cmpfloat (fm_vt_page_rber (p, &fresh, 0, down), >, fm_vt_page_rber (p, &fresh, 0, NULL));
  }
  /* References shifted across each other keep their order. */
  {
    const gint16 crossed[] = { 2000, -2000, 0 };

    g_assert_cmpfloat (fm_vt_page_rber (p, &aged, 1, crossed), <=, 0.5);
    g_assert_cmpfloat (fm_vt_page_rber (p, &aged, 1, crossed), >, 0.1);
  }
}

/* Per-state rates average to the page's; an erased cell's errors are the
 * erased state's tail above R1. */
static void
test_state_rber (void)
{
  const FmVtParams *p = family ("mlc-2ynm");
  FmVtHistory h = { 3000, 100, 0, 0 };

  for (guint b = 0; b < 2; b++)
    {
      gdouble sum = 0;

      for (guint s = 0; s < 4; s++)
        sum += fm_vt_state_rber (p, &h, s, b, NULL);
      g_assert_cmpfloat_with_epsilon (sum / 4, fm_vt_page_rber (p, &h, b, NULL), 1e-15);
    }
  {
    gdouble mean[FM_VT_MAX_STATES], sigma[FM_VT_MAX_STATES];

    fm_vt_states (p, &h, mean, sigma);
    /* ER (11) reading as P1 (01) flips the upper bit, not the lower. */
    g_assert_cmpfloat_with_epsilon (fm_vt_state_rber (p, &h, 0, 1, NULL),
                                    0.5 * erfc ((p->ref_mv[0] - mean[0]) / (sigma[0] * G_SQRT2)), 1e-15);
    g_assert_cmpfloat (fm_vt_state_rber (p, &h, 0, 0, NULL), <, fm_vt_state_rber (p, &h, 0, 1, NULL));
  }
}

/* The density of a cell's Vt is a probability density. */
static void
test_density_integrates_to_one (void)
{
  const gchar *const names[] = { "slc", "mlc-2ynm", "mlc-1xnm", "tlc" };
  const FmVtHistory histories[] = { { 0, 0, 0, 0 }, { 3000, 1000, 50000, 2 } };

  for (guint f = 0; f < G_N_ELEMENTS (names); f++)
    for (guint h = 0; h < G_N_ELEMENTS (histories); h++)
      {
        gdouble sum = 0;

        /* Trapezoids of 1 mV, far beyond every state's tails. */
        for (gdouble v = -10000; v < 12000; v += 1)
          sum += 0.5 * (fm_vt_density (family (names[f]), &histories[h], v) +
                        fm_vt_density (family (names[f]), &histories[h], v + 1));
        g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-6);
      }
}

static void
test_arrhenius (void)
{
  FmVtParams p = *family ("mlc-2ynm");
  /* 1.1 eV from 25 C to 85 C: exp (1.1 / k * (1/298.15 - 1/358.15)). */
  gdouble factor = exp (1.1 / 8.617333262e-5 * (1 / 298.15 - 1 / 358.15));

  g_assert_cmpfloat (p.activation_ev, ==, 1.1);
  g_assert_cmpfloat (p.reference_celsius, ==, 25);
  g_assert_cmpfloat_with_epsilon (fm_vt_arrhenius_hours (&p, 2, 85) / (2 * factor), 1.0, 1e-9);
  g_assert_cmpfloat (factor, >, 1000);
  g_assert_cmpfloat_with_epsilon (fm_vt_arrhenius_hours (&p, 7, 25), 7, 1e-9);
  g_assert_cmpfloat (fm_vt_arrhenius_hours (&p, 7, 0), <, 7);
  p.activation_ev = 0;
  g_assert_cmpfloat (fm_vt_arrhenius_hours (&p, 7, 125), ==, 7);
}

/* [cell-model] on the tiny SLC part (or TEXT's part): GROUP_LINES added. */
static FmChipDesc *
load_with (const gchar *base, const gchar *group_lines, GError **error)
{
  g_autofree gchar *tiny = fm_test_tiny_text_with ("chip", "name", "name=test-tiny");
  g_autofree gchar *text = g_strconcat (base ? base : tiny, group_lines, NULL);

  return fm_chip_desc_load_data (text, "t.ini", error);
}

static void
assert_refused (const gchar *base, const gchar *group_lines, const gchar *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = load_with (base, group_lines, &error);

  g_assert_null (d);
  g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_descriptor (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *mlc = NULL;

  {
    g_autoptr (FmChipDesc) none = load_with (NULL, "", &error);

    g_assert_no_error (error);
    g_assert_null (none->cell_model);
  }
  {
    g_autoptr (FmChipDesc) d = load_with (NULL, "[cell-model]\nfamily=slc\n"
                                          "sigma-mv=400;250\nretention-t0-hours=0.5\n", &error);

    g_assert_no_error (error);
    g_assert_nonnull (d->cell_model);
    g_assert_cmpstr (d->cell_model->family, ==, "slc");
    g_assert_cmpfloat (d->cell_model->sigma_mv[0], ==, 400);
    g_assert_cmpfloat (d->cell_model->sigma_mv[1], ==, 250);
    g_assert_cmpfloat (d->cell_model->retention_t0_hours, ==, 0.5);
    g_assert_cmpfloat (d->cell_model->mean_mv[1], ==, family ("slc")->mean_mv[1]);
    /* The built-in family is unchanged. */
    g_assert_cmpfloat (family ("slc")->sigma_mv[0], ==, 300);
  }
  {
    g_autoptr (FmChipDesc) shipped = fm_test_chip ("micron-mt29f32g");

    g_assert_nonnull (shipped->cell_model);
    g_assert_cmpstr (shipped->cell_model->family, ==, "mlc-2ynm");
  }
  assert_refused (NULL, "[cell-model]\n", "t.ini: [cell-model] family: required key is missing");
  assert_refused (NULL, "[cell-model]\nfamily=mlc-9nm\n",
                  "t.ini: [cell-model] family: unknown family 'mlc-9nm' (known: slc, mlc-2ynm, mlc-1xnm, tlc)");
  assert_refused (NULL, "[cell-model]\nfamily=mlc-2ynm\n",
                  "t.ini: [cell-model] family: 'mlc-2ynm' has 2 bits per cell, the part 1");
  assert_refused (NULL, "[bit-errors]\nrber-fresh=1e-9\nrber-endurance=1e-5\n[cell-model]\nfamily=slc\n",
                  "t.ini: [cell-model]: a part has either the cell model or the [bit-errors] formula: choose one");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nvoltage=3\n", "t.ini: [cell-model] voltage: unknown key");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nsigma-mv=300\n", "t.ini: [cell-model] sigma-mv: 1 values, not 2");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nsigma-mv=300;x\n", "t.ini: [cell-model] sigma-mv: 'x' is not a number");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nsigma-mv=300;0\n",
                  "t.ini: [cell-model] sigma-mv: 0 is outside 1..20000");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nsigma-mv=300;inf\n",
                  "t.ini: [cell-model] sigma-mv: inf is out of range [-1e+09, 1e+09]");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nmean-mv=100;-100\n",
                  "t.ini: [cell-model] mean-mv: state 1 (-100) is not above state 0 (100)");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nref-mv=2500\n",
                  "t.ini: [cell-model] ref-mv: reference 1 (2500) is not between the means of states 0 and 1");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nretention-t0-hours=0\n",
                  "t.ini: [cell-model] retention-t0-hours: 0 is outside 1e-06..1e+09");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nwear-exponent=nan\n",
                  "t.ini: [cell-model] wear-exponent: 'nan' is not a number");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nread-disturb-p1-fraction=1.5\n",
                  "t.ini: [cell-model] read-disturb-p1-fraction: 1.5 is outside 0..1");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nwear-ref-cycles=0.5\n",
                  "t.ini: [cell-model] wear-ref-cycles: 0.5 is outside 1..1e+09");
  assert_refused (NULL, "[cell-model]\nfamily=slc\nwear-ref-cycles=1e300\n",
                  "t.ini: [cell-model] wear-ref-cycles: 1e+300 is out of range [-1e+09, 1e+09]");
  /* An MLC part takes an MLC family only. */
  {
    g_autofree gchar *typed = fm_test_tiny_text_with ("chip", "type", "type=nand-mlc");

    mlc = fm_test_text_with (typed, "mlc", "pairing", "pairing=dist3");
  }
  {
    g_autoptr (FmChipDesc) d = load_with (mlc, "[cell-model]\nfamily=mlc-1xnm\n", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (d->cell_model->bits, ==, 2);
  }
  assert_refused (mlc, "[cell-model]\nfamily=slc\n", "t.ini: [cell-model] family: 'slc' has 1 bits per cell, the part 2");
  assert_refused (mlc, "[cell-model]\nfamily=mlc-2ynm\nref-mv=500;1700\n",
                  "t.ini: [cell-model] ref-mv: 2 values, not 3");
  /* Not on NOR. */
  assert_refused (fm_test_nor_cfi_text, "[cell-model]\nfamily=slc\n",
                  "t.ini: [cell-model]: a NAND group, not allowed in a nor-cfi descriptor");
}

/* The tiny SLC part with a wide erased state: about 2e-4 errors per bit,
 * from the cell model alone (no disturb, no interference). */
static FmChipDesc *
noisy_slc (void)
{
  g_autoptr (GError) error = NULL;
  FmChipDesc *d = load_with (NULL, "[cell-model]\nfamily=slc\nsigma-mv=600;200\n"
                             "interference-mv=0\nread-disturb-mv-per-kread=0\n", &error);

  g_assert_no_error (error);
  return d;
}

typedef struct {
  GBytes *reads;   /* every read, concatenated */
  guint64 flips;   /* bits that differ from what was programmed */
  guint64 bits;    /* bits read */
} Reads;

static void
reads_clear (Reads *r)
{
  g_clear_pointer (&r->reads, g_bytes_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reads, reads_clear)

/* Programs every page of 4 blocks of DESC, then reads each at
 * OFFSET_MV on every reference 40 times (ERASED: leaves them erased). */
static Reads
read_through_nand (const FmChipDesc *desc, guint64 seed, gint16 offset_mv, gboolean erased)
{
  g_autoptr (FmNand) nand = fm_test_nand (desc, seed, 0, FM_TIMING_NONE);
  gsize n = desc->page_size + desc->oob_size;
  g_autofree guint8 *data = fm_test_pattern (n, 5);
  g_autofree guint8 *buf = g_malloc (n);
  const gint16 offsets[FM_NAND_MAX_READ_REFS] = { offset_mv, offset_mv, offset_mv, offset_mv,
                                                  offset_mv, offset_mv, offset_mv };
  GByteArray *out = g_byte_array_new ();
  Reads r = { 0 };

  if (erased)
    memset (data, 0xff, n);
  for (guint b = 0; b < 4 && !erased; b++)
    for (guint p = 0; p < desc->pages_per_block; p++)
      g_assert_true (fm_nand_program_page (nand, b, p, data, NULL));
  fm_nand_set_read_offsets (nand, offsets, G_N_ELEMENTS (offsets));
  for (guint round = 0; round < 40; round++)
    for (guint b = 0; b < 4; b++)
      for (guint p = 0; p < desc->pages_per_block; p++)
        {
          g_assert_true (fm_nand_read_page (nand, b, p, buf, NULL));
          for (gsize i = 0; i < n; i++)
            r.flips += __builtin_popcount (buf[i] ^ data[i]);
          r.bits += n * 8;
          g_byte_array_append (out, buf, n);
        }
  r.reads = g_byte_array_free_to_bytes (out);
  return r;
}

/* Same seed and operations: the same bytes; another seed: other bytes. */
static void
test_nand_reads_deterministic (void)
{
  g_autoptr (FmChipDesc) d = noisy_slc ();
  g_auto (Reads) a = read_through_nand (d, 42, 0, FALSE);
  g_auto (Reads) b = read_through_nand (d, 42, 0, FALSE);
  g_auto (Reads) c = read_through_nand (d, 43, 0, FALSE);

  g_assert_cmpuint (a.flips, >, 100);
  g_assert_true (g_bytes_equal (a.reads, b.reads));
  g_assert_false (g_bytes_equal (a.reads, c.reads));
}

/* The flips a read returns follow the model's rate, and the read
 * references read retry sets: up, away from the wide erased state, fewer
 * errors; down, more. */
static void
test_nand_reads_follow_model_and_offsets (void)
{
  g_autoptr (FmChipDesc) d = noisy_slc ();
  const FmVtHistory fresh = { 0 };
  const gint16 up[] = { 300 }, down[] = { -300 };
  g_auto (Reads) at_default = read_through_nand (d, 7, 0, FALSE);
  g_auto (Reads) raised = read_through_nand (d, 7, 300, FALSE);
  g_auto (Reads) lowered = read_through_nand (d, 7, -300, FALSE);
  g_auto (Reads) erased = read_through_nand (d, 7, 0, TRUE);
  gdouble rber = fm_vt_page_rber (d->cell_model, &fresh, 0, NULL);

  /* Poisson counts of about 4000, 700 and 25000 flips: within 4 standard
   * deviations of the expectation. */
  g_assert_cmpfloat (fabs ((gdouble) at_default.flips / at_default.bits / rber - 1), <, 0.1);
  g_assert_cmpfloat (fabs ((gdouble) raised.flips / raised.bits /
                           fm_vt_page_rber (d->cell_model, &fresh, 0, up) - 1), <, 0.15);
  g_assert_cmpfloat (fabs ((gdouble) lowered.flips / lowered.bits /
                           fm_vt_page_rber (d->cell_model, &fresh, 0, down) - 1), <, 0.1);
  g_assert_cmpuint (raised.flips, <, at_default.flips / 2);
  g_assert_cmpuint (lowered.flips, >, at_default.flips * 2);
  g_assert_false (g_bytes_equal (at_default.reads, raised.reads));
  /* An erased page: all cells in the erased state, twice the page rate. */
  g_assert_cmpfloat (fabs ((gdouble) erased.flips / erased.bits /
                           fm_vt_state_rber (d->cell_model, &fresh, 0, 0, NULL) - 1), <, 0.1);
}

/* A part without [cell-model] or [bit-errors] still reads exactly what
 * was programmed, whatever the read references. */
static void
test_nand_without_model_exact (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_auto (Reads) r = read_through_nand (d, 1, -500, FALSE);

  g_assert_null (d->cell_model);
  g_assert_cmpuint (r.flips, ==, 0);
}

/* The tiny part as MLC (dist3 pairing) with the mlc-2ynm family. */
static FmChipDesc *
tiny_mlc (void)
{
  g_autofree gchar *typed = fm_test_tiny_text_with ("chip", "type", "type=nand-mlc");
  g_autofree gchar *paired = fm_test_text_with (typed, "mlc", "pairing", "pairing=dist3");
  g_autoptr (GError) error = NULL;
  FmChipDesc *d = load_with (paired, "[cell-model]\nfamily=mlc-2ynm\n", &error);

  g_assert_no_error (error);
  return d;
}

/* Bits that differ from the programmed data in ROUNDS reads of each page of
 * block 0 at OFFSETS, lower and upper pages apart. */
static void
count_flips (FmNand *nand, const FmChipDesc *d, const guint8 *data, const gint16 *offsets,
             guint rounds, guint64 flips[2])
{
  gsize n = d->page_size + d->oob_size;
  g_autofree guint8 *buf = g_malloc (n);

  fm_nand_set_read_offsets (nand, offsets, 3);
  flips[0] = flips[1] = 0;
  for (guint r = 0; r < rounds; r++)
    for (guint p = 0; p < d->pages_per_block; p++)
      {
        g_assert_true (fm_nand_read_page (nand, 0, p, buf, NULL));
        for (gsize i = 0; i < n; i++)
          flips[fm_nand_page_pairing (d, p).group] += __builtin_popcount (buf[i] ^ data[i]);
      }
}

/* What read retry recovers, through FmNand: a worn MLC block left for
 * 1000 hours reads many errors at the default references, more on its
 * upper pages than on its lower ones, and far fewer with the references
 * moved down. The same block freshly programmed reads almost none. */
static void
test_nand_mlc_aged_block (void)
{
  g_autoptr (FmChipDesc) d = tiny_mlc ();
  g_autoptr (FmNand) nand = fm_test_nand (d, 11, 0, FM_TIMING_VIRTUAL);
  gsize n = d->page_size + d->oob_size;
  g_autofree guint8 *data = fm_test_pattern (n, 3);
  const gint16 defaults[] = { 0, 0, 0 }, down[] = { -200, -200, -200 };
  guint64 fresh[2], aged[2], shifted[2];

  for (guint e = 0; e < 3000; e++)
    g_assert_true (fm_nand_erase_block (nand, 0, NULL));
  for (guint p = 0; p < d->pages_per_block; p++)
    g_assert_true (fm_nand_program_page (nand, 0, p, data, NULL));
  count_flips (nand, d, data, defaults, 10, fresh);
  fm_nand_advance_age (nand, 1000 * 3600 * G_GUINT64_CONSTANT (1000000000));
  {
    FmVtHistory h;
    guint bit;

    fm_nand_cell_history (nand, 2, &h, &bit);
    g_assert_cmpuint (h.pe_cycles, ==, 3000);
    g_assert_cmpfloat (h.retention_hours, >=, 1000);
    g_assert_cmpfloat (h.retention_hours, <, 1000.01);
    g_assert_cmpuint (h.reads_since_erase, ==, 10 * d->pages_per_block);
    g_assert_cmpuint (h.neighbours_programmed, ==, 1); /* word line 0: one neighbour */
    g_assert_cmpuint (bit, ==, 1);          /* page 2: the upper page of pair 0 */
    fm_nand_cell_history (nand, 1, &h, &bit);
    g_assert_cmpuint (bit, ==, 0);          /* page 1: the lower page of pair 1 */
    g_assert_cmpuint (h.neighbours_programmed, ==, 2);
    fm_nand_cell_history (nand, 0, &h, &bit);
    g_assert_cmpuint (bit, ==, 0);
    g_assert_cmpuint (h.neighbours_programmed, ==, 1);
  }
  count_flips (nand, d, data, defaults, 10, aged);
  count_flips (nand, d, data, down, 10, shifted);
  g_test_message ("flips lower/upper: fresh %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                  ", aged %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                  ", aged at -200 mV %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                  fresh[0], fresh[1], aged[0], aged[1], shifted[0], shifted[1]);
  /* 5 lower and 3 upper pages of 16896 bits, 10 reads each: at rates of
   * 8e-3 and 2e-2 (fm_vt_page_rber) thousands of flips. */
  g_assert_cmpuint (aged[0], >, 20 * MAX (fresh[0], 1));
  g_assert_cmpuint (aged[1], >, 20 * MAX (fresh[1], 1));
  g_assert_cmpfloat ((gdouble) aged[1] / 3, >, (gdouble) aged[0] / 5);
  g_assert_cmpuint (shifted[0], <, aged[0] / 3);
  g_assert_cmpuint (shifted[1], <, aged[1] / 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vt-model/families", test_families);
  g_test_add_func ("/vt-model/grows-with-wear-and-retention", test_rber_grows_with_wear_and_retention);
  g_test_add_func ("/vt-model/disturb-and-interference", test_disturb_and_interference);
  g_test_add_func ("/vt-model/mlc-upper-above-lower", test_mlc_upper_above_lower);
  g_test_add_func ("/vt-model/tlc-gray-code", test_tlc_gray_code);
  g_test_add_func ("/vt-model/reference-shift-after-retention", test_reference_shift_after_retention);
  g_test_add_func ("/vt-model/state-rber", test_state_rber);
  g_test_add_func ("/vt-model/density-integrates-to-one", test_density_integrates_to_one);
  g_test_add_func ("/vt-model/arrhenius", test_arrhenius);
  g_test_add_func ("/vt-model/descriptor", test_descriptor);
  g_test_add_func ("/vt-model/nand-reads-deterministic", test_nand_reads_deterministic);
  g_test_add_func ("/vt-model/nand-reads-follow-model-and-offsets", test_nand_reads_follow_model_and_offsets);
  g_test_add_func ("/vt-model/nand-without-model-exact", test_nand_without_model_exact);
  g_test_add_func ("/vt-model/nand-mlc-aged-block", test_nand_mlc_aged_block);
  return g_test_run ();
}
