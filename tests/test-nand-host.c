/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host controller layer muse-chip serves MTD requests with: spare
 * layout, OOB modes, ECC on program and read, erased pages, statistics.
 */
#include "fm-test-util.h"

#include <string.h>

/* A test engine, single error correcting and double error detecting per
 * 512-byte step: the ECC is the XOR of the (byte * 8 + bit + 1) indices of
 * the set bits (3 bytes) and the data's parity (1 byte), relative to
 * all-ones data so that an erased step has all-ones ECC, as with Linux's
 * engines. Strength 1. */
static guint32
index_xor (const guint8 *data, guint *parity)
{
  guint32 x = 0;

  *parity = 0;
  for (guint i = 0; i < 512; i++)
    for (guint b = 0; b < 8; b++)
      if (data[i] & (1u << b))
        {
          x ^= i * 8 + b + 1;
          *parity ^= 1;
        }
  return x;
}

static void
test_encode (gpointer engine, const guint8 *data, guint8 *ecc)
{
  guint p, p_ones;
  guint32 x = index_xor (data, &p) ^ index_xor (engine, &p_ones);

  ecc[0] = ~(x & 0xff);
  ecc[1] = ~((x >> 8) & 0xff);
  ecc[2] = ~((x >> 16) & 0xff);
  ecc[3] = ~(p ^ p_ones);
}

static gint
test_correct (gpointer engine, guint8 *data, guint8 *ecc)
{
  guint8 now[4];
  guint32 syndrome;

  test_encode (engine, data, now);
  syndrome = (guint32) ((now[0] ^ ecc[0]) | ((now[1] ^ ecc[1]) << 8) | ((now[2] ^ ecc[2]) << 16));
  if (!syndrome && now[3] == ecc[3])
    return 0;
  if (now[3] == ecc[3] || syndrome == 0 || syndrome > 512 * 8)
    return -1; /* an even number of flips, or flips in the ECC bytes */
  data[(syndrome - 1) / 8] ^= 1u << ((syndrome - 1) % 8);
  return 1;
}

static FmEcc *
test_ecc (void)
{
  static guint8 ones[512];
  FmEcc *ecc = g_new0 (FmEcc, 1);

  memset (ones, 0xff, sizeof ones);
  ecc->name = g_strdup ("test-xor");
  ecc->step_size = 512;
  ecc->ecc_bytes = 4;
  ecc->strength = 1;
  ecc->engine = ones;
  ecc->encode = test_encode;
  ecc->correct = test_correct;
  return ecc;
}

typedef struct {
  FmChipDesc *desc;
  FmNand *nand;
  FmNandHost *host;
  gsize ps;
} Host;

static void
host_init (Host *h, gboolean with_ecc)
{
  g_autoptr (GError) error = NULL;

  h->desc = fm_test_tiny_desc (NULL);
  h->nand = fm_test_nand (h->desc, 4, 0, FM_TIMING_NONE);
  h->host = fm_nand_host_new (h->nand, with_ecc ? test_ecc () : NULL, &error);
  g_assert_no_error (error);
  h->ps = h->desc->page_size;
}

static void
host_clear (Host *h)
{
  fm_nand_host_free (h->host);
  fm_nand_free (h->nand);
  fm_chip_desc_free (h->desc);
}

static void
test_layout (void)
{
  Host h;

  host_init (&h, FALSE);
  g_assert_cmpuint (fm_nand_host_oob_avail (h.host), ==, 62); /* 64 - marker */
  host_clear (&h);
  host_init (&h, TRUE);
  g_assert_cmpuint (fm_nand_host_oob_avail (h.host), ==, 64 - 2 - 4 * 4);
  host_clear (&h);
}

