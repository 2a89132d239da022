#!/bin/sh
# End-to-end tests of nearmiss-gen on a scratch git repository built from
# tests/gen/fixtures/content: the site it makes (files, counts, pagination,
# report pages, feeds, sitemap, links, CSP), committed-only reading, one
# case per validation error, --keep-going, determinism, refusals and usage
# errors, and crash safety (kill -9 in the middle of a large build).
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh e2e.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
# Keep the user's and the system's git configuration out of the scratch repo.
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

theme=$TOP/themes/default
fix=$TOP/tests/gen/fixtures
repo=$tmp/repo
site=$tmp/site
base=https://nm.example.test/archive/

# --- helpers --------------------------------------------------------------

gen_sync() {
	rc=0
	"$NMGEN" -r "$repo" -t "$theme" "$@" \
	    >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
}

# sums DIR: every path of the tree and a checksum of every file.
sums() {
	(cd "$1" && find . -print | sort && find . -type f -exec cksum {} + |
	    sort -k3)
}

# check_err DESC ERE: the last gen printed a line matching ERE on stderr.
check_err() {
	if grep -Eq "$2" "$tmp/stderr"; then
		ok
	else
		fail "$1 (expected /$2/, got: $(head -n 4 "$tmp/stderr" |
		    tr '\n' '|'))"
	fi
}

# has FILE FIXED-STRING
has() {
	grep -Fq -- "$2" "$1"
}

# one_line FILE FIXED-STRING: the file, newlines removed, contains it.
one_line() {
	tr -d '\n' <"$1" | grep -Fq -- "$2"
}

# count FILE FIXED-STRING: number of lines of FILE that contain it.
count() {
	grep -Fc -- "$2" "$1" || true
}

# ids FILE: the report ids a list page shows, in order.
ids() {
	sed -n 's/.*<dt>Report<\/dt><dd>\([^<]*\)<\/dd>.*/\1/p' "$1" |
	    tr '\n' ' '
}

