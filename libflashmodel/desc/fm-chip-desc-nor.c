/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NOR descriptors: [nor], [nor-timing] and [cfi] (parallel NOR) or [spi]
 * (serial NOR), and the NAND-style array geometry derived from them: the
 * NOR model keeps its cells in the NAND array code, one array page per
 * program buffer (SPI page) and one array block per smallest erase sector.
 */
#include "fm-chip-desc-loader.h"

#include <string.h>

typedef FmDescLoader Loader;

static const gchar *const nor_keys[] = {
  "size", "erase-regions", "program-buffer", "pe-cycles", "wearout-shape",
  "wearout-scale", NULL };
static const gchar *const nor_timing_keys[] = {
  "word-program-typ-us", "word-program-max-us", "buffer-program-typ-us",
  "buffer-program-max-us", "sector-erase-typ-ms", "sector-erase-max-ms",
  "chip-erase-typ-ms", "chip-erase-max-ms", "suspend-us",
  "write-status-typ-ms", "write-status-max-ms", NULL };
static const gchar *const cfi_keys[] = {
  "command-set", "bus-widths", "manufacturer-id", "device-id", "vcc-min-mv",
  "vcc-max-mv", "vpp-min-mv", "vpp-max-mv", "primary-table-address",
  "primary-table", NULL };
static const gchar *const spi_keys[] = {
  "jedec-id", "erase-types", "read-modes", "four-byte", "block-protect-bits",
  "top-bottom-bit", "quad-enable", NULL };

const FmDescGroup fm_desc_nor_groups[] = {
  { "nor", nor_keys, FM_DESC_NOR },
  { "nor-timing", nor_timing_keys, FM_DESC_NOR },
  { "cfi", cfi_keys, FM_DESC_CFI },
  { "spi", spi_keys, FM_DESC_SPI },
  { NULL, NULL, 0 }
};

/* 4-byte addresses (SPI) and the CFI device size byte both stop at 4 GiB. */
#define MAX_NOR_SIZE (G_GUINT64_CONSTANT (1) << 32)
/* Beyond this a 3-byte address cannot reach. */
#define THREE_BYTE_LIMIT (G_GUINT64_CONSTANT (1) << 24)
/* The CFI query structure ends here. */
#define CFI_QUERY_END 0x100

static const struct {
  const gchar *name;
  FmSpiReadModes mode;
} read_mode_names[] = {
  { "1-1-2", FM_SPI_READ_1_1_2 },
  { "1-2-2", FM_SPI_READ_1_2_2 },
  { "1-1-4", FM_SPI_READ_1_1_4 },
  { "1-4-4", FM_SPI_READ_1_4_4 },
};

static const gchar *const quad_enable_names[] = {
  [FM_SPI_QE_NONE] = "none",
  [FM_SPI_QE_SR2_BIT1] = "sr2-bit1",
  [FM_SPI_QE_SR1_BIT6] = "sr1-bit6",
};

static gboolean
is_pow2 (guint64 v)
{
  return v && !(v & (v - 1));
}

static gboolean
require_group (const Loader *ld, const gchar *group, GError **error)
{
  if (!g_key_file_has_group (ld->kf, group))
    return fm_desc_fail (ld, error, group, NULL, "required group is missing");
  return TRUE;
}

/* KEY belongs to the other kind of NOR part; WHY says where its fact goes. */
static gboolean
reject_key (const Loader *ld, const gchar *group, const gchar *key,
            const gchar *why, GError **error)
{
  if (g_key_file_has_key (ld->kf, group, key, NULL))
    return fm_desc_fail (ld, error, group, key, "%s", why);
  return TRUE;
}

static gboolean
load_nor_group (const Loader *ld, FmChipDesc *d, GError **error)
{
  FmNorDesc *n = &d->nor;
  guint64 size = 0, buffer = 0, pe = 0;

  d->wearout_shape = 4.0;
  d->wearout_scale = 2.5;
  if (!require_group (ld, "nor", error) ||
      !fm_desc_get_uint (ld, "nor", "size", TRUE, 4096, MAX_NOR_SIZE, &size, error) ||
      !fm_desc_get_uint (ld, "nor", "program-buffer", TRUE, 1, 4096, &buffer, error) ||
      !fm_desc_get_uint (ld, "nor", "pe-cycles", TRUE, 1, 100000000, &pe, error) ||
      !fm_desc_get_double (ld, "nor", "wearout-shape", FALSE, 0.1, 100, &d->wearout_shape, error) ||
      !fm_desc_get_double (ld, "nor", "wearout-scale", FALSE, 0.01, 1000, &d->wearout_scale, error))
    return FALSE;
  if (!is_pow2 (size))
    return fm_desc_fail (ld, error, "nor", "size", "%" G_GUINT64_FORMAT " is not a power of two", size);
  if (!is_pow2 (buffer))
    return fm_desc_fail (ld, error, "nor", "program-buffer", "%" G_GUINT64_FORMAT " is not a power of two", buffer);
  n->size = size;
  n->program_buffer = buffer;
  n->pe_cycles = pe;
  return TRUE;
}

