/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The persistent state of one chip: a file holding a header, a table of
 * per-block metadata, a table of per-page entries and a pool of page slots
 * (data + OOB). Only programmed pages own a slot, so disk and memory grow
 * with what was written, not with the chip's size; erasing a block returns
 * its slots to a free list. The file is memory-mapped; a volatile image
 * lives in an anonymous memory file instead.
 *
 * An overlay image is a delta file on top of a read-only base image (a
 * full image or another overlay), like a qcow2 file and its backing file:
 * it holds only the pages, block records and header fields that differ
 * from the base (fm-image-delta.c tells how). Every function here works
 * on both alike; an opener never needs to know which it has.
 *
 * This module stores bytes and counters; the rules of flash (what a program
 * may do, when it fails) live in fm-nand.c.
 */
#pragma once

#include "fm-chip-desc.h"

G_BEGIN_DECLS

typedef struct _FmImage FmImage;

#define FM_IMAGE_MAGIC "FMIMAGE"
#define FM_IMAGE_DELTA_MAGIC "FMDELTA"
#define FM_IMAGE_VERSION 1
#define FM_IMAGE_HEADER_SIZE 4096

enum {
  FM_BLOCK_FACTORY_BAD = 1 << 0, /* shipped bad: program and erase fail */
  FM_BLOCK_WORN_OUT = 1 << 1,    /* reached its endurance: erase fails */
  FM_BLOCK_GROWN_BAD = 1 << 2,   /* killed by an injected grown-bad fault */
  FM_BLOCK_KNOWN_FLAGS = FM_BLOCK_FACTORY_BAD | FM_BLOCK_WORN_OUT | FM_BLOCK_GROWN_BAD,
};

/* On-disk per-block record (little-endian, 64 bytes). */
typedef struct {
  guint32 erase_count;
  guint32 flags;
  guint32 program_count;     /* page programs since the image was created */
  guint32 read_count;        /* page reads since the image was created */
  guint32 reads_since_erase;
  guint16 next_page;         /* lowest page an in-order program may use */
  guint16 unstable_page;     /* 1 + page a power cut left half-programmed; 0: none */
  guint64 program_time_ns;   /* chip age at the block's last program */
  guint64 bitflips;          /* raw bit errors injected into its reads */
  guint32 ecc_corrected;     /* bits the host's ECC reported corrected */
  guint32 ecc_failed;        /* reads the host's ECC could not correct */
  guint32 faults;            /* injected faults other than bit flips */
  /* Which of unstable_page's programmed bits read back at random, drawn
   * from this seed with this share (in 1/2^32) by fm-powercut.c, among
   * the bytes [unstable_first, unstable_end) the torn program changed:
   * never a bit an earlier program of the page left at 0. unstable_end 0
   * is the whole page (images from before the range was kept). */
  guint32 unstable_seed;
  guint32 unstable_share;
  guint16 unstable_first;
  guint16 unstable_end;
} FmBlockMeta;

G_STATIC_ASSERT (sizeof (FmBlockMeta) == 64);

/* What fm_image_overlay_info() tells of an overlay. */
typedef struct {
  const gchar *base_stored;  /* the base's path as the delta stores it */
  const gchar *base_path;    /* where it was found (relative paths are the delta's directory's) */
  guint depth;               /* deltas from this one down to a full image, this one included */
  guint64 delta_bytes;       /* the delta file's size */
  guint64 pages;             /* pages the delta holds, with data or erased */
  guint64 pages_with_data;
  guint32 blocks;            /* block records it holds */
  guint64 syncs;             /* syncs (commits) it holds */
  guint64 generation;        /* 1, renewed when the delta is compacted */
  guint64 dropped_bytes;     /* what followed its last sync when opened (a torn write), dropped */
} FmImageOverlayInfo;

/* PATH NULL: a volatile image in memory. Fails if PATH exists. */
FmImage *fm_image_create (const gchar *path, const FmChipDesc *desc,
                          guint64 seed, GError **error);
/* Every number of the header is checked against explicit bounds and the
 * tables are walked before anything else reads them, so that no access
 * through the image can leave the file; a corrupt file is an
 * FM_ERROR_IMAGE_CORRUPT error naming the file and the field. DESC: the
 * image must be of that chip (fm_image_check_chip()); NULL: any chip
 * (look at fm_image_chip_name()). The file is locked: exclusively when
 * writable, shared when READ_ONLY. A writable image gets real blocks for
 * its holes, as every page it grows by does, so that a full disk is an
 * error here or in fm_image_page_mut(), never a SIGBUS later. An overlay
 * opens with its base (fm_image_create_overlay() tells how it is found
 * and checked), whose errors name both files. */
FmImage *fm_image_open   (const gchar *path, const FmChipDesc *desc,
                          gboolean read_only, GError **error);
/* Opens PATH and finds the chip it was made for by the name in its header
 * (a catalog name, fm_chip_desc_lookup()), checked as a DESC given to
 * fm_image_open() is: what opens an image without being told its chip.
 * *DESC: that chip, to free. */
