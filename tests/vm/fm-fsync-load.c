/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fm-fsync-load: a seeded file workload that says which of its writes were
 * acknowledged, and the durability oracle that checks a file system
 * against it after a power cut.
 *
 *   fm-fsync-load run --dir DIR --log LOG --seed S --ops N [--mark FILE]
 *                     [--base] [--max-bytes B] [--max-file B] [--max-write B]
 *   fm-fsync-load verify --dir DIR --log LOG [--marks FILE --cut SEQ]
 *                        [--atomic-rename] [--verbose]
 *   fm-fsync-load replay --dir DIR --log LOG [--until K]
 *
 * run appends about N operations to LOG (creating it) and carries them out
 * in DIR, in order: create, write (overwrite, append, with holes),
 * truncate, rename (to a new name or over a file, across directories),
 * unlink, mkdir, fsync of a file, fsync of a directory, sync. The choice is
 * seeded, so a seed and the state LOG describes give the same operations.
 * Every write covers whole 512-byte units at unit-aligned offsets; each
 * unit carries a stamp (file id, version, unit index and the log's tag)
 * and bytes derived from it, so that any unit found later names the write
 * it came from. Before each operation K, run writes the label "op K" to
 * FILE (muse-chip's 'mark' control file: a journal mark between two chip
 * operations); after an fsync or sync K returned, "ack K". With --base, no
 * marks: the operations are the starting state, made durable by the final
 * "sync base". run ends with a sync either way.
 *
 * verify reads LOG and the marks that came before a power cut (FILE holds
 * 'flashmodel journal --marks' lines "SEQ LABEL"; those with SEQ < the
 * cut's operation count), and checks DIR, the file system mounted from the
 * cut image. Operations whose "op K" mark precedes the cut may have
 * happened, wholly or in part; later ones cannot have. What POSIX and
 * Linux promise, and nothing more, is required:
 *   - fsync of a file makes its content and size durable, not its name;
 *   - fsync of a directory makes its entries durable (a new file's name,
 *     a rename's or unlink's effect in that directory);
 *   - sync makes everything durable.
 * So: a name whose directory was acknowledged after its last change must
 * be there, naming the same file or directory; a file not changed since
 * its content was acknowledged holds exactly that content and size; a
 * changed one has a size it had since and units that are zeros where a
 * hole or truncation allows, or the stamp of a write made to that unit of
 * that file since (or the acknowledged one), or a prefix of one where a
 * truncation cut the unit; every name found is one its directory had since
 * its acknowledged state, and names nothing else. Stamps catch data that
 * was never written to that file at that offset. --atomic-rename adds
 * what a file system that makes rename atomic (UBIFS) promises beyond
 * POSIX: no file under two names. Each failure is one line; exit 1.
 *
 * replay carries out the operations of LOG up to K (default all) in DIR,
 * without marks: the state after K, for tests that craft states.
 *
 * Plain C with no library beyond libc: verify runs once per cut image in
 * a TCG guest, where loading GLib would cost more than the check.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UNIT 512
#define STAMP_MAGIC 0x4c53464du   /* "FMSL" */
#define STAMP_HEADER 24
#define LOG_HEADER "fm-fsync-load 1"
#define MAX_NAME 32
#define MAX_FILE_LIMIT (64u << 20)   /* a file the log may describe */
#define MAX_OBJECTS 100000           /* files or directories in a log */
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* ---- small helpers --------------------------------------------------- */

static const char *program = "fm-fsync-load";

static void __attribute__ ((noreturn, format (printf, 1, 2)))
die (const char *format, ...)
{
  va_list ap;

  fprintf (stderr, "%s: ", program);
  va_start (ap, format);
  vfprintf (stderr, format, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (1);
}

static void *
xrealloc (void *p, size_t n)
{
  p = realloc (p, n ? n : 1);
  if (!p)
    die ("out of memory");
  return p;
}

static void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size);

  if (!p)
    die ("out of memory");
  return p;
}

static char *
xstrdup (const char *s)
{
  char *d = strdup (s);

  if (!d)
    die ("out of memory");
  return d;
}

static uint64_t
splitmix64 (uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* A number below N (N > 0) from the workload's generator. */
static uint64_t
below (uint64_t *prng, uint64_t n)
{
  return splitmix64 (prng) % n;
}

static void
put32 (uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = v >> (8 * i);
}

static uint32_t
get32 (const uint8_t *p)
{
  return p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static int
all_zero (const uint8_t *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i])
      return 0;
  return 1;
}

/* ---- stamps ----------------------------------------------------------- */

/*
 * Unit U of file ID as written by its write number VER (from 1):
 *   0 magic  4 id  8 ver  12 unit  16 tag (64 bits)  24.. bytes from a
 * generator seeded by all of them, never zero, so that a truncation's
 * zeros show where the unit was cut.
 */
static void
stamp_unit (uint8_t *buf, uint64_t tag, uint32_t id, uint32_t ver, uint32_t unit)
{
  uint64_t state = tag ^ ((uint64_t) id << 32 | ver) ^ ((uint64_t) unit * 0x2545f4914f6cdd1dull);

  put32 (buf, STAMP_MAGIC);
  put32 (buf + 4, id);
  put32 (buf + 8, ver);
  put32 (buf + 12, unit);
  put32 (buf + 16, (uint32_t) tag);
  put32 (buf + 20, (uint32_t) (tag >> 32));
  for (size_t i = STAMP_HEADER; i < UNIT; i += 8)
    {
      uint64_t r = splitmix64 (&state);

      for (size_t j = 0; j < 8; j++)
        {
          uint8_t b = r >> (8 * j);

          buf[i + j] = b ? b : 0xa5;
        }
    }
}

/* Whether BUF (LEN bytes, a whole header at least) starts with a stamp of
 * TAG; its id, version and unit. */
static int
stamp_parse (const uint8_t *buf, size_t len, uint64_t tag, uint32_t *id, uint32_t *ver,
             uint32_t *unit)
{
  if (len < STAMP_HEADER || get32 (buf) != STAMP_MAGIC || get32 (buf + 16) != (uint32_t) tag ||
      get32 (buf + 20) != (uint32_t) (tag >> 32))
    return 0;
  *id = get32 (buf + 4);
  *ver = get32 (buf + 8);
  *unit = get32 (buf + 12);
  return 1;
}

/* ---- the model: files, directories and what was acknowledged --------- */

typedef struct {
  uint32_t ver;   /* the write that left it; 0: zeros */
  uint32_t len;   /* bytes of that write still there (a truncation cut the rest) */
} Unit;

/* What a unit of a file changed since its acknowledged state may hold. */
typedef struct {
  uint32_t *vers;
  uint32_t n_vers;
  uint8_t zero_ok;     /* zeros: a hole, or cut by a truncation */
  uint8_t partial_ok;  /* a prefix of a version, zeros after */
} UnitHist;

typedef struct {
  uint32_t id;
  uint32_t writes;      /* versions so far */
  uint64_t size;
  Unit *units;          /* ceil(size / UNIT) of them */
  uint64_t n_units;
  /* The acknowledged state (at creation: empty) and what may have
   * happened since. */
  uint64_t ack_size;
  Unit *ack_units;
  uint64_t ack_n_units;
  int modified;
  uint64_t min_size, max_size;
  UnitHist *hist;
  uint64_t n_hist;
  char *found_at;       /* verify: where the walk met it */
} File;

typedef struct {
  char kind;            /* 0: no entry, 'f': file, 'd': directory */
  uint32_t id;
} Target;

typedef struct {
  char *name;
  Target cur, ack;
  Target *since;        /* states since the directory's acknowledged one */
  uint32_t n_since;
} Entry;

typedef struct {
  uint32_t id;
  Entry *entries;
  uint32_t n_entries;
  int found;            /* verify: the walk met it */
} Dir;

typedef struct {
  uint64_t tag;
  File **files;         /* by id; 0 unused */
  uint32_t n_files;
  Dir **dirs;           /* by id; 0 is DIR itself */
  uint32_t n_dirs;
  uint64_t ops;         /* the last operation's number */
  uint64_t base_op;     /* "sync base", 0 if none yet */
  uint32_t renames;
} Model;

typedef enum {
  OP_CREATE, OP_WRITE, OP_TRUNCATE, OP_RENAME, OP_UNLINK, OP_MKDIR, OP_FSYNC, OP_FSYNCDIR, OP_SYNC,
} OpKind;

static const char *const op_names[] = {
  "create", "write", "truncate", "rename", "unlink", "mkdir", "fsync", "fsyncdir", "sync",
};

typedef struct {
  uint64_t k;
  OpKind kind;
  uint32_t dir, dir2, id;
  char name[MAX_NAME + 1], name2[MAX_NAME + 1];
  uint64_t off, len, size;
  uint32_t ver;
  int base;
} Op;

static Dir *
dir_new (Model *m)
{
  Dir *d = xcalloc (1, sizeof *d);

  if (m->n_dirs >= MAX_OBJECTS)
    die ("more than %d directories", MAX_OBJECTS);
  d->id = m->n_dirs;
  m->dirs = xrealloc (m->dirs, (m->n_dirs + 1) * sizeof *m->dirs);
  m->dirs[m->n_dirs++] = d;
  return d;
}

static void
model_init (Model *m, uint64_t tag)
{
  memset (m, 0, sizeof *m);
  m->tag = tag;
  m->files = xcalloc (1, sizeof *m->files);
  m->n_files = 1;
  dir_new (m); /* the root, there from the start */
}

static Entry *
entry_find (Dir *d, const char *name)
{
  for (uint32_t i = 0; i < d->n_entries; i++)
    if (strcmp (d->entries[i].name, name) == 0)
      return &d->entries[i];
  return NULL;
}

static Entry *
entry_get (Dir *d, const char *name)
{
  Entry *e = entry_find (d, name);

  if (e)
    return e;
  d->entries = xrealloc (d->entries, (d->n_entries + 1) * sizeof *d->entries);
  e = &d->entries[d->n_entries++];
  memset (e, 0, sizeof *e);
  e->name = xstrdup (name);
  return e;
}

static int
same_target (Target a, Target b)
{
  return a.kind == b.kind && (a.kind == 0 || a.id == b.id);
}

static void
entry_set (Entry *e, Target t)
{
  e->cur = t;
  for (uint32_t i = 0; i < e->n_since; i++)
    if (same_target (e->since[i], t))
      return;
  e->since = xrealloc (e->since, (e->n_since + 1) * sizeof *e->since);
  e->since[e->n_since++] = t;
}

static void
dir_ack (Dir *d)
{
  for (uint32_t i = 0; i < d->n_entries; i++)
    {
      d->entries[i].ack = d->entries[i].cur;
      d->entries[i].n_since = 0;
    }
}

static UnitHist *
hist_at (File *f, uint64_t u)
{
  if (u >= f->n_hist)
    {
      uint64_t n = u + 1;

      f->hist = xrealloc (f->hist, n * sizeof *f->hist);
      for (uint64_t i = f->n_hist; i < n; i++)
        {
          memset (&f->hist[i], 0, sizeof f->hist[i]);
          /* Beyond the acknowledged end: a unit that may not be there. */
          f->hist[i].zero_ok = 1;
        }
      f->n_hist = n;
    }
  return &f->hist[u];
}

static void
hist_add (UnitHist *h, uint32_t ver)
{
  for (uint32_t i = 0; i < h->n_vers; i++)
    if (h->vers[i] == ver)
      return;
  h->vers = xrealloc (h->vers, (h->n_vers + 1) * sizeof *h->vers);
  h->vers[h->n_vers++] = ver;
}

/* The file's state now becomes its acknowledged one. */
static void
file_ack (File *f)
{
  f->ack_units = xrealloc (f->ack_units, f->n_units * sizeof *f->ack_units);
  memcpy (f->ack_units, f->units, f->n_units * sizeof *f->units);
  f->ack_n_units = f->n_units;
  f->ack_size = f->size;
  f->modified = 0;
  f->min_size = f->max_size = f->size;
  for (uint64_t i = 0; i < f->n_hist; i++)
    free (f->hist[i].vers);
  free (f->hist);
  f->hist = NULL;
  f->n_hist = 0;
  for (uint64_t u = 0; u < f->n_units; u++)
    {
      UnitHist *h = hist_at (f, u);

      h->zero_ok = f->units[u].ver == 0;
      h->partial_ok = f->units[u].ver && f->units[u].len < UNIT;
      if (f->units[u].ver)
        hist_add (h, f->units[u].ver);
    }
}

static void
file_resize (File *f, uint64_t size)
{
  uint64_t n = (size + UNIT - 1) / UNIT;

  f->units = xrealloc (f->units, n * sizeof *f->units);
  for (uint64_t u = f->n_units; u < n; u++)
    f->units[u] = (Unit) { 0, 0 };
  f->n_units = n;
  f->size = size;
  if (size < f->min_size)
    f->min_size = size;
  if (size > f->max_size)
    f->max_size = size;
}

/* Applies write VER of LEN bytes at OFF (both unit-aligned). */
static void
file_write (File *f, uint64_t off, uint64_t len, uint32_t ver)
{
  uint64_t first = off / UNIT, end = (off + len) / UNIT;

  /* Units between the old end and OFF become a hole: zeros. */
  for (uint64_t u = f->n_units; u < first; u++)
    hist_at (f, u)->zero_ok = 1;
  if (off + len > f->size)
    file_resize (f, off + len);
  for (uint64_t u = first; u < end; u++)
    {
      f->units[u] = (Unit) { ver, UNIT };
      hist_add (hist_at (f, u), ver);
    }
  f->writes = ver;
  f->modified = 1;
}

static void
file_truncate (File *f, uint64_t size)
{
  uint64_t old_n = f->n_units;

  if (size < f->size)
    {
      uint64_t keep = (size + UNIT - 1) / UNIT;

      for (uint64_t u = keep; u < old_n; u++)
        hist_at (f, u)->zero_ok = 1;
      if (size % UNIT)
        {
          Unit *cut = &f->units[size / UNIT];

          if (cut->len > size % UNIT)
            cut->len = size % UNIT;
          hist_at (f, size / UNIT)->partial_ok = 1;
        }
    }
  else
    for (uint64_t u = old_n; u < (size + UNIT - 1) / UNIT; u++)
      hist_at (f, u)->zero_ok = 1;
  file_resize (f, size);
  f->modified = 1;
}

static File *
model_file (Model *m, uint32_t id)
{
  return id && id < m->n_files ? m->files[id] : NULL;
}

static Dir *
model_dir (Model *m, uint32_t id)
{
  return id < m->n_dirs ? m->dirs[id] : NULL;
}

static int
valid_name (const char *name)
{
  size_t n = strlen (name);

  if (n == 0 || n > MAX_NAME)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9')))
      return 0;
  return 1;
}

/* Applies OP to the model; ACKED: an fsync or sync that returned before
 * the cut. NULL, or why OP does not fit the model (a damaged log). */
static const char *
model_apply (Model *m, const Op *op, int acked)
{
  Dir *d = model_dir (m, op->dir), *d2;
  File *f;
  Entry *e, *e2;

  if (op->k != m->ops + 1)
    return "operations must be numbered 1, 2, 3...";
  if (op->base && m->base_op)
    return "a second 'sync base'";
  switch (op->kind)
    {
    case OP_CREATE:
      if (!d || !valid_name (op->name) || ((e = entry_find (d, op->name)) && e->cur.kind))
        return "create: no such directory, a bad name, or the name is taken";
      if (op->id != m->n_files || m->n_files >= MAX_OBJECTS)
        return "create: file ids must be 1, 2, 3...";
      f = xcalloc (1, sizeof *f);
      f->id = op->id;
      m->files = xrealloc (m->files, (m->n_files + 1) * sizeof *m->files);
      m->files[m->n_files++] = f;
      file_ack (f); /* its content starts empty */
      entry_set (entry_get (d, op->name), (Target) { 'f', f->id });
      break;
    case OP_WRITE:
      f = model_file (m, op->id);
      if (!f || op->off % UNIT || op->len % UNIT || !op->len || op->off > MAX_FILE_LIMIT ||
          op->len > MAX_FILE_LIMIT - op->off || op->ver != f->writes + 1)
        return "write: no such file, not whole units, too large, or versions out of order";
      file_write (f, op->off, op->len, op->ver);
      break;
    case OP_TRUNCATE:
      f = model_file (m, op->id);
      if (!f || op->size > MAX_FILE_LIMIT)
        return "truncate: no such file, or too large";
      file_truncate (f, op->size);
      break;
    case OP_RENAME:
      d2 = model_dir (m, op->dir2);
      if (!d || !d2 || !(e = entry_find (d, op->name)) || e->cur.kind != 'f' || !valid_name (op->name2))
        return "rename: no such file";
      e2 = entry_get (d2, op->name2);
      e = entry_find (d, op->name); /* entry_get may have moved it */
      if (e2->cur.kind == 'd')
        return "rename: over a directory";
      if (e != e2)
        {
          Target t = e->cur;

          entry_set (e, (Target) { 0, 0 });
          entry_set (e2, t);
        }
      break;
    case OP_UNLINK:
      if (!d || !(e = entry_find (d, op->name)) || e->cur.kind != 'f')
        return "unlink: no such file";
      entry_set (e, (Target) { 0, 0 });
      break;
    case OP_MKDIR:
      if (!d || !valid_name (op->name) || entry_find (d, op->name))
        return "mkdir: no such directory, a bad name, or a name used before";
      if (op->id != m->n_dirs)
        return "mkdir: directory ids must be 1, 2, 3...";
      d2 = dir_new (m);
      entry_set (entry_get (model_dir (m, op->dir), op->name), (Target) { 'd', d2->id });
      break;
    case OP_FSYNC:
      if (!(f = model_file (m, op->id)))
        return "fsync: no such file";
      if (acked)
        file_ack (f);
      break;
    case OP_FSYNCDIR:
      if (!d)
        return "fsyncdir: no such directory";
      if (acked)
        dir_ack (d);
      break;
    case OP_SYNC:
      if (acked)
        {
          for (uint32_t i = 1; i < m->n_files; i++)
            file_ack (m->files[i]);
          for (uint32_t i = 0; i < m->n_dirs; i++)
            dir_ack (m->dirs[i]);
        }
      if (op->base)
        m->base_op = op->k;
      break;
    }
  m->ops = op->k;
  return NULL;
}

/* ---- the log ------------------------------------------------------- */

static void
op_format (const Op *op, FILE *out)
{
  fprintf (out, "%" PRIu64 " %s", op->k, op_names[op->kind]);
  switch (op->kind)
    {
    case OP_CREATE: fprintf (out, " %u %s %u", op->dir, op->name, op->id); break;
    case OP_WRITE: fprintf (out, " %u %" PRIu64 " %" PRIu64 " %u", op->id, op->off, op->len, op->ver); break;
    case OP_TRUNCATE: fprintf (out, " %u %" PRIu64, op->id, op->size); break;
    case OP_RENAME: fprintf (out, " %u %s %u %s", op->dir, op->name, op->dir2, op->name2); break;
    case OP_UNLINK: fprintf (out, " %u %s", op->dir, op->name); break;
    case OP_MKDIR: fprintf (out, " %u %s %u", op->dir, op->name, op->id); break;
    case OP_FSYNC: fprintf (out, " %u", op->id); break;
    case OP_FSYNCDIR: fprintf (out, " %u", op->dir); break;
    case OP_SYNC: if (op->base) fputs (" base", out); break;
    }
  fputc ('\n', out);
}

/* Words of LINE (at most MAX), split at single spaces, NUL-terminated in
 * place; the count, or -1 for empty words or too many. */
static int
split_words (char *line, char **words, int max)
{
  int n = 0;

  for (char *p = line;; p++)
    {
      if (n == max)
        return -1;
      words[n++] = p;
      p = strchr (p, ' ');
      if (!p)
        break;
      *p = '\0';
    }
  for (int i = 0; i < n; i++)
    if (!*words[i])
      return -1;
  return n;
}

static int
parse_u64 (const char *s, uint64_t *v)
{
  char *end;

  if (*s < '0' || *s > '9')
    return 0;
  errno = 0;
  *v = strtoull (s, &end, 10);
  return !*end && !errno;
}

static int
parse_u32 (const char *s, uint32_t *v)
{
  uint64_t w;

  if (!parse_u64 (s, &w) || w > UINT32_MAX)
    return 0;
  *v = w;
  return 1;
}

static int
parse_name (const char *s, char *name)
{
  if (!valid_name (s))
    return 0;
  strcpy (name, s);
  return 1;
}

/* One operation line; 0 if it is not one. */
static int
op_parse (char *line, Op *op)
{
  char *w[8];
  int n = split_words (line, w, 8);
  int kind = -1;

  memset (op, 0, sizeof *op);
  if (n < 2 || !parse_u64 (w[0], &op->k))
    return 0;
  for (unsigned i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
    if (strcmp (w[1], op_names[i]) == 0)
      kind = i;
  if (kind < 0)
    return 0;
  op->kind = kind;
  switch (op->kind)
    {
    case OP_CREATE:
    case OP_MKDIR:
      return n == 5 && parse_u32 (w[2], &op->dir) && parse_name (w[3], op->name) && parse_u32 (w[4], &op->id);
    case OP_WRITE:
      return n == 6 && parse_u32 (w[2], &op->id) && parse_u64 (w[3], &op->off) &&
             parse_u64 (w[4], &op->len) && parse_u32 (w[5], &op->ver);
    case OP_TRUNCATE:
      return n == 4 && parse_u32 (w[2], &op->id) && parse_u64 (w[3], &op->size);
    case OP_RENAME:
      return n == 6 && parse_u32 (w[2], &op->dir) && parse_name (w[3], op->name) &&
             parse_u32 (w[4], &op->dir2) && parse_name (w[5], op->name2);
    case OP_UNLINK:
      return n == 4 && parse_u32 (w[2], &op->dir) && parse_name (w[3], op->name);
    case OP_FSYNC:
      return n == 3 && parse_u32 (w[2], &op->id);
    case OP_FSYNCDIR:
      return n == 3 && parse_u32 (w[2], &op->dir);
    case OP_SYNC:
      op->base = n == 3 && strcmp (w[2], "base") == 0;
      return n == 2 || op->base;
    }
  return 0;
}

/* Reads a line of at most 255 characters; 0 at the end, -1 if too long. */
static int
read_line (FILE *in, char *buf, size_t size)
{
  size_t len;

  if (!fgets (buf, size, in))
    return 0;
  len = strlen (buf);
  if (len && buf[len - 1] == '\n')
    buf[--len] = '\0';
  else if (!feof (in))
    return -1;
  return 1;
}

/* Which operations a cut came after: "op K" and "ack K" marks. */
typedef struct {
  uint64_t started;     /* the last operation that may have begun */
  uint8_t *acked;       /* by operation number */
  uint64_t n_acked;
} Cut;

static int
cut_acked (const Cut *cut, uint64_t k)
{
  return !cut || (k < cut->n_acked && cut->acked[k]);
}

/* Replays LOG into M: every operation up to UNTIL (0: all), or those that
 * had begun before CUT (NULL: all, each acknowledged). BEFORE (if not NULL)
 * is called with each operation before M applies it. */
static void
log_load (const char *path, Model *m, const Cut *cut, uint64_t until,
          void (*before) (const Op *op, void *data), void *data)
{
  FILE *in = fopen (path, "r");
  char line[256];
  uint64_t tag, base = 0, n_ops = 0;
  Op *ops = NULL;
  int r;

  if (!in)
    die ("%s: %s", path, strerror (errno));
  if (read_line (in, line, sizeof line) != 1 || strcmp (line, LOG_HEADER) != 0)
    die ("%s:1: not a log of %s (no '%s' line)", path, program, LOG_HEADER);
  if (read_line (in, line, sizeof line) != 1 || strncmp (line, "tag ", 4) != 0 ||
      !parse_u64 (line + 4, &tag))
    die ("%s:2: no 'tag NUMBER' line", path);
  while ((r = read_line (in, line, sizeof line)) != 0)
    {
      if (n_ops >= 10 * (uint64_t) MAX_OBJECTS)
        die ("%s:%" PRIu64 ": more operations than a log may hold", path, n_ops + 3);
      ops = xrealloc (ops, (n_ops + 1) * sizeof *ops);
      if (r < 0 || !op_parse (line, &ops[n_ops]))
        die ("%s:%" PRIu64 ": not an operation", path, n_ops + 3);
      if (ops[n_ops].base)
        base = ops[n_ops].k;
      n_ops++;
    }
  if (ferror (in))
    die ("%s: %s", path, strerror (errno));
  fclose (in);

  model_init (m, tag);
  for (uint64_t i = 0; i < n_ops; i++)
    {
      const Op *op = &ops[i];
      const char *why;

      if (until && op->k > until)
        break;
      /* The base's operations are all there; of the others, those that had
       * not begun at the cut did nothing. */
      if (cut && op->k > base && op->k > cut->started)
        break;
      if (before && op->k == m->ops + 1)
        before (op, data);
      why = model_apply (m, op, op->base || cut_acked (cut, op->k));
      if (why)
        die ("%s:%" PRIu64 ": operation %" PRIu64 ": %s", path, i + 3, op->k, why);
    }
  free (ops);
}

/* ---- carrying operations out ------------------------------------------ */

typedef struct {
  const char *root;
  Model *m;
  /* Each directory's path under ROOT, by id. */
  char **dir_paths;
  uint32_t n_dir_paths;
} Fs;

static const char *
dir_path (Fs *fs, uint32_t id)
{
  if (id >= fs->n_dir_paths || !fs->dir_paths[id])
    die ("directory %u has no path", id);
  return fs->dir_paths[id];
}

static void
set_dir_path (Fs *fs, uint32_t id, char *path)
{
  if (id >= fs->n_dir_paths)
    {
      fs->dir_paths = xrealloc (fs->dir_paths, (id + 1) * sizeof *fs->dir_paths);
      for (uint32_t i = fs->n_dir_paths; i <= id; i++)
        fs->dir_paths[i] = NULL;
      fs->n_dir_paths = id + 1;
    }
  fs->dir_paths[id] = path;
}

static char *
join (const char *a, const char *b)
{
  char *s;

  if (asprintf (&s, "%s/%s", a, b) < 0)
    die ("out of memory");
  return s;
}

/* The path of the file with id ID now (its one name), or NULL. */
static char *
file_path (Fs *fs, uint32_t id)
{
  for (uint32_t i = 0; i < fs->m->n_dirs; i++)
    {
      Dir *d = fs->m->dirs[i];

      for (uint32_t j = 0; j < d->n_entries; j++)
        if (d->entries[j].cur.kind == 'f' && d->entries[j].cur.id == id)
          return join (dir_path (fs, d->id), d->entries[j].name);
    }
  return NULL;
}

static void
fsync_path (const char *path, int directory)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));

  if (fd < 0 || fsync (fd) != 0)
    die ("fsync %s: %s", path, strerror (errno));
  close (fd);
}

