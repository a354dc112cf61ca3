#!/bin/bash
# rpm.sh - packaging/rpm/hardgate.spec builds with rpmbuild from make
# dist's tarball: the source RPM (-ts), and the binary RPMs (-tb). On a
# Debian host the build dependencies are Debian packages rpm's database
# does not know, so -tb runs with --nodeps (and without debuginfo
# extraction, which needs Fedora's debugedit). The RPMs are inspected, and
# their scriptlets parsed (sh -n, bash -n); as root they are also
# installed, reinstalled and erased with rpm --root into a throw-away root
# (its own rpm database; bash as /bin/sh as on Fedora; /proc bound in a
# private mount namespace), so rpm runs the scriptlets, chrooted, with
# the real $1: %post makes the attestation key once and keeps it,
# %preun refuses the erase while the root's /etc/ld.so.preload names the
# preload, %postun removes /var/cache/hardgate and leaves the attestation
# key and records (/var/lib/hardgate) and services.d alone. The host's rpm database and /etc are not
# touched. Usage: tests/package/rpm.sh BUILDDIR (a configured tree).
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

echo "# the scriptlets"
rpm -qp --scripts "$main" >"$tmp/scripts" 2>/dev/null
for tag in POSTIN PREUN POSTUN; do
	rpm -qp --qf "%{$tag}\n" "$main" >"$tmp/$tag.sh" 2>/dev/null
	check "the $tag scriptlet is there and parses (sh -n and bash -n)" \
		sh -c "test -s '$tmp/$tag.sh' && sh -n '$tmp/$tag.sh' && bash -n '$tmp/$tag.sh'"
done
check "rpm -qp --scripts shows %post, %preun and %postun" sh -c \
	"grep -q '^postinstall scriptlet' '$tmp/scripts' && grep -q '^preuninstall scriptlet' '$tmp/scripts' && grep -q '^postuninstall scriptlet' '$tmp/scripts'"
check "%post runs hardgate attest --init --if-missing" \
	grep -q '^/usr/bin/hardgate attest --init --if-missing ' "$tmp/POSTIN.sh"
check "%preun runs the guard for $libdir/hardgate/libhardgate-preload.so" \
	grep -qF "/usr/share/hardgate/ld-so-preload-guard $libdir/hardgate/libhardgate-preload.so || exit 1" "$tmp/PREUN.sh"
check "... a file of the package" sh -c "rpm -qlp '$main' 2>/dev/null | grep -qx /usr/share/hardgate/ld-so-preload-guard"
# the line after the test of $1 = 0 (erase) is the removal
check "%postun removes /var/cache/hardgate on erase only" \
	test "$(sed -n '/^if \[ "$1" -eq 0 \]; then$/{n;p;}' "$tmp/POSTUN.sh")" = "	rm -rf /var/cache/hardgate"

if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
	echo "# not root, or no mount namespace: the scriptlets are not run (rpm --root chroots)"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
fi

echo "# rpm -i, --reinstall and -e into a throw-away root: the scriptlets run"
root=$tmp/root
mkdir -p "$root"/usr/bin "$root"/usr/lib "$root"/usr/lib64 "$root"/etc "$root"/var/tmp \
	"$root"/var/lib "$root"/var/cache "$root"/proc "$root"/dev
ln -s usr/bin "$root/bin"
ln -s usr/bin "$root/sbin"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
touch "$root/dev/null"
# what the scriptlets run, with their libraries (not libhardgate: the CLI
# and the preload do not link it)
cp -L "$(command -v bash)" "$root/usr/bin/sh"
cp -L "$(command -v sed)" "$(command -v rm)" "$(command -v readlink)" "$root/usr/bin/"
for b in "$(command -v bash)" "$(command -v sed)" "$(command -v rm)" "$(command -v readlink)" "$tmp/x/usr/bin/hardgate" \
	"$tmp/x$libdir/hardgate/libhardgate-preload.so"; do
	ldd "$b"
done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u >"$tmp/libs"
while read -r l; do
	mkdir -p "$root$(dirname "$l")" && cp -L "$l" "$root$l"
done <"$tmp/libs"
# inroot CMD...: CMD in a private mount namespace where the root has /proc
# (hardgate reopens files through /proc/self/fd) and /dev/null
inroot() {
	unshare -m --propagation private sh -c \
		'mount --rbind /proc "$0/proc" && mount --bind /dev/null "$0/dev/null" && exec "$@"' "$root" "$@"
}
rr() { inroot rpm --root "$root" --dbpath /var/lib/rpm "$@" 2>&1 | grep -v 'Alien\|assuming you know'; return "${PIPESTATUS[0]}"; }
sums() { sha256sum "$root"/var/lib/hardgate/attest/attest.key "$root"/var/lib/hardgate/attest/attest.pub 2>&1; }
att=$root/var/lib/hardgate/attest
preload=$libdir/hardgate/libhardgate-preload.so

