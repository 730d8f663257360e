/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Descriptors from real chips: the descriptor text (a key file like
 * those in chips/) that a parameter table read off a part implies. Every field the
 * table carries is filled from it; every field a descriptor needs that
 * the table does not carry gets a default, written with a "# FILL IN"
 * comment saying what to take from the datasheet, so the text loads at
 * once and the person knows what is still theirs to check. The text is
 * loaded back before it is returned: a table no model part could have is
 * refused, naming the field.
 */
#pragma once

#include "fm-chip-desc.h"

G_BEGIN_DECLS

/* The marker on every line the table did not fill. */
#define FM_DESC_IMPORT_FILL_IN "# FILL IN"

/*
 * DATA (LEN bytes, from ORIGIN, which errors name) is what READ PARAMETER
 * PAGE (ECh-00h) returned: copies of the 256-byte ONFI parameter page, then
 * (ONFI 2.1+ with ECC in it) the extended parameter page's copies. As
 * Linux's nand_onfi_detect does, the first copy whose CRC holds is used,
 * and with three copies and none good their bit-wise majority.
 */
gchar *fm_chip_desc_from_onfi (const guint8 *data, gsize len, const gchar *origin,
                               GError **error);

/*
 * DATA (LEN bytes, from ORIGIN) is what READ PARAMETER PAGE (ECh-40h)
 * returned on a part that answers READ ID 40h with "JEDEC": copies of the
 * 512-byte JESD230 parameter page. As Linux's nand_jedec_detect does, the
 * first of three copies whose CRC holds is used.
 */
gchar *fm_chip_desc_from_jedec (const guint8 *data, gsize len, const gchar *origin,
                                GError **error);

/*
 * DATA (LEN bytes, from ORIGIN) is the SFDP space of a serial NOR part from
 * address 0, as READ SFDP (5Ah) returns it: the header, the parameter
 * headers and the tables they point at. The JESD216B Basic Flash
 * Parameter Table (16 DWORDs) gives size, page, erase types and times,
 * the multi-I/O reads, the quad enable bit and 4-byte addressing; the
 * 4-Byte Address Instruction Table, when there, the 4-byte erase opcodes.
 */
gchar *fm_chip_desc_from_sfdp (const guint8 *data, gsize len, const gchar *origin,
                               GError **error);

G_END_DECLS
