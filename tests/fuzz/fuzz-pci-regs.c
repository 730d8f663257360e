/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the guest boundary. A guest drives QEMU's
 * flashmodel-pci device with any register reads and writes it likes;
 * they all go through FmPciRegs (fm-pci-regs.h), as here: every width at
 * every BAR0 offset and BAR1 address, CE#/WP#, system resets, time
 * passing, and loops (fuzz-pci-input.h gives the input format), on every
 * NAND, parallel NOR, SPI NOR and SPI NAND part of the catalog (a SPI
 * part behind the SPI controller: SPI_LINES and DATA), in each timing
 * mode, with and without factory bad blocks and injected faults.
 *
 * Nothing a guest sends may crash the model, trip ASan or UBSan, log a
 * GLib warning or critical (fatal here), or grow its memory without bound:
 * after every access the multi-plane queue holds at most one address per
 * plane, and after the input the heap has grown by no more than a fixed
 * allowance plus a slot number per page programmed (the image's own
 * bookkeeping). The identification registers must read as the chip is.
 *
 * Each input gets a new model over a new volatile image (a memfd; 1-10 ms
 * even for a 4 GiB part, which is sparse), so that it runs from power-on
 * as a QEMU would, and a crash replays from the input alone. The chips
 * are found in $FLASHMODEL_CHIPS_DIR (tests/fuzz/run-fuzz sets the source
 * tree's chips/), else where libflashmodel looks. The seeds
 * (corpus/fuzz-pci-regs/) are the sequences Linux's drivers issue, made by
 * tests/fuzz/make-pci-seeds.
 */
#include "fuzz-pci-input.h"
#include "fuzz-log.h"
#include "fm-nand-bus-private.h"

#include <sanitizer/allocator_interface.h>
#include <string.h>

/* Accesses one input may make, repeats and bursts included. */
#define OP_BUDGET (1u << 16)
/* Operations FUZZ_PCI_CTL_REPEAT can reach back to. */
#define HISTORY 16
/* The heap a model may gain while a guest drives it, besides a slot
 * number (with GArray's doubling) per page programmed. */
#define HEAP_ALLOWANCE (64u * 1024)
#define HEAP_PER_PROGRAM 16u

static GPtrArray *chips;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check (gboolean ok, const char *what)
{
  if (!ok)
    {
      fprintf (stderr, "fuzz-pci-regs: %s\n", what);
      abort ();
    }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_make_warnings_fatal ();
  chips = fuzz_pci_chips ();
  return 0;
}

/* ---- the input --------------------------------------------------------------- */

typedef struct {
  const guint8 *data;
  gsize size, pos;
} Input;

static guint64
take (Input *in, guint bytes)
{
  guint64 v = 0;

  for (guint i = 0; i < bytes; i++, in->pos++)
    if (in->pos < in->size)
      v |= (guint64) in->data[in->pos] << (8 * i);
  return v;
}

/* One decoded operation, kept so that FUZZ_PCI_CTL_REPEAT can run it again. */
typedef struct {
  guint8 head;
  guint64 where;      /* offset or address */
  guint64 value;
  guint count;        /* bursts */
  guint8 fill;
} Op;

static guint
op_size (const Op *op)
{
  return 1u << (op->head & 3);
}

static gboolean
op_write (const Op *op)
{
  return (op->head >> 2) & 1;
}

static guint
op_kind (const Op *op)
{
  return (op->head >> 3) & 3;
}

static guint
op_sub (const Op *op)
{
  return op->head >> 5;
}

static Op
decode (Input *in)
{
  Op op = { (guint8) take (in, 1), 0, 0, 0, 0 };

  switch (op_kind (&op))
    {
    case FUZZ_PCI_WHERE_REG:
      op.where = fuzz_pci_regs[op_sub (&op)];
      break;
    case FUZZ_PCI_WHERE_BAR0:
      op.where = take (in, 2);
      break;
    case FUZZ_PCI_WHERE_BAR1:
      op.where = take (in, 3);
      break;
    default:
      switch (op_sub (&op))
        {
        case FUZZ_PCI_CTL_TIME:
          op.value = take (in, 2);
          break;
        case FUZZ_PCI_CTL_DATA_READS:
          op.count = (guint) take (in, 1) + 1;
          break;
        case FUZZ_PCI_CTL_DATA_WRITES:
          op.count = (guint) take (in, 1) + 1;
          op.fill = (guint8) take (in, 1);
          break;
        case FUZZ_PCI_CTL_WINDOW_READS:
          op.where = take (in, 3);
          op.count = (guint) take (in, 1) + 1;
          break;
        case FUZZ_PCI_CTL_WINDOW_WRITES:
          op.where = take (in, 3);
          op.count = (guint) take (in, 1) + 1;
          op.fill = (guint8) take (in, 1);
          break;
        case FUZZ_PCI_CTL_REPEAT:
          op.count = (guint) take (in, 1) % HISTORY + 1;
          op.value = take (in, 2);
          break;
        default:
          break;
        }
      return op;
    }
  if (op_write (&op))
    op.value = take (in, op_size (&op));
  return op;
}

/* ---- the machine ----------------------------------------------------------- */

typedef struct {
  const FmChipDesc *desc;
  guint32 type;           /* FMPCI_TYPE_* */
  FmNand *nand;
  FmNor *nor;
  FmNand *cells;
  FmPciRegs *regs;
  gboolean guest_clock;   /* the chip follows GUEST_NS */
  guint64 guest_ns;
  guint power_cuts;
  guint budget;
} Machine;

static void
on_power_cut (gpointer data, guint64 at)
{
  Machine *m = data;

  (void) at;
  m->power_cuts++;
  check (m->power_cuts == 1, "the power cut was reported twice");
}

static guint64
guest_now (gpointer data)
{
  return ((Machine *) data)->guest_ns;
}

static void
machine_init (Machine *m, const FmChipDesc *desc, guint config, guint fault_param)
{
  guint timing = config & FUZZ_PCI_CONFIG_TIMING;
  FmPciRegsHooks hooks = { NULL, on_power_cut, timing == FUZZ_PCI_TIMING_GUEST ? guest_now : NULL };
  FmTimingMode mode = timing == FUZZ_PCI_TIMING_VIRTUAL || timing == FUZZ_PCI_TIMING_GUEST
                      ? FM_TIMING_VIRTUAL : FM_TIMING_NONE;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *faults = NULL;
  FmImage *image;

  memset (m, 0, sizeof *m);
  m->desc = desc;
  m->guest_clock = timing == FUZZ_PCI_TIMING_GUEST;
  m->guest_ns = 1000000;
  switch (config & FUZZ_PCI_CONFIG_FAULTS)
    {
    case FUZZ_PCI_FAULTS_POWER_CUT:
      faults = g_strdup_printf ("powercut at-op=%u", fault_param + 1);
      break;
    case FUZZ_PCI_FAULTS_CLEAN_CUT:
      faults = g_strdup_printf ("powercut at-op=%u clean", fault_param + 1);
      break;
    case FUZZ_PCI_FAULTS_FAIL:
      faults = g_strdup_printf ("program-fail block=any nth=%u; erase-fail block=any nth=%u",
                                fault_param + 1, fault_param / 4 + 1);
      break;
    default:
      break;
    }
  if (desc->type == FM_CHIP_SPI_NOR)
    {
      image = fm_nor_create_image (desc, NULL, 1, &error);
      check (image != NULL, "cannot create a NOR image");
      m->nor = fm_nor_new (desc, image, mode, &error);
      check (m->nor != NULL, "cannot open a NOR image");
      m->cells = fm_nor_cells (m->nor);
      if (faults)
        fm_nand_set_faults (m->cells, fm_fault_set_parse (faults, NULL));
      m->regs = fm_pci_regs_new_spi_nor (m->nor, &hooks, m, &error);
      check (m->regs != NULL, "cannot make a SPI NOR chip's registers");
      m->type = FMPCI_TYPE_SPI_NOR;
    }
  else if (fm_chip_desc_is_nor (desc))
    {
      guint width = (config & FUZZ_PCI_CONFIG_NOR_X8) && (desc->nor.bus_widths & 8) ? 8
                    : (desc->nor.bus_widths & 16) ? 16 : 8;

      image = fm_nor_create_image (desc, NULL, 1, &error);
      check (image != NULL, "cannot create a NOR image");
      m->nor = fm_nor_new (desc, image, mode, &error);
      check (m->nor != NULL, "cannot open a NOR image");
      m->cells = fm_nor_cells (m->nor);
      if (faults)
        fm_nand_set_faults (m->cells, fm_fault_set_parse (faults, NULL));
      m->regs = fm_pci_regs_new_nor (m->nor, width, &hooks, m, &error);
      check (m->regs != NULL, "cannot make a NOR chip's registers");
      m->type = FMPCI_TYPE_CFI_NOR;
    }
  else
    {
      gint bad = (config & FUZZ_PCI_CONFIG_BAD_BLOCKS) ? (gint) MIN (2u, desc->factory_bad_blocks_max) : 0;
      FmNandCreateOptions create = { 1, bad };

      image = fm_nand_create_image (desc, NULL, &create, &error);
      check (image != NULL, "cannot create a NAND image");
      m->nand = fm_nand_new (desc, image, mode, &error);
      check (m->nand != NULL, "cannot open a NAND image");
      m->cells = m->nand;
      if (config & FUZZ_PCI_CONFIG_NO_NOP)
        fm_nand_set_nop_limit (m->nand, 0);
      if (faults)
        fm_nand_set_faults (m->cells, fm_fault_set_parse (faults, NULL));
      if (desc->type == FM_CHIP_SPI_NAND)
        {
          m->regs = fm_pci_regs_new_spi_nand (m->nand, &hooks, m, &error);
          check (m->regs != NULL, "cannot make a SPI NAND chip's registers");
          m->type = FMPCI_TYPE_SPI_NAND;
        }
      else
        {
          m->regs = fm_pci_regs_new_nand (m->nand, &hooks, m);
          m->type = FMPCI_TYPE_NAND;
        }
    }
}

static void
machine_clear (Machine *m)
{
  fm_pci_regs_free (m->regs);
  fm_nand_free (m->nand);
  fm_nor_free (m->nor);
}

/* What the identification registers must read. */
static void
check_id_read (Machine *m, guint64 offset, guint size, guint64 value)
{
  guint64 chip_size = m->nor ? fm_nor_size (m->nor) : fm_chip_desc_size_bytes (m->desc);

  if (size != 4)
    return;
  switch (offset)
    {
    case FMPCI_MAGIC:
      check (value == FMPCI_MAGIC_VALUE, "MAGIC reads wrong");
      break;
    case FMPCI_VERSION:
      check (value == FMPCI_VERSION_VALUE, "VERSION reads wrong");
      break;
    case FMPCI_TYPE:
      check (value == m->type, "TYPE reads wrong");
      break;
    case FMPCI_SIZE_LO:
      check (value == (guint32) chip_size, "SIZE_LO reads wrong");
      break;
    case FMPCI_SIZE_HI:
      check (value == chip_size >> 32, "SIZE_HI reads wrong");
      break;
    default:
      break;
    }
}

/* One access; FALSE when the budget is spent. */
static gboolean
spend (Machine *m)
{
  if (m->budget == 0)
    return FALSE;
  m->budget--;
  return TRUE;
}

static void
after_access (Machine *m)
{
  if (m->type == FMPCI_TYPE_NAND)
    check (fm_nand_bus_queued_planes (fm_pci_regs_nand_bus (m->regs)) <= m->desc->planes,
           "the multi-plane queue holds more addresses than the part has planes");
}

static void
access (Machine *m, gboolean bar1, gboolean write, guint64 where, guint64 value, guint size)
{
  guint64 v;

  if (!spend (m))
    return;
  if (bar1 && write)
    fm_pci_regs_window_write (m->regs, where, value, size);
  else if (bar1)
    fm_pci_regs_window_read (m->regs, where, size);
  else if (write)
    fm_pci_regs_write (m->regs, where, value, size);
  else
    {
      v = fm_pci_regs_read (m->regs, where, size);
      check_id_read (m, where, size, v);
    }
  after_access (m);
}

static guint64
pattern (guint8 fill, guint64 i, guint size)
{
  guint64 v = 0;

  for (guint b = 0; b < size; b++)
    v |= (guint64) (guint8) (fill + i * size + b) << (8 * b);
  return v;
}

static void
let_time_pass (Machine *m, guint64 ns)
{
  if (!spend (m))
    return;
  /* The guest's clock, which the chip follows at its next access; without
   * it, what many STATUS polls would do in virtual timing (nothing in
   * timing none). */
  if (m->guest_clock)
    m->guest_ns += ns;
  else
    fm_clock_advance (fm_nand_clock (m->cells), ns);
}

static void
run_control (Machine *m, const Op *op)
{
  guint size = op_size (op);

  switch (op_sub (op))
    {
    case FUZZ_PCI_CTL_RESET:
      if (spend (m))
        fm_pci_regs_reset (m->regs);
      after_access (m);
      break;
    case FUZZ_PCI_CTL_TIME:
      /* At most 2^40 ns (18 minutes, more than any erase) a step, so that
       * the budget's worth (2^56 ns) keeps the clocks far from 2^64. */
      let_time_pass (m, MIN (op->value << (10 * (op->head & 3)), G_GUINT64_CONSTANT (1) << 40));
      break;
    case FUZZ_PCI_CTL_DATA_READS:
    case FUZZ_PCI_CTL_DATA_WRITES:
      for (guint i = 0; i < op->count; i++)
        access (m, FALSE, op_sub (op) == FUZZ_PCI_CTL_DATA_WRITES, FMPCI_DATA,
                pattern (op->fill, i, 8), 8);
      break;
    case FUZZ_PCI_CTL_WINDOW_READS:
    case FUZZ_PCI_CTL_WINDOW_WRITES:
      for (guint i = 0; i < op->count; i++)
        access (m, TRUE, op_sub (op) == FUZZ_PCI_CTL_WINDOW_WRITES, op->where + (guint64) i * size,
                pattern (op->fill, i, size), size);
      break;
    case FUZZ_PCI_CTL_POLL:
      for (guint i = 0; i < 4096 && m->budget; i++)
        {
          guint64 status = fm_pci_regs_read (m->regs, FMPCI_STATUS, 4);

          spend (m);
          if (status & FMPCI_STATUS_READY)
            break;
        }
      break;
    default:
      break;
    }
}

static void
run (Machine *m, const Op *op)
{
  switch (op_kind (op))
    {
    case FUZZ_PCI_WHERE_REG:
    case FUZZ_PCI_WHERE_BAR0:
      access (m, FALSE, op_write (op), op->where, op->value, op_size (op));
      break;
    case FUZZ_PCI_WHERE_BAR1:
      access (m, TRUE, op_write (op), op->where, op->value, op_size (op));
      break;
    default:
      run_control (m, op);
      break;
    }
}

static gsize
heap_in_use (void)
{
  return __sanitizer_get_current_allocated_bytes ();
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  Input in = { data, size, 0 };
  Op history[HISTORY];
  guint n_history = 0;
  const FmChipDesc *desc;
  guint config, fault_param;
  gsize heap_before;
  Machine m;

  if (size < 3)
    return 0;
  desc = g_ptr_array_index (chips, take (&in, 1) % chips->len);
  config = (guint) take (&in, 1);
  fault_param = (guint) take (&in, 1);
  machine_init (&m, desc, config, fault_param);
  m.budget = OP_BUDGET;
  heap_before = heap_in_use ();

  while (in.pos < in.size && m.budget)
    {
      Op op = decode (&in);

      if (op_kind (&op) == FUZZ_PCI_WHERE_CONTROL && op_sub (&op) == FUZZ_PCI_CTL_REPEAT)
        {
          /* The last COUNT operations, VALUE times more (a guest's loop). */
          guint k = MIN (op.count, n_history);

          for (guint64 r = 0; r < op.value && m.budget && k; r++)
            for (guint i = n_history - k; i < n_history; i++)
              run (&m, &history[i % HISTORY]);
          continue;
        }
      run (&m, &op);
      history[n_history++ % HISTORY] = op;
    }

  {
    guint64 programs = fm_nand_stats (m.cells)->page_programs;
    gsize heap_after = heap_in_use ();

    check (heap_after <= heap_before || heap_after - heap_before <= HEAP_ALLOWANCE + HEAP_PER_PROGRAM * programs,
           "the model's heap grew beyond its bound");
  }
  machine_clear (&m);
  return 0;
}
