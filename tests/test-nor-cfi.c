/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parallel NOR bus model (fm-nor-cfi.h) driven as Linux 6.1 drives a
 * CFI chip: a small host below does what drivers/mtd/chips/gen_probe.c,
 * cfi_probe.c, cfi_util.c, cfi_cmdset_0001.c and cfi_cmdset_0002.c do, at
 * the level of map_read()/map_write(), on a map of bank width 1 or 2 with
 * one chip. Interleaves 1 and 2 are probed (CONFIG_MTD_CFI_I1 and _I2, the
 * defaults). Concurrency (another thread getting the chip while an erase
 * waits) is a hook run where the eraser would sleep.
 */
#include "fm-test-util.h"

#include <string.h>

/* ---- the host: struct map_info, struct cfi_private, struct flchip -------- */

#define HZ 250
#define MAX_RETRIES 3
#define CFI_DEVICETYPE_X8 1
#define CFI_DEVICETYPE_X16 2
#define CFI_DEVICETYPE_X32 4
#define CFI_MFR_AMD 0x0001
#define P_ID_INTEL_EXT 0x0001
#define P_ID_AMD_STD 0x0002
#define EIO 5
#define EINVAL 22
#define EROFS 30
#define ETIME 62
#define EAGAIN 11

typedef enum {
  FL_READY, FL_STATUS, FL_CFI_QUERY, FL_JEDEC_QUERY, FL_ERASING,
  FL_ERASE_SUSPENDING, FL_WRITING, FL_WRITING_TO_BUFFER, FL_LOCKING,
  FL_UNLOCKING, FL_POINT,
} FlState;

/* struct cfi_ident, as cfi_chip_setup() reads it byte by byte. */
struct cfi_ident {
  guint8 qry[3];
  guint16 P_ID;
  guint16 P_ADR;
  guint16 A_ID;
  guint16 A_ADR;
  guint8 VccMin;
  guint8 VccMax;
  guint8 VppMin;
  guint8 VppMax;
  guint8 WordWriteTimeoutTyp;
  guint8 BufWriteTimeoutTyp;
  guint8 BlockEraseTimeoutTyp;
  guint8 ChipEraseTimeoutTyp;
  guint8 WordWriteTimeoutMax;
  guint8 BufWriteTimeoutMax;
  guint8 BlockEraseTimeoutMax;
  guint8 ChipEraseTimeoutMax;
  guint8 DevSize;
  guint16 InterfaceDesc;
  guint16 MaxBufWriteSize;
  guint8 NumEraseRegions;
  guint32 EraseRegionInfo[FM_MAX_ERASE_REGIONS];
} __attribute__ ((packed));

#define CFI_IDENT_FIXED 29   /* sizeof (struct cfi_ident) in Linux */

typedef struct {
  guint64 offset;
  guint32 erasesize;
  guint32 numblocks;
} EraseRegion;

typedef struct Host Host;
/* What another thread does while the eraser sleeps. */
typedef void (*SleepHook) (Host *h, gpointer data);

struct Host {
  FmChipDesc *desc;
  FmNor *nor;
  FmNorCfi *cfi;
  FmClock *clock;

  /* map_info */
  guint bankwidth;
  guint64 map_size;

  /* cfi_private */
  guint interleave;
  guint device_type;
  guint addr_unlock1, addr_unlock2;
  guint mfr, id;
  struct cfi_ident cfiq;
  guint8 pri[64];       /* the primary table as cfi_read_pri() returned it */
  guint pri_len;

  /* mtd_info */
  guint64 size;
  guint writebufsize;
  EraseRegion regions[FM_MAX_ERASE_REGIONS];
  guint n_regions;

  /* flchip */
  FlState state, oldstate;
  guint64 in_progress_block_addr, in_progress_block_mask;
  gboolean erase_suspended;
  guint word_write_time, buffer_write_time, erase_time;
  guint word_write_time_max, buffer_write_time_max, erase_time_max;

  SleepHook hook;       /* run once, at the next sleep in a wait loop */
  gpointer hook_data;
  guint64 polls;
};

static void
host_init (Host *h, const gchar *chip, guint bus_width, FmTimingMode timing)
{
  g_autoptr (GError) error = NULL;
  FmImage *image;

  memset (h, 0, sizeof *h);
  h->desc = fm_test_chip (chip);
  image = fm_nor_create_image (h->desc, NULL, 7, &error);
  g_assert_no_error (error);
  h->nor = fm_nor_new (h->desc, image, timing, &error);
  g_assert_no_error (error);
  h->cfi = fm_nor_cfi_new (h->nor, bus_width, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fm_nor_cfi_bus_width (h->cfi), ==, bus_width);
  g_assert_true (fm_nor_cfi_nor (h->cfi) == h->nor);
  h->clock = fm_nor_clock (h->nor);
  h->bankwidth = bus_width / 8;
  h->map_size = fm_nor_size (h->nor);
}

static void
host_clear (Host *h)
{
  fm_nor_cfi_free (h->cfi);
  fm_nor_free (h->nor);
  fm_chip_desc_free (h->desc);
}

static guint64
now (Host *h)
{
  return fm_clock_now (h->clock);
}

static guint64
jiffies (Host *h)
{
  return now (h) / (G_GUINT64_CONSTANT (1000000000) / HZ);
}

static gboolean
time_after (guint64 a, guint64 b)
{
  return a > b;
}

/* cfi_udelay(), udelay() and msleep(): the CPU waits, the chip's time
 * passes; another thread may take the chip meanwhile. */
static void
host_sleep_us (Host *h, guint64 us)
{
  SleepHook hook = h->hook;

  fm_clock_advance (h->clock, us * 1000);
  h->polls++;
  g_assert_cmpuint (h->polls, <, 50000000);
  if (hook)
    {
      h->hook = NULL;
      hook (h, h->hook_data);
    }
}

static guint32
map_read (Host *h, guint64 adr)
{
  return fm_nor_cfi_read (h->cfi, adr, h->bankwidth);
}

static void
map_write (Host *h, guint32 val, guint64 adr)
{
  fm_nor_cfi_write (h->cfi, adr, val, h->bankwidth);
}

static guint32
map_word_ff (Host *h)
{
  return h->bankwidth == 2 ? 0xffff : 0xff;
}

static guint32
map_word_load (Host *h, const guint8 *buf)
{
  return h->bankwidth == 2 ? (guint32) (buf[0] | buf[1] << 8) : buf[0];
}

/* cfi_build_cmd() on a little-endian map no wider than an unsigned long. */
static guint32
CMD (Host *h, guint32 cmd)
{
  guint chip_mode = h->bankwidth / h->interleave;
  guint32 onecmd = cmd;

  if (h->interleave == 2)
    onecmd |= onecmd << (chip_mode * 8);
  return onecmd;
}

static guint32
cfi_build_cmd_addr (Host *h, guint32 cmd_ofs)
{
  guint type = h->device_type;
  guint32 addr = cmd_ofs * type * h->interleave;

  /* 16-bit devices on 8-bit busses: AAAh for 555h, 555h for 2AAh. */
  if (type * h->interleave > h->bankwidth && (cmd_ofs & 0xff) == 0xaa)
    addr |= (type >> 1) * h->interleave;
  return addr;
}

static void
cfi_send_gen_cmd (Host *h, guint8 cmd, guint32 cmd_addr, guint64 base)
{
  map_write (h, CMD (h, cmd), base + cfi_build_cmd_addr (h, cmd_addr));
}

static guint8
cfi_read_query (Host *h, guint64 addr)
{
  return (guint8) map_read (h, addr);
}

static guint16
cfi_read_query16 (Host *h, guint64 addr)
{
  guint32 val = map_read (h, addr);

  return h->bankwidth == 1 ? val & 0xff : (guint16) val;
}

/* ---- cfi_util.c, cfi_probe.c, gen_probe.c -------------------------------- */

static gboolean
cfi_qry_present (Host *h, guint64 base)
{
  guint osf = h->interleave * h->device_type;

  return map_read (h, base + osf * 0x10) == CMD (h, 'Q') &&
         map_read (h, base + osf * 0x11) == CMD (h, 'R') &&
         map_read (h, base + osf * 0x12) == CMD (h, 'Y');
}

static gboolean
cfi_qry_mode_on (Host *h, guint64 base)
{
  cfi_send_gen_cmd (h, 0xf0, 0, base);
  cfi_send_gen_cmd (h, 0x98, 0x55, base);
  if (cfi_qry_present (h, base))
    return TRUE;
  cfi_send_gen_cmd (h, 0xf0, 0, base);
  cfi_send_gen_cmd (h, 0xff, 0, base);
  cfi_send_gen_cmd (h, 0x98, 0x55, base);
  if (cfi_qry_present (h, base))
    return TRUE;
  cfi_send_gen_cmd (h, 0xf0, 0, base);
  cfi_send_gen_cmd (h, 0x98, 0x555, base);
  if (cfi_qry_present (h, base))
    return TRUE;
  cfi_send_gen_cmd (h, 0xf0, 0, base);
  cfi_send_gen_cmd (h, 0xaa, 0x5555, base);
  cfi_send_gen_cmd (h, 0x55, 0x2aaa, base);
  cfi_send_gen_cmd (h, 0x98, 0x5555, base);
  if (cfi_qry_present (h, base))
    return TRUE;
  cfi_send_gen_cmd (h, 0xf0, 0, base);
  cfi_send_gen_cmd (h, 0xaa, 0x555, base);
  cfi_send_gen_cmd (h, 0x55, 0x2aa, base);
  cfi_send_gen_cmd (h, 0x98, 0x555, base);
  return cfi_qry_present (h, base);
}

static void
cfi_qry_mode_off (Host *h, guint64 base)
{
  cfi_send_gen_cmd (h, 0xf0, 0, base);
  cfi_send_gen_cmd (h, 0xff, 0, base);
}

static void
cfi_read_pri (Host *h, guint16 adr, guint size)
{
  guint ofs_factor = h->interleave * h->device_type;

  g_assert_cmpuint (size, <=, sizeof h->pri);
  cfi_qry_mode_on (h, 0);
  for (guint i = 0; i < size; i++)
    h->pri[i] = cfi_read_query (h, (guint64) (adr + i) * ofs_factor);
  cfi_qry_mode_off (h, 0);
  h->pri_len = size;
}

static gboolean
cfi_chip_setup (Host *h)
{
  guint ofs_factor = h->interleave * h->device_type;
  guint num_erase_regions = cfi_read_query (h, (0x10 + 28) * ofs_factor);
  guint8 *raw = (guint8 *) &h->cfiq;

  if (!num_erase_regions)
    return FALSE;
  g_assert_cmpuint (num_erase_regions, <=, FM_MAX_ERASE_REGIONS);
  memset (&h->cfiq, 0, sizeof h->cfiq);
  for (guint i = 0; i < CFI_IDENT_FIXED + num_erase_regions * 4; i++)
    raw[i] = cfi_read_query (h, (0x10 + i) * ofs_factor);
  h->cfiq.P_ID = GUINT16_FROM_LE (h->cfiq.P_ID);
  h->cfiq.P_ADR = GUINT16_FROM_LE (h->cfiq.P_ADR);
  h->cfiq.A_ID = GUINT16_FROM_LE (h->cfiq.A_ID);
  h->cfiq.A_ADR = GUINT16_FROM_LE (h->cfiq.A_ADR);
  h->cfiq.InterfaceDesc = GUINT16_FROM_LE (h->cfiq.InterfaceDesc);
  h->cfiq.MaxBufWriteSize = GUINT16_FROM_LE (h->cfiq.MaxBufWriteSize);
  for (guint i = 0; i < h->cfiq.NumEraseRegions; i++)
    h->cfiq.EraseRegionInfo[i] = GUINT32_FROM_LE (h->cfiq.EraseRegionInfo[i]);

  /* Back to read mode before autoselect; on cmdset 0001 AAh and 55h are
   * illegal commands that leave it in read mode. */
  cfi_send_gen_cmd (h, 0xf0, 0, 0);
  cfi_send_gen_cmd (h, 0xaa, 0x555, 0);
  cfi_send_gen_cmd (h, 0x55, 0x2aa, 0);
  cfi_send_gen_cmd (h, 0x90, 0x555, 0);
  h->mfr = cfi_read_query16 (h, 0);
  h->id = cfi_read_query16 (h, ofs_factor);
  /* The AMD/Spansion extended JEDEC ID. */
  if (h->mfr == CFI_MFR_AMD && (h->id & 0xff) == 0x7e)
    h->id = cfi_read_query (h, 0xe * ofs_factor) << 8 | cfi_read_query (h, 0xf * ofs_factor);
  cfi_qry_mode_off (h, 0);
  return TRUE;
}

