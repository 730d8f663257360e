/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A NOR chip's cells: byte-addressed reads, programs that only clear bits,
 * and sector erases, with the part's erase-sector layout and timing. The
 * command-level models (fm-nor-cfi.h for parallel CFI parts, fm-spi-nor.h
 * for serial parts) and the MUSE frontend all drive this.
 *
 * The cells live in the same array as a NAND chip's (an FmNand over the
 * geometry fm-chip-desc.c derives for NOR parts: page = program buffer,
 * block = smallest erase sector, no spare area, no partial-program limit).
 * So per-sector erase/program/read counters, endurance (a Weibull lifetime
 * per sector), fault injection, journals, replay and power cuts are the
 * NAND ones, unchanged: a NOR program of N bytes is a program of the page
 * holding them with every other byte FFh (programming a 1 changes
 * nothing), and erasing a large sector erases each of its blocks.
 *
 * Reads go through a one-page read buffer, like the page buffer of
 * page-mode NOR: the first byte read from a page loads it (one array read:
 * counted, journaled, and subject to read faults), later bytes of the
 * same page come from the buffer until a program or erase touches it.
 */
#pragma once

#include "fm-nand.h"

G_BEGIN_DECLS

typedef struct _FmNor FmNor;

/* A fresh, fully erased image (PATH NULL: in memory). Fails for NAND parts. */
FmImage *fm_nor_create_image (const FmChipDesc *desc, const gchar *path,
                              guint64 seed, GError **error);

/* Takes ownership of IMAGE (closed on failure too). */
FmNor   *fm_nor_new  (const FmChipDesc *desc, FmImage *image,
                      FmTimingMode timing, GError **error);
void     fm_nor_free (FmNor *nor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmNor, fm_nor_free)

const FmChipDesc *fm_nor_desc  (const FmNor *nor);
guint64           fm_nor_size  (const FmNor *nor);
FmClock          *fm_nor_clock (FmNor *nor);
/* The cell array: faults, the journal observer, statistics, power state,
 * write protection (fm-nand.h). */
FmNand           *fm_nor_cells (FmNor *nor);

/* The erase sector holding ADDR in the part's CFI layout (for SPI parts:
 * the smallest erase type). FALSE when ADDR is beyond the chip. */
gboolean fm_nor_sector_at (const FmNor *nor, guint64 addr,
                           guint64 *start, guint32 *size);

/* ---- untimed cell operations, for command-level models ----
 * These change the cells at once and take no time: the caller keeps the
 * chip busy (fm_nor_ready_at) for the duration it reports on its bus. */

/* FALSE (BUF all FFh) only when the chip has no power. */
gboolean      fm_nor_cells_read    (FmNor *nor, guint64 addr, guint8 *buf, gsize len);
/* ANDs DATA into the cells; one array program per page touched. */
FmArrayResult fm_nor_cells_program (FmNor *nor, guint64 addr, const guint8 *data,
                                    gsize len);
/* [ADDR, ADDR + LEN) must be whole blocks (fm_nor_desc()->nor.granule).
 * A failing block does not stop the others (a power cut does); the first
 * failure is reported. */
FmArrayResult fm_nor_cells_erase   (FmNor *nor, guint64 addr, guint64 len);

/* Clock time at which the chip finishes what it is doing. */
guint64 *fm_nor_ready_at (FmNor *nor);
/* Nominal (typical) time to program LEN bytes in one operation (a word
 * program up to 2 bytes, else a buffer/page program), to
 * erase the sector or erase type of SIZE bytes, and the whole chip. */
guint64  fm_nor_program_ns    (const FmNor *nor, gsize len);
guint64  fm_nor_erase_ns      (const FmNor *nor, guint64 size);
guint64  fm_nor_chip_erase_ns (const FmNor *nor);
/* Waits for the chip, then keeps it busy for NS plus any latency a fault
 * injected into the operation just carried out. */
void     fm_nor_occupy (FmNor *nor, guint64 ns);
/* The same without waiting, for command-level models whose host polls:
 * the chip is busy from now until the time returned. */
guint64  fm_nor_start_busy (FmNor *nor, guint64 ns);
/* Whether the clock has not reached fm_nor_ready_at() yet. */
gboolean fm_nor_busy (FmNor *nor);

/* ---- timed, checked operations, for frontends that act as the host ----
 * Each waits for the chip and takes its nominal time. Programs are split
 * at program-buffer boundaries; an erase range must be whole erase
 * sectors. Errors: FM_ERROR_OUT_OF_RANGE, FM_ERROR_WRITE_PROTECTED,
 * FM_ERROR_PROGRAM_FAILED, FM_ERROR_ERASE_FAILED, FM_ERROR_POWER_OFF. */
gboolean fm_nor_read    (FmNor *nor, guint64 addr, guint8 *buf, gsize len,
                         GError **error);
gboolean fm_nor_program (FmNor *nor, guint64 addr, const guint8 *data, gsize len,
                         GError **error);
gboolean fm_nor_erase   (FmNor *nor, guint64 addr, guint64 len, GError **error);

G_END_DECLS
