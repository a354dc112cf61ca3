"""peek.py PID - try to read process PID the ways a same-uid process can:
ptrace(PTRACE_ATTACH), process_vm_readv(2), /proc/PID/mem. Prints one
word per way: ok, or the errno name that stopped it."""
import ctypes
import errno
import os
import sys

libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1])


def name(e):
    return errno.errorcode.get(e, str(e))


def attach():
    if libc.ptrace(16, pid, None, None) == 0:   # PTRACE_ATTACH (detached at exit)
        return "ok"
    return name(ctypes.get_errno())


class Iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def vmread():
    try:    # an address that is mapped there, when we may see its maps
        with open("/proc/%d/maps" % pid) as f:
            addr = int(f.readline().split("-")[0], 16)
    except OSError:
        addr = 0x400000
    buf = ctypes.create_string_buffer(8)
    local = Iovec(ctypes.cast(buf, ctypes.c_void_p), 8)
    remote = Iovec(addr, 8)
    libc.process_vm_readv.argtypes = [ctypes.c_int, ctypes.POINTER(Iovec), ctypes.c_ulong,
                                      ctypes.POINTER(Iovec), ctypes.c_ulong, ctypes.c_ulong]
    if libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) == 8:
        return "ok"
    return name(ctypes.get_errno())


def mem():
    try:
        os.close(os.open("/proc/%d/mem" % pid, os.O_RDONLY))
        return "ok"
    except OSError as e:
        return name(e.errno)


print("vmread=%s mem=%s attach=%s" % (vmread(), mem(), attach()))
