/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The raw bit error model: how many bits a page read returns wrong, as a
 * function of the block's wear (P/E cycles), reads since its erase (read
 * disturb) and time since it was programmed (retention). Errors are drawn
 * on every read from a seeded stream and never stored, so the same seed
 * and the same operations give bit-identical results.
 *
 *   w    = erase_count / rated P/E cycles
 *   RBER = fresh + (endurance - fresh) * w^exponent
 *          + read_disturb * reads_since_erase
 *          + retention_per_hour * hours_since_program * (1 + w)
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gdouble rber_fresh;          /* errors per bit read, unworn block */
  gdouble rber_endurance;      /* at the rated P/E cycles */
  gdouble wear_exponent;       /* shape of the growth with wear */
  gdouble read_disturb;        /* added per read since the erase */
  gdouble retention_per_hour;  /* added per hour since program */
} FmBitErrorModel;

/* A model that never flips a bit. */
#define FM_BIT_ERROR_MODEL_NONE { 0, 0, 2.0, 0, 0 }

gboolean fm_bit_error_model_is_none (const FmBitErrorModel *model);

gdouble  fm_bit_error_rate (const FmBitErrorModel *model, guint32 rated_cycles,
                            guint32 erase_count, guint32 reads_since_erase,
                            gdouble hours_since_program);

/* Flips bits of BUF at RBER, drawn from SEED; returns how many distinct
 * bits were flipped. */
guint    fm_bit_errors_inject (guint8 *buf, gsize len, gdouble rber, guint64 seed);

G_END_DECLS
