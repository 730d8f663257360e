/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The chip's statistics (FmNandStats) as a list of named counters, for
 * whatever shows them one by one without knowing the struct: the
 * flashmodel-pci statistics window a guest reads (fm-pci-regs.h), files,
 * reports. A name is a C identifier (an array element: NAME_INDEX), at
 * most FM_NAND_STAT_NAME_MAX bytes.
 */
#pragma once

#include "fm-nand.h"

G_BEGIN_DECLS

#define FM_NAND_STAT_NAME_MAX 31

guint        fm_nand_stat_count (void);
/* NULL for I at or beyond fm_nand_stat_count(). */
const gchar *fm_nand_stat_name  (guint i);
/* 0 for I at or beyond fm_nand_stat_count(). */
guint64      fm_nand_stat_value (const FmNandStats *stats, guint i);

G_END_DECLS
