/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-campaign.h"
#include "fm-error.h"
#include "fm-prng.h"

#include <glib/gstdio.h>

/* ---- coverage ------------------------------------------------------------ */

/* An operation eligible as a cut point. */
typedef struct {
  guint64 seq, index;
  FmNandOp op;
} Candidate;

static gint
compare_candidates (gconstpointer a, gconstpointer b)
{
  guint64 x = ((const Candidate *) a)->seq, y = ((const Candidate *) b)->seq;

  return x < y ? -1 : x > y;
}

/* Keeps SAMPLE of the candidates drawn at random (seeded), or every
 * EVERY-th, in journal order. */
static void
choose (GArray *candidates, guint64 every, guint64 sample, guint64 seed)
{
  if (sample && sample < candidates->len)
    {
      FmPrng prng;

      /* Partial Fisher-Yates: the first SAMPLE slots end up a uniform
       * sample; then back into journal order. */
      fm_prng_init (&prng, seed);
      for (guint i = 0; i < sample; i++)
        {
          guint j = i + fm_prng_below (&prng, candidates->len - i);
          Candidate t = g_array_index (candidates, Candidate, i);

          g_array_index (candidates, Candidate, i) = g_array_index (candidates, Candidate, j);
          g_array_index (candidates, Candidate, j) = t;
        }
      g_array_set_size (candidates, sample);
      g_array_sort (candidates, compare_candidates);
    }
  else if (every > 1)
    {
      guint kept = 0;

      for (guint i = 0; i < candidates->len; i += every)
        g_array_index (candidates, Candidate, kept++) = g_array_index (candidates, Candidate, i);
      g_array_set_size (candidates, kept);
    }
}

FmCampaignPlan *
fm_campaign_plan_new (FmJournalReader *reader, const FmChipDesc *desc, const FmCoverage *cov)
{
  FmCampaignPlan *plan = g_new0 (FmCampaignPlan, 1);
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  guint64 to = cov->to ? cov->to : G_MAXUINT64;
  FmJournalRecord rec;

  plan->points = g_array_new (FALSE, FALSE, sizeof (FmCutPoint));
  while (fm_journal_reader_next (reader, &rec))
    {
      plan->records++;
      plan->last_seq = rec.seq;
      if (rec.seq >= cov->from && rec.seq <= to && (cov->all_ops || rec.op != FM_NAND_OP_READ))
        {
          Candidate c = { rec.seq, rec.index, rec.op };

          g_array_append_val (candidates, c);
        }
    }
  fm_journal_reader_rewind (reader);
  plan->eligible = candidates->len;
  choose (candidates, cov->every, cov->sample, cov->sample_seed);
  plan->chosen = candidates->len;
  for (guint i = 0; i < candidates->len; i++)
    {
      const Candidate *c = &g_array_index (candidates, Candidate, i);
      FmCutPoint p = { c->seq, { FM_CUT_CLEAN, FM_TORN_SEEDED } };

      if (cov->clean)
        g_array_append_val (plan->points, p);
      for (guint v = 0; v < FM_TORN_N_VARIANTS; v++)
        {
          if (!(cov->torn & (1u << v)))
            continue;
          if (!fm_torn_variant_applies (v, desc, c->op, c->index))
            {
              plan->not_applicable[v]++;
              continue;
            }
          p.cut.kind = FM_CUT_TORN;
          p.cut.variant = v;
          g_array_append_val (plan->points, p);
        }
    }
  return plan;
}

void
fm_campaign_plan_free (FmCampaignPlan *plan)
{
  if (!plan)
    return;
  g_array_unref (plan->points);
  g_free (plan);
}

/* ---- the walk ------------------------------------------------------------ */

/* What a cut that provably repeats an earlier image looks like (see
 * fm_campaign_walk_duplicate()). */
typedef enum {
  ADDS_NOTHING,        /* a clean cut, or a tear the chip refuses */
  ERASES_EMPTY_BLOCK,  /* a torn erase of a block without data: one image for every variant */
} CutEffect;

typedef struct {
  CutEffect effect;
  guint64 seq;   /* ERASES_EMPTY_BLOCK: the erase */
  guint64 age;
  guint64 tag;
} Signature;

struct _FmCampaignWalk {
  /* Its prefix: the base with every record before the current operation
   * applied. The cut images are overlays on it. */
  FmCutMaker *maker;
  const FmChipDesc *desc;
  FmJournalReader *reader;
  guint64 tear_seed;
  FmJournalRecord rec;   /* the current operation, not applied yet */
  gboolean have_rec;
  gboolean ended;        /* the reader returned its last record */
  GArray *seen;          /* Signature: the cuts of the current operation so far */
};

FmCampaignWalk *
fm_campaign_walk_new (FmImage *base, const FmChipDesc *desc, FmJournalReader *reader,
                      guint64 tear_seed, const gchar *work_dir, GError **error)
{
  g_autoptr (FmCampaignWalk) w = g_new0 (FmCampaignWalk, 1);

  w->desc = desc;
  w->reader = reader;
  w->tear_seed = tear_seed;
  w->seen = g_array_new (FALSE, FALSE, sizeof (Signature));
  w->maker = fm_cut_maker_new (base, desc, work_dir, error);
  if (!w->maker)
    return NULL;
  return g_steal_pointer (&w);
}

