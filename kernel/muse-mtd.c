// SPDX-License-Identifier: GPL-2.0-only
/*
 * MUSE: MTD in userspace, the MTD side.
 *
 * A server opens /dev/muse and answers the MUSE_INIT request with the
 * geometry of an MTD device as KEY=VALUE strings; MUSE registers that MTD
 * and serves each of its operations (read, write, erase, bad block query
 * and mark, sync) by a request to the server over the FUSE device
 * protocol, like CUSE does for character devices. The wire format is
 * muse.h; the transport is muse-chan.c.
 *
 * Objects and their lifetime:
 *
 *  muse_conn	the channel and the mtd_info. It is freed when its last
 *		reference goes: the /dev/muse file holds one, and every user
 *		of the MTD holds one through _get_device/_put_device.
 *  channel	the /dev/muse file of the server. Closing it (or the server
 *		dying) aborts the channel, so pending and later IO fails
 *		with -ENOTCONN, and the MTD takes no new user. It is
 *		unregistered at once if nobody holds it, else when its last
 *		user (a mounted file system, UBI) lets go: unregistering an
 *		MTD whose users hold its struct device (6.12's UBI device is
 *		its child) makes mtdcore clear that device under them, and
 *		the /dev/mtdN entry then outlives the memory it points to.
 *
 * The INIT request is sent, and the MTD registered, from a work item, not
 * from open() or the write() of the reply: registration does IO
 * (partition parsers, notifiers), which a single-threaded server could
 * not answer while it is still in the write() that delivers the reply.
 */

#define pr_fmt(fmt) "MUSE: " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mtd/mtd.h>
#include <linux/mtd/partitions.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "muse.h"
#include "muse-chan.h"

#define MUSE_MAX_PARTS		32
#define MUSE_NAME_MAX		64
#define MUSE_SMALL_OOB		256	/* OOB bytes a read carries on the stack */

/*
 * The largest geometry the server may describe (see muse.h). Pages are at
 * most 16 KiB on NAND parts today; erase blocks of a few MiB. UBI keeps a
 * pointer per erase block in one kcalloc() (its wear-leveling lookup
 * table), which fails with a warning beyond KMALLOC_MAX_SIZE; MTD counts
 * pages in 32 bits (mtd_div_by_ws()).
 */
#define MUSE_MAX_WRITESIZE	SZ_64K
#define MUSE_MAX_ERASESIZE	SZ_64M
#define MUSE_MAX_BLOCKS		(KMALLOC_MAX_SIZE / sizeof(void *))

struct muse_conn {
	struct muse_chan	chan;
	struct kref		ref;	/* the /dev/muse file, each MTD user */
	struct mtd_info		mtd;
	struct work_struct	init_work;
	bool			registered;	/* mtd_device_register() succeeded */
	/* The MTD's users, and its removal once the server is gone. */
	spinlock_t		users_lock;
	unsigned int		users;		/* _get_device minus _put_device */
	bool			gone;		/* the server closed /dev/muse */
	bool			removing;	/* unregistered, or about to be */
	struct work_struct	remove_work;
	spinlock_t		stats_lock;	/* mtd.ecc_stats */

	/* From the init reply; fixed afterwards. */
	u32			max_read, max_write;	/* payload per request */
	char			name[MUSE_NAME_MAX];
	struct mtd_partition	parts[MUSE_MAX_PARTS];
	/* a name from PARTSCMDLINE, or NAME-partN (room for any int N) */
	char			part_names[MUSE_MAX_PARTS][MUSE_NAME_MAX + 16];
	int			nr_parts;
};

static struct muse_conn *mtd_to_mc(struct mtd_info *mtd)
{
	return container_of(mtd, struct muse_conn, mtd);
}

static bool muse_is_nand(const struct mtd_info *mtd)
{
	return mtd->type == MTD_NANDFLASH || mtd->type == MTD_MLCNANDFLASH;
}

/**************************************************************************
 * MTD operations: each becomes one or more requests to the server.
 */

/*
 * One request and its reply. An error in the reply header ends the
 * operation: MTD reads -EUCLEAN and -EBADMSG as "all data returned, with
 * bit flips corrected / not correctable", which only a READ reply's
 * soft_error may say, so in the header they become -EIO.
 *
 * Once the server is gone every request fails at once, without sleeping;
 * a caller's loop over requests must still let others run (registering a
 * partition asks about each of its blocks in turn, for one).
 */
static int muse_request(struct muse_conn *mc, struct muse_args *args)
{
	int ret;

	cond_resched();
	ret = muse_chan_request(&mc->chan, args);

	if (ret == -EUCLEAN || ret == -EBADMSG)
		return -EIO;
	return ret;
}

