#!/usr/bin/env bash
# Publishes the multi-call executable ReadyToRun into out/bin, with QEMU's program names as links.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet publish src/QemuSharp.Cli -c Release -p:PublishReadyToRun=true -o out/bin -v quiet -nologo >/dev/null
for name in qemu-x86_64 qemu-system-x86_64 qemu-img qemu-nbd; do
  ln -sf qemusharp "out/bin/$name"
done
echo "out/bin/qemusharp"
