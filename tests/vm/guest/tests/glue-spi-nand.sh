# Every SPI NAND descriptor on QEMU's flashmodel-pci device, behind its SPI
# controller, driven by Linux's own spinand core through spi-mem
# (kernel/flashmodel-pci-spi.c): each part is detected by its ID as its
# vendor's, with the descriptor's geometry and on-die ECC, and data
# written through the MTD (spinand's fastest program and read operations,
# the vendor's quad enable) reads back. On two parts, an 8-bit and a
# 4-bit ECC (the latter with a QE bit), the kernel's MTD tests (readtest,
# pagetest, oobtest, stresstest) pass on a 4 MiB partition, and
# mtd_nandbiterrs sees the on-die ECC correct as many bit flips per step
# as the part's strength, counted in the MTD's ECC statistics, and report
# one more as uncorrectable. Not on the others: mtd_nandbiterrs plants its
# errors by programming with the ECC off, which a code with hidden parity
# cannot see in the model (fm-on-die-ecc.h: Macronix, XTX, GD5F1GQ4xA),
# and the model's 1-bit code (BCH, t = 1) takes some double errors for
# single ones, which the parts' datasheets say they report. UBIFS on the
# first survives a remount and a detach. Needs CONFIG_MTD_SPI_NAND (the
# built kernel: Debian's kernels have no spinand). nop=0: mtd_nandbiterrs
# rewrites its page more often than the parts allow.
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f2g01abagd,nop=0
#glue-qemu: -device flashmodel-pci,chip=gigadevice-gd5f1gq5uexxg,nop=0
#glue-qemu: -device flashmodel-pci,chip=ato-ato25d1ga
#glue-qemu: -device flashmodel-pci,chip=gigadevice-gd5f1gq4uayig
#glue-qemu: -device flashmodel-pci,chip=gigadevice-gd5f1gq4uexxg
#glue-qemu: -device flashmodel-pci,chip=kioxia-tc58cvg0s3hraig
#glue-qemu: -device flashmodel-pci,chip=macronix-mx35lf1ge4ab
#glue-qemu: -device flashmodel-pci,chip=macronix-mx35lf2ge4ab
#glue-qemu: -device flashmodel-pci,chip=paragon-pn26g01a
#glue-qemu: -device flashmodel-pci,chip=winbond-w25n01gv
#glue-qemu: -device flashmodel-pci,chip=xtx-xt26g01a
. /fm/lib.sh

if [ ! -d /sys/bus/spi/drivers/spi-nand ]; then
  skip "SPI NAND parts through spinand" "$fm_kernel has no spinand (CONFIG_MTD_SPI_NAND)"
  finish
fi

# The parts the MTD tests and mtd_nandbiterrs run on, UBIFS on the first.
deep="micron-mt29f2g01abagd gigadevice-gd5f1gq5uexxg"

# info_value CHIP LABEL: the text after LABEL in 'flashmodel info CHIP'.
info_value() {
  flashmodel info "$1" | sed -n "s/^  $2  *//p" | head -n 1
}

dmesg > /tmp/dmesg
diag "$(grep -E 'spi-nand|flashmodel-pci' /tmp/dmesg)"

chips=$(flashmodel list-chips | awk 'NR > 1 && $2 == "spi-nand" { print $1 }')
check_ge "the catalog has SPI NAND chips" 8 "$(echo "$chips" | wc -w)"
found=    # CHIP:MTD ...
for chip in $chips; do
  # spinand names its MTD after the spi device the driver put the chip on.
  spidev=$(glue_mtd_name "$chip")
  mtd=$(mtd_number "$spidev")
  if [ "$spidev" = "$chip" ] || [ -z "$mtd" ]; then
    fail "$chip: an MTD from spinand on flashmodel-pci (add its -device line above)"
    continue
  fi
  pass "$chip: an MTD from spinand on flashmodel-pci ($spidev)"
  found="$found $chip:$mtd"
  # Linux's toshiba.c still calls Kioxia's parts by Kioxia's former name.
  vendor=$(flashmodel info "$chip" | sed -n '1s/^[^:]*: \([^ ]*\) .*/\1/p' | sed 's/^Kioxia$/Toshiba/')
  page=$(info_value "$chip" page | sed 's/ + .*//')
  oob=$(info_value "$chip" page | sed 's/.* + \([0-9]*\) .*/\1/')
  block_kib=$(info_value "$chip" block | sed 's/.* \([0-9]*\) KiB.*/\1/')
  size=$(info_value "$chip" size | sed 's/.*(\([0-9]*\) bytes.*/\1/')
  ecc=$(flashmodel info "$chip" | sed -n 's/^On-die ECC: \([0-9]*\) bits\{0,1\} per \([0-9]*\) bytes.*/\1 \2/p')
  check "$chip: spinand found a $vendor SPI NAND" \
    grep -q "spi-nand $spidev: $vendor SPI NAND was found" /tmp/dmesg
  check "$chip: spinand's geometry: $((size >> 20)) MiB, $block_kib KiB blocks, $page+$oob-byte pages" \
    grep -q "spi-nand $spidev: $((size >> 20)) MiB, block size: $block_kib KiB, page size: $page, OOB size: $oob" /tmp/dmesg
  check_eq "$chip: type" nand "$(mtd_attr "$mtd" type)"
  check_eq "$chip: page size" "$page" "$(mtd_attr "$mtd" writesize)"
  check_eq "$chip: OOB size" "$oob" "$(mtd_attr "$mtd" oobsize)"
  check_eq "$chip: erase size" "$((block_kib * 1024))" "$(mtd_attr "$mtd" erasesize)"
  check_eq "$chip: size" "$size" "$(mtd_attr "$mtd" size)"
  check_eq "$chip: on-die ECC strength / step" "$ecc" \
    "$(mtd_attr "$mtd" ecc_strength) $(mtd_attr "$mtd" ecc_step_size)"
  # 64 KiB through the MTD, bad blocks skipped both ways.
  dd if=/dev/urandom of=/tmp/pattern bs=4096 count=16 2>/dev/null
  check "$chip: erase 4 blocks" flash_erase -q "/dev/mtd$mtd" 0 4
  check "$chip: write 64 KiB" nandwrite -q "/dev/mtd$mtd" /tmp/pattern
  check "$chip: read them back" sh -c \
    "nanddump -q --bb=skipbad -l 65536 -f /tmp/back /dev/mtd$mtd && cmp /tmp/back /tmp/pattern"
