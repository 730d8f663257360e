/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Overlay images: a delta on a read-only base behaves as a copy of the
 * base would, never touches the base, knows its base again, survives a
 * torn write, and refuses hostile files. */
#include "fm-test-util.h"

#include <glib/gstdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  gchar *dir;
  gchar *base, *copy, *overlay;
  FmChipDesc *desc;
} Fixture;

/* Where fm-image-delta.c keeps what these tests poke (the file format). */
enum {
  DELTA_VERSION = 8,
  DELTA_PAGE_SIZE = 80,
  DELTA_BASE_KIND = 100,
  DELTA_SEED = 104,
  DELTA_BASE_GENERATION = 120,
  DELTA_BASE_PATH_LEN = 140,
  DELTA_BASE_PATH = 144,
  FRAMES = 4096,
  FRAME_HEADER = 32,
  FRAME_TYPE = 4,
  FRAME_RESERVED = 6,
  FRAME_LEN = 8,
  FRAME_PROGRAMS = 12,
  FRAME_INDEX = 16,
  FRAME_ARG = 24,
};

/* The base: a tiny chip with factory bad blocks and a workload's data,
 * so that an overlay inherits programmed pages, counters and flags. */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  FmNandCreateOptions create = { 7, 2 };
  FmImage *image;

  (void) data;
  f->dir = g_dir_make_tmp ("fm-overlay-XXXXXX", &error);
  g_assert_no_error (error);
  f->base = g_build_filename (f->dir, "base.img", NULL);
  f->copy = g_build_filename (f->dir, "copy.img", NULL);
  f->overlay = g_build_filename (f->dir, "overlay.img", NULL);
  f->desc = fm_test_tiny_desc (NULL);
  image = fm_nand_create_image (f->desc, f->base, &create, &error);
  g_assert_no_error (error);
  {
    g_autoptr (FmNand) nand = fm_nand_new (f->desc, image, FM_TIMING_VIRTUAL, &error);

    g_assert_no_error (error);
    fm_test_workload (nand, 0, 40, 600, 3, NULL);
  }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree gchar *listing = NULL;
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const gchar *name;

  (void) data;
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree gchar *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->base);
  g_free (f->copy);
  g_free (f->overlay);
  fm_chip_desc_free (f->desc);
}

static FmImage *
open_image (const gchar *path, const FmChipDesc *desc, gboolean read_only)
{
  g_autoptr (GError) error = NULL;
  FmImage *image = fm_image_open (path, desc, read_only, &error);

  g_assert_no_error (error);
  return image;
}

static FmImage *
make_overlay (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  FmImage *image = fm_image_create_overlay (f->overlay, "base.img", &error);

  g_assert_no_error (error);
  g_assert_true (fm_image_is_overlay (image));
  return image;
}

static void
make_copy (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmImage) base = open_image (f->base, f->desc, TRUE);

  g_assert_true (fm_image_copy_to (base, f->copy, &error));
}

/* Everything a chip model or a tool can read of an image. */
static void
assert_same_image (FmImage *a, FmImage *b)
{
  guint64 pages = (guint64) fm_image_blocks (a) * fm_image_pages_per_block (a);
  guint64 with_data = 0;

  g_assert_cmpuint (fm_image_blocks (a), ==, fm_image_blocks (b));
  g_assert_cmpstr (fm_image_chip_name (a), ==, fm_image_chip_name (b));
  g_assert_cmpuint (fm_image_seed (a), ==, fm_image_seed (b));
  g_assert_cmpuint (fm_image_age_ns (a), ==, fm_image_age_ns (b));
  g_assert_cmpint (fm_image_is_factory_initialised (a), ==, fm_image_is_factory_initialised (b));
  for (guint32 blk = 0; blk < fm_image_blocks (a); blk++)
    g_assert_cmpmem (fm_image_block (a, blk), sizeof (FmBlockMeta), fm_image_block (b, blk), sizeof (FmBlockMeta));
  for (guint64 p = 0; p < pages; p++)
    {
      const guint8 *x = fm_image_page (a, p), *y = fm_image_page (b, p);

      g_assert_true (!x == !y);
      if (x)
        {
          g_assert_cmpmem (x, 2048 + 64, y, 2048 + 64);
          with_data++;
        }
      g_assert_cmpuint (fm_image_page_programs (a, p), ==, fm_image_page_programs (b, p));
    }
  g_assert_cmpuint (fm_image_pages_with_data (a), ==, with_data);
  g_assert_cmpuint (fm_image_pages_with_data (b), ==, with_data);
}

