/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * muse-chip: serves a flashmodel chip to Linux as an MTD device through
 * /dev/muse, acting as the chip's host controller (ECC, OOB layout); or a
 * plain RAM-type MTD kept in a file.
 */
#include "muse-server.h"
#include "muse-stats.h"
#include "muse-stats-fs.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define EXIT_POWER_CUT 3

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
  "without --image the chip is volatile and lost on exit. 'flashmodel stat\n"
  "IMAGE' and 'flashmodel wear IMAGE' read it afterwards.\n"
  "\n"
  "ECC (--ecc): muse-chip is the host controller, so it computes ECC on\n"
  "program and corrects on read, in the layout of Linux's software engines\n"
  "(ECC bytes at the end of the spare area, bytes 0-1 for the bad block\n"
  "marker). Reads report corrected bit flips to the kernel as -EUCLEAN (so\n"
  "UBI scrubs) and uncorrectable steps as -EBADMSG.\n"
  "  auto        what the chip requires: BCH with its ONFI strength and\n"
  "              codeword size, or 1-bit Hamming for parts without (default)\n"
  "  hamming[/S] 1 bit per S bytes (256 or 512)\n"
  "  bchT[/S]    binary BCH correcting T (1-24) bits per S bytes (512, 1024)\n"
  "  on-die      the chip's own ECC, on parts that have it (Micron's internal\n"
  "              ECC): enabled as SET FEATURES would, the chip's spare layout\n"
  "              (SPI NAND parts: the default; see below; Toshiba BENAND\n"
  "              parts: the default and the only choice, their ECC is\n"
  "              always on)\n"
  "  none        no ECC: raw bit errors reach the reader\n"
  "\n"
  "Sub-pages: writes come in the sub-pages Linux's nand_base gives the chip\n"
  "with that ECC: quarters of an SLC page of 4 to 16 ECC steps (512 bytes\n"
  "for micron-mt29f4g with BCH-4/512), halves of one of 2, whole pages\n"
  "without ECC and on MLC parts. So UBI puts its VID headers where nandsim,\n"
  "QEMU's flashmodel-pci device and a real board put them, and their images\n"
  "attach here as they are. Each sub-page written is a program of its page\n"
  "and counts against the part's NOP (--nop).\n"
  "\n"
  "Faults (--faults): rules such as 'bitflip block=3 page=0 count=2 always'\n"
  "or 'erase-fail block=7 nth=2', separated by ';', or @FILE with one rule\n"
  "per line; the language is described in libflashmodel/nand/fm-faults.h. How\n"
  "often each rule fired is printed on exit.\n"
  "\n"
  "Power cuts: the fault 'powercut@op=N' (or 'powercut at-op=N', 'powercut\n"
  "@time=T' with T in microseconds of chip time; add 'clean' to cut between\n"
  "operations) removes the chip's power as operation N starts: the operation\n"
  "is torn as a real chip's would be (half-programmed bits, a partly erased\n"
  "block), the request is never answered and muse-chip exits with status 3,\n"
  "leaving IMAGE as the chip would be found after the reboot.\n"
  "\n"
  "Recording (--record FILE): every read, program and erase the chip carries\n"
  "out is appended to a journal FILE (which must not exist), with a digest\n"
  "of the image it started from. 'flashmodel replay' rebuilds the chip as it\n"
  "was after any operation, cut cleanly or torn, from a copy of the starting\n"
  "image, and 'flashmodel powercut-campaign' checks a file system at many\n"
  "such cut points. Copy IMAGE before starting to keep the base:\n"
  "  flashmodel create --chip micron-mt29f4g base.img && cp base.img nand.img\n"
  "  muse-chip --chip micron-mt29f4g --image nand.img --record run.journal\n"
  "\n"
  "SPI NAND chips (spi-nand parts) become the MTD Linux's SPI NAND core\n"
  "(drivers/mtd/nand/spi) makes of the part, found by its READ ID in Linux\n"
  "6.1's tables: MTD_NANDFLASH with the part's page, spare and block sizes\n"
  "and no sub-pages; the chip's own ECC as the MTD's ECC (--ecc auto or\n"
  "on-die; none serves the cells raw, without ECC), its strength as the bit\n"
  "flip threshold (spinand leaves the MTD core's default); the OOB layout\n"
  "of Linux's driver for the vendor (the free bytes MTD_OPS_AUTO_OOB users\n"
  "get, the chip's parity in its ECC regions); each page's bit flips\n"
  "counted as the vendor's driver decodes the status register (Winbond's\n"
  "\"corrected\" as the strength, Micron's \"1-3 bits\" as 3: often more than\n"
  "the chip fixed; the chip's own counts go to the statistics), an\n"
  "uncorrectable page as -EBADMSG. Raw accesses turn the chip's ECC off, as\n"
  "spinand does; a block is bad when byte 0 or 1 of its first page's spare\n"
  "area is not FFh, and marking it bad programs 00h there.\n"
  "\n"
  "NOR chips (nor-cfi and spi-nor parts) are served as MTD_NORFLASH: byte\n"
  "writes (bits only clear), no OOB, no bad blocks, the part's write buffer\n"
  "or page as the write buffer size. The erase size is the part's sector\n"
  "size (CFI parts with uniform sectors) or, for SPI parts, the largest erase\n"
  "instruction unless --erase-size picks another (e.g. 4K). --ecc and --nop\n"
  "do not apply; faults, power cuts and --record do ('block' in a fault\n"
  "rule is the part's smallest erase sector, 'page' its write buffer).\n"
  "\n"
  "Live statistics (--stats-mount DIR): while it serves, muse-chip mounts a\n"
  "FUSE file system on the existing directory DIR whose files are read-only\n"
  "(but for one write-only control file, below); reading a file shows the\n"
  "chip as it is at that moment, between two requests, without stopping the\n"
  "server:\n"
  "  erase_counts.csv  one row per block, as 'flashmodel wear --csv' prints\n"
  "                    it: erase, program and read counts, the bad block flags\n"
  "                    (factory, worn out, marked, grown), bit flips injected,\n"
  "                    ECC corrections and failures, injected faults\n"
  "  summary.json      the summary 'flashmodel wear --json' prints, plus\n"
  "                    \"live\": muse-chip's pid, state, uptime and the requests\n"
  "                    served so far\n"
  "  bad_blocks        one line per bad block: its number and why (factory,\n"
  "                    worn-out, grown-bad, marked)\n"
  "'flashmodel stat --live DIR' and 'flashmodel wear DIR' read them. Each open\n"
  "of a file sees one snapshot. With --record, DIR also holds the write-only\n"
  "file 'mark': writing a label to it (echo acked-3 > DIR/mark; 1 to 200\n"
  "printable ASCII characters) places a mark in the journal between two\n"
  "requests, after every operation the kernel has had a reply to, and the\n"
  "write returns once the mark is in the journal file: a workload marks\n"
  "where its fsync returned, and a power-cut campaign's check knows which\n"
  "writes were acknowledged before each cut ('flashmodel journal --marks').\n"
  "Without --record, DIR holds the write-only file 'image' instead: writing\n"
  "the path of another image of the same chip to it (echo cut.img > DIR/image)\n"
  "makes muse-chip serve that image from the next request on, with the same\n"
  "options; the old image is synced and closed, the MTD device stays. It\n"
  "saves starting a server per image when many are checked one after the\n"
  "other (a power-cut campaign's cut images), and is safe only while nothing\n"
  "uses the MTD (no UBI attached, nothing mounted): what the kernel caches\n"
  "of the old image would meet the new one. The write fails (ENOENT, EINVAL)\n"
  "for a missing file or an image of another chip, and the old one stays.\n"
  "The directory is unmounted when muse-chip exits; after a SIGKILL, 'umount\n"
  "DIR' clears the dead mount. Needs /dev/fuse and the right to mount (root).\n"
  "\n"
  "RAM (--ram SIZE): instead of a chip, a RAM-type MTD (MTD_RAM: byte\n"
  "writes, no OOB, no bad blocks, erase sets 0xFF) like the kernel's\n"
  "mtdram, kept in IMAGE as a raw file when --image is given.\n"
  "\n"
  "Exit status: 0 when the kernel side went away or on SIGINT/SIGTERM after\n"
  "a clean shutdown, 1 on errors (no /dev/muse, bad image, the kernel\n"
  "refused the device, the journal could not be written), 2 on bad options,\n"
  "3 after a power cut fault.\n"
  "\n"
  "Examples:\n"
  "  muse-chip --chip micron-mt29f4g --image nand.img &\n"
  "  mtdinfo /dev/mtd0\n"
  "  muse-chip --chip micron-mt29f4g --mtdparts '8M(boot),-(ubi)' &\n"
  "  muse-chip --chip winbond-w25n01gv --image spinand.img &\n"
  "  muse-chip --chip winbond-w25q128jv --image nor.img --erase-size 4K &\n"
  "  muse-chip --ram 16M --name jffs2 &\n"
  "  muse-chip --chip micron-mt29f4g --image nand.img --stats-mount /run/nand &\n"
  "  flashmodel stat --live --watch 10 /run/nand\n";

