#!/bin/bash
# build-deb.sh - build hardgate's Debian packages from this source tree.
#
#   packaging/build-deb.sh [--version V] [--out DIR] [-- DPKG-BUILDPACKAGE-ARGS]
#
# The Debian sources live in packaging/debian/ (not at the top, so the
# upstream tree stays distro-neutral). This script copies the tree (git's
# tracked and untracked-but-not-ignored files, or everything but build
# dirs outside git) to a fresh directory, copies packaging/debian/ to
# debian/ there, optionally adds a changelog entry for version V, and runs
# `dpkg-buildpackage -us -uc -b`. The .deb, .buildinfo and .changes files
# land in DIR (default: packaging/out/). The source tree is never written
# to. Set DEB_BUILD_OPTIONS as usual (e.g. nocheck parallel=2).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
version=
out=$src/packaging/out
while [ $# -gt 0 ]; do
	case $1 in
	--version) version=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "usage: $0 [--version V] [--out DIR] [-- ARGS]" >&2; exit 64 ;;
	esac
done

work=$(mktemp -d /tmp/hardgate-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
stage=$work/hardgate
mkdir "$stage"

if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$src" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 -r cp --parents -t "$stage" 2>/dev/null) || true
	# files deleted in the work tree but still in the index are skipped above
else
	tar -C "$src" --exclude='./build*' --exclude='./packaging/out' -cf - . | tar -C "$stage" -xf -
fi
rm -rf "$stage/debian"
cp -a "$src/packaging/debian" "$stage/debian"

if [ -n "$version" ]; then
	{
		printf 'hardgate (%s) unstable; urgency=medium\n\n' "$version"
		printf '  * Local build %s.\n\n' "$version"
		printf ' -- hardgate maintainers <hardgate@example.org>  %s\n\n' "$(date -R)"
		cat "$src/packaging/debian/changelog"
	} >"$stage/debian/changelog"
fi

(cd "$stage" && dpkg-buildpackage -us -uc -b "$@")
mkdir -p "$out"
find "$work" -maxdepth 1 -type f \( -name '*.deb' -o -name '*.buildinfo' -o -name '*.changes' \) \
	-exec mv -t "$out" {} +
ls "$out"
