/*
 * The catalog test: every shipped descriptor loads, and every raw NAND part
 * identifies itself to a host the way Linux 6.1's nand_base would see the
 * real chip. For each part, the READ ID bytes (and the ONFI parameter page,
 * if the part has one) are decoded as nand_detect() does: ONFI first, else
 * Linux's full-ID table, else the device ID table and, for "extended ID"
 * entries, the vendor's decoder (Samsung's and Hynix's ported below, ESMT's
 * ECC byte) or nand_decode_ext_id() as the vendor decoders call it. What comes
 * out (page, OOB, block, size, bus width, bits per cell, ECC requirement,
 * manufacturer) must be the descriptor's.
 *
 * The Linux tables below are copies of the entries of
 * drivers/mtd/nand/raw/nand_ids.c that the catalog's parts hit.
 */

#include <glib.h>
#include <string.h>

#include "fm-chip-desc.h"
#include "fm-onfi.h"
#include "fm-jedec.h"

/* nand_ids.c: nand_manufacturers[] (id, name) */
static const struct { guint8 id; const gchar *name; } linux_manufacturers[] = {
  { 0x01, "AMD/Spansion" }, { 0x2c, "Micron" }, { 0x98, "Toshiba" },
  { 0xad, "Hynix" }, { 0xc2, "Macronix" }, { 0xc8, "ESMT" },
  { 0xec, "Samsung" }, { 0xef, "Winbond" },
};

/* nand_ids.c: the full-ID entries (name, id, id_len, page, block, OOB,
 * chip size in MiB, ECC strength / step) the catalog uses. */
static const struct {
  const gchar *name;
  guint8 id[8];
  guint id_len;
  guint32 page, block, oob, size_mib, ecc_strength, ecc_step;
} linux_full_ids[] = {
  { "TC58NVG0S3E 1G 3.3V 8-bit", { 0x98, 0xd1, 0x90, 0x15, 0x76, 0x14, 0x01, 0x00 }, 8,
    2048, 128 * 1024, 64, 128, 1, 512 },
  { "H27UCG8T2ATR-BC 64G 3.3V 8-bit", { 0xad, 0xde, 0x94, 0xda, 0x74, 0xc4 }, 6,
    8192, 2 * 1024 * 1024, 640, 8192, 40, 1024 },
  { "H27UCG8T2ETR-BC 64G 3.3V 8-bit", { 0xad, 0xde, 0x14, 0xa7, 0x42, 0x4a }, 6,
    16384, 4 * 1024 * 1024, 1664, 8192, 40, 1024 },
  { "TC58NVG2S0F 4G 3.3V 8-bit", { 0x98, 0xdc, 0x90, 0x26, 0x76, 0x15, 0x01, 0x08 }, 8,
    4096, 256 * 1024, 224, 512, 4, 512 },
};

/* nand_ids.c: nand_flash_ids[] device entries; page 0 means "extended ID":
 * the geometry comes from the ID bytes. */
static const struct {
  const gchar *name;
  guint8 dev_id;
  guint32 size_mib, page, block;
  guint bus_width;
} linux_dev_ids[] = {
  { "NAND 64MiB 3,3V 8-bit", 0x76, 64, 512, 16 * 1024, 8 },
  { "NAND 128MiB 3,3V 8-bit", 0xf1, 128, 0, 0, 8 },
  { "NAND 256MiB 3,3V 8-bit", 0xda, 256, 0, 0, 8 },
  { "NAND 512MiB 3,3V 8-bit", 0xdc, 512, 0, 0, 8 },
  { "NAND 512MiB 3,3V 16-bit", 0xcc, 512, 0, 0, 16 },
  { "NAND 1GiB 3,3V 8-bit", 0xd3, 1024, 0, 0, 8 },
  { "NAND 2GiB 3,3V 8-bit", 0xd5, 2048, 0, 0, 8 },
  { "NAND 4GiB 3,3V 8-bit", 0xd7, 4096, 0, 0, 8 },
};