static gboolean
load_nor_timing (const Loader *ld, FmChipDesc *d, GError **error)
{
  const gchar *g = "nor-timing";
  FmNorDesc *n = &d->nor;
  gboolean cfi = d->type == FM_CHIP_NOR_CFI;
  FmOpTime write_status = { 10000000, 15000000 };
  gdouble suspend_us = 20;

  if (!require_group (ld, g, error) ||
      !fm_desc_get_op_time (ld, g, "word-program", "us", TRUE, &n->t_word_program, error) ||
      !fm_desc_get_op_time (ld, g, "buffer-program", "us", TRUE, &n->t_buffer_program, error) ||
      !fm_desc_get_double (ld, g, "suspend-us", FALSE, 0.001, 1e6, &suspend_us, error))
    return FALSE;
  /* Intel parts have no chip erase (query 22h = 00h): absent means none. */
  if (!fm_desc_get_op_time (ld, g, "chip-erase", "ms", !cfi, &n->t_chip_erase, error))
    return FALSE;
  if (cfi)
    {
      if (!fm_desc_get_op_time (ld, g, "sector-erase", "ms", TRUE, &n->t_sector_erase, error) ||
          !reject_key (ld, g, "write-status-typ-ms", "only spi-nor parts have a status register write time", error) ||
          !reject_key (ld, g, "write-status-max-ms", "only spi-nor parts have a status register write time", error))
        return FALSE;
    }
  else
    {
      if (!reject_key (ld, g, "sector-erase-typ-ms", "spi-nor parts give erase times per erase type in [spi] erase-types", error) ||
          !reject_key (ld, g, "sector-erase-max-ms", "spi-nor parts give erase times per erase type in [spi] erase-types", error) ||
          !fm_desc_get_op_time (ld, g, "write-status", "ms", FALSE, &write_status, error))
        return FALSE;
      n->t_write_status_ns = write_status.typ_ns;
    }
  n->t_suspend_ns = (guint64) (suspend_us * 1000.0 + 0.5);
  return TRUE;
}

/* One "COUNTxSIZE" of [nor] erase-regions. */
static gboolean
parse_region (const Loader *ld, const gchar *item, FmEraseRegion *r, GError **error)
{
  const gchar *from = g_ascii_strncasecmp (item, "0x", 2) == 0 ? item + 2 : item;
  const gchar *x = strchr (from, 'x');
  g_autofree gchar *count_text = x ? g_strndup (item, x - item) : NULL;
  guint64 count, size;

  if (!x || !fm_desc_parse_u64 (count_text, &count) || !fm_desc_parse_u64 (x + 1, &size))
    return fm_desc_fail (ld, error, "nor", "erase-regions", "'%s' is not COUNTxSIZE", item);
  /* The query stores COUNT - 1 and SIZE / 256 in 16 bits each. */
  if (count < 1 || count > 65536)
    return fm_desc_fail (ld, error, "nor", "erase-regions", "'%s': the count must be 1 to 65536", item);
  if (size < 256 || size % 256 || size / 256 > 65536)
    return fm_desc_fail (ld, error, "nor", "erase-regions",
                         "'%s': the sector size must be a multiple of 256 up to 16 MiB", item);
  r->count = count;
  r->size = size;
  return TRUE;
}

