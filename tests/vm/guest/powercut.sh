# Power-cut campaigns in the guest (busybox ash; source after lib.sh): the
# file systems under test, the base image, the recorded workload, and the
# servers the checks switch cut images into. tests/vm/guest/tests/powercut-*.sh
# and bench/guest/powercut-full.sh use it; bin/check-cut-ubifs and
# bin/check-cut-jffs2 are the checks.
#
# A profile names the file system, the chip and the partition:
#   ubifs          UBIFS on UBI, a 4 MiB partition of winbond-w29n01hv
#                  (2 KiB pages, 128 KiB blocks); UBI attaches by scanning
#   ubifs-fastmap  the same on 9 MiB (fastmap needs more than 64 PEBs),
#                  UBI attaches through its fastmap (ubi.fm_autoconvert)
#   jffs2-nand     JFFS2 on a 2 MiB partition of winbond-w29n01hv
#   jffs2-nor      JFFS2 on a 1 MiB partition of winbond-w25q128jv (SPI
#                  NOR, 256-byte pages, 64 KiB erase blocks)
# pc_profile NAME sets PC_FS, PC_CHIP, PC_PART, PC_MUSE_ARGS, PC_FASTMAP,
# PC_VOL_LEBS and the workload's options PC_LOAD (fm-fsync-load run).
#
# The files of a campaign live in $PC_DIR (default /tmp/pc): base.img (the
# image the journal starts from), log (fm-fsync-load's operations),
# run.journal, marks (flashmodel journal --marks), volumes (UBI's volume
# table as the base has it), cooled and wl-moves (pc_cool_pebs),
# journal-stats (ubi-journal-stats), times-K and attach-K (pc_check).

PC_DIR=${PC_DIR:-/tmp/pc}
# UBI reserves 20 PEBs per 1024 of the whole chip for bad blocks by
# default, more than these partitions hold; 1 per 1024 on every attach.
PC_UBI_BEB=1

pc_profile() {
  PC_PROFILE=$1
  PC_FASTMAP=0 PC_MUSE_ARGS= PC_VOL_LEBS=
  case "$1" in
    ubifs|ubifs-fastmap)
      PC_FS=ubifs PC_CHIP=winbond-w29n01hv PC_PART=4M
      # The standard workload (bench/powercut-full): 900 operations, up to
      # 400 KiB live in files up to 64 KiB, on a file system of 25 LEBs
      # (1.9 MiB): about 1500 programs and 50 erases, through commits,
      # garbage collection and wear-leveling; bench/results/powercut-full/.
      PC_LOAD=${PC_LOAD:---ops 900 --max-bytes 409600 --max-file 65536 --max-write 8192}
      PC_BASE_LOAD=${PC_BASE_LOAD:---ops 20 --max-bytes 131072 --max-file 32768 --max-write 8192}
      if [ "$1" = ubifs-fastmap ]; then
        PC_FASTMAP=1 PC_PART=9M PC_VOL_LEBS=26
      fi ;;
    jffs2-nand)
      PC_FS=jffs2 PC_CHIP=winbond-w29n01hv PC_PART=2M
      PC_LOAD=${PC_LOAD:---ops 60 --max-bytes 262144 --max-file 32768 --max-write 4096}
      PC_BASE_LOAD=${PC_BASE_LOAD:---ops 10 --max-bytes 65536 --max-file 16384 --max-write 4096} ;;
    jffs2-nor)
      PC_FS=jffs2 PC_CHIP=winbond-w25q128jv PC_PART=1M PC_MUSE_ARGS="--erase-size 64K"
      # Enough rewriting over the run that JFFS2's garbage collection
      # erases sectors of the 1 MiB partition (the NAND one has room).
      PC_LOAD=${PC_LOAD:---ops 60 --max-bytes 262144 --max-file 32768 --max-write 2048}
      PC_BASE_LOAD=${PC_BASE_LOAD:---ops 10 --max-bytes 32768 --max-file 8192 --max-write 2048} ;;
    *) echo "powercut.sh: no profile '$1'" >&2; return 1 ;;
  esac
  # fm_autoconvert is read when UBI attaches: fastmap on for this profile
  # only.
  [ -w /sys/module/ubi/parameters/fm_autoconvert ] &&
    echo "$PC_FASTMAP" > /sys/module/ubi/parameters/fm_autoconvert
  return 0
}