/* One of every operation of the FmImage API, drawn from PRNG, done to
 * both images alike. */
static void
same_operation (FmImage *images[2], const FmChipDesc *d, FmPrng *prng)
{
  guint32 blocks = fm_image_blocks (images[0]);
  guint64 page = fm_prng_below (prng, (guint64) blocks * d->pages_per_block);
  guint32 block = fm_prng_below (prng, blocks);
  guint op = fm_prng_below (prng, 9);
  guint64 value = fm_prng_next (prng);
  gsize len = d->page_size + d->oob_size;
  g_autofree guint8 *data = fm_test_pattern (len, value);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GError) error = NULL;
      FmImage *image = images[i];

      switch (op)
        {
        case 0: /* a program: bits cleared in the page's cells */
        case 1:
          {
            guint8 *cells = fm_image_page_mut (image, page, &error);

            g_assert_no_error (error);
            for (gsize b = 0; b < len; b++)
              cells[b] &= data[b];
            fm_image_set_page_programs (image, page, fm_image_page_programs (image, page) + 1);
          }
          break;
        case 2:
          fm_image_set_page_programs (image, page, value % 16);
          break;
        case 3:
          fm_image_clear_page (image, page);
          break;
        case 4:
          fm_image_clear_block (image, block);
          break;
        case 5:
          {
            FmBlockMeta *m = fm_image_block (image, block);

            m->erase_count++;
            m->read_count += value % 3;
            m->next_page = value % (d->pages_per_block + 1);
            m->flags ^= (value >> 8) % 2 ? FM_BLOCK_WORN_OUT : 0;
          }
          break;
        case 6:
          g_assert_true (fm_powercut_program (image, d, page, data, value, value >> 20, &error));
          break;
        case 7:
          fm_powercut_erase (image, d, block, value);
          break;
        case 8:
          fm_image_set_age_ns (image, MAX (fm_image_age_ns (image), value >> 24));
          break;
        }
    }
}

static void
test_equals_copy (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  FmImage *images[2];
  FmPrng prng;

  (void) data;
  make_copy (f);
  images[0] = open_image (f->copy, f->desc, FALSE);
  images[1] = make_overlay (f);
  assert_same_image (images[0], images[1]);
  fm_prng_init (&prng, 5);
  for (guint round = 0; round < 40; round++)
    {
      for (guint i = 0; i < 50; i++)
        same_operation (images, f->desc, &prng);
      assert_same_image (images[0], images[1]);
      /* Syncs, and opens again, now and then: what was synced is kept. */
      switch (round % 4)
        {
        case 1:
          g_assert_true (fm_image_sync (images[1], &error));
          break;
        case 3:
          fm_image_close (images[1]);
          images[1] = open_image (f->overlay, f->desc, FALSE);
          assert_same_image (images[0], images[1]);
          break;
        }
    }
  fm_image_set_factory_initialised (images[1]);
  fm_image_close (images[0]);
  fm_image_close (images[1]);
  images[0] = open_image (f->copy, f->desc, TRUE);
  images[1] = open_image (f->overlay, f->desc, TRUE);
  assert_same_image (images[0], images[1]);
  fm_image_close (images[0]);
  fm_image_close (images[1]);
}

/* The chip model cannot tell: the same workload, with a power cut, on a
 * copy and on an overlay, through FmNand. */
static void
test_nand_on_overlay (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const gchar *paths[2] = { f->copy, f->overlay };

  (void) data;
  make_copy (f);
  fm_image_close (make_overlay (f));
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (FmNand) nand = fm_nand_new (f->desc, open_image (paths[i], f->desc, FALSE),
                                             FM_TIMING_VIRTUAL, &error);

      g_assert_no_error (error);
      fm_nand_set_faults (nand, fm_fault_set_parse ("powercut at-op=900", &error));
      g_assert_no_error (error);
      fm_test_workload (nand, 10, 50, 2000, 9, NULL);
      g_assert_true (fm_nand_powered_off (nand));
    }
  {
    g_autoptr (FmImage) copy = open_image (f->copy, f->desc, TRUE);
    g_autoptr (FmImage) overlay = open_image (f->overlay, f->desc, TRUE);
    FmImageOverlayInfo info;

    assert_same_image (copy, overlay);
    g_assert_true (fm_image_overlay_info (overlay, &info));
    g_assert_cmpstr (info.base_stored, ==, "base.img");
    g_assert_cmpstr (info.base_path, ==, f->base);
    g_assert_cmpuint (info.depth, ==, 1);
    g_assert_cmpuint (info.pages_with_data, >, 0);
    g_assert_cmpuint (info.dropped_bytes, ==, 0);
  }
}

