#!/bin/sh
# Real-browser tests of the site nearmiss-gen renders: renders the demo
# archive (content/ with themes/default) into a temp folder, serves it on
# 127.0.0.1 with serve.mjs, and runs checks.mjs in Debian's Chromium through
# playwright-core (installed by `npm ci --prefix tests/browser`).  Ends with
# "browser: N passed, N failed" and exits non-zero on any failure.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh run.sh
# KEEP_SHOTS=DIR copies the screenshots and the PDF to DIR; CHROMIUM names
# another browser binary; VERBOSE=1 prints every passing check too.
# It also starts nearmiss-intake serve (next to NMGEN, or NMINTAKE) with a
# fresh reviewer key (nearmiss-review, or NMREVIEW) and inbox, and form.mjs
# checks the intake form it serves.  status.mjs checks the receipt status
# page of the demo site against receipt_hash() (NMRECEIPT, tests/nm-receipt
# of the same build).  search.mjs checks the search page in the browser and
# relevance.mjs the ranking of tests/search/relevance.txt; phone.mjs the
# report pages on a phone and in print; opendata.mjs checks the data
# dictionary page; the closing line adds up the five.
set -u

: "${TOP:?TOP must name the top of the source tree}"
: "${NMGEN:?NMGEN must name the nearmiss-gen binary}"
here=$TOP/tests/browser
bindir=$(dirname "$NMGEN")
NMINTAKE=${NMINTAKE:-$bindir/nearmiss-intake}
NMREVIEW=${NMREVIEW:-$bindir/nearmiss-review}
# receipt_hash() for status.mjs: tests/nm-receipt of the same build.
NMRECEIPT=${NMRECEIPT:-$(dirname "$bindir")/tests/nm-receipt}
chromium=${CHROMIUM:-/usr/bin/chromium}
tmp=$(mktemp -d)
srv=
isrv=

cleanup() {
	if [ -n "$srv" ]; then
		kill "$srv" 2>/dev/null
		wait "$srv" 2>/dev/null
	fi
	if [ -n "$isrv" ]; then
		kill "$isrv" 2>/dev/null
		wait "$isrv" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# bail MESSAGE: one failed check that stops the suite.
bail() {
	echo "FAIL: $*" >&2
	echo "browser: 0 passed, 1 failed"
	exit 1
}

command -v node >/dev/null 2>&1 || bail "node not found (Debian package nodejs)"
[ -x "$chromium" ] || bail "$chromium not found (Debian package chromium)"
[ -f "$here/node_modules/playwright-core/package.json" ] ||
    bail "playwright-core missing: run 'npm ci --prefix tests/browser'"

if ! "$NMGEN" -q --no-sync -r "$TOP" -t "$TOP/themes/default" \
    -o "$tmp/site" >"$tmp/gen.log" 2>&1; then
	cat "$tmp/gen.log" >&2
	bail "nearmiss-gen could not render the demo archive"
fi

node "$here/serve.mjs" "$tmp/site" "$tmp/port" &
srv=$!
i=0
while [ ! -s "$tmp/port" ]; do
	i=$((i + 1))
	[ "$i" -le 100 ] || bail "the static server did not start"
	kill -0 "$srv" 2>/dev/null || bail "the static server exited"
	sleep 0.1
done
port=$(cat "$tmp/port")

# The intake form server: one reviewer key, an empty inbox, a free port.
[ -x "$NMINTAKE" ] || bail "$NMINTAKE not found"
[ -x "$NMREVIEW" ] || bail "$NMREVIEW not found"
command -v curl >/dev/null 2>&1 || bail "curl not found"
"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" >"$tmp/recipients" \
    2>"$tmp/review.log" || bail "nearmiss-review keygen failed: $(cat "$tmp/review.log")"
inbox=$tmp/inbox
mkdir -m 700 "$inbox" "$inbox/new" "$inbox/tmp" || bail "cannot make $inbox"
asuser=
if [ "$(id -u)" -eq 0 ]; then
	chown -R nobody "$inbox" || bail "cannot chown $inbox to nobody"
	# nobody must reach the inbox and the recipients file through $tmp.
	chmod 711 "$tmp"
	asuser="-u nobody"
fi
iport=
for try in 1 2 3; do
	p=$(node -e 'const s=require("net").createServer();
s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})') ||
	    bail "no free port"
	# $asuser is empty or two words on purpose.
	"$NMINTAKE" serve --log-stderr -l "127.0.0.1:$p" -i "$inbox" \
	    -k "$tmp/recipients" -t "$TOP/content/nearmiss.ini" \
	    -T "$TOP/themes/default" \
	    -o "http://127.0.0.1:$p" $asuser 2>"$tmp/intake.log" &
	isrv=$!
	i=0
	while [ "$i" -le 50 ] && kill -0 "$isrv" 2>/dev/null; do
		if curl -sf -o /dev/null "http://127.0.0.1:$p/style.css"; then
			iport=$p
			break
		fi
		i=$((i + 1))
		sleep 0.1
	done
	[ -n "$iport" ] && break
	kill "$isrv" 2>/dev/null
	wait "$isrv" 2>/dev/null
	isrv=
