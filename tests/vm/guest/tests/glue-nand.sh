# Every shipped NAND descriptor on QEMU's flashmodel-pci device, driven by
# Linux's own nand_base through kernel/flashmodel-pci-core.c: the chip is
# identified (ONFI parameter page or ID table), with the descriptor's
# geometry, bus width and (ONFI) ECC requirement, by the vendor code of
# the descriptor's manufacturer, and ONFI chips run at their best timing
# mode. The vendor line nand_base printed for each chip is listed. A part
# with the JEDEC parameter page is identified by nand_jedec.c (the model
# string of its page, no ONFI); packages with several LUNs or chip enables
# are one chip per chip enable to nand_scan, with nanddev's LUNs per
# target the descriptor's.
#glue-qemu: -device flashmodel-pci,chip=esmt-f59l2g81a
#glue-qemu: -device flashmodel-pci,chip=hynix-h27u4g6f2d
#glue-qemu: -device flashmodel-pci,chip=hynix-h27ubg8t2btr
#glue-qemu: -device flashmodel-pci,chip=hynix-h27ucg8t2atr
#glue-qemu: -device flashmodel-pci,chip=hynix-h27ucg8t2etr
#glue-qemu: -device flashmodel-pci,chip=macronix-mx30lf1g18ac
#glue-qemu: -device flashmodel-pci,chip=macronix-mx30lf2g28ad
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f16g
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f2g
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f32g
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f32g08cbada
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f4g
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f4g16
#glue-qemu: -device flashmodel-pci,chip=micron-mt29f8g
#glue-qemu: -device flashmodel-pci,chip=samsung-k9f1208
#glue-qemu: -device flashmodel-pci,chip=samsung-k9f2g08
#glue-qemu: -device flashmodel-pci,chip=spansion-s34ml04g1
#glue-qemu: -device flashmodel-pci,chip=toshiba-tc58bvg0s3hta00
#glue-qemu: -device flashmodel-pci,chip=toshiba-tc58nvg0s3e
#glue-qemu: -device flashmodel-pci,chip=toshiba-tc58nvg2s0f
#glue-qemu: -device flashmodel-pci,chip=toshiba-tc58teg5dcjta00
#glue-qemu: -device flashmodel-pci,chip=toshiba-tc58teg5dclta00
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
  # nand_base's "nand: <manufacturer> <model>" line printed just before
  # this chip's report: the manufacturer whose vendor code (nand_<vendor>.c
  # detect and init) ran for it.
  vendor_line=$(awk -v chip="$chip: " '
    /nand: / && !/device found|MiB, |bus width|chips detected/ { sub(/.*nand: /, ""); last = $0 }
    index($0, chip) && / MiB, x/ { print last; exit }' /tmp/dmesg)
  vendor=$(flashmodel info "$chip" | sed -n '1s/^[^:]*: \([^ ]*\) .*/\1/p')
  diag "$chip: Linux vendor path: $vendor_line"
  # Linux's names join some vendors: "AMD/Spansion", "Toshiba"
  case "/${vendor_line%% *}/" in
    */"$vendor"/*) pass "$chip: Linux's manufacturer is $vendor (its nand_<vendor>.c ran)" ;;
    *) fail "$chip: Linux's manufacturer is $vendor (its nand_<vendor>.c ran)"
       diag "got: ${vendor_line%% *}" ;;
  esac
  # flashmodel-pci's report line: "..., <size> MiB, x<bus>, <page>+<oob>-byte
  # pages, <block> KiB blocks, <ECC> (chip needs <strength>/<step>)"
  report=$(grep "flashmodel-pci .*: $chip: .* MiB, x" /tmp/dmesg | head -n 1)
  bus=$(info_value "$chip" 'bus width' | cut -d ' ' -f 1)
  check_eq "$chip: bus width" "$bus" "$(echo "$report" | sed -n 's/.* MiB, \(x[0-9]*\), .*/\1/p')"
  ecc=$(info_value "$chip" 'ECC required' | sed -n 's/^\([0-9]*\) bits per \([0-9]*\) bytes$/\1\/\2/p')
  # The requirement Linux found (parameter page, ID bytes, ID table) is
  # the descriptor's; none where the descriptor states none.
  if [ -n "$ecc" ]; then
    check_eq "$chip: ECC requirement" "$ecc" "$(echo "$report" | sed -n 's/.*(chip needs \([0-9/]*\))$/\1/p')"
  else
    check "$chip: no ECC requirement, as Linux sees it" sh -c 'echo "$1" | grep -q "(no stated requirement)$"' - "$report"
  fi
  # Chip enables and LUNs: nand_scan() finds one chip per chip enable
  # (nand_base says "N chips detected" for more than one), each with
  # nanddev's LUNs per target; flashmodel-pci prints nanddev's view.
  ces=$(info_value "$chip" 'chip enables' | cut -d ' ' -f 1)
  luns=$(info_value "$chip" 'LUNs per chip enable')
  package=$(grep "flashmodel-pci .*: $chip: [0-9]* target(s) of" /tmp/dmesg | head -n 1)
  check_eq "$chip: chip enables (nanddev targets)" "$ces" \
    "$(echo "$package" | sed -n 's/.*: \([0-9]*\) target(s) of .*/\1/p')"
  check_eq "$chip: LUNs per chip enable (nanddev)" "$luns" \
    "$(echo "$package" | sed -n 's/.* target(s) of \([0-9]*\) LUN(s).*/\1/p')"
  if [ "$ces" -gt 1 ]; then
    check "$chip: nand_base found $ces chips" grep -q "nand: $ces chips detected" /tmp/dmesg
  fi
  onfi_model=$(flashmodel info "$chip" | sed -n 's/^  manufacturer \/ model  *[^/]* \/ \([^ ]*\) .*/\1/p')
  if flashmodel info "$chip" | grep -q '^ONFI: not supported; JEDEC parameter page'; then
    # nand_jedec_detect() named the chip after its page's model (an ID
    # table match would have printed the table's name); no ONFI page.
    check_eq "$chip: detected by its JEDEC parameter page as $onfi_model" \
      "$vendor $onfi_model" "$vendor_line"
    check "$chip: no ONFI parameter page" grep -q "$chip: NAND\( (MLC)\)\{0,1\}, " /tmp/dmesg
    # Without ONFI, Linux 6.1 stays at SDR timing mode 0, as on a board:
    # nand_toshiba.c's tc58teg5dclta00 hook fills mode 5, but the
    # nand_choose_best_sdr_timings(chip, iface, NULL) it then calls
    # starts from mode 0 on a part without an ONFI page.
    check "$chip: runs at SDR timing mode 0" grep -q "$chip: SDR timing mode 0\$" /tmp/dmesg
  elif [ -n "$onfi_model" ]; then
    check "$chip: detected by its ONFI parameter page as $onfi_model" \
      grep -q "$chip: ONFI NAND $onfi_model" /tmp/dmesg
    best=$(info_value "$chip" "timing modes" | tr -d ' ' | tr ',' '\n' | tail -n 1)
    check "$chip: runs at ONFI timing mode $best" grep -q "$chip: ONFI timing mode $best\$" /tmp/dmesg
  else
    check "$chip: detected from its ID bytes" grep -q "$chip: NAND\( (MLC)\)\{0,1\}, " /tmp/dmesg
  fi
done
# nand_hynix.c read the read retry table of hynix-h27ucg8t2etr (a 1x nm
# part: READ ID 40h answers JEDEC) from its OTP area: a failure would
# have said so, and failed the part's probe.
check "nand_hynix.c initialised read retry (no 'failed to initialize read-retry infrastructure')" \
  sh -c '! grep -q "failed to initialize read-retry infrastructure" /tmp/dmesg'
# The kernel's own detection lines, for the record.
diag "$(grep -E 'nand: |flashmodel-pci ' /tmp/dmesg | grep -v 'Bad eraseblock')"
finish