static gboolean
load_erase_regions (const Loader *ld, FmNorDesc *n, GError **error)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) items = NULL;
  guint64 total = 0;

  if (!fm_desc_get_string (ld, "nor", "erase-regions", TRUE, 0, &text, error))
    return FALSE;
  items = g_strsplit (text, ";", -1);
  n->n_regions = 0;
  n->granule = G_MAXUINT32;
  for (guint i = 0; items[i]; i++)
    {
      const gchar *item = g_strstrip (items[i]);
      FmEraseRegion *r = &n->regions[n->n_regions];

      if (*item == '\0')
        continue;
      if (n->n_regions == FM_MAX_ERASE_REGIONS)
        return fm_desc_fail (ld, error, "nor", "erase-regions", "more than %u regions", FM_MAX_ERASE_REGIONS);
      if (!parse_region (ld, item, r, error))
        return FALSE;
      total += (guint64) r->count * r->size;
      n->granule = MIN (n->granule, r->size);
      n->n_regions++;
    }
  if (!n->n_regions)
    return fm_desc_fail (ld, error, "nor", "erase-regions", "names no region");
  if (total != n->size)
    return fm_desc_fail (ld, error, "nor", "erase-regions",
                         "the regions add up to %" G_GUINT64_FORMAT " bytes, not the size %" G_GUINT64_FORMAT,
                         total, n->size);
  /* The array has one block size: larger sectors are runs of the smallest. */
  for (guint r = 0; r < n->n_regions; r++)
    if (n->regions[r].size % n->granule)
      return fm_desc_fail (ld, error, "nor", "erase-regions",
                           "%u-byte sectors are not a multiple of the smallest (%u bytes)",
                           n->regions[r].size, n->granule);
  return TRUE;
}

/* Query 1Bh-1Eh encoding: volts in the high nibble (BCD for Vcc, hex for
 * Vpp), tenths of a volt in the low one. */
static gboolean
encode_voltage (const Loader *ld, const gchar *key, guint64 mv, guint max_volts,
                guint8 *out, GError **error)
{
  if (mv % 100)
    return fm_desc_fail (ld, error, "cfi", key, "%" G_GUINT64_FORMAT " mV is not whole tenths of a volt", mv);
  if (mv / 1000 > max_volts)
    return fm_desc_fail (ld, error, "cfi", key, "%" G_GUINT64_FORMAT " mV is above %u V", mv, max_volts);
  *out = (guint8) ((mv / 1000) << 4 | (mv % 1000) / 100);
  return TRUE;
}

static gboolean
check_cfi_ids (const Loader *ld, const FmNorDesc *n, GError **error)
{
  /* An AMD first word of xx7Eh says the ID continues at 0Eh and 0Fh. */
  gboolean extended = (n->device_id[0] & 0xff) == 0x7e;

  if (n->cfi_command_set == FM_CFI_CMDSET_INTEL && n->n_device_ids != 1)
    return fm_desc_fail (ld, error, "cfi", "device-id", "Intel command set parts have one device ID word");
  if (n->cfi_command_set == FM_CFI_CMDSET_AMD && extended && n->n_device_ids != 3)
    return fm_desc_fail (ld, error, "cfi", "device-id",
                         "0x%04x announces an extended ID: give the words at 01h, 0Eh and 0Fh",
                         n->device_id[0]);
  if (n->cfi_command_set == FM_CFI_CMDSET_AMD && !extended && n->n_device_ids != 1)
    return fm_desc_fail (ld, error, "cfi", "device-id",
                         "only an xx7Eh first word is followed by the words at 0Eh and 0Fh");
  return TRUE;
}

static gboolean
check_primary_table (const Loader *ld, const FmNorDesc *n, GError **error)
{
  /* The erase region information ends the fixed query structure. */
  guint geometry_end = 0x2d + 4 * n->n_regions;

  if (n->ext_table_len < 5 || memcmp (n->ext_table, "PRI", 3) != 0)
    return fm_desc_fail (ld, error, "cfi", "primary-table", "must start with 50;52;49 (\"PRI\") and the version");
  if (!g_ascii_isdigit (n->ext_table[3]) || !g_ascii_isdigit (n->ext_table[4]))
    return fm_desc_fail (ld, error, "cfi", "primary-table",
                         "bytes 3 and 4 are the version in ASCII digits, not %02x;%02x",
                         n->ext_table[3], n->ext_table[4]);
  if (n->ext_table_addr < geometry_end)
    return fm_desc_fail (ld, error, "cfi", "primary-table-address",
                         "0x%02x overlaps the erase region information (up to 0x%02x)",
                         n->ext_table_addr, geometry_end - 1);
  if (n->ext_table_addr + n->ext_table_len > CFI_QUERY_END)
    return fm_desc_fail (ld, error, "cfi", "primary-table",
                         "%u bytes from 0x%02x run past the query structure (0x%02x)",
                         n->ext_table_len, n->ext_table_addr, CFI_QUERY_END - 1);
  return TRUE;
}

