/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AMD/Fujitsu standard command set (CFI primary command set 0002h), as
 * the Spansion S29GL-P datasheet gives it: commands are written after the
 * unlock cycles AAh at 555h and 55h at 2AAh (only A10-A0 decoded), reset
 * F0h works at any cycle, CFI query 98h at 55h. While an embedded
 * algorithm runs every read returns status:
 *
 *   DQ7  complement of the datum's bit 7 while programming, 0 while erasing
 *   DQ6  toggles on every read
 *   DQ5  the operation failed ("exceeded timing limits"): stays until F0h
 *   DQ3  erase started
 *   DQ2  toggles on reads of the sector being erased, also while suspended
 *   DQ1  write-to-buffer abort: stays until AAh 55h F0h
 *
 * and the part accepts nothing but erase suspend B0h. Once done it reads
 * the array again. Not modelled: unlock bypass, program suspend, the
 * secured silicon sector, advanced sector protection (PPB/DYB), and adding
 * sectors to an erase within its time-out window.
 */
#include "fm-cfi-private.h"

/* Only A10-A0 of command cycles are decoded. */
#define CMD_ADDR_MASK 0x7ff
#define UNLOCK1_ADDR 0x555
#define UNLOCK2_ADDR 0x2aa
#define CFI_ADDR 0x55

enum {
  CMD_UNLOCK1 = 0xaa,
  CMD_UNLOCK2 = 0x55,
  CMD_RESET = 0xf0,
  CMD_PROGRAM = 0xa0,
  CMD_ERASE_SETUP = 0x80,
  CMD_CHIP_ERASE = 0x10,
  CMD_SECTOR_ERASE = 0x30,
  CMD_ERASE_RESUME = 0x30,
  CMD_ERASE_SUSPEND = 0xb0,
  CMD_AUTOSELECT = 0x90,
  CMD_CFI_QUERY = 0x98,
  CMD_WRITE_BUFFER = 0x25,
  CMD_BUFFER_CONFIRM = 0x29,
};

enum {
  DQ1 = 1 << 1,
  DQ2 = 1 << 2,
  DQ3 = 1 << 3,
  DQ5 = 1 << 5,
  DQ6 = 1 << 6,
  DQ7 = 1 << 7,
};

/* Autoselect addresses. */
enum {
  ID_MANUFACTURER = 0x00,
  ID_DEVICE = 0x01,
  ID_DEVICE2 = 0x0e,
  ID_DEVICE3 = 0x0f,
};

/* Primary extended table offsets (Linux's struct cfi_pri_amdstd). */
#define PRI_ERASE_SUSPEND 0x06   /* 0: none, 1: read only, 2: read and program */
#define PRI_TOP_BOTTOM 0x0f      /* 2/3 bottom/top boot, 4/5 uniform with WP# on the bottom/top sector */

enum { BOTTOM_BOOT = 2, TOP_BOOT = 3, UNIFORM_TOP_WP = 5 };

/* A program or erase of a protected sector shows busy briefly, then the
 * part reads the array again, unchanged. */
#define PROTECTED_ABORT_NS 1000

typedef enum {
  MODE_READ,             /* the array; erase-suspend read while one is suspended */
  MODE_AUTOSELECT,
  MODE_QUERY,
  MODE_BUFFER_COUNT,     /* after 25h: the number of data cycles - 1 */
  MODE_BUFFER_DATA,
  MODE_BUFFER_CONFIRM,   /* every datum in: 29h expected */
  MODE_BUFFER_ABORTED,   /* DQ1 */
  MODE_FAILED,           /* DQ5 */
} Mode;

typedef struct {
  Mode mode;
  guint unlocked;        /* unlock cycles seen: 0, 1 or 2 */
  guint8 command;        /* A0h: the next cycle programs; 80h: erase setup */
  guint64 buffer_sector; /* the sector address of 25h */
  gboolean dq6, dq2;
} AmdState;

static AmdState *
state (FmNorCfi *cfi)
{
  return cfi->state;
}

static void
to_read (AmdState *s)
{
  s->mode = MODE_READ;
  s->unlocked = 0;
  s->command = 0;
}

static gboolean
erase_suspended (FmNorCfi *cfi)
{
  return cfi->suspended.kind != FM_CFI_OP_NONE;
}

