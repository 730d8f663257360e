/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-nand-host.h"
#include "fm-error.h"

#include <string.h>

struct _FmNandHost {
  FmNand *nand;
  const FmChipDesc *d;
  FmEcc *ecc;   /* NULL: none */
  gsize page_bytes;
  guint steps;
  guint subpage_size;   /* the unit of a write (Linux's chip->subpagesize) */
  guint ecc_offset;     /* first ECC byte in the spare area (large page) */
  guint16 *ecc_pos;     /* spare offsets of the ECC bytes, step after step */
  guint8 *code;         /* scratch: one step's ECC bytes */
  guint16 *free_bytes;  /* spare offsets of the free bytes, in order */
  guint n_free;
  guint8 *page;         /* scratch: one page + spare */
  gboolean on_die;      /* the chip's own ECC corrects (no host ECC) */
  gchar *on_die_name;
  FmHostOnDieReport on_die_report;  /* NULL: the chip's own counts */
  gpointer on_die_report_data;
};

/* Samsung's K9F1G08U0E (21 nm), which nand_samsung.c marks
 * NAND_NO_SUBPAGE_WRITE: device 0xF1 with 01b in the low bits of ID byte
 * 4, recognised by its ID bytes (no ONFI page, no full-ID table entry). */
static gboolean
samsung_no_subpage_write (const FmChipDesc *d)
{
  return d->id_len > 4 && d->id[0] == 0xec && d->id[1] == 0xf1 && (d->id[4] & 0x3) == 0x1 &&
         d->onfi_version == 0;
}

/*
 * Linux's sub-page shift for the chip with STEPS ECC steps per page, as
 * nand_scan_tail() sets mtd->subpage_sft: an SLC part is written in
 * halves of a page of 2 steps, in quarters of one of 4, 8 or 16 steps,
 * else (MLC, no ECC: one step) in whole pages. Linux does not look at the
 * part's NOP; a part with fewer partial programs than sub-pages fails the
 * extra programs, as the real one would. Linux's SPI NAND core sets no
 * sub-pages at all.
 */
static guint
linux_subpage_shift (const FmChipDesc *d, guint steps)
{
  if (d->type != FM_CHIP_NAND_SLC || samsung_no_subpage_write (d))
    return 0;
  switch (steps)
    {
    case 2:
      return 1;
    case 4:
    case 8:
    case 16:
      return 2;
    default:
      return 0;
    }
}

