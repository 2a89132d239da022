#!/bin/sh
# nearmiss-intake purge: retention by age, only item files, exit codes;
# --decided FILE: exactly the items FILE names, hostile FILE lines
# refused before anything is deleted, ids not found reported, nothing
# outside INBOX/new touched.
# Run by tests/run.sh as: env NMINTAKE=/abs/nearmiss-intake TOP=/abs sh purge.sh
set -eu
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
ib=$tmp/inbox
mkdir -p "$ib/new" "$ib/tmp"
chmod 700 "$ib" "$ib/new" "$ib/tmp"

# item AGE_DAYS: a fake item (purge looks at names and times only),
# stamped like inbox_put() does: midnight UTC of the day received.  Its
# name is left in $name (not echoed: the counter must not be in a
# subshell).
n=0
item() {
	n=$((n + 1))
	name=$(printf '%032x' "$n")
	: >"$ib/new/$name"
	touch -d "$(date -u -d "$1 days ago" +%Y-%m-%d) 00:00:00" \
	    "$ib/new/$name"
}

item 40; old1=$name
item 31; old2=$name
item 30; edge=$name
item 29; young=$name
item 0; today=$name
: >"$ib/new/README"
touch -d "2000-01-01" "$ib/new/README"

rc=0
"$NMINTAKE" purge -i "$ib" --days 30 2>"$tmp/err" || rc=$?
check "purge exits 0" [ "$rc" -eq 0 ]
check "40 days old: removed" [ ! -e "$ib/new/$old1" ]
check "31 days old: removed" [ ! -e "$ib/new/$old2" ]
check "30 days old: removed (at the limit)" [ ! -e "$ib/new/$edge" ]
check "29 days old: kept" [ -e "$ib/new/$young" ]
check "today: kept" [ -e "$ib/new/$today" ]
check "a file that is not an item: kept" [ -e "$ib/new/README" ]
check "reports the count" grep -q "3 items removed" "$tmp/err"

rc=0
"$NMINTAKE" purge -i "$ib" --days 0 2>"$tmp/err" || rc=$?
check "--days 0 exits 0" [ "$rc" -eq 0 ]
check "--days 0 removes the 29-day-old item" [ ! -e "$ib/new/$young" ]
check "--days 0 removes today's item" [ ! -e "$ib/new/$today" ]

for bad in "" "-1" "x" "5d" "99999999999"; do
	rc=0
	"$NMINTAKE" purge -i "$ib" --days "$bad" 2>/dev/null || rc=$?
	check "--days '$bad' is a usage error" [ "$rc" -eq 2 ]
done
rc=0
"$NMINTAKE" purge --days 3 2>/dev/null || rc=$?
check "no inbox: usage error" [ "$rc" -eq 2 ]
rc=0
"$NMINTAKE" purge -i "$tmp/missing" --days 3 2>/dev/null || rc=$?
check "missing inbox: exit 1" [ "$rc" -eq 1 ]
rc=0
"$NMINTAKE" nosuchcommand 2>/dev/null || rc=$?
check "unknown command: exit 2" [ "$rc" -eq 2 ]
check "--help exits 0" "$NMINTAKE" --help
check "--version exits 0" "$NMINTAKE" --version

# --- --decided FILE -----------------------------------------------------
rm -f "$ib/new/"*
item 1; d1=$name
item 2; d2=$name
item 3; keep=$name
item 4; d4=$name
: >"$tmp/outside"
gone=ffffffffffffffffffffffffffffffff
printf '%s\n%s\n%s\n' "$d1" "$gone" "$d2" >"$tmp/decided"
rc=0
"$NMINTAKE" purge -i "$ib" --decided "$tmp/decided" 2>"$tmp/err" || rc=$?
check "--decided: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "--decided: the first id deleted" [ ! -e "$ib/new/$d1" ]
check "--decided: the second id deleted" [ ! -e "$ib/new/$d2" ]
check "--decided: an item FILE does not name stays" [ -e "$ib/new/$keep" ]
check "--decided: an item FILE does not name stays (2)" [ -e "$ib/new/$d4" ]
check "--decided: an id not found is reported" \
    grep -q "$gone: not in $ib/new" "$tmp/err"
check "--decided: the counts" \
    grep -q "2 decided items removed, 1 not found" "$tmp/err"

# Hostile lines: nothing at all is deleted, and the line is named.
n0=$(ls "$ib/new" | wc -l)
ln -s "$tmp/outside" "$ib/new/$(printf '%032x' 99)"
for bad in "../$(printf '%030x' 0)" "$(printf '%032X' 43981)" "$keep " \
    " $keep" "$keep/" "$(printf '%031x' 4)" "$(printf '%033x' 4)" \
    "../outside" "/etc/passwd" "" "$keep$(printf '\r')"; do
	printf '%s\n%s\n' "$d4" "$bad" >"$tmp/decided"
	rc=0
	"$NMINTAKE" purge -i "$ib" --decided "$tmp/decided" 2>"$tmp/err" ||
	    rc=$?
	check "--decided, a line '$bad': exit 1 ($rc)" [ "$rc" -eq 1 ]
	check "--decided, a line '$bad': the line named" \
	    grep -q "decided:2: not an item id" "$tmp/err"
	check "--decided, a line '$bad': nothing deleted" \
	    sh -c '[ -e "$1" ] && [ "$(ls "$2" | wc -l)" -eq "$3" ]' sh \
	    "$ib/new/$d4" "$ib/new" $((n0 + 1))
done
printf '%s\0\n' "$(printf '%031x' 4)" >"$tmp/decided"
rc=0
"$NMINTAKE" purge -i "$ib" --decided "$tmp/decided" 2>/dev/null || rc=$?
check "--decided, a NUL byte: exit 1" [ "$rc" -eq 1 ]
# A symbolic link named like an item is not followed nor removed.
printf '%032x\n' 99 >"$tmp/decided"
rc=0
"$NMINTAKE" purge -i "$ib" --decided "$tmp/decided" 2>"$tmp/err" || rc=$?
check "--decided, a link: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "--decided, a link: left alone" [ -L "$ib/new/$(printf '%032x' 99)" ]
check "--decided, a link: its target too" [ -e "$tmp/outside" ]
check "--decided, a link: said" grep -q "not a regular file" "$tmp/err"
# No final newline; --days and --decided together.
printf '%s' "$d4" >"$tmp/decided"
rc=0
"$NMINTAKE" purge -i "$ib" --decided "$tmp/decided" --days 30 \
    2>"$tmp/err" || rc=$?
check "--decided and --days: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "--decided without a final newline: deleted" [ ! -e "$ib/new/$d4" ]
check "--decided and --days: young items stay" [ -e "$ib/new/$keep" ]
: >"$tmp/decided"
rc=0
"$NMINTAKE" purge -i "$ib" --decided "$tmp/decided" 2>"$tmp/err" || rc=$?
check "--decided, an empty FILE: exit 0, nothing deleted" \
    sh -c '[ "$1" -eq 0 ] && [ -e "$2" ]' sh "$rc" "$ib/new/$keep"
rc=0
"$NMINTAKE" purge -i "$ib" --decided "$tmp/nofile" 2>"$tmp/err" || rc=$?
check "--decided, a missing FILE: exit 1" [ "$rc" -eq 1 ]
rc=0
"$NMINTAKE" purge -i "$ib" 2>/dev/null || rc=$?
check "neither --days nor --decided: usage error" [ "$rc" -eq 2 ]

finish purge