/* WP# protects the outermost sector on the boot side of uniform parts,
 * the two outermost boot sectors of boot-sector parts. */
static gboolean
amd_protected (FmNorCfi *cfi, guint64 start)
{
  guint8 boot = fm_cfi_pri_byte (cfi, PRI_TOP_BOTTOM);
  guint n = boot == BOTTOM_BOOT || boot == TOP_BOOT ? 2 : 1;
  guint index = fm_cfi_sector_index (cfi, start);

  if (!cfi->wp)
    return FALSE;
  if (boot == TOP_BOOT || boot == UNIFORM_TOP_WP)
    return index + n >= cfi->n_sectors;
  return index < n;
}

/* Programs go nowhere near protected sectors or the erase-suspended one. */
static gboolean
program_refused (FmNorCfi *cfi, guint64 addr)
{
  guint32 size;

  return amd_protected (cfi, fm_cfi_sector_start (cfi, addr, &size)) ||
         fm_cfi_in_op (&cfi->suspended, addr);
}

static gboolean
program_allowed (FmNorCfi *cfi)
{
  return !erase_suspended (cfi) || fm_cfi_pri_byte (cfi, PRI_ERASE_SUSPEND) >= 2;
}

static void
refuse (FmNorCfi *cfi, FmCfiOpKind kind, guint64 addr, guint16 datum)
{
  fm_cfi_busy_for (cfi, kind, addr, PROTECTED_ABORT_NS, FM_ARRAY_FAIL_PROTECTED);
  cfi->op.datum = datum;
}

/* ---- reads ---------------------------------------------------------------- */

static guint8
toggle (gboolean *bit, guint8 mask)
{
  *bit = !*bit;
  return *bit ? mask : 0;
}

/* Status while an algorithm runs, has failed, or a buffer load aborted. */
static guint16
status (FmNorCfi *cfi, const FmCfiCycle *c)
{
  AmdState *s = state (cfi);
  const FmCfiOp *op = &cfi->op;
  guint8 st = toggle (&s->dq6, DQ6);

  if (s->mode == MODE_BUFFER_ABORTED)
    st |= DQ1 | (~cfi->buffer.last & DQ7);
  else if (op->kind == FM_CFI_OP_PROGRAM)
    st |= ~op->datum & DQ7;
  else
    {
      st |= DQ3;
      if (fm_cfi_in_op (op, c->addr))
        st |= toggle (&s->dq2, DQ2);
    }
  if (s->mode == MODE_FAILED)
    st |= DQ5;
  return st;
}

/* Reads of the erase-suspended sector: DQ7 1, DQ6 steady, DQ2 toggling. */
static guint16
suspended_status (FmNorCfi *cfi)
{
  AmdState *s = state (cfi);

  return DQ7 | (s->dq6 ? DQ6 : 0) | toggle (&s->dq2, DQ2);
}

static guint16
autoselect (FmNorCfi *cfi, const FmCfiCycle *c)
{
  const FmNorDesc *n = cfi->nd;

  switch (fm_cfi_id_offset (c))
    {
    case ID_MANUFACTURER:
      return n->manufacturer_id;
    case ID_DEVICE:
      return n->device_id[0];
    case ID_DEVICE2:
      return n->n_device_ids > 1 ? n->device_id[1] : 0;
    case ID_DEVICE3:
      return n->n_device_ids > 2 ? n->device_id[2] : 0;
    default:
      return 0;   /* sector protection and indicator bits: none set */
    }
}

static guint16
amd_read (FmNorCfi *cfi, const FmCfiCycle *c)
{
  AmdState *s = state (cfi);

  if (fm_cfi_busy (cfi) || s->mode == MODE_FAILED || s->mode == MODE_BUFFER_ABORTED)
    return status (cfi, c);
  switch (s->mode)
    {
    case MODE_AUTOSELECT:
      return autoselect (cfi, c);
    case MODE_QUERY:
      return fm_cfi_query_word (cfi, c);
    default:
      if (fm_cfi_in_op (&cfi->suspended, c->addr))
        return suspended_status (cfi);
      return fm_cfi_array_word (cfi, c->addr);
    }
}

/* ---- command cycles ------------------------------------------------------- */