# pc_stamp VAR: VAR = seconds since boot, to 10 ms, without a fork.
pc_stamp() { read -r pc_up pc_rest < /proc/uptime; eval "$1=\$pc_up"; }

# pc_serve NAME IMAGE [PARTS [muse-chip ARG...]]: serves IMAGE as the MTD
# NAME, partitioned by PARTS (default: the profile's partition NAMEfs
# alone); sets $part, the mtd number of NAMEfs. (Registering a partition
# asks the server whether each of its blocks is bad: no partition over the
# rest of the chip, which would cost a request per block.)
pc_serve() {
  local name="$1" image="$2" parts="${3:-$PC_PART(${1}fs)}"
  shift 2
  [ $# -gt 0 ] && shift
  # shellcheck disable=SC2086
  start_muse "$name" --chip "$PC_CHIP" --image "$image" $PC_MUSE_ARGS --mtdparts "$parts" "$@" ||
    return 1
  part=$(wait_mtd "${name}fs")
}

# pc_up DEV MOUNTPOINT: attaches UBI (as ubiDEV) and mounts UBIFS, or
# mounts JFFS2, on $part.
pc_up() {
  mkdir -p "$2"
  if [ "$PC_FS" = ubifs ]; then
    ubiattach -m "$part" -d "$1" -b "$PC_UBI_BEB" > /dev/null && mount -t ubifs "ubi$1:data" "$2"
  else
    mount -t jffs2 "mtd$part" "$2"
  fi
}
pc_down() {
  umount "$2" || return 1
  [ "$PC_FS" != ubifs ] || ubidetach -d "$1"
}

# pc_make_base: a fresh chip, the file system on it with the starting
# files of fm-fsync-load run --base, unmounted; $PC_DIR/base.img.
pc_make_base() {
  local img="$PC_DIR/base.img"
  rm -rf "$PC_DIR" && mkdir -p "$PC_DIR" || return 1
  flashmodel create --chip "$PC_CHIP" "$img" > /dev/null || return 1
  pc_serve pcbase "$img" "$PC_PART(pcbasefs),256K(pcbasescratch)" || return 1
  if [ "$PC_FS" = ubifs ]; then
    ubiformat -q -y -e 5000 -Q 7 "/dev/mtd$part" > /dev/null &&
      ubiattach -m "$part" -d 0 -b "$PC_UBI_BEB" > /dev/null || { stop_muse; return 1; }
    if [ -n "$PC_VOL_LEBS" ]; then
      ubimkvol /dev/ubi0 -N data -S "$PC_VOL_LEBS" > /dev/null
    else
      ubimkvol /dev/ubi0 -N data -m > /dev/null
    fi || { ubidetach -d 0; stop_muse; return 1; }
    # The volume table as every cut must keep it.
    read -r vols < /sys/class/ubi/ubi0/volumes_count
    read -r name < /sys/class/ubi/ubi0_0/name
    read -r lebs < /sys/class/ubi/ubi0_0/reserved_ebs
    echo "$vols $name $lebs" > "$PC_DIR/volumes"
    mkdir -p /mnt/pcbase
    mount -t ubifs ubi0:data /mnt/pcbase || { ubidetach -d 0; stop_muse; return 1; }
  else
    flash_erase -q "/dev/mtd$part" 0 0 && pc_up 0 /mnt/pcbase || { stop_muse; return 1; }
  fi
  # shellcheck disable=SC2086
  fm-fsync-load run --dir /mnt/pcbase --log "$PC_DIR/log" --seed 1 --base $PC_BASE_LOAD ||
    { pc_down 0 /mnt/pcbase; stop_muse; return 1; }
  pc_down 0 /mnt/pcbase || { stop_muse; return 1; }
  if [ "$PC_FS" = ubifs ]; then
    pc_cool_pebs 3 || { stop_muse; return 1; }
  fi
  stop_muse
}

# pc_cool_pebs N: UBI formatted every PEB with erase counter 5000; N of
# those holding the data volume get 0 instead (their data rewritten after
# the EC header with 0 that ubiformat -e 0 writes in the scratch
# partition), so that UBI's wear-leveling (threshold 4096) moves their data
# once it attaches for the workload: the journal then holds wear-leveling
# moves to cut. The EC header fills the first sub-page (the first page
# without sub-pages); the VID header starts the next one.
pc_cool_pebs() {
  local scratch eb sp pebs i done=0 hdr
  scratch=$(wait_mtd pcbasescratch) || return 1
  sp=$(mtd_attr "$part" subpagesize)
  ubiformat -q -y -e 0 -Q 7 "/dev/mtd$scratch" > /dev/null &&
    dd if="/dev/mtd$scratch" of=/tmp/pc-ec0.page bs="$sp" count=1 2>/dev/null ||
    return 1
  eb=$(mtd_attr "$part" erasesize)
  pebs=$(( $(mtd_attr "$part" size) / eb ))
  i=$((pebs - 1))
  while [ $i -ge 0 ] && [ $done -lt "$1" ]; do
    # The VID header: "UBI!", version, type, copy flag, compat, then the
    # volume id: 0, the data volume.
    hdr=$(dd if="/dev/mtd$part" bs="$sp" skip=$((i * eb / sp + 1)) count=1 2>/dev/null | od -An -tx1 -N 12 | tr -d ' \n')
    case "$hdr" in
      55424921????????00000000)
        dd if="/dev/mtd$part" of=/tmp/pc-peb bs="$eb" skip=$i count=1 2>/dev/null &&
          dd if=/tmp/pc-ec0.page of=/tmp/pc-peb conv=notrunc 2>/dev/null &&
          flash_erase -q "/dev/mtd$part" $((i * eb)) 1 &&
          nandwrite -q -k -s $((i * eb)) "/dev/mtd$part" /tmp/pc-peb || return 1
        # Chip blocks: the partition starts at block 0.
        echo $i >> "$PC_DIR/cooled"
        done=$((done + 1)) ;;
    esac
    i=$((i - 1))
  done
  rm -f /tmp/pc-peb /tmp/pc-ec0.page
  [ $done = "$1" ]
}

