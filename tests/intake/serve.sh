#!/bin/sh
# nearmiss-intake serve: the form server against real curl on loopback.
# Form and headers, the site's header and theme, a valid submission, the
# two required fields, invalid fields, bad and replayed tokens, foreign
# Origin and Sec-Fetch-Site, oversize body, the budgets of submissions
# and of pages, IPv4-mapped sources, no trace of the client's address,
# clean exit on SIGTERM.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh serve.sh
set -eu
. "$TOP/tests/lib.sh"
. "$TOP/tests/intakelib.sh"

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
# port (on $LISTEN_ON, 127.0.0.1 unless set); sets $pid, $port and $url.
LISTEN_ON=127.0.0.1
start() {
	name=$1
	shift
	serve_start "$tmp/$name" "$tmp/$name.log" 0 "$@"
}

# Every request carries a browser's User-Agent, which must not be
# stored (checked at the end).
UA="Mozilla/5.0 (X11; Linux x86_64) NMPlantedAgent/4.2"
C() {
	curl -s --interface "$IP" -A "$UA" "$@"
}

# token FILE: the form token of a saved form page.
token() {
	sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' "$1"
}

# newtok: a fresh form token from GET / (tokens are good for one report).
newtok() {
	C "$url/" | sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p'
}

start ib1 --rate-burst 1000 --bucket-burst 1000
# GET / and its headers.
code=$(C -D "$tmp/h" -o "$tmp/form.html" -w '%{http_code}' "$url/")
check "GET /: 200" [ "$code" = 200 ]
tr -d '\r' <"$tmp/h" >"$tmp/headers"
for h in \
    "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" \
    "Referrer-Policy: same-origin" \
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
check_not "GET /: no cookie set" grep -qi '^Set-Cookie:' "$tmp/headers"
check_not "GET /: no script" grep -qi '<script' "$tmp/form.html"
check_not "GET /: no event handler attribute" \
    grep -qiE ' on[a-z]+=' "$tmp/form.html"
check "GET /: referrer policy same-origin in the page too" \
    grep -q '<meta name="referrer" content="same-origin">' "$tmp/form.html"
check "GET /: the site's header" grep -q '<header class="site-header">' \
    "$tmp/form.html"
check "GET /: the site's title links back to the archive (base_url)" \
    grep -q '<p class="site-title"><a href="https://nearmiss.example.org/">Law Enforcement Near Miss Archive</a>' \
    "$tmp/form.html"
check_not "GET /: no other absolute URL" sh -c \
    "sed 's|href=\"https://nearmiss.example.org/\"||' '$tmp/form.html' |
    grep -qiE '(https?:)?//'"
check "GET /: the narrative is required" grep -q \
    '<textarea id="narrative" name="narrative" rows="14" maxlength="16384" required aria-required="true"' \
    "$tmp/form.html"
check "GET /: consent is a required pair of radio buttons" sh -c \
    "grep -q 'type=\"radio\" id=\"consent_yes\" name=\"consent\" value=\"yes\" required>' '$tmp/form.html' &&
    grep -q 'type=\"radio\" id=\"consent_no\" name=\"consent\" value=\"no\" required>' '$tmp/form.html' &&
    grep -q '<fieldset role=\"radiogroup\" aria-required=\"true\"' '$tmp/form.html'"
check_not "GET /: no consent checkbox" grep -q 'type="checkbox" id="consent"' \
    "$tmp/form.html"
check "GET /: one required text control, the narrative" \
    [ "$(grep -c 'required aria-required="true"' "$tmp/form.html")" -eq 1 ]
check_not "GET /: the title is optional" \
    grep -q '<label for="title">Title (required)' "$tmp/form.html"
check "GET /: limits in characters" \
    grep -q 'at most 200 characters' "$tmp/form.html"
check_not "GET /: no limit in bytes" grep -qi ' bytes' "$tmp/form.html"
check "GET /: the title's maxlength is 200" \
    grep -q 'id="title" name="title" maxlength="200"' "$tmp/form.html"
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
    contact consent_yes consent_no; do
	check "GET /: a labelled $f" grep -q "<label for=\"$f\">" \
	    "$tmp/form.html"
done
check "GET /: factor checkboxes" \
    grep -q 'type="checkbox" id="contributing_factors_0"' "$tmp/form.html"
