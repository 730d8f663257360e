/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-faults.h"
#include "fm-error.h"
#include "fm-nand.h"
#include "fm-prng.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct _FmFaultSet {
  GPtrArray *faults; /* FmFault* */
};

static const struct {
  const gchar *name;
  FmFaultKind kind;
  const gchar *keys; /* the words the kind accepts, space separated */
} kinds[] = {
  { "bitflip", FM_FAULT_BITFLIP, "block page byte bit count once always" },
  { "stuck", FM_FAULT_STUCK, "block page byte bit value" },
  { "program-fail", FM_FAULT_PROGRAM_FAIL, "block page nth probability" },
  { "erase-fail", FM_FAULT_ERASE_FAIL, "block nth probability" },
  { "grown-bad", FM_FAULT_GROWN_BAD, "block at-erase" },
  { "read-only", FM_FAULT_READ_ONLY, "from-op to-op from-us to-us" },
  { "latency", FM_FAULT_LATENCY, "op extra-us block nth probability" },
  { "powercut", FM_FAULT_POWERCUT, "at-op at-us torn clean" },
  { "wear", FM_FAULT_WEAR, "block cycles" },
  { "age", FM_FAULT_AGE, "hours celsius on-erase" },
};

/* A wear rule's cycles, as a multiple of the part's rated P/E cycles
 * (fm_fault_set_check_chip()), and at most that many times the largest
 * rating a descriptor may give (1e8): an erase count far from 2^32. */
#define WEAR_MAX_RATED 10
#define WEAR_MAX_CYCLES 1000000000

static void
fault_free (gpointer p)
{
  FmFault *f = p;

  g_free (f->text);
  g_free (f);
}

FmFaultSet *
fm_fault_set_new (void)
{
  FmFaultSet *set = g_new0 (FmFaultSet, 1);

  set->faults = g_ptr_array_new_with_free_func (fault_free);
  return set;
}

void
fm_fault_set_free (FmFaultSet *set)
{
  if (!set)
    return;
  g_ptr_array_unref (set->faults);
  g_free (set);
}

const gchar *
fm_fault_kind_to_string (FmFaultKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i].kind == kind)
      return kinds[i].name;
  return "unknown";
}

void
fm_fault_set_add (FmFaultSet *set, const FmFault *fault)
{
  FmFault *copy = g_memdup2 (fault, sizeof *fault);

  copy->matched = copy->fired = 0;
  copy->text = g_strdup (fault->text ? fault->text : fm_fault_kind_to_string (fault->kind));
  g_ptr_array_add (set->faults, copy);
}

guint
fm_fault_set_len (const FmFaultSet *set)
{
  return set->faults->len;
}

FmFault *
fm_fault_set_get (FmFaultSet *set, guint i)
{
  return g_ptr_array_index (set->faults, i);
}

gchar *
fm_fault_set_report (const FmFaultSet *set)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < set->faults->len; i++)
    {
      const FmFault *f = g_ptr_array_index (set->faults, i);

      g_string_append_printf (s, "%-48s matched %" G_GUINT64_FORMAT " fired %" G_GUINT64_FORMAT "\n",
                              f->text, f->matched, f->fired);
    }
  return g_string_free (s, FALSE);
}

gboolean
fm_fault_trigger (FmFault *f, guint64 seed)
{
  gboolean fire;

  f->matched++;
  if (f->nth)
    fire = f->matched == f->nth;
  else if (f->probability > 0)
    fire = fm_hash_unit (seed, 0x6661756c74, f->matched) < f->probability;
  else
    fire = TRUE;
  if (fire)
    f->fired++;
  return fire;
}

/* ---- parser -------------------------------------------------------------- */

typedef struct {
  const gchar *origin;
  const gchar *rule;
} Where;

G_GNUC_PRINTF (3, 4) static gboolean
fail (const Where *w, GError **error, const gchar *format, ...)
{
  g_autofree gchar *msg = NULL;
  va_list ap;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, FM_ERROR, FM_ERROR_DESCRIPTOR, "%s: fault '%s': %s", w->origin, w->rule, msg);
  return FALSE;
}