typedef struct {
  gchar *chip;
  gchar *image;
  gchar *faults;
  gchar *timing;
  gchar *ecc;
  gchar *mtdparts;
  gchar *name;
  gchar *device;
  gchar *ram;
  gchar *erase_size;
  gchar *record;
  gchar *stats_mount;
  gint64 seed;
  gint nop;
  gboolean verbose;
  gboolean version;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->chip);
  g_free (o->image);
  g_free (o->faults);
  g_free (o->timing);
  g_free (o->ecc);
  g_free (o->mtdparts);
  g_free (o->name);
  g_free (o->device);
  g_free (o->ram);
  g_free (o->erase_size);
  g_free (o->record);
  g_free (o->stats_mount);
}

static gboolean
usage_error (const gchar *message)
{
  g_printerr ("muse-chip: %s\nTry 'muse-chip --help'.\n", message);
  return FALSE;
}

static gboolean
parse_options (int *argc, char ***argv, Options *o)
{
  GOptionEntry entries[] = {
    { "chip", 'c', 0, G_OPTION_ARG_STRING, &o->chip, "Chip to serve (a catalog name or a .ini path)", "NAME" },
    { "image", 'i', 0, G_OPTION_ARG_FILENAME, &o->image, "Persistent chip image (created if missing)", "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "Seed of a new image (default 1)", "N" },
    { "faults", 'f', 0, G_OPTION_ARG_STRING, &o->faults, "Fault injection rules, or @FILE", "SPEC" },
    { "timing", 't', 0, G_OPTION_ARG_STRING, &o->timing, "none (default), virtual or real", "MODE" },
    { "ecc", 'e', 0, G_OPTION_ARG_STRING, &o->ecc, "auto (default), hamming[/S], bchT[/S], on-die, none", "ECC" },
    { "record", 'r', 0, G_OPTION_ARG_FILENAME, &o->record, "Append every chip operation to the journal FILE (must not exist)", "FILE" },
    { "stats-mount", 's', 0, G_OPTION_ARG_FILENAME, &o->stats_mount, "Mount live statistics (erase_counts.csv, summary.json, bad_blocks) on the directory DIR", "DIR" },
    { "nop", 0, 0, G_OPTION_ARG_INT, &o->nop, "Partial programs allowed per page (default: the datasheet's; 0: no limit)", "N" },
    { "mtdparts", 'p', 0, G_OPTION_ARG_STRING, &o->mtdparts, "Partitions, mtdparts syntax without the name", "PARTS" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &o->name, "MTD name (default: the chip name, or 'ram')", "NAME" },
    { "ram", 0, 0, G_OPTION_ARG_STRING, &o->ram, "Serve a RAM-type MTD of SIZE bytes (K, M, G suffixes) instead of a chip", "SIZE" },
    { "erase-size", 0, 0, G_OPTION_ARG_STRING, &o->erase_size, "Erase block size of the RAM MTD (default 128K), or which erase instruction of a SPI NOR chip MTD erases with (default its largest)", "SIZE" },
    { "device", 0, 0, G_OPTION_ARG_FILENAME, &o->device, "MUSE device (default /dev/muse)", "PATH" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, "Print the init strings and failed requests", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &o->version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("--chip NAME | --ram SIZE");
  g_autoptr (GError) error = NULL;

  o->seed = 1;
  o->nop = -1;
  g_option_context_set_summary (ctx, "Serve a flashmodel chip as a Linux MTD device through MUSE.");
  g_option_context_set_description (ctx, description);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    return usage_error (error->message);
  if (o->version)
    return TRUE;
  if (*argc > 1)
    {
      g_autofree gchar *msg = g_strdup_printf ("unexpected argument '%s'", (*argv)[1]);
      return usage_error (msg);
    }
  if (!o->chip == !o->ram)
    return usage_error ("give either --chip NAME or --ram SIZE");
  if (o->ram && (o->faults || o->ecc || o->timing || o->nop >= 0 || o->record || o->stats_mount))
    return usage_error ("--faults, --ecc, --timing, --nop, --record and --stats-mount apply to chips, not to --ram");
  if (o->seed < 0)
    return usage_error ("--seed takes a non-negative integer");
  return TRUE;
}

/* "16M" and the like: a positive size with an optional K, M or G. */
static gboolean
parse_size (const gchar *option, const gchar *text, guint64 *size, GError **error)
{
  gchar *end;
  guint64 v = g_ascii_strtoull (text, &end, 10);
  guint shift = 0;

  if (end == text)
    goto bad;
  switch (g_ascii_toupper (*end))
    {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    default: break;
    }
  if (*end || !v || v > (G_MAXUINT64 >> shift))
    goto bad;
  *size = v << shift;
  return TRUE;
bad:
  g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
               "%s: '%s' is not a size such as 65536, 128K or 16M", option, text);
  return FALSE;
}

/* Opens IMAGE or creates it; NULL PATH: a volatile image. */
static FmImage *
open_or_create (const FmChipDesc *desc, const gchar *path, guint64 seed, GError **error)
{
  gboolean created;
  FmImage *image = fm_frontend_open_image (desc, path, seed, &created, error);

  if (image && created)
    g_printerr ("muse-chip: created %s (chip %s, seed %" G_GUINT64_FORMAT ")\n", path, desc->name, seed);
  return image;
}

/* The journal and the faults every chip model takes from the options. The
 * fault rules are parsed first, so that a typo creates no image; a rule
 * beyond the chip would never fire and is refused too. */
static gboolean
parse_faults (const Options *o, const FmChipDesc *desc, FmFaultSet **faults, GError **error)
{
  *faults = NULL;
  if (!o->faults)
    return TRUE;
  *faults = fm_fault_set_parse (o->faults, error);
  if (*faults && !fm_fault_set_check_chip (*faults, desc, error))
    {
      g_prefix_error (error, "--faults: ");
      g_clear_pointer (faults, fm_fault_set_free);
    }
  return *faults != NULL;
}

static gboolean
attach_journal_and_faults (const Options *o, FmNand *cells, const FmChipDesc *desc,
                           FmFaultSet *faults, FmJournalWriter **journal, GError **error)
{
  if (!fm_frontend_attach (cells, desc, o->record, faults, journal, error))
    {
      g_prefix_error (error, "--record: ");
      return FALSE;
    }
  return TRUE;
}

/* A SPI NAND part corrects with its own ECC, as Linux's spinand has it:
 * --ecc auto or on-die; none serves the cells raw. */
static gboolean
spinand_ecc (const Options *o, const FmChipDesc *desc, gboolean *on_die, GError **error)
{
  *on_die = !o->ecc || g_str_equal (o->ecc, "auto") || g_str_equal (o->ecc, "on-die");
  if (!*on_die && g_strcmp0 (o->ecc, "none") != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "--ecc: SPI NAND chip '%s' corrects with its own ECC: auto, on-die or none, not '%s'",
                   desc->name, o->ecc);
      return FALSE;
    }
  return TRUE;
}

/* A Toshiba BENAND part's ECC is always on (and Linux reads it with
 * nothing else): --ecc auto or on-die. */
static gboolean
benand_ecc (const Options *o, const FmChipDesc *desc, gboolean *on_die, GError **error)
{
  *on_die = !o->ecc || g_str_equal (o->ecc, "auto") || g_str_equal (o->ecc, "on-die");
  if (!*on_die)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "--ecc: chip '%s' is a BENAND part, its own ECC always on: auto or on-die, not '%s'",
                   desc->name, o->ecc);
      return FALSE;
    }
  return TRUE;
}

