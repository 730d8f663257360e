# SPDX-License-Identifier: GPL-2.0-or-later
# Devices of the flashmodel QEMU build (qemu-glue/build-qemu installs this
# as configs/devices/x86_64-softmmu/flashmodel.mak): the pc machine
# (i440fx) with its usual companions (e1000 as its default NIC, std VGA,
# serial, IDE, ACPI), virtio-blk/net/9p over virtio-pci, isa-debug-exit
# and flashmodel-pci; no q35, microvm or isapc, and none of the optional PCI
# cards (PCI_DEVICES).

CONFIG_I440FX=y
CONFIG_Q35=n
CONFIG_MICROVM=n
CONFIG_ISAPC=n

CONFIG_PCI_DEVICES=n
CONFIG_E1000_PCI=y
CONFIG_VGA_PCI=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=y
CONFIG_VIRTIO_NET=y
CONFIG_VIRTIO_9P=y
CONFIG_ISA_DEBUG=y
CONFIG_FLASHMODEL_PCI=y

CONFIG_AMD_IOMMU=n
CONFIG_APPLESMC=n
CONFIG_HYPERV=n
CONFIG_ISA_IPMI_BT=n
CONFIG_ISA_IPMI_KCS=n
CONFIG_PCI_IPMI_BT=n
CONFIG_PCI_IPMI_KCS=n
CONFIG_IPMI_SSIF=n
CONFIG_NVDIMM=n
CONFIG_PVPANIC_ISA=n
CONFIG_QXL=n
CONFIG_SEV=n
CONFIG_SGA=n
CONFIG_SGX=n
CONFIG_TEST_DEVICES=n
CONFIG_TPM_CRB=n
CONFIG_TPM_TIS_ISA=n
CONFIG_VIRTIO_VGA=n
CONFIG_VTD=n
