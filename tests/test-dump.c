/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NAND dump import and export: every format round trip, detection by
 * size, the syndrome layout against a hand-computed one, partial dumps,
 * and refusal of bad input. */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---- helpers --------------------------------------------------------------- */

static gsize
page_bytes (const FmChipDesc *d)
{
  return (gsize) d->page_size + d->oob_size;
}

static guint
marker_byte (const FmChipDesc *d)
{
  return d->page_size + d->bbm_offset * (d->bus_width / 8);
}

/*
 * A chip with something in it: factory bad blocks, pages of random data
 * in the first 12 blocks (some left erased), a page with data but all-FFh
 * OOB, a page with all-FFh data but a written OOB, and block 5 marked bad
 * by the host.
 */
static FmNand *
make_source (const FmChipDesc *d, gint factory_bad)
{
  g_autoptr (GError) error = NULL;
  FmNand *nand = fm_test_nand (d, 3, factory_bad, FM_TIMING_NONE);
  FmImage *image = fm_nand_image (nand);

  for (guint32 b = 0; b < 12; b++)
    {
      if (fm_image_block (image, b)->flags & FM_BLOCK_FACTORY_BAD)
        continue;
      for (guint p = 0; p < d->pages_per_block; p += 1 + (b + p) % 3)
        {
          g_autofree guint8 *buf = fm_test_pattern (page_bytes (d), b * 1000 + p);

          memset (buf + marker_byte (d), 0xff, d->bus_width / 8);
          if (b == 2 && p == 0)
            memset (buf + d->page_size, 0xff, d->oob_size);
          if (b == 3 && p == 0)
            memset (buf, 0xff, d->page_size);
          g_assert_true (fm_nand_program_page (nand, b, p, buf, &error));
          g_assert_no_error (error);
        }
    }
  g_assert_true (fm_nand_mark_bad (nand, 5, &error));
  g_assert_no_error (error);
  return nand;
}

static FmImage *
fresh_image (const FmChipDesc *d)
{
  FmNandCreateOptions options = { 9, 0 };
  g_autoptr (GError) error = NULL;
  FmImage *image = fm_nand_create_image (d, NULL, &options, &error);

  g_assert_no_error (error);
  return image;
}

static FmDumpOptions
options_for (FmDumpFormat format)
{
  FmDumpOptions o = FM_DUMP_OPTIONS_DEFAULT;

  o.layout.format = format;
  return o;
}

static FmDumpBuffers
buffers (const GByteArray *data, const GByteArray *oob)
{
  FmDumpBuffers in = { data->data, data->len, "test.bin", NULL, 0, NULL };

  if (oob)
    {
      /* A zero-length array may have no storage; given is not NULL. */
      in.oob = oob->len ? oob->data : (const guint8 *) "";
      in.oob_len = oob->len;
      in.oob_name = "test.oob";
    }
  return in;
}

static GByteArray *
export_all (const FmImage *image, const FmChipDesc *d, const FmDumpOptions *options,
            GByteArray **oob)
{
  g_autoptr (GError) error = NULL;
  GByteArray *data = g_byte_array_new ();

  if (oob)
    *oob = g_byte_array_new ();
  g_assert_true (fm_dump_export (image, d, options, data, oob ? *oob : NULL, &error));
  g_assert_no_error (error);
  return data;
}

/* Pages of blocks FIRST..FIRST+COUNT-1: equal in both images; with OOB
 * (WITH_OOB), the OOB too and blocks bad in DST exactly where SRC has a
 * marker. */
static void
assert_same_blocks (const FmChipDesc *d, FmImage *src, FmImage *dst, guint32 first,
                    guint32 count, gboolean with_oob)
{
  gsize len = with_oob ? page_bytes (d) : d->page_size;
  g_autofree guint8 *ff = g_malloc (page_bytes (d));

  memset (ff, 0xff, page_bytes (d));
  for (guint32 b = first; b < first + count; b++)
    {
      const FmBlockMeta *m = fm_image_block (dst, b);
      guint stored = 0;

      for (guint p = 0; p < d->pages_per_block; p++)
        {
          guint64 i = (guint64) b * d->pages_per_block + p;
          const guint8 *a = fm_image_page (src, i);
          const guint8 *c = fm_image_page (dst, i);

          g_assert_cmpmem (a ? a : ff, len, c ? c : ff, len);
          if (c)
            {
              g_assert_cmpuint (fm_image_page_programs (dst, i), ==, 1);
              g_assert_false (memcmp (c, ff, page_bytes (d)) == 0);
              stored++;
            }
        }
      g_assert_cmpuint (m->program_count, ==, stored);
      if (with_oob)
        g_assert_cmpint (!!(m->flags & FM_BLOCK_FACTORY_BAD), ==,
                         fm_nand_image_block_marked_bad (d, src, b));
    }
}

