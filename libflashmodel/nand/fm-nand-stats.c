/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FmNandStats as a table of named counters (fm-nand-stats.h): one row per
 * field, so a counter added to the struct is shown everywhere by adding
 * its row here.
 */
#include "fm-nand-stats.h"

#include <stddef.h>
#include <string.h>

#define STAT(field) { #field, offsetof (FmNandStats, field) }
/* Element I (a literal) of an array of counters. */
#define STAT_ELEM(field, i) { #field "_" #i, offsetof (FmNandStats, field) + (i) * sizeof (guint64) }

static const struct {
  const gchar *name;
  gsize offset;
} stats[] = {
  STAT (page_reads),
  STAT (page_programs),
  STAT (block_erases),
  STAT (program_failures),
  STAT (erase_failures),
  STAT (read_busy_ns),
  STAT (program_busy_ns),
  STAT (erase_busy_ns),
  STAT (bitflips_injected),
  STAT (ecc_corrected),
  STAT (ecc_failed),
  STAT (read_retry_reads),
  STAT_ELEM (read_retry_ended_at, 0),
  STAT_ELEM (read_retry_ended_at, 1),
  STAT_ELEM (read_retry_ended_at, 2),
  STAT_ELEM (read_retry_ended_at, 3),
  STAT_ELEM (read_retry_ended_at, 4),
  STAT_ELEM (read_retry_ended_at, 5),
  STAT_ELEM (read_retry_ended_at, 6),
  STAT_ELEM (read_retry_ended_at, 7),
  STAT_ELEM (read_retry_ended_at, 8),
  STAT_ELEM (read_retry_ended_at, 9),
  STAT_ELEM (read_retry_ended_at, 10),
  STAT_ELEM (read_retry_ended_at, 11),
  STAT_ELEM (read_retry_ended_at, 12),
  STAT_ELEM (read_retry_ended_at, 13),
  STAT_ELEM (read_retry_ended_at, 14),
  STAT_ELEM (read_retry_ended_at, 15),
};

/* Every counter of FmNandStats has its row (all are guint64). */
G_STATIC_ASSERT (G_N_ELEMENTS (stats) * sizeof (guint64) == sizeof (FmNandStats));
G_STATIC_ASSERT (FM_NAND_MAX_RETRY_LEVELS == 16);

guint
fm_nand_stat_count (void)
{
  return G_N_ELEMENTS (stats);
}

const gchar *
fm_nand_stat_name (guint i)
{
  return i < G_N_ELEMENTS (stats) ? stats[i].name : NULL;
}

guint64
fm_nand_stat_value (const FmNandStats *s, guint i)
{
  guint64 value;

  if (i >= G_N_ELEMENTS (stats))
    return 0;
  memcpy (&value, (const guint8 *) s + stats[i].offset, sizeof value);
  return value;
}
