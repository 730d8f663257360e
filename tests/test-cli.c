/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flashmodel CLI as a user runs it: each test spawns the built tool
 * ($FLASHMODEL_TOOL) with the catalog in $FLASHMODEL_CHIPS_DIR and checks
 * its exit status and what it prints.
 */
#include "fm-test-util.h"
#include "fm-jedec.h"
#include "fm-sfdp.h"

#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_USAGE 2

static const gchar *tool;
static const gchar *muse_chip;
static const gchar *chips_dir;
static gchar **tool_env;   /* ours, with messages and numbers in C.UTF-8 */

typedef struct {
  gint status;   /* exit code, or -1 if the tool did not exit normally */
  gchar *out;
  gchar *err;
} RunResult;

static void
run_result_clear (RunResult *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunResult, run_result_clear)

/* Runs PROGRAM with the arguments FIRST and AP (NULL-terminated). */
static RunResult
run_program_va (const gchar *program, const gchar *first, va_list ap)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  RunResult r = { -1, NULL, NULL };
  gint wait_status;

  g_ptr_array_add (argv, (gpointer) program);
  for (const gchar *a = first; a; a = va_arg (ap, const gchar *))
    g_ptr_array_add (argv, (gpointer) a);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (gchar **) argv->pdata, tool_env, G_SPAWN_DEFAULT, NULL, NULL,
                &r.out, &r.err, &wait_status, &error);
  g_assert_no_error (error);
  if (WIFEXITED (wait_status))
    r.status = WEXITSTATUS (wait_status);
  if (g_test_verbose ())
    g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
  return r;
}

/* Runs the tool with the NULL-terminated arguments. */
static RunResult
run_tool (const gchar *first, ...)
{
  RunResult r;
  va_list ap;

  va_start (ap, first);
  r = run_program_va (tool, first, ap);
  va_end (ap);
  return r;
}

/* The same for muse-chip ($MUSE_CHIP), for what it does before it
 * opens /dev/muse. */
static RunResult
run_muse_chip (const gchar *first, ...)
{
  RunResult r;
  va_list ap;

  va_start (ap, first);
  r = run_program_va (muse_chip, first, ap);
  va_end (ap);
  return r;
}

/* Fails unless PATTERN (a regex, ^ and $ matching at every line) matches
 * TEXT; the text goes to the log escaped onto one line, as TAP needs. */
#define assert_match(text, pattern) G_STMT_START { \
    const gchar *text_ = (text), *pattern_ = (pattern); \
    gboolean matched_ = g_regex_match_simple (pattern_, text_, G_REGEX_MULTILINE, 0); \
    if (!matched_) \
      { \
        g_autofree gchar *escaped_ = g_strescape (text_, NULL); \
        g_test_message ("/%s/ does not match \"%s\"", pattern_, escaped_); \
      } \
    g_assert_true (matched_); \
  } G_STMT_END