/* What Linux's nand_detect() ends with. */
typedef struct {
  const gchar *path;         /* "onfi", "jedec", "full-id", "legacy", "ext-id" */
  const gchar *decoder;      /* the vendor decoder branch that ran, or NULL */
  const gchar *manufacturer;
  guint32 page, oob, block;
  guint64 size;
  guint bus_width, bits_per_cell;
  guint ecc_strength, ecc_step; /* 0: not known to Linux */
  /* memorg->pages_per_eraseblock where a decoder sets it apart from the
   * erase size (0: block / page); nanddev_init() makes the MTD's erase
   * size of it */
  guint64 memorg_pages_per_block;
} LinuxView;

/* nand_base.c: nand_id_len(), with the model's answer to an 8-byte READ ID
 * (the model repeats its ID bytes, as many parts do). */
static guint
linux_id_len (const FmChipDesc *d, guint8 id[8])
{
  for (guint i = 0; i < 8; i++)
    id[i] = d->id[i % d->id_len];
  for (guint period = 1; period < 8; period++)
    {
      gboolean periodic = TRUE;
      for (guint i = period; i < 8; i++)
        periodic &= id[i] == id[i - period];
      if (periodic)
        return period;
    }
  return 8;
}

static void
linux_view_onfi (const FmChipDesc *d, LinuxView *v)
{
  guint8 page[FM_ONFI_PARAM_PAGE_SIZE];
  FmOnfiParams p;
  g_autoptr (GError) error = NULL;

  fm_onfi_build_param_page (d, page);
  /* nand_onfi_detect: signature and CRC, else the next copy; the model's
   * first copy must be good. */
  g_assert_true (fm_onfi_parse_param_page (page, &p, &error));
  g_assert_no_error (error);
  v->path = "onfi";
  v->page = p.page_size;
  v->oob = p.oob_size;
  v->block = p.page_size * p.pages_per_block;
  v->size = (guint64) v->block * p.blocks_per_lun * p.luns;
  v->bus_width = (p.features & 1) ? 16 : 8;
  v->bits_per_cell = p.bits_per_cell;
  if (p.ecc_bits == FM_ONFI_ECC_BITS_SEE_EXT)
    {
      guint8 ext[FM_ONFI_EXT_PARAM_PAGE_SIZE];
      FmOnfiExtEcc e;
      gsize len = fm_onfi_build_ext_param_page (d, ext);

      g_assert_cmpuint (len, ==, p.ext_param_page_len);
      g_assert_true (fm_onfi_parse_ext_param_page (ext, len, &e, &error));
      g_assert_no_error (error);
      v->ecc_strength = e.ecc_bits;
      v->ecc_step = 1u << e.codeword_log2;
    }
  else if (p.ecc_bits)
    {
      v->ecc_strength = p.ecc_bits;
      v->ecc_step = 512;
    }
}

/* nand_jedec.c: nand_jedec_detect(), which nand_detect() tries after ONFI
 * for a part whose device ID entry has no page size. Page and block counts
 * are rounded down to powers of two, as Linux does. */
static void
linux_view_jedec (const FmChipDesc *d, LinuxView *v)
{
  guint8 page[FM_JEDEC_PARAM_PAGE_SIZE];
  FmJedecParams p;
  g_autoptr (GError) error = NULL;

  fm_jedec_build_param_page (d, page);
  g_assert_true (fm_jedec_parse_param_page (page, &p, &error));
  g_assert_no_error (error);
  v->path = "jedec";
  v->page = p.page_size;
  v->oob = p.oob_size;
  v->block = p.page_size * (1u << g_bit_nth_msf (p.pages_per_block, -1));
  v->size = (guint64) v->block * (1u << g_bit_nth_msf (p.blocks_per_lun, -1)) * p.luns;
  v->bus_width = (p.features & FM_JEDEC_FEATURE_16BIT) ? 16 : 8;
  v->bits_per_cell = p.bits_per_cell;
  v->ecc_strength = p.ecc_bits;
  v->ecc_step = 1u << p.codeword_log2;
}

/* nand_base.c: nand_decode_ext_id(), which the AMD, ESMT, Hynix (SLC or
 * IDs shorter than 6 bytes), Samsung (idem) and Toshiba decoders call. */
