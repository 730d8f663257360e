/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "muse-stats.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

const gchar *const muse_stats_files[] = { "summary.json", "erase_counts.csv", "bad_blocks", NULL };

const gchar *const *
muse_stats_controls (const MuseStatsSource *src)
{
  static const gchar *const mark[] = { "mark", NULL };
  static const gchar *const image[] = { "image", NULL };
  static const gchar *const both[] = { "mark", "image", NULL };
  static const gchar *const none[] = { NULL };

  if (src->journal)
    return src->switch_image ? both : mark;
  return src->switch_image ? image : none;
}

/* The "live" member of summary.json: what 'flashmodel stat --live' shows
 * beyond the image's own summary. */
static gchar *
live_member (const MuseServerCounts *c, const FmNandStats *chip, gint64 started)
{
  gchar uptime[G_ASCII_DTOSTR_BUF_SIZE], busy[G_ASCII_DTOSTR_BUF_SIZE];
  gchar model[G_ASCII_DTOSTR_BUF_SIZE];
  g_autoptr (GString) ended_at = g_string_new (NULL);

  g_ascii_formatd (uptime, sizeof uptime, "%.3f", (g_get_monotonic_time () - started) / 1e6);
  g_ascii_formatd (busy, sizeof busy, "%.6f", c->busy_ns / 1e9);
  g_ascii_formatd (model, sizeof model, "%.6f", c->backend_ns / 1e9);
  for (guint k = 0; k < FM_NAND_MAX_RETRY_LEVELS; k++)
    g_string_append_printf (ended_at, "%s%" G_GUINT64_FORMAT, k ? ", " : "", chip->read_retry_ended_at[k]);
  return g_strdup_printf ("  \"live\": {\n"
                          "    \"server\": \"muse-chip\",\n"
                          "    \"pid\": %d,\n"
                          "    \"state\": \"%s\",\n"
                          "    \"uptime_s\": %s,\n"
                          "    \"busy_s\": %s,\n"
                          "    \"model_s\": %s,\n"
                          "    \"requests\": {\n"
                          "      \"reads\": %" G_GUINT64_FORMAT ",\n"
                          "      \"writes\": %" G_GUINT64_FORMAT ",\n"
                          "      \"erases\": %" G_GUINT64_FORMAT ",\n"
                          "      \"isbad\": %" G_GUINT64_FORMAT ",\n"
                          "      \"markbad\": %" G_GUINT64_FORMAT ",\n"
                          "      \"syncs\": %" G_GUINT64_FORMAT "\n"
                          "    },\n"
                          "    \"read_retry\": {\n"
                          "      \"reads\": %" G_GUINT64_FORMAT ",\n"
                          "      \"ended_at\": [%s]\n"
                          "    }\n  },\n",
                          (int) getpid (), c->inits ? "serving" : "waiting for the kernel", uptime, busy, model,
                          c->reads, c->writes, c->erases, c->isbad, c->markbad, c->syncs,
                          chip->read_retry_reads, ended_at->str);
}

GBytes *
muse_stats_render (const gchar *file, gpointer data)
{
  const MuseStatsSource *src = data;
  g_autoptr (FmWearTable) table = NULL;
  MuseServerCounts counts;
  FmNandStats chip;
  gchar *text;

  /* Copy under the lock, format outside it: the server waits only for
   * the copy. */
  g_mutex_lock (src->lock);
  table = fm_wear_table_new_from_nand (src->desc, src->cells, src->image);
  counts = *muse_server_counts (src->server);
  chip = *fm_nand_stats (src->cells);
  g_mutex_unlock (src->lock);

  if (strcmp (file, "summary.json") == 0)
    {
      g_autofree gchar *live = live_member (&counts, &chip, src->started);
      FmWearStats stats;

      fm_wear_stats (table, &stats);
      text = fm_wear_summary_json (table, &stats, live);
    }
  else if (strcmp (file, "erase_counts.csv") == 0)
    text = fm_wear_table_csv (table);
  else if (strcmp (file, "bad_blocks") == 0)
    text = fm_wear_table_bad_blocks (table);
  else
    return NULL;
  return g_bytes_new_take (text, strlen (text));
}

gint
muse_stats_control (const gchar *file, const gchar *data, gsize len, gpointer source)
{
  const MuseStatsSource *src = source;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *label = NULL;
  gboolean ok;

  /* echo LABEL > mark */
  if (len && data[len - 1] == '\n')
    len--;
  if (strcmp (file, "image") == 0 && src->switch_image)
    {
      g_autofree gchar *path = g_strndup (data, len);

      if (!len || strlen (path) != len)
        return EINVAL;
      return src->switch_image (path, src->switch_data);
    }
  if (strcmp (file, "mark") != 0 || !src->journal)
    return EACCES;
  if (!fm_journal_mark_label_valid (data, len))
    return EINVAL;
  label = g_strndup (data, len);
  /* Under the server's lock: between two requests, after every operation
   * whose reply the kernel has had. Flushed, so that the file holds it
   * even if muse-chip dies next. */
  g_mutex_lock (src->lock);
  ok = fm_journal_writer_mark (src->journal, label, &error) &&
       fm_journal_writer_flush (src->journal, FALSE, &error);
  g_mutex_unlock (src->lock);
  if (!ok)
    {
      g_printerr ("muse-chip: mark: %s\n", error->message);
      return EIO;
    }
  return 0;
}