/* OOB bytes one page carries in MODE, from OOBOFFS on (as nand_base). */
static size_t muse_oob_per_page(struct mtd_info *mtd, struct mtd_oob_ops *ops)
{
	size_t avail = ops->mode == MTD_OPS_AUTO_OOB ? mtd->oobavail : mtd->oobsize;

	return avail - ops->ooboffs;
}

static u32 muse_io_flags(struct mtd_oob_ops *ops, size_t len, size_t ooblen)
{
	u32 flags = 0;

	if (len)
		flags |= MUSE_IO_INBAND;
	if (ooblen)
		flags |= ops->mode == MTD_OPS_AUTO_OOB ?
			 MUSE_IO_OOB_AUTO : MUSE_IO_OOB_PLACE;
	if (ops->mode == MTD_OPS_RAW)
		flags |= MUSE_IO_RAW;
	return flags;
}

/* One request's share of a transfer: in-band and OOB bytes at addr. */
struct muse_chunk {
	loff_t addr;
	size_t len, ooblen;
};

/*
 * Splits [pos, pos + len) and the OOB bytes into requests of at most MAX
 * payload bytes, whole pages after the first (reads may start mid-page).
 * OOB-only transfers advance page by page.
 */
static void muse_next_chunk(struct mtd_info *mtd, struct mtd_oob_ops *ops,
			    loff_t from, u32 max, struct muse_chunk *c)
{
	u32 page_bytes = mtd->writesize + mtd->oobsize;
	size_t pages = max(1u, max / page_bytes);
	size_t per_page = ops->ooblen ? muse_oob_per_page(mtd, ops) : 0;
	size_t left = ops->len - ops->retlen;
	size_t oob_left = ops->ooblen - ops->oobretlen;

	if (ops->len) {
		loff_t pos = from + ops->retlen;
		size_t head = pos & (mtd->writesize - 1);

		c->addr = pos;
		c->len = min_t(size_t, left, pages * mtd->writesize - head);
		pages = DIV_ROUND_UP(head + c->len, mtd->writesize);
	} else {
		/* OOB only: the pages filled so far come before this one. */
		c->addr = (from & ~(loff_t)(mtd->writesize - 1)) +
			  (loff_t)(ops->oobretlen / per_page) * mtd->writesize;
		c->len = 0;
	}
	c->ooblen = min_t(size_t, oob_left, pages * per_page);
}

/*
 * Reads one chunk. Returns 0 when its data came back, the soft error
 * (uncorrectable steps, bit flips) added to *uncorrectable and
 * *max_bitflips; else a negative error that ends the operation.
 */
static int muse_read_chunk(struct muse_conn *mc, struct mtd_oob_ops *ops,
			   const struct muse_chunk *c, unsigned int *max_bitflips,
			   bool *uncorrectable)
{
	struct muse_io_in in = {
		.addr = c->addr,
		.len = c->len,
		.flags = muse_io_flags(ops, c->len, c->ooblen),
		.ooboffs = ops->ooboffs,
		.ooblen = c->ooblen,
	};
	/* Room for the fixed part and a few pages' OOB without allocating:
	 * allocation is not free in the hot path (SLOB walks its lists). */
	u8 small[sizeof(struct muse_io_out) + MUSE_SMALL_OOB] __aligned(8);
	struct muse_io_out *out = (struct muse_io_out *)small;
	size_t outsize = sizeof(*out) + c->ooblen;
	struct muse_args args = {
		.opcode = MUSE_READ,
		.in_numargs = 1,
		.in_args = { { sizeof(in), &in } },
		.out_numargs = 2,
	};
	int ret;

	/* The reply's fixed part and the OOB share one buffer (see muse.h);
	 * the in-band bytes go straight into the caller's buffer. The OOB of
	 * MUSE_MAX_PAYLOAD bytes of pages can exceed what kmalloc() gives. */
	if (outsize > sizeof(small)) {
		out = kvmalloc(outsize, GFP_KERNEL);
		if (!out)
			return -ENOMEM;
	}
	args.out_args[0] = (struct muse_out_arg){ outsize, out };
	args.out_args[1] = (struct muse_out_arg){
		c->len, c->len ? ops->datbuf + ops->retlen : NULL };
	ret = muse_request(mc, &args);
	if (ret < 0)
		goto out;
	if (out->len != c->len || out->ooblen != c->ooblen ||
	    (out->soft_error && out->soft_error != -EUCLEAN &&
	     out->soft_error != -EBADMSG)) {
		ret = -EIO;
		goto out;
	}
	if (c->ooblen)
		memcpy(ops->oobbuf + ops->oobretlen, out + 1, c->ooblen);
	ops->retlen += c->len;
	ops->oobretlen += c->ooblen;

	/*
	 * A server that only sets soft_error still gets its meaning across.
	 * max_bitflips ends up as the int mtd_read_oob() compares with
	 * bitflip_threshold: no step corrects more than the ECC strength.
	 */
	if (out->soft_error == -EBADMSG && !out->failed)
		out->failed = 1;
	out->max_bitflips = min(out->max_bitflips, mc->mtd.ecc_strength);
	if (out->soft_error == -EUCLEAN)
		out->max_bitflips = max(out->max_bitflips, mc->mtd.bitflip_threshold);
	spin_lock(&mc->stats_lock);
	mc->mtd.ecc_stats.corrected += out->corrected;
	mc->mtd.ecc_stats.failed += out->failed;
	spin_unlock(&mc->stats_lock);
	if (ops->stats) {	/* ioctl(MEMREAD) reports them, as nand_base */
		ops->stats->corrected_bitflips += out->corrected;
		ops->stats->uncorrectable_errors += out->failed;
	}
	*max_bitflips = max(*max_bitflips, out->max_bitflips);
	if (out->failed)
		*uncorrectable = true;
	ret = 0;
out:
	if (out != (struct muse_io_out *)small)
		kvfree(out);
	return ret;
}

