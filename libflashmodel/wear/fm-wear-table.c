/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-wear-table.h"
#include "fm-error.h"

#include <string.h>

/* The columns of FM_WEAR_CSV_HEADER. */
#define CSV_FIELDS 12

FmWearTable *
fm_wear_table_new (const gchar *source)
{
  FmWearTable *t = g_new0 (FmWearTable, 1);

  t->source = g_strdup (source);
  return t;
}

FmWearTable *
fm_wear_table_new_from_image (const FmChipDesc *desc, FmImage *image, const gchar *source)
{
  FmWearTable *t = fm_wear_table_new (source);

  t->chip = g_strdup (desc->name);
  t->vendor = g_strdup (desc->vendor);
  t->part = g_strdup (desc->part);
  t->seed = fm_image_seed (image);
  t->pages_per_block = fm_image_pages_per_block (image);
  t->pe_cycles = desc->pe_cycles;
  t->age_ns = fm_image_age_ns (image);
  t->n_blocks = fm_image_blocks (image);
  t->blocks = g_new0 (FmWearBlock, t->n_blocks);
  for (guint32 b = 0; b < t->n_blocks; b++)
    {
      const FmBlockMeta *m = fm_image_block (image, b);
      FmWearBlock *w = &t->blocks[b];

      w->erase_count = m->erase_count;
      w->program_count = m->program_count;
      w->read_count = m->read_count;
      w->factory_bad = (m->flags & FM_BLOCK_FACTORY_BAD) != 0;
      w->worn_out = (m->flags & FM_BLOCK_WORN_OUT) != 0;
      w->grown_bad = (m->flags & FM_BLOCK_GROWN_BAD) != 0;
      w->marked_bad = fm_nand_image_block_marked_bad (desc, image, b);
      w->bitflips = m->bitflips;
      w->ecc_corrected = m->ecc_corrected;
      w->ecc_failed = m->ecc_failed;
      w->faults = m->faults;
    }
  return t;
}

FmWearTable *
fm_wear_table_new_from_nand (const FmChipDesc *desc, FmNand *nand, const gchar *source)
{
  FmWearTable *t = fm_wear_table_new_from_image (desc, fm_nand_image (nand), source);

  /* The model keeps its clock to itself until it is freed. */
  t->age_ns = fm_nand_age_ns (nand);
  return t;
}

void
fm_wear_table_free (FmWearTable *t)
{
  if (!t)
    return;
  g_free (t->source);
  g_free (t->chip);
  g_free (t->vendor);
  g_free (t->part);
  g_free (t->blocks);
  g_free (t);
}

gboolean
fm_wear_block_is_bad (const FmWearBlock *w)
{
  return w->factory_bad || w->worn_out || w->grown_bad || w->marked_bad;
}

void
fm_wear_table_totals (const FmWearTable *t, FmWearTotals *out)
{
  FmWearTotals s = { 0 };

  for (guint32 b = 0; b < t->n_blocks; b++)
    {
      const FmWearBlock *w = &t->blocks[b];

      s.programs += w->program_count;
      s.reads += w->read_count;
      s.bitflips += w->bitflips;
      s.ecc_corrected += w->ecc_corrected;
      s.ecc_failed += w->ecc_failed;
      s.faults += w->faults;
      s.factory_bad += w->factory_bad;
      s.worn_out += w->worn_out;
      s.marked_bad += w->marked_bad;
      s.grown_bad += w->grown_bad;
      s.bad += fm_wear_block_is_bad (w);
    }
  *out = s;
}

gchar *
fm_wear_table_csv (const FmWearTable *t)
{
  /* About 40 bytes a row. */
  GString *out = g_string_sized_new (64 + (gsize) t->n_blocks * 40);

  g_string_append (out, FM_WEAR_CSV_HEADER "\n");
  for (guint32 b = 0; b < t->n_blocks; b++)
    {
      const FmWearBlock *w = &t->blocks[b];

      g_string_append_printf (out, "%u,%u,%u,%u,%d,%d,%d,%d,%" G_GUINT64_FORMAT ",%u,%u,%u\n",
                              b, w->erase_count, w->program_count, w->read_count,
                              w->factory_bad, w->worn_out, w->marked_bad, w->grown_bad,
                              w->bitflips, w->ecc_corrected, w->ecc_failed, w->faults);
    }
  return g_string_free (out, FALSE);
}

