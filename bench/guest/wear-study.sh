# The wear study's guest side (bench/wear-study runs it): UBIFS on
# micron-mt29f4g served by muse-chip, filled with cold data once, then hot
# files rewritten until DATA MiB have been written; the erase counts UBI
# produced come out of muse-chip's live statistics (--stats-mount), sampled
# as the workload runs. Then, with PEER 1, the same workload on nandsim
# (the same chip's ID bytes, BCH-4/512) in the same boot, for the rates.
#
# Arguments: DATA_MIB COLD_PERCENT HOT_FILES HOT_KIB SAMPLES PEER
# Files for the host are printed between "#@file NAME" and "#@end", each
# line prefixed "#@ " (TAP diagnostics, so the harness passes them on).
. /fm/lib.sh

data_mib=$1 cold_pct=$2 hot_files=$3 hot_kib=$4 samples=$5 peer=$6
stats=/run/wear-stats
pool_blocks=2048   # 8 MiB of random data, in 4 KiB blocks, to write from
mkdir -p "$stats" /mnt/study

# Seconds since boot, two decimals (busybox date has no %N).
now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# CPU seconds (user + system) process PID has used.
cpu_s() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }
# Seconds muse-chip has spent serving requests (not waiting for them).
busy_s() { json_num "$stats/summary.json" live busy_s; }
# Of which in the chip model itself.
model_s() { json_num "$stats/summary.json" live model_s; }

# put NAME KIB SEQ: a file of KIB KiB of random data (a slice of the pool
# chosen by SEQ, so no two writes are alike), written through to the chip.
put() {
  dd if=/tmp/pool of="/mnt/study/$1" bs=4k count=$(($2 / 4)) \
     skip=$(( ($3 * 61) % (pool_blocks - $2 / 4) )) conv=fsync 2> /dev/null
}

# emit NAME FILE: FILE to the host.
emit() {
  echo "#@file $1"
  sed 's/^/#@ /' "$2"
  echo "#@end"
}

# sample LABEL WRITTEN_MIB T0: one row of the time series, from the live
# statistics, and a progress line.
sample() {
  local s="$stats/summary.json" t total max min
  t=$(elapsed "$3" "$(now)")
  total=$(json_num "$s" erase_count total)
  max=$(json_num "$s" erase_count max)
  min=$(json_num "$s" erase_count min)
  echo "$1,$2,$t,$total,$min,$max,$(json_num "$s" erase_count stddev),$(busy_s)" >> /tmp/series.csv
  diag "$1: $2 MiB in $t s, erases $total (min $min, max $max)"
}

