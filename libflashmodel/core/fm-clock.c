/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-clock.h"

void
fm_clock_init (FmClock *clock, FmTimingMode mode)
{
  clock->mode = mode;
  clock->virtual_ns = 0;
  clock->real_origin_us = g_get_monotonic_time ();
}

guint64
fm_clock_now (const FmClock *clock)
{
  switch (clock->mode)
    {
    case FM_TIMING_VIRTUAL:
      return clock->virtual_ns;
    case FM_TIMING_REAL:
      return (guint64) (g_get_monotonic_time () - clock->real_origin_us) * 1000;
    case FM_TIMING_NONE:
    default:
      return 0;
    }
}

guint64
fm_clock_duration (const FmClock *clock, guint64 ns)
{
  return clock->mode == FM_TIMING_NONE ? 0 : ns;
}

void
fm_clock_advance (FmClock *clock, guint64 ns)
{
  if (clock->mode == FM_TIMING_VIRTUAL)
    clock->virtual_ns += ns;
}

void
fm_clock_wait_until (FmClock *clock, guint64 t)
{
  guint64 now = fm_clock_now (clock);

  if (t <= now)
    return;
  if (clock->mode == FM_TIMING_VIRTUAL)
    clock->virtual_ns = t;
  else if (clock->mode == FM_TIMING_REAL)
    g_usleep ((t - now + 999) / 1000);
}

gboolean
fm_timing_mode_from_string (const gchar *text, FmTimingMode *mode)
{
  if (g_str_equal (text, "none"))
    *mode = FM_TIMING_NONE;
  else if (g_str_equal (text, "virtual"))
    *mode = FM_TIMING_VIRTUAL;
  else if (g_str_equal (text, "real"))
    *mode = FM_TIMING_REAL;
  else
    return FALSE;
  return TRUE;
}

const gchar *
fm_timing_mode_to_string (FmTimingMode mode)
{
  switch (mode)
    {
    case FM_TIMING_NONE: return "none";
    case FM_TIMING_VIRTUAL: return "virtual";
    case FM_TIMING_REAL: return "real";
    }
  return "unknown";
}