/*
 * Like nand_base: reads everything even when a step is uncorrectable,
 * returns -EBADMSG if one was, else the most bit flips corrected in a step
 * (mtd_read_oob() turns that into -EUCLEAN against bitflip_threshold).
 */
static int muse_read_oob(struct mtd_info *mtd, loff_t from,
			 struct mtd_oob_ops *ops)
{
	struct muse_conn *mc = mtd_to_mc(mtd);
	unsigned int max_bitflips = 0;
	bool uncorrectable = false;

	ops->retlen = 0;
	ops->oobretlen = 0;
	while (ops->retlen < ops->len || ops->oobretlen < ops->ooblen) {
		struct muse_chunk c;
		int ret;

		muse_next_chunk(mtd, ops, from, mc->max_read, &c);
		if (!c.len && !c.ooblen)
			break;	/* OOB beyond the pages of the data */
		ret = muse_read_chunk(mc, ops, &c, &max_bitflips,
				      &uncorrectable);
		if (ret)
			return ret;
	}
	return uncorrectable ? -EBADMSG : max_bitflips;
}

static int muse_write_chunk(struct muse_conn *mc, struct mtd_oob_ops *ops,
			    const struct muse_chunk *c)
{
	struct muse_io_in in = {
		.addr = c->addr,
		.len = c->len,
		.flags = muse_io_flags(ops, c->len, c->ooblen),
		.ooboffs = ops->ooboffs,
		.ooblen = c->ooblen,
	};
	struct muse_io_out out;
	struct muse_args args = {
		.opcode = MUSE_WRITE,
		.in_numargs = 3,
		.in_args = {
			{ sizeof(in), &in },
			{ c->len, c->len ? ops->datbuf + ops->retlen : NULL },
			{ c->ooblen,
			  c->ooblen ? ops->oobbuf + ops->oobretlen : NULL },
		},
		.out_numargs = 1,
		.out_args = { { sizeof(out), &out } },
	};
	int ret;

	ret = muse_request(mc, &args);
	if (ret < 0)
		return ret;
	if (out.len != c->len || out.ooblen != c->ooblen)
		return -EIO;
	ops->retlen += c->len;
	ops->oobretlen += c->ooblen;
	return 0;
}

static int muse_write_oob(struct mtd_info *mtd, loff_t to,
			  struct mtd_oob_ops *ops)
{
	struct muse_conn *mc = mtd_to_mc(mtd);
	u32 subpage_mask = (mtd->writesize >> mtd->subpage_sft) - 1;

	ops->retlen = 0;
	ops->oobretlen = 0;
	/* As nand_do_write_ops(): in-band data in whole sub-pages only. */
	if (ops->len && ((to & subpage_mask) || (ops->len & subpage_mask)))
		return -EINVAL;
	while (ops->retlen < ops->len || ops->oobretlen < ops->ooblen) {
		struct muse_chunk c;
		int ret;

		muse_next_chunk(mtd, ops, to, mc->max_write, &c);
		if (!c.len && !c.ooblen)
			break;	/* OOB beyond the pages of the data */
		ret = muse_write_chunk(mc, ops, &c);
		if (ret)
			return ret;
	}
	return 0;
}

static int muse_erase(struct mtd_info *mtd, struct erase_info *instr)
{
	struct muse_conn *mc = mtd_to_mc(mtd);
	struct muse_erase_in in = { .addr = instr->addr, .len = instr->len };
	struct muse_args args = {
		.opcode = MUSE_ERASE,
		.in_numargs = 1,
		.in_args = { { sizeof(in), &in } },
	};
	int ret;

	ret = muse_request(mc, &args);
	/* The reply says nothing of where a multi-block erase failed. */
	if (ret < 0)
		instr->fail_addr = instr->len == mtd->erasesize ?
				   instr->addr : MTD_FAIL_ADDR_UNKNOWN;
	return ret;
}

