/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * muse-chip: serves a flashmodel chip to Linux as an MTD device through
 * /dev/muse, acting as the chip's host controller (ECC, OOB layout).
 */
#include "muse-server.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_USAGE 2

static volatile gint stop_requested;

static void
on_signal (int sig)
{
  (void) sig;
  stop_requested = 1;
}

static const gchar description[] =
  "Serves the chip NAME (see 'flashmodel list-chips') as an MTD device: the\n"
  "kernel's MUSE driver registers /dev/mtdN and every read, write, erase and\n"
  "bad block query is answered by this process from the chip model.\n"
  "\n"
  "The chip's state lives in IMAGE (created with the chip's factory bad\n"
  "blocks if it does not exist, reopened with its wear intact if it does);\n"
  "without --image the chip is volatile and lost on exit.\n"
  "\n"
  "ECC (--ecc): muse-chip is the host controller, so it computes ECC on\n"
  "program and corrects on read. Reads report corrected bit flips to the\n"
  "kernel as -EUCLEAN (so UBI scrubs) and uncorrectable pages as -EBADMSG.\n"
  "  auto        what the chip requires: BCH with its ONFI strength, or\n"
  "              1-bit Hamming for 1-bit parts and parts without ONFI (default)\n"
  "  hamming     1 bit per 256 bytes, Linux's software Hamming layout\n"
  "  bchT[/S]    binary BCH correcting T bits per S bytes (S 512 or 1024)\n"
  "  none        no ECC: raw bit errors reach the reader\n"
  "\n"
  "Faults (--faults): rules such as 'bitflip block=3 page=0 count=2 always'\n"
  "or 'erase-fail block=7 nth=2', separated by ';', or @FILE; see the\n"
  "fm-faults.h reference. The firing counts are printed on exit.\n"
  "\n"
  "Exit status: 0 when the kernel side went away or on SIGINT/SIGTERM after\n"
  "a clean shutdown, 1 on errors (no /dev/muse, bad image, bad options).\n"
  "\n"
  "Example:\n"
  "  muse-chip --chip micron-mt29f4g --image nand.img &\n"
  "  mtdinfo /dev/mtd0\n";

typedef struct {
  gchar *chip;
  gchar *image;
  gchar *faults;
  gchar *timing;
  gchar *ecc;
  gchar *mtdparts;
  gchar *name;
  gchar *device;
  gint64 seed;
  gboolean verbose;
  gboolean version;
} Options;

