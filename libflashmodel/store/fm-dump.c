/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAND dumps on memory buffers: format names and parameters, size checks
 * and detection, and the page conversions of import and export. Every
 * offset into a dump is derived from sizes checked first, so no input can
 * make it read outside the buffers it was given.
 */
#include "fm-dump.h"
#include "fm-bits.h"
#include "fm-error.h"
#include "fm-nand.h"

#include <string.h>

static const gchar *const format_names[] = {
  [FM_DUMP_AUTO] = "auto",
  [FM_DUMP_DATA] = "data",
  [FM_DUMP_INTERLEAVED] = "interleaved",
  [FM_DUMP_SEPARATE] = "separate",
  [FM_DUMP_SYNDROME] = "syndrome",
};

const gchar *
fm_dump_format_to_string (FmDumpFormat format)
{
  return (guint) format < G_N_ELEMENTS (format_names) ? format_names[format] : "unknown";
}

gboolean
fm_dump_format_from_string (const gchar *text, FmDumpFormat *format, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_str_equal (text, format_names[i]))
      {
        *format = i;
        return TRUE;
      }
  g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
               "unknown dump format '%s' (auto, data, interleaved, separate, syndrome)", text);
  return FALSE;
}

gboolean
fm_dump_syndrome_from_string (const gchar *text, FmDumpSyndrome *syndrome, GError **error)
{
  g_auto (GStrv) fields = g_strsplit (text, ",", -1);
  guint n = g_strv_length (fields);
  guint64 v[4] = { 0, 0, 0, 0 };

  for (guint i = 0; i < n && n >= 2 && n <= 4; i++)
    if (!g_ascii_string_to_unsigned (fields[i], 10, 0, G_MAXUINT32, &v[i], NULL))
      n = 0;
  if (n < 2 || n > 4)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
                   "syndrome layout '%s': expected STEP,ECC[,PREPAD[,POSTPAD]] "
                   "(decimal byte counts)", text);
      return FALSE;
    }
  *syndrome = (FmDumpSyndrome) { v[0], v[1], v[2], v[3] };
  return TRUE;
}

gboolean
fm_dump_layout_check (const FmDumpLayout *layout, const FmChipDesc *d, GError **error)
{
  const FmDumpSyndrome *s = &layout->syndrome;
  guint64 steps, per_step;

  if ((guint) layout->format >= G_N_ELEMENTS (format_names))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT, "unknown dump format %d", layout->format);
      return FALSE;
    }
  if (layout->format != FM_DUMP_SYNDROME)
    return TRUE;
  if (s->step == 0 || d->page_size % s->step != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
                   "syndrome step of %u bytes does not divide the %u-byte page of chip '%s'",
                   s->step, d->page_size, d->name);
      return FALSE;
    }
  steps = d->page_size / s->step;
  per_step = (guint64) s->step + s->prepad + s->ecc + s->postpad;
  if (steps * per_step > (guint64) d->page_size + d->oob_size)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
                   "syndrome layout needs %" G_GUINT64_FORMAT " steps of %" G_GUINT64_FORMAT
                   " bytes (%u data + %u prepad + %u ECC + %u postpad) = %" G_GUINT64_FORMAT
                   " bytes, more than the %u+%u-byte page of chip '%s'",
                   steps, per_step, s->step, s->prepad, s->ecc, s->postpad, steps * per_step,
                   d->page_size, d->oob_size, d->name);
      return FALSE;
    }
  return TRUE;
}

/* Bytes per page in FORMAT's dump file. */
static guint64
page_unit (const FmChipDesc *d, FmDumpFormat format)
{
  switch (format)
    {
    case FM_DUMP_DATA:
    case FM_DUMP_SEPARATE:
      return d->page_size;
    case FM_DUMP_INTERLEAVED:
    case FM_DUMP_SYNDROME:
      return (guint64) d->page_size + d->oob_size;
    case FM_DUMP_AUTO:
    default:
      return 0;
    }
}

guint64
fm_dump_block_bytes (const FmChipDesc *d, FmDumpFormat format)
{
  return page_unit (d, format) * d->pages_per_block;
}