static gboolean
load_cfi_voltages (const Loader *ld, FmNorDesc *n, GError **error)
{
  guint64 vcc_min = 0, vcc_max = 0, vpp_min = 0, vpp_max = 0;

  if (!fm_desc_get_uint (ld, "cfi", "vcc-min-mv", TRUE, 1000, 9900, &vcc_min, error) ||
      !fm_desc_get_uint (ld, "cfi", "vcc-max-mv", TRUE, 1000, 9900, &vcc_max, error) ||
      !fm_desc_get_uint (ld, "cfi", "vpp-min-mv", FALSE, 0, 15900, &vpp_min, error) ||
      !fm_desc_get_uint (ld, "cfi", "vpp-max-mv", FALSE, 0, 15900, &vpp_max, error) ||
      !encode_voltage (ld, "vcc-min-mv", vcc_min, 9, &n->vcc_min, error) ||
      !encode_voltage (ld, "vcc-max-mv", vcc_max, 9, &n->vcc_max, error) ||
      !encode_voltage (ld, "vpp-min-mv", vpp_min, 15, &n->vpp_min, error) ||
      !encode_voltage (ld, "vpp-max-mv", vpp_max, 15, &n->vpp_max, error))
    return FALSE;
  if (vcc_max < vcc_min)
    return fm_desc_fail (ld, error, "cfi", "vcc-max-mv", "below vcc-min-mv");
  if (!vpp_min != !vpp_max)
    return fm_desc_fail (ld, error, "cfi", vpp_min ? "vpp-max-mv" : "vpp-min-mv",
                         "give both Vpp limits, or neither for a part without Vpp");
  if (vpp_max < vpp_min)
    return fm_desc_fail (ld, error, "cfi", "vpp-max-mv", "below vpp-min-mv");
  return TRUE;
}

static gboolean
load_cfi (const Loader *ld, FmChipDesc *d, GError **error)
{
  FmNorDesc *n = &d->nor;
  guint64 cmdset = 0, manufacturer = 0, table_addr = 0;
  guint64 widths[2], ids[FM_MAX_CFI_DEVICE_IDS];
  guint n_widths = 0;

  if (!require_group (ld, "cfi", error) ||
      !load_erase_regions (ld, n, error) ||
      !fm_desc_get_uint (ld, "cfi", "command-set", TRUE, 0, 0xffff, &cmdset, error) ||
      !fm_desc_get_uint_list (ld, "cfi", "bus-widths", TRUE, 64, 1, 2, widths, &n_widths, error) ||
      !fm_desc_get_uint (ld, "cfi", "manufacturer-id", TRUE, 1, 0xffff, &manufacturer, error) ||
      !fm_desc_get_uint_list (ld, "cfi", "device-id", TRUE, 0xffff, 1, FM_MAX_CFI_DEVICE_IDS,
                              ids, &n->n_device_ids, error) ||
      !load_cfi_voltages (ld, n, error) ||
      !fm_desc_get_uint (ld, "cfi", "primary-table-address", TRUE, 0x10, 0xff, &table_addr, error) ||
      !fm_desc_get_bytes (ld, "cfi", "primary-table", TRUE, TRUE, 3, FM_MAX_CFI_EXT_TABLE,
                          n->ext_table, &n->ext_table_len, error))
    return FALSE;

  if (cmdset != FM_CFI_CMDSET_INTEL && cmdset != FM_CFI_CMDSET_AMD)
    return fm_desc_fail (ld, error, "cfi", "command-set",
                         "0x%04x is not modelled (0x0001 Intel/Sharp, 0x0002 AMD/Fujitsu)", (guint) cmdset);
  n->cfi_command_set = cmdset;
  n->bus_widths = 0;
  for (guint i = 0; i < n_widths; i++)
    {
      if (widths[i] != 8 && widths[i] != 16)
        return fm_desc_fail (ld, error, "cfi", "bus-widths", "%" G_GUINT64_FORMAT " is not 8 or 16", widths[i]);
      n->bus_widths |= widths[i];
    }
  if ((n->bus_widths & 16) && n->program_buffer < 2)
    return fm_desc_fail (ld, error, "nor", "program-buffer", "a 16-bit part programs at least one 2-byte word");
  n->manufacturer_id = manufacturer;
  for (guint i = 0; i < n->n_device_ids; i++)
    n->device_id[i] = ids[i];
  n->ext_table_addr = table_addr;
  if (!check_cfi_ids (ld, n, error) || !check_primary_table (ld, n, error))
    return FALSE;

  /* The ID as an x8 bus reads it: low bytes of 00h, 01h (0Eh, 0Fh). */
  d->id[0] = manufacturer & 0xff;
  for (guint i = 0; i < n->n_device_ids; i++)
    d->id[1 + i] = n->device_id[i] & 0xff;
  d->id_len = 1 + n->n_device_ids;
  return TRUE;
}

