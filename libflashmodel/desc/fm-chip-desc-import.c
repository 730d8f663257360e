/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Descriptor text from a parameter table read off a real chip (ONFI
 * parameter page), with what the table does not carry marked "FILL IN".
 */
#include "fm-chip-desc-import.h"
#include "fm-error.h"
#include "fm-onfi.h"

#include <string.h>

#define ONFI_COPIES_LINUX 3  /* nand_onfi.c ONFI_PARAM_PAGES */

static gboolean G_GNUC_PRINTF (4, 5)
import_fail (GError **error, const gchar *origin, const gchar *field, const gchar *fmt, ...)
{
  g_autofree gchar *reason = NULL;
  va_list ap;

  va_start (ap, fmt);
  reason = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR, "%s: %s: %s", origin, field, reason);
  return FALSE;
}

/* A table string as a key file value: printable ASCII only (no line
 * breaks that would start a key of their own, no escapes). */
static gboolean
check_table_string (const gchar *s, const gchar *origin, const gchar *field, GError **error)
{
  for (const gchar *c = s; *c; c++)
    if (*c < 0x20 || *c > 0x7e || *c == '\\')
      return import_fail (error, origin, field, "byte %02Xh is not a printable character",
                          (guint) (guchar) *c);
  if (!*s)
    return import_fail (error, origin, field, "empty");
  return TRUE;
}

/* "micron-mt29f4g08abadawp" from the manufacturer and model strings. */
static gchar *
name_from (const gchar *vendor, const gchar *model)
{
  g_autofree gchar *joined = g_ascii_strdown (vendor, -1);
  g_autofree gchar *lower_model = g_ascii_strdown (model, -1);
  GString *name = g_string_new (NULL);
  gchar *both = g_strconcat (joined, "-", lower_model, NULL);

  for (const gchar *c = both; *c && name->len < FM_CHIP_NAME_MAX; c++)
    {
      gchar ch = g_ascii_isalnum (*c) ? *c : '-';

      if (ch == '-' && (name->len == 0 || name->str[name->len - 1] == '-'))
        continue;
      g_string_append_c (name, ch);
    }
  while (name->len && name->str[name->len - 1] == '-')
    g_string_truncate (name, name->len - 1);
  g_free (both);
  return g_string_free (name, FALSE);
}

static void
append_modes (GString *out, const gchar *key, guint16 modes)
{
  g_string_append_printf (out, "%s=", key);
  for (guint m = 0, n = 0; m < 16; m++)
    if (modes & (1u << m))
      g_string_append_printf (out, "%s%u", n++ ? ";" : "", m);
  g_string_append_c (out, '\n');
}

/* Picks the parameter page as Linux does: the first good copy, else the
 * bit-wise majority of three. */
static gboolean
pick_onfi_page (const guint8 *data, gsize len, const gchar *origin, guint8 *page,
                FmOnfiParams *params, GError **error)
{
  gsize copies = MIN (len / FM_ONFI_PARAM_PAGE_SIZE, ONFI_COPIES_LINUX);
  g_autoptr (GError) first_error = NULL;

  if (len < FM_ONFI_PARAM_PAGE_SIZE)
    return import_fail (error, origin, "parameter page",
                        "%" G_GSIZE_FORMAT " bytes, shorter than one %u-byte page",
                        len, FM_ONFI_PARAM_PAGE_SIZE);
  for (gsize i = 0; i < copies; i++)
    {
      g_autoptr (GError) copy_error = NULL;

      memcpy (page, data + i * FM_ONFI_PARAM_PAGE_SIZE, FM_ONFI_PARAM_PAGE_SIZE);
      if (fm_onfi_parse_param_page (page, params, &copy_error))
        return TRUE;
      if (!first_error)
        first_error = g_steal_pointer (&copy_error);
    }
  if (copies == ONFI_COPIES_LINUX)
    {
      for (guint b = 0; b < FM_ONFI_PARAM_PAGE_SIZE; b++)
        {
          const guint8 x = data[b], y = data[FM_ONFI_PARAM_PAGE_SIZE + b],
                       z = data[2 * FM_ONFI_PARAM_PAGE_SIZE + b];

          page[b] = (x & y) | (x & z) | (y & z);
        }
      if (fm_onfi_parse_param_page (page, params, NULL))
        return TRUE;
    }
  return import_fail (error, origin, "parameter page", "%s in each of %" G_GSIZE_FORMAT
                      " cop%s%s", first_error->message, copies, copies == 1 ? "y" : "ies",
                      copies == ONFI_COPIES_LINUX ? " and in their bit-wise majority" : "");
}

/* The ECC requirement from the extended parameter page (byte 112 = FFh):
 * its copies follow the NUM_PARAM_PAGES parameter pages. */
