#!/bin/sh
# The two-person rule in nearmiss-gen: a report is published only when at
# least min_approvals reviewers of content/reviewers signed a version of
# it (an edit after approval keeps the approved version published; see
# revisions.sh for revisions and withdrawals).  One approval, a key not
# in reviewers, a forged, truncated or garbage signature, the same reviewer twice: not
# published, with a message that says what is missing, and not a trace of
# the report in any page, list, feed, sitemap or index.  min_approvals,
# incremental builds that follow approvals, --drafts, and the demo
# content's own approvals.
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
fix=$TOP/tests/gen/fixtures
repo=$tmp/repo
c=$repo/content
site=$tmp/site
r7=reports/2024/2024-0007.md
a7=$c/approvals/2024/2024-0007
m7="content/$r7: not published"

# --- helpers --------------------------------------------------------------

# gitcommit MESSAGE: commits the work tree as it is (no signing).
gitcommit() {
	git -C "$repo" add -A
	git -C "$repo" -c user.name=t -c user.email=t@example.invalid \
	    commit -q --allow-empty -m "$1"
}

# blob7: the blob id of 2024-0007 as it is in the work tree.
blob7() {
	git -C "$repo" hash-object "content/$r7"
}

# line N [ID [BLOB]]: the approval line of test key N (default: 2024-0007
# at its current blob).
line() {
	"$NMSIGN" -l "$1" "${2:-2024-0007}" "${3:-$(blob7)}"
}

# build: a fresh full build of HEAD into $site.
build() {
	rm -rf "$site"
	gen -o "$site" "$@"
}

# published ID: the site has the report's page.
published() {
	[ -f "$site/reports/$1/index.html" ]
}

# nowhere ID: no file of the site mentions the report (pages, lists,
# feeds, sitemap, search index, build state) nor links to it.
nowhere() {
	! grep -rqF -- "$1" "$site"
}

# says FIXED-STRING: the last gen printed that line on stderr.
says() {
	grep -qxF -- "$1" "$tmp/stderr"
}

# skipped DESC WHAT: 2024-0007 is left out with "...: not published: WHAT",
# the four other reports are there, and the build exits 0.
skipped() {
	check_rc "$1: exit 0" 0
	if says "$m7: $2"; then
		ok
	else
		fail "$1: message (expected \"$m7: $2\", got: $(grep -v \
		    '^nearmiss-gen: ' "$tmp/stderr" | head -n 3 | tr '\n' '|'))"
	fi
	check "$1: no page" [ ! -e "$site/reports/2024-0007" ]
	check "$1: no trace anywhere in the site" nowhere 2024-0007
	check "$1: the other reports are published" published 2025-0009
}

# --- set-up ---------------------------------------------------------------

git init -q "$repo"
cp -R "$fix/content" "$c"
commit "fixture content, approved by test1 and test2"
git -C "$repo" tag base

build
check_rc "all approved: exit 0" 0
for id in 2024-0003 2024-0007 2025-0001 2025-0004 2025-0009; do
	check "all approved: $id published" published "$id"
done
check_not "all approved: no \"not published\" message" \
    grep -q "not published" "$tmp/stderr"

# --- what is not enough ---------------------------------------------------

line 1 >"$a7"
gitcommit "one approval"
build
skipped "one approval" "1 of 2 approvals"
build -q
check_not "-q: no message for a report left out" grep -q . "$tmp/stderr"
check_rc "-q: exit 0" 0

rm "$a7"
gitcommit "no approvals file"
build
skipped "no approvals file" "0 of 2 approvals"

# An edit never unpublishes: the approved version stays, byte for byte,
# read from the repository by its blob id.
git -C "$repo" reset -q --hard base
build
cp "$site/reports/2024-0007/index.html" "$tmp/7.approved.html"
printf '\nAn edit after the approvals.\n' >>"$c/$r7"
gitcommit "edited after approval"
build -v
check_rc "edited after approval: exit 0" 0
check "edited after approval: the approved version stays, byte for byte" \
    cmp -s "$site/reports/2024-0007/index.html" "$tmp/7.approved.html"
