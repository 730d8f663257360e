# muse-chip serving SPI NAND parts as Linux's SPI NAND core would show
# them (drivers/mtd/nand/spi): the geometry, the chip's on-die ECC as the
# MTD's ECC with the bit flip threshold spinand leaves (the strength), the
# vendor driver's OOB layout for MTD_OPS_AUTO_OOB, bit flips counted as
# the vendor's driver decodes the status register, uncorrectable pages
# reported, raw access with the chip's ECC off; and UBIFS surviving a
# restart of muse-chip on the same image.
. /fm/lib.sh

# The OOB bytes of one page of a nanddump --oob file, in hex, one per line.
oob_bytes() { dd if="$1" bs=1 skip=$2 count=$3 2>/dev/null | od -An -v -tx1 | tr -s ' ' '\n' | sed '/^$/d'; }

# Whether byte FREE[k] of the raw OOB (lines of oob_bytes) holds k, for
# the free offsets FREE, and the bytes of neither the free nor the ECC
# regions (0-1: the bad block marker) are still FFh.
auto_oob_placed() {
  local hexfile="$1" free="$2" ecc="$3"
  awk -v free="$free" -v ecc="$ecc" '
    BEGIN { n = split(free, f, " "); for (k = 1; k <= n; k++) want[f[k]] = sprintf("%02x", k - 1)
            m = split(ecc, e, " "); for (k = 1; k <= m; k++) { split(e[k], r, ":"); for (i = r[1]; i < r[1] + r[2]; i++) isecc[i] = 1 } }
    { off = NR - 1
      if (off in want) { if ($1 != want[off]) { print "byte " off ": " $1 ", not " want[off]; bad = 1 } }
      else if (!(off in isecc) && $1 != "ff") { print "byte " off " (not free) is " $1; bad = 1 } }
    END { exit bad }' "$hexfile"
}

# Whether every ECC region START:LEN of the raw OOB holds some parity.
ecc_written() {
  local hexfile="$1" ecc="$2"
  awk -v ecc="$ecc" '
    { b[NR - 1] = $1 }
    END { m = split(ecc, e, " ")
          for (k = 1; k <= m; k++) { split(e[k], r, ":"); ff = 1
            for (i = r[1]; i < r[1] + r[2]; i++) if (b[i] != "ff") ff = 0
            if (ff) { print "ECC region " e[k] " is all FFh"; bad = 1 } }
          exit bad }' "$hexfile"
}

# stop_muse, and the MTD gone before the next start_muse looks it up.
spi_gone() { [ -z "$(mtd_number spi)" ]; }
stop_spi() { stop_muse && wait_until 10 spi_gone; }

# A column of `flashmodel wear --csv` for BLOCK of IMAGE.
wear_col() { flashmodel wear --csv "$1" | awk -F, -v b="$2" -v c="$3" 'NR > 1 && $1 == b { print $c }'; }

