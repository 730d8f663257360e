/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel stat: a chip's summary, from an image or, with --live, from
 * the statistics directory of a running muse-chip (--stats-mount).
 */
#include "tool-common.h"
#include "commands.h"
#include "stats-dir.h"

#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the blocks say: the part both forms of the summary share. */
static void
print_block_summary (const FmWearTable *t)
{
  GString *bad_list = g_string_new (NULL);
  FmWearTotals tot;
  FmWearStats es;

  fm_wear_table_totals (t, &tot);
  fm_wear_stats (t, &es);
  for (guint32 b = 0; b < t->n_blocks; b++)
    if (fm_wear_block_is_bad (&t->blocks[b]))
      g_string_append_printf (bad_list, "%s%u", bad_list->len ? " " : "", b);
  g_print ("page programs:    %" G_GUINT64_FORMAT "\n", tot.programs);
  g_print ("page reads:       %" G_GUINT64_FORMAT "\n", tot.reads);
  g_print ("erase counts:     min %u, mean %.2f, max %u, stddev %.2f (total %" G_GUINT64_FORMAT ")\n",
           es.min, es.mean, es.max, es.stddev, es.total);
  if (es.erased)
    g_print ("wear leveling:    max/mean %.3f, coefficient of variation %.3f\n",
             es.max_over_mean, es.coefficient_of_variation);
  else
    g_print ("wear leveling:    n/a (nothing erased)\n");
  g_print ("bit flips:        %" G_GUINT64_FORMAT " injected into reads\n", tot.bitflips);
  g_print ("host ECC:         %" G_GUINT64_FORMAT " bits corrected, %" G_GUINT64_FORMAT " reads uncorrectable\n",
           tot.ecc_corrected, tot.ecc_failed);
  g_print ("injected faults:  %" G_GUINT64_FORMAT " (program/erase failures, grown bad blocks)\n", tot.faults);
  g_print ("chip age:         %.3f s of chip time\n", t->age_ns / 1e9);
  g_print ("bad blocks:       %u marked (%u factory), %u worn out, %u grown bad\n",
           tot.marked_bad, tot.factory_bad, tot.worn_out, tot.grown_bad);
  if (bad_list->len)
    g_print ("bad block list:   %s\n", bad_list->str);
  g_string_free (bad_list, TRUE);
}

static int
stat_image (const gchar *path)
{
  g_auto (OpenedImage) o = { NULL, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmWearTable) table = NULL;
  g_autofree gchar *file_size = NULL;
  g_autofree gchar *disk_size = NULL;
  g_autofree gchar *written = NULL;
  g_autofree gchar *display = g_filename_display_name (path);
  guint64 pages;
  struct stat st;

  if (!open_image (path, &o, &error) || stat (path, &st) < 0)
    {
      if (!error)
        g_set_error (&error, FM_ERROR, FM_ERROR_IO, "%s: %s", display, g_strerror (errno));
      print_error (error);
      return EXIT_FAILURE;
    }
  table = fm_wear_table_new_from_image (o.desc, o.image, display);
  pages = fm_chip_desc_pages (o.desc);
  file_size = format_size (st.st_size);
  disk_size = format_size ((guint64) st.st_blocks * 512);
  written = format_size (fm_image_pages_with_data (o.image) * (o.desc->page_size + o.desc->oob_size));

  g_print ("image:            %s\n", display);
  g_print ("chip:             %s (%s %s)\n", o.desc->name, o.desc->vendor, o.desc->part);
  g_print ("seed:             %" G_GUINT64_FORMAT "\n", fm_image_seed (o.image));
  g_print ("file:             %s apparent, %s on disk\n", file_size, disk_size);
  print_overlay_summary (o.image, o.desc->page_size + o.desc->oob_size);
  g_print ("pages with data:  %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " (%.2f%%, %s)\n",
           fm_image_pages_with_data (o.image), pages,
           100.0 * fm_image_pages_with_data (o.image) / pages, written);
  print_block_summary (table);
  return EXIT_SUCCESS;
}