# pc_record: the workload on a copy of the base, recorded by muse-chip,
# with marks where its fsyncs and syncs returned; $PC_DIR/run.journal,
# log, marks, wl-moves.
pc_record() {
  local img="$PC_DIR/run.img"
  cp "$PC_DIR/base.img" "$img" || return 1
  mkdir -p /run/pcrec
  pc_serve pcrec "$img" "" --record "$PC_DIR/run.journal" --stats-mount /run/pcrec || return 1
  pc_up 0 /mnt/pcrec || { stop_muse; return 1; }
  # shellcheck disable=SC2086
  fm-fsync-load run --dir /mnt/pcrec --log "$PC_DIR/log" --seed 2 --mark /run/pcrec/mark $PC_LOAD ||
    { pc_down 0 /mnt/pcrec; stop_muse; return 1; }
  pc_down 0 /mnt/pcrec || { stop_muse; return 1; }
  stop_muse || return 1
  flashmodel journal --marks "$PC_DIR/marks" "$PC_DIR/run.journal" || return 1
  if [ "$PC_FS" = ubifs ]; then
    pc_cooled_erased > "$PC_DIR/wl-moves"
    # shellcheck disable=SC2046
    ubi-journal-stats "$PC_DIR/run.journal" --base "$PC_DIR/base.img" $(cat "$PC_DIR/cooled") \
      > "$PC_DIR/journal-stats"
  fi
}