static gboolean
parse_u64 (const Where *w, const gchar *key, const gchar *v, guint64 max, guint64 *out, GError **error)
{
  gchar *end = NULL;
  guint64 n;

  errno = 0;
  if (!g_ascii_isdigit (*v))
    return fail (w, error, "%s='%s' is not a non-negative integer", key, v);
  n = g_ascii_strtoull (v, &end, 0);
  if (errno || *end || n > max)
    return fail (w, error, "%s='%s' is not an integer in [0, %" G_GUINT64_FORMAT "]", key, v, max);
  *out = n;
  return TRUE;
}

static gboolean
parse_block (const Where *w, const gchar *key, const gchar *v, guint32 *out, GError **error)
{
  guint64 n;

  if (g_str_equal (v, "any"))
    {
      *out = FM_FAULT_ANY;
      return TRUE;
    }
  if (!parse_u64 (w, key, v, G_MAXUINT32 - 1, &n, error))
    return FALSE;
  *out = n;
  return TRUE;
}

static gboolean
parse_us (const Where *w, const gchar *key, const gchar *v, guint64 *ns, GError **error)
{
  gchar *end = NULL;
  gdouble us = g_ascii_strtod (v, &end);

  if (!*v || *end || !(us >= 0) || us > 1e12)
    return fail (w, error, "%s='%s' is not a time in microseconds", key, v);
  *ns = (guint64) (us * 1000.0 + 0.5);
  return TRUE;
}

static gboolean
word_allowed (guint kind_index, const gchar *key)
{
  g_auto (GStrv) keys = g_strsplit (kinds[kind_index].keys, " ", -1);

  return g_strv_contains ((const gchar * const *) keys, key);
}

