/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: arbitrary bytes as a chip descriptor (the GLib key
 * file of chips/), or, after "faults:", as fault rules (the --faults
 * language of fm-faults.h).
 *
 * A descriptor must load or be refused with an FM_ERROR, never crash or
 * warn (criticals are fatal here). What loads must build everything the
 * model builds from a descriptor: a chip over a volatile image (where its
 * tables stay small), the ONFI parameter pages (which must parse back),
 * the CFI query table or SFDP, the bus (raw NAND, SPI NAND, CFI or SPI
 * NOR), the host controller's ECC and on-die ECC, and work on a few
 * blocks.
 *
 * Fault rules must parse or be refused with an FM_ERROR; what parses is
 * checked against a tiny chip (fuzz-chips.h) and fires on every block of
 * it. The seeds (corpus/fuzz-chip-desc/) are descriptors of chips/ (a SPI NAND
 * part with visible and one with hidden parity among them), the fuzz chips
 * and fault rules of every kind.
 */
#include "fuzz-chips.h"
#include "fuzz-log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAULTS_PREFIX "faults:"

/* Chips whose image tables (64 bytes a block, 4 a page) stay under this
 * are built; the rest would only fill memory. */
#define MODEL_TABLES_MAX (4u << 20)

static FmChipDesc *tiny;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check (gboolean ok, const char *what)
{
  if (!ok)
    {
      fprintf (stderr, "fuzz-chip-desc: %s\n", what);
      abort ();
    }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  (void) argc;
  (void) argv;
  fuzz_make_warnings_fatal ();
  tiny = fm_chip_desc_load_data (chip_small, "fuzz", &error);
  check (tiny != NULL, "the fuzz chip does not load");
  return 0;
}

/* Erases, programs and reads a few blocks through the page API. */
static void
work (FmNand *nand, const FmChipDesc *d, guint32 blocks)
{
  gsize page_bytes = fm_nand_page_bytes (nand);
  g_autofree guint8 *buf = g_malloc (page_bytes);

  for (guint32 b = 0; b < MIN (blocks, fm_chip_desc_blocks (d)); b++)
    {
      fm_nand_erase_block (nand, b, NULL);
      for (guint p = 0; p < MIN (d->pages_per_block, 4u); p++)
        {
          memset (buf, (int) (b * 7 + p), page_bytes);
          fm_nand_program_page (nand, b, p, buf, NULL);
          check (fm_nand_read_page (nand, b, p, buf, NULL) || fm_nand_powered_off (nand),
                 "a read failed with power");
        }
      fm_nand_block_lifetime (nand, b);
    }
}

static void
onfi_pages (const FmChipDesc *d)
{
  guint8 page[FM_ONFI_PARAM_PAGE_SIZE];
  g_autoptr (GError) error = NULL;
  FmOnfiParams params;

  fm_onfi_build_param_page (d, page);
  if (!fm_onfi_parse_param_page (page, &params, &error))
    fprintf (stderr, "fuzz-chip-desc: %s\n", error->message);
  check (error == NULL, "the parameter page built does not parse");
  check (params.page_size == d->page_size && params.pages_per_block == d->pages_per_block,
         "the parameter page says another geometry");
  if (fm_onfi_has_ext_param_page (d))
    {
      guint8 ext[FM_ONFI_EXT_PARAM_PAGE_SIZE * 4];
      gsize len = fm_onfi_build_ext_param_page (d, ext);
      FmOnfiExtEcc ecc;

      check (len <= sizeof ext, "the extended parameter page overflows");
      check (fm_onfi_parse_ext_param_page (ext, len, &ecc, &error), "the extended page does not parse");
    }
}

static void
jedec_page (const FmChipDesc *d)
{
  guint8 page[FM_JEDEC_PARAM_PAGE_SIZE];
  g_autoptr (GError) error = NULL;
  FmJedecParams params;

  fm_jedec_build_param_page (d, page);
  if (!fm_jedec_parse_param_page (page, &params, &error))
    fprintf (stderr, "fuzz-chip-desc: %s\n", error->message);
  check (error == NULL, "the JEDEC parameter page built does not parse");
  check (params.page_size == d->page_size && params.pages_per_block == d->pages_per_block &&
         (1u << params.codeword_log2) == d->ecc_codeword_size,
         "the JEDEC parameter page says another geometry");
}

/* A SPI NAND part on its bus, as Linux's spinand core probes and uses
 * it: RESET, READ ID, the registers, unlock, erase, program and read a
 * page, and the OTP area. */
