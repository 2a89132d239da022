#!/bin/sh
# Tests of nearmiss-review approve: one report, a batch in one commit, the
# second reviewer, the same reviewer twice, an edit after approval that
# starts revision 2 while revision 1 stays published, refusal while lint
# has findings and --accept, the fixed bot identity and the midnight UTC
# date of the commits, the first commit of an empty repository, other
# changes of the index and work tree left alone, the receipts file, and
# the paths and ids that are refused before libgit2 sees them
# (traversal, .git, absolute, NUL, symbolic links).  If nearmiss-gen is built beside it, the approved
# reports are published and the others not.
# Run by tests/run.sh as:
#   env NMREVIEW=/abs/bin/nearmiss-review TOP=/abs/top sh approve.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset NEARMISS_KEY NEARMISS_PASSPHRASE
umask 022

NMGEN=${NMGEN:-$(dirname "$NMREVIEW")/nearmiss-gen}
repo=$tmp/repo
c=$repo/content
R=content/reports/2024

# --- helpers --------------------------------------------------------------

# run ARGS...: runs the program in the repository; sets rc, leaves the
# output in $tmp/out and $tmp/err.
run() {
	rc=0
	(cd "$repo" && "$NMREVIEW" "$@") >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# check_rc DESC WANT
check_rc() {
	if [ "$rc" -eq "$2" ]; then
		ok
	else
		fail "$1 (exit $rc, expected $2; stderr: $(head -n 4 \
		    "$tmp/err" | tr '\n' '|'))"
	fi
}

# out_is DESC FIXED-LINE: the output has that line.
out_is() {
	if grep -qxF -- "$2" "$tmp/out"; then
		ok
	else
		fail "$1 (expected \"$2\", got: $(head -n 3 "$tmp/out" |
		    tr '\n' '|'))"
	fi
}

# err_has DESC FIXED-STRING: stderr contains it.
err_has() {
	if grep -qF -- "$2" "$tmp/err"; then
		ok
	else
		fail "$1 (expected \"$2\" on stderr, got: $(head -n 3 \
		    "$tmp/err" | tr '\n' '|'))"
	fi
}

# keygen NAME: a plain key file $tmp/NAME.key and its public line
# $tmp/NAME.pub.
keygen() {
	"$NMREVIEW" keygen --no-passphrase "$1" -o "$tmp/$1.key" \
	    >"$tmp/$1.pub" 2>/dev/null ||
	    "$NMREVIEW" keygen "$1" -o "$tmp/$1.key" >"$tmp/$1.pub" 2>/dev/null
}

# report ID [EXTRA-NARRATIVE]: a clean report file's text.
report() {
	cat <<EOF
---
id: $1
title: "A close call at a junction"
event_date: 2024-03
published: 2024-04-01
incident_type: vehicle-pursuit
contributing_factors: [decision-making]
loss_potential: death
summary: "An officer nearly hit a bus while following a car."
---
The car ran the light and the officer followed it into the junction.
${2:-}

## Lessons learned

- Stop at red lights, even in a pursuit.
EOF
}

ncommits() {
	git -C "$repo" rev-list --count HEAD 2>/dev/null || echo 0
}

# blob PATH: the blob id of PATH at HEAD.
blob() {
	git -C "$repo" rev-parse "HEAD:$1"
}

# committed PATH...: the last commit changed exactly these paths.
committed() {
	want=$(printf '%s\n' "$@" | sort)
	got=$(git -C "$repo" show --format= --name-only HEAD | sort)
	[ "$want" = "$got" ]
}

# midnight: the last commit is by the bot, dated 00:00:00 UTC today, as
# author and committer.
midnight() {
	set -- "$(git -C "$repo" log -1 --format='%an <%ae>|%cn <%ce>')" \
	    "$(git -C "$repo" log -1 --date=iso-strict-local \
	    --format='%ad|%cd')"
	[ "$1" = "nearmiss <nearmiss@invalid>|nearmiss <nearmiss@invalid>" ] ||
	    return 1
	[ "$2" = "${today}T00:00:00+00:00|${today}T00:00:00+00:00" ] ||
	    [ "$2" = "${tomorrow}T00:00:00+00:00|${tomorrow}T00:00:00+00:00" ]
}

# gen_has ID / gen_lacks ID: nearmiss-gen publishes the report or not
# (skipped when nearmiss-gen is not built beside the program).
gen_build() {
	rm -rf "$tmp/site"
	"$NMGEN" -q -r "$repo" -t "$TOP/themes/default" --no-sync \
	    -o "$tmp/site" 2>"$tmp/gen.err"
}

