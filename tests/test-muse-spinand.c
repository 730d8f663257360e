/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * muse-chip's SPI NAND parts as Linux 6.1's spinand sees them: which part
 * of the vendors' tables a descriptor is, what each vendor's get_status()
 * makes of the ECC registers a read leaves, and, for every SPI NAND part
 * of the catalog, the MTD muse-chip serves compared with the one Linux's
 * driver declares (geometry, ECC, OOB layout, bit flip counts).
 */
#include "fm-test-util.h"
#include "muse-test-util.h"
#include "muse-spinand.h"
#include "muse.h"

#include <errno.h>
#include <string.h>

#define U FM_HOST_PAGE_UNCORRECTABLE
#define EINVAL_ G_MININT   /* the decoder returns -EINVAL: the read fails */

/* A descriptor with only what the lookup reads. */
static const MuseSpinandPart *
part_of (const guint8 *id, guint len, GError **error)
{
  FmChipDesc d = { 0 };

  d.name = (gchar *) "test-part";
  memcpy (d.id, id, len);
  d.id_len = len;
  return muse_spinand_part (&d, error);
}

static void
test_part_lookup (void)
{
  static const struct {
    guint8 id[4];
    guint len;
    const gchar *name;
  } known[] = {
    /* Winbond W25N01GV: EFh, AAh 21h (winbond.c: SPINAND_ID(.., 0xaa)) */
    { { 0xef, 0xaa, 0x21 }, 3, "W25N01GV" },
    /* GigaDevice GD5F1GQ4UFxxG: two device ID bytes B1h 48h */
    { { 0xc8, 0xb1, 0x48 }, 3, "GD5F1GQ4UFxxG" },
    /* the same device byte 24h at Micron and Macronix */
    { { 0x2c, 0x24, 0x03 }, 3, "MT29F2G01ABAGD" },
    { { 0xc2, 0x24, 0x03 }, 3, "MX35LF2G24AD" },
    { { 0x98, 0xc2 }, 2, "TC58CVG0S3HRAIG" },
  };
  static const guint8 half[] = { 0xc8, 0xb1 }, unknown[] = { 0xef, 0x99, 0x21 };
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      const MuseSpinandPart *p = part_of (known[i].id, known[i].len, &error);

      g_assert_no_error (error);
      g_assert_nonnull (p);
      g_assert_cmpstr (p->name, ==, known[i].name);
    }
  /* Linux compares every byte of the table's ID. */
  g_assert_null (part_of (half, sizeof half, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_null (part_of (unknown, sizeof unknown, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "test-part"));
  g_assert_nonnull (strstr (error->message, "ef 99 21"));
}

/* Each case: a part (by ID), its strength, the status register and the
 * decoder's second register, and what Linux's decoder returns. */
static void
test_decoders (void)
{
  static const struct {
    guint8 mfr, dev;
    guint strength;
    guint8 status, extra;
    gint expected;
  } cases[] = {
    /* core.c spinand_check_ecc_status() (W25N01GV, 1 bit): 01 counts as
     * the strength, 11 is -EINVAL; OIP and WEL (bits 0-1) are not ECC */
    { 0xef, 0xaa, 1, 0x00, 0, 0 },
    { 0xef, 0xaa, 1, 0x03, 0, 0 },
    { 0xef, 0xaa, 1, 0x10, 0, 1 },
    { 0xef, 0xaa, 1, 0x20, 0, U },
    { 0xef, 0xaa, 1, 0x30, 0, EINVAL_ },
    /* MX35LF2GE4AB has no get_status: the core's, at strength 4, even
     * if the chip has ECCSR */
    { 0xc2, 0x22, 4, 0x10, 0x01, 4 },
    /* gigadevice.c gd5fxgq4xa_ecc_get_status(): 01 1-7 (7), 11 8 */
    { 0xc8, 0xf1, 8, 0x10, 0, 7 },
    { 0xc8, 0xf1, 8, 0x30, 0, 8 },
    { 0xc8, 0xf1, 8, 0x20, 0, U },
    /* gd5fxgq4uexxg_ecc_get_status(): 01 is 4 + STATUS2's ECCSE */
    { 0xc8, 0xd1, 8, 0x10, 0x00, 4 },
    { 0xc8, 0xd1, 8, 0x10, 0x20, 6 },
    { 0xc8, 0xd1, 8, 0x10, 0x3f, 7 },
    { 0xc8, 0xd1, 8, 0x30, 0x00, 8 },
    { 0xc8, 0xd1, 8, 0x20, 0x00, U },
    /* gd5fxgq5xexxg_ecc_get_status(): 01 is 1 + ECCSE, 11 is -EINVAL */
    { 0xc8, 0x51, 4, 0x10, 0x00, 1 },
    { 0xc8, 0x51, 4, 0x10, 0x30, 4 },
    { 0xc8, 0x51, 4, 0x20, 0x00, U },
    { 0xc8, 0x51, 4, 0x30, 0x00, EINVAL_ },
    /* gd5fxgq4ufxxg_ecc_get_status() (GD5F1GQ4UFxxG has 2 ID bytes:
     * below): bits 6:4, 001 3, 010-110 4-8, 111 uncorrectable */
    /* macronix.c mx35lf1ge4ab_ecc_get_status(): ECCSR bits 3:0; 0 or
     * above the strength is the strength (after a WARN_ON) */
    { 0xc2, 0x12, 4, 0x10, 0x03, 3 },
    { 0xc2, 0x12, 4, 0x10, 0xf2, 2 },
    { 0xc2, 0x12, 4, 0x10, 0x00, 4 },
    { 0xc2, 0x12, 4, 0x10, 0x09, 4 },
    { 0xc2, 0x12, 4, 0x20, 0x00, U },
    { 0xc2, 0x12, 4, 0x30, 0x00, EINVAL_ },
    /* micron.c micron_8_ecc_get_status(): bits 6:4 */
    { 0x2c, 0x24, 8, 0x10, 0, 3 },
    { 0x2c, 0x24, 8, 0x30, 0, 6 },
    { 0x2c, 0x24, 8, 0x50, 0, 8 },
    { 0x2c, 0x24, 8, 0x20, 0, U },
    { 0x2c, 0x24, 8, 0x40, 0, EINVAL_ },
    { 0x2c, 0x24, 8, 0x70, 0, EINVAL_ },
    /* MT29F2G01AAAED (4 bits) has no get_status: the core's */
    { 0x2c, 0x9f, 4, 0x10, 0, 4 },
    /* toshiba.c tx58cxgxsxraix_ecc_get_status(): 01 or 11, then the
     * count in feature 30h bits 7:4, checked like Macronix's */
    { 0x98, 0xc2, 8, 0x10, 0x50, 5 },
    { 0x98, 0xc2, 8, 0x30, 0x20, 2 },
    { 0x98, 0xc2, 8, 0x10, 0x00, 8 },
    { 0x98, 0xc2, 8, 0x10, 0x90, 8 },
    { 0x98, 0xc2, 8, 0x20, 0x00, U },
    /* xtx.c xt26g0xa_ecc_get_status(): bits 5:2 */
    { 0x0b, 0xe1, 8, 0x04, 0, 1 },
    { 0x0b, 0xe1, 8, 0x1d, 0, 7 },
    { 0x0b, 0xe1, 8, 0x30, 0, 8 },
    { 0x0b, 0xe1, 8, 0x20, 0, U },
    { 0x0b, 0xe1, 8, 0x24, 0, EINVAL_ },
    { 0x0b, 0xe1, 8, 0x3c, 0, EINVAL_ },
    /* paragon.c pn26g0xa_ecc_get_status(): 01 1-7 (7), 11 8 */
    { 0xa1, 0xe1, 8, 0x10, 0, 7 },
    { 0xa1, 0xe1, 8, 0x30, 0, 8 },
    { 0xa1, 0xe1, 8, 0x20, 0, U },
  };
  static const struct {
    guint8 status;
    gint expected;
  } q4uf[] = { { 0x00, 0 }, { 0x10, 3 }, { 0x20, 4 }, { 0x40, 6 }, { 0x60, 8 }, { 0x70, U } };
  static const guint8 q4uf_id[] = { 0xc8, 0xb1, 0x48 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint8 id[] = { cases[i].mfr, cases[i].dev, 0x00 };
      const MuseSpinandPart *p = part_of (id, sizeof id, NULL);
      MuseSpinandEccRegs regs = { cases[i].status, cases[i].extra };
      g_autoptr (GError) error = NULL;
      gint bits = 12345;
      gboolean ok;

      g_assert_nonnull (p);
      ok = muse_spinand_decode (p, cases[i].strength, &regs, &bits, &error);
      if (g_test_verbose ())
        g_test_message ("%s status %02x extra %02x: %d", p->name, regs.status, regs.extra, bits);
      if (cases[i].expected == EINVAL_)
        {
          g_assert_false (ok);
          g_assert_error (error, FM_ERROR, FM_ERROR_IO);
          g_assert_nonnull (strstr (error->message, p->name));
        }
      else
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (bits, ==, cases[i].expected);
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (q4uf); i++)
    {
      const MuseSpinandPart *p = part_of (q4uf_id, sizeof q4uf_id, NULL);
      MuseSpinandEccRegs regs = { q4uf[i].status, 0 };
      gint bits;

      g_assert_true (muse_spinand_decode (p, 8, &regs, &bits, NULL));
      g_assert_cmpint (bits, ==, q4uf[i].expected);
    }
}

/* ---- the MTD of each catalog part against Linux's declarations --------- */

typedef struct {
  guint offset, length;
} Region;

#define MAX_REGIONS 6

/* What Linux 6.1 declares for a part: NAND_MEMORG (page, OOB, pages per
 * block, blocks = eraseblocks per LUN x LUNs x targets), NAND_ECCREQ
 * strength (per 512 bytes), its ooblayout's free and ECC regions, and the
 * bit flips its get_status() counts for a page with one flipped bit. */
typedef struct {
  const gchar *name;
  guint page, oob, ppb, blocks, strength;
  Region free[MAX_REGIONS];
  Region ecc[MAX_REGIONS];
  gint one_flip;
} LinuxPart;

static const LinuxPart linux_parts[] = {
  /* winbond.c: w25m02gv_ooblayout (ecc 16s + 8, 8; free 16s + 2, 6);
   * get_status NULL: the core counts "has bitflips" as the strength */
  { "W25N01GV", 2048, 64, 64, 1024, 1,
    { { 2, 6 }, { 18, 6 }, { 34, 6 }, { 50, 6 } }, { { 8, 8 }, { 24, 8 }, { 40, 8 }, { 56, 8 } }, 1 },
  { "W25M02GV", 2048, 64, 64, 2048, 1,
    { { 2, 6 }, { 18, 6 }, { 34, 6 }, { 50, 6 } }, { { 8, 8 }, { 24, 8 }, { 40, 8 }, { 56, 8 } }, 1 },
  /* gigadevice.c: gd5fxgq4xa_ooblayout (free 1, 7 then 16s, 8; ecc
   * 16s + 8, 8); gd5fxgq4xa_ecc_get_status(): "1-7" is 7 */
  { "GD5F1GQ4xA", 2048, 64, 64, 1024, 8,
    { { 1, 7 }, { 16, 8 }, { 32, 8 }, { 48, 8 } }, { { 8, 8 }, { 24, 8 }, { 40, 8 }, { 56, 8 } }, 7 },
  /* gigadevice.c: gd5fxgqx_variant2_ooblayout (free 1, 63; ecc 64, 64);
   * gd5fxgq4uexxg_ecc_get_status(): 4 + ECCSE, 4 for 1-4 bits */
  { "GD5F1GQ4UExxG", 2048, 128, 64, 1024, 8, { { 1, 63 } }, { { 64, 64 } }, 4 },
  { "GD5F2GQ4UExxG", 2048, 128, 64, 2048, 8, { { 1, 63 } }, { { 64, 64 } }, 4 },
  /* gd5fxgq4ufxxg_ecc_get_status(): "1-3" is 3 */
  { "GD5F1GQ4UFxxG", 2048, 128, 64, 1024, 8, { { 1, 63 } }, { { 64, 64 } }, 3 },
  /* gd5fxgq5xexxg_ecc_get_status(): 1 + ECCSE */
  { "GD5F1GQ5UExxG", 2048, 128, 64, 1024, 4, { { 1, 63 } }, { { 64, 64 } }, 1 },
  { "GD5F2GQ5UExxG", 2048, 128, 64, 2048, 4, { { 1, 63 } }, { { 64, 64 } }, 1 },
  /* macronix.c: mx35lfxge4ab_ooblayout (free 2, oobsize - 2; no ECC
   * region: the parity is out of sight); mx35lf1ge4ab_ecc_get_status()
   * reads the count from ECCSR; MX35LF2GE4AB and the 24AD parts have no
   * get_status: the core's, the strength */
  { "MX35LF1GE4AB", 2048, 64, 64, 1024, 4, { { 2, 62 } }, { { 0 } }, 1 },
  { "MX35LF2GE4AB", 2048, 64, 64, 2048, 4, { { 2, 62 } }, { { 0 } }, 4 },
  { "MX35LF2GE4AD", 2048, 64, 64, 2048, 8, { { 2, 62 } }, { { 0 } }, 1 },
  { "MX35LF4GE4AD", 4096, 128, 64, 2048, 8, { { 2, 126 } }, { { 0 } }, 1 },
  { "MX35LF1G24AD", 2048, 128, 64, 1024, 8, { { 2, 126 } }, { { 0 } }, 8 },
  { "MX35LF2G24AD", 2048, 128, 64, 2048, 8, { { 2, 126 } }, { { 0 } }, 8 },
  { "MX31LF1GE4BC", 2048, 64, 64, 1024, 8, { { 2, 62 } }, { { 0 } }, 1 },
  /* micron.c: micron_8_ooblayout (free 2, oobsize / 2 - 2; ecc oobsize /
   * 2, oobsize / 2); micron_8_ecc_get_status(): "1-3" is 3 */
  { "MT29F2G01ABAGD", 2048, 128, 64, 2048, 8, { { 2, 62 } }, { { 64, 64 } }, 3 },
  { "MT29F2G01ABBGD", 2048, 128, 64, 2048, 8, { { 2, 62 } }, { { 64, 64 } }, 3 },
  { "MT29F1G01ABAFD", 2048, 128, 64, 1024, 8, { { 2, 62 } }, { { 64, 64 } }, 3 },
  { "MT29F4G01ADAGD", 2048, 128, 64, 4096, 8, { { 2, 62 } }, { { 64, 64 } }, 3 },
  { "MT29F4G01ABAFD", 4096, 256, 64, 2048, 8, { { 2, 126 } }, { { 128, 128 } }, 3 },
  /* micron.c: micron_4_ooblayout (free 2, 6 then 16s, 8; ecc 16s + 8, 8),
   * get_status NULL: the strength */
  { "MT29F2G01AAAED", 2048, 64, 64, 2048, 4,
    { { 2, 6 }, { 16, 8 }, { 32, 8 }, { 48, 8 } }, { { 8, 8 }, { 24, 8 }, { 40, 8 }, { 56, 8 } }, 4 },
  /* toshiba.c: tx58cxgxsxraix_ooblayout (free 2, oobsize / 2 - 2; ecc
   * oobsize / 2, oobsize / 2); tx58cxgxsxraix_ecc_get_status() reads the
   * count from feature 30h */
  { "TC58CVG0S3HRAIG", 2048, 128, 64, 1024, 8, { { 2, 62 } }, { { 64, 64 } }, 1 },
  { "TC58CVG1S3HRAIG", 2048, 128, 64, 2048, 8, { { 2, 62 } }, { { 64, 64 } }, 1 },
  { "TC58CVG2S0HRAIG", 4096, 256, 64, 2048, 8, { { 2, 126 } }, { { 128, 128 } }, 1 },
  { "TC58CVG0S3HRAIJ", 2048, 128, 64, 1024, 8, { { 2, 62 } }, { { 64, 64 } }, 1 },
  { "TC58CVG1S3HRAIJ", 2048, 128, 64, 2048, 8, { { 2, 62 } }, { { 64, 64 } }, 1 },
  /* xtx.c: xt26g0xa_ooblayout (free 1, 47; ecc 48, 16);
   * xt26g0xa_ecc_get_status(): the count in bits 5:2 */
  { "XT26G01A", 2048, 64, 64, 1024, 8, { { 1, 47 } }, { { 48, 16 } }, 1 },
  { "XT26G02A", 2048, 64, 64, 2048, 8, { { 1, 47 } }, { { 48, 16 } }, 1 },
  /* ato.c: ato25d1ga_ooblayout (free 1, 7 then 16s, 8; ecc 16s + 8, 8),
   * get_status NULL */
  { "ATO25D1GA", 2048, 64, 64, 1024, 1,
    { { 1, 7 }, { 16, 8 }, { 32, 8 }, { 48, 8 } }, { { 8, 8 }, { 24, 8 }, { 40, 8 }, { 56, 8 } }, 1 },
  /* paragon.c: pn26g0xa_ooblayout (free 4 + 15s, 2 and 64, 64; ecc
   * 6 + 15s, 13); pn26g0xa_ecc_get_status(): "1-7" is 7 */
  { "PN26G01A", 2048, 128, 64, 1024, 8,
    { { 4, 2 }, { 19, 2 }, { 34, 2 }, { 49, 2 }, { 64, 64 } },
    { { 6, 13 }, { 21, 13 }, { 36, 13 }, { 51, 13 } }, 7 },
  { "PN26G02A", 2048, 128, 64, 2048, 8,
    { { 4, 2 }, { 19, 2 }, { 34, 2 }, { 49, 2 }, { 64, 64 } },
    { { 6, 13 }, { 21, 13 }, { 36, 13 }, { 51, 13 } }, 7 },
};

static const LinuxPart *
linux_part (const gchar *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (linux_parts); i++)
    if (g_str_equal (linux_parts[i].name, name))
      return &linux_parts[i];
  return NULL;
}

