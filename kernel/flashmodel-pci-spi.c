// SPDX-License-Identifier: GPL-2.0-only
/*
 * flashmodel-pci's SPI controller: a SPI NAND or SPI NOR chip of QEMU's
 * flashmodel-pci device behind BAR0's SPI registers (flashmodel-pci.h:
 * CTRL's CE is CS#, SPI_LINES the lines of the phase under way, DATA
 * clocks bytes through the chip).
 *
 * The controller has spi-mem operations only (no plain SPI transfers):
 * each one is CS# low, the opcode, address, dummy and data phases each on
 * its buswidth (single, dual or quad, single data rate), CS# high. One
 * device sits on it, "spi-nand" or "spi-nor" with quad I/O, so that
 * Linux's own spinand and spi-nor cores probe the chip unchanged: READ ID,
 * SFDP for SPI NOR, the vendor's quad enable, and the fastest read and
 * program operations the part and the controller share. The device checks
 * every phase's width against the part's, so a core that picked an
 * operation the part does not have gets FFh back (and QEMU logs it with
 * -d guest_errors).
 */

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/spi/spi.h>
#include <linux/spi/spi-mem.h>

#include "flashmodel-pci-priv.h"

/*
 * The data of one operation is at most this: the bytes move one register
 * access at a time without rescheduling, so spi-nor's reads of a whole
 * device are split (spi-mem does it through adjust_op_size; spinand's page
 * reads are well below).
 */
#define FMPCI_SPI_MAX_DATA	SZ_64K

/* Nominal: the device has no clock, every access moves its bytes at once. */
#define FMPCI_SPI_SPEED_HZ	(50 * 1000 * 1000)

static struct fmpci *fmpci_spi_of(struct spi_mem *mem)
{
	return spi_controller_get_devdata(mem->spi->controller);
}

/* The widths of a phase the controller drives: none, 1, 2 or 4 lines. */
static bool fmpci_spi_buswidth_ok(u8 buswidth)
{
	return buswidth <= 2 || buswidth == 4;
}

static bool fmpci_spi_supports_op(struct spi_mem *mem,
				  const struct spi_mem_op *op)
{
	if (!fmpci_spi_buswidth_ok(op->cmd.buswidth) ||
	    !fmpci_spi_buswidth_ok(op->addr.buswidth) ||
	    !fmpci_spi_buswidth_ok(op->dummy.buswidth) ||
	    !fmpci_spi_buswidth_ok(op->data.buswidth))
		return false;
	/* Single data rate, no on-controller ECC, the device's mode bits */
	return spi_mem_default_supports_op(mem, op);
}

static int fmpci_spi_adjust_op_size(struct spi_mem *mem,
				    struct spi_mem_op *op)
{
	op->data.nbytes = min_t(unsigned int, op->data.nbytes,
				FMPCI_SPI_MAX_DATA);
	return 0;
}

/* The lines of the next bytes, written only when they change. */
static void fmpci_spi_set_lines(struct fmpci *fm, u8 buswidth)
{
	if (fm->spi_lines == buswidth)
		return;
	iowrite32(buswidth, fm->regs + FMPCI_SPI_LINES);
	fm->spi_lines = buswidth;
}

/* NBYTES bytes of VALUE, most significant first (opcode, address). */
static void fmpci_spi_send_be(struct fmpci *fm, u64 value, unsigned int nbytes)
{
	while (nbytes--)
		iowrite8(value >> (8 * nbytes), fm->regs + FMPCI_DATA);
}