/* The NAND model of --chip behind a host controller, as a backend; a SPI
 * NAND part as Linux's SPI NAND core shows it. */
static MuseBackend *
nand_backend (const Options *o, const FmChipDesc *desc, FmTimingMode timing,
              FmJournalWriter **journal, GError **error)
{
  gboolean spi = desc->type == FM_CHIP_SPI_NAND;
  gboolean on_die = g_strcmp0 (o->ecc, "on-die") == 0;
  const MuseSpinandPart *part = NULL;
  FmEcc *ecc = NULL;
  FmFaultSet *faults;
  FmImage *image;
  FmNand *nand;
  FmNandHost *host;

  if (o->erase_size)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "--erase-size: NAND chip '%s' erases %u-byte blocks only", desc->name,
                   desc->page_size * desc->pages_per_block);
      return NULL;
    }
  if (spi && (!spinand_ecc (o, desc, &on_die, error) || !(part = muse_spinand_part (desc, error))))
    return NULL;
  if (desc->on_die_ecc_benand && !benand_ecc (o, desc, &on_die, error))
    return NULL;
  if (!spi && !on_die && !fm_ecc_new_from_name (o->ecc ? o->ecc : "auto", desc, &ecc, error))
    {
      g_prefix_error (error, "--ecc: ");
      return NULL;
    }
  if (ecc && (!o->ecc || g_str_equal (o->ecc, "auto")) && fm_ecc_auto_capped (desc))
    g_printerr ("muse-chip: %s needs %u bits of ECC per %u bytes; flashmodel's BCH corrects up to %u: "
                "serving %s (Linux's nand_base would use BCH %u/%u)\n",
                desc->name, desc->ecc_bits, desc->ecc_codeword_size, ecc->strength, ecc->name,
                desc->ecc_bits, desc->ecc_codeword_size);
  if (!parse_faults (o, desc, &faults, error))
    {
      fm_ecc_free (ecc);
      return NULL;
    }
  image = open_or_create (desc, o->image, o->seed, error);
  nand = image ? fm_nand_new (desc, image, timing, error) : NULL;
  if (!nand || !attach_journal_and_faults (o, nand, desc, g_steal_pointer (&faults), journal, error))
    {
      fm_fault_set_free (faults);
      fm_ecc_free (ecc);
      fm_nand_free (nand);
      return NULL;
    }
  if (o->nop >= 0)
    fm_nand_set_nop_limit (nand, o->nop);
  /* A SPI NAND part corrects as --ecc says, as spinand sets ECC_EN for
   * every page it reads or programs. */
  if ((on_die || spi) && !fm_nand_set_on_die_ecc (nand, on_die, error))
    {
      g_prefix_error (error, "--ecc on-die: ");
      fm_nand_free (nand);
      return NULL;
    }
  host = fm_nand_host_new (nand, ecc, error);
  if (!host)
    {
      fm_nand_free (nand);
      return NULL;
    }
  return spi ? muse_spinand_backend_new (host, part) : muse_nand_backend_new (host);
}

