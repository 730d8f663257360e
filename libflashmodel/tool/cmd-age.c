/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel age: a retention bake of an image. The chip's clock moves on
 * by the bake's hours, so every programmed page is that much older when
 * the model next reads it (retention counts from a block's last program
 * to the chip's age); with --temperature, the hours are scaled to the cell
 * model's reference temperature (Arrhenius).
 */
#include "tool-common.h"
#include "commands.h"

#include <math.h>

/* A number in [MIN, MAX], nothing after it. */
static gboolean
parse_double_arg (const gchar *text, gdouble min, gdouble max, gdouble *out)
{
  gchar *end = NULL;
  gdouble x = g_ascii_strtod (text, &end);

  if (!*text || !end || *end || !(x >= min && x <= max))
    return FALSE;
  *out = x;
  return TRUE;
}

/* Blocks programmed since their last erase (an erase sets next_page to 0). */
static guint32
programmed_blocks (FmImage *image, const FmChipDesc *desc)
{
  guint32 n = 0;

  for (guint32 b = 0; b < fm_chip_desc_blocks (desc); b++)
    n += fm_image_block (image, b)->next_page != 0;
  return n;
}

int
cmd_age (int argc, char **argv)
{
  g_autofree gchar *hours_text = NULL, *celsius_text = NULL;
  GOptionEntry entries[] = {
    { "hours", 'H', 0, G_OPTION_ARG_STRING, &hours_text, "Bake for H hours", "H" },
    { "temperature", 'T', 0, G_OPTION_ARG_STRING, &celsius_text,
      "At C degrees Celsius (default: the cell model's reference temperature)", "C" },
    { NULL }
  };
  g_autoptr (FmChipDesc) desc = NULL;
  g_autoptr (FmImage) image = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *display = NULL;
  const FmVtParams *cell;
  gdouble hours = 0, celsius = NAN, reference_hours;
  guint64 before, bake, after;

  if (!parse_options (find_command ("age"), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2)
    return usage_error ("age", "exactly one IMAGE is required");
  if (!hours_text)
    return usage_error ("age", "--hours H is required");
  if (!parse_double_arg (hours_text, 0, FM_BAKE_MAX_HOURS, &hours) || hours <= 0)
    return usage_error ("age", "--hours takes a number of hours above 0 and at most 1e6");
  if (celsius_text && !parse_double_arg (celsius_text, FM_BAKE_MIN_CELSIUS, FM_BAKE_MAX_CELSIUS,
                                         &celsius))
    return usage_error ("age", "--temperature takes degrees Celsius from -60 to 300");

  display = g_filename_display_name (argv[1]);
  image = fm_image_open_find_chip (argv[1], FALSE, &desc, &error);
  if (!image)
    {
      print_error (error);
      return EXIT_FAILURE;
    }
  if (fm_chip_desc_is_nor (desc))
    {
      g_printerr ("flashmodel: %s: chip '%s' is a NOR part: its model has no retention errors "
                  "to age\n", display, desc->name);
      return EXIT_FAILURE;
    }
  cell = desc->cell_model;
  bake = fm_nand_bake_ns (cell, hours, celsius);
  reference_hours = fm_nand_bake_scales (cell) && !isnan (celsius)
    ? fm_vt_arrhenius_hours (cell, hours, celsius) : hours;
  before = fm_image_age_ns (image);
  if (bake > G_MAXUINT64 - before)
    {
      g_printerr ("flashmodel: %s: a bake of %g h (%g h at the reference temperature) takes the "
                  "chip's age beyond 2^64 ns (5124 years); nothing changed\n",
                  display, hours, reference_hours);
      return EXIT_FAILURE;
    }
  after = before + bake;
  fm_image_set_age_ns (image, after);
  if (!fm_image_sync (image, &error))
    {
      print_error (error);
      return EXIT_FAILURE;
    }

  if (!isnan (celsius) && fm_nand_bake_scales (cell))
    g_print ("bake:       %g h at %g C = %.6g h at the reference %g C (cell model %s, "
             "activation energy %g eV)\n", hours, celsius, reference_hours,
             cell->reference_celsius, cell->family, cell->activation_ev);
  else
    {
      if (!isnan (celsius))
        g_print ("note:       chip '%s' has no cell model with an activation energy "
                 "([cell-model] in its descriptor): the temperature is not scaled\n", desc->name);
      g_print ("bake:       %g h\n", hours);
    }
  g_print ("chip age:   %.6g h -> %.6g h\n", before / 3.6e12, after / 3.6e12);
  g_print ("programmed: %u blocks, %" G_GUINT64_FORMAT " pages with data, now %.6g h older\n",
           programmed_blocks (image, desc), fm_image_pages_with_data (image), reference_hours);
  return EXIT_SUCCESS;
}