/* A decimal integer up to MAX, nothing else (no sign, no spaces). */
static gboolean
parse_field (const gchar *text, guint64 max, guint64 *out)
{
  guint64 v = 0;

  if (!*text)
    return FALSE;
  for (const gchar *p = text; *p; p++)
    {
      guint digit = (guint) (*p - '0');

      if (!g_ascii_isdigit (*p) || digit > max || v > (max - digit) / 10)
        return FALSE;
      v = v * 10 + digit;
    }
  *out = v;
  return TRUE;
}

/* NAMES: the header's column names, for messages. */
static gboolean
parse_row (const gchar *line, guint32 expected_block, const gchar *const *names,
           FmWearBlock *w, GError **error)
{
  g_auto (GStrv) f = g_strsplit (line, ",", -1);
  guint64 v[CSV_FIELDS];

  if (g_strv_length (f) != CSV_FIELDS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT, "%u fields instead of %u",
                   g_strv_length (f), CSV_FIELDS);
      return FALSE;
    }
  for (guint i = 0; i < CSV_FIELDS; i++)
    {
      /* Flags are 0 or 1, bitflips 64-bit, the rest 32-bit counters. */
      guint64 max = (i >= 4 && i <= 7) ? 1 : i == 8 ? G_MAXUINT64 : G_MAXUINT32;

      if (!parse_field (f[i], max, &v[i]))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT, "%s: '%s' is not %s", names[i], f[i],
                       max == 1 ? "0 or 1" : "a count");
          return FALSE;
        }
    }
  if (v[0] != expected_block)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT, "block %" G_GUINT64_FORMAT " where block %u belongs",
                   v[0], expected_block);
      return FALSE;
    }
  *w = (FmWearBlock) { (guint32) v[1], (guint32) v[2], (guint32) v[3], v[4], v[5], v[6], v[7],
                       v[8], (guint32) v[9], (guint32) v[10], (guint32) v[11] };
  return TRUE;
}

gboolean
fm_wear_table_read_csv (FmWearTable *t, const gchar *text, const gchar *what, GError **error)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_auto (GStrv) names = g_strsplit (FM_WEAR_CSV_HEADER, ",", -1);
  guint n = g_strv_length (lines);
  g_autofree FmWearBlock *blocks = NULL;
  guint32 n_blocks;

  /* The text ends with a newline: the last piece is empty. */
  if (n < 2 || *lines[n - 1])
    {
      g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT, "%s: %s", what,
                   n < 2 ? "no header line" : "the last line is cut short (no newline)");
      return FALSE;
    }
  if (strcmp (g_strchomp (lines[0]), FM_WEAR_CSV_HEADER) != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT, "%s: line 1 is not the header '%s'",
                   what, FM_WEAR_CSV_HEADER);
      return FALSE;
    }
  n_blocks = n - 2;
  if (!n_blocks)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_STATS_FORMAT, "%s: no blocks", what);
      return FALSE;
    }
  blocks = g_new (FmWearBlock, n_blocks);
  for (guint32 b = 0; b < n_blocks; b++)
    if (!parse_row (g_strchomp (lines[1 + b]), b, (const gchar *const *) names, &blocks[b], error))
      {
        g_prefix_error (error, "%s: line %u: ", what, b + 2);
        return FALSE;
      }
  g_free (t->blocks);
  t->blocks = g_steal_pointer (&blocks);
  t->n_blocks = n_blocks;
  return TRUE;
}

gchar *
fm_wear_table_bad_blocks (const FmWearTable *t)
{
  GString *out = g_string_new (NULL);

  for (guint32 b = 0; b < t->n_blocks; b++)
    {
      const FmWearBlock *w = &t->blocks[b];
      const gchar *sep = " ";

      if (!fm_wear_block_is_bad (w))
        continue;
      g_string_append_printf (out, "%u", b);
#define REASON(cond, name) if (cond) { g_string_append_printf (out, "%s%s", sep, name); sep = ","; }
      REASON (w->factory_bad, "factory");
      REASON (w->worn_out, "worn-out");
      REASON (w->grown_bad, "grown-bad");
      REASON (w->marked_bad, "marked");
#undef REASON
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}
