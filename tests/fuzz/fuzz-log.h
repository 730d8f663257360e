/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Warnings and criticals as crashes libFuzzer can keep.
 *
 * g_log_set_always_fatal() ends a fatal message with G_BREAKPOINT, a
 * SIGTRAP: libFuzzer has no handler for it, so the process just dies
 * (exit status 133) with no input saved and no stack. This writer prints
 * the message and calls abort(), which libFuzzer and ASan report like any
 * other crash, with the input that did it.
 */
#pragma once

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  (void) user_data;
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
          fprintf (stderr, "fatal log message: %s\n", (const char *) fields[i].value);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

static inline void
fuzz_make_warnings_fatal (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}
