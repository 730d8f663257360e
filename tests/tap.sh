# SPDX-License-Identifier: GPL-2.0-or-later
# TAP for the shell tests of tests/: sourced after the test has set $dir,
# the scratch directory where each command's output goes (out, err).
#   ok / not_ok / skip DESCRIPTION [REASON]: one test point
#   check DESCRIPTION COMMAND...: the command must succeed
#   refuses DESCRIPTION STATUS PATTERN COMMAND...: the command must exit
#     STATUS with PATTERN (if not empty) in its stderr
#   tap_end: the plan; exits 1 if a point failed
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip () { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check () { d=$1; shift; if "$@" >"$dir/out" 2>"$dir/err"; then ok "$d"; else not_ok "$d"; sed 's/^/#   /' "$dir/out" "$dir/err"; fi; }
refuses () {
  d=$1 want=$2 pattern=$3; shift 3
  "$@" >"$dir/out" 2>"$dir/err"; got=$?
  if [ "$got" = "$want" ] && { [ -z "$pattern" ] || grep -q -- "$pattern" "$dir/err"; }; then ok "$d"
  else not_ok "$d (exit $got, wanted $want and /$pattern/)"; sed 's/^/#   /' "$dir/err"; fi
}
tap_end () { echo "1..$n"; exit $((failed > 0)); }
