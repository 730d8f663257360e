/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SPI NAND descriptors: the [spi-nand] group, the bus facts of a serial
 * NAND part that the NAND groups do not give (how READ ID answers, the
 * READ FROM CACHE and PROGRAM LOAD instructions with their dummy bytes,
 * the feature registers' power-on values and bits, block protection, OTP,
 * and how the status register reports the on-die ECC's result).
 */
#include "fm-chip-desc-loader.h"

#include <string.h>

typedef FmDescLoader Loader;

static const gchar *const spi_nand_keys[] = {
  "read-id", "ecc-status", "read-from-cache", "program-load", "quad-enable",
  "configuration-reset", "configuration-writable", "buffer-read-bit", "continuous-read",
  "protection-reset", "protection-writable", "block-protect-bits",
  "top-bottom-bit", "complement-bit", "protect-first-fraction", "otp-pages",
  "unique-id-page", NULL };

const FmDescGroup fm_desc_spi_nand_groups[] = {
  { "spi-nand", spi_nand_keys, FM_DESC_SPI_NAND },
  { NULL, NULL, 0 }
};

/* The configuration (B0h) bits every part has at these places, as
 * include/linux/mtd/spinand.h names them. */
#define CFG_OTP_ENABLE (1u << 6)
#define CFG_ECC_ENABLE (1u << 4)
#define CFG_QUAD_ENABLE (1u << 0)
/* The protection (A0h) bits: BRWD (Winbond's SRP0) at 7, BP0 at 3. */
#define PROT_BRWD (1u << 7)
#define PROT_BP_SHIFT 3

static const gchar *const read_id_names[] = {
  [FM_SPI_NAND_ID_OPCODE] = "opcode",
  [FM_SPI_NAND_ID_ADDRESS] = "address",
  [FM_SPI_NAND_ID_DUMMY] = "dummy",
};

/* Each encoding and the strength it is made for (0: any up to 8). */
static const struct {
  const gchar *name;
  guint strength;
} ecc_status_names[FM_SPI_NAND_N_ECC_STATUS] = {
  [FM_SPI_NAND_ECC_SPINAND_DEFAULT] = { "spinand-default", 0 },
  [FM_SPI_NAND_ECC_MX35LF1GE4AB] = { "mx35lf1ge4ab", 0 },
  [FM_SPI_NAND_ECC_MICRON_8] = { "micron-8", 8 },
  [FM_SPI_NAND_ECC_GD5FXGQ4XA] = { "gd5fxgq4xa", 8 },
  [FM_SPI_NAND_ECC_GD5FXGQ4UEXXG] = { "gd5fxgq4uexxg", 8 },
  [FM_SPI_NAND_ECC_GD5FXGQ5XEXXG] = { "gd5fxgq5xexxg", 4 },
  [FM_SPI_NAND_ECC_TX58CXGXSXRAIX] = { "tx58cxgxsxraix", 0 },
  [FM_SPI_NAND_ECC_XT26G0XA] = { "xt26g0xa", 8 },
  [FM_SPI_NAND_ECC_PN26G0XA] = { "pn26g0xa", 8 },
};

static const gchar *const read_op_names[FM_SPI_NAND_N_READ_OPS] = {
  "1-1-1", "1-1-1-fast", "1-1-2", "1-2-2", "1-1-4", "1-4-4",
};

const gchar *
fm_spi_nand_ecc_status_to_string (FmSpiNandEccStatus status)
{
  return status < FM_SPI_NAND_N_ECC_STATUS ? ecc_status_names[status].name : "unknown";
}

const gchar *
fm_spi_nand_id_method_to_string (FmSpiNandIdMethod method)
{
  return method <= FM_SPI_NAND_ID_DUMMY ? read_id_names[method] : "unknown";
}

const gchar *
fm_spi_nand_read_op_to_string (guint index)
{
  return index < FM_SPI_NAND_N_READ_OPS ? read_op_names[index] : "unknown";
}

static gboolean
get_name (const Loader *ld, const gchar *key, const gchar *const *names, guint n,
          guint *out, GError **error)
{
  g_autofree gchar *text = NULL;
  g_autoptr (GString) known = g_string_new (NULL);

  if (!fm_desc_get_string (ld, "spi-nand", key, TRUE, 0, &text, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (g_str_equal (text, names[i]))
        {
          *out = i;
          return TRUE;
        }
      g_string_append_printf (known, "%s%s", i ? ", " : "", names[i]);
    }
  return fm_desc_fail (ld, error, "spi-nand", key, "'%s' is not one of %s", text, known->str);
}

static gboolean
load_ecc_status (const Loader *ld, FmSpiNandDesc *s, guint strength, GError **error)
{
  const gchar *names[FM_SPI_NAND_N_ECC_STATUS];
  guint v;

  for (guint i = 0; i < FM_SPI_NAND_N_ECC_STATUS; i++)
    names[i] = ecc_status_names[i].name;
  if (!get_name (ld, "ecc-status", names, FM_SPI_NAND_N_ECC_STATUS, &v, error))
    return FALSE;
  if (ecc_status_names[v].strength && ecc_status_names[v].strength != strength)
    return fm_desc_fail (ld, error, "spi-nand", "ecc-status", "%s reports a %u-bit ECC, [on-die-ecc] strength is %u",
                         names[v], ecc_status_names[v].strength, strength);
  s->ecc_status = v;
  return TRUE;
}

/* KEY's "MODE:DUMMY-BYTES;..." into DUMMY (by op bit) and *OPS. */
static gboolean
load_read_op_list (const Loader *ld, const gchar *key, gboolean required, guint *ops,
                   guint8 *dummies, GError **error)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) items = NULL;

  *ops = 0;
  if (!fm_desc_get_string (ld, "spi-nand", key, required, 0, &text, error))
    return FALSE;
  if (!text)
    return TRUE;
  items = g_strsplit (text, ";", -1);
  for (guint i = 0; items[i]; i++)
    {
      g_auto (GStrv) mode_dummy = g_strsplit (g_strstrip (items[i]), ":", -1);
      guint m = FM_SPI_NAND_N_READ_OPS;
      guint64 dummy;

      if (!*mode_dummy || !**mode_dummy)
        continue;
      for (guint k = 0; k < FM_SPI_NAND_N_READ_OPS; k++)
        if (g_str_equal (mode_dummy[0], read_op_names[k]))
          m = k;
      if (g_strv_length (mode_dummy) != 2 || m == FM_SPI_NAND_N_READ_OPS ||
          !fm_desc_parse_u64 (mode_dummy[1], &dummy))
        return fm_desc_fail (ld, error, "spi-nand", key,
                             "'%s' is not MODE:DUMMY-BYTES with MODE 1-1-1, 1-1-1-fast, 1-1-2, 1-2-2, 1-1-4 or 1-4-4",
                             items[i]);
      if (dummy > 4)
        return fm_desc_fail (ld, error, "spi-nand", key, "'%s': more than 4 dummy bytes", items[i]);
      if (*ops & (1u << m))
        return fm_desc_fail (ld, error, "spi-nand", key, "%s given twice", read_op_names[m]);
      *ops |= 1u << m;
      dummies[m] = dummy;
    }
  return TRUE;
}