static gboolean
check_start_block (const FmChipDesc *d, guint32 start_block, GError **error)
{
  if (start_block < fm_chip_desc_blocks (d))
    return TRUE;
  g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
               "start block %u is beyond chip '%s' (blocks 0 to %u)",
               start_block, d->name, fm_chip_desc_blocks (d) - 1);
  return FALSE;
}

/* How SIZE divides into erase blocks of BLOCK bytes, for messages; sets
 * *FITS when it is a whole number of blocks and at most ROOM of them. */
static gchar *
describe_blocks (guint64 size, guint64 block, guint64 room, gboolean *fits)
{
  *fits = size % block == 0 && size / block <= room;
  if (size % block != 0)
    return g_strdup ("not a whole number of erase blocks");
  if (!*fits)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " erase blocks (more than fit)", size / block);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " erase blocks", size / block);
}

gboolean
fm_dump_detect (const FmChipDesc *d, const gchar *name, guint64 size, guint32 start_block,
                FmDumpFormat *format, GError **error)
{
  guint32 chip_blocks = fm_chip_desc_blocks (d);
  guint64 room = start_block < chip_blocks ? chip_blocks - start_block : 0;
  guint64 data_block = fm_dump_block_bytes (d, FM_DUMP_DATA);
  guint64 oob_block = fm_dump_block_bytes (d, FM_DUMP_INTERLEAVED);
  gboolean is_data, is_oob;
  g_autofree gchar *as_data = describe_blocks (size, data_block, room, &is_data);
  g_autofree gchar *as_oob = describe_blocks (size, oob_block, room, &is_oob);

  name = name ? name : "dump";
  if (!check_start_block (d, start_block, error))
    return FALSE;
  if (size == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT, "%s is empty", name);
      return FALSE;
    }
  /* Whole-chip dumps are whole multiples of both block sizes on most
   * parts (32 blocks with OOB are 33 without when OOB is 1/32 of the
   * page), so only a count that fits the chip makes a candidate. */
  if (is_data != is_oob)
    {
      *format = is_data ? FM_DUMP_DATA : FM_DUMP_INTERLEAVED;
      return TRUE;
    }
  g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
               "%s: cannot tell the format from the size: %" G_GUINT64_FORMAT " bytes is %s "
               "without OOB (data: %" G_GUINT64_FORMAT " bytes per block) and %s with OOB "
               "(interleaved: %" G_GUINT64_FORMAT " bytes per block), %s for chip '%s' "
               "(%" G_GUINT64_FORMAT " blocks from block %u); give the format (--format)",
               name, size, as_data, data_block, as_oob, oob_block,
               is_data ? "both possible" : "neither possible", d->name, room, start_block);
  return FALSE;
}

gboolean
fm_dump_count_blocks (const FmChipDesc *d, FmDumpFormat format,
                      const gchar *data_name, guint64 data_len,
                      const gchar *oob_name, guint64 oob_len,
                      guint32 start_block, guint32 *blocks, GError **error)
{
  guint32 chip_blocks = fm_chip_desc_blocks (d);
  guint64 unit = page_unit (d, format);
  guint64 block_bytes = unit * d->pages_per_block;
  guint64 n, expect_oob;

  data_name = data_name ? data_name : "dump";
  oob_name = oob_name ? oob_name : "OOB file";
  if (format == FM_DUMP_AUTO || unit == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
                   "%s: the dump format must be known to check its size", data_name);
      return FALSE;
    }
  if (!check_start_block (d, start_block, error))
    return FALSE;
  if (data_len == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT, "%s is empty", data_name);
      return FALSE;
    }
  if (data_len % unit != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
                   "%s: %" G_GUINT64_FORMAT " bytes is not a whole number of pages: a %s dump of "
                   "chip '%s' has %" G_GUINT64_FORMAT " bytes per page, and the last page is cut "
                   "after %" G_GUINT64_FORMAT " bytes (truncated dump?)",
                   data_name, data_len, fm_dump_format_to_string (format), d->name, unit,
                   data_len % unit);
      return FALSE;
    }
  if (data_len % block_bytes != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
                   "%s: %" G_GUINT64_FORMAT " bytes is not a whole number of erase blocks: a %s "
                   "dump of chip '%s' has %" G_GUINT64_FORMAT " bytes per block (%u pages of %"
                   G_GUINT64_FORMAT "), and the last block has only %" G_GUINT64_FORMAT " of its %u "
                   "pages (truncated dump?)",
                   data_name, data_len, fm_dump_format_to_string (format), d->name, block_bytes,
                   d->pages_per_block, unit, (data_len % block_bytes) / unit, d->pages_per_block);
      return FALSE;
    }
  n = data_len / block_bytes;
  if (n > chip_blocks - start_block)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                   "%s: %" G_GUINT64_FORMAT " bytes is %" G_GUINT64_FORMAT " erase blocks of %"
                   G_GUINT64_FORMAT " bytes, which do not fit in chip '%s' from block %u "
                   "(it has %u blocks: at most %u fit)",
                   data_name, data_len, n, block_bytes, d->name, start_block, chip_blocks,
                   chip_blocks - start_block);
      return FALSE;
    }
  expect_oob = format == FM_DUMP_SEPARATE ? n * d->pages_per_block * d->oob_size : 0;
  if (oob_len != expect_oob)
    {
      if (format == FM_DUMP_SEPARATE)
        g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
                     "%s: %" G_GUINT64_FORMAT " bytes, expected %" G_GUINT64_FORMAT " (%u OOB "
                     "bytes for each of the %" G_GUINT64_FORMAT " pages of %s)",
                     oob_name, oob_len, expect_oob, d->oob_size, n * d->pages_per_block, data_name);
      else
        g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
                     "%s: an OOB file goes only with the separate format, not %s",
                     oob_name, fm_dump_format_to_string (format));
      return FALSE;
    }
  *blocks = n;
  return TRUE;
}

