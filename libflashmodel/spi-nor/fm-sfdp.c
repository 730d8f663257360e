/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-sfdp.h"
#include "fm-bits.h"

#include <string.h>

#define NS_PER_US G_GUINT64_CONSTANT (1000)
#define NS_PER_MS G_GUINT64_CONSTANT (1000000)
#define NS_PER_S G_GUINT64_CONSTANT (1000000000)

/* 1 in every bit a field leaves unused or reserved, as the standard asks. */
#define UNUSED(hi, lo) ((guint32) (((G_GUINT64_CONSTANT (1) << ((hi) - (lo) + 1)) - 1) << (lo)))

/* BFPT DWORD 1. */
#define DW1_4K_ERASE_UNIFORM  0x1u      /* bits 1:0 = 01b; 11b: no 4 KiB erase */
#define DW1_4K_ERASE_NONE     0x3u
#define DW1_WRITE_GRANULARITY (1u << 2) /* program buffer of 64 bytes or more */
#define DW1_4K_OPCODE_SHIFT   8
#define DW1_ADDR_3_OR_4       (1u << 17)

/* Erase and program time units (DW10, DW11), finest first. */
static const guint64 erase_units[] = { 1 * NS_PER_MS, 16 * NS_PER_MS, 128 * NS_PER_MS, NS_PER_S };
static const guint64 chip_erase_units[] = { 16 * NS_PER_MS, 256 * NS_PER_MS, 4 * NS_PER_S, 64 * NS_PER_S };
static const guint64 page_program_units[] = { 8 * NS_PER_US, 64 * NS_PER_US };
static const guint64 byte_program_units[] = { 1 * NS_PER_US, 8 * NS_PER_US };

/* The multi-I/O reads in FmSpiReadModes bit order, with where the BFPT
 * announces them (DWORD 1 bit) and holds their settings (a half of DWORD 3
 * or 4), and their 4BAIT bit. */
typedef struct {
  FmSpiReadCommand cmd;
  guint32 dw1_bit;
  guint settings_dword;   /* 1-based */
  guint settings_shift;
  guint32 bait_bit;
} ReadMode;

static const ReadMode read_modes[FM_SPI_N_READ_MODES] = {
  { { FM_SPI_READ_1_1_2, 0x3b, 0x3c, 1, 2 }, 1u << 16, 4, 0, 1u << 2 },
  { { FM_SPI_READ_1_2_2, 0xbb, 0xbc, 2, 2 }, 1u << 20, 4, 16, 1u << 3 },
  { { FM_SPI_READ_1_1_4, 0x6b, 0x6c, 1, 4 }, 1u << 22, 3, 16, 1u << 4 },
  { { FM_SPI_READ_1_4_4, 0xeb, 0xec, 4, 4 }, 1u << 21, 3, 0, 1u << 5 },
};

/* 4BAIT DWORD 1: the 4-byte instructions every four-byte part has. */
#define BAIT_READ_13H      (1u << 0)
#define BAIT_FAST_READ_0CH (1u << 1)
#define BAIT_PP_12H        (1u << 6)
#define BAIT_ERASE_TYPE_1  (1u << 9)

const FmSpiReadCommand *
fm_spi_read_command (guint index)
{
  g_return_val_if_fail (index < FM_SPI_N_READ_MODES, NULL);
  return &read_modes[index].cmd;
}

guint
fm_spi_read_mode_clocks (guint index, guint dummy_clocks)
{
  guint addr_lines = fm_spi_read_command (index)->addr_lines;

  if (addr_lines == 1)
    return 0;
  return MIN (dummy_clocks, 8 / addr_lines);
}

static void
put_le32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static void
put_param_header (guint8 *p, guint16 id, guint8 minor, guint8 major,
                  guint8 dwords, guint32 table_at)
{
  p[0] = id & 0xff;
  p[1] = minor;
  p[2] = major;
  p[3] = dwords;
  p[4] = table_at & 0xff;
  p[5] = (table_at >> 8) & 0xff;
  p[6] = (table_at >> 16) & 0xff;
  p[7] = id >> 8;
}

/*
 * A typical time as a COUNT_BITS-wide count (stored minus one) and a unit
 * index right above it: the finest unit of UNITS in which NS fits, the
 * count rounded to the nearest unit and at least one. ENCODED_NS gets the
 * time the field says.
 */
