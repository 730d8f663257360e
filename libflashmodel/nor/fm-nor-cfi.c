/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bus front end of the parallel NOR model: accesses become bus cycles
 * (each one takes a cycle of virtual time), a chip without power answers
 * all ones and ignores writes, and the command set of the part decodes the
 * rest (fm-cfi-amd.c, fm-cfi-intel.c). Shared by both command sets: the
 * one embedded operation that runs at a time and the one that can be
 * suspended under it, the write buffer, and the part's sectors.
 *
 * An operation changes the cells when it starts (fm_nor_cells_*) and
 * keeps the chip busy for its time from the descriptor, without waiting:
 * status reads say busy until the clock has passed its end.
 */
#include "fm-cfi-private.h"
#include "fm-nand-private.h"
#include "fm-error.h"

#include <string.h>

/* tRC/tWC of a 90 ns part: what one access costs in virtual time, so that
 * a host polling status sees time pass. */
#define BUS_CYCLE_NS 90

static guint64
now (FmNorCfi *cfi)
{
  return fm_clock_now (cfi->clock);
}

/* FmNor's ready time, for frontends that use the chip through fm_nor_*. */
static void
sync_ready_at (FmNorCfi *cfi)
{
  const FmCfiOp *op = &cfi->op;
  guint64 end = now (cfi);

  if (op->running)
    end = op->suspending ? MIN (op->end, op->suspend_at) : op->end;
  *fm_nor_ready_at (cfi->nor) = end;
}

/* Lets what the clock decided happen: a suspend that took effect, an
 * operation that ended. */
static void
settle (FmNorCfi *cfi)
{
  FmCfiOp *op = &cfi->op;
  guint64 t = now (cfi);

  if (!op->running)
    return;
  if (op->suspending && op->suspend_at < op->end && t >= op->suspend_at)
    {
      cfi->suspended = *op;
      cfi->suspended.running = FALSE;
      cfi->suspended.suspending = FALSE;
      cfi->suspended.end = op->end - op->suspend_at;
      memset (op, 0, sizeof *op);
      sync_ready_at (cfi);
      return;
    }
  if (t >= op->end)
    {
      op->running = FALSE;
      op->suspending = FALSE;
      sync_ready_at (cfi);
      cfi->set->op_done (cfi);
    }
}

static void
start_op (FmNorCfi *cfi, FmCfiOpKind kind, guint64 start, guint64 len, guint64 ns,
          FmArrayResult result)
{
  FmCfiOp *op = &cfi->op;

  memset (op, 0, sizeof *op);
  op->kind = kind;
  op->start = start;
  op->len = len;
  op->result = result;
  op->running = TRUE;
  op->end = now (cfi) + fm_clock_duration (cfi->clock, ns);
  sync_ready_at (cfi);
}

/* ---- data ----------------------------------------------------------------- */

guint16
fm_cfi_array_word (FmNorCfi *cfi, guint64 addr)
{
  guint8 buf[2] = { 0xff, 0xff };

  fm_nor_cells_read (cfi->nor, addr, buf, cfi->bus_bytes);
  return cfi->bus_bytes == 2 ? (guint16) (buf[0] | buf[1] << 8) : buf[0];
}

guint8
fm_cfi_pri_byte (FmNorCfi *cfi, guint offset)
{
  return offset < cfi->nd->ext_table_len ? cfi->nd->ext_table[offset] : 0;
}

/* ---- sectors -------------------------------------------------------------- */

guint64
fm_cfi_sector_start (FmNorCfi *cfi, guint64 addr, guint32 *size)
{
  guint64 start;

  if (!fm_nor_sector_at (cfi->nor, addr, &start, size))
    g_return_val_if_reached (0);
  return start;
}

