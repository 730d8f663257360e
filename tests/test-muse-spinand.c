/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * muse-chip's SPI NAND parts as Linux 6.1's spinand sees them: which part
 * of the vendors' tables a descriptor is, and what each vendor's
 * get_status() makes of the ECC registers a read leaves.
 */
#include "fm-test-util.h"
#include "muse-spinand.h"

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/muse-spinand/part-lookup", test_part_lookup);
  g_test_add_func ("/muse-spinand/decoders", test_decoders);
  return g_test_run ();
}
