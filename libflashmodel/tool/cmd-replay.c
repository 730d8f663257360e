/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel journal: what a journal holds and whether it is intact.
 * flashmodel replay: the chip's image after any operation of a journal.
 */
#include "tool-common.h"
#include "commands.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const gchar *
end_to_string (FmJournalEnd end)
{
  switch (end)
    {
    case FM_JOURNAL_END_CLEAN: return "complete";
    case FM_JOURNAL_END_TORN: return "torn tail";
    case FM_JOURNAL_END_CORRUPT: return "corrupt";
    }
  return "?";
}

/* "erase of block 12", "program of block 3 page 7". */
gchar *
describe_record (const FmJournalRecord *rec, guint32 pages_per_block)
{
  if (rec->op == FM_NAND_OP_ERASE)
    return g_strdup_printf ("erase of block %" G_GUINT64_FORMAT, rec->index);
  return g_strdup_printf ("%s of block %" G_GUINT64_FORMAT " page %" G_GUINT64_FORMAT,
                          fm_nand_op_to_string (rec->op), rec->index / pages_per_block,
                          rec->index % pages_per_block);
}

/* Prints how the journal ended when it did not end cleanly. */
void
report_journal_end (const gchar *path, FmJournalReader *reader, guint64 records)
{
  guint64 offset;
  const gchar *why;
  FmJournalEnd end = fm_journal_reader_end (reader, &offset, &why);

  if (end == FM_JOURNAL_END_CLEAN)
    return;
  g_printerr ("flashmodel: %s: %s at byte %" G_GUINT64_FORMAT " (%s); using the %" G_GUINT64_FORMAT
              " valid records before it\n", path, end_to_string (end), offset, why, records);
}

