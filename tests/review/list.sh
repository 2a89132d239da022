#!/bin/sh
# Tests of nearmiss-review list, receive, reject, status and purge over
# an inbox made with nm-mkitem and a scratch content repository: the
# order (day received, then id), ages and the 10-day mark, duplicates,
# quarantined e-mails and attachments flagged, --json, and the states
# (new, received, draft, approved, published, rejected) that the receipts
# file, the report and its approvals (nm-sign) give; commits by the bot
# identity at midnight UTC; purge deleting only decided items.
# Run by tests/run.sh as:
#   env NMREVIEW=/abs/bin/nearmiss-review TOP=/abs/top sh list.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
unset NEARMISS_PASSPHRASE NEARMISS_KEY || :
B=$(dirname "$(dirname "$NMREVIEW")")
MKITEM=$B/tests/nm-mkitem
SIGN=$B/tests/nm-sign

run() {
	rc=0
	"$NMREVIEW" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
}

# h C: a receipt hash of 64 times the hex digit C.
h() {
	printf "%064d" 0 | tr 0 "$1"
}

# line ID: the line of list's output for item ID.
line() {
	grep "^$1 " "$tmp/out"
}

# --- keys, inbox, repository --------------------------------------------

"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" \
    >"$tmp/alice.pub" 2>/dev/null
"$NMREVIEW" keygen --no-passphrase bob -o "$tmp/bob.key" \
    >"$tmp/bob.pub" 2>/dev/null
cat "$tmp/alice.pub" "$tmp/bob.pub" >"$tmp/both"
mkdir "$tmp/inbox"
K="-K $tmp/alice.key -i $tmp/inbox"

repo=$tmp/repo
mkdir -p "$repo/content"
cp "$TOP/content/nearmiss.ini" "$repo/content/"
git -C "$repo" init -q
git -C "$repo" add content
git -C "$repo" -c user.name=t -c user.email=t@t commit -qm init

printf '%%PDF-1.4 a pdf\n' >"$tmp/a.pdf"
printf 'From: x\nSubject: y\n\nbody\n' >"$tmp/msg.eml"
mk() {
	"$MKITEM" -i "$tmp/inbox" "$@"
}
A=$(mk -R "$tmp/both" -d 2020-01-05 -H "$(h a)" -f title="Old pursuit" \
    -f incident_type=vehicle-pursuit -n "We chased a car onto the tracks.")
Bi=$(mk -R "$tmp/both" -d 2020-01-05 -H "$(h b)" -f title="Same day" \
    -f incident_type=robbery -n "Another one.")
C=$(mk -R "$tmp/both" -H "$(h c)" -f title="Old pursuit" \
    -f incident_type=vehicle-pursuit -n "We chased a car onto the tracks.")
D=$(mk -R "$tmp/both" -C email -H "$(h d)" -q \
    -a "message.eml:message/rfc822:$tmp/msg.eml")
E=$(mk -R "$tmp/both" -C email -d 2020-01-01 -H "$(h e)" \
    -f title="Two files" -n "See attached." \
    -a "report.pdf:application/pdf:$tmp/a.pdf" \
    -a "x:application/octet-stream:$tmp/msg.eml")
F=$(mk -R "$tmp/bob.pub" -H "$(h f)" -f title="Bob only" -n "x")
check "six items made" [ "$(ls "$tmp/inbox/new" | wc -l)" -eq 6 ]

# --- list, no repository ------------------------------------------------

cd "$tmp"
run list $K
check "list outside a repository: exit 0" [ "$rc" -eq 0 ]
check "list outside a repository: says why states are unknown" \
    grep -q "not a git repository: decisions are not shown" "$tmp/err"
check "list: a header" grep -q "^ID  *RECEIVED  *AGE  *CHAN  *TYPE  *STATE  *TITLE$" \
    "$tmp/out"
check "list: five items for alice" [ "$(grep -c '^[0-9a-f]\{32\} ' "$tmp/out")" -eq 5 ]
check_not "list: bob's item is not listed" grep -q "^$F " "$tmp/out"
check "list: states unknown" [ "$(grep -c ' unknown ' "$tmp/out")" -eq 5 ]
# Sorted by day, then by id.
grep '^[0-9a-f]\{32\} ' "$tmp/out" | awk '{ print $2, $1 }' >"$tmp/order"
check "list: sorted by day received, then id" sort -c "$tmp/order"
check "list: the oldest first" [ "$(head -n 1 "$tmp/order" | cut -d' ' -f2)" = "$E" ]
# Ages and the mark at or past the 10-day target.
ageE=$(( ($(date +%s) - $(date -d 2020-01-01 +%s)) / 86400 ))
check "list: age in days" line "$E" | grep -q " 2020-01-01  *$ageE! "
check "list: today's item is 0 days old, unmarked" \
    sh -c "grep '^$C ' '$tmp/out' | grep -q '  *0  '"
