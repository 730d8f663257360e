/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-replay.h"
#include "fm-bits.h"
#include "fm-error.h"

#include <string.h>

gboolean
fm_replay_tear_as (FmImage *image, const FmChipDesc *desc, const FmJournalRecord *rec,
                   FmTornVariant variant, guint64 tear_seed, GError **error)
{
  guint64 seed = fm_powercut_seed_for (fm_image_seed (image), rec->seq, tear_seed);

  switch (rec->op)
    {
    case FM_NAND_OP_READ:
      if (!fm_torn_variant_applies (variant, desc, rec->op, rec->index))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                       "torn variant %s does not apply to a read", fm_torn_variant_to_string (variant));
          return FALSE;
        }
      return TRUE; /* a read changes no cell */
    case FM_NAND_OP_PROGRAM:
      return fm_powercut_program_as (image, desc, rec->index, rec->data, variant, seed,
                                     rec->age_ns, error);
    case FM_NAND_OP_ERASE:
      return fm_powercut_erase_as (image, desc, rec->index, variant, seed, error);
    }
  return TRUE;
}

gboolean
fm_replay_tear (FmImage *image, const FmChipDesc *desc, const FmJournalRecord *rec,
                GError **error)
{
  return fm_replay_tear_as (image, desc, rec, FM_TORN_SEEDED, 0, error);
}

gboolean
fm_replay_apply (FmImage *image, const FmChipDesc *desc, const FmJournalRecord *rec,
                 GError **error)
{
  guint32 block = rec->op == FM_NAND_OP_ERASE ? rec->index : rec->index / desc->pages_per_block;
  FmBlockMeta *m = fm_image_block (image, block);
  gsize page_bytes = desc->page_size + desc->oob_size;

  if (rec->interrupted)
    return fm_replay_tear (image, desc, rec, error);
  switch (rec->op)
    {
    case FM_NAND_OP_READ:
      m->read_count++;
      m->reads_since_erase++;
      break;
    case FM_NAND_OP_PROGRAM:
      {
        guint page = rec->index % desc->pages_per_block;

        if (!rec->applied)
          break;
        if (!fm_bits_all_ones (rec->data, page_bytes))
          {
            guint8 *cells = fm_image_page_mut (image, rec->index, error);

            if (!cells)
              return FALSE;
            fm_bits_and_into (cells, rec->data, page_bytes);
          }
        fm_image_set_page_programs (image, rec->index, rec->page_programs);
        m->program_count++;
        m->program_time_ns = MAX (rec->age_ns, 1);
        m->next_page = MAX (m->next_page, page + 1);
        m->erase_count = rec->erase_count;
        m->flags = rec->block_flags;
      }
      break;
    case FM_NAND_OP_ERASE:
      m->erase_count = rec->erase_count;
      m->flags = rec->block_flags;
      if (rec->ok)
        {
          fm_image_clear_block (image, block);
          m->next_page = 0;
          m->reads_since_erase = 0;
        }
      break;
    }
  return TRUE;
}

gboolean
fm_replay_check_base (FmImage *image, const FmChipDesc *desc, const FmJournalInfo *info,
                      GError **error)
{
  guint8 digest[FM_DIGEST_SIZE];

  if (!fm_journal_info_check_chip (info, desc, error))
    return FALSE;
  if (fm_image_seed (image) != info->chip_seed)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "the journal was recorded on a chip with seed %" G_GUINT64_FORMAT
                   ", the base image has seed %" G_GUINT64_FORMAT,
                   info->chip_seed, fm_image_seed (image));
      return FALSE;
    }
  fm_digest_image (image, desc, digest);
  if (memcmp (digest, info->base_digest, FM_DIGEST_SIZE) != 0)
    {
      g_autofree gchar *want = fm_digest_to_hex (info->base_digest);
      g_autofree gchar *have = fm_digest_to_hex (digest);

      g_set_error (error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                   "the base image is not the one the journal started from "
                   "(its contents digest to %.16s..., the journal's start to %.16s...)", have, want);
      return FALSE;
    }
  return TRUE;
}

void
fm_replay_set_age (FmImage *image, const FmJournalRecord *rec)
{
  fm_image_set_age_ns (image, MAX (fm_image_age_ns (image), rec->age_ns));
}

gboolean
fm_replay_until (FmImage *image, const FmChipDesc *desc, FmJournalReader *reader,
                 guint64 until, FmCutKind cut, FmReplayProgress progress, gpointer user_data,
                 GError **error)
{
  FmJournalRecord rec = { 0 };
  guint64 last = 0;

  if (until == 0)
    until = G_MAXUINT64;
  while (last < until && fm_journal_reader_next (reader, &rec))
    {
      gboolean torn = rec.seq == until && cut == FM_CUT_TORN;

      if (!(torn ? fm_replay_tear (image, desc, &rec, error)
                 : fm_replay_apply (image, desc, &rec, error)))
        return FALSE;
      last = rec.seq;
      if (progress && (last & 0xffff) == 0)
        progress (user_data, last);
    }
  if (last)
    fm_replay_set_age (image, &rec);
  if (until != G_MAXUINT64 && last < until)
    {
      const gchar *why;

      fm_journal_reader_end (reader, NULL, &why);
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "the journal's valid records end at operation %" G_GUINT64_FORMAT
                   ", before operation %" G_GUINT64_FORMAT "%s%s", last, until,
                   *why ? ": " : "", why);
      return FALSE;
    }
  return TRUE;
}