/* The NOR model of --chip, served as MTD_NORFLASH. */
static MuseBackend *
nor_backend (const Options *o, const FmChipDesc *desc, FmTimingMode timing,
             FmJournalWriter **journal, GError **error)
{
  guint64 erase_size = 0;
  FmFaultSet *faults;
  FmImage *image;
  FmNor *nor;
  MuseBackend *backend;

  if (o->ecc || o->nop >= 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "--ecc and --nop apply to NAND chips; '%s' is a NOR chip", desc->name);
      return NULL;
    }
  if ((o->erase_size && !parse_size ("--erase-size", o->erase_size, &erase_size, error)) ||
      !parse_faults (o, desc, &faults, error))
    return NULL;
  image = open_or_create (desc, o->image, o->seed, error);
  nor = image ? fm_nor_new (desc, image, timing, error) : NULL;
  if (!nor || !attach_journal_and_faults (o, fm_nor_cells (nor), desc,
                                          g_steal_pointer (&faults), journal, error))
    {
      fm_fault_set_free (faults);
      fm_nor_free (nor);
      return NULL;
    }
  backend = muse_nor_backend_new (nor, (guint32) MIN (erase_size, G_MAXUINT32), error);
  if (!backend)
    {
      g_prefix_error (error, "--erase-size: ");
      fm_nor_free (nor);
    }
  return backend;
}