static guint
cmd_addr (const FmCfiCycle *c)
{
  return c->cmd_addr & CMD_ADDR_MASK;
}

static gboolean
unlock_cycle (AmdState *s, const FmCfiCycle *c)
{
  guint8 v = c->data & 0xff;

  if (s->unlocked == 0 && v == CMD_UNLOCK1 && cmd_addr (c) == UNLOCK1_ADDR)
    s->unlocked = 1;
  else if (s->unlocked == 1 && v == CMD_UNLOCK2 && cmd_addr (c) == UNLOCK2_ADDR)
    s->unlocked = 2;
  else
    return FALSE;
  return TRUE;
}

static void
program_word (FmNorCfi *cfi, const FmCfiCycle *c)
{
  to_read (state (cfi));
  if (program_refused (cfi, c->addr))
    refuse (cfi, FM_CFI_OP_PROGRAM, c->addr, c->data);
  else
    fm_cfi_program_cycle (cfi, c);
}

static void
sector_erase (FmNorCfi *cfi, guint64 addr)
{
  guint32 size;
  guint64 start = fm_cfi_sector_start (cfi, addr, &size);

  if (amd_protected (cfi, start))
    refuse (cfi, FM_CFI_OP_ERASE, start, 0);
  else
    fm_cfi_erase (cfi, FM_CFI_OP_ERASE, start, size);
}

static void
chip_erase (FmNorCfi *cfi)
{
  /* Protected sectors are skipped; with every sector protected there is
   * nothing to do (WP# never covers them all). */
  fm_cfi_erase (cfi, FM_CFI_OP_CHIP_ERASE, 0, fm_nor_size (cfi->nor));
}

/* The sixth cycle of an erase: 10h at 555h, or 30h at the sector. */
static void
erase_cycle (FmNorCfi *cfi, const FmCfiCycle *c)
{
  guint8 v = c->data & 0xff;

  to_read (state (cfi));
  if (erase_suspended (cfi))
    return;
  if (v == CMD_CHIP_ERASE && cmd_addr (c) == UNLOCK1_ADDR)
    chip_erase (cfi);
  else if (v == CMD_SECTOR_ERASE)
    sector_erase (cfi, c->addr);
}

/* The cycle after the two unlock cycles. */
static void
command_cycle (FmNorCfi *cfi, const FmCfiCycle *c)
{
  AmdState *s = state (cfi);
  guint8 v = c->data & 0xff;
  gboolean at_unlock1 = cmd_addr (c) == UNLOCK1_ADDR;

  s->unlocked = 0;
  if (s->command == CMD_ERASE_SETUP)
    {
      erase_cycle (cfi, c);
      return;
    }
  if (v == CMD_PROGRAM && at_unlock1 && program_allowed (cfi))
    s->command = CMD_PROGRAM;
  else if (v == CMD_ERASE_SETUP && at_unlock1 && !erase_suspended (cfi))
    s->command = CMD_ERASE_SETUP;
  else if (v == CMD_AUTOSELECT && at_unlock1)
    s->mode = MODE_AUTOSELECT;
  else if (v == CMD_WRITE_BUFFER && program_allowed (cfi))
    {
      s->mode = MODE_BUFFER_COUNT;
      s->buffer_sector = c->addr;
    }
  else
    to_read (s);
}

/* Commands without unlock cycles. */
static void
single_cycle (FmNorCfi *cfi, const FmCfiCycle *c)
{
  AmdState *s = state (cfi);
  guint8 v = c->data & 0xff;

  if (s->unlocked == 0 && s->command == 0)
    {
      if (v == CMD_CFI_QUERY && cmd_addr (c) == CFI_ADDR)
        {
          s->mode = MODE_QUERY;
          return;
        }
      /* Suspend with nothing erasing is harmless, as Linux relies on. */
      if (v == CMD_ERASE_SUSPEND)
        return;
      if (v == CMD_ERASE_RESUME && fm_cfi_resume (cfi))
        {
          to_read (s);
          return;
        }
    }
  to_read (s);
}

static gboolean
same_sector (FmNorCfi *cfi, guint64 a, guint64 b)
{
  guint32 size;

  return fm_cfi_sector_start (cfi, a, &size) == fm_cfi_sector_start (cfi, b, &size);
}