guint
fm_cfi_sector_index (FmNorCfi *cfi, guint64 addr)
{
  const FmNorDesc *n = cfi->nd;
  guint64 base = 0;
  guint index = 0;

  for (guint r = 0; r < n->n_regions; r++)
    {
      guint64 len = (guint64) n->regions[r].count * n->regions[r].size;

      if (addr < base + len)
        return index + (guint) ((addr - base) / n->regions[r].size);
      base += len;
      index += n->regions[r].count;
    }
  g_return_val_if_reached (index - 1);
}

gboolean
fm_cfi_in_op (const FmCfiOp *op, guint64 addr)
{
  return op->kind != FM_CFI_OP_NONE && addr >= op->start && addr - op->start < op->len;
}

/* ---- operations ----------------------------------------------------------- */

static void
program (FmNorCfi *cfi, guint64 addr, const guint8 *data, gsize len, guint16 datum)
{
  FmArrayResult r = fm_nor_cells_program (cfi->nor, addr, data, len);
  guint64 ns = fm_nor_program_ns (cfi->nor, len) + fm_nand_take_extra_busy (fm_nor_cells (cfi->nor));

  start_op (cfi, FM_CFI_OP_PROGRAM, addr, len, ns, r);
  cfi->op.datum = datum;
}

void
fm_cfi_program_cycle (FmNorCfi *cfi, const FmCfiCycle *c)
{
  guint8 bytes[2] = { c->data & 0xff, c->data >> 8 };

  program (cfi, c->addr, bytes, cfi->bus_bytes, c->data);
}

void
fm_cfi_erase (FmNorCfi *cfi, FmCfiOpKind kind, guint64 start, guint64 len)
{
  FmArrayResult result = FM_ARRAY_PASS;
  guint64 ns = kind == FM_CFI_OP_CHIP_ERASE ? fm_nor_chip_erase_ns (cfi->nor)
                                            : fm_nor_erase_ns (cfi->nor, len);

  for (guint64 a = start; a < start + len && result != FM_ARRAY_FAIL_POWER_OFF;)
    {
      guint32 size;
      guint64 s = fm_cfi_sector_start (cfi, a, &size);

      if (!cfi->set->protected (cfi, s))
        {
          FmArrayResult r = fm_nor_cells_erase (cfi->nor, s, size);

          if (result == FM_ARRAY_PASS || r == FM_ARRAY_FAIL_POWER_OFF)
            result = r;
        }
      a = s + size;
    }
  ns += fm_nand_take_extra_busy (fm_nor_cells (cfi->nor));
  start_op (cfi, kind, start, len, ns, result);
}

void
fm_cfi_busy_for (FmNorCfi *cfi, FmCfiOpKind kind, guint64 start, guint64 ns,
                 FmArrayResult result)
{
  start_op (cfi, kind, start, 0, ns, result);
}

gboolean
fm_cfi_busy (FmNorCfi *cfi)
{
  return cfi->op.running;
}

gboolean
fm_cfi_suspend (FmNorCfi *cfi)
{
  FmCfiOp *op = &cfi->op;

  if (!op->running || op->suspending || cfi->suspended.kind != FM_CFI_OP_NONE)
    return FALSE;
  op->suspending = TRUE;
  op->suspend_at = now (cfi) + fm_clock_duration (cfi->clock, cfi->nd->t_suspend_ns);
  sync_ready_at (cfi);
  return TRUE;
}

gboolean
fm_cfi_resume (FmNorCfi *cfi)
{
  guint64 left = cfi->suspended.end;

  if (cfi->op.running || cfi->suspended.kind == FM_CFI_OP_NONE)
    return FALSE;
  cfi->op = cfi->suspended;
  cfi->op.running = TRUE;
  cfi->op.end = now (cfi) + left;
  memset (&cfi->suspended, 0, sizeof cfi->suspended);
  sync_ready_at (cfi);
  return TRUE;
}

/* ---- the write buffer ----------------------------------------------------- */