/* Of the first BLOCKS blocks. */
static guint32
marked_blocks (const FmChipDesc *d, FmImage *image, guint32 blocks)
{
  guint32 n = 0;

  for (guint32 b = 0; b < blocks; b++)
    n += fm_nand_image_block_marked_bad (d, image, b);
  return n;
}

static guint64
pages_with_data (const FmChipDesc *d, FmImage *image, guint32 blocks)
{
  guint64 n = 0;

  for (guint64 p = 0; p < (guint64) blocks * d->pages_per_block; p++)
    n += fm_image_page (image, p) != NULL;
  return n;
}

/* ---- names and parameters -------------------------------------------------- */

static void
test_format_names (void)
{
  g_autoptr (GError) error = NULL;
  FmDumpFormat f;

  for (FmDumpFormat i = FM_DUMP_AUTO; i <= FM_DUMP_SYNDROME; i++)
    {
      g_assert_true (fm_dump_format_from_string (fm_dump_format_to_string (i), &f, &error));
      g_assert_no_error (error);
      g_assert_cmpint (f, ==, i);
    }
  g_assert_false (fm_dump_format_from_string ("oob", &f, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
  g_assert_nonnull (strstr (error->message, "'oob'"));
}

static void
test_syndrome_parse (void)
{
  static const gchar *const bad[] = {
    "", "512", "512,", ",10", "512,10,1,2,3", "512,x", "512,-1", "512,,3", " 512,10",
    "512,10 ", "+512,10", "99999999999,1", "0x200,10",
  };
  g_autoptr (GError) error = NULL;
  FmDumpSyndrome s;

  g_assert_true (fm_dump_syndrome_from_string ("512,10", &s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.step, ==, 512);
  g_assert_cmpuint (s.ecc, ==, 10);
  g_assert_cmpuint (s.prepad, ==, 0);
  g_assert_cmpuint (s.postpad, ==, 0);
  g_assert_true (fm_dump_syndrome_from_string ("256,3,1,2", &s, &error));
  g_assert_cmpuint (s.step, ==, 256);
  g_assert_cmpuint (s.ecc, ==, 3);
  g_assert_cmpuint (s.prepad, ==, 1);
  g_assert_cmpuint (s.postpad, ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("syndrome '%s'", bad[i]);
      g_assert_false (fm_dump_syndrome_from_string (bad[i], &s, &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
      g_assert_nonnull (strstr (error->message, "STEP,ECC"));
      g_clear_error (&error);
    }
}

static void
test_syndrome_check (void)
{
  /* tiny: 2048 + 64 bytes per page */
  static const struct { FmDumpSyndrome s; gboolean ok; const gchar *why; } cases[] = {
    { { 512, 10, 0, 6 }, TRUE, NULL },        /* 4 x 528 = 2112: all of it */
    { { 512, 7, 0, 0 }, TRUE, NULL },         /* 36 bytes left over */
    { { 2048, 64, 0, 0 }, TRUE, NULL },
    { { 512, 10, 1, 6 }, FALSE, "more than" }, /* 4 x 529 */
    { { 500, 4, 0, 0 }, FALSE, "does not divide" },
    { { 0, 4, 0, 0 }, FALSE, "does not divide" },
    { { 4096, 0, 0, 0 }, FALSE, "does not divide" },
    { { 512, G_MAXUINT, G_MAXUINT, G_MAXUINT }, FALSE, "more than" }, /* no overflow */
  };
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      FmDumpLayout layout = { FM_DUMP_SYNDROME, cases[i].s };
      g_autoptr (GError) error = NULL;

      g_assert_cmpint (fm_dump_layout_check (&layout, d, &error), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
          g_assert_nonnull (strstr (error->message, cases[i].why));
        }
    }
}

/* ---- detection ------------------------------------------------------------ */

static void
test_detect (void)
{
  /* tiny: 64 blocks of 8 pages; 16384 bytes per block without OOB, 16896
   * with: 32 blocks with OOB are 33 without. */
  static const struct { guint64 size; guint32 start; FmDumpFormat want; } good[] = {
    { 16384, 0, FM_DUMP_DATA },
    { 16896, 0, FM_DUMP_INTERLEAVED },
    { 64 * 16384, 0, FM_DUMP_DATA },
    /* The whole chip with OOB is 66 blocks without: too many to be data. */
    { 64 * 16896, 0, FM_DUMP_INTERLEAVED },
    /* From block 32, 33 blocks without OOB do not fit. */
    { 540672, 32, FM_DUMP_INTERLEAVED },
  };
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (GError) error = NULL;
  FmDumpFormat f;

  g_assert_cmpuint (fm_dump_block_bytes (d, FM_DUMP_DATA), ==, 16384);
  g_assert_cmpuint (fm_dump_block_bytes (d, FM_DUMP_SEPARATE), ==, 16384);
  g_assert_cmpuint (fm_dump_block_bytes (d, FM_DUMP_INTERLEAVED), ==, 16896);
  g_assert_cmpuint (fm_dump_block_bytes (d, FM_DUMP_SYNDROME), ==, 16896);
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (fm_dump_detect (d, "x.bin", good[i].size, good[i].start, &f, &error));
      g_assert_no_error (error);
      g_assert_cmpint (f, ==, good[i].want);
    }

  /* Ambiguous: the message gives the size, both block sizes, and asks. */
  g_assert_false (fm_dump_detect (d, "x.bin", 540672, 0, &f, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "x.bin: "));
  g_assert_nonnull (strstr (error->message, "540672 bytes"));
  g_assert_nonnull (strstr (error->message, "16384 bytes per block"));
  g_assert_nonnull (strstr (error->message, "16896 bytes per block"));
  g_assert_nonnull (strstr (error->message, "both possible"));
  g_assert_nonnull (strstr (error->message, "--format"));
  g_clear_error (&error);

  /* Neither. */
  g_assert_false (fm_dump_detect (d, "x.bin", 16384 + 2112, 0, &f, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
  g_assert_nonnull (strstr (error->message, "18496 bytes"));
  g_assert_nonnull (strstr (error->message, "16384 bytes per block"));
  g_assert_nonnull (strstr (error->message, "16896 bytes per block"));
  g_assert_nonnull (strstr (error->message, "neither possible"));
  g_assert_nonnull (strstr (error->message, "--format"));
  g_clear_error (&error);

  /* Too big for the chip in both. */
  g_assert_false (fm_dump_detect (d, "x.bin", 540672 * 3, 0, &f, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
  g_assert_nonnull (strstr (error->message, "more than fit"));
  g_clear_error (&error);

  g_assert_false (fm_dump_detect (d, "x.bin", 0, 0, &f, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
  g_assert_cmpstr (error->message, ==, "x.bin is empty");
}

static void
test_detect_on_import (void)
{
  /* fm_dump_import decides as fm_dump_detect does; an OOB buffer means
   * separate; the ambiguous size changes nothing. */
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmImage) image = fresh_image (d);
  g_autoptr (GError) error = NULL;
  FmDumpOptions options = options_for (FM_DUMP_AUTO);
  g_autofree guint8 *bytes = g_malloc (540672);
  FmDumpBuffers in = { bytes, 16896, "x.bin", NULL, 0, NULL };
  FmDumpStats stats;

  memset (bytes, 0x5a, 540672);
  g_assert_true (fm_dump_import (image, d, &options, &in, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.format, ==, FM_DUMP_INTERLEAVED);
  g_assert_cmpuint (stats.pages_stored, ==, 8);

  in.data_len = 16384;
  in.oob = bytes;
  in.oob_len = 8 * 64;
  g_assert_true (fm_dump_import (image, d, &options, &in, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.format, ==, FM_DUMP_SEPARATE);

  in = (FmDumpBuffers) { bytes, 540672, "x.bin", NULL, 0, NULL };
  g_assert_false (fm_dump_import (image, d, &options, &in, &stats, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
  g_assert_cmpuint (fm_image_pages_with_data (image), ==, 8);
}

/* ---- round trips ------------------------------------------------------------ */

typedef struct {
  const gchar *chip;    /* NULL: the tiny test chip, all of it */
  FmDumpFormat format;
  FmDumpSyndrome syndrome;
} RoundTrip;

/* Blocks a round trip covers: the tiny chip whole, real ones in part. */
#define REAL_CHIP_BLOCKS 16

static void
test_round_trip (gconstpointer data)
{
  const RoundTrip *rt = data;
  g_autoptr (FmChipDesc) d = rt->chip ? fm_test_chip (rt->chip) : fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) src = make_source (d, rt->chip ? -1 : 3);
  g_autoptr (FmImage) dst = fresh_image (d);
  g_autoptr (GError) error = NULL;
  FmDumpOptions options = options_for (rt->format);
  gboolean separate = rt->format == FM_DUMP_SEPARATE;
  g_autoptr (GByteArray) oob = NULL;
  g_autoptr (GByteArray) oob2 = NULL;
  g_autoptr (GByteArray) dump = NULL;
  g_autoptr (GByteArray) dump2 = NULL;
  FmImage *src_image = fm_nand_image (src);
  guint32 blocks = rt->chip ? REAL_CHIP_BLOCKS : fm_chip_desc_blocks (d);
  FmDumpBuffers in;
  FmDumpStats stats;

  options.layout.syndrome = rt->syndrome;
  options.blocks = blocks;
  dump = export_all (src_image, d, &options, separate ? &oob : NULL);
  g_assert_cmpuint (dump->len, ==, blocks * fm_dump_block_bytes (d, rt->format));
  if (separate)
    g_assert_cmpuint (oob->len, ==, (guint64) blocks * d->pages_per_block * d->oob_size);
  options.blocks = 0;

  in = buffers (dump, oob);
  g_assert_true (fm_dump_import (dst, d, &options, &in, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.format, ==, rt->format);
  g_assert_cmpuint (stats.first_block, ==, 0);
  g_assert_cmpuint (stats.blocks, ==, blocks);
  g_assert_cmpuint (stats.pages_stored, ==, fm_image_pages_with_data (dst));
  g_assert_cmpuint (stats.bad_blocks, ==, marked_blocks (d, dst, blocks));
  assert_same_blocks (d, src_image, dst, 0, blocks, rt->format != FM_DUMP_DATA);
  if (rt->format != FM_DUMP_DATA)
    {
      /* Page for page, OOB included; every marked block is bad. */
      g_assert_cmpuint (stats.pages_stored, ==, pages_with_data (d, src_image, blocks));
      g_assert_cmpuint (stats.bad_blocks, ==, marked_blocks (d, src_image, blocks));
      g_assert_cmpuint (stats.bad_blocks, >=, rt->chip ? 1 : 2);
    }
  else
    {
      /* Data only: the page whose data is all FFh is gone, and no marker
       * survives. */
      g_assert_null (fm_image_page (dst, 3 * d->pages_per_block));
      g_assert_nonnull (fm_image_page (src_image, 3 * d->pages_per_block));
      g_assert_cmpuint (stats.bad_blocks, ==, 0);
      g_assert_cmpuint (stats.pages_stored, <, pages_with_data (d, src_image, blocks));
    }

  /* Exported again, the same bytes. */
  options.blocks = blocks;
  dump2 = export_all (dst, d, &options, separate ? &oob2 : NULL);
  g_assert_cmpmem (dump->data, dump->len, dump2->data, dump2->len);
  if (separate)
    g_assert_cmpmem (oob->data, oob->len, oob2->data, oob2->len);

  /* The imported image serves as a chip: a marked block is bad there. */
  {
    FmImage *taken = g_steal_pointer (&dst);
    g_autoptr (FmNand) nand = fm_nand_new (d, taken, FM_TIMING_NONE, &error);
    gboolean bad = FALSE;

    g_assert_no_error (error);
    g_assert_true (fm_nand_block_is_bad (nand, 5, &bad, &error));
    g_assert_cmpint (bad, ==, rt->format != FM_DUMP_DATA);
    g_assert_true (fm_nand_block_is_bad (nand, 0, &bad, &error));
    g_assert_false (bad);
    g_assert_cmpint (fm_nand_erase_block (nand, 5, NULL), ==, rt->format == FM_DUMP_DATA);
  }
}

/* ---- the syndrome layout by hand ------------------------------------------ */

static void
test_syndrome_layout (void)
{
  /*
   * samsung-k9f1208: 512 + 16 bytes. With 256-byte steps, 4 ECC bytes, 1
   * byte of prepad and 1 of postpad, the physical page is:
   *   0-255 data 0 | 256 pre 0 | 257-260 ECC 0 | 261 post 0 |
   *   262-517 data 1 | 518 pre 1 | 519-522 ECC 1 | 523 post 1 | 524-527 rest
   * and the logical page Linux presents:
   *   data = phys 0-255, 262-517
   *   OOB  = phys 256-261 (6), 518-523 (6), 524-527 (4)
   * Its marker (OOB byte 5, pages 0 and 1) is physical byte 261.
   */
  static const struct { guint logical, physical, len; } map[] = {
    { 0, 0, 256 }, { 256, 262, 256 },
    { 512, 256, 6 }, { 518, 518, 6 }, { 524, 524, 4 },
  };
  g_autoptr (FmChipDesc) d = fm_test_chip ("samsung-k9f1208");
  g_autoptr (FmImage) image = fresh_image (d);
  g_autoptr (GError) error = NULL;
  FmDumpOptions options = options_for (FM_DUMP_SYNDROME);
  gsize block = fm_dump_block_bytes (d, FM_DUMP_SYNDROME);
  g_autofree guint8 *dump = g_malloc (2 * block);
  g_autoptr (GByteArray) back = g_byte_array_new ();
  guint8 expect[528];
  FmDumpBuffers in = { dump, 2 * block, "raw.bin", NULL, 0, NULL };
  FmDumpStats stats;
  const guint8 *page;

  g_assert_cmpuint (block, ==, 32 * 528);
  options.layout.syndrome = (FmDumpSyndrome) { 256, 4, 1, 1 };
  options.start_block = 100;
  memset (dump, 0xff, 2 * block);
  /* Block 100, page 3: every byte its own value (mod 251, a prime). */
  for (guint i = 0; i < 528; i++)
    dump[3 * 528 + i] = i % 251;
  for (guint r = 0; r < G_N_ELEMENTS (map); r++)
    for (guint i = 0; i < map[r].len; i++)
      expect[map[r].logical + i] = (map[r].physical + i) % 251;
  /* Block 101: a zero at physical byte 261 of page 1 marks it bad. */
  dump[block + 528 + 261] = 0x00;

  g_assert_true (fm_dump_import (image, d, &options, &in, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages_stored, ==, 2);
  g_assert_cmpuint (stats.bad_blocks, ==, 1);
  page = fm_image_page (image, 100 * 32 + 3);
  g_assert_nonnull (page);
  g_assert_cmpmem (page, 528, expect, 528);
  page = fm_image_page (image, 101 * 32 + 1);
  g_assert_nonnull (page);
  g_assert_cmpuint (page[512 + 5], ==, 0x00);
  g_assert_true (fm_image_block (image, 101)->flags & FM_BLOCK_FACTORY_BAD);
  g_assert_false (fm_image_block (image, 100)->flags & FM_BLOCK_FACTORY_BAD);
  g_assert_cmpuint (fm_image_block (image, 100)->next_page, ==, 4);

  /* And back to the physical layout. */
  options.blocks = 2;
  g_assert_true (fm_dump_export (image, d, &options, back, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back->data, back->len, dump, 2 * block);
}

/* ---- partial dumps ---------------------------------------------------------- */

static void
test_partial (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) src = make_source (d, 0);
  g_autoptr (FmImage) dst = fresh_image (d);
  g_autoptr (GError) error = NULL;
  FmDumpOptions options = options_for (FM_DUMP_INTERLEAVED);
  g_autoptr (GByteArray) dump = NULL;
  FmDumpBuffers in;
  FmDumpStats stats;

  /* Blocks 4-7 (the marked block 5 among them) into blocks 4-7. */
  options.start_block = 4;
  options.blocks = 4;
  dump = export_all (fm_nand_image (src), d, &options, NULL);
  g_assert_cmpuint (dump->len, ==, 4 * 16896);
  in = buffers (dump, NULL);
  options.blocks = 0;
  g_assert_true (fm_dump_import (dst, d, &options, &in, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.first_block, ==, 4);
  g_assert_cmpuint (stats.blocks, ==, 4);
  g_assert_cmpuint (stats.bad_blocks, ==, 1);
  assert_same_blocks (d, fm_nand_image (src), dst, 4, 4, TRUE);
  for (guint32 b = 0; b < 64; b++)
    for (guint p = 0; p < 8 && (b < 4 || b >= 8); p++)
      g_assert_null (fm_image_page (dst, b * 8 + p));

  /* The last blocks of the chip: fits exactly; one block further does not. */
  options.start_block = 60;
  g_assert_true (fm_dump_import (dst, d, &options, &in, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fm_image_block (dst, 61)->flags & FM_BLOCK_FACTORY_BAD);
  options.start_block = 61;
  g_assert_false (fm_dump_import (dst, d, &options, &in, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "test.bin: 67584 bytes is 4 erase blocks"));
  g_assert_nonnull (strstr (error->message, "from block 61"));
  g_assert_nonnull (strstr (error->message, "at most 3 fit"));
  g_clear_error (&error);
  options.start_block = 64;
  g_assert_false (fm_dump_import (dst, d, &options, &in, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "start block 64 is beyond chip 'test-tiny'"));
  g_clear_error (&error);
  /* Autodetection counts the room from the start block too. */
  options.layout.format = FM_DUMP_AUTO;
  options.start_block = G_MAXUINT32;
  g_assert_false (fm_dump_import (dst, d, &options, &in, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "start block 4294967295 is beyond"));
}

/* ---- bad input ---------------------------------------------------------------- */

/* Import of IN with OPTIONS fails with CODE and a message containing
 * WANT, and the image stays empty. */
static void
assert_import_fails (const FmChipDesc *d, const FmDumpOptions *options, const FmDumpBuffers *in,
                     gint code, const gchar *want)
{
  g_autoptr (FmImage) image = fresh_image (d);
  g_autoptr (GError) error = NULL;

  g_assert_false (fm_dump_import (image, d, options, in, NULL, &error));
  g_assert_error (error, FM_ERROR, code);
  g_test_message ("%s", error->message);
  if (!strstr (error->message, want))
    g_error ("'%s' not in '%s'", want, error->message);
  g_assert_cmpuint (fm_image_pages_with_data (image), ==, 0);
}

static void
test_bad_input (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  FmDumpOptions il = options_for (FM_DUMP_INTERLEAVED);
  FmDumpOptions data = options_for (FM_DUMP_DATA);
  FmDumpOptions sep = options_for (FM_DUMP_SEPARATE);
  FmDumpOptions syn = options_for (FM_DUMP_SYNDROME);
  g_autofree guint8 *bytes = g_malloc0 (2 * 16896);
  FmDumpBuffers in = { bytes, 16896 - 1, "cut.bin", NULL, 0, NULL };

  /* Truncated inside a page, after whole pages, empty. */
  assert_import_fails (d, &il, &in, FM_ERROR_DUMP_FORMAT,
                       "cut.bin: 16895 bytes is not a whole number of pages: a interleaved dump "
                       "of chip 'test-tiny' has 2112 bytes per page, and the last page is cut "
                       "after 2111 bytes");
  in.data_len = 16896 + 3 * 2112;
  assert_import_fails (d, &il, &in, FM_ERROR_DUMP_FORMAT,
                       "has 16896 bytes per block (8 pages of 2112), and the last block has only 3 of its 8 pages");
  in.data_len = 16384 + 2048;
  assert_import_fails (d, &data, &in, FM_ERROR_DUMP_FORMAT, "the last block has only 1 of its 8 pages");
  in.data_len = 0;
  assert_import_fails (d, &il, &in, FM_ERROR_DUMP_FORMAT, "cut.bin is empty");
  in.data = NULL;
  assert_import_fails (d, &il, &in, FM_ERROR_DUMP_FORMAT, "cut.bin is empty");

  /* Separate: no OOB file, or one of the wrong size; OOB with another format. */
  in = (FmDumpBuffers) { bytes, 16384, "d.bin", NULL, 0, NULL };
  assert_import_fails (d, &sep, &in, FM_ERROR_DUMP_FORMAT, "the separate format needs an OOB file");
  in.oob = bytes;
  in.oob_len = 8 * 64 - 1;
  in.oob_name = "d.oob";
  assert_import_fails (d, &sep, &in, FM_ERROR_DUMP_FORMAT,
                       "d.oob: 511 bytes, expected 512 (64 OOB bytes for each of the 8 pages of d.bin)");
  in.oob_len = 8 * 64;
  assert_import_fails (d, &data, &in, FM_ERROR_DUMP_FORMAT,
                       "d.oob: an OOB file goes only with the separate format, not data");

  /* Syndrome parameters that do not fit the page. */
  in = (FmDumpBuffers) { bytes, 16896, "s.bin", NULL, 0, NULL };
  syn.layout.syndrome = (FmDumpSyndrome) { 512, 10, 1, 6 };
  assert_import_fails (d, &syn, &in, FM_ERROR_DUMP_FORMAT, "(512 data + 1 prepad + 10 ECC + 6 postpad)");
  syn.layout.syndrome = (FmDumpSyndrome) { 0, 10, 0, 0 };
  assert_import_fails (d, &syn, &in, FM_ERROR_DUMP_FORMAT, "does not divide");

  /* A format number that is none. */
  il.layout.format = 77;
  assert_import_fails (d, &il, &in, FM_ERROR_DUMP_FORMAT, "unknown dump format 77");
}

static void
test_wrong_image (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmChipDesc) other = fm_test_chip ("samsung-k9f1208");
  g_autoptr (FmImage) image = fresh_image (other);
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *bytes = g_malloc0 (16896);
  FmDumpOptions options = options_for (FM_DUMP_INTERLEAVED);
  FmDumpBuffers in = { bytes, 16896, NULL, NULL, 0, NULL };
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_false (fm_dump_import (image, d, &options, &in, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH);
  g_clear_error (&error);
  g_assert_false (fm_dump_export (image, d, &options, out, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH);
  g_assert_cmpuint (out->len, ==, 0);
}

static void
test_export_errors (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmImage) image = fresh_image (d);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GByteArray) oob = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  FmDumpOptions options = options_for (FM_DUMP_INTERLEAVED);

  options.start_block = 64;
  g_assert_false (fm_dump_export (image, d, &options, out, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  options.start_block = 60;
  options.blocks = 5;
  g_assert_false (fm_dump_export (image, d, &options, out, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "5 blocks from block 60"));
  g_clear_error (&error);
  options.blocks = 4;
  g_assert_false (fm_dump_export (image, d, &options, out, oob, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
  g_clear_error (&error);
  options.layout.format = FM_DUMP_SEPARATE;
  g_assert_false (fm_dump_export (image, d, &options, out, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
  g_clear_error (&error);
  g_assert_cmpuint (out->len, ==, 0);

  /* AUTO exports interleaved, or separate when OOB is wanted; erased
   * pages are FFh. */
  options.layout.format = FM_DUMP_AUTO;
  g_assert_true (fm_dump_export (image, d, &options, out, NULL, &error));
  g_assert_cmpuint (out->len, ==, 4 * 16896);
  g_byte_array_set_size (out, 0);
  g_assert_true (fm_dump_export (image, d, &options, out, oob, &error));
  g_assert_cmpuint (out->len, ==, 4 * 16384);
  g_assert_cmpuint (oob->len, ==, 4 * 8 * 64);
  for (guint i = 0; i < out->len; i++)
    g_assert_cmpuint (out->data[i], ==, 0xff);
}

/* ---- files ---------------------------------------------------------------------- */

static void
test_files (void)
{
  g_autoptr (FmChipDesc) d = fm_test_tiny_desc (NULL);
  g_autoptr (FmNand) src = make_source (d, 2);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *dir = g_dir_make_tmp ("test-dump-XXXXXX", &error);
  g_autofree gchar *data_path = g_build_filename (dir, "nand.bin", NULL);
  g_autofree gchar *oob_path = g_build_filename (dir, "nand.oob", NULL);
  g_autofree gchar *image_path = g_build_filename (dir, "nand.img", NULL);
  g_autofree gchar *cut_path = g_build_filename (dir, "cut.bin", NULL);
  g_autofree gchar *listing = NULL;
  FmDumpOptions options = options_for (FM_DUMP_AUTO);
  FmDumpStats stats;
  gchar *contents;
  gsize len;

  g_assert_no_error (error);
  /* AUTO + an OOB file: separate. */
  g_assert_true (fm_dump_export_file (fm_nand_image (src), d, &options, data_path, oob_path, &error));
  g_assert_no_error (error);
  listing = fm_test_dir_listing (dir);
  g_assert_cmpstr (listing, ==, "nand.bin nand.oob");
  g_clear_pointer (&listing, g_free);
  /* Never over an existing file without force. */
  g_assert_false (fm_dump_export_file (fm_nand_image (src), d, &options, data_path, oob_path, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "already exists"));
  g_clear_error (&error);

  g_assert_true (fm_dump_import_file (d, data_path, oob_path, image_path, &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.format, ==, FM_DUMP_SEPARATE);
  {
    g_autoptr (FmImage) image = fm_image_open (image_path, d, TRUE, &error);

    g_assert_no_error (error);
    g_assert_true (fm_image_is_factory_initialised (image));
    g_assert_cmpuint (fm_image_seed (image), ==, 1);
    assert_same_blocks (d, fm_nand_image (src), image, 0, 64, TRUE);
  }
  g_assert_false (fm_dump_import_file (d, data_path, oob_path, image_path, &options, &stats, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "nand.img: already exists (--force replaces it)"));
  g_clear_error (&error);
  options.force = TRUE;
  options.seed = 77;
  g_assert_true (fm_dump_import_file (d, data_path, oob_path, image_path, &options, &stats, &error));
  g_assert_no_error (error);
  {
    g_autoptr (FmImage) image = fm_image_open (image_path, d, TRUE, &error);

    g_assert_cmpuint (fm_image_seed (image), ==, 77);
  }

  /* A truncated dump: an error, and neither an image nor a temporary
   * file is left behind. */
  g_assert_true (g_file_get_contents (data_path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (cut_path, contents, len - 100, NULL));
  g_free (contents);
  g_unlink (image_path);
  options.force = FALSE;
  g_assert_false (fm_dump_import_file (d, cut_path, NULL, image_path, &options, &stats, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
  g_clear_error (&error);
  options.layout.format = FM_DUMP_DATA;
  g_assert_false (fm_dump_import_file (d, cut_path, NULL, image_path, &options, &stats, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT);
  g_assert_nonnull (strstr (error->message, "cut.bin: "));
  g_clear_error (&error);
  listing = fm_test_dir_listing (dir);
  g_assert_cmpstr (listing, ==, "cut.bin nand.bin nand.oob");
  g_clear_pointer (&listing, g_free);

  /* Missing input. */
  g_assert_false (fm_dump_import_file (d, image_path, NULL, cut_path, &options, &stats, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "nand.img: open: "));
  g_clear_error (&error);
  g_assert_false (fm_dump_import_file (d, "/", NULL, image_path, &options, &stats, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  /* A failed export leaves nothing either. */
  options.layout.format = FM_DUMP_INTERLEAVED;
  options.start_block = 70;
  g_assert_false (fm_dump_export_file (fm_nand_image (src), d, &options, image_path, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  listing = fm_test_dir_listing (dir);
  g_assert_cmpstr (listing, ==, "cut.bin nand.bin nand.oob");

  g_unlink (data_path);
  g_unlink (oob_path);
  g_unlink (cut_path);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  static const RoundTrip trips[] = {
    { NULL, FM_DUMP_DATA, { 0 } },
    { NULL, FM_DUMP_INTERLEAVED, { 0 } },
    { NULL, FM_DUMP_SEPARATE, { 0 } },
    { NULL, FM_DUMP_SYNDROME, { 512, 10, 0, 6 } },
    { NULL, FM_DUMP_SYNDROME, { 256, 3, 2, 1 } },
    { "samsung-k9f1208", FM_DUMP_INTERLEAVED, { 0 } },
    { "samsung-k9f1208", FM_DUMP_SYNDROME, { 512, 10, 0, 6 } },
    { "micron-mt29f4g16", FM_DUMP_SEPARATE, { 0 } },
  };

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dump/format-names", test_format_names);
  g_test_add_func ("/dump/syndrome/parse", test_syndrome_parse);
  g_test_add_func ("/dump/syndrome/check", test_syndrome_check);
  g_test_add_func ("/dump/syndrome/layout", test_syndrome_layout);
  g_test_add_func ("/dump/detect", test_detect);
  g_test_add_func ("/dump/detect/import", test_detect_on_import);
  for (guint i = 0; i < G_N_ELEMENTS (trips); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/dump/round-trip/%s/%s%s",
                                                trips[i].chip ? trips[i].chip : "tiny",
                                                fm_dump_format_to_string (trips[i].format),
                                                trips[i].syndrome.prepad ? "-prepad" : "");
      g_test_add_data_func (path, &trips[i], test_round_trip);
    }
  g_test_add_func ("/dump/partial", test_partial);
  g_test_add_func ("/dump/bad-input", test_bad_input);
  g_test_add_func ("/dump/wrong-image", test_wrong_image);
  g_test_add_func ("/dump/export-errors", test_export_errors);
  g_test_add_func ("/dump/files", test_files);
  return g_test_run ();
}