/* Carries OP out in the file system (before it is applied to the model). */
static void
op_do (Fs *fs, const Op *op)
{
  char *path = NULL, *path2 = NULL;
  int fd;

  switch (op->kind)
    {
    case OP_CREATE:
      path = join (dir_path (fs, op->dir), op->name);
      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd < 0)
        die ("create %s: %s", path, strerror (errno));
      close (fd);
      break;
    case OP_WRITE:
      {
        uint8_t *buf = xcalloc (1, op->len);

        path = file_path (fs, op->id);
        if (!path)
          die ("write: file %u has no name", op->id);
        for (uint64_t u = 0; u < op->len / UNIT; u++)
          stamp_unit (buf + u * UNIT, fs->m->tag, op->id, op->ver, op->off / UNIT + u);
        fd = open (path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || pwrite (fd, buf, op->len, op->off) != (ssize_t) op->len)
          die ("write %s: %s", path, strerror (errno));
        close (fd);
        free (buf);
      }
      break;
    case OP_TRUNCATE:
      path = file_path (fs, op->id);
      if (!path || truncate (path, op->size) != 0)
        die ("truncate %s: %s", path ? path : "(no name)", strerror (errno));
      break;
    case OP_RENAME:
      path = join (dir_path (fs, op->dir), op->name);
      path2 = join (dir_path (fs, op->dir2), op->name2);
      if (rename (path, path2) != 0)
        die ("rename %s %s: %s", path, path2, strerror (errno));
      break;
    case OP_UNLINK:
      path = join (dir_path (fs, op->dir), op->name);
      if (unlink (path) != 0)
        die ("unlink %s: %s", path, strerror (errno));
      break;
    case OP_MKDIR:
      path = join (dir_path (fs, op->dir), op->name);
      if (mkdir (path, 0755) != 0)
        die ("mkdir %s: %s", path, strerror (errno));
      set_dir_path (fs, op->id, path);
      path = NULL;
      break;
    case OP_FSYNC:
      path = file_path (fs, op->id);
      if (!path)
        die ("fsync: file %u has no name", op->id);
      fsync_path (path, 0);
      break;
    case OP_FSYNCDIR:
      fsync_path (dir_path (fs, op->dir), 1);
      break;
    case OP_SYNC:
      sync ();
      break;
    }
  free (path);
  free (path2);
}

