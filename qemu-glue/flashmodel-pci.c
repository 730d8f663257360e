/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel-pci: a flash chip of flashmodel's catalog on a PCI function,
 * driven by the guest at command level.
 *
 *   -device flashmodel-pci,chip=NAME[,image=FILE][,seed=N][,faults=SPEC]
 *           [,record=FILE][,timing=none|virtual|guest|real][,bus-width=8|16]
 *           [,nop=N]
 *
 * The chip is libflashmodel's model of a real part: for a NAND part
 * (FmNandBus) BAR0 is a minimal raw NAND controller, the guest writing
 * command, address and data cycles and polling R/B#; for a parallel CFI
 * NOR part (FmNorCfi) BAR1 is the chip's address space and every access is
 * a bus cycle of the chip. The register interface is
 * kernel/flashmodel-pci.h of flashmodel, shared with the Linux driver.
 *
 * The chip's state lives in IMAGE (created if missing, with wear and
 * contents kept across runs), or in memory without it. The image is synced
 * whenever the VM stops (which QEMU does on every orderly exit, SIGTERM
 * included) and closed at exit. The model has no state QEMU could save,
 * so the device blocks migration and snapshots.
 *
 * Built from flashmodel's qemu-glue/ by qemu-glue/build-qemu, which copies
 * this file to hw/misc/ and libflashmodel's headers to hw/misc/flashmodel/.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "qemu/host-utils.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/notify.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "sysemu/runstate.h"
#include "sysemu/sysemu.h"
#include "qom/object.h"

#include "fm-chip-desc.h"
#include "fm-error.h"
#include "fm-faults.h"
#include "fm-frontend.h"
#include "fm-journal.h"
#include "fm-nand-bus.h"
#include "fm-nor-cfi.h"
#include "flashmodel-pci.h"

#define TYPE_FLASHMODEL_PCI "flashmodel-pci"
OBJECT_DECLARE_SIMPLE_TYPE(FlashmodelPCIState, FLASHMODEL_PCI)

/*
 * In virtual timing nothing lets the chip's clock run but bus activity, so
 * each read of STATUS lets this much chip time pass: a guest polling R/B#
 * sees the chip become ready after (operation time / interval) reads.
 */
#define FLASHMODEL_PCI_POLL_NS 1000

struct FlashmodelPCIState {
    PCIDevice parent_obj;

    MemoryRegion regs;          /* BAR0: FMPCI_* registers */
    MemoryRegion window;        /* BAR1: the NOR chip's address space */

    /* Properties */
    char *chip;
    char *image;
    uint64_t seed;
    char *faults;
    char *record;
    char *timing;
    uint32_t bus_width;
    int32_t nop;                /* NAND partial programs per page; -1: datasheet */

    FmChipDesc *desc;
    FmTimingMode timing_mode;
    bool guest_timing;          /* timing=guest */
    int64_t guest_clock_base;   /* chip time - QEMU_CLOCK_VIRTUAL */
    FmClock *clock;
    FmNand *cells;              /* the array: NAND chip, or NOR's cells */
    FmNand *nand;               /* NAND: owns the image */
    FmNandBus *nand_bus;
    FmNor *nor;                 /* NOR: owns the image */
    FmNorCfi *cfi;
    FmJournalWriter *journal;

    uint32_t ctrl;
    bool power_cut_reported;

    Notifier exit_notifier;
    VMChangeStateEntry *vm_state_entry;
};

static bool flashmodel_pci_is_nor(FlashmodelPCIState *s)
{
    return s->cfi != NULL;
}

/* ---- opening and closing the chip ---- */

/* Writes what the model holds in memory to the image file. */
static void flashmodel_pci_sync(FlashmodelPCIState *s)
{
    g_autoptr(GError) err = NULL;

    if (!s->cells) {
        return;
    }
    fm_image_set_age_ns(fm_nand_image(s->cells), fm_nand_age_ns(s->cells));
    if (!fm_image_sync(fm_nand_image(s->cells), &err)) {
        warn_report("flashmodel-pci: %s", err->message);
        g_clear_error(&err);
    }
    if (s->journal && !fm_journal_writer_flush(s->journal, TRUE, &err)) {
        warn_report("flashmodel-pci: record=%s: %s", s->record, err->message);
    }
}