check_not "edited after approval: the edit is not published" \
    grep -rqF "An edit after the approvals" "$site"
check "edited after approval: -v says which version is published" \
    grep -qF "content/$r7: this version has 0 of 2 approvals: revision 0" \
    "$tmp/stderr"
check_not "edited after approval: no \"not published\" message" \
    grep -q "not published" "$tmp/stderr"

git -C "$repo" reset -q --hard base
{ line 1; line 3; } >"$a7"
gitcommit "a key not in reviewers"
build
skipped "signature by a key not in reviewers" \
    "1 of 2 approvals (1 by a key not in reviewers)"

# A valid signature of test3 under test2's name.
{ line 1; line 3 | sed 's/^test3 /test2 /'; } >"$a7"
gitcommit "test2's name on test3's signature"
build
skipped "forged: another key's signature under a reviewer's name" \
    "1 of 2 approvals (1 with a bad signature)"

# test2's own signature with its first character changed.
{ line 1; line 2 | awk '{ c = substr($3, 1, 1); $3 = (c == "A" ? "B" : \
    "A") substr($3, 2); print }'; } >"$a7"
gitcommit "a flipped signature"
build
skipped "forged: a changed signature" \
    "1 of 2 approvals (1 with a bad signature)"

# test2 signed another report's blob (a signature moved across).
{ line 1; line 2 2024-0003; } >"$a7"
gitcommit "a signature over another id"
build
skipped "forged: a signature over another report" \
    "1 of 2 approvals (1 with a bad signature)"

{ line 1; line 1; } >"$a7"
gitcommit "test1 twice"
build
skipped "the same reviewer twice" \
    "1 of 2 approvals (1 more by a reviewer already counted)"

{ line 1; line 1 2024-0007 "$(git -C "$repo" rev-parse \
    base~0:content/reports/2024/2024-0003.md)"; } >"$a7"
gitcommit "test1 twice, once over another blob"
build
skipped "the same reviewer over two blobs" \
    "1 of 2 approvals (1 void: signed an earlier version)"

# Damaged files: the line number in the message, and the report left out.
damaged() {
	build
	skipped "$1" "content/approvals/2024/2024-0007 is damaged"
	if grep -q "^content/approvals/2024/2024-0007:$2: " "$tmp/stderr"; then
		ok
	else
		fail "$1: no \"content/approvals/2024/2024-0007:$2:\" message" \
		    "($(head -n 2 "$tmp/stderr" | tr '\n' '|'))"
	fi
}
{ line 1; line 2 | cut -c 1-120; } >"$a7"
gitcommit "a truncated signature"
damaged "truncated signature" 2
{ line 1; line 2 | tr -d '\n'; } >"$a7"
gitcommit "a truncated file"
damaged "truncated file (no final newline)" 2
{ line 1; line 2 | awk '{ s = ""; for (i = 0; i < 88; i++) s = s "!";
    $3 = s; print }'; } >"$a7"
gitcommit "garbage base64"
damaged "garbage base64" 2
{ line 1; line 2 | awk '{ $3 = substr($3, 1, 84) "A==="; print }'; } >"$a7"
gitcommit "bad padding"
damaged "base64 with bad padding" 2
{ line 1 | sed 's/ /  /'; line 2; } >"$a7"
gitcommit "two spaces"
damaged "two spaces between fields" 1
{ line 1 | tr '[:lower:]' '[:upper:]' | sed 's/^TEST1/test1/'; line 2; } \
    >"$a7"
gitcommit "uppercase blob id"
damaged "uppercase hex in the blob id" 1
{ printf '\n'; line 1; line 2; } >"$a7"
gitcommit "a blank line"
damaged "a blank line" 1
{ line 1 | sed 's/$/\r/'; line 2; } >"$a7"
gitcommit "CRLF"
damaged "a carriage return" 1
{ line 1; printf 'test2 \000 x\n'; } >"$a7"
gitcommit "a NUL byte"
damaged "a NUL byte" 2
l1=$(line 1)
awk -v l="$l1" 'BEGIN { for (i = 0; i < 300; i++) print l }' >"$a7"
gitcommit "too many lines"
damaged "an approvals file of 300 lines" 257

