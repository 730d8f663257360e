/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause) */
/*
 * MUSE: MTD in userspace, over the FUSE device protocol on /dev/muse.
 *
 * This header is the one definition of the wire protocol: the muse
 * module (muse-mtd.c) and muse-frontend both include it from here. Every
 * integer is in host byte order, as on the FUSE device. A request is a struct fuse_in_header with one of the
 * opcodes below followed by its arguments; a reply is a struct
 * fuse_out_header (error = 0 or -errno) followed by the reply arguments.
 *
 * Unlike the 2021 MUSE series, one READ or WRITE request carries in-band
 * data and OOB together, their lengths given in the fixed part: that is
 * what mtd_read_oob()/mtd_write_oob() with MTD_OPS_PLACE_OOB,
 * MTD_OPS_AUTO_OOB and MTD_OPS_RAW need. A WRITE request's payload is the
 * in-band bytes then the OOB bytes; a READ reply's payload is the OOB
 * bytes then the in-band bytes. (The kernel has two reply arguments to
 * fill: the fixed part with the OOB, and the caller's data buffer, which
 * the in-band bytes are copied into directly.)
 */
#ifndef _UAPI_LINUX_MUSE_H
#define _UAPI_LINUX_MUSE_H

#include <linux/types.h>

#define MUSE_KERNEL_VERSION 1
#define MUSE_KERNEL_MINOR_VERSION 0

/* Maximum size of the KEY=VALUE strings in the INIT reply. */
#define MUSE_INIT_INFO_MAX 4096

/* The kernel uses max_read and max_write up to this payload per request
 * (in-band plus OOB bytes); a server may advertise more. */
#define MUSE_MAX_PAYLOAD (2 * 1024 * 1024)

enum muse_opcode {
	MUSE_INIT    = 8192,
	MUSE_ERASE   = 8193,
	MUSE_READ    = 8194,
	MUSE_WRITE   = 8195,
	MUSE_MARKBAD = 8196,
	MUSE_ISBAD   = 8197,
	MUSE_SYNC    = 8198,
};

/* MUSE_INIT: request { muse_init_in }, reply { muse_init_out } followed by
 * NUL-separated KEY=VALUE strings (decimal numbers):
 *   NAME (required), TYPE (MTD_NANDFLASH, MTD_MLCNANDFLASH, MTD_NORFLASH,
 *   MTD_RAM), FLAGS, SIZE, WRITESIZE, ERASESIZE, WRITEBUFSIZE, OOBSIZE,
 *   OOBAVAIL, SUBPAGESHIFT, ECCSTRENGTH, ECCSTEP, BITFLIPTHRESHOLD,
 *   PARTSCMDLINE (an mtdparts= value without the "name:" prefix).
 * The kernel refuses, naming the key, a geometry outside these limits:
 * printable ASCII strings; WRITESIZE a power of two up to 64 KiB;
 * ERASESIZE a power of two from WRITESIZE to 64 MiB; SIZE a multiple of
 * ERASESIZE, at most 2^32 pages and 2^19 erase blocks (KMALLOC_MAX_SIZE
 * / 8 on x86-64); OOBAVAIL <= OOBSIZE < WRITESIZE; WRITEBUFSIZE (default
 * WRITESIZE) from WRITESIZE to the smaller of ERASESIZE and 64 KiB;
 * partitions inside SIZE; max_read and max_write at least a page and its
 * OOB. SUBPAGESHIFT (default 0): in-band data is written in whole units of
 * WRITESIZE >> SUBPAGESHIFT (a WRITE request may start and end mid-page
 * there); the kernel refuses other writes with -EINVAL, as nand_base. */
struct muse_init_in {
	__u32 major;
	__u32 minor;
};

struct muse_init_out {
	__u32 major;
	__u32 minor;
	__u32 max_read;   /* largest in-band + OOB payload of one request */
	__u32 max_write;
};

/* MUSE_ERASE: request { muse_erase_in }, reply: status only. A failed
 * erase replies -EIO; the kernel reports the failing address. */
struct muse_erase_in {
	__u64 addr;
	__u64 len;
};

/* io flags */
#define MUSE_IO_INBAND    (1 << 0)  /* len bytes of in-band data at addr */
#define MUSE_IO_OOB_AUTO  (1 << 1)  /* OOB bytes are the free (ECC-less) bytes */
#define MUSE_IO_OOB_PLACE (1 << 2)  /* OOB bytes at ooboffs of the spare area */
#define MUSE_IO_RAW       (1 << 3)  /* no ECC: data and spare exactly as stored */

/* MUSE_READ: request { muse_io_in }, reply { muse_io_out, ooblen bytes of
 * OOB, len bytes of data }. MUSE_WRITE: request { muse_io_in, len bytes
 * of data, ooblen bytes of OOB }, reply { muse_io_out }. A reply whose
 * lengths differ from the request's fails the IO with -EIO.
 * Only a READ reply's soft_error says "data returned, with bit flips
 * corrected (-EUCLEAN) or not correctable (-EBADMSG)"; an error in the
 * reply header ends the operation, and -EUCLEAN or -EBADMSG there become
 * -EIO. max_bitflips above the ECC strength counts as the ECC strength.
 * OOB spans pages: ooblen may cover several pages' OOB (ooboffs applies
 * to the first page), as struct mtd_oob_ops does. */
struct muse_io_in {
	__u64 addr;
	__u64 len;
	__u32 flags;
	__u32 ooboffs;
	__u64 ooblen;
};

struct muse_io_out {
	__u64 len;        /* in-band bytes done */
	__u64 ooblen;     /* OOB bytes done */
	__s32 soft_error; /* 0, -EUCLEAN (bitflips corrected) or -EBADMSG */
	__u32 max_bitflips; /* most bitflips corrected in one ECC step */
	__u32 corrected;  /* bitflips corrected in this request (ecc_stats) */
	__u32 failed;     /* ECC steps that could not be corrected */
};

/* MUSE_MARKBAD: request { muse_block_in }, reply: status only.
 * MUSE_ISBAD:   request { muse_block_in }, reply { muse_isbad_out }. */
struct muse_block_in {
	__u64 addr;
};

struct muse_isbad_out {
	__u32 result;     /* 1: bad */
	__u32 padding;
};

/* MUSE_SYNC: no arguments; the reply is ignored. */

#endif /* _UAPI_LINUX_MUSE_H */