gboolean
fm_cfi_buffer_begin (FmNorCfi *cfi, guint64 addr, guint count)
{
  FmCfiBuffer *b = &cfi->buffer;
  guint32 size = cfi->nd->program_buffer;

  b->left = 0;
  b->last = cfi->bus_bytes == 2 ? 0xffff : 0xff;
  if (count == 0 || (guint64) count * cfi->bus_bytes > size)
    return FALSE;
  b->sector = fm_cfi_sector_start (cfi, addr, &b->sector_size);
  b->window = G_MAXUINT64;
  b->left = count;
  b->lo = size;
  b->hi = 0;
  memset (b->data, 0xff, size);
  return TRUE;
}

gboolean
fm_cfi_buffer_load (FmNorCfi *cfi, const FmCfiCycle *c)
{
  FmCfiBuffer *b = &cfi->buffer;
  guint32 size = cfi->nd->program_buffer;
  guint64 window = c->addr / size * size;
  guint32 offset = (guint32) (c->addr - window);

  if (b->left == 0 || c->addr < b->sector || c->addr - b->sector >= b->sector_size)
    return FALSE;
  if (b->window == G_MAXUINT64)
    b->window = window;
  else if (window != b->window)
    return FALSE;
  /* A location loaded twice programs its last value. */
  b->data[offset] = c->data & 0xff;
  if (cfi->bus_bytes == 2)
    b->data[offset + 1] = c->data >> 8;
  b->lo = MIN (b->lo, offset);
  b->hi = MAX (b->hi, offset + cfi->bus_bytes);
  b->last = c->data;
  b->left--;
  return TRUE;
}

gboolean
fm_cfi_buffer_full (const FmNorCfi *cfi)
{
  return cfi->buffer.left == 0;
}

void
fm_cfi_buffer_program (FmNorCfi *cfi)
{
  FmCfiBuffer *b = &cfi->buffer;

  g_return_if_fail (b->hi > b->lo);
  program (cfi, b->window + b->lo, b->data + b->lo, b->hi - b->lo, b->last);
}

/* ---- the bus -------------------------------------------------------------- */

FmNorCfi *
fm_nor_cfi_new (FmNor *nor, guint bus_width, GError **error)
{
  const FmChipDesc *desc = fm_nor_desc (nor);
  const FmCfiCommandSet *set;
  FmNorCfi *cfi;

  if (desc->type != FM_CHIP_NOR_CFI)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "chip '%s' is a %s part, not a parallel (CFI) NOR part",
                   desc->name, fm_chip_type_to_string (desc->type));
      return NULL;
    }
  if ((bus_width != 8 && bus_width != 16) || !(desc->nor.bus_widths & bus_width))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID,
                   "chip '%s' has no x%u data bus", desc->name, bus_width);
      return NULL;
    }
  switch (desc->nor.cfi_command_set)
    {
    case FM_CFI_CMDSET_AMD:
      set = &fm_cfi_amd_command_set;
      break;
    case FM_CFI_CMDSET_INTEL:
      set = &fm_cfi_intel_command_set;
      break;
    default:
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED,
                   "chip '%s' has CFI command set %04Xh, which is not modelled",
                   desc->name, desc->nor.cfi_command_set);
      return NULL;
    }

  cfi = g_new0 (FmNorCfi, 1);
  cfi->nor = nor;
  cfi->desc = desc;
  cfi->nd = &desc->nor;
  cfi->clock = fm_nor_clock (nor);
  cfi->bus_bytes = bus_width / 8;
  cfi->word_decode = (desc->nor.bus_widths & 16) != 0;
  cfi->query = fm_nor_cfi_query_table (desc);
  for (guint r = 0; r < cfi->nd->n_regions; r++)
    cfi->n_sectors += cfi->nd->regions[r].count;
  cfi->buffer.data = g_malloc (MAX (cfi->nd->program_buffer, 2));
  cfi->set = set;
  cfi->state = set->new_state (cfi);
  set->reset (cfi);
  return cfi;
}

