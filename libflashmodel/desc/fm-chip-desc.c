/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading chip descriptors: the [chip] group, the NAND groups and the
 * catalog. NOR groups are in fm-chip-desc-nor.c, the typed getters and the
 * schema check in fm-chip-desc-loader.c.
 */
#include "fm-chip-desc-loader.h"
#include "fm-nand-vendor-toshiba.h"
#include "fm-error.h"

#include <string.h>

/* Every key the schema knows, per group; anything else is a typo. */
static const gchar *const chip_keys[] = { "name", "vendor", "part", "type", "datasheet", NULL };
static const gchar *const id_keys[] = { "bytes", NULL };
static const gchar *const geometry_keys[] = {
  "page-size", "oob-size", "pages-per-block", "blocks-per-lun", "luns",
  "planes", "bus-width", "chip-enables", NULL };
static const gchar *const commands_keys[] = { "optional", NULL };
static const gchar *const onfi_keys[] = {
  "version", "manufacturer", "model", "jedec-id", "features", "timing-modes",
  "cache-timing-modes", "ecc-bits", "ecc-codeword-size",
  "guaranteed-valid-blocks", "guaranteed-block-endurance", "tccs-ns",
  "tadl-ns", "feature-addresses", "vendor-revision", NULL };
/* The JEDEC parameter page (JESD230) carries the same facts, less ONFI's
 * odd/even copyback feature bit; cache timing modes have no field there. */
static const gchar *const jedec_keys[] = {
  "version", "manufacturer", "model", "jedec-id", "features", "timing-modes",
  "ecc-bits", "ecc-codeword-size",
  "guaranteed-valid-blocks", "guaranteed-block-endurance", "tccs-ns",
  "tadl-ns", "feature-addresses", "vendor-revision", NULL };
static const gchar *const timing_keys[] = {
  "tR-typ-us", "tR-max-us", "tR-ECC-typ-us", "tR-ECC-max-us", "tPROG-typ-us", "tPROG-max-us", "tBERS-typ-us",
  "tBERS-max-us", "tCBSY-typ-us", "tCBSY-max-us", "tRCBSY-typ-us",
  "tRCBSY-max-us", "tDBSY-typ-us", "tDBSY-max-us", "tFEAT-us", "tRST-us",
  NULL };
static const gchar *const reliability_keys[] = {
  "nop", "sequential-program", "pe-cycles", "wearout-shape", "wearout-scale",
  "factory-bad-blocks-max", "bad-block-marker-offset",
  "bad-block-marker-pages", NULL };
static const gchar *const mlc_keys[] = { "pairing", NULL };
static const gchar *const on_die_ecc_keys[] = {
  "strength", "feature-address", "enable-mask", "id-byte", "id-enabled-mask",
  "rewrite-recommended-bits", "ecc-regions", "free-regions", "protected-regions", "benand", NULL };
/* The ECC a part without a parameter page requires: its datasheet's, which
 * Linux reads from the ID bytes (vendor decoders) or its full-ID table. */
static const gchar *const ecc_requirement_keys[] = { "bits", "codeword-size", NULL };
/* Vendor behaviours Linux's nand_macronix.c expects (raw NAND). */
static const gchar *const macronix_keys[] = { "block-protection", NULL };
static const gchar *const bit_error_keys[] = {
  "rber-fresh", "rber-endurance", "wear-exponent", "read-disturb-per-read",
  "retention-per-hour", NULL };

/* [chip] is every part's; the rest describe a NAND part, raw or SPI
 * ([commands] and [mlc] raw parts only; [mlc]: nand-mlc, which load_mlc()
 * checks with its own message). */
const FmDescGroup fm_desc_nand_groups[] = {
  { "chip", chip_keys, FM_DESC_ALL },
  { "id", id_keys, FM_DESC_ANY_NAND },
  { "geometry", geometry_keys, FM_DESC_ANY_NAND },
  { "commands", commands_keys, FM_DESC_NAND },
  { "onfi", onfi_keys, FM_DESC_ANY_NAND },
  { "jedec", jedec_keys, FM_DESC_NAND },
  { "timing", timing_keys, FM_DESC_ANY_NAND },
  { "reliability", reliability_keys, FM_DESC_ANY_NAND },
  { "mlc", mlc_keys, FM_DESC_NAND },
  { "bit-errors", bit_error_keys, FM_DESC_ANY_NAND },
  { "cell-model", fm_desc_cell_model_keys, FM_DESC_ANY_NAND },
  { "on-die-ecc", on_die_ecc_keys, FM_DESC_ANY_NAND },
  { "ecc-requirement", ecc_requirement_keys, FM_DESC_NAND },
  { "macronix", macronix_keys, FM_DESC_NAND },
  { NULL, NULL, 0 }
};

static const FmDescFlagName command_names[] = {
  { "cache-program", FM_CMD_CACHE_PROGRAM },
  { "read-cache", FM_CMD_READ_CACHE },
  { "get-set-features", FM_CMD_GET_SET_FEATURES },
  { "read-status-enhanced", FM_CMD_READ_STATUS_ENHANCED },
  { "copyback", FM_CMD_COPYBACK },
  { "read-unique-id", FM_CMD_READ_UNIQUE_ID },
  { "multi-plane", FM_CMD_MULTI_PLANE },
  { NULL, 0 }
};

