/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every flashmodel subcommand shares: option parsing, errors, sizes. */
#include "tool-common.h"

#include <errno.h>
#include <stdio.h>

void
print_error (const GError *error)
{
  g_printerr ("flashmodel: %s\n", error->message);
}

/* Parses a subcommand's options; prints usage errors itself. */
gboolean
parse_options (const Command *cmd, GOptionEntry *entries, int *argc, char ***argv)
{
  g_autofree gchar *prgname = g_strdup_printf ("flashmodel %s", cmd->name);
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GError) error = NULL;

  /* The usage line reads "flashmodel NAME [OPTION…] ARGS". */
  g_set_prgname (prgname);
  ctx = g_option_context_new (cmd->args);

  g_option_context_set_summary (ctx, cmd->summary);
  g_option_context_set_description (ctx, cmd->description);
  if (entries)
    g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      g_printerr ("flashmodel %s: %s\nTry 'flashmodel %s --help'.\n",
                  cmd->name, error->message, cmd->name);
      return FALSE;
    }
  return TRUE;
}

int
usage_error (const gchar *command, const gchar *message)
{
  g_printerr ("flashmodel %s: %s\nTry 'flashmodel %s --help'.\n", command, message, command);
  return EXIT_USAGE;
}

gchar *
format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

gchar *
format_us (guint64 ns)
{
  return g_strdup_printf ("%.6g us", ns / 1000.0);
}

gboolean
parse_u64_arg (const gchar *text, guint64 *out)
{
  gchar *end = NULL;

  errno = 0;
  *out = g_ascii_strtoull (text, &end, 0);
  return errno == 0 && end && *end == '\0' && *text != '-';
}

void
opened_image_clear (OpenedImage *o)
{
  g_clear_pointer (&o->image, fm_image_close);
  g_clear_pointer (&o->desc, fm_chip_desc_free);
}

/* Opens IMAGE read-only and finds the chip it was made for. */
gboolean
open_image (const gchar *path, OpenedImage *o, GError **error)
{
  o->image = fm_image_open_find_chip (path, TRUE, &o->desc, error);
  return o->image != NULL;
}