FmNandHost *
fm_nand_host_new (FmNand *nand, FmEcc *ecc, GError **error)
{
  const FmChipDesc *d = fm_nand_desc (nand);
  g_autoptr (FmNandHost) host = g_new0 (FmNandHost, 1);
  guint width = d->bus_width / 8;
  guint marker_start, marker_end, ecc_total = 0;

  host->nand = nand;
  host->d = d;
  host->ecc = ecc;
  host->page_bytes = fm_nand_page_bytes (nand);
  host->page = g_malloc (host->page_bytes);
  /* Large page: Linux keeps bytes 0-1 for the marker whatever its
   * offset; small page: just the marker byte (or word). */
  marker_start = d->small_page ? d->bbm_offset * width : 0;
  marker_end = d->small_page ? marker_start + width : 2;
  if (ecc && fm_nand_on_die_ecc_enabled (nand))
    {
      /* The chip would write its parity over the host's ECC bytes. */
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "ECC '%s' on chip '%s' whose on-die ECC is on: use one or the other",
                   ecc->name, d->name);
      return NULL;
    }
  if (ecc)
    {
      if (!ecc->step_size || d->page_size % ecc->step_size)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                       "ECC '%s': a %u-byte step does not divide chip '%s''s %u-byte page",
                       ecc->name, ecc->step_size, d->name, d->page_size);
          return NULL;
        }
      host->steps = d->page_size / ecc->step_size;
      ecc_total = host->steps * ecc->ecc_bytes;
      if (ecc_total > d->oob_size - marker_end)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                       "ECC '%s' needs %u spare bytes per page; chip '%s' has %u, %u of them for the bad block marker",
                       ecc->name, ecc_total, d->name, d->oob_size, marker_end);
          return NULL;
        }
    }
  host->ecc_offset = d->oob_size - ecc_total;
  host->ecc_pos = g_new (guint16, MAX (ecc_total, 1u));
  host->code = g_malloc (MAX (ecc_total, 1u));
  host->free_bytes = g_new (guint16, d->oob_size);
  host->on_die = !ecc && fm_nand_on_die_ecc_enabled (nand);
  /* On-die ECC: Linux's Micron driver sets 512-byte steps. */
  host->subpage_size = d->page_size >> linux_subpage_shift (d, host->on_die ? d->page_size / FM_ON_DIE_ECC_SECTOR
                                                                            : MAX (host->steps, 1u));
  /* The chip's layout: its parity bytes are not free. A SPI NAND part
   * keeps it with its ECC off too, as Linux's spinand keeps the vendor's
   * ooblayout without an ECC engine. */
  if (host->on_die || (!ecc && d->type == FM_CHIP_SPI_NAND))
    {
      host->n_free = fm_on_die_ecc_free_bytes (d, host->free_bytes);
      if (host->on_die)
        host->on_die_name = g_strdup_printf ("on-die-%u/512", d->on_die_ecc_strength);
      return g_steal_pointer (&host);
    }
  if (ecc && (d->oob_size == 8 || d->oob_size == 16))
    {
      /* nand_ooblayout_sp_ops, which Linux's software engines take for
       * 8- and 16-byte spare areas: ECC in bytes 0-3 (0-2) and from 6
       * on, free bytes 8-15 (3-4 and 6-7). */
      guint first = d->oob_size == 16 ? 4 : 3;
      guint room = d->oob_size == 16 ? first + d->oob_size - 6 : first;

      if (ecc_total > room)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                       "ECC '%s' needs %u spare bytes per page; Linux's small page layout has %u in chip '%s''s %u",
                       ecc->name, ecc_total, room, d->name, d->oob_size);
          return NULL;
        }
      for (guint i = 0; i < ecc_total; i++)
        host->ecc_pos[i] = i < first ? i : 6 + i - first;
      for (guint i = d->oob_size == 16 ? 8 : 3; i < d->oob_size; i++)
        if (i != 5)
          host->free_bytes[host->n_free++] = i;
      return g_steal_pointer (&host);
    }
  for (guint i = 0; i < ecc_total; i++)
    host->ecc_pos[i] = host->ecc_offset + i;
  for (guint i = 0; i < host->ecc_offset; i++)
    if (i < marker_start || i >= marker_end)
      host->free_bytes[host->n_free++] = i;
  return g_steal_pointer (&host);
}

void
fm_nand_host_free (FmNandHost *host)
{
  if (!host)
    return;
  fm_ecc_free (host->ecc);
  g_free (host->ecc_pos);
  g_free (host->code);
  g_free (host->on_die_name);
  g_free (host->free_bytes);
  g_free (host->page);
  g_free (host);
}

FmNand *
fm_nand_host_nand (FmNandHost *host)
{
  return host->nand;
}

guint
fm_nand_host_oob_avail (const FmNandHost *host)
{
  return host->n_free;
}

guint
fm_nand_host_subpage_size (const FmNandHost *host)
{
  return host->subpage_size;
}

const FmEcc *
fm_nand_host_ecc (const FmNandHost *host)
{
  return host->ecc;
}

guint
fm_nand_host_ecc_strength (const FmNandHost *host)
{
  if (host->on_die)
    return host->d->on_die_ecc_strength;
  return host->ecc ? host->ecc->strength : 0;
}