rr --initdb >"$tmp/initdb.log"
st=0; rr -i --nodeps "$libs" "$main" "$devel" >"$tmp/rpmi.log" || st=$?
if [ "$st" -eq 0 ] && [ -x "$root/usr/bin/hardgate" ]; then
	ok "rpm -i --root installs the three RPMs"
else
	not_ok "rpm -i --root (exit $st)"; show "$tmp/rpmi.log"
fi
check "%post ran and said nothing" test ! -s "$tmp/rpmi.log"
[ -s "$tmp/rpmi.log" ] && show "$tmp/rpmi.log"
check "%post created attest.key 0600 root and attest.pub 0644 in the policy's attest_dir" \
	test "$(stat -c '%a %U' "$att/attest.key" "$att/attest.pub" 2>/dev/null | tr '\n' ' ')" = "600 root 644 root "
keysum=$(sums)
printf 'services: { };\n' >"$root/etc/hardgate/services.d/zz-operator.conf"
mkdir -p "$root/var/cache/hardgate/seccomp"	# as a seccomp stack's filter cache would

# the operator lists the preload host-wide (in the throw-away root only)
printf '# hardgate everywhere\n%s\n' "$preload" >"$root/etc/ld.so.preload"
st=0; rr --reinstall --nodeps "$main" >"$tmp/reinstall.log" || st=$?
check "an upgrade (rpm --reinstall) is not refused by the ld.so.preload guard (exit $st)" test "$st" -eq 0
[ "$st" -eq 0 ] || show "$tmp/reinstall.log"
check "the upgrade kept the attestation key" test "$(sums)" = "$keysum"
check "... and the old package's %postun left /var/lib/hardgate and the cache" \
	test -d "$root/var/cache/hardgate/seccomp" -a -f "$att/attest.key"

mv "$att/attest.pub" "$tmp/attest.pub"
st=0; rr --reinstall --nodeps "$main" >"$tmp/half.log" || st=$?
check "an upgrade with half a key pair still installs (exit $st)" test "$st" -eq 0
check "... %post says which half is missing" grep -q 'HG-031 FAIL /var/lib/hardgate/attest half an attestation key pair: attest.key without attest.pub; fix: restore attest.pub' "$tmp/half.log"
check "... and does not make a new attest.pub" test ! -e "$att/attest.pub"
mv "$tmp/attest.pub" "$att/attest.pub"

check "in the root, ld.so loads the listed preload into every program (the scriptlets' shell too)" \
	test -n "$(inroot chroot "$root" /bin/sh -c "sed -n '\\|$preload|p' /proc/self/maps" 2>/dev/null)"
st=0; rr -e hardgate >"$tmp/erase1.log" || st=$?
check "rpm -e hardgate is refused while the root's /etc/ld.so.preload names the preload (exit $st)" test "$st" -ne 0
guard_refused "$tmp/erase1.log" "$preload" "%preun"
check "... and hardgate stays installed, preload, key and cache in place" sh -c \
	"rpm --root '$root' --dbpath /var/lib/rpm -q hardgate >/dev/null 2>&1 && test -f '$root$preload' -a -f '$att/attest.key' -a -d '$root/var/cache/hardgate'"
printf '/opt/hardgate-ci/libhardgate-preload.so\n' >"$root/etc/ld.so.preload"
st=0; rr -e hardgate >"$tmp/erase-copy.log" || st=$?
check "rpm -e hardgate is refused for a copy of the preload by its name too (exit $st)" sh -c \
	"test $st -ne 0 && grep -qF '/etc/ld.so.preload line 1: /opt/hardgate-ci/libhardgate-preload.so' '$tmp/erase-copy.log'"
rm "$root/etc/ld.so.preload"
st=0; rr -e hardgate >"$tmp/erase2.log" || st=$?
check "without the line, rpm -e hardgate erases it (exit $st)" test "$st" -eq 0
[ "$st" -eq 0 ] || show "$tmp/erase2.log"
check "%postun kept the attestation key and records (RPM has no purge)" \
	test -f "$att/attest.key" -a -f "$att/attest.pub"
check "%postun removed /var/cache/hardgate" test ! -e "$root/var/cache/hardgate"
check "the operator's services.d file is kept" test -f "$root/etc/hardgate/services.d/zz-operator.conf"
check "the package's files are gone (hardgate, hardgate.conf, the preload)" \
	test ! -e "$root/usr/bin/hardgate" -a ! -e "$root/etc/hardgate/hardgate.conf" -a ! -e "$root$preload"
st=0; rr -e hardgate-devel hardgate-libs >"$tmp/erase3.log" || st=$?
check "rpm -e of hardgate-devel and hardgate-libs (exit $st)" test "$st" -eq 0

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
