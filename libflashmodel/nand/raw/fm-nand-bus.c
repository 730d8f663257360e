/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-nand-bus.h"
#include "fm-nand-bus-private.h"
#include "fm-nand-private.h"
#include "fm-jedec.h"
#include "fm-onfi.h"
#include "fm-nand-vendor-toshiba.h"
#include "fm-nand-vendor-macronix.h"
#include "fm-nand-vendor-hynix.h"
#include "fm-prng.h"

#include <string.h>

/* Opcodes (ONFI names). */
enum {
  CMD_READ = 0x00, CMD_READ_POINTER_B = 0x01, CMD_READ_POINTER_C = 0x50,
  CMD_CHANGE_READ_COLUMN = 0x05, CMD_READ_START = 0x30,
  CMD_READ_CACHE = 0x31, CMD_COPYBACK_READ = 0x35, CMD_READ_CACHE_END = 0x3f,
  CMD_CHANGE_READ_COLUMN_CONFIRM = 0xe0,
  CMD_ERASE = 0x60, CMD_ERASE_CONFIRM = 0xd0, CMD_ERASE_MULTI_PLANE = 0xd1,
  CMD_STATUS = 0x70, CMD_STATUS_ENHANCED = 0x78,
  CMD_PROGRAM = 0x80, CMD_CHANGE_WRITE_COLUMN = 0x85,
  CMD_PROGRAM_CONFIRM = 0x10, CMD_PROGRAM_MULTI_PLANE = 0x11,
  CMD_CACHE_PROGRAM = 0x15,
  CMD_READ_ID = 0x90, CMD_READ_PARAM = 0xec, CMD_READ_UNIQUE_ID = 0xed,
  CMD_GET_FEATURES = 0xee, CMD_SET_FEATURES = 0xef, CMD_RESET = 0xff,
  CMD_ECC_STATUS = FM_NAND_VENDOR_TOSHIBA_CMD_ECC_STATUS,  /* BENAND only */
  CMD_HYNIX_SET_PARAMS = FM_HYNIX_CMD_SET_PARAMS,           /* hynix-otp only */
};

#define NO_COMMAND (-1)
#define FEATURE_TIMING_MODE 0x01
/* ONFI_FEATURE_ADDR_READ_RETRY: P1 is the read retry level (Micron,
 * Macronix). */
#define FEATURE_READ_RETRY 0x89
#define PARAM_COPIES FM_ONFI_PARAM_PAGE_COPIES
#define UNIQUE_ID_COPIES 16

/* What data-output cycles return. */
typedef enum {
  OUT_NONE, OUT_ID, OUT_ONFI_SIGNATURE, OUT_JEDEC_SIGNATURE, OUT_PARAM, OUT_UNIQUE_ID,
  OUT_STATUS, OUT_FEATURES, OUT_PAGE, OUT_ECC_STATUS,
} DataOut;

/* Per plane: the cache register the host sees and the data register
 * between it and the array (they differ only during cache operations). */
typedef struct {
  guint8 *cache;
  guint8 *data;
} PlaneRegs;

typedef struct {
  PlaneRegs *planes;
  guint8 fail_bits;       /* FAIL and FAILC */
  guint64 rdy_at;         /* RDY: interface free; ARDY is the NAND's LUN time */
  gboolean cache_read;    /* a read cache sequence is under way */
  guint64 data_reg_page;  /* page in the data register (G_MAXUINT64: none) */
  guint data_reg_plane;
  FmOnDieEccResult ecc;   /* what the on-die ECC did in the last read */
} LunState;

/* A plane operation queued by 11h or D1h until the final 10h/15h/D0h. */
typedef struct {
  guint lun, plane;
  guint32 block;
  guint page;
  gboolean valid_address;
} PlaneOp;

/*
 * The plane addresses of a multi-plane program (80h-11h) or erase
 * (60h-D1h) until the cycle that starts it (10h, 15h or D0h). The
 * datasheets make rules of them: one address per plane (Micron's
 * MT29F4G08AAA, "Two-Plane Addressing": one address per plane, the plane
 * select bit BA6 different between them; ONFI 2.3a, multi-plane
 * operations: distinct plane addresses, no more of them than the LUN has
 * planes), the same LUN, the same page for a program, and one kind of
 * operation. They do not say what a part does when the host breaks them.
 * The model fails the whole group with FAIL, as for any program or erase
 * it cannot carry out (a plane named twice would have to program or
 * erase two blocks at once), so that a host breaking a rule sees it
 * rather than losing a page; and it keeps at most one address per plane,
 * so that whatever a guest sends, the queue holds no more than that.
 */
typedef struct {
  PlaneOp *ops;           /* one slot per plane of the part */
  guint len;
  gboolean erase;         /* D1h queued them (else 11h) */
  gboolean broken;        /* a plane named twice, or both kinds: the group fails */
} PlaneQueue;

struct _FmNandBus {
  FmNand *nand;
  const FmChipDesc *d;
  guint target;           /* the chip enable this bus model answers */
  guint first_lun;        /* its LUN 0 among the package's LUNs */
  FmClock *clock;
  gsize page_bytes;
  guint byte_width;       /* 1 or 2 bytes per data cycle */
  gboolean ce;

  gint cmd;               /* opening command awaiting addresses/confirm */
  guint8 addr[8];
  guint naddr;

  LunState *luns;
  guint lun_sel;          /* LUN that status and data cycles address */
  guint plane_sel;        /* plane whose cache register data cycles use */
  guint column;           /* byte offset for data cycles */

  DataOut out;
  DataOut last_random_out; /* what CHANGE READ COLUMN repositions */
  guint out_pos;
  guint8 id_addr;
  guint8 feature_addr;

  gboolean programming;   /* 80h or copyback 85h: data goes to a cache register */
  gboolean cache_programming; /* inside an 80h-15h sequence */
  gboolean copyback_loaded;   /* 00h-35h done: 85h starts a copyback program */
  PlaneOp prog_target;
  PlaneQueue plane_queue;
  guint8 feature_in[4];
  guint feature_in_count;
  guint small_pointer;    /* small page: 0 = area A, 1 = B, 2 = C (spare) */