/* ROOT and the paths of the directories M has: directories are never
 * renamed or removed, so each stays where its mkdir made it. */
static void
fs_init (Fs *fs, const char *root, Model *m)
{
  memset (fs, 0, sizeof *fs);
  fs->root = root;
  fs->m = m;
  set_dir_path (fs, 0, xstrdup (root));
  for (uint32_t id = 1; id < m->n_dirs; id++)
    for (uint32_t i = 0; i < id; i++)
      for (uint32_t j = 0; j < m->dirs[i]->n_entries; j++)
        if (m->dirs[i]->entries[j].cur.kind == 'd' && m->dirs[i]->entries[j].cur.id == id)
          set_dir_path (fs, id, join (dir_path (fs, i), m->dirs[i]->entries[j].name));
}

/* ---- run --------------------------------------------------------------- */

typedef struct {
  Fs fs;
  Model *m;
  FILE *log;
  int mark_fd;
  uint64_t prng;
  uint64_t max_bytes, max_file, max_write;
} Run;

static void
mark (Run *r, const char *what, uint64_t k)
{
  char label[64];
  int n = snprintf (label, sizeof label, "%s %" PRIu64 "\n", what, k);

  if (r->mark_fd >= 0 && write (r->mark_fd, label, n) != n)
    die ("writing the mark '%s %" PRIu64 "': %s", what, k, strerror (errno));
}

