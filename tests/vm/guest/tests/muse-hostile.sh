# A hostile MUSE server (tests/vm/muse-hostile.c) against the kernel:
# replies with wrong lengths, an inconsistent retlen, huge max_bitflips,
# errors in the reply header, replies to requests that do not exist,
# double replies, notifications, a stall then a close, and absurd or
# garbled INIT replies; and the transport's own rules (kernel/muse-chan.h):
# read buffers too small or faulting, replies that fault, in many iovecs,
# a server that polls, callers killed while their request is queued, held
# by the server, or anywhere. Each case passes when its caller gets an
# error (or, where the kernel tolerates the misbehaviour, the right result)
# without hanging, the MTD goes when the server closes, the server saw
# nothing UNEXPECTED, and the kernel log gains no oops, BUG, WARNING, soft
# lockup or failed allocation.
#
# Regressions (issue 16): an -EBADMSG in a READ reply's header made the
# read loop send the same request forever (read-hdr-ebadmsg hung); a
# max_bitflips of 2^31 or more reached user space as a negative errno
# (read-bitflips-*).
#kernel-append: log_buf_len=4M
. /fm/lib.sh

modprobe muse || bail "modprobe muse failed"
dd if=/dev/urandom of=/tmp/page bs=2048 count=1 2>/dev/null

hostile_pid=
log_mark=0
serve_args=
trouble_re="$kernel_trouble_re|page allocation failure|vmalloc error"

start_hostile() {
  log_mark=$(dmesg | wc -l)
  muse-hostile serve "$@" > /tmp/hostile.log 2>&1 &
  hostile_pid=$!
}

# The server closes (it may be gone already); its MTD must go within 5 s.
stop_hostile() {
  local i
  kill -TERM "$hostile_pid" 2>/dev/null
  wait "$hostile_pid" 2>/dev/null
  for i in $(seq 1 50); do
    [ "$(wc -l < /proc/mtd)" = 1 ] && return 0
    sleep 0.1
  done
  return 1
}

# Kernel log lines since start_hostile.
new_kernel_log() { dmesg | tail -n +$((log_mark + 1)); }

# after_checks WHY: WHY, or what else went wrong: the server saw the
# kernel break a rule of the transport, or the kernel log has trouble.
after_checks() {
  if [ -n "$1" ]; then
    echo "$1"
  elif grep -q UNEXPECTED /tmp/hostile.log; then
    echo "the server saw: $(grep UNEXPECTED /tmp/hostile.log | head -n 3)"
  elif new_kernel_log | grep -qE "$trouble_re"; then
    echo "kernel trouble: $(new_kernel_log | grep -E "$trouble_re" | head -n 3)"
  fi
}

# report NAME WHY: one test point; WHY empty means it passed.
report() {
  if [ -z "$2" ]; then
    pass "$1"
    return
  fi
  fail "$1"
  diag "$2"
  [ -s /tmp/caller.out ] && sed 's/^/caller: /' /tmp/caller.out | tail -n 5 | sed 's/^/# /'
  tail -n 8 /tmp/hostile.log | sed 's/^/# server: /'
  new_kernel_log | tail -n 20 | sed 's/^/# dmesg: /'
}

# run_caller WORD...: runs the words with DEV, BLK and NUM in them replaced
# by the MTD's character device, its mtdblock device and its number.
run_caller() {
  local a n=$#
  for a; do
    a=$(printf '%s' "$a" | sed "s|DEV|/dev/mtd$mtd|g; s|BLK|/dev/mtdblock$mtd|g; s|NUM|$mtd|g")
    set -- "$@" "$a"
  done
  shift "$n"
  "$@"
}