static MuseBackend *
chip_backend (const Options *o, const FmChipDesc *desc, FmJournalWriter **journal,
              GError **error)
{
  FmTimingMode timing = FM_TIMING_NONE;

  if (o->timing && !fm_timing_mode_from_string (o->timing, &timing))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED, "--timing: '%s' is not none, virtual or real", o->timing);
      return NULL;
    }
  if (fm_chip_desc_is_nor (desc))
    return nor_backend (o, desc, timing, journal, error);
  return nand_backend (o, desc, timing, journal, error);
}

static MuseBackend *
ram_backend (const Options *o, GError **error)
{
  guint64 size, erase_size = 128 * 1024;

  if (!parse_size ("--ram", o->ram, &size, error) ||
      (o->erase_size && !parse_size ("--erase-size", o->erase_size, &erase_size, error)))
    return NULL;
  if (erase_size > G_MAXUINT32)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE, "--erase-size is too large");
      return NULL;
    }
  return muse_ram_backend_new (size, erase_size, o->image, error);
}

static int
open_device (const gchar *path, GError **error)
{
  int fd = open (path, O_RDWR | O_CLOEXEC);

  if (fd >= 0)
    return fd;
  if (errno == ENOENT)
    g_set_error (error, FM_ERROR, FM_ERROR_IO,
                 "%s does not exist: the muse module is not loaded (modprobe muse; "
                 "kernel/README.md tells how to build and install it)", path);
  else if (errno == EPERM || errno == EACCES)
    g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s (MUSE needs CAP_SYS_ADMIN)", path, g_strerror (errno));
  else
    g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s", path, g_strerror (errno));
  return -1;
}

