#!/bin/sh
# nearmiss-intake imap against a real Dovecot on loopback (its own config,
# a self-signed certificate, a test user whose Maildir we fill by hand)
# and against fake servers (openssl s_server, a plain-TCP Perl script)
# that log every byte they receive.  Checks: messages are pulled, sealed
# and expunged; a wrong pin, no pin, plain IMAP or STARTTLS send no
# credential; hostile replies end the session child, the parent exits 75
# and nothing is expunged; kill -9 at random moments loses no message;
# --watch picks up new mail, survives a Dovecot restart and ends cleanly
# on SIGTERM.  Helpers are in tests/intake/imap/.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh imap.sh
set -eu
. "$TOP/tests/lib.sh"

H=$TOP/tests/intake/imap
DECRYPT=$(dirname "$(dirname "$NMINTAKE")")/tests/nm-decrypt
TAX=$TOP/content/nearmiss.ini
export LC_ALL=C

[ -x "$DECRYPT" ] || {
	echo "imap: $DECRYPT missing (make tests)" >&2
	exit 1
}
for c in dovecot openssl perl; do
	command -v "$c" >/dev/null 2>&1 || {
		echo "imap: $c missing (make deps)" >&2
		exit 1
	}
done
# Dovecot's master must start as root; so does the intake's -u.
[ "$(id -u)" -eq 0 ] || {
	echo "imap: must run as root (it starts its own Dovecot)" >&2
	exit 1
}

tmp=$(mktemp -d)
dpid=
spid=
ipid=
cleanup() {
	for p in $ipid $spid; do
		kill -9 "$p" 2>/dev/null || true
	done
	if [ -n "$dpid" ]; then
		kill -TERM "$dpid" 2>/dev/null || true
		wait "$dpid" 2>/dev/null || true
	fi
	if [ -n "${KEEP:-}" ]; then
		echo "imap: keeping $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
chmod 711 "$tmp"

# listening PORT: true if something listens on 127.0.0.1:PORT.
listening() {
	awk -v p="$(printf '0100007F:%04X' "$1")" \
	    '$2 == p && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp
}

# inuse PORT: true if PORT appears in any local TCP address.
inuse() {
	awk -v p="$(printf ':%04X' "$1")" \
	    'substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
	    /proc/net/tcp /proc/net/tcp6
}

# freeport: a port in 20000-29999 nobody uses now.
freeport() {
	while :; do
		p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 10000))
		inuse "$p" || break
	done
	echo "$p"
}

# waitfor SECONDS COMMAND...: retries COMMAND every 0.1 s; false if it
# never succeeded.
waitfor() {
	n=$(($1 * 10))
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# --- Keys, inbox, certificates, Dovecot ------------------------------------

"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" >"$tmp/rcpt" \
    2>/dev/null
mkdir -p "$tmp/inbox/new" "$tmp/inbox/tmp" "$tmp/dovecot/run" \
    "$tmp/dovecot/state" "$tmp/mail/tester/new" "$tmp/mail/tester/cur" \
    "$tmp/mail/tester/tmp"
chmod 700 "$tmp/inbox" "$tmp/inbox/new" "$tmp/inbox/tmp"
chown -R nobody "$tmp/inbox"
chown -R nobody:nogroup "$tmp/mail"
chmod -R 700 "$tmp/mail/tester"
md=$tmp/mail/tester

mkcert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$1.key" -out "$1.pem" -days 2 \
	    -subj /CN=localhost >/dev/null 2>&1
}
# pinof CERT.pem: the pin as nearmiss-intake(8) tells how to make it.
pinof() {
	openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1
}
mkcert "$tmp/dovecot/srv"
mv "$tmp/dovecot/srv.pem" "$tmp/dovecot/cert.pem"
mv "$tmp/dovecot/srv.key" "$tmp/dovecot/key.pem"
mkcert "$tmp/fake"
pin=$(pinof "$tmp/dovecot/cert.pem")
fakepin=$(pinof "$tmp/fake.pem")
check "the two certificates differ" [ "$pin" != "$fakepin" ]

