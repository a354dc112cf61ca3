#!/bin/bash
# rpm.sh - packaging/rpm/hardgate.spec builds with rpmbuild from make
# dist's tarball: the source RPM (-ts), and the binary RPMs (-tb). On a
# Debian host the build dependencies are Debian packages rpm's database
# does not know, so -tb runs with --nodeps (and without debuginfo
# extraction, which needs Fedora's debugedit); the RPMs are inspected, not
# installed. Usage: tests/package/rpm.sh BUILDDIR (a configured tree).
# Exit 0 pass, 1 fail, 77 skip.
set -u
b=$(cd "${1:?usage: rpm.sh BUILDDIR}" && pwd)
pass=0
fail=0
# shellcheck source=tests/package/lib.sh
. "$(dirname "$0")/lib.sh"

command -v rpmbuild >/dev/null || skip "rpmbuild missing (apt-get install rpm)"
tmp=$(mktemp -d /tmp/hg-rpm.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

version=$(sed -n 's/^Version: *//p' "$b/packaging/rpm/hardgate.spec")
tarball=hardgate-$version.tar.gz
if make -C "$b" -s dist >"$tmp/dist.log" 2>&1 && [ -f "$b/$tarball" ]; then
	ok "make dist makes $tarball"
else
	not_ok "make dist"; show "$tmp/dist.log"; exit 1
fi
cp "$b/$tarball" "$tmp/"
check "the tarball carries the configured spec" \
	sh -c "tar -tzf '$tmp/$tarball' | grep -qx 'hardgate-$version/packaging/rpm/hardgate.spec'"

rb=(rpmbuild --define "_topdir $tmp/rpm" --define "debug_package %{nil}")
if "${rb[@]}" -ts "$tmp/$tarball" >"$tmp/srpm.log" 2>&1; then
	ok "rpmbuild -ts builds the source RPM"
else
	not_ok "rpmbuild -ts"; show "$tmp/srpm.log"
fi
check "the source RPM holds the spec and the tarball" sh -c \
	"rpm -qpl '$tmp'/rpm/SRPMS/hardgate-$version-1*.src.rpm 2>/dev/null | sort | tr '\n' ' ' | grep -q 'hardgate-$version.tar.gz hardgate.spec'"

if "${rb[@]}" -tb --nodeps "$tmp/$tarball" >"$tmp/rpm.log" 2>&1; then
	ok "rpmbuild -tb --nodeps builds the binary RPMs"
else
	not_ok "rpmbuild -tb --nodeps"; tail -30 "$tmp/rpm.log" | show /dev/stdin; exit 1
fi
arch=$(rpm --eval '%{_arch}')
libdir=$(rpm --eval '%{_libdir}')
main=$(ls "$tmp"/rpm/RPMS/"$arch"/hardgate-"$version"-1*."$arch".rpm)
libs=$(ls "$tmp"/rpm/RPMS/"$arch"/hardgate-libs-"$version"-1*."$arch".rpm)
devel=$(ls "$tmp"/rpm/RPMS/"$arch"/hardgate-devel-"$version"-1*."$arch".rpm)
rpm -qpl "$main" >"$tmp/main" 2>/dev/null
for f in /usr/bin/hardgate "$libdir/hardgate/libhardgate-preload.so" "$libdir/hardgate/modules/hardgate_keyfile.so" \
	/etc/hardgate/services.d /etc/hardgate/revoked.d /usr/share/hardgate/seccomp.groups \
	/usr/share/doc/hardgate/examples/redis.conf /usr/share/bash-completion/completions/hardgate; do
	check "hardgate RPM has $f" grep -qx "$f" "$tmp/main"
done
check "hardgate RPM has the man pages" grep -q '^/usr/share/man/man8/hardgate-modules.8' "$tmp/main"
check "hardgate.conf is %config(noreplace)" sh -c "rpm -qpc '$main' 2>/dev/null | grep -qx /etc/hardgate/hardgate.conf"
check "hardgate-libs has libhardgate.so.0" sh -c "rpm -qpl '$libs' 2>/dev/null | grep -qx '$libdir/libhardgate.so.0'"
check "hardgate-devel has hardgate.pc and hardgate.h" sh -c "rpm -qpl '$devel' 2>/dev/null | grep -qx '$libdir/pkgconfig/hardgate.pc' && rpm -qpl '$devel' | grep -qx /usr/include/hardgate/hardgate.h"
mkdir "$tmp/x"
(cd "$tmp/x" && rpm2cpio "$main" | cpio -idm --quiet)
check "the packaged CLI looks for modules in the packaged dir ($libdir/hardgate/modules)" \
	grep -qaF "$libdir/hardgate/modules" "$tmp/x/usr/bin/hardgate"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