static gboolean
load_read_ops (const Loader *ld, FmSpiNandDesc *s, GError **error)
{
  guint ops = 0, continuous = 0;

  if (!load_read_op_list (ld, "read-from-cache", TRUE, &ops, s->read_dummy, error))
    return FALSE;
  s->read_ops = ops;
  if (!(s->read_ops & FM_SPI_NAND_READ_1_1_1))
    return fm_desc_fail (ld, error, "spi-nand", "read-from-cache", "every part has 1-1-1 (03h)");
  /* Continuous read: the same instructions, other dummy bytes. */
  if (!load_read_op_list (ld, "continuous-read", FALSE, &continuous, s->continuous_dummy, error))
    return FALSE;
  if (g_key_file_has_key (ld->kf, "spi-nand", "continuous-read", NULL) &&
      !g_key_file_has_key (ld->kf, "spi-nand", "buffer-read-bit", NULL))
    return fm_desc_fail (ld, error, "spi-nand", "continuous-read", "needs buffer-read-bit");
  if (g_key_file_has_key (ld->kf, "spi-nand", "buffer-read-bit", NULL) && continuous != ops)
    return fm_desc_fail (ld, error, "spi-nand", "continuous-read",
                         "give the dummy bytes of every read-from-cache instruction");
  return TRUE;
}

