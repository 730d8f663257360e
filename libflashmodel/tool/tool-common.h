/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the flashmodel tool's subcommands (flashmodel.c holds the
 * command table; larger commands live in cmd-*.c).
 */
#pragma once

#include "flashmodel.h"

#include <stdlib.h>

#define EXIT_USAGE 2

typedef struct {
  const gchar *name;
  const gchar *args;
  const gchar *summary;
  const gchar *description;
  int (*run) (int argc, char **argv);
} Command;

const Command *find_command (const gchar *name);

void     print_error   (const GError *error);
/* Parses a subcommand's options; prints usage errors itself. */
gboolean parse_options (const Command *cmd, GOptionEntry *entries, int *argc, char ***argv);
int      usage_error   (const gchar *command, const gchar *message);
gchar   *format_size   (guint64 bytes);
gchar   *format_us     (guint64 ns);
/* A non-negative integer in C notation (0x.., 0..), nothing after it. */
gboolean parse_u64_arg (const gchar *text, guint64 *out);

typedef struct {
  FmChipDesc *desc;
  FmImage *image;
} OpenedImage;

void     opened_image_clear (OpenedImage *o);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OpenedImage, opened_image_clear)

/* Opens IMAGE read-only and finds the chip it was made for. */
gboolean open_image (const gchar *path, OpenedImage *o, GError **error);
