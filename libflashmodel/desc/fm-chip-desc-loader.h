/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the descriptor loader (fm-chip-desc*.c): reading typed values
 * out of a descriptor's key file with errors that name the file, group, key
 * and reason, and the schema of groups and keys. Not installed.
 */
#pragma once

#include "fm-chip-desc.h"

G_BEGIN_DECLS

/* The key file being loaded and where it came from, for messages. */
typedef struct {
  GKeyFile *kf;
  const gchar *origin;
} FmDescLoader;

/* One name of a ';'-separated flag list and its bit. */
typedef struct {
  const gchar *name;
  guint value;
} FmDescFlagName;

/* The chip types a group belongs to, as bits (1 << FmChipType). */
#define FM_DESC_NAND ((1u << FM_CHIP_NAND_SLC) | (1u << FM_CHIP_NAND_MLC))
#define FM_DESC_SPI_NAND (1u << FM_CHIP_SPI_NAND)
#define FM_DESC_ANY_NAND (FM_DESC_NAND | FM_DESC_SPI_NAND)
#define FM_DESC_CFI  (1u << FM_CHIP_NOR_CFI)
#define FM_DESC_SPI  (1u << FM_CHIP_SPI_NOR)
#define FM_DESC_NOR  (FM_DESC_CFI | FM_DESC_SPI)
#define FM_DESC_ALL  (FM_DESC_ANY_NAND | FM_DESC_NOR)

/* A group of the schema: every key it may hold and who may use it. */
typedef struct {
  const gchar *group;
  const gchar *const *keys;
  guint types;
} FmDescGroup;

/* The groups of each family, each list ending with a NULL group. */
G_GNUC_INTERNAL extern const FmDescGroup fm_desc_nand_groups[];
G_GNUC_INTERNAL extern const FmDescGroup fm_desc_nor_groups[];
G_GNUC_INTERNAL extern const FmDescGroup fm_desc_spi_nand_groups[];

/* Sets ERROR to "ORIGIN: [GROUP] KEY: reason" (KEY may be NULL); FALSE. */
G_GNUC_INTERNAL G_GNUC_PRINTF (5, 6) gboolean
fm_desc_fail (const FmDescLoader *ld, GError **error, const gchar *group,
              const gchar *key, const gchar *fmt, ...);

/* Unknown groups and keys (typos) are errors. */
G_GNUC_INTERNAL gboolean fm_desc_check_schema (const FmDescLoader *ld, GError **error);
/* So is a group that belongs to another kind of chip than TYPE. */
G_GNUC_INTERNAL gboolean fm_desc_check_groups_for_type (const FmDescLoader *ld,
                                                        FmChipType type,
                                                        GError **error);

/* A decimal or 0x-prefixed unsigned integer, the whole of TEXT. */
G_GNUC_INTERNAL gboolean fm_desc_parse_u64 (const gchar *text, guint64 *out);

/*
 * Typed getters. Each returns FALSE with ERROR set on a bad or missing
 * required value; an absent optional key leaves *OUT as it was (its
 * default) and returns TRUE.
 */
G_GNUC_INTERNAL gboolean
fm_desc_get_string (const FmDescLoader *ld, const gchar *group, const gchar *key,
                    gboolean required, gsize max_len, gchar **out, GError **error);
/* An integer in [MIN, MAX]. */
G_GNUC_INTERNAL gboolean
fm_desc_get_uint (const FmDescLoader *ld, const gchar *group, const gchar *key,
                  gboolean required, guint64 min, guint64 max, guint64 *out,
                  GError **error);
G_GNUC_INTERNAL gboolean
fm_desc_get_double (const FmDescLoader *ld, const gchar *group, const gchar *key,
                    gboolean required, gdouble min, gdouble max, gdouble *out,
                    GError **error);
/* "true" or "false". */
G_GNUC_INTERNAL gboolean
fm_desc_get_bool (const FmDescLoader *ld, const gchar *group, const gchar *key,
                  gboolean required, gboolean *out, GError **error);
/* A ';'-separated list of names from TABLE, or'ed together. */
G_GNUC_INTERNAL gboolean
fm_desc_get_flags (const FmDescLoader *ld, const gchar *group, const gchar *key,
                   gboolean required, const FmDescFlagName *table, guint *out,
                   GError **error);
/* A ';'-separated list of MIN_N to MAX_N bytes; BARE_HEX: hex without 0x. */
G_GNUC_INTERNAL gboolean
fm_desc_get_bytes (const FmDescLoader *ld, const gchar *group, const gchar *key,
                   gboolean required, gboolean bare_hex, guint min_n, guint max_n,
                   guint8 *out, guint *n_out, GError **error);
/* A ';'-separated list of MIN_N to MAX_N integers, each at most MAX. */
G_GNUC_INTERNAL gboolean
fm_desc_get_uint_list (const FmDescLoader *ld, const gchar *group, const gchar *key,
                       gboolean required, guint64 max, guint min_n, guint max_n,
                       guint64 *out, guint *n_out, GError **error);
/* A ';'-separated list of exactly N numbers, each in [MIN, MAX]. */
G_GNUC_INTERNAL gboolean
fm_desc_get_double_list (const FmDescLoader *ld, const gchar *group, const gchar *key,
                         gboolean required, gdouble min, gdouble max, guint n,
                         gdouble *out, GError **error);
/*
 * The pair PREFIX-typ-UNIT / PREFIX-max-UNIT (UNIT "us" or "ms", decimals
 * allowed) as nanoseconds; the maximum must not be below the typical, and
 * either key alone is an error.
 */
G_GNUC_INTERNAL gboolean
fm_desc_get_op_time (const FmDescLoader *ld, const gchar *group, const gchar *prefix,
                     const gchar *unit, gboolean required, FmOpTime *out,
                     GError **error);

/* [nor], [nor-timing] and [cfi] or [spi], and the derived array geometry
 * (fm-chip-desc-nor.c). D->type is already a NOR type. */
G_GNUC_INTERNAL gboolean fm_desc_load_nor (const FmDescLoader *ld, FmChipDesc *d,
                                           GError **error);

/* A ';' list of OFFSET+LENGTH spare ranges, each inside OOB_SIZE bytes,
 * in ascending order without overlap (at most FM_MAX_OOB_REGIONS). */
G_GNUC_INTERNAL gboolean
fm_desc_get_oob_regions (const FmDescLoader *ld, const gchar *group, const gchar *key,
                         guint oob_size, FmOobRegion *out, guint *n_out, GError **error);

/* [on-die-ecc]'s layout keys, or the layout Linux's nand_micron.c gives a
 * raw part that has none (fm-chip-desc-ecc.c). D's geometry and strength
 * are loaded. */
G_GNUC_INTERNAL gboolean fm_desc_load_oob_layout (const FmDescLoader *ld, FmChipDesc *d,
                                                  GError **error);

/* [cell-model]: the threshold-voltage cell model, a built-in family and
 * overrides of its parameters (fm-chip-desc-cell.c), after [bit-errors]. */
G_GNUC_INTERNAL extern const gchar *const fm_desc_cell_model_keys[];
G_GNUC_INTERNAL gboolean fm_desc_load_cell_model (const FmDescLoader *ld, FmChipDesc *d,
                                                  GError **error);

/* [spi-nand], after the NAND groups (fm-chip-desc-spi-nand.c). */
G_GNUC_INTERNAL gboolean fm_desc_load_spi_nand (const FmDescLoader *ld, FmChipDesc *d,
                                                GError **error);

G_END_DECLS
