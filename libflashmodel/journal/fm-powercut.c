/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-powercut.h"
#include "fm-bits.h"
#include "fm-error.h"
#include "fm-journal.h"
#include "fm-nand.h"
#include "fm-prng.h"

#include <string.h>

/* PRNG streams of this module (see fm-prng.h); distinct from fm-nand.c's. */
enum {
  STREAM_CUT = 101,
  STREAM_UNSTABLE_DRAW = 102,
  STREAM_VARIANT = 103,
  STREAM_TEAR_SEED = 104,
};

/* One cut in this many catches an operation in its last pulses. */
#define LATE_CUT_ODDS 5
/* A late-cut program leaves up to this many bits unstable, and up to this
 * many not programmed at all. */
#define LATE_CUT_MAX_BITS 4
/* Draws of the unstable bits a torn program makes: to find one that
 * spares the bits earlier programs of the page left at 0 and, for an
 * "unstable" cut, leaves at least one. */
#define UNSTABLE_TRIES 1024
/* Earlier-programmed bits among the bytes a torn program changes beyond
 * which no draw is tried: the cut leaves no unstable bit then. */
#define UNSTABLE_SPARE_MAX 64
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

guint64
fm_powercut_seed_for (guint64 chip_seed, guint64 seq, guint64 tear_seed)
{
  guint64 seed = fm_powercut_seed (chip_seed, seq);

  return tear_seed ? fm_hash64 (seed, STREAM_TEAR_SEED, tear_seed) : seed;
}

static const gchar *const variant_names[FM_TORN_N_VARIANTS] = {
  [FM_TORN_SEEDED] = "seeded",
  [FM_TORN_SOMEBITS] = "somebits",
  [FM_TORN_MOSTBITS] = "mostbits",
  [FM_TORN_UNSTABLE] = "unstable",
  [FM_TORN_LOWERPAGE] = "lowerpage",
  [FM_TORN_PARTLY_ERASED] = "partly-erased",
  [FM_TORN_MOSTLY_ERASED] = "mostly-erased",
};

const gchar *
fm_torn_variant_to_string (FmTornVariant variant)
{
  return (guint) variant < FM_TORN_N_VARIANTS ? variant_names[variant] : "?";
}

gboolean
fm_torn_variant_from_string (const gchar *text, FmTornVariant *variant, GError **error)
{
  for (guint v = 0; v < FM_TORN_N_VARIANTS; v++)
    if (g_strcmp0 (text, variant_names[v]) == 0)
      {
        *variant = v;
        return TRUE;
      }
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
               "'%s' is not a torn variant (seeded, somebits, mostbits, unstable, lowerpage, "
               "partly-erased, mostly-erased)", text);
  return FALSE;
}

/* Whether programmed bit BIT of a torn page is one of its unstable ones.
 * A function of the block's record, so reads need no stored mask. */
static inline gboolean
bit_is_unstable (const FmBlockMeta *m, guint64 bit)
{
  return (fm_hash64 (m->unstable_seed, STREAM_UNSTABLE_DRAW, bit) >> 32) < m->unstable_share;
}

/* The bytes of a LEN-byte torn page whose bits may be unstable: those
 * the torn program changed (all of them in images from before the range
 * was kept). */
static void
unstable_bytes (const FmBlockMeta *m, gsize len, gsize *first, gsize *end)
{
  *first = m->unstable_end ? MIN (m->unstable_first, len) : 0;
  *end = m->unstable_end ? MIN (m->unstable_end, len) : len;
}

