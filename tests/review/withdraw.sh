#!/bin/sh
# Tests of nearmiss-review withdraw and of what approve, status and show
# say about revisions: usage errors, an unknown report, a key not in
# reviewers (refused, nothing written), the signed line and its commit,
# the reason kept as given; approve after a withdrawal starts a new
# revision; status lists a published report whose work tree file differs
# from the published version, and the withdrawn ones.  If nearmiss-gen is
# built beside it, the withdrawn report is not published.
# Run by tests/run.sh as:
#   env NMREVIEW=/abs/bin/nearmiss-review TOP=/abs/top sh withdraw.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset NEARMISS_KEY NEARMISS_PASSPHRASE
umask 022

B=$(dirname "$(dirname "$NMREVIEW")")
NMGEN=${NMGEN:-$(dirname "$NMREVIEW")/nearmiss-gen}
MKITEM=$B/tests/nm-mkitem
repo=$tmp/repo
c=$repo/content
R=content/reports/2024
a1=$c/approvals/2024/2024-0001

# run ARGS...: the program in the repository; sets rc, output in
# $tmp/out and $tmp/err.
run() {
	rc=0
	(cd "$repo" && "$NMREVIEW" "$@") >"$tmp/out" 2>"$tmp/err" </dev/null ||
	    rc=$?
}

# check_rc DESC WANT
check_rc() {
	if [ "$rc" -eq "$2" ]; then
		ok
	else
		fail "$1 (exit $rc, expected $2; stderr: $(head -n 3 \
		    "$tmp/err" | tr '\n' '|'))"
	fi
}

# err_has DESC FIXED-STRING
err_has() {
	if grep -qF -- "$2" "$tmp/err"; then
		ok
	else
		fail "$1 (expected \"$2\" on stderr, got: $(head -n 3 \
		    "$tmp/err" | tr '\n' '|'))"
	fi
}

ncommits() {
	git -C "$repo" rev-list --count HEAD
}

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

# --- set-up ---------------------------------------------------------------

for k in alice bob carol; do
	"$NMREVIEW" keygen --no-passphrase "$k" -o "$tmp/$k.key" \
	    >"$tmp/$k.pub" 2>/dev/null
done
cat "$tmp/alice.pub" "$tmp/bob.pub" >"$tmp/both"
git init -q "$repo"
mkdir -p "$c/reports/2024"
cp "$TOP/tests/gen/fixtures/content/nearmiss.ini" "$c/nearmiss.ini"
cat "$tmp/alice.pub" "$tmp/bob.pub" >"$c/reviewers"
report 2024-0001 >"$c/reports/2024/2024-0001.md"
report 2024-0002 >"$c/reports/2024/2024-0002.md"
# An inbox item whose draft became 2024-0001, for status.
mkdir "$tmp/inbox"
I=$("$MKITEM" -i "$tmp/inbox" -R "$tmp/both" -H "$(printf '%064d' 0 |
    tr 0 a)" -f title="A close call" -f incident_type=vehicle-pursuit \
    -n "We nearly hit a bus.")
printf '%s draft 2024-0001\n' "$(printf '%064d' 0 | tr 0 a)" \
    >"$c/receipts"
git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@example.invalid \
    commit -q -m "content"
for k in alice bob; do
	run approve -K "$tmp/$k.key" "$R/2024-0001.md" "$R/2024-0002.md"
	check_rc "approve by $k: exit 0" 0
done

# --- usage errors, unknown id, unlisted key -------------------------------

n0=$(ncommits)
run withdraw -K "$tmp/bob.key" 2024-0001
check_rc "no --reason: exit 2" 2
err_has "no --reason: says so" "--reason is required"
run withdraw -K "$tmp/bob.key" --reason "Names someone."
check_rc "no id: exit 2" 2
run withdraw -K "$tmp/bob.key" --reason "x" 2024-0001 2024-0002
check_rc "two ids: exit 2" 2
run withdraw -K "$tmp/bob.key" --reason "x" ../etc
check_rc "a bad id: exit 2" 2
err_has "a bad id: says so" "is not a report id"
run withdraw -K "$tmp/bob.key" --reason "x" 2024-0009
check_rc "an unknown id: exit 1" 1
err_has "an unknown id: says so" "2024-0009: no such report"
run withdraw -K "$tmp/bob.key" --reason "$(printf 'two\nlines')" 2024-0001
check_rc "a reason of two lines: exit 1" 1
err_has "a reason of two lines: says so" "bad reason"
cp "$a1" "$tmp/a1.before"
run withdraw -K "$tmp/carol.key" --reason "Names someone." 2024-0001
check_rc "a key not in reviewers: exit 1" 1
err_has "a key not in reviewers: says so" \
    "no reviewer \"carol\" with this key"
check "refused: the approvals file is unchanged" cmp -s "$a1" \
    "$tmp/a1.before"
check "refused: no commit" [ "$(ncommits)" -eq "$n0" ]

