#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# flashmodel powercut-campaign as a user runs it, on a journal of a
# file-system-like workload that record-workload makes: linear coverage
# and torn variants, duplicates, IDs and --reproduce (bit-identical
# images), --jobs, --shard and merge (by hand, through GNU parallel and
# through the Slurm array script), depth 2 with a check that records its
# recovery through the library, the JSON report and progress.
# Environment: FLASHMODEL_TOOL, FLASHMODEL_RECORD_WORKLOAD,
# FLASHMODEL_CHIPS_DIR, FLASHMODEL_SRCDIR. Output: TAP.
set -u
tool=$FLASHMODEL_TOOL
rw=$FLASHMODEL_RECORD_WORKLOAD
dir=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
. "$(dirname "$0")/tap.sh"
# expect DESCRIPTION CONDITION...: the condition (a command) must hold
expect () { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# runs STATUS DESCRIPTION COMMAND...: the command must exit with STATUS
runs () {
  want=$1 d=$2; shift 2
  "$@" >"$dir/out" 2>"$dir/err"; got=$?
  if [ "$got" = "$want" ]; then ok "$d"; else not_ok "$d (exit $got, wanted $want)"; sed 's/^/#   /' "$dir/err" | head -n 20; fi
}
# same_image A B: two standalone images (flattened: slots in page order)
# hold the same chip, byte for byte but for the header's generation (bytes
# 145-152, drawn at random for every new image: its own lineage) and the
# header's checksum over it (bytes 4093-4096).
same_image () {
  [ "$(stat -c %s "$1")" = "$(stat -c %s "$2")" ] || return 1
  cmp -l "$1" "$2" 2>/dev/null | awk '!(($1 >= 145 && $1 <= 152) || ($1 >= 4093 && $1 <= 4096)) { bad = 1 } END { exit bad }'
}
# The lines of a TAP file about cuts, without times: what two runs share.
cuts () { sed -n 's/ ([0-9.]* s)//; /^\(not \)\{0,1\}ok [0-9]* - /p; /^#   /p' "$1" | grep -v '^#   \(rerun\|image kept\):'; }
# A report without its "run" object, which is written last: the bytes
# two runs of the same campaign share.
results () { sed '/^  "run" : {/,$d' "$1"; }
json () { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(($2))" "$1"; }

echo "TAP version 13"
"$rw" samsung-k9f1208 1500 "$dir" >/dev/null || { echo "Bail out! record-workload failed"; exit 1; }
j=$dir/run.journal b=$dir/base.img
digest=$(sha256sum "$j" | cut -c1-8)
# Operations in a range, from the journal's own listing.
count_ops () { "$tool" journal --list "$j" | awk -v a="$1" -v b="$2" -v k="$3" '$1 >= a && $1 <= b && $2 ~ k' | wc -l; }
campaign () { "$tool" powercut-campaign --journal "$j" --base "$b" --progress 0 "$@"; }

# The work directory may be the one that holds the base: the campaign's
# own files there never replace the user's.
mkdir "$dir/own" && cp "$b" "$dir/own/base.img" && cp "$b" "$dir/own/fresh.img"
runs 0 "--work-dir holding the base" sh -c "cd '$dir/own' && '$tool' powercut-campaign --journal '$j' --base base.img --work-dir . --from 200 --to 210 --progress 0 --check true"
expect "... which is left as it was" cmp -s "$dir/own/base.img" "$b"
runs 0 "--work-dir holding files, without --base" sh -c "cd '$dir/own' && '$tool' powercut-campaign --journal '$j' --work-dir . --from 200 --to 210 --progress 0 --check true"
expect "... which are left as they were" sh -c "cmp -s '$dir/own/base.img' '$b' && cmp -s '$dir/own/fresh.img' '$b' && test \$(ls '$dir/own' | wc -l) = 2"

# ---- coverage -------------------------------------------------------------
progs=$(count_ops 200 400 program) erases=$(count_ops 200 400 erase)
runs 0 "linear campaign by default" campaign --from 200 --to 400 --check true --report "$dir/linear.json"
cp "$dir/out" "$dir/linear.tap"
expect "every program and erase cut clean and torn: $((2 * (progs + erases))) cut points" \
  test "$(grep -c '^ok' "$dir/linear.tap")" = $((2 * (progs + erases)))
expect "the plan is printed first" grep -q "^1\.\.$((2 * (progs + erases)))\$" "$dir/linear.tap"
op=$("$tool" journal --list "$j" | awk '$1 > 250 && $2 == "erase" { print $1; exit }')
expect "an erase is cut clean, then torn" \
  sh -c "grep -A1 ' - operation $op clean, erase of block' '$dir/linear.tap' | grep -q ' - operation $op torn, erase of block'"
expect "the summary counts the cuts by kind" grep -q "by cut: clean $((progs + erases)) (0 failed), torn $((progs + erases)) (0 failed)" "$dir/linear.tap"
expect "... and by operation" grep -q "by operation: program $((2 * progs)) (0 failed), erase $((2 * erases)) (0 failed)" "$dir/linear.tap"
expect "... and the share of the journal cut" grep -q "$((progs + erases)) of $((progs + erases)) eligible operations cut (100.0%)" "$dir/linear.tap"
runs 0 "--cut clean" campaign --from 200 --to 400 --cut clean \
  --check 'test "$FM_CUT_KIND" = clean && test "$FM_CUT" = clean && test -z "$FM_CUT_VARIANT"'
expect "--cut clean: one clean cut per operation" test "$(grep -c '^ok' "$dir/out")" = $((progs + erases))
runs 0 "--cut torn: the seeded variant" campaign --from 200 --to 400 --cut torn \
  --check 'test "$FM_CUT_KIND" = torn && test "$FM_CUT" = torn && test "$FM_CUT_VARIANT" = seeded'
expect "--cut torn: one torn cut per operation" test "$(grep -c '^ok' "$dir/out")" = $((progs + erases))
# The clean cut before an operation is replay to the operation before it.
runs 1 "the clean cut before $op, kept" campaign --from "$op" --to "$op" --cut clean --check false --keep-failed --work-dir "$dir/clean-wd"
"$tool" replay --journal "$j" --base "$b" --until $((op - 1)) -o "$dir/until.img" >/dev/null
"$tool" flatten "$dir/until.img" "$dir/until-flat.img" >/dev/null
expect "is the image replay --until $((op - 1)) builds" same_image "$dir/clean-wd/cut-$digest@$op:clean.img" "$dir/until-flat.img"

# Torn variants: SLC programs take somebits, mostbits and unstable, erases
# partly-erased and mostly-erased; lowerpage never applies on SLC.
runs 0 "--torn all" campaign --from 200 --to 400 --cut torn --torn all \
  --check 'case $FM_CUT_VARIANT in somebits|mostbits|unstable|partly-erased|mostly-erased) ;; *) exit 1;; esac' \
  --report "$dir/all.json"
cp "$dir/out" "$dir/all.tap"
expect "three variants per program" test "$(grep -c 'torn (\(somebits\|mostbits\|unstable\)), program' "$dir/all.tap")" = $((3 * progs))
expect "two per erase (checked or duplicates)" test "$(grep -c 'torn (\(partly\|mostly\)-erased), erase' "$dir/all.tap")" = $((2 * erases))
na=$((3 * progs + 4 * erases))
expect "variants that do not apply are counted: $na" grep -q " $na torn cuts not applicable" "$dir/all.tap"
expect "... in the report, by variant" test "$(json "$dir/all.json" "d['campaign']['plan']['not_applicable']['lowerpage']")" = $((progs + erases))
refuses "--torn with an unknown variant" 2 "not a torn variant" campaign --check true --torn somebits,half
refuses "--torn with --cut clean" 2 "torn cuts" campaign --check true --cut clean --torn all
refuses "--cut with a bad kind" 2 "--cut takes" campaign --check true --cut half

# Duplicates: the workload's first erases find blocks that hold nothing,
# so all variants of those torn erases leave one image.
runs 0 "a campaign with duplicate images" campaign --to 200 --cut torn --torn all --check true --report "$dir/dup.json"
dups=$(grep -c '# SKIP the image of' "$dir/out")
expect "duplicates are skipped and named ($dups)" test "$dups" -gt 0
expect "... counted in the summary" grep -q "; $dups duplicate images skipped" "$dir/out"
expect "... and in the report" test "$(json "$dir/dup.json" "d['results']['duplicates'], len(d['duplicates'])")" = "($dups, $dups)"

# --every, --sample, --all-ops
runs 0 "--every 10" campaign --every 10 --cut torn --check true
expect "--every 10 keeps a tenth" test "$(grep -c '^ok' "$dir/out")" = $(( ($(count_ops 1 99999 'program|erase') + 9) / 10 ))
runs 0 "--sample 7 --seed 3" campaign --sample 7 --seed 3 --cut torn --check 'echo $FM_CUT_OP >> "'"$dir"'/sample1"'
runs 0 "the same sample again" campaign --sample 7 --seed 3 --cut torn --check 'echo $FM_CUT_OP >> "'"$dir"'/sample2"'
expect "a sample is 7 operations, the same for the same seed" sh -c "test \$(wc -l < '$dir/sample1') = 7 && cmp -s '$dir/sample1' '$dir/sample2'"
runs 0 "--all-ops" campaign --from 200 --to 260 --all-ops --cut clean --check true
expect "--all-ops cuts reads too" test "$(grep -c '^ok' "$dir/out")" = "$(count_ops 200 260 .)"
refuses "--every with --sample" 2 "exclude" campaign --check true --every 2 --sample 3

# ---- failures, IDs, --reproduce -------------------------------------------
fails='case $FM_CUT_OP in *3) echo "cut $FM_CUT_ID of $FM_CUT_WHAT is broken"; exit 1;; esac'
runs 1 "a check that fails on a known set of cuts" campaign --from 200 --to 300 --torn all \
  --check "$fails" --keep-failed --work-dir "$dir/wd" --report "$dir/fail.json" --csv "$dir/fail.csv"
cp "$dir/out" "$dir/fail.tap"
nfail=$(grep -c '^not ok' "$dir/fail.tap")
expect "every cut of an operation ending in 3 fails, and only those" \
  sh -c "test $nfail -gt 0 && ! grep '^not ok' '$dir/fail.tap' | grep -v -q ' - operation [0-9]*3 '"
expect "each failure shows the check's output" test "$(grep -c "^#   cut $digest@[0-9]*3:[a-z-]* of .* is broken" "$dir/fail.tap")" = "$nfail"
expect "each failure has an ID: journal digest, operation, cut" test "$(grep -c "^#   ID $digest@[0-9]*3:\(clean\|somebits\|mostbits\|unstable\|partly-erased\|mostly-erased\)\$" "$dir/fail.tap")" = "$nfail"
expect "each failure has the command that reruns it" test "$(grep -c "^#   rerun: flashmodel powercut-campaign --reproduce $digest@" "$dir/fail.tap")" = "$nfail"
expect "--csv has a row per cut" test "$(grep -c ',fail,' "$dir/fail.csv")" = "$nfail"
expect "the report lists the failures with their IDs and output" \
  test "$(json "$dir/fail.json" "' '.join(f['id'] for f in d['failures'])")" = "$(sed -n 's/^#   ID //p' "$dir/fail.tap" | tr '\n' ' ' | sed 's/ $//')"
expect "... and the output's end" test "$(json "$dir/fail.json" "'is broken' in d['failures'][0]['output']")" = True
# Rebuilt from the ID alone, the images are the campaign's, byte for byte.
same=0 ids=0
for id in $(sed -n 's/^#   ID //p' "$dir/fail.tap" | awk 'NR % 3 == 1'); do
  ids=$((ids + 1))
  rm -f "$dir/re.img" "$dir/re2.img"
  "$tool" powercut-campaign --reproduce "$id" --journal "$j" --base "$b" -o "$dir/re.img" >/dev/null 2>&1 &&
    "$tool" replay --journal "$j" --base "$b" --cut "$id" -o "$dir/re2.img" >/dev/null 2>&1 &&
    same_image "$dir/re.img" "$dir/wd/cut-$id.img" && same_image "$dir/re2.img" "$dir/wd/cut-$id.img" && same=$((same + 1))
done
expect "--reproduce ID and replay --cut ID rebuild the failed images bit for bit ($same of $ids)" test "$same" = "$ids" -a "$ids" -gt 2
# The campaign's cut images are overlays on its prefix, which goes with
# it: what it keeps and what --reproduce writes stand alone.
"$tool" stat "$dir/re.img" >"$dir/re.stat" 2>&1 && ! grep -q "^overlay:" "$dir/re.stat" \
  && ok "--reproduce -o writes a standalone image" || not_ok "--reproduce -o writes a standalone image"
"$tool" stat "$dir/wd/cut-$id.img" >"$dir/kept.stat" 2>&1 && ! grep -q "^overlay:" "$dir/kept.stat" \
  && ok "--keep-failed keeps standalone images" || not_ok "--keep-failed keeps standalone images"
expect "no prefix is left in the work directory" eval "! ls '$dir/wd' | grep -q cut-prefix-"
id=$(sed -n 's/^#   ID //p' "$dir/fail.tap" | head -n 1)
runs 1 "--reproduce ID --check reruns the check" "$tool" powercut-campaign --reproduce "$id" --journal "$j" --base "$b" --check "$fails"
expect "... with the same environment and output" grep -q "^#   cut $id of .* is broken" "$dir/out"
runs 0 "--reproduce ID --check passes with a check that passes" "$tool" powercut-campaign --reproduce "$id" --journal "$j" --base "$b" --check 'test "$FM_CUT_ID" = "'"$id"'" && test -s {}'
refuses "an ID of another journal is refused" 1 "not the campaign's journal the ID names" \
  "$tool" powercut-campaign --reproduce "0badf00d@${id#*@}" --journal "$j" --base "$b" -o "$dir/x.img"
refuses "a malformed ID is refused" 2 "cut ID" "$tool" powercut-campaign --reproduce "$digest@12:half" --journal "$j" -o "$dir/x.img"
refuses "replay --cut with a malformed ID" 2 "cut ID" "$tool" replay --journal "$j" --cut "$digest@0:torn" -o "$dir/x.img"
refuses "an ID whose cut does not apply" 1 "cannot be torn" "$tool" replay --journal "$j" --base "$b" --cut "$digest@$op:somebits" -o "$dir/x.img"
refuses "--reproduce needs -o or --check" 2 "needs -o" "$tool" powercut-campaign --reproduce "$id" --journal "$j"
refuses "--reproduce takes no coverage options" 2 "the ID says the rest" "$tool" powercut-campaign --reproduce "$id" --journal "$j" -o "$dir/x.img" --every 3
expect "nothing is left behind" test ! -e "$dir/x.img"
# A tear seed draws the torn cuts again, and the ID carries it.
runs 1 "--tear-seed 5" campaign --from 200 --to 300 --cut torn --torn somebits --tear-seed 5 --check "$fails" --keep-failed --work-dir "$dir/wd5"
id5=$(sed -n 's/^#   ID //p' "$dir/out" | head -n 1)
expect "its IDs end in +5" sh -c "echo '$id5' | grep -q '^$digest@[0-9]*:somebits+5\$'"
"$tool" powercut-campaign --reproduce "$id5" --journal "$j" --base "$b" -o "$dir/re5.img" >/dev/null 2>&1
expect "... and rebuild to its image" same_image "$dir/re5.img" "$dir/wd5/cut-$id5.img"
expect "which is not the image of tear seed 0" eval "test -s '$dir/wd/cut-${id5%+5}.img' && ! same_image '$dir/re5.img' '$dir/wd/cut-${id5%+5}.img'"

# ---- --jobs ---------------------------------------------------------------
# Each check takes a slot: no two checks share one, and several run at once.
slots='mkdir "'"$dir"'/slot-$FM_JOB" || exit 9; set -- "'"$dir"'"/slot-*; echo $# >> "'"$dir"'/busy"; sleep 0.05; rmdir "'"$dir"'/slot-$FM_JOB"; '"$fails"
runs 1 "--jobs 3" campaign --from 200 --to 300 --torn all --check "$slots" --jobs 3 --report "$dir/jobs.json"
cp "$dir/out" "$dir/jobs.tap"
cuts "$dir/fail.tap" > "$dir/a"; cuts "$dir/jobs.tap" > "$dir/b"
expect "--jobs 3: the same cuts, results and order as one job" cmp -s "$dir/a" "$dir/b"
expect "... no check ran in a busy slot" sh -c "! grep -q 'exit status 9' '$dir/jobs.tap'"
most=$(sort -n "$dir/busy" | tail -n 1)
expect "... several checks ran at once, never more than 3 ($most)" test "$most" -ge 2 -a "$most" -le 3
same_results () { python3 -c "import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(any(a[k]!=b[k] for k in ('results','failures','duplicates')))" "$1" "$2"; }
expect "... and the same results in the report" same_results "$dir/fail.json" "$dir/jobs.json"
refuses "--jobs 0" 2 "--jobs takes" campaign --check true --jobs 0
# SIGTERM stops the checks (their process groups), removes the cut
# images and the work directory, then ends the campaign by the signal.
mkdir "$dir/tmp"
TMPDIR=$dir/tmp "$tool" powercut-campaign --journal "$j" --base "$b" --from 200 --to 300 --jobs 2 --progress 0 \
  --check 'trap "echo stopped >> '"$dir"'/stopped; exit 1" TERM; echo started >> '"$dir"'/started; sleep 60 & wait' \
  > "$dir/out" 2> "$dir/err" &
pid=$!
while [ "$(cat "$dir/started" 2>/dev/null | wc -l)" -lt 2 ]; do sleep 0.1; done
kill -TERM $pid
wait $pid
status=$?
expect "SIGTERM ends the campaign by the signal" test "$status" = 143
expect "... the running checks were stopped" test "$(wc -l < "$dir/stopped")" = 2
expect "... and no more started" test "$(wc -l < "$dir/started")" = 2
expect "... nothing is left in \$TMPDIR" test -z "$(ls -A "$dir/tmp")"
expect "... and it says why" grep -q "^flashmodel: interrupted by Terminated" "$dir/err"

# ---- shards and merge -----------------------------------------------------
for k in 0 1 2; do
  campaign --from 200 --to 300 --torn all --check "$fails" --shard "$k/3" --report "$dir/shard-$k.json" >"$dir/shard-$k.tap" 2>/dev/null
done
cat "$dir"/shard-?.tap > "$dir/shards.tap"
cuts "$dir/shards.tap" | grep '^\(not \)\{0,1\}ok' | sed 's/^\(not \)\{0,1\}ok [0-9]* //' | sort > "$dir/a"
cuts "$dir/fail.tap" | grep '^\(not \)\{0,1\}ok' | sed 's/^\(not \)\{0,1\}ok [0-9]* //' | sort > "$dir/b"
expect "three shards cover every cut once" cmp -s "$dir/a" "$dir/b"
runs 1 "merge (failures found: exit 1)" "$tool" powercut-campaign merge -o "$dir/merged.json" "$dir/shard-2.json" "$dir/shard-0.json" "$dir/shard-1.json"
results "$dir/fail.json" > "$dir/a"; results "$dir/merged.json" > "$dir/b"
expect "the merged report is the unsharded one but for \"run\", byte for byte" cmp -s "$dir/a" "$dir/b"
expect "... with the same failures, and duplicates" test "$(json "$dir/merged.json" "d['results']['failed'], d['results']['duplicates'] > 0")" = "($nfail, True)"
expect "... and says what it merged" test "$(json "$dir/merged.json" "d['run']['merged_from']")" = "['0/3', '1/3', '2/3']"
runs 1 "merge to standard output" "$tool" powercut-campaign merge "$dir/shard-0.json" "$dir/shard-1.json" "$dir/shard-2.json"
expect "... the same report" cmp -s "$dir/out" "$dir/merged.json"
refuses "merge refuses a missing shard" 1 "shard 1/3 is missing" "$tool" powercut-campaign merge "$dir/shard-0.json" "$dir/shard-2.json"
refuses "merge refuses a shard given twice" 1 "are both shard 2/3" "$tool" powercut-campaign merge "$dir/shard-0.json" "$dir/shard-2.json" "$dir/shard-1.json" "$dir/shard-2.json"
refuses "merge refuses a whole run" 1 "not the report of a shard" "$tool" powercut-campaign merge "$dir/fail.json"
campaign --from 200 --to 301 --torn all --check "$fails" --shard 1/3 --report "$dir/other-1.json" >/dev/null 2>&1
refuses "merge refuses shards of different campaigns" 1 "different campaigns" "$tool" powercut-campaign merge "$dir/shard-0.json" "$dir/other-1.json" "$dir/shard-2.json"
campaign --from 200 --to 300 --torn all --check "$fails" --shard 1/2 --report "$dir/half-1.json" >/dev/null 2>&1
refuses "merge refuses shards of different splits" 1 "different splits" "$tool" powercut-campaign merge "$dir/shard-0.json" "$dir/half-1.json"
sed 's/"failed" : 0/"failed" : 1/' "$dir/shard-0.json" > "$dir/edited.json"
refuses "merge refuses an inconsistent report" 1 "edited.json: " "$tool" powercut-campaign merge "$dir/edited.json" "$dir/shard-1.json" "$dir/shard-2.json"
sed 's/"chip_seed" : 7/"chip_seed" : 8/' "$dir/shard-0.json" > "$dir/edited.json"
refuses "merge refuses a report whose campaign was edited" 1 "edited.json: campaign_id: does not match" "$tool" powercut-campaign merge "$dir/edited.json" "$dir/shard-1.json" "$dir/shard-2.json"
sed 's|"shard" : "0/3"|"shard" : "0/4000000000"|' "$dir/shard-0.json" > "$dir/edited.json"
refuses "merge refuses a split into billions of shards" 1 "edited.json: run.shard: not K/N" "$tool" powercut-campaign merge "$dir/edited.json"
sed 's|"checked" : \([0-9]*\),|"checked" : 18446744073709551615,|' "$dir/shard-0.json" > "$dir/edited.json"
refuses "merge refuses counts beyond 2^40" 1 "edited.json: results.checked: missing, or not an integer from 0 to 2^40" "$tool" powercut-campaign merge "$dir/edited.json" "$dir/shard-1.json" "$dir/shard-2.json"
head -c 300 "$dir/shard-0.json" > "$dir/cut.json"
refuses "merge refuses a truncated report" 1 "cut.json: not a JSON file" "$tool" powercut-campaign merge "$dir/cut.json" "$dir/shard-1.json" "$dir/shard-2.json"
refuses "--shard K/N needs K < N" 2 "--shard takes" campaign --check true --shard 3/3

# GNU parallel runs the shards (-q: the check's words reach the campaign
# as they are; -I %: parallel's {} would replace the check's).
if command -v parallel >/dev/null 2>&1; then
  (cd "$dir" && parallel --will-cite -j 4 -q -I % "$tool" powercut-campaign --journal "$j" --base "$b" --progress 0 \
     --from 200 --to 300 --torn all --check "$fails" --shard %/4 --report par-%.json ::: 0 1 2 3 >/dev/null 2>&1)
  runs 1 "GNU parallel: four shards merged" "$tool" powercut-campaign merge -o "$dir/par.json" "$dir"/par-?.json
  results "$dir/fail.json" > "$dir/a"; results "$dir/par.json" > "$dir/b"
  expect "GNU parallel: the merged report is the unsharded one" cmp -s "$dir/a" "$dir/b"
else
  skip "GNU parallel: four shards merged" "GNU parallel is not installed (Debian package parallel)"
  skip "GNU parallel: the merged report is the unsharded one" "GNU parallel is not installed"
fi

# The Slurm array script, its tasks run by hand as Slurm would.
slurm=$FLASHMODEL_SRCDIR/bench/slurm/powercut-array.sh
for k in 0 1 2 3 4; do
  SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=5 FLASHMODEL=$tool "$slurm" shard "$dir/slurm" -- \
    --journal "$j" --base "$b" --from 200 --to 300 --torn all --check "$fails" 2>/dev/null \
    || not_ok "Slurm task $k of 5 failed"
done
expect "Slurm: each task wrote its shard's report and TAP" test "$(ls "$dir"/slurm/shard-?.json "$dir"/slurm/shard-?.tap | wc -l)" = 10
FLASHMODEL=$tool "$slurm" merge "$dir/slurm" >/dev/null 2>&1
results "$dir/fail.json" > "$dir/a"; results "$dir/slurm/report.json" > "$dir/b"
expect "Slurm: the merge step's report is the unsharded one" cmp -s "$dir/a" "$dir/b"
rm "$dir/slurm/shard-3.json"
refuses "Slurm: the merge step refuses a missing shard" 1 "shard 3/5 is missing" env FLASHMODEL="$tool" "$slurm" merge "$dir/slurm"
refuses "Slurm: a task outside an array" 2 "SLURM_ARRAY_TASK_ID" env -u SLURM_ARRAY_TASK_ID "$slurm" shard "$dir/slurm" -- --journal "$j"
# submit: an sbatch that records what it is asked.
mkdir -p "$dir/bin"
cat > "$dir/bin/sbatch" <<EOF
#!/bin/sh
echo "\$*" >> "$dir/sbatch.log"
echo "\$((\$(wc -l < "$dir/sbatch.log") + 41));cluster"
EOF
chmod +x "$dir/bin/sbatch"
PATH=$dir/bin:$PATH "$slurm" submit 8 "$dir/sub" -- --journal "$j" --check "$fails" >/dev/null 2>&1
expect "Slurm: submit asks for an array of 8 tasks" grep -q -- "^--parsable --array=0-7 --chdir=$dir/sub .*powercut-array.sh shard $dir/sub -- --journal $j --check" "$dir/sbatch.log"
expect "Slurm: ... and a merge once every task succeeded" grep -q -- "^--parsable --dependency=afterok:42 --chdir=$dir/sub --job-name=powercut-merge .*powercut-array.sh merge $dir/sub\$" "$dir/sbatch.log"

# ---- depth 2 --------------------------------------------------------------
# The check records a recovery on the first cuts, as muse-chip --record
# would; second-level cuts of even recovery operations fail.
deep='if [ -n "${FM_CUT_RECORD:-}" ]; then "'"$rw"'" --on {} 40 "$FM_CUT_RECORD" || exit 1; fi
if [ "$FM_CUT_DEPTH" = 2 ] && [ $((FM_CUT_OP % 2)) = 0 ]; then echo "recovery $FM_CUT_OP after $FM_CUT_FIRST_OP $FM_CUT_FIRST broke"; exit 1; fi'
runs 1 "--depth 2 --window 300:330" campaign --depth 2 --window 300:330 --every 5 --torn somebits,partly-erased --check "$deep" \
  --work-dir "$dir/deep" --keep-failed --report "$dir/deep.json" --jobs 2
cp "$dir/out" "$dir/deep.tap"
expect "each first cut is followed by the cuts of its recovery" grep -q " - operation [0-9]* clean, .*, then recovery operation [0-9]* torn (somebits), program of block 409[2-5] page" "$dir/deep.tap"
firsts=$(json "$dir/deep.json" "d['results']['by_depth']['1']['checked']")
expect "every first cut's recovery was cut ($firsts)" grep -q "second level: $firsts recoveries cut" "$dir/deep.tap"
expect "second-level failures have two-level IDs" grep -q "^#   ID $digest@[0-9]*:[a-z-]*/[0-9a-f]\{8\}@[0-9]*[02468]:[a-z-]*\$" "$dir/deep.tap"
expect "the plan comes last at depth 2" sh -c "tail -n 8 '$dir/deep.tap' | grep -q '^1\.\.'"
id2=$(sed -n 's/^#   ID \(.*\/.*\)/\1/p' "$dir/deep.tap" | sed -n 3p)
first=${id2%%/*}
expect "the recovery journal of a first cut with failures is kept" test -s "$dir/deep/recovery-$(echo "$first" | sed 's/@/-/; s/:/-/').journal"
(cd "$dir/deep" && "$tool" powercut-campaign --reproduce "$id2" --journal "$j" --base "$b" -o "$dir/re-deep.img" >/dev/null 2>&1)
expect "--reproduce of a depth-2 ID finds its recovery journal and rebuilds the image bit for bit" \
  same_image "$dir/re-deep.img" "$dir/deep/cut-$(echo "$id2" | tr / _).img"
runs 1 "--reproduce of a depth-2 ID reruns the check" "$tool" powercut-campaign --reproduce "$id2" --journal "$j" --base "$b" --work-dir "$dir/deep" --check "$deep"
expect "... at depth 2, with the first cut in its environment" grep -q "^#   recovery [0-9]*[02468] after $(echo "${first#*@}" | sed 's/:/ /') broke" "$dir/out"
other=$(ls "$dir"/deep/recovery-*.journal | grep -v "$(echo "$first" | sed 's/@/-/; s/:/-/')" | head -n 1)
refuses "a recovery journal of another first cut is refused" 1 "not the recovery journal the ID names" \
  "$tool" powercut-campaign --reproduce "$id2" --journal "$j" --base "$b" --recovery "$other" -o "$dir/x.img"
refuses "a depth-2 check must record" 1 "without recording its run" campaign --depth 2 --window 300:310 --check true
refuses "--depth 2 needs --window" 2 "needs --window" campaign --depth 2 --check true
refuses "--window needs --depth 2" 2 "goes with --depth 2" campaign --window 1:2 --check true
refuses "--window A:B with A <= B" 2 "--window takes" campaign --depth 2 --window 9:3 --check true

# ---- the report and progress ----------------------------------------------
expect "report: the journal's SHA-256 and chip" test "$(json "$dir/linear.json" "d['campaign']['journal']['sha256'][:8], d['campaign']['journal']['chip']")" = "('$digest', 'samsung-k9f1208')"
expect "report: the coverage" test "$(json "$dir/all.json" "d['campaign']['coverage']['torn'], d['campaign']['coverage']['clean']")" = "(['somebits', 'mostbits', 'unstable', 'lowerpage', 'partly-erased', 'mostly-erased'], False)"
expect "report: counts by cut" test "$(json "$dir/linear.json" "d['results']['by_cut']['clean']['checked'], d['results']['by_cut']['torn']['checked']")" = "($((progs + erases)), $((progs + erases)))"
expect "report: time per phase" test "$(json "$dir/linear.json" "sorted(d['run']['seconds'])")" = "['checking', 'cut_making', 'total']"
expect "report: depth 2 counts" test "$(json "$dir/deep.json" "d['results']['recoveries'], d['results']['by_depth']['2']['failed'] > 0")" = "($firsts, True)"
runs 0 "progress every second" campaign --from 200 --to 230 --check 'sleep 0.1' --progress 1
expect "progress: done/total, rate and ETA on stderr" grep -q "^flashmodel powercut-campaign: [0-9]*/$((2 * $(count_ops 200 230 'program|erase'))) cut points ([0-9.]*%), 0 failed, [0-9.]* per minute, ETA " "$dir/err"
runs 0 "--progress 0: none" campaign --from 200 --to 210 --check true
expect "progress: quiet with --progress 0" test ! -s "$dir/err"
refuses "an unexpected argument" 2 "unexpected argument" campaign --check true extra
refuses "--recovery without --reproduce" 2 "go with --reproduce" campaign --check true --recovery x

tap_end
