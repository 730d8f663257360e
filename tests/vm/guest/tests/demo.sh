# The main job: muse-chip serves micron-mt29f4g as /dev/mtd0; mtdinfo
# shows it, and UBI and UBIFS are set up on it and mounted at /mnt/ubifs.
. /fm/lib.sh

show() { echo; echo "\$ $*"; "$@"; }

start_muse micron-mt29f4g --chip micron-mt29f4g --image /root/nand.img || bail "muse-chip did not start"
cat /tmp/muse-micron-mt29f4g.log
show cat /proc/mtd
show mtdinfo "/dev/mtd$mtd"
show ubiformat -q -y "/dev/mtd$mtd"
show ubiattach -m "$mtd" -d 0
show ubimkvol /dev/ubi0 -N data -m
mkdir -p /mnt/ubifs
show mount -t ubifs ubi0:data /mnt/ubifs
echo "Hello from UBIFS on a flashmodel chip served through MUSE" > /mnt/ubifs/hello.txt
sync
show df -h /mnt/ubifs
show cat /mnt/ubifs/hello.txt
echo
check "UBIFS is mounted on the MUSE device" grep -q "ubi0:data /mnt/ubifs ubifs" /proc/mounts
check "the file reads back" grep -q "Hello from UBIFS" /mnt/ubifs/hello.txt
echo
echo "muse-chip (pid $muse_pid) serves /dev/mtd$mtd from /root/nand.img;"
echo "'flashmodel stat /root/nand.img' shows the chip's wear."
finish
