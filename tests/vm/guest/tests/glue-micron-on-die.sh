# Micron's on-die ECC on QEMU's flashmodel-pci device, as Linux 6.1's
# nand_micron.c drives it (flashmodel_pci.ecc=on-die): micron_nand_init()
# checks the chip can switch its ECC (SET FEATURES 90h, READ ID byte 4)
# and sets 4 bits per 512 bytes with Micron's spare layout; after a read
# whose status says "rewrite recommended", micron_nand_on_die_ecc_status_4()
# reads the page again with the ECC off and counts the bits that differ:
# the ECC statistics then hold the flips the chip corrected, exactly. An
# uncorrectable sector sets FAIL alone, and the read fails.
#kernel-append: flashmodel_pci.ecc=on-die
#glue-file: faults bitflip block=100 page=0 byte=10 bit=0 always; bitflip block=100 page=0 byte=20 bit=1 always; bitflip block=100 page=1 byte=1030 bit=2 always; bitflip block=100 page=1 byte=1040 bit=3 always; bitflip block=100 page=1 byte=1050 bit=4 always; bitflip block=100 page=1 byte=1060 bit=5 always; bitflip block=101 page=0 byte=515 bit=0 always; bitflip block=101 page=0 byte=525 bit=1 always; bitflip block=101 page=0 byte=535 bit=2 always; bitflip block=101 page=0 byte=545 bit=3 always; bitflip block=101 page=0 byte=555 bit=4 always
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f4g,faults=@@WORK@/faults
. /fm/lib.sh

chip=micron-mt29f4g
mtd=$(wait_mtd "$chip") || bail "no MTD for $chip ($(cat /proc/mtd))"
dev=/dev/mtd$mtd
check "flashmodel-pci: the chip's own ECC, 4 bits per 512 bytes" \
  sh -c "dmesg | grep -q '$chip: .*, on-die ECC 4/512 (chip needs 4/512)'"
# What micron_nand_init() sets for on-die ECC of strength 4.
check_eq "ECC strength" 4 "$(mtd_attr "$mtd" ecc_strength)"
check_eq "ECC step" 512 "$(mtd_attr "$mtd" ecc_step_size)"
check_eq "Micron's layout: 6 free bytes in each 16-byte spare section" 24 "$(mtd_attr "$mtd" oobavail)"
check_eq "bit flip threshold (3/4 of 4)" 3 "$(mtd_attr "$mtd" bitflip_threshold)"

block=131072
check "erase blocks 100 and 101" flash_erase -q "$dev" $((100 * block)) 2
head -c $((2 * 2048)) /dev/urandom > /tmp/100.in
head -c 2048 /dev/urandom > /tmp/101.in
head -c 2048 /tmp/100.in > /tmp/100.0
tail -c 2048 /tmp/100.in > /tmp/100.1
head -c 512 /tmp/101.in > /tmp/101.s0
check "write 2 pages into block 100" nandwrite -q -s $((100 * block)) "$dev" /tmp/100.in
check "write a page into block 101" nandwrite -q -s $((101 * block)) "$dev" /tmp/101.in

# read_page BLOCK PAGE OUT: one page of data, one read of the chip.
read_page() {
  dd if="$dev" of="$3" bs=2048 skip=$(($1 * 64 + $2)) count=1 2>/dev/null
}
corrected() { mtd_attr "$mtd" corrected_bits; }
failed() { mtd_attr "$mtd" ecc_failures; }

c0=$(corrected); f0=$(failed)
check "read a page with 2 flips in sector 0" read_page 100 0 /tmp/out
check "its data comes back corrected" cmp /tmp/out /tmp/100.0
check_eq "corrected bits +2 (counted against the raw page)" $((c0 + 2)) "$(corrected)"

c0=$(corrected)
check "read a page with 4 flips in sector 2 (-EUCLEAN)" read_page 100 1 /tmp/out
check "its data comes back corrected" cmp /tmp/out /tmp/100.1
check_eq "corrected bits +4" $((c0 + 4)) "$(corrected)"
check_eq "no uncorrectable read so far" "$f0" "$(failed)"

c0=$(corrected); f0=$(failed)
read_page 101 0 /tmp/out
check_eq "a sector with 5 flips: the read fails (ecc_failures +1)" $((f0 + 1)) "$(failed)"
check_eq "and counts no corrected bits" "$c0" "$(corrected)"
head -c 512 /tmp/out > /tmp/out.s0
check "sector 0 comes back intact" cmp /tmp/out.s0 /tmp/101.s0
finish
