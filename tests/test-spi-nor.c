/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The serial NOR model driven byte by byte as Linux's spi-nor core drives
 * a chip. The small host below does what drivers/mtd/spi-nor/core.c,
 * sfdp.c and swp.c (Linux 6.1) do on the wire: read the JEDEC ID and match
 * it against the parts tables of winbond.c and macronix.c, parse SFDP as
 * spi_nor_parse_sfdp() / spi_nor_parse_bfpt() / spi_nor_parse_4bait() do,
 * then write enable, poll the status register until ready, program pages,
 * erase, lock with the BP bits, enable quad I/O and reset, and read with
 * every read instruction the part announces.
 */
#include "fm-test-util.h"

#include <string.h>

#define MiB (1024 * 1024)
#define SR_WIP 0x01
#define SR_WEL 0x02
#define SR_SRWD 0x80
#define SR_BP_SHIFT 2
#define SR_TB_BIT5 0x20
#define SR_BP3 0x20           /* 4-bit BP parts without TB (SNOR_F_HAS_4BIT_BP) */
#define SR2_QUAD_EN_BIT1 0x02
#define SR1_QUAD_EN_BIT6 0x40

/* ---- what Linux knows of the parts (flash_info) --------------------------- */

typedef struct {
  const gchar *name;
  guint8 id[3];
  guint32 sector_size;
  guint n_sectors;
  /* swp.c flags: SPI_NOR_HAS_LOCK, SPI_NOR_4BIT_BP, SPI_NOR_HAS_TB */
  gboolean has_lock, four_bit_bp, has_tb;
} FlashInfo;

static const FlashInfo flash_infos[] = {
  /* winbond.c */
  { "w25q128", { 0xef, 0x40, 0x18 }, 64 * 1024, 256, TRUE, FALSE, TRUE },
  { "w25q128jv", { 0xef, 0x70, 0x18 }, 64 * 1024, 256, TRUE, FALSE, TRUE },
  /* macronix.c has no locking flags for this ID; the MX25L25645G's BP0-BP3
   * (TB in the OTP configuration register) are what SPI_NOR_HAS_LOCK |
   * SPI_NOR_4BIT_BP describe. */
  { "mx25l25635e", { 0xc2, 0x20, 0x19 }, 64 * 1024, 512, TRUE, TRUE, FALSE },
};

static const FlashInfo *
match_flash_info (const guint8 *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (flash_infos); i++)
    if (memcmp (flash_infos[i].id, id, 3) == 0)
      return &flash_infos[i];
  return NULL;
}

/* ---- the host: struct spi_nor and struct spi_nor_flash_parameter ---------- */

/* enum spi_nor_read_command_index, the single-rate ones. */
typedef enum {
  RD_READ, RD_FAST, RD_1_1_2, RD_1_2_2, RD_2_2_2, RD_1_1_4, RD_1_4_4, RD_4_4_4,
  N_RD,
} ReadCmd;

typedef struct {
  gboolean supported;     /* params->hwcaps.mask */
  guint8 opcode;
  guint mode_clocks, wait_states;
  guint inst_lines, addr_lines, data_lines;
} HostRead;

typedef struct {
  guint32 size;           /* 0: masked out */
  guint8 opcode;
  guint idx;              /* index in the BFPT */
} HostErase;

typedef struct {
  FmChipDesc *desc;
  FmNor *nor;
  FmSpiNor *spi;
  const FlashInfo *info;

  guint64 size;
  guint32 page_size;
  guint addr_nbytes;
  HostRead reads[N_RD];
  guint8 program_opcode;
  gboolean pp_supported;
  HostErase erase[4];     /* sorted by size, as the erase map */
  guint qer;
  gboolean has_16bit_sr;
  gboolean soft_reset;
  gboolean four_b_opcodes;
  gboolean has_4bait;
  guint32 bfpt[20];
  guint bfpt_len;
  guint64 polls;
  /* The buswidths of the next host_op's address (and dummy) and data
   * phases, as spi-mem's op gives them (0: 1); host_op checks that the
   * model expects every byte on the lines the op sends it on. */
  guint op_addr_lines, op_data_lines;
} Host;

static FmClock *
host_clock (Host *h)
{
  return fm_nor_clock (h->nor);
}

static guint64
host_now (Host *h)
{
  return fm_clock_now (host_clock (h));
}

/* One spi-mem operation: opcode, address (MSB first), dummy bytes (FFh as
 * spi-mem sends them), then LEN data bytes out of OUT or into IN. Before
 * each header byte and around the data, the lines the model expects are
 * those of the op (fm_spi_nor_phase_lines(), what a controller checks). */
static void
host_op (Host *h, guint8 opcode, guint64 addr, guint naddr, guint ndummy,
         const guint8 *out, guint8 *in, gsize len)
{
  guint addr_lines = h->op_addr_lines ? h->op_addr_lines : 1;
  guint data_lines = h->op_data_lines ? h->op_data_lines : 1;
  guint8 header[1 + 4 + 32];
  guint n = 0;

  g_assert_cmpuint (naddr, <=, 4);
  g_assert_cmpuint (ndummy, <=, 32);
  header[n++] = opcode;
  for (guint i = naddr; i-- > 0;)
    header[n++] = (addr >> (8 * i)) & 0xff;
  memset (header + n, 0xff, ndummy);
  n += ndummy;
  h->op_addr_lines = h->op_data_lines = 0;
  g_assert_cmpuint (fm_spi_nor_phase_lines (h->spi), ==, 1);
  fm_spi_nor_select (h->spi, TRUE);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (fm_spi_nor_phase_lines (h->spi), ==, i == 0 ? 1 : addr_lines);
      fm_spi_nor_transfer (h->spi, header + i, NULL, 1);
    }
  g_assert_cmpuint (fm_spi_nor_phase_lines (h->spi), ==, data_lines);
  if (len)
    fm_spi_nor_transfer (h->spi, out, in, len);
  g_assert_cmpuint (fm_spi_nor_phase_lines (h->spi), ==, data_lines);
  fm_spi_nor_select (h->spi, FALSE);
  g_assert_cmpuint (fm_spi_nor_phase_lines (h->spi), ==, 1);
}

static void
host_cmd (Host *h, guint8 opcode)
{
  host_op (h, opcode, 0, 0, 0, NULL, NULL, 0);
}

static guint8
host_read_reg (Host *h, guint8 opcode)
{
  guint8 v;

  host_op (h, opcode, 0, 0, 0, NULL, &v, 1);
  return v;
}

static guint8
host_read_sr (Host *h)
{
  return host_read_reg (h, 0x05);
}

static guint8
host_read_cr (Host *h)
{
  return host_read_reg (h, 0x35);
}

static void
host_write_enable (Host *h)
{
  host_cmd (h, 0x06);
}

/* spi_nor_wait_till_ready(): poll RDSR until WIP clears. The host sleeps
 * between polls (time passing in virtual timing), longer as it waits. */
static void
host_wait_till_ready (Host *h)
{
  guint64 sleep_ns = 1000;

  for (guint i = 0; i < 100000; i++)
    {
      h->polls++;
      if (!(host_read_sr (h) & SR_WIP))
        return;
      fm_clock_advance (host_clock (h), sleep_ns);
      sleep_ns = MIN (sleep_ns * 2, G_GUINT64_CONSTANT (50000000));
    }
  g_assert_not_reached ();
}

/* spi_nor_read_sfdp(): 5Ah, always 3 address bytes and 8 dummy clocks. */
static void
host_read_sfdp (Host *h, guint32 addr, guint8 *buf, gsize len)
{
  host_op (h, 0x5a, addr, 3, 1, NULL, buf, len);
}

/* spi_nor_read_data() with a read command. */
static void
host_read_with (Host *h, ReadCmd cmd, guint64 addr, guint8 *buf, gsize len)
{
  const HostRead *r = &h->reads[cmd];
  guint dummy = (r->mode_clocks + r->wait_states) * r->addr_lines / 8;

  g_assert_true (r->supported);
  h->op_addr_lines = r->addr_lines;
  h->op_data_lines = r->data_lines;
  host_op (h, r->opcode, addr, h->addr_nbytes, dummy, NULL, buf, len);
}