static gchar *
file_digest (const gchar *path)
{
  g_autofree gchar *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static void
test_base_untouched (Fixture *f, gconstpointer data)
{
  g_autofree gchar *before = file_digest (f->base);
  g_autofree gchar *after = NULL;
  g_autoptr (GError) error = NULL;
  struct stat st;

  (void) data;
  {
    g_autoptr (FmNand) nand = fm_nand_new (f->desc, make_overlay (f), FM_TIMING_VIRTUAL, &error);
    g_autoptr (FmImage) second = NULL;

    g_assert_no_error (error);
    fm_test_workload (nand, 0, 64, 3000, 4, NULL);
    /* The base is locked shared: readable, not writable, while in use. */
    second = fm_image_open (f->base, f->desc, FALSE, &error);
    g_assert_null (second);
    g_assert_error (error, FM_ERROR, FM_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "in use"));
    g_clear_error (&error);
    second = open_image (f->base, f->desc, TRUE);
  }
  after = file_digest (f->base);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (g_stat (f->base, &st), ==, 0);
}

static void
expect_overlay_error (const gchar *path, gint code, const gchar *words, const gchar *also)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmImage) image = fm_image_open (path, NULL, TRUE, &error);

  g_assert_null (image);
  g_assert_error (error, FM_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, words));
  if (also)
    g_assert_nonnull (strstr (error->message, also));
}

static void
test_base_changed (Fixture *f, gconstpointer data)
{
  (void) data;
  fm_image_close (make_overlay (f));
  /* A writable open may change anything: the base is not the same. */
  fm_image_close (open_image (f->base, f->desc, FALSE));
  expect_overlay_error (f->overlay, FM_ERROR_IMAGE_MISMATCH, "changed since", f->base);
  /* Nor is a copy of another image put in its place. */
  g_unlink (f->base);
  {
    FmNandCreateOptions create = { 7, 2 };
    g_autoptr (GError) error = NULL;
    g_autoptr (FmImage) other = fm_nand_create_image (f->desc, f->base, &create, &error);

    g_assert_no_error (error);
  }
  expect_overlay_error (f->overlay, FM_ERROR_IMAGE_MISMATCH, "changed since", f->base);
}

static void
test_base_missing (Fixture *f, gconstpointer data)
{
  (void) data;
  fm_image_close (make_overlay (f));
  g_unlink (f->base);
  expect_overlay_error (f->overlay, FM_ERROR_IO, "No such file", f->base);
}

/* A relative base is the overlay's directory's: both move together. */
static void
test_relative_base (Fixture *f, gconstpointer data)
{
  g_autofree gchar *sub = g_build_filename (f->dir, "moved", NULL);
  g_autofree gchar *base2 = g_build_filename (sub, "base.img", NULL);
  g_autofree gchar *overlay2 = g_build_filename (sub, "overlay.img", NULL);
  g_autoptr (GError) error = NULL;

  (void) data;
  fm_image_close (make_overlay (f));
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (g_rename (f->base, base2), ==, 0);
  g_assert_cmpint (g_rename (f->overlay, overlay2), ==, 0);
  fm_image_close (open_image (overlay2, f->desc, TRUE));
  /* A relative base is looked for from the overlay's directory, not the
   * current one; the error says so. */
  fm_image_close (fm_image_create_overlay (f->overlay, "moved/base.img", &error));
  g_assert_no_error (error);
  g_unlink (f->overlay);
  g_assert_null (fm_image_create_overlay (f->overlay, "base.img", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "overlay's directory"));
  g_unlink (base2);
  g_unlink (overlay2);
  g_rmdir (sub);
}

/* Overlays on overlays: the lower one is read as it was when the upper
 * was made, whatever it takes in since; once compacted it is refused. */
