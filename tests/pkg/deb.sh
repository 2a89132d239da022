#!/bin/sh
# The Debian package: README.md "Install as a Debian package" run as
# written (make deb, lintian, apt install), lintian silent at its default
# level, what the package installs (programs, theme, word lists, manual
# pages, examples, units shipped disabled and naming /usr/bin, the system
# user nearmiss and its home), then README.md "Set up your own archive"
# with the installed programs alone (no -t: gen finds the installed
# theme), the demo archive built by the installed gen byte for byte as
# the tree's gen builds it, the lint finding its word lists, and a purge
# that keeps the user and /var/lib/nearmiss.
# Run by tests/run.sh once, as root, as:
#   env NMGEN=/abs/build/bin/nearmiss-gen TOP=/abs/top sh deb.sh
set -u

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
export TZ=UTC LC_ALL=C
export HOME="$tmp/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset NEARMISS_KEY NEARMISS_PASSPHRASE NEARMISS_DATA
# run.sh runs inside `make check`: its make's flags are not make deb's.
unset MAKEFLAGS MFLAGS MAKELEVEL
umask 022
mkdir "$HOME"

if [ "$(id -u)" -ne 0 ]; then
	echo "deb: SKIP: installing a package needs root" >&2
	finish deb
	exit 0
fi
# A nearmiss package installed before this test is someone's: keep it.
if dpkg-query -W -f='${Status}' nearmiss 2>/dev/null |
    grep -q "ok installed"; then
	echo "deb: SKIP: a nearmiss package is installed already" >&2
	finish deb
	exit 0
fi
had_user=0
getent passwd nearmiss >/dev/null && had_user=1
had_home=0
[ -e /var/lib/nearmiss ] && had_home=1

# Leaves the machine as it was: the package, and the user and home that
# the purge keeps on purpose, when this test made them.
cleanup() {
	dpkg --purge nearmiss >/dev/null 2>&1
	[ "$had_user" -eq 1 ] || userdel nearmiss 2>/dev/null
	[ "$had_user" -eq 1 ] || groupdel nearmiss 2>/dev/null
	[ "$had_home" -eq 1 ] || rm -rf /var/lib/nearmiss
	rm -rf "$tmp"
}
trap cleanup EXIT

# has DESC FILE TEXT: FILE holds TEXT (a fixed string).
has() {
	if grep -qF -- "$3" "$2"; then ok; else
		fail "$1: no \"$3\" in $2"
		sed 's/^/  | /' "$2" | head -n 20 >&2
	fi
}

# --- README.md "Install as a Debian package", as written ------------------

readme_section "Install as a Debian package" >"$tmp/install.sh"
for w in "make deb" "lintian " "apt install ./"; do
	has "README: the section has \"$w\"" "$tmp/install.sh" "$w"
done
# make deb builds in a copy of the tree: the tree's programs stay as
# they are.
before=$(cat "$NMGEN" "$TOP/bin/nearmiss-gen" | sha256sum)
rc=0
(cd "$TOP" && DEBIAN_FRONTEND=noninteractive sh -eux "$tmp/install.sh") \
    >"$tmp/out" 2>"$tmp/err" || rc=$?
if [ "$rc" -eq 0 ]; then ok; else
	fail "README: the commands fail (exit $rc)"
	tail -n 40 "$tmp/err" >&2
fi
deb=$(ls "$TOP"/build/deb/nearmiss_*.deb 2>/dev/null | head -n 1)
check "make deb: the package is built" [ -f "$deb" ]
check "make deb: the tree's programs are untouched" [ \
    "$(cat "$NMGEN" "$TOP/bin/nearmiss-gen" | sha256sum)" = "$before" ]
# lintian prints nothing at its default level, and exits 0 when told to
# fail on warnings and errors.
lintian --fail-on error,warning "$TOP"/build/deb/nearmiss_*.changes \
    >"$tmp/lintian" 2>&1
lrc=$?
check "lintian: exit 0 with --fail-on error,warning" [ "$lrc" -eq 0 ]
check_not "lintian: no error or warning" grep -qE '^[EW]: ' "$tmp/lintian"
check "the package is installed" sh -c \
    'dpkg-query -W -f="\${Status}" nearmiss | grep -q "ok installed"'
ver=$(sed -n 's/^VERSION = //p' "$TOP/Makefile")
check "the package's version is the Makefile's" [ \
    "$(dpkg-query -W -f='${Version}' nearmiss)" = "$ver" ]

# --- what it installs ------------------------------------------------------

for p in nearmiss-gen nearmiss-intake nearmiss-review; do
	check "/usr/bin/$p" [ -x "/usr/bin/$p" ]
	check "$p --version: $ver" sh -c \
	    '"/usr/bin/$1" --version | grep -qF "$2"' sh "$p" "$ver"
done
for m in man1/nearmiss-gen.1 man1/nearmiss-review.1 man5/nearmiss-theme.5 \
    man5/nearmiss-content.5 man5/nearmiss-inbox.5 man5/nearmiss-index.5 \
    man8/nearmiss-intake.8; do
	check "manual page $m" [ -f "/usr/share/man/$m.gz" ]
done
check "the theme" [ -f /usr/share/nearmiss/themes/default/report.html ]
check "the theme's search script" \
    [ -f /usr/share/nearmiss/themes/default/static/search.js ]