  guint8 features[256][4];
  FmMxicProtection mxic;  /* Macronix block protection (A0h, PT pin) */
  FmHynixRetry hynix;     /* Hynix read retry registers and OTP mode */
  /* The ONFI or the JEDEC parameter page (param_len bytes; 0: none). */
  guint8 param_page[MAX (FM_ONFI_PARAM_PAGE_SIZE, FM_JEDEC_PARAM_PAGE_SIZE)];
  gsize param_len;
  guint8 ext_param_page[FM_ONFI_EXT_PARAM_PAGE_SIZE];
  gsize ext_param_len;    /* 0: the part has no extended parameter page */
  guint8 unique_id[32];
};

/* tRC/tWC of ONFI SDR timing modes 0-5, in ns. */
static const guint cycle_ns[6] = { 100, 50, 35, 30, 25, 20 };

static guint
timing_mode (const FmNandBus *bus)
{
  return bus->features[FEATURE_TIMING_MODE][0] & 0x0f;
}

static void
bus_cycle (FmNandBus *bus)
{
  fm_clock_advance (bus->clock, cycle_ns[MIN (timing_mode (bus), 5u)]);
}

static guint64
now (const FmNandBus *bus)
{
  return fm_clock_now (bus->clock);
}

static guint64
dur (const FmNandBus *bus, guint64 ns)
{
  return fm_clock_duration (bus->clock, ns);
}

static guint64 *
array_ready_at (FmNandBus *bus, guint lun)
{
  return fm_nand_lun_ready_at (bus->nand, bus->first_lun + lun);
}

static gboolean
lun_rdy (FmNandBus *bus, guint lun)
{
  return now (bus) >= bus->luns[lun].rdy_at;
}

static gboolean
lun_ardy (FmNandBus *bus, guint lun)
{
  return lun_rdy (bus, lun) && now (bus) >= *array_ready_at (bus, lun);
}

static guint8
status_of (FmNandBus *bus, guint lun)
{
  guint8 s = bus->luns[lun].fail_bits;

  if (lun_rdy (bus, lun))
    s |= FM_STATUS_RDY;
  if (lun_ardy (bus, lun))
    s |= FM_STATUS_ARDY;
  if (!fm_nand_write_protected (bus->nand))
    s |= FM_STATUS_WP_N;
  return s;
}

static gboolean
has (const FmNandBus *bus, FmOptionalCommands c)
{
  return (bus->d->commands & c) != 0;
}

/* ---- read retry ---------------------------------------------------------- */

static gboolean
retry_by_feature (const FmNandBus *bus)
{
  FmReadRetryMechanism m = bus->d->read_retry.mechanism;

  return m == FM_READ_RETRY_ONFI_FEATURE || m == FM_READ_RETRY_MACRONIX_FEATURE;
}

static gboolean
retry_by_hynix_otp (const FmNandBus *bus)
{
  return bus->d->read_retry.mechanism == FM_READ_RETRY_HYNIX_OTP;
}

/* The array reads with LEVEL's shifts from now on. */
static void
select_retry_level (FmNandBus *bus, guint level)
{
  const FmReadRetryDesc *rr = &bus->d->read_retry;

  fm_nand_set_read_offsets (bus->nand, rr->offset_mv[level], rr->refs);
  fm_nand_set_read_retry_level (bus->nand, (gint) level);
}

/* 16h applied new Hynix register values: their shifts and their level. */
static void
apply_hynix_registers (FmNandBus *bus)
{
  gint16 offsets[FM_READ_RETRY_MAX_REFS] = { 0 };
  gint level = fm_hynix_rr_offsets (&bus->hynix, bus->d, offsets);

  fm_nand_set_read_offsets (bus->nand, offsets, bus->d->read_retry.refs);
  fm_nand_set_read_retry_level (bus->nand, level);
}

/* ---- addresses ---------------------------------------------------------- */

static guint
col_cycles (const FmNandBus *bus)
{
  return fm_chip_desc_col_cycles (bus->d);
}

static guint
row_cycles (const FmNandBus *bus)
{
  return fm_chip_desc_row_cycles (bus->d);
}

static guint
addr_column (const FmNandBus *bus)
{
  guint col = 0;

  for (guint i = 0; i < col_cycles (bus); i++)
    col |= (guint) bus->addr[i] << (8 * i);
  return col * bus->byte_width;
}

/* Decodes FIRST..FIRST+row_cycles of the address cycles as a row address. */
static PlaneOp
decode_row (const FmNandBus *bus, guint first)
{
  const FmChipDesc *d = bus->d;
  guint page_bits = fm_chip_desc_page_bits (d);
  guint block_bits = fm_chip_desc_block_bits (d);
  guint32 row = 0;
  guint32 block_in_lun;
  PlaneOp op;

  for (guint i = 0; i < row_cycles (bus); i++)
    row |= (guint32) bus->addr[first + i] << (8 * i);
  op.page = row & ((1u << page_bits) - 1);
  block_in_lun = (row >> page_bits) & ((1u << block_bits) - 1);
  op.lun = row >> (page_bits + block_bits);
  op.valid_address = op.lun < d->luns && block_in_lun < d->blocks_per_lun;
  if (!op.valid_address)
    op.lun = 0;
  op.block = (bus->first_lun + op.lun) * d->blocks_per_lun + block_in_lun;
  op.plane = block_in_lun % d->planes;
  return op;
}

static guint64
page_index (const FmNandBus *bus, const PlaneOp *op)
{
  return (guint64) op->block * bus->d->pages_per_block + op->page;
}

static guint8 *
cache_reg (FmNandBus *bus, guint lun, guint plane)
{
  return bus->luns[lun].planes[plane].cache;
}

/* ---- the multi-plane queue ---------------------------------------------- */

static void
clear_plane_queue (FmNandBus *bus)
{
  bus->plane_queue.len = 0;
  bus->plane_queue.broken = FALSE;
}

/* 11h or D1h: OP joins the group, unless its plane is already in it or
 * the group is of the other kind, which breaks the group. */
