#!/bin/sh
#
# Copyright (c) 2026 The nearmiss authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
# slow.sh: nearmiss-intake serve under a slow-client attack.  Two runs of
# DURATION seconds each: CONNS connections (nm-slowclients) that send a
# header byte every 3 s and re-open when closed, first from 500 source
# addresses in 127.0.0.0/8, then all from 127.0.0.1 as they come through
# a Tor onion service or a local proxy.  Meanwhile a real client does
# ROUNDS rounds of GET / and POST /submit (with the token of that GET),
# each timed by curl (time_total, --max-time 10).  Prints p50 and p99
# per run and writes bench/results/slow.txt.  Target: every request
# succeeds, p99 < 1 s.  Environment: CONNS (5000), DURATION (60), ROUNDS
# (100), INTAKE (bin/nearmiss-intake), REVIEW (bin/nearmiss-review),
# SLOW (build/tests/nm-slowclients).

set -eu

BENCH=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH")
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
RESULTS=$BENCH/results
INTAKE=${INTAKE:-$TOP/bin/nearmiss-intake}
REVIEW=${REVIEW:-$TOP/bin/nearmiss-review}
SLOW=${SLOW:-$TOP/build/tests/nm-slowclients}
CONNS=${CONNS:-5000}
DURATION=${DURATION:-60}
ROUNDS=${ROUNDS:-100}
export LC_ALL=C

command -v curl >/dev/null 2>&1 || { say "curl missing"; exit 1; }
for p in "$INTAKE" "$REVIEW" "$SLOW"; do
	[ -x "$p" ] || { say "$p missing: run make first"; exit 1; }
done

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nm-slow-bench.XXXXXX")
PID=
SPID=
cleanup()
{
	[ -z "$SPID" ] || kill "$SPID" 2>/dev/null || true
	[ -z "$PID" ] || kill "$PID" 2>/dev/null || true
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

"$REVIEW" keygen --no-passphrase bench -o "$SCRATCH/bench.key" \
    >"$SCRATCH/rcpt" 2>/dev/null
ASUSER=
if [ "$(id -u)" -eq 0 ]; then
	ASUSER="-u nobody"
	chmod 711 "$SCRATCH"
fi

# start: a server with a fresh inbox on a free port; sets PID and URL.
start()
{
	INBOX=$SCRATCH/inbox.$1
	mkdir -p "$INBOX/new" "$INBOX/tmp"
	chmod -R 700 "$INBOX"
	[ -z "$ASUSER" ] || chown -R nobody "$INBOX"
	try=0
	while [ $try -lt 20 ]; do
		PORT=$((30000 + ($$ + try * 7919) % 10000))
		try=$((try + 1))
		# shellcheck disable=SC2086
		"$INTAKE" serve --log-stderr --no-rate-limit $ASUSER \
		    -l "127.0.0.1:$PORT" -i "$INBOX" -k "$SCRATCH/rcpt" \
		    -t "$TOP/content/nearmiss.ini" \
		    2>>"$SCRATCH/serve.$1.log" &
		PID=$!
		URL=http://127.0.0.1:$PORT
		n=0
		while [ $n -lt 50 ]; do
			kill -0 "$PID" 2>/dev/null || break
			if curl -s -o /dev/null "$URL/style.css"; then
				return 0
			fi
			sleep 0.1
			n=$((n + 1))
		done
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	done
	say "could not start a server"
	exit 1
}

# pct FILE P: the P-th percentile of the numbers in FILE, in ms.
pct()
{
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 }
	    END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1;
	    printf "%.1f\n", v[i] * 1000 }'
}

# run NAME SLOW-ARGS...: one run; appends its lines to $SCRATCH/summary.
run()
{
	name=$1
	shift
	start "$name"
	"$SLOW" -n "$CONNS" -i 3 -t "$DURATION" "$@" "$PORT" \
	    >"$SCRATCH/slow.$name.out" &
	SPID=$!
	sleep 5
	: >"$SCRATCH/get.$name"
	: >"$SCRATCH/post.$name"
	fails=0
	i=0
	pause=$(awk -v d="$DURATION" -v r="$ROUNDS" \
	    'BEGIN { printf "%.2f\n", (d - 10) / r }')
	while [ $i -lt "$ROUNDS" ]; do
		i=$((i + 1))
		r=$(curl -s -m 10 -o "$SCRATCH/form.html" \
		    -w '%{http_code} %{time_total}' "$URL/" || echo "000 10")
		[ "${r% *}" = 200 ] || fails=$((fails + 1))
		echo "${r#* }" >>"$SCRATCH/get.$name"
		tok=$(sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' \
		    "$SCRATCH/form.html" 2>/dev/null || true)
		r=$(curl -s -m 10 -o /dev/null -w '%{http_code} %{time_total}' \
		    --data-urlencode "token=$tok" \
		    --data-urlencode "narrative=Benchmark report $i." \
		    --data-urlencode "consent=no" "$URL/submit" ||
		    echo "000 10")
		[ "${r% *}" = 200 ] || fails=$((fails + 1))
		echo "${r#* }" >>"$SCRATCH/post.$name"
		sleep "$pause"
	done
	wait "$SPID" || true
	SPID=
	kill -TERM "$PID"
	wait "$PID" || true
	PID=
	stats=$(sed -n 's/.*connections: //p' "$SCRATCH/serve.$name.log" |
	    tail -n 1)
	{
		echo "$name: $CONNS slow connections ($*), ${DURATION}s"
		echo "  slow clients:  $(sed 's/^slowclients: //' \
		    "$SCRATCH/slow.$name.out")"
		echo "  server:        $stats"
		echo "  GET /:         $ROUNDS, p50 $(pct "$SCRATCH/get.$name" 50) ms, p99 $(pct "$SCRATCH/get.$name" 99) ms"
		echo "  POST /submit:  $ROUNDS, p50 $(pct "$SCRATCH/post.$name" 50) ms, p99 $(pct "$SCRATCH/post.$name" 99) ms"
		echo "  failed requests: $fails"
		p99=$(sort -n "$SCRATCH/get.$name" "$SCRATCH/post.$name" |
		    tail -n "$(( (2 * ROUNDS + 99) / 100 ))" | head -n 1)
		if [ "$fails" -eq 0 ] && awk -v p="$p99" \
		    'BEGIN { exit !(p < 1) }'; then
			echo "  target (all succeed, p99 < 1 s): met"
		else
			echo "  target (all succeed, p99 < 1 s): MISSED"
		fi
		echo
	} >>"$SCRATCH/summary"
}

: >"$SCRATCH/summary"
say "many sources: $CONNS slow connections for ${DURATION}s"
run many-sources -s 500
say "one source (127.0.0.1, as behind Tor): $CONNS for ${DURATION}s"
run one-source -s 1 -b 127.0.0.1

mkdir -p "$RESULTS"
{
	echo "nearmiss-intake serve under slow clients, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "$(nproc 2>/dev/null || echo '?') CPUs; loopback; header deadline 10 s"
	echo
	cat "$SCRATCH/summary"
} >"$RESULTS/slow.txt"
cat "$RESULTS/slow.txt"