static gchar *
make_tmp_dir (void)
{
  g_autoptr (GError) error = NULL;
  gchar *dir = g_dir_make_tmp ("test-cli-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* Removes the files in DIR (no subdirectories are made) and DIR. */
static void
remove_tmp_dir (const gchar *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  if (d)
    while ((name = g_dir_read_name (d)))
      {
        g_autofree gchar *path = g_build_filename (dir, name, NULL);

        g_assert_cmpint (g_unlink (path), ==, 0);
      }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gchar *
read_file (const gchar *path, gsize *len)
{
  g_autoptr (GError) error = NULL;
  gchar *data = NULL;

  g_file_get_contents (path, &data, len, &error);
  g_assert_no_error (error);
  return data;
}

static void
write_file (const gchar *path, const gchar *data, gsize len)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

/* Creates an image of CHIP at DIR/NAME and returns its path. */
static gchar *
create_image (const gchar *dir, const gchar *chip, const gchar *name)
{
  gchar *path = g_build_filename (dir, name, NULL);
  g_auto (RunResult) r = run_tool ("create", "--chip", chip, path, NULL);
  g_autofree gchar *expect = g_strdup_printf ("created %s: chip %s, seed 1, ", path, chip);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, expect));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  return path;
}

/* ---- list-chips and info ------------------------------------------------- */

static void
test_list_chips (void)
{
  g_auto (RunResult) r = run_tool ("list-chips", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  assert_match (r.out, "^NAME +TYPE +VENDOR +PART +SIZE +PAGE\\+OOB +ONFI$");
  assert_match (r.out, "^micron-mt29f4g +nand-slc +Micron +MT29F4G08ABADAWP +512\\.0.MiB +2048\\+64 +1\\.0$");
  assert_match (r.out, "^micron-mt29f2g01abagd +spi-nand +Micron +MT29F2G01ABAGDWB +256\\.0.MiB +2048\\+128 +1\\.0$");
  assert_match (r.out, "^xtx-xt26g01a +spi-nand +XTX +XT26G01AWSEGA +128\\.0.MiB +2048\\+64 +-$");
  assert_match (r.out, "^toshiba-tc58teg5dcjta00 +nand-mlc +Toshiba +TC58TEG5DCJTA00 +4\\.0.GiB +16384\\+1280 +JEDEC$");
}

static void
test_list_chips_extra_argument (void)
{
  g_auto (RunResult) r = run_tool ("list-chips", "extra", NULL);

  g_assert_cmpint (r.status, ==, EXIT_USAGE);
  g_assert_cmpstr (r.out, ==, "");
  assert_match (r.err, "^flashmodel list-chips: takes no arguments$");
}

static void
test_list_chips_filters (void)
{
  g_auto (RunResult) by_id = run_tool ("list-chips", "--id", "2c:dc", NULL);
  g_auto (RunResult) by_type = run_tool ("list-chips", "--type", "spi-nand", "--vendor", "MICRON", NULL);
  g_auto (RunResult) vendor = run_tool ("list-chips", "--vendor", "winbond", NULL);
  g_auto (RunResult) none = run_tool ("list-chips", "--id", "2c dc", "--type", "spi-nor", NULL);
  g_auto (GStrv) none_lines = NULL;

  g_assert_cmpint (by_id.status, ==, 0);
  assert_match (by_id.out, "^NAME +TYPE");
  assert_match (by_id.out, "^micron-mt29f4g +nand-slc ");
  /* The other Micron parts answer 2Ch, but not DCh next. */
  g_assert_null (strstr (by_id.out, "micron-mt29f2g "));
  g_assert_null (strstr (by_id.out, "micron-mt29f4g16"));
  g_assert_cmpint (by_type.status, ==, 0);
  assert_match (by_type.out, "^micron-mt29f2g01abagd +spi-nand ");
  g_assert_null (strstr (by_type.out, "nand-slc"));
  g_assert_null (strstr (by_type.out, "winbond"));
  g_assert_cmpint (vendor.status, ==, 0);
  assert_match (vendor.out, "^winbond-w25n01gv ");
  assert_match (vendor.out, "^winbond-w25q128jv ");
  assert_match (vendor.out, "^winbond-w29n01hv ");
  g_assert_null (strstr (vendor.out, "micron"));
  /* No part passes both: only the header. */
  g_assert_cmpint (none.status, ==, 0);
  none_lines = g_strsplit (none.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (none_lines), ==, 2);
}

static void
test_list_chips_bad_filters (void)
{
  g_auto (RunResult) id = run_tool ("list-chips", "--id", "2c:zz", NULL);
  g_auto (RunResult) long_id = run_tool ("list-chips", "--id", "1:2:3:4:5:6:7:8:9", NULL);
  g_auto (RunResult) type = run_tool ("list-chips", "--type", "nand", NULL);

  g_assert_cmpint (id.status, ==, EXIT_USAGE);
  g_assert_cmpstr (id.out, ==, "");
  assert_match (id.err, "^flashmodel list-chips: ID bytes '2c:zz': 'zz' is not a hex byte$");
  g_assert_cmpint (long_id.status, ==, EXIT_USAGE);
  assert_match (long_id.err, "more than 8 bytes$");
  g_assert_cmpint (type.status, ==, EXIT_USAGE);
  assert_match (type.err, "^flashmodel list-chips: type 'nand': not one of ");
}

static void
test_info_by_id (void)
{
  /* The 8 bytes a real MT29F4G08ABADAWP returns: its 5, then repeated. */
  g_auto (RunResult) r = run_tool ("info", "--id", "2C DC 90 95 56 2C DC 90", NULL);
  g_auto (RunResult) many = run_tool ("info", "--id", "ef", NULL);
  g_auto (RunResult) none = run_tool ("info", "--id", "2c:dc:00", NULL);
  g_auto (RunResult) both = run_tool ("info", "--id", "2c", "--chip", "micron-mt29f4g", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  assert_match (r.out, "^micron-mt29f4g: Micron MT29F4G08ABADAWP \\(nand-slc\\)$");
  assert_match (r.out, "^  READ ID \\(90h-00h\\) +2C DC 90 95 56$");
  g_assert_cmpint (many.status, ==, 0);
  assert_match (many.out, "^winbond-w25n01gv: ");
  assert_match (many.out, "^winbond-w25q128jv: ");
  g_assert_cmpint (none.status, ==, 1);
  g_assert_cmpstr (none.out, ==, "");
  assert_match (none.err, "^flashmodel: no chip in .* answers READ ID 2c:dc:00$");
  g_assert_cmpint (both.status, ==, EXIT_USAGE);
  assert_match (both.err, "^flashmodel info: --chip and --id exclude each other$");
}

/* A part with Macronix block protection says so; others do not. */
static void
test_info_block_protection (void)
{
  g_auto (RunResult) mx = run_tool ("info", "--chip", "macronix-mx30lf1g18ac", NULL);
  g_auto (RunResult) other = run_tool ("info", "--chip", "micron-mt29f4g", NULL);

  g_assert_cmpint (mx.status, ==, 0);
  assert_match (mx.out, "^  block protection +Macronix: feature A0h, every block locked at power-on "
                "with the PT pin high$");
  g_assert_cmpint (other.status, ==, 0);
  g_assert_null (strstr (other.out, "block protection"));
}

/* A part with a threshold-voltage cell model shows its family, states,
 * references and fresh error rates; a part without one shows none. */
static void
test_info_cell_model (void)
{
  g_auto (RunResult) mlc = run_tool ("info", "--chip", "micron-mt29f32g", NULL);
  g_auto (RunResult) slc = run_tool ("info", "--chip", "micron-mt29f4g", NULL);

  g_assert_cmpint (mlc.status, ==, 0);
  assert_match (mlc.out, "^  cell model +threshold voltage, family mlc-2ynm, 2 bits per cell$");
  assert_match (mlc.out, "^  states \\(mean/sigma\\) +ER -?[0-9]+/[0-9]+, P1 [0-9]+/[0-9]+, "
                "P2 [0-9]+/[0-9]+, P3 [0-9]+/[0-9]+ mV$");
  assert_match (mlc.out, "^  read references +R1 [0-9]+, R2 [0-9]+, R3 [0-9]+ mV$");
  assert_match (mlc.out, "^  raw bit error rate, fresh +lower page [0-9.]+e-[0-9]+, upper page [0-9.]+e-[0-9]+$");
  g_assert_cmpint (slc.status, ==, 0);
  g_assert_null (strstr (slc.out, "cell model"));
}

/* A part with read retry lists its mechanism and levels; others do not. */
static void
test_info_read_retry (void)
{
  g_auto (RunResult) micron = run_tool ("info", "micron-mt29f32g08cbada", NULL);
  g_auto (RunResult) hynix = run_tool ("info", "hynix-h27ucg8t2etr", NULL);
  g_auto (RunResult) other = run_tool ("info", "micron-mt29f32g", NULL);

  g_assert_cmpint (micron.status, ==, 0);
  assert_match (micron.out, "^  mechanism +onfi-feature: SET/GET FEATURES 89h, parameter page byte 180 "
                "\\(nand_micron.c\\)$");
  assert_match (micron.out, "^  levels +8 \\(level 0: the default references\\)$");
  assert_match (micron.out, "^  level 7 +-20, -105, -140 mV$");
  g_assert_cmpint (hynix.status, ==, 0);
  assert_match (hynix.out, "^  mechanism +hynix-otp: ");
  assert_match (hynix.out, "^  level 1 +\\+0, -20, -25 mV$");
  g_assert_cmpint (other.status, ==, 0);
  g_assert_null (strstr (other.out, "Read retry"));
}

static void
test_info (void)
{
  g_auto (RunResult) r = run_tool ("info", "--chip", "micron-mt29f4g", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  assert_match (r.out, "^micron-mt29f4g: Micron MT29F4G08ABADAWP \\(nand-slc\\)$");
  assert_match (r.out, "^  READ ID \\(90h-00h\\) +2C DC 90 95 56$");
  assert_match (r.out, "^  size +512\\.0.MiB \\(536870912 bytes of data\\)$");
  assert_match (r.out, "^  page +2048 \\+ 64 bytes \\(OOB\\)$");
  assert_match (r.out, "^  block +64 pages, 128 KiB of data$");
  assert_match (r.out, "^  blocks +4096 blocks per LUN x 1 LUN\\(s\\) = 4096 blocks$");
  assert_match (r.out, "^  planes per LUN +2$");
  assert_match (r.out, "^  bus width +x8$");
  assert_match (r.out, "^ONFI 1\\.0$");
}

/* LUNs and chip enables of a package, and a part with the JEDEC page. */
static void
test_info_luns_and_jedec (void)
{
  g_auto (RunResult) two_ce = run_tool ("info", "--chip", "micron-mt29f16g", NULL);
  g_auto (RunResult) jedec = run_tool ("info", "--chip", "toshiba-tc58teg5dcjta00", NULL);

  g_assert_cmpint (two_ce.status, ==, 0);
  assert_match (two_ce.out, "^  size +2\\.0.GiB \\(2147483648 bytes of data\\)$");
  assert_match (two_ce.out, "^  blocks +4096 blocks per LUN x 4 LUN\\(s\\) = 16384 blocks$");
  assert_match (two_ce.out, "^  LUNs per chip enable +2$");
  assert_match (two_ce.out, "^  chip enables +2 \\(targets, each answering READ ID\\)$");
  g_assert_cmpint (jedec.status, ==, 0);
  assert_match (jedec.out, "^  chip enables +1$");
  assert_match (jedec.out, "^ONFI: not supported; JEDEC parameter page \\(READ ID 40h \"JEDEC\"\\), JESD230 1\\.0$");
  assert_match (jedec.out, "^  manufacturer / model +TOSHIBA / TC58TEG5DCJTA00 \\(JEDEC ID 98h\\)$");
  assert_match (jedec.out, "^  ECC required +40 bits per 1024 bytes$");
}

static void
test_info_nor (void)
{
  g_auto (RunResult) cfi = run_tool ("info", "spansion-s29gl128p", NULL);
  g_auto (RunResult) spi = run_tool ("info", "macronix-mx25l25645g", NULL);

  g_assert_cmpint (cfi.status, ==, 0);
  assert_match (cfi.out, "^spansion-s29gl128p: Spansion S29GL128P10TFI010 \\(nor-cfi\\)$");
  assert_match (cfi.out, "^  erase sectors +128 x 128 KiB$");
  assert_match (cfi.out, "^  primary command set +0002h \\(AMD/Fujitsu\\)$");
  assert_match (cfi.out, "^  bus width +x8/x16$");
  g_assert_null (strstr (cfi.out, "OOB"));
  g_assert_cmpint (spi.status, ==, 0);
  assert_match (spi.out, "^  READ JEDEC ID \\(9Fh\\) +C2 20 19$");
  assert_match (spi.out, "^  erase sectors +8192 x 4 KiB$");
  assert_match (spi.out, "^  4-byte addressing +B7h/E9h and 4-byte opcodes$");
  /* What Linux's spi-nor derives from SFDP, for the guest test glue-spi-nor
   * to compare with. */
  assert_match (spi.out, "^  erase instructions +4 KiB, 20h \\(4-byte form 21h\\)$");
  assert_match (spi.out, "^  fast reads +1-1-2, 8 dummy clocks$");
  assert_match (spi.out, "^ +1-4-4, 6 dummy clocks$");
  assert_match (spi.out, "^  quad enable +SR1 bit 6$");
}

static void
test_info_spi_nand (void)
{
  g_auto (RunResult) w = run_tool ("info", "winbond-w25n01gv", NULL);
  g_auto (RunResult) m = run_tool ("info", "--chip", "micron-mt29f2g01abagd", NULL);
  g_auto (RunResult) x = run_tool ("info", "macronix-mx35lf1ge4ab", NULL);

  g_assert_cmpint (w.status, ==, 0);
  g_assert_cmpstr (w.err, ==, "");
  assert_match (w.out, "^winbond-w25n01gv: Winbond W25N01GVZEIG \\(spi-nand\\)$");
  assert_match (w.out, "^  READ ID \\(9Fh\\) +EF AA 21$");
  assert_match (w.out, "^  READ ID +after a dummy byte \\(dummy\\)$");
  assert_match (w.out, "^  read from cache +03h 1-1-1 \\(1 dummy\\), .*EBh 1-4-4 \\(2 dummy\\)$");
  assert_match (w.out, "^  ECC status +spinand-default$");
  assert_match (w.out, "^  continuous read +B0h bit 3 clear \\(power-on: buffer read\\)$");
  assert_match (w.out, "^On-die ECC: 1 bit per 512 bytes, ECC_EN \\(B0h bit 4\\), on at power-on$");
  assert_match (w.out, "^  parity \\(spare bytes\\) +8-15, 24-31, 40-47, 56-63$");
  assert_match (w.out, "^  protected free bytes +4-7, 20-23, 36-39, 52-55$");
  assert_match (w.out, "^  OTP area +unique ID page 00h, parameter page 01h \\(ONFI 1\\.0\\), 10 user pages from 02h$");
  g_assert_null (strstr (w.out, "address cycles"));
  g_assert_cmpint (m.status, ==, 0);
  assert_match (m.out, "^  planes +2$");
  assert_match (m.out, "^  ECC status +micron-8$");
  assert_match (m.out, "^  continuous read +no$");
  assert_match (m.out, "^  parity \\(spare bytes\\) +64-127$");
  assert_match (m.out, "^  free \\(spare bytes\\) +2-63$");
  g_assert_cmpint (x.status, ==, 0);
  assert_match (x.out, "^  ECC status +mx35lf1ge4ab$");
  assert_match (x.out, "^  parity \\(spare bytes\\) +none \\(hidden from the host\\)$");
}

static void
test_info_positional (void)
{
  /* info also takes the chip as its only argument. */
  g_auto (RunResult) r = run_tool ("info", "micron-mt29f4g", NULL);

  g_assert_cmpint (r.status, ==, 0);
  assert_match (r.out, "^  page +2048 \\+ 64 bytes \\(OOB\\)$");
}

static void
test_info_unknown_chip (void)
{
  g_auto (RunResult) r = run_tool ("info", "--chip", "no-such-chip", NULL);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  assert_match (r.err, "^flashmodel: no chip named 'no-such-chip' in ");
}

/* ---- descriptor --from-onfi ---------------------------------------------- */

/* Writes what READ PARAMETER PAGE returns for CHIP (three copies) to
 * DIR/NAME and returns its path. */
static gchar *
write_param_pages (const gchar *dir, const gchar *chip, const gchar *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_lookup (chip, &error);
  guint8 pages[FM_ONFI_PARAM_PAGE_COPIES * FM_ONFI_PARAM_PAGE_SIZE];
  gchar *path = g_build_filename (dir, name, NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < FM_ONFI_PARAM_PAGE_COPIES; i++)
    fm_onfi_build_param_page (d, pages + i * FM_ONFI_PARAM_PAGE_SIZE);
  write_file (path, (const gchar *) pages, sizeof pages);
  return path;
}

static void
test_descriptor_from_onfi (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *param = write_param_pages (dir, "micron-mt29f4g", "param.bin");
  /* A descriptor file is named after its [chip] name. */
  g_autofree gchar *ini = g_build_filename (dir, "micron-mt29f4g08abadawp.ini", NULL);
  g_auto (RunResult) to_stdout = run_tool ("descriptor", "--from-onfi", param, NULL);
  g_auto (RunResult) to_file = run_tool ("descriptor", "--from-onfi", param, "-o", ini, NULL);
  g_auto (RunResult) again = run_tool ("descriptor", "--from-onfi", param, "-o", ini, NULL);
  g_auto (RunResult) info = run_tool ("info", "--chip", ini, NULL);
  g_autofree gchar *written = NULL;

  g_assert_cmpint (to_stdout.status, ==, 0);
  g_assert_cmpstr (to_stdout.err, ==, "");
  assert_match (to_stdout.out, "^name=micron-mt29f4g08abadawp$");
  assert_match (to_stdout.out, "^page-size=2048$");
  assert_match (to_stdout.out, "^planes=2$");
  assert_match (to_stdout.out, "^# FILL IN: READ ID 90h-00h");
  assert_match (to_stdout.out, "^# FILL IN: the factory bad block marker");
  g_assert_cmpint (to_file.status, ==, 0);
  g_assert_cmpstr (to_file.out, ==, "");
  written = read_file (ini, NULL);
  g_assert_cmpstr (written, ==, to_stdout.out);
  /* An existing file is kept unless --force. */
  g_assert_cmpint (again.status, ==, 1);
  assert_match (again.err, "^flashmodel: .*micron-mt29f4g08abadawp\\.ini: exists \\(--force replaces it\\)$");
  /* What it wrote loads as it is. */
  g_assert_cmpint (info.status, ==, 0);
  assert_match (info.out, "^micron-mt29f4g08abadawp: MICRON MT29F4G08ABADAWP \\(nand-slc\\)$");
  remove_tmp_dir (dir);
}

static void
test_descriptor_from_sfdp (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_lookup ("winbond-w25q128jv", &error);
  g_autoptr (GBytes) sfdp = fm_sfdp_build (d);
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *bin = g_build_filename (dir, "sfdp.bin", NULL);
  g_autofree gchar *ini = g_build_filename (dir, "sfdp-part.ini", NULL);

  write_file (bin, g_bytes_get_data (sfdp, NULL), g_bytes_get_size (sfdp));
  {
    g_auto (RunResult) r = run_tool ("descriptor", "--from-sfdp", bin, "-o", ini, NULL);
    g_auto (RunResult) info = run_tool ("info", ini, NULL);
    g_autofree gchar *text = read_file (ini, NULL);

    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
    assert_match (text, "^size=16777216$");
    /* SFDP's units: 45 ms is 3 x 16 ms, and one multiplier covers every
     * maximum (2 x 7 x 48 ms). */
    assert_match (text, "^erase-types=4096@0x20:48:672;32768@0x52:[0-9]+:[0-9]+;65536@0xd8:[0-9]+:[0-9]+$");
    assert_match (text, "^read-modes=1-1-2:8;1-2-2:4;1-1-4:8;1-4-4:6$");
    assert_match (text, "^quad-enable=sr2-bit1$");
    assert_match (text, "^# FILL IN: Read JEDEC ID");
    g_assert_cmpint (info.status, ==, 0);
    assert_match (info.out, "^sfdp-part: Unknown Unknown \\(spi-nor\\)$");
  }
  {
    g_auto (RunResult) both = run_tool ("descriptor", "--from-sfdp", bin, "--from-onfi", bin, NULL);
    g_auto (RunResult) wrong = run_tool ("descriptor", "--from-onfi", bin, NULL);

    g_assert_cmpint (both.status, ==, EXIT_USAGE);
    g_assert_cmpint (wrong.status, ==, 1);
    assert_match (wrong.err, "^flashmodel: .*sfdp\\.bin: parameter page: 80 bytes, shorter than one 256-byte page$");
  }
  remove_tmp_dir (dir);
}

/* --from-jedec: the JEDEC page (three copies) of the shipped JEDEC part. */
static void
test_descriptor_from_jedec (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmChipDesc) d = fm_chip_desc_lookup ("toshiba-tc58teg5dcjta00", &error);
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *param = g_build_filename (dir, "jedec.bin", NULL);
  g_autofree gchar *ini = g_build_filename (dir, "toshiba-tc58teg5dcjta00.ini", NULL);
  guint8 pages[FM_JEDEC_PARAM_PAGE_COPIES * FM_JEDEC_PARAM_PAGE_SIZE];

  g_assert_no_error (error);
  for (guint i = 0; i < FM_JEDEC_PARAM_PAGE_COPIES; i++)
    fm_jedec_build_param_page (d, pages + i * FM_JEDEC_PARAM_PAGE_SIZE);
  write_file (param, (const gchar *) pages, sizeof pages);
  {
    g_auto (RunResult) r = run_tool ("descriptor", "--from-jedec", param, "-o", ini, NULL);
    g_auto (RunResult) info = run_tool ("info", "--chip", ini, NULL);
    g_autofree gchar *written = read_file (ini, NULL);

    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
    assert_match (written, "^\\[jedec\\]$");
    assert_match (written, "^model=TC58TEG5DCJTA00$");
    assert_match (written, "^ecc-bits=40$");
    assert_match (written, "^ecc-codeword-size=1024$");
    assert_match (written, "^# FILL IN: READ ID 90h-00h");
    g_assert_cmpint (info.status, ==, 0);
    assert_match (info.out, "^toshiba-tc58teg5dcjta00: TOSHIBA TC58TEG5DCJTA00 \\(nand-mlc\\)$");
  }
  {
    /* An ONFI page is refused by --from-jedec, naming the file. */
    g_autofree gchar *onfi = write_param_pages (dir, "micron-mt29f4g", "param.bin");
    g_auto (RunResult) r = run_tool ("descriptor", "--from-jedec", onfi, NULL);
    g_auto (RunResult) both = run_tool ("descriptor", "--from-jedec", param, "--from-onfi", onfi, NULL);

    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.out, ==, "");
    assert_match (r.err, "^flashmodel: .*param\\.bin: parameter page: JEDEC parameter page has no JESD signature in each of 1 copy$");
    g_assert_cmpint (both.status, ==, EXIT_USAGE);
  }
  remove_tmp_dir (dir);
}

static void
test_descriptor_hostile_files (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *param = write_param_pages (dir, "micron-mt29f4g", "param.bin");
  g_autofree gchar *short_file = g_build_filename (dir, "short.bin", NULL);
  g_autofree gchar *huge = g_build_filename (dir, "huge.bin", NULL);
  g_autofree gchar *garbage = g_build_filename (dir, "garbage.bin", NULL);
  g_autofree gchar *missing = g_build_filename (dir, "missing.bin", NULL);
  g_autofree gchar *pages = NULL;
  gsize len;
  g_autofree gchar *big = g_malloc0 (70000);
  g_autofree gchar *noise = g_malloc (768);

  pages = read_file (param, &len);
  write_file (short_file, pages, 100);
  write_file (huge, big, 70000);
  for (guint i = 0; i < 768; i++)
    noise[i] = (gchar) (i * 37 + 11);
  memcpy (noise, "ONFI", 4);
  write_file (garbage, noise, 768);
  {
    g_auto (RunResult) r = run_tool ("descriptor", "--from-onfi", short_file, NULL);

    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.out, ==, "");
    assert_match (r.err, "^flashmodel: .*short\\.bin: parameter page: 100 bytes, shorter than one 256-byte page$");
  }
  {
    g_auto (RunResult) r = run_tool ("descriptor", "--from-onfi", huge, NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^flashmodel: .*huge\\.bin: larger than 64 KiB, not a parameter table dump$");
  }
  {
    g_auto (RunResult) r = run_tool ("descriptor", "--from-onfi", garbage, NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^flashmodel: .*garbage\\.bin: parameter page: parameter page CRC mismatch in each of 3 copies and in their bit-wise majority$");
  }
  {
    g_auto (RunResult) r = run_tool ("descriptor", "--from-onfi", missing, NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^flashmodel: .*missing\\.bin: No such file or directory$");
  }
  {
    g_auto (RunResult) r = run_tool ("descriptor", NULL);

    g_assert_cmpint (r.status, ==, EXIT_USAGE);
    assert_match (r.err, "^flashmodel descriptor: one of --from-onfi PARAM\\.bin, --from-jedec PARAM\\.bin and --from-sfdp SFDP\\.bin is required$");
  }
  remove_tmp_dir (dir);
}

/* ---- create and stat every shipped chip ---------------------------------- */

static void
test_create_every_chip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) catalog = g_dir_open (chips_dir, 0, &error);
  g_autofree gchar *dir = make_tmp_dir ();
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto (RunResult) list = run_tool ("list-chips", NULL);
  const gchar *entry;

  g_assert_no_error (error);
  while ((entry = g_dir_read_name (catalog)))
    if (g_str_has_suffix (entry, ".ini"))
      g_ptr_array_add (names, g_strndup (entry, strlen (entry) - 4));
  g_assert_cmpuint (names->len, >, 0);
  g_assert_cmpint (list.status, ==, 0);
  /* A descriptor that does not load is reported on stderr. */
  g_assert_cmpstr (list.err, ==, "");

  for (guint i = 0; i < names->len; i++)
    {
      const gchar *name = names->pdata[i];
      g_autofree gchar *file = g_strdup_printf ("%s.img", name);
      g_autofree gchar *path = NULL;
      g_autofree gchar *chip_line = g_strdup_printf ("^chip: +%s \\(", name);
      g_autofree gchar *list_line = g_strdup_printf ("^%s ", name);

      g_test_message ("chip %s", name);
      assert_match (list.out, list_line);
      path = create_image (dir, name, file);
      {
        g_auto (RunResult) r = run_tool ("stat", path, NULL);

        g_assert_cmpint (r.status, ==, 0);
        g_assert_cmpstr (r.err, ==, "");
        assert_match (r.out, chip_line);
        assert_match (r.out, "^seed: +1$");
        assert_match (r.out, "^page programs: +0$");
        assert_match (r.out, "^erase counts: +min 0, mean 0\\.00, max 0");
      }
      {
        /* An image is never overwritten. */
        g_auto (RunResult) r = run_tool ("create", "--chip", name, path, NULL);

        g_assert_cmpint (r.status, ==, 1);
        assert_match (r.err, "^flashmodel: .*File exists");
      }
    }
  remove_tmp_dir (dir);
}

static void
test_create_seed_and_bad_blocks (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *path = g_build_filename (dir, "seeded.img", NULL);
  g_auto (RunResult) r = run_tool ("create", "--chip", "micron-mt29f4g", "--seed", "7",
                                   "--bad-blocks", "3", path, NULL);
  g_autofree gchar *expect = g_strdup_printf ("created %s: chip micron-mt29f4g, seed 7, 3 factory bad blocks\n", path);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, expect);
  {
    g_auto (RunResult) s = run_tool ("stat", path, NULL);

    g_assert_cmpint (s.status, ==, 0);
    assert_match (s.out, "^seed: +7$");
    assert_match (s.out, "^bad blocks: +3 marked \\(3 factory\\), 0 worn out(,|$)");
    assert_match (s.out, "^bad block list: +[0-9]+ [0-9]+ [0-9]+$");
  }
  remove_tmp_dir (dir);
}

/* ---- damaged images ------------------------------------------------------ */

/* stat of PATH fails with a message naming it, and leaves it unchanged. */
/* Every program that reads the image of micron-mt29f4g at PATH refuses
 * it with exit status 1 (not a signal) and a message that names the file
 * and matches REASON_PATTERN, and leaves the file as it was: stat, wear
 * and export, which find the chip from the image, and muse-chip, told
 * the chip (it fails before it opens /dev/muse). */
static void
assert_stat_rejects (const gchar *path, const gchar *reason_pattern)
{
  gsize before_len, after_len;
  g_autofree gchar *before = read_file (path, &before_len);
  g_autofree gchar *after = NULL;
  g_autofree gchar *quoted = g_regex_escape_string (path, -1);
  g_autofree gchar *expect = g_strdup_printf ("^flashmodel: %s: %s", quoted, reason_pattern);
  g_autofree gchar *dump = g_strconcat (path, ".dump", NULL);
  g_autofree gchar *dir = g_path_get_dirname (path);
  g_autofree gchar *listing = fm_test_dir_listing (dir);
  g_auto (RunResult) r = run_tool ("stat", path, NULL);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  assert_match (r.err, expect);
  {
    /* wear opens images the same way. */
    g_auto (RunResult) w = run_tool ("wear", "--csv", path, NULL);

    g_assert_cmpint (w.status, ==, 1);
    g_assert_cmpstr (w.out, ==, "");
    assert_match (w.err, expect);
  }
  {
    g_auto (RunResult) e = run_tool ("export", path, dump, NULL);
    g_autofree gchar *listing_after = fm_test_dir_listing (dir);

    g_assert_cmpint (e.status, ==, 1);
    assert_match (e.err, expect);
    g_assert_cmpstr (listing_after, ==, listing);
  }
  if (muse_chip)
    {
      g_autofree gchar *muse_expect = g_strdup_printf ("^muse-chip: %s: %s", quoted, reason_pattern);
      g_auto (RunResult) m = run_muse_chip ("--chip", "micron-mt29f4g", "--image", path,
                                            "--device", "/nonexistent/muse", NULL);

      g_assert_cmpint (m.status, ==, 1);
      assert_match (m.err, muse_expect);
      g_assert_null (strstr (m.err, "/nonexistent/muse"));
    }
  after = read_file (path, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_stat_truncated (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *good = create_image (dir, "micron-mt29f4g", "good.img");
  g_autofree gchar *short_header = g_build_filename (dir, "short-header.img", NULL);
  g_autofree gchar *short_tables = g_build_filename (dir, "short-tables.img", NULL);
  g_autofree gchar *empty = g_build_filename (dir, "empty.img", NULL);
  gsize len;
  g_autofree gchar *data = read_file (good, &len);

  g_assert_cmpuint (len, >, 8192);
  write_file (short_header, data, 100);
  assert_stat_rejects (short_header, "not a flashmodel image");
  /* The header is intact, the block and page tables are cut. */
  write_file (short_tables, data, 8192);
  assert_stat_rejects (short_tables, "corrupt image: file is truncated");
  write_file (empty, "", 0);
  assert_stat_rejects (empty, "not a flashmodel image");
  remove_tmp_dir (dir);
}

static void
test_stat_header_bit_flip (void)
{
  /* magic, chip name, geometry fields, the checksum itself */
  static const gsize offsets[] = { 0, 9, 16, 84, 200, 4095 };
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *good = create_image (dir, "micron-mt29f4g", "good.img");
  gsize len;
  g_autofree gchar *data = read_file (good, &len);

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autofree gchar *name = g_strdup_printf ("flip-%" G_GSIZE_FORMAT ".img", offsets[i]);
      g_autofree gchar *path = g_build_filename (dir, name, NULL);
      g_autofree gchar *copy = g_memdup2 (data, len);

      g_test_message ("flipping a bit of header byte %" G_GSIZE_FORMAT, offsets[i]);
      copy[offsets[i]] ^= 0x01;
      write_file (path, copy, len);
      assert_stat_rejects (path, offsets[i] < 8 ? "not a flashmodel image \\(bad magic\\)"
                                                : "corrupt image: header checksum mismatch");
    }
  {
    /* The untouched image still reads. */
    g_auto (RunResult) r = run_tool ("stat", good, NULL);

    g_assert_cmpint (r.status, ==, 0);
  }
  remove_tmp_dir (dir);
}

/* Hostile images with valid checksums (issue 16). */
static void
test_stat_crafted_header (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *path = create_image (dir, "micron-mt29f4g", "crafted.img");

  /* page_size + oob_size wraps to slot_size 0 in 32 bits: was SIGFPE. */
  fm_test_image_poke (path, FM_TEST_HEADER_PAGE_SIZE, 0xffffffff, 4);
  fm_test_image_poke (path, FM_TEST_HEADER_OOB_SIZE, 1, 4);
  fm_test_image_poke (path, FM_TEST_HEADER_SLOT_SIZE, 0, 4);
  assert_stat_rejects (path, "corrupt image: header field page_size is 4294967295, outside \\[1, 32768\\]$");
  /* A geometry whose tables reach past any chip. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_free (create_image (dir, "micron-mt29f4g", "crafted.img"));
  fm_test_image_poke (path, FM_TEST_HEADER_BLOCKS, 1u << 28, 4);
  assert_stat_rejects (path, "corrupt image: header field blocks is 268435456, outside \\[1, 16777216\\]$");
  remove_tmp_dir (dir);
}

/* An image that is whole in itself, named micron-mt29f4g, but with
 * 16+8-byte pages: its slots are 24 bytes, the chip reads 2112 from
 * them. Was SIGBUS in stat, wear (the bad block markers) and export (the
 * dump's memcpy): every open now checks the whole geometry against the
 * chip. */
static void
test_stat_foreign_geometry (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *path = create_image (dir, "micron-mt29f4g", "crafted.img");
  guint64 page_table = fm_test_image_peek (path, FM_TEST_HEADER_PAGE_TABLE_OFF, 8);
  guint64 slots = fm_test_image_peek (path, FM_TEST_HEADER_SLOT_AREA_OFF, 8);
  FILE *f;

  fm_test_image_poke (path, FM_TEST_HEADER_PAGE_SIZE, 16, 4);
  fm_test_image_poke (path, FM_TEST_HEADER_OOB_SIZE, 8, 4);
  fm_test_image_poke (path, FM_TEST_HEADER_SLOT_SIZE, 24, 4);
  /* 170 slots end 16 bytes short of a 4 KiB page: a 2112-byte read of
   * the last ones runs past the end of the file. Pages 0 and 1 of block
   * 0 (its marker pages) hold them, programmed once. */
  g_assert_cmpint (truncate (path, slots + 170 * 24), ==, 0);
  f = fopen (path, "r+b");
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, page_table, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite ((guint32[]) { GUINT32_TO_LE (170 | 1u << 28), GUINT32_TO_LE (169 | 1u << 28) },
                            4, 2, f), ==, 2);
  g_assert_cmpint (fclose (f), ==, 0);
  assert_stat_rejects (path, "image geometry 16\\+8 x 64 pages x 4096 blocks differs from chip "
                       "'micron-mt29f4g' \\(2048\\+64 x 64 x 4096\\): header field page_size is 16, "
                       "the chip's 2048$");
  remove_tmp_dir (dir);
}

/* Page table entries are not covered by the header's checksum. */
static void
test_stat_bad_slot_number (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *path = create_image (dir, "micron-mt29f4g", "crafted.img");
  guint64 page_table = fm_test_image_peek (path, FM_TEST_HEADER_PAGE_TABLE_OFF, 8);
  guint32 entry = GUINT32_TO_LE (0x0fffffff);
  FILE *f = fopen (path, "r+b");

  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, page_table + 4 * 70, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (&entry, 4, 1, f), ==, 1);
  g_assert_cmpint (fclose (f), ==, 0);
  assert_stat_rejects (path, "corrupt image: page 70 refers to missing slot 268435455 \\(the file has [0-9]+\\)$");
  remove_tmp_dir (dir);
}

/* muse-chip refuses fault rules beyond its chip before it makes an image
 * or opens /dev/muse. */
static void
test_muse_chip_faults_beyond_chip (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *image = g_build_filename (dir, "nand.img", NULL);

  if (!muse_chip)
    {
      g_test_skip ("MUSE_CHIP is not set");
      return;
    }
  {
    g_auto (RunResult) r = run_muse_chip ("--chip", "micron-mt29f4g", "--image", image,
                                          "--faults", "bitflip block=4096 page=0 byte=0 bit=0",
                                          "--device", "/nonexistent/muse", NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^muse-chip: --faults: fault 'bitflip block=4096 page=0 byte=0 bit=0': "
                         "block=4096 is beyond chip 'micron-mt29f4g' \\(4096 blocks\\)$");
  }
  {
    g_auto (RunResult) r = run_muse_chip ("--chip", "micron-mt29f4g", "--image", image,
                                          "--faults", "stuck block=1 page=0 byte=4294967296 bit=0 value=0",
                                          "--device", "/nonexistent/muse", NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "byte='4294967296' is not an integer in \\[0, 4294967294\\]$");
  }
  g_assert_false (g_file_test (image, G_FILE_TEST_EXISTS));
  remove_tmp_dir (dir);
}

/* muse-chip's sub-pages are the ones Linux's nand_base gives the chip
 * with the same ECC: quarters of micron-mt29f4g's page with BCH-4/512
 * (the default) or Hamming/256, and with its on-die ECC (512-byte steps);
 * halves of samsung-k9f1208's 512-byte page (two Hamming steps); whole
 * pages without ECC, and on an MLC part. */
static void
test_muse_chip_subpages (void)
{
  static const struct {
    const gchar *chip, *ecc;
    guint shift;
  } cases[] = {
    { "micron-mt29f4g", NULL, 2 },
    { "micron-mt29f4g", "hamming", 2 },
    { "micron-mt29f4g", "on-die", 2 },
    { "micron-mt29f4g", "none", 0 },
    { "samsung-k9f1208", NULL, 1 },
    { "micron-mt29f32g", NULL, 0 },
  };

  if (!muse_chip)
    {
      g_test_skip ("MUSE_CHIP is not set");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree gchar *want = g_strdup_printf ("^muse-chip: SUBPAGESHIFT=%u$", cases[i].shift);
      g_auto (RunResult) r = cases[i].ecc
        ? run_muse_chip ("--chip", cases[i].chip, "--ecc", cases[i].ecc, "-v", "--device", "/nonexistent/muse", NULL)
        : run_muse_chip ("--chip", cases[i].chip, "-v", "--device", "/nonexistent/muse", NULL);

      g_test_message ("%s --ecc %s", cases[i].chip, cases[i].ecc ? cases[i].ecc : "auto");
      g_assert_cmpint (r.status, ==, 1);
      assert_match (r.err, want);
    }
}

/* muse-chip on a Toshiba BENAND part: the MTD Linux's nand_toshiba.c
 * makes of it (the chip's ECC, 8 bits per 512 bytes, every spare byte but
 * the marker's free, 512-byte sub-pages), host ECC engines refused. */
static void
test_muse_chip_benand (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *image = g_build_filename (dir, "benand.img", NULL);

  if (!muse_chip)
    {
      g_test_skip ("MUSE_CHIP is not set");
      return;
    }
  {
    g_auto (RunResult) r = run_muse_chip ("--chip", "toshiba-tc58bvg0s3hta00", "-v",
                                          "--device", "/nonexistent/muse", NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^muse-chip: OOBAVAIL=62$");
    assert_match (r.err, "^muse-chip: SUBPAGESHIFT=2$");
    assert_match (r.err, "^muse-chip: ECCSTRENGTH=8$");
  }
  {
    g_auto (RunResult) r = run_muse_chip ("--chip", "toshiba-tc58bvg0s3hta00", "--ecc", "bch8", "--image", image,
                                          "--device", "/nonexistent/muse", NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^muse-chip: --ecc: chip 'toshiba-tc58bvg0s3hta00' is a BENAND part, its own ECC "
                         "always on: auto or on-die, not 'bch8'$");
    g_assert_false (g_file_test (image, G_FILE_TEST_EXISTS));
  }
}

/* muse-chip on a SPI NAND part: the MTD Linux's spinand makes of it (its
 * own ECC, the strength as threshold, the vendor's free OOB bytes), ECC
 * engines refused, and a part Linux would not know refused, all before an
 * image is made. */
static void
test_muse_chip_spi_nand (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *image = g_build_filename (dir, "spi.img", NULL);
  g_autofree gchar *unknown = g_build_filename (dir, "unknown-spi-nand.ini", NULL);

  if (!muse_chip)
    {
      g_test_skip ("MUSE_CHIP is not set");
      return;
    }
  {
    g_auto (RunResult) r = run_muse_chip ("--chip", "winbond-w25n01gv", "-v",
                                          "--device", "/nonexistent/muse", NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^muse-chip: TYPE=MTD_NANDFLASH$");
    assert_match (r.err, "^muse-chip: OOBAVAIL=24$");
    assert_match (r.err, "^muse-chip: SUBPAGESHIFT=0$");
    assert_match (r.err, "^muse-chip: ECCSTRENGTH=1$");
    assert_match (r.err, "^muse-chip: BITFLIPTHRESHOLD=1$");
  }
  {
    g_auto (RunResult) r = run_muse_chip ("--chip", "winbond-w25n01gv", "--ecc", "none", "-v",
                                          "--device", "/nonexistent/muse", NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^muse-chip: OOBAVAIL=24$");
    g_assert_null (strstr (r.err, "ECCSTRENGTH"));
  }
  {
    g_auto (RunResult) r = run_muse_chip ("--chip", "winbond-w25n01gv", "--ecc", "bch8", "--image", image,
                                          "--device", "/nonexistent/muse", NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^muse-chip: --ecc: SPI NAND chip 'winbond-w25n01gv' corrects with its own ECC: "
                         "auto, on-die or none, not 'bch8'$");
  }
  {
    g_autoptr (FmChipDesc) w = fm_test_chip ("winbond-w25n01gv");
    g_autofree gchar *text = NULL;
    g_autofree gchar *renamed = NULL;
    g_autofree gchar *changed = NULL;

    g_assert_true (g_file_get_contents (w->path, &text, NULL, NULL));
    renamed = fm_test_text_with (text, "chip", "name", "name=unknown-spi-nand");
    changed = fm_test_text_with (renamed, "id", "bytes", "bytes=ef;99;21");
    g_assert_true (g_file_set_contents (unknown, changed, -1, NULL));
  }
  {
    g_auto (RunResult) r = run_muse_chip ("--chip", unknown, "--image", image,
                                          "--device", "/nonexistent/muse", NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^muse-chip: chip 'unknown-spi-nand': Linux 6.1's SPI NAND drivers know no part "
                         "with READ ID ef 99 21$");
  }
  g_assert_false (g_file_test (image, G_FILE_TEST_EXISTS));
  remove_tmp_dir (dir);
}

/* replay --base opens the base image with the journal's chip. */
static void
test_replay_crafted_base (void)
{
  g_auto (FmTestRecording) rec = { 0 };
  g_autofree gchar *out = NULL;
  g_autofree gchar *quoted = NULL;
  g_autofree gchar *expect = NULL;
  g_autofree gchar *listing = NULL;
  g_autofree gchar *listing_after = NULL;

  fm_test_record (&rec, "micron-mt29f4g", 20, NULL);
  out = g_build_filename (rec.dir, "out.img", NULL);
  quoted = g_regex_escape_string (rec.base_path, -1);
  fm_test_image_poke (rec.base_path, FM_TEST_HEADER_PAGE_SIZE, 0xffffffff, 4);
  fm_test_image_poke (rec.base_path, FM_TEST_HEADER_OOB_SIZE, 1, 4);
  fm_test_image_poke (rec.base_path, FM_TEST_HEADER_SLOT_SIZE, 0, 4);
  expect = g_strdup_printf ("^flashmodel: %s: corrupt image: header field page_size is 4294967295", quoted);
  listing = fm_test_dir_listing (rec.dir);
  {
    g_auto (RunResult) r = run_tool ("replay", "--journal", rec.journal_path, "--base", rec.base_path,
                                     "-o", out, NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, expect);
  }
  {
    g_auto (RunResult) r = run_tool ("powercut-campaign", "--journal", rec.journal_path,
                                     "--base", rec.base_path, "--check", "true", NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, expect);
  }
  listing_after = fm_test_dir_listing (rec.dir);
  g_assert_cmpstr (listing_after, ==, listing);
}

static void
test_stat_missing_file (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *path = g_build_filename (dir, "absent.img", NULL);
  g_autofree gchar *quoted = g_regex_escape_string (path, -1);
  g_autofree gchar *expect = g_strdup_printf ("^flashmodel: %s: open: No such file", quoted);
  g_auto (RunResult) r = run_tool ("stat", path, NULL);

  g_assert_cmpint (r.status, ==, 1);
  assert_match (r.err, expect);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  remove_tmp_dir (dir);
}

/* ---- wear ---------------------------------------------------------------- */

static guint
column_index (GStrv header, const gchar *name)
{
  for (guint i = 0; header[i]; i++)
    if (g_str_equal (header[i], name))
      return i;
  g_error ("no column %s in the CSV header", name);
}

static void
test_wear_csv (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *path = create_image (dir, "micron-mt29f4g", "wear.img");
  g_auto (RunResult) r = run_tool ("wear", "--csv", path, NULL);
  g_auto (GStrv) lines = NULL;
  g_auto (GStrv) header = NULL;
  guint marked = 0, n_cols, col_factory, col_worn, col_marked;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_true (g_str_has_suffix (r.out, "\n"));
  lines = g_strsplit (r.out, "\n", -1);
  /* header + 4096 blocks + the empty string after the last newline */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 4096 + 1);
  /* Columns are found by name: later versions may append more. */
  g_assert_true (g_str_has_prefix (lines[0],
                                   "block,erase_count,program_count,read_count,"
                                   "factory_bad,worn_out,marked_bad"));
  header = g_strsplit (lines[0], ",", -1);
  n_cols = g_strv_length (header);
  col_factory = column_index (header, "factory_bad");
  col_worn = column_index (header, "worn_out");
  col_marked = column_index (header, "marked_bad");
  for (guint b = 0; b < 4096; b++)
    {
      g_auto (GStrv) f = g_strsplit (lines[1 + b], ",", -1);
      g_autofree gchar *num = g_strdup_printf ("%u", b);

      g_assert_cmpuint (g_strv_length (f), ==, n_cols);
      g_assert_cmpstr (f[0], ==, num);
      g_assert_cmpstr (f[1], ==, "0");   /* erase_count */
      g_assert_cmpstr (f[2], ==, "0");   /* program_count */
      g_assert_cmpstr (f[3], ==, "0");   /* read_count */
      g_assert_cmpstr (f[col_worn], ==, "0");
      /* Factory bad blocks carry their marker and nothing else does. */
      g_assert_cmpstr (f[col_factory], ==, f[col_marked]);
      marked += g_str_equal (f[col_marked], "1");
    }
  g_assert_cmpstr (lines[1 + 4096], ==, "");
  g_assert_cmpuint (marked, <=, 80);
  {
    g_auto (RunResult) s = run_tool ("wear", path, NULL);

    g_assert_cmpint (s.status, ==, 0);
    assert_match (s.out, "^blocks: +4096$");
    assert_match (s.out, "^endurance: +100000 P/E cycles rated");
  }
  remove_tmp_dir (dir);
}

/* ---- wear --csv, --json and --png on a known wear pattern ---------------- */

/* Erase counts with many distinct values and a slope across the chip. */
static guint32
wear_pattern (guint32 block)
{
  return (block * 37) % 101 + block / 512;
}

#define WORN_AGE_NS (3600 * G_GUINT64_CONSTANT (1000000000))

/* A fresh micron-mt29f4g image from the tool, its blocks then given the
 * pattern's erase counts and an hour of chip time. */
static gchar *
create_worn_image (const gchar *dir)
{
  gchar *path = create_image (dir, "micron-mt29f4g", "worn.img");
  g_autoptr (GError) error = NULL;
  g_autoptr (FmImage) image = fm_image_open (path, NULL, FALSE, &error);

  g_assert_no_error (error);
  for (guint32 b = 0; b < fm_image_blocks (image); b++)
    fm_image_block (image, b)->erase_count = wear_pattern (b);
  fm_image_set_age_ns (image, WORN_AGE_NS);
  return path;
}

/* A minimal JSON reader, enough to check the tool's output: the whole
 * text must be one value; objects and arrays are flattened into PATH ->
 * scalar ("erase_count.min" -> "0"), strings unescaped, numbers kept as
 * written (checked against JSON's number grammar). */
typedef struct {
  const gchar *p;
  GHashTable *flat;
} JsonReader;

static void json_value (JsonReader *r, const gchar *path);

static void
json_space (JsonReader *r)
{
  while (*r->p == ' ' || *r->p == '\n' || *r->p == '\t' || *r->p == '\r')
    r->p++;
}

static void
json_expect (JsonReader *r, gchar c)
{
  json_space (r);
  if (*r->p != c)
    g_error ("JSON: expected '%c' at \"%.20s\"", c, r->p);
  r->p++;
}

static gchar *
json_read_string (JsonReader *r)
{
  GString *s = g_string_new (NULL);

  json_expect (r, '"');
  for (; *r->p != '"'; r->p++)
    {
      if (!*r->p || (guchar) *r->p < 0x20)
        g_error ("JSON: unterminated string or raw control character");
      if (*r->p != '\\')
        {
          g_string_append_c (s, *r->p);
          continue;
        }
      switch (*++r->p)
        {
        case '"': case '\\': case '/': g_string_append_c (s, *r->p); break;
        case 'n': g_string_append_c (s, '\n'); break;
        case 't': g_string_append_c (s, '\t'); break;
        case 'u':
          {
            g_autofree gchar *hex = g_strndup (r->p + 1, 4);

            g_assert_true (g_regex_match_simple ("^[0-9a-fA-F]{4}$", hex, 0, 0));
            g_string_append_unichar (s, g_ascii_strtoull (hex, NULL, 16));
            r->p += 4;
            break;
          }
        default: g_error ("JSON: bad escape \\%c", *r->p);
        }
    }
  r->p++;
  return g_string_free (s, FALSE);
}

static gchar *
json_child (const gchar *path, const gchar *key)
{
  return *path ? g_strconcat (path, ".", key, NULL) : g_strdup (key);
}

static void
json_object (JsonReader *r, const gchar *path)
{
  json_expect (r, '{');
  json_space (r);
  if (*r->p == '}')
    {
      r->p++;
      return;
    }
  do
    {
      g_autofree gchar *key = json_read_string (r);
      g_autofree gchar *child = json_child (path, key);

      g_assert_false (g_hash_table_contains (r->flat, child));
      json_expect (r, ':');
      json_value (r, child);
      json_space (r);
    }
  while (*r->p == ',' && r->p++);
  json_expect (r, '}');
}

static void
json_array (JsonReader *r, const gchar *path)
{
  guint i = 0;

  json_expect (r, '[');
  json_space (r);
  if (*r->p == ']')
    {
      r->p++;
      return;
    }
  do
    {
      g_autofree gchar *key = g_strdup_printf ("%u", i++);
      g_autofree gchar *child = json_child (path, key);

      json_value (r, child);
      json_space (r);
    }
  while (*r->p == ',' && r->p++);
  json_expect (r, ']');
}

static void
json_value (JsonReader *r, const gchar *path)
{
  g_autoptr (GMatchInfo) m = NULL;
  static GRegex *scalar;

  json_space (r);
  if (*r->p == '{')
    return json_object (r, path);
  if (*r->p == '[')
    return json_array (r, path);
  if (*r->p == '"')
    {
      g_hash_table_insert (r->flat, g_strdup (path), json_read_string (r));
      return;
    }
  if (!scalar)
    scalar = g_regex_new ("^(-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?|null|true|false)",
                          0, 0, NULL);
  if (!g_regex_match (scalar, r->p, 0, &m))
    g_error ("JSON: no value at \"%.20s\"", r->p);
  g_hash_table_insert (r->flat, g_strdup (path), g_match_info_fetch (m, 0));
  r->p += strlen (g_hash_table_lookup (r->flat, path));
}

static GHashTable *
parse_json (const gchar *text)
{
  JsonReader r = { text, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free) };

  json_value (&r, "");
  json_space (&r);
  g_assert_cmpstr (r.p, ==, "");
  return r.flat;
}

static gdouble
json_number (GHashTable *flat, const gchar *path)
{
  const gchar *text = g_hash_table_lookup (flat, path);
  gchar *end;
  gdouble v;

  if (!text)
    g_error ("JSON: no %s", path);
  v = g_ascii_strtod (text, &end);
  g_assert_cmpstr (end, ==, "");
  return v;
}

static void
test_wear_csv_pattern (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *path = create_worn_image (dir);
  g_auto (RunResult) r = run_tool ("wear", "--csv", path, NULL);
  g_auto (GStrv) lines = NULL;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  lines = g_strsplit (r.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 4096 + 1);
  for (guint32 b = 0; b < 4096; b++)
    {
      g_auto (GStrv) f = g_strsplit (lines[1 + b], ",", -1);

      g_assert_cmpuint (g_ascii_strtoull (f[0], NULL, 10), ==, b);
      g_assert_cmpuint (g_ascii_strtoull (f[1], NULL, 10), ==, wear_pattern (b));
    }
  remove_tmp_dir (dir);
}

/* What fm-wear makes of the image, and the plain facts of the pattern. */
static void
expected_wear (const gchar *path, FmWearStats *s)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmImage) image = fm_image_open (path, NULL, TRUE, &error);
  g_autoptr (FmChipDesc) desc = fm_chip_desc_lookup ("micron-mt29f4g", NULL);
  g_autoptr (FmWearTable) table = NULL;
  guint32 min = G_MAXUINT32, max = 0;
  guint64 total = 0;

  g_assert_no_error (error);
  table = fm_wear_table_new_from_image (desc, image, path);
  fm_wear_stats (table, s);
  for (guint32 b = 0; b < 4096; b++)
    {
      min = MIN (min, wear_pattern (b));
      max = MAX (max, wear_pattern (b));
      total += wear_pattern (b);
    }
  g_assert_cmpuint (s->min, ==, min);
  g_assert_cmpuint (s->max, ==, max);
  g_assert_cmpuint (s->total, ==, total);
  g_assert_cmpfloat (s->mean, ==, total / 4096.0);
  g_assert_cmpuint (s->age_ns, ==, WORN_AGE_NS);
  g_assert_true (s->has_lifetime);
}