static void
queue_plane (FmNandBus *bus, const PlaneOp *op, gboolean erase)
{
  PlaneQueue *q = &bus->plane_queue;

  if (q->broken)
    return;
  if (q->len > 0 && q->erase != erase)
    {
      q->broken = TRUE;
      return;
    }
  for (guint i = 0; i < q->len; i++)
    if (q->ops[i].plane == op->plane)
      {
        q->broken = TRUE;
        return;
      }
  /* Planes are numbered below d->planes: with every slot taken the plane
   * was found above. Checked all the same, as the bound on memory. */
  if (q->len >= bus->d->planes)
    {
      q->broken = TRUE;
      return;
    }
  q->ops[q->len++] = *op;
  q->erase = erase;
}

/* ---- lifecycle -------------------------------------------------------- */

static void
reset_state (FmNandBus *bus)
{
  bus->cmd = NO_COMMAND;
  bus->naddr = 0;
  bus->out = OUT_NONE;
  bus->last_random_out = OUT_PAGE;
  bus->programming = FALSE;
  bus->cache_programming = FALSE;
  bus->copyback_loaded = FALSE;
  bus->small_pointer = 0;
  clear_plane_queue (bus);
  for (guint l = 0; l < bus->d->luns; l++)
    {
      bus->luns[l].fail_bits = 0;
      bus->luns[l].cache_read = FALSE;
      bus->luns[l].data_reg_page = G_MAXUINT64;
    }
}

FmNandBus *
fm_nand_bus_new (FmNand *nand)
{
  return fm_nand_bus_new_target (nand, 0);
}

FmNandBus *
fm_nand_bus_new_target (FmNand *nand, guint target)
{
  FmNandBus *bus;
  const FmChipDesc *d = fm_nand_desc (nand);
  guint64 seed = fm_image_seed (fm_nand_image (nand));

  g_return_val_if_fail (target < d->targets, NULL);
  bus = g_new0 (FmNandBus, 1);
  bus->nand = nand;
  bus->d = d;
  bus->target = target;
  bus->first_lun = target * d->luns;
  bus->clock = fm_nand_clock (nand);
  bus->page_bytes = fm_nand_page_bytes (nand);
  bus->byte_width = d->bus_width / 8;
  bus->plane_queue.ops = g_new0 (PlaneOp, d->planes);
  bus->luns = g_new0 (LunState, d->luns);
  for (guint l = 0; l < d->luns; l++)
    {
      bus->luns[l].planes = g_new0 (PlaneRegs, d->planes);
      for (guint p = 0; p < d->planes; p++)
        {
          bus->luns[l].planes[p].cache = g_malloc (bus->page_bytes);
          bus->luns[l].planes[p].data = g_malloc (bus->page_bytes);
          memset (bus->luns[l].planes[p].cache, 0xff, bus->page_bytes);
          memset (bus->luns[l].planes[p].data, 0xff, bus->page_bytes);
        }
    }
  if (d->onfi_version)
    {
      fm_onfi_build_param_page (d, bus->param_page);
      bus->param_len = FM_ONFI_PARAM_PAGE_SIZE;
      bus->ext_param_len = fm_onfi_build_ext_param_page (d, bus->ext_param_page);
    }
  else if (d->jedec_version)
    {
      fm_jedec_build_param_page (d, bus->param_page);
      bus->param_len = FM_JEDEC_PARAM_PAGE_SIZE;
    }
  /* A per-die unique ID: 16 bytes and their complement (ONFI layout). */
  for (guint i = 0; i < 16; i++)
    {
      bus->unique_id[i] = (guint8) fm_hash64 (seed, 0x756e69, i + 16 * target);
      bus->unique_id[16 + i] = ~bus->unique_id[i];
    }
  fm_mxic_protection_power_on (&bus->mxic, d, fm_nand_pt_pin (nand));
  fm_hynix_rr_reset (&bus->hynix);
  reset_state (bus);
  return bus;
}

void
fm_nand_bus_free (FmNandBus *bus)
{
  if (!bus)
    return;
  for (guint l = 0; l < bus->d->luns; l++)
    {
      for (guint p = 0; p < bus->d->planes; p++)
        {
          g_free (bus->luns[l].planes[p].cache);
          g_free (bus->luns[l].planes[p].data);
        }
      g_free (bus->luns[l].planes);
    }
  g_free (bus->luns);
  g_free (bus->plane_queue.ops);
  g_free (bus);
}

void
fm_nand_bus_set_ce (FmNandBus *bus, gboolean asserted)
{
  bus->ce = asserted;
}

void
fm_nand_bus_set_wp (FmNandBus *bus, gboolean asserted)
{
  fm_nand_set_write_protect (bus->nand, asserted);
}

guint
fm_nand_bus_timing_mode (const FmNandBus *bus)
{
  return timing_mode (bus);
}

FmNand *
fm_nand_bus_nand (FmNandBus *bus)
{
  return bus->nand;
}

guint
fm_nand_bus_queued_planes (const FmNandBus *bus)
{
  return bus->plane_queue.len;
}

gboolean
fm_nand_bus_ready (FmNandBus *bus)
{
  for (guint l = 0; l < bus->d->luns; l++)
    if (!lun_rdy (bus, l))
      return FALSE;
  return TRUE;
}

void
fm_nand_bus_wait_ready (FmNandBus *bus)
{
  guint64 t = 0;

  for (guint l = 0; l < bus->d->luns; l++)
    t = MAX (t, bus->luns[l].rdy_at);
  fm_clock_wait_until (bus->clock, t);
}

/* ---- operations ---------------------------------------------------------- */

/* Occupies LUN: RDY after RDY_NS, the array after ARRAY_NS, both counted
 * from when the array is free of earlier work. */
static void
occupy (FmNandBus *bus, guint lun, guint64 rdy_ns, guint64 array_ns)
{
  guint64 start = MAX (now (bus), *array_ready_at (bus, lun));
  guint64 extra = fm_nand_take_extra_busy (bus->nand); /* latency faults */

  rdy_ns += extra;
  array_ns += extra;
  bus->luns[lun].rdy_at = start + dur (bus, rdy_ns);
  *array_ready_at (bus, lun) = MAX (bus->luns[lun].rdy_at, start + dur (bus, array_ns));
}