static void
spi_nand_bus (FmNand *nand)
{
  static const guint8 script[][8] = {
    { 1, 0xff }, { 2, 0x9f, 0x00 }, { 2, 0x0f, 0xb0 }, { 3, 0x1f, 0xa0, 0x00 },
    { 1, 0x06 }, { 4, 0xd8, 0x00, 0x00, 0x40 }, { 1, 0x06 }, { 3, 0x84, 0x00, 0x00 },
    { 4, 0x10, 0x00, 0x00, 0x40 }, { 4, 0x13, 0x00, 0x00, 0x40 }, { 2, 0x0f, 0xc0 },
    { 4, 0x03, 0x00, 0x00, 0x00 }, { 1, 0x7c }, { 2, 0x0f, 0xf0 }, { 2, 0x0f, 0x30 },
    { 3, 0x1f, 0xb0, 0x40 }, { 4, 0x13, 0x00, 0x00, 0x01 }, { 4, 0x03, 0x00, 0x00, 0x00 },
    { 3, 0x1f, 0xb0, 0x10 },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmSpiNand) spi = fm_spi_nand_new (nand, &error);
  guint8 rx[64];

  check (spi != NULL, "no SPI NAND model for a spi-nand descriptor");
  for (guint i = 0; i < G_N_ELEMENTS (script); i++)
    {
      fm_spi_nand_select (spi, TRUE);
      fm_spi_nand_transfer (spi, script[i] + 1, rx, script[i][0]);
      fm_spi_nand_transfer (spi, NULL, rx, sizeof rx);
      check (fm_spi_nand_phase_lines (spi) == 1, "a x1 instruction left x1");
      fm_spi_nand_select (spi, FALSE);
    }
}

static void
build_nand (const FmChipDesc *d)
{
  FmNandCreateOptions create = { 5, -1 };
  g_autoptr (GError) error = NULL;
  FmImage *image = fm_nand_create_image (d, NULL, &create, &error);
  FmNand *nand;
  FmEcc *ecc = NULL;
  g_autoptr (FmNandHost) host = NULL;
  g_autoptr (FmNandBus) bus = NULL;
  guint8 id[8];

  check (image != NULL, "no image for a descriptor that loaded");
  nand = fm_nand_new (d, image, FM_TIMING_NONE, &error);
  check (nand != NULL, "no model for a descriptor that loaded");
  work (nand, d, 3);
  if (d->on_die_ecc_strength)
    {
      check (fm_nand_set_on_die_ecc (nand, TRUE, NULL), "on-die ECC refused");
      work (nand, d, 2);
      fm_nand_set_on_die_ecc (nand, FALSE, NULL);
    }
  if (d->type == FM_CHIP_SPI_NAND)
    spi_nand_bus (nand);
  else
    {
      /* The bus: READ ID and the parameter page, as Linux probes. */
      bus = fm_nand_bus_new (nand);
      fm_nand_bus_set_ce (bus, TRUE);
      fm_nand_bus_command (bus, 0xff);
      fm_nand_bus_wait_ready (bus);
      fm_nand_bus_command (bus, 0x90);
      fm_nand_bus_address (bus, 0x00);
      fm_nand_bus_read_buf (bus, id, sizeof id);
      if (d->onfi_version)
        {
          guint8 page[FM_ONFI_PARAM_PAGE_SIZE];

          fm_nand_bus_command (bus, 0xec);
          fm_nand_bus_address (bus, 0x00);
          fm_nand_bus_wait_ready (bus);
          fm_nand_bus_read_buf (bus, page, sizeof page);
        }
      if (d->jedec_version)
        {
          guint8 page[FM_JEDEC_PARAM_PAGE_SIZE];

          fm_nand_bus_command (bus, 0xec);
          fm_nand_bus_address (bus, FM_JEDEC_ADDRESS);
          fm_nand_bus_wait_ready (bus);
          fm_nand_bus_read_buf (bus, page, sizeof page);
        }
    }
  /* The host controller with the ECC Linux would pick. */
  if (fm_ecc_new_from_name ("auto", d, &ecc, NULL))
    {
      g_autofree guint8 *data = g_malloc (d->page_size);
      FmHostReadResult r;

      host = fm_nand_host_new (nand, ecc, NULL);
      if (host)
        {
          guint64 addr = (guint64) (fm_chip_desc_blocks (d) - 1) * d->pages_per_block * d->page_size;

          memset (data, 0xa5, d->page_size);
          fm_nand_host_erase (host, addr, (guint64) d->pages_per_block * d->page_size, NULL, NULL);
          fm_nand_host_write (host, addr, d->page_size, data, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, NULL);
          fm_nand_host_read (host, addr, d->page_size, data, 0, 0, NULL, FM_HOST_OOB_AUTO, FALSE, &r, NULL);
        }
    }
  /* Neither the bus nor the host owns the model. */
  g_clear_pointer (&host, fm_nand_host_free);
  g_clear_pointer (&bus, fm_nand_bus_free);
  fm_nand_free (nand);
}

