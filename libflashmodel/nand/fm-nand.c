/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-nand-private.h"
#include "fm-error.h"
#include "fm-prng.h"
#include "fm-bit-errors.h"
#include "fm-vt-model.h"
#include "fm-bits.h"
#include "fm-on-die-ecc.h"
#include "fm-powercut.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* Independent random streams drawn from the image's seed. */
enum {
  STREAM_FACTORY_BAD_COUNT = 1,
  STREAM_FACTORY_BAD_PLACE = 2,
  STREAM_WEAROUT = 3,
  STREAM_BIT_ERRORS = 4,
  STREAM_FAULTS = 5,
  STREAM_UNSTABLE_READ = 6,
};

struct _FmNand {
  const FmChipDesc *desc;
  FmImage *image;
  FmClock clock;
  gboolean write_protect;
  gboolean pt_pin_high;    /* Macronix PT pin: read at a bus's power-on */
  guint64 *lun_ready_at;
  gsize page_bytes;
  FmNandStats stats;
  FmFaultSet *faults;      /* NULL: none */
  guint64 ops;             /* array operations so far (fault windows) */
  guint64 extra_busy_ns;   /* latency faults, added to the next busy time */
  guint64 age_base_ns;     /* chip age when this model was opened */
  FmNandObserver observer;
  gpointer observer_data;
  guint nop_limit;         /* partial programs per page; 0: unlimited */
  FmOnDieEcc *on_die;      /* NULL: the part has none */
  gboolean on_die_enabled;
  FmOnDieEccResult last_on_die; /* of the last read with it enabled */
  guint8 *encoded;         /* scratch: a page with on-die parity */
  guint64 power_cut_at;    /* the operation a power cut stopped; 0: powered */
  GError *storage_error;   /* the image's latest failure to store a program */
  gint16 read_offset_mv[FM_NAND_MAX_READ_REFS]; /* read retry: reference shifts */
};

static void
observe (FmNand *nand, FmNandOp op, guint64 index, const guint8 *data, FmArrayResult r)
{
  guint32 block = op == FM_NAND_OP_ERASE ? index : index / nand->desc->pages_per_block;
  const FmBlockMeta *m = fm_image_block (nand->image, block);
  FmNandEvent ev = {
    .op = op,
    .seq = nand->ops,
    .index = index,
    .data = data,
    .len = data ? nand->page_bytes : 0,
    .ok = r == FM_ARRAY_PASS,
    .applied = r != FM_ARRAY_FAIL_BAD_BLOCK && r != FM_ARRAY_FAIL_PROTECTED &&
               r != FM_ARRAY_FAIL_STORAGE,
    .interrupted = r == FM_ARRAY_FAIL_POWER_OFF,
    .age_ns = fm_nand_age_ns (nand),
    .erase_count = m->erase_count,
    .block_flags = m->flags,
    .page_programs = op == FM_NAND_OP_PROGRAM ? fm_image_page_programs (nand->image, index) : 0,
  };

  if (nand->observer)
    nand->observer (nand->observer_data, &ev);
}

static guint
marker_byte (const FmChipDesc *d)
{
  return d->page_size + d->bbm_offset * (d->bus_width / 8);
}

static guint
marker_page_list (const FmChipDesc *d, guint pages[3])
{
  guint n = 0;

  if (d->bbm_pages & FM_BBM_FIRST_PAGE)
    pages[n++] = 0;
  if (d->bbm_pages & FM_BBM_SECOND_PAGE)
    pages[n++] = 1;
  if (d->bbm_pages & FM_BBM_LAST_PAGE)
    pages[n++] = d->pages_per_block - 1;
  return n;
}

gboolean
fm_nand_image_block_marked_bad (const FmChipDesc *d, const FmImage *image, guint32 block)
{
  guint pages[3];
  guint n = marker_page_list (d, pages);

  for (guint i = 0; i < n; i++)
    {
      const guint8 *buf = fm_image_page (image, (guint64) block * d->pages_per_block + pages[i]);

      if (buf && buf[marker_byte (d)] != 0xff)
        return TRUE;
    }
  return FALSE;
}

/* Writes the factory marker (00h in every marker byte) straight into the
 * image: the factory does this, not the host's program command. */
static gboolean
place_factory_bad_block (FmImage *image, const FmChipDesc *d, guint32 block, GError **error)
{
  guint pages[3];
  guint n = marker_page_list (d, pages);

  for (guint i = 0; i < n; i++)
    {
      guint64 index = (guint64) block * d->pages_per_block + pages[i];
      guint8 *buf = fm_image_page_mut (image, index, error);

      if (!buf)
        return FALSE;
      memset (buf + marker_byte (d), 0x00, d->bus_width / 8);
      fm_image_set_page_programs (image, index, 1);
    }
  fm_image_block (image, block)->flags |= FM_BLOCK_FACTORY_BAD;
  return TRUE;
}

