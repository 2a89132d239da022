#!/bin/sh
# Cross-site scripting tests of nearmiss-gen.  Every payload of
# tests/gen/xss/payloads.txt goes into the title, the summary, the
# Markdown body (narrative, lessons, comments) and, where only a slug, a
# date, a number or an id is allowed, into such a field, which must then be
# rejected (tests/gen/xss/mkreports.pl writes the reports).  A second
# content folder puts payloads into nearmiss.ini.  The sites are built
# with --keep-going and every .html, .xml and .txt file is scanned for
# executable markup by tests/gen/xss/scan.pl, which must find nothing; the
# feeds must stay well-formed XML.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh xss.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

xss=$TOP/tests/gen/xss
fix=$TOP/tests/gen/fixtures
theme=$TOP/themes/default
repo=$tmp/repo
out=$tmp/out

# scan_site DESC DIR: no finding in any .html, .xml or .txt file.
scan_site() {
	find "$2" -type f \( -name '*.html' -o -name '*.xml' -o \
	    -name '*.txt' \) | sort >"$tmp/scanned"
	rc=0
	# shellcheck disable=SC2046
	perl "$xss/scan.pl" $(cat "$tmp/scanned") >"$tmp/findings" \
	    2>"$tmp/scan.stderr" || rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/findings" ]; then
		ok
	else
		fail "$1: $(grep -c '' "$tmp/findings") findings:" \
		    "$(head -n 8 "$tmp/findings" | sed "s|$tmp/||" |
		    tr '\n' '|')"
	fi
	check "$1: scanned files" [ "$(grep -c '' "$tmp/scanned")" -gt 10 ]
}

# --- the scanner finds what it must, and nothing else ---------------------

rc=0
perl "$xss/scan.pl" "$xss/known-bad.html" >"$tmp/findings" 2>/dev/null ||
    rc=$?
check "scanner: exits 1 on findings" [ "$rc" -eq 1 ]
check "scanner: one finding on each line of known-bad.html" \
    [ "$(cut -d: -f2 "$tmp/findings" | uniq | wc -l)" -eq \
    "$(grep -c '' "$xss/known-bad.html")" ]
check "scanner: no finding in known-good.html (escaped payloads)" \
    perl "$xss/scan.pl" "$xss/known-good.html" 2>/dev/null
# Feeds: a <content type="html"> is scanned as the HTML it holds.
rc=0
perl "$xss/scan.pl" "$xss/known-bad.xml" >"$tmp/findings" 2>/dev/null ||
    rc=$?
