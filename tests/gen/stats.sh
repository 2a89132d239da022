#!/bin/sh
# stats/ of nearmiss-gen (gen/stats.c, gen/termstat.c): the charts and
# tables against counts computed here from the front matter (tests/gen/
# stats.py), the small-count rule, the trends and emerging patterns of a
# corpus with a planted rise and of one without, the Atom feed, and
# incremental builds.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh ...
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

theme=$TOP/themes/default
py="python3 $TOP/tests/gen/stats.py"

# newrepo DIR: a scratch repository with an empty content folder.
newrepo() {
	repo=$1
	git init -q "$repo"
	mkdir -p "$repo/content"
}

# --- the demo content --------------------------------------------------

newrepo "$tmp/demo"
cp -R "$TOP/content/." "$repo/content/"
rm -rf "$repo/content/approvals"
commit "demo"
gen -o "$tmp/demo-out"
check_rc "demo: builds" 0
check "demo: stats/index.html" [ -f "$tmp/demo-out/stats/index.html" ]
check "demo: stats/emerging.xml" [ -f "$tmp/demo-out/stats/emerging.xml" ]
check "demo: charts and tables match the front matter" \
    $py counts "$repo/content" "$tmp/demo-out" 3
check "demo: no count below k" $py small "$tmp/demo-out" 3
n=$($py atom "$tmp/demo-out/stats/emerging.xml" 2>"$tmp/atom.err" ||
    echo fail)
check "demo: the feed is Atom ($n)" [ "$n" != fail ]
check "demo: linked from the navigation" \
    grep -q 'href="stats/"' "$tmp/demo-out/index.html"

# A larger k hides more, everywhere.
edit_ini() {
	sed "s/^min_count = .*/min_count = $1/" "$repo/content/nearmiss.ini" \
	    >"$tmp/ini"
	cat "$tmp/ini" >"$repo/content/nearmiss.ini"
}
edit_ini 10
commit "k 10"
gen -o "$tmp/demo-k10"
check_rc "demo k=10: builds" 0
check "demo k=10: charts and tables match" \
    $py counts "$repo/content" "$tmp/demo-k10" 10
check "demo k=10: no count below k" $py small "$tmp/demo-k10" 10
check "demo k=10: hidden bars are stubs" \
    grep -q 'class="bar-stub"' "$tmp/demo-k10/stats/index.html"

# --- a corpus where a factor triples and a word appears -----------------

newrepo "$tmp/rise"
cp "$TOP/content/nearmiss.ini" "$repo/content/"
$py corpus "$repo/content" "$repo/content/nearmiss.ini" rise
commit "rise"
gen -o "$tmp/rise-out"
check_rc "rise: builds" 0
check "rise: charts and tables match" \
    $py counts "$repo/content" "$tmp/rise-out" 3
check "rise: no count below k" $py small "$tmp/rise-out" 3
check "rise: the tripled factor rose, the planted word emerged" \
    $py trend "$tmp/rise-out" rise fatigue zipline
n=$($py atom "$tmp/rise-out/stats/emerging.xml" 2>"$tmp/atom.err" ||
    echo fail)
check "rise: the feed is Atom with the signals ($n)" \
    [ "$n" != fail ] && [ "$n" -gt 0 ]
gen --full -o "$tmp/rise-again"
check "rise: the same bytes from another build" cmp -s \
    "$tmp/rise-out/stats/emerging.xml" "$tmp/rise-again/stats/emerging.xml"
check "rise: the same page from another build" cmp -s \
    "$tmp/rise-out/stats/index.html" "$tmp/rise-again/stats/index.html"

# Incremental: a report's words change (metadata as before), then one is
# removed; each time the site equals a full build.
f=$(find "$repo/content/reports" -name '*.md' | sort | tail -n 1)
sed 's/^Keep /Keep zipline /' "$f" >"$tmp/edit"
cat "$tmp/edit" >"$f"
commit "a word"
gen -o "$tmp/rise-out"
check_rc "rise, word edit: builds" 0
check "rise, word edit: incremental" grep -q incremental "$tmp/stderr"
gen --full -o "$tmp/rise-full"
check_same "rise, word edit: equals a full build" "$tmp/rise-out" \
    "$tmp/rise-full"
git -C "$repo" rm -q "$(echo "$f" | sed "s|^$repo/||")"
commit "removed"
gen -o "$tmp/rise-out"
check "rise, removal: incremental" grep -q incremental "$tmp/stderr"
rm -rf "$tmp/rise-full"
gen --full -o "$tmp/rise-full"
check_same "rise, removal: equals a full build" "$tmp/rise-out" \
    "$tmp/rise-full"

# --- the same corpus without a rise -------------------------------------

newrepo "$tmp/flat"
cp "$TOP/content/nearmiss.ini" "$repo/content/"
$py corpus "$repo/content" "$repo/content/nearmiss.ini" flat
commit "flat"
gen -o "$tmp/flat-out"
check_rc "flat: builds" 0
check "flat: charts and tables match" \
    $py counts "$repo/content" "$tmp/flat-out" 3
check "flat: no trend, no signal" $py trend "$tmp/flat-out" none
n=$($py atom "$tmp/flat-out/stats/emerging.xml" 2>"$tmp/atom.err" ||
    echo fail)
check "flat: the feed is Atom with no entry ($n)" [ "$n" = 0 ]

# A thin month (one report) at the end of a year inside the last 12: the
# year's and the 12 months' totals must not give it away.
grep -l '^event_date: 2025-12' -r "$repo/content/reports" | sort |
    head -n 11 | while IFS= read -r f; do rm "$f"; done
commit "a thin month"
gen -o "$tmp/flat-out"
check_rc "thin month: builds" 0
check "thin month: charts and tables match, its totals guarded" \
    $py counts "$repo/content" "$tmp/flat-out" 3
check "thin month: hidden and withheld" grep -q \
    '<th scope="row">Dec 2025</th><td class="num small"><span class="count">&lt; 3' \
    "$tmp/flat-out/stats/index.html"

finish "gen/stats"
