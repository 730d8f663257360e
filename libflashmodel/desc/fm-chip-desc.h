/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chip descriptors: the datasheet facts of one real part, loaded from a GLib
 * key file in chips/ (the schema is chips/README.md). A descriptor is
 * immutable once loaded; every model instance of the part shares it.
 */
#pragma once

#include <glib.h>

#include "fm-bit-errors.h"
#include "fm-vt-model.h"

G_BEGIN_DECLS

typedef enum {
  FM_CHIP_NAND_SLC,
  FM_CHIP_NAND_MLC,
  FM_CHIP_NOR_CFI,
  FM_CHIP_SPI_NOR,
  FM_CHIP_SPI_NAND,
} FmChipType;

/* Optional commands ([commands] optional=). */
typedef enum {
  FM_CMD_CACHE_PROGRAM        = 1 << 0,
  FM_CMD_READ_CACHE           = 1 << 1,
  FM_CMD_GET_SET_FEATURES     = 1 << 2,
  FM_CMD_READ_STATUS_ENHANCED = 1 << 3,
  FM_CMD_COPYBACK             = 1 << 4,
  FM_CMD_READ_UNIQUE_ID       = 1 << 5,
  FM_CMD_MULTI_PLANE          = 1 << 6,
} FmOptionalCommands;

/* ONFI feature bits we claim ([onfi] features=), as in the parameter page. */
typedef enum {
  FM_ONFI_FEATURE_16BIT          = 1 << 0,
  FM_ONFI_FEATURE_MULTI_LUN      = 1 << 1,
  FM_ONFI_FEATURE_NON_SEQ_PROG   = 1 << 2,
  FM_ONFI_FEATURE_MULTI_PLANE    = 1 << 3,
  FM_ONFI_FEATURE_ODD_EVEN_COPYBACK = 1 << 4,
} FmOnfiFeatures;

/* The JEDEC parameter page revision a part claims (its revision bits). */
typedef enum {
  FM_JEDEC_VERSION_NONE = 0,
  FM_JEDEC_VERSION_VENDOR = 1,  /* bit 1: vendor specific */
  FM_JEDEC_VERSION_1_0 = 10,    /* bit 2: JESD230 1.0 */
} FmJedecVersion;

/* Pages that carry the factory bad block marker. */
typedef enum {
  FM_BBM_FIRST_PAGE  = 1 << 0,
  FM_BBM_SECOND_PAGE = 1 << 1,
  FM_BBM_LAST_PAGE   = 1 << 2,
} FmBadBlockMarkerPages;

typedef enum {
  FM_PAIRING_NONE,
  FM_PAIRING_DIST3, /* Linux nand_pairing_dist3 (Micron/Hynix MLC) */
} FmPairingScheme;

/* Typical and maximum duration of one array operation, in nanoseconds. */
typedef struct {
  guint64 typ_ns;
  guint64 max_ns;
} FmOpTime;

/*
 * NOR parts ([nor], [cfi], [spi] in the descriptor). A NOR chip keeps its
 * cells in the same array as a NAND chip (fm-nor.h): the loader derives
 * the array's NAND-style geometry from these facts (page = program buffer
 * or SPI page, block = smallest erase sector, no spare area, no partial
 * program limit, no page order, no factory bad blocks).
 */
#define FM_MAX_ERASE_REGIONS 4
#define FM_MAX_SPI_ERASE_TYPES 4
#define FM_MAX_CFI_DEVICE_IDS 3
#define FM_MAX_CFI_EXT_TABLE 64

/* CFI erase block region: COUNT sectors of SIZE bytes, in address order. */
typedef struct {
  guint32 count;
  guint32 size;
} FmEraseRegion;

/* CFI primary command sets (query table offset 13h). */
enum {
  FM_CFI_CMDSET_INTEL = 0x0001,  /* Intel/Sharp extended */
  FM_CFI_CMDSET_AMD = 0x0002,    /* AMD/Fujitsu standard */
};

/* One SPI erase instruction: SFDP erase type. */
typedef struct {
  guint32 size;       /* bytes, a power of two */
  guint8 opcode;      /* with 3-byte (or current-mode) addresses */
  guint8 opcode_4b;   /* its 4-byte-address form; 0: none */
  FmOpTime time;
} FmSpiEraseType;

