# Interop, boot 1: UBIFS made through QEMU's flashmodel-pci device (Linux's
# nand_base with software BCH-4, or for a SPI NAND part spinand with the
# chip's own ECC) on the chip kept in the host's image. $1: the chip
# (default micron-mt29f4g).
. /fm/lib.sh
chip=${1:-micron-mt29f4g}
mtd=$(wait_mtd "$(glue_mtd_name "$chip")") || bail "no flashmodel-pci NAND ($chip)"
# Whole-page VID headers: muse-chip serves whole pages, while nand_base
# would offer 512-byte sub-pages.
check "ubiformat" ubiformat -q -y -O 2048 "/dev/mtd$mtd"
check "ubiattach (VID headers at 2048)" ubiattach -m "$mtd" -d 0 -O 2048
check "ubimkvol" ubimkvol /dev/ubi0 -N data -m
mkdir -p /mnt/ubifs
check "mount UBIFS" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS"
seq 1 300000 > /mnt/ubifs/from-glue
check "unmount" umount /mnt/ubifs
check "ubidetach" ubidetach -d 0
finish
