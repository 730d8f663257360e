/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The checks of a campaign, N at a time, each in a job slot. */
#include "campaign-jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  CheckJobs *jobs;
  guint index;
  GPid pid;       /* 0: free */
  gpointer tag;
  gchar *output_path;
  gint64 started;
} Slot;

struct _CheckJobs {
  Slot *slots;
  guint n, running;
  CheckEndFunc on_end;
  gpointer user_data;
};

CheckJobs *
check_jobs_new (guint n, const gchar *dir, CheckEndFunc on_end, gpointer user_data)
{
  CheckJobs *jobs = g_new0 (CheckJobs, 1);

  jobs->n = n;
  jobs->slots = g_new0 (Slot, n);
  jobs->on_end = on_end;
  jobs->user_data = user_data;
  for (guint i = 0; i < n; i++)
    {
      jobs->slots[i].jobs = jobs;
      jobs->slots[i].index = i;
      jobs->slots[i].output_path = g_strdup_printf ("%s/check-%u.out", dir, i);
    }
  return jobs;
}

void
check_jobs_free (CheckJobs *jobs)
{
  if (!jobs)
    return;
  /* Every check has ended by now: the campaign waits for them. */
  for (guint i = 0; i < jobs->n; i++)
    {
      unlink (jobs->slots[i].output_path);
      g_free (jobs->slots[i].output_path);
    }
  g_free (jobs->slots);
  g_free (jobs);
}

static void
on_child_exit (GPid pid, gint wait_status, gpointer user_data)
{
  Slot *slot = user_data;
  CheckJobs *jobs = slot->jobs;
  CheckEnd end = { 0 };

  g_spawn_close_pid (pid);
  end.passed = WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0;
  if (WIFEXITED (wait_status))
    end.status = end.passed ? g_strdup ("") : g_strdup_printf ("exit status %d", WEXITSTATUS (wait_status));
  else if (WIFSIGNALED (wait_status))
    end.status = g_strdup_printf ("killed by signal %d (%s)", WTERMSIG (wait_status),
                                  g_strsignal (WTERMSIG (wait_status)));
  else
    end.status = g_strdup_printf ("wait status %d", wait_status);
  end.output_path = slot->output_path;
  end.seconds = (g_get_monotonic_time () - slot->started) / 1e6;
  slot->pid = 0;
  jobs->running--;
  jobs->on_end (jobs->user_data, slot->tag, slot->index, &end);
  g_free (end.status);
}

guint
check_jobs_running (const CheckJobs *jobs)
{
  return jobs->running;
}

void
check_jobs_signal (CheckJobs *jobs, int sig)
{
  for (guint i = 0; i < jobs->n; i++)
    if (jobs->slots[i].pid)
      kill (-jobs->slots[i].pid, sig);
}

/* In the child, before exec: a process group of its own. */
static void
own_process_group (gpointer user_data)
{
  (void) user_data;
  setpgid (0, 0);
}

void
check_jobs_poll (CheckJobs *jobs, gboolean wait)
{
  gboolean block = wait && jobs->running > 0;

  /* One blocking iteration when asked to wait, then whatever else is
   * ready. */
  if (g_main_context_iteration (NULL, block))
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

guint
check_jobs_free_slot (CheckJobs *jobs)
{
  for (;;)
    {
      for (guint i = 0; i < jobs->n; i++)
        if (!jobs->slots[i].pid)
          return i;
      check_jobs_poll (jobs, TRUE);
    }
}

gboolean
check_jobs_start (CheckJobs *jobs, guint slot_index, const gchar *cmd, gchar **env,
                  gpointer tag, GError **error)
{
  Slot *slot = &jobs->slots[slot_index];
  g_autofree gchar *job = g_strdup_printf ("%u", slot_index);
  g_auto (GStrv) full_env = g_environ_setenv (g_strdupv (env), "FM_JOB", job, TRUE);
  const gchar *argv[] = { "/bin/sh", "-c", cmd, NULL };
  int out;
  gboolean ok;

  g_return_val_if_fail (!slot->pid, FALSE);
  out = open (slot->output_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s",
                   slot->output_path, g_strerror (saved));
      return FALSE;
    }
  slot->started = g_get_monotonic_time ();
  ok = g_spawn_async_with_pipes_and_fds (NULL, argv, (const gchar *const *) full_env,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                         own_process_group, NULL, -1, out, out, NULL, NULL, 0, &slot->pid,
                                         NULL, NULL, NULL, error);
  close (out);
  if (!ok)
    {
      slot->pid = 0;
      return FALSE;
    }
  slot->tag = tag;
  jobs->running++;
  g_child_watch_add (slot->pid, on_child_exit, slot);
  return TRUE;
}

gchar *
read_output_tail (const gchar *path, guint max_lines, gsize max_bytes)
{
  g_autofree gchar *buf = NULL;
  g_auto (GStrv) lines = NULL;
  GString *out = g_string_new (NULL);
  struct stat st;
  gssize got = 0;
  guint n, kept = 0, first;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd >= 0 && fstat (fd, &st) == 0)
    {
      off_t from = st.st_size > (off_t) max_bytes ? st.st_size - (off_t) max_bytes : 0;

      buf = g_malloc (max_bytes + 1);
      got = pread (fd, buf, max_bytes, from);
      got = MAX (got, 0);
      buf[got] = '\0';
    }
  if (fd >= 0)
    close (fd);
  if (!buf)
    return g_string_free (out, FALSE);
  {
    g_autofree gchar *valid = g_utf8_make_valid (buf, got);

    lines = g_strsplit (valid, "\n", -1);
  }
  n = g_strv_length (lines);
  for (first = n; first > 0 && kept < max_lines; first--)
    kept += *lines[first - 1] != '\0';
  for (guint i = first; i < n; i++)
    if (*lines[i])
      g_string_append_printf (out, "%s\n", lines[i]);
  return g_string_free (out, FALSE);
}