static gboolean
stat_live_once (const gchar *dir, GError **error)
{
  g_auto (FmLiveInfo) live = { 0 };
  g_autoptr (FmWearTable) table = open_wear_table (dir, &live, error);
  g_autofree gchar *display = g_filename_display_name (dir);

  if (!table)
    return FALSE;
  g_print ("statistics:       %s\n", display);
  g_print ("image:            %s\n", table->source);
  g_print ("chip:             %s (%s %s)\n", table->chip, table->vendor, table->part);
  if (live.present)
    {
      g_print ("server:           %s, pid %" G_GINT64_FORMAT ", %s, up %.1f s\n",
               live.server, live.pid, live.state, live.uptime_s);
      g_print ("server busy:      %.3f s serving requests (%.1f%% of its uptime), %.3f s of it "
               "in the chip model\n", live.busy_s,
               live.uptime_s > 0 ? 100 * live.busy_s / live.uptime_s : 0.0, live.model_s);
      g_print ("requests served:  %" G_GUINT64_FORMAT " reads, %" G_GUINT64_FORMAT " writes, %"
               G_GUINT64_FORMAT " erases, %" G_GUINT64_FORMAT " bad block queries, %"
               G_GUINT64_FORMAT " marks, %" G_GUINT64_FORMAT " syncs\n",
               live.reads, live.writes, live.erases, live.isbad, live.markbad, live.syncs);
      if (live.has_read_retry)
        {
          g_autoptr (GString) ended = g_string_new (NULL);

          for (guint k = 1; k < FM_NAND_MAX_RETRY_LEVELS; k++)
            if (live.read_retry_ended_at[k])
              g_string_append_printf (ended, "%s%u: %" G_GUINT64_FORMAT, ended->len ? ", " : "", k,
                                      live.read_retry_ended_at[k]);
          g_print ("read retry:       %" G_GUINT64_FORMAT " reads at a level above 0; sequences ended at "
                   "level %s\n", live.read_retry_reads, ended->len ? ended->str : "(none)");
        }
    }
  print_block_summary (table);
  return TRUE;
}

static volatile sig_atomic_t interrupted;

static void
on_interrupt (int sig)
{
  (void) sig;
  interrupted = 1;
}

/* Every SECONDS until interrupted or the statistics go away (the server
 * stopped and its mount with it). */
static int
stat_live (const gchar *dir, gdouble seconds)
{
  g_autoptr (GError) error = NULL;
  struct sigaction sa = { 0 };

  if (!stat_live_once (dir, &error))
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  /* Each summary whole as it is printed, for whoever follows the output. */
  fflush (stdout);
  if (seconds <= 0)
    return EXIT_SUCCESS;
  sa.sa_handler = on_interrupt;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  for (;;)
    {
      g_usleep (seconds * G_USEC_PER_SEC);
      if (interrupted)
        return EXIT_SUCCESS;
      g_print ("\n");
      if (!stat_live_once (dir, &error))
        {
          g_autofree gchar *display = g_filename_display_name (dir);

          g_printerr ("flashmodel stat: %s: the statistics went away (%s)\n", display, error->message);
          return EXIT_SUCCESS;
        }
      fflush (stdout);
    }
}

int
cmd_stat (int argc, char **argv)
{
  gboolean live = FALSE;
  gdouble watch = 0;
  GOptionEntry entries[] = {
    { "live", 0, 0, G_OPTION_ARG_NONE, &live, "Read a running muse-chip's statistics directory", NULL },
    { "watch", 'w', 0, G_OPTION_ARG_DOUBLE, &watch, "With --live, print again every SECONDS", "SECONDS" },
    { NULL }
  };

  if (!parse_options (find_command ("stat"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2)
    return usage_error ("stat", live ? "exactly one DIR is required" : "exactly one IMAGE is required");
  if (watch && !live)
    return usage_error ("stat", "--watch goes with --live");
  if (watch < 0 || watch > 86400)
    return usage_error ("stat", "--watch takes seconds between 0 and 86400");
  if (live)
    {
      if (!g_file_test (argv[1], G_FILE_TEST_IS_DIR))
        {
          g_printerr ("flashmodel stat: %s: not a directory (--live reads the directory of "
                      "muse-chip --stats-mount)\n", argv[1]);
          return EXIT_FAILURE;
        }
      return stat_live (argv[1], watch);
    }
  return stat_image (argv[1]);
}
