/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dumps of real NAND chips, as nanddump and chip programmers write them,
 * imported into images and exported back.
 *
 * Formats (each holds whole erase blocks, pages in order):
 *   data         page data only; OOB reads as all FFh on import and is
 *                dropped on export;
 *   interleaved  page data then its OOB, page after page (nanddump --oob,
 *                most programmers);
 *   separate     a data file as "data" plus an OOB file with oob_size
 *                bytes per page;
 *   syndrome     the physical pages of a controller with Linux's
 *                NAND_ECC_PLACEMENT_INTERLEAVED ("syndrome") ECC: for each
 *                ECC step [data][prepad][ECC][postpad], then the rest of
 *                the spare bytes. The image holds the logical page Linux
 *                presents (the steps' data, then for each step
 *                prepad+ECC+postpad, then the rest), which is what
 *                muse-chip serves; the conversion is a permutation of the
 *                page's bytes, so export gives the dump back bit for bit.
 *
 * The core works on memory buffers (fm_dump_import, fm_dump_export), so
 * it can be fuzzed: any bytes give an import or a GError, never a crash.
 * fm_dump_import_file and fm_dump_export_file put files around it.
 */
#pragma once

#include "fm-chip-desc.h"
#include "fm-image.h"

G_BEGIN_DECLS

typedef enum {
  FM_DUMP_AUTO,         /* import: separate with an OOB file, else data or
                         * interleaved by size (never syndrome); export:
                         * separate with an OOB file, else interleaved */
  FM_DUMP_DATA,
  FM_DUMP_INTERLEAVED,
  FM_DUMP_SEPARATE,
  FM_DUMP_SYNDROME,
} FmDumpFormat;

/* One ECC step of a syndrome layout, in bytes. */
typedef struct {
  guint step;     /* data bytes per step; divides the page size */
  guint ecc;
  guint prepad;
  guint postpad;
} FmDumpSyndrome;

typedef struct {
  FmDumpFormat format;
  FmDumpSyndrome syndrome;   /* FM_DUMP_SYNDROME only */
} FmDumpLayout;

/* Called after each block: DONE of TOTAL blocks. */
typedef void (*FmDumpProgress) (guint64 done, guint64 total, gpointer user_data);

typedef struct {
  FmDumpLayout layout;
  guint32 start_block;      /* the chip block the dump's first block is */
  guint32 blocks;           /* export: how many blocks (0: to the last) */
  guint64 seed;             /* import file: the new image's seed */
  gboolean force;           /* files: replace an existing output */
  FmDumpProgress progress;  /* NULL: none */
  gpointer progress_data;
  /* If not NULL, looked at between blocks: once non-zero (a signal
   * handler sets it), import and export stop with an error, their
   * files removed. */
  const volatile gint *cancel;
} FmDumpOptions;

#define FM_DUMP_OPTIONS_DEFAULT { { FM_DUMP_AUTO, { 0, 0, 0, 0 } }, 0, 0, 1, FALSE, NULL, NULL, NULL }

/* What an import did. */
typedef struct {
  FmDumpFormat format;      /* the format used (AUTO resolved) */
  guint32 first_block;
  guint32 blocks;           /* blocks the dump covered */
  guint64 pages_stored;     /* pages not all FFh */
  guint32 bad_blocks;       /* blocks carrying a bad block marker */
} FmDumpStats;

/* The dump's bytes: DATA is the dump (the data file for separate), OOB
 * the OOB file (separate only, else NULL; an empty one is given as a
 * non-NULL pointer with OOB_LEN 0). The names are used in messages
 * (NULL: "dump", "OOB file"). */
typedef struct {
  const guint8 *data;
  gsize data_len;
  const gchar *data_name;
  const guint8 *oob;
  gsize oob_len;
  const gchar *oob_name;
} FmDumpBuffers;

/* "auto", "data", "interleaved", "separate", "syndrome". */
const gchar *fm_dump_format_to_string   (FmDumpFormat format);
gboolean     fm_dump_format_from_string (const gchar *text, FmDumpFormat *format,
                                         GError **error);
/* "STEP,ECC[,PREPAD[,POSTPAD]]", decimal. */
gboolean     fm_dump_syndrome_from_string (const gchar *text, FmDumpSyndrome *syndrome,
                                           GError **error);
