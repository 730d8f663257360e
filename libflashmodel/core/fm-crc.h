/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checksums: the ONFI parameter page CRC-16 and the image header CRC-32. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ONFI CRC-16: polynomial x^16 + x^15 + x^2 + 1 (0x8005), MSB first. */
#define FM_ONFI_CRC_INIT 0x4F4E
guint16 fm_crc16_onfi (guint16 crc, const guint8 *data, gsize len);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()). Start with 0. */
guint32 fm_crc32 (guint32 crc, const guint8 *data, gsize len);

G_END_DECLS