static void
linux_decode_ext_id (const guint8 *id, LinuxView *v)
{
  guint ext = id[3];

  v->page = 1024u << (ext & 3);
  ext >>= 2;
  v->oob = (8u << (ext & 1)) * (v->page >> 9);
  ext >>= 2;
  v->block = (64u * 1024) << (ext & 3);
  ext >>= 2;
  v->bus_width = (ext & 1) ? 16 : 8;
}

/* nand_samsung.c: samsung_nand_decode_id(). A 6-byte MLC ID has its own
 * format (K9GAG08U0F, p.44); anything else is nand_decode_ext_id(), with an
 * ECC requirement for the SLC K9F4G08U0D (device DCh). */
static void
linux_samsung_decode_id (const guint8 *id, guint id_len, LinuxView *v)
{
  if (id_len == 6 && v->bits_per_cell > 1 && id[5] != 0x00)
    {
      static const guint oob_sizes[8] = { 0, 128, 218, 400, 436, 512, 640, 0 };
      static const guint strengths[8] = { 1, 2, 4, 8, 16, 24, 40, 60 };
      guint ext = id[3], ecc = (id[4] >> 4) & 0x07;

      v->decoder = "samsung_nand_decode_id: 6-byte MLC";
      v->page = 2048u << (ext & 3);
      ext >>= 2;
      v->oob = oob_sizes[((ext >> 2) & 4) | (ext & 3)];
      /* Linux WARNs on the values it has no size for */
      g_assert_cmpuint (v->oob, !=, 0);
      ext >>= 2;
      v->block = (128u * 1024) << (((ext >> 1) & 4) | (ext & 3));
      /* Linux 6.1 (and 6.12) writes "(128 * 1024) << (...) / pagesize",
       * which C reads as 128 KiB << ((...) / pagesize): 131072 pages per
       * block, whatever the ID says. */
      v->memorg_pages_per_block = (128u * 1024) << ((((ext >> 1) & 4) | (ext & 3)) / v->page);
      v->bus_width = 8;
      v->ecc_strength = strengths[ecc];
      v->ecc_step = ecc < 5 ? 512 : 1024;
      return;
    }
  v->decoder = v->bits_per_cell == 1 ? "samsung_nand_decode_id: SLC, nand_decode_ext_id"
                                     : "samsung_nand_decode_id: nand_decode_ext_id";
  linux_decode_ext_id (id, v);
  if (v->bits_per_cell == 1 && id[1] == 0xdc)
    {
      v->ecc_strength = 1;
      v->ecc_step = 512;
    }
}

/* nand_hynix.c: hynix_nand_decode_id(). SLC parts and IDs shorter than 6
 * bytes are nand_decode_ext_id(); MLC parts have Hynix's format, read one
 * way if READ ID at 40h answers "JEDEC" (the model does for parts with a
 * JEDEC parameter page) and another if not. */
static void
linux_hynix_decode_id (const FmChipDesc *d, const guint8 *id, guint id_len, LinuxView *v)
{
  gboolean valid_jedecid = d->jedec_version != 0;
  guint tmp = (id[3] >> 4) & 3, oob_code, ecc_level = (id[4] >> 4) & 7;

  if (id_len < 6 || v->bits_per_cell == 1)
    {
      v->decoder = "hynix_nand_decode_id: SLC or short ID, nand_decode_ext_id";
      linux_decode_ext_id (id, v);
      return;
    }
  v->decoder = valid_jedecid ? "hynix_nand_decode_id: MLC, JEDEC ID" : "hynix_nand_decode_id: MLC";
  v->page = 2048u << (id[3] & 3);
  if (id[3] & 0x80)
    v->block = (1024u * 1024) << tmp;
  else if (tmp == 3)
    v->block = 768u * 1024;
  else
    v->block = (128u * 1024) << tmp;
  v->bus_width = 8;

  oob_code = ((id[3] >> 2) & 3) | ((id[3] >> 4) & 4);
  if (valid_jedecid)
    {
      static const guint oob_sizes[8] = { 2048, 1664, 1024, 640, 0, 0, 0, 0 };
      static const guint strengths[8] = { 0, 4, 24, 32, 40, 50, 60, 0 };

      v->oob = oob_sizes[oob_code];
      g_assert_cmpuint (ecc_level, <, 7); /* Linux WARNs */
      v->ecc_strength = strengths[ecc_level];
      v->ecc_step = ecc_level ? 1024 : 0;
    }
  else
    {
      static const guint oob_sizes[8] = { 128, 224, 448, 64, 32, 16, 640, 0 };
      guint nand_tech = id[5] & 7;

      v->oob = oob_sizes[oob_code];
      /* H27UCG8T2BTR: the OOB size is given per 8 KiB of page */
      if (id[1] == 0xde)
        v->oob *= v->page / 8192;
      if (nand_tech < 3)
        {
          g_assert_cmpuint (ecc_level, <, 7); /* Linux WARNs */
          v->ecc_strength = ecc_level < 5 ? 1u << ecc_level : 24;
          v->ecc_step = ecc_level < 5 ? 512 : ecc_level == 5 ? 2048 : 1024;
        }
      else if (ecc_level)
        {
          v->ecc_strength = ecc_level < 5 ? 1u << (ecc_level - 1) : 24 + 8 * (ecc_level - 5);
          v->ecc_step = ecc_level < 5 ? 512 : 1024;
        }
    }
  g_assert_cmpuint (v->oob, !=, 0); /* Linux WARNs */
}

