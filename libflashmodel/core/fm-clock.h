/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Time as the chip sees it. In NONE mode every operation is instantaneous;
 * in VIRTUAL mode a nanosecond counter advances by each operation's time
 * (nothing sleeps); in REAL mode time is the host's monotonic clock and
 * waiting for the chip really sleeps.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FM_TIMING_NONE,
  FM_TIMING_VIRTUAL,
  FM_TIMING_REAL,
} FmTimingMode;

typedef struct {
  FmTimingMode mode;
  guint64 virtual_ns;
  gint64 real_origin_us;
} FmClock;

void     fm_clock_init       (FmClock *clock, FmTimingMode mode);
guint64  fm_clock_now        (const FmClock *clock);
/* How long an operation of nominal length NS takes in this mode (0 in NONE). */
guint64  fm_clock_duration   (const FmClock *clock, guint64 ns);
/* Bus activity that takes time on the wire (VIRTUAL only). */
void     fm_clock_advance    (FmClock *clock, guint64 ns);
/* Block until T: jumps forward in VIRTUAL, sleeps in REAL. */
void     fm_clock_wait_until (FmClock *clock, guint64 t);

gboolean     fm_timing_mode_from_string (const gchar *text, FmTimingMode *mode);
const gchar *fm_timing_mode_to_string   (FmTimingMode mode);

G_END_DECLS
