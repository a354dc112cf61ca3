"""gen.py - seeded random TOML documents for the differential test.

valid(rng) writes a random tree in randomly chosen TOML spellings (headers,
arrays of tables, dotted keys, inline tables, every string, number and
date-time form, comments, CRLF); mutate(rng, doc) damages one slightly
(deleted, inserted or duplicated bytes and lines) so that most, but not
all, become invalid. Both return bytes.
"""
import random

BARE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
TEXT = ["plain", "two words", "tab\there", "quote\"d", "back\\slash", "uni é ü",
        "emoji \U0001F600", "nul\x00byte", "bell\x07", "del\x7f", "line\nbreak",
        "cr\rlf", "'single'", "''", '"""', "#not a comment", "", " ", "ä" * 3, "\u2028"]


def key(rng):
    r = rng.random()
    if r < 0.6:
        return "".join(rng.choice(BARE) for _ in range(rng.randint(1, 8)))
    if r < 0.8:
        return rng.choice(TEXT + ["a.b", "with space", "="])
    return rng.choice(["1", "true", "inf", "nan", "-", "_", "1979-05-27", "0x1"])


def key_text(rng, k):
    """K spelled as a bare, basic or literal key."""
    if k and all(c in BARE for c in k) and rng.random() < 0.7:
        return k
    if "'" not in k and "\n" not in k and all(c >= " " and c != "\x7f" for c in k) \
            and rng.random() < 0.4:
        return "'" + k + "'"
    return basic(rng, k)


def basic(rng, s):
    out = []
    for c in s:
        o = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c in "\b\t\n\f\r" and rng.random() < 0.7:
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[c])
        elif o < 0x20 and c != "\t" or o == 0x7f:
            out.append("\\u%04x" % o if rng.random() < 0.5 else "\\U%08X" % o)
        elif o > 0x7f and rng.random() < 0.3:
            out.append("\\u%04X" % o if o < 0x10000 else "\\U%08x" % o)
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def string(rng, s):
    r = rng.random()
    safe = all(c >= " " and c != "\x7f" or c == "\t" for c in s)
    if r < 0.4:
        return basic(rng, s)
    if r < 0.6 and safe and "'" not in s:
        return "'" + s + "'"
    if r < 0.8 and "'''" not in s and all(c >= " " and c != "\x7f" or c in "\t\n" for c in s) \
            and not s.endswith("'"):
        return "'''" + ("\n" if rng.random() < 0.5 else "") + s + "'''"
    body = basic(rng, s)[1:-1]
    if rng.random() < 0.3:
        body = body + "\\\n   \n  "
    return '"""' + ("\n" if rng.random() < 0.5 else "") + body + '"""'


def integer(rng):
    n = rng.choice([0, 1, -1, 42, 7, 2**63 - 1, -2**63, rng.randint(-10**6, 10**6),
                    rng.randint(0, 2**63 - 1)])
    if rng.random() < 0.01:
        n = rng.choice([2**63, -2**63 - 1, 2**64])
    r = rng.random()
    if n >= 0 and r < 0.15:
        return "0x" + format(n, rng.choice(["x", "X"]))
    if n >= 0 and r < 0.25:
        return "0o" + format(n, "o")
    if n >= 0 and r < 0.35:
        return "0b" + format(n, "b")
    s = str(n)
    if r < 0.5 and len(s.lstrip("-")) > 3:
        d = s.lstrip("-")
        s = ("-" if n < 0 else "") + d[0] + "".join(("_" if rng.random() < 0.4 else "") + c
                                                    for c in d[1:])
    if n >= 0 and rng.random() < 0.1:
        s = "+" + s
    return s


def floating(rng):
    return rng.choice([
        "0.0", "-0.0", "+0.0", "3.1415", "-0.01", "5e+22", "1e06", "-2E-2", "6.626e-34",
        "224_617.445_991_228", "inf", "+inf", "-inf", "nan", "+nan", "-nan", "1e400",
        "-1e-400", "1.7976931348623157e308", "4.9e-324", "0e0", "1_0.0_1e1_0",
        "%d.%de%d" % (rng.randint(0, 999), rng.randint(0, 99999), rng.randint(-30, 30)),
        repr(rng.uniform(-1e6, 1e6)).replace("e", rng.choice("eE")),
    ])


