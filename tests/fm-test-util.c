/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-test-util.h"

#include <string.h>

static const gchar tiny_text[] =
  "[chip]\n"
  "name=test-tiny\n"
  "vendor=Test\n"
  "part=TINY-1\n"
  "type=nand-slc\n"
  "datasheet=none: a made-up part for unit tests\n"
  "[id]\n"
  "bytes=2c;dc;90;95;56\n"
  "[geometry]\n"
  "page-size=2048\n"
  "oob-size=64\n"
  "pages-per-block=8\n"
  "blocks-per-lun=64\n"
  "luns=1\n"
  "planes=2\n"
  "bus-width=8\n"
  "[commands]\n"
  "optional=cache-program;read-cache;get-set-features;read-status-enhanced;copyback;read-unique-id;multi-plane\n"
  "[onfi]\n"
  "version=1.0\n"
  "manufacturer=TEST\n"
  "model=TINY-1\n"
  "jedec-id=0x2c\n"
  "timing-modes=0;1;2;3;4;5\n"
  "ecc-bits=4\n"
  "feature-addresses=0x80;0x81\n"
  "[timing]\n"
  "tR-typ-us=25\n"
  "tR-max-us=25\n"
  "tPROG-typ-us=200\n"
  "tPROG-max-us=600\n"
  "tBERS-typ-us=700\n"
  "tBERS-max-us=3000\n"
  "tCBSY-typ-us=3\n"
  "tCBSY-max-us=600\n"
  "tRCBSY-typ-us=3\n"
  "tRCBSY-max-us=25\n"
  "tDBSY-typ-us=0.5\n"
  "tDBSY-max-us=1\n"
  "[reliability]\n"
  "nop=4\n"
  "sequential-program=true\n"
  "pe-cycles=100000\n"
  "factory-bad-blocks-max=4\n"
  "bad-block-marker-offset=0\n"
  "bad-block-marker-pages=first\n";

gchar *
fm_test_tiny_text_with (const gchar *group, const gchar *key, const gchar *line)
{
  g_auto (GStrv) lines = g_strsplit (tiny_text, "\n", -1);
  GString *out = g_string_new (NULL);
  g_autofree gchar *group_header = g_strdup_printf ("[%s]", group);
  g_autofree gchar *key_prefix = key ? g_strdup_printf ("%s=", key) : NULL;
  gboolean in_group = FALSE, done = FALSE;

  for (guint i = 0; lines[i]; i++)
    {
      if (lines[i][0] == '[')
        {
          /* Key absent from its group: add it before the next group. */
          if (in_group && !done && line)
            {
              g_string_append_printf (out, "%s\n", line);
              done = TRUE;
            }
          in_group = g_str_equal (lines[i], group_header);
        }
      if (in_group && key_prefix && g_str_has_prefix (lines[i], key_prefix))
        {
          if (line && *line)
            g_string_append_printf (out, "%s\n", line);
          done = TRUE;
          continue;
        }
      if (*lines[i])
        g_string_append_printf (out, "%s\n", lines[i]);
    }
  if (!done && line && *line)
    {
      if (!in_group)
        g_string_append_printf (out, "%s\n", group_header);
      g_string_append_printf (out, "%s\n", line);
    }
  return g_string_free (out, FALSE);
}

FmChipDesc *
fm_test_tiny_desc (const gchar *reliability_extra)
{
  g_autofree gchar *text = NULL;
  g_autoptr (GError) error = NULL;
  FmChipDesc *d;

  if (reliability_extra)
    {
      g_auto (GStrv) kv = g_strsplit (reliability_extra, "=", 2);

      text = fm_test_tiny_text_with ("reliability", kv[0], reliability_extra);
    }
  else
    text = g_strdup (tiny_text);
  d = fm_chip_desc_load_data (text, "test-tiny", &error);
  g_assert_no_error (error);
  return d;
}

