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

/* flashmodel create --base: an overlay at PATH on BASE_PATH (a relative
 * one is the overlay's directory's); CHIP, if given, must be the base's. */
int  create_overlay (const gchar *base_path, const gchar *chip, const gchar *path);
/* flashmodel stat's lines about an overlay (nothing for a full image). */
void print_overlay_summary (FmImage *image, gsize page_bytes);

/* Shared by replay and the campaign. */
gchar *describe_record (const FmJournalRecord *rec, guint32 pages_per_block);
void   report_journal_end (const gchar *path, FmJournalReader *reader, guint64 records);
/* Opens a copy of BASE_PATH (checked against the journal), or makes a
 * fresh image of the journal's chip and seed, as the new file PATH. */
FmImage *prepare_journal_base (const gchar *base_path, const FmChipDesc *desc,
                               const FmJournalInfo *info, const gchar *path,
                               GError **error);
/* Opens BASE_PATH read-only (checked against the journal), or makes a
 * fresh image of the journal's chip and seed as the new file PATH and
 * opens that read-only. */
FmImage *open_journal_base (const gchar *base_path, const FmChipDesc *desc,
                            const FmJournalInfo *info, const gchar *path,
                            GError **error);
