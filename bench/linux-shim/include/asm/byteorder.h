/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define cpu_to_be32(x) __builtin_bswap32 (x)
/* The kernel tests #ifdef __BIG_ENDIAN; glibc defines it on every host. */
#undef __BIG_ENDIAN
#else
#define cpu_to_be32(x) ((uint32_t) (x))
#endif
