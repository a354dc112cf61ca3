# netclient.py HOST OK_PORT BAD_PORT - what an outbound client sees, for
# netout.sh and netns.sh: a libc connect to each port, a UDP sendto to the
# forbidden one, and a connect(2) made straight through syscall(2), around
# libc and the preload (x86_64 syscall number).
import ctypes, errno, socket, struct, sys

host, ok, bad = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def name(e):
    return errno.errorcode.get(e, str(e))


def tcp(port):
    s = socket.socket()
    s.settimeout(3)
    try:
        s.connect((host, port))
        return "connected"
    except OSError as e:
        return name(e.errno)
    finally:
        s.close()


print("allowed:", tcp(ok))
print("forbidden:", tcp(bad))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    u.sendto(b"x", (host, bad))
    print("udp: sent")
except OSError as e:
    print("udp:", name(e.errno))
libc = ctypes.CDLL(None, use_errno=True)
s = socket.socket()
sa = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(bad), socket.inet_aton(host))
r = libc.syscall(42, s.fileno(), ctypes.c_char_p(sa), len(sa))  # SYS_connect
print("raw syscall:", "connected" if r == 0 else name(ctypes.get_errno()))
