#!/bin/sh
# nearmiss-review draft: the report file it writes into the work tree
# (front matter from the record, only taxonomy values, TODOs the report
# check rejects, narrative and lessons, never the contact or signature),
# the lint findings it prints, the receipts entry, report ids (made from
# the item, so that two clones never need to agree on a counter),
# refusing to overwrite, decided items, and path and id checks.
# Env: NMREVIEW (the program), TOP (the source tree).
set -eu
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C NEARMISS_DATA="$TOP/data"
unset NEARMISS_PASSPHRASE NEARMISS_KEY || :
B=$(dirname "$(dirname "$NMREVIEW")")
MKITEM=$B/tests/nm-mkitem
CHECK=$B/tests/nm-reportcheck

run() {
	rc=0
	"$NMREVIEW" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
}

# h C: a receipt hash of 64 times the hex digit C.
h() {
	printf "%064d" 0 | tr 0 "$1"
}

"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" \
    >"$tmp/alice.pub" 2>/dev/null
mkdir "$tmp/inbox"
repo=$tmp/repo
C=$repo/content
mkdir -p "$C"
cp "$TOP/content/nearmiss.ini" "$C/"
git -C "$repo" init -q
git -C "$repo" add content
git -C "$repo" -c user.name=t -c user.email=t@t commit -qm init
head=$(git -C "$repo" rev-parse HEAD)
K="-K $tmp/alice.key -i $tmp/inbox -r $repo"

mk() {
	"$MKITEM" -i "$tmp/inbox" -R "$tmp/alice.pub" "$@"
}