static guint
region_bytes (const Region *r)
{
  guint n = 0;

  for (guint i = 0; i < MAX_REGIONS && r[i].length; i++)
    n += r[i].length;
  return n;
}

/* What each spare byte is in Linux's layout: the index of a free byte
 * among the free bytes, or FREE_NONE with *ECC telling parity from
 * neither (the bad block marker, reserved bytes). */
#define FREE_NONE G_MAXUINT
static guint
free_index (const LinuxPart *lp, guint offset, gboolean *ecc)
{
  guint k = 0;

  *ecc = FALSE;
  for (guint i = 0; i < MAX_REGIONS && lp->ecc[i].length; i++)
    if (offset >= lp->ecc[i].offset && offset < lp->ecc[i].offset + lp->ecc[i].length)
      *ecc = TRUE;
  for (guint i = 0; i < MAX_REGIONS && lp->free[i].length; i++)
    {
      if (offset >= lp->free[i].offset && offset < lp->free[i].offset + lp->free[i].length)
        return k + offset - lp->free[i].offset;
      k += lp->free[i].length;
    }
  return FREE_NONE;
}

/* A SPI NAND part of the catalog served as muse-chip serves it: ECC_ON
 * as --ecc auto, else --ecc none. */
typedef struct {
  const FmChipDesc *desc;
  const LinuxPart *lp;
  FmNand *nand;
  MuseTestServer t;
} Served;