/* ---- page conversion ------------------------------------------------------ */

/*
 * Between a syndrome controller's physical page and the logical page
 * Linux presents. Both walks advance together step by step, so one loop
 * serves both directions; after the last step both are at the same offset
 * (steps * (step + spare)), so the remaining spare bytes stay in place.
 */
static void
syndrome_convert (const FmChipDesc *d, const FmDumpSyndrome *s,
                  const guint8 *from, guint8 *to, gboolean to_logical)
{
  gsize page_bytes = (gsize) d->page_size + d->oob_size;
  gsize spare = (gsize) s->prepad + s->ecc + s->postpad;
  gsize phys = 0, data = 0, oob = d->page_size;

#define MOVE(logical_off, phys_off, len) G_STMT_START { \
    if (to_logical) memcpy (to + (logical_off), from + (phys_off), (len)); \
    else memcpy (to + (phys_off), from + (logical_off), (len)); } G_STMT_END

  for (guint i = 0; i < d->page_size / s->step; i++)
    {
      MOVE (data, phys, s->step);
      phys += s->step;
      data += s->step;
      MOVE (oob, phys, spare);
      phys += spare;
      oob += spare;
    }
  g_assert (phys == oob && phys <= page_bytes);
  MOVE (phys, phys, page_bytes - phys);
#undef MOVE
}

/* Page INDEX (counted from the dump's start) as the image stores it:
 * data then OOB. Points into the dump when the layout already is that. */
static const guint8 *
logical_page (const FmChipDesc *d, const FmDumpLayout *layout, const FmDumpBuffers *in,
              guint64 index, guint8 *scratch)
{
  gsize page_bytes = (gsize) d->page_size + d->oob_size;

  switch (layout->format)
    {
    case FM_DUMP_INTERLEAVED:
      return in->data + index * page_bytes;
    case FM_DUMP_SYNDROME:
      syndrome_convert (d, &layout->syndrome, in->data + index * page_bytes, scratch, TRUE);
      return scratch;
    case FM_DUMP_DATA:
    case FM_DUMP_SEPARATE:
      memcpy (scratch, in->data + index * d->page_size, d->page_size);
      if (layout->format == FM_DUMP_SEPARATE)
        memcpy (scratch + d->page_size, in->oob + index * d->oob_size, d->oob_size);
      else
        memset (scratch + d->page_size, 0xff, d->oob_size);
      return scratch;
    case FM_DUMP_AUTO:
    default:
      g_assert_not_reached ();
    }
}

