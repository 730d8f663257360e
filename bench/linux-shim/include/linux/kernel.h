/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <linux/errno.h>
#include <linux/types.h>
#include <stdio.h>

#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))
#define WARN_ON(cond) ((cond) ? (fprintf (stderr, "WARN_ON(%s)\n", #cond), 1) : 0)
#define KERN_ERR ""
#define printk(...) do { } while (0)
#define pr_err(...) do { } while (0) /* decoding failures are expected */
#define pr_debug(...) do { } while (0)
#define max_t(type, a, b) ((type) (a) > (type) (b) ? (type) (a) : (type) (b))
#define IS_ENABLED(option) 1
