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
# search.sh N: search benchmark.  Generates the synthetic corpus of gen.sh
# (N reports), measures nearmiss-gen's search index (build time and peak
# RSS of the full build, the index phase, index size and file count), and
# for a fixed set of queries the bytes the search page downloads and the
# time to first results, with the real client in headless Chromium against
# the site served on loopback.  Then indexes the Hugo build of the same
# corpus with Pagefind and measures it the same way.  Rows go to
# results/bench.tsv, the summary to results/search-N.txt.  Environment:
# SEED (42), KEEP=1 keeps the scratch directory, GEN (bin/nearmiss-gen),
# THEME (themes/default), GEN_ARGS, NMSIGN (build/tests/nm-sign), CC (cc),
# CHROMIUM (/usr/bin/chromium), PAGEFIND (the npm version, 1.6; "none"
# skips it), RUNS (3), SHOWN (5), BASELINE (a date: compare with gen.sh's
# builds before it).

set -eu

usage()
{
	echo "usage: search.sh N" >&2
	exit 2
}

# The EXIT trap: stop the server, remove the scratch directory unless KEEP=1.
# shellcheck disable=SC2317
cleanup()
{
	stopserver
	rmscratch
}

# kb BYTES: bytes in KB (1000 bytes) to one decimal, or "-".
kb()
{
	awk -v b="$1" 'BEGIN {
	    if (b == "-" || b == "") print "-"; else printf "%.1f\n", b / 1000 }'
}

# dirstats DIR [EXCLUDE]: "files bytes gzipped" of the files under DIR
# but EXCLUDE (search/size.mjs).
dirstats()
{
	node "$BENCH/search/size.mjs" "$@" || echo "- - -"
}

# serve DIR: serve DIR on 127.0.0.1 with tests/browser/serve.mjs; sets
# BASE_URL.
serve()
{
	rm -f "$SCRATCH/port"
	node "$TOP/tests/browser/serve.mjs" "$1" "$SCRATCH/port" \
	    >"$SCRATCH/serve.log" 2>&1 &
	SRV=$!
	i=0
	while [ ! -s "$SCRATCH/port" ]; do
		i=$((i + 1))
		if [ "$i" -gt 100 ] || ! kill -0 "$SRV" 2>/dev/null; then
			say "the static server did not start:"
			sed 's/^/    /' "$SCRATCH/serve.log" >&2
			SRV=
			return 1
		fi
		sleep 0.1
	done
	BASE_URL="http://127.0.0.1:$(cat "$SCRATCH/port")/"
}

stopserver()
{
	if [ -n "${SRV:-}" ]; then
		kill "$SRV" 2>/dev/null || true
		wait "$SRV" 2>/dev/null || true
		SRV=
	fi
}

# client TOOL OUT: run client.mjs for TOOL against BASE_URL.
client()
{
	if PLAYWRIGHT_CORE=$PWCORE CHROMIUM=$CHROMIUM \
	    node "$BENCH/search/client.mjs" "$1" "$BASE_URL" \
	    "$SCRATCH/queries" "$2" 2>"$SCRATCH/client-$1.err"; then
		return 0
	fi
	say "the $1 client run failed for some queries:"
	sed 's/^/    /' "$SCRATCH/client-$1.err" >&2
	{
		echo "$1 client: some queries failed:"
		grep FAILED "$SCRATCH/client-$1.err" | sed 's/^/    /'
	} >>"$NOTES"
	return 1
}

# nearmiss-gen: three full builds (the first with a cold page cache), the
# index measured in the output of the last.
# gengen PHASE LOG OUTDIR [THEME]: one timed full build of $REPO.
gengen()
{
	rm -rf "$3" "$3".*
	dropcaches
	# Word splitting of GEN_ARGS is intended.
	# shellcheck disable=SC2086
	if [ -n "${4:-}" ]; then
		measure nearmiss-gen "$1" "$2" "$GEN" -v -r "$REPO" -o "$3" \
		    -t "$4" $GEN_ARGS
	else
		measure nearmiss-gen "$1" "$2" "$GEN" -v -r "$REPO" -o "$3" \
		    $GEN_ARGS
	fi
}