static int fmpci_spi_exec_op(struct spi_mem *mem, const struct spi_mem_op *op)
{
	struct fmpci *fm = fmpci_spi_of(mem);
	unsigned int i;

	iowrite32(FMPCI_CTRL_CE, fm->regs + FMPCI_CTRL);
	fmpci_spi_set_lines(fm, op->cmd.buswidth);
	fmpci_spi_send_be(fm, op->cmd.opcode, op->cmd.nbytes);
	if (op->addr.nbytes) {
		fmpci_spi_set_lines(fm, op->addr.buswidth);
		fmpci_spi_send_be(fm, op->addr.val, op->addr.nbytes);
	}
	if (op->dummy.nbytes) {
		fmpci_spi_set_lines(fm, op->dummy.buswidth);
		for (i = 0; i < op->dummy.nbytes; i++)
			iowrite8(0xff, fm->regs + FMPCI_DATA);
	}
	if (op->data.nbytes) {
		fmpci_spi_set_lines(fm, op->data.buswidth);
		if (op->data.dir == SPI_MEM_DATA_IN)
			fmpci_read_data(fm, op->data.buf.in, op->data.nbytes,
					false);
		else
			fmpci_write_data(fm, op->data.buf.out,
					 op->data.nbytes, false);
	}
	iowrite32(0, fm->regs + FMPCI_CTRL);
	return 0;
}

/* The MTD spi-nor registers is named after the chip, as the others are. */
static const char *fmpci_spi_get_name(struct spi_mem *mem)
{
	return fmpci_spi_of(mem)->name;
}

static const struct spi_controller_mem_ops fmpci_spi_mem_ops = {
	.adjust_op_size = fmpci_spi_adjust_op_size,
	.supports_op = fmpci_spi_supports_op,
	.exec_op = fmpci_spi_exec_op,
	.get_name = fmpci_spi_get_name,
};

int fmpci_spi_probe(struct fmpci *fm)
{
	struct device *dev = fmpci_dev(fm);
	struct spi_board_info info = {
		.max_speed_hz = FMPCI_SPI_SPEED_HZ,
		.chip_select = 0,
		/*
		 * Quad I/O (which covers dual) both ways: spi-mem then
		 * offers the cores every x2 and x4 operation.
		 */
		.mode = SPI_MODE_0 | SPI_TX_QUAD | SPI_RX_QUAD,
	};
	struct spi_controller *ctlr;
	struct spi_device *spi;
	int ret;

	strscpy(info.modalias,
		fm->type == FMPCI_TYPE_SPI_NAND ? "spi-nand" : "spi-nor",
		sizeof(info.modalias));

	ctlr = devm_spi_alloc_master(dev, 0);
	if (!ctlr)
		return -ENOMEM;
	spi_controller_set_devdata(ctlr, fm);
	ctlr->bus_num = -1;
	ctlr->num_chipselect = 1;
	ctlr->mode_bits = SPI_TX_DUAL | SPI_RX_DUAL | SPI_TX_QUAD | SPI_RX_QUAD;
	ctlr->max_speed_hz = FMPCI_SPI_SPEED_HZ;
	ctlr->mem_ops = &fmpci_spi_mem_ops;

	/* Deselected, one line: what the device holds after a reset */
	iowrite32(0, fm->regs + FMPCI_CTRL);
	iowrite32(1, fm->regs + FMPCI_SPI_LINES);
	fm->spi_lines = 1;

	ret = spi_register_controller(ctlr);
	if (ret)
		return dev_err_probe(dev, ret, "%s: cannot register the SPI controller\n",
				     fm->name);
	fm->spi_ctlr = ctlr;

	/* The core probes it now if it is loaded, else when it is. */
	spi = spi_new_device(ctlr, &info);
	if (!spi) {
		spi_unregister_controller(ctlr);
		fm->spi_ctlr = NULL;
		return dev_err_probe(dev, -ENODEV, "%s: cannot add the %s device\n",
				     fm->name, info.modalias);
	}
	dev_info(dev, "%s: %s on %s, quad I/O\n", fm->name, info.modalias,
		 dev_name(&spi->dev));
	return 0;
}

/* The device and its MTD go with the controller. */
void fmpci_spi_remove(struct fmpci *fm)
{
	spi_unregister_controller(fm->spi_ctlr);
}
