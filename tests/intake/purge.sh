#!/bin/sh
# nearmiss-intake purge: retention by age, only item files, exit codes.
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

finish purge
