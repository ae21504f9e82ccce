#!/usr/bin/env python3
"""Whole-program benchmarks of user-mode emulation: each workload runs natively, under
Debian's qemu-x86_64 and under QemuSharp, alternating, ROUNDS times; prints the median CPU
time (user + system, which a busy machine disturbs less than wall time), the ratios and their
geometric means, and the wall-clock ratio beside it.

usage: bench/user-mode.py [QEMUSHARP_BINARY] [ROUNDS]"""
import math, os, shutil, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
ours = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "out", "bin", "qemusharp")
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
qemu = shutil.which("qemu-x86_64")
work = tempfile.mkdtemp(prefix="qemusharp-bench-")

def build(name):
    out = os.path.join(work, name)
    subprocess.run(["gcc", "-O2", "-static", "-o", out, os.path.join(here, "guest", name + ".c")], check=True)
    return out

data = os.path.join(work, "data.txt")
with open(data, "w") as f:
    x = 12345
    for i in range(200000):
        x = (x * 1103515245 + 12345) % (1 << 31)
        f.write(f"{x % 1000} word{x % 97} {x}\n")

bb = "/bin/busybox"
workloads = {
    "sha256 (busybox)": [bb, "sha256sum", data],
    "gzip (busybox)": [bb, "gzip", "-c", "-6", data],
    "sort (busybox)": [bb, "sort", "-n", data],
    "awk (busybox)": [bb, "awk", "{ s += $1; c[$2]++ } END { print s, length(c) }", data],
    "integer (C)": [build("intbench"), "6000000"],
    "fp (C)": [build("fpbench"), "1000000"],
    "python3": ["/usr/bin/python3", "-c", "print(sum(i * i % 7 for i in range(300000)))"],
}

def run(cmd):
    """Returns (cpu seconds, wall seconds, exit status, stdout) of one run."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start, p.returncode, out

rows = []
for name, cmd in workloads.items():
    cpu = {"native": [], "qemu": [], "ours": []}
    wall = {"native": [], "qemu": [], "ours": []}
    outputs = {}
    for _ in range(rounds):
        for who, prefix in (("native", []), ("qemu", [qemu]), ("ours", [ours, "x86_64"])):
            c, w, rc, out = run(prefix + cmd)
            cpu[who].append(c if rc == 0 else float("nan"))
            wall[who].append(w if rc == 0 else float("nan"))
            outputs[who] = out
    med = {k: statistics.median(v) for k, v in cpu.items()}
    medw = {k: statistics.median(v) for k, v in wall.items()}
    same = outputs["ours"] == outputs["native"]
    rows.append((name, med, medw, same))

print(f"{'workload':<18} {'native':>8} {'qemu':>8} {'ours':>8} {'ours/qemu':>10} {'ours/native':>12} {'wall o/q':>9}  output")
ratios_q, ratios_n, ratios_w = [], [], []
for name, med, medw, same in rows:
    rq = med["ours"] / med["qemu"]
    rn = med["ours"] / med["native"] if med["native"] > 0 else float("nan")
    rw = medw["ours"] / medw["qemu"]
    if same and not math.isnan(rq):
        ratios_q.append(rq)
        ratios_w.append(rw)
        if not math.isnan(rn):
            ratios_n.append(rn)
    print(f"{name:<18} {med['native']:8.3f} {med['qemu']:8.3f} {med['ours']:8.3f} {rq:10.2f} {rn:12.2f} {rw:9.2f}  {'same' if same else 'DIFFERS/FAILED'}")
geo = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")
print(f"geometric mean over {len(ratios_q)} workloads that ran correctly (CPU seconds): ours/qemu {geo(ratios_q):.2f}, "
      f"ours/native {geo(ratios_n):.2f}; wall-clock ours/qemu {geo(ratios_w):.2f}")
shutil.rmtree(work)
