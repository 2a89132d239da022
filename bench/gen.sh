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
# gen.sh N: build benchmark.  Generates N synthetic reports into a scratch
# git repository, times nearmiss-gen (full, no-op and one-report rebuilds),
# checks that its output is deterministic, and times the cmark floor and
# Hugo on the same corpus.  Rows go to results/bench.tsv, the summary to
# results/gen-N.txt.  Environment: SEED (42), KEEP=1 keeps the scratch
# directory, GEN (bin/nearmiss-gen), THEME (themes/default of the
# checkout; empty for none), GEN_ARGS (extra arguments), CC (cc).

set -eu

usage()
{
	echo "usage: gen.sh N" >&2
	exit 2
}

# ratio A B: A / B to two decimals, or "n/a".
ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN {
	    if (a == "-" || b == "-" || b + 0 == 0) print "n/a";
	    else printf "%.2f\n", a / b }'
}

# unit VALUE UNIT: the value with its unit, or "-" if there is none.
unit()
{
	case "$1" in
	-|n/a)
		echo -
		;;
	*)
		echo "$1$2"
		;;
	esac
}

# pages DIR: how many report pages (<id>/index.html) a build wrote.
pages()
{
	find "$1" -path \
	    '*/[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]/index.html' \
	    2>/dev/null | wc -l | tr -d ' '
}

# outsize DIR: "files, KiB, report pages" of a build output.
outsize()
{
	if [ -d "$1" ]; then
		echo "$(find "$1" -type f | wc -l | tr -d ' ') files," \
		    "$(du -sk "$1" | cut -f1) KiB, $(pages "$1") of $N" \
		    "report pages"
	else
		echo "-"
	fi
}

# checkpages TOOL DIR: note a build that skipped reports.
checkpages()
{
	c_n=$(pages "$2")
	if [ "$c_n" -ne "$N" ]; then
		say "$1 wrote $c_n report pages, not $N"
		echo "$1 wrote $c_n report pages, not $N" >>"$NOTES"
	fi
}

# nth K: the path (relative to REPO) of the K-th report in path order.
nth()
{
	(cd "$REPO" && find content/reports -name '*.md' | LC_ALL=C sort |
	    sed -n "${1}p")
}

# median TOOL PHASE [cpu]: the median wall time (with cpu, user + sys
# time) of the runs of TOOL PHASE, or "-"; runs TOOL PHASE: their wall
# times, comma-separated.
median()
{
	awk -v t="$1" -v p="$2" -v cpu="${3:-}" '$1 == t && $2 == p {
	    print (cpu != "" ? $5 + $6 : $3) }' "$ROWS" |
	    sort -n | awk '{ v[NR] = $1 } END {
	    if (NR == 0) print "-";
	    else if (NR % 2) print v[(NR + 1) / 2];
	    else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

runs()
{
	awk -v t="$1" -v p="$2" '$1 == t && $2 == p { printf "%s%s",
	    n++ ? ", " : "", $3 } END { print "" }' "$ROWS"
}

# rungen PHASE LOG OUTDIR: one timed nearmiss-gen build of $REPO.
rungen()
{
	# Word splitting of GEN_ARGS is intended.
	# shellcheck disable=SC2086
	if [ -n "$THEME" ]; then
		measure nearmiss-gen "$1" "$SCRATCH/$2" \
		    "$GEN" -r "$REPO" -o "$3" -t "$THEME" $GEN_ARGS
	else
		measure nearmiss-gen "$1" "$SCRATCH/$2" \
		    "$GEN" -r "$REPO" -o "$3" $GEN_ARGS
	fi
}

