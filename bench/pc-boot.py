#!/usr/bin/env python3
"""Boot time of the PC machine: ours and Debian's qemu-system-x86_64 (TCG), alternating, on the
same Debian kernel and busybox initramfs (scripts/guest-kernel.sh). For each run: seconds from
start to the init's marker line on the serial console, and to the emulator's exit after the
guest powers off. Prints the median of each and the ratio ours/QEMU.

usage: bench/pc-boot.py OUR_QEMU_SYSTEM_X86_64 [RUNS] [FLAVOURS...]"""
import statistics, subprocess, sys, time, os

def boot(emulator, kernel, initrd):
    args = [emulator, "-M", "pc", "-m", "256", "-nographic", "-no-reboot",
            "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0 qs.script=/dev/null"]
    start = time.monotonic()
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    marker = None
    for line in p.stdout:
        if marker is None and b"QEMUSHARP-INIT-READY" in line:
            marker = time.monotonic() - start
    p.wait()
    return marker, time.monotonic() - start, p.returncode

def main():
    ours = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    flavours = sys.argv[3:] or ["cloud", "generic"]
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    subprocess.run(["bash", os.path.join(root, "scripts", "guest-kernel.sh")], check=True)
    initrd = os.path.join(root, "out", "guest", "initramfs.gz")
    print(f"{'kernel':8} {'emulator':8} {'marker s':>9} {'exit s':>8}")
    for flavour in flavours:
        kernel = os.path.join(root, "out", "guest", "kernel", flavour, "vmlinuz")
        results = {"qemu": [], "ours": []}
        for _ in range(runs):
            for name, emulator in (("qemu", "qemu-system-x86_64"), ("ours", ours)):
                marker, total, rc = boot(emulator, kernel, initrd)
                if marker is None or rc != 0:
                    print(f"{flavour} {name}: no marker or exit status {rc}", file=sys.stderr)
                    continue
                results[name].append((marker, total))
        for name in ("qemu", "ours"):
            if results[name]:
                m = statistics.median(r[0] for r in results[name])
                t = statistics.median(r[1] for r in results[name])
                print(f"{flavour:8} {name:8} {m:9.2f} {t:8.2f}")
        if results["qemu"] and results["ours"]:
            rm = statistics.median(r[0] for r in results["ours"]) / statistics.median(r[0] for r in results["qemu"])
            rt = statistics.median(r[1] for r in results["ours"]) / statistics.median(r[1] for r in results["qemu"])
            print(f"{flavour:8} ratio ours/qemu: marker {rm:.2f}x, exit {rt:.2f}x")

main()
