/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 digests through libgcrypt: of recorded page data in journals,
 * and of an image's contents, so that a journal is replayed only onto the
 * image it was recorded from.
 */
#pragma once

#include "fm-chip-desc.h"
#include "fm-image.h"

G_BEGIN_DECLS

#define FM_DIGEST_SIZE 32

void fm_digest (const guint8 *data, gsize len, guint8 out[FM_DIGEST_SIZE]);

/* Covers what replay depends on: the chip, its seed, each block's erase
 * count and flags, and every stored page. Read counts, ages and the
 * statistics are left out, since opening an image may update them. */
void fm_digest_image (FmImage *image, const FmChipDesc *desc, guint8 out[FM_DIGEST_SIZE]);

/* Lowercase hex, for messages. */
gchar *fm_digest_to_hex (const guint8 digest[FM_DIGEST_SIZE]);

G_END_DECLS
