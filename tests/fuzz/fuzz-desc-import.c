/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: arbitrary bytes as the parameter table dump that
 * `flashmodel descriptor --from-onfi`, `--from-jedec` or `--from-sfdp`
 * takes from anyone (fm-chip-desc-import.h): input that starts with "SFDP"
 * goes to the SFDP import, with "JESD" to the JEDEC one, the rest to the
 * ONFI one.
 *
 * A dump must give descriptor text or be refused with an
 * FM_ERROR_DESCRIPTOR naming the file, never crash or warn (criticals are
 * fatal here); what it gives must load as a descriptor and carry the
 * FILL IN markers. The seeds (corpus/fuzz-desc-import/, written by
 * make-onfi-seeds) are the READ PARAMETER PAGE output of every ONFI part
 * of chips/, three copies each, with the extended parameter page where
 * the part has one, the JEDEC page of every JEDEC part (three copies) and
 * the SFDP of every SPI NOR part.
 */
#include "flashmodel.h"
#include "fuzz-log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check (gboolean ok, const char *what)
{
  if (!ok)
    {
      fprintf (stderr, "fuzz-desc-import: %s\n", what);
      abort ();
    }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_make_warnings_fatal ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  gboolean sfdp = size >= 4 && memcmp (data, "SFDP", 4) == 0;
  gboolean jedec = size >= 4 && memcmp (data, "JESD", 4) == 0;
  g_autofree gchar *text = sfdp ? fm_chip_desc_from_sfdp (data, size, "fuzz.bin", &error)
                         : jedec ? fm_chip_desc_from_jedec (data, size, "fuzz.bin", &error)
                                 : fm_chip_desc_from_onfi (data, size, "fuzz.bin", &error);
  g_autoptr (FmChipDesc) d = NULL;

  if (!text)
    {
      check (g_error_matches (error, FM_ERROR, FM_ERROR_DESCRIPTOR), "refused without FM_ERROR_DESCRIPTOR");
      check (g_str_has_prefix (error->message, "fuzz.bin: "), "an error that does not name the file");
      return 0;
    }
  check (strstr (text, FM_DESC_IMPORT_FILL_IN) != NULL, "no FILL IN markers");
  d = fm_chip_desc_load_data (text, "fuzz", &error);
  check (d != NULL, "the descriptor it gave does not load");
  return 0;
}
