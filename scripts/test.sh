#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, publishes the emulator, runs every test
# project and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }
bash scripts/publish.sh >/dev/null || { echo "publish failed"; echo "0 passed, 1 failed"; exit 1; }
export QEMUSHARP_BIN="$PWD/out/bin/qemusharp"
results=out/test-results
rm -rf "$results"; mkdir -p "$results"
dotnet build QemuSharp.slnx -c Release -v quiet -nologo >"$results/build.log" 2>&1 || {
  cat "$results/build.log"; echo "0 passed, 1 failed"; exit 1; }
dotnet test QemuSharp.slnx -c Release --no-build --logger "trx" --results-directory "$results" "$@" 2>&1 \
  | grep -vE '^\s*$' | tee "$results/test.log" | grep -E 'Passed!|Failed!|\[FAIL\]|error' || true
python3 scripts/count-trx.py "$results"
