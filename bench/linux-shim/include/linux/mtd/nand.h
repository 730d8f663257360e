/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Only ecc_sw_hamming_calculate() and ecc_sw_hamming_correct() are called;
 * the rest of ecc-sw-hamming.c (the engine glue) needs these declarations
 * to compile, and its calls into the NAND core abort. */
#pragma once

#include <linux/kernel.h>
#include <stdlib.h>

#define MTD_OPS_RAW 2

enum nand_page_io_req_type { NAND_PAGE_READ, NAND_PAGE_WRITE };
enum { NAND_ECC_ENGINE_TYPE_SOFT = 1 };
enum { NAND_ECC_ALGO_HAMMING = 1 };

struct mtd_ooblayout_ops;
struct nand_ecc_req_tweak_ctx { int unused; };

struct mtd_info {
  unsigned int oobsize;
  unsigned int writesize;
  const struct mtd_ooblayout_ops *ooblayout;
  struct { unsigned int corrected, failed; } ecc_stats;
};

struct nand_ecc_props {
  int engine_type;
  int algo;
  unsigned int step_size;
  unsigned int strength;
};

struct nand_device {
  struct mtd_info mtd;
  struct {
    struct nand_ecc_props user_conf;
    struct {
      struct nand_ecc_props conf;
      unsigned int nsteps;
      unsigned int total;
      void *priv;
    } ctx;
  } ecc;
};

struct nand_page_io_req {
  enum nand_page_io_req_type type;
  int mode;
  unsigned int datalen;
  union { const void *out; void *in; } databuf;
  union { const void *out; void *in; } oobbuf;
};

struct nand_ecc_engine_ops {
  int (*init_ctx) (struct nand_device *nand);
  void (*cleanup_ctx) (struct nand_device *nand);
  int (*prepare_io_req) (struct nand_device *nand, struct nand_page_io_req *req);
  int (*finish_io_req) (struct nand_device *nand, struct nand_page_io_req *req);
};

struct nand_ecc_engine {
  struct nand_ecc_engine_ops *ops;
};

static inline struct mtd_info *
nanddev_to_mtd (struct nand_device *nand)
{
  return &nand->mtd;
}

#define FM_LINUX_SHIM_UNREACHABLE(...) (abort (), 0)
#define mtd_set_ooblayout(...) FM_LINUX_SHIM_UNREACHABLE ()
#define nand_get_small_page_ooblayout() NULL
#define nand_get_large_page_hamming_ooblayout() NULL
#define nand_ecc_init_req_tweaking(...) FM_LINUX_SHIM_UNREACHABLE ()
#define nand_ecc_cleanup_req_tweaking(...) FM_LINUX_SHIM_UNREACHABLE ()
#define nand_ecc_tweak_req(...) FM_LINUX_SHIM_UNREACHABLE ()
#define nand_ecc_restore_req(...) FM_LINUX_SHIM_UNREACHABLE ()
#define mtd_ooblayout_set_eccbytes(...) FM_LINUX_SHIM_UNREACHABLE ()
#define mtd_ooblayout_get_eccbytes(...) FM_LINUX_SHIM_UNREACHABLE ()
