#!/usr/bin/python3
"""difftest.py - hardgate's TOML reader (through toml2json) against tomli.

    difftest.py TOML2JSON CORPUS_DIR [COUNT [SEED]]

Every file of CORPUS_DIR/valid must parse in both to the same tagged JSON
(members in the same order); every file of CORPUS_DIR/invalid must be
rejected by both, hardgate's error naming FILE:LINE:COL and HG-025. Then
COUNT generated documents (half valid, half slightly mutated; gen.py,
seeded with SEED) must give the same JSON in both, or be rejected by both.
Prints "ok - ..." / "not ok - ..." and closes with "N passed, M failed".
"""
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402
import tomli_json  # noqa: E402

passed = failed = 0


def ok(what):
    global passed
    passed += 1
    print("ok - " + what)


def not_ok(what, detail=""):
    global failed
    failed += 1
    print("not ok - " + what)
    for line in detail.splitlines()[:30]:
        print("    | " + line)


def ordered(text):
    """JSON with objects as lists of pairs, so member order is compared."""
    return json.loads(text, object_pairs_hook=lambda pairs: ("obj", pairs))


def same(a, b):
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a[1]) == len(b[1]) and all(
            ka == kb and same(va, vb) for (ka, va), (kb, vb) in zip(a[1], b[1]))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, tuple) or isinstance(b, tuple):
        return False
    return a == b


def tagged_floats(v):
    """Floats compared by value (17 digits vs repr): repr() of both, so -0.0 is not 0.0."""
    if isinstance(v, tuple):
        d = dict(v[1])
        if set(d) == {"type", "value"} and d["type"] == "float":
            x = float(d["value"])
            return ("obj", [("type", "float"), ("value", "nan" if math.isnan(x) else repr(x))])
        return ("obj", [(k, tagged_floats(x)) for k, x in v[1]])
    if isinstance(v, list):
        return [tagged_floats(x) for x in v]
    return v


def run_ours(toml2json, paths):
    """One toml2json run over PATHS: a list of (kind, text) in the same order."""
    res = subprocess.run([toml2json] + paths, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=300)
    lines = res.stdout.decode("utf-8", "replace").split("\n")
    out = []
    for line in lines[:len(paths)]:
        kind, _, text = line.partition(" ")
        out.append((kind, text))
    if len(out) != len(paths) or res.returncode not in (0, 1):
        raise RuntimeError("toml2json failed (%d): %s" % (res.returncode, res.stderr.decode()))
    return out


def compare(ours, theirs):
    """None when they agree, else what differs."""
    if ours[0] == "err" and theirs[0] == "err":
        return None
    if ours[0] != theirs[0]:
        return "hardgate: %s %s\ntomli:    %s %s" % (ours[0], ours[1][:300], theirs[0],
                                                     theirs[1][:300])
    if same(tagged_floats(ordered(ours[1])), tagged_floats(ordered(theirs[1]))):
        return None
    return "hardgate: %s\ntomli:    %s" % (ours[1][:1200], theirs[1][:1200])


def corpus(toml2json, root):
    for kind in ("valid", "invalid"):
        d = os.path.join(root, kind)
        names = sorted(n for n in os.listdir(d) if n.endswith(".toml"))
        paths = [os.path.join(d, n) for n in names]
        ours = run_ours(toml2json, paths)
        for name, path, mine in zip(names, paths, ours):
            with open(path, "rb") as f:
                theirs = tomli_json.convert(f.read())
            what = "%s/%s" % (kind, name)
            if kind == "valid":
                diff = compare(mine, theirs)
                if mine[0] == "ok" and theirs[0] == "ok" and diff is None:
                    ok(what + ": same JSON as tomli")
                else:
                    not_ok(what + ": same JSON as tomli", diff or "both reject: " + mine[1])
            elif mine[0] != "err" or theirs[0] != "err":
                not_ok(what + ": rejected by both",
                       "hardgate: %s %s\ntomli: %s %s" % (mine + theirs))
            elif not re.match(re.escape(path) + r":\d+:\d+: .*\[HG-025; fix: .+\]$", mine[1]):
                not_ok(what + ": error names FILE:LINE:COL, HG-025 and a fix", mine[1])
            else:
                ok("%s: rejected by both (%s)" % (what, mine[1][len(path) + 1:]))


def generated(toml2json, count, seed, tmp):
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        doc = gen.valid(rng)
        docs.append(doc if i % 2 == 0 else gen.mutate(rng, doc))
    paths = []
    for i, doc in enumerate(docs):
        p = os.path.join(tmp, "gen%05d.toml" % i)
        with open(p, "wb") as f:
            f.write(doc)
        paths.append(p)
    ours = run_ours(toml2json, paths)
    stats = {"ok": 0, "err": 0}
    for start in range(0, count, 200):
        bad = []
        for i in range(start, min(start + 200, count)):
            theirs = tomli_json.convert(docs[i])
            stats[theirs[0]] += 1
            diff = compare(ours[i], theirs)
            if diff is not None:
                bad.append("document %d (seed %d): %r\n%s" % (i, seed, docs[i][:400], diff))
        what = "generated documents %d-%d (seed %d) agree with tomli" % (
            start, min(start + 200, count) - 1, seed)
        if bad:
            not_ok(what, "\n".join(bad[:3]))
        else:
            ok(what)
    print("# generated: %d accepted, %d rejected by tomli" % (stats["ok"], stats["err"]))


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    toml2json, root = argv[1], argv[2]
    count = int(argv[3]) if len(argv) > 3 else 2000
    seed = int(argv[4]) if len(argv) > 4 else 20261125
    corpus(toml2json, root)
    with tempfile.TemporaryDirectory(prefix="hg-toml.") as tmp:
        generated(toml2json, count, seed, tmp)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
