/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel: inspect chip descriptors and create and examine chip images.
 * Each subcommand parses its own options; output meant for scripts (CSV)
 * goes to stdout, diagnostics to stderr.
 */
#include "tool-common.h"
#include "commands.h"
#include "cmd-dump.h"
#include "chip-filter.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- list-chips ---------------------------------------------------------- */

/* Fills F from the filter options every catalog search takes; prints a
 * usage error for COMMAND and returns FALSE on a bad one. */
static gboolean
parse_filter_options (const gchar *command, const gchar *type, const gchar *vendor,
                      const gchar *id, ChipFilter *f)
{
  g_autoptr (GError) error = NULL;

  if ((type && !chip_filter_parse_type (f, type, &error))
      || (id && !chip_filter_parse_id (f, id, &error)))
    {
      usage_error (command, error->message);
      return FALSE;
    }
  f->vendor = g_strdup (vendor);
  return TRUE;
}

/* The catalog's descriptors that pass F, in name order. A descriptor that
 * fails to load is reported and skipped: one broken file must not hide
 * the others. NULL (error printed) if the catalog cannot be read. */
static GPtrArray *
find_chips (const ChipFilter *f)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = fm_chip_catalog_names (&error);
  GPtrArray *found;

  if (!names)
    {
      print_error (error);
      return NULL;
    }
  found = g_ptr_array_new_with_free_func ((GDestroyNotify) fm_chip_desc_free);
  for (guint i = 0; names[i]; i++)
    {
      FmChipDesc *d = fm_chip_desc_lookup (names[i], &error);

      if (!d)
        {
          print_error (error);
          g_clear_error (&error);
        }
      else if (chip_filter_matches (f, d))
        g_ptr_array_add (found, d);
      else
        fm_chip_desc_free (d);
    }
  return found;
}

static int
cmd_list_chips (int argc, char **argv)
{
  g_autofree gchar *type = NULL;
  g_autofree gchar *vendor = NULL;
  g_autofree gchar *id = NULL;
  GOptionEntry entries[] = {
    { "type", 't', 0, G_OPTION_ARG_STRING, &type, "Only parts of this type (nand-slc, nand-mlc, nor-cfi, spi-nor, spi-nand)", "TYPE" },
    { "vendor", 'v', 0, G_OPTION_ARG_STRING, &vendor, "Only parts of this vendor (any case)", "VENDOR" },
    { "id", 'i', 0, G_OPTION_ARG_STRING, &id, "Only parts whose READ ID agrees with these hex bytes", "BYTES" },
    { NULL }
  };
  g_auto (ChipFilter) filter = { 0 };
  g_autoptr (GPtrArray) chips = NULL;

  if (!parse_options (find_command ("list-chips"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc > 1)
    return usage_error ("list-chips", "takes no arguments");
  if (!parse_filter_options ("list-chips", type, vendor, id, &filter))
    return EXIT_USAGE;
  chips = find_chips (&filter);
  if (!chips)
    return EXIT_FAILURE;
  g_print ("%-24s %-9s %-10s %-22s %9s %10s %5s\n",
           "NAME", "TYPE", "VENDOR", "PART", "SIZE", "PAGE+OOB", "ONFI");
  for (guint i = 0; i < chips->len; i++)
    {
      const FmChipDesc *d = chips->pdata[i];
      g_autofree gchar *size = format_size (fm_chip_desc_size_bytes (d));
      g_autofree gchar *page = g_strdup_printf ("%u+%u", d->page_size, d->oob_size);
      /* The parameter page a host reads: the ONFI version, or JEDEC's */
      g_autofree gchar *onfi = d->onfi_version ? g_strdup_printf ("%u.%u", d->onfi_version / 10, d->onfi_version % 10)
                               : d->jedec_version ? g_strdup ("JEDEC") : g_strdup ("-");

      g_print ("%-24s %-9s %-10s %-22s %9s %10s %5s\n", d->name,
               fm_chip_type_to_string (d->type), d->vendor, d->part, size, page, onfi);
    }
  return EXIT_SUCCESS;
}

/* ---- info ---------------------------------------------------------------- */

static void
print_flag_list (const gchar *label, guint value, const gchar *const *names)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; names[i]; i++)
    if (value & (1u << i))
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", names[i]);
  g_print ("  %-26s %s\n", label, s->len ? s->str : "none");
  g_string_free (s, TRUE);
}

static void
print_time (const gchar *label, const FmOpTime *t)
{
  g_autofree gchar *typ = format_us (t->typ_ns);
  g_autofree gchar *max = format_us (t->max_ns);

  if (t->max_ns)
    g_print ("  %-26s %s typical, %s max\n", label, typ, max);
}

