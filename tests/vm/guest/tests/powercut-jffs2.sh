# Power cuts under JFFS2, on NAND and on NOR, checked by the durability
# oracle: fm-fsync-load's workload on JFFS2 (tests/vm/guest/powercut.sh,
# profiles jffs2-nand: a 2 MiB partition of winbond-w29n01hv, and
# jffs2-nor: 1 MiB of the SPI NOR winbond-w25q128jv in 64 KiB sectors),
# recorded by muse-chip with a journal mark where each fsync and sync
# returned; then a sampled campaign cuts power at its programs and erases,
# clean and torn, and at each cut mounts JFFS2 and has fm-fsync-load
# verify every write acknowledged before the cut.
#
# JFFS2 on NOR programs one NOR page many times (a node wherever its log
# has reached): torn cuts there once lost acknowledged nodes to the model
# itself, whose torn program left earlier programmed bits of the page
# unstable (bench/results/powercut-full/jffs2-nor-finding/README.md).
. /fm/lib.sh
. /fm/powercut.sh

for profile in jffs2-nand jffs2-nor; do
  # Each profile's own workload, not the one the previous profile set.
  unset PC_LOAD PC_BASE_LOAD
  pc_profile "$profile"
  export PC_DIR=/tmp/pc-$profile
  check "$profile: the base: JFFS2 and the starting files" pc_make_base || bail "no $profile base image"
  check "$profile: the workload, recorded with marks" pc_record || bail "no $profile recording"
  ops=$(flashmodel journal "$PC_DIR/run.journal" | grep -E '^operations:')
  diag "$profile: $ops"
  # On NOR the erases in the recording are JFFS2's background thread
  # erasing the sectors it found empty at mount (the workload writes far
  # less than the partition holds): whether they fall inside the recording
  # depends on when that thread runs, so none is a skip, not a failure.
  if [ "$profile" = jffs2-nor ]; then
    erases=$(echo "$ops" | sed -n 's/.* \([0-9]*\) erases$/\1/p')
    if [ "${erases:-0}" -ge 1 ]; then
      check_ge "$profile: sectors erased" 1 "$erases"
    else
      skip "$profile: sectors erased" "JFFS2's background erases ran outside the recording"
    fi
  fi
  check_ge "$profile: marks" 50 "$(wc -l < "$PC_DIR/marks")"
  check "$profile: a server for the checks" pc_servers_start 1
  pc_campaign 40 1
  tap=$PC_DIR/campaign.tap
  grep -E "^not ok" -A 12 "$tap" | head -n 40 | while read -r line; do diag "$line"; done
  check_eq "$profile: the campaign ran 80 cuts (40 operations, clean and torn)" 80 \
    "$(grep -c -E '^(not )?ok [0-9]+ - operation [0-9]+ (clean|torn)' "$tap")"
  check_eq "$profile: every clean cut mounts and keeps what was acknowledged" 0 \
    "$(grep -c -E '^not ok [0-9]+ - operation [0-9]+ clean' "$tap")"
  check_eq "$profile: every torn cut mounts and keeps what was acknowledged" 0 \
    "$(grep -c -E '^not ok [0-9]+ - operation [0-9]+ torn' "$tap")"
  diag "$profile: $(pc_times_summary)"
  check "$profile: the server stops" pc_servers_stop
done
finish