# nearmiss-gen: three full builds with the index (the first with a cold
# page cache), each followed by one without: gen makes the index for a
# theme with a search page, so the other builds use a copy of the theme
# without search.html.  Each report's text is analysed (tokens, stems,
# the terms' weights) for the index and also for the related reports and
# the terms of stats/ and lessons/: the build without search.html still
# does that.  So a second pair of themes, without those pages, with and
# without search.html, gives the index's share together with all of the
# analysis.  The index is measured in the output of the last full build.
bench_gen()
{
	if [ -n "$THEME" ]; then
		for t in noindex alone bare; do
			cp -R "$THEME" "$SCRATCH/theme-$t" || return 1
		done
		rm -f "$SCRATCH/theme-noindex/search.html"
		for t in alone bare; do
			rm -f "$SCRATCH/theme-$t/_related.html" \
			    "$SCRATCH/theme-$t/stats.html" \
			    "$SCRATCH/theme-$t/lessons.html" \
			    "$SCRATCH/theme-$t/lessons-index.html"
		done
		rm -f "$SCRATCH/theme-bare/search.html"
	else
		note "no THEME: no build without the index to compare with"
	fi
	for r in 1 2 3; do
		gengen full-search "$SCRATCH/gen-$r" "$OUT/gen-out" \
		    "$THEME" || return 1
		# The index phase, if -v reports one: "... index ... N ms".
		grep -i 'index.* ms' "$SCRATCH/gen-$r.err" | head -n 1 \
		    >"$SCRATCH/gen-$r.index" || true
		[ -n "$THEME" ] || continue
		gengen full-noindex "$SCRATCH/gen-noix-$r" "$OUT/gen-noix" \
		    "$SCRATCH/theme-noindex" || return 1
		gengen alone-search "$SCRATCH/gen-alone-$r" "$OUT/gen-alone" \
		    "$SCRATCH/theme-alone" || return 1
		gengen alone-bare "$SCRATCH/gen-bare-$r" "$OUT/gen-bare" \
		    "$SCRATCH/theme-bare" || return 1
		rm -rf "$OUT/gen-alone" "$OUT/gen-alone".* "$OUT/gen-bare" \
		    "$OUT/gen-bare".*
	done
	if [ -e "$OUT/gen-noix/search/index.json" ]; then
		note "the build without search.html wrote an index all the same"
	fi
	r1=$(find "$OUT/gen-noix/reports" -mindepth 1 -maxdepth 1 \
	    2>/dev/null | LC_ALL=C sort | head -n 1)
	r1=${r1##*/}
	if [ -n "$THEME" ] && ! grep -q '<section class="related"' \
	    "$OUT/gen-noix/reports/$r1/index.html" 2>/dev/null; then
		note "the build without search.html lists no related reports"
	fi
	rm -rf "$OUT/gen-noix" "$OUT/gen-noix".*
	return 0
}

bench_pagefind()
{
	case $PAGEFIND in
	none|'')
		note "pagefind not run: PAGEFIND=none"
		return 0
		;;
	esac
	if ! command -v hugo >/dev/null; then
		say "hugo not found: run make deps (skipping pagefind)"
		note "pagefind not run: hugo is not installed (run make deps)"
		return 1
	fi
	if ! command -v npm >/dev/null; then
		say "npm not found (skipping pagefind)"
		note "pagefind not run: npm is not installed"
		return 1
	fi
	say "installing pagefind@$PAGEFIND into $SCRATCH/npm"
	mkdir -p "$SCRATCH/npm"
	if ! npm install --prefix "$SCRATCH/npm" --no-save --no-audit \
	    --no-fund --loglevel=error "pagefind@$PAGEFIND" \
	    >"$SCRATCH/npm.log" 2>&1; then
		say "npm could not install pagefind@$PAGEFIND (no network?):"
		tail -n 5 "$SCRATCH/npm.log" | sed 's/^/    /' >&2
		note "pagefind not run: npm install pagefind@$PAGEFIND failed" \
		    "(no network?)"
		return 1
	fi
	# The platform binary itself, so GNU time sees its memory, not npm's.
	pf=$(find "$SCRATCH/npm/node_modules/@pagefind" -type f -perm -u+x \
	    \( -name pagefind_extended -o -name pagefind \) 2>/dev/null |
	    LC_ALL=C sort | head -n 1)
	if [ -z "$pf" ]; then
		say "no pagefind binary in the npm package"
		note "pagefind not run: no binary in the npm package"
		return 1
	fi
	PF_VERSION=$("$pf" --version 2>/dev/null | awk '{ print $NF }')

	# The Hugo site, as gen.sh builds it.
	hs=$SCRATCH/hugo-site
	hugosite "$hs" || return 1
	HUGO_VERSION=$(hugo version | awk '{ print $2 }')
	say "hugo: full build"
	dropcaches
	measure hugo full-search "$SCRATCH/hugo" hugo --quiet -s "$hs" \
	    -d "$SCRATCH/hugo-out" --cacheDir "$SCRATCH/hugo-cache" ||
	    return 1

	say "pagefind $PF_VERSION: indexing the Hugo output"
	dropcaches
	measure pagefind index "$SCRATCH/pagefind" "$pf" \
	    --site "$SCRATCH/hugo-out" || return 1
	PF_PAGES=$(awk '/Indexed [0-9]+ pages/ { print $2 }' \
	    "$SCRATCH/pagefind.out" "$SCRATCH/pagefind.err" | head -n 1)
	[ -n "$PF_PAGES" ] || PF_PAGES=-
	if [ "$PF_PAGES" != "$N" ]; then
		note "pagefind indexed $PF_PAGES pages, not $N"
	fi
	# shellcheck disable=SC2046
	set -- $(dirstats "$SCRATCH/hugo-out/pagefind")
	PF_FILES=$1 PF_BYTES=$2 PF_GZ=$3

	mkdir -p "$SCRATCH/hugo-out/_bench"
	cp "$BENCH/search/pagefind.html" "$BENCH/search/pagefind.js" \
	    "$SCRATCH/hugo-out/_bench/" || return 1
	serve "$SCRATCH/hugo-out" || return 1
	say "pagefind: queries in Chromium"
	client pagefind "$SCRATCH/pf.tsv" || PF_RC=1
	stopserver
	return "${PF_RC:-0}"
}