/* Multi-I/O fast reads: instruction-address-data lines. */
typedef enum {
  FM_SPI_READ_1_1_2 = 1 << 0,   /* 3Bh */
  FM_SPI_READ_1_2_2 = 1 << 1,   /* BBh */
  FM_SPI_READ_1_1_4 = 1 << 2,   /* 6Bh */
  FM_SPI_READ_1_4_4 = 1 << 3,   /* EBh */
} FmSpiReadModes;

#define FM_SPI_N_READ_MODES 4

/* The quad enable bit, as the SFDP QER field describes it. */
typedef enum {
  FM_SPI_QE_NONE,      /* no QE bit (QER 000b) */
  FM_SPI_QE_SR2_BIT1,  /* SR2 bit 1: 35h reads SR2, 01h writes SR1+SR2, 31h SR2 (QER 101b) */
  FM_SPI_QE_SR1_BIT6,  /* SR1 bit 6, Macronix (QER 010b) */
} FmSpiQuadEnable;

typedef struct {
  guint64 size;                 /* bytes */
  FmEraseRegion regions[FM_MAX_ERASE_REGIONS];
  guint n_regions;              /* SPI: one region of the smallest erase */
  guint32 granule;              /* smallest erase unit: the array's block */
  guint32 program_buffer;       /* CFI write buffer, SPI page: the array's page */
  guint32 pe_cycles;            /* per sector */
  FmOpTime t_word_program;      /* CFI: one byte/word; SPI: one byte (tBP) */
  FmOpTime t_buffer_program;    /* CFI: a full write buffer; SPI: page (tPP) */
  FmOpTime t_sector_erase;      /* CFI: one sector; SPI: the smallest erase type's */
  FmOpTime t_chip_erase;        /* zero: no chip erase (Intel J3) */
  guint64 t_suspend_ns;         /* erase/program suspend latency */

  /* CFI parallel NOR */
  guint bus_widths;             /* 8 | 16: data bus widths the part supports */
  guint16 cfi_command_set;      /* FM_CFI_CMDSET_* */
  guint16 manufacturer_id;      /* autoselect address 0 */
  guint16 device_id[FM_MAX_CFI_DEVICE_IDS]; /* AMD: 01h, 0Eh, 0Fh; Intel: 01h */
  guint n_device_ids;
  guint8 vcc_min, vcc_max, vpp_min, vpp_max; /* query 1Bh-1Eh encodings */
  guint16 ext_table_addr;       /* primary extended query table (15h) */
  guint8 ext_table[FM_MAX_CFI_EXT_TABLE];   /* its bytes, from "PRI" on */
  guint ext_table_len;

  /* SPI NOR */
  FmSpiEraseType erase_types[FM_MAX_SPI_ERASE_TYPES];
  guint n_erase_types;          /* sorted by size */
  FmSpiReadModes read_modes;
  guint8 read_dummy_clocks[FM_SPI_N_READ_MODES]; /* per mode bit, mode clocks included */
  gboolean four_byte;           /* B7h/E9h and 4-byte opcodes (13h, 0Ch, 12h, ...) */
  guint bp_bits;                /* block protect bits BP0.. in status register 1 (bit 2 on) */
  gboolean tb_bit;              /* top/bottom bit right above the BP bits */
  FmSpiQuadEnable quad_enable;  /* where the QE bit lives (SFDP QER) */
  guint64 t_write_status_ns;    /* tW, typical */
} FmNorDesc;

/*
 * A range of spare bytes, as Linux's struct mtd_oob_region. On-die ECC
 * layouts ([on-die-ecc]) are lists of them: where the chip writes its
 * parity, which spare bytes the host may use, and which of those the
 * chip's code also protects.
 */
typedef struct {
  guint16 offset;
  guint16 length;
} FmOobRegion;

#define FM_MAX_OOB_REGIONS 256

typedef struct {
  FmOobRegion ecc[FM_MAX_OOB_REGIONS];        /* parity, in sector order */
  guint n_ecc;
  FmOobRegion free[FM_MAX_OOB_REGIONS];       /* the host's, in order */
  guint n_free;
  FmOobRegion protected[FM_MAX_OOB_REGIONS];  /* free bytes the code covers */
  guint n_protected;
} FmOobLayout;

