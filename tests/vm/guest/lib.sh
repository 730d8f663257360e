# Shared by the guest tests (busybox ash): TAP output, and starting and
# stopping muse-chip. Source it, call checks, end with `finish`.

tap_n=0
tap_failed=0

pass() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
fail() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
# skip DESCRIPTION REASON: a test point this kernel cannot run.
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

# The kernel the host booted (tests/vm/run --kernel): built (the test
# kernel, tests/vm/kernel.config) or stock-6.1 / stock-6.12 (Debian's).
fm_kernel=$(sed -n 's/.*fm\.kernel=\([^ ]*\).*/\1/p' /proc/cmdline)
fm_kernel=${fm_kernel:-built}

# have_mtd_tests: the kernel's MTD test modules (drivers/mtd/tests) can be
# loaded. Debian's kernels have none (CONFIG_MTD_TESTS is off); the test
# kernel must have them, so there a missing one fails where it is used.
have_mtd_tests() {
  [ "$fm_kernel" = built ] || grep -q '/mtd_readtest\.ko:' "/lib/modules/$(uname -r)/modules.dep"
}

# wait_until SECONDS COMMAND [ARG...]: runs COMMAND every 0.1 s until it
# succeeds (status 0) or SECONDS have passed (status 1). For what the
# kernel does in the background: the bound only matters when it fails.
wait_until() {
  local limit=$(($1 * 10)) i=0
  shift
  until "$@"; do
    i=$((i + 1))
    [ "$i" -ge "$limit" ] && return 1
    sleep 0.1
  done
}

# check DESCRIPTION COMMAND [ARG...]: passes when COMMAND succeeds; its
# output becomes diagnostics when it fails. COMMAND runs in this shell
# (not a subshell), so shell functions may change variables and reap jobs.
check() {
  local desc="$1"
  shift
  if "$@" > /tmp/check.out 2>&1; then
    pass "$desc"
  else
    fail "$desc"
    diag "\$ $*" "$(cat /tmp/check.out)"
  fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
  if [ "$2" = "$3" ]; then
    pass "$1"
  else
    fail "$1"
    diag "expected: $2" "got:      $3"
  fi
}

# check_ge DESCRIPTION MINIMUM ACTUAL (integers)
check_ge() {
  if [ "$3" -ge "$2" ] 2>/dev/null; then
    pass "$1 ($3 >= $2)"
  else
    fail "$1"
    diag "expected at least $2, got $3"
  fi
}

# run_mtd_test MODULE SUCCESS_PATTERN [PARAM...]: loads a kernel MTD test module
# (it runs in its init), unloads it, and passes if the kernel log shows
# SUCCESS_PATTERN and no error report. Skipped on a kernel without them.
run_mtd_test() {
  local module="$1" pattern="$2" log
  shift 2
  if ! have_mtd_tests; then
    skip "$module $*" "$fm_kernel has no MTD test modules"
    return
  fi
  dmesg -c > /dev/null
  modprobe "$module" "$@" 2>/dev/null
  rmmod "$module" 2>/dev/null
  log=$(dmesg -c)
  if printf '%s\n' "$log" | grep -q "$pattern" &&
     ! printf '%s\n' "$log" | grep -iE "error|fail|mismatch" | grep -qvE "with 0 errors|expected"; then
    pass "$module $*"
  else
    fail "$module $*"
    printf '%s\n' "$log" | tail -n 30 | sed 's/^/# /'
  fi
}

