# Boots the test guest: what tests/vm/run (the test harness) and
# tools/flashmodel-vm (the user's command) share. Sourced by bash.
#
# A guest is: a kernel (vm_kernel: built = tests/vm/build-kernel, the
# project's own; stock-6.1 or stock-6.12 = Debian's signed kernel with
# DKMS-built modules, tests/vm/stock-kernel), an initramfs
# (tests/vm/build-initramfs) with a job appended (the files the caller
# puts under $vm_work/job/fm/, /fm/job being what the guest's init runs),
# and QEMU with the accelerator tests/vm/accel chooses. In the guest:
#   ttyS0  the console (a log, or the terminal)
#   ttyS1  the job's output, byte for byte
#   ttyS2  the job's exit status, one line
#
# Use: set the vm_* variables below, vm_begin, put the job in
# $vm_work/job/fm/, vm_prepare, then vm_run_captured or vm_run_interactive.

vm_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vm_build=${FLASHMODEL_BUILDDIR:-$vm_root/build}
vm_kernel=${FLASHMODEL_KERNEL:-built}
vm_qemu=qemu-system-x86_64
vm_qemu_args=()
vm_memory=2048
vm_cpu=                 # empty: what the accelerator suggests
vm_append=              # more kernel command line
vm_glue=0               # 1: the QEMU built with qemu-glue/ (flashmodel-pci)
vm_work=
vm_cmd=()

vm_kernels="built stock-6.1 stock-6.12"

# vm_check_kernel NAME: fails (exit 2) unless NAME is a kernel we know.
vm_check_kernel() {
  case " $vm_kernels " in
    *" $1 "*) ;;
    *) echo "${0##*/}: unknown kernel '$1' (built, stock-6.1 or stock-6.12)" >&2; exit 2 ;;
  esac
}

# vm_quote WORD...: the words quoted for sh, separated by spaces.
vm_quote() {
  local w sep=
  for w; do printf "%s'%s'" "$sep" "${w//\'/\'\\\'\'}"; sep=' '; done
}

# vm_begin: a scratch directory of the host for this run, removed at exit.
vm_begin() {
  vm_check_kernel "$vm_kernel"
  vm_work=$(mktemp -d)
  trap 'rm -rf "$vm_work"' EXIT
  mkdir -p "$vm_work/job/fm"
}

# vm_add_share DIR TAG: DIR of the host, read-write in the guest as the 9p
# file system TAG (mount -t 9p -o trans=virtio,version=9p2000.L TAG DIR).
# Files the guest creates belong to the user running QEMU.
vm_add_share() {
  vm_qemu_args+=(-fsdev "local,id=$2,path=$1,security_model=none"
                 -device "virtio-9p-pci,fsdev=$2,mount_tag=$2")
}

# vm_prepare: the kernel (built or prepared if not cached), QEMU (the
# glue's, built if not cached), the accelerator, the initramfs with the
# job; sets vm_cmd, QEMU's command line without the serial ports.
vm_prepare() {
  local kdir image accel
  command -v "$vm_qemu" > /dev/null || {
    echo "${0##*/}: $vm_qemu not found: install qemu-system-x86 (tests/install-deps does)" >&2
    exit 1
  }
  case "$vm_kernel" in
    built) kdir=$("$vm_root/tests/vm/build-kernel") ;;
    stock-*) kdir=$("$vm_root/tests/vm/stock-kernel" "${vm_kernel#stock-}") ;;
  esac
  image=$kdir/bzImage
  [ -f "$image" ] || image=$kdir/vmlinuz
  if [ "$vm_glue" = 1 ]; then
    export FLASHMODEL_BUILDDIR=$vm_build
    vm_qemu=$vm_root/qemu-glue/run-qemu
    "$vm_qemu" --version > /dev/null   # builds it now, outside any timeout
  fi
  accel=$("$vm_root/tests/vm/accel" --qemu "$vm_qemu") || exit 1
  read -r -a accel <<< "$accel"
  # accel is "-accel A -cpu MODEL"; a --cpu of the caller replaces MODEL.
  [ -n "$vm_cpu" ] && accel[3]=$vm_cpu

  "$vm_root/tests/vm/build-initramfs" "$kdir" "$vm_build" "$vm_work/base.cpio.gz"
  # The job: a second cpio archive appended to the initramfs (the kernel
  # unpacks both).
  (cd "$vm_work/job" && find . | cpio -o -H newc --quiet | gzip -1) > "$vm_work/job.cpio.gz"
  cat "$vm_work/base.cpio.gz" "$vm_work/job.cpio.gz" > "$vm_work/initramfs.gz"

  vm_cmd=("$vm_qemu" -M pc "${accel[@]}" -m "$vm_memory" -no-reboot -display none
          -kernel "$image" -initrd "$vm_work/initramfs.gz"
          -append "console=ttyS0 panic=-1 loglevel=4 fm.kernel=$vm_kernel${vm_append:+ $vm_append}"
          "${vm_qemu_args[@]}")
}

# vm_run_interactive: the console (and the guest's shell, if the job
# leaves one) on this terminal; does not return.
vm_run_interactive() {
  exec "${vm_cmd[@]}" -serial mon:stdio -serial null -serial null
}

# vm_run_captured TIMEOUT [LOG]: runs the guest with its console to a log
# (copied to LOG), the job's output shown on stdout as it comes; returns
# QEMU's status (124: TIMEOUT seconds passed) and sets vm_job_status to the
# job's exit status (empty if the job never ended).
vm_run_captured() {
  local timeout=$1 log=${2:-} status=0 qemu_pid tailer
  : > "$vm_work/output"
  : > "$vm_work/status"
  # --foreground: QEMU stays in our process group, so that whatever stops
  # this script (meson's timeout) stops QEMU too.
  timeout --foreground "$timeout" "${vm_cmd[@]}" -monitor none \
    -serial "file:$vm_work/console" -serial "file:$vm_work/output" \
    -serial "file:$vm_work/status" < /dev/null &
  qemu_pid=$!
  # tail reads the file once more after QEMU has gone, then ends.
  tail -f --pid="$qemu_pid" "$vm_work/output" &
  tailer=$!
  wait "$qemu_pid" || status=$?
  wait "$tailer" || true
  [ -n "$log" ] && cp "$vm_work/console" "$log"
  vm_job_status=$(tr -dc '0-9' < "$vm_work/status")
  return "$status"
}

# vm_console_tail N: the last N lines of the guest's console, on stderr.
vm_console_tail() {
  {
    echo "---- guest console (last $1 lines) ----"
    tail -n "$1" "$vm_work/console"
  } >&2
}
