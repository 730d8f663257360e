/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The system's <errno.h> includes <linux/errno.h> too, and gets this file:
 * pass on to the user-space API header with the numbers. */
#include_next <linux/errno.h>

#define ENOTSUPP 524 /* kernel internal */
