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
  /* Read retry (i21-retry): read_retry_reads and read_retry_ended_at[16]
   * (STAT_ELEM (read_retry_ended_at, 0) ... 15) go here. */
};

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
