/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Picking parts out of the catalog by type, vendor and READ ID bytes. */
#include "chip-filter.h"

#include <string.h>

void
chip_filter_clear (ChipFilter *f)
{
  g_clear_pointer (&f->vendor, g_free);
}

gboolean
chip_filter_parse_id (ChipFilter *f, const gchar *text, GError **error)
{
  g_auto (GStrv) parts = g_strsplit_set (text, ": ,-", -1);
  guint n = 0;

  for (guint i = 0; parts[i]; i++)
    {
      const gchar *p = parts[i];
      gint hi, lo;

      if (!*p)
        continue;  /* "2c  dc", a trailing separator */
      if (g_str_has_prefix (p, "0x") || g_str_has_prefix (p, "0X"))
        p += 2;
      hi = g_ascii_xdigit_value (p[0]);
      lo = p[0] ? g_ascii_xdigit_value (p[1]) : -1;
      if (strlen (p) == 1 && hi >= 0)
        {
          lo = hi;
          hi = 0;
        }
      else if (strlen (p) != 2 || hi < 0 || lo < 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "ID bytes '%s': '%s' is not a hex byte", text, parts[i]);
          return FALSE;
        }
      if (n == FM_MAX_ID_BYTES)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "ID bytes '%s': more than %u bytes", text, FM_MAX_ID_BYTES);
          return FALSE;
        }
      f->id[n++] = (guint8) (hi << 4 | lo);
    }
  if (n == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "ID bytes '%s': no bytes", text);
      return FALSE;
    }
  f->id_len = n;
  return TRUE;
}

gboolean
chip_filter_parse_type (ChipFilter *f, const gchar *text, GError **error)
{
  static const FmChipType types[] = {
    FM_CHIP_NAND_SLC, FM_CHIP_NAND_MLC, FM_CHIP_NOR_CFI, FM_CHIP_SPI_NOR, FM_CHIP_SPI_NAND,
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_strcmp0 (text, fm_chip_type_to_string (types[i])) == 0)
      {
        f->by_type = TRUE;
        f->type = types[i];
        return TRUE;
      }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "type '%s': not one of nand-slc, nand-mlc, nor-cfi, spi-nor, spi-nand", text);
  return FALSE;
}

gboolean
chip_filter_matches (const ChipFilter *f, const FmChipDesc *d)
{
  guint common = MIN (f->id_len, d->id_len);

  if (f->by_type && d->type != f->type)
    return FALSE;
  if (f->vendor && g_ascii_strcasecmp (f->vendor, d->vendor) != 0)
    return FALSE;
  if (f->id_len && (d->id_len == 0 || memcmp (f->id, d->id, common) != 0))
    return FALSE;
  return TRUE;
}
