/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The register interface of QEMU's flashmodel-pci device (qemu-glue/) as
 * its Linux driver (kernel/flashmodel-pci*.c) sees it. Shared by both
 * sides, so it uses nothing but the preprocessor.
 *
 * One PCI function per chip. BAR0 holds the registers below (4 KiB,
 * little-endian, 32-bit unless stated). For a NAND chip, the registers
 * are a minimal raw NAND controller: the host writes command and address
 * cycles and moves data cycles through DATA, and polls R/B# in STATUS.
 * For a parallel (CFI) NOR chip, BAR1 is the chip's address space: every
 * read and write of it is a bus cycle of the chip (CFI query, command
 * sets, status polling), with the access width the CPU used.
 *
 * Access widths: BAR0 takes 8-, 16-, 32- and 64-bit naturally aligned
 * accesses; a narrower read of a register returns its bytes, a 64-bit one
 * two registers (SIZE_LO and SIZE_HI at once). BAR1 takes any width at any
 * address (an 8-byte access is two 4-byte ones, lower address first); it
 * is a 32-bit, non-prefetchable memory BAR of the chip's size rounded up
 * to a power of two, the chip repeating above its size. There is no
 * interrupt (interrupt pin 0): R/B# is polled in STATUS.
 *
 * For a serial chip (SPI NAND, SPI NOR), BAR0 is a SPI controller with one
 * chip select: CTRL's CE is CS#, SPI_LINES the number of I/O lines of the
 * phase under way, and DATA moves bytes (see SPI_LINES). A spi-mem
 * operation is: set CE; SPI_LINES = the command's buswidth, the opcode
 * to DATA; SPI_LINES = the address's buswidth, its bytes to DATA, most
 * significant first; the dummy bytes (any value) at their buswidth; the
 * data at theirs, through DATA; clear CE. The chip tells the phases apart
 * as the part does, from the opcode. There is no BAR1.
 */
#ifndef FLASHMODEL_PCI_H
#define FLASHMODEL_PCI_H

/* PCI IDs: QEMU's "local use" vendor ID with a device ID of our own. */
#define FMPCI_VENDOR_ID 0x1234
#define FMPCI_DEVICE_ID 0xf1a5

#define FMPCI_REGS_SIZE 0x1000

#define FMPCI_MAGIC     0x000   /* RO: FMPCI_MAGIC_VALUE */
#define FMPCI_VERSION   0x004   /* RO: FMPCI_VERSION_VALUE */
#define FMPCI_TYPE      0x008   /* RO: FMPCI_TYPE_* */
#define FMPCI_CTRL      0x00c   /* RW: FMPCI_CTRL_*, 0 after reset */
/*
 * STATUS: with timing=virtual each read lets 1 us of chip time pass, so a
 * loop polling READY ends after (operation time / 1 us) reads; with
 * timing=guest the chip's time is the guest's (QEMU's virtual clock), so
 * sleeping between polls works too; with timing=none the chip is ready
 * after every operation.
 */
#define FMPCI_STATUS    0x010   /* RO: FMPCI_STATUS_* */
#define FMPCI_CMD       0x014   /* WO: bits 7:0 go out as a command cycle */
#define FMPCI_ADDR      0x018   /* WO: bits 7:0 go out as an address cycle */
/*
 * BUSWIDTH: NAND and CFI NOR: the data bus width of the chip, 8 or 16;
 * SPI: 4, the I/O lines wired (IO0-IO3), for single, dual and quad phases
 */
#define FMPCI_BUSWIDTH  0x01c   /* RO */
#define FMPCI_SIZE_LO   0x020   /* RO: chip size in bytes (NAND: data area) */
#define FMPCI_SIZE_HI   0x024
/*
 * SPI_LINES (SPI types only): the I/O lines (1, 2 or 4) the following DATA
 * bytes travel on, 1 after a reset; other values are refused (a guest
 * error, the register keeps its value). A DATA write sends its bytes, a
 * DATA read clocks as many and returns what the chip drove (FFh where it
 * drove nothing). Each byte must travel on the lines the chip expects for
 * it at that point of the instruction (the opcode on 1, the address,
 * dummy and data phases on what the opcode defines): one sent on other
 * lines is a guest error, reaches the chip as FFh and reads as FFh, as
 * a real controller would sample garbage. STATUS's READY is the chip's
 * busy bit (WIP, OIP) inverted, at the chip's time, for a driver that
 * prefers it to the chip's own status register.
 */