static const FmDescFlagName onfi_feature_names[] = {
  { "multi-lun", FM_ONFI_FEATURE_MULTI_LUN },
  { "non-sequential-program", FM_ONFI_FEATURE_NON_SEQ_PROG },
  { "odd-even-copyback", FM_ONFI_FEATURE_ODD_EVEN_COPYBACK },
  { NULL, 0 }
};

static const FmDescFlagName bbm_page_names[] = {
  { "first", FM_BBM_FIRST_PAGE },
  { "second", FM_BBM_SECOND_PAGE },
  { "last", FM_BBM_LAST_PAGE },
  { NULL, 0 }
};

typedef FmDescLoader Loader;

/* A list of small integers (timing modes) as a bitmask. */
static gboolean
get_mode_mask (const Loader *ld, const gchar *group, const gchar *key,
               gboolean required, guint16 *out, GError **error)
{
  guint8 modes[16];
  guint n = 0;
  guint16 mask = 0;

  if (!fm_desc_get_bytes (ld, group, key, required, FALSE, 1, G_N_ELEMENTS (modes),
                          modes, &n, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (modes[i] > 5)
        return fm_desc_fail (ld, error, group, key, "timing mode %u does not exist (0-5)", modes[i]);
      mask |= 1u << modes[i];
    }
  if (n)
    *out = mask;
  return TRUE;
}

/* A [timing] pair in microseconds. */
static gboolean
get_op_time (const Loader *ld, const gchar *prefix, gboolean required,
             FmOpTime *out, GError **error)
{
  return fm_desc_get_op_time (ld, "timing", prefix, "us", required, out, error);
}

static guint
ceil_log2 (guint64 v)
{
  guint bits = 0;

  while ((G_GUINT64_CONSTANT (1) << bits) < v)
    bits++;
  return bits;
}

static gboolean
load_chip_group (const Loader *ld, FmChipDesc *d, GError **error)
{
  g_autofree gchar *type = NULL;
  g_autofree gchar *basename = NULL;

  if (!g_key_file_has_group (ld->kf, "chip"))
    return fm_desc_fail (ld, error, "chip", NULL, "required group is missing");
  if (!fm_desc_get_string (ld, "chip", "name", TRUE, FM_CHIP_NAME_MAX, &d->name, error) ||
      !fm_desc_get_string (ld, "chip", "vendor", TRUE, 64, &d->vendor, error) ||
      !fm_desc_get_string (ld, "chip", "part", TRUE, 64, &d->part, error) ||
      !fm_desc_get_string (ld, "chip", "datasheet", TRUE, 0, &d->datasheet, error) ||
      !fm_desc_get_string (ld, "chip", "type", TRUE, 0, &type, error))
    return FALSE;

  if (!fm_chip_name_valid (d->name))
    return fm_desc_fail (ld, error, "chip", "name", "'%s' must be 1 to %d of a-z, 0-9 and '-'",
                         d->name, FM_CHIP_NAME_MAX);
  if (d->path)
    {
      basename = g_path_get_basename (d->path);
      if (!g_str_has_suffix (basename, ".ini") ||
          strlen (basename) != strlen (d->name) + 4 ||
          strncmp (basename, d->name, strlen (d->name)) != 0)
        return fm_desc_fail (ld, error, "chip", "name", "'%s' does not match the file name", d->name);
    }

  for (FmChipType t = FM_CHIP_NAND_SLC; t <= FM_CHIP_SPI_NAND; t++)
    if (g_str_equal (type, fm_chip_type_to_string (t)))
      {
        d->type = t;
        return TRUE;
      }
  return fm_desc_fail (ld, error, "chip", "type", "unknown chip type '%s'", type);
}

static gboolean
load_geometry (const Loader *ld, FmChipDesc *d, GError **error)
{
  guint64 page = 0, oob = 0, ppb = 0, bpl = 0, luns = 1, planes = 1, bus = 8, targets = 1;

  if (!fm_desc_get_bytes (ld, "id", "bytes", TRUE, TRUE, 2, FM_MAX_ID_BYTES, d->id, &d->id_len, error))
    return FALSE;
  if (!fm_desc_get_uint (ld, "geometry", "page-size", TRUE, 512, FM_CHIP_PAGE_SIZE_MAX, &page, error) ||
      !fm_desc_get_uint (ld, "geometry", "oob-size", TRUE, 8, FM_CHIP_OOB_SIZE_MAX, &oob, error) ||
      !fm_desc_get_uint (ld, "geometry", "pages-per-block", TRUE, 1, 4096, &ppb, error) ||
      !fm_desc_get_uint (ld, "geometry", "blocks-per-lun", TRUE, 1, 1 << 20, &bpl, error) ||
      !fm_desc_get_uint (ld, "geometry", "luns", FALSE, 1, 16, &luns, error) ||
      !fm_desc_get_uint (ld, "geometry", "planes", FALSE, 1, 16, &planes, error) ||
      !fm_desc_get_uint (ld, "geometry", "bus-width", FALSE, 8, 16, &bus, error) ||
      !fm_desc_get_uint (ld, "geometry", "chip-enables", FALSE, 1, FM_CHIP_TARGETS_MAX, &targets, error))
    return FALSE;
  if (page & (page - 1))
    return fm_desc_fail (ld, error, "geometry", "page-size", "%" G_GUINT64_FORMAT " is not a power of two", page);
  if (ppb & (ppb - 1))
    return fm_desc_fail (ld, error, "geometry", "pages-per-block", "%" G_GUINT64_FORMAT " is not a power of two", ppb);
  if (planes & (planes - 1))
    return fm_desc_fail (ld, error, "geometry", "planes", "%" G_GUINT64_FORMAT " is not a power of two", planes);
  if (bpl % planes)
    return fm_desc_fail (ld, error, "geometry", "blocks-per-lun", "not a multiple of planes (%" G_GUINT64_FORMAT ")", planes);
  if (bus != 8 && bus != 16)
    return fm_desc_fail (ld, error, "geometry", "bus-width", "must be 8 or 16");
  if (bpl * luns * targets > FM_CHIP_BLOCKS_MAX)
    return fm_desc_fail (ld, error, "geometry", "chip-enables", "more than %u blocks in all", FM_CHIP_BLOCKS_MAX);
  if (d->type == FM_CHIP_SPI_NAND && targets != 1)
    return fm_desc_fail (ld, error, "geometry", "chip-enables", "SPI NAND parts are modelled with one chip select");
  if (d->type == FM_CHIP_SPI_NAND && (bus != 8 || luns != 1 || page < 2048))
    return fm_desc_fail (ld, error, "geometry", bus != 8 ? "bus-width" : luns != 1 ? "luns" : "page-size",
                         "SPI NAND parts are modelled with one LUN of pages of at least 2048 bytes on a serial bus (bus-width 8)");
  /* The plane number goes right above the column, in the 16-bit column
   * address of READ FROM CACHE and PROGRAM LOAD. */
  if (d->type == FM_CHIP_SPI_NAND && g_bit_storage (page) + g_bit_storage (planes) - 1 > 16)
    return fm_desc_fail (ld, error, "geometry", "planes",
                         "%" G_GUINT64_FORMAT " planes of %" G_GUINT64_FORMAT "-byte pages do not fit a 16-bit column address",
                         planes, page);
  if (oob >= page)
    return fm_desc_fail (ld, error, "geometry", "oob-size", "must be smaller than page-size");
  if (bus == 16 && (oob & 1))
    return fm_desc_fail (ld, error, "geometry", "oob-size", "must be even on a 16-bit bus");
  if (page == 512 && (oob != 16 || bus != 8))
    return fm_desc_fail (ld, error, "geometry", "oob-size",
                         "small-page (512-byte) parts are modelled with a 16-byte spare area on an 8-bit bus");
  d->page_size = page;
  d->oob_size = oob;
  d->pages_per_block = ppb;
  d->blocks_per_lun = bpl;
  d->luns = luns;
  d->targets = targets;
  d->planes = planes;
  d->bus_width = bus;
  d->small_page = page == 512;
  if (fm_chip_desc_page_bits (d) + fm_chip_desc_block_bits (d) + fm_chip_desc_lun_bits (d) > 32)
    return fm_desc_fail (ld, error, "geometry", "blocks-per-lun", "row address wider than 32 bits");
  return TRUE;
}

/* The facts a parameter page carries, from [onfi] or [jedec] (GROUP):
 * everything but the version, which the caller has read. */
static gboolean
load_param_page_facts (const Loader *ld, FmChipDesc *d, const gchar *g, GError **error)
{
  g_autofree gchar *manufacturer = NULL;
  g_autofree gchar *model = NULL;
  guint64 jedec = 0, ecc_bits = 0, codeword = 512, valid = 1, valid_endurance = 0;
  guint64 tccs = 0, tadl = 0, vendor_rev = 0;
  guint features = 0;
  gboolean is_jedec = g_str_equal (g, "jedec");

  if (!fm_desc_get_string (ld, g, "manufacturer", TRUE, 12, &manufacturer, error) ||
      !fm_desc_get_string (ld, g, "model", TRUE, 20, &model, error) ||
      !fm_desc_get_uint (ld, g, "jedec-id", TRUE, 1, 0xff, &jedec, error) ||
      !fm_desc_get_flags (ld, g, "features", FALSE, onfi_feature_names, &features, error) ||
      !get_mode_mask (ld, g, "timing-modes", TRUE, &d->timing_modes, error) ||
      (!is_jedec && !get_mode_mask (ld, g, "cache-timing-modes", FALSE, &d->cache_timing_modes, error)) ||
      !fm_desc_get_uint (ld, g, "ecc-bits", TRUE, 0, 0xff, &ecc_bits, error) ||
      !fm_desc_get_uint (ld, g, "ecc-codeword-size", FALSE, 1, 0x10000, &codeword, error) ||
      !fm_desc_get_uint (ld, g, "guaranteed-valid-blocks", FALSE, 0, 0xff, &valid, error) ||
      !fm_desc_get_uint (ld, g, "guaranteed-block-endurance", FALSE, 0, 1000000000, &valid_endurance, error) ||
      !fm_desc_get_uint (ld, g, "tccs-ns", FALSE, 0, 0xffff, &tccs, error) ||
      !fm_desc_get_uint (ld, g, "tadl-ns", FALSE, 0, 0xffff, &tadl, error) ||
      !fm_desc_get_bytes (ld, g, "feature-addresses", FALSE, FALSE, 0, FM_MAX_FEATURE_ADDRS,
                          d->feature_addrs, &d->n_feature_addrs, error) ||
      !fm_desc_get_uint (ld, g, "vendor-revision", FALSE, 0, 0xffff, &vendor_rev, error))
    return FALSE;
  if (!(d->timing_modes & 1))
    return fm_desc_fail (ld, error, g, "timing-modes", "every part supports timing mode 0");
  if (valid > d->blocks_per_lun)
    return fm_desc_fail (ld, error, g, "guaranteed-valid-blocks", "more than the blocks of a LUN");
  if (d->n_feature_addrs && !(d->commands & FM_CMD_GET_SET_FEATURES))
    return fm_desc_fail (ld, error, g, "feature-addresses", "needs get-set-features in [commands] optional");
  if ((features & FM_ONFI_FEATURE_MULTI_LUN) && d->luns < 2)
    return fm_desc_fail (ld, error, g, "features", "multi-lun on a part with one LUN");
  if (is_jedec && (features & FM_ONFI_FEATURE_ODD_EVEN_COPYBACK))
    return fm_desc_fail (ld, error, g, "features", "the JEDEC parameter page has no odd-even-copyback bit");
  /* The JEDEC page gives the codeword as a power of two, and Linux's
   * nand_jedec_detect() takes nothing below 2^9. */
  if (is_jedec && (codeword < 512 || (codeword & (codeword - 1)) != 0))
    return fm_desc_fail (ld, error, g, "ecc-codeword-size", "must be a power of two of at least 512");

  g_strlcpy (d->onfi_manufacturer, manufacturer, sizeof d->onfi_manufacturer);
  g_strlcpy (d->onfi_model, model, sizeof d->onfi_model);
  d->jedec_id = (guint8) jedec;
  d->onfi_features = features;
  if (d->bus_width == 16)
    d->onfi_features |= FM_ONFI_FEATURE_16BIT;
  if (d->commands & FM_CMD_MULTI_PLANE)
    d->onfi_features |= FM_ONFI_FEATURE_MULTI_PLANE;
  d->ecc_bits = ecc_bits;
  d->ecc_codeword_size = codeword;
  d->guaranteed_valid_blocks = valid;
  d->guaranteed_block_endurance = valid_endurance;
  d->tccs_ns = tccs;
  d->tadl_ns = tadl;
  d->vendor_revision = vendor_rev;
  return TRUE;
}

static gboolean
load_onfi (const Loader *ld, FmChipDesc *d, GError **error)
{
  static const struct { const gchar *text; guint version; } versions[] = {
    { "1.0", 10 }, { "2.0", 20 }, { "2.1", 21 }, { "2.2", 22 }, { "2.3", 23 }, { "3.0", 30 },
  };
  g_autofree gchar *version = NULL;

  if (!g_key_file_has_group (ld->kf, "onfi"))
    return TRUE;
  if (d->small_page)
    return fm_desc_fail (ld, error, "onfi", NULL, "small-page parts predate ONFI");
  if (!fm_desc_get_string (ld, "onfi", "version", TRUE, 0, &version, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    if (g_str_equal (version, versions[i].text))
      d->onfi_version = versions[i].version;
  if (!d->onfi_version)
    return fm_desc_fail (ld, error, "onfi", "version", "unknown ONFI version '%s'", version);
  return load_param_page_facts (ld, d, "onfi", error);
}

/* [jedec]: the JEDEC parameter page (READ ID 40h "JEDEC", ECh 40h) of a
 * part that has it instead of ONFI's. */
static gboolean
load_jedec (const Loader *ld, FmChipDesc *d, GError **error)
{
  g_autofree gchar *version = NULL;

  if (!g_key_file_has_group (ld->kf, "jedec"))
    return TRUE;
  if (g_key_file_has_group (ld->kf, "onfi"))
    return fm_desc_fail (ld, error, "jedec", NULL, "a part answers with an ONFI or a JEDEC parameter page, not both");
  if (d->small_page)
    return fm_desc_fail (ld, error, "jedec", NULL, "small-page parts predate the JEDEC parameter page");
  if (!fm_desc_get_string (ld, "jedec", "version", TRUE, 0, &version, error))
    return FALSE;
  /* Revision bit 2 is JESD230 1.0, bit 1 a vendor specific version: the
   * two nand_jedec_detect() accepts. */
  if (g_str_equal (version, "1.0"))
    d->jedec_version = FM_JEDEC_VERSION_1_0;
  else if (g_str_equal (version, "vendor"))
    d->jedec_version = FM_JEDEC_VERSION_VENDOR;
  else
    return fm_desc_fail (ld, error, "jedec", "version", "unknown JEDEC version '%s' (1.0 or vendor)", version);
  return load_param_page_facts (ld, d, "jedec", error);
}

/*
 * [on-die-ecc] benand: a Toshiba/Kioxia BENAND part, as Linux's
 * nand_toshiba.c recognises one: an SLC part of Toshiba's (ID byte 0 98h)
 * with ID byte 4 bit 7 set, 8 bits per 512 bytes, and its ECC always on.
 */
static gboolean
load_benand (const Loader *ld, FmChipDesc *d, guint64 strength, GError **error)
{
  const gchar *g = "on-die-ecc";
  gboolean benand = FALSE;

  if (!fm_desc_get_bool (ld, g, "benand", FALSE, &benand, error))
    return FALSE;
  d->on_die_ecc_benand = benand;
  if (!benand)
    return TRUE;
  if (d->type != FM_CHIP_NAND_SLC)
    return fm_desc_fail (ld, error, g, "benand", "BENAND parts are raw SLC NAND (type nand-slc)");
  if (strength != 8)
    return fm_desc_fail (ld, error, g, "benand", "BENAND corrects 8 bits per 512 bytes, strength is %" G_GUINT64_FORMAT,
                         strength);
  if (d->id_len < 5 || d->id[0] != FM_NAND_VENDOR_TOSHIBA_ID || !(d->id[4] & FM_NAND_VENDOR_TOSHIBA_ID4_BENAND))
    return fm_desc_fail (ld, error, "id", "bytes",
                         "a BENAND part answers 98h and sets byte 4 bit 7 (what Linux's nand_toshiba.c looks for)");
  return TRUE;
}

/*
 * [on-die-ecc]: a part that corrects its own sectors. Raw parts switch it
 * with a feature bit (Micron's internal ECC); SPI NAND parts always have
 * it, switched by the configuration register's ECC_EN. Where the parity
 * goes and which spare bytes are the host's is the layout (Linux's
 * ooblayout), given as regions or, on raw parts without them, Micron's
 * as nand_micron.c declares it (fm_desc_load_oob_layout()).
 */
static gboolean
load_on_die_ecc (const Loader *ld, FmChipDesc *d, GError **error)
{
  const gchar *g = "on-die-ecc";
  static const gchar *const raw_only[] = { "feature-address", "enable-mask", "id-byte", "id-enabled-mask" };
  gboolean spi = d->type == FM_CHIP_SPI_NAND;
  guint64 strength = 0, feature = 0x90, enable = 0x08, id_byte = 4, id_mask = 0x80, rewrite = 1;

  if (!g_key_file_has_group (ld->kf, g))
    {
      if (spi)
        return fm_desc_fail (ld, error, g, NULL, "required group is missing: every SPI NAND part has on-die ECC");
      return TRUE;
    }
  if (!fm_desc_get_uint (ld, g, "strength", TRUE, 1, 8, &strength, error) ||
      !load_benand (ld, d, strength, error) ||
      !fm_desc_get_uint (ld, g, "rewrite-recommended-bits", FALSE, 1, strength, &rewrite, error))
    return FALSE;
  if (spi ? strength != 1 && strength != 4 && strength != 8 : strength != 4 && strength != 8)
    return fm_desc_fail (ld, error, g, "strength", "%" G_GUINT64_FORMAT " is not %s", strength,
                         spi ? "1, 4 or 8" : "4 or 8");
  if (d->page_size % 512 || d->bus_width != 8)
    return fm_desc_fail (ld, error, g, NULL, "modelled for x8 parts with 512-byte sectors");
  if (!g_key_file_has_key (ld->kf, "timing", "tR-ECC-typ-us", NULL))
    return fm_desc_fail (ld, error, "timing", "tR-ECC-typ-us", "required with [on-die-ecc]");
  if (spi || d->on_die_ecc_benand)
    {
      /* ECC_EN in the configuration register switches it (fm-spi-nand.h);
       * nothing switches a BENAND part's. */
      for (guint i = 0; i < G_N_ELEMENTS (raw_only); i++)
        if (g_key_file_has_key (ld->kf, g, raw_only[i], NULL))
          return fm_desc_fail (ld, error, g, raw_only[i], spi
                               ? "raw NAND only: SPI NAND parts switch their ECC with ECC_EN (B0h bit 4)"
                               : "not with benand: a BENAND part's ECC is always on");
    }
  else
    {
      if (!fm_desc_get_uint (ld, g, "feature-address", FALSE, 0, 0xff, &feature, error) ||
          !fm_desc_get_uint (ld, g, "enable-mask", FALSE, 1, 0xff, &enable, error) ||
          !fm_desc_get_uint (ld, g, "id-byte", FALSE, 0, FM_MAX_ID_BYTES - 1, &id_byte, error) ||
          !fm_desc_get_uint (ld, g, "id-enabled-mask", FALSE, 1, 0xff, &id_mask, error))
        return FALSE;
      if (id_byte >= d->id_len)
        return fm_desc_fail (ld, error, g, "id-byte", "the part has %u ID bytes", d->id_len);
      if (!memchr (d->feature_addrs, (int) feature, d->n_feature_addrs))
        return fm_desc_fail (ld, error, g, "feature-address", "0x%02x is not in [onfi] feature-addresses",
                     (guint) feature);
    }
  d->on_die_ecc_strength = strength;
  d->on_die_ecc_feature = spi || d->on_die_ecc_benand ? 0 : feature;
  d->on_die_ecc_enable_mask = spi || d->on_die_ecc_benand ? 0 : enable;
  d->on_die_ecc_id_byte = spi || d->on_die_ecc_benand ? 0 : id_byte;
  d->on_die_ecc_id_mask = spi || d->on_die_ecc_benand ? 0 : id_mask;
  d->on_die_ecc_rewrite_bits = rewrite;
  return fm_desc_load_oob_layout (ld, d, error);
}

static gboolean
load_timing (const Loader *ld, FmChipDesc *d, GError **error)
{
  gdouble feat_us = 1.0, rst_us = 5.0;

  if (!get_op_time (ld, "tR", TRUE, &d->t_r, error) ||
      !get_op_time (ld, "tR-ECC", FALSE, &d->t_r_ecc, error) ||
      !get_op_time (ld, "tPROG", TRUE, &d->t_prog, error) ||
      !get_op_time (ld, "tBERS", TRUE, &d->t_bers, error) ||
      !get_op_time (ld, "tCBSY", (d->commands & FM_CMD_CACHE_PROGRAM) != 0, &d->t_cbsy, error) ||
      !get_op_time (ld, "tRCBSY", (d->commands & FM_CMD_READ_CACHE) != 0, &d->t_rcbsy, error) ||
      !get_op_time (ld, "tDBSY", (d->commands & FM_CMD_MULTI_PLANE) != 0, &d->t_dbsy, error) ||
      !fm_desc_get_double (ld, "timing", "tFEAT-us", FALSE, 0.001, 1e6, &feat_us, error) ||
      !fm_desc_get_double (ld, "timing", "tRST-us", FALSE, 0.001, 1e6, &rst_us, error))
    return FALSE;
  d->t_feat_ns = (guint64) (feat_us * 1000.0 + 0.5);
  d->t_rst_ns = (guint64) (rst_us * 1000.0 + 0.5);
  return TRUE;
}

static gboolean
load_reliability (const Loader *ld, FmChipDesc *d, GError **error)
{
  guint64 nop = 0, pe = 0, bad_max = 0, bbm_offset = 0;
  guint bbm_pages = 0;

  d->wearout_shape = 4.0;
  d->wearout_scale = 2.5;
  if (!fm_desc_get_uint (ld, "reliability", "nop", TRUE, 1, 15, &nop, error) ||
      !fm_desc_get_bool (ld, "reliability", "sequential-program", TRUE, &d->sequential_program, error) ||
      !fm_desc_get_uint (ld, "reliability", "pe-cycles", TRUE, 1, 100000000, &pe, error) ||
      !fm_desc_get_double (ld, "reliability", "wearout-shape", FALSE, 0.1, 100, &d->wearout_shape, error) ||
      !fm_desc_get_double (ld, "reliability", "wearout-scale", FALSE, 0.01, 1000, &d->wearout_scale, error) ||
      !fm_desc_get_uint (ld, "reliability", "factory-bad-blocks-max", TRUE, 0, d->blocks_per_lun, &bad_max, error) ||
      !fm_desc_get_uint (ld, "reliability", "bad-block-marker-offset", TRUE, 0, 0xffff, &bbm_offset, error) ||
      !fm_desc_get_flags (ld, "reliability", "bad-block-marker-pages", TRUE, bbm_page_names, &bbm_pages, error))
    return FALSE;
  if (bbm_offset * (d->bus_width / 8) >= d->oob_size)
    return fm_desc_fail (ld, error, "reliability", "bad-block-marker-offset", "outside the spare area");
  if (!bbm_pages)
    return fm_desc_fail (ld, error, "reliability", "bad-block-marker-pages", "names no page");
  if ((bbm_pages & FM_BBM_SECOND_PAGE) && d->pages_per_block < 2)
    return fm_desc_fail (ld, error, "reliability", "bad-block-marker-pages", "'second' on a one-page block");
  if (bad_max + d->guaranteed_valid_blocks > d->blocks_per_lun)
    return fm_desc_fail (ld, error, "reliability", "factory-bad-blocks-max", "leaves no room for the guaranteed valid blocks");
  d->nop = nop;
  d->pe_cycles = pe;
  d->factory_bad_blocks_max = bad_max;
  d->bbm_offset = bbm_offset;
  d->bbm_pages = bbm_pages;
  return TRUE;
}

static gboolean
load_mlc (const Loader *ld, FmChipDesc *d, GError **error)
{
  g_autofree gchar *pairing = NULL;
  gboolean has_group = g_key_file_has_group (ld->kf, "mlc");

  if (d->type != FM_CHIP_NAND_MLC)
    {
      if (has_group)
        return fm_desc_fail (ld, error, "mlc", NULL, "only nand-mlc parts have paired pages");
      return TRUE;
    }
  if (!has_group)
    return fm_desc_fail (ld, error, "mlc", NULL, "required group is missing for nand-mlc");
  if (!fm_desc_get_string (ld, "mlc", "pairing", TRUE, 0, &pairing, error))
    return FALSE;
  if (g_str_equal (pairing, "dist3"))
    d->pairing = FM_PAIRING_DIST3;
  else
    return fm_desc_fail (ld, error, "mlc", "pairing", "unknown pairing scheme '%s'", pairing);
  if (d->pages_per_block < 4)
    return fm_desc_fail (ld, error, "mlc", "pairing", "dist3 needs at least 4 pages per block");
  return TRUE;
}

static gboolean
load_bit_errors (const Loader *ld, FmChipDesc *d, GError **error)
{
  FmBitErrorModel *m = &d->bit_errors;
  FmBitErrorModel none = FM_BIT_ERROR_MODEL_NONE;

  *m = none;
  if (!g_key_file_has_group (ld->kf, "bit-errors"))
    return TRUE;
  if (!fm_desc_get_double (ld, "bit-errors", "rber-fresh", TRUE, 0, 0.5, &m->rber_fresh, error) ||
      !fm_desc_get_double (ld, "bit-errors", "rber-endurance", TRUE, 0, 0.5, &m->rber_endurance, error) ||
      !fm_desc_get_double (ld, "bit-errors", "wear-exponent", FALSE, 0.1, 20, &m->wear_exponent, error) ||
      !fm_desc_get_double (ld, "bit-errors", "read-disturb-per-read", FALSE, 0, 0.5, &m->read_disturb, error) ||
      !fm_desc_get_double (ld, "bit-errors", "retention-per-hour", FALSE, 0, 0.5, &m->retention_per_hour, error))
    return FALSE;
  if (m->rber_endurance < m->rber_fresh)
    return fm_desc_fail (ld, error, "bit-errors", "rber-endurance", "is below rber-fresh: wear cannot heal a block");
  return TRUE;
}

/* [ecc-requirement]: what a parameter page would state, for parts without
 * one, so that ECC "auto" picks what Linux picks for them. */
static gboolean
load_ecc_requirement (const Loader *ld, FmChipDesc *d, GError **error)
{
  guint64 bits = 0, codeword = 512;

  if (!fm_desc_get_uint (ld, "ecc-requirement", "bits", FALSE, 0, 0xff, &bits, error) ||
      !fm_desc_get_uint (ld, "ecc-requirement", "codeword-size", FALSE, 512, 0x10000, &codeword, error))
    return FALSE;
  if (!bits)
    return TRUE;
  if (d->onfi_version || d->jedec_version)
    return fm_desc_fail (ld, error, "ecc-requirement", "bits",
                         d->onfi_version ? "the part's ONFI page states it: [onfi] ecc-bits"
                                         : "the part's JEDEC page states it: [jedec] ecc-bits");
  if (codeword & (codeword - 1))
    return fm_desc_fail (ld, error, "ecc-requirement", "codeword-size", "must be a power of two");
  d->ecc_bits = bits;
  d->ecc_codeword_size = codeword;
  return TRUE;
}

/* [macronix]: block protection through feature address A0h and the PT
 * pin, which Linux drives through GET/SET FEATURES. */
static gboolean
load_macronix (const Loader *ld, FmChipDesc *d, GError **error)
{
  gboolean protection = FALSE;

  if (!fm_desc_get_bool (ld, "macronix", "block-protection", FALSE, &protection, error))
    return FALSE;
  if (protection && !(d->commands & FM_CMD_GET_SET_FEATURES))
    return fm_desc_fail (ld, error, "macronix", "block-protection",
                         "needs get-set-features in [commands] optional");
  d->mxic_block_protection = protection;
  return TRUE;
}

/* Everything but [chip] of a NAND part. */
static gboolean
load_nand (const Loader *ld, FmChipDesc *d, GError **error)
{
  guint commands = 0;

  if (!load_geometry (ld, d, error) ||
      !fm_desc_get_flags (ld, "commands", "optional", FALSE, command_names, &commands, error))
    return FALSE;
  d->commands = commands;
  /* The small-page command set (00h/01h/50h pointers, no confirm cycle) is
   * modelled without its copy-back (8Ah) and multi-plane variants. */
  if (d->small_page && commands)
    return fm_desc_fail (ld, error, "commands", "optional", "small-page parts are modelled without optional commands");
  if ((commands & FM_CMD_MULTI_PLANE) && d->planes < 2)
    return fm_desc_fail (ld, error, "commands", "optional", "multi-plane on a part with one plane");
  if (!load_onfi (ld, d, error) ||
      !load_jedec (ld, d, error) ||
      !load_ecc_requirement (ld, d, error) ||
      !load_on_die_ecc (ld, d, error) ||
      !load_timing (ld, d, error) ||
      !load_reliability (ld, d, error) ||
      !load_mlc (ld, d, error) ||
      !load_macronix (ld, d, error) ||
      !load_bit_errors (ld, d, error) ||
      !fm_desc_load_cell_model (ld, d, error))
    return FALSE;
  return d->type != FM_CHIP_SPI_NAND || fm_desc_load_spi_nand (ld, d, error);
}

static FmChipDesc *
load (GKeyFile *kf, const gchar *origin, const gchar *path, GError **error)
{
  g_autoptr (FmChipDesc) d = g_new0 (FmChipDesc, 1);
  Loader ld = { kf, origin };

  d->path = g_strdup (path);
  d->guaranteed_valid_blocks = 1;
  if (!fm_desc_check_schema (&ld, error) ||
      !load_chip_group (&ld, d, error) ||
      !fm_desc_check_groups_for_type (&ld, d->type, error))
    return NULL;
  if (fm_chip_desc_is_nor (d) ? !fm_desc_load_nor (&ld, d, error)
                              : !load_nand (&ld, d, error))
    return NULL;
  return g_steal_pointer (&d);
}

FmChipDesc *
fm_chip_desc_load_file (const gchar *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *local = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, FM_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? FM_ERROR_NOT_FOUND : FM_ERROR_DESCRIPTOR,
                   "%s: %s", path, local->message);
      g_error_free (local);
      return NULL;
    }
  return load (kf, path, path, error);
}

FmChipDesc *
fm_chip_desc_load_data (const gchar *data, const gchar *origin, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *local = NULL;

  if (!g_key_file_load_from_data (kf, data, -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR, "%s: %s", origin, local->message);
      g_error_free (local);
      return NULL;
    }
  return load (kf, origin, NULL, error);
}

void
fm_chip_desc_free (FmChipDesc *desc)
{
  if (!desc)
    return;
  g_free (desc->name);
  g_free (desc->vendor);
  g_free (desc->part);
  g_free (desc->datasheet);
  g_free (desc->path);
  g_free (desc->cell_model);
  g_free (desc);
}

const gchar *
fm_chip_catalog_dir (void)
{
  const gchar *env = g_getenv ("FLASHMODEL_CHIPS_DIR");

  if (env && *env)
    return env;
#ifdef FM_CHIPS_SRCDIR
  if (!g_file_test (FM_CHIPS_DATADIR, G_FILE_TEST_IS_DIR))
    return FM_CHIPS_SRCDIR;
#endif
  return FM_CHIPS_DATADIR;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

GStrv
fm_chip_catalog_names (GError **error)
{
  const gchar *dirname = fm_chip_catalog_dir ();
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const gchar *entry;
  GError *local = NULL;

  dir = g_dir_open (dirname, 0, &local);
  if (!dir)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_NOT_FOUND,
                   "chip catalog %s: %s", dirname, local->message);
      g_error_free (local);
      return NULL;
    }
  while ((entry = g_dir_read_name (dir)))
    if (g_str_has_suffix (entry, ".ini"))
      g_ptr_array_add (names, g_strndup (entry, strlen (entry) - 4));
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

FmChipDesc *
fm_chip_desc_lookup (const gchar *name, GError **error)
{
  g_autofree gchar *path = NULL;

  if (strchr (name, '/') || g_str_has_suffix (name, ".ini"))
    return fm_chip_desc_load_file (name, error);
  for (const gchar *c = name; *c; c++)
    if (!(g_ascii_isalnum (*c) || *c == '-' || *c == '_'))
      {
        g_set_error (error, FM_ERROR, FM_ERROR_NOT_FOUND,
                     "'%s' is not a chip name (see 'flashmodel list-chips')", name);
        return NULL;
      }
  path = g_strdup_printf ("%s/%s.ini", fm_chip_catalog_dir (), name);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_NOT_FOUND,
                   "no chip named '%s' in %s (see 'flashmodel list-chips')",
                   name, fm_chip_catalog_dir ());
      return NULL;
    }
  return fm_chip_desc_load_file (path, error);
}

