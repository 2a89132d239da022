#!/bin/sh
# nearmiss-intake set-up, as root: the set-up section of
# nearmiss-intake(8) followed word for word (its commands are taken out
# of the page, with the paths moved under a scratch directory and the
# user renamed), then mail and serve started as it says; new/ and tmp/
# are the user's and the first message and the first form are stored.
# Then broken set-ups: check and every command that writes the inbox
# refuse them, each with the command that fixes it, and running that
# command fixes it.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh setup.sh
set -eu
. "$TOP/tests/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	# -u and a scratch user need root: check as oneself only.
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/a.key" \
	    >"$tmp/rcpt" 2>/dev/null
	mkdir -m 700 "$tmp/ib"
	rc=0
	"$NMINTAKE" check -i "$tmp/ib" -k "$tmp/rcpt" \
	    -t "$TOP/content/nearmiss.ini" -o http://x.onion \
	    >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "as a user: check passes" [ "$rc" -eq 0 ]
	rc=0
	"$NMINTAKE" check -i "$tmp/nowhere" -k "$tmp/rcpt" \
	    -t "$TOP/content/nearmiss.ini" -o http://x.onion \
	    >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "as a user: a missing inbox fails" [ "$rc" -eq 1 ]
	finish setup
	exit
fi

command -v useradd >/dev/null 2>&1 || {
	echo "setup: useradd missing" >&2
	exit 1
}
tmp=$(mktemp -d)
U=nmtest$$
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	userdel "$U" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export LC_ALL=C
umask 022
# The scratch directory stands for /: others may pass through it.
chmod 711 "$tmp"
IB=$tmp/var/lib/nearmiss/inbox
ETC=$tmp/etc/nearmiss
NMI=$NMINTAKE

# block N: the Nth literal display of the SET-UP section of the page,
# as a shell script: the paths under $tmp, the user $U, the program
# $NMINTAKE.
block() {
	awk -v n="$1" '
	/^\.Sh / { insec = ($0 == ".Sh SET-UP") }
	insec && /^\.Bd -literal/ { k++; inb = (k == n); next }
	insec && /^\.Ed/ { inb = 0; next }
	inb { print }
	' "$TOP/docs/nearmiss-intake.8" |
	sed -e 's/\\e/\\/g' \
	    -e "s#/var/lib/nearmiss#$tmp/var/lib/nearmiss#g" \
	    -e "s#/etc/nearmiss#$tmp/etc/nearmiss#g" \
	    -e "s#^nearmiss-intake #\"\$NMI\" #" \
	    -e "s#-u nearmiss #-u $U #g" \
	    -e "s#chown nearmiss: #chown $U: #g" \
	    -e "s#nologin nearmiss\$#nologin $U#"
}

block 3 >"$tmp/setup.sh"
check "the page has the set-up commands" \
    grep -q '^useradd .*nologin '"$U"'$' "$tmp/setup.sh"
check "the set-up ends with check" grep -q '"$NMI" check' "$tmp/setup.sh"
mkdir "$tmp/cwd"
"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" \
    >"$tmp/cwd/recipients" 2>/dev/null
cp "$TOP/content/nearmiss.ini" "$tmp/cwd/nearmiss.ini"
rc=0
(cd "$tmp/cwd" && NMI=$NMI sh -e "$tmp/setup.sh") >"$tmp/out" \
    2>"$tmp/err" || rc=$?
check "the set-up of the page: check passes" [ "$rc" -eq 0 ]
check "the set-up of the page: check says so" \
    grep -q 'the set-up looks right' "$tmp/out"
check "the set-up of the page: nothing on stderr" [ ! -s "$tmp/err" ]
[ ! -s "$tmp/err" ] || cat "$tmp/err" >&2
check "the set-up of the page: new/ not made yet" [ ! -e "$IB/new" ]

msg() {
	printf 'From: someone@example.org\nSubject: set-up %s\n\nA near miss, %s.\n' \
	    "$1" "$1"
}

# The e-mail command of the page, as root: the first message stored,
# new/ and tmp/ made by the user.
block 5 >"$tmp/mail.sh"
check "the page has the mail command" grep -q '"$NMI" mail -u' \
    "$tmp/mail.sh"
