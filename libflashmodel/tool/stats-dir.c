/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "stats-dir.h"
#include "tool-common.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

void
fm_live_info_clear (FmLiveInfo *live)
{
  g_free (live->server);
  g_free (live->state);
  *live = (FmLiveInfo) { 0 };
}

/* ---- typed members, with errors that say where ---------------------------- */

typedef struct {
  const gchar *file;          /* for messages */
  GError **error;
  gboolean failed;            /* the first error is kept; later reads are no-ops */
} Reader;

static JsonNode *
member (Reader *r, JsonObject *obj, const gchar *path, const gchar *name, gboolean nullable)
{
  JsonNode *node;

  if (r->failed)
    return NULL;
  node = obj ? json_object_get_member (obj, name) : NULL;
  if (!node || (JSON_NODE_HOLDS_NULL (node) && !nullable))
    {
      g_set_error (r->error, FM_ERROR, FM_ERROR_STATS_FORMAT, "%s: no %s%s%s", r->file,
                   path ? path : "", path ? "." : "", name);
      r->failed = TRUE;
      return NULL;
    }
  return node;
}

static void
type_error (Reader *r, const gchar *path, const gchar *name, const gchar *what)
{
  g_set_error (r->error, FM_ERROR, FM_ERROR_STATS_FORMAT, "%s: %s%s%s is not %s", r->file,
               path ? path : "", path ? "." : "", name, what);
  r->failed = TRUE;
}

static guint64
get_uint (Reader *r, JsonObject *obj, const gchar *path, const gchar *name, guint64 max)
{
  JsonNode *node = member (r, obj, path, name, FALSE);

  if (!node)
    return 0;
  if (json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < 0 ||
      (guint64) json_node_get_int (node) > max)
    {
      type_error (r, path, name, "a count");
      return 0;
    }
  return json_node_get_int (node);
}

static gdouble
get_double (Reader *r, JsonObject *obj, const gchar *path, const gchar *name)
{
  JsonNode *node = member (r, obj, path, name, FALSE);
  GType type = node ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (!node)
    return 0;
  if (type == G_TYPE_INT64)
    return json_node_get_int (node);
  if (type != G_TYPE_DOUBLE)
    {
      type_error (r, path, name, "a number");
      return 0;
    }
  return json_node_get_double (node);
}

/* A string, or NULL for null when NULLABLE. */
static gchar *
get_string (Reader *r, JsonObject *obj, const gchar *path, const gchar *name, gboolean nullable)
{
  JsonNode *node = member (r, obj, path, name, nullable);

  if (!node || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    {
      type_error (r, path, name, "a string");
      return NULL;
    }
  return g_strdup (json_node_get_string (node));
}

static JsonObject *
get_object (Reader *r, JsonObject *obj, const gchar *name)
{
  JsonNode *node = member (r, obj, NULL, name, FALSE);

  if (!node)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      type_error (r, NULL, name, "an object");
      return NULL;
    }
  return json_node_get_object (node);
}

/* ---- the directory --------------------------------------------------------- */

/* PATH's whole content, read until end of file: a live file's size (what
 * stat says) can change between the stat and the open, so it is no guide
 * to how much there is to read (g_file_get_contents trusts it). */
static gboolean
read_whole (const gchar *path, gchar **text, gsize *len, GError **error)
{
  GString *out;
  gchar buf[65536];
  gssize n;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  out = g_string_new (NULL);
  while ((n = read (fd, buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "reading %s: %s",
                       path, g_strerror (saved));
          g_string_free (out, TRUE);
          close (fd);
          return FALSE;
        }
      g_string_append_len (out, buf, n);
    }
  close (fd);
  *len = out->len;
  *text = g_string_free (out, FALSE);
  return TRUE;
}

/* live.read_retry, optional (muse-chip before read retry had none):
 * reads, and ended_at, one count per level. */
static void
read_live_read_retry (Reader *r, JsonObject *live_obj, FmLiveInfo *live)
{
  JsonNode *node, *ended;
  JsonObject *rr;
  JsonArray *levels;

  if (r->failed || !json_object_has_member (live_obj, "read_retry"))
    return;
  node = member (r, live_obj, "live", "read_retry", FALSE);
  if (node && !JSON_NODE_HOLDS_OBJECT (node))
    {
      type_error (r, "live", "read_retry", "an object");
      return;
    }
  if (!node)
    return;
  rr = json_node_get_object (node);
  live->read_retry_reads = get_uint (r, rr, "live.read_retry", "reads", G_MAXINT64);
  ended = member (r, rr, "live.read_retry", "ended_at", FALSE);
  if (!ended)
    return;
  if (!JSON_NODE_HOLDS_ARRAY (ended) ||
      json_array_get_length (levels = json_node_get_array (ended)) != FM_NAND_MAX_RETRY_LEVELS)
    {
      type_error (r, "live.read_retry", "ended_at", "an array of " G_STRINGIFY (FM_NAND_MAX_RETRY_LEVELS) " counts");
      return;
    }
  for (guint k = 0; k < FM_NAND_MAX_RETRY_LEVELS; k++)
    {
      JsonNode *n = json_array_get_element (levels, k);

      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 || json_node_get_int (n) < 0)
        {
          type_error (r, "live.read_retry", "ended_at", "an array of " G_STRINGIFY (FM_NAND_MAX_RETRY_LEVELS) " counts");
          return;
        }
      live->read_retry_ended_at[k] = json_node_get_int (n);
    }
  live->has_read_retry = TRUE;
}

