#!/usr/bin/python3
"""Sends one fixed QMP conversation to an emulator and prints the replies and events,
normalised so that two emulators can be compared line by line: timestamps and version
numbers are masked, keys are sorted, and for commands whose data is machine-specific only
the shape (keys and JSON types) is printed.
Usage: qmp_compare.py EMULATOR [ARGS...]"""
import json, os, socket, subprocess, sys, tempfile, time

tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "qmp.sock")
proc = subprocess.Popen(sys.argv[1:] + ["-M", "none", "-display", "none", "-nodefaults", "-S",
                        "-name", "vm1", "-uuid", "6e1b7c5e-1f2a-4b3c-9d4e-5f6a7b8c9d0e",
                        "-chardev", f"socket,id=mon,path={path},server=on,wait=off",
                        "-mon", "chardev=mon,mode=control"],
                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(200):
    if os.path.exists(path):
        break
    time.sleep(0.05)
mon = socket.socket(socket.AF_UNIX)
mon.connect(path)
mon.settimeout(20)
buf = b""

def shape(v):
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(v[0])] if v else []
    return type(v).__name__

def message():
    global buf
    while b"\r\n" not in buf:
        data = mon.recv(1 << 20)
        if not data:
            raise EOFError
        buf += data
    line, _, buf = buf.partition(b"\r\n")
    return json.loads(line)

def show(msg, shape_only):
    ret = msg.get("return")
    if isinstance(ret, list) and ret and isinstance(ret[0], dict) and "label" in ret[0]:
        ret.sort(key=lambda c: c["label"])
    if isinstance(ret, list) and ret and isinstance(ret[0], dict) and "cpu-max" in ret[0]:
        msg["return"] = [m for m in ret if m["name"] == "none"]
        shape_only = False
    if isinstance(ret, str) and "filename=" in ret:
        msg["return"] = "\r\n".join(sorted(ret.split("\r\n")))
    if "timestamp" in msg:
        msg["timestamp"] = "T"
    if "QMP" in msg:
        msg["QMP"]["version"] = "V"
    if shape_only and "return" in msg:
        msg["return"] = shape(msg["return"])
    print(json.dumps(msg, sort_keys=True).replace(tmp, "TMP"))

def send(text, replies=1, shape_only=False):
    mon.sendall(text.encode() if isinstance(text, str) else text)
    seen = 0
    while seen < replies:
        msg = message()
        show(msg, shape_only)
        if "return" in msg or "error" in msg:
            seen += 1

def cmd(name, args=None, **kw):
    req = {"execute": name}
    if args is not None:
        req["arguments"] = args
    send(json.dumps(req), **kw)

show(message(), False)
cmd("query-status")
cmd("bogus")
cmd("qmp_capabilities", {"enable": ["bogus"]})
cmd("qmp_capabilities")
cmd("qmp_capabilities")
send('{"execute": }')
send("[1,2]")
send('"hello"\n')
send('{"id":5}')
send('{"execute":5,"id":6}')
send('{"execute":"query-status","bogus":1,"id":7}')
send('{"execute":"query-status","arguments":[],"id":8}')
send('{"execute":"query-status","id":{"nested":[1,"two",null]}}')
send('{"execute":"getfd","arguments":{},"id":9}')
send('{"execute":"getfd","arguments":{"fdname":1}}')
send('{"execute":"query-status","arguments":{"x":1}}')
send('{"exec-oob":"query-status"}')
send("{'execute': 'query-name', 'id': 'single'}")
send('{"execute":"query-name"}{"execute":"query-uuid"}', replies=2)
for name in ["query-status", "stop", "stop", "query-status", "cont", "cont", "query-status",
             "system_reset", "system_powerdown", "query-target", "query-cpus-fast", "query-fdsets",
             "query-chardev"]:
    cmd(name)
for name in ["query-kvm", "query-version", "query-commands", "query-chardev-backends"]:
    cmd(name, shape_only=True)
cmd("query-machines")
cmd("query-command-line-options", {"option": "chardev"})
cmd("query-command-line-options", {"option": "bogus"})
cmd("add-fd")
cmd("remove-fd", {"fdset-id": 0})
cmd("remove-fd", {"fdset-id": 3, "fd": 9})
cmd("closefd", {"fdname": "x"})
cmd("getfd", {"fdname": "x"})
cmd("chardev-remove", {"id": "nope"})
cmd("chardev-remove", {"id": "mon"})
cmd("chardev-add", {"id": "n1", "backend": {"type": "null", "data": {}}})
cmd("chardev-add", {"id": "n1", "backend": {"type": "null", "data": {}}})
cmd("chardev-add", {"id": "r1", "backend": {"type": "ringbuf", "data": {"size": 3}}})
cmd("chardev-add", {"id": "r2", "backend": {"type": "ringbuf", "data": {"size": 1024}}})
cmd("chardev-add", {"id": "b1", "backend": {"type": "bogus", "data": {}}})
cmd("chardev-add", {"id": "b2"})
cmd("chardev-add", {"id": "b3", "backend": {"type": "socket", "data": {}}})
cmd("chardev-add", {"id": "b4", "backend": {"type": "socket", "data": {"addr": {"type": "fd", "data": {"str": "7"}}}}})
cmd("chardev-add", {"id": "s1", "backend": {"type": "socket", "data": {"addr": {"type": "unix", "data": {"path": os.path.join(tmp, "s1.sock")}}, "wait": False}}})
cmd("chardev-add", {"id": "f1", "backend": {"type": "file", "data": {"out": "/nonexistent/dir/file"}}})
cmd("query-chardev")
cmd("chardev-remove", {"id": "n1"})
cmd("chardev-remove", {"id": "s1"})
for line in ["info status", "info name", "info uuid", "bogus", "getfd x", "closefd x", "stop extra",
             "chardev-remove", "chardev-add null,id=h1", "chardev-add null,id=h1", "chardev-remove h1",
             "info chardev", "info kvm", "info mtree", "info qtree", "help stop", "info bogus", ""]:
    cmd("human-monitor-command", {"command-line": line})
big = '{"execute":"no-such","arguments":{"pad":"' + "A" * (256 << 10) + '"}}'
send(big)
cmd("quit")
try:
    message()
    print("unexpected data after quit")
except EOFError:
    print("EOF")
proc.wait(timeout=20)
print("exit=%d" % proc.returncode)
