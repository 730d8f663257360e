/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <linux/types.h>
#include <stdlib.h>

#define GFP_KERNEL 0
#define kmalloc(size, flags) malloc (size)
#define kzalloc(size, flags) calloc (1, (size))
#define kmalloc_array(n, size, flags) calloc ((n), (size))
#define kfree(ptr) free (ptr)
