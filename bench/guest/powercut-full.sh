# The guest side of bench/powercut-full: PROFILE COVERAGE JOBS.
# Makes the base and records the standard workload of PROFILE
# (tests/vm/guest/powercut.sh), then runs the power-cut campaign over it
# with COVERAGE ("full": every program and erase, the clean cut before it
# and the torn one; or a number of operations drawn at random), JOBS
# checks at once, each checked by fm-fsync-load's oracle. Progress lines
# every minute; at the end the files the host keeps, each between
# "#@file NAME" and "#@end" with its lines prefixed "#@ ": summary.txt,
# report.json, campaign.tap, times.txt, and on a failure the journal, the
# base image, the log and the marks (base64) to reproduce it on the host.
. /fm/lib.sh
. /fm/powercut.sh

profile=$1 coverage=$2 jobs=$3
emit() {
  echo "#@file $1"
  sed 's/^/#@ /' "$2"
  echo "#@end"
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

pc_profile "$profile" || bail "no profile $profile"
pc_stamp t_start
check "$profile: the base" pc_make_base || bail "no base image"
pc_stamp t_base
check "$profile: the workload, recorded with marks" pc_record || bail "no recording"
pc_stamp t_record
flashmodel journal "$PC_DIR/run.journal" > "$PC_DIR/journal.txt" 2>&1
counts=$(sed -n 's/^operations: *\([0-9]*\) ([0-9.]*): \([0-9]*\) reads, \([0-9]*\) programs, \([0-9]*\) erases$/\1 \2 \3 \4/p' "$PC_DIR/journal.txt")
set -- $counts
ops=$1 reads=$2 programs=$3 erases=$4
marks=$(wc -l < "$PC_DIR/marks")
diag "$profile: $ops operations: $reads reads, $programs programs, $erases erases; $marks marks"
check "$profile: one server per job" pc_servers_start "$jobs" || bail "no servers"

pc_campaign "$coverage" "$jobs" &
campaign=$!
# Progress every minute; the end of the campaign seen within a second, so
# that its time is not rounded up to the next minute.
waited=0
while kill -0 "$campaign" 2>/dev/null; do
  sleep 1
  waited=$((waited + 1))
  [ $((waited % 60)) = 0 ] || continue
  pc_stamp t_now
  # One TAP file per job when the campaign is split (pc_campaign).
  taps=$PC_DIR/campaign.tap
  [ -e "$PC_DIR/campaign-0.tap" ] && taps="$PC_DIR/campaign-*.tap"
  # shellcheck disable=SC2086
  done_cuts=$(cat $taps 2>/dev/null | grep -c -E '^(not )?ok ')
  diag "progress: $done_cuts cuts checked in $(elapsed "$t_record" "$t_now") s"
done
wait "$campaign"
status=$?
pc_stamp t_campaign
check "$profile: the servers stop" pc_servers_stop

tap=$PC_DIR/campaign.tap
cuts=$(grep -c -E '^(not )?ok [0-9]+ - operation' "$tap")
clean=$(grep -c -E '^(not )?ok [0-9]+ - operation [0-9]+ clean' "$tap")
torn=$(grep -c -E '^(not )?ok [0-9]+ - operation [0-9]+ torn' "$tap")
failed=$(grep -c '^not ok' "$tap")
points=$(sed -n 's/^\(not \)\{0,1\}ok [0-9]* - operation \([0-9]*\) .*/\2/p' "$tap" | sort -u | wc -l)
# "not ok N - operation OP KIND, ...": OP/KIND, or the JSON of each.
failures() { grep '^not ok' "$tap" | awk -v fmt="$1" -v sep="$2" '{ k = $7; sub(/,$/, "", k); printf "%s" fmt, (NR > 1 ? sep : ""), $6, k }'; }
campaign_s=$(elapsed "$t_record" "$t_campaign")
check_eq "$profile: every cut passed the oracle" 0 "$status"
check_ge "$profile: cuts checked" 1 "$cuts"
pc_times_summary > "$PC_DIR/times.txt"
for f in "$PC_DIR"/times-*; do
  echo "${f##*/}: $(awk -v f="${f##*/}" '{ n++; t += $8 - $1 } END { if (n) printf "%d checks, %.3f s each", n, t / n }' "$f")"
done >> "$PC_DIR/times.txt"
fastmap=0 scan=0
if [ "$PC_FASTMAP" = 1 ]; then
  fastmap=$(cat "$PC_DIR"/attach-* | grep -c fastmap)
  scan=$(cat "$PC_DIR"/attach-* | grep -c scan)
fi
wl=$(cat "$PC_DIR/wl-moves" 2>/dev/null || echo 0)
share() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }'; }
rate=$(awk -v c="$cuts" -v s="$campaign_s" 'BEGIN { printf "%.1f", (s > 0 ? c * 60 / s : 0) }')
per_cut=$(awk -v c="$cuts" -v s="$campaign_s" 'BEGIN { printf "%.3f", c ? s / c : 0 }')

{
  echo "profile:        $profile (chip $PC_CHIP, partition $PC_PART, $PC_FS$([ "$PC_FASTMAP" = 1 ] && echo ", fastmap"))"
  echo "workload:       fm-fsync-load run $PC_LOAD (base: $PC_BASE_LOAD)"
  echo "journal:        $ops operations: $reads reads, $programs programs, $erases erases; $marks marks"
  if [ "$PC_FS" = ubifs ]; then
    echo "wear-leveling:  $wl of the $(wc -l < "$PC_DIR/cooled") PEBs at erase count 0 moved off and erased"
    sed 's/^/                /' "$PC_DIR/journal-stats"
  fi
  echo "coverage:       $coverage, $jobs job(s): $points operations cut ($(share "$points" $((programs + erases)))% of the programs and erases), $cuts cuts ($clean clean, $torn torn)"
  echo "failures:       $failed$(failures ' %s/%s' '')"
  echo "time:           base $(elapsed "$t_start" "$t_base") s, record $(elapsed "$t_base" "$t_record") s, campaign $campaign_s s"
  echo "rate:           $rate cut points per minute, $per_cut s per cut"
  echo "checks:         $(head -n 1 "$PC_DIR/times.txt")"
  [ "$PC_FASTMAP" = 1 ] && echo "attach:         $fastmap by fastmap, $scan by scanning"
  echo "load (guest):   $(cat /proc/loadavg)"
} > "$PC_DIR/summary.txt"
sed 's/^/# /' "$PC_DIR/summary.txt"

{
  printf '{\n  "profile": "%s",\n  "chip": "%s",\n  "partition": "%s",\n  "file_system": "%s",\n  "fastmap": %s,\n' \
    "$profile" "$PC_CHIP" "$PC_PART" "$PC_FS" "$([ "$PC_FASTMAP" = 1 ] && echo true || echo false)"
  printf '  "workload": "%s",\n  "journal": { "operations": %s, "reads": %s, "programs": %s, "erases": %s, "marks": %s },\n' \
    "$PC_LOAD" "$ops" "$reads" "$programs" "$erases" "$marks"
  printf '  "wear_leveling_moves": %s,\n  "coverage": "%s",\n  "jobs": %s,\n' "$wl" "$coverage" "$jobs"
  if [ "$PC_FS" = ubifs ]; then
    sed -n 's/^ubi: .* VID headers (\([0-9]*\) copies, \([0-9]*\) of them.*/  "ubi": { "copies": \1, "moves_off_cooled_pebs": \2 },/p' "$PC_DIR/journal-stats"
    sed -n 's/^ubifs: \([0-9]*\) commits (commit-start nodes), \([0-9]*\) index nodes written; \([0-9]*\) nodes moved by garbage collection, \([0-9]*\) copied.*/  "ubifs": { "commits": \1, "index_nodes": \2, "nodes_moved_by_gc": \3, "nodes_copied_by_ubi": \4 },/p' "$PC_DIR/journal-stats"
  fi
  printf '  "cut_points": { "operations": %s, "share_of_programs_and_erases": %s, "cuts": %s, "clean": %s, "torn": %s },\n' \
    "$points" "$(share "$points" $((programs + erases)))" "$cuts" "$clean" "$torn"
  printf '  "failures": ['
  failures '{ "operation": %s, "cut": "%s" }' ', '
  printf '],\n'
  printf '  "seconds": { "base": %s, "record": %s, "campaign": %s },\n' \
    "$(elapsed "$t_start" "$t_base")" "$(elapsed "$t_base" "$t_record")" "$campaign_s"
  printf '  "cut_points_per_minute": %s,\n' "$rate"
  cat "$PC_DIR"/times-* | awk '
    { s += $2 - $1; a += $3 - $2; m += $4 - $3; v += $5 - $4; u += $6 - $5; d += $7 - $6; r += $8 - $7; t += $8 - $1; n++ }
    END { printf "  \"check_seconds\": { \"checks\": %d, \"serve\": %.3f, \"attach\": %.3f, \"mount\": %.3f, \"verify\": %.3f, \"umount\": %.3f, \"detach\": %.3f, \"release\": %.3f, \"total\": %.3f },\n", n, s/n, a/n, m/n, v/n, u/n, d/n, r/n, t/n }'
  printf '  "attach": { "fastmap": %s, "scan": %s }\n}\n' "$fastmap" "$scan"
} > "$PC_DIR/report.json"

emit summary.txt "$PC_DIR/summary.txt"
emit report.json "$PC_DIR/report.json"
emit campaign.tap "$tap"
emit times.txt "$PC_DIR/times.txt"
if [ "$failed" != 0 ]; then
  # What the host needs to rebuild any failed cut: flashmodel replay
  # --journal run.journal --base base.img --until OP --cut KIND, and the
  # oracle's inputs.
  emit log "$PC_DIR/log"
  emit marks "$PC_DIR/marks"
  base64 "$PC_DIR/run.journal" > /tmp/journal.b64 && emit run.journal.b64 /tmp/journal.b64
  gzip -c "$PC_DIR/base.img" | base64 > /tmp/base.b64 && emit base.img.gz.b64 /tmp/base.b64
fi
finish
