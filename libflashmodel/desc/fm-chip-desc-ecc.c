/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The spare layout of a part's on-die ECC ([on-die-ecc] ecc-regions,
 * free-regions, protected-regions): where the chip writes its parity,
 * which spare bytes the host may use (Linux's ooblayout ecc and free
 * regions) and which of those the chip's code also protects. Raw Micron
 * parts that give none get the layout nand_micron.c declares for them.
 */
#include "fm-chip-desc-loader.h"
#include "fm-nand-vendor-toshiba.h"

#include <string.h>

typedef FmDescLoader Loader;

#define SECTOR 512
#define SECTION 16          /* Micron raw parts: spare bytes per sector */

/* One "OFFSET+LENGTH" item. */
static gboolean
parse_region (const gchar *item, FmOobRegion *r)
{
  g_auto (GStrv) parts = g_strsplit (item, "+", -1);
  guint64 offset, length;

  if (g_strv_length (parts) != 2 ||
      !fm_desc_parse_u64 (g_strstrip (parts[0]), &offset) ||
      !fm_desc_parse_u64 (g_strstrip (parts[1]), &length) ||
      offset > FM_CHIP_OOB_SIZE_MAX || length > FM_CHIP_OOB_SIZE_MAX)
    return FALSE;
  r->offset = offset;
  r->length = length;
  return TRUE;
}

gboolean
fm_desc_get_oob_regions (const Loader *ld, const gchar *group, const gchar *key,
                         guint oob_size, FmOobRegion *out, guint *n_out, GError **error)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) items = NULL;
  guint n = 0;

  if (!fm_desc_get_string (ld, group, key, FALSE, 0, &text, error))
    return FALSE;
  if (!text)
    return TRUE;
  items = g_strsplit (text, ";", -1);
  for (guint i = 0; items[i]; i++)
    {
      const gchar *item = g_strstrip (items[i]);
      FmOobRegion r;

      if (*item == '\0')
        continue;
      if (!parse_region (item, &r))
        return fm_desc_fail (ld, error, group, key, "'%s' is not OFFSET+LENGTH", item);
      if (r.length == 0)
        return fm_desc_fail (ld, error, group, key, "'%s' is empty", item);
      if ((guint) r.offset + r.length > oob_size)
        return fm_desc_fail (ld, error, group, key, "'%s' ends past the %u-byte spare area", item, oob_size);
      if (n && r.offset < out[n - 1].offset + out[n - 1].length)
        return fm_desc_fail (ld, error, group, key, "'%s' overlaps or precedes the region before it", item);
      if (n == FM_MAX_OOB_REGIONS)
        return fm_desc_fail (ld, error, group, key, "more than %u regions", FM_MAX_OOB_REGIONS);
      out[n++] = r;
    }
  *n_out = n;
  return TRUE;
}

static guint
total_length (const FmOobRegion *r, guint n)
{
  guint len = 0;

  for (guint i = 0; i < n; i++)
    len += r[i].length;
  return len;
}

static gboolean
in_regions (const FmOobRegion *r, guint n, guint offset)
{
  for (guint i = 0; i < n; i++)
    if (offset >= r[i].offset && offset < (guint) r[i].offset + r[i].length)
      return TRUE;
  return FALSE;
}

/* Appends OFFSET to the last region if it follows it; FALSE when a new
 * region is needed and there is no room. */
static gboolean
add_byte (FmOobRegion *r, guint *n, guint offset)
{
  if (*n && (guint) r[*n - 1].offset + r[*n - 1].length == offset)
    r[*n - 1].length++;
  else if (*n == FM_MAX_OOB_REGIONS)
    return FALSE;
  else
    {
      r[*n].offset = offset;
      r[*n].length = 1;
      (*n)++;
    }
  return TRUE;
}

/*
 * nand_micron.c's layouts: 4-bit parts keep a 16-byte spare section per
 * sector (bytes 0-1 marker/reserved, 2-3 free, 4-7 free and covered by the
 * sector's code, 8-15 parity); 8-bit parts keep 16 parity bytes per sector
 * at the end of the spare area, everything before it from byte 2 free.
 */
