/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ubi-journal-stats: what a journal of UBI and UBIFS at work holds, read
 * from the pages it programmed: UBI's erase counter and volume identifier
 * headers (copies, and copies of the data of given blocks: wear-leveling
 * moves), and the UBIFS nodes in the user volume's LEBs by type (commit
 * start nodes count commits, index nodes the index updates) and those
 * written a second time with the same sequence number (garbage collection
 * moving them, or UBI copying their LEB). The power-cut tests and
 * bench/powercut-full print it to show what their workload exercises.
 *
 *   ubi-journal-stats JOURNAL [--base IMAGE] [BLOCK...]
 *
 * IMAGE: the image the journal started from, whose VID headers and UBIFS
 * nodes are known before the first operation. BLOCKs: blocks whose data
 * leaving counts as a wear-leveling move (the ones pc_cool_pebs set to
 * erase count 0). UBI is assumed to span the chip from block 0, with its
 * VID header in page 0's second sub-page when the chip is written in
 * sub-pages (512-byte steps), else at the start of page 1, and the data
 * in the pages after it, as Linux's UBI lays them out.
 */
#include "flashmodel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UBIFS_NODE_MAGIC 0x06101831u
#define UBIFS_HEADER 24
#define UBI_LAYOUT_VOLUME 0x7fffefffu
#define UBI_FM_SB_VOLUME 0x7ffff000u
#define UBI_FM_DATA_VOLUME 0x7ffff001u

static const gchar *const node_names[] = {
  "inode", "data", "dentry", "xattr", "truncation", "padding", "superblock", "master",
  "reference", "index", "commit-start", "orphan", "auth", "signature",
};

typedef struct {
  guint32 vol_id, lnum;
  gboolean mapped, copy;
  guint data_page;        /* the LEB's first page: the one after the VID header's */
} BlockVid;

typedef struct {
  guint64 ec_headers, vid_headers, copies, moves_from_cooled, fastmap;
  guint64 nodes[G_N_ELEMENTS (node_names)];
  guint64 rewritten_gc, rewritten_copy;
} Counts;

