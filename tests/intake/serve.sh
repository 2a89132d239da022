#!/bin/sh
# nearmiss-intake serve: the form server against real curl on loopback.
# Form and headers, a valid submission, an invalid field, bad token,
# foreign Origin, oversize body, rate limit, no trace of the client's
# address, clean exit on SIGTERM.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh serve.sh
set -eu
. "$TOP/tests/lib.sh"

command -v curl >/dev/null 2>&1 || { echo "serve: curl missing" >&2; exit 1; }

tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -z "${KEEP:-}" ] || trap - EXIT
export LC_ALL=C
IP=127.77.213.9

"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" >"$tmp/rcpt" 2>/dev/null
"$NMREVIEW" keygen --no-passphrase bob -o "$tmp/bob.key" >>"$tmp/rcpt" 2>/dev/null
check "two recipients" [ "$(wc -l <"$tmp/rcpt")" -eq 2 ]

# As root the server must be told a user to drop to, who must own the
# inbox and reach it.
asuser=
if [ "$(id -u)" -eq 0 ]; then
	asuser="-u nobody"
	chmod 711 "$tmp"
fi

rc=0
"$NMINTAKE" serve -i "$tmp/nowhere" -k "$tmp/rcpt" \
    -t "$TOP/content/nearmiss.ini" -l 127.0.0.1:1 2>"$tmp/err" || rc=$?
check "a missing inbox: exit 1" [ "$rc" -eq 1 ]
if [ "$(id -u)" -eq 0 ]; then
	mkdir "$tmp/ib0"
	rc=0
	"$NMINTAKE" serve --log-stderr -i "$tmp/ib0" -k "$tmp/rcpt" \
	    -t "$TOP/content/nearmiss.ini" -l 127.0.0.1:1 2>"$tmp/err" ||
	    rc=$?
	check "root without -u: refused" [ "$rc" -eq 1 ]
	check "root without -u: says why" grep -q "root" "$tmp/err"
fi

# start NAME ARGS...: starts a server with inbox $tmp/NAME on a free
# port; sets $pid, $port and $url.
start() {
	name=$1
	shift
	mkdir -p "$tmp/$name/new" "$tmp/$name/tmp"
	chmod -R 700 "$tmp/$name"
	[ -z "$asuser" ] || chown -R nobody "$tmp/$name"
	try=0
	while [ $try -lt 20 ]; do
		port=$((20000 + ($$ + try * 7919) % 10000))
		try=$((try + 1))
		# shellcheck disable=SC2086
		"$NMINTAKE" serve --log-stderr $asuser -l "127.0.0.1:$port" \
		    -i "$tmp/$name" -k "$tmp/rcpt" \
		    -t "$TOP/content/nearmiss.ini" "$@" \
		    2>>"$tmp/$name.log" &
		pid=$!
		url=http://127.0.0.1:$port
		n=0
		while [ $n -lt 50 ]; do
			if ! kill -0 "$pid" 2>/dev/null; then
				break
			fi
			if curl -s -o /dev/null "$url/style.css"; then
				pids="$pids $pid"
				return 0
			fi
			sleep 0.1
			n=$((n + 1))
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	echo "serve: could not start a server" >&2
	exit 1
}

C() {
	curl -s --interface "$IP" "$@"
}

# token FILE: the form token of a saved form page.
token() {
	sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' "$1"
}

start ib1 --rate-burst 1000 --bucket-burst 1000
# GET / and its headers.
code=$(C -D "$tmp/h" -o "$tmp/form.html" -w '%{http_code}' "$url/")
check "GET /: 200" [ "$code" = 200 ]
tr -d '\r' <"$tmp/h" >"$tmp/headers"
for h in \
    "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" \
    "Referrer-Policy: no-referrer" \
    "Cache-Control: no-store" \
    "X-Content-Type-Options: nosniff" \
    "X-Frame-Options: DENY" \
    "Content-Type: text/html; charset=utf-8"; do
	check "GET /: header $h" grep -qFx "$h" "$tmp/headers"
done
check "GET /: Permissions-Policy denies the camera" \
    grep -q '^Permissions-Policy: .*camera=()' "$tmp/headers"
check "GET /: Permissions-Policy denies geolocation" \
    grep -q '^Permissions-Policy: .*geolocation=()' "$tmp/headers"
