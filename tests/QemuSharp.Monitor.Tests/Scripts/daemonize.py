#!/usr/bin/python3
"""-daemonize with -pidfile and an inherited listening socket: the parent must exit 0 only once
the monitor serves, with its stdio released; the pid file names the daemon and is locked
against a second emulator; quit removes it.
Usage: daemonize.py EMULATOR [ARGS...]"""
import os, socket, subprocess, sys, tempfile, time

emulator = sys.argv[1:]
tmp = tempfile.mkdtemp()
path, pidfile = os.path.join(tmp, "mon.sock"), os.path.join(tmp, "vm.pid")
listener = socket.socket(socket.AF_UNIX)
listener.bind(path)
listener.listen(1)
listener.set_inheritable(True)
parent = subprocess.run(emulator + ["-M", "none", "-display", "none", "-nodefaults", "-daemonize",
                        "-pidfile", pidfile, "-chardev", f"socket,id=mon,fd={listener.fileno()},server=on,wait=off",
                        "-mon", "chardev=mon,mode=control"],
                        pass_fds=[listener.fileno()], stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
listener.close()
print("parent exit=%d stdout=%r stderr=%r" % (parent.returncode, parent.stdout, parent.stderr))
text = open(pidfile).read()
pid = int(text)
print("pidfile=%r mode=%o" % (text.replace(str(pid), "PID"), os.stat(pidfile).st_mode & 0o777))
os.kill(pid, 0)
print("daemon alive, not the parent:", pid != os.getpid())
second = subprocess.run(emulator + ["-M", "none", "-display", "none", "-nodefaults", "-pidfile", pidfile],
                        stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
print("second exit=%d stderr=%r" % (second.returncode, second.stderr.decode()))
mon = socket.socket(socket.AF_UNIX)
mon.connect(path)
mon.settimeout(20)
f = mon.makefile("rwb")
print("greeting has QMP:", b'"QMP"' in f.readline())
for cmd in [b'{"execute":"qmp_capabilities"}', b'{"execute":"query-status"}', b'{"execute":"quit"}']:
    f.write(cmd + b"\n")
    f.flush()
    line = f.readline()
    while b'"event"' in line:
        line = f.readline()
    print(line.decode().strip())
for _ in range(100):
    try:
        os.kill(pid, 0)
        time.sleep(0.1)
    except ProcessLookupError:
        break
print("pidfile removed:", not os.path.exists(pidfile))