FmImage *
fm_nand_create_image (const FmChipDesc *d, const gchar *path,
                      const FmNandCreateOptions *options, GError **error)
{
  FmNandCreateOptions defaults = FM_NAND_CREATE_OPTIONS_DEFAULT;
  g_autoptr (FmImage) image = NULL;
  guint candidates = d->blocks_per_lun - d->guaranteed_valid_blocks;

  if (!options)
    options = &defaults;
  if (options->factory_bad_blocks > (gint) d->factory_bad_blocks_max)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "%d factory bad blocks requested, chip '%s' ships with at most %u per LUN",
                   options->factory_bad_blocks, d->name, d->factory_bad_blocks_max);
      return NULL;
    }
  image = fm_image_create (path, d, options->seed, error);
  if (!image)
    return NULL;

  for (guint lun = 0; lun < fm_chip_desc_all_luns (d); lun++)
    {
      guint count = options->factory_bad_blocks >= 0
        ? (guint) options->factory_bad_blocks
        : (guint) (fm_hash64 (options->seed, STREAM_FACTORY_BAD_COUNT, lun) % (d->factory_bad_blocks_max + 1));
      FmPrng prng;

      /* Distinct blocks after the guaranteed-valid ones; the chance of
       * a repeat is small, so drawing again is cheap. */
      fm_prng_init (&prng, fm_hash64 (options->seed, STREAM_FACTORY_BAD_PLACE, lun));
      for (guint placed = 0; placed < count;)
        {
          guint32 block = lun * d->blocks_per_lun + d->guaranteed_valid_blocks
                          + (guint32) fm_prng_below (&prng, candidates);

          if (fm_image_block (image, block)->flags & FM_BLOCK_FACTORY_BAD)
            continue;
          if (!place_factory_bad_block (image, d, block, error))
            {
              if (path)
                g_remove (path);
              return NULL;
            }
          placed++;
        }
    }
  fm_image_set_factory_initialised (image);
  return g_steal_pointer (&image);
}

FmNand *
fm_nand_new (const FmChipDesc *desc, FmImage *image, FmTimingMode timing, GError **error)
{
  FmNand *nand;

  if (!fm_image_check_chip (image, desc, error))
    {
      fm_image_close (image);
      return NULL;
    }
  if (!fm_image_is_factory_initialised (image))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_CORRUPT,
                   "%s: image was never finished (factory bad blocks not placed); create it again",
                   fm_image_path (image));
      fm_image_close (image);
      return NULL;
    }
  nand = g_new0 (FmNand, 1);
  nand->desc = desc;
  nand->image = image;
  nand->lun_ready_at = g_new0 (guint64, fm_chip_desc_all_luns (desc));
  nand->page_bytes = desc->page_size + desc->oob_size;
  nand->nop_limit = desc->nop;
  nand->on_die = fm_on_die_ecc_new (desc);
  /* A BENAND part's ECC is on from power-on and nothing switches it off. */
  nand->on_die_enabled = desc->on_die_ecc_benand;
  nand->encoded = g_malloc (nand->page_bytes);
  fm_clock_init (&nand->clock, timing);
  nand->age_base_ns = fm_image_age_ns (image);
  return nand;
}

void
fm_nand_free (FmNand *nand)
{
  if (!nand)
    return;
  fm_image_set_age_ns (nand->image, fm_nand_age_ns (nand));
  fm_image_close (nand->image);
  fm_fault_set_free (nand->faults);
  fm_on_die_ecc_free (nand->on_die);
  g_clear_error (&nand->storage_error);
  g_free (nand->encoded);
  g_free (nand->lun_ready_at);
  g_free (nand);
}

const FmChipDesc *
fm_nand_desc (const FmNand *nand)
{
  return nand->desc;
}

FmImage *
fm_nand_image (FmNand *nand)
{
  return nand->image;
}

FmClock *
fm_nand_clock (FmNand *nand)
{
  return &nand->clock;
}

gsize
fm_nand_page_bytes (const FmNand *nand)
{
  return nand->page_bytes;
}

guint64 *
fm_nand_lun_ready_at (FmNand *nand, guint lun)
{
  return &nand->lun_ready_at[lun];
}

const FmNandStats *
fm_nand_stats (const FmNand *nand)
{
  return &nand->stats;
}

void
fm_nand_set_write_protect (FmNand *nand, gboolean protect)
{
  nand->write_protect = protect;
}

gboolean
fm_nand_set_pt_pin (FmNand *nand, gboolean high, GError **error)
{
  if (!nand->desc->mxic_block_protection)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "chip %s has no PT pin (Macronix block protection)", nand->desc->name);
      return FALSE;
    }
  nand->pt_pin_high = high;
  return TRUE;
}

gboolean
fm_nand_pt_pin (const FmNand *nand)
{
  return nand->pt_pin_high;
}