rm -f "$a7"
ln -s ../2025/2025-0009 "$a7"
gitcommit "approvals file as a symbolic link"
build
skipped "approvals file is a symbolic link" \
    "content/approvals/2024/2024-0007 is not a regular file"

# --- two valid ones, min_approvals ----------------------------------------

rm -f "$a7"
{ line 2; line 1; line 3; } >"$a7"
gitcommit "two valid and one unknown"
build
check_rc "two valid approvals (and one unknown): exit 0" 0
check "two valid approvals: published" published 2024-0007
check_not "two valid approvals: no message" grep -q "not published" \
    "$tmp/stderr"

git -C "$repo" reset -q --hard base
line 1 >"$a7"
sed 's/^home_items = 3$/home_items = 3\nmin_approvals = 1/' \
    "$fix/content/nearmiss.ini" >"$c/nearmiss.ini"
gitcommit "min_approvals = 1"
build
check_rc "min_approvals = 1: exit 0" 0
check "min_approvals = 1: one approval publishes" published 2024-0007
: >"$a7"
gitcommit "min_approvals = 1, an empty approvals file"
build
skipped "min_approvals = 1, no approval" "0 of 1 approval"

git -C "$repo" reset -q --hard base
sed 's/^home_items = 3$/home_items = 3\nmin_approvals = 3/' \
    "$fix/content/nearmiss.ini" >"$c/nearmiss.ini"
gitcommit "min_approvals = 3"
build
check_rc "min_approvals = 3, two approvals: exit 0" 0
check "min_approvals = 3, two approvals: message" says \
    "$m7: 2 of 3 approvals"
check "min_approvals = 3, two approvals: nothing published" \
    [ -z "$(ls "$site/reports" | grep '^20')" ]
"$NMSIGN" -r 1,2,3 -s 1,2 "$c"
{ line 1; line 2; line 3; } >"$a7"
gitcommit "a third reviewer"
build
check "min_approvals = 3: three reviewers publish" published 2024-0007
check_not "min_approvals = 3: the others have two" published 2025-0009

mline=$(($(grep -n '^home_items' "$fix/content/nearmiss.ini" | cut -d: -f1) + 1))
for v in 0 -1 256 two ''; do
	git -C "$repo" reset -q --hard base
	sed "s/^home_items = 3\$/home_items = 3\\nmin_approvals = $v/" \
	    "$fix/content/nearmiss.ini" >"$c/nearmiss.ini"
	gitcommit "min_approvals = $v"
	build
	check_rc "min_approvals = \"$v\": refused" 1
	check "min_approvals = \"$v\": file:line message" grep -q \
	    "^content/nearmiss.ini:$mline: min_approvals: expected a number from 1 to 255" \
	    "$tmp/stderr"
	check_not "min_approvals = \"$v\": nothing written" [ -e "$site" ]
done

# --- the reviewers file ---------------------------------------------------

git -C "$repo" reset -q --hard base
git -C "$repo" rm -q content/reviewers
gitcommit "no reviewers"
build
check_rc "no reviewers file: exit 0" 0
check "no reviewers file: says so" grep -q \
    "^nearmiss-gen: content/reviewers: not found: no report can be published" \
    "$tmp/stderr"
check "no reviewers file: each report left out" says \
    "$m7: no reviewers file"
check "no reviewers file: no report published" \
    [ -z "$(ls "$site/reports" | grep '^20')" ]

git -C "$repo" reset -q --hard base
printf 'test1 notakey notakey\n' >>"$c/reviewers"
gitcommit "a damaged reviewers file"
build
check_rc "damaged reviewers file: exit 1" 1
check "damaged reviewers file: file:line" grep -q "^content/reviewers:3: " \
    "$tmp/stderr"
check_not "damaged reviewers file: nothing written" [ -e "$site" ]

git -C "$repo" reset -q --hard base
"$NMSIGN" -r 1 -s 1,2 "$c"
gitcommit "test2 no longer a reviewer"
build
check_rc "a reviewer removed from the file: exit 0" 0
check "a reviewer removed from the file: message" says \
    "$m7: 1 of 2 approvals (1 by a key not in reviewers)"
