#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The durability oracle of tests/vm/fm-fsync-load on the host: states of a
# hand-written log made with 'fm-fsync-load replay', then changed the way
# a power cut could (or could not) change them, each checked against the
# marks a cut would come after. Then a seeded workload: every prefix state
# passes, and any damaged byte fails. Environment: FM_FSYNC_LOAD. Output: TAP.
set -u
prog=$FM_FSYNC_LOAD
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/tap.sh"

log=$dir/log marks=$dir/marks s=$dir/s
# The marks a run would have placed for LOG, numbered as if each came
# right after the chip operation of its own number.
make_marks () {
  awk 'NR > 2 { print "op " $1; if ($2 ~ /^(fsync|fsyncdir|sync)$/) print "ack " $1 }' "$1" |
    awk '{ print NR, $0 }' > "$marks"
}
# The cut right after the mark LABEL ("op 7", "ack 7").
cut_after () { awk -v l="$1" '$2 " " $3 == l { print $1 + 1; exit }' "$marks"; }
# The state after operation K, in $s.
state () { rm -rf "$s" && mkdir "$s" && "$prog" replay --dir "$s" --log "$log" --until "$1"; }
# passes DESCRIPTION LABEL [OPTION]: verify of $s after the mark LABEL passes.
passes () {
  d=$1 label=$2; shift 2
  if "$prog" verify --dir "$s" --log "$log" --marks "$marks" --cut "$(cut_after "$label")" "$@" > "$dir/out" 2>&1; then
    ok "$d"
  else
    not_ok "$d"; sed 's/^/#   /' "$dir/out"
  fi
}
# fails DESCRIPTION LABEL PATTERN [OPTION]: it fails, saying PATTERN.
fails () {
  d=$1 label=$2 pattern=$3; shift 3
  "$prog" verify --dir "$s" --log "$log" --marks "$marks" --cut "$(cut_after "$label")" "$@" > "$dir/out" 2>&1
  status=$?
  if [ "$status" = 1 ] && grep -q -- "$pattern" "$dir/out"; then
    ok "$d"
  else
    not_ok "$d (exit $status, wanted 1 and /$pattern/)"; sed 's/^/#   /' "$dir/out"
  fi
}
# Changes byte OFFSET of FILE (to 0xff, or 0 where it was 0xff).
flip_byte () {
  if [ "$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')" = 255 ]; then
    printf '\000' | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
  else
    printf '\377' | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
  fi
}

echo "TAP version 13"
cat > "$log" <<'EOF'
fm-fsync-load 1
tag 42
1 create 0 a 1
2 write 1 0 2048 1
3 fsync 1
4 fsyncdir 0
5 create 0 b 2
6 write 2 0 1024 1
7 fsync 2
8 write 1 1024 1024 2
9 mkdir 0 d 1
10 create 1 c 3
11 write 3 0 512 1
12 fsyncdir 1
13 truncate 1 1500
14 rename 0 b 1 r1
15 sync
16 write 2 0 512 2
17 unlink 1 c
18 create 0 e 4
19 write 4 0 4096 1
20 fsync 4
21 fsyncdir 1
EOF
make_marks "$log"

state 21
passes "the final state, every operation acknowledged" "ack 21"
"$prog" verify --dir "$s" --log "$log" > "$dir/out" 2>&1 && ok "and without marks (all acknowledged)" || not_ok "and without marks (all acknowledged)"

# fsync of a file and of its directory: both durable.
state 4
passes "a file and its name, acknowledged" "ack 4"
rm "$s/a"
fails "an acknowledged name lost" "ack 4" "a: missing: its directory acknowledged file 1 here"
state 4
flip_byte "$s/a" 700
fails "a damaged byte of an acknowledged file" "ack 4" "bytes 512-1023 hold .*not the acknowledged write 1 of file 1"
state 4
: > "$s/zzz"
fails "a name the workload never made" "ack 4" "zzz: unexpected"
state 4
truncate -s 1536 "$s/a"
fails "an acknowledged file cut short" "ack 4" "size 1536, but 2048 was acknowledged"
state 4
dd if=/dev/zero of="$s/a" bs=512 seek=1 count=1 conv=notrunc 2>/dev/null
fails "an acknowledged unit read as zeros" "ack 4" "hold zeros, not the acknowledged write"

