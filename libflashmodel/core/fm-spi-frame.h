/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every SPI memory does with its pins before it decodes anything, the
 * same for serial NOR (fm-spi-nor) and SPI NAND (fm-spi-nand): CS# going
 * low starts an instruction, each byte clocked is counted, CS# going high
 * ends it (and starts what it asked for); without power MISO floats high
 * (FFh). The chip's own decoding comes in through FmSpiFrameOps. Also
 * the serial clock that bus time is counted at in virtual timing.
 * Private to the SPI models.
 */
#pragma once

#include "fm-clock.h"

G_BEGIN_DECLS

/* The serial clock: a byte on LINES I/O lines takes 8 / LINES periods. */
#define FM_SPI_SCK_HZ 50000000
#define FM_SPI_SCK_PERIOD_NS (1000000000 / FM_SPI_SCK_HZ)

typedef struct {
  gboolean selected;    /* CS# low */
  gsize count;          /* bytes clocked since CS# went low */
} FmSpiFrame;

typedef struct {
  gboolean (*powered)    (gpointer chip);
  /* Moves as many bytes as the instruction takes in bulk (a data phase)
   * from TX / into RX (either may be NULL); 0 when the next byte must go
   * through clock_byte. Advances the frame's count itself. */
  gsize    (*clock_run)  (gpointer chip, const guint8 *tx, guint8 *rx, gsize len);
  /* One byte: MOSI in, MISO out. Advances the frame's count itself. */
  guint8   (*clock_byte) (gpointer chip, guint8 mosi);
  /* CS# went high after at least one byte, with the chip powered. */
  void     (*finish)     (gpointer chip);
  /* CS# changed: the instruction under way is forgotten. */
  void     (*forget)     (gpointer chip);
} FmSpiFrameOps;

void  fm_spi_frame_select   (FmSpiFrame *frame, const FmSpiFrameOps *ops, gpointer chip,
                             gboolean asserted);
void  fm_spi_frame_transfer (FmSpiFrame *frame, const FmSpiFrameOps *ops, gpointer chip,
                             const guint8 *tx, guint8 *rx, gsize len);
/* The lines the next byte travels on: 1 for the opcode (and with CS#
 * high), ADDR_LINES up to HEADER_BYTES (opcode, address, dummy), then
 * DATA_LINES. */
guint fm_spi_frame_lines    (const FmSpiFrame *frame, gsize header_bytes,
                             guint addr_lines, guint data_lines);
/* Lets the bus time of BYTES on LINES lines pass on CLOCK. */
void  fm_spi_bus_clocks     (FmClock *clock, guint64 bytes, guint lines);

G_END_DECLS
