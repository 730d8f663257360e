# micron-mt29f4g on QEMU's flashmodel-pci device under Linux's nand_base
# (software BCH-4 chosen from the ONFI ECC requirement): the kernel's MTD
# test modules on a 16 MiB partition, mtd_nandbiterrs, and UBIFS. The
# partitions come from mtdparts= on the command line; Debian's kernels have
# no parser for it, nor the test modules (skipped there).
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f4g,nop=0
#kernel-append: mtdparts=micron-mt29f4g:16M(tests),-(ubi)
. /fm/lib.sh

check "the driver chose BCH-4 per 512 bytes" sh -c "dmesg | grep -q 'micron-mt29f4g: ONFI NAND .*BCH ECC 4/512'"
if [ "$fm_kernel" != built ]; then
  check "partitions made with mtdpart ($fm_kernel has no mtdparts= parser)" \
    partition_mtd micron-mt29f4g tests:16 ubi:-
fi
part=$(wait_mtd tests)
ubi=$(wait_mtd ubi)
[ -n "$part" ] && [ -n "$ubi" ] || bail "no partitions from mtdparts= ($(cat /proc/mtd))"
check_eq "the test partition has 128 blocks" 16777216 "$(mtd_attr "$part" size)"
check_eq "ECC strength seen by MTD" 4 "$(mtd_attr "$part" ecc_strength)"
check "erase the test partition" flash_erase -q "/dev/mtd$part" 0 0

run_mtd_test mtd_readtest "mtd_readtest: finished$" dev="$part"
run_mtd_test mtd_pagetest "finished with 0 errors" dev="$part"
run_mtd_test mtd_oobtest "finished with 0 errors" dev="$part"
run_mtd_test mtd_stresstest "mtd_stresstest: finished" dev="$part" count=1000

# nop=0 on the device: mtd_nandbiterrs rewrites the page.
run_nandbiterrs "$part"

check "ubiformat" ubiformat -q -y "/dev/mtd$ubi"
check "ubiattach" ubiattach -m "$ubi" -d 0
check "ubimkvol" ubimkvol /dev/ubi0 -N data -m
mkdir -p /mnt/ubifs
check "mount UBIFS" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS"
check "write 2 MiB" dd if=/dev/urandom of=/mnt/ubifs/random bs=4096 count=512
check "write 100 files" sh -c 'for i in $(seq 1 100); do echo "file $i" > /mnt/ubifs/f$i || exit 1; done'
check "checksums" sh -c '(cd /mnt/ubifs && md5sum random f1 f100) > /tmp/sums'
check "unmount" umount /mnt/ubifs
check "ubidetach" ubidetach -d 0
check "ubiattach again" ubiattach -m "$ubi" -d 0
check "mount UBIFS again" mount -t ubifs ubi0:data /mnt/ubifs
check "files intact" sh -c "cd /mnt/ubifs && md5sum -c -s /tmp/sums"
check "unmount again" umount /mnt/ubifs
check "ubidetach again" ubidetach -d 0
finish