gboolean
fm_nand_write_protected (const FmNand *nand)
{
  if (nand->write_protect)
    return TRUE;
  for (guint i = 0; nand->faults && i < fm_fault_set_len (nand->faults); i++)
    {
      FmFault *f = fm_fault_set_get (nand->faults, i);
      guint64 at = f->window_in_time ? fm_nand_age_ns (nand) : nand->ops;

      if (f->kind == FM_FAULT_READ_ONLY && at >= f->from && at < f->to)
        return TRUE;
    }
  return FALSE;
}

guint64
fm_nand_age_ns (const FmNand *nand)
{
  return nand->age_base_ns + fm_clock_now (&nand->clock);
}

void
fm_nand_advance_age (FmNand *nand, guint64 ns)
{
  nand->age_base_ns += ns;
}

gboolean
fm_nand_set_on_die_ecc (FmNand *nand, gboolean enabled, GError **error)
{
  if (enabled && !nand->on_die)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "chip '%s' has no on-die ECC", nand->desc->name);
      return FALSE;
    }
  nand->on_die_enabled = enabled;
  return TRUE;
}

gboolean
fm_nand_on_die_ecc_enabled (const FmNand *nand)
{
  return nand->on_die_enabled;
}

const FmOnDieEccResult *
fm_nand_last_on_die_ecc (const FmNand *nand)
{
  return &nand->last_on_die;
}

guint64
fm_nand_read_ns (const FmNand *nand)
{
  return nand->on_die_enabled ? nand->desc->t_r_ecc.typ_ns : nand->desc->t_r.typ_ns;
}

void
fm_nand_set_read_offsets (FmNand *nand, const gint16 *offsets_mv, guint n)
{
  memset (nand->read_offset_mv, 0, sizeof nand->read_offset_mv);
  memcpy (nand->read_offset_mv, offsets_mv, MIN (n, FM_NAND_MAX_READ_REFS) * sizeof *offsets_mv);
}

const gint16 *
fm_nand_read_offsets (const FmNand *nand)
{
  return nand->read_offset_mv;
}

void
fm_nand_set_nop_limit (FmNand *nand, guint limit)
{
  nand->nop_limit = limit;
}

void
fm_nand_set_observer (FmNand *nand, FmNandObserver func, gpointer user_data)
{
  nand->observer = func;
  nand->observer_data = user_data;
}

void
fm_nand_set_faults (FmNand *nand, FmFaultSet *faults)
{
  fm_fault_set_free (nand->faults);
  nand->faults = faults;
}

FmFaultSet *
fm_nand_faults (FmNand *nand)
{
  return nand->faults;
}

void
fm_nand_note_ecc (FmNand *nand, guint32 block, guint corrected_bits, gboolean failed)
{
  FmBlockMeta *m;

  if (block >= fm_chip_desc_blocks (nand->desc))
    return;
  m = fm_image_block (nand->image, block);
  m->ecc_corrected += corrected_bits;
  nand->stats.ecc_corrected += corrected_bits;
  if (failed)
    {
      m->ecc_failed++;
      nand->stats.ecc_failed++;
    }
}

const GError *
fm_nand_storage_error (const FmNand *nand)
{
  return nand->storage_error;
}

/* Keeps the image's latest failure to store a program (takes ERROR). */
static void
note_storage_error (FmNand *nand, GError *error)
{
  g_clear_error (&nand->storage_error);
  nand->storage_error = error;
}

guint64
fm_nand_take_extra_busy (FmNand *nand)
{
  guint64 ns = nand->extra_busy_ns;

  nand->extra_busy_ns = 0;
  return ns;
}

/* ---- fault injection ------------------------------------------------------ */

static guint64
fault_seed (const FmNand *nand, guint i)
{
  return fm_hash64 (fm_image_seed (nand->image), STREAM_FAULTS, i);
}

typedef enum {
  POWER_ON,   /* carry out the operation */
  POWER_TEAR, /* a cut interrupts it: the caller tears it and then is off */
  POWER_OFF,  /* no power: the operation never starts */
} PowerState;

/* Consults the powercut faults as an operation (number ops + 1) starts. */
static PowerState
power_before_op (FmNand *nand)
{
  if (nand->power_cut_at)
    return POWER_OFF;
  for (guint i = 0; nand->faults && i < fm_fault_set_len (nand->faults); i++)
    {
      FmFault *f = fm_fault_set_get (nand->faults, i);
      guint64 seq = nand->ops + 1;
      gboolean due;

      if (f->kind != FM_FAULT_POWERCUT)
        continue;
      /* A clean cut at N lets operation N complete and stops N + 1. */
      due = f->window_in_time ? fm_nand_age_ns (nand) >= f->from
                              : seq >= f->from + (f->clean ? 1 : 0);
      if (!due)
        continue;
      f->matched++;
      f->fired++;
      nand->power_cut_at = seq;
      return f->clean ? POWER_OFF : POWER_TEAR;
    }
  return POWER_ON;
}

guint64
fm_nand_operations (const FmNand *nand)
{
  return nand->ops;
}

gboolean
fm_nand_powered_off (const FmNand *nand)
{
  return nand->power_cut_at != 0;
}