static void
read_live (Reader *r, JsonObject *root, FmLiveInfo *live)
{
  JsonObject *obj, *req = NULL;

  if (!json_object_has_member (root, "live"))
    return;
  obj = get_object (r, root, "live");
  live->present = TRUE;
  live->server = get_string (r, obj, "live", "server", FALSE);
  live->state = get_string (r, obj, "live", "state", FALSE);
  live->pid = get_uint (r, obj, "live", "pid", G_MAXINT64);
  live->uptime_s = get_double (r, obj, "live", "uptime_s");
  live->busy_s = get_double (r, obj, "live", "busy_s");
  live->model_s = get_double (r, obj, "live", "model_s");
  {
    JsonNode *node = member (r, obj, "live", "requests", FALSE);

    if (node && !JSON_NODE_HOLDS_OBJECT (node))
      type_error (r, "live", "requests", "an object");
    else if (node)
      req = json_node_get_object (node);
  }
  live->reads = get_uint (r, req, "live.requests", "reads", G_MAXINT64);
  live->writes = get_uint (r, req, "live.requests", "writes", G_MAXINT64);
  live->erases = get_uint (r, req, "live.requests", "erases", G_MAXINT64);
  live->isbad = get_uint (r, req, "live.requests", "isbad", G_MAXINT64);
  live->markbad = get_uint (r, req, "live.requests", "markbad", G_MAXINT64);
  live->syncs = get_uint (r, req, "live.requests", "syncs", G_MAXINT64);
  read_live_read_retry (r, obj, live);
}

static FmWearTable *
read_summary (const gchar *path, FmLiveInfo *live, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree gchar *dir = g_path_get_dirname (path);
  Reader r = { path, error, FALSE };
  g_autoptr (FmWearTable) t = NULL;
  g_autofree gchar *image = NULL;
  g_autofree gchar *text = NULL;
  gsize len;
  JsonObject *root, *chip;

  /* Read, not mapped: a live file's size is only known by reading it. */
  if (!read_whole (path, &text, &len, error))
    {
      if (g_error_matches (*error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_clear_error (error);
          g_set_error (error, FM_ERROR, FM_ERROR_IO,
                       "%s has no %s: not a statistics directory (is muse-chip running with "
                       "--stats-mount %s?)", dir, STATS_SUMMARY, dir);
        }
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, len, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT, "%s: not a JSON object", path);
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  image = get_string (&r, root, NULL, "image", TRUE);
  /* Reports name the image when there is one, else the directory. */
  t = fm_wear_table_new (image ? image : dir);
  t->seed = get_uint (&r, root, NULL, "seed", G_MAXINT64);
  t->age_ns = get_uint (&r, root, NULL, "age_ns", G_MAXINT64);
  chip = get_object (&r, root, "chip");
  t->chip = get_string (&r, chip, "chip", "name", FALSE);
  t->vendor = get_string (&r, chip, "chip", "vendor", FALSE);
  t->part = get_string (&r, chip, "chip", "part", FALSE);
  t->n_blocks = get_uint (&r, chip, "chip", "blocks", G_MAXUINT32);
  t->pages_per_block = get_uint (&r, chip, "chip", "pages_per_block", G_MAXUINT32);
  t->pe_cycles = get_uint (&r, chip, "chip", "pe_cycles", G_MAXUINT32);
  if (live && !r.failed)
    read_live (&r, root, live);
  return r.failed ? NULL : g_steal_pointer (&t);
}

static FmWearTable *
read_stats_dir (const gchar *dir, FmLiveInfo *live, GError **error)
{
  g_autofree gchar *summary = g_build_filename (dir, STATS_SUMMARY, NULL);
  g_autofree gchar *csv_path = g_build_filename (dir, STATS_BLOCKS, NULL);
  g_autofree gchar *csv = NULL;
  g_autoptr (FmWearTable) t = read_summary (summary, live, error);
  guint32 blocks;
  gsize len;

  if (!t)
    return NULL;
  blocks = t->n_blocks;
  if (!read_whole (csv_path, &csv, &len, error) ||
      !fm_wear_table_read_csv (t, csv, csv_path, error))
    return NULL;
  if (t->n_blocks != blocks)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT, "%s has %u blocks, %s says the chip has %u",
                   csv_path, t->n_blocks, summary, blocks);
      return NULL;
    }
  return g_steal_pointer (&t);
}

FmWearTable *
open_wear_table (const gchar *path, FmLiveInfo *live, GError **error)
{
  g_auto (OpenedImage) o = { NULL, NULL };
  g_autofree gchar *display = g_filename_display_name (path);

  if (live)
    *live = (FmLiveInfo) { 0 };
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return read_stats_dir (path, live, error);
  if (!open_image (path, &o, error))
    return NULL;
  return fm_wear_table_new_from_image (o.desc, o.image, display);
}