static gboolean
cfi_probe_chip (Host *h, guint64 base)
{
  if (base + 0xff >= h->map_size)
    return FALSE;
  if (!cfi_qry_mode_on (h, base))
    return FALSE;
  return cfi_chip_setup (h);   /* the first chip */
}

/* genprobe_new_chip(): every interleave and device type, narrowest first. */
static gboolean
genprobe_new_chip (Host *h)
{
  guint min_chips = h->bankwidth / 4 ? h->bankwidth / 4 : 1;
  guint max_chips = h->bankwidth;

  for (guint nr_chips = max_chips; nr_chips >= min_chips; nr_chips >>= 1)
    {
      h->interleave = nr_chips;
      for (guint type = h->bankwidth / nr_chips; type <= CFI_DEVICETYPE_X32; type <<= 1)
        {
          h->device_type = type;
          if (cfi_probe_chip (h, 0))
            return TRUE;
        }
    }
  return FALSE;
}

/* cfi_amdstd_setup() / cfi_intelext_setup(): mtd->eraseregions. */
static void
mtd_setup_regions (Host *h)
{
  guint64 devsize = (G_GUINT64_CONSTANT (1) << h->cfiq.DevSize) * h->interleave;
  guint64 offset = 0;

  h->size = devsize;
  h->n_regions = h->cfiq.NumEraseRegions;
  for (guint i = 0; i < h->n_regions; i++)
    {
      guint32 info = h->cfiq.EraseRegionInfo[i];

      h->regions[i].offset = offset;
      h->regions[i].erasesize = ((info >> 8) & ~0xffu) * h->interleave;
      h->regions[i].numblocks = (info & 0xffff) + 1;
      offset += (guint64) h->regions[i].erasesize * h->regions[i].numblocks;
    }
  g_assert_cmpuint (offset, ==, devsize);
  h->writebufsize = h->interleave << h->cfiq.MaxBufWriteSize;
}

static guint32
pri_le32 (Host *h, guint offset)
{
  return h->pri[offset] | h->pri[offset + 1] << 8 | h->pri[offset + 2] << 16 |
         (guint32) h->pri[offset + 3] << 24;
}

/* The Linux structures' fields we use, by offset in the primary table. */
#define AMD_EraseSuspend(h) ((h)->pri[6])
#define AMD_TopBottom(h) ((h)->pri[15])
#define INTEL_FeatureSupport(h) pri_le32 ((h), 5)
#define INTEL_SuspendCmdSupport(h) ((h)->pri[9])
#define SIZEOF_CFI_PRI_AMDSTD 21
#define SIZEOF_CFI_PRI_INTELEXT 19
#define SIZEOF_CFI_INTELEXT_OTPINFO 10

static void
cfi_cmdset_0002 (Host *h)
{
  guint bootloc;

  cfi_read_pri (h, h->cfiq.P_ADR, SIZEOF_CFI_PRI_AMDSTD);
  g_assert_cmpmem (h->pri, 3, "PRI", 3);
  g_assert_cmpint (h->pri[3], ==, '1');
  g_assert_cmpint (h->pri[4], >=, '0');
  g_assert_cmpint (h->pri[4], <=, '5');
  bootloc = AMD_TopBottom (h);
  if (bootloc < 2 || bootloc > 5)
    bootloc = 2;
  if (bootloc == 3 && h->cfiq.NumEraseRegions > 1)
    for (guint i = 0; i < h->cfiq.NumEraseRegions / 2; i++)
      {
        guint j = h->cfiq.NumEraseRegions - 1 - i;
        guint32 t = h->cfiq.EraseRegionInfo[i];

        h->cfiq.EraseRegionInfo[i] = h->cfiq.EraseRegionInfo[j];
        h->cfiq.EraseRegionInfo[j] = t;
      }
  h->addr_unlock1 = 0x555;
  h->addr_unlock2 = 0x2aa;
  h->word_write_time = 1u << h->cfiq.WordWriteTimeoutTyp;
  h->buffer_write_time = 1u << h->cfiq.BufWriteTimeoutTyp;
  h->erase_time = 1u << h->cfiq.BlockEraseTimeoutTyp;
  h->buffer_write_time_max = h->cfiq.BufWriteTimeoutTyp && h->cfiq.BufWriteTimeoutMax
    ? 1u << (h->cfiq.BufWriteTimeoutTyp + h->cfiq.BufWriteTimeoutMax) : 0;
  h->buffer_write_time_max = MAX (h->buffer_write_time_max, 2000);
  mtd_setup_regions (h);
}

/* read_pri_intelext(): reads more until the variable parts fit. */
static void
read_pri_intelext (Host *h, guint16 adr)
{
  guint extp_size = SIZEOF_CFI_PRI_INTELEXT;

  for (;;)
    {
      guint extra_size = 0;

      cfi_read_pri (h, adr, extp_size);
      g_assert_cmpmem (h->pri, 3, "PRI", 3);
      g_assert_cmpint (h->pri[3], ==, '1');
      g_assert_cmpint (h->pri[4], >=, '0');
      g_assert_cmpint (h->pri[4], <=, '2');   /* no partition info below 1.3 */
      if (h->pri[14])   /* NumProtectionFields */
        extra_size += (h->pri[14] - 1) * SIZEOF_CFI_INTELEXT_OTPINFO;
      if (h->pri[4] >= '1')
        {
          extra_size += 2;
          if (extp_size >= SIZEOF_CFI_PRI_INTELEXT + extra_size)
            return;
        }
      else
        return;
      extp_size = SIZEOF_CFI_PRI_INTELEXT + extra_size;
    }
}

static void
cfi_cmdset_0001 (Host *h)
{
  const struct cfi_ident *q = &h->cfiq;

  read_pri_intelext (h, q->P_ADR);
  h->word_write_time = q->WordWriteTimeoutTyp ? 1u << q->WordWriteTimeoutTyp : 50000;
  h->buffer_write_time = q->BufWriteTimeoutTyp ? 1u << q->BufWriteTimeoutTyp : 0;
  h->erase_time = q->BlockEraseTimeoutTyp ? 1000u << q->BlockEraseTimeoutTyp : 2000000;
  h->word_write_time_max = q->WordWriteTimeoutTyp && q->WordWriteTimeoutMax
    ? 1u << (q->WordWriteTimeoutTyp + q->WordWriteTimeoutMax) : 50000 * 8;
  h->buffer_write_time_max = q->BufWriteTimeoutTyp && q->BufWriteTimeoutMax
    ? 1u << (q->BufWriteTimeoutTyp + q->BufWriteTimeoutMax) : 0;
  h->erase_time_max = q->BlockEraseTimeoutTyp && q->BlockEraseTimeoutMax
    ? 1000u << (q->BlockEraseTimeoutTyp + q->BlockEraseTimeoutMax) : 2000000 * 8;
  mtd_setup_regions (h);
}

/* mtd_do_chip_probe(): cfi_probe, then the primary command set. */
static void
linux_probe (Host *h)
{
  g_assert_true (genprobe_new_chip (h));
  h->state = h->oldstate = FL_READY;
  if (h->cfiq.P_ID == P_ID_AMD_STD)
    cfi_cmdset_0002 (h);
  else if (h->cfiq.P_ID == P_ID_INTEL_EXT)
    cfi_cmdset_0001 (h);
  else
    g_assert_not_reached ();
}

/* ---- cfi_cmdset_0002.c --------------------------------------------------- */

/* chip_ready(): no toggle between two reads (and the expected value). */
static gboolean
amd_chip_ready (Host *h, guint64 addr, const guint32 *expected)
{
  guint32 oldd = map_read (h, addr);
  guint32 curd = map_read (h, addr);

  if (oldd != curd || !expected)
    return oldd == curd;
  return curd == *expected;
}

static int
amd_get_chip (Host *h, guint64 adr, FlState mode)
{
  guint64 timeo = jiffies (h) + HZ;

  switch (h->state)
    {
    case FL_STATUS:
      while (!amd_chip_ready (h, adr, NULL))
        {
          if (time_after (jiffies (h), timeo))
            return -EIO;
          host_sleep_us (h, 1);
        }
      return 0;
    case FL_READY:
    case FL_CFI_QUERY:
    case FL_JEDEC_QUERY:
      return 0;
    case FL_ERASING:
      /* The test only gets here where Linux suspends. */
      g_assert_true (AMD_EraseSuspend (h) & 3);
      g_assert_true (mode == FL_READY || (mode == FL_WRITING && (AMD_EraseSuspend (h) & 2)));
      g_assert_cmpuint (adr & h->in_progress_block_mask, !=, h->in_progress_block_addr);
      map_write (h, CMD (h, 0xb0), h->in_progress_block_addr);
      h->oldstate = FL_ERASING;
      h->state = FL_ERASE_SUSPENDING;
      h->erase_suspended = TRUE;
      while (!amd_chip_ready (h, adr, NULL))
        {
          g_assert_false (time_after (jiffies (h), timeo));
          host_sleep_us (h, 1);
        }
      h->state = FL_READY;
      return 0;
    default:
      g_assert_not_reached ();
    }
}

static void
amd_put_chip (Host *h)
{
  if (h->oldstate == FL_ERASING)
    {
      map_write (h, CMD (h, 0x30), h->in_progress_block_addr);
      h->oldstate = FL_READY;
      h->state = FL_ERASING;
    }
}

static void
amd_read_onechip (Host *h, guint64 adr, guint8 *buf, gsize len)
{
  guint64 cmd_addr = adr & ~(guint64) (h->bankwidth - 1);

  g_assert_cmpint (amd_get_chip (h, cmd_addr, FL_READY), ==, 0);
  if (h->state != FL_POINT && h->state != FL_READY)
    {
      map_write (h, CMD (h, 0xf0), cmd_addr);
      h->state = FL_READY;
    }
  for (gsize i = 0; i < len; i++)   /* map_copy_from() */
    buf[i] = fm_nor_cfi_read (h->cfi, adr + i, 1);
  amd_put_chip (h);
}

static int
amd_write_oneword_once (Host *h, guint64 adr, guint32 datum)
{
  guint64 timeo;

  cfi_send_gen_cmd (h, 0xaa, h->addr_unlock1, 0);
  cfi_send_gen_cmd (h, 0x55, h->addr_unlock2, 0);
  cfi_send_gen_cmd (h, 0xa0, h->addr_unlock1, 0);
  map_write (h, datum, adr);
  h->state = FL_WRITING;
  host_sleep_us (h, h->word_write_time);
  timeo = jiffies (h) + HZ / 1000 + 1;
  for (;;)
    {
      if (time_after (jiffies (h), timeo) && !amd_chip_ready (h, adr, &datum))
        return -EIO;
      if (amd_chip_ready (h, adr, &datum))
        return 0;
      host_sleep_us (h, 1);
    }
}

