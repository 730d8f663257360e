# Power cuts under UBIFS, checked by a durability oracle: the standard
# workload of bench/powercut-full (tests/vm/guest/powercut.sh, profile
# ubifs: UBI on a 4 MiB partition of winbond-w29n01hv, erase counters
# that make UBI wear-level, fm-fsync-load's files), recorded by muse-chip
# with a journal mark where each fsync and sync returned. A sampled
# campaign then cuts power at programs and erases of that journal, clean
# and torn, and at each cut switches the image into a running muse-chip,
# attaches UBI (the volume table intact), mounts UBIFS and has
# fm-fsync-load verify every write acknowledged before the cut and that
# nothing holds data never written there. The check must fail when the
# marks claim acknowledgements the cut image cannot have. A live power cut
# in the middle of the workload (--faults powercut@op=N) leaves an image
# that passes the same check. Then the same for UBI attached through its
# fastmap, fewer cuts.
. /fm/lib.sh
. /fm/powercut.sh

pc_profile ubifs
check "the base: UBI, UBIFS and the starting files" pc_make_base || bail "no base image"
check "the workload, recorded with marks" pc_record || bail "no recording"
flashmodel journal "$PC_DIR/run.journal" > /tmp/journal.out 2>&1
diag "$(grep -E '^(operations|marks):' /tmp/journal.out)"
check_ge "marks where operations began and acknowledgements returned" 200 "$(wc -l < "$PC_DIR/marks")"
check_ge "UBI moved the data of the PEBs at erase count 0 (wear-leveling)" 1 "$(cat "$PC_DIR/wl-moves")"
diag "$(cat "$PC_DIR/journal-stats")"
check_ge "UBIFS committed" 2 "$(sed -n 's/^ubifs: \([0-9]*\) commits.*/\1/p' "$PC_DIR/journal-stats")"
check_ge "UBIFS moved nodes in garbage collection" 1 \
  "$(sed -n 's/^ubifs: .* \([0-9]*\) nodes moved by garbage collection.*/\1/p' "$PC_DIR/journal-stats")"

check "a server for the checks" pc_servers_start 1
pc_campaign 120 1
status=$?
grep -E "^#|^not ok" "$PC_DIR/campaign.tap" | head -n 60 | sed 's/^#* *//' | while read -r line; do diag "$line"; done
check_eq "the campaign ran 240 cuts (120 operations, clean and torn)" 240 \
  "$(grep -c -E '^(not )?ok [0-9]+ - operation [0-9]+ (clean|torn)' "$PC_DIR/campaign.tap")"
check_eq "every cut attaches, mounts and keeps what was acknowledged" 0 "$status"
diag "$(pc_times_summary)"

# The oracle can fail: marks that put the workload's final sync, and its
# acknowledgement, before every operation demand the final state of every
# cut, which those of the first half of the journal cannot have.
middle=$(pc_middle_op)
cp "$PC_DIR/marks" /tmp/marks.real
last=$(tail -n 1 "$PC_DIR/marks" | cut -d' ' -f3)
{ echo "0 op $last"; echo "0 ack $last"; cat /tmp/marks.real; } > "$PC_DIR/marks"
pc_campaign 3 1 --to "$middle"
check_eq "a check that finds acknowledged data missing fails the campaign" 1 "$?"
failed=$(grep -c '^not ok' "$PC_DIR/campaign.tap")
check_eq "it lists every failed cut (3 operations, clean and torn)" 6 "$failed"
[ "$failed" = 6 ] || diag "$(cat "$PC_DIR/campaign.tap" "$PC_DIR/campaign.err")"
cp /tmp/marks.real "$PC_DIR/marks"
check "the servers stop" pc_servers_stop

# A live cut halfway through the same workload, on the base.
cut_at=$middle
cp "$PC_DIR/base.img" /tmp/live.img
mkdir -p /run/pclive
pc_serve pclive /tmp/live.img "" --record /tmp/live.journal --stats-mount /run/pclive \
  --faults "powercut@op=$cut_at" || bail "muse-chip with a power cut did not start"
cp "$PC_DIR/log" /tmp/log.real
# The same seed and starting state: the same operations as recorded.
awk '{ print } / base$/ { exit }' /tmp/log.real > "$PC_DIR/log"
pc_up 0 /mnt/pclive && fm-fsync-load run --dir /mnt/pclive --log "$PC_DIR/log" --seed 2 \
  --mark /run/pclive/mark $PC_LOAD > /dev/null 2>&1
wait "$muse_pid"
check_eq "muse-chip stops with status 3 at the power cut" 3 "$?"
muse_pid=
umount /mnt/pclive 2>/dev/null
ubidetach -d 0 2>/dev/null
flashmodel journal --marks /tmp/live.marks /tmp/live.journal > /dev/null 2>&1
cp "$PC_DIR/marks" /tmp/marks.real && cp /tmp/live.marks "$PC_DIR/marks"
check "the live cut's image passes the check" env FM_CUT_OP="$cut_at" /fm/bin/check-cut-ubifs /tmp/live.img
cp /tmp/marks.real "$PC_DIR/marks"
cp /tmp/log.real "$PC_DIR/log"

# UBI with fastmap: the cut images attach through it.
pc_profile ubifs-fastmap
export PC_DIR=/tmp/pcfm
check "fastmap: the base" pc_make_base || bail "no fastmap base image"
check "fastmap: the workload, recorded" pc_record || bail "no fastmap recording"
check "fastmap: a server for the checks" pc_servers_start 1
pc_campaign 30 1
status=$?
grep -E "^not ok" -A 12 "$PC_DIR/campaign.tap" | head -n 40 | while read -r line; do diag "$line"; done
check_eq "fastmap: every cut passes" 0 "$status"
fastmap=$(cat "$PC_DIR"/attach-* | grep -c fastmap)
attached=$(cat "$PC_DIR"/attach-* | wc -l)
diag "fastmap: $fastmap of $attached cuts attached by fastmap, the rest by scanning"
check_ge "fastmap: a third or more of the cut images attach through the fastmap" $((attached / 3)) "$fastmap"
diag "fastmap: $(pc_times_summary)"
check "fastmap: the server stops" pc_servers_stop
finish
