/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-crc.h"

guint16
fm_crc16_onfi (guint16 crc, const guint8 *data, gsize len)
{
  while (len--)
    {
      crc ^= (guint16) (*data++ << 8);
      for (int bit = 0; bit < 8; bit++)
        crc = (guint16) ((crc << 1) ^ ((crc & 0x8000) ? 0x8005 : 0));
    }
  return crc;
}

static guint32 crc32_table[256];

static void
crc32_init_table (void)
{
  for (guint32 i = 0; i < 256; i++)
    {
      guint32 c = i;

      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      crc32_table[i] = c;
    }
}

guint32
fm_crc32 (guint32 crc, const guint8 *data, gsize len)
{
  static gsize table_ready;

  if (g_once_init_enter (&table_ready))
    {
      crc32_init_table ();
      g_once_init_leave (&table_ready, 1);
    }
  crc = ~crc;
  while (len--)
    crc = crc32_table[(crc ^ *data++) & 0xff] ^ (crc >> 8);
  return ~crc;
}