/* Logs, marks, carries out and applies one operation. */
static void
run_op (Run *r, Op *op)
{
  const char *why;

  op->k = r->m->ops + 1;
  op_format (op, r->log);
  if (fflush (r->log) != 0)
    die ("writing the log: %s", strerror (errno));
  mark (r, "op", op->k);
  op_do (&r->fs, op);
  why = model_apply (r->m, op, 1);
  if (why)
    die ("operation %" PRIu64 ": %s (a bug of run)", op->k, why);
  if (op->kind == OP_FSYNC || op->kind == OP_FSYNCDIR || op->kind == OP_SYNC)
    mark (r, "ack", op->k);
}

static uint64_t
live_bytes (Model *m)
{
  uint64_t total = 0;

  for (uint32_t i = 0; i < m->n_dirs; i++)
    for (uint32_t j = 0; j < m->dirs[i]->n_entries; j++)
      if (m->dirs[i]->entries[j].cur.kind == 'f')
        total += m->files[m->dirs[i]->entries[j].cur.id]->size;
  return total;
}

/* A random entry of kind KIND now ('f' or 'd' for a directory, where the
 * root counts); 0 if none. */
static int
pick (Run *r, char kind, uint32_t *dir, const char **name, uint32_t *id)
{
  uint32_t count = kind == 'd' ? 1 : 0, n;

  for (uint32_t i = 0; i < r->m->n_dirs; i++)
    for (uint32_t j = 0; j < r->m->dirs[i]->n_entries; j++)
      count += r->m->dirs[i]->entries[j].cur.kind == kind;
  if (!count)
    return 0;
  n = below (&r->prng, count);
  if (kind == 'd' && n-- == 0)
    {
      *id = 0;
      return 1;
    }
  for (uint32_t i = 0; i < r->m->n_dirs; i++)
    for (uint32_t j = 0; j < r->m->dirs[i]->n_entries; j++)
      if (r->m->dirs[i]->entries[j].cur.kind == kind && n-- == 0)
        {
          *dir = i;
          *name = r->m->dirs[i]->entries[j].name;
          *id = r->m->dirs[i]->entries[j].cur.id;
          return 1;
        }
  return 0;
}

