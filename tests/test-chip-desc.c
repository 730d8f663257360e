/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Descriptor loading: every shipped chip loads, and every kind of mistake in
 * a descriptor is refused with a message naming the file, key and reason. */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

/* The NAND-style array a NOR part's cells live in, as fm-nor.h expects:
 * one page per program buffer, one block per smallest erase sector. */
static void
assert_nor_geometry (const FmChipDesc *d)
{
  const FmNorDesc *n = &d->nor;
  guint64 regions = 0;

  g_assert_true (d->type == FM_CHIP_NOR_CFI || d->type == FM_CHIP_SPI_NOR);
  g_assert_cmpuint (fm_chip_desc_size_bytes (d), ==, n->size);
  g_assert_cmpuint (d->page_size, ==, n->program_buffer);
  g_assert_cmpuint (d->oob_size, ==, 0);
  g_assert_cmpuint ((guint64) d->pages_per_block * d->page_size, ==, n->granule);
  g_assert_cmpuint (d->pages_per_block, <=, G_MAXUINT16);
  g_assert_cmpuint ((guint64) d->blocks_per_lun * n->granule, ==, n->size);
  g_assert_cmpuint (d->luns, ==, 1);
  g_assert_cmpuint (d->planes, ==, 1);
  g_assert_cmpuint (d->bus_width, ==, 8);
  g_assert_false (d->small_page);
  g_assert_cmpuint (d->nop, ==, 0);
  g_assert_false (d->sequential_program);
  g_assert_cmpuint (d->pe_cycles, ==, n->pe_cycles);
  g_assert_cmpuint (d->factory_bad_blocks_max, ==, 0);
  g_assert_cmpuint (d->onfi_version, ==, 0);
  g_assert_cmpuint (d->commands, ==, 0);
  g_assert_cmpfloat (d->bit_errors.rber_fresh, ==, 0);
  g_assert_cmpuint (d->t_r.typ_ns, ==, 0);
  g_assert_cmpuint (d->t_prog.typ_ns, ==, n->t_buffer_program.typ_ns);
  g_assert_cmpuint (d->t_bers.typ_ns, ==, n->t_sector_erase.typ_ns);
  g_assert_cmpuint (n->n_regions, >=, 1);
  for (guint r = 0; r < n->n_regions; r++)
    {
      g_assert_cmpuint (n->regions[r].size % n->granule, ==, 0);
      regions += (guint64) n->regions[r].count * n->regions[r].size;
    }
  g_assert_cmpuint (regions, ==, n->size);
  if (d->type == FM_CHIP_SPI_NOR)
    {
      g_assert_cmpuint (n->n_erase_types, >=, 1);
      g_assert_cmpuint (n->granule, ==, n->erase_types[0].size);
      g_assert_cmpuint (n->t_sector_erase.typ_ns, ==, n->erase_types[0].time.typ_ns);
      g_assert_cmpuint (n->t_chip_erase.typ_ns, >, 0);
      g_assert_cmpuint (n->t_write_status_ns, >, 0);
    }
  else
    {
      g_assert_cmpmem (n->ext_table, 3, "PRI", 3);
      g_assert_cmpuint (n->bus_widths & ~24u, ==, 0);
    }
}

static void
test_shipped_chips_load (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);
  guint n;

  g_assert_no_error (error);
  n = g_strv_length (names);
  g_assert_cmpuint (n, >=, 6);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (FmChipDesc) d = fm_test_chip (names[i]);

      g_test_message ("%s: %s %s", d->name, d->vendor, d->part);
      g_assert_cmpstr (d->name, ==, names[i]);
      g_assert_cmpuint (d->id_len, >=, 2);
      g_assert_cmpuint (fm_chip_desc_size_bytes (d), >, 0);
      g_assert_cmpuint (d->t_prog.typ_ns, >, d->t_r.typ_ns);
      g_assert_cmpuint (d->t_bers.typ_ns, >, d->t_r.typ_ns);
      if (fm_chip_desc_is_nor (d))
        assert_nor_geometry (d);
      else
        g_assert_cmpuint (d->t_r.typ_ns, >, 0);
    }
}

static void
test_catalog_has_required_kinds (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);
  gboolean mlc_paired = FALSE, small_page = FALSE;
  guint amd = 0, intel = 0, spi = 0, spi_4b = 0;

  g_assert_no_error (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) d = fm_test_chip (names[i]);

      if (d->type == FM_CHIP_NAND_MLC && d->pairing != FM_PAIRING_NONE && d->page_size >= 4096)
        mlc_paired = TRUE;
      if (d->small_page && d->page_size == 512 && d->oob_size == 16)
        small_page = TRUE;
      if (d->type == FM_CHIP_NOR_CFI)
        d->nor.cfi_command_set == FM_CFI_CMDSET_AMD ? amd++ : intel++;
      if (d->type == FM_CHIP_SPI_NOR)
        d->nor.four_byte ? spi_4b++ : spi++;
    }
  g_assert_true (mlc_paired);
  g_assert_true (small_page);
  g_assert_cmpuint (amd, >=, 1);
  g_assert_cmpuint (intel, >=, 1);
  g_assert_cmpuint (spi, >=, 1);
  g_assert_cmpuint (spi_4b, >=, 1);
}

static void
test_micron_mt29f4g (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-mt29f4g");
  static const guint8 id[] = { 0x2c, 0xdc, 0x90, 0x95, 0x56 };

  g_assert_cmpmem (d->id, d->id_len, id, sizeof id);
  g_assert_cmpuint (d->page_size, ==, 2048);
  g_assert_cmpuint (d->oob_size, ==, 64);
  g_assert_cmpuint (d->pages_per_block, ==, 64);
  g_assert_cmpuint (d->blocks_per_lun, ==, 4096);
  g_assert_cmpuint (d->luns, ==, 1);
  g_assert_cmpuint (d->planes, ==, 2);
  g_assert_cmpuint (d->bus_width, ==, 8);
  g_assert_cmpuint (d->onfi_version, ==, 10);
  g_assert_cmpuint (fm_chip_desc_size_bytes (d), ==, G_GUINT64_CONSTANT (512) * 1024 * 1024);
  g_assert_cmpuint (fm_chip_desc_col_cycles (d), ==, 2);
  g_assert_cmpuint (fm_chip_desc_row_cycles (d), ==, 3);
  g_assert_false (d->small_page);
}