# links OUTDIR: prints every bad href/src of every page: absolute where it
# must be relative, or relative and not resolving to a file of the site.
cat >"$tmp/links.awk" <<'EOF'
# The first file lists the files of the site; the others are pages.
function bad(u, why) {
	print page ": " why ": " u
}
function canon(p) {
	sub(/index\.html$/, "", p)
	return base p
}
function target(rel, d, orig,   n, i, parts, k, out, p, isdir) {
	sub(/[#?].*$/, "", rel)
	p = d rel
	isdir = (p == "" || p ~ /\/$/ || p ~ /(^|\/)\.\.?$/)
	n = split(p, parts, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (parts[i] == "" || parts[i] == ".")
			continue
		if (parts[i] == "..") {
			if (k == 0) {
				bad(orig, "goes above the site root")
				return
			}
			k--
			continue
		}
		out[++k] = parts[i]
	}
	p = ""
	for (i = 1; i <= k; i++)
		p = p (i > 1 ? "/" : "") out[i]
	if (isdir)
		p = p (p == "" ? "" : "/") "index.html"
	if (!(p in have))
		bad(orig, "no such file " p)
}
function link(u) {
	if (u ~ /^#/) {
		frag[page, substr(u, 2)] = 1
		return
	}
	if (u ~ /^mailto:/) {
		if (u != mailto)
			bad(u, "unexpected mailto")
		return
	}
	if (u ~ /^[A-Za-z][A-Za-z0-9+.-]*:/ || u ~ /^\/\//) {
		if (page == "404.html" && index(u, base) == 1)
			target(substr(u, length(base) + 1), "", u)
		else if (u != intake && u != canon(page) &&
		    !(page == "data/index.html" && u == licence))
			bad(u, "absolute URL")
		return
	}
	if (u ~ /^\//) {
		bad(u, "root-relative URL")
		return
	}
	if (page == "404.html") {
		bad(u, "relative URL on a page served at any depth")
		return
	}
	target(u, dir, u)
}
NR == FNR {
	have[$0] = 1
	next
}
FNR == 1 {
	page = FILENAME
	sub(/^\.\//, "", page)
	dir = page
	sub(/[^\/]*$/, "", dir)
	npages++
}
{
	s = $0
	while (match(s, / id="[^"]*"/)) {
		ids[page, substr(s, RSTART + 5, RLENGTH - 6)] = 1
		s = substr(s, RSTART + RLENGTH)
	}
	s = $0
	while (match(s, / (href|src)="[^"]*"/)) {
		u = substr(s, RSTART + 1, RLENGTH - 1)
		s = substr(s, RSTART + RLENGTH)
		sub(/^[a-z]*="/, "", u)
		sub(/"$/, "", u)
		gsub(/&amp;/, "\\&", u)
		nlinks++
		link(u)
	}
}
END {
	for (k in frag) {
		split(k, p, SUBSEP)
		if (!((p[1], p[2]) in ids))
			print p[1] ": no element with id " p[2]
	}
	print "checked " npages " pages, " nlinks " links" >"/dev/stderr"
}
EOF
links() {
	# shellcheck disable=SC2046
	(cd "$1" && find . -type f | sed 's|^\./||' >"$tmp/files.lst" &&
	    awk -v base="$base" -v intake=https://intake.example.test/ \
	    -v mailto=mailto:report@example.test \
	    -v licence=https://creativecommons.org/licenses/by/4.0/ \
	    -f "$tmp/links.awk" \
	    "$tmp/files.lst" $(find . -name '*.html' | sort))
}

# The valid report the validation cases start from (17 lines; the front
# matter is lines 1-10, the body starts on line 11).
good_report() {
	cat <<'EOF'
---
id: 2025-0100
title: "A valid report the validation cases break"
event_date: 2025-01
published: 2025-02-01
incident_type: other
contributing_factors: [training]
loss_potential: death
summary: "Starts valid."
---
Narrative.

## Lessons learned

- A lesson.

Trailing paragraph.
EOF
}

# --- the scratch repository -----------------------------------------------

git init -q "$repo"
cp -R "$fix/content" "$repo/content"
printf 'scratch repository of tests/gen/e2e.sh\n' >"$repo/README"
commit "fixture content"
git -C "$repo" tag base

# --- basic build ----------------------------------------------------------

gen_sync -o "$site"
check_rc "basic build exits 0" 0
check "basic build says it was a full build" grep -q "full build" \
    "$tmp/stderr"
check "basic build leaves no staging folder" no_staging "$site"
for f in index.html 404.html robots.txt sitemap.xml atom.xml style.css \
    favicon.svg .nearmiss-state search/index.html about/index.html \
    reports/index.html reports/page/2/index.html reports/page/3/index.html \
    incident-type/index.html factor/index.html loss-potential/index.html \
    year/index.html \
    incident-type/traffic-stop/index.html \
    incident-type/traffic-stop/page/2/index.html \
    incident-type/traffic-stop/atom.xml \
    incident-type/vehicle-pursuit/index.html \
    incident-type/vehicle-pursuit/atom.xml \
    incident-type/foot-pursuit/index.html \
    incident-type/foot-pursuit/atom.xml \
    factor/communication/index.html factor/fatigue/index.html \
    factor/training/index.html factor/equipment-failure/index.html \
    factor/decision-making/index.html factor/complacency/index.html \
    loss-potential/death/index.html loss-potential/serious-injury/index.html \
    loss-potential/serious-injury/page/2/index.html \
    loss-potential/minor-injury/index.html \
    year/2024/index.html year/2024/page/2/index.html year/2025/index.html \
    reports/2024-0003/index.html reports/2024-0007/index.html \
    reports/2025-0001/index.html reports/2025-0004/index.html \
    reports/2025-0009/index.html; do
	check "basic build: $f exists" [ -f "$site/$f" ]
done
# Terms no report carries have no folder, nor pages beyond the last.
for d in incident-type/other factor/unknown loss-potential/minor-injury/page \
    reports/page/4 year/2023 incident-type/traffic-stop/page/3; do
	check_not "basic build: no $d" [ -e "$site/$d" ]
done
# shellcheck disable=SC2010
check "basic build: exactly 5 report pages" \
    [ "$(ls "$site/reports" | grep -c '^20')" -eq 5 ]
check "output folder is world-readable (servable)" \
    [ -z "$(find "$site" ! -perm -0444 -o -type d ! -perm -0555)" ]

# Counts on the list pages.
check "home: published reports 5" has "$site/index.html" \
    'Published reports: <span class="count">5</span>.'
check "home: traffic stop count 3" has "$site/index.html" \
    'Traffic stop</a> <span class="count">3</span>'
check "home: 3 latest reports (home_items)" \
    [ "$(count "$site/index.html" 'class="report-item"')" -eq 3 ]
check "home: newest first" [ "$(ids "$site/index.html")" = \
    "2025-0009 2025-0004 2025-0001 " ]
check "all reports: count and pages" has "$site/reports/index.html" \
    'Matching reports: <span class="count">5</span>. Page 1 of 3.'
check "traffic stop: count and pages" \
    has "$site/incident-type/traffic-stop/index.html" \
    'Matching reports: <span class="count">3</span>. Page 1 of 2.'
check "traffic stop page 2: count and pages" \
    has "$site/incident-type/traffic-stop/page/2/index.html" \
    'Matching reports: <span class="count">3</span>. Page 2 of 2.'
check "vehicle pursuit: count, one page" \
    has "$site/incident-type/vehicle-pursuit/index.html" \
    'Matching reports: <span class="count">1</span>.'
check "incident types index: count per term" \
    one_line "$site/incident-type/index.html" \
    'Traffic stop</a></th><td class="num"><span class="count">3</span></td>'
check "factors index: count per term" one_line "$site/factor/index.html" \
    'Communication</a></th><td class="num"><span class="count">2</span></td>'
check "years index: count per year" one_line "$site/year/index.html" \
    '2024</a></th><td class="num"><span class="count">3</span></td>'

# Pagination (per_page = 2): 2 + 2 + 1, newest first, linked both ways.
check "all reports page 1: 2 items" [ "$(ids "$site/reports/index.html")" = \
    "2025-0009 2025-0004 " ]
check "all reports page 2: 2 items" \
    [ "$(ids "$site/reports/page/2/index.html")" = "2025-0001 2024-0007 " ]
check "all reports page 3: 1 item" \
    [ "$(ids "$site/reports/page/3/index.html")" = "2024-0003 " ]
check "page 1 links to page 2 as next" has "$site/reports/index.html" \
    'href="../reports/page/2/" rel="next"'
check "page 2 links back to page 1" has "$site/reports/page/2/index.html" \
    'href="../../../reports/" rel="prev"'
check "page 2 links to page 3" has "$site/reports/page/2/index.html" \
    'href="../../../reports/page/3/" rel="next"'
check_not "page 3 has no next" has "$site/reports/page/3/index.html" \
    'rel="next"'
check "page 2 is marked current" has "$site/reports/page/2/index.html" \
    'href="../../../reports/page/2/" aria-current="page"'
check "term page 2 shows the oldest traffic stop" \
    [ "$(ids "$site/incident-type/traffic-stop/page/2/index.html")" = \
    "2024-0003 " ]

# A report page shows every field value, the narrative, the lessons and
# the reviewer comments.
r=$site/reports/2024-0003/index.html
for v in "Driver reached under the seat during a night traffic stop" \
    "SUMMARY-MARK-0003" "February 2024" 'datetime="2024-02"' \
    "10 March 2024" 'datetime="2024-03-10"' \
    '<a href="../../incident-type/traffic-stop/">Traffic stop</a>' \
    '<a href="../../factor/communication/">Communication</a>' \
    '<a href="../../factor/fatigue/">Fatigue</a>' \
    '<a href="../../loss-potential/serious-injury/">Serious injury</a>' \
    "<dt>Officers on scene</dt><dd>2</dd>" \
    '<dt>Time of day</dt><dd><a href="../../time-of-day/night/">Night</a></dd>' \
    '<dt>Lighting</dt><dd><a href="../../lighting/dark/">Dark</a></dd>' \
    '<dt>Weather</dt><dd><a href="../../weather/rain/">Rain</a></dd>' \
    '<dt>Agency type</dt><dd><a href="../../agency-type/county-sheriff/">County sheriff</a></dd>' \
    '<dt>Region</dt><dd><a href="../../region/midwest/">Midwest</a></dd>' \
    "<dd>2024-0003</dd>" \
    "NARRATIVE-MARK-0003" "I was still [on the radio] when you walked up." \
    "<li>Wait for the plate return before you walk up. LESSON-MARK-0003</li>" \
    "<li>Tell your partner what you are about to do.</li>" \
    "COMMENT-MARK-0003" \
    "${base}reports/2024-0003/"; do
	check "report page shows: $v" has "$r" "$v"
done
# line FILE FIXED-STRING: the number of the first line that contains it.
line() {
	grep -Fn -- "$2" "$1" | sed -n '1s/:.*//p'
}
# in_order FILE STRING...: each string first appears after the previous.
in_order() {
	io_file=$1
	shift
	io_prev=0
	for io_s in "$@"; do
		io_n=$(line "$io_file" "$io_s")
		[ -n "$io_n" ] && [ "$io_n" -gt "$io_prev" ] || return 1
		io_prev=$io_n
	done
}
check "report page: summary, narrative, lessons, comments in order" \
    in_order "$r" SUMMARY-MARK NARRATIVE-MARK LESSON-MARK COMMENT-MARK
r=$site/reports/2024-0007/index.html
check_not "report without comments: no comments heading" has "$r" \
    "Reviewer comments"
check_not "report without officers: no officers row" has "$r" \
    "Officers on scene"
check "report without comments: lessons shown" has "$r" "LESSON-MARK-0007"

# Static page.
check "page: title and text" has "$site/about/index.html" "PAGE-MARK-ABOUT"
check "page: title from its heading" has "$site/about/index.html" \
    "<h1>About this archive</h1>"
check "every page links the static page" \
    has "$site/reports/2025-0001/index.html" \
    '<a href="../../about/">About this archive</a>'

# Feeds: well-formed, capped at feed_items = 2, newest first.
for f in atom.xml incident-type/traffic-stop/atom.xml \
    incident-type/vehicle-pursuit/atom.xml \
    incident-type/foot-pursuit/atom.xml sitemap.xml; do
	check "$f is well-formed XML" xml_ok "$site/$f"
done
check "atom.xml capped at 2 entries" \
    [ "$(count "$site/atom.xml" '<entry>')" -eq 2 ]
check "traffic-stop feed capped at 2 entries" \
    [ "$(count "$site/incident-type/traffic-stop/atom.xml" '<entry>')" -eq 2 ]
check "foot-pursuit feed has its 1 entry" \
    [ "$(count "$site/incident-type/foot-pursuit/atom.xml" '<entry>')" -eq 1 ]
check "atom.xml: newest entry first" \
    [ "$(sed -n 's/^<id>\(.*\)<\/id>$/\1/p' "$site/atom.xml" | tr '\n' ' ')" \
    = "${base}atom.xml ${base}reports/2025-0009/ ${base}reports/2025-0004/ " ]
check "traffic-stop feed lists only traffic stops" \
    [ "$(sed -n 's/^<id>\(.*\)<\/id>$/\1/p' \
    "$site/incident-type/traffic-stop/atom.xml" | tr '\n' ' ')" = \
    "${base}incident-type/traffic-stop/atom.xml ${base}reports/2025-0009/\
 ${base}reports/2025-0001/ " ]
check "home links its feed" has "$site/index.html" \
    'rel="alternate" type="application/atom+xml"'

# Sitemap and robots.txt.
for id in 2024-0003 2024-0007 2025-0001 2025-0004 2025-0009; do
	check "sitemap lists $id" has "$site/sitemap.xml" \
	    "<loc>${base}reports/$id/</loc>"
done
check "sitemap lists the home page" has "$site/sitemap.xml" \
    "<loc>${base}</loc>"
check "sitemap lists the static page" has "$site/sitemap.xml" \
    "<loc>${base}about/</loc>"
check "robots.txt points to the sitemap" has "$site/robots.txt" \
    "Sitemap: ${base}sitemap.xml"

# Browse (browse/): every list field of the schema, each value that a
# published report carries with its count and a link to its list.
b=$site/browse/index.html
check "browse page exists" [ -f "$b" ]
for v in '<a href="../incident-type/">Incident type</a>' \
    '<a href="../factor/">Contributing factor</a>' \
    '<a href="../loss-potential/">Loss potential</a>' \
    '<a href="../year/">Year</a>' \
    '<a href="../agency-type/">Agency type</a>' \
    '<a href="../region/">Region</a>' \
    '<a href="../time-of-day/">Time of day</a>' \
    '<a href="../lighting/">Lighting</a>' \
    '<a href="../weather/">Weather</a>'; do
	check "browse page has the field: $v" has "$b" "$v"
done
# term SLUG-PATH LABEL COUNT: the browse page's entry of one value.
term() {
	has "$b" "<a href=\"../$1/\">$2</a> <span class=\"count\">$3<"
}
check "browse: traffic stop 3" term incident-type/traffic-stop \
    "Traffic stop" 3
check "browse: foot pursuit 1" term incident-type/foot-pursuit \
    "Foot pursuit" 1
check "browse: fatigue 2" term factor/fatigue Fatigue 2
check "browse: serious injury 3" term loss-potential/serious-injury \
    "Serious injury" 3
check "browse: 2024 3" term year/2024 2024 3
check "browse: 2025 2" term year/2025 2025 2
check "browse: county sheriff 1" term agency-type/county-sheriff \
    "County sheriff" 1
check "browse: midwest 1" term region/midwest Midwest 1
check "browse: night 1" term time-of-day/night Night 1
check "browse: dark 1" term lighting/dark Dark 1
check "browse: rain 1" term weather/rain Rain 1
check "browse: 24 values in all" [ "$(count "$b" '</a> <span class="count">')" \
    -eq 24 ]
check_not "browse: a value no report carries is left out" has "$b" \
    "weather/snow-or-ice/"
check "browse: the total" has "$b" 'Published reports: <span class="count">5</span>.'
for f in agency-type/index.html agency-type/county-sheriff/index.html \
    region/midwest/index.html time-of-day/night/index.html \
    lighting/dark/index.html weather/rain/index.html \
    reports/by-event/index.html reports/by-event/page/3/index.html \
    incident-type/traffic-stop/by-event/page/2/index.html \
    year/2024/by-event/page/2/index.html weather/clear/by-event/index.html; do
	check "new list page: $f" [ -f "$site/$f" ]
done
check_not "no list for a value no report carries" \
    [ -e "$site/weather/snow-or-ice" ]
check "weather: rain lists its report" \
    [ "$(ids "$site/weather/rain/index.html")" = "2024-0003 " ]
check "sitemap lists a new facet's list" has "$site/sitemap.xml" \
    "<loc>${base}region/midwest/</loc>"
check "sitemap lists the browse page" has "$site/sitemap.xml" \
    "<loc>${base}browse/</loc>"
check_not "sitemap leaves the by-event lists out" has "$site/sitemap.xml" \
    "by-event"
check_not "no feed for the new facets" [ -e "$site/weather/rain/atom.xml" ]
# Both orders say which they are and link the other.
check "publication order says so and links the other" one_line \
    "$site/reports/page/2/index.html" \
    'Sorted by publication date, newest first · <a href="../../../reports/by-event/">Sort by event date</a>'
check "event order says so and links the other" one_line \
    "$site/year/2024/by-event/index.html" \
    'Sorted by event date, newest first · <a href="../../../year/2024/">Sort by publication date</a>'
check "event order: own title" has \
    "$site/incident-type/traffic-stop/by-event/page/2/index.html" \
    "<title>Incident type: Traffic stop, by event date (page 2 of 2) –"
check "event order: pagination stays in its order" has \
    "$site/reports/by-event/page/2/index.html" \
    '<a href="../../../../reports/by-event/page/3/" rel="next">'
# The header: Browse and Search on every page, marked on their own.
check "header links Browse" has "$site/reports/2024-0003/index.html" \
    '<li><a href="../../browse/">Browse</a></li>'
check "header links Search" has "$site/reports/2024-0003/index.html" \
    '<li><a href="../../search/">Search</a></li>'
check "header marks Browse on browse/" has "$b" \
    '<a href="../browse/" aria-current="page">Browse</a>'
check "header marks Search on search/" has "$site/search/index.html" \
    '<a href="../search/" aria-current="page">Search</a>'

# Event order differs from publication order: an old event published last
# (2025-0010) and a tie on the event month (2025-0011, 2025-0009: the
# higher id first).  A scratch copy of the fixture, so the rest of this
# suite keeps its five reports.
e2e_repo=$repo
repo=$tmp/orepo
git init -q "$repo"
cp -R "$fix/content" "$repo/content"
sed -e 's/^id: .*/id: 2025-0010/' -e 's/^event_date: .*/event_date: 2023-01/' \
    -e 's/^published: .*/published: 2025-07-01/' \
    "$fix/content/reports/2025/2025-0009.md" \
    >"$repo/content/reports/2025/2025-0010.md"
sed -e 's/^id: .*/id: 2025-0011/' -e 's/^published: .*/published: 2025-07-02/' \
    "$fix/content/reports/2025/2025-0009.md" \
    >"$repo/content/reports/2025/2025-0011.md"
commit "two reports whose event order is not their publication order"
gen -o "$tmp/osite"
check_rc "event order build exits 0" 0
o=$tmp/osite
check "publication order: newest published first" \
    [ "$(ids "$o/reports/index.html")" = "2025-0011 2025-0010 " ]
check "event order: newest event first, a tie by id" \
    [ "$(ids "$o/reports/by-event/index.html")" = "2025-0011 2025-0009 " ]
check "event order: page 2" \
    [ "$(ids "$o/reports/by-event/page/2/index.html")" = \
    "2025-0004 2025-0001 " ]
check "event order: the oldest event last" \
    [ "$(ids "$o/reports/by-event/page/4/index.html")" = "2025-0010 " ]
check "event order of a term list" \
    [ "$(ids "$o/incident-type/traffic-stop/by-event/index.html")" = \
    "2025-0011 2025-0009 " ]
check "event order of a term list: page 3" \
    [ "$(ids "$o/incident-type/traffic-stop/by-event/page/3/index.html")" = \
    "2025-0010 " ]
check "event order says so" has "$o/reports/by-event/page/4/index.html" \
    "Sorted by event date, newest first"
check "browse: the new year and its count" has "$o/browse/index.html" \
    '<a href="../year/2023/">2023</a> <span class="count">1<'
rm -rf "$tmp/osite"
repo=$e2e_repo

# Links: relative and resolving, except the canonical link, permalinks,
# the intake URL and mailto, the open data's licence, and 404.html, which
# uses base_url.
links "$site" >"$tmp/badlinks" 2>"$tmp/linkstat"
if [ -s "$tmp/badlinks" ]; then
	fail "bad links: $(head -n 5 "$tmp/badlinks" | tr '\n' '|')"
else
	ok
fi
check "link checker saw every page" \
    [ "$(sed -n 's/^checked \([0-9]*\) pages.*/\1/p' "$tmp/linkstat")" -eq \
    "$(find "$site" -name '*.html' | wc -l)" ]
check "link checker saw many links" \
    [ "$(sed -n 's/.* pages, \([0-9]*\) links$/\1/p' "$tmp/linkstat")" -gt 500 ]
check "404.html links through base_url" has "$site/404.html" \
    "href=\"${base}style.css\""

# The CSP on every HTML page; no script anywhere but on the status page,
# whose CSP allows status.js and fetches from the site (tests/gen/status.sh),
# and on the search page, whose CSP allows search.js the same way.
csp="<meta http-equiv=\"Content-Security-Policy\" content=\"default-src"
csp="$csp 'none'; style-src 'self'; img-src 'self'; base-uri 'none';"
csp="$csp form-action 'self'\">"
nocsp=
for f in $(cd "$site" && find . -name '*.html' ! -path ./status/index.html \
    ! -path ./search/index.html); do
	grep -Fq "$csp" "$site/$f" || nocsp="$nocsp $f"
done
check "CSP meta tag on every HTML page" [ -z "$nocsp" ]
check "<script only on the status and search pages" [ "$(grep -rli \
    '<script' "$site" | sed "s|^$site/||" | sort | tr '\n' ' ')" = \
    "search/index.html status/index.html " ]
check "the search page's CSP allows scripts and fetches from the site" \
    grep -Fq "script-src 'self'; connect-src 'self';" \
    "$site/search/index.html"

sums "$site" >"$tmp/sums.good"
cp -R "$site" "$tmp/good"

# --- committed content only -----------------------------------------------

# An untracked report, a staged one and an uncommitted edit are not
# published: the build equals the committed one.
mkdir -p "$repo/content/reports/2026"
good_report |
    sed 's/2025-0100/2026-0001/; s/^published: .*/published: 2026-01-01/' \
    >"$repo/content/reports/2026/2026-0001.md"
good_report |
    sed 's/2025-0100/2026-0002/; s/^published: .*/published: 2026-01-02/' \
    >"$repo/content/reports/2026/2026-0002.md"
git -C "$repo" add content/reports/2026/2026-0002.md
sed 's/^title: .*/title: "UNCOMMITTED-EDIT"/' \
    "$repo/content/reports/2024/2024-0003.md" >"$tmp/edit"
cp "$tmp/edit" "$repo/content/reports/2024/2024-0003.md"
gen -o "$tmp/draft"
check_rc "build with uncommitted changes exits 0" 0
check_not "untracked report not published" \
    [ -e "$tmp/draft/reports/2026-0001" ]
check_not "staged report not published" [ -e "$tmp/draft/reports/2026-0002" ]
check_not "uncommitted edit not published" grep -rq UNCOMMITTED-EDIT \
    "$tmp/draft"
check_same "uncommitted changes: same site as the commit" \
     "$site" "$tmp/draft"
gen -o "$site"
check "uncommitted changes: existing site is up to date" \
    grep -q "up to date" "$tmp/stderr"
git -C "$repo" reset -q --hard base
git -C "$repo" clean -qfd

# --ref builds an older commit.
good_report | sed 's/2025-0100/2025-0200/' \
    >"$repo/content/reports/2025/2025-0200.md"
commit "a newer report"
gen -o "$tmp/head"
check_rc "build of HEAD exits 0" 0
check "HEAD has the newer report" \
    [ -f "$tmp/head/reports/2025-0200/index.html" ]
gen --ref HEAD~1 -o "$tmp/old"
check_rc "--ref HEAD~1 exits 0" 0
check_same "--ref HEAD~1 builds the older commit" "$site" "$tmp/old"
gen --ref base -o "$tmp/tag"
check_same "--ref TAG builds the tagged commit" "$site" "$tmp/tag"
gen --ref "$(git -C "$repo" rev-parse base)" -o "$tmp/sha"
check_same "--ref SHA builds that commit" "$site" "$tmp/sha"
git -C "$repo" -c user.name=t -c user.email=t@example.invalid \
    tag -a -m "an annotated tag" v1 base
gen --ref v1 -o "$tmp/annotated"
check_same "--ref of an annotated tag builds its commit" "$site" \
    "$tmp/annotated"
gen --ref no-such-ref -o "$tmp/noref"
check_rc "--ref of a missing ref exits 1" 1
check_not "--ref of a missing ref writes nothing" [ -e "$tmp/noref" ]

# A bare clone builds the same site.
git clone -q --bare "$repo" "$tmp/bare.git"
rc=0
"$NMGEN" -r "$tmp/bare.git" -t "$theme" --no-sync -o "$tmp/barebuild" \
    2>"$tmp/stderr" || rc=$?
check_rc "bare clone builds" 0
check_same "bare clone builds the same site" "$tmp/head" "$tmp/barebuild"

# -p: another content folder of the same tree (with or without a slash).
cp -R "$fix/content" "$repo/other"
sed 's/^title = .*/title = Other Content Folder/' "$fix/content/nearmiss.ini" \
    >"$repo/other/nearmiss.ini"
rm "$repo/other/reports/2024/2024-0007.md"
commit "a second content folder"
gen -p other -o "$tmp/other"
check_rc "-p other exits 0" 0
check "-p other: its own nearmiss.ini" has "$tmp/other/index.html" \
    "<h1>Other Content Folder</h1>"
# shellcheck disable=SC2010
check "-p other: its own reports" \
    [ "$(ls "$tmp/other/reports" | grep -c '^20')" -eq 4 ]
check_not "-p other: not the default folder's" \
    [ -e "$tmp/other/reports/2025-0200" ]
gen -p other/ -o "$tmp/other2"
check_same "-p other/ equals -p other" "$tmp/other" "$tmp/other2"
gen -p nowhere -o "$tmp/nowhere"
check_rc "-p of a missing folder exits 1" 1
check_not "-p of a missing folder writes nothing" [ -e "$tmp/nowhere" ]

# -p .: the content at the top of a repository that holds nothing else.
git init -q "$tmp/flat"
cp -R "$fix/content/." "$tmp/flat/"
sign "$tmp/flat"
git -C "$tmp/flat" add -A
git -C "$tmp/flat" -c user.name=t -c user.email=t@example.invalid \
    commit -q -m "content at the top"
rc=0
"$NMGEN" -r "$tmp/flat" -p . -t "$theme" --no-sync -o "$tmp/flatout" \
    2>"$tmp/stderr" || rc=$?
check_rc "-p . (content at the top of the tree): exit 0" 0
diff -rq "$site" "$tmp/flatout" >"$tmp/diff" 2>&1 || true
check "-p .: the same site but for the state file (another commit)" \
    [ "$(grep -vc 'nearmiss-state' "$tmp/diff")" -eq 0 ]

# Without -r, from a subfolder of the work tree: the repository is found.
rc=0
(cd "$repo/content/reports/2024" && "$NMGEN" -t "$theme" --no-sync \
    -o "$tmp/found") 2>"$tmp/stderr" || rc=$?
check_rc "no -r, run from a subfolder: exits 0" 0
gen -o "$tmp/withr"
check_same "no -r, run from a subfolder: same site as -r" \
     "$tmp/withr" "$tmp/found"
rc=0
(cd "$tmp" && "$NMGEN" -t "$theme" --no-sync -o "$tmp/norepo") \
    2>"$tmp/stderr" || rc=$?
check_rc "no -r outside any repository exits 1" 1
rc=0
"$NMGEN" -r "$tmp/no-such-repo" -t "$theme" -o "$tmp/norepo" \
    2>"$tmp/stderr" || rc=$?
check_rc "-r of a missing repository exits 1" 1
check_not "a failed open writes nothing" [ -e "$tmp/norepo" ]

git -C "$repo" reset -q --hard base
git -C "$repo" clean -qfd

# --- validation errors ----------------------------------------------------

# bad_case NAME FILE ERE [MODES]: commits $tmp/case as content/FILE (or,
# with FILE "-", what is in the work tree) on top of the good site's
# commit, then runs an incremental and a full (--full) build over the good
# site (MODES "incremental": only the first, for the extra cases, to save
# time: both builds check a report the same way).  Each must print a line matching ERE, exit 1, leave
# the site byte for byte as it was and leave no staging folder.
bad_case() {
	case_name=$1
	case_file=$2
	case_re=$3
	case_modes=${4:-incremental full}
	if [ "$case_file" != - ]; then
		mkdir -p "$(dirname "$repo/content/$case_file")"
		cp "$tmp/case" "$repo/content/$case_file"
	fi
	commit "$case_name"
	for mode in $case_modes; do
		if [ "$mode" = full ]; then
			gen -o "$site" --full
		else
			gen -o "$site"
		fi
		check_rc "$case_name ($mode): exit 1" 1
		check_err "$case_name ($mode): message" "$case_re"
		sums "$site" >"$tmp/sums.after"
		check "$case_name ($mode): previous site untouched" \
		    cmp -s "$tmp/sums.good" "$tmp/sums.after"
		check "$case_name ($mode): no staging folder left" \
		    no_staging "$site"
		# Put the good site back for the next case if it was not.
		if ! cmp -s "$tmp/sums.good" "$tmp/sums.after"; then
			rm -rf "$site" "$site".tmp-*
			cp -R "$tmp/good" "$site"
		fi
	done
	git -C "$repo" reset -q --hard base
	git -C "$repo" clean -qfd
}

x=content/reports/2025/2025-0100.md
X='^content/reports/2025/2025-0100\.md'
R=reports/2025/2025-0100.md

# mk SED-SCRIPT: the good report edited by the script, as $tmp/case.
mk() {
	good_report | sed "$1" >"$tmp/case"
}
# mk_ini SED-SCRIPT: the fixture's nearmiss.ini edited, as $tmp/case.
mk_ini() {
	sed "$1" "$fix/content/nearmiss.ini" >"$tmp/case"
}

mk '/^title:/d'
bad_case "missing field" $R "$X:1: .*title.*(missing|required)"
mk 's/^summary: .*/summary: ""/'
bad_case "empty summary" $R "$X:9: .*summary" incremental
mk 's/^incident_type: .*/incident_type: robbery/'
bad_case "unknown incident type" $R "$X:6: .*incident_type.*robbery"
mk 's/^contributing_factors: .*/contributing_factors: [training, luck]/'
bad_case "unknown contributing factor" $R \
    "$X:7: .*contributing_factors.*luck" incremental
mk 's/^loss_potential: .*/loss_potential: Death/'
bad_case "unknown loss potential (case matters)" $R \
    "$X:8: .*loss_potential.*Death" incremental
mk 's/^event_date: .*/event_date: 2025-01-17/'
bad_case "event_date with a day" $R "$X:4: .*event_date.*day"
mk 's/^event_date: .*/event_date: 2025-13/'
bad_case "event_date month 13" $R "$X:4: .*event_date" incremental
mk 's/^published: .*/published: 2025-02-30/'
bad_case "published on 30 February" $R "$X:5: .*published.*2025-02-30" \
    incremental
mk 's/^published: .*/published: 1 Feb 2025/'
bad_case "malformed published date" $R "$X:5: .*published"
mk 's/^event_date: .*/event_date: 2025-03/'
bad_case "event after publication" $R "$X:4: .*event_date.*after" \
    incremental
mk 's/^id: .*/id: 2025-0001/'
bad_case "duplicate id in two files" reports/2024/2025-0001.md \
    '^content/reports/2024/2025-0001\.md:2: .*2025-0001'
mk ''
bad_case "bad file name" reports/2025/Bad_Name.md \
    '^content/reports/2025/Bad_Name\.md:([0-9]+:)? .*(name|report file)'
mk ''
bad_case "report outside a year folder" reports/2025-0100.md \
    '^content/reports/2025-0100\.md:([0-9]+:)? '
mk 's/^id: .*/id: 2025-0200/'
bad_case "id differs from the file name" $R "$X:2: .*(id|name)"
mk 's/^contributing_factors: .*/contributing_factors: [training, fatigue, communication, complacency, decision-making, equipment-failure]/'
bad_case "6 contributing factors" $R "$X:7: .*contributing_factors.*5"
mk 's/^contributing_factors: .*/contributing_factors:\
  - training\
  - fatigue\
  - communication\
  - complacency\
  - decision-making\
  - equipment-failure/'
bad_case "6 contributing factors, block list" $R \
    "$X:13: .*contributing_factors.*5" incremental
mk 's/^summary: \(.*\)/summary: \1\
colour: red/'
bad_case "unknown key" $R "$X:10: .*unknown key.*colour"
mk '10d'
bad_case "front matter not closed" $R "$X:1: .*front matter.*(clos|---)"
mk '1d'
bad_case "no front matter" $R "$X:1: .*front matter" incremental
mk '/^## Lessons learned/d'
bad_case 'missing "## Lessons learned"' $R \
    "$X:[0-9]+: .*Lessons learned.*missing"
mk 's/^Narrative\.$/Narrative.\
\
![a pixel](https:\/\/tracker.example\/p.png)/'
bad_case "external image" $R "$X:13: .*image.*tracker\.example"
mk 's/^summary: .*/summary: *anchor/'
bad_case "YAML alias" $R "$X:9: .*alias"
mk 's/^title: \(.*\)/title: \&anchor \1/'
bad_case "YAML anchor" $R "$X:3: .*anchor" incremental
mk 's/^summary: \(.*\)/summary: \1\
officers_on_scene: lots/'
bad_case "officers_on_scene not a number" $R \
    "$X:10: .*officers_on_scene" incremental
mk "s/^title: .*/title: \"$(printf '%0210d' 0 | tr 0 a)\"/"
bad_case "title of 210 characters" $R "$X:3: .*title" incremental
# Bidirectional controls, anywhere in a report: the first one's line and
# column; written as a YAML escape, the field's error.
mk "s/^title: .*/title: \"Left $(printf '\342\200\256')thgir\"/"
bad_case "U+202E in the title" $R \
    "$X:3: column 14: U\+202E RIGHT-TO-LEFT OVERRIDE: bidirectional"
mk "s/^Narrative\.\$/Narrative $(printf '\342\201\246')here./"
bad_case "U+2066 in the body" $R \
    "$X:11: column 11: U\+2066 LEFT-TO-RIGHT ISOLATE: bidirectional"
mk 's/^title: .*/title: "Left \\u202Ethgir"/'
bad_case "U+202E as a YAML escape in the title" $R \
    "$X:3: title: .*bidirectional control" incremental
mk_ini 's/^per_page = 2$/per_page = two/'
bad_case "nearmiss.ini: bad number" nearmiss.ini \
    '^content/nearmiss\.ini:12: .*per_page'
mk_ini 's/^other = Other$/Other Thing = Other/'
bad_case "nearmiss.ini: bad slug" nearmiss.ini \
    '^content/nearmiss\.ini:21: .*Other Thing' incremental
mk_ini 's/^\[region\]$/[regions]/'
bad_case "nearmiss.ini: unknown section" nearmiss.ini \
    '^content/nearmiss\.ini:40: .*regions' incremental
# shellcheck disable=SC2016
mk_ini '$a\
[regoin]'
n=$(($(grep -c '' "$fix/content/nearmiss.ini") + 1))
bad_case "nearmiss.ini: unknown empty section" nearmiss.ini \
    "^content/nearmiss\\.ini:$n: .*regoin" incremental
mk_ini 's/^\[weather\]$/[weather/'
bad_case "nearmiss.ini: syntax error" nearmiss.ini \
    '^content/nearmiss\.ini:52: ' incremental

# What may not be under reports/ and pages/.
ln -s ../2024/2024-0003.md "$repo/content/reports/2025/2025-0100.md"
bad_case "symbolic link as a report" - "$X:?.*(regular file|symbolic)"
printf 'GIF89a\n' >"$tmp/case"
bad_case "an image under reports/" reports/2025/photo.gif \
    '^content/reports/2025/photo\.gif:([0-9]+:)? '
printf '# A page\n\nText.\n' >"$tmp/case"
bad_case "a page in a subfolder" pages/sub/inner.md \
    '^content/pages/sub/inner\.md:([0-9]+:)? ' incremental
bad_case "a page with a name the site uses" pages/reports.md \
    '^content/pages/reports\.md:([0-9]+:)? .*reports'
bad_case "a page with a bad name" pages/About.md \
    '^content/pages/About\.md:([0-9]+:)? ' incremental
printf 'No title here.\n\n# Late title\n' >"$tmp/case"
bad_case "a page without its title first" pages/notitle.md \
    '^content/pages/notitle\.md:1: .*Title'

# A valid report that gen accepts, as a control for the cases above, and
# the same with CRLF line ends.
good_report | sed 's/^published: .*/published: 2025-02-01/' \
    >"$repo/$x"
commit "the good report itself"
gen -o "$tmp/control"
check_rc "control: the unbroken report is valid" 0
check "control: it is published" \
    [ -f "$tmp/control/reports/2025-0100/index.html" ]
good_report | sed 's/2025-0100/2025-0101/' | awk '{ printf "%s\r\n", $0 }' \
    >"$repo/content/reports/2025/2025-0101.md"
commit "a report with CRLF line ends"
gen -o "$tmp/control"
check_rc "control: CRLF line ends are accepted" 0
check "control: the CRLF report is published" \
    [ -f "$tmp/control/reports/2025-0101/index.html" ]
check_not "control: no CR in its page" grep -q "$(printf '\r')" \
    "$tmp/control/reports/2025-0101/index.html"
git -C "$repo" reset -q --hard base

# --- --keep-going ---------------------------------------------------------

good_report | sed 's/^incident_type: .*/incident_type: robbery/' >"$repo/$x"
good_report | sed 's/2025-0100/2025-0101/' \
    >"$repo/content/reports/2025/2025-0101.md"
commit "one valid, one invalid"
for mode in incremental full; do
	if [ "$mode" = full ]; then
		out=$tmp/kg-full
		gen -k -o "$out"
	else
		out=$tmp/kg-incr
		cp -R "$site" "$out"
		gen --keep-going -o "$out"
	fi
	check_rc "--keep-going ($mode): exit 1" 1
	check_err "--keep-going ($mode): lists the invalid report" \
	    "$X:6: .*incident_type"
	check "--keep-going ($mode): publishes the valid new report" \
	    [ -f "$out/reports/2025-0101/index.html" ]
	check_not "--keep-going ($mode): no page for the invalid report" \
	    [ -e "$out/reports/2025-0100" ]
	check_not "--keep-going ($mode): invalid report in no list" \
	    grep -rq 2025-0100 "$out"
	check "--keep-going ($mode): 6 reports counted" \
	    has "$out/index.html" 'Published reports: <span class="count">6</span>.'
	check "--keep-going ($mode): no staging folder" no_staging "$out"
done
check_same "--keep-going: incremental equals full" "$tmp/kg-incr" \
    "$tmp/kg-full"
# The invalid report is still there: a rebuild must still say so.
gen -o "$tmp/kg-full"
check_rc "rebuild after --keep-going still exits 1" 1
check_err "rebuild after --keep-going still lists the invalid report" "$X:"
git -C "$repo" reset -q --hard base
# An invalid page under --keep-going: left out, listed, exit 1.
printf 'No title first.\n\n# Late title\n' >"$repo/content/pages/notitle.md"
commit "an invalid page"
gen -k -o "$tmp/kg-page"
check_rc "--keep-going, invalid page: exit 1" 1
check_err "--keep-going, invalid page: listed" '^content/pages/notitle\.md:1: '
check_not "--keep-going, invalid page: not published" \
    [ -e "$tmp/kg-page/notitle" ]
check_not "--keep-going, invalid page: not in the navigation" \
    grep -q notitle "$tmp/kg-page/index.html"
check "--keep-going, invalid page: the rest is published" \
    [ -f "$tmp/kg-page/reports/2024-0003/index.html" ]
gen -o "$tmp/kg-page"
check_rc "rebuild after --keep-going with an invalid page still exits 1" 1
git -C "$repo" reset -q --hard base
git -C "$repo" clean -qfd

# --- determinism ----------------------------------------------------------

gen --full -o "$tmp/det1"
gen --full -j 1 -o "$tmp/det2"
TZ=Pacific/Kiritimati "$NMGEN" -r "$repo" -t "$theme" --no-sync -j 2 \
    -o "$tmp/det3" 2>/dev/null
check_same "two full builds are identical" "$tmp/det1" "$tmp/det2"
check_same "a build in another time zone is identical" "$tmp/det1" \
    "$tmp/det3"
check_same "the fsync'ed build is identical" "$site" "$tmp/det1"
# --full gives the same bytes as an incremental build.
sed 's/^title: .*/title: "Retitled for the determinism check"/' \
    "$fix/content/reports/2025/2025-0004.md" \
    >"$repo/content/reports/2025/2025-0004.md"
commit "retitle"
cp -R "$site" "$tmp/det-incr"
# The caches of the search index and of the related reports live beside
# the site (OUTDIR.index, OUTDIR.related and its OUTDIR.lessons).
cp "$site.index" "$tmp/det-incr.index"
cp "$site.related" "$tmp/det-incr.related"
cp "$site.lessons" "$tmp/det-incr.lessons"
gen -o "$tmp/det-incr"
check "incremental build says so" grep -q incremental "$tmp/stderr"
gen --full -o "$tmp/det-full"
check_same "--full equals the incremental build" "$tmp/det-incr" \
    "$tmp/det-full"
gen --full -o "$tmp/det-incr"
check_same "--full over it changes nothing" "$tmp/det-incr" \
    "$tmp/det-full"
git -C "$repo" reset -q --hard base

# --- refusals and usage errors --------------------------------------------

mkdir "$tmp/notours"
echo "precious" >"$tmp/notours/file.txt"
sums "$tmp/notours" >"$tmp/sums.notours"
gen -o "$tmp/notours"
check_rc "refuses a non-empty folder it did not make: exit 1" 1
check_err "refuses a non-empty folder: says why" "notours"
sums "$tmp/notours" >"$tmp/sums.after"
check "refused folder untouched" cmp -s "$tmp/sums.notours" "$tmp/sums.after"
check "refused folder: no staging beside it" no_staging "$tmp/notours"
mkdir "$tmp/empty"
gen -o "$tmp/empty"
check_rc "accepts an existing empty folder" 0
check_same "existing empty folder: site built" "$site" "$tmp/empty"

mkdir "$tmp/cwd"
echo "precious" >"$tmp/cwd/file.txt"
for o in / // . ./ .. ../; do
	rc=0
	(cd "$tmp/cwd" && "$NMGEN" -r "$repo" -t "$theme" -o "$o" \
	    >/dev/null 2>&1) || rc=$?
	check_rc "refuses -o $o: exit 2" 2
done
check "refusals left the folder alone" [ "$(ls -A "$tmp/cwd")" = file.txt ]
for args in "--bogus" "-x" "extra-operand" "-j 0" "-j 17" "-j x" \
    "-o" "-r" "--ref" "-o ''"; do
	rc=0
	eval "\"\$NMGEN\" -r \"\$repo\" -t \"\$theme\" $args" \
	    >/dev/null 2>"$tmp/stderr" || rc=$?
	check_rc "usage error ($args): exit 2" 2
	check "usage error ($args): says something" [ -s "$tmp/stderr" ]
done
rc=0
"$NMGEN" --version >"$tmp/stdout" 2>&1 || rc=$?
check_rc "--version exits 0" 0
check "--version prints the version" grep -Eq '^nearmiss-gen [0-9]+\.[0-9]+' \
    "$tmp/stdout"
for h in --help -h; do
	rc=0
	"$NMGEN" $h >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
	check_rc "$h exits 0" 0
	check "$h prints the usage on stdout" grep -q '^usage: nearmiss-gen' \
	    "$tmp/stdout"
	check "$h prints nothing on stderr" [ ! -s "$tmp/stderr" ]
done
rc=0
"$NMGEN" -r "$repo" -t "$tmp/no-theme" -o "$tmp/notheme" \
    2>"$tmp/stderr" || rc=$?
check_rc "missing theme exits 1" 1
check_not "missing theme writes nothing" [ -e "$tmp/notheme" ]

# --- crash safety ---------------------------------------------------------

# A corpus of 2000 small reports, streamed straight into the object
# database of a bare repository with git fast-import (writing 2000 files
# to a work tree and committing them takes longer than the builds).
# The crash rounds below take about half of this suite's time; they need
# builds long enough to be killed in the middle.
big_n=2000
big=$tmp/big.git
git init -q --bare "$big"
{
	printf 'commit refs/heads/main\ncommitter t <t@example.invalid> 0 +0000\n'
	printf 'data <<EOT\na large corpus\nEOT\n'
	printf 'M 100644 inline content/nearmiss.ini\ndata <<EOT\n'
	sed 's/^per_page = 2$/per_page = 100/' "$fix/content/nearmiss.ini"
	printf 'EOT\n'
	awk -v n="$big_n" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "M 100644 inline content/reports/2023/2023-%04d.md\n" \
			    "data <<EOT\n---\nid: 2023-%04d\n" \
			    "title: \"Generated report %d\"\n" \
			    "event_date: 2023-%02d\npublished: 2023-12-%02d\n" \
			    "incident_type: other\n" \
			    "contributing_factors: [training]\n" \
			    "loss_potential: death\nsummary: \"Summary %d.\"\n" \
			    "---\nNarrative %d.\n\n## Lessons learned\n\n" \
			    "- Lesson %d.\nEOT\n", i, i, i, i % 12 + 1,
			    i % 28 + 1, i, i, i
	}'
} | git -C "$big" fast-import --quiet
# The test reviewers approve the corpus (a commit on top of it).
"$NMSIGN" -g main "$big"
for t in 0.05 0.2 0.5; do
	crash=$tmp/crash
	rm -rf "$crash" "$crash".tmp-*
	cp -R "$site" "$crash"
	rc=0
	"$NMGEN" -q -r "$big" --ref main -t "$theme" --no-sync -o "$crash" \
	    2>/dev/null &
	pid=$!
	sleep "$t"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" || rc=$?
	# The site must be the previous one or, if the kill came after the
	# swap, the complete new one (what the next build makes): never
	# anything in between.
	sums "$crash" >"$tmp/sums.crash"
	killed=no
	[ "$rc" -eq 137 ] && killed=yes
	rc=0
	"$NMGEN" -q -r "$big" --ref main -t "$theme" --no-sync -o "$crash" \
	    2>"$tmp/stderr" || rc=$?
	check_rc "kill -9 after ${t}s (killed: $killed): next build exits 0" 0
	if cmp -s "$tmp/sums.good" "$tmp/sums.crash"; then
		ok
	elif sums "$crash" | cmp -s - "$tmp/sums.crash"; then
		ok
	else
		fail "kill -9 after ${t}s: site neither the previous nor the new one"
	fi
	# shellcheck disable=SC2010
	check "kill -9 after ${t}s: next build is complete" \
	    [ "$(ls "$crash/reports" | grep -c '^2023-')" -eq "$big_n" ]
	check "kill -9 after ${t}s: next build cleans up the staging folder" \
	    no_staging "$crash"
done
# An incremental build killed in the middle: every file is either the
# version before or the version after (each is replaced whole), and the
# next build finishes the job and equals a fresh --full build.  The last
# round above left the large site in $crash (its staging folders, if any,
# have been reported already and go).
rm -rf "$crash".tmp-*
# fsums DIR: "cksum size path" of every file.
fsums() {
	(cd "$1" && find . -type f -exec cksum {} +)
}
gen_big() {
	rc=0
	"$NMGEN" -r "$big" --ref main -t "$theme" --no-sync "$@" \
	    >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
}
for t in 0.1 0.3; do
	{
		printf 'commit refs/heads/main\ncommitter t <t@example.invalid>'
		printf ' 1 +0000\ndata <<EOT\nretitle\nEOT\nfrom refs/heads/main^0\n'
		awk -v t="$t" -v n="$big_n" 'BEGIN {
			for (i = 13; i <= n; i += 13)
				printf "M 100644 inline content/reports/2023/" \
				    "2023-%04d.md\ndata <<EOT\n---\nid: 2023-%04d\n" \
				    "title: \"Retitled report %d (%s)\"\n" \
				    "event_date: 2023-%02d\npublished: 2023-12-%02d\n" \
				    "incident_type: other\n" \
				    "contributing_factors: [training]\n" \
				    "loss_potential: death\nsummary: \"Summary %d.\"\n" \
				    "---\nNarrative %d.\n\n## Lessons learned\n\n" \
				    "- Lesson %d.\nEOT\n", i, i, i, t, i % 12 + 1,
				    i % 28 + 1, i, i, i
		}'
	} | git -C "$big" fast-import --quiet
	"$NMSIGN" -g main "$big"
	fsums "$crash" >"$tmp/old.sums"
	rc=0
	"$NMGEN" -q -r "$big" --ref main -t "$theme" --no-sync -o "$crash" \
	    2>/dev/null &
	pid=$!
	sleep "$t"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" || rc=$?
	killed=no
	[ "$rc" -eq 137 ] && killed=yes
	fsums "$crash" >"$tmp/killed.sums"
	gen_big -o "$crash"
	check_rc "incremental build killed after ${t}s (killed: $killed): next \
build exits 0" 0
	fsums "$crash" >"$tmp/final.sums"
	awk 'FILENAME == ARGV[1] { old[$3] = $1 " " $2; next }
	    FILENAME == ARGV[2] { new[$3] = $1 " " $2; next }
	    $3 !~ /^\.\/\.nearmiss-tmp\// && old[$3] != $1 " " $2 &&
	    new[$3] != $1 " " $2 { print $3 }' "$tmp/old.sums" \
	    "$tmp/final.sums" "$tmp/killed.sums" >"$tmp/torn"
	check "incremental build killed after ${t}s: no file half-written" \
	    [ ! -s "$tmp/torn" ]
	check "incremental build killed after ${t}s: next build cleans up" \
	    no_staging "$crash"
	check_not "incremental build killed after ${t}s: no .nearmiss-tmp left" \
	    [ -e "$crash/.nearmiss-tmp" ]
done
gen_big --full -o "$tmp/bigfresh"
check_same "after the killed incremental builds: same as a fresh build" \
    "$tmp/bigfresh" "$crash"
rm -rf "$tmp/crash" "$tmp"/crash.tmp-* "$tmp/bigfresh"

finish e2e
