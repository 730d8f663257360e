/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Picking parts out of the catalog: by type, by vendor, and by the bytes
 * a READ ID (90h-00h, or 9Fh on SPI parts) returned, as people who know
 * only what their chip answered (nandsim's id_bytes) need.
 */
#pragma once

#include "tool-common.h"

typedef struct {
  gboolean by_type;
  FmChipType type;
  gchar *vendor;                  /* NULL: any; compared without case */
  guint8 id[FM_MAX_ID_BYTES];
  guint id_len;                   /* 0: any */
} ChipFilter;

void chip_filter_clear (ChipFilter *f);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ChipFilter, chip_filter_clear)

/* TEXT is hex bytes separated by ':', ' ', ',' or '-' ("2c:dc", "2C DC 90"),
 * 1 to FM_MAX_ID_BYTES of them. */
gboolean chip_filter_parse_id   (ChipFilter *f, const gchar *text, GError **error);
/* TEXT is a descriptor type name (nand-slc, nand-mlc, nor-cfi, spi-nor,
 * spi-nand). */
gboolean chip_filter_parse_type (ChipFilter *f, const gchar *text, GError **error);

/*
 * Whether D passes every filter set in F. The ID matches when the bytes
 * given and the part's READ ID agree as far as both go: a prefix of the
 * part's ID, or a longer read (a real chip repeats or pads its ID) that
 * starts with the part's bytes.
 */
gboolean chip_filter_matches (const ChipFilter *f, const FmChipDesc *d);
