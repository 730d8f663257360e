/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flashmodel-pci: a flash chip of flashmodel's catalog on a PCI function,
 * driven by the guest at command level.
 *
 *   -device flashmodel-pci,chip=NAME[,image=FILE][,seed=N][,faults=SPEC]
 *           [,record=FILE][,timing=none|virtual|guest|real][,bus-width=8|16]
 *           [,nop=N][,pt=on|off][,read-retry=on|off]
 *
 * The chip is libflashmodel's model of a real part: for a NAND part
 * (FmNandBus) BAR0 is a minimal raw NAND controller, the guest writing
 * command, address and data cycles and polling R/B#; for a parallel CFI
 * NOR part (FmNorCfi) BAR1 is the chip's address space and every access is
 * a bus cycle of the chip; for a SPI NOR or SPI NAND part (FmSpiNor,
 * FmSpiNand) BAR0 is a SPI controller, the guest selecting the chip and
 * clocking bytes through it on the lines of each phase. The register
 * interface is
 * kernel/flashmodel-pci.h of flashmodel, shared with the Linux driver;
 * what every register does is libflashmodel's FmPciRegs (fm-pci-regs.h),
 * so this file is the properties, the memory regions and the life cycle
 * around it.
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
#include "qemu/error-report.h"
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
#include "fm-pci-regs.h"
#include "flashmodel-pci.h"

#define TYPE_FLASHMODEL_PCI "flashmodel-pci"
OBJECT_DECLARE_SIMPLE_TYPE(FlashmodelPCIState, FLASHMODEL_PCI)

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
    bool pt;                    /* Macronix PT pin high at power-on */
    bool read_retry;            /* off: the part as if it had no read retry */

    FmChipDesc *desc;
    FmTimingMode timing_mode;
    bool guest_timing;          /* timing=guest */
    FmNand *cells;              /* the array: NAND chip, or NOR's cells */
    FmNand *nand;               /* NAND: owns the image */
    FmNor *nor;                 /* NOR: owns the image */
    FmPciRegs *iface;           /* the register interface over the chip */
    FmJournalWriter *journal;

    Notifier exit_notifier;
    VMChangeStateEntry *vm_state_entry;
};

/* ---- what FmPciRegs needs from QEMU ---- */

static void flashmodel_pci_guest_error(gpointer opaque, const gchar *message)
{
    qemu_log_mask(LOG_GUEST_ERROR, "flashmodel-pci: %s\n", message);
}

/*
 * A "powercut" fault leaves the chip unpowered: the machine it sits in
 * would have lost power too, so stop it, as muse-chip stops. Until the
 * main loop gets to it the chip reads all ones and ignores writes.
 */
static void flashmodel_pci_power_cut(gpointer opaque, guint64 at)
{
    FlashmodelPCIState *s = opaque;

    error_report("flashmodel-pci: chip %s: power cut at operation %" PRIu64
                 ": stopping the machine, as its power failed",
                 s->desc->name, (uint64_t)at);
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_ERROR);
}

/*
 * The image's storage failed (a full disk): the program reported FAIL to
 * the guest, whose driver sees an I/O error; tell the person running QEMU
 * why, once.
 */
static void flashmodel_pci_storage_error(gpointer opaque, const GError *err)
{
    FlashmodelPCIState *s = opaque;

    error_report("flashmodel-pci: chip %s: %s; programs fail until there "
                 "is room", s->desc->name, err->message);
}

/*
 * timing=guest: the chip's time is QEMU's virtual clock, the guest's time
 * (deterministic under -icount); FmPciRegs keeps the chip's clock up with
 * it before every access.
 */
