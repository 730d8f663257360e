/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-digest.h"

#include <string.h>

#include <gcrypt.h>

/* libgcrypt must be initialised once per process; an application that
 * already did so (with its own settings) is left alone. */
static void
ensure_gcrypt (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      if (!gcry_control (GCRYCTL_INITIALIZATION_FINISHED_P))
        {
          if (!gcry_check_version (GCRYPT_VERSION))
            g_error ("flashmodel: libgcrypt is older than the %s it was built with", GCRYPT_VERSION);
          gcry_control (GCRYCTL_DISABLE_SECMEM, 0);
          gcry_control (GCRYCTL_INITIALIZATION_FINISHED, 0);
        }
      g_once_init_leave (&done, 1);
    }
}

void
fm_digest (const guint8 *data, gsize len, guint8 out[FM_DIGEST_SIZE])
{
  ensure_gcrypt ();
  gcry_md_hash_buffer (GCRY_MD_SHA256, out, data, len);
}

void
fm_digest_image (FmImage *image, const FmChipDesc *desc, guint8 out[FM_DIGEST_SIZE])
{
  gsize page_bytes = desc->page_size + desc->oob_size;
  guint64 seed = fm_image_seed (image);
  gcry_md_hd_t md;

  ensure_gcrypt ();
  if (gcry_md_open (&md, GCRY_MD_SHA256, 0) != 0)
    g_error ("flashmodel: libgcrypt cannot open SHA-256");
  gcry_md_write (md, fm_image_chip_name (image), strlen (fm_image_chip_name (image)) + 1);
  gcry_md_write (md, &seed, sizeof seed);
  for (guint32 b = 0; b < fm_image_blocks (image); b++)
    {
      const FmBlockMeta *m = fm_image_block (image, b);
      guint32 rec[2] = { m->erase_count, m->flags };

      gcry_md_write (md, rec, sizeof rec);
    }
  for (guint64 p = 0; p < (guint64) fm_image_blocks (image) * desc->pages_per_block; p++)
    {
      const guint8 *data = fm_image_page (image, p);

      if (!data)
        continue;
      gcry_md_write (md, &p, sizeof p);
      gcry_md_write (md, data, page_bytes);
    }
  memcpy (out, gcry_md_read (md, GCRY_MD_SHA256), FM_DIGEST_SIZE);
  gcry_md_close (md);
}

gchar *
fm_digest_to_hex (const guint8 digest[FM_DIGEST_SIZE])
{
  GString *s = g_string_sized_new (2 * FM_DIGEST_SIZE);

  for (guint i = 0; i < FM_DIGEST_SIZE; i++)
    g_string_append_printf (s, "%02x", digest[i]);
  return g_string_free (s, FALSE);
}