guint64
fm_nand_power_cut_at (const FmNand *nand)
{
  return nand->power_cut_at;
}

static gboolean
block_matches (const FmFault *f, guint32 block)
{
  return f->block == FM_FAULT_ANY || f->block == block;
}

/* Latency faults for an operation of kind OP on BLOCK. */
static void
apply_latency_faults (FmNand *nand, FmFaultOp op, guint32 block)
{
  for (guint i = 0; nand->faults && i < fm_fault_set_len (nand->faults); i++)
    {
      FmFault *f = fm_fault_set_get (nand->faults, i);

      if (f->kind == FM_FAULT_LATENCY && (f->ops & op) && block_matches (f, block) &&
          fm_fault_trigger (f, fault_seed (nand, i)))
        nand->extra_busy_ns += f->extra_ns;
    }
}

/* Whether a fail fault of KIND fires for this program or erase. */
static gboolean
fail_fault_fires (FmNand *nand, FmFaultKind kind, guint32 block, guint page)
{
  gboolean fired = FALSE;

  for (guint i = 0; nand->faults && i < fm_fault_set_len (nand->faults); i++)
    {
      FmFault *f = fm_fault_set_get (nand->faults, i);

      if (f->kind == kind && block_matches (f, block) &&
          (f->page == FM_FAULT_ANY || f->page == page) &&
          fm_fault_trigger (f, fault_seed (nand, i)))
        fired = TRUE;
    }
  return fired;
}

/* Bit flips and stuck bits configured for PAGE_INDEX, applied to BUF. */
static guint
apply_read_faults (FmNand *nand, guint64 page_index, guint8 *buf)
{
  guint32 block = page_index / nand->desc->pages_per_block;
  guint page = page_index % nand->desc->pages_per_block;
  guint flips = 0;

  for (guint i = 0; nand->faults && i < fm_fault_set_len (nand->faults); i++)
    {
      FmFault *f = fm_fault_set_get (nand->faults, i);

      if (f->block != block || f->page != page)
        continue;
      if (f->kind == FM_FAULT_STUCK && f->byte < nand->page_bytes)
        {
          guint8 mask = 1u << f->bit;
          guint8 before = buf[f->byte];

          f->matched++;
          buf[f->byte] = f->value ? (before | mask) : (before & ~mask);
          if (buf[f->byte] != before)
            f->fired++;
        }
      else if (f->kind == FM_FAULT_BITFLIP && (f->always || f->fired == 0))
        {
          f->matched++;
          f->fired++;
          if (f->byte != FM_FAULT_ANY)
            {
              if (f->byte < nand->page_bytes)
                {
                  buf[f->byte] ^= 1u << f->bit;
                  flips++;
                }
            }
          else
            {
              /* COUNT distinct random bits, drawn anew on each firing. */
              FmPrng prng;
              g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
              guint64 bits = nand->page_bytes * 8;

              fm_prng_init (&prng, fm_hash64 (fault_seed (nand, i), f->fired, page_index));
              while (g_hash_table_size (seen) < MIN (f->count, bits))
                {
                  guint64 bit = fm_prng_below (&prng, bits);

                  if (g_hash_table_contains (seen, GSIZE_TO_POINTER (bit + 1)))
                    continue;
                  g_hash_table_add (seen, GSIZE_TO_POINTER (bit + 1));
                  buf[bit / 8] ^= 1u << (bit % 8);
                  flips++;
                }
            }
        }
    }
  return flips;
}

/* Grown-bad faults reached by BLOCK's erase count. */
static gboolean
grown_bad_fires (FmNand *nand, guint32 block, guint32 erase_count)
{
  gboolean fired = FALSE;

  for (guint i = 0; nand->faults && i < fm_fault_set_len (nand->faults); i++)
    {
      FmFault *f = fm_fault_set_get (nand->faults, i);

      if (f->kind == FM_FAULT_GROWN_BAD && f->block == block)
        {
          f->matched++;
          if (erase_count >= f->at_erase)
            {
              f->fired++;
              fired = TRUE;
            }
        }
    }
  return fired;
}

guint64
fm_nand_block_lifetime (const FmNand *nand, guint32 block)
{
  const FmChipDesc *d = nand->desc;
  gdouble u = fm_hash_unit (fm_image_seed (nand->image), STREAM_WEAROUT, block);
  /* Inverse CDF of Weibull(shape k, scale lambda): lambda * (-ln u)^(1/k). */
  gdouble cycles = d->wearout_scale * d->pe_cycles * pow (-log (u), 1.0 / d->wearout_shape);

  return cycles >= 1e18 ? G_MAXUINT64 : (guint64) cycles;
}

FmPagePairing
fm_nand_page_pairing (const FmChipDesc *d, guint page)
{
  FmPagePairing info = { page, 0 };

  if (d->pairing == FM_PAIRING_DIST3)
    {
      /* Linux's nand_pairing_dist3_get_info(): lower pages are page 0 and
       * the odd pages; an even page n > 0 is the upper page of the pair
       * whose lower page is n - 3 (n - 2 for the last page). */
      guint dist = page == d->pages_per_block - 1 ? 2 : 3;

      if (page == 0 || (page & 1))
        {
          info.group = 0;
          info.pair = (page + 1) / 2;
        }
      else
        {
          info.group = 1;
          info.pair = (page + 1 - dist) / 2;
        }
    }
  return info;
}

