/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Descriptors from real chips (fm-chip-desc-import.h): for every shipped
 * ONFI part, the descriptor built from the model's own parameter page (and
 * extended parameter page) equals the shipped one in every field the page
 * carries, and likewise for every JEDEC part and its JEDEC page; damaged copies are skipped as Linux skips them; hostile pages
 * are refused naming the field.
 */
#include "flashmodel.h"
#include "fm-jedec.h"
#include "fm-sfdp.h"

#include <string.h>

/* What READ PARAMETER PAGE returns for D: three copies of the page, then
 * three of the extended page if it has one. LEN receives the length. */
static guint8 *
onfi_read_output (const FmChipDesc *d, gsize *len)
{
  guint8 page[FM_ONFI_PARAM_PAGE_SIZE], ext[FM_ONFI_EXT_PARAM_PAGE_SIZE];
  gsize ext_len;
  guint8 *out;

  fm_onfi_build_param_page (d, page);
  ext_len = fm_onfi_build_ext_param_page (d, ext);
  *len = FM_ONFI_PARAM_PAGE_COPIES * (sizeof page + ext_len);
  out = g_malloc (*len);
  for (guint i = 0; i < FM_ONFI_PARAM_PAGE_COPIES; i++)
    {
      memcpy (out + i * sizeof page, page, sizeof page);
      memcpy (out + FM_ONFI_PARAM_PAGE_COPIES * sizeof page + i * ext_len, ext, ext_len);
    }
  return out;
}

static FmChipDesc *
import_onfi (const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = fm_chip_desc_from_onfi (data, len, "param.bin", &error);
  FmChipDesc *d;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, FM_DESC_IMPORT_FILL_IN));
  d = fm_chip_desc_load_data (text, "imported", &error);
  g_assert_no_error (error);
  return d;
}

/* Every descriptor field the ONFI parameter page carries. */
static void
assert_onfi_fields_equal (const FmChipDesc *a, const FmChipDesc *b)
{
  g_assert_cmpuint (a->type, ==, b->type);
  g_assert_cmpuint (a->page_size, ==, b->page_size);
  g_assert_cmpuint (a->oob_size, ==, b->oob_size);
  g_assert_cmpuint (a->pages_per_block, ==, b->pages_per_block);
  g_assert_cmpuint (a->blocks_per_lun, ==, b->blocks_per_lun);
  g_assert_cmpuint (a->luns, ==, b->luns);
  g_assert_cmpuint (a->planes, ==, b->planes);
  g_assert_cmpuint (a->bus_width, ==, b->bus_width);
  g_assert_cmpuint (a->commands, ==, b->commands);
  g_assert_cmpuint (a->onfi_version, ==, b->onfi_version);
  g_assert_cmpstr (a->onfi_manufacturer, ==, b->onfi_manufacturer);
  g_assert_cmpstr (a->onfi_model, ==, b->onfi_model);
  g_assert_cmpuint (a->jedec_id, ==, b->jedec_id);
  g_assert_cmpuint (a->onfi_features, ==, b->onfi_features);
  g_assert_cmpuint (a->timing_modes, ==, b->timing_modes);
  g_assert_cmpuint (a->cache_timing_modes, ==, b->cache_timing_modes);
  g_assert_cmpuint (a->ecc_bits, ==, b->ecc_bits);
  g_assert_cmpuint (a->ecc_codeword_size, ==, b->ecc_codeword_size);
  g_assert_cmpuint (a->guaranteed_valid_blocks, ==, b->guaranteed_valid_blocks);
  g_assert_cmpuint (a->guaranteed_block_endurance, ==, b->guaranteed_block_endurance);
  g_assert_cmpuint (a->tccs_ns, ==, b->tccs_ns);
  g_assert_cmpuint (a->tadl_ns, ==, b->tadl_ns);
  g_assert_cmpuint (a->vendor_revision, ==, b->vendor_revision);
  /* Whole microseconds in the page. */
  g_assert_cmpuint ((a->t_r.max_ns + 999) / 1000, ==, b->t_r.max_ns / 1000);
  g_assert_cmpuint ((a->t_prog.max_ns + 999) / 1000, ==, b->t_prog.max_ns / 1000);
  g_assert_cmpuint ((a->t_bers.max_ns + 999) / 1000, ==, b->t_bers.max_ns / 1000);
  g_assert_cmpuint (a->nop, ==, b->nop);
  g_assert_cmpuint (a->pe_cycles, ==, b->pe_cycles);
  g_assert_cmpuint (a->factory_bad_blocks_max, ==, b->factory_bad_blocks_max);
}