typedef struct {
  const FmJournalInfo *info;
  BlockVid *vids;
  GHashTable *cooled;     /* block + 1 */
  GHashTable *leb_home;   /* vol_id << 32 | lnum -> block + 1 */
  GHashTable *sqnums;     /* of the nodes seen */
  Counts n;
} Stats;

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static guint32
le32 (const guint8 *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

static guint64
le64 (const guint8 *p)
{
  return le32 (p) | (guint64) le32 (p + 4) << 32;
}

/* Where page PAGE's bytes D hold a VID header ("UBI!"): the start of page
 * 1, or a later sub-page of page 0 (UBI puts it in the sub-page after the
 * EC header's); -1 if nowhere. */
static gint
vid_header_offset (const Stats *st, guint page, const guint8 *d)
{
  if (page == 1)
    return memcmp (d, "UBI!", 4) == 0 ? 0 : -1;
  if (page == 0)
    for (guint off = 512; off + 64 <= st->info->page_size; off += 512)
      if (memcmp (d + off, "UBI!", 4) == 0)
        return off;
  return -1;
}

/* Page PAGE of BLOCK now holds D (a page programmed, or the base's). A
 * sub-page program leaves the rest of the page FFh, so the EC header's and
 * the VID header's programs of page 0 are told apart by their bytes. */
static void
take_page (Stats *st, guint64 block, guint page, const guint8 *d)
{
  BlockVid *v = &st->vids[block];
  gint vid;

  if (page == 0 && memcmp (d, "UBI#", 4) == 0)
    st->n.ec_headers++;
  vid = vid_header_offset (st, page, d);
  if (vid >= 0)
    {
      gpointer key, old;

      d += vid;
      st->n.vid_headers++;
      v->vol_id = be32 (d + 8);
      v->lnum = be32 (d + 12);
      v->copy = d[6] != 0;
      v->mapped = TRUE;
      v->data_page = page + 1;
      st->n.copies += v->copy;
      if (v->vol_id == UBI_FM_SB_VOLUME || v->vol_id == UBI_FM_DATA_VOLUME)
        st->n.fastmap++;
      /* The LEB's last home was one of the given blocks, and this is a
       * copy elsewhere: its data was moved off. */
      key = GSIZE_TO_POINTER ((guint64) v->vol_id << 32 | v->lnum);
      old = g_hash_table_lookup (st->leb_home, key);
      if (v->copy && old && GPOINTER_TO_SIZE (old) - 1 != block && g_hash_table_contains (st->cooled, old))
        st->n.moves_from_cooled++;
      g_hash_table_insert (st->leb_home, key, GSIZE_TO_POINTER (block + 1));
      return;
    }
  if (!v->mapped || page < v->data_page || v->vol_id != 0)
    return;
  /* UBIFS nodes start 8-byte aligned; those whose header is in this page. */
  for (guint off = 0; off + UBIFS_HEADER <= st->info->page_size; off += 8)
    {
      guint type;
      guint64 sqnum;

      if (le32 (d + off) != UBIFS_NODE_MAGIC)
        continue;
      type = d[off + 20];
      sqnum = le64 (d + off + 8);
      if (type >= G_N_ELEMENTS (node_names))
        continue;
      st->n.nodes[type]++;
      /* Inode, data, dentry and truncation nodes are written once by the
       * journal; again with the same sqnum only when moved. */
      if (type > 4 || type == 3)
        continue;
      if (!g_hash_table_contains (st->sqnums, &sqnum))
        g_hash_table_add (st->sqnums, g_memdup2 (&sqnum, sizeof sqnum));
      else if (v->copy)
        st->n.rewritten_copy++;
      else
        st->n.rewritten_gc++;
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = NULL;
  g_autoptr (GHashTable) cooled = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) leb_home = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) sqnums = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree BlockVid *vids = NULL;
  const gchar *base_path = NULL;
  FmJournalRecord rec;
  Stats st = { 0 };
  guint64 programs = 0, erases = 0;
  int first = 2;

  if (argc < 2)
    {
      g_printerr ("usage: ubi-journal-stats JOURNAL [--base IMAGE] [BLOCK...]\n");
      return 2;
    }
  if (argc >= 4 && g_str_equal (argv[2], "--base"))
    {
      base_path = argv[3];
      first = 4;
    }
  for (int i = first; i < argc; i++)
    {
      guint64 block;

      if (!g_ascii_string_to_unsigned (argv[i], 10, 0, G_MAXUINT32, &block, &error))
        {
          g_printerr ("ubi-journal-stats: block '%s': %s\n", argv[i], error->message);
          return 2;
        }
      g_hash_table_add (cooled, GSIZE_TO_POINTER (block + 1));
    }
  reader = fm_journal_reader_open (argv[1], &error);
  if (!reader)
    {
      g_printerr ("ubi-journal-stats: %s\n", error->message);
      return 1;
    }
  st.info = fm_journal_reader_info (reader);
  vids = g_new0 (BlockVid, st.info->blocks);
  st = (Stats) { .info = st.info, .vids = vids, .cooled = cooled, .leb_home = leb_home, .sqnums = sqnums };
  if (base_path)
    {
      g_autoptr (FmChipDesc) desc = NULL;
      g_autoptr (FmImage) base = fm_image_open_find_chip (base_path, TRUE, &desc, &error);

      if (!base || !fm_journal_info_check_chip (st.info, desc, &error))
        {
          g_printerr ("ubi-journal-stats: %s\n", error->message);
          return 1;
        }
      for (guint64 p = 0; p < (guint64) st.info->blocks * st.info->pages_per_block; p++)
        if (fm_image_page (base, p))
          take_page (&st, p / st.info->pages_per_block, p % st.info->pages_per_block, fm_image_page (base, p));
      /* What the base holds is not what the journal wrote. */
      st.n = (Counts) { 0 };
    }
  while (fm_journal_reader_next (reader, &rec))
    {
      if (rec.op == FM_NAND_OP_ERASE)
        {
          erases++;
          if (rec.index < st.info->blocks)
            vids[rec.index].mapped = FALSE;
        }
      else if (rec.op == FM_NAND_OP_PROGRAM && rec.applied)
        {
          programs++;
          take_page (&st, rec.index / st.info->pages_per_block, rec.index % st.info->pages_per_block,
                     rec.data);
        }
    }
  g_print ("journal: %" G_GUINT64_FORMAT " programs, %" G_GUINT64_FORMAT " erases\n", programs, erases);
  g_print ("ubi: %" G_GUINT64_FORMAT " EC headers, %" G_GUINT64_FORMAT " VID headers (%" G_GUINT64_FORMAT
           " copies, %" G_GUINT64_FORMAT " of them moving data off the given blocks), %" G_GUINT64_FORMAT
           " fastmap LEBs\n", st.n.ec_headers, st.n.vid_headers, st.n.copies, st.n.moves_from_cooled, st.n.fastmap);
  g_print ("ubifs nodes:");
  for (guint i = 0; i < G_N_ELEMENTS (node_names); i++)
    if (st.n.nodes[i])
      g_print (" %s %" G_GUINT64_FORMAT, node_names[i], st.n.nodes[i]);
  g_print ("\n");
  g_print ("ubifs: %" G_GUINT64_FORMAT " commits (commit-start nodes), %" G_GUINT64_FORMAT
           " index nodes written; %" G_GUINT64_FORMAT " nodes moved by garbage collection, %"
           G_GUINT64_FORMAT " copied with their LEB by UBI\n",
           st.n.nodes[10], st.n.nodes[9], st.n.rewritten_gc, st.n.rewritten_copy);
  return 0;
}
