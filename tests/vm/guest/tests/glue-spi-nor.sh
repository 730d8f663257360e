# Every SPI NOR descriptor on QEMU's flashmodel-pci device, behind its SPI
# controller, driven by Linux's own spi-nor core through spi-mem
# (kernel/flashmodel-pci-spi.c): the part is detected by its JEDEC ID with
# the descriptor's size, and what spi-nor derives from the part's SFDP —
# the erase types (their 4-byte forms on a part with 4-byte opcodes), the
# page size, the address width, the read modes with their dummy clocks,
# the fastest read used (quad I/O), the page program (1-1-1) and the quad
# enable method — is compared with the descriptor (`flashmodel info`).
# Data written through the MTD reads back through the quad reads, and
# JFFS2 holds files across a remount on a partition of each part. The first part takes its
# datasheet times in the guest's clock (timing=guest), so spi-nor really
# polls WIP; the other completes at once.
#glue-qemu: -device flashmodel-pci,chip=macronix-mx25l25645g,timing=guest
#glue-qemu: -device flashmodel-pci,chip=winbond-w25q128jv
. /fm/lib.sh

# info_value CHIP LABEL: the text after LABEL in 'flashmodel info CHIP'.
info_value() {
  flashmodel info "$1" | sed -n "s/^  $2  *//p" | head -n 1
}

# info_list CHIP LABEL: LABEL's value and its continuation lines.
info_list() {
  flashmodel info "$1" | awk -v label="$2" '
    /^  [^ ]/ { on = (substr($0, 3, length(label)) == label) }
    on { sub(/^  [^0-9]*  +/, ""); sub(/^ +/, ""); print }'
}

# debugfs_value FILE LABEL: a "LABEL<tabs>value" line of spi-nor's debugfs.
debugfs_value() {
  sed -n "s/^$2	*//p" "$1" | head -n 1
}

mount | grep -q ' /sys/kernel/debug ' || mount -t debugfs none /sys/kernel/debug
dmesg > /tmp/dmesg
diag "$(grep -E 'spi-nor|flashmodel-pci' /tmp/dmesg)"

