# Live statistics: muse-chip --stats-mount shows the chip's wear while it
# serves; the counts follow what the kernel did, reading them does not stop
# the server, 'flashmodel stat --live' and 'flashmodel wear DIR' read them,
# and the last snapshot is what the image holds once the server stops.
. /fm/lib.sh

img=/tmp/nand.img
st=/run/nand-stats
block=131072
mkdir -p "$st" /tmp/snap

# Column COL of the rows of blocks FIRST..LAST in CSV FILE, one per line.
column() { awk -F, -v c="$2" -v a="$3" -v b="$4" 'NR > 1 && $1 >= a && $1 <= b { print $c }' "$1"; }

check_eq "--stats-mount without a chip is refused" 2 "$(muse-chip --ram 1M --stats-mount "$st" > /dev/null 2>&1; echo $?)"
modprobe muse 2> /dev/null
muse-chip --chip micron-mt29f4g --stats-mount /nonexistent > /tmp/err 2>&1
check_eq "a missing directory is an error" 1 "$?"
check "... that names it" grep -q -- "--stats-mount: /nonexistent" /tmp/err

start_muse nand --chip micron-mt29f4g --image "$img" --stats-mount "$st" || bail "muse-chip did not start"
check "the statistics directory is mounted" grep -qE " $st fuse[.a-z]* " /proc/mounts
# Three statistics files, and without --record the write-only control
# file 'image' (a power-cut campaign switches cut images in through it).
check_eq "it holds three files and the control file" "bad_blocks erase_counts.csv image summary.json" \
  "$(ls "$st" | tr '\n' ' ' | sed 's/ $//')"
check "the control file cannot be read" sh -c "! cat $st/image"
check "it refuses writes" sh -c "! echo x > $st/summary.json"
check_eq "erase_counts.csv: a header and 4096 blocks" 4097 "$(wc -l < "$st/erase_counts.csv")"
check_eq "its size is what reads give" "$(cat "$st/erase_counts.csv" | wc -c)" "$(stat -c %s "$st/erase_counts.csv")"
factory=$(awk -F, 'NR > 1 && $5 == 1 { print $1 }' "$st/erase_counts.csv" | tr '\n' ' ')
check_eq "bad_blocks lists the factory bad blocks, marked" \
  "$(for b in $factory; do echo "$b factory,marked"; done)" "$(cat "$st/bad_blocks")"
check_ge "the chip has factory bad blocks" 1 "$(echo $factory | wc -w)"

# Erases, programs and reads, each seen while the server runs. Blocks 100-109
# are good on this chip (seed 1); the check below would show otherwise.
check_eq "blocks 100-109 are good" "" "$(column "$st/erase_counts.csv" 5 100 109 | grep -v '^0$')"
for i in 1 2 3; do flash_erase -q "/dev/mtd$mtd" $((100 * block)) 10; done
check_eq "blocks 100-109 were erased 3 times" "3" "$(column "$st/erase_counts.csv" 2 100 109 | sort -u)"
check_eq "blocks 99 and 110 were not" "0 0" "$(column "$st/erase_counts.csv" 2 99 99) $(column "$st/erase_counts.csv" 2 110 110)"
dd if=/dev/urandom of=/tmp/two-pages bs=4096 count=1 2> /dev/null
nandwrite -q -p -s $((100 * block)) "/dev/mtd$mtd" /tmp/two-pages
check_eq "block 100 has 2 page programs" 2 "$(column "$st/erase_counts.csv" 3 100 100)"
reads=$(column "$st/erase_counts.csv" 4 101 101)
nanddump -q -s $((101 * block)) -l "$block" -f /tmp/dump "/dev/mtd$mtd"
check_ge "reading block 101 counts its 64 page reads" $((reads + 64)) "$(column "$st/erase_counts.csv" 4 101 101)"

check "summary.json and erase_counts.csv agree on the erase total" \
  test "$(json_num "$st/summary.json" erase_count total)" = "$(awk -F, 'NR > 1 { s += $2 } END { print s }' "$st/erase_counts.csv")"
