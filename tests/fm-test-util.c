/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-test-util.h"

#include <fcntl.h>
#include <signal.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const gchar tiny_text[] =
  "[chip]\n"
  "name=test-tiny\n"
  "vendor=Test\n"
  "part=TINY-1\n"
  "type=nand-slc\n"
  "datasheet=none: a made-up part for unit tests\n"
  "[id]\n"
  "bytes=2c;dc;90;95;56\n"
  "[geometry]\n"
  "page-size=2048\n"
  "oob-size=64\n"
  "pages-per-block=8\n"
  "blocks-per-lun=64\n"
  "luns=1\n"
  "planes=2\n"
  "bus-width=8\n"
  "[commands]\n"
  "optional=cache-program;read-cache;get-set-features;read-status-enhanced;copyback;read-unique-id;multi-plane\n"
  "[onfi]\n"
  "version=1.0\n"
  "manufacturer=TEST\n"
  "model=TINY-1\n"
  "jedec-id=0x2c\n"
  "timing-modes=0;1;2;3;4;5\n"
  "ecc-bits=4\n"
  "feature-addresses=0x80;0x81\n"
  "[timing]\n"
  "tR-typ-us=25\n"
  "tR-max-us=25\n"
  "tPROG-typ-us=200\n"
  "tPROG-max-us=600\n"
  "tBERS-typ-us=700\n"
  "tBERS-max-us=3000\n"
  "tCBSY-typ-us=3\n"
  "tCBSY-max-us=600\n"
  "tRCBSY-typ-us=3\n"
  "tRCBSY-max-us=25\n"
  "tDBSY-typ-us=0.5\n"
  "tDBSY-max-us=1\n"
  "[reliability]\n"
  "nop=4\n"
  "sequential-program=true\n"
  "pe-cycles=100000\n"
  "factory-bad-blocks-max=4\n"
  "bad-block-marker-offset=0\n"
  "bad-block-marker-pages=first\n";

/* Made-up NOR parts: a CFI part with boot sectors, a small SPI part. */
const gchar fm_test_nor_cfi_text[] =
  "[chip]\n"
  "name=test-cfi\nvendor=Test\npart=T29BOOT\ntype=nor-cfi\ndatasheet=none\n"
  "[nor]\n"
  "size=262144\nerase-regions=8x8192;3x65536\nprogram-buffer=64\npe-cycles=100000\n"
  "[nor-timing]\n"
  "word-program-typ-us=60\nword-program-max-us=200\n"
  "buffer-program-typ-us=240\nbuffer-program-max-us=1000\n"
  "sector-erase-typ-ms=500\nsector-erase-max-ms=3500\n"
  "chip-erase-typ-ms=4000\nchip-erase-max-ms=20000\n"
  "[cfi]\n"
  "command-set=0x0002\nbus-widths=8;16\nmanufacturer-id=0x0001\ndevice-id=0x227e;0x2221;0x2201\n"
  "vcc-min-mv=2700\nvcc-max-mv=3600\nprimary-table-address=0x40\n"
  "primary-table=50;52;49;31;33;08;02;01;01;04;00;00;00;00;00;02\n";

const gchar fm_test_nor_spi_text[] =
  "[chip]\n"
  "name=test-spi\nvendor=Test\npart=T25Q512\ntype=spi-nor\ndatasheet=none\n"
  "[nor]\n"
  "size=65536\nprogram-buffer=256\npe-cycles=100000\n"
  "[nor-timing]\n"
  "word-program-typ-us=30\nword-program-max-us=50\n"
  "buffer-program-typ-us=400\nbuffer-program-max-us=3000\n"
  "chip-erase-typ-ms=200\nchip-erase-max-ms=1000\n"
  "[spi]\n"
  "jedec-id=ef;40;10\n"
  "erase-types=32768@0x52:120:1600;4096@0x20:45:400\n"
  "top-bottom-bit=true\n";

gchar *
fm_test_tiny_text_with (const gchar *group, const gchar *key, const gchar *line)
{
  return fm_test_text_with (tiny_text, group, key, line);
}