static uint64_t
write_len (Run *r, uint64_t room)
{
  uint64_t units = 1 + below (&r->prng, r->max_write / UNIT);

  if (units * UNIT > room)
    units = room / UNIT;
  return units * UNIT;
}

static int
maybe (Run *r, unsigned percent)
{
  return below (&r->prng, 100) < percent;
}

static void
op_fsync (Run *r, uint32_t id)
{
  Op op = { .kind = OP_FSYNC, .id = id };

  run_op (r, &op);
}

static void
op_fsyncdir (Run *r, uint32_t dir)
{
  Op op = { .kind = OP_FSYNCDIR, .dir = dir };

  run_op (r, &op);
}

/* A new file with some units, maybe fsync'd, maybe its directory too. */
static void
scenario_new_file (Run *r, const char *prefix, uint32_t dir_id, uint64_t room, uint32_t *made)
{
  Op op = { .kind = OP_CREATE, .dir = dir_id, .id = r->m->n_files };
  uint64_t len = write_len (r, room);

  snprintf (op.name, sizeof op.name, "%s%u", prefix, op.id);
  run_op (r, &op);
  *made = op.id;
  if (len)
    {
      op = (Op) { .kind = OP_WRITE, .id = *made, .off = 0, .len = len, .ver = 1 };
      run_op (r, &op);
    }
}

