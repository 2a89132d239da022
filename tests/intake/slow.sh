#!/bin/sh
# nearmiss-intake serve against slow clients (nm-slowclients): 1,500
# connections that trickle a header byte every 2 s, from 250 source
# addresses and from 127.0.0.1 as a proxy or onion service looks, must
# not keep a real GET and POST out; they are closed at the header
# deadline.  Then the per-source cap, and oldest-first eviction past
# the high-water mark.  Timing is asserted only as curl's --max-time.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh slow.sh
set -eu
. "$TOP/tests/lib.sh"
. "$TOP/tests/intakelib.sh"

command -v curl >/dev/null 2>&1 || { echo "slow: curl missing" >&2; exit 1; }
SLOW=$(dirname "$(dirname "$NMINTAKE")")/tests/nm-slowclients
[ -x "$SLOW" ] || { echo "slow: $SLOW missing" >&2; exit 1; }

tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
export LC_ALL=C

"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" >"$tmp/rcpt" \
    2>/dev/null
asuser=
if [ "$(id -u)" -eq 0 ]; then
	asuser="-u nobody"
	chmod 711 "$tmp"
fi

# start NAME ARGS...: a server with inbox $tmp/NAME on a free port; sets
# $pid, $port and $url.
start() {
	name=$1
	shift
	serve_start "$tmp/$name" "$tmp/$name.log" 17 "$@"
}

# real TAG: a GET of the form and a POST of a report with its token, each
# within curl's --max-time 5; checks both got 200.
real() {
	code=$(curl -s -m 5 -o "$tmp/form.html" -w '%{http_code}' "$url/" ||
	    true)
	check "$1: GET / 200 (got $code)" [ "$code" = 200 ]
	tok=$(sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' \
	    "$tmp/form.html")
	code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' \
	    --data-urlencode "token=$tok" \
	    --data-urlencode "narrative=Slow clients all around." \
	    --data-urlencode "consent=yes" "$url/submit" || true)
	check "$1: POST /submit 200 (got $code)" [ "$code" = 200 ]
}

# counter LOG NAME: the last value of counter NAME in the server's log.
counter() {
	sed -n "s/.*[:,] $2 \([0-9]*\).*/\1/p" "$1" | tail -n 1
}

# 1,200 slow connections from 250 addresses, 300 from 127.0.0.1, 20 s.
start s1
"$SLOW" -n 1200 -s 250 -i 2 -t 20 "$port" >"$tmp/many.out" &
sc1=$!
"$SLOW" -n 300 -s 1 -b 127.0.0.1 -i 2 -t 20 "$port" >"$tmp/one.out" &
sc2=$!
sleep 4
real "1,500 slow connections"
sleep 9
real "after their first deadline"
wait "$sc1" || true
wait "$sc2" || true
cat "$tmp/many.out" "$tmp/one.out"
closed1=$(sed -n 's/.*closed by the server \([0-9]*\),.*/\1/p' \
    "$tmp/many.out")
closed2=$(sed -n 's/.*closed by the server \([0-9]*\),.*/\1/p' \
    "$tmp/one.out")
check "slow connections from many addresses closed by the server" \
    [ "${closed1:-0}" -ge 1200 ]
check "slow connections from 127.0.0.1 closed by the server" \
    [ "${closed2:-0}" -ge 300 ]
real "after the slow clients left"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check "SIGTERM: exit 0" [ "$rc" -eq 0 ]
n=$(counter "$tmp/s1.log" closed-at-deadline)
check "server: closed at the header deadline (${n:-none})" \
    [ "${n:-0}" -ge 1500 ]
n=$(counter "$tmp/s1.log" over-source-cap)
check "server: 5 connections per address are under the cap" \
    [ "${n:-1}" -eq 0 ]
check "server: the two reports stored and counted" \
    grep -q 'accepted 3,' "$tmp/s1.log"

# The per-source cap: 100 connections from one address that is not
# 127.0.0.1, with a cap of 40, lose 60 at once; from 127.0.0.1 (a proxy
# on this host, every client behind it) none are capped.
start s2 --conn-per-source 40
"$SLOW" -n 100 -s 1 -b 127.9.9.9 -i 1 -t 3 "$port" >"$tmp/cap.out"
"$SLOW" -n 100 -s 1 -b 127.0.0.1 -i 1 -t 3 "$port" >"$tmp/proxy.out"
cat "$tmp/cap.out" "$tmp/proxy.out"
closed=$(sed -n 's/.*closed by the server \([0-9]*\),.*/\1/p' "$tmp/cap.out")
check "cap: connections over it closed (${closed:-none})" \
    [ "${closed:-0}" -ge 60 ]
closed=$(sed -n 's/.*closed by the server \([0-9]*\),.*/\1/p' \
    "$tmp/proxy.out")
check "cap: 127.0.0.1 is not capped (${closed:-none} closed)" \
    [ "${closed:-1}" -eq 0 ]
real "after the capped source"
kill -TERM "$pid"
wait "$pid" || true
n=$(counter "$tmp/s2.log" over-source-cap)
check "cap: counted (${n:-none})" [ "${n:-0}" -ge 60 ]

# Eviction: with room for 1,000 connections (700 in their headers), 900
# slow ones from 127.0.0.1 push the oldest out, and real requests get in.
start s3 --max-connections 1000
"$SLOW" -n 900 -s 1 -b 127.0.0.1 -i 1 -t 6 "$port" >"$tmp/evict.out" &
sc1=$!
sleep 3
real "900 slow connections, room for 700"
wait "$sc1" || true
cat "$tmp/evict.out"
kill -TERM "$pid"
wait "$pid" || true
n=$(counter "$tmp/s3.log" evicted)
check "eviction: the oldest slow connections closed (${n:-none})" \
    [ "${n:-0}" -ge 200 ]

finish slow
