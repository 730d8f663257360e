/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The input format of fuzz-pci-regs (a guest driving QEMU's flashmodel-pci
 * device), shared with make-pci-seeds, which writes its seed corpus.
 *
 *   byte 0   the chip: an index into fuzz_pci_chips() (modulo its length)
 *   byte 1   the configuration: FUZZ_PCI_CONFIG_* bits
 *   byte 2   the fault's parameter P (FUZZ_PCI_CONFIG_FAULTS)
 *   then operations to the end of the input, each a byte H and operands:
 *     H & 3        the access size, 1 << (H & 3): 1, 2, 4 or 8 bytes
 *     H >> 2 & 1   a write (else a read)
 *     H >> 3 & 3   where (FUZZ_PCI_WHERE_*): a BAR0 register of
 *                  fuzz_pci_regs[H >> 5]; any BAR0 offset (2 bytes); a BAR1
 *                  address (3 bytes); or control operation H >> 5
 *                  (FUZZ_PCI_CTL_*) with its own operands
 *     a write's value follows its address: SIZE bytes.
 * Numbers are little-endian; bytes missing at the end of the input are 0.
 */
#pragma once

#include "flashmodel.h"
#include "flashmodel-pci.h"

#include <stdio.h>
#include <stdlib.h>

enum {
  FUZZ_PCI_CONFIG_TIMING = 3 << 0,      /* FUZZ_PCI_TIMING_* */
  FUZZ_PCI_CONFIG_NOR_X8 = 1 << 2,      /* a x8/x16 NOR part on its x8 bus */
  FUZZ_PCI_CONFIG_BAD_BLOCKS = 1 << 3,  /* NAND: two factory bad blocks */
  FUZZ_PCI_CONFIG_FAULTS = 3 << 4,      /* FUZZ_PCI_FAULTS_* */
  FUZZ_PCI_CONFIG_NO_NOP = 1 << 6,      /* NAND: no partial-program limit (nop=0) */
};

enum {
  FUZZ_PCI_TIMING_NONE = 0,
  FUZZ_PCI_TIMING_VIRTUAL = 1,
  FUZZ_PCI_TIMING_GUEST = 2,            /* virtual, the chip following a guest clock */
};

enum {
  FUZZ_PCI_FAULTS_NONE = 0 << 4,
  FUZZ_PCI_FAULTS_POWER_CUT = 1 << 4,   /* powercut at-op=P+1 (torn) */
  FUZZ_PCI_FAULTS_FAIL = 2 << 4,        /* program-fail and erase-fail, nth=P+1 */
  FUZZ_PCI_FAULTS_CLEAN_CUT = 3 << 4,   /* powercut at-op=P+1 clean */
};

enum {
  FUZZ_PCI_WHERE_REG = 0,
  FUZZ_PCI_WHERE_BAR0 = 1,
  FUZZ_PCI_WHERE_BAR1 = 2,
  FUZZ_PCI_WHERE_CONTROL = 3,
};

/* The BAR0 registers FUZZ_PCI_WHERE_REG names. */
static const guint16 fuzz_pci_regs[8] = {
  FMPCI_CTRL, FMPCI_STATUS, FMPCI_CMD, FMPCI_ADDR,
  FMPCI_DATA, FMPCI_MAGIC, FMPCI_NAME, FMPCI_SIZE_LO,
};
enum { FUZZ_PCI_REG_CTRL, FUZZ_PCI_REG_STATUS, FUZZ_PCI_REG_CMD, FUZZ_PCI_REG_ADDR,
       FUZZ_PCI_REG_DATA, FUZZ_PCI_REG_MAGIC, FUZZ_PCI_REG_NAME, FUZZ_PCI_REG_SIZE };

/* Control operations (S: the access size of H). */
enum {
  FUZZ_PCI_CTL_RESET = 0,          /* a system reset */
  FUZZ_PCI_CTL_TIME = 1,           /* 2 bytes V: V << (10 * (H & 3)) ns pass (at most 2^40) */
  FUZZ_PCI_CTL_DATA_READS = 2,     /* 1 byte C: C + 1 8-byte DATA reads */
  FUZZ_PCI_CTL_DATA_WRITES = 3,    /* C, F: C + 1 8-byte DATA writes, bytes F, F + 1, ... */
  FUZZ_PCI_CTL_WINDOW_READS = 4,   /* 3 bytes A, C: C + 1 S-byte BAR1 reads from A up */
  FUZZ_PCI_CTL_WINDOW_WRITES = 5,  /* A, C, F: C + 1 S-byte BAR1 writes from A up */
  FUZZ_PCI_CTL_POLL = 6,           /* STATUS reads until READY (at most 4096) */
  FUZZ_PCI_CTL_REPEAT = 7,         /* 1 byte K, 2 bytes N: the K % 16 + 1 operations
                                    * before this one, N times more */
};

static inline guint8
fuzz_pci_op (guint where, guint sub, gboolean write, guint size)
{
  guint log2 = size == 8 ? 3 : size == 4 ? 2 : size == 2 ? 1 : 0;

  return (guint8) (log2 | (write ? 4 : 0) | where << 3 | sub << 5);
}

static inline gboolean
fuzz_pci_is_serial (const FmChipDesc *desc)
{
  return desc->type == FM_CHIP_SPI_NOR || desc->type == FM_CHIP_SPI_NAND;
}

/* The catalog's parts that flashmodel-pci serves: NAND and parallel NOR
 * sorted by name, then the SPI parts sorted by name (so that the chip
 * bytes of the seeds written before flashmodel-pci served SPI parts still
 * name the same chips); aborts when there are none. */
static inline GPtrArray *
fuzz_pci_chips (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);
  GPtrArray *chips = g_ptr_array_new_with_free_func ((GDestroyNotify) fm_chip_desc_free);

  for (guint serial = 0; serial < 2; serial++)
    for (guint i = 0; names && names[i]; i++)
      {
        FmChipDesc *desc = fm_chip_desc_lookup (names[i], NULL);

        if (desc && fuzz_pci_is_serial (desc) == (serial == 1))
          g_ptr_array_add (chips, desc);
        else if (desc)
          fm_chip_desc_free (desc);
      }
  if (chips->len == 0)
    {
      fprintf (stderr, "fuzz-pci: no NAND, NOR or SPI part in the catalog %s%s%s\n",
               fm_chip_catalog_dir (), error ? ": " : "", error ? error->message : "");
      abort ();
    }
  return chips;
}
