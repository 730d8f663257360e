# The chip model's statistics window on QEMU's flashmodel-pci device, as
# flashmodel-pci.ko shows it in debugfs (flashmodel-pci/<chip>/stats, one
# "name value" a line): the counters follow what Linux did (an erase, a
# page program, a page read each count once, with the chip's typical busy
# time), each device has its own (a second device of the same chip is
# <chip>@<PCI address>), and the aging fault rules act when Linux erases:
# 'wear' gave block 300 ten times its rated cycles, so its first erase
# wears it out; 'age' bakes the chip 2 hours when block 201 is erased,
# which takes it into a read-only window that starts at 1 hour of chip
# time, so erases fail from then on.
#glue-file: faults wear block=300 cycles=1000000; age hours=2 on-erase=201; read-only from-us=3600000000
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f4g,faults=@@WORK@/faults
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f4g
. /fm/lib.sh

chip=micron-mt29f4g
mtd=$(wait_mtd "$chip") || bail "no MTD for $chip ($(cat /proc/mtd))"
dev=/dev/mtd$mtd
block=131072
mount | grep -q ' /sys/kernel/debug ' || mount -t debugfs none /sys/kernel/debug
root=/sys/kernel/debug/flashmodel-pci

# The MTD Linux found first is the first device's, with the faults.
stats=$root/$chip/stats
check "a stats file for $chip" test -r "$stats"
other=$(ls -d "$root/$chip"@* 2>/dev/null | head -n 1)
check "the second $chip is $chip@<PCI address>" test -r "$other/stats"
check "every line is 'name value'" sh -c "! grep -vE '^[a-z0-9_]+ [0-9]+\$' '$stats'"
for name in page_reads page_programs block_erases erase_failures erase_busy_ns ecc_failed \
    read_retry_reads read_retry_ended_at_1 read_retry_ended_at_15; do
  check "counter $name" grep -q "^$name " "$stats"
done

# stat NAME [FILE]: the counter's value now.
stat() { sed -n "s/^$1 //p" "${2:-$stats}"; }
# erase_fails BLOCK: flash_erase reports the erase of BLOCK failed (its
# exit status does not say).
erase_fails() { flash_erase "$dev" $(($1 * block)) 1 2>&1 | grep -q "Erase failure"; }
erase_ok() { ! erase_fails "$1"; }

e=$(stat block_erases); busy=$(stat erase_busy_ns); r=$(stat page_reads)
p=$(stat page_programs); other_e=$(stat block_erases "$other/stats")
check "erase block 100" erase_ok 100
check_eq "block_erases +1" $((e + 1)) "$(stat block_erases)"
check_eq "erase_busy_ns + tBERS (700 us)" $((busy + 700000)) "$(stat erase_busy_ns)"
head -c 2048 /dev/urandom > /tmp/page
check "program a page" nandwrite -q -s $((100 * block)) "$dev" /tmp/page
check_eq "page_programs +1" $((p + 1)) "$(stat page_programs)"
r=$(stat page_reads)
check "read it back" sh -c "dd if=$dev bs=2048 skip=$((100 * 64)) count=1 2>/dev/null | cmp - /tmp/page"
check_eq "page_reads +1" $((r + 1)) "$(stat page_reads)"
check_eq "the other device counted none of it" "$other_e" "$(stat block_erases "$other/stats")"

# wear: block 300 has lived 10 x its rated cycles.
f=$(stat erase_failures)
check "erasing the worn block 300 fails" erase_fails 300
check_eq "erase_failures +1" $((f + 1)) "$(stat erase_failures)"

# age: block 201's erase bakes the chip into the read-only window.
check "erase block 202 before the bake" erase_ok 202
check "erase block 201: the bake" erase_ok 201
# (Linux sees WP# in the status and sends no erase: the model counts none.)
check "after it, erasing block 202 fails (read-only from 1 h of chip time)" erase_fails 202
finish