static int
amd_do_write_oneword (Host *h, guint64 adr, guint32 datum)
{
  int ret = 0;

  g_assert_cmpint (amd_get_chip (h, adr, FL_WRITING), ==, 0);
  /* A NOP when the datum is there already. */
  if (map_read (h, adr) != datum)
    for (guint retry_cnt = 0;; retry_cnt++)
      {
        ret = amd_write_oneword_once (h, adr, datum);
        if (!ret)
          break;
        map_write (h, CMD (h, 0xf0), 0);
        if (retry_cnt + 1 > MAX_RETRIES)
          break;
      }
  h->state = FL_READY;
  amd_put_chip (h);
  return ret;
}

static int
amd_do_write_buffer (Host *h, guint64 adr, const guint8 *buf, guint len)
{
  guint64 cmd_adr = adr;
  guint words = len / h->bankwidth;
  guint32 datum = 0;
  guint64 timeo;
  guint z = 0;
  int ret = 0;

  g_assert_cmpint (amd_get_chip (h, adr, FL_WRITING), ==, 0);
  cfi_send_gen_cmd (h, 0xaa, h->addr_unlock1, 0);
  cfi_send_gen_cmd (h, 0x55, h->addr_unlock2, 0);
  map_write (h, CMD (h, 0x25), cmd_adr);
  h->state = FL_WRITING_TO_BUFFER;
  map_write (h, CMD (h, words - 1), cmd_adr);
  for (; z < words * h->bankwidth; z += h->bankwidth)
    {
      datum = map_word_load (h, buf + z);
      map_write (h, datum, adr + z);
    }
  z -= h->bankwidth;
  adr += z;
  map_write (h, CMD (h, 0x29), cmd_adr);
  h->state = FL_WRITING;
  host_sleep_us (h, h->word_write_time);

  /* do_write_buffer_wait() */
  timeo = jiffies (h) + (h->buffer_write_time_max * HZ + 999999) / 1000000;
  for (;;)
    {
      if (time_after (jiffies (h), timeo) && !amd_chip_ready (h, adr, &datum))
        {
          ret = -EIO;
          break;
        }
      if (amd_chip_ready (h, adr, &datum))
        break;
      host_sleep_us (h, 1);
    }
  if (ret)
    {
      /* do_write_buffer_reset(): the write-to-buffer-abort reset */
      cfi_send_gen_cmd (h, 0xaa, h->addr_unlock1, 0);
      cfi_send_gen_cmd (h, 0x55, h->addr_unlock2, 0);
      cfi_send_gen_cmd (h, 0xf0, h->addr_unlock1, 0);
    }
  h->state = FL_READY;
  amd_put_chip (h);
  return ret;
}

/* The poll loop of do_erase_oneblock() and do_erase_chip(). */
static int
amd_erase_wait (Host *h, guint64 adr)
{
  guint32 datum = map_word_ff (h);
  guint64 timeo = jiffies (h) + HZ * 20;

  for (;;)
    {
      g_assert_cmpint (h->state, ==, FL_ERASING);
      if (h->erase_suspended)
        {
          timeo = jiffies (h) + HZ * 20;
          h->erase_suspended = FALSE;
        }
      if (amd_chip_ready (h, adr, &datum))
        return 0;
      if (time_after (jiffies (h), timeo))
        return -EIO;
      host_sleep_us (h, 1000000 / HZ);
    }
}

static int
amd_do_erase (Host *h, guint64 adr, guint64 len, gboolean chip)
{
  int ret;

  g_assert_cmpint (amd_get_chip (h, adr, FL_ERASING), ==, 0);
  for (guint retry_cnt = 0;; retry_cnt++)
    {
      cfi_send_gen_cmd (h, 0xaa, h->addr_unlock1, 0);
      cfi_send_gen_cmd (h, 0x55, h->addr_unlock2, 0);
      cfi_send_gen_cmd (h, 0x80, h->addr_unlock1, 0);
      cfi_send_gen_cmd (h, 0xaa, h->addr_unlock1, 0);
      cfi_send_gen_cmd (h, 0x55, h->addr_unlock2, 0);
      if (chip)
        cfi_send_gen_cmd (h, 0x10, h->addr_unlock1, 0);
      else
        map_write (h, CMD (h, 0x30), adr);   /* cfi->sector_erase_cmd */
      h->state = FL_ERASING;
      h->erase_suspended = FALSE;
      h->in_progress_block_addr = adr;
      h->in_progress_block_mask = ~(len - 1);
      host_sleep_us (h, (guint64) h->erase_time * 500);
      ret = amd_erase_wait (h, adr);
      if (!ret)
        break;
      map_write (h, CMD (h, 0xf0), 0);
      if (retry_cnt + 1 > MAX_RETRIES)
        break;
    }
  h->state = FL_READY;
  amd_put_chip (h);
  return ret;
}

static int
amd_do_erase_oneblock (Host *h, guint64 adr, guint64 len)
{
  return amd_do_erase (h, adr, len, FALSE);
}

static int
amd_do_erase_chip (Host *h)
{
  return amd_do_erase (h, h->addr_unlock1, h->map_size, TRUE);
}

/* ---- cfi_cmdset_0001.c --------------------------------------------------- */

static gboolean
status_ok (Host *h, guint32 status)
{
  return (status & CMD (h, 0x80)) == CMD (h, 0x80);
}

static int
intel_get_chip (Host *h, guint64 adr, FlState mode)
{
  guint64 timeo = jiffies (h) + HZ;

  switch (h->state)
    {
    case FL_STATUS:
      while (!status_ok (h, map_read (h, adr)))
        host_sleep_us (h, 1);
      return 0;
    case FL_READY:
    case FL_CFI_QUERY:
    case FL_JEDEC_QUERY:
      return 0;
    case FL_ERASING:
      g_assert_true (INTEL_FeatureSupport (h) & 2);
      g_assert_true (mode == FL_READY ||
                     (mode == FL_WRITING && (INTEL_SuspendCmdSupport (h) & 1)));
      g_assert_cmpuint (adr & h->in_progress_block_mask, !=, h->in_progress_block_addr);
      map_write (h, CMD (h, 0xb0), h->in_progress_block_addr);
      map_write (h, CMD (h, 0x70), h->in_progress_block_addr);
      h->oldstate = FL_ERASING;
      h->state = FL_ERASE_SUSPENDING;
      h->erase_suspended = TRUE;
      while (!status_ok (h, map_read (h, h->in_progress_block_addr)))
        {
          g_assert_false (time_after (jiffies (h), timeo));
          host_sleep_us (h, 1);
        }
      h->state = FL_STATUS;
      return 0;
    default:
      g_assert_not_reached ();
    }
}

static void
intel_put_chip (Host *h)
{
  if (h->oldstate == FL_ERASING)
    {
      map_write (h, CMD (h, 0xd0), h->in_progress_block_addr);
      map_write (h, CMD (h, 0x70), h->in_progress_block_addr);
      h->oldstate = FL_READY;
      h->state = FL_ERASING;
    }
}

/* inval_cache_and_wait_for_operation() */
static int
intel_wait (Host *h, guint64 cmd_adr, guint chip_op_time, guint chip_op_time_max)
{
  FlState chip_state = h->state;
  guint timeo = chip_op_time_max ? chip_op_time_max : 500000;
  guint reset_timeo = timeo;
  guint sleep_time = chip_op_time / 2;

  for (;;)
    {
      g_assert_cmpint (h->state, ==, chip_state);
      if (status_ok (h, map_read (h, cmd_adr)))
        break;
      if (h->erase_suspended && chip_state == FL_ERASING)
        {
          timeo = reset_timeo;
          h->erase_suspended = FALSE;
        }
      if (!timeo)
        {
          map_write (h, CMD (h, 0x70), cmd_adr);
          h->state = FL_STATUS;
          return -ETIME;
        }
      if (sleep_time >= 1000000 / HZ)
        {
          host_sleep_us (h, sleep_time / 1000 * 1000);   /* msleep() */
          timeo -= sleep_time;
          sleep_time = 1000000 / HZ;
        }
      else
        {
          host_sleep_us (h, 1);
          timeo--;
        }
    }
  h->state = FL_STATUS;
  return 0;
}

static void
intel_read_onechip (Host *h, guint64 adr, guint8 *buf, gsize len)
{
  guint64 cmd_addr = adr & ~(guint64) (h->bankwidth - 1);

  g_assert_cmpint (intel_get_chip (h, cmd_addr, FL_READY), ==, 0);
  if (h->state != FL_POINT && h->state != FL_READY)
    {
      map_write (h, CMD (h, 0xff), cmd_addr);
      h->state = FL_READY;
    }
  for (gsize i = 0; i < len; i++)
    buf[i] = fm_nor_cfi_read (h->cfi, adr + i, 1);
  intel_put_chip (h);
}

/* The error check after a program: -EROFS, -EIO (VPP) or -EINVAL. */
static int
intel_program_status (Host *h, guint64 adr)
{
  guint32 status = map_read (h, adr);

  if (!(status & CMD (h, 0x1a)))
    return 0;
  map_write (h, CMD (h, 0x50), adr);
  map_write (h, CMD (h, 0x70), adr);
  if (status & 0x02)
    return -EROFS;
  if (status & 0x08)
    return -EIO;
  return -EINVAL;
}

static int
intel_do_write_oneword (Host *h, guint64 adr, guint32 datum)
{
  int ret;

  g_assert_cmpint (intel_get_chip (h, adr, FL_WRITING), ==, 0);
  map_write (h, CMD (h, 0x40), adr);
  map_write (h, datum, adr);
  h->state = FL_WRITING;
  ret = intel_wait (h, adr, h->word_write_time, h->word_write_time_max);
  if (!ret)
    ret = intel_program_status (h, adr);
  intel_put_chip (h);
  return ret;
}

static int
intel_do_write_buffer (Host *h, guint64 adr, const guint8 *buf, guint len)
{
  guint64 cmd_adr = adr & ~(guint64) (h->writebufsize - 1);
  guint words = len / h->bankwidth - 1;
  guint32 status;
  int ret;

  g_assert_cmpuint (len % h->bankwidth, ==, 0);
  g_assert_cmpint (intel_get_chip (h, cmd_adr, FL_WRITING), ==, 0);
  /* SR.4 or SR.5 set: the part takes no write to buffer. */
  if (h->state != FL_STATUS)
    {
      map_write (h, CMD (h, 0x70), cmd_adr);
      h->state = FL_STATUS;
    }
  status = map_read (h, cmd_adr);
  if (status & CMD (h, 0x30))
    {
      map_write (h, CMD (h, 0x50), cmd_adr);
      map_write (h, CMD (h, 0x70), cmd_adr);
    }
  h->state = FL_WRITING_TO_BUFFER;
  map_write (h, CMD (h, 0xe8), cmd_adr);
  ret = intel_wait (h, cmd_adr, 0, 0);
  if (ret)
    {
      map_write (h, CMD (h, 0x70), cmd_adr);
      h->state = FL_STATUS;
      map_write (h, CMD (h, 0x50), cmd_adr);
      map_write (h, CMD (h, 0x70), cmd_adr);
      intel_put_chip (h);
      return ret;
    }
  map_write (h, CMD (h, words), cmd_adr);
  for (guint z = 0; z < len; z += h->bankwidth)
    map_write (h, map_word_load (h, buf + z), adr + z);
  map_write (h, CMD (h, 0xd0), cmd_adr);
  h->state = FL_WRITING;
  ret = intel_wait (h, cmd_adr, h->buffer_write_time, h->buffer_write_time_max);
  if (ret)
    {
      map_write (h, CMD (h, 0x70), cmd_adr);
      h->state = FL_STATUS;
    }
  else
    ret = intel_program_status (h, cmd_adr);
  intel_put_chip (h);
  return ret;
}

