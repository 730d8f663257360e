/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A NAND host controller over the page-level API, for frontends that serve
 * a chip as a Linux MTD (muse-chip): byte addresses spanning pages, the
 * spare area split into bad block marker, free bytes and ECC bytes, ECC
 * computed on program and checked on read, and the MTD OOB modes (place,
 * auto, raw). What the ECC corrects is reported to the model's statistics.
 *
 * Spare area layout (large page, as Linux's nand_ooblayout_lp_ops): bytes
 * 0-1 hold the bad block marker, the ECC bytes of all steps are packed at
 * the end, the bytes between are free (MTD_OPS_AUTO_OOB). Small page: the
 * marker is byte 5, ECC at the end, the rest is free.
 */
#pragma once

#include "fm-ecc.h"
#include "fm-nand.h"

G_BEGIN_DECLS

typedef struct _FmNandHost FmNandHost;

typedef enum {
  FM_HOST_OOB_PLACE, /* OOB bytes at an offset of the whole spare area */
  FM_HOST_OOB_AUTO,  /* OOB bytes are the free bytes, in order */
} FmHostOobMode;

typedef struct {
  guint corrected;     /* bits corrected in this request */
  guint failed;        /* ECC steps that could not be corrected */
  guint max_bitflips;  /* most bits corrected in one step */
} FmHostReadResult;

/* ECC NULL: no host ECC (the host reads what the chip returns, corrected
 * if its on-die ECC is enabled; the spare layout is the chip's then, and
 * a SPI NAND part's always). Takes ownership
 * of ECC (freed on failure too). Fails if the ECC bytes do not fit the spare area. */
FmNandHost *fm_nand_host_new  (FmNand *nand, FmEcc *ecc, GError **error);
void        fm_nand_host_free (FmNandHost *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmNandHost, fm_nand_host_free)

FmNand     *fm_nand_host_nand (FmNandHost *host);
guint       fm_nand_host_oob_avail (const FmNandHost *host);
const FmEcc *fm_nand_host_ecc (const FmNandHost *host);
/* What corrects: the host's engine, or the chip's on-die ECC when it was
 * enabled before fm_nand_host_new() and no engine was given (the spare
 * layout is then the chip's). Strength 0: nothing corrects. */
guint        fm_nand_host_ecc_strength (const FmNandHost *host);
guint        fm_nand_host_ecc_step     (const FmNandHost *host);
const gchar *fm_nand_host_ecc_name     (const FmNandHost *host);

/* A page's outcome as a host that reads the chip's status register sees
 * it: the bit flips it counts, or FM_HOST_PAGE_UNCORRECTABLE. */
#define FM_HOST_PAGE_UNCORRECTABLE (-1)
typedef gboolean (*FmHostOnDieReport) (gpointer user_data, const FmChipDesc *desc,
                                       const FmOnDieEccResult *chip, gint *bitflips,
                                       GError **error);
/* How reads report what the chip's on-die ECC did in each page. By
 * default the chip's own counts (bits corrected, the most in a sector,
 * sectors failed); a host that learns only what a status register says
 * (Linux's SPI NAND drivers: "1-3 bits corrected", "corrected") gives
 * REPORT, whose answer per page becomes the read's counts (corrected:
 * the sum, max_bitflips: the most, failed: the pages). A REPORT failure
 * fails the read. The model's statistics keep the chip's own counts. */
void         fm_nand_host_set_on_die_report (FmNandHost *host, FmHostOnDieReport report,
                                             gpointer user_data);

/* The unit writes come in: the sub-page Linux's nand_base would give the
 * chip with this ECC (mtd->writesize >> mtd->subpage_sft: a half or a
 * quarter of an SLC page of 2, or 4 to 16, ECC steps), else the page. */
guint        fm_nand_host_subpage_size (const FmNandHost *host);

/* LEN bytes at ADDR and OOBLEN bytes of spare (starting at OOBOFFS of the
 * first page's spare or free bytes, continuing into the next pages). RAW:
 * no ECC. Reads may start and end anywhere; writes take whole sub-pages
 * (fm_nand_host_subpage_size()): each page written is programmed once,
 * with all ones where the request has no data and the ECC of the steps
 * it has, so that the page's other sub-pages can be programmed later
 * (within the part's NOP). */
gboolean fm_nand_host_read  (FmNandHost *host, guint64 addr, gsize len, guint8 *data,
                             guint ooboffs, gsize ooblen, guint8 *oob,
                             FmHostOobMode mode, gboolean raw,
                             FmHostReadResult *result, GError **error);
gboolean fm_nand_host_write (FmNandHost *host, guint64 addr, gsize len, const guint8 *data,
                             guint ooboffs, gsize ooblen, const guint8 *oob,
                             FmHostOobMode mode, gboolean raw, GError **error);
gboolean fm_nand_host_erase (FmNandHost *host, guint64 addr, guint64 len,
                             guint64 *fail_addr, GError **error);

G_END_DECLS
