#!/bin/sh
# Real-browser tests of the site nearmiss-gen renders: renders the demo
# archive (content/ with themes/default) into a temp folder, serves it on
# 127.0.0.1 with serve.mjs, and runs checks.mjs in Debian's Chromium through
# playwright-core (installed by `npm ci --prefix tests/browser`).  Ends with
# "browser: N passed, N failed" and exits non-zero on any failure.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh run.sh
# KEEP_SHOTS=DIR copies the screenshots and the PDF to DIR; CHROMIUM names
# another browser binary; VERBOSE=1 prints every passing check too.
set -u

: "${TOP:?TOP must name the top of the source tree}"
: "${NMGEN:?NMGEN must name the nearmiss-gen binary}"
here=$TOP/tests/browser
chromium=${CHROMIUM:-/usr/bin/chromium}
tmp=$(mktemp -d)
srv=

cleanup() {
	if [ -n "$srv" ]; then
		kill "$srv" 2>/dev/null
		wait "$srv" 2>/dev/null
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

# Chromium's profile (Playwright makes a fresh one per launch, in TMPDIR) and
# anything it writes under HOME stay in the temp folder.
mkdir "$tmp/out" "$tmp/home" "$tmp/t"
TMPDIR=$tmp/t HOME=$tmp/home BASE_URL="http://127.0.0.1:$port/" \
    SITE="$tmp/site" OUT="$tmp/out" RESULT="$tmp/result" CHROMIUM="$chromium" \
    timeout 120 node "$here/checks.mjs"
rc=$?

if [ -n "${KEEP_SHOTS:-}" ]; then
	mkdir -p "$KEEP_SHOTS" &&
	    cp "$tmp"/out/*.png "$tmp"/out/*.pdf "$KEEP_SHOTS"/ 2>/dev/null
	echo "screenshots and PDF copied to $KEEP_SHOTS"
fi

if [ ! -s "$tmp/result" ]; then
	echo "FAIL: checks.mjs stopped without a result (exit $rc)" >&2
	echo "browser: 0 passed, 1 failed"
	exit 1
fi
cat "$tmp/result"
[ "$rc" -eq 0 ]