static gboolean
parse_opcode (const gchar *text, guint8 *out)
{
  guint64 v;

  if (!fm_desc_parse_u64 (text, &v) || v > 0xff)
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
parse_ms (const gchar *text, gdouble *out)
{
  gchar *end = NULL;

  *out = g_ascii_strtod (text, &end);
  return end && end != text && *end == '\0' && *out > 0 && *out <= 1e7;
}

/* One "SIZE@OPCODE[/OPCODE4B]:TYP-MS:MAX-MS" of [spi] erase-types. */
static gboolean
parse_erase_type (const Loader *ld, const gchar *item, FmSpiEraseType *e, GError **error)
{
  g_auto (GStrv) fields = g_strsplit (item, ":", -1);
  g_auto (GStrv) size_ops = NULL;
  g_auto (GStrv) ops = NULL;
  guint64 size;
  gdouble typ, max;

  if (g_strv_length (fields) != 3)
    return fm_desc_fail (ld, error, "spi", "erase-types", "'%s' is not SIZE@OPCODE[/OPCODE4B]:TYP-MS:MAX-MS", item);
  size_ops = g_strsplit (fields[0], "@", -1);
  if (g_strv_length (size_ops) != 2)
    return fm_desc_fail (ld, error, "spi", "erase-types", "'%s' is not SIZE@OPCODE[/OPCODE4B]:TYP-MS:MAX-MS", item);
  ops = g_strsplit (size_ops[1], "/", -1);
  if (!fm_desc_parse_u64 (size_ops[0], &size) || !is_pow2 (size) || size < 256 || size > MAX_NOR_SIZE / 2)
    return fm_desc_fail (ld, error, "spi", "erase-types", "'%s': the size must be a power of two from 256", item);
  e->size = size;
  e->opcode_4b = 0;
  if (g_strv_length (ops) < 1 || g_strv_length (ops) > 2 || !parse_opcode (ops[0], &e->opcode) ||
      (ops[1] && !parse_opcode (ops[1], &e->opcode_4b)))
    return fm_desc_fail (ld, error, "spi", "erase-types", "'%s': opcodes are bytes, e.g. 0x20/0x21", item);
  if (!parse_ms (fields[1], &typ) || !parse_ms (fields[2], &max))
    return fm_desc_fail (ld, error, "spi", "erase-types", "'%s': the times are milliseconds above 0", item);
  if (max < typ)
    return fm_desc_fail (ld, error, "spi", "erase-types", "'%s': the maximum %g ms is below the typical %g ms", item, max, typ);
  e->time.typ_ns = (guint64) (typ * 1e6 + 0.5);
  e->time.max_ns = (guint64) (max * 1e6 + 0.5);
  return TRUE;
}

static gboolean
check_erase_types (const Loader *ld, const FmNorDesc *n, GError **error)
{
  for (guint i = 0; i < n->n_erase_types; i++)
    {
      const FmSpiEraseType *e = &n->erase_types[i];

      if (e->size > n->size)
        return fm_desc_fail (ld, error, "spi", "erase-types", "%u bytes is more than the part (%" G_GUINT64_FORMAT ")",
                             e->size, n->size);
      if (e->opcode_4b && !n->four_byte)
        return fm_desc_fail (ld, error, "spi", "erase-types",
                             "4-byte opcode 0x%02x needs four-byte=true", e->opcode_4b);
      for (guint j = 0; j < i; j++)
        {
          const FmSpiEraseType *o = &n->erase_types[j];

          if (o->size == e->size)
            return fm_desc_fail (ld, error, "spi", "erase-types", "two erase types of %u bytes", e->size);
          if (o->opcode == e->opcode || (e->opcode_4b && o->opcode_4b == e->opcode_4b))
            return fm_desc_fail (ld, error, "spi", "erase-types", "opcode used twice");
        }
    }
  return TRUE;
}

static gboolean
load_erase_types (const Loader *ld, FmNorDesc *n, GError **error)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) items = NULL;

  if (!fm_desc_get_string (ld, "spi", "erase-types", TRUE, 0, &text, error))
    return FALSE;
  items = g_strsplit (text, ";", -1);
  n->n_erase_types = 0;
  for (guint i = 0; items[i]; i++)
    {
      const gchar *item = g_strstrip (items[i]);
      FmSpiEraseType e;
      guint at;

      if (*item == '\0')
        continue;
      if (n->n_erase_types == FM_MAX_SPI_ERASE_TYPES)
        return fm_desc_fail (ld, error, "spi", "erase-types", "more than %u erase types", FM_MAX_SPI_ERASE_TYPES);
      if (!parse_erase_type (ld, item, &e, error))
        return FALSE;
      /* Keep them sorted by size: the smallest is the array's block. */
      for (at = n->n_erase_types; at > 0 && n->erase_types[at - 1].size > e.size; at--)
        n->erase_types[at] = n->erase_types[at - 1];
      n->erase_types[at] = e;
      n->n_erase_types++;
    }
  if (!n->n_erase_types)
    return fm_desc_fail (ld, error, "spi", "erase-types", "names no erase type");
  return check_erase_types (ld, n, error);
}

