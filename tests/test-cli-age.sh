#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# flashmodel age and flashmodel vt as a user runs them: a bake moves the
# chip's age on (Arrhenius-scaled on a part whose cell model gives an
# activation energy, with a note on one without), vt shows a page's Vt
# distribution, references and RBER as the cell model sees it, lower and
# upper pages of an MLC, the retention a bake adds, the same bytes twice,
# a PNG; and the refusals. The cell-model parts are catalog descriptors
# with a [cell-model] group added, in a catalog of the test's own.
# Environment: FLASHMODEL_TOOL, FLASHMODEL_CHIPS_DIR. Output: TAP.
set -u
tool=$FLASHMODEL_TOOL
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/tap.sh"
# has DESCRIPTION PATTERN: the last command's stdout matches PATTERN
has () { if grep -q -- "$2" "$dir/out"; then ok "$1"; else not_ok "$1"; sed 's/^/#   /' "$dir/out"; fi; }
# field LABEL: the first number after "LABEL" in the last command's stdout
field () { sed -n "s/^$1 *\([-+0-9.e]*\).*/\1/p" "$dir/out" | head -n 1; }

echo "TAP version 13"
catalog=$FLASHMODEL_CHIPS_DIR
cells=$dir/chips
mkdir "$cells"
{ cat "$catalog/micron-mt29f4g.ini"; printf '\n[cell-model]\nfamily=slc\n'; } >"$cells/micron-mt29f4g.ini"
{ cat "$catalog/hynix-h27ubg8t2btr.ini"; printf '\n[cell-model]\nfamily=mlc-2ynm\n'; } >"$cells/hynix-h27ubg8t2btr.ini"

# ---- age on a part without a cell model ------------------------------------
FLASHMODEL_CHIPS_DIR=$catalog
export FLASHMODEL_CHIPS_DIR
check "create an image" "$tool" create --chip micron-mt29f4g "$dir/plain.img"
check "age --hours 1000" "$tool" age --hours 1000 "$dir/plain.img"
has "age says the bake" "^bake: *1000 h$"
has "and the age before and after" "^chip age: *0 h -> 1000 h$"
check "age --hours 24 --temperature 85" "$tool" age --hours 24 --temperature 85 "$dir/plain.img"
has "a part without a cell model: a note, the hours unscaled" \
  "^note: *chip 'micron-mt29f4g' has no cell model with an activation energy"
has "1000 h -> 1024 h" "^chip age: *1000 h -> 1024 h$"
"$tool" stat "$dir/plain.img" >"$dir/out"
has "stat reads the age back (1024 h = 3686400 s)" "^chip age: *3686400.000 s"
refuses "vt on a part without a cell model" 1 \
  "^flashmodel: micron-mt29f4g has no cell model (\[cell-model\] in its descriptor)$" \
  "$tool" vt --block 1 --page 0 "$dir/plain.img"

# ---- refusals ----------------------------------------------------------------
refuses "age without --hours" 2 "--hours H is required" "$tool" age "$dir/plain.img"
for bad in 0 -5 abc 1e7 nan 2h ""; do
  refuses "age --hours '$bad'" 2 "--hours takes a number" "$tool" age --hours "$bad" "$dir/plain.img"
done
for bad in 301 -61 hot; do
  refuses "age --temperature '$bad'" 2 "--temperature takes degrees Celsius from -60 to 300" \
    "$tool" age --hours 1 --temperature "$bad" "$dir/plain.img"
done
refuses "age of a missing image names it" 1 "nope.img" "$tool" age --hours 1 "$dir/nope.img"
if command -v flock >/dev/null; then
  flock -x "$dir/plain.img" sleep 5 &
  sleep 1
  refuses "age of an image in use (locked)" 1 "plain.img" "$tool" age --hours 1 "$dir/plain.img"
  wait
else
  skip "age of an image in use (locked)" "no flock(1)"
