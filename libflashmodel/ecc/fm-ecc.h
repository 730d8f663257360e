/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ECC engines, as a NAND host controller (or a chip's on-die ECC) applies
 * them: one step of STEP_SIZE data bytes gets ECC_BYTES of ECC.
 *
 *  - Hamming: 1-bit correcting, 2-bit detecting, 3 bytes per 256 or 512
 *    bytes, bit for bit the layout of Linux's software Hamming engine
 *    (drivers/mtd/nand/ecc-sw-hamming.c), optionally in SmartMedia order.
 *  - BCH: binary BCH over GF(2^m), m 13 or 14, correcting T (1..24) bits
 *    per 512 or 1024 bytes, ceil(m*T/8) bytes, bit for bit the codes of
 *    Linux's software BCH engine (lib/bch.c with the default primitive
 *    polynomial, as used by drivers/mtd/nand/ecc-sw-bch.c), including its
 *    mask that gives an erased (all 0xFF) step an all-0xFF ECC.
 *
 * An engine is a small vtable so that tests and frontends can plug in
 * their own; fm_ecc_free() releases any of them.
 */
#pragma once

#include <glib.h>

#include "fm-chip-desc.h"

G_BEGIN_DECLS

typedef struct _FmEcc FmEcc;

struct _FmEcc {
  gchar *name;          /* "hamming/256", "bch8/512", ...: for messages */
  guint step_size;      /* data bytes per step */
  guint ecc_bytes;      /* ECC bytes per step */
  guint strength;       /* bits it corrects per step */
  gpointer engine;      /* the implementation's state */
  /* Computes ECC_BYTES of ECC for STEP_SIZE bytes of DATA. */
  void (*encode) (gpointer engine, const guint8 *data, guint8 *ecc);
  /* Checks DATA against the stored ECC and fixes both in place; returns
   * the number of bits corrected (0: clean), or -1 if the step cannot be
   * corrected (then DATA and ECC are left as they were). */
  gint (*correct) (gpointer engine, guint8 *data, guint8 *ecc);
  GDestroyNotify free_engine;
};

void   fm_ecc_free (FmEcc *ecc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmEcc, fm_ecc_free)

static inline void
fm_ecc_encode (FmEcc *ecc, const guint8 *data, guint8 *code)
{
  ecc->encode (ecc->engine, data, code);
}

static inline gint
fm_ecc_correct (FmEcc *ecc, guint8 *data, guint8 *code)
{
  return ecc->correct (ecc->engine, data, code);
}

/* STEP_SIZE 256 or 512. SM_ORDER: the SmartMedia byte order of the first
 * two ECC bytes (Linux's NAND_ECC_SOFT_HAMMING_SM_ORDER). */
FmEcc *fm_ecc_new_hamming (guint step_size, gboolean sm_order, GError **error);

/* STEP_SIZE 512 or 1024, STRENGTH 1..24, M 13 or 14 (0: the smallest that
 * fits, as Linux chooses: 13 for 512, 14 for 1024). */
FmEcc *fm_ecc_new_bch (guint step_size, guint strength, guint m, GError **error);

/*
 * An engine from a short name, as command lines give it:
 *   none             NULL, no error
 *   hamming[/S]      Hamming per S bytes (256 default)
 *   bchT[/S]         BCH correcting T bits per S bytes (512 default)
 *   auto             what DESC requires: Hamming for 1-bit (or unknown)
 *                    requirements, else BCH with the strength and
 *                    codeword size of its parameter page or
 *                    [ecc-requirement] (a Linux host would pick the same),
 *                    capped at FM_BCH_MAX_T bits (fm_ecc_auto_capped())
 * Errors name the word that is wrong.
 */
gboolean fm_ecc_new_from_name (const gchar *name, const FmChipDesc *desc,
                               FmEcc **ecc, GError **error);

/* TRUE if "auto" corrects fewer bits than DESC requires (see above). */
gboolean fm_ecc_auto_capped (const FmChipDesc *desc);

G_END_DECLS