static int muse_block_request(struct mtd_info *mtd, u32 opcode, loff_t ofs,
			      struct muse_isbad_out *out)
{
	struct muse_block_in in = { .addr = ofs };
	struct muse_args args = {
		.opcode = opcode,
		.in_numargs = 1,
		.in_args = { { sizeof(in), &in } },
		.out_numargs = out ? 1 : 0,
		.out_args = { { out ? sizeof(*out) : 0, out } },
	};

	return muse_request(mtd_to_mc(mtd), &args);
}

static int muse_block_isbad(struct mtd_info *mtd, loff_t ofs)
{
	struct muse_isbad_out out;
	int ret = muse_block_request(mtd, MUSE_ISBAD, ofs, &out);

	return ret < 0 ? ret : !!out.result;
}

static int muse_block_markbad(struct mtd_info *mtd, loff_t ofs)
{
	struct muse_conn *mc = mtd_to_mc(mtd);
	int ret = muse_block_request(mtd, MUSE_MARKBAD, ofs, NULL);

	if (!ret) {
		spin_lock(&mc->stats_lock);
		mtd->ecc_stats.badblocks++;
		spin_unlock(&mc->stats_lock);
	}
	return ret;
}

static void muse_sync(struct mtd_info *mtd)
{
	struct muse_args args = { .opcode = MUSE_SYNC };

	muse_chan_request(&mtd_to_mc(mtd)->chan, &args);
}

static struct workqueue_struct *muse_wq;	/* removals: drained at exit */

static void muse_conn_free(struct kref *ref)
{
	kfree(container_of(ref, struct muse_conn, ref));
}

static void muse_unregister(struct muse_conn *mc)
{
	int ret = mtd_device_unregister(&mc->mtd);

	if (ret)
		pr_err("%s: unregistering the MTD failed: %d\n", mc->name, ret);
	else
		pr_info("%s: server gone, MTD removed\n", mc->name);
}

/* The last user of a server that is gone let go: mtdcore's locks may be
 * held there, so the MTD is unregistered from a work item. */
static void muse_remove_work(struct work_struct *work)
{
	struct muse_conn *mc = container_of(work, struct muse_conn, remove_work);

	muse_unregister(mc);
	kref_put(&mc->ref, muse_conn_free);
}

/*
 * Every user of the MTD keeps the connection, and so mtd_info, alive.
 * Once the server is gone the MTD takes no new user.
 */
static int muse_get_device(struct mtd_info *mtd)
{
	struct muse_conn *mc = mtd_to_mc(mtd);
	int ret = 0;

	spin_lock(&mc->users_lock);
	if (mc->gone)
		ret = -ENODEV;
	else
		mc->users++;
	spin_unlock(&mc->users_lock);
	if (!ret)
		kref_get(&mc->ref);
	return ret;
}

static void muse_put_device(struct mtd_info *mtd)
{
	struct muse_conn *mc = mtd_to_mc(mtd);
	bool remove;

	spin_lock(&mc->users_lock);
	remove = --mc->users == 0 && mc->gone && mc->registered && !mc->removing;
	if (remove)
		mc->removing = true;
	spin_unlock(&mc->users_lock);
	if (remove) {
		kref_get(&mc->ref);	/* the work's */
		queue_work(muse_wq, &mc->remove_work);
	}
	kref_put(&mc->ref, muse_conn_free);
}

/**************************************************************************
 * Init reply: KEY=VALUE strings, each checked before anything is used.
 */

struct muse_init_reply {
	struct muse_init_out out;
	char info[MUSE_INIT_INFO_MAX];
};

static const struct {
	const char *name;
	u8 type;
} muse_types[] = {
	{ "MTD_RAM", MTD_RAM },
	{ "MTD_ROM", MTD_ROM },
	{ "MTD_NORFLASH", MTD_NORFLASH },
	{ "MTD_NANDFLASH", MTD_NANDFLASH },
	{ "MTD_DATAFLASH", MTD_DATAFLASH },
	{ "MTD_MLCNANDFLASH", MTD_MLCNANDFLASH },
};

