/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What losing power in the middle of an array operation leaves in the
 * cells, as flash file systems meet it after a reboot:
 *  - an interrupted program leaves each bit it was clearing cleared, still
 *    at 1, or in between: such a bit reads back differently from one read
 *    to the next;
 *  - on MLC parts, an interrupted upper-page program also destroys the
 *    data of its paired lower page, which shares the same cells;
 *  - an interrupted erase leaves the block partly erased: some of its
 *    programmed bits are back at 1, the rest are not.
 * Most cuts land mid-operation; one in five lands in the last pulses and
 * leaves only a few bits short, a page or block that may look fine.
 * SEED decides how far the operation got, so the same cut gives the same
 * image. Both replay (fm-replay.h) and live power cuts (a "powercut"
 * fault) use these, so the two agree bit for bit.
 *
 * A campaign may instead ask for one named outcome (FmTornVariant), so
 * that each kind of damage is met at every operation rather than where
 * the seed happens to put it.
 */
#pragma once

#include "fm-chip-desc.h"
#include "fm-image.h"
#include "fm-nand.h"

G_BEGIN_DECLS

typedef enum {
  FM_CUT_CLEAN, /* power went between operations: the last one completed */
  FM_CUT_TORN,  /* power went during the last operation */
} FmCutKind;

/* What a torn operation leaves, named after it. SEEDED is what a live
 * cut leaves: the chip's seed picks how far the operation got (as the
 * others do, but with the odds above), and a torn MLC upper page always
 * takes its lower page with it. The others each leave one outcome: */
typedef enum {
  FM_TORN_SEEDED,
  /* programs: of the bits being cleared, under half programmed (5-50%),
   * the rest split between unstable and still 1 */
  FM_TORN_SOMEBITS,
  /* programs: most programmed (50-95%), the rest unstable or still 1 */
  FM_TORN_MOSTBITS,
  /* programs cut in their last pulses: all programmed but 1 to 4 bits
   * that read back at random and up to 4 still 1 (a page ECC may pass) */
  FM_TORN_UNSTABLE,
  /* MLC upper-page programs: the page cut mid-way (5-95%) and its paired
   * lower page destroyed. The three above leave the lower page intact. */
  FM_TORN_LOWERPAGE,
  /* erases: 5-95% of the block's programmed bits back at 1 */
  FM_TORN_PARTLY_ERASED,
  /* erases cut in their last pulses: all but about 2 in 10^4 of the
   * programmed bits back at 1 (pages that look erased, or nearly) */
  FM_TORN_MOSTLY_ERASED,
} FmTornVariant;

#define FM_TORN_N_VARIANTS 7

/* "seeded", "somebits", "mostbits", "unstable", "lowerpage",
 * "partly-erased", "mostly-erased". */
const gchar *fm_torn_variant_to_string (FmTornVariant variant);
gboolean fm_torn_variant_from_string (const gchar *text, FmTornVariant *variant,
                                      GError **error);
/* Whether VARIANT is something a cut of operation OP on INDEX (a page, or
 * a block for an erase) of DESC's chip can leave: program variants for
 * programs (lowerpage only for MLC upper pages), erase variants for
 * erases, only SEEDED (which changes nothing) for reads. */
gboolean fm_torn_variant_applies (FmTornVariant variant, const FmChipDesc *desc,
                                  FmNandOp op, guint64 index);
/* Whether tearing OP on INDEX leaves IMAGE as it is, whatever the
 * variant: reads, and operations the chip refuses on a bad block. */
gboolean fm_powercut_changes_nothing (FmImage *image, const FmChipDesc *desc,
                                      FmNandOp op, guint64 index);

/* Parses "clean" or "torn". */
gboolean fm_cut_kind_from_string (const gchar *text, FmCutKind *kind, GError **error);
const gchar *fm_cut_kind_to_string (FmCutKind kind);

/* DATA: the page + OOB bytes the program was writing. AGE_NS: when.
 * These leave what a live cut leaves (FM_TORN_SEEDED). */
gboolean fm_powercut_program (FmImage *image, const FmChipDesc *desc,
                              guint64 page_index, const guint8 *data,
                              guint64 seed, guint64 age_ns, GError **error);
void     fm_powercut_erase   (FmImage *image, const FmChipDesc *desc,
                              guint32 block, guint64 seed);
/* The same, leaving VARIANT, which must apply (fm_torn_variant_applies();
 * else an FM_ERROR_INVALID). */
gboolean fm_powercut_program_as (FmImage *image, const FmChipDesc *desc,
                                 guint64 page_index, const guint8 *data,
                                 FmTornVariant variant, guint64 seed,
                                 guint64 age_ns, GError **error);
gboolean fm_powercut_erase_as   (FmImage *image, const FmChipDesc *desc,
                                 guint32 block, FmTornVariant variant,
                                 guint64 seed, GError **error);

/* Gives the unstable bits of PAGE_INDEX in BUF (its stored bytes) fresh
 * values drawn from DRAW_SEED. Returns how many unstable bits it has.
 * Unstable bits are bits the torn program was clearing, never bits an
 * earlier program of the page left at 0. */
guint    fm_powercut_read_unstable (FmImage *image, guint64 page_index,
                                    guint8 *buf, gsize len, guint64 draw_seed);
/* BLOCK's torn page, if it has one, settles: its unstable bits keep the
 * values SEED draws, and it is torn no more (before another cut in the
 * block, or a program of the page). */
void     fm_powercut_settle (FmImage *image, const FmChipDesc *desc, guint32 block,
                             guint64 seed);

/* The seed a cut of operation SEQ (1-based) of a chip seeded CHIP_SEED
 * uses, so that replay and live cuts draw the same. */
guint64  fm_powercut_seed (guint64 chip_seed, guint64 seq);
/* The same drawn again for TEAR_SEED (a campaign's --tear-seed); 0 gives
 * fm_powercut_seed(), the draw of a live cut. */
guint64  fm_powercut_seed_for (guint64 chip_seed, guint64 seq, guint64 tear_seed);

G_END_DECLS