check "a reviewer removed from the file: nothing published" \
    [ -z "$(ls "$site/reports" | grep '^20')" ]

# --- incremental builds follow the approvals ------------------------------

# inc DESC: rebuilds $site in place and checks it equals a full build.
inc() {
	gen -o "$site"
	check_rc "$1: exit 0" 0
	cp "$tmp/stderr" "$tmp/stderr.inc"
	rm -rf "$tmp/full"
	gen --full -o "$tmp/full"
	check_same "$1: incremental equals full" "$site" "$tmp/full"
}
git -C "$repo" reset -q --hard base
line 1 >"$a7"
gitcommit "one approval"
build
check "incremental: starts without 2024-0007" nowhere 2024-0007
{ line 1; line 2; } >"$a7"
gitcommit "the second approval"
inc "second approval added"
cp "$tmp/stderr.inc" "$tmp/stderr"
check "second approval added: incremental build" grep -q "incremental" \
    "$tmp/stderr"
check "second approval added: published" published 2024-0007
line 2 >"$a7"
gitcommit "an approval withdrawn"
inc "approval withdrawn"
check "approval withdrawn: left out" nowhere 2024-0007
{ line 1; line 2; } >"$a7"
gitcommit "approved again"
inc "approved again"
printf '\nEdited.\n' >>"$c/$r7"
gitcommit "edited after approval"
inc "edited after approval"
check "edited after approval (incremental): still published" \
    published 2024-0007
check_not "edited after approval (incremental): the edit is not" \
    grep -rq Edited "$site"
sign "$c"
gitcommit "re-approved after the edit"
inc "re-approved after the edit"
check "re-approved after the edit: published" published 2024-0007
check "re-approved after the edit: the edit is there" grep -q Edited \
    "$site/reports/2024-0007/index.html"
"$NMSIGN" -r 1 "$c"
gitcommit "test2 removed from reviewers"
inc "reviewer removed"
check "reviewer removed: every report left out" \
    [ -z "$(ls "$site/reports" | grep '^20')" ]
"$NMSIGN" "$c"
gitcommit "test2 back"
inc "reviewer back"
check "reviewer back: published again" published 2025-0009
git -C "$repo" rm -q "content/$r7"
gitcommit "report removed, approvals left"
inc "report removed, approvals kept"
check "report removed: gone" nowhere 2024-0007
git -C "$repo" rm -q -r content/approvals/2024
gitcommit "orphan approvals removed"
inc "orphan approvals removed"

# --- --drafts -------------------------------------------------------------

git -C "$repo" reset -q --hard base
line 1 >"$a7"
gitcommit "one approval"
rm -rf "$site"
gen -o "$site"
sums() { (cd "$1" && find . -type f -exec cksum {} + | sort -k3); }
sums "$site" >"$tmp/site.sums"
# An uncommitted draft and an uncommitted edit.
mkdir -p "$c/reports/2026"
sed 's/2024-0007/2026-0001/g; s/^title: .*/title: "UNCOMMITTED DRAFT"/' \
    "$c/$r7" >"$c/reports/2026/2026-0001.md"
sed 's/NARRATIVE-MARK-0003/UNCOMMITTED-EDIT/' \
    "$c/reports/2024/2024-0003.md" >"$tmp/edit"
cat "$tmp/edit" >"$c/reports/2024/2024-0003.md"
printf 'x\n' >"$c/reports/2025/.2025-0001.md.swp"
rc=0
"$NMGEN" -r "$repo" -t "$theme" --no-sync -o "$site" --drafts \
    "$tmp/drafts" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
check_rc "--drafts: exit 0" 0
d=$tmp/drafts/reports
check "--drafts: the uncommitted draft is rendered" \
    [ -f "$d/2026-0001/index.html" ]
check "--drafts: the unapproved report is rendered" \
    [ -f "$d/2024-0007/index.html" ]
check "--drafts: DRAFT banner on the uncommitted draft" grep -q \
    'class="draft-banner"' "$d/2026-0001/index.html"