# fsync of a file alone: its content, not its name.
state 7
passes "a new file fsync'd" "ack 7"
rm "$s/b"
passes "its name may be lost: its directory was not fsync'd" "ack 7"
state 7
truncate -s 512 "$s/b"
fails "but if it is there, its acknowledged content is" "ack 7" "size 512, but 1024 was acknowledged for file 2"

# Writes not acknowledged may be lost, wholly or in part.
state 8
passes "a write not acknowledged, there" "op 9"
state 7
passes "or lost" "op 9"
state 8
dd if=/dev/zero of="$s/a" bs=512 seek=2 count=1 conv=notrunc 2>/dev/null
fails "but never replaced by zeros where no hole or truncation was" "op 9" "a: bytes 1024-1535 hold zeros: no write to file 1"

# Truncation: sizes between, a cut unit keeps a prefix.
state 8
passes "a truncation not acknowledged, lost" "op 14"
state 13
passes "or done" "op 14"
state 13
truncate -s 2048 "$s/a"
passes "or the size back where it was, the cut unit's tail zeros" "op 14"
state 13
truncate -s 1024 "$s/a"
fails "but no size the file never had since its acknowledged state" "op 14" "size 1024, but file 1 was between 1500 and 2048"

# A directory fsync'd: its entries durable even where it was not named yet.
state 15
passes "sync: everything acknowledged" "ack 15"
rm "$s/d/c"
fails "a name of an fsync'd directory lost" "ack 15" "d/c: missing"
state 15
cp "$s/a" "$dir/a.15"
state 7
cp "$s/a" "$dir/a.7"
state 15
cp "$dir/a.7" "$s/a"
fails "an older version of a synced file" "ack 15" "size 2048, but 1500 was acknowledged"
state 15
cp "$s/d/r1" "$s/a"
fails "another file's units under a file's name" "ack 15" "a: holds file 2's units, but this name never named it"

# Renames and unlinks not acknowledged: either side.
state 13
ln "$s/b" "$s/d/r1"
passes "a rename in flight: both names (POSIX allows it)" "op 14"
fails "... unless the file system makes rename atomic" "op 14" "also at" --atomic-rename
state 16
passes "an unlink not acknowledged, not done" "op 18"
state 17
passes "or done" "op 18"
state 21
cp "$dir/a.15" "$dir/a.keep"
state 16
cp "$s/d/c" "$dir/c.16"
state 21
cp "$dir/c.16" "$s/d/c"
fails "an unlink the directory's fsync acknowledged, undone" "ack 21" "d/c: a file where the workload left no entry"
state 15
dd if=/dev/zero of="$s/d/r1" bs=512 count=1 conv=notrunc 2>/dev/null
fails "zeros where a synced file had data and only a write since" "op 17" "d/r1: bytes 0-511 hold zeros"

state 20
rm "$s/e"
passes "a file's content fsync'd, its name not: lost" "ack 20"
state 20
truncate -s 2048 "$s/e"
fails "its content, if it is there, is all there" "ack 20" "size 2048, but 4096 was acknowledged for file 4"
state 21
mkdir "$s/d/x"
fails "a directory the workload never made" "ack 21" "d/x: unexpected"