echo 'tester:{PLAIN}correct horse battery' >"$tmp/dovecot/passwd"
printf 'correct horse battery\n' >"$tmp/password"
chown nobody "$tmp/password"
chmod 600 "$tmp/password"

dovecot_start() {
	dovecot -F -c "$tmp/dovecot.conf" 2>>"$tmp/dovecot/stderr" &
	dpid=$!
	waitfor 10 listening "$port" && waitfor 10 listening "$plain"
}
dovecot_stop() {
	kill -TERM "$dpid" 2>/dev/null || true
	wait "$dpid" 2>/dev/null || true
	dpid=
}
try=0
while :; do
	port=$(freeport)
	plain=$(freeport)
	sed -e "s|@TMP@|$tmp|g" -e "s|@PORT@|$port|g" \
	    -e "s|@PLAIN@|$plain|g" "$H/dovecot.conf.in" >"$tmp/dovecot.conf"
	if [ "$port" != "$plain" ] && dovecot_start; then
		break
	fi
	dovecot_stop
	try=$((try + 1))
	if [ $try -ge 5 ]; then
		cat "$tmp/dovecot/stderr" "$tmp/dovecot/log" >&2 || true
		echo "imap: Dovecot did not start" >&2
		exit 1
	fi
done

# conf NAME PORT PIN [LINE...]: a config file $tmp/NAME.ini.
conf() {
	f=$tmp/$1.ini
	cp_port=$2
	cp_pin=$3
	shift 3
	{
		echo "[intake]"
		echo "inbox = $tmp/inbox"
		echo "recipients = $tmp/rcpt"
		echo "taxonomy = $TAX"
		echo "[imap]"
		echo "host = 127.0.0.1"
		echo "port = $cp_port"
		echo "user = tester"
		echo "password_file = $tmp/password"
		[ -z "$cp_pin" ] || echo "pin = $cp_pin"
		for l in "$@"; do
			echo "$l"
		done
	} >"$f"
}

# pull NAME [ARGS...]: one run with $tmp/NAME.ini; sets $rc, stderr in
# $tmp/err.
pull() {
	n=$1
	shift
	rc=0
	"$NMINTAKE" imap -c "$tmp/$n.ini" -u nobody "$@" 2>"$tmp/err" ||
	    rc=$?
}

# drop NAME TEXT: a message into the Maildir's new/, as a local MDA would.
drop() {
	{
		printf 'From: Officer Example <officer@example.org>\r\n'
		printf 'To: nearmiss@example.net\r\n'
		printf 'Subject: Near miss %s\r\n' "$1"
		printf 'Date: Mon, 3 Jun 2024 10:00:00 +0200\r\n'
		printf 'Message-ID: <%s@host.example.org>\r\n' "$1"
		printf 'MIME-Version: 1.0\r\n'
		printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
		printf 'What happened: %s.\r\n' "$2"
	} >"$md/tmp/$1"
	chown nobody:nogroup "$md/tmp/$1"
	mv "$md/tmp/$1" "$md/new/$1"
}

# onserver: the number of messages in the Maildir.
onserver() {
	find "$md/new" "$md/cur" -type f | grep -c . || true
}

# items: the number of items in the inbox.
items() {
	find "$tmp/inbox/new" -type f | grep -c . || true
}

