#!/bin/sh
# Tests of nearmiss-review keygen: the public line it prints, the secret
# key file it writes (mode 0600, never over an existing file), and the
# exit statuses of the program (0 ok, 1 failure, 2 usage).  Plain key
# files (--no-passphrase); keys.sh tests the protected ones.
# Run by tests/run.sh as:
#   env NMREVIEW=/abs/bin/nearmiss-review TOP=/abs/top sh keygen.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
umask 022

# run ARGS...: runs the program; sets rc, and leaves out and err files.
run() {
	rc=0
	"$NMREVIEW" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# mode FILE: the permission string of ls -l, such as -rw-------.
mode() {
	ls -ld "$1" | cut -c1-10
}

# valid_line FILE NAME: FILE is exactly one recipients-file line for NAME.
valid_line() {
	[ "$(grep -c '' "$1")" -eq 1 ] || return 1
	awk -v name="$2" 'NF != 3 || $1 != name { exit 1 }
	    $0 != $1 " " $2 " " $3 { exit 1 }' "$1" || return 1
	k='[A-Za-z0-9+/]{43}='
	grep -Eq "^[A-Za-z0-9][A-Za-z0-9._-]{0,63} $k $k\$" "$1" || return 1
	# Each key is 32 bytes.
	for f in 2 3; do
		n=$(awk -v f="$f" '{ print $f }' "$1" | base64 -d | wc -c)
		[ "$n" -eq 32 ] || return 1
	done
}

# field N FILE: the Nth field of the first line.
field() {
	awk -v f="$1" 'NR == 1 { print $f }' "$2"
}

# --- keygen: the line, the file ---------------------------------------

run keygen --no-passphrase alice -o "$tmp/alice.key"
check "keygen: exit 0" [ "$rc" -eq 0 ]
check "keygen: one valid line on stdout" valid_line "$tmp/out" alice
cp "$tmp/out" "$tmp/alice.pub"
check "keygen: stderr names the recipients file" \
    grep -q "intake host's recipients file" "$tmp/err"
check "keygen: stderr names the reviewers file" \
    grep -q "reviewers file" "$tmp/err"
check "keygen: stderr names the key file" grep -q "$tmp/alice.key" "$tmp/err"
# stdout went to a file here, so nothing is "above" on a terminal: the
# message names standard output instead.
check "keygen: stderr says the line went to standard output" \
    grep -q "public line written to standard output" "$tmp/err"
check_not "keygen: stderr does not speak of a line above" \
    grep -q "line above" "$tmp/err"
check "keygen: key file is a regular file" [ -f "$tmp/alice.key" ]
check "keygen: key file mode 0600" [ "$(mode "$tmp/alice.key")" = "-rw-------" ]
check "keygen: key file first line" \
    [ "$(sed -n 1p "$tmp/alice.key")" = "nearmiss-secret-key 1" ]
check "keygen: key file name" \
    [ "$(sed -n 2p "$tmp/alice.key")" = "name alice" ]
check "keygen: key file has six lines" \
    [ "$(grep -c '' "$tmp/alice.key")" -eq 6 ]
check "keygen: box-public in the file is the one printed" \
    [ "$(sed -n 3p "$tmp/alice.key")" = "box-public $(field 2 "$tmp/out")" ]
check "keygen: sign-public in the file is the one printed" \
    [ "$(sed -n 5p "$tmp/alice.key")" = "sign-public $(field 3 "$tmp/out")" ]
secret=$(sed -n 4p "$tmp/alice.key" | cut -d' ' -f2)
check "keygen: box-secret is set" [ -n "$secret" ]
check_not "keygen: the secret key is not printed" \
    grep -qF -e "$secret" "$tmp/out" "$tmp/err"

# Options after or before the name, long or short.
run keygen --no-passphrase -o "$tmp/bob.key" bob
check "keygen -o FILE NAME: exit 0" [ "$rc" -eq 0 ]
check "keygen -o FILE NAME: valid line" valid_line "$tmp/out" bob
run keygen --no-passphrase --output="$tmp/carol.key" carol.x_y-Z9
check "keygen --output=FILE: exit 0" [ "$rc" -eq 0 ]
check "keygen --output=FILE: valid line" valid_line "$tmp/out" carol.x_y-Z9
check "two key pairs differ" \
    [ "$(field 2 "$tmp/out")" != "$(field 2 "$tmp/alice.pub")" ]
check "two key pairs differ (signing keys)" \
    [ "$(field 3 "$tmp/out")" != "$(field 3 "$tmp/alice.pub")" ]
check_not "two key files differ" cmp -s "$tmp/bob.key" "$tmp/carol.key"

# A 64-byte name is the longest.
n64=n$(printf '%063d' 0)
run keygen --no-passphrase "$n64" -o "$tmp/n64.key"
check "keygen: a name of 64 bytes" [ "$rc" -eq 0 ]
check "keygen: a name of 64 bytes, valid line" valid_line "$tmp/out" "$n64"

# The mode is 0600 whatever the umask.
(umask 000 && "$NMREVIEW" keygen --no-passphrase dave -o "$tmp/dave.key" >/dev/null 2>&1) ||
    :
check "keygen under umask 000: mode 0600" \
    [ "$(mode "$tmp/dave.key")" = "-rw-------" ]
(umask 077 && "$NMREVIEW" keygen --no-passphrase erin -o "$tmp/erin.key" >/dev/null 2>&1) ||
    :
check "keygen under umask 077: mode 0600" \
    [ "$(mode "$tmp/erin.key")" = "-rw-------" ]

# --- never over an existing file --------------------------------------

cp -p "$tmp/alice.key" "$tmp/alice.copy" 2>/dev/null || :
run keygen --no-passphrase alice -o "$tmp/alice.key"
check "keygen over a key file: exit 1" [ "$rc" -eq 1 ]
check "keygen over a key file: file unchanged" \
    cmp -s "$tmp/alice.key" "$tmp/alice.copy"
check "keygen over a key file: mode unchanged" \
    [ "$(mode "$tmp/alice.key")" = "-rw-------" ]
check "keygen over a key file: nothing on stdout" [ ! -s "$tmp/out" ]
check "keygen over a key file: says why" \
    grep -q "alice.key: already exists; not overwriting it" "$tmp/err"

printf 'not a key\n' >"$tmp/other"
chmod 644 "$tmp/other"
run keygen --no-passphrase alice -o "$tmp/other"
check "keygen over another file: exit 1" [ "$rc" -eq 1 ]
check "keygen over another file: unchanged" \
    [ "$(cat "$tmp/other")" = "not a key" ]
check "keygen over another file: mode unchanged" \
    [ "$(mode "$tmp/other")" = "-rw-r--r--" ]

ln -s "$tmp/nowhere" "$tmp/dangling"
run keygen --no-passphrase alice -o "$tmp/dangling"
check "keygen to a dangling symlink: exit 1" [ "$rc" -eq 1 ]
check "keygen to a dangling symlink: target not created" \
    [ ! -e "$tmp/nowhere" ]

run keygen --no-passphrase alice -o "$tmp/no/such/dir/key"
check "keygen into a missing folder: exit 1" [ "$rc" -eq 1 ]
check "keygen into a missing folder: message" \
    grep -q "No such file or directory" "$tmp/err"
check "keygen into a missing folder: nothing on stdout" [ ! -s "$tmp/out" ]

# --- usage errors -------------------------------------------------------

run keygen --no-passphrase alice
check "keygen without -o: exit 2" [ "$rc" -eq 2 ]
check "keygen without -o: usage" grep -q "^usage: nearmiss-review keygen" \
    "$tmp/err"
run keygen --no-passphrase -o "$tmp/x.key"
check "keygen without NAME: exit 2" [ "$rc" -eq 2 ]
check "keygen without NAME: no file" [ ! -e "$tmp/x.key" ]
run keygen --no-passphrase alice bob -o "$tmp/x.key"
check "keygen with two names: exit 2" [ "$rc" -eq 2 ]
run keygen --no-passphrase alice -o
check "keygen -o without its argument: exit 2" [ "$rc" -eq 2 ]
run keygen --no-passphrase alice -o ''
check "keygen -o '': exit 2" [ "$rc" -eq 2 ]
run keygen --no-passphrase -x alice -o "$tmp/x.key"
check "keygen with an unknown option: exit 2" [ "$rc" -eq 2 ]
check "keygen with an unknown option: no file" [ ! -e "$tmp/x.key" ]

for name in .alice .. -- _x 'a b' 'a/b' 'al:ce' "n${n64}" \
    "$(printf 'caf\303\251')"; do
	run keygen --no-passphrase -o "$tmp/x.key" -- "$name"
	check "keygen bad name '$name': exit 2" [ "$rc" -eq 2 ]
	check "keygen bad name '$name': message" \
	    grep -q "bad reviewer name" "$tmp/err"
	check "keygen bad name '$name': no file" [ ! -e "$tmp/x.key" ]
	check "keygen bad name '$name': nothing on stdout" [ ! -s "$tmp/out" ]
done
run keygen --no-passphrase -o "$tmp/x.key" ''
check "keygen empty name: exit 2" [ "$rc" -eq 2 ]
check "keygen empty name: no file" [ ! -e "$tmp/x.key" ]

# --- the program ------------------------------------------------------

run --help
check "--help: exit 0" [ "$rc" -eq 0 ]
check "--help: usage on stdout" grep -q "^usage: nearmiss-review" "$tmp/out"
check "--help: lists keygen" grep -q "keygen NAME -o KEYFILE" "$tmp/out"
check "--help: nothing on stderr" [ ! -s "$tmp/err" ]
run -h
check "-h: exit 0" [ "$rc" -eq 0 ]
run --version
check "--version: exit 0" [ "$rc" -eq 0 ]
check "--version: prints the version" \
    grep -Eq '^nearmiss-review [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out"
run keygen --no-passphrase --help
check "keygen --help: exit 0" [ "$rc" -eq 0 ]
check "keygen --help: usage on stdout" \
    grep -q "^usage: nearmiss-review keygen NAME -o KEYFILE" "$tmp/out"
run
check "no command: exit 2" [ "$rc" -eq 2 ]
check "no command: usage" grep -q "^usage: nearmiss-review" "$tmp/err"
run frobnicate
check "unknown command: exit 2" [ "$rc" -eq 2 ]
check "unknown command: message" \
    grep -q "frobnicate: unknown command" "$tmp/err"
run --frobnicate
check "unknown option: exit 2" [ "$rc" -eq 2 ]
run list
check "list without -i: exit 2" [ "$rc" -eq 2 ]
check "list without -i: usage" \
    grep -q "^usage: nearmiss-review list" "$tmp/err"

finish keygen