/* Keys that set a 32-bit field of struct mtd_info from a decimal value. */
static const struct {
	const char *key;
	size_t offset;
} muse_u32_keys[] = {
	{ "FLAGS", offsetof(struct mtd_info, flags) },
	{ "WRITESIZE", offsetof(struct mtd_info, writesize) },
	{ "ERASESIZE", offsetof(struct mtd_info, erasesize) },
	{ "WRITEBUFSIZE", offsetof(struct mtd_info, writebufsize) },
	{ "OOBSIZE", offsetof(struct mtd_info, oobsize) },
	{ "OOBAVAIL", offsetof(struct mtd_info, oobavail) },
	{ "SUBPAGESHIFT", offsetof(struct mtd_info, subpage_sft) },
	{ "ECCSTRENGTH", offsetof(struct mtd_info, ecc_strength) },
	{ "ECCSTEP", offsetof(struct mtd_info, ecc_step_size) },
	{ "BITFLIPTHRESHOLD", offsetof(struct mtd_info, bitflip_threshold) },
};

#define MUSE_KNOWN_FLAGS (MTD_WRITEABLE | MTD_BIT_WRITEABLE | MTD_NO_ERASE | \
			  MTD_POWERUP_LOCK)

static int muse_parse_u32(const char *key, const char *val, u32 *out)
{
	int ret = kstrtou32(val, 10, out);

	if (ret)
		pr_err("init: %s=%s is not a 32-bit decimal number\n", key, val);
	return ret;
}

/*
 * PARTSCMDLINE: the mtdparts= syntax without the "mtd-id:" prefix,
 * size[@offset][(name)][ro][lk] separated by commas, size "-" for the rest.
 */
static int muse_parse_parts(struct muse_conn *mc, char *val)
{
	char *p = val;

	while (*p) {
		struct mtd_partition *part;
		char *end;

		if (mc->nr_parts == MUSE_MAX_PARTS) {
			pr_err("init: PARTSCMDLINE has more than %d partitions\n",
			       MUSE_MAX_PARTS);
			return -EINVAL;
		}
		part = &mc->parts[mc->nr_parts];
		if (*p == '-') {
			part->size = MTDPART_SIZ_FULL;
			p++;
		} else {
			part->size = memparse(p, &end);
			if (end == p || !part->size)
				goto bad;
			p = end;
		}
		part->offset = MTDPART_OFS_APPEND;
		if (*p == '@') {
			part->offset = memparse(p + 1, &end);
			if (end == p + 1)
				goto bad;
			p = end;
		}
		if (*p == '(') {
			char *close = strchr(p, ')');

			if (!close || close == p + 1 ||
			    close - p - 1 >= MUSE_NAME_MAX)
				goto bad;
			memcpy(mc->part_names[mc->nr_parts], p + 1, close - p - 1);
			p = close + 1;
		} else {
			snprintf(mc->part_names[mc->nr_parts],
				 sizeof(mc->part_names[0]),
				 "%s-part%d", mc->name, mc->nr_parts);
		}
		part->name = mc->part_names[mc->nr_parts];
		for (;;) {
			if (!strncmp(p, "ro", 2)) {
				part->mask_flags |= MTD_WRITEABLE;
				p += 2;
			} else if (!strncmp(p, "lk", 2)) {
				part->mask_flags |= MTD_POWERUP_LOCK;
				p += 2;
			} else {
				break;
			}
		}
		mc->nr_parts++;
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			goto bad;
	}
	return 0;
bad:
	pr_err("init: PARTSCMDLINE: cannot parse \"%s\"\n", p);
	return -EINVAL;
}

static int muse_parse_pair(struct muse_conn *mc, char *key, char *val)
{
	struct mtd_info *mtd = &mc->mtd;
	u64 size;
	int i, ret;

	if (!strcmp(key, "NAME")) {
		if (!*val || strlen(val) >= MUSE_NAME_MAX) {
			pr_err("init: NAME must have 1 to %d characters\n",
			       MUSE_NAME_MAX - 1);
			return -EINVAL;
		}
		strscpy(mc->name, val, sizeof(mc->name));
		return 0;
	}
	if (!strcmp(key, "TYPE")) {
		for (i = 0; i < ARRAY_SIZE(muse_types); i++)
			if (!strcmp(val, muse_types[i].name)) {
				mtd->type = muse_types[i].type;
				return 0;
			}
		pr_err("init: unknown TYPE=%s\n", val);
		return -EINVAL;
	}
	if (!strcmp(key, "SIZE")) {
		ret = kstrtou64(val, 10, &size);
		if (ret || !size) {
			pr_err("init: SIZE=%s is not a positive decimal number\n", val);
			return -EINVAL;
		}
		mtd->size = size;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(muse_u32_keys); i++)
		if (!strcmp(key, muse_u32_keys[i].key))
			return muse_parse_u32(key, val, (u32 *)((char *)mtd +
					      muse_u32_keys[i].offset));
	if (!strcmp(key, "PARTSCMDLINE"))
		return muse_parse_parts(mc, val);
	pr_err("init: unknown key %s\n", key);
	return -EINVAL;
}