guint
fm_nand_host_ecc_step (const FmNandHost *host)
{
  if (host->on_die)
    return FM_ON_DIE_ECC_SECTOR;
  return host->ecc ? host->ecc->step_size : 0;
}

const gchar *
fm_nand_host_ecc_name (const FmNandHost *host)
{
  if (host->on_die)
    return host->on_die_name;
  return host->ecc ? host->ecc->name : "none";
}

void
fm_nand_host_set_on_die_report (FmNandHost *host, FmHostOnDieReport report, gpointer user_data)
{
  host->on_die_report = report;
  host->on_die_report_data = user_data;
}

/* A raw access on a chip that corrects on its own: the chip's ECC is
 * paused for it, as Linux's Micron driver does with SET FEATURES. */
static void
pause_on_die_for_raw (FmNandHost *host, gboolean raw, gboolean pause)
{
  if (host->on_die && raw)
    fm_nand_set_on_die_ecc (host->nand, !pause, NULL);
}

/* ---- shared checks -------------------------------------------------------- */

static guint
oob_avail (const FmNandHost *host, FmHostOobMode mode)
{
  return mode == FM_HOST_OOB_AUTO ? host->n_free : host->d->oob_size;
}

/*
 * The pages a request touches: the pages of [ADDR, ADDR + LEN), or for an
 * OOB-only request as many pages from ADDR's as the OOB bytes fill. The
 * OOB of each page is taken at OOBOFFS, as Linux's nand_transfer_oob()
 * does, so every page holds avail - ooboffs of them.
 */
static gboolean
plan (const FmNandHost *host, guint64 addr, gsize len, guint ooboffs, gsize ooblen,
      FmHostOobMode mode, guint64 *first_page, guint64 *n_pages, GError **error)
{
  const FmChipDesc *d = host->d;
  guint64 size = fm_chip_desc_size_bytes (d);
  guint avail = oob_avail (host, mode);

  if (addr > size || len > size - addr)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "bytes %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT " are outside the %" G_GUINT64_FORMAT
                   "-byte chip", addr, addr + len, size);
      return FALSE;
    }
  if (ooblen && ooboffs >= avail)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "OOB offset %u is past the %u OOB bytes of a page", ooboffs, avail);
      return FALSE;
    }
  *first_page = addr / d->page_size;
  if (len)
    *n_pages = (addr + len + d->page_size - 1) / d->page_size - *first_page;
  else
    *n_pages = (ooblen + (avail - ooboffs) - 1) / (avail - ooboffs);
  if (ooblen > *n_pages * (avail - ooboffs) ||
      *first_page + *n_pages > fm_chip_desc_pages (d))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "%" G_GSIZE_FORMAT " OOB bytes do not fit the pages of the request", ooblen);
      return FALSE;
    }
  return TRUE;
}

/* Copies up to N OOB bytes between USER and the spare area SPARE. */
static void
transfer_oob (const FmNandHost *host, guint8 *spare, guint8 *user, guint ooboffs, gsize n,
              FmHostOobMode mode, gboolean to_spare)
{
  for (gsize i = 0; i < n; i++)
    {
      guint pos = mode == FM_HOST_OOB_AUTO ? host->free_bytes[ooboffs + i] : ooboffs + i;

      if (to_spare)
        spare[pos] = user[i];
      else
        user[i] = spare[pos];
    }
}

/* ---- read ----------------------------------------------------------------- */

static guint
zero_bits (const guint8 *buf, gsize len)
{
  guint n = 0;

  for (gsize i = 0; i < len; i++)
    n += 8 - __builtin_popcount (buf[i]);
  return n;
}