int
cmd_journal (int argc, char **argv)
{
  gboolean list = FALSE;
  GOptionEntry entries[] = {
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list, "Print every record", NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autofree gchar *base = NULL;
  const FmJournalInfo *info;
  FmJournalRecord rec;
  guint64 counts[3] = { 0 }, failed = 0, interrupted = 0, records = 0, last = 0;
  guint64 offset;
  const gchar *why;
  FmJournalEnd end;

  if (!parse_options (find_command ("journal"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2)
    return usage_error ("journal", "exactly one journal FILE is required");
  reader = fm_journal_reader_open (argv[1], &error);
  if (!reader)
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  info = fm_journal_reader_info (reader);
  base = fm_digest_to_hex (info->base_digest);
  g_print ("journal:      %s\n", argv[1]);
  g_print ("chip:         %s (seed %" G_GUINT64_FORMAT ", %u+%u bytes x %u pages x %u blocks)\n",
           info->chip_name, info->chip_seed, info->page_size, info->oob_size,
           info->pages_per_block, info->blocks);
  g_print ("base image:   sha256 %s\n", base);
  if (list)
    g_print ("%12s  %-7s %8s %5s  %-6s %6s  %s\n", "op", "kind", "block", "page", "result", "erases", "sha256");
  while (fm_journal_reader_next (reader, &rec))
    {
      records++;
      last = rec.seq;
      counts[rec.op]++;
      failed += !rec.ok && !rec.interrupted;
      interrupted += rec.interrupted;
      if (list)
        {
          g_autofree gchar *digest = fm_digest_to_hex (rec.digest);
          gboolean erase = rec.op == FM_NAND_OP_ERASE;
          gchar page[16] = "-";

          if (!erase)
            g_snprintf (page, sizeof page, "%" G_GUINT64_FORMAT, rec.index % info->pages_per_block);

          g_print ("%12" G_GUINT64_FORMAT "  %-7s %8" G_GUINT64_FORMAT " %5s  %-6s %6u  %.16s\n",
                   rec.seq, fm_nand_op_to_string (rec.op),
                   erase ? rec.index : rec.index / info->pages_per_block, page,
                   rec.interrupted ? "torn" : rec.ok ? "ok" : "FAIL", rec.erase_count,
                   erase ? "-" : digest);
        }
    }
  end = fm_journal_reader_end (reader, &offset, &why);
  g_print ("operations:   %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
           "): %" G_GUINT64_FORMAT " reads, %" G_GUINT64_FORMAT " programs, %" G_GUINT64_FORMAT " erases\n",
           records, records ? info->first_seq : 0, last, counts[FM_NAND_OP_READ],
           counts[FM_NAND_OP_PROGRAM], counts[FM_NAND_OP_ERASE]);
  g_print ("failures:     %" G_GUINT64_FORMAT " reported by the chip, %" G_GUINT64_FORMAT
           " cut by a power loss\n", failed, interrupted);
  g_print ("end:          %s", end_to_string (end));
  if (end != FM_JOURNAL_END_CLEAN)
    g_print (" at byte %" G_GUINT64_FORMAT ": %s", offset, why);
  g_print ("\n");
  return end == FM_JOURNAL_END_CORRUPT ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* A fresh image of the journal's chip and seed at PATH, writable. */
static FmImage *
fresh_journal_base (const FmChipDesc *desc, const FmJournalInfo *info, const gchar *path,
                    GError **error)
{
  FmNandCreateOptions create = FM_NAND_CREATE_OPTIONS_DEFAULT;
  g_autoptr (FmImage) image = NULL;

  create.seed = info->chip_seed;
  image = fm_nand_create_image (desc, path, &create, error);
  if (!image)
    return NULL;
  if (!fm_replay_check_base (image, desc, info, error))
    {
      g_prefix_error (error, "without --base, replay starts from a fresh image: ");
      unlink (path);
      return NULL;
    }
  return g_steal_pointer (&image);
}

FmImage *
open_journal_base (const gchar *base_path, const FmChipDesc *desc, const FmJournalInfo *info,
                   const gchar *path, GError **error)
{
  g_autoptr (FmImage) image = NULL;

  if (base_path)
    {
      image = fm_image_open (base_path, desc, TRUE, error);
      if (!image || !fm_replay_check_base (image, desc, info, error))
        return NULL;
      return g_steal_pointer (&image);
    }
  image = fresh_journal_base (desc, info, path, error);
  if (!image)
    return NULL;
  g_clear_pointer (&image, fm_image_close);
  image = fm_image_open (path, desc, TRUE, error);
  if (!image)
    unlink (path);
  return g_steal_pointer (&image);
}

FmImage *
prepare_journal_base (const gchar *base_path, const FmChipDesc *desc, const FmJournalInfo *info,
              const gchar *tmp, GError **error)
{
  g_autoptr (FmImage) image = NULL;

  if (base_path)
    {
      g_autoptr (FmImage) base = open_journal_base (base_path, desc, info, NULL, error);

      if (!base || !fm_image_copy_to (base, tmp, error))
        return NULL;
      image = fm_image_open (tmp, desc, FALSE, error);
      if (!image)
        unlink (tmp);
      return g_steal_pointer (&image);
    }
  return fresh_journal_base (desc, info, tmp, error);
}

static void
print_progress (gpointer user_data, guint64 seq)
{
  const guint64 *total = user_data;

  g_printerr ("\rflashmodel replay: operation %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT, seq, *total);
}

int
cmd_replay (int argc, char **argv)
{
  g_autofree gchar *base_path = NULL, *journal_path = NULL, *out = NULL;
  g_autofree gchar *until_text = NULL, *cut_text = NULL;
  gboolean force = FALSE;
  GOptionEntry entries[] = {
    { "base", 'b', 0, G_OPTION_ARG_FILENAME, &base_path, "The image the journal started from (default: a fresh image of the journal's chip and seed)", "IMAGE" },
    { "journal", 'j', 0, G_OPTION_ARG_FILENAME, &journal_path, "The journal (muse-chip --record)", "FILE" },
    { "until", 'u', 0, G_OPTION_ARG_STRING, &until_text, "Stop after operation N (default: the last valid one)", "N" },
    { "cut", 'c', 0, G_OPTION_ARG_STRING, &cut_text, "How power went at operation N: clean (default: N completed) or torn (N interrupted)", "KIND" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The image to write", "IMAGE2" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "Replace IMAGE2 if it exists", NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autoptr (FmChipDesc) desc = NULL;
  g_autoptr (FmImage) image = NULL;
  g_autofree gchar *tmp = NULL;
  const FmJournalInfo *info;
  FmCutKind cut = FM_CUT_CLEAN;
  guint64 until = 0, total;
  FmJournalRecord rec;
  gboolean tty = isatty (STDERR_FILENO);

  if (!parse_options (find_command ("replay"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 1)
    return usage_error ("replay", "unexpected argument (the output goes after -o)");
  if (!journal_path || !out)
    return usage_error ("replay", "--journal FILE and -o IMAGE2 are required");
  if (until_text && (!parse_u64_arg (until_text, &until) || until == 0))
    return usage_error ("replay", "--until takes an operation number (from 1)");
  if (cut_text && !fm_cut_kind_from_string (cut_text, &cut, &error))
    return usage_error ("replay", error->message);
  if (cut == FM_CUT_TORN && !until)
    return usage_error ("replay", "--cut torn needs --until N: the operation to tear");
  if (!force && g_file_test (out, G_FILE_TEST_EXISTS))
    return usage_error ("replay", "the output image exists (use --force to replace it)");

  reader = fm_journal_reader_open (journal_path, &error);
  if (!reader)
    goto fail;
  info = fm_journal_reader_info (reader);
  desc = fm_chip_desc_lookup (info->chip_name, &error);
  if (!desc || !fm_journal_info_check_chip (info, desc, &error))
    goto fail;
  /* Count the valid records first: it tells how far --until may go. */
  for (total = 0; fm_journal_reader_next (reader, &rec); total++)
    ;
  report_journal_end (journal_path, reader, total);
  fm_journal_reader_rewind (reader);
  if (until && until >= info->first_seq + total)
    {
      g_set_error (&error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "--until %" G_GUINT64_FORMAT ": the journal's valid operations are %"
                   G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT, until, info->first_seq,
                   info->first_seq + total - 1);
      goto fail;
    }
  if (until && until < info->first_seq)
    {
      g_set_error (&error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "--until %" G_GUINT64_FORMAT ": the journal starts at operation %" G_GUINT64_FORMAT,
                   until, info->first_seq);
      goto fail;
    }

  tmp = g_strdup_printf ("%s.tmp-%d", out, (int) getpid ());
  image = prepare_journal_base (base_path, desc, info, tmp, &error);
  if (!image)
    goto fail;
  total += info->first_seq - 1;
  if (!fm_replay_until (image, desc, reader, until, cut, tty ? print_progress : NULL, &total, &error) ||
      !fm_image_sync (image, &error))
    {
      /* A full disk ends here, with nothing left behind. */
      g_prefix_error (&error, "writing %s: ", out);
      g_clear_pointer (&image, fm_image_close);
      unlink (tmp);
      goto fail;
    }
  if (tty)
    g_printerr ("\r\033[K");
  g_clear_pointer (&image, fm_image_close);
  if (rename (tmp, out) != 0)
    {
      g_set_error (&error, FM_ERROR, FM_ERROR_IO, "%s: %s", out, g_strerror (errno));
      unlink (tmp);
      goto fail;
    }
  if (until)
    g_print ("%s: the chip after operation %" G_GUINT64_FORMAT " of %s%s\n", out, until, journal_path,
             cut == FM_CUT_TORN ? ", torn by a power cut" : "");
  else
    g_print ("%s: the chip after all %" G_GUINT64_FORMAT " operations of %s\n", out, total, journal_path);
  return EXIT_SUCCESS;

fail:
  print_error (error);
  return EXIT_FAILURE;
}
