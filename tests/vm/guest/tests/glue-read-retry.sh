# DRAFT (not in tests/vm/meson.build yet; the integrator finishes it once
# the cell model and read retry are merged and their parameters agree):
# Linux 6.1's read retry loop (nand_do_read_ops: on -EBADMSG, the next
# retry level through the vendor's setup_read_retry, here nand_hynix.c's
# OTP table) recovering pages that aging made uncorrectable at the
# default read references, on QEMU's flashmodel-pci device:
#  - 'wear' gives every block the part's rated 3000 P/E cycles;
#  - the data is written fresh, and reads back at the default references;
#  - erasing trigger block 200 bakes the chip BAKE_HOURS ('age'), after
#    which the default references misread the pages beyond the ECC;
#  - reading them again: the data comes back intact, no -EBADMSG
#    (ecc_failures unchanged), corrected_bits grew, and the model's
#    statistics window (flashmodel-pci/<chip>/stats) counts the reads at a
#    retry level (read_retry_reads) and the level each sequence ended at
#    (read_retry_ended_at_<level>).
# TO FINISH: BAKE_HOURS such that the default references fail and a level
# of the part's table succeeds (flashmodel vt shows both for a block with
# 'wear' and 'age' applied: at 3000 cycles + 100 h the upper pages need
# R1/R3 about -285/-255 mV, beyond the table's -20/-100/-125 mV); and the
# same pages on a part without [read-retry] (a second device) must stay
# uncorrectable.
#glue-file: faults wear block=any cycles=3000; age hours=100 on-erase=200
#glue-qemu: -device flashmodel-pci,chip=hynix-h27ucg8t2etr,faults=@@WORK@/faults
. /fm/lib.sh

chip=hynix-h27ucg8t2etr
mtd=$(wait_mtd "$chip") || bail "no MTD for $chip ($(cat /proc/mtd))"
dev=/dev/mtd$mtd
page=$(mtd_attr "$mtd" writesize)
block=$(mtd_attr "$mtd" erasesize)
pages=8
mount | grep -q ' /sys/kernel/debug ' || mount -t debugfs none /sys/kernel/debug
stats=/sys/kernel/debug/flashmodel-pci/$chip/stats
stat() { sed -n "s/^$1 //p" "$stats"; }
# retry_sequences: sequences that ended at a level above 0.
retry_sequences() { awk '/^read_retry_ended_at_/ && $1 != "read_retry_ended_at_0" { n += $2 } END { print n + 0 }' "$stats"; }
erase_ok() { ! flash_erase "$dev" $(($1 * block)) 1 2>&1 | grep -q "Erase failure"; }

check "a stats file for $chip" test -r "$stats"
diag "$(dmesg | grep -i -E 'hynix|retry|nand:|flashmodel' | head -n 20)"
check "nand_hynix.c did not fail to set up read retry" sh -c "! dmesg | grep -qi 'failed to initialize read-retry'"
check "erase block 100" erase_ok 100
head -c $((pages * page)) /dev/urandom > /tmp/data
check "write $pages pages" nandwrite -q -s $((100 * block)) "$dev" /tmp/data
check "they read back fresh" sh -c "dd if=$dev bs=$page skip=$((100 * block / page)) count=$pages 2>/dev/null | cmp - /tmp/data"

check "erase block 200: the bake" erase_ok 200
f0=$(mtd_attr "$mtd" ecc_failures); c0=$(mtd_attr "$mtd" corrected_bits)
r0=$(stat read_retry_reads); s0=$(retry_sequences)
check "after the bake the pages still read back intact" \
  sh -c "dd if=$dev bs=$page skip=$((100 * block / page)) count=$pages 2>/dev/null | cmp - /tmp/data"
check_eq "no uncorrectable read reached the reader" "$f0" "$(mtd_attr "$mtd" ecc_failures)"
check_ge "the ECC corrected bits" $((c0 + 1)) "$(mtd_attr "$mtd" corrected_bits)"
check_ge "the model saw reads at a retry level" $((r0 + 1)) "$(stat read_retry_reads)"
check_ge "and retry sequences that ended above level 0" $((s0 + 1)) "$(retry_sequences)"
diag "$(grep '^read_retry' "$stats")"
finish
