/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Read retry on the bus, driven cycle by cycle exactly as Linux 6.1's
 * vendor files drive it: nand_micron.c and nand_macronix.c (the ONFI
 * vendor block, SET/GET FEATURES 89h), nand_hynix.c (READ ID 40h, the
 * OTP table read with hynix_read_rr_otp() and decoded with ported copies
 * of hynix_get_majority() and hynix_mlc_1xnm_rr_value(), and the register
 * writes of hynix_nand_setup_read_retry()). Checked: what the host reads,
 * the read reference shifts the model reads with afterwards
 * (fm_nand_read_offsets), the statistics, and the descriptor checks.
 */
#include "fm-test-util.h"
#include "fm-nand-bus.h"
#include "fm-onfi.h"
#include "fm-nand-vendor-hynix.h"

#include <string.h>

#define MICRON "micron-mt29f32g08cbada"
#define MACRONIX "macronix-mx30lf2g28ad"
#define HYNIX "hynix-h27ucg8t2etr"
#define FEATURE_READ_RETRY 0x89

typedef FmTestBus Fixture;

static void
fixture_init (Fixture *f, const gchar *chip)
{
  FmChipDesc *d = fm_test_chip (chip);

  fm_test_bus_init (f, d, fm_test_nand (d, 3, 0, FM_TIMING_VIRTUAL));
}

/* nand_set_features(): EFh, the address, four parameter bytes, wait. */
static void
set_features (FmNandBus *bus, guint8 addr, guint8 p1)
{
  const guint8 params[4] = { p1, 0, 0, 0 };

  fm_test_bus_cmd_addr (bus, 0xef, &addr, 1);
  for (guint i = 0; i < 4; i++)
    fm_nand_bus_write (bus, params[i]);
  fm_nand_bus_wait_ready (bus);
}

/* nand_get_features(): EEh, the address, wait, four bytes; P1 returned. */
static guint8
get_features (FmNandBus *bus, guint8 addr)
{
  guint8 params[4];

  fm_test_bus_cmd_addr (bus, 0xee, &addr, 1);
  fm_nand_bus_wait_ready (bus);
  fm_nand_bus_read_buf (bus, params, 4);
  g_assert_cmpuint (params[1] | params[2] | params[3], ==, 0);
  return params[0];
}

/* The ONFI parameter page as nand_onfi_detect() reads it, CRC checked. */
static void
read_onfi_page (FmNandBus *bus, FmOnfiParams *p)
{
  guint8 page[FM_ONFI_PARAM_PAGE_SIZE];
  g_autoptr (GError) error = NULL;

  fm_test_bus_cmd_addr (bus, 0xec, (const guint8[]) { 0x00 }, 1);
  fm_nand_bus_wait_ready (bus);
  fm_nand_bus_read_buf (bus, page, sizeof page);
  g_assert_true (fm_onfi_parse_param_page (page, p, &error));
  g_assert_no_error (error);
}

/* The model reads with LEVEL's shifts of D's table. */
static void
assert_offsets_of_level (FmNand *nand, const FmChipDesc *d, guint level)
{
  const gint16 *now = fm_nand_read_offsets (nand);

  for (guint r = 0; r < FM_NAND_MAX_READ_REFS; r++)
    g_assert_cmpint (now[r], ==, r < d->read_retry.refs ? d->read_retry.offset_mv[level][r] : 0);
}

static void
read_page (Fixture *f, guint32 block, guint page)
{
  g_autofree guint8 *buf = g_malloc (f->desc->page_size);

  fm_test_bus_read (f->bus, f->desc, block, page, 0, buf, f->desc->page_size);
}

/* ---- Micron and Macronix: SET/GET FEATURES 89h ----------------------------- */

