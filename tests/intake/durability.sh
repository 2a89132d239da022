#!/bin/sh
# nearmiss-intake serve: the durability contract (security-anchors.md
# 5.2-5.3) against the real server on loopback.  Items round-trip and
# open with each reviewer's key only; a kill -9 loop loses nothing that
# was acknowledged and leaves nothing undecryptable; a full disk (a
# 1 MiB tmpfs, as root) and injected storage faults (libfiu's fiu-run)
# give 503, nothing partial, and a server that lives on.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh
# durability.sh.  NM_LONG=1 (or CI set) runs 200 kill -9 iterations.
set -eu
. "$TOP/tests/lib.sh"

command -v curl >/dev/null 2>&1 || {
	echo "durability: curl missing" >&2
	exit 1
}

DECRYPT=$(dirname "$(dirname "$NMINTAKE")")/tests/nm-decrypt
[ -x "$DECRYPT" ] || {
	echo "durability: $DECRYPT missing (make tests)" >&2
	exit 1
}

tmp=$(mktemp -d)
pids=
mnt=
cleanup() {
	for p in $pids; do
		kill -9 "$p" 2>/dev/null || true
	done
	[ -z "$mnt" ] || umount "$mnt" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ -z "${KEEP:-}" ] || trap - EXIT
export LC_ALL=C

asan=
if nm "$NMINTAKE" 2>/dev/null | grep -q __asan_init; then
	asan=1
fi

"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" >"$tmp/rcpt" 2>/dev/null
"$NMREVIEW" keygen --no-passphrase bob -o "$tmp/bob.key" >>"$tmp/rcpt" 2>/dev/null
"$NMREVIEW" keygen --no-passphrase eve -o "$tmp/eve.key" >/dev/null 2>/dev/null
check "two recipients" [ "$(wc -l <"$tmp/rcpt")" -eq 2 ]

asuser=
if [ "$(id -u)" -eq 0 ]; then
	asuser="-u nobody"
	chmod 711 "$tmp"
fi

# start DIR [PREFIX...]: starts a server on the inbox DIR (made if
# missing) on a free port, run through the command PREFIX if given
# (fiu-run); sets $pid, $port, $url and $tok (a form token).
start() {
	dir=$1
	shift
	mkdir -p "$dir/new" "$dir/tmp"
	chmod 700 "$dir" "$dir/new" "$dir/tmp"
	[ -z "$asuser" ] || chown -R nobody "$dir"
	try=0
	while [ $try -lt 20 ]; do
		port=$((20000 + ($$ + try * 7919 + RANDOM_OFF) % 10000))
		try=$((try + 1))
		# Skip a port some other server (another suite's) holds.
		if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
			continue
		fi
		# shellcheck disable=SC2086
		"$@" "$NMINTAKE" serve --log-stderr $asuser \
		    -l "127.0.0.1:$port" -i "$dir" -k "$tmp/rcpt" \
		    -t "$TOP/content/nearmiss.ini" --no-rate-limit \
		    2>>"$tmp/server.log" &
		pid=$!
		url=http://127.0.0.1:$port
		n=0
		while [ $n -lt 100 ]; do
			if ! kill -0 "$pid" 2>/dev/null; then
				break
			fi
			if curl -s -o "$tmp/form.html" "$url/"; then
				pids="$pids $pid"
				tok=$(sed -n \
				    's/.*name="token" value="\([^"]*\)".*/\1/p' \
				    "$tmp/form.html")
				return 0
			fi
			sleep 0.05
			n=$((n + 1))
		done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	echo "durability: could not start a server" >&2
	tail "$tmp/server.log" >&2
	exit 1
}
RANDOM_OFF=0

