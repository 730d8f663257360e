/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel-pci's SPI controller (fm-pci-spi.h): CS#, WP#, the lines of
 * the phase under way, and bytes clocked through a SPI NOR or SPI NAND
 * model with each byte's lines checked against the chip's.
 */
#include "fm-pci-spi.h"

#include "fm-spi-nand.h"
#include "fm-spi-nor.h"

#include <string.h>

/* What the controller needs of a serial chip model. */
typedef struct {
  void     (*select)      (gpointer chip, gboolean asserted);
  void     (*transfer)    (gpointer chip, const guint8 *tx, guint8 *rx, gsize len);
  void     (*set_wp)      (gpointer chip, gboolean asserted);
  guint    (*phase_lines) (gconstpointer chip);
  gboolean (*busy)        (gpointer chip);
  void     (*free)        (gpointer chip);
} SerialChipOps;

struct _FmPciSpi {
  const SerialChipOps *ops;
  gpointer chip;
  FmNand *cells;          /* the chip's cells: whether it has power */

  guint lines;
  gboolean selected;
  gsize clocked;          /* bytes since CS# went low */
  guint8 opcode;
  gboolean width_reported;
};

/* ---- SPI NOR ---------------------------------------------------------------- */

static void
nor_select (gpointer chip, gboolean asserted)
{
  fm_spi_nor_select (chip, asserted);
}

static void
nor_transfer (gpointer chip, const guint8 *tx, guint8 *rx, gsize len)
{
  fm_spi_nor_transfer (chip, tx, rx, len);
}

static void
nor_set_wp (gpointer chip, gboolean asserted)
{
  fm_spi_nor_set_wp (chip, asserted);
}

static guint
nor_phase_lines (gconstpointer chip)
{
  return fm_spi_nor_phase_lines (chip);
}

static gboolean
nor_busy (gpointer chip)
{
  return fm_nor_busy (fm_spi_nor_nor (chip));
}

static void
nor_free (gpointer chip)
{
  fm_spi_nor_free (chip);
}

static const SerialChipOps spi_nor_ops = {
  nor_select, nor_transfer, nor_set_wp, nor_phase_lines, nor_busy, nor_free,
};

/* ---- SPI NAND ---------------------------------------------------------------- */

static void
nand_select (gpointer chip, gboolean asserted)
{
  fm_spi_nand_select (chip, asserted);
}

static void
nand_transfer (gpointer chip, const guint8 *tx, guint8 *rx, gsize len)
{
  fm_spi_nand_transfer (chip, tx, rx, len);
}

static void
nand_set_wp (gpointer chip, gboolean asserted)
{
  fm_spi_nand_set_wp (chip, asserted);
}

static guint
nand_phase_lines (gconstpointer chip)
{
  return fm_spi_nand_phase_lines (chip);
}

static gboolean
nand_busy (gpointer chip)
{
  return fm_spi_nand_busy (chip);
}

static void
nand_free (gpointer chip)
{
  fm_spi_nand_free (chip);
}

static const SerialChipOps spi_nand_ops = {
  nand_select, nand_transfer, nand_set_wp, nand_phase_lines, nand_busy, nand_free,
};

/* ---- the controller ---------------------------------------------------------- */

static FmPciSpi *
controller_new (const SerialChipOps *ops, gpointer chip, FmNand *cells)
{
  FmPciSpi *spi = g_new0 (FmPciSpi, 1);

  spi->ops = ops;
  spi->chip = chip;
  spi->cells = cells;
  spi->lines = 1;
  return spi;
}

FmPciSpi *
fm_pci_spi_new_nor (FmNor *nor, GError **error)
{
  FmSpiNor *chip = fm_spi_nor_new (nor, error);

  return chip ? controller_new (&spi_nor_ops, chip, fm_nor_cells (nor)) : NULL;
}

FmPciSpi *
fm_pci_spi_new_nand (FmNand *cells, GError **error)
{
  FmSpiNand *chip = fm_spi_nand_new (cells, error);

  return chip ? controller_new (&spi_nand_ops, chip, cells) : NULL;
}

void
fm_pci_spi_free (FmPciSpi *spi)
{
  if (!spi)
    return;
  spi->ops->free (spi->chip);
  g_free (spi);
}

void
fm_pci_spi_set_cs (FmPciSpi *spi, gboolean asserted)
{
  if (asserted == spi->selected)
    return;
  spi->selected = asserted;
  spi->clocked = 0;
  spi->width_reported = FALSE;
  spi->ops->select (spi->chip, asserted);
}

void
fm_pci_spi_set_wp (FmPciSpi *spi, gboolean asserted)
{
  spi->ops->set_wp (spi->chip, asserted);
}

gboolean
fm_pci_spi_set_lines (FmPciSpi *spi, guint64 lines)
{
  if (lines != 1 && lines != 2 && lines != 4)
    return FALSE;
  spi->lines = (guint) lines;
  return TRUE;
}

guint
fm_pci_spi_lines (const FmPciSpi *spi)
{
  return spi->lines;
}

gboolean
fm_pci_spi_ready (FmPciSpi *spi)
{
  return !spi->ops->busy (spi->chip);
}

/* Byte by byte: the chip may change phase after any of them. */
gboolean
fm_pci_spi_transfer (FmPciSpi *spi, const guint8 *tx, guint8 *rx, gsize len,
                     FmPciSpiWidthError *error)
{
  static const guint8 ones = 0xff;
  gboolean checked = !fm_nand_powered_off (spi->cells);
  gboolean ok = TRUE;

  for (gsize i = 0; i < len; i++)
    {
      guint expected = spi->ops->phase_lines (spi->chip);
      const guint8 *out = tx ? tx + i : &ones;

      if (spi->selected && spi->clocked++ == 0)
        spi->opcode = *out;
      if (!checked || expected == spi->lines)
        {
          spi->ops->transfer (spi->chip, out, rx ? rx + i : NULL, 1);
          continue;
        }
      spi->ops->transfer (spi->chip, &ones, NULL, 1);
      if (rx)
        rx[i] = 0xff;
      if (spi->selected && !spi->width_reported)
        {
          spi->width_reported = TRUE;
          ok = FALSE;
          if (error)
            {
              error->index = spi->clocked - 1;
              error->opcode = spi->opcode;
              error->sent = spi->lines;
              error->expected = expected;
            }
        }
    }
  return ok;
}
