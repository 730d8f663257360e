/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the unit tests. */
#pragma once

#include "flashmodel.h"

G_BEGIN_DECLS

/*
 * A small but complete ONFI part for tests that need many erases or full
 * scans: 2048+64-byte pages, 8 pages per block, 64 blocks, 2 planes, every
 * optional command. RELIABILITY_LINE ("key=value", or NULL) replaces that
 * key of its [reliability] group.
 */
FmChipDesc *fm_test_tiny_desc (const gchar *reliability_line);

/* The tiny part's descriptor text with KEY in GROUP replaced by LINE (a
 * full "key=value" line, or "" to delete the key). */
gchar      *fm_test_tiny_text_with (const gchar *group, const gchar *key,
                                    const gchar *line);

/* A shipped chip from the catalog (the test aborts if it does not load). */
FmChipDesc *fm_test_chip (const gchar *name);

/* A volatile model of DESC with BAD factory bad blocks per LUN. DESC must
 * outlive the model. */
FmNand     *fm_test_nand (const FmChipDesc *desc, guint64 seed, gint bad,
                          FmTimingMode timing);

/* PAGE_BYTES of pseudo-random data with a few bits set per byte cleared. */
guint8     *fm_test_pattern (gsize len, guint64 seed);

/* A chip driven through its bus: owns all three. */
typedef struct {
  FmChipDesc *desc;
  FmNand *nand;
  FmNandBus *bus;
} FmTestBus;

/* Takes DESC and NAND; the chip is selected and RESET, as after power-on. */
void        fm_test_bus_init  (FmTestBus *f, FmChipDesc *desc, FmNand *nand);
void        fm_test_bus_clear (FmTestBus *f);

/* Sends a command, address cycles and waits, as a controller would. */
void        fm_test_bus_cmd_addr (FmNandBus *bus, guint8 cmd,
                                  const guint8 *addr, guint naddr);
/* Column + row address bytes for (block, page, column) on DESC. */
guint       fm_test_bus_address (const FmChipDesc *desc, guint32 block,
                                 guint page, guint column, guint8 *out);
guint8      fm_test_bus_status (FmNandBus *bus);
/* 80h, address, LEN bytes of DATA, then CONFIRM (10h, 15h or 11h);
 * returns the status after the program. */
guint8      fm_test_bus_program (FmNandBus *bus, const FmChipDesc *d, guint32 block,
                                 guint page, guint column, const guint8 *data,
                                 gsize len, guint8 confirm);
/* 00h, address, 30h, wait, then LEN bytes out; returns the status the
 * read left (read before the data, as Linux does). */
guint8      fm_test_bus_read    (FmNandBus *bus, const FmChipDesc *d, guint32 block,
                                 guint page, guint column, guint8 *out, gsize len);

G_END_DECLS