# io_case CASE EXPECT CALLER...: serves the default NAND (with $serve_args
# added), arms CASE once the MTD is registered and runs CALLER for at most
# 20 s. EXPECT is "error" (the caller must fail) or "ok" (succeed),
# optionally followed by ":PATTERN" that its output must match (grep -E).
io_case() {
  local case=$1 expect=$2 why= status caller i
  shift 2
  : > /tmp/caller.out
  # $serve_args: words
  start_hostile --case "$case" $serve_args
  if ! mtd=$(wait_mtd hostile); then
    stop_hostile
    report "$case: $*" "the MTD did not appear"
    return
  fi
  kill -USR1 "$hostile_pid"
  run_caller "$@" > /tmp/caller.out 2>&1 &
  caller=$!
  i=0
  while kill -0 "$caller" 2>/dev/null && [ $i -lt 200 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  if kill -0 "$caller" 2>/dev/null; then
    why="the caller hung (killed after 20 s)"
    kill -KILL "$caller"
    stop_hostile   # the server's close ends a request it keeps refusing
  fi
  wait "$caller"
  status=$?
  if [ -z "$why" ]; then
    case "$expect" in
      error*) [ "$status" != 0 ] || why="the caller succeeded" ;;
      ok*) [ "$status" = 0 ] || why="the caller failed (exit status $status)" ;;
    esac
  fi
  case "$expect" in
    *:*) [ -n "$why" ] || grep -qE -- "${expect#*:}" /tmp/caller.out ||
           why="the caller's output does not match ${expect#*:}" ;;
  esac
  stop_hostile || [ -n "$why" ] || why="the MTD stayed after the server closed"
  report "$case${serve_args:+ ($serve_args)}: $* -> ${expect%%:*}" "$(after_checks "$why")"
}

# refused DESCRIPTION PATTERN [SERVE_ARG...]: the kernel refuses this INIT
# reply: no MTD appears, the server's connection is aborted (it exits)
# within 10 s, and a MUSE line of the kernel log matches PATTERN.
refused() {
  local desc=$1 pattern=$2 why= i
  shift 2
  : > /tmp/caller.out
  start_hostile "$@"
  for i in $(seq 1 100); do
    kill -0 "$hostile_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$hostile_pid" 2>/dev/null && why="the server is still connected after 10 s"
  [ "$(wc -l < /proc/mtd)" = 1 ] || why="an MTD was registered: $(tail -n +2 /proc/mtd)"
  stop_hostile || why="${why:-the MTD stayed after the server closed}"
  if [ -z "$why" ] && ! new_kernel_log | grep -E "MUSE: " | grep -qE -- "$pattern"; then
    why="no MUSE line of the kernel log matches $pattern"
  fi
  report "INIT refused: $desc" "$(after_checks "$why")"
}

rd="dd if=DEV of=/dev/null bs=2048 count=4"
wr="mtd_debug write DEV 0 2048 /tmp/page"
er="mtd_debug erase DEV 0 131072"

# ---- READ ----------------------------------------------------------------
io_case read-hdr-ebadmsg error $rd
io_case read-hdr-ebadmsg error dd if=BLK of=/dev/null bs=4096 count=1
io_case read-hdr-ebadmsg error muse-hostile memread DEV 0 8192
io_case read-hdr-euclean error $rd
io_case read-hdr-eio error $rd
io_case read-hdr-eio error ubiattach -m NUM -d 7
io_case read-hdr-positive ok $rd
io_case read-hdr-low ok $rd
io_case read-len-short error $rd
io_case read-len-long error $rd
io_case read-ooblen error $rd
io_case read-ooblen error nanddump -q -l 2048 -f /tmp/nd DEV
io_case read-payload-short error $rd
io_case read-payload-long error $rd
io_case read-soft-eio error $rd
io_case read-soft-positive error $rd
io_case read-soft-euclean "ok:errno=EUCLEAN max_bitflips=3 .*data=pattern" muse-hostile memread DEV 0 8192
io_case read-soft-ebadmsg "ok:errno=EBADMSG .*uncorrectable=1 data=pattern" muse-hostile memread DEV 0 8192
io_case read-bitflips-max "ok:errno=EUCLEAN max_bitflips=4 .*data=pattern" muse-hostile memread DEV 0 8192
io_case read-bitflips-2g "ok:errno=EUCLEAN max_bitflips=4 .*data=pattern" muse-hostile memread DEV 0 8192
io_case read-bitflips-max ok $rd
io_case read-bitflips-max ok sh -c "ubiformat -q -y DEV && ubiattach -m NUM -d 7 && ubidetach -d 7"
io_case read-double "ok:data=pattern" muse-hostile memread DEV 0 8192
io_case read-unknown "ok:data=pattern" muse-hostile memread DEV 0 8192
io_case read-notify "ok:data=pattern" muse-hostile memread DEV 0 8192
io_case read-hdr-len "ok:data=pattern" muse-hostile memread DEV 0 8192
io_case read-stall error $rd