/* Program interference: how many of the word lines next to PAGE's (0..2)
 * hold a programmed page. A word line is a pair of an MLC's pages, a page
 * of an SLC's. */
static guint
neighbours_programmed (FmNand *nand, guint64 page_index)
{
  const FmChipDesc *d = nand->desc;
  guint page = page_index % d->pages_per_block;
  guint64 first = page_index - page;
  guint wordline = fm_nand_page_pairing (d, page).pair;
  gboolean below = FALSE, above = FALSE;
  guint lo, hi;

  /* Only where a neighbour's pages can be, not the whole block on every
   * read: dist3 puts word line w's pages at 2w - 1 (0) and 2w + 2 (2w + 1
   * for the last page), without pairing a page is its word line. */
  if (d->pairing == FM_PAIRING_DIST3)
    {
      lo = wordline > 3 ? 2 * wordline - 6 : 0;
      hi = 2 * wordline + 6;
    }
  else
    {
      lo = page ? page - 1 : 0;
      hi = page + 1;
    }
  for (guint p = lo; p <= MIN (hi, d->pages_per_block - 1); p++)
    {
      guint wl = fm_nand_page_pairing (d, p).pair;

      if ((wl + 1 == wordline || wl == wordline + 1) && fm_image_page_programs (nand->image, first + p))
        {
          below |= wl < wordline;
          above |= wl > wordline;
        }
    }
  return below + above;
}

/* Read retry sets one offset per reference the cell model reads with. */
G_STATIC_ASSERT (FM_NAND_MAX_READ_REFS == FM_VT_MAX_REFS);

/* Hours of chip time since block M's last program (0: never programmed). */
static gdouble
hours_since_program (const FmNand *nand, const FmBlockMeta *m)
{
  return m->program_time_ns && fm_nand_age_ns (nand) > m->program_time_ns
    ? (fm_nand_age_ns (nand) - m->program_time_ns) / 3.6e12 : 0.0;
}

void
fm_nand_cell_history (FmNand *nand, guint64 page_index, FmVtHistory *history, guint *page_bit)
{
  const FmChipDesc *d = nand->desc;
  const FmBlockMeta *m = fm_image_block (nand->image, page_index / d->pages_per_block);

  history->pe_cycles = m->erase_count;
  history->retention_hours = hours_since_program (nand, m);
  history->reads_since_erase = m->reads_since_erase;
  history->neighbours_programmed = neighbours_programmed (nand, page_index);
  *page_bit = fm_chip_desc_bits_per_cell (d) > 1
    ? fm_nand_page_pairing (d, page_index % d->pages_per_block).group : 0;
}

/* The threshold-voltage model's raw bit error rate of a read of PAGE_INDEX
 * at the references read retry set: for random data, or for erased cells
 * only when the page was never programmed. */
static gdouble
cell_model_rber (FmNand *nand, guint64 page_index, gboolean erased)
{
  const FmVtParams *p = nand->desc->cell_model;
  FmVtHistory history;
  guint page_bit;

  fm_nand_cell_history (nand, page_index, &history, &page_bit);
  if (erased)
    return fm_vt_state_rber (p, &history, 0, page_bit, nand->read_offset_mv);
  return fm_vt_page_rber (p, &history, page_bit, nand->read_offset_mv);
}

gboolean
fm_nand_array_read (FmNand *nand, guint64 page_index, guint8 *buf)
{
  const guint8 *stored = fm_image_page (nand->image, page_index);
  FmBlockMeta *m = fm_image_block (nand->image, page_index / nand->desc->pages_per_block);

  const FmChipDesc *d = nand->desc;
  guint flips = 0;

  /* A cut during a read changes no cell: only what follows is lost. */
  if (power_before_op (nand) != POWER_ON)
    {
      memset (buf, 0xff, nand->page_bytes);
      return FALSE;
    }
  if (stored)
    memcpy (buf, stored, nand->page_bytes);
  else
    memset (buf, 0xff, nand->page_bytes);
  if (m->unstable_page)
    fm_powercut_read_unstable (nand->image, page_index, buf, nand->page_bytes,
                               fm_hash64 (fm_hash64 (fm_image_seed (nand->image), STREAM_UNSTABLE_READ,
                                                     page_index), m->read_count, 0));
  if (d->cell_model || !fm_bit_error_model_is_none (&d->bit_errors))
    {
      gdouble rber = d->cell_model
        ? cell_model_rber (nand, page_index, stored == NULL)
        : fm_bit_error_rate (&d->bit_errors, d->pe_cycles, m->erase_count,
                             m->reads_since_erase, hours_since_program (nand, m));
      /* The block's read count makes every read of the page a new draw,
       * the same one for the same history. */
      guint64 seed = fm_hash64 (fm_hash64 (fm_image_seed (nand->image), STREAM_BIT_ERRORS, page_index),
                                m->read_count, 0);

      flips += fm_bit_errors_inject (buf, nand->page_bytes, rber, seed);
    }
  flips += apply_read_faults (nand, page_index, buf);
  apply_latency_faults (nand, FM_FAULT_OP_READ, page_index / d->pages_per_block);
  m->bitflips += flips;
  nand->stats.bitflips_injected += flips;
  if (nand->on_die_enabled)
    {
      /* A code whose parity the host cannot see compares with the cells. */
      fm_on_die_ecc_correct_stored (nand->on_die, buf, stored, &nand->last_on_die);
      fm_nand_note_ecc (nand, page_index / d->pages_per_block, nand->last_on_die.corrected,
                        nand->last_on_die.failed > 0);
    }
  m->read_count++;
  m->reads_since_erase++;
  nand->ops++;
  nand->stats.page_reads++;
  nand->stats.read_busy_ns += fm_nand_read_ns (nand);
  observe (nand, FM_NAND_OP_READ, page_index, buf, FM_ARRAY_PASS);
  return TRUE;
}

