#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# flashmodel journal, replay and powercut-campaign as a user runs them, on
# a journal of a file-system-like workload that record-workload makes.
# Environment: FLASHMODEL_TOOL, FLASHMODEL_RECORD_WORKLOAD,
# FLASHMODEL_CHIPS_DIR. Output: TAP.
set -u
tool=$FLASHMODEL_TOOL
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
ops=$("$FLASHMODEL_RECORD_WORKLOAD" samsung-k9f1208 3000 "$dir") || { echo "Bail out! record-workload failed"; exit 1; }
j=$dir/run.journal

check "journal summarises a complete journal" "$tool" journal "$j"
grep -q "^end: *complete" "$dir/out" && grep -q "operations: *$ops " "$dir/out" && ok "journal counts $ops operations" || not_ok "journal counts $ops operations"
check "journal --list prints every record" "$tool" journal --list "$j"
[ "$(grep -c -E '^ +[0-9]+  (read|program|erase) ' "$dir/out")" = "$ops" ] && ok "one line per operation" || not_ok "one line per operation"

# Replaying everything gives the recorded chip: same wear report.
# Marks (muse-chip's 'mark' file): listed after the operation they follow,
# written one per line by --marks, skipped by replay.
mkdir "$dir/marked"
FM_TEST_MARK_EVERY=100 "$FLASHMODEL_RECORD_WORKLOAD" samsung-k9f1208 1000 "$dir/marked" >/dev/null
check "journal --list shows the marks" "$tool" journal --list "$dir/marked/run.journal"
[ "$(grep -c '^ *[0-9]*  mark ' "$dir/out")" = 11 ] && grep -q "^ *0  mark *start$" "$dir/out" &&
  grep -q "^marks: *11$" "$dir/out" && ok "each mark is listed, and counted" || not_ok "each mark is listed, and counted"
check "journal --marks FILE" "$tool" journal --marks "$dir/marks.txt" "$dir/marked/run.journal"
[ "$(head -n 2 "$dir/marks.txt" | tr '\n' ,)" = "0 start,100 after-100," ] && [ "$(wc -l < "$dir/marks.txt")" = 11 ] &&
  [ ! -s "$dir/out" ] && ok "--marks writes SEQ LABEL lines, nothing else" || not_ok "--marks writes SEQ LABEL lines, nothing else"
check "journal --marks - (standard output)" "$tool" journal --marks - "$dir/marked/run.journal"
cmp -s "$dir/out" "$dir/marks.txt" && ok "the same marks on standard output" || not_ok "the same marks on standard output"
mkdir "$dir/marked/plain" && "$FLASHMODEL_RECORD_WORKLOAD" samsung-k9f1208 1000 "$dir/marked/plain" >/dev/null
check "a marked journal replays" "$tool" replay --base "$dir/marked/base.img" --journal "$dir/marked/run.journal" -o "$dir/marked/replayed.img"
"$tool" export "$dir/marked/replayed.img" "$dir/marked/a.bin" >/dev/null 2>&1
"$tool" export "$dir/marked/plain/live.img" "$dir/marked/b.bin" >/dev/null 2>&1
cmp -s "$dir/marked/a.bin" "$dir/marked/b.bin" && ok "to the chip an unmarked run leaves" || not_ok "to the chip an unmarked run leaves"
refuses "journal --list and --marks exclude each other" 2 "exclude" "$tool" journal --list --marks x "$j"

check "replay of the whole journal" "$tool" replay --base "$dir/base.img" --journal "$j" -o "$dir/all.img"
"$tool" wear --csv "$dir/all.img" | cut -d, -f1-3 >"$dir/a.csv"
"$tool" wear --csv "$dir/live.img" | cut -d, -f1-3 >"$dir/b.csv"
cmp -s "$dir/a.csv" "$dir/b.csv" && ok "replayed image has the recorded erase and program counts" || not_ok "replayed image has the recorded erase and program counts"