check_not "GET /: no Server header" grep -qi '^Server:' "$tmp/headers"
check_not "GET /: no script" grep -qi '<script' "$tmp/form.html"
check_not "GET /: no event handler attribute" \
    grep -qiE ' on[a-z]+=' "$tmp/form.html"
check_not "GET /: no absolute URL" grep -qiE '(https?:)?//' "$tmp/form.html"
check "GET /: utf-8" grep -q '<meta charset="utf-8">' "$tmp/form.html"
check "GET /: accept-charset" grep -q 'accept-charset="UTF-8"' \
    "$tmp/form.html"
check "GET /: autocomplete off" grep -q 'autocomplete="off"' \
    "$tmp/form.html"
check "GET /: a token" [ -n "$(token "$tmp/form.html")" ]
check "GET /: a honeypot with a label" grep -q 'for="website"' \
    "$tmp/form.html"
check "GET /: agency device warning" grep -q 'agency device' \
    "$tmp/form.html"
check "GET /: e-mail is not anonymous" \
    grep -q 'confidential, not anonymous' "$tmp/form.html"
check "GET /: the taxonomy's labels" grep -q '>Vehicle pursuit<' \
    "$tmp/form.html"
for f in title event_date incident_type loss_potential officers_on_scene \
    time_of_day lighting weather agency_type region summary narrative \
    contact consent; do
	check "GET /: a labelled $f" grep -q "<label for=\"$f\">" \
	    "$tmp/form.html"
done
check "GET /: factor checkboxes" \
    grep -q 'type="checkbox" id="contributing_factors_0"' "$tmp/form.html"
code=$(C -o "$tmp/css" -D "$tmp/h" -w '%{http_code}' "$url/style.css")
check "GET /style.css: 200" [ "$code" = 200 ]
check "GET /style.css: text/css" grep -q '^Content-Type: text/css' "$tmp/h"
code=$(C -o /dev/null -w '%{http_code}' "$url/nothing")
check "GET /nothing: 404" [ "$code" = 404 ]
code=$(C -o /dev/null -w '%{http_code}' -X DELETE "$url/")
check "DELETE /: 405" [ "$code" = 405 ]

tok=$(token "$tmp/form.html")
# post FILE ARGS...: posts the base fields plus ARGS, body to FILE;
# prints the status.
post() {
	out=$1
	shift
	C -o "$out" -w '%{http_code}' \
	    --data-urlencode "token=$tok" \
	    --data-urlencode "title=Wrong-way driver at a stop" \
	    --data-urlencode "event_date=2024-03" \
	    --data-urlencode "incident_type=traffic-stop" \
	    --data-urlencode "contributing_factors=fatigue" \
	    --data-urlencode "contributing_factors=situational-awareness" \
	    --data-urlencode "loss_potential=death" \
	    --data-urlencode "summary=A car nearly hit me on the shoulder." \
	    --data-urlencode "narrative=It was dark & wet <really>." \
	    "$@" "$url/submit"
}

# A valid submission.
code=$(post "$tmp/ok.html" --data-urlencode "consent=yes" \
    -H "Origin: http://127.0.0.1:8025")
check "valid POST: 200" [ "$code" = 200 ]
check "valid POST: a receipt code" grep -qE \
    '[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}' \
    "$tmp/ok.html"
check "valid POST: exactly one item" [ "$(ls "$tmp/ib1/new" | wc -l)" -eq 1 ]
item=$(ls "$tmp/ib1/new")
check "valid POST: item named by 32 hex characters" \
    sh -c "printf '%s\n' '$item' | grep -qxE '[0-9a-f]{32}'"
check "valid POST: item mode 0600" \
    [ "$(stat -c %a "$tmp/ib1/new/$item")" = 600 ]
check "valid POST: tmp/ is empty" [ -z "$(ls "$tmp/ib1/tmp")" ]
check_not "valid POST: the text is not stored in the clear" \
    grep -qa "Wrong-way" "$tmp/ib1/new/$item"

# An invalid field.
code=$(post "$tmp/bad.html" --data-urlencode "officers_on_scene=lots" \
    --data-urlencode "contact=Keep <me>")
check "invalid field: 400" [ "$code" = 400 ]
check "invalid field: the message" grep -q 'number from 1 to 999' \
    "$tmp/bad.html"