static FmArrayResult
array_program (FmNand *nand, guint64 page_index, const guint8 *buf)
{
  const FmChipDesc *d = nand->desc;
  guint32 block = page_index / d->pages_per_block;
  guint page = page_index % d->pages_per_block;
  FmBlockMeta *m = fm_image_block (nand->image, block);
  guint programs = fm_image_page_programs (nand->image, page_index);
  FmArrayResult result = FM_ARRAY_PASS;
  guint8 *cells = NULL;
  gboolean protected;

  nand->stats.page_programs++;
  nand->stats.program_busy_ns += d->t_prog.typ_ns;
  protected = fm_nand_write_protected (nand);
  nand->ops++;
  apply_latency_faults (nand, FM_FAULT_OP_PROGRAM, block);
  if (m->flags & FM_BLOCK_FACTORY_BAD)
    {
      nand->stats.program_failures++;
      return FM_ARRAY_FAIL_BAD_BLOCK;
    }
  if (protected)
    {
      nand->stats.program_failures++;
      return FM_ARRAY_FAIL_PROTECTED;
    }
  /* The cells change even when the program breaks a rule, so they need
   * room first; an all-ones buffer changes nothing and needs none. */
  if (!fm_bits_all_ones (buf, nand->page_bytes))
    {
      GError *local = NULL;

      /* Programming a page a power cut left torn pulses its cells
       * again: its unstable bits settle first, and the new zeros are
       * then as solid as any. */
      if (m->unstable_page == page + 1)
        fm_powercut_settle (nand->image, d, block,
                            fm_powercut_seed (fm_image_seed (nand->image), nand->ops));

      cells = fm_image_page_mut (nand->image, page_index, &local);
      if (!cells)
        {
          note_storage_error (nand, local);
          nand->stats.program_failures++;
          return FM_ARRAY_FAIL_STORAGE;
        }
    }
  if (m->flags & (FM_BLOCK_WORN_OUT | FM_BLOCK_GROWN_BAD))
    result = FM_ARRAY_FAIL_WORN_OUT;
  else if (nand->nop_limit && programs >= nand->nop_limit)
    result = FM_ARRAY_FAIL_NOP;
  else if (d->sequential_program && page + 1 < m->next_page)
    result = FM_ARRAY_FAIL_ORDER;
  else if (fail_fault_fires (nand, FM_FAULT_PROGRAM_FAIL, block, page))
    {
      result = FM_ARRAY_FAIL_INJECTED;
      m->faults++;
    }

  if (cells)
    fm_bits_and_into (cells, buf, nand->page_bytes);
  fm_image_set_page_programs (nand->image, page_index, programs + 1);
  m->program_count++;
  m->program_time_ns = MAX (fm_nand_age_ns (nand), 1);
  m->next_page = MAX (m->next_page, page + 1);
  if (result != FM_ARRAY_PASS)
    nand->stats.program_failures++;
  return result;
}