guint
fm_powercut_read_unstable (FmImage *image, guint64 page_index, guint8 *buf, gsize len,
                           guint64 draw_seed)
{
  guint32 ppb = fm_image_pages_per_block (image);
  const FmBlockMeta *m = fm_image_block (image, page_index / ppb);
  FmPrng prng;
  gsize first, end;
  guint n = 0;

  if (m->unstable_page != page_index % ppb + 1)
    return 0;
  unstable_bytes (m, len, &first, &end);
  fm_prng_init (&prng, draw_seed);
  for (gsize i = first; i < end; i++)
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

/* Whether a bit DATA clears in PAGE_INDEX is unstable under M's draw. */
static gboolean
any_unstable (const FmBlockMeta *m, FmImage *image, guint64 page_index, const guint8 *data,
              gsize len)
{
  for (gsize i = 0; i < len; i++)
    for (guint b = 0; b < 8; b++)
      if ((cells_before (image, page_index, i) & ~data[i] & (1u << b)) &&
          bit_is_unstable (m, i * 8 + b))
        return TRUE;
  return FALSE;
}

/* Whether M's draw spares the N_SPARE bits listed in SPARE: bits that
 * earlier programs of the page left at 0, solid ever since. */
static gboolean
draw_spares (const FmBlockMeta *m, const guint32 *spare, guint n_spare)
{
  for (guint k = 0; k < n_spare; k++)
    if (bit_is_unstable (m, spare[k]))
      return FALSE;
  return TRUE;
}

/* The block's torn page settles: its unstable bits keep one
 * value from now on, so that a later cut in the block can take over the
 * block's record. */
void
fm_powercut_settle (FmImage *image, const FmChipDesc *desc, guint32 block, guint64 seed)
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
  m->unstable_first = 0;
  m->unstable_end = 0;
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

gboolean
fm_torn_variant_applies (FmTornVariant variant, const FmChipDesc *desc, FmNandOp op,
                         guint64 index)
{
  switch (variant)
    {
    case FM_TORN_SEEDED:
      return TRUE;
    case FM_TORN_SOMEBITS:
    case FM_TORN_MOSTBITS:
    case FM_TORN_UNSTABLE:
      return op == FM_NAND_OP_PROGRAM;
    case FM_TORN_LOWERPAGE:
      {
        guint page = index % desc->pages_per_block;

        return op == FM_NAND_OP_PROGRAM && paired_lower_page (desc, page) != page;
      }
    case FM_TORN_PARTLY_ERASED:
    case FM_TORN_MOSTLY_ERASED:
      return op == FM_NAND_OP_ERASE;
    }
  return FALSE;
}

/* The chip refuses to program a factory bad block, and to erase any bad
 * block: a cut then leaves its cells as they were. */
static gboolean
program_refused (const FmBlockMeta *m)
{
  return m->flags & FM_BLOCK_FACTORY_BAD;
}

static gboolean
erase_refused (const FmBlockMeta *m)
{
  return m->flags & (FM_BLOCK_FACTORY_BAD | FM_BLOCK_WORN_OUT | FM_BLOCK_GROWN_BAD);
}

gboolean
fm_powercut_changes_nothing (FmImage *image, const FmChipDesc *desc, FmNandOp op, guint64 index)
{
  switch (op)
    {
    case FM_NAND_OP_READ:
      return TRUE;
    case FM_NAND_OP_PROGRAM:
      return program_refused (fm_image_block (image, index / desc->pages_per_block));
    case FM_NAND_OP_ERASE:
      return erase_refused (fm_image_block (image, index));
    }
  return FALSE;
}

static gboolean
check_applies (FmTornVariant variant, const FmChipDesc *desc, FmNandOp op, guint64 index,
               GError **error)
{
  if (fm_torn_variant_applies (variant, desc, op, index))
    return TRUE;
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
               "torn variant %s does not apply to a%s %s of %s %" G_GUINT64_FORMAT,
               fm_torn_variant_to_string (variant), op == FM_NAND_OP_ERASE ? "n" : "",
               fm_nand_op_to_string (op), op == FM_NAND_OP_ERASE ? "block" : "page", index);
  return FALSE;
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

/* How far a program clearing TO_CLEAR bits got, as VARIANT says: SHARE
 * of them are left unstable and NOT_YET still 1 (fractions); the rest
 * are programmed. */
static void
program_progress (FmTornVariant variant, FmPrng *prng, guint64 to_clear, gdouble *share,
                  gdouble *not_yet)
{
  gdouble n = MAX (to_clear, 1), progress;

  switch (variant)
    {
    case FM_TORN_SEEDED:
      /* Usually mid-way: of the bits being cleared some are past the
       * read threshold, some near it (unstable), some not yet. One cut
       * in LATE_CUT_ODDS comes during the last verify pulses: a few bits
       * short, a page that may well read back correct now and fail
       * later, the case file systems find hardest. */
      if (fm_prng_below (prng, LATE_CUT_ODDS) == 0)
        {
          *share = MIN (fm_prng_below (prng, LATE_CUT_MAX_BITS + 1) / n, 1.0);
          *not_yet = MIN (fm_prng_below (prng, LATE_CUT_MAX_BITS + 1) / n, 1.0 - *share);
          return;
        }
      progress = 0.05 + 0.9 * fm_prng_unit (prng);
      break;
    case FM_TORN_UNSTABLE:
      /* The late cut, with at least one bit left unstable. */
      *share = MIN ((1 + fm_prng_below (prng, LATE_CUT_MAX_BITS)) / n, 1.0);
      *not_yet = MIN (fm_prng_below (prng, LATE_CUT_MAX_BITS + 1) / n, 1.0 - *share);
      return;
    case FM_TORN_SOMEBITS:
      progress = 0.05 + 0.45 * fm_prng_unit (prng);
      break;
    case FM_TORN_MOSTBITS:
      progress = 0.5 + 0.45 * fm_prng_unit (prng);
      break;
    default:
      progress = 0.05 + 0.9 * fm_prng_unit (prng);
      break;
    }
  *share = *not_yet = (1.0 - progress) / 2;
}

gboolean
fm_powercut_program_as (FmImage *image, const FmChipDesc *desc, guint64 page_index,
                        const guint8 *data, FmTornVariant variant, guint64 seed,
                        guint64 age_ns, GError **error)
{
  guint32 block = page_index / desc->pages_per_block;
  guint page = page_index % desc->pages_per_block;
  gsize len = desc->page_size + desc->oob_size;
  FmBlockMeta *m = fm_image_block (image, block);
  FmPrng prng;
  gdouble share, not_yet, solid;
  guint64 to_clear;
  guint32 spare[UNSTABLE_SPARE_MAX];
  guint n_spare = 0;
  gsize first = len, end = 0;
  gboolean drawn = FALSE;
  guint8 *cells;
  guint lower;

  if (!check_applies (variant, desc, FM_NAND_OP_PROGRAM, page_index, error))
    return FALSE;
  if (program_refused (m))
    return TRUE; /* nothing happens */
  /* Room for the page first, so that a full disk changes nothing. A new
   * slot reads all ones, as the page without one did. */
  cells = fm_image_page_mut (image, page_index, error);
  if (!cells)
    return FALSE;
  /* The seeded draw is the live cut's; each named variant draws apart. */
  fm_prng_init (&prng, variant == FM_TORN_SEEDED ? seed : fm_hash64 (seed, STREAM_VARIANT, variant));
  to_clear = 0;
  for (gsize i = 0; i < len; i++)
    {
      guint8 clears = cells_before (image, page_index, i) & ~data[i];

      to_clear += __builtin_popcount (clears);
      if (clears)
        {
          first = MIN (first, i);
          end = i + 1;
        }
    }
  program_progress (variant, &prng, to_clear, &share, &not_yet);
  fm_powercut_settle (image, desc, block, fm_prng_next (&prng));
  /* Only bits this program clears can be left unstable: the bits that
   * earlier programs of the page (NOR's many small programs, NAND's
   * sub-pages) left at 0 among the bytes it changes must stay 0. */
  for (gsize i = first; i < end; i++)
    for (guint b = 0; b < 8; b++)
      if (!(cells_before (image, page_index, i) & (1u << b)) && n_spare <= UNSTABLE_SPARE_MAX)
        {
          if (n_spare < UNSTABLE_SPARE_MAX)
            spare[n_spare] = i * 8 + b;
          n_spare++;
        }
  m->unstable_page = page + 1;
  m->unstable_first = to_clear ? first : 0;
  m->unstable_end = to_clear ? end : 0;
  /* A share of 1 (a late cut of a program clearing a few bits) is every
   * bit: the most a 32-bit fraction holds, not 2^32 wrapped to 0. */
  m->unstable_share = (guint32) MIN (share * 4294967296.0, (gdouble) G_MAXUINT32);
  /* Which bits are unstable is a draw, taken again until it spares the
   * earlier bits and, for the variant named after them, until at least
   * one of the bits being cleared is unstable. */
  for (guint tries = 0; to_clear && n_spare <= UNSTABLE_SPARE_MAX && tries < UNSTABLE_TRIES; tries++)
    {
      m->unstable_seed = (guint32) fm_prng_next (&prng);
      if (draw_spares (m, spare, n_spare) &&
          (variant != FM_TORN_UNSTABLE || any_unstable (m, image, page_index, data, len)))
        {
          drawn = TRUE;
          break;
        }
    }
  /* No draw fits: the cut leaves none of its bits unstable; they are
   * programmed or not as the progress says. */
  if (!drawn)
    {
      m->unstable_page = 0;
      m->unstable_seed = 0;
      m->unstable_share = 0;
      m->unstable_first = m->unstable_end = 0;
      share = 0.0;
    }
  solid = share < 1.0 ? 1.0 - not_yet / (1.0 - share) : 0.0;

  for (gsize i = 0; i < len; i++)
    {
      guint8 to_clear = cells[i] & ~data[i];

      for (guint b = 0; to_clear && b < 8; b++)
        if ((to_clear & (1u << b)) &&
            (bit_is_unstable (m, i * 8 + b) || fm_prng_unit (&prng) < solid))
          cells[i] &= ~(1u << b);
    }
  lower = paired_lower_page (desc, page);
  if (lower != page && (variant == FM_TORN_SEEDED || variant == FM_TORN_LOWERPAGE) &&
      !damage_lower_page (image, desc, (guint64) block * desc->pages_per_block + lower, &prng, error))
    return FALSE;
  fm_image_set_page_programs (image, page_index, fm_image_page_programs (image, page_index) + 1);
  m->program_count++;
  m->program_time_ns = MAX (age_ns, 1);
  m->next_page = MAX (m->next_page, page + 1);
  return TRUE;
}

gboolean
fm_powercut_program (FmImage *image, const FmChipDesc *desc, guint64 page_index,
                     const guint8 *data, guint64 seed, guint64 age_ns, GError **error)
{
  return fm_powercut_program_as (image, desc, page_index, data, FM_TORN_SEEDED, seed, age_ns,
                                 error);
}

gboolean
fm_powercut_erase_as (FmImage *image, const FmChipDesc *desc, guint32 block,
                      FmTornVariant variant, guint64 seed, GError **error)
{
  gsize len = desc->page_size + desc->oob_size;
  FmBlockMeta *m = fm_image_block (image, block);
  guint64 first = (guint64) block * desc->pages_per_block;
  FmPrng prng;
  gdouble progress;
  gboolean late;

  if (!check_applies (variant, desc, FM_NAND_OP_ERASE, block, error))
    return FALSE;
  if (erase_refused (m))
    return TRUE; /* the erase would have failed without changing the cells */
  fm_prng_init (&prng, variant == FM_TORN_SEEDED ? seed : fm_hash64 (seed, STREAM_VARIANT, variant));
  if (variant == FM_TORN_SEEDED)
    late = fm_prng_below (&prng, LATE_CUT_ODDS) == 0;
  else
    late = variant == FM_TORN_MOSTLY_ERASED;
  if (late)
    progress = 1.0 - LATE_ERASE_LEFT * fm_prng_unit (&prng);
  else
    progress = 0.05 + 0.9 * fm_prng_unit (&prng);
  fm_powercut_settle (image, desc, block, fm_prng_next (&prng));
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
  return TRUE;
}

void
fm_powercut_erase (FmImage *image, const FmChipDesc *desc, guint32 block, guint64 seed)
{
  /* The seeded variant applies to every erase. */
  fm_powercut_erase_as (image, desc, block, FM_TORN_SEEDED, seed, NULL);
}