/* Syncs and closes the image and the journal, and frees the model. */
static void flashmodel_pci_close(FlashmodelPCIState *s)
{
    FmFaultSet *faults = s->cells ? fm_nand_faults(s->cells) : NULL;

    if (faults && fm_fault_set_len(faults)) {
        g_autofree gchar *report = fm_fault_set_report(faults);
        g_auto(GStrv) lines = g_strsplit(g_strchomp(report), "\n", -1);

        info_report("flashmodel-pci: chip %s: faults:", s->desc->name);
        for (char **line = lines; *line; line++) {
            info_report("flashmodel-pci:   %s", *line);
        }
    }
    g_clear_pointer(&s->nand_bus, fm_nand_bus_free);
    g_clear_pointer(&s->cfi, fm_nor_cfi_free);
    /* Freeing the model syncs and closes its image. */
    g_clear_pointer(&s->nand, fm_nand_free);
    g_clear_pointer(&s->nor, fm_nor_free);
    s->cells = NULL;
    s->clock = NULL;
    if (s->journal) {
        g_autoptr(GError) err = NULL;
        const GError *failed = fm_journal_writer_failed(s->journal);

        if (failed) {
            err = g_error_copy(failed);
        }
        if (!fm_journal_writer_close(s->journal, err ? NULL : &err) || err) {
            error_report("flashmodel-pci: record=%s: %s", s->record,
                         err->message);
        }
        s->journal = NULL;
    }
    g_clear_pointer(&s->desc, fm_chip_desc_free);
}