rc=0
msg first | NMI=$NMI sh -e "$tmp/mail.sh" 2>"$tmp/err" || rc=$?
check "mail as the page says: 0" [ "$rc" -eq 0 ]
check "mail as the page says: one item" \
    [ "$(find "$IB/new" -type f | wc -l)" -eq 1 ]
check "mail: new/ is the user's" [ "$(stat -c %U "$IB/new")" = "$U" ]
check "mail: tmp/ is the user's" [ "$(stat -c %U "$IB/tmp")" = "$U" ]
check "mail: new/ is mode 700" [ "$(stat -c %a "$IB/new")" = 700 ]

# The form server of the page on a fresh inbox, on a free port.
rm -rf "$IB/new" "$IB/tmp"
block 4 >"$tmp/serve.sh"
check "the page has the serve command" grep -q '"$NMI" serve -u' \
    "$tmp/serve.sh"
try=0
url=
while [ $try -lt 20 ] && [ -z "$url" ]; do
	port=$((30000 + ($$ + try * 7919) % 10000))
	try=$((try + 1))
	# The command of the page, on a port of its own.
	NMI=$NMI sh -c "exec $(sed 's/\\$//' "$tmp/serve.sh" | tr '\n' ' ') \
	    -l 127.0.0.1:$port --log-stderr" 2>>"$tmp/serve.log" &
	pid=$!
	n=0
	while [ $n -lt 50 ]; do
		kill -0 "$pid" 2>/dev/null || break
		if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
			url=http://127.0.0.1:$port
			pids="$pids $pid"
			break
		fi
		sleep 0.1
		n=$((n + 1))
	done
	[ -n "$url" ] || { kill "$pid" 2>/dev/null || true; }
