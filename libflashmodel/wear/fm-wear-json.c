/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The wear summary as JSON, for `flashmodel wear --json` and live statistics. */
#include "fm-wear.h"

#include <math.h>

/* TEXT as a JSON string literal: quotes, backslashes and control
 * characters escaped; TEXT must be UTF-8. */
static void
json_string (GString *out, const gchar *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p == '\n')
        g_string_append (out, "\\n");
      else if (*p == '\t')
        g_string_append (out, "\\t");
      else if (*p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* %.17g reads back as the same double; the C locale's decimal point
 * whatever LC_NUMERIC says. JSON has no NaN or infinity: null. DEFINED
 * FALSE: null too. */
static void
json_double (GString *out, gboolean defined, gdouble v)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!defined || !isfinite (v))
    g_string_append (out, "null");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.17g", v));
}

/* "  KEY": STRING-or-null */
static void
json_string_member (GString *out, const gchar *indent, const gchar *key, const gchar *value)
{
  g_string_append_printf (out, "%s\"%s\": ", indent, key);
  if (value)
    json_string (out, value);
  else
    g_string_append (out, "null");
}

static void
json_chip (GString *out, const FmWearTable *t)
{
  g_string_append (out, "  \"chip\": {\n");
  json_string_member (out, "    ", "name", t->chip);
  g_string_append (out, ",\n");
  json_string_member (out, "    ", "vendor", t->vendor);
  g_string_append (out, ",\n");
  json_string_member (out, "    ", "part", t->part);
  g_string_append_printf (out, ",\n    \"blocks\": %u,\n    \"pages_per_block\": %u,\n"
                          "    \"pe_cycles\": %u\n  },\n",
                          t->n_blocks, t->pages_per_block, t->pe_cycles);
}

static void
json_totals (GString *out, const FmWearTable *t)
{
  FmWearTotals s;

  fm_wear_table_totals (t, &s);
  g_string_append_printf (out, "  \"totals\": {\n"
                          "    \"programs\": %" G_GUINT64_FORMAT ",\n"
                          "    \"reads\": %" G_GUINT64_FORMAT ",\n"
                          "    \"bitflips\": %" G_GUINT64_FORMAT ",\n"
                          "    \"ecc_corrected\": %" G_GUINT64_FORMAT ",\n"
                          "    \"ecc_failed\": %" G_GUINT64_FORMAT ",\n"
                          "    \"faults\": %" G_GUINT64_FORMAT "\n  },\n",
                          s.programs, s.reads, s.bitflips, s.ecc_corrected, s.ecc_failed, s.faults);
  g_string_append_printf (out, "  \"bad_blocks\": {\n    \"total\": %u,\n    \"marked\": %u,\n"
                          "    \"factory\": %u,\n    \"worn_out\": %u,\n    \"grown_bad\": %u\n  },\n",
                          s.bad, s.marked_bad, s.factory_bad, s.worn_out, s.grown_bad);
}

gchar *
fm_wear_summary_json (const FmWearTable *t, const FmWearStats *s, const gchar *extra_members)
{
  GString *out = g_string_new ("{\n");

  json_string_member (out, "  ", "image", t->source);
  g_string_append_printf (out, ",\n  \"seed\": %" G_GUINT64_FORMAT ",\n", t->seed);
  json_chip (out, t);
  if (extra_members)
    g_string_append (out, extra_members);
  json_totals (out, t);
  g_string_append_printf (out, "  \"erase_count\": {\n    \"min\": %u,\n    \"max\": %u,\n"
                          "    \"total\": %" G_GUINT64_FORMAT ",\n    \"mean\": ",
                          s->min, s->max, s->total);
  json_double (out, TRUE, s->mean);
  g_string_append (out, ",\n    \"stddev\": ");
  json_double (out, TRUE, s->stddev);
  g_string_append (out, "\n  },\n  \"max_over_mean\": ");
  json_double (out, s->erased, s->max_over_mean);
  g_string_append (out, ",\n  \"coefficient_of_variation\": ");
  json_double (out, s->erased, s->coefficient_of_variation);
  g_string_append_printf (out, ",\n  \"age_ns\": %" G_GUINT64_FORMAT ",\n  \"projected_lifetime_s\": ",
                          s->age_ns);
  json_double (out, s->has_lifetime, s->lifetime_s);
  g_string_append (out, ",\n  \"projected_remaining_s\": ");
  json_double (out, s->has_lifetime, s->remaining_s);
  g_string_append (out, "\n}\n");
  return g_string_free (out, FALSE);
}