static gboolean
parse_word (const Where *w, FmFault *f, const gchar *key, const gchar *v, GError **error)
{
  guint64 n;

  if (g_str_equal (key, "once") || g_str_equal (key, "always"))
    {
      if (v)
        return fail (w, error, "'%s' takes no value", key);
      f->always = g_str_equal (key, "always");
      return TRUE;
    }
  if (g_str_equal (key, "torn") || g_str_equal (key, "clean"))
    {
      if (v)
        return fail (w, error, "'%s' takes no value", key);
      f->clean = g_str_equal (key, "clean");
      return TRUE;
    }
  if (!v || !*v)
    return fail (w, error, "'%s' needs a value (%s=...)", key, key);
  if (g_str_equal (key, "block"))
    return parse_block (w, key, v, &f->block, error);
  if (g_str_equal (key, "on-erase"))
    {
      if (!parse_u64 (w, key, v, FM_FAULT_ANY - 1, &n, error))
        return FALSE;
      f->block = n;
      return TRUE;
    }
  if (g_str_equal (key, "cycles"))
    {
      if (!parse_u64 (w, key, v, WEAR_MAX_CYCLES, &n, error))
        return FALSE;
      f->cycles = n;
      return TRUE;
    }
  if (g_str_equal (key, "hours") || g_str_equal (key, "celsius"))
    {
      gboolean hours = g_str_equal (key, "hours");
      gchar *end = NULL;
      gdouble x = g_ascii_strtod (v, &end);

      if (hours && (*end || !(x > 0 && x <= FM_BAKE_MAX_HOURS)))
        return fail (w, error, "hours='%s' is not a number of hours in (0, %g]", v, FM_BAKE_MAX_HOURS);
      if (!hours && (*end || !(x >= FM_BAKE_MIN_CELSIUS && x <= FM_BAKE_MAX_CELSIUS)))
        return fail (w, error, "celsius='%s' is not a temperature in [%g, %g] degrees Celsius", v,
                     FM_BAKE_MIN_CELSIUS, FM_BAKE_MAX_CELSIUS);
      if (hours)
        f->hours = x;
      else
        f->celsius = x;
      return TRUE;
    }
  if (g_str_equal (key, "page"))
    return parse_block (w, key, v, &f->page, error);
  if (g_str_equal (key, "byte") || g_str_equal (key, "bit") || g_str_equal (key, "count") ||
      g_str_equal (key, "value") || g_str_equal (key, "nth") || g_str_equal (key, "at-erase") ||
      g_str_equal (key, "from-op") || g_str_equal (key, "to-op") || g_str_equal (key, "at-op"))
    {
      /* The bound of the field each number fills: out of it is an error,
       * never a number cut or clamped to fit. */
      guint64 max = g_str_equal (key, "bit") ? 7 : g_str_equal (key, "value") ? 1
                    : g_str_equal (key, "count") ? 100000
                    : g_str_equal (key, "byte") ? FM_FAULT_ANY - 1
                    : g_str_equal (key, "at-erase") ? G_MAXUINT32 : G_MAXUINT64 - 1;

      if (!parse_u64 (w, key, v, max, &n, error))
        return FALSE;
      if (g_str_equal (key, "byte"))
        f->byte = n;
      else if (g_str_equal (key, "bit"))
        f->bit = n;
      else if (g_str_equal (key, "count"))
        {
          if (n == 0)
            return fail (w, error, "count counts from 1");
          f->count = n;
        }
      else if (g_str_equal (key, "value"))
        f->value = n;
      else if (g_str_equal (key, "nth"))
        {
          if (n == 0)
            return fail (w, error, "nth counts from 1");
          f->nth = n;
        }
      else if (g_str_equal (key, "at-erase"))
        f->at_erase = n;
      else if (g_str_equal (key, "from-op") || g_str_equal (key, "at-op"))
        {
          if (n == 0 && g_str_equal (key, "at-op"))
            return fail (w, error, "at-op counts operations from 1");
          f->from = n;
        }
      else
        f->to = n;
      return TRUE;
    }
  if (g_str_equal (key, "from-us") || g_str_equal (key, "to-us") || g_str_equal (key, "extra-us") ||
      g_str_equal (key, "at-us"))
    {
      guint64 ns = 0;

      if (!parse_us (w, key, v, &ns, error))
        return FALSE;
      if (g_str_equal (key, "extra-us"))
        f->extra_ns = ns;
      else
        {
          f->window_in_time = TRUE;
          if (g_str_equal (key, "from-us") || g_str_equal (key, "at-us"))
            f->from = ns;
          else
            f->to = ns;
        }
      return TRUE;
    }
  if (g_str_equal (key, "probability"))
    {
      gchar *end = NULL;
      gdouble p = g_ascii_strtod (v, &end);

      if (*end || !(p > 0 && p <= 1))
        return fail (w, error, "probability='%s' is not in (0, 1]", v);
      f->probability = p;
      return TRUE;
    }
  if (g_str_equal (key, "op"))
    {
      static const struct { const gchar *name; FmFaultOp op; } ops[] = {
        { "read", FM_FAULT_OP_READ }, { "program", FM_FAULT_OP_PROGRAM },
        { "erase", FM_FAULT_OP_ERASE }, { "any", FM_FAULT_OP_ANY },
      };

      for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
        if (g_str_equal (v, ops[i].name))
          {
            f->ops = ops[i].op;
            return TRUE;
          }
      return fail (w, error, "op='%s' is not read, program, erase or any", v);
    }
  return fail (w, error, "unknown word '%s'", key);
}