FmImage *fm_image_open_find_chip (const gchar *path, gboolean read_only,
                                  FmChipDesc **desc, GError **error);
/* Whether IMAGE was made for DESC: the same name and the same geometry
 * (page, spare and slot sizes, pages per block, blocks); else an
 * FM_ERROR_IMAGE_MISMATCH naming the first field that differs. */
gboolean fm_image_check_chip (const FmImage *image, const FmChipDesc *desc,
                              GError **error);
/* On the disk when it returns; an overlay's changes since the last sync
 * are then what a crash cannot take away (fm-image-delta.c). */
gboolean fm_image_sync   (FmImage *image, GError **error);
/* Writes a copy of IMAGE's file to DEST (which must not exist), sharing
 * the file system's blocks where it can (reflink), so that snapshots cost
 * little; an overlay is flattened (fm_image_flatten_to()). IMAGE stays
 * open. */
gboolean fm_image_copy_to (FmImage *image, const gchar *dest, GError **error);

/* An overlay at PATH (which must not exist) on the image at BASE_PATH,
 * opened read-only and locked shared while the overlay is open. A
 * relative BASE_PATH is taken from PATH's directory, as qemu-img does,
 * and stored as given. The overlay is returned writable; writes go to
 * PATH only. Opening it later checks that the base is still the image it
 * was made on: a full image that was opened writable since (which renews
 * its generation), grew or had its header changed is refused; a delta is
 * read up to the sync the overlay was made on, so that it may grow
 * meanwhile, and refused once compacted. */
FmImage *fm_image_create_overlay (const gchar *path, const gchar *base_path, GError **error);
/* The same on an image already open, which the overlay borrows (it must
 * stay open until the overlay is closed): a full image opened read-only,
 * or an overlay (its changes are synced first, and the new one sees it as
 * it is now). STORED_BASE: how the new delta names it, relative to PATH's
 * directory or absolute. SCRATCH: as fm_image_set_scratch() (a
 * campaign's cut images: fm-cut-image.h). */
FmImage *fm_image_create_overlay_on (const gchar *path, FmImage *base, const gchar *stored_base,
                                     gboolean scratch, GError **error);
/* Writes IMAGE's contents (pages, program counts, block records, age,
 * flags) as a standalone image at DEST (which must not exist). */
gboolean fm_image_flatten_to (FmImage *image, const gchar *dest, GError **error);
gboolean fm_image_is_overlay (const FmImage *image);
/* FALSE for a full image. The strings belong to IMAGE. */
gboolean fm_image_overlay_info (FmImage *image, FmImageOverlayInfo *info);
/* The base an overlay reads through, or NULL: the overlay's own, or the
 * one lent to fm_image_create_overlay_on(). */
FmImage *fm_image_overlay_base (FmImage *image);
/* From now on IMAGE, an overlay, is a scratch file: syncs write its
 * changes to the file but do not wait for the disk, and it is never
 * compacted, so that overlays made on it stay valid. */
void     fm_image_set_scratch (FmImage *image);
void     fm_image_close  (FmImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmImage, fm_image_close)

/* The file's path, or "(memory image)", as messages name it. */
const gchar *fm_image_path      (const FmImage *image);
const gchar *fm_image_chip_name (const FmImage *image);
guint64      fm_image_seed      (const FmImage *image);
guint32      fm_image_blocks    (const FmImage *image);
guint32      fm_image_pages_per_block (const FmImage *image);
gboolean     fm_image_is_factory_initialised (const FmImage *image);
void         fm_image_set_factory_initialised (FmImage *image);
/* Virtual time the chip has lived through, carried across restarts (the
 * retention clock). Stored in the header at the next sync or close. */
guint64      fm_image_age_ns     (const FmImage *image);
void         fm_image_set_age_ns (FmImage *image, guint64 age_ns);

/* The block's record, to read or change in place. The pointers this and
 * fm_image_page_mut() give are not to be kept across an fm_image_sync():
 * an overlay notes what changed through them until its next sync. */
FmBlockMeta *fm_image_block (FmImage *image, guint32 block);

/* The stored page+OOB, or NULL when the page holds no data (all 0xFF). */
const guint8 *fm_image_page      (const FmImage *image, guint64 page);
/* The page's slot, allocated and filled with 0xFF if it had none; NULL
 * and an FM_ERROR_IO when the file cannot grow (a full disk). */
guint8       *fm_image_page_mut  (FmImage *image, guint64 page, GError **error);
guint         fm_image_page_programs     (const FmImage *image, guint64 page);
void          fm_image_set_page_programs (FmImage *image, guint64 page, guint n);
/* Every page of BLOCK back to erased: slots freed, program counts zero. */
void          fm_image_clear_block (FmImage *image, guint32 block);
/* One page back to erased (a partial erase that left it all ones). */
void          fm_image_clear_page  (FmImage *image, guint64 page);

guint64 fm_image_pages_with_data (const FmImage *image);
guint64 fm_image_file_bytes      (const FmImage *image);

G_END_DECLS
