#!/usr/bin/python3
"""Bad input on one QMP monitor while a second one watches: malformed JSON, parser resets,
invalid UTF-8, deep nesting, huge values, a client that vanishes mid-command, clashing ids,
a non-socket descriptor. Prints normalised replies; the emulator must keep serving.
Usage: qmp_bad_input.py [--big] EMULATOR [ARGS...]  (--big adds the 10 MB and 3 Mi-token inputs)"""
import array, json, os, re, socket, subprocess, sys, tempfile, time

big = sys.argv[1] == "--big"
emulator = sys.argv[2:] if big else sys.argv[1:]
tmp = tempfile.mkdtemp()
pa, pb = os.path.join(tmp, "a.sock"), os.path.join(tmp, "b.sock")
proc = subprocess.Popen(emulator + ["-M", "none", "-display", "none", "-nodefaults",
                        "-qmp", f"unix:{pa},server=on,wait=off", "-qmp", f"unix:{pb},server=on,wait=off"],
                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(200):
    if os.path.exists(pa) and os.path.exists(pb):
        break
    time.sleep(0.05)

class Client:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.sock.settimeout(120)
        self.buf = b""

    def message(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(1 << 20)
            if not data:
                raise EOFError
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\r\n")
        msg = json.loads(line)
        if "timestamp" in msg:
            msg["timestamp"] = "T"
        if "QMP" in msg:
            msg["QMP"]["version"] = "V"
        return msg

    def send(self, data, replies=1, fds=()):
        data = data.encode() if isinstance(data, str) else data
        if fds:
            self.sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds).tobytes())])
        else:
            self.sock.sendall(data)
        out = []
        while len([m for m in out if "return" in m or "error" in m]) < replies:
            out.append(self.message())
        for m in out:
            print(re.sub(r"'\d+'", "'N'", json.dumps(m, sort_keys=True)).replace(tmp, "TMP"))

a, b = Client(pa), Client(pb)
print(a.message(), b.message(), sep="\n")
b.send('{"execute":"qmp_capabilities"}')
a.send('{"execute":"qmp_capabilities"}')
a.send('{"execute": }')
a.send('{"execute": "query-st\x1b{"execute":"query-name"}', replies=2)
a.send(b'{"execute":\xff', replies=1)
a.send('\x1b')
a.send('{"execute":"query-name"}  \t\r\n  {"execute":"query-name"}', replies=2)
a.send(r'{"execute":"no-such-\u00e9\ud83d\ude00"}')
a.send('{"execute":"no-such-\u00e9"}')
if big:
    a.send("[" * 1100 + "]" * 1100)
    a.send('{"execute":"no-such","arguments":{"pad":"' + "A" * (10 << 20) + '"}}')
    a.send("[" + "1," * (3 << 20) + "1]")
    a.send('{"execute":"query-name"}')
a.send('{"execute":"chardev-add","arguments":{"id":"mon","backend":{"type":"null","data":{}}}}')
a.send('{"execute":"chardev-add","arguments":{"id":"compat_monitor1","backend":{"type":"null","data":{}}}}')
r, w = os.pipe()
a.send('{"execute":"getfd","arguments":{"fdname":"pipe"}}', fds=[r])
a.send('{"execute":"chardev-add","arguments":{"id":"p1","backend":{"type":"socket","data":{"addr":{"type":"fd","data":{"str":"pipe"}}}}}}')
a.send('{"execute":"stop"}')
print("b sees:", json.dumps(b.message(), sort_keys=True))
a.sock.sendall(b'{"execute":"query-')
a.sock.close()
time.sleep(0.5)
b.send('{"execute":"query-status"}')
a = Client(pa)
print(a.message())
a.send('{"execute":"query-status"}')
a.send('{"execute":"qmp_capabilities"}')
a.send('{"execute":"cont"}')
print("b sees:", json.dumps(b.message(), sort_keys=True))
b.send('{"execute":"quit"}')
print("a sees:", json.dumps(a.message(), sort_keys=True))
proc.wait(timeout=30)
print("exit=%d" % proc.returncode)