code=$(C -o "$tmp/css" -D "$tmp/h" -w '%{http_code}' "$url/style.css")
check "GET /style.css: 200" [ "$code" = 200 ]
check "GET /style.css: text/css" grep -q '^Content-Type: text/css' "$tmp/h"
check "GET /style.css: the theme's stylesheet" grep -q '^\.site-header {' \
    "$tmp/css"
check "GET /style.css: the form's rules after it" grep -q '^\.nm-form ' \
    "$tmp/css"
code=$(C -o /dev/null -w '%{http_code}' "$url/nothing")
check "GET /nothing: 404" [ "$code" = 404 ]
code=$(C -o /dev/null -w '%{http_code}' -X DELETE "$url/")
check "DELETE /: 405" [ "$code" = 405 ]

# post FILE ARGS...: posts the base fields plus ARGS, body to FILE;
# prints the status.  The token is $tok, or a fresh one if it is "fresh".
tok=fresh
post() {
	out=$1
	shift
	t=$tok
	[ "$t" != fresh ] || t=$(newtok)
	C -o "$out" -w '%{http_code}' \
	    --data-urlencode "token=$t" \
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
code=$(post "$tmp/ok.html" --data-urlencode "consent=yes" -D "$tmp/okh" \
    -H "Origin: http://127.0.0.1:8025" -H "Sec-Fetch-Site: same-origin")
check "valid POST: 200" [ "$code" = 200 ]
check_not "valid POST: no cookie set" grep -qi '^Set-Cookie:' "$tmp/okh"
check "valid POST: a receipt code" grep -qE \
    '[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}' \
    "$tmp/ok.html"
check "valid POST: the receipt links to the archive's status page" \
    grep -qF '<a href="https://nearmiss.example.org/status/">https://nearmiss.example.org/status/</a>' \
    "$tmp/ok.html"
check "valid POST: the receipt page links nowhere else in the archive" \
    [ "$(grep -oE 'href="https://nearmiss.example.org/[^"]*"' "$tmp/ok.html" |
    sort -u | tr '\n' ' ')" = 'href="https://nearmiss.example.org/" href="https://nearmiss.example.org/status/" ' ]
check "valid POST: exactly one item" [ "$(ls "$tmp/ib1/new" | wc -l)" -eq 1 ]
item=$(ls "$tmp/ib1/new")
check "valid POST: item named by 32 hex characters" \
    sh -c "printf '%s\n' '$item' | grep -qxE '[0-9a-f]{32}'"
check "valid POST: item mode 0600" \
    [ "$(stat -c %a "$tmp/ib1/new/$item")" = 600 ]
check "valid POST: tmp/ is empty" [ -z "$(ls "$tmp/ib1/tmp")" ]
check_not "valid POST: the text is not stored in the clear" \
    grep -qa "Wrong-way" "$tmp/ib1/new/$item"

# From here on the base fields carry the consent choice.
postc() {
	o=$1
	shift
	post "$o" --data-urlencode "consent=yes" "$@"
}

# An invalid field.
code=$(postc "$tmp/bad.html" --data-urlencode "officers_on_scene=lots" \
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
code=$(postc "$tmp/bad.html" --data-urlencode "event_date=2024-03-05")
check "a day in event_date: 400" [ "$code" = 400 ]
check "a day in event_date: the message" grep -q 'never the day' \
    "$tmp/bad.html"
code=$(postc "$tmp/bad.html" --data-urlencode "incident_type=made-up")
check "an unknown term: 400" [ "$code" = 400 ]
code=$(postc "$tmp/bad.html" --data-urlencode "contributing_factors=fatigue")
check "a factor twice: 400" [ "$code" = 400 ]
code=$(postc "$tmp/bad.html" \
    --data-urlencode "contributing_factors=training" \
    --data-urlencode "contributing_factors=staffing" \
    --data-urlencode "contributing_factors=technology" \
    --data-urlencode "contributing_factors=complacency")
check "six factors: 400" [ "$code" = 400 ]
check "six factors: the message" grep -q 'at most 5 factors' "$tmp/bad.html"
code=$(C -o "$tmp/bad.html" -w '%{http_code}' --data "token=$(newtok)" \
    "$url/submit")
check "an empty report: 400" [ "$code" = 400 ]
check "an empty report: the narrative is asked for" \
    grep -q 'id="narrative-error">Tell what happened' "$tmp/bad.html"
check "an empty report: the consent choice is asked for" \
    grep -q 'id="consent-error">Choose whether' "$tmp/bad.html"
check_not "an empty report: the title is not asked for" \
    grep -q 'id="title-error"' "$tmp/bad.html"
code=$(post "$tmp/bad.html")
check "no consent choice: 400" [ "$code" = 400 ]
code=$(post "$tmp/bad.html" --data-urlencode "consent=maybe")
check "consent neither yes nor no: 400" [ "$code" = 400 ]
# mini FILE ARGS...: posts a fresh token, a narrative, the consent
# choice and ARGS; prints the status.
mini() {
	o=$1
	shift
	C -o "$o" -w '%{http_code}' --data-urlencode "token=$(newtok)" \
	    --data-urlencode "narrative=Short." --data-urlencode "consent=yes" \
	    "$@" "$url/submit"
}
t201=$(printf '%0201d' 0 | tr 0 x)
code=$(mini "$tmp/bad.html" --data-urlencode "title=$t201")
check "a title of 201 characters: 400" [ "$code" = 400 ]
check "a title of 201 characters: the limit in characters" \
    grep -q 'id="title-error">At most 200 characters' "$tmp/bad.html"
check "invalid fields: still one item" \
    [ "$(ls "$tmp/ib1/new" | wc -l)" -eq 1 ]
# 200 characters of two bytes each: 400 bytes, within the limit.
t200=$(printf '%0200d' 0 | sed 's/0/\xc3\xa9/g')
code=$(mini "$tmp/wide.html" --data-urlencode "title=$t200")
check "a title of 200 two-byte characters: 200" [ "$code" = 200 ]

# Only the narrative and the consent choice: stored.
code=$(C -o "$tmp/min.html" -w '%{http_code}' \
    --data-urlencode "token=$(newtok)" \
    --data-urlencode "narrative=Minimal report, nothing else given." \
    --data-urlencode "consent=no" "$url/submit")
check "narrative and consent only: 200" [ "$code" = 200 ]
check "narrative and consent only: stored" \
    [ "$(ls "$tmp/ib1/new" | wc -l)" -eq 3 ]
# Bidirectional controls leave one-line fields (U+202E, U+2066).
code=$(mini /dev/null --data-urlencode \
    "title=$(printf 'Bidi\342\200\256 title\342\201\246 here')" \
    --data-urlencode "contact=$(printf 'me\342\200\256@example.org')")
check "a title with bidi controls: 200" [ "$code" = 200 ]
check "a title with bidi controls: stored" \
    [ "$(ls "$tmp/ib1/new" | wc -l)" -eq 4 ]

# Tokens: one report each.  A validation failure does not spend it; a
# replay gets a page that says what happened.
tok=$(newtok)
code=$(postc "$tmp/bad.html" --data-urlencode "officers_on_scene=lots")
check "token kept: the invalid post 400" [ "$code" = 400 ]
code=$(postc "$tmp/r1.html")
check "token kept: the same token then 200" [ "$code" = 200 ]
code=$(postc "$tmp/r2.html")
check "replayed token: 409" [ "$code" = 409 ]
check "replayed token: says so" \
    grep -q 'This form was already sent; load the form again' "$tmp/r2.html"
check "replayed token: nothing more stored" \
    [ "$(ls "$tmp/ib1/new" | wc -l)" -eq 5 ]
tok=fresh

# Token, Origin, size, honeypot.
tok=0.00
code=$(postc /dev/null)
check "bad token: 403" [ "$code" = 403 ]
tok=
code=$(postc /dev/null)
check "empty token: 403" [ "$code" = 403 ]
tok=fresh
code=$(postc /dev/null -H "Origin: https://evil.example")
check "foreign Origin: 403" [ "$code" = 403 ]
# Our pages' same-origin referrer policy makes browsers send their real
# Origin; "null" comes from elsewhere (a sandboxed frame, a data: URL).
code=$(postc /dev/null -H "Origin: null")
check "Origin: null: 403" [ "$code" = 403 ]
code=$(postc /dev/null -H "Sec-Fetch-Site: cross-site")
check "Sec-Fetch-Site: cross-site: 403" [ "$code" = 403 ]
code=$(postc /dev/null -H "Sec-Fetch-Site: same-site")
check "Sec-Fetch-Site: same-site: 403" [ "$code" = 403 ]
code=$(postc /dev/null -H "Sec-Fetch-Site: none")
check "Sec-Fetch-Site: none (typed or bookmarked): 200" [ "$code" = 200 ]
# No Origin at all: accepted, the token being the real check.
code=$(postc /dev/null)
check "no Origin: 200" [ "$code" = 200 ]
code=$(postc "$tmp/hp.html" --data-urlencode "website=http://spam")
check "honeypot: pretends success (200)" [ "$code" = 200 ]
check "honeypot: a receipt code shown" grep -q 'class="receipt"' \
    "$tmp/hp.html"
head -c 270000 /dev/zero | tr "\0" a >"$tmp/big"
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
# Limits in characters: 16,000 two-byte characters of narrative (about
# 96 KB URL-encoded) are accepted; 16,385 characters are one too many.
awk 'BEGIN { for (i = 0; i < 16000; i++) printf "\303\251" }' \
    >"$tmp/long"
code=$(C -o "$tmp/long.html" -w '%{http_code}' \
    --data-urlencode "token=$(newtok)" --data-urlencode "consent=no" \
    --data-urlencode "narrative@$tmp/long" "$url/submit")
check "16,000 characters of narrative: 200" [ "$code" = 200 ]
awk 'BEGIN { for (i = 0; i < 16385; i++) printf "a" }' >"$tmp/long"
code=$(C -o "$tmp/long.html" -w '%{http_code}' \
    --data-urlencode "token=$(newtok)" --data-urlencode "consent=no" \
    --data-urlencode "narrative@$tmp/long" "$url/submit")
check "16,385 characters of narrative: 400" [ "$code" = 400 ]
check "16,385 characters: the limit said in characters" \
    grep -q "At most 16384 characters, please." "$tmp/long.html"
check "after all that: eight items" [ "$(ls "$tmp/ib1/new" | wc -l)" -eq 8 ]
check "the server lives on" kill -0 "$pid"

# SIGTERM: exit 0 and a counters line.
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check "SIGTERM: exit 0" [ "$rc" -eq 0 ]
check "counters logged at exit" grep -q 'accepted 8,' "$tmp/ib1.log"
check "replays counted" grep -q 'replayed 1,' "$tmp/ib1.log"

# Rate limit: burst 2, then 429; invalid posts are not charged to it.
start ib2 --rate 1 --rate-window 3600 --rate-burst 2
c1=$(postc /dev/null)
c2=$(postc /dev/null)
c3=$(postc "$tmp/429.html")
check "rate limit: first two accepted" [ "$c1$c2" = 200200 ]
check "rate limit: the third gets 429" [ "$c3" = 429 ]
check "rate limit: two items" [ "$(ls "$tmp/ib2/new" | wc -l)" -eq 2 ]
check "rate limit: the page says nothing was stored" \
    grep -q 'Nothing was stored' "$tmp/429.html"
code=$(C -o /dev/null -w '%{http_code}' --data "garbage" "$url/submit")
check "rate limit: a post without a token is refused as such (403)" \
    [ "$code" = 403 ]
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check "second server: exit 0" [ "$rc" -eq 0 ]

# Invalid posts and a flood of pages do not use up the submissions'
# budget: with room for two submissions, a stream of tokenless,
# foreign-Origin and "Origin: null" posts and 60 GETs from the same
# source, then a real submission still gets through.
start ib6 --rate 1 --rate-window 3600 --rate-burst 2 --bucket-burst 2
legit=$(newtok)
for i in 1 2 3 4 5 6 7 8 9 10; do
	C -o /dev/null --data "title=x&narrative=y&consent=yes" "$url/submit"
	C -o /dev/null -H "Origin: https://evil.example" \
	    --data "token=$legit&narrative=y&consent=yes" "$url/submit"
	C -o /dev/null -H "Origin: null" \
	    --data "token=$legit&narrative=y&consent=yes" "$url/submit"
	C -o /dev/null --data "token=0.00&narrative=y&consent=yes" \
	    "$url/submit"
done
for i in $(seq 60); do
	C -o /dev/null "$url/"
done
tok=$legit
code=$(postc "$tmp/legit.html")
tok=fresh
check "after invalid posts and 60 GETs: a real submission 200" \
    [ "$code" = 200 ]
check "after invalid posts and 60 GETs: stored" \
    [ "$(ls "$tmp/ib6/new" | wc -l)" -eq 1 ]
kill -TERM "$pid"
wait "$pid" || true

# Pages have their own budget: with a per-source burst of 5, GETs past it
# get 429, and a submission with a token fetched before still passes.
start ib7 --page-bucket-burst 5 --page-bucket-rate 1
legit=$(newtok)
codes=
for i in 1 2 3 4 5 6; do
	codes="$codes $(C -o /dev/null -w '%{http_code}' "$url/")"
done
check "page budget: GETs past it get 429 (got$codes)" \
    sh -c "echo '$codes' | grep -q 429"
tok=$legit
code=$(postc /dev/null)
tok=fresh
check "page budget spent: a real submission still 200" [ "$code" = 200 ]
code=$(C -o /dev/null -w '%{http_code}' --data "garbage" "$url/submit")
check "page budget spent: an invalid post 429" [ "$code" = 429 ]
kill -TERM "$pid"
wait "$pid" || true
check "page budget: counted" grep -q 'pages-rate-limited [1-9]' \
    "$tmp/ib7.log"

# The spent-token set is bounded: when this hour's is full, refuse with a
# clear page rather than forget a spent token.
start ib8 --spent-tokens 2
s1=$(postc /dev/null)
s2=$(postc /dev/null)
s3=$(postc "$tmp/full.html")
check "spent set: two accepted" [ "$s1$s2" = 200200 ]
check "spent set full: 503" [ "$s3" = 503 ]
check "spent set full: says so" grep -q 'Nothing was stored' \
    "$tmp/full.html"
check "spent set full: two items" [ "$(ls "$tmp/ib8/new" | wc -l)" -eq 2 ]
kill -TERM "$pid"
wait "$pid" || true

# Per-source buckets: a burst of 2 from one address, then 429, while
# another address still gets through (its bucket is another, but for a
# 1 in 65,536 chance of a shared bucket under this run's random key).
# bucket NAME: runs that on server $url, inbox NAME.
bucket() {
	b1=$(postc /dev/null)
	b2=$(postc /dev/null)
	b3=$(postc /dev/null)
	check "$2bucket: first two from one address accepted" \
	    [ "$b1$b2" = 200200 ]
	check "$2bucket: its third gets 429" [ "$b3" = 429 ]
	saved_ip=$IP
	IP=127.77.213.10
	b4=$(postc /dev/null)
	IP=$saved_ip
	check "$2bucket: another address still accepted" [ "$b4" = 200 ]
	check "$2bucket: three items" [ "$(ls "$tmp/$1/new" | wc -l)" -eq 3 ]
}
start ib5 --bucket-burst 2
bucket ib5 ""
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check "bucket server: exit 0" [ "$rc" -eq 0 ]
# On [::], IPv4 peers come as ::ffff:a.b.c.d: still one bucket each.
LISTEN_ON="[::]"
start ib9 --bucket-burst 2
LISTEN_ON=127.0.0.1
bucket ib9 "[::] "
kill -TERM "$pid"
wait "$pid" || true

# The onion service settings of the README: its origin, and no
# per-source buckets (every Tor client comes from 127.0.0.1), so one
# address gets past the bucket bursts, pages and reports alike, up to
# the global burst.
start ibo -o http://EXAMPLE.onion --no-bucket-limit --bucket-burst 2 \
    --page-bucket-burst 3 --rate-burst 4
all=
for i in 1 2 3 4 5 6; do
	all=$all$(C -o /dev/null -w '%{http_code}' "$url/")
done
check "onion settings: six pages over a page bucket of 3" \
    [ "$all" = 200200200200200200 ]
all=
for i in 1 2 3 4 5; do
	all=$all$(postc /dev/null -H "Origin: http://EXAMPLE.onion")
done
check "onion settings: four reports over a bucket of 2, then the global 429" \
    [ "$all" = 200200200200429 ]
check "onion settings: four items" [ "$(ls "$tmp/ibo/new" | wc -l)" -eq 4 ]
code=$(postc /dev/null -H "Origin: http://127.0.0.1:8025")
check "onion settings: the default origin is foreign now (403)" \
    [ "$code" = 403 ]
kill -TERM "$pid"
wait "$pid" || true

# --no-rate-limit: 5 quick posts with a burst of 1 all pass.
start ib3 --rate-burst 1 --rate 1 --no-rate-limit
all=
for i in 1 2 3 4 5; do
	all=$all$(postc /dev/null)
done
check "--no-rate-limit: five accepted" [ "$all" = 200200200200200 ]
kill -TERM "$pid"
wait "$pid" || true

# -c: an INI file with a [serve] section; options override it.
printf '[serve]\nrate = 1\nrate_window = 3600\nrate_burst = 1\n' \
    >"$tmp/serve.ini"
printf 'page_bucket_burst = 1000\nconn_per_source = 64\n' >>"$tmp/serve.ini"
printf 'spent_tokens = 100\ntheme = %s/themes/default\n' "$TOP" \
    >>"$tmp/serve.ini"
start ib4 -c "$tmp/serve.ini"
all=$(postc /dev/null)$(postc /dev/null)
check "-c: its rate_burst is used" [ "$all" = 200429 ]
kill -TERM "$pid"
wait "$pid" || true
printf '[serve]\nlisten = 127.0.0.1:1\nfrobnicate = yes\n' >"$tmp/bad.ini"
rc=0
"$NMINTAKE" serve -c "$tmp/bad.ini" -i "$tmp/ib4" -k "$tmp/rcpt" \
    -t "$TOP/content/nearmiss.ini" 2>"$tmp/err" || rc=$?
check "-c with an unknown key: exit 1" [ "$rc" -eq 1 ]
check "-c with an unknown key: says so" grep -q "unknown key" "$tmp/err"
check "-c with an unknown key: path:line" \
    grep -qF "$tmp/bad.ini:3: unknown key frobnicate" "$tmp/err"

# One file for every command: serve takes a file that also holds
# [intake], [mail] and [imap], and its [serve] keys win over [intake].
cat >"$tmp/all.ini" <<EOF2
[intake]
inbox = $tmp/nowhere
recipients = $tmp/rcpt
taxonomy = $TOP/content/nearmiss.ini
[serve]
rate_burst = 1
[mail]
reply = off
[imap]
host = imap.example.org
port = 993
EOF2
start iball -c "$tmp/all.ini"
all=$(postc /dev/null)$(postc /dev/null)
check "one file: serve starts and uses [serve]" [ "$all" = 200429 ]
check "one file: the -i option beats [intake] inbox" \
    [ "$(ls "$tmp/iball/new" | wc -l)" -eq 1 ]
kill -TERM "$pid"
wait "$pid" || true

# -T: another theme's stylesheet, with the form's rules after it; a
# theme that is not there is an error.
mkdir -p "$tmp/theme/static"
printf '/* another theme */\nbody { margin: 0; }\n' \
    >"$tmp/theme/static/style.css"
chmod -R a+rX "$tmp/theme"
start ibt -T "$tmp/theme"
C -o "$tmp/css2" "$url/style.css"
check "-T: the theme's stylesheet first" \
    sh -c "head -1 '$tmp/css2' | grep -qx '/\* another theme \*/'"
check "-T: the form's rules after it" grep -q '^\.nm-form ' "$tmp/css2"
kill -TERM "$pid"
wait "$pid" || true
rc=0
# shellcheck disable=SC2086
"$NMINTAKE" serve --log-stderr $asuser -T "$tmp/nothing" -i "$tmp/ib4" \
    -k "$tmp/rcpt" -t "$TOP/content/nearmiss.ini" -l 127.0.0.1:1 \
    2>"$tmp/err" || rc=$?
check "-T with no theme there: exit 1" [ "$rc" -eq 1 ]
check "-T with no theme there: says which file" \
    grep -q "nothing/static/style.css" "$tmp/err"

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
check "a report with only the narrative and the consent choice" \
    grep -q 'Minimal report, nothing else given' "$tmp/plain"
check "bidi controls removed from the title" \
    grep -q '^title=Bidi title here$' "$tmp/plain"
check "bidi controls removed from the contact" \
    grep -q 'me@example.org' "$tmp/plain"
check_not "no bidi control stored" \
    grep -qaP '\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$tmp/plain"
cat "$tmp/plain" >>"$tmp/all"
for s in "$IP" 9.213.77.127 7f4dd509 09d54d7f 7F4DD509 09D54D7F \
    2135152905 ::ffff:127.77.213.9; do
	check_not "no $s in the inbox or logs" grep -qaF "$s" "$tmp/all"
done
check_not "no raw bytes of the address" \
    grep -qaP '\x7f\x4d\xd5\x09|\x09\xd5\x4d\x7f' "$tmp/all"
check_not "no User-Agent in the inbox, logs or payloads" \
    grep -qaF NMPlantedAgent "$tmp/all"

finish serve