static void
test_micron_param_page (void)
{
  Fixture f, plain;
  FmOnfiParams p;

  fixture_init (&f, MICRON);
  read_onfi_page (f.bus, &p);
  /* struct nand_onfi_vendor_micron read_retry_options: chip->read_retries */
  g_assert_cmpuint (p.vendor[FM_ONFI_OFF_MICRON_READ_RETRY_OPTIONS - FM_ONFI_OFF_VENDOR], ==, 8);
  g_assert_cmpuint (f.desc->read_retry.levels, ==, 8);
  fm_test_bus_clear (&f);

  /* The L74A part has none: the byte stays 0, as Linux then retries never. */
  fixture_init (&plain, "micron-mt29f32g");
  read_onfi_page (plain.bus, &p);
  g_assert_cmpuint (p.vendor[FM_ONFI_OFF_MICRON_READ_RETRY_OPTIONS - FM_ONFI_OFF_VENDOR], ==, 0);
  fm_test_bus_clear (&plain);
}

/* micron_nand_setup_read_retry() for every level, then back to 0. */
static void
check_feature_levels (const gchar *chip)
{
  Fixture f;
  guint levels;

  fixture_init (&f, chip);
  levels = f.desc->read_retry.levels;
  g_assert_cmpuint (get_features (f.bus, FEATURE_READ_RETRY), ==, 0);
  assert_offsets_of_level (f.nand, f.desc, 0);
  for (guint level = 1; level < levels; level++)
    {
      set_features (f.bus, FEATURE_READ_RETRY, level);
      g_assert_cmpuint (get_features (f.bus, FEATURE_READ_RETRY), ==, level);
      assert_offsets_of_level (f.nand, f.desc, level);
      g_assert_cmpint (fm_nand_read_retry_level (f.nand), ==, level);
    }
  /* A level the part does not have is ignored: the last one stays. */
  set_features (f.bus, FEATURE_READ_RETRY, levels);
  g_assert_cmpuint (get_features (f.bus, FEATURE_READ_RETRY), ==, levels - 1);
  assert_offsets_of_level (f.nand, f.desc, levels - 1);
  set_features (f.bus, FEATURE_READ_RETRY, 0xff);
  assert_offsets_of_level (f.nand, f.desc, levels - 1);
  set_features (f.bus, FEATURE_READ_RETRY, 0);
  g_assert_cmpuint (get_features (f.bus, FEATURE_READ_RETRY), ==, 0);
  assert_offsets_of_level (f.nand, f.desc, 0);
  /* RESET keeps the level (features survive FFh). */
  set_features (f.bus, FEATURE_READ_RETRY, 2);
  fm_nand_bus_command (f.bus, 0xff);
  fm_nand_bus_wait_ready (f.bus);
  g_assert_cmpuint (get_features (f.bus, FEATURE_READ_RETRY), ==, 2);
  assert_offsets_of_level (f.nand, f.desc, 2);
  fm_test_bus_clear (&f);
}

static void
test_micron_levels (void)
{
  check_feature_levels (MICRON);
}

static void
test_macronix (void)
{
  Fixture f;
  FmOnfiParams p;

  fixture_init (&f, MACRONIX);
  read_onfi_page (f.bus, &p);
  /* struct nand_onfi_vendor_macronix reliability_func bit 0: read retry */
  g_assert_cmpuint (p.vendor[FM_ONFI_OFF_MACRONIX_RELIABILITY - FM_ONFI_OFF_VENDOR] & 0x01, ==, 0x01);
  /* bit 1 (randomizer) is not claimed */
  g_assert_cmpuint (p.vendor[FM_ONFI_OFF_MACRONIX_RELIABILITY - FM_ONFI_OFF_VENDOR] & 0x02, ==, 0);
  g_assert_cmpuint (f.desc->read_retry.levels, ==, 6); /* MACRONIX_NUM_READ_RETRY_MODES */
  g_assert_cmpuint (f.desc->read_retry.refs, ==, 1);
  fm_test_bus_clear (&f);
  check_feature_levels (MACRONIX);
}

/* A part without read retry: 89h is no feature of it, reads stay at the
 * default references. */
static void
test_no_retry_part (void)
{
  Fixture f;

  fixture_init (&f, "micron-mt29f32g");
  set_features (f.bus, FEATURE_READ_RETRY, 3);
  g_assert_cmpuint (get_features (f.bus, FEATURE_READ_RETRY), ==, 0);
  assert_offsets_of_level (f.nand, f.desc, 0);
  g_assert_cmpint (fm_nand_read_retry_level (f.nand), ==, 0);
  fm_test_bus_clear (&f);
}