# stop: SIGTERM the server and wait for it.
stop() {
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# newtok: a fresh form token (each is good for one stored report).
newtok() {
	curl -s -m 20 "$url/" 2>/dev/null |
	    sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p'
}

# post OUT TITLE [ARGS...]: a valid submission with title TITLE and a
# fresh token, or $tok if SAME_TOKEN is set; the page goes to OUT;
# prints the status (000 if no answer).
post() {
	out=$1
	title=$2
	shift 2
	t=$tok
	[ -n "${SAME_TOKEN:-}" ] || t=$(newtok)
	curl -s -m 20 -o "$out" -w '%{http_code}' \
	    --data-urlencode "token=$t" \
	    --data-urlencode "title=$title" \
	    --data-urlencode "event_date=2024-03" \
	    --data-urlencode "incident_type=traffic-stop" \
	    --data-urlencode "contributing_factors=fatigue" \
	    --data-urlencode "loss_potential=death" \
	    --data-urlencode "summary=A car nearly hit me." \
	    --data-urlencode "narrative=It was dark." \
	    --data-urlencode "consent=no" \
	    "$@" "$url/submit" 2>/dev/null || true
}

# receipt PAGE: the receipt code on a receipt page (empty if none).
receipt() {
	sed -n 's/.*class="receipt">\([A-Z2-7-]*\)<.*/\1/p' "$1" 2>/dev/null |
	    head -n 1
}

# rhash CODE: SHA-256 of the code without dashes, in hex.
rhash() {
	printf %s "$1" | tr -d - | sha256sum | cut -c1-64
}

# count DIR: the number of entries in DIR.
count() {
	ls -A "$1" | wc -l
}

# decrypt_all DIR OUT: decrypts every item of DIR/new with alice's key
# into OUT; returns nm-decrypt's exit status (0 also when empty).
decrypt_all() {
	: >"$2"
	[ "$(count "$1/new")" -gt 0 ] || return 0
	find "$1/new" -type f -exec "$DECRYPT" "$tmp/alice.key" {} + >"$2"
}

# ---------------------------------------------------------------------
# Round trip: three submissions, each opens with alice's and bob's key
# and gives back exactly what was posted; eve's key opens none.
start "$tmp/rt"
# roundtrip N TITLE TYPE FACTORS NARRATIVE CONTACT CONSENT: posts a
# report and writes what nm-decrypt must print for it to $tmp/wantN.
# FACTORS are comma-separated; \n in NARRATIVE is a newline (and is how
# nm-decrypt prints it back); CONTACT and CONSENT may be empty.
roundtrip() {
	i=$1 title=$2 itype=$3 factors=$4 rawnarr=$5 contact=$6 consent=$7
	narr=$(printf '%b' "$rawnarr")
	set -- --data-urlencode "incident_type=$itype" \
	    --data-urlencode "narrative=$narr"
	oldifs=$IFS
	IFS=,
	for fa in $factors; do
		set -- "$@" --data-urlencode "contributing_factors=$fa"
	done
	IFS=$oldifs
	[ -z "$contact" ] || set -- "$@" --data-urlencode "contact=$contact"
	if [ -n "$consent" ]; then
		set -- "$@" --data-urlencode "consent=yes"
	else
		set -- "$@" --data-urlencode "consent=no"
	fi
	code=$(curl -s -o "$tmp/rt$i.html" -w '%{http_code}' \
	    --data-urlencode "token=$(newtok)" \
	    --data-urlencode "title=$title" \
	    --data-urlencode "event_date=2023-0$i" \
	    --data-urlencode "loss_potential=serious-injury" \
	    --data-urlencode "summary=Summary number $i." \
	    "$@" "$url/submit")
	check "round trip $i: 200" [ "$code" = 200 ]
	rc=$(receipt "$tmp/rt$i.html")
	check "round trip $i: a receipt code" [ -n "$rc" ]
	# The expected output of nm-decrypt, in its field order.
	{
		printf 'title=%s\n' "$title"
		printf 'event_date=2023-0%s\n' "$i"
		printf 'incident_type=%s\n' "$itype"
		printf 'contributing_factors=%s\n' "$factors"
		printf 'loss_potential=serious-injury\n'
		printf 'summary=Summary number %s.\n' "$i"
		printf 'narrative=%s\n' "$rawnarr"
		[ -z "$contact" ] || printf 'contact=%s\n' "$contact"
		printf 'consent=%s\n' "$([ -n "$consent" ] && echo 1 || echo 0)"
		printf 'channel=form\n'
		printf 'received=%s\n' "$(date -u +%Y-%m-%d)"
		printf 'receipt=%s\n' "$(rhash "$rc")"
		printf '\n'
	} >"$tmp/want$i"
}
roundtrip 1 "Wrong-way driver" traffic-stop fatigue \
    'Line one\nline two\n\nend' "call me at 555" yes
roundtrip 2 "Suspect armé à l'arrière — ça a failli mal tourner" \
    vehicle-pursuit communication,decision-making \
    'Nuit noire, pluie.\nLe GPS était en panne: "aucun signal" & <rien>.' \
    "Ünïcödé ☎ 日本語" ""
roundtrip 3 "Ambush behind the station" ambush \
    situational-awareness,equipment-failure,training \
    'Radio died.\nBackup was 12 minutes out.\nTab	here.' "" yes
check "round trip: three items" [ "$(count "$tmp/rt/new")" -eq 3 ]
check "round trip: tmp/ empty" [ "$(count "$tmp/rt/tmp")" -eq 0 ]
stop
for k in alice bob; do
	: >"$tmp/got.$k"
	allok=1
	for it in "$tmp"/rt/new/*; do
		"$DECRYPT" "$tmp/$k.key" "$it" >>"$tmp/got.$k" || allok=
	done
	check "round trip: every item opens with $k's key" [ -n "$allok" ]
	for i in 1 2 3; do
		# Each expected record is exactly one of the decrypted ones.
		# (Through the environment: awk -v would expand the \n.)
		n=$(WANT=$(cat "$tmp/want$i") awk -v RS= \
		    '$0 == ENVIRON["WANT"] { n++ } END { print n + 0 }' \
		    "$tmp/got.$k")
		check "round trip $i: $k sees exactly the posted fields" \
		    [ "$n" -eq 1 ]
	done
done
check "round trip: alice and bob see the same" \
    cmp -s "$tmp/got.alice" "$tmp/got.bob"
for it in "$tmp"/rt/new/*; do
	rc=0
	"$DECRYPT" "$tmp/eve.key" "$it" >"$tmp/eve.out" 2>&1 || rc=$?
	check "round trip: eve's key does not open ${it##*/} (exit 3)" \
	    [ "$rc" -eq 3 ]
	check "round trip: eve sees nothing" [ ! -s "$tmp/eve.out" ]