# run_nandbiterrs MTD [STRENGTH]: the kernel's mtd_nandbiterrs on MTD's page
# 64, which adds one bit error at the start of each subpage at a time (of
# the page's first ECC step where the MTD has no subpages, as spinand's),
# rewriting the page each time (more partial programs than a part's NOP
# allows: the chip must lift the limit), until the ECC gives up: an ECC
# of STRENGTH bits per step (default 4: BCH-4 per 512 bytes) corrects
# STRENGTH, reports one more. Skipped on a kernel without the MTD test
# modules.
run_nandbiterrs() {
  local log strength=${2:-4}
  if ! have_mtd_tests; then
    skip "mtd_nandbiterrs: $strength bit errors per step corrected, the next not" "$fm_kernel has no MTD test modules"
    return
  fi
  dmesg -c > /dev/null
  modprobe mtd_nandbiterrs dev="$1" page_offset=64 2>/dev/null
  log=$(dmesg -c)
  check "mtd_nandbiterrs finished" sh -c "printf '%s\n' \"\$1\" | grep -q 'finished successfully'" - "$log"
  check "$strength bit errors per step corrected" sh -c "printf '%s\n' \"\$1\" | grep -q 'Successfully corrected $strength bit errors per subpage'" - "$log"
  check "$((strength + 1)) bit errors per step reported uncorrectable" sh -c "printf '%s\n' \"\$1\" | grep -q 'After $((strength + 1)) biterrors per subpage, read reported error -74'" - "$log"
  check "no miscorrection" sh -c "! printf '%s\n' \"\$1\" | grep -q 'ECC failure'" - "$log"
}

# jffs2_round MTD LABEL: JFFS2 on NOR MTD number MTD holds files across a
# remount (the glue tests' NOR chips, CFI and SPI).
jffs2_round() {
  local mtd=$1 label=$2
  # -j: with JFFS2 clean markers, so that every sector is free at once
  check "$label: flash_erase -j" flash_erase -q -j "/dev/mtd$mtd" 0 0
  mkdir -p /mnt/nor
  check "$label: mount JFFS2" mount -t jffs2 "mtd$mtd" /mnt/nor || return
  check "$label: write 1 MiB" dd if=/dev/urandom of=/mnt/nor/random bs=4096 count=256
  check "$label: write 50 files" sh -c 'for i in $(seq 1 50); do echo "file $i" > /mnt/nor/f$i || exit 1; done'
  check "$label: delete some" sh -c 'rm /mnt/nor/f1*'
  check "$label: checksums" sh -c '(cd /mnt/nor && md5sum random f2 f50) > /tmp/sums'
  check "$label: unmount" umount /mnt/nor
  check "$label: mount again" mount -t jffs2 "mtd$mtd" /mnt/nor
  check "$label: files intact" sh -c "cd /mnt/nor && md5sum -c -s /tmp/sums"
  check_eq "$label: deleted files stay deleted" 0 "$(ls /mnt/nor | grep -c '^f1')"
  check "$label: unmount again" umount /mnt/nor
}

# Lines of the kernel log that mean the kernel itself went wrong. (A bare
# call trace is not one: UBI and UBIFS dump the stack when an I/O error
# makes them go read-only, which some tests cause on purpose.)
kernel_trouble_re="Oops|BUG:|WARNING:|general protection|Kernel panic|kernel BUG|refcount_t:|use-after-free|list_add corruption|list_del corruption|unable to handle|blocked for more than"
kernel_trouble() {
  dmesg | grep -E "$kernel_trouble_re"
}

# The last test point of every script: the kernel stayed healthy.
finish() {
  local trouble
  trouble=$(kernel_trouble)
  if [ -z "$trouble" ]; then
    pass "kernel log has no oops, BUG or WARNING"
  else
    fail "kernel log has no oops, BUG or WARNING"
    diag "$trouble"
    dmesg | tail -n 80 | sed 's/^/# dmesg: /'
  fi
  echo "1..$tap_n"
  [ "$tap_failed" = 0 ]
  exit $?
}

# bail MESSAGE: a step the rest of the script needs has failed.
bail() {
  echo "Bail out! $*"
  dmesg | tail -n 40 | sed 's/^/# dmesg: /'
  exit 1
}

# ---- muse-chip ---------------------------------------------------------

muse_pid=

# The mtd number of the MTD device called NAME, or nothing.
mtd_number() {
  sed -n "s/^mtd\([0-9]*\): [0-9a-f]* [0-9a-f]* \"$1\"\$/\1/p" /proc/mtd | head -n 1
}

# wait_mtd NAME: prints the number of the MTD called NAME, waiting up to
# 10 s for it (partitions appear a moment after their master).
wait_mtd() {
  local i n
  for i in $(seq 1 100); do
    n=$(mtd_number "$1")
    [ -n "$n" ] && { echo "$n"; return 0; }
    sleep 0.1
  done
  return 1
}

