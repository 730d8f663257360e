/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Read retry descriptors: the [read-retry] group of a raw NAND part, the
 * mechanism a host uses to shift the read references (as Linux 6.1's
 * vendor file for the part drives it), the number of levels and each
 * level's shifts. Every value is checked here, where it enters: the bus
 * model and the OTP table built from it trust what passed.
 */
#include "fm-chip-desc-loader.h"
#include "fm-nand-vendor-hynix.h"

#include <stdlib.h>
#include <string.h>

typedef FmDescLoader Loader;

#define G "read-retry"
/* Linux's MACRONIX_NUM_READ_RETRY_MODES: nand_macronix.c always uses six. */
#define MACRONIX_LEVELS 6
#define ONFI_FEATURE_READ_RETRY 0x89
#define MICRON_ID 0x2c
#define MACRONIX_ID 0xc2

static const gchar *const read_retry_keys[] = {
  "mechanism", "levels",
  "level-1", "level-2", "level-3", "level-4", "level-5", "level-6", "level-7", "level-8",
  "level-9", "level-10", "level-11", "level-12", "level-13", "level-14", "level-15", NULL };

const FmDescGroup fm_desc_read_retry_groups[] = {
  { G, read_retry_keys, FM_DESC_NAND },
  { NULL, NULL, 0 }
};

static const gchar *const mechanism_names[] = {
  [FM_READ_RETRY_NONE] = "none",
  [FM_READ_RETRY_ONFI_FEATURE] = "onfi-feature",
  [FM_READ_RETRY_MACRONIX_FEATURE] = "macronix-feature",
  [FM_READ_RETRY_HYNIX_OTP] = "hynix-otp",
};

const gchar *
fm_read_retry_mechanism_to_string (FmReadRetryMechanism mechanism)
{
  return mechanism <= FM_READ_RETRY_HYNIX_OTP ? mechanism_names[mechanism] : "unknown";
}

/* "o1;o2;..." of level LEVEL: exactly REFS signed integers in mV. */
static gboolean
load_level (const Loader *ld, FmReadRetryDesc *rr, guint level, GError **error)
{
  g_autofree gchar *key = g_strdup_printf ("level-%u", level);
  g_autofree gchar *text = NULL;
  g_auto (GStrv) items = NULL;
  guint n;

  if (!fm_desc_get_string (ld, G, key, TRUE, 0, &text, error))
    return FALSE;
  items = g_strsplit (text, ";", -1);
  n = g_strv_length (items);
  if (n != rr->refs)
    return fm_desc_fail (ld, error, G, key, "%u values, the part has %u read reference%s", n, rr->refs,
                         rr->refs == 1 ? "" : "s");
  for (guint i = 0; i < n; i++)
    {
      gint64 v;

      g_strstrip (items[i]);
      if (!g_ascii_string_to_signed (items[i], 10, -FM_READ_RETRY_MAX_OFFSET_MV, FM_READ_RETRY_MAX_OFFSET_MV,
                                     &v, NULL))
        return fm_desc_fail (ld, error, G, key, "'%s' is not a shift in mV between %d and %d", items[i],
                             -FM_READ_RETRY_MAX_OFFSET_MV, FM_READ_RETRY_MAX_OFFSET_MV);
      if (rr->mechanism == FM_READ_RETRY_HYNIX_OTP &&
          (v % FM_HYNIX_RR_STEP_MV != 0 || labs ((long) (v / FM_HYNIX_RR_STEP_MV)) > 127))
        return fm_desc_fail (ld, error, G, key, "%" G_GINT64_FORMAT " mV: a Hynix register holds a multiple of %d mV "
                             "from %d to %d", v, FM_HYNIX_RR_STEP_MV, -127 * FM_HYNIX_RR_STEP_MV,
                             127 * FM_HYNIX_RR_STEP_MV);
      rr->offset_mv[level][i] = (gint16) v;
    }
  return TRUE;
}

