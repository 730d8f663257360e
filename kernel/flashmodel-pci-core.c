// SPDX-License-Identifier: GPL-2.0-only
/*
 * flashmodel-pci: the driver of QEMU's flashmodel-pci device, a flash chip
 * emulated by the flashmodel library (qemu-glue/ in the flashmodel project)
 * behind one PCI function. The register interface is flashmodel-pci.h.
 * This file is the PCI driver with the NAND and CFI NOR personalities;
 * flashmodel-pci-spi.c is the SPI controller for SPI NAND and SPI NOR.
 *
 * NAND: BAR0 is a minimal raw NAND controller. exec_op turns each
 * instruction nand_base asks for into bus cycles: command and address
 * cycles are register writes, data cycles go through the DATA register,
 * R/B# is polled in STATUS. So the chip is detected and used by the real
 * code paths: READ ID, the ONFI parameter page and its CRC, GET/SET
 * FEATURES for the timing mode, the bad block scan of the OOB markers
 * (no on-flash BBT) and software ECC (Hamming or BCH, picked from the
 * chip's ONFI requirement unless the ecc= parameter says otherwise).
 *
 * CFI NOR: BAR1 is the chip's address space, every access a bus cycle of
 * the chip with the width the CPU used. It is a map_info probed by
 * cfi_probe, so cfi_cmdset_0001 or cfi_cmdset_0002 drives it.
 *
 * Either way the MTD is named after the chip (FMPCI_NAME) and registered
 * with mtd_device_parse_register(), so mtdparts= applies to it.
 *
 * SPI NAND, SPI NOR: a spi_controller whose spi-mem operations go through
 * BAR0's SPI registers, with one "spi-nand" or "spi-nor" device on it, so
 * that Linux's spinand and spi-nor cores detect and drive the chip.
 *
 * Every type: the chip model's counters (the statistics window) are
 * /sys/kernel/debug/flashmodel-pci/<chip>/stats, one "name value" a line.
 */

#include <linux/bits.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mtd/cfi.h>
#include <linux/mtd/map.h>
#include <linux/mtd/mtd.h>
#include <linux/mtd/rawnand.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/sysfs.h>
/* Linux 6.12 moved it from asm/ (the one API difference with 6.1 here). */
#if __has_include(<linux/unaligned.h>)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "flashmodel-pci-priv.h"

#define FMPCI_BAR_REGS	0
#define FMPCI_BAR_NOR	1

/*
 * Added to the chip's own maximum time for WAITRDY. The chip is a model
 * inside QEMU: with timing=virtual its clock only runs while it is polled
 * (a fixed time per STATUS read), which can be slower than wall time, and
 * with timing=real a busy host can hold QEMU up.
 */
#define FMPCI_WAITRDY_SLACK_MS	1000

/*
 * The manufacturers whose nand_base code sets up on-die ECC: Micron's
 * (nand_micron.c) and Toshiba's for BENAND parts (nand_toshiba.c: SLC,
 * ID byte 4 bit 7).
 */
#define FMPCI_MFR_MICRON	0x2c
#define FMPCI_MFR_TOSHIBA	0x98
#define FMPCI_TOSHIBA_ID4_IS_BENAND	BIT(7)

static char *ecc = "auto";
module_param(ecc, charp, 0444);
MODULE_PARM_DESC(ecc,
		 "NAND ECC: auto (on-die for a Toshiba BENAND chip, else BCH for the chip's requirement if above 1 bit, else Hamming 1/256), none, on-die, hamming[/256|/512], bchT[/512|/1024]");

/* --- NAND: ECC selection */

struct fmpci_ecc {
	enum nand_ecc_engine_type engine;	/* INVALID: auto */
	enum nand_ecc_algo algo;
	unsigned int strength;
	unsigned int step;
};

/* "" (DEF), or "/256" or "/512" for Hamming, "/512" or "/1024" for BCH */
static int fmpci_parse_ecc_step(const char *s, unsigned int def, bool bch,
				unsigned int *step)
{
	if (!*s) {
		*step = def;
		return 0;
	}
	if (*s != '/' || kstrtouint(s + 1, 10, step))
		return -EINVAL;
	if (bch ? *step != 512 && *step != 1024 : *step != 256 && *step != 512)
		return -EINVAL;
	return 0;
}

