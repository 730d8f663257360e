# Parallel NOR on QEMU's flashmodel-pci device: Linux's cfi_probe finds
# each chip (AMD and Intel command sets, x16 and x8 buses) with the
# descriptor's geometry through the driver's map_info, and JFFS2 works
# on it through cfi_cmdset_0002 and cfi_cmdset_0001. The first chip takes
# its datasheet times in the guest's clock (timing=guest: 0.5 s a sector
# erase, so Linux really polls DQ6/DQ7); the others complete at once, to
# keep the run short.
#glue-qemu: -device flashmodel-pci,chip=spansion-s29gl128p,bus-width=16,timing=guest
#glue-qemu: -device flashmodel-pci,chip=micron-js28f128j3d,bus-width=16
#glue-qemu: -device flashmodel-pci,chip=spansion-s29gl128p,bus-width=8
. /fm/lib.sh

dmesg > /tmp/dmesg
diag "$(grep -E "flashmodel-pci|cfi|CFI|Amd|Intel|Found" /tmp/dmesg)"

# The MTDs in probe order: /proc/mtd lists them as registered.
mtds=$(sed -n 's/^mtd\([0-9]*\): .*"\(spansion-s29gl128p\|micron-js28f128j3d\)"$/\1/p' /proc/mtd)
check_eq "three CFI chips registered" 3 "$(echo $mtds | wc -w)"

# nor_geometry MTD CHIP COMMAND-SET BUS
nor_geometry() {
  local mtd=$1 chip=$2 cmdset=$3 bus=$4
  local sectors kib
  sectors=$(flashmodel info "$chip" | sed -n 's/^  erase sectors  *\([0-9]*\) x \([0-9]*\) KiB$/\1 \2/p')
  kib=${sectors#* }
  check_eq "$chip x$bus: type" nor "$(mtd_attr "$mtd" type)"
  check_eq "$chip x$bus: size" "$(( ${sectors% *} * kib * 1024 ))" "$(mtd_attr "$mtd" size)"
  check_eq "$chip x$bus: erase size" "$((kib * 1024))" "$(mtd_attr "$mtd" erasesize)"
  check_eq "$chip x$bus: write size" 1 "$(mtd_attr "$mtd" writesize)"
  check "$chip x$bus: cfi_probe used command set $cmdset" \
    grep -q "$chip: CFI NOR, command set $cmdset, .*, x$bus," /tmp/dmesg
}

set -- $mtds
nor_geometry "$1" spansion-s29gl128p 0002 16
nor_geometry "$2" micron-js28f128j3d 0001 16
nor_geometry "$3" spansion-s29gl128p 0002 8
jffs2_round "$1" "AMD x16"
jffs2_round "$2" "Intel x16"
jffs2_round "$3" "AMD x8"
finish