static LinuxView
linux_view (const FmChipDesc *d)
{
  LinuxView v = { 0 };
  guint8 id[8];
  guint id_len = linux_id_len (d, id);

  for (guint i = 0; i < G_N_ELEMENTS (linux_manufacturers); i++)
    if (linux_manufacturers[i].id == id[0])
      v.manufacturer = linux_manufacturers[i].name;

  if (d->onfi_version)
    {
      linux_view_onfi (d, &v);
      return v;
    }
  if (d->jedec_version)
    {
      /* Reached only when no full-ID entry matches and the device ID's
       * entry leaves the page size to the part. */
      for (guint i = 0; i < G_N_ELEMENTS (linux_full_ids); i++)
        g_assert_false (memcmp (linux_full_ids[i].id, id, linux_full_ids[i].id_len) == 0);
      for (guint i = 0; i < G_N_ELEMENTS (linux_dev_ids); i++)
        if (linux_dev_ids[i].dev_id == id[1])
          g_assert_cmpuint (linux_dev_ids[i].page, ==, 0);
      linux_view_jedec (d, &v);
      return v;
    }
  for (guint i = 0; i < G_N_ELEMENTS (linux_full_ids); i++)
    if (memcmp (linux_full_ids[i].id, id, linux_full_ids[i].id_len) == 0)
      {
        v.path = "full-id";
        v.page = linux_full_ids[i].page;
        v.oob = linux_full_ids[i].oob;
        v.block = linux_full_ids[i].block;
        v.size = (guint64) linux_full_ids[i].size_mib << 20;
        v.bus_width = 8;
        v.bits_per_cell = ((id[2] & 0x0c) >> 2) + 1;
        v.ecc_strength = linux_full_ids[i].ecc_strength;
        v.ecc_step = linux_full_ids[i].ecc_step;
        return v;
      }
  for (guint i = 0; i < G_N_ELEMENTS (linux_dev_ids); i++)
    if (linux_dev_ids[i].dev_id == id[1])
      {
        v.size = (guint64) linux_dev_ids[i].size_mib << 20;
        if (linux_dev_ids[i].page)
          {
            /* nand_decode_id(): a legacy small-page part, one bit per cell */
            v.path = "legacy";
            v.page = linux_dev_ids[i].page;
            v.oob = v.page / 32;
            v.block = linux_dev_ids[i].block;
            v.bus_width = linux_dev_ids[i].bus_width;
            v.bits_per_cell = 1;
            return v;
          }
        v.path = "ext-id";
        v.bits_per_cell = ((id[2] & 0x0c) >> 2) + 1;
        if (id[0] == 0xec)
          linux_samsung_decode_id (id, id_len, &v);
        else if (id[0] == 0xad)
          linux_hynix_decode_id (d, id, id_len, &v);
        else
          linux_decode_ext_id (id, &v);
        /* nand_esmt.c: an SLC part's ECC requirement is in ID byte 4 */
        if (id[0] == 0xc8 && id_len >= 5 && v.bits_per_cell == 1)
          {
            static const guint esmt_strength[] = { 4, 2, 1, 0 };

            v.decoder = "esmt_nand_decode_id";
            v.ecc_strength = esmt_strength[id[4] & 3];
            v.ecc_step = v.ecc_strength ? 512 : 0;
          }
        /* nand_toshiba.c, toshiba_nand_decode_id(): an SLC part's ECC
         * requirement is ID byte 5 bits 2:0 (100b 1, 101b 4, 110b 8 bits
         * per 512 bytes; anything else WARNs "Could not get ECC info"),
         * and 24 nm parts that are not BENAND (byte 4 bit 7) have 32
         * spare bytes per 512. */
        if (id[0] == 0x98 && id_len >= 6 && v.bits_per_cell == 1)
          {
            static const guint toshiba_strength[8] = { [4] = 1, [5] = 4, [6] = 8 };

            g_assert_cmpuint (toshiba_strength[id[5] & 7], !=, 0);
            v.ecc_strength = toshiba_strength[id[5] & 7];
            v.ecc_step = 512;
            if ((id[5] & 7) == 6 && !(id[4] & 0x80))
              v.oob = 32 * (v.page / 512);
          }
        /* nand_detect() rejects a part whose bus width the table and the ID
         * disagree on. */
        g_assert_cmpuint (v.bus_width, ==, linux_dev_ids[i].bus_width);
        return v;
      }
  return v;
}

