/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Overlay images from the command line: flashmodel create --base (a new
 * overlay on an image), flashmodel flatten (an overlay made a standalone
 * image), and the lines flashmodel stat prints about an overlay.
 */
#include "tool-common.h"
#include "commands.h"

#include <glib/gstdio.h>

int
create_overlay (const gchar *base_path, const gchar *chip, const gchar *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmImage) image = fm_image_create_overlay (path, base_path, &error);
  FmImageOverlayInfo info;

  if (image && chip && !g_str_equal (chip, fm_image_chip_name (image)))
    g_set_error (&error, FM_ERROR, FM_ERROR_IMAGE_MISMATCH,
                 "%s: the base is an image of chip '%s', not '%s'", base_path,
                 fm_image_chip_name (image), chip);
  if (!image || error || !fm_image_sync (image, &error))
    {
      /* Nothing is left of an overlay that was not made. */
      if (image)
        {
          g_clear_pointer (&image, fm_image_close);
          g_unlink (path);
        }
      print_error (error);
      return EXIT_FAILURE;
    }
  fm_image_overlay_info (image, &info);
  g_print ("created %s: an overlay on %s (chip %s, seed %" G_GUINT64_FORMAT "), %u deep\n",
           path, info.base_path, fm_image_chip_name (image), fm_image_seed (image), info.depth);
  return EXIT_SUCCESS;
}

int
cmd_flatten (int argc, char **argv)
{
  g_auto (OpenedImage) o = { NULL, NULL };
  g_autoptr (GError) error = NULL;

  if (!parse_options (find_command ("flatten"), NULL, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 3)
    return usage_error ("flatten", "OVERLAY and IMAGE are required");
  if (g_file_test (argv[2], G_FILE_TEST_EXISTS))
    return usage_error ("flatten", "IMAGE exists; it is never overwritten");
  if (!open_image (argv[1], &o, &error) || !fm_image_flatten_to (o.image, argv[2], &error))
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  g_print ("flattened %s into %s: %" G_GUINT64_FORMAT " pages with data\n", argv[1], argv[2],
           fm_image_pages_with_data (o.image));
  return EXIT_SUCCESS;
}

void
print_overlay_summary (FmImage *image, gsize page_bytes)
{
  FmImageOverlayInfo info;
  g_autofree gchar *delta = NULL, *data = NULL;

  if (!fm_image_overlay_info (image, &info))
    return;
  delta = format_size (info.delta_bytes);
  data = format_size (info.pages_with_data * page_bytes);
  if (g_str_equal (info.base_stored, info.base_path))
    g_print ("overlay:          on %s, %u deep\n", info.base_path, info.depth);
  else
    g_print ("overlay:          on %s (%s), %u deep\n", info.base_stored, info.base_path, info.depth);
  g_print ("delta:            %s, %" G_GUINT64_FORMAT " pages (%" G_GUINT64_FORMAT " with data, %s), "
           "%u block records, %" G_GUINT64_FORMAT " syncs\n",
           delta, info.pages, info.pages_with_data, data, info.blocks, info.syncs);
  if (info.dropped_bytes)
    g_print ("torn end:         %" G_GUINT64_FORMAT " bytes written after the last sync, dropped "
             "(the writer stopped without syncing)\n", info.dropped_bytes);
}
