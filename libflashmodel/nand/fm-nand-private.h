/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the bus-level state machine shares with the array model: array
 * operations without timing (the bus keeps its own busy state per LUN) and
 * the per-LUN ready times that both paths respect. Not installed: only
 * the library's own models use it.
 */
#pragma once

#include "fm-nand.h"

G_BEGIN_DECLS

/* Page index: block * pages_per_block + page. BUF: page + OOB bytes.
 * A read fails (BUF all FFh) only when the chip has no power. */
gboolean      fm_nand_array_read    (FmNand *nand, guint64 page_index,
                                     guint8 *buf);
FmArrayResult fm_nand_array_program (FmNand *nand, guint64 page_index,
                                     const guint8 *buf);
FmArrayResult fm_nand_array_erase   (FmNand *nand, guint32 block);

/* When each LUN's array is free again (clock time). */
guint64 *fm_nand_lun_ready_at (FmNand *nand, guint lun);
/* Extra busy time injected by latency faults since the last call. */
guint64  fm_nand_take_extra_busy (FmNand *nand);

G_END_DECLS