/* One block of the image in LAYOUT's dump bytes. */
static void
physical_block (const FmImage *image, const FmChipDesc *d, const FmDumpLayout *layout,
                guint32 block, guint8 *data, guint8 *oob)
{
  gsize page_bytes = (gsize) d->page_size + d->oob_size;

  for (guint p = 0; p < d->pages_per_block; p++)
    {
      const guint8 *src = fm_image_page (image, (guint64) block * d->pages_per_block + p);

      switch (layout->format)
        {
        case FM_DUMP_INTERLEAVED:
        case FM_DUMP_SYNDROME:
          if (!src)
            memset (data + p * page_bytes, 0xff, page_bytes);
          else if (layout->format == FM_DUMP_SYNDROME)
            syndrome_convert (d, &layout->syndrome, src, data + p * page_bytes, FALSE);
          else
            memcpy (data + p * page_bytes, src, page_bytes);
          break;
        case FM_DUMP_DATA:
        case FM_DUMP_SEPARATE:
          if (src)
            memcpy (data + (gsize) p * d->page_size, src, d->page_size);
          else
            memset (data + (gsize) p * d->page_size, 0xff, d->page_size);
          if (layout->format == FM_DUMP_SEPARATE && src)
            memcpy (oob + (gsize) p * d->oob_size, src + d->page_size, d->oob_size);
          else if (layout->format == FM_DUMP_SEPARATE)
            memset (oob + (gsize) p * d->oob_size, 0xff, d->oob_size);
          break;
        case FM_DUMP_AUTO:
        default:
          g_assert_not_reached ();
        }
    }
}

/* ---- import and export ---------------------------------------------------- */

/* Whether OPTIONS asks to stop after DONE of TOTAL blocks. */
static gboolean
cancelled (const FmDumpOptions *options, const gchar *what, guint32 done, guint32 total,
           GError **error)
{
  if (!options->cancel || !*options->cancel)
    return FALSE;
  g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s interrupted after %u of %u blocks", what, done, total);
  return TRUE;
}

/* Replaces BLOCK with dump block INDEX; returns FALSE only when the image
 * cannot grow. */
static gboolean
import_block (FmImage *image, const FmChipDesc *d, const FmDumpLayout *layout,
              const FmDumpBuffers *in, guint64 index, guint32 block, guint8 *scratch,
              FmDumpStats *stats, GError **error)
{
  gsize page_bytes = (gsize) d->page_size + d->oob_size;
  guint64 first_page = (guint64) block * d->pages_per_block;
  guint32 stored = 0, next_page = 0;
  FmBlockMeta *m;

  fm_image_clear_block (image, block);
  for (guint p = 0; p < d->pages_per_block; p++)
    {
      const guint8 *page = logical_page (d, layout, in, index * d->pages_per_block + p, scratch);
      guint8 *slot;

      /* An erased page has no slot, as if the dump's chip never wrote it. */
      if (fm_bits_all_ones (page, page_bytes))
        continue;
      slot = fm_image_page_mut (image, first_page + p, error);
      if (!slot)
        return FALSE;
      memcpy (slot, page, page_bytes);
      fm_image_set_page_programs (image, first_page + p, 1);
      stored++;
      next_page = p + 1;
    }
  m = fm_image_block (image, block);
  m->program_count += stored;
  m->next_page = next_page;
  m->reads_since_erase = 0;
  if (stored)
    m->program_time_ns = MAX (fm_image_age_ns (image), 1);
  /* A marker, whether the factory's or one Linux wrote, makes the block
   * bad for the model too: programs and erases on it fail. */
  m->flags &= ~FM_BLOCK_FACTORY_BAD;
  if (fm_nand_image_block_marked_bad (d, image, block))
    {
      m->flags |= FM_BLOCK_FACTORY_BAD;
      stats->bad_blocks++;
    }
  stats->pages_stored += stored;
  return TRUE;
}