static void
test_wear_json (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *path = create_worn_image (dir);
  g_auto (RunResult) r = run_tool ("wear", "--json", path, NULL);
  g_autoptr (GHashTable) j = NULL;
  FmWearStats s;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  expected_wear (path, &s);
  j = parse_json (r.out);
  g_assert_cmpstr (g_hash_table_lookup (j, "image"), ==, path);
  g_assert_cmpstr (g_hash_table_lookup (j, "chip.name"), ==, "micron-mt29f4g");
  g_assert_cmpstr (g_hash_table_lookup (j, "chip.vendor"), ==, "Micron");
  g_assert_cmpfloat (json_number (j, "seed"), ==, 1);
  g_assert_cmpfloat (json_number (j, "chip.blocks"), ==, 4096);
  g_assert_cmpfloat (json_number (j, "chip.pe_cycles"), ==, 100000);
  /* Exactly the same doubles: the tool prints them to read back. */
  g_assert_cmpfloat (json_number (j, "erase_count.min"), ==, s.min);
  g_assert_cmpfloat (json_number (j, "erase_count.max"), ==, s.max);
  g_assert_cmpfloat (json_number (j, "erase_count.total"), ==, s.total);
  g_assert_cmpfloat (json_number (j, "erase_count.mean"), ==, s.mean);
  g_assert_cmpfloat (json_number (j, "erase_count.stddev"), ==, s.stddev);
  g_assert_cmpfloat (json_number (j, "max_over_mean"), ==, s.max_over_mean);
  g_assert_cmpfloat (json_number (j, "coefficient_of_variation"), ==, s.coefficient_of_variation);
  g_assert_cmpfloat (json_number (j, "age_ns"), ==, WORN_AGE_NS);
  g_assert_cmpfloat (json_number (j, "projected_lifetime_s"), ==, s.lifetime_s);
  g_assert_cmpfloat (json_number (j, "projected_remaining_s"), ==, s.remaining_s);
  /* The text summary rounds the same numbers. */
  {
    g_auto (RunResult) t = run_tool ("wear", path, NULL);
    g_autofree gchar *line = g_strdup_printf ("^erase count: +min %u, mean %.2f, max %u, stddev %.2f "
                                              "\\(total %" G_GUINT64_FORMAT "\\)$",
                                              s.min, s.mean, s.max, s.stddev, s.total);

    g_assert_cmpint (t.status, ==, 0);
    assert_match (t.out, line);
    assert_match (t.out, "^lifetime: .* of chip time at the observed rate, .* left$");
  }
  remove_tmp_dir (dir);
}

