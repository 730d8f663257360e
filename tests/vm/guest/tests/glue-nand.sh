# Every shipped NAND descriptor on QEMU's flashmodel-pci device, driven by
# Linux's own nand_base through kernel/flashmodel-pci-core.c: the chip is
# identified (ONFI parameter page or ID table), with the descriptor's
# geometry, and ONFI chips run at their best timing mode.
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f2g
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f32g
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f4g
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f4g16
#glue-qemu: -device flashmodel-pci,chip=samsung-k9f1208
#glue-qemu: -device flashmodel-pci,chip=samsung-k9f2g08
#glue-qemu: -device flashmodel-pci,chip=winbond-w29n01hv
. /fm/lib.sh

# info_value CHIP LABEL: the text after LABEL in 'flashmodel info CHIP'.
info_value() {
  flashmodel info "$1" | sed -n "s/^  $2  *//p" | head -n 1
}

dmesg > /tmp/dmesg
chips=$(flashmodel list-chips | awk 'NR > 1 && $2 ~ /^nand/ { print $1 }')
check_ge "the catalog has NAND chips" 5 "$(echo "$chips" | wc -w)"
for chip in $chips; do
  mtd=$(mtd_number "$chip")
  if [ -z "$mtd" ]; then
    fail "$chip: an MTD on flashmodel-pci (add its -device line above)"
    continue
  fi
  pass "$chip: an MTD on flashmodel-pci"
  page=$(info_value "$chip" page | sed 's/ + .*//')
  oob=$(info_value "$chip" page | sed 's/.* + \([0-9]*\) .*/\1/')
  block_kib=$(info_value "$chip" block | sed 's/.* \([0-9]*\) KiB.*/\1/')
  size=$(info_value "$chip" size | sed 's/.*(\([0-9]*\) bytes.*/\1/')
  check_eq "$chip: page size" "$page" "$(mtd_attr "$mtd" writesize)"
  check_eq "$chip: OOB size" "$oob" "$(mtd_attr "$mtd" oobsize)"
  check_eq "$chip: erase size" "$((block_kib * 1024))" "$(mtd_attr "$mtd" erasesize)"
  check_eq "$chip: size" "$size" "$(mtd_attr "$mtd" size)"
  check_eq "$chip: type" "$(flashmodel info "$chip" | grep -q '(nand-mlc)' && echo mlc-nand || echo nand)" \
    "$(mtd_attr "$mtd" type)"
  onfi_model=$(flashmodel info "$chip" | sed -n 's/^  manufacturer \/ model  *[^/]* \/ \([^ ]*\) .*/\1/p')
  if [ -n "$onfi_model" ]; then
    check "$chip: detected by its ONFI parameter page as $onfi_model" \
      grep -q "$chip: ONFI NAND $onfi_model" /tmp/dmesg
    best=$(info_value "$chip" "timing modes" | tr -d ' ' | tr ',' '\n' | tail -n 1)
    check "$chip: runs at ONFI timing mode $best" grep -q "$chip: ONFI timing mode $best\$" /tmp/dmesg
  else
    check "$chip: detected from its ID bytes" grep -q "$chip: NAND, " /tmp/dmesg
  fi
done
# The kernel's own detection lines, for the record.
diag "$(grep -E 'nand: |flashmodel-pci ' /tmp/dmesg | grep -v 'Bad eraseblock')"
finish