static void
build_nor (const FmChipDesc *d)
{
  g_autoptr (GError) error = NULL;
  FmImage *image = fm_nor_create_image (d, NULL, 5, &error);
  g_autoptr (GBytes) table = NULL;
  FmNor *nor;
  guint8 bytes[64];

  check (image != NULL, "no image for a NOR descriptor that loaded");
  nor = fm_nor_new (d, image, FM_TIMING_NONE, &error);
  check (nor != NULL, "no model for a NOR descriptor that loaded");
  check (fm_nor_read (nor, 0, bytes, sizeof bytes, NULL), "a NOR read failed");
  fm_nor_erase (nor, 0, d->nor.granule, NULL);
  memset (bytes, 0x0f, sizeof bytes);
  fm_nor_program (nor, 0, bytes, MIN (sizeof bytes, fm_nor_size (nor)), NULL);
  work (fm_nor_cells (nor), d, 2);
  if (d->type == FM_CHIP_NOR_CFI)
    {
      guint width = (d->nor.bus_widths & 16) ? 16 : 8;
      g_autoptr (FmNorCfi) cfi = fm_nor_cfi_new (nor, width, &error);

      table = fm_nor_cfi_query_table (d);
      check (cfi != NULL, "no CFI model");
      /* CFI query mode, the table read as a host reads it. */
      fm_nor_cfi_write (cfi, 0x55 * (width / 8), 0x98, width / 8);
      for (guint a = 0; a < 0x100; a++)
        fm_nor_cfi_read (cfi, a * (width / 8), width / 8);
      fm_nor_cfi_reset (cfi);
    }
  else
    {
      g_autoptr (FmSpiNor) spi = fm_spi_nor_new (nor, &error);
      const guint8 rdid[4] = { 0x9f }, rdsfdp[5 + 256] = { 0x5a };
      guint8 rx[sizeof rdsfdp];

      table = fm_spi_nor_sfdp (d);
      check (spi != NULL, "no SPI model");
      fm_spi_nor_select (spi, TRUE);
      fm_spi_nor_transfer (spi, rdid, rx, sizeof rdid);
      fm_spi_nor_select (spi, FALSE);
      fm_spi_nor_select (spi, TRUE);
      fm_spi_nor_transfer (spi, rdsfdp, rx, sizeof rdsfdp);
      fm_spi_nor_select (spi, FALSE);
    }
  check (table != NULL && g_bytes_get_size (table) > 0, "no CFI or SFDP table");
  fm_nor_free (nor);
}

static void
descriptor (const gchar *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_load_data (text, "fuzz.ini", &error);
  guint64 tables;

  if (!d)
    {
      check (error && error->domain == FM_ERROR, "refused without an FM_ERROR");
      return;
    }
  check (fm_chip_name_valid (d->name), "a name an image cannot hold");
  check (d->page_size >= 1 && d->page_size <= FM_CHIP_PAGE_SIZE_MAX && d->oob_size <= FM_CHIP_OOB_SIZE_MAX &&
         d->pages_per_block >= 1 && d->pages_per_block <= FM_CHIP_PAGES_PER_BLOCK_MAX &&
         fm_chip_desc_blocks (d) >= 1 && fm_chip_desc_blocks (d) <= FM_CHIP_BLOCKS_MAX,
         "a geometry beyond the FM_CHIP bounds");
  if (d->onfi_version)
    onfi_pages (d);
  if (d->jedec_version)
    jedec_page (d);
  if (d->type == FM_CHIP_NOR_CFI)
    g_bytes_unref (fm_nor_cfi_query_table (d));
  if (d->type == FM_CHIP_SPI_NOR)
    g_bytes_unref (fm_spi_nor_sfdp (d));
  tables = (guint64) fm_chip_desc_blocks (d) * sizeof (FmBlockMeta) + fm_chip_desc_pages (d) * 4;
  if (tables > MODEL_TABLES_MAX || fm_chip_desc_pages (d) > 0x0fffffff)
    return;
  if (fm_chip_desc_is_nor (d))
    build_nor (d);
  else
    build_nand (d);
}

static void
faults (const gchar *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmFaultSet) set = fm_fault_set_new ();
  g_autofree gchar *report = NULL;
  FmNand *nand;
  FmImage *image;

  /* Not fm_fault_set_parse(): "@FILE" would read the named file. */
  if (!fm_fault_set_add_rules (set, text, "fuzz", &error))
    {
      check (error && error->domain == FM_ERROR, "refused without an FM_ERROR");
      return;
    }
  report = fm_fault_set_report (set);
  if (!fm_fault_set_check_chip (set, tiny, &error))
    check (error && error->domain == FM_ERROR, "a chip check failed without an FM_ERROR");
  image = fm_nand_create_image (tiny, NULL, &(FmNandCreateOptions) { 9, -1 }, &error);
  check (image != NULL, "no image");
  nand = fm_nand_new (tiny, image, FM_TIMING_VIRTUAL, &error);
  check (nand != NULL, "no model");
  fm_nand_set_faults (nand, g_steal_pointer (&set));
  work (nand, tiny, fm_chip_desc_blocks (tiny));
  work (nand, tiny, fm_chip_desc_blocks (tiny));
  fm_nand_free (nand);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);

  if (g_str_has_prefix (text, FAULTS_PREFIX))
    faults (text + strlen (FAULTS_PREFIX));
  else
    descriptor (text);
  return 0;
}