# edit FILE: adds the benchmark's sentence to the first paragraph of the
# report FILE (relative to REPO), has the test reviewers approve it again
# and commits it.
edit()
{
	awk -v s="$SENTENCE" '
	    fm < 2 { print; if ($0 == "---") fm++; next }
	    !done && $0 != "" { inpara = 1 }
	    !done && inpara && $0 == "" { print s; done = 1 }
	    { print }' "$REPO/$1" >"$SCRATCH/edited.md"
	cmp -s "$SCRATCH/edited.md" "$REPO/$1" &&
	    { say "could not edit $1"; return 1; }
	cp "$SCRATCH/edited.md" "$REPO/$1" || return 1
	# The edit voids its approvals: the test reviewers approve it again.
	"$NMSIGN" "$REPO/content" || return 1
	e_apv=$(echo "$1" | sed 's|/reports/\(.*\)\.md$|/approvals/\1|')
	GIT_AUTHOR_DATE=2026-01-01T00:01:00Z \
	GIT_COMMITTER_DATE=2026-01-01T00:01:00Z \
	    git -C "$REPO" -c core.autocrlf=false commit -q \
	    -m "Edit one report" -- "$1" "$e_apv"
}

# What learning from the archive costs (issue 11): the same builds with a
# "lean" copy of the theme without its templates for stats/, lessons/,
# the related reports, the data dictionary and the report of the week,
# so that gen skips those.  Open data files and the feeds per factor,
# loss potential and year are written whatever the theme: the figure
# leaves them out (it is a lower bound).  A full build and a one-report
# rebuild with each theme, on a second edited report.
bench_learn()
{
	[ -n "$THEME" ] || return 0
	lean=$SCRATCH/lean-theme
	out4=$OUT/gen-out4
	rm -rf "$lean"
	cp -R "$THEME" "$lean" || return 1
	rm -f "$lean/stats.html" "$lean/lessons.html" \
	    "$lean/lessons-index.html" "$lean/_related.html" \
	    "$lean/data.html" "$lean/week.html" "$lean/weeks.html"
	full_theme=$THEME
	say "nearmiss-gen: full build, lean theme"
	dropcaches
	THEME=$lean
	rungen lean-full gen-lean-full "$out4" || { THEME=$full_theme; return 1; }
	THEME=$full_theme
	# Three edits, each built with both themes: the medians compare.
	for k in $(((N + 3) / 4)) $(((N + 4) / 5)) $((3 * N / 4)); do
		e=$(nth "$k")
		say "nearmiss-gen: one-report rebuilds, both themes ($e)"
		edit "$e" || return 1
		rungen one-learn "gen-one-learn-$k" "$out1" || return 1
		THEME=$lean
		rungen lean-one "gen-lean-one-$k" "$out4" ||
		    { THEME=$full_theme; return 1; }
		THEME=$full_theme
	done
	# Two more lean builds from scratch: three each way, as the full
	# builds, so that the share compares medians, not single runs.
	THEME=$lean
	for k in 2 3; do
		rm -rf "$out4" "$out4".*
		dropcaches
		rungen lean-full "gen-lean-full$k" "$out4" ||
		    { THEME=$full_theme; return 1; }
	done
	THEME=$full_theme
	rm -rf "$out4" "$out4".*
}