static void
print_fault_report (MuseBackend *backend)
{
  FmNand *cells = muse_backend_cells (backend);
  FmFaultSet *faults = cells ? fm_nand_faults (cells) : NULL;
  g_autofree gchar *report = NULL;

  if (!faults || !fm_fault_set_len (faults))
    return;
  report = fm_fault_set_report (faults);
  g_printerr ("muse-chip: faults:\n%s", report);
}

/* What switching images (the 'image' control file) works on. */
typedef struct {
  const Options *o;
  const FmChipDesc *desc;
  MuseBackend **backend;      /* the one being served, replaced on a switch */
  MuseServer *server;
  MuseStatsSource *stats;
} ImageSwitch;

/* Serves the image at PATH, an existing image of the chip, from the next
 * request on: a backend made with the same options, swapped in between two
 * requests; the old image is synced and closed. The kernel keeps what it
 * learnt of the old one only in what uses the MTD, so the caller makes
 * sure nothing does (no UBI attached, nothing mounted). */
static gint
switch_image (const gchar *path, gpointer data)
{
  ImageSwitch *sw = data;
  Options o = *sw->o;
  g_autoptr (GError) error = NULL;
  g_autoptr (MuseBackend) fresh = NULL;
  g_autoptr (MuseBackend) old = NULL;
  FmJournalWriter *no_journal = NULL;
  gboolean swapped;

  /* Never a new image: a typo would serve a blank chip. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("muse-chip: image: %s: no such image file\n", path);
      return ENOENT;
    }
  o.image = (gchar *) path;
  o.record = NULL;
  fresh = chip_backend (&o, sw->desc, &no_journal, &error);
  if (!fresh)
    {
      g_printerr ("muse-chip: image: %s\n", error->message);
      return EINVAL;
    }
  g_mutex_lock (sw->stats->lock);
  swapped = muse_server_set_backend (sw->server, fresh, &error);
  if (swapped)
    {
      old = *sw->backend;
      *sw->backend = g_steal_pointer (&fresh);
      sw->stats->cells = muse_backend_cells (*sw->backend);
      g_free (sw->stats->image);
      sw->stats->image = g_canonicalize_filename (path, NULL);
    }
  g_mutex_unlock (sw->stats->lock);
  if (!swapped)
    {
      g_printerr ("muse-chip: image: %s: %s\n", path, error->message);
      return EINVAL;
    }
  return 0;
}

/* Mounts --stats-mount for SERVER's chip; NULL and ERROR on failure. */
static MuseStatsFs *
mount_stats (const Options *o, const FmChipDesc *desc, MuseBackend **backend,
             FmJournalWriter *journal, MuseServer *server, GMutex *lock,
             MuseStatsSource *source, ImageSwitch *image_switch, GError **error)
{
  MuseStatsFs *fs;

  *source = (MuseStatsSource) { lock, desc, muse_backend_cells (*backend), server, NULL,
                                g_get_monotonic_time (), journal, NULL, NULL };
  /* Reports name the image wherever they are read from. */
  if (o->image)
    source->image = g_canonicalize_filename (o->image, NULL);
  /* A journal follows one image: switching only without one. */
  if (!journal)
    {
      *image_switch = (ImageSwitch) { o, desc, backend, server, source };
      source->switch_image = switch_image;
      source->switch_data = image_switch;
    }
  fs = muse_stats_fs_mount_with_controls (o->stats_mount, muse_stats_files, muse_stats_render,
                                          muse_stats_controls (source), muse_stats_control,
                                          source, error);
  if (!fs)
    g_prefix_error (error, "--stats-mount: ");
  return fs;
}

/* Serves *BACKEND (which an image switch may replace) until the kernel
 * side goes away or a signal. */
static int
serve (const Options *o, const FmChipDesc *desc, MuseBackend **backend, FmJournalWriter *journal,
       const gchar *name, const gchar *what, GError **error)
{
  g_autoptr (MuseServer) server = NULL;
  g_autoptr (MuseStatsFs) stats = NULL;
  MuseStatsSource stats_source = { 0 };
  ImageSwitch image_switch = { 0 };
  MuseServerOptions server_options = { 0 };
  GMutex lock;
  struct sigaction sa = { 0 };
  gboolean ok;
  int fd;

  server_options.mtd_name = name;
  server_options.mtdparts = o->mtdparts;
  server_options.verbose = o->verbose;
  g_mutex_init (&lock);
  server_options.lock = &lock;
  server = muse_server_new (*backend, &server_options);
  if (o->verbose)
    {
      g_autoptr (GBytes) info = muse_server_init_info (server);
      gsize len;
      const gchar *p = g_bytes_get_data (info, &len);

      for (const gchar *s = p; s < p + len; s += strlen (s) + 1)
        g_printerr ("muse-chip: %s\n", s);
    }

  fd = open_device (o->device ? o->device : "/dev/muse", error);
  if (fd < 0)
    return EXIT_FAILURE;
  if (o->stats_mount)
    {
      stats = mount_stats (o, desc, backend, journal, server, &lock, &stats_source, &image_switch,
                           error);
      if (!stats)
        {
          close (fd);
          return EXIT_FAILURE;
        }
      g_printerr ("muse-chip: live statistics in %s\n", o->stats_mount);
    }
  /* No SA_RESTART: a signal interrupts the read() the server waits in. */
  sa.sa_handler = on_signal;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  g_printerr ("muse-chip: serving %s as MTD '%s'\n", what, server_options.mtd_name);
  ok = muse_server_run (server, fd, &stop_requested, error);
  close (fd);
  /* Before the backend goes: the statistics read from it. */
  g_clear_pointer (&stats, muse_stats_fs_unmount);
  g_free (stats_source.image);
  g_mutex_clear (&lock);
  print_fault_report (*backend);
  if (!ok && g_error_matches (*error, FM_ERROR, FM_ERROR_POWER_OFF))
    {
      g_printerr ("muse-chip: %s: stopping, as the machine would\n", (*error)->message);
      g_clear_error (error);
      return EXIT_POWER_CUT;
    }
  if (ok && !muse_server_counts (server)->inits)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "the kernel closed /dev/muse before asking for the device");
      ok = FALSE;
    }
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

