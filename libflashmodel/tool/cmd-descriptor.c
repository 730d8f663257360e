/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel descriptor --from-onfi / --from-jedec / --from-sfdp: a chip descriptor from
 * a parameter table read off a real chip (fm-chip-desc-import.h), on
 * stdout or in a new file.
 */
#include "commands.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* READ PARAMETER PAGE output is a few KiB; anything larger is not one. */
#define TABLE_FILE_MAX (64u * 1024)

static guint8 *
read_table_file (const gchar *path, gsize *len, GError **error)
{
  g_autofree guint8 *data = NULL;
  struct stat st;
  gssize got;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int e = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, FM_ERROR, FM_ERROR_IO, "%s: %s", path, g_strerror (e));
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || (guint64) st.st_size > TABLE_FILE_MAX)
    {
      close (fd);
      g_set_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR, "%s: %s", path,
                   S_ISREG (st.st_mode) ? "larger than 64 KiB, not a parameter table dump"
                                        : "not a regular file");
      return NULL;
    }
  /* One byte more than the limit shows a file that grew meanwhile. */
  data = g_malloc (TABLE_FILE_MAX + 1);
  got = read (fd, data, TABLE_FILE_MAX + 1);
  close (fd);
  if (got < 0 || (gsize) got > TABLE_FILE_MAX)
    {
      g_set_error (error, FM_ERROR, got < 0 ? FM_ERROR_IO : FM_ERROR_DESCRIPTOR, "%s: %s", path,
                   got < 0 ? g_strerror (errno) : "larger than 64 KiB, not a parameter table dump");
      return NULL;
    }
  *len = (gsize) got;
  return g_steal_pointer (&data);
}

int
cmd_descriptor (int argc, char **argv)
{
  g_autofree gchar *onfi = NULL;
  g_autofree gchar *jedec = NULL;
  g_autofree gchar *sfdp = NULL;
  g_autofree gchar *out = NULL;
  gboolean force = FALSE;
  GOptionEntry entries[] = {
    { "from-onfi", 0, 0, G_OPTION_ARG_FILENAME, &onfi, "An ONFI parameter page dump (READ PARAMETER PAGE, ECh-00h)", "PARAM.bin" },
    { "from-jedec", 0, 0, G_OPTION_ARG_FILENAME, &jedec, "A JEDEC parameter page dump (READ PARAMETER PAGE, ECh-40h)", "PARAM.bin" },
    { "from-sfdp", 0, 0, G_OPTION_ARG_FILENAME, &sfdp, "A serial NOR part's SFDP space from address 0 (READ SFDP, 5Ah)", "SFDP.bin" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the descriptor to this new file, not stdout", "FILE" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "Replace FILE if it exists", NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree gchar *text = NULL;
  gsize len = 0;

  if (!parse_options (find_command ("descriptor"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc > 1)
    return usage_error ("descriptor", "unexpected argument");
  if ((onfi != NULL) + (jedec != NULL) + (sfdp != NULL) != 1)
    return usage_error ("descriptor", "one of --from-onfi PARAM.bin, --from-jedec PARAM.bin and --from-sfdp SFDP.bin is required");
  if (force && !out)
    return usage_error ("descriptor", "--force needs --output");
  data = read_table_file (onfi ? onfi : jedec ? jedec : sfdp, &len, &error);
  if (data && onfi)
    text = fm_chip_desc_from_onfi (data, len, onfi, &error);
  else if (data && jedec)
    text = fm_chip_desc_from_jedec (data, len, jedec, &error);
  else if (data)
    text = fm_chip_desc_from_sfdp (data, len, sfdp, &error);
  if (!text)
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  if (!out)
    {
      fputs (text, stdout);
      return EXIT_SUCCESS;
    }
  if (!force && g_file_test (out, G_FILE_TEST_EXISTS))
    {
      g_printerr ("flashmodel: %s: exists (--force replaces it)\n", out);
      return EXIT_FAILURE;
    }
  /* g_file_set_contents writes a temporary file and renames it: nothing
   * half-written is left on failure. */
  if (!g_file_set_contents (out, text, -1, &error))
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
