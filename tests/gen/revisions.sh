#!/bin/sh
# Corrections and withdrawals in nearmiss-gen, with approvals made by
# nearmiss-review approve and withdraw (revision numbers, lib/approval.h):
# an edit never unpublishes (the approved version stays, byte for byte);
# the corrected version replaces it once two reviewers approve it;
# restoring an older file does not bring an older revision back; a
# withdrawal takes the report off everywhere (pages, lists, feeds,
# sitemap, search index) and the status index says "withdrawn" without
# the reason; new approvals publish it again.  Full and incremental
# builds give the same bytes at every step.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh ...
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset NEARMISS_KEY NEARMISS_PASSPHRASE
umask 022

NMREVIEW=${NMREVIEW:-$(dirname "$NMGEN")/nearmiss-review}
theme=$TOP/themes/default
repo=$tmp/repo
c=$repo/content
site=$tmp/site
R=content/reports/2024
r1=$R/2024-0001.md
a1=$c/approvals/2024/2024-0001
# The receipt of the submission that became 2024-0001.
h1=1111111111111111111111111111111111111111111111111111111111111111
h2=2222222222222222222222222222222222222222222222222222222222222222

# --- helpers --------------------------------------------------------------

# review ARGS...: nearmiss-review in the repository; sets rrc.
review() {
	rrc=0
	(cd "$repo" && "$NMREVIEW" "$@") >"$tmp/rout" 2>"$tmp/rerr" || rrc=$?
}

# approve KEY FILE: KEY's approval, which must succeed.
approve() {
	review approve -K "$tmp/$1.key" "$2"
	if [ "$rrc" -ne 0 ]; then
		fail "approve $1 $2: exit $rrc: $(head -n 3 "$tmp/rerr" |
		    tr '\n' '|')"
	fi
}

# approve_all KEY: KEY's approval of every file of $many, in one commit,
# which must succeed.
approve_all() {
	# Word splitting of many is intended.
	# shellcheck disable=SC2086
	review approve -K "$tmp/$1.key" $many
	if [ "$rrc" -ne 0 ]; then
		fail "approve $1 (a batch): exit $rrc: $(head -n 3 \
		    "$tmp/rerr" | tr '\n' '|')"
	fi
}

# report ID TITLE [EXTRA]: a clean report file's text.
report() {
	cat <<EOF
---
id: $1
title: "$2"
event_date: 2024-03
published: 2024-04-01
incident_type: vehicle-pursuit
contributing_factors: [decision-making]
loss_potential: death
summary: "An officer nearly hit a bus while following a car."
---
The car ran the light and the officer followed it into the junction.
${3:-}

## Lessons learned

- Stop at red lights, even in a pursuit.
EOF
}

gitcommit() {
	git -C "$repo" add -A
	git -C "$repo" -c user.name=t -c user.email=t@example.invalid \
	    commit -q --allow-empty -m "$1"
}

# build: a full build into $site; then an incremental build of the same
# commit on top of the output of the last step ($tmp/inc), which must
# give the same bytes.
build() {
	rm -rf "$site"
	gen --full -o "$site" "$@"
	check_rc "$step: full build exits 0" 0
	cp "$tmp/stderr" "$tmp/stderr.full"
	gen -o "$tmp/inc" "$@"
	check_rc "$step: incremental build exits 0" 0
	check_same "$step: incremental equals full" "$site" "$tmp/inc"
	cp "$tmp/stderr.full" "$tmp/stderr"
}

page() {
	echo "$site/reports/2024-0001/index.html"
}

# nowhere TEXT: no file of the site holds it.
nowhere() {
	! grep -rqF -- "$1" "$site"
}