static void
served_start (Served *s, const FmChipDesc *desc, gboolean ecc_on)
{
  const MuseSpinandPart *part;
  FmNandHost *host;
  g_autoptr (GError) error = NULL;

  memset (s, 0, sizeof *s);
  s->desc = desc;
  part = muse_spinand_part (desc, &error);
  g_assert_no_error (error);
  s->lp = linux_part (part->name);
  if (!s->lp)
    g_error ("%s is Linux's %s, whose layout this test does not know yet: add it to linux_parts",
             desc->name, part->name);
  s->nand = fm_test_nand (desc, 3, 0, FM_TIMING_NONE);
  g_assert_true (fm_nand_set_on_die_ecc (s->nand, ecc_on, NULL));
  host = fm_nand_host_new (s->nand, NULL, &error);
  g_assert_no_error (error);
  muse_test_server_start (&s->t, muse_spinand_backend_new (host, part), desc->name, NULL);
}

static void
served_stop (Served *s)
{
  muse_test_server_stop (&s->t);
}

/* The INIT reply's strings. */
static GStrv
init_strings (Served *s)
{
  struct muse_init_in in = { MUSE_KERNEL_VERSION, MUSE_KERNEL_MINOR_VERSION };
  guint8 out[8192];
  gsize len = sizeof out;
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  g_assert_cmpint (muse_test_call (&s->t, MUSE_INIT, &in, sizeof in, NULL, 0, NULL, 0, out, &len), ==, 0);
  for (gsize p = sizeof (struct muse_init_out); p < len; p += strlen ((gchar *) out + p) + 1)
    g_strv_builder_add (b, (gchar *) out + p);
  return g_strv_builder_end (b);
}

