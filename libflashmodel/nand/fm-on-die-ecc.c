/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A chip's own ECC over the descriptor's spare layout (FmOobLayout): the
 * parity of sector s fills the s-th equal share of the ecc regions' bytes,
 * and the sector's code covers its 512 data bytes and its share of the
 * protected regions. See fm-on-die-ecc.h for the codes.
 */
#include "fm-on-die-ecc.h"
#include "fm-ecc-bch.h"

#include <string.h>

#define SECTOR FM_ON_DIE_ECC_SECTOR
#define WIDE_STEP 1024      /* GF(2^14): sector + protected bytes, padded */
#define NARROW_STEP 512     /* GF(2^13): the sector alone */

typedef enum {
  CODE_WIDE,    /* BCH over GF(2^14), the step padded to 1024 bytes */
  CODE_NARROW,  /* BCH over GF(2^13) on the 512 data bytes */
  CODE_HIDDEN,  /* parity the host cannot see (fm-on-die-ecc.h) */
} CodeKind;

struct _FmOnDieEcc {
  const FmChipDesc *desc;
  CodeKind kind;
  FmBch *bch;             /* the visible parity (all of it unless hidden) */
  guint sectors;
  guint share;            /* visible parity bytes per sector */
  guint protected_share;  /* protected spare bytes per sector */
  gboolean secded;        /* a 1-bit code with an overall parity byte */
  guint16 *ecc_map;       /* spare offsets: sector 0's share, then 1's ... */
  guint16 *protected_map;
  guint8 step[WIDE_STEP]; /* sector data, protected spare, 0xFF padding */
  guint8 parity[FM_BCH_MAX_ECC_BYTES];
};

/* The offsets of REGIONS' bytes, in order; their number in *N. */
static guint16 *
region_map (const FmOobRegion *regions, guint n_regions, guint *n)
{
  guint16 *map;

  *n = 0;
  for (guint i = 0; i < n_regions; i++)
    *n += regions[i].length;
  map = g_new (guint16, MAX (*n, 1u));
  *n = 0;
  for (guint i = 0; i < n_regions; i++)
    for (guint b = 0; b < regions[i].length; b++)
      map[(*n)++] = regions[i].offset + b;
  return map;
}

static guint
bytes_for (guint m, guint t)
{
  return (m * t + 7) / 8;
}

FmOnDieEcc *
fm_on_die_ecc_new (const FmChipDesc *desc)
{
  const FmOobLayout *l = &desc->on_die_layout;
  guint t = desc->on_die_ecc_strength;
  FmOnDieEcc *e;
  guint n;

  if (!t)
    return NULL;
  e = g_new0 (FmOnDieEcc, 1);
  e->desc = desc;
  e->sectors = desc->page_size / SECTOR;
  e->ecc_map = region_map (l->ecc, l->n_ecc, &n);
  e->share = n / e->sectors;
  e->protected_map = region_map (l->protected, l->n_protected, &n);
  e->protected_share = n / e->sectors;
  /* The descriptor loader split both evenly and allowed strengths these
   * codes take: 8 * 1024 + 14 * t fits GF(2^14), 8 * 512 + 13 * t GF(2^13). */
  if (e->share >= bytes_for (14, t) && e->protected_share <= WIDE_STEP - SECTOR)
    e->kind = CODE_WIDE;
  else if (e->share >= bytes_for (13, t) && e->protected_share == 0)
    e->kind = CODE_NARROW;
  else
    e->kind = CODE_HIDDEN;
  e->bch = e->kind == CODE_NARROW ? fm_bch_new (NARROW_STEP, t, 13, NULL)
                                  : fm_bch_new (WIDE_STEP, t, 14, NULL);
  g_assert (e->bch);
  /* A 1-bit code alone "corrects" many double errors into wrong data,
   * where the parts (Winbond's ECC-1:0 = 10) report them uncorrectable:
   * extend it with an overall parity bit (SEC-DED), in the byte after the
   * BCH parity when the share has one. */
  e->secded = t == 1 && e->kind != CODE_HIDDEN && e->share > fm_bch_ecc_bytes (e->bch);
  return e;
}

