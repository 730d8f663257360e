/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every frontend (muse-chip, QEMU's flashmodel-pci device) does to
 * put a chip model to work: open its image or make a new one, then attach
 * a journal and fault rules to its cells.
 */
#pragma once

#include "fm-journal.h"

G_BEGIN_DECLS

/* Opens PATH, or creates it if it does not exist: a NOR part erased, a
 * NAND part with the factory bad blocks SEED places. PATH NULL: a volatile
 * image in memory. CREATED (may be NULL): whether the file was made now. */
FmImage *fm_frontend_open_image (const FmChipDesc *desc, const gchar *path,
                                 guint64 seed, gboolean *created, GError **error);

/* Attaches a journal created at RECORD_PATH (NULL: none; the file must not
 * exist) before anything else touches CELLS, so that it sees every
 * operation, and then FAULTS (NULL: none; taken, even on failure). On
 * failure nothing is attached. */
gboolean fm_frontend_attach (FmNand *cells, const FmChipDesc *desc,
                             const gchar *record_path, FmFaultSet *faults,
                             FmJournalWriter **journal, GError **error);

G_END_DECLS
