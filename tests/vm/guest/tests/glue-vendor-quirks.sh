# Vendor code of Linux 6.1's raw NAND layer that only a chip of that vendor
# runs, on QEMU's flashmodel-pci device (nand_base, not muse-chip):
# - nand_macronix.c, macronix_nand_block_protection_support(): reads
#   feature A0h and installs lock/unlock only when it reads 38h, that is
#   when the PT pin was high at power-on (pt=on). With PT high the chip
#   refuses erase and program until flash_unlock, and again after
#   flash_lock; with PT low there is no lock (MEMLOCK fails).
# - nand_amd.c and nand_esmt.c: on SLC parts Linux looks for bad block
#   markers in the first, second AND last page of a block. Block 100 of
#   each part below reads as marked in its last page only (a stuck
#   bit); Spansion and ESMT parts report it bad, the Samsung SLC part
#   (nand_samsung.c: first and second page only) is the control.
#glue-qemu: -device flashmodel-pci,chip=macronix-mx30lf1g18ac,pt=on,addr=0x10
#glue-qemu: -device flashmodel-pci,chip=macronix-mx30lf1g18ac,addr=0x11
# Block 100 of these 2048+64-byte, 64-page-per-block parts reads as marked
# bad in its last page only (OOB byte 0 of page 63 reads FEh), as a
# factory-bad block whose marker is in the last page.
#glue-file: lastpage stuck block=100 page=63 byte=2048 bit=0 value=0
#glue-qemu: -device flashmodel-pci,chip=spansion-s34ml04g1,faults=@@WORK@/lastpage
#glue-qemu: -device flashmodel-pci,chip=esmt-f59l2g81a,faults=@@WORK@/lastpage
#glue-qemu: -device flashmodel-pci,chip=samsung-k9f2g08,faults=@@WORK@/lastpage
. /fm/lib.sh

# mtd_at SLOT: the MTD of the flashmodel-pci function at PCI 00:SLOT.0
mtd_at() {
  local d
  for d in /sys/class/mtd/mtd*; do
    case "$d" in *ro) continue ;; esac
    case "$(readlink -f "$d/device")" in
      */0000:00:$1.0) echo "${d##*/mtd}"; return ;;
    esac
  done
}

# erase_fails MTD OFFSET: flash_erase reports the erase of that block failed
erase_fails() { flash_erase "/dev/mtd$1" "$2" 1 2>&1 | grep -q "Erase failure"; }
# erase_works MTD OFFSET: it erased the block (no failure, not skipped)
erase_works() {
  flash_erase "/dev/mtd$1" "$2" 1 > /tmp/erase.out 2>&1
  ! grep -q -e "Erase failure" -e "Skipping bad block" /tmp/erase.out
}
# page_is MTD OFFSET FILE: the page at OFFSET holds FILE
page_is() {
  nanddump -q -s "$2" -l 2048 -f /tmp/back "/dev/mtd$1" && cmp /tmp/back "$3"
}

# ---- Macronix block protection --------------------------------------
dd if=/dev/urandom of=/tmp/page bs=2048 count=1 2> /dev/null
blk=$((8 * 131072))
high=$(mtd_at 10)
low=$(mtd_at 11)
if [ -z "$high" ] || [ -z "$low" ]; then
  fail "macronix-mx30lf1g18ac: MTDs for PT high (00:10.0) and low (00:11.0)"
else
  diag "macronix-mx30lf1g18ac: Linux vendor path: nand_macronix.c macronix_nand_block_protection_support (GET FEATURES A0h)"
  check "PT high: erase refused at power-on (every block locked)" erase_fails "$high" "$blk"
  check "PT high: flash_unlock (Linux's mxic_nand_unlock: SET FEATURES A0h 00h)" flash_unlock "/dev/mtd$high"
  check "PT high: erase after unlock" erase_works "$high" "$blk"
  check "PT high: write after unlock" nandwrite -q -s "$blk" "/dev/mtd$high" /tmp/page
  check "PT high: the page reads back" page_is "$high" "$blk" /tmp/page
  check "PT high: flash_lock (Linux's mxic_nand_lock: SET FEATURES A0h 38h)" flash_lock "/dev/mtd$high"
  check "PT high: erase refused after lock" erase_fails "$high" "$blk"
  check "PT high: the page survived the refused erase" page_is "$high" "$blk" /tmp/page
  check "PT low: no lock (Linux installed no lock_area: MEMLOCK fails)" sh -c "! flash_lock /dev/mtd$low"
  check "PT low: erase works" erase_works "$low" "$blk"
  check "PT low: write works" nandwrite -q -s "$blk" "/dev/mtd$low" /tmp/page
  check "PT low: the page reads back" page_is "$low" "$blk" /tmp/page
fi

# ---- bad block markers in the last page ------------------------------
# chip, the Linux vendor path, and whether that path reports block 100 bad
for entry in "spansion-s34ml04g1 nand_amd.c:amd_nand_init bad" \
             "esmt-f59l2g81a nand_esmt.c:esmt_nand_init bad" \
             "samsung-k9f2g08 nand_samsung.c:samsung_nand_init good"; do
  set -- $entry
  chip=$1 path=$2 expect=$3
  mtd=$(mtd_number "$chip")
  if [ -z "$mtd" ]; then
    fail "$chip: an MTD on flashmodel-pci"
    continue
  fi
  diag "$chip: Linux vendor path: $path (SLC bad block marker pages)"
  flash_erase "/dev/mtd$mtd" $((100 * 131072)) 1 > /tmp/erase.out 2>&1
  if [ "$expect" = bad ]; then
    check "$chip: block 100, marked in its last page only, is bad to Linux" \
      grep -q "Skipping bad block" /tmp/erase.out
  else
    check "$chip: block 100, marked in its last page only, is good to Linux (not scanned there)" \
      sh -c "! grep -q -e 'Skipping bad block' -e 'Erase failure' /tmp/erase.out"
  fi
done
finish