void
fm_on_die_ecc_free (FmOnDieEcc *e)
{
  if (!e)
    return;
  fm_bch_free (e->bch);
  g_free (e->ecc_map);
  g_free (e->protected_map);
  g_free (e);
}

gboolean
fm_on_die_ecc_parity_hidden (const FmOnDieEcc *e)
{
  return e->kind == CODE_HIDDEN;
}

/* Spare offset of sector S's I-th parity or protected byte. */
static guint
parity_at (const FmOnDieEcc *e, guint s, guint i)
{
  return e->desc->page_size + e->ecc_map[s * e->share + i];
}

static guint
protected_at (const FmOnDieEcc *e, guint s, guint i)
{
  return e->desc->page_size + e->protected_map[s * e->protected_share + i];
}

/* The code word's message for sector S: its data and protected spare
 * bytes, padded with 0xFF so that an erased sector is an erased step. */
static void
load_step (FmOnDieEcc *e, const guint8 *page, guint s)
{
  /* A hidden code's visible parity covers what fits the step. */
  guint n = MIN (e->protected_share, sizeof e->step - SECTOR);

  memset (e->step, 0xff, sizeof e->step);
  memcpy (e->step, page + s * SECTOR, SECTOR);
  for (guint i = 0; i < n; i++)
    e->step[SECTOR + i] = page[protected_at (e, s, i)];
}

/* The parity of every bit of the step and of its N parity bytes. */
static guint
overall_parity (const FmOnDieEcc *e, guint n)
{
  guint8 x = 0;

  for (guint i = 0; i < sizeof e->step; i++)
    x ^= e->step[i];
  for (guint i = 0; i < n; i++)
    x ^= e->parity[i];
  return __builtin_parity (x);
}

void
fm_on_die_ecc_encode (FmOnDieEcc *e, guint8 *page)
{
  guint n = MIN (fm_bch_ecc_bytes (e->bch), e->share);

  for (guint s = 0; s < e->sectors && e->share; s++)
    {
      load_step (e, page, s);
      fm_bch_encode (e->bch, e->step, e->parity);
      for (guint i = 0; i < n; i++)
        page[parity_at (e, s, i)] = e->parity[i];
      /* Even: FFh, as in an erased sector; odd: 00h. */
      if (e->secded)
        page[parity_at (e, s, n)] = overall_parity (e, n) ? 0x00 : 0xff;
    }
}

/* Sector S by its code: FALSE if uncorrectable, else *COUNT bits fixed. */
static gboolean
correct_sector_bch (FmOnDieEcc *e, guint8 *page, guint s, guint *count_out)
{
  const guint covered_bits = 8 * (SECTOR + e->protected_share);
  const guint data_bits = 8 * fm_bch_step_size (e->bch);
  guint n = fm_bch_ecc_bytes (e->bch);
  guint errloc[FM_BCH_MAX_T];
  gint count;

  load_step (e, page, s);
  for (guint i = 0; i < n; i++)
    e->parity[i] = page[parity_at (e, s, i)];
  count = fm_bch_decode (e->bch, e->step, e->parity, errloc);
  /* SEC-DED: one error flips the overall parity, two leave it even (the
   * parity byte is read by majority, so its own bit flips do not count). */
  if (e->secded && count == 1)
    {
      guint stored = __builtin_popcount (page[parity_at (e, s, n)]) >= 4 ? 0 : 1;

      if ((overall_parity (e, n) ^ stored) == 0)
        count = -1;
    }
  /* A "correction" in the padding is a miscorrection: no such bits were
   * ever stored. */
  for (gint i = 0; i < count; i++)
    if (errloc[i] >= covered_bits && errloc[i] < data_bits)
      count = -1;
  if (count < 0)
    return FALSE;
  for (gint i = 0; i < count; i++)
    {
      guint bit = errloc[i];
      guint byte = bit < 8 * SECTOR ? s * SECTOR + bit / 8
                 : bit < data_bits ? protected_at (e, s, bit / 8 - SECTOR)
                 : parity_at (e, s, (bit - data_bits) / 8);

      page[byte] ^= 1u << (bit % 8);
    }
  *count_out = count;
  return TRUE;
}

