/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A SPI NAND chip seen from its SPI pins, as fm-spi-nor.h is for serial
 * NOR: a controller selects it (CS# low), clocks bytes through it and
 * deselects it; instruction, address, dummy and data phases are decoded
 * from the byte stream as the part does, from the commands Linux's
 * drivers/mtd/nand/spi (spinand) and the datasheets define:
 *
 *   RESET FFh, READ ID 9Fh (with the part's dummy/address variant), GET
 *   FEATURE 0Fh / SET FEATURE 1Fh (protection A0h, configuration B0h,
 *   status C0h, and the vendor's other registers), WRITE ENABLE 06h /
 *   DISABLE 04h, PAGE READ 13h (array to cache), READ FROM CACHE 03h/0Bh
 *   (x1), 3Bh (x2), BBh (dual I/O), 6Bh (x4), EBh (quad I/O), PROGRAM
 *   LOAD 02h / 32h (x4), RANDOM PROGRAM LOAD 84h / 34h (x4), PROGRAM
 *   EXECUTE 10h, BLOCK ERASE D8h, and what the descriptor's [spi-nand]
 *   group gives a part (OTP area and its parameter page, plane select,
 *   die select C2h, continuous read).
 *
 * The cells are an FmNand (fm-nand.h) with the part's on-die ECC on by
 * default, so statistics, faults, journals and power cuts are the NAND
 * ones. Like fm-spi-nor, multi-I/O phases carry the same bytes; the
 * lines a phase uses are what fm_spi_nand_phase_lines() says, so that a
 * controller can check the widths a host asked for.
 */
#pragma once

#include "fm-nand.h"

G_BEGIN_DECLS

typedef struct _FmSpiNand FmSpiNand;

/* Does not own CELLS (an FmNand of a spi-nand descriptor); free the SPI
 * model first. Fails for other descriptor types. */
FmSpiNand *fm_spi_nand_new  (FmNand *cells, GError **error);
void       fm_spi_nand_free (FmSpiNand *spi);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmSpiNand, fm_spi_nand_free)

FmNand    *fm_spi_nand_cells (FmSpiNand *spi);

/* CS#: asserting starts an instruction, deasserting ends it (PROGRAM
 * EXECUTE, BLOCK ERASE and PAGE READ start when CS# goes high). */
void       fm_spi_nand_select   (FmSpiNand *spi, gboolean asserted);
/* Clocks LEN bytes: TX is what the controller sends (NULL: FFh), RX what
 * it receives (NULL: ignored). */
void       fm_spi_nand_transfer (FmSpiNand *spi, const guint8 *tx, guint8 *rx, gsize len);
/* WP# asserted (low): with BRWD set, SET FEATURE on the protection
 * register is refused, unless a quad phase has made the pin IO2. */
void       fm_spi_nand_set_wp   (FmSpiNand *spi, gboolean asserted);

/* The I/O lines (1, 2 or 4) the next byte of the current instruction
 * travels on: 1 for the opcode, then what the opcode defines for its
 * address, dummy and data phases (and 1 with CS# high). */
guint      fm_spi_nand_phase_lines (const FmSpiNand *spi);

/* Whether the chip is busy (OIP) at the chip's clock now. */
gboolean   fm_spi_nand_busy (FmSpiNand *spi);

G_END_DECLS