# decrypt_all OUT: every inbox item, decrypted with alice's key.
decrypt_all() {
	set -- "$1" "$tmp"/inbox/new/*
	out=$1
	shift
	[ -e "$1" ] || { : >"$out"; return 0; }
	"$DECRYPT" "$tmp/alice.key" "$@" >"$out" 2>"$tmp/decrypt.err" ||
	    echo "nm-decrypt failed" >>"$tmp/decrypt.err"
}

# logins: Dovecot's count of logins so far.
logins() {
	grep -c 'imap-login: Info: Login:' "$tmp/dovecot/log" || true
}

# --- Configuration that is refused before any connection -------------------

conf nopin "$port" ""
pull nopin
check "no pin: refused" [ "$rc" -eq 1 ]
check "no pin: says so" grep -q 'pin is not set' "$tmp/err"
conf starttls "$port" "sha256:$pin" "tls = starttls"
pull starttls
check "tls = starttls: refused" [ "$rc" -eq 1 ]
check "tls = starttls: says why" grep -q 'STARTTLS are refused' "$tmp/err"
conf port143 143 "sha256:$pin"
pull port143
check "port 143: refused" [ "$rc" -eq 1 ]
conf badpin "$port" "sha256:1234"
pull badpin
check "a malformed pin: refused" [ "$rc" -eq 1 ]
conf ok "$port" "sha256:$pin"
rc=0
"$NMINTAKE" imap -c "$tmp/ok.ini" 2>"$tmp/err" || rc=$?
check "as root without -u: refused" [ "$rc" -eq 1 ]
check "nothing logged in so far" [ "$(logins)" -eq 0 ]

# --- Messages pulled, sealed and expunged ----------------------------------

i=1
while [ $i -le 5 ]; do
	drop "basic$i" "basic-marker-$i"
	i=$((i + 1))
done
# One message over 10 MiB and one the pre-check rejects: both stay on the
# server, flagged, and later runs leave them alone.
{
	printf 'Subject: too big\r\n\r\n'
	awk 'BEGIN { for (i = 0; i < 140000; i++) printf "%076d\r\n", i }'
} >"$md/tmp/big"
{
	printf 'Subject: rejected\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="\\""\r\n\r\n'
	printf -- '--"\r\nx\r\n'
} >"$md/tmp/reject"
chown nobody:nogroup "$md/tmp/big" "$md/tmp/reject"
mv "$md/tmp/big" "$md/new/big"
mv "$md/tmp/reject" "$md/new/reject"
# And one just under the limit, which must fit the session child's
# memory limit.
{
	printf 'Subject: large\r\nContent-Type: text/plain\r\n\r\n'
	printf 'What happened: large-marker.\r\n'
	awk 'BEGIN { for (i = 0; i < 120000; i++) printf "%076d\r\n", i }'
} >"$md/tmp/large"
chown nobody:nogroup "$md/tmp/large"
mv "$md/tmp/large" "$md/new/large"
pull ok
check "pull: exit 0" [ "$rc" -eq 0 ]
check "pull: six items" [ "$(items)" -eq 6 ]
check "pull: Dovecot saw the login" [ "$(logins)" -eq 1 ]
check "pull: two messages left on the server" [ "$(onserver)" -eq 2 ]
check "pull: the big one reported" grep -q 'over the 10 MiB limit' "$tmp/err"
check "pull: the rejected one reported" grep -q 'rejected for good' \
    "$tmp/err"
check "pull: flagged with the keyword" grep -q 'NearmissRejected' \
    "$md/dovecot-keywords"
check_not "pull: no message text in the log" grep -q 'basic-marker' \
    "$tmp/err"
check_not "pull: no password in the log" grep -q 'horse' "$tmp/err"
decrypt_all "$tmp/dec"
i=1
while [ $i -le 5 ]; do
	check "pull: marker $i sealed" grep -q "basic-marker-$i" "$tmp/dec"
	i=$((i + 1))
done
check_not "pull: the sender is not in the items" grep -q \
    'officer@example.org' "$tmp/dec"
pull ok
check "second run: exit 0" [ "$rc" -eq 0 ]
check "second run: nothing new" [ "$(items)" -eq 6 ]
check "second run: both left alone" [ "$(onserver)" -eq 2 ]
check_not "second run: no new warning" grep -q 'over the 10 MiB' "$tmp/err"
check "second run: counts them" grep -q '2 left on the server' "$tmp/err"
rm -f "$md"/cur/* "$md"/new/*

# The inbox cannot take the item for now: exit 75 before any login,
# with the command that fixes it; nothing deleted.
drop tempfail "tempfail-marker"
chmod 500 "$tmp/inbox/tmp"
pull ok
chmod 700 "$tmp/inbox/tmp"
check "inbox unwritable: exit 75" [ "$rc" -eq 75 ]
check "inbox unwritable: says so, with the fix" grep -qF \
    "$tmp/inbox/tmp: not writable by nobody; run: chown -R nobody: $tmp/inbox && chmod 700 $tmp/inbox" \
    "$tmp/err"
check "inbox unwritable: the message stays" [ "$(onserver)" -eq 1 ]
check "inbox unwritable: no item" [ "$(items)" -eq 6 ]
pull ok
check "inbox back: exit 0" [ "$rc" -eq 0 ]
check "inbox back: stored" [ "$(items)" -eq 7 ]
check "inbox back: expunged" [ "$(onserver)" -eq 0 ]

# A password file others may read is refused, before LOGIN.
chmod 644 "$tmp/password"
drop pwmode "pwmode-marker"
l0=$(logins)
pull ok
chmod 600 "$tmp/password"
check "password mode 644: refused" [ "$rc" -eq 1 ]
check "password mode 644: says so" grep -q 'mode 0600' "$tmp/err"
check "password mode 644: no login" [ "$(logins)" -eq "$l0" ]
check "password mode 644: Dovecot saw the connection" waitfor 10 eval \
    'grep -q "imap-login: Info: Disconnected" "$tmp/dovecot/log"'

# --- Wrong pin: no credential byte -----------------------------------------

# Against Dovecot: the session ends after the handshake; its log shows a
# connection without any authentication attempt.
conf wrongpin "$port" "sha256:$fakepin"
mark=$(wc -l <"$tmp/dovecot/log")
pull wrongpin
check "wrong pin (Dovecot): exit 1" [ "$rc" -eq 1 ]
check "wrong pin (Dovecot): says so" grep -q 'does not match the pin' \
    "$tmp/err"
# newlog: Dovecot's log lines since $mark.
newlog() {
	tail -n "+$((mark + 1))" "$tmp/dovecot/log"
}
check "wrong pin (Dovecot): it logged the connection" \
    waitfor 10 eval 'newlog | grep -q "imap-login: Info: Disconnected"'
check_not "wrong pin (Dovecot): no login, no auth attempt" eval \
    'newlog | grep -q "Login:\|auth failed\|Aborted login"'
check "wrong pin (Dovecot): the message is still there" \
    [ "$(onserver)" -eq 1 ]

# fake NAME PIN SCRIPT...: an openssl s_server with the fake certificate
# sends the SCRIPT files (LF made CRLF) and logs what it receives in
# $tmp/NAME.got; a pull with PIN runs against it.  Sets $rc; false if
# the pull had to be killed.
fake() {
	name=$1
	fpin=$2
	shift 2
	fport=$(freeport)
	conf "$name" "$fport" "sha256:$fpin"
	rm -f "$tmp/fifo"
	mkfifo "$tmp/fifo"
	openssl s_server -accept "127.0.0.1:$fport" -cert "$tmp/fake.pem" \
	    -key "$tmp/fake.key" -naccept 1 -quiet <"$tmp/fifo" \
	    >"$tmp/$name.got" 2>"$tmp/$name.srv" &
	spid=$!
	exec 3>"$tmp/fifo"
	for s in "$@"; do
		sed 's/$/\r/' "$H/$s.imap" >&3
	done
	waitfor 10 listening "$fport" || true
	rc=0
	"$NMINTAKE" imap -c "$tmp/$name.ini" -u nobody 2>"$tmp/err" &
	ipid=$!
	# Most cases end by themselves; then the server hangs up (the
	# sanitizer build, without RLIMIT_AS, waits for the 4 GiB literal
	# and meets EOF inside it instead).
	waitfor 5 eval '! kill -0 $ipid 2>/dev/null' || true
	exec 3>&-
	kill -TERM "$spid" 2>/dev/null || true
	stopped=0
	if ! waitfor 30 eval '! kill -0 $ipid 2>/dev/null'; then
		stopped=1
		kill -9 "$ipid" 2>/dev/null || true
	fi
	wait "$ipid" || rc=$?
	ipid=
	wait "$spid" 2>/dev/null || true
	spid=
	[ "$stopped" -eq 0 ]
}

n0=$(items)
check "fake, wrong pin: ends" fake fakewrong "$pin" badlogin
check "fake, wrong pin: exit 1" [ "$rc" -eq 1 ]
check "fake, wrong pin: the handshake happened" grep -q \
    'does not match the pin' "$tmp/err"
check "fake, wrong pin: 0 bytes received" [ ! -s "$tmp/fakewrong.got" ]
# The control: with the right pin the same server does see the LOGIN,
# so the empty log above means something.
check "fake, right pin: ends" fake fakeright "$fakepin" badlogin
check "fake, right pin: login refused, exit 1" [ "$rc" -eq 1 ]
check "fake, right pin: LOGIN received" grep -q 'LOGIN tester' \
    "$tmp/fakeright.got"

# --- Hostile replies after the pin: the child fails, nothing expunged ------

for h in literal status; do
	check "hostile $h: ends" fake "hostile$h" "$fakepin" \
	    preamble "$h"
	check "hostile $h: exit 75" [ "$rc" -eq 75 ]
	check "hostile $h: selected the mailbox" grep -q 'SELECT INBOX' \
	    "$tmp/hostile$h.got"
	check_not "hostile $h: nothing stored or expunged" grep -q \
	    'STORE\|EXPUNGE' "$tmp/hostile$h.got"
	check "hostile $h: no item" [ "$(items)" -eq "$n0" ]
done

# --- Plain IMAP and STARTTLS servers: refused, nothing sent ----------------

# Dovecot's own plain listener (it offers STARTTLS).
conf plain "$plain" "sha256:$pin"
l0=$(logins)
pull plain
check "plain Dovecot: refused" [ "$rc" -eq 75 ]
check "plain Dovecot: TLS failed" grep -q 'TLS handshake failed' "$tmp/err"
check "plain Dovecot: no login" [ "$(logins)" -eq "$l0" ]
# A plain server pipelining a STARTTLS-injection burst: the TLS handshake
# fails on its first byte, no IMAP command goes out.
fport=$(freeport)
conf inject "$fport" "sha256:$pin"
perl "$H/plainsrv.pl" "$fport" "$H/starttls.imap" "$tmp/inject.got" \
    "$tmp/inject.ready" 2>"$tmp/inject.srv" &
spid=$!
waitfor 10 test -e "$tmp/inject.ready" || true
pull inject
wait "$spid" || true
spid=
check "STARTTLS injection: refused" [ "$rc" -eq 75 ]
check "STARTTLS injection: a TLS hello went out" [ -s "$tmp/inject.got" ]
check_not "STARTTLS injection: no IMAP command" grep -q \
    'LOGIN\|STARTTLS\|CAPABILITY\|AUTHENTICATE' "$tmp/inject.got"

# --- kill -9 at random moments loses nothing -------------------------------

pull ok
check "before the kill loop: drained" [ "$(onserver)" -eq 0 ]
# Two new messages before each run, so that every run has work when the
# kill comes: in the TLS handshake, the login, a fetch, a delivery or an
# expunge.  The kill comes at a random moment within about the time one
# such run takes on this machine (a sanitizer build is slower).
drop kill0 "kill-marker-0-end"
drop kill00 "kill-marker-00-end"
t0=$(date +%s%N)
pull ok
t1=$(date +%s%N)
span=$(((t1 - t0) / 1000000))
check "a run of two: exit 0" [ "$rc" -eq 0 ]
k=1
while [ $k -le 15 ]; do
	drop "kill$((2 * k - 1))" "kill-marker-$((2 * k - 1))-end"
	drop "kill$((2 * k))" "kill-marker-$((2 * k))-end"
	"$NMINTAKE" imap -c "$tmp/ok.ini" -u nobody 2>>"$tmp/kill.err" &
	ipid=$!
	sleep "$(awk -v s="$$$k" -v ms="$span" \
	    'BEGIN { srand(s); printf "%.3f", rand() * ms * 1.2 / 1000 }')"
	kill -9 "$ipid" 2>/dev/null || true
	wait "$ipid" 2>/dev/null || true
	ipid=
	k=$((k + 1))
done
pull ok
check "after the kill loop: a clean run" [ "$rc" -eq 0 ]
check "after the kill loop: the server is empty" [ "$(onserver)" -eq 0 ]
decrypt_all "$tmp/dec"
lost=0
i=1
while [ $i -le 30 ]; do
	grep -q "kill-marker-$i-end" "$tmp/dec" || lost=$((lost + 1))
	i=$((i + 1))
done
check "after the kill loop: no message lost ($lost)" [ "$lost" -eq 0 ]
check "after the kill loop: every item opens" [ ! -s "$tmp/decrypt.err" ]

# --- --watch: IDLE, a Dovecot restart, polling, SIGTERM --------------------

conf watch "$port" "sha256:$pin" "poll = 5"
l0=$(logins)
"$NMINTAKE" imap -c "$tmp/watch.ini" -u nobody --watch 2>"$tmp/watch.err" &
ipid=$!
check "watch: logs in" waitfor 20 eval '[ "$(logins)" -gt "$l0" ]'
n0=$(items)
drop watch1 "watch-marker-1"
check "watch: the new message is pulled" \
    waitfor 30 eval '[ "$(onserver)" -eq 0 ]'
check "watch: and sealed" waitfor 10 eval '[ "$(items)" -eq $((n0 + 1)) ]'
# A restart: the sessions are cut (a master stop alone leaves them
# running), the server is down for a while, then back, and this time
# without IDLE, so that the new session polls.
doveadm -c "$tmp/dovecot.conf" kick tester >/dev/null 2>&1 || true
dovecot_stop
sleep 1
echo 'imap_capability = IMAP4rev1 LITERAL+ SASL-IR ENABLE UIDPLUS MOVE' \
    >>"$tmp/dovecot.conf"
check "watch: Dovecot restarts" dovecot_start
drop watch2 "watch-marker-2"
check "watch: pulled after a Dovecot restart" \
    waitfor 45 eval '[ "$(onserver)" -eq 0 ]'
check "watch: and sealed" waitfor 10 eval '[ "$(items)" -eq $((n0 + 2)) ]'
check "watch: still running" kill -0 "$ipid"
kill -TERM "$ipid" 2>/dev/null || true
rc=0
if waitfor 30 eval '! kill -0 $ipid 2>/dev/null'; then
	wait "$ipid" || rc=$?
else
	rc=999
fi
ipid=
check "watch: SIGTERM ends it with exit 0 ($rc)" [ "$rc" -eq 0 ]
check "watch: it reconnected" grep -q 'reconnecting' "$tmp/watch.err"
check "watch: then polled" grep -q 'no IDLE; polling every 5 s' \
    "$tmp/watch.err"
decrypt_all "$tmp/dec"
check "watch: marker 1 sealed" grep -q 'watch-marker-1' "$tmp/dec"
check "watch: marker 2 sealed" grep -q 'watch-marker-2' "$tmp/dec"
check "watch: Dovecot saw it log out" grep -q 'Logged out' "$tmp/dovecot/log"

finish imap
