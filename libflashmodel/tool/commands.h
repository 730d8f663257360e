/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flashmodel subcommands that live in their own files. */
#pragma once

#include "tool-common.h"

int cmd_journal (int argc, char **argv);
int cmd_replay (int argc, char **argv);
int cmd_powercut_campaign (int argc, char **argv);
int cmd_wear (int argc, char **argv);
int cmd_stat (int argc, char **argv);

/* Shared by replay and the campaign. */
gchar *describe_record (const FmJournalRecord *rec, guint32 pages_per_block);
void   report_journal_end (const gchar *path, FmJournalReader *reader, guint64 records);
/* Opens a copy of BASE_PATH (checked against the journal), or makes a
 * fresh image of the journal's chip and seed, as the new file PATH. */
FmImage *prepare_journal_base (const gchar *base_path, const FmChipDesc *desc,
                               const FmJournalInfo *info, const gchar *path,
                               GError **error);
