#!/usr/bin/env bash
# Fetches Debian's x86-64 kernels (generic and cloud flavours) and busybox-static with
# apt-get download, and builds the initramfs the PC machine boots. Prints nothing on success.
# Result: out/guest/kernel/{generic,cloud}/vmlinuz and out/guest/initramfs.gz
set -euo pipefail
cd "$(dirname "$0")/.."
g=out/guest
mkdir -p "$g/deb"
fetch() {
  (cd "$g/deb" && apt-get download "$@" >/dev/null 2>&1) || { apt-get update -qq && (cd "$g/deb" && apt-get download "$@" >/dev/null 2>&1); }
}
if [ ! -x "$g/bin/busybox" ]; then
  fetch busybox-static
  dpkg-deb -x "$g"/deb/busybox-static_*.deb "$g"
fi
for flavour in generic cloud; do
  dir="$g/kernel/$flavour"
  [ -f "$dir/vmlinuz" ] && [ -d "$dir/modules" ] && continue
  meta=linux-image-amd64
  [ $flavour = cloud ] && meta=linux-image-cloud-amd64
  pkg=$(apt-cache depends "$meta" | awk '/Depends: linux-image-/ {print $2; exit}')
  [ -n "$pkg" ] || { apt-get update -qq; pkg=$(apt-cache depends "$meta" | awk '/Depends: linux-image-/ {print $2; exit}'); }
  fetch "$pkg"
  rm -rf "$dir.x" && mkdir -p "$dir.x" "$dir"
  dpkg-deb -x "$g"/deb/"$pkg"_*.deb "$dir.x"
  cp "$dir.x"/boot/vmlinuz-* "$dir/vmlinuz"
  # The ACPI power button and evdev are modules in Debian's kernels: the initramfs loads them so
  # that busybox acpid can act on system_powerdown.
  for m in drivers/acpi/button.ko drivers/input/evdev.ko; do
    src=$(ls "$dir.x"/lib/modules/*/kernel/$m)
    rel=${src#"$dir.x"/}
    mkdir -p "$dir/modules/$(dirname "$rel")"
    cp "$src" "$dir/modules/$rel"
  done
  rm -rf "$dir.x"
done
if [ ! -f "$g/initramfs.gz" ] || [ scripts/make-initramfs.py -nt "$g/initramfs.gz" ] || [ scripts/guest-kernel.sh -nt "$g/initramfs.gz" ]; then
  python3 scripts/make-initramfs.py "$g/bin/busybox" "$g/initramfs.gz" "$g"/kernel/*/modules
fi