# ---- WRITE, ERASE, ISBAD, MARKBAD, SYNC -----------------------------------
io_case write-hdr-ebadmsg error $wr
io_case write-hdr-euclean error $wr
io_case write-hdr-eio error $wr
io_case write-hdr-positive ok $wr
io_case write-hdr-low ok $wr
io_case write-len error $wr
io_case write-ooblen error $wr
io_case write-payload-short error $wr
io_case write-payload-long error $wr
io_case write-double ok nandtest -p 1 -l 131072 DEV
io_case write-stall error $wr
io_case erase-hdr-ebadmsg error $er
io_case erase-hdr-euclean error $er
io_case erase-hdr-eio error $er
# flash_erase reports a failed erase and goes on (its exit status stays 0).
io_case erase-hdr-eio "ok:MTD Erase failure" flash_erase -q DEV 0 1
io_case erase-hdr-positive ok $er
io_case erase-hdr-low ok $er
io_case erase-payload-long error $er
io_case erase-stall error $er
io_case isbad-hdr-ebadmsg error muse-hostile isbad DEV 0
io_case isbad-hdr-euclean error muse-hostile isbad DEV 0
io_case isbad-hdr-eio error muse-hostile isbad DEV 0
io_case isbad-hdr-eio error flash_erase -q DEV 0 1
io_case isbad-hdr-positive "ok:ret=0" muse-hostile isbad DEV 0
io_case isbad-hdr-low "ok:ret=0" muse-hostile isbad DEV 0
io_case isbad-payload-short error muse-hostile isbad DEV 0
io_case isbad-result "ok:ret=1" muse-hostile isbad DEV 0
io_case isbad-stall error muse-hostile isbad DEV 0
io_case markbad-hdr-ebadmsg error muse-hostile markbad DEV 131072
io_case markbad-hdr-euclean error muse-hostile markbad DEV 131072
io_case markbad-hdr-eio error muse-hostile markbad DEV 131072
io_case markbad-hdr-positive ok muse-hostile markbad DEV 131072
io_case markbad-hdr-low ok muse-hostile markbad DEV 131072
io_case markbad-payload-long error muse-hostile markbad DEV 131072
io_case markbad-stall error muse-hostile markbad DEV 131072
# SYNC's reply is ignored: the write before it stands.
io_case sync-hdr-eio ok $wr
io_case sync-payload-long ok $wr

# ---- INIT: the protocol ----------------------------------------------------
refused "an error in the header" "init request failed: -5" --case init-hdr-eio
refused "a positive error in the header, then a close" "init request failed" --case init-hdr-positive
refused "shorter than struct muse_init_out" "init request failed" --case init-short
refused "strings longer than MUSE_INIT_INFO_MAX" "init request failed" --case init-long
refused "strings without their last NUL" "not NUL-terminated" --case init-no-nul
refused "no strings" "not NUL-terminated" --case none --no-defaults
refused "another major version" "server speaks MUSE 2" --case init-major
refused "no reply, then a close" "init request failed" --case init-stall
io_case init-double "ok:data=pattern" muse-hostile memread DEV 0 2048

# ---- INIT: garbled strings ------------------------------------------------------
refused "a string without =" "is not KEY=VALUE" NOEQUALS
refused "an empty key" "is not KEY=VALUE" =5
refused "an empty string" "is not KEY=VALUE" ""
refused "an unknown key" "unknown key FOO" FOO=1
refused "an unknown TYPE" "unknown TYPE" TYPE=MTD_ABSENT
refused "a number that is not decimal" "FLAGS=0x400 is not" FLAGS=0x400
refused "a number above 2^32" "WRITESIZE=4294967296 is not" WRITESIZE=4294967296
refused "a negative SIZE" "SIZE=-1 is not" SIZE=-1
refused "no NAME" "NAME is required" --no-defaults TYPE=MTD_RAM SIZE=65536 WRITESIZE=1 ERASESIZE=4096
refused "an empty NAME" "NAME must have" NAME=
refused "a NAME of 64 characters" "NAME must have" NAME=$(printf 'n%.0s' $(seq 1 64))
refused "a newline in NAME" "not printable" "$(printf 'NAME=a\nb')"
refused "a byte 0xff in NAME" "not printable" "$(printf 'NAME=a\377b')"
refused "no SIZE" "are required" --no-defaults NAME=hostile TYPE=MTD_RAM WRITESIZE=1 ERASESIZE=4096

