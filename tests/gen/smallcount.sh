#!/bin/sh
# The small-count rule of nearmiss-gen: no count below nearmiss.ini's
# min_count (k) anywhere in what gen writes.  It builds the demo content
# (k = 3) and a fixture corpus whose terms have 1 or 2 reports, with k = 3
# and k = 10, and scans every file of each output: every count a page
# shows is in a <span class="count"> and must read "< k" or a number of at
# least k, a table's number cell must hold such a count, and no visible
# text may say "N reports", "N results" or "reports: N" with N below k.
# The search index (search/) is left to itself: its document frequencies
# are what the index needs to rank, and its postings list the reports.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh smallcount.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

fix=$TOP/tests/gen/fixtures
theme=$TOP/themes/default
repo=$tmp/repo

# has FILE FIXED-STRING
has() {
	grep -Fq -- "$2" "$1"
}

# one_line FILE FIXED-STRING: the file, newlines removed, contains it.
one_line() {
	tr -d '\n' <"$1" | grep -Fq -- "$2"
}

# The scanner: perl scan.pl K FILE...  prints "FILE: finding" per count
# below K (or not in count form), then "spans N small M" (the counts
# found, and those that read "< K"); exits 1 on a finding.
cat >"$tmp/scan.pl" <<'EOF'
use strict;
use warnings;
my $k = shift @ARGV;
my ($spans, $small, $bad) = (0, 0, 0);
sub finding { print "$_[0]: $_[1]\n"; $bad++; }
sub low { my $n = shift; return $n =~ /^\d+$/ && $n < $k; }
for my $f (@ARGV) {
	open(my $fh, '<', $f) or die "$f: $!";
	local $/;
	my $x = <$fh>;
	close($fh);
	while ($x =~ /<span class="count">([^<]*)</g) {
		my $v = $1;
		$spans++;
		if ($v eq "&lt; $k") {
			$small++;
		} elsif ($v !~ /^\d+$/ || low($v)) {
			finding($f, "count \"$v\"");
		}
	}
	while ($x =~ /<td class="num">(?!<span class="count">)([^<]*)/g) {
		finding($f, "number cell \"$1\" not a count");
	}
	# The visible text: no script, no tags, the entities a count uses.
	$x =~ s/<script\b.*?<\/script>//gs;
	$x =~ s/<[^>]*>//g;
	$x =~ s/&lt;/</g;
	$x =~ s/&amp;/&/g;
	$x =~ s/\s+/ /g;
	while ($x =~ /\b(\d+) (?:published )?(?:reports?|results?)\b/gi) {
		finding($f, "text \"$1 ...\"") if low($1);
	}
	while ($x =~ /\b(?:reports?|results?): (\d+)\b/gi) {
		finding($f, "text \"...: $1\"") if low($1);
	}
}
print "spans $spans small $small\n";
exit($bad ? 1 : 0);
EOF

# scan DESC K DIR: every file of DIR but search/ scanned, nothing found;
# sets spans and small from the scanner's summary.
scan() {
	find "$3" -path "$3/search/x" -prune -o -path "$3/search/m" -prune \
	    -o -type f ! -name index.json -print | sort >"$tmp/files"
	rc=0
	# shellcheck disable=SC2046
	perl "$tmp/scan.pl" "$2" $(cat "$tmp/files") >"$tmp/found" || rc=$?
	spans=$(sed -n 's/^spans \([0-9]*\) small.*/\1/p' "$tmp/found")
	small=$(sed -n 's/^spans [0-9]* small \([0-9]*\)$/\1/p' "$tmp/found")
	if [ "$rc" -eq 0 ] && [ -n "$spans" ]; then
		ok
	else
		fail "$1: $(grep -vc '^spans ' "$tmp/found") counts below $2:" \
		    "$(grep -v '^spans ' "$tmp/found" | head -n 6 |
		    sed "s|$3/||" | tr '\n' '|')"
	fi
	check "$1: files scanned" [ "$(grep -c '' "$tmp/files")" -gt 20 ]
}

# --- the scanner finds what it must ---------------------------------------