# spi_nand CHIP LINUX-NAME SIZE PAGE OOB ERASE STRENGTH FREE ECC ONE-FLIP
#   FREE: the free OOB offsets of Linux's ooblayout, in order; ECC: its
#   ECC regions as OFFSET:LENGTH; ONE-FLIP: the bit flips Linux counts for
#   a page with one flipped bit (what its decoder makes of the status).
spi_nand() {
  local chip="$1" linux="$2" size="$3" page="$4" oob="$5" erase="$6" strength="$7"
  local free="$8" ecc="$9" one_flip="${10}"
  local img="/tmp/$chip.img" dev avail p ppb b1 b2 flips i
  avail=$(echo $free | wc -w)
  ppb=$((erase / page))

  diag "---- $chip (Linux's $linux)"
  start_muse spi --chip "$chip" --image "$img" || bail "muse-chip did not start for $chip"
  dev=/dev/mtd$mtd
  check "$chip: muse-chip names Linux's part" grep -q "$linux" /tmp/muse-spi.log
  check_eq "$chip: type" nand "$(mtd_attr "$mtd" type)"
  check_eq "$chip: size" "$size" "$(mtd_attr "$mtd" size)"
  check_eq "$chip: erase size" "$erase" "$(mtd_attr "$mtd" erasesize)"
  check_eq "$chip: write size" "$page" "$(mtd_attr "$mtd" writesize)"
  check_eq "$chip: no sub-pages (spinand sets none)" "$page" "$(mtd_attr "$mtd" subpagesize)"
  check_eq "$chip: OOB size" "$oob" "$(mtd_attr "$mtd" oobsize)"
  check_eq "$chip: free OOB bytes of Linux's layout" "$avail" "$(mtd_attr "$mtd" oobavail)"
  check_eq "$chip: ECC strength, the part's on-die ECC" "$strength" "$(mtd_attr "$mtd" ecc_strength)"
  check_eq "$chip: ECC step" 512 "$(mtd_attr "$mtd" ecc_step_size)"
  check_eq "$chip: bit flip threshold, the MTD core's default (the strength)" "$strength" \
    "$(mtd_attr "$mtd" bitflip_threshold)"
  check "$chip: mtdinfo" sh -c "mtdinfo $dev | grep -q 'Sub-page size: *$page bytes'"

  # MTD_OPS_AUTO_OOB: a page whose OOB is 00 01 02 ... lands in the free
  # bytes, in order; the chip's parity in the ECC regions.
  dd if=/dev/urandom of=/tmp/page bs="$page" count=1 2>/dev/null
  i=0
  while [ "$i" -lt "$oob" ]; do printf "\\$(printf %03o $((i & 255)))"; i=$((i + 1)); done > /tmp/oob
  cat /tmp/page /tmp/oob > /tmp/page-oob
  check "$chip: flash_erase block 2" flash_erase -q "$dev" $((2 * erase)) 1
  check "$chip: nandwrite --autoplace --oob" nandwrite -q -a -o -s $((2 * erase)) "$dev" /tmp/page-oob
  check "$chip: nanddump --noecc --oob" nanddump -q -n -o -s $((2 * erase)) -l "$page" -f /tmp/raw "$dev"
  oob_bytes /tmp/raw "$page" "$oob" > /tmp/raw-oob
  check "$chip: the OOB bytes are in Linux's free regions, the rest FFh or parity" \
    auto_oob_placed /tmp/raw-oob "$free" "$ecc"
  if [ -n "$ecc" ]; then
    check "$chip: the chip's parity is in Linux's ECC regions" ecc_written /tmp/raw-oob "$ecc"
  fi
  check "$chip: nanddump with ECC" nanddump -q -s $((2 * erase)) -l "$page" -f /tmp/back "$dev"
  check "$chip: data read back with ECC" cmp /tmp/page /tmp/back

  # Raw: data and the whole spare area as written, parity and all.
  dd if=/dev/urandom of=/tmp/rawpage bs=$((page + oob)) count=1 2>/dev/null
  printf '\377\377' | dd of=/tmp/rawpage bs=1 seek="$page" conv=notrunc 2>/dev/null
  check "$chip: flash_erase block 3" flash_erase -q "$dev" $((3 * erase)) 1
  check "$chip: nandwrite --noecc --oob" nandwrite -q -n -o -s $((3 * erase)) "$dev" /tmp/rawpage
  check "$chip: nanddump --noecc --oob" nanddump -q -n -o -s $((3 * erase)) -l "$page" -f /tmp/rawback "$dev"
  check "$chip: a raw page reads back as written" cmp /tmp/rawpage /tmp/rawback

  # Two pages for the bit flips, written with ECC.
  dd if=/dev/urandom of=/tmp/flips bs="$page" count=1 2>/dev/null
  check "$chip: flash_erase blocks 4-5" flash_erase -q "$dev" $((4 * erase)) 2
  check "$chip: nandwrite block 4" nandwrite -q -s $((4 * erase)) "$dev" /tmp/flips
  check "$chip: nandwrite block 5" nandwrite -q -s $((5 * erase)) "$dev" /tmp/flips
  check "$chip: muse-chip stops" stop_spi

  # One flipped bit in block 4's page; strength + 1 in one sector of
  # block 5's: corrected, then uncorrectable. (Placed as in
  # tests/test-muse-spinand.c: the model's 1-bit code takes some double
  # errors for single ones.)
  flips="bitflip block=4 page=0 byte=100 bit=3 always"
  for i in $(seq 0 "$strength"); do
    flips="$flips; bitflip block=5 page=0 byte=$((7 + 50 * i)) bit=$((7 - i % 8)) always"
  done
  start_muse spi --chip "$chip" --image "$img" --faults "$flips" || bail "muse-chip did not restart for $chip"
  dev=/dev/mtd$mtd
  nanddump -s $((4 * erase)) -l "$page" -f /tmp/back "$dev" > /tmp/dump4.log 2>&1
  check "$chip: a corrected page reads back intact" cmp /tmp/flips /tmp/back
  check "$chip: nanddump reports $one_flip corrected, as Linux's driver counts one bit" \
    grep -q "ECC: $one_flip corrected bitflip(s)" /tmp/dump4.log
  check_eq "$chip: corrected_bits" "$one_flip" "$(mtd_attr "$mtd" corrected_bits)"
  nanddump -s $((5 * erase)) -l "$page" -f /tmp/back "$dev" > /tmp/dump5.log 2>&1
  check "$chip: nanddump reports the uncorrectable page" grep -q "ECC: 1 uncorrectable bitflip(s)" /tmp/dump5.log
  check_eq "$chip: ecc_failures" 1 "$(mtd_attr "$mtd" ecc_failures)"
  check "$chip: muse-chip stops after the faults" stop_spi
  check "$chip: the faults fired" grep -q "fired [1-9]" /tmp/muse-spi.log
  # The chip's own counts in the model's statistics: one bit, one failure.
  check_eq "$chip: the model counts the bit the chip corrected" 1 "$(wear_col "$img" 4 10)"
  check_ge "$chip: the model counts the uncorrectable read" 1 "$(wear_col "$img" 5 11)"

  # UBIFS, and a restart of muse-chip on the same image.
  start_muse spi --chip "$chip" --image "$img" || bail "muse-chip did not restart for $chip"
  check "$chip: ubiformat" ubiformat -q -y "/dev/mtd$mtd"
  check "$chip: ubiattach" ubiattach -m "$mtd" -d 0
  check "$chip: ubimkvol" ubimkvol /dev/ubi0 -N data -m
  mkdir -p /mnt/ubifs
  check "$chip: mount UBIFS" mount -t ubifs ubi0:data /mnt/ubifs || bail "no UBIFS on $chip"
  dd if=/dev/urandom of=/mnt/ubifs/big bs=65536 count=32 2>/dev/null
  for i in $(seq 1 20); do echo "file $i of $chip" > "/mnt/ubifs/small-$i"; done
  (cd /mnt/ubifs && md5sum big small-*) > /tmp/sums
  check "$chip: unmount" umount /mnt/ubifs
  check "$chip: ubidetach" ubidetach -m "$mtd"
  check "$chip: muse-chip stops" stop_spi
  start_muse spi --chip "$chip" --image "$img" || bail "muse-chip did not restart for $chip"
  check "$chip: ubiattach after the restart" ubiattach -m "$mtd" -d 0
  check "$chip: mount UBIFS after the restart" mount -t ubifs ubi0:data /mnt/ubifs
  check "$chip: the files survived the restart" sh -c "cd /mnt/ubifs && md5sum -c -s /tmp/sums"
  check "$chip: unmount again" umount /mnt/ubifs
  check "$chip: ubidetach again" ubidetach -m "$mtd"
  check "$chip: muse-chip stops again" stop_spi
  rm -f "$img"
}

# Winbond W25N01GV (winbond.c, w25m02gv_ooblayout): 1 bit per 512 bytes;
# free 2-7 of each 16-byte section, parity in 8-15; "corrected" counts as
# the strength, 1.
spi_nand winbond-w25n01gv W25N01GV 134217728 2048 64 131072 1 \
  "2 3 4 5 6 7 18 19 20 21 22 23 34 35 36 37 38 39 50 51 52 53 54 55" \
  "8:8 24:8 40:8 56:8" 1

# Micron MT29F2G01ABAGD (micron.c, micron_8_ooblayout): 8 bits per 512
# bytes, two planes; free 2-63, parity in 64-127; "1-3 bits corrected"
# counts as 3.
spi_nand micron-mt29f2g01abagd MT29F2G01ABAGD 268435456 2048 128 131072 8 \
  "$(seq -s ' ' 2 63)" "64:64" 3

finish
