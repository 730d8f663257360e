/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Serial Flash Discoverable Parameters (JEDEC JESD216B) of a serial NOR
 * part, built from its descriptor: what READ SFDP (5Ah) returns.
 *
 * The space holds the SFDP header (revision 1.6), one parameter header per
 * table, the 16-DWORD Basic Flash Parameter Table (BFPT) and, on parts with
 * 4-byte opcodes, the 4-Byte Address Instruction Table (4BAIT), the tables
 * right after the headers. Every field comes from the descriptor or from
 * what the command-level model (fm-spi-nor.h) does, the same for every part:
 * no suspend/resume, no deep power-down, no QPI (4-4-4) or DTR modes, no
 * quad page program; legacy busy polling (05h bit 0); soft reset 66h/99h;
 * 4-byte mode entered with B7h and left with E9h, a soft reset or a power
 * cycle, without WREN.
 *
 * The multi-I/O read instructions are shared with the command-level model.
 */
#pragma once

#include "fm-chip-desc.h"

G_BEGIN_DECLS

#define FM_SFDP_SIGNATURE 0x50444653u  /* "SFDP", little-endian */
#define FM_SFDP_MAJOR 1
#define FM_SFDP_MINOR 6                /* JESD216B */
#define FM_SFDP_BFPT_ID 0xff00
#define FM_SFDP_4BAIT_ID 0xff84
#define FM_SFDP_BFPT_DWORDS 16
#define FM_SFDP_4BAIT_DWORDS 2

/* One multi-I/O fast read: the instruction, its 4-byte-address form, and
 * how many lines carry the address (and dummy) and the data phases. */
typedef struct {
  FmSpiReadModes mode;
  guint8 opcode;
  guint8 opcode_4b;
  guint8 addr_lines;
  guint8 data_lines;
} FmSpiReadCommand;

/* INDEX is the bit number of the mode in FmSpiReadModes (and the index of
 * its read_dummy_clocks[]), 0 .. FM_SPI_N_READ_MODES - 1. */
const FmSpiReadCommand *fm_spi_read_command (guint index);

/* Of a read mode's dummy clocks (mode clocks included), those that carry
 * the mode byte: one byte on the address lines of the x-2-2 and x-4-4
 * reads (Winbond M7-0, Macronix P7-0), none for x-1-y reads. */
guint    fm_spi_read_mode_clocks (guint index, guint dummy_clocks);

/* The SFDP space from address 0. DESC must be a spi-nor part. */
GBytes  *fm_sfdp_build (const FmChipDesc *desc);

G_END_DECLS