# Bad input: the file, the line and the reason; exit 1 (2 for usage).
printf 'fm-fsync-load 1\ntag 1\n1 create 0 a 1\n3 write 1 0 512 1\n' > "$dir/bad.log"
"$prog" verify --dir "$s" --log "$dir/bad.log" > "$dir/out" 2>&1
[ $? = 1 ] && grep -q "bad.log:4: operation 3: operations must be numbered" "$dir/out" && ok "a log out of order is refused, naming the line" || not_ok "a log out of order is refused, naming the line"
printf 'fm-fsync-load 1\ntag 1\n1 write 9 0 512 1\n' > "$dir/bad.log"
"$prog" verify --dir "$s" --log "$dir/bad.log" > "$dir/out" 2>&1
[ $? = 1 ] && grep -q "bad.log:3: .*no such file" "$dir/out" && ok "a write to a file never created is refused" || not_ok "a write to a file never created is refused"
printf 'fm-fsync-load 1\ntag 1\n1 write 1 0 5%0300d 1\n' 0 > "$dir/bad.log"
"$prog" verify --dir "$s" --log "$dir/bad.log" > "$dir/out" 2>&1
[ $? = 1 ] && grep -q "bad.log:3: not an operation" "$dir/out" && ok "an overlong line is refused" || not_ok "an overlong line is refused"
printf '12 op 1\nx ack 1\n' > "$dir/bad.marks"
"$prog" verify --dir "$s" --log "$log" --marks "$dir/bad.marks" --cut 100 > "$dir/out" 2>&1
[ $? = 1 ] && grep -q "bad.marks:2: not a 'SEQ LABEL' line" "$dir/out" && ok "a bad marks file is refused, naming the line" || not_ok "a bad marks file is refused, naming the line"
"$prog" verify --dir "$s" --log "$log" --marks "$marks" > "$dir/out" 2>&1
[ $? = 2 ] && ok "--marks without --cut is a usage error" || not_ok "--marks without --cut is a usage error"

# A seeded workload: the state after every 25th operation passes with the
# marks up to it, and a damaged byte in any file of it fails.
rm -rf "$dir/w" "$dir/wlog" && mkdir "$dir/w" && : > "$dir/labels"
"$prog" run --dir "$dir/w" --log "$dir/wlog" --seed 5 --ops 30 --base > /dev/null &&
  "$prog" run --dir "$dir/w" --log "$dir/wlog" --seed 6 --ops 400 --mark "$dir/labels" > /dev/null
[ $? = 0 ] && ok "run: a seeded workload" || not_ok "run: a seeded workload"
log=$dir/wlog
awk '{ print NR, $0 }' "$dir/labels" > "$marks"
"$prog" verify --dir "$dir/w" --log "$log" --marks "$marks" --cut 1000000 > "$dir/out" 2>&1 && ok "its final state passes" || not_ok "its final state passes"
last=$(tail -n 1 "$log" | cut -d' ' -f1)
base=$(awk '$3 == "base" { print $1 }' "$log")
bad_prefix=0 missed_damage=0 prefixes=0 damaged=0
k=$base
while [ "$k" -le "$last" ]; do
  state "$k" || bad_prefix=$((bad_prefix + 1))
  label="op $k"
  grep -q " ack $k\$" "$marks" && label="ack $k"
  [ "$k" = "$base" ] && cut=1 || cut=$(cut_after "$label")
  "$prog" verify --dir "$s" --log "$log" --marks "$marks" --cut "$cut" > "$dir/out" 2>&1 ||
    { bad_prefix=$((bad_prefix + 1)); sed 's/^/#   /' "$dir/out" | head -5; }
  prefixes=$((prefixes + 1))
  for f in $(find "$s" -type f -size +1 | head -n 3); do
    flip_byte "$f" 100
    if "$prog" verify --dir "$s" --log "$log" --marks "$marks" --cut "$cut" > /dev/null 2>&1; then
      missed_damage=$((missed_damage + 1)); echo "#   damage at byte 100 of $f after operation $k passed"
    fi
    damaged=$((damaged + 1))
    state "$k"
  done
  k=$((k + 25))
done
[ "$bad_prefix" = 0 ] && ok "every 25th prefix state passes ($prefixes)" || not_ok "every 25th prefix state passes ($bad_prefix of $prefixes failed)"
[ "$missed_damage" = 0 ] && [ "$damaged" -ge 20 ] && ok "a damaged byte fails ($damaged files)" || not_ok "a damaged byte fails ($missed_damage of $damaged passed)"
"$prog" run --dir "$dir/w2" --log "$dir/w2log" --seed 6 --ops 10 --base > /dev/null 2>&1
[ $? = 1 ] && ok "run refuses a directory that is not there" || not_ok "run refuses a directory that is not there"

tap_end