static int fmpci_parse_ecc(const char *s, struct fmpci_ecc *conf)
{
	const char *slash;
	char strength[8];
	size_t len;

	memset(conf, 0, sizeof(*conf));
	if (!strcmp(s, "auto")) {
		conf->engine = NAND_ECC_ENGINE_TYPE_INVALID;
		return 0;
	}
	if (!strcmp(s, "none")) {
		conf->engine = NAND_ECC_ENGINE_TYPE_NONE;
		return 0;
	}
	if (!strcmp(s, "on-die")) {
		conf->engine = NAND_ECC_ENGINE_TYPE_ON_DIE;
		return 0;
	}
	conf->engine = NAND_ECC_ENGINE_TYPE_SOFT;
	if (str_has_prefix(s, "hamming")) {
		conf->algo = NAND_ECC_ALGO_HAMMING;
		conf->strength = 1;
		return fmpci_parse_ecc_step(s + strlen("hamming"), 256, false,
					    &conf->step);
	}
	if (!str_has_prefix(s, "bch"))
		return -EINVAL;
	s += strlen("bch");
	slash = strchrnul(s, '/');
	len = slash - s;
	if (!len || len >= sizeof(strength))
		return -EINVAL;
	memcpy(strength, s, len);
	strength[len] = '\0';
	if (kstrtouint(strength, 10, &conf->strength) || !conf->strength ||
	    conf->strength > 64)
		return -EINVAL;
	conf->algo = NAND_ECC_ALGO_BCH;
	return fmpci_parse_ecc_step(slash, 512, true, &conf->step);
}

/* OOB bytes the ECC of one page takes */
static unsigned int fmpci_ecc_bytes(struct mtd_info *mtd,
				    const struct fmpci_ecc *conf)
{
	unsigned int bytes = 3;

	if (conf->algo == NAND_ECC_ALGO_BCH)
		bytes = DIV_ROUND_UP(conf->strength * fls(8 * conf->step), 8);
	return mtd->writesize / conf->step * bytes;
}

/* The first 2 OOB bytes are the bad block marker. */
static bool fmpci_ecc_fits(struct mtd_info *mtd, const struct fmpci_ecc *conf)
{
	return conf->step <= mtd->writesize &&
	       fmpci_ecc_bytes(mtd, conf) + 2 <= mtd->oobsize;
}

/* A Toshiba BENAND chip, as toshiba_nand_init() tells one */
static bool fmpci_is_benand(struct nand_chip *chip)
{
	return chip->id.data[0] == FMPCI_MFR_TOSHIBA && nand_is_slc(chip) &&
	       (chip->id.data[4] & FMPCI_TOSHIBA_ID4_IS_BENAND);
}

/*
 * ecc=auto: the chip's own ECC on a BENAND chip (whose ECC is always on,
 * what a board with one uses), else what the chip asks for, 1-bit
 * Hamming per 256 bytes when it asks for 1 bit or nothing (no ONFI
 * parameter page). A BCH requirement whose ECC bytes do not fit the OOB
 * area is taken for the same strength per 1024 bytes (a requirement read
 * from the basic ONFI parameter page is per 512 bytes, which an MLC part
 * that needs 1024-byte codewords would state in its extended parameter
 * page), else the strongest BCH per 1024 bytes that fits.
 */
static void fmpci_ecc_auto(struct fmpci *fm, struct fmpci_ecc *conf)
{
	struct mtd_info *mtd = nand_to_mtd(&fm->chip);
	const struct nand_ecc_props *req =
		nanddev_get_ecc_requirements(&fm->chip.base);

	if (fmpci_is_benand(&fm->chip)) {
		conf->engine = NAND_ECC_ENGINE_TYPE_ON_DIE;
		return;
	}
	conf->engine = NAND_ECC_ENGINE_TYPE_SOFT;
	if (req->strength <= 1 || mtd->oobsize < 64) {
		conf->algo = NAND_ECC_ALGO_HAMMING;
		conf->strength = 1;
		conf->step = 256;
		return;
	}
	conf->algo = NAND_ECC_ALGO_BCH;
	conf->strength = req->strength;
	conf->step = req->step_size ?: 512;
	if (fmpci_ecc_fits(mtd, conf))
		return;
	conf->step = 1024;
	while (conf->strength > 1 && !fmpci_ecc_fits(mtd, conf))
		conf->strength--;
	dev_warn(fmpci_dev(fm),
		 "%s: BCH %u/%u ECC does not fit %u-byte OOB areas: BCH %u/%u\n",
		 fm->name, req->strength, req->step_size ?: 512, mtd->oobsize,
		 conf->strength, conf->step);
}