static gboolean
micron_layout (const Loader *ld, FmChipDesc *d, GError **error)
{
  FmOobLayout *l = &d->on_die_layout;
  guint sectors = d->page_size / SECTOR;
  gboolean four = d->on_die_ecc_strength == 4;

  if (d->oob_size < SECTION * sectors + (four ? 0 : 2))
    return fm_desc_fail (ld, error, "on-die-ecc", "strength", "%u spare bytes cannot hold 16 per sector", d->oob_size);
  l->n_ecc = l->n_free = l->n_protected = 0;
  for (guint s = 0; s < sectors; s++)
    {
      if (four)
        {
          l->ecc[l->n_ecc++] = (FmOobRegion) { s * SECTION + 8, 8 };
          l->protected[l->n_protected++] = (FmOobRegion) { s * SECTION + 4, 4 };
        }
    }
  if (!four)
    l->ecc[l->n_ecc++] = (FmOobRegion) { d->oob_size - SECTION * sectors, SECTION * sectors };
  /* Linux hands out bytes 2-7 of each section on 4-bit parts, everything
   * before the parity on 8-bit ones. */
  for (guint i = 2; i < d->oob_size; i++)
    if (!in_regions (l->ecc, l->n_ecc, i) && (!four || i % SECTION >= 2) &&
        !add_byte (l->free, &l->n_free, i))
      return fm_desc_fail (ld, error, "on-die-ecc", "strength",
                           "the layout of %u spare bytes needs more than %u free regions",
                           d->oob_size, FM_MAX_OOB_REGIONS);
  return TRUE;
}

/* Every region of A outside every region of B. */
static gboolean
disjoint (const FmOobRegion *a, guint na, const FmOobRegion *b, guint nb)
{
  for (guint i = 0; i < na; i++)
    for (guint j = 0; j < nb; j++)
      if (a[i].offset < b[j].offset + b[j].length && b[j].offset < a[i].offset + a[i].length)
        return FALSE;
  return TRUE;
}

/* Every region of A inside some region of B. */
static gboolean
contained (const FmOobRegion *a, guint na, const FmOobRegion *b, guint nb)
{
  for (guint i = 0; i < na; i++)
    {
      gboolean inside = FALSE;

      for (guint j = 0; j < nb && !inside; j++)
        inside = a[i].offset >= b[j].offset && a[i].offset + a[i].length <= b[j].offset + b[j].length;
      if (!inside)
        return FALSE;
    }
  return TRUE;
}

gboolean
fm_desc_load_oob_layout (const Loader *ld, FmChipDesc *d, GError **error)
{
  const gchar *g = "on-die-ecc";
  FmOobLayout *l = &d->on_die_layout;
  guint sectors = d->page_size / SECTOR;
  gboolean has_ecc = g_key_file_has_key (ld->kf, g, "ecc-regions", NULL);
  gboolean has_free = g_key_file_has_key (ld->kf, g, "free-regions", NULL);

  memset (l, 0, sizeof *l);
  if (d->on_die_ecc_benand)
    {
      if (has_ecc || has_free || g_key_file_has_key (ld->kf, g, "protected-regions", NULL))
        return fm_desc_fail (ld, error, g, has_ecc ? "ecc-regions" : has_free ? "free-regions" : "protected-regions",
                             "not with benand: a BENAND part's layout is Toshiba's");
      fm_nand_vendor_toshiba_benand_layout (d->page_size, d->oob_size, l);
      return TRUE;
    }
  if (!has_ecc && !has_free && !g_key_file_has_key (ld->kf, g, "protected-regions", NULL))
    {
      if (d->type == FM_CHIP_SPI_NAND)
        return fm_desc_fail (ld, error, g, "ecc-regions", "required for SPI NAND parts (Linux's ooblayout ecc regions)");
      return micron_layout (ld, d, error);
    }
  if (!has_free)
    return fm_desc_fail (ld, error, g, "free-regions", "required with ecc-regions");
  /* A part whose parity the host never sees has no ecc regions. */
  if (!fm_desc_get_oob_regions (ld, g, "ecc-regions", d->oob_size, l->ecc, &l->n_ecc, error) ||
      !fm_desc_get_oob_regions (ld, g, "free-regions", d->oob_size, l->free, &l->n_free, error) ||
      !fm_desc_get_oob_regions (ld, g, "protected-regions", d->oob_size, l->protected, &l->n_protected, error))
    return FALSE;
  if (total_length (l->ecc, l->n_ecc) % sectors)
    return fm_desc_fail (ld, error, g, "ecc-regions", "%u parity bytes do not split evenly among %u sectors",
                         total_length (l->ecc, l->n_ecc), sectors);
  if (total_length (l->protected, l->n_protected) % sectors)
    return fm_desc_fail (ld, error, g, "protected-regions", "%u bytes do not split evenly among %u sectors",
                         total_length (l->protected, l->n_protected), sectors);
  if (!disjoint (l->ecc, l->n_ecc, l->free, l->n_free))
    return fm_desc_fail (ld, error, g, "free-regions", "overlaps the ecc regions");
  if (!contained (l->protected, l->n_protected, l->free, l->n_free))
    return fm_desc_fail (ld, error, g, "protected-regions", "must lie in the free regions");
  /* Every layout keeps byte 0 for the bad block marker (the marker
   * offset itself is checked against the layout with [reliability]). */
  if (in_regions (l->free, l->n_free, 0) || in_regions (l->ecc, l->n_ecc, 0))
    return fm_desc_fail (ld, error, g, in_regions (l->free, l->n_free, 0) ? "free-regions" : "ecc-regions",
                         "byte 0 holds the bad block marker");
  return TRUE;
}
