/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's own include/linux/bch.h, extracted from the source tarball
 * next to bch.c at build time. */
#pragma once

#include <bch.h>