static void
test_nested (Fixture *f, gconstpointer data)
{
  g_autofree gchar *top = g_build_filename (f->dir, "top.img", NULL);
  gsize len = 2048 + 64;
  g_autofree guint8 *pattern = fm_test_pattern (len, 3);
  g_autoptr (GError) error = NULL;
  FmImage *middle = make_overlay (f);
  guint8 *cells;

  (void) data;
  /* Pages 400 and 401: blocks the base's workload left erased. */
  cells = fm_image_page_mut (middle, 400, &error);
  memcpy (cells, pattern, len);
  /* What an overlay made by path sees of a delta: its last sync. */
  g_assert_true (fm_image_sync (middle, &error));
  {
    g_autoptr (FmImage) upper = fm_image_create_overlay (top, "overlay.img", &error);
    FmImageOverlayInfo info;

    g_assert_no_error (error);
    g_assert_true (fm_image_overlay_info (upper, &info));
    g_assert_cmpuint (info.depth, ==, 2);
    cells = fm_image_page_mut (upper, 401, &error);
    memset (cells, 0, len);
  }
  /* The middle one goes on: the upper one does not see it. */
  cells = fm_image_page_mut (middle, 400, &error);
  memset (cells, 0x11, len);
  fm_image_clear_block (middle, 12);
  fm_image_close (middle);
  {
    g_autoptr (FmImage) upper = open_image (top, f->desc, FALSE);
    g_autoptr (FmImage) below = open_image (f->overlay, f->desc, TRUE);

    g_assert_cmpmem (fm_image_page (upper, 400), len, pattern, len);
    g_assert_cmphex (fm_image_page (upper, 401)[7], ==, 0);
    g_assert_cmphex (fm_image_page (below, 400)[0], ==, 0x11);
    g_assert_null (fm_image_page (below, 401));
  }
  /* Written over and over, the middle one is compacted: a new
   * generation, which the upper one refuses. */
  middle = open_image (f->overlay, f->desc, FALSE);
  for (guint round = 0; round < 8; round++)
    {
      for (guint64 p = 0; p < 512; p++)
        {
          cells = fm_image_page_mut (middle, p, &error);
          g_assert_no_error (error);
          memset (cells, round, len);
        }
      g_assert_true (fm_image_sync (middle, &error));
      for (guint64 p = 0; p < 512; p++)
        fm_image_clear_page (middle, p);
      g_assert_true (fm_image_sync (middle, &error));
    }
  {
    FmImageOverlayInfo info;

    g_assert_true (fm_image_overlay_info (middle, &info));
    g_assert_cmpuint (info.generation, >, 1);
  }
  fm_image_close (middle);
  expect_overlay_error (top, FM_ERROR_IMAGE_MISMATCH, "changed since", f->overlay);
  g_unlink (top);
}

/* Pages rewritten sync after sync: the delta is compacted, stays near
 * the size of what it holds, and holds what a copy does. */
static void
test_compaction (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  FmImage *images[2];
  gsize len = 2048 + 64;
  FmImageOverlayInfo info;
  FmPrng prng;
  struct stat st;

  (void) data;
  make_copy (f);
  images[0] = open_image (f->copy, f->desc, FALSE);
  images[1] = make_overlay (f);
  fm_prng_init (&prng, 12);
  for (guint round = 0; round < 12; round++)
    {
      for (guint64 p = 256; p < 512; p++)
        {
          guint8 value = fm_prng_next (&prng);

          for (guint i = 0; i < 2; i++)
            {
              guint8 *cells;

              if (round % 3 == 2 && p % 8 == 0)
                {
                  fm_image_clear_block (images[i], p / 8);
                  continue;
                }
              cells = fm_image_page_mut (images[i], p, &error);
              g_assert_no_error (error);
              memset (cells, value, len);
              fm_image_set_page_programs (images[i], p, round % 16);
            }
        }
      g_assert_true (fm_image_sync (images[1], &error));
      assert_same_image (images[0], images[1]);
    }
  g_assert_true (fm_image_overlay_info (images[1], &info));
  g_assert_cmpuint (info.generation, >, 1);
  fm_image_close (images[1]);
  images[1] = open_image (f->overlay, f->desc, TRUE);
  assert_same_image (images[0], images[1]);
  /* 256 pages of 2112 bytes live; 12 rounds of them written. */
  g_assert_cmpint (g_stat (f->overlay, &st), ==, 0);
  g_test_message ("delta: %" G_GINT64_FORMAT " bytes", (gint64) st.st_size);
  g_assert_cmpint (st.st_size, <, 5 * 256 * 2200);
  fm_image_close (images[0]);
  fm_image_close (images[1]);
}

