#!/usr/bin/python3
"""fd sets through -qmp-pretty: add-fd with SCM_RIGHTS, query-fdsets, remove-fd while paused and running.
Usage: qmp_fdsets.py EMULATOR [ARGS...]"""
import socket, subprocess, os, sys, time, array, json, re
import tempfile
path=os.path.join(tempfile.mkdtemp(), 'fs.sock')
try: os.unlink(path)
except: pass
p=subprocess.Popen(sys.argv[1:]+['-M','none','-display','none','-nodefaults','-S','-qmp-pretty','unix:'+path+',server=on,wait=off'], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for i in range(100):
    if os.path.exists(path): break
    time.sleep(0.05)
s=socket.socket(socket.AF_UNIX); s.connect(path); s.settimeout(2)
def rd():
    out=b''
    try:
        while True:
            d=s.recv(65536)
            if not d: break
            out+=d
            if out.endswith(b'}\r\n'): 
                s.settimeout(0.3)
    except socket.timeout: pass
    s.settimeout(2)
    return re.sub(rb'"(seconds|microseconds|micro|minor|major)": \d+', b'N', re.sub(rb'"package": "[^"]*"', b'P', out))
def send(t, fds=()):
    if fds: s.sendmsg([t.encode()], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', fds).tobytes())])
    else: s.sendall(t.encode())
    print(re.sub(rb'"fd": \d+', b'"fd": FD', rd()).decode())
print(rd().decode())
r,w=os.pipe()
send('{"execute":"qmp_capabilities"}')
send('{"execute":"add-fd","arguments":{"opaque":"hello"}}',[r])
send('{"execute":"add-fd","arguments":{"fdset-id":5}}',[w])
send('{"execute":"query-fdsets"}')
send('{"execute":"remove-fd","arguments":{"fdset-id":0}}')
send('{"execute":"query-fdsets"}')
send('{"execute":"cont"}')
send('{"execute":"remove-fd","arguments":{"fdset-id":5}}')
send('{"execute":"query-fdsets"}')
p.kill()
p.wait()
