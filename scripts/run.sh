#!/usr/bin/env bash
# The main job: fetches Debian's busybox-static (a real, unmodified x86-64 Linux program) and
# runs it under QemuSharp's user-mode emulator. Extra arguments go to busybox.
set -euo pipefail
cd "$(dirname "$0")/.."
guest=out/guest
if [ ! -x "$guest/bin/busybox" ]; then
  mkdir -p "$guest/deb"
  (cd "$guest/deb" && apt-get download busybox-static >/dev/null 2>&1 || { apt-get update -qq && apt-get download busybox-static; })
  dpkg-deb -x "$guest"/deb/busybox-static_*.deb "$guest"
fi
bash scripts/publish.sh >/dev/null
if [ $# -eq 0 ]; then
  set -- sh -c 'echo "Hello from busybox under QemuSharp"; uname -m; echo $((6*7)); ls / | head -5'
fi
exec out/bin/qemu-x86_64 "$guest/bin/busybox" "$@"
