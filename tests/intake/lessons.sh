#!/bin/sh
# nearmiss-intake serve: the optional "Lessons learned" field of the web
# form.  It is shown, labelled and capped; a filled one reaches the
# record (nm-decrypt prints lessons=), an empty one leaves it out, and
# one over 16 KiB gives the form again with a message.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh lessons.sh
set -eu
. "$TOP/tests/lib.sh"
SUITE=lessons
. "$TOP/tests/intake/mail.inc"

command -v curl >/dev/null 2>&1 || { echo "lessons: curl missing" >&2; exit 1; }

ib=$tmp/ib
mkinbox "$ib"
pid=
try=0
while [ $try -lt 20 ]; do
	port=$((20000 + ($$ + try * 7919 + 4409) % 10000))
	try=$((try + 1))
	curl -s -o /dev/null "http://127.0.0.1:$port/" && continue
	# shellcheck disable=SC2086
	"$NMINTAKE" serve --log-stderr --no-rate-limit $asuser \
	    -l "127.0.0.1:$port" -i "$ib" -k "$tmp/rcpt" -t "$TAX" \
	    2>>"$tmp/serve.log" &
	pid=$!
	url=http://127.0.0.1:$port
	n=0
	while [ $n -lt 50 ] && kill -0 "$pid" 2>/dev/null; do
		curl -s -o /dev/null "$url/style.css" && break 2
		sleep 0.1
		n=$((n + 1))
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
done
[ -n "$pid" ] || { echo "lessons: could not start a server" >&2; exit 1; }
pids=$pid

curl -s -o "$tmp/form.html" "$url/"
check "the form has a lessons textarea" \
    grep -q '<textarea id="lessons" name="lessons" rows="5" maxlength="4096" aria-describedby="lessons-help">' \
    "$tmp/form.html"
check "it is labelled, as optional" \
    grep -q '<label for="lessons">Lessons learned (optional)</label>' \
    "$tmp/form.html"

# post OUT ARGS...: a valid report plus ARGS, with a fresh token (a
# token is good for one report); prints the status.
post() {
	out=$1
	shift
	tok=$(curl -s "$url/" |
	    sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p')
	curl -s -o "$out" -w '%{http_code}' \
	    --data-urlencode "token=$tok" \
	    --data-urlencode "title=Lessons test" \
	    --data-urlencode "event_date=2024-03" \
	    --data-urlencode "incident_type=traffic-stop" \
	    --data-urlencode "contributing_factors=fatigue" \
	    --data-urlencode "loss_potential=death" \
	    --data-urlencode "summary=A summary." \
	    --data-urlencode "narrative=What happened." \
	    --data-urlencode "consent=yes" \
	    "$@" "$url/submit"
}

code=$(post "$tmp/ok.html" --data-urlencode "lessons=Wait for cover & <call> it in.
Second line.")
check "with lessons: 200" [ "$code" = 200 ]
code=$(post "$tmp/ok2.html")
check "without lessons: 200" [ "$code" = 200 ]
code=$(post "$tmp/ok3.html" --data-urlencode "lessons=")
check "empty lessons: 200" [ "$code" = 200 ]
# The limit is in characters: 4,096 of them, of any width.
head -c 4097 /dev/zero | tr '\0' a >"$tmp/long"
code=$(post "$tmp/bad.html" --data-urlencode "lessons@$tmp/long")
check "4,097 characters of lessons: 400" [ "$code" = 400 ]
check "4,097 characters of lessons: the message" \
    grep -q 'At most 4096 characters' "$tmp/bad.html"
check "4,097 characters of lessons: marked invalid" \
    grep -q 'aria-describedby="lessons-help lessons-error" aria-invalid="true"' \
    "$tmp/bad.html"
awk 'BEGIN { for (i = 0; i < 4096; i++) printf "\303\251" }' >"$tmp/long"
code=$(post "$tmp/ok4.html" --data-urlencode "lessons@$tmp/long")
check "4,096 two-byte characters of lessons: 200" [ "$code" = 200 ]
code=$(post "$tmp/bad2.html" --data-urlencode "lessons=one" \
    --data-urlencode "lessons=two")
check "lessons twice: 400" [ "$code" = 400 ]
kill -TERM "$pid"
wait "$pid" || true
pids=

check "four items" [ "$(count "$ib/new")" -eq 4 ]
rc=0
decrypt_all "$ib" "$tmp/out" || rc=$?
check "every item decrypts" [ "$rc" -eq 0 ]
check "the lessons, as typed" \
    grep -qxF 'lessons=Wait for cover & <call> it in.\nSecond line.' "$tmp/out"
check "4,096 characters of lessons kept" \
    grep -qxF "lessons=$(cat "$tmp/long")" "$tmp/out"
check "no lessons line for the two without" \
    [ "$(grep -c '^lessons=' "$tmp/out")" -eq 2 ]

finish lessons