cat >"$tmp/bad.html" <<'EOF'
<p>Published reports: <span class="count">2</span>.</p>
<li><a href="x/">X</a> <span class="count">1<span class="vh"> report</span></span></li>
<td class="num">2</td>
<p>All 2 reports, newest first</p>
<p>Matching reports: 1.</p>
<p id="n">1 result</p>
EOF
cat >"$tmp/good.html" <<'EOF'
<p>Published reports: <span class="count">&lt; 3</span>.</p>
<li><a href="x/">X</a> <span class="count">3<span class="vh"> reports</span></span></li>
<td class="num"><span class="count">12</span></td>
<p>All <span class="count">&lt; 3</span> reports. Page 1 of 2. In 2024.</p>
EOF
rc=0
perl "$tmp/scan.pl" 3 "$tmp/bad.html" >"$tmp/found" || rc=$?
check "scanner: exits 1 on small counts" [ "$rc" -eq 1 ]
# Each line of bad.html has a small count; the second has two: the count,
# and the text "1 report" it makes with its hidden word.
check "scanner: finds the 8 small counts of bad.html" \
    [ "$(grep -vc '^spans ' "$tmp/found")" -eq 8 ]
check "scanner: nothing in good.html, 4 counts, 2 of them small" \
    sh -c "perl '$tmp/scan.pl' 3 '$tmp/good.html' | grep -qx 'spans 4 small 2'"

# --- the demo content (k = 3) ---------------------------------------------

rc=0
"$NMGEN" -q --no-sync -r "$TOP" -t "$theme" -o "$tmp/demo" \
    >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
check_rc "demo: builds" 0
check "demo: k = 3 in content/nearmiss.ini" \
    grep -Eq '^min_count *= *3$' "$TOP/content/nearmiss.ini"
scan "demo" 3 "$tmp/demo"
check "demo: more than 100 counts found" [ "${spans:-0}" -gt 100 ]
check "demo: some counts shown as \"< 3\"" [ "${small:-0}" -gt 0 ]
check "demo: the search page gives k to search.js" \
    grep -q 'data-min-count="3"' "$tmp/demo/search/index.html"

# --- a fixture corpus whose terms have 1 or 2 reports ---------------------

git init -q "$repo"
cp -R "$fix/content" "$repo/content"
# The fixture turns the rule off for e2e.sh; here it is the default, 3.
sed '/^min_count/d' "$fix/content/nearmiss.ini" >"$repo/content/nearmiss.ini"
commit "fixture, k = 3"
gen -o "$tmp/k3" -q
check_rc "k = 3: builds" 0
scan "k = 3" 3 "$tmp/k3"
check "k = 3: some counts shown as \"< 3\"" [ "${small:-0}" -ge 10 ]
check "k = 3: a term of one report is \"< 3\" on browse/" has \
    "$tmp/k3/browse/index.html" \
    'Foot pursuit</a> <span class="count">&lt; 3<'
check "k = 3: a term of two reports is \"< 3\" in its facet's table" \
    one_line "$tmp/k3/year/index.html" \
    '2025</a></th><td class="num"><span class="count">&lt; 3</span></td>'
check "k = 3: its list says \"< 3\"" has \
    "$tmp/k3/incident-type/foot-pursuit/index.html" \
    'Matching reports: <span class="count">&lt; 3</span>.'
check "k = 3: a count of k shows" has "$tmp/k3/browse/index.html" \
    'Traffic stop</a> <span class="count">3<'
check "k = 3: the total of 5 shows" has "$tmp/k3/index.html" \
    'Published reports: <span class="count">5</span>.'

# k = 10: the total too, and every term.
sed 's/^home_items = 3$/&\nmin_count = 10/' "$repo/content/nearmiss.ini" \
    >"$tmp/ini" && mv "$tmp/ini" "$repo/content/nearmiss.ini"
commit "fixture, k = 10"
gen -o "$tmp/k10" -q
check_rc "k = 10: builds" 0
scan "k = 10" 10 "$tmp/k10"
check "k = 10: the total is \"< 10\" on the home page" has \
    "$tmp/k10/index.html" \
    'Published reports: <span class="count">&lt; 10</span>.'
check "k = 10: and on the list of all reports" has \
    "$tmp/k10/reports/index.html" \
    'Matching reports: <span class="count">&lt; 10</span>.'
check "k = 10: the search page gives k to search.js" \
    grep -q 'data-min-count="10"' "$tmp/k10/search/index.html"
check_not "k = 10: no count of 3 is left" grep -rq \
    '<span class="count">3<' "$tmp/k10"

finish smallcount