/* Write-buffer programming: the count, the data, 29h; anything else aborts. */
static void
buffer_cycle (FmNorCfi *cfi, const FmCfiCycle *c)
{
  AmdState *s = state (cfi);
  gboolean in_sector = same_sector (cfi, c->addr, s->buffer_sector);

  switch (s->mode)
    {
    case MODE_BUFFER_COUNT:
      if (in_sector && fm_cfi_buffer_begin (cfi, s->buffer_sector, (guint) c->data + 1))
        {
          s->mode = MODE_BUFFER_DATA;
          return;
        }
      break;
    case MODE_BUFFER_DATA:
      if (fm_cfi_buffer_load (cfi, c))
        {
          if (fm_cfi_buffer_full (cfi))
            s->mode = MODE_BUFFER_CONFIRM;
          return;
        }
      break;
    case MODE_BUFFER_CONFIRM:
      if ((c->data & 0xff) == CMD_BUFFER_CONFIRM && in_sector)
        {
          to_read (s);
          if (program_refused (cfi, cfi->buffer.sector))
            refuse (cfi, FM_CFI_OP_PROGRAM, c->addr, cfi->buffer.last);
          else
            fm_cfi_buffer_program (cfi);
          return;
        }
      break;
    default:
      g_assert_not_reached ();
    }
  s->mode = MODE_BUFFER_ABORTED;
}

/* Only the write-to-buffer-abort reset (AAh 55h F0h) leaves an abort. */
static void
aborted_cycle (AmdState *s, const FmCfiCycle *c)
{
  if (unlock_cycle (s, c))
    return;
  if (s->unlocked == 2 && (c->data & 0xff) == CMD_RESET)
    to_read (s);
  s->unlocked = 0;
}

static void
amd_write (FmNorCfi *cfi, const FmCfiCycle *c)
{
  AmdState *s = state (cfi);
  guint8 v = c->data & 0xff;

  if (fm_cfi_busy (cfi))
    {
      if (v == CMD_ERASE_SUSPEND && cfi->op.kind == FM_CFI_OP_ERASE &&
          fm_cfi_pri_byte (cfi, PRI_ERASE_SUSPEND) != 0)
        fm_cfi_suspend (cfi);
      return;
    }
  switch (s->mode)
    {
    case MODE_FAILED:
      if (v == CMD_RESET)
        to_read (s);
      return;
    case MODE_BUFFER_ABORTED:
      aborted_cycle (s, c);
      return;
    case MODE_BUFFER_COUNT:
    case MODE_BUFFER_DATA:
    case MODE_BUFFER_CONFIRM:
      buffer_cycle (cfi, c);
      return;
    default:
      break;
    }
  if (s->command == CMD_PROGRAM)
    program_word (cfi, c);
  else if (v == CMD_RESET)
    to_read (s);
  else if (unlock_cycle (s, c))
    return;
  else if (s->unlocked == 2)
    command_cycle (cfi, c);
  else
    single_cycle (cfi, c);
}

/* ---- the rest ------------------------------------------------------------- */

static void
amd_op_done (FmNorCfi *cfi)
{
  FmArrayResult r = cfi->op.result;

  /* A protected sector returns to reading silently; a failure sets DQ5. */
  if (r != FM_ARRAY_PASS && r != FM_ARRAY_FAIL_PROTECTED)
    state (cfi)->mode = MODE_FAILED;
}

/* A failed algorithm or an aborted buffer load has not ended for RY/BY#. */
static gboolean
amd_held_busy (FmNorCfi *cfi)
{
  Mode mode = state (cfi)->mode;

  return mode == MODE_FAILED || mode == MODE_BUFFER_ABORTED;
}

static gpointer
amd_new_state (FmNorCfi *cfi)
{
  (void) cfi;
  return g_new0 (AmdState, 1);
}

static void
amd_reset (FmNorCfi *cfi)
{
  AmdState *s = state (cfi);

  to_read (s);
  s->dq6 = s->dq2 = FALSE;
}

const FmCfiCommandSet fm_cfi_amd_command_set = {
  .new_state = amd_new_state,
  .reset = amd_reset,
  .read = amd_read,
  .write = amd_write,
  .op_done = amd_op_done,
  .protected = amd_protected,
  .held_busy = amd_held_busy,
};