static int fmpci_nand_attach_chip(struct nand_chip *chip)
{
	struct fmpci *fm = nand_get_controller_data(chip);
	struct device *dev = fmpci_dev(fm);
	struct mtd_info *mtd = nand_to_mtd(chip);
	struct fmpci_ecc conf;

	if (fmpci_parse_ecc(ecc, &conf)) {
		dev_err(dev,
			"ecc=%s: not auto, none, on-die, hamming[/256|/512] or bchT[/512|/1024]\n",
			ecc);
		return -EINVAL;
	}
	if (conf.engine == NAND_ECC_ENGINE_TYPE_INVALID)
		fmpci_ecc_auto(fm, &conf);

	chip->ecc.engine_type = conf.engine;
	if (conf.engine == NAND_ECC_ENGINE_TYPE_NONE)
		return 0;
	/* Set up by the manufacturer code: Micron's, Toshiba's for BENAND */
	if (conf.engine == NAND_ECC_ENGINE_TYPE_ON_DIE) {
		if (chip->id.data[0] == FMPCI_MFR_MICRON ||
		    fmpci_is_benand(chip))
			return 0;
		dev_err(dev,
			"%s: ecc=on-die: Micron and Toshiba BENAND chips only\n",
			fm->name);
		return -EINVAL;
	}

	chip->ecc.algo = conf.algo;
	chip->ecc.size = conf.step;
	chip->ecc.strength = conf.strength;
	if (conf.algo == NAND_ECC_ALGO_HAMMING) {
		/* nand_base has Hamming layouts for these sizes only */
		if (mtd->oobsize != 8 && mtd->oobsize != 16 &&
		    mtd->oobsize != 64 && mtd->oobsize != 128)
			mtd_set_ooblayout(mtd, nand_get_large_page_ooblayout());
	} else {
		if (!IS_ENABLED(CONFIG_MTD_NAND_ECC_SW_BCH)) {
			dev_err(dev, "%s: BCH ECC needs CONFIG_MTD_NAND_ECC_SW_BCH\n",
				fm->name);
			return -EINVAL;
		}
		if (mtd->oobsize < 64) {
			dev_err(dev, "%s: no BCH with %u-byte OOB areas\n",
				fm->name, mtd->oobsize);
			return -EINVAL;
		}
	}
	if (!fmpci_ecc_fits(mtd, &conf)) {
		dev_err(dev, "%s: %s %u/%u ECC does not fit %u+%u-byte pages\n",
			fm->name,
			conf.algo == NAND_ECC_ALGO_BCH ? "BCH" : "Hamming",
			conf.strength, conf.step, mtd->writesize, mtd->oobsize);
		return -EINVAL;
	}
	return 0;
}

/* --- NAND: operations */

/*
 * CE# of target CS for the duration of one operation; WP# is never
 * asserted.
 */
static void fmpci_nand_select(struct fmpci *fm, unsigned int cs, bool selected)
{
	iowrite32(selected ? FMPCI_CTRL_CE_TARGET(cs) : 0, fm->regs + FMPCI_CTRL);
}

/*
 * Data cycles. On a x8 chip (and on SPI) every byte is a cycle and the
 * access width only says how many go in one access (32 bits: 4). On a x16
 * chip a 16-bit access is one cycle, a 32-bit access two. force_8bit (READ
 * ID, parameter page, features, status) means one cycle per byte, the byte
 * on D7-D0: on a x16 chip that is a 16-bit access per byte, of which the
 * high byte is ignored (read) or zero (write).
 */
void fmpci_read_data(struct fmpci *fm, u8 *buf, unsigned int len,
		     bool force_8bit)
{
	void __iomem *data = fm->regs + FMPCI_DATA;

	if (fm->buswidth == 16 && force_8bit) {
		while (len--)
			*buf++ = ioread16(data) & 0xff;
		return;
	}
	for (; len >= 4; len -= 4, buf += 4)
		put_unaligned_le32(ioread32(data), buf);
	if (len >= 2) {
		put_unaligned_le16(ioread16(data), buf);
		len -= 2;
		buf += 2;
	}
	if (len)	/* x8 only: fmpci_nand_check_op() */
		*buf = ioread8(data);
}