static guint32
encode_time (guint64 ns, const guint64 *units, guint n_units, guint count_bits,
             guint64 *encoded_ns)
{
  guint64 max_count = G_GUINT64_CONSTANT (1) << count_bits;
  guint64 count;
  guint u = 0;

  while (u + 1 < n_units && (ns + units[u] / 2) / units[u] > max_count)
    u++;
  count = CLAMP ((ns + units[u] / 2) / units[u], 1, max_count);
  *encoded_ns = count * units[u];
  return (guint32) (count - 1) | (guint32) u << count_bits;
}

/* N of "maximum = 2 * (N + 1) * typical" (4 bits) so that the maximum
 * covers MAX_NS. */
static guint
max_multiplier (guint64 typ_ns, guint64 max_ns)
{
  guint64 n;

  if (typ_ns == 0 || max_ns <= 2 * typ_ns)
    return 0;
  n = (max_ns + 2 * typ_ns - 1) / (2 * typ_ns) - 1;
  return (guint) MIN (n, 15);
}

static const FmSpiEraseType *
erase_type_of_size (const FmNorDesc *n, guint32 size)
{
  for (guint i = 0; i < n->n_erase_types; i++)
    if (n->erase_types[i].size == size)
      return &n->erase_types[i];
  return NULL;
}

static guint32
bfpt_dw1 (const FmNorDesc *n)
{
  const FmSpiEraseType *e4k = erase_type_of_size (n, 4096);
  guint32 dw = UNUSED (31, 23) | UNUSED (7, 5);

  if (e4k)
    dw |= DW1_4K_ERASE_UNIFORM | (guint32) e4k->opcode << DW1_4K_OPCODE_SHIFT;
  else
    dw |= DW1_4K_ERASE_NONE | 0xffu << DW1_4K_OPCODE_SHIFT;
  if (n->program_buffer >= 64)
    dw |= DW1_WRITE_GRANULARITY;
  /* Bit 3 = 0: the block protect bits are non-volatile (bit 4, the
   * volatile-register write enable, is then unused: 0 as parts ship it). */
  if (n->four_byte)
    dw |= DW1_ADDR_3_OR_4;
  for (guint i = 0; i < FM_SPI_N_READ_MODES; i++)
    if (n->read_modes & read_modes[i].cmd.mode)
      dw |= read_modes[i].dw1_bit;
  return dw;
}

static guint32
bfpt_dw2 (const FmNorDesc *n)
{
  guint64 bits = n->size * 8;

  if (bits <= G_GUINT64_CONSTANT (1) << 31)
    return (guint32) (bits - 1);
  return 1u << 31 | fm_bits_log2 (bits);
}

/* DWORDs 3 and 4: per read mode, opcode, mode clocks and wait states. */
static void
bfpt_read_settings (const FmNorDesc *n, guint32 *bfpt)
{
  for (guint i = 0; i < FM_SPI_N_READ_MODES; i++)
    {
      const ReadMode *m = &read_modes[i];
      guint dummy = n->read_dummy_clocks[i];
      /* Wait states have 5 bits: a 32nd dummy clock counts as a mode clock. */
      guint mode_clocks = MAX (fm_spi_read_mode_clocks (i, dummy), dummy > 31 ? dummy - 31 : 0);
      guint32 half;

      if (!(n->read_modes & m->cmd.mode))
        continue;
      half = (guint32) m->cmd.opcode << 8 | mode_clocks << 5 | (dummy - mode_clocks);
      bfpt[m->settings_dword - 1] |= half << m->settings_shift;
    }
}

/* DWORDs 8 and 9: erase type I (0-based) in half I of the pair. */
static void
bfpt_erase_types (const FmNorDesc *n, guint32 *bfpt)
{
  for (guint i = 0; i < n->n_erase_types; i++)
    {
      const FmSpiEraseType *e = &n->erase_types[i];
      guint32 half = (guint32) e->opcode << 8 | fm_bits_log2 (e->size);

      bfpt[7 + i / 2] |= half << (16 * (i % 2));
    }
}

/* DWORD 10: typical erase times (5-bit count, 2-bit unit from bit 4, 7
 * bits per type) and one multiplier to the maximum, which here covers the
 * chip erase as well. */
