# muse-chip serving micron-mt29f4g: the MTD's geometry, and data and OOB
# round trips through mtd-utils (flash_erase, nandwrite, nanddump,
# mtd_debug), with ECC and raw.
. /fm/lib.sh

start_muse nand --chip micron-mt29f4g || bail "muse-chip did not start"
pass "muse-chip registered mtd$mtd"

check_eq "size is 4 Gbit" 536870912 "$(mtd_attr "$mtd" size)"
check_eq "erase size is 64 pages of 2 KiB" 131072 "$(mtd_attr "$mtd" erasesize)"
check_eq "write size is 2 KiB" 2048 "$(mtd_attr "$mtd" writesize)"
check_eq "OOB size is 64" 64 "$(mtd_attr "$mtd" oobsize)"
check_eq "type is NAND" nand "$(mtd_attr "$mtd" type)"
check_eq "ECC strength is the ONFI requirement, 4 bits" 4 "$(mtd_attr "$mtd" ecc_strength)"
check_eq "ECC step is 512 bytes" 512 "$(mtd_attr "$mtd" ecc_step_size)"
check "mtdinfo describes it" sh -c "mtdinfo /dev/mtd$mtd | grep -q 'Amount of eraseblocks: *4096'"

dev=/dev/mtd$mtd
# Two blocks (128 pages) of random data, at blocks 10 and 11.
dd if=/dev/urandom of=/tmp/data bs=2048 count=128 2>/dev/null
check "flash_erase blocks 10-11" flash_erase -q "$dev" $((10 * 131072)) 2
check "nandwrite (ECC on)" nandwrite -q -s $((10 * 131072)) "$dev" /tmp/data
check "nanddump (ECC on)" nanddump -q -s $((10 * 131072)) -l $((2 * 131072)) -f /tmp/back "$dev"
check "data read back equals data written" cmp /tmp/data /tmp/back

# Raw pages with OOB: 2048 + 64 bytes each; bytes 0-1 of the spare area
# stay 0xFF, else the blocks would read as marked bad.
dd if=/dev/urandom of=/tmp/raw bs=2112 count=128 2>/dev/null
for p in $(seq 0 127); do
  printf '\377\377' | dd of=/tmp/raw bs=1 seek=$((p * 2112 + 2048)) conv=notrunc 2>/dev/null
done
check "flash_erase blocks 20-21" flash_erase -q "$dev" $((20 * 131072)) 2
check "nandwrite --noecc --oob" nandwrite -q -n -o -s $((20 * 131072)) "$dev" /tmp/raw
check "nanddump --noecc --oob" nanddump -q -n -o -s $((20 * 131072)) -l $((2 * 131072)) -f /tmp/rawback "$dev"
check "data and OOB read back raw equal what was written" cmp /tmp/raw /tmp/rawback

# A write with ECC stores ECC bytes in the spare area: raw OOB is no
# longer all 0xFF there, and the data read with ECC is still the data.
check "nanddump --oob of the ECC-written block" nanddump -q -o -s $((10 * 131072)) -l 2048 -f /tmp/withoob "$dev"
ecc_bytes=$(dd if=/tmp/withoob bs=1 skip=$((2048 + 36)) count=28 2>/dev/null | od -An -tx1 | tr -d ' \n')
if [ "$ecc_bytes" != "$(printf 'ff%.0s' $(seq 1 28))" ]; then
  pass "ECC bytes are stored at the end of the spare area"
else
  fail "ECC bytes are stored at the end of the spare area"
fi

# mtd_debug: erase, write, read through the plain MTD interface.
dd if=/dev/urandom of=/tmp/small bs=2048 count=3 2>/dev/null
check "mtd_debug erase" mtd_debug erase "$dev" $((30 * 131072)) 131072
check "mtd_debug write" mtd_debug write "$dev" $((30 * 131072)) 6144 /tmp/small
check "mtd_debug read" mtd_debug read "$dev" $((30 * 131072)) 6144 /tmp/smallback
check "mtd_debug round trip" cmp /tmp/small /tmp/smallback
check "mtd_debug info" sh -c "mtd_debug info $dev | grep -q 'mtd.type = MTD_NANDFLASH'"

# A bad block query that mtd-utils makes for every block.
check "erased blocks are not bad" sh -c "! nanddump -q -s 0 -l 131072 -f /dev/null $dev 2>&1 | grep -qi bad"

check "muse-chip stops cleanly on SIGTERM" stop_muse
# The kernel removes the MTD once the server's connection has closed.
mtd_gone() { [ -z "$(mtd_number nand)" ]; }
wait_until 10 mtd_gone
check_eq "the MTD is gone with the server" "" "$(mtd_number nand)"

# The chip's own ECC (--ecc on-die): Micron's spare layout leaves 24 free
# OOB bytes, and flips the chip corrects reach the kernel's statistics.
start_muse ondie --chip micron-mt29f4g --ecc on-die \
  --faults "bitflip block=40 page=1 byte=10 bit=1 always; bitflip block=40 page=1 byte=20 bit=5 always" \
  || bail "muse-chip --ecc on-die did not start"
check_eq "on-die ECC: strength 4" 4 "$(mtd_attr "$mtd" ecc_strength)"
check_eq "on-die ECC: 24 free OOB bytes" 24 "$(mtd_attr "$mtd" oobavail)"
check "on-die ECC: flash_erase" flash_erase -q "/dev/mtd$mtd" $((40 * 131072)) 1
check "on-die ECC: nandwrite" nandwrite -q -s $((40 * 131072)) "/dev/mtd$mtd" /tmp/data
check "on-die ECC: nanddump" nanddump -q -s $((40 * 131072)) -l 131072 -f /tmp/ondie "/dev/mtd$mtd"
check "on-die ECC: data read back equals data written" cmp -n 131072 /tmp/data /tmp/ondie
check_ge "on-die ECC: the chip's corrections are counted" 2 "$(mtd_attr "$mtd" corrected_bits)"
check "on-die ECC: muse-chip stops" stop_muse
finish
