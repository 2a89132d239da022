#!/bin/sh
# Two reviewers working together through one shared repository: the
# commands of README.md "Working together" run literally for both; two
# clones that draft and approve at once, then merge with git (no
# conflict, two distinct report ids, both approvals of one report kept);
# the receipts merge driver (neighbouring lines, a real conflict, one id
# for two submissions); status showing "approved 1/2" and an approval
# voided by the other reviewer's edit; diff, word by word; decided and
# nearmiss-intake purge --decided deleting exactly the decided items.
# Run by tests/run.sh as:
#   env NMREVIEW=/abs/bin/nearmiss-review TOP=/abs/top sh together.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C NEARMISS_DATA="$TOP/data"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset NEARMISS_KEY NEARMISS_PASSPHRASE || :
umask 022
BIN=$(dirname "$NMREVIEW")
B=$(dirname "$BIN")
MKITEM=$B/tests/nm-mkitem
NMINTAKE=$BIN/nearmiss-intake
export PATH="$BIN:$PATH"
work=$tmp/work
mkdir "$work" "$tmp/alice" "$tmp/bob"

# h C: a receipt hash of 64 times the hex digit C.
h() {
	printf "%064d" 0 | tr 0 "$1"
}

# as WHO COMMAND...: runs COMMAND in WHO's clone with WHO's key and
# inbox; output in $tmp/out and $tmp/err, exit status in rc.
as() {
	who=$1
	shift
	rc=0
	(cd "$tmp/$who/review" && HOME=$tmp/$who \
	    NEARMISS_KEY=$tmp/$who.key "$@") >"$tmp/out" 2>"$tmp/err" ||
	    rc=$?
}

# rid: the report id in draft's output.
rid() {
	sed -n 's/.* as report \([0-9a-z-]*\) (not committed)$/\1/p' "$tmp/out"
}

# fill FILE: what a reviewer does to a draft: every TODO filled in.
fill() {
	sed -e 's/^title: .*/title: "A stop on a dark highway"/' \
	    -e 's/^event_date: .*/event_date: 2026-02/' \
	    -e 's/^published: .*/published: 2026-04-03/' \
	    -e 's/^incident_type: .*/incident_type: traffic-stop/' \
	    -e 's/^contributing_factors: .*/contributing_factors: [fatigue]/' \
	    -e 's/^loss_potential: .*/loss_potential: death/' \
	    -e 's/^summary: .*/summary: "A short summary."/' \
	    "$1" >"$tmp/filled" && cp "$tmp/filled" "$1"
}

# --- The archive, two reviewers, one inbox ----------------------------------

for who in alice bob; do
	"$NMREVIEW" keygen --no-passphrase "$who" -o "$tmp/$who.key" \
	    >"$tmp/$who.pub" 2>/dev/null
done
cat "$tmp/alice.pub" "$tmp/bob.pub" >"$tmp/both"
"$NMREVIEW" init "$work/archive" >/dev/null
cat "$tmp/both" >>"$work/archive/content/reviewers"
git -C "$work/archive" add -A
git -C "$work/archive" -c user.name=nearmiss -c user.email=nearmiss@invalid \
    commit -qm "Add reviewers"