#define FMPCI_SPI_LINES 0x028   /* RW */
/* TARGETS: NAND: the package's chip enables (1 to FMPCI_MAX_TARGETS, see
 * FMPCI_CTRL_CE_TARGET); every other type: 1. */
#define FMPCI_TARGETS   0x02c   /* RO */
/*
 * The statistics window: the chip model's counters (reads, programs,
 * erases, failures, busy time, bit flips, ECC results, read retries), one
 * at a time. STAT_COUNT is how many there are; a write of I to
 * STAT_SELECT selects counter I, whose name STAT_NAME then holds
 * (NUL-padded) and whose value is STAT_VALUE: a read of STAT_VALUE_LO
 * takes a snapshot of the 64-bit value and returns its low half,
 * STAT_VALUE_HI the snapshot's high half (a 64-bit read at STAT_VALUE_LO
 * returns both). The list is the device's: a driver enumerates it. A
 * selection at or beyond STAT_COUNT is a guest error; its name and value
 * read 0.
 */
#define FMPCI_STAT_SELECT   0x030   /* RW */
#define FMPCI_STAT_COUNT    0x034   /* RO */
#define FMPCI_STAT_VALUE_LO 0x038   /* RO */
#define FMPCI_STAT_VALUE_HI 0x03c   /* RO */
/*
 * DATA: data cycles. An 8-bit access is one cycle on a x8 chip (on a x16
 * chip, one cycle on D7-D0: the high byte is dropped on reads, zero on
 * writes); a 16-bit access is one cycle on a x16 chip or two on a x8
 * chip; a 32-bit access is 4 bytes of cycles, a 64-bit one 8. Bytes go
 * out and come in lowest address first (little-endian), so ioread32_rep()
 * moves a buffer. SPI: an access of N bytes moves N bytes (SPI_LINES).
 */
#define FMPCI_DATA      0x040
#define FMPCI_NAME      0x100   /* RO: the chip's name, NUL-padded */
#define FMPCI_NAME_LEN  64
#define FMPCI_STAT_NAME 0x140   /* RO: the selected counter's name, NUL-padded */
#define FMPCI_STAT_NAME_LEN 32

#define FMPCI_MAGIC_VALUE   0x434d5046  /* "FPMC" read as bytes F, P, M, C */
#define FMPCI_VERSION_VALUE 1

#define FMPCI_TYPE_NAND     0
#define FMPCI_TYPE_CFI_NOR  1
#define FMPCI_TYPE_SPI_NAND 2   /* a SPI NAND chip behind BAR0's SPI controller */
#define FMPCI_TYPE_SPI_NOR  3   /* a SPI NOR chip behind BAR0's SPI controller */

/*
 * A NOR chip is selected by every access of BAR1, so CE has no effect on
 * it; WP drives its WP#/VPP. A system reset clears CTRL and pulses a NOR
 * chip's RESET# (a NAND chip has none: the driver sends RESET FFh; nor
 * has a SPI chip, whose CS# goes high and SPI_LINES back to 1).
 */
#define FMPCI_CTRL_CE       (1u << 0)   /* CE# (CS#) asserted: chip selected */
#define FMPCI_CTRL_WP       (1u << 1)   /* WP# asserted: program/erase refused */
/*
 * A NAND package with several chip enables (targets on shared I/O lines):
 * CE is target 0's CE#, bits 2-4 those of targets 1-3 (NAND only: other
 * types keep them 0). The host asserts
 * one at a time; cycles go to that target, STATUS_READY is its R/B#. A
 * target the package does not have answers nothing (data reads FFh), so
 * nand_scan(chip, FMPCI_MAX_TARGETS) finds the ones there are.
 */
#define FMPCI_MAX_TARGETS   4
#define FMPCI_CTRL_CE_TARGET(t) ((t) ? 1u << ((t) + 1) : FMPCI_CTRL_CE)
#define FMPCI_CTRL_CE_ALL   (FMPCI_CTRL_CE | (7u << 2))

#define FMPCI_STATUS_READY  (1u << 0)   /* R/B# high (NAND), RY/BY# (NOR), idle (SPI) */

#endif /* FLASHMODEL_PCI_H */
