# Power cuts under UBIFS: format a 32 MiB UBI partition of micron-mt29f4g
# and put files on it (the base); record a UBIFS workload (writes with
# fsync, rewrites, deletes) with muse-chip --record; then cut power at 200
# of its programs and erases, torn, with flashmodel powercut-campaign, and
# at each cut serve the image, attach UBI and mount UBIFS: every cut must
# mount, with the files from before the workload intact. Then a live power
# cut in the middle of the workload (--faults powercut@op=N): muse-chip
# stops, and the image it leaves mounts too.
. /fm/lib.sh

parts="32M(ubi),-(rest)"
base=/tmp/base.img img=/tmp/nand.img journal=/tmp/run.journal
mkdir -p /mnt/ubifs

ubi_up() {
  ubiattach -m "$(wait_mtd ubi)" -d 0 > /dev/null && mount -t ubifs ubi0:data /mnt/ubifs
}
ubi_down() { umount /mnt/ubifs && ubidetach -d 0; }

# The workload: files written and synced one by one, some rewritten,
# some deleted, a directory moved; about 12 MiB through UBIFS.
workload() {
  mkdir -p /mnt/ubifs/work
  for i in $(seq 1 40); do
    dd if=/dev/urandom of="/mnt/ubifs/work/f$i" bs=4096 count=$((i % 7 * 16 + 8)) conv=fsync 2>/dev/null || return 1
    case $((i % 5)) in
      0) dd if=/dev/urandom of="/mnt/ubifs/work/f$((i - 3))" bs=4096 count=40 conv=fsync 2>/dev/null ;;
      3) rm -f "/mnt/ubifs/work/f$((i - 2))" && sync ;;
    esac
  done
  mkdir -p /mnt/ubifs/moved && mv /mnt/ubifs/work/f1* /mnt/ubifs/moved/ && sync
}

check "create the chip" flashmodel create --chip micron-mt29f4g "$img"
start_muse nand --chip micron-mt29f4g --image "$img" --mtdparts "$parts" || bail "muse-chip did not start"
check "ubiformat" ubiformat -q -y "/dev/mtd$(wait_mtd ubi)"
check "ubiattach" ubiattach -m "$(wait_mtd ubi)" -d 0
check "ubimkvol" ubimkvol /dev/ubi0 -N data -m
check "mount UBIFS" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS"
mkdir -p /mnt/ubifs/stable
for i in $(seq 1 12); do
  dd if=/dev/urandom of="/mnt/ubifs/stable/s$i" bs=1024 count=$((i * 11)) 2>/dev/null
done
sync
(cd /mnt/ubifs && md5sum stable/*) > /tmp/stable.sums
check "unmount and detach" ubi_down
check "muse-chip stops" stop_muse
cp "$img" "$base"

start_muse nand --chip micron-mt29f4g --image "$img" --mtdparts "$parts" --record "$journal" \
  || bail "muse-chip --record did not start"
check "attach and mount for the workload" ubi_up || bail "no UBIFS for the workload"
check "the workload runs" workload
check "unmount and detach after the workload" ubi_down
check "muse-chip stops and closes the journal" stop_muse
check "the journal is complete" flashmodel journal "$journal"
diag "$(cat /tmp/check.out)"
ops=$(sed -n 's/^operations: *\([0-9]*\) .*/\1/p' /tmp/check.out)

flashmodel powercut-campaign --journal "$journal" --base "$base" --sample 200 --seed 1 --cut torn \
  --check "/fm/bin/check-cut-ubifs {} /tmp/stable.sums" > /tmp/campaign.tap 2>&1
status=$?
grep -E "^#|^not ok" /tmp/campaign.tap | head -n 60 | sed 's/^#* *//' | while read -r line; do diag "$line"; done
check_eq "the campaign ran 200 torn cuts" 200 "$(grep -c -E '^(not )?ok [0-9]+ - operation [0-9]+ torn' /tmp/campaign.tap)"
check_eq "every cut image attaches, mounts and has the files" 0 "$status"
# The torn pages reached the kernel: some cuts left pages its ECC could
# not correct, which UBI and UBIFS had to cope with.
check_ge "cut images with uncorrectable reads" 1 "$(awk '$1 > 0' /tmp/cut-ecc.log | wc -l)"
diag "cut images with corrected bit flips: $(awk '$2 > 0' /tmp/cut-ecc.log | wc -l) of $(wc -l < /tmp/cut-ecc.log)"
# And the check can fail: with a wrong checksum list, every cut fails.
sed 's/^./0/' /tmp/stable.sums > /tmp/wrong.sums
flashmodel powercut-campaign --journal "$journal" --base "$base" --sample 3 --cut torn \
  --check "/fm/bin/check-cut-ubifs {} /tmp/wrong.sums" > /tmp/negative.tap 2>&1
check_eq "a check that finds damage fails the campaign" 1 "$?"
check_eq "it lists every failed cut" 3 "$(grep -c '^not ok' /tmp/negative.tap)"

# A live cut halfway through the same workload, on the base.
cp "$base" "$img"
cut_at=$((ops / 2))
start_muse nand --chip micron-mt29f4g --image "$img" --mtdparts "$parts" --faults "powercut@op=$cut_at" \
  || bail "muse-chip with a power cut did not start"
ubi_up && workload
wait "$muse_pid"
check_eq "muse-chip stops with status 3 at the power cut" 3 "$?"
muse_pid=
umount /mnt/ubifs 2>/dev/null
ubidetach -d 0 2>/dev/null
check "the live cut's image attaches, mounts and has the files" /fm/bin/check-cut-ubifs "$img" /tmp/stable.sums
finish