static gboolean
read_onfi_ext_ecc (const guint8 *data, gsize len, const FmOnfiParams *p, const gchar *origin,
                   FmOnfiExtEcc *ecc, GError **error)
{
  guint64 start = (guint64) FM_ONFI_PARAM_PAGE_SIZE * p->num_param_pages;
  guint64 ext_len = p->ext_param_page_len;
  g_autoptr (GError) first_error = NULL;

  if (p->version < 21 || ext_len == 0)
    return import_fail (error, origin, "ECC bits (byte 112)",
                        "FFh points at an extended parameter page the page does not announce");
  if (p->num_param_pages == 0)
    return import_fail (error, origin, "number of parameter pages (byte 14)", "0");
  for (guint64 at = start; at + ext_len <= len; at += ext_len)
    {
      g_autoptr (GError) copy_error = NULL;

      if (fm_onfi_parse_ext_param_page (data + at, ext_len, ecc, &copy_error))
        return TRUE;
      if (!first_error)
        first_error = g_steal_pointer (&copy_error);
      if (at - start >= ONFI_COPIES_LINUX * ext_len)
        break;
    }
  if (first_error)
    return import_fail (error, origin, "extended parameter page", "%s", first_error->message);
  return import_fail (error, origin, "extended parameter page",
                      "the file ends before byte %" G_GUINT64_FORMAT ", where the page would end",
                      start + ext_len);
}

