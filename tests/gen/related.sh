#!/bin/sh
# Related reports (gen/related.c): on a constructed corpus of near-duplicate
# pairs (tests/gen/related/corpus.py), each report's first related report
# is its near-duplicate, no report lists itself, every list is at most five
# long and names published reports only, the previous / next links follow
# the incident type in publication order, and an incremental build after
# an edit and an addition equals a full build.
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
repo=$tmp/repo
out=$tmp/out

# slot FILE: the hrefs of the related list of a report page, one a line.
related_of() {
	sed -n '/<section class="related"/,/<\/section>/p' "$1" |
	    sed -n 's|.*<a href="\.\./\.\./reports/\([^/]*\)/">.*|\1|p'
}

git init -q "$repo"
mkdir -p "$repo/content"
cp "$TOP/tests/gen/fixtures/content/nearmiss.ini" "$repo/content/"
python3 "$TOP/tests/gen/related/corpus.py" "$repo/content" >"$tmp/pairs"
commit "corpus"
gen -o "$out"
check_rc "the corpus builds" 0
cp "$out.related" "$tmp/first.related"
check "the lessons sit in OUTDIR.lessons" sh -c \
    'head -c 8 "$0" | grep -qx NMLESS1' "$out.lessons"
head -c 16 "$out.lessons" >"$tmp/first.lhead"

npairs=0
while read -r a b; do
	npairs=$((npairs + 1))
	for pair in "$a $b" "$b $a"; do
		set -- $pair
		related_of "$out/reports/$1/index.html" >"$tmp/rel"
		check "$1: its first related report is its near-duplicate $2" \
		    [ "$(head -n 1 "$tmp/rel")" = "$2" ]
		check_not "$1: does not list itself" grep -qx "$1" "$tmp/rel"
		check "$1: five related reports at most" \
		    [ "$(grep -c '' "$tmp/rel")" -le 5 ]
		check "$1: lists published reports only" sh -c '
			while read -r id; do
				[ -f "$0/reports/$id/index.html" ] || exit 1
			done <"$1"' "$out" "$tmp/rel"
	done
done <"$tmp/pairs"
check "the corpus has twelve pairs" [ "$npairs" -eq 12 ]

# Previous and next: the demo's order in one incident type, newest first.
for p in "$out"/reports/2025-*/index.html; do
	id=$(basename "$(dirname "$p")")
	nx=$(sed -n 's|.*href="\.\./\.\./reports/\([^/]*\)/" rel="next".*|\1|p' \
	    "$p")
	[ -n "$nx" ] || continue
	check "$id: its next report links back as previous" grep -q \
	    "reports/$id/\" rel=\"prev\"" "$out/reports/$nx/index.html"