chips=$(flashmodel list-chips | awk 'NR > 1 && $2 == "spi-nor" { print $1 }')
check_ge "the catalog has SPI NOR chips" 2 "$(echo "$chips" | wc -w)"
for chip in $chips; do
  mtd=$(mtd_number "$chip")
  if [ -z "$mtd" ]; then
    fail "$chip: an MTD from spi-nor on flashmodel-pci (add its -device line above)"
    continue
  fi
  pass "$chip: an MTD from spi-nor on flashmodel-pci"
  # The spi device spi-nor drives: the MTD's parent.
  spidev=$(basename "$(readlink -f "/sys/class/mtd/mtd$mtd/device")")
  params=/sys/kernel/debug/spi-nor/$spidev/params
  caps=/sys/kernel/debug/spi-nor/$spidev/capabilities
  size=$(info_value "$chip" size | sed 's/.*(\([0-9]*\) bytes.*/\1/')
  id=$(info_value "$chip" 'READ JEDEC ID (9Fh)' | tr 'A-F' 'a-f')
  page=$(info_value "$chip" 'page (PP)' | sed 's/ bytes//')
  four_byte=$(info_value "$chip" '4-byte addressing')
  qe=$(info_value "$chip" 'quad enable')
  erases=$(info_list "$chip" 'erase instructions')
  reads=$(info_list "$chip" 'fast reads')
  diag "$chip on $spidev:" "$(cat "$params" "$caps" 2>&1)"

  # The MTD
  check_eq "$chip: type" nor "$(mtd_attr "$mtd" type)"
  check_eq "$chip: size" "$size" "$(mtd_attr "$mtd" size)"
  check_eq "$chip: write size" 1 "$(mtd_attr "$mtd" writesize)"
  smallest=$(echo "$erases" | head -n 1 | sed 's/ KiB.*//')
  check_eq "$chip: erase size: the smallest erase type (4 KiB sectors)" \
    "$((smallest * 1024))" "$(mtd_attr "$mtd" erasesize)"

  # Detection
  check_eq "$chip: JEDEC ID" "$id" "$(debugfs_value "$params" id | cut -c1-8)"
  case $(uname -r) in
    6.1.*)
      check "$chip: spi-nor reports $((size / 1024)) Kbytes" \
        grep -q "spi-nor $spidev: $(debugfs_value "$params" name) ($((size / 1024)) Kbytes)" /tmp/dmesg ;;
    *) skip "$chip: spi-nor's detection line" "$(uname -r) logs none" ;;
  esac

  # What spi-nor derived from SFDP
  check_eq "$chip: page size" "$page" "$(debugfs_value "$params" 'page size')"
  flags=$(debugfs_value "$params" flags)
  if [ "$four_byte" = no ]; then
    expect_nbytes=3 expect_4b=no
  else
    expect_nbytes=4 expect_4b=yes
  fi
  [ "$size" -le 16777216 ] && expect_nbytes=3
  check_eq "$chip: address bytes" "$expect_nbytes" "$(debugfs_value "$params" 'address nbytes')"
  check_eq "$chip: 4-byte opcodes (4BAIT)" "$expect_4b" \
    "$(echo "$flags" | grep -q '4B_OPCODES' && echo yes || echo no)"
  # " 21 (4.00 KiB) [1]" -> "21 4"; the chip erase (no [index]) left out
  linux_erases=$(sed -n '/^erase commands/,/^$/ s/^ \([0-9a-f]*\) (\([0-9]*\)[.0-9]* KiB) \[[0-9]\]$/\1 \2/p' "$params")
  # "4 KiB, 20h (4-byte form 21h)" -> "21 4" with 4-byte opcodes, else "20 4"
  want_erases=$(echo "$erases" | sed -n 's/^\([0-9]*\) KiB, \([0-9A-F]*\)h\( (4-byte form \([0-9A-F]*\)h)\)\{0,1\}$/\1 \2 \4/p' |
    while read -r kib op op4; do
      [ "$expect_4b" = yes ] && [ -n "$op4" ] && op=$op4
      echo "$op $kib" | tr 'A-F' 'a-f'
    done)
  check_eq "$chip: erase types (opcode, KiB)" "$(echo $want_erases)" "$(echo $linux_erases)"
  # " 1S-1S-4S" / "  mode cycles M" / "  dummy cycles D" -> "1S-1S-4S M+D"
  linux_reads=$(awk '/^Supported page program/ { exit }
    /^ [0-9]S-/ { proto = $1 } /mode cycles/ { m = $3 }
    /dummy cycles/ { if (proto !~ /^1S-1S-1S/) print proto, m + $3 }' "$caps")
  want_reads=$(echo "$reads" | sed -n 's/^\([0-9]\)-\([0-9]\)-\([0-9]\), \([0-9]*\) dummy clocks$/\1S-\2S-\3S \4/p')
  check_eq "$chip: read modes and their dummy clocks" "$(echo $want_reads)" "$(echo $linux_reads)"
  fastest=$(echo "$want_reads" | tail -n 1 | cut -d' ' -f1)
  check_eq "$chip: reads with the fastest mode (quad I/O)" "$fastest" \
    "$(sed -n '/^protocols/,/^$/ s/^ read	*//p' "$params")"
  # The model has no quad page program: SFDP announces none (Linux 6.12's
  # macronix.c adds 34h for this JEDEC ID regardless, which fails here).
  check_eq "$chip: programs with 1-1-1 (the part's only page program)" 1S-1S-1S \
    "$(sed -n '/^protocols/,/^$/ s/^ write	*//p' "$params")"
  case "$qe" in
    'SR2 bit 1'*)
      check "$chip: quad enable in SR2 bit 1, with 16-bit status writes (HAS_16BIT_SR)" \
        sh -c "echo '$flags' | grep -q HAS_16BIT_SR" ;;
    'SR1 bit 6')
      check "$chip: quad enable in SR1 bit 6 (no HAS_16BIT_SR)" \
        sh -c "! echo '$flags' | grep -q HAS_16BIT_SR" ;;
    *) skip "$chip: quad enable method" "the part has no QE bit" ;;
  esac

  # Data through the quad reads: a part whose QE bit were not set reads FFh.
  check "$chip: erase 64 KiB" flash_erase -q "/dev/mtd$mtd" 0 $((65536 / (smallest * 1024)))
  dd if=/dev/urandom of=/tmp/pattern bs=4096 count=16 2>/dev/null
  check "$chip: write 64 KiB" dd if=/tmp/pattern of="/dev/mtd$mtd" bs=4096 count=16
  check "$chip: read them back" sh -c "dd if=/dev/mtd$mtd bs=4096 count=16 2>/dev/null | cmp - /tmp/pattern"
done

# JFFS2 on a 4 MiB partition of each part (the whole of it would take the
# guest-timed part minutes of sector erases).
for chip in $chips; do
  check "$chip: a 4 MiB partition" partition_mtd "$chip" "$chip-jffs2:4"
  part=$(wait_mtd "$chip-jffs2") || { fail "$chip: the partition appears"; continue; }
  jffs2_round "$part" "$chip"
done
finish