static guint64 flashmodel_pci_guest_now_ns(gpointer opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
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
    g_clear_pointer(&s->iface, fm_pci_regs_free);
    /* Freeing the model syncs and closes its image. */
    g_clear_pointer(&s->nand, fm_nand_free);
    g_clear_pointer(&s->nor, fm_nor_free);
    s->cells = NULL;
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
    FmPciRegsHooks hooks = {
        .guest_error = flashmodel_pci_guest_error,
        .power_cut = flashmodel_pci_power_cut,
        .storage_error = flashmodel_pci_storage_error,
    };
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
    if (!s->read_retry) {
        /* Before any bus exists: the parameter page, READ ID 40h and the
         * feature list are then those of a part without read retry. */
        memset(&s->desc->read_retry, 0, sizeof(s->desc->read_retry));
    }
    if (s->pt && !s->desc->mxic_block_protection) {
        error_setg(errp, "pt=on: chip %s has no PT pin (Macronix block "
                   "protection)", s->desc->name);
        return false;
    }
    if (fm_chip_desc_is_nor(s->desc) && s->nop >= 0) {
        error_setg(errp, "nop=%d: chip %s is NOR; the partial-program "
                   "limit is a NAND rule", s->nop, s->desc->name);
        goto fail_early;
    }
    if (s->desc->type == FM_CHIP_SPI_NOR ||
        s->desc->type == FM_CHIP_SPI_NAND) {
        bus_width = 0;  /* the SPI controller's four I/O lines */
        if (s->bus_width) {
            error_setg(errp, "bus-width=%u: chip %s is a SPI part, on the "
                       "controller's four I/O lines", s->bus_width,
                       s->desc->name);
            goto fail_early;
        }
    } else if (fm_chip_desc_is_nor(s->desc)) {
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
        if (faults && !fm_fault_set_check_chip(faults, s->desc, &err)) {
            g_clear_pointer(&faults, fm_fault_set_free);
        }
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
        }
    } else {
        s->nand = fm_nand_new(s->desc, image, s->timing_mode, &err);
        if (s->nand) {
            s->cells = s->nand;
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
    hooks.guest_now_ns = s->guest_timing ? flashmodel_pci_guest_now_ns : NULL;
    if (s->desc->type == FM_CHIP_SPI_NOR) {
        s->iface = fm_pci_regs_new_spi_nor(s->nor, &hooks, s, &err);
        if (!s->iface) {
            goto fail;
        }
    } else if (s->nor) {
        s->iface = fm_pci_regs_new_nor(s->nor, bus_width, &hooks, s, &err);
        if (!s->iface) {
            goto fail;
        }
    } else {
        if (s->nop >= 0) {
            fm_nand_set_nop_limit(s->nand, s->nop);
        }
        /* Checked above: the part has the pin */
        if (s->pt && !fm_nand_set_pt_pin(s->nand, true, &err)) {
            goto fail;
        }
        if (s->desc->type == FM_CHIP_SPI_NAND) {
            s->iface = fm_pci_regs_new_spi_nand(s->nand, &hooks, s, &err);
            if (!s->iface) {
                goto fail;
            }
        } else {
            s->iface = fm_pci_regs_new_nand(s->nand, &hooks, s);
        }
    }
    return true;

fail:
    error_setg(errp, "chip %s: %s", s->desc->name, err->message);
fail_early:
    flashmodel_pci_close(s);
    return false;
}

/* ---- BAR0 and BAR1: libflashmodel's FmPciRegs ---- */

/* Every access goes to FmPciRegs; after close (at exit) there is no chip. */
static uint64_t flashmodel_pci_regs_read(void *opaque, hwaddr addr,
                                         unsigned size)
{
    FlashmodelPCIState *s = opaque;

    return s->iface ? fm_pci_regs_read(s->iface, addr, size) : ~0ULL;
}

static void flashmodel_pci_regs_write(void *opaque, hwaddr addr,
                                      uint64_t value, unsigned size)
{
    FlashmodelPCIState *s = opaque;

    if (s->iface) {
        fm_pci_regs_write(s->iface, addr, value, size);
    }
}

/* Naturally aligned accesses (the core refuses others). */
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

static uint64_t flashmodel_pci_window_read(void *opaque, hwaddr addr,
                                           unsigned size)
{
    FlashmodelPCIState *s = opaque;

    return s->iface ? fm_pci_regs_window_read(s->iface, addr, size) : ~0ULL;
}

static void flashmodel_pci_window_write(void *opaque, hwaddr addr,
                                        uint64_t value, unsigned size)
{
    FlashmodelPCIState *s = opaque;

    if (s->iface) {
        fm_pci_regs_window_write(s->iface, addr, value, size);
    }
}

/*
 * Any width at any address, as a CPU may issue on a memory bus (see
 * fm_pci_regs_window_read()). 8-byte accesses are split into two 4-byte
 * ones, lower address first.
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
    if (fm_pci_regs_window_size(s->iface)) {
        /*
         * Not prefetchable: reads have side effects (status, toggle bits).
         * Beyond the chip, up to the power of two a BAR needs, the chip's
         * address space repeats, as the upper address lines are not wired.
         */
        memory_region_init_io(&s->window, OBJECT(s),
                              &flashmodel_pci_window_ops, s,
                              "flashmodel-pci-window",
                              fm_pci_regs_window_size(s->iface));
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

    if (s->iface) {
        fm_pci_regs_reset(s->iface);
    }
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
    DEFINE_PROP_BOOL("pt", FlashmodelPCIState, pt, false),
    DEFINE_PROP_BOOL("read-retry", FlashmodelPCIState, read_retry, true),
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
    dc->desc = "flashmodel flash chip (NAND or SPI controller, or CFI NOR "
               "window)";
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
    object_class_property_set_description(klass, "pt",
        "Macronix raw NAND: the PT pin high at power-on, every block "
        "locked (default off)");
    object_class_property_set_description(klass, "read-retry",
        "raw NAND with [read-retry]: off serves the part as if its "
        "descriptor had none, a control for what read retry recovers "
        "(default on)");
    object_class_property_set_description(klass, "bus-width",
        "CFI NOR: data bus width, 8 or 16 (default: the widest the part "
        "has)");
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