static void
begin_page_output (FmNandBus *bus, guint lun, guint plane, guint column)
{
  bus->lun_sel = lun;
  bus->plane_sel = plane;
  bus->column = column;
  bus->out = OUT_PAGE;
  bus->last_random_out = OUT_PAGE;
}

/* Array to data register; an invalid address reads as all ones. */
static void
load_data_register (FmNandBus *bus, const PlaneOp *op)
{
  guint8 *data = bus->luns[op->lun].planes[op->plane].data;
  guint64 row = page_index (bus, op) - (guint64) bus->first_lun * bus->d->blocks_per_lun * bus->d->pages_per_block;

  if (bus->hynix.otp_mode)
    {
      /* Hynix OTP mode: the read retry table instead of the array (the
       * loader keeps it within a page; cut all the same). */
      guint8 otp[FM_HYNIX_OTP_SIZE];

      memset (data, 0xff, bus->page_bytes);
      if (op->valid_address && (row == FM_HYNIX_OTP_ROW || row == FM_HYNIX_OTP_ROW_ALT))
        {
          fm_hynix_rr_build_otp (bus->d, otp);
          memcpy (data, otp, MIN (sizeof otp, bus->page_bytes));
        }
    }
  else if (op->valid_address)
    {
      LunState *lun = &bus->luns[op->lun];

      fm_nand_array_read (bus->nand, page_index (bus, op), data);
      /* Every array operation rewrites the status: a read leaves what the
       * chip's ECC did (nothing when it is off) until the next one. */
      memset (&lun->ecc, 0, sizeof lun->ecc);
      if (fm_nand_on_die_ecc_enabled (bus->nand))
        lun->ecc = *fm_nand_last_on_die_ecc (bus->nand);
      lun->fail_bits = !fm_nand_on_die_ecc_enabled (bus->nand) ? 0
        : bus->d->on_die_ecc_benand ? fm_nand_vendor_toshiba_benand_status (bus->d, &lun->ecc)
        : fm_on_die_ecc_status (bus->d, &lun->ecc);
    }
  else
    memset (data, 0xff, bus->page_bytes);
  bus->luns[op->lun].data_reg_page = page_index (bus, op);
  bus->luns[op->lun].data_reg_plane = op->plane;
}

static void
data_to_cache (FmNandBus *bus, guint lun, guint plane)
{
  PlaneRegs *r = &bus->luns[lun].planes[plane];

  memcpy (r->cache, r->data, bus->page_bytes);
}

static void
read_page (FmNandBus *bus, const PlaneOp *op, guint column)
{
  load_data_register (bus, op);
  data_to_cache (bus, op->lun, op->plane);
  bus->luns[op->lun].cache_read = FALSE;
  occupy (bus, op->lun, fm_nand_read_ns (bus->nand), fm_nand_read_ns (bus->nand));
  begin_page_output (bus, op->lun, op->plane, column);
}

/* The page after LUN's data register page, for READ CACHE SEQUENTIAL. */
static PlaneOp
next_sequential (const FmNandBus *bus, guint lun)
{
  const FmChipDesc *d = bus->d;
  guint64 p = bus->luns[lun].data_reg_page + 1;
  PlaneOp op;

  op.block = p / d->pages_per_block;
  op.page = p % d->pages_per_block;
  op.lun = lun;
  op.plane = (op.block % d->blocks_per_lun) % d->planes;
  op.valid_address = op.block < fm_chip_desc_blocks (d) && op.block / d->blocks_per_lun == bus->first_lun + lun;
  return op;
}

/* 31h and 3Fh: the data register's page goes to the cache register for
 * output; 31h also starts reading NEXT (or the next sequential page) into
 * the data register while the host reads. */
static void
read_cache_step (FmNandBus *bus, guint lun, const PlaneOp *next, gboolean end)
{
  LunState *ls = &bus->luns[lun];
  guint out_plane = ls->data_reg_plane;
  guint64 rcbsy = bus->d->t_rcbsy.typ_ns;

  if (ls->data_reg_page == G_MAXUINT64)
    return; /* nothing was read: the sequence has no page to continue */
  data_to_cache (bus, lun, out_plane);
  if (end)
    {
      ls->cache_read = FALSE;
      occupy (bus, lun, rcbsy, rcbsy);
    }
  else
    {
      PlaneOp op = next ? *next : next_sequential (bus, lun);

      load_data_register (bus, &op);
      ls->cache_read = TRUE;
      occupy (bus, lun, rcbsy, fm_nand_read_ns (bus->nand));
    }
  begin_page_output (bus, lun, out_plane, 0);
}

/* The queued planes and LAST, which starts the operation (an erase when
 * ERASE; a program, on one page, otherwise), keep the multi-plane rules. */
static gboolean
plane_group_valid (FmNandBus *bus, const PlaneOp *last, gboolean erase)
{
  const PlaneQueue *q = &bus->plane_queue;
  gboolean same_page = !erase;
  guint used = 0;

  if (q->broken || (q->len > 0 && q->erase != erase))
    return FALSE;
  for (guint i = 0; i <= q->len; i++)
    {
      const PlaneOp *op = i < q->len ? &q->ops[i] : last;

      if (!op->valid_address || op->lun != last->lun || (used & (1u << op->plane)))
        return FALSE;
      if (same_page && op->page != last->page)
        return FALSE;
      used |= 1u << op->plane;
    }
  return TRUE;
}

/* Whether a vendor's block protection covers a block of the queued planes
 * or LAST (Macronix: feature A0h). */
static gboolean
group_vendor_protected (const FmNandBus *bus, const PlaneOp *last)
{
  for (guint i = 0; i <= bus->plane_queue.len; i++)
    {
      const PlaneOp *op = i < bus->plane_queue.len ? &bus->plane_queue.ops[i] : last;

      if (fm_mxic_block_protected (&bus->mxic, bus->d, op->block))
        return TRUE;
    }
  return FALSE;
}