gchar *
fm_test_text_with (const gchar *base, const gchar *group, const gchar *key, const gchar *line)
{
  g_auto (GStrv) lines = g_strsplit (base, "\n", -1);
  GString *out = g_string_new (NULL);
  g_autofree gchar *group_header = g_strdup_printf ("[%s]", group);
  g_autofree gchar *key_prefix = key ? g_strdup_printf ("%s=", key) : NULL;
  gboolean in_group = FALSE, done = FALSE;

  for (guint i = 0; lines[i]; i++)
    {
      if (lines[i][0] == '[')
        {
          /* Key absent from its group: add it before the next group. */
          if (in_group && !done && line)
            {
              g_string_append_printf (out, "%s\n", line);
              done = TRUE;
            }
          in_group = g_str_equal (lines[i], group_header);
        }
      if (in_group && key_prefix && g_str_has_prefix (lines[i], key_prefix))
        {
          if (line && *line)
            g_string_append_printf (out, "%s\n", line);
          done = TRUE;
          continue;
        }
      if (*lines[i])
        g_string_append_printf (out, "%s\n", lines[i]);
    }
  if (!done && line && *line)
    {
      if (!in_group)
        g_string_append_printf (out, "%s\n", group_header);
      g_string_append_printf (out, "%s\n", line);
    }
  return g_string_free (out, FALSE);
}

FmChipDesc *
fm_test_tiny_desc (const gchar *reliability_extra)
{
  g_autofree gchar *text = NULL;
  g_autoptr (GError) error = NULL;
  FmChipDesc *d;

  if (reliability_extra)
    {
      g_auto (GStrv) kv = g_strsplit (reliability_extra, "=", 2);

      text = fm_test_tiny_text_with ("reliability", kv[0], reliability_extra);
    }
  else
    text = g_strdup (tiny_text);
  d = fm_chip_desc_load_data (text, "test-tiny", &error);
  g_assert_no_error (error);
  return d;
}

FmChipDesc *
fm_test_chip (const gchar *name)
{
  g_autoptr (GError) error = NULL;
  FmChipDesc *d = fm_chip_desc_lookup (name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (d);
  return d;
}

FmNand *
fm_test_nand (const FmChipDesc *desc, guint64 seed, gint bad, FmTimingMode timing)
{
  FmNandCreateOptions options = { seed, bad };
  g_autoptr (GError) error = NULL;
  FmImage *image = fm_nand_create_image (desc, NULL, &options, &error);
  FmNand *nand;

  g_assert_no_error (error);
  nand = fm_nand_new (desc, image, timing, &error);
  g_assert_no_error (error);
  return nand;
}

gboolean
fm_test_all_ff (const guint8 *buf, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (buf[i] != 0xff)
      return FALSE;
  return TRUE;
}

guint8 *
fm_test_pattern (gsize len, guint64 seed)
{
  guint8 *buf = g_malloc (len);
  FmPrng prng;

  fm_prng_init (&prng, seed);
  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8) fm_prng_next (&prng);
  return buf;
}

gboolean
fm_test_workload (FmNand *nand, guint32 first, guint32 blocks, guint64 ops, guint64 seed,
                  GError **error)
{
  const FmChipDesc *d = fm_nand_desc (nand);
  gsize page_bytes = fm_nand_page_bytes (nand);
  g_autofree guint8 *buf = g_malloc (page_bytes);
  guint64 end = fm_nand_operations (nand) + ops;
  GError *local = NULL;
  FmPrng prng;

  fm_prng_init (&prng, seed);
  for (guint32 i = 0; fm_nand_operations (nand) < end; i = (i + 1) % blocks)
    {
      guint32 block = first + i;
      gboolean bad;

      if (!fm_nand_block_is_bad (nand, block, &bad, &local))
        goto fail;
      if (bad)
        continue;
      if (!fm_nand_erase_block (nand, block, &local))
        {
          /* As a file system would: leave the block, carry on. */
          if (!g_error_matches (local, FM_ERROR, FM_ERROR_ERASE_FAILED))
            goto fail;
          g_clear_error (&local);
          continue;
        }
      for (guint p = 0; p < d->pages_per_block && fm_nand_operations (nand) < end; p++)
        {
          for (gsize b = 0; b < page_bytes; b++)
            buf[b] = (guint8) fm_prng_next (&prng);
          /* Keep the bad block marker bytes clear, as ECC layouts do. */
          memset (buf + d->page_size, 0xff, 2);
          if (!fm_nand_program_page (nand, block, p, buf, &local))
            {
              if (!g_error_matches (local, FM_ERROR, FM_ERROR_PROGRAM_FAILED))
                goto fail;
              g_clear_error (&local);
              break;
            }
          if (fm_prng_below (&prng, 4) == 0 &&
              !fm_nand_read_page (nand, block, fm_prng_below (&prng, p + 1), buf, &local))
            goto fail;
        }
    }
  return TRUE;

fail:
  g_propagate_error (error, local);
  return FALSE;
}