done

# ---------------------------------------------------------------------
# kill -9 loop.
iters=40
if [ -n "${CI:-}" ] || [ "${NM_LONG:-}" = 1 ]; then
	iters=200
fi
[ -z "$asan" ] || iters=40
[ -z "${NM_KILL_ITERS:-}" ] || iters=$NM_KILL_ITERS

# client TAG: posts until the server stops answering; each acknowledged
# submission's receipt code goes to $tmp/acked.TAG.
client() {
	j=0
	while :; do
		j=$((j + 1))
		c=$(post "$tmp/c.$1" "kill $1 $j")
		if [ "$c" = 200 ]; then
			r=$(receipt "$tmp/c.$1")
			[ -z "$r" ] || echo "$r" >>"$tmp/acked.$1"
		fi
		[ "$c" != 000 ] || break
	done
}

kd=$tmp/kill
t0=$(date +%s)
it=0
while [ $it -lt "$iters" ]; do
	it=$((it + 1))
	RANDOM_OFF=$it
	start "$kd"
	client "$it.a" &
	ca=$!
	client "$it.b" &
	cb=$!
	# A uniformly random delay of 0-200 ms.
	d=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	sleep "$(printf '0.%03d' $((d % 201)))"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	wait "$ca" "$cb" 2>/dev/null || true