static void
assert_has (GStrv strings, const gchar *name, const gchar *key, guint64 value)
{
  g_autofree gchar *want = g_strdup_printf ("%s=%" G_GUINT64_FORMAT, key, value);

  if (!g_strv_contains ((const gchar * const *) strings, want))
    {
      g_autofree gchar *all = g_strjoinv (" ", strings);

      g_error ("%s: no %s in the INIT reply: %s", name, want, all);
    }
}

/* Writes DATA and OOB (MODE) to PAGE with ECC, or raw. */
static void
write_page (Served *s, guint64 page, const guint8 *data, const guint8 *oob, gsize ooblen,
            guint32 flags)
{
  gsize ps = s->desc->page_size;
  struct muse_io_in io = { page * ps, ps, MUSE_IO_INBAND | flags, 0, ooblen };
  struct muse_io_out wo;
  gsize len = sizeof wo;

  g_assert_cmpint (muse_test_call (&s->t, MUSE_WRITE, &io, sizeof io, data, ps, oob, ooblen, &wo, &len), ==, 0);
  g_assert_cmpuint (wo.ooblen, ==, ooblen);
}

/* Reads PAGE (data and OOB as FLAGS say); the reply's fixed part in *RO,
 * the OOB and data after it in REPLY. */
static void
read_page (Served *s, guint64 page, gsize ooblen, guint32 flags, struct muse_io_out *ro, guint8 *reply)
{
  gsize ps = s->desc->page_size;
  struct muse_io_in io = { page * ps, ps, MUSE_IO_INBAND | flags, 0, ooblen };
  gsize len = sizeof *ro + ooblen + ps;

  g_assert_cmpint (muse_test_call (&s->t, MUSE_READ, &io, sizeof io, NULL, 0, NULL, 0, reply, &len), ==, 0);
  g_assert_cmpuint (len, ==, sizeof *ro + ooblen + ps);
  memcpy (ro, reply, sizeof *ro);
}