/* ---- statistics ------------------------------------------------------------ */

/* nand_do_read_ops(): a failed read at 0, levels 1 and 2, success at 2,
 * back to 0; then a sequence that runs out of levels. */
static void
test_stats (void)
{
  Fixture f;
  const FmNandStats *s;
  guint levels;

  fixture_init (&f, MICRON);
  levels = f.desc->read_retry.levels;
  s = fm_nand_stats (f.nand);
  read_page (&f, 1, 0);
  g_assert_cmpuint (s->read_retry_reads, ==, 0);
  for (guint level = 1; level <= 2; level++)
    {
      set_features (f.bus, FEATURE_READ_RETRY, level);
      read_page (&f, 1, 0);
    }
  set_features (f.bus, FEATURE_READ_RETRY, 0);
  read_page (&f, 1, 0);
  g_assert_cmpuint (s->page_reads, ==, 4);
  g_assert_cmpuint (s->read_retry_reads, ==, 2);
  g_assert_cmpuint (s->read_retry_ended_at[2], ==, 1);

  for (guint level = 1; level < levels; level++)
    {
      set_features (f.bus, FEATURE_READ_RETRY, level);
      read_page (&f, 1, 1);
    }
  set_features (f.bus, FEATURE_READ_RETRY, 0);
  /* Setting 0 again ends nothing. */
  set_features (f.bus, FEATURE_READ_RETRY, 0);
  g_assert_cmpuint (s->read_retry_reads, ==, 2 + levels - 1);
  g_assert_cmpuint (s->read_retry_ended_at[levels - 1], ==, 1);
  g_assert_cmpuint (s->read_retry_ended_at[2], ==, 1);
  for (guint k = 0; k < FM_NAND_MAX_RETRY_LEVELS; k++)
    if (k != 2 && k != levels - 1)
      g_assert_cmpuint (s->read_retry_ended_at[k], ==, 0);
  fm_test_bus_clear (&f);
}

/* ---- Hynix: READ ID 40h, the OTP table, the registers ---------------------- */

/* Ports of nand_hynix.c's decoding, as Linux 6.1 has them. */
static gint
hynix_get_majority (const guint8 *in, gint repeat, guint8 *out)
{
  gint half = repeat / 2;

  for (gint i = 0; i < half; i++)
    {
      gint cnt = 0;
      guint8 val = in[i];

      for (gint j = i + 1; j < repeat; j++)
        if (in[j] == val)
          cnt++;
      if (cnt > half)
        {
          *out = val;
          return 0;
        }
    }
  return -1;
}

static gint
hynix_mlc_1xnm_rr_value (const guint8 *buf, gint nmodes, gint nregs, gint mode, gint reg, gboolean inv,
                         guint8 *val)
{
  guint8 tmp[FM_HYNIX_RR_REPEAT];
  gint val_offs = mode * nregs + reg, set_size = nmodes * nregs;

  for (gint i = 0; i < FM_HYNIX_RR_REPEAT; i++)
    {
      gint set_offs = 16 + (i * 2 + (inv ? 1 : 0)) * set_size;

      /* Linux reads past its 784-byte buffer if the table is too big. */
      g_assert_cmpint (val_offs + set_offs, <, FM_HYNIX_OTP_SIZE);
      tmp[i] = buf[val_offs + set_offs];
    }
  if (hynix_get_majority (tmp, FM_HYNIX_RR_REPEAT, val))
    return -1;
  if (inv)
    *val = ~*val;
  return 0;
}

/* hynix_nand_cmd_op(), hynix_nand_reg_write_op(): one CMD; ADDR + DATA. */
static void
hynix_cmd (FmNandBus *bus, guint8 cmd)
{
  fm_nand_bus_command (bus, cmd);
}