/* The same read while the part does not take it (a quad read before QE
 * is set): the opcode means nothing to it, so it expects each byte on one
 * line, whatever the op's buswidths, and answers FFh. */
static void
host_read_refused (Host *h, ReadCmd cmd, guint64 addr, guint8 *buf, gsize len)
{
  const HostRead *r = &h->reads[cmd];
  guint dummy = (r->mode_clocks + r->wait_states) * r->addr_lines / 8;

  host_op (h, r->opcode, addr, h->addr_nbytes, dummy, NULL, buf, len);
}

static void
host_read (Host *h, guint64 addr, guint8 *buf, gsize len)
{
  host_read_with (h, RD_READ, addr, buf, len);
}

/* spi_nor_write(): page by page, write enable, program, wait. */
static void
host_write (Host *h, guint64 addr, const guint8 *buf, gsize len)
{
  while (len)
    {
      gsize n = MIN (len, h->page_size - addr % h->page_size);

      host_write_enable (h);
      host_op (h, h->program_opcode, addr, h->addr_nbytes, 0, buf, NULL, n);
      host_wait_till_ready (h);
      addr += n;
      buf += n;
      len -= n;
    }
}

static void
host_erase_with (Host *h, guint i, guint64 addr)
{
  g_assert_cmpuint (h->erase[i].size, !=, 0);
  host_write_enable (h);
  host_op (h, h->erase[i].opcode, addr, h->addr_nbytes, 0, NULL, NULL, 0);
  host_wait_till_ready (h);
}

static guint
host_erase_index (Host *h, guint32 size)
{
  for (guint i = 0; i < 4; i++)
    if (h->erase[i].size == size)
      return i;
  g_assert_not_reached ();
  return 0;
}

static void
host_chip_erase (Host *h)
{
  host_write_enable (h);
  host_cmd (h, 0xc7);
  host_wait_till_ready (h);
}

/* spi_nor_soft_reset(): 66h, 99h, then a 200 us sleep. */
static void
host_soft_reset (Host *h)
{
  host_cmd (h, 0x66);
  host_cmd (h, 0x99);
  fm_clock_advance (host_clock (h), 200 * 1000);
}

/* ---- SFDP, as sfdp.c parses it ------------------------------------------- */