/* Corrects every step of host->page; returns FALSE if a step failed. */
static gboolean
correct_page (FmNandHost *host, FmHostReadResult *r, guint *page_corrected)
{
  FmEcc *ecc = host->ecc;
  guint8 *spare = host->page + host->d->page_size;
  gboolean ok = TRUE;

  for (guint s = 0; s < host->steps; s++)
    {
      guint8 *data = host->page + s * ecc->step_size;
      const guint16 *pos = host->ecc_pos + s * ecc->ecc_bytes;
      guint8 *code = host->code;
      gint bits;

      for (guint i = 0; i < ecc->ecc_bytes; i++)
        code[i] = spare[pos[i]];
      bits = fm_ecc_correct (ecc, data, code);

      if (bits < 0)
        {
          /* An erased step with a few bits flipped is no ECC codeword;
           * Linux calls it erased if no more than the strength bits are
           * 0 (nand_check_erased_ecc_chunk) and hands up all ones. */
          guint zeros = zero_bits (data, ecc->step_size) + zero_bits (code, ecc->ecc_bytes);

          if (zeros <= ecc->strength)
            {
              memset (data, 0xff, ecc->step_size);
              for (guint i = 0; i < ecc->ecc_bytes; i++)
                spare[pos[i]] = 0xff;
              bits = zeros;
            }
        }
      if (bits < 0)
        {
          r->failed++;
          ok = FALSE;
          continue;
        }
      r->corrected += bits;
      *page_corrected += bits;
      r->max_bitflips = MAX (r->max_bitflips, (guint) bits);
    }
  return ok;
}

gboolean
fm_nand_host_read (FmNandHost *host, guint64 addr, gsize len, guint8 *data,
                   guint ooboffs, gsize ooblen, guint8 *oob,
                   FmHostOobMode mode, gboolean raw,
                   FmHostReadResult *result, GError **error)
{
  const FmChipDesc *d = host->d;
  FmHostReadResult r = { 0 };
  guint64 first, n_pages;
  guint per_page_oob = oob_avail (host, mode) - (ooblen ? ooboffs : 0);
  gsize data_done = 0, oob_done = 0;

  if (!plan (host, addr, len, ooboffs, ooblen, mode, &first, &n_pages, error))
    return FALSE;
  for (guint64 p = first; p < first + n_pages; p++)
    {
      guint32 block = p / d->pages_per_block;
      guint page_corrected = 0;
      gboolean ok = TRUE;

      pause_on_die_for_raw (host, raw, TRUE);
      ok = fm_nand_read_page (host->nand, block, p % d->pages_per_block, host->page, error);
      pause_on_die_for_raw (host, raw, FALSE);
      if (!ok)
        return FALSE;
      if (host->ecc && !raw)
        {
          ok = correct_page (host, &r, &page_corrected);
          fm_nand_note_ecc (host->nand, block, page_corrected, !ok);
        }
      else if (host->on_die && !raw)
        {
          /* The chip corrected and counted; the host only reports. */
          const FmOnDieEccResult *od = fm_nand_last_on_die_ecc (host->nand);
          gint bits;

          if (!host->on_die_report)
            {
              r.corrected += od->corrected;
              r.failed += od->failed;
              r.max_bitflips = MAX (r.max_bitflips, od->max_corrected);
            }
          else if (!host->on_die_report (host->on_die_report_data, d, od, &bits, error))
            return FALSE;
          else if (bits < 0)
            r.failed++;
          else
            {
              r.corrected += bits;
              r.max_bitflips = MAX (r.max_bitflips, (guint) bits);
            }
        }
      if (len)
        {
          guint64 page_addr = p * d->page_size;
          guint64 from = MAX (addr, page_addr);
          guint64 to = MIN (addr + len, page_addr + d->page_size);

          memcpy (data + data_done, host->page + (from - page_addr), to - from);
          data_done += to - from;
        }
      if (ooblen > oob_done)
        {
          gsize n = MIN (ooblen - oob_done, per_page_oob);

          transfer_oob (host, host->page + d->page_size, oob + oob_done, ooboffs, n, mode, FALSE);
          oob_done += n;
        }
    }
  if (result)
    *result = r;
  return TRUE;
}

