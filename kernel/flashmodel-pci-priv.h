/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of flashmodel-pci.ko share: the device's state and the
 * data path through the DATA register. flashmodel-pci-core.c is the PCI
 * driver with its NAND and CFI NOR personalities, flashmodel-pci-spi.c
 * the SPI controller of the SPI NAND and SPI NOR personalities.
 */
#ifndef FLASHMODEL_PCI_PRIV_H
#define FLASHMODEL_PCI_PRIV_H

#include <linux/kconfig.h>
#include <linux/mtd/map.h>
#include <linux/mutex.h>
#include <linux/mtd/rawnand.h>
#include <linux/pci.h>

#include "flashmodel-pci.h"

struct spi_controller;

struct fmpci {
	struct pci_dev *pdev;
	void __iomem *regs;
	char name[FMPCI_NAME_LEN + 1];
	u32 type;
	unsigned int buswidth;
	unsigned int targets;	/* NAND: chip enables, 1 to FMPCI_MAX_TARGETS */
	u64 size;

	/* debugfs: flashmodel-pci/<chip>/stats, the statistics window */
	struct dentry *debugfs;
	struct mutex stat_lock;		/* STAT_SELECT, then its name and value */

	/* NAND */
	struct nand_controller controller;
	struct nand_chip chip;

	/* CFI NOR */
	struct map_info map;
	struct mtd_info *nor_mtd;

	/* SPI NAND, SPI NOR */
	struct spi_controller *spi_ctlr;
	unsigned int spi_lines;		/* what SPI_LINES holds */
};

static inline struct device *fmpci_dev(struct fmpci *fm)
{
	return &fm->pdev->dev;
}

/*
 * LEN bytes through DATA, 4 per access and the rest in 2 and 1; with
 * FORCE_8BIT on a x16 NAND chip, one 16-bit access per byte.
 */
void fmpci_read_data(struct fmpci *fm, u8 *buf, unsigned int len,
		     bool force_8bit);
void fmpci_write_data(struct fmpci *fm, const u8 *buf, unsigned int len,
		      bool force_8bit);

#if IS_ENABLED(CONFIG_SPI_MEM)
int fmpci_spi_probe(struct fmpci *fm);
void fmpci_spi_remove(struct fmpci *fm);
#else
static inline int fmpci_spi_probe(struct fmpci *fm)
{
	dev_err(fmpci_dev(fm),
		"%s: a SPI chip needs a kernel with CONFIG_SPI_MEM\n",
		fm->name);
	return -ENODEV;
}

static inline void fmpci_spi_remove(struct fmpci *fm)
{
}
#endif

#endif /* FLASHMODEL_PCI_PRIV_H */