/* Bases that loop, or pile up past the limit, are refused. */
static void
test_depth_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gchar name[32];
  guint n;

  (void) data;
  fm_image_close (make_overlay (f));
  for (n = 1;; n++)
    {
      g_autofree gchar *below = n == 1 ? g_strdup ("overlay.img") : g_strdup_printf ("ov%u.img", n - 1);
      g_autofree gchar *path = NULL;
      FmImage *image;

      g_snprintf (name, sizeof name, "ov%u.img", n);
      path = g_build_filename (f->dir, name, NULL);
      image = fm_image_create_overlay (path, below, &error);
      if (!image)
        break;
      fm_image_close (image);
    }
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "on top of each other"));
  /* overlay.img and ov1..ov15 made: 16 deltas, the most there may be. */
  g_assert_cmpuint (n, ==, 16);
}

/* What was synced survives a crash; what followed the last sync is
 * dropped, said, and cut off by the next writable open. */
static void
test_torn_delta (Fixture *f, gconstpointer data)
{
  g_autofree gchar *crashed = g_build_filename (f->dir, "crashed.img", NULL);
  gsize len = 2048 + 64;
  g_autoptr (GError) error = NULL;
  FmImage *image = make_overlay (f);
  guint8 *cells;
  struct stat st;

  (void) data;
  /* Pages 400 and 401 (block 50): left erased by the base's workload. */
  cells = fm_image_page_mut (image, 400, &error);
  memset (cells, 0x22, len);
  fm_image_block (image, 50)->erase_count = 77;
  g_assert_true (fm_image_sync (image, &error));
  cells = fm_image_page_mut (image, 401, &error);
  memset (cells, 0x33, len);
  fm_image_clear_page (image, 400);
  /* The file as a crash leaves it: the frames since the sync are in it,
   * unfinished. */
  {
    g_autofree gchar *contents = NULL;
    gsize size;

    g_assert_true (g_file_get_contents (f->overlay, &contents, &size, NULL));
    g_assert_true (g_file_set_contents (crashed, contents, size, NULL));
  }
  fm_image_close (image);
  {
    g_autoptr (FmImage) torn = open_image (crashed, f->desc, TRUE);
    FmImageOverlayInfo info;

    g_assert_cmphex (fm_image_page (torn, 400)[9], ==, 0x22);
    g_assert_cmpuint (fm_image_block (torn, 50)->erase_count, ==, 77);
    g_assert_null (fm_image_page (torn, 401));
    g_assert_true (fm_image_overlay_info (torn, &info));
    g_assert_cmpuint (info.dropped_bytes, >, 0);
    g_assert_cmpuint (info.syncs, ==, 1);
  }
  fm_image_close (open_image (crashed, f->desc, FALSE));
  {
    g_autoptr (FmImage) again = open_image (crashed, f->desc, TRUE);
    FmImageOverlayInfo info;

    g_assert_true (fm_image_overlay_info (again, &info));
    g_assert_cmpuint (info.dropped_bytes, ==, 0);
    g_assert_cmpint (g_stat (crashed, &st), ==, 0);
  }
  /* Cut anywhere in the last sync's frames (the data frame with 401's
   * slot, the page frame naming it, a no-data frame for 400, the sync:
   * 2144 + 32 + 32 + 48 bytes), the file opens at the sync before. */
  {
    g_autoptr (FmImage) clean = open_image (f->overlay, f->desc, TRUE);
    guint64 end;

    g_assert_cmphex (fm_image_page (clean, 401)[0], ==, 0x33);
    g_assert_null (fm_image_page (clean, 400));
    g_clear_pointer (&clean, fm_image_close);
    g_assert_cmpint (g_stat (f->overlay, &st), ==, 0);
    end = st.st_size;
    for (guint64 cut = end - 1; cut > end - 2256; cut -= 97)
      {
        g_autoptr (FmImage) torn = NULL;

        g_assert_cmpint (truncate (f->overlay, cut), ==, 0);
        torn = open_image (f->overlay, f->desc, TRUE);
        g_assert_cmphex (fm_image_page (torn, 400)[0], ==, 0x22);
        g_assert_null (fm_image_page (torn, 401));
      }
  }
}

/* A delta that grows past the disk's room fails the program, and is
 * whole afterwards. */
static void
test_no_room (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  FmImage *image = make_overlay (f);
  struct rlimit saved;
  gsize len = 2048 + 64;
  guint64 p;

  (void) data;
  g_assert_nonnull (fm_image_page_mut (image, 0, &error));
  fm_test_forbid_growth (f->overlay, &saved);
  /* The room taken ahead fills up, then a page finds none. */
  for (p = 1; p < 512; p++)
    {
      guint8 *cells = fm_image_page_mut (image, p, &error);

      if (!cells)
        break;
      memset (cells, 0, len);
    }
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, f->overlay));
  g_assert_cmpuint (p, >, 1);
  g_assert_cmpuint (p, <, 512);
  g_clear_error (&error);
  fm_test_allow_growth (&saved);
  g_assert_true (fm_image_sync (image, &error));
  fm_image_close (image);
  image = open_image (f->overlay, f->desc, TRUE);
  for (guint64 q = 1; q < p; q++)
    g_assert_cmphex (fm_image_page (image, q)[0], ==, 0);
  fm_image_close (image);
}

