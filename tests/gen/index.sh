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
check "the index was made in parts" grep -q "made in [2-9][0-9]* parts" \
    "$tmp/stderr"
check_same "an index made in parts is the same" "$out/search" \
    "$tmp/again/search"
# With files to spare (NEARMISS_INDEX_FILES, a budget of a big archive's
# size), the biggest terms get a postings file each.
rm -rf "$tmp/again"
NEARMISS_INDEX_FILES=120 NEARMISS_INDEX_PART=1000 gen -v --full \
    -o "$tmp/again"
check "the biggest terms have postings files of their own" grep -q \
    "index: [0-9]* documents.* 80 postings files" "$tmp/stderr"
index_ok "an index with big terms' files reads back" "$tmp/again"

# --- an edit and a removal: incremental ----------------------------------

f=$(find "$repo/content/reports" -name '*.md' | sort | head -n 1)
printf '\nThe zebrafish radio failed at the quarry.\n' >>"$f"
g=$(find "$repo/content/reports" -name '*.md' | sort | tail -n 1)
git -C "$repo" rm -q "$g"
commit "edit one, remove one"
gen -o "$out"
check_rc "incremental build exits 0" 0
check "it was incremental" grep -q incremental "$tmp/stderr"
index_ok "index after the incremental build reads back" "$out"
rm -rf "$tmp/fresh"
gen --full -o "$tmp/fresh"
check_same "incremental index equals a full build's" "$out/search" \
    "$tmp/fresh/search"
check "the new word is there" grep -q '"zebrafish"' "$out"/search/x/*.json

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
