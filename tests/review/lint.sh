#!/bin/sh
# nearmiss-review lint: the seeded corpus (98% of the planted
# identifiers flagged at least, nothing else), the clean texts and the
# demo reports (no finding), [brackets], the front matter, the output
# format, blank lines, --accept (lint's and approve's), exit codes,
# unreadable files and missing data.
# Env: NMREVIEW (the program), TOP (the source tree).
set -eu
. "$TOP/tests/lib.sh"

corpus=$TOP/tests/review/lint-corpus
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export NEARMISS_DATA="$TOP/data"
export LC_ALL=C

lint() {
	"$NMREVIEW" lint "$@"
}

# --- The seeded corpus -------------------------------------------------
# Each planted identifier is written {{kind:text}} in the source; the
# markers are stripped here and the expected findings (file, line, column
# in characters, kind, text) written down as they are.
mkdir -p "$tmp/planted"
for src in "$corpus"/planted/*.md; do
	name=${src##*/}
	perl -CSD -ne '
		BEGIN {
			$name = shift @ARGV;
			open(E, ">>", shift @ARGV) or die;
		}
		chomp;
		$out = "";
		while (/\G(.*?)\{\{([a-z]+):(.*?)\}\}/gc) {
			$out .= $1;
			printf E "%s\t%d\t%d\t%s\t%s\n", $name, $.,
			    length($out) + 1, $2, $3;
			$out .= $3;
		}
		/\G(.*)/g; $out .= $1;
		print "$out\n";
	' "$name" "$tmp/expected" <"$src" >"$tmp/planted/$name"
done
total=$(wc -l <"$tmp/expected")
check "the corpus plants at least 300 identifiers ($total)" \
    test "$total" -ge 300

(cd "$tmp/planted" && "$NMREVIEW" lint *.md) >"$tmp/found" 2>"$tmp/err" &&
    rc=0 || rc=$?
check "lint exits 1 on the corpus (got $rc)" test "$rc" -eq 1
check "lint says nothing on stderr" test ! -s "$tmp/err"

# A planted identifier is found when a finding of its kind on its line
# starts at or before it and its text contains the planted text.
perl -CSD -e '
	my ($exp, $found) = @ARGV;
	my (@f, %used);
	open(F, "<", $found) or die;
	while (<F>) {
		chomp;
		/^([^:]+):(\d+):(\d+): ([a-z]+): (.*)$/ or
		    die "bad output line: $_\n";
		push @f, [$1, $2, $3, $4, $5];
	}
	open(E, "<", $exp) or die;
	my ($n, $hit) = (0, 0);
	while (<E>) {
		chomp;
		my ($file, $line, $col, $kind, $text) = split /\t/;
		$n++;
		my $ok = 0;
		for my $i (0 .. $#f) {
			my $g = $f[$i];
			next unless $g->[0] eq $file && $g->[1] == $line &&
			    $g->[3] eq $kind && $g->[2] <= $col &&
			    index($g->[4], $text) >= 0 &&
			    index($g->[4], $text) == $col - $g->[2];
			$ok = 1;
			$used{$i} = 1;
		}
		if ($ok) { $hit++ } else {
			print STDERR "MISSED: $file:$line:$col: $kind: $text\n";
		}
	}
	my $extra = 0;
	for my $i (0 .. $#f) {
		next if $used{$i};
		$extra++;
		print STDERR "UNEXPECTED: ", join(":", @{$f[$i]}[0..2]),
		    ": $f[$i][3]: $f[$i][4]\n";
	}
	printf "recall: %d of %d planted identifiers flagged (%.1f%%)\n",
	    $hit, $n, $n ? 100 * $hit / $n : 0;
	printf "unexpected findings in the seeded corpus: %d\n", $extra;
	print "RESULT $hit $n $extra ", scalar(keys %used), " ",
	    scalar(@f), "\n";
' "$tmp/expected" "$tmp/found" >"$tmp/recall"
grep -v '^RESULT' "$tmp/recall"
set -- $(grep '^RESULT' "$tmp/recall")
# A planted identifier may be missed (a name no list knows and no title
# introduces); 98% of them must be found.
check "recall is 98% at least ($2 of $3)" test "$(($2 * 100))" -ge \
    "$(($3 * 98))"