gboolean
fm_dump_import (FmImage *image, const FmChipDesc *d, const FmDumpOptions *options,
                const FmDumpBuffers *in, FmDumpStats *stats, GError **error)
{
  FmDumpLayout layout = options->layout;
  FmDumpStats local = { 0 };
  g_autofree guint8 *scratch = NULL;
  guint32 n;

  g_return_val_if_fail (in->data || in->data_len == 0, FALSE);
  g_return_val_if_fail (in->oob || in->oob_len == 0, FALSE);
  if (!fm_image_check_chip (image, d, error))
    return FALSE;
  if (layout.format == FM_DUMP_AUTO && in->oob)
    layout.format = FM_DUMP_SEPARATE;
  else if (layout.format == FM_DUMP_AUTO &&
           !fm_dump_detect (d, in->data_name, in->data_len, options->start_block,
                            &layout.format, error))
    return FALSE;
  if (layout.format == FM_DUMP_SEPARATE && !in->oob)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
                   "the separate format needs an OOB file besides %s",
                   in->data_name ? in->data_name : "the dump");
      return FALSE;
    }
  if (!fm_dump_layout_check (&layout, d, error) ||
      !fm_dump_count_blocks (d, layout.format, in->data_name, in->data_len, in->oob_name,
                             in->oob_len, options->start_block, &n, error))
    return FALSE;

  local.format = layout.format;
  local.first_block = options->start_block;
  local.blocks = n;
  scratch = g_malloc ((gsize) d->page_size + d->oob_size);
  for (guint32 i = 0; i < n; i++)
    {
      if (cancelled (options, "import", i, n, error) ||
          !import_block (image, d, &layout, in, i, options->start_block + i, scratch, &local, error))
        return FALSE;
      if (options->progress)
        options->progress (i + 1, n, options->progress_data);
    }
  if (stats)
    *stats = local;
  return TRUE;
}

gboolean
fm_dump_export_to (const FmImage *image, const FmChipDesc *d, const FmDumpOptions *options,
                   gboolean want_oob, FmDumpSink sink, gpointer sink_data, GError **error)
{
  FmDumpLayout layout = options->layout;
  guint32 chip_blocks = fm_chip_desc_blocks (d);
  guint32 start = options->start_block, count = options->blocks;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *oob = NULL;
  gsize data_len, oob_len;

  if (layout.format == FM_DUMP_AUTO)
    layout.format = want_oob ? FM_DUMP_SEPARATE : FM_DUMP_INTERLEAVED;
  if (!fm_image_check_chip (image, d, error) || !fm_dump_layout_check (&layout, d, error))
    return FALSE;
  if (want_oob != (layout.format == FM_DUMP_SEPARATE))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DUMP_FORMAT,
                   want_oob ? "an OOB file goes only with the separate format, not %s"
                            : "the %s format needs an OOB file",
                   fm_dump_format_to_string (layout.format));
      return FALSE;
    }
  if (start >= chip_blocks || (guint64) start + count > chip_blocks)
    {
      if (start >= chip_blocks)
        g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                     "start block %u is beyond chip '%s' (blocks 0 to %u)",
                     start, d->name, chip_blocks - 1);
      else
        g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                     "%u blocks from block %u go beyond chip '%s' (blocks 0 to %u)",
                     count, start, d->name, chip_blocks - 1);
      return FALSE;
    }
  if (count == 0)
    count = chip_blocks - start;

  data_len = fm_dump_block_bytes (d, layout.format);
  oob_len = layout.format == FM_DUMP_SEPARATE ? (gsize) d->pages_per_block * d->oob_size : 0;
  data = g_malloc (data_len);
  oob = oob_len ? g_malloc (oob_len) : NULL;
  for (guint32 i = 0; i < count; i++)
    {
      if (cancelled (options, "export", i, count, error))
        return FALSE;
      physical_block (image, d, &layout, start + i, data, oob);
      if (!sink (data, data_len, oob, oob_len, sink_data, error))
        return FALSE;
      if (options->progress)
        options->progress (i + 1, count, options->progress_data);
    }
  return TRUE;
}

typedef struct {
  GByteArray *data;
  GByteArray *oob;
} ArraySink;

static gboolean
append_to_arrays (const guint8 *data, gsize data_len, const guint8 *oob, gsize oob_len,
                  gpointer user_data, GError **error)
{
  ArraySink *s = user_data;

  (void) error;
  g_byte_array_append (s->data, data, data_len);
  if (oob_len)
    g_byte_array_append (s->oob, oob, oob_len);
  return TRUE;
}

gboolean
fm_dump_export (const FmImage *image, const FmChipDesc *d, const FmDumpOptions *options,
                GByteArray *data, GByteArray *oob, GError **error)
{
  ArraySink s = { data, oob };

  return fm_dump_export_to (image, d, options, oob != NULL, append_to_arrays, &s, error);
}