static void
test_round_trip_every_onfi_part (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);
  guint tried = 0;

  g_assert_no_error (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) shipped = fm_chip_desc_lookup (names[i], &error);
      g_autoptr (FmChipDesc) imported = NULL;
      g_autofree guint8 *data = NULL;
      gsize len;

      g_assert_no_error (error);
      /* SPI NAND parameter pages (in OTP) carry the same table, but the
       * import builds raw NAND descriptors. */
      if (!shipped->onfi_version || shipped->type == FM_CHIP_SPI_NAND)
        continue;
      g_test_message ("round trip of %s", names[i]);
      data = onfi_read_output (shipped, &len);
      imported = import_onfi (data, len);
      assert_onfi_fields_equal (shipped, imported);
      tried++;
    }
  g_assert_cmpuint (tried, >=, 3);
}

/* A part with the extended parameter page (ECC over 1 KiB codewords). */
static void
test_round_trip_ext_param_page (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) shipped = fm_chip_desc_lookup ("micron-mt29f32g", &error);
  g_autoptr (FmChipDesc) imported = NULL;
  g_autofree guint8 *data = NULL;
  gsize len;

  g_assert_no_error (error);
  g_assert_true (fm_onfi_has_ext_param_page (shipped));
  data = onfi_read_output (shipped, &len);
  imported = import_onfi (data, len);
  assert_onfi_fields_equal (shipped, imported);
  g_assert_cmpuint (imported->ecc_codeword_size, !=, 512);
}

/* A bad first copy: the second is used; every copy bad in a different
 * byte: the bit-wise majority, as Linux's nand_onfi_detect. */
static void
test_redundant_copies (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) shipped = fm_chip_desc_lookup ("micron-mt29f4g", &error);
  g_autofree guint8 *data = NULL;
  gsize len;

  g_assert_no_error (error);
  data = onfi_read_output (shipped, &len);
  data[FM_ONFI_OFF_PAGE_SIZE] ^= 0x10;
  {
    g_autoptr (FmChipDesc) d = import_onfi (data, len);

    assert_onfi_fields_equal (shipped, d);
  }
  data[FM_ONFI_PARAM_PAGE_SIZE + FM_ONFI_OFF_LUNS] ^= 0x01;
  data[2 * FM_ONFI_PARAM_PAGE_SIZE + FM_ONFI_OFF_NOP] ^= 0x80;
  {
    g_autoptr (FmChipDesc) d = import_onfi (data, len);

    assert_onfi_fields_equal (shipped, d);
  }
  /* Two copies bad in the same bit: nothing recovers it. */
  data[FM_ONFI_PARAM_PAGE_SIZE + FM_ONFI_OFF_PAGE_SIZE] ^= 0x10;
  g_assert_null (fm_chip_desc_from_onfi (data, len, "param.bin", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
  g_assert_true (g_str_has_prefix (error->message, "param.bin: parameter page: "));
  g_assert_nonnull (strstr (error->message, "CRC mismatch in each of 3 copies and in their bit-wise majority"));
}

/* Rewrites a parameter page's CRC, at CRC_OFF, after a change. */
static void
fix_page_crc (guint8 *page, guint crc_off)
{
  guint16 crc = fm_crc16_onfi (FM_ONFI_CRC_INIT, page, crc_off);

  page[crc_off] = crc & 0xff;
  page[crc_off + 1] = crc >> 8;
}

#define fix_crc(page) fix_page_crc (page, FM_ONFI_OFF_CRC)
#define fix_jedec_crc(page) fix_page_crc (page, FM_JEDEC_OFF_CRC)

typedef gchar *(*Importer) (const guint8 *data, gsize len, const gchar *origin, GError **error);

/* IMPORT refuses DATA from file ORIGIN with an error naming the file and
 * holding MESSAGE_PART. */
static void
assert_import_refused (Importer import, const gchar *origin, const guint8 *data, gsize len,
                       const gchar *message_part)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = import (data, len, origin, &error);
  g_autofree gchar *prefix = g_strconcat (origin, ": ", NULL);

  g_assert_null (text);
  g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_assert_nonnull (strstr (error->message, message_part));
}