gchar *
fm_chip_desc_from_onfi (const guint8 *data, gsize len, const gchar *origin, GError **error)
{
  static const struct { guint16 bit; const gchar *name; } commands[] = {
    { FM_ONFI_OPT_CACHE_PROGRAM, "cache-program" },
    { FM_ONFI_OPT_READ_CACHE, "read-cache" },
    { FM_ONFI_OPT_GET_SET_FEATURES, "get-set-features" },
    { FM_ONFI_OPT_READ_STATUS_ENHANCED, "read-status-enhanced" },
    { FM_ONFI_OPT_COPYBACK, "copyback" },
    { FM_ONFI_OPT_READ_UNIQUE_ID, "read-unique-id" },
  };
  static const struct { guint16 bit; const gchar *name; } features[] = {
    { FM_ONFI_FEATURE_MULTI_LUN, "multi-lun" },
    { FM_ONFI_FEATURE_NON_SEQ_PROG, "non-sequential-program" },
    { FM_ONFI_FEATURE_ODD_EVEN_COPYBACK, "odd-even-copyback" },
  };
  guint8 page[FM_ONFI_PARAM_PAGE_SIZE];
  FmOnfiParams p;
  guint ecc_bits, codeword = 512;
  guint64 endurance;
  gboolean multi_plane;
  g_autofree gchar *name = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (FmChipDesc) check = NULL;
  g_autoptr (GError) load_error = NULL;
  guint n;

  if (!pick_onfi_page (data, len, origin, page, &p, error))
    return NULL;
  if (p.version == 0)
    return import_fail (error, origin, "revision (bytes 4-5)", "no ONFI version bit set"), NULL;
  if (!check_table_string (p.manufacturer, origin, "manufacturer (bytes 32-43)", error) ||
      !check_table_string (p.model, origin, "model (bytes 44-63)", error))
    return NULL;
  if (p.plane_bits > 4)
    return import_fail (error, origin, "plane address bits (byte 113)", "%u, more than 16 planes",
                        p.plane_bits), NULL;
  ecc_bits = p.ecc_bits;
  endurance = p.endurance;
  if (ecc_bits == FM_ONFI_ECC_BITS_SEE_EXT)
    {
      FmOnfiExtEcc ext;

      if (!read_onfi_ext_ecc (data, len, &p, origin, &ext, error))
        return NULL;
      if (ext.codeword_log2 > 16)
        return import_fail (error, origin, "extended parameter page codeword size",
                            "2^%u bytes", ext.codeword_log2), NULL;
      ecc_bits = ext.ecc_bits;
      codeword = 1u << ext.codeword_log2;
    }
  multi_plane = (p.features & FM_ONFI_FEATURE_MULTI_PLANE) != 0;
  name = name_from (p.manufacturer, p.model);

  g_string_append_printf (out,
    "# %s %s, from the ONFI %u.%u parameter page in %s\n"
    "# (flashmodel descriptor --from-onfi). Lines marked \"" FM_DESC_IMPORT_FILL_IN "\" hold\n"
    "# defaults for what the parameter page does not carry: take them from the\n"
    "# datasheet (READ ID bytes, typical times, busy times, the bad block\n"
    "# marker, sequential programming, on-die ECC, feature addresses).\n",
    p.manufacturer, p.model, p.version / 10, p.version % 10, origin);
  g_string_append_printf (out, "[chip]\nname=%s\nvendor=%s\npart=%s\ntype=%s\n",
                          name, p.manufacturer, p.model, p.bits_per_cell > 1 ? "nand-mlc" : "nand-slc");
  g_string_append (out, FM_DESC_IMPORT_FILL_IN ": the datasheet's title\n");
  g_string_append_printf (out, "datasheet=ONFI parameter page read from %s\n", origin);
  g_string_append (out, "[id]\n" FM_DESC_IMPORT_FILL_IN ": READ ID 90h-00h; the table has only the JEDEC manufacturer ID\n");
  g_string_append_printf (out, "bytes=%02x;00\n", p.jedec_id);
  g_string_append_printf (out,
    "[geometry]\npage-size=%u\noob-size=%u\npages-per-block=%u\nblocks-per-lun=%u\n"
    "luns=%u\nplanes=%u\nbus-width=%u\n",
    p.page_size, p.oob_size, p.pages_per_block, p.blocks_per_lun, p.luns,
    1u << p.plane_bits, (p.features & FM_ONFI_FEATURE_16BIT) ? 16 : 8);
  g_string_append (out, "[commands]\n");
  n = 0;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (p.opt_cmd & commands[i].bit)
      g_string_append_printf (out, "%s%s", n++ ? ";" : "optional=", commands[i].name);
  if (multi_plane)
    g_string_append_printf (out, "%smulti-plane", n++ ? ";" : "optional=");
  g_string_append_printf (out, "%s[onfi]\nversion=%u.%u\nmanufacturer=%s\nmodel=%s\njedec-id=0x%02x\n",
                          n ? "\n" : "", p.version / 10, p.version % 10, p.manufacturer, p.model, p.jedec_id);
  n = 0;
  for (guint i = 0; i < G_N_ELEMENTS (features); i++)
    if (p.features & features[i].bit)
      g_string_append_printf (out, "%s%s", n++ ? ";" : "features=", features[i].name);
  if (n)
    g_string_append_c (out, '\n');
  append_modes (out, "timing-modes", p.timing_modes);
  if (p.cache_timing_modes)
    append_modes (out, "cache-timing-modes", p.cache_timing_modes);
  g_string_append_printf (out, "ecc-bits=%u\necc-codeword-size=%u\nguaranteed-valid-blocks=%u\n"
                          "guaranteed-block-endurance=%" G_GUINT64_FORMAT "\ntccs-ns=%u\ntadl-ns=%u\n"
                          "vendor-revision=%u\n",
                          ecc_bits, codeword, p.guaranteed_blocks, p.guaranteed_endurance,
                          p.t_ccs_ns, p.t_adl_ns, p.vendor_revision);
  if (p.opt_cmd & FM_ONFI_OPT_GET_SET_FEATURES)
    g_string_append (out, FM_DESC_IMPORT_FILL_IN ": the vendor feature addresses besides 01h (timing mode)\n"
                     "#feature-addresses=0x80;0x81\n");
  g_string_append (out, "[timing]\n"
                   "# the parameter page gives maximum times in whole microseconds\n");
  g_string_append_printf (out, "tR-max-us=%u\ntPROG-max-us=%u\ntBERS-max-us=%u\n",
                          p.t_r_us, p.t_prog_us, p.t_bers_us);
  g_string_append (out, FM_DESC_IMPORT_FILL_IN ": typical times; these are the maxima\n");
  g_string_append_printf (out, "tR-typ-us=%u\ntPROG-typ-us=%u\ntBERS-typ-us=%u\n",
                          p.t_r_us, p.t_prog_us, p.t_bers_us);
  if (p.opt_cmd & FM_ONFI_OPT_CACHE_PROGRAM)
    g_string_append_printf (out, FM_DESC_IMPORT_FILL_IN ": cache program busy\ntCBSY-typ-us=%u\ntCBSY-max-us=%u\n",
                            p.t_prog_us, p.t_prog_us);
  if (p.opt_cmd & FM_ONFI_OPT_READ_CACHE)
    g_string_append_printf (out, FM_DESC_IMPORT_FILL_IN ": cache read busy\ntRCBSY-typ-us=%u\ntRCBSY-max-us=%u\n",
                            p.t_r_us, p.t_r_us);
  if (multi_plane)
    g_string_append (out, FM_DESC_IMPORT_FILL_IN ": multi-plane dummy busy\ntDBSY-typ-us=1\ntDBSY-max-us=1\n");
  g_string_append_printf (out, "[reliability]\nnop=%u\npe-cycles=%" G_GUINT64_FORMAT "\nfactory-bad-blocks-max=%u\n",
                          p.nop, endurance, p.bad_blocks_max);
  g_string_append (out, FM_DESC_IMPORT_FILL_IN ": whether pages of a block must be programmed in order\n"
                   "sequential-program=true\n"
                   FM_DESC_IMPORT_FILL_IN ": the factory bad block marker (ONFI: byte 0 of the spare area of the first or last page)\n"
                   "bad-block-marker-offset=0\n"
                   "bad-block-marker-pages=first\n");
  if (p.bits_per_cell > 1)
    g_string_append (out, "[mlc]\n" FM_DESC_IMPORT_FILL_IN ": the paired page scheme (dist3 is Micron's and Hynix's)\n"
                     "pairing=dist3\n");

  check = fm_chip_desc_load_data (out->str, origin, &load_error);
  if (!check)
    return import_fail (error, origin, "parameter page",
                        "describes no part the model can load (%s)", load_error->message), NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}