# --- A full record ------------------------------------------------------
A=$(mk -d 2026-03-05 -H "$(h a)" \
    -f title='Officer Dana Whitfield nearly hit on I-70' \
    -f event_date=2026-01 -f incident_type=traffic-stop \
    -f contributing_factors=communication,training \
    -f loss_potential=death -f officers_on_scene=2 -f time_of_day=night \
    -f lighting=dark -f weather=snow-or-ice -f agency_type=state-police \
    -f region=midwest \
    -f summary='A trooper "nearly" hit by a truck.
The driver was asleep.' \
    -n 'I stopped a pickup with plate KTR-4471 at night.
## Lessons learned
# Not a heading either
Sgt. Alvarez called me at 785-555-0142 afterwards.
---' \
    -l '- Park offset; stand on the passenger side.' \
    -c 'Call me: 555-0100 (Zebulon Quackenbush)' \
    -s '-- 
Xavier Signatureline')
# rid: the report id of the last draft's stdout.
rid() {
	sed -n 's/.* as report \([0-9a-z-]*\) (not committed)$/\1/p' "$tmp/out"
}

run draft $K "$A"
ida=$(rid)
f=$C/reports/2026/$ida.md
check "draft: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "the report id is the year received and five digits ($ida)" \
    sh -c 'echo "$1" | grep -qx "2026-[0-9]\{5\}"' sh "$ida"
check "the draft is reports/2026/ID.md" [ -f "$f" ]
check "stdout names the file and the report id" \
    grep -q "$ida.md: draft of item $A as report $ida" "$tmp/out"
for x in 'name: Officer Dana Whitfield' 'address: I-70' 'plate: KTR-4471' \
    'name: Sgt. Alvarez' 'phone: 785-555-0142'; do
	check "the lint finding \"$x\" is printed" \
	    grep -q "^$f:[0-9]*:[0-9]*: $x\$" "$tmp/out"
done
check "stderr counts the findings" \
    grep -q '^5 likely identifiers flagged above' "$tmp/err"
check "stderr shows the contact, as a reminder" \
    grep -q 'Zebulon Quackenbush' "$tmp/err"
check "stderr shows the signature, as a reminder" \
    grep -q 'Xavier Signatureline' "$tmp/err"
check_not "the draft has no contact details" \
    grep -q 'Quackenbush\|555-0100' "$f"
check_not "the draft has no signature" grep -q 'Signatureline' "$f"
check "the front matter has the id" grep -q "^id: $ida\$" "$f"
check "the title is quoted" \
    grep -qx 'title: "Officer Dana Whitfield nearly hit on I-70"' "$f"
check "the summary is escaped" grep -qF \
    'summary: "A trooper \"nearly\" hit by a truck.\nThe driver was asleep."' \
    "$f"
check "the factors are a list" \
    grep -qx 'contributing_factors: \[communication, training\]' "$f"
for x in 'event_date: 2026-01' 'incident_type: traffic-stop' \
    'loss_potential: death' 'officers_on_scene: 2' '  time_of_day: night' \
    '  lighting: dark' '  weather: snow-or-ice' 'agency_type: state-police' \
    'region: midwest'; do
	check "the front matter has \"$x\"" grep -qx "$x" "$f"
done
check "published is left TODO" grep -q '^published: TODO' "$f"
check "the narrative's heading lines are escaped" \
    grep -qx '\\## Lessons learned' "$f"
check "... all of them" grep -qx '\\# Not a heading either' "$f"
check "... and a setext underline" grep -qx '\\---' "$f"
check "one real Lessons learned section" \
    [ "$(grep -cx '## Lessons learned' "$f")" -eq 1 ]
check "the lessons follow it" \
    grep -qx -- '- Park offset; stand on the passenger side.' "$f"
check "the receipts file records the draft" \
    grep -qx "$(h a) draft $ida" "$C/receipts"
check "one commit: the receipts line" \
    [ "$(git -C "$repo" rev-parse HEAD~1)" = "$head" ]
check "... with the receipts file only" [ "$(git -C "$repo" diff-tree \
    --no-commit-id --name-only -r HEAD)" = content/receipts ]
check "... by the bot" [ "$(git -C "$repo" log -1 --format='%an %cn')" = \
    "nearmiss nearmiss" ]
check "... which holds the draft line" \
    sh -c 'git -C "$1" show HEAD:content/receipts | grep -qx "$2"' sh \
    "$repo" "$(h a) draft $ida"
check "... and says what to run next" \
    grep -q "next: git pull, then git push" "$tmp/err"
check "the draft itself is never committed: untracked" \
    sh -c 'git -C "$1" status --porcelain | grep -qx "?? content/reports/"' \
    sh "$repo"

# The report check rejects the unedited draft, and passes it once the
# reviewer has set the day of publication.
"$CHECK" "$C/nearmiss.ini" "$f" 2>"$tmp/check" && rc=0 || rc=$?
check "the unedited draft fails the report check" [ "$rc" -eq 1 ]
check "... because of published: TODO" grep -q 'published:' "$tmp/check"
cp "$f" "$tmp/edited.md"
sed -i 's/^published: TODO.*/published: 2026-03-10/' "$tmp/edited.md"
"$CHECK" "$C/nearmiss.ini" "$tmp/edited.md" 2>"$tmp/check" && rc=0 ||
    rc=$?
check "with published filled in it passes the report check ($rc)" \
    [ "$rc" -eq 0 ]
cat "$tmp/check"

# --- Drafting again: refused, or the same id when the file is gone ------
cp "$f" "$tmp/before"
run draft $K "$A"
check "drafting again: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "... says it is drafted already" grep -q "already drafted as $ida" \
    "$tmp/err"
check "... and leaves the draft alone" cmp -s "$f" "$tmp/before"
rm "$f"
run draft $K "$A"
check "a deleted draft is drafted again under its id" \
    sh -c '[ "$1" -eq 0 ] && [ -f "$2" ]' sh "$rc" "$f"
check "... still one receipts line" \
    [ "$(grep -c "^$(h a) " "$C/receipts")" -eq 1 ]

# --- A record with nothing usable: TODOs the check rejects -------------
# (A record holds only values lib/field.c accepts: terms are slugs, but
# may be outside this taxonomy.)
Bi=$(mk -d 2026-04-01 -H "$(h b)" -f incident_type=not-a-type \
    -f contributing_factors=bogus,other-bogus -n '')
run draft $K "$Bi"
g=$C/reports/2026/$(rid).md
check "an empty record is drafted (exit $rc)" \
    sh -c '[ "$1" -eq 0 ] && [ -f "$2" ]' sh "$rc" "$g"
for x in 'title: ""' 'event_date: TODO' 'incident_type: TODO' \
    'contributing_factors: \[TODO\]' 'loss_potential: TODO' 'summary: ""'; do
	check "placeholder \"$x\"" grep -q "^$x" "$g"
done
check "a TODO narrative" grep -q '^TODO: the narrative' "$g"
check "a TODO lesson" grep -q '^- TODO: the lessons learned' "$g"
check_not "values outside the taxonomy are left out" \
    grep -q 'not-a-type\|bogus' "$g"
check "the title's placeholder gives the limit in characters" grep -qx \
    'title: ""  # TODO: Title, one line, at most 200 characters' "$g"
check "... and the summary's" grep -qx \
    'summary: ""  # TODO: Summary, at most 1024 characters' "$g"
"$CHECK" "$C/nearmiss.ini" "$g" 2>"$tmp/check" && rc=0 || rc=$?
check "the report check rejects it" [ "$rc" -eq 1 ]
for x in 'title:' 'event_date:' 'published:' 'incident_type:' \
    'contributing_factors:' 'loss_potential:' 'summary:'; do
	check "... naming $x" grep -q "$x" "$tmp/check"
done
# The reviewer fills in every TODO.
sed -e 's/^title: .*/title: "A stop on a dark highway"/' \
    -e 's/^event_date: .*/event_date: 2026-02/' \
    -e 's/^published: .*/published: 2026-04-03/' \
    -e 's/^incident_type: .*/incident_type: traffic-stop/' \
    -e 's/^contributing_factors: .*/contributing_factors: [fatigue]/' \
    -e 's/^loss_potential: .*/loss_potential: death/' \
    -e 's/^summary: .*/summary: "A short summary."/' \
    -e 's/^TODO: the narrative.*/What happened, de-identified./' \
    -e 's/^- TODO: the lessons.*/- One lesson./' "$g" >"$tmp/filled.md"
"$CHECK" "$C/nearmiss.ini" "$tmp/filled.md" 2>"$tmp/check" && rc=0 ||
    rc=$?
check "filled in, it passes the report check ($rc)" [ "$rc" -eq 0 ]
cat "$tmp/check"
"$NMREVIEW" lint "$tmp/filled.md" >/dev/null 2>&1 && rc=0 || rc=$?
check "... and the lint ($rc)" [ "$rc" -eq 0 ]

# --- Values as lib/field.c reads them ----------------------------------
# Officers "007" is written 7; a title of 200 characters of two bytes each
# is kept (it was more than 200 bytes); known factors are kept, unknown
# ones dropped; an optional field the taxonomy does not know is left out.
t200=$(printf '%0200d' 0 | sed 's/0/\xc3\xa9/g')
t200=$(printf "$t200")
Hi=$(mk -d 2026-07-01 -H "$(h 2)" -f title="$t200" -f officers_on_scene=007 \
    -f contributing_factors=nope,fatigue,nope2,training \
    -f region=atlantis -f event_date=2026-06 -n 'Text.')
run draft $K "$Hi"
gh=$C/reports/2026/$(sed -n 's/.* as report \([0-9-]*\) .*/\1/p' "$tmp/out").md
check "a record with officers 007: drafted ($rc)" \
    sh -c '[ "$1" -eq 0 ] && [ -f "$2" ]' sh "$rc" "$gh"
check "officers_on_scene: 7" grep -qx 'officers_on_scene: 7' "$gh"
check "a 200-character title of 400 bytes is kept" \
    grep -qx "title: \"$t200\"" "$gh"
check "the known factors" \
    grep -qx 'contributing_factors: \[fatigue, training\]' "$gh"
check_not "an unknown optional term is left out" grep -q 'region' "$gh"
check "event_date kept" grep -qx 'event_date: 2026-06' "$gh"

# A record with only a narrative and consent, as the form allows: the
# draft is valid YAML whose every required field is a TODO the report
# check names (and no YAML error).
Ii=$(mk -d 2026-07-02 -H "$(h 3)" -n 'Only a narrative.')
run draft $K "$Ii"
gi=$C/reports/2026/$(sed -n 's/.* as report \([0-9-]*\) .*/\1/p' "$tmp/out").md
check "a narrative-only record: drafted ($rc)" \
    sh -c '[ "$1" -eq 0 ] && [ -f "$2" ]' sh "$rc" "$gi"
"$CHECK" "$C/nearmiss.ini" "$gi" 2>"$tmp/check" && rc=0 || rc=$?
check "... the report check rejects it ($rc)" [ "$rc" -eq 1 ]
check_not "... with no YAML error" grep -q 'front matter' "$tmp/check"
for x in 'title: must be' 'event_date: ' 'published: ' 'incident_type: ' \
    'contributing_factors: ' 'loss_potential: ' 'summary: must be'; do
	check "... naming $x" grep -q ":[0-9]*: $x" "$tmp/check"
done
check "... one message per required field" \
    [ "$(grep -c '' "$tmp/check")" -eq 7 ]
check_not "... and no optional field" \
    grep -q 'officers\|environment\|agency\|region' "$gi"
cat "$tmp/check"

# --- Report ids ----------------------------------------------------------
# The id comes from the item (a hash of its id, receipt and content), so
# the same item gets the same id in every clone, two items two ids.  An
# id taken in the work tree (a report file, an approvals file, a draft
# entry of the receipts file) gets one digit more: the same number with
# one more digit in front.
mkdir -p "$C/reports/2026" "$C/approvals/2026"
: >"$C/reports/2026/notes.md"
Ci=$(mk -d 2026-05-01 -H "$(h c)" -n 'Text.')
cp -R "$repo" "$tmp/clone"
run draft -K "$tmp/alice.key" -i "$tmp/inbox" -r "$tmp/clone" "$Ci"
idc=$(rid)
check "a clone gives the item the same id as this work tree" \
    sh -c '"$1" draft $2 "$3" >"$4" 2>/dev/null &&
    grep -q "as report $5 " "$4"' sh "$NMREVIEW" "$K" "$Ci" "$tmp/out2" "$idc"
check "two items, two ids" [ "$idc" != "$ida" ]
rm -rf "$tmp/clone"
# Take idc back: the receipts entry says "received" again, the file goes.
rm "$C/reports/2026/$idc.md"
sed "s/^$(h c) draft .*/$(h c) received/" "$C/receipts" >"$tmp/r" &&
    cp "$tmp/r" "$C/receipts"
for taken in report approvals receipts; do
	case $taken in
	report)		: >"$C/reports/2026/$idc.md" ;;
	approvals)	: >"$C/approvals/2026/$idc" ;;
	receipts)
		printf '%s draft %s\n' "$(h 0)" "$idc" >"$tmp/r"
		cat "$tmp/r" "$C/receipts" | sort >"$tmp/r2"
		cp "$tmp/r2" "$C/receipts" ;;
	esac
	run draft $K "$Ci"
	idt=$(rid)
	check "an id taken by a $taken file gets a sixth digit ($idc, $idt)" \
	    sh -c 'echo "$1" | grep -qx "2026-[0-9]${2#2026-}"' sh "$idt" "$idc"
	rm -f "$C/reports/2026/$idt.md"
	sed "s/^$(h c) draft .*/$(h c) received/" "$C/receipts" >"$tmp/r" &&
	    cp "$tmp/r" "$C/receipts"
	rm -f "$C/reports/2026/$idc.md" "$C/approvals/2026/$idc"
	grep -v "^$(h 0) " "$C/receipts" >"$tmp/r" || :
	cp "$tmp/r" "$C/receipts"