# pc_middle_op: the program or erase in the middle of the journal's.
pc_middle_op() {
  flashmodel journal --list "$PC_DIR/run.journal" | awk '$2 == "program" || $2 == "erase" { op[n++] = $1 }
    END { print op[int(n / 2)] }'
}

# How many of the PEBs pc_cool_pebs gave erase counter 0 the recorded
# run erased: UBI's wear-leveling moves a used PEB that far below the free
# ones (threshold 4096) at once, so each is a move the journal holds.
pc_cooled_erased() {
  flashmodel journal --list "$PC_DIR/run.journal" |
    awk -v cooled=" $(tr '\n' ' ' < "$PC_DIR/cooled")" '$2 == "erase" && index(cooled, " " $3 " ") { n[$3] = 1 }
      END { c = 0; for (b in n) c++; print c }'
}

# pc_servers_start N: one muse-chip per check slot (0..N-1) on an idle
# copy of the base, its 'image' control file in /run/pccut-K, so that a
# check switches its cut image in instead of starting a server.
pc_servers_start() {
  local k=0
  while [ $k -lt "$1" ]; do
    cp "$PC_DIR/base.img" "$PC_DIR/idle-$k.img" && mkdir -p "/run/pccut-$k" || return 1
    pc_serve "pccut$k" "$PC_DIR/idle-$k.img" "" --stats-mount "/run/pccut-$k" || return 1
    echo "$part $muse_pid" > "/run/pccut-$k.server"
    k=$((k + 1))
  done
  muse_pid=
}
pc_servers_stop() {
  local f p status=0
  for f in /run/pccut-*.server; do
    [ -e "$f" ] || continue
    read -r p muse_pid < "$f"
    stop_muse || status=1
    rm -f "$f"
  done
  return $status
}

# ---- the check of one cut image (bin/check-cut-*) ---------------------------

pc_fail() { echo "check-cut: $*"; pc_status=1; }