gboolean
fm_chip_name_valid (const gchar *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > FM_CHIP_NAME_MAX)
    return FALSE;
  for (const gchar *c = name; *c; c++)
    if (!(g_ascii_islower (*c) || g_ascii_isdigit (*c) || *c == '-'))
      return FALSE;
  return TRUE;
}

const gchar *
fm_chip_type_to_string (FmChipType type)
{
  switch (type)
    {
    case FM_CHIP_NAND_SLC: return "nand-slc";
    case FM_CHIP_NAND_MLC: return "nand-mlc";
    case FM_CHIP_NOR_CFI: return "nor-cfi";
    case FM_CHIP_SPI_NOR: return "spi-nor";
    case FM_CHIP_SPI_NAND: return "spi-nand";
    }
  return "unknown";
}

guint32
fm_chip_desc_blocks (const FmChipDesc *d)
{
  return d->blocks_per_lun * fm_chip_desc_all_luns (d);
}

guint
fm_chip_desc_all_luns (const FmChipDesc *d)
{
  return d->luns * d->targets;
}

guint64
fm_chip_desc_pages (const FmChipDesc *d)
{
  return (guint64) fm_chip_desc_blocks (d) * d->pages_per_block;
}

guint64
fm_chip_desc_size_bytes (const FmChipDesc *d)
{
  return fm_chip_desc_pages (d) * d->page_size;
}

