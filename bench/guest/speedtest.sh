# mtd_speedtest on micron-mt29f4g served by muse-chip, or (--glue) on
# QEMU's flashmodel-pci device under nand_base, and on nandsim in the same
# guest boot: the same chip (micron-mt29f4g's ID bytes for nandsim) and
# the same ECC (BCH-4 per 512 bytes), alternating runs. Prints KiB/s and
# the ratio. Arguments: [--glue] [ERASEBLOCKS per run (default 256, i.e.
# 32 MiB) [ROUNDS (default 2)]].
. /fm/lib.sh

subject=MUSE
if [ "${1:-}" = --glue ]; then subject=glue; shift; fi
count=${1:-256}
rounds=${2:-2}

# speedtest DEV: the "<what> speed is N KiB/s" lines as "what=N".
speedtest() {
  dmesg -c > /dev/null
  modprobe mtd_speedtest dev="$1" count="$count" 2>/dev/null
  rmmod mtd_speedtest 2>/dev/null
  dmesg -c | sed -n 's/.*mtd_speedtest: \(.*\) speed is \([0-9]*\) KiB\/s.*/\1=\2/p' | tr ' ' '_'
}

modprobe nandsim id_bytes=0x2c,0xdc,0x90,0x95,0x56 bch=4 || bail "nandsim did not load"
nandsim=$(mtd_number "NAND simulator partition 0")
if [ "$subject" = glue ]; then
  mtd=$(mtd_number micron-mt29f4g)
  [ -n "$mtd" ] || bail "no micron-mt29f4g on flashmodel-pci"
else
  start_muse muse --chip micron-mt29f4g || bail "muse-chip did not start"
fi
check_eq "nandsim and $subject serve the same size" "$(mtd_attr "$nandsim" size)" "$(mtd_attr "$mtd" size)"
check_eq "and the same ECC strength" "$(mtd_attr "$nandsim" ecc_strength)" "$(mtd_attr "$mtd" ecc_strength)"

: > /tmp/muse.txt
: > /tmp/nandsim.txt
for r in $(seq 1 "$rounds"); do
  speedtest "$mtd" >> /tmp/muse.txt
  speedtest "$nandsim" >> /tmp/nandsim.txt
done
check "mtd_speedtest measured $subject" test -s /tmp/muse.txt
check "mtd_speedtest measured nandsim" test -s /tmp/nandsim.txt

echo
echo "mtd_speedtest, $count eraseblocks of 128 KiB, mean of $rounds runs each (KiB/s):"
awk -F= -v subject="$subject" '
  FNR == 1 { file++ }
  { sum[file, $1] += $2; n[file, $1]++; if (!seen[$1]++) order[++k] = $1 }
  END {
    printf "  %-28s %12s %12s %8s\n", "test", subject, "nandsim", "ratio"
    for (i = 1; i <= k; i++) {
      t = order[i]; m = sum[1, t] / n[1, t]; s = sum[2, t] / n[2, t]
      name = t; gsub("_", " ", name)
      printf "  %-28s %12.0f %12.0f %7.2fx\n", name, m, s, s ? m / s : 0
    }
  }' /tmp/muse.txt /tmp/nandsim.txt
echo "each run (KiB/s):"
paste -d' ' /tmp/muse.txt /tmp/nandsim.txt | sed "s/^/  $subject|nandsim /" | grep -E "eraseblock|page_(read|write)=" | head -40
echo
[ "$subject" = MUSE ] && check "muse-chip stops" stop_muse
finish