static void
test_all_load (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);

  g_assert_no_error (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) d = fm_chip_desc_lookup (names[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (d->name, ==, names[i]);
    }
  /* 22 parts before the raw NAND parts of ESMT, Hynix (3), Macronix, Spansion and Toshiba (2) */
  g_assert_cmpuint (g_strv_length (names), >=, 30);
}

static void
test_raw_nand_as_linux_sees_it (gconstpointer data)
{
  const gchar *name = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_lookup (name, &error);
  LinuxView v;

  g_assert_no_error (error);
  v = linux_view (d);
  g_test_message ("%s: Linux path %s%s%s, %s, page %u + %u, block %u, %" G_GUINT64_FORMAT
                  " MiB, x%u, %u bit(s)/cell, ECC %u/%u",
                  name, v.path ? v.path : "none", v.decoder ? ", " : "", v.decoder ? v.decoder : "",
                  v.manufacturer ? v.manufacturer : "?",
                  v.page, v.oob, v.block, v.size >> 20, v.bus_width, v.bits_per_cell,
                  v.ecc_strength, v.ecc_step);
  g_assert_nonnull (v.path);
  /* Linux joins some names: "AMD/Spansion" */
  g_assert_nonnull (v.manufacturer);
  {
    g_auto (GStrv) names = g_strsplit (v.manufacturer, "/", -1);

    g_assert_true (g_strv_contains ((const gchar *const *) names, d->vendor));
  }
  g_assert_cmpuint (v.page, ==, d->page_size);
  g_assert_cmpuint (v.oob, ==, d->oob_size);
  g_assert_cmpuint (v.block, ==, d->page_size * d->pages_per_block);
  /* the erase size nanddev_init() sets later is the same */
  if (v.memorg_pages_per_block)
    g_assert_cmpuint (v.memorg_pages_per_block, ==, d->pages_per_block);
  /* nand_scan() finds one chip per chip enable that answers the same ID */
  g_assert_cmpuint (v.size * d->targets, ==, fm_chip_desc_size_bytes (d));
  g_assert_cmpuint (v.bus_width, ==, d->bus_width);
  g_assert_cmpuint (v.bits_per_cell, ==, fm_chip_desc_bits_per_cell (d));
  /* The ECC requirement Linux ends with (parameter page, full-ID entry,
   * vendor decoder) is the descriptor's ([onfi]/[jedec] ecc-bits, or
   * [ecc-requirement]), and a part Linux knows none for states none. */
  g_assert_cmpuint (v.ecc_strength, ==, d->ecc_bits);
  if (d->ecc_bits)
    g_assert_cmpuint (v.ecc_step, ==, d->ecc_codeword_size);
  if (d->onfi_version || d->jedec_version)
    g_assert_cmpuint (d->jedec_id, ==, d->id[0]);
  /* A BENAND part: the requirement its ID states is what its ECC does. */
  if (d->on_die_ecc_benand)
    {
      g_assert_cmpuint (v.ecc_strength, ==, d->on_die_ecc_strength);
      g_assert_cmpuint (v.ecc_step, ==, 512);
    }
}