guint
fm_chip_desc_page_bits (const FmChipDesc *d)
{
  return ceil_log2 (d->pages_per_block);
}

guint
fm_chip_desc_block_bits (const FmChipDesc *d)
{
  return ceil_log2 (d->blocks_per_lun);
}

guint
fm_chip_desc_lun_bits (const FmChipDesc *d)
{
  return ceil_log2 (d->luns);
}

guint
fm_chip_desc_row_cycles (const FmChipDesc *d)
{
  guint bits = fm_chip_desc_page_bits (d) + fm_chip_desc_block_bits (d) + fm_chip_desc_lun_bits (d);

  return MAX (1u, (bits + 7) / 8);
}

guint
fm_chip_desc_col_cycles (const FmChipDesc *d)
{
  return d->small_page ? 1 : 2;
}

guint
fm_chip_desc_bits_per_cell (const FmChipDesc *d)
{
  return d->type == FM_CHIP_NAND_MLC ? 2 : 1;
}

gboolean
fm_chip_desc_is_nor (const FmChipDesc *d)
{
  return d->type == FM_CHIP_NOR_CFI || d->type == FM_CHIP_SPI_NOR;
}

gboolean
fm_chip_desc_is_nand (const FmChipDesc *d)
{
  return !fm_chip_desc_is_nor (d);
}
