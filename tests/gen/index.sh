#!/bin/sh
# The search index nearmiss-gen writes (docs/nearmiss-index.5), read back
# by tests/gen/index/check.mjs (node) against what the report parser read:
# the demo reports, the XSS payload reports (hostile strings in every
# field must parse back exactly), an incremental build after an edit and
# a removal (equal to a full build, stale files gone), and a damaged or
# missing cache (OUTDIR.index), which must fall back to a full build.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh ...
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

here=$TOP/tests/gen/index
theme=$TOP/themes/default
repo=$tmp/repo
out=$tmp/out

if ! command -v node >/dev/null 2>&1; then
	fail "node is needed to read the index back (make deps installs it)"
	finish index
	exit 1
fi

# index_ok DESC DIR: the index of DIR matches its build state.
index_ok() {
	node "$here/reports.mjs" "$2/.nearmiss-state" >"$tmp/reports.json"
	if node "$here/check.mjs" "$2" "$tmp/reports.json" >"$tmp/check.out" \
	    2>&1; then
		ok
	else
		fail "$1: $(grep -v '^checks:' "$tmp/check.out" | head -n 5 |
		    tr '\n' '|')"
	fi
}

# --- the demo reports -----------------------------------------------------

git init -q "$repo"
cp -R "$TOP/content" "$repo/content"
commit "demo content"
gen -o "$out"
check_rc "demo build exits 0" 0
check "demo build has search/index.json" [ -f "$out/search/index.json" ]
check "the index cache is beside the site" [ -f "$out.index" ]
index_ok "demo index reads back" "$out"

# Synonyms and stems: "K-9" is a word pair, "~k9" the group's term.
node -e '
const fs = require("fs"), p = require("path");
const d = p.join(process.argv[1], "search");
const e = JSON.parse(fs.readFileSync(p.join(d, "index.json")));
const w = {};
for (const v of e.vocab) Object.assign(w, JSON.parse(fs.readFileSync(p.join(d, v))).words);
const want = { pursuing: "pursuit", pursuits: "pursuit", shot: "shoot", "~k9": "~k9", the: "the" };
let bad = 0;
for (const [k, s] of Object.entries(want))
	if (!w[k] || w[k][0] !== s) { console.log(k, JSON.stringify(w[k])); bad++; }
if (!w.the || w.the[3] !== 1) { console.log("the: not a stop word"); bad++; }
if (!e.synonyms.some((x) => x[0] === "k 9" && x[1] === "~k9")) { console.log("no k 9 synonym"); bad++; }
process.exit(bad ? 1 : 0);
' "$out" >"$tmp/node.out" 2>&1 && ok ||
    fail "stems and synonyms in the vocabulary: $(tr '\n' '|' <"$tmp/node.out")"

# Two full builds write the same index, also when it is made in parts
# (as for a big archive: NEARMISS_INDEX_PART bytes of postings at once).
gen --full -o "$tmp/again"
check_same "a second full build writes the same index" "$out/search" \
    "$tmp/again/search"
rm -rf "$tmp/again"
NEARMISS_INDEX_PART=1000 gen -v --full -o "$tmp/again"
check "the index was made in parts" grep -q "in [2-9][0-9]* parts" \
    "$tmp/stderr"
check_same "an index made in parts is the same" "$out/search" \
    "$tmp/again/search"
# With files to spare (NEARMISS_INDEX_FILES, a budget of a big archive's
# size), the biggest terms get a postings file each (32 hash groups and 48
# of them), and those of them with positions (not the stop words) a
# positions file each too, up to 24 (beside 16 hash groups).
rm -rf "$tmp/again"
NEARMISS_INDEX_FILES=120 NEARMISS_INDEX_PART=1000 gen -v --full \
    -o "$tmp/again"
check "the biggest terms have postings files of their own" grep -q \
    "index: [0-9]* documents.* 80 postings files" "$tmp/stderr"
check "some have positions files of their own" awk '
    /index: [0-9]* documents/ { for (i = 1; i < NF; i++)
	if ($(i + 1) == "positions") n = $i + 0 }
    END { exit !(n > 16 && n <= 40) }' "$tmp/stderr"
index_ok "an index with big terms' files reads back" "$tmp/again"

# --- an edit and a removal: incremental ----------------------------------

