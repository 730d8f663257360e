/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whole-buffer bit operations the model does on every page: whether a
 * buffer is erased (all ones), and programming (AND) one into the cells.
 * Eight bytes at a time, through memcpy so alignment does not matter.
 * And the exponent of a power of two, which the NOR tables (CFI, SFDP)
 * store sizes as. Internal to libflashmodel (and its tests); not installed.
 */
#pragma once

#include <glib.h>
#include <string.h>

static inline gboolean
fm_bits_all_ones (const guint8 *buf, gsize len)
{
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 w;

      memcpy (&w, buf + i, 8);
      if (w != G_MAXUINT64)
        return FALSE;
    }
  for (; i < len; i++)
    if (buf[i] != 0xff)
      return FALSE;
  return TRUE;
}

/* Program physics: cells only go from 1 to 0. */
static inline void
fm_bits_and_into (guint8 *restrict cells, const guint8 *restrict buf, gsize len)
{
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 a, b;

      memcpy (&a, cells + i, 8);
      memcpy (&b, buf + i, 8);
      a &= b;
      memcpy (cells + i, &a, 8);
    }
  for (; i < len; i++)
    cells[i] &= buf[i];
}

/* floor(log2 (V)) for V > 0: the exponent of a power of two. */
static inline guint
fm_bits_log2 (guint64 v)
{
  return v ? g_bit_storage (v) - 1 : 0;
}