done

for chip in $deep; do
  mtd=$(echo "$found" | tr ' ' '\n' | sed -n "s/^$chip://p")
  [ -n "$mtd" ] || { fail "$chip: an MTD for the MTD tests"; continue; }
  check "$chip: partitions (4 MiB for the MTD tests, 32 MiB for UBI)" \
    partition_mtd "$(mtd_attr "$mtd" name)" "$chip-tests:4" "$chip-ubi:32"
  part=$(wait_mtd "$chip-tests") || { fail "$chip: the test partition appears"; continue; }
  check "$chip: erase the test partition" flash_erase -q "/dev/mtd$part" 0 0
  run_mtd_test mtd_readtest "mtd_readtest: finished$" dev="$part"
  run_mtd_test mtd_pagetest "finished with 0 errors" dev="$part"
  run_mtd_test mtd_oobtest "finished with 0 errors" dev="$part"
  run_mtd_test mtd_stresstest "mtd_stresstest: finished" dev="$part" count=500

  # The on-die ECC: corrected bits and failures reach MTD's statistics.
  strength=$(mtd_attr "$mtd" ecc_strength)
  corrected=$(mtd_attr "$part" corrected_bits) failures=$(mtd_attr "$part" ecc_failures)
  run_nandbiterrs "$part" "$strength"
  if have_mtd_tests; then
    check_ge "$chip: corrected bit flips counted" $((corrected + strength)) "$(mtd_attr "$part" corrected_bits)"
    check_ge "$chip: the uncorrectable read counted" $((failures + 1)) "$(mtd_attr "$part" ecc_failures)"
  fi
done

# UBIFS on the first: files survive a remount and a detach.
set -- $deep
chip=$1
ubi=$(wait_mtd "$chip-ubi") || bail "no partition $chip-ubi"
check "$chip: ubiformat" ubiformat -q -y "/dev/mtd$ubi"
check "$chip: ubiattach" ubiattach -m "$ubi" -d 0
check "$chip: ubimkvol" ubimkvol /dev/ubi0 -N data -m
mkdir -p /mnt/ubifs
check "$chip: mount UBIFS" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS"
check "$chip: write 2 MiB" dd if=/dev/urandom of=/mnt/ubifs/random bs=4096 count=512
check "$chip: write 100 files" sh -c 'for i in $(seq 1 100); do echo "file $i" > /mnt/ubifs/f$i || exit 1; done'
check "$chip: checksums" sh -c '(cd /mnt/ubifs && md5sum random f1 f100) > /tmp/sums'
check "$chip: unmount" umount /mnt/ubifs
check "$chip: mount again" mount -t ubifs ubi0:data /mnt/ubifs
check "$chip: files intact after the remount" sh -c "cd /mnt/ubifs && md5sum -c -s /tmp/sums"
check "$chip: unmount again" umount /mnt/ubifs
check "$chip: ubidetach" ubidetach -d 0
check "$chip: ubiattach again" ubiattach -m "$ubi" -d 0
check "$chip: mount UBIFS after the detach" mount -t ubifs ubi0:data /mnt/ubifs
check "$chip: files intact after the detach" sh -c "cd /mnt/ubifs && md5sum -c -s /tmp/sums"
check "$chip: unmount at last" umount /mnt/ubifs
check "$chip: ubidetach at last" ubidetach -d 0
finish