# --- set-up ---------------------------------------------------------------

for k in alice bob carol; do
	keygen "$k"
done
today=$(date -u +%Y-%m-%d)
git init -q "$repo"
mkdir -p "$c/reports/2024"
cp "$TOP/tests/gen/fixtures/content/nearmiss.ini" "$c/nearmiss.ini"
cat "$tmp/alice.pub" "$tmp/bob.pub" >"$c/reviewers"
for n in 1 2 3 5; do
	report "2024-000$n" >"$c/reports/2024/2024-000$n.md"
done
git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@example.invalid \
    commit -q -m "content"

# --- one report, the second reviewer, twice, an edit ----------------------

n0=$(ncommits)
run approve -K "$tmp/alice.key" "$R/2024-0001.md"
tomorrow=$(date -u +%Y-%m-%d)
check_rc "approve one file: exit 0" 0
out_is "approve one file: the count" \
    "content/reports/2024/2024-0001.md: 1 approval on this version (revision 1); needs 1 more (min_approvals 2)"
check "approve one file: one commit" [ "$(ncommits)" -eq $((n0 + 1)) ]
check "approve one file: the approvals file is in it" committed \
    content/approvals/2024/2024-0001
check "approve one file: bot identity, midnight UTC" midnight
a1=$c/approvals/2024/2024-0001
check "approve one file: one line, over the blob at HEAD" [ \
    "$(cut -d' ' -f1,2 "$a1")" = "alice $(blob "$R/2024-0001.md")" ]
check "approve one file: a valid signature" grep -Eq \
    '^alice [0-9a-f]{40} [A-Za-z0-9+/]{86}== 1 [0-9]{4}-[0-9]{2}-[0-9]{2}$' \
    "$a1"
check "approve one file: dated today (UTC)" [ \
    "$(cut -d' ' -f5 "$a1")" = "$(date -u +%Y-%m-%d)" ]
check "approve one file: work tree clean" \
    [ -z "$(git -C "$repo" status --porcelain)" ]
check "approve one file: the message names the report" [ \
    "$(git -C "$repo" log -1 --format=%s)" = "Approve 2024-0001" ]

run approve -K "$tmp/bob.key" "$R/2024-0001.md"
check_rc "second reviewer: exit 0" 0
out_is "second reviewer: two approvals, publishable" \
    "content/reports/2024/2024-0001.md: 2 approvals on this version (revision 1); meets min_approvals (2): will be published"
check "second reviewer: two lines, sorted" [ \
    "$(cut -d' ' -f1 "$a1" | tr '\n' ' ')" = "alice bob " ]
check "second reviewer: bot identity, midnight UTC" midnight

n0=$(ncommits)
cp "$a1" "$tmp/a1.before"
run approve -K "$tmp/alice.key" "$R/2024-0001.md"
check_rc "same reviewer twice: exit 0" 0
out_is "same reviewer twice: still two" \
    "content/reports/2024/2024-0001.md: 2 approvals on this version (revision 1); meets min_approvals (2): will be published"
check "same reviewer twice: the file is unchanged" cmp -s "$a1" \
    "$tmp/a1.before"
check "same reviewer twice: no empty commit" [ "$(ncommits)" -eq "$n0" ]

report 2024-0001 "An edit after the approvals." >"$c/reports/2024/2024-0001.md"
run approve -K "$tmp/bob.key" "$R/2024-0001.md"
check_rc "edit after approval: exit 0" 0
out_is "edit after approval: a new revision; the approved one stays" \
    "content/reports/2024/2024-0001.md: 1 approval on this version (revision 2), 2 on other versions; needs 1 more (min_approvals 2); revision 1 stays published until then"
check "edit after approval: report and approvals in one commit" committed \
    "$R/2024-0001.md" content/approvals/2024/2024-0001
check "edit after approval: alice's line over the old blob stays" \
    grep -q "^alice $(git -C "$repo" rev-parse "HEAD~1:$R/2024-0001.md") " \
    "$a1"
check "edit after approval: bob's line over the new blob" \
    grep -q "^bob $(blob "$R/2024-0001.md") " "$a1"
run approve -K "$tmp/alice.key" "$R/2024-0001.md"
out_is "edit after approval: approved again by both" \
    "content/reports/2024/2024-0001.md: 2 approvals on this version (revision 2), 2 on other versions; meets min_approvals (2): will be published"
