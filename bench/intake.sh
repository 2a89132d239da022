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
# intake.sh: intake benchmark.  Starts nearmiss-intake serve with
# --no-rate-limit on a free loopback port with a fresh inbox, then:
#   1. wrk -t2 -c64 -dDURATION --latency on GET /: requests/s and p99;
#   2. wrk with intake-post.lua: POST /submit of a valid 2 KiB urlencoded
#      form, each after a GET / for its single-use token, for DURATION
#      seconds: requests/s, p99 (of GETs and POSTs), 2xx and other
#      responses, and the check that the items in new/ equal the 2xx
#      responses exactly;
#   3. fsync-loop for DURATION seconds on the same file system: this
#      machine's own limit for create/write/fsync/rename/fsync-dir;
# and compares them with the targets (accepted submissions/s >= 70% of
# the loop; GET / >= 5,000 requests/s with p99 < 20 ms).  Rows go to
# results/intake.tsv, the summary to results/intake.txt.  Exits 1 when
# the count check fails (not when a target is missed).  Environment:
# DURATION (20), INTAKE (bin/nearmiss-intake), REVIEW
# (bin/nearmiss-review), CC (cc), KEEP=1 keeps the scratch directory
# (under ${TMPDIR:-/tmp}, which is also the file system measured).

set -eu

BENCH=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH")
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
RESULTS=$BENCH/results
TSV=$RESULTS/intake.tsv
SUMMARY=$RESULTS/intake.txt
INTAKE=${INTAKE:-$TOP/bin/nearmiss-intake}
REVIEW=${REVIEW:-$TOP/bin/nearmiss-review}
CC=${CC:-cc}
DURATION=${DURATION:-20}
export LC_ALL=C

for t in wrk curl perl "$CC"; do
	command -v "$t" >/dev/null 2>&1 || { say "$t missing"; exit 1; }
done
for p in "$INTAKE" "$REVIEW"; do
	[ -x "$p" ] || { say "$p missing: run make first"; exit 1; }
done

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nm-intake-bench.XXXXXX")
PID=

# The EXIT trap: stop the server, remove the scratch directory unless
# KEEP=1.
# shellcheck disable=SC2317
cleanup()
{
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	rmscratch
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$CC" -std=c17 -O2 -o "$SCRATCH/fsync-loop" "$BENCH/fsync-loop.c"
"$REVIEW" keygen --no-passphrase alice -o "$SCRATCH/alice.key" >"$SCRATCH/rcpt" 2>/dev/null

INBOX=$SCRATCH/inbox
mkdir -p "$INBOX/new" "$INBOX/tmp" "$SCRATCH/loop"
chmod -R 700 "$INBOX"
ASUSER=
if [ "$(id -u)" -eq 0 ]; then
	ASUSER="-u nobody"
	chmod 711 "$SCRATCH"
	chown -R nobody "$INBOX"
fi

# Start the server on a free port.
try=0
while [ $try -lt 20 ]; do
	PORT=$((30000 + ($$ + try * 7919) % 10000))
	try=$((try + 1))
	# shellcheck disable=SC2086
	# Room for every form token the run spends in an hour.
	"$INTAKE" serve --log-stderr --no-rate-limit $ASUSER \
	    --spent-tokens 1048576 \
	    -l "127.0.0.1:$PORT" -i "$INBOX" -k "$SCRATCH/rcpt" \
	    -t "$TOP/content/nearmiss.ini" 2>>"$SCRATCH/serve.log" &
	PID=$!
	URL=http://127.0.0.1:$PORT
	n=0
	while [ $n -lt 50 ]; do
		kill -0 "$PID" 2>/dev/null || break
		if curl -s -o /dev/null "$URL/style.css"; then
			break 2
		fi
		sleep 0.1
		n=$((n + 1))
	done
	kill "$PID" 2>/dev/null || true
	wait "$PID" 2>/dev/null || true
	PID=
done
[ -n "$PID" ] || { say "could not start the server"; exit 1; }
say "server on $URL, inbox $INBOX"

# ms VALUE: a wrk duration (12.3us, 4.5ms, 1.2s, 2m) in milliseconds.
ms()
{
	echo "$1" | awk '{
		v = $1 + 0
		if ($1 ~ /us$/) v /= 1000
		else if ($1 ~ /ms$/) v = v
		else if ($1 ~ /m$/) v *= 60000
		else if ($1 ~ /s$/) v *= 1000
		printf "%.3f\n", v }'
}