#define assert_refused(data, len, part) \
  assert_import_refused (fm_chip_desc_from_onfi, "param.bin", data, len, part)
#define assert_jedec_refused(data, len, part) \
  assert_import_refused (fm_chip_desc_from_jedec, "jedec.bin", data, len, part)
#define assert_sfdp_refused(data, len, part) \
  assert_import_refused (fm_chip_desc_from_sfdp, "sfdp.bin", data, len, part)

static void
test_hostile_pages (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) shipped = fm_chip_desc_lookup ("micron-mt29f4g", &error);
  guint8 page[FM_ONFI_PARAM_PAGE_SIZE];

  g_assert_no_error (error);
  assert_refused (page, 0, "parameter page: 0 bytes, shorter than one 256-byte page");
  assert_refused (page, 255, "shorter than one");
  memset (page, 0xff, sizeof page);
  assert_refused (page, sizeof page, "no ONFI signature in each of 1 copy");

  fm_onfi_build_param_page (shipped, page);
  page[FM_ONFI_OFF_MODEL] = '\n';
  fix_crc (page);
  assert_refused (page, sizeof page, "model (bytes 44-63): byte 0Ah is not a printable character");

  fm_onfi_build_param_page (shipped, page);
  page[FM_ONFI_OFF_PAGE_SIZE + 3] = 0x80;  /* a 2 GiB page */
  fix_crc (page);
  assert_refused (page, sizeof page, "describes no part the model can load");

  fm_onfi_build_param_page (shipped, page);
  page[FM_ONFI_OFF_PLANE_BITS] = 200;
  fix_crc (page);
  assert_refused (page, sizeof page, "plane address bits (byte 113)");

  fm_onfi_build_param_page (shipped, page);
  page[FM_ONFI_OFF_REVISION] = 0;
  fix_crc (page);
  assert_refused (page, sizeof page, "revision (bytes 4-5): no ONFI version bit set");

  /* ECC bits FFh in an ONFI 1.0 page: no extended page to go to. */
  fm_onfi_build_param_page (shipped, page);
  page[FM_ONFI_OFF_ECC_BITS] = 0xff;
  fix_crc (page);
  assert_refused (page, sizeof page, "ECC bits (byte 112)");
}

/* The extended page announced but cut off, or damaged in every copy. */
static void
test_hostile_ext_page (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) shipped = fm_chip_desc_lookup ("micron-mt29f32g", &error);
  g_autofree guint8 *data = NULL;
  gsize len;

  g_assert_no_error (error);
  data = onfi_read_output (shipped, &len);
  assert_refused (data, 3 * FM_ONFI_PARAM_PAGE_SIZE, "extended parameter page: the file ends before byte");
  for (guint i = 0; i < FM_ONFI_PARAM_PAGE_COPIES; i++)
    data[3 * FM_ONFI_PARAM_PAGE_SIZE + i * FM_ONFI_EXT_PARAM_PAGE_SIZE + 40] ^= 1;
  assert_refused (data, len, "extended parameter page: extended parameter page CRC mismatch");
}