def datetime_value(rng):
    y, mo = rng.randint(1, 9999), rng.randint(1, 12)
    d = rng.randint(1, 28) if rng.random() < 0.98 else rng.choice([29, 30, 31])
    date = "%04d-%02d-%02d" % (y, mo, d)
    if rng.random() < 0.02:
        return rng.choice(["2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29T00:00:00Z"])
    frac = rng.choice(["", ".5", ".123456", ".1234567891", ".000001"])
    time = "%02d:%02d:%02d%s" % (rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), frac)
    off = rng.choice(["Z", "z", "+00:00", "-07:00", "+05:30", "-00:00", "+23:59"])
    return rng.choice([date, time, date + rng.choice("Tt ") + time,
                       date + rng.choice("Tt ") + time + off])


def scalar(rng):
    r = rng.random()
    if r < 0.3:
        return string(rng, rng.choice(TEXT))
    if r < 0.5:
        return integer(rng)
    if r < 0.65:
        return floating(rng)
    if r < 0.75:
        return rng.choice(["true", "false"])
    return datetime_value(rng)


def ws(rng):
    return rng.choice(["", " ", "  ", "\t"])


def array(rng, depth):
    items = [value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    sep = "," + rng.choice([" ", "", "\n  ", " # c\n "])
    tail = rng.choice(["", ",", ",\n"]) if items else ""
    return "[" + ws(rng) + sep.join(items) + tail + ws(rng) + "]"


def inline_table(rng, depth):
    parts, used = [], set()
    for _ in range(rng.randint(0, 3)):
        k = key(rng)
        if k in used:
            continue
        used.add(k)
        kt = key_text(rng, k)
        if rng.random() < 0.2:
            kt = kt + ws(rng) + "." + ws(rng) + key_text(rng, key(rng))
        parts.append(kt + ws(rng) + "=" + ws(rng) + value(rng, depth + 1))
    return "{" + ws(rng) + ("," + ws(rng)).join(parts) + ws(rng) + "}"


def value(rng, depth=0):
    r = rng.random()
    if depth < 4 and r < 0.12:
        return array(rng, depth)
    if depth < 4 and r < 0.2:
        return inline_table(rng, depth)
    return scalar(rng)


def body(rng, depth, prefix):
    """Key/value lines of one section; returns (lines, subtable keys)."""
    lines, used = [], set()
    for _ in range(rng.randint(0, 5)):
        k = key(rng)
        if k in used:
            continue
        used.add(k)
        kt = key_text(rng, k)
        if rng.random() < 0.2:
            kt = kt + "." + key_text(rng, key(rng) + "x")
            used.add(k)
        comment = rng.choice(["", "", " # note", "\t#\ttab comment é"])
        lines.append(ws(rng) + kt + ws(rng) + "=" + ws(rng) + value(rng, depth) + ws(rng) + comment)
    subs = []
    if depth < 3:
        for _ in range(rng.randint(0, 3)):
            k = key(rng)
            if k not in used:
                used.add(k)
                subs.append(k)
    return lines, subs


def section(rng, path, depth, out):
    lines, subs = body(rng, depth, path)
    out.extend(lines)
    for k in subs:
        sub = path + [key_text(rng, k)]
        name = (ws(rng) + "." + ws(rng)).join(sub) if rng.random() < 0.5 else ".".join(sub)
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                out.append("")
                out.append("[[" + ws(rng) + name + ws(rng) + "]]")
                section(rng, sub, depth + 1, out)
        else:
            out.append("")
            out.append("[" + ws(rng) + name + ws(rng) + "]" + rng.choice(["", " # t"]))
            section(rng, sub, depth + 1, out)


def valid(rng):
    out = []
    if rng.random() < 0.3:
        out.append("# generated document")
    section(rng, [], 0, out)
    nl = "\r\n" if rng.random() < 0.2 else "\n"
    text = nl.join(out) + (nl if rng.random() < 0.8 else "")
    return text.encode("utf-8")


NOISE = [b"[", b"]", b"{", b"}", b"=", b'"', b"'", b".", b"#", b"\n", b"\r", b"\t", b" ",
         b",", b"_", b"-", b"+", b":", b"0", b"9", b"e", b"z", b"T", b"\\", b"\x00",
         b"\x7f", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"a = 1\n",
         b"[x]\n", b"[[x]]\n", b'"""', b"'''", b"\\u", b"\\UD800", b"inf", b"nan"]


def mutate(rng, doc):
    b = bytearray(doc)
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        i = rng.randint(0, len(b))
        if r < 0.35 and b:
            del b[min(i, len(b) - 1)]
        elif r < 0.75:
            b[i:i] = rng.choice(NOISE)
        elif r < 0.9:
            lines = bytes(b).split(b"\n")
            j = rng.randrange(len(lines))
            lines.insert(rng.randrange(len(lines) + 1), lines[j])
            b = bytearray(b"\n".join(lines))
        else:
            del b[i:]
    return bytes(b)