/*
 * SPI NAND parts ([spi-nand]): the bus facts Linux's spinand core and
 * vendor drivers (drivers/mtd/nand/spi) rely on. The cells are a NAND
 * array (the NAND groups give geometry, timing and reliability), always
 * with on-die ECC ([on-die-ecc]).
 */
typedef enum {
  FM_SPI_NAND_ID_OPCODE,   /* the ID follows 9Fh at once */
  FM_SPI_NAND_ID_ADDRESS,  /* after one address byte */
  FM_SPI_NAND_ID_DUMMY,    /* after one dummy byte */
} FmSpiNandIdMethod;

/* How the status register (and the vendor's extra registers) report what
 * the on-die ECC did, named after the Linux function that decodes it. */
typedef enum {
  FM_SPI_NAND_ECC_SPINAND_DEFAULT, /* core.c spinand_check_ecc_status(): 00/01/10 */
  FM_SPI_NAND_ECC_MX35LF1GE4AB,    /* macronix.c: the default + 7Ch bit flip count */
  FM_SPI_NAND_ECC_MICRON_8,        /* micron.c micron_8_ecc_get_status(): 3 bits */
  FM_SPI_NAND_ECC_GD5FXGQ4XA,      /* gigadevice.c: 01 1-7, 11 8, 10 failed */
  FM_SPI_NAND_ECC_GD5FXGQ4UEXXG,   /* gigadevice.c: ECCS + ECCSE in F0h */
  FM_SPI_NAND_ECC_GD5FXGQ5XEXXG,   /* gigadevice.c: 01 + ECCSE in F0h (1-4) */
  FM_SPI_NAND_ECC_TX58CXGXSXRAIX,  /* toshiba.c: 01/11 + 30h bit flip count */
  FM_SPI_NAND_ECC_XT26G0XA,        /* xtx.c: 4 bits at 5:2 */
  FM_SPI_NAND_ECC_PN26G0XA,        /* paragon.c: 01 1-7, 11 8, 10 failed */
} FmSpiNandEccStatus;

#define FM_SPI_NAND_N_ECC_STATUS 9

/* READ FROM CACHE instructions, as Linux's SPINAND_PAGE_READ_FROM_CACHE_*. */
typedef enum {
  FM_SPI_NAND_READ_1_1_1 = 1 << 0,      /* 03h */
  FM_SPI_NAND_READ_1_1_1_FAST = 1 << 1, /* 0Bh */
  FM_SPI_NAND_READ_1_1_2 = 1 << 2,      /* 3Bh */
  FM_SPI_NAND_READ_1_2_2 = 1 << 3,      /* BBh */
  FM_SPI_NAND_READ_1_1_4 = 1 << 4,      /* 6Bh */
  FM_SPI_NAND_READ_1_4_4 = 1 << 5,      /* EBh */
} FmSpiNandReadOps;

#define FM_SPI_NAND_N_READ_OPS 6

typedef struct {
  FmSpiNandIdMethod read_id;
  FmSpiNandEccStatus ecc_status;
  FmSpiNandReadOps read_ops;
  /* Per read op (by its bit): dummy bytes after the 2-byte column, as
   * Linux's spi-mem counts them (at the address phase's width). */
  guint8 read_dummy[FM_SPI_NAND_N_READ_OPS];
  gboolean program_load_x4;   /* 32h and 34h besides 02h and 84h */
  gboolean quad_enable;       /* QE, configuration bit 0, gates the x4 ops */
  guint8 config_reset;        /* B0h at power-on */
  guint8 config_writable;     /* its bits SET FEATURE changes */
  gint buffer_read_bit;       /* B0h bit that selects buffer (not
                               * continuous) reads when set; -1: none */
  /* Per read op: the dummy bytes that replace the column and dummy bytes
   * in continuous read mode. */
  guint8 continuous_dummy[FM_SPI_NAND_N_READ_OPS];
  guint8 protect_reset;       /* A0h at power-on */
  guint8 protect_writable;
  guint bp_bits;              /* BP0 at bit 3 and up */
  gint tb_bit;                /* protect from the bottom; -1: none */
  gint cmp_bit;               /* protect the complement; -1: none */
  guint protect_first_fraction; /* BP = 1 protects 1/this of the chip */
  guint otp_pages;            /* user OTP pages, from page 02h in OTP mode */
  gboolean unique_id_page;    /* page 00h in OTP mode */
} FmSpiNandDesc;