# Steps 1-4, nearmiss-gen.  Returns non-zero if any of its builds failed.
bench_gen()
{
	out1=$OUT/gen-out1
	out2=$OUT/gen-out2
	out3=$OUT/gen-out3

	say "nearmiss-gen: full build"
	dropcaches
	rungen full gen-full "$out1" || return 1

	checkpages nearmiss-gen "$out1"

	say "nearmiss-gen: no-op rebuild"
	rungen noop gen-noop "$out1" || return 1

	say "nearmiss-gen: rebuild after one report changed ($EDITED)"
	edit "$EDITED" || return 1
	rungen one-report gen-one "$out1" || return 1
	if grep -rqF "$MARKER" "$out1"; then
		UPDATED=yes
	else
		UPDATED="NO (the added sentence is in no output file)"
	fi
	# Two more edits: one run on this machine varies by a factor of two.
	for k in $(((N + 2) / 3)) $((2 * N / 3)); do
		e=$(nth "$k")
		say "nearmiss-gen: rebuild after one report changed ($e)"
		edit "$e" || return 1
		rungen one-report "gen-one-$k" "$out1" || return 1
	done

	bench_learn || return 1
	# Related reports far from the edits, and past 1,000 reports the
	# open data records of the edited ones, wait for the next run with
	# nothing new (nearmiss-gen(1)); the site equals a full build's after.
	say "nearmiss-gen: the next run with nothing new"
	rungen refresh gen-refresh "$out1" || return 1

	say "nearmiss-gen: two fresh builds for the determinism check"
	dropcaches
	rungen full gen-full2 "$out2" || return 1
	dropcaches
	rungen full gen-full3 "$out3" || return 1
	if diff -r "$out2" "$out3" >"$SCRATCH/diff23" 2>&1; then
		IDENTICAL=identical
	else
		IDENTICAL="DIFFERENT ($(grep -c '^diff \|^Only in ' \
		    "$SCRATCH/diff23" || true) files)"
		{
			echo "diff -r of two fresh builds (first 20 lines):"
			head -n 20 "$SCRATCH/diff23" | sed 's/^/    /'
		} >>"$NOTES"
	fi
	if diff -r "$out1" "$out2" >"$SCRATCH/diff12" 2>&1; then
		INCREMENTAL=identical
	else
		INCREMENTAL="DIFFERENT ($(grep -c '^diff \|^Only in ' \
		    "$SCRATCH/diff12" || true) files)"
		{
			echo "diff -r of the rebuilt output and a fresh build" \
			    "(first 20 lines):"
			head -n 20 "$SCRATCH/diff12" | sed 's/^/    /'
		} >>"$NOTES"
	fi
	return 0
}