check "list: channel" sh -c "grep '^$E ' '$tmp/out' | grep -q ' email '"
check "list: incident type" sh -c "grep '^$A ' '$tmp/out' | grep -q ' vehicle-pursuit '"
check "list: title" sh -c "grep '^$A ' '$tmp/out' | grep -q 'Old pursuit\$'"
# Same content: each is flagged as a possible duplicate of the other (the
# day received cannot tell which came first), with the other's state.
check "list: a duplicate flagged, naming the other and its state" \
    sh -c "grep '^$C ' '$tmp/out' | grep -q '\[POSSIBLE DUPLICATE of $A (unknown)\] Old pursuit'"
check "list: ... and the other way round" \
    sh -c "grep '^$A ' '$tmp/out' | grep -q '\[POSSIBLE DUPLICATE of $C (unknown)\] Old pursuit'"
check "list: only those two" [ "$(grep -c DUPLICATE "$tmp/out")" -eq 2 ]
check "list: quarantined flagged" \
    sh -c "grep '^$D ' '$tmp/out' | grep -q '\[QUARANTINED\] (no title)'"
check "list: attachments counted" \
    sh -c "grep '^$E ' '$tmp/out' | grep -q '\[2 attachments\] Two files'"
run list -K "$tmp/bob.key" -i "$tmp/inbox"
check "list as bob: six items" [ "$(grep -c '^[0-9a-f]\{32\} ' "$tmp/out")" -eq 6 ]

# --json
run list $K --json
check "list --json: exit 0" [ "$rc" -eq 0 ]
if command -v node >/dev/null 2>&1; then
	check "list --json: valid JSON, five entries, the fields" node -e '
	    const a = JSON.parse(require("fs").readFileSync(process.argv[1]));
	    const by = Object.fromEntries(a.map(x => [x.id, x]));
	    const [A, C, D, E] = process.argv.slice(2);
	    if (a.length !== 5) process.exit(1);
	    if (by[C].duplicates.length !== 1 || by[C].duplicates[0].id !== A ||
	        by[A].duplicates[0].id !== C || by[A].duplicates[0].state !== "unknown" ||
	        by[E].duplicates.length !== 0) process.exit(2);
	    if (!by[D].quarantined || by[D].channel !== "email") process.exit(3);
	    if (by[E].attachments !== 2 || !by[E].late) process.exit(4);
	    if (by[A].title !== "Old pursuit" || by[A].incident_type !== "vehicle-pursuit") process.exit(5);
	    if (by[E].received !== "2020-01-01" || by[C].late) process.exit(6);
	    if (by[A].state !== "unknown") process.exit(7);
	    ' "$tmp/out" "$A" "$C" "$D" "$E"
else
	check "list --json: an array" grep -q '^\[{"id":' "$tmp/out"
fi
: >"$tmp/empty.pub"
mkdir -p "$tmp/emptybox/new"
run list -K "$tmp/alice.key" -i "$tmp/emptybox" --json
check "list --json on an empty inbox: []" [ "$(cat "$tmp/out")" = "[]" ]

# --- receive ------------------------------------------------------------

cd "$repo"
run list $K
check "list in the repository: all new" [ "$(grep -c ' new ' "$tmp/out")" -eq 5 ]
run receive $K
check "receive: exit 0" [ "$rc" -eq 0 ]
check "receive: counts" grep -q "^5 items newly received, 0 known already$" \
    "$tmp/out"
check "receive: five lines in the receipts file" \
    [ "$(grep -c ' received$' content/receipts)" -eq 5 ]
check "receive: sorted, with the items' hashes" [ "$(cut -c1 content/receipts |
    tr -d '\n')" = "abcde" ]
check "receive: committed" [ "$(git log --format=%s -1)" = \
    "receipts: 5 submissions received" ]
check "receive: by the bot" [ "$(git log --format='%an <%ae> %cn <%ce>' -1)" = \
    "nearmiss <nearmiss@invalid> nearmiss <nearmiss@invalid>" ]
check "receive: at midnight UTC" [ "$(git log --format='%ad' \
    --date=format-local:%H:%M:%S -1)" = "00:00:00" ]
