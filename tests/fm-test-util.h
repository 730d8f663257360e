/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the unit tests. */
#pragma once

#include "flashmodel.h"

#include <sys/resource.h>

G_BEGIN_DECLS

/*
 * A small but complete ONFI part for tests that need many erases or full
 * scans: 2048+64-byte pages, 8 pages per block, 64 blocks, 2 planes, every
 * optional command. RELIABILITY_LINE ("key=value", or NULL) replaces that
 * key of its [reliability] group.
 */
FmChipDesc *fm_test_tiny_desc (const gchar *reliability_line);

/* The tiny part's descriptor text with KEY in GROUP replaced by LINE (a
 * full "key=value" line, or "" to delete the key). */
gchar      *fm_test_tiny_text_with (const gchar *group, const gchar *key,
                                    const gchar *line);

/* BASE (a descriptor's text) with KEY in GROUP replaced by LINE ("" deletes
 * it; a key absent from the group is added). */
gchar      *fm_test_text_with (const gchar *base, const gchar *group, const gchar *key,
                               const gchar *line);

/* Made-up NOR parts: a CFI part with boot sectors (8 x 8 KiB then
 * 3 x 64 KiB, 64-byte buffer, AMD command set, x8/x16) and a 64 KiB SPI
 * part (256-byte pages, 4 KiB and 32 KiB erases). */
extern const gchar fm_test_nor_cfi_text[];
extern const gchar fm_test_nor_spi_text[];

/* A shipped chip from the catalog (the test aborts if it does not load). */
FmChipDesc *fm_test_chip (const gchar *name);

/* A volatile model of DESC with BAD factory bad blocks per LUN. DESC must
 * outlive the model. */
FmNand     *fm_test_nand (const FmChipDesc *desc, guint64 seed, gint bad,
                          FmTimingMode timing);

/* The names in DIR, sorted, space-separated. */
gchar      *fm_test_dir_listing (const gchar *dir);
/* Removes the files in DIR (a test's temporary directory: no
 * subdirectories) and DIR. */
void        fm_test_remove_dir (const gchar *dir);

/* Whether all LEN bytes of BUF are FFh, as erased flash reads. */
gboolean    fm_test_all_ff (const guint8 *buf, gsize len);

/* PAGE_BYTES of pseudo-random data with a few bits set per byte cleared. */
guint8     *fm_test_pattern (gsize len, guint64 seed);

/* What a flash file system does to a chip, in miniature: erase a block,
 * program its pages in order with seeded data, read some of them back,
 * move to the next good block of BLOCKS starting at FIRST (wrapping
 * around), for OPS array operations. A failed program or erase moves it
 * to the next block; any other error (a power cut) stops it. */
gboolean    fm_test_workload (FmNand *nand, guint32 first, guint32 blocks,
                              guint64 ops, guint64 seed, GError **error);

/* A recorded run: a base image (seed 7, factory bad blocks as the seed places them), a copy of
 * it driven by fm_test_workload() for OPS operations (virtual timing, so
 * the chip ages) with a journal
 * attached, in a temporary directory that clear removes. CHIP NULL: the
 * tiny part. FAULTS: rules for the recorded chip, or NULL. */
typedef struct {
  gchar *dir;
  FmChipDesc *desc;
  gchar *base_path, *journal_path;
  FmNand *nand;            /* the recorded chip, after the workload */
  guint64 ops;
  /* Set before recording: a journal mark "start" before the first
   * operation and "after-SEQ" after every MARK_EVERY-th (0: no marks). */
  guint mark_every;
  guint64 marks;
} FmTestRecording;

void     fm_test_record (FmTestRecording *r, const gchar *chip, guint64 ops,
                         const gchar *faults);
/* The same, with the workload confined to the first BLOCKS blocks. */
void     fm_test_record_blocks (FmTestRecording *r, const gchar *chip, guint32 blocks,
                                guint64 ops, const gchar *faults);
/* The same with another workload: FUNC drives R->nand (through a bus
 * model, say) while the journal records. */