# --- status before: nothing differs ---------------------------------------

run status -K "$tmp/alice.key" -i "$tmp/inbox" -r "$repo"
check_rc "status: exit 0" 0
check_not "status, all approved: nothing differs" grep -q \
    "work tree differs" "$tmp/out"

# An edit, committed without approvals: the approved version stays.
report 2024-0001 "A correction." >"$c/reports/2024/2024-0001.md"
git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@example.invalid \
    commit -q -m "a correction"
run status -K "$tmp/alice.key" -i "$tmp/inbox" -r "$repo"
check_rc "status, edited: exit 0" 0
check "status, edited: the work tree differs" grep -qx \
    "Published, but the work tree differs from the published version" \
    "$tmp/out"
check "status, edited: names revision 1" grep -qx \
    "  revision 1 published:" "$tmp/out"
check "status, edited: the item's row" grep -q "^  $I .* 2024-0001 " \
    "$tmp/out"
run show -K "$tmp/alice.key" -i "$tmp/inbox" -r "$repo" "$I"
check_rc "show, edited: exit 0" 0
check "show, edited: the published revision and the difference" grep -qx \
    "Site:       revision 1 published; the work tree differs (published once approved)" \
    "$tmp/out"

# --- withdraw -------------------------------------------------------------

n0=$(ncommits)
run withdraw -K "$tmp/bob.key" --reason "Names the junction: a bus stop." \
    2024-0001
check_rc "withdraw: exit 0" 0
check "withdraw: one commit" [ "$(ncommits)" -eq $((n0 + 1)) ]
check "withdraw: the message" [ \
    "$(git -C "$repo" log -1 --format=%s)" = "Withdraw 2024-0001" ]
check "withdraw: only the approvals file in it" [ "$(git -C "$repo" show \
    --format= --name-only HEAD)" = "content/approvals/2024/2024-0001" ]
check "withdraw: a signed line at revision 1, the reason as given" \
    grep -Eqx '^bob withdraw [A-Za-z0-9+/]{86}== 1 Names the junction: a bus stop\.$' \
    "$a1"
check "withdraw: the approvals stay" [ "$(grep -c ' 1 [0-9-]*$' "$a1")" \
    -eq 2 ]
check "withdraw: the output says so" grep -q \
    "withdrawn up to revision 1" "$tmp/out"
check "withdraw: work tree clean" \
    [ -z "$(git -C "$repo" status --porcelain)" ]

run status -K "$tmp/alice.key" -i "$tmp/inbox" -r "$repo"
check "status, withdrawn: listed" grep -q "^Withdrawn: " "$tmp/out"
check_not "status, withdrawn: not \"differs\" any more" grep -q \
    "work tree differs" "$tmp/out"
run show -K "$tmp/alice.key" -i "$tmp/inbox" -r "$repo" "$I"
check "show, withdrawn: says so" grep -qx \
    "Site:       withdrawn (revision 1)" "$tmp/out"

if [ -x "$NMGEN" ]; then
	"$NMGEN" -q -r "$repo" -t "$TOP/themes/default" --no-sync \
	    -o "$tmp/site" 2>"$tmp/gen.err" || :
	check "gen: the withdrawn report is not published" \
	    [ ! -e "$tmp/site/reports/2024-0001" ]
	check "gen: the other one is" [ -f \
	    "$tmp/site/reports/2024-0002/index.html" ]
	check_not "gen: the reason is not in the site" grep -rq \
	    "a bus stop" "$tmp/site"
fi

# --- approve after a withdrawal: a new revision ---------------------------

run approve -K "$tmp/alice.key" "$R/2024-0001.md"
check_rc "approve after withdrawal: exit 0" 0
check "approve after withdrawal: revision 2" grep -q \
    "^content/reports/2024/2024-0001.md: 1 approval on this version (revision 2)" \
    "$tmp/out"
check "approve after withdrawal: still withdrawn" grep -q \
    "; withdrawn (revision 1)$" "$tmp/out"
run approve -K "$tmp/bob.key" "$R/2024-0001.md"
check "approved again by two: will be published" grep -q \
    "(revision 2), .*meets min_approvals (2): will be published" "$tmp/out"
if [ -x "$NMGEN" ]; then
	rm -rf "$tmp/site"
	"$NMGEN" -q -r "$repo" -t "$TOP/themes/default" --no-sync \
	    -o "$tmp/site" 2>"$tmp/gen.err" || :
	check "gen: republished with the correction" grep -q \
	    "A correction." "$tmp/site/reports/2024-0001/index.html"
fi

# Withdrawing again reaches revision 2.
run withdraw -K "$tmp/alice.key" --reason "Again." 2024-0001
check_rc "second withdrawal: exit 0" 0
check "second withdrawal: revision 2" grep -Eq \
    '^alice withdraw [^ ]+ 2 Again\.$' "$a1"

finish withdraw