static void
set_result (FmNandBus *bus, guint lun, gboolean failed, gboolean cache_op)
{
  LunState *ls = &bus->luns[lun];
  guint8 prev_fail = ls->fail_bits & FM_STATUS_FAIL;

  ls->fail_bits = failed ? FM_STATUS_FAIL : 0;
  /* FAILC reports the previous page of a cache program sequence. */
  if (cache_op && prev_fail)
    ls->fail_bits |= FM_STATUS_FAILC;
}

/* 10h or 15h: programs every queued plane and the current target. */
static void
program_confirm (FmNandBus *bus, gboolean cache)
{
  const PlaneOp *target = &bus->prog_target;
  gboolean failed = FALSE;
  gboolean in_cache_sequence = cache || bus->cache_programming;
  guint64 array_ns = bus->d->t_prog.typ_ns;

  if (fm_nand_write_protected (bus->nand) || !plane_group_valid (bus, target, FALSE) ||
      group_vendor_protected (bus, target))
    failed = TRUE;
  else
    {
      for (guint i = 0; i <= bus->plane_queue.len; i++)
        {
          const PlaneOp *op = i < bus->plane_queue.len ? &bus->plane_queue.ops[i] : target;
          PlaneRegs *r = &bus->luns[op->lun].planes[op->plane];

          /* Cache program frees the cache register at once by moving the
           * page to the data register, which the array then programs. */
          memcpy (r->data, r->cache, bus->page_bytes);
          if (fm_nand_array_program (bus->nand, page_index (bus, op), r->data) != FM_ARRAY_PASS)
            failed = TRUE;
        }
      if (cache)
        occupy (bus, target->lun, bus->d->t_cbsy.typ_ns, array_ns);
      else
        occupy (bus, target->lun, array_ns, array_ns);
    }
  set_result (bus, target->lun, failed, in_cache_sequence);
  bus->lun_sel = target->lun;
  bus->cache_programming = cache;
  bus->programming = FALSE;
  bus->copyback_loaded = FALSE;
  clear_plane_queue (bus);
}

static void
erase_confirm (FmNandBus *bus, const PlaneOp *target)
{
  gboolean failed = FALSE;

  if (fm_nand_write_protected (bus->nand) || !plane_group_valid (bus, target, TRUE) ||
      group_vendor_protected (bus, target))
    failed = TRUE;
  else
    {
      for (guint i = 0; i <= bus->plane_queue.len; i++)
        {
          const PlaneOp *op = i < bus->plane_queue.len ? &bus->plane_queue.ops[i] : target;

          if (fm_nand_array_erase (bus->nand, op->block) != FM_ARRAY_PASS)
            failed = TRUE;
        }
      occupy (bus, target->lun, bus->d->t_bers.typ_ns, bus->d->t_bers.typ_ns);
    }
  set_result (bus, target->lun, failed, FALSE);
  bus->lun_sel = target->lun;
  clear_plane_queue (bus);
}

static gboolean
feature_supported (const FmNandBus *bus, guint8 addr)
{
  if (!has (bus, FM_CMD_GET_SET_FEATURES))
    return FALSE;
  if (addr == FEATURE_TIMING_MODE)
    return TRUE;
  return memchr (bus->d->feature_addrs, addr, bus->d->n_feature_addrs) != NULL;
}

static void
set_features (FmNandBus *bus)
{
  guint8 addr = bus->feature_addr;

  if (addr == FEATURE_TIMING_MODE)
    {
      guint mode = bus->feature_in[0] & 0x0f;

      /* Only SDR modes the part lists; anything else leaves it as it was. */
      if ((bus->feature_in[0] & 0x30) || mode > 5 || !(bus->d->timing_modes & (1u << mode)))
        return;
    }
  if (fm_mxic_protection_set (&bus->mxic, bus->d, addr, bus->feature_in))
    return;
  if (addr == FEATURE_READ_RETRY && retry_by_feature (bus))
    {
      /* P1 selects the level; one the part does not have is ignored
       * (NOT SOURCED: the datasheets at hand do not say). */
      if (bus->feature_in[0] < bus->d->read_retry.levels)
        select_retry_level (bus, bus->feature_in[0]);
      return;
    }
  if (feature_supported (bus, addr))
    memcpy (bus->features[addr], bus->feature_in, 4);
  if (bus->d->on_die_ecc_strength && !bus->d->on_die_ecc_benand && addr == bus->d->on_die_ecc_feature)
    fm_nand_set_on_die_ecc (bus->nand, (bus->feature_in[0] & bus->d->on_die_ecc_enable_mask) != 0, NULL);
}

/* Feature byte POS of the selected address; the on-die ECC bit is the
 * chip's state, which the page API may have changed too. */
static guint8
feature_byte (FmNandBus *bus, guint pos)
{
  const FmChipDesc *d = bus->d;
  guint8 v = bus->features[bus->feature_addr][pos];
  guint8 vendor[4];

  if (fm_mxic_protection_get (&bus->mxic, d, bus->feature_addr, vendor))
    return vendor[pos];
  if (bus->feature_addr == FEATURE_READ_RETRY && retry_by_feature (bus))
    return pos == 0 ? (guint8) MAX (fm_nand_read_retry_level (bus->nand), 0) : 0x00;
  if (d->on_die_ecc_strength && !d->on_die_ecc_benand && bus->feature_addr == d->on_die_ecc_feature && pos == 0)
    v = (v & ~d->on_die_ecc_enable_mask) |
        (fm_nand_on_die_ecc_enabled (bus->nand) ? d->on_die_ecc_enable_mask : 0);
  return v;
}

/* READ ID byte POS; Micron parts show the on-die ECC state in it. */
static guint8
id_byte (FmNandBus *bus, guint pos)
{
  const FmChipDesc *d = bus->d;
  guint8 v = d->id[pos];

  if (d->on_die_ecc_strength && pos == d->on_die_ecc_id_byte && fm_nand_on_die_ecc_enabled (bus->nand))
    v |= d->on_die_ecc_id_mask;
  return v;
}

