/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JEDEC parameter page (JESD230, 512 bytes, "JESD", CRC-16 at bytes
 * 510-511) that parts without ONFI return for READ PARAMETER PAGE (ECh)
 * with address 40h, after READ ID 40h has answered "JEDEC"; built from a
 * descriptor's [jedec] group, and its parser, which checks what Linux's
 * nand_jedec_detect() checks. Field offsets are those of Linux's struct
 * nand_jedec_params (include/linux/mtd/jedec.h).
 */
#pragma once

#include "fm-chip-desc.h"

G_BEGIN_DECLS

#define FM_JEDEC_PARAM_PAGE_SIZE 512
/* READ PARAMETER PAGE returns this many identical copies (Linux tries 3). */
#define FM_JEDEC_PARAM_PAGE_COPIES 3
/* The address cycle of READ ID and READ PARAMETER PAGE that selects JEDEC. */
#define FM_JEDEC_ADDRESS 0x40
/* What READ ID 40h returns. */
#define FM_JEDEC_ID_SIGNATURE "JEDEC"
#define FM_JEDEC_ID_SIGNATURE_LEN 5

enum {
  FM_JEDEC_OFF_SIGNATURE = 0,
  FM_JEDEC_OFF_REVISION = 4,
  FM_JEDEC_OFF_FEATURES = 6,
  FM_JEDEC_OFF_OPT_CMD = 8,          /* 3 bytes */
  FM_JEDEC_OFF_NUM_PARAM_PAGES = 13,
  FM_JEDEC_OFF_MANUFACTURER = 32,
  FM_JEDEC_OFF_MODEL = 44,
  FM_JEDEC_OFF_JEDEC_ID = 64,        /* 6 bytes */
  FM_JEDEC_OFF_PAGE_SIZE = 80,
  FM_JEDEC_OFF_SPARE_SIZE = 84,
  FM_JEDEC_OFF_PAGES_PER_BLOCK = 92,
  FM_JEDEC_OFF_BLOCKS_PER_LUN = 96,
  FM_JEDEC_OFF_LUNS = 100,
  FM_JEDEC_OFF_ADDR_CYCLES = 101,
  FM_JEDEC_OFF_BITS_PER_CELL = 102,
  FM_JEDEC_OFF_NOP = 103,
  FM_JEDEC_OFF_PLANE_BITS = 104,
  FM_JEDEC_OFF_MULTI_PLANE_ATTR = 105,
  FM_JEDEC_OFF_ASYNC_SDR_SPEED = 144,
  FM_JEDEC_OFF_TPROG = 153,
  FM_JEDEC_OFF_TBERS = 155,
  FM_JEDEC_OFF_TR = 157,
  FM_JEDEC_OFF_TR_MULTI_PLANE = 159,
  FM_JEDEC_OFF_TCCS = 161,
  FM_JEDEC_OFF_TADL = 170,
  FM_JEDEC_OFF_GUARANTEED_BLOCKS = 208,
  FM_JEDEC_OFF_GUARANTEED_ENDURANCE = 209,
  FM_JEDEC_OFF_ECC_INFO = 211,       /* 4 blocks of 8 bytes; the first is used */
  FM_JEDEC_OFF_VENDOR_REVISION = 420,
  FM_JEDEC_OFF_CRC = 510,
};

/* Revision bits (bytes 4-5). */
#define FM_JEDEC_REVISION_VENDOR (1u << 1)
#define FM_JEDEC_REVISION_1_0 (1u << 2)

/* Feature bits (bytes 6-7), as JESD230 numbers them; Linux reads bit 0. */
enum {
  FM_JEDEC_FEATURE_16BIT = 1 << 0,
  FM_JEDEC_FEATURE_MULTI_LUN = 1 << 1,
  FM_JEDEC_FEATURE_NON_SEQ_PROG = 1 << 2,
  FM_JEDEC_FEATURE_MULTI_PLANE = 1 << 3,
};

/* Fills PAGE (FM_JEDEC_PARAM_PAGE_SIZE bytes) for a descriptor with
 * jedec_version set. */
void fm_jedec_build_param_page (const FmChipDesc *desc, guint8 *page);

/* What a host learns from the page: what nand_jedec_detect() reads, and
 * the other facts the page carries. */
typedef struct {
  FmJedecVersion version;
  gchar manufacturer[13];
  gchar model[21];
  guint8 jedec_id;
  guint16 features;
  guint32 opt_cmd;
  guint8 num_param_pages;
  guint32 page_size;
  guint16 oob_size;
  guint32 pages_per_block;
  guint32 blocks_per_lun;
  guint8 luns;
  guint8 row_cycles, col_cycles;
  guint8 bits_per_cell;
  guint8 nop;
  guint8 plane_bits;
  guint16 timing_modes;
  guint16 t_prog_us, t_bers_us, t_r_us, t_ccs_ns, t_adl_ns;
  guint8 guaranteed_valid_blocks;
  guint64 guaranteed_block_endurance;
  guint8 ecc_bits;
  guint8 codeword_log2;
  guint16 bad_blocks_max;
  guint64 endurance;
  guint16 vendor_revision;
} FmJedecParams;

/* Checks PAGE as nand_jedec_detect() does (CRC over bytes 0-509, a
 * revision with bit 2 or bit 1 set, an ECC codeword of at least 2^9) and
 * the "JESD" signature, and decodes it; FALSE with an error otherwise. */
gboolean fm_jedec_parse_param_page (const guint8 *page, FmJedecParams *out,
                                    GError **error);

G_END_DECLS