static void
test_ecc_too_big_is_refused (void)
{
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (desc, 1, 0, FM_TIMING_NONE);
  g_autoptr (GError) error = NULL;
  FmEcc *ecc = test_ecc ();

  ecc->ecc_bytes = 16; /* 4 steps x 16 > 62 */
  g_assert_null (fm_nand_host_new (nand, ecc, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED); /* ECC freed with it */
}

static void
test_data_and_oob_round_trip (void)
{
  Host h;
  g_autofree guint8 *data = fm_test_pattern (3 * 2048, 1);
  g_autofree guint8 *back = g_malloc (3 * 2048);
  guint8 oob[3 * 46], oob_back[3 * 46];
  guint8 raw[2048 + 64];
  FmHostReadResult r;
  g_autoptr (GError) error = NULL;

  host_init (&h, TRUE);
  for (guint i = 0; i < sizeof oob; i++)
    oob[i] = i;
  /* Pages 8-10 (block 1) with 46 free bytes each, AUTO layout. */
  g_assert_true (fm_nand_host_write (h.host, 8 * h.ps, 3 * h.ps, data, 0, sizeof oob, oob,
                                     FM_HOST_OOB_AUTO, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (fm_nand_host_read (h.host, 8 * h.ps, 3 * h.ps, back, 0, sizeof oob_back, oob_back,
                                    FM_HOST_OOB_AUTO, FALSE, &r, &error));
  g_assert_cmpmem (back, 3 * h.ps, data, 3 * h.ps);
  g_assert_cmpmem (oob_back, sizeof oob, oob, sizeof oob);
  g_assert_cmpuint (r.corrected, ==, 0);

  /* The raw spare: marker bytes untouched, free bytes from 2, ECC at 48. */
  g_assert_true (fm_nand_read_page (h.nand, 1, 0, raw, NULL));
  g_assert_cmphex (raw[2048], ==, 0xff);
  g_assert_cmphex (raw[2049], ==, 0xff);
  g_assert_cmpmem (raw + 2050, 46, oob, 46);
  {
    guint8 ecc[4];

    test_encode (fm_nand_host_ecc (h.host)->engine, data, ecc);
    g_assert_cmpmem (raw + 2048 + 48, 4, ecc, 4);
  }

  /* PLACE mode sees the whole spare area. */
  g_assert_true (fm_nand_host_read (h.host, 8 * h.ps, 0, NULL, 2, 4, oob_back,
                                    FM_HOST_OOB_PLACE, FALSE, NULL, &error));
  g_assert_cmpmem (oob_back, 4, oob, 4);

  /* An unaligned in-band read returns the slice. */
  g_assert_true (fm_nand_host_read (h.host, 8 * h.ps + 100, 3000, back, 0, 0, NULL,
                                    FM_HOST_OOB_AUTO, FALSE, NULL, &error));
  g_assert_cmpmem (back, 3000, data + 100, 3000);
  host_clear (&h);
}

static void
test_oob_only_write_spans_pages (void)
{
  Host h;
  guint8 oob[100], back[100];
  g_autoptr (GError) error = NULL;

  host_init (&h, TRUE);
  for (guint i = 0; i < sizeof oob; i++)
    oob[i] = 0x80 | i;
  /* 100 bytes at offset 10 of 46 free bytes: 36 per page, three pages. */
  g_assert_true (fm_nand_host_write (h.host, 16 * h.ps, 0, NULL, 10, sizeof oob, oob,
                                     FM_HOST_OOB_AUTO, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (fm_nand_host_read (h.host, 16 * h.ps, 0, NULL, 10, sizeof back, back,
                                    FM_HOST_OOB_AUTO, FALSE, NULL, &error));
  g_assert_cmpmem (back, sizeof back, oob, sizeof oob);
  /* Too many OOB bytes for the pages of an in-band request. */
  g_assert_false (fm_nand_host_read (h.host, 16 * h.ps, h.ps, back, 0, 47, back,
                                     FM_HOST_OOB_AUTO, FALSE, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  host_clear (&h);
}

static void
test_ecc_corrects_and_reports (void)
{
  Host h;
  g_autofree guint8 *data = fm_test_pattern (2048, 2);
  g_autofree guint8 *back = g_malloc (2048);
  FmHostReadResult r;
  g_autoptr (GError) error = NULL;

  host_init (&h, TRUE);
  fm_nand_set_faults (h.nand, fm_fault_set_parse ("bitflip block=3 page=0 byte=700 bit=2 always\n"
                                                  "bitflip block=3 page=1 byte=10 bit=1 always\n"
                                                  "bitflip block=3 page=1 byte=20 bit=1 always", NULL));
  g_assert_true (fm_nand_host_write (h.host, 24 * h.ps, h.ps, data, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, NULL));
  g_assert_true (fm_nand_host_write (h.host, 25 * h.ps, h.ps, data, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, NULL));

  g_assert_true (fm_nand_host_read (h.host, 24 * h.ps, h.ps, back, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &r, &error));
  g_assert_cmpmem (back, 2048, data, 2048);
  g_assert_cmpuint (r.corrected, ==, 1);
  g_assert_cmpuint (r.max_bitflips, ==, 1);
  g_assert_cmpuint (r.failed, ==, 0);

  /* Two flips in one step: uncorrectable, data still returned. */
  g_assert_true (fm_nand_host_read (h.host, 25 * h.ps, h.ps, back, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &r, &error));
  g_assert_cmpuint (r.failed, ==, 1);
  /* RAW reads show the flips and skip ECC. */
  g_assert_true (fm_nand_host_read (h.host, 24 * h.ps, h.ps, back, 0, 0, NULL, FM_HOST_OOB_AUTO, TRUE, &r, &error));
  g_assert_cmphex (back[700] ^ data[700], ==, 1u << 2);
  g_assert_cmpuint (r.corrected, ==, 0);

  /* The model's statistics carry what the host's ECC found. */
  g_assert_cmpuint (fm_image_block (fm_nand_image (h.nand), 3)->ecc_corrected, ==, 1);
  g_assert_cmpuint (fm_image_block (fm_nand_image (h.nand), 3)->ecc_failed, ==, 1);
  g_assert_cmpuint (fm_nand_stats (h.nand)->ecc_corrected, ==, 1);
  host_clear (&h);
}

static void
test_erased_page_with_flips_reads_erased (void)
{
  Host h;
  g_autofree guint8 *back = g_malloc (2048);
  FmHostReadResult r;

  host_init (&h, TRUE);
  fm_nand_set_faults (h.nand, fm_fault_set_parse ("bitflip block=4 page=0 byte=3 bit=0 always", NULL));
  g_assert_true (fm_nand_host_read (h.host, 32 * h.ps, h.ps, back, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &r, NULL));
  for (guint i = 0; i < 2048; i++)
    g_assert_cmphex (back[i], ==, 0xff);
  g_assert_cmpuint (r.failed, ==, 0);
  g_assert_cmpuint (r.corrected, ==, 1);
  host_clear (&h);
}

/* The sub-pages nand_base gives the chip with the host's ECC: quarters of
 * an SLC page of 4 steps (the test engine's), halves of one of 2, whole
 * pages with no ECC (one step) and on an MLC part. */
static void
test_subpage_size (void)
{
  g_autoptr (FmChipDesc) mlc_desc = fm_test_chip ("micron-mt29f32g");
  Host h;
  struct { FmEcc *ecc; guint want; } slc[] = {
    { NULL, 2048 },
    { fm_ecc_new_hamming (256, FALSE, NULL), 512 },   /* 8 steps */
    { fm_ecc_new_bch (1024, 4, 0, NULL), 1024 },      /* 2 steps */
    { fm_ecc_new_bch (512, 8, 0, NULL), 512 },        /* 4 steps */
  };

  host_init (&h, TRUE);
  g_assert_cmpuint (fm_nand_host_subpage_size (h.host), ==, 512);
  for (guint i = 0; i < G_N_ELEMENTS (slc); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (FmNandHost) host = NULL;
      FmNand *nand = fm_test_nand (h.desc, 4, 0, FM_TIMING_NONE);

      host = fm_nand_host_new (nand, slc[i].ecc, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (fm_nand_host_subpage_size (host), ==, slc[i].want);
      g_clear_pointer (&host, fm_nand_host_free);
      fm_nand_free (nand);
    }
  host_clear (&h);

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (FmNand) nand = NULL;
    g_autoptr (FmNandHost) host = NULL;

    nand = fm_test_nand (mlc_desc, 4, 0, FM_TIMING_NONE);
    host = fm_nand_host_new (nand, test_ecc (), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (fm_nand_host_subpage_size (host), ==, mlc_desc->page_size);
  }
}

/* Sub-page writes, as UBI makes them (EC header in the first, VID header
 * in the second): each programs only its part of the page, with the ECC
 * of its steps; the other steps' ECC bytes stay FFh until their sub-page
 * is written, and the page then reads back whole without a correction.
 * The programs count against the part's NOP (4 here): a fifth fails. */
static void
test_subpage_writes (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *data = fm_test_pattern (2048, 11);
  g_autofree guint8 *back = g_malloc (2048 + 64);
  guint8 ones[512];
  FmHostReadResult r;
  Host h;

  memset (ones, 0xff, sizeof ones);
  host_init (&h, TRUE);
  /* Sub-page 1 only, with 2 free OOB bytes (the first free ones). */
  g_assert_true (fm_nand_host_write (h.host, 3 * h.ps + 512, 512, data + 512, 0, 2, data,
                                     FM_HOST_OOB_AUTO, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (fm_nand_host_read (h.host, 3 * h.ps, h.ps, back, 0, 64, back + h.ps,
                                    FM_HOST_OOB_PLACE, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back, 512, ones, 512);
  g_assert_cmpmem (back + 512, 512, data + 512, 512);
  for (guint i = 1024; i < 2048; i += 64)
    g_assert_cmpmem (back + i, 64, ones, 64);
  g_assert_cmpmem (back + h.ps + 2, 2, data, 2);        /* free bytes 0-1 */
  g_assert_cmpmem (back + h.ps + 48, 4, ones, 4);       /* step 0's ECC */
  g_assert_true (memcmp (back + h.ps + 52, ones, 4) != 0); /* step 1's */
  g_assert_cmpmem (back + h.ps + 56, 8, ones, 8);       /* steps 2, 3 */

  /* Sub-page 0, then 2 and 3 in one request: the page is whole. */
  g_assert_true (fm_nand_host_write (h.host, 3 * h.ps, 512, data, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &error));
  g_assert_true (fm_nand_host_write (h.host, 3 * h.ps + 1024, 1024, data + 1024, 0, 0, NULL,
                                     FM_HOST_OOB_AUTO, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (fm_nand_host_read (h.host, 3 * h.ps, h.ps, back, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &r,
                                    &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back, 2048, data, 2048);
  g_assert_cmpuint (r.corrected, ==, 0);
  g_assert_cmpuint (r.failed, ==, 0);
  g_assert_cmpuint (fm_nand_stats (h.nand)->ecc_corrected, ==, 0);

  /* Page 3 has had 3 programs; a fourth is within NOP 4, a fifth not. */
  g_assert_true (fm_nand_host_write (h.host, 3 * h.ps + 1024, 512, ones, 0, 0, NULL, FM_HOST_OOB_AUTO,
                                     FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (fm_nand_host_write (h.host, 3 * h.ps + 1024, 512, ones, 0, 0, NULL, FM_HOST_OOB_AUTO,
                                      FALSE, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED);
  g_assert_nonnull (strstr (error->message, "NOP"));
  g_clear_error (&error);

  /* A write may span pages: the end of page 4 and the start of page 5. */
  g_assert_true (fm_nand_host_write (h.host, 4 * h.ps + 1536, 1024, data, 0, 0, NULL, FM_HOST_OOB_AUTO,
                                     FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (fm_nand_host_read (h.host, 4 * h.ps + 1536, 1024, back, 0, 0, NULL, FM_HOST_OOB_AUTO,
                                    FALSE, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back, 1024, data, 1024);
  g_assert_cmpuint (r.failed, ==, 0);

  /* Not a whole sub-page: refused, nothing programmed. */
  g_assert_false (fm_nand_host_write (h.host, 6 * h.ps + 256, 512, data, 0, 0, NULL, FM_HOST_OOB_AUTO,
                                      FALSE, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "512-byte sub-pages"));
  g_clear_error (&error);
  g_assert_false (fm_nand_host_write (h.host, 6 * h.ps, 100, data, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE,
                                      &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  host_clear (&h);
}

/* A small page part with Hamming per 256 bytes has Linux's small page
 * spare layout (nand_ooblayout_sp_ops), as nand_base gives it on the
 * same chip: 8 free bytes at 8-15, the six ECC bytes at 0-3 and 6-7, the
 * marker byte 5 and byte 4 untouched; and 256-byte sub-pages. */
static void
test_small_page_layout (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) desc = fm_test_chip ("samsung-k9f1208");
  g_autoptr (FmNand) nand = fm_test_nand (desc, 4, 0, FM_TIMING_NONE);
  g_autoptr (FmNandHost) host = fm_nand_host_new (nand, fm_ecc_new_hamming (256, FALSE, NULL), &error);
  g_autofree guint8 *data = fm_test_pattern (512, 5);
  guint8 free_bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, spare[16], back[512];
  guint64 addr = 0;
  gboolean bad = TRUE;
  FmHostReadResult r;

  g_assert_no_error (error);
  g_assert_cmpuint (desc->page_size, ==, 512);
  g_assert_cmpuint (fm_nand_host_oob_avail (host), ==, 8);
  g_assert_cmpuint (fm_nand_host_subpage_size (host), ==, 256);
  /* The first good block's first page. */
  while (fm_nand_block_is_bad (nand, addr / (512 * desc->pages_per_block), &bad, NULL) && bad)
    addr += 512 * desc->pages_per_block;
  g_assert_true (fm_nand_host_write (host, addr, 512, data, 0, 8, free_bytes, FM_HOST_OOB_AUTO, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (fm_nand_host_read (host, addr, 0, NULL, 0, 16, spare, FM_HOST_OOB_PLACE, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (spare + 8, 8, free_bytes, 8);
  g_assert_cmphex (spare[4], ==, 0xff);
  g_assert_cmphex (spare[5], ==, 0xff);
  /* Hamming's ECC of patterned data is not all ones in either step. */
  g_assert_true (spare[0] != 0xff || spare[1] != 0xff || spare[2] != 0xff);
  g_assert_true (spare[3] != 0xff || spare[6] != 0xff || spare[7] != 0xff);
  g_assert_true (fm_nand_host_read (host, addr, 512, back, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back, 512, data, 512);
  g_assert_cmpuint (r.failed, ==, 0);
}

static void
test_errors (void)
{
  Host h;
  guint8 buf[2048];
  guint64 fail_addr = 0;
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  g_autoptr (GError) e3 = NULL;
  g_autoptr (GError) e4 = NULL;
  g_autoptr (GError) e5 = NULL;

  host_init (&h, FALSE);
  memset (buf, 0, sizeof buf);
  g_assert_false (fm_nand_host_write (h.host, 100, h.ps, buf, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &e1));
  g_assert_error (e1, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_assert_false (fm_nand_host_read (h.host, fm_chip_desc_size_bytes (h.desc), 1, buf, 0, 0, NULL,
                                     FM_HOST_OOB_AUTO, FALSE, NULL, &e2));
  g_assert_error (e2, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_assert_false (fm_nand_host_erase (h.host, h.ps, 8 * h.ps, NULL, &e3));
  g_assert_error (e3, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  /* The second of two blocks fails: the failing address is reported. */
  fm_nand_set_faults (h.nand, fm_fault_set_parse ("erase-fail block=6", NULL));
  g_assert_false (fm_nand_host_erase (h.host, 5 * 8 * h.ps, 2 * 8 * h.ps, &fail_addr, &e4));
  g_assert_error (e4, FM_ERROR, FM_ERROR_ERASE_FAILED);
  g_assert_cmpuint (fail_addr, ==, 6 * 8 * h.ps);
  g_assert_false (fm_nand_host_read (h.host, 0, 0, NULL, 62, 1, buf, FM_HOST_OOB_AUTO, FALSE, NULL, &e5));
  g_assert_error (e5, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  host_clear (&h);
}

/* A real engine, BCH with 4 bits per 512 bytes (7 ECC bytes a step): four
 * flips in a step, one of them in its ECC bytes, are corrected and counted;
 * five in another step fail it, and the other steps read clean. */
static void
test_bch_engine (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) desc = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) nand = fm_test_nand (desc, 4, 0, FM_TIMING_NONE);
  g_autoptr (FmNandHost) host = fm_nand_host_new (nand, fm_ecc_new_bch (512, 4, 0, NULL), &error);
  g_autofree guint8 *data = fm_test_pattern (2048, 7);
  g_autofree guint8 *back = g_malloc (2048);
  const gsize ps = desc->page_size;
  FmHostReadResult r;

  g_assert_no_error (error);
  g_assert_cmpstr (fm_nand_host_ecc (host)->name, ==, "bch4/512");
  g_assert_cmpuint (fm_nand_host_oob_avail (host), ==, 64 - 2 - 4 * 7);
  g_assert_true (fm_nand_host_write (host, 16 * ps, ps, data, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &error));
  /* Step 0's ECC is at spare byte 64 - 28 = 36, byte 2084 of the page. */
  fm_nand_set_faults (nand, fm_fault_set_parse ("bitflip block=2 page=0 byte=10 bit=0 always;"
                                                "bitflip block=2 page=0 byte=100 bit=7 always;"
                                                "bitflip block=2 page=0 byte=511 bit=3 always;"
                                                "bitflip block=2 page=0 byte=2084 bit=5 always;"
                                                "bitflip block=2 page=0 byte=520 bit=0 always;"
                                                "bitflip block=2 page=0 byte=600 bit=1 always;"
                                                "bitflip block=2 page=0 byte=700 bit=2 always;"
                                                "bitflip block=2 page=0 byte=800 bit=3 always;"
                                                "bitflip block=2 page=0 byte=900 bit=4 always", NULL));
  g_assert_true (fm_nand_host_read (host, 16 * ps, ps, back, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.corrected, ==, 4);
  g_assert_cmpuint (r.max_bitflips, ==, 4);
  g_assert_cmpuint (r.failed, ==, 1);
  g_assert_cmpmem (back, 512, data, 512);
  g_assert_cmpmem (back + 1024, 1024, data + 1024, 1024);
  g_assert_cmphex (back[600] ^ data[600], ==, 1u << 1); /* the failed step as read */
  g_assert_cmpuint (fm_nand_stats (nand)->ecc_corrected, ==, 4);
}

/* A status-register host's view of the chip's on-die ECC: "corrected"
 * without a count, counted as the strength (as Linux's SPI NAND core
 * does), or "uncorrectable"; a value it cannot decode fails the read. */
static gboolean
status_report (gpointer user_data, const FmChipDesc *desc, const FmOnDieEccResult *chip,
               gint *bitflips, GError **error)
{
  guint *calls = user_data;

  (*calls)++;
  if (chip->corrected == 3)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "status not decoded");
      return FALSE;
    }
  *bitflips = chip->failed ? FM_HOST_PAGE_UNCORRECTABLE : chip->corrected ? (gint) desc->on_die_ecc_strength : 0;
  return TRUE;
}

static void
test_on_die_report (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-mt29f4g");
  FmNand *nand = fm_test_nand (d, 4, 0, FM_TIMING_NONE);
  g_autoptr (FmNandHost) host = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *data = fm_test_pattern (4 * 2048, 12);
  g_autofree guint8 *back = g_malloc (4 * 2048);
  g_autoptr (GString) rules = g_string_new (NULL);
  guint64 addr = 9 * 64 * 2048;
  FmHostReadResult r;
  guint calls = 0;

  /* Page 0: one flip; page 1: clean; page 2: five in one sector (beyond
   * the 4 bits the chip corrects); page 3: two. */
  g_string_append (rules, "bitflip block=9 page=0 byte=5 bit=1 always;");
  for (guint i = 0; i < 5; i++)
    g_string_append_printf (rules, "bitflip block=9 page=2 byte=%u bit=3 always;", 10 + i);
  g_string_append (rules, "bitflip block=9 page=3 byte=1 bit=0 always;bitflip block=9 page=3 byte=900 bit=0 always");
  fm_nand_set_faults (nand, fm_fault_set_parse (rules->str, NULL));
  g_assert_true (fm_nand_set_on_die_ecc (nand, TRUE, NULL));
  host = fm_nand_host_new (nand, NULL, &error);
  g_assert_no_error (error);
  fm_nand_host_set_on_die_report (host, status_report, &calls);
  g_assert_true (fm_nand_host_write (host, addr, 4 * 2048, data, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &error));

  /* Per page: 4 (the strength, for 1 bit), 0, uncorrectable, 4. */
  g_assert_true (fm_nand_host_read (host, addr, 4 * 2048, back, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls, ==, 4);
  g_assert_cmpuint (r.corrected, ==, 8);
  g_assert_cmpuint (r.max_bitflips, ==, 4);
  g_assert_cmpuint (r.failed, ==, 1);
  g_assert_cmpmem (back, 2048, data, 2048);
  /* The model's statistics keep the chip's own counts: 1 + 2 bits. */
  g_assert_cmpuint (fm_nand_stats (nand)->ecc_corrected, ==, 3);
  g_assert_cmpuint (fm_nand_stats (nand)->ecc_failed, ==, 1);
  /* Raw reads ask nothing. */
  g_assert_true (fm_nand_host_read (host, addr, 2048, back, 0, 0, NULL, FM_HOST_OOB_AUTO, TRUE, &r, &error));
  g_assert_cmpuint (calls, ==, 4);
  g_assert_cmpuint (r.corrected, ==, 0);

  /* A third flip in page 3: the report refuses it, the read fails. */
  fm_nand_set_faults (nand, fm_fault_set_parse ("bitflip block=9 page=3 byte=1 bit=0 always;"
                                                "bitflip block=9 page=3 byte=900 bit=0 always;"
                                                "bitflip block=9 page=3 byte=1500 bit=0 always", NULL));
  g_assert_false (fm_nand_host_read (host, addr + 3 * 2048, 2048, back, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE,
                                     &r, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_clear_pointer (&host, fm_nand_host_free);
  fm_nand_free (nand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nand-host/layout", test_layout);
  g_test_add_func ("/nand-host/ecc-too-big", test_ecc_too_big_is_refused);
  g_test_add_func ("/nand-host/round-trip", test_data_and_oob_round_trip);
  g_test_add_func ("/nand-host/oob-only", test_oob_only_write_spans_pages);
  g_test_add_func ("/nand-host/ecc", test_ecc_corrects_and_reports);
  g_test_add_func ("/nand-host/erased-with-flips", test_erased_page_with_flips_reads_erased);
  g_test_add_func ("/nand-host/errors", test_errors);
  g_test_add_func ("/nand-host/subpage-size", test_subpage_size);
  g_test_add_func ("/nand-host/subpage-writes", test_subpage_writes);
  g_test_add_func ("/nand-host/small-page-layout", test_small_page_layout);
  g_test_add_func ("/nand-host/bch-engine", test_bch_engine);
  g_test_add_func ("/nand-host/on-die-report", test_on_die_report);
  return g_test_run ();
}