# pc_check IMAGE: serves IMAGE (in this slot's server, or a muse-chip of
# its own), attaches and mounts it, runs the oracle with the marks before
# the cut, unmounts, detaches; status 0 if all of that worked. Appends
# the times of its phases to $PC_DIR/times-SLOT: "start served attached
# mounted verified unmounted detached released", seconds since boot.
pc_check() {
  local img="$1" slot=${FM_JOB:-0} dev mnt cut own=0 taint taint_after
  local t0 t_serve t_attach t_mount t_verify t_umount t_detach t_end
  local vols name lebs want
  pc_status=0
  dev=$((10 + slot)) mnt="/mnt/pccut$slot"
  # Depth 2 cuts the recovery run; its marks are those of the first cut.
  cut=${FM_CUT_FIRST_OP:-${FM_CUT_OP:-}}
  [ -n "$cut" ] || { pc_fail "no FM_CUT_OP: which operation was cut?"; return 1; }
  read -r taint < /proc/sys/kernel/tainted
  pc_stamp t0
  [ -d "$mnt" ] || mkdir -p "$mnt"
  if [ -z "${FM_CUT_RECORD:-}" ] && [ -e "/run/pccut-$slot.server" ]; then
    read -r part muse_pid < "/run/pccut-$slot.server"
    muse_pid=
    echo "$img" > "/run/pccut-$slot/image" || { pc_fail "muse-chip did not take the image"; return 1; }
  else
    # No server for this slot (a check run by hand), or a depth-2 cut whose
    # recovery must be recorded.
    own=1
    pc_serve "pcown$slot" "$img" "" ${FM_CUT_RECORD:+--record "$FM_CUT_RECORD"} ||
      { pc_fail "muse-chip did not serve the image"; return 1; }
  fi
  pc_stamp t_serve
  t_attach=$t_serve t_mount=$t_serve t_verify=$t_serve t_umount=$t_serve t_detach=$t_serve
  if [ "$PC_FS" = ubifs ]; then
    if ! ubiattach -m "$part" -d "$dev" -b "$PC_UBI_BEB" > "/tmp/pc-attach-$slot" 2>&1; then
      pc_fail "ubiattach failed: $(cat "/tmp/pc-attach-$slot")"
    else
      pc_stamp t_attach
      # UBI keeps every volume, as large as it was.
      read -r want < "$PC_DIR/volumes"
      read -r vols < "/sys/class/ubi/ubi$dev/volumes_count"
      name= lebs=
      [ -e "/sys/class/ubi/ubi${dev}_0/name" ] && read -r name < "/sys/class/ubi/ubi${dev}_0/name" &&
        read -r lebs < "/sys/class/ubi/ubi${dev}_0/reserved_ebs"
      [ "$vols $name $lebs" = "$want" ] || pc_fail "UBI's volume table: '$vols $name $lebs', the base had '$want'"
      if [ "$PC_FASTMAP" = 1 ]; then
        # How it attached, in the kernel's words: this device's lines
        # since its last "attaching".
        if dmesg | tail -n 300 | grep "ubi$dev: " | sed -n '/attaching mtd/h; /attaching mtd/!H; ${x;p}' |
             grep -q "attached by fastmap"; then
          echo fastmap >> "$PC_DIR/attach-$slot"
        else
          echo scan >> "$PC_DIR/attach-$slot"
        fi
      fi
      pc_mount_and_verify "$mnt" "ubi$dev:data" ubifs "$cut"
      ubidetach -d "$dev" || pc_fail "ubidetach failed"
      pc_stamp t_detach
    fi
  else
    pc_mount_and_verify "$mnt" "mtd$part" jffs2 "$cut"
    t_detach=$t_umount
  fi
  if [ "$own" = 1 ]; then
    stop_muse || pc_fail "muse-chip did not stop cleanly: $(tail -n 3 "/tmp/muse-pcown$slot.log")"
  fi
  pc_stamp t_end
  read -r taint_after < /proc/sys/kernel/tainted
  [ "$taint_after" = "$taint" ] ||
    pc_fail "the kernel is tainted now ($taint_after): $(dmesg | grep -E "$kernel_trouble_re" | tail -n 3)"
  echo "$t0 $t_serve $t_attach $t_mount $t_verify $t_umount $t_detach $t_end" >> "$PC_DIR/times-$slot"
  [ "$pc_status" = 0 ] || dmesg | tail -n 12 | sed 's/^/check-cut: dmesg: /'
  return $pc_status
}

# pc_mount_and_verify MOUNTPOINT SOURCE TYPE CUT: sets t_attach (for
# JFFS2), t_mount, t_verify, t_umount of pc_check.
pc_mount_and_verify() {
  [ "$3" = ubifs ] || t_attach=$t_serve
  if ! mount -t "$3" "$2" "$1" > "/tmp/pc-mount-$slot" 2>&1; then
    pc_fail "mount failed: $(cat "/tmp/pc-mount-$slot")"
    pc_stamp t_mount
    t_verify=$t_mount t_umount=$t_mount
    return
  fi
  pc_stamp t_mount
  # A file system that went read-only on an error did not recover.
  grep -q " $1 $3 rw" /proc/mounts || pc_fail "mounted read-only: $(grep " $1 " /proc/mounts)"
  if [ "$PC_FS" = ubifs ]; then
    fm-fsync-load verify --dir "$1" --log "$PC_DIR/log" --marks "$PC_DIR/marks" --cut "$4" --atomic-rename ||
      pc_status=1
  else
    fm-fsync-load verify --dir "$1" --log "$PC_DIR/log" --marks "$PC_DIR/marks" --cut "$4" || pc_status=1
  fi
  pc_stamp t_verify
  umount "$1" || pc_fail "umount failed"
  pc_stamp t_umount
}

# ---- campaigns ------------------------------------------------------------------