check "the lint's word lists" [ -f /usr/share/nearmiss/given-names.txt ]
check "the examples" \
    [ -f /usr/share/doc/nearmiss/examples/nginx-archive.conf ]
check "README.Debian" [ -f /usr/share/doc/nearmiss/README.Debian ]
check "no demo secret key is shipped" sh -c \
    '! dpkg -L nearmiss | grep -q "\.key$"'
for u in nearmiss-intake nearmiss-imap; do
	f=/lib/systemd/system/$u.service
	check "unit $u" [ -f "$f" ]
	check "unit $u runs /usr/bin/nearmiss-intake" \
	    grep -q '^ExecStart=/usr/bin/nearmiss-intake ' "$f"
	check "unit $u runs as nearmiss" grep -qx 'User=nearmiss' "$f"
	check_not "unit $u is not enabled" sh -c \
	    'ls /etc/systemd/system/*.wants/ 2>/dev/null | grep -qx "$1"' \
	    sh "$u.service"
done
check_not "no unit names /usr/local" \
    grep -q /usr/local /lib/systemd/system/nearmiss-intake.service \
    /lib/systemd/system/nearmiss-imap.service
pw=$(getent passwd nearmiss)
check "the user nearmiss" [ -n "$pw" ]
uid=$(echo "$pw" | cut -d: -f3)
check "nearmiss is a system user" [ "${uid:-1000}" -lt 1000 ]
check "nearmiss's home is /var/lib/nearmiss" \
    [ "$(echo "$pw" | cut -d: -f6)" = /var/lib/nearmiss ]
check "nearmiss has no login shell" \
    [ "$(echo "$pw" | cut -d: -f7)" = /usr/sbin/nologin ]
check "the group nearmiss" sh -c "getent group nearmiss >/dev/null"
check "/var/lib/nearmiss belongs to nearmiss" \
    [ "$(stat -c %U /var/lib/nearmiss)" = nearmiss ]

# --- the installed programs at work ---------------------------------------

# README.md "Set up your own archive", with /usr/bin only: no checkout,
# no themes/ beside it, no -t.
readme_section "Set up your own archive" >"$tmp/archive.sh"
has "README: the archive section builds without -t" "$tmp/archive.sh" \
    "nearmiss-gen -r archive -o site"
mkdir "$tmp/work"
rc=0
(cd "$tmp/work" && PATH=/usr/bin:/bin:/usr/sbin:/sbin \
    NEARMISS_PASSPHRASE="correct horse battery staple" \
    sh -eu "$tmp/archive.sh") >"$tmp/out" 2>"$tmp/err" || rc=$?
if [ "$rc" -eq 0 ]; then ok; else
	fail "README archive section with /usr/bin: exit $rc"
	tail -n 20 "$tmp/err" >&2
fi
check "the site's front page" [ -s "$tmp/work/site/index.html" ]
# gen publishes scripts without their whole-line comments: the same code
# once every comment line is left out of both.
grep -Ev '^[[:space:]]*(/\*|\*)' "$tmp/work/site/search.js" \
    >"$tmp/search.js.site" || true
grep -Ev '^[[:space:]]*(/\*|\*)' \
    /usr/share/nearmiss/themes/default/static/search.js \
    >"$tmp/search.js.theme" || true
check "the site's search script (from the installed theme)" \
    cmp -s "$tmp/search.js.site" "$tmp/search.js.theme"
check "and it is not empty" [ -s "$tmp/search.js.site" ]

# The demo archive: the installed gen (with its theme) builds what the
# tree's gen builds with -t themes/default, byte for byte.
rc=0
(cd "$tmp" && /usr/bin/nearmiss-gen -r "$TOP" -p content -o "$tmp/s1") \
    >"$tmp/out" 2>"$tmp/err" || rc=$?
check "installed gen: the demo archive, exit 0" [ "$rc" -eq 0 ]
rc=0
(cd "$tmp" && "$NMGEN" -r "$TOP" -p content -t "$TOP/themes/default" \
    -o "$tmp/s2") >"$tmp/out" 2>"$tmp/err" || rc=$?
check "tree's gen: the demo archive, exit 0" [ "$rc" -eq 0 ]
check "the two demo sites are the same" \
    diff -r -x '.nearmiss-state' "$tmp/s1" "$tmp/s2"

# The lint reads its word lists from /usr/share/nearmiss.
printf -- '---\ntitle: t\n---\nSgt. Alvarez met Maria in Springfield.\n' \
    >"$tmp/r.md"
(cd "$tmp" && /usr/bin/nearmiss-review lint r.md) >"$tmp/out" 2>"$tmp/err"
has "installed lint: a title and name" "$tmp/out" "Alvarez"
has "installed lint: a given name" "$tmp/out" "Maria"

# --- purge -----------------------------------------------------------------

check "apt purge nearmiss" sh -c \
    'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq nearmiss \
    >/dev/null 2>&1'
check "purged: the programs are gone" [ ! -e /usr/bin/nearmiss-gen ]
check "purged: the theme is gone" [ ! -e /usr/share/nearmiss ]
check "purged: the user stays" sh -c "getent passwd nearmiss >/dev/null"
check "purged: /var/lib/nearmiss stays" [ -d /var/lib/nearmiss ]

finish deb
