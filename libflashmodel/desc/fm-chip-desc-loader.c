/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typed key file getters and the schema check shared by the NAND and NOR
 * descriptor loaders (fm-chip-desc-loader.h). */
#include "fm-chip-desc-loader.h"
#include "fm-error.h"

#include <errno.h>
#include <string.h>

gboolean
fm_desc_fail (const FmDescLoader *ld, GError **error, const gchar *group,
              const gchar *key, const gchar *fmt, ...)
{
  g_autofree gchar *reason = NULL;
  va_list ap;

  va_start (ap, fmt);
  reason = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (key)
    g_set_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR, "%s: [%s] %s: %s",
                 ld->origin, group, key, reason);
  else
    g_set_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR, "%s: [%s]: %s",
                 ld->origin, group, reason);
  return FALSE;
}

static const FmDescGroup *
find_group (const gchar *name)
{
  static const FmDescGroup *const families[] = { fm_desc_nand_groups, fm_desc_nor_groups,
                                                  fm_desc_spi_nand_groups };

  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    for (const FmDescGroup *g = families[f]; g->group; g++)
      if (g_str_equal (g->group, name))
        return g;
  return NULL;
}

gboolean
fm_desc_check_schema (const FmDescLoader *ld, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (ld->kf, NULL);

  for (guint i = 0; groups[i]; i++)
    {
      const FmDescGroup *g = find_group (groups[i]);
      g_auto (GStrv) keys = NULL;

      if (!g)
        return fm_desc_fail (ld, error, groups[i], NULL, "unknown group");
      keys = g_key_file_get_keys (ld->kf, groups[i], NULL, NULL);
      for (guint k = 0; keys[k]; k++)
        if (!g_strv_contains (g->keys, keys[k]))
          return fm_desc_fail (ld, error, groups[i], keys[k], "unknown key");
    }
  return TRUE;
}

/* How a group's owners are called in a message. */
static const gchar *
family_name (guint types)
{
  switch (types)
    {
    case FM_DESC_ANY_NAND: return "NAND";
    case FM_DESC_NAND: return "raw NAND";
    case FM_DESC_SPI_NAND: return "spi-nand";
    case FM_DESC_NOR: return "NOR";
    case FM_DESC_CFI: return "nor-cfi";
    case FM_DESC_SPI: return "spi-nor";
    default: return "other";
    }
}

gboolean
fm_desc_check_groups_for_type (const FmDescLoader *ld, FmChipType type, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (ld->kf, NULL);

  for (guint i = 0; groups[i]; i++)
    {
      const FmDescGroup *g = find_group (groups[i]);

      if (g && !(g->types & (1u << type)))
        return fm_desc_fail (ld, error, groups[i], NULL,
                             "a %s group, not allowed in a %s descriptor",
                             family_name (g->types), fm_chip_type_to_string (type));
    }
  return TRUE;
}

/* Returns the trimmed value, NULL when absent (an error if REQUIRED). */
static gchar *
get_raw (const FmDescLoader *ld, const gchar *group, const gchar *key,
         gboolean required, GError **error)
{
  gchar *value = g_key_file_get_value (ld->kf, group, key, NULL);

  if (!value)
    {
      if (required)
        fm_desc_fail (ld, error, group, key, "required key is missing");
      return NULL;
    }
  g_strstrip (value);
  if (*value == '\0')
    {
      g_free (value);
      fm_desc_fail (ld, error, group, key, "empty value");
      return NULL;
    }
  return value;
}