static FmArrayResult
array_erase (FmNand *nand, guint32 block)
{
  FmBlockMeta *m = fm_image_block (nand->image, block);
  gboolean protected;

  nand->stats.block_erases++;
  nand->stats.erase_busy_ns += nand->desc->t_bers.typ_ns;
  protected = fm_nand_write_protected (nand);
  nand->ops++;
  apply_latency_faults (nand, FM_FAULT_OP_ERASE, block);
  if (m->flags & FM_BLOCK_FACTORY_BAD)
    {
      nand->stats.erase_failures++;
      return FM_ARRAY_FAIL_BAD_BLOCK;
    }
  if (protected)
    {
      nand->stats.erase_failures++;
      return FM_ARRAY_FAIL_PROTECTED;
    }
  if (!(m->flags & (FM_BLOCK_WORN_OUT | FM_BLOCK_GROWN_BAD)))
    {
      m->erase_count++;
      if (m->erase_count > fm_nand_block_lifetime (nand, block))
        m->flags |= FM_BLOCK_WORN_OUT;
      else if (grown_bad_fires (nand, block, m->erase_count))
        {
          m->flags |= FM_BLOCK_GROWN_BAD;
          m->faults++;
        }
    }
  if (m->flags & (FM_BLOCK_WORN_OUT | FM_BLOCK_GROWN_BAD))
    {
      nand->stats.erase_failures++;
      return FM_ARRAY_FAIL_WORN_OUT;
    }
  /* An injected erase failure leaves the block as it was. */
  if (fail_fault_fires (nand, FM_FAULT_ERASE_FAIL, block, FM_FAULT_ANY))
    {
      m->faults++;
      nand->stats.erase_failures++;
      return FM_ARRAY_FAIL_INJECTED;
    }
  fm_image_clear_block (nand->image, block);
  m->next_page = 0;
  m->reads_since_erase = 0;
  return FM_ARRAY_PASS;
}

FmArrayResult
fm_nand_array_program (FmNand *nand, guint64 page_index, const guint8 *buf)
{
  PowerState power = power_before_op (nand);
  FmArrayResult r;

  if (power == POWER_OFF)
    return FM_ARRAY_FAIL_POWER_OFF;
  /* The chip writes its parity over whatever the host put there. */
  if (nand->on_die_enabled)
    {
      memcpy (nand->encoded, buf, nand->page_bytes);
      fm_on_die_ecc_encode (nand->on_die, nand->encoded);
      buf = nand->encoded;
    }
  if (power == POWER_TEAR)
    {
      GError *local = NULL;

      nand->ops++;
      nand->stats.page_programs++;
      nand->stats.program_failures++;
      /* Without room the torn page is not stored: the chip is off all
       * the same, and the frontend shows why the image lacks it. */
      if (!fm_powercut_program (nand->image, nand->desc, page_index, buf,
                                fm_powercut_seed (fm_image_seed (nand->image), nand->ops),
                                fm_nand_age_ns (nand), &local))
        note_storage_error (nand, local);
      r = FM_ARRAY_FAIL_POWER_OFF;
    }
  else
    r = array_program (nand, page_index, buf);

  observe (nand, FM_NAND_OP_PROGRAM, page_index, buf, r);
  return r;
}

FmArrayResult
fm_nand_array_erase (FmNand *nand, guint32 block)
{
  PowerState power = power_before_op (nand);
  FmArrayResult r;

  if (power == POWER_OFF)
    return FM_ARRAY_FAIL_POWER_OFF;
  if (power == POWER_TEAR)
    {
      nand->ops++;
      nand->stats.block_erases++;
      nand->stats.erase_failures++;
      fm_powercut_erase (nand->image, nand->desc, block,
                         fm_powercut_seed (fm_image_seed (nand->image), nand->ops));
      r = FM_ARRAY_FAIL_POWER_OFF;
    }
  else
    r = array_erase (nand, block);

  observe (nand, FM_NAND_OP_ERASE, block, NULL, r);
  return r;
}

const gchar *
fm_array_result_to_string (FmArrayResult result)
{
  switch (result)
    {
    case FM_ARRAY_PASS: return "pass";
    case FM_ARRAY_FAIL_BAD_BLOCK: return "factory bad block";
    case FM_ARRAY_FAIL_WORN_OUT: return "block worn out";
    case FM_ARRAY_FAIL_NOP: return "partial program limit (NOP) exceeded";
    case FM_ARRAY_FAIL_ORDER: return "pages of this block must be programmed in ascending order";
    case FM_ARRAY_FAIL_INJECTED: return "injected fault";
    case FM_ARRAY_FAIL_PROTECTED: return "write protected";
    case FM_ARRAY_FAIL_POWER_OFF: return "power cut";
    case FM_ARRAY_FAIL_STORAGE: return "the image file has no room for the data";
    }
  return "unknown";
}

/* ---- page-level API ---------------------------------------------------- */

static gboolean
check_page (const FmNand *nand, guint32 block, guint32 page, GError **error)
{
  const FmChipDesc *d = nand->desc;

  if (block >= fm_chip_desc_blocks (d) || page >= d->pages_per_block)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "block %u page %u is outside chip '%s' (%u blocks of %u pages)",
                   block, page, d->name, fm_chip_desc_blocks (d), d->pages_per_block);
      return FALSE;
    }
  return TRUE;
}

/* Waits until the block's LUN is free, then occupies it for NS plus any
 * latency a fault injected into the operation just carried out. */
static void
occupy_lun (FmNand *nand, guint32 block, guint64 ns)
{
  guint lun = block / nand->desc->blocks_per_lun;
  guint64 start = MAX (fm_clock_now (&nand->clock), nand->lun_ready_at[lun]);
  guint64 end = start + fm_clock_duration (&nand->clock, ns + fm_nand_take_extra_busy (nand));

  fm_clock_wait_until (&nand->clock, end);
  nand->lun_ready_at[lun] = end;
}

