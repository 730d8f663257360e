/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: arbitrary bytes as a journal. The reader must take a
 * valid prefix or refuse the file with an FM_ERROR, never crash or read
 * outside the bytes; every record it offers must stay inside the chip, and
 * replaying them (each one cut torn, then applied) onto an image of the
 * chip must work. The seeds (corpus/fuzz-journal/) are real journals of
 * fuzz-chips.h's small chip, made by tests/fuzz/make-journal-seeds.
 */
#include "fuzz-chips.h"
#include "fuzz-log.h"

#include <stdio.h>
#include <stdlib.h>

static FmChipDesc *chip;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  (void) argc;
  (void) argv;
  fuzz_make_warnings_fatal ();
  chip = fm_chip_desc_load_data (chip_small, "fuzz", &error);
  if (!chip)
    {
      fprintf (stderr, "fuzz-journal: %s\n", error->message);
      abort ();
    }
  return 0;
}

static void
check (gboolean ok, const char *what)
{
  if (!ok)
    {
      fprintf (stderr, "fuzz-journal: %s\n", what);
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = fm_journal_reader_new_from_bytes (bytes, "fuzz", &error);
  g_autoptr (FmImage) image = NULL;
  const FmJournalInfo *info;
  FmJournalRecord rec;
  gboolean replay;
  guint64 seq;

  if (!reader)
    {
      check (error && error->domain == FM_ERROR, "refused without an FM_ERROR");
      return 0;
    }
  info = fm_journal_reader_info (reader);
  seq = info->first_seq;
  replay = fm_journal_info_check_chip (info, chip, NULL);
  if (replay)
    {
      image = fm_nand_create_image (chip, NULL, &(FmNandCreateOptions) { info->chip_seed, -1 }, &error);
      check (image != NULL, "cannot make an image");
    }
  while (fm_journal_reader_next (reader, &rec))
    {
      guint64 limit = rec.op == FM_NAND_OP_ERASE ? info->blocks
                                                 : (guint64) info->blocks * info->pages_per_block;

      check (rec.seq == seq++, "records out of order");
      check (rec.index < limit, "a record beyond the chip");
      check (rec.op != FM_NAND_OP_PROGRAM || (rec.data && rec.len == info->page_size + info->oob_size),
             "a program without its page");
      check (rec.data == NULL || (rec.data >= data && rec.data + rec.len <= data + size),
             "record data outside the input");
      if (replay)
        {
          check (fm_replay_tear (image, chip, &rec, &error), "tear failed");
          check (fm_replay_apply (image, chip, &rec, &error), "apply failed");
        }
    }
  return 0;
}
