/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ONFI parameter page (ONFI 1.0 to 3.0 layout, 256 bytes, CRC-16 at
 * bytes 254-255) built from a descriptor, and its parser, used by tests and
 * tools to read back what a host would.
 */
#pragma once

#include "fm-chip-desc.h"

G_BEGIN_DECLS

#define FM_ONFI_PARAM_PAGE_SIZE 256
/* READ PARAMETER PAGE returns this many identical copies of the page, then
 * (when there is one) as many copies of the extended parameter page. */
#define FM_ONFI_PARAM_PAGE_COPIES 3
/* The extended parameter page this model emits (ONFI 2.1+): the 32-byte
 * header and one 16-byte ECC information section. */
#define FM_ONFI_EXT_PARAM_PAGE_SIZE 48

/* Byte offsets in the parameter page. */
enum {
  FM_ONFI_OFF_SIGNATURE = 0,
  FM_ONFI_OFF_REVISION = 4,
  FM_ONFI_OFF_FEATURES = 6,
  FM_ONFI_OFF_OPT_CMD = 8,
  FM_ONFI_OFF_EXT_PARAM_LEN = 12,   /* ONFI 2.1+: in 16-byte units */
  FM_ONFI_OFF_NUM_PARAM_PAGES = 14, /* ONFI 2.1+ */
  FM_ONFI_OFF_MANUFACTURER = 32,
  FM_ONFI_OFF_MODEL = 44,
  FM_ONFI_OFF_JEDEC_ID = 64,
  FM_ONFI_OFF_PAGE_SIZE = 80,
  FM_ONFI_OFF_SPARE_SIZE = 84,
  FM_ONFI_OFF_PAGES_PER_BLOCK = 92,
  FM_ONFI_OFF_BLOCKS_PER_LUN = 96,
  FM_ONFI_OFF_LUNS = 100,
  FM_ONFI_OFF_ADDR_CYCLES = 101,
  FM_ONFI_OFF_BITS_PER_CELL = 102,
  FM_ONFI_OFF_BAD_BLOCKS_MAX = 103,
  FM_ONFI_OFF_ENDURANCE = 105,
  FM_ONFI_OFF_GUARANTEED_BLOCKS = 107,
  FM_ONFI_OFF_GUARANTEED_ENDURANCE = 108,
  FM_ONFI_OFF_NOP = 110,
  FM_ONFI_OFF_ECC_BITS = 112,
  FM_ONFI_OFF_PLANE_BITS = 113,
  FM_ONFI_OFF_INTERLEAVED_OPS = 114,
  FM_ONFI_OFF_TIMING_MODES = 129,
  FM_ONFI_OFF_CACHE_TIMING_MODES = 131,
  FM_ONFI_OFF_TPROG = 133,
  FM_ONFI_OFF_TBERS = 135,
  FM_ONFI_OFF_TR = 137,
  FM_ONFI_OFF_TCCS = 139,
  FM_ONFI_OFF_TADL = 154,
  FM_ONFI_OFF_VENDOR_REVISION = 164,
  FM_ONFI_OFF_VENDOR = 166,          /* 88 bytes: the vendor's block */
  /* struct nand_onfi_vendor_macronix reliability_func (nand_macronix.c) */
  FM_ONFI_OFF_MACRONIX_RELIABILITY = 167,
  /* struct nand_onfi_vendor_micron read_retry_options (nand_micron.c) */
  FM_ONFI_OFF_MICRON_READ_RETRY_OPTIONS = 180,
  FM_ONFI_OFF_CRC = 254,
};

/* Features bit 7 (bytes 6-7): extended parameter page supported. */
#define FM_ONFI_FEATURES_EXT_PARAM_PAGE (1u << 7)
/* Byte 112 value meaning "codeword is not 512 bytes: see the extended
 * parameter page". */
#define FM_ONFI_ECC_BITS_SEE_EXT 0xff
#define FM_ONFI_VENDOR_LEN 88
/* reliability_func bit 0: read retry (Linux's MACRONIX_READ_RETRY_BIT). */
#define FM_ONFI_MACRONIX_READ_RETRY 0x01

