#!/bin/bash
# difftest.sh - hardgate's TOML reader against Debian's python3-tomli, on the
# corpus in tests/toml/{valid,invalid} and 2,000 generated documents
# (HG_TOML_COUNT, HG_TOML_SEED override). Needs no root. Exit 77 only when
# tomli is missing (bootstrap.sh installs python3-tomli).
set -u
: "${HG_SRCDIR:?run through make check}" "${HG_BUILDDIR:?run through make check}"
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3) || { echo "SKIP: no python3" >&2; exit 77; }
"$py" -c 'import tomli' 2>/dev/null || { echo "SKIP: python3-tomli is not installed" >&2; exit 77; }
export PYTHONDONTWRITEBYTECODE=1
exec "$py" "$HG_SRCDIR/tests/toml/difftest.py" "$HG_BUILDDIR/tests/toml/toml2json" \
	"$HG_SRCDIR/tests/toml" "${HG_TOML_COUNT:-2000}" "${HG_TOML_SEED:-20261125}"