static bool flashmodel_pci_open(FlashmodelPCIState *s, Error **errp)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(FmFaultSet) faults = NULL;
    FmImage *image;
    gboolean created;
    guint bus_width;

    if (!s->chip) {
        error_setg(errp, "property 'chip' is required: a chip name "
                   "('flashmodel list-chips') or a descriptor .ini path");
        return false;
    }
    s->guest_timing = !g_strcmp0(s->timing, "guest");
    if (s->guest_timing) {
        s->timing_mode = FM_TIMING_VIRTUAL;
    } else if (!fm_timing_mode_from_string(s->timing ? s->timing : "none",
                                           &s->timing_mode)) {
        error_setg(errp, "timing=%s: give none, virtual, guest or real",
                   s->timing);
        return false;
    }
    s->desc = fm_chip_desc_lookup(s->chip, &err);
    if (!s->desc) {
        error_setg(errp, "%s", err->message);
        return false;
    }
    if (s->desc->type == FM_CHIP_SPI_NOR) {
        error_setg(errp, "chip %s is a SPI NOR part; flashmodel-pci serves "
                   "NAND and parallel (CFI) NOR parts only", s->desc->name);
        goto fail_early;
    }
    if (fm_chip_desc_is_nor(s->desc)) {
        if (s->nop >= 0) {
            error_setg(errp, "nop=%d: chip %s is NOR; the partial-program "
                       "limit is a NAND rule", s->nop, s->desc->name);
            goto fail_early;
        }
        bus_width = s->bus_width ? s->bus_width
                    : (s->desc->nor.bus_widths & 16) ? 16 : 8;
        if ((bus_width != 8 && bus_width != 16) ||
            !(s->desc->nor.bus_widths & bus_width)) {
            error_setg(errp, "bus-width=%u: chip %s has a %s data bus",
                       bus_width, s->desc->name,
                       s->desc->nor.bus_widths == (8 | 16) ? "x8 or x16" :
                       (s->desc->nor.bus_widths & 16) ? "x16" : "x8");
            goto fail_early;
        }
    } else {
        bus_width = s->desc->bus_width;
        if (s->bus_width && s->bus_width != bus_width) {
            error_setg(errp, "bus-width=%u: NAND chip %s has a x%u data bus",
                       s->bus_width, s->desc->name, bus_width);
            goto fail_early;
        }
    }
    /* Checked before the image is created, so that a typo creates nothing. */
    if (s->faults) {
        faults = fm_fault_set_parse(s->faults, &err);
        if (!faults) {
            /* The library words it for muse-chip's --faults. */
            const char *msg = err->message;

            if (g_str_has_prefix(msg, "--faults: ")) {
                msg += strlen("--faults: ");
            }
            error_setg(errp, "faults: %s", msg);
            goto fail_early;
        }
    }
    if (s->record && g_file_test(s->record, G_FILE_TEST_EXISTS)) {
        error_setg(errp, "record=%s: the journal file exists; give a new "
                   "file name", s->record);
        goto fail_early;
    }

    image = fm_frontend_open_image(s->desc, s->image, s->seed, &created, &err);
    if (!image) {
        error_setg(errp, "%s%s", s->image ? "image: " : "", err->message);
        goto fail_early;
    }
    if (created) {
        info_report("flashmodel-pci: created %s (chip %s, seed %" PRIu64 ")",
                    s->image, s->desc->name, s->seed);
    }
    /* fm_nand_new() and fm_nor_new() take the image, failing or not. */
    if (fm_chip_desc_is_nor(s->desc)) {
        s->nor = fm_nor_new(s->desc, image, s->timing_mode, &err);
        if (s->nor) {
            s->cells = fm_nor_cells(s->nor);
            s->clock = fm_nor_clock(s->nor);
        }
    } else {
        s->nand = fm_nand_new(s->desc, image, s->timing_mode, &err);
        if (s->nand) {
            s->cells = s->nand;
            s->clock = fm_nand_clock(s->nand);
        }
    }
    if (!s->cells) {
        goto fail;
    }
    if (!fm_frontend_attach(s->cells, s->desc, s->record,
                            g_steal_pointer(&faults), &s->journal, &err)) {
        g_prefix_error(&err, "record=%s: ", s->record);
        goto fail;
    }
    if (s->nor) {
        s->cfi = fm_nor_cfi_new(s->nor, bus_width, &err);
        if (!s->cfi) {
            goto fail;
        }
    } else {
        if (s->nop >= 0) {
            fm_nand_set_nop_limit(s->nand, s->nop);
        }
        s->nand_bus = fm_nand_bus_new(s->nand);
    }
    s->guest_clock_base = (int64_t)fm_clock_now(s->clock) -
                          qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    return true;

fail:
    error_setg(errp, "chip %s: %s", s->desc->name, err->message);
fail_early:
    flashmodel_pci_close(s);
    return false;
}

/*
 * A "powercut" fault leaves the chip unpowered: the machine it sits in
 * would have lost power too, so stop it, as muse-chip stops. Until the
 * main loop gets to it the chip reads all ones and ignores writes.
 */
static void flashmodel_pci_check_power(FlashmodelPCIState *s)
{
    if (s->power_cut_reported || !fm_nand_powered_off(s->cells)) {
        return;
    }
    s->power_cut_reported = true;
    error_report("flashmodel-pci: chip %s: power cut at operation %" PRIu64
                 ": stopping the machine, as its power failed",
                 s->desc->name, fm_nand_power_cut_at(s->cells));
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_ERROR);
}

/*
 * timing=guest: the model runs in virtual timing, its clock kept up with
 * QEMU's virtual clock before every access, so that an operation takes its
 * time as the guest sees time, whether the guest polls or sleeps (Linux's
 * CFI drivers sleep a jiffy between status polls and give up after 20 s:
 * in plain virtual timing, 100 ns of chip time per bus cycle, a sector
 * erase would never end for them). The chip's clock runs ahead by the bus
 * cycles the model counts on its own, never behind. Deterministic under
 * -icount.
 */
static void flashmodel_pci_follow_guest(FlashmodelPCIState *s)
{
    int64_t target, now;

    if (!s->guest_timing) {
        return;
    }
    target = s->guest_clock_base + qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    now = (int64_t)fm_clock_now(s->clock);
    if (target > now) {
        fm_clock_advance(s->clock, target - now);
    }
}

