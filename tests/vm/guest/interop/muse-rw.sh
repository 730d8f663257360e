# Interop, boot 2: the same image, copied in from a tar on /dev/vda, served
# by muse-chip ($1: the chip, default micron-mt29f4g): the file written through the glue reads back, a new file is
# written, and the image goes out as a tar on /dev/vdb.
. /fm/lib.sh
chip=${1:-micron-mt29f4g}
check "image copied in" tar xf /dev/vda -C /tmp
start_muse nand --chip "$chip" --image /tmp/nand.img || bail "muse-chip did not start"
check "ubiattach" ubiattach -m "$mtd" -d 0
mkdir -p /mnt/ubifs
check "mount UBIFS" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS"
check "the file written through the glue reads back" \
  sh -c "seq 1 300000 | cmp -s - /mnt/ubifs/from-glue"
seq 300000 -1 1 > /mnt/ubifs/from-muse
check "unmount" umount /mnt/ubifs
check "ubidetach" ubidetach -d 0
check_eq "no ECC failures" 0 "$(mtd_attr "$mtd" ecc_failures)"
check "muse-chip stops" stop_muse
check "image copied out" tar cf /dev/vdb -C /tmp nand.img
finish