check_ge "summary.json counts the erase requests" 30 "$(json_num "$st/summary.json" requests erases)"
check "its busy time is more than nothing and less than its uptime" awk \
  -v busy="$(json_num "$st/summary.json" live busy_s)" \
  -v up="$(json_num "$st/summary.json" live uptime_s)" \
  'BEGIN { exit !(busy > 0 && busy < up) }'
flashmodel stat --live "$st" > /tmp/live 2>&1
check "flashmodel stat --live reads it" grep -q "^erase counts: *min 0, mean 0.01, max 3, stddev 0.15 (total 30)$" /tmp/live
check "... with the server's state" grep -q "^server: *muse-chip, pid $muse_pid, serving, up " /tmp/live
diag "$(cat /tmp/live)"

# Reading does not stop the server: statistics read in a loop while the
# kernel erases, the erase total only grows and the erases all finish.
flash_erase -q "/dev/mtd$mtd" $((200 * block)) 2000 &
eraser=$!
flashmodel stat --live --watch 0.2 "$st" > /tmp/watch 2>&1 &
watcher=$!
last=0 grew=0 monotonic=1
while kill -0 "$eraser" 2> /dev/null; do
  now=$(json_num "$st/summary.json" erase_count total)
  [ "$now" -lt "$last" ] && monotonic=0
  [ "$now" -gt "$last" ] && [ "$last" -gt 30 ] && grew=$((grew + 1))
  last=$now
done
wait "$eraser"
check_eq "2000 erases finished while the statistics were read" 0 "$?"
check_eq "the erase total never went back" 1 "$monotonic"
check_ge "it was seen growing during the erases" 2 "$grew"
check_eq "every good block of 200-2199 was erased once, the bad ones skipped" 2000 \
  $(( $(column "$st/erase_counts.csv" 2 200 2199 | grep -c '^1$') + $(column "$st/erase_counts.csv" 5 200 2199 | grep -c '^1$') ))

# The last snapshot before the server stops is the image's account.
cp "$st/summary.json" "$st/erase_counts.csv" /tmp/snap/
check "the server stops" stop_muse
for i in $(seq 1 50); do kill -0 "$watcher" 2> /dev/null || break; sleep 0.2; done
check "--watch ends by itself when the server stops" sh -c "! kill $watcher"
wait "$watcher"
check_ge "--watch printed summaries while the server ran" 2 "$(grep -c '^statistics:' /tmp/watch)"
check "--watch ended when the statistics went away" grep -q "the statistics went away" /tmp/watch
[ "$tap_failed" = 0 ] || diag "$(tail -n 5 /tmp/watch)"
check "the directory is unmounted" sh -c "! grep -q ' $st ' /proc/mounts"
check_eq "and empty" "" "$(ls "$st")"
check_eq "flashmodel wear --csv: the snapshot is the image" \
  "$(flashmodel wear --csv "$img" | md5sum)" "$(flashmodel wear --csv /tmp/snap | md5sum)"
check_eq "... and the file served is the same bytes" \
  "$(flashmodel wear --csv "$img" | md5sum)" "$(md5sum < /tmp/snap/erase_counts.csv)"
check_eq "flashmodel wear --json: the same summary" \
  "$(flashmodel wear --json "$img" | md5sum)" "$(flashmodel wear --json /tmp/snap | md5sum)"

# A NOR chip: the blocks are its 4 KiB sectors, whatever the MTD erases.
start_muse nor --chip winbond-w25q128jv --erase-size 64K --stats-mount "$st" || bail "muse-chip (NOR) did not start"
check_eq "NOR: a row per 4 KiB sector" 4097 "$(wc -l < "$st/erase_counts.csv")"
flash_erase -q "/dev/mtd$mtd" 65536 2
check_eq "NOR: two 64 KiB erases count once in each of their 32 sectors" \
  "16:0 32:1 16:0" \
  "$(column "$st/erase_counts.csv" 2 0 63 | awk '
       NR > 1 && $1 == v { n++; next }
       NR > 1 { out = out (out == "" ? "" : " ") n ":" v }
       { v = $1; n = 1 }
       END { print out (out == "" ? "" : " ") n ":" v }')"
check_eq "NOR: no bad blocks" "" "$(cat "$st/bad_blocks")"
check "NOR: the server stops" stop_muse
finish