static void
test_flatten (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *flat = g_build_filename (f->dir, "flat.img", NULL);
  FmImage *images[2];
  FmPrng prng;

  (void) data;
  make_copy (f);
  images[0] = open_image (f->copy, f->desc, FALSE);
  images[1] = make_overlay (f);
  fm_prng_init (&prng, 8);
  for (guint i = 0; i < 500; i++)
    same_operation (images, f->desc, &prng);
  g_assert_true (fm_image_flatten_to (images[1], flat, &error));
  g_assert_no_error (error);
  fm_image_close (images[1]);
  g_unlink (f->base);
  images[1] = open_image (flat, f->desc, TRUE);
  g_assert_false (fm_image_is_overlay (images[1]));
  assert_same_image (images[0], images[1]);
  fm_image_close (images[0]);
  fm_image_close (images[1]);
}

/* An overlay made on an open overlay (the campaign's way) sees it as it
 * was then, while the lower one goes on. */
static void
test_overlay_on_open (Fixture *f, gconstpointer data)
{
  g_autofree gchar *cut = g_build_filename (f->dir, "cut.img", NULL);
  g_autoptr (GError) error = NULL;
  gsize len = 2048 + 64;
  FmImage *prefix = make_overlay (f);
  FmImage *base = NULL;
  guint8 *cells;

  (void) data;
  fm_image_set_scratch (prefix);
  cells = fm_image_page_mut (prefix, 410, &error);
  memset (cells, 0x44, len);
  {
    g_autoptr (FmImage) upper = fm_image_create_overlay_on (cut, prefix, "overlay.img", TRUE, &error);

    g_assert_no_error (error);
    g_assert_cmphex (fm_image_page (upper, 410)[0], ==, 0x44);
    cells = fm_image_page_mut (upper, 411, &error);
    memset (cells, 0x55, len);
  }
  cells = fm_image_page_mut (prefix, 410, &error);
  g_assert_no_error (error);
  memset (cells, 0x66, len);
  cells = fm_image_page_mut (prefix, 412, &error);
  memset (cells, 0x66, len);
  g_assert_true (fm_image_sync (prefix, &error));
  {
    g_autoptr (FmImage) upper = open_image (cut, f->desc, FALSE);

    g_assert_cmphex (fm_image_page (upper, 410)[0], ==, 0x44);
    g_assert_cmphex (fm_image_page (upper, 411)[0], ==, 0x55);
    g_assert_null (fm_image_page (upper, 412));
  }
  fm_image_close (prefix);
  /* A full image opened writable cannot be a base. */
  base = open_image (f->base, f->desc, FALSE);
  g_assert_null (fm_image_create_overlay_on (cut, base, "base.img", FALSE, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
  fm_image_close (base);
  g_unlink (cut);
}

/* ---- hostile files ---- */

static void
poke (const gchar *path, goffset offset, const void *bytes, gsize len)
{
  int fd = open (path, O_RDWR);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, bytes, len, offset), ==, (gssize) len);
  close (fd);
}

/* Writes VALUE (LEN bytes) into the frame at FRAME and gives the frame
 * a valid CRC: only the checks behind the CRC can refuse it. */
static void
poke_frame (const gchar *path, goffset frame, goffset field, guint64 value, guint len)
{
  guint8 header[FRAME_HEADER];
  guint32 crc = 0;
  int fd = open (path, O_RDWR);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pread (fd, header, sizeof header, frame), ==, sizeof header);
  memcpy (header + field, &value, len);
  memcpy (header, &crc, 4);
  crc = fm_crc32 (0, header, sizeof header);
  memcpy (header, &crc, 4);
  g_assert_cmpint (pwrite (fd, header, sizeof header, frame), ==, sizeof header);
  close (fd);
}

/* An overlay with one page and a sync, then a block record and a sync:
 * DATA (a slot) at 4096, PAGE, COMMIT, BLOCK, COMMIT. */