static void
run_one (Run *r)
{
  uint64_t live = live_bytes (r->m);
  uint64_t room = live < r->max_bytes ? r->max_bytes - live : 0;
  uint32_t dir = 0, id = 0, dir2 = 0, id2 = 0;
  const char *name = NULL, *name2 = NULL;
  unsigned choice = below (&r->prng, 100);
  int have_file = pick (r, 'f', &dir, &name, &id);
  File *f = have_file ? r->m->files[id] : NULL;
  Op op = { 0 };

  if (room > r->max_file)
    room = r->max_file;
  if (!have_file || (choice < 18 && room >= UNIT))
    {
      /* A new file: create, write, fsync it (60%), its directory (50%). */
      pick (r, 'd', &dir2, &name2, &dir);
      scenario_new_file (r, "f", dir, room, &id);
      if (maybe (r, 60))
        op_fsync (r, id);
      if (maybe (r, 50))
        op_fsyncdir (r, dir);
    }
  else if (choice < 36)
    {
      /* Overwrite a range inside the file (or at its start). */
      uint64_t units = (f->size + UNIT - 1) / UNIT;
      uint64_t first = units ? below (&r->prng, units) : 0;
      uint64_t len = write_len (r, r->max_file - first * UNIT);

      if (len && first * UNIT + len > f->size && first * UNIT + len - f->size > room)
        len = 0;
      if (len)
        {
          op = (Op) { .kind = OP_WRITE, .id = id, .off = first * UNIT, .len = len, .ver = f->writes + 1 };
          run_op (r, &op);
          if (maybe (r, 60))
            op_fsync (r, id);
        }
    }
  else if (choice < 50)
    {
      /* Append at the next unit boundary, sometimes past a hole. */
      uint64_t off = (f->size + UNIT - 1) / UNIT * UNIT + (maybe (r, 20) ? UNIT * (1 + below (&r->prng, 8)) : 0);
      uint64_t len = off < r->max_file ? write_len (r, MIN (r->max_file - off, room)) : 0;

      if (len && off - f->size + len <= room)
        {
          op = (Op) { .kind = OP_WRITE, .id = id, .off = off, .len = len, .ver = f->writes + 1 };
          run_op (r, &op);
          if (maybe (r, 50))
            op_fsync (r, id);
        }
    }
  else if (choice < 58)
    {
      /* Truncate anywhere, mostly down, to a size that cuts a unit. */
      uint64_t size = maybe (r, 80) ? below (&r->prng, f->size + 1)
                                    : f->size + below (&r->prng, 4 * UNIT);

      if (size <= f->size || size - f->size <= room)
        {
          op = (Op) { .kind = OP_TRUNCATE, .id = id, .size = size };
          run_op (r, &op);
          if (maybe (r, 50))
            op_fsync (r, id);
        }
    }
  else if (choice < 66 && room >= UNIT)
    {
      /* The atomic replace: a temporary file written and fsync'd, renamed
       * over the file, the directory fsync'd. */
      uint32_t tmp;
      char target[MAX_NAME + 1];

      snprintf (target, sizeof target, "%s", name);
      scenario_new_file (r, "t", dir, room, &tmp);
      op_fsync (r, tmp);
      op = (Op) { .kind = OP_RENAME, .dir = dir, .dir2 = dir, .id = tmp };
      snprintf (op.name, sizeof op.name, "t%u", tmp);
      snprintf (op.name2, sizeof op.name2, "%s", target);
      run_op (r, &op);
      op_fsyncdir (r, dir);
    }
  else if (choice < 72)
    {
      /* Rename to a new name, maybe into another directory. */
      pick (r, 'd', &dir2, &name2, &id2);
      op = (Op) { .kind = OP_RENAME, .dir = dir, .dir2 = id2, .id = id };
      snprintf (op.name, sizeof op.name, "%s", name);
      snprintf (op.name2, sizeof op.name2, "r%u", ++r->m->renames);
      run_op (r, &op);
      if (maybe (r, 50))
        op_fsyncdir (r, id2);
      if (id2 != dir && maybe (r, 50))
        op_fsyncdir (r, dir);
    }
  else if (choice < 80)
    {
      op = (Op) { .kind = OP_UNLINK, .dir = dir, .id = id };
      snprintf (op.name, sizeof op.name, "%s", name);
      run_op (r, &op);
      if (maybe (r, 50))
        op_fsyncdir (r, dir);
    }
  else if (choice < 84 && r->m->n_dirs < 6)
    {
      pick (r, 'd', &dir2, &name2, &id2);
      op = (Op) { .kind = OP_MKDIR, .dir = id2, .id = r->m->n_dirs };
      snprintf (op.name, sizeof op.name, "d%u", op.id);
      run_op (r, &op);
      if (maybe (r, 60))
        op_fsyncdir (r, id2);
    }
  else if (choice < 88)
    {
      op = (Op) { .kind = OP_SYNC };
      run_op (r, &op);
    }
  else if (choice < 94)
    op_fsync (r, id);
  else
    {
      pick (r, 'd', &dir2, &name2, &id2);
      op_fsyncdir (r, id2);
    }
}

/* ---- verify ------------------------------------------------------------- */

typedef struct {
  Model *m;
  int atomic_rename;
  int verbose;
  unsigned failures;
  unsigned files_checked, exact_files, dirs_checked;
} Verify;

static void __attribute__ ((format (printf, 3, 4)))
failure (Verify *v, const char *path, const char *format, ...)
{
  va_list ap;

  v->failures++;
  printf ("%s: %s: ", program, path);
  va_start (ap, format);
  vprintf (format, ap);
  va_end (ap);
  putchar ('\n');
}

static const char *
describe_target (Target t, char *buf, size_t size)
{
  if (!t.kind)
    snprintf (buf, size, "no entry");
  else
    snprintf (buf, size, "%s %u", t.kind == 'f' ? "file" : "directory", t.id);
  return buf;
}

/* What unit U of a file holds, for a failure message. */
static void
describe_unit (Model *m, const uint8_t *c, size_t len, uint64_t u, char *buf, size_t size)
{
  uint32_t id, ver, unit;

  if (all_zero (c, len))
    snprintf (buf, size, "zeros");
  else if (stamp_parse (c, len, m->tag, &id, &ver, &unit))
    snprintf (buf, size, "file %u's unit %u of write %u%s", id, unit, ver,
              id == 0 || unit != u ? "" : " (damaged or cut)");
  else
    snprintf (buf, size, "bytes no write of this workload made");
}

/* Whether C (R bytes) is unit U of version VER, exactly or, with PARTIAL,
 * cut short and followed by zeros. */
static int
unit_matches (Model *m, uint32_t id, uint32_t ver, uint64_t u, const uint8_t *c, size_t r,
              int partial, uint32_t exact_len)
{
  uint8_t want[UNIT];
  size_t same = 0;

  stamp_unit (want, m->tag, id, ver, u);
  if (exact_len)
    {
      /* The acknowledged state: LEN bytes of the version, then zeros. */
      size_t n = MIN (exact_len, r);

      return memcmp (c, want, n) == 0 && all_zero (c + n, r - n);
    }
  while (same < r && c[same] == want[same])
    same++;
  return same == r || (partial && all_zero (c + same, r - same));
}

/* Checks DATA (SIZE bytes, the whole file) as file F; 1 if it may be F.
 * With REPORT, says why not. */
static int
check_file (Verify *v, File *f, const uint8_t *data, uint64_t size, const char *path, int report)
{
  Model *m = v->m;
  char what[128];

  if (!f->modified)
    {
      if (size != f->ack_size)
        {
          if (report)
            failure (v, path, "size %" PRIu64 ", but %" PRIu64 " was acknowledged for file %u",
                     size, f->ack_size, f->id);
          return 0;
        }
      for (uint64_t u = 0; u * UNIT < size; u++)
        {
          const uint8_t *c = data + u * UNIT;
          size_t r = MIN ((uint64_t) UNIT, size - u * UNIT);
          Unit want = u < f->ack_n_units ? f->ack_units[u] : (Unit) { 0, 0 };
          int ok = want.ver ? unit_matches (m, f->id, want.ver, u, c, r, 0, want.len) : all_zero (c, r);

          if (!ok)
            {
              if (report)
                {
                  describe_unit (m, c, r, u, what, sizeof what);
                  failure (v, path, "bytes %" PRIu64 "-%" PRIu64 " hold %s, not the acknowledged %s%u of file %u",
                           u * UNIT, u * UNIT + r - 1, what, want.ver ? "write " : "zeros", want.ver, f->id);
                }
              return 0;
            }
        }
      return 1;
    }
  if (size < f->min_size || size > f->max_size)
    {
      if (report)
        failure (v, path, "size %" PRIu64 ", but file %u was between %" PRIu64 " and %" PRIu64
                 " bytes since its acknowledged state", size, f->id, f->min_size, f->max_size);
      return 0;
    }
  for (uint64_t u = 0; u * UNIT < size; u++)
    {
      const uint8_t *c = data + u * UNIT;
      size_t r = MIN ((uint64_t) UNIT, size - u * UNIT);
      UnitHist none = { NULL, 0, 1, 0 };
      UnitHist *h = u < f->n_hist ? &f->hist[u] : &none;
      int ok = h->zero_ok && all_zero (c, r);

      for (uint32_t i = 0; !ok && i < h->n_vers; i++)
        ok = unit_matches (m, f->id, h->vers[i], u, c, r, h->partial_ok, 0);
      if (!ok)
        {
          if (report)
            {
              describe_unit (m, c, r, u, what, sizeof what);
              failure (v, path, "bytes %" PRIu64 "-%" PRIu64 " hold %s: no write to file %u there since its acknowledged state left that",
                       u * UNIT, u * UNIT + r - 1, what, f->id);
            }
          return 0;
        }
    }
  return 1;
}

