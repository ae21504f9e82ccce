#!/usr/bin/env bash
# Times nbdcopy of a 1 GiB raw image (random data, text, zero runs and holes) out of and into
# our qemu-nbd and Debian's, over a unix socket and over TCP, alternating runs, and prints the
# ratio (Debian time / our time; above 1 means ours is faster). Both servers run with
# `-f raw -t -e 0` (multi-conn, so nbdcopy opens 4 connections) and default caching.
# Usage: bench/nbd-copy.sh [path-to-our-qemusharp] [runs]
set -euo pipefail
OURS=${1:-${QEMUSHARP_BIN:-out/pub/qemusharp}}
RUNS=${2:-3}
THEIRS=$(command -v qemu-nbd)
WORK=$(mktemp -d /tmp/nbd-copy.XXXXXX)
SERVER=
cleanup() {
    [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

python3 - "$WORK/src.raw" <<'PY'
import os, random, sys
random.seed(7)
size = 1 << 30
with open(sys.argv[1], "wb") as f:
    f.truncate(size)
    text = (b"QemuSharp NBD benchmark line of fairly compressible text. " * 1000)
    for mib in range(0, 1024, 2):
        kind = random.random()
        f.seek(mib << 20)
        if kind < 0.45:
            f.write(os.urandom(2 << 20))
        elif kind < 0.85:
            f.write(text[: 2 << 20].ljust(2 << 20, b"x"))
        elif kind < 0.92:
            f.write(bytes(2 << 20))
PY

# start SERVER-BINARY TRANSPORT IMAGE: serves IMAGE and sets URI.
start() {
    local bin=$1 transport=$2 image=$3
    local args=(-f raw -t -e 0)
    if [[ $transport == unix ]]; then
        rm -f "$WORK/s.sock"
        args+=(-k "$WORK/s.sock")
        URI="nbd+unix:///?socket=$WORK/s.sock"
    else
        args+=(-b 127.0.0.1 -p 41809)
        URI="nbd://127.0.0.1:41809/"
    fi
    if [[ $bin == "$OURS" ]]; then
        "$bin" nbd "${args[@]}" "$image" &
    else
        "$bin" "${args[@]}" "$image" &
    fi
    SERVER=$!
    for _ in $(seq 100); do
        nbdinfo --size "$URI" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "server did not start: $bin" >&2
    exit 1
}

stop() {
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=
}

# one SERVER-BINARY TRANSPORT DIRECTION: prints the seconds one nbdcopy takes.
one() {
    local bin=$1 transport=$2 direction=$3 start end
    if [[ $direction == out ]]; then
        start "$bin" "$transport" "$WORK/src.raw"
        start=$(date +%s.%N)
        nbdcopy "$URI" null:
    else
        rm -f "$WORK/dst.raw"
        truncate -s 1G "$WORK/dst.raw"
        start "$bin" "$transport" "$WORK/dst.raw"
        start=$(date +%s.%N)
        nbdcopy --flush "$WORK/src.raw" "$URI"
    fi
    end=$(date +%s.%N)
    stop
    if [[ $direction == in ]] && ! cmp -s "$WORK/src.raw" "$WORK/dst.raw"; then
        echo "copy into $bin over $transport differs from the source" >&2
        exit 1
    fi
    echo "$end - $start" | bc
}

printf '%-14s %10s %10s %8s %10s\n' case debian ours ratio "ours MiB/s"
for transport in unix tcp; do
    for direction in out in; do
        t_theirs=0
        t_ours=0
        for ((i = 0; i < RUNS; i++)); do
            t_theirs=$(echo "$t_theirs + $(one "$THEIRS" $transport $direction)" | bc)
            t_ours=$(echo "$t_ours + $(one "$OURS" $transport $direction)" | bc)
        done
        printf '%-14s %10.3f %10.3f %8.2f %10.0f\n' "$direction/$transport" "$(echo "$t_theirs / $RUNS" | bc -l)" \
            "$(echo "$t_ours / $RUNS" | bc -l)" "$(echo "$t_theirs / $t_ours" | bc -l)" "$(echo "1024 * $RUNS / $t_ours" | bc -l)"
    done
done
