/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-powercut.h"
#include "fm-bits.h"
#include "fm-error.h"
#include "fm-nand.h"
#include "fm-prng.h"

#include <string.h>

/* PRNG streams of this module (see fm-prng.h); distinct from fm-nand.c's. */
enum {
  STREAM_CUT = 101,
  STREAM_UNSTABLE_DRAW = 102,
};

/* One cut in this many catches an operation in its last pulses. */
#define LATE_CUT_ODDS 5
/* A late-cut program leaves up to this many bits unstable, and up to this
 * many not programmed at all. */
#define LATE_CUT_MAX_BITS 4
/* A late-cut erase leaves a programmed bit at 0 with at most this chance. */
#define LATE_ERASE_LEFT 2e-4

/* Bits of a lower page that an interrupted upper-page program disturbs:
 * far beyond what any ECC corrects, as datasheets warn. */
#define PAIRED_PAGE_DAMAGE 0.02

gboolean
fm_cut_kind_from_string (const gchar *text, FmCutKind *kind, GError **error)
{
  if (g_strcmp0 (text, "clean") == 0)
    *kind = FM_CUT_CLEAN;
  else if (g_strcmp0 (text, "torn") == 0)
    *kind = FM_CUT_TORN;
  else
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "cut kind '%s' is neither 'torn' nor 'clean'", text);
      return FALSE;
    }
  return TRUE;
}

const gchar *
fm_cut_kind_to_string (FmCutKind kind)
{
  return kind == FM_CUT_TORN ? "torn" : "clean";
}

guint64
fm_powercut_seed (guint64 chip_seed, guint64 seq)
{
  return fm_hash64 (chip_seed, STREAM_CUT, seq);
}

/* Whether programmed bit BIT of a torn page is one of its unstable ones.
 * A function of the block's record, so reads need no stored mask. */
static inline gboolean
bit_is_unstable (const FmBlockMeta *m, guint64 bit)
{
  return (fm_hash64 (m->unstable_seed, STREAM_UNSTABLE_DRAW, bit) >> 32) < m->unstable_share;
}

guint
fm_powercut_read_unstable (FmImage *image, guint64 page_index, guint8 *buf, gsize len,
                           guint64 draw_seed)
{
  guint32 ppb = fm_image_pages_per_block (image);
  const FmBlockMeta *m = fm_image_block (image, page_index / ppb);
  FmPrng prng;
  guint n = 0;

  if (m->unstable_page != page_index % ppb + 1)
    return 0;
  fm_prng_init (&prng, draw_seed);
  for (gsize i = 0; i < len; i++)
    for (guint b = 0; b < 8; b++)
      if (!(buf[i] & (1u << b)) && bit_is_unstable (m, i * 8 + b))
        {
          n++;
          if (fm_prng_next (&prng) & 1)
            buf[i] |= 1u << b;
        }
  return n;
}

/* Byte I of the page's cells before a program (erased pages are FFh). */
static guint8
cells_before (FmImage *image, guint64 page_index, gsize i)
{
  const guint8 *stored = fm_image_page (image, page_index);

  return stored ? stored[i] : 0xff;
}

/* The block's earlier torn page settles: its unstable bits keep one
 * value from now on, so that a later cut in the block can take over the
 * block's record. */
static void
settle_unstable (FmImage *image, const FmChipDesc *desc, guint32 block, guint64 seed)
{
  FmBlockMeta *m = fm_image_block (image, block);
  guint64 page_index;
  guint8 *cells;

  if (!m->unstable_page)
    return;
  page_index = (guint64) block * desc->pages_per_block + m->unstable_page - 1;
  /* Unstable bits are programmed (0) bits, so the page has a slot. */
  cells = fm_image_page (image, page_index) ? fm_image_page_mut (image, page_index, NULL) : NULL;
  if (cells)
    fm_powercut_read_unstable (image, page_index, cells, desc->page_size + desc->oob_size, seed);
  m->unstable_page = 0;
  m->unstable_seed = 0;
  m->unstable_share = 0;
}

/* The page Linux's pairing scheme pairs with PAGE as its lower page, or
 * PAGE itself when PAGE is not an upper page. */
static guint
paired_lower_page (const FmChipDesc *desc, guint page)
{
  FmPagePairing want = fm_nand_page_pairing (desc, page);

  if (want.group != 1)
    return page;
  for (guint p = 0; p < desc->pages_per_block; p++)
    {
      FmPagePairing info = fm_nand_page_pairing (desc, p);

      if (info.group == 0 && info.pair == want.pair)
        return p;
    }
  return page;
}

static gboolean
damage_lower_page (FmImage *image, const FmChipDesc *desc, guint64 page_index, FmPrng *prng,
                   GError **error)
{
  gsize len = desc->page_size + desc->oob_size;
  guint8 *cells;

  /* An erased lower page has no data to lose. */
  if (!fm_image_page (image, page_index))
    return TRUE;
  cells = fm_image_page_mut (image, page_index, error);
  if (!cells)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    for (guint b = 0; b < 8; b++)
      if (fm_prng_unit (prng) < PAIRED_PAGE_DAMAGE)
        cells[i] ^= 1u << b;
  return TRUE;
}