done
# Following "previous" from the newest foot pursuit (no "next") visits
# every foot pursuit once, in publication order, newest first.
want=$(grep -l '^incident_type: foot-pursuit$' \
    "$repo"/content/reports/2025/*.md | wc -l)
newest=
for p in "$out"/reports/2025-*/index.html; do
	grep -q 'More Foot pursuit reports' "$p" || continue
	grep -q 'rel="next"' "$p" || newest=$(basename "$(dirname "$p")")
done
seen=0
cur=$newest
: >"$tmp/chain"
while [ -n "$cur" ] && [ "$seen" -le "$want" ]; do
	seen=$((seen + 1))
	sed -n 's/^published: //p' "$repo/content/reports/2025/$cur.md" \
	    >>"$tmp/chain"
	cur=$(sed -n \
	    's|.*href="\.\./\.\./reports/\([^/]*\)/" rel="prev".*|\1|p' \
	    "$out/reports/$cur/index.html")
done
check "the previous links visit all $want foot pursuits ($seen)" \
    [ "$seen" -eq "$want" ] && [ "$want" -gt 2 ]
check "newest first" sh -c 'sort -r "$0" | cmp -s - "$0"' "$tmp/chain"

# Three reports in words of their own, which nothing else reaches: an
# incremental build need not score their related reports again.
for n in 40 41 42; do
	sed -n '/^---$/,/^---$/p' "$repo/content/reports/2025/2025-0001.md" |
	    sed "s/^id: .*/id: 2025-00$n/
		s/^title: .*/title: \"Zorvex quandimble $n\"/
		s/^summary: .*/summary: \"Plimvark zorvex quandimble\"/" \
	    >"$repo/content/reports/2025/2025-00$n.md"
	printf '%s\n\n## Lessons learned\n\n- %s\n' \
	    "Zorvex quandimble plimvark trobnel, vashtup zorvex $n." \
	    "Trobnel vashtup quandimble." \
	    >>"$repo/content/reports/2025/2025-00$n.md"
done
commit "apart"
gen -o "$out"
check_rc "three reports apart" 0
related_of "$out/reports/2025-0040/index.html" >"$tmp/rel"
check "a report apart lists the other two first" sh -c \
    'head -n 2 "$0" | sort | tr "\n" " " | grep -qx "2025-0041 2025-0042 "' \
    "$tmp/rel"
check "new lessons are appended to OUTDIR.lessons, not written anew" sh -c \
    'head -c 16 "$0" | cmp -s - "$1" && grep -q "Trobnel vashtup" "$0"' \
    "$out.lessons" "$tmp/first.lhead"

# An edit that makes an unrelated report a near-duplicate of 2025-0001, and
# a new report: incremental equals full.
sed -n '/^---$/,/^---$/p' "$repo/content/reports/2025/2025-0025.md" \
    >"$tmp/head"
{
	cat "$tmp/head"
	awk 'n >= 2 { print } /^---$/ { n++ }' \
	    "$repo/content/reports/2025/2025-0001.md"
} >"$repo/content/reports/2025/2025-0025.md"
sed 's/^id: 2025-0003$/id: 2025-0030/; s/Account 3/Account 30/' \
    "$repo/content/reports/2025/2025-0003.md" \
    >"$repo/content/reports/2025/2025-0030.md"
commit "edit and add"
gen -o "$out" -v
check_rc "the incremental build" 0
check "it is incremental" grep -q incremental "$tmp/stderr"
# A small archive: every list is scored again.
check "a small archive scores every report's related reports" grep -q \
    "related reports: \([0-9]*\) of \1 scored" "$tmp/stderr"
gen -o "$tmp/full" --full
check_same "incremental equals full" "$out" "$tmp/full"
gen -o "$out"
check "the next run: up to date" grep -q "up to date$" "$tmp/stderr"
related_of "$out/reports/2025-0001/index.html" >"$tmp/rel"
check "2025-0001 now lists its new twin 2025-0025" grep -qx 2025-0025 \
    "$tmp/rel"
related_of "$out/reports/2025-0030/index.html" >"$tmp/rel"
check "the new 2025-0030 lists its twin 2025-0003 first" \
    [ "$(head -n 1 "$tmp/rel")" = 2025-0003 ]

# A cache made for another tree is not used.
git -C "$repo" rm -q content/reports/2025/2025-0030.md
commit "remove"
cp "$tmp/first.related" "$out.related"
gen -o "$out"
check_rc "a build with a foreign related cache" 0
check "a foreign related cache means a full build" grep -q "full build" \
    "$tmp/stderr"
printf 'NMREL3\ngarbage' >"$out.related"
git -C "$repo" rm -q content/reports/2025/2025-0028.md
commit "remove another"
gen -o "$out"
check_rc "a build with a damaged related cache" 0
gen -o "$tmp/full2" --full
check_same "and it equals a full build" "$out" "$tmp/full2"

# A theme that shows neither related reports nor stats/ nor lessons/:
# no vectors are kept, the pages keep an empty slot, and an incremental
# build still equals a full one.
lean=$tmp/lean-theme
cp -R "$theme" "$lean"
rm -f "$lean/_related.html" "$lean/stats.html" "$lean/lessons.html" \
    "$lean/lessons-index.html"
"$NMGEN" -r "$repo" -t "$lean" --no-sync -o "$tmp/lean" 2>"$tmp/stderr"
check "a lean theme builds" [ -f "$tmp/lean/index.html" ]
check "it keeps no vectors" [ ! -e "$tmp/lean.related" ]
check "its report pages have an empty slot" grep -q \
    '<!--related--><!--/related-->' "$tmp/lean/reports/2025-0001/index.html"
sed 's/^The tourniquet/The zipline tourniquet/' \
    "$repo/content/reports/2025/2025-0002.md" \
    >"$tmp/edit"
cat "$tmp/edit" >"$repo/content/reports/2025/2025-0002.md"
commit "lean edit"
"$NMGEN" -r "$repo" -t "$lean" --no-sync -o "$tmp/lean" 2>"$tmp/stderr"
check "a lean incremental build" grep -q incremental "$tmp/stderr"
check "it keeps no vectors either" [ ! -e "$tmp/lean.related" ]
"$NMGEN" -r "$repo" -t "$lean" --no-sync -o "$tmp/lean-full" --full \
    2>/dev/null
check_same "and equals a full build" "$tmp/lean" "$tmp/lean-full"

# A theme without a search page still has related reports and the terms
# of stats/ and lessons/: each report's text is analysed all the same.
# Its report, stats and lessons pages are the default theme's; no search
# index is written; an incremental build equals a full one.
nosearch=$tmp/nosearch-theme
cp -R "$theme" "$nosearch"
rm -f "$nosearch/search.html"
"$NMGEN" -v -r "$repo" -t "$nosearch" --no-sync -o "$tmp/ns" 2>"$tmp/stderr"
check "a theme without search.html builds" [ -f "$tmp/ns/index.html" ]
check "it writes no search index" [ ! -e "$tmp/ns/search/index.json" ]
check "nor the index's cache" [ ! -e "$tmp/ns.index" ]
"$NMGEN" -r "$repo" -t "$theme" --no-sync -o "$tmp/ds" 2>/dev/null
related_of "$tmp/ns/reports/2025-0001/index.html" >"$tmp/rel"
check "without search.html 2025-0001 lists its twin 2025-0025" grep -qx \
    2025-0025 "$tmp/rel"
for d in reports stats lessons; do
	check "without search.html $d/ equals the default theme's" \
	    diff -r "$tmp/ns/$d" "$tmp/ds/$d"
done
check "lessons/ shows the characteristic terms" grep -q terms-table \
    "$tmp/ns/lessons/index.html"
sed 's/^The zipline tourniquet/The quokka tourniquet/' \
    "$repo/content/reports/2025/2025-0002.md" \
    >"$tmp/edit"
cat "$tmp/edit" >"$repo/content/reports/2025/2025-0002.md"
commit "edit without a search page"
"$NMGEN" -v -r "$repo" -t "$nosearch" --no-sync -o "$tmp/ns" 2>"$tmp/stderr"
check "an incremental build without search.html" grep -q incremental \
    "$tmp/stderr"
check "the edit is on its page" grep -q quokka \
    "$tmp/ns/reports/2025-0002/index.html"
"$NMGEN" -r "$repo" -t "$nosearch" --no-sync -o "$tmp/ns-full" --full \
    2>/dev/null
check_same "and equals a full build" "$tmp/ns" "$tmp/ns-full"

# OUTDIR.lessons: bytes a crash left after what OUTDIR.related knows of it
# are never read, and the next lessons go after them.
"$NMGEN" -r "$repo" -t "$theme" --no-sync -o "$out" 2>/dev/null
printf '<li>Torn half of a lesson' >>"$out.lessons"
sed 's/^- Trobnel vashtup quandimble\.$/- Trobnel vashtup skorrel./' \
    "$repo/content/reports/2025/2025-0041.md" >"$tmp/edit"
cat "$tmp/edit" >"$repo/content/reports/2025/2025-0041.md"
commit "lessons edit"
gen -o "$out" -v
check "after torn bytes: incremental" grep -q "(incremental" "$tmp/stderr"
check "the lessons edit went after them" sh -c \
    'grep -q "Torn half" "$0" && grep -q "vashtup skorrel" "$0"' \
    "$out.lessons"
gen -o "$tmp/full3" --full
check_same "and the site equals a full build's" "$out" "$tmp/full3"
# A damaged OUTDIR.lessons (cut short, or another one): the vectors are
# made again, in a full build.
head -c 100 "$out.lessons" >"$tmp/cut"
cat "$tmp/cut" >"$out.lessons"
sed 's/vashtup skorrel/vashtup flinder/' \
    "$repo/content/reports/2025/2025-0041.md" >"$tmp/edit"
cat "$tmp/edit" >"$repo/content/reports/2025/2025-0041.md"
commit "lessons edit 2"
gen -o "$out"
check "a cut OUTDIR.lessons means a full build" grep -q "(full build)" \
    "$tmp/stderr"
gen -o "$tmp/full4" --full
check_same "which equals a fresh one" "$out" "$tmp/full4"
cp "$tmp/full4.lessons" "$out.lessons"
git -C "$repo" rm -q content/reports/2025/2025-0042.md
commit "remove 42"
gen -o "$out"
check "a lessons file of another build means a full build" grep -q \
    "(full build)" "$tmp/stderr"
# When more of it is dead than alive, it is written anew, with a new
# generation: a long lesson, then that lesson made short.
"$NMGEN" -r "$repo" -t "$theme" --no-sync -o "$out" 2>/dev/null
awk 'BEGIN { for (i = 0; i < 4000; i++) printf "skorrel%d ", i; print "" }' \
    >"$tmp/long"
sed 's/^- Trobnel vashtup flinder\.$/- LONGLESSON/' \
    "$repo/content/reports/2025/2025-0041.md" | awk -v f="$tmp/long" '
    $0 == "- LONGLESSON" { getline l <f; print "- " l; next } { print }' \
    >"$tmp/edit"
cat "$tmp/edit" >"$repo/content/reports/2025/2025-0041.md"
commit "long lesson"
gen -o "$out"
head -c 16 "$out.lessons" >"$tmp/lhead"
wc -c <"$out.lessons" >"$tmp/lsize"
check "a long lesson is appended" sh -c \
    'grep -q skorrel3999 "$0" && [ "$(cat "$1")" -gt 40000 ]' \
    "$out.lessons" "$tmp/lsize"
sed 's/^- skorrel0 .*/- Trobnel vashtup short./' \
    "$repo/content/reports/2025/2025-0041.md" >"$tmp/edit"
cat "$tmp/edit" >"$repo/content/reports/2025/2025-0041.md"
commit "short lesson"
gen -o "$out"
check "made short: incremental" grep -q "(incremental" "$tmp/stderr"
check "OUTDIR.lessons has a new generation" sh -c \
    '! head -c 16 "$0" | cmp -s - "$1"' "$out.lessons" "$tmp/lhead"
check "without the dead lesson" sh -c \
    '! grep -q skorrel3999 "$0" && [ "$(wc -c <"$0")" -lt "$(cat "$1")" ]' \
    "$out.lessons" "$tmp/lsize"
gen -o "$tmp/full5" --full
check_same "the site equals a full build's" "$out" "$tmp/full5"

# A large archive (above 1,000 reports): an edit scores again the lists
# it can reach, not all; the next run with nothing new scores them all,
# and the site then equals a full build's; the run after is up to date.
big=$tmp/big
mkdir -p "$tmp/bin"
cc -O2 -o "$tmp/bin/mkcorpus" "$TOP/bench/mkcorpus.c"
git init -q "$big"
"$tmp/bin/mkcorpus" 1500 "$big" 7 >/dev/null
"$NMSIGN" "$big/content"
git -C "$big" add -A
git -C "$big" -c user.name=t -c user.email=t@example.org commit -qm corpus
bigout=$tmp/bigout
"$NMGEN" -r "$big" -t "$theme" --no-sync -o "$bigout" 2>"$tmp/stderr"
check "the large archive builds" [ -f "$bigout/index.html" ]
f=$(cd "$big" && find content/reports -name '*.md' | LC_ALL=C sort |
    sed -n 700p)
awk 'fm < 2 { print; if ($0 == "---") fm++; next }
    !done && $0 == "" && inpara { print "Zorvex quandimble plimvark."; done = 1 }
    $0 != "" { inpara = 1 } { print }' "$big/$f" >"$tmp/edited"
cp "$tmp/edited" "$big/$f"
"$NMSIGN" "$big/content"
git -C "$big" -c user.name=t -c user.email=t@example.org commit -qam edit
"$NMGEN" -r "$big" -t "$theme" --no-sync -o "$bigout" -v 2>"$tmp/stderr"
scored=$(sed -n \
    's/.*related reports: \([0-9]*\) of \([0-9]*\) scored$/\1 \2/p' \
    "$tmp/stderr")
check "an edit scores the lists of some reports, not all ($scored)" \
    sh -c '[ "$1" -ge 1 ] && [ "$1" -lt "$2" ] && [ "$2" -eq 1500 ]' \
    sh $scored
check "the edited report's page has the new words" grep -q Zorvex \
    "$bigout/reports/$(basename "$f" .md)/index.html"
# The open data files hold every report's text: past 1,000 reports a new
# or changed record waits for the next run, listed in OUTDIR.data.
check "its open data record waits (OUTDIR.data lists it)" grep -qx \
    "$(basename "$f" .md)" "$bigout.data"
check_not "and the data files do not have it yet" grep -q Zorvex \
    "$bigout/data/reports.csv"
"$NMGEN" -r "$big" -t "$theme" --no-sync -o "$tmp/bigfull" --full \
    2>/dev/null
"$NMGEN" -r "$big" -t "$theme" --no-sync -o "$bigout" -v 2>"$tmp/stderr"
check "the next run scores every list again" grep -q \
    "up to date; scoring the related reports again" "$tmp/stderr"
check "all 1500 of them" grep -q "related reports: 1500 of 1500 scored" \
    "$tmp/stderr"
check_same "then the site equals a full build's" "$bigout" "$tmp/bigfull"
"$NMGEN" -r "$big" -t "$theme" --no-sync -o "$bigout" 2>"$tmp/stderr"
check "the run after it: up to date" grep -q "up to date$" "$tmp/stderr"
check "the waiting record was written" grep -q Zorvex \
    "$bigout/data/reports.json"
check "and OUTDIR.data is gone" [ ! -e "$bigout.data" ]

# A report gone never waits: its record leaves the data files at once,
# and the records that waited are written with it.
f2=$(cd "$big" && find content/reports -name '*.md' | LC_ALL=C sort |
    sed -n 800p)
f3=$(cd "$big" && find content/reports -name '*.md' | LC_ALL=C sort |
    sed -n 900p)
id3=$(basename "$f3" .md)
sed 's/^title: .*/title: "Plimvark glove failed at the fence"/' "$big/$f2" \
    >"$tmp/edited"
cp "$tmp/edited" "$big/$f2"
"$NMSIGN" "$big/content"
git -C "$big" -c user.name=t -c user.email=t@example.org commit -qam edit2
"$NMGEN" -r "$big" -t "$theme" --no-sync -o "$bigout" 2>"$tmp/stderr"
check "a title edit waits too" grep -qx "$(basename "$f2" .md)" \
    "$bigout.data"
check "the report to remove is in the data files" grep -q "^$id3," \
    "$bigout/data/reports.csv"
git -C "$big" rm -q "$f3"
git -C "$big" -c user.name=t -c user.email=t@example.org commit -qm gone
"$NMGEN" -r "$big" -t "$theme" --no-sync -o "$bigout" 2>"$tmp/stderr"
check_not "removed: its record left the CSV at once" grep -q "^$id3," \
    "$bigout/data/reports.csv"
check_not "and the JSON" grep -q "\"$id3\"" "$bigout/data/reports.json"
check "the record that waited was written with it" grep -q \
    "Plimvark glove" "$bigout/data/reports.json"
check "nothing waits now" [ ! -e "$bigout.data" ]
"$NMGEN" -r "$big" -t "$theme" --no-sync -o "$tmp/bigfull3" --full \
    2>/dev/null
"$NMGEN" -r "$big" -t "$theme" --no-sync -o "$bigout" 2>"$tmp/stderr"
check_same "after the next run the site equals a full build's" "$bigout" \
    "$tmp/bigfull3"

# OUTDIR.data is read as hostile: one that is not as gen writes it means
# a full build, with a message that says why.
printf 'NMDATA1\n../../etc/passwd\n' >"$bigout.data"
"$NMGEN" -r "$big" -t "$theme" --no-sync -o "$bigout" 2>"$tmp/stderr" ||
    true
check "a damaged OUTDIR.data: file:line: what is wrong" grep -q \
    "bigout.data:2: not a report id" "$tmp/stderr"
check "and a full build" grep -q "(full build)" "$tmp/stderr"
check "after which nothing waits" [ ! -e "$bigout.data" ]
check_same "and the site equals a full build's" "$bigout" "$tmp/bigfull3"

finish related