static guint32
bfpt_dw10 (const FmNorDesc *n, guint64 chip_erase_typ_ns)
{
  guint32 dw = 0;
  guint mult = max_multiplier (chip_erase_typ_ns, n->t_chip_erase.max_ns);

  for (guint i = 0; i < n->n_erase_types; i++)
    {
      const FmOpTime *t = &n->erase_types[i].time;
      guint64 typ;

      dw |= encode_time (t->typ_ns, erase_units, G_N_ELEMENTS (erase_units), 5, &typ)
            << (4 + 7 * i);
      mult = MAX (mult, max_multiplier (typ, t->max_ns));
    }
  return dw | mult;
}

/* DWORD 11: program times, page size and chip erase time. The descriptor
 * has the first byte (tBP) and the page (tPP); an additional byte takes
 * the rest of the page's time spread over its other bytes. */
static guint32
bfpt_dw11 (const FmNorDesc *n, guint64 *chip_erase_typ_ns)
{
  guint64 page_typ, byte_typ, more_typ;
  guint64 more_ns = 0;
  guint32 dw = UNUSED (31, 31);
  guint mult;

  if (n->t_buffer_program.typ_ns > n->t_word_program.typ_ns && n->program_buffer > 1)
    more_ns = (n->t_buffer_program.typ_ns - n->t_word_program.typ_ns) / (n->program_buffer - 1);
  dw |= encode_time (n->t_chip_erase.typ_ns, chip_erase_units,
                     G_N_ELEMENTS (chip_erase_units), 5, chip_erase_typ_ns) << 24;
  dw |= encode_time (more_ns, byte_program_units, G_N_ELEMENTS (byte_program_units),
                     4, &more_typ) << 19;
  dw |= encode_time (n->t_word_program.typ_ns, byte_program_units,
                     G_N_ELEMENTS (byte_program_units), 4, &byte_typ) << 14;
  dw |= encode_time (n->t_buffer_program.typ_ns, page_program_units,
                     G_N_ELEMENTS (page_program_units), 5, &page_typ) << 8;
  dw |= fm_bits_log2 (n->program_buffer) << 4;
  mult = MAX (max_multiplier (page_typ, n->t_buffer_program.max_ns),
              max_multiplier (byte_typ, n->t_word_program.max_ns));
  return dw | mult;
}

/* DWORD 14: no deep power-down (bit 31, and its fields unused); busy is
 * polled with RDSR 05h bit 0 (bits 7:2 = xx_xxx1b, no flag status
 * register). */
static guint32
bfpt_dw14 (void)
{
  guint32 legacy_polling = 1u << 2;

  return UNUSED (31, 8) | UNUSED (7, 4) | legacy_polling | UNUSED (1, 0);
}

/* DWORD 15: the QER code; no 0-4-4 or 4-4-4 mode, no HOLD/RESET disable. */
static guint32
bfpt_dw15 (const FmNorDesc *n)
{
  guint32 qer = 0;

  switch (n->quad_enable)
    {
    case FM_SPI_QE_NONE:
      qer = 0x0;
      break;
    case FM_SPI_QE_SR1_BIT6:
      qer = 0x2;
      break;
    case FM_SPI_QE_SR2_BIT1:
      qer = 0x5;
      break;
    }
  return UNUSED (31, 24) | qer << 20;
}

/* DWORD 16: 4-byte mode entry and exit, soft reset, status register 1. */
static guint32
bfpt_dw16 (const FmNorDesc *n)
{
  const guint32 enter_b7h = 1u << 0, dedicated_4b_opcodes = 1u << 5;
  const guint32 exit_e9h = 1u << 0, exit_soft_reset = 1u << 6, exit_power_cycle = 1u << 7;
  const guint32 reset_66h_99h = 1u << 4;
  const guint32 sr1_non_volatile_06h = 1u << 0;
  guint32 dw = reset_66h_99h << 8 | UNUSED (7, 7) | sr1_non_volatile_06h;

  if (n->four_byte)
    dw |= (enter_b7h | dedicated_4b_opcodes) << 24 |
          (exit_e9h | exit_soft_reset | exit_power_cycle) << 14;
  return dw;
}

