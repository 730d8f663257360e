/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cell-calibration-data: reads the published measurements the cell model
 * is calibrated against (the CSVs of bench/calibration/) and compares a model
 * value with a published one. The CSVs are data from papers typed in by
 * hand: every field is checked, and a bad one is named with its file and
 * line.
 */
#include "cell-calibration-data.h"

#include "fm-error.h"

#include <math.h>
#include <string.h>

#define CSV_HEADER                                                                                 \
  "part_class,metric,state,pe_cycles,retention_hours,retention_label,"                             \
  "page_type,value,how_obtained,location"
#define CSV_FIELDS          10
#define MAX_FILE_BYTES      (4u << 20)
#define MAX_PE_CYCLES       10000000u
#define MAX_RETENTION_HOURS 1e7 /* over a thousand years */

enum { F_CLASS, F_METRIC, F_STATE, F_PE, F_HOURS, F_LABEL, F_PAGE, F_VALUE, F_HOW, F_LOCATION };
static const gchar *const field_names[CSV_FIELDS] = {
  "part_class",      "metric",    "state", "pe_cycles",    "retention_hours",
  "retention_label", "page_type", "value", "how_obtained", "location",
};
static const gchar *const page_names[] = { "lower", "upper", "extra" };
static const gchar *const state_names[FM_CALIB_MAX_STATES] = {
  "ER", "P1", "P2", "P3", "P4", "P5", "P6", "P7",
};

static void
point_free (gpointer data)
{
  FmCalibPoint *p = data;

  g_free (p->retention_label);
  g_free (p->location);
  g_free (p);
}

void
fm_calib_source_free (FmCalibSource *source)
{
  if (source == NULL)
    return;
  g_free (source->name);
  g_ptr_array_unref (source->points);
  g_free (source);
}

/* A field's value is bad: the message names where and why. */
static gboolean
bad_field (GError **error, const gchar *path, guint line, guint field, const gchar *value,
           const gchar *reason)
{
  g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT, "%s: line %u: field %s: \"%s\": %s", path,
               line, field_names[field], value, reason);
  return FALSE;
}

static gint
lookup (const gchar *value, const gchar *const *names, guint n)
{
  for (guint i = 0; i < n; i++)
    if (strcmp (value, names[i]) == 0)
      return (gint)i;
  return -1;
}

/* A finite number, the whole field. */
static gboolean
parse_double (const gchar *text, gdouble *out)
{
  gchar *end = NULL;

  if (*text == '\0' || g_ascii_isspace (*text))
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' && isfinite (*out);
}

static gboolean
parse_row (gchar **f, const gchar *path, guint line, FmCalibPoint *p, GError **error)
{
  static const gchar *const classes[] = { "slc", "mlc", "tlc" };
  static const gchar *const metrics[] = { "rber", "vt_mean", "vt_sigma" };
  static const gchar *const hows[] = { "table", "text", "figure" };
  guint64 pe = 0;
  gint k;

  if ((k = lookup (f[F_CLASS], classes, G_N_ELEMENTS (classes))) < 0)
    return bad_field (error, path, line, F_CLASS, f[F_CLASS], "not slc, mlc or tlc");
  p->bits = (guint)k + 1;
  if ((k = lookup (f[F_METRIC], metrics, G_N_ELEMENTS (metrics))) < 0)
    return bad_field (error, path, line, F_METRIC, f[F_METRIC], "not rber, vt_mean or vt_sigma");
  p->metric = (FmCalibMetric)k;

  if (strcmp (f[F_STATE], "-") == 0)
    {
      if (p->metric != FM_CALIB_RBER)
        return bad_field (error, path, line, F_STATE, f[F_STATE], "a vt_ metric needs a state");
      p->state = -1;
    }
  else
    {
      if (p->metric == FM_CALIB_RBER)
        return bad_field (error, path, line, F_STATE, f[F_STATE], "rber is not per state: use -");
      if ((p->state = lookup (f[F_STATE], state_names, FM_CALIB_MAX_STATES)) < 0)
        return bad_field (error, path, line, F_STATE, f[F_STATE], "not ER or P1 .. P7");
      if (p->state >= 1 << p->bits)
        return bad_field (error, path, line, F_STATE, f[F_STATE], "beyond the part class's states");
    }

  if (!g_ascii_string_to_unsigned (f[F_PE], 10, 0, MAX_PE_CYCLES, &pe, NULL))
    return bad_field (error, path, line, F_PE, f[F_PE], "not a whole number 0 .. 10000000");
  p->pe_cycles = (guint32)pe;
  if (!parse_double (f[F_HOURS], &p->retention_hours) || p->retention_hours < 0 ||
      p->retention_hours > MAX_RETENTION_HOURS)
    return bad_field (error, path, line, F_HOURS, f[F_HOURS], "not a number of hours 0 .. 1e7");
  if (*f[F_LABEL] == '\0')
    return bad_field (error, path, line, F_LABEL, f[F_LABEL], "empty");

  if (strcmp (f[F_PAGE], "-") == 0)
    {
      p->page_bit = -1;
    }
  else
    {
      if ((p->page_bit = lookup (f[F_PAGE], page_names, G_N_ELEMENTS (page_names))) < 0)
        return bad_field (error, path, line, F_PAGE, f[F_PAGE], "not lower, upper, extra or -");
      if ((guint)p->page_bit >= p->bits)
        return bad_field (error, path, line, F_PAGE, f[F_PAGE], "the part class has no such page");
    }

  if (!parse_double (f[F_VALUE], &p->value))
    return bad_field (error, path, line, F_VALUE, f[F_VALUE], "not a finite number");
  if (p->metric == FM_CALIB_RBER && (p->value < 0 || p->value > 1))
    return bad_field (error, path, line, F_VALUE, f[F_VALUE], "an error rate is 0 .. 1");
  if (p->metric == FM_CALIB_VT_SIGMA && p->value <= 0)
    return bad_field (error, path, line, F_VALUE, f[F_VALUE], "a standard deviation is > 0");

  if ((k = lookup (f[F_HOW], hows, G_N_ELEMENTS (hows))) < 0)
    return bad_field (error, path, line, F_HOW, f[F_HOW], "not table, text or figure");
  p->how = (FmCalibHow)k;
  if (*f[F_LOCATION] == '\0')
    return bad_field (error, path, line, F_LOCATION, f[F_LOCATION], "empty");

  p->retention_label = g_strdup (f[F_LABEL]);
  p->location = g_strdup (f[F_LOCATION]);
  return TRUE;
}