void
fm_test_bus_init (FmTestBus *f, FmChipDesc *desc, FmNand *nand)
{
  f->desc = desc;
  f->nand = nand;
  f->bus = fm_nand_bus_new (nand);
  fm_nand_bus_set_ce (f->bus, TRUE);
  fm_nand_bus_command (f->bus, 0xff);
  fm_nand_bus_wait_ready (f->bus);
}

void
fm_test_bus_clear (FmTestBus *f)
{
  fm_nand_bus_free (f->bus);
  fm_nand_free (f->nand);
  fm_chip_desc_free (f->desc);
}

void
fm_test_bus_cmd_addr (FmNandBus *bus, guint8 cmd, const guint8 *addr, guint naddr)
{
  fm_nand_bus_command (bus, cmd);
  for (guint i = 0; i < naddr; i++)
    fm_nand_bus_address (bus, addr[i]);
}

guint
fm_test_bus_address (const FmChipDesc *d, guint32 block, guint page, guint column, guint8 *out)
{
  guint cols = fm_chip_desc_col_cycles (d);
  guint rows = fm_chip_desc_row_cycles (d);
  guint lun = block / d->blocks_per_lun;
  guint32 row = (lun << (fm_chip_desc_page_bits (d) + fm_chip_desc_block_bits (d)))
                | ((block % d->blocks_per_lun) << fm_chip_desc_page_bits (d)) | page;
  guint n = 0;

  column /= d->bus_width / 8;
  for (guint i = 0; i < cols; i++)
    out[n++] = (column >> (8 * i)) & 0xff;
  for (guint i = 0; i < rows; i++)
    out[n++] = (row >> (8 * i)) & 0xff;
  return n;
}

guint8
fm_test_bus_status (FmNandBus *bus)
{
  fm_nand_bus_command (bus, 0x70);
  return fm_nand_bus_read (bus) & 0xff;
}

guint8
fm_test_bus_program (FmNandBus *bus, const FmChipDesc *d, guint32 block, guint page,
                     guint column, const guint8 *data, gsize len, guint8 confirm)
{
  guint8 addr[8];
  guint n = fm_test_bus_address (d, block, page, column, addr);

  fm_test_bus_cmd_addr (bus, 0x80, addr, n);
  fm_nand_bus_write_buf (bus, data, len);
  fm_nand_bus_command (bus, confirm);
  fm_nand_bus_wait_ready (bus);
  return fm_test_bus_status (bus);
}

guint8
fm_test_bus_read (FmNandBus *bus, const FmChipDesc *d, guint32 block, guint page,
                  guint column, guint8 *out, gsize len)
{
  guint8 addr[8];
  guint n = fm_test_bus_address (d, block, page, column, addr);
  guint8 status;

  fm_test_bus_cmd_addr (bus, 0x00, addr, n);
  fm_nand_bus_command (bus, 0x30);
  fm_nand_bus_wait_ready (bus);
  status = fm_test_bus_status (bus);
  fm_nand_bus_command (bus, 0x00); /* back to data output after 70h */
  fm_nand_bus_read_buf (bus, out, len);
  return status;
}

/* ---- journals ------------------------------------------------------------ */

void
fm_test_record (FmTestRecording *r, const gchar *chip, guint64 ops, const gchar *faults)
{
  fm_test_record_blocks (r, chip, 0, ops, faults);
}

typedef struct {
  FmJournalWriter *writer;
  guint every;
} MarkingObserver;