/* A fresh image: nothing to divide by, nothing to project. */
static void
test_wear_json_fresh (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *path = create_image (dir, "micron-mt29f4g", "fresh.img");
  g_auto (RunResult) r = run_tool ("wear", "--json", path, NULL);
  g_autoptr (GHashTable) j = NULL;

  g_assert_cmpint (r.status, ==, 0);
  j = parse_json (r.out);
  g_assert_cmpfloat (json_number (j, "erase_count.max"), ==, 0);
  g_assert_cmpstr (g_hash_table_lookup (j, "max_over_mean"), ==, "null");
  g_assert_cmpstr (g_hash_table_lookup (j, "coefficient_of_variation"), ==, "null");
  g_assert_cmpstr (g_hash_table_lookup (j, "projected_lifetime_s"), ==, "null");
  g_assert_cmpstr (g_hash_table_lookup (j, "projected_remaining_s"), ==, "null");
  remove_tmp_dir (dir);
}

/* Colours in the documented heatmap area (x 40-904, y 80-660). */
static guint
heatmap_colours (cairo_surface_t *surface)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  const guchar *data = cairo_image_surface_get_data (surface);
  gint stride = cairo_image_surface_get_stride (surface);

  for (gint y = 80; y < 660; y++)
    for (gint x = 40; x < 904; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + 4 * x) & 0xffffff;

        g_hash_table_add (seen, GUINT_TO_POINTER (px + 1));
      }
  return g_hash_table_size (seen);
}