/*
 * The bounds of a chip's array, NAND and NOR alike (a NOR part's page is
 * its program buffer, with no spare area): the descriptor loader keeps
 * every part inside them, and images (fm-image.h) are checked against
 * them before any of their numbers is used.
 */
#define FM_CHIP_NAME_MAX 63              /* characters: a-z, 0-9 and '-' */
#define FM_CHIP_PAGE_SIZE_MAX 32768
#define FM_CHIP_OOB_SIZE_MAX 4096
#define FM_CHIP_PAGES_PER_BLOCK_MAX 65535 /* a block's next page fits 16 bits */
/* Chip enables of a package (Linux's nand_scan() takes any maxchips;
 * packages have 1, 2 or 4). */
#define FM_CHIP_TARGETS_MAX 4
#define FM_CHIP_BLOCKS_MAX (1u << 24)    /* NAND: 2^20 per LUN x 16 LUNs; NOR: 4 GiB of 256 B */

#define FM_MAX_ID_BYTES 8
#define FM_MAX_FEATURE_ADDRS 16

typedef struct {
  gchar *name;
  gchar *vendor;
  gchar *part;
  gchar *datasheet;
  gchar *path;          /* the file it was loaded from */
  FmChipType type;

  guint8 id[FM_MAX_ID_BYTES];
  guint id_len;

  /* geometry */
  guint32 page_size;
  guint32 oob_size;
  guint32 pages_per_block;
  guint32 blocks_per_lun;
  guint32 luns;         /* LUNs (dies) per chip enable */
  guint32 targets;      /* chip enables: targets behind separate CE# */
  guint32 planes;
  guint32 bus_width;    /* 8 or 16 */
  gboolean small_page;  /* 512-byte page: pointer commands, 1 column cycle */

  FmOptionalCommands commands;

  /* ONFI (onfi_version == 0 means the part has no ONFI support) */
  guint onfi_version;   /* 10, 20, 21, 22, 23, 30 */
  /* JEDEC parameter page instead ([jedec]; 0: none). The fields below
   * from onfi_manufacturer on are that page's then. */
  FmJedecVersion jedec_version;
  gchar onfi_manufacturer[13];
  gchar onfi_model[21];
  guint8 jedec_id;
  FmOnfiFeatures onfi_features;
  guint16 timing_modes;
  guint16 cache_timing_modes;
  guint ecc_bits;
  guint ecc_codeword_size;
  guint guaranteed_valid_blocks;
  guint32 guaranteed_block_endurance;
  guint tccs_ns;
  guint tadl_ns;
  guint8 feature_addrs[FM_MAX_FEATURE_ADDRS];
  guint n_feature_addrs;
  guint vendor_revision;

  /* timing */
  FmOpTime t_r, t_prog, t_bers, t_cbsy, t_rcbsy, t_dbsy;
  guint64 t_feat_ns;
  guint64 t_rst_ns;

  /* reliability */
  guint nop;
  gboolean sequential_program;
  guint32 pe_cycles;
  gdouble wearout_shape;
  gdouble wearout_scale;
  guint factory_bad_blocks_max;  /* per LUN */
  guint bbm_offset;              /* byte (x8) or word (x16) in the spare area */
  FmBadBlockMarkerPages bbm_pages;

  FmPairingScheme pairing;

  /* [bit-errors]; all zero when the group is absent (no raw errors) */
  FmBitErrorModel bit_errors;
  /* [cell-model]: the threshold-voltage cell model (NULL: the part uses the
   * simple [bit-errors] formula, or none); owned */
  FmVtParams *cell_model;

  /* [on-die-ecc]; strength 0 when the part has none */
  guint on_die_ecc_strength;      /* bits per 512-byte sector: 4 or 8
                                   * (raw NAND), 1, 4 or 8 (SPI NAND) */
  guint8 on_die_ecc_feature;      /* SET FEATURES address that switches it */
  guint8 on_die_ecc_enable_mask;  /* its bit in that feature's first byte */
  guint on_die_ecc_id_byte;       /* READ ID byte that shows it enabled */
  guint8 on_die_ecc_id_mask;      /* and the bit there */
  guint on_die_ecc_rewrite_bits;  /* 4-bit parts: corrected bits per sector
                                   * that set "rewrite recommended" */
  gboolean on_die_ecc_benand;     /* Toshiba BENAND: always on, hidden parity,
                                   * ECC STATUS READ 7Ah (fm-nand-vendor-toshiba.h) */
  FmOpTime t_r_ecc;               /* page read with the ECC enabled */
  FmOobLayout on_die_layout;      /* where its parity goes, what is free */

  /* [macronix]: block protection at feature address A0h, locked at
   * power-on when the PT pin is high (fm-nand-vendor-macronix.c) */
  gboolean mxic_block_protection;

  /* SPI NAND parts only (type spi-nand). */
  FmSpiNandDesc spi_nand;

  /* NOR parts only (type nor-cfi or spi-nor). */
  FmNorDesc nor;
} FmChipDesc;