check "receive: work tree clean" [ -z "$(git status --porcelain)" ]
n=$(git rev-list --count HEAD)
run receive $K
check "receive again: nothing new" grep -q "^0 items newly received, 5 known already$" \
    "$tmp/out"
check "receive again: no commit" [ "$(git rev-list --count HEAD)" -eq "$n" ]
run list $K
check "list: received" [ "$(grep -c ' received ' "$tmp/out")" -eq 5 ]
run receive -K "$tmp/alice.key"
check "receive without -i: exit 2" [ "$rc" -eq 2 ]
run receive $K -r "$tmp"
check "receive outside a repository: exit 1" [ "$rc" -eq 1 ]
run receive $K -p ../x
check "receive -p ../x: exit 1" [ "$rc" -eq 1 ]
check "receive -p ../x: refused" grep -q "refused" "$tmp/err"

# --- reject -------------------------------------------------------------

run reject $K --reason "Not a near miss" "$Bi"
check "reject: exit 0" [ "$rc" -eq 0 ]
check "reject: the line" grep -qx "$(h b) rejected Not a near miss" content/receipts
check "reject: committed" [ "$(git log --format=%s -1)" = \
    "receipts: a submission will not be published" ]
check "reject: work tree clean" [ -z "$(git status --porcelain)" ]
run list $K
check "list: rejected" sh -c "grep '^$Bi ' '$tmp/out' | grep -q ' rejected '"
check "list: a rejected item is not marked late" \
    sh -c "grep '^$Bi ' '$tmp/out' | grep -q '[0-9] *form'"
cp content/receipts "$tmp/receipts.before"
run reject $K --reason "$(printf 'two\nlines')" "$C"
check "reject, a reason with a newline: exit 1" [ "$rc" -eq 1 ]
check "reject, a reason with a newline: receipts unchanged" \
    cmp -s content/receipts "$tmp/receipts.before"
run reject $K "0123456789abcdef0123456789abcdef"
check "reject an unknown item: exit 1" [ "$rc" -eq 1 ]
check "reject an unknown item: says so" grep -q "no such item" "$tmp/err"
run reject $K "../../etc/passwd"
check "reject a bad id: exit 2" [ "$rc" -eq 2 ]
check "reject a bad id: says so" grep -q "not an item id" "$tmp/err"
run reject $K "$F"
check "reject another reviewer's item: exit 1" [ "$rc" -eq 1 ]
check "reject without a reason: no reason" \
    sh -c "'$NMREVIEW' reject $K '$D' >/dev/null 2>&1 &&
    grep -qx '$(h d) rejected' content/receipts"

# --- drafts and approvals -----------------------------------------------

# What draft (helper F) writes: the receipts entry and the report.
sed "s/^$(h a) received\$/$(h a) draft 2020-0001/" content/receipts \
    >"$tmp/r" && cp "$tmp/r" content/receipts
mkdir -p content/reports/2020
printf -- '---\nid: 2020-0001\ntitle: "Old pursuit"\n---\nText.\n' \
    >content/reports/2020/2020-0001.md
run list $K
check "list: draft" sh -c "grep '^$A ' '$tmp/out' | grep -q ' draft 2020-0001 '"
check "list: a draft past the target is marked" \
    sh -c "grep '^$A ' '$tmp/out' | grep -q '[0-9]! '"
"$SIGN" -r 1,2 -s 1 content
run list $K
check "list: one approval of two" \
    sh -c "grep '^$A ' '$tmp/out' | grep -q ' approved 1/2 2020-0001 '"
run status $K
check "status: exit 0" [ "$rc" -eq 0 ]
check "status: the counts" grep -qx \
    "5 items for alice: 2 received, 1 approved, 2 rejected" "$tmp/out"
check "status: undecided section" grep -qx "Undecided, oldest first (2):" "$tmp/out"
check "status: drafts section" grep -qx \
    "Drafts waiting for approval (1; 2 needed):" "$tmp/out"
check "status: the draft, approved 1/2" grep -q \
    "^  $A  2020-01-05 *[0-9]*!  approved  *1/2  2020-0001  *Old pursuit$" \
    "$tmp/out"
check_not "status: no approval of alice's is void" grep -q "no longer counts" \
    "$tmp/out"
check "status: past the target" grep -qx "At or past the 10-day target (2):" \
    "$tmp/out"
check "status: the oldest undecided first" [ "$(sed -n '/^Undecided/{n;p;}' \
    "$tmp/out" | cut -c3-34)" = "$E" ]