/* A statistics directory (what muse-chip --stats-mount serves) made of the
 * tool's own --json and --csv output: wear and stat read it back to the
 * very same report as the image. */
static void
test_wear_stats_dir (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *stats = make_tmp_dir ();
  g_autofree gchar *path = create_worn_image (dir);
  g_autofree gchar *summary = g_build_filename (stats, "summary.json", NULL);
  g_autofree gchar *csv = g_build_filename (stats, "erase_counts.csv", NULL);
  g_auto (RunResult) json = run_tool ("wear", "--json", path, NULL);
  g_auto (RunResult) rows = run_tool ("wear", "--csv", path, NULL);
  g_auto (RunResult) image_stat = run_tool ("stat", path, NULL);

  g_assert_cmpint (json.status + rows.status + image_stat.status, ==, 0);
  write_file (summary, json.out, strlen (json.out));
  write_file (csv, rows.out, strlen (rows.out));
  {
    g_auto (RunResult) j = run_tool ("wear", "--json", stats, NULL);
    g_auto (RunResult) c = run_tool ("wear", "--csv", stats, NULL);
    g_auto (RunResult) t = run_tool ("stat", "--live", stats, NULL);
    g_auto (GStrv) lines = g_strsplit (image_stat.out, "\n", -1);

    g_assert_cmpint (j.status, ==, 0);
    g_assert_cmpstr (j.out, ==, json.out);
    g_assert_cmpint (c.status, ==, 0);
    g_assert_cmpstr (c.out, ==, rows.out);
    g_assert_cmpint (t.status, ==, 0);
    g_assert_null (strstr (t.out, "server:"));
    /* From "page programs:" on, stat says the same of both. */
    for (guint i = 0; lines[i]; i++)
      if (g_str_has_prefix (lines[i], "page programs:"))
        g_assert_nonnull (strstr (t.out, strstr (image_stat.out, lines[i])));
  }
  /* With the server's "live" member, as muse-chip serves it. */
  {
    g_autoptr (GString) live = g_string_new (json.out);
    g_auto (RunResult) t = { -1, NULL, NULL };

    g_string_replace (live, "  \"totals\"", "  \"live\": {\"server\": \"muse-chip\", \"pid\": 42, "
                      "\"state\": \"serving\", \"uptime_s\": 1.5, \"busy_s\": 0.25, \"model_s\": 0.125, \"requests\": {\"reads\": 1, "
                      "\"writes\": 2, \"erases\": 3, \"isbad\": 4, \"markbad\": 5, \"syncs\": 6}},\n"
                      "  \"totals\"", 1);
    write_file (summary, live->str, live->len);
    t = run_tool ("stat", "--live", stats, NULL);
    g_assert_cmpint (t.status, ==, 0);
    assert_match (t.out, "^server: +muse-chip, pid 42, serving, up 1.5 s$");
    assert_match (t.out, "^server busy: +0.250 s serving requests \\(16.7% of its uptime\\), 0.125 s of it in the chip model$");
    assert_match (t.out, "^requests served: +1 reads, 2 writes, 3 erases, 4 bad block queries, 5 marks, 6 syncs$");
    /* A muse-chip from before read retry: no read retry line. */
    g_assert_null (strstr (t.out, "read retry:"));
  }
  /* The chip's read retry counters (FmNandStats), when the server gives them. */
  {
    static const gchar *const members[] = {
      "\"read_retry\": {\"reads\": 7, \"ended_at\": [0, 0, 3, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]}",
      "\"read_retry\": {\"reads\": 7, \"ended_at\": [0, 0, 3]}",
      "\"read_retry\": {\"reads\": 7, \"ended_at\": [0, 0, -3, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]}",
      "\"read_retry\": 7",
    };

    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      {
        g_autoptr (GString) live = g_string_new (json.out);
        g_autofree gchar *member = g_strdup_printf ("  \"live\": {\"server\": \"muse-chip\", \"pid\": 42, "
                                                    "\"state\": \"serving\", \"uptime_s\": 1.5, \"busy_s\": 0.25, "
                                                    "\"model_s\": 0.125, \"requests\": {\"reads\": 1, \"writes\": 2, "
                                                    "\"erases\": 3, \"isbad\": 4, \"markbad\": 5, \"syncs\": 6}, %s},\n"
                                                    "  \"totals\"", members[i]);
        g_auto (RunResult) t = { -1, NULL, NULL };

        g_string_replace (live, "  \"totals\"", member, 1);
        write_file (summary, live->str, live->len);
        t = run_tool ("stat", "--live", stats, NULL);
        if (i == 0)
          {
            g_assert_cmpint (t.status, ==, 0);
            assert_match (t.out, "^read retry: +7 reads at a level above 0; sequences ended at level 2: 3, 7: 1$");
          }
        else
          {
            g_assert_cmpint (t.status, ==, 1);
            assert_match (t.err, i == 3 ? "live.read_retry is not an object$"
                                        : "live.read_retry.ended_at is not an array of 16 counts$");
          }
      }
    write_file (summary, json.out, strlen (json.out));
  }
  /* Broken directories are named as such. */
  {
    g_autofree gchar *short_csv = g_strndup (rows.out, strstr (rows.out, "\n2,") + 1 - rows.out);
    g_auto (RunResult) few = { -1, NULL, NULL };
    g_auto (RunResult) bad = { -1, NULL, NULL };
    g_auto (RunResult) none = { -1, NULL, NULL };
    g_auto (RunResult) not_dir = run_tool ("stat", "--live", path, NULL);

    write_file (csv, short_csv, strlen (short_csv));
    few = run_tool ("wear", stats, NULL);
    g_assert_cmpint (few.status, ==, 1);
    assert_match (few.err, "erase_counts.csv has 2 blocks, .*summary.json says the chip has 4096$");
    write_file (csv, "block\n", 6);
    bad = run_tool ("stat", "--live", stats, NULL);
    g_assert_cmpint (bad.status, ==, 1);
    assert_match (bad.err, "erase_counts.csv: line 1 is not the header");
    g_assert_cmpint (g_unlink (summary), ==, 0);
    none = run_tool ("wear", stats, NULL);
    g_assert_cmpint (none.status, ==, 1);
    assert_match (none.err, "has no summary.json: not a statistics directory");
    g_assert_cmpint (not_dir.status, ==, 1);
    assert_match (not_dir.err, "not a directory");
  }
  remove_tmp_dir (stats);
  remove_tmp_dir (dir);
}

