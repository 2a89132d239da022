#!/bin/sh
# The times of the site: every file and folder nearmiss-gen writes has
# midnight UTC of the build day as its modification and access time, so
# that a web server's Last-Modified tells the day a page changed and not
# the second the build ran.  After a full build, all of them; after an
# incremental one (a report edited, one added, one removed), the files
# whose bytes changed and the folders that gained or lost an entry, while
# every unchanged file keeps the time it had; and again all of them after
# --full.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh ...
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

fix=$TOP/tests/gen/fixtures
theme=$TOP/themes/default
repo=$tmp/repo
out=$tmp/out
R=$repo/content/reports
# A time no build writes: 2000-01-01 00:00:00 UTC.
AGED=946684800

# --- helpers --------------------------------------------------------------

# build ARGS...: gen into $out; sets day0 and day1, midnight UTC before
# and after it (the same, unless the day changed meanwhile).
build() {
	day0=$(date -u -d 'today 00:00' +%s)
	gen -o "$out" "$@"
	day1=$(date -u -d 'today 00:00' +%s)
}

# times: every path under $out, "mtime atime path", one a line, in
# whole seconds when the time is one ("1796601600.0000000000" is not).
times_of() {
	(cd "$out" && find . -printf '%T@ %A@ %p\n') |
	    sed 's/\.0000000000 / /g' | sort -k 3 >"$tmp/times"
}

# all_today DESC [m]: every path under $out has the build day's time
# (with m the modification time only).
all_today() {
	times_of
	if awk -v a="$day0" -v b="$day1" -v m="${2:-}" '
	    { n++ }
	    ($1 != a && $1 != b) || (m == "" && $2 != a && $2 != b) {
		    bad++; if (bad <= 3) printf "%s %s %s|", $3, $1, $2 }
	    END { if (n < 20) print "only " n " paths"; exit bad || n < 20 }' \
	    "$tmp/times" >"$tmp/bad"; then
		ok
	else
		fail "$1: not the build day's time: $(cat "$tmp/bad")"
	fi
}

# mtime PATH: the modification time of $out/PATH, in seconds.
mtime() {
	stat -c %Y "$out/$1"
}

# today PATH: $out/PATH has the build day's modification time.
today() {
	[ "$(mtime "$1")" = "$day0" ] || [ "$(mtime "$1")" = "$day1" ]
}

# edit FILE SED-SCRIPT: edits a file in place (sed -i is not POSIX).
edit() {
	sed "$2" "$1" >"$tmp/edit"
	cat "$tmp/edit" >"$1"
}

# --- a full build ---------------------------------------------------------

git init -q "$repo"
cp -R "$fix/content" "$repo/content"
commit "fixture content"
build
check_rc "full build: exit 0" 0
check "full build: a full build" grep -q "full build" "$tmp/stderr"
# First, before anything reads a file and moves its access time.
all_today "full build: every file and folder, both times"
check "full build: a report page" today reports/2024-0003/index.html
check "full build: a folder" today reports/2024-0003
check "full build: the site's folder" today .
check "full build: the state file" today .nearmiss-state
check "full build: a static file of the theme" today style.css
check "full build: the status index" today status/index.json
check "full build: the search index" today search/index.json
check "full build: midnight, to the second" [ $(($(mtime index.html) % \
    86400)) -eq 0 ]

# --- an incremental build -------------------------------------------------

# Age every path, then edit one report, add one and remove one.
find "$out" -exec touch -h -d "@$AGED" {} +
(cd "$out" && find . -type f -exec cksum {} +) | sort -k 3 >"$tmp/before"
edit "$R/2024/2024-0003.md" 's/^It was raining hard/It was raining very hard/'
cat >"$R/2025/2025-0012.md" <<'EOF'
---
id: 2025-0012
title: "Second pursuit, called off in time"
event_date: 2025-07
published: 2025-08-01
incident_type: vehicle-pursuit
contributing_factors: [training]
loss_potential: minor-injury
summary: "A supervisor ended a pursuit before the junction."
---
The supervisor called it off.

## Lessons learned

- Supervisors can end a pursuit.
EOF
git -C "$repo" rm -q content/reports/2024/2024-0007.md
commit "edit, add, remove"
build
check_rc "incremental build: exit 0" 0
check "incremental build: an incremental build" grep -q "incremental" \
    "$tmp/stderr"
times_of
(cd "$out" && find . -type f -exec cksum {} +) | sort -k 3 >"$tmp/after"
# The files whose bytes changed, or that are new.
awk 'NR == FNR { old[$3] = $1 " " $2; next }
    old[$3] != $1 " " $2 { print $3 }' "$tmp/before" "$tmp/after" \
    >"$tmp/changed"
check "incremental build: some files changed" [ -s "$tmp/changed" ]
check "incremental build: not every file changed" [ \
    "$(grep -c '' "$tmp/changed")" -lt "$(grep -c '' "$tmp/after")" ]
awk -v a="$day0" -v b="$day1" -v old="$AGED" '
    NR == FNR { changed[$1] = 1; next }
    $1 != a && $1 != b && $1 != old { print "odd time: " $3 " " $1 }
    ($3 in changed) && $1 != a && $1 != b { print "changed, not today: " $3 }
    ' "$tmp/changed" "$tmp/times" >"$tmp/bad"
check "incremental build: no time but the build day's or the old one" \
    [ -z "$(grep '^odd' "$tmp/bad")" ]
check "incremental build: every changed file has the build day's time" \
    [ -z "$(grep '^changed' "$tmp/bad")" ]
# Files whose bytes did not change keep their time: it is the day they
# last changed that a web server tells.
awk -v old="$AGED" 'NR == FNR { changed[$1] = 1; next }
    !($3 in changed) && $1 != old { print $3 }' \
    "$tmp/changed" "$tmp/times" | while IFS= read -r p; do
	[ -d "$out/$p" ] || echo "$p"
done >"$tmp/bad"
check "incremental build: unchanged files keep their time" [ ! -s "$tmp/bad" ]
check "incremental build: the edited report's page" \
    today reports/2024-0003/index.html
check "incremental build: the new report's page" \
    today reports/2025-0012/index.html
check "incremental build: the new report's folder" today reports/2025-0012
check "incremental build: reports/, which gained and lost one" \
    today reports
check "incremental build: the site's folder" today .
check "incremental build: the state file" today .nearmiss-state
check "incremental build: the search index" today search/index.json
check "incremental build: an unchanged page kept its time" \
    [ "$(mtime about/index.html)" = "$AGED" ]
check_not "incremental build: the removed report is gone" \
    [ -e "$out/reports/2024-0007" ]

# --- --full ---------------------------------------------------------------

find "$out" -exec touch -h -d "@$AGED" {} +
build --full
check_rc "--full: exit 0" 0
all_today "--full: every file and folder" m

finish mtime
