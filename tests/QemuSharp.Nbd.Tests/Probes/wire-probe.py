#!/usr/bin/env python3
"""Speaks raw NBD to a server and prints every reply, so two servers can be compared line by line.

Usage: wire-probe.py SOCKET options|requests|requests-simple
The export is the default one ("" or "real" for options), 64 MiB.
"""
import socket
import struct
import sys

OPTION_MAGIC = 0x49484156454F5054
REQUEST_MAGIC = 0x25609513
SIMPLE_MAGIC = 0x67446698


def connect(path):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(path)
    read(s, 18)
    s.sendall(struct.pack('>I', 3))
    return s


def read(s, n):
    data = b''
    while len(data) < n:
        more = s.recv(n - len(data))
        if not more:
            return data
        data += more
    return data


def option(s, number, data):
    """Sends an option and returns its replies up to the first that ends it."""
    s.sendall(struct.pack('>QII', OPTION_MAGIC, number, len(data)) + data)
    replies = []
    while True:
        header = read(s, 20)
        if len(header) < 20:
            return replies + ['EOF']
        _, _, kind, length = struct.unpack('>QIII', header)
        replies.append((hex(kind), read(s, length)))
        if kind not in (2, 3, 4):
            return replies


def meta(name, *queries):
    data = struct.pack('>I', len(name)) + name + struct.pack('>I', len(queries))
    for q in queries:
        data += struct.pack('>I', len(q)) + q
    return data


def info(name, *items):
    return struct.pack('>I', len(name)) + name + struct.pack('>H', len(items)) + b''.join(struct.pack('>H', i) for i in items)


def options(path):
    s = connect(path)
    probes = [
        (5, b''), (9, b''), (9, meta(b'real')), (10, meta(b'real', b'base:allocation')), (3, b'\0\0\0\0'), (3, b''),
        (8, b'\0'), (8, b''), (8, b''), (7, info(b'nope')), (6, info(b'real', 1, 1)), (99, b'abc'), (11, b''),
        (9, meta(b'real', b'qemu:')), (9, meta(b'real', b'base:')), (9, meta(b'real')), (9, meta(b'nope')),
        (10, meta(b'real', b'base:allocation', b'qemu:allocation-depth', b'base:')), (10, meta(b'real', b'x')),
        (10, b'\0\0\0\4re'), (6, b'\0\0'), (6, struct.pack('>I', 40) + b'real\0\1'), (6, info(b'real') + b'\0\0'),
        (6, info(b'real') + b'\0'), (6, b'\0\0\0\4real\0\2\0\1'), (7, info(b'real')),
    ]
    for number, data in probes:
        print(number, option(s, number, data))


def requests(path, structured):
    s = connect(path)
    if structured:
        option(s, 8, b'')
    option(s, 7, info(b''))

    def request(kind, offset, length, flags=0, payload=b''):
        s.sendall(struct.pack('>IHHQQI', REQUEST_MAGIC, flags, kind, 7, offset, length) + payload)
        replies = []
        while True:
            magic = read(s, 4)
            if len(magic) < 4:
                return replies + ['EOF']
            if struct.unpack('>I', magic)[0] == SIMPLE_MAGIC:
                error, _ = struct.unpack('>IQ', read(s, 12))
                if kind == 0 and error == 0:
                    read(s, length)
                return replies + [('simple', error)]
            flags, chunk, _, length = struct.unpack('>HHQI', read(s, 16))
            body = read(s, length)
            if chunk == 1:
                body = body[:8] + struct.pack('>I', len(body) - 8)
            replies.append((flags, chunk, body))
            if flags & 1:
                return replies

    size = 64 << 20
    probes = [
        (0, size, 512), (0, 0, 64 << 20), (7, 0, 4096), (0, 0, 0), (0, 0, 4096, 4), (0, 0, 4096, 0x10), (3, 0, 0, 2),
        (42, 0, 0), (5, 1 << 20, 4096), (4, 0, 4096), (6, size - 512, 1024), (6, 0, 4096, 0x20), (0, size - 1, 2),
        (0, 1 << 20, 4096), (0, 0, 2 << 20), (0, 512, 3 << 20), (1, 0, 4, 0, b'abcd'), (1, size, 4, 0, b'abcd'),
        (1, 0, 4, 4, b'abcd'), (3, 0, 0, 0), (1, 0, 64 << 20),
    ]
    for probe in probes:
        print(probe[:4], request(*probe))


mode = sys.argv[2]
if mode == 'options':
    options(sys.argv[1])
else:
    requests(sys.argv[1], mode == 'requests')
