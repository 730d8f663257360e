# Interop, boot 1: UBIFS made through QEMU's flashmodel-pci device (Linux's
# nand_base with software BCH-4, or for a SPI NAND part spinand with the
# chip's own ECC) on the chip kept in the host's image. $1: the chip
# (default micron-mt29f4g).
. /fm/lib.sh
chip=${1:-micron-mt29f4g}
mtd=$(wait_mtd "$(glue_mtd_name "$chip")") || bail "no flashmodel-pci NAND ($chip)"
# Default VID header offset: nand_base's sub-page, the one muse-chip
# serves the same chip with.
check "ubiformat" ubiformat -q -y "/dev/mtd$mtd"
check "ubiattach" ubiattach -m "$mtd" -d 0
check "ubimkvol" ubimkvol /dev/ubi0 -N data -m
mkdir -p /mnt/ubifs
check "mount UBIFS" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS"
seq 1 300000 > /mnt/ubifs/from-glue
check "unmount" umount /mnt/ubifs
check "ubidetach" ubidetach -d 0
finish