/* Appends EVENT, then a mark after every EVERY-th operation. */
static void
observe_and_mark (gpointer user_data, const FmNandEvent *event)
{
  MarkingObserver *m = user_data;

  fm_journal_writer_observe (m->writer, event);
  if (event->seq % m->every == 0)
    {
      g_autofree gchar *label = g_strdup_printf ("after-%" G_GUINT64_FORMAT, event->seq);
      g_autoptr (GError) error = NULL;

      g_assert_true (fm_journal_writer_mark (m->writer, label, &error));
      g_assert_no_error (error);
    }
}

/* What fm_test_record_blocks() runs. */
typedef struct {
  guint32 blocks;
  guint64 ops;
} PageWorkload;

static void
page_workload (FmNand *nand, gpointer user_data)
{
  const PageWorkload *w = user_data;

  fm_test_workload (nand, 0, w->blocks ? w->blocks : fm_chip_desc_blocks (fm_nand_desc (nand)),
                    w->ops, 11, NULL);
}

void
fm_test_record_blocks (FmTestRecording *r, const gchar *chip, guint32 blocks, guint64 ops,
                       const gchar *faults)
{
  PageWorkload w = { blocks, ops };

  fm_test_record_with (r, chip, faults, page_workload, &w);
}

void
fm_test_record_with (FmTestRecording *r, const gchar *chip, const gchar *faults,
                     FmTestWorkloadFunc func, gpointer user_data)
{
  MarkingObserver marking = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FmImage) base = NULL;
  g_autoptr (FmJournalWriter) w = NULL;
  g_autofree gchar *live_path = NULL;
  FmNandCreateOptions create = { 7, -1 };
  FmImage *live;

  r->dir = g_dir_make_tmp ("test-journal-XXXXXX", &error);
  g_assert_no_error (error);
  r->desc = chip ? fm_test_chip (chip) : fm_test_tiny_desc (NULL);
  r->base_path = g_build_filename (r->dir, "base.img", NULL);
  r->journal_path = g_build_filename (r->dir, "run.journal", NULL);
  live_path = g_build_filename (r->dir, "live.img", NULL);
  base = fm_nand_create_image (r->desc, r->base_path, &create, &error);
  g_assert_no_error (error);
  g_assert_true (fm_image_copy_to (base, live_path, &error));
  g_clear_pointer (&base, fm_image_close);
  live = fm_image_open (live_path, r->desc, FALSE, &error);
  g_assert_no_error (error);
  r->nand = fm_nand_new (r->desc, live, FM_TIMING_VIRTUAL, &error);
  g_assert_no_error (error);
  if (faults)
    {
      fm_nand_set_faults (r->nand, fm_fault_set_parse (faults, &error));
      g_assert_no_error (error);
    }
  w = fm_journal_writer_new (r->journal_path, fm_nand_image (r->nand), r->desc, 1, FALSE, &error);
  g_assert_no_error (error);
  if (r->mark_every)
    {
      marking = (MarkingObserver) { w, r->mark_every };
      g_assert_true (fm_journal_writer_mark (w, "start", &error));
      fm_nand_set_observer (r->nand, observe_and_mark, &marking);
    }
  else
    fm_nand_set_observer (r->nand, fm_journal_writer_observe, w);
  func (r->nand, user_data);
  fm_nand_set_observer (r->nand, NULL, NULL);
  g_assert_null (fm_journal_writer_failed (w));
  r->ops = fm_journal_writer_records (w);
  r->marks = fm_journal_writer_marks (w);
  g_assert_true (fm_journal_writer_close (g_steal_pointer (&w), &error));
  g_assert_no_error (error);
}