void fmpci_write_data(struct fmpci *fm, const u8 *buf, unsigned int len,
		      bool force_8bit)
{
	void __iomem *data = fm->regs + FMPCI_DATA;

	if (fm->buswidth == 16 && force_8bit) {
		while (len--)
			iowrite16(*buf++, data);
		return;
	}
	for (; len >= 4; len -= 4, buf += 4)
		iowrite32(get_unaligned_le32(buf), data);
	if (len >= 2) {
		iowrite16(get_unaligned_le16(buf), data);
		len -= 2;
		buf += 2;
	}
	if (len)
		iowrite8(*buf, data);
}

/*
 * R/B# is polled without sleeping (but rescheduling): with timing=virtual
 * only STATUS reads let the chip's time pass, so a sleep between two reads
 * would stretch an erase to seconds; with timing=none the chip is ready at
 * the first read.
 */
static int fmpci_nand_waitrdy(struct fmpci *fm, unsigned int timeout_ms)
{
	void __iomem *status = fm->regs + FMPCI_STATUS;
	unsigned long deadline;

	timeout_ms += FMPCI_WAITRDY_SLACK_MS;
	deadline = jiffies + msecs_to_jiffies(timeout_ms);
	while (!(ioread32(status) & FMPCI_STATUS_READY)) {
		if (time_after(jiffies, deadline)) {
			if (ioread32(status) & FMPCI_STATUS_READY)
				break;
			dev_err_ratelimited(fmpci_dev(fm),
					    "%s: R/B# still low after %u ms\n",
					    fm->name, timeout_ms);
			return -ETIMEDOUT;
		}
		cond_resched();
		cpu_relax();
	}
	return 0;
}

static int fmpci_nand_exec_instr(struct fmpci *fm,
				 const struct nand_op_instr *instr)
{
	unsigned int i;

	nand_op_trace("  ", instr);
	switch (instr->type) {
	case NAND_OP_CMD_INSTR:
		iowrite32(instr->ctx.cmd.opcode, fm->regs + FMPCI_CMD);
		return 0;
	case NAND_OP_ADDR_INSTR:
		for (i = 0; i < instr->ctx.addr.naddrs; i++)
			iowrite32(instr->ctx.addr.addrs[i],
				  fm->regs + FMPCI_ADDR);
		return 0;
	case NAND_OP_DATA_IN_INSTR:
		fmpci_read_data(fm, instr->ctx.data.buf.in,
				instr->ctx.data.len,
				instr->ctx.data.force_8bit);
		return 0;
	case NAND_OP_DATA_OUT_INSTR:
		fmpci_write_data(fm, instr->ctx.data.buf.out,
				 instr->ctx.data.len,
				 instr->ctx.data.force_8bit);
		return 0;
	case NAND_OP_WAITRDY_INSTR:
		return fmpci_nand_waitrdy(fm, instr->ctx.waitrdy.timeout_ms);
	}
	return -EINVAL;
}

/*
 * Every instruction type, any number and order of them, is supported: the
 * only thing refused is an odd number of bytes of 16-bit data cycles.
 */