/* The geometry, ECC and free bytes in the INIT reply are Linux's. */
static void
check_init (Served *s, gboolean ecc_on)
{
  const FmChipDesc *d = s->desc;
  const LinuxPart *lp = s->lp;
  g_auto (GStrv) init = init_strings (s);

  g_assert_cmpuint (d->page_size, ==, lp->page);
  g_assert_cmpuint (d->oob_size, ==, lp->oob);
  g_assert_cmpuint (d->pages_per_block, ==, lp->ppb);
  g_assert_cmpuint (fm_chip_desc_blocks (d), ==, lp->blocks);
  g_assert_cmpuint (d->on_die_ecc_strength, ==, lp->strength);
  g_assert_true (g_strv_contains ((const gchar * const *) init, "TYPE=MTD_NANDFLASH"));
  assert_has (init, d->name, "SIZE", (guint64) lp->page * lp->ppb * lp->blocks);
  assert_has (init, d->name, "WRITESIZE", lp->page);
  assert_has (init, d->name, "WRITEBUFSIZE", lp->page);
  assert_has (init, d->name, "ERASESIZE", lp->page * lp->ppb);
  assert_has (init, d->name, "OOBSIZE", lp->oob);
  assert_has (init, d->name, "OOBAVAIL", region_bytes (lp->free));
  /* spinand sets no sub-pages */
  assert_has (init, d->name, "SUBPAGESHIFT", 0);
  if (ecc_on)
    {
      assert_has (init, d->name, "ECCSTRENGTH", lp->strength);
      assert_has (init, d->name, "ECCSTEP", 512);
      /* spinand sets none: the MTD core's default, the strength */
      assert_has (init, d->name, "BITFLIPTHRESHOLD", lp->strength);
    }
  else
    {
      /* no ECC engine: strength and step 0 */
      for (guint i = 0; init[i]; i++)
        g_assert_false (g_str_has_prefix (init[i], "ECC") || g_str_has_prefix (init[i], "BITFLIP"));
    }
}

