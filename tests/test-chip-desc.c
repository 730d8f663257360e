/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Descriptor loading: every shipped chip loads, and every kind of mistake in
 * a descriptor is refused with a message naming the file, key and reason. */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

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
      g_assert_cmpuint (d->t_r.typ_ns, >, 0);
      g_assert_cmpuint (d->t_prog.typ_ns, >, d->t_r.typ_ns);
      g_assert_cmpuint (d->t_bers.typ_ns, >, d->t_r.typ_ns);
    }
}

static void
test_catalog_has_required_kinds (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);
  gboolean mlc_paired = FALSE, small_page = FALSE;

  g_assert_no_error (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) d = fm_test_chip (names[i]);

      if (d->type == FM_CHIP_NAND_MLC && d->pairing != FM_PAIRING_NONE && d->page_size >= 4096)
        mlc_paired = TRUE;
      if (d->small_page && d->page_size == 512 && d->oob_size == 16)
        small_page = TRUE;
    }
  g_assert_true (mlc_paired);
  g_assert_true (small_page);
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

static void
test_nor_not_yet_modelled (void)
{
  g_autofree gchar *text = fm_test_tiny_text_with ("chip", "type", "type=nor-cfi");
  g_autoptr (GError) error = NULL;

  g_assert_null (fm_chip_desc_load_data (text, "nor.ini", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED);
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
  g_test_add_func ("/chip-desc/nor-not-yet-modelled", test_nor_not_yet_modelled);
  g_test_add_func ("/chip-desc/not-a-key-file", test_not_a_key_file);
  g_test_add_func ("/chip-desc/hex-and-defaults", test_hex_and_defaults);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/chip-desc/bad/%02u-%s-%s", i,
                                                bad_cases[i].group, bad_cases[i].key);
      g_test_add_data_func (path, &bad_cases[i], test_bad_descriptor);
    }
  return g_test_run ();
}
