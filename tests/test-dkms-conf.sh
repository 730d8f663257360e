#!/bin/sh
# kernel/dkms.conf agrees with the project and with kernel/Kbuild: its
# PACKAGE_VERSION is meson's project version (the one place both are
# written by hand), and it builds exactly the modules Kbuild makes.
#   tests/test-dkms-conf.sh PROJECT_VERSION KERNEL_DIR
# Output is TAP.
set -eu
version=$1
conf=$2/dkms.conf
kbuild=$2/Kbuild
n=0
failed=0
check_eq() {
  n=$((n + 1))
  if [ "$2" = "$3" ]; then
    echo "ok $n - $1"
  else
    echo "not ok $n - $1"
    echo "# expected: $2"
    echo "# got:      $3"
    failed=1
  fi
}
value() { sed -n "s/^$1=\"\([^\"]*\)\"\$/\1/p" "$conf"; }

check_eq "PACKAGE_NAME" flashmodel "$(value PACKAGE_NAME)"
check_eq "PACKAGE_VERSION is the project's version (meson.build)" "$version" "$(value PACKAGE_VERSION)"
check_eq "AUTOINSTALL" yes "$(value AUTOINSTALL)"
built=$(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\([^"]*\)"$/\1/p' "$conf" | sort | tr '\n' ' ')
made=$(sed -n 's/^obj-m *:*+*= *//p' "$kbuild" | tr ' ' '\n' | sed -n 's/\.o$//p' | sort | tr '\n' ' ')
check_eq "BUILT_MODULE_NAME[] are Kbuild's obj-m" "$made" "$built"
echo "1..$n"
exit $failed