/* MTD_OPS_AUTO_OOB: OOB bytes 0, 1, 2... land in Linux's free bytes, in
 * order; the chip's parity (with its ECC on) in Linux's ECC regions and
 * nowhere else; the rest stays FFh. */
static void
check_layout (Served *s, guint64 page, gboolean ecc_on)
{
  const LinuxPart *lp = s->lp;
  gsize ps = s->desc->page_size, avail = region_bytes (lp->free);
  g_autofree guint8 *data = fm_test_pattern (ps, page);
  g_autofree guint8 *oob = g_malloc (avail);
  g_autofree guint8 *reply = g_malloc (sizeof (struct muse_io_out) + lp->oob + ps);
  const guint8 *spare = reply + sizeof (struct muse_io_out);
  struct muse_io_out ro;

  for (gsize i = 0; i < avail; i++)
    oob[i] = i;
  write_page (s, page, data, oob, avail, MUSE_IO_OOB_AUTO);
  read_page (s, page, lp->oob, MUSE_IO_OOB_PLACE | MUSE_IO_RAW, &ro, reply);
  for (guint off = 0; off < lp->oob; off++)
    {
      gboolean ecc;
      guint k = free_index (lp, off, &ecc);

      if (k != FREE_NONE)
        g_assert_cmphex (spare[off], ==, k);
      else if (!ecc || !ecc_on)
        {
          if (spare[off] != 0xff)
            g_error ("%s: spare byte %u is %02Xh: not free, not parity in Linux's layout",
                     s->desc->name, off, spare[off]);
        }
    }
  for (guint i = 0; ecc_on && i < MAX_REGIONS && lp->ecc[i].length; i++)
    {
      guint ff = 0;

      for (guint off = lp->ecc[i].offset; off < lp->ecc[i].offset + lp->ecc[i].length; off++)
        ff += spare[off] == 0xff;
      if (ff == lp->ecc[i].length)
        g_error ("%s: Linux's ECC region %u+%u holds no parity", s->desc->name,
                 lp->ecc[i].offset, lp->ecc[i].length);
    }
  /* With ECC: the data and the free bytes as written. */
  read_page (s, page, avail, MUSE_IO_OOB_AUTO, &ro, reply);
  g_assert_cmpint (ro.soft_error, ==, 0);
  g_assert_cmpmem (reply + sizeof ro, avail, oob, avail);
  g_assert_cmpmem (reply + sizeof ro + avail, ps, data, ps);
}

