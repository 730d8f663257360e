/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A NAND chip: its array, the rules of flash physics that software notices,
 * and a page-level API (read page, program page, erase block, bad block
 * marks) for frontends that act as the host controller. The bus-level
 * ONFI state machine (fm-nand-bus.h) drives the same array.
 *
 * Blocks are numbered across LUNs (block = lun * blocks_per_lun + block in
 * LUN); a page buffer is always page_size + oob_size bytes, OOB last.
 *
 * Physics modelled here:
 *  - erase sets every bit of a block to 1; program only clears bits (AND);
 *  - at most NOP programs per page between erases;
 *  - on parts that require it, pages of a block are programmed in order;
 *  - every block has a lifetime in P/E cycles drawn from a Weibull
 *    distribution (seeded); past it erase fails and the block is worn out;
 *  - factory bad blocks, placed by the seed, carry the datasheet's marker,
 *    and program and erase on them fail.
 * A program that breaks a rule (NOP, order, worn block) still changes the
 * cells, as on real parts, and reports FAIL; on a factory bad block and
 * under write protection nothing changes.
 */
#pragma once

#include "fm-chip-desc.h"
#include "fm-clock.h"
#include "fm-image.h"
#include "fm-faults.h"
#include "fm-on-die-ecc.h"

G_BEGIN_DECLS

typedef struct _FmNand FmNand;

typedef struct {
  guint64 seed;
  /* Factory bad blocks per LUN; -1 draws a count up to the descriptor's
   * maximum from the seed. */
  gint factory_bad_blocks;
} FmNandCreateOptions;

#define FM_NAND_CREATE_OPTIONS_DEFAULT { 1, -1 }

/* Makes a fresh image (PATH NULL: in memory) with factory bad blocks placed. */
FmImage *fm_nand_create_image (const FmChipDesc *desc, const gchar *path,
                               const FmNandCreateOptions *options,
                               GError **error);

/* Takes ownership of IMAGE (closed on failure too). */
FmNand  *fm_nand_new  (const FmChipDesc *desc, FmImage *image,
                       FmTimingMode timing, GError **error);
void     fm_nand_free (FmNand *nand);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmNand, fm_nand_free)

const FmChipDesc *fm_nand_desc  (const FmNand *nand);
FmImage          *fm_nand_image (FmNand *nand);
FmClock          *fm_nand_clock (FmNand *nand);
gsize             fm_nand_page_bytes (const FmNand *nand); /* data + OOB */

/* Page-level API. Each waits for the LUN, then takes the operation's time. */
gboolean fm_nand_read_page    (FmNand *nand, guint32 block, guint32 page,
                               guint8 *buf, GError **error);
gboolean fm_nand_read_partial (FmNand *nand, guint32 block, guint32 page,
                               guint column, guint8 *buf, gsize len,
                               GError **error);
gboolean fm_nand_program_page (FmNand *nand, guint32 block, guint32 page,
                               const guint8 *buf, GError **error);
gboolean fm_nand_erase_block  (FmNand *nand, guint32 block, GError **error);
/* Reads the marker pages' spare bytes, as Linux's nand_block_bad() does. */
gboolean fm_nand_block_is_bad (FmNand *nand, guint32 block, gboolean *bad,
                               GError **error);
/* Erases the block (ignoring failure) and programs 00h markers, as Linux's
 * nand_default_block_markbad() does. */
gboolean fm_nand_mark_bad     (FmNand *nand, guint32 block, GError **error);

/* Whether BLOCK carries a bad block marker, looked up in IMAGE without
 * touching any counter (for tools that inspect an image read-only). */
gboolean fm_nand_image_block_marked_bad (const FmChipDesc *desc,
                                         const FmImage *image, guint32 block);

/* WP# asserted: program and erase are refused. */
void     fm_nand_set_write_protect (FmNand *nand, gboolean protect);
gboolean fm_nand_write_protected   (const FmNand *nand);

/* The PT (protect) pin of parts with Macronix block protection
 * ([macronix] block-protection): high locks every block at power-on,
 * that is when a bus (fm_nand_bus_new) is created afterwards. Low (the
 * default) leaves the protection off. Fails on parts without the pin. */
gboolean fm_nand_set_pt_pin (FmNand *nand, gboolean high, GError **error);
gboolean fm_nand_pt_pin     (const FmNand *nand);

/* On-die ECC (descriptors with [on-die-ecc]): enabled, programs store
 * the chip's parity and reads return corrected data; the last read's
 * result is what the status register reports. Fails on parts without it.
 * Reads take tR-ECC instead of tR while it is on. */
gboolean fm_nand_set_on_die_ecc     (FmNand *nand, gboolean enabled, GError **error);
gboolean fm_nand_on_die_ecc_enabled (const FmNand *nand);
const FmOnDieEccResult *fm_nand_last_on_die_ecc (const FmNand *nand);
/* How long a page read takes now (tR, or tR-ECC with on-die ECC on). */
guint64  fm_nand_read_ns (const FmNand *nand);

/* Overrides the descriptor's partial-program limit (NOP); 0 lifts it.
 * For software that rewrites pages more often than the part allows, as
 * Linux's mtd_nandbiterrs test does (real parts do not report it). */
void     fm_nand_set_nop_limit (FmNand *nand, guint limit);

/* The read reference voltages' offsets from their defaults, in mV, one per
 * reference between two adjacent states (1 for SLC, 3 for MLC, 7 for TLC),
 * lowest first. A read retry level or a vendor's register writes select
 * them; every read after uses them until they change. Only the
 * threshold-voltage cell model ([cell-model]) reads with them: the simple
 * bit error model has no voltages. N above FM_NAND_MAX_READ_REFS is cut. */