# glue_mtd_name CHIP: the name of the MTD Linux made of CHIP on QEMU's
# flashmodel-pci device: CHIP (nand_base, cfi_probe and spi-nor name it
# after the chip), or for a SPI NAND part the spi device's (spinand names
# its MTD after that: spi0.0), found under the PCI device whose "chip"
# attribute is CHIP.
glue_mtd_name() {
  local dev mtd
  for dev in /sys/bus/pci/drivers/flashmodel-pci/0000:*; do
    [ "$(cat "$dev/chip" 2>/dev/null)" = "$1" ] || continue
    for mtd in "$dev"/spi_master/spi*/spi*/mtd/mtd*; do
      case "$mtd" in *ro) continue ;; esac
      [ -f "$mtd/name" ] && { cat "$mtd/name"; return 0; }
    done
  done
  echo "$1"
}

# partition_mtd MASTER NAME:SIZE...: partitions the MTD called MASTER
# as mtdparts= on the kernel command line would (SIZE in MiB, or - for the
# rest), for kernels without the command-line parser
# (CONFIG_MTD_CMDLINE_PARTS; Debian's have none): mtdpart, BLKPG ioctls
# that any kernel's MTD core answers. Unlike mtdparts=, MASTER stays.
partition_mtd() {
  local master part name size offset=0 total
  master=$(mtd_number "$1") || return 1
  [ -n "$master" ] || { echo "no MTD called $1"; return 1; }
  total=$(mtd_attr "$master" size)
  shift
  for part; do
    name=${part%%:*} size=${part#*:}
    if [ "$size" = - ]; then size=$((total - offset)); else size=$((size * 1048576)); fi
    mtdpart add "/dev/mtd$master" "$name" "$offset" "$size" || return 1
    offset=$((offset + size))
  done
}

# start_muse NAME [muse-chip ARG...]: serves a chip as the MTD called NAME
# (passed as --name) and waits until it is registered; sets $mtd to its
# number and $muse_pid. Its messages go to /tmp/muse-NAME.log. With
# --mtdparts, a kernel without CONFIG_MTD_PARTITIONED_MASTER (Debian's)
# registers the partitions alone: then it waits for the first partition,
# and $mtd is empty (use the partitions).
start_muse() {
  local name="$1" first="$1" prev= arg i
  shift
  for arg; do
    case "$prev" in --mtdparts) first=$(echo "$arg" | sed -n 's/^[^(]*(\([^)]*\)).*/\1/p') ;; esac
    case "$arg" in --mtdparts=*) first=$(echo "${arg#*=}" | sed -n 's/^[^(]*(\([^)]*\)).*/\1/p') ;; esac
    prev=$arg
  done
  [ -e /dev/muse ] || modprobe muse || bail "modprobe muse failed"
  muse-chip --name "$name" "$@" > "/tmp/muse-$name.log" 2>&1 &
  muse_pid=$!
  for i in $(seq 1 300); do
    mtd=$(mtd_number "$name")
    [ -n "$mtd" ] && return 0
    # The master is registered before its partitions: read again.
    if [ "$first" != "$name" ] && [ -n "$(mtd_number "$first")" ]; then
      mtd=$(mtd_number "$name")
      return 0
    fi
    if ! kill -0 "$muse_pid" 2>/dev/null; then
      diag "muse-chip exited:" "$(cat "/tmp/muse-$name.log")"
      return 1
    fi
    sleep 0.1
  done
  diag "no MTD called $first after 30 s:" "$(cat "/tmp/muse-$name.log")"
  return 1
}

# stop_muse: SIGTERM, then waits; fails if muse-chip does not exit cleanly.
stop_muse() {
  local status
  kill -TERM "$muse_pid"
  wait "$muse_pid"
  status=$?
  muse_pid=
  return $status
}

# json_num FILE SECTION KEY: the number member KEY of object SECTION in a
# summary.json of flashmodel's (one member per line), e.g. erase_count total.
json_num() { sed -n "/\"$2\": {/,/}/ s/^ *\"$3\": \([0-9.]*\),\{0,1\}$/\1/p" "$1"; }

# sysfs attribute ATTR of mtd number N.
mtd_attr() { cat "/sys/class/mtd/mtd$1/$2"; }