# status1: the status index's entry for the receipt of 2024-0001.
status1() {
	cat "$site"/status/*.json | tr ',' '\n' | grep -A1 "\"$h1\"" |
	    tr -d '\n'
}

# --- set-up ---------------------------------------------------------------

for k in alice bob carol; do
	"$NMREVIEW" keygen --no-passphrase "$k" -o "$tmp/$k.key" \
	    >"$tmp/$k.pub" 2>/dev/null
done
git init -q "$repo"
mkdir -p "$c/reports/2024" "$c/pages"
cp "$TOP/tests/gen/fixtures/content/nearmiss.ini" "$c/nearmiss.ini"
cp "$TOP/tests/gen/fixtures/content/pages/about.md" "$c/pages/about.md"
cat "$tmp/alice.pub" "$tmp/bob.pub" >"$c/reviewers"
report 2024-0001 "A close call at a level crossing" >"$repo/$r1"
report 2024-0002 "A near miss on the ring road" >"$c/reports/2024/2024-0002.md"
printf '%s draft 2024-0001\n%s draft 2024-0002\n' "$h1" "$h2" \
    >"$c/receipts"
gitcommit "content"
for k in alice bob; do
	approve "$k" "$r1"
	approve "$k" "$R/2024-0002.md"
done

step="approved"
build
check "$step: published" [ -f "$(page)" ]
check_not "$step: the first revision is not \"revised\"" \
    grep -q "Revised on" "$(page)"
check "$step: the approvals are revision 1" [ \
    "$(cut -d' ' -f4 "$a1" | sort -u)" = "1" ]
check "$step: status published" sh -c \
    "cat '$site'/status/*.json | grep -q '\"$h1\":{\"s\":\"published\"'"
cp "$(page)" "$tmp/v1.html"

# --- an edit never unpublishes -------------------------------------------

report 2024-0001 "A close call at a level crossing" \
    "A corrected sentence, not approved yet." >"$repo/$r1"
gitcommit "a correction, not approved"
step="edited, not approved"
build -v
check "$step: the approved version stays, byte for byte" \
    cmp -s "$(page)" "$tmp/v1.html"
check "$step: the correction is nowhere" nowhere "A corrected sentence"
check "$step: -v names the published revision" grep -qF \
    "$r1: this version has 0 of 2 approvals: revision 1" "$tmp/stderr"
check "$step: status still published" sh -c \
    "cat '$site'/status/*.json | grep -q '\"$h1\":{\"s\":\"published\"'"

approve alice "$r1"
check "one approval of the correction: revision 2" \
    grep -q "^alice [0-9a-f]* [^ ]* 2 " "$a1"
check "one approval of the correction: the revision 1 lines stay" \
    [ "$(grep -c ' 1 ' "$a1")" -eq 2 ]
step="correction, 1 of 2"
build
check "$step: still the approved version" cmp -s "$(page)" "$tmp/v1.html"

approve bob "$r1"
step="correction approved"
build
check "$step: the correction replaces it" grep -qF \
    "A corrected sentence" "$(page)"
check "$step: the same address" [ -f "$(page)" ]
check "$step: \"Revised on\" the day of the approvals" \
    grep -qF "Revised on <time datetime=\"$(date -u +%Y-%m-%d)\">" "$(page)"
cp "$(page)" "$tmp/v2.html"

# --- rollback: an older file does not bring revision 1 back --------------

git -C "$repo" show "HEAD~3:$r1" >"$repo/$r1"
gitcommit "the old text restored"
step="old file restored"
build
check "$step: revision 2 stays published" cmp -s "$(page)" \
    "$tmp/v2.html"
# The old lines re-added (a union merge of an old branch): the same.
git -C "$repo" show "HEAD~4:content/approvals/2024/2024-0001" >>"$a1"
gitcommit "old approval lines again"
step="old approvals re-added"
build
check "$step: revision 2 stays published" cmp -s "$(page)" \
    "$tmp/v2.html"

# --- withdrawal -----------------------------------------------------------

git -C "$repo" show "HEAD~2:$r1" >"$repo/$r1"
gitcommit "back to revision 2's text"
review withdraw -K "$tmp/bob.key" 2024-0001 --reason \
    "Names the level crossing: SECRET-REASON"
check "withdraw: exit 0" [ "$rrc" -eq 0 ]
step="withdrawn"
build
check "$step: no page" [ ! -e "$site/reports/2024-0001" ]
check "$step: the id is nowhere in the site" nowhere 2024-0001
check "$step: the title is nowhere in the site" nowhere \
    "A close call at a level crossing"
check "$step: the reason is nowhere in the site" nowhere SECRET-REASON
check "$step: the other report stays" [ -f \
    "$site/reports/2024-0002/index.html" ]
check "$step: status withdrawn" [ "$(status1)" = \
    "\"$h1\":{\"s\":\"withdrawn\"}" ]
check "$step: -v says so" sh -c "'$NMGEN' -v -r '$repo' -t '$theme' \
    --no-sync --full -o '$tmp/v' 2>&1 | grep -qF \
    '$r1: not published: withdrawn (revision 2)'"

# An unrelated change: the withdrawn state survives incremental builds.
report 2024-0002 "A near miss on the ring road" "More." \
    >"$c/reports/2024/2024-0002.md"
gitcommit "another report edited"
approve alice "$R/2024-0002.md"
approve bob "$R/2024-0002.md"
step="withdrawn, another report changed"
build
check "$step: status still withdrawn" [ "$(status1)" = \
    "\"$h1\":{\"s\":\"withdrawn\"}" ]
check "$step: still nowhere" nowhere 2024-0001

# Approving the same text again does not undo it: one approval is not two.
approve alice "$r1"
check "re-approved once: a new revision above the withdrawal" \
    grep -q "^alice [0-9a-f]* [^ ]* 3 " "$a1"
step="withdrawn, 1 new approval"
build
check "$step: still nowhere" nowhere 2024-0001

# --- republished ----------------------------------------------------------

approve bob "$r1"
step="republished"
build
check "$step: published again" cmp -s "$(page)" "$tmp/v2.html"
check "$step: status published" [ "$(status1)" = \
    "\"$h1\":{\"s\":\"published\"\"id\":\"2024-0001\"}" ]
check "$step: the reason is still nowhere" nowhere SECRET-REASON

# --- many revised reports -------------------------------------------------

# Seventy reports approved, corrected and approved again: each is found
# revised (the table of revised reports grows past its first size), in
# the open data and on its page, in full and incremental builds alike.
many=
for n in $(seq 100 169); do
	report "2024-0$n" "A near miss of a batch" >"$c/reports/2024/2024-0$n.md"
	many="$many $R/2024-0$n.md"
done
gitcommit "a batch"
approve_all alice
approve_all bob
for n in $(seq 100 169); do
	report "2024-0$n" "A near miss of a batch" "Corrected." \
	    >"$c/reports/2024/2024-0$n.md"
done
gitcommit "the batch corrected"
approve_all alice
approve_all bob
step="seventy revised"
build
check "$step: each has its revised day in the open data" [ "$(awk -F, \
    '$1 ~ /^2024-01[0-6][0-9]$/ && $7 ~ /^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/' \
    "$site/data/reports.csv" | wc -l)" -eq 70 ]
# shellcheck disable=SC2016
check "$step: and on its page" sh -c '
	for n in $(seq 100 169); do
		grep -q "Corrected\." "$0/reports/2024-0$n/index.html" &&
		    grep -qi "revised" "$0/reports/2024-0$n/index.html" ||
		    exit 1
	done' "$site"

finish revisions