static int fmpci_nand_check_op(struct fmpci *fm,
			       const struct nand_operation *op)
{
	const struct nand_op_instr *instr;
	unsigned int i;

	if (op->cs >= fm->targets)
		return -EINVAL;
	for (i = 0; i < op->ninstrs; i++) {
		instr = &op->instrs[i];
		switch (instr->type) {
		case NAND_OP_CMD_INSTR:
		case NAND_OP_ADDR_INSTR:
		case NAND_OP_WAITRDY_INSTR:
			break;
		case NAND_OP_DATA_IN_INSTR:
		case NAND_OP_DATA_OUT_INSTR:
			if (fm->buswidth == 16 && !instr->ctx.data.force_8bit &&
			    instr->ctx.data.len % 2)
				return -EOPNOTSUPP;
			break;
		default:
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/*
 * Cycles take effect when their register write completes, so R/B# is low
 * as soon as the command that starts an array operation is written: the
 * delays after instructions (tWB, tWHR, tADL, tCCS, ...) need no waiting.
 */
static int fmpci_nand_exec_op(struct nand_chip *chip,
			      const struct nand_operation *op, bool check_only)
{
	struct fmpci *fm = nand_get_controller_data(chip);
	unsigned int i;
	int ret;

	ret = fmpci_nand_check_op(fm, op);
	if (ret || check_only)
		return ret;

	fmpci_nand_select(fm, op->cs, true);
	for (i = 0; i < op->ninstrs && !ret; i++)
		ret = fmpci_nand_exec_instr(fm, &op->instrs[i]);
	fmpci_nand_select(fm, 0, false);
	return ret;
}

/*
 * Any SDR timing mode will do: data moves one register access at a time.
 * nand_base tries the chip's best mode first, sets it in the chip with
 * SET FEATURES, applies it here and checks with GET FEATURES that the
 * chip took it; the mode in use is logged after the scan.
 */
static int fmpci_nand_setup_interface(struct nand_chip *chip, int chipnr,
				      const struct nand_interface_config *conf)
{
	const struct nand_sdr_timings *sdr = nand_get_sdr_timings(conf);

	return PTR_ERR_OR_ZERO(sdr);
}

static const struct nand_controller_ops fmpci_nand_controller_ops = {
	.attach_chip = fmpci_nand_attach_chip,
	.exec_op = fmpci_nand_exec_op,
	.setup_interface = fmpci_nand_setup_interface,
};

static void fmpci_nand_report(struct fmpci *fm)
{
	struct nand_chip *chip = &fm->chip;
	struct mtd_info *mtd = nand_to_mtd(chip);
	const struct nand_ecc_props *req =
		nanddev_get_ecc_requirements(&chip->base);
	const struct nand_interface_config *conf =
		chip->current_interface_config;
	const struct nand_memory_organization *memorg =
		nanddev_get_memorg(&chip->base);
	const char *algo;
	char ecc_desc[48], req_desc[32];

	switch (chip->ecc.engine_type) {
	case NAND_ECC_ENGINE_TYPE_SOFT:
		algo = chip->ecc.algo == NAND_ECC_ALGO_BCH ? "BCH" : "Hamming";
		break;
	case NAND_ECC_ENGINE_TYPE_ON_DIE:
		algo = "on-die";
		break;
	default:
		algo = NULL;
		break;
	}
	if (algo)
		snprintf(ecc_desc, sizeof(ecc_desc), "%s ECC %d/%d", algo,
			 chip->ecc.strength, chip->ecc.size);
	else
		strscpy(ecc_desc, "no ECC", sizeof(ecc_desc));

	if (req->strength)
		snprintf(req_desc, sizeof(req_desc), "chip needs %u/%u",
			 req->strength, req->step_size);
	else
		strscpy(req_desc, "no stated requirement", sizeof(req_desc));

	/* What nand_base settled on: 0 after a reset if the chip refused */
	if (conf && nand_interface_is_sdr(conf))
		dev_info(fmpci_dev(fm), "%s: %s timing mode %u\n", fm->name,
			 chip->parameters.onfi ? "ONFI" : "SDR",
			 conf->timings.mode);
	dev_info(fmpci_dev(fm),
		 "%s: %s%s%s, %llu MiB, x%u, %u+%u-byte pages, %u KiB blocks, %s (%s)\n",
		 fm->name,
		 chip->parameters.onfi ? "ONFI NAND " : "NAND",
		 chip->parameters.onfi ? chip->parameters.model : "",
		 nand_is_slc(chip) ? "" : " (MLC)",
		 (unsigned long long)(mtd->size >> 20), fm->buswidth,
		 mtd->writesize, mtd->oobsize, mtd->erasesize >> 10, ecc_desc,
		 req_desc);
	/* nanddev's view of the package, for the guest tests to compare */
	dev_info(fmpci_dev(fm), "%s: %u target(s) of %u LUN(s), %u plane(s) per LUN\n",
		 fm->name, nanddev_ntargets(&chip->base), memorg->luns_per_target,
		 memorg->planes_per_lun);
	/* what the vendor code set up: the guest tests of read retry check it */
	if (chip->read_retries)
		dev_info(fmpci_dev(fm), "%s: read retry, %d modes\n", fm->name,
			 chip->read_retries);
}

static int fmpci_nand_probe(struct fmpci *fm)
{
	struct nand_chip *chip = &fm->chip;
	struct mtd_info *mtd = nand_to_mtd(chip);
	int ret;

	nand_controller_init(&fm->controller);
	fm->controller.ops = &fmpci_nand_controller_ops;
	chip->controller = &fm->controller;
	nand_set_controller_data(chip, fm);
	/* nand_base checks that the chip agrees */
	if (fm->buswidth == 16)
		chip->options |= NAND_BUSWIDTH_16;

	mtd->name = fm->name;
	mtd->owner = THIS_MODULE;
	mtd->dev.parent = fmpci_dev(fm);

	fmpci_nand_select(fm, 0, false);
	/*
	 * One chip per chip enable: nand_base checks that each answers the
	 * first one's ID, and the MTD spans them all.
	 */
	ret = nand_scan(chip, fm->targets);
	if (ret)
		return ret;

	ret = mtd_device_parse_register(mtd, NULL, NULL, NULL, 0);
	if (ret) {
		nand_cleanup(chip);
		return ret;
	}
	fmpci_nand_report(fm);
	return 0;
}

static void fmpci_nand_remove(struct fmpci *fm)
{
	struct nand_chip *chip = &fm->chip;

	WARN_ON(mtd_device_unregister(nand_to_mtd(chip)));
	nand_cleanup(chip);
}

/* --- CFI NOR */

static int fmpci_nor_probe(struct fmpci *fm)
{
	struct pci_dev *pdev = fm->pdev;
	struct device *dev = fmpci_dev(fm);
	struct map_info *map = &fm->map;
	resource_size_t len = pci_resource_len(pdev, FMPCI_BAR_NOR);
	struct cfi_private *cfi;
	struct mtd_info *mtd;
	int ret;

	if (!len || !(pci_resource_flags(pdev, FMPCI_BAR_NOR) & IORESOURCE_MEM))
		return dev_err_probe(dev, -ENODEV, "%s: no memory BAR %d\n",
				     fm->name, FMPCI_BAR_NOR);
	ret = pcim_iomap_regions(pdev, BIT(FMPCI_BAR_NOR), KBUILD_MODNAME);
	if (ret)
		return dev_err_probe(dev, ret, "cannot map BAR %d\n",
				     FMPCI_BAR_NOR);

	map->name = fm->name;
	map->size = len;
	if (fm->size && fm->size < len)
		map->size = fm->size;
	map->bankwidth = fm->buswidth / 8;
	map->phys = pci_resource_start(pdev, FMPCI_BAR_NOR);
	map->virt = pcim_iomap_table(pdev)[FMPCI_BAR_NOR];
	if (!map_bankwidth_supported(map->bankwidth))
		return dev_err_probe(dev, -EINVAL,
				     "%s: bank width %d is not configured (CONFIG_MTD_MAP_BANK_WIDTH_%d)\n",
				     fm->name, map->bankwidth,
				     map->bankwidth);
	simple_map_init(map);

	/* The chip stays selected; WP# is never asserted. */
	iowrite32(FMPCI_CTRL_CE, fm->regs + FMPCI_CTRL);
	mtd = do_map_probe("cfi_probe", map);
	if (!mtd) {
		iowrite32(0, fm->regs + FMPCI_CTRL);
		return dev_err_probe(dev, -ENODEV,
				     "%s: cfi_probe found no CFI chip\n",
				     fm->name);
	}
	mtd->owner = THIS_MODULE;
	mtd->dev.parent = dev;

	ret = mtd_device_parse_register(mtd, NULL, NULL, NULL, 0);
	if (ret) {
		map_destroy(mtd);
		iowrite32(0, fm->regs + FMPCI_CTRL);
		return ret;
	}
	fm->nor_mtd = mtd;

	cfi = map->fldrv_priv;
	dev_info(dev,
		 "%s: CFI NOR, command set %04x, %llu KiB, x%u, %u erase region(s), erase size %u KiB, write buffer %u bytes\n",
		 fm->name, cfi->cfiq->P_ID,
		 (unsigned long long)(mtd->size >> 10), fm->buswidth,
		 cfi->cfiq->NumEraseRegions, mtd->erasesize >> 10,
		 mtd->writebufsize);
	return 0;
}

static void fmpci_nor_remove(struct fmpci *fm)
{
	WARN_ON(mtd_device_unregister(fm->nor_mtd));
	map_destroy(fm->nor_mtd);
}

/* --- PCI */

static const char *fmpci_type_name(u32 type)
{
	switch (type) {
	case FMPCI_TYPE_NAND:
		return "NAND";
	case FMPCI_TYPE_CFI_NOR:
		return "CFI NOR";
	case FMPCI_TYPE_SPI_NAND:
		return "SPI NAND";
	case FMPCI_TYPE_SPI_NOR:
		return "SPI NOR";
	}
	return "unknown";
}

static bool fmpci_is_spi(struct fmpci *fm)
{
	return fm->type == FMPCI_TYPE_SPI_NAND ||
	       fm->type == FMPCI_TYPE_SPI_NOR;
}

/* NAME, NUL-padded; anything but [A-Za-z0-9._+-] becomes '_'. */
static void fmpci_read_name(struct fmpci *fm)
{
	unsigned int i;

	for (i = 0; i < FMPCI_NAME_LEN; i += 4)
		put_unaligned_le32(ioread32(fm->regs + FMPCI_NAME + i),
				   fm->name + i);
	fm->name[FMPCI_NAME_LEN] = '\0';
	for (i = 0; fm->name[i]; i++)
		if (!isalnum(fm->name[i]) && !strchr("._+-", fm->name[i]))
			fm->name[i] = '_';
	if (!fm->name[0])
		strscpy(fm->name, "flashmodel", sizeof(fm->name));
}

/* --- debugfs: the statistics window */

/* More counters than the device could mean: a broken device. */
#define FMPCI_STAT_MAX	1024

static struct dentry *fmpci_debugfs_root;

static int fmpci_stats_show(struct seq_file *s, void *unused)
{
	struct fmpci *fm = s->private;
	char name[FMPCI_STAT_NAME_LEN + 1];
	u32 count, i, j;
	u64 value;

	mutex_lock(&fm->stat_lock);
	count = min_t(u32, ioread32(fm->regs + FMPCI_STAT_COUNT), FMPCI_STAT_MAX);
	for (i = 0; i < count; i++) {
		iowrite32(i, fm->regs + FMPCI_STAT_SELECT);
		for (j = 0; j < FMPCI_STAT_NAME_LEN; j += 4)
			put_unaligned_le32(ioread32(fm->regs + FMPCI_STAT_NAME + j),
					   name + j);
		name[FMPCI_STAT_NAME_LEN] = '\0';
		for (j = 0; name[j]; j++)
			if (!isalnum(name[j]) && name[j] != '_')
				name[j] = '_';
		/* The low half's read takes the snapshot of both. */
		value = ioread32(fm->regs + FMPCI_STAT_VALUE_LO);
		value |= (u64)ioread32(fm->regs + FMPCI_STAT_VALUE_HI) << 32;
		seq_printf(s, "%s %llu\n", name[0] ? name : "unnamed",
			   (unsigned long long)value);
	}
	mutex_unlock(&fm->stat_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fmpci_stats);

/*
 * flashmodel-pci/<chip>/stats; a second device with the same chip gets
 * <chip>@<PCI address>. Nothing here is fatal: debugfs is for tests.
 */
static void fmpci_debugfs_add(struct fmpci *fm)
{
	struct dentry *old;
	char dir[FMPCI_NAME_LEN + 32];

	mutex_init(&fm->stat_lock);
	if (IS_ERR_OR_NULL(fmpci_debugfs_root))
		return;
	strscpy(dir, fm->name, sizeof(dir));
	old = debugfs_lookup(dir, fmpci_debugfs_root);
	if (old) {
		dput(old);
		snprintf(dir, sizeof(dir), "%s@%s", fm->name,
			 pci_name(fm->pdev));
	}
	fm->debugfs = debugfs_create_dir(dir, fmpci_debugfs_root);
	debugfs_create_file("stats", 0444, fm->debugfs, fm,
			    &fmpci_stats_fops);
}

static int fmpci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct fmpci *fm;
	u32 magic, version;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	if (pci_resource_len(pdev, FMPCI_BAR_REGS) < FMPCI_REGS_SIZE ||
	    !(pci_resource_flags(pdev, FMPCI_BAR_REGS) & IORESOURCE_MEM))
		return dev_err_probe(dev, -ENODEV,
				     "BAR %d is not %d bytes of memory\n",
				     FMPCI_BAR_REGS, FMPCI_REGS_SIZE);
	ret = pcim_iomap_regions(pdev, BIT(FMPCI_BAR_REGS), KBUILD_MODNAME);
	if (ret)
		return dev_err_probe(dev, ret, "cannot map BAR %d\n",
				     FMPCI_BAR_REGS);

	fm = devm_kzalloc(dev, sizeof(*fm), GFP_KERNEL);
	if (!fm)
		return -ENOMEM;
	fm->pdev = pdev;
	fm->regs = pcim_iomap_table(pdev)[FMPCI_BAR_REGS];

	magic = ioread32(fm->regs + FMPCI_MAGIC);
	version = ioread32(fm->regs + FMPCI_VERSION);
	if (magic != FMPCI_MAGIC_VALUE)
		return dev_err_probe(dev, -ENODEV, "magic %#010x, not %#010x\n",
				     magic, FMPCI_MAGIC_VALUE);
	if (version != FMPCI_VERSION_VALUE)
		return dev_err_probe(dev, -ENODEV,
				     "interface version %u, this driver knows %u\n",
				     version, FMPCI_VERSION_VALUE);
	fm->type = ioread32(fm->regs + FMPCI_TYPE);
	fm->buswidth = ioread32(fm->regs + FMPCI_BUSWIDTH);
	fm->targets = clamp_t(u32, ioread32(fm->regs + FMPCI_TARGETS), 1, FMPCI_MAX_TARGETS);
	fm->size = ioread32(fm->regs + FMPCI_SIZE_LO) |
		   (u64)ioread32(fm->regs + FMPCI_SIZE_HI) << 32;
	fmpci_read_name(fm);
	/* SPI: the I/O lines of the controller */
	if (fmpci_is_spi(fm) ? fm->buswidth != 4 :
	    fm->buswidth != 8 && fm->buswidth != 16)
		return dev_err_probe(dev, -ENODEV, "%s: %s chip on a %u-bit bus\n",
				     fm->name, fmpci_type_name(fm->type),
				     fm->buswidth);

	dev_info(dev, "%s: %s chip, x%u, %llu KiB\n", fm->name,
		 fmpci_type_name(fm->type), fm->buswidth,
		 (unsigned long long)(fm->size >> 10));

	switch (fm->type) {
	case FMPCI_TYPE_NAND:
		ret = fmpci_nand_probe(fm);
		break;
	case FMPCI_TYPE_CFI_NOR:
		ret = fmpci_nor_probe(fm);
		break;
	case FMPCI_TYPE_SPI_NAND:
	case FMPCI_TYPE_SPI_NOR:
		ret = fmpci_spi_probe(fm);
		break;
	default:
		return dev_err_probe(dev, -ENODEV, "%s: chip type %u\n",
				     fm->name, fm->type);
	}
	if (ret)
		return ret;

	pci_set_drvdata(pdev, fm);
	fmpci_debugfs_add(fm);
	return 0;
}

static void fmpci_remove(struct pci_dev *pdev)
{
	struct fmpci *fm = pci_get_drvdata(pdev);

	debugfs_remove_recursive(fm->debugfs);
	if (fm->type == FMPCI_TYPE_NAND)
		fmpci_nand_remove(fm);
	else if (fm->type == FMPCI_TYPE_CFI_NOR)
		fmpci_nor_remove(fm);
	else
		fmpci_spi_remove(fm);
	/* Left deselected and write-protected */
	iowrite32(FMPCI_CTRL_WP, fm->regs + FMPCI_CTRL);
}

static const struct pci_device_id fmpci_ids[] = {
	{ PCI_DEVICE(FMPCI_VENDOR_ID, FMPCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, fmpci_ids);

/*
 * The chip's name in the PCI device's sysfs directory: nand_base, cfi_probe
 * and spi-nor name their MTD after the chip, spinand after its spi device
 * (spi0.0), so this is how userspace tells which SPI NAND chip is which.
 */
static ssize_t chip_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct fmpci *fm = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", fm->name);
}
static DEVICE_ATTR_RO(chip);

static struct attribute *fmpci_attrs[] = {
	&dev_attr_chip.attr,
	NULL
};
ATTRIBUTE_GROUPS(fmpci);

static struct pci_driver fmpci_driver = {
	.name = "flashmodel-pci",
	.id_table = fmpci_ids,
	.probe = fmpci_probe,
	.remove = fmpci_remove,
	.dev_groups = fmpci_groups,
};

static int __init fmpci_init(void)
{
	int ret;

	fmpci_debugfs_root = debugfs_create_dir("flashmodel-pci", NULL);
	ret = pci_register_driver(&fmpci_driver);
	if (ret)
		debugfs_remove_recursive(fmpci_debugfs_root);
	return ret;
}
module_init(fmpci_init);

static void __exit fmpci_exit(void)
{
	pci_unregister_driver(&fmpci_driver);
	debugfs_remove_recursive(fmpci_debugfs_root);
}
module_exit(fmpci_exit);

MODULE_DESCRIPTION("QEMU flashmodel-pci emulated NAND, CFI NOR and SPI flash");
MODULE_LICENSE("GPL");
