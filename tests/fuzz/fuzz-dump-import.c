/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: arbitrary bytes into the NAND dump importer
 * (fm_dump_import) of two tiny chips. The first bytes pick the chip, the
 * format, the syndrome layout (numbers, or text for the parser), the
 * start block and how the rest splits into a dump and an OOB file.
 *
 * The importer must take the bytes or refuse them with an FM_ERROR, never
 * crash, read outside them or warn (criticals are fatal here); what it
 * takes must export back to the same bytes, hold exactly the pages that
 * were not all FFh, and make exactly the marked blocks bad.
 */
#include "fuzz-chips.h"
#include "fuzz-log.h"
#include "fm-bits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Large-page on a 16-bit bus: 2 pages of 2048 + 64 bytes, 8 blocks,
 * marker word 0 of the last page. */
static const char chip_x16[] =
  "[chip]\nname=fuzz-x16\nvendor=Fuzz\npart=X16\ntype=nand-slc\ndatasheet=none\n"
  "[id]\nbytes=2c;cc\n"
  "[geometry]\npage-size=2048\noob-size=64\npages-per-block=2\nblocks-per-lun=8\nbus-width=16\n"
  "[timing]\ntR-typ-us=25\ntR-max-us=25\ntPROG-typ-us=200\ntPROG-max-us=600\n"
  "tBERS-typ-us=700\ntBERS-max-us=3000\n"
  "[reliability]\nnop=4\nsequential-program=true\npe-cycles=100000\n"
  "factory-bad-blocks-max=1\nbad-block-marker-offset=0\nbad-block-marker-pages=last\n";

static FmChipDesc *chips[2];
static gboolean verbose;

/* The input: HEADER_LEN bytes of choices, an optional syndrome text
 * ending in '\n', then the dump. */
enum {
  H_FLAGS,     /* bit 0-2: format (mod 5); bit 6: chip; bit 7: text */
  H_START,     /* start block (mod 20: some beyond the chip) */
  H_STEP,      /* syndrome step: a power of two, or any byte */
  H_ECC,
  H_PREPAD,
  H_POSTPAD,
  H_SPLIT,     /* bit 0: an OOB buffer; bit 1: split by page geometry */
  H_FRACTION,  /* otherwise the OOB's share of the rest, /255 */
  HEADER_LEN
};

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  const char *texts[2] = { chip_small, chip_x16 };

  (void) argc;
  (void) argv;
  fuzz_make_warnings_fatal ();
  verbose = g_getenv ("FUZZ_DUMP_VERBOSE") != NULL;
  for (guint i = 0; i < 2; i++)
    {
      GError *error = NULL;

      chips[i] = fm_chip_desc_load_data (texts[i], "fuzz", &error);
      if (!chips[i])
        g_error ("fuzz chip %u: %s", i, error->message);
    }
  return 0;
}

static void
check (gboolean ok, const char *what)
{
  if (!ok)
    {
      fprintf (stderr, "fuzz-dump-import: %s\n", what);
      abort ();
    }
}

/* What a successful import must have done. */
static void
check_import (const FmChipDesc *d, FmImage *image, const FmDumpOptions *options,
              const FmDumpBuffers *in, const FmDumpStats *stats)
{
  FmDumpOptions out = *options;
  GByteArray *data = g_byte_array_new ();
  GByteArray *oob = stats->format == FM_DUMP_SEPARATE ? g_byte_array_new () : NULL;
  GError *error = NULL;
  gsize page_bytes = (gsize) d->page_size + d->oob_size;
  guint64 pages = 0;
  guint32 bad = 0;

  check (stats->first_block == options->start_block, "first block");
  check (stats->blocks > 0 && stats->first_block + stats->blocks <= fm_chip_desc_blocks (d),
         "block range");
  check (stats->format != FM_DUMP_AUTO, "format resolved");
  for (guint64 p = 0; p < fm_chip_desc_pages (d); p++)
    {
      const guint8 *page = fm_image_page (image, p);
      guint32 block = p / d->pages_per_block;

      if (!page)
        continue;
      pages++;
      check (block >= stats->first_block && block < stats->first_block + stats->blocks,
             "page stored outside the dump's blocks");
      check (!fm_bits_all_ones (page, page_bytes), "an all-FFh page stored");
      check (fm_image_page_programs (image, p) == 1, "page programmed once");
    }
  check (pages == stats->pages_stored, "pages stored");
  for (guint32 b = 0; b < fm_chip_desc_blocks (d); b++)
    {
      gboolean flagged = (fm_image_block (image, b)->flags & FM_BLOCK_FACTORY_BAD) != 0;

      check (flagged == fm_nand_image_block_marked_bad (d, image, b), "bad flag follows the marker");
      bad += flagged;
    }
  check (bad == stats->bad_blocks, "bad blocks counted");

  /* Export gives back the bytes imported. */
  out.layout.format = stats->format;
  out.blocks = stats->blocks;
  check (fm_dump_export (image, d, &out, data, oob, &error), "export of an import");
  check (data->len == in->data_len && memcmp (data->data, in->data, in->data_len) == 0,
         "export gives back the dump");
  if (oob)
    check (oob->len == in->oob_len && memcmp (oob->data, in->oob, in->oob_len) == 0,
           "export gives back the OOB file");
  g_byte_array_unref (data);
  if (oob)
    g_byte_array_unref (oob);
}