/* The erase up to its wait; the caller waits with intel_erase_wait(). */
static void
intel_erase_start (Host *h, guint64 adr, guint64 len)
{
  map_write (h, CMD (h, 0x50), adr);
  map_write (h, CMD (h, 0x20), adr);
  map_write (h, CMD (h, 0xd0), adr);
  h->state = FL_ERASING;
  h->erase_suspended = FALSE;
  h->in_progress_block_addr = adr;
  h->in_progress_block_mask = ~(len - 1);
}

static int
intel_do_erase_oneblock (Host *h, guint64 adr, guint64 len)
{
  for (guint retries = 3;; retries--)
    {
      guint32 status;
      int ret;

      g_assert_cmpint (intel_get_chip (h, adr, FL_ERASING), ==, 0);
      intel_erase_start (h, adr, len);
      ret = intel_wait (h, adr, h->erase_time, h->erase_time_max);
      if (ret)
        {
          map_write (h, CMD (h, 0x70), adr);
          h->state = FL_STATUS;
          intel_put_chip (h);
          return ret;
        }
      map_write (h, CMD (h, 0x70), adr);
      h->state = FL_STATUS;
      status = map_read (h, adr);
      if (!(status & CMD (h, 0x3a)))
        ret = 0;
      else
        {
          map_write (h, CMD (h, 0x50), adr);
          map_write (h, CMD (h, 0x70), adr);
          if ((status & 0x30) == 0x30)
            ret = -EINVAL;
          else if (status & 0x02)
            ret = -EROFS;
          else if (status & 0x08)
            ret = -EIO;
          else if ((status & 0x20) && retries)
            {
              intel_put_chip (h);
              continue;
            }
          else
            ret = -EIO;
        }
      intel_put_chip (h);
      return ret;
    }
}

static guint
intel_do_getlockstatus_oneblock (Host *h, guint64 adr)
{
  guint ofs_factor = h->interleave * h->device_type;

  map_write (h, CMD (h, 0x90), adr + 2 * ofs_factor);
  h->state = FL_JEDEC_QUERY;
  return cfi_read_query (h, adr + 2 * ofs_factor);
}

static int
intel_do_xxlock_oneblock (Host *h, guint64 adr, gboolean lock)
{
  guint mdelay;
  int ret;

  g_assert_cmpint (intel_get_chip (h, adr, lock ? FL_LOCKING : FL_UNLOCKING), ==, 0);
  map_write (h, CMD (h, 0x60), adr);
  map_write (h, CMD (h, lock ? 0x01 : 0xd0), adr);
  h->state = lock ? FL_LOCKING : FL_UNLOCKING;
  /* Instant individual block locking needs no delay; the J3 family's
   * clear lock-bits takes up to 1.4 s. */
  mdelay = (INTEL_FeatureSupport (h) & (1 << 5)) ? 0 : 1500;
  ret = intel_wait (h, adr, mdelay, mdelay * 1000);
  if (ret)
    {
      map_write (h, CMD (h, 0x70), adr);
      h->state = FL_STATUS;
    }
  intel_put_chip (h);
  return ret;
}

/* ---- helpers ------------------------------------------------------------- */

typedef struct {
  const gchar *chip;
  guint bus_width;
} Params;

static const Params amd8 = { "spansion-s29gl128p", 8 };
static const Params amd16 = { "spansion-s29gl128p", 16 };
static const Params intel8 = { "micron-js28f128j3d", 8 };
static const Params intel16 = { "micron-js28f128j3d", 16 };

static void
probed_host (Host *h, gconstpointer data)
{
  const Params *p = data;

  host_init (h, p->chip, p->bus_width, FM_TIMING_VIRTUAL);
  linux_probe (h);
}

static guint32
erase_count (Host *h, guint64 addr)
{
  FmImage *image = fm_nand_image (fm_nor_cells (h->nor));

  return fm_image_block (image, (guint32) (addr / h->desc->nor.granule))->erase_count;
}

static void
cells (Host *h, guint64 addr, guint8 *buf, gsize len)
{
  g_assert_true (fm_nor_cells_read (h->nor, addr, buf, len));
}

static guint64
sector_size (Host *h, guint64 addr)
{
  guint64 start;
  guint32 size;

  g_assert_true (fm_nor_sector_at (h->nor, addr, &start, &size));
  return size;
}

/* Raw AMD command cycles, with the host's unlock addresses. */
static void
amd_unlock (Host *h)
{
  cfi_send_gen_cmd (h, 0xaa, 0x555, 0);
  cfi_send_gen_cmd (h, 0x55, 0x2aa, 0);
}

static void
amd_raw_erase (Host *h, guint64 sector)
{
  amd_unlock (h);
  cfi_send_gen_cmd (h, 0x80, 0x555, 0);
  amd_unlock (h);
  map_write (h, CMD (h, 0x30), sector);
}

static void
amd_raw_program (Host *h, guint64 adr, guint32 datum)
{
  amd_unlock (h);
  cfi_send_gen_cmd (h, 0xa0, 0x555, 0);
  map_write (h, datum, adr);
}

/* Polls DQ6 until it stops toggling; returns the reads it took. */
static guint
amd_wait_toggle (Host *h, guint64 adr)
{
  guint n = 0;

  while ((map_read (h, adr) ^ map_read (h, adr)) & 0x40)
    {
      host_sleep_us (h, 10);
      n++;
    }
  return n;
}

/* ---- the query table ----------------------------------------------------- */

/* CHIP's query table: zeros below 10h, EXPECT from 10h on, then the
 * descriptor's primary extended table at its address. */
static void
assert_query_table (const gchar *chip, const guint8 *expect, gsize expect_len)
{
  g_autoptr (FmChipDesc) d = fm_test_chip (chip);
  g_autoptr (GBytes) table = fm_nor_cfi_query_table (d);
  guint addr = d->nor.ext_table_addr;
  gsize len;
  const guint8 *q = g_bytes_get_data (table, &len);

  g_assert_cmpuint (len, ==, addr + d->nor.ext_table_len);
  g_assert_cmpmem (q + 0x10, expect_len, expect, expect_len);
  g_assert_cmpmem (q + addr, d->nor.ext_table_len, d->nor.ext_table, d->nor.ext_table_len);
  for (guint i = 0; i < 0x10; i++)
    g_assert_cmpuint (q[i], ==, 0);
}

static void
test_query_table_amd (void)
{
  /* The S29GL-P datasheet's query table, 10h-30h (20h/24h are derived from
   * the descriptor's 480 us typical buffer program: 2^9 us x 2^2). */
  static const guint8 expect[] = {
    'Q', 'R', 'Y', 0x02, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x27, 0x36, 0x00, 0x00,
    0x06, 0x09, 0x09, 0x10, 0x03, 0x02, 0x03, 0x02,
    0x18, 0x02, 0x00, 0x06, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x02,
  };

  assert_query_table ("spansion-s29gl128p", expect, sizeof expect);
}

static void
test_query_table_intel (void)
{
  /* 210/630 us word: 2^8 x 2^2; 128/654 us buffer: 2^7 x 2^3; 1/4 s
   * erase: 2^10 ms x 2^2; no chip erase. 32-byte buffer, 128 x 128 KiB. */
  static const guint8 expect[] = {
    'Q', 'R', 'Y', 0x01, 0x00, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x27, 0x36, 0x00, 0x00,
    0x08, 0x07, 0x0a, 0x00, 0x02, 0x03, 0x02, 0x00,
    0x18, 0x02, 0x00, 0x05, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x02,
  };

  assert_query_table ("micron-js28f128j3d", expect, sizeof expect);
}

/* A top-boot AMD part with two regions and a x16-only bus. */
static const gchar top_boot_desc[] =
  "[chip]\n"
  "name=test-top-boot\nvendor=Test\npart=T29TOP\ntype=nor-cfi\ndatasheet=none\n"
  "[nor]\n"
  "size=1048576\nerase-regions=15x65536;8x8192\nprogram-buffer=32\npe-cycles=100000\n"
  "[nor-timing]\n"
  "word-program-typ-us=10\nword-program-max-us=300\n"
  "buffer-program-typ-us=100\nbuffer-program-max-us=900\n"
  "sector-erase-typ-ms=700\nsector-erase-max-ms=15000\n"
  "chip-erase-typ-ms=14000\nchip-erase-max-ms=60000\n"
  "[cfi]\n"
  "command-set=0x0002\nbus-widths=16\nmanufacturer-id=0x0001\ndevice-id=0x22c4\n"
  "vcc-min-mv=2700\nvcc-max-mv=3600\nprimary-table-address=0x40\n"
  "primary-table=50;52;49;31;31;00;02;04;01;04;00;00;00;b5;c5;03\n";