[ $# -eq 1 ] || usage
N=$1
case $N in
''|*[!0-9]*)
	usage
	;;
esac
[ "$N" -ge 1 ] || usage

BENCH=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH")
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
RESULTS=$BENCH/results
TSV=$RESULTS/bench.tsv
SUMMARY=$RESULTS/search-$N.txt
GEN=${GEN:-$TOP/bin/nearmiss-gen}
NMSIGN=${NMSIGN:-$TOP/build/tests/nm-sign}
GEN_ARGS=${GEN_ARGS:-}
if [ -z "${THEME+set}" ] && [ -d "$TOP/themes/default" ]; then
	THEME=$TOP/themes/default
fi
THEME=${THEME:-}
SEED=${SEED:-42}
CC=${CC:-cc}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PAGEFIND=${PAGEFIND-1.6}
PWCORE=$TOP/tests/browser/node_modules/playwright-core/index.mjs
export RUNS="${RUNS:-3}" SHOWN="${SHOWN:-5}"
SRV=

if ! /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
	say "GNU time is missing (/usr/bin/time -f): run make deps"
	exit 1
fi
command -v git >/dev/null || { say "git not found: run make deps"; exit 1; }
command -v node >/dev/null ||
    { say "node not found (Debian package nodejs)"; exit 1; }