/* ---- JEDEC --------------------------------------------------------------- */

/* What READ PARAMETER PAGE (ECh-40h) returns for D: three copies. */
static guint8 *
jedec_read_output (const FmChipDesc *d, gsize *len)
{
  guint8 *out = g_malloc (FM_JEDEC_PARAM_PAGE_COPIES * FM_JEDEC_PARAM_PAGE_SIZE);

  fm_jedec_build_param_page (d, out);
  for (guint i = 1; i < FM_JEDEC_PARAM_PAGE_COPIES; i++)
    memcpy (out + i * FM_JEDEC_PARAM_PAGE_SIZE, out, FM_JEDEC_PARAM_PAGE_SIZE);
  *len = FM_JEDEC_PARAM_PAGE_COPIES * FM_JEDEC_PARAM_PAGE_SIZE;
  return out;
}

static FmChipDesc *
import_jedec (const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = fm_chip_desc_from_jedec (data, len, "jedec.bin", &error);
  FmChipDesc *d;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, FM_DESC_IMPORT_FILL_IN));
  g_assert_nonnull (strstr (text, "\n[jedec]\n"));
  d = fm_chip_desc_load_data (text, "imported", &error);
  g_assert_no_error (error);
  return d;
}

/* Every field the JEDEC page carries: the ONFI ones but the cache timing
 * modes (assert_onfi_fields_equal compares onfi_version, 0 on both). */
static void
assert_jedec_fields_equal (const FmChipDesc *a, const FmChipDesc *b)
{
  g_assert_cmpuint (b->jedec_version, ==, a->jedec_version);
  assert_onfi_fields_equal (a, b);
}

static void
test_jedec_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);
  guint tried = 0;

  g_assert_no_error (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) shipped = fm_chip_desc_lookup (names[i], &error);
      g_autoptr (FmChipDesc) imported = NULL;
      g_autofree guint8 *data = NULL;
      gsize len;

      g_assert_no_error (error);
      if (!shipped->jedec_version)
        continue;
      g_test_message ("JEDEC round trip of %s", names[i]);
      data = jedec_read_output (shipped, &len);
      imported = import_jedec (data, len);
      assert_jedec_fields_equal (shipped, imported);
      g_assert_cmpuint (imported->onfi_version, ==, 0);
      tried++;
    }
  g_assert_cmpuint (tried, >=, 1);
}

/* A bad first copy: the second is used; all three bad: refused (Linux's
 * nand_jedec_detect takes no majority). Hostile fields are refused naming
 * them. */