# ---- INIT: absurd geometry ------------------------------------------------------
refused "WRITESIZE not a power of two" "WRITESIZE 3 " WRITESIZE=3
refused "WRITESIZE 128 KiB" "WRITESIZE 131072 " WRITESIZE=131072 ERASESIZE=262144
refused "WRITESIZE + OOBSIZE near 2^32" "WRITESIZE 2147483648 " --max-read 4294967295 \
  --max-write 4294967295 WRITESIZE=2147483648 ERASESIZE=2147483648 OOBSIZE=2147483647 SIZE=2147483648
refused "ERASESIZE below WRITESIZE" "ERASESIZE 1024 " ERASESIZE=1024
refused "ERASESIZE not a power of two" "ERASESIZE 196608 " ERASESIZE=196608 SIZE=1966080
refused "ERASESIZE 128 MiB" "ERASESIZE 134217728 " ERASESIZE=134217728 SIZE=134217728
refused "SIZE 0" "SIZE=0 is not" SIZE=0
refused "SIZE not a multiple of ERASESIZE" "SIZE 100000 is not a multiple" SIZE=100000
refused "SIZE of 2^19 + 1 erase blocks" "SIZE 68719607808 is more than" SIZE=68719607808
refused "SIZE just below 2^64" "SIZE 18446744073709420544 is more than" SIZE=18446744073709420544
refused "SIZE of more than 2^32 pages" "is more than .* 2\^32 pages" TYPE=MTD_RAM WRITESIZE=1 \
  OOBSIZE=0 OOBAVAIL=0 ECCSTRENGTH=0 BITFLIPTHRESHOLD=0 ERASESIZE=65536 SIZE=8589934592
refused "OOBSIZE equal to WRITESIZE" "OOBSIZE 2048 < WRITESIZE" OOBSIZE=2048
refused "OOBAVAIL above OOBSIZE" "OOBAVAIL 65 <= OOBSIZE" OOBAVAIL=65
refused "SUBPAGESHIFT below a byte" "SUBPAGESHIFT 12 " SUBPAGESHIFT=12
refused "SUBPAGESHIFT 2^32 - 1" "SUBPAGESHIFT -1 " SUBPAGESHIFT=4294967295
refused "WRITEBUFSIZE below WRITESIZE" "WRITEBUFSIZE 1024 " WRITEBUFSIZE=1024
refused "WRITEBUFSIZE 1 GiB" "WRITEBUFSIZE 1073741824 " WRITEBUFSIZE=1073741824
refused "FLAGS with unknown bits" "FLAGS=0xffffffff has unknown bits" FLAGS=4294967295
refused "ECCSTEP 0" "ECCSTEP 0 must divide" ECCSTEP=0
refused "ECCSTEP not dividing WRITESIZE" "ECCSTEP 3 must divide" ECCSTEP=3
refused "ECCSTRENGTH above 8 bits per byte" "ECCSTEP 512 must divide .* ECCSTRENGTH 4097" ECCSTRENGTH=4097
refused "BITFLIPTHRESHOLD above ECCSTRENGTH" "BITFLIPTHRESHOLD 5 is above" BITFLIPTHRESHOLD=5
refused "BITFLIPTHRESHOLD without ECCSTRENGTH" "BITFLIPTHRESHOLD without" ECCSTRENGTH=0
refused "max_read 0" "max_read 0 and max_write" --max-read 0
refused "max_write below a page and its OOB" "max_write 2111 must hold" --max-write 2111
refused "PARTSCMDLINE that does not parse" "PARTSCMDLINE: cannot parse" PARTSCMDLINE=garbage
refused "PARTSCMDLINE with a size 0" "PARTSCMDLINE: cannot parse" PARTSCMDLINE=0
refused "PARTSCMDLINE with an unclosed name" "PARTSCMDLINE: cannot parse" "PARTSCMDLINE=1M(boot"
refused "PARTSCMDLINE with a name of 64 characters" "PARTSCMDLINE: cannot parse" \
  "PARTSCMDLINE=1M($(printf 'p%.0s' $(seq 1 64)))"
refused "PARTSCMDLINE with a trailing comma" "PARTSCMDLINE: cannot parse" PARTSCMDLINE=1M,
refused "PARTSCMDLINE with 33 partitions" "more than 32 partitions" \
  "PARTSCMDLINE=$(printf '64k,%.0s' $(seq 1 32))64k"
refused "a partition beyond SIZE" "partition .* starts at 8388608" "PARTSCMDLINE=1M@8M"
refused "a partition after the whole device" "partition .* starts at 4194304" "PARTSCMDLINE=-,-"
refused "a partition whose end wraps around 2^64" "ends beyond SIZE" \
  "PARTSCMDLINE=18446744073709551615@131072"