static void
make_small_overlay (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  FmImage *image = make_overlay (f);
  guint8 *cells = fm_image_page_mut (image, 5, &error);

  g_assert_no_error (error);
  memset (cells, 0x12, 2048 + 64);
  fm_image_set_page_programs (image, 5, 1);
  g_assert_true (fm_image_sync (image, &error));
  fm_image_block (image, 3)->erase_count = 9;
  g_assert_true (fm_image_sync (image, &error));
  fm_image_close (image);
}

enum {
  DATA_FRAME = FRAMES,
  PAGE_FRAME = DATA_FRAME + FRAME_HEADER + 2112,
  FIRST_COMMIT = PAGE_FRAME + FRAME_HEADER,
  BLOCK_FRAME = FIRST_COMMIT + FRAME_HEADER + 16,
  SECOND_COMMIT = BLOCK_FRAME + FRAME_HEADER + 64,
};

static void
test_hostile_header (Fixture *f, gconstpointer data)
{
  static const struct {
    goffset offset;
    guint64 value;
    guint len;
    gint code;
    const gchar *words;
  } cases[] = {
    { DELTA_VERSION, 2, 4, FM_ERROR_IMAGE_MISMATCH, "format version 2" },
    { DELTA_BASE_KIND, 3, 4, FM_ERROR_IMAGE_CORRUPT, "base_kind" },
    { DELTA_BASE_PATH_LEN, 0, 4, FM_ERROR_IMAGE_CORRUPT, "base_path_len" },
    { DELTA_BASE_PATH_LEN, 5000, 4, FM_ERROR_IMAGE_CORRUPT, "base_path_len" },
    { DELTA_BASE_PATH_LEN, 4, 4, FM_ERROR_IMAGE_CORRUPT, "base_path is not" },
    { DELTA_BASE_PATH + 40, 1, 4, FM_ERROR_IMAGE_CORRUPT, "past the base path" },
    { DELTA_PAGE_SIZE, 4096, 4, FM_ERROR_IMAGE_CORRUPT, "page_size" },
    { DELTA_SEED, 8, 8, FM_ERROR_IMAGE_CORRUPT, "seed" },
    { DELTA_BASE_GENERATION, 99, 8, FM_ERROR_IMAGE_MISMATCH, "changed since" },
  };

  (void) data;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_unlink (f->overlay);
      make_small_overlay (f);
      fm_test_image_poke (f->overlay, cases[i].offset, cases[i].value, cases[i].len);
      expect_overlay_error (f->overlay, cases[i].code, cases[i].words, NULL);
    }
  /* Without a valid checksum nothing else counts. */
  g_unlink (f->overlay);
  make_small_overlay (f);
  poke (f->overlay, DELTA_BASE_PATH + 200, "x", 1);
  expect_overlay_error (f->overlay, FM_ERROR_IMAGE_CORRUPT, "checksum", NULL);
}

static void
test_hostile_base_path (Fixture *f, gconstpointer data)
{
  g_autofree gchar *fifo = g_build_filename (f->dir, "fifo", NULL);
  const gchar *names[] = { "/dev/zero", "fifo", "overlay.img", "." };

  (void) data;
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gchar field[64] = { 0 };

      g_unlink (f->overlay);
      make_small_overlay (f);
      memcpy (field, names[i], strlen (names[i]));
      poke (f->overlay, DELTA_BASE_PATH, field, sizeof field);
      fm_test_image_poke (f->overlay, DELTA_BASE_PATH_LEN, strlen (names[i]), 4);
      /* A device or FIFO is never opened; the overlay itself as its own
       * base loops until the depth limit. */
      expect_overlay_error (f->overlay, i == 2 ? FM_ERROR_UNSUPPORTED : FM_ERROR_IMAGE_CORRUPT,
                            i == 2 ? "on top of each other" : "not a regular file", NULL);
    }
  g_unlink (fifo);
}