check "approved again: one line per reviewer and version" \
    [ "$(grep -c '' "$a1")" -eq 4 ]
check "approved again: both at revision 2" [ \
    "$(grep " $(blob "$R/2024-0001.md") " "$a1" | cut -d' ' -f4 |
    tr '\n' ' ')" = "2 2 " ]

# --- a batch in one commit ------------------------------------------------

n0=$(ncommits)
run approve -K "$tmp/alice.key" "$R/2024-0002.md" "$R/2024-0003.md"
check_rc "batch: exit 0" 0
check "batch: one commit" [ "$(ncommits)" -eq $((n0 + 1)) ]
check "batch: both approvals in it" committed \
    content/approvals/2024/2024-0002 content/approvals/2024/2024-0003
out_is "batch: the first report" \
    "content/reports/2024/2024-0002.md: 1 approval on this version (revision 1); needs 1 more (min_approvals 2)"
out_is "batch: the second report" \
    "content/reports/2024/2024-0003.md: 1 approval on this version (revision 1); needs 1 more (min_approvals 2)"
check "batch: the message lists them" [ "$(git -C "$repo" log -1 \
    --format=%B | tr '\n' ' ')" = "Approve 2 reports  2024-0002 2024-0003  " ]
n0=$(ncommits)
(cd "$repo/$R" && "$NMREVIEW" approve -K "$tmp/bob.key" -r "$repo" \
    2024-0002.md "$repo/$R/2024-0003.md") >"$tmp/out" 2>"$tmp/err" &&
    rc=0 || rc=$?
check_rc "batch from a subfolder, with -r and an absolute path: exit 0" 0
check "batch from a subfolder: one commit" [ "$(ncommits)" -eq $((n0 + 1)) ]
run approve -K "$tmp/bob.key" "$R/2024-0002.md" "$R/2024-0002.md" \
    "./$R/../2024/2024-0002.md"
check_rc "the same file thrice: exit 0" 0
check "the same file thrice: reported once" \
    [ "$(grep -c 2024-0002 "$tmp/out")" -eq 1 ]

# --- lint: refused until accepted -----------------------------------------

report 2024-0004 "Call j.doe@example.org for the dashcam video." \
    >"$c/reports/2024/2024-0004.md"
n0=$(ncommits)
run approve -K "$tmp/alice.key" "$R/2024-0004.md"
check_rc "lint finding: exit 1" 1
err_has "lint finding: printed" "j.doe@example.org"
err_has "lint finding: refused" "lint finding not accepted"
check "lint finding: no commit" [ "$(ncommits)" -eq "$n0" ]
check "lint finding: no approvals file" \
    [ ! -e "$c/approvals/2024/2024-0004" ]
run approve -K "$tmp/alice.key" "$R/2024-0005.md" "$R/2024-0004.md"
check_rc "a batch with one lint finding: exit 1" 1
err_has "a batch with one lint finding: nothing approved" \
    "nothing approved: 1 file refused"
check "a batch with one lint finding: no commit" [ "$(ncommits)" -eq "$n0" ]
check "a batch with one lint finding: the good one is not approved" \
    [ ! -e "$c/approvals/2024/2024-0005" ]
run approve -K "$tmp/alice.key" --accept email:j.doe@example.com \
    "$R/2024-0004.md"
check_rc "--accept of another text: still refused" 1
run approve -K "$tmp/alice.key" --accept phone:j.doe@example.org \
    "$R/2024-0004.md"
check_rc "--accept of another kind: still refused" 1
run approve -K "$tmp/alice.key" --accept email:j.doe@example.org \
    "$R/2024-0004.md" "$R/2024-0005.md"
check_rc "--accept KIND:TEXT: exit 0" 0
check "--accept: report and approvals committed" committed \
    "$R/2024-0004.md" content/approvals/2024/2024-0004 \
    content/approvals/2024/2024-0005
for a in email nocolon :x email:; do
	run approve -K "$tmp/alice.key" --accept "$a" "$R/2024-0005.md"
	check_rc "--accept \"$a\": usage error" 2
done

# --- nearmiss-gen follows -------------------------------------------------

if [ -x "$NMGEN" ]; then
	gen_build
	check "gen: two approvals publish" \
	    [ -f "$tmp/site/reports/2024-0001/index.html" ]
	check "gen: two approvals publish (batch)" \
	    [ -f "$tmp/site/reports/2024-0002/index.html" ]
	check_not "gen: one approval does not" \
	    [ -e "$tmp/site/reports/2024-0004" ]