void
fm_nor_cfi_free (FmNorCfi *cfi)
{
  if (!cfi)
    return;
  g_bytes_unref (cfi->query);
  g_free (cfi->buffer.data);
  g_free (cfi->state);
  g_free (cfi);
}

FmNor *
fm_nor_cfi_nor (FmNorCfi *cfi)
{
  return cfi->nor;
}

guint
fm_nor_cfi_bus_width (const FmNorCfi *cfi)
{
  return cfi->bus_bytes * 8;
}

static gboolean
powered (FmNorCfi *cfi)
{
  return !fm_nand_powered_off (fm_nor_cells (cfi->nor));
}

static FmCfiCycle
cycle_at (FmNorCfi *cfi, guint64 addr, guint16 data)
{
  FmCfiCycle c;

  /* Address lines above the chip's are not connected. */
  c.addr = addr & (fm_nor_size (cfi->nor) - 1);
  c.addr -= c.addr % cfi->bus_bytes;
  c.cmd_addr = cfi->word_decode ? c.addr >> 1 : c.addr;
  c.data = data;
  return c;
}

static guint16
read_cycle (FmNorCfi *cfi, guint64 addr)
{
  FmCfiCycle c = cycle_at (cfi, addr, 0);
  guint16 lanes = cfi->bus_bytes == 2 ? 0xffff : 0xff;

  fm_clock_advance (cfi->clock, BUS_CYCLE_NS);
  if (!powered (cfi))
    return lanes;
  settle (cfi);
  return cfi->set->read (cfi, &c) & lanes;
}

static void
write_cycle (FmNorCfi *cfi, guint64 addr, guint16 data)
{
  FmCfiCycle c = cycle_at (cfi, addr, data);

  fm_clock_advance (cfi->clock, BUS_CYCLE_NS);
  if (!powered (cfi))
    return;
  settle (cfi);
  cfi->set->write (cfi, &c);
}

static gboolean
check_width (guint width)
{
  g_return_val_if_fail (width == 1 || width == 2 || width == 4, FALSE);
  return TRUE;
}

guint32
fm_nor_cfi_read (FmNorCfi *cfi, guint64 addr, guint width)
{
  guint32 value = 0;

  if (!check_width (width))
    return 0;
  /* A byte read on a x16 bus: one cycle, its byte lane. */
  if (width < cfi->bus_bytes)
    return (read_cycle (cfi, addr) >> (8 * (addr & 1))) & 0xff;
  for (guint i = 0; i < width; i += cfi->bus_bytes)
    value |= (guint32) read_cycle (cfi, addr + i) << (8 * i);
  return value;
}

void
fm_nor_cfi_write (FmNorCfi *cfi, guint64 addr, guint32 value, guint width)
{
  guint16 lanes = cfi->bus_bytes == 2 ? 0xffff : 0xff;

  if (!check_width (width))
    return;
  /* A byte write on a x16 bus drives the other lane high (FFh). */
  if (width < cfi->bus_bytes)
    {
      guint shift = 8 * (addr & 1);

      write_cycle (cfi, addr, (guint16) ((0xffff & ~(0xff << shift)) | (value & 0xff) << shift));
      return;
    }
  for (guint i = 0; i < width; i += cfi->bus_bytes)
    write_cycle (cfi, addr + i, (value >> (8 * i)) & lanes);
}

gboolean
fm_nor_cfi_ready (FmNorCfi *cfi)
{
  if (!powered (cfi))
    return TRUE;
  settle (cfi);
  return !cfi->op.running && !(cfi->set->held_busy && cfi->set->held_busy (cfi));
}

void
fm_nor_cfi_reset (FmNorCfi *cfi)
{
  memset (&cfi->op, 0, sizeof cfi->op);
  memset (&cfi->suspended, 0, sizeof cfi->suspended);
  cfi->buffer.left = 0;
  sync_ready_at (cfi);
  cfi->set->reset (cfi);
}

void
fm_nor_cfi_set_wp (FmNorCfi *cfi, gboolean asserted)
{
  cfi->wp = asserted;
}
