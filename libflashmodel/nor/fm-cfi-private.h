/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the parallel NOR bus model (fm-nor-cfi.h): what the bus front end
 * (fm-nor-cfi.c) shares with the two command sets (fm-cfi-amd.c,
 * fm-cfi-intel.c). The front end turns accesses into bus cycles, keeps the
 * clock, the power state and the one array operation that can run (or be
 * suspended) at a time, and the write buffer; a command set decodes the
 * cycles and says what reads return.
 */
#pragma once

#include "fm-nor-cfi.h"

G_BEGIN_DECLS

/* One bus cycle as the part sees it. */
typedef struct {
  guint64 addr;      /* byte address of its lowest byte, within the chip */
  guint64 cmd_addr;  /* what command decoding sees: the word address on
                      * parts with a x16 mode (ADDR / 2 on either bus) */
  guint16 data;      /* write cycles: 8 or 16 bits as on the bus */
} FmCfiCycle;

typedef enum {
  FM_CFI_OP_NONE,
  FM_CFI_OP_PROGRAM,
  FM_CFI_OP_ERASE,       /* one sector */
  FM_CFI_OP_CHIP_ERASE,
  FM_CFI_OP_LOCK,        /* lock-bit configuration: no cells change */
} FmCfiOpKind;

/* An embedded program/erase algorithm. Its cells changed when it started;
 * it keeps the chip busy until END. */
typedef struct {
  FmCfiOpKind kind;
  guint64 start, len;    /* the bytes it works on */
  guint16 datum;         /* the last word programmed (AMD DQ7 polling) */
  FmArrayResult result;
  gboolean running;
  guint64 end;           /* clock time it ends; while suspended, the time left */
  gboolean suspending;   /* suspend accepted, effective at SUSPEND_AT */
  guint64 suspend_at;
} FmCfiOp;

/* The write buffer: one buffer-aligned window of the part's write buffer
 * size, filled by the data cycles of a buffered program. */
typedef struct {
  guint64 sector;        /* start of the sector the sequence named */
  guint32 sector_size;
  guint64 window;        /* window of the first datum; G_MAXUINT64: none yet */
  guint left;            /* data cycles still to come */
  guint8 *data;          /* program_buffer bytes, FFh where nothing loaded */
  guint32 lo, hi;        /* loaded bytes [lo, hi) of the window */
  guint16 last;          /* the last datum loaded */
} FmCfiBuffer;

typedef struct {
  gpointer (*new_state)  (FmNorCfi *cfi);
  /* Power-up, and the RESET# pin (the front end has aborted the operation). */
  void     (*reset)      (FmNorCfi *cfi);
  guint16  (*read)       (FmNorCfi *cfi, const FmCfiCycle *c);
  void     (*write)      (FmNorCfi *cfi, const FmCfiCycle *c);
  /* The running operation just ended (cfi->op.result says how). */
  void     (*op_done)    (FmNorCfi *cfi);
  /* Whether the sector at START refuses program and erase (chip erase
   * skips it). */
  gboolean (*protected)  (FmNorCfi *cfi, guint64 start);
  /* Optional: RY/BY# stays low with no operation running. */
  gboolean (*held_busy)  (FmNorCfi *cfi);
} FmCfiCommandSet;

extern const FmCfiCommandSet fm_cfi_amd_command_set;
extern const FmCfiCommandSet fm_cfi_intel_command_set;

struct _FmNorCfi {
  FmNor *nor;
  const FmChipDesc *desc;
  const FmNorDesc *nd;
  FmClock *clock;
  guint bus_bytes;        /* 1 or 2 */
  gboolean word_decode;   /* the part has a x16 mode */
  gboolean wp;            /* WP#/VPP asserted (low) */
  GBytes *query;
  guint n_sectors;

  FmCfiOp op;             /* running, or the last one to end */
  FmCfiOp suspended;      /* kind FM_CFI_OP_NONE unless one is suspended */
  FmCfiBuffer buffer;

  const FmCfiCommandSet *set;
  gpointer state;         /* the command set's */
};

/* ---- data the part outputs ---- */
/* Array data of one bus cycle at ADDR (little-endian on x16). */
guint16  fm_cfi_array_word (FmNorCfi *cfi, guint64 addr);
/* The query structure byte at the cycle's offset, on the low byte lane. */
guint16  fm_cfi_query_word (FmNorCfi *cfi, const FmCfiCycle *c);
/* The byte offset within the query or identifier space. */
guint    fm_cfi_id_offset  (const FmCfiCycle *c);

/* ---- sectors ---- */
guint64  fm_cfi_sector_start (FmNorCfi *cfi, guint64 addr, guint32 *size);
guint    fm_cfi_sector_index (FmNorCfi *cfi, guint64 addr);
gboolean fm_cfi_in_op        (const FmCfiOp *op, guint64 addr);
/* A byte of the primary extended table, 0 past its end. */
guint8   fm_cfi_pri_byte     (FmNorCfi *cfi, guint offset);

/* ---- operations ---- */
/* Programs the cycle's datum at its address. */
void     fm_cfi_program_cycle (FmNorCfi *cfi, const FmCfiCycle *c);
/* Erases [START, START + LEN), sector by sector, skipping protected ones
 * (KIND: one sector or the whole chip). */
void     fm_cfi_erase         (FmNorCfi *cfi, FmCfiOpKind kind, guint64 start,
                               guint64 len);
/* Keeps the chip busy for NS without touching the cells. */
void     fm_cfi_busy_for      (FmNorCfi *cfi, FmCfiOpKind kind, guint64 start,
                               guint64 ns, FmArrayResult result);
gboolean fm_cfi_busy          (FmNorCfi *cfi);
/* Requests a suspend of the running operation (effective after the
 * part's suspend latency); FALSE when there is nothing to suspend. */
gboolean fm_cfi_suspend       (FmNorCfi *cfi);
gboolean fm_cfi_resume        (FmNorCfi *cfi);

/* ---- the write buffer ---- */
/* Starts loading COUNT data cycles for the sector holding ADDR; FALSE when
 * they cannot fit the buffer. */
gboolean fm_cfi_buffer_begin   (FmNorCfi *cfi, guint64 addr, guint count);
/* Loads one data cycle; FALSE when it falls outside the sector or the
 * window of the first datum. */
gboolean fm_cfi_buffer_load    (FmNorCfi *cfi, const FmCfiCycle *c);
gboolean fm_cfi_buffer_full    (const FmNorCfi *cfi);
/* Programs what was loaded. */
void     fm_cfi_buffer_program (FmNorCfi *cfi);

G_END_DECLS
