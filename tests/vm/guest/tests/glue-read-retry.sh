# Read retry on QEMU's flashmodel-pci device, as Linux 6.1's vendor files
# drive it: nand_micron.c (SET FEATURES 89h, the mode count from the ONFI
# parameter page's Micron block), nand_hynix.c (the 1x nm MLC's retry
# table read from OTP, then its registers written through 36h/16h) and
# nand_macronix.c (the ONFI "reliability function" bit, SET FEATURES 89h).
#
# The chips read through flashmodel's threshold-voltage cell model. Every
# block has lived thousands of P/E cycles ('wear'), and erasing a chip's last
# block bakes it ('age': retention, which moves the programmed states'
# threshold voltages down). A block written before the bake reads clean;
# after it, its pages are beyond the ECC at the default read references
# and nand_do_read_ops() retries with the vendor's levels: the data come
# back intact, the MTD's corrected-bit count grows, no read fails, and the
# chip's statistics (flashmodel-pci.ko's debugfs window) count the reads
# at a shifted level and the level each retry sequence ended at. A UBI
# volume (on the SLC part: UBI refuses MLC) written before the bake
# attaches and reads back after it: no -EBADMSG reaches UBI.
#
# The control is the Micron part again with read-retry=off on the device:
# the same part as a descriptor without [read-retry] (no retry modes in
# the parameter page), the same wear and bake: the same pages are then
# uncorrectable.
#glue-file: faults-micron wear block=any cycles=1500; age hours=68 celsius=85 on-erase=1023
#glue-file: faults-hynix wear block=any cycles=1000; age hours=43800 on-erase=2047
#glue-file: faults-mx wear block=any cycles=90000; age hours=43800 on-erase=2047
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f32g08cbada,faults=@@WORK@/faults-micron
#glue-qemu: -device flashmodel-pci,chip=hynix-h27ucg8t2etr,faults=@@WORK@/faults-hynix
#glue-qemu: -device flashmodel-pci,chip=macronix-mx30lf2g28ad,faults=@@WORK@/faults-mx
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f32g08cbada,faults=@@WORK@/faults-micron,read-retry=off
. /fm/lib.sh

mount | grep -q ' /sys/kernel/debug ' || mount -t debugfs none /sys/kernel/debug
dbg=/sys/kernel/debug/flashmodel-pci

# stat FILE NAME: a counter of the chip's statistics window.
stat() { sed -n "s/^$2 //p" "$1"; }
# retry_ended FILE: how many retry sequences ended at a level above 0.
retry_ended() { sed -n 's/^read_retry_ended_at_\([0-9]*\) \([0-9]*\)$/\1 \2/p' "$1" | awk '$1 > 0 { n += $2 } END { print n + 0 }'; }

# The MTDs: the two Micron devices have the same name; Linux finds them in
# the order of the command line.
micron=$(mtd_number micron-mt29f32g08cbada)
control=$(sed -n 's/^mtd\([0-9]*\): [0-9a-f]* [0-9a-f]* "micron-mt29f32g08cbada"$/\1/p' /proc/mtd | sed -n 2p)
hynix=$(wait_mtd hynix-h27ucg8t2etr)
mx=$(wait_mtd macronix-mx30lf2g28ad)
[ -n "$micron" ] && [ -n "$control" ] && [ -n "$hynix" ] && [ -n "$mx" ] ||
  bail "not every chip has its MTD ($(cat /proc/mtd))"

# What Linux's vendor code found.
check "nand_hynix.c read the retry table from OTP (no 'failed to initialize read-retry')" \
  sh -c "! dmesg | grep -q 'failed to initialize read-retry'"

# fill MTD BLOCK FILE: erases BLOCK and writes FILE (one block of random
# data) to it, then checks it reads back.
fill() {
  local dev=/dev/mtd$1 bs
  bs=$(mtd_attr "$1" erasesize)
  head -c "$bs" /dev/urandom > "$3"
  flash_erase -q "$dev" $(($2 * bs)) 1 && nandwrite -q -s $(($2 * bs)) "$dev" "$3" &&
    dd if="$dev" bs="$bs" skip="$2" count=1 2>/dev/null | cmp -s - "$3"
}
# readback MTD BLOCK FILE: reads BLOCK through nand_do_read_ops() and
# compares it with FILE.
readback() {
  local bs
  bs=$(mtd_attr "$1" erasesize)
  dd if="/dev/mtd$1" bs="$bs" skip="$2" count=1 2>/dev/null | cmp -s - "$3"
}
readback_fails() { ! readback "$@"; }
# bake MTD: erases the chip's last block, the 'age' trigger.
bake() {
  local bs size
  bs=$(mtd_attr "$1" erasesize) size=$(mtd_attr "$1" size)
  flash_erase -q "/dev/mtd$1" $((size - bs)) 1
}