fi
"$tool" stat "$dir/plain.img" >"$dir/out"
has "the refusals changed nothing" "^chip age: *3686400.000 s"
check "create a NOR image" "$tool" create --chip spansion-s29gl128p "$dir/nor.img"
refuses "age of a NOR image" 1 "is a NOR part" "$tool" age --hours 1 "$dir/nor.img"
refuses "vt without --page" 2 "--block B and --page P are required" "$tool" vt --block 1 "$dir/plain.img"
refuses "vt --bins 0" 2 "--bins takes a number from 1 to 1000" \
  "$tool" vt --block 1 --page 0 --bins 0 "$dir/plain.img"

# ---- the cell model ------------------------------------------------------------
FLASHMODEL_CHIPS_DIR=$cells
head -c $((2 * 64 * 2048)) /dev/urandom >"$dir/slc.bin"
check "import 2 blocks of random data (SLC, cell model slc)" \
  "$tool" import --chip micron-mt29f4g --format data --start-block 10 "$dir/slc.bin" "$dir/slc.img"
check "vt of block 10 page 3" "$tool" vt --block 10 --page 3 --bins 30 "$dir/slc.img"
cp "$dir/out" "$dir/vt1"
has "the page, its type and the model" "^page: .* block 10 page 3, lower page; chip micron-mt29f4g, cell model slc (1 bit per cell)$"
has "its history: fresh, both neighbours programmed" \
  "^history: *0 P/E cycles, 0 h since program (at 25 C), 0 reads since erase, 2 of 2 neighbouring"
has "the erased state" "^  ER "
has "the programmed state" "^  P1 "
bins=$(grep -c '^ *-*[0-9.]* |' "$dir/out")
if [ "$bins" = 30 ]; then ok "30 histogram rows"; else not_ok "30 histogram rows (got $bins)"; fi
has "the erased state's cells drawn as 0" "| 00000"
has "the programmed state's cells drawn as 1" "| 11111"
has "the read reference marked" " R1 0$"
has "the RBER at the default references" "^RBER: *[0-9.e+-]* at the default references (lower page)$"
has "and at the best shift" "^best shift: *R1 [-+][0-9]* mV: RBER "
fresh=$(field "  P1")
check "vt again" "$tool" vt --block 10 --page 3 --bins 30 "$dir/slc.img"
if cmp -s "$dir/out" "$dir/vt1"; then ok "the same output twice"; else not_ok "the same output twice"; fi
check "vt of an erased page" "$tool" vt --block 20 --page 0 "$dir/slc.img"
has "says the page is erased" "^note: *the page is erased"

check "age --hours 1000 --temperature 85 on the cell model" \
  "$tool" age --hours 1000 --temperature 85 "$dir/slc.img"
# 1.1 eV from 85 C to 25 C: exp(1.1 / 8.617333e-5 * (1/298.15 - 1/358.15)) = 1303.1
has "the bake scaled to 25 C (x1303)" \
  "^bake: *1000 h at 85 C = 1.303[0-9]*e+06 h at the reference 25 C (cell model slc, activation energy 1.1 eV)$"
