#!/usr/bin/python3
"""tomli_json.py - the reference side of the differential test: TOML files
through Python's tomli 2.0, printed as toml-test's tagged JSON in the same
line format as toml2json ("ok JSON" or "err MESSAGE").

    tomli_json.py FILE...

hardgate's reader is stricter than tomli in two places the TOML 1.0 spec
makes errors, so they count as rejections here too: an integer outside
int64, and containers nested deeper than HG_TOML_MAX_DEPTH (64).
"""
import datetime
import json
import math
import sys

import tomli

MAX_DEPTH = 64
INT64 = (-(1 << 63), (1 << 63) - 1)


class Reject(Exception):
    pass


def tagged(v, depth=0):
    """The toml-test tagged form of a tomli value."""
    if isinstance(v, (dict, list)) and depth > MAX_DEPTH:
        raise Reject("nested deeper than %d levels" % MAX_DEPTH)
    if isinstance(v, dict):
        return {k: tagged(x, depth + 1) for k, x in v.items()}
    if isinstance(v, list):
        return [tagged(x, depth + 1) for x in v]
    if isinstance(v, str):
        return {"type": "string", "value": v}
    if isinstance(v, bool):
        return {"type": "bool", "value": "true" if v else "false"}
    if isinstance(v, int):
        if not INT64[0] <= v <= INT64[1]:
            raise Reject("integer does not fit in 64 bits")
        return {"type": "integer", "value": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            s = "nan"
        elif math.isinf(v):
            s = "inf" if v > 0 else "-inf"
        else:
            s = repr(v)
        return {"type": "float", "value": s}
    if isinstance(v, datetime.datetime):
        kind = "datetime" if v.tzinfo is not None else "datetime-local"
        return {"type": kind, "value": v.isoformat()}
    if isinstance(v, datetime.date):
        return {"type": "date-local", "value": v.isoformat()}
    if isinstance(v, datetime.time):
        return {"type": "time-local", "value": v.isoformat()}
    raise TypeError(type(v))


def convert(data):
    """("ok", tagged JSON text) or ("err", message) for the bytes DATA."""
    try:
        doc = tomli.loads(data.decode("utf-8"))
        return "ok", json.dumps(tagged(doc), ensure_ascii=False)
    except UnicodeDecodeError as e:
        return "err", "invalid UTF-8: %s" % e
    except (tomli.TOMLDecodeError, Reject) as e:
        return "err", str(e)
    except RecursionError:
        return "err", "nested too deeply for tomli"


def main(argv):
    if len(argv) < 2:
        print("usage: tomli_json.py FILE...", file=sys.stderr)
        return 2
    worst = 0
    for path in argv[1:]:
        with open(path, "rb") as f:
            kind, text = convert(f.read())
        print(kind, text)
        worst = max(worst, kind == "err")
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv))