done
if [ -z "$iport" ]; then
	cat "$tmp/intake.log" >&2
	bail "nearmiss-intake serve did not start"
fi

# Chromium's profile (Playwright makes a fresh one per launch, in TMPDIR) and
# anything it writes under HOME stay in the temp folder.
mkdir "$tmp/out" "$tmp/home" "$tmp/t"
TMPDIR=$tmp/t HOME=$tmp/home BASE_URL="http://127.0.0.1:$port/" \
    SITE="$tmp/site" OUT="$tmp/out" RESULT="$tmp/result" CHROMIUM="$chromium" \
    FORM_URL="http://127.0.0.1:$iport/" INBOX="$inbox" NMRECEIPT="$NMRECEIPT" \
    timeout 120 node "$here/checks.mjs"
rc=$?
# The search page (search.mjs, in the browser) and the ranking of its engine
# (relevance.mjs, in node against the rendered index): their own results,
# added up below.
TMPDIR=$tmp/t HOME=$tmp/home BASE_URL="http://127.0.0.1:$port/" \
    SITE="$tmp/site" TOP="$TOP" RESULT="$tmp/result-search" \
    CHROMIUM="$chromium" timeout 300 node "$here/search.mjs"
src=$?
SITE="$tmp/site" TOP="$TOP" RESULT="$tmp/result-relevance" \
    timeout 120 node "$here/relevance.mjs"
rrc=$?
# The report pages on a phone, and in print (phone.mjs): added up below.
TMPDIR=$tmp/t HOME=$tmp/home BASE_URL="http://127.0.0.1:$port/" \
    SITE="$tmp/site" RESULT="$tmp/result-phone" CHROMIUM="$chromium" \
    timeout 120 node "$here/phone.mjs"
prc=$?
# The open data's dictionary page (opendata.mjs).
TMPDIR=$tmp/t HOME=$tmp/home BASE_URL="http://127.0.0.1:$port/" TOP="$TOP" \
    RESULT="$tmp/result-opendata" CHROMIUM="$chromium" \
    timeout 120 node "$here/opendata.mjs"
orc=$?
# stats/ (stats.mjs): axe, the phone, the charts.
TMPDIR=$tmp/t HOME=$tmp/home BASE_URL="http://127.0.0.1:$port/" TOP="$TOP" \
    RESULT="$tmp/result-stats" CHROMIUM="$chromium" \
    timeout 120 node "$here/stats.mjs" || rrc=1

if [ -n "${KEEP_SHOTS:-}" ]; then
	mkdir -p "$KEEP_SHOTS" &&
	    cp "$tmp"/out/*.png "$tmp"/out/*.pdf "$KEEP_SHOTS"/ 2>/dev/null
	echo "screenshots and PDF copied to $KEEP_SHOTS"
fi

# Each script wrote "browser: N passed, N failed"; one that wrote nothing
# counts as one failure.
for r in result:checks result-search:search result-relevance:relevance \
    result-phone:phone result-opendata:opendata result-stats:stats; do
	if [ ! -s "$tmp/${r%%:*}" ]; then
		echo "FAIL: ${r#*:}.mjs stopped without a result" >&2
		echo "browser: 0 passed, 1 failed" >"$tmp/${r%%:*}"
	fi
done
cat "$tmp/result" "$tmp/result-search" "$tmp/result-relevance" \
    "$tmp/result-phone" "$tmp/result-opendata" "$tmp/result-stats" |
    awk '{ p += $2; f += $4 } END { printf "browser: %d passed, %d failed\n", p, f }'
[ "$rc" -eq 0 ] && [ "$src" -eq 0 ] && [ "$rrc" -eq 0 ] && [ "$prc" -eq 0 ] &&
    [ "$orc" -eq 0 ]