static gboolean
check_powered (const FmNand *nand, GError **error)
{
  if (nand->power_cut_at)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_POWER_OFF,
                   "chip '%s' has no power since the power cut at operation %" G_GUINT64_FORMAT,
                   nand->desc->name, nand->power_cut_at);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_writable (const FmNand *nand, GError **error)
{
  if (fm_nand_write_protected (nand))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_WRITE_PROTECTED,
                   "chip '%s' is write protected (WP# asserted)", nand->desc->name);
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_nand_read_page (FmNand *nand, guint32 block, guint32 page, guint8 *buf, GError **error)
{
  if (!check_page (nand, block, page, error))
    return FALSE;
  if (!fm_nand_array_read (nand, (guint64) block * nand->desc->pages_per_block + page, buf))
    return check_powered (nand, error);
  occupy_lun (nand, block, fm_nand_read_ns (nand));
  return TRUE;
}

gboolean
fm_nand_read_partial (FmNand *nand, guint32 block, guint32 page, guint column,
                      guint8 *buf, gsize len, GError **error)
{
  g_autofree guint8 *reg = NULL;

  if (column > nand->page_bytes || len > nand->page_bytes - column)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "bytes %u..%" G_GSIZE_FORMAT " are outside a %" G_GSIZE_FORMAT "-byte page",
                   column, column + len, nand->page_bytes);
      return FALSE;
    }
  reg = g_malloc (nand->page_bytes);
  if (!fm_nand_read_page (nand, block, page, reg, error))
    return FALSE;
  memcpy (buf, reg + column, len);
  return TRUE;
}

gboolean
fm_nand_program_page (FmNand *nand, guint32 block, guint32 page, const guint8 *buf, GError **error)
{
  FmArrayResult r;

  if (!check_page (nand, block, page, error) || !check_writable (nand, error))
    return FALSE;
  r = fm_nand_array_program (nand, (guint64) block * nand->desc->pages_per_block + page, buf);
  if (r == FM_ARRAY_FAIL_POWER_OFF)
    return check_powered (nand, error);
  occupy_lun (nand, block, nand->desc->t_prog.typ_ns);
  if (r == FM_ARRAY_FAIL_STORAGE)
    {
      /* The host's trouble, not the chip's: an I/O error. */
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "program of block %u page %u failed: %s",
                   block, page, nand->storage_error->message);
      return FALSE;
    }
  if (r != FM_ARRAY_PASS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_PROGRAM_FAILED,
                   "program of block %u page %u failed: %s", block, page, fm_array_result_to_string (r));
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_nand_erase_block (FmNand *nand, guint32 block, GError **error)
{
  FmArrayResult r;

  if (!check_page (nand, block, 0, error) || !check_writable (nand, error))
    return FALSE;
  r = fm_nand_array_erase (nand, block);
  if (r == FM_ARRAY_FAIL_POWER_OFF)
    return check_powered (nand, error);
  occupy_lun (nand, block, nand->desc->t_bers.typ_ns);
  if (r != FM_ARRAY_PASS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_ERASE_FAILED,
                   "erase of block %u failed: %s", block, fm_array_result_to_string (r));
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_nand_block_is_bad (FmNand *nand, guint32 block, gboolean *bad, GError **error)
{
  const FmChipDesc *d = nand->desc;
  guint pages[3];
  guint n = marker_page_list (d, pages);

  *bad = FALSE;
  for (guint i = 0; i < n && !*bad; i++)
    {
      guint8 marker;

      if (!fm_nand_read_partial (nand, block, pages[i], marker_byte (d), &marker, 1, error))
        return FALSE;
      *bad = marker != 0xff;
    }
  return TRUE;
}

gboolean
fm_nand_mark_bad (FmNand *nand, guint32 block, GError **error)
{
  const FmChipDesc *d = nand->desc;
  g_autofree guint8 *buf = NULL;
  guint pages[3];
  guint n = marker_page_list (d, pages);
  GError *first_error = NULL;

  if (!check_page (nand, block, 0, error) || !check_writable (nand, error))
    return FALSE;
  /* Linux erases first so that the marker can be programmed; the block
   * being bad, the erase may well fail, which changes nothing here. */
  fm_nand_erase_block (nand, block, NULL);
  buf = g_malloc (nand->page_bytes);
  memset (buf, 0xff, nand->page_bytes);
  memset (buf + marker_byte (d), 0x00, d->bus_width / 8);
  for (guint i = 0; i < n; i++)
    {
      GError *local = NULL;

      if (!fm_nand_program_page (nand, block, pages[i], buf, &local))
        {
          if (!first_error)
            first_error = local;
          else
            g_error_free (local);
        }
    }
  if (first_error)
    {
      g_propagate_prefixed_error (error, first_error, "marking block %u bad: ", block);
      return FALSE;
    }
  return TRUE;
}