# 1. GET /.
say "GET / for ${DURATION}s"
wrk -t2 -c64 -d"${DURATION}s" --latency "$URL/" >"$SCRATCH/get.out" 2>&1
GET_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$SCRATCH/get.out")
GET_P99=$(ms "$(awk '$1 == "99%" { print $2 }' "$SCRATCH/get.out")")
GET_P50=$(ms "$(awk '$1 == "50%" { print $2 }' "$SCRATCH/get.out")")
GET_NON2XX=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' \
    "$SCRATCH/get.out")
GET_NON2XX=${GET_NON2XX:-0}

# 2. POST /submit: a valid form padded to 2 KiB, each with the fresh
# token of a GET / before it (a token is good for one report).
curl -s -o "$SCRATCH/form.html" "$URL/"
TOKEN=$(sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' \
    "$SCRATCH/form.html")
[ -n "$TOKEN" ] || { say "no token in the form"; exit 1; }
HEAD="&title=Wrong-way+driver+at+a+stop&event_date=2024-03"
HEAD="$HEAD&incident_type=traffic-stop&contributing_factors=fatigue"
HEAD="$HEAD&loss_potential=death&summary=A+car+nearly+hit+me."
HEAD="$HEAD&consent=yes&narrative="
PAD=$((2048 - ${#HEAD}))
PAD=$((PAD - 6 - ${#TOKEN}))
{ printf '%s' "$HEAD"; head -c "$PAD" /dev/zero | tr '\0' a; } \
    >"$SCRATCH/body"
BODY_BYTES=$(($(wc -c <"$SCRATCH/body") + 6 + ${#TOKEN}))
code=$(curl -s -o /dev/null -w '%{http_code}' \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "token=$TOKEN$(cat "$SCRATCH/body")" "$URL/submit")
[ "$code" = 200 ] || { say "the benchmark form is refused ($code)"; exit 1; }
BEFORE=$(ls "$INBOX/new" | wc -l)
say "POST /submit ($BODY_BYTES bytes) for ${DURATION}s"
BODY_FILE=$SCRATCH/body POST_SECONDS=$DURATION \
    wrk -t2 -c64 -d"$((DURATION + 3))s" --latency \
    -s "$BENCH/intake-post.lua" "$URL/" >"$SCRATCH/post.out" 2>&1
sleep 1
ITEMS=$(($(ls "$INBOX/new" | wc -l) - BEFORE))
POST_2XX=$(awk '$1 == "post_2xx" { print $2 }' "$SCRATCH/post.out")
POST_NON2XX=$(awk '$1 == "post_non2xx" { print $2 }' "$SCRATCH/post.out")
POST_SECS=$(awk '$1 == "post_seconds" { print $2 }' "$SCRATCH/post.out")
POST_P50=$(awk '$1 == "post_p50_ms" { print $2 }' "$SCRATCH/post.out")
POST_P99=$(awk '$1 == "post_p99_ms" { print $2 }' "$SCRATCH/post.out")
POST_ERRS=$(awk '$1 == "post_socket_errors" { print $2 }' \
    "$SCRATCH/post.out")
if [ -z "$POST_2XX" ] || [ -z "$POST_SECS" ]; then
	cat "$SCRATCH/post.out" >&2
	say "wrk printed no counts"
	exit 1
fi
POST_RPS=$(awk -v n="$((POST_2XX + POST_NON2XX))" -v s="$POST_SECS" \
    'BEGIN { printf "%.1f\n", n / s }')
ACC_RPS=$(awk -v n="$POST_2XX" -v s="$POST_SECS" \
    'BEGIN { printf "%.1f\n", n / s }')
if [ "$ITEMS" -eq "$POST_2XX" ]; then COUNT=yes; else COUNT=NO; fi

kill -TERM "$PID"
wait "$PID" || true
PID=

# 3. The machine's own limit, same file system, same duration.
say "fsync-loop for ${DURATION}s"
"$SCRATCH/fsync-loop" "$SCRATCH/loop" "$DURATION" 5120 >"$SCRATCH/loop.out"
LOOP_RPS=$(awk '{ print $6 }' "$SCRATCH/loop.out")
FRACTION=$(awk -v a="$ACC_RPS" -v l="$LOOP_RPS" \
    'BEGIN { v = 0; if (l > 0) v = 100 * a / l; printf "%.1f\n", v }')
FS=$(df -PT "$SCRATCH" 2>/dev/null | awk 'NR == 2 { print $2 }' || true)

# met GOOD: "met" or "MISSED".
met()
{
	if [ "$1" = 1 ]; then echo met; else echo MISSED; fi
}
V_FRAC=$(met "$(awk -v f="$FRACTION" 'BEGIN { v = f >= 70; print v }')")
V_GET=$(met "$(awk -v r="$GET_RPS" -v p="$GET_P99" \
    'BEGIN { v = r >= 5000 && p < 20; print v }')")

DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
mkdir -p "$RESULTS"
[ -s "$TSV" ] || printf 'date\ttest\tmetric\tvalue\n' >"$TSV"
{
	printf '%s\tget\trequests_per_s\t%s\n' "$DATE" "$GET_RPS"
	printf '%s\tget\tp50_ms\t%s\n' "$DATE" "$GET_P50"
	printf '%s\tget\tp99_ms\t%s\n' "$DATE" "$GET_P99"
	printf '%s\tget\tnon2xx\t%s\n' "$DATE" "$GET_NON2XX"
	printf '%s\tpost\trequests_per_s\t%s\n' "$DATE" "$POST_RPS"
	printf '%s\tpost\taccepted_per_s\t%s\n' "$DATE" "$ACC_RPS"
	printf '%s\tpost\tp50_ms\t%s\n' "$DATE" "$POST_P50"
	printf '%s\tpost\tp99_ms\t%s\n' "$DATE" "$POST_P99"
	printf '%s\tpost\t2xx\t%s\n' "$DATE" "$POST_2XX"
	printf '%s\tpost\tnon2xx\t%s\n' "$DATE" "$POST_NON2XX"
	printf '%s\tpost\tinbox_items\t%s\n' "$DATE" "$ITEMS"
	printf '%s\tfsync-loop\tops_per_s\t%s\n' "$DATE" "$LOOP_RPS"
	printf '%s\tpost\tpercent_of_loop\t%s\n' "$DATE" "$FRACTION"
} >>"$TSV"

{
	echo "nearmiss-intake serve benchmark, $DATE"
	echo "$(nproc 2>/dev/null || echo '?') CPUs; inbox on ${FS:-?} under ${TMPDIR:-/tmp}; wrk -t2 -c64, ${DURATION}s each"
	echo
	echo "GET /:          $GET_RPS requests/s, p50 $GET_P50 ms, p99 $GET_P99 ms, non-2xx $GET_NON2XX"
	echo "POST /submit:   $POST_RPS requests/s over ${POST_SECS}s ($BODY_BYTES-byte form), p50 $POST_P50 ms, p99 $POST_P99 ms"
	echo "                2xx $POST_2XX, other $POST_NON2XX, socket errors $POST_ERRS"
	echo "inbox items:    $ITEMS (equal to the 2xx responses: $COUNT)"
	echo "fsync-loop:     $LOOP_RPS ops/s (create O_EXCL, write 5 KiB, fsync, rename, fsync dir)"
	echo "accepted/s:     $ACC_RPS = $FRACTION% of the loop"
	echo
	echo "target: accepted >= 70% of the loop: $V_FRAC"
	echo "target: GET / >= 5000 requests/s with p99 < 20 ms: $V_GET"
	echo "target: inbox items = 2xx responses exactly: $([ "$COUNT" = yes ] && echo met || echo MISSED)"
} >"$SUMMARY"
cat "$SUMMARY"
[ "$COUNT" = yes ]