check "invalid field: the title kept" \
    grep -q 'value="Wrong-way driver at a stop"' "$tmp/bad.html"
check "invalid field: the contact kept, escaped" \
    grep -q 'value="Keep &lt;me&gt;"' "$tmp/bad.html"
check "invalid field: the narrative kept, escaped" \
    grep -q 'It was dark &amp; wet &lt;really&gt;.' "$tmp/bad.html"
check "invalid field: the factors kept" \
    grep -q 'value="fatigue" checked' "$tmp/bad.html"
check "invalid field: nothing stored" \
    [ "$(ls "$tmp/ib1/new" | wc -l)" -eq 1 ]
code=$(post "$tmp/bad.html" --data-urlencode "event_date=2024-03-05")
check "a day in event_date: 400" [ "$code" = 400 ]
check "a day in event_date: the message" grep -q 'never the day' \
    "$tmp/bad.html"
code=$(post "$tmp/bad.html" --data-urlencode "incident_type=made-up")
check "an unknown term: 400" [ "$code" = 400 ]
code=$(post "$tmp/bad.html" --data-urlencode "contributing_factors=fatigue")
check "a factor twice: 400" [ "$code" = 400 ]
code=$(post "$tmp/bad.html" \
    --data-urlencode "contributing_factors=training" \
    --data-urlencode "contributing_factors=staffing" \
    --data-urlencode "contributing_factors=technology" \
    --data-urlencode "contributing_factors=complacency")
check "six factors: 400" [ "$code" = 400 ]
check "six factors: the message" grep -q 'at most five' "$tmp/bad.html"
code=$(C -o "$tmp/bad.html" -w '%{http_code}' --data "token=$tok" \
    "$url/submit")
check "an empty report: 400" [ "$code" = 400 ]
check "invalid fields: still one item" \
    [ "$(ls "$tmp/ib1/new" | wc -l)" -eq 1 ]

# Token, Origin, size, honeypot.
good=$tok
tok=0.00
code=$(post /dev/null)
check "bad token: 403" [ "$code" = 403 ]
tok=
code=$(post /dev/null)
check "empty token: 403" [ "$code" = 403 ]
tok=$good
code=$(post /dev/null -H "Origin: https://evil.example")
check "foreign Origin: 403" [ "$code" = 403 ]
# Our no-referrer policy makes a browser send "Origin: null" with the
# form's own POST (found by the browser suite): it must get through.
code=$(post /dev/null -H "Origin: null")
check "Origin: null (our own form in a browser): 200" [ "$code" = 200 ]
code=$(post "$tmp/hp.html" --data-urlencode "website=http://spam")
check "honeypot: pretends success (200)" [ "$code" = 200 ]
check "honeypot: a receipt code shown" grep -q 'class="receipt"' \
    "$tmp/hp.html"
head -c 70000 /dev/zero | tr '\0' a >"$tmp/big"
code=$(C -o /dev/null -w '%{http_code}' --data-binary "@$tmp/big" \
    "$url/submit" || true)
check "oversize body: 413 or closed" \
    sh -c "[ '$code' = 413 ] || [ '$code' = 000 ]"
code=$(C -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
    --data-binary "@$tmp/big" "$url/submit" || true)
check "oversize chunked body: 413 or closed" \
    sh -c "[ '$code' = 413 ] || [ '$code' = 000 ]"
code=$(C -o /dev/null -w '%{http_code}' --data 'a=%zz' "$url/submit")
check "a malformed body: 400" [ "$code" = 400 ]
check "after all that: two items (the valid one and the Origin: null one)" \
    [ "$(ls "$tmp/ib1/new" | wc -l)" -eq 2 ]
check "the server lives on" kill -0 "$pid"

# SIGTERM: exit 0 and a counters line.
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check "SIGTERM: exit 0" [ "$rc" -eq 0 ]
check "counters logged at exit" grep -q 'accepted 2' "$tmp/ib1.log"