static void
test_hostile_frames (Fixture *f, gconstpointer data)
{
  static const struct {
    goffset frame, field;
    guint64 value;
    guint len;
    const gchar *words;
  } cases[] = {
    { PAGE_FRAME, FRAME_INDEX, 64 * 8, 8, "past the chip's" },
    { PAGE_FRAME, FRAME_INDEX, G_MAXUINT64, 8, "past the chip's" },
    { PAGE_FRAME, FRAME_PROGRAMS, 16, 4, "more than 15" },
    { PAGE_FRAME, FRAME_LEN, 8, 4, "a page frame of 8 bytes" },
    { PAGE_FRAME, FRAME_ARG, DATA_FRAME, 8, "not a slot of a data frame since the last sync" },
    { PAGE_FRAME, FRAME_ARG, DATA_FRAME + FRAME_HEADER + 8, 8, "not a slot of a data frame" },
    { PAGE_FRAME, FRAME_ARG, PAGE_FRAME, 8, "not a slot of a data frame" },
    { DATA_FRAME, FRAME_LEN, 2104, 4, "a data frame of 2104 bytes" },
    { DATA_FRAME, FRAME_ARG, 1, 8, "an argument of 1 in a frame of type 1" },
    { PAGE_FRAME, FRAME_TYPE, 9, 2, "unknown frame type 9" },
    { PAGE_FRAME, FRAME_RESERVED, 1, 2, "reserved" },
    { BLOCK_FRAME, FRAME_INDEX, 64, 8, "block 64, past" },
    { BLOCK_FRAME, FRAME_HEADER + 20, 9, 2, "next_page is 9" },
    { BLOCK_FRAME, FRAME_HEADER + 4, 0x80, 4, "unknown bits" },
    { FIRST_COMMIT, FRAME_HEADER + 8, 2, 8, "is number 2, after number 0" },
  };
  g_autoptr (GError) error = NULL;

  (void) data;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_unlink (f->overlay);
      make_small_overlay (f);
      /* Payload fields are covered by no CRC of their own; header
       * fields get a valid one. */
      if (cases[i].field >= FRAME_HEADER)
        poke (f->overlay, cases[i].frame + cases[i].field, &cases[i].value, cases[i].len);
      else
        poke_frame (f->overlay, cases[i].frame, cases[i].field, cases[i].value, cases[i].len);
      expect_overlay_error (f->overlay, FM_ERROR_IMAGE_CORRUPT, cases[i].words, "corrupt overlay");
    }
  /* No-data runs: 1 page to the rest of the block (page 5 of 8: 3). */
  for (guint64 count = 0; count <= 4; count += 4)
    {
      g_unlink (f->overlay);
      make_small_overlay (f);
      poke_frame (f->overlay, PAGE_FRAME, FRAME_TYPE, 3, 2);
      poke_frame (f->overlay, PAGE_FRAME, FRAME_ARG, count, 8);
      expect_overlay_error (f->overlay, FM_ERROR_IMAGE_CORRUPT, "not 1 to the rest of its block", NULL);
    }
  /* A frame whose CRC fails ends the log there: a torn write. */
  g_unlink (f->overlay);
  make_small_overlay (f);
  poke (f->overlay, BLOCK_FRAME + FRAME_INDEX, "\x01", 1);
  {
    g_autoptr (FmImage) image = open_image (f->overlay, f->desc, TRUE);
    FmImageOverlayInfo info;

    g_assert_cmphex (fm_image_page (image, 5)[0], ==, 0x12);
    g_assert_cmpuint (fm_image_block (image, 3)->erase_count, !=, 9);
    g_assert_true (fm_image_overlay_info (image, &info));
    g_assert_cmpuint (info.syncs, ==, 1);
    g_assert_cmpuint (info.dropped_bytes, ==, SECOND_COMMIT + FRAME_HEADER + 16 - BLOCK_FRAME);
  }
  /* A length past the end of the file is a frame cut short. */
  g_unlink (f->overlay);
  make_small_overlay (f);
  poke_frame (f->overlay, BLOCK_FRAME, FRAME_LEN, G_MAXUINT32, 4);
  {
    g_autoptr (FmImage) image = open_image (f->overlay, f->desc, TRUE);

    g_assert_cmpuint (fm_image_block (image, 3)->erase_count, !=, 9);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/overlay/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("equals-copy", test_equals_copy);
  ADD ("nand-on-overlay", test_nand_on_overlay);
  ADD ("base-untouched", test_base_untouched);
  ADD ("base-changed", test_base_changed);
  ADD ("base-missing", test_base_missing);
  ADD ("relative-base", test_relative_base);
  ADD ("nested", test_nested);
  ADD ("depth-limit", test_depth_limit);
  ADD ("compaction", test_compaction);
  ADD ("torn-delta", test_torn_delta);
  ADD ("no-room", test_no_room);
  ADD ("flatten", test_flatten);
  ADD ("overlay-on-open", test_overlay_on_open);
  ADD ("hostile-header", test_hostile_header);
  ADD ("hostile-base-path", test_hostile_base_path);
  ADD ("hostile-frames", test_hostile_frames);
#undef ADD
  return g_test_run ();
}
