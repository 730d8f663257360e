/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-cut-id.h"
#include "fm-error.h"

#include <errno.h>
#include <string.h>

const gchar *
fm_cut_to_string (const FmCut *cut)
{
  if (cut->kind == FM_CUT_CLEAN)
    return "clean";
  if (cut->variant == FM_TORN_SEEDED)
    return "torn";
  return fm_torn_variant_to_string (cut->variant);
}

gboolean
fm_cut_from_string (const gchar *text, FmCut *cut, GError **error)
{
  FmTornVariant variant;

  if (g_strcmp0 (text, "clean") == 0 || g_strcmp0 (text, "torn") == 0)
    {
      cut->kind = g_str_equal (text, "clean") ? FM_CUT_CLEAN : FM_CUT_TORN;
      cut->variant = FM_TORN_SEEDED;
      return TRUE;
    }
  /* "seeded" is spelled "torn" in IDs: one name for one image. */
  if (g_strcmp0 (text, "seeded") == 0 ||
      !fm_torn_variant_from_string (text, &variant, NULL))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "'%s' is not a cut (clean, torn, somebits, mostbits, unstable, lowerpage, "
                   "partly-erased, mostly-erased)", text);
      return FALSE;
    }
  cut->kind = FM_CUT_TORN;
  cut->variant = variant;
  return TRUE;
}

/* clean, then torn variants in their order. */
static guint
cut_rank (const FmCut *cut)
{
  return cut->kind == FM_CUT_CLEAN ? 0 : 1 + cut->variant;
}

gint
fm_cut_compare (const FmCut *a, const FmCut *b)
{
  guint x = cut_rank (a), y = cut_rank (b);

  return x < y ? -1 : x > y;
}

gchar *
fm_cut_id_to_string (const FmCutId *id)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < id->depth; i++)
    g_string_append_printf (s, "%s%s@%" G_GUINT64_FORMAT ":%s", i ? "/" : "",
                            id->level[i].journal, id->level[i].point.seq,
                            fm_cut_to_string (&id->level[i].point.cut));
  if (id->tear_seed)
    g_string_append_printf (s, "+%" G_GUINT64_FORMAT, id->tear_seed);
  return g_string_free (s, FALSE);
}

/* IDs come from anyone: messages show them escaped. */
static gboolean
invalid (GError **error, const gchar *text, const gchar *why)
{
  g_autofree gchar *shown = g_strescape (text, NULL);

  g_set_error (error, FM_ERROR, FM_ERROR_INVALID, "cut ID '%s': %s", shown, why);
  return FALSE;
}

/* Decimal digits only, no sign, no leading zero, within 64 bits. */
static gboolean
parse_decimal (const gchar *text, guint64 *out)
{
  gchar *end = NULL;

  if (!g_ascii_isdigit (text[0]) || (text[0] == '0' && text[1]))
    return FALSE;
  errno = 0;
  *out = g_ascii_strtoull (text, &end, 10);
  return errno == 0 && end && *end == '\0';
}

static gboolean
parse_level (const gchar *id_text, const gchar *text, FmCutIdLevel *level, GError **error)
{
  const gchar *at = strchr (text, '@');
  const gchar *colon = at ? strchr (at, ':') : NULL;
  g_autofree gchar *seq = NULL;

  if (!at || !colon)
    return invalid (error, id_text, "each level is DIGEST@OP:CUT");
  if (at - text != FM_CUT_ID_DIGEST_CHARS)
    return invalid (error, id_text, "a journal digest is 8 hex digits");
  for (guint i = 0; i < FM_CUT_ID_DIGEST_CHARS; i++)
    if (!g_ascii_isxdigit (text[i]))
      return invalid (error, id_text, "a journal digest is 8 hex digits");
    else
      level->journal[i] = g_ascii_tolower (text[i]);
  level->journal[FM_CUT_ID_DIGEST_CHARS] = '\0';
  seq = g_strndup (at + 1, colon - at - 1);
  if (!parse_decimal (seq, &level->point.seq) || level->point.seq == 0)
    return invalid (error, id_text, "the operation is a decimal number from 1");
  if (!fm_cut_from_string (colon + 1, &level->point.cut, NULL))
    return invalid (error, id_text, "the cut is one of clean, torn, somebits, mostbits, unstable, "
                    "lowerpage, partly-erased, mostly-erased");
  return TRUE;
}

gboolean
fm_cut_id_parse (const gchar *text, FmCutId *id, GError **error)
{
  g_autofree gchar *copy = NULL;
  g_auto (GStrv) levels = NULL;
  gchar *plus;

  memset (id, 0, sizeof *id);
  if (strlen (text) > FM_CUT_ID_MAX_LEN)
    {
      g_autofree gchar *start = g_strndup (text, 40);

      return invalid (error, start, "longer than " G_STRINGIFY (FM_CUT_ID_MAX_LEN) " characters");
    }
  copy = g_strdup (text);
  plus = strchr (copy, '+');
  if (plus)
    {
      *plus = '\0';
      if (!parse_decimal (plus + 1, &id->tear_seed) || id->tear_seed == 0)
        return invalid (error, text, "the tear seed after '+' is a decimal number from 1");
    }
  levels = g_strsplit (copy, "/", -1);
  id->depth = g_strv_length (levels);
  if (id->depth < 1 || id->depth > FM_CUT_ID_MAX_DEPTH)
    return invalid (error, text, "an ID has one level, or two separated by '/'");
  for (guint i = 0; i < id->depth; i++)
    if (!parse_level (text, levels[i], &id->level[i], error))
      return FALSE;
  return TRUE;
}

static gint
compare_point (const FmCutPoint *a, const FmCutPoint *b)
{
  if (a->seq != b->seq)
    return a->seq < b->seq ? -1 : 1;
  return fm_cut_compare (&a->cut, &b->cut);
}

gint
fm_cut_id_compare (const FmCutId *a, const FmCutId *b)
{
  gint c = compare_point (&a->level[0].point, &b->level[0].point);

  if (c)
    return c;
  if (a->depth != b->depth)
    return a->depth < b->depth ? -1 : 1;
  return a->depth > 1 ? compare_point (&a->level[1].point, &b->level[1].point) : 0;
}

gboolean
fm_file_digest (const gchar *path, guint8 out[FM_DIGEST_SIZE], GError **error)
{
  g_autoptr (GMappedFile) map = NULL;
  g_autoptr (GError) local = NULL;

  map = g_mapped_file_new (path, FALSE, &local);
  if (!map)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  fm_digest ((const guint8 *) g_mapped_file_get_contents (map), g_mapped_file_get_length (map), out);
  return TRUE;
}

void
fm_cut_id_short_digest (const guint8 digest[FM_DIGEST_SIZE], gchar out[FM_CUT_ID_DIGEST_CHARS + 1])
{
  g_autofree gchar *hex = fm_digest_to_hex (digest);

  memcpy (out, hex, FM_CUT_ID_DIGEST_CHARS);
  out[FM_CUT_ID_DIGEST_CHARS] = '\0';
}