static uint8_t *
read_file (const char *path, uint64_t *size, int *err)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  uint8_t *data;
  uint64_t got = 0;

  *err = 0;
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      *err = errno;
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  if ((uint64_t) st.st_size > MAX_FILE_LIMIT)
    {
      close (fd);
      *err = EFBIG;
      return NULL;
    }
  data = xcalloc (1, st.st_size);
  while (got < (uint64_t) st.st_size)
    {
      ssize_t n = read (fd, data + got, st.st_size - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          *err = n < 0 ? errno : EIO; /* shorter than its size */
          break;
        }
      got += n;
    }
  close (fd);
  if (*err)
    {
      free (data);
      return NULL;
    }
  *size = st.st_size;
  return data;
}

/* The file id the stamps of DATA name (0: none); -1 if they disagree. */
static int64_t
stamped_id (Model *m, const uint8_t *data, uint64_t size)
{
  int64_t found = 0;

  for (uint64_t off = 0; off + STAMP_HEADER <= size; off += UNIT)
    {
      uint32_t id, ver, unit;

      if (stamp_parse (data + off, size - off, m->tag, &id, &ver, &unit))
        {
          if (found && found != id)
            return -1;
          found = id;
        }
    }
  return found;
}

/* Checks the regular file at PATH, found where ENTRY's states allow the
 * files in ALLOWED (N of them). */
static void
verify_file (Verify *v, const char *path, const Target *allowed, uint32_t n)
{
  uint64_t size = 0;
  int err;
  uint8_t *data = read_file (path, &size, &err);
  int64_t id;
  File *f = NULL;

  v->files_checked++;
  if (!data)
    {
      failure (v, path, "cannot be read: %s", strerror (err));
      return;
    }
  id = stamped_id (v->m, data, size);
  if (id < 0)
    failure (v, path, "holds units of several files");
  else if (id)
    {
      for (uint32_t i = 0; i < n; i++)
        if (allowed[i].kind == 'f' && allowed[i].id == id)
          f = v->m->files[id];
      if (!f)
        failure (v, path, "holds file %" PRId64 "'s units, but this name never named it since it was acknowledged", id);
      else
        check_file (v, f, data, size, path, 1);
    }
  else
    {
      /* No stamp: empty, or zeros; any file the name may name that may
       * look like that. */
      for (uint32_t i = 0; i < n && !f; i++)
        if (allowed[i].kind == 'f' && check_file (v, v->m->files[allowed[i].id], data, size, path, 0))
          f = v->m->files[allowed[i].id];
      if (!f)
        {
          for (uint32_t i = 0; i < n; i++)
            if (allowed[i].kind == 'f')
              check_file (v, v->m->files[allowed[i].id], data, size, path, 1);
        }
    }
  if (f)
    {
      if (!f->modified)
        v->exact_files++;
      if (f->found_at && v->atomic_rename)
        failure (v, path, "file %u is also at %s: a rename was not atomic", f->id, f->found_at);
      if (!f->found_at)
        f->found_at = xstrdup (path);
    }
  free (data);
}