void
fm_campaign_walk_free (FmCampaignWalk *w)
{
  if (!w)
    return;
  g_clear_pointer (&w->maker, fm_cut_maker_free);
  g_array_unref (w->seen);
  g_free (w);
}

/* The prefix one operation on: the one place records are applied. */
static gboolean
advance (FmCampaignWalk *w, const FmJournalRecord *rec, GError **error)
{
  /* Duplicates are looked for among the cuts of one operation only: two
   * operations may have journal marks (acknowledged writes) between them,
   * and then a check expects more of the same image. */
  g_array_set_size (w->seen, 0);
  return fm_cut_maker_advance (w->maker, rec, error);
}

typedef struct {
  FmTornVariant variant;
  guint64 tear_seed;
} Tear;

static gboolean
tear (FmImage *image, const FmChipDesc *desc, const FmJournalRecord *rec, gpointer user_data,
      GError **error)
{
  const Tear *t = user_data;

  return fm_replay_tear_as (image, desc, rec, t->variant, t->tear_seed, error);
}

/* The image CUT of the current operation leaves, as the overlay PATH on
 * the prefix: the one place cut images are made. */
static gboolean
make_cut (FmCampaignWalk *w, const FmCut *cut, const gchar *path, GError **error)
{
  Tear t = { cut->variant, w->tear_seed };

  if (cut->kind == FM_CUT_TORN)
    return fm_cut_maker_make_with (w->maker, &w->rec, tear, &t, path, error);
  return fm_cut_maker_make_before (w->maker, path, error);
}

gboolean
fm_campaign_walk_to (FmCampaignWalk *w, guint64 seq, GError **error)
{
  if (w->have_rec)
    {
      if (w->rec.seq == seq)
        return TRUE;
      if (seq < w->rec.seq)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                       "cut point %" G_GUINT64_FORMAT " comes after %" G_GUINT64_FORMAT
                       ": cut points go in journal order", seq, w->rec.seq);
          return FALSE;
        }
      w->have_rec = FALSE;
      if (!advance (w, &w->rec, error))
        return FALSE;
    }
  while (!w->ended && fm_journal_reader_next (w->reader, &w->rec))
    {
      if (w->rec.seq == seq)
        {
          w->have_rec = TRUE;
          return TRUE;
        }
      if (w->rec.seq > seq)
        break;
      if (!advance (w, &w->rec, error))
        return FALSE;
    }
  w->ended = TRUE;
  g_set_error (error, FM_ERROR, FM_ERROR_OUT_OF_RANGE,
               "cut point %" G_GUINT64_FORMAT " is not among the journal's valid operations", seq);
  return FALSE;
}

const FmJournalRecord *
fm_campaign_walk_record (FmCampaignWalk *w)
{
  return w->have_rec ? &w->rec : NULL;
}

gboolean
fm_campaign_walk_make_cut (FmCampaignWalk *w, const FmCut *cut, const gchar *path,
                           GError **error)
{
  g_return_val_if_fail (w->have_rec, FALSE);
  return make_cut (w, cut, path, error);
}

/* Whether BLOCK holds no data and no torn page: erasing it, however far
 * the erase gets, only counts the erase. */
static gboolean
block_holds_nothing (FmCampaignWalk *w, guint32 block)
{
  FmImage *prefix = fm_cut_maker_prefix (w->maker);
  guint64 first = (guint64) block * w->desc->pages_per_block;

  if (fm_image_block (prefix, block)->unstable_page)
    return FALSE;
  for (guint64 p = first; p < first + w->desc->pages_per_block; p++)
    if (fm_image_page (prefix, p))
      return FALSE;
  return TRUE;
}

gboolean
fm_campaign_walk_duplicate (FmCampaignWalk *w, const FmCut *cut, guint64 tag, guint64 *same_as)
{
  guint64 age = fm_cut_maker_age (w->maker);
  Signature s = { ADDS_NOTHING, 0, age, tag };
  const FmJournalRecord *rec = &w->rec;

  g_return_val_if_fail (w->have_rec, FALSE);
  if (cut->kind == FM_CUT_TORN)
    {
      s.age = MAX (age, rec->age_ns);
      if (fm_powercut_changes_nothing (fm_cut_maker_prefix (w->maker), w->desc, rec->op,
                                       rec->index))
        s.effect = ADDS_NOTHING;
      else if (rec->op == FM_NAND_OP_ERASE && block_holds_nothing (w, rec->index))
        {
          s.effect = ERASES_EMPTY_BLOCK;
          s.seq = rec->seq;
        }
      else
        return FALSE; /* an image of its own */
    }
  for (guint i = 0; i < w->seen->len; i++)
    {
      const Signature *o = &g_array_index (w->seen, Signature, i);

      if (o->effect == s.effect && o->seq == s.seq && o->age == s.age)
        {
          *same_as = o->tag;
          return TRUE;
        }
    }
  g_array_append_val (w->seen, s);
  return FALSE;
}