static void
hynix_reg_write (FmNandBus *bus, guint8 addr, guint8 val)
{
  fm_nand_bus_address (bus, addr);
  fm_nand_bus_write (bus, val);
}

/* nand_read_page_op(chip, PAGE, 0, BUF, LEN) on a 2-column, 3-row part. */
static void
linux_read_page (FmNandBus *bus, guint32 page, guint8 *buf, gsize len)
{
  const guint8 addr[5] = { 0, 0, page & 0xff, (page >> 8) & 0xff, (page >> 16) & 0xff };

  fm_test_bus_cmd_addr (bus, 0x00, addr, 5);
  fm_nand_bus_command (bus, 0x30);
  fm_nand_bus_wait_ready (bus);
  if (len)
    fm_nand_bus_read_buf (bus, buf, len);
}

static void
nand_reset_op (FmNandBus *bus)
{
  fm_nand_bus_command (bus, 0xff);
  fm_nand_bus_wait_ready (bus);
}

/* hynix_read_rr_otp() with Linux's first table entry: 38h = 52h, page
 * 21Fh, 784 bytes. */
static void
hynix_read_rr_otp (FmNandBus *bus, guint8 *buf)
{
  nand_reset_op (bus);
  hynix_cmd (bus, FM_HYNIX_CMD_SET_PARAMS);
  hynix_reg_write (bus, 0x38, 0x52);
  hynix_cmd (bus, FM_HYNIX_CMD_APPLY_PARAMS);
  hynix_cmd (bus, 0x17);
  hynix_cmd (bus, 0x04);
  hynix_cmd (bus, 0x19);
  linux_read_page (bus, 0x21f, buf, FM_HYNIX_OTP_SIZE);
  nand_reset_op (bus);
  hynix_cmd (bus, FM_HYNIX_CMD_SET_PARAMS);
  hynix_reg_write (bus, 0x38, 0x00);
  hynix_cmd (bus, FM_HYNIX_CMD_APPLY_PARAMS);
  linux_read_page (bus, 0, NULL, 0);
}

/* hynix_mlc_1xnm_rr_init()'s decoding: VALUES gets nmodes x nregs. */
static void
hynix_decode (const guint8 *buf, guint8 *nmodes, guint8 *nregs, guint8 *values)
{
  g_assert_cmpint (hynix_get_majority (buf, FM_HYNIX_RR_REPEAT, nmodes), ==, 0);
  g_assert_cmpint (hynix_get_majority (buf + FM_HYNIX_RR_REPEAT, FM_HYNIX_RR_REPEAT, nregs), ==, 0);
  for (gint i = 0; i < *nmodes; i++)
    for (gint j = 0; j < *nregs; j++)
      {
        guint8 *val = values + i * *nregs + j;

        if (hynix_mlc_1xnm_rr_value (buf, *nmodes, *nregs, i, j, FALSE, val) == 0)
          continue;
        g_assert_cmpint (hynix_mlc_1xnm_rr_value (buf, *nmodes, *nregs, i, j, TRUE, val), ==, 0);
      }
}

/* hynix_nand_setup_read_retry(): 36h, the mode's row to the registers, 16h. */
static void
hynix_setup_read_retry (FmNandBus *bus, const guint8 *values, guint nregs, guint mode)
{
  hynix_cmd (bus, FM_HYNIX_CMD_SET_PARAMS);
  for (guint i = 0; i < nregs; i++)
    hynix_reg_write (bus, fm_hynix_rr_regs[i], values[mode * nregs + i]);
  hynix_cmd (bus, FM_HYNIX_CMD_APPLY_PARAMS);
}

