#!/usr/bin/python3
"""Monitors driven by socat: QMP on a unix socket and on tcp, HMP on a pty.
Usage: socat_monitors.py unix|tcp|pty EMULATOR [ARGS...]; prints normalised output."""
import json, os, re, socket, subprocess, sys, tempfile, time

mode, emulator = sys.argv[1], sys.argv[2:]
tmp = tempfile.mkdtemp()
base = emulator + ["-M", "none", "-display", "none", "-nodefaults"]
qmp_input = b'{"execute":"qmp_capabilities"}\n{"execute":"query-status"}\n{"execute":"stop"}\n{"execute":"quit"}\n'

def normalise(text):
    text = re.sub(r'"timestamp": \{[^}]*\}', '"timestamp": T', text)
    text = re.sub(r'"version": \{"qemu": \{[^}]*\}, "package": "[^"]*"\}', '"version": V', text)
    return text.replace(tmp, "TMP")

def wait_for(path):
    for _ in range(200):
        if os.path.exists(path):
            return
        time.sleep(0.05)

if mode in ("unix", "tcp"):
    if mode == "unix":
        path = os.path.join(tmp, "qmp.sock")
        spec, target = f"unix:{path},server=on,wait=off", f"UNIX-CONNECT:{path}"
    else:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        spec, target = f"tcp:127.0.0.1:{port},server=on,wait=off", f"TCP:127.0.0.1:{port}"
    proc = subprocess.Popen(base + ["-qmp", spec], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if mode == "unix":
        wait_for(path)
    else:
        # Wait for the listener without connecting (a probe client would be served first).
        for _ in range(200):
            with open("/proc/net/tcp") as table:
                if any(f":{port:04X} " in line and line.split()[3] == "0A" for line in table):
                    break
            time.sleep(0.05)
    # One command at a time, socat's stdin open until the emulator closes the connection:
    # QEMU drops queued commands when it sees the client half-close.
    client = subprocess.Popen(["socat", "-", target], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out = [client.stdout.readline()]
    for command in qmp_input.splitlines(keepends=True):
        client.stdin.write(command)
        client.stdin.flush()
        while True:
            out.append(client.stdout.readline())
            if b'"return"' in out[-1] or b'"error"' in out[-1] or not out[-1]:
                break
    out.append(client.stdout.read())
    client.stdin.close()
    client.wait(timeout=30)
    # QEMU over tcp sometimes exits before its reply to quit is out: compare up to SHUTDOWN.
    text = normalise(b"".join(out).decode())
    print(text[:text.index('"SHUTDOWN"')] if '"SHUTDOWN"' in text else text)
else:
    proc = subprocess.Popen(base + ["-monitor", "pty"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    line = proc.stderr.readline().decode()
    print(re.sub(r"/dev/pts/\d+", "/dev/pts/N", line.strip()))
    pts = re.search(r"(/dev/pts/\d+)", line).group(1)
    client = subprocess.Popen(["socat", "-", f"{pts},raw,echo=0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    # QEMU notices a pty peer by polling once a second and drops what arrives before that.
    time.sleep(2.5)
    client.stdin.write(b"info status\rstop\rinfo status\rquit\r")
    client.stdin.flush()
    out = client.stdout.read()
    client.stdin.close()
    client.wait(timeout=30)
    print(repr(out))
proc.wait(timeout=30)
print("exit=%d" % proc.returncode)