/* Byte offsets in the extended parameter page. */
enum {
  FM_ONFI_EXT_OFF_CRC = 0,        /* CRC-16 over bytes 2..end */
  FM_ONFI_EXT_OFF_SIGNATURE = 2,  /* "EPPS" */
  FM_ONFI_EXT_OFF_SECTIONS = 16,  /* 8 x (type, length in 16-byte units) */
  FM_ONFI_EXT_OFF_SECTION_DATA = 32,
};
#define FM_ONFI_EXT_SECTION_MAX 8
#define FM_ONFI_EXT_SECTION_ECC 2

/* Optional command bits (bytes 8-9). */
enum {
  FM_ONFI_OPT_CACHE_PROGRAM = 1 << 0,
  FM_ONFI_OPT_READ_CACHE = 1 << 1,
  FM_ONFI_OPT_GET_SET_FEATURES = 1 << 2,
  FM_ONFI_OPT_READ_STATUS_ENHANCED = 1 << 3,
  FM_ONFI_OPT_COPYBACK = 1 << 4,
  FM_ONFI_OPT_READ_UNIQUE_ID = 1 << 5,
};

/* Fills PAGE (FM_ONFI_PARAM_PAGE_SIZE bytes) for an ONFI descriptor. */
void fm_onfi_build_param_page (const FmChipDesc *desc, guint8 *page);

/* Whether DESC needs the extended parameter page for its ECC requirement:
 * ONFI 2.1 or later and a codeword other than 512 bytes (byte 112 then
 * reads FFh, and the parameter page points at the extended page). */
gboolean fm_onfi_has_ext_param_page (const FmChipDesc *desc);

/* Fills EXT (FM_ONFI_EXT_PARAM_PAGE_SIZE bytes) and returns its length, or
 * returns 0 and leaves EXT alone if DESC has no extended parameter page. */
gsize fm_onfi_build_ext_param_page (const FmChipDesc *desc, guint8 *ext);

/* The ECC information section of an extended parameter page. */
typedef struct {
  guint8 ecc_bits;
  guint8 codeword_log2;     /* codeword size is 1 << codeword_log2 bytes */
  guint16 bad_blocks_max;
  guint64 endurance;
} FmOnfiExtEcc;

/* Checks EXT (LEN bytes, as the parameter page's length field gives) the way
 * Linux's nand_flash_detect_ext_param_page does: CRC, "EPPS", a type 2
 * section within the page, a nonzero codeword size. */
gboolean fm_onfi_parse_ext_param_page (const guint8 *ext, gsize len,
                                       FmOnfiExtEcc *out, GError **error);

/* What a host learns from a parameter page (as Linux's nand_onfi_detect). */
typedef struct {
  guint version;            /* 10, 20, 21, 22, 23, 30 */
  gchar manufacturer[13];
  gchar model[21];
  guint8 jedec_id;
  guint16 features;
  guint16 opt_cmd;
  guint ext_param_page_len; /* bytes; 0 without an extended parameter page */
  guint8 num_param_pages;   /* 0 before ONFI 2.1 */
  guint32 page_size;
  guint16 oob_size;
  guint32 pages_per_block;
  guint32 blocks_per_lun;
  guint8 luns;
  guint8 row_cycles;
  guint8 col_cycles;
  guint8 bits_per_cell;
  guint16 bad_blocks_max;
  guint64 endurance;
  guint8 nop;
  guint8 ecc_bits;
  guint8 plane_bits;
  guint8 interleaved_ops;   /* byte 114 */
  guint8 guaranteed_blocks;
  guint64 guaranteed_endurance;
  guint16 timing_modes;
  guint16 cache_timing_modes;
  guint16 t_prog_us, t_bers_us, t_r_us, t_ccs_ns;
  guint16 t_adl_ns;         /* 0 before ONFI 2.0 */
  guint16 vendor_revision;
  guint8 vendor[FM_ONFI_VENDOR_LEN]; /* bytes 166-253, as Linux's onfi->vendor */
} FmOnfiParams;

/* Checks the signature and CRC and decodes; FALSE with an error otherwise. */
gboolean fm_onfi_parse_param_page (const guint8 *page, FmOnfiParams *out,
                                   GError **error);

G_END_DECLS