/* Reads the syndrome text at *DATA (up to '\n', at most 40 bytes). */
static gboolean
parse_syndrome_text (const guint8 **data, size_t *size, FmDumpSyndrome *s)
{
  const guint8 *nl = memchr (*data, '\n', MIN (*size, 40));
  gchar *text;
  GError *error = NULL;
  gboolean ok;

  if (!nl)
    return FALSE;
  text = g_strndup ((const gchar *) *data, nl - *data);
  ok = fm_dump_syndrome_from_string (text, s, &error);
  check (ok == (error == NULL), "syndrome parse: result and error agree");
  if (error)
    check (error->domain == FM_ERROR && error->code == FM_ERROR_DUMP_FORMAT, "syndrome error code");
  g_clear_error (&error);
  g_free (text);
  *size -= nl + 1 - *data;
  *data = nl + 1;
  return ok;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  FmNandCreateOptions create = { 1, 0 };
  FmDumpOptions options = FM_DUMP_OPTIONS_DEFAULT;
  FmDumpBuffers in = { NULL, 0, "fuzz.bin", NULL, 0, NULL };
  FmDumpStats stats;
  const FmChipDesc *d;
  const guint8 *h = data;
  GError *error = NULL;
  FmImage *image;
  size_t oob_len = 0;
  gboolean ok;

  if (size < HEADER_LEN)
    return 0;
  d = chips[(h[H_FLAGS] >> 6) & 1];
  data += HEADER_LEN;
  size -= HEADER_LEN;
  options.layout.format = (h[H_FLAGS] & 7) % 5;
  options.start_block = h[H_START] % 20;
  options.layout.syndrome = (FmDumpSyndrome) {
    h[H_STEP] & 0x80 ? h[H_STEP] : 1u << (h[H_STEP] % 13), h[H_ECC] % 64, h[H_PREPAD] % 16,
    h[H_POSTPAD] % 16 };
  if ((h[H_FLAGS] & 0x80) && !parse_syndrome_text (&data, &size, &options.layout.syndrome))
    return 0;
  if (h[H_SPLIT] & 1)
    {
      gsize page_bytes = (gsize) d->page_size + d->oob_size;

      oob_len = h[H_SPLIT] & 2 ? size / page_bytes * d->oob_size + size % page_bytes
                               : size * h[H_FRACTION] / 255;
      oob_len = MIN (oob_len, size);
    }
  /* Copies of exact size, so ASan sees any read past either. */
  in.data = size - oob_len ? g_memdup2 (data, size - oob_len) : NULL;
  in.data_len = size - oob_len;
  if (h[H_SPLIT] & 1)
    {
      /* Given, even when empty: never NULL. */
      guint8 *oob = g_malloc (MAX (oob_len, 1));

      memcpy (oob, data + in.data_len, oob_len);
      in.oob = oob;
      in.oob_len = oob_len;
      in.oob_name = "fuzz.oob";
    }

  /* The checks the importer makes, on their own. */
  {
    FmDumpFormat f;
    guint32 blocks;

    if (fm_dump_detect (d, "fuzz.bin", in.data_len, options.start_block, &f, &error))
      check (f == FM_DUMP_DATA || f == FM_DUMP_INTERLEAVED, "detected format");
    g_clear_error (&error);
    if (options.layout.format != FM_DUMP_AUTO &&
        fm_dump_count_blocks (d, options.layout.format, "fuzz.bin", in.data_len, "fuzz.oob",
                              in.oob_len, options.start_block, &blocks, &error))
      check (blocks > 0 && options.start_block + blocks <= fm_chip_desc_blocks (d), "block count");
    g_clear_error (&error);
    fm_dump_layout_check (&options.layout, d, &error);
    g_clear_error (&error);
  }

  image = fm_nand_create_image (d, NULL, &create, &error);
  check (image != NULL, "in-memory image");
  ok = fm_dump_import (image, d, &options, &in, &stats, &error);
  check (ok == (error == NULL), "import: result and error agree");
  /* To see what the seeds and crashes do: FUZZ_DUMP_VERBOSE=1 TARGET FILE... */
  if (verbose && ok)
    fprintf (stderr, "imported: %s, %u blocks from %u, %" G_GUINT64_FORMAT " pages, %u bad\n",
             fm_dump_format_to_string (stats.format), stats.blocks, stats.first_block,
             stats.pages_stored, stats.bad_blocks);
  else if (verbose)
    fprintf (stderr, "refused: %s\n", error->message);
  if (ok)
    check_import (d, image, &options, &in, &stats);
  else
    {
      check (error->domain == FM_ERROR && error->message[0], "import error in FM_ERROR");
      /* A refused dump changes nothing. */
      check (fm_image_pages_with_data (image) == 0, "refused import wrote pages");
      g_clear_error (&error);
    }
  fm_image_close (image);
  g_free ((gpointer) in.data);
  g_free ((gpointer) in.oob);
  return 0;
}
