# JFFS2 on a RAM-type MTD served by muse-chip --ram (MTD_RAM: byte writes,
# no OOB), persistent across a restart of the server.
. /fm/lib.sh

img=/tmp/ram.img
start_muse jffs2 --ram 8M --erase-size 64K --image "$img" || bail "muse-chip did not start"
check_eq "type is RAM" ram "$(mtd_attr "$mtd" type)"
check_eq "size" 8388608 "$(mtd_attr "$mtd" size)"
check_eq "erase size" 65536 "$(mtd_attr "$mtd" erasesize)"
check_eq "write size" 1 "$(mtd_attr "$mtd" writesize)"
check "flash_erase the whole MTD" flash_erase -q "/dev/mtd$mtd" 0 0
mkdir -p /mnt/jffs2
check "mount JFFS2" mount -t jffs2 "mtd$mtd" /mnt/jffs2 || bail "no JFFS2"
dd if=/dev/urandom of=/mnt/jffs2/random bs=4096 count=256 2>/dev/null
for i in $(seq 1 100); do echo "file $i" > "/mnt/jffs2/f$i"; done
rm /mnt/jffs2/f1*
(cd /mnt/jffs2 && md5sum random f2 f55 f99) > /tmp/sums
sync
check "unmount" umount /mnt/jffs2
check "muse-chip stops" stop_muse
start_muse jffs2 --ram 8M --erase-size 64K --image "$img" || bail "muse-chip did not restart"
check "mount JFFS2 again" mount -t jffs2 "mtd$mtd" /mnt/jffs2
check "files intact after restart" sh -c "cd /mnt/jffs2 && md5sum -c -s /tmp/sums"
check_eq "deleted files stay deleted" 0 "$(ls /mnt/jffs2 | grep -c '^f1')"
check "unmount again" umount /mnt/jffs2
check "muse-chip stops again" stop_muse
check "a RAM image of another size is refused" sh -c "! muse-chip --ram 4M --image $img 2>&1 | grep -q serving"
finish