FmChipDesc *fm_chip_desc_load_file (const gchar *path, GError **error);
FmChipDesc *fm_chip_desc_load_data (const gchar *data, const gchar *origin,
                                    GError **error);
void        fm_chip_desc_free      (FmChipDesc *desc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmChipDesc, fm_chip_desc_free)

/*
 * The directory chips are looked up in: $FLASHMODEL_CHIPS_DIR if set, else
 * the installed data directory if it exists, else the source tree's chips/
 * (not in builds with -Dsource_tree_chips=false, such as the packages).
 */
const gchar *fm_chip_catalog_dir   (void);
/* Sorted names of every descriptor in the catalog. */
GStrv        fm_chip_catalog_names (GError **error);
/* NAME is a catalog name, or a path to a .ini file. */
FmChipDesc  *fm_chip_desc_lookup   (const gchar *name, GError **error);

const gchar *fm_chip_type_to_string (FmChipType type);
/* What [spi-nand] calls these ("spinand-default", "opcode", "1-1-4" ...). */
const gchar *fm_spi_nand_ecc_status_to_string (FmSpiNandEccStatus status);
const gchar *fm_spi_nand_id_method_to_string  (FmSpiNandIdMethod method);
/* INDEX: a FmSpiNandReadOps bit number. */
const gchar *fm_spi_nand_read_op_to_string    (guint index);
/* NAME is what a descriptor's [chip] name may be: 1 to FM_CHIP_NAME_MAX
 * of a-z, 0-9 and '-' (so also a catalog name, never a path). */
gboolean     fm_chip_name_valid     (const gchar *name);

/* Derived geometry. */
guint32 fm_chip_desc_blocks      (const FmChipDesc *desc); /* all LUNs */
guint64 fm_chip_desc_pages       (const FmChipDesc *desc);
guint64 fm_chip_desc_size_bytes  (const FmChipDesc *desc); /* data only */
guint   fm_chip_desc_page_bits   (const FmChipDesc *desc); /* row: page */
guint   fm_chip_desc_block_bits  (const FmChipDesc *desc); /* row: block */
guint   fm_chip_desc_lun_bits    (const FmChipDesc *desc); /* row: LUN */
/* LUNs of the whole package: luns per target times targets. Blocks are
 * numbered across them, target 0's LUNs first. */
guint   fm_chip_desc_all_luns    (const FmChipDesc *desc);
guint   fm_chip_desc_row_cycles  (const FmChipDesc *desc);
guint   fm_chip_desc_col_cycles  (const FmChipDesc *desc);
guint   fm_chip_desc_bits_per_cell (const FmChipDesc *desc);
gboolean fm_chip_desc_is_nor      (const FmChipDesc *desc);
/* An array of NAND pages with a spare area: raw (parallel) or SPI NAND. */
gboolean fm_chip_desc_is_nand     (const FmChipDesc *desc);

G_END_DECLS