check "no unexpected finding in the seeded corpus ($4)" test "$4" -eq 0
tp=$5
nfound=$6
for k in email phone ip url number plate address date name agency place \
    signature; do
	check "the corpus plants $k findings" \
	    grep -q "	$k	" "$tmp/expected"
done

# --- Clean texts and the demo reports ----------------------------------
lint "$corpus"/clean/*.md >"$tmp/clean" 2>&1 && rc=0 || rc=$?
fp=$(grep -c ': ' "$tmp/clean" || true)
nclean=$(ls "$corpus"/clean/*.md | wc -l)
nwords=$(cat "$corpus"/clean/*.md | wc -w)
echo "false positives on $nclean clean de-identified texts: $fp" \
    "($nwords words)"
# Precision: of every finding on the seeded corpus and the clean texts,
# the share that is a planted identifier.
echo "$tp $nfound $fp" | awk '{ all = $2 + $3; printf "precision on the" \
    " seeded corpus and the clean texts: %d of %d findings (%.1f%%)\n",
    $1, all, all ? 100 * $1 / all : 0 }'
cat "$tmp/clean"
check "no finding on the clean texts" test "$rc" -eq 0 -a "$fp" -eq 0

lint "$TOP"/content/reports/*/*.md >"$tmp/demo" 2>&1 && rc=0 || rc=$?
ndemo=$(ls "$TOP"/content/reports/*/*.md | wc -l)
echo "false positives on the $ndemo demo reports: $(grep -c ': ' \
    "$tmp/demo" || true)"
cat "$tmp/demo"
check "no finding on the demo reports (exit 0)" test "$rc" -eq 0
check "the demo reports give no output" test ! -s "$tmp/demo"
check "all 49 demo reports are checked ($ndemo)" test "$ndemo" -ge 49

# --- [Brackets] are the reviewer's --------------------------------------
cat >"$tmp/brackets.md" <<'EOF'
---
title: "[Officer Maria Lopez] at [1400 Main Street]"
summary: "[Springfield Police Department], [555-123-4567]"
---
[John Smith], [badge 4471], [jsmith@example.com] and [March 3, 2024]: [Texas
plate BRX-4471], [the Cook County
Sheriff's Office], [Sgt. Alvarez] and [link]([https://x.example.org/]).
EOF
lint "$tmp/brackets.md" >"$tmp/out" 2>&1 && rc=0 || rc=$?
check "bracketed replacements are not flagged (exit $rc)" test "$rc" -eq 0
check "bracketed replacements give no output" test ! -s "$tmp/out"

printf '%s\n' '[John Smith' '' 'Maria Lopez met \[Dana Whitfield\].' \
    >"$tmp/open.md"
lint "$tmp/open.md" >"$tmp/out" 2>&1 || true
check "a bracket left open at a blank line hides nothing" \
    grep -q ':1:2: name: John Smith$' "$tmp/out"
check "text after it is checked" grep -q ':3:1: name: Maria Lopez$' "$tmp/out"
check "escaped brackets are no replacement" \
    grep -q ':3:19: name: Dana Whitfield$' "$tmp/out"

# --- The front matter ---------------------------------------------------
cat >"$tmp/fm.md" <<'EOF'
---
id: 2026-0001
title: "Deputy Kowalski and the ice"
event_date: 2026-01
published: 2026-02-14
incident_type: traffic-stop
contributing_factors: [communication, training]
loss_potential: death
officers_on_scene: 2
environment:
  time_of_day: night
  lighting: dark
  weather: snow-or-ice
agency_type: county-sheriff
region: pacific-northwest
summary: >
  Met Maria Lopez on the
  shoulder.
---
Nothing here.
EOF
lint "$tmp/fm.md" >"$tmp/out" 2>&1 && rc=0 || rc=$?
check "the front matter's title is checked" \
    grep -q "^$tmp/fm.md:3:9: name: Deputy Kowalski$" "$tmp/out"
check "a folded summary is checked" \
    grep -q "^$tmp/fm.md:17:7: name: Maria Lopez$" "$tmp/out"
check "taxonomy values and dates are not (2 findings)" \
    test "$(wc -l <"$tmp/out")" -eq 2
check "exit 1 with findings" test "$rc" -eq 1

# --- Output format, columns in characters -------------------------------
printf '%s\n' '“Quoted” — é, then Maria Lopez.' 'Tab:	Sgt. Alvarez' \
    >"$tmp/cols.md"
lint "$tmp/cols.md" >"$tmp/out" 2>&1 || true
check "the column counts characters, not bytes" \
    grep -q "^$tmp/cols.md:1:20: name: Maria Lopez$" "$tmp/out"
check "a tab is one character" \
    grep -q "^$tmp/cols.md:2:6: name: Sgt. Alvarez$" "$tmp/out"
lint "$tmp/planted"/*.md "$tmp/fm.md" >"$tmp/out" 2>/dev/null || true
kinds='email|url|ip|phone|date|number|plate|address|agency|place|name'
kinds="$kinds|signature"
check "every finding is path:line:col: kind: text" sh -c '! grep -Ev \
    "^[^:]+:[1-9][0-9]*:[1-9][0-9]*: ($2): [^ ].*$" "$1"' sh "$tmp/out" \
    "$kinds"
printf 'Maria\nLopez met Ofc. Dana\nWhitfield.\n' >"$tmp/wrap.md"
lint "$tmp/wrap.md" >"$tmp/out" 2>&1 || true
check "a name wrapped over two lines is one finding, on one line" \
    grep -q "^$tmp/wrap.md:1:1: name: Maria Lopez$" "$tmp/out"
check "... a title and name too" \
    grep -q "^$tmp/wrap.md:2:11: name: Ofc. Dana Whitfield$" "$tmp/out"

# --- Blank lines ----------------------------------------------------------
# No finding runs across a blank line: "District" ends a paragraph, "L97"
# starts the next.
printf 'We drove to the District\n\nL97 was quiet.\n' >"$tmp/blank.md"
lint "$tmp/blank.md" >"$tmp/out" 2>&1 && rc=0 || rc=$?
check "no finding across a blank line (exit $rc)" \
    sh -c '! grep -q "District L97" "$1"' sh "$tmp/out"
printf 'We drove to District L97.\n' >"$tmp/blank2.md"
lint "$tmp/blank2.md" >"$tmp/out" 2>&1 || true
check "... but on one line it is one" \
    grep -q ':1:13: number: District L97$' "$tmp/out"

# --- --accept -----------------------------------------------------------
lint --accept "name:Deputy Kowalski" "$tmp/fm.md" >"$tmp/out" 2>&1 &&
    rc=0 || rc=$?
check "--accept hides the accepted finding" \
    sh -c '! grep -q Kowalski "$1" && grep -q "Maria Lopez" "$1"' sh \
    "$tmp/out"
lint --accept "name:Deputy Kowalski" --accept "name:Maria Lopez" \
    "$tmp/fm.md" >"$tmp/out" 2>&1 && rc=0 || rc=$?
check "all accepted: exit 0 (got $rc)" test "$rc" -eq 0 -a ! -s "$tmp/out"
lint --accept "place:Deputy Kowalski" --accept "name:Maria Lopez" \
    "$tmp/fm.md" >/dev/null 2>&1 && rc=0 || rc=$?
check "--accept needs the kind to match (exit $rc)" test "$rc" -eq 1

# --- Exit codes, usage, unreadable files, the data ----------------------
lint >/dev/null 2>&1 && rc=0 || rc=$?
check "no file: usage, exit 2 (got $rc)" test "$rc" -eq 2
lint --accept nocolon "$tmp/fm.md" >/dev/null 2>&1 && rc=0 || rc=$?
check "--accept without KIND:TEXT: exit 2 (got $rc)" test "$rc" -eq 2
lint --accept "colour:red" "$tmp/fm.md" >/dev/null 2>"$tmp/err" && rc=0 ||
    rc=$?
check "--accept with an unknown kind: exit 2 (got $rc)" test "$rc" -eq 2
check "... and says which kinds there are" grep -q 'signature' "$tmp/err"
lint --bogus "$tmp/fm.md" >/dev/null 2>&1 && rc=0 || rc=$?
check "an unknown option: exit 2 (got $rc)" test "$rc" -eq 2
lint -h >"$tmp/out" 2>&1 && rc=0 || rc=$?
check "-h prints the usage, exit 0" test "$rc" -eq 0
check "-h names --accept" grep -q -- '--accept' "$tmp/out"

lint "$tmp/missing.md" >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
check "a missing file: exit 3 (got $rc)" test "$rc" -eq 3
check "... with a message naming it" grep -q 'missing.md' "$tmp/err"
mkdir "$tmp/adir.md"
lint "$tmp/adir.md" >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
check "an unreadable file (a folder): exit 3 (got $rc)" test "$rc" -eq 3
check "... with a message naming it" grep -q 'adir.md' "$tmp/err"
lint "$tmp/missing.md" "$tmp/fm.md" >"$tmp/out" 2>"$tmp/err" && rc=0 ||
    rc=$?
check "an unreadable file among others: exit 3, the others checked" \
    sh -c 'test "$1" -eq 3 && grep -q Kowalski "$2"' sh "$rc" "$tmp/out"
head -c 4194305 /dev/zero | tr '\0' 'a' >"$tmp/big.md"
lint "$tmp/big.md" >/dev/null 2>"$tmp/err" && rc=0 || rc=$?
check "a file over 4 MiB: exit 3 (got $rc)" test "$rc" -eq 3
lint "$TOP/content/reports/2023/2023-0002.md" >/dev/null 2>&1 && rc=0 ||
    rc=$?
check "a clean report: exit 0 (got $rc)" test "$rc" -eq 0

NEARMISS_DATA=$tmp/nodata lint "$tmp/fm.md" >/dev/null 2>"$tmp/err" &&
    rc=0 || rc=$?
check "no data files: exit 3 (got $rc)" test "$rc" -eq 3
check "... and the message names NEARMISS_DATA" \
    grep -q NEARMISS_DATA "$tmp/err"
mkdir "$tmp/data"
cp "$TOP"/data/*.txt "$tmp/data/"
printf 'Ok\n%s\n' "$(head -c 300 /dev/zero | tr '\0' 'x')" \
    >>"$tmp/data/titles.txt"
NEARMISS_DATA=$tmp/data lint "$tmp/fm.md" >/dev/null 2>"$tmp/err" &&
    rc=0 || rc=$?
check "a bad data line: exit 3 (got $rc)" test "$rc" -eq 3
check "... reported as file:line" grep -q 'titles.txt:[0-9][0-9]*:' "$tmp/err"
cp "$TOP/data/titles.txt" "$tmp/data/titles.txt"
echo "Kowalski" >>"$tmp/data/given-names.txt"
printf 'Kowalski was there.\n' >"$tmp/added.md"
NEARMISS_DATA=$tmp/data lint "$tmp/added.md" >"$tmp/out" 2>&1 || true
check "NEARMISS_DATA is used (a name added to the data is flagged)" \
    grep -q ': name: Kowalski$' "$tmp/out"
(unset NEARMISS_DATA; "$NMREVIEW" lint "$tmp/fm.md") >/dev/null 2>&1 &&
    rc=0 || rc=$?
check "without NEARMISS_DATA the data beside the program is found ($rc)" \
    test "$rc" -eq 1

# --- Bidirectional controls -----------------------------------------------
# Flagged wherever they are (a title, a taxonomy value the other rules
# skip, [brackets], the body, inside another finding), each with its code
# point and name; never accepted.
rlo=$(printf '\342\200\256')
lri=$(printf '\342\201\246')
pdi=$(printf '\342\201\251')
cat >"$tmp/bidi.md" <<EOF
---
id: 2026-0002
title: "A stop ${rlo}fdp.exe"
region: west${lri}
summary: "Fine [${pdi}]."
---
See https://example.org/a${rlo}b now.
EOF
lint "$tmp/bidi.md" >"$tmp/out" 2>&1 && rc=0 || rc=$?
check "bidi: exit 1 (got $rc)" test "$rc" -eq 1
check "bidi in the title, at its column" \
    grep -qx "$tmp/bidi.md:3:16: bidi: U+202E RIGHT-TO-LEFT OVERRIDE" \
    "$tmp/out"
check "bidi in a taxonomy value" \
    grep -qx "$tmp/bidi.md:4:13: bidi: U+2066 LEFT-TO-RIGHT ISOLATE" \
    "$tmp/out"
check "bidi in brackets" \
    grep -qx "$tmp/bidi.md:5:17: bidi: U+2069 POP DIRECTIONAL ISOLATE" \
    "$tmp/out"
check "bidi inside a url finding, printed too" \
    grep -qx "$tmp/bidi.md:7:26: bidi: U+202E RIGHT-TO-LEFT OVERRIDE" \
    "$tmp/out"
check "... and the url's text shows it as ?" \
    grep -qx "$tmp/bidi.md:7:5: url: https://example.org/a?b" "$tmp/out"
check "no raw bidi control reaches the output" \
    sh -c '! grep -q "$1\|$2\|$3" "$4"' sh "$rlo" "$lri" "$pdi" "$tmp/out"
check "5 findings in all" test "$(wc -l <"$tmp/out")" -eq 5
lint --accept "bidi:U+202E RIGHT-TO-LEFT OVERRIDE" "$tmp/bidi.md" \
    >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
check "--accept bidi:...: refused, exit 2 (got $rc)" test "$rc" -eq 2
check "... saying why" grep -q 'bidirectional controls cannot be accepted' \
    "$tmp/err"
printf 'Plain text%s.\n' "$rlo" >"$tmp/bidi2.md"
lint --accept "name:Maria Lopez" "$tmp/bidi2.md" >"$tmp/out" 2>&1 &&
    rc=0 || rc=$?
check "a lone bidi control: exit 1 (got $rc)" test "$rc" -eq 1
check "... one finding" \
    grep -qx "$tmp/bidi2.md:1:11: bidi: U+202E RIGHT-TO-LEFT OVERRIDE" \
    "$tmp/out"
"$NMREVIEW" approve --accept "bidi:U+202E RIGHT-TO-LEFT OVERRIDE" \
    "$tmp/bidi2.md" >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
check "approve --accept bidi:...: refused, exit 2 (got $rc)" test "$rc" -eq 2
check "... saying why" grep -q 'bidirectional controls cannot be accepted' \
    "$tmp/err"
# approve parses --accept as lint does: a mistyped kind accepts nothing,
# so it is a usage error.
"$NMREVIEW" approve --accept "nmae:Maria Lopez" "$tmp/bidi2.md" \
    >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
check "approve --accept with an unknown kind: exit 2 (got $rc)" \
    test "$rc" -eq 2
check "... naming the kinds" grep -q 'name, signature' "$tmp/err"
"$NMREVIEW" approve --accept "nocolon" "$tmp/bidi2.md" >"$tmp/out" \
    2>"$tmp/err" && rc=0 || rc=$?
check "approve --accept without KIND:TEXT: exit 2 (got $rc)" \
    test "$rc" -eq 2
# approve refuses a report with one, naming it, before the lint runs.
arepo=$tmp/arepo
mkdir -p "$arepo/content/reports/2026"
cp "$TOP/content/nearmiss.ini" "$arepo/content/"
git init -q "$arepo"
"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" \
    >/dev/null 2>&1
cat >"$arepo/content/reports/2026/2026-0002.md" <<EOF
---
id: 2026-0002
title: "A stop ${rlo}fdp.exe"
event_date: 2026-01
published: 2026-02-14
incident_type: traffic-stop
contributing_factors: [communication]
loss_potential: death
summary: "Fine."
---
Text.

## Lessons learned

- One.
EOF
(cd "$arepo" && "$NMREVIEW" approve -K "$tmp/alice.key" -p content \
    content/reports/2026/2026-0002.md) >"$tmp/out" 2>"$tmp/err" && rc=0 ||
    rc=$?
check "approve of a report with a bidi control: exit 1 (got $rc)" \
    test "$rc" -eq 1
check "... naming its line, column and name" grep -q \
    'content/reports/2026/2026-0002.md:3: column 16: U+202E RIGHT-TO-LEFT OVERRIDE: bidirectional controls are not allowed' \
    "$tmp/err"
check "... nothing approved" grep -q 'nothing approved' "$tmp/err"
check "... no approvals file" test ! -e "$arepo/content/approvals"

finish lint