check "scanner: four findings in known-bad.xml (three in content, the \
summary's type) ($(tr '\n' '|' <"$tmp/findings"))" [ "$rc" -eq 1 \
    -a "$(grep -c '' "$tmp/findings")" -eq 4 \
    -a "$(grep -c "entry [234]'s content" "$tmp/findings")" -eq 3 ]

n=$(grep -c '' "$xss/payloads.txt")
check "at least 100 payloads" [ "$n" -ge 100 ]

# --- payloads in reports --------------------------------------------------

git init -q "$repo"
mkdir "$repo/content"
sed 's/^per_page = .*/per_page = 50/; s/^feed_items = .*/feed_items = 1000/;
    s/^home_items = .*/home_items = 1000/' "$fix/content/nearmiss.ini" \
    >"$repo/content/nearmiss.ini"
perl "$xss/mkreports.pl" "$repo/content" <"$xss/payloads.txt" 2>/dev/null
commit "the payloads"

gen -k -o "$out"
check_rc "payload build with --keep-going: exit 1 (some are invalid)" 1
check_not "payload build: no crash or sanitizer report" grep -Eq \
    'Sanitizer|runtime error|Assertion|Segmentation' "$tmp/stderr"
check "payload build: a site" [ -f "$out/index.html" ]

# Every report is either published or named in an error message, never
# both, never neither.
# shellcheck disable=SC2012
ls "$repo/content/reports/2025" | sed 's/\.md$//' | sort >"$tmp/all"
# shellcheck disable=SC2010
ls "$out/reports" | grep -E '^[tsbx]-[0-9]{3}$' | sort >"$tmp/published"
sed -n 's|^content/reports/2025/\([^/:]*\)\.md:.*|\1|p' "$tmp/stderr" |
    sort -u >"$tmp/errored"
check "every report published or reported" \
    [ -z "$(sort -u "$tmp/published" "$tmp/errored" | comm -13 - "$tmp/all")" ]
check "no report both published and reported" \
    [ -z "$(comm -12 "$tmp/published" "$tmp/errored")" ]
check "no payload in a slug, date, number or id field is accepted" \
    [ -z "$(grep '^x-' "$tmp/published")" ]
check "every payload in such a field is reported" \
    [ "$(grep -c '^x-' "$tmp/errored")" -eq "$n" ]
for k in t s b; do
	p=$(grep -c "^$k-" "$tmp/published" || true)
	check "most $k- reports are published ($p of $n)" [ "$p" -ge $((n / 2)) ]
done

# Positive controls: the payloads reached the pages, escaped.
check "title payload shown escaped on its page" grep -Fq \
    '<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>' \
    "$out/reports/t-001/index.html"
check "title payload shown escaped in the feed" grep -Fq \
    '<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>' "$out/atom.xml"
check "summary payload shown escaped in the description meta" grep -Fq \
    '<meta name="description" content="&lt;script&gt;alert(1)&lt;/script&gt;">' \
    "$out/reports/s-001/index.html"
check "body payload: raw HTML left out" grep -Fq '<!-- raw HTML omitted -->' \
    "$out/reports/b-001/index.html"
check "body payload: a javascript: link loses its target" grep -Fq \
    '<a href="">click</a>' "$out/reports/b-050/index.html"
check "page of payloads published" [ -f "$out/payloads/index.html" ]
check "page of payloads: raw HTML left out" grep -Fq \
    '<!-- raw HTML omitted -->' "$out/payloads/index.html"

scan_site "payloads in reports and a page" "$out"
for f in "$out/atom.xml" "$out/sitemap.xml" "$out"/incident-type/*/atom.xml; do
	if xml_ok "$f"; then
		ok
	else
		fail "${f#"$out"/} is not well-formed: $(head -n 3 "$tmp/xmllint" |
		    tr '\n' '|')"
	fi
done
check "the feed carries the payload reports" \
    [ "$(grep -c '<entry>' "$out/atom.xml")" -ge "$n" ]

# Incrementally: over a clean site (a build that left reports out is
# always followed by a full one), 20 payload reports (title, summary and
# body ones) come back and must render as in a fresh --full build.
git -C "$repo" tag payloads
sed 's|^|content/reports/2025/|; s|$|.md|' "$tmp/errored" >"$tmp/rm.lst"
awk 'NR % 20 == 1' "$tmp/published" | head -n 20 |
    sed 's|^|content/reports/2025/|; s|$|.md|' >"$tmp/back.lst"
# shellcheck disable=SC2046
git -C "$repo" rm -q $(cat "$tmp/rm.lst" "$tmp/back.lst")
commit "only valid reports, 20 fewer"
gen -o "$tmp/incr"
check_rc "payloads, valid only: exit 0" 0
# shellcheck disable=SC2046
git -C "$repo" checkout -q payloads -- $(cat "$tmp/back.lst")
commit "20 payload reports back"
gen -o "$tmp/incr"
check_rc "20 payload reports back: exit 0" 0
check "20 payload reports back: incremental" grep -q incremental \
    "$tmp/stderr"
gen --full -o "$tmp/full"
check_same "20 payload reports back: same as a fresh --full build" \
    "$tmp/full" "$tmp/incr"
scan_site "payloads, incremental build" "$tmp/incr"

# --- payloads in nearmiss.ini ---------------------------------------------

# Values of [site] and taxonomy labels are the site owner's, not a
# reporter's, but they are escaped all the same.  Lines stay under 197
# bytes, the longest line inih reads.
mkdir "$repo/ini"
cp -R "$fix/content/reports" "$fix/content/pages" "$repo/ini/"
sed -e 's|^title = .*|title = <script>alert(1)</script> "t" '"'"'t'"'"' \&amp; {{ site.title }}|' \
    -e 's|^description = .*|description = "><img src=x onerror=alert(1)> {% include "_head.html" %} ]]>|' \
    -e 's|^intake_url = .*|intake_url = javascript:alert(1)|' \
    -e 's|^intake_email = .*|intake_email = x@example.test" onmouseover="alert(1)|' \
    -e 's|^language = .*|language = en" onload="alert(1)|' \
    -e 's|^traffic-stop = .*|traffic-stop = <svg onload=alert(1)>|' \
    -e 's|^vehicle-pursuit = .*|vehicle-pursuit = "><script>alert(1)</script>|' \
    -e 's|^foot-pursuit = .*|foot-pursuit = ]]><x/>\&#x3C;script\&#x3E;|' \
    -e 's|^communication = .*|communication = <a href="javascript:alert(1)">x</a>|' \
    -e 's|^serious-injury = .*|serious-injury = <iframe src=javascript:alert(1)>|' \
    -e 's|^night = .*|night = <img src=x onerror=alert(1)>|' \
    -e 's|^county-sheriff = .*|county-sheriff = javascript:alert(1)|' \
    -e 's|^midwest = .*|midwest = <meta http-equiv="refresh" content="0">|' \
    "$fix/content/nearmiss.ini" >"$repo/ini/nearmiss.ini"
commit "payloads in nearmiss.ini"
gen -p ini -o "$tmp/ini"
check_rc "nearmiss.ini payloads: exit 0" 0
check "nearmiss.ini payloads: label shown escaped" grep -Fq \
    '&lt;svg onload=alert(1)&gt;' "$tmp/ini/incident-type/index.html"
check "nearmiss.ini payloads: a javascript: intake URL is not linked" \
    grep -Fq '<a class="button" href="#">' "$tmp/ini/index.html"
scan_site "payloads in nearmiss.ini" "$tmp/ini"
for f in "$tmp/ini/atom.xml" "$tmp/ini/sitemap.xml" \
    "$tmp/ini"/incident-type/*/atom.xml; do
	if xml_ok "$f"; then
		ok
	else
		fail "nearmiss.ini payloads: ${f#"$tmp"/} is not well-formed:" \
		    "$(head -n 3 "$tmp/xmllint" | tr '\n' '|')"
	fi
done

# base_url must be an http(s) URL; markup after the scheme must not reach
# any file unescaped, robots.txt included.
sed 's|^base_url = .*|base_url = https://nm.example.test/"><script>alert(1)</script><x y="/|' \
    "$fix/content/nearmiss.ini" >"$repo/ini/nearmiss.ini"
commit "markup in base_url"
gen -p ini -o "$tmp/base"
if [ "$rc" -eq 0 ]; then
	scan_site "markup in base_url" "$tmp/base"
	check "markup in base_url: feed well-formed" xml_ok "$tmp/base/atom.xml"
else
	check "markup in base_url: rejected with its line" grep -q \
	    '^ini/nearmiss\.ini:[0-9]*: .*base_url' "$tmp/stderr"
fi

finish xss