# pc_campaign COVERAGE JOBS [campaign ARG...]: cuts $PC_DIR/run.journal
# and checks each cut with the profile's check, JOBS checks at once (one
# server each: pc_servers_start JOBS first). COVERAGE: "full" (every
# program and erase, the clean cut before it and the torn one) or a
# number of operations drawn at random (clean and torn each). TAP in
# $PC_DIR/campaign.tap, what the campaign printed on stderr in
# campaign.err; status 0 if every cut passed.
pc_campaign() {
  local coverage="$1" jobs="$2" check=/fm/bin/check-cut-ubifs cov k n from to status=0 pids=
  shift 2
  [ "$PC_FS" = jffs2 ] && check=/fm/bin/check-cut-jffs2
  if [ "$coverage" = full ]; then
    cov="--every 1 --cut both"
  else
    cov="--sample $coverage --seed 1 --cut both"
  fi
  export PC_PROFILE PC_DIR
  rm -f "$PC_DIR"/campaign*.tap "$PC_DIR"/campaign*.err "$PC_DIR"/times-* "$PC_DIR"/attach-*
  if [ "$jobs" -gt 1 ] && flashmodel powercut-campaign --help 2>&1 | grep -q -- '--jobs'; then
    # shellcheck disable=SC2086
    flashmodel powercut-campaign --journal "$PC_DIR/run.journal" --base "$PC_DIR/base.img" $cov \
      --jobs "$jobs" --check "$check {}" "$@" > "$PC_DIR/campaign.tap" 2> "$PC_DIR/campaign.err"
    return
  fi
  if [ "$jobs" -le 1 ]; then
    # shellcheck disable=SC2086
    FM_JOB=0 flashmodel powercut-campaign --journal "$PC_DIR/run.journal" --base "$PC_DIR/base.img" $cov \
      --check "$check {}" "$@" > "$PC_DIR/campaign.tap" 2> "$PC_DIR/campaign.err"
    return
  fi
  # A campaign without --jobs: the programs and erases split into JOBS
  # ranges of operations (--from, --to), a campaign each, all at once; a
  # sample of N draws N / JOBS in each range (rounded up).
  [ "$coverage" = full ] || cov="--sample $(((coverage + jobs - 1) / jobs)) --seed 1 --cut both"
  flashmodel journal --list "$PC_DIR/run.journal" | awk '$2 == "program" || $2 == "erase" { print $1 }' \
    > "$PC_DIR/eligible"
  n=$(wc -l < "$PC_DIR/eligible")
  k=0
  while [ $k -lt "$jobs" ]; do
    from=$(sed -n "$((k * n / jobs + 1))p" "$PC_DIR/eligible")
    to=$(sed -n "$(((k + 1) * n / jobs))p" "$PC_DIR/eligible")
    # shellcheck disable=SC2086
    FM_JOB=$k flashmodel powercut-campaign --journal "$PC_DIR/run.journal" --base "$PC_DIR/base.img" $cov \
      --from "$from" --to "$to" --work-dir "$PC_DIR/work-$k" --check "$check {}" "$@" \
      > "$PC_DIR/campaign-$k.tap" 2> "$PC_DIR/campaign-$k.err" &
    pids="$pids $!"
    k=$((k + 1))
  done
  for k in $pids; do
    wait "$k" || status=1
  done
  cat "$PC_DIR"/campaign-*.tap > "$PC_DIR/campaign.tap"
  cat "$PC_DIR"/campaign-*.err > "$PC_DIR/campaign.err"
  return $status
}

# pc_times_summary: the mean time of each phase of the checks, from the
# times-K files pc_check appends to.
pc_times_summary() {
  cat "$PC_DIR"/times-* 2>/dev/null | awk '
    { s += $2 - $1; a += $3 - $2; m += $4 - $3; v += $5 - $4; u += $6 - $5; d += $7 - $6; r += $8 - $7; t += $8 - $1; n++ }
    END { if (n) printf "checks %d, mean seconds: serve %.3f attach %.3f mount %.3f verify %.3f umount %.3f detach %.3f release %.3f, total %.3f\n", n, s/n, a/n, m/n, v/n, u/n, d/n, r/n, t/n }'
}