# study MTD LABEL: the workload on MTD; sets cold_rate and hot_rate (MiB/s).
# With LABEL muse, samples the live statistics along the way.
study() {
  local mtd=$1 label=$2 avail cold_files i t0 t1 written=0 round=0 next step
  ubiformat -q -y "/dev/mtd$mtd" || bail "$label: ubiformat failed"
  ubiattach -m "$mtd" -d 0 > /dev/null || bail "$label: ubiattach failed"
  ubimkvol /dev/ubi0 -N study -m > /dev/null || bail "$label: ubimkvol failed"
  # Random data does not compress: spare the guest's CPU the attempt.
  mount -t ubifs -o compr=none ubi0:study /mnt/study || bail "$label: no UBIFS"
  avail=$(df -k /mnt/study | awk 'NR == 2 { print $4 }')
  cold_files=$((avail / 1024 * cold_pct / 100))
  diag "$label: UBIFS has $((avail / 1024)) MiB free; $cold_files MiB of cold files," \
       "then $data_mib MiB over $hot_files hot files of $hot_kib KiB"

  t0=$(now)
  for i in $(seq 1 "$cold_files"); do put "cold-$i" 1024 "$i"; done
  sync
  t1=$(now)
  cold_rate=$(awk -v m="$cold_files" -v t="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.2f", (t > 0 ? m / t : 0) }')
  [ "$label" = muse ] && sample cold "$cold_files" "$t0"

  step=$(( (data_mib * 1024 + samples - 1) / samples ))
  next=$step
  t0=$(now)
  [ "$label" = muse ] && cpu0=$(cpu_s "$muse_pid") busy0=$(busy_s) model0=$(model_s)
  while [ "$written" -lt $((data_mib * 1024)) ]; do
    for i in $(seq 1 "$hot_files"); do
      put "hot-$i" "$hot_kib" $((round * hot_files + i))
      written=$((written + hot_kib))
    done
    round=$((round + 1))
    # A sample every STEP KiB, and one at the end whatever the rounding.
    if [ "$label" = muse ] && { [ "$written" -ge "$next" ] || [ "$written" -ge $((data_mib * 1024)) ]; }; then
      sample hot $((written / 1024)) "$t0"
      next=$((next + step))
    fi
  done
  sync
  t1=$(now)
  hot_s=$(elapsed "$t0" "$t1")
  hot_rate=$(awk -v m="$written" -v t="$hot_s" 'BEGIN { printf "%.2f", (t > 0 ? m / 1024 / t : 0) }')
  if [ "$label" = muse ]; then
    muse_cpu=$(awk -v a="$cpu0" -v b="$(cpu_s "$muse_pid")" 'BEGIN { printf "%.2f", b - a }')
    muse_busy=$(awk -v a="$busy0" -v b="$(busy_s)" 'BEGIN { printf "%.2f", b - a }')
    muse_model=$(awk -v a="$model0" -v b="$(model_s)" 'BEGIN { printf "%.2f", b - a }')
  fi
  check "$label: the hot files read back" sh -c "cat /mnt/study/hot-* > /dev/null"
  umount /mnt/study
  ubidetach -m "$mtd" > /dev/null
  # What UBI erased on the way out counts too.
  [ "$label" = muse ] && sample end $((written / 1024)) "$t0"
  diag "$label: cold fill $cold_rate MiB/s, hot rewrites $hot_rate MiB/s ($hot_s s)"
}

dd if=/dev/urandom of=/tmp/pool bs=4k count="$pool_blocks" 2> /dev/null
echo "phase,written_mib,seconds,erase_total,erase_min,erase_max,erase_stddev,server_busy_s" > /tmp/series.csv

# An image (in the guest's RAM) rather than a volatile chip, so that the
# reports name it; virtual time, so that the chip ages by its datasheet
# times and the report can project its lifetime (it costs no waiting).
start_muse study --chip micron-mt29f4g --image /tmp/wear-study.img --timing virtual \
  --stats-mount "$stats" ||
  bail "muse-chip did not start"
study "$mtd" muse
muse_cold=$cold_rate muse_hot=$hot_rate muse_hot_s=$hot_s
check_ge "the workload erased blocks" 1 "$(json_num "$stats/summary.json" erase_count total)"
emit summary.json "$stats/summary.json"
emit erase_counts.csv "$stats/erase_counts.csv"
emit series.csv /tmp/series.csv
check "muse-chip stops" stop_muse

diag "in the $muse_hot_s s of hot rewrites muse-chip served requests for $muse_busy s" \
     "($muse_model s in the model) and used $muse_cpu s of CPU"
{
  echo "subject,cold_mib_s,hot_mib_s,hot_s,server_cpu_s,server_busy_s,model_s"
  echo "muse,$muse_cold,$muse_hot,$muse_hot_s,$muse_cpu,$muse_busy,$muse_model"
} > /tmp/rates.csv
if [ "$peer" = 1 ]; then
  modprobe nandsim id_bytes=0x2c,0xdc,0x90,0x95,0x56 bch=4 || bail "nandsim did not load"
  study "$(mtd_number "NAND simulator partition 0")" nandsim
  echo "nandsim,$cold_rate,$hot_rate,$hot_s,,," >> /tmp/rates.csv
  rmmod nandsim
fi
emit rates.csv /tmp/rates.csv
finish