/* ---- BAR0: registers ---- */

static uint32_t flashmodel_pci_status(FlashmodelPCIState *s)
{
    bool ready;

    if (s->timing_mode == FM_TIMING_VIRTUAL && !s->guest_timing) {
        fm_clock_advance(s->clock, FLASHMODEL_PCI_POLL_NS);
    }
    if (flashmodel_pci_is_nor(s)) {
        ready = fm_nor_cfi_ready(s->cfi);
    } else {
        ready = fm_nand_bus_ready(s->nand_bus);
    }
    return ready ? FMPCI_STATUS_READY : 0;
}

static uint64_t flashmodel_pci_size(FlashmodelPCIState *s)
{
    if (flashmodel_pci_is_nor(s)) {
        return fm_nor_size(s->nor);
    }
    return fm_chip_desc_size_bytes(s->desc);
}

/* The 32-bit register at ADDR (a multiple of 4), other than DATA. */
static uint32_t flashmodel_pci_reg_read(FlashmodelPCIState *s, hwaddr addr)
{
    if (addr >= FMPCI_NAME && addr < FMPCI_NAME + FMPCI_NAME_LEN) {
        uint8_t word[4] = { 0 };
        size_t len = strlen(s->desc->name);
        hwaddr i;

        for (i = 0; i < 4; i++) {
            if (addr - FMPCI_NAME + i < MIN(len, FMPCI_NAME_LEN - 1)) {
                word[i] = s->desc->name[addr - FMPCI_NAME + i];
            }
        }
        return ldl_le_p(word);
    }
    switch (addr) {
    case FMPCI_MAGIC:
        return FMPCI_MAGIC_VALUE;
    case FMPCI_VERSION:
        return FMPCI_VERSION_VALUE;
    case FMPCI_TYPE:
        return flashmodel_pci_is_nor(s) ? FMPCI_TYPE_CFI_NOR : FMPCI_TYPE_NAND;
    case FMPCI_CTRL:
        return s->ctrl;
    case FMPCI_STATUS:
        return flashmodel_pci_status(s);
    case FMPCI_BUSWIDTH:
        return flashmodel_pci_is_nor(s) ? fm_nor_cfi_bus_width(s->cfi)
                                        : s->desc->bus_width;
    case FMPCI_SIZE_LO:
        return (uint32_t)flashmodel_pci_size(s);
    case FMPCI_SIZE_HI:
        return flashmodel_pci_size(s) >> 32;
    case FMPCI_CMD:
    case FMPCI_ADDR:
        qemu_log_mask(LOG_GUEST_ERROR, "flashmodel-pci: register 0x%"
                      HWADDR_PRIx " is write-only\n", addr);
        return 0;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "flashmodel-pci: read of unknown "
                      "register 0x%" HWADDR_PRIx "\n", addr);
        return 0;
    }
}

static void flashmodel_pci_set_ctrl(FlashmodelPCIState *s, uint32_t value)
{
    s->ctrl = value & (FMPCI_CTRL_CE | FMPCI_CTRL_WP);
    if (flashmodel_pci_is_nor(s)) {
        /* The window selects the chip on every access: CE has no use. */
        fm_nor_cfi_set_wp(s->cfi, !!(s->ctrl & FMPCI_CTRL_WP));
    } else {
        fm_nand_bus_set_ce(s->nand_bus, !!(s->ctrl & FMPCI_CTRL_CE));
        fm_nand_bus_set_wp(s->nand_bus, !!(s->ctrl & FMPCI_CTRL_WP));
    }
}