typedef void (*FmTestWorkloadFunc) (FmNand *nand, gpointer user_data);
void     fm_test_record_with   (FmTestRecording *r, const gchar *chip, const gchar *faults,
                                FmTestWorkloadFunc func, gpointer user_data);
void     fm_test_recording_clear (FmTestRecording *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FmTestRecording, fm_test_recording_clear)
/* A copy of the base named NAME with the journal replayed up to UNTIL (0:
 * all), the last operation cut as CUT says. */
FmImage *fm_test_replayed (FmTestRecording *r, guint64 until, FmCutKind cut,
                           const gchar *name);
/* Same pages, page program counts, and block erase, program and read
 * counts and flags. */
void     fm_test_assert_same_chip (FmImage *a, FmImage *b, const FmChipDesc *d);

/* Where fm-image.c's header keeps its fields (the file format), for
 * tests that craft images. */
enum {
  FM_TEST_HEADER_HEADER_SIZE = 12,
  FM_TEST_HEADER_CHIP_NAME = 16,
  FM_TEST_HEADER_PAGE_SIZE = 80,
  FM_TEST_HEADER_OOB_SIZE = 84,
  FM_TEST_HEADER_PAGES_PER_BLOCK = 88,
  FM_TEST_HEADER_BLOCKS = 92,
  FM_TEST_HEADER_BLOCK_TABLE_OFF = 104,
  FM_TEST_HEADER_PAGE_TABLE_OFF = 112,
  FM_TEST_HEADER_SLOT_AREA_OFF = 120,
  FM_TEST_HEADER_SLOT_SIZE = 128,
  FM_TEST_HEADER_FLAGS = 132,
};

/* Writes the LEN (4 or 8) bytes of VALUE, little-endian, at OFFSET of the
 * image file PATH, then gives its header a valid checksum again: an image
 * that only the header's own checks can refuse. */
void     fm_test_image_poke (const gchar *path, goffset offset, guint64 value, guint len);
/* The same for NAME written into the header's chip name (NUL-padded). */
void     fm_test_image_poke_name (const gchar *path, const gchar *name);
/* A little-endian number of LEN bytes read at OFFSET of PATH. */
guint64  fm_test_image_peek (const gchar *path, goffset offset, guint len);

/* A chip driven through its bus: owns all three. */
typedef struct {
  FmChipDesc *desc;
  FmNand *nand;
  FmNandBus *bus;
} FmTestBus;

/* Takes DESC and NAND; the chip is selected and RESET, as after power-on. */
void        fm_test_bus_init  (FmTestBus *f, FmChipDesc *desc, FmNand *nand);
void        fm_test_bus_clear (FmTestBus *f);

/* Sends a command, address cycles and waits, as a controller would. */
void        fm_test_bus_cmd_addr (FmNandBus *bus, guint8 cmd,
                                  const guint8 *addr, guint naddr);
/* Column + row address bytes for (block, page, column) on DESC. */
guint       fm_test_bus_address (const FmChipDesc *desc, guint32 block,
                                 guint page, guint column, guint8 *out);
guint8      fm_test_bus_status (FmNandBus *bus);
/* 80h, address, LEN bytes of DATA, then CONFIRM (10h, 15h or 11h);
 * returns the status after the program. */
guint8      fm_test_bus_program (FmNandBus *bus, const FmChipDesc *d, guint32 block,
                                 guint page, guint column, const guint8 *data,
                                 gsize len, guint8 confirm);
/* 00h, address, 30h, wait, then LEN bytes out; returns the status the
 * read left (read before the data, as Linux does). */
guint8      fm_test_bus_read    (FmNandBus *bus, const FmChipDesc *d, guint32 block,
                                 guint page, guint column, guint8 *out, gsize len);

/* The file at PATH may not grow past its size now, as on a full disk:
 * with SIGXFSZ ignored, growing it fails with EFBIG. SAVED receives the
 * limit fm_test_allow_growth() restores. */
void fm_test_forbid_growth (const gchar *path, struct rlimit *saved);
void fm_test_allow_growth  (const struct rlimit *saved);

G_END_DECLS