/* The port of samsung_nand_decode_id()'s 6-byte MLC branch, on the ID of
 * the K9GAG08U0F; the HiSilicon SPL NAND table gives that part 8 KiB
 * pages, 512-byte spare, 1 MiB blocks and "MLC 24bit/1k". No shipped part
 * takes this branch: Linux sets memorg->pages_per_eraseblock to 131072
 * there (an operator precedence slip), so after nanddev_init() the MTD's
 * erase size is 1 GiB, the bad block scan reads page 131071 of each 1 MiB
 * block and fails past the first GiB (-EINVAL), as it would on the real
 * chip: the samsung-k9gag08u0f descriptor was withdrawn for that. */
static void
test_samsung_6_byte_decoder (void)
{
  static const guint8 id[8] = { 0xec, 0xd5, 0x94, 0x76, 0x54, 0x43, 0xec, 0xd5 };
  LinuxView v = { .bits_per_cell = 2 };

  linux_samsung_decode_id (id, 6, &v);
  g_assert_cmpstr (v.decoder, ==, "samsung_nand_decode_id: 6-byte MLC");
  g_assert_cmpuint (v.page, ==, 8192);
  g_assert_cmpuint (v.oob, ==, 512);
  g_assert_cmpuint (v.block, ==, 1024 * 1024);
  g_assert_cmpuint (v.ecc_strength, ==, 24);
  g_assert_cmpuint (v.ecc_step, ==, 1024);
  g_assert_cmpuint (v.memorg_pages_per_block, ==, 131072);
}

/* Each branch of the Samsung and Hynix decoders that the catalog claims runs
 * for a shipped part. */
static void
test_vendor_decoders_covered (void)
{
  static const struct { const gchar *name, *decoder; } expected[] = {
    { "samsung-k9f2g08", "samsung_nand_decode_id: SLC, nand_decode_ext_id" },
    { "hynix-h27ubg8t2btr", "hynix_nand_decode_id: MLC" },
    { "hynix-h27u4g6f2d", "hynix_nand_decode_id: SLC or short ID, nand_decode_ext_id" },
    { "esmt-f59l2g81a", "esmt_nand_decode_id" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (FmChipDesc) d = fm_chip_desc_lookup (expected[i].name, &error);
      LinuxView v;

      g_assert_no_error (error);
      v = linux_view (d);
      g_assert_cmpstr (v.decoder, ==, expected[i].decoder);
    }
}

/* A corrupted parameter page is refused (the CRC check the catalog relies
 * on is real). */
static void
test_param_page_crc_checked (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_lookup ("macronix-mx30lf1g18ac", &error);
  guint8 page[FM_ONFI_PARAM_PAGE_SIZE];
  FmOnfiParams p;

  g_assert_no_error (error);
  fm_onfi_build_param_page (d, page);
  page[80] ^= 0x01;
  g_assert_false (fm_onfi_parse_param_page (page, &p, &error));
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/catalog/all-load", test_all_load);
  g_test_add_func ("/catalog/param-page-crc-checked", test_param_page_crc_checked);
  g_test_add_func ("/catalog/vendor-decoders-covered", test_vendor_decoders_covered);
  g_test_add_func ("/catalog/samsung-6-byte-decoder", test_samsung_6_byte_decoder);
  names = fm_chip_catalog_names (&error);
  g_assert_no_error (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) d = fm_chip_desc_lookup (names[i], &error);
      g_autofree gchar *path = NULL;

      g_assert_no_error (error);
      if (d->type != FM_CHIP_NAND_SLC && d->type != FM_CHIP_NAND_MLC)
        continue;
      path = g_strdup_printf ("/catalog/raw-nand/%s", names[i]);
      g_test_add_data_func_full (path, g_strdup (names[i]), test_raw_nand_as_linux_sees_it, g_free);
    }
  return g_test_run ();
}