/* get_raw() for getters: FALSE on error, TRUE with *RAW NULL when absent. */
static gboolean
get_raw_checked (const FmDescLoader *ld, const gchar *group, const gchar *key,
                 gboolean required, gchar **raw, GError **error)
{
  GError *local = NULL;

  *raw = get_raw (ld, group, key, required, &local);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_desc_get_string (const FmDescLoader *ld, const gchar *group, const gchar *key,
                    gboolean required, gsize max_len, gchar **out, GError **error)
{
  g_autofree gchar *raw = NULL;

  if (!get_raw_checked (ld, group, key, required, &raw, error))
    return FALSE;
  if (!raw)
    return TRUE;
  if (max_len && strlen (raw) > max_len)
    return fm_desc_fail (ld, error, group, key, "longer than %" G_GSIZE_FORMAT " characters", max_len);
  g_free (*out);
  *out = g_steal_pointer (&raw);
  return TRUE;
}

gboolean
fm_desc_parse_u64 (const gchar *text, guint64 *out)
{
  gchar *end = NULL;
  guint base = 10;

  if (g_str_has_prefix (text, "0x") || g_str_has_prefix (text, "0X"))
    {
      text += 2;
      base = 16;
    }
  if (!g_ascii_isxdigit (*text))
    return FALSE;
  errno = 0;
  *out = g_ascii_strtoull (text, &end, base);
  return errno == 0 && end && *end == '\0';
}

gboolean
fm_desc_get_uint (const FmDescLoader *ld, const gchar *group, const gchar *key,
                  gboolean required, guint64 min, guint64 max, guint64 *out,
                  GError **error)
{
  g_autofree gchar *raw = NULL;
  guint64 v;

  if (!get_raw_checked (ld, group, key, required, &raw, error))
    return FALSE;
  if (!raw)
    return TRUE;
  if (!fm_desc_parse_u64 (raw, &v))
    return fm_desc_fail (ld, error, group, key, "'%s' is not a non-negative integer", raw);
  if (v < min || v > max)
    return fm_desc_fail (ld, error, group, key,
                         "%" G_GUINT64_FORMAT " is out of range [%" G_GUINT64_FORMAT
                         ", %" G_GUINT64_FORMAT "]", v, min, max);
  *out = v;
  return TRUE;
}

gboolean
fm_desc_get_double (const FmDescLoader *ld, const gchar *group, const gchar *key,
                    gboolean required, gdouble min, gdouble max, gdouble *out,
                    GError **error)
{
  g_autofree gchar *raw = NULL;
  gchar *end = NULL;
  gdouble v;

  if (!get_raw_checked (ld, group, key, required, &raw, error))
    return FALSE;
  if (!raw)
    return TRUE;
  v = g_ascii_strtod (raw, &end);
  if (!end || *end != '\0' || v != v)
    return fm_desc_fail (ld, error, group, key, "'%s' is not a number", raw);
  if (v < min || v > max)
    return fm_desc_fail (ld, error, group, key, "%g is out of range [%g, %g]", v, min, max);
  *out = v;
  return TRUE;
}

gboolean
fm_desc_get_bool (const FmDescLoader *ld, const gchar *group, const gchar *key,
                  gboolean required, gboolean *out, GError **error)
{
  g_autofree gchar *raw = NULL;

  if (!get_raw_checked (ld, group, key, required, &raw, error))
    return FALSE;
  if (!raw)
    return TRUE;
  if (g_str_equal (raw, "true"))
    *out = TRUE;
  else if (g_str_equal (raw, "false"))
    *out = FALSE;
  else
    return fm_desc_fail (ld, error, group, key, "'%s' is not true or false", raw);
  return TRUE;
}

/* The non-empty items of a ';' list, stripped. */
static GStrv
split_list (const gchar *raw)
{
  g_auto (GStrv) items = g_strsplit (raw, ";", -1);
  GPtrArray *kept = g_ptr_array_new ();

  for (guint i = 0; items[i]; i++)
    if (*g_strstrip (items[i]))
      g_ptr_array_add (kept, g_strdup (items[i]));
  g_ptr_array_add (kept, NULL);
  return (GStrv) g_ptr_array_free (kept, FALSE);
}

gboolean
fm_desc_get_flags (const FmDescLoader *ld, const gchar *group, const gchar *key,
                   gboolean required, const FmDescFlagName *table, guint *out,
                   GError **error)
{
  g_autofree gchar *raw = NULL;
  g_auto (GStrv) items = NULL;
  guint flags = 0;

  if (!get_raw_checked (ld, group, key, required, &raw, error))
    return FALSE;
  if (!raw)
    return TRUE;
  items = split_list (raw);
  for (guint i = 0; items[i]; i++)
    {
      const gchar *item = items[i];
      const FmDescFlagName *f;

      for (f = table; f->name; f++)
        if (g_str_equal (f->name, item))
          break;
      if (!f->name)
        return fm_desc_fail (ld, error, group, key, "unknown value '%s'", item);
      flags |= f->value;
    }
  *out = flags;
  return TRUE;
}

/* A ';' list of numbers up to MAX. BARE_HEX: written without 0x. NOUN
 * ("a byte"): what every item must be, for the message; NULL: any
 * non-negative integer up to MAX. */
static gboolean
get_number_list (const FmDescLoader *ld, const gchar *group, const gchar *key,
                 gboolean required, gboolean bare_hex, const gchar *noun, guint64 max,
                 guint min_n, guint max_n, guint64 *out, guint *n_out, GError **error)
{
  g_autofree gchar *raw = NULL;
  g_auto (GStrv) items = NULL;
  guint n = 0;

  if (!get_raw_checked (ld, group, key, required, &raw, error))
    return FALSE;
  if (!raw)
    return TRUE;
  items = split_list (raw);
  for (guint i = 0; items[i]; i++)
    {
      const gchar *item = items[i];
      g_autofree gchar *prefixed = NULL;
      guint64 v;

      if (bare_hex && !g_str_has_prefix (item, "0x"))
        item = prefixed = g_strconcat ("0x", item, NULL);
      if (!fm_desc_parse_u64 (item, &v) || (noun && v > max))
        return fm_desc_fail (ld, error, group, key, "'%s' is not %s", items[i],
                             noun ? noun : "a non-negative integer");
      if (v > max)
        return fm_desc_fail (ld, error, group, key, "%s is above %" G_GUINT64_FORMAT, item, max);
      if (n == max_n)
        return fm_desc_fail (ld, error, group, key, "more than %u values", max_n);
      out[n++] = v;
    }
  if (n < min_n)
    return fm_desc_fail (ld, error, group, key, "needs at least %u values", min_n);
  *n_out = n;
  return TRUE;
}

gboolean
fm_desc_get_uint_list (const FmDescLoader *ld, const gchar *group, const gchar *key,
                       gboolean required, guint64 max, guint min_n, guint max_n,
                       guint64 *out, guint *n_out, GError **error)
{
  return get_number_list (ld, group, key, required, FALSE, NULL, max, min_n, max_n,
                          out, n_out, error);
}

gboolean
fm_desc_get_bytes (const FmDescLoader *ld, const gchar *group, const gchar *key,
                   gboolean required, gboolean bare_hex, guint min_n, guint max_n,
                   guint8 *out, guint *n_out, GError **error)
{
  g_autofree guint64 *values = g_new (guint64, max_n);
  guint n = G_MAXUINT; /* stays so when the key is absent */

  if (!get_number_list (ld, group, key, required, bare_hex, "a byte", 0xff, min_n, max_n,
                        values, &n, error))
    return FALSE;
  if (n == G_MAXUINT)
    return TRUE;
  for (guint i = 0; i < n; i++)
    out[i] = (guint8) values[i];
  *n_out = n;
  return TRUE;
}

gboolean
fm_desc_get_double_list (const FmDescLoader *ld, const gchar *group, const gchar *key,
                         gboolean required, gdouble min, gdouble max, guint n,
                         gdouble *out, GError **error)
{
  g_autofree gchar *raw = NULL;
  g_auto (GStrv) items = NULL;
  gdouble values[64];

  g_return_val_if_fail (n <= G_N_ELEMENTS (values), FALSE);
  if (!get_raw_checked (ld, group, key, required, &raw, error))
    return FALSE;
  if (!raw)
    return TRUE;
  items = split_list (raw);
  if (g_strv_length (items) != n)
    return fm_desc_fail (ld, error, group, key, "%u values, not %u", g_strv_length (items), n);
  for (guint i = 0; i < n; i++)
    {
      gchar *end = NULL;

      values[i] = g_ascii_strtod (items[i], &end);
      if (!end || *end != '\0' || values[i] != values[i])
        return fm_desc_fail (ld, error, group, key, "'%s' is not a number", items[i]);
      if (values[i] < min || values[i] > max)
        return fm_desc_fail (ld, error, group, key, "%g is out of range [%g, %g]", values[i], min, max);
    }
  memcpy (out, values, n * sizeof *out);
  return TRUE;
}

gboolean
fm_desc_get_op_time (const FmDescLoader *ld, const gchar *group, const gchar *prefix,
                     const gchar *unit, gboolean required, FmOpTime *out,
                     GError **error)
{
  g_autofree gchar *typ_key = g_strdup_printf ("%s-typ-%s", prefix, unit);
  g_autofree gchar *max_key = g_strdup_printf ("%s-max-%s", prefix, unit);
  gdouble ns_per_unit = g_str_equal (unit, "ms") ? 1e6 : 1e3;
  gdouble typ = -1, max = -1;

  if (!fm_desc_get_double (ld, group, typ_key, required, 0.001, 1e7, &typ, error) ||
      !fm_desc_get_double (ld, group, max_key, required || typ >= 0, 0.001, 1e7, &max, error))
    return FALSE;
  if (typ < 0 && max >= 0)
    return fm_desc_fail (ld, error, group, typ_key, "required when %s is given", max_key);
  if (typ < 0)
    return TRUE;
  if (max < typ)
    return fm_desc_fail (ld, error, group, max_key, "%g is below the typical %g", max, typ);
  out->typ_ns = (guint64) (typ * ns_per_unit + 0.5);
  out->max_ns = (guint64) (max * ns_per_unit + 0.5);
  return TRUE;
}
