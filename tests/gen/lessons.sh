#!/bin/sh
# Lessons learned pages (lessons/) and the feeds with the whole text: on
# the fixture content and the demo, tests/gen/lessons/check.py compares
# every lessons page (reports, order, pagination, each lesson, links back)
# and every feed (per incident type, factor, loss potential and year, and
# the site's; entries in order with narrative and lessons) with what it
# reads from the reports itself.  A lessons-only edit rewrites the lessons
# pages and feeds that show it, and incremental equals full.
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
here=$TOP/tests/gen/lessons

# site_ok DESC SITE CONTENT FEED_ITEMS PER_PAGE
site_ok() {
	if python3 "$here/check.py" "$2" "$3" "$4" "$5" >"$tmp/check" 2>&1
	then
		ok
	else
		fail "$1: $(grep -v '^checks:' "$tmp/check" | head -n 5 |
		    tr '\n' '|')"
	fi
	n=$(sed -n 's/^checks: //p' "$tmp/check")
	check "$1: made checks (${n:-0})" [ "${n:-0}" -gt 20 ]
}

git init -q "$repo"
cp -R "$TOP/tests/gen/fixtures/content" "$repo/content"
commit "fixture"
gen -o "$out"
check_rc "the fixture builds" 0
site_ok "fixture" "$out" "$repo/content" 2 2

# The sitemap names lessons/ and the first page of every type and factor,
# and the reports of the week with each roll-call view (none here).
for p in $(cd "$out" && find lessons -name index.html ! -path '*/page/*' |
    sed 's|index\.html$||' | sort); do
	check "sitemap: $p" grep -q "<loc>https://nm.example.test/archive/$p</loc>" \
	    "$out/sitemap.xml"
done

# A lessons-only edit.
sed 's/LESSON-MARK-0004/LESSON-MARK-0004 LESSON-MARK-0404/' \
    "$repo/content/reports/2025/2025-0004.md" >"$tmp/e"
cat "$tmp/e" >"$repo/content/reports/2025/2025-0004.md"
commit "lessons edit"
gen -o "$out" -v
check_rc "the lessons edit builds" 0
check "it is incremental" grep -q incremental "$tmp/stderr"
gen -o "$tmp/full" --full
check_same "incremental equals full" "$out" "$tmp/full"
check "the foot pursuit lessons page has the new lesson" grep -q \
    LESSON-MARK-0404 "$out/lessons/incident-type/foot-pursuit/index.html"
check "the equipment failure feed has the new lesson" grep -q \
    LESSON-MARK-0404 "$out/factor/equipment-failure/atom.xml"
site_ok "after the edit" "$out" "$repo/content" 2 2

# The demo archive, with its own settings.
gen -o "$tmp/demo" -r "$TOP"
check_rc "the demo builds" 0
KEYWORDS=1 site_ok "demo" "$tmp/demo" "$TOP/content" \
    "$(sed -n 's/^feed_items = //p' "$TOP/content/nearmiss.ini")" \
    "$(sed -n 's/^per_page = //p' "$TOP/content/nearmiss.ini")"
for p in $(cd "$tmp/demo" && find week -name index.html | sed 's|index\.html$||' |
    sort); do
	check "demo sitemap: $p" grep -q "/$p</loc>" "$tmp/demo/sitemap.xml"
done

# A planted word: "zebracrossing" in every traffic stop report of a corpus
# (and nowhere else) comes first in what they keep mentioning.
rm -rf "$repo"
git init -q "$repo"
mkdir -p "$repo/content"
cp "$TOP/tests/gen/fixtures/content/nearmiss.ini" "$repo/content/"
python3 "$TOP/tests/gen/related/corpus.py" "$repo/content" >/dev/null
for f in $(grep -l '^incident_type: traffic-stop$' \
    "$repo"/content/reports/2025/*.md); do
	sed 's/^- \(.*\)$/- \1 zebracrossing./' "$f" >"$tmp/e"
	cat "$tmp/e" >"$f"
done
commit "planted"
gen -o "$tmp/planted"
check_rc "the planted corpus builds" 0
check "the planted word comes first for traffic stops" sh -c \
    'sed -n "/keep-mentioning/,/<\/section>/p" "$0" |
    grep "<li>" | head -n 1 | grep -q "zebracrossing"' \
    "$tmp/planted/lessons/incident-type/traffic-stop/index.html"
check_not "and is not mentioned for foot pursuits" grep -q zebracrossing \
    "$tmp/planted/lessons/incident-type/foot-pursuit/index.html"

finish lessons