static void verify_dir (Verify *v, Dir *d, const char *path);

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
verify_dir (Verify *v, Dir *d, const char *path)
{
  DIR *dh = opendir (path);
  struct dirent *de;
  char **names = NULL;
  size_t n_names = 0;

  v->dirs_checked++;
  d->found = 1;
  if (!dh)
    {
      failure (v, path, "cannot be listed: %s", strerror (errno));
      return;
    }
  errno = 0;
  while ((de = readdir (dh)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      names = xrealloc (names, (n_names + 1) * sizeof *names);
      names[n_names++] = xstrdup (de->d_name);
    }
  if (errno)
    failure (v, path, "listing failed: %s", strerror (errno));
  closedir (dh);
  qsort (names, n_names, sizeof *names, compare_names);

  for (size_t i = 0; i < n_names; i++)
    {
      char *child = join (path, names[i]);
      Entry *e = entry_find (d, names[i]);
      Target *allowed;
      uint32_t n_allowed = 0, dir_id = 0;
      int may_file = 0, may_dir = 0;
      struct stat st;

      if (!e)
        {
          failure (v, child, "unexpected: never created by the workload");
          free (child);
          continue;
        }
      allowed = xcalloc (e->n_since + 1, sizeof *allowed);
      allowed[n_allowed++] = e->ack;
      for (uint32_t j = 0; j < e->n_since; j++)
        allowed[n_allowed++] = e->since[j];
      for (uint32_t j = 0; j < n_allowed; j++)
        {
          may_file |= allowed[j].kind == 'f';
          if (allowed[j].kind == 'd')
            {
              may_dir = 1;
              dir_id = allowed[j].id;
            }
        }
      if (lstat (child, &st) != 0)
        failure (v, child, "listed but cannot be looked up: %s", strerror (errno));
      else if (S_ISDIR (st.st_mode) && may_dir)
        verify_dir (v, v->m->dirs[dir_id], child);
      else if (S_ISREG (st.st_mode) && may_file)
        verify_file (v, child, allowed, n_allowed);
      else
        {
          char buf[64];

          failure (v, child, "a %s where the workload left %s%s", S_ISDIR (st.st_mode) ? "directory" : S_ISREG (st.st_mode) ? "file" : "special file",
                   describe_target (allowed[0], buf, sizeof buf), n_allowed > 1 ? " or what followed" : "");
        }
      free (allowed);
      free (child);
    }

  /* Names whose directory was acknowledged after their last change. */
  for (uint32_t i = 0; i < d->n_entries; i++)
    {
      Entry *e = &d->entries[i];
      char buf[64];

      if (e->ack.kind && !e->n_since &&
          !bsearch (&e->name, names, n_names, sizeof *names, compare_names))
        {
          char *child = join (path, e->name);

          failure (v, child, "missing: its directory acknowledged %s here", describe_target (e->ack, buf, sizeof buf));
          free (child);
        }
    }
  for (size_t i = 0; i < n_names; i++)
    free (names[i]);
  free (names);
}

/* Marks of LABEL "op K" / "ack K" from 'flashmodel journal --marks' lines
 * with SEQ below CUT_SEQ. */
static void
marks_load (const char *path, uint64_t cut_seq, Cut *cut)
{
  FILE *in = fopen (path, "r");
  char line[256];
  uint64_t lineno = 0;
  int r;

  memset (cut, 0, sizeof *cut);
  if (!in)
    die ("%s: %s", path, strerror (errno));
  while ((r = read_line (in, line, sizeof line)) != 0)
    {
      char *w[3];
      uint64_t seq, k;
      int n;

      lineno++;
      n = r > 0 ? split_words (line, w, 3) : -1;
      if (n < 2 || !parse_u64 (w[0], &seq))
        die ("%s:%" PRIu64 ": not a 'SEQ LABEL' line", path, lineno);
      /* Marks of others (not "op K" or "ack K") are not ours. */
      if (n != 3 || !parse_u64 (w[2], &k) || (strcmp (w[1], "op") != 0 && strcmp (w[1], "ack") != 0))
        continue;
      if (seq >= cut_seq)
        break;
      if (k > 100000000)
        die ("%s:%" PRIu64 ": operation %" PRIu64 " is beyond any log", path, lineno, k);
      if (strcmp (w[1], "op") == 0)
        {
          if (k > cut->started)
            cut->started = k;
        }
      else
        {
          if (k >= cut->n_acked)
            {
              uint64_t n_new = (k + 1) * 2;

              cut->acked = xrealloc (cut->acked, n_new);
              memset (cut->acked + cut->n_acked, 0, n_new - cut->n_acked);
              cut->n_acked = n_new;
            }
          cut->acked[k] = 1;
        }
    }
  fclose (in);
}

/* ---- main ---------------------------------------------------------------- */

static void __attribute__ ((noreturn))
usage (const char *why)
{
  fprintf (stderr,
           "%s: %s\n"
           "usage: %s run --dir DIR --log LOG --seed S --ops N [--mark FILE] [--base]\n"
           "                  [--max-bytes B] [--max-file B] [--max-write B]\n"
           "       %s verify --dir DIR --log LOG [--marks FILE --cut SEQ] [--atomic-rename] [--verbose]\n"
           "       %s replay --dir DIR --log LOG [--until K]\n",
           program, why, program, program, program);
  exit (2);
}

static uint64_t
number_arg (const char *option, const char *text)
{
  uint64_t v;

  if (!parse_u64 (text, &v))
    {
      char why[128];

      snprintf (why, sizeof why, "%s takes a number, not '%s'", option, text);
      usage (why);
    }
  return v;
}

static void
replay_op (const Op *op, void *data)
{
  Fs *fs = data;

  op_do (fs, op);
}

int
main (int argc, char **argv)
{
  static const struct option options[] = {
    { "dir", required_argument, NULL, 'd' },
    { "log", required_argument, NULL, 'l' },
    { "seed", required_argument, NULL, 's' },
    { "ops", required_argument, NULL, 'n' },
    { "mark", required_argument, NULL, 'm' },
    { "marks", required_argument, NULL, 'M' },
    { "cut", required_argument, NULL, 'c' },
    { "until", required_argument, NULL, 'u' },
    { "base", no_argument, NULL, 'b' },
    { "max-bytes", required_argument, NULL, 'B' },
    { "max-file", required_argument, NULL, 'F' },
    { "max-write", required_argument, NULL, 'W' },
    { "atomic-rename", no_argument, NULL, 'a' },
    { "verbose", no_argument, NULL, 'v' },
    { NULL, 0, NULL, 0 },
  };
  const char *mode, *dir = NULL, *log_path = NULL, *mark_path = NULL, *marks_path = NULL;
  uint64_t seed = 1, ops = 0, cut_seq = 0, until = 0;
  uint64_t max_bytes = 256 << 10, max_file = 64 << 10, max_write = 8 << 10;
  int base = 0, atomic_rename = 0, verbose = 0, have_cut = 0, c;
  Model m;

  if (argc < 2)
    usage ("which mode: run, verify or replay?");
  mode = argv[1];
  optind = 2;
  while ((c = getopt_long (argc, argv, "", options, NULL)) != -1)
    switch (c)
      {
      case 'd': dir = optarg; break;
      case 'l': log_path = optarg; break;
      case 's': seed = number_arg ("--seed", optarg); break;
      case 'n': ops = number_arg ("--ops", optarg); break;
      case 'm': mark_path = optarg; break;
      case 'M': marks_path = optarg; break;
      case 'c': cut_seq = number_arg ("--cut", optarg); have_cut = 1; break;
      case 'u': until = number_arg ("--until", optarg); break;
      case 'b': base = 1; break;
      case 'B': max_bytes = number_arg ("--max-bytes", optarg); break;
      case 'F': max_file = number_arg ("--max-file", optarg); break;
      case 'W': max_write = number_arg ("--max-write", optarg); break;
      case 'a': atomic_rename = 1; break;
      case 'v': verbose = 1; break;
      default: usage ("unknown option");
      }
  if (optind != argc)
    usage ("unexpected argument");
  if (!dir || !log_path)
    usage ("--dir and --log are required");

  if (strcmp (mode, "run") == 0)
    {
      Run r = { .mark_fd = -1 };

      if (!ops)
        usage ("run needs --ops N (from 1)");
      if (max_write < UNIT || max_file < UNIT || max_file > MAX_FILE_LIMIT)
        usage ("--max-write and --max-file are at least 512 bytes, --max-file at most 64 MiB");
      if (base && mark_path)
        usage ("--base makes the starting state: no marks");
      if (access (log_path, F_OK) == 0)
        log_load (log_path, &m, NULL, 0, NULL, NULL);
      else
        {
          uint64_t s = seed ^ 0x5eed;

          model_init (&m, splitmix64 (&s));
          r.log = fopen (log_path, "w");
          if (!r.log)
            die ("%s: %s", log_path, strerror (errno));
          fprintf (r.log, "%s\ntag %" PRIu64 "\n", LOG_HEADER, m.tag);
          fclose (r.log);
        }
      if (base && m.ops)
        die ("%s: --base makes the first operations of a log, and it has some", log_path);
      r.log = fopen (log_path, "a");
      if (!r.log)
        die ("%s: %s", log_path, strerror (errno));
      if (mark_path)
        {
          r.mark_fd = open (mark_path, O_WRONLY | O_APPEND | O_CLOEXEC);
          if (r.mark_fd < 0)
            die ("%s: %s", mark_path, strerror (errno));
        }
      r.m = &m;
      r.prng = seed;
      r.max_bytes = max_bytes;
      r.max_file = max_file;
      r.max_write = max_write;
      fs_init (&r.fs, dir, &m);
      for (uint64_t end = m.ops + ops; m.ops < end;)
        run_one (&r);
      {
        Op op = { .kind = OP_SYNC, .base = base };

        run_op (&r, &op);
      }
      if (fclose (r.log) != 0)
        die ("%s: %s", log_path, strerror (errno));
      if (r.mark_fd >= 0)
        close (r.mark_fd);
      if (verbose)
        printf ("%s: %" PRIu64 " operations, %u files, %u directories, %" PRIu64 " bytes live\n",
                log_path, m.ops, m.n_files - 1, m.n_dirs, live_bytes (&m));
      return 0;
    }
  if (strcmp (mode, "replay") == 0)
    {
      Fs fs;

      /* The model as it is before each operation says where things are;
       * log_load() fills M as the operations are carried out. */
      memset (&m, 0, sizeof m);
      fs_init (&fs, dir, &m);
      log_load (log_path, &m, NULL, until, replay_op, &fs);
      return 0;
    }
  if (strcmp (mode, "verify") == 0)
    {
      Verify v = { .m = &m, .atomic_rename = atomic_rename, .verbose = verbose };
      Cut cut;

      if (!marks_path != !have_cut)
        usage ("--marks and --cut go together");
      if (marks_path)
        marks_load (marks_path, cut_seq, &cut);
      log_load (log_path, &m, marks_path ? &cut : NULL, 0, NULL, NULL);
      verify_dir (&v, m.dirs[0], dir);
      if (verbose || v.failures)
        printf ("%s: %u files (%u acknowledged and unchanged), %u directories checked after operation %" PRIu64
                " of %s%s: %u failures\n", program, v.files_checked, v.exact_files, v.dirs_checked, m.ops,
                log_path, marks_path ? "" : " (all acknowledged)", v.failures);
      return v.failures ? 1 : 0;
    }
  usage ("the mode is run, verify or replay");
}
