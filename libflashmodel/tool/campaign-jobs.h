/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The checks of a power-cut campaign, N at a time: each runs with
 * /bin/sh in a job slot (0..N-1, $FM_JOB in its environment, so that
 * checks running together can pick distinct device names), its output
 * (stdout and stderr) in a file of the slot, stdin from /dev/null, in a
 * process group of its own, so that stopping a check stops what it
 * started too. A check's end is reported by a callback, in whatever
 * order checks end.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CheckJobs CheckJobs;

typedef struct {
  gboolean passed;    /* exit status 0 */
  gchar *status;      /* otherwise why: "exit status 1", "killed by signal 9" */
  gchar *output_path; /* the check's output, valid until the callback returns */
  gdouble seconds;    /* wall time */
} CheckEnd;

/* TAG: what check_jobs_start() was given. */
typedef void (*CheckEndFunc) (gpointer user_data, gpointer tag, guint slot, const CheckEnd *end);

/* N slots; the output files live in DIR. */
CheckJobs *check_jobs_new     (guint n, const gchar *dir, CheckEndFunc on_end, gpointer user_data);
void       check_jobs_free    (CheckJobs *jobs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CheckJobs, check_jobs_free)

/* A free slot, waiting (and reporting the checks that end) until one is. */
guint      check_jobs_free_slot (CheckJobs *jobs);
/* Starts CMD in SLOT (free) with ENV plus FM_JOB. */
gboolean   check_jobs_start   (CheckJobs *jobs, guint slot, const gchar *cmd, gchar **env,
                               gpointer tag, GError **error);
/* Reports the checks that have ended, waiting for one if WAIT and any runs. */
void       check_jobs_poll    (CheckJobs *jobs, gboolean wait);
guint      check_jobs_running (const CheckJobs *jobs);
/* Sends SIG to the process group of every running check. */
void       check_jobs_signal  (CheckJobs *jobs, int sig);

/* The last MAX_LINES non-empty lines of the file at PATH, at most
 * MAX_BYTES from its end, valid UTF-8 (invalid bytes replaced). */
gchar     *read_output_tail   (const gchar *path, guint max_lines, gsize max_bytes);

G_END_DECLS
