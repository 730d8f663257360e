/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flashmodel subcommands that live in their own files. */
#pragma once

#include "tool-common.h"

int cmd_journal (int argc, char **argv);
int cmd_replay (int argc, char **argv);
int cmd_powercut_campaign (int argc, char **argv);
int cmd_wear (int argc, char **argv);
int cmd_stat (int argc, char **argv);
int cmd_flatten (int argc, char **argv);
int cmd_descriptor (int argc, char **argv);
int cmd_age (int argc, char **argv);
int cmd_vt (int argc, char **argv);

/* flashmodel create --base: an overlay at PATH on BASE_PATH (a relative
 * one is the overlay's directory's); CHIP, if given, must be the base's. */
int  create_overlay (const gchar *base_path, const gchar *chip, const gchar *path);
/* flashmodel stat's lines about an overlay (nothing for a full image). */
void print_overlay_summary (FmImage *image, gsize page_bytes);

/* Shared by replay and the campaign. */
gchar *describe_record (const FmJournalRecord *rec, guint32 pages_per_block);
void   report_journal_end (const gchar *path, FmJournalReader *reader, guint64 records);
/* Opens BASE_PATH read-only, checked to be the journal's base, or makes
 * a fresh image of the journal's chip and seed as the new file FRESH. */
FmImage *open_journal_base    (const gchar *base_path, const FmChipDesc *desc,
                               const FmJournalInfo *info, const gchar *fresh,
                               GError **error);
/* The same as a writable copy, the new file PATH. */
FmImage *prepare_journal_base (const gchar *base_path, const FmChipDesc *desc,
                               const FmJournalInfo *info, const gchar *path,
                               GError **error);
/* Opens BASE_PATH read-only (checked against the journal), or makes a
 * fresh image of the journal's chip and seed as the new file PATH and
 * opens that read-only. */
FmImage *open_journal_base (const gchar *base_path, const FmChipDesc *desc,
                            const FmJournalInfo *info, const gchar *path,
                            GError **error);

/* The cut a campaign's ID names, rebuilt as the new file OUT (replaced if
 * FORCE): JOURNAL_PATH and, at depth 2, RECOVERY_PATH must be the
 * journals whose digests the ID holds. CUT_WHAT (or NULL) receives a
 * description of each operation cut ("erase of block 3"), to free. */
gboolean rebuild_cut_id (const FmCutId *id, const gchar *journal_path, const gchar *base_path,
                         const gchar *recovery_path, const gchar *out,
                         gchar *cut_what[FM_CUT_ID_MAX_DEPTH], GError **error);
/* The name a campaign gives the recovery journal of ID's first cut. */
gchar   *recovery_journal_name (const FmCutId *id);
