# A Toshiba BENAND part (TC58BVG0S3HTA00) on QEMU's flashmodel-pci device:
# the driver's ecc=auto chooses the chip's own ECC, and Linux's
# nand_toshiba.c runs its BENAND path (toshiba_nand_benand_init(): ECC
# 8/512 with no ECC bytes, the whole OOB but the marker free, reads
# followed by ECC STATUS READ 7Ah). Bit flips the device's fault rules
# put in pages are corrected by the chip; the MTD's ECC statistics count
# exactly what 7Ah reported per sector (the status register fallback
# would count the bit flip threshold, 6, for any correction), and a
# sector with 9 flips is uncorrectable: the read fails with -EBADMSG,
# which the MTD counts in ecc_failures (mtdchar still returns the data).
#glue-file: faults bitflip block=100 page=0 byte=517 bit=0 always; bitflip block=100 page=0 byte=612 bit=3 always; bitflip block=100 page=0 byte=2071 bit=5 always; bitflip block=100 page=1 byte=1539 bit=0 always; bitflip block=100 page=1 byte=1549 bit=1 always; bitflip block=100 page=1 byte=1559 bit=2 always; bitflip block=100 page=1 byte=1569 bit=3 always; bitflip block=100 page=1 byte=1579 bit=4 always; bitflip block=100 page=1 byte=1589 bit=5 always; bitflip block=100 page=1 byte=1599 bit=6 always; bitflip block=100 page=1 byte=1609 bit=7 always; bitflip block=101 page=0 byte=3 bit=0 always; bitflip block=101 page=0 byte=13 bit=1 always; bitflip block=101 page=0 byte=23 bit=2 always; bitflip block=101 page=0 byte=33 bit=3 always; bitflip block=101 page=0 byte=43 bit=4 always; bitflip block=101 page=0 byte=53 bit=5 always; bitflip block=101 page=0 byte=63 bit=6 always; bitflip block=101 page=0 byte=73 bit=7 always; bitflip block=101 page=0 byte=83 bit=0 always
#glue-qemu: -device flashmodel-pci,chip=toshiba-tc58bvg0s3hta00,faults=@@WORK@/faults
. /fm/lib.sh

chip=toshiba-tc58bvg0s3hta00
mtd=$(wait_mtd "$chip") || bail "no MTD for $chip ($(cat /proc/mtd))"
dev=/dev/mtd$mtd
check "flashmodel-pci chose the chip's ECC, 8 bits per 512 bytes" \
  sh -c "dmesg | grep -q '$chip: NAND, 128 MiB, x8, 2048+64-byte pages, 128 KiB blocks, on-die ECC 8/512 (chip needs 8/512)'"
# What toshiba_nand_benand_init() sets (nand_base refuses on-die ECC
# that no vendor code set up).
check_eq "ECC strength" 8 "$(mtd_attr "$mtd" ecc_strength)"
check_eq "ECC step" 512 "$(mtd_attr "$mtd" ecc_step_size)"
check_eq "every OOB byte but the marker's is the user's (ecc.bytes = 0)" 62 "$(mtd_attr "$mtd" oobavail)"
check_eq "bit flip threshold (3/4 of 8)" 6 "$(mtd_attr "$mtd" bitflip_threshold)"
check_eq "512-byte sub-pages (4 ECC steps, SLC)" 512 "$(mtd_attr "$mtd" subpagesize)"

block=131072
check "erase blocks 100 and 101" flash_erase -q "$dev" $((100 * block)) 2

# page FILE: a page of random data and its OOB, the marker bytes FFh.
page() {
  head -c 2048 /dev/urandom > "$1.data"
  { printf '\377\377'; head -c 62 /dev/urandom; } > "$1.oob"
  cat "$1.data" "$1.oob" > "$1"
}
for p in 100.0 100.1 100.2 101.0; do page "/tmp/$p"; done
cat /tmp/100.0 /tmp/100.1 /tmp/100.2 > /tmp/100.in
check "write 3 pages with their OOB into block 100" nandwrite -q -o -s $((100 * block)) "$dev" /tmp/100.in
check "write a page with its OOB into block 101" nandwrite -q -o -s $((101 * block)) "$dev" /tmp/101.0

# read_page BLOCK PAGE OUT: one page of data, one read of the chip.
read_page() {
  dd if="$dev" of="$3" bs=2048 skip=$(($1 * 64 + $2)) count=1 2>/dev/null
}
corrected() { mtd_attr "$mtd" corrected_bits; }
failed() { mtd_attr "$mtd" ecc_failures; }

c0=$(corrected); f0=$(failed)
check "read a clean page" read_page 100 2 /tmp/out
check "its data round trips" cmp /tmp/out /tmp/100.2.data
check_eq "a clean page corrects nothing" "$c0" "$(corrected)"

c0=$(corrected)
check "read a page with 3 flips in sector 1" read_page 100 0 /tmp/out
check "its data comes back corrected" cmp /tmp/out /tmp/100.0.data
check_eq "corrected bits +3 (what 7Ah reported for sector 1)" $((c0 + 3)) "$(corrected)"

c0=$(corrected)
check "read a page with 8 flips in sector 3 (-EUCLEAN)" read_page 100 1 /tmp/out
check "its data comes back corrected" cmp /tmp/out /tmp/100.1.data
check_eq "corrected bits +8" $((c0 + 8)) "$(corrected)"
check_eq "no uncorrectable read so far" "$f0" "$(failed)"

# The OOB the user wrote, whole, through the chip's corrected read (one
# of its flipped bits is in sector 1's spare section).
check "dump page 0 of block 100 with its OOB" \
  nanddump -q -o -s $((100 * block)) -l 2048 -f /tmp/dump "$dev"
check "data and OOB round trip" cmp /tmp/dump /tmp/100.0

c0=$(corrected); f0=$(failed)
read_page 101 0 /tmp/out
check_eq "a sector with 9 flips: the read fails (ecc_failures +1)" $((f0 + 1)) "$(failed)"
check_eq "and corrects nothing" "$c0" "$(corrected)"
tail -c +513 /tmp/out > /tmp/out.rest
tail -c +513 /tmp/101.0.data > /tmp/in.rest
check "the other sectors come back intact" cmp /tmp/out.rest /tmp/in.rest
check "the bad sector comes back as read, with its flips" sh -c "! cmp -s /tmp/out /tmp/101.0.data"
finish