/* What each kind needs beyond its words' own checks. */
static gboolean
check_rule (const Where *w, FmFault *f, GHashTable *given, GError **error)
{
  gboolean has_byte = g_hash_table_contains (given, "byte");
  gboolean has_bit = g_hash_table_contains (given, "bit");

  if (f->nth && f->probability > 0)
    return fail (w, error, "nth and probability exclude each other");
  switch (f->kind)
    {
    case FM_FAULT_BITFLIP:
    case FM_FAULT_STUCK:
      if (!g_hash_table_contains (given, "block") || !g_hash_table_contains (given, "page"))
        return fail (w, error, "needs block= and page=");
      if (f->block == FM_FAULT_ANY || f->page == FM_FAULT_ANY)
        return fail (w, error, "needs one block and one page, not 'any'");
      if (has_byte != has_bit)
        return fail (w, error, "byte= and bit= go together");
      if (f->kind == FM_FAULT_STUCK && !(has_byte && g_hash_table_contains (given, "value")))
        return fail (w, error, "needs byte=, bit= and value=");
      if (f->kind == FM_FAULT_BITFLIP)
        {
          if (has_byte && g_hash_table_contains (given, "count"))
            return fail (w, error, "byte=/bit= and count= exclude each other");
          if (!has_byte)
            {
              f->byte = FM_FAULT_ANY;
              if (!f->count)
                f->count = 1;
            }
        }
      break;
    case FM_FAULT_PROGRAM_FAIL:
    case FM_FAULT_ERASE_FAIL:
      if (!g_hash_table_contains (given, "block"))
        return fail (w, error, "needs block= (a number or 'any')");
      break;
    case FM_FAULT_GROWN_BAD:
      if (!g_hash_table_contains (given, "block") || f->block == FM_FAULT_ANY ||
          !g_hash_table_contains (given, "at-erase"))
        return fail (w, error, "needs block=N and at-erase=N");
      break;
    case FM_FAULT_READ_ONLY:
      {
        gboolean ops = g_hash_table_contains (given, "from-op") || g_hash_table_contains (given, "to-op");
        gboolean time = g_hash_table_contains (given, "from-us") || g_hash_table_contains (given, "to-us");

        if (ops == time)
          return fail (w, error, "needs a window in operations (from-op=, to-op=) or in time (from-us=, to-us=)");
        if (!g_hash_table_contains (given, "to-op") && !g_hash_table_contains (given, "to-us"))
          f->to = G_MAXUINT64;
        if (f->to < f->from)
          return fail (w, error, "the window ends before it starts");
      }
      break;
    case FM_FAULT_POWERCUT:
      if (g_hash_table_contains (given, "at-op") == g_hash_table_contains (given, "at-us"))
        return fail (w, error, "needs at-op=N or at-us=T (one of them)");
      if (g_hash_table_contains (given, "torn") && g_hash_table_contains (given, "clean"))
        return fail (w, error, "torn and clean exclude each other");
      break;
    case FM_FAULT_WEAR:
      if (!g_hash_table_contains (given, "block") || !g_hash_table_contains (given, "cycles"))
        return fail (w, error, "needs block= (a number or 'any') and cycles=N");
      break;
    case FM_FAULT_AGE:
      if (!g_hash_table_contains (given, "hours") || !g_hash_table_contains (given, "on-erase"))
        return fail (w, error, "needs hours=H and on-erase=B (the block whose erase ages the chip)");
      break;
    case FM_FAULT_LATENCY:
      if (!g_hash_table_contains (given, "extra-us"))
        return fail (w, error, "needs extra-us=");
      if (!f->ops)
        f->ops = FM_FAULT_OP_ANY;
      break;
    }
  return TRUE;
}

/* "powercut@op=N" and "powercut@time=T" (T in microseconds), as users
 * write a cut point, stand for "powercut at-op=N" and "powercut at-us=T". */
static gchar *
powercut_shorthand (const gchar *rule)
{
  if (g_str_has_prefix (rule, "powercut@op="))
    return g_strconcat ("powercut at-op=", rule + strlen ("powercut@op="), NULL);
  if (g_str_has_prefix (rule, "powercut@time="))
    return g_strconcat ("powercut at-us=", rule + strlen ("powercut@time="), NULL);
  return NULL;
}