done
RANDOM_OFF=0
start "$kd"
check "kill -9: tmp/ empty after the restart" [ "$(count "$kd/tmp")" -eq 0 ]
check "kill -9: the server answers after $iters kills" \
    [ "$(post "$tmp/after.html" "after the kills")" = 200 ]
stop
t1=$(date +%s)
cat "$tmp"/acked.* 2>/dev/null >"$tmp/acked" || true
nack=$(wc -l <"$tmp/acked")
nitems=$(count "$kd/new")
echo "kill -9: $iters iterations in $((t1 - t0)) s," \
    "$nack acknowledged, $nitems items"
check "kill -9: some submissions acknowledged" [ "$nack" -gt 0 ]
check "kill -9: items ($nitems) >= acknowledged + 1 ($nack + 1)" \
    [ "$nitems" -ge $((nack + 1)) ]
rc=0
decrypt_all "$kd" "$tmp/kill.out" || rc=$?
check "kill -9: every item in new/ decrypts" [ "$rc" -eq 0 ]
check "kill -9: one record per item" \
    [ "$(grep -c '^receipt=' "$tmp/kill.out")" -eq "$nitems" ]
while read -r r; do
	rhash "$r"
done <"$tmp/acked" >"$tmp/acked.hash"
bad=$(awk 'NR == FNR { if (sub(/^receipt=/, "")) seen[$0]++; next }
    { if (seen[$0] != 1) n++ } END { print n + 0 }' \
    "$tmp/kill.out" "$tmp/acked.hash")
check "kill -9: every acknowledged receipt in exactly one item ($bad not)" \
    [ "$bad" -eq 0 ]

# ---------------------------------------------------------------------
# Disk full: a 1 MiB tmpfs as the inbox (root only).
if [ "$(id -u)" -ne 0 ]; then
	echo "durability: not root, disk-full checks skipped"
elif ! mkdir "$tmp/full" || ! mount -t tmpfs -o size=1m tmpfs "$tmp/full"
then
	echo "durability: cannot mount a tmpfs, disk-full checks skipped"
else
	mnt=$tmp/full
	start "$mnt"
	# Fill it to the last block, outside new/ and tmp/.
	dd if=/dev/zero of="$mnt/filler" bs=4096 2>/dev/null || true
	# All with one form token: a 503 gives it back, so "go back and
	# send it again" works once there is room.
	SAME_TOKEN=1
	all=
	n=0
	while [ $n -lt 100 ]; do
		n=$((n + 1))
		all=$all$(post /dev/null "full $n")
	done
	check "disk full: 100 submissions, all 503" \
	    [ "$all" = "$(printf '503%.0s' $(seq 100))" ]
	check "disk full: nothing in new/" [ "$(count "$mnt/new")" -eq 0 ]
	check "disk full: nothing in tmp/" [ "$(count "$mnt/tmp")" -eq 0 ]
	check "disk full: the server lives on" kill -0 "$pid"
	check "disk full: GET / 200" [ "$(curl -s -o /dev/null \
	    -w '%{http_code}' "$url/")" = 200 ]
	rm -f "$mnt/filler"
	code=$(post "$tmp/full.html" "space again")
	check "space freed: 200 with the same form token" [ "$code" = 200 ]
	code=$(post /dev/null "space again, replayed")
	check "space freed: that token is now spent (409)" [ "$code" = 409 ]
	SAME_TOKEN=
	check "space freed: one item" [ "$(count "$mnt/new")" -eq 1 ]
	rc=0
	decrypt_all "$mnt" "$tmp/full.out" || rc=$?
	check "space freed: the item decrypts" [ "$rc" -eq 0 ]
	check "space freed: it is the acknowledged one" grep -qx \
	    "receipt=$(rhash "$(receipt "$tmp/full.html")")" "$tmp/full.out"
	stop
	umount "$mnt" && mnt=
fi

# ---------------------------------------------------------------------
# Fault injection through libfiu's POSIX preload: each storage call
# fails at random while real submissions come in.  write fails with
# EIO, ENOSPC or EINTR, or writes short (posix/io/rw/write/reduce);
# fsync and close fail with EIO.  libfiu has no point for openat or
# renameat.  EINTR and short writes must be retried, never answered
# with 503.
if [ -n "$asan" ]; then
	echo "durability: ASan build, fault injection skipped"
elif ! command -v fiu-run >/dev/null 2>&1; then
	echo "durability: fiu-run missing (fiu-utils), fault injection skipped"
else
	# spec: failure point, errno (failinfo) or -, must all succeed
	for spec in \
	    "posix/io/rw/write 5 no" \
	    "posix/io/rw/write 28 no" \
	    "posix/io/rw/write 4 yes" \
	    "posix/io/rw/write/reduce - yes" \
	    "posix/io/sync/fsync 5 no" \
	    "posix/io/oc/close 5 no"; do
		# shellcheck disable=SC2086
		set -- $spec
		fp=$1
		einfo=
		[ "$2" = - ] || einfo=",failinfo=$2"
		retried=$3
		label="$fp${einfo:+ errno $2}"
		fd=$tmp/fiu.$(echo "$label" | tr -c 'a-z0-9\n' _)
		start "$fd" fiu-run -x -f "" \
		    -c "enable_random name=$fp,probability=0.3$einfo"
		n=0
		: >"$tmp/codes"
		: >"$tmp/fiu.acked"
		while [ $n -lt 30 ]; do
			n=$((n + 1))
			c=$(post "$tmp/fiu.html" "fault $n")
			echo "$c" >>"$tmp/codes"
			if [ "$c" = 200 ]; then
				receipt "$tmp/fiu.html" >>"$tmp/fiu.acked"
			fi
		done
		n200=$(grep -cx 200 "$tmp/codes" || true)
		n503=$(grep -cx 503 "$tmp/codes" || true)
		echo "fault $label: $n200 x 200, $n503 x 503"
		check "fault $label: only 200 or 503" \
		    [ $((n200 + n503)) -eq 30 ]
		if [ "$retried" = yes ]; then
			check "fault $label: retried, all 200" [ "$n200" -eq 30 ]
		else
			check "fault $label: some 503" [ "$n503" -gt 0 ]
			check "fault $label: some 200" [ "$n200" -gt 0 ]
		fi
		check "fault $label: the server lives on" kill -0 "$pid"
		check "fault $label: GET / still answers" [ "$(curl -s \
		    -o /dev/null -w '%{http_code}' "$url/")" = 200 ]
		check "fault $label: tmp/ empty" [ "$(count "$fd/tmp")" -eq 0 ]
		check "fault $label: one item per 200" \
		    [ "$(count "$fd/new")" -eq "$n200" ]
		stop
		start "$fd"
		check "fault $label: tmp/ empty after a restart" \
		    [ "$(count "$fd/tmp")" -eq 0 ]
		check "fault $label: then a submission succeeds" \
		    [ "$(post /dev/null "after fault")" = 200 ]
		stop
		rc=0
		decrypt_all "$fd" "$tmp/fiu.out" || rc=$?
		check "fault $label: every item decrypts" [ "$rc" -eq 0 ]
		while read -r r; do
			rhash "$r"
		done <"$tmp/fiu.acked" >"$tmp/fiu.hash"
		bad=$(awk 'NR == FNR { if (sub(/^receipt=/, "")) seen[$0]++
		    next } { if (seen[$0] != 1) n++ } END { print n + 0 }' \
		    "$tmp/fiu.out" "$tmp/fiu.hash")
		check "fault $label: every 200 has its item" [ "$bad" -eq 0 ]
	done
fi

finish durability
