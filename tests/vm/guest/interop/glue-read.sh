# Interop, boot 3: the image muse-chip wrote, back on flashmodel-pci.
. /fm/lib.sh
chip=${1:-micron-mt29f4g}
mtd=$(wait_mtd "$(glue_mtd_name "$chip")") || bail "no flashmodel-pci NAND ($chip)"
check "ubiattach" ubiattach -m "$mtd" -d 0
mkdir -p /mnt/ubifs
check "mount UBIFS" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS"
check "the file written through the glue reads back" \
  sh -c "seq 1 300000 | cmp -s - /mnt/ubifs/from-glue"
check "the file written by muse-chip reads back" \
  sh -c "seq 300000 -1 1 | cmp -s - /mnt/ubifs/from-muse"
check "unmount" umount /mnt/ubifs
check_eq "no ECC failures" 0 "$(mtd_attr "$mtd" ecc_failures)"
finish