static gboolean
parse_rule (FmFaultSet *set, const gchar *rule, const gchar *origin, GError **error)
{
  Where w = { origin, rule };
  g_autofree gchar *spelled = powercut_shorthand (rule);
  g_auto (GStrv) words = g_strsplit_set (spelled ? spelled : rule, " \t", -1);
  g_autoptr (GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree gchar *kind_name = NULL;
  FmFault f = { 0 };
  gint kind_index = -1;
  guint i = 0;

  while (words[i] && !*words[i])
    i++;
  kind_name = g_strdup (words[i]);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    if (g_str_equal (kind_name, kinds[k].name))
      kind_index = k;
  if (kind_index < 0)
    return fail (&w, error, "unknown fault '%s' (bitflip, stuck, program-fail, erase-fail, "
                 "grown-bad, read-only, latency, powercut, wear, age)", kind_name);
  f.kind = kinds[kind_index].kind;
  f.block = f.page = FM_FAULT_ANY;
  f.celsius = NAN;
  for (i++; words[i]; i++)
    {
      gchar *eq;
      const gchar *value = NULL;

      if (!*words[i])
        continue;
      eq = strchr (words[i], '=');
      if (eq)
        {
          *eq = '\0';
          value = eq + 1;
        }
      if (!word_allowed (kind_index, words[i]))
        return fail (&w, error, "'%s' is not a word of %s (it takes: %s)", words[i],
                     kinds[kind_index].name, kinds[kind_index].keys);
      if (g_hash_table_contains (given, words[i]))
        return fail (&w, error, "'%s' given twice", words[i]);
      g_hash_table_add (given, words[i]);
      if (!parse_word (&w, &f, words[i], value, error))
        return FALSE;
    }
  if (!check_rule (&w, &f, given, error))
    return FALSE;
  f.text = (gchar *) rule;
  fm_fault_set_add (set, &f);
  return TRUE;
}

gboolean
fm_fault_set_add_rules (FmFaultSet *set, const gchar *rules, const gchar *origin, GError **error)
{
  g_auto (GStrv) lines = g_strsplit_set (rules, "\n;", -1);

  for (guint i = 0; lines[i]; i++)
    {
      gchar *hash = strchr (lines[i], '#');

      if (hash)
        *hash = '\0';
      g_strstrip (lines[i]);
      if (*lines[i] && !parse_rule (set, lines[i], origin, error))
        return FALSE;
    }
  return TRUE;
}

FmFaultSet *
fm_fault_set_parse (const gchar *spec, GError **error)
{
  g_autoptr (FmFaultSet) set = fm_fault_set_new ();
  g_autofree gchar *contents = NULL;
  const gchar *origin = "--faults";

  if (spec[0] == '@')
    {
      GError *local = NULL;

      if (!g_file_get_contents (spec + 1, &contents, NULL, &local))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IO, "fault file: %s", local->message);
          g_error_free (local);
          return NULL;
        }
      origin = spec + 1;
      spec = contents;
    }
  if (!fm_fault_set_add_rules (set, spec, origin, error))
    return NULL;
  return g_steal_pointer (&set);
}

gboolean
fm_fault_set_check_chip (const FmFaultSet *set, const FmChipDesc *desc, GError **error)
{
  guint32 blocks = fm_chip_desc_blocks (desc);
  guint32 page_bytes = desc->page_size + desc->oob_size;

  for (guint i = 0; i < set->faults->len; i++)
    {
      const FmFault *f = g_ptr_array_index (set->faults, i);
      const gchar *word = NULL, *unit = NULL;
      guint32 value = 0, limit = 0;

      if (f->block != FM_FAULT_ANY && f->block >= blocks)
        word = f->kind == FM_FAULT_AGE ? "on-erase" : "block", unit = "blocks",
        value = f->block, limit = blocks;
      else if (f->page != FM_FAULT_ANY && f->page >= desc->pages_per_block)
        word = "page", unit = "pages per block", value = f->page, limit = desc->pages_per_block;
      else if ((f->kind == FM_FAULT_BITFLIP || f->kind == FM_FAULT_STUCK) &&
               f->byte != FM_FAULT_ANY && f->byte >= page_bytes)
        word = "byte", unit = desc->oob_size ? "bytes per page with its spare area" : "bytes per page",
        value = f->byte, limit = page_bytes;
      if (word)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                       "fault '%s': %s=%u is beyond chip '%s' (%u %s)",
                       f->text, word, value, desc->name, limit, unit);
          return FALSE;
        }
      if (f->kind == FM_FAULT_WEAR && f->cycles > (guint64) WEAR_MAX_RATED * desc->pe_cycles)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
                       "fault '%s': cycles=%u is beyond %u times the rated P/E cycles of chip '%s' (%u)",
                       f->text, f->cycles, WEAR_MAX_RATED, desc->name, desc->pe_cycles);
          return FALSE;
        }
    }
  return TRUE;
}
