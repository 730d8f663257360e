/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Linux ECC code that the compatibility test and ecc-bench compare
 * libflashmodel with: lib/bch.c and the two exported functions of
 * drivers/mtd/nand/ecc-sw-hamming.c, extracted from the kernel source
 * tarball at build time and compiled against the headers beside this one.
 */
#pragma once

#include <linux/bch.h>

int ecc_sw_hamming_calculate (const unsigned char *buf, unsigned int step_size,
                              unsigned char *code, bool sm_order);
int ecc_sw_hamming_correct (unsigned char *buf, unsigned char *read_ecc,
                            unsigned char *calc_ecc, unsigned int step_size,
                            bool sm_order);