# case LABEL MTD STATS BLOCK: a block written before the bake reads back
# intact after it, through Linux's retry loop.
retry_case() {
  local label=$1 mtd=$2 stats=$3 block=$4 c0 f0 r0 e0
  check "$label: block $block written, reads back before the bake" fill "$mtd" "$block" "/tmp/$label.data"
  c0=$(mtd_attr "$mtd" corrected_bits) f0=$(mtd_attr "$mtd" ecc_failures)
  r0=$(stat "$stats" read_retry_reads) e0=$(retry_ended "$stats")
  check_eq "$label: no read needed a retry before the bake" 0 "$r0"
  check "$label: bake (erase the trigger block)" bake "$mtd"
  check "$label: block $block reads back intact after the bake" readback "$mtd" "$block" "/tmp/$label.data"
  check_eq "$label: no uncorrectable read (ecc_failures)" "$f0" "$(mtd_attr "$mtd" ecc_failures)"
  check_ge "$label: the ECC corrected more bits" $((c0 + 1)) "$(mtd_attr "$mtd" corrected_bits)"
  check_ge "$label: the chip served reads at a shifted level" 1 "$(stat "$stats" read_retry_reads)"
  check_ge "$label: retry sequences ended at a level above 0" $((e0 + 1)) "$(retry_ended "$stats")"
  diag "$label: corrected bits $c0 -> $(mtd_attr "$mtd" corrected_bits)," \
    "reads at a shifted level $(stat "$stats" read_retry_reads), sequences ended at:" \
    "$(sed -n 's/^read_retry_ended_at_\([0-9]*\) \([1-9][0-9]*\)$/level \1: \2/p' "$stats" | tr '\n' ' ')"
}

retry_case micron "$micron" "$dbg/micron-mt29f32g08cbada/stats" 40

# nand_hynix.c: Linux 6.1 (and 6.12) store every register value of a
# retry mode at the mode's first slot (hynix_mlc_1xnm_rr_init(): "val =
# rr->values + (i * nregs)" lacks "+ j"), so the modes it applies are the
# last register's value in the first register and zeros: with the model's
# table, the default references. The built kernel carries the fix
# (tests/vm/kernel-patches/); on the stock kernels the retry loop runs
# through every mode and the pages stay uncorrectable.
if [ "$fm_kernel" = built ]; then
  retry_case hynix "$hynix" "$dbg/hynix-h27ucg8t2etr/stats" 40
else
  hstats=$dbg/hynix-h27ucg8t2etr/stats
  check "hynix: block 40 written, reads back before the bake" fill "$hynix" 40 /tmp/hynix.data
  f0=$(mtd_attr "$hynix" ecc_failures) r0=$(stat "$hstats" page_reads)
  check "hynix: bake" bake "$hynix"
  check "hynix ($fm_kernel, nand_hynix.c's table bug): block 40 stays uncorrectable" \
    readback_fails "$hynix" 40 /tmp/hynix.data
  check_ge "hynix: uncorrectable reads (ecc_failures)" $((f0 + 1)) "$(mtd_attr "$hynix" ecc_failures)"
  # 256 pages, each read once per mode (6) when every mode fails.
  check_ge "hynix: Linux's retry loop ran (6 reads of each failing page)" $((r0 + 6 * 128)) \
    "$(stat "$hstats" page_reads)"
  check_eq "hynix: no mode Linux applied shifted the references" 0 "$(stat "$hstats" read_retry_reads)"
fi
# The Macronix part (SLC: UBI refuses MLC NAND) also carries a UBI volume
# on blocks 72-95, written before the bake and read after it through UBI.
# (With seed 1, 262 of its blocks have erase lifetimes below the 90000
# cycles of 'wear'; blocks 70-99 are none of them.) UBI reserves PEBs for
# bad blocks per 1024 of the whole chip: -b 1 leaves room for a volume.
check "a 3 MiB partition for UBI on the Macronix part" \
  partition_mtd macronix-mx30lf2g28ad skip:9 ubi:3
ubi=$(wait_mtd ubi) || bail "no UBI partition ($(cat /proc/mtd))"
check "ubiformat" ubiformat -q -y "/dev/mtd$ubi"
check "ubiattach" ubiattach -m "$ubi" -d 0 -b 1
check "ubimkvol" ubimkvol /dev/ubi0 -N data -s 1MiB
head -c 1048576 /dev/urandom > /tmp/ubi.data
check "write 1 MiB to the volume" ubiupdatevol /dev/ubi0_0 /tmp/ubi.data
check "ubidetach" ubidetach -d 0

retry_case macronix "$mx" "$dbg/macronix-mx30lf2g28ad/stats" 40
check "UBI attaches after the bake" ubiattach -m "$ubi" -d 0 -b 1
check "the volume reads back intact" sh -c "head -c 1048576 /dev/ubi0_0 | cmp -s - /tmp/ubi.data"
check "no -EBADMSG reached UBI (no 'ubi0 error', no error -74)" sh -c "! dmesg | grep -E 'ubi[0-9]* error|error -74'"
check "ubidetach" ubidetach -d 0

# The control: the same Micron part without read retry.
cstats=$(ls -d "$dbg"/micron-mt29f32g08cbada@* | head -n 1)/stats
check "control: block 40 written, reads back before the bake" fill "$control" 40 /tmp/control.data
f0=$(mtd_attr "$control" ecc_failures)
check "control: bake" bake "$control"
check "control: without read retry block 40 does not read back" readback_fails "$control" 40 /tmp/control.data
check_ge "control: uncorrectable reads (ecc_failures)" $((f0 + 1)) "$(mtd_attr "$control" ecc_failures)"
check_eq "control: the chip served no read at a shifted level" 0 "$(stat "$cstats" read_retry_reads)"
finish