static gboolean
load_read_modes (const Loader *ld, FmNorDesc *n, GError **error)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) items = NULL;

  n->read_modes = 0;
  if (!fm_desc_get_string (ld, "spi", "read-modes", FALSE, 0, &text, error))
    return FALSE;
  if (!text)
    return TRUE;
  items = g_strsplit (text, ";", -1);
  for (guint i = 0; items[i]; i++)
    {
      g_auto (GStrv) mode_dummy = g_strsplit (g_strstrip (items[i]), ":", -1);
      guint m = G_N_ELEMENTS (read_mode_names);
      guint64 dummy;

      if (!*mode_dummy || !**mode_dummy)
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (read_mode_names); k++)
        if (g_str_equal (mode_dummy[0], read_mode_names[k].name))
          m = k;
      if (g_strv_length (mode_dummy) != 2 || m == G_N_ELEMENTS (read_mode_names) ||
          !fm_desc_parse_u64 (mode_dummy[1], &dummy))
        return fm_desc_fail (ld, error, "spi", "read-modes",
                             "'%s' is not MODE:DUMMY-CLOCKS with MODE 1-1-2, 1-2-2, 1-1-4 or 1-4-4", items[i]);
      if (dummy > 32)
        return fm_desc_fail (ld, error, "spi", "read-modes", "'%s': more than 32 dummy clocks", items[i]);
      if (n->read_modes & read_mode_names[m].mode)
        return fm_desc_fail (ld, error, "spi", "read-modes", "%s given twice", read_mode_names[m].name);
      n->read_modes |= read_mode_names[m].mode;
      /* Indexed by the mode's bit (FmSpiReadModes). */
      n->read_dummy_clocks[m] = dummy;
    }
  return TRUE;
}

/* Status register 1: WIP bit 0, WEL bit 1, BP bits from 2, TB right above,
 * Macronix QE at 6, SRP/SRWD at 7. */
static gboolean
check_status_register (const Loader *ld, const FmNorDesc *n, GError **error)
{
  guint top = 2 + n->bp_bits + (n->tb_bit ? 1 : 0);   /* first bit past them */

  if (top > 7)
    return fm_desc_fail (ld, error, "spi", "block-protect-bits",
                         "%u BP bits%s do not fit in status register 1 bits 2-6",
                         n->bp_bits, n->tb_bit ? " and TB" : "");
  if (n->quad_enable == FM_SPI_QE_SR1_BIT6 && top > 6)
    return fm_desc_fail (ld, error, "spi", "quad-enable",
                         "sr1-bit6 collides with the protection bits (bits 2-%u)", top - 1);
  return TRUE;
}

static gboolean
load_quad_enable (const Loader *ld, FmNorDesc *n, GError **error)
{
  g_autofree gchar *text = NULL;

  n->quad_enable = FM_SPI_QE_NONE;
  if (!fm_desc_get_string (ld, "spi", "quad-enable", FALSE, 0, &text, error))
    return FALSE;
  if (!text)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (quad_enable_names); i++)
    if (g_str_equal (text, quad_enable_names[i]))
      {
        n->quad_enable = i;
        return TRUE;
      }
  return fm_desc_fail (ld, error, "spi", "quad-enable", "'%s' is not none, sr2-bit1 or sr1-bit6", text);
}