check "--drafts: the banner says what is missing" grep -q \
    'not approved for publication: 1 of 2 approvals' \
    "$d/2024-0007/index.html"
check "--drafts: the edited report shows the edit" grep -q \
    UNCOMMITTED-EDIT "$d/2024-0003/index.html"
check "--drafts: the edited report is a draft (edited after approval)" \
    grep -q '2 void: signed an earlier version' "$d/2024-0003/index.html"
check_not "--drafts: no banner on an approved report" grep -q \
    'class="draft-banner"' "$d/2025-0009/index.html"
check_not "--drafts: no message for the drafts" grep -q "not published" \
    "$tmp/stderr"
same_sums() {
	sums "$site" | cmp -s - "$tmp/site.sums"
}
check "--drafts: the public site is untouched" same_sums
gen -o "$site"
check "--drafts: the public build still leaves them out" nowhere \
    UNCOMMITTED
check "--drafts: the public build still leaves 2024-0007 out" nowhere \
    2024-0007

# drafts ARGS... -> exit code in rc, messages in $tmp/stderr
drafts() {
	rc=0
	"$NMGEN" -r "$repo" -t "$theme" --no-sync "$@" >"$tmp/stdout" \
	    2>"$tmp/stderr" || rc=$?
}
drafts -o "$site" --drafts "$site"
check_rc "--drafts into the output folder: refused" 2
drafts -o "$site" --drafts "$site/"
check_rc "--drafts into the output folder (trailing /): refused" 2
drafts -o "$site" --drafts "$site/preview"
check_rc "--drafts inside the output folder: refused" 2
drafts -o "$site/../site" --drafts "$tmp/./site/sub/x"
check_rc "--drafts inside the output folder (other spelling): refused" 2
drafts -o "$tmp/drafts/public" --drafts "$tmp/drafts"
check_rc "--drafts holding the output folder: refused" 2
ln -s "$site" "$tmp/link"
drafts -o "$tmp/link" --drafts "$site"
check_rc "--drafts, output named through a symbolic link: refused" 2
drafts -o "$tmp/elsewhere" --drafts "$site"
check_rc "--drafts into another public site: refused" 1
check "--drafts into another public site: says so" grep -q \
    "holds a public site" "$tmp/stderr"
mkdir -p "$tmp/pub2"
cp "$site/.nearmiss-state" "$tmp/pub2/"
drafts -o "$tmp/elsewhere" --drafts "$tmp/pub2/sub"
check_rc "--drafts inside another site: refused" 2
drafts -o "$tmp/drafts"
check_rc "a public build into a drafts folder: refused" 1
check "a public build into a drafts folder: says so" grep -q \
    "never be published" "$tmp/stderr"
check "refusals left the public site untouched" nowhere UNCOMMITTED
drafts -o "$tmp/elsewhere" --drafts "$tmp/drafts" --ref HEAD~1
check_rc "--drafts with --ref: usage error" 2
rm -rf "$tmp/bare.git"
git clone -q --bare "$repo" "$tmp/bare.git"
rc=0
"$NMGEN" -r "$tmp/bare.git" -t "$theme" --no-sync --drafts "$tmp/d2" \
    2>"$tmp/stderr" || rc=$?
check_rc "--drafts of a bare repository: refused" 1
git -C "$repo" reset -q --hard base
git -C "$repo" clean -qfd

# --- the demo content -----------------------------------------------------

# Every demo report carries two valid approvals by the demo reviewers
# (make sign-demo after an edit): a --drafts preview of the checkout's
# content has no DRAFT banner.
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	rc=0
	"$NMGEN" -r "$TOP" -p content -t "$theme" --no-sync \
	    --drafts "$tmp/demo" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
	check_rc "demo content: builds" 0
	n=$(ls "$tmp/demo/reports" | grep -c '^20' || true)
	check "demo content: 49 reports ($n)" [ "$n" -eq 49 ]
	check_not "demo content: every report approved (no DRAFT banner; run make sign-demo)" \
	    grep -rlq 'class="draft-banner"' "$tmp/demo/reports"
fi

finish approvals