/* ---- command cycles ------------------------------------------------------ */

static gboolean
accepted_while_busy (const FmNandBus *bus, guint8 c)
{
  (void) bus;
  return c == CMD_STATUS || c == CMD_STATUS_ENHANCED || c == CMD_RESET;
}

static void
open_command (FmNandBus *bus, gint c)
{
  bus->cmd = c;
  bus->naddr = 0;
}

static void
command_reset (FmNandBus *bus)
{
  reset_state (bus);
  for (guint l = 0; l < bus->d->luns; l++)
    {
      guint64 t = now (bus) + dur (bus, bus->d->t_rst_ns);

      bus->luns[l].rdy_at = t;
      *array_ready_at (bus, l) = t;
    }
  bus->lun_sel = 0;
  bus->out = OUT_STATUS;
}

static void
confirm_read (FmNandBus *bus, guint8 c)
{
  guint full = col_cycles (bus) + row_cycles (bus);
  PlaneOp op;

  if (bus->cmd != CMD_READ || bus->naddr != full)
    return;
  op = decode_row (bus, col_cycles (bus));
  bus->cmd = NO_COMMAND;
  bus->copyback_loaded = FALSE;
  switch (c)
    {
    case CMD_READ_START:
      read_page (bus, &op, addr_column (bus));
      if (!op.valid_address)
        bus->luns[op.lun].fail_bits = FM_STATUS_FAIL;
      break;
    case CMD_COPYBACK_READ:
      read_page (bus, &op, addr_column (bus));
      bus->copyback_loaded = op.valid_address;
      bus->prog_target = op;
      break;
    case CMD_READ_CACHE:
      read_cache_step (bus, op.lun, &op, FALSE);
      break;
    }
}

void
fm_nand_bus_command (FmNandBus *bus, guint8 c)
{
  gboolean large = !bus->d->small_page;

  if (!bus->ce)
    return;
  bus_cycle (bus);
  if (!lun_rdy (bus, bus->lun_sel) && !accepted_while_busy (bus, c))
    return;
  if (retry_by_hynix_otp (bus))
    {
      if (fm_hynix_rr_command (&bus->hynix, c))
        apply_hynix_registers (bus);
      if (c == CMD_HYNIX_SET_PARAMS)
        open_command (bus, c);
      else if (c == FM_HYNIX_CMD_APPLY_PARAMS && bus->cmd == CMD_HYNIX_SET_PARAMS)
        bus->cmd = NO_COMMAND;
    }

  switch (c)
    {
    case CMD_RESET:
      if (retry_by_hynix_otp (bus))
        fm_hynix_rr_reset (&bus->hynix);
      command_reset (bus);
      break;
    case CMD_STATUS:
      bus->out = OUT_STATUS;
      break;
    case CMD_ECC_STATUS:
      /* BENAND's ECC STATUS READ: one byte per sector of the last read. */
      if (bus->d->on_die_ecc_benand)
        {
          bus->out = OUT_ECC_STATUS;
          bus->out_pos = 0;
        }
      break;
    case CMD_STATUS_ENHANCED:
      if (has (bus, FM_CMD_READ_STATUS_ENHANCED))
        open_command (bus, c);
      break;
    case CMD_READ_ID:
      open_command (bus, c);
      break;
    case CMD_READ_PARAM:
      if (bus->param_len)
        open_command (bus, c);
      break;
    case CMD_READ_UNIQUE_ID:
      if (has (bus, FM_CMD_READ_UNIQUE_ID))
        open_command (bus, c);
      break;
    case CMD_GET_FEATURES:
    case CMD_SET_FEATURES:
      if (has (bus, FM_CMD_GET_SET_FEATURES))
        open_command (bus, c);
      break;
    case CMD_READ:
      bus->small_pointer = 0;
      open_command (bus, c);
      break;
    case CMD_READ_POINTER_B:
    case CMD_READ_POINTER_C:
      if (!large)
        {
          bus->small_pointer = c == CMD_READ_POINTER_B ? 1 : 2;
          open_command (bus, CMD_READ);
        }
      break;
    case CMD_READ_START:
    case CMD_COPYBACK_READ:
      if (large && (c == CMD_READ_START || has (bus, FM_CMD_COPYBACK)))
        confirm_read (bus, c);
      break;
    case CMD_READ_CACHE:
      if (!large || !has (bus, FM_CMD_READ_CACHE))
        break;
      if (bus->cmd == CMD_READ)
        confirm_read (bus, c);
      else if (bus->cmd == NO_COMMAND)
        read_cache_step (bus, bus->lun_sel, NULL, FALSE);
      break;
    case CMD_READ_CACHE_END:
      if (large && has (bus, FM_CMD_READ_CACHE) && bus->luns[bus->lun_sel].cache_read)
        read_cache_step (bus, bus->lun_sel, NULL, TRUE);
      break;
    case CMD_CHANGE_READ_COLUMN:
      if (large)
        open_command (bus, c);
      break;
    case CMD_CHANGE_READ_COLUMN_CONFIRM:
      if (bus->cmd == CMD_CHANGE_READ_COLUMN && bus->naddr >= col_cycles (bus))
        {
          guint column = addr_column (bus);

          if (bus->naddr == col_cycles (bus) + row_cycles (bus))
            {
              PlaneOp op = decode_row (bus, col_cycles (bus));

              bus->lun_sel = op.lun;
              bus->plane_sel = op.plane;
            }
          bus->out = bus->last_random_out;
          if (bus->out == OUT_PAGE)
            bus->column = column;
          else
            bus->out_pos = column / bus->byte_width;
          bus->cmd = NO_COMMAND;
        }
      break;
    case CMD_PROGRAM:
      open_command (bus, c);
      bus->programming = FALSE;
      break;
    case CMD_CHANGE_WRITE_COLUMN:
      if (large && (bus->programming || (bus->copyback_loaded && has (bus, FM_CMD_COPYBACK))))
        open_command (bus, c);
      break;
    case CMD_PROGRAM_CONFIRM:
      if (bus->programming)
        program_confirm (bus, FALSE);
      bus->cmd = NO_COMMAND;
      break;
    case CMD_CACHE_PROGRAM:
      if (bus->programming && large && has (bus, FM_CMD_CACHE_PROGRAM))
        program_confirm (bus, TRUE);
      bus->cmd = NO_COMMAND;
      break;
    case CMD_PROGRAM_MULTI_PLANE:
      if (bus->programming && has (bus, FM_CMD_MULTI_PLANE))
        {
          queue_plane (bus, &bus->prog_target, FALSE);
          bus->programming = FALSE;
          occupy (bus, bus->prog_target.lun, bus->d->t_dbsy.typ_ns, 0);
        }
      bus->cmd = NO_COMMAND;
      break;
    case CMD_ERASE:
      open_command (bus, c);
      break;
    case CMD_ERASE_CONFIRM:
    case CMD_ERASE_MULTI_PLANE:
      if (bus->cmd == CMD_ERASE && bus->naddr == row_cycles (bus))
        {
          PlaneOp op = decode_row (bus, 0);

          if (c == CMD_ERASE_CONFIRM)
            erase_confirm (bus, &op);
          else if (has (bus, FM_CMD_MULTI_PLANE))
            {
              queue_plane (bus, &op, TRUE);
              occupy (bus, op.lun, bus->d->t_dbsy.typ_ns, 0);
            }
        }
      bus->cmd = NO_COMMAND;
      break;
    default:
      /* Not a command this part knows: ignored, as datasheets specify. */
      break;
    }
}

