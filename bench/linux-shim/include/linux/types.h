/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Just enough of the kernel's headers to build lib/bch.c and
 * drivers/mtd/nand/ecc-sw-hamming.c in user space, for the compatibility
 * test and ecc-bench (never for libflashmodel). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
