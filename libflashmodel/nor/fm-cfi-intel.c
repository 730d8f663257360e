/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Intel/Sharp extended command set (CFI primary command set 0001h), as
 * the 28F128J3 (StrataFlash) datasheet gives it. Commands are not decoded
 * on the address, only the block they name is. The part reads the array,
 * the status register, the identifier codes or the query structure,
 * whichever the last command chose; program and erase switch it to status.
 * While busy it answers status whatever was chosen and accepts only read
 * status 70h and suspend B0h.
 *
 * Status register: SR.7 ready, SR.6 erase suspended, SR.5 erase (or clear
 * lock-bits) error, SR.4 program (or set lock-bit) error, both for a bad
 * command sequence, SR.3 VPP low (WP#), SR.2 program suspended, SR.1 the
 * block is locked. Errors stay until clear status 50h.
 *
 * Unknown first cycles return to read array (as Linux's probe expects of
 * F0h, AAh and 55h); a wrong second cycle of a two-cycle command is a
 * command sequence error (SR.4 and SR.5).
 *
 * Block lock bits: with instant individual block locking (primary table
 * feature bit 5) 60h/D0h unlocks one block and every block is locked at
 * power-up and reset; without it (the legacy J3 scheme) 60h/01h sets one
 * block's bit, 60h/D0h clears them all, and both take time. Lock bits are
 * kept for the life of the model only, not in the image.
 */
#include "fm-cfi-private.h"

#include <string.h>

enum {
  CMD_READ_ARRAY = 0xff,
  CMD_READ_STATUS = 0x70,
  CMD_CLEAR_STATUS = 0x50,
  CMD_READ_ID = 0x90,
  CMD_QUERY = 0x98,
  CMD_PROGRAM = 0x40,
  CMD_PROGRAM_ALT = 0x10,
  CMD_BUFFERED_PROGRAM = 0xe8,
  CMD_ERASE = 0x20,
  CMD_CONFIRM = 0xd0,   /* erase, buffered program, resume, unlock */
  CMD_SUSPEND = 0xb0,
  CMD_LOCK_SETUP = 0x60,
  CMD_LOCK = 0x01,
  CMD_LOCK_DOWN = 0x2f,
};

enum {
  SR_LOCKED = 1 << 1,
  SR_PROGRAM_SUSPENDED = 1 << 2,
  SR_VPP_LOW = 1 << 3,
  SR_PROGRAM_ERROR = 1 << 4,
  SR_ERASE_ERROR = 1 << 5,
  SR_ERASE_SUSPENDED = 1 << 6,
  SR_READY = 1 << 7,
  SR_SEQUENCE_ERROR = SR_PROGRAM_ERROR | SR_ERASE_ERROR,
};

/* Extended status after E8h: a write buffer is free. */
#define XSR_BUFFER_AVAILABLE 0x80

/* Identifier codes, per block. */
enum {
  ID_MANUFACTURER = 0x00,
  ID_DEVICE = 0x01,
  ID_BLOCK_LOCK = 0x02,
};

/* Block lock status bits. */
enum {
  LOCK_BIT = 1 << 0,
  LOCK_DOWN_BIT = 1 << 1,
};

/* Primary extended table (Linux's struct cfi_pri_intelext). */
#define PRI_FEATURES 0x05        /* 32 bits */
#define PRI_SUSPEND_COMMANDS 0x09
enum {
  FEATURE_ERASE_SUSPEND = 1 << 1,
  FEATURE_PROGRAM_SUSPEND = 1 << 2,
  FEATURE_INSTANT_LOCK = 1 << 5,
};
#define SUSPEND_PROGRAM_AFTER_ERASE 0x01

/* Legacy lock-bit configuration times (28F128J3: set lock-bit 64 µs,
 * clear lock-bits 0.5 s, typical); descriptors have no keys for them. */
#define LOCK_SET_NS 64000ull
#define LOCK_CLEAR_NS 500000000ull

typedef enum {
  MODE_ARRAY,
  MODE_STATUS,
  MODE_ID,
  MODE_QUERY,
  MODE_XSR,
} Mode;

/* What the next write cycle is. */
typedef enum {
  NEXT_COMMAND,
  NEXT_PROGRAM_DATA,
  NEXT_ERASE_CONFIRM,
  NEXT_LOCK_COMMAND,
  NEXT_BUFFER_COUNT,
  NEXT_BUFFER_DATA,
  NEXT_BUFFER_CONFIRM,
} Next;

typedef struct {
  Mode mode;
  Next next;
  guint8 errors;      /* SR.5, SR.4, SR.3, SR.1 */
  guint8 xsr;
  guint64 block;      /* the block E8h named */
  guint8 locks[];     /* per block: LOCK_BIT, LOCK_DOWN_BIT */
} IntelState;

static IntelState *
state (FmNorCfi *cfi)
{
  return cfi->state;
}

static guint32
features (FmNorCfi *cfi)
{
  guint32 f = 0;

  for (guint i = 0; i < 4; i++)
    f |= (guint32) fm_cfi_pri_byte (cfi, PRI_FEATURES + i) << (8 * i);
  return f;
}

static gboolean
has_feature (FmNorCfi *cfi, guint32 feature)
{
  return (features (cfi) & feature) != 0;
}

static guint8 *
lock_of (FmNorCfi *cfi, guint64 addr)
{
  return &state (cfi)->locks[fm_cfi_sector_index (cfi, addr)];
}

static gboolean
intel_protected (FmNorCfi *cfi, guint64 start)
{
  return cfi->wp || (*lock_of (cfi, start) & LOCK_BIT);
}

/* ---- reads ---------------------------------------------------------------- */

static guint8
status (FmNorCfi *cfi)
{
  guint8 sr = state (cfi)->errors;

  if (!fm_cfi_busy (cfi))
    sr |= SR_READY;
  if (cfi->suspended.kind == FM_CFI_OP_ERASE)
    sr |= SR_ERASE_SUSPENDED;
  else if (cfi->suspended.kind == FM_CFI_OP_PROGRAM)
    sr |= SR_PROGRAM_SUSPENDED;
  return sr;
}

static guint16
identifier (FmNorCfi *cfi, const FmCfiCycle *c)
{
  switch (fm_cfi_id_offset (c))
    {
    case ID_MANUFACTURER:
      return cfi->nd->manufacturer_id;
    case ID_DEVICE:
      return cfi->nd->device_id[0];
    case ID_BLOCK_LOCK:
      return *lock_of (cfi, c->addr);
    default:
      return 0;   /* protection register and reserved codes */
    }
}

static guint16
intel_read (FmNorCfi *cfi, const FmCfiCycle *c)
{
  IntelState *s = state (cfi);

  if (fm_cfi_busy (cfi))
    return status (cfi);
  switch (s->mode)
    {
    case MODE_STATUS:
      return status (cfi);
    case MODE_ID:
      return identifier (cfi, c);
    case MODE_QUERY:
      return fm_cfi_query_word (cfi, c);
    case MODE_XSR:
      return s->xsr;
    case MODE_ARRAY:
    default:
      return fm_cfi_array_word (cfi, c->addr);
    }
}

/* ---- second cycles -------------------------------------------------------- */

/* Program and erase need VPP, an unlocked block, and not the block of
 * the suspended operation; ERROR is the operation's error bit. */
static gboolean
refused (FmNorCfi *cfi, guint64 addr, guint8 error)
{
  IntelState *s = state (cfi);

  if (cfi->wp)
    s->errors |= SR_VPP_LOW | error;
  else if (*lock_of (cfi, addr) & LOCK_BIT)
    s->errors |= SR_LOCKED | error;
  else if (fm_cfi_in_op (&cfi->suspended, addr))
    s->errors |= error;
  else
    return FALSE;
  return TRUE;
}

static void
program_word (FmNorCfi *cfi, const FmCfiCycle *c)
{
  if (!refused (cfi, c->addr, SR_PROGRAM_ERROR))
    fm_cfi_program_cycle (cfi, c);
}

static void
erase_block (FmNorCfi *cfi, guint64 addr)
{
  guint32 size;
  guint64 start = fm_cfi_sector_start (cfi, addr, &size);

  if (!refused (cfi, start, SR_ERASE_ERROR))
    fm_cfi_erase (cfi, FM_CFI_OP_ERASE, start, size);
}

static void
buffer_program (FmNorCfi *cfi)
{
  if (!refused (cfi, cfi->buffer.sector, SR_PROGRAM_ERROR))
    fm_cfi_buffer_program (cfi);
}

static void
clear_lock_bits (FmNorCfi *cfi)
{
  IntelState *s = state (cfi);

  for (guint i = 0; i < cfi->n_sectors; i++)
    s->locks[i] &= ~LOCK_BIT;
}

/* 60h then V at ADDR; FALSE when V is no lock-bit command. */
static gboolean
lock_command (FmNorCfi *cfi, guint8 v, guint64 addr)
{
  gboolean instant = has_feature (cfi, FEATURE_INSTANT_LOCK);
  guint8 *lock = lock_of (cfi, addr);

  if (v != CMD_LOCK && v != CMD_CONFIRM && !(v == CMD_LOCK_DOWN && instant))
    return FALSE;
  /* Legacy lock bits are flash cells: changing them needs VPP. */
  if (!instant && cfi->wp)
    {
      state (cfi)->errors |= SR_VPP_LOW | (v == CMD_LOCK ? SR_PROGRAM_ERROR : SR_ERASE_ERROR);
      return TRUE;
    }
  if (v == CMD_LOCK)
    *lock |= LOCK_BIT;
  else if (v == CMD_LOCK_DOWN)
    *lock |= LOCK_BIT | LOCK_DOWN_BIT;
  else if (!instant)
    clear_lock_bits (cfi);
  else if (!(*lock & LOCK_DOWN_BIT) || !cfi->wp)
    *lock &= ~LOCK_BIT;
  if (!instant)
    fm_cfi_busy_for (cfi, FM_CFI_OP_LOCK, addr, v == CMD_LOCK ? LOCK_SET_NS : LOCK_CLEAR_NS,
                     FM_ARRAY_PASS);
  return TRUE;
}

static gboolean
buffer_cycle (FmNorCfi *cfi, Next next, const FmCfiCycle *c)
{
  IntelState *s = state (cfi);

  switch (next)
    {
    case NEXT_BUFFER_COUNT:
      if (!fm_cfi_buffer_begin (cfi, s->block, (guint) c->data + 1))
        return FALSE;
      s->next = NEXT_BUFFER_DATA;
      return TRUE;
    case NEXT_BUFFER_DATA:
      if (!fm_cfi_buffer_load (cfi, c))
        return FALSE;
      s->next = fm_cfi_buffer_full (cfi) ? NEXT_BUFFER_CONFIRM : NEXT_BUFFER_DATA;
      return TRUE;
    case NEXT_BUFFER_CONFIRM:
      if ((c->data & 0xff) != CMD_CONFIRM)
        return FALSE;
      buffer_program (cfi);
      return TRUE;
    default:
      g_return_val_if_reached (FALSE);
    }
}

static void
second_cycle (FmNorCfi *cfi, const FmCfiCycle *c)
{
  IntelState *s = state (cfi);
  guint8 v = c->data & 0xff;
  Next next = s->next;
  gboolean ok = TRUE;

  s->next = NEXT_COMMAND;
  s->mode = MODE_STATUS;
  switch (next)
    {
    case NEXT_PROGRAM_DATA:
      program_word (cfi, c);
      break;
    case NEXT_ERASE_CONFIRM:
      ok = v == CMD_CONFIRM;
      if (ok)
        erase_block (cfi, c->addr);
      break;
    case NEXT_LOCK_COMMAND:
      ok = lock_command (cfi, v, c->addr);
      break;
    default:
      ok = buffer_cycle (cfi, next, c);
      break;
    }
  if (!ok)
    {
      s->errors |= SR_SEQUENCE_ERROR;
      s->next = NEXT_COMMAND;
    }
}

/* ---- first cycles --------------------------------------------------------- */

/* No program while one is suspended; after an erase suspend only on parts
 * that say so. */
static gboolean
program_allowed (FmNorCfi *cfi)
{
  switch (cfi->suspended.kind)
    {
    case FM_CFI_OP_NONE:
      return TRUE;
    case FM_CFI_OP_ERASE:
      return (fm_cfi_pri_byte (cfi, PRI_SUSPEND_COMMANDS) & SUSPEND_PROGRAM_AFTER_ERASE) != 0;
    default:
      return FALSE;
    }
}

/* Starts a two-cycle command, or flags it as out of sequence. */
static void
setup (FmNorCfi *cfi, Next next, gboolean allowed)
{
  IntelState *s = state (cfi);

  s->mode = MODE_STATUS;
  if (allowed)
    s->next = next;
  else
    s->errors |= SR_SEQUENCE_ERROR;
}

/* E8h answers the extended status; a buffer is refused while SR.4 or
 * SR.5 is set (28F128J3 4.8, which is why Linux clears them first). */
static void
buffered_program (FmNorCfi *cfi, const FmCfiCycle *c)
{
  IntelState *s = state (cfi);
  gboolean ok = program_allowed (cfi) && !(s->errors & SR_SEQUENCE_ERROR);

  s->mode = MODE_XSR;
  s->xsr = ok ? XSR_BUFFER_AVAILABLE : 0;
  if (ok)
    {
      s->next = NEXT_BUFFER_COUNT;
      s->block = c->addr;
    }
}

static void
command (FmNorCfi *cfi, const FmCfiCycle *c)
{
  IntelState *s = state (cfi);

  switch (c->data & 0xff)
    {
    case CMD_READ_ARRAY:
      s->mode = MODE_ARRAY;
      break;
    case CMD_READ_STATUS:
      s->mode = MODE_STATUS;
      break;
    case CMD_CLEAR_STATUS:
      s->errors = 0;
      break;
    case CMD_READ_ID:
      s->mode = MODE_ID;
      break;
    case CMD_QUERY:
      s->mode = MODE_QUERY;
      break;
    case CMD_PROGRAM:
    case CMD_PROGRAM_ALT:
      setup (cfi, NEXT_PROGRAM_DATA, program_allowed (cfi));
      break;
    case CMD_BUFFERED_PROGRAM:
      buffered_program (cfi, c);
      break;
    case CMD_ERASE:
      setup (cfi, NEXT_ERASE_CONFIRM, cfi->suspended.kind == FM_CFI_OP_NONE);
      break;
    case CMD_LOCK_SETUP:
      setup (cfi, NEXT_LOCK_COMMAND, cfi->suspended.kind == FM_CFI_OP_NONE);
      break;
    case CMD_CONFIRM:
      s->mode = fm_cfi_resume (cfi) ? MODE_STATUS : MODE_ARRAY;
      break;
    case CMD_SUSPEND:
      break;    /* nothing runs */
    default:
      s->mode = MODE_ARRAY;
      break;
    }
}

static gboolean
suspendable (FmNorCfi *cfi)
{
  switch (cfi->op.kind)
    {
    case FM_CFI_OP_ERASE:
      return has_feature (cfi, FEATURE_ERASE_SUSPEND);
    case FM_CFI_OP_PROGRAM:
      return has_feature (cfi, FEATURE_PROGRAM_SUSPEND);
    default:
      return FALSE;
    }
}

static void
intel_write (FmNorCfi *cfi, const FmCfiCycle *c)
{
  IntelState *s = state (cfi);
  guint8 v = c->data & 0xff;

  if (fm_cfi_busy (cfi))
    {
      if (v == CMD_READ_STATUS)
        s->mode = MODE_STATUS;
      else if (v == CMD_SUSPEND && suspendable (cfi))
        fm_cfi_suspend (cfi);
      return;
    }
  if (s->next == NEXT_COMMAND)
    command (cfi, c);
  else
    second_cycle (cfi, c);
}

/* ---- the rest ------------------------------------------------------------- */

static void
intel_op_done (FmNorCfi *cfi)
{
  const FmCfiOp *op = &cfi->op;

  if (op->result == FM_ARRAY_PASS)
    return;
  state (cfi)->errors |= (op->kind == FM_CFI_OP_PROGRAM ? SR_PROGRAM_ERROR : SR_ERASE_ERROR) |
                         (op->result == FM_ARRAY_FAIL_PROTECTED ? SR_VPP_LOW : 0);
}

static gpointer
intel_new_state (FmNorCfi *cfi)
{
  return g_malloc0 (sizeof (IntelState) + cfi->n_sectors);
}

static void
intel_reset (FmNorCfi *cfi)
{
  IntelState *s = state (cfi);

  s->mode = MODE_ARRAY;
  s->next = NEXT_COMMAND;
  s->errors = 0;
  if (has_feature (cfi, FEATURE_INSTANT_LOCK))
    memset (s->locks, LOCK_BIT, cfi->n_sectors);
}

const FmCfiCommandSet fm_cfi_intel_command_set = {
  .new_state = intel_new_state,
  .reset = intel_reset,
  .read = intel_read,
  .write = intel_write,
  .op_done = intel_op_done,
  .protected = intel_protected,
};