/* What Linux's vendor file needs to find the mechanism on this part. */
static gboolean
check_mechanism (const Loader *ld, const FmChipDesc *d, const FmReadRetryDesc *rr, GError **error)
{
  gboolean features = (d->commands & FM_CMD_GET_SET_FEATURES) != 0 &&
                      memchr (d->feature_addrs, ONFI_FEATURE_READ_RETRY, d->n_feature_addrs) != NULL;

  switch (rr->mechanism)
    {
    case FM_READ_RETRY_ONFI_FEATURE:
    case FM_READ_RETRY_MACRONIX_FEATURE:
      if (!d->onfi_version)
        return fm_desc_fail (ld, error, G, "mechanism", "Linux finds it in the ONFI parameter page: the part needs [onfi]");
      if (!features)
        return fm_desc_fail (ld, error, G, "mechanism",
                             "needs get-set-features in [commands] and 0x89 in [onfi] feature-addresses");
      if (rr->mechanism == FM_READ_RETRY_ONFI_FEATURE && d->id[0] != MICRON_ID)
        return fm_desc_fail (ld, error, G, "mechanism", "byte 180 is Micron's vendor block: nand_micron.c reads it on "
                             "parts that answer 2Ch");
      if (rr->mechanism == FM_READ_RETRY_MACRONIX_FEATURE && d->id[0] != MACRONIX_ID)
        return fm_desc_fail (ld, error, G, "mechanism", "nand_macronix.c reads byte 167 on parts that answer C2h");
      if (rr->mechanism == FM_READ_RETRY_MACRONIX_FEATURE && rr->levels != MACRONIX_LEVELS)
        return fm_desc_fail (ld, error, G, "levels", "nand_macronix.c uses %d levels, not %u", MACRONIX_LEVELS,
                             rr->levels);
      return TRUE;
    case FM_READ_RETRY_HYNIX_OTP:
      if (d->type != FM_CHIP_NAND_MLC || d->id_len < 6 || d->id[0] != FM_HYNIX_ID || (d->id[5] >> 4) != 4)
        return fm_desc_fail (ld, error, G, "mechanism", "nand_hynix.c reads the OTP table of 1x nm MLC parts: "
                             "type nand-mlc, ID ADh with byte 5 bits 7:4 = 4");
      if (d->onfi_version)
        return fm_desc_fail (ld, error, G, "mechanism", "a Hynix 1x nm part answers JEDEC, not ONFI");
      if ((guint64) d->page_size + d->oob_size < FM_HYNIX_OTP_SIZE)
        return fm_desc_fail (ld, error, G, "mechanism", "a page of %u bytes cannot hold the %d-byte OTP table",
                             d->page_size + d->oob_size, FM_HYNIX_OTP_SIZE);
      if (rr->levels > FM_HYNIX_RR_MAX_LEVELS)
        return fm_desc_fail (ld, error, G, "levels", "%u levels of %d registers do not fit the %d OTP bytes Linux "
                             "reads (at most %d)", rr->levels, FM_HYNIX_RR_REGS, FM_HYNIX_OTP_SIZE,
                             (gint) FM_HYNIX_RR_MAX_LEVELS);
      return TRUE;
    case FM_READ_RETRY_NONE:
    default:
      return TRUE;
    }
}

gboolean
fm_desc_load_read_retry (const Loader *ld, FmChipDesc *d, GError **error)
{
  FmReadRetryDesc *rr = &d->read_retry;
  g_autofree gchar *mechanism = NULL;
  guint64 levels = 0;

  memset (rr, 0, sizeof *rr);
  if (!g_key_file_has_group (ld->kf, G))
    return TRUE;
  if (!fm_desc_get_string (ld, G, "mechanism", TRUE, 0, &mechanism, error))
    return FALSE;
  for (guint i = FM_READ_RETRY_ONFI_FEATURE; i < G_N_ELEMENTS (mechanism_names); i++)
    if (g_str_equal (mechanism, mechanism_names[i]))
      rr->mechanism = i;
  if (rr->mechanism == FM_READ_RETRY_NONE)
    return fm_desc_fail (ld, error, G, "mechanism", "'%s' is not onfi-feature, macronix-feature or hynix-otp",
                         mechanism);
  /* Level 0 is the defaults: at least one other to retry with. */
  if (!fm_desc_get_uint (ld, G, "levels", TRUE, 2, FM_READ_RETRY_MAX_LEVELS, &levels, error))
    return FALSE;
  rr->levels = levels;
  rr->refs = (1u << fm_chip_desc_bits_per_cell (d)) - 1;
  if (!check_mechanism (ld, d, rr, error))
    return FALSE;
  for (guint k = 1; k < FM_READ_RETRY_MAX_LEVELS; k++)
    {
      g_autofree gchar *key = g_strdup_printf ("level-%u", k);

      if (k < rr->levels ? !load_level (ld, rr, k, error) : FALSE)
        return FALSE;
      if (k >= rr->levels && g_key_file_has_key (ld->kf, G, key, NULL))
        return fm_desc_fail (ld, error, G, key, "beyond levels=%u (level 0 is the defaults)", rr->levels);
    }
  return TRUE;
}