/* The strings in INFO (LEN bytes) into mc; PARTSCMDLINE is parsed last,
 * since unnamed partitions are named after NAME. */
static int muse_parse_info(struct muse_conn *mc, char *info, size_t len)
{
	char *parts = NULL;
	char *p = info, *end = info + len;
	size_t i;

	if (!len || info[len - 1] != '\0') {
		pr_err("init: strings are not NUL-terminated\n");
		return -EINVAL;
	}
	/* Names and values go to /proc/mtd, sysfs and the kernel log. */
	for (i = 0; i < len; i++) {
		if (info[i] && (info[i] < 0x20 || info[i] > 0x7e)) {
			pr_err("init: byte %zu of the strings is not printable ASCII\n",
			       i);
			return -EINVAL;
		}
	}
	while (p < end) {
		char *eq = strchr(p, '=');
		char *next = p + strlen(p) + 1;
		int ret;

		if (!eq || eq == p) {
			pr_err("init: \"%s\" is not KEY=VALUE\n", p);
			return -EINVAL;
		}
		*eq = '\0';
		if (!strcmp(p, "PARTSCMDLINE"))
			parts = eq + 1;
		else if ((ret = muse_parse_pair(mc, p, eq + 1)))
			return ret;
		p = next;
	}
	if (!mc->name[0]) {
		pr_err("init: NAME is required\n");
		return -EINVAL;
	}
	return parts ? muse_parse_parts(mc, parts) : 0;
}

/*
 * PARTSCMDLINE's partitions must lie inside the device: MTD would
 * register one that starts beyond its end, and one whose offset plus size
 * wraps around 2^64 keeps its absurd size, whose 2^47 blocks MTD then asks
 * the server about, one by one, before the registration ends.
 */
static int muse_check_parts(struct muse_conn *mc)
{
	u64 size = mc->mtd.size, end = 0;
	int i;

	for (i = 0; i < mc->nr_parts; i++) {
		const struct mtd_partition *part = &mc->parts[i];
		u64 offset = part->offset == MTDPART_OFS_APPEND ? end : part->offset;
		u64 len;

		if (offset >= size) {
			pr_err("%s: PARTSCMDLINE: partition %s starts at %llu, not below SIZE %llu\n",
			       mc->name, part->name, offset, size);
			return -EINVAL;
		}
		len = part->size == MTDPART_SIZ_FULL ? size - offset : part->size;
		if (len > size - offset) {
			pr_err("%s: PARTSCMDLINE: partition %s (%llu bytes at %llu) ends beyond SIZE %llu\n",
			       mc->name, part->name, len, offset, size);
			return -EINVAL;
		}
		end = offset + len;
	}
	return 0;
}

/*
 * The geometry must make sense to MTD, to what runs on it (UBI, UBIFS,
 * JFFS2) and to the request splitting, within the limits above.
 */
