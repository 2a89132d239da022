#!/bin/sh
# nearmiss-intake's configuration file and check: one file with
# [intake], [serve], [mail] and [imap] serves every command, which
# checks every section and key and uses its own; unknown sections and
# keys, bad values and duplicate keys are errors as path:line; options
# beat the file; check reports every problem of a set-up with its fix
# and exits 0, 1 or 2, and with --repo each difference between the
# taxonomy and the content repository's nearmiss.ini.  And the
# generated help of both programs.
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

# --- check --repo: the intake's copy of nearmiss.ini -------------------
# (the taxonomy) against the content repository's.  $TOP is a clone
# whose content/nearmiss.ini is $TAX itself.

# repoini: the repository's content/nearmiss.ini to edit, under $tmp/repo.
mkdir -p "$tmp/repo/content"
repoini=$tmp/repo/content/nearmiss.ini
# The second value of [region] (a slug), and $TAX's lines of it and
# of the section.
val=$(sed -n '/^\[region\]/,/^\[/s/^\([a-z0-9-]*\) = .*/\1/p' "$TAX" |
    sed -n 2p)
vline=$(grep -n "^$val = " "$TAX" | cut -d: -f1)
sline=$(grep -n '^\[region\]$' "$TAX" | cut -d: -f1)
check "--repo: the fixture has a value to remove" [ -n "$val" ]

checkrun -c "$tmp/all.ini" --repo "$TOP"
check "--repo, the same file: 0" [ "$rc" -eq 0 ]
check "--repo, the same file: no warning" [ ! -s "$tmp/err" ]
checkrun -c "$tmp/all.ini" --repo "$TAX"
check "--repo FILE, the same file: 0" [ "$rc" -eq 0 ]

# A value the repository no longer accepts, which the form offers.
grep -v "^$val = " "$TAX" >"$repoini"
checkrun -c "$tmp/all.ini" --repo "$tmp/repo"
check "--repo, a value removed: 1" [ "$rc" -eq 1 ]
check "--repo, a value removed: path:line, the value, the fix" grep -qF \
    "$TAX:$vline: [region] $val: the form offers it, the repository no longer accepts it (not in [region] of $repoini:$sline;" \
    "$tmp/err"
check "--repo, a value removed: the copy to make" grep -qF \
    "fix: cp $repoini $TAX" "$tmp/err"
check "--repo, a value removed: one problem" grep -q '^nearmiss-intake: 1 problem found$' "$tmp/err"

# A value the repository accepts, which the form does not offer.
sed "/^\[region\]\$/a\\
new-region = New region" "$TAX" >"$repoini"
checkrun -c "$tmp/all.ini" --repo "$tmp/repo"
check "--repo, a value added: 1" [ "$rc" -eq 1 ]
check "--repo, a value added: the repository's path:line, the value" \
    grep -qF "$repoini:$((sline + 1)): [region] new-region: the repository accepts it, the form does not offer it (not in [region] of $TAX:$sline)" \
    "$tmp/err"

# A label that differs (the form shows it; e-mail templates match it).
sed "s/^$val = .*/$val = Renamed/" "$TAX" >"$repoini"
checkrun -c "$tmp/all.ini" --repo "$tmp/repo"
check "--repo, a label changed: 1" [ "$rc" -eq 1 ]
check "--repo, a label changed: both lines, both labels" grep -qF \
    "$TAX:$vline: [region] $val: the form shows \"$(grep "^$val = " "$TAX" |
    sed 's/^[^=]*= //')\", $repoini:$vline has \"Renamed\"" "$tmp/err"

# A field in one file only: one line for it, not one per value.
wline=$(grep -n '^\[weather\]$' "$TAX" | cut -d: -f1)
awk '/^\[weather\]$/ { skip = 1; next } /^\[/ { skip = 0 } !skip' "$TAX" \
    >"$repoini"
checkrun -c "$tmp/all.ini" --repo "$tmp/repo"
check "--repo, a field removed: 1" [ "$rc" -eq 1 ]
check "--repo, a field removed: said at its header" grep -qF \
    "$TAX:$wline: [weather]: the form offers this field, $repoini has no [weather]" \
    "$tmp/err"
check "--repo, a field removed: once" grep -q '^nearmiss-intake: 1 problem found$' "$tmp/err"
cp "$TAX" "$repoini"
awk '/^\[weather\]$/ { skip = 1; next } /^\[/ { skip = 0 } !skip' "$TAX" \
    >"$tmp/notweather.ini"
chmod 644 "$tmp/notweather.ini"
checkrun -c "$tmp/all.ini" -t "$tmp/notweather.ini" --repo "$tmp/repo"
check "--repo, a field the form lacks: 1" [ "$rc" -eq 1 ]
check "--repo, a field the form lacks: the repository's line" grep -qF \
    "$repoini:$wline: [weather]: the repository has this field, the form does not offer it" \
    "$tmp/err"

# No repository file, or not one, or nothing to compare: a clear error.
checkrun -c "$tmp/all.ini" --repo "$tmp/nonexistent"
check "--repo, missing: 1" [ "$rc" -eq 1 ]
check "--repo, missing: says so" grep -qF \
    -- "--repo $tmp/nonexistent: No such file or directory; give the clone of the content repository" \
    "$tmp/err"
mkdir "$tmp/notrepo"
checkrun -c "$tmp/all.ini" --repo "$tmp/notrepo"
check "--repo, a folder without it: 1" [ "$rc" -eq 1 ]
check "--repo, a folder without it: says so" grep -qF \
    -- "--repo $tmp/notrepo: no content/nearmiss.ini nor nearmiss.ini in it" \
    "$tmp/err"
head -c 4096 "$NMINTAKE" >"$repoini"
checkrun -c "$tmp/all.ini" --repo "$tmp/repo"
check "--repo, a binary file: 1" [ "$rc" -eq 1 ]
check "--repo, a binary file: one line" grep -qxF \
    "nearmiss-intake: $repoini: a binary file, not a nearmiss.ini; give the clone of the content repository, or its nearmiss.ini" \
    "$tmp/err"
printf '[site]\ntitle = x\n[nonsense]\n' >"$repoini"
checkrun -c "$tmp/all.ini" --repo "$tmp/repo"
check "--repo, not a nearmiss.ini: 1" [ "$rc" -eq 1 ]
check "--repo, not a nearmiss.ini: path:line" grep -qF \
    "$repoini:3: unknown section [nonsense]" "$tmp/err"
checkrun -i "$ib" -k "$tmp/rcpt" -o https://reports.example.org \
    --repo "$TOP"
check "--repo without a taxonomy: 1" [ "$rc" -eq 1 ]
check "--repo without a taxonomy: says so" grep -qF \
    -- "--repo $TOP: no taxonomy to compare with it" "$tmp/err"
rc=0
"$NMINTAKE" serve --repo "$TOP" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
check "serve --repo: 2" [ "$rc" -eq 2 ]
check "serve --repo: only check takes it" grep -qF \
    -- "--repo: only check takes it" "$tmp/err"

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