static void
build_bfpt (const FmNorDesc *n, guint32 *bfpt)
{
  guint64 chip_erase_typ;

  memset (bfpt, 0, FM_SFDP_BFPT_DWORDS * sizeof *bfpt);
  bfpt[0] = bfpt_dw1 (n);
  bfpt[1] = bfpt_dw2 (n);
  bfpt_read_settings (n, bfpt);
  bfpt[4] = UNUSED (31, 5) | UNUSED (3, 1);  /* no 2-2-2 (bit 0), no 4-4-4 (bit 4) */
  bfpt[5] = UNUSED (15, 0);                  /* 2-2-2 settings: none */
  bfpt[6] = UNUSED (15, 0);                  /* 4-4-4 settings: none */
  bfpt_erase_types (n, bfpt);
  bfpt[10] = bfpt_dw11 (n, &chip_erase_typ);
  bfpt[9] = bfpt_dw10 (n, chip_erase_typ);
  bfpt[11] = G_MAXUINT32;                    /* bit 31: no suspend/resume */
  bfpt[12] = G_MAXUINT32;                    /* their instructions: none */
  bfpt[13] = bfpt_dw14 ();
  bfpt[14] = bfpt_dw15 (n);
  bfpt[15] = bfpt_dw16 (n);
}

static void
build_4bait (const FmNorDesc *n, guint32 *bait)
{
  guint32 supported = UNUSED (31, 20) | BAIT_READ_13H | BAIT_FAST_READ_0CH | BAIT_PP_12H;
  guint32 opcodes = G_MAXUINT32;

  for (guint i = 0; i < FM_SPI_N_READ_MODES; i++)
    if (n->read_modes & read_modes[i].cmd.mode)
      supported |= read_modes[i].bait_bit;
  for (guint i = 0; i < n->n_erase_types; i++)
    if (n->erase_types[i].opcode_4b)
      {
        supported |= BAIT_ERASE_TYPE_1 << i;
        opcodes &= ~(0xffu << (8 * i));
        opcodes |= (guint32) n->erase_types[i].opcode_4b << (8 * i);
      }
  bait[0] = supported;
  bait[1] = opcodes;
}

GBytes *
fm_sfdp_build (const FmChipDesc *desc)
{
  const FmNorDesc *n = &desc->nor;
  guint n_headers = n->four_byte ? 2 : 1;
  guint32 bfpt_at = 8 + 8 * n_headers;
  guint32 bait_at = bfpt_at + 4 * FM_SFDP_BFPT_DWORDS;
  gsize len = n->four_byte ? bait_at + 4 * FM_SFDP_4BAIT_DWORDS : bait_at;
  guint32 bfpt[FM_SFDP_BFPT_DWORDS];
  guint8 *sfdp;

  g_return_val_if_fail (desc->type == FM_CHIP_SPI_NOR, NULL);
  sfdp = g_malloc0 (len);

  put_le32 (sfdp, FM_SFDP_SIGNATURE);
  sfdp[4] = FM_SFDP_MINOR;
  sfdp[5] = FM_SFDP_MAJOR;
  sfdp[6] = n_headers - 1;      /* 0-based */
  sfdp[7] = 0xff;               /* unused before JESD216C */
  put_param_header (sfdp + 8, FM_SFDP_BFPT_ID, FM_SFDP_MINOR, FM_SFDP_MAJOR,
                    FM_SFDP_BFPT_DWORDS, bfpt_at);
  build_bfpt (n, bfpt);
  for (guint i = 0; i < FM_SFDP_BFPT_DWORDS; i++)
    put_le32 (sfdp + bfpt_at + 4 * i, bfpt[i]);

  if (n->four_byte)
    {
      guint32 bait[FM_SFDP_4BAIT_DWORDS];

      /* 4BAIT revision 1.0, as JESD216B defines it. */
      put_param_header (sfdp + 16, FM_SFDP_4BAIT_ID, 0, FM_SFDP_MAJOR,
                        FM_SFDP_4BAIT_DWORDS, bait_at);
      build_4bait (n, bait);
      for (guint i = 0; i < FM_SFDP_4BAIT_DWORDS; i++)
        put_le32 (sfdp + bait_at + 4 * i, bait[i]);
    }
  return g_bytes_new_take (sfdp, len);
}