static void
test_wear_png (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *path = create_worn_image (dir);
  g_autofree gchar *png = g_build_filename (dir, "wear.png", NULL);
  g_auto (RunResult) r = run_tool ("wear", "--png", png, path, NULL);
  cairo_surface_t *surface;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  assert_match (r.out, "^blocks: +4096$");
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 1024);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 1024);
  /* 109 distinct erase counts, each its own colour (plus the margin). */
  g_assert_cmpuint (heatmap_colours (surface), >=, 100);
  cairo_surface_destroy (surface);

  {
    g_auto (RunResult) bad = run_tool ("wear", "--png", "/nonexistent/dir/x.png", path, NULL);

    g_assert_cmpint (bad.status, ==, 1);
    assert_match (bad.err, "/nonexistent/dir/x\\.png: ");
  }
  {
    g_auto (RunResult) both = run_tool ("wear", "--csv", "--json", path, NULL);

    g_assert_cmpint (both.status, ==, EXIT_USAGE);
  }
  remove_tmp_dir (dir);
}

/* ---- usage errors -------------------------------------------------------- */

static void
test_usage_no_args (void)
{
  g_auto (RunResult) r = run_tool (NULL);

  g_assert_cmpint (r.status, ==, EXIT_USAGE);
  g_assert_cmpstr (r.out, ==, "");
  assert_match (r.err, "^Usage: flashmodel COMMAND \\[OPTION\\.\\.\\.\\] \\[ARG\\.\\.\\.\\]$");
  assert_match (r.err, "^  list-chips ");
  assert_match (r.err, "^Exit status: 0 on success, 1 on failure, 2 on a usage error\\.$");
}