"$SIGN" -r 1,2 -s 1,2 content
run list $K
check "list: published" \
    sh -c "grep '^$A ' '$tmp/out' | grep -q ' published 2020-0001 '"
check "list: the new copy of a published item names it, published" \
    sh -c "grep '^$C ' '$tmp/out' | grep -q '\[POSSIBLE DUPLICATE of $A (published 2020-0001)\]'"
check "list: the published item is flagged too, with the copy's state" \
    sh -c "grep '^$A ' '$tmp/out' | grep -q ' published 2020-0001  *\[POSSIBLE DUPLICATE of $C (received)\]'"
check "list: a published item is not marked late" \
    sh -c "grep '^$A ' '$tmp/out' | grep -q '[0-9]  *form'"
# An edit voids the approvals.
printf 'Edited.\n' >>content/reports/2020/2020-0001.md
run list $K
check "list: edited after approval, a draft again" \
    sh -c "grep '^$A ' '$tmp/out' | grep -q ' draft 2020-0001 '"
"$SIGN" -r 1,2 -s 1,2 content
# min_approvals 1 makes one approval enough.
sed -e '/^min_approvals/d' -e 's/^\[site\]$/[site]\nmin_approvals = 1/' \
    content/nearmiss.ini >"$tmp/ini"
cp "$tmp/ini" content/nearmiss.ini
"$SIGN" -r 1,2 -s 2 content
run list $K
check "list: min_approvals = 1" \
    sh -c "grep '^$A ' '$tmp/out' | grep -q ' published 2020-0001 '"
run reject $K "$A"
check "reject a published item: exit 1" [ "$rc" -eq 1 ]
check "reject a published item: says so" \
    grep -q "already approved for publication as 2020-0001" "$tmp/err"

# --- purge --------------------------------------------------------------

run purge $K --dry-run
check "purge --dry-run: exit 0" [ "$rc" -eq 0 ]
check "purge --dry-run: three to purge" grep -qx "3 items to purge, 2 undecided kept" \
    "$tmp/out"
check "purge --dry-run: the published one" grep -qx \
    "would purge $A (published as 2020-0001)" "$tmp/out"
check "purge --dry-run: the rejected one" grep -qx "would purge $Bi (rejected)" \
    "$tmp/out"
check "purge --dry-run: nothing deleted" [ "$(ls "$tmp/inbox/new" | wc -l)" -eq 6 ]
run purge $K
check "purge: exit 0" [ "$rc" -eq 0 ]
check "purge: purged three" grep -qx "3 items purged, 2 undecided kept" "$tmp/out"
check "purge: the published item is gone" [ ! -e "$tmp/inbox/new/$A" ]
check "purge: the rejected items are gone" [ ! -e "$tmp/inbox/new/$Bi" ]
check "purge: the rejected items are gone (2)" [ ! -e "$tmp/inbox/new/$D" ]
check "purge: the undecided stay" [ -f "$tmp/inbox/new/$C" ]
check "purge: the undecided stay (2)" [ -f "$tmp/inbox/new/$E" ]
check "purge: another reviewer's item stays" [ -f "$tmp/inbox/new/$F" ]
run purge $K
check "purge again: nothing" grep -qx "0 items purged, 2 undecided kept" "$tmp/out"
cd "$tmp"
run purge $K
check "purge outside a repository: exit 1" [ "$rc" -eq 1 ]
check "purge outside a repository: nothing deleted" \
    [ "$(ls "$tmp/inbox/new" | wc -l)" -eq 3 ]

# --- usage --------------------------------------------------------------

for c in list status receive purge; do
	run "$c" -K "$tmp/alice.key"
	check "$c without -i: exit 2" [ "$rc" -eq 2 ]
	check "$c without -i: usage" grep -q "^usage: nearmiss-review $c" "$tmp/err"
	run "$c" $K extra
	check "$c with an argument: exit 2" [ "$rc" -eq 2 ]
	run "$c" --help
	check "$c --help: exit 0" [ "$rc" -eq 0 ]
done
run reject $K
check "reject without an id: exit 2" [ "$rc" -eq 2 ]
run list $K -r "$tmp/nowhere"
check "list -r a missing repository: exit 1" [ "$rc" -eq 1 ]
run list -K "$tmp/alice.key" -i "$tmp/nowhere"
check "list a missing inbox: exit 1" [ "$rc" -eq 1 ]
check "list a missing inbox: says so" \
    grep -q "nowhere/new: No such file or directory" "$tmp/err"

finish list