#define FM_NAND_MAX_READ_REFS 7
void          fm_nand_set_read_offsets (FmNand *nand, const gint16 *offsets_mv, guint n);
const gint16 *fm_nand_read_offsets     (const FmNand *nand);

/* What the threshold-voltage cell model ([cell-model]) reads PAGE_INDEX
 * (block * pages per block + page) with now: its block's erase count,
 * hours of chip time since the block's last program, reads since its
 * erase and programmed neighbouring word lines, and the bit of the cells
 * the page holds (PAGE_BIT: 0 lower or SLC, 1 upper). For tools that show
 * the distributions a read sees (fm_vt_density()). */
void          fm_nand_cell_history     (FmNand *nand, guint64 page_index, FmVtHistory *history,
                                        guint *page_bit);

/* Fault injection: takes ownership of FAULTS (NULL: none). */
void        fm_nand_set_faults (FmNand *nand, FmFaultSet *faults);
FmFaultSet *fm_nand_faults     (FmNand *nand);

/* The outcome of one operation on the array, as the command-level models
 * (fm-nor.h, fm-nand-bus.c) see it before they turn it into a status. */
typedef enum {
  FM_ARRAY_PASS,
  FM_ARRAY_FAIL_BAD_BLOCK,   /* factory bad: nothing changed */
  FM_ARRAY_FAIL_WORN_OUT,    /* past its endurance */
  FM_ARRAY_FAIL_NOP,         /* more partial programs than allowed */
  FM_ARRAY_FAIL_ORDER,       /* page below one already programmed */
  FM_ARRAY_FAIL_INJECTED,    /* a program-fail or erase-fail fault fired */
  FM_ARRAY_FAIL_PROTECTED,   /* WP# or a read-only window: nothing changed */
  FM_ARRAY_FAIL_POWER_OFF,   /* a power cut: interrupted, or never started */
  FM_ARRAY_FAIL_STORAGE,     /* the image file had no room: nothing changed
                              * (fm_nand_storage_error() tells why) */
} FmArrayResult;

const gchar *fm_array_result_to_string (FmArrayResult result);

/* Every array operation, from the page API and the bus alike, after it
 * happened. Used to record journals (fm-journal.h). */
typedef enum {
  FM_NAND_OP_READ,
  FM_NAND_OP_PROGRAM,
  FM_NAND_OP_ERASE,
} FmNandOp;

typedef struct {
  FmNandOp op;
  guint64 seq;          /* operations on this model so far, this one included */
  guint64 index;        /* page index (read, program) or block (erase) */
  const guint8 *data;   /* page + OOB read or programmed; NULL for erase */
  gsize len;
  gboolean ok;          /* the chip reported success */
  gboolean applied;     /* the cells changed (not on a bad block, under WP#) */
  gboolean interrupted; /* a power cut tore it (fm-powercut.h) */
  guint64 age_ns;       /* chip age when it started */
  guint32 erase_count;  /* the block's, after the operation */
  guint32 block_flags;  /* the block's FM_BLOCK_* flags, after */
  guint page_programs;  /* program: the page's partial programs, after */
} FmNandEvent;

typedef void (*FmNandObserver) (gpointer user_data, const FmNandEvent *event);

/* One observer at a time; FUNC NULL removes it. */
void     fm_nand_set_observer (FmNand *nand, FmNandObserver func, gpointer user_data);
/* Array operations carried out so far: the next one gets this + 1. */
guint64  fm_nand_operations   (const FmNand *nand);

/* After a "powercut" fault fired, the chip is unpowered: every later
 * operation fails with FM_ERROR_POWER_OFF and changes nothing. A frontend
 * checks this after each request and stops, as the machine would. */
gboolean fm_nand_powered_off (const FmNand *nand);
/* The operation a power cut stopped (torn, or never started), 0 if none. */
guint64  fm_nand_power_cut_at (const FmNand *nand);

/* The latest failure of the image file to store a program (a full disk),
 * NULL if none. The program that met it failed as one the chip reports
 * FAIL for, and changed nothing; a torn program under a power cut is
 * then missing from the image. A frontend shows it to its user. */
const GError *fm_nand_storage_error (const FmNand *nand);

/* The chip's age: virtual time lived through, across restarts of the
 * image. Retention errors grow with the time since a block's program. */
guint64  fm_nand_age_ns     (const FmNand *nand);
/* Lets NS of time pass without operations (a bake, a shelf). */
void     fm_nand_advance_age (FmNand *nand, guint64 ns);

/* A host controller reports what its ECC found in a read of BLOCK, so the
 * statistics show corrected bits and uncorrectable reads per block. */
void     fm_nand_note_ecc (FmNand *nand, guint32 block, guint corrected_bits,
                           gboolean failed);

/* The cycle count past which BLOCK's erase fails (from the seed). */
guint64  fm_nand_block_lifetime (const FmNand *nand, guint32 block);

/* MLC: which pair a page belongs to (Linux's struct nand_pairing_info). */
typedef struct {
  guint pair;   /* index of the pair within the block */
  guint group;  /* 0 = lower page, 1 = upper page */
} FmPagePairing;
FmPagePairing fm_nand_page_pairing (const FmChipDesc *desc, guint page);

typedef struct {
  guint64 page_reads;
  guint64 page_programs;
  guint64 block_erases;
  guint64 program_failures;
  guint64 erase_failures;
  guint64 read_busy_ns;     /* nominal (typical) chip time, in every mode */
  guint64 program_busy_ns;
  guint64 erase_busy_ns;
  guint64 bitflips_injected; /* raw model and bitflip faults */
  guint64 ecc_corrected;     /* as reported by the host (fm_nand_note_ecc) */
  guint64 ecc_failed;
} FmNandStats;

const FmNandStats *fm_nand_stats (const FmNand *nand);

G_END_DECLS