static void
test_hynix_jedec_id (void)
{
  Fixture f;
  guint8 id[5], full[6];

  fixture_init (&f, HYNIX);
  /* hynix_nand_has_valid_jedecid(): nand_readid_op(chip, 0x40, id, 5) */
  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x40 }, 1);
  fm_nand_bus_read_buf (f.bus, id, sizeof id);
  g_assert_cmpmem (id, 5, "JEDEC", 5);
  /* and ID byte 5 >> 4 == 4: the 1x nm branch */
  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x00 }, 1);
  fm_nand_bus_read_buf (f.bus, full, sizeof full);
  g_assert_cmpuint (full[5] >> 4, ==, 4);
  fm_test_bus_clear (&f);

  /* A Hynix part without read retry does not answer JEDEC (Linux would
   * then look for a table it cannot find, and fail the probe). */
  fixture_init (&f, "hynix-h27ucg8t2atr");
  fm_test_bus_cmd_addr (f.bus, 0x90, (const guint8[]) { 0x40 }, 1);
  fm_nand_bus_read_buf (f.bus, id, sizeof id);
  g_assert_true (memcmp (id, "JEDEC", 5) != 0);
  fm_test_bus_clear (&f);
}

static void
test_hynix_otp_table (void)
{
  Fixture f;
  guint8 buf[FM_HYNIX_OTP_SIZE], values[FM_HYNIX_RR_MAX_LEVELS * FM_HYNIX_RR_REGS];
  guint8 nmodes = 0, nregs = 0;
  g_autofree guint8 *page = NULL;
  const FmReadRetryDesc *rr;

  fixture_init (&f, HYNIX);
  rr = &f.desc->read_retry;
  hynix_read_rr_otp (f.bus, buf);
  hynix_decode (buf, &nmodes, &nregs, values);
  g_assert_cmpuint (nmodes, ==, rr->levels);
  g_assert_cmpuint (nregs, ==, FM_HYNIX_RR_REGS);
  for (guint m = 0; m < nmodes; m++)
    for (guint r = 0; r < nregs; r++)
      {
        /* register value = shift / 5 mV, signed; the unused ones 00h */
        gint expected = r < rr->refs ? rr->offset_mv[m][r] / FM_HYNIX_RR_STEP_MV : 0;

        g_assert_cmpint ((gint8) values[m * nregs + r], ==, expected);
      }
  /* The OTP read moved no reference, and OTP mode is over: row 21Fh reads
   * the array again (an erased page). */
  assert_offsets_of_level (f.nand, f.desc, 0);
  page = g_malloc (FM_HYNIX_OTP_SIZE);
  linux_read_page (f.bus, 0x21f, page, FM_HYNIX_OTP_SIZE);
  g_assert_true (fm_test_all_ff (page, FM_HYNIX_OTP_SIZE));

  /* Every mode as Linux's retry loop sets it. */
  for (guint m = 1; m < nmodes; m++)
    {
      hynix_setup_read_retry (f.bus, values, nregs, m);
      assert_offsets_of_level (f.nand, f.desc, m);
      g_assert_cmpint (fm_nand_read_retry_level (f.nand), ==, m);
      read_page (&f, 1, 0);
    }
  hynix_setup_read_retry (f.bus, values, nregs, 0);
  assert_offsets_of_level (f.nand, f.desc, 0);
  g_assert_cmpuint (fm_nand_stats (f.nand)->read_retry_reads, ==, nmodes - 1);
  g_assert_cmpuint (fm_nand_stats (f.nand)->read_retry_ended_at[nmodes - 1], ==, 1);
  fm_test_bus_clear (&f);
}

/* Bad input: unknown registers, data without a register, writes outside a
 * session, a combination that is no level. */