/* One flipped bit is counted as Linux's decoder counts what the status
 * register says; strength + 1 in one sector make the page uncorrectable.
 * The model's statistics keep the chip's own counts. (Where the flips go
 * matters for 1-bit parts: the model's code, BCH with t = 1, takes about
 * a quarter of double errors for a single one and "corrects" it, where
 * Winbond's datasheet promises to detect them; these are detected.) */
static void
check_bit_flips (Served *s)
{
  const FmChipDesc *d = s->desc;
  const LinuxPart *lp = s->lp;
  gsize ps = d->page_size;
  guint64 one = 4 * (guint64) d->pages_per_block, many = 5 * (guint64) d->pages_per_block;
  g_autofree guint8 *data = fm_test_pattern (ps, 77);
  g_autofree guint8 *reply = g_malloc (sizeof (struct muse_io_out) + ps);
  g_autoptr (GString) rules = g_string_new ("bitflip block=4 page=0 byte=100 bit=3 always");
  struct muse_io_out ro;

  for (guint i = 0; i <= lp->strength; i++)
    g_string_append_printf (rules, ";bitflip block=5 page=0 byte=%u bit=%u always", 7 + 50 * i, 7 - i % 8);
  write_page (s, one, data, NULL, 0, 0);
  write_page (s, many, data, NULL, 0, 0);
  fm_nand_set_faults (s->nand, fm_fault_set_parse (rules->str, NULL));

  read_page (s, one, 0, 0, &ro, reply);
  g_assert_cmpmem (reply + sizeof ro, ps, data, ps);
  if ((gint) ro.corrected != lp->one_flip)
    g_error ("%s: one flipped bit counted as %u, Linux's %s driver counts %d",
             d->name, ro.corrected, lp->name, lp->one_flip);
  g_assert_cmpuint (ro.max_bitflips, ==, lp->one_flip);
  g_assert_cmpuint (ro.failed, ==, 0);
  /* -EUCLEAN from the threshold, the strength */
  g_assert_cmpint (ro.soft_error, ==, lp->one_flip >= (gint) lp->strength ? -EUCLEAN : 0);

  read_page (s, many, 0, 0, &ro, reply);
  g_assert_cmpint (ro.soft_error, ==, -EBADMSG);
  g_assert_cmpuint (ro.failed, ==, 1);
  g_assert_cmpuint (ro.corrected, ==, 0);

  g_assert_cmpuint (fm_image_block (fm_nand_image (s->nand), 4)->ecc_corrected, ==, 1);
  g_assert_cmpuint (fm_image_block (fm_nand_image (s->nand), 5)->ecc_failed, ==, 1);
  fm_nand_set_faults (s->nand, NULL);
}