static int muse_check_geometry(struct muse_conn *mc)
{
	struct mtd_info *mtd = &mc->mtd;
	u32 page_bytes;

	if (!mtd->type || !mtd->size || !mtd->writesize || !mtd->erasesize) {
		pr_err("%s: TYPE, SIZE, WRITESIZE and ERASESIZE are required\n",
		       mc->name);
		return -EINVAL;
	}
	if (mtd->flags & ~MUSE_KNOWN_FLAGS) {
		pr_err("%s: FLAGS=%#x has unknown bits\n", mc->name, mtd->flags);
		return -EINVAL;
	}
	if (!is_power_of_2(mtd->writesize) ||
	    mtd->writesize > MUSE_MAX_WRITESIZE) {
		pr_err("%s: WRITESIZE %u is not a power of two up to %u\n",
		       mc->name, mtd->writesize, MUSE_MAX_WRITESIZE);
		return -EINVAL;
	}
	if (!is_power_of_2(mtd->erasesize) || mtd->erasesize < mtd->writesize ||
	    mtd->erasesize > MUSE_MAX_ERASESIZE) {
		pr_err("%s: ERASESIZE %u is not a power of two from WRITESIZE %u to %u\n",
		       mc->name, mtd->erasesize, mtd->writesize,
		       MUSE_MAX_ERASESIZE);
		return -EINVAL;
	}
	if (mtd->size & (mtd->erasesize - 1)) {
		pr_err("%s: SIZE %llu is not a multiple of ERASESIZE %u\n",
		       mc->name, mtd->size, mtd->erasesize);
		return -EINVAL;
	}
	if (mtd->size >> ilog2(mtd->erasesize) > MUSE_MAX_BLOCKS ||
	    mtd->size >> ilog2(mtd->writesize) > U32_MAX) {
		pr_err("%s: SIZE %llu is more than %lu erase blocks or 2^32 pages\n",
		       mc->name, mtd->size, MUSE_MAX_BLOCKS);
		return -EINVAL;
	}
	if (mtd->oobavail > mtd->oobsize ||
	    (mtd->oobsize && mtd->oobsize >= mtd->writesize)) {
		pr_err("%s: need OOBAVAIL %u <= OOBSIZE %u < WRITESIZE %u\n",
		       mc->name, mtd->oobavail, mtd->oobsize, mtd->writesize);
		return -EINVAL;
	}
	if (mtd->subpage_sft < 0 || mtd->subpage_sft > ilog2(mtd->writesize)) {
		pr_err("%s: SUBPAGESHIFT %d makes sub-pages smaller than a byte\n",
		       mc->name, mtd->subpage_sft);
		return -EINVAL;
	}
	/* UBIFS allocates its write buffers of this size with kmalloc(). */
	if (!mtd->writebufsize)
		mtd->writebufsize = mtd->writesize;
	if (mtd->writebufsize < mtd->writesize ||
	    mtd->writebufsize > min_t(u32, mtd->erasesize, MUSE_MAX_WRITESIZE)) {
		pr_err("%s: WRITEBUFSIZE %u is not from WRITESIZE %u to ERASESIZE %u and %u\n",
		       mc->name, mtd->writebufsize, mtd->writesize,
		       mtd->erasesize, MUSE_MAX_WRITESIZE);
		return -EINVAL;
	}
	if (mtd->ecc_strength) {
		if (!mtd->ecc_step_size || mtd->writesize % mtd->ecc_step_size ||
		    mtd->ecc_strength > mtd->ecc_step_size * 8) {
			pr_err("%s: ECCSTEP %u must divide WRITESIZE %u and be worth ECCSTRENGTH %u\n",
			       mc->name, mtd->ecc_step_size, mtd->writesize,
			       mtd->ecc_strength);
			return -EINVAL;
		}
		if (mtd->bitflip_threshold > mtd->ecc_strength) {
			pr_err("%s: BITFLIPTHRESHOLD %u is above ECCSTRENGTH %u\n",
			       mc->name, mtd->bitflip_threshold, mtd->ecc_strength);
			return -EINVAL;
		}
		if (!mtd->bitflip_threshold)
			mtd->bitflip_threshold = DIV_ROUND_UP(mtd->ecc_strength * 3, 4);
	} else if (mtd->bitflip_threshold) {
		pr_err("%s: BITFLIPTHRESHOLD without ECCSTRENGTH\n", mc->name);
		return -EINVAL;
	}
	page_bytes = mtd->writesize + mtd->oobsize;	/* below 2 * 64 KiB */
	if (mc->max_read < page_bytes || mc->max_write < page_bytes) {
		pr_err("%s: max_read %u and max_write %u must hold a page and its OOB (%u)\n",
		       mc->name, mc->max_read, mc->max_write, page_bytes);
		return -EINVAL;
	}
	return muse_check_parts(mc);
}

static void muse_setup_mtd(struct muse_conn *mc)
{
	struct mtd_info *mtd = &mc->mtd;

	mtd->name = mc->name;
	mtd->owner = THIS_MODULE;
	mtd->_erase = muse_erase;
	mtd->_read_oob = muse_read_oob;
	mtd->_write_oob = muse_write_oob;
	mtd->_sync = muse_sync;
	mtd->_get_device = muse_get_device;
	mtd->_put_device = muse_put_device;
	if (muse_is_nand(mtd)) {
		mtd->_block_isbad = muse_block_isbad;
		mtd->_block_markbad = muse_block_markbad;
	}
}

/* The reply to MUSE_INIT, checked and taken into mc. */
static int muse_take_init_reply(struct muse_conn *mc,
				struct muse_init_reply *reply, size_t info_len)
{
	struct muse_init_out *out = &reply->out;

	if (out->major != MUSE_KERNEL_VERSION) {
		pr_err("server speaks MUSE %u.%u, the kernel %u.%u\n",
		       out->major, out->minor, MUSE_KERNEL_VERSION,
		       MUSE_KERNEL_MINOR_VERSION);
		return -EPROTO;
	}
	/* More per request than the driver is built for is no faster. */
	mc->max_read = min_t(u32, out->max_read, MUSE_MAX_PAYLOAD);
	mc->max_write = min_t(u32, out->max_write, MUSE_MAX_PAYLOAD);
	if (muse_parse_info(mc, reply->info, info_len) ||
	    muse_check_geometry(mc))
		return -EINVAL;
	muse_setup_mtd(mc);
	return 0;
}

