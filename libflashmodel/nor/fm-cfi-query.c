/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CFI query structure of a parallel NOR part, built from its
 * descriptor (chips/README.md, "NOR parts"): "QRY" at 10h, the command
 * sets and the primary table address, the voltages, the typical and
 * maximum times, the geometry (device size, interface, write buffer, erase
 * regions) and the descriptor's primary extended table at its address.
 */
#include "fm-cfi-private.h"
#include "fm-bits.h"

#include <math.h>
#include <string.h>

/* Query offsets (JESD68.01). */
enum {
  Q_QRY = 0x10,
  Q_CMDSET = 0x13,
  Q_PRI_ADDR = 0x15,
  Q_ALT_CMDSET = 0x17,
  Q_ALT_ADDR = 0x19,
  Q_VCC_MIN = 0x1b,
  Q_VCC_MAX = 0x1c,
  Q_VPP_MIN = 0x1d,
  Q_VPP_MAX = 0x1e,
  Q_TYP_TIMES = 0x1f,   /* word, buffer, sector erase, chip erase */
  Q_MAX_TIMES = 0x23,   /* the same four */
  Q_DEVICE_SIZE = 0x27,
  Q_INTERFACE = 0x28,
  Q_BUFFER_SIZE = 0x2a,
  Q_N_REGIONS = 0x2c,
  Q_REGIONS = 0x2d,
};

/* AMD primary table: boot sector location (Linux's TopBottom). */
#define AMD_PRI_TOP_BOTTOM 0x0f
#define AMD_TOP_BOOT 3

#define US 1000ull
#define MS 1000000ull

static void
put16 (guint8 *q, guint offset, guint16 v)
{
  q[offset] = v & 0xff;
  q[offset + 1] = v >> 8;
}

/* Typical 2^N units, N the log2 rounded to the nearest integer (at least
 * 1: 0 reads as "not supported"); maximum 2^M times that typical, M
 * rounded up. A time of 0 is an operation the part does not have. */
static void
time_codes (const FmOpTime *t, guint64 unit_ns, guint8 *typ, guint8 *max)
{
  gdouble typ_units, factor;
  glong n, m;

  *typ = *max = 0;
  if (t->typ_ns == 0)
    return;
  typ_units = (gdouble) t->typ_ns / (gdouble) unit_ns;
  n = CLAMP (lround (log2 (typ_units)), 1, 31);
  factor = (gdouble) t->max_ns / (ldexp (1.0, (gint) n) * (gdouble) unit_ns);
  m = factor > 1.0 ? (glong) ceil (log2 (factor) - 1e-9) : 0;
  *typ = (guint8) n;
  *max = (guint8) CLAMP (m, 0, 255);
}

static guint16
interface_code (guint bus_widths)
{
  if ((bus_widths & 8) && (bus_widths & 16))
    return 2;   /* x8/x16 via BYTE# */
  return (bus_widths & 16) ? 1 : 0;
}

/* Top-boot AMD parts list their regions from the top down, which Linux's
 * cfi_cmdset_0002 undoes by swapping them when the boot location says 3. */
static gboolean
regions_reversed (const FmNorDesc *n)
{
  return n->cfi_command_set == FM_CFI_CMDSET_AMD && n->n_regions > 1 &&
         n->ext_table_len > AMD_PRI_TOP_BOTTOM &&
         n->ext_table[AMD_PRI_TOP_BOTTOM] == AMD_TOP_BOOT;
}

static void
put_regions (guint8 *q, const FmNorDesc *n)
{
  q[Q_N_REGIONS] = n->n_regions;
  for (guint i = 0; i < n->n_regions; i++)
    {
      const FmEraseRegion *r = &n->regions[regions_reversed (n) ? n->n_regions - 1 - i : i];

      put16 (q, Q_REGIONS + 4 * i, r->count - 1);
      put16 (q, Q_REGIONS + 4 * i + 2, r->size / 256);
    }
}

GBytes *
fm_nor_cfi_query_table (const FmChipDesc *desc)
{
  const FmNorDesc *n = &desc->nor;
  const FmOpTime *times[4] = {
    &n->t_word_program, &n->t_buffer_program, &n->t_sector_erase, &n->t_chip_erase,
  };
  guint len;
  guint8 *q;

  g_return_val_if_fail (desc->type == FM_CHIP_NOR_CFI, NULL);
  g_return_val_if_fail (n->n_regions <= FM_MAX_ERASE_REGIONS, NULL);

  len = MAX (Q_REGIONS + 4 * n->n_regions, (guint) n->ext_table_addr + n->ext_table_len);
  q = g_malloc0 (len);
  memcpy (q + Q_QRY, "QRY", 3);
  put16 (q, Q_CMDSET, n->cfi_command_set);
  put16 (q, Q_PRI_ADDR, n->ext_table_addr);
  put16 (q, Q_ALT_CMDSET, 0);
  put16 (q, Q_ALT_ADDR, 0);
  q[Q_VCC_MIN] = n->vcc_min;
  q[Q_VCC_MAX] = n->vcc_max;
  q[Q_VPP_MIN] = n->vpp_min;
  q[Q_VPP_MAX] = n->vpp_max;
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    time_codes (times[i], i < 2 ? US : MS, &q[Q_TYP_TIMES + i], &q[Q_MAX_TIMES + i]);
  q[Q_DEVICE_SIZE] = fm_bits_log2 (n->size);
  put16 (q, Q_INTERFACE, interface_code (n->bus_widths));
  put16 (q, Q_BUFFER_SIZE, n->program_buffer ? fm_bits_log2 (n->program_buffer) : 0);
  put_regions (q, n);
  memcpy (q + n->ext_table_addr, n->ext_table, n->ext_table_len);
  return g_bytes_new_take (q, len);
}

guint
fm_cfi_id_offset (const FmCfiCycle *c)
{
  /* Query and identifier data repeat every 256 locations: only the low
   * address lines select them, and sector-relative identifier reads
   * (AMD SA + 02h, Intel block + 2) land on the same offsets. */
  return c->cmd_addr & 0xff;
}

guint16
fm_cfi_query_word (FmNorCfi *cfi, const FmCfiCycle *c)
{
  gsize len;
  const guint8 *q = g_bytes_get_data (cfi->query, &len);
  guint offset = fm_cfi_id_offset (c);

  return offset < len ? q[offset] : 0;
}