f=$(find "$repo/content/reports" -name '*.md' | sort | head -n 1)
printf '\nThe zebrafish radio failed at the quarry.\n' >>"$f"
g=$(find "$repo/content/reports" -name '*.md' | sort | tail -n 1)
git -C "$repo" rm -q "$g"
commit "edit one, remove one"
gen -v -o "$out"
check_rc "incremental build exits 0" 0
check "it was incremental" grep -q incremental "$tmp/stderr"
check "a removal is not patched: made from every document" grep -q \
    "not patched: reports were removed" "$tmp/stderr"
index_ok "index after the incremental build reads back" "$out"
rm -rf "$tmp/fresh"
gen --full -o "$tmp/fresh"
check_same "incremental index equals a full build's" "$out/search" \
    "$tmp/fresh/search"
check "the new word is there" grep -q '"zebrafish"' "$out"/search/x/*.json
check "the build left the index's state" [ -s "$out.index.state" ]

# --- patches: the last build's index, rewritten where a report changed ---

# patched DESC [ENV...]: builds incrementally (with ENV), then checks that
# the index was patched, reads back, and equals a full build's (its state
# too, byte for byte: the words in it are sorted).
patched() {
	pd=$1
	shift
	env "$@" "$NMGEN" -r "$repo" -t "$theme" --no-sync -v -o "$out" \
	    >"$tmp/stdout" 2>"$tmp/stderr" && rc=0 || rc=$?
	check_rc "$pd: exits 0" 0
	check "$pd: the index was patched" grep -q \
	    "search index: patched" "$tmp/stderr"
	index_ok "$pd: reads back" "$out"
	rm -rf "$tmp/fresh" "$tmp/fresh.index" "$tmp/fresh.index.state"
	env "$@" "$NMGEN" -r "$repo" -t "$theme" --no-sync --full \
	    -o "$tmp/fresh" >/dev/null 2>&1 || true
	check_same "$pd: equals a full build's" "$out/search" \
	    "$tmp/fresh/search"
	node "$here/state.mjs" "$out.index.state" >"$tmp/st1" 2>&1 || true
	node "$here/state.mjs" "$tmp/fresh.index.state" >"$tmp/st2" 2>&1 ||
	    true
	if [ -s "$tmp/st1" ] && cmp -s "$tmp/st1" "$tmp/st2"; then
		ok
	else
		fail "$pd: its state differs from a full build's" \
		    "($(diff "$tmp/st1" "$tmp/st2" | head -n 4 | tr '\n' '|'))"
	fi
	check "$pd: its state is a full build's, byte for byte" \
	    cmp -s "$out.index.state" "$tmp/fresh.index.state"
}

gen --full -o "$out"
printf '\nThe zebrafish sentence goes; an ocelot crossed the road.\n' >>"$f"
commit "an edit"
patched "one report edited"
check "the patched index has the new word" grep -q '"ocelot"' \
    "$out"/search/x/*.json
# Back as it was: its words go (zebrafish was only in this report).
sed -i '/zebrafish\|ocelot/d' "$f"
commit "the words go"
patched "a report's only words removed"
if grep -q '"zebrafish"' "$out"/search/x/*.json; then
	fail "a word no report has is still in the vocabulary"
else
	ok
fi
# A new report after the others (its id is the greatest): document N.
last=$(find "$repo/content/reports" -name '*.md' | sort | tail -n 1)
lid=$(basename "$last" .md)
sed "s/$lid/2026-0098/g; s/^title: .*/title: A wombat at the checkpoint/" \
    "$last" >"$repo/content/reports/2026/2026-0098.md"