gboolean
fm_powercut_program (FmImage *image, const FmChipDesc *desc, guint64 page_index,
                     const guint8 *data, guint64 seed, guint64 age_ns, GError **error)
{
  guint32 block = page_index / desc->pages_per_block;
  guint page = page_index % desc->pages_per_block;
  gsize len = desc->page_size + desc->oob_size;
  FmBlockMeta *m = fm_image_block (image, block);
  FmPrng prng;
  gdouble progress, share, not_yet, solid;
  guint64 to_clear;
  guint8 *cells;
  guint lower;

  if (m->flags & FM_BLOCK_FACTORY_BAD)
    return TRUE; /* the chip refuses to program it: nothing happens */
  /* Room for the page first, so that a full disk changes nothing. A new
   * slot reads all ones, as the page without one did. */
  cells = fm_image_page_mut (image, page_index, error);
  if (!cells)
    return FALSE;
  fm_prng_init (&prng, seed);
  /* How far the program pulses got. Usually mid-way: of the bits being
   * cleared some are past the read threshold, some near it (unstable),
   * some not yet. One cut in LATE_CUT_ODDS comes during the last verify
   * pulses: a few bits short, a page that may well read back correct
   * now and fail later, the case file systems find hardest. */
  to_clear = 0;
  for (gsize i = 0; i < len; i++)
    to_clear += __builtin_popcount ((guint8) (cells_before (image, page_index, i) & ~data[i]));
  if (fm_prng_below (&prng, LATE_CUT_ODDS) == 0)
    {
      gdouble n = MAX (to_clear, 1);

      share = MIN (fm_prng_below (&prng, LATE_CUT_MAX_BITS + 1) / n, 1.0);
      not_yet = MIN (fm_prng_below (&prng, LATE_CUT_MAX_BITS + 1) / n, 1.0 - share);
    }
  else
    {
      progress = 0.05 + 0.9 * fm_prng_unit (&prng);
      share = not_yet = (1.0 - progress) / 2;
    }
  solid = share < 1.0 ? 1.0 - not_yet / (1.0 - share) : 0.0;
  settle_unstable (image, desc, block, fm_prng_next (&prng));
  m->unstable_page = page + 1;
  m->unstable_seed = (guint32) fm_prng_next (&prng);
  /* A share of 1 (a late cut of a program clearing a few bits) is every
   * bit: the most a 32-bit fraction holds, not 2^32 wrapped to 0. */
  m->unstable_share = (guint32) MIN (share * 4294967296.0, (gdouble) G_MAXUINT32);

  for (gsize i = 0; i < len; i++)
    {
      guint8 to_clear = cells[i] & ~data[i];

      for (guint b = 0; to_clear && b < 8; b++)
        if ((to_clear & (1u << b)) &&
            (bit_is_unstable (m, i * 8 + b) || fm_prng_unit (&prng) < solid))
          cells[i] &= ~(1u << b);
    }
  lower = paired_lower_page (desc, page);
  if (lower != page &&
      !damage_lower_page (image, desc, (guint64) block * desc->pages_per_block + lower, &prng, error))
    return FALSE;
  fm_image_set_page_programs (image, page_index, fm_image_page_programs (image, page_index) + 1);
  m->program_count++;
  m->program_time_ns = MAX (age_ns, 1);
  m->next_page = MAX (m->next_page, page + 1);
  return TRUE;
}

void
fm_powercut_erase (FmImage *image, const FmChipDesc *desc, guint32 block, guint64 seed)
{
  gsize len = desc->page_size + desc->oob_size;
  FmBlockMeta *m = fm_image_block (image, block);
  guint64 first = (guint64) block * desc->pages_per_block;
  FmPrng prng;
  gdouble progress;

  if (m->flags & (FM_BLOCK_FACTORY_BAD | FM_BLOCK_WORN_OUT | FM_BLOCK_GROWN_BAD))
    return; /* the erase would have failed without changing the cells */
  fm_prng_init (&prng, seed);
  if (fm_prng_below (&prng, LATE_CUT_ODDS) == 0)
    progress = 1.0 - LATE_ERASE_LEFT * fm_prng_unit (&prng);
  else
    progress = 0.05 + 0.9 * fm_prng_unit (&prng);
  settle_unstable (image, desc, block, fm_prng_next (&prng));
  for (guint64 p = first; p < first + desc->pages_per_block; p++)
    {
      guint8 *cells;

      if (!fm_image_page (image, p))
        continue;
      cells = fm_image_page_mut (image, p, NULL);
      for (gsize i = 0; i < len; i++)
        for (guint b = 0; cells[i] != 0xff && b < 8; b++)
          if (!(cells[i] & (1u << b)) && fm_prng_unit (&prng) < progress)
            cells[i] |= 1u << b;
      if (fm_bits_all_ones (cells, len))
        fm_image_clear_page (image, p);
      else
        fm_image_set_page_programs (image, p, 0);
    }
  m->erase_count++;
  m->next_page = 0;
  m->reads_since_erase = 0;
}