/* ---- write ---------------------------------------------------------------- */

gboolean
fm_nand_host_write (FmNandHost *host, guint64 addr, gsize len, const guint8 *data,
                    guint ooboffs, gsize ooblen, const guint8 *oob,
                    FmHostOobMode mode, gboolean raw, GError **error)
{
  const FmChipDesc *d = host->d;
  guint64 first, n_pages;
  guint per_page_oob = oob_avail (host, mode) - (ooblen ? ooboffs : 0);
  gsize oob_done = 0, data_done = 0;

  /* nand_do_write_ops()'s rule: whole sub-pages. */
  if (addr % host->subpage_size || len % host->subpage_size)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "writes must be whole %u-byte %s (address %" G_GUINT64_FORMAT ", %" G_GSIZE_FORMAT " bytes)",
                   host->subpage_size, host->subpage_size < d->page_size ? "sub-pages" : "pages", addr, len);
      return FALSE;
    }
  if (!plan (host, addr, len, ooboffs, ooblen, mode, &first, &n_pages, error))
    return FALSE;
  for (guint64 p = first; p < first + n_pages; p++)
    {
      guint8 *spare = host->page + d->page_size;
      guint64 page_addr = p * d->page_size;
      guint from = 0, to = 0;  /* the in-band bytes written, in the page */
      gboolean ok;

      /* What the request leaves out of the page stays all ones, so a
       * program changes only the sub-pages written. */
      memset (host->page, 0xff, host->page_bytes);
      if (len)
        {
          from = MAX (addr, page_addr) - page_addr;
          to = MIN (addr + len, page_addr + d->page_size) - page_addr;
          memcpy (host->page + from, data + data_done, to - from);
          data_done += to - from;
        }
      if (ooblen > oob_done)
        {
          gsize n = MIN (ooblen - oob_done, per_page_oob);

          transfer_oob (host, spare, (guint8 *) oob + oob_done, ooboffs, n, mode, TRUE);
          oob_done += n;
        }
      /* ECC covers the in-band data of the steps written; the other
       * steps' ECC bytes stay FFh, as nand_write_subpage_hwecc() leaves
       * them, for a later program of their sub-page. An OOB-only write
       * leaves it all alone. */
      if (host->ecc && !raw && len)
        for (guint s = from / host->ecc->step_size; s < to / host->ecc->step_size; s++)
          {
            const guint16 *pos = host->ecc_pos + s * host->ecc->ecc_bytes;

            fm_ecc_encode (host->ecc, host->page + s * host->ecc->step_size, host->code);
            for (guint i = 0; i < host->ecc->ecc_bytes; i++)
              spare[pos[i]] = host->code[i];
          }
      pause_on_die_for_raw (host, raw, TRUE);
      ok = fm_nand_program_page (host->nand, p / d->pages_per_block, p % d->pages_per_block,
                                 host->page, error);
      pause_on_die_for_raw (host, raw, FALSE);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* ---- erase ---------------------------------------------------------------- */

gboolean
fm_nand_host_erase (FmNandHost *host, guint64 addr, guint64 len, guint64 *fail_addr, GError **error)
{
  const FmChipDesc *d = host->d;
  guint64 block_size = (guint64) d->page_size * d->pages_per_block;

  if (addr % block_size || len % block_size || addr > fm_chip_desc_size_bytes (d) ||
      len > fm_chip_desc_size_bytes (d) - addr)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "erase of %" G_GUINT64_FORMAT " bytes at %" G_GUINT64_FORMAT
                   " is not whole blocks of %" G_GUINT64_FORMAT " bytes inside the chip",
                   len, addr, block_size);
      return FALSE;
    }
  for (guint64 a = addr; a < addr + len; a += block_size)
    if (!fm_nand_erase_block (host->nand, a / block_size, error))
      {
        if (fail_addr)
          *fail_addr = a;
        return FALSE;
      }
  return TRUE;
}
