/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Wear statistics of an image: the erase count distribution over its
 * blocks, the wear-leveling figures used in the literature and the
 * lifetime the observed erase rate leaves. Shared by `flashmodel wear`
 * and anything that reports on a live chip.
 */
#pragma once

#include "fm-wear-table.h"

G_BEGIN_DECLS

typedef struct {
  guint32 blocks;
  guint32 min, max;          /* erase counts */
  gdouble mean, stddev;      /* population standard deviation */
  guint64 total;             /* erases over all blocks */
  /* max/mean and stddev/mean: 1 and 0 for perfect wear leveling. Only
   * meaningful when ERASED (some block was erased); 0 otherwise. */
  gboolean erased;
  gdouble max_over_mean;
  gdouble coefficient_of_variation;
  guint64 age_ns;            /* the chip's virtual age */
  guint32 pe_cycles;         /* rated endurance, as given */
  /* The most worn block, erased MAX times over AGE_NS, keeps that rate:
   * LIFETIME_S is the age at which it reaches PE_CYCLES, REMAINING_S the
   * time from now until then (0 once reached). Only when HAS_LIFETIME:
   * some block was erased, the chip has aged and PE_CYCLES is set. */
  gboolean has_lifetime;
  gdouble lifetime_s;
  gdouble remaining_s;
} FmWearStats;

/* Every block of TABLE counts, bad ones included: their erases happened.
 * TABLE has at least one block. */
void fm_wear_stats (const FmWearTable *table, FmWearStats *out);

/* Splits [STATS->min, STATS->max] into N_BINS equal bins (fewer when the
 * range is narrower: one per count) and counts the blocks in each. Returns
 * the number of bins used; bin i starts at min + i * (*WIDTH). */
guint fm_wear_histogram (const FmWearTable *table, const FmWearStats *stats, guint n_bins,
                         guint32 *counts, gdouble *width);

/* The summary as one JSON object (see 'flashmodel wear --help'), every
 * number printed so that it reads back exactly. EXTRA_MEMBERS, if not
 * NULL, is more members ("  \"key\": value,\n" each) put before the
 * statistics. */
gchar *fm_wear_summary_json (const FmWearTable *table, const FmWearStats *stats,
                             const gchar *extra_members);

G_END_DECLS
