# A dump of a chip Linux wrote, moved into flashmodel: nandsim with
# micron-mt29f4g's ID bytes and BCH-4 ECC carries UBIFS with a few files,
# formatted by a default ubiformat (VID headers in the second 512-byte
# sub-page, as on a real board); nanddump --oob of the whole MTD goes
# through flashmodel import (its format detected by size); muse-chip
# serves the image with its default ECC and the same sub-pages, and UBI
# attaches without -O and UBIFS mounts with the files intact. The image,
# exported again, is the dump byte for byte.
. /fm/lib.sh

dump=/tmp/nand.bin
img=/tmp/nand.img
sums=/tmp/sums

modprobe nandsim id_bytes=0x2c,0xdc,0x90,0x95,0x56 bch=4 || bail "nandsim did not load"
sim=$(mtd_number "NAND simulator partition 0")
[ -n "$sim" ] || bail "nandsim registered no MTD"
check_eq "nandsim: micron-mt29f4g's size" 536870912 "$(mtd_attr "$sim" size)"
check_eq "nandsim: 2048+64-byte pages" "2048+64" "$(mtd_attr "$sim" writesize)+$(mtd_attr "$sim" oobsize)"
check_eq "nandsim: BCH-4 per 512 bytes, as muse-chip's bch4/512" "4/512" \
  "$(mtd_attr "$sim" ecc_strength)/$(mtd_attr "$sim" ecc_step_size)"
check_eq "nandsim: 512-byte sub-pages" 512 "$(mtd_attr "$sim" subpagesize)"

check "ubiformat, default options" ubiformat -q -y "/dev/mtd$sim"
check "ubiattach" ubiattach -m "$sim" -d 0
# vid_at_512: how many UBI attaches so far put the VID headers at 512.
vid_at_512() { dmesg | grep -c 'VID header offset: 512 (aligned 512)'; }
check_eq "nandsim: UBI's VID headers at 512" 1 "$(vid_at_512)"
check "ubimkvol" ubimkvol /dev/ubi0 -N data -m
mkdir -p /mnt/ubifs
check "mount UBIFS on nandsim" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS on nandsim"
dd if=/dev/urandom of=/mnt/ubifs/big bs=65536 count=32 2>/dev/null
for i in $(seq 1 20); do
  echo "small file $i $(date)" > "/mnt/ubifs/small-$i"
done
mkdir /mnt/ubifs/dir
cp /mnt/ubifs/big /mnt/ubifs/dir/copy
(cd /mnt/ubifs && md5sum big small-* dir/copy) > "$sums"
check "unmount from nandsim" umount /mnt/ubifs
check "ubidetach from nandsim" ubidetach -m "$sim"

# Raw pages and their OOB, bad blocks included (nanddump skips them by
# default), as a programmer would read the chip.
check "nanddump --oob of the whole chip" \
  nanddump -q --bb=dumpbad --noecc --oob -f "$dump" "/dev/mtd$sim"
check_eq "the dump holds every page with its OOB" $((4096 * 64 * 2112)) "$(stat -c %s "$dump")"
check "rmmod nandsim" rmmod nandsim

check "flashmodel import --chip micron-mt29f4g (format detected)" \
  sh -c "flashmodel import --chip micron-mt29f4g $dump $img > /tmp/import.out"
diag "$(cat /tmp/import.out)"
check "it took the dump as interleaved, the whole chip, no bad blocks" \
  grep -q ": interleaved (detected), blocks 0-4095 of chip micron-mt29f4g, [0-9]* pages stored, 0 blocks marked bad$" /tmp/import.out
check "flashmodel export gives back the dump" \
  sh -c "flashmodel export $img - 2> /dev/null | cmp - $dump"

start_muse nand --chip micron-mt29f4g --image "$img" || bail "muse-chip did not start"
check_eq "muse-chip: BCH-4 per 512 bytes by default" "4/512" "$(mtd_attr "$mtd" ecc_strength)/$(mtd_attr "$mtd" ecc_step_size)"
check_eq "muse-chip: 512-byte sub-pages, as nandsim" 512 "$(mtd_attr "$mtd" subpagesize)"
check "ubiattach on muse-chip, without -O" ubiattach -m "$mtd" -d 0
check_eq "muse-chip: UBI's VID headers at 512" 2 "$(vid_at_512)"
check "mount UBIFS on muse-chip" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS on muse-chip"
check "the files nandsim held are intact" sh -c "cd /mnt/ubifs && md5sum -c -s $sums"
check "and it takes new files" sh -c "echo more > /mnt/ubifs/new && sync && grep -q more /mnt/ubifs/new"
check "unmount from muse-chip" umount /mnt/ubifs
check "ubidetach from muse-chip" ubidetach -m "$mtd"
check "muse-chip stops" stop_muse
check_eq "no host ECC corrections or failures on the imported pages" "0 0" \
  "$(flashmodel stat "$img" | sed -n 's/^host ECC: *\([0-9]*\) bits corrected, \([0-9]*\) reads.*/\1 \2/p')"
finish
