# UBI and UBIFS on muse-chip, and persistence: format, attach, make a
# volume, mount UBIFS, write and read files; restart muse-chip on the same
# image; remount, the files are intact and the erase counters grew.
. /fm/lib.sh

img=/tmp/nand.img
erase_total() { flashmodel stat "$img" | sed -n 's/^erase counts:.*(total \([0-9]*\))$/\1/p'; }

start_muse nand --chip micron-mt29f4g --image "$img" || bail "muse-chip did not start"
check "ubiformat" ubiformat -q -y "/dev/mtd$mtd"
check "ubiattach" ubiattach -m "$mtd" -d 0
check "ubimkvol" ubimkvol /dev/ubi0 -N data -m
mkdir -p /mnt/ubifs
check "mount UBIFS" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS"

dd if=/dev/urandom of=/mnt/ubifs/big bs=65536 count=64 2>/dev/null
for i in $(seq 1 50); do
  echo "small file $i $(date)" > "/mnt/ubifs/small-$i"
done
mkdir /mnt/ubifs/dir
cp /mnt/ubifs/big /mnt/ubifs/dir/copy
(cd /mnt/ubifs && md5sum big small-* dir/copy) > /tmp/sums
check "files read back while mounted" sh -c "cd /mnt/ubifs && md5sum -c -s /tmp/sums"
check "unmount" umount /mnt/ubifs
check "ubidetach" ubidetach -m "$mtd"
check "muse-chip stops" stop_muse
first=$(erase_total)
check_ge "ubiformat and UBIFS erased blocks" 4000 "$first"

start_muse nand --chip micron-mt29f4g --image "$img" || bail "muse-chip did not restart"
check "ubiattach after restart" ubiattach -m "$mtd" -d 0
check "mount UBIFS after restart" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS after restart"
check "files intact after restart" sh -c "cd /mnt/ubifs && md5sum -c -s /tmp/sums"
# More writes, then the counters must have grown.
for i in $(seq 1 8); do
  dd if=/dev/urandom of=/mnt/ubifs/big bs=65536 count=64 conv=fsync 2>/dev/null
done
rm /mnt/ubifs/small-*
sync
check "unmount after rewriting" umount /mnt/ubifs
check "ubidetach after rewriting" ubidetach -m "$mtd"
check "muse-chip stops again" stop_muse
second=$(erase_total)
check_ge "erase counters grew across the restart" $((first + 1)) "$second"
check "the image passes flashmodel stat" flashmodel stat "$img"
finish
