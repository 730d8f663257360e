/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault injection: a list of rules, written in a small text language (one
 * rule per line or separated by ';', '#' starts a comment) or built through
 * the API, that the NAND model consults on every operation:
 *
 *   bitflip      block=B page=P [byte=N bit=K | count=N] [once|always]
 *   stuck        block=B page=P byte=N bit=K value=0|1
 *   program-fail block=B|any [page=P] [nth=N | probability=X]
 *   erase-fail   block=B|any [nth=N | probability=X]
 *   grown-bad    block=B at-erase=N
 *   read-only    from-op=N [to-op=M] | from-us=T [to-us=T]
 *   latency      op=read|program|erase|any extra-us=T [block=B|any] [nth=N | probability=X]
 *   powercut     at-op=N | at-us=T [torn|clean]
 *                (also written powercut@op=N, powercut@time=T)
 *   wear         block=B|any cycles=N
 *   age          hours=H [celsius=C] on-erase=B
 *
 * "nth=N" fires on the Nth matching operation only (1-based), "probability"
 * on each matching operation with that chance (seeded), and without either
 * a program-fail, erase-fail or latency rule fires every time. A bitflip
 * "once" (the default) fires on the next read of the page only. Every rule
 * counts how often it fired.
 *
 * A power cut removes power at operation N (counting every read, program
 * and erase from 1), or at the first operation that starts at or after
 * virtual time T: "torn" (the default) interrupts that operation as
 * fm-powercut.h describes; "clean" lets operation N complete and stops the
 * next one (with at-us, the operation due at T never starts). The chip
 * then does nothing more until it is opened again.
 *
 * Two rules age the cells, for tests of what wear and retention do to
 * reads (read retry, scrubbing): "wear" gives the block (or every block)
 * at least N P/E cycles when the rules are attached to a chip (its erase
 * count becomes the larger of the two, so attaching the rules again to
 * the same image changes nothing more); "age" advances the chip's clock
 * by H hours each time block B is erased successfully: a retention bake
 * at the moment the host chooses, by erasing a trigger block. With
 * celsius=C, the H hours are spent at C degrees: a part with a cell model
 * ages by the equivalent hours at its reference temperature (Arrhenius);
 * a part without one by H hours.
 */
#pragma once

#include "fm-chip-desc.h"

G_BEGIN_DECLS

typedef enum {
  FM_FAULT_BITFLIP,
  FM_FAULT_STUCK,
  FM_FAULT_PROGRAM_FAIL,
  FM_FAULT_ERASE_FAIL,
  FM_FAULT_GROWN_BAD,
  FM_FAULT_READ_ONLY,
  FM_FAULT_LATENCY,
  FM_FAULT_POWERCUT,
  FM_FAULT_WEAR,
  FM_FAULT_AGE,
} FmFaultKind;

typedef enum {
  FM_FAULT_OP_READ = 1 << 0,
  FM_FAULT_OP_PROGRAM = 1 << 1,
  FM_FAULT_OP_ERASE = 1 << 2,
  FM_FAULT_OP_ANY = 7,
} FmFaultOp;

#define FM_FAULT_ANY G_MAXUINT32

typedef struct {
  FmFaultKind kind;
  guint32 block;          /* FM_FAULT_ANY: every block */
  guint32 page;           /* FM_FAULT_ANY: every page */
  guint32 byte, bit;      /* bitflip/stuck position; byte FM_FAULT_ANY: random */
  guint count;            /* bitflip: random bits to flip */
  gboolean always;        /* bitflip: every read, not only the next */
  guint value;            /* stuck-at value */
  guint64 nth;            /* 0: not counted */
  gdouble probability;    /* 0: not random */
  guint32 at_erase;       /* grown-bad: erase count that kills the block */
  guint64 from, to;       /* read-only window (powercut: from), in operations or ns */
  gboolean window_in_time;
  FmFaultOp ops;          /* latency */
  guint64 extra_ns;
  gboolean clean;         /* powercut: between operations, not during one */
  guint32 cycles;         /* wear: the block's P/E cycles at least */
  gdouble hours;          /* age: the bake per erase of the trigger block (in block) */
  gdouble celsius;        /* age: its temperature; NAN (the parser's default; set it when
                           * building a rule by hand): the part's reference */

  /* Run-time state. */
  guint64 matched;        /* matching operations seen */
  guint64 fired;          /* times the fault was injected */
  gchar *text;            /* the rule as written, for reports */
} FmFault;

typedef struct _FmFaultSet FmFaultSet;

FmFaultSet *fm_fault_set_new   (void);
void        fm_fault_set_free  (FmFaultSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmFaultSet, fm_fault_set_free)

/* SPEC is rules, or "@FILE" to read them from FILE. Errors name the rule
 * and the word that is wrong; every number must fit the field it fills
 * (byte, block and page 0 to 2^32 - 2, at-erase to 2^32 - 1, ...), none is
 * cut or clamped. */
FmFaultSet *fm_fault_set_parse (const gchar *spec, GError **error);
gboolean    fm_fault_set_add_rules (FmFaultSet *set, const gchar *rules,
                                    const gchar *origin, GError **error);
/* Whether every rule of SET stays inside the chip DESC: its block, page
 * and byte (of a page with its spare area; for NOR parts, block and page
 * are the erase sector and the write buffer). The model never matches a
 * rule beyond the chip, so such a rule would silently do nothing: a
 * frontend that knows its chip refuses it with an FM_ERROR_OUT_OF_RANGE
 * naming the rule. A wear rule may give at most 10 times the part's rated
 * P/E cycles. */
gboolean    fm_fault_set_check_chip (const FmFaultSet *set, const FmChipDesc *desc,
                                     GError **error);
/* Adds a copy of FAULT (its run-time state zeroed). */
void        fm_fault_set_add   (FmFaultSet *set, const FmFault *fault);

guint       fm_fault_set_len   (const FmFaultSet *set);
FmFault    *fm_fault_set_get   (FmFaultSet *set, guint i);
/* One line per rule: the rule and how often it fired. */
gchar      *fm_fault_set_report (const FmFaultSet *set);

const gchar *fm_fault_kind_to_string (FmFaultKind kind);

/* Whether FAULT, matching this operation, fires now; counts it. SEED
 * draws the probability. */
gboolean    fm_fault_trigger (FmFault *fault, guint64 seed);

G_END_DECLS
