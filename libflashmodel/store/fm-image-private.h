/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Between fm-image.c (images, full and overlay) and fm-image-delta.c (the
 * delta file of an overlay): what one needs of the other. Not installed.
 */
#pragma once

#include "fm-image.h"

G_BEGIN_DECLS

/* An image's geometry, every number checked when it was opened. */
typedef struct {
  gchar chip_name[64];
  guint32 page_size, oob_size, slot_size, pages_per_block, blocks;
  guint64 n_pages;
} FmImageGeometry;

/* What an overlay records of its base to know it again: a full image's
 * generation (renewed by every writable open), file size and header
 * checksum; a delta's generation (renewed by a compaction), the length
 * of the log up to the sync the overlay was made on, and the chained
 * checksum of that log. */
typedef enum {
  FM_IMAGE_KIND_FULL = 1,
  FM_IMAGE_KIND_DELTA = 2,
} FmImageKind;

typedef struct {
  FmImageKind kind;
  guint64 generation;
  guint64 length;
  guint32 crc;
} FmImageIdentity;

/* Overlays on overlays: at most this many deltas above a full image. */
#define FM_IMAGE_DELTA_DEPTH_MAX 16

#define FM_IMAGE_FLAG_FACTORY_DONE 1u
#define FM_IMAGE_KNOWN_FLAGS FM_IMAGE_FLAG_FACTORY_DONE

/* fm-image.c, for the delta: */

/* Opens PATH read-only as the base of an overlay at DEPTH (1: the
 * overlay's own base): a full image with a shared lock, or a delta read
 * up to EXPECT's length, no further, without a lock (a delta only grows,
 * so what an overlay reads of it never changes). Fails unless it is the
 * image EXPECT describes. */
FmImage *fm_image_open_base (const gchar *path, const FmImageIdentity *expect, guint depth,
                             GError **error);
const FmImageGeometry *fm_image_geometry (const FmImage *image);
/* IMAGE's identity now; a writable delta must have no pending changes. */
void     fm_image_identity (FmImage *image, FmImageIdentity *id);
/* What is wrong with a block record of a block of PAGES_PER_BLOCK pages
 * (to free), or NULL. */
gchar   *fm_image_block_problem (const FmBlockMeta *m, const FmImageGeometry *g);

/* fm-image-delta.c, for fm-image.c: */

typedef struct _FmDelta FmDelta;

/* Checks HEADER (the file's first FM_IMAGE_HEADER_SIZE bytes, read with
 * FD locked as the caller wants), opens the base it names, reads the
 * frames and takes FD. DEPTH: deltas above this one (0: opened by a
 * user). FROZEN: the delta is the base of an overlay made on this
 * generation and sync, read up to that sync only (NULL: up to its last
 * sync). */
FmDelta *fm_delta_open   (const gchar *path, int fd, const guint8 *header, guint64 file_size,
                          gboolean read_only, const FmImageIdentity *frozen, guint depth,
                          GError **error);
/* A new delta at PATH (created, locked) on BASE, naming it STORED_BASE.
 * OWNS_BASE: closed with the delta. */
FmDelta *fm_delta_create (const gchar *path, FmImage *base, gboolean owns_base,
                          const gchar *stored_base, gboolean scratch, GError **error);
/* Syncs (if writable; errors ignored), unmaps, closes. */
void     fm_delta_free   (FmDelta *delta);

FmImage      *fm_delta_base               (FmDelta *delta);
void          fm_delta_set_scratch        (FmDelta *delta);
const guint8 *fm_delta_page               (FmDelta *delta, guint64 page);
guint8       *fm_delta_page_mut           (FmDelta *delta, guint64 page, GError **error);
guint         fm_delta_page_programs      (FmDelta *delta, guint64 page);
void          fm_delta_set_page_programs  (FmDelta *delta, guint64 page, guint n);
void          fm_delta_clear_page         (FmDelta *delta, guint64 page);
FmBlockMeta  *fm_delta_block              (FmDelta *delta, guint32 block);
guint64       fm_delta_pages_with_data    (FmDelta *delta);
guint64       fm_delta_file_bytes         (FmDelta *delta);
guint64       fm_delta_age_ns             (FmDelta *delta);
void          fm_delta_set_age_ns         (FmDelta *delta, guint64 age_ns);
gboolean      fm_delta_factory_done       (FmDelta *delta);
void          fm_delta_set_factory_done   (FmDelta *delta);
/* Writes the changes since the last commit and a COMMIT frame; DURABLE
 * (unless a scratch delta): on the disk before it returns. */
gboolean      fm_delta_commit             (FmDelta *delta, GError **error);
void          fm_delta_identity           (FmDelta *delta, FmImageIdentity *id);
void          fm_delta_info               (FmDelta *delta, FmImageOverlayInfo *info);

G_END_DECLS