done
check "serve as the page says: started" [ -n "$url" ]
if [ -n "$url" ]; then
	check "serve: new/ is the user's" [ "$(stat -c %U "$IB/new")" = "$U" ]
	check "serve: tmp/ is the user's" [ "$(stat -c %U "$IB/tmp")" = "$U" ]
	curl -s -o "$tmp/form.html" "$url/"
	tok=$(sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' \
	    "$tmp/form.html")
	code=$(curl -s -o "$tmp/ok.html" -w '%{http_code}' \
	    -H 'Origin: http://EXAMPLE.onion' \
	    --data-urlencode "token=$tok" \
	    --data-urlencode "title=Wrong-way driver at a stop" \
	    --data-urlencode "event_date=2024-03" \
	    --data-urlencode "incident_type=traffic-stop" \
	    --data-urlencode "contributing_factors=fatigue" \
	    --data-urlencode "loss_potential=death" \
	    --data-urlencode "summary=A car nearly hit me on the shoulder." \
	    --data-urlencode "narrative=It was dark and wet." \
	    --data-urlencode "consent=yes" \
	    "$url/submit")
	check "serve: the first report is stored (200, not 503)" \
	    [ "$code" = 200 ]
	check "serve: one item" [ "$(find "$IB/new" -type f | wc -l)" -eq 1 ]
	kill -TERM $pids 2>/dev/null || true
	wait 2>/dev/null || true
	pids=
fi

# --- Broken set-ups: refused, with the fix; the fix works --------------

RCPT=$ETC/recipients
TAX=$ETC/nearmiss.ini
OPTS="-u $U -i $IB -k $RCPT -t $TAX -o http://EXAMPLE.onion"

# runcheck: check with $OPTS; sets $rc, stderr in $tmp/err.
runcheck() {
	rc=0
	# shellcheck disable=SC2086
	"$NMINTAKE" check $OPTS >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# fix: runs the command after "run: " of the first line that has one.
fix() {
	cmd=$(sed -n 's/.*; run: //p' "$tmp/err" | head -n 1)
	if [ -n "$cmd" ]; then
		sh -c "$cmd" || true
	fi
}

nb=0
# broken NAME EXPECTED: check fails and says EXPECTED; mail exits 75
# and says it too, maildir 75, serve 1; then the fix makes check pass.
broken() {
	name=$1
	want=$2
	runcheck
	check "$name: check fails" [ "$rc" -eq 1 ]
	check "$name: check says so, with the fix" grep -qF -- "$want" \
	    "$tmp/err"
	[ "$rc" -eq 1 ] || cat "$tmp/err" "$tmp/out" >&2
	rc=0
	# shellcheck disable=SC2086
	msg "$name" | "$NMINTAKE" mail -u "$U" -i "$IB" -k "$RCPT" -t "$TAX" \
	    2>"$tmp/merr" || rc=$?
	check "$name: mail refuses with 75" [ "$rc" -eq 75 ]
	check "$name: mail says why on stderr" grep -qF -- "$want" \
	    "$tmp/merr"
	mkdir -p "$tmp/md/new" "$tmp/md/cur" "$tmp/md/tmp"
	chown -R "$U" "$tmp/md"
	nb=$((nb + 1))
	msg "$name" >"$tmp/md/new/1.$nb"
	rc=0
	"$NMINTAKE" maildir -u "$U" -i "$IB" -k "$RCPT" -t "$TAX" "$tmp/md" \
	    2>"$tmp/derr" || rc=$?
	check "$name: maildir refuses with 75" [ "$rc" -eq 75 ]
	check "$name: maildir says why" grep -qF -- "$want" "$tmp/derr"
	check "$name: maildir keeps the message" [ -f "$tmp/md/new/1.$nb" ]
	rm -f "$tmp/md/new/1.$nb"
	rc=0
	timeout 20 "$NMINTAKE" serve --log-stderr -l 127.0.0.1:0 -u "$U" -i "$IB" \
	    -k "$RCPT" -t "$TAX" 2>"$tmp/serr" || rc=$?
	check "$name: serve refuses with 1" [ "$rc" -eq 1 ]
	check "$name: serve says why" grep -qF -- "$want" "$tmp/serr"
	fix
	runcheck
	check "$name: the fix works" [ "$rc" -eq 0 ]
	[ "$rc" -eq 0 ] || cat "$tmp/err" >&2
}

# The inbox made by root, as if the chown of the page were forgotten.
rm -rf "$IB"
mkdir -m 700 "$IB"
broken "inbox root's" \
    "$IB: not writable by $U; run: chown -R $U: $IB && chmod 700 $IB"

# new/ and tmp/ made by root (what -u did before it switched first).
rm -rf "$IB/new" "$IB/tmp"
mkdir -m 700 "$IB/new" "$IB/tmp"
broken "tmp/ root's" \
    "$IB/new: not writable by $U; run: chown -R $U: $IB && chmod 700 $IB"

rm -rf "$IB"
broken "no inbox" \
    "$IB: no such directory; run: mkdir -m 700 $IB && chown $U: $IB"

chmod 600 "$RCPT"
broken "recipients unreadable" \
    "$RCPT: not readable by $U (the recipients file holds nothing secret); run: chmod a+r $RCPT"

chmod 700 "$ETC"
broken "a directory on the way closed" \
    "$TAX: $U cannot reach it; run: chmod a+x $ETC"

# Owner and mode: check only (the commands can work with them).
mkdir -p "$IB"
chown root "$IB"
runcheck
check "inbox owned by root: check fails" [ "$rc" -eq 1 ]
check "inbox owned by root: says so" grep -qF \
    "$IB: owned by uid 0, not by $U; run: chown -R $U: $IB && chmod 700 $IB" \
    "$tmp/err"
fix
chmod 755 "$IB"
runcheck
check "inbox mode 755: check fails" [ "$rc" -eq 1 ]
check "inbox mode 755: says so" grep -qF "$IB: mode 755" "$tmp/err"
fix
runcheck
check "fixed again" [ "$rc" -eq 0 ]

# The user.
rc=0
"$NMINTAKE" check -u root -i "$IB" -k "$RCPT" -t "$TAX" 2>"$tmp/err" ||
    rc=$?
check "-u root: check fails" [ "$rc" -eq 1 ]
rc=0
"$NMINTAKE" check -u "nosuch$$" -i "$IB" -k "$RCPT" -t "$TAX" \
    2>"$tmp/err" || rc=$?
check "-u an unknown user: check fails" [ "$rc" -eq 1 ]
check "-u an unknown user: says how to make it" grep -qF \
    "nosuch$$: no such user; run: useradd -r -M -s /usr/sbin/nologin nosuch$$" \
    "$tmp/err"
rc=0
"$NMINTAKE" check -i "$IB" -k "$RCPT" -t "$TAX" 2>"$tmp/err" || rc=$?
check "as root without -u: check fails" [ "$rc" -eq 1 ]
check "as root without -u: says so" grep -q 'refuses to run as root' \
    "$tmp/err"

finish setup
