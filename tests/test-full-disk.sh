#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# flashmodel on a full file system: a small tmpfs, mounted in a mount
# namespace of this test's own (unshare -m, as root), where flashmodel
# import, replay, powercut-campaign and programs through the page API
# (fill-image) run out of room. Each must fail with exit status 1 (never
# a signal: images are written through a shared mapping, where a store
# into a hole of a full disk is a SIGBUS) and a message saying so, leave
# no partial output behind and lose nothing written before. Skips (exit
# 77) where no namespace or tmpfs can be had.
# Environment: FLASHMODEL_TOOL, FLASHMODEL_RECORD_WORKLOAD,
# FLASHMODEL_FILL_IMAGE, FLASHMODEL_CHIPS_DIR. Output: TAP.
set -u
if [ -z "${FM_FULL_DISK_NAMESPACE:-}" ]; then
  if ! unshare -m true 2>/dev/null; then
    echo "1..0 # SKIP unshare -m failed: no mount namespace here (needs root)"
    exit 77
  fi
  FM_FULL_DISK_NAMESPACE=1 exec unshare -m "$0" "$@"
fi
tool=$FLASHMODEL_TOOL
dir=$(mktemp -d)
disk=$dir/disk
trap 'umount "$disk" 2>/dev/null; rm -rf "$dir"' EXIT
mkdir "$disk"
# Mounts private to the namespace, so that nothing shows outside it.
mount --make-rprivate / 2>/dev/null
if ! mount -t tmpfs -o size=4m tmpfs "$disk" 2>"$dir/err"; then
  echo "1..0 # SKIP cannot mount a tmpfs: $(cat "$dir/err")"
  exit 77
fi
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
# refuses DESCRIPTION PATTERN COMMAND...: the command must exit 1 with
# PATTERN in its stderr
refuses () {
  d=$1 pattern=$2; shift 2
  "$@" >"$dir/out" 2>"$dir/err"; got=$?
  if [ "$got" = 1 ] && grep -q -- "$pattern" "$dir/err"; then ok "$d"
  else not_ok "$d (exit $got, wanted 1 and /$pattern/)"; sed 's/^/#   /' "$dir/out" "$dir/err"; fi
}
# holds DESCRIPTION NAMES: the disk holds exactly these files
holds () {
  d=$1 want=$2 got=$(ls -A "$disk" | tr '\n' ' ' | sed 's/ $//')
  [ "$got" = "$want" ] && ok "$d" || not_ok "$d (the disk holds '$got', not '$want')"
}
# empty_disk: keeps only the precious file
empty_disk () { find "$disk" -mindepth 1 ! -name precious -exec rm -rf {} +; }

echo "TAP version 13"
# Written before, and must stay as it was.
head -c 100000 /dev/urandom >"$dir/precious"
cp "$dir/precious" "$disk/precious"

# create: the tables of micron-mt29f32g alone do not fit (they were holes,
# and the first store into them a SIGBUS).
refuses "create onto a full disk fails with exit status 1" "write header and tables: No space left on device" \
  "$tool" create --chip micron-mt29f32g "$disk/big.img"
holds "create leaves no image" "precious"

# import: 8 MiB of page data (512 blocks of samsung-k9f1208) into 4 MiB.
head -c $((512 * 32 * 512)) /dev/urandom >"$dir/nand.bin"
refuses "import onto a full disk fails with exit status 1" "No space left on device" \
  "$tool" import --chip samsung-k9f1208 --format data "$dir/nand.bin" "$disk/nand.img"
grep -q "$disk/nand.img" "$dir/err" && ok "import names the image" || not_ok "import names the image"
holds "import leaves no image and no .partial file" "precious"
cmp -s "$dir/precious" "$disk/precious" && ok "what the disk held is intact" || not_ok "what the disk held is intact"

# replay: the base and the journal elsewhere, the output on the full disk.
ops=$("$FLASHMODEL_RECORD_WORKLOAD" samsung-k9f1208 20000 "$dir") || { echo "Bail out! record-workload failed"; exit 1; }
refuses "replay onto a full disk fails with exit status 1" "No space left on device" \
  "$tool" replay --base "$dir/base.img" --journal "$dir/run.journal" -o "$disk/out.img"
grep -q "writing $disk/out.img" "$dir/err" && ok "replay names its output" || not_ok "replay names its output"
holds "replay leaves no output" "precious"

# powercut-campaign: its working images on the full disk.
refuses "a campaign on a full disk fails with exit status 1" "No space left on device" \
  "$tool" powercut-campaign --base "$dir/base.img" --journal "$dir/run.journal" --every 5000 \
  --work-dir "$disk/work" --check true
[ -z "$(ls -A "$disk/work" 2>/dev/null)" ] && ok "the campaign leaves no image in its work directory" \
  || not_ok "the campaign leaves no image in its work directory: $(ls -A "$disk/work")"
empty_disk

# Programs through the page API until the disk is full: the program that
# finds no room fails as a program, and every page before it is intact.
"$FLASHMODEL_FILL_IMAGE" samsung-k9f1208 "$disk/fill.img" >"$dir/out" 2>"$dir/err"; got=$?
if [ "$got" = 0 ] && grep -q "no room to store page .*No space left on device" "$dir/err"; then
  ok "programs fail on a full disk, pages before intact: $(cat "$dir/out")"
else
  not_ok "programs fail on a full disk, pages before intact (exit $got)"; sed 's/^/#   /' "$dir/out" "$dir/err"
fi
"$tool" stat "$disk/fill.img" >"$dir/out" 2>"$dir/err" && ok "stat reads the image filled to the end" \
  || { not_ok "stat reads the image filled to the end"; sed 's/^/#   /' "$dir/err"; }
cmp -s "$dir/precious" "$disk/precious" && ok "what the disk held is still intact" || not_ok "what the disk held is still intact"

echo "1..$n"
[ "$failed" = 0 ]