# A torn cut differs from a clean one at a program; both are valid images.
prog=$("$tool" journal --list "$j" | awk '$2 == "program" && $1 > 1000 { print $1; exit }')
check "replay --until $prog --cut torn" "$tool" replay --base "$dir/base.img" --journal "$j" --until "$prog" --cut torn -o "$dir/torn.img"
check "replay --until $prog --cut clean" "$tool" replay --base "$dir/base.img" --journal "$j" --until "$prog" -o "$dir/clean.img"
check "stat reads the torn image" "$tool" stat "$dir/torn.img"
cmp -s "$dir/torn.img" "$dir/clean.img" && not_ok "torn and clean images differ" || ok "torn and clean images differ"
check "the same cut twice is the same image" "$tool" replay --base "$dir/base.img" --journal "$j" --until "$prog" --cut torn -o "$dir/torn2.img"
cmp -s "$dir/torn.img" "$dir/torn2.img" && ok "torn cuts are deterministic" || not_ok "torn cuts are deterministic"

# Bad requests.
refuses "replay refuses an output that exists" 2 "exists" "$tool" replay --journal "$j" -o "$dir/torn.img"
refuses "replay refuses --until past the end" 1 "valid operations are 1\.\.$ops" "$tool" replay --base "$dir/base.img" --journal "$j" --until $((ops + 1)) -o "$dir/x.img"
refuses "replay refuses another base" 1 "not the one the journal started from" "$tool" replay --base "$dir/live.img" --journal "$j" -o "$dir/x.img"
refuses "replay refuses --cut torn without --until" 2 "needs --until" "$tool" replay --journal "$j" --cut torn -o "$dir/x.img"
refuses "replay refuses a bad cut kind" 2 "neither" "$tool" replay --journal "$j" --until 5 --cut half -o "$dir/x.img"
[ ! -e "$dir/x.img" ] && ok "nothing is left behind by a failed replay" || not_ok "nothing is left behind by a failed replay"
# Without --base, the journal started from a fresh image of its chip and seed.
check "replay without --base starts from a fresh image" "$tool" replay --journal "$j" --until 50 -o "$dir/fresh.img"

# A torn journal: the valid prefix is still used, and said so.
size=$(stat -c %s "$j")
head -c $((size - 100)) "$j" >"$dir/torn.journal"
"$tool" journal "$dir/torn.journal" >"$dir/out" 2>&1
[ $? = 0 ] && grep -q "torn tail" "$dir/out" && ok "a torn journal is reported, exit 0" || not_ok "a torn journal is reported, exit 0"
check "a torn journal replays its valid records" "$tool" replay --base "$dir/base.img" --journal "$dir/torn.journal" -o "$dir/prefix.img"
grep -q "torn tail" "$dir/err" && ok "replay warns about the torn tail" || not_ok "replay warns about the torn tail"
# A corrupt record: exit 1 from journal.
cp "$j" "$dir/bad.journal"
printf '\377' | dd of="$dir/bad.journal" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
refuses "journal reports a corrupt record" 1 "" "$tool" journal "$dir/bad.journal"
grep -q "corrupt" "$dir/out" && ok "the corruption is named" || not_ok "the corruption is named"
refuses "journal refuses a file that is not a journal" 1 "not a usable journal" "$tool" journal "$dir/base.img"

# The campaign: every check passes, then a check that fails on torn
# programs is reported with the failing cut points.
check "campaign with a passing check" "$tool" powercut-campaign --journal "$j" --base "$dir/base.img" --every 50 --cut both --check "'$tool' stat {} >/dev/null"
grep -q "^1\.\." "$dir/out" && ! grep -q "^not ok" "$dir/out" && grep -q "cut points per minute" "$dir/out" && ok "campaign prints TAP and its rate" || not_ok "campaign prints TAP and its rate"
points=$(grep -c "^ok" "$dir/out")
[ "$points" -ge 20 ] && ok "campaign ran $points cut points" || not_ok "campaign ran $points cut points"
refuses "campaign reports failing checks" 1 "" "$tool" powercut-campaign --journal "$j" --base "$dir/base.img" --sample 10 --seed 3 --check 'test "$FM_CUT_KIND" = clean || { echo "torn at $FM_CUT_OP"; exit 1; }' --csv "$dir/report.csv"
[ "$(grep -c '^not ok' "$dir/out")" = 10 ] && grep -q "#   torn at" "$dir/out" && ok "each failure is listed with the check's output" || not_ok "each failure is listed with the check's output"
[ "$(grep -c ',fail,' "$dir/report.csv")" = 10 ] && ok "--csv lists the failures" || not_ok "--csv lists the failures"
refuses "campaign needs --check" 2 "required" "$tool" powercut-campaign --journal "$j"

tap_end