static gboolean
load_program_load (const Loader *ld, FmSpiNandDesc *s, GError **error)
{
  static const FmDescFlagName names[] = { { "1-1-1", 1 }, { "1-1-4", 2 }, { NULL, 0 } };
  guint ops = 1;

  if (!fm_desc_get_flags (ld, "spi-nand", "program-load", FALSE, names, &ops, error))
    return FALSE;
  if (!(ops & 1))
    return fm_desc_fail (ld, error, "spi-nand", "program-load", "every part has 1-1-1 (02h and 84h)");
  s->program_load_x4 = (ops & 2) != 0;
  return TRUE;
}

static gboolean
get_byte (const Loader *ld, const gchar *key, gboolean required, guint8 *out, GError **error)
{
  guint64 v = *out;

  if (!fm_desc_get_uint (ld, "spi-nand", key, required, 0, 0xff, &v, error))
    return FALSE;
  *out = v;
  return TRUE;
}

/* An optional bit number, -1 when absent. */
static gboolean
get_bit (const Loader *ld, const gchar *key, gint *out, GError **error)
{
  guint64 v = G_MAXUINT64;

  if (!fm_desc_get_uint (ld, "spi-nand", key, FALSE, 0, 7, &v, error))
    return FALSE;
  *out = v == G_MAXUINT64 ? -1 : (gint) v;
  return TRUE;
}

static guint8
bit_mask (gint bit)
{
  return bit < 0 ? 0 : 1u << bit;
}

static gboolean
load_configuration (const Loader *ld, FmSpiNandDesc *s, GError **error)
{
  const gchar *g = "spi-nand";
  guint8 buffer;

  if (!fm_desc_get_bool (ld, g, "quad-enable", FALSE, &s->quad_enable, error) ||
      !get_byte (ld, "configuration-reset", TRUE, &s->config_reset, error) ||
      !get_bit (ld, "buffer-read-bit", &s->buffer_read_bit, error))
    return FALSE;
  buffer = bit_mask (s->buffer_read_bit);
  if (buffer & (CFG_OTP_ENABLE | CFG_ECC_ENABLE | CFG_QUAD_ENABLE))
    return fm_desc_fail (ld, error, g, "buffer-read-bit", "bit %d is OTP_EN, ECC_EN or QE", s->buffer_read_bit);
  s->config_writable = CFG_OTP_ENABLE | CFG_ECC_ENABLE | buffer | (s->quad_enable ? CFG_QUAD_ENABLE : 0);
  if (!get_byte (ld, "configuration-writable", FALSE, &s->config_writable, error))
    return FALSE;
  if ((s->config_writable & (CFG_OTP_ENABLE | CFG_ECC_ENABLE)) != (CFG_OTP_ENABLE | CFG_ECC_ENABLE))
    return fm_desc_fail (ld, error, g, "configuration-writable",
                         "0x%02x: OTP_EN (bit 6) and ECC_EN (bit 4) are writable on every part", s->config_writable);
  if ((s->config_writable & buffer) != buffer ||
      (s->quad_enable && !(s->config_writable & CFG_QUAD_ENABLE)))
    return fm_desc_fail (ld, error, g, "configuration-writable",
                         "0x%02x leaves out the buffer-read or QE bit", s->config_writable);
  if (s->config_reset & ~s->config_writable & ~0x80u)
    return fm_desc_fail (ld, error, g, "configuration-reset",
                         "0x%02x sets bits that are not writable (0x%02x)", s->config_reset, s->config_writable);
  if (s->config_reset & CFG_OTP_ENABLE)
    return fm_desc_fail (ld, error, g, "configuration-reset", "0x%02x: no part powers up in OTP mode", s->config_reset);
  return TRUE;
}