fi

# --- other changes are left alone -----------------------------------------

echo "staged" >"$repo/staged.txt"
git -C "$repo" add staged.txt
echo "unstaged edit" >>"$c/reports/2024/2024-0002.md"
report 2024-0006 >"$c/reports/2024/2024-0006.md"
report 2024-0007 >"$c/reports/2024/2024-0007.md"
run approve -K "$tmp/alice.key" "$R/2024-0006.md"
check_rc "with other changes around: exit 0" 0
check "with other changes around: only the report and its approvals" \
    committed "$R/2024-0006.md" content/approvals/2024/2024-0006
git -C "$repo" status --porcelain >"$tmp/status"
check "the staged file stays staged" grep -qx 'A  staged.txt' "$tmp/status"
check "the unstaged edit stays unstaged" \
    grep -qx ' M content/reports/2024/2024-0002.md' "$tmp/status"
check "the other untracked draft stays untracked" \
    grep -qx '?? content/reports/2024/2024-0007.md' "$tmp/status"
check "the approved files are clean" [ "$(grep -c \
    -e 2024-0006 "$tmp/status")" -eq 0 ]
git -C "$repo" reset -q
git -C "$repo" checkout -q content/reports/2024/2024-0002.md
rm -f "$repo/staged.txt" "$c/reports/2024/2024-0007.md"

# --- receipts that name the report go with it -----------------------------

h=$(printf 'receipt' | sha256sum | cut -c1-64)
printf '%s draft 2024-0007\n' "$h" >"$c/receipts"
report 2024-0007 >"$c/reports/2024/2024-0007.md"
run approve -K "$tmp/alice.key" "$R/2024-0007.md"
check_rc "a drafted receipt: exit 0" 0
check "a drafted receipt: committed with the approval" committed \
    "$R/2024-0007.md" content/approvals/2024/2024-0007 content/receipts

# --- keys -----------------------------------------------------------------

report 2024-0008 >"$c/reports/2024/2024-0008.md"
run approve -K "$tmp/carol.key" "$R/2024-0008.md"
check_rc "a key not in reviewers: exit 0 (recorded)" 0
err_has "a key not in reviewers: warned" "no reviewer \"carol\" with this key"
out_is "a key not in reviewers: counts for nothing" \
    "content/reports/2024/2024-0008.md: 0 approvals on this version (revision 1), 1 by a key not in reviewers; needs 2 more (min_approvals 2)"
rc=0
(cd "$repo" && NEARMISS_KEY="$tmp/bob.key" "$NMREVIEW" approve \
    "$R/2024-0008.md") >"$tmp/out" 2>"$tmp/err" || rc=$?
check_rc "NEARMISS_KEY: exit 0" 0
out_is "NEARMISS_KEY: bob's approval" \
    "content/reports/2024/2024-0008.md: 1 approval on this version (revision 1), 1 by a key not in reviewers; needs 1 more (min_approvals 2)"
run approve -K "$tmp/none.key" "$R/2024-0008.md"
check_rc "a missing key file: exit 1" 1
run approve -K "$tmp/alice.key"
check_rc "no file: usage error" 2
run approve --bogus "$R/2024-0008.md"
check_rc "unknown option: usage error" 2
run approve -h
check_rc "-h: exit 0" 0
check "-h: usage on stdout" grep -q '^usage: nearmiss-review approve' \
    "$tmp/out"

# --- refused paths and files ----------------------------------------------

# refused DESC ERR-STRING FILE... [-- approve options first]: exit 1, the
# message, and no commit.
refused() {
	desc=$1
	msg=$2
	shift 2
	n0=$(ncommits)
	run approve -K "$tmp/alice.key" "$@"
	check_rc "$desc: refused" 1
	err_has "$desc: message" "$msg"
	check "$desc: no commit" [ "$(ncommits)" -eq "$n0" ]
}
report 2024-0009 >"$repo/2024-0009.md"
refused "traversal out of the content folder" "not in the content folder" \
    "$R/../../../2024-0009.md"
mkdir -p "$tmp/outside/reports/2024"
report 2024-0009 >"$tmp/outside/reports/2024/2024-0009.md"
refused "a file outside the repository" "not in the work tree" \
    "$tmp/outside/reports/2024/2024-0009.md"
refused "traversal out of the repository" "not in the work tree" \
    "$R/../../../../outside/reports/2024/2024-0009.md"
