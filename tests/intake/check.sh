#!/bin/sh
# nearmiss-intake's configuration file and check: one file with
# [intake], [serve], [mail] and [imap] serves every command, which
# checks every section and key and uses its own; unknown sections and
# keys, bad values and duplicate keys are errors as path:line; options
# beat the file; check reports every problem of a set-up with its fix
# and exits 0, 1 or 2.  And the generated help of both programs.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh check.sh
set -eu
. "$TOP/tests/lib.sh"
SUITE=check
. "$TOP/tests/intake/mail.inc"

good() {
	printf 'From: someone@example.org\nSubject: check\n\nA near miss.\n'
}

# mailrun INI [ARGS...]: one mail delivery with -c INI; sets $rc.
mailrun() {
	ini=$1
	shift
	rc=0
	# shellcheck disable=SC2086
	good | "$NMINTAKE" mail $asuser -c "$ini" "$@" 2>"$tmp/err" || rc=$?
}

# checkrun ARGS...: check; sets $rc, stdout in $tmp/out, stderr $tmp/err.
checkrun() {
	rc=0
	# shellcheck disable=SC2086
	"$NMINTAKE" check $asuser "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

ib=$tmp/ib
mkinbox "$ib"
ib2=$tmp/ib2
mkinbox "$ib2"
pin=sha256:$(printf x | sha256sum | cut -c1-64)
printf 'secret\n' >"$tmp/pw"
chmod 600 "$tmp/pw"
[ -z "$asuser" ] || chown nobody "$tmp/pw"

# One file for every command.
cat >"$tmp/all.ini" <<EOF2
; every section in one file
[intake]
inbox = $ib
recipients = $tmp/rcpt
taxonomy = $TAX

[serve]
inbox = $ib2
listen = 127.0.0.1:8025
origin = https://reports.example.org ; an inline comment
rate = 30
rate_limit = on

[mail]
reply = off
sendmail = /usr/sbin/sendmail

[imap]
host = imap.example.org
port = 993
user = reports@example.org
password_file = $tmp/pw
pin = $pin
pin = $pin
tls = implicit
EOF2
mailrun "$tmp/all.ini"
check "one file: mail takes it" [ "$rc" -eq 0 ]
check "one file: mail uses [intake], not [serve]" \
    [ "$(count "$ib/new")" -eq 1 ] && [ "$(count "$ib2/new")" -eq 0 ]
checkrun -c "$tmp/all.ini"
check "one file: check passes" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$tmp/err" >&2
check "one file: check says so" grep -q 'the set-up looks right' "$tmp/out"
check "one file: no warning (the origin is set)" [ ! -s "$tmp/err" ]

# Problems in a section the command does not use are still problems.
sed 's/^port = 993$/port = 99999/' "$tmp/all.ini" >"$tmp/port.ini"
mailrun "$tmp/port.ini"
check "bad [imap] port: mail refuses (75)" [ "$rc" -eq 75 ]
check "bad [imap] port: path:line: what" grep -qF \
    "$tmp/port.ini:20: port: expected a number from 1 to 65535" "$tmp/err"
check "bad [imap] port: nothing stored" [ "$(count "$ib/new")" -eq 1 ]
sed 's/^listen = .*/listen = localhost:http/' "$tmp/all.ini" >"$tmp/l.ini"
mailrun "$tmp/l.ini"
check "bad [serve] listen: mail refuses" [ "$rc" -eq 75 ]
check "bad [serve] listen: path:line" grep -qF "$tmp/l.ini:9: listen:" \
    "$tmp/err"
printf '[serve]\nfrobnicate = 1\n' >>"$tmp/l.ini"
last=$(wc -l <"$tmp/l.ini")
checkrun -c "$tmp/l.ini"
check "check: every problem of the file" \
    [ "$(grep -c "$tmp/l.ini:" "$tmp/err")" -eq 2 ]
check "check: the unknown key too" grep -qF \
    "$tmp/l.ini:$last: unknown key frobnicate in [serve]" "$tmp/err"
check "check: a bad file fails" [ "$rc" -eq 1 ]
check "check: counts both" grep -q '2 problems found' "$tmp/err"

# Duplicate keys are errors, but pin adds up.
printf '[intake]\ninbox = %s\nrecipients = %s\ninbox = %s\n' "$ib" \
    "$tmp/rcpt" "$ib2" >"$tmp/dup.ini"
mailrun "$tmp/dup.ini"
check "duplicate key: refused" [ "$rc" -eq 75 ]
check "duplicate key: path:line: what" grep -qF \
    "$tmp/dup.ini:4: duplicate key inbox in [intake] (first on line 2)" \
    "$tmp/err"

# The command line beats the file, whatever the order.
n1=$(count "$ib2/new")
mailrun "$tmp/all.ini" -i "$ib2"
check "-i beats [intake] inbox: 0" [ "$rc" -eq 0 ]
check "-i beats [intake] inbox: stored there" \
    [ "$(count "$ib2/new")" -eq $((n1 + 1)) ]

# [intake] user, for a transport started as root.
if [ -n "$asuser" ]; then
	sed 's/^\[intake\]$/[intake]\nuser = nobody/' "$tmp/all.ini" \
	    >"$tmp/user.ini"
	rc=0
	good | "$NMINTAKE" mail -c "$tmp/user.ini" 2>"$tmp/err" || rc=$?
	check "[intake] user: root switches to it" [ "$rc" -eq 0 ]
fi

# Bad lines.
for bad in 'no equals sign' '[unterminated' 'x = 1'; do
	printf '%s\n' "$bad" >"$tmp/bad.ini"
	mailrun "$tmp/bad.ini" -i "$ib" -k "$tmp/rcpt"
	check "'$bad': refused" [ "$rc" -eq 75 ]
	check "'$bad': path:1" grep -qF "$tmp/bad.ini:1: " "$tmp/err"
done
head -c 2000 /dev/zero | tr '\0' a >"$tmp/long.ini"
mailrun "$tmp/long.ini" -i "$ib" -k "$tmp/rcpt"
check "a 2000-byte line: refused" grep -qF \
    "$tmp/long.ini:1: line longer than 1024 bytes" "$tmp/err"
head -c 70000 /dev/zero | tr '\0' '\n' >"$tmp/big.ini"
mailrun "$tmp/big.ini" -i "$ib" -k "$tmp/rcpt"
check "a 70000-byte file: refused" [ "$rc" -eq 75 ]
printf '[imap]\npin = sha256:12\n' >"$tmp/pin.ini"
checkrun -c "$tmp/pin.ini" -i "$ib" -k "$tmp/rcpt"
check "a short pin: check fails" [ "$rc" -eq 1 ]
check "a short pin: path:line" grep -qF \
    "$tmp/pin.ini:2: pin: sha256: takes 64 hex digits" "$tmp/err"
printf '[imap]\npin = %s\n' "$pin" >"$tmp/pin.ini"
checkrun -c "$tmp/pin.ini" -i "$ib" -k "$tmp/rcpt"
check "[imap] without host: check fails" [ "$rc" -eq 1 ]
check "[imap] without host: check says so" grep -q \
    '\[imap\] host is not set' "$tmp/err"
printf '[imap]\nstarttls = yes\n' >"$tmp/tls.ini"
checkrun -c "$tmp/tls.ini" -i "$ib" -k "$tmp/rcpt"
check "starttls: refused with the reason" grep -q 'STARTTLS are refused' \
    "$tmp/err"

# check: the origin, the password file, sendmail, usage.
checkrun -i "$ib" -k "$tmp/rcpt" -t "$TAX"
check "default origin: still 0" [ "$rc" -eq 0 ]
check "default origin: a warning with the fix" grep -q \
    'warning: origin http://127.0.0.1:8025 is the default.*fix: give -o' \
    "$tmp/err"
printf '[serve]\norigin = https://example.org/form\n' >"$tmp/o.ini"
checkrun -c "$tmp/o.ini" -i "$ib" -k "$tmp/rcpt"
check "an origin with a path: fails" [ "$rc" -eq 1 ]
check "an origin with a path: path:line" grep -qF "$tmp/o.ini:2: origin:" \
    "$tmp/err"
checkrun -i "$ib" -k "$tmp/rcpt" -o 'ftp://example.org'
check "-o ftp://: usage error" [ "$rc" -eq 2 ]
chmod 644 "$tmp/pw"
checkrun -c "$tmp/all.ini"
chmod 600 "$tmp/pw"
check "password file 644: fails" [ "$rc" -eq 1 ]
check "password file 644: the fix" grep -qF "run: chmod 600 $tmp/pw" \
    "$tmp/err"
sed 's/^reply = off$/reply = on/; s#^sendmail = .*#sendmail = /nonexistent/sendmail#' \
    "$tmp/all.ini" >"$tmp/sm.ini"
checkrun -c "$tmp/sm.ini"
check "sendmail missing with reply = on: fails" [ "$rc" -eq 1 ]
check "sendmail missing: says so" grep -q 'sendmail = /nonexistent/sendmail: not executable' \
    "$tmp/err"
checkrun --frobnicate
check "check --frobnicate: 2" [ "$rc" -eq 2 ]
check "check --frobnicate: its usage" grep -q '^usage: nearmiss-intake check' \
    "$tmp/err"
checkrun extra -i "$ib"
check "check with an operand: 2" [ "$rc" -eq 2 ]
rc=0
"$NMINTAKE" check --help >"$tmp/out" 2>"$tmp/err" || rc=$?
check "check --help: 0" [ "$rc" -eq 0 ]
check "check --help: usage on stdout" grep -q '^usage: nearmiss-intake check' \
    "$tmp/out"

# --- The generated help of both programs ------------------------------

for p in "$NMINTAKE" "$NMREVIEW"; do
	name=$(basename "$p")
	for a in -h --help help; do
		rc=0
		"$p" $a >"$tmp/out" 2>"$tmp/err" || rc=$?
		check "$name $a: 0" [ "$rc" -eq 0 ]
		check "$name $a: usage first" \
		    sh -c "head -n 1 '$tmp/out' | grep -q '^usage: $name '"
		check "$name $a: nothing on stderr" [ ! -s "$tmp/err" ]
		check "$name $a: no line over 79 columns" \
		    [ "$(awk 'length > 79' "$tmp/out" | wc -l)" -eq 0 ]
		check "$name $a: the manual named" grep -q "See $name(" \
		    "$tmp/out"
	done
	cmds=$(sed -n 's/^  \([a-z]*\) .*/\1/p; s/^  \([a-z]*\)$/\1/p' \
	    "$tmp/out")
	check "$name: several commands listed" [ "$(echo "$cmds" | wc -l)" -ge 5 ]
	for c in $cmds; do
		rc=0
		"$p" "$c" --help >"$tmp/out" 2>"$tmp/err" || rc=$?
		check "$name $c --help: 0" [ "$rc" -eq 0 ]
		check "$name $c --help: its usage" grep -q "^usage: $name $c" \
		    "$tmp/out"
		rc=0
		"$p" help "$c" >"$tmp/out2" 2>/dev/null || rc=$?
		check "$name help $c: the same" cmp -s "$tmp/out" "$tmp/out2"
	done
	rc=0
	"$p" frobnicate >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "$name frobnicate: 2" [ "$rc" -eq 2 ]
	check "$name frobnicate: says so" grep -q 'frobnicate: unknown command' \
	    "$tmp/err"
	check "$name frobnicate: the usage" grep -q "^usage: $name " "$tmp/err"
	rc=0
	"$p" help frobnicate >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "$name help frobnicate: 2" [ "$rc" -eq 2 ]
	rc=0
	"$p" --version >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "$name --version" grep -Eqx "$name [0-9]+\.[0-9]+\.[0-9]+" \
	    "$tmp/out"
done
# The mail path keeps its statuses: a usage error there is 75.
rc=0
"$NMINTAKE" mail --frobnicate </dev/null 2>"$tmp/err" || rc=$?
check "mail --frobnicate: 75" [ "$rc" -eq 75 ]
check "mail --frobnicate: the usage of mail" \
    grep -q '^usage: nearmiss-intake mail' "$tmp/err"

finish check