static gboolean
parse_options (int *argc, char ***argv, Options *o)
{
  GOptionEntry entries[] = {
    { "chip", 'c', 0, G_OPTION_ARG_STRING, &o->chip, "Chip to serve (a catalog name or a .ini path)", "NAME" },
    { "image", 'i', 0, G_OPTION_ARG_FILENAME, &o->image, "Persistent chip image (created if missing)", "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "Seed of a new image (default 1)", "N" },
    { "faults", 'f', 0, G_OPTION_ARG_STRING, &o->faults, "Fault injection rules, or @FILE", "SPEC" },
    { "timing", 't', 0, G_OPTION_ARG_STRING, &o->timing, "none (default), virtual or real", "MODE" },
    { "ecc", 'e', 0, G_OPTION_ARG_STRING, &o->ecc, "auto (default), hamming, bchT[/S], none", "ECC" },
    { "mtdparts", 'p', 0, G_OPTION_ARG_STRING, &o->mtdparts, "Partitions, mtdparts syntax without the name", "PARTS" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &o->name, "MTD name (default: the chip name)", "NAME" },
    { "device", 0, 0, G_OPTION_ARG_FILENAME, &o->device, "MUSE device (default /dev/muse)", "PATH" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, "Print the init strings and failed requests", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &o->version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("--chip NAME");
  g_autoptr (GError) error = NULL;

  o->seed = 1;
  g_option_context_set_summary (ctx, "Serve a flashmodel chip as a Linux MTD device through MUSE.");
  g_option_context_set_description (ctx, description);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      g_printerr ("muse-chip: %s\nTry 'muse-chip --help'.\n", error->message);
      return FALSE;
    }
  if (o->version)
    return TRUE;
  if (*argc > 1)
    {
      g_printerr ("muse-chip: unexpected argument '%s'\nTry 'muse-chip --help'.\n", (*argv)[1]);
      return FALSE;
    }
  if (!o->chip)
    {
      g_printerr ("muse-chip: --chip NAME is required\nTry 'muse-chip --help'.\n");
      return FALSE;
    }
  if (o->seed < 0)
    {
      g_printerr ("muse-chip: --seed takes a non-negative integer\n");
      return FALSE;
    }
  return TRUE;
}

/* Opens IMAGE or creates it; NULL PATH: a volatile image. */
static FmImage *
open_or_create (const FmChipDesc *desc, const gchar *path, guint64 seed, GError **error)
{
  FmNandCreateOptions create = { seed, -1 };

  if (path && g_file_test (path, G_FILE_TEST_EXISTS))
    return fm_image_open (path, desc, FALSE, error);
  if (path)
    g_printerr ("muse-chip: creating %s (chip %s, seed %" G_GUINT64_FORMAT ")\n", path, desc->name, seed);
  return fm_nand_create_image (desc, path, &create, error);
}

static int
open_device (const gchar *path, GError **error)
{
  int fd = open (path, O_RDWR | O_CLOEXEC);

  if (fd >= 0)
    return fd;
  if (errno == ENOENT)
    g_set_error (error, FM_ERROR, FM_ERROR_IO,
                 "%s does not exist: this kernel has no MUSE driver (CONFIG_MUSE, see kernel/), "
                 "or it is a module that is not loaded (modprobe muse)", path);
  else if (errno == EPERM || errno == EACCES)
    g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s (MUSE needs CAP_SYS_ADMIN)", path, g_strerror (errno));
  else
    g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s", path, g_strerror (errno));
  return -1;
}

int
main (int argc, char **argv)
{
  Options o = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) desc = NULL;
  g_autoptr (FmNandHost) host = NULL;
  g_autoptr (MuseServer) server = NULL;
  FmTimingMode timing = FM_TIMING_NONE;
  FmEcc *ecc = NULL;
  FmImage *image;
  FmNand *nand;
  MuseServerOptions server_options = { 0 };
  struct sigaction sa = { 0 };
  int fd, status = EXIT_SUCCESS;

  setlocale (LC_ALL, "");
  if (!parse_options (&argc, &argv, &o))
    return EXIT_USAGE;
  if (o.version)
    {
      g_print ("muse-chip %s\n", FM_VERSION);
      return EXIT_SUCCESS;
    }
  if (o.timing && !fm_timing_mode_from_string (o.timing, &timing))
    {
      g_printerr ("muse-chip: --timing: '%s' is not none, virtual or real\n", o.timing);
      return EXIT_USAGE;
    }
  desc = fm_chip_desc_lookup (o.chip, &error);
  if (!desc || !fm_ecc_new_from_name (o.ecc ? o.ecc : "auto", desc, &ecc, &error))
    goto fail;
  image = open_or_create (desc, o.image, o.seed, &error);
  if (!image)
    goto fail;
  nand = fm_nand_new (desc, image, timing, &error);
  if (!nand)
    goto fail;
  if (o.faults)
    {
      FmFaultSet *faults = fm_fault_set_parse (o.faults, &error);

      if (!faults)
        {
          fm_nand_free (nand);
          goto fail;
        }
      fm_nand_set_faults (nand, faults);
    }
  host = fm_nand_host_new (nand, ecc, &error);
  if (!host)
    {
      fm_nand_free (nand);
      goto fail;
    }
  server_options.mtd_name = o.name;
  server_options.mtdparts = o.mtdparts;
  server_options.verbose = o.verbose;
  server = muse_server_new (host, &server_options);
  if (o.verbose)
    {
      g_autoptr (GBytes) info = muse_server_init_info (server);
      gsize len;
      const gchar *p = g_bytes_get_data (info, &len);

      for (const gchar *s = p; s < p + len; s += strlen (s) + 1)
        g_printerr ("muse-chip: %s\n", s);
    }

  fd = open_device (o.device ? o.device : "/dev/muse", &error);
  if (fd < 0)
    {
      fm_nand_free (nand);
      goto fail;
    }
  sa.sa_handler = on_signal;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  g_printerr ("muse-chip: serving %s (%s %s) with ECC %s\n", desc->name, desc->vendor, desc->part,
              ecc ? ecc->name : "none");
  if (!muse_server_run (server, fd, &stop_requested, &error))
    status = EXIT_FAILURE;
  close (fd);
  if (fm_nand_faults (nand) && fm_fault_set_len (fm_nand_faults (nand)))
    {
      g_autofree gchar *report = fm_fault_set_report (fm_nand_faults (nand));

      g_printerr ("muse-chip: faults:\n%s", report);
    }
  g_clear_pointer (&server, muse_server_free);
  g_clear_pointer (&host, fm_nand_host_free);
  fm_nand_free (nand); /* syncs and closes the image */
  if (status != EXIT_SUCCESS)
    goto fail;
  return EXIT_SUCCESS;

fail:
  g_printerr ("muse-chip: %s\n", error ? error->message : "failed");
  return EXIT_FAILURE;
}
