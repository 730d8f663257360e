/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * make-journal-seeds DIR: writes fuzz-journal's seed corpus: journals of
 * the fuzz chip with every kind of record (reads, programs, erases,
 * failures, a torn operation at a power cut), and a torn tail.
 *
 *   build/tests/fuzz/make-journal-seeds tests/fuzz/corpus/fuzz-journal
 */
#include "fuzz-chips.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Erases and fills blocks until the chip refuses (a power cut) or OPS. */
static void
workload (FmNand *nand, guint ops)
{
  const FmChipDesc *d = fm_nand_desc (nand);
  g_autofree guint8 *buf = g_malloc (fm_nand_page_bytes (nand));

  for (guint32 b = 0; fm_nand_operations (nand) < ops && !fm_nand_powered_off (nand); b = (b + 1) % 16)
    {
      fm_nand_erase_block (nand, b, NULL);
      for (guint p = 0; p < d->pages_per_block; p++)
        {
          memset (buf, (int) (b * 16 + p), fm_nand_page_bytes (nand));
          memset (buf + d->page_size, 0xff, d->oob_size);
          fm_nand_program_page (nand, b, p, buf, NULL);
          fm_nand_read_page (nand, b, p, buf, NULL);
        }
    }
}

static void
write_seed (const FmChipDesc *chip, const gchar *path, guint ops, const gchar *faults, gsize cut_tail)
{
  g_autoptr (GError) error = NULL;
  FmNandCreateOptions create = { 3, -1 };
  FmImage *image = fm_nand_create_image (chip, NULL, &create, &error);
  g_autoptr (FmNand) nand = image ? fm_nand_new (chip, image, FM_TIMING_NONE, &error) : NULL;
  g_autoptr (FmJournalWriter) w = NULL;

  if (!nand)
    g_error ("%s", error->message);
  if (faults)
    fm_nand_set_faults (nand, fm_fault_set_parse (faults, NULL));
  unlink (path);
  w = fm_journal_writer_new (path, fm_nand_image (nand), chip, 1, FALSE, &error);
  if (!w)
    g_error ("%s", error->message);
  /* Marks at both ends, so that the fuzzer starts from their frames too. */
  if (!fm_journal_writer_mark (w, "start", &error))
    g_error ("%s", error->message);
  fm_nand_set_observer (nand, fm_journal_writer_observe, w);
  workload (nand, ops);
  fm_nand_set_observer (nand, NULL, NULL);
  if (!fm_journal_writer_mark (w, "acked all", &error))
    g_error ("%s", error->message);
  if (!fm_journal_writer_close (g_steal_pointer (&w), &error))
    g_error ("%s", error->message);
  if (cut_tail)
    {
      gchar *contents;
      gsize len;

      g_file_get_contents (path, &contents, &len, NULL);
      g_file_set_contents (path, contents, len - cut_tail, NULL);
      g_free (contents);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) chip = NULL;
  g_autofree gchar *plain = NULL, *faults = NULL, *cut = NULL, *torn = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: make-journal-seeds DIR\n");
      return 2;
    }
  chip = fm_chip_desc_load_data (chip_small, "fuzz", &error);
  if (!chip)
    g_error ("%s", error->message);
  plain = g_build_filename (argv[1], "plain", NULL);
  faults = g_build_filename (argv[1], "faults", NULL);
  cut = g_build_filename (argv[1], "power-cut", NULL);
  torn = g_build_filename (argv[1], "torn-tail", NULL);
  write_seed (chip, plain, 40, NULL, 0);
  write_seed (chip, faults, 40, "program-fail block=any probability=0.2; erase-fail block=1", 0);
  write_seed (chip, cut, 60, "powercut@op=37", 0);
  write_seed (chip, torn, 40, NULL, 100);
  return 0;
}
