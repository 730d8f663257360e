/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Descriptor text from a parameter table read off a real chip (ONFI or
 * JEDEC parameter page, SFDP), with what the table does not carry marked
 * "FILL IN".
 */
#include "fm-chip-desc-import.h"
#include "fm-error.h"
#include "fm-jedec.h"
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

/* The optional commands both parameter pages number alike (bits 0-5). */
static const struct { guint16 bit; const gchar *name; } param_commands[] = {
  { FM_ONFI_OPT_CACHE_PROGRAM, "cache-program" },
  { FM_ONFI_OPT_READ_CACHE, "read-cache" },
  { FM_ONFI_OPT_GET_SET_FEATURES, "get-set-features" },
  { FM_ONFI_OPT_READ_STATUS_ENHANCED, "read-status-enhanced" },
  { FM_ONFI_OPT_COPYBACK, "copyback" },
  { FM_ONFI_OPT_READ_UNIQUE_ID, "read-unique-id" },
};

typedef struct { guint16 bit; const gchar *name; } FeatureName;

/* What a parameter page (ONFI or JEDEC) says, in the descriptor's terms. */
typedef struct {
  const gchar *table;        /* "ONFI 1.0", "JEDEC (JESD230)" */
  const gchar *option;       /* the command line option that reads it */
  const gchar *group;        /* "onfi", "jedec" */
  const gchar *version;      /* the group's version value */
  const gchar *plane_field;  /* where the plane address bits are */
  const gchar *manufacturer, *model;
  guint8 jedec_id;
  guint32 page_size, oob_size, pages_per_block, blocks_per_lun;
  guint luns, plane_bits, bits_per_cell, nop;
  gboolean x16, multi_plane;
  guint32 opt_cmd;
  guint16 features;
  const FeatureName *feature_names;
  guint n_feature_names;
  guint16 timing_modes, cache_timing_modes;
  guint ecc_bits, codeword;
  guint guaranteed_blocks;
  guint64 guaranteed_endurance, endurance;
  guint t_ccs_ns, t_adl_ns, vendor_revision;
  guint t_r_us, t_prog_us, t_bers_us;
  guint bad_blocks_max;
} ParamPageFacts;