FmCalibSource *
fm_calib_source_load (const gchar *path, GError **error)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) local = NULL;
  gboolean header_seen = FALSE;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s", path, local->message);
      return NULL;
    }
  if (len > MAX_FILE_BYTES || memchr (text, '\0', len) != NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT,
                   "%s: not a calibration CSV (binary, or over %u bytes)", path, MAX_FILE_BYTES);
      return NULL;
    }

  g_autoptr (FmCalibSource) source = g_new0 (FmCalibSource, 1);
  g_autofree gchar *base = g_path_get_basename (path);
  source->name = g_strdup (base);
  source->points = g_ptr_array_new_with_free_func (point_free);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gchar *line = lines[i];
      guint number = i + 1;
      gsize n = strlen (line);

      if (n > 0 && line[n - 1] == '\r')
        line[n - 1] = '\0';
      if (*line == '\0' || *line == '#')
        continue;
      if (!header_seen)
        {
          if (strcmp (line, CSV_HEADER) != 0)
            {
              g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT,
                           "%s: line %u: the header must be \"%s\"", path, number, CSV_HEADER);
              return NULL;
            }
          header_seen = TRUE;
          continue;
        }
      if (strchr (line, '"') != NULL)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT,
                       "%s: line %u: quotes are not part of the format", path, number);
          return NULL;
        }

      g_auto (GStrv) fields = g_strsplit (line, ",", -1);
      guint count = g_strv_length (fields);
      if (count != CSV_FIELDS)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT,
                       "%s: line %u: %u fields, the format has %u (no commas inside a field)", path,
                       number, count, CSV_FIELDS);
          return NULL;
        }
      FmCalibPoint *p = g_new0 (FmCalibPoint, 1);
      if (!parse_row (fields, path, number, p, error))
        {
          point_free (p);
          return NULL;
        }
      p->line = number;
      g_ptr_array_add (source->points, p);
    }

  if (!header_seen)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT, "%s: no header line", path);
      return NULL;
    }
  return g_steal_pointer (&source);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar *const *)a, *(const gchar *const *)b);
}

GPtrArray *
fm_calib_sources_load_dir (const gchar *dir, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) sources =
      g_ptr_array_new_with_free_func ((GDestroyNotify)fm_calib_source_free);
  g_autoptr (GDir) d = NULL;
  g_autoptr (GError) local = NULL;
  const gchar *name;

  if ((d = g_dir_open (dir, 0, &local)) == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s", dir, local->message);
      return NULL;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".csv"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree gchar *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      FmCalibSource *source = fm_calib_source_load (path, error);
      if (source == NULL)
        return NULL;
      g_ptr_array_add (sources, source);
    }
  return g_steal_pointer (&sources);
}

gdouble
fm_calib_ratio (gdouble model, gdouble paper)
{
  if (!isfinite (model) || !isfinite (paper) || model < 0 || paper < 0)
    return INFINITY;
  if (model == 0 && paper == 0)
    return 1.0;
  if (model == 0 || paper == 0)
    return INFINITY;
  return model > paper ? model / paper : paper / model;
}

gboolean
fm_calib_within (gdouble model, gdouble paper, gdouble factor)
{
  return fm_calib_ratio (model, paper) <= factor;
}

const gchar *
fm_calib_page_name (gint page_bit)
{
  return page_bit >= 0 && page_bit < (gint)G_N_ELEMENTS (page_names) ? page_names[page_bit] : "all";
}

const gchar *
fm_calib_state_name (gint state)
{
  return state >= 0 && state < FM_CALIB_MAX_STATES ? state_names[state] : "-";
}
