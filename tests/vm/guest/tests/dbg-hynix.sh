#glue-file: faults-hynix wear block=any cycles=1000; age hours=43800 on-erase=2047
#glue-qemu: -device flashmodel-pci,chip=hynix-h27ucg8t2etr,faults=@@WORK@/faults-hynix
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f32g08cbada
. /fm/lib.sh
dmesg | grep -i -E "hynix|retry|jedec|micron|macronix" | head -30 | sed 's/^/# /'
mount -t debugfs none /sys/kernel/debug
cat /sys/kernel/debug/flashmodel-pci/*/stats | grep -v " 0$" | sed 's/^/# /'
mtd=$(wait_mtd hynix-h27ucg8t2etr)
head -c 4194304 /dev/urandom > /tmp/d
flash_erase -q /dev/mtd$mtd $((40*4194304)) 1; nandwrite -q -s $((40*4194304)) /dev/mtd$mtd /tmp/d
flash_erase -q /dev/mtd$mtd $((2047*4194304)) 1
dd if=/dev/mtd$mtd bs=16384 skip=$((40*256)) count=4 2>/dev/null | md5sum
cat /sys/kernel/debug/flashmodel-pci/*/stats | grep -v " 0$" | sed 's/^/# /'
cat /sys/class/mtd/mtd$mtd/ecc_failures
finish
