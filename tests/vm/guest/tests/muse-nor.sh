# NOR chips served by muse-chip as MTD_NORFLASH: a CFI part (Spansion
# S29GL128P, 128 KiB sectors) and a SPI part (Winbond W25Q128JV, erased in
# 64 KiB blocks) each carry JFFS2 across a server restart and pass the
# kernel's mtd_stresstest; the sector erase counters show in the image.
# The first JFFS2 session is recorded (--record) and replayed by
# flashmodel replay into the same cells and counters. (Debian's kernels
# have no mtd_stresstest: skipped there.)
. /fm/lib.sh

# nor_checks CHIP ERASESIZE WRITEBUF [muse-chip options...]
nor_checks() {
  local chip="$1" erasesize="$2" writebuf="$3" img="/tmp/$1.img"
  shift 3
  flashmodel create --chip "$chip" "$img.base" > /dev/null || bail "flashmodel create $chip"
  cp "$img.base" "$img"
  start_muse "$chip" --chip "$chip" --image "$img" --record "$img.journal" "$@" ||
    bail "muse-chip $chip did not start"
  check_eq "$chip: type is NOR" nor "$(mtd_attr "$mtd" type)"
  check_eq "$chip: size" 16777216 "$(mtd_attr "$mtd" size)"
  check_eq "$chip: erase size" "$erasesize" "$(mtd_attr "$mtd" erasesize)"
  check_eq "$chip: write size" 1 "$(mtd_attr "$mtd" writesize)"
  check_eq "$chip: flags: writeable, bit-writeable" 0xc00 "$(mtd_attr "$mtd" flags)"
  check "$chip: the kernel was given the $writebuf-byte write buffer" \
    sh -c "muse-chip --chip $chip -v --device /dev/null 2>&1 | grep -q 'WRITEBUFSIZE=$writebuf'"
  check "$chip: flash_erase the whole chip" flash_erase -q "/dev/mtd$mtd" 0 0
  mkdir -p /mnt/jffs2
  check "$chip: mount JFFS2" mount -t jffs2 "mtd$mtd" /mnt/jffs2 || bail "no JFFS2 on $chip"
  check "$chip: write 2 MiB" dd if=/dev/urandom of=/mnt/jffs2/random bs=4096 count=512
  check "$chip: write 200 files" sh -c 'for i in $(seq 1 200); do echo "file $i" > /mnt/jffs2/f$i || exit 1; done'
  check "$chip: delete some" sh -c 'rm /mnt/jffs2/f1*'
  # Rewrites make JFFS2 garbage-collect and erase sectors again.
  check "$chip: rewrite 2 MiB three times" sh -c \
    'for i in 1 2 3; do dd if=/dev/urandom of=/mnt/jffs2/random bs=4096 count=512 || exit 1; done'
  check "$chip: checksums" sh -c '(cd /mnt/jffs2 && md5sum random f2 f55 f99 f200) > /tmp/sums'
  sync
  check "$chip: unmount" umount /mnt/jffs2
  check "$chip: muse-chip stops" stop_muse
  check "$chip: the journal replays" \
    flashmodel replay --journal "$img.journal" --base "$img.base" -o "$img.replayed"
  flashmodel export "$img" /tmp/live.bin > /dev/null 2>&1
  flashmodel export "$img.replayed" /tmp/replayed.bin > /dev/null 2>&1
  check "$chip: the replayed chip holds the same bytes" cmp -s /tmp/live.bin /tmp/replayed.bin
  flashmodel wear --csv "$img" | cut -d, -f1-3 > /tmp/live.csv
  flashmodel wear --csv "$img.replayed" | cut -d, -f1-3 > /tmp/replayed.csv
  check "$chip: and the same erase and program counts" cmp -s /tmp/live.csv /tmp/replayed.csv
  rm -f /tmp/live.* /tmp/replayed.* "$img.replayed" "$img.journal" "$img.base"
  start_muse "$chip" --chip "$chip" --image "$img" "$@" || bail "muse-chip $chip did not restart"
  check "$chip: mount JFFS2 again" mount -t jffs2 "mtd$mtd" /mnt/jffs2
  check "$chip: files intact after restart" sh -c "cd /mnt/jffs2 && md5sum -c -s /tmp/sums"
  check_eq "$chip: deleted files stay deleted" 0 "$(ls /mnt/jffs2 | grep -c '^f1')"
  check "$chip: unmount again" umount /mnt/jffs2

  if have_mtd_tests; then
    dmesg -c > /dev/null
    modprobe mtd_stresstest dev="$mtd" count=3000 2>/dev/null
    rmmod mtd_stresstest 2>/dev/null
    log=$(dmesg -c)
    check "$chip: mtd_stresstest finished" sh -c "printf '%s\n' \"\$1\" | grep -q 'mtd_stresstest: finished'" - "$log"
    check "$chip: mtd_stresstest without errors" sh -c "! printf '%s\n' \"\$1\" | grep -iqE 'error|fail'" - "$log"
  else
    skip "$chip: mtd_stresstest" "$fm_kernel has no MTD test modules"
  fi
  check "$chip: muse-chip stops again" stop_muse

  # Every sector JFFS2 used was erased at least twice (flash_erase, then
  # garbage collection or the stress test).
  erased=$(flashmodel wear --csv "$img" | awk -F, 'NR > 1 && $2 >= 2 { n++ } END { print n + 0 }')
  check_ge "$chip: sectors erased twice or more" 8 "$erased"
  diag "$chip: $erased of $(flashmodel wear --csv "$img" | tail -n +2 | wc -l) erase counters at 2 or more"
}

nor_checks spansion-s29gl128p 131072 64
nor_checks winbond-w25q128jv 65536 256
check "an erase size the SPI part has no instruction for is refused" \
  sh -c "muse-chip --chip winbond-w25q128jv --erase-size 8K 2>&1 | grep -q 'no 8192-byte erase'"
check "--ecc is refused for a NOR chip" \
  sh -c "muse-chip --chip spansion-s29gl128p --ecc bch4 2>&1 | grep -q 'apply to NAND'"
finish