int
main (int argc, char **argv)
{
  Options o = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) desc = NULL;
  g_autoptr (MuseBackend) backend = NULL;
  FmJournalWriter *journal = NULL;
  g_autofree gchar *what = NULL;
  int status = EXIT_FAILURE;

  setlocale (LC_ALL, "");
  if (!parse_options (&argc, &argv, &o))
    {
      options_clear (&o);
      return EXIT_USAGE;
    }
  if (o.version)
    {
      g_print ("muse-chip %s\n", FM_VERSION);
      options_clear (&o);
      return EXIT_SUCCESS;
    }
  if (o.chip)
    {
      desc = fm_chip_desc_lookup (o.chip, &error);
      if (desc)
        backend = chip_backend (&o, desc, &journal, &error);
      if (backend && desc->type == FM_CHIP_SPI_NAND)
        what = g_strdup_printf ("%s (%s %s, SPI NAND as Linux's %s) with ECC %s", desc->name,
                                desc->vendor, desc->part, muse_spinand_part (desc, NULL)->name,
                                fm_nand_host_ecc_name (muse_nand_backend_host (backend)));
      else if (backend && muse_nand_backend_host (backend))
        what = g_strdup_printf ("%s (%s %s) with ECC %s", desc->name, desc->vendor, desc->part,
                                fm_nand_host_ecc_name (muse_nand_backend_host (backend)));
      else if (backend)
        what = g_strdup_printf ("%s (%s %s, NOR) erased in %u-byte sectors", desc->name, desc->vendor,
                                desc->part, backend->geometry.erasesize);
    }
  else
    {
      backend = ram_backend (&o, &error);
      if (backend)
        what = g_strdup_printf ("a %" G_GUINT64_FORMAT "-byte RAM MTD", backend->geometry.size);
    }
  if (backend)
    status = serve (&o, desc, &backend, journal, o.name ? o.name : desc ? desc->name : "ram", what,
                    &error);
  if (status != EXIT_SUCCESS && status != EXIT_POWER_CUT)
    g_printerr ("muse-chip: %s\n", error ? error->message : "failed");
  g_clear_pointer (&backend, muse_backend_free); /* syncs and closes the image */
  if (journal)
    {
      g_autoptr (GError) journal_error = NULL;
      guint64 records = fm_journal_writer_records (journal);
      const GError *failed = fm_journal_writer_failed (journal);

      if (failed)
        journal_error = g_error_copy (failed);
      if (!fm_journal_writer_close (journal, journal_error ? NULL : &journal_error) || journal_error)
        {
          g_printerr ("muse-chip: --record: %s\n", journal_error->message);
          status = EXIT_FAILURE;
        }
      else
        g_printerr ("muse-chip: recorded %" G_GUINT64_FORMAT " operations in %s\n", records, o.record);
    }
  options_clear (&o);
  return status;
}