check "vt after the bake" "$tool" vt --block 10 --page 3 --bins 30 "$dir/slc.img"
has "the page is 1.3e6 h older" "^history: *0 P/E cycles, 1.303[0-9]*e+06 h since program"
baked=$(field "  P1")
if awk "BEGIN { exit !($baked < $fresh) }"; then ok "retention lowered P1's mean ($fresh -> $baked mV)"
else not_ok "retention lowered P1's mean ($fresh -> $baked mV)"; fi
check "vt --png" "$tool" vt --block 10 --page 3 --png "$dir/vt.png" "$dir/slc.img"
if [ "$(head -c 8 "$dir/vt.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
   [ "$(od -An -tu1 -j16 -N8 "$dir/vt.png" | tr -s ' ')" = " 0 0 4 0 0 0 2 128" ]; then
  ok "a 1024x640 PNG"
else
  not_ok "a 1024x640 PNG"
fi
refuses "vt --png into a missing directory" 1 "/nonexistent/x.png" \
  "$tool" vt --block 10 --page 3 --png /nonexistent/x.png "$dir/slc.img"
refuses "vt beyond the chip" 1 "block 4096 page 0 is beyond chip 'micron-mt29f4g' (4096 blocks of 64 pages)" \
  "$tool" vt --block 4096 --page 0 "$dir/slc.img"
refuses "vt beyond the block" 1 "block 1 page 64 is beyond" "$tool" vt --block 1 --page 64 "$dir/slc.img"

# MLC: a word line's lower and upper pages (dist3 pairing: page 1 is a
# lower page, page 4 the upper page of page 1's pair).
head -c $((256 * 8192)) /dev/urandom >"$dir/mlc.bin"
check "import a block of random data (MLC, cell model mlc-2ynm)" \
  "$tool" import --chip hynix-h27ubg8t2btr --format data --start-block 3 "$dir/mlc.bin" "$dir/mlc.img"
check "vt of an MLC lower page" "$tool" vt --block 3 --page 1 "$dir/mlc.img"
has "a lower page, 2 bits per cell" "lower page; chip hynix-h27ubg8t2btr, cell model mlc-2ynm (2 bits per cell)$"
has "four states" "^  P3 "
has "three references" " R3 "
has "the upper page's RBER too" "^other pages: upper page RBER "
check "vt of an MLC upper page" "$tool" vt --block 3 --page 4 "$dir/mlc.img"
has "an upper page" "block 3 page 4, upper page;"
has "its RBER" "at the default references (upper page)$"
has "the references that read it: R1 and R3" "^best shift: *R1 [-+][0-9]* mV, R3 [-+][0-9]* mV: RBER "
fresh=$(field "RBER:")
check "age --hours 1000 --temperature 85 the MLC image" \
  "$tool" age --hours 1000 --temperature 85 "$dir/mlc.img"
check "vt of the upper page after the bake" "$tool" vt --block 3 --page 4 "$dir/mlc.img"
baked=$(field "RBER:")
if awk "BEGIN { exit !($baked > 10 * $fresh) }"; then ok "retention raised its RBER ($fresh -> $baked)"
else not_ok "retention raised its RBER ($fresh -> $baked)"; fi
best=$(sed -n 's/^best shift: .*RBER \([0-9.e+-]*\).*/\1/p' "$dir/out")
r1=$(sed -n 's/^best shift: *R1 \([-+][0-9]*\) mV, R3 \([-+][0-9]*\) mV.*/\1/p' "$dir/out")
r3=$(sed -n 's/^best shift: *R1 \([-+][0-9]*\) mV, R3 \([-+][0-9]*\) mV.*/\2/p' "$dir/out")
check "vt --shift the best shift's R1 and R3" "$tool" vt --block 3 --page 4 --shift "$r1,0,$r3" "$dir/mlc.img"
has "gives the best shift's RBER" "^your shift: *$r1,0,$r3: RBER $best$"
check "vt --shift 0,0,0" "$tool" vt --block 3 --page 4 --shift 0,0,0 "$dir/mlc.img"
has "gives the default references' RBER" "^your shift: *0,0,0: RBER $baked$"
refuses "vt --shift with 2 shifts on an MLC part" 1 "--shift gives 2 shifts; chip 'hynix-h27ubg8t2btr' has 3 read references" \
  "$tool" vt --block 3 --page 4 --shift 0,0 "$dir/mlc.img"
refuses "vt --shift beyond 5000 mV" 2 "--shift takes 1 to 7 integers" \
  "$tool" vt --block 3 --page 4 --shift 0,6000,0 "$dir/mlc.img"
if awk "BEGIN { exit !($best < $baked) }"; then ok "a shift of R1 and R3 reads it with fewer errors ($best)"
else not_ok "a shift of R1 and R3 reads it with fewer errors ($best)"; fi
tap_end
