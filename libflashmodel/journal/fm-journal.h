/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A journal: every array operation of a chip model, in order, appended to a
 * file so that any moment of a run can be rebuilt (fm-replay.h).
 *
 * The file is a header followed by records. The header names the chip, its
 * seed and geometry and carries a digest of the image the recording
 * started from. Each record holds the operation, its page or block, what
 * the chip reported, the block's counters after it, a SHA-256 digest of the
 * data read or programmed and, for programs, the data itself. Records are
 * framed (magic, length) and carry a CRC-32, and their sequence numbers
 * must follow each other: a reader stops at the first record that fails a
 * check, reports why, and still offers every record before it. A torn tail
 * (a writer killed mid-record) is told apart from corruption.
 *
 * Version 2 adds marks: annotations a workload places between two
 * operations ("this write is acknowledged now"), framed like records. A
 * mark is not an operation: it carries the seq of the last operation
 * before it, replay and campaigns skip it (fm_journal_reader_next() never
 * returns one), and fm_journal_reader_next_entry() returns both. Version 1
 * journals are still read.
 *
 * All numbers are little-endian.
 */
#pragma once

#include "fm-chip-desc.h"
#include "fm-digest.h"
#include "fm-image.h"
#include "fm-nand.h"

G_BEGIN_DECLS

#define FM_JOURNAL_MAGIC "FMJOURNL"
#define FM_JOURNAL_VERSION 2
/* The longest label of a mark, in bytes. */
#define FM_JOURNAL_MARK_MAX 200

typedef struct {
  gchar chip_name[64];
  guint64 chip_seed;
  guint32 page_size, oob_size, pages_per_block, blocks;
  guint8 base_digest[FM_DIGEST_SIZE]; /* fm_digest_image() of the start */
  guint64 first_seq;  /* seq of the first record (the model's op count + 1) */
  guint64 created_unix;
} FmJournalInfo;

typedef struct {
  FmNandOp op;
  guint64 seq;
  guint64 index;        /* page index, or block for an erase */
  gboolean ok, applied, interrupted;
  guint64 age_ns;
  guint32 erase_count, block_flags;
  guint page_programs;
  guint8 digest[FM_DIGEST_SIZE]; /* of the data read or programmed */
  const guint8 *data;   /* programs: page + OOB (inside the reader's buffer) */
  gsize len;            /* bytes read or programmed; 0 for an erase */
} FmJournalRecord;

/* An annotation between two operations. */
typedef struct {
  guint64 seq;          /* the last operation before it (first_seq - 1: none) */
  gchar label[FM_JOURNAL_MARK_MAX + 1]; /* printable ASCII, no newline */
} FmJournalMark;

/* Whether LABEL (LEN bytes) can be a mark's label: 1 to FM_JOURNAL_MARK_MAX
 * printable ASCII characters (space to '~'), so that listings and marks
 * files stay one line per mark. */
gboolean fm_journal_mark_label_valid (const gchar *label, gsize len);

/* ---- writing ---- */

typedef struct _FmJournalWriter FmJournalWriter;

/* Creates PATH (it must not exist unless OVERWRITE) for IMAGE's chip; the
 * header records IMAGE's digest as the base. FIRST_SEQ: the seq the next
 * operation of the model will have. */
FmJournalWriter *fm_journal_writer_new (const gchar *path, FmImage *image,
                                        const FmChipDesc *desc, guint64 first_seq,
                                        gboolean overwrite, GError **error);
gboolean fm_journal_writer_append (FmJournalWriter *w, const FmNandEvent *event,
                                   GError **error);
/* Appends a mark with LABEL after the operations appended so far. */
gboolean fm_journal_writer_mark   (FmJournalWriter *w, const gchar *label, GError **error);
/* Pushes buffered records to the file; with DURABLE, to the disk too. */
gboolean fm_journal_writer_flush  (FmJournalWriter *w, gboolean durable, GError **error);
guint64  fm_journal_writer_records (const FmJournalWriter *w);  /* operations */
guint64  fm_journal_writer_marks   (const FmJournalWriter *w);
/* Flushes and closes; reports a failure of the final flush. */
gboolean fm_journal_writer_close  (FmJournalWriter *w, GError **error);
void     fm_journal_writer_free   (FmJournalWriter *w); /* close, ignoring errors */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmJournalWriter, fm_journal_writer_free)

/* An FmNandObserver that appends to the writer given as user data; the
 * first failure is kept (fm_journal_writer_failed) and later events are
 * dropped, since an observer cannot report errors. */
void     fm_journal_writer_observe (gpointer writer, const FmNandEvent *event);
const GError *fm_journal_writer_failed (const FmJournalWriter *w);

/* ---- reading ---- */

typedef enum {
  FM_JOURNAL_END_CLEAN,    /* every byte belonged to a valid record */
  FM_JOURNAL_END_TORN,     /* the last record is cut short */
  FM_JOURNAL_END_CORRUPT,  /* a record failed a check */
} FmJournalEnd;

typedef struct _FmJournalReader FmJournalReader;

FmJournalReader *fm_journal_reader_open (const gchar *path, GError **error);
/* Reads a journal held in memory (takes a reference on BYTES). */
FmJournalReader *fm_journal_reader_new_from_bytes (GBytes *bytes, const gchar *name,
                                                   GError **error);
void     fm_journal_reader_free (FmJournalReader *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmJournalReader, fm_journal_reader_free)

const FmJournalInfo *fm_journal_reader_info (const FmJournalReader *r);
/* The next valid operation, skipping marks; FALSE at the end of the valid
 * prefix. */
gboolean fm_journal_reader_next (FmJournalReader *r, FmJournalRecord *record);

typedef enum {
  FM_JOURNAL_ENTRY_END,        /* the end of the valid prefix */
  FM_JOURNAL_ENTRY_OPERATION,  /* RECORD is filled */
  FM_JOURNAL_ENTRY_MARK,       /* MARK is filled */
} FmJournalEntry;

/* The next valid operation or mark, in file order. */
FmJournalEntry fm_journal_reader_next_entry (FmJournalReader *r, FmJournalRecord *record,
                                             FmJournalMark *mark);
/* After next() returned FALSE: how the journal ended, where, and why. */
FmJournalEnd fm_journal_reader_end (const FmJournalReader *r, guint64 *offset,
                                    const gchar **why);
/* Back to the first record. */
void     fm_journal_reader_rewind (FmJournalReader *r);

/* Whether DESC is the chip the journal was recorded on (name, geometry). */
gboolean fm_journal_info_check_chip (const FmJournalInfo *info, const FmChipDesc *desc,
                                     GError **error);

const gchar *fm_nand_op_to_string (FmNandOp op);

G_END_DECLS
