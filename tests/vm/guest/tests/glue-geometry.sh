# The same chip two ways in one boot: on QEMU's flashmodel-pci device,
# where Linux's nand_base detects it and picks its ECC (ecc=auto), and
# served by muse-chip (--ecc auto): the two MTDs must look the same to
# what runs on them (mtdinfo, UBI, UBIFS), sub-pages included: every
# geometry attribute in sysfs is compared, for raw NAND parts of each
# kind (ONFI, ID table only, small page, x16, MLC, BENAND with its own ECC,
# an ECC requirement from the READ ID bytes or from Linux's ID table).
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f4g
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f4g16
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f32g
#glue-qemu: -device flashmodel-pci,chip=samsung-k9f1208
#glue-qemu: -device flashmodel-pci,chip=samsung-k9f2g08
#glue-qemu: -device flashmodel-pci,chip=winbond-w29n01hv
#glue-qemu: -device flashmodel-pci,chip=toshiba-tc58bvg0s3hta00
#glue-qemu: -device flashmodel-pci,chip=esmt-f59l2g81a
#glue-qemu: -device flashmodel-pci,chip=toshiba-tc58nvg2s0f
. /fm/lib.sh

attrs="type size erasesize writesize subpagesize oobsize oobavail ecc_strength ecc_step_size bitflip_threshold"
for chip in $(sed -n 's/^#glue-qemu: .*chip=//p' /fm/script.sh); do
  glue=$(wait_mtd "$chip")
  if [ -z "$glue" ]; then
    fail "$chip: an MTD on flashmodel-pci"
    continue
  fi
  if ! start_muse "muse-$chip" --chip "$chip"; then
    fail "$chip: served by muse-chip"
    continue
  fi
  for a in $attrs; do
    check_eq "$chip: $a" "$(mtd_attr "$glue" "$a")" "$(mtd_attr "$mtd" "$a")"
  done
  diag "$chip: $(for a in $attrs; do printf '%s=%s ' "$a" "$(mtd_attr "$mtd" "$a")"; done)"
  check "$chip: muse-chip stops" stop_muse
done
finish
