/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NAND chip seen from its pins: CE#, CLE/ALE-qualified command and
 * address cycles, data cycles (8 or 16 bits), WP# and R/B#. This is the
 * ONFI command state machine a controller (or QEMU device) drives cycle by
 * cycle; the array behind it is the same FmNand the page-level API uses.
 *
 * Commands: RESET FFh, READ ID 90h (00h, 20h ONFI, 40h JEDEC), READ PARAMETER
 * PAGE ECh (00h ONFI, 40h JEDEC),
 * READ UNIQUE ID EDh, READ STATUS 70h, READ STATUS ENHANCED 78h, READ PAGE
 * 00h-30h, CHANGE READ COLUMN 05h-E0h, READ CACHE SEQUENTIAL 31h, READ
 * CACHE RANDOM 00h-31h, READ CACHE END 3Fh, PAGE PROGRAM 80h-10h, CACHE
 * PROGRAM 80h-15h, CHANGE WRITE COLUMN 85h, COPYBACK 00h-35h / 85h-10h,
 * BLOCK ERASE 60h-D0h, multi-plane 80h-11h and 60h-D1h, GET/SET FEATURES
 * EEh/EFh; small-page parts use pointer commands 00h/01h/50h instead.
 * Sequences the part does not know are ignored; program and erase that
 * cannot be carried out set FAIL in the status register.
 */
#pragma once

#include "fm-nand.h"

G_BEGIN_DECLS

typedef struct _FmNandBus FmNandBus;

/* Status register bits. */
enum {
  FM_STATUS_FAIL = 1 << 0,
  FM_STATUS_FAILC = 1 << 1,
  FM_STATUS_ARDY = 1 << 5,
  FM_STATUS_RDY = 1 << 6,
  FM_STATUS_WP_N = 1 << 7, /* 1: not write protected */
};

/* The bus does not own NAND; free the bus first. fm_nand_bus_new() is
 * target 0 (the first CE#). */
FmNandBus *fm_nand_bus_new  (FmNand *nand);
/* The target behind chip enable TARGET (below the descriptor's
 * chip-enables) of a package with several: its own command state, LUNs,
 * registers and features, over its share of the array (blocks from
 * TARGET * luns * blocks-per-lun on). The targets of a package share
 * the I/O lines and WP#: a host drives each through its own bus model,
 * asserting the CE# of one. */
FmNandBus *fm_nand_bus_new_target (FmNand *nand, guint target);
void       fm_nand_bus_free (FmNandBus *bus);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmNandBus, fm_nand_bus_free)

/* CE# asserted (low) selects the chip; cycles while deselected are
 * ignored, and deselecting keeps every operation's state. */
void     fm_nand_bus_set_ce (FmNandBus *bus, gboolean asserted);
/* WP# asserted (low) makes program and erase fail. */
void     fm_nand_bus_set_wp (FmNandBus *bus, gboolean asserted);

void     fm_nand_bus_command (FmNandBus *bus, guint8 command);
void     fm_nand_bus_address (FmNandBus *bus, guint8 address);
/* One data cycle: 8 bits, or 16 on a x16 part. */
void     fm_nand_bus_write   (FmNandBus *bus, guint16 data);
guint16  fm_nand_bus_read    (FmNandBus *bus);
/* LEN bytes of data cycles (x16: LEN must be even, little-endian words). */
void     fm_nand_bus_write_buf (FmNandBus *bus, const guint8 *buf, gsize len);
void     fm_nand_bus_read_buf  (FmNandBus *bus, guint8 *buf, gsize len);

/* R/B#: TRUE when every LUN is ready. */
gboolean fm_nand_bus_ready      (FmNandBus *bus);
/* Lets time pass until R/B# is high. */
void     fm_nand_bus_wait_ready (FmNandBus *bus);

/* The timing mode last set through SET FEATURES (0 after power-on). */
guint    fm_nand_bus_timing_mode (const FmNandBus *bus);
FmNand  *fm_nand_bus_nand        (FmNandBus *bus);

G_END_DECLS