/* The syndrome parameters fit the chip's page: page_size % step == 0 and
 * steps * (step + prepad + ecc + postpad) <= page_size + oob_size. Other
 * formats always pass. */
gboolean     fm_dump_layout_check (const FmDumpLayout *layout, const FmChipDesc *desc,
                                   GError **error);

/* Bytes of one erase block in FORMAT's dump file (separate: the data
 * file); 0 for FM_DUMP_AUTO. */
guint64      fm_dump_block_bytes (const FmChipDesc *desc, FmDumpFormat format);

/* Decides data or interleaved from a dump of SIZE bytes starting at
 * START_BLOCK: the one format in which SIZE is a whole number of erase
 * blocks that fit in the chip. Both (e.g. 32 blocks with OOB = 33
 * without) or neither is an FM_ERROR_DUMP_FORMAT error that gives the
 * size and both block sizes and asks for the format. */
gboolean     fm_dump_detect (const FmChipDesc *desc, const gchar *name, guint64 size,
                             guint32 start_block, FmDumpFormat *format, GError **error);

/* Checks that dump files of these sizes in FORMAT (not AUTO) hold whole
 * erase blocks (whole pages of OOB for separate) that fit in the chip
 * from START_BLOCK; sets *BLOCKS to their number. */
gboolean     fm_dump_count_blocks (const FmChipDesc *desc, FmDumpFormat format,
                                   const gchar *data_name, guint64 data_len,
                                   const gchar *oob_name, guint64 oob_len,
                                   guint32 start_block, guint32 *blocks,
                                   GError **error);

/*
 * Imports the dump into IMAGE (made for DESC) from options->start_block
 * on. Pages whose data and OOB are all FFh stay erased; every other page
 * is stored as programmed once; a block whose bad block marker is set
 * becomes FM_BLOCK_FACTORY_BAD. The blocks covered are replaced (their
 * erase counts kept); nothing is changed when the sizes or the layout are
 * wrong. STATS may be NULL.
 */
gboolean     fm_dump_import (FmImage *image, const FmChipDesc *desc,
                             const FmDumpOptions *options, const FmDumpBuffers *in,
                             FmDumpStats *stats, GError **error);

/* Receives the exported bytes, one erase block at a time: DATA_LEN bytes
 * of the dump file and, for separate, OOB_LEN bytes of the OOB file. */
typedef gboolean (*FmDumpSink) (const guint8 *data, gsize data_len,
                                const guint8 *oob, gsize oob_len,
                                gpointer user_data, GError **error);

/* Exports options->blocks blocks (0: up to the last) from
 * options->start_block in options->layout; FM_DUMP_AUTO means separate
 * when OOB is wanted (fm_dump_export: OOB not NULL), else interleaved.
 * Pages without data give FFh. */
gboolean     fm_dump_export_to (const FmImage *image, const FmChipDesc *desc,
                                const FmDumpOptions *options, gboolean want_oob,
                                FmDumpSink sink, gpointer sink_data, GError **error);
/* The same, appended to DATA (and OOB, for separate). */
gboolean     fm_dump_export (const FmImage *image, const FmChipDesc *desc,
                             const FmDumpOptions *options,
                             GByteArray *data, GByteArray *oob, GError **error);

/*
 * Files. Import makes IMAGE_PATH, a new image of DESC with options->seed
 * and no seeded factory bad blocks, and fills it from DUMP_PATH (and
 * OOB_PATH for separate; given with AUTO, it means separate). The image
 * is written to a temporary file next to IMAGE_PATH and renamed at the
 * end, so a failed import leaves nothing; IMAGE_PATH must not exist
 * unless options->force.
 */
gboolean     fm_dump_import_file (const FmChipDesc *desc, const gchar *dump_path,
                                  const gchar *oob_path, const gchar *image_path,
                                  const FmDumpOptions *options, FmDumpStats *stats,
                                  GError **error);
/* Writes DUMP_PATH (and OOB_PATH for separate) the same way, or to
 * standard output when DUMP_PATH is "-". */
gboolean     fm_dump_export_file (const FmImage *image, const FmChipDesc *desc,
                                  const FmDumpOptions *options, const gchar *dump_path,
                                  const gchar *oob_path, GError **error);

G_END_DECLS
