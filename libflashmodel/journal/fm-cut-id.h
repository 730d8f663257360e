/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cut IDs: one short string that names exactly one image of a power-cut
 * campaign, so that a failure can be rebuilt and checked again anywhere
 * the journal is (flashmodel powercut-campaign --reproduce, flashmodel
 * replay --cut). The grammar:
 *
 *   ID    = LEVEL [ "/" LEVEL ] [ "+" TEAR_SEED ]
 *   LEVEL = DIGEST "@" OP ":" CUT
 *
 * DIGEST is the first 8 hex digits of the SHA-256 of a journal file: the
 * workload's journal at the first level, at the second (a depth-2 cut)
 * the recovery journal the check recorded on the first level's image. OP
 * is the operation of that journal (from 1) and CUT one of "clean" (power
 * went just before OP), "torn" (during OP, as a live cut: the seeded
 * variant) or a torn variant's name. TEAR_SEED (decimal) redraws every
 * torn cut of the ID (fm_powercut_seed_for()); it is absent when 0.
 *
 *   9f86d081@1234:torn
 *   9f86d081@1234:somebits/5e884898@56:clean+7
 */
#pragma once

#include "fm-digest.h"
#include "fm-powercut.h"

G_BEGIN_DECLS

/* One cut of an operation. */
typedef struct {
  FmCutKind kind;
  FmTornVariant variant; /* torn cuts only; FM_TORN_SEEDED for clean ones */
} FmCut;

/* A cut of operation SEQ. */
typedef struct {
  guint64 seq;
  FmCut cut;
} FmCutPoint;

#define FM_CUT_ID_DIGEST_CHARS 8
#define FM_CUT_ID_MAX_DEPTH 2
/* Longer strings are refused before they are parsed. */
#define FM_CUT_ID_MAX_LEN 128

typedef struct {
  gchar journal[FM_CUT_ID_DIGEST_CHARS + 1]; /* lowercase hex */
  FmCutPoint point;
} FmCutIdLevel;

typedef struct {
  guint depth; /* 1 or 2 */
  FmCutIdLevel level[FM_CUT_ID_MAX_DEPTH];
  guint64 tear_seed;
} FmCutId;

/* "clean", "torn" (the seeded variant) or the variant's name. */
const gchar *fm_cut_to_string   (const FmCut *cut);
gboolean     fm_cut_from_string (const gchar *text, FmCut *cut, GError **error);
/* The order of the cuts of one operation in a campaign: clean first, then
 * the torn variants in FmTornVariant's order. */
gint         fm_cut_compare     (const FmCut *a, const FmCut *b);

gchar   *fm_cut_id_to_string (const FmCutId *id);
/* Every part is checked: an FM_ERROR_INVALID names the ID and what is
 * wrong with it. */
gboolean fm_cut_id_parse     (const gchar *text, FmCutId *id, GError **error);
/* Campaign order: by the first cut, a first cut before the second-level
 * cuts made from it, then by the second cut. */
gint     fm_cut_id_compare   (const FmCutId *a, const FmCutId *b);

/* The SHA-256 of the file at PATH (a journal's identity in IDs). */
gboolean fm_file_digest (const gchar *path, guint8 out[FM_DIGEST_SIZE], GError **error);
/* Its first FM_CUT_ID_DIGEST_CHARS hex digits. */
void     fm_cut_id_short_digest (const guint8 digest[FM_DIGEST_SIZE],
                                 gchar out[FM_CUT_ID_DIGEST_CHARS + 1]);

G_END_DECLS