done
run draft $K "$Ci"
check "free again, the item gets its five-digit id back" [ "$(rid)" = "$idc" ]
Di=$(mk -d 2026-06-01 -H "$(h d)" -n 'Text.')
run draft $K "$Di"
Ei=$(mk -d 2025-12-31 -H "$(h e)" -n 'Text.')
run draft $K "$Ei"
check "the year is the day received's: 2025-" \
    [ -f "$C/reports/2025/$(rid).md" ]
check "receipts: one line per drafted item" \
    [ "$(grep -c ' draft ' "$C/receipts")" -eq 7 ]

# --- Refusals -----------------------------------------------------------
# A rejected item is not drafted.
Fi=$(mk -d 2026-06-02 -H "$(h f)" -n 'Text.')
printf '%s rejected\n' "$(h f)" >>"$C/receipts"
sort "$C/receipts" >"$tmp/r3" && cp "$tmp/r3" "$C/receipts"
run draft $K "$Fi"
check "a rejected item: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "... says so" grep -q 'rejected' "$tmp/err"
# A file in the way (a dangling link where the receipts file says the
# item's draft is) is not overwritten.
Gi=$(mk -d 2026-06-03 -H "$(h 1)" -n 'Text.')
printf '%s draft 2026-0020\n' "$(h 1)" >>"$C/receipts"
sort "$C/receipts" >"$tmp/r3" && cp "$tmp/r3" "$C/receipts"
ln -s "$tmp/nowhere" "$C/reports/2026/2026-0020.md"
run draft $K "$Gi"
check "a link at the target: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "... says why" grep -q "symbolic link; refused" "$tmp/err"
check "... not followed" [ ! -e "$tmp/nowhere" ]
rm "$C/reports/2026/2026-0020.md"