static void
test_usage_unknown_command (void)
{
  g_auto (RunResult) r = run_tool ("frobnicate", NULL);

  g_assert_cmpint (r.status, ==, EXIT_USAGE);
  g_assert_cmpstr (r.out, ==, "");
  assert_match (r.err, "^flashmodel: unknown command 'frobnicate'$");
  assert_match (r.err, "^Usage: flashmodel COMMAND");
}

static void
test_usage_missing_chip (void)
{
  static const gchar *const commands[] = { "info", "create" };
  static const gchar *const required[] = { "--chip NAME or --id BYTES", "--chip NAME" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree gchar *expect = g_strdup_printf ("^flashmodel %s: %s is required\n"
                                                  "Try 'flashmodel %s --help'\\.$",
                                                  commands[i], required[i], commands[i]);
      g_auto (RunResult) r = run_tool (commands[i], NULL);

      g_assert_cmpint (r.status, ==, EXIT_USAGE);
      g_assert_cmpstr (r.out, ==, "");
      assert_match (r.err, expect);
    }
}

static void
test_usage_other (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *path = g_build_filename (dir, "never.img", NULL);

  {
    g_auto (RunResult) r = run_tool ("create", "--chip", "micron-mt29f4g", NULL);

    g_assert_cmpint (r.status, ==, EXIT_USAGE);
    assert_match (r.err, "^flashmodel create: exactly one IMAGE file name is required$");
  }
  {
    g_auto (RunResult) r = run_tool ("create", "--chip", "micron-mt29f4g", "--seed", "-1", path, NULL);

    g_assert_cmpint (r.status, ==, EXIT_USAGE);
    assert_match (r.err, "^flashmodel create: --seed takes a non-negative integer$");
  }
  {
    g_auto (RunResult) r = run_tool ("stat", NULL);

    g_assert_cmpint (r.status, ==, EXIT_USAGE);
    assert_match (r.err, "^flashmodel stat: exactly one IMAGE is required$");
  }
  {
    g_auto (RunResult) r = run_tool ("wear", "--no-such-option", path, NULL);

    g_assert_cmpint (r.status, ==, EXIT_USAGE);
    assert_match (r.err, "^flashmodel wear: Unknown option --no-such-option$");
  }
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  remove_tmp_dir (dir);
}

static void
test_help_and_version (void)
{
  {
    g_auto (RunResult) r = run_tool ("--help", NULL);

    g_assert_cmpint (r.status, ==, 0);
    assert_match (r.out, "^Usage: flashmodel COMMAND");
  }
  {
    g_auto (RunResult) r = run_tool ("--version", NULL);

    g_assert_cmpint (r.status, ==, 0);
    assert_match (r.out, "^flashmodel [0-9]+\\.[0-9]+\\.[0-9]+$");
  }
  {
    g_auto (RunResult) r = run_tool ("info", "--help", NULL);

    g_assert_cmpint (r.status, ==, 0);
    assert_match (r.out, "flashmodel info --chip micron-mt29f4g");
  }
}

/* ---- import and export --------------------------------------------------- */

static void
write_filled (const gchar *path, gsize len, guint8 value)
{
  g_autofree gchar *data = g_malloc (len);

  memset (data, value, len);
  write_file (path, data, len);
}

static void
test_dump_round_trip (void)
{
  /* The whole chip: an interleaved dump is whole blocks without OOB too
   * (4224 of them), but only as interleaved does it fit the chip. */
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *orig = create_image (dir, "samsung-k9f1208", "orig.img");
  g_autofree gchar *dump = g_build_filename (dir, "nand.bin", NULL);
  g_autofree gchar *image = g_build_filename (dir, "imported.img", NULL);
  g_autofree gchar *again = g_build_filename (dir, "again.bin", NULL);
  gsize len1, len2;

  {
    g_auto (RunResult) r = run_tool ("export", orig, dump, NULL);
    g_autofree gchar *quoted = g_regex_escape_string (dump, -1);
    g_autofree gchar *expect = g_strdup_printf ("^exported blocks 0-4095 of .*orig\\.img to %s: "
                                                "interleaved, 66\\.0.MiB$", quoted);

    g_assert_cmpint (r.status, ==, 0);
    assert_match (r.out, expect);
  }
  {
    g_auto (RunResult) r = run_tool ("import", "--chip", "samsung-k9f1208", "--seed", "5", dump, image, NULL);

    g_assert_cmpint (r.status, ==, 0);
    assert_match (r.out, "^imported .*nand\\.bin into .*imported\\.img: interleaved \\(detected\\), "
                         "blocks 0-4095 of chip samsung-k9f1208, [0-9]+ pages stored, [0-9]+ blocks? marked bad$");
  }
  {
    g_auto (RunResult) a = run_tool ("stat", orig, NULL);
    g_auto (RunResult) b = run_tool ("stat", image, NULL);
    g_autofree gchar *bad = NULL;
    g_auto (GStrv) lines = g_strsplit (a.out, "\n", -1);

    /* The same bad blocks, and the new seed. */
    for (guint i = 0; lines[i]; i++)
      if (g_str_has_prefix (lines[i], "bad block"))
        {
          g_autofree gchar *quoted = g_regex_escape_string (lines[i], -1);
          g_autofree gchar *pattern = g_strdup_printf ("^%s$", quoted);

          assert_match (b.out, pattern);
        }
    assert_match (b.out, "^seed: +5$");
  }
  {
    g_auto (RunResult) r = run_tool ("export", image, again, NULL);
    g_autofree gchar *a = read_file (dump, &len1);
    g_autofree gchar *b = read_file (again, &len2);

    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpmem (a, len1, b, len2);
  }
  remove_tmp_dir (dir);
}

static void
test_dump_stdout_and_partial (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *orig = create_image (dir, "samsung-k9f1208", "orig.img");
  g_autofree gchar *part = g_build_filename (dir, "part.bin", NULL);
  g_autofree gchar *oob = g_build_filename (dir, "part.oob", NULL);
  g_autofree gchar *image = g_build_filename (dir, "part.img", NULL);

  {
    /* The dump on stdout, the summary on stderr. */
    g_auto (RunResult) r = run_tool ("export", "--format", "data", "--blocks", "7,2", orig, "-", NULL);

    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpuint (strlen (r.out), ==, 2 * 32 * 512);
    assert_match (r.err, "^exported blocks 7-8 of .*orig\\.img to -: data, 32\\.0.KiB$");
  }
  {
    g_auto (RunResult) r = run_tool ("export", "--oob-file", oob, "--blocks", "100,3", orig, part, NULL);

    g_assert_cmpint (r.status, ==, 0);
    assert_match (r.out, "^exported blocks 100-102 of .* separate, 48\\.0.KiB \\+ OOB file .*part\\.oob$");
  }
  {
    g_auto (RunResult) r = run_tool ("import", "--chip", "samsung-k9f1208", "--oob-file", oob,
                                     "--start-block", "4095", part, image, NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^flashmodel: .*part\\.bin: 49152 bytes is 3 erase blocks of 16384 bytes, "
                         "which do not fit in chip 'samsung-k9f1208' from block 4095 \\(it has 4096 "
                         "blocks: at most 1 fit\\)$");
  }
  {
    g_auto (RunResult) r = run_tool ("import", "--chip", "samsung-k9f1208", "--oob-file", oob,
                                     "--start-block", "4093", part, image, NULL);

    g_assert_cmpint (r.status, ==, 0);
    assert_match (r.out, ": separate \\(detected\\), blocks 4093-4095 of chip samsung-k9f1208, 0 pages stored, 0 blocks marked bad$");
  }
  remove_tmp_dir (dir);
}

/* Whether a name in DIR starts with PREFIX. */
static gboolean
dir_has_prefixed (const gchar *dir, const gchar *prefix)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_prefix (name, prefix))
      return TRUE;
  return FALSE;
}

/* SIGINT, SIGTERM or SIGHUP during an import: its .partial file goes,
 * no image is made, and the signal ends the tool. The signal is sent as
 * soon as the .partial file shows, so the import of a whole chip's dump
 * is far from done. */
static void
test_import_interrupted (void)
{
  const int signals[] = { SIGINT, SIGTERM, SIGHUP };
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *dump = g_build_filename (dir, "nand.bin", NULL);
  g_autofree gchar *image = g_build_filename (dir, "nand.img", NULL);
  gsize size = 4096 * 32 * 512; /* samsung-k9f1208, page data only */
  g_autofree guint8 *data = fm_test_pattern (size, 8);

  write_file (dump, (const gchar *) data, size);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      const gchar *argv[] = { tool, "import", "--chip", "samsung-k9f1208", "--format", "data",
                              dump, image, NULL };
      g_autoptr (GError) error = NULL;
      g_autofree gchar *err = NULL;
      GPid pid;
      gint err_fd, status;
      gboolean seen = FALSE;

      /* The import takes about half a second: on a loaded machine this
       * process may not run while the .partial file exists. Then the
       * import finishes first, and the attempt is made again. */
      for (guint attempt = 0; !seen; attempt++)
        {
          gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
          gboolean finished = FALSE;

          g_assert_cmpuint (attempt, <, 10);
          g_spawn_async_with_pipes (NULL, (gchar **) argv, tool_env, G_SPAWN_DO_NOT_REAP_CHILD,
                                    NULL, NULL, &pid, NULL, NULL, &err_fd, &error);
          g_assert_no_error (error);
          while (!(seen = dir_has_prefixed (dir, "nand.img.partial-")) &&
                 !(finished = waitpid (pid, &status, WNOHANG) == pid) &&
                 g_get_monotonic_time () < deadline)
            g_usleep (200);
          if (!seen && finished)
            {
              g_test_message ("attempt %u: the import ended before it was seen", attempt);
              g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
              g_spawn_close_pid (pid);
              close (err_fd);
              g_assert_cmpint (g_unlink (image), ==, 0);
            }
          else
            g_assert_true (seen);
        }
      g_assert_cmpint (kill (pid, signals[i]), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      {
        g_autoptr (GIOChannel) ch = g_io_channel_unix_new (err_fd);

        g_io_channel_set_close_on_unref (ch, TRUE);
        g_io_channel_read_to_end (ch, &err, NULL, &error);
        g_assert_no_error (error);
      }
      g_test_message ("signal %d: %s", signals[i], err);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, signals[i]);
      g_assert_false (dir_has_prefixed (dir, "nand.img"));
      assert_match (err, "^flashmodel: import interrupted after [0-9]+ of 4096 blocks$");
    }
  remove_tmp_dir (dir);
}

