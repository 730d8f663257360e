/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-wear.h"

#include <math.h>

static void
erase_moments (const FmWearTable *t, FmWearStats *s)
{
  gdouble sq = 0;

  s->min = G_MAXUINT32;
  s->max = 0;
  s->total = 0;
  for (guint32 b = 0; b < s->blocks; b++)
    {
      guint32 e = t->blocks[b].erase_count;

      s->min = MIN (s->min, e);
      s->max = MAX (s->max, e);
      s->total += e;
    }
  s->mean = (gdouble) s->total / s->blocks;
  /* Two passes: the one-pass sum of squares loses precision when the
   * counts are large and close together, which is what good wear
   * leveling looks like. */
  for (guint32 b = 0; b < s->blocks; b++)
    {
      gdouble dev = t->blocks[b].erase_count - s->mean;

      sq += dev * dev;
    }
  s->stddev = sqrt (sq / s->blocks);
}

static void
project_lifetime (FmWearStats *s)
{
  gdouble age_s = s->age_ns / 1e9;

  s->has_lifetime = s->max > 0 && s->age_ns > 0 && s->pe_cycles > 0;
  if (!s->has_lifetime)
    return;
  s->lifetime_s = age_s * s->pe_cycles / s->max;
  s->remaining_s = s->max >= s->pe_cycles ? 0 : s->lifetime_s - age_s;
}

void
fm_wear_stats (const FmWearTable *t, FmWearStats *out)
{
  FmWearStats s = { 0 };

  g_return_if_fail (t->n_blocks > 0);
  s.blocks = t->n_blocks;
  s.age_ns = t->age_ns;
  s.pe_cycles = t->pe_cycles;
  erase_moments (t, &s);
  s.erased = s.total > 0;
  if (s.erased)
    {
      s.max_over_mean = s.max / s.mean;
      s.coefficient_of_variation = s.stddev / s.mean;
    }
  project_lifetime (&s);
  *out = s;
}

guint
fm_wear_histogram (const FmWearTable *t, const FmWearStats *stats, guint n_bins,
                   guint32 *counts, gdouble *width)
{
  guint64 range = (guint64) stats->max - stats->min + 1;

  g_return_val_if_fail (n_bins > 0, 0);
  if (range < n_bins)
    n_bins = range;
  *width = (gdouble) range / n_bins;
  for (guint i = 0; i < n_bins; i++)
    counts[i] = 0;
  for (guint32 b = 0; b < stats->blocks; b++)
    {
      guint64 bin = (t->blocks[b].erase_count - stats->min) / *width;

      counts[MIN (bin, n_bins - 1)]++;
    }
  return n_bins;
}