# Ids and paths are checked before anything is opened.
run draft $K '../../etc/passwd'
check "a bad item id: exit 2 (got $rc)" [ "$rc" -eq 2 ]
run draft $K 0123456789abcdef0123456789abcdef
check "an unknown item: exit 1 (got $rc)" [ "$rc" -eq 1 ]
for p in ../outside /abs .git content/../.. 'con/.git/x'; do
	run draft $K -p "$p" "$Gi"
	check "-p $p is refused (exit $rc)" [ "$rc" -eq 1 ]
done
check_not "nothing was written outside" [ -e "$tmp/outside" ]
mkdir "$tmp/plain"
run draft -K "$tmp/alice.key" -i "$tmp/inbox" -r "$tmp/plain" "$Gi"
check "not a repository: exit 1 (got $rc)" [ "$rc" -eq 1 ]
mkdir -p "$repo/other"
run draft $K -p other "$Gi"
check "a content folder without nearmiss.ini: exit 1 (got $rc)" \
    [ "$rc" -eq 1 ]
check "... says so" grep -q 'nearmiss.ini' "$tmp/err"
run draft -K "$tmp/alice.key" -r "$repo" "$Gi"
check "no inbox: usage, exit 2 (got $rc)" [ "$rc" -eq 2 ]
run draft $K
check "no item: usage, exit 2 (got $rc)" [ "$rc" -eq 2 ]
run draft -h
check "-h: exit 0" [ "$rc" -eq 0 ]
check "the item is drafted in the end, under its id" sh -c \
    '"$1" draft $2 "$3" >/dev/null 2>&1 && [ -f "$4" ]' sh "$NMREVIEW" \
    "$K" "$Gi" "$C/reports/2026/2026-0020.md"

finish draft
