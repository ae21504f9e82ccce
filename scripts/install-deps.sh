#!/usr/bin/env bash
# Installs the Debian packages that the tests use as oracles and peers, if any is missing.
set -euo pipefail
pkgs=(gcc libc6-dev busybox-static qemu-user qemu-utils qemu-system-x86 libnbd-bin nbdkit socat perl python3 gnutls-bin acpica-tools)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