static void
test_hynix_bad_writes (void)
{
  Fixture f;
  const FmReadRetryDesc *rr;
  guint8 row[FM_HYNIX_RR_REGS] = { 0 };

  fixture_init (&f, HYNIX);
  rr = &f.desc->read_retry;
  /* An unknown register takes nothing; neither does data with no
   * register selected, nor data twice after one address. */
  hynix_cmd (f.bus, FM_HYNIX_CMD_SET_PARAMS);
  hynix_reg_write (f.bus, 0x12, 0x80);
  fm_nand_bus_write (f.bus, 0x7f);
  hynix_reg_write (f.bus, fm_hynix_rr_regs[0], 0xfe);
  fm_nand_bus_write (f.bus, 0x40);
  hynix_cmd (f.bus, FM_HYNIX_CMD_APPLY_PARAMS);
  g_assert_cmpint (fm_nand_read_offsets (f.nand)[0], ==, -2 * FM_HYNIX_RR_STEP_MV);
  g_assert_cmpint (fm_nand_read_offsets (f.nand)[1], ==, 0);
  /* Not a row of the table: no level, no retry read counted. */
  g_assert_cmpint (fm_nand_read_retry_level (f.nand), ==, -1);
  read_page (&f, 1, 0);
  g_assert_cmpuint (fm_nand_stats (f.nand)->read_retry_reads, ==, 0);
  /* Writes outside 36h .. 16h are no register writes. */
  hynix_reg_write (f.bus, fm_hynix_rr_regs[1], 0x10);
  hynix_cmd (f.bus, FM_HYNIX_CMD_APPLY_PARAMS);
  g_assert_cmpint (fm_nand_read_offsets (f.nand)[1], ==, 0);
  /* The OTP sequence out of order does not enter OTP mode. */
  hynix_cmd (f.bus, FM_HYNIX_CMD_SET_PARAMS);
  hynix_reg_write (f.bus, 0x38, 0x52);
  for (guint r = 0; r < FM_HYNIX_RR_REGS; r++)
    hynix_reg_write (f.bus, fm_hynix_rr_regs[r], row[r]);
  hynix_cmd (f.bus, FM_HYNIX_CMD_APPLY_PARAMS);
  g_assert_cmpint (fm_nand_read_retry_level (f.nand), ==, 0);
  hynix_cmd (f.bus, 0x04);
  hynix_cmd (f.bus, 0x17);
  hynix_cmd (f.bus, 0x19);
  {
    g_autofree guint8 *page = g_malloc (FM_HYNIX_OTP_SIZE);

    linux_read_page (f.bus, 0x21f, page, FM_HYNIX_OTP_SIZE);
    g_assert_true (fm_test_all_ff (page, FM_HYNIX_OTP_SIZE));
  }
  g_assert_cmpuint (rr->levels, >, 1);
  fm_test_bus_clear (&f);
}

/* ---- descriptors ------------------------------------------------------------ */

static gchar *
chip_text (const gchar *name)
{
  g_autofree gchar *path = g_build_filename (fm_chip_catalog_dir (), name, NULL);
  g_autofree gchar *file = g_strconcat (path, ".ini", NULL);
  gchar *text = NULL;

  g_assert_true (g_file_get_contents (file, &text, NULL, NULL));
  return text;
}

/* BASE with KEY of [read-retry] replaced by LINE fails, naming the group,
 * KEY_IN_MESSAGE and REASON. */
static void
assert_refused (const gchar *base, const gchar *group, const gchar *key, const gchar *line,
                const gchar *key_in_message, const gchar *reason)
{
  g_autofree gchar *text = fm_test_text_with (base, group, key, line);
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (text, "bad.ini", &error);
  g_autofree gchar *where = g_strdup_printf ("[%s]", group);

  g_assert_null (d);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "bad.ini"));
  g_assert_nonnull (strstr (error->message, where));
  if (key_in_message)
    g_assert_nonnull (strstr (error->message, key_in_message));
  g_assert_nonnull (strstr (error->message, reason));
}