static gboolean
load_spi (const Loader *ld, FmChipDesc *d, GError **error)
{
  FmNorDesc *n = &d->nor;
  guint64 bp = 3;

  n->four_byte = FALSE;
  n->tb_bit = FALSE;
  if (!require_group (ld, "spi", error) ||
      !reject_key (ld, "nor", "erase-regions", "spi-nor parts describe their erase in [spi] erase-types", error) ||
      !fm_desc_get_bytes (ld, "spi", "jedec-id", TRUE, TRUE, 3, FM_MAX_ID_BYTES, d->id, &d->id_len, error) ||
      !fm_desc_get_bool (ld, "spi", "four-byte", FALSE, &n->four_byte, error) ||
      !fm_desc_get_uint (ld, "spi", "block-protect-bits", FALSE, 0, 4, &bp, error) ||
      !fm_desc_get_bool (ld, "spi", "top-bottom-bit", FALSE, &n->tb_bit, error) ||
      !load_quad_enable (ld, n, error) ||
      !load_erase_types (ld, n, error) ||
      !load_read_modes (ld, n, error))
    return FALSE;
  n->bp_bits = bp;
  if (n->size > THREE_BYTE_LIMIT && !n->four_byte)
    return fm_desc_fail (ld, error, "spi", "four-byte",
                         "required above 16 MiB: 3-byte addresses do not reach the whole part");
  if (!check_status_register (ld, n, error))
    return FALSE;

  /* The smallest erase type is the array's block, the whole part one region. */
  n->granule = n->erase_types[0].size;
  n->regions[0].size = n->granule;
  n->regions[0].count = n->size / n->granule;
  n->n_regions = 1;
  n->t_sector_erase = n->erase_types[0].time;
  return TRUE;
}

/* The NAND array the NOR model keeps its cells in (fm-nor.h). */
static gboolean
derive_geometry (const Loader *ld, FmChipDesc *d, GError **error)
{
  const FmNorDesc *n = &d->nor;
  FmBitErrorModel none = FM_BIT_ERROR_MODEL_NONE;
  FmOpTime zero = { 0, 0 };
  guint64 ppb;

  if (n->program_buffer > n->granule || n->granule % n->program_buffer)
    return fm_desc_fail (ld, error, "nor", "program-buffer",
                         "%u bytes do not divide the smallest erase sector (%u bytes)",
                         n->program_buffer, n->granule);
  ppb = n->granule / n->program_buffer;
  if (ppb > FM_CHIP_PAGES_PER_BLOCK_MAX)
    return fm_desc_fail (ld, error, "nor", "program-buffer",
                         "%" G_GUINT64_FORMAT " program buffers per erase sector: more than %u",
                         ppb, FM_CHIP_PAGES_PER_BLOCK_MAX);

  d->page_size = n->program_buffer;
  d->oob_size = 0;
  d->pages_per_block = ppb;
  d->blocks_per_lun = n->size / n->granule;
  d->luns = 1;
  d->targets = 1;
  d->planes = 1;
  d->bus_width = 8;
  d->small_page = FALSE;
  d->commands = 0;
  d->onfi_version = 0;
  d->nop = 0;                    /* NOR programs any bits any number of times */
  d->sequential_program = FALSE;
  d->pe_cycles = n->pe_cycles;
  d->factory_bad_blocks_max = 0;
  d->guaranteed_valid_blocks = 1;
  d->bbm_offset = 0;
  d->bbm_pages = 0;
  d->pairing = FM_PAIRING_NONE;
  d->bit_errors = none;
  d->t_r = zero;
  d->t_prog = n->t_buffer_program;
  d->t_bers = n->t_sector_erase;
  return TRUE;
}

gboolean
fm_desc_load_nor (const Loader *ld, FmChipDesc *d, GError **error)
{
  g_assert (fm_chip_desc_is_nor (d));

  if (!load_nor_group (ld, d, error) ||
      !load_nor_timing (ld, d, error))
    return FALSE;
  if (d->type == FM_CHIP_NOR_CFI ? !load_cfi (ld, d, error) : !load_spi (ld, d, error))
    return FALSE;
  return derive_geometry (ld, d, error);
}