void
fm_test_remove_dir (const gchar *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree gchar *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

void
fm_test_recording_clear (FmTestRecording *r)
{
  fm_nand_free (r->nand);
  fm_test_remove_dir (r->dir);
  g_free (r->dir);
  g_free (r->base_path);
  g_free (r->journal_path);
  fm_chip_desc_free (r->desc);
}


void
fm_test_assert_same_chip (FmImage *a, FmImage *b, const FmChipDesc *d)
{
  gsize page_bytes = d->page_size + d->oob_size;

  for (guint32 blk = 0; blk < fm_chip_desc_blocks (d); blk++)
    {
      g_assert_cmpuint (fm_image_block (a, blk)->erase_count, ==, fm_image_block (b, blk)->erase_count);
      g_assert_cmpuint (fm_image_block (a, blk)->flags, ==, fm_image_block (b, blk)->flags);
      g_assert_cmpuint (fm_image_block (a, blk)->program_count, ==, fm_image_block (b, blk)->program_count);
      g_assert_cmpuint (fm_image_block (a, blk)->read_count, ==, fm_image_block (b, blk)->read_count);
    }
  for (guint64 p = 0; p < fm_chip_desc_pages (d); p++)
    {
      const guint8 *x = fm_image_page (a, p), *y = fm_image_page (b, p);

      g_assert_true (!x == !y);
      if (x)
        g_assert_cmpmem (x, page_bytes, y, page_bytes);
      g_assert_cmpuint (fm_image_page_programs (a, p), ==, fm_image_page_programs (b, p));
    }
}

FmImage *
fm_test_replayed (FmTestRecording *r, guint64 until, FmCutKind cut, const gchar *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FmJournalReader) reader = fm_journal_reader_open (r->journal_path, &error);
  g_autoptr (FmImage) base = NULL;
  g_autofree gchar *path = g_build_filename (r->dir, name, NULL);
  FmImage *image;

  g_assert_no_error (error);
  base = fm_image_open (r->base_path, r->desc, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (fm_replay_check_base (base, r->desc, fm_journal_reader_info (reader), &error));
  g_assert_true (fm_image_copy_to (base, path, &error));
  image = fm_image_open (path, r->desc, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (fm_replay_until (image, r->desc, reader, until, cut, NULL, NULL, &error));
  g_assert_no_error (error);
  return image;
}


static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar *const *) a, *(const gchar *const *) b);
}

gchar *
fm_test_dir_listing (const gchar *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const gchar *name;

  while ((name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (gchar **) names->pdata);
}


/* ---- crafted images ------------------------------------------------------ */

static void
poke_bytes (const gchar *path, goffset offset, const void *bytes, gsize len)
{
  guint8 header[FM_IMAGE_HEADER_SIZE];
  guint32 crc;
  int fd = open (path, O_RDWR);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, bytes, len, offset), ==, (gssize) len);
  /* The checksum covers the header but its last four bytes. */
  g_assert_cmpint (pread (fd, header, sizeof header, 0), ==, (gssize) sizeof header);
  crc = fm_crc32 (0, header, FM_IMAGE_HEADER_SIZE - 4);
  g_assert_cmpint (pwrite (fd, &crc, 4, FM_IMAGE_HEADER_SIZE - 4), ==, 4);
  close (fd);
}

void
fm_test_image_poke (const gchar *path, goffset offset, guint64 value, guint len)
{
  guint64 le = GUINT64_TO_LE (value);

  g_assert_true (len == 4 || len == 8);
  if (len == 4)
    {
      guint32 le32 = GUINT32_TO_LE ((guint32) value);

      poke_bytes (path, offset, &le32, 4);
    }
  else
    poke_bytes (path, offset, &le, 8);
}

void
fm_test_image_poke_name (const gchar *path, const gchar *name)
{
  gchar field[64] = { 0 };

  memcpy (field, name, MIN (strlen (name), sizeof field));
  poke_bytes (path, FM_TEST_HEADER_CHIP_NAME, field, sizeof field);
}

guint64
fm_test_image_peek (const gchar *path, goffset offset, guint len)
{
  guint64 le = 0;
  int fd = open (path, O_RDONLY);

  g_assert_cmpint (fd, >=, 0);
  g_assert_true (len <= 8);
  g_assert_cmpint (pread (fd, &le, len, offset), ==, (gssize) len);
  close (fd);
  return GUINT64_FROM_LE (le);
}

void
fm_test_forbid_growth (const gchar *path, struct rlimit *saved)
{
  struct stat st;
  struct rlimit limit;

  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, saved), ==, 0);
  limit = *saved;
  limit.rlim_cur = st.st_size;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
}

void
fm_test_allow_growth (const struct rlimit *saved)
{
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, saved), ==, 0);
  signal (SIGXFSZ, SIG_DFL);
}