static void
test_lookup_errors (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (fm_chip_desc_lookup ("no-such-chip", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-chip"));
  g_clear_error (&error);

  g_assert_null (fm_chip_desc_lookup ("../etc/passwd", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_null (fm_chip_desc_lookup ("bad name!", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_FOUND);
}

static void
test_name_must_match_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *dir = g_dir_make_tmp ("fm-desc-XXXXXX", &error);
  g_autofree gchar *path = g_build_filename (dir, "other-name.ini", NULL);
  g_autofree gchar *text = fm_test_tiny_text_with ("chip", "name", "name=test-tiny");

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_null (fm_chip_desc_load_file (path, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "[chip] name"));
  g_unlink (path);
  g_rmdir (dir);
}

/* One mistake per row: the group and key edited, the replacement line
 * ("" deletes the key) and words the message must contain. */
typedef struct {
  const gchar *group, *key, *line, *expect;
} BadCase;

static const BadCase bad_cases[] = {
  { "chip", "name", "", "[chip] name: required key is missing" },
  { "chip", "name", "name=Bad Name", "[chip] name" },
  /* An image's header holds 63 characters and a NUL. */
  { "chip", "name", "name=" "0123456789012345678901234567890123456789012345678901234567890123",
    "[chip] name: longer than 63 characters" },
  { "chip", "type", "type=nand-tlc", "unknown chip type" },
  { "chip", "vendor", "vendor=", "[chip] vendor: empty value" },
  { "chip", "bogus", "bogus=1", "[chip] bogus: unknown key" },
  { "nonsense", "x", "x=1", "[nonsense]: unknown group" },
  { "id", "bytes", "bytes=2c", "[id] bytes: needs at least 2" },
  { "id", "bytes", "bytes=2c;zz", "[id] bytes: 'zz' is not a byte" },
  { "id", "bytes", "bytes=1;2;3;4;5;6;7;8;9", "more than 8" },
  { "geometry", "page-size", "page-size=3000", "[geometry] page-size: 3000 is not a power of two" },
  { "geometry", "page-size", "page-size=256", "out of range" },
  { "geometry", "page-size", "page-size=two", "is not a non-negative integer" },
  { "geometry", "oob-size", "oob-size=4096", "must be smaller than page-size" },
  { "geometry", "pages-per-block", "pages-per-block=48", "not a power of two" },
  { "geometry", "planes", "planes=3", "[geometry] planes" },
  { "geometry", "blocks-per-lun", "blocks-per-lun=63", "not a multiple of planes" },
  { "geometry", "bus-width", "bus-width=12", "must be 8 or 16" },
  /* the tiny part has an ONFI page, which states the requirement */
  { "ecc-requirement", "bits", "bits=4", "[ecc-requirement] bits: the part's ONFI page states it: [onfi] ecc-bits" },
  { "ecc-requirement", "codeword-size", "codeword-size=256", "[ecc-requirement] codeword-size" },
  { "geometry", "luns", "luns=0", "out of range" },
  { "commands", "optional", "optional=teleport", "[commands] optional: unknown value 'teleport'" },
  { "onfi", "version", "version=9.9", "unknown ONFI version" },
  { "onfi", "timing-modes", "timing-modes=1;2", "timing mode 0" },
  { "onfi", "timing-modes", "timing-modes=0;7", "does not exist" },
  { "onfi", "model", "model=THIS-MODEL-NAME-IS-TOO-LONG", "longer than 20" },
  { "onfi", "jedec-id", "", "[onfi] jedec-id: required key is missing" },
  { "timing", "tR-typ-us", "", "[timing] tR-typ-us: required key is missing" },
  { "timing", "tPROG-max-us", "tPROG-max-us=100", "below the typical" },
  { "timing", "tBERS-typ-us", "tBERS-typ-us=fast", "is not a number" },
  { "timing", "tCBSY-typ-us", "", "[timing] tCBSY-typ-us: required key is missing" },
  { "reliability", "nop", "nop=0", "[reliability] nop: 0 is out of range" },
  { "reliability", "sequential-program", "sequential-program=yes", "is not true or false" },
  { "reliability", "factory-bad-blocks-max", "factory-bad-blocks-max=64", "guaranteed valid blocks" },
  { "reliability", "bad-block-marker-offset", "bad-block-marker-offset=64", "outside the spare area" },
  { "reliability", "bad-block-marker-pages", "bad-block-marker-pages=middle", "unknown value 'middle'" },
  { "reliability", "wearout-shape", "wearout-shape=-1", "out of range" },
  { "mlc", "pairing", "pairing=dist3", "only nand-mlc parts" },
};

static void
test_bad_descriptor (gconstpointer data)
{
  const BadCase *c = data;
  g_autofree gchar *text = fm_test_tiny_text_with (c->group, c->key, c->line);
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (text, "bad.ini", &error);

  g_assert_null (d);
  g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "bad.ini: "));
  g_assert_nonnull (strstr (error->message, c->expect));
}

static void
test_mlc_needs_pairing (void)
{
  g_autofree gchar *text = fm_test_tiny_text_with ("chip", "type", "type=nand-mlc");
  g_autoptr (GError) error = NULL;

  g_assert_null (fm_chip_desc_load_data (text, "mlc.ini", &error));
  g_assert_nonnull (strstr (error->message, "[mlc]"));
}

/* A NAND descriptor's groups turned NOR: the NAND groups are refused
 * before anything else is read. */
static void
test_nand_groups_in_nor (void)
{
  g_autofree gchar *text = fm_test_tiny_text_with ("chip", "type", "type=nor-cfi");
  g_autoptr (GError) error = NULL;

  g_assert_null (fm_chip_desc_load_data (text, "nor.ini", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
  g_assert_cmpstr (error->message, ==, "nor.ini: [id]: a NAND group, not allowed in a nor-cfi descriptor");
}

/* ---- NOR parts -------------------------------------------------------- */

static void
test_spansion_s29gl128p (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("spansion-s29gl128p");
  const FmNorDesc *n = &d->nor;
  static const guint8 id[] = { 0x01, 0x7e, 0x21, 0x01 };
  static const guint8 pri[] = { 0x50, 0x52, 0x49, 0x31, 0x33, 0x14, 0x02, 0x01, 0x00,
                                0x08, 0x00, 0x00, 0x02, 0xb5, 0xc5, 0x05, 0x01 };

  g_assert_cmpint (d->type, ==, FM_CHIP_NOR_CFI);
  assert_nor_geometry (d);
  /* 128 uniform 128 KiB sectors, programmed through a 64-byte buffer. */
  g_assert_cmpuint (d->blocks_per_lun, ==, 128);
  g_assert_cmpuint (d->page_size, ==, 64);
  g_assert_cmpuint (d->pages_per_block, ==, 2048);
  g_assert_cmpuint (d->oob_size, ==, 0);
  g_assert_cmpuint (n->granule, ==, 128 * 1024);
  g_assert_cmpuint (n->n_regions, ==, 1);
  g_assert_cmpuint (n->regions[0].count, ==, 128);
  g_assert_cmpuint (fm_chip_desc_size_bytes (d), ==, 16 * 1024 * 1024);
  g_assert_cmpmem (d->id, d->id_len, id, sizeof id);
  g_assert_cmphex (n->cfi_command_set, ==, FM_CFI_CMDSET_AMD);
  g_assert_cmphex (n->manufacturer_id, ==, 0x0001);
  g_assert_cmpuint (n->n_device_ids, ==, 3);
  g_assert_cmphex (n->device_id[0], ==, 0x227e);
  g_assert_cmphex (n->device_id[1], ==, 0x2221);
  g_assert_cmphex (n->device_id[2], ==, 0x2201);
  g_assert_cmpuint (n->bus_widths, ==, 8 | 16);
  g_assert_cmphex (n->vcc_min, ==, 0x27);
  g_assert_cmphex (n->vcc_max, ==, 0x36);
  g_assert_cmphex (n->vpp_min, ==, 0);
  g_assert_cmphex (n->ext_table_addr, ==, 0x40);
  g_assert_cmpmem (n->ext_table, n->ext_table_len, pri, sizeof pri);
  g_assert_cmpuint (d->t_prog.typ_ns, ==, 480000);
  g_assert_cmpuint (d->t_bers.typ_ns, ==, 500000000);
  g_assert_cmpuint (d->t_bers.max_ns, ==, G_GUINT64_CONSTANT (3500000000));
  g_assert_cmpuint (n->t_chip_erase.typ_ns, ==, G_GUINT64_CONSTANT (64000000000));
  g_assert_cmpuint (n->t_word_program.typ_ns, ==, 60000);
}

static void
test_micron_js28f128j3d (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("micron-js28f128j3d");
  const FmNorDesc *n = &d->nor;
  static const guint8 id[] = { 0x89, 0x18 };

  g_assert_cmpint (d->type, ==, FM_CHIP_NOR_CFI);
  assert_nor_geometry (d);
  g_assert_cmpuint (d->blocks_per_lun, ==, 128);
  g_assert_cmpuint (d->page_size, ==, 32);
  g_assert_cmpuint (d->pages_per_block, ==, 4096);
  g_assert_cmpmem (d->id, d->id_len, id, sizeof id);
  g_assert_cmphex (n->cfi_command_set, ==, FM_CFI_CMDSET_INTEL);
  g_assert_cmphex (n->manufacturer_id, ==, 0x0089);
  g_assert_cmpuint (n->n_device_ids, ==, 1);
  g_assert_cmphex (n->device_id[0], ==, 0x0018);
  g_assert_cmphex (n->ext_table_addr, ==, 0x31);
  g_assert_cmpuint (n->ext_table_len, ==, 0x45 - 0x31 + 1);
  g_assert_cmpmem (n->ext_table, 5, "PRI11", 5);
  /* The J3 has no chip erase. */
  g_assert_cmpuint (n->t_chip_erase.typ_ns, ==, 0);
  g_assert_cmpuint (d->t_bers.typ_ns, ==, 1000000000);
}

static void
test_winbond_w25q128jv (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("winbond-w25q128jv");
  const FmNorDesc *n = &d->nor;
  static const guint8 id[] = { 0xef, 0x40, 0x18 };

  g_assert_cmpint (d->type, ==, FM_CHIP_SPI_NOR);
  assert_nor_geometry (d);
  g_assert_cmpuint (d->blocks_per_lun, ==, 4096);
  g_assert_cmpuint (d->page_size, ==, 256);
  g_assert_cmpuint (d->pages_per_block, ==, 16);
  g_assert_cmpmem (d->id, d->id_len, id, sizeof id);
  g_assert_cmpuint (n->n_regions, ==, 1);
  g_assert_cmpuint (n->regions[0].count, ==, 4096);
  g_assert_cmpuint (n->regions[0].size, ==, 4096);
  g_assert_cmpuint (n->n_erase_types, ==, 3);
  g_assert_cmpuint (n->erase_types[0].size, ==, 4096);
  g_assert_cmphex (n->erase_types[0].opcode, ==, 0x20);
  g_assert_cmpuint (n->erase_types[0].time.typ_ns, ==, 45000000);
  g_assert_cmpuint (n->erase_types[0].time.max_ns, ==, 400000000);
  g_assert_cmpuint (n->erase_types[1].size, ==, 32768);
  g_assert_cmphex (n->erase_types[1].opcode, ==, 0x52);
  g_assert_cmpuint (n->erase_types[2].size, ==, 65536);
  g_assert_cmphex (n->erase_types[2].opcode, ==, 0xd8);
  g_assert_cmphex (n->erase_types[2].opcode_4b, ==, 0);
  g_assert_false (n->four_byte);
  g_assert_cmpuint (n->read_modes, ==, FM_SPI_READ_1_1_2 | FM_SPI_READ_1_2_2 |
                                       FM_SPI_READ_1_1_4 | FM_SPI_READ_1_4_4);
  g_assert_cmpuint (n->read_dummy_clocks[0], ==, 8);
  g_assert_cmpuint (n->read_dummy_clocks[1], ==, 4);
  g_assert_cmpuint (n->read_dummy_clocks[2], ==, 8);
  g_assert_cmpuint (n->read_dummy_clocks[3], ==, 6);
  g_assert_cmpuint (n->bp_bits, ==, 3);
  g_assert_true (n->tb_bit);
  g_assert_cmpint (n->quad_enable, ==, FM_SPI_QE_SR2_BIT1);
  g_assert_cmpuint (n->t_write_status_ns, ==, 10000000);
  g_assert_cmpuint (d->t_prog.typ_ns, ==, 700000);
}

static void
test_macronix_mx25l25645g (void)
{
  g_autoptr (FmChipDesc) d = fm_test_chip ("macronix-mx25l25645g");
  const FmNorDesc *n = &d->nor;
  static const guint8 id[] = { 0xc2, 0x20, 0x19 };

  g_assert_cmpint (d->type, ==, FM_CHIP_SPI_NOR);
  assert_nor_geometry (d);
  g_assert_cmpuint (fm_chip_desc_size_bytes (d), ==, 32 * 1024 * 1024);
  g_assert_cmpuint (d->blocks_per_lun, ==, 8192);
  g_assert_cmpmem (d->id, d->id_len, id, sizeof id);
  g_assert_true (n->four_byte);
  g_assert_cmpuint (n->n_erase_types, ==, 3);
  g_assert_cmphex (n->erase_types[0].opcode_4b, ==, 0x21);
  g_assert_cmphex (n->erase_types[1].opcode_4b, ==, 0x5c);
  g_assert_cmphex (n->erase_types[2].opcode_4b, ==, 0xdc);
  g_assert_cmpuint (n->bp_bits, ==, 4);
  g_assert_false (n->tb_bit);
  g_assert_cmpint (n->quad_enable, ==, FM_SPI_QE_SR1_BIT6);
}

/* The made-up NOR parts (fm-test-util.h) are what the broken descriptors
 * below are edits of. */
/* An SPI part whose only erase is 128 KiB. */
static const gchar spi_big_sector_text[] =
  "[chip]\n"
  "name=test-spi-big\nvendor=Test\npart=T25Q2M\ntype=spi-nor\ndatasheet=none\n"
  "[nor]\n"
  "size=262144\nprogram-buffer=256\npe-cycles=100000\n"
  "[nor-timing]\n"
  "word-program-typ-us=30\nword-program-max-us=50\n"
  "buffer-program-typ-us=400\nbuffer-program-max-us=3000\n"
  "chip-erase-typ-ms=200\nchip-erase-max-ms=1000\n"
  "[spi]\n"
  "jedec-id=ef;40;12\n"
  "erase-types=131072@0xd8:150:2000\n";


static void
test_nor_base_texts (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) cfi = fm_chip_desc_load_data (fm_test_nor_cfi_text, "cfi.ini", &error);
  g_autoptr (FmChipDesc) spi = NULL;
  g_autofree gchar *hex = fm_test_text_with (fm_test_nor_cfi_text, "nor", "erase-regions", "erase-regions=8x0x2000; 3x0x10000");
  g_autoptr (FmChipDesc) cfi_hex = NULL;

  g_assert_no_error (error);
  assert_nor_geometry (cfi);
  /* Boot sectors: the 8 KiB sector is the array's block, a 64 KiB sector
   * eight of them. */
  g_assert_cmpuint (cfi->nor.granule, ==, 8192);
  g_assert_cmpuint (cfi->blocks_per_lun, ==, 32);
  g_assert_cmpuint (cfi->pages_per_block, ==, 128);
  g_assert_cmpuint (cfi->nor.n_regions, ==, 2);
  g_assert_cmpuint (cfi->nor.t_suspend_ns, ==, 20000);

  spi = fm_chip_desc_load_data (fm_test_nor_spi_text, "spi.ini", &error);
  g_assert_no_error (error);
  assert_nor_geometry (spi);
  /* Erase types come sorted by size; the defaults fill the rest. */
  g_assert_cmpuint (spi->nor.erase_types[0].size, ==, 4096);
  g_assert_cmpuint (spi->nor.erase_types[1].size, ==, 32768);
  g_assert_cmpuint (spi->blocks_per_lun, ==, 16);
  g_assert_cmpuint (spi->nor.bp_bits, ==, 3);
  g_assert_cmpint (spi->nor.quad_enable, ==, FM_SPI_QE_NONE);
  g_assert_cmpuint (spi->nor.read_modes, ==, 0);
  g_assert_cmpuint (spi->nor.t_write_status_ns, ==, 10000000);
  g_assert_cmpfloat (spi->wearout_shape, ==, 4.0);

  cfi_hex = fm_chip_desc_load_data (hex, "hex.ini", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (cfi_hex->nor.regions, sizeof cfi_hex->nor.regions,
                   cfi->nor.regions, sizeof cfi->nor.regions);
}

/* One mistake per row, as bad_cases, on BASE; an optional second edit. */
typedef struct {
  const gchar *base;
  const gchar *group, *key, *line;
  const gchar *group2, *key2, *line2;
  const gchar *expect;
} BadNorCase;

#define CFI(g, k, l, e) { fm_test_nor_cfi_text, g, k, l, NULL, NULL, NULL, e }
#define SPI(g, k, l, e) { fm_test_nor_spi_text, g, k, l, NULL, NULL, NULL, e }
#define NAND(g, k, l, e) { NULL, g, k, l, NULL, NULL, NULL, e }

static const BadNorCase bad_nor_cases[] = {
  /* families */
  CFI ("geometry", "page-size", "page-size=2048", "[geometry]: a NAND group, not allowed in a nor-cfi descriptor"),
  CFI ("reliability", "nop", "nop=1", "[reliability]: a NAND group, not allowed in a nor-cfi descriptor"),
  SPI ("bit-errors", "rber-fresh", "rber-fresh=0", "[bit-errors]: a NAND group, not allowed in a spi-nor descriptor"),
  SPI ("id", "bytes", "bytes=ef;40;10", "[id]: a NAND group, not allowed in a spi-nor descriptor"),
  CFI ("spi", "jedec-id", "jedec-id=ef;40;18", "[spi]: a spi-nor group, not allowed in a nor-cfi descriptor"),
  CFI ("chip", "type", "type=spi-nor", "[cfi]: a nor-cfi group, not allowed in a spi-nor descriptor"),
  NAND ("nor", "size", "size=65536", "[nor]: a NOR group, not allowed in a nand-slc descriptor"),
  NAND ("nor-timing", "suspend-us", "suspend-us=20", "[nor-timing]: a NOR group, not allowed in a nand-slc descriptor"),
  NAND ("cfi", "command-set", "command-set=2", "[cfi]: a nor-cfi group, not allowed in a nand-slc descriptor"),
  NAND ("spi", "four-byte", "four-byte=true", "[spi]: a spi-nor group, not allowed in a nand-slc descriptor"),
  CFI ("nor", "bogus", "bogus=1", "[nor] bogus: unknown key"),
  /* [nor] */
  CFI ("nor", "size", "", "[nor] size: required key is missing"),
  CFI ("nor", "size", "size=300000", "[nor] size: 300000 is not a power of two"),
  CFI ("nor", "size", "size=1024", "[nor] size: 1024 is out of range"),
  CFI ("nor", "erase-regions", "", "[nor] erase-regions: required key is missing"),
  CFI ("nor", "erase-regions", "erase-regions=64x8192", "[nor] erase-regions: the regions add up to 524288 bytes, not the size 262144"),
  CFI ("nor", "erase-regions", "erase-regions=8x8192;3*65536", "[nor] erase-regions: '3*65536' is not COUNTxSIZE"),
  CFI ("nor", "erase-regions", "erase-regions=1024x100;3x65536", "[nor] erase-regions: '1024x100': the sector size must be a multiple of 256"),
  CFI ("nor", "erase-regions", "erase-regions=0x8192", "[nor] erase-regions: '0x8192' is not COUNTxSIZE"),
  CFI ("nor", "erase-regions", "erase-regions=1x12288;1x20480;1x229376",
       "[nor] erase-regions: 20480-byte sectors are not a multiple of the smallest (12288 bytes)"),
  CFI ("nor", "erase-regions", "erase-regions=1x8192;1x8192;1x16384;1x32768;3x65536", "[nor] erase-regions: more than 4 regions"),
  CFI ("nor", "program-buffer", "program-buffer=48", "[nor] program-buffer: 48 is not a power of two"),
  CFI ("nor", "program-buffer", "program-buffer=8192", "[nor] program-buffer: 8192 is out of range [1, 4096]"),
  CFI ("nor", "program-buffer", "program-buffer=1", "[nor] program-buffer: a 16-bit part programs at least one 2-byte word"),
  { fm_test_nor_cfi_text, "nor", "erase-regions", "erase-regions=1024x256", "nor", "program-buffer", "program-buffer=512",
    "[nor] program-buffer: 512 bytes do not divide the smallest erase sector (256 bytes)" },
  { spi_big_sector_text, "nor", "program-buffer", "program-buffer=1", NULL, NULL, NULL,
    "[nor] program-buffer: 131072 program buffers per erase sector: more than 65535" },
  CFI ("nor", "pe-cycles", "pe-cycles=0", "[nor] pe-cycles: 0 is out of range"),
  CFI ("nor", "wearout-shape", "wearout-shape=0", "[nor] wearout-shape: 0 is out of range"),
  /* [nor-timing] */
  CFI ("nor-timing", "word-program-max-us", "word-program-max-us=10", "[nor-timing] word-program-max-us: 10 is below the typical 60"),
  CFI ("nor-timing", "buffer-program-typ-us", "", "[nor-timing] buffer-program-typ-us: required key is missing"),
  CFI ("nor-timing", "sector-erase-typ-ms", "", "[nor-timing] sector-erase-typ-ms: required key is missing"),
  CFI ("nor-timing", "chip-erase-typ-ms", "", "[nor-timing] chip-erase-typ-ms: required when chip-erase-max-ms is given"),
  CFI ("nor-timing", "write-status-typ-ms", "write-status-typ-ms=10",
       "[nor-timing] write-status-typ-ms: only spi-nor parts have a status register write time"),
  CFI ("nor-timing", "suspend-us", "suspend-us=soon", "[nor-timing] suspend-us: 'soon' is not a number"),
  SPI ("nor-timing", "sector-erase-typ-ms", "sector-erase-typ-ms=45",
       "[nor-timing] sector-erase-typ-ms: spi-nor parts give erase times per erase type in [spi] erase-types"),
  SPI ("nor-timing", "chip-erase-typ-ms", "", "[nor-timing] chip-erase-typ-ms: required key is missing"),
  SPI ("nor-timing", "write-status-max-ms", "write-status-max-ms=15",
       "[nor-timing] write-status-typ-ms: required when write-status-max-ms is given"),
  /* [cfi] */
  CFI ("cfi", "command-set", "command-set=0x0003", "[cfi] command-set: 0x0003 is not modelled"),
  CFI ("cfi", "bus-widths", "bus-widths=8;32", "[cfi] bus-widths: 32 is not 8 or 16"),
  CFI ("cfi", "bus-widths", "bus-widths=", "[cfi] bus-widths: empty value"),
  CFI ("cfi", "manufacturer-id", "", "[cfi] manufacturer-id: required key is missing"),
  CFI ("cfi", "device-id", "device-id=0x227e", "[cfi] device-id: 0x227e announces an extended ID"),
  CFI ("cfi", "device-id", "device-id=0x22c4;0x2221;0x2201", "[cfi] device-id: only an xx7Eh first word"),
  CFI ("cfi", "device-id", "device-id=0x10000", "[cfi] device-id: 0x10000 is above 65535"),
  CFI ("cfi", "device-id", "device-id=1;2;3;4", "[cfi] device-id: more than 3 values"),
  CFI ("cfi", "command-set", "command-set=0x0001", "[cfi] device-id: Intel command set parts have one device ID word"),
  CFI ("cfi", "vcc-min-mv", "vcc-min-mv=2750", "[cfi] vcc-min-mv: 2750 mV is not whole tenths of a volt"),
  CFI ("cfi", "vcc-max-mv", "vcc-max-mv=2500", "[cfi] vcc-max-mv: below vcc-min-mv"),
  CFI ("cfi", "vpp-min-mv", "vpp-min-mv=11500", "[cfi] vpp-max-mv: give both Vpp limits"),
  CFI ("cfi", "primary-table", "primary-table=50;52;58;31;33", "[cfi] primary-table: must start with 50;52;49"),
  CFI ("cfi", "primary-table", "primary-table=50;52;49;01;03", "[cfi] primary-table: bytes 3 and 4 are the version in ASCII digits"),
  CFI ("cfi", "primary-table", "primary-table=50;52;49;31;3g", "[cfi] primary-table: '3g' is not a byte"),
  CFI ("cfi", "primary-table", "", "[cfi] primary-table: required key is missing"),
  CFI ("cfi", "primary-table-address", "primary-table-address=0x31",
       "[cfi] primary-table-address: 0x31 overlaps the erase region information (up to 0x34)"),
  CFI ("cfi", "primary-table-address", "primary-table-address=0xf8", "[cfi] primary-table: 16 bytes from 0xf8 run past"),
  /* [spi] */
  SPI ("spi", "jedec-id", "jedec-id=ef;40", "[spi] jedec-id: needs at least 3 values"),
  SPI ("nor", "size", "size=33554432", "[spi] four-byte: required above 16 MiB"),
  SPI ("nor", "erase-regions", "erase-regions=16x4096", "[nor] erase-regions: spi-nor parts describe their erase in [spi] erase-types"),
  SPI ("spi", "erase-types", "", "[spi] erase-types: required key is missing"),
  SPI ("spi", "erase-types", "erase-types=4096@0x20/0x21:45:400", "[spi] erase-types: 4-byte opcode 0x21 needs four-byte=true"),
  SPI ("spi", "erase-types", "erase-types=4096@0x20:45", "[spi] erase-types: '4096@0x20:45' is not SIZE@OPCODE"),
  SPI ("spi", "erase-types", "erase-types=3000@0x20:45:400", "[spi] erase-types: '3000@0x20:45:400': the size must be a power of two"),
  SPI ("spi", "erase-types", "erase-types=4096@0x120:45:400", "[spi] erase-types: '4096@0x120:45:400': opcodes are bytes"),
  /* No opcode at all: found by fuzz-chip-desc (a NULL parsed, SIGSEGV). */
  SPI ("spi", "erase-types", "erase-types=32768@:250:1600", "[spi] erase-types: '32768@:250:1600': opcodes are bytes"),
  SPI ("spi", "erase-types", "erase-types=4096@0x20:400:45", "[spi] erase-types: '4096@0x20:400:45': the maximum 45 ms is below the typical 400 ms"),
  SPI ("spi", "erase-types", "erase-types=4096@0x20:fast:400", "[spi] erase-types: '4096@0x20:fast:400': the times are milliseconds"),
  SPI ("spi", "erase-types", "erase-types=4096@0x20:45:400;4096@0x21:45:400", "[spi] erase-types: two erase types of 4096 bytes"),
  SPI ("spi", "erase-types", "erase-types=4096@0x20:45:400;32768@0x20:120:1600", "[spi] erase-types: opcode used twice"),
  SPI ("spi", "erase-types", "erase-types=131072@0xd8:150:2000", "[spi] erase-types: 131072 bytes is more than the part (65536)"),
  SPI ("spi", "erase-types", "erase-types=256@1:1:1;512@2:1:1;1024@3:1:1;2048@4:1:1;4096@5:1:1", "[spi] erase-types: more than 4 erase types"),
  SPI ("spi", "read-modes", "read-modes=1-1-8:8", "[spi] read-modes: '1-1-8:8' is not MODE:DUMMY-CLOCKS"),
  SPI ("spi", "read-modes", "read-modes=1-1-2", "[spi] read-modes: '1-1-2' is not MODE:DUMMY-CLOCKS"),
  SPI ("spi", "read-modes", "read-modes=1-1-2:8;1-1-2:4", "[spi] read-modes: 1-1-2 given twice"),
  SPI ("spi", "read-modes", "read-modes=1-4-4:40", "[spi] read-modes: '1-4-4:40': more than 32 dummy clocks"),
  SPI ("spi", "four-byte", "four-byte=yes", "[spi] four-byte: 'yes' is not true or false"),
  SPI ("spi", "block-protect-bits", "block-protect-bits=5", "[spi] block-protect-bits: 5 is out of range [0, 4]"),
  SPI ("spi", "quad-enable", "quad-enable=sr3-bit1", "[spi] quad-enable: 'sr3-bit1' is not none, sr2-bit1 or sr1-bit6"),
  { fm_test_nor_spi_text, "spi", "block-protect-bits", "block-protect-bits=4", "spi", "quad-enable", "quad-enable=sr1-bit6",
    "[spi] quad-enable: sr1-bit6 collides with the protection bits (bits 2-6)" },
};

/* A made-up SPI NAND part, Winbond-like: the base of the cases below. */
static const gchar spi_nand_text[] =
  "[chip]\n"
  "name=test-spi-nand\nvendor=Test\npart=T25N01\ntype=spi-nand\ndatasheet=none\n"
  "[id]\nbytes=ef;aa;21\n"
  "[geometry]\npage-size=2048\noob-size=64\npages-per-block=64\nblocks-per-lun=1024\n"
  "[timing]\ntR-typ-us=25\ntR-max-us=25\ntR-ECC-typ-us=60\ntR-ECC-max-us=60\n"
  "tPROG-typ-us=250\ntPROG-max-us=700\ntBERS-typ-us=2000\ntBERS-max-us=10000\n"
  "[reliability]\nnop=4\nsequential-program=true\npe-cycles=100000\nfactory-bad-blocks-max=20\n"
  "bad-block-marker-offset=0\nbad-block-marker-pages=first\n"
  "[on-die-ecc]\nstrength=1\necc-regions=8+8;24+8;40+8;56+8\nfree-regions=2+6;18+6;34+6;50+6\n"
  "protected-regions=4+4;20+4;36+4;52+4\n"
  "[spi-nand]\nread-id=dummy\necc-status=spinand-default\n"
  "read-from-cache=1-1-1:1;1-1-1-fast:1;1-1-2:1;1-2-2:1;1-1-4:1;1-4-4:2\nprogram-load=1-1-1;1-1-4\n"
  "configuration-reset=0x18\nbuffer-read-bit=3\n"
  "continuous-read=1-1-1:3;1-1-1-fast:4;1-1-2:4;1-2-2:3;1-1-4:4;1-4-4:4\n"
  "protection-reset=0x7c\nblock-protect-bits=4\n"
  "top-bottom-bit=2\nprotect-first-fraction=512\n";

#define SNAND(g, k, l, e) { spi_nand_text, g, k, l, NULL, NULL, NULL, e }

static const BadNorCase bad_spi_nand_cases[] = {
  /* families */
  SNAND ("commands", "optional", "optional=copyback", "[commands]: a raw NAND group, not allowed in a spi-nand descriptor"),
  SNAND ("mlc", "pairing", "pairing=dist3", "[mlc]: a raw NAND group, not allowed in a spi-nand descriptor"),
  SNAND ("spi", "four-byte", "four-byte=true", "[spi]: a spi-nor group, not allowed in a spi-nand descriptor"),
  NAND ("spi-nand", "read-id", "read-id=dummy", "[spi-nand]: a spi-nand group, not allowed in a nand-slc descriptor"),
  SNAND ("spi-nand", "bogus", "bogus=1", "[spi-nand] bogus: unknown key"),
  { spi_nand_text, "chip", "type", "type=nand-slc", "spi-nand", "read-id", "read-id=dummy",
    "[spi-nand]: a spi-nand group, not allowed in a nand-slc descriptor" },
  /* [geometry] */
  SNAND ("geometry", "bus-width", "bus-width=16", "[geometry] bus-width: SPI NAND parts are modelled with one LUN"),
  SNAND ("geometry", "luns", "luns=2", "[geometry] luns: SPI NAND parts are modelled with one LUN"),
  { spi_nand_text, "geometry", "page-size", "page-size=32768", "geometry", "planes", "planes=2",
    "[geometry] planes: 2 planes of 32768-byte pages do not fit a 16-bit column address" },
  /* [on-die-ecc] */
  SNAND ("on-die-ecc", "strength", "strength=2", "[on-die-ecc] strength: 2 is not 1, 4 or 8"),
  SNAND ("on-die-ecc", "feature-address", "feature-address=0x90",
         "[on-die-ecc] feature-address: raw NAND only: SPI NAND parts switch their ECC with ECC_EN (B0h bit 4)"),
  SNAND ("on-die-ecc", "free-regions", "", "[on-die-ecc] free-regions: required with ecc-regions"),
  SNAND ("on-die-ecc", "ecc-regions", "ecc-regions=8-8", "[on-die-ecc] ecc-regions: '8-8' is not OFFSET+LENGTH"),
  SNAND ("on-die-ecc", "ecc-regions", "ecc-regions=8+8;24+8;40+8;60+8", "[on-die-ecc] ecc-regions: '60+8' ends past the 64-byte spare area"),
  SNAND ("on-die-ecc", "ecc-regions", "ecc-regions=24+8;8+8;40+8;56+8", "[on-die-ecc] ecc-regions: '8+8' overlaps or precedes the region before it"),
  SNAND ("on-die-ecc", "ecc-regions", "ecc-regions=8+8;24+8;40+8;56+6", "[on-die-ecc] ecc-regions: 30 parity bytes do not split evenly among 4 sectors"),
  SNAND ("on-die-ecc", "ecc-regions", "ecc-regions=8+0", "[on-die-ecc] ecc-regions: '8+0' is empty"),
  SNAND ("on-die-ecc", "free-regions", "free-regions=2+8;18+6;34+6;50+6", "[on-die-ecc] free-regions: overlaps the ecc regions"),
  SNAND ("on-die-ecc", "free-regions", "free-regions=0+8;18+6;34+6;50+6", "[on-die-ecc] free-regions: byte 0 holds the bad block marker"),
  SNAND ("on-die-ecc", "free-regions", "free-regions=0+2;18+6;34+6;50+6", "[on-die-ecc] protected-regions: must lie in the free regions"),
  SNAND ("on-die-ecc", "protected-regions", "protected-regions=4+4;20+4;36+3", "[on-die-ecc] protected-regions: 11 bytes do not split evenly among 4 sectors"),
  { spi_nand_text, "on-die-ecc", "ecc-regions", "", "on-die-ecc", "free-regions", "free-regions=0+64",
    "[on-die-ecc] free-regions: byte 0 holds the bad block marker" },
  { spi_nand_text, "on-die-ecc", "free-regions", "", "on-die-ecc", "protected-regions", "",
    "[on-die-ecc] free-regions: required with ecc-regions" },
  /* [reliability] against the layout */
  SNAND ("reliability", "bad-block-marker-offset", "bad-block-marker-offset=2", "[reliability] bad-block-marker-offset: byte 2 is in a free region"),
  SNAND ("reliability", "bad-block-marker-offset", "bad-block-marker-offset=8", "[reliability] bad-block-marker-offset: byte 8 is in an ecc region"),
  SNAND ("reliability", "bad-block-marker-pages", "bad-block-marker-pages=last",
         "[reliability] bad-block-marker-pages: SPI NAND parts mark the first page"),
  /* [spi-nand] */
  SNAND ("spi-nand", "read-id", "", "[spi-nand] read-id: required key is missing"),
  SNAND ("spi-nand", "read-id", "read-id=twice", "[spi-nand] read-id: 'twice' is not one of opcode, address, dummy"),
  SNAND ("spi-nand", "ecc-status", "ecc-status=winbond", "[spi-nand] ecc-status: 'winbond' is not one of spinand-default, "),
  SNAND ("spi-nand", "ecc-status", "ecc-status=micron-8", "[spi-nand] ecc-status: micron-8 reports a 8-bit ECC, [on-die-ecc] strength is 1"),
  SNAND ("spi-nand", "read-from-cache", "read-from-cache=1-1-4:1", "[spi-nand] read-from-cache: every part has 1-1-1 (03h)"),
  SNAND ("spi-nand", "read-from-cache", "read-from-cache=1-1-1:1;1-8-8:1", "[spi-nand] read-from-cache: '1-8-8:1' is not MODE:DUMMY-BYTES"),
  SNAND ("spi-nand", "read-from-cache", "read-from-cache=1-1-1:5", "[spi-nand] read-from-cache: '1-1-1:5': more than 4 dummy bytes"),
  SNAND ("spi-nand", "read-from-cache", "read-from-cache=1-1-1:1;1-1-1:0", "[spi-nand] read-from-cache: 1-1-1 given twice"),
  SNAND ("spi-nand", "program-load", "program-load=1-1-4", "[spi-nand] program-load: every part has 1-1-1 (02h and 84h)"),
  SNAND ("spi-nand", "program-load", "program-load=1-1-8", "[spi-nand] program-load: unknown value '1-1-8'"),
  SNAND ("spi-nand", "configuration-reset", "", "[spi-nand] configuration-reset: required key is missing"),
  SNAND ("spi-nand", "configuration-reset", "configuration-reset=0x58", "[spi-nand] configuration-reset: 0x58: no part powers up in OTP mode"),
  SNAND ("spi-nand", "configuration-reset", "configuration-reset=0x1c", "[spi-nand] configuration-reset: 0x1c sets bits that are not writable"),
  SNAND ("spi-nand", "configuration-writable", "configuration-writable=0x48", "[spi-nand] configuration-writable: 0x48: OTP_EN (bit 6) and ECC_EN (bit 4) are writable on every part"),
  SNAND ("spi-nand", "configuration-writable", "configuration-writable=0x50", "[spi-nand] configuration-writable: 0x50 leaves out the buffer-read or QE bit"),
  SNAND ("spi-nand", "buffer-read-bit", "buffer-read-bit=4", "[spi-nand] buffer-read-bit: bit 4 is OTP_EN, ECC_EN or QE"),
  SNAND ("spi-nand", "buffer-read-bit", "", "[spi-nand] continuous-read: needs buffer-read-bit"),
  SNAND ("spi-nand", "continuous-read", "continuous-read=1-1-1:3;1-1-4:4",
         "[spi-nand] continuous-read: give the dummy bytes of every read-from-cache instruction"),
  SNAND ("spi-nand", "continuous-read", "continuous-read=1-1-1:3;1-1-1:4", "[spi-nand] continuous-read: 1-1-1 given twice"),
  SNAND ("spi-nand", "buffer-read-bit", "buffer-read-bit=8", "[spi-nand] buffer-read-bit: 8 is out of range [0, 7]"),
  SNAND ("spi-nand", "block-protect-bits", "block-protect-bits=5", "[spi-nand] block-protect-bits: 5 is out of range [0, 4]"),
  SNAND ("spi-nand", "top-bottom-bit", "top-bottom-bit=3", "[spi-nand] top-bottom-bit: collides with BRWD (bit 7) or the BP bits (from bit 3)"),
  SNAND ("spi-nand", "complement-bit", "complement-bit=2", "[spi-nand] complement-bit: is the top-bottom bit"),
  SNAND ("spi-nand", "protect-first-fraction", "protect-first-fraction=100", "[spi-nand] protect-first-fraction: 100 is not a power of two"),
  SNAND ("spi-nand", "protect-first-fraction", "", "[spi-nand] protect-first-fraction: required key is missing"),
  SNAND ("spi-nand", "protection-reset", "protection-reset=0x7d", "[spi-nand] protection-reset: 0x7d sets bits that are not writable"),
  SNAND ("spi-nand", "protection-writable", "protection-writable=0x7f", "[spi-nand] protection-writable: 0x7f leaves out BRWD or a BP bit"),
  SNAND ("spi-nand", "otp-pages", "otp-pages=65", "[spi-nand] otp-pages: 65 is out of range [0, 64]"),
};

static void
test_spi_nand_base_text (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (spi_nand_text, "spi-nand.ini", &error);
  g_autofree gchar *qe = fm_test_text_with (spi_nand_text, "spi-nand", "quad-enable", "quad-enable=true");
  g_autofree gchar *qe_writable = fm_test_text_with (qe, "spi-nand", "configuration-writable", "configuration-writable=0x59");
  g_autoptr (FmChipDesc) with_qe = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (d->type, ==, FM_CHIP_SPI_NAND);
  g_assert_true (fm_chip_desc_is_nand (d));
  g_assert_cmpuint (d->on_die_layout.n_ecc, ==, 4);
  g_assert_cmpuint (d->on_die_layout.n_protected, ==, 4);
  g_assert_cmpuint (d->spi_nand.config_writable, ==, 0x58);    /* OTP_EN, ECC_EN, BUF */
  g_assert_cmpuint (d->spi_nand.protect_writable, ==, 0xfc);   /* BRWD, BP3-0, TB */
  g_assert_cmpint (d->spi_nand.cmp_bit, ==, -1);
  g_assert_cmpuint (d->spi_nand.read_dummy[5], ==, 2);
  g_assert_true (d->spi_nand.program_load_x4);
  /* QE: writable by default. */
  with_qe = fm_chip_desc_load_data (qe, "qe.ini", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (with_qe->spi_nand.config_writable, ==, 0x59);
  g_clear_pointer (&with_qe, fm_chip_desc_free);
  with_qe = fm_chip_desc_load_data (qe_writable, "qe.ini", &error);
  g_assert_no_error (error);
  g_clear_pointer (&with_qe, fm_chip_desc_free);
  /* QE gates the x4 loads even without x4 reads; a part with neither
   * x4 reads nor x4 loads has no QE bit. */
  {
    g_autofree gchar *reads = fm_test_text_with (spi_nand_text, "spi-nand", "read-from-cache", "read-from-cache=1-1-1:1");
    g_autofree gchar *x1_reads = fm_test_text_with (reads, "spi-nand", "continuous-read", "continuous-read=1-1-1:3");
    g_autofree gchar *x1_reads_qe = fm_test_text_with (x1_reads, "spi-nand", "quad-enable", "quad-enable=true");
    g_autofree gchar *x1 = fm_test_text_with (x1_reads, "spi-nand", "program-load", "program-load=1-1-1");
    g_autofree gchar *x1_qe = fm_test_text_with (x1, "spi-nand", "quad-enable", "quad-enable=true");
    g_autoptr (FmChipDesc) a = fm_chip_desc_load_data (x1_reads_qe, "x1.ini", &error);
    g_autoptr (FmChipDesc) b = NULL;

    g_assert_no_error (error);
    b = fm_chip_desc_load_data (x1, "x1.ini", &error);
    g_assert_no_error (error);
    g_assert_null (fm_chip_desc_load_data (x1_qe, "x1.ini", &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
    g_assert_cmpstr (error->message, ==, "x1.ini: [spi-nand] quad-enable: a QE bit on a part without x4 instructions");
  }
}

static void
test_bad_nor_descriptor (gconstpointer data)
{
  const BadNorCase *c = data;
  g_autofree gchar *once = c->base ? fm_test_text_with (c->base, c->group, c->key, c->line)
                                   : fm_test_tiny_text_with (c->group, c->key, c->line);
  g_autofree gchar *text = c->group2 ? fm_test_text_with (once, c->group2, c->key2, c->line2) : g_strdup (once);
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (text, "bad-nor.ini", &error);

  /* A row without an expectation is a descriptor that loads. */
  if (!c->expect)
    {
      g_assert_no_error (error);
      g_assert_nonnull (d);
      return;
    }
  g_assert_null (d);
  g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "bad-nor.ini: "));
  g_assert_nonnull (strstr (error->message, c->expect));
}

static void
test_not_a_key_file (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (fm_chip_desc_load_data ("this is not [ a key file", "junk.ini", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR);
  g_assert_true (g_str_has_prefix (error->message, "junk.ini: "));
}

static void
test_hex_and_defaults (void)
{
  g_autofree gchar *text = fm_test_tiny_text_with ("geometry", "blocks-per-lun", "blocks-per-lun=0x40");
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (text, "hex.ini", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (d->blocks_per_lun, ==, 64);
  g_assert_cmpuint (d->ecc_codeword_size, ==, 512);
  g_assert_cmpfloat (d->wearout_shape, ==, 4.0);
  g_assert_cmpuint (d->t_feat_ns, ==, 1000);
  g_assert_cmpuint (d->onfi_features & FM_ONFI_FEATURE_MULTI_PLANE, !=, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chip-desc/shipped-chips-load", test_shipped_chips_load);
  g_test_add_func ("/chip-desc/catalog-has-required-kinds", test_catalog_has_required_kinds);
  g_test_add_func ("/chip-desc/micron-mt29f4g", test_micron_mt29f4g);
  g_test_add_func ("/chip-desc/lookup-errors", test_lookup_errors);
  g_test_add_func ("/chip-desc/name-must-match-file", test_name_must_match_file);
  g_test_add_func ("/chip-desc/mlc-needs-pairing", test_mlc_needs_pairing);
  g_test_add_func ("/chip-desc/nand-groups-in-nor", test_nand_groups_in_nor);
  g_test_add_func ("/chip-desc/nor/spansion-s29gl128p", test_spansion_s29gl128p);
  g_test_add_func ("/chip-desc/nor/micron-js28f128j3d", test_micron_js28f128j3d);
  g_test_add_func ("/chip-desc/nor/winbond-w25q128jv", test_winbond_w25q128jv);
  g_test_add_func ("/chip-desc/nor/macronix-mx25l25645g", test_macronix_mx25l25645g);
  g_test_add_func ("/chip-desc/nor/base-texts", test_nor_base_texts);
  g_test_add_func ("/chip-desc/not-a-key-file", test_not_a_key_file);
  g_test_add_func ("/chip-desc/hex-and-defaults", test_hex_and_defaults);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/chip-desc/bad/%02u-%s-%s", i,
                                                bad_cases[i].group, bad_cases[i].key);
      g_test_add_data_func (path, &bad_cases[i], test_bad_descriptor);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_nor_cases); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/chip-desc/nor/bad/%02u-%s-%s", i,
                                                bad_nor_cases[i].group, bad_nor_cases[i].key);
      g_test_add_data_func (path, &bad_nor_cases[i], test_bad_nor_descriptor);
    }
  g_test_add_func ("/chip-desc/spi-nand/base-text", test_spi_nand_base_text);
  for (guint i = 0; i < G_N_ELEMENTS (bad_spi_nand_cases); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/chip-desc/spi-nand/bad/%02u-%s-%s", i,
                                                bad_spi_nand_cases[i].group, bad_spi_nand_cases[i].key);
      g_test_add_data_func (path, &bad_spi_nand_cases[i], test_bad_nor_descriptor);
    }
  return g_test_run ();
}
