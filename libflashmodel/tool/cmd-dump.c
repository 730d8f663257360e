/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel import: a dump of a real chip (nanddump, a programmer) into
 * a new image. flashmodel export: an image back into a dump.
 * The work is fm-dump's; this file parses options and reports.
 */
#include "tool-common.h"
#include "cmd-dump.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- progress ------------------------------------------------------------- */

/* Every 5%, on stderr: in place on a terminal, one line each with -v. */
typedef struct {
  const gchar *command;
  gboolean tty;
  guint last;   /* the last percentage printed, +1 (0: none yet) */
} Progress;

static void
show_progress (guint64 done, guint64 total, gpointer user_data)
{
  Progress *p = user_data;
  guint pct = (guint) (done * 100 / total);

  if (p->last && pct < p->last - 1 + 5 && done != total)
    return;
  p->last = pct + 1;
  if (p->tty)
    g_printerr ("\rflashmodel %s: %3u%% (%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " blocks)%s",
                p->command, pct, done, total, done == total ? "\n" : "");
  else
    g_printerr ("flashmodel %s: %3u%% (%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " blocks)\n",
                p->command, pct, done, total);
}

static void
setup_progress (FmDumpOptions *options, Progress *p, const gchar *command, gboolean verbose)
{
  p->command = command;
  p->tty = isatty (STDERR_FILENO);
  p->last = 0;
  if (p->tty || verbose)
    {
      options->progress = show_progress;
      options->progress_data = p;
    }
}

/* ---- interruption --------------------------------------------------------- */

/* SIGINT, SIGTERM and SIGHUP stop an import or export between two blocks,
 * so that the library removes its temporary files; the signal then ends
 * the tool, as it would have. */
static volatile gint interrupted_by;

static void
on_interrupt (int sig)
{
  interrupted_by = sig;
}

static void
catch_interrupts (FmDumpOptions *options)
{
  struct sigaction sa = { 0 };

  sa.sa_handler = on_interrupt;
  sa.sa_flags = SA_RESTART;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  options->cancel = &interrupted_by;
}

/* After an interrupted command has cleaned up and said so. */
static void
die_if_interrupted (void)
{
  if (!interrupted_by)
    return;
  signal (interrupted_by, SIG_DFL);
  raise (interrupted_by);
}

/* ---- shared options ------------------------------------------------------- */

typedef struct {
  gchar *format;
  gchar *oob_file;
  gchar *syndrome;
  gboolean force;
  gboolean verbose;
} LayoutArgs;

static void
layout_args_clear (LayoutArgs *a)
{
  g_clear_pointer (&a->format, g_free);
  g_clear_pointer (&a->oob_file, g_free);
  g_clear_pointer (&a->syndrome, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LayoutArgs, layout_args_clear)

/* --format, --syndrome and --oob-file into LAYOUT; a usage error message
 * (to free) when they do not go together. */
static gchar *
resolve_layout (const LayoutArgs *a, FmDumpLayout *layout)
{
  g_autoptr (GError) error = NULL;

  layout->format = FM_DUMP_AUTO;
  if (a->format && !fm_dump_format_from_string (a->format, &layout->format, &error))
    return g_strdup_printf ("--format: %s", error->message);
  if (a->syndrome)
    {
      if (layout->format == FM_DUMP_AUTO)
        layout->format = FM_DUMP_SYNDROME;
      if (layout->format != FM_DUMP_SYNDROME)
        return g_strdup ("--syndrome goes only with --format syndrome");
      if (!fm_dump_syndrome_from_string (a->syndrome, &layout->syndrome, &error))
        return g_strdup_printf ("--syndrome: %s", error->message);
    }
  else if (layout->format == FM_DUMP_SYNDROME)
    return g_strdup ("--format syndrome needs --syndrome STEP,ECC[,PREPAD[,POSTPAD]]");
  if (layout->format == FM_DUMP_SEPARATE && !a->oob_file)
    return g_strdup ("--format separate needs --oob-file FILE");
  if (a->oob_file && layout->format != FM_DUMP_SEPARATE && layout->format != FM_DUMP_AUTO)
    return g_strdup_printf ("--oob-file goes only with --format separate, not %s",
                            fm_dump_format_to_string (layout->format));
  return NULL;
}

#define LAYOUT_ENTRIES(a) \
  { "format", 'f', 0, G_OPTION_ARG_STRING, &(a).format, \
    "data, interleaved, separate, syndrome, or auto (import: by size; export: interleaved)", "FORMAT" }, \
  { "oob-file", 'o', 0, G_OPTION_ARG_FILENAME, &(a).oob_file, \
    "The OOB bytes in their own file (format separate)", "FILE" }, \
  { "syndrome", 0, 0, G_OPTION_ARG_STRING, &(a).syndrome, \
    "Syndrome ECC layout: bytes of data, ECC, prepad, postpad per step", "STEP,ECC[,PRE[,POST]]" }, \
  { "force", 0, 0, G_OPTION_ARG_NONE, &(a).force, "Replace the output file if it exists", NULL }, \
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &(a).verbose, \
    "Show progress every 5% (always shown when stderr is a terminal)", NULL }

static gchar *
block_range (guint32 first, guint32 count)
{
  return count == 1 ? g_strdup_printf ("block %u", first)
                    : g_strdup_printf ("blocks %u-%u", first, first + count - 1);
}

/* ---- import --------------------------------------------------------------- */