refused "not a report (nearmiss.ini)" "not a report file" content/nearmiss.ini
mkdir -p "$c/reports/2024/sub" "$c/reports/24"
report 2024-0010 >"$c/reports/2024/sub/2024-0010.md"
refused "a report one folder too deep" "not a report file" \
    "$R/sub/2024-0010.md"
report 2024-0010 >"$c/reports/24/2024-0010.md"
refused "a year that is not 4 digits" "not a report file" \
    content/reports/24/2024-0010.md
report ABC >"$c/reports/2024/ABC.md"
refused "an id that is not an id" "not a report id" "$R/ABC.md"
report 2024-0099 >"$c/reports/2024/2024-0011.md"
refused "id and file name differ" "does not match the file name" \
    "$R/2024-0011.md"
report 2024-0012 | sed 's/^incident_type: .*/incident_type: nonsense/' \
    >"$c/reports/2024/2024-0012.md"
refused "a front matter error" "content/reports/2024/2024-0012.md:" \
    "$R/2024-0012.md"
printf -- '---\nid: 2024-0013\0\n---\n' >"$c/reports/2024/2024-0013.md"
refused "a NUL byte in the file" "content/reports/2024/2024-0013.md" \
    "$R/2024-0013.md"
report 2024-0014 >"$tmp/outside/2024-0014.md"
ln -s "$tmp/outside/2024-0014.md" "$c/reports/2024/2024-0014.md"
refused "a symbolic link as the report" "not a regular file" \
    "$R/2024-0014.md"
ln -s "$tmp/outside/reports/2024" "$c/reports/2025"
refused "a report in a linked folder outside the tree" "not in the work tree" \
    content/reports/2025/2024-0009.md
refused "a missing file" "No such file" "$R/2024-0404.md"
mkdir -p "$repo/.git/x/reports/2024"
report 2024-0015 >"$repo/.git/x/reports/2024/2024-0015.md"
refused "a file inside .git" "refused" .git/x/reports/2024/2024-0015.md
n0=$(ncommits)
for p in .git ../content /abs content/../content content/.git .GIT \
    "content/x$(printf '\t')y"; do
	run approve -K "$tmp/alice.key" -p "$p" "$R/2024-0005.md"
	check_rc "-p \"$p\": refused" 2
done
check "refused -p: no commit" [ "$(ncommits)" -eq "$n0" ]
report 2024-0016 >"$c/reports/2024/2024-0016.md"
mkdir -p "$c/approvals/2024"
printf 'garbage\n' >"$c/approvals/2024/2024-0016"
refused "a damaged approvals file" "content/approvals/2024/2024-0016:1:" \
    "$R/2024-0016.md"
err_has "a damaged approvals file: what to do" \
    "fix or remove the damaged approvals file first"
refused "one bad file in a batch" "nothing approved: 1 file refused" \
    "$R/2024-0005.md" "$R/2024-0011.md"

# --- the first commit of an empty repository ------------------------------

git init -q "$tmp/empty"
mkdir -p "$tmp/empty/c/reports/2024"
cp "$c/nearmiss.ini" "$c/reviewers" "$tmp/empty/c/"
report 2024-0001 >"$tmp/empty/c/reports/2024/2024-0001.md"
rc=0
(cd "$tmp/empty" && "$NMREVIEW" approve -K "$tmp/alice.key" -p c \
    c/reports/2024/2024-0001.md) >"$tmp/out" 2>"$tmp/err" || rc=$?
check_rc "empty repository: exit 0" 0
check "empty repository: the first commit" \
    [ "$(git -C "$tmp/empty" rev-list --count HEAD)" -eq 1 ]
check "empty repository: report and approvals, nothing else" [ \
    "$(git -C "$tmp/empty" ls-tree -r --name-only HEAD | tr '\n' ' ')" = \
    "c/approvals/2024/2024-0001 c/reports/2024/2024-0001.md " ]
repo=$tmp/empty
check "empty repository: bot identity, midnight UTC" midnight
check "empty repository: the rest stays untracked" [ "$(git -C \
    "$tmp/empty" status --porcelain | tr '\n' ' ')" = "?? c/nearmiss.ini ?? c/reviewers " ]

# A bare repository has no work tree to approve in.
git clone -q --bare "$tmp/empty" "$tmp/bare.git"
rc=0
(cd "$tmp" && "$NMREVIEW" approve -K "$tmp/alice.key" -r bare.git -p c \
    empty/c/reports/2024/2024-0001.md) >"$tmp/out" 2>"$tmp/err" || rc=$?
check_rc "bare repository: refused" 1

finish approve
