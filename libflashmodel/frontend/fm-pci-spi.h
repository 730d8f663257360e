/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SPI controller of flashmodel-pci's SPI personalities
 * (kernel/flashmodel-pci.h: FMPCI_TYPE_SPI_NOR, FMPCI_TYPE_SPI_NAND): one
 * chip select, a register for the I/O lines of the phase under way, and
 * bytes clocked through a serial chip model (FmSpiNor, FmSpiNand) a few
 * at a time, each checked against the lines the chip expects for it.
 * Private to fm-pci-regs.c, which maps it on BAR0.
 *
 * Nothing is queued: every byte goes to the chip as the guest's access
 * carries it, so the guest cannot make it hold more than one access.
 */
#pragma once

#include "fm-nor.h"

G_BEGIN_DECLS

typedef struct _FmPciSpi FmPciSpi;

/* The controller in front of a SPI NOR chip (whose FmSpiNor it makes and
 * owns; NOR must outlive it), or of a SPI NAND chip (whose FmSpiNand it
 * makes and owns; CELLS must outlive it). Fail for other descriptor types. */
FmPciSpi *fm_pci_spi_new_nor  (FmNor *nor, GError **error);
FmPciSpi *fm_pci_spi_new_nand (FmNand *cells, GError **error);
void      fm_pci_spi_free    (FmPciSpi *spi);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmPciSpi, fm_pci_spi_free)

/* CS# and WP#, asserted or not. */
void      fm_pci_spi_set_cs (FmPciSpi *spi, gboolean asserted);
void      fm_pci_spi_set_wp (FmPciSpi *spi, gboolean asserted);

/* The I/O lines the next bytes travel on: 1, 2 or 4 (anything else is
 * refused: FALSE, no change). 1 after fm_pci_spi_new_*(). */
gboolean  fm_pci_spi_set_lines (FmPciSpi *spi, guint64 lines);
guint     fm_pci_spi_lines     (const FmPciSpi *spi);

/* Whether the chip is idle (not WIP/OIP) at its clock now. */
gboolean  fm_pci_spi_ready (FmPciSpi *spi);

/* A byte sent on other lines than the chip expected. */
typedef struct {
  gsize index;      /* of the byte in the instruction (0: the opcode) */
  guint8 opcode;    /* the instruction's first byte */
  guint sent;       /* lines it went out on */
  guint expected;   /* lines the chip takes it on */
} FmPciSpiWidthError;

/*
 * Clocks LEN bytes through the chip: TX goes out (NULL: FFh), RX gets
 * what came back (NULL: dropped). A byte sent on other lines than the
 * chip expects for it reaches the chip as FFh and reads as FFh; the first
 * such byte of an instruction (CS# low to high) returns FALSE and fills
 * ERROR, the others pass silently. An unpowered chip listens to nothing,
 * so its bytes are not checked.
 */
gboolean  fm_pci_spi_transfer (FmPciSpi *spi, const guint8 *tx, guint8 *rx, gsize len,
                               FmPciSpiWidthError *error);

G_END_DECLS