FmChipDesc *
fm_test_chip (const gchar *name)
{
  g_autoptr (GError) error = NULL;
  FmChipDesc *d = fm_chip_desc_lookup (name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (d);
  return d;
}

FmNand *
fm_test_nand (const FmChipDesc *desc, guint64 seed, gint bad, FmTimingMode timing)
{
  FmNandCreateOptions options = { seed, bad };
  g_autoptr (GError) error = NULL;
  FmImage *image = fm_nand_create_image (desc, NULL, &options, &error);
  FmNand *nand;

  g_assert_no_error (error);
  nand = fm_nand_new (desc, image, timing, &error);
  g_assert_no_error (error);
  return nand;
}

guint8 *
fm_test_pattern (gsize len, guint64 seed)
{
  guint8 *buf = g_malloc (len);
  FmPrng prng;

  fm_prng_init (&prng, seed);
  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8) fm_prng_next (&prng);
  return buf;
}

void
fm_test_bus_init (FmTestBus *f, FmChipDesc *desc, FmNand *nand)
{
  f->desc = desc;
  f->nand = nand;
  f->bus = fm_nand_bus_new (nand);
  fm_nand_bus_set_ce (f->bus, TRUE);
  fm_nand_bus_command (f->bus, 0xff);
  fm_nand_bus_wait_ready (f->bus);
}

void
fm_test_bus_clear (FmTestBus *f)
{
  fm_nand_bus_free (f->bus);
  fm_nand_free (f->nand);
  fm_chip_desc_free (f->desc);
}

void
fm_test_bus_cmd_addr (FmNandBus *bus, guint8 cmd, const guint8 *addr, guint naddr)
{
  fm_nand_bus_command (bus, cmd);
  for (guint i = 0; i < naddr; i++)
    fm_nand_bus_address (bus, addr[i]);
}

guint
fm_test_bus_address (const FmChipDesc *d, guint32 block, guint page, guint column, guint8 *out)
{
  guint cols = fm_chip_desc_col_cycles (d);
  guint rows = fm_chip_desc_row_cycles (d);
  guint lun = block / d->blocks_per_lun;
  guint32 row = (lun << (fm_chip_desc_page_bits (d) + fm_chip_desc_block_bits (d)))
                | ((block % d->blocks_per_lun) << fm_chip_desc_page_bits (d)) | page;
  guint n = 0;

  column /= d->bus_width / 8;
  for (guint i = 0; i < cols; i++)
    out[n++] = (column >> (8 * i)) & 0xff;
  for (guint i = 0; i < rows; i++)
    out[n++] = (row >> (8 * i)) & 0xff;
  return n;
}

guint8
fm_test_bus_status (FmNandBus *bus)
{
  fm_nand_bus_command (bus, 0x70);
  return fm_nand_bus_read (bus) & 0xff;
}

guint8
fm_test_bus_program (FmNandBus *bus, const FmChipDesc *d, guint32 block, guint page,
                     guint column, const guint8 *data, gsize len, guint8 confirm)
{
  guint8 addr[8];
  guint n = fm_test_bus_address (d, block, page, column, addr);

  fm_test_bus_cmd_addr (bus, 0x80, addr, n);
  fm_nand_bus_write_buf (bus, data, len);
  fm_nand_bus_command (bus, confirm);
  fm_nand_bus_wait_ready (bus);
  return fm_test_bus_status (bus);
}

guint8
fm_test_bus_read (FmNandBus *bus, const FmChipDesc *d, guint32 block, guint page,
                  guint column, guint8 *out, gsize len)
{
  guint8 addr[8];
  guint n = fm_test_bus_address (d, block, page, column, addr);
  guint8 status;

  fm_test_bus_cmd_addr (bus, 0x00, addr, n);
  fm_nand_bus_command (bus, 0x30);
  fm_nand_bus_wait_ready (bus);
  status = fm_test_bus_status (bus);
  fm_nand_bus_command (bus, 0x00); /* back to data output after 70h */
  fm_nand_bus_read_buf (bus, out, len);
  return status;
}