static void
test_jedec_copies_and_hostile (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) shipped = fm_chip_desc_lookup ("toshiba-tc58teg5dcjta00", &error);
  g_autofree guint8 *data = NULL;
  guint8 page[FM_JEDEC_PARAM_PAGE_SIZE];
  gsize len;

  g_assert_no_error (error);
  data = jedec_read_output (shipped, &len);
  data[FM_JEDEC_OFF_PAGE_SIZE] ^= 0x10;
  {
    g_autoptr (FmChipDesc) d = import_jedec (data, len);

    assert_jedec_fields_equal (shipped, d);
  }
  data[FM_JEDEC_PARAM_PAGE_SIZE + FM_JEDEC_OFF_LUNS] ^= 0x01;
  data[2 * FM_JEDEC_PARAM_PAGE_SIZE + FM_JEDEC_OFF_NOP] ^= 0x80;
  assert_jedec_refused (data, len, "parameter page: JEDEC parameter page CRC mismatch in each of 3 copies");
  assert_jedec_refused (data, 0, "parameter page: 0 bytes, shorter than one 512-byte JEDEC page");
  assert_jedec_refused (data, 511, "shorter than one");

  /* An ONFI page is no JEDEC page. */
  {
    g_autoptr (FmChipDesc) onfi = fm_chip_desc_lookup ("micron-mt29f4g", &error);
    guint8 two[2 * FM_ONFI_PARAM_PAGE_SIZE];

    g_assert_no_error (error);
    fm_onfi_build_param_page (onfi, two);
    memcpy (two + FM_ONFI_PARAM_PAGE_SIZE, two, FM_ONFI_PARAM_PAGE_SIZE);
    assert_jedec_refused (two, sizeof two, "no JESD signature in each of 1 copy");
  }

  fm_jedec_build_param_page (shipped, page);
  page[FM_JEDEC_OFF_MODEL] = '\n';
  fix_jedec_crc (page);
  assert_jedec_refused (page, sizeof page, "model (bytes 44-63): byte 0Ah is not a printable character");

  fm_jedec_build_param_page (shipped, page);
  page[FM_JEDEC_OFF_PLANE_BITS] = 200;
  fix_jedec_crc (page);
  assert_jedec_refused (page, sizeof page, "plane address bits (byte 104): 200, more than 16 planes");

  fm_jedec_build_param_page (shipped, page);
  page[FM_JEDEC_OFF_ECC_INFO + 1] = 40;  /* a 2^40-byte codeword */
  fix_jedec_crc (page);
  assert_jedec_refused (page, sizeof page, "ECC codeword size (byte 212): 2^40 bytes");

  fm_jedec_build_param_page (shipped, page);
  page[FM_JEDEC_OFF_REVISION] = 0x01;  /* neither bit Linux accepts */
  fix_jedec_crc (page);
  assert_jedec_refused (page, sizeof page, "revision 0x0001 is not one Linux supports");

  fm_jedec_build_param_page (shipped, page);
  page[FM_JEDEC_OFF_PAGE_SIZE + 3] = 0x80;  /* a 2 GiB page */
  fix_jedec_crc (page);
  assert_jedec_refused (page, sizeof page, "describes no part the model can load");
}

/* ---- SFDP ---------------------------------------------------------------- */

static FmChipDesc *
import_sfdp (GBytes *sfdp)
{
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (sfdp, &len);
  g_autofree gchar *text = fm_chip_desc_from_sfdp (data, len, "sfdp.bin", &error);
  FmChipDesc *d;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, FM_DESC_IMPORT_FILL_IN));
  d = fm_chip_desc_load_data (text, "imported", &error);
  g_assert_no_error (error);
  return d;
}

/* For every shipped SPI NOR part: the descriptor built from its SFDP has
 * the fields SFDP carries, and builds the same SFDP byte for byte. */
static void
test_sfdp_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);
  guint tried = 0;

  g_assert_no_error (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) shipped = fm_chip_desc_lookup (names[i], &error);
      g_autoptr (FmChipDesc) imported = NULL;
      g_autoptr (GBytes) sfdp = NULL, again = NULL;
      const FmNorDesc *a, *b;

      g_assert_no_error (error);
      if (shipped->type != FM_CHIP_SPI_NOR)
        continue;
      g_test_message ("SFDP round trip of %s", names[i]);
      sfdp = fm_sfdp_build (shipped);
      imported = import_sfdp (sfdp);
      a = &shipped->nor;
      b = &imported->nor;
      g_assert_cmpuint (a->size, ==, b->size);
      g_assert_cmpuint (a->program_buffer, ==, b->program_buffer);
      g_assert_cmpuint (a->granule, ==, b->granule);
      g_assert_cmpuint (a->n_erase_types, ==, b->n_erase_types);
      for (guint e = 0; e < a->n_erase_types; e++)
        {
          g_assert_cmpuint (a->erase_types[e].size, ==, b->erase_types[e].size);
          g_assert_cmpuint (a->erase_types[e].opcode, ==, b->erase_types[e].opcode);
          g_assert_cmpuint (a->erase_types[e].opcode_4b, ==, b->erase_types[e].opcode_4b);
        }
      g_assert_cmpuint (a->read_modes, ==, b->read_modes);
      g_assert_cmpmem (a->read_dummy_clocks, sizeof a->read_dummy_clocks,
                       b->read_dummy_clocks, sizeof b->read_dummy_clocks);
      g_assert_cmpuint (a->four_byte, ==, b->four_byte);
      g_assert_cmpuint (a->quad_enable, ==, b->quad_enable);
      /* Times are in SFDP as rounded counts of units: the imported part
       * must encode to the same table. */
      again = fm_sfdp_build (imported);
      g_assert_true (g_bytes_equal (sfdp, again));
      tried++;
    }
  g_assert_cmpuint (tried, >=, 2);
}