/* Asks the server what it serves, then registers that MTD. */
static void muse_init_work(struct work_struct *work)
{
	struct muse_conn *mc = container_of(work, struct muse_conn, init_work);
	struct muse_init_in in = {
		.major = MUSE_KERNEL_VERSION,
		.minor = MUSE_KERNEL_MINOR_VERSION,
	};
	struct muse_init_reply *reply;
	struct muse_args args = {
		.opcode = MUSE_INIT,
		.in_numargs = 1,
		.in_args = { { sizeof(in), &in } },
		.out_numargs = 2,
		.out_argvar = true,
	};
	int ret;

	reply = kzalloc(sizeof(*reply), GFP_KERNEL);
	if (!reply)
		goto abort;
	args.out_args[0] = (struct muse_out_arg){ sizeof(reply->out), &reply->out };
	args.out_args[1] = (struct muse_out_arg){ MUSE_INIT_INFO_MAX, reply->info };
	ret = muse_chan_request(&mc->chan, &args);
	if (ret) {
		pr_err("init request failed: %d\n", ret);
		goto abort;
	}
	if (muse_take_init_reply(mc, reply, args.out_args[1].size))
		goto abort;
	kfree(reply);
	reply = NULL;

	ret = mtd_device_register(&mc->mtd, mc->nr_parts ? mc->parts : NULL,
				  mc->nr_parts);
	if (ret) {
		pr_err("%s: registering the MTD failed: %d\n", mc->name, ret);
		goto abort;
	}
	mc->registered = true;
	pr_info("%s: MTD device served from userspace, %llu bytes, %u-byte pages\n",
		mc->name, mc->mtd.size, mc->mtd.writesize);
	return;
abort:
	kfree(reply);
	muse_chan_abort(&mc->chan);
}

/**************************************************************************
 * /dev/muse: one open file is one server, one channel, one MTD.
 */

static int muse_dev_open(struct inode *inode, struct file *file)
{
	struct muse_conn *mc;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	mc = kzalloc(sizeof(*mc), GFP_KERNEL);
	if (!mc)
		return -ENOMEM;
	muse_chan_init(&mc->chan);
	kref_init(&mc->ref);
	INIT_WORK(&mc->init_work, muse_init_work);
	INIT_WORK(&mc->remove_work, muse_remove_work);
	spin_lock_init(&mc->users_lock);
	spin_lock_init(&mc->stats_lock);
	stream_open(inode, file);
	file->private_data = mc;
	/* It waits for the server's reply: a long work. */
	queue_work(system_long_wq, &mc->init_work);
	return 0;
}

static int muse_dev_release(struct inode *inode, struct file *file)
{
	struct muse_conn *mc = file->private_data;
	bool remove;

	/* IO in flight and to come fails; the init work stops waiting. */
	muse_chan_abort(&mc->chan);
	cancel_work_sync(&mc->init_work);
	spin_lock(&mc->users_lock);
	mc->gone = true;
	remove = mc->registered && mc->users == 0;
	if (remove)
		mc->removing = true;
	spin_unlock(&mc->users_lock);
	if (remove)
		muse_unregister(mc);
	else if (mc->registered)
		pr_info("%s: server gone, the MTD goes with its last user\n",
			mc->name);
	kref_put(&mc->ref, muse_conn_free);
	return 0;
}

static ssize_t muse_dev_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct muse_conn *mc = iocb->ki_filp->private_data;

	return muse_chan_read(&mc->chan, iocb, to);
}

static ssize_t muse_dev_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct muse_conn *mc = iocb->ki_filp->private_data;

	return muse_chan_write(&mc->chan, from);
}

static __poll_t muse_dev_poll(struct file *file, poll_table *wait)
{
	struct muse_conn *mc = file->private_data;

	return muse_chan_poll(&mc->chan, file, wait);
}

static const struct file_operations muse_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= muse_dev_open,
	.release	= muse_dev_release,
	.read_iter	= muse_dev_read_iter,
	.write_iter	= muse_dev_write_iter,
	.poll		= muse_dev_poll,
};

static struct miscdevice muse_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "muse",
	.fops	= &muse_dev_fops,
};

static int __init muse_init(void)
{
	int ret;

	muse_wq = alloc_workqueue("muse", 0, 0);
	if (!muse_wq)
		return -ENOMEM;
	ret = misc_register(&muse_miscdev);
	if (ret)
		destroy_workqueue(muse_wq);
	return ret;
}

static void __exit muse_exit(void)
{
	misc_deregister(&muse_miscdev);
	/* An MTD whose last user just let go may still be unregistering. */
	destroy_workqueue(muse_wq);
}

module_init(muse_init);
module_exit(muse_exit);

MODULE_DESCRIPTION("MTD in userspace");
MODULE_LICENSE("GPL");