/* Bits 7:0 of a write at ADDR, a multiple of 4, other than DATA. */
static void flashmodel_pci_reg_write(FlashmodelPCIState *s, hwaddr addr,
                                     uint32_t value)
{
    switch (addr) {
    case FMPCI_CTRL:
        flashmodel_pci_set_ctrl(s, value);
        return;
    case FMPCI_CMD:
    case FMPCI_ADDR:
        if (flashmodel_pci_is_nor(s)) {
            qemu_log_mask(LOG_GUEST_ERROR, "flashmodel-pci: CMD and ADDR are "
                          "for NAND chips; a NOR chip is driven through "
                          "BAR1\n");
        } else if (addr == FMPCI_CMD) {
            fm_nand_bus_command(s->nand_bus, value & 0xff);
        } else {
            fm_nand_bus_address(s->nand_bus, value & 0xff);
        }
        return;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "flashmodel-pci: write of 0x%x to "
                      "read-only or unknown register 0x%" HWADDR_PRIx "\n",
                      value, addr);
        return;
    }
}

/*
 * DATA: SIZE bytes of data cycles, lowest address first. A byte access is
 * one cycle on either bus width (on a x16 chip: the low byte lane).
 */
static uint64_t flashmodel_pci_data_read(FlashmodelPCIState *s, unsigned size)
{
    uint8_t buf[8];

    if (size == 1) {
        return fm_nand_bus_read(s->nand_bus) & 0xff;
    }
    fm_nand_bus_read_buf(s->nand_bus, buf, size);
    return ldn_le_p(buf, size);
}

static void flashmodel_pci_data_write(FlashmodelPCIState *s, uint64_t value,
                                      unsigned size)
{
    uint8_t buf[8];

    if (size == 1) {
        fm_nand_bus_write(s->nand_bus, value & 0xff);
        return;
    }
    stn_le_p(buf, size, value);
    fm_nand_bus_write_buf(s->nand_bus, buf, size);
}

static bool flashmodel_pci_data_ok(FlashmodelPCIState *s, hwaddr addr)
{
    if (!s->nand_bus) {
        qemu_log_mask(LOG_GUEST_ERROR, "flashmodel-pci: DATA is for NAND "
                      "chips; a NOR chip is driven through BAR1\n");
        return false;
    }
    if (addr != FMPCI_DATA) {
        qemu_log_mask(LOG_GUEST_ERROR, "flashmodel-pci: DATA access at 0x%"
                      HWADDR_PRIx " (it must start at 0x%x)\n",
                      addr, FMPCI_DATA);
        return false;
    }
    return true;
}

/*
 * Accesses are naturally aligned (the core refuses others): a 1- or 2-byte
 * access is part of one register, an 8-byte one covers two.
 */
static uint64_t flashmodel_pci_regs_read(void *opaque, hwaddr addr,
                                         unsigned size)
{
    FlashmodelPCIState *s = opaque;
    uint64_t value;

    if (!s->cells) {
        return ~0ULL;   /* closed at exit */
    }
    flashmodel_pci_follow_guest(s);
    if (addr >= FMPCI_DATA && addr < FMPCI_DATA + 8) {
        value = flashmodel_pci_data_ok(s, addr)
                ? flashmodel_pci_data_read(s, size) : 0;
        flashmodel_pci_check_power(s);
        return value;
    }
    if (size == 8) {
        return flashmodel_pci_reg_read(s, addr) |
               (uint64_t)flashmodel_pci_reg_read(s, addr + 4) << 32;
    }
    value = flashmodel_pci_reg_read(s, addr & ~(hwaddr)3);
    return extract64(value, (addr & 3) * 8, size * 8);
}

static void flashmodel_pci_regs_write(void *opaque, hwaddr addr,
                                      uint64_t value, unsigned size)
{
    FlashmodelPCIState *s = opaque;

    if (!s->cells) {
        return;
    }
    flashmodel_pci_follow_guest(s);
    if (addr >= FMPCI_DATA && addr < FMPCI_DATA + 8) {
        if (flashmodel_pci_data_ok(s, addr)) {
            flashmodel_pci_data_write(s, value, size);
        }
    } else if (size == 8) {
        flashmodel_pci_reg_write(s, addr, value);
        flashmodel_pci_reg_write(s, addr + 4, value >> 32);
    } else if (addr & 3) {
        qemu_log_mask(LOG_GUEST_ERROR, "flashmodel-pci: write to the middle "
                      "of register 0x%" HWADDR_PRIx "\n", addr & ~(hwaddr)3);
    } else {
        /* A narrower write at a register's start: its low bits. */
        flashmodel_pci_reg_write(s, addr, value);
    }
    flashmodel_pci_check_power(s);
}