bench_hugo()
{
	hs=$SCRATCH/hugo-site
	hugosite "$hs" || return 1

	say "hugo: full build"
	dropcaches
	measure hugo full "$SCRATCH/hugo" hugo --quiet -s "$hs" \
	    -d "$OUT/hugo-out" --cacheDir "$SCRATCH/hugo-cache" ||
	    return 1
	checkpages hugo "$OUT/hugo-out"
	return 0
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
SUMMARY=$RESULTS/gen-$N.txt
GEN=${GEN:-$TOP/bin/nearmiss-gen}
# Approvals for the corpus by two test reviewers (tests/gen/nm-sign.c),
# so that gen publishes it under the two-person rule.
NMSIGN=${NMSIGN:-$TOP/build/tests/nm-sign}
GEN_ARGS=${GEN_ARGS:-}
# The checkout's theme, so an uninstalled build finds it.
if [ -z "${THEME+set}" ] && [ -d "$TOP/themes/default" ]; then
	THEME=$TOP/themes/default
fi
THEME=${THEME:-}
SEED=${SEED:-42}
CC=${CC:-cc}
MARKER="one-report-benchmark-edit"
SENTENCE="The reviewers added this sentence ($MARKER) after publication."

if ! /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
	say "GNU time is missing (/usr/bin/time -f): run make deps"
	exit 1
fi
if ! pkg-config --exists libcmark 2>/dev/null; then
	say "libcmark not found by pkg-config: run make deps"
	exit 1
fi
command -v git >/dev/null || { say "git not found: run make deps"; exit 1; }
[ -x "$NMSIGN" ] || { say "$NMSIGN not found: run make tests"; exit 1; }

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nearmiss-bench.XXXXXX")
trap rmscratch EXIT
trap 'exit 130' HUP INT TERM

REPO=$SCRATCH/repo
ROWS=$SCRATCH/rows
# The outputs: four sites of about 60 KB a report, with their caches, and
# floor's and hugo's.
OUT=$SCRATCH/out
outfs "$OUT" $((N * 3 / 10 + 2048))
NOTES=$SCRATCH/notes
: >"$ROWS"
: >"$NOTES"
mkdir -p "$RESULTS" "$SCRATCH/bin"
[ -f "$TSV" ] ||
    printf 'date\tn\ttool\tphase\twall_s\tpeak_rss_kib\n' >"$TSV"
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
STATUS=0

say "building mkcorpus and floor"
$CC -O2 -o "$SCRATCH/bin/mkcorpus" "$BENCH/mkcorpus.c"
# shellcheck disable=SC2046
$CC -O2 -o "$SCRATCH/bin/floor" "$BENCH/floor.c" \
    $(pkg-config --cflags --libs libcmark)

say "generating $N reports (seed $SEED)"
t0=$(date +%s)
CORPUS=$("$SCRATCH/bin/mkcorpus" "$N" "$REPO" "$SEED")
"$NMSIGN" "$REPO/content"
t1=$(date +%s)
corpusrepo
t2=$(date +%s)
EDITED=$(cd "$REPO" && find content/reports -name '*.md' | LC_ALL=C sort |
    awk -v n="$N" 'NR == int((n + 1) / 2)')

GEN_VERSION=-
UPDATED=-
IDENTICAL=-
INCREMENTAL=-
if [ ! -x "$GEN" ]; then
	say "$GEN not found: run make first (continuing with floor and hugo)"
	echo "nearmiss-gen not run: $GEN not found (run make first)" >>"$NOTES"
	STATUS=1
else
	GEN_VERSION=$("$GEN" --version 2>/dev/null | head -n 1 || true)
	bench_gen || STATUS=1
fi

say "floor: full build"
dropcaches
if measure floor full "$SCRATCH/floor" "$SCRATCH/bin/floor" \
    "$REPO/content/reports" "$OUT/floor-out"; then
	checkpages floor "$OUT/floor-out"
else
	STATUS=1
fi

HUGO_VERSION=-
if command -v hugo >/dev/null; then
	HUGO_VERSION=$(hugo version | awk '{ print $2 }')
	bench_hugo || STATUS=1
else
	say "hugo not found: run make deps (skipping hugo)"
	echo "hugo not run: not installed (run make deps)" >>"$NOTES"
	STATUS=1
fi

# The summary.
GF=$(get nearmiss-gen full 3)
GR=$(get nearmiss-gen full 4)
GN=$(get nearmiss-gen noop 3)
GO=$(median nearmiss-gen one-report)
FF=$(get floor full 3)
HF=$(get hugo full 3)
GO2=$(median nearmiss-gen one-learn)
LO=$(median nearmiss-gen lean-one)
GX=$(get nearmiss-gen refresh 3)
GFM=$(median nearmiss-gen full)
LFM=$(median nearmiss-gen lean-full)
GFC=$(median nearmiss-gen full cpu)
LFC=$(median nearmiss-gen lean-full cpu)
LEARN_CPU=$(awk -v g="$GFC" -v l="$LFC" 'BEGIN {
    if (g == "-" || l == "-" || l == 0) print "-";
    else printf "%.1f\n", (g - l) * 100 / l }')
LEARN_PCT=$(awk -v g="$GFM" -v l="$LFM" 'BEGIN {
    if (g == "-" || l == "-" || l == 0) print "-";
    else printf "%.1f\n", (g - l) * 100 / l }')
LEARN_ONE=$(awk -v g="$GO2" -v l="$LO" 'BEGIN {
    if (g == "-" || l == "-") print "-"; else printf "%.2f\n", g - l }')
R_FLOOR=$(ratio "$GF" "$FF")
R_HUGO=$(ratio "$GF" "$HF")
RSS_MB=$(awk -v k="$GR" 'BEGIN {
    if (k == "-") print "-"; else printf "%.1f\n", k / 1024 }')
if [ "$N" -eq 50000 ]; then
	AT=""
else
	AT=" (target is for N=50000)"
fi
case $IDENTICAL in
identical)	V_DET=PASS ;;
-)		V_DET=n/a ;;
*)		V_DET=FAIL ;;
esac