static guint32
le32 (const guint8 *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

typedef struct {
  ReadCmd cmd;
  guint supported_dword, supported_bit;
  guint settings_dword, settings_shift;
  guint addr_lines, data_lines;
} BfptRead;

static const BfptRead bfpt_reads[] = {
  { RD_1_1_2, 1, 16, 4, 0, 1, 2 },
  { RD_1_2_2, 1, 20, 4, 16, 2, 2 },
  { RD_2_2_2, 5, 0, 6, 16, 2, 2 },
  { RD_1_1_4, 1, 22, 3, 16, 1, 4 },
  { RD_1_4_4, 1, 21, 3, 0, 4, 4 },
  { RD_4_4_4, 5, 4, 7, 16, 4, 4 },
};

static gint
cmp_erase_size (gconstpointer a, gconstpointer b)
{
  const HostErase *l = a, *r = b;

  return (gint) l->size - (gint) r->size;
}

static void
host_parse_bfpt (Host *h, const guint8 *param_header)
{
  guint32 *dw = h->bfpt;
  guint8 raw[20 * 4];
  guint len = MIN (sizeof raw, param_header[3] * 4u);
  guint32 addr_bytes, val;

  g_assert_cmpuint (param_header[3], >=, 9);
  memset (raw, 0, sizeof raw);
  host_read_sfdp (h, param_header[4] | param_header[5] << 8 | param_header[6] << 16, raw, len);
  for (guint i = 0; i < 20; i++)
    dw[i] = le32 (raw + 4 * i);
  h->bfpt_len = param_header[3];

  addr_bytes = (dw[0] >> 17) & 3;
  if (addr_bytes == 0 || addr_bytes == 1)
    h->addr_nbytes = 3;
  else if (addr_bytes == 2)
    h->addr_nbytes = 4;

  val = dw[1];
  if (val & (1u << 31))
    h->size = G_GUINT64_CONSTANT (1) << (val & 0x7fffffff);
  else
    h->size = (guint64) val + 1;
  h->size >>= 3;

  for (guint i = 0; i < G_N_ELEMENTS (bfpt_reads); i++)
    {
      const BfptRead *rd = &bfpt_reads[i];
      HostRead *r = &h->reads[rd->cmd];
      guint16 half;

      r->supported = (dw[rd->supported_dword - 1] >> rd->supported_bit) & 1;
      if (!r->supported)
        continue;
      half = dw[rd->settings_dword - 1] >> rd->settings_shift;
      r->mode_clocks = (half >> 5) & 7;
      r->wait_states = half & 0x1f;
      r->opcode = half >> 8;
      r->inst_lines = rd->cmd == RD_2_2_2 ? 2 : rd->cmd == RD_4_4_4 ? 4 : 1;
      r->addr_lines = rd->addr_lines;
      r->data_lines = rd->data_lines;
    }

  memset (h->erase, 0, sizeof h->erase);
  for (guint i = 0; i < 4; i++)
    {
      guint16 half = dw[7 + i / 2] >> (16 * (i % 2));

      if ((half & 0xff) == 0)
        continue;
      h->erase[i].size = 1u << (half & 0xff);
      h->erase[i].opcode = half >> 8;
      h->erase[i].idx = i;
    }
  qsort (h->erase, 4, sizeof h->erase[0], cmp_erase_size);

  if (param_header[3] == 9)
    return;
  h->page_size = 1u << ((dw[10] >> 4) & 0xf);
  h->qer = (dw[14] >> 20) & 7;
  /* QER 001b, 100b and 101b: SR2 bit 1, written with a 16-bit WRSR. */
  h->has_16bit_sr = h->qer == 1 || h->qer == 4 || h->qer == 5;
  h->soft_reset = (dw[15] >> 12) & 1;
}

/* spi_nor_convert_3to4_read() */
static guint8
convert_3to4_read (guint8 opcode)
{
  static const guint8 table[][2] = {
    { 0x03, 0x13 }, { 0x0b, 0x0c }, { 0x3b, 0x3c }, { 0xbb, 0xbc },
    { 0x6b, 0x6c }, { 0xeb, 0xec },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (table[i][0] == opcode)
      return table[i][1];
  return opcode;
}

static void
host_parse_4bait (Host *h, const guint8 *param_header)
{
  static const struct { ReadCmd cmd; guint bit; } reads[] = {
    { RD_READ, 0 }, { RD_FAST, 1 }, { RD_1_1_2, 2 }, { RD_1_2_2, 3 },
    { RD_1_1_4, 4 }, { RD_1_4_4, 5 },
  };
  guint8 raw[8];
  guint32 dw0, dw1, erase_mask = 0, sorted_mask = 0;
  gboolean any_read = FALSE, pp;

  if (param_header[2] != 1 || param_header[3] < 2)
    return;
  host_read_sfdp (h, param_header[4] | param_header[5] << 8 | param_header[6] << 16, raw, 8);
  dw0 = le32 (raw);
  dw1 = le32 (raw + 4);

  for (guint i = 0; i < G_N_ELEMENTS (reads); i++)
    {
      HostRead *r = &h->reads[reads[i].cmd];

      r->supported = r->supported && ((dw0 >> reads[i].bit) & 1);
      any_read |= r->supported;
    }
  pp = dw0 & (1u << 6);
  for (guint i = 0; i < 4; i++)
    if (dw0 & (1u << (9 + i)))
      erase_mask |= 1u << i;
  for (guint i = 0; i < 4; i++)
    if (h->erase[i].size && (erase_mask & (1u << h->erase[i].idx)))
      sorted_mask |= 1u << i;
  if (!any_read || !pp || !sorted_mask)
    return;

  for (guint i = 0; i < N_RD; i++)
    h->reads[i].opcode = convert_3to4_read (h->reads[i].opcode);
  h->program_opcode = 0x12;
  h->pp_supported = TRUE;
  for (guint i = 0; i < 4; i++)
    {
      if (sorted_mask & (1u << i))
        h->erase[i].opcode = (dw1 >> (h->erase[i].idx * 8)) & 0xff;
      else
        h->erase[i].size = 0;
    }
  h->addr_nbytes = 4;
  h->four_b_opcodes = h->has_4bait = TRUE;
}

/* spi_nor_parse_sfdp() */
static void
host_parse_sfdp (Host *h)
{
  guint8 header[16];
  g_autofree guint8 *params = NULL;
  const guint8 *bfpt_header = header + 8;
  guint nph;

  host_read_sfdp (h, 0, header, sizeof header);
  g_assert_cmphex (le32 (header), ==, 0x50444653);
  g_assert_cmpuint (header[5], ==, 1);          /* SFDP_JESD216_MAJOR */
  g_assert_cmpuint (header[4], ==, 6);          /* JESD216B, as the brief asks */
  g_assert_cmphex (bfpt_header[7] << 8 | bfpt_header[0], ==, 0xff00);
  g_assert_cmpuint (bfpt_header[2], ==, 1);

  nph = header[6];
  params = g_malloc0 (8 * nph + 1);
  if (nph)
    host_read_sfdp (h, sizeof header, params, 8 * nph);
  for (guint i = 0; i < nph; i++)
    {
      const guint8 *p = params + 8 * i;

      if ((p[7] << 8 | p[0]) == 0xff00 && p[2] == 1 &&
          (p[1] > bfpt_header[1] || (p[1] == bfpt_header[1] && p[3] > bfpt_header[3])))
        bfpt_header = p;
    }
  host_parse_bfpt (h, bfpt_header);
  for (guint i = 0; i < nph; i++)
    if ((params[8 * i + 7] << 8 | params[8 * i]) == 0xff84)
      host_parse_4bait (h, params + 8 * i);
}

/* spi_nor_scan(): read ID, match, default parameters, then SFDP. */
static void
host_probe (Host *h)
{
  guint8 id[6];   /* SPI_NOR_MAX_ID_LEN */

  host_op (h, 0x9f, 0, 0, 0, NULL, id, sizeof id);
  h->info = match_flash_info (id);

  /* spi_nor_init_default_params() */
  memset (h->reads, 0, sizeof h->reads);
  h->reads[RD_READ] = (HostRead) { TRUE, 0x03, 0, 0, 1, 1, 1 };
  h->reads[RD_FAST] = (HostRead) { TRUE, 0x0b, 0, 8, 1, 1, 1 };
  h->program_opcode = 0x02;
  h->pp_supported = TRUE;
  h->page_size = 256;
  h->addr_nbytes = 0;
  if (h->info)
    h->size = (guint64) h->info->sector_size * h->info->n_sectors;

  host_parse_sfdp (h);

  /* spi_nor_set_addr_nbytes() */
  if (h->addr_nbytes == 3 && h->size > 16 * MiB)
    h->addr_nbytes = 4;
}

static void
host_init (Host *h, FmChipDesc *desc, FmTimingMode timing)
{
  g_autoptr (GError) error = NULL;
  FmImage *image;

  memset (h, 0, sizeof *h);
  h->desc = desc;
  image = fm_nor_create_image (desc, NULL, 7, &error);
  g_assert_no_error (error);
  h->nor = fm_nor_new (desc, image, timing, &error);
  g_assert_no_error (error);
  h->spi = fm_spi_nor_new (h->nor, &error);
  g_assert_no_error (error);
  host_probe (h);
}

static void
host_init_chip (Host *h, const gchar *chip, FmTimingMode timing)
{
  host_init (h, fm_test_chip (chip), timing);
  g_assert_nonnull (h->info);
}

static void
host_clear (Host *h)
{
  g_clear_pointer (&h->spi, fm_spi_nor_free);
  g_clear_pointer (&h->nor, fm_nor_free);
  g_clear_pointer (&h->desc, fm_chip_desc_free);
}

/* ---- status register, quad enable, locking (core.c, swp.c) ----------------- */

/* spi_nor_write_sr() + read back, 8- or 16-bit as the QER says. */
static gboolean
host_write_sr_and_check (Host *h, guint8 sr1)
{
  if (h->has_16bit_sr)
    {
      guint8 buf[2] = { sr1, host_read_cr (h) };

      host_write_enable (h);
      host_op (h, 0x01, 0, 0, 0, buf, NULL, 2);
      host_wait_till_ready (h);
      return host_read_sr (h) == sr1 && host_read_cr (h) == buf[1];
    }
  host_write_enable (h);
  host_op (h, 0x01, 0, 0, 0, &sr1, NULL, 1);
  host_wait_till_ready (h);
  return host_read_sr (h) == sr1;
}

/* spi_nor_sr2_bit1_quad_enable() / spi_nor_sr1_bit6_quad_enable() */
static void
host_quad_enable (Host *h)
{
  if (h->qer == 5)
    {
      guint8 buf[2];

      if (host_read_cr (h) & SR2_QUAD_EN_BIT1)
        return;
      buf[0] = host_read_sr (h);
      buf[1] = host_read_cr (h) | SR2_QUAD_EN_BIT1;
      host_write_enable (h);
      host_op (h, 0x01, 0, 0, 0, buf, NULL, 2);
      host_wait_till_ready (h);
      g_assert_cmphex (host_read_sr (h), ==, buf[0]);
      g_assert_cmphex (host_read_cr (h), ==, buf[1]);
    }
  else if (h->qer == 2)
    {
      guint8 sr = host_read_sr (h);

      if (!(sr & SR1_QUAD_EN_BIT6))
        g_assert_true (host_write_sr_and_check (h, sr | SR1_QUAD_EN_BIT6));
    }
}

static guint8
bp_mask (const Host *h)
{
  return 0x1c | (h->info->four_bit_bp ? SR_BP3 : 0);
}

static guint8
tb_mask (const Host *h)
{
  return h->info->has_tb ? SR_TB_BIT5 : 0;
}

static guint
ilog2_u64 (guint64 v)
{
  return g_bit_storage (v) - 1;
}

static guint
hweight8 (guint8 v)
{
  guint n = 0;

  for (; v; v &= v - 1)
    n++;
  return n;
}

/* spi_nor_get_min_prot_length_sr() */
static guint64
min_prot_len (const Host *h)
{
  guint slots = (1u << hweight8 (bp_mask (h))) - 2;
  guint needed = ilog2_u64 (h->info->n_sectors);

  return (guint64) h->info->sector_size << (needed > slots ? needed - slots : 0);
}

/* spi_nor_get_locked_range_sr() */
static void
locked_range (const Host *h, guint8 sr, guint64 *ofs, guint64 *len)
{
  guint bp = (sr & bp_mask (h)) >> SR_BP_SHIFT;

  if (!bp)
    {
      *ofs = *len = 0;
      return;
    }
  *len = MIN (min_prot_len (h) << (bp - 1), h->size);
  *ofs = (sr & tb_mask (h)) ? 0 : h->size - *len;
}

/* spi_nor_check_lock_status_sr() */
static gboolean
range_is (const Host *h, guint64 ofs, guint64 len, guint8 sr, gboolean locked)
{
  guint64 lofs, llen;

  if (!len)
    return TRUE;
  locked_range (h, sr, &lofs, &llen);
  if (locked)
    return ofs + len <= lofs + llen && ofs >= lofs;
  return ofs >= lofs + llen || ofs + len <= lofs;
}

/* spi_nor_sr_lock() and spi_nor_sr_unlock(): 0, or -1 where Linux fails. */
static gint
host_sr_lock_unlock (Host *h, guint64 ofs, guint64 len, gboolean lock)
{
  guint8 mask = bp_mask (h), tb = tb_mask (h);
  guint8 old = host_read_sr (h), new, val;
  gboolean can_top = TRUE, can_bottom = tb != 0, use_top;
  guint64 lock_len;

  if (range_is (h, ofs, len, old, lock))
    return 0;
  /* Lock: top needs everything above locked; unlock: nothing above. */
  if (!range_is (h, lock ? 0 : ofs + len, lock ? ofs : h->size - (ofs + len), old, lock))
    can_bottom = FALSE;
  if (!range_is (h, lock ? ofs + len : 0, lock ? h->size - (ofs + len) : ofs, old, lock))
    can_top = FALSE;
  if (!can_bottom && !can_top)
    return -1;
  use_top = can_top;
  if (lock)
    lock_len = use_top ? h->size - ofs : ofs + len;
  else
    lock_len = use_top ? h->size - (ofs + len) : ofs;

  if (lock && lock_len == h->size)
    val = mask;
  else if (!lock && lock_len == 0)
    val = 0;
  else
    {
      guint pow = ilog2_u64 (lock_len) - ilog2_u64 (min_prot_len (h)) + 1;

      val = pow << SR_BP_SHIFT;
      if ((val & ~mask) || (lock && !(val & mask)))
        return -1;
    }
  new = (old & ~mask & ~tb) | val;
  if (lock)
    new |= SR_SRWD;
  else if (lock_len == 0)
    new &= ~SR_SRWD;
  if (!use_top)
    new |= tb;
  if (new == old)
    return 0;
  if (lock ? (new & mask) < (old & mask) : (new & mask) > (old & mask))
    return -1;
  return host_write_sr_and_check (h, new) ? 0 : -1;
}

static gint
host_lock (Host *h, guint64 ofs, guint64 len)
{
  return host_sr_lock_unlock (h, ofs, len, TRUE);
}

static gint
host_unlock (Host *h, guint64 ofs, guint64 len)
{
  return host_sr_lock_unlock (h, ofs, len, FALSE);
}

/* ---- helpers ----------------------------------------------------------------- */

static guint32
erase_count (Host *h, guint64 addr)
{
  FmImage *image = fm_nand_image (fm_nor_cells (h->nor));

  return fm_image_block (image, (guint32) (addr / 4096))->erase_count;
}

static void
assert_reads (Host *h, guint64 addr, const guint8 *expect, gsize len)
{
  g_autofree guint8 *buf = g_malloc (len);

  host_read (h, addr, buf, len);
  g_assert_cmpmem (buf, len, expect, len);
}

static void
assert_erased (Host *h, guint64 addr, gsize len)
{
  g_autofree guint8 *buf = g_malloc (len);

  host_read (h, addr, buf, len);
  g_assert_true (fm_test_all_ff (buf, len));
}

/* Index of FM_SPI_READ_* bit I in the host's read commands. */
static ReadCmd
mode_read_cmd (guint i)
{
  static const ReadCmd cmds[FM_SPI_N_READ_MODES] = { RD_1_1_2, RD_1_2_2, RD_1_1_4, RD_1_4_4 };

  return cmds[i];
}

/* ---- SFDP ---------------------------------------------------------------------- */

/* What the host parsed matches the descriptor: size, erase types, page,
 * every read mode with its dummy and mode clocks, address bytes, QER. */
static void
check_parsed_params (Host *h, guint expect_qer)
{
  const FmNorDesc *n = &h->desc->nor;
  static const guint8 opcodes[] = { 0x3b, 0xbb, 0x6b, 0xeb };
  static const guint addr_lines[] = { 1, 2, 1, 4 };
  guint j = 0;

  g_assert_cmpuint (h->size, ==, n->size);
  g_assert_cmpuint (h->page_size, ==, n->program_buffer);
  for (guint i = 0; i < 4; i++)
    {
      if (!h->erase[i].size)
        continue;
      g_assert_cmpuint (j, <, n->n_erase_types);
      g_assert_cmpuint (h->erase[i].size, ==, n->erase_types[j].size);
      g_assert_cmphex (h->erase[i].opcode, ==,
                       h->has_4bait ? n->erase_types[j].opcode_4b : n->erase_types[j].opcode);
      j++;
    }
  g_assert_cmpuint (j, ==, n->n_erase_types);

  for (guint i = 0; i < FM_SPI_N_READ_MODES; i++)
    {
      const HostRead *r = &h->reads[mode_read_cmd (i)];
      gboolean has = (n->read_modes & (1u << i)) != 0;
      guint8 op = h->has_4bait ? convert_3to4_read (opcodes[i]) : opcodes[i];

      g_assert_cmpint (r->supported, ==, has);
      if (!has)
        continue;
      g_assert_cmphex (r->opcode, ==, op);
      g_assert_cmpuint (r->mode_clocks + r->wait_states, ==, n->read_dummy_clocks[i]);
      /* One mode byte on the address lines of x-2-2 and x-4-4 reads. */
      g_assert_cmpuint (r->mode_clocks, ==, addr_lines[i] == 1 ? 0 : 8 / addr_lines[i]);
      g_assert_cmpuint (r->addr_lines, ==, addr_lines[i]);
    }
  g_assert_false (h->reads[RD_2_2_2].supported);
  g_assert_false (h->reads[RD_4_4_4].supported);
  g_assert_cmphex (h->reads[RD_READ].opcode, ==, h->has_4bait ? 0x13 : 0x03);
  g_assert_cmphex (h->reads[RD_FAST].opcode, ==, h->has_4bait ? 0x0c : 0x0b);
  g_assert_cmphex (h->program_opcode, ==, h->has_4bait ? 0x12 : 0x02);
  g_assert_cmpuint (h->addr_nbytes, ==, n->size > 16 * MiB ? 4 : 3);
  g_assert_cmpuint (h->qer, ==, expect_qer);
  g_assert_true (h->soft_reset);
  g_assert_cmpuint (h->bfpt_len, ==, 16);
}

static guint64
decode_time (guint32 field, guint count_bits, const guint64 *units_ns)
{
  guint64 count = (field & ((1u << count_bits) - 1)) + 1;

  return count * units_ns[field >> count_bits];
}

/* The typical time a field says is the descriptor's, to its unit; the
 * maximum (typical x 2(N + 1)) covers the descriptor's. */
static void
check_time (guint64 encoded, guint64 unit, guint mult, const FmOpTime *t)
{
  g_assert_cmpuint (encoded + unit / 2, >=, t->typ_ns);
  g_assert_cmpuint (encoded, <=, t->typ_ns + unit / 2 + (t->typ_ns < unit ? unit : 0));
  g_assert_cmpuint (encoded * 2 * (mult + 1), >=, t->max_ns);
}

/* DWORDs 10 and 11 (not read by Linux), and the fields Linux skips. */
static void
check_bfpt_details (Host *h)
{
  static const guint64 ms = 1000000, us = 1000;
  static const guint64 erase_units[] = { 1 * ms, 16 * ms, 128 * ms, 1000 * ms };
  static const guint64 chip_units[] = { 16 * ms, 256 * ms, 4000 * ms, 64000 * ms };
  static const guint64 page_units[] = { 8 * us, 64 * us };
  static const guint64 byte_units[] = { 1 * us, 8 * us };
  const FmNorDesc *n = &h->desc->nor;
  const guint32 *dw = h->bfpt;
  guint erase_mult = dw[9] & 0xf, program_mult = dw[10] & 0xf;
  gboolean has_4k = n->erase_types[0].size == 4096;
  guint64 t;

  g_assert_cmpuint (dw[0] & 3, ==, has_4k ? 1 : 3);
  g_assert_cmphex ((dw[0] >> 8) & 0xff, ==, has_4k ? n->erase_types[0].opcode : 0xff);
  g_assert_cmpuint ((dw[0] >> 2) & 1, ==, n->program_buffer >= 64);
  g_assert_cmpuint ((dw[0] >> 17) & 3, ==, n->four_byte ? 1 : 0);
  g_assert_cmpuint ((dw[0] >> 19) & 1, ==, 0);    /* no DTR */

  for (guint i = 0; i < n->n_erase_types; i++)
    {
      guint32 f = (dw[9] >> (4 + 7 * i)) & 0x7f;

      t = decode_time (f, 5, erase_units);
      check_time (t, erase_units[f >> 5], erase_mult, &n->erase_types[i].time);
    }
  t = decode_time ((dw[10] >> 8) & 0x3f, 5, page_units);
  check_time (t, page_units[(dw[10] >> 13) & 1], program_mult, &n->t_buffer_program);
  t = decode_time ((dw[10] >> 14) & 0x1f, 4, byte_units);
  check_time (t, byte_units[(dw[10] >> 18) & 1], program_mult, &n->t_word_program);
  t = decode_time ((dw[10] >> 24) & 0x7f, 5, chip_units);
  check_time (t, chip_units[(dw[10] >> 29) & 3], erase_mult, &n->t_chip_erase);

  g_assert_cmpuint (dw[11] >> 31, ==, 1);           /* no suspend/resume */
  g_assert_cmphex ((dw[13] >> 2) & 0x3, ==, 0x1);   /* RDSR bit 0 polling, no FSR */
  g_assert_cmpuint (dw[13] >> 31, ==, 1);           /* no deep power-down */
  g_assert_cmphex (dw[15] >> 24, ==, n->four_byte ? 0x21 : 0x00);   /* B7h, 4B opcodes */
  g_assert_cmphex ((dw[15] >> 14) & 0x3ff, ==, n->four_byte ? 0xc1 : 0x00);
  g_assert_cmphex ((dw[15] >> 8) & 0x3f, ==, 0x10); /* 66h + 99h */
  g_assert_cmphex (dw[15] & 0x7f, ==, 0x01);        /* non-volatile SR1, WREN */
}

static void
test_sfdp_winbond (void)
{
  Host h;

  host_init_chip (&h, "winbond-w25q128jv", FM_TIMING_NONE);
  g_assert_cmpstr (h.info->name, ==, "w25q128");
  g_assert_cmpuint (h.size, ==, 16 * MiB);
  check_parsed_params (&h, 5);
  g_assert_true (h.has_16bit_sr);
  g_assert_false (h.has_4bait);
  check_bfpt_details (&h);
  host_clear (&h);
}

static void
test_sfdp_macronix (void)
{
  Host h;

  host_init_chip (&h, "macronix-mx25l25645g", FM_TIMING_NONE);
  g_assert_cmpstr (h.info->name, ==, "mx25l25635e");
  g_assert_true (h.has_4bait);
  g_assert_true (h.four_b_opcodes);
  check_parsed_params (&h, 2);
  g_assert_false (h.has_16bit_sr);
  check_bfpt_details (&h);
  /* The SFDP is the same however the host reads it: in 4-byte mode READ
   * SFDP still takes a 3-byte address. */
  {
    g_autoptr (GBytes) sfdp = fm_spi_nor_sfdp (h.desc);
    gsize len;
    const guint8 *expect = g_bytes_get_data (sfdp, &len);
    g_autofree guint8 *buf = g_malloc (len + 4);

    host_cmd (&h, 0xb7);
    g_assert_true (fm_spi_nor_four_byte_mode (h.spi));
    host_read_sfdp (&h, 0, buf, len + 4);
    g_assert_cmpmem (buf, len, expect, len);
    g_assert_true (fm_test_all_ff (buf + len, 4));
  }
  host_clear (&h);
}

/* A made-up part: no 4 KiB erase, one dual read, no QE bit, 4 erase types
 * of which two have 4-byte forms, above 2 Gbit (DWORD 2 as 2^N bits). */
static const gchar synthetic_part[] =
  "[chip]\nname=test-spi\nvendor=Test\npart=T\ntype=spi-nor\ndatasheet=none\n"
  "[nor]\nsize=536870912\nprogram-buffer=512\npe-cycles=1000\n"
  "[nor-timing]\nword-program-typ-us=8\nword-program-max-us=100\n"
  "buffer-program-typ-us=1200\nbuffer-program-max-us=5000\n"
  "chip-erase-typ-ms=400000\nchip-erase-max-ms=2000000\n"
  "[spi]\njedec-id=01;02;20\n"
  "erase-types=8192@0x21/0x22:50:300;32768@0x52:100:900;65536@0xd8/0xdc:200:2000;262144@0xd9:900:4000\n"
  "read-modes=1-2-2:4\nfour-byte=true\nblock-protect-bits=2\nquad-enable=none\n";

static void
test_sfdp_synthetic (void)
{
  g_autoptr (GError) error = NULL;
  FmChipDesc *desc = fm_chip_desc_load_data (synthetic_part, "synthetic", &error);
  Host h;

  g_assert_no_error (error);
  host_init (&h, desc, FM_TIMING_NONE);
  g_assert_null (h.info);
  g_assert_cmphex (h.bfpt[1], ==, 0x80000000u | 32);   /* 2^32 bits */
  g_assert_true (h.has_4bait);
  /* Only two erase types have 4-byte opcodes: the others are masked out. */
  g_assert_cmpuint (h.erase[0].size, ==, 8192);
  g_assert_cmphex (h.erase[0].opcode, ==, 0x22);
  g_assert_cmpuint (h.erase[1].size, ==, 0);
  g_assert_cmpuint (h.erase[2].size, ==, 65536);
  g_assert_cmphex (h.erase[2].opcode, ==, 0xdc);
  g_assert_cmpuint (h.erase[3].size, ==, 0);
  g_assert_cmpuint (h.page_size, ==, 512);
  g_assert_cmpuint (h.qer, ==, 0);
  g_assert_true (h.reads[RD_1_2_2].supported);
  g_assert_cmphex (h.reads[RD_1_2_2].opcode, ==, 0xbc);
  g_assert_false (h.reads[RD_1_1_2].supported);
  g_assert_false (h.reads[RD_1_4_4].supported);
  check_bfpt_details (&h);
  /* The 4-byte erase of a 64 KiB block at the top of the chip. */
  {
    guint8 data[4] = { 1, 2, 3, 4 };

    host_write (&h, h.size - 4, data, 4);
    assert_reads (&h, h.size - 4, data, 4);
    host_erase_with (&h, 2, h.size - 65536);
    assert_erased (&h, h.size - 4, 4);
  }
  host_clear (&h);
}

/* ---- program, read, erase ------------------------------------------------------ */

static void
test_program_read_erase (void)
{
  Host h;
  g_autofree guint8 *data = fm_test_pattern (3 * 256 + 100, 11);
  g_autofree guint8 *buf = g_malloc (4096);
  const guint64 at = 0x11000 - 300;   /* crosses pages and a sector */

  host_init_chip (&h, "winbond-w25q128jv", FM_TIMING_VIRTUAL);
  assert_erased (&h, 0, 4096);
  host_write (&h, at, data, 3 * 256 + 100);
  assert_reads (&h, at, data, 3 * 256 + 100);

  /* Every read instruction returns the same bytes. */
  host_quad_enable (&h);
  for (guint c = 0; c < N_RD; c++)
    {
      if (!h.reads[c].supported)
        continue;
      memset (buf, 0, 4096);
      host_read_with (&h, c, at, buf, 3 * 256 + 100);
      g_assert_cmpmem (buf, 3 * 256 + 100, data, 3 * 256 + 100);
    }

  /* Programming only clears bits. */
  {
    guint8 a = 0x0f, b = 0xf0, zero = 0x00;

    host_write (&h, 0x20000, &a, 1);
    host_write (&h, 0x20000, &b, 1);
    assert_reads (&h, 0x20000, &zero, 1);
  }

  /* Sector erase: the 4 KiB sector only, its erase counter + 1. */
  g_assert_cmpuint (erase_count (&h, 0x10000), ==, 0);
  host_erase_with (&h, host_erase_index (&h, 4096), 0x10000 + 123);
  g_assert_cmpuint (erase_count (&h, 0x10000), ==, 1);
  g_assert_cmpuint (erase_count (&h, 0x11000), ==, 0);
  assert_erased (&h, 0x10000, 4096);
  assert_reads (&h, 0x11000, data + (0x11000 - at), at + 3 * 256 + 100 - 0x11000);

  /* 32 KiB and 64 KiB blocks: every 4 KiB sector in them once more. */
  host_erase_with (&h, host_erase_index (&h, 32768), 0x10000);
  for (guint64 a = 0x10000; a < 0x18000; a += 4096)
    g_assert_cmpuint (erase_count (&h, a), ==, a == 0x10000 ? 2 : 1);
  g_assert_cmpuint (erase_count (&h, 0x18000), ==, 0);
  host_erase_with (&h, host_erase_index (&h, 65536), 0x1ffff);
  for (guint64 a = 0x10000; a < 0x20000; a += 4096)
    g_assert_cmpuint (erase_count (&h, a), >=, 1);
  g_assert_cmpuint (erase_count (&h, 0x18000), ==, 1);
  g_assert_cmpuint (erase_count (&h, 0x20000), ==, 0);
  assert_erased (&h, 0x10000, 4096);

  /* Chip erase: everything, every sector's counter. */
  host_chip_erase (&h);
  g_assert_cmpuint (erase_count (&h, 0x20000), ==, 1);
  g_assert_cmpuint (erase_count (&h, h.size - 4096), ==, 1);
  assert_erased (&h, 0x20000, 1);
  host_clear (&h);
}

/* Page Program wraps within the page; past 256 bytes the last 256 win. */
static void
test_page_program_wraps (void)
{
  Host h;
  g_autofree guint8 *data = fm_test_pattern (300, 5);
  guint8 page[256];

  host_init_chip (&h, "winbond-w25q128jv", FM_TIMING_NONE);
  host_write_enable (&h);
  host_op (&h, 0x02, 0x1000 + 200, 3, 0, data, NULL, 100);
  memset (page, 0xff, sizeof page);
  memcpy (page + 200, data, 56);
  memcpy (page, data + 56, 44);
  assert_reads (&h, 0x1000, page, 256);

  host_write_enable (&h);
  host_op (&h, 0x02, 0x2000 + 16, 3, 0, data, NULL, 300);
  /* Byte i lands at (16 + i) % 256: the last 256 sent, bytes 44..299. */
  for (guint i = 44; i < 300; i++)
    page[(16 + i) % 256] = data[i];
  assert_reads (&h, 0x2000, page, 256);
  host_clear (&h);
}

/* In virtual timing WIP is set right after CS# goes high and stays set at
 * least the descriptor's typical time. */
static void
test_busy_time (void)
{
  Host h;
  guint8 byte = 0x5a, id[3];
  guint64 t0, wait;
  const FmNorDesc *n;

  host_init_chip (&h, "winbond-w25q128jv", FM_TIMING_VIRTUAL);
  n = &h.desc->nor;

  host_write_enable (&h);
  g_assert_cmphex (host_read_sr (&h) & (SR_WEL | SR_WIP), ==, SR_WEL);
  host_op (&h, 0x02, 0, 3, 0, &byte, NULL, 1);
  t0 = host_now (&h);
  g_assert_cmphex (host_read_sr (&h) & (SR_WEL | SR_WIP), ==, SR_WEL | SR_WIP);
  g_assert_cmpuint (*fm_nor_ready_at (h.nor) - t0, ==, fm_nor_program_ns (h.nor, 1));
  g_assert_cmpuint (fm_nor_program_ns (h.nor, 1), >=, n->t_word_program.typ_ns);
  /* While busy only the status registers answer. */
  host_op (&h, 0x9f, 0, 0, 0, NULL, id, 3);
  g_assert_cmphex (id[0], ==, 0xff);
  host_read (&h, 0, id, 1);
  g_assert_cmphex (id[0], ==, 0xff);
  host_write_enable (&h);
  host_wait_till_ready (&h);
  g_assert_cmpuint (host_now (&h) - t0, >=, n->t_word_program.typ_ns);
  g_assert_cmphex (host_read_sr (&h) & (SR_WEL | SR_WIP), ==, 0);
  assert_reads (&h, 0, &byte, 1);

  for (guint i = 0; i < n->n_erase_types; i++)
    {
      guint idx = host_erase_index (&h, n->erase_types[i].size);

      t0 = host_now (&h);
      host_erase_with (&h, idx, 0);
      wait = host_now (&h) - t0;
      g_assert_cmpuint (wait, >=, n->erase_types[i].time.typ_ns);
      g_assert_cmpuint (wait, <=, 2 * n->erase_types[i].time.typ_ns + 50000000);
    }

  t0 = host_now (&h);
  host_chip_erase (&h);
  g_assert_cmpuint (host_now (&h) - t0, >=, n->t_chip_erase.typ_ns);

  t0 = host_now (&h);
  g_assert_true (host_write_sr_and_check (&h, 0));
  g_assert_cmpuint (host_now (&h) - t0, >=, n->t_write_status_ns);

  /* A quad read while busy is ignored, but its bytes are still expected
   * on the lines of its phases (host_op checks them). */
  host_quad_enable (&h);
  host_write_enable (&h);
  host_erase_with (&h, host_erase_index (&h, n->erase_types[0].size), 0);
  host_write_enable (&h);
  host_op (&h, 0x02, 0, 3, 0, &byte, NULL, 1);
  g_assert_true (host_read_sr (&h) & SR_WIP);
  host_read_with (&h, RD_1_4_4, 0, id, 1);
  g_assert_cmphex (id[0], ==, 0xff);
  host_wait_till_ready (&h);
  host_read_with (&h, RD_1_4_4, 0, id, 1);
  g_assert_cmphex (id[0], ==, byte);
  host_clear (&h);
}

/* Without WREN nothing is written; incomplete or overlong instructions do
 * not run. */
static void
test_write_enable_rules (void)
{
  Host h;
  guint8 byte = 0x00, ff = 0xff, sr = 0x1c;

  host_init_chip (&h, "winbond-w25q128jv", FM_TIMING_NONE);
  host_op (&h, 0x02, 0x100, 3, 0, &byte, NULL, 1);
  assert_reads (&h, 0x100, &ff, 1);
  host_op (&h, 0x01, 0, 0, 0, &sr, NULL, 1);
  g_assert_cmphex (host_read_sr (&h), ==, 0);

  /* WRDI clears WEL. */
  host_write_enable (&h);
  host_cmd (&h, 0x04);
  host_op (&h, 0x02, 0x100, 3, 0, &byte, NULL, 1);
  assert_reads (&h, 0x100, &ff, 1);

  /* A WREN with an extra byte is not one. */
  host_op (&h, 0x06, 0, 0, 0, &byte, NULL, 1);
  g_assert_cmphex (host_read_sr (&h), ==, 0);

  /* An erase with too few address bytes does not run, WEL stays. */
  host_write (&h, 0x3000, &byte, 1);
  host_write_enable (&h);
  host_op (&h, 0x20, 0x3000 >> 8, 2, 0, NULL, NULL, 0);
  g_assert_cmphex (host_read_sr (&h), ==, SR_WEL);
  assert_reads (&h, 0x3000, &byte, 1);
  host_clear (&h);
}

/* ---- 4-byte addressing (Macronix) ------------------------------------------------ */

static void
test_four_byte (void)
{
  Host h;
  g_autofree guint8 *data = fm_test_pattern (512, 21);
  g_autofree guint8 *buf = g_malloc (512);
  const guint64 high = 24 * MiB + 0x1230;
  guint64 page;
  guint8 sr;

  host_init_chip (&h, "macronix-mx25l25645g", FM_TIMING_VIRTUAL);
  g_assert_cmpuint (h.addr_nbytes, ==, 4);

  /* The 4-byte opcodes (from the 4BAIT) reach above 16 MiB in 3-byte mode. */
  g_assert_false (fm_spi_nor_four_byte_mode (h.spi));
  host_write (&h, high, data, 512);
  assert_reads (&h, high, data, 512);
  host_quad_enable (&h);
  for (guint c = 0; c < N_RD; c++)
    if (h.reads[c].supported)
      {
        host_read_with (&h, c, high, buf, 512);
        g_assert_cmpmem (buf, 512, data, 512);
      }
  host_erase_with (&h, host_erase_index (&h, 4096), high);
  g_assert_cmpuint (erase_count (&h, high), ==, 1);
  assert_erased (&h, high, 512);

  /* Without 4-byte opcodes Linux enters 4-byte mode (B7h, no WREN) and
   * uses the 3-byte opcodes with 4 address bytes. */
  page = high / 256 * 256;
  host_cmd (&h, 0xb7);
  g_assert_true (fm_spi_nor_four_byte_mode (h.spi));
  host_write_enable (&h);
  host_op (&h, 0x02, page, 4, 0, data, NULL, 256);
  host_wait_till_ready (&h);
  host_op (&h, 0x03, page, 4, 0, NULL, buf, 256);
  g_assert_cmpmem (buf, 256, data, 256);
  host_op (&h, 0x0b, page, 4, 1, NULL, buf, 256);
  g_assert_cmpmem (buf, 256, data, 256);
  host_write_enable (&h);
  host_op (&h, 0xd8, page, 4, 0, NULL, NULL, 0);
  host_wait_till_ready (&h);
  host_op (&h, 0x03, page, 4, 0, NULL, buf, 256);
  g_assert_true (fm_test_all_ff (buf, 256));

  /* E9h: back to 3 address bytes, which reach the lower 16 MiB. */
  host_write (&h, high, data, 1);
  host_cmd (&h, 0xe9);
  g_assert_false (fm_spi_nor_four_byte_mode (h.spi));
  host_op (&h, 0x03, high & 0xffffff, 3, 0, NULL, buf, 1);
  g_assert_cmphex (buf[0], ==, 0xff);
  host_op (&h, 0x13, high, 4, 0, NULL, buf, 1);
  g_assert_cmphex (buf[0], ==, data[0]);

  /* A reset leaves 4-byte mode. */
  host_cmd (&h, 0xb7);
  host_soft_reset (&h);
  g_assert_false (fm_spi_nor_four_byte_mode (h.spi));
  sr = host_read_sr (&h);
  g_assert_cmphex (sr & SR1_QUAD_EN_BIT6, ==, SR1_QUAD_EN_BIT6);   /* non-volatile */

  /* A read streams on across the end of the chip to address 0. */
  host_write (&h, 0, data, 4);
  host_write (&h, h.size - 4, data + 4, 4);
  host_read (&h, h.size - 4, buf, 8);
  g_assert_cmpmem (buf, 4, data + 4, 4);
  g_assert_cmpmem (buf + 4, 4, data, 4);
  host_clear (&h);
}

/* The 4-byte instructions do not exist on a 3-byte part. */
static void
test_no_four_byte_on_winbond (void)
{
  Host h;

  host_init_chip (&h, "winbond-w25q128jv", FM_TIMING_NONE);
  host_cmd (&h, 0xb7);
  g_assert_false (fm_spi_nor_four_byte_mode (h.spi));
  host_clear (&h);
}

/* ---- quad enable ----------------------------------------------------------------- */

static void
test_quad_needs_qe (void)
{
  Host h;
  guint8 byte = 0x42, buf[1];

  host_init_chip (&h, "winbond-w25q128jv", FM_TIMING_NONE);
  host_write (&h, 0x400, &byte, 1);
  host_read_refused (&h, RD_1_1_4, 0x400, buf, 1);
  g_assert_cmphex (buf[0], ==, 0xff);
  host_read_refused (&h, RD_1_4_4, 0x400, buf, 1);
  g_assert_cmphex (buf[0], ==, 0xff);
  host_read_with (&h, RD_1_2_2, 0x400, buf, 1);
  g_assert_cmphex (buf[0], ==, byte);
  host_quad_enable (&h);
  g_assert_cmphex (host_read_cr (&h), ==, SR2_QUAD_EN_BIT1);
  host_read_with (&h, RD_1_1_4, 0x400, buf, 1);
  g_assert_cmphex (buf[0], ==, byte);
  host_read_with (&h, RD_1_4_4, 0x400, buf, 1);
  g_assert_cmphex (buf[0], ==, byte);

  /* A one-byte WRSR leaves SR2 (QE) alone; 31h writes SR2 alone. */
  g_assert_true (host_write_sr_and_check (&h, 0x04));
  host_write_enable (&h);
  host_op (&h, 0x01, 0, 0, 0, (const guint8 *) "\x00", NULL, 1);
  g_assert_cmphex (host_read_sr (&h), ==, 0);
  g_assert_cmphex (host_read_cr (&h), ==, SR2_QUAD_EN_BIT1);
  host_write_enable (&h);
  host_op (&h, 0x31, 0, 0, 0, (const guint8 *) "\x00", NULL, 1);
  g_assert_cmphex (host_read_cr (&h), ==, 0);
  /* Bits the model does not know (SEC, CMP) read back as 0. */
  host_write_enable (&h);
  host_op (&h, 0x01, 0, 0, 0, (const guint8 *) "\x40\x40", NULL, 2);
  g_assert_cmphex (host_read_sr (&h), ==, 0);
  g_assert_cmphex (host_read_cr (&h), ==, 0);
  host_clear (&h);
}

/* ---- block protection --------------------------------------------------------------- */

/* Programs one byte at ADDR; whether it took. */
static gboolean
try_program (Host *h, guint64 addr)
{
  guint8 byte = 0x00, back;

  host_write (h, addr, &byte, 1);
  host_read (h, addr, &back, 1);
  return back == 0x00;
}

/* Every BP value protects what the datasheet's table says: the top
 * (bottom with TB) 2^(BP-1) smallest units, all ones the whole chip. */
static void
check_protection_table (Host *h, guint64 unit, gboolean tb)
{
  guint bits = h->desc->nor.bp_bits;
  guint8 tb_bit = tb ? SR_TB_BIT5 : 0;

  for (guint bp = 1; bp < (1u << bits); bp++)
    {
      guint64 len = bp == (1u << bits) - 1 ? h->size : MIN (unit << (bp - 1), h->size);
      guint64 start = tb ? 0 : h->size - len;
      guint64 ofs, llen;

      g_assert_true (host_write_sr_and_check (h, (guint8) (bp << SR_BP_SHIFT) | tb_bit));
      locked_range (h, host_read_sr (h), &ofs, &llen);
      g_assert_cmpuint (ofs, ==, start);
      g_assert_cmpuint (llen, ==, len);
      /* The first and last byte inside refuse a program, WEL is cleared;
       * the bytes right outside take one. */
      g_assert_false (try_program (h, start));
      g_assert_cmphex (host_read_sr (h) & SR_WEL, ==, 0);
      g_assert_false (try_program (h, start + len - 1));
      if (start > 0)
        g_assert_true (try_program (h, start - 1));
      if (start + len < h->size)
        g_assert_true (try_program (h, start + len));
    }
  g_assert_true (host_write_sr_and_check (h, 0));
}

static void
test_protect_winbond (void)
{
  Host h;
  guint8 buf[1];
  guint64 top;
  guint32 erases;

  host_init_chip (&h, "winbond-w25q128jv", FM_TIMING_VIRTUAL);
  /* W25Q128JV: BP=001 protects the upper 1/64 (256 KiB, blocks 252-255). */
  g_assert_cmpuint (min_prot_len (&h), ==, 256 * 1024);
  check_protection_table (&h, 256 * 1024, FALSE);
  host_chip_erase (&h);
  check_protection_table (&h, 256 * 1024, TRUE);
  host_chip_erase (&h);

  /* spi_nor_sr_lock() of the top 1 MiB: BP=011, SRWD. */
  top = h.size - MiB;
  g_assert_cmpint (host_lock (&h, top, MiB), ==, 0);
  g_assert_cmphex (host_read_sr (&h), ==, SR_SRWD | 3 << SR_BP_SHIFT);
  g_assert_false (try_program (&h, top));
  g_assert_true (try_program (&h, top - 1));
  /* Erases touching the locked range do nothing; chip erase neither. */
  erases = erase_count (&h, top);
  host_erase_with (&h, host_erase_index (&h, 65536), top);
  g_assert_cmpuint (erase_count (&h, top), ==, erases);
  host_chip_erase (&h);
  g_assert_cmpuint (erase_count (&h, top), ==, erases);
  host_read (&h, top - 1, buf, 1);
  g_assert_cmphex (buf[0], ==, 0x00);
  /* Linux unlocks the top half of what is locked, keeping the rest. */
  g_assert_cmpint (host_unlock (&h, top, MiB / 2), ==, 0);
  g_assert_cmphex (host_read_sr (&h), ==, SR_SRWD | 2 << SR_BP_SHIFT);
  g_assert_true (try_program (&h, top));
  g_assert_false (try_program (&h, h.size - 1));

  /* WP# with SRWD set: the status register is locked... */
  fm_spi_nor_set_wp (h.spi, TRUE);
  g_assert_cmpint (host_unlock (&h, 0, h.size), ==, -1);
  g_assert_false (try_program (&h, h.size - 1));
  /* ...unless QE turned WP# into IO2. */
  fm_spi_nor_set_wp (h.spi, FALSE);
  host_quad_enable (&h);
  fm_spi_nor_set_wp (h.spi, TRUE);
  g_assert_cmpint (host_unlock (&h, 0, h.size), ==, 0);
  g_assert_cmphex (host_read_sr (&h), ==, 0);
  g_assert_true (try_program (&h, h.size - 1));
  host_clear (&h);
}

static void
test_protect_macronix (void)
{
  Host h;

  host_init_chip (&h, "macronix-mx25l25645g", FM_TIMING_NONE);
  /* MX25L25645G: BP=0001 protects block 511, BP=1001 blocks 256-511, and
   * 1010-1111 the whole chip. */
  g_assert_cmpuint (min_prot_len (&h), ==, 64 * 1024);
  check_protection_table (&h, 64 * 1024, FALSE);
  g_assert_cmpint (host_lock (&h, h.size - 16 * MiB, 16 * MiB), ==, 0);
  g_assert_cmphex (host_read_sr (&h) & bp_mask (&h), ==, 9 << SR_BP_SHIFT);
  g_assert_cmpint (host_lock (&h, 0, h.size), ==, 0);
  g_assert_cmphex (host_read_sr (&h) & bp_mask (&h), ==, bp_mask (&h));
  g_assert_false (try_program (&h, 0));
  g_assert_cmpint (host_unlock (&h, 0, h.size), ==, 0);
  g_assert_true (try_program (&h, 0));
  host_clear (&h);
}

/* ---- reset ------------------------------------------------------------------------- */

static void
test_reset (void)
{
  Host h;
  guint8 byte = 0x00;
  guint64 t0;

  host_init_chip (&h, "macronix-mx25l25645g", FM_TIMING_VIRTUAL);
  /* 99h alone, or with another instruction after 66h, does nothing. */
  host_cmd (&h, 0xb7);
  host_write_enable (&h);
  host_cmd (&h, 0x99);
  g_assert_true (fm_spi_nor_four_byte_mode (h.spi));
  host_cmd (&h, 0x66);
  host_read_sr (&h);
  host_cmd (&h, 0x99);
  g_assert_true (fm_spi_nor_four_byte_mode (h.spi));
  g_assert_cmphex (host_read_sr (&h), ==, SR_WEL);

  host_soft_reset (&h);
  g_assert_false (fm_spi_nor_four_byte_mode (h.spi));
  g_assert_cmphex (host_read_sr (&h), ==, 0);

  /* A reset stops a chip erase under way. */
  host_write_enable (&h);
  host_cmd (&h, 0xc7);
  t0 = host_now (&h);
  g_assert_cmphex (host_read_sr (&h) & SR_WIP, ==, SR_WIP);
  host_soft_reset (&h);
  host_wait_till_ready (&h);
  g_assert_cmpuint (host_now (&h) - t0, <, h.desc->nor.t_chip_erase.typ_ns);
  host_write (&h, 0, &byte, 1);
  assert_reads (&h, 0, &byte, 1);
  host_clear (&h);
}

/* ---- faults ------------------------------------------------------------------------ */

static void
test_power_cut (void)
{
  g_autoptr (GError) error = NULL;
  Host h;
  guint8 data[4] = { 1, 2, 3, 4 }, buf[4];

  host_init_chip (&h, "winbond-w25q128jv", FM_TIMING_VIRTUAL);
  host_write (&h, 0, data, 4);
  fm_nand_set_faults (fm_nor_cells (h.nor),
                      fm_fault_set_parse ("powercut at-op=3 clean", &error));
  g_assert_no_error (error);
  assert_reads (&h, 0, data, 4);            /* operation 2 */
  host_write (&h, 0x100, data, 4);          /* operation 3 */
  host_write_enable (&h);
  host_op (&h, 0x20, 0, 3, 0, NULL, NULL, 0);  /* never starts */
  g_assert_true (fm_nand_powered_off (fm_nor_cells (h.nor)));
  host_op (&h, 0x9f, 0, 0, 0, NULL, buf, 3);
  g_assert_true (fm_test_all_ff (buf, 3));
  g_assert_cmphex (host_read_sr (&h), ==, 0xff);
  host_clear (&h);
}

/* An erase that fails (worn sector, injected fault) leaves wrong data but
 * no status: the host sees a normal erase. */
static void
test_erase_fail_is_silent (void)
{
  g_autoptr (GError) error = NULL;
  Host h;
  guint8 zero = 0x00, back;

  host_init_chip (&h, "winbond-w25q128jv", FM_TIMING_VIRTUAL);
  host_write (&h, 0x5000, &zero, 1);
  host_write (&h, 0x6000, &zero, 1);
  fm_nand_set_faults (fm_nor_cells (h.nor),
                      fm_fault_set_parse ("erase-fail block=5", &error));
  g_assert_no_error (error);
  host_erase_with (&h, host_erase_index (&h, 32768), 0);
  g_assert_cmphex (host_read_sr (&h), ==, 0);
  host_read (&h, 0x6000, &back, 1);
  g_assert_cmphex (back, ==, 0xff);         /* the other sectors erased */
  g_assert_cmpuint (fm_nand_stats (fm_nor_cells (h.nor))->erase_failures, ==, 1);
  host_clear (&h);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/spi-nor/sfdp/winbond", test_sfdp_winbond);
  g_test_add_func ("/spi-nor/sfdp/macronix", test_sfdp_macronix);
  g_test_add_func ("/spi-nor/sfdp/synthetic", test_sfdp_synthetic);
  g_test_add_func ("/spi-nor/program-read-erase", test_program_read_erase);
  g_test_add_func ("/spi-nor/page-program-wraps", test_page_program_wraps);
  g_test_add_func ("/spi-nor/busy-time", test_busy_time);
  g_test_add_func ("/spi-nor/write-enable-rules", test_write_enable_rules);
  g_test_add_func ("/spi-nor/four-byte/macronix", test_four_byte);
  g_test_add_func ("/spi-nor/four-byte/none-on-winbond", test_no_four_byte_on_winbond);
  g_test_add_func ("/spi-nor/quad-needs-qe", test_quad_needs_qe);
  g_test_add_func ("/spi-nor/protect/winbond", test_protect_winbond);
  g_test_add_func ("/spi-nor/protect/macronix", test_protect_macronix);
  g_test_add_func ("/spi-nor/reset", test_reset);
  g_test_add_func ("/spi-nor/power-cut", test_power_cut);
  g_test_add_func ("/spi-nor/erase-fail-is-silent", test_erase_fail_is_silent);
  return g_test_run ();
}