/* The descriptor text of F, loaded back before it is returned. */
static gchar *
desc_from_param_page (const ParamPageFacts *f, const gchar *origin, GError **error)
{
  g_autofree gchar *name = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (FmChipDesc) check = NULL;
  g_autoptr (GError) load_error = NULL;
  guint n;

  if (!check_table_string (f->manufacturer, origin, "manufacturer (bytes 32-43)", error) ||
      !check_table_string (f->model, origin, "model (bytes 44-63)", error))
    return NULL;
  if (f->plane_bits > 4)
    return import_fail (error, origin, f->plane_field, "%u, more than 16 planes",
                        f->plane_bits), NULL;
  name = name_from (f->manufacturer, f->model);

  g_string_append_printf (out,
    "# %s %s, from the %s parameter page in %s\n"
    "# (flashmodel descriptor %s). Lines marked \"" FM_DESC_IMPORT_FILL_IN "\" hold\n"
    "# defaults for what the parameter page does not carry: take them from the\n"
    "# datasheet (READ ID bytes, typical times, busy times, the bad block\n"
    "# marker, sequential programming, on-die ECC, feature addresses).\n",
    f->manufacturer, f->model, f->table, origin, f->option);
  g_string_append_printf (out, "[chip]\nname=%s\nvendor=%s\npart=%s\ntype=%s\n",
                          name, f->manufacturer, f->model, f->bits_per_cell > 1 ? "nand-mlc" : "nand-slc");
  g_string_append (out, FM_DESC_IMPORT_FILL_IN ": the datasheet's title\n");
  g_string_append_printf (out, "datasheet=%s parameter page read from %s\n",
                          strcmp (f->group, "onfi") == 0 ? "ONFI" : "JEDEC", origin);
  g_string_append (out, "[id]\n" FM_DESC_IMPORT_FILL_IN ": READ ID 90h-00h; the table has only the JEDEC manufacturer ID\n");
  g_string_append_printf (out, "bytes=%02x;00\n", f->jedec_id);
  g_string_append_printf (out,
    "[geometry]\npage-size=%u\noob-size=%u\npages-per-block=%u\nblocks-per-lun=%u\n"
    "luns=%u\nplanes=%u\nbus-width=%u\n",
    f->page_size, f->oob_size, f->pages_per_block, f->blocks_per_lun, f->luns,
    1u << f->plane_bits, f->x16 ? 16 : 8);
  g_string_append (out, FM_DESC_IMPORT_FILL_IN ": chip enables, if the package has more than one\n"
                   "#chip-enables=2\n");
  g_string_append (out, "[commands]\n");
  n = 0;
  for (guint i = 0; i < G_N_ELEMENTS (param_commands); i++)
    if (f->opt_cmd & param_commands[i].bit)
      g_string_append_printf (out, "%s%s", n++ ? ";" : "optional=", param_commands[i].name);
  if (f->multi_plane)
    g_string_append_printf (out, "%smulti-plane", n++ ? ";" : "optional=");
  g_string_append_printf (out, "%s[%s]\nversion=%s\nmanufacturer=%s\nmodel=%s\njedec-id=0x%02x\n",
                          n ? "\n" : "", f->group, f->version, f->manufacturer, f->model, f->jedec_id);
  n = 0;
  for (guint i = 0; i < f->n_feature_names; i++)
    if (f->features & f->feature_names[i].bit)
      g_string_append_printf (out, "%s%s", n++ ? ";" : "features=", f->feature_names[i].name);
  if (n)
    g_string_append_c (out, '\n');
  append_modes (out, "timing-modes", f->timing_modes);
  if (f->cache_timing_modes)
    append_modes (out, "cache-timing-modes", f->cache_timing_modes);
  g_string_append_printf (out, "ecc-bits=%u\necc-codeword-size=%u\nguaranteed-valid-blocks=%u\n"
                          "guaranteed-block-endurance=%" G_GUINT64_FORMAT "\ntccs-ns=%u\ntadl-ns=%u\n"
                          "vendor-revision=%u\n",
                          f->ecc_bits, f->codeword, f->guaranteed_blocks, f->guaranteed_endurance,
                          f->t_ccs_ns, f->t_adl_ns, f->vendor_revision);
  if (f->opt_cmd & FM_ONFI_OPT_GET_SET_FEATURES)
    g_string_append (out, FM_DESC_IMPORT_FILL_IN ": the vendor feature addresses besides 01h (timing mode)\n"
                     "#feature-addresses=0x80;0x81\n");
  g_string_append (out, "[timing]\n"
                   "# the parameter page gives maximum times in whole microseconds\n");
  g_string_append_printf (out, "tR-max-us=%u\ntPROG-max-us=%u\ntBERS-max-us=%u\n",
                          f->t_r_us, f->t_prog_us, f->t_bers_us);
  g_string_append (out, FM_DESC_IMPORT_FILL_IN ": typical times; these are the maxima\n");
  g_string_append_printf (out, "tR-typ-us=%u\ntPROG-typ-us=%u\ntBERS-typ-us=%u\n",
                          f->t_r_us, f->t_prog_us, f->t_bers_us);
  if (f->opt_cmd & FM_ONFI_OPT_CACHE_PROGRAM)
    g_string_append_printf (out, FM_DESC_IMPORT_FILL_IN ": cache program busy\ntCBSY-typ-us=%u\ntCBSY-max-us=%u\n",
                            f->t_prog_us, f->t_prog_us);
  if (f->opt_cmd & FM_ONFI_OPT_READ_CACHE)
    g_string_append_printf (out, FM_DESC_IMPORT_FILL_IN ": cache read busy\ntRCBSY-typ-us=%u\ntRCBSY-max-us=%u\n",
                            f->t_r_us, f->t_r_us);
  if (f->multi_plane)
    g_string_append (out, FM_DESC_IMPORT_FILL_IN ": multi-plane dummy busy\ntDBSY-typ-us=1\ntDBSY-max-us=1\n");
  g_string_append_printf (out, "[reliability]\nnop=%u\npe-cycles=%" G_GUINT64_FORMAT "\nfactory-bad-blocks-max=%u\n",
                          f->nop, f->endurance, f->bad_blocks_max);
  g_string_append (out, FM_DESC_IMPORT_FILL_IN ": whether pages of a block must be programmed in order\n"
                   "sequential-program=true\n"
                   FM_DESC_IMPORT_FILL_IN ": the factory bad block marker (often byte 0 of the spare area of the first or last page)\n"
                   "bad-block-marker-offset=0\n"
                   "bad-block-marker-pages=first\n");
  if (f->bits_per_cell > 1)
    g_string_append (out, "[mlc]\n" FM_DESC_IMPORT_FILL_IN ": the paired page scheme (dist3 is Micron's and Hynix's)\n"
                     "pairing=dist3\n");

  check = fm_chip_desc_load_data (out->str, origin, &load_error);
  if (!check)
    return import_fail (error, origin, "parameter page",
                        "describes no part the model can load (%s)", load_error->message), NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gchar *
fm_chip_desc_from_onfi (const guint8 *data, gsize len, const gchar *origin, GError **error)
{
  static const FeatureName features[] = {
    { FM_ONFI_FEATURE_MULTI_LUN, "multi-lun" },
    { FM_ONFI_FEATURE_NON_SEQ_PROG, "non-sequential-program" },
    { FM_ONFI_FEATURE_ODD_EVEN_COPYBACK, "odd-even-copyback" },
  };
  guint8 page[FM_ONFI_PARAM_PAGE_SIZE];
  FmOnfiParams p;
  g_autofree gchar *version = NULL;
  g_autofree gchar *table = NULL;
  ParamPageFacts f = { 0 };

  if (!pick_onfi_page (data, len, origin, page, &p, error))
    return NULL;
  if (p.version == 0)
    return import_fail (error, origin, "revision (bytes 4-5)", "no ONFI version bit set"), NULL;
  f.ecc_bits = p.ecc_bits;
  f.codeword = 512;
  if (p.ecc_bits == FM_ONFI_ECC_BITS_SEE_EXT)
    {
      FmOnfiExtEcc ext;

      if (!read_onfi_ext_ecc (data, len, &p, origin, &ext, error))
        return NULL;
      if (ext.codeword_log2 > 16)
        return import_fail (error, origin, "extended parameter page codeword size",
                            "2^%u bytes", ext.codeword_log2), NULL;
      f.ecc_bits = ext.ecc_bits;
      f.codeword = 1u << ext.codeword_log2;
    }
  version = g_strdup_printf ("%u.%u", p.version / 10, p.version % 10);
  table = g_strdup_printf ("ONFI %s", version);
  f.table = table;
  f.option = "--from-onfi";
  f.group = "onfi";
  f.plane_field = "plane address bits (byte 113)";
  f.version = version;
  f.manufacturer = p.manufacturer;
  f.model = p.model;
  f.jedec_id = p.jedec_id;
  f.page_size = p.page_size;
  f.oob_size = p.oob_size;
  f.pages_per_block = p.pages_per_block;
  f.blocks_per_lun = p.blocks_per_lun;
  f.luns = p.luns;
  f.plane_bits = p.plane_bits;
  f.bits_per_cell = p.bits_per_cell;
  f.nop = p.nop;
  f.x16 = (p.features & FM_ONFI_FEATURE_16BIT) != 0;
  f.multi_plane = (p.features & FM_ONFI_FEATURE_MULTI_PLANE) != 0;
  f.opt_cmd = p.opt_cmd;
  f.features = p.features;
  f.feature_names = features;
  f.n_feature_names = G_N_ELEMENTS (features);
  f.timing_modes = p.timing_modes;
  f.cache_timing_modes = p.cache_timing_modes;
  f.guaranteed_blocks = p.guaranteed_blocks;
  f.guaranteed_endurance = p.guaranteed_endurance;
  f.endurance = p.endurance;
  f.t_ccs_ns = p.t_ccs_ns;
  f.t_adl_ns = p.t_adl_ns;
  f.vendor_revision = p.vendor_revision;
  f.t_r_us = p.t_r_us;
  f.t_prog_us = p.t_prog_us;
  f.t_bers_us = p.t_bers_us;
  f.bad_blocks_max = p.bad_blocks_max;
  return desc_from_param_page (&f, origin, error);
}

/* ---- JEDEC (JESD230) ---------------------------------------------------- */

gchar *
fm_chip_desc_from_jedec (const guint8 *data, gsize len, const gchar *origin, GError **error)
{
  static const FeatureName features[] = {
    { FM_JEDEC_FEATURE_MULTI_LUN, "multi-lun" },
    { FM_JEDEC_FEATURE_NON_SEQ_PROG, "non-sequential-program" },
  };
  gsize copies = MIN (len / FM_JEDEC_PARAM_PAGE_SIZE, FM_JEDEC_PARAM_PAGE_COPIES);
  g_autoptr (GError) first_error = NULL;
  FmJedecParams p;
  ParamPageFacts f = { 0 };
  gsize i;

  if (len < FM_JEDEC_PARAM_PAGE_SIZE)
    return import_fail (error, origin, "parameter page",
                        "%" G_GSIZE_FORMAT " bytes, shorter than one %u-byte JEDEC page",
                        len, FM_JEDEC_PARAM_PAGE_SIZE), NULL;
  /* nand_jedec_detect(): the first of three copies whose CRC holds (no
   * bit-wise majority, unlike ONFI). */
  for (i = 0; i < copies; i++)
    {
      g_autoptr (GError) copy_error = NULL;

      if (fm_jedec_parse_param_page (data + i * FM_JEDEC_PARAM_PAGE_SIZE, &p, &copy_error))
        break;
      if (!first_error)
        first_error = g_steal_pointer (&copy_error);
    }
  if (i == copies)
    return import_fail (error, origin, "parameter page", "%s in each of %" G_GSIZE_FORMAT " cop%s",
                        first_error->message, copies, copies == 1 ? "y" : "ies"), NULL;
  if (p.codeword_log2 > 16)
    return import_fail (error, origin, "ECC codeword size (byte 212)", "2^%u bytes",
                        p.codeword_log2), NULL;
  f.table = "JEDEC (JESD230)";
  f.option = "--from-jedec";
  f.group = "jedec";
  f.plane_field = "plane address bits (byte 104)";
  f.version = p.version == FM_JEDEC_VERSION_1_0 ? "1.0" : "vendor";
  f.manufacturer = p.manufacturer;
  f.model = p.model;
  f.jedec_id = p.jedec_id;
  f.page_size = p.page_size;
  f.oob_size = p.oob_size;
  f.pages_per_block = p.pages_per_block;
  f.blocks_per_lun = p.blocks_per_lun;
  f.luns = p.luns;
  f.plane_bits = p.plane_bits;
  f.bits_per_cell = p.bits_per_cell;
  f.nop = p.nop;
  f.x16 = (p.features & FM_JEDEC_FEATURE_16BIT) != 0;
  f.multi_plane = (p.features & FM_JEDEC_FEATURE_MULTI_PLANE) != 0;
  f.opt_cmd = p.opt_cmd;
  f.features = p.features;
  f.feature_names = features;
  f.n_feature_names = G_N_ELEMENTS (features);
  f.timing_modes = p.timing_modes;
  f.ecc_bits = p.ecc_bits;
  f.codeword = 1u << p.codeword_log2;
  f.guaranteed_blocks = p.guaranteed_valid_blocks;
  f.guaranteed_endurance = p.guaranteed_block_endurance;
  f.endurance = p.endurance;
  f.t_ccs_ns = p.t_ccs_ns;
  f.t_adl_ns = p.t_adl_ns;
  f.vendor_revision = p.vendor_revision;
  f.t_r_us = p.t_r_us;
  f.t_prog_us = p.t_prog_us;
  f.t_bers_us = p.t_bers_us;
  f.bad_blocks_max = p.bad_blocks_max;
  return desc_from_param_page (&f, origin, error);
}

/* ---- SFDP (JESD216B) ---------------------------------------------------- */

#define SFDP_HEADER_SIZE 8
#define SFDP_PARAM_HEADER_SIZE 8
#define SFDP_BFPT_ID 0xff00
#define SFDP_4BAIT_ID 0xff84
#define SFDP_BFPT_DWORDS_B 16   /* JESD216B: the model needs DWORDs 10-16 */

static guint32
get_le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* A BFPT time: COUNT_BITS of count (stored minus one), the unit index
 * right above, from bit SHIFT of DW. */
static guint64
decode_time (guint32 dw, guint shift, guint count_bits, const guint64 *units, guint unit_bits)
{
  guint32 count = (dw >> shift) & ((1u << count_bits) - 1);
  guint32 unit = (dw >> (shift + count_bits)) & ((1u << unit_bits) - 1);

  return (guint64) (count + 1) * units[unit];
}

/* Finds parameter table ID (its latest, as Linux takes the first BFPT);
 * TABLE and DWORDS receive it, checked to lie inside the file. */
static gboolean
find_sfdp_table (const guint8 *data, gsize len, guint n_headers, guint16 id, const gchar *origin,
                 const guint8 **table, guint *dwords, GError **error)
{
  for (guint i = 0; i < n_headers; i++)
    {
      const guint8 *h = data + SFDP_HEADER_SIZE + (gsize) i * SFDP_PARAM_HEADER_SIZE;
      guint64 at = (guint64) h[4] | (guint64) h[5] << 8 | (guint64) h[6] << 16;

      if ((guint16) (h[0] | h[7] << 8) != id)
        continue;
      if (at + 4 * (guint64) h[3] > len)
        {
          import_fail (error, origin, id == SFDP_BFPT_ID ? "BFPT parameter header" : "4BAIT parameter header",
                       "the table at %" G_GUINT64_FORMAT " of %u DWORDs ends after the file's %" G_GSIZE_FORMAT " bytes",
                       at, h[3], len);
          return FALSE;
        }
      *table = data + at;
      *dwords = h[3];
      return TRUE;
    }
  *table = NULL;
  *dwords = 0;
  return TRUE;
}

gchar *
fm_chip_desc_from_sfdp (const guint8 *data, gsize len, const gchar *origin, GError **error)
{
  /* As fm-sfdp.c encodes them. */
  static const guint64 erase_units[] = { 1000000, 16000000, 128000000, 1000000000 };
  static const guint64 chip_erase_units[] = { 16000000, 256000000, 4000000000, 64000000000 };
  static const guint64 page_program_units[] = { 8000, 64000 };
  static const guint64 byte_program_units[] = { 1000, 8000 };
  static const struct { guint32 dw1_bit; guint dword; guint shift; guint8 opcode; const gchar *name; } reads[] = {
    { 1u << 16, 4, 0, 0x3b, "1-1-2" },
    { 1u << 20, 4, 16, 0xbb, "1-2-2" },
    { 1u << 22, 3, 16, 0x6b, "1-1-4" },
    { 1u << 21, 3, 0, 0xeb, "1-4-4" },
  };
  const guint8 *bfpt_bytes = NULL, *bait_bytes = NULL;
  guint bfpt_dwords = 0, bait_dwords = 0, n_headers, qer, mult, n;
  guint32 bfpt[SFDP_BFPT_DWORDS_B], bait_opcodes = G_MAXUINT32, bait_supported = 0;
  guint64 size, chip_typ, page_typ, byte_typ;
  gboolean four_byte;
  const gchar *quad_enable;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (FmChipDesc) check = NULL;
  g_autoptr (GError) load_error = NULL;

  if (len < SFDP_HEADER_SIZE + SFDP_PARAM_HEADER_SIZE)
    return import_fail (error, origin, "SFDP header", "%" G_GSIZE_FORMAT " bytes, shorter than the header and one parameter header",
                        len), NULL;
  if (get_le32 (data) != 0x50444653u)
    return import_fail (error, origin, "SFDP signature (bytes 0-3)", "not \"SFDP\""), NULL;
  if (data[5] != 1)
    return import_fail (error, origin, "SFDP major revision (byte 5)", "%u, not 1", data[5]), NULL;
  n_headers = MIN ((guint) data[6] + 1, (guint) ((len - SFDP_HEADER_SIZE) / SFDP_PARAM_HEADER_SIZE));
  if (!find_sfdp_table (data, len, n_headers, SFDP_BFPT_ID, origin, &bfpt_bytes, &bfpt_dwords, error) ||
      !find_sfdp_table (data, len, n_headers, SFDP_4BAIT_ID, origin, &bait_bytes, &bait_dwords, error))
    return NULL;
  if (!bfpt_bytes)
    return import_fail (error, origin, "parameter headers", "no Basic Flash Parameter Table (ID FF00h)"), NULL;
  if (bfpt_dwords < SFDP_BFPT_DWORDS_B)
    return import_fail (error, origin, "BFPT length", "%u DWORDs; the model needs the %u of JESD216B (erase and program times, quad enable, 4-byte mode)",
                        bfpt_dwords, SFDP_BFPT_DWORDS_B), NULL;
  for (guint i = 0; i < SFDP_BFPT_DWORDS_B; i++)
    bfpt[i] = get_le32 (bfpt_bytes + 4 * i);
  if (bait_bytes && bait_dwords >= 2)
    {
      bait_supported = get_le32 (bait_bytes);
      bait_opcodes = get_le32 (bait_bytes + 4);
    }

  if (bfpt[1] & (1u << 31))
    {
      guint exp = bfpt[1] & 0x7fffffff;

      if (exp < 15 || exp > 35)
        return import_fail (error, origin, "BFPT DWORD 2 (density)", "2^%u bits, not 4 KiB to 4 GiB", exp), NULL;
      size = (G_GUINT64_CONSTANT (1) << exp) / 8;
    }
  else
    size = ((guint64) bfpt[1] + 1) / 8;

  qer = (bfpt[14] >> 20) & 7;
  quad_enable = qer == 0 ? "none" : qer == 2 ? "sr1-bit6" : qer == 5 ? "sr2-bit1" : NULL;
  if (!quad_enable)
    return import_fail (error, origin, "BFPT DWORD 15 (quad enable requirements)",
                        "QER %u, a quad enable the model does not have (it has 000b, 010b, 101b)", qer), NULL;
  four_byte = (bfpt[15] >> 24) & 1;  /* 4-byte mode entered with B7h */

  chip_typ = decode_time (bfpt[10], 24, 5, chip_erase_units, 2);
  byte_typ = decode_time (bfpt[10], 14, 4, byte_program_units, 1);
  page_typ = decode_time (bfpt[10], 8, 5, page_program_units, 1);
  mult = bfpt[10] & 0xf;

  g_string_append_printf (out,
    "# A serial NOR part, from the SFDP (JESD216 %u.%u) in %s\n"
    "# (flashmodel descriptor --from-sfdp). Lines marked \"" FM_DESC_IMPORT_FILL_IN "\" hold\n"
    "# defaults for what SFDP does not carry: take them from the datasheet\n"
    "# (names, the JEDEC ID, endurance, block protection, suspend and write\n"
    "# status times). SFDP gives typical times and one multiplier to the\n"
    "# maxima; the times here are those.\n",
    data[5], data[4], origin);
  g_string_append (out, "[chip]\n" FM_DESC_IMPORT_FILL_IN ": name (also the file's), vendor, part and datasheet\n"
                   "name=sfdp-part\nvendor=Unknown\npart=Unknown\ntype=spi-nor\n");
  g_string_append_printf (out, "datasheet=SFDP read from %s\n", origin);
  g_string_append_printf (out, "[nor]\nsize=%" G_GUINT64_FORMAT "\nprogram-buffer=%u\n",
                          size, 1u << ((bfpt[10] >> 4) & 0xf));
  g_string_append (out, FM_DESC_IMPORT_FILL_IN ": rated P/E cycles per sector\npe-cycles=100000\n");
  g_string_append_printf (out, "[nor-timing]\nword-program-typ-us=%" G_GUINT64_FORMAT "\nword-program-max-us=%" G_GUINT64_FORMAT "\n"
                          "buffer-program-typ-us=%" G_GUINT64_FORMAT "\nbuffer-program-max-us=%" G_GUINT64_FORMAT "\n",
                          byte_typ / 1000, 2 * (mult + 1) * byte_typ / 1000,
                          page_typ / 1000, 2 * (mult + 1) * page_typ / 1000);
  g_string_append_printf (out, "chip-erase-typ-ms=%" G_GUINT64_FORMAT "\nchip-erase-max-ms=%" G_GUINT64_FORMAT "\n",
                          chip_typ / 1000000, 2 * ((bfpt[9] & 0xf) + 1) * chip_typ / 1000000);
  g_string_append (out, FM_DESC_IMPORT_FILL_IN ": suspend latency and Write Status Register time (tW)\n"
                   "suspend-us=20\nwrite-status-typ-ms=10\nwrite-status-max-ms=15\n");
  g_string_append (out, "[spi]\n" FM_DESC_IMPORT_FILL_IN ": Read JEDEC ID (9Fh): manufacturer, memory type, capacity\n"
                   "jedec-id=00;00;00\n");
  g_string_append (out, "erase-types=");
  n = 0;
  for (guint i = 0; i < 4; i++)
    {
      guint32 half = (bfpt[7 + i / 2] >> (16 * (i % 2))) & 0xffff;
      guint size_log2 = half & 0xff;
      guint64 typ;

      if (size_log2 == 0)
        continue;  /* not present */
      if (size_log2 > 32)
        return import_fail (error, origin, "BFPT DWORDs 8-9 (erase types)",
                            "erase type %u of 2^%u bytes", i + 1, size_log2), NULL;
      typ = decode_time (bfpt[9], 4 + 7 * i, 5, erase_units, 2);
      g_string_append_printf (out, "%s%" G_GUINT64_FORMAT "@0x%02x", n++ ? ";" : "",
                              G_GUINT64_CONSTANT (1) << size_log2, half >> 8);
      if (four_byte && (bait_supported & (1u << (9 + i))))
        g_string_append_printf (out, "/0x%02x", (bait_opcodes >> (8 * i)) & 0xff);
      g_string_append_printf (out, ":%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                              typ / 1000000, 2 * ((bfpt[9] & 0xf) + 1) * typ / 1000000);
    }
  g_string_append_c (out, '\n');
  n = 0;
  for (guint i = 0; i < G_N_ELEMENTS (reads); i++)
    if (bfpt[0] & reads[i].dw1_bit)
      {
        guint32 half = (bfpt[reads[i].dword - 1] >> reads[i].shift) & 0xffff;

        /* The model answers each mode at its usual instruction only. */
        if ((half >> 8) != reads[i].opcode)
          return import_fail (error, origin, "BFPT DWORDs 3-4 (fast read instructions)",
                              "%s read at %02Xh, the model has it at %02Xh", reads[i].name,
                              half >> 8, reads[i].opcode), NULL;
        g_string_append_printf (out, "%s%s:%u", n++ ? ";" : "read-modes=", reads[i].name,
                                ((half >> 5) & 7) + (half & 0x1f));
      }
  if (n)
    g_string_append_c (out, '\n');
  g_string_append_printf (out, "four-byte=%s\nquad-enable=%s\n", four_byte ? "true" : "false", quad_enable);
  g_string_append (out, FM_DESC_IMPORT_FILL_IN ": block protect bits in status register 1 and the TB bit\n"
                   "block-protect-bits=3\ntop-bottom-bit=false\n");

  check = fm_chip_desc_load_data (out->str, origin, &load_error);
  if (!check)
    return import_fail (error, origin, "SFDP",
                        "describes no part the model can load (%s)", load_error->message), NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}