static const MemoryRegionOps flashmodel_pci_regs_ops = {
    .read = flashmodel_pci_regs_read,
    .write = flashmodel_pci_regs_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
    },
};

/* ---- BAR1: the NOR chip's address space ---- */

static uint64_t flashmodel_pci_window_read(void *opaque, hwaddr addr,
                                           unsigned size)
{
    FlashmodelPCIState *s = opaque;
    uint64_t value;

    if (!s->cfi) {
        return ~0ULL;
    }
    flashmodel_pci_follow_guest(s);
    value = fm_nor_cfi_read(s->cfi, addr, size);
    flashmodel_pci_check_power(s);
    return value;
}

static void flashmodel_pci_window_write(void *opaque, hwaddr addr,
                                        uint64_t value, unsigned size)
{
    FlashmodelPCIState *s = opaque;

    if (!s->cfi) {
        return;
    }
    flashmodel_pci_follow_guest(s);
    fm_nor_cfi_write(s->cfi, addr, value, size);
    flashmodel_pci_check_power(s);
}

/*
 * Any width at any address, as a CPU may issue on a memory bus: Linux's
 * cfi_cmdset_0002 polls a 16-bit word at byte address 555h, which the
 * model decodes as real wiring would (FmNorCfi ignores the address bits
 * below the bus width). 8-byte accesses are split into two 4-byte ones,
 * lower address first.
 */
static const MemoryRegionOps flashmodel_pci_window_ops = {
    .read = flashmodel_pci_window_read,
    .write = flashmodel_pci_window_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 4,
        .unaligned = true,
    },
};

/* ---- device life cycle ---- */

static void flashmodel_pci_vm_state_change(void *opaque, bool running,
                                           RunState state)
{
    FlashmodelPCIState *s = opaque;

    /*
     * QEMU stops the VM on every orderly exit (guest shutdown, quit,
     * SIGTERM) and when it pauses (stop, -no-shutdown), so the image file
     * is complete whenever the guest does not run.
     */
    if (!running) {
        flashmodel_pci_sync(s);
    }
}

static void flashmodel_pci_exit_notify(Notifier *notifier, void *data)
{
    FlashmodelPCIState *s = container_of(notifier, FlashmodelPCIState,
                                         exit_notifier);

    /*
     * QEMU does not unrealize devices at exit; this also covers exit()
     * from a vCPU thread (isa-debug-exit), which holds the iothread lock,
     * so that no MMIO access runs concurrently.
     */
    flashmodel_pci_close(s);
}

static void flashmodel_pci_realize(PCIDevice *pdev, Error **errp)
{
    FlashmodelPCIState *s = FLASHMODEL_PCI(pdev);

    if (!flashmodel_pci_open(s, errp)) {
        return;
    }

    memory_region_init_io(&s->regs, OBJECT(s), &flashmodel_pci_regs_ops, s,
                          "flashmodel-pci-regs", FMPCI_REGS_SIZE);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->regs);
    if (flashmodel_pci_is_nor(s)) {
        /*
         * Not prefetchable: reads have side effects (status, toggle bits).
         * Beyond the chip, up to the power of two a BAR needs, the chip's
         * address space repeats, as the upper address lines are not wired.
         */
        memory_region_init_io(&s->window, OBJECT(s),
                              &flashmodel_pci_window_ops, s,
                              "flashmodel-pci-window",
                              pow2ceil(fm_nor_size(s->nor)));
        pci_register_bar(pdev, 1, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->window);
    }

    s->exit_notifier.notify = flashmodel_pci_exit_notify;
    qemu_add_exit_notifier(&s->exit_notifier);
    s->vm_state_entry =
        qemu_add_vm_change_state_handler(flashmodel_pci_vm_state_change, s);
}

