#!/usr/bin/env bash
# The main job: fetches Debian's x86-64 kernel and busybox-static, builds an initramfs, and boots
# them on QemuSharp's PC machine to a shell on the serial console (stdio). Type `poweroff -f` to
# end it (or Ctrl-A x). Arguments: `cloud` (default) or `generic` for the kernel flavour, then any
# extra qemu-system-x86_64 options. `bash scripts/run.sh user [ARGS]` runs busybox under user mode.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/guest-kernel.sh
bash scripts/publish.sh >/dev/null
if [ "${1:-}" = user ]; then
  shift
  [ $# -gt 0 ] || set -- sh -c 'echo "Hello from busybox under QemuSharp"; uname -m; echo $((6*7)); ls / | head -5'
  exec out/bin/qemu-x86_64 out/guest/bin/busybox "$@"
fi
flavour=cloud
if [ "${1:-}" = cloud ] || [ "${1:-}" = generic ]; then flavour=$1; shift; fi
exec out/bin/qemu-system-x86_64 -M pc -m 256 -nographic \
  -kernel "out/guest/kernel/$flavour/vmlinuz" -initrd out/guest/initramfs.gz \
  -append "console=ttyS0" "$@"