static gboolean
load_protection (const Loader *ld, FmSpiNandDesc *s, GError **error)
{
  const gchar *g = "spi-nand";
  guint64 bp = 0, fraction = 0;
  guint8 bp_mask;

  if (!fm_desc_get_uint (ld, g, "block-protect-bits", TRUE, 0, 4, &bp, error) ||
      !get_bit (ld, "top-bottom-bit", &s->tb_bit, error) ||
      !get_bit (ld, "complement-bit", &s->cmp_bit, error) ||
      !fm_desc_get_uint (ld, g, "protect-first-fraction", bp > 0, 2, 1u << 20, &fraction, error) ||
      !get_byte (ld, "protection-reset", TRUE, &s->protect_reset, error))
    return FALSE;
  s->bp_bits = bp;
  bp_mask = ((1u << bp) - 1) << PROT_BP_SHIFT;
  if ((bp_mask | PROT_BRWD) & (bit_mask (s->tb_bit) | bit_mask (s->cmp_bit)))
    return fm_desc_fail (ld, error, g, s->tb_bit >= 0 && (bit_mask (s->tb_bit) & (bp_mask | PROT_BRWD))
                                      ? "top-bottom-bit" : "complement-bit",
                         "collides with BRWD (bit 7) or the BP bits (from bit 3)");
  if (s->tb_bit >= 0 && s->tb_bit == s->cmp_bit)
    return fm_desc_fail (ld, error, g, "complement-bit", "is the top-bottom bit");
  if (bp && (fraction & (fraction - 1)))
    return fm_desc_fail (ld, error, g, "protect-first-fraction", "%" G_GUINT64_FORMAT " is not a power of two", fraction);
  s->protect_first_fraction = fraction;
  s->protect_writable = PROT_BRWD | bp_mask | bit_mask (s->tb_bit) | bit_mask (s->cmp_bit);
  if (!get_byte (ld, "protection-writable", FALSE, &s->protect_writable, error))
    return FALSE;
  if ((s->protect_writable & (PROT_BRWD | bp_mask)) != (PROT_BRWD | bp_mask))
    return fm_desc_fail (ld, error, g, "protection-writable", "0x%02x leaves out BRWD or a BP bit", s->protect_writable);
  if (s->protect_reset & ~s->protect_writable)
    return fm_desc_fail (ld, error, g, "protection-reset",
                         "0x%02x sets bits that are not writable (0x%02x)", s->protect_reset, s->protect_writable);
  return TRUE;
}

/* Linux's spinand core reads the bad block marker at spare bytes 0-1 of
 * the first page, raw: neither the host's bytes nor the parity hide it. */
static gboolean
check_marker (const Loader *ld, const FmChipDesc *d, GError **error)
{
  const FmOobLayout *l = &d->on_die_layout;
  guint b = d->bbm_offset;

  for (guint i = 0; i < l->n_free; i++)
    if (b >= l->free[i].offset && b < (guint) l->free[i].offset + l->free[i].length)
      return fm_desc_fail (ld, error, "reliability", "bad-block-marker-offset", "byte %u is in a free region", b);
  for (guint i = 0; i < l->n_ecc; i++)
    if (b >= l->ecc[i].offset && b < (guint) l->ecc[i].offset + l->ecc[i].length)
      return fm_desc_fail (ld, error, "reliability", "bad-block-marker-offset", "byte %u is in an ecc region", b);
  if (!(d->bbm_pages & FM_BBM_FIRST_PAGE))
    return fm_desc_fail (ld, error, "reliability", "bad-block-marker-pages",
                         "SPI NAND parts mark the first page (Linux's spinand_isbad() reads it)");
  return TRUE;
}

gboolean
fm_desc_load_spi_nand (const Loader *ld, FmChipDesc *d, GError **error)
{
  FmSpiNandDesc *s = &d->spi_nand;
  guint method = 0;
  guint64 otp = 0;

  g_assert (d->type == FM_CHIP_SPI_NAND);
  if (!g_key_file_has_group (ld->kf, "spi-nand"))
    return fm_desc_fail (ld, error, "spi-nand", NULL, "required group is missing");
  if (!get_name (ld, "read-id", read_id_names, G_N_ELEMENTS (read_id_names), &method, error) ||
      !load_ecc_status (ld, s, d->on_die_ecc_strength, error) ||
      !load_read_ops (ld, s, error) ||
      !load_program_load (ld, s, error) ||
      !load_configuration (ld, s, error) ||
      !load_protection (ld, s, error) ||
      !fm_desc_get_uint (ld, "spi-nand", "otp-pages", FALSE, 0, 64, &otp, error) ||
      !fm_desc_get_bool (ld, "spi-nand", "unique-id-page", FALSE, &s->unique_id_page, error) ||
      !check_marker (ld, d, error))
    return FALSE;
  s->read_id = method;
  s->otp_pages = otp;
  if (s->quad_enable && !s->program_load_x4 &&
      !(s->read_ops & (FM_SPI_NAND_READ_1_1_4 | FM_SPI_NAND_READ_1_4_4)))
    return fm_desc_fail (ld, error, "spi-nand", "quad-enable", "a QE bit on a part without x4 instructions");
  return TRUE;
}
