# Bit flips injected with --faults reach the kernel as corrected bit
# flips: the MTD's ECC statistics count them, UBI sees -EUCLEAN and
# scrubs the block, and the data stays intact.
. /fm/lib.sh

img=/tmp/nand.img
ubi_up() {
  ubiattach -m "$part" -d 0 -b 1 && mount -t ubifs ubi0:data /mnt/ubifs
}
ubi_down() {
  umount /mnt/ubifs && ubidetach -d 0
}

# The block of UBI volume 0's LEB 0 (UBIFS's superblock, read at every
# mount): its VID header (in the sub-page after the EC header's) reads
# "UBI!", vol_id 0, lnum 0.
find_leb0() {
  local b vid
  for b in $(seq 0 63); do
    vid=$(dd if="/dev/mtd$part" bs="$sp" skip=$((b * 131072 / sp + 1)) count=1 2>/dev/null |
          head -c 16 | od -An -tx1 | tr -d ' \n')
    case "$vid" in 55424921????????0000000000000000) echo "$b"; return ;; esac
  done
}

# An 8 MiB UBI partition: small enough to scan for UBIFS's first LEB.
start_muse nand --chip micron-mt29f4g --image "$img" --mtdparts "8M(ubi),-(rest)" \
  || bail "muse-chip did not start"
part=$(wait_mtd ubi)
sp=$(mtd_attr "$part" subpagesize)
mkdir -p /mnt/ubifs
check "ubiformat" ubiformat -q -y "/dev/mtd$part"
check "ubiattach" ubiattach -m "$part" -d 0 -b 1
check "ubimkvol" ubimkvol /dev/ubi0 -N data -m
check "mount UBIFS" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS"
dd if=/dev/urandom of=/mnt/ubifs/file bs=4096 count=100 2>/dev/null
md5sum /mnt/ubifs/file > /tmp/sum
check "unmount and detach" ubi_down
target=$(find_leb0)
# The LEB's data starts at the page after the VID header's: page 1 when
# the chip is written in sub-pages (the headers share page 0), else 2.
data_page=$(( sp < $(mtd_attr "$part" writesize) ? 1 : 2 ))
check "muse-chip stops" stop_muse
[ -n "$target" ] || bail "no block holds LEB 0 of the UBIFS volume"
pass "LEB 0 of the volume is in block $target"

# Three flips in the first ECC step of the LEB's first data page: BCH-4
# corrects them, and 3 reaches the bit flip threshold (3/4 of 4).
faults="bitflip block=$target page=$data_page byte=0 bit=0 always; bitflip block=$target page=$data_page byte=1 bit=3 always; bitflip block=$target page=$data_page byte=2 bit=7 always"
start_muse nand --chip micron-mt29f4g --image "$img" --mtdparts "8M(ubi),-(rest)" --faults "$faults" \
  || bail "muse-chip did not restart"
part=$(wait_mtd ubi)
dmesg -c > /dev/null
check "attach and mount with bit flips" ubi_up
check "the file is intact" md5sum -c -s /tmp/sum
# UBI's background thread does the scrubbing, in its own time. A kernel
# with CONFIG_MTD_UBI_FASTMAP (the test kernel's) takes the scrub's new
# PEB from its wear-leveling pool, empty right after an attach without a
# fastmap: the worker gives up, the pool is refilled, and the scrub then
# waits for the next erase to wake wear-leveling again. A sync gives one
# (UBIFS commits and unmaps its old log LEBs).
scrubbed() { dmesg | grep -q "scrubbed PEB $target"; }
if ! wait_until 10 scrubbed; then
  diag "no scrub yet: waking UBI's wear-leveling with an erase"
  echo nudge > /mnt/ubifs/nudge && sync
  wait_until 60 scrubbed
fi
log=$(dmesg)
# The partition's: the master is no MTD of its own on every kernel (see
# start_muse), and the kernel adds a read's statistics to its partition.
corrected=$(mtd_attr "$part" corrected_bits)
check_ge "the partition's ECC statistics count the corrected bits" 3 "$corrected"
check_eq "no uncorrectable reads" 0 "$(mtd_attr "$part" ecc_failures)"
check "UBI saw the bit flips in block $target" sh -c "printf '%s\n' \"\$1\" | grep -q 'fixable bit-flip detected at PEB $target'" - "$log"
check "UBI scrubbed block $target" sh -c "printf '%s\n' \"\$1\" | grep -q 'scrubbed PEB $target'" - "$log"
check "unmount and detach" ubi_down
check "muse-chip stops" stop_muse
check "muse-chip reports the faults that fired" grep -q "fired [1-9]" /tmp/muse-nand.log
finish