commit "a new report"
patched "a report added"
check "the added report's word is there" grep -q '"wombat"' \
    "$out"/search/x/*.json
# The biggest terms with files of their own, and a plan that changes
# (a bigger budget: one more big term moves out of its hash group).
NEARMISS_INDEX_FILES=120 gen --full -o "$out"
printf '\nA heron by the river.\n' >>"$f"
commit "a heron"
patched "with big terms' files" NEARMISS_INDEX_FILES=120
printf '\nA second heron.\n' >>"$f"
commit "another heron"
patched "with one more big term" NEARMISS_INDEX_FILES=123
# What a patch must not trust: a damaged state, a missing file of the
# last build; both mean the index is made from every document, the same.
perl -e 'open(my $f, "+<", $ARGV[0]) or die; seek($f, 200, 0);
    read($f, my $c, 1); seek($f, 200, 0); print $f chr(ord($c) ^ 1);
    close($f)' "$out.index.state"
printf '\nA third heron.\n' >>"$f"
commit "a third heron"
gen -v -o "$out"
check "a damaged state is not patched" grep -q \
    "not patched: the state is damaged" "$tmp/stderr"
rm -rf "$tmp/fresh"
gen --full -o "$tmp/fresh"
check_same "after a damaged state, the index equals a full build's" \
    "$out/search" "$tmp/fresh/search"
rm -f "$out"/search/x/*
printf '\nA fourth heron.\n' >>"$f"
commit "a fourth heron"
gen -v -o "$out"
check "a missing file of the last build is not patched" grep -q \
    "not patched: a file of the last build's index is missing" \
    "$tmp/stderr"
rm -rf "$tmp/fresh"
gen --full -o "$tmp/fresh"
check_same "after a missing file, the index equals a full build's" \
    "$out/search" "$tmp/fresh/search"
# A state of another build (the one before) is not taken.
cp "$out.index.state" "$tmp/old.state"
printf '\nA fifth heron.\n' >>"$f"
commit "a fifth heron"
gen -o "$out"
cp "$tmp/old.state" "$out.index.state"
printf '\nA sixth heron.\n' >>"$f"
commit "a sixth heron"
gen -v -o "$out"
check "another build's state is not patched" grep -q \
    "not patched: the state is not of the last build" "$tmp/stderr"

# --- the cache: damaged or missing means a full build --------------------

printf 'garbage' >"$out.index"
printf '\nA second sentence about a heron.\n' >>"$f"
commit "another edit"
gen -v -o "$out"
check_rc "build with a damaged cache exits 0" 0
check "a damaged cache makes a full build" grep -q "full build" \
    "$tmp/stderr"
index_ok "index after the damaged cache reads back" "$out"
# One byte of the table changed (as a crash half-way through appending
# would leave it): the checksum catches it.
perl -e 'open(my $f, "+<", $ARGV[0]) or die; my $n = -s $f;
    seek($f, $n - 100, 0); read($f, my $c, 1); seek($f, $n - 100, 0);
    print $f chr(ord($c) ^ 1); close($f)' "$out.index"
printf '\nA sentence about a kestrel.\n' >>"$f"
commit "a kestrel"
gen -o "$out"
check "a cache with a damaged table makes a full build" grep -q \
    "full build" "$tmp/stderr"
index_ok "index after the damaged table reads back" "$out"
rm -f "$out.index"
printf '\nAnd a third about an egret.\n' >>"$f"
commit "a third edit"
gen -o "$out"
check "a missing cache makes a full build" grep -q "full build" \
    "$tmp/stderr"
check "the cache is back" [ -s "$out.index" ]
# A document damaged inside (the table is intact): its metadata no longer
# starts with "{".  The reader finds it: a full build, not a failure.
# Not the edited report's, which the build makes anew: the last one's.
# (A patch reads only the changed reports' documents: without the state,
# the index is made from every document, and the reader meets it.)
rm -f "$out.index.state"
victim=$(find "$repo/content/reports" -name '*.md' | sort | tail -n 1)
victim=$(basename "$victim" .md)
perl -e 'open(my $f, "+<", $ARGV[0]) or die; local $/; my $d = <$f>;
    my $i = index($d, "{\"id\":\"$ARGV[1]\""); die "no document" if $i < 0;
    seek($f, $i, 0); print $f "X"; close($f)' "$out.index" "$victim"
printf '\nOne about a plover.\n' >>"$f"
commit "a plover"
gen -o "$out"
check_rc "build with a damaged document exits 0" 0
check "a damaged document is named" grep -q "is damaged" "$tmp/stderr"
check "a damaged document makes a full build" grep -q "full build" \
    "$tmp/stderr"
index_ok "index after the damaged document reads back" "$out"

# --- hostile strings in every field ---------------------------------------

repo=$tmp/xrepo
xout=$tmp/xout
git init -q "$repo"
mkdir "$repo/content"
cp "$TOP/tests/gen/fixtures/content/nearmiss.ini" "$repo/content/"
perl "$TOP/tests/gen/xss/mkreports.pl" "$repo/content" \
    <"$TOP/tests/gen/xss/payloads.txt" 2>/dev/null
commit "the payloads"
gen -k -o "$xout"
check_rc "payload build with --keep-going: exit 1 (some are invalid)" 1
check_not "payload build: no crash or sanitizer report" grep -Eq \
    'Sanitizer|runtime error|Assertion|Segmentation' "$tmp/stderr"
index_ok "payload index reads back exactly" "$xout"
# No raw markup in any index file: JSON escapes < > & as \u003c...
check_not "no raw < or > in the index" grep -lq '[<>]' \
    "$xout"/search/index.json "$xout"/search/x/*.json "$xout"/search/m/*.json

finish index
