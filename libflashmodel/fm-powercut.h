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
 */
#pragma once

#include "fm-chip-desc.h"
#include "fm-image.h"

G_BEGIN_DECLS

typedef enum {
  FM_CUT_CLEAN, /* power went between operations: the last one completed */
  FM_CUT_TORN,  /* power went during the last operation */
} FmCutKind;

/* Parses "clean" or "torn". */
gboolean fm_cut_kind_from_string (const gchar *text, FmCutKind *kind, GError **error);
const gchar *fm_cut_kind_to_string (FmCutKind kind);

/* DATA: the page + OOB bytes the program was writing. AGE_NS: when. */
gboolean fm_powercut_program (FmImage *image, const FmChipDesc *desc,
                              guint64 page_index, const guint8 *data,
                              guint64 seed, guint64 age_ns, GError **error);
void     fm_powercut_erase   (FmImage *image, const FmChipDesc *desc,
                              guint32 block, guint64 seed);

/* Gives the unstable bits of PAGE_INDEX in BUF (its stored bytes) fresh
 * values drawn from DRAW_SEED. Returns how many unstable bits it has. */
guint    fm_powercut_read_unstable (FmImage *image, guint64 page_index,
                                    guint8 *buf, gsize len, guint64 draw_seed);

/* The seed a cut of operation SEQ (1-based) of a chip seeded CHIP_SEED
 * uses, so that replay and live cuts draw the same. */
guint64  fm_powercut_seed (guint64 chip_seed, guint64 seq);

G_END_DECLS
