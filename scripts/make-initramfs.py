#!/usr/bin/env python3
"""Writes a gzip-compressed newc cpio initramfs: busybox-static as /bin/busybox with its applet
links, the kernel modules found under the given module trees (lib/modules/VERSION/...), and an
/init that mounts the kernel file systems, loads the power-button modules of the running kernel,
starts acpid (the ACPI power button powers the guest off), prints a marker line and either runs
the script named by `qs.script=` on the kernel command line (then powers off) or starts a shell
on the console.

usage: make-initramfs.py BUSYBOX OUTPUT [MODULE_TREE...]"""
import gzip, os, stat, sys

INIT = r"""#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
for m in /lib/modules/$(uname -r)/kernel/drivers/acpi/button.ko /lib/modules/$(uname -r)/kernel/drivers/input/evdev.ko; do
  [ -f "$m" ] && insmod "$m"
done
acpid -d -c /etc/acpi 2>/dev/null &
echo "QEMUSHARP-INIT-READY $(cut -d' ' -f1 /proc/uptime)"
for arg in $(cat /proc/cmdline); do
  case "$arg" in qs.script=*) script="${arg#qs.script=}" ;; esac
done
if [ -n "$script" ]; then
  sh "$script"
  echo "QEMUSHARP-SCRIPT-DONE $?"
  poweroff -f
fi
exec setsid cttyhack sh -l
"""

CHECK = r"""#!/bin/sh
# A workload for the guest: arithmetic, hashing, file work and a few hundred processes.
echo "arith $((123456789 * 987654321 % 1000003))"
echo "hello world" > /tmp/a
i=0; while [ $i -lt 200 ]; do cat /tmp/a >> /tmp/b; i=$((i+1)); done
echo "lines $(wc -l < /tmp/b)"
echo "sha $(sha256sum /tmp/b | cut -c1-16)"
echo "md5 $(seq 1 3000 | md5sum | cut -c1-16)"
n=0; for i in $(seq 1 300); do n=$(( n + $(echo $i | wc -c) )); done
echo "procs $n"
echo "cpus $(grep -c ^processor /proc/cpuinfo)"
"""

def entry(out, name, mode, data=b"", ino=[1]):
    ino[0] += 1
    fields = [ino[0], mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0]
    hdr = b"070701" + b"".join(b"%08x" % f for f in fields)
    out += hdr + name.encode() + b"\0"
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)

POWER_BUTTON = "#!/bin/sh\npoweroff -f\n"

def add_tree(out, root, made):
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        rel = os.path.relpath(dirpath, root)
        if rel != "." and rel not in made:
            made.add(rel)
            entry(out, rel, stat.S_IFDIR | 0o755)
        for f in sorted(filenames):
            with open(os.path.join(dirpath, f), "rb") as fh:
                entry(out, os.path.normpath(os.path.join(rel, f)), stat.S_IFREG | 0o644, fh.read())

def main():
    busybox, target = sys.argv[1], sys.argv[2]
    out = bytearray()
    for d in ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "etc", "root", "run", "var", "var/run"]:
        entry(out, d, stat.S_IFDIR | 0o755)
    entry(out, "dev/console", stat.S_IFCHR | 0o600)
    with open(busybox, "rb") as f:
        entry(out, "bin/busybox", stat.S_IFREG | 0o755, f.read())
    import subprocess
    applets = subprocess.run([busybox, "--list-full"], capture_output=True, text=True, check=True).stdout.split()
    for a in applets:
        if a != "bin/busybox" and a != "linuxrc":
            entry(out, a, stat.S_IFLNK | 0o777, ("/bin/busybox").encode())
    made = {"lib"}
    entry(out, "lib", stat.S_IFDIR | 0o755)
    for tree in sys.argv[3:]:
        add_tree(out, tree, made)
    for d in ["etc/acpi", "etc/acpi/PWRF"]:
        entry(out, d, stat.S_IFDIR | 0o755)
    entry(out, "etc/acpi/PWRF/00000080", stat.S_IFREG | 0o755, POWER_BUTTON.encode())
    entry(out, "init", stat.S_IFREG | 0o755, INIT.encode())
    entry(out, "check.sh", stat.S_IFREG | 0o755, CHECK.encode())
    entry(out, "TRAILER!!!", 0)
    with open(target, "wb") as f:
        f.write(gzip.compress(bytes(out), 6))

main()