static void
test_sfdp_hostile (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) shipped = fm_chip_desc_lookup ("macronix-mx25l25645g", &error);
  g_autoptr (GBytes) sfdp = NULL;
  g_autofree guint8 *data = NULL;
  gsize len;
  guint32 bfpt_at;

  g_assert_no_error (error);
  sfdp = fm_sfdp_build (shipped);
  data = g_memdup2 (g_bytes_get_data (sfdp, &len), g_bytes_get_size (sfdp));
  bfpt_at = data[12] | data[13] << 8 | data[14] << 16;
  assert_sfdp_refused (data, 3, "SFDP header: 3 bytes, shorter than");
  assert_sfdp_refused (data, len - 1, "ends after the file's");
  data[0] ^= 1;
  assert_sfdp_refused (data, len, "SFDP signature (bytes 0-3)");
  data[0] ^= 1;
  data[11] = 9;  /* a BFPT of 9 DWORDs, JESD216 before B */
  assert_sfdp_refused (data, len, "BFPT length: 9 DWORDs");
  data[11] = 16;
  data[8] = 0x42;  /* no header names the BFPT */
  assert_sfdp_refused (data, len, "no Basic Flash Parameter Table");
  data[8] = 0x00;
  data[bfpt_at + 14 * 4 + 2] = (data[bfpt_at + 14 * 4 + 2] & 0x8f) | 0x30;  /* QER 3 */
  assert_sfdp_refused (data, len, "QER 3");
  memcpy (data, g_bytes_get_data (sfdp, NULL), len);
  data[bfpt_at + 4 + 3] = 0x80;  /* density 2^(low bits) bits */
  data[bfpt_at + 4] = 40;
  data[bfpt_at + 5] = data[bfpt_at + 6] = 0;
  assert_sfdp_refused (data, len, "BFPT DWORD 2 (density): 2^40 bits");
  memcpy (data, g_bytes_get_data (sfdp, NULL), len);
  data[bfpt_at + 7 * 4] = 40;  /* erase type 1 of 2^40 bytes */
  assert_sfdp_refused (data, len, "erase type 1 of 2^40 bytes");
  memcpy (data, g_bytes_get_data (sfdp, NULL), len);
  data[bfpt_at + 2 * 4 + 1] = 0x6c;  /* 1-4-4 read at 6Ch, not EBh */
  assert_sfdp_refused (data, len, "1-4-4 read at 6Ch, the model has it at EBh");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/desc-import/onfi/round-trip", test_round_trip_every_onfi_part);
  g_test_add_func ("/desc-import/onfi/ext-param-page", test_round_trip_ext_param_page);
  g_test_add_func ("/desc-import/onfi/redundant-copies", test_redundant_copies);
  g_test_add_func ("/desc-import/onfi/hostile", test_hostile_pages);
  g_test_add_func ("/desc-import/onfi/hostile-ext", test_hostile_ext_page);
  g_test_add_func ("/desc-import/jedec/round-trip", test_jedec_round_trip);
  g_test_add_func ("/desc-import/jedec/copies-and-hostile", test_jedec_copies_and_hostile);
  g_test_add_func ("/desc-import/sfdp/round-trip", test_sfdp_round_trip);
  g_test_add_func ("/desc-import/sfdp/hostile", test_sfdp_hostile);
  return g_test_run ();
}
