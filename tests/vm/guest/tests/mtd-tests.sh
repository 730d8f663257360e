# The kernel's MTD test modules (drivers/mtd/tests) against muse-chip
# serving micron-mt29f4g, on a 16 MiB partition (128 blocks) so that the
# whole-device tests stay short under TCG.
. /fm/lib.sh

start_muse nand --chip micron-mt29f4g --mtdparts "16M(tests),-(rest)" || bail "muse-chip did not start"
part=$(wait_mtd tests)
[ -n "$part" ] || bail "no partition 'tests'"
check_eq "the test partition has 128 blocks" 16777216 "$(mtd_attr "$part" size)"
check "erase the test partition" flash_erase -q "/dev/mtd$part" 0 0

run_mtd_test mtd_readtest "mtd_readtest: finished$" dev="$part"
run_mtd_test mtd_pagetest "finished with 0 errors" dev="$part"
run_mtd_test mtd_oobtest "finished with 0 errors" dev="$part"
run_mtd_test mtd_subpagetest "finished with 0 errors" dev="$part"
run_mtd_test mtd_stresstest "mtd_stresstest: finished" dev="$part" count=2000
run_mtd_test mtd_torturetest "mtd_torturetest: finished" dev="$part" eb=8 ebcnt=4 cycles_count=20

# mtd_nandbiterrs rewrites a page more often than the part's NOP allows,
# so this server lifts the limit (real parts do not report it).
check "muse-chip stops" stop_muse
start_muse biterrs --chip micron-mt29f4g --nop 0 || bail "muse-chip did not start"
run_nandbiterrs "$mtd"
check "muse-chip stops again" stop_muse
finish
