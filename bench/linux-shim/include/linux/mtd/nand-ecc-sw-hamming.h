/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <linux/mtd/nand.h>

struct nand_ecc_sw_hamming_conf {
  struct nand_ecc_req_tweak_ctx req_ctx;
  unsigned int code_size;
  u8 *calc_buf;
  u8 *code_buf;
  unsigned int sm_order;
};

int ecc_sw_hamming_calculate (const unsigned char *buf, unsigned int step_size,
                              unsigned char *code, bool sm_order);
int ecc_sw_hamming_correct (unsigned char *buf, unsigned char *read_ecc,
                            unsigned char *calc_ecc, unsigned int step_size,
                            bool sm_order);
