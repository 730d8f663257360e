/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The 1-based index of the most significant bit set, 0 for none. */
static inline int
fls (unsigned int x)
{
  return x ? 32 - __builtin_clz (x) : 0;
}