/* ---- rebuilding one cut -------------------------------------------------- */

/* Walks to POINT and checks that its cut applies to the operation. */
static gboolean
walk_to_point (FmCampaignWalk *w, const FmCutPoint *point, GError **error)
{
  const FmJournalRecord *rec;

  if (!fm_campaign_walk_to (w, point->seq, error))
    return FALSE;
  rec = fm_campaign_walk_record (w);
  if (point->cut.kind == FM_CUT_TORN &&
      !fm_torn_variant_applies (point->cut.variant, w->desc, rec->op, rec->index))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "operation %" G_GUINT64_FORMAT " (a %s) cannot be torn %s", point->seq,
                   fm_nand_op_to_string (rec->op), fm_torn_variant_to_string (point->cut.variant));
      return FALSE;
    }
  return TRUE;
}

/* The overlay at OVERLAY_PATH as the standalone image PATH (replaced). */
static gboolean
flatten (const gchar *overlay_path, const FmChipDesc *desc, const gchar *path, GError **error)
{
  g_autoptr (FmImage) overlay = fm_image_open (overlay_path, desc, TRUE, error);

  if (!overlay)
    return FALSE;
  g_unlink (path);
  return fm_image_flatten_to (overlay, path, error);
}

gboolean
fm_campaign_rebuild (FmImage *base, const FmChipDesc *desc, FmJournalReader *reader,
                     const FmCutId *id, FmJournalReader *recovery, const gchar *work_dir,
                     const gchar *path, FmJournalRecord cut_records[FM_CUT_ID_MAX_DEPTH],
                     GError **error)
{
  g_autoptr (FmCampaignWalk) walk = NULL;
  g_autoptr (FmCampaignWalk) second = NULL;
  g_autoptr (FmImage) first = NULL;
  g_autofree gchar *first_path = g_strconcat (path, ".first", NULL);
  g_autofree gchar *cut_path = g_strconcat (path, ".overlay", NULL);
  gboolean ok;

  walk = fm_campaign_walk_new (base, desc, reader, id->tear_seed, work_dir, error);
  if (!walk || !walk_to_point (walk, &id->level[0].point, error))
    return FALSE;
  if (cut_records)
    cut_records[0] = walk->rec;
  if (id->depth == 1)
    {
      ok = make_cut (walk, &id->level[0].point.cut, cut_path, error) &&
           flatten (cut_path, desc, path, error);
      g_unlink (cut_path);
      return ok;
    }
  g_return_val_if_fail (recovery, FALSE);
  if (!make_cut (walk, &id->level[0].point.cut, first_path, error))
    return FALSE;
  first = fm_image_open (first_path, desc, TRUE, error);
  ok = first != NULL;
  if (ok && !fm_replay_check_base (first, desc, fm_journal_reader_info (recovery), error))
    {
      g_prefix_error (error, "the recovery journal does not start from the first cut's image: ");
      ok = FALSE;
    }
  if (ok)
    {
      second = fm_campaign_walk_new (first, desc, recovery, id->tear_seed, work_dir, error);
      ok = second && walk_to_point (second, &id->level[1].point, error);
      if (ok && cut_records)
        cut_records[1] = second->rec;
      ok = ok && make_cut (second, &id->level[1].point.cut, cut_path, error);
      if (!ok && second)
        g_prefix_error (error, "the recovery journal: ");
      ok = ok && flatten (cut_path, desc, path, error);
      g_unlink (cut_path);
    }
  g_clear_pointer (&second, fm_campaign_walk_free);
  g_clear_pointer (&first, fm_image_close);
  g_unlink (first_path);
  return ok;
}

/* ---- the simplest campaign ----------------------------------------------- */

gboolean
fm_campaign_run (FmImage *base, const FmChipDesc *desc, FmJournalReader *reader,
                 const guint64 *points, guint n_points, const FmCutKind *kinds, guint n_kinds,
                 const gchar *cut_path, FmCampaignCheck check, gpointer user_data,
                 GError **error)
{
  g_autofree gchar *dir = g_path_get_dirname (cut_path);
  g_autoptr (FmCampaignWalk) walk = fm_campaign_walk_new (base, desc, reader, 0, dir, error);

  if (!walk)
    return FALSE;
  for (guint i = 0; i < n_points; i++)
    {
      if (!fm_campaign_walk_to (walk, points[i], error))
        return FALSE;
      for (guint k = 0; k < n_kinds; k++)
        {
          FmCut cut = { kinds[k], FM_TORN_SEEDED };
          gboolean ok = make_cut (walk, &cut, cut_path, error) &&
                        check (user_data, cut_path, &walk->rec, kinds[k], error);

          g_unlink (cut_path);
          if (!ok)
            return FALSE;
        }
    }
  return TRUE;
}