# ---- INIT: odd but sane geometry, served -------------------------------------------------
# max_read and max_write of 4 GiB: the kernel sends at most MUSE_MAX_PAYLOAD
# a request (the server says on stderr when a request is larger).
serve_args="--max-read 4294967295 --max-write 4294967295 ERASESIZE=8388608 SIZE=16777216"
io_case none "ok:ret=0 .*data=pattern" muse-hostile memread DEV 0 8388608
if grep -q "over MUSE_MAX_PAYLOAD" /tmp/hostile.log; then
  fail "max_read of 4 GiB: requests stay within MUSE_MAX_PAYLOAD"
  diag "$(grep "over MUSE_MAX_PAYLOAD" /tmp/hostile.log | head -n 3)"
else
  pass "max_read of 4 GiB: requests stay within MUSE_MAX_PAYLOAD"
fi
io_case none "ok:ret=0" sh -c "mtd_debug erase DEV 0 8388608 && muse-hostile memwrite DEV 0 8388608 && muse-hostile memread DEV 0 8388608 | grep data=pattern"
if grep -q "over MUSE_MAX_PAYLOAD" /tmp/hostile.log; then
  fail "max_write of 4 GiB: requests stay within MUSE_MAX_PAYLOAD"
  diag "$(grep "over MUSE_MAX_PAYLOAD" /tmp/hostile.log | head -n 3)"
else
  pass "max_write of 4 GiB: requests stay within MUSE_MAX_PAYLOAD"
fi
# NAND without OOB, a RAM MTD of 1-byte pages, the largest SIZE.
serve_args="OOBSIZE=0 OOBAVAIL=0"
io_case none "ok:data=pattern" muse-hostile memread DEV 0 4096
serve_args="TYPE=MTD_RAM WRITESIZE=1 OOBSIZE=0 OOBAVAIL=0 ECCSTRENGTH=0 BITFLIPTHRESHOLD=0"
io_case none ok $rd
serve_args="SIZE=68719476736"
io_case none "ok:data=pattern" muse-hostile memread DEV 68719474688 2048
serve_args=

# ---- the transport (kernel/muse-chan.c) ---------------------------------------
# A read buffer below FUSE_MIN_READ_BUFFER is refused and takes nothing; a
# request larger than the buffer fails (its caller gets an error) and the
# read waits for the next; a read or a reply that faults fails its request.
io_case read-buffer-tiny "ok:data=pattern" muse-hostile memread DEV 0 2048
io_case write-buffer-small error muse-hostile memwrite DEV 0 8192
io_case read-efault-request error muse-hostile memread DEV 0 2048
io_case read-efault-reply error muse-hostile memread DEV 0 2048
# Servers that write replies in up to IOV_MAX pieces, or poll.
serve_args="--iovecs 1024"
io_case none "ok:ret=0 .*data=pattern" muse-hostile memread DEV 0 8192
io_case none ok sh -c "mtd_debug erase DEV 0 131072 && muse-hostile memwrite DEV 0 8192 && muse-hostile memread DEV 0 8192 | grep data=pattern"
serve_args="--poll"
io_case none ok sh -c "mtd_debug erase DEV 0 131072 && muse-hostile memwrite DEV 0 8192 && muse-hostile memread DEV 0 8192 | grep data=pattern"
if grep -qE "EAGAIN [1-9][0-9]* times, poll said POLLIN [1-9]" /tmp/hostile.log; then
  pass "--poll: reads said EAGAIN and poll() woke for requests"
else
  fail "--poll: reads said EAGAIN and poll() woke for requests"
  diag "$(grep -e "--poll" /tmp/hostile.log)"
fi
serve_args=
refused "another major version, to a server that polls" "server speaks MUSE 2" --poll --case init-major

