/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-ecc.h"
#include "fm-ecc-bch.h"
#include "fm-error.h"

#include <stdlib.h>
#include <string.h>

void
fm_ecc_free (FmEcc *ecc)
{
  if (!ecc)
    return;
  if (ecc->free_engine)
    ecc->free_engine (ecc->engine);
  g_free (ecc->name);
  g_free (ecc);
}

/* Parses "/S" (or nothing: DEFAULT_STEP) at TEXT. */
static gboolean
parse_step (const gchar *text, guint default_step, guint *step)
{
  gchar *end;
  guint64 v;

  if (!*text)
    {
      *step = default_step;
      return TRUE;
    }
  if (*text != '/' || !g_ascii_isdigit (text[1]))
    return FALSE;
  v = g_ascii_strtoull (text + 1, &end, 10);
  if (*end || v > G_MAXUINT)
    return FALSE;
  *step = v;
  return TRUE;
}

/* Whether ECC "auto" for DESC corrects less than the part requires: the
 * BCH engine's strength ends at FM_BCH_MAX_T bits. */
gboolean
fm_ecc_auto_capped (const FmChipDesc *desc)
{
  return desc && desc->ecc_bits > FM_BCH_MAX_T;
}

gboolean
fm_ecc_new_from_name (const gchar *name, const FmChipDesc *desc, FmEcc **ecc, GError **error)
{
  guint step;

  *ecc = NULL;
  if (g_str_equal (name, "none"))
    return TRUE;
  if (g_str_equal (name, "auto"))
    {
      /* The requirement Linux knows (parameter page, ID decoding, full-ID
       * table) in BCH; none, or 1 bit: 1-bit Hamming per 256 bytes, as
       * flashmodel-pci's ecc=auto. Above what the engine corrects, its
       * strongest code (see fm_ecc_auto_capped()). */
      if (!desc || desc->ecc_bits <= 1)
        *ecc = fm_ecc_new_hamming (256, FALSE, error);
      else
        *ecc = fm_ecc_new_bch (desc->ecc_codeword_size, MIN (desc->ecc_bits, FM_BCH_MAX_T), 0, error);
      return *ecc != NULL;
    }
  if (g_str_has_prefix (name, "hamming"))
    {
      if (!parse_step (name + strlen ("hamming"), 256, &step))
        goto bad;
      *ecc = fm_ecc_new_hamming (step, FALSE, error);
      return *ecc != NULL;
    }
  if (g_str_has_prefix (name, "bch") && g_ascii_isdigit (name[3]))
    {
      gchar *end;
      guint64 t = g_ascii_strtoull (name + 3, &end, 10);

      if (t > G_MAXUINT || !parse_step (end, 512, &step))
        goto bad;
      *ecc = fm_ecc_new_bch (step, t, 0, error);
      return *ecc != NULL;
    }
bad:
  g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
               "unknown ECC '%s' (auto, none, hamming[/256|/512], bchT[/512|/1024])", name);
  return FALSE;
}
