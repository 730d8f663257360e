/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a MUSE server serves: an MTD's geometry and its operations, in MTD
 * terms (byte addresses, OOB modes). A NAND chip model behind a host
 * controller is one backend; a plain RAM-type MTD is another.
 */
#pragma once

#include "flashmodel.h"
#include "muse-spinand.h"

G_BEGIN_DECLS

typedef struct {
  const gchar *type;        /* MTD_NANDFLASH, MTD_MLCNANDFLASH, MTD_RAM, ... */
  guint32 flags;            /* MTD_WRITEABLE etc. (mtd-abi.h values) */
  guint64 size;
  guint32 writesize, erasesize, writebufsize;
  guint32 oobsize, oobavail;
  guint subpage_shift;      /* writes in units of writesize >> this */
  guint ecc_strength, ecc_step;  /* 0, 0: no ECC */
  /* What the chip's Linux driver leaves as the MTD's bitflip_threshold;
   * 0: nand_base's 3/4 of the strength. */
  guint bitflip_threshold;
} MuseGeometry;

/* MTD flags, as include/uapi/mtd/mtd-abi.h defines them. */
enum {
  MUSE_MTD_WRITEABLE = 0x400,
  MUSE_MTD_BIT_WRITEABLE = 0x800,
  MUSE_MTD_NO_ERASE = 0x1000,
};

typedef struct _MuseBackend MuseBackend;

struct _MuseBackend {
  MuseGeometry geometry;
  gpointer self;
  /* In-band bytes and OOB bytes (see fm_nand_host_read() for the OOB
   * semantics); RESULT gets what the ECC did. */
  gboolean (*read)  (gpointer self, guint64 addr, gsize len, guint8 *data,
                     guint ooboffs, gsize ooblen, guint8 *oob,
                     FmHostOobMode mode, gboolean raw,
                     FmHostReadResult *result, GError **error);
  gboolean (*write) (gpointer self, guint64 addr, gsize len, const guint8 *data,
                     guint ooboffs, gsize ooblen, const guint8 *oob,
                     FmHostOobMode mode, gboolean raw, GError **error);
  gboolean (*erase) (gpointer self, guint64 addr, guint64 len, GError **error);
  /* NULL for MTDs without bad blocks. ADDR is block aligned. */
  gboolean (*is_bad)   (gpointer self, guint64 addr, gboolean *bad, GError **error);
  gboolean (*mark_bad) (gpointer self, guint64 addr, GError **error);
  gboolean (*sync)  (gpointer self, GError **error);
  void     (*free)  (gpointer self);
};

void muse_backend_free (MuseBackend *backend);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MuseBackend, muse_backend_free)

/* A NAND chip model behind a host controller. Takes ownership of HOST and
 * of the FmNand it drives. */
MuseBackend *muse_nand_backend_new (FmNandHost *host);
FmNandHost  *muse_nand_backend_host (MuseBackend *backend);

/* A SPI NAND chip model behind HOST (both taken, as above) as the MTD
 * Linux's SPI NAND core makes of PART (muse-spinand.h): the part's own
 * ECC as the MTD's, its strength as the bit flip threshold (the MTD
 * core's default: spinand sets none), each page's bit flips as PART's
 * driver decodes the status register (when the chip's ECC is on), and
 * bad blocks as spinand_isbad()/spinand_markbad() see and make them. */
MuseBackend *muse_spinand_backend_new (FmNandHost *host, const MuseSpinandPart *part);

/* A NOR chip model (takes ownership) as MTD_NORFLASH: byte writes, no OOB,
 * no bad blocks. ERASESIZE 0: the part's sector size (CFI parts with one
 * erase region) or its largest erase instruction (SPI parts). */
MuseBackend *muse_nor_backend_new (FmNor *nor, guint32 erasesize, GError **error);

/* The chip's cell array (faults, statistics, power), NULL for RAM. */
FmNand      *muse_backend_cells (MuseBackend *backend);

/* A RAM-type MTD (MTD_RAM: no OOB, no bad blocks, byte writes) of SIZE
 * bytes erased in ERASESIZE units, kept in PATH (a raw file, created
 * filled with 0xFF if missing; NULL: memory only). */
MuseBackend *muse_ram_backend_new (guint64 size, guint32 erasesize,
                                   const gchar *path, GError **error);

G_END_DECLS