/* The regions are listed top down, and Linux turns them back. */
static void
test_query_table_top_boot (void)
{
  g_autoptr (GError) error = NULL;
  Host h;
  FmImage *image;

  memset (&h, 0, sizeof h);
  h.desc = fm_chip_desc_load_data (top_boot_desc, "test", &error);
  g_assert_no_error (error);
  image = fm_nor_create_image (h.desc, NULL, 1, &error);
  g_assert_no_error (error);
  h.nor = fm_nor_new (h.desc, image, FM_TIMING_VIRTUAL, &error);
  g_assert_no_error (error);
  g_assert_null (fm_nor_cfi_new (h.nor, 8, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID);
  g_clear_error (&error);
  h.cfi = fm_nor_cfi_new (h.nor, 16, &error);
  g_assert_no_error (error);
  h.clock = fm_nor_clock (h.nor);
  h.bankwidth = 2;
  h.map_size = fm_nor_size (h.nor);

  linux_probe (&h);
  g_assert_cmpuint (h.cfiq.InterfaceDesc, ==, 1);
  g_assert_cmpuint (h.n_regions, ==, 2);
  g_assert_cmpuint (h.regions[0].erasesize, ==, 65536);
  g_assert_cmpuint (h.regions[0].numblocks, ==, 15);
  g_assert_cmpuint (h.regions[1].offset, ==, 15 * 65536);
  g_assert_cmpuint (h.regions[1].erasesize, ==, 8192);
  g_assert_cmpuint (h.regions[1].numblocks, ==, 8);
  g_assert_cmpuint (h.mfr, ==, 0x0001);
  g_assert_cmpuint (h.id, ==, 0x22c4);

  /* WP# holds the two top boot sectors. */
  fm_nor_cfi_set_wp (h.cfi, TRUE);
  g_assert_cmpint (amd_do_write_oneword (&h, 0xfe000, 0x1234), ==, -EIO);
  g_assert_cmpint (amd_do_write_oneword (&h, 0xfc000, 0x1234), ==, -EIO);
  g_assert_cmpint (amd_do_write_oneword (&h, 0xfa000, 0x1234), ==, 0);
  host_clear (&h);
}

/* ---- probing ------------------------------------------------------------- */

static void
test_probe (gconstpointer data)
{
  const Params *p = data;
  g_autoptr (GBytes) table = NULL;
  const FmNorDesc *n;
  const guint8 *q;
  guint8 buf[16];
  Host h;

  host_init (&h, p->chip, p->bus_width, FM_TIMING_VIRTUAL);
  n = &h.desc->nor;
  table = fm_nor_cfi_query_table (h.desc);
  q = g_bytes_get_data (table, NULL);

  linux_probe (&h);
  /* One x16 device: in byte mode as a x16 device on a bank width of 1. */
  g_assert_cmpuint (h.interleave, ==, 1);
  g_assert_cmpuint (h.device_type, ==, CFI_DEVICETYPE_X16);
  g_assert_cmpmem (h.cfiq.qry, 3, "QRY", 3);
  g_assert_cmpmem (&h.cfiq, CFI_IDENT_FIXED, q + 0x10, CFI_IDENT_FIXED);
  g_assert_cmpuint (h.cfiq.P_ID, ==, n->cfi_command_set);
  g_assert_cmpuint (h.cfiq.P_ADR, ==, n->ext_table_addr);
  g_assert_cmpuint (h.cfiq.InterfaceDesc, ==, 2);
  g_assert_cmpuint (h.writebufsize, ==, n->program_buffer);
  g_assert_cmpuint (h.size, ==, n->size);
  g_assert_cmpuint (h.n_regions, ==, n->n_regions);
  for (guint i = 0; i < n->n_regions; i++)
    {
      g_assert_cmpuint (h.regions[i].erasesize, ==, n->regions[i].size);
      g_assert_cmpuint (h.regions[i].numblocks, ==, n->regions[i].count);
    }
  g_assert_cmpmem (h.pri, MIN (h.pri_len, n->ext_table_len), n->ext_table,
                   MIN (h.pri_len, n->ext_table_len));
  g_assert_cmpuint (h.mfr, ==, n->manufacturer_id);
  if (n->cfi_command_set == FM_CFI_CMDSET_AMD)
    {
      /* cfi_chip_setup(): the extended ID from 0Eh/0Fh, low bytes. */
      g_assert_cmpuint (h.id, ==, (n->device_id[1] & 0xff) << 8 | (n->device_id[2] & 0xff));
      g_assert_cmpuint (h.pri[3], ==, '1');
      g_assert_cmpuint (h.pri[4], ==, '3');
      g_assert_cmpuint (AMD_EraseSuspend (&h), ==, 2);
      g_assert_cmpuint (h.word_write_time, ==, 64);
      g_assert_cmpuint (h.erase_time, ==, 512);
    }
  else
    {
      g_assert_cmpuint (h.id, ==, p->bus_width == 8 ? (n->device_id[0] & 0xff) : n->device_id[0]);
      g_assert_cmpuint (h.pri[4], ==, '1');
      g_assert_cmpuint (INTEL_FeatureSupport (&h), ==, 0x0a);
      g_assert_cmpuint (h.erase_time, ==, 1024000);
      g_assert_cmpuint (h.pri_len, ==, SIZEOF_CFI_PRI_INTELEXT + 2);
    }

  /* Back in read array mode: the erased array. */
  for (guint i = 0; i < sizeof buf; i++)
    buf[i] = fm_nor_cfi_read (h.cfi, 0x1000 + i, 1);
  g_assert_true (fm_test_all_ff (buf, sizeof buf));
  g_assert_true (fm_nor_cfi_ready (h.cfi));
  host_clear (&h);
}

/* ---- cmdset 0002 --------------------------------------------------------- */

static void
test_amd_word_program (gconstpointer data)
{
  static const guint8 bytes[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
  guint8 got[sizeof bytes];
  Host h;

  probed_host (&h, data);
  for (guint i = 0; i < sizeof bytes; i += h.bankwidth)
    {
      guint64 t0 = now (&h);

      g_assert_cmpint (amd_do_write_oneword (&h, 0x20000 + i, map_word_load (&h, bytes + i)), ==, 0);
      g_assert_cmpuint (now (&h) - t0, >=, h.desc->nor.t_word_program.typ_ns);
      g_assert_cmpuint (now (&h) - t0, <, h.desc->nor.t_word_program.max_ns);
    }
  amd_read_onechip (&h, 0x20000, got, sizeof got);
  g_assert_cmpmem (got, sizeof got, bytes, sizeof bytes);
  cells (&h, 0x20000, got, sizeof got);
  g_assert_cmpmem (got, sizeof got, bytes, sizeof bytes);
  /* Writing what is there is a NOP: no time. */
  {
    guint64 t0 = now (&h);

    g_assert_cmpint (amd_do_write_oneword (&h, 0x20000, map_word_load (&h, bytes)), ==, 0);
    g_assert_cmpuint (now (&h) - t0, <, 1000);
  }
  host_clear (&h);
}

static void
test_amd_write_buffer (gconstpointer data)
{
  Host h;
  guint n;
  g_autofree guint8 *pattern = NULL;
  g_autofree guint8 *got = NULL;
  guint64 t0;

  probed_host (&h, data);
  n = h.writebufsize;
  pattern = fm_test_pattern (3 * n, 11);
  got = g_malloc (3 * n);
  for (guint i = 0; i < 3; i++)
    {
      t0 = now (&h);
      g_assert_cmpint (amd_do_write_buffer (&h, 0x40000 + i * n, pattern + i * n, n), ==, 0);
      g_assert_cmpuint (now (&h) - t0, >=, h.desc->nor.t_buffer_program.typ_ns);
      g_assert_cmpuint (now (&h) - t0, <, h.desc->nor.t_buffer_program.max_ns);
    }
  /* Half a buffer, mid-window: its share of the time. */
  t0 = now (&h);
  g_assert_cmpint (amd_do_write_buffer (&h, 0x50000 + 16, pattern, 16), ==, 0);
  g_assert_cmpuint (now (&h) - t0, >=, fm_nor_program_ns (h.nor, 16));
  amd_read_onechip (&h, 0x40000, got, 3 * n);
  g_assert_cmpmem (got, 3 * n, pattern, 3 * n);
  cells (&h, 0x50000, got, 48);
  g_assert_true (fm_test_all_ff (got, 16));
  g_assert_cmpmem (got + 16, 16, pattern, 16);
  g_assert_true (fm_test_all_ff (got + 32, 16));
  host_clear (&h);
}

static void
test_amd_sector_erase (gconstpointer data)
{
  Host h;
  guint64 sector = 0x60000, size, t0;
  g_autofree guint8 *buf = NULL;
  guint32 before;

  probed_host (&h, data);
  size = sector_size (&h, sector);
  buf = g_malloc (size);
  g_assert_cmpint (amd_do_write_oneword (&h, sector + 2, 0), ==, 0);
  g_assert_cmpint (amd_do_write_oneword (&h, sector + size - 2, 0), ==, 0);
  g_assert_cmpint (amd_do_write_oneword (&h, sector + size, 0), ==, 0);   /* the next one */
  before = erase_count (&h, sector);
  t0 = now (&h);
  g_assert_cmpint (amd_do_erase_oneblock (&h, sector, size), ==, 0);
  g_assert_cmpuint (now (&h) - t0, >=, h.desc->nor.t_sector_erase.typ_ns);
  g_assert_cmpuint (now (&h) - t0, <, h.desc->nor.t_sector_erase.max_ns);
  g_assert_cmpuint (erase_count (&h, sector), ==, before + 1);
  g_assert_cmpuint (erase_count (&h, sector + size), ==, before);
  amd_read_onechip (&h, sector, buf, size);
  g_assert_true (fm_test_all_ff (buf, size));
  amd_read_onechip (&h, sector + size, buf, 2);
  g_assert_cmpuint (buf[0], ==, 0);
  host_clear (&h);
}

static void
test_amd_chip_erase (void)
{
  Host h;
  guint64 t0;
  guint8 buf[4];

  probed_host (&h, &amd16);
  g_assert_cmpint (amd_do_write_oneword (&h, 0, 0x1234), ==, 0);
  g_assert_cmpint (amd_do_write_oneword (&h, h.map_size - 2, 0x1234), ==, 0);
  t0 = now (&h);
  g_assert_cmpint (amd_do_erase_chip (&h), ==, 0);
  g_assert_cmpuint (now (&h) - t0, >=, h.desc->nor.t_chip_erase.typ_ns);
  g_assert_cmpuint (now (&h) - t0, <, h.desc->nor.t_chip_erase.max_ns);
  for (guint64 a = 0; a < h.map_size; a += h.desc->nor.granule)
    g_assert_cmpuint (erase_count (&h, a), ==, 1);
  amd_read_onechip (&h, 0, buf, 2);
  amd_read_onechip (&h, h.map_size - 2, buf + 2, 2);
  g_assert_true (fm_test_all_ff (buf, sizeof buf));

  /* With WP# the top sector (model 01) stays. */
  g_assert_cmpint (amd_do_write_oneword (&h, h.map_size - 2, 0x1234), ==, 0);
  fm_nor_cfi_set_wp (h.cfi, TRUE);
  g_assert_cmpint (amd_do_erase_chip (&h), ==, 0);
  g_assert_cmpuint (erase_count (&h, 0), ==, 2);
  g_assert_cmpuint (erase_count (&h, h.map_size - 2), ==, 1);
  g_assert_cmpuint (map_read (&h, h.map_size - 2), ==, 0x1234);
  host_clear (&h);
}

typedef struct {
  guint64 read_at, write_at;
  guint8 expect[4];
  guint8 got[4];
  guint64 suspended_ns;
} SuspendVisit;

/* Another thread reads one sector and writes another while the erase
 * waits: each get_chip() suspends it, each put_chip() resumes it. */
static void
amd_visit (Host *h, gpointer data)
{
  SuspendVisit *v = data;
  guint64 t0 = now (h);
  guint32 status;

  /* The erasing sector during the suspend: DQ7 1, DQ6 steady, DQ2 toggles. */
  g_assert_cmpint (amd_get_chip (h, v->read_at, FL_READY), ==, 0);
  status = map_read (h, h->in_progress_block_addr);
  g_assert_cmpuint (status & 0x80, ==, 0x80);
  g_assert_cmpuint ((status ^ map_read (h, h->in_progress_block_addr)) & 0x44, ==, 0x04);
  amd_put_chip (h);

  amd_read_onechip (h, v->read_at, v->got, sizeof v->got);
  g_assert_cmpint (amd_do_write_oneword (h, v->write_at, 0x00), ==, 0);
  v->suspended_ns = now (h) - t0;
}

static void
test_amd_erase_suspend (gconstpointer data)
{
  Host h;
  SuspendVisit v = { 0 };
  guint64 sector = 0x100000, size, t0;
  guint8 buf[4];

  probed_host (&h, data);
  size = sector_size (&h, sector);
  v.read_at = sector + 3 * size;
  v.write_at = sector + 5 * size;
  for (guint i = 0; i < 4; i += h.bankwidth)
    g_assert_cmpint (amd_do_write_oneword (&h, v.read_at + i, map_word_load (&h, (const guint8 *) "\x11\x22\x33\x44" + i)), ==, 0);
  memcpy (v.expect, "\x11\x22\x33\x44", 4);

  h.hook = amd_visit;
  h.hook_data = &v;
  t0 = now (&h);
  g_assert_cmpint (amd_do_erase_oneblock (&h, sector, size), ==, 0);
  g_assert_null (h.hook);
  g_assert_cmpmem (v.got, 4, v.expect, 4);
  /* Suspended time does not count: the erase still took its time (it ran
   * on through each suspend latency). */
  g_assert_cmpuint (now (&h) - t0 - v.suspended_ns + 3 * h.desc->nor.t_suspend_ns, >=,
                    h.desc->nor.t_sector_erase.typ_ns);
  g_assert_cmpuint (v.suspended_ns, >=, h.desc->nor.t_word_program.typ_ns);
  g_assert_cmpuint (erase_count (&h, sector), ==, 1);
  amd_read_onechip (&h, v.write_at, buf, 2);
  g_assert_cmpuint (buf[0], ==, 0);
  host_clear (&h);
}

/* DQ7/DQ6/DQ5/DQ3/DQ2 as the datasheet tabulates them. */
static void
test_amd_status_bits (void)
{
  Host h;
  guint32 s1, s2;
  guint n;

  probed_host (&h, &amd16);
  /* Programming: DQ7 the complement of the datum's bit 7, DQ6 toggling. */
  amd_raw_program (&h, 0x2000, 0x0080);
  s1 = map_read (&h, 0x2000);
  s2 = map_read (&h, 0x2000);
  g_assert_cmpuint (s1 & 0x80, ==, 0);
  g_assert_cmpuint ((s1 ^ s2) & 0x40, ==, 0x40);
  g_assert_false (fm_nor_cfi_ready (h.cfi));
  n = amd_wait_toggle (&h, 0x2000);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (map_read (&h, 0x2000), ==, 0x0080);
  g_assert_true (fm_nor_cfi_ready (h.cfi));

  /* Erasing: DQ7 0, DQ3 1, DQ2 toggles on the erasing sector only. */
  amd_raw_erase (&h, 0x20000);
  s1 = map_read (&h, 0x20010);
  s2 = map_read (&h, 0x20010);
  g_assert_cmpuint (s1 & 0x88, ==, 0x08);
  g_assert_cmpuint ((s1 ^ s2) & 0x44, ==, 0x44);
  s1 = map_read (&h, 0x40000);
  s2 = map_read (&h, 0x40000);
  g_assert_cmpuint ((s1 ^ s2) & 0x44, ==, 0x40);
  /* Commands while busy are ignored: this is not a reset. */
  map_write (&h, CMD (&h, 0xf0), 0);
  g_assert_cmpuint ((map_read (&h, 0) ^ map_read (&h, 0)) & 0x40, ==, 0x40);
  amd_wait_toggle (&h, 0x20000);
  g_assert_cmpuint (map_read (&h, 0x20000), ==, 0xffff);
  /* Suspend and resume with nothing erasing change nothing. */
  map_write (&h, CMD (&h, 0xb0), 0);
  map_write (&h, CMD (&h, 0x30), 0);
  g_assert_cmpuint (map_read (&h, 0x2000), ==, 0x0080);
  host_clear (&h);
}

/* An erase that fails shows DQ5 and stays so until F0h; Linux times out
 * (DQ6 keeps toggling), resets, retries and gives up with -EIO. */
static void
test_amd_erase_fail (void)
{
  g_autoptr (GError) error = NULL;
  Host h;
  guint64 sector;
  guint32 s1, s2;
  guint tries = 0;

  probed_host (&h, &amd16);
  sector = 3 * sector_size (&h, 0);
  fm_nand_set_faults (fm_nor_cells (h.nor), fm_fault_set_parse ("erase-fail block=3", &error));
  g_assert_no_error (error);

  amd_raw_erase (&h, sector);
  do
    {
      host_sleep_us (&h, 1000);
      s1 = map_read (&h, sector);
      tries++;
    }
  while (!(s1 & 0x20));
  g_assert_cmpuint ((guint64) tries * 1000000, >=, h.desc->nor.t_sector_erase.typ_ns);
  s2 = map_read (&h, sector);
  g_assert_cmpuint (s2 & 0x20, ==, 0x20);
  g_assert_cmpuint ((s1 ^ s2) & 0x40, ==, 0x40);
  /* Long after: still failed, and reads of other sectors say so too. */
  host_sleep_us (&h, 10000000);
  g_assert_cmpuint (map_read (&h, 0) & 0x20, ==, 0x20);
  g_assert_false (fm_nor_cfi_ready (h.cfi));
  map_write (&h, CMD (&h, 0xf0), 0);
  g_assert_true (fm_nor_cfi_ready (h.cfi));
  g_assert_cmpuint (map_read (&h, 0), ==, 0xffff);

  g_assert_cmpint (amd_do_erase_oneblock (&h, sector, sector_size (&h, sector)), ==, -EIO);
  g_assert_cmpuint (fm_nand_stats (fm_nor_cells (h.nor))->erase_failures, ==, 1 + 1 + MAX_RETRIES);
  /* The F0h of the last retry left it reading. */
  g_assert_cmpuint (map_read (&h, 0), ==, 0xffff);
  g_assert_cmpint (amd_do_erase_oneblock (&h, 0, sector_size (&h, 0)), ==, 0);
  host_clear (&h);
}

static void
test_amd_buffer_abort (void)
{
  Host h;
  guint32 s1, s2;

  probed_host (&h, &amd16);
  /* 25h, 2 words, then one outside the write-buffer page. */
  amd_unlock (&h);
  map_write (&h, CMD (&h, 0x25), 0x8000);
  map_write (&h, CMD (&h, 1), 0x8000);
  map_write (&h, 0x1234, 0x8000);
  map_write (&h, 0x0000, 0x8000 + h.writebufsize);
  s1 = map_read (&h, 0x8000);
  s2 = map_read (&h, 0x8000);
  g_assert_cmpuint (s1 & 0x02, ==, 0x02);                 /* DQ1 */
  g_assert_cmpuint (s1 & 0x80, ==, 0x80);                 /* ~DQ7 of 1234h */
  g_assert_cmpuint ((s1 ^ s2) & 0x40, ==, 0x40);
  /* F0h alone is not enough; the abort reset is. */
  map_write (&h, CMD (&h, 0xf0), 0);
  g_assert_cmpuint (map_read (&h, 0x8000) & 0x02, ==, 0x02);
  amd_unlock (&h);
  cfi_send_gen_cmd (&h, 0xf0, 0x555, 0);
  g_assert_cmpuint (map_read (&h, 0x8000), ==, 0xffff);

  /* Too many words for the buffer; a datum after the count; no 29h. */
  amd_unlock (&h);
  map_write (&h, CMD (&h, 0x25), 0x8000);
  map_write (&h, CMD (&h, h.writebufsize / 2), 0x8000);
  g_assert_cmpuint (map_read (&h, 0x8000) & 0x02, ==, 0x02);
  amd_unlock (&h);
  cfi_send_gen_cmd (&h, 0xf0, 0x555, 0);
  amd_unlock (&h);
  map_write (&h, CMD (&h, 0x25), 0x8000);
  map_write (&h, CMD (&h, 0), 0x8000);
  map_write (&h, 0x1234, 0x8000);
  map_write (&h, 0x5678, 0x8002);
  g_assert_cmpuint (map_read (&h, 0x8000) & 0x02, ==, 0x02);
  amd_unlock (&h);
  cfi_send_gen_cmd (&h, 0xf0, 0x555, 0);
  g_assert_cmpuint (map_read (&h, 0x8000), ==, 0xffff);
  g_assert_cmpuint (fm_nand_stats (fm_nor_cells (h.nor))->page_programs, ==, 0);
  host_clear (&h);
}

/* F0h and unknown sequences return to read array; autoselect and CFI are
 * left by F0h. */
static void
test_amd_modes (void)
{
  Host h;

  probed_host (&h, &amd16);
  g_assert_cmpint (amd_do_write_oneword (&h, 0x10, 0x5a5a), ==, 0);

  amd_unlock (&h);
  cfi_send_gen_cmd (&h, 0x90, 0x555, 0);
  g_assert_cmpuint (map_read (&h, 0x00), ==, 0x0001);
  g_assert_cmpuint (map_read (&h, 0x02), ==, h.desc->nor.device_id[0]);
  g_assert_cmpuint (map_read (&h, 0x1c), ==, h.desc->nor.device_id[1]);
  g_assert_cmpuint (map_read (&h, 0x1e), ==, h.desc->nor.device_id[2]);
  /* CFI from autoselect, then F0h: the array. */
  cfi_send_gen_cmd (&h, 0x98, 0x55, 0);
  g_assert_cmpuint (map_read (&h, 0x20), ==, 'Q');
  g_assert_cmpuint (map_read (&h, 0x1f0), ==, 0);   /* past the table */
  map_write (&h, CMD (&h, 0xf0), 0);
  g_assert_cmpuint (map_read (&h, 0x10), ==, 0x5a5a);

  /* Unlock, then garbage; a wrong second unlock; 98h elsewhere than 55h. */
  amd_unlock (&h);
  cfi_send_gen_cmd (&h, 0x77, 0x555, 0);
  map_write (&h, 0x0000, 0x10);   /* would program after A0h */
  cfi_send_gen_cmd (&h, 0xaa, 0x555, 0);
  cfi_send_gen_cmd (&h, 0x55, 0x123, 0);
  cfi_send_gen_cmd (&h, 0xa0, 0x555, 0);
  map_write (&h, 0x0000, 0x10);
  cfi_send_gen_cmd (&h, 0x98, 0x56, 0);
  g_assert_cmpuint (map_read (&h, 0x10), ==, 0x5a5a);
  g_assert_cmpuint (map_read (&h, 0x20), ==, 0xffff);
  /* F0h between unlock cycles resets too. */
  amd_unlock (&h);
  map_write (&h, CMD (&h, 0xf0), 0);
  cfi_send_gen_cmd (&h, 0xa0, 0x555, 0);
  map_write (&h, 0x0000, 0x10);
  g_assert_cmpuint (map_read (&h, 0x10), ==, 0x5a5a);
  g_assert_cmpuint (fm_nand_stats (fm_nor_cells (h.nor))->page_programs, ==, 1);
  /* Only A10-A0 are decoded. */
  cfi_send_gen_cmd (&h, 0xaa, 0x555 | 0x800, 0);
  cfi_send_gen_cmd (&h, 0x55, 0x2aa | 0x7000, 0);
  cfi_send_gen_cmd (&h, 0x90, 0x555 | 0x10000, 0);
  g_assert_cmpuint (map_read (&h, 0), ==, 0x0001);
  map_write (&h, CMD (&h, 0xf0), 0);
  /* RESET# aborts the erase (the model erased the sector at its start). */
  amd_raw_erase (&h, 0);
  g_assert_false (fm_nor_cfi_ready (h.cfi));
  fm_nor_cfi_reset (h.cfi);
  g_assert_true (fm_nor_cfi_ready (h.cfi));
  g_assert_cmpuint (map_read (&h, 0x10), ==, 0xffff);
  host_clear (&h);
}

static void
test_amd_bits_only_clear (gconstpointer data)
{
  Host h;
  guint32 ff;

  probed_host (&h, data);
  ff = map_word_ff (&h);
  amd_raw_program (&h, 0x30, 0x0f0f & ff);
  amd_wait_toggle (&h, 0x30);
  amd_raw_program (&h, 0x30, 0xf0f3 & ff);
  amd_wait_toggle (&h, 0x30);
  g_assert_cmpuint (map_read (&h, 0x30), ==, 0x0003 & ff);
  amd_raw_program (&h, 0x30, ff);
  amd_wait_toggle (&h, 0x30);
  g_assert_cmpuint (map_read (&h, 0x30), ==, 0x0003 & ff);
  g_assert_cmpint (amd_do_erase_oneblock (&h, 0, sector_size (&h, 0)), ==, 0);
  g_assert_cmpuint (map_read (&h, 0x30), ==, ff);
  host_clear (&h);
}

/* WP# protects the top sector: program and erase leave it, and the part
 * returns to reading; Linux sees its data never come. */
static void
test_amd_wp (void)
{
  Host h;
  guint64 top;

  probed_host (&h, &amd16);
  top = h.map_size - sector_size (&h, h.map_size - 1);
  g_assert_cmpint (amd_do_write_oneword (&h, top, 0x1111), ==, 0);
  fm_nor_cfi_set_wp (h.cfi, TRUE);
  g_assert_cmpint (amd_do_write_oneword (&h, top + 2, 0x2222), ==, -EIO);
  g_assert_cmpint (amd_do_erase_oneblock (&h, top, sector_size (&h, top)), ==, -EIO);
  g_assert_cmpuint (map_read (&h, top), ==, 0x1111);
  g_assert_cmpuint (map_read (&h, top + 2), ==, 0xffff);
  g_assert_cmpuint (erase_count (&h, top), ==, 0);
  /* Other sectors are not protected. */
  g_assert_cmpint (amd_do_write_oneword (&h, top - 2, 0x3333), ==, 0);
  fm_nor_cfi_set_wp (h.cfi, FALSE);
  g_assert_cmpint (amd_do_erase_oneblock (&h, top, sector_size (&h, top)), ==, 0);
  g_assert_cmpuint (erase_count (&h, top), ==, 1);
  host_clear (&h);
}

/* ---- cmdset 0001 --------------------------------------------------------- */

static void
test_intel_word_program (gconstpointer data)
{
  static const guint8 bytes[] = { 0x21, 0x43, 0x65, 0x87, 0xa9, 0xcb, 0xed, 0x0f };
  guint8 got[sizeof bytes];
  Host h;

  probed_host (&h, data);
  for (guint i = 0; i < sizeof bytes; i += h.bankwidth)
    {
      guint64 t0 = now (&h);

      g_assert_cmpint (intel_do_write_oneword (&h, 0x20000 + i, map_word_load (&h, bytes + i)), ==, 0);
      g_assert_cmpuint (now (&h) - t0, >=, h.desc->nor.t_word_program.typ_ns);
      g_assert_cmpuint (now (&h) - t0, <, h.desc->nor.t_word_program.max_ns);
      /* Still reading status: SR.7 and nothing else. */
      g_assert_cmpuint (map_read (&h, 0x20000), ==, 0x80);
    }
  intel_read_onechip (&h, 0x20000, got, sizeof got);
  g_assert_cmpmem (got, sizeof got, bytes, sizeof bytes);
  /* Bits only clear. */
  g_assert_cmpint (intel_do_write_oneword (&h, 0x20000, map_word_ff (&h)), ==, 0);
  g_assert_cmpint (intel_do_write_oneword (&h, 0x20000, 0x00f0), ==, 0);
  intel_read_onechip (&h, 0x20000, got, 2);
  g_assert_cmpuint (got[0], ==, 0x20);
  host_clear (&h);
}

static void
test_intel_write_buffer (gconstpointer data)
{
  Host h;
  guint n;
  g_autofree guint8 *pattern = NULL;
  g_autofree guint8 *got = NULL;

  probed_host (&h, data);
  n = h.writebufsize;
  pattern = fm_test_pattern (4 * n, 5);
  got = g_malloc (4 * n);
  for (guint i = 0; i < 4; i++)
    {
      guint64 t0 = now (&h);

      g_assert_cmpint (intel_do_write_buffer (&h, 0x60000 + i * n, pattern + i * n, n), ==, 0);
      g_assert_cmpuint (now (&h) - t0, >=, h.desc->nor.t_buffer_program.typ_ns);
      g_assert_cmpuint (now (&h) - t0, <, h.desc->nor.t_buffer_program.max_ns);
    }
  intel_read_onechip (&h, 0x60000, got, 4 * n);
  g_assert_cmpmem (got, 4 * n, pattern, 4 * n);
  cells (&h, 0x60000, got, 4 * n);
  g_assert_cmpmem (got, 4 * n, pattern, 4 * n);
  /* A part of a buffer. */
  g_assert_cmpint (intel_do_write_buffer (&h, 0x70000 + 8, pattern, 8), ==, 0);
  cells (&h, 0x70000, got, n);
  g_assert_true (fm_test_all_ff (got, 8));
  g_assert_cmpmem (got + 8, 8, pattern, 8);
  g_assert_true (fm_test_all_ff (got + 16, n - 16));
  host_clear (&h);
}

static void
test_intel_block_erase (gconstpointer data)
{
  Host h;
  guint64 block = 0x80000, size, t0;
  g_autofree guint8 *buf = NULL;

  probed_host (&h, data);
  size = sector_size (&h, block);
  buf = g_malloc (size);
  g_assert_cmpint (intel_do_write_oneword (&h, block, 0), ==, 0);
  g_assert_cmpint (intel_do_write_oneword (&h, block + size - 2, 0), ==, 0);
  t0 = now (&h);
  g_assert_cmpint (intel_do_erase_oneblock (&h, block, size), ==, 0);
  g_assert_cmpuint (now (&h) - t0, >=, h.desc->nor.t_sector_erase.typ_ns);
  g_assert_cmpuint (now (&h) - t0, <, h.desc->nor.t_sector_erase.max_ns);
  g_assert_cmpuint (erase_count (&h, block), ==, 1);
  g_assert_cmpuint (erase_count (&h, block + size), ==, 0);
  intel_read_onechip (&h, block, buf, size);
  g_assert_true (fm_test_all_ff (buf, size));
  host_clear (&h);
}

static void
test_intel_status_errors (void)
{
  Host h;

  probed_host (&h, &intel16);
  /* A bad erase confirm: command sequence error, read status. */
  map_write (&h, CMD (&h, 0x20), 0x20000);
  map_write (&h, CMD (&h, 0xff), 0x20000);
  g_assert_cmpuint (map_read (&h, 0x20000), ==, 0xb0);
  /* Linux's buffered program clears it first. */
  g_assert_cmpint (intel_do_write_buffer (&h, 0x20000, (const guint8 *) "\x01\x02", 2), ==, 0);
  /* Without clearing, E8h is refused: XSR.7 stays 0. */
  map_write (&h, CMD (&h, 0x60), 0x20000);
  map_write (&h, CMD (&h, 0x77), 0x20000);
  g_assert_cmpuint (map_read (&h, 0x20000), ==, 0xb0);
  map_write (&h, CMD (&h, 0xe8), 0x20000);
  g_assert_cmpuint (map_read (&h, 0x20000), ==, 0x00);
  map_write (&h, CMD (&h, 0x50), 0x20000);
  map_write (&h, CMD (&h, 0x70), 0x20000);
  g_assert_cmpuint (map_read (&h, 0x20000), ==, 0x80);
  /* A buffer count beyond the buffer; data outside the block. */
  map_write (&h, CMD (&h, 0xe8), 0x20000);
  g_assert_cmpuint (map_read (&h, 0x20000), ==, 0x80);
  map_write (&h, CMD (&h, h.writebufsize / 2), 0x20000);
  g_assert_cmpuint (map_read (&h, 0x20000), ==, 0xb0);
  map_write (&h, CMD (&h, 0x50), 0x20000);
  map_write (&h, CMD (&h, 0xe8), 0x20000);
  map_write (&h, CMD (&h, 0), 0x20000);
  map_write (&h, 0x1234, 0x40000);
  g_assert_cmpuint (map_read (&h, 0x20000), ==, 0xb0);
  map_write (&h, CMD (&h, 0x50), 0x20000);
  /* Unknown first cycles: read array. */
  map_write (&h, CMD (&h, 0x77), 0);
  g_assert_cmpuint (map_read (&h, 0x20000), ==, 0x0201);
  g_assert_cmpuint (fm_nand_stats (fm_nor_cells (h.nor))->page_programs, ==, 1);
  /* Identifier codes and the query. */
  map_write (&h, CMD (&h, 0x90), 0);
  g_assert_cmpuint (map_read (&h, 0), ==, 0x0089);
  g_assert_cmpuint (map_read (&h, 2), ==, 0x0018);
  map_write (&h, CMD (&h, 0x98), 0);
  g_assert_cmpuint (map_read (&h, 0x20), ==, 'Q');
  map_write (&h, CMD (&h, 0xff), 0);
  g_assert_cmpuint (map_read (&h, 0x20000), ==, 0x0201);
  host_clear (&h);
}

static void
test_intel_lock (gconstpointer data)
{
  Host h;
  guint64 block = 0x40000, size, other;

  probed_host (&h, data);
  size = sector_size (&h, block);
  other = block + 2 * size;
  g_assert_cmpuint (intel_do_getlockstatus_oneblock (&h, block), ==, 0);
  g_assert_cmpint (intel_do_xxlock_oneblock (&h, block, TRUE), ==, 0);
  g_assert_cmpint (intel_do_xxlock_oneblock (&h, other, TRUE), ==, 0);
  g_assert_cmpuint (intel_do_getlockstatus_oneblock (&h, block), ==, 1);
  g_assert_cmpuint (intel_do_getlockstatus_oneblock (&h, block + size), ==, 0);
  g_assert_cmpuint (intel_do_getlockstatus_oneblock (&h, other), ==, 1);

  /* Locked: SR.1 with SR.4/SR.5, nothing changes. */
  g_assert_cmpint (intel_do_write_oneword (&h, block + 4, 0), ==, -EROFS);
  g_assert_cmpint (intel_do_write_buffer (&h, block, (const guint8 *) "\0\0\0\0", 4), ==, -EROFS);
  g_assert_cmpint (intel_do_erase_oneblock (&h, block, size), ==, -EROFS);
  map_write (&h, CMD (&h, 0x20), block);
  map_write (&h, CMD (&h, 0xd0), block);
  g_assert_cmpuint (map_read (&h, block), ==, 0xa2);
  map_write (&h, CMD (&h, 0x50), block);
  g_assert_cmpuint (erase_count (&h, block), ==, 0);
  g_assert_cmpuint (fm_nand_stats (fm_nor_cells (h.nor))->page_programs, ==, 0);

  /* The J3's clear lock-bits (60h/D0h) clears every block's, in 0.5 s. */
  {
    guint64 t0 = now (&h);

    g_assert_cmpint (intel_do_xxlock_oneblock (&h, block, FALSE), ==, 0);
    g_assert_cmpuint (now (&h) - t0, >=, 500000000);
  }
  g_assert_cmpuint (intel_do_getlockstatus_oneblock (&h, block), ==, 0);
  g_assert_cmpuint (intel_do_getlockstatus_oneblock (&h, other), ==, 0);
  g_assert_cmpint (intel_do_write_oneword (&h, block + 4, 0), ==, 0);

  /* Lock-down (2Fh) is not a J3 command: a sequence error. */
  map_write (&h, CMD (&h, 0x60), block);
  map_write (&h, CMD (&h, 0x2f), block);
  g_assert_cmpuint (map_read (&h, block), ==, 0xb0);
  map_write (&h, CMD (&h, 0x50), block);
  host_clear (&h);
}

typedef struct {
  guint64 read_at, write_at;
  guint8 got[4];
  guint32 status_suspended;
  guint64 suspended_ns;
} IntelVisit;

static void
intel_visit (Host *h, gpointer data)
{
  IntelVisit *v = data;
  guint64 t0 = now (h);

  g_assert_cmpint (intel_get_chip (h, v->read_at, FL_READY), ==, 0);
  v->status_suspended = map_read (h, h->in_progress_block_addr);
  intel_put_chip (h);

  intel_read_onechip (h, v->read_at, v->got, sizeof v->got);
  g_assert_cmpint (intel_do_write_oneword (h, v->write_at, 0), ==, 0);
  v->suspended_ns = now (h) - t0;
}

static void
test_intel_erase_suspend (gconstpointer data)
{
  Host h;
  IntelVisit v = { 0 };
  guint64 block = 0x100000, size, t0;
  int ret;

  probed_host (&h, data);
  size = sector_size (&h, block);
  v.read_at = block + size;
  v.write_at = block + 4 * size;
  g_assert_cmpint (intel_do_write_buffer (&h, v.read_at, (const guint8 *) "\x31\x32\x33\x34", 4), ==, 0);

  g_assert_cmpint (intel_get_chip (&h, block, FL_ERASING), ==, 0);
  t0 = now (&h);
  intel_erase_start (&h, block, size);
  h.hook = intel_visit;
  h.hook_data = &v;
  ret = intel_wait (&h, block, h.erase_time, h.erase_time_max);
  g_assert_cmpint (ret, ==, 0);
  g_assert_null (h.hook);
  map_write (&h, CMD (&h, 0x70), block);
  g_assert_cmpuint (map_read (&h, block), ==, 0x80);
  intel_put_chip (&h);

  g_assert_cmpuint (v.status_suspended, ==, 0xc0);   /* SR.7, SR.6 */
  g_assert_cmpmem (v.got, 4, "\x31\x32\x33\x34", 4);
  g_assert_cmpuint (now (&h) - t0 - v.suspended_ns + 3 * h.desc->nor.t_suspend_ns, >=,
                    h.desc->nor.t_sector_erase.typ_ns);
  g_assert_cmpuint (erase_count (&h, block), ==, 1);
  host_clear (&h);
}

static void
test_intel_erase_fail (void)
{
  g_autoptr (GError) error = NULL;
  Host h;
  guint64 size;

  probed_host (&h, &intel16);
  size = sector_size (&h, 0);
  fm_nand_set_faults (fm_nor_cells (h.nor), fm_fault_set_parse ("erase-fail block=3", &error));
  g_assert_no_error (error);
  /* SR.5 each time: Linux retries three times. */
  g_assert_cmpint (intel_do_erase_oneblock (&h, 3 * size, size), ==, -EIO);
  g_assert_cmpuint (fm_nand_stats (fm_nor_cells (h.nor))->erase_failures, ==, 4);
  g_assert_cmpuint (map_read (&h, 3 * size), ==, 0x80);   /* cleared by 50h */
  g_assert_cmpint (intel_do_erase_oneblock (&h, 2 * size, size), ==, 0);
  host_clear (&h);
}

static void
test_intel_vpp_low (void)
{
  Host h;

  probed_host (&h, &intel16);
  fm_nor_cfi_set_wp (h.cfi, TRUE);
  g_assert_cmpint (intel_do_write_oneword (&h, 0x100, 0), ==, -EIO);
  map_write (&h, CMD (&h, 0x20), 0);
  map_write (&h, CMD (&h, 0xd0), 0);
  g_assert_cmpuint (map_read (&h, 0), ==, 0xa8);
  map_write (&h, CMD (&h, 0x50), 0);
  fm_nor_cfi_set_wp (h.cfi, FALSE);
  g_assert_cmpint (intel_do_write_oneword (&h, 0x100, 0), ==, 0);
  host_clear (&h);
}

/* ---- both ---------------------------------------------------------------- */

/* Without timing everything is done at once. */
static void
test_timing_none (gconstpointer data)
{
  const Params *p = data;
  Host h;

  host_init (&h, p->chip, p->bus_width, FM_TIMING_NONE);
  linux_probe (&h);
  if (h.cfiq.P_ID == P_ID_AMD_STD)
    {
      amd_raw_program (&h, 0x40, 0x0012);
      g_assert_true (fm_nor_cfi_ready (h.cfi));
      g_assert_cmpuint (map_read (&h, 0x40), ==, 0x0012);
      amd_raw_erase (&h, 0);
      g_assert_cmpuint (map_read (&h, 0x40), ==, map_word_ff (&h));
    }
  else
    {
      map_write (&h, CMD (&h, 0x40), 0x40);
      map_write (&h, 0x0012, 0x40);
      g_assert_cmpuint (map_read (&h, 0x40), ==, 0x80);
      map_write (&h, CMD (&h, 0xff), 0);
      g_assert_cmpuint (map_read (&h, 0x40), ==, 0x0012);
    }
  g_assert_cmpint (fm_clock_now (h.clock), ==, 0);
  host_clear (&h);
}

/* After a power cut the part reads all ones and ignores writes. */
static void
test_power_cut (gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *rule = NULL;
  FmNand *nand;
  guint64 ops;
  Host h;

  probed_host (&h, data);
  nand = fm_nor_cells (h.nor);
  rule = g_strdup_printf ("powercut at-op=%" G_GUINT64_FORMAT, fm_nand_operations (nand) + 1);
  fm_nand_set_faults (nand, fm_fault_set_parse (rule, &error));
  g_assert_no_error (error);
  (void) map_read (&h, 0x1000);   /* the array read that loses power */
  g_assert_true (fm_nand_powered_off (nand));
  ops = fm_nand_operations (nand);
  amd_unlock (&h);
  cfi_send_gen_cmd (&h, 0x90, 0x555, 0);
  g_assert_cmpuint (map_read (&h, 0), ==, map_word_ff (&h));
  amd_raw_program (&h, 0x100, 0);
  map_write (&h, CMD (&h, 0x40), 0x100);
  map_write (&h, 0, 0x100);
  g_assert_cmpuint (map_read (&h, 0x100), ==, map_word_ff (&h));
  g_assert_cmpuint (fm_nor_cfi_read (h.cfi, 0, 4), ==, 0xffffffff);
  g_assert_cmpuint (fm_nand_operations (nand), ==, ops);
  host_clear (&h);
}

/* Accesses wider and narrower than the bus. */
static void
test_access_widths (void)
{
  Host h8, h16;

  host_init (&h16, "spansion-s29gl128p", 16, FM_TIMING_VIRTUAL);
  linux_probe (&h16);
  g_assert_cmpint (amd_do_write_oneword (&h16, 0x100, 0x2211), ==, 0);
  g_assert_cmpint (amd_do_write_oneword (&h16, 0x102, 0x4433), ==, 0);
  g_assert_cmpuint (fm_nor_cfi_read (h16.cfi, 0x100, 4), ==, 0x44332211);
  g_assert_cmpuint (fm_nor_cfi_read (h16.cfi, 0x101, 1), ==, 0x22);
  g_assert_cmpuint (fm_nor_cfi_read (h16.cfi, 0x102, 1), ==, 0x33);
  /* Addresses wrap at the chip's size. */
  g_assert_cmpuint (fm_nor_cfi_read (h16.cfi, 0x100 + h16.map_size, 2), ==, 0x2211);
  /* A byte write on a x16 bus: the other lane is FFh. */
  amd_unlock (&h16);
  cfi_send_gen_cmd (&h16, 0xa0, 0x555, 0);
  fm_nor_cfi_write (h16.cfi, 0x105, 0x66, 1);
  amd_wait_toggle (&h16, 0x104);
  g_assert_cmpuint (map_read (&h16, 0x104), ==, 0x66ff);
  host_clear (&h16);

  host_init (&h8, "spansion-s29gl128p", 8, FM_TIMING_VIRTUAL);
  linux_probe (&h8);
  /* Two cycles of a 16-bit access on a x8 bus. */
  amd_unlock (&h8);
  cfi_send_gen_cmd (&h8, 0x90, 0x555, 0);
  g_assert_cmpuint (fm_nor_cfi_read (h8.cfi, 0, 2), ==, 0x0101);
  g_assert_cmpuint (fm_nor_cfi_read (h8.cfi, 2, 1), ==, 0x7e);
  map_write (&h8, 0xf0, 0);
  g_assert_cmpint (amd_do_write_oneword (&h8, 0x201, 0x5a), ==, 0);
  g_assert_cmpuint (fm_nor_cfi_read (h8.cfi, 0x200, 2), ==, 0x5aff);
  host_clear (&h8);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nor-cfi/query-table/amd", test_query_table_amd);
  g_test_add_func ("/nor-cfi/query-table/intel", test_query_table_intel);
  g_test_add_func ("/nor-cfi/query-table/top-boot", test_query_table_top_boot);
  g_test_add_data_func ("/nor-cfi/probe/amd/x8", &amd8, test_probe);
  g_test_add_data_func ("/nor-cfi/probe/amd/x16", &amd16, test_probe);
  g_test_add_data_func ("/nor-cfi/probe/intel/x8", &intel8, test_probe);
  g_test_add_data_func ("/nor-cfi/probe/intel/x16", &intel16, test_probe);
  g_test_add_data_func ("/nor-cfi/amd/word-program/x8", &amd8, test_amd_word_program);
  g_test_add_data_func ("/nor-cfi/amd/word-program/x16", &amd16, test_amd_word_program);
  g_test_add_data_func ("/nor-cfi/amd/write-buffer/x8", &amd8, test_amd_write_buffer);
  g_test_add_data_func ("/nor-cfi/amd/write-buffer/x16", &amd16, test_amd_write_buffer);
  g_test_add_data_func ("/nor-cfi/amd/sector-erase/x8", &amd8, test_amd_sector_erase);
  g_test_add_data_func ("/nor-cfi/amd/sector-erase/x16", &amd16, test_amd_sector_erase);
  g_test_add_func ("/nor-cfi/amd/chip-erase", test_amd_chip_erase);
  g_test_add_data_func ("/nor-cfi/amd/erase-suspend/x8", &amd8, test_amd_erase_suspend);
  g_test_add_data_func ("/nor-cfi/amd/erase-suspend/x16", &amd16, test_amd_erase_suspend);
  g_test_add_func ("/nor-cfi/amd/status-bits", test_amd_status_bits);
  g_test_add_func ("/nor-cfi/amd/erase-fail", test_amd_erase_fail);
  g_test_add_func ("/nor-cfi/amd/buffer-abort", test_amd_buffer_abort);
  g_test_add_func ("/nor-cfi/amd/modes", test_amd_modes);
  g_test_add_data_func ("/nor-cfi/amd/bits-only-clear/x8", &amd8, test_amd_bits_only_clear);
  g_test_add_data_func ("/nor-cfi/amd/bits-only-clear/x16", &amd16, test_amd_bits_only_clear);
  g_test_add_func ("/nor-cfi/amd/wp", test_amd_wp);
  g_test_add_data_func ("/nor-cfi/intel/word-program/x8", &intel8, test_intel_word_program);
  g_test_add_data_func ("/nor-cfi/intel/word-program/x16", &intel16, test_intel_word_program);
  g_test_add_data_func ("/nor-cfi/intel/write-buffer/x8", &intel8, test_intel_write_buffer);
  g_test_add_data_func ("/nor-cfi/intel/write-buffer/x16", &intel16, test_intel_write_buffer);
  g_test_add_data_func ("/nor-cfi/intel/block-erase/x8", &intel8, test_intel_block_erase);
  g_test_add_data_func ("/nor-cfi/intel/block-erase/x16", &intel16, test_intel_block_erase);
  g_test_add_func ("/nor-cfi/intel/status-errors", test_intel_status_errors);
  g_test_add_data_func ("/nor-cfi/intel/lock/x8", &intel8, test_intel_lock);
  g_test_add_data_func ("/nor-cfi/intel/lock/x16", &intel16, test_intel_lock);
  g_test_add_data_func ("/nor-cfi/intel/erase-suspend/x8", &intel8, test_intel_erase_suspend);
  g_test_add_data_func ("/nor-cfi/intel/erase-suspend/x16", &intel16, test_intel_erase_suspend);
  g_test_add_func ("/nor-cfi/intel/erase-fail", test_intel_erase_fail);
  g_test_add_func ("/nor-cfi/intel/vpp-low", test_intel_vpp_low);
  g_test_add_data_func ("/nor-cfi/timing-none/amd", &amd16, test_timing_none);
  g_test_add_data_func ("/nor-cfi/timing-none/intel", &intel8, test_timing_none);
  g_test_add_data_func ("/nor-cfi/power-cut/amd", &amd16, test_power_cut);
  g_test_add_data_func ("/nor-cfi/power-cut/intel", &intel8, test_power_cut);
  g_test_add_func ("/nor-cfi/access-widths", test_access_widths);
  return g_test_run ();
}