mkdir "$tmp/inbox"
mk() {
	"$MKITEM" -i "$tmp/inbox" -R "$tmp/both" -d 2026-03-01 "$@"
}
X=$(mk -H "$(h 1)" -n 'The driver did not see the patrol car parked on
the shoulder at night, and the officer stepped back just in time.' \
    -l '- Park further from the lane.')
Y=$(mk -H "$(h 2)" -n 'A ladder slipped on a wet floor during a search of
an empty warehouse.' -l '- Check the footing first.')
W=$(mk -H "$(h 3)" -n 'Not a near miss at all.')
V=$(mk -H "$(h 4)" -n 'Still undecided.')
for who in alice bob; do
	cp -R "$tmp/inbox" "$tmp/$who/inbox"
	ln -s "$work/archive.git" "$tmp/$who/archive.git"
done

# --- README.md "Working together", literally --------------------------------

readme_section "Working together" >"$tmp/readme.sh"
for w in "git clone --bare " "git clone archive.git " \
    "merge.nearmiss-receipts.driver" \
    "git pull --no-rebase" "git push" "nearmiss-review receive "; do
	check "README: the section has \"$w\"" grep -qF "$w" "$tmp/readme.sh"
done
# The first command is the administrator's, once; the rest each
# reviewer's.
sed -n 1p "$tmp/readme.sh" >"$tmp/admin.sh"
sed 1d "$tmp/readme.sh" >"$tmp/reviewer.sh"
rc=0
(cd "$work" && sh -eu "$tmp/admin.sh") >"$tmp/out" 2>&1 || rc=$?
check "README: the shared repository is made ($rc)" \
    [ -d "$work/archive.git" ]
for who in alice bob; do
	rc=0
	(cd "$tmp/$who" && HOME=$tmp/$who NEARMISS_KEY=$tmp/$who.key \
	    sh -eu "$tmp/reviewer.sh") >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "README: every command succeeds for $who ($rc)" [ "$rc" -eq 0 ]
	[ "$rc" -eq 0 ] || cat "$tmp/err" >&2
	check "README: $who has a clone" [ -d "$tmp/$who/review/.git" ]
	check "README: $who's clone commits as the bot" [ \
	    "$(git -C "$tmp/$who/review" config user.name)" = nearmiss ]
	cp "$tmp/err" "$tmp/err.$who"
done
check "README: alice received the four submissions" \
    [ "$(git -C "$work/archive.git" show HEAD:content/receipts |
    grep -c ' received$')" -eq 4 ]
check "README: bob pulled them" \
    [ "$(grep -c ' received$' "$tmp/bob/review/content/receipts")" -eq 4 ]
check "README: the receive commit is pushed" \
    [ "$(git -C "$work/archive.git" log --format=%s -1)" = \
    "receipts: 4 submissions received" ]
check "receive says what to run next" \
    grep -q "next: git pull, then git push" "$tmp/err.alice"
as alice git pull -q --no-rebase

# --- Two clones draft and approve at once, then merge ------------------------

as alice nearmiss-review draft -i ../inbox "$X"
ix=$(rid)
check "alice drafts X ($rc)" [ "$rc" -eq 0 ]
as bob nearmiss-review draft -i ../inbox "$Y"
iy=$(rid)
check "bob drafts Y at the same time ($rc)" [ "$rc" -eq 0 ]
check "two distinct ids ($ix, $iy)" \
    sh -c '[ -n "$1" ] && [ -n "$2" ] && [ "$1" != "$2" ]' sh "$ix" "$iy"
fill "$tmp/alice/review/content/reports/2026/$ix.md"
fill "$tmp/bob/review/content/reports/2026/$iy.md"
as alice nearmiss-review approve "content/reports/2026/$ix.md"
check "alice approves her draft ($rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$tmp/err" "$tmp/out" >&2
check "approve says what to run next" \
    grep -q "next: git pull, then git push" "$tmp/err"
as bob nearmiss-review approve "content/reports/2026/$iy.md"
check "bob approves his draft ($rc)" [ "$rc" -eq 0 ]
as alice git push -q
check "alice pushes first ($rc)" [ "$rc" -eq 0 ]
as bob git push -q
check "bob's push is refused: alice pushed first" [ "$rc" -ne 0 ]
as bob git pull -q --no-rebase
check "bob pulls: the merge has no conflict ($rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$tmp/out" "$tmp/err" >&2
check "... and leaves nothing unmerged" \
    [ -z "$(git -C "$tmp/bob/review" diff --name-only --diff-filter=U)" ]
check "... the receipts file has both drafts" sh -c \
    'grep -qx "$1 draft $2" "$4" && grep -qx "$3 draft $5" "$4"' sh \
    "$(h 1)" "$ix" "$(h 2)" "$tmp/bob/review/content/receipts" "$iy"
check "... both reports are there" \
    [ -f "$tmp/bob/review/content/reports/2026/$ix.md" ]
as bob git push -q
check "bob pushes after the pull ($rc)" [ "$rc" -eq 0 ]
as alice git pull -q --no-rebase
check "alice pulls bob's work ($rc)" [ "$rc" -eq 0 ]

# status: each draft's approvals, "approved 1/2".
as alice nearmiss-review status -i ../inbox
check "status: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "status: X approved 1/2" \
    grep -q "^  $X .*  approved  *1/2  $ix " "$tmp/out"
check_not "status: nothing of alice's is void yet" \
    grep -q "no longer counts" "$tmp/out"

# Both approve the other's report at once: the approvals files merge as
# sets of lines.
as alice nearmiss-review approve "content/reports/2026/$iy.md"
check "alice approves Y ($rc)" [ "$rc" -eq 0 ]
as bob nearmiss-review approve "content/reports/2026/$iy.md"
as bob nearmiss-review approve "content/reports/2026/$ix.md"
check "bob approves X at the same time ($rc)" [ "$rc" -eq 0 ]
as alice git push -q
as bob git pull -q --no-rebase
check "approvals of one report made at once merge ($rc)" [ "$rc" -eq 0 ]
check "... both lines are kept" [ "$(grep -c '' \
    "$tmp/bob/review/content/approvals/2026/$iy")" -eq 2 ]
as bob nearmiss-review status -i ../inbox
check "status: X and Y published once both approvals count" \
    grep -q "^4 items for bob: .*2 published" "$tmp/out"
as bob git push -q
as alice git pull -q --no-rebase

# --- An approval voided by the other reviewer's edit --------------------------

f=$tmp/bob/review/content/reports/2026/$ix.md
as bob git pull -q --no-rebase
sed 's/just in time/at the last moment/' "$f" >"$tmp/e" && cp "$tmp/e" "$f"
as bob nearmiss-review approve "content/reports/2026/$ix.md"
check "bob edits X and approves it again ($rc)" [ "$rc" -eq 0 ]
as bob git pull -q --no-rebase
as bob git push -q
as alice git pull -q --no-rebase
as alice nearmiss-review status -i ../inbox
check "status tells alice that her approval of X no longer counts" \
    sh -c 'sed -n "/no longer counts/,/^\$/p" "$1" | grep -q "$2"' sh \
    "$tmp/out" "$ix"
check "... and X is approved 1/2 again" \
    grep -q "^  $X .*  approved  *1/2  $ix " "$tmp/out"
as bob nearmiss-review status -i ../inbox
check_not "bob's approval of X counts: no such note for him" \
    grep -q "no longer counts" "$tmp/out"
as alice nearmiss-review show -i ../inbox "$X"
check "show tells alice too" \
    grep -q "^Yours: .*your approval no longer counts" "$tmp/out"
as bob nearmiss-review show -i ../inbox "$X"
check "show tells bob that his counts" \
    grep -q "^Yours: .*your approval counts" "$tmp/out"

# --- diff: what the draft changed, word by word -----------------------------

as alice nearmiss-review diff -i ../inbox "$X"
check "diff: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "diff: the edited words, removed and added" \
    grep -q "\[-just in time.-\] {+at the last moment.+}" "$tmp/out"
check "diff: a filled-in field" \
    grep -q '^published: \[-TODO .*-\] {+2026-04-03+}$' "$tmp/out"
check "diff: unchanged words as they are" \
    grep -q '^the shoulder at night, and the officer stepped back' "$tmp/out"
as alice nearmiss-review diff -i ../inbox "$W"
check "diff of an item not drafted: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... says so" grep -q "not drafted" "$tmp/err"
as alice nearmiss-review diff -i ../inbox ../x
check "diff of a bad id: exit 2 ($rc)" [ "$rc" -eq 2 ]
# Every word of both texts is in the script, in order: the old text is
# the script without {+...+}, the new one without [-...-].
as alice nearmiss-review diff -i ../inbox "$X"
sed 1,2d "$tmp/out" >"$tmp/script"
words() {
	tr -s ' \n\t' '\n\n\n' | sed '/^$/d'
}
# cut OPEN CLOSE: each line without its runs from OPEN to CLOSE.
cut_runs() {
	awk -v o="$1" -v c="$2" '{
		s = $0; out = ""
		while ((i = index(s, o)) > 0) {
			r = substr(s, i + 2)
			j = index(r, c)
			out = out substr(s, 1, i - 1)
			s = substr(r, j + 2)
		}
		print out s
	}'
}
cut_runs "{+" "+}" <"$tmp/script" | sed -e 's/\[-//g' -e 's/-\]//g' | words \
    >"$tmp/old"
cut_runs "[-" "-]" <"$tmp/script" | sed -e 's/{+//g' -e 's/+}//g' | words \
    >"$tmp/new"
words <"$f" >"$tmp/file"
check "diff: the new text is the report file, word for word" \
    cmp -s "$tmp/new" "$tmp/file"
check "diff: the old text has the submitter's words" \
    grep -qx "time." "$tmp/old"

# --- The receipts merge driver ----------------------------------------------

mr() {
	rc=0
	"$NMREVIEW" merge-receipts "$tmp/o" "$tmp/a" "$tmp/b" 2>"$tmp/err" ||
	    rc=$?
}
printf '%s received\n%s received\n%s received\n' "$(h 1)" "$(h 2)" \
    "$(h 3)" >"$tmp/o"
printf '%s draft 2026-11111\n%s received\n%s received\n' "$(h 1)" "$(h 2)" \
    "$(h 3)" >"$tmp/a"
printf '%s received\n%s rejected Sent twice\n%s received\n%s received\n' \
    "$(h 1)" "$(h 2)" "$(h 3)" "$(h 5)" >"$tmp/b"
mr
check "merge-receipts: neighbouring lines merge (exit $rc)" [ "$rc" -eq 0 ]
printf '%s draft 2026-11111\n%s rejected Sent twice\n' "$(h 1)" "$(h 2)" \
    >"$tmp/want"
printf '%s received\n%s received\n' "$(h 3)" "$(h 5)" >>"$tmp/want"
check "merge-receipts: both changes and the new line" cmp -s "$tmp/a" \
    "$tmp/want"
# Two decisions for one submission: a conflict, ours kept.
printf '%s received\n' "$(h 1)" >"$tmp/o"
printf '%s draft 2026-11111\n' "$(h 1)" >"$tmp/a"
printf '%s rejected\n' "$(h 1)" >"$tmp/b"
mr
check "merge-receipts: two decisions conflict (exit $rc)" [ "$rc" -eq 1 ]
check "... named" grep -q "$(h 1): \"draft 2026-11111\" here, \"rejected\"" \
    "$tmp/err"
# One id for two submissions (drafted at once, the one chance in 100,000).
printf '' >"$tmp/o"
printf '%s draft 2026-22222\n' "$(h 1)" >"$tmp/a"
printf '%s draft 2026-22222\n' "$(h 2)" >"$tmp/b"
mr
check "merge-receipts: one id for two submissions conflicts (exit $rc)" \
    [ "$rc" -eq 1 ]
check "... named" grep -q "report id 2026-22222 is given to two" "$tmp/err"
printf 'garbage\n' >"$tmp/b"
cp "$tmp/a" "$tmp/a.before"
mr
check "merge-receipts: a damaged side fails (exit $rc)" [ "$rc" -eq 1 ]
check "... and leaves ours alone" cmp -s "$tmp/a" "$tmp/a.before"
rc=0
"$NMREVIEW" merge-receipts "$tmp/o" "$tmp/a" 2>/dev/null || rc=$?
check "merge-receipts: two files are a usage error" [ "$rc" -eq 2 ]

# In git: alice rejects W while bob drafts it: the pull stops, named.
as alice git pull -q --no-rebase
as bob git pull -q --no-rebase
as alice nearmiss-review reject -i ../inbox "$W"
check "reject says what to run next" \
    grep -q "next: git pull, then git push" "$tmp/err"
as alice git push -q
as bob nearmiss-review draft -i ../inbox "$W"
check "draft commits the receipts line ($rc)" [ "$(git -C "$tmp/bob/review" \
    log -1 --format=%s)" = "receipts: a submission is drafted" ]
check "draft says what to run next" \
    grep -q "next: git pull, then git push" "$tmp/err"
as bob git pull -q --no-rebase
check "a submission decided differently in two clones: the pull stops" \
    [ "$rc" -ne 0 ]
check "... at the receipts file" \
    [ "$(git -C "$tmp/bob/review" diff --name-only --diff-filter=U)" = \
    content/receipts ]
check "... naming the submission" grep -q "$(h 3): \"draft " "$tmp/err"
as bob git merge --abort
as bob git reset -q --hard origin/main

# --- decided, then nearmiss-intake purge --decided ----------------------------

as alice git pull -q --no-rebase
as alice nearmiss-review decided -i ../inbox
check "decided: exit 0 ($rc)" [ "$rc" -eq 0 ]
sort "$tmp/out" >"$tmp/decided"
printf '%s\n%s\n%s\n' "$X" "$Y" "$W" | sort >"$tmp/want"
check "decided: the drafted (committed) and rejected items, only" \
    cmp -s "$tmp/decided" "$tmp/want"
# A draft only in the work tree is not decided yet.
as alice nearmiss-review draft -i ../inbox "$V"
as alice nearmiss-review decided -i ../inbox
check_not "decided: a draft not committed is not listed" \
    grep -q "$V" "$tmp/out"
cp -R "$tmp/inbox" "$tmp/host"
rc=0
"$NMINTAKE" purge -i "$tmp/host" --decided "$tmp/decided" 2>"$tmp/err" ||
    rc=$?
check "purge --decided: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "purge --decided: the decided items are gone" sh -c \
    '[ ! -e "$1/$2" ] && [ ! -e "$1/$3" ] && [ ! -e "$1/$4" ]' sh \
    "$tmp/host/new" "$X" "$Y" "$W"
check "purge --decided: the undecided one stays" [ -f "$tmp/host/new/$V" ]

finish together
