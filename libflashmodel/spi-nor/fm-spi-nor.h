/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A serial NOR chip seen from its SPI pins: a controller selects it (CS#
 * low), clocks bytes through it (what goes out on MOSI, what comes back on
 * MISO) and deselects it; the instruction, address, dummy and data phases
 * are decoded from the byte stream as the part does. Multi-I/O reads
 * (1-1-2, 1-2-2, 1-1-4, 1-4-4) carry the same bytes: a controller moves a
 * byte per 8/lines clocks, and the dummy phase lasts dummy clocks * lines / 8
 * bytes (mode bits included; the model ignores their value, it has no
 * continuous-read mode), lines being the address phase's, as Linux's
 * spi-mem counts it.
 *
 * Instructions: READ 03h, FAST READ 0Bh and the multi-I/O reads the part
 * has (3Bh, BBh, 6Bh, EBh; the quad ones only with QE set on parts with a
 * QE bit), READ JEDEC ID 9Fh, READ SFDP 5Ah (fm-sfdp.h), WREN 06h, WRDI 04h,
 * RDSR 05h (and 35h for parts with a second status register), WRSR 01h
 * (one byte: SR1; two: SR1 and SR2) and 31h (SR2), PP 02h, the erase types
 * (20h, 52h, D8h), CE C7h/60h, EN4B B7h / EX4B E9h and the 4-byte opcodes
 * (13h, 0Ch, 12h, 3Ch, BCh, 6Ch, ECh, the erase types' own) on parts that
 * have them, RSTEN 66h followed by RST 99h. Other opcodes are ignored.
 *
 * Instructions without data run only if CS# goes high right after their
 * last byte. Program, erase and WRSR start when CS# goes high: the cells
 * change at once and the chip stays busy (WIP) for the operation's
 * nominal time, while the host polls RDSR. They need WEL (set by WREN,
 * cleared when they start, also when they are refused) and do nothing on
 * a protected area: the BP bits (and TB) protect a range as in Linux's
 * spi_nor_sr_lock() and the datasheets' tables; chip erase runs only when
 * nothing is protected. There is no fail status: a worn or faulty sector
 * just holds wrong data. While busy the part answers only RDSR (and 35h)
 * and a software reset, which ends the operation. Page Program wraps
 * within its page; past a page's worth, the last bytes sent win.
 *
 * The status registers live in the model, not in the image: a new model
 * starts with every bit clear, 3-byte addressing and WEL off. In virtual
 * timing each byte advances the chip's clock by 8/lines periods of a
 * 50 MHz serial clock. After a power cut MISO reads FFh and nothing runs.
 */
#pragma once

#include "fm-nor.h"

G_BEGIN_DECLS

typedef struct _FmSpiNor FmSpiNor;

/* Status register 1 bits every part has. */
enum {
  FM_SPI_SR_WIP = 1 << 0,   /* busy */
  FM_SPI_SR_WEL = 1 << 1,   /* write enable latch */
  FM_SPI_SR_BP0 = 1 << 2,   /* the block protect bits start here */
  FM_SPI_SR_SRWD = 1 << 7,  /* status register write disable (SRP0) */
};

/* Does not own NOR; free the SPI model first. */
FmSpiNor *fm_spi_nor_new  (FmNor *nor, GError **error);
void      fm_spi_nor_free (FmSpiNor *spi);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmSpiNor, fm_spi_nor_free)

FmNor    *fm_spi_nor_nor (FmSpiNor *spi);

/* CS#: asserting starts an instruction, deasserting ends it (a program
 * or erase starts when CS# goes high, as on the part). */
void      fm_spi_nor_select   (FmSpiNor *spi, gboolean asserted);
/* Clocks LEN bytes: TX is what the controller sends (NULL: don't care,
 * sends FFh), RX what it receives (NULL: ignored). */
void      fm_spi_nor_transfer (FmSpiNor *spi, const guint8 *tx, guint8 *rx, gsize len);
/* WP# asserted (low): with SRWD set, WRSR is refused, unless QE has made
 * the pin IO2. */
void      fm_spi_nor_set_wp   (FmSpiNor *spi, gboolean asserted);

/* The I/O lines (1, 2 or 4) the next byte of the current instruction
 * travels on: 1 for the opcode, then the address phase's lines for the
 * address and dummy bytes and the data phase's for the data, as the
 * instruction defines them (1 for an opcode the part does not know, and
 * with CS# high); so that a controller can check the widths a host asked
 * for. An instruction ignored while the part is busy keeps its widths. */
guint     fm_spi_nor_phase_lines (const FmSpiNor *spi);

/* Whether 4-byte addressing is on (after EN4B). */
gboolean  fm_spi_nor_four_byte_mode (const FmSpiNor *spi);

/* The part's SFDP space (header, parameter headers, tables) as READ SFDP
 * returns it from address 0, for tests and tools. */
GBytes   *fm_spi_nor_sfdp (const FmChipDesc *desc);

G_END_DECLS