static void
test_dump_refusals (void)
{
  g_autofree gchar *dir = make_tmp_dir ();
  g_autofree gchar *dump = g_build_filename (dir, "dump.bin", NULL);
  g_autofree gchar *cut = g_build_filename (dir, "cut.bin", NULL);
  g_autofree gchar *image = g_build_filename (dir, "nand.img", NULL);
  g_autofree gchar *listing = NULL;

  /* 32 blocks with OOB = 33 without: the message gives the size and both
   * block sizes, and asks for the format. */
  write_filled (dump, 32 * 16896, 0xff);
  write_filled (cut, 2 * 16896 - 5, 0x00);
  {
    g_auto (RunResult) r = run_tool ("import", "--chip", "samsung-k9f1208", dump, image, NULL);

    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.out, ==, "");
    assert_match (r.err, "^flashmodel: .*dump\\.bin: cannot tell the format from the size: 540672 bytes "
                         "is 33 erase blocks without OOB \\(data: 16384 bytes per block\\) and 32 erase "
                         "blocks with OOB \\(interleaved: 16896 bytes per block\\), both possible .*--format");
  }
  {
    g_auto (RunResult) r = run_tool ("import", "--chip", "samsung-k9f1208", cut, image, NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "neither possible for chip 'samsung-k9f1208'");
  }
  {
    g_auto (RunResult) r = run_tool ("import", "--chip", "samsung-k9f1208", "-f", "interleaved", cut, image, NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^flashmodel: .*cut\\.bin: 33787 bytes is not a whole number of pages: a "
                         "interleaved dump of chip 'samsung-k9f1208' has 528 bytes per page");
  }
  {
    /* 529 bytes per step on a 528-byte page. */
    g_auto (RunResult) r = run_tool ("import", "--chip", "samsung-k9f1208", "--syndrome", "512,10,1,6",
                                     dump, image, NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^flashmodel: syndrome layout needs 1 steps of 529 bytes");
  }
  /* Nothing was left behind. */
  listing = fm_test_dir_listing (dir);
  g_assert_cmpstr (listing, ==, "cut.bin dump.bin");
  {
    g_auto (RunResult) r = run_tool ("import", "--chip", "samsung-k9f1208", "--format", "interleaved",
                                     dump, image, NULL);

    g_assert_cmpint (r.status, ==, 0);
    assert_match (r.out, ": interleaved, blocks 0-31 of chip samsung-k9f1208, 0 pages stored, 0 blocks marked bad$");
  }
  {
    g_auto (RunResult) r = run_tool ("import", "--chip", "samsung-k9f1208", "--format", "interleaved",
                                     dump, image, NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^flashmodel: .*nand\\.img: already exists \\(--force replaces it\\)$");
  }
  {
    g_auto (RunResult) r = run_tool ("import", "--chip", "samsung-k9f1208", "--format", "interleaved",
                                     "--force", dump, image, NULL);

    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto (RunResult) r = run_tool ("export", image, dump, NULL);

    g_assert_cmpint (r.status, ==, 1);
    assert_match (r.err, "^flashmodel: .*dump\\.bin: already exists \\(--force replaces it\\)$");
  }
  remove_tmp_dir (dir);
}

static void
test_dump_usage (void)
{
  static const struct { const gchar *args[11]; const gchar *error; } cases[] = {
    { { "import", "a", "b" }, "^flashmodel import: --chip NAME is required$" },
    { { "import", "-c", "samsung-k9f1208", "a" }, "^flashmodel import: a DUMP and an IMAGE file name are required$" },
    { { "import", "-c", "samsung-k9f1208", "--format", "raw", "a", "b" },
      "^flashmodel import: --format: unknown dump format 'raw' \\(auto, data, interleaved, separate, syndrome\\)$" },
    { { "import", "-c", "samsung-k9f1208", "--format", "syndrome", "a", "b" },
      "^flashmodel import: --format syndrome needs --syndrome STEP,ECC\\[,PREPAD\\[,POSTPAD\\]\\]$" },
    { { "import", "-c", "samsung-k9f1208", "--syndrome", "512", "a", "b" },
      "^flashmodel import: --syndrome: syndrome layout '512': expected STEP,ECC" },
    { { "import", "-c", "samsung-k9f1208", "--syndrome", "512,10", "--format", "data", "a", "b" },
      "^flashmodel import: --syndrome goes only with --format syndrome$" },
    { { "import", "-c", "samsung-k9f1208", "--format", "separate", "a", "b" },
      "^flashmodel import: --format separate needs --oob-file FILE$" },
    { { "import", "-c", "samsung-k9f1208", "--format", "data", "--oob-file", "o", "a", "b" },
      "^flashmodel import: --oob-file goes only with --format separate, not data$" },
    { { "import", "-c", "samsung-k9f1208", "--start-block", "-1", "a", "b" },
      "^flashmodel import: --start-block takes a block number$" },
    { { "export", "--blocks", "5", "a", "b" }, "^flashmodel export: --blocks takes START,COUNT \\(COUNT at least 1\\)$" },
    { { "export", "--blocks", "5,0", "a", "b" }, "^flashmodel export: --blocks takes START,COUNT" },
    { { "export", "a" }, "^flashmodel export: an IMAGE and a DUMP file name are required$" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const gchar *const *a = cases[i].args;
      g_auto (RunResult) r = run_tool (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
                                       a[9], NULL);

      g_assert_cmpint (r.status, ==, EXIT_USAGE);
      g_assert_cmpstr (r.out, ==, "");
      assert_match (r.err, cases[i].error);
    }
  {
    g_auto (RunResult) r = run_tool ("import", "--help", NULL);

    g_assert_cmpint (r.status, ==, 0);
    assert_match (r.out, "^  flashmodel import --chip micron-mt29f4g nand\\.bin nand\\.img$");
    assert_match (r.out, "syndrome is never detected");
  }
  {
    g_auto (RunResult) r = run_tool ("--help", NULL);

    assert_match (r.out, "^  import +Import a dump of a real chip");
    assert_match (r.out, "^  export +Write an image as a dump");
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  tool = g_getenv ("FLASHMODEL_TOOL");
  chips_dir = g_getenv ("FLASHMODEL_CHIPS_DIR");
  if (!tool || !chips_dir)
    {
      g_printerr ("test-cli: set FLASHMODEL_TOOL (the flashmodel binary) and "
                  "FLASHMODEL_CHIPS_DIR (the chips/ directory)\n");
      return 1;
    }

  /* Optional: the muse-chip checks run where the build has it. */
  muse_chip = g_getenv ("MUSE_CHIP");
  tool_env = g_environ_setenv (g_get_environ (), "LC_ALL", "C.UTF-8", TRUE);

  g_test_add_func ("/cli/list-chips", test_list_chips);
  g_test_add_func ("/cli/list-chips/extra-argument", test_list_chips_extra_argument);
  g_test_add_func ("/cli/list-chips/filters", test_list_chips_filters);
  g_test_add_func ("/cli/list-chips/bad-filters", test_list_chips_bad_filters);
  g_test_add_func ("/cli/info/by-id", test_info_by_id);
  g_test_add_func ("/cli/info/block-protection", test_info_block_protection);
  g_test_add_func ("/cli/info/read-retry", test_info_read_retry);
  g_test_add_func ("/cli/descriptor/from-onfi", test_descriptor_from_onfi);
  g_test_add_func ("/cli/descriptor/from-sfdp", test_descriptor_from_sfdp);
  g_test_add_func ("/cli/descriptor/from-jedec", test_descriptor_from_jedec);
  g_test_add_func ("/cli/info/luns-and-jedec", test_info_luns_and_jedec);
  g_test_add_func ("/cli/descriptor/hostile-files", test_descriptor_hostile_files);
  g_test_add_func ("/cli/info/spi-nand", test_info_spi_nand);
  g_test_add_func ("/cli/info", test_info);
  g_test_add_func ("/cli/info-cell-model", test_info_cell_model);
  g_test_add_func ("/cli/info/positional", test_info_positional);
  g_test_add_func ("/cli/info/nor", test_info_nor);
  g_test_add_func ("/cli/info/unknown-chip", test_info_unknown_chip);
  g_test_add_func ("/cli/create/every-chip", test_create_every_chip);
  g_test_add_func ("/cli/create/seed-and-bad-blocks", test_create_seed_and_bad_blocks);
  g_test_add_func ("/cli/stat/truncated", test_stat_truncated);
  g_test_add_func ("/cli/stat/header-bit-flip", test_stat_header_bit_flip);
  g_test_add_func ("/cli/stat/crafted-header", test_stat_crafted_header);
  g_test_add_func ("/cli/stat/foreign-geometry", test_stat_foreign_geometry);
  g_test_add_func ("/cli/stat/bad-slot-number", test_stat_bad_slot_number);
  g_test_add_func ("/cli/replay/crafted-base", test_replay_crafted_base);
  g_test_add_func ("/cli/muse-chip/faults-beyond-chip", test_muse_chip_faults_beyond_chip);
  g_test_add_func ("/cli/muse-chip/spi-nand", test_muse_chip_spi_nand);
  g_test_add_func ("/cli/muse-chip/benand", test_muse_chip_benand);
  g_test_add_func ("/cli/muse-chip/subpages", test_muse_chip_subpages);
  g_test_add_func ("/cli/stat/missing-file", test_stat_missing_file);
  g_test_add_func ("/cli/wear/csv", test_wear_csv);
  g_test_add_func ("/cli/wear/csv-pattern", test_wear_csv_pattern);
  g_test_add_func ("/cli/wear/json", test_wear_json);
  g_test_add_func ("/cli/wear/json-fresh", test_wear_json_fresh);
  g_test_add_func ("/cli/wear/png", test_wear_png);
  g_test_add_func ("/cli/wear/stats-dir", test_wear_stats_dir);
  g_test_add_func ("/cli/usage/no-args", test_usage_no_args);
  g_test_add_func ("/cli/usage/unknown-command", test_usage_unknown_command);
  g_test_add_func ("/cli/usage/missing-chip", test_usage_missing_chip);
  g_test_add_func ("/cli/usage/other", test_usage_other);
  g_test_add_func ("/cli/help-and-version", test_help_and_version);
  g_test_add_func ("/cli/dump/round-trip", test_dump_round_trip);
  g_test_add_func ("/cli/dump/stdout-and-partial", test_dump_stdout_and_partial);
  g_test_add_func ("/cli/dump/refusals", test_dump_refusals);
  g_test_add_func ("/cli/dump/import-interrupted", test_import_interrupted);
  g_test_add_func ("/cli/dump/usage", test_dump_usage);
  status = g_test_run ();
  g_strfreev (tool_env);
  return status;
}
