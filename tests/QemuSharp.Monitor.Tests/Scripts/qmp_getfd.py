#!/usr/bin/python3
"""Descriptor passing as libvirt does it: a socket sent with SCM_RIGHTS plus getfd, then
chardev-add with the name; in QMP (argv[1] == 'qmp') or HMP ('hmp').
Usage: qmp_getfd.py qmp|hmp EMULATOR [ARGS...]; prints what it observed."""
import os, socket, subprocess, sys, tempfile, time

mode, emulator = sys.argv[1], sys.argv[2:]
tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "mon.sock")
listener = socket.socket(socket.AF_UNIX)
listener.bind(path)
listener.listen(1)
listener.set_inheritable(True)
monitor_mode = "control" if mode == "qmp" else "readline"
proc = subprocess.Popen(emulator + ["-M", "none", "-display", "none", "-nodefaults", "-chardev",
                        f"socket,fd={listener.fileno()},server=on,wait=off,id=mon",
                        "-mon", f"chardev=mon,mode={monitor_mode}"],
                        pass_fds=[listener.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
listener.close()
mon = socket.socket(socket.AF_UNIX)
mon.connect(path)
mon.settimeout(10)
buf = b""

def read_until(marker):
    global buf
    while marker not in buf:
        data = mon.recv(65536)
        if not data:
            break
        buf += data
    head, _, buf = buf.partition(marker)
    return head + marker

def tidy(text):
    """Masks the temporary directory and sorts chardev lists (QEMU keeps them in hash order)."""
    text = text.replace(tmp, "TMP")
    if text.startswith('{"return": [{'):
        import json
        msg = json.loads(text)
        msg["return"].sort(key=lambda c: c["label"])
        return json.dumps(msg)
    if "filename=" in text:
        return "\n".join(sorted(text.splitlines()))
    return text

def qmp(text, fds=()):
    msg = text.encode()
    if fds:
        mon.sendmsg([msg], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, bytes(memoryview(__import__("array").array("i", fds))))])
    else:
        mon.sendall(msg)
    return tidy(read_until(b"\r\n").decode().strip())

def hmp(text, fds=()):
    msg = (text + "\r").encode()
    if fds:
        mon.sendmsg([msg], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, bytes(memoryview(__import__("array").array("i", fds))))])
    else:
        mon.sendall(msg)
    out = read_until(b"(qemu) ").decode()
    return tidy(out.split("\r\n", 1)[1].replace("(qemu) ", "").strip()) if "\r\n" in out else ""

# A second listening socket whose descriptor travels over the monitor.
chan_path = os.path.join(tmp, "chan.sock")
chan = socket.socket(socket.AF_UNIX)
chan.bind(chan_path)
chan.listen(1)

if mode == "qmp":
    read_until(b"\r\n")
    print(qmp('{"execute":"qmp_capabilities"}'))
    print(qmp('{"execute":"getfd","arguments":{"fdname":"nofd"}}'))
    print(qmp('{"execute":"getfd","arguments":{"fdname":"chan"}}', [chan.fileno()]))
    print(qmp('{"execute":"chardev-add","arguments":{"id":"c1","backend":{"type":"socket","data":{"addr":{"type":"fd","data":{"str":"5"}},"server":true,"wait":false}}}}'))
    print(qmp('{"execute":"chardev-add","arguments":{"id":"c1","backend":{"type":"socket","data":{"addr":{"type":"fd","data":{"str":"chan"}},"server":true,"wait":false}}}}'))
    print(qmp('{"execute":"closefd","arguments":{"fdname":"chan"}}'))
    print(qmp('{"execute":"query-chardev"}'))
else:
    read_until(b"(qemu) ")
    print(hmp("getfd nofd"))
    print(hmp("getfd chan", [chan.fileno()]))
    print(hmp("chardev-add socket,id=c1,fd=chan,server=on,wait=off"))
    print(hmp("closefd chan"))
    print(hmp("info chardev"))
chan.close()
# The chardev serves the listening socket that crossed the monitor.
peer = socket.socket(socket.AF_UNIX)
peer.connect(chan_path)
time.sleep(0.5)
if mode == "qmp":
    print(qmp('{"execute":"query-chardev"}'))
    print(qmp('{"execute":"quit"}').split('"event"')[1])
else:
    print(hmp("info chardev"))
    mon.sendall(b"quit\r")
proc.wait(timeout=20)
print("exit=%d" % proc.returncode)
