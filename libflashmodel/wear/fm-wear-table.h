/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot of a chip's per-block wear: what every block went through
 * (erases, programs, reads, bit flips, ECC results, faults, bad flags) and
 * the chip facts needed to judge it. Taken from an image or a live model,
 * written as CSV and JSON, and read back from CSV, so that a report can be
 * made from a saved or live statistics directory as from an image.
 */
#pragma once

#include "fm-chip-desc.h"
#include "fm-image.h"
#include "fm-nand.h"

G_BEGIN_DECLS

typedef struct {
  guint32 erase_count, program_count, read_count;
  gboolean factory_bad, worn_out, marked_bad, grown_bad;
  guint64 bitflips;
  guint32 ecc_corrected, ecc_failed, faults;
} FmWearBlock;

typedef struct {
  gchar *source;             /* the image's path, or what the table came from */
  gchar *chip, *vendor, *part;
  guint64 seed;
  guint32 pages_per_block;
  guint32 pe_cycles;         /* rated endurance, 0 if unknown */
  guint64 age_ns;            /* the chip's virtual age */
  guint32 n_blocks;
  FmWearBlock *blocks;
} FmWearTable;

/* Totals over the blocks, for summaries. */
typedef struct {
  guint64 programs, reads, bitflips, ecc_corrected, ecc_failed, faults;
  guint32 factory_bad, worn_out, marked_bad, grown_bad;
  guint32 bad;               /* blocks with any of the four */
} FmWearTotals;

/* The header line of the CSV form, without its newline. */
#define FM_WEAR_CSV_HEADER \
  "block,erase_count,program_count,read_count,factory_bad,worn_out,marked_bad," \
  "grown_bad,bitflips,ecc_corrected,ecc_failed,faults"

/* A table with chip facts only: no blocks yet (see fm_wear_table_read_csv()). */
FmWearTable *fm_wear_table_new (const gchar *source);
/* SOURCE may be NULL (a volatile image). */
FmWearTable *fm_wear_table_new_from_image (const FmChipDesc *desc, FmImage *image,
                                           const gchar *source);
/* A live model: as its image, with the model's own age. */
FmWearTable *fm_wear_table_new_from_nand (const FmChipDesc *desc, FmNand *nand,
                                          const gchar *source);
void         fm_wear_table_free (FmWearTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmWearTable, fm_wear_table_free)

/* Whether the block counts as bad in a report: marked, factory bad, worn
 * out or grown bad. */
gboolean     fm_wear_block_is_bad (const FmWearBlock *block);
void         fm_wear_table_totals (const FmWearTable *table, FmWearTotals *out);

/* FM_WEAR_CSV_HEADER and one row per block, each line ending in '\n'. */
gchar       *fm_wear_table_csv (const FmWearTable *table);
/* Replaces TABLE's blocks with those of TEXT, the CSV form: the header,
 * then blocks 0, 1, ... in order, every field a decimal integer, the flags
 * 0 or 1. WHAT names TEXT in errors (which give the line). */
gboolean     fm_wear_table_read_csv (FmWearTable *table, const gchar *text,
                                     const gchar *what, GError **error);

/* "BLOCK REASON[,REASON...]\n" per bad block, reasons among factory,
 * worn-out, grown-bad and marked. */
gchar       *fm_wear_table_bad_blocks (const FmWearTable *table);

G_END_DECLS