# in_kernel_wait PID: the process sleeps in the kernel (state D, as MUSE's
# wait for a request shows), within 10 s.
in_kernel_wait() {
  local i
  for i in $(seq 1 100); do
    grep -q '^State:.*D' "/proc/$1/status" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# gone PID SECONDS: the process has ended within SECONDS (then reaped).
gone() {
  local i
  for i in $(seq 1 $(($2 * 10))); do
    kill -0 "$1" 2>/dev/null || { wait "$1"; return 0; }
    sleep 0.1
  done
  return 1
}

# in_log PATTERN: a line of the server's log matches PATTERN within 10 s.
in_log() {
  local i
  for i in $(seq 1 100); do
    grep -qE -- "$1" /tmp/hostile.log && return 0
    sleep 0.1
  done
  return 1
}

# A caller killed while its request is queued: withdrawn at once, the
# server never sees it, and a reply to it is refused.
why=
start_hostile --case read-withdraw
mtd=$(wait_mtd hostile) || why="the MTD did not appear"
if [ -z "$why" ]; then
  kill -USR1 "$hostile_pid"
  in_log "not reading" || why="the server did not stop reading"
fi
if [ -z "$why" ]; then
  muse-hostile memread "/dev/mtd$mtd" 0 2048 > /tmp/caller.out 2>&1 &
  caller=$!
  in_kernel_wait "$caller" || why="the caller never waited in the kernel"
  kill -KILL "$caller"
  gone "$caller" 5 || why="${why:-the killed caller still waits 5 s later}"
  kill -USR2 "$hostile_pid"
  in_log "reply to the withdrawn request" || why="${why:-the server did not reply}"
  grep -q "after the withdrawal: nothing to read" /tmp/hostile.log ||
    why="${why:-the server could read the withdrawn request}"
  grep -q "reply to the withdrawn request: reply refused: No such file or directory" /tmp/hostile.log ||
    why="${why:-the reply to the withdrawn request was not refused with ENOENT}"
fi
if [ -z "$why" ]; then
  muse-hostile memread "/dev/mtd$mtd" 0 2048 > /tmp/caller.out 2>&1 ||
    why="a read after the withdrawal failed"
  grep -q "data=pattern" /tmp/caller.out || why="${why:-a read after the withdrawal gave other data}"
fi
stop_hostile || why="${why:-the MTD stayed after the server closed}"
wait "$caller" 2>/dev/null   # the server's close ended it at the latest
report "a caller killed while its request is queued: withdrawn, a reply to it refused" "$(after_checks "$why")"

# A caller killed once the server has its request: it waits for the reply
# (the server may be writing into its buffers), which is taken.
why=
start_hostile --case read-hold
mtd=$(wait_mtd hostile) || why="the MTD did not appear"
if [ -z "$why" ]; then
  kill -USR1 "$hostile_pid"
  muse-hostile memread "/dev/mtd$mtd" 0 2048 > /tmp/caller.out 2>&1 &
  caller=$!
  in_log "holding the request" || why="the server got no request"
  kill -KILL "$caller"
  sleep 0.5
  kill -0 "$caller" 2>/dev/null || why="${why:-the killed caller did not wait for the reply}"
  kill -USR2 "$hostile_pid"
  in_log "reply to the held request: reply taken" ||
    why="${why:-the reply to the held request was not taken: $(grep "held request" /tmp/hostile.log)}"
  gone "$caller" 10 || why="${why:-the killed caller still waits 10 s after the reply}"
fi
stop_hostile || why="${why:-the MTD stayed after the server closed}"
wait "$caller" 2>/dev/null   # the server's close ended it at the latest
report "a caller killed while the server has its request: waits, the reply taken" "$(after_checks "$why")"

# Callers killed at any point of their requests, 40 times: every reply
# finds its request (a withdrawn one is never read), and the MTD works.
why=
start_hostile
mtd=$(wait_mtd hostile) || why="the MTD did not appear"
if [ -z "$why" ]; then
  for i in $(seq 1 40); do
    muse-hostile memread "/dev/mtd$mtd" 0 65536 > /dev/null 2>&1 &
    caller=$!
    sleep "0.0$((i % 10))"
    kill -KILL "$caller" 2>/dev/null
    gone "$caller" 10 || { why="a killed caller still waits 10 s later"; break; }
  done
  muse-hostile memread "/dev/mtd$mtd" 0 65536 > /tmp/caller.out 2>&1 ||
    why="${why:-a read after the kills failed}"
  grep -q "data=pattern" /tmp/caller.out || why="${why:-a read after the kills gave other data}"
  if grep -q "reply refused" /tmp/hostile.log; then
    why="${why:-replies refused: $(grep "reply refused" /tmp/hostile.log | head -n 3)}"
  fi
fi
stop_hostile || why="${why:-the MTD stayed after the server closed}"
report "40 callers killed at random points of their requests" "$(after_checks "$why")"

finish