int
cmd_import (int argc, char **argv)
{
  g_auto (LayoutArgs) la = { NULL, NULL, NULL, FALSE, FALSE };
  g_autofree gchar *chip = NULL;
  g_autofree gchar *seed_text = NULL;
  g_autofree gchar *start_text = NULL;
  GOptionEntry entries[] = {
    { "chip", 'c', 0, G_OPTION_ARG_STRING, &chip, "Chip name (see list-chips) or path to a descriptor", "NAME" },
    LAYOUT_ENTRIES (la),
    { "start-block", 0, 0, G_OPTION_ARG_STRING, &start_text, "The chip block the dump starts at (a partition's dump; default 0)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_text, "Seed of the new image (default 1)", "N" },
    { NULL }
  };
  FmDumpOptions options = FM_DUMP_OPTIONS_DEFAULT;
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = NULL;
  g_autofree gchar *problem = NULL;
  g_autofree gchar *range = NULL;
  FmDumpStats stats = { 0 };
  Progress progress;
  guint64 start = 0;

  if (!parse_options (find_command ("import"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (!chip)
    return usage_error ("import", "--chip NAME is required");
  if (argc != 3)
    return usage_error ("import", "a DUMP and an IMAGE file name are required");
  if (seed_text && !parse_u64_arg (seed_text, &options.seed))
    return usage_error ("import", "--seed takes a non-negative integer");
  if (start_text && (!parse_u64_arg (start_text, &start) || start > G_MAXUINT32))
    return usage_error ("import", "--start-block takes a block number");
  problem = resolve_layout (&la, &options.layout);
  if (problem)
    return usage_error ("import", problem);
  options.start_block = start;
  options.force = la.force;
  d = fm_chip_desc_lookup (chip, &error);
  if (!d)
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  setup_progress (&options, &progress, "import", la.verbose);
  catch_interrupts (&options);
  if (!fm_dump_import_file (d, argv[1], la.oob_file, argv[2], &options, &stats, &error))
    {
      print_error (error);
      die_if_interrupted ();
      return EXIT_FAILURE;
    }
  range = block_range (stats.first_block, stats.blocks);
  g_print ("imported %s into %s: %s%s, %s of chip %s, %" G_GUINT64_FORMAT " page%s stored, "
           "%u block%s marked bad\n",
           argv[1], argv[2], fm_dump_format_to_string (stats.format),
           options.layout.format == FM_DUMP_AUTO ? " (detected)" : "", range, d->name,
           stats.pages_stored, stats.pages_stored == 1 ? "" : "s",
           stats.bad_blocks, stats.bad_blocks == 1 ? "" : "s");
  return EXIT_SUCCESS;
}

/* ---- export --------------------------------------------------------------- */

/* "START,COUNT", COUNT at least 1. */
static gboolean
parse_block_range (const gchar *text, guint32 *start, guint32 *count)
{
  g_auto (GStrv) f = g_strsplit (text, ",", -1);
  guint64 s, c;

  if (g_strv_length (f) != 2 || !parse_u64_arg (f[0], &s) || !parse_u64_arg (f[1], &c) ||
      s > G_MAXUINT32 || c == 0 || c > G_MAXUINT32)
    return FALSE;
  *start = s;
  *count = c;
  return TRUE;
}

int
cmd_export (int argc, char **argv)
{
  g_auto (LayoutArgs) la = { NULL, NULL, NULL, FALSE, FALSE };
  g_autofree gchar *blocks_text = NULL;
  GOptionEntry entries[] = {
    LAYOUT_ENTRIES (la),
    { "blocks", 'b', 0, G_OPTION_ARG_STRING, &blocks_text, "Only COUNT blocks from block START", "START,COUNT" },
    { NULL }
  };
  FmDumpOptions options = FM_DUMP_OPTIONS_DEFAULT;
  g_auto (OpenedImage) o = { NULL, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree gchar *problem = NULL;
  g_autofree gchar *range = NULL;
  g_autofree gchar *size = NULL;
  FmDumpFormat format;
  Progress progress;
  guint32 count;

  if (!parse_options (find_command ("export"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 3)
    return usage_error ("export", "an IMAGE and a DUMP file name are required");
  if (blocks_text && !parse_block_range (blocks_text, &options.start_block, &options.blocks))
    return usage_error ("export", "--blocks takes START,COUNT (COUNT at least 1)");
  problem = resolve_layout (&la, &options.layout);
  if (problem)
    return usage_error ("export", problem);
  options.force = la.force;
  if (!open_image (argv[1], &o, &error))
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  setup_progress (&options, &progress, "export", la.verbose);
  catch_interrupts (&options);
  if (!fm_dump_export_file (o.image, o.desc, &options, argv[2], la.oob_file, &error))
    {
      print_error (error);
      die_if_interrupted ();
      return EXIT_FAILURE;
    }
  format = options.layout.format != FM_DUMP_AUTO ? options.layout.format
         : la.oob_file ? FM_DUMP_SEPARATE : FM_DUMP_INTERLEAVED;
  count = options.blocks ? options.blocks : fm_image_blocks (o.image) - options.start_block;
  range = block_range (options.start_block, count);
  size = format_size (count * fm_dump_block_bytes (o.desc, format));
  /* With the dump on stdout, the summary must not join it. */
  (g_str_equal (argv[2], "-") ? g_printerr : g_print)
    ("exported %s of %s to %s: %s, %s%s%s\n", range, argv[1], argv[2],
     fm_dump_format_to_string (format), size, la.oob_file ? " + OOB file " : "",
     la.oob_file ? la.oob_file : "");
  return EXIT_SUCCESS;
}