{
	echo "nearmiss build benchmark, N=$N, seed $SEED, $DATE"
	echo
	echo "machine:  $(nproc) CPU ($(awk -F': ' '/^model name/ {
	    print $2; exit }' /proc/cpuinfo 2>/dev/null)), $(awk '
	    /^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' \
	    /proc/meminfo 2>/dev/null) RAM, $(uname -sr)"
	echo "page cache dropped before full builds: $(
	    [ "$(id -u)" -eq 0 ] && echo yes || echo "no (not root)")"
	echo "outputs:  $OUTFS"
	echo "corpus:   $CORPUS"
	echo "          mkcorpus $((t1 - t0)) s, git add+commit+gc" \
	    "$((t2 - t1)) s, repository $(du -sk "$REPO/.git" | cut -f1) KiB"
	echo "versions: nearmiss-gen $GEN_VERSION; hugo $HUGO_VERSION;" \
	    "cmark $(pkg-config --modversion libcmark)"
	echo
	printf '%-13s %-11s %9s %12s %8s %8s\n' tool phase "wall s" \
	    "peak KiB" "user s" "sys s"
	while read -r tool phase wall rss user sys; do
		printf '%-13s %-11s %9s %12s %8s %8s\n' "$tool" "$phase" \
		    "$wall" "$rss" "$user" "$sys"
	done <"$ROWS"
	echo
	echo "output:   nearmiss-gen $(outsize "$OUT/gen-out2")"
	echo "          floor        $(outsize "$OUT/floor-out")"
	echo "          hugo         $(outsize "$OUT/hugo-out")"
	echo
	echo "ratios (wall time of the first full build):"
	echo "  nearmiss-gen full / floor: $R_FLOOR"
	echo "  nearmiss-gen full / hugo:  $R_HUGO"
	echo "  hugo full / floor:         $(ratio "$HF" "$FF")"
	echo
	echo "learning from the archive (stats/, lessons/, related reports, data"
	echo "page, report of the week; theme with them vs a lean copy without):"
	echo "  full build, medians of three: $(unit "$GFM" " s") vs" \
	    "$(unit "$LFM" " s"), adds $(unit "$LEARN_PCT" %) (user + sys:" \
	    "$(unit "$GFC" " s") vs $(unit "$LFC" " s")," \
	    "$(unit "$LEARN_CPU" %))"
	echo "    with them: $(runs nearmiss-gen full) s;" \
	    "lean: $(runs nearmiss-gen lean-full) s"
	echo "  one-report rebuild (median of three more edits): $(unit "$GO2" \
	    " s") vs $(unit "$LO" " s"), adds $(unit "$LEARN_ONE" " s")"
	echo "    with them: $(runs nearmiss-gen one-learn) s;" \
	    "lean: $(runs nearmiss-gen lean-one) s"
	echo
	printf '%-46s %-14s %s\n' target measured verdict
	printf '%-46s %-14s %s\n' "full build within 1.5x of the floor" \
	    "$(unit "$R_FLOOR" x)" "$(verdict "$R_FLOOR <= 1.5")"
	printf '%-46s %-14s %s\n' "peak RSS <= 200 MB$AT" \
	    "$(unit "$RSS_MB" " MiB")" "$(verdict "$GR <= 204800")"
	printf '%-46s %-14s %s\n' "no-op rebuild < 0.5 s$AT" \
	    "$(unit "$GN" " s")" "$(verdict "$GN < 0.5")"
	printf '%-46s %-14s %s\n' "one-report rebuild < 1 s (median of 3)" \
	    "$(unit "$GO" " s")" "$(verdict "$GO < 1")"
	printf '%-46s %-14s %s\n' \
	    "learning adds <= 25% to a full build (medians)" \
	    "$(unit "$LEARN_PCT" %)" "$(verdict "$LEARN_PCT <= 25")"
	printf '%-46s %-14s %s\n' \
	    "one-report rebuild with them < 1 s (median)" \
	    "$(unit "$GO2" " s")" "$(verdict "$GO2 < 1")"
	printf '%-46s %-14s %s\n' "identical output for identical input" \
	    "$IDENTICAL" "$V_DET"
	echo
	echo "checks: one-report rebuilds: $(runs nearmiss-gen one-report) s"
	echo "        edited report ($EDITED) updated by the rebuild: $UPDATED"
	echo "        the next run with nothing new (scores every related list;" \
	    "past 1,000 reports writes the waiting open data records):" \
	    "$(unit "$GX" " s")"
	echo "        rebuilt output, after that run, equals a fresh build of" \
	    "that commit: $INCREMENTAL"
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
