"""rawunix.py PATH - connect to the unix socket PATH twice: through libc's
connect() (which the preload interposes) and through the raw syscall
(which nothing in user space sees). Prints "libc=ok|ERRNO raw=ok|ERRNO"."""
import ctypes
import errno
import socket
import struct
import sys

libc = ctypes.CDLL(None, use_errno=True)
path = sys.argv[1]


def name(e):
    return errno.errorcode.get(e, str(e))


def via_libc():
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        return "ok"
    except OSError as e:
        return name(e.errno)
    finally:
        s.close()


def via_syscall():
    s = socket.socket(socket.AF_UNIX)
    raw = path.encode()
    addr = struct.pack("H", socket.AF_UNIX) + raw + b"\0" * (108 - len(raw))
    buf = ctypes.create_string_buffer(addr, len(addr))
    nr = {"x86_64": 42, "aarch64": 203}.get(__import__("platform").machine())
    if nr is None:
        return "unknown-arch"
    r = libc.syscall(nr, s.fileno(), buf, len(addr))
    e = ctypes.get_errno()
    s.close()
    return "ok" if r == 0 else name(e)


print("libc=%s raw=%s" % (via_libc(), via_syscall()))
