/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flashmodel-pci register interface of a chip model: everything a
 * guest sees of a chip on QEMU's flashmodel-pci device (qemu-glue/), with
 * no QEMU in it, so that the device, the tests and the fuzzer run the same
 * code. The layout is kernel/flashmodel-pci.h, shared with the Linux
 * driver.
 *
 * BAR0 is the register file: MAGIC, VERSION, TYPE, CTRL (CE#, WP#),
 * STATUS (R/B#, RY/BY#), BUSWIDTH, SIZE, NAME, and for a NAND chip
 * (FmNandBus) the CMD and ADDR latches and the DATA FIFO, with 1-, 2-, 4-
 * and 8-byte accesses. For a SPI chip (FmSpiNor, FmSpiNand) BAR0 is a SPI
 * controller: CE is CS#, SPI_LINES the lines of the phase under way, DATA
 * clocks bytes through the chip, each checked against the lines the chip
 * expects for it (fm-pci-spi.h). BAR1 is the address space of a parallel NOR chip
 * (FmNorCfi): every access of any width at any address is a bus cycle.
 *
 * Every value a guest sends crosses the trust boundary here: an offset,
 * a width or a value the interface does not define is a guest error
 * (reported through the hooks), reads of it return 0 (BAR0) or all ones
 * (beyond BAR1), and nothing else happens.
 *
 * What only the host has comes in through hooks: where guest errors go,
 * what to do when a power-cut fault leaves the chip unpowered, and the
 * guest's clock when the chip's time follows it.
 */
#pragma once

#include "fm-nand-bus.h"
#include "fm-nor-cfi.h"

G_BEGIN_DECLS

typedef struct _FmPciRegs FmPciRegs;

typedef struct {
  /* An access the interface does not define; MESSAGE has no newline.
   * NULL: ignored. */
  void    (*guest_error)  (gpointer data, const gchar *message);
  /* A power cut left the chip unpowered at operation AT (the machine it
   * sits in would have lost power too); called once. NULL: ignored. */
  void    (*power_cut)    (gpointer data, guint64 at);
  /* The image's storage failed (e.g. a full disk): the program that met
   * it reported FAIL to the guest and changed nothing. Called once, for
   * the first failure. NULL: ignored. */
  void    (*storage_error) (gpointer data, const GError *error);
  /* The guest's clock in ns: before every access the chip's clock (which
   * must be in virtual timing) is moved up to it, never back. NULL: the
   * chip keeps its own time, and in virtual timing each STATUS read lets
   * FM_PCI_REGS_POLL_NS pass. */
  guint64 (*guest_now_ns) (gpointer data);
} FmPciRegsHooks;

/* In virtual timing without a guest clock, what one STATUS read lets pass:
 * a guest polling R/B# sees the chip ready after (operation time / this)
 * reads. */
#define FM_PCI_REGS_POLL_NS 1000

/* The interface of NAND (whose bus model it makes and owns; NAND must
 * outlive it). HOOKS (may be NULL) are copied. */
FmPciRegs *fm_pci_regs_new_nand (FmNand *nand, const FmPciRegsHooks *hooks, gpointer data);
/* The interface of a parallel NOR chip on a BUS_WIDTH (8 or 16) bus. */
FmPciRegs *fm_pci_regs_new_nor  (FmNor *nor, guint bus_width, const FmPciRegsHooks *hooks,
                                 gpointer data, GError **error);
/* The SPI controller in front of a SPI NOR chip (whose FmSpiNor it makes
 * and owns; NOR must outlive it), or of a SPI NAND chip (whose FmSpiNand
 * it makes and owns; NAND must outlive it). */
FmPciRegs *fm_pci_regs_new_spi_nor  (FmNor *nor, const FmPciRegsHooks *hooks, gpointer data,
                                     GError **error);
FmPciRegs *fm_pci_regs_new_spi_nand (FmNand *nand, const FmPciRegsHooks *hooks, gpointer data,
                                     GError **error);
void       fm_pci_regs_free     (FmPciRegs *regs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmPciRegs, fm_pci_regs_free)

/* BAR0: an access of SIZE bytes at OFFSET. */
guint64    fm_pci_regs_read  (FmPciRegs *regs, guint64 offset, guint size);
void       fm_pci_regs_write (FmPciRegs *regs, guint64 offset, guint64 value, guint size);

/* BAR1 of a NOR chip: an access of SIZE bytes (1, 2, 4 or 8: two 4-byte
 * accesses, lower address first) at ADDR, any alignment. */
guint64    fm_pci_regs_window_read  (FmPciRegs *regs, guint64 addr, guint size);
void       fm_pci_regs_window_write (FmPciRegs *regs, guint64 addr, guint64 value, guint size);
/* The size of BAR1: the NOR chip's size rounded up to a power of two,
 * the chip repeating above its size; 0 for a NAND or SPI chip (no BAR1). */
guint64    fm_pci_regs_window_size  (const FmPciRegs *regs);

/* A system reset: CTRL is cleared (CE# and WP# deasserted) and a NOR
 * chip's RESET# pulsed; a NAND or SPI chip has no reset pin, so its
 * operations go on (the driver sends RESET FFh); SPI_LINES is 1 again. */
void       fm_pci_regs_reset (FmPciRegs *regs);

/* The bus model behind the interface (NULL for the other kinds); for a
 * package with several chip enables, the selected target's. */
FmNandBus *fm_pci_regs_nand_bus (FmPciRegs *regs);
FmNorCfi  *fm_pci_regs_nor_cfi  (FmPciRegs *regs);

G_END_DECLS