/* Bad blocks as spinand_isbad() and spinand_markbad() see and make them:
 * byte 0 or 1 of the first page's spare area not FFh. */
static void
check_bad_blocks (Served *s)
{
  const FmChipDesc *d = s->desc;
  guint64 block_bytes = (guint64) d->page_size * d->pages_per_block;
  g_autofree guint8 *data = fm_test_pattern (d->page_size, 5);
  g_autofree guint8 *spare = g_malloc (d->oob_size);
  struct muse_block_in blk = { 6 * block_bytes };
  struct muse_isbad_out isbad;
  gsize len = sizeof isbad;

  g_assert_cmpint (muse_test_call (&s->t, MUSE_ISBAD, &blk, sizeof blk, NULL, 0, NULL, 0, &isbad, &len), ==, 0);
  g_assert_cmpuint (isbad.result, ==, 0);
  g_assert_cmpint (muse_test_call (&s->t, MUSE_MARKBAD, &blk, sizeof blk, NULL, 0, NULL, 0, NULL, NULL), ==, 0);
  g_assert_cmpint (muse_test_call (&s->t, MUSE_ISBAD, &blk, sizeof blk, NULL, 0, NULL, 0, &isbad, &len), ==, 0);
  g_assert_cmpuint (isbad.result, ==, 1);

  /* Byte 1 alone marks a block bad for spinand. */
  memset (spare, 0xff, d->oob_size);
  spare[1] = 0x00;
  blk.addr = 7 * block_bytes;
  write_page (s, 7 * (guint64) d->pages_per_block, data, spare, d->oob_size, MUSE_IO_OOB_PLACE | MUSE_IO_RAW);
  g_assert_cmpint (muse_test_call (&s->t, MUSE_ISBAD, &blk, sizeof blk, NULL, 0, NULL, 0, &isbad, &len), ==, 0);
  g_assert_cmpuint (isbad.result, ==, 1);
}

static void
test_catalog_parts (void)
{
  g_auto (GStrv) names = fm_chip_catalog_names (NULL);
  guint parts = 0;

  g_assert_nonnull (names);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (FmChipDesc) desc = fm_test_chip (names[i]);
      Served s;

      if (desc->type != FM_CHIP_SPI_NAND)
        continue;
      parts++;
      served_start (&s, desc, TRUE);
      if (g_test_verbose ())
        g_test_message ("%s: Linux's %s", desc->name, s.lp->name);
      check_init (&s, TRUE);
      check_layout (&s, 2 * (guint64) desc->pages_per_block, TRUE);
      check_bit_flips (&s);
      check_bad_blocks (&s);
      served_stop (&s);

      /* --ecc none: the cells raw, Linux's layout all the same. */
      served_start (&s, desc, FALSE);
      check_init (&s, FALSE);
      check_layout (&s, 3 * (guint64) desc->pages_per_block, FALSE);
      served_stop (&s);
    }
  g_assert_cmpuint (parts, >=, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/muse-spinand/part-lookup", test_part_lookup);
  g_test_add_func ("/muse-spinand/decoders", test_decoders);
  g_test_add_func ("/muse-spinand/catalog-parts", test_catalog_parts);
  return g_test_run ();
}
