/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-on-die-ecc.h"
#include "fm-ecc-bch.h"

#include <string.h>

#define SECTOR FM_ON_DIE_ECC_SECTOR
#define CODE_STEP 1024      /* the BCH step the sector is padded to */
#define SECTION 16          /* spare bytes per sector */
#define COVERED_SPARE 4     /* 4-bit layout: spare bytes 4-7 are covered */

struct _FmOnDieEcc {
  const FmChipDesc *desc;
  FmBch *bch;
  guint sectors;
  guint8 step[CODE_STEP];   /* sector data, covered spare, 0xFF padding */
  guint8 parity[FM_BCH_MAX_ECC_BYTES];
};

/* Where sector S keeps its covered spare bytes (none on 8-bit parts) and
 * its parity, as offsets into the spare area. */
static guint
covered_offset (guint s)
{
  return s * SECTION + 4;
}

static guint
parity_offset (const FmChipDesc *d, guint s)
{
  if (d->on_die_ecc_strength == 4)
    return s * SECTION + 8;
  return d->oob_size - (d->page_size / SECTOR) * SECTION + s * SECTION;
}

static guint
covered_len (const FmChipDesc *d)
{
  return d->on_die_ecc_strength == 4 ? COVERED_SPARE : 0;
}

FmOnDieEcc *
fm_on_die_ecc_new (const FmChipDesc *desc)
{
  FmOnDieEcc *e;

  if (!desc->on_die_ecc_strength)
    return NULL;
  e = g_new0 (FmOnDieEcc, 1);
  e->desc = desc;
  e->sectors = desc->page_size / SECTOR;
  /* 8 * 1024 + 14 * 8 bits fit GF(2^14)'s code; the descriptor loader
   * allowed only strengths this accepts. */
  e->bch = fm_bch_new (CODE_STEP, desc->on_die_ecc_strength, 14, NULL);
  g_assert (e->bch);
  return e;
}

void
fm_on_die_ecc_free (FmOnDieEcc *e)
{
  if (!e)
    return;
  fm_bch_free (e->bch);
  g_free (e);
}

/* The code word's message for sector S: its data and covered spare bytes,
 * padded with 0xFF so that an erased sector is an erased step. */
static void
load_step (FmOnDieEcc *e, const guint8 *page, guint s)
{
  const FmChipDesc *d = e->desc;

  memset (e->step, 0xff, sizeof e->step);
  memcpy (e->step, page + s * SECTOR, SECTOR);
  memcpy (e->step + SECTOR, page + d->page_size + covered_offset (s), covered_len (d));
}

void
fm_on_die_ecc_encode (FmOnDieEcc *e, guint8 *page)
{
  const FmChipDesc *d = e->desc;
  guint n = fm_bch_ecc_bytes (e->bch);

  for (guint s = 0; s < e->sectors; s++)
    {
      load_step (e, page, s);
      fm_bch_encode (e->bch, e->step, e->parity);
      memcpy (page + d->page_size + parity_offset (d, s), e->parity, n);
    }
}

void
fm_on_die_ecc_correct (FmOnDieEcc *e, guint8 *page, FmOnDieEccResult *r)
{
  const FmChipDesc *d = e->desc;
  const guint covered_bits = 8 * (SECTOR + covered_len (d));
  const guint data_bits = 8 * CODE_STEP;

  memset (r, 0, sizeof *r);
  for (guint s = 0; s < e->sectors; s++)
    {
      guint8 *parity = page + d->page_size + parity_offset (d, s);
      guint errloc[FM_BCH_MAX_T];
      gint count;

      load_step (e, page, s);
      count = fm_bch_decode (e->bch, e->step, parity, errloc);
      /* A "correction" in the padding is a miscorrection: no such bits
       * were ever stored. */
      for (gint i = 0; i < count; i++)
        if (errloc[i] >= covered_bits && errloc[i] < data_bits)
          count = -1;
      if (count < 0)
        {
          r->failed++;
          continue;
        }
      for (gint i = 0; i < count; i++)
        {
          guint bit = errloc[i];
          guint8 *byte = bit < 8 * SECTOR ? page + s * SECTOR + bit / 8
                       : bit < data_bits ? page + d->page_size + covered_offset (s) + (bit / 8 - SECTOR)
                       : parity + (bit - data_bits) / 8;

          *byte ^= 1u << (bit % 8);
        }
      r->corrected += count;
      r->max_corrected = MAX (r->max_corrected, (guint) count);
    }
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

gboolean
fm_on_die_ecc_is_parity (const FmChipDesc *d, guint offset)
{
  for (guint s = 0; s < d->page_size / SECTOR; s++)
    {
      /* 4-bit parts have 8 parity bytes per section, 8-bit parts 16. */
      guint len = d->on_die_ecc_strength == 4 ? SECTION / 2 : SECTION;

      if (offset >= parity_offset (d, s) && offset < parity_offset (d, s) + len)
        return TRUE;
    }
  return FALSE;
}

guint
fm_on_die_ecc_free_bytes (const FmChipDesc *d, guint16 *offsets)
{
  guint n = 0;

  /* Bytes 0-1 carry the bad block marker; Linux hands out bytes 2-7 of
   * each section on 4-bit parts, everything before the parity on 8-bit. */
  for (guint i = 2; i < d->oob_size; i++)
    if (!fm_on_die_ecc_is_parity (d, i) &&
        (d->on_die_ecc_strength == 8 || i % SECTION >= 2))
      offsets[n++] = i;
  return n;
}