static void
test_desc_bad (void)
{
  g_autofree gchar *micron = chip_text (MICRON);
  g_autofree gchar *mxic = chip_text (MACRONIX);
  g_autofree gchar *hynix = chip_text (HYNIX);
  g_autofree gchar *no_89 = fm_test_text_with (micron, "onfi", "feature-addresses", "feature-addresses=0x80;0x81");
  g_autofree gchar *six = fm_test_text_with (micron, "read-retry", "levels", "levels=6");
  const gchar *rr = "read-retry";

  assert_refused (micron, rr, "mechanism", "mechanism=retry-harder", "mechanism", "is not onfi-feature");
  assert_refused (micron, rr, "levels", "levels=1", "levels", "");
  assert_refused (micron, rr, "levels", "levels=17", "levels", "");
  assert_refused (micron, rr, "levels", "", "levels", "");
  assert_refused (micron, rr, "level-3", "level-3=-10;-45", "level-3", "2 values, the part has 3");
  assert_refused (micron, rr, "level-3", "level-3=-10;-45;-60;-80", "level-3", "4 values");
  assert_refused (micron, rr, "level-3", "level-3=-10;-45;-2001", "level-3", "'-2001' is not a shift");
  assert_refused (micron, rr, "level-3", "level-3=-10;x;-60", "level-3", "'x' is not a shift");
  assert_refused (micron, rr, "level-3", "level-3=-10;;-60", "level-3", "is not a shift");
  assert_refused (micron, rr, "level-3", "", "level-3", "");
  assert_refused (six, rr, "level-7", NULL, "level-6", "beyond levels=6");
  assert_refused (micron, rr, "level-42", "level-42=0;0;0", "level-42", "unknown key");
  assert_refused (no_89, rr, "mechanism", "mechanism=onfi-feature", "mechanism", "0x89");
  assert_refused (micron, rr, "mechanism", "mechanism=macronix-feature", "mechanism", "C2h");
  assert_refused (micron, rr, "mechanism", "mechanism=hynix-otp", "mechanism", "1x nm");
  assert_refused (mxic, rr, "levels", "levels=7", "levels", "uses 6 levels");
  assert_refused (mxic, rr, "mechanism", "mechanism=onfi-feature", "mechanism", "2Ch");
  assert_refused (hynix, rr, "level-2", "level-2=-5;-42;-50", "level-2", "multiple of 5 mV");
  assert_refused (hynix, rr, "level-2", "level-2=-5;-640;-50", "level-2", "multiple of 5 mV");
  assert_refused (hynix, rr, "levels", "levels=7", "levels", "do not fit");
  assert_refused (hynix, rr, "mechanism", "mechanism=onfi-feature", "mechanism", "[onfi]");
  {
    g_autofree gchar *small = fm_test_text_with (hynix, "geometry", "page-size", "page-size=512");
    g_autofree gchar *tiny = fm_test_text_with (small, "geometry", "oob-size", "oob-size=16");

    assert_refused (tiny, rr, "mechanism", "mechanism=hynix-otp", "mechanism", "cannot hold the 784-byte OTP table");
  }
}

/* No [read-retry]: the part has none, and none of the keys may appear in
 * other kinds of descriptors. */
static void
test_desc_absent (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-mt29f32g");
  g_autoptr (FmChipDesc) spi = fm_test_chip ("winbond-w25n01gv");
  g_autofree gchar *text = chip_text ("winbond-w25n01gv");
  g_autofree gchar *bad = g_strconcat (text, "\n[read-retry]\nmechanism=onfi-feature\nlevels=2\nlevel-1=-10\n", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) refused = fm_chip_desc_load_data (bad, "spi.ini", &error);

  g_assert_cmpint (d->read_retry.mechanism, ==, FM_READ_RETRY_NONE);
  g_assert_cmpuint (d->read_retry.levels, ==, 0);
  g_assert_cmpint (spi->read_retry.mechanism, ==, FM_READ_RETRY_NONE);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "[read-retry]"));
  g_assert_cmpstr (fm_read_retry_mechanism_to_string (FM_READ_RETRY_HYNIX_OTP), ==, "hynix-otp");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/read-retry/micron/param-page", test_micron_param_page);
  g_test_add_func ("/read-retry/micron/levels", test_micron_levels);
  g_test_add_func ("/read-retry/macronix", test_macronix);
  g_test_add_func ("/read-retry/no-retry-part", test_no_retry_part);
  g_test_add_func ("/read-retry/stats", test_stats);
  g_test_add_func ("/read-retry/hynix/jedec-id", test_hynix_jedec_id);
  g_test_add_func ("/read-retry/hynix/otp-table", test_hynix_otp_table);
  g_test_add_func ("/read-retry/hynix/bad-writes", test_hynix_bad_writes);
  g_test_add_func ("/read-retry/desc/bad", test_desc_bad);
  g_test_add_func ("/read-retry/desc/absent", test_desc_absent);
  return g_test_run ();
}