/* "8-15, 24-31" */
static gchar *
format_regions (const FmOobRegion *r, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%u-%u", i ? ", " : "", r[i].offset, r[i].offset + r[i].length - 1);
  if (!n)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

static void
print_on_die_ecc (const FmChipDesc *d)
{
  const FmOobLayout *l = &d->on_die_layout;
  g_autofree gchar *ecc = format_regions (l->ecc, l->n_ecc);
  g_autofree gchar *free_bytes = format_regions (l->free, l->n_free);
  g_autofree gchar *protected = format_regions (l->protected, l->n_protected);

  if (!d->on_die_ecc_strength)
    return;
  if (d->type == FM_CHIP_SPI_NAND)
    g_print ("On-die ECC: %u bit%s per 512 bytes, ECC_EN (B0h bit 4), %s at power-on\n",
             d->on_die_ecc_strength, d->on_die_ecc_strength == 1 ? "" : "s",
             d->spi_nand.config_reset & 0x10 ? "on" : "off");
  else if (d->on_die_ecc_benand)
    g_print ("On-die ECC: %u bits per 512 bytes, Toshiba BENAND: always on, ECC STATUS READ 7Ah\n",
             d->on_die_ecc_strength);
  else
    g_print ("On-die ECC: %u bits per 512 bytes, SET FEATURES %02Xh mask %02Xh\n",
             d->on_die_ecc_strength, d->on_die_ecc_feature, d->on_die_ecc_enable_mask);
  {
    g_autoptr (FmOnDieEcc) code = fm_on_die_ecc_new (d);

    g_print ("  %-26s %s%s\n", "parity (spare bytes)", ecc,
             !fm_on_die_ecc_parity_hidden (code) ? ""
             : l->n_ecc ? " (the rest hidden from the host)" : " (hidden from the host)");
  }
  g_print ("  %-26s %s\n", "free (spare bytes)", free_bytes);
  if (l->n_protected)
    g_print ("  %-26s %s\n", "protected free bytes", protected);
}

/* What [spi-nand] gives a SPI NAND part. */
static void
print_spi_nand_info (const FmChipDesc *d)
{
  static const guint8 read_opcodes[FM_SPI_NAND_N_READ_OPS] = { 0x03, 0x0b, 0x3b, 0xbb, 0x6b, 0xeb };
  static const gchar *const id_method[] = { "the opcode", "an address byte", "a dummy byte" };
  const FmSpiNandDesc *s = &d->spi_nand;
  GString *reads = g_string_new (NULL);
  GString *otp = g_string_new (NULL);

  for (guint i = 0; i < FM_SPI_NAND_N_READ_OPS; i++)
    if (s->read_ops & (1u << i))
      g_string_append_printf (reads, "%s%02Xh %s (%u dummy)", reads->len ? ", " : "", read_opcodes[i],
                              fm_spi_nand_read_op_to_string (i), s->read_dummy[i]);
  if (s->unique_id_page)
    g_string_append (otp, "unique ID page 00h");
  if (d->onfi_version)
    g_string_append_printf (otp, "%sparameter page 01h (ONFI %u.%u)", otp->len ? ", " : "",
                            d->onfi_version / 10, d->onfi_version % 10);
  if (s->otp_pages)
    g_string_append_printf (otp, "%s%u user pages from 02h", otp->len ? ", " : "", s->otp_pages);
  g_print ("SPI NAND\n");
  g_print ("  %-26s after %s (%s)\n", "READ ID", id_method[s->read_id],
           fm_spi_nand_id_method_to_string (s->read_id));
  g_print ("  %-26s %s\n", "read from cache", reads->str);
  g_print ("  %-26s 02h, 84h%s\n", "program load", s->program_load_x4 ? ", 32h, 34h (x4)" : "");
  g_print ("  %-26s %s\n", "quad enable", s->quad_enable ? "QE, B0h bit 0" : "no QE bit");
  g_print ("  %-26s %s\n", "ECC status", fm_spi_nand_ecc_status_to_string (s->ecc_status));
  if (s->buffer_read_bit >= 0)
    g_print ("  %-26s B0h bit %d clear (power-on: %s)\n", "continuous read", s->buffer_read_bit,
             s->config_reset & (1u << s->buffer_read_bit) ? "buffer read" : "continuous read");
  else
    g_print ("  %-26s no\n", "continuous read");
  g_print ("  %-26s %u\n", "planes", d->planes);
  g_print ("  %-26s A0h %02Xh, B0h %02Xh\n", "power-on registers", s->protect_reset, s->config_reset);
  if (s->bp_bits)
    g_print ("  %-26s %u BP bits from bit 3%s%s, BP=1 protects 1/%u\n", "block protection", s->bp_bits,
             s->tb_bit >= 0 ? ", bottom bit" : "", s->cmp_bit >= 0 ? ", complement bit" : "",
             s->protect_first_fraction);
  g_print ("  %-26s %s\n", "OTP area", otp->len ? otp->str : "not modelled");
  g_string_free (reads, TRUE);
  g_string_free (otp, TRUE);
}

/* [cell-model]: the family, its states and read references, and what a
 * fresh block's pages read with. */
static void
print_cell_model (const FmVtParams *p)
{
  static const gchar *const page_names[FM_VT_MAX_BITS] = { "lower", "upper", "extra" };
  const FmVtHistory fresh = { 0 };
  g_autoptr (GString) states = g_string_new (NULL);
  g_autoptr (GString) refs = g_string_new (NULL);
  g_autoptr (GString) rber = g_string_new (NULL);

  if (!p)
    return;
  for (guint k = 0; k < fm_vt_states_count (p); k++)
    {
      g_autofree gchar *name = k ? g_strdup_printf ("P%u", k) : g_strdup ("ER");

      g_string_append_printf (states, "%s%s %.0f/%.0f", k ? ", " : "", name, p->mean_mv[k], p->sigma_mv[k]);
    }
  for (guint r = 0; r < fm_vt_refs_count (p); r++)
    g_string_append_printf (refs, "%sR%u %.0f", r ? ", " : "", r + 1, p->ref_mv[r]);
  for (guint b = 0; b < p->bits; b++)
    g_string_append_printf (rber, "%s%s%s %.1e", b ? ", " : "", p->bits > 1 ? page_names[b] : "",
                            p->bits > 1 ? " page" : "page", fm_vt_page_rber (p, &fresh, b, NULL));
  g_print ("  %-26s threshold voltage, family %s, %u bit%s per cell\n", "cell model", p->family,
           p->bits, p->bits > 1 ? "s" : "");
  g_print ("  %-26s %s mV\n", "states (mean/sigma)", states->str);
  g_print ("  %-26s %s mV\n", "read references", refs->str);
  g_print ("  %-26s %s\n", "raw bit error rate, fresh", rber->str);
}

/* The NAND half of 'info'. */
static void
print_nand_info (const FmChipDesc *d)
{
  static const gchar *const command_names[] = {
    "cache program (80h-15h)", "read cache (31h/3Fh)", "get/set features (EEh/EFh)",
    "read status enhanced (78h)", "copyback (35h/85h)", "read unique ID (EDh)",
    "multi-plane (11h/D1h)", NULL };
  static const gchar *const bbm_names[] = { "first", "second", "last", NULL };
  g_autofree gchar *size = format_size (fm_chip_desc_size_bytes (d));

  g_print ("Geometry\n");
  g_print ("  %-26s %s (%" G_GUINT64_FORMAT " bytes of data)\n", "size", size, fm_chip_desc_size_bytes (d));
  g_print ("  %-26s %u + %u bytes (OOB)\n", "page", d->page_size, d->oob_size);
  g_print ("  %-26s %u pages, %u KiB of data\n", "block", d->pages_per_block,
           d->pages_per_block * d->page_size / 1024);
  g_print ("  %-26s %u blocks per LUN x %u LUN(s) = %u blocks\n", "blocks",
           d->blocks_per_lun, fm_chip_desc_all_luns (d), fm_chip_desc_blocks (d));
  g_print ("  %-26s %u\n", "LUNs per chip enable", d->luns);
  /* Each chip enable is a target of its own: a host sees one chip per CE. */
  g_print ("  %-26s %u%s\n", "chip enables", d->targets,
           d->targets > 1 ? " (targets, each answering READ ID)" : "");
  g_print ("  %-26s %u\n", "planes per LUN", d->planes);
  if (d->type == FM_CHIP_SPI_NAND)
    print_spi_nand_info (d);
  else
    {
      g_print ("  %-26s x%u%s\n", "bus width", d->bus_width, d->small_page ? " (small-page command set)" : "");
      g_print ("  %-26s %u column + %u row\n", "address cycles",
               fm_chip_desc_col_cycles (d), fm_chip_desc_row_cycles (d));
      g_print ("Commands\n");
      print_flag_list ("optional commands", d->commands, command_names);
      if (d->onfi_version || d->jedec_version)
        {
          GString *modes = g_string_new (NULL);

          for (guint m = 0; m < 6; m++)
            if (d->timing_modes & (1u << m))
              g_string_append_printf (modes, "%s%u", modes->len ? ", " : "", m);
          if (d->onfi_version)
            g_print ("ONFI %u.%u\n", d->onfi_version / 10, d->onfi_version % 10);
          else
            g_print ("ONFI: not supported; JEDEC parameter page (READ ID 40h \"JEDEC\"), %s\n",
                     d->jedec_version == FM_JEDEC_VERSION_1_0 ? "JESD230 1.0" : "vendor specific revision");
          g_print ("  %-26s %s / %s (JEDEC ID %02Xh)\n", "manufacturer / model",
                   d->onfi_manufacturer, d->onfi_model, d->jedec_id);
          g_print ("  %-26s %s\n", "timing modes", modes->str);
          g_print ("  %-26s %u bits per %u bytes\n", "ECC required", d->ecc_bits, d->ecc_codeword_size);
          g_string_free (modes, TRUE);
        }
      else
        {
          g_print ("ONFI: not supported\n");
          if (d->ecc_bits)
            {
              g_print ("  %-26s %u bits per %u bytes\n", "ECC required", d->ecc_bits, d->ecc_codeword_size);
              g_print ("  %-26s %s\n", "stated by", "the READ ID bytes or Linux's ID table (no parameter page)");
            }
        }
    }
  print_on_die_ecc (d);
  g_print ("Timing\n");
  print_time ("tR (page read)", &d->t_r);
  print_time ("tR (with on-die ECC)", &d->t_r_ecc);
  print_time ("tPROG (page program)", &d->t_prog);
  print_time ("tBERS (block erase)", &d->t_bers);
  print_time ("tCBSY (cache program)", &d->t_cbsy);
  print_time ("tRCBSY (cache read)", &d->t_rcbsy);
  print_time ("tDBSY (multi-plane)", &d->t_dbsy);
  g_print ("Reliability\n");
  g_print ("  %-26s %u P/E cycles\n", "endurance", d->pe_cycles);
  g_print ("  %-26s Weibull shape %.2f, scale %.2f x endurance\n", "block lifetime",
           d->wearout_shape, d->wearout_scale);
  g_print ("  %-26s %u\n", "partial programs (NOP)", d->nop);
  g_print ("  %-26s %s\n", "page program order", d->sequential_program ? "ascending within a block" : "any");
  g_print ("  %-26s %u per LUN\n", "factory bad blocks (max)", d->factory_bad_blocks_max);
  print_flag_list ("bad block marker pages", d->bbm_pages, bbm_names);
  g_print ("  %-26s spare %s %u\n", "bad block marker at", d->bus_width == 16 ? "word" : "byte", d->bbm_offset);
  if (d->type == FM_CHIP_NAND_MLC)
    g_print ("  %-26s %s\n", "paired pages", d->pairing == FM_PAIRING_DIST3 ? "dist3" : "none");
  if (d->mxic_block_protection)
    g_print ("  %-26s %s\n", "block protection",
             "Macronix: feature A0h, every block locked at power-on with the PT pin high");
  print_cell_model (d->cell_model);
}


static void
print_nor_regions (const FmNorDesc *n)
{
  GString *regions = g_string_new (NULL);

  for (guint r = 0; r < n->n_regions; r++)
    g_string_append_printf (regions, "%s%u x %u KiB", r ? ", " : "", n->regions[r].count,
                            n->regions[r].size / 1024);
  g_print ("  %-26s %s\n", "erase sectors", regions->str);
  g_string_free (regions, TRUE);
}

/* The NOR half of 'info'. */
static void
print_nor_info (const FmChipDesc *d)
{
  const FmNorDesc *n = &d->nor;
  g_autofree gchar *size = format_size (n->size);

  g_print ("Geometry\n");
  g_print ("  %-26s %s (%" G_GUINT64_FORMAT " bytes)\n", "size", size, n->size);
  print_nor_regions (n);
  g_print ("  %-26s %u bytes\n", d->type == FM_CHIP_SPI_NOR ? "page (PP)" : "write buffer", n->program_buffer);
  if (d->type == FM_CHIP_NOR_CFI)
    {
      g_print ("CFI\n");
      g_print ("  %-26s %04Xh (%s)\n", "primary command set", n->cfi_command_set,
               n->cfi_command_set == FM_CFI_CMDSET_AMD ? "AMD/Fujitsu" : "Intel/Sharp");
      g_print ("  %-26s %s\n", "bus width", n->bus_widths == (8 | 16) ? "x8/x16" : n->bus_widths == 16 ? "x16" : "x8");
      g_print ("  %-26s %04Xh\n", "manufacturer ID", n->manufacturer_id);
      for (guint i = 0; i < n->n_device_ids; i++)
        g_print ("  %-26s %04Xh\n", i ? "" : "device ID", n->device_id[i]);
    }
  else
    {
      static const gchar *const mode_names[] = { "1-1-2", "1-2-2", "1-1-4", "1-4-4", NULL };
      static const gchar *const qe_names[] = {
        [FM_SPI_QE_NONE] = "none",
        [FM_SPI_QE_SR2_BIT1] = "SR2 bit 1 (35h reads it, 31h or a 2-byte 01h writes it)",
        [FM_SPI_QE_SR1_BIT6] = "SR1 bit 6",
      };
      gboolean first = TRUE;

      g_print ("SPI\n");
      for (guint i = 0; i < n->n_erase_types; i++)
        {
          g_autofree gchar *form_4b = g_strdup_printf (" (4-byte form %02Xh)", n->erase_types[i].opcode_4b);

          g_print ("  %-26s %u KiB, %02Xh%s\n", i ? "" : "erase instructions",
                   n->erase_types[i].size / 1024, n->erase_types[i].opcode,
                   n->erase_types[i].opcode_4b ? form_4b : "");
        }
      for (guint i = 0; mode_names[i]; i++)
        if (n->read_modes & (1u << i))
          {
            g_print ("  %-26s %s, %u dummy clocks\n", first ? "fast reads" : "", mode_names[i],
                     n->read_dummy_clocks[i]);
            first = FALSE;
          }
      if (first)
        g_print ("  %-26s none\n", "fast reads");
      g_print ("  %-26s %s\n", "quad enable", qe_names[n->quad_enable]);
      g_print ("  %-26s %s\n", "4-byte addressing", n->four_byte ? "B7h/E9h and 4-byte opcodes" : "no");
    }
  g_print ("Timing\n");
  print_time (d->type == FM_CHIP_SPI_NOR ? "byte program" : "word program", &n->t_word_program);
  print_time (d->type == FM_CHIP_SPI_NOR ? "page program" : "buffer program", &n->t_buffer_program);
  if (n->n_erase_types)
    for (guint i = 0; i < n->n_erase_types; i++)
      {
        g_autofree gchar *label = g_strdup_printf ("%u KiB erase", n->erase_types[i].size / 1024);

        print_time (label, &n->erase_types[i].time);
      }
  else
    print_time ("sector erase", &n->t_sector_erase);
  print_time ("chip erase", &n->t_chip_erase);
  g_print ("Reliability\n");
  g_print ("  %-26s %u P/E cycles per sector\n", "endurance", d->pe_cycles);
  g_print ("  %-26s Weibull shape %.2f, scale %.2f x endurance\n", "sector lifetime",
           d->wearout_shape, d->wearout_scale);
}

/* [read-retry]: how a host shifts the read references, and each level. */
static void
print_read_retry_info (const FmChipDesc *d)
{
  static const gchar *const how[] = {
    [FM_READ_RETRY_ONFI_FEATURE] = "SET/GET FEATURES 89h, parameter page byte 180 (nand_micron.c)",
    [FM_READ_RETRY_MACRONIX_FEATURE] = "SET/GET FEATURES 89h, parameter page byte 167 bit 0 (nand_macronix.c)",
    [FM_READ_RETRY_HYNIX_OTP] = "OTP table, registers set with 36h/16h (nand_hynix.c)",
  };
  const FmReadRetryDesc *rr = &d->read_retry;

  if (rr->mechanism == FM_READ_RETRY_NONE)
    return;
  g_print ("Read retry\n");
  g_print ("  %-26s %s: %s\n", "mechanism", fm_read_retry_mechanism_to_string (rr->mechanism),
           how[rr->mechanism]);
  g_print ("  %-26s %u (level 0: the default references)\n", "levels", rr->levels);
  for (guint k = 1; k < rr->levels; k++)
    {
      g_autofree gchar *label = g_strdup_printf ("level %u", k);
      g_autoptr (GString) shifts = g_string_new (NULL);

      for (guint r = 0; r < rr->refs; r++)
        g_string_append_printf (shifts, "%s%+d", r ? ", " : "", rr->offset_mv[k][r]);
      g_print ("  %-26s %s mV\n", label, shifts->str);
    }
}

/* Everything info shows about one part. */
static void
print_chip_info (const FmChipDesc *d)
{
  GString *id = g_string_new (NULL);

  for (guint i = 0; i < d->id_len; i++)
    g_string_append_printf (id, "%s%02X", i ? " " : "", d->id[i]);

  g_print ("%s: %s %s (%s)\n", d->name, d->vendor, d->part, fm_chip_type_to_string (d->type));
  g_print ("  %-26s %s\n", "datasheet", d->datasheet);
  g_print ("  %-26s %s\n", "descriptor", d->path ? d->path : "-");
  if (d->type != FM_CHIP_NOR_CFI)
    g_print ("  %-26s %s\n", d->type == FM_CHIP_SPI_NOR ? "READ JEDEC ID (9Fh)"
                             : d->type == FM_CHIP_SPI_NAND ? "READ ID (9Fh)" : "READ ID (90h-00h)", id->str);
  g_string_free (id, TRUE);
  if (fm_chip_desc_is_nor (d))
    print_nor_info (d);
  else
    {
      print_nand_info (d);
      print_read_retry_info (d);
    }
}

/* info --id: every catalog part whose READ ID agrees with BYTES. */
static int
info_by_id (const gchar *bytes)
{
  g_auto (ChipFilter) filter = { 0 };
  g_autoptr (GPtrArray) chips = NULL;

  if (!parse_filter_options ("info", NULL, NULL, bytes, &filter))
    return EXIT_USAGE;
  chips = find_chips (&filter);
  if (!chips)
    return EXIT_FAILURE;
  if (chips->len == 0)
    {
      g_printerr ("flashmodel: no chip in %s answers READ ID %s\n", fm_chip_catalog_dir (), bytes);
      return EXIT_FAILURE;
    }
  for (guint i = 0; i < chips->len; i++)
    {
      if (i)
        g_print ("\n");
      print_chip_info (chips->pdata[i]);
    }
  return EXIT_SUCCESS;
}

static int
cmd_info (int argc, char **argv)
{
  g_autofree gchar *chip = NULL;
  g_autofree gchar *id = NULL;
  GOptionEntry entries[] = {
    { "chip", 'c', 0, G_OPTION_ARG_STRING, &chip, "Chip name (see list-chips) or path to a descriptor", "NAME" },
    { "id", 'i', 0, G_OPTION_ARG_STRING, &id, "Show every part whose READ ID agrees with these hex bytes", "BYTES" },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = NULL;

  if (!parse_options (find_command ("info"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (!chip && !id && argc == 2)
    chip = g_strdup (argv[1]);
  else if (argc > 1)
    return usage_error ("info", "unexpected argument");
  if (chip && id)
    return usage_error ("info", "--chip and --id exclude each other");
  if (id)
    return info_by_id (id);
  if (!chip)
    return usage_error ("info", "--chip NAME or --id BYTES is required");
  d = fm_chip_desc_lookup (chip, &error);
  if (!d)
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  print_chip_info (d);
  return EXIT_SUCCESS;
}

/* ---- create -------------------------------------------------------------- */

static int
cmd_create (int argc, char **argv)
{
  g_autofree gchar *chip = NULL;
  g_autofree gchar *seed_text = NULL;
  g_autofree gchar *base = NULL;
  gint bad_blocks = -1;
  GOptionEntry entries[] = {
    { "chip", 'c', 0, G_OPTION_ARG_STRING, &chip, "Chip name (see list-chips) or path to a descriptor", "NAME" },
    { "base", 'B', 0, G_OPTION_ARG_FILENAME, &base, "Make IMAGE an overlay on this image (relative: from IMAGE's directory)", "BASE" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_text, "Seed for everything random in this chip (default 1)", "N" },
    { "bad-blocks", 'b', 0, G_OPTION_ARG_INT, &bad_blocks, "Factory bad blocks per LUN (default: drawn from the seed)", "N" },
    { NULL }
  };
  FmNandCreateOptions options = FM_NAND_CREATE_OPTIONS_DEFAULT;
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = NULL;
  g_autoptr (FmImage) image = NULL;
  guint bad = 0;

  if (!parse_options (find_command ("create"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (!chip && !base)
    return usage_error ("create", "--chip NAME is required");
  if (argc != 2)
    return usage_error ("create", "exactly one IMAGE file name is required");
  if (base)
    {
      if (seed_text || bad_blocks != -1)
        return usage_error ("create", "an overlay has its base's seed and bad blocks: no --seed or --bad-blocks with --base");
      return create_overlay (base, chip, argv[1]);
    }
  if (seed_text && !parse_u64_arg (seed_text, &options.seed))
    return usage_error ("create", "--seed takes a non-negative integer");
  if (bad_blocks < -1)
    return usage_error ("create", "--bad-blocks takes a non-negative integer");
  options.factory_bad_blocks = bad_blocks;
  d = fm_chip_desc_lookup (chip, &error);
  if (!d)
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  image = fm_nand_create_image (d, argv[1], &options, &error);
  if (!image || !fm_image_sync (image, &error))
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  for (guint32 b = 0; b < fm_chip_desc_blocks (d); b++)
    if (fm_image_block (image, b)->flags & FM_BLOCK_FACTORY_BAD)
      bad++;
  g_print ("created %s: chip %s, seed %" G_GUINT64_FORMAT ", %u factory bad block%s\n",
           argv[1], d->name, options.seed, bad, bad == 1 ? "" : "s");
  return EXIT_SUCCESS;
}

/* ---- dispatch ------------------------------------------------------------ */

static const Command commands[] = {
  { "list-chips", "[--type TYPE] [--vendor VENDOR] [--id BYTES]", "List the chips in the catalog, or those that pass the filters.",
    "The catalog is $FLASHMODEL_CHIPS_DIR if set, else the installed chips\n"
    "directory (in a build that is not installed: the source tree's chips/).\n"
    "A descriptor that fails to load is reported on stderr and the others are\n"
    "still listed.\n\n"
    "The filters combine (a part must pass all given):\n"
    "  --type TYPE      nand-slc, nand-mlc, nor-cfi, spi-nor or spi-nand.\n"
    "  --vendor VENDOR  the descriptor's vendor, in any case (\"micron\").\n"
    "  --id BYTES       hex bytes as READ ID (90h-00h; 9Fh on SPI parts)\n"
    "                   returned them, separated by ':', ',', '-' or spaces.\n"
    "                   A part matches when its ID and BYTES agree as far as\n"
    "                   both go: \"2c\" lists every Micron part, and the 8 bytes\n"
    "                   a real chip returns (it repeats or pads its ID) match\n"
    "                   the part whose descriptor holds the first 5.\n\n"
    "Examples:\n"
    "  flashmodel list-chips --type spi-nand\n"
    "  flashmodel list-chips --vendor micron --id 2c:dc", cmd_list_chips },
  { "info", "--chip NAME | --id BYTES", "Show a chip's geometry, IDs, ONFI or SPI NAND data, on-die ECC, timings and reliability.",
    "NAME is a catalog name (see list-chips) or the path of a descriptor file.\n"
    "--id BYTES shows every catalog part whose READ ID agrees with BYTES (as\n"
    "list-chips --id matches them), for when the bytes a chip answered are all\n"
    "that is known (nandsim's id_bytes, a boot log); the exit status is 1 if\n"
    "no part answers them.\n\n"
    "Examples:\n"
    "  flashmodel info --chip micron-mt29f4g\n"
    "  flashmodel info --id 2c:dc:90:95:56", cmd_info },
  { "descriptor", "--from-onfi PARAM.bin | --from-jedec PARAM.bin | --from-sfdp SFDP.bin [-o FILE [--force]]",
    "Build a chip descriptor from a parameter table read off a real chip.",
    "PARAM.bin is what READ PARAMETER PAGE (ECh-00h) returned: the 256-byte ONFI\n"
    "parameter page and its redundant copies, then, for an ONFI 2.1+ part whose\n"
    "ECC requirement is there, the extended parameter page's copies. As Linux\n"
    "does, the first copy whose CRC holds is used, and with three copies and\n"
    "none good their bit-wise majority.\n\n"
    "Every field the page carries is filled from it: the geometry, bus width,\n"
    "optional commands, ONFI strings, timing modes, ECC requirement, maximum\n"
    "tR, tPROG and tBERS, NOP, endurance and bad blocks per LUN. What the page\n"
    "does not carry gets a default on a line after a '# FILL IN' comment: the\n"
    "READ ID bytes (only the JEDEC manufacturer ID is in the page), the\n"
    "datasheet title, typical and cache/multi-plane busy times, sequential\n"
    "programming, the bad block marker, vendor feature addresses and MLC\n"
    "pairing. The output loads as it is, saved as NAME.ini after its [chip]\n"
    "name (try 'flashmodel info --chip NAME.ini'); NAME is the vendor and\n"
    "model strings of the page, lower case, and yours to change (rename the\n"
    "file with it). Replace each FILL IN value from the datasheet before\n"
    "relying on it.\n\n"
    "With --from-jedec, PARAM.bin is what READ PARAMETER PAGE (ECh-40h)\n"
    "returned on a part that answers READ ID 40h with \"JEDEC\" and has no\n"
    "ONFI page: copies of the 512-byte JESD230 parameter page. The first of\n"
    "three copies whose CRC holds is used (as Linux's nand_jedec_detect; no\n"
    "majority), and the descriptor gets a [jedec] group; the fields and the\n"
    "FILL IN lines are those of --from-onfi (no cache timing modes).\n\n"
    "SFDP.bin is a serial NOR part's SFDP space from address 0 (READ SFDP,\n"
    "5Ah): the header, the parameter headers and their tables. The JESD216B\n"
    "Basic Flash Parameter Table (16 DWORDs; older, shorter ones are refused)\n"
    "gives the size, page, erase types with their typical times and the one\n"
    "multiplier to the maxima, program and chip erase times, the multi-I/O\n"
    "reads and their dummy clocks, the quad enable bit and 4-byte mode; the\n"
    "4-Byte Address Instruction Table the 4-byte erase opcodes. FILL IN marks\n"
    "the name, vendor and part, the JEDEC ID, endurance, block protection and\n"
    "the suspend and write status times.\n\n"
    "The descriptor goes to stdout, or with --output to a new FILE. A file\n"
    "that is no parameter page (too short, a bad CRC in every copy, values no\n"
    "part can have) is refused naming the file, the field and the reason,\n"
    "with exit status 1.\n\n"
    "Example:\n"
    "  flashmodel descriptor --from-onfi param.bin -o micron-mt29f4g08abadawp.ini\n"
    "  flashmodel descriptor --from-jedec jedec.bin > toshiba-tc58teg5dcjta00.ini\n"
    "  flashmodel descriptor --from-sfdp sfdp.bin > sfdp-part.ini", cmd_descriptor },
  { "create", "--chip NAME [--seed N] [--bad-blocks N] IMAGE | --base BASE IMAGE",
    "Create a fresh, fully erased chip image, or an overlay on an image.",
    "IMAGE must not exist. The file is sparse: it grows with the pages programmed,\n"
    "not with the chip's size. Factory bad blocks are placed by the seed and carry\n"
    "the marker the datasheet specifies; the same seed gives the same chip.\n\n"
    "With --base, IMAGE is an overlay on BASE (an image or another overlay), like\n"
    "a qcow2 file on its backing file: it holds only what differs from BASE, which\n"
    "is never written. Every tool, muse-chip and the QEMU device use it as the\n"
    "image it stands for. A relative BASE is taken from IMAGE's directory (as\n"
    "qemu-img does) and stored as given, so the two can move together. BASE is\n"
    "locked shared while an overlay on it is open. An overlay refuses a base\n"
    "that changed since (a writable open of an image changes its generation); an\n"
    "overlay used as a base is read as it was when the new one was made.\n"
    "'flashmodel flatten' makes an overlay a standalone image.\n\n"
    "Examples:\n  flashmodel create --chip micron-mt29f4g --seed 7 nand.img\n"
    "  flashmodel create --base nand.img try.img", cmd_create },
  { "flatten", "OVERLAY IMAGE", "Write an overlay's contents as a standalone image.",
    "IMAGE (which must not exist) gets every page, program count, block record,\n"
    "the age and flags OVERLAY shows through its bases; it needs none of them.\n"
    "(Any image can be flattened: the result is a compact copy.)\n\n"
    "Example:\n  flashmodel flatten try.img try-standalone.img", cmd_flatten },
  { "stat", "IMAGE | --live [--watch SECONDS] DIR",
    "Summarise an image, or a running muse-chip's statistics: wear, errors, bad blocks.",
    "IMAGE is opened read-only (with a shared lock), so it can be inspected\n"
    "while no writer holds it: chip, seed, file size, pages written, page\n"
    "programs and reads, erase counts with the wear-leveling figures (max/mean,\n"
    "coefficient of variation; see 'flashmodel wear --help'), bit flips injected,\n"
    "what the host's ECC reported, injected faults, the chip's age and its bad\n"
    "blocks: those whose marker pages carry a non-FFh marker byte, as Linux sees\n"
    "them, plus factory bad, worn-out and grown bad blocks.\n\n"
    "--live DIR reads the statistics directory of a running 'muse-chip\n"
    "--stats-mount DIR' instead (or a copy of its files): the same summary as the\n"
    "chip is now, plus the server's pid, uptime and the requests it has served,\n"
    "without stopping it. summary.json and erase_counts.csv are read one after\n"
    "the other, so on a busy chip they can be a few operations apart.\n"
    "--watch SECONDS prints it again every SECONDS until interrupted or until the\n"
    "server stops (its directory goes away).\n\n"
    "Examples:\n"
    "  flashmodel stat nand.img\n"
    "  flashmodel stat --live --watch 5 /run/nand-stats", cmd_stat },
  { "wear", "[--csv | --json] [--png FILE] IMAGE | DIR",
    "Report wear: erase count statistics, per-block CSV, JSON, a PNG heatmap.",
    "Reads IMAGE (read-only, shared lock), or the statistics directory DIR of a\n"
    "running 'muse-chip --stats-mount DIR' (or a copy of its summary.json and\n"
    "erase_counts.csv), and reports how evenly the chip's blocks are worn.\n"
    "Every block counts, bad ones included. Without --csv or --json it\n"
    "prints a summary:\n"
    "  erase count    min, mean, max, population standard deviation and total\n"
    "                 of the blocks' erase counts\n"
    "  max/mean       the most worn block against the average (1 is perfect\n"
    "                 wear leveling)\n"
    "  coef. of var.  stddev/mean (0 is perfect); both n/a when nothing was\n"
    "                 erased\n"
    "  endurance      the chip's rated P/E cycles and the share of them the\n"
    "                 most worn block has used\n"
    "  lifetime       the chip time at which the most worn block reaches its\n"
    "                 rated cycles if it keeps being erased at its rate so far\n"
    "                 (max erases over the chip's age), and the time left until\n"
    "                 then; n/a when nothing was erased or the chip has no age\n"
    "                 (it ages only under a timing model that advances time).\n\n"
    "--csv prints one row per block instead:\n"
    "  block,erase_count,program_count,read_count,factory_bad,worn_out,marked_bad,\n"
    "  grown_bad,bitflips,ecc_corrected,ecc_failed,faults\n"
    "bitflips counts raw errors the model injected into reads; ecc_corrected and\n"
    "ecc_failed are what the host's ECC reported back (muse-chip does).\n\n"
    "--json prints the summary as one JSON object: image, seed, chip {name,\n"
    "vendor, part, blocks, pages_per_block, pe_cycles}, totals {programs, reads,\n"
    "bitflips, ecc_corrected, ecc_failed, faults}, bad_blocks {total, marked,\n"
    "factory, worn_out, grown_bad}, erase_count {min, max, total, mean,\n"
    "stddev}, max_over_mean, coefficient_of_variation, age_ns,\n"
    "projected_lifetime_s and projected_remaining_s (null where the summary\n"
    "says n/a). Numbers are printed so that they read back exactly.\n\n"
    "--png FILE also draws a 1024x1024 PNG, whatever the chip: a title naming\n"
    "the image and chip with the statistics; the heatmap, one cell per block in\n"
    "block order, row by row, in a near-square grid of ceil(sqrt(blocks))\n"
    "columns within x 40-904, y 80-660, coloured from dark violet (least erased)\n"
    "to yellow (most erased), with the colour scale to its right; and below it\n"
    "(y 720-960) a histogram of the erase counts in up to 64 equal bins.\n\n"
    "Examples:\n"
    "  flashmodel wear nand.img\n"
    "  flashmodel wear --json --png wear.png nand.img > wear.json\n"
    "  flashmodel wear --png now.png /run/nand-stats", cmd_wear },
  { "age", "--hours H [--temperature C] IMAGE",
    "Bake an image: every programmed page becomes H hours older (retention).",
    "A NAND chip's retention errors grow with the time since each block was\n"
    "programmed, counted on the chip's clock (its age, kept in the image). This\n"
    "moves the clock on by the bake, as a shelf or an oven would: every page\n"
    "programmed before is then H hours older, the data, erase counts and read\n"
    "counts stay as they are, and pages programmed later count from the new\n"
    "age. IMAGE is opened writable (it must not be in use).\n\n"
    "  --hours H        the bake's length, above 0 and at most 1e6 hours.\n"
    "  --temperature C  the bake's temperature in degrees Celsius (-60 to 300).\n"
    "                   Charge leaks faster when hot: with a cell model that\n"
    "                   gives an activation energy Ea ([cell-model] in the\n"
    "                   chip's descriptor), H hours at C count as\n"
    "                     H * exp(Ea/k * (1/T_ref - 1/T))\n"
    "                   hours at the model's reference temperature T_ref\n"
    "                   (Arrhenius; T in kelvin, k Boltzmann's constant), as\n"
    "                   JEDEC's JESD22-A117 bakes do. A part without one ages\n"
    "                   H hours whatever C is, and a note says so.\n\n"
    "It prints the bake (and its equivalent at the reference temperature), the\n"
    "chip's age before and after, in hours, and how many blocks hold data. A\n"
    "missing or locked image, one of a NOR part (no retention model), or a bake\n"
    "that would take the age beyond 2^64 ns is an error (exit status 1) and\n"
    "changes nothing; a malformed --hours or --temperature exits with 2.\n\n"
    "Examples:\n"
    "  flashmodel age --hours 1000 nand.img\n"
    "  flashmodel age --hours 24 --temperature 85 nand.img", cmd_age },
  { "vt", "--block B --page P [--bins N] [--shift MV,...] [--png FILE] IMAGE",
    "Show a page's threshold-voltage distribution, read references and RBER.",
    "For a part whose descriptor has a [cell-model] group, each cell's state is\n"
    "a distribution of threshold voltages (Vt) that moves with the block's\n"
    "history: its P/E cycles (erase count), the hours since its last program\n"
    "(the chip's age minus the program's; see 'flashmodel age'), its reads since\n"
    "the erase (read disturb) and the programmed word lines next to the page's\n"
    "(program interference). A read compares each cell with the read reference\n"
    "voltages; the bits on the wrong side are the raw bit errors. This shows,\n"
    "for page P of block B of IMAGE (opened read-only) as the model sees it now:\n"
    "  page, history  the page type (an MLC's lower or upper page, a TLC's lower,\n"
    "                 upper or extra page; SLC: lower) and the history above\n"
    "  states         each state's mean and sigma in mV, now and fresh (ER is\n"
    "                 the erased state, P1... the programmed ones)\n"
    "  histogram      N bins (--bins, default 40, at most 1000) from the lowest\n"
    "                 state's mean - 4 sigma to the highest's + 4 sigma; each\n"
    "                 row a bar as long as the Vt density at the bin's centre,\n"
    "                 made of the digits of the states it belongs to (0 = ER),\n"
    "                 so overlaps show; 'R<n> V' marks default read reference n\n"
    "                 in its bin, 'R<n>* V' where the best shift moves it\n"
    "  RBER           the page's raw bit error rate at the default references,\n"
    "                 for random data (each state equally likely), and at the\n"
    "                 best shift: the offsets of the references that read this\n"
    "                 page (an MLC's lower page R2, its upper page R1 and R3), in\n"
    "                 5 mV steps within +-1500 mV, that minimise it, as a read\n"
    "                 retry would hope to find; then the other page types' RBER\n"
    "                 of the same cells.\n"
    "  your shift     with --shift MV,..., the page's RBER with the references\n"
    "                 shifted by these mV, one per reference, lowest first (a\n"
    "                 read retry level of the part's [read-retry] table, say):\n"
    "                 as many as the part has references, each within +-5000.\n"
    "An erased page is shown as data programmed now would be, with a note.\n\n"
    "--png FILE also draws a 1024x640 PNG: the title and history; each state's\n"
    "histogram in its colour (ER dark violet to the highest state yellow);\n"
    "solid lines at the default references, dashed ones at the best shift.\n\n"
    "A part without a cell model, a block or page beyond the chip, or an image\n"
    "that cannot be read is an error (exit status 1).\n\n"
    "Examples:\n"
    "  flashmodel vt --block 12 --page 3 nand.img\n"
    "  flashmodel age --hours 8760 nand.img && flashmodel vt -b 12 -p 3 --png vt.png nand.img", cmd_vt },
  { "import",
    "--chip NAME [--format FORMAT] [--oob-file FILE] [--syndrome STEP,ECC[,PRE[,POST]]]\n"
    "    [--start-block N] [--seed N] [--force] [-v] DUMP IMAGE",
    "Import a dump of a real chip (nanddump, a programmer) into a new image.",
    "DUMP holds whole erase blocks of the chip, pages in order, in one of these\n"
    "formats (--format):\n"
    "  data         page data only; the OOB is taken as all FFh\n"
    "  interleaved  each page's data, then its OOB (nanddump --oob, most\n"
    "               programmers)\n"
    "  separate     the data as in 'data', the OOB bytes of every page in\n"
    "               --oob-file\n"
    "  syndrome     the physical pages of a controller with interleaved\n"
    "               (\"syndrome\") ECC placement: for each ECC step its data,\n"
    "               prepad, ECC and postpad bytes (--syndrome), then the rest\n"
    "               of the spare area. The image holds the logical page Linux\n"
    "               presents: the steps' data, then each step's prepad, ECC\n"
    "               and postpad, then the rest\n"
    "  auto         (default) by size: data or interleaved, whichever makes\n"
    "               the dump a whole number of erase blocks that fit in the\n"
    "               chip from --start-block. When both do (32 blocks with a\n"
    "               1/32 OOB are 33 without) or neither, the error gives the\n"
    "               size and both block sizes: say which with --format.\n"
    "               With --oob-file, separate. syndrome is never detected:\n"
    "               its size is interleaved's.\n\n"
    "Pages whose data and OOB are all FFh stay erased; every other page is\n"
    "stored as programmed once. Blocks carrying a bad block marker become\n"
    "factory bad blocks of the model (program and erase fail on them); no\n"
    "other bad blocks are placed. nanddump skips bad blocks by default: dump\n"
    "with --bb=dumpbad to keep the chip's layout. A dump of one partition goes\n"
    "at --start-block; its size must be a whole number of erase blocks.\n\n"
    "IMAGE must not exist (--force replaces it). It is written under a\n"
    "temporary name next to it and renamed when complete, so a failed import\n"
    "leaves nothing behind. The summary names the format, the pages stored\n"
    "and the blocks marked bad.\n\n"
    "Examples:\n"
    "  nanddump --bb=dumpbad --noecc --oob -f nand.bin /dev/mtd0\n"
    "  flashmodel import --chip micron-mt29f4g nand.bin nand.img\n"
    "  flashmodel import --chip micron-mt29f4g --start-block 1024 rootfs.bin nand.img\n"
    "  flashmodel import --chip samsung-k9f1208 --syndrome 512,10,0,6 raw.bin nand.img",
    cmd_import },
  { "export",
    "[--format FORMAT] [--oob-file FILE] [--syndrome STEP,ECC[,PRE[,POST]]]\n"
    "    [--blocks START,COUNT] [--force] [-v] IMAGE DUMP",
    "Write an image as a dump, in the layout of nanddump or a programmer.",
    "The formats are those of import (see 'flashmodel import --help'); the\n"
    "default is interleaved, each page's data then its OOB as nanddump --oob\n"
    "writes them, or separate with --oob-file. Pages that hold no data are\n"
    "written as FFh, so a dump imported and exported again is the same bytes.\n"
    "--blocks writes COUNT erase blocks from block START (a partition)\n"
    "instead of the whole chip.\n\n"
    "DUMP must not exist (--force replaces it); it is written under a\n"
    "temporary name and renamed when complete. DUMP '-' is standard output,\n"
    "and the summary then goes to stderr.\n\n"
    "Examples:\n"
    "  flashmodel export nand.img nand.bin\n"
    "  flashmodel export --format data --blocks 1024,512 nand.img rootfs.bin\n"
    "  flashmodel export nand.img - | cmp - nanddump.bin",
    cmd_export },
  { "journal", "[--list | --marks OUT] FILE", "Show what a journal holds and whether it is intact.",
    "FILE is a journal recorded by 'muse-chip --record'. The header (chip, seed,\n"
    "digest of the starting image) and each record's checksum and data digest\n"
    "are checked; records after the first that fails are not used. A journal\n"
    "whose last record is cut short (the recorder died) ends in a 'torn tail',\n"
    "which is normal after a crash.\n\n"
    "With --list, one line per operation: its number, read/program/erase, the\n"
    "block and page, what the chip reported (ok, FAIL, or torn by a power cut),\n"
    "the block's erase count after it and the first digits of the SHA-256 of\n"
    "the data read or programmed.\n\n"
    "Marks are annotations a workload placed between two operations (muse-chip\n"
    "--stats-mount's 'mark' file), e.g. 'this write is acknowledged now'. They\n"
    "are not operations: replay and powercut-campaign skip them. --list shows\n"
    "each as 'SEQ mark LABEL' after the operation SEQ it follows; --marks OUT\n"
    "writes only them, 'SEQ LABEL' per line, for a check to pick those before\n"
    "its cut: a cut at operation N (FM_CUT_OP) comes after every mark whose\n"
    "SEQ is below N.\n\n"
    "Exit status: 0 if the journal is complete or only its tail is torn, 1 if a\n"
    "record is corrupt (the records before it remain usable).", cmd_journal },
  { "replay", "--journal FILE [--base IMAGE] [--until N [--cut clean|torn] | --cut ID] -o IMAGE2",
    "Rebuild the chip's image as it was after operation N of a journal.",
    "Applies the journal's operations, in order, to a copy of IMAGE (the image\n"
    "the recording started from; it is checked against the digest in the\n"
    "journal and never modified) and writes the result to IMAGE2. Without\n"
    "--base, the journal must have started from a fresh image of its chip and\n"
    "seed, which replay makes itself.\n\n"
    "--until N stops after operation N (operations count every read, program\n"
    "and erase from 1, as the --list of 'flashmodel journal' shows). With\n"
    "--cut clean, power went after N completed. With --cut torn, power went\n"
    "during N, as on real chips:\n"
    "  program  each bit it was clearing is cleared, still 1, or unstable (it\n"
    "           reads back differently on every read); on MLC parts the paired\n"
    "           lower page of an upper page loses its data too\n"
    "  erase    the block is partly erased\n"
    "  read     nothing changes\n"
    "How far the operation got comes from the chip's seed and N, so the same\n"
    "cut always gives the same image, and the image a live power cut\n"
    "('muse-chip --faults powercut@op=N') leaves.\n\n"
    "--cut ID (without --until) rebuilds the image of a powercut-campaign's\n"
    "cut ID, byte for byte the campaign's; a second-level ID needs the\n"
    "recovery journal it was cut from (--recovery FILE).\n\n"
    "Examples:\n"
    "  flashmodel replay --base base.img --journal run.journal --until 1500 \\\n"
    "      --cut torn -o cut.img\n"
    "  muse-chip --chip micron-mt29f4g --image cut.img &", cmd_replay },
  { "powercut-campaign", "--journal FILE --check CMD | --reproduce ID --journal FILE | merge REPORT...",
    "Cut power at every operation of a journal and check each image left.",
    "Builds the image a power cut leaves at operations of a journal (recorded\n"
    "with 'muse-chip --record') and runs CMD on each with /bin/sh; CMD exiting\n"
    "0 means the image passed. The cut points are visited in journal order\n"
    "while a prefix, an overlay on the base in the work directory (see 'create\n"
    "--base'), follows the journal; each cut image is a small overlay on the\n"
    "prefix holding the cut operation alone. A cut costs the operations since\n"
    "the previous one plus the cut, however long the journal and however big\n"
    "the image: never a copy, never a replay from the start. The base is only\n"
    "read.\n\n"
    "CUT POINTS\n"
    "By default every program and erase is cut twice: clean, power lost just\n"
    "before the operation started (every operation before it completed, reads\n"
    "included: the image 'flashmodel replay --until N-1' builds), and torn,\n"
    "power lost during it. --cut torn or --cut clean keeps one of the two;\n"
    "--all-ops cuts reads too; --from and --to bound the operations; --every K\n"
    "keeps every K-th, --sample N draws N (--seed). A cut that provably leaves\n"
    "the image another cut of the same operation left (the tear of an\n"
    "operation the chip refuses on a bad block is its clean cut; the torn\n"
    "variants of the erase of a block that holds nothing are one image) is not\n"
    "checked again: it is listed as a duplicate.\n\n"
    "TORN VARIANTS (--torn)\n"
    "'seeded', the default, is what a live cut ('muse-chip --faults\n"
    "powercut@op=N') leaves, bit for bit: the chip's seed picks how far the\n"
    "operation got (mostly mid-way, one cut in five in its last pulses). The\n"
    "others each leave one outcome, so that every kind of damage is met at\n"
    "every operation:\n"
    "  somebits       program: under half of the bits it was clearing are\n"
    "                 programmed, the rest unstable (reading back differently\n"
    "                 every time) or still 1\n"
    "  mostbits       program: most of them programmed (50-95%)\n"
    "  unstable       program cut in its last pulses: all programmed but 1 to 4\n"
    "                 bits that read back at random and up to 4 still 1\n"
    "  lowerpage      MLC upper-page program cut mid-way: its paired lower page\n"
    "                 is destroyed too (the three above leave it intact)\n"
    "  partly-erased  erase: 5-95% of the block's programmed bits back at 1\n"
    "  mostly-erased  erase cut in its last pulses: all but a few bits at 1\n"
    "--torn all cuts the six, --torn somebits,lowerpage a list. A variant that\n"
    "does not apply to an operation (lowerpage on SLC chips and lower pages, an\n"
    "erase variant on a program) is skipped and counted. --tear-seed S draws\n"
    "every torn cut again (0, the default, draws as a live cut).\n\n"
    "DEPTH 2 (--depth 2 --window A:B)\n"
    "Each first cut at operations A to B is checked with $FM_CUT_RECORD set:\n"
    "the check must record its run there, from the image as given\n"
    "('muse-chip --image {} --record \"$FM_CUT_RECORD\" ...'); a check that\n"
    "passes without recording is an error. That recovery journal (attach,\n"
    "mount, the file system's own recovery) is then cut with the same coverage,\n"
    "and each image (first cut, recovery up to the second cut, second cut) is\n"
    "checked again.\n\n"
    "IDS AND --reproduce\n"
    "Every cut has an ID, DIGEST@OP:CUT[/DIGEST@OP:CUT][+SEED]: 8 hex digits of\n"
    "the journal's SHA-256, the operation, the cut (clean, torn for the seeded\n"
    "variant, or the variant's name), at depth 2 the same for the recovery\n"
    "journal, and the tear seed unless 0. A failure prints its ID and the\n"
    "command that reruns it:\n"
    "  flashmodel powercut-campaign --reproduce ID --journal FILE [--base IMAGE]\n"
    "      [--recovery FILE] [-o IMAGE] [--check CMD]\n"
    "rebuilds exactly that image as a standalone file (-o; 'flashmodel replay\n"
    "--cut ID' too) and runs the check on it once (on a copy when -o is given\n"
    "too). An ID whose digest is not the journal's is refused. The campaign\n"
    "keeps the recovery journal of every first cut with a failed second cut\n"
    "in its work directory, as recovery-DIGEST-OP-CUT.journal; --reproduce\n"
    "looks for it there (--work-dir, default: the current directory) unless\n"
    "--recovery names it. --keep-failed keeps the failed images there,\n"
    "standalone (flattened) as cut-ID.img.\n\n"
    "PARALLEL AND DISTRIBUTED\n"
    "--jobs N runs N checks at once, each on its own image; $FM_JOB (0..N-1) is\n"
    "the check's slot, so that checks running together can use distinct\n"
    "device names. Output stays in campaign order. --shard K/N checks the K-th\n"
    "of N shares (operations dealt out in turn; every shard walks the whole\n"
    "journal), and 'merge' combines the reports of all N shards into the\n"
    "report one run gives, refusing reports of other campaigns and missing or\n"
    "repeated shards:\n"
    "  parallel -q -I % flashmodel powercut-campaign --journal J --base B \\\n"
    "      --check CMD --shard %/4 --report shard-%.json ::: 0 1 2 3\n"
    "  flashmodel powercut-campaign merge -o report.json shard-*.json\n"
    "(-q passes CMD as it is, -I % keeps GNU parallel off the {} of CMD. Across\n"
    "hosts add --sshlogin; bench/slurm/powercut-array.sh runs shards as a\n"
    "Slurm array job.)\n\n"
    "THE CHECK'S ENVIRONMENT\n"
    "{} in CMD and $FM_CUT_IMAGE: the cut image, a scratch overlay CMD may\n"
    "change (it opens as any image does while the campaign runs; 'flashmodel\n"
    "flatten' makes a standalone copy). $FM_CUT_ID: its ID. $FM_CUT_OP: the operation. $FM_CUT: clean,\n"
    "torn or the variant; $FM_CUT_KIND: clean or torn; $FM_CUT_VARIANT: the torn\n"
    "variant (seeded included; empty for clean cuts). $FM_CUT_WHAT: \"program of\n"
    "block 3 page 7\". $FM_CHIP: the chip. $FM_JOB: the job slot.\n"
    "$FM_CUT_DEPTH: 1 or 2; at 2, $FM_CUT_FIRST_OP, $FM_CUT_FIRST and\n"
    "$FM_CUT_FIRST_WHAT describe the first cut. $FM_CUT_RECORD: where a first\n"
    "cut's check records (depth 2). stdin is /dev/null; stdout and stderr are\n"
    "kept, and their end shown when the check fails. Both cuts of operation N\n"
    "come after N-1 completed and before N did: what the workload had\n"
    "acknowledged before the cut is what it acknowledged before operation\n"
    "$FM_CUT_OP ($FM_CUT_FIRST_OP at depth 2, the recovery acknowledging\n"
    "nothing).\n\n"
    "OUTPUT\n"
    "TAP on stdout: a line per cut in campaign order (duplicates as SKIP);\n"
    "after a failure the end of the check's output, the ID and the rerun\n"
    "command; a summary: cut points by cut and by operation, failures,\n"
    "duplicates, variants not applicable, the share of the journal cut, time\n"
    "making cuts, checking and in all, cut points per minute. Progress on\n"
    "stderr (--progress). --report writes the JSON report (fields in README.md,\n"
    "\"The campaign's report\"), --csv a row per cut.\n\n"
    "SIGINT, SIGTERM and SIGHUP stop a campaign between two cuts: the checks\n"
    "running get SIGTERM in their process groups (SIGKILL if the signal comes\n"
    "again), the cut images go, and the signal ends the tool.\n\n"
    "Exit status: 0 if every check passed, 1 if one failed or on errors, 2 on\n"
    "usage errors. merge: 0, or 1 if the merged campaign has failures.\n\n"
    "Examples:\n"
    "  flashmodel powercut-campaign --journal run.journal --base base.img \\\n"
    "      --check './mount-and-verify.sh {}' --jobs 2 --report report.json\n"
    "  flashmodel powercut-campaign --journal run.journal --base base.img \\\n"
    "      --sample 200 --torn all --check './mount-and-verify.sh {}'", cmd_powercut_campaign },
};

const Command *
find_command (const gchar *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

static void
print_main_help (FILE *out)
{
  fprintf (out,
           "Usage: flashmodel COMMAND [OPTION...] [ARG...]\n\n"
           "Inspect flash chip descriptors and create and examine chip images for the\n"
           "flashmodel NAND emulator.\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-18s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\nRun 'flashmodel COMMAND --help' for a command's options.\n\n"
           "Environment:\n"
           "  FLASHMODEL_CHIPS_DIR  directory of chip descriptors (*.ini) to use\n\n"
           "Exit status: 0 on success, 1 on failure, 2 on a usage error.\n");
}

int
main (int argc, char **argv)
{
  const Command *cmd;

  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      print_main_help (stderr);
      return EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_main_help (stdout);
      return EXIT_SUCCESS;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("flashmodel %s\n", FM_VERSION);
      return EXIT_SUCCESS;
    }
  cmd = find_command (argv[1]);
  if (!cmd)
    {
      g_printerr ("flashmodel: unknown command '%s'\n\n", argv[1]);
      print_main_help (stderr);
      return EXIT_USAGE;
    }
  return cmd->run (argc - 1, argv + 1);
}