# Rate limit: burst 2, then 429.
start ib2 --rate 1 --rate-window 3600 --rate-burst 2
C -o "$tmp/form.html" "$url/"
tok=$(token "$tmp/form.html")
c1=$(post /dev/null)
c2=$(post /dev/null)
c3=$(post "$tmp/429.html")
check "rate limit: first two accepted" [ "$c1$c2" = 200200 ]
check "rate limit: the third gets 429" [ "$c3" = 429 ]
check "rate limit: two items" [ "$(ls "$tmp/ib2/new" | wc -l)" -eq 2 ]
C -o "$tmp/429b.html" --data "garbage" "$url/submit"
check "rate limit: a constant page" cmp -s "$tmp/429.html" "$tmp/429b.html"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check "second server: exit 0" [ "$rc" -eq 0 ]

# Per-source buckets: a burst of 2 from one address, then 429, while
# another address still gets through (its bucket is another, but for a
# 1 in 65,536 chance of a shared bucket under this run's random key).
start ib5 --bucket-burst 2
C -o "$tmp/form.html" "$url/"
tok=$(token "$tmp/form.html")
b1=$(post /dev/null)
b2=$(post /dev/null)
b3=$(post /dev/null)
check "bucket: first two from one address accepted" [ "$b1$b2" = 200200 ]
check "bucket: its third gets 429" [ "$b3" = 429 ]
saved_ip=$IP
IP=127.77.213.10
b4=$(post /dev/null)
IP=$saved_ip
check "bucket: another address still accepted" [ "$b4" = 200 ]
check "bucket: three items" [ "$(ls "$tmp/ib5/new" | wc -l)" -eq 3 ]
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check "bucket server: exit 0" [ "$rc" -eq 0 ]

# --no-rate-limit: 5 quick posts with a burst of 1 all pass.
start ib3 --rate-burst 1 --rate 1 --no-rate-limit
C -o "$tmp/form.html" "$url/"
tok=$(token "$tmp/form.html")
all=
for i in 1 2 3 4 5; do
	all=$all$(post /dev/null)
done
check "--no-rate-limit: five accepted" [ "$all" = 200200200200200 ]
kill -TERM "$pid"
wait "$pid" || true

# -c: an INI file with a [serve] section; options override it.
printf '[serve]\nrate = 1\nrate_window = 3600\nrate_burst = 1\n' \
    >"$tmp/serve.ini"
start ib4 -c "$tmp/serve.ini"
C -o "$tmp/form.html" "$url/"
tok=$(token "$tmp/form.html")
all=$(post /dev/null)$(post /dev/null)
check "-c: its rate_burst is used" [ "$all" = 200429 ]
kill -TERM "$pid"
wait "$pid" || true
printf '[serve]\nlisten = 127.0.0.1:1\nfrobnicate = yes\n' >"$tmp/bad.ini"
rc=0
"$NMINTAKE" serve -c "$tmp/bad.ini" -i "$tmp/ib4" -k "$tmp/rcpt" \
    -t "$TOP/content/nearmiss.ini" 2>"$tmp/err" || rc=$?
check "-c with an unknown key: exit 1" [ "$rc" -eq 1 ]
check "-c with an unknown key: says so" grep -q "unknown key" "$tmp/err"

# The client's address in any encoding appears nowhere: not in the
# inbox, the logs, or the decrypted payloads (nm-decrypt is the test
# tool over review/open.c, built beside this build's programs).
decrypt=$(dirname "$(dirname "$NMINTAKE")")/tests/nm-decrypt
cat "$tmp"/ib*/new/* "$tmp"/*.log >"$tmp/all" 2>/dev/null || true
check "there is something to search" [ -s "$tmp/all" ]
rc=0
"$decrypt" "$tmp/alice.key" "$tmp"/ib*/new/* >"$tmp/plain" 2>&1 || rc=$?
check "every stored item decrypts" [ "$rc" -eq 0 ]
check "the decrypted payloads hold the reports" \
    grep -q '^title=Wrong-way driver at a stop' "$tmp/plain"
cat "$tmp/plain" >>"$tmp/all"
for s in "$IP" 9.213.77.127 7f4dd509 09d54d7f 7F4DD509 09D54D7F \
    2135152905 ::ffff:127.77.213.9; do
	check_not "no $s in the inbox or logs" grep -qaF "$s" "$tmp/all"
done
check_not "no raw bytes of the address" \
    grep -qaP '\x7f\x4d\xd5\x09|\x09\xd5\x4d\x7f' "$tmp/all"

finish serve