[ -x "$CHROMIUM" ] ||
    { say "$CHROMIUM not found (Debian package chromium)"; exit 1; }
[ -f "$PWCORE" ] ||
    { say "playwright-core missing: run npm ci --prefix tests/browser"; \
    exit 1; }
[ -x "$NMSIGN" ] || { say "$NMSIGN not found: run make tests"; exit 1; }
[ -x "$GEN" ] || { say "$GEN not found: run make first"; exit 1; }

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nearmiss-search.XXXXXX")
trap cleanup EXIT
trap 'exit 130' HUP INT TERM

REPO=$SCRATCH/repo
ROWS=$SCRATCH/rows
# The builds' outputs: up to three at once, about 60 KB a report each.
OUT=$SCRATCH/out
outfs "$OUT" $((N / 5 + 2048))
NOTES=$SCRATCH/notes
: >"$ROWS"
: >"$NOTES"
mkdir -p "$RESULTS" "$SCRATCH/bin"
[ -f "$TSV" ] ||
    printf 'date\tn\ttool\tphase\twall_s\tpeak_rss_kib\n' >"$TSV"
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
STATUS=0

# The baseline: gen.sh's latest full builds of N reports (their median)
# dated before BASELINE (default 2026-12-07, the day the index writer
# landed: earlier builds wrote no index).
BASELINE=${BASELINE:-2026-12-07}
BASE_DATE=$(awk -F'\t' -v n="$N" -v b="$BASELINE" '$2 == n &&
    $3 == "nearmiss-gen" && $4 == "full" && $1 < b { d = $1 }
    END { print (d == "" ? "-" : d) }' "$TSV")
BASE_WALL=$(awk -F'\t' -v n="$N" -v d="$BASE_DATE" '$1 == d && $2 == n &&
    $3 == "nearmiss-gen" && $4 == "full" { print $5 }' "$TSV" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
    else print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')

say "building mkcorpus"
$CC -O2 -o "$SCRATCH/bin/mkcorpus" "$BENCH/mkcorpus.c"

say "generating $N reports (seed $SEED)"
CORPUS=$("$SCRATCH/bin/mkcorpus" "$N" "$REPO" "$SEED")
"$NMSIGN" "$REPO/content"
corpusrepo

GEN_VERSION=$("$GEN" --version 2>/dev/null | head -n 1 || true)
IX_FILES=- IX_BYTES=- IX_GZ=- IX_PHASE=-
say "nearmiss-gen: three full builds with the index, three without"
GEN_OK=0
bench_gen || GEN_OK=1

# The queries, from the corpus text, never a stop word of the index (but
# "the") if there is an index.
STOPS=
if [ -f "$OUT/gen-out/search/index.json" ]; then
	STOPS=$(node -e 'const e = JSON.parse(require("fs").readFileSync(
	    process.argv[1], "utf8")); console.log((e.stop || []).join(" "))' \
	    "$OUT/gen-out/search/index.json") || STOPS=
fi
say "choosing the queries"
(cd "$REPO" && find content/reports -name '*.md' | LC_ALL=C sort |
    xargs cat) | LC_ALL=C awk -v n="$N" -v stop="$STOPS" \
    -f "$BENCH/search/pick.awk" >"$SCRATCH/queries.all" ||
    { say "pick.awk failed"; exit 1; }
grep -v '^#' "$SCRATCH/queries.all" >"$SCRATCH/queries"

if [ "$GEN_OK" -eq 0 ]; then
	if [ -f "$OUT/gen-out/search/index.json" ]; then
		# shellcheck disable=SC2046
		set -- $(dirstats "$OUT/gen-out/search" index.html)
		IX_FILES=$1 IX_BYTES=$2 IX_GZ=$3
	else
		say "no search/index.json in the output: is gen/index.c built?"
		note "nearmiss-gen wrote no search/index.json"
		STATUS=1
	fi
	# The index phase of the last build, as -v printed it.
	IX_LINE=$(cat "$SCRATCH/gen-3.index")
	IX_PHASE=$(echo "$IX_LINE" | sed -n \
	    's/.*[^0-9.]\([0-9][0-9.]*\) *ms.*/\1/p' | head -n 1)
	[ -n "$IX_PHASE" ] || IX_PHASE=-
	if [ -f "$OUT/gen-out/search/index.json" ]; then
		serve "$OUT/gen-out" || STATUS=1
		if [ -n "$SRV" ]; then
			say "nearmiss: queries in Chromium"
			client nearmiss "$SCRATCH/nm.tsv" || STATUS=1
			stopserver
		fi
	fi
else
	STATUS=1
fi

PF_VERSION=- HUGO_VERSION=- PF_FILES=- PF_BYTES=- PF_GZ=- PF_PAGES=-
bench_pagefind || STATUS=1

# ---- the summary ----

# shellcheck disable=SC2046
set -- $(stats nearmiss-gen full-search 3)
G_WALL=$1
# shellcheck disable=SC2046
set -- $(stats nearmiss-gen full-search 4)
G_RSS=$2
# shellcheck disable=SC2046
set -- $(stats nearmiss-gen full-noindex 3)
NI_WALL=$1
# shellcheck disable=SC2046
set -- $(stats nearmiss-gen full-noindex 4)
NI_RSS=$2
# CPU time (user + sys), median of each.
cpu()
{
	awk -v p="$1" '$1 == "nearmiss-gen" && $2 == p { print $5 + $6 }' \
	    "$ROWS" | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
	    else print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
G_CPU=$(cpu full-search)
NI_CPU=$(cpu full-noindex)
# shellcheck disable=SC2046
set -- $(stats nearmiss-gen alone-search 3)
AL_WALL=$1
# shellcheck disable=SC2046
set -- $(stats nearmiss-gen alone-bare 3)
BA_WALL=$1
AL_CPU=$(cpu alone-search)
BA_CPU=$(cpu alone-bare)
G_LAST=$(get nearmiss-gen full-search 3 3)
P_WALL=$(get pagefind index 3)
P_RSS=$(get pagefind index 4)
H_WALL=$(get hugo full-search 3)

# The index's share of the build: the -v phase against the rest of the
# same build, else this run against gen.sh's baseline.
IX_SHARE=$(awk -v p="$IX_PHASE" -v w="$G_LAST" 'BEGIN {
    if (p == "-" || w == "-" || w * 1000 - p <= 0) print "-";
    else printf "%.1f\n", 100 * p / (w * 1000 - p) }')
BASE_SHARE=$(awk -v g="$G_WALL" -v b="$BASE_WALL" 'BEGIN {
    if (g == "-" || b == "-" || b + 0 == 0) print "-";
    else printf "%.1f\n", 100 * (g - b) / b }')
# pct A B: how much more A is than B, in percent, or "-".
pct()
{
	awk -v a="$1" -v b="$2" 'BEGIN {
	    if (a == "-" || b == "-" || b + 0 == 0) print "-";
	    else printf "%.1f\n", 100 * (a - b) / b }'
}
NI_SHARE=$(pct "$G_WALL" "$NI_WALL")
NI_CPUSHARE=$(pct "$G_CPU" "$NI_CPU")
AL_SHARE=$(pct "$AL_WALL" "$BA_WALL")
AL_CPUSHARE=$(pct "$AL_CPU" "$BA_CPU")
if [ "$NI_SHARE" != - ]; then
	SHARE=$NI_SHARE
	SHARE_HOW="median wall time of the full build with the index vs"
	SHARE_HOW="$SHARE_HOW without (the text analysis, which the related"
	SHARE_HOW="$SHARE_HOW reports and stats/ need too, in both; with it"
	SHARE_HOW="$SHARE_HOW counted as the index's, $AL_SHARE%)"
elif [ "$IX_SHARE" != - ]; then
	SHARE=$IX_SHARE
	SHARE_HOW="index phase of -v / rest of the build"
else
	SHARE=$BASE_SHARE
	SHARE_HOW="median full build vs gen.sh's of $BASE_DATE"
fi

# col FILE NAME FIELD: a field of a client.mjs result line, or "-".
col()
{
	if [ -f "$1" ]; then
		awk -F'\t' -v q="$2" -v f="$3" '$1 == q { v = $f }
		    END { print (v == "" ? "-" : v) }' "$1"
	else
		echo -
	fi
}

NM=$SCRATCH/nm.tsv
PF=$SCRATCH/pf.tsv
# Typical one-word query: the larger of the rare and the common word.
TYPICAL=$(awk -v a="$(col "$NM" "rare word" 2)" \
    -v b="$(col "$NM" "common word" 2)" 'BEGIN {
    if (a == "-" || b == "-") print "-"; else if (a + 0 > b + 0) print a;
    else print b }')
STOPB=$(col "$NM" "stop word" 2)
FACETB=$(col "$NM" "common word" 4)
FACETALL=$(col "$NM" "common word" 11)
SLOWEST=$(awk -F'\t' '$7 != "-" && ($7 + 0 > m) { m = $7 + 0; q = $1 }
    END { print (q == "" ? "-" : m) }' "$NM" 2>/dev/null || echo -)
SLOWQ=$(awk -F'\t' '$7 != "-" && ($7 + 0 > m) { m = $7 + 0; q = $1 }
    END { print q }' "$NM" 2>/dev/null || true)
[ -n "$SLOWEST" ] || SLOWEST=-
PERFILE=$(awk -v f="$IX_FILES" -v n="$N" 'BEGIN {
    if (f == "-") print "-"; else printf "%.3f\n", f / n }')
at()
{
	[ "$N" -eq "$1" ] || echo " (target is for N=$1)"
}

{
	echo "nearmiss search benchmark, N=$N, seed $SEED, $DATE"
	echo
	echo "machine:  $(nproc) CPU ($(awk -F': ' '/^model name/ {
	    print $2; exit }' /proc/cpuinfo 2>/dev/null)), $(awk '
	    /^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' \
	    /proc/meminfo 2>/dev/null) RAM, $(uname -sr)"
	echo "page cache dropped before each full build: $(
	    [ "$(id -u)" -eq 0 ] && echo yes || echo "no (not root)")"
	echo "outputs:  $OUTFS"
	echo "corpus:   $CORPUS"
	echo "versions: $GEN_VERSION; hugo $HUGO_VERSION; pagefind" \
	    "$PF_VERSION; chromium $("$CHROMIUM" --version 2>/dev/null |
	    awk '{ print $2 }')"
	echo
	echo "queries (chosen from the corpus by search/pick.awk):"
	awk -F'\t' '!/^#/ {
		t = ($2 == "-") ? "" : $2
		if ($3 != "-")
			t = t " [" $3 "=" $4 "]"
		if ($5 == "keys")
			t = t " (typed key by key)"
		printf "  %-13s %s\n", $1, t
	    }' "$SCRATCH/queries.all"
	sed -n 's/^# /  /p' "$SCRATCH/queries.all"
	echo
	echo "builds (wall s, peak RSS KiB):"
	printf '  %-13s %-12s %8s %10s %8s %8s\n' tool phase "wall s" \
	    "peak KiB" "user s" "sys s"
	while read -r tool phase wall rss user sys; do
		printf '  %-13s %-12s %8s %10s %8s %8s\n' "$tool" "$phase" \
		    "$wall" "$rss" "$user" "$sys"
	done <"$ROWS"
	echo "  nearmiss-gen full build, median of 3: with the index" \
	    "$G_WALL s (CPU $G_CPU s), peak $G_RSS KiB;"
	echo "  without (theme without search.html): $NI_WALL s (CPU" \
	    "$NI_CPU s), peak $NI_RSS KiB: the index adds $NI_SHARE%" \
	    "(CPU $NI_CPUSHARE%)"
	echo "  without related reports, stats/ and lessons/, so that" \
	    "nothing but the index needs the"
	echo "  reports' text analysed: with the index $AL_WALL s (CPU" \
	    "$AL_CPU s), without $BA_WALL s (CPU $BA_CPU s):"
	echo "  the index with all of the analysis adds $AL_SHARE%" \
	    "(CPU $AL_CPUSHARE%)"
	echo "  the index phase (-v) of the last: ${IX_LINE:-none printed}" \
	    "($IX_SHARE% of the rest;"
	echo "  the index's share of other phases, such as tokenizing," \
	    "is not in it)"
	echo "  gen.sh's full build of $N reports before $BASELINE" \
	    "($BASE_DATE, median): $BASE_WALL s;"
	echo "  this run's median is $BASE_SHARE% more (the index, other" \
	    "changes since, and the load)"
	echo
	echo "index:                      files     bytes        gzipped" \
	    "    files/report"
	printf '  %-24s %7s %12s %12s %10s\n' "nearmiss (search/)" \
	    "$IX_FILES" "$IX_BYTES" "$IX_GZ" "$PERFILE"
	printf '  %-24s %7s %12s %12s %10s\n' "pagefind (pagefind/)" \
	    "$PF_FILES" "$PF_BYTES" "$PF_GZ" "$(awk -v f="$PF_FILES" \
	    -v n="$N" 'BEGIN { if (f == "-") print "-";
	    else printf "%.3f\n", f / n }')"
	echo "  indexing: nearmiss in the build (above); pagefind" \
	    "$P_WALL s, peak $P_RSS KiB, on top of hugo's $H_WALL s;" \
	    "pagefind indexed $PF_PAGES pages"
	echo
	echo "per query, KB = 1000 bytes as a CDN sends them (text gzipped):"
	echo "  first = page, CSS, JS and index files until the first" \
	    "results are shown;"
	echo "  +facets = the filters opened, until the counts of the groups" \
	    "open by default are shown"
	echo "  too; +all = until those of every group are (pagefind: both" \
	    "after filters());"
	echo "  ms = median of $RUNS; nearmiss key/srch: from the last key" \
	    "(the facet only query:"
	echo "  from ticking its box on the loaded page) to the results /" \
	    "from the client's"
	echo "  data-state busy to done; pagefind: search() and data()" \
	    "after init()."
	printf '  %-13s %8s %8s %8s %8s %6s %11s %7s | %8s %8s %8s %7s %7s\n' \
	    query "nm KB" "(index)" "+facets" "+all" reqs "ms key/srch" hits \
	    "pf KB" "(index)" "+facets" "pf ms" hits
	awk -F'\t' '!/^#/ { print $1 }' "$SCRATCH/queries" |
	while IFS= read -r q; do
		printf '  %-13s %8s %8s %8s %8s %6s %11s %7s | %8s %8s %8s %7s %7s\n' \
		    "$q" "$(kb "$(col "$NM" "$q" 2)")" \
		    "$(kb "$(col "$NM" "$q" 3)")" \
		    "$(kb "$(col "$NM" "$q" 4)")" \
		    "$(kb "$(col "$NM" "$q" 11)")" "$(col "$NM" "$q" 5)" \
		    "$(col "$NM" "$q" 6)/$(col "$NM" "$q" 7)" \
		    "$(col "$NM" "$q" 8)" \
		    "$(kb "$(col "$PF" "$q" 2)")" \
		    "$(kb "$(col "$PF" "$q" 3)")" \
		    "$(kb "$(col "$PF" "$q" 4)")" "$(col "$PF" "$q" 6)" \
		    "$(col "$PF" "$q" 8)"
	done
	echo "  (pagefind: a bare page without Pagefind's UI script, so a" \
	    "lower bound for a Pagefind page)"
	awk -F'\t' '$12 != "" && $12 != "-" { printf "  %s loaded from its" \
	    " address (a shared link), from the start of the navigation" \
	    " to the results: %s ms\n", $1, $12 }' "$NM" 2>/dev/null || true
	# Where the two disagree on the number of results.
	awk -F'\t' '!/^#/ { print $1 }' "$SCRATCH/queries" |
	while IFS= read -r q; do
		a=$(col "$NM" "$q" 8)
		b=$(col "$PF" "$q" 8)
		case $a$b in
		*[!0-9]*|'')
			;;
		*)
			[ "$a" -eq "$b" ] ||
			    echo "  hits differ for $q: nearmiss $a, pagefind $b"
			;;
		esac
	done
	echo
	echo "where the bytes to first results go (KB):"
	for t in nearmiss pagefind; do
		f=$NM
		[ "$t" = nearmiss ] || f=$PF
		[ -f "$f" ] || continue
		awk -F'\t' -v t="$t" '$10 != "" && $10 != "-" {
			n = split($10, kv, " ")
			s = ""
			for (i = 1; i <= n; i++) {
				split(kv[i], p, "=")
				s = s sprintf(" %s %.1f", p[1], p[2] / 1000)
			}
			printf "  %-8s %-13s%s\n", t, $1, s
		}' "$f"
	done
	echo
	printf '%-58s %-16s %s\n' target measured verdict
	printf '%-58s %-16s %s\n' "typical one-word query <= 60 KB$(at 10000)" \
	    "$(kb "$TYPICAL") KB" "$(verdict "$TYPICAL <= 60000")"
	printf '%-58s %-16s %s\n' "typical one-word query <= 80 KB$(at 50000)" \
	    "$(kb "$TYPICAL") KB" "$(verdict "$TYPICAL <= 80000")"
	printf '%-58s %-16s %s\n' "stop word <= 2x typical" \
	    "$(kb "$STOPB") KB" "$(verdict "$STOPB <= 2 * $TYPICAL")"
	printf '%-58s %-16s %s\n' "with facet counts <= 150 KB$(at 50000)" \
	    "$(kb "$FACETB") KB" "$(verdict "$FACETB <= 150000")"
	printf '%-58s %-16s %s\n' "  (with every facet group open; no target)" \
	    "$(kb "$FACETALL") KB" "-"
	printf '%-58s %-16s %s\n' "<= 1 index file per 10 reports" \
	    "$PERFILE/report" "$(verdict "$PERFILE <= 0.1")"
	printf '%-58s %-16s %s\n' "index adds <= 35% to the build time" \
	    "$SHARE%" "$(verdict "$SHARE <= 35")"
	printf '%-58s %-16s %s\n' "  (with all of the text analysis; no target)" \
	    "$AL_SHARE%" "-"
	printf '%-58s %-16s %s\n' "pages plus index <= 25 s$(at 50000)" \
	    "$G_WALL s" "$(verdict "$G_WALL <= 25")"
	printf '%-58s %-16s %s\n' "peak RSS <= 200 MB$(at 50000)" \
	    "$(awk -v k="$G_RSS" 'BEGIN { if (k == "-") print "-";
	    else printf "%.1f MiB\n", k / 1024 }')" \
	    "$(verdict "$G_RSS <= 204800")"
	printf '%-58s %-16s %s\n' "first results <= 100 ms (slowest query)" \
	    "$SLOWEST ms" "$(verdict "$SLOWEST <= 100")"
	echo
	echo "typical one-word = the larger of the rare and the common word;"
	echo "pages plus index = the median full build with the index (learning pages too);"
	echo "facet counts = the common word's, the groups open by default;"
	echo "build time share: $SHARE_HOW;"
	echo "first results = the search itself (busy to done), slowest:" \
	    "${SLOWQ:--}."
	if [ -s "$NOTES" ]; then
		echo
		echo "notes:"
		cat "$NOTES"
	fi
} >"$SCRATCH/summary"

cp "$SCRATCH/summary" "$SUMMARY"
cat "$SCRATCH/summary"
say "rows appended to $TSV, summary in $SUMMARY"
exit "$STATUS"