/* ---- address cycles ------------------------------------------------------ */

static void
address_complete (FmNandBus *bus)
{
  guint cols = col_cycles (bus), rows = row_cycles (bus);

  switch (bus->cmd)
    {
    case CMD_READ_ID:
      if (bus->naddr == 1)
        {
          bus->id_addr = bus->addr[0];
          if (bus->addr[0] == 0x20 && bus->d->onfi_version)
            bus->out = OUT_ONFI_SIGNATURE;
          else if (bus->addr[0] == FM_JEDEC_ADDRESS && (bus->d->jedec_version || retry_by_hynix_otp (bus)))
            bus->out = OUT_JEDEC_SIGNATURE;
          else
            bus->out = OUT_ID;
          bus->out_pos = 0;
          bus->cmd = NO_COMMAND;
        }
      break;
    case CMD_READ_PARAM:
    case CMD_READ_UNIQUE_ID:
      if (bus->naddr == 1)
        {
          bus->out = bus->cmd == CMD_READ_PARAM ? OUT_PARAM : OUT_UNIQUE_ID;
          /* A JEDEC part has its page at address 40h (JESD230) and none
           * at ONFI's 00h: the data cycles then read FFh. */
          if (bus->cmd == CMD_READ_PARAM && bus->d->jedec_version && bus->addr[0] != FM_JEDEC_ADDRESS)
            bus->out = OUT_NONE;
          bus->last_random_out = bus->out;
          bus->out_pos = 0;
          if (bus->out != OUT_NONE)
            occupy (bus, bus->lun_sel, bus->d->t_r.typ_ns, bus->d->t_r.typ_ns);
          bus->cmd = NO_COMMAND;
        }
      break;
    case CMD_GET_FEATURES:
      if (bus->naddr == 1)
        {
          bus->feature_addr = bus->addr[0];
          bus->out = OUT_FEATURES;
          bus->out_pos = 0;
          occupy (bus, bus->lun_sel, bus->d->t_feat_ns, bus->d->t_feat_ns);
          bus->cmd = NO_COMMAND;
        }
      break;
    case CMD_SET_FEATURES:
      if (bus->naddr == 1)
        {
          bus->feature_addr = bus->addr[0];
          bus->feature_in_count = 0;
        }
      break;
    case CMD_STATUS_ENHANCED:
      if (bus->naddr == rows)
        {
          PlaneOp op = decode_row (bus, 0);

          bus->lun_sel = op.lun;
          bus->plane_sel = op.plane;
          bus->out = OUT_STATUS;
          bus->cmd = NO_COMMAND;
        }
      break;
    case CMD_READ:
      /* Small-page parts start reading on the last address cycle. */
      if (bus->d->small_page && bus->naddr == cols + rows)
        {
          PlaneOp op = decode_row (bus, cols);
          guint column = bus->small_pointer * 256 + bus->addr[0];

          if (bus->small_pointer == 2)
            column = bus->d->page_size + (bus->addr[0] & 0x0f);
          read_page (bus, &op, column);
          if (bus->small_pointer == 1)
            bus->small_pointer = 0;
          bus->cmd = NO_COMMAND;
        }
      break;
    case CMD_PROGRAM:
      if (bus->naddr == cols + rows)
        {
          PlaneOp op = decode_row (bus, cols);
          guint column = addr_column (bus);

          if (bus->d->small_page)
            {
              column = bus->small_pointer == 2
                ? bus->d->page_size + (bus->addr[0] & 0x0f)
                : bus->small_pointer * 256 + bus->addr[0];
              if (bus->small_pointer == 1)
                bus->small_pointer = 0;
            }
          /* 80h clears the addressed plane's cache register. */
          memset (cache_reg (bus, op.lun, op.plane), 0xff, bus->page_bytes);
          bus->prog_target = op;
          bus->lun_sel = op.lun;
          bus->plane_sel = op.plane;
          bus->column = column;
          bus->programming = TRUE;
        }
      break;
    case CMD_CHANGE_WRITE_COLUMN:
      /* Two cycles move the column; five also retarget the row (copyback
       * destination, or ONFI's change row address). */
      if (bus->naddr == cols)
        {
          bus->column = addr_column (bus);
          bus->programming = TRUE;
        }
      else if (bus->naddr == cols + rows)
        {
          PlaneOp op = decode_row (bus, cols);

          if (bus->copyback_loaded && op.plane != bus->prog_target.plane)
            op.valid_address = FALSE; /* copyback stays within a plane */
          if (bus->copyback_loaded && !(bus->d->onfi_features & FM_ONFI_FEATURE_ODD_EVEN_COPYBACK) &&
              ((op.page ^ bus->prog_target.page) & 1))
            op.valid_address = FALSE;
          bus->prog_target = op;
          bus->plane_sel = op.plane;
          bus->lun_sel = op.lun;
        }
      break;
    default:
      break;
    }
}

