#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Overlay images as a user makes and uses them: flashmodel create --base,
# stat, export, replay --base OVERLAY, a campaign on one, flatten, and the
# refusals (a base changed or gone, a torn delta reported). The journal is
# record-workload's.
# Environment: FLASHMODEL_TOOL, FLASHMODEL_RECORD_WORKLOAD,
# FLASHMODEL_CHIPS_DIR. Output: TAP.
set -u
tool=$FLASHMODEL_TOOL
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/tap.sh"
# same DESCRIPTION A B: files A and B are the same bytes
same () { if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1"; fi; }

echo "TAP version 13"
"$FLASHMODEL_RECORD_WORKLOAD" samsung-k9f1208 3000 "$dir" >/dev/null || { echo "Bail out! record-workload failed"; exit 1; }
j=$dir/run.journal
mkdir "$dir/sub"

# An overlay on the recorded chip: it reads as the chip does.
check "create --base makes an overlay" "$tool" create --base live.img "$dir/ov.img"
check "stat reads the overlay" "$tool" stat "$dir/ov.img"
grep -q "^overlay: *on live.img" "$dir/out" && grep -q "^delta: *4.0.*KiB, 0 pages" "$dir/out" \
  && ok "stat says it is an overlay, its base and the delta's size" || not_ok "stat says it is an overlay, its base and the delta's size"
"$tool" stat "$dir/live.img" | grep -v "^image:\|^file:" >"$dir/live.stat"
"$tool" stat "$dir/ov.img" | grep -v "^image:\|^file:\|^overlay:\|^delta:" >"$dir/ov.stat"
same "stat's figures of the overlay are its base's" "$dir/live.stat" "$dir/ov.stat"
check "export of the overlay" "$tool" export "$dir/ov.img" "$dir/ov.bin"
"$tool" export "$dir/live.img" "$dir/live.bin" >/dev/null 2>&1
same "the overlay exports the bytes its base does" "$dir/live.bin" "$dir/ov.bin"
"$tool" wear --csv "$dir/ov.img" >"$dir/ov.csv" && "$tool" wear --csv "$dir/live.img" >"$dir/live.csv"
same "wear reads the overlay as its base" "$dir/live.csv" "$dir/ov.csv"

# replay and the campaign take an overlay for their base.
check "create --base on the journal's base" "$tool" create --base base.img "$dir/base-ov.img"
check "replay --base OVERLAY" "$tool" replay --base "$dir/base-ov.img" --journal "$j" -o "$dir/replayed.img"
"$tool" wear --csv "$dir/replayed.img" >"$dir/replayed.csv"
same "replay from the overlay gives the recorded chip" "$dir/live.csv" "$dir/replayed.csv"
check "powercut-campaign --base OVERLAY" "$tool" powercut-campaign --journal "$j" --base "$dir/base-ov.img" --every 200 --check "'$tool' stat {} >/dev/null"
[ "$(grep -c '^ok' "$dir/out")" -ge 5 ] && ok "the campaign checked its cuts" || not_ok "the campaign checked its cuts"

# An overlay on an overlay; flatten makes a standalone image.
check "create --base on an overlay" "$tool" create --base ../ov.img "$dir/sub/top.img"
check "stat of an overlay two deep" "$tool" stat "$dir/sub/top.img"
grep -q "^overlay: *on ../ov.img (.*/ov.img), 2 deep" "$dir/out" && ok "stat says how deep" || not_ok "stat says how deep"
check "flatten" "$tool" flatten "$dir/sub/top.img" "$dir/flat.img"
"$tool" stat "$dir/flat.img" >"$dir/out" 2>&1
grep -q "^overlay:" "$dir/out" && not_ok "a flattened image is standalone" || ok "a flattened image is standalone"
"$tool" export "$dir/flat.img" "$dir/flat.bin" >/dev/null 2>&1
same "the flattened image exports what the overlay did" "$dir/live.bin" "$dir/flat.bin"
refuses "flatten never overwrites" 2 "exists" "$tool" flatten "$dir/ov.img" "$dir/flat.img"

# Bad requests and refusals.
refuses "create --base takes no --seed" 2 "no --seed" "$tool" create --base live.img --seed 3 "$dir/x.img"
refuses "create --base with another chip" 1 "not 'micron-mt29f4g'" "$tool" create --base live.img --chip micron-mt29f4g "$dir/x.img"
refuses "create --base, a base that is not there" 1 "overlay's directory" "$tool" create --base nothere.img "$dir/x.img"
[ ! -e "$dir/x.img" ] && ok "nothing is left of an overlay not made" || not_ok "nothing is left of an overlay not made"
cp "$dir/base.img" "$dir/live.img"
refuses "an overlay refuses a base that changed" 1 "changed since the overlay was made" "$tool" stat "$dir/ov.img"
grep -q "ov.img" "$dir/err" && grep -q "live.img" "$dir/err" && ok "the refusal names both files" || not_ok "the refusal names both files"
mv "$dir/base.img" "$dir/gone.img"
refuses "an overlay whose base is gone" 1 "base-ov.img: its base.*base.img: open: No such file" "$tool" export "$dir/base-ov.img" "$dir/y.bin"
[ ! -e "$dir/y.bin" ] && ok "a failed export leaves nothing" || not_ok "a failed export leaves nothing"
mv "$dir/gone.img" "$dir/base.img"
# A torn delta: what follows the last sync is dropped and said so.
printf 'torn write' >>"$dir/base-ov.img"
check "stat of a torn overlay" "$tool" stat "$dir/base-ov.img"
grep -q "^torn end: *10 bytes" "$dir/out" && ok "stat reports the torn end" || not_ok "stat reports the torn end"
printf 'not an overlay at all' >"$dir/bad.img"
refuses "a file that is not an image" 1 "not a flashmodel image" "$tool" stat "$dir/bad.img"

tap_end