/* The bits of sector S's bytes (data, protected, visible parity) that
 * differ between PAGE and STORED (NULL: erased); restored in PAGE when
 * they are few enough. */
static gboolean
correct_sector_hidden (FmOnDieEcc *e, guint8 *page, const guint8 *stored, guint s,
                       guint *count_out)
{
  guint n_offsets = SECTOR + e->protected_share + e->share;
  guint count = 0;

  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint k = 0; k < n_offsets; k++)
        {
          guint at = k < SECTOR ? s * SECTOR + k
                   : k < SECTOR + e->protected_share ? protected_at (e, s, k - SECTOR)
                   : parity_at (e, s, k - SECTOR - e->protected_share);
          guint8 want = stored ? stored[at] : 0xff;

          if (pass == 0)
            count += __builtin_popcount (page[at] ^ want);
          else
            page[at] = want;
        }
      if (pass == 0 && count > e->desc->on_die_ecc_strength)
        return FALSE;
    }
  *count_out = count;
  return TRUE;
}

void
fm_on_die_ecc_correct_stored (FmOnDieEcc *e, guint8 *page, const guint8 *stored,
                              FmOnDieEccResult *r)
{
  memset (r, 0, sizeof *r);
  for (guint s = 0; s < e->sectors; s++)
    {
      guint count = 0;
      gboolean ok = e->kind == CODE_HIDDEN ? correct_sector_hidden (e, page, stored, s, &count)
                                           : correct_sector_bch (e, page, s, &count);

      if (!ok)
        {
          r->failed++;
          r->sector_bits[s] = FM_ON_DIE_ECC_SECTOR_FAILED;
          continue;
        }
      r->sector_bits[s] = count;
      r->corrected += count;
      r->max_corrected = MAX (r->max_corrected, count);
    }
}

void
fm_on_die_ecc_correct (FmOnDieEcc *e, guint8 *page, FmOnDieEccResult *r)
{
  fm_on_die_ecc_correct_stored (e, page, NULL, r);
}

guint8
fm_on_die_ecc_status (const FmChipDesc *d, const FmOnDieEccResult *r)
{
  if (r->failed)
    return 0x01;
  if (d->on_die_ecc_strength == 4)
    return r->max_corrected >= d->on_die_ecc_rewrite_bits ? 0x08 : 0x00;
  if (r->max_corrected == 0)
    return 0x00;
  if (r->max_corrected <= 3)
    return 0x10;
  if (r->max_corrected <= 6)
    return 0x08;
  return 0x18;
}

static gboolean
in_regions (const FmOobRegion *r, guint n, guint offset)
{
  for (guint i = 0; i < n; i++)
    if (offset >= r[i].offset && offset < (guint) r[i].offset + r[i].length)
      return TRUE;
  return FALSE;
}

gboolean
fm_on_die_ecc_is_parity (const FmChipDesc *d, guint offset)
{
  return in_regions (d->on_die_layout.ecc, d->on_die_layout.n_ecc, offset);
}

gboolean
fm_on_die_ecc_is_protected (const FmChipDesc *d, guint offset)
{
  return in_regions (d->on_die_layout.protected, d->on_die_layout.n_protected, offset);
}

guint
fm_on_die_ecc_free_bytes (const FmChipDesc *d, guint16 *offsets)
{
  const FmOobLayout *l = &d->on_die_layout;
  guint n = 0;

  for (guint i = 0; i < l->n_free; i++)
    for (guint b = 0; b < l->free[i].length; b++)
      offsets[n++] = l->free[i].offset + b;
  return n;
}