void
fm_nand_bus_address (FmNandBus *bus, guint8 a)
{
  if (!bus->ce)
    return;
  bus_cycle (bus);
  if (bus->cmd == CMD_HYNIX_SET_PARAMS)
    {
      /* Hynix's register session: each address selects a register. */
      fm_hynix_rr_address (&bus->hynix, a);
      return;
    }
  if (bus->cmd == NO_COMMAND || bus->naddr >= sizeof bus->addr)
    return;
  /* 78h addresses the LUN to poll, which is why it works while busy. */
  if (!lun_rdy (bus, bus->lun_sel) && bus->cmd != CMD_STATUS_ENHANCED)
    return;
  bus->addr[bus->naddr++] = a;
  address_complete (bus);
}

/* ---- data cycles --------------------------------------------------------- */

static void
write_byte (FmNandBus *bus, guint8 v)
{
  if (bus->cmd == CMD_HYNIX_SET_PARAMS)
    {
      fm_hynix_rr_write (&bus->hynix, v);
      return;
    }
  if (bus->cmd == CMD_SET_FEATURES && bus->naddr == 1)
    {
      bus->feature_in[bus->feature_in_count++] = v;
      if (bus->feature_in_count == 4)
        {
          set_features (bus);
          occupy (bus, bus->lun_sel, bus->d->t_feat_ns, bus->d->t_feat_ns);
          bus->cmd = NO_COMMAND;
        }
      return;
    }
  if (bus->programming && bus->column < bus->page_bytes)
    cache_reg (bus, bus->prog_target.lun, bus->prog_target.plane)[bus->column++] = v;
}

void
fm_nand_bus_write (FmNandBus *bus, guint16 data)
{
  if (!bus->ce)
    return;
  bus_cycle (bus);
  if (!lun_rdy (bus, bus->lun_sel))
    return;
  write_byte (bus, data & 0xff);
  if (bus->byte_width == 2 && bus->programming && bus->cmd != CMD_SET_FEATURES)
    write_byte (bus, data >> 8);
}

void
fm_nand_bus_write_buf (FmNandBus *bus, const guint8 *buf, gsize len)
{
  for (gsize i = 0; i < len; i += bus->byte_width)
    fm_nand_bus_write (bus, bus->byte_width == 2 ? (guint16) (buf[i] | (buf[i + 1] << 8)) : buf[i]);
}

/* The READ PARAMETER PAGE data stream: the parameter page copies, then as
 * many copies of the extended parameter page (Linux reaches it with CHANGE
 * READ COLUMN to 256 * byte 14), then around again. Parts without an
 * extended page (every JEDEC part) repeat the parameter page. */
static guint8
param_byte (const FmNandBus *bus, guint pos)
{
  guint copies = PARAM_COPIES * bus->param_len;

  if (!bus->ext_param_len)
    return bus->param_page[pos % bus->param_len];
  pos %= copies + PARAM_COPIES * bus->ext_param_len;
  if (pos < copies)
    return bus->param_page[pos % bus->param_len];
  return bus->ext_param_page[(pos - copies) % bus->ext_param_len];
}

static guint8
read_byte (FmNandBus *bus)
{
  guint pos = bus->out_pos++;

  switch (bus->out)
    {
    case OUT_ID:
      return id_byte (bus, pos % bus->d->id_len);
    case OUT_ONFI_SIGNATURE:
      return pos < 4 ? "ONFI"[pos] : 0x00;
    case OUT_JEDEC_SIGNATURE:
      return pos < FM_JEDEC_ID_SIGNATURE_LEN ? FM_JEDEC_ID_SIGNATURE[pos] : 0x00;
    case OUT_PARAM:
      return param_byte (bus, pos);
    case OUT_UNIQUE_ID:
      return bus->unique_id[pos % sizeof bus->unique_id];
    case OUT_STATUS:
      bus->out_pos = 0;
      return status_of (bus, bus->lun_sel);
    case OUT_FEATURES:
      return pos < 4 ? feature_byte (bus, pos) : 0x00;
    case OUT_ECC_STATUS:
      return fm_nand_vendor_toshiba_benand_ecc_status (bus->d, &bus->luns[bus->lun_sel].ecc, pos);
    case OUT_PAGE:
      bus->out_pos = 0;
      if (bus->column < bus->page_bytes)
        return cache_reg (bus, bus->lun_sel, bus->plane_sel)[bus->column++];
      return 0xff;
    case OUT_NONE:
    default:
      return 0xff;
    }
}

guint16
fm_nand_bus_read (FmNandBus *bus)
{
  guint16 v;

  if (!bus->ce)
    return 0xffff;
  bus_cycle (bus);
  /* 00h with no address after READ STATUS returns to data output. */
  if (bus->cmd == CMD_READ && bus->naddr == 0)
    {
      bus->cmd = NO_COMMAND;
      bus->out = bus->last_random_out;
    }
  if (bus->out != OUT_STATUS && !lun_rdy (bus, bus->lun_sel))
    return 0xffff; /* the bus floats while the LUN is busy */
  v = read_byte (bus);
  /* Page data is 16 bits wide on a x16 part; ID, parameter page, status
   * and features use the low byte only. */
  if (bus->byte_width == 2 && bus->out == OUT_PAGE)
    v |= (guint16) read_byte (bus) << 8;
  return v;
}

void
fm_nand_bus_read_buf (FmNandBus *bus, guint8 *buf, gsize len)
{
  for (gsize i = 0; i < len; i += bus->byte_width)
    {
      guint16 v = fm_nand_bus_read (bus);

      buf[i] = v & 0xff;
      if (bus->byte_width == 2 && i + 1 < len)
        buf[i + 1] = v >> 8;
    }
}
