#!/usr/bin/env bash
# Times raw<->qcow2 convert of a 1 GiB image (random data, compressible text, zero regions and
# holes), with and without -c, ours against Debian's qemu-img, alternating runs, and prints
# the ratio (Debian time / our time; above 1 means ours is faster).
# Usage: bench/img-convert.sh [path-to-our-qemu-img] [runs]
set -euo pipefail
OURS=${1:-${QEMUSHARP_BIN:+$(dirname "$QEMUSHARP_BIN")/qemu-img}}
OURS=${OURS:-out/pub/qemu-img}
RUNS=${2:-3}
THEIRS=$(command -v qemu-img)
WORK=$(mktemp -d /tmp/img-convert.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK/src.raw" <<'PY'
import os, random, sys
random.seed(7)
size = 1 << 30
with open(sys.argv[1], "wb") as f:
    f.truncate(size)
    text = (b"QemuSharp block layer benchmark line of fairly compressible text. " * 1000)
    for mib in range(0, 1024, 2):
        kind = random.random()
        f.seek(mib << 20)
        if kind < 0.35:
            f.write(os.urandom(2 << 20))
        elif kind < 0.75:
            f.write(text[: 2 << 20].ljust(2 << 20, b"x"))
        elif kind < 0.85:
            f.write(bytes(2 << 20))
PY
"$THEIRS" convert -O qcow2 "$WORK/src.raw" "$WORK/src.qcow2"

time_one() {
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

printf '%-28s %10s %10s %8s\n' case debian ours ratio
for case in "raw->qcow2" "raw->qcow2 -c" "qcow2->raw" "qcow2->qcow2 -c"; do
    case $case in
        "raw->qcow2") args=(-O qcow2 "$WORK/src.raw") ;;
        "raw->qcow2 -c") args=(-c -O qcow2 "$WORK/src.raw") ;;
        "qcow2->raw") args=(-O raw "$WORK/src.qcow2") ;;
        "qcow2->qcow2 -c") args=(-c -O qcow2 "$WORK/src.qcow2") ;;
    esac
    t_theirs=0
    t_ours=0
    for ((i = 0; i < RUNS; i++)); do
        rm -f "$WORK/out"
        t_theirs=$(echo "$t_theirs + $(time_one "$THEIRS" convert "${args[@]}" "$WORK/out")" | bc)
        rm -f "$WORK/out"
        t_ours=$(echo "$t_ours + $(time_one "$OURS" convert "${args[@]}" "$WORK/out")" | bc)
    done
    printf '%-28s %10.3f %10.3f %8.2f\n' "$case" "$(echo "$t_theirs / $RUNS" | bc -l)" \
        "$(echo "$t_ours / $RUNS" | bc -l)" "$(echo "$t_theirs / $t_ours" | bc -l)"
done
