"""unitfile.py - the [Service] lines of a systemd unit and its drop-ins,
read as systemd reads them, for the tests that run a unit's commands
without systemd (tests/package/deb.sh, tests/adversarial/bypass.sh).

The unit NAME in DIR, then DIR/NAME.d/*.conf in name order; a backslash
at the end of a line continues it; # and ; start comments; an empty
assignment resets a list (and Environment=).
"""
import glob
import os
import shlex

LISTS = ("ExecStartPre", "ExecStart", "ExecPaths", "NoExecPaths")


def service(d, name):
    """{"ExecStartPre": [...], "ExecStart": [...], "ExecPaths": [...],
    "NoExecPaths": [...], "Environment": {VAR: value}}"""
    files = [os.path.join(d, name)] + sorted(glob.glob(os.path.join(d, name + ".d", "*.conf")))
    out = {k: [] for k in LISTS}
    env, sect = {}, None
    for f in files:
        for line in open(f).read().replace("\\\n", " ").splitlines():
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                sect = line
                continue
            if sect != "[Service]" or "=" not in line:
                continue
            k, v = (x.strip() for x in line.split("=", 1))
            if k == "Environment":
                if v == "":
                    env = {}
                for kv in shlex.split(v):
                    env.update([kv.split("=", 1)])
            elif k in ("ExecPaths", "NoExecPaths"):
                out[k] = [] if v == "" else out[k] + v.split()
            elif k in LISTS:
                out[k] = [] if v == "" else out[k] + [v]
    out["Environment"] = env
    return out


def argv(line):
    """An Exec line split with systemd's quoting, its prefixes (-@:+!) stripped."""
    return shlex.split(line.lstrip("-@:+!"))


def ignores_failure(line):
    """An Exec line whose '-' prefix tells systemd to ignore its failure."""
    return line.startswith("-")
