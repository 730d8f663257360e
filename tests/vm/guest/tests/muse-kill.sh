# Killing muse-chip in the middle of IO: the guest sees I/O errors, the
# kernel does not oops, and the image still holds a UBIFS that mounts with
# the data synced before the kill.
#
# UBIFS logs every page it then fails to write; the kernel's default log
# buffer can lose UBI's "switch to read-only mode" among them.
#kernel-append: log_buf_len=4M
. /fm/lib.sh

img=/tmp/nand.img
start_muse nand --chip micron-mt29f4g --image "$img" || bail "muse-chip did not start"
mkdir -p /mnt/ubifs
check "ubiformat" ubiformat -q -y "/dev/mtd$mtd"
check "ubiattach" ubiattach -m "$mtd" -d 0
check "ubimkvol" ubimkvol /dev/ubi0 -N data -m
check "mount UBIFS" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS"
dd if=/dev/urandom of=/mnt/ubifs/keep bs=65536 count=16 conv=fsync 2>/dev/null
sync
md5sum /mnt/ubifs/keep > /tmp/sum

# A writer that keeps the MTD busy, then the server dies under it, once
# the writer's first MiB is through (it goes on with the next).
rm -f /tmp/writing
( i=0; while [ $i -lt 200 ]; do
    dd if=/dev/urandom of=/mnt/ubifs/busy bs=65536 count=16 conv=fsync 2>/dev/null || exit 1
    touch /tmp/writing
    i=$((i + 1))
  done; exit 0 ) &
writer=$!
wait_until 120 test -f /tmp/writing
kill -KILL "$muse_pid"
wait "$muse_pid" 2>/dev/null
muse_pid=
wait "$writer"
check_eq "the writer got an I/O error" 1 "$?"
check "a new write fails" sh -c "! dd if=/dev/zero of=/mnt/ubifs/after bs=4096 count=4 conv=fsync 2>/dev/null"
check "UBI went read-only" sh -c "dmesg | grep -q 'switch to read-only mode'"
check_eq "UBI still holds the MTD" "$mtd" "$(cat /sys/class/ubi/ubi0/mtd_num 2>/dev/null)"
# muse.ko unregisters the MTD only when its last user lets go: on 6.12,
# whose UBI device is a child of the MTD's, unregistering it under UBI
# left a /dev/mtdN entry pointing at freed memory (a refcount underflow
# at ubidetach, a use-after-free at the next attach).
check_eq "/proc/mtd lists the MTD while UBI holds it" "$mtd" "$(mtd_number nand)"
check "a dead server's MTD takes no new user" sh -c "! dd if=/dev/mtd$mtd of=/dev/null bs=2048 count=1 2>/dev/null"
umount /mnt/ubifs 2>/dev/null
check "UBI detaches from the dead MTD" ubidetach -d 0
mtd_gone() { [ -z "$(mtd_number nand)" ]; }
wait_until 30 mtd_gone
check "the MTD is gone with its last user" mtd_gone

start_muse nand --chip micron-mt29f4g --image "$img" || bail "muse-chip did not restart"
check "ubiattach after the kill" ubiattach -m "$mtd" -d 0
check "mount UBIFS after the kill" mount -t ubifs ubi0:data /mnt/ubifs
check "the file synced before the kill is intact" md5sum -c -s /tmp/sum
check "unmount" umount /mnt/ubifs
check "ubidetach" ubidetach -d 0
check "muse-chip stops" stop_muse
finish