static void flashmodel_pci_exit(PCIDevice *pdev)
{
    FlashmodelPCIState *s = FLASHMODEL_PCI(pdev);

    qemu_del_vm_change_state_handler(s->vm_state_entry);
    qemu_remove_exit_notifier(&s->exit_notifier);
    flashmodel_pci_close(s);
}

/*
 * A system reset pulses a NOR chip's RESET# (boards wire it to the reset
 * line) and deasserts CE# and WP#; a NAND chip has no reset pin, so its
 * operations go on (the guest's driver sends RESET FFh).
 */
static void flashmodel_pci_reset(DeviceState *dev)
{
    FlashmodelPCIState *s = FLASHMODEL_PCI(dev);

    if (!s->cells) {
        return;
    }
    if (flashmodel_pci_is_nor(s)) {
        fm_nor_cfi_reset(s->cfi);
    }
    flashmodel_pci_set_ctrl(s, 0);
}

static Property flashmodel_pci_properties[] = {
    DEFINE_PROP_STRING("chip", FlashmodelPCIState, chip),
    DEFINE_PROP_STRING("image", FlashmodelPCIState, image),
    DEFINE_PROP_UINT64("seed", FlashmodelPCIState, seed, 1),
    DEFINE_PROP_STRING("faults", FlashmodelPCIState, faults),
    DEFINE_PROP_STRING("record", FlashmodelPCIState, record),
    DEFINE_PROP_STRING("timing", FlashmodelPCIState, timing),
    DEFINE_PROP_UINT32("bus-width", FlashmodelPCIState, bus_width, 0),
    /* 0 lifts the NOP limit, for software such as Linux's mtd_nandbiterrs
     * that rewrites pages more often than the part allows */
    DEFINE_PROP_INT32("nop", FlashmodelPCIState, nop, -1),
    DEFINE_PROP_END_OF_LIST(),
};

/* The chip's state lives outside QEMU, in the model and its image. */
static const VMStateDescription vmstate_flashmodel_pci = {
    .name = TYPE_FLASHMODEL_PCI,
    .unmigratable = 1,
};

static void flashmodel_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = flashmodel_pci_realize;
    k->exit = flashmodel_pci_exit;
    k->vendor_id = FMPCI_VENDOR_ID;
    k->device_id = FMPCI_DEVICE_ID;
    k->revision = FMPCI_VERSION_VALUE;
    k->class_id = PCI_CLASS_MEMORY_FLASH;
    dc->desc = "flashmodel flash chip (NAND controller or CFI NOR window)";
    dc->reset = flashmodel_pci_reset;
    dc->vmsd = &vmstate_flashmodel_pci;
    device_class_set_props(dc, flashmodel_pci_properties);
    object_class_property_set_description(klass, "chip",
        "the chip: a name from 'flashmodel list-chips' or a descriptor .ini");
    object_class_property_set_description(klass, "image",
        "the chip's image file, created if missing (default: volatile)");
    object_class_property_set_description(klass, "seed",
        "seed of a new image: factory bad blocks, lifetimes (default 1)");
    object_class_property_set_description(klass, "faults",
        "fault injection rules separated by ';', or @FILE");
    object_class_property_set_description(klass, "record",
        "append every chip operation to this new journal file");
    object_class_property_set_description(klass, "timing",
        "chip time: none (default), virtual, guest (QEMU's virtual clock) "
        "or real");
    object_class_property_set_description(klass, "bus-width",
        "NOR: data bus width, 8 or 16 (default: the widest the part has)");
    set_bit(DEVICE_CATEGORY_STORAGE, dc->categories);
}

static const TypeInfo flashmodel_pci_info = {
    .name = TYPE_FLASHMODEL_PCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(FlashmodelPCIState),
    .class_init = flashmodel_pci_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { },
    },
};

static void flashmodel_pci_register_types(void)
{
    type_register_static(&flashmodel_pci_info);
}

type_init(flashmodel_pci_register_types)
