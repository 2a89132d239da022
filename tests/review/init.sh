#!/bin/sh
# Tests of nearmiss-review init: the new content repository (every starting
# file, one commit by the bot identity on main, a clean work tree, the
# settings all present and commented, the demo's taxonomy, the union merge
# of approvals files), a site that nearmiss-gen builds from it as it is,
# the refusals that leave an existing folder or repository untouched and
# nothing behind, the commands of README.md "Set up your own archive" run
# literally, and a report approved against the new taxonomy and
# published.
# Run by tests/run.sh as:
#   env NMREVIEW=/abs/bin/nearmiss-review TOP=/abs/top sh init.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset NEARMISS_KEY NEARMISS_PASSPHRASE
umask 022
mkdir "$HOME"

NMGEN=${NMGEN:-$(dirname "$NMREVIEW")/nearmiss-gen}
STARTING=".gitattributes
content/nearmiss.ini
content/pages/about.md
content/pages/privacy.md
content/pages/submit.md
content/receipts
content/reviewers"

# --- helpers --------------------------------------------------------------

# run ARGS...: runs the program in $tmp; sets rc, leaves the output in
# $tmp/out and $tmp/err.
run() {
	rc=0
	(cd "$tmp" && "$NMREVIEW" "$@") >"$tmp/out" 2>"$tmp/err" || rc=$?
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

# has DESC FILE FIXED-STRING: FILE contains the string.
has() {
	if grep -qF -- "$3" "$2"; then
		ok
	else
		fail "$1 (expected \"$3\" in $2, got: $(head -n 3 "$2" |
		    tr '\n' '|'))"
	fi
}

# leftovers: the temporary folders init left in $tmp (none expected).
leftovers() {
	find "$tmp" -maxdepth 1 -name '*.tmp-*' | wc -l | tr -d ' '
}

# bot REPO: HEAD is by the bot, as author and committer, at 00:00:00 UTC
# of today (or of the day before, if the day changed meanwhile).
bot() {
	set -- "$(git -C "$1" log -1 --format='%an <%ae>|%cn <%ce>')" \
	    "$(git -C "$1" log -1 --date=iso-strict-local --format='%ad|%cd')"
	[ "$1" = "nearmiss <nearmiss@invalid>|nearmiss <nearmiss@invalid>" ] ||
	    return 1
	[ "$2" = "${today}T00:00:00+00:00|${today}T00:00:00+00:00" ] ||
	    [ "$2" = "${yesterday}T00:00:00+00:00|${yesterday}T00:00:00+00:00" ]
}

# clean REPO: nothing to commit, nothing untracked.
clean() {
	[ -z "$(git -C "$1" status --porcelain --untracked-files=all)" ]
}

# commented FILE: every setting of [site] follows a comment line.
commented() {
	awk '/^\[/ { site = ($0 == "[site]") }
	    site && /^[a-z_]+ =/ && prev !~ /^;/ { bad = 1; print }
	    { prev = $0 } END { exit bad }' "$1"
}

# taxonomy FILE: the sections and values after [site], without comments.
taxonomy() {
	awk '/^\[/ { keep = ($0 != "[site]" &&
	    $0 != "[report_of_the_week]") } keep && !/^;/ && NF' "$1"
}

# --- a new archive --------------------------------------------------------

yesterday=$(date -u +%Y-%m-%d)
new=$tmp/new
run init "$new"
today=$(date -u +%Y-%m-%d)
[ "$today" = "$yesterday" ] || yesterday=$(date -u -d yesterday +%Y-%m-%d)
check_rc "new archive: exit 0" 0
for f in $STARTING; do
	check "new archive: $f is a file" [ -f "$new/$f" ]
done
check "new archive: the starting files are tracked, and only they" [ \
    "$(git -C "$new" ls-files)" = "$STARTING" ]
check "new archive: the reviewers file lists nobody yet" \
    sh -c '! grep -qv "^#" "$1"' sh "$new/content/reviewers"
check "new archive: receipts is empty" [ ! -s "$new/content/receipts" ]
check "new archive: one commit" \
    [ "$(git -C "$new" rev-list --count HEAD)" -eq 1 ]
check "new archive: by the bot, at midnight UTC" bot "$new"
check "new archive: work tree clean" clean "$new"
check "new archive: on branch main" \
    [ "$(git -C "$new" symbolic-ref HEAD)" = refs/heads/main ]
check "new archive: git log shows the commit" sh -c \
    'git -C "$1" log | grep -q "Start the archive"' sh "$new"
check "new archive: git fsck --strict" sh -c \
    'git -C "$1" fsck --strict --no-progress >/dev/null 2>&1' sh "$new"
check "new archive: not bare" \
    [ "$(git -C "$new" rev-parse --is-bare-repository)" = false ]
check "new archive: no temporary folder left" [ "$(leftovers)" -eq 0 ]
check "new archive: folder mode 0755" \
    [ "$(ls -ld "$new" | cut -c1-10)" = drwxr-xr-x ]
ini=$new/content/nearmiss.ini
for k in title description base_url intake_url intake_email language \
    per_page feed_items home_items min_approvals min_count data_licence \
    data_licence_url; do
	check "nearmiss.ini: [site] $k is set" grep -q "^$k =" "$ini"
done
check "nearmiss.ini: every setting has a comment above it" commented "$ini"
check "nearmiss.ini: min_approvals is the two-person rule" \
    grep -qx "min_approvals = 2" "$ini"
taxonomy "$TOP/content/nearmiss.ini" >"$tmp/demo.tax"
taxonomy "$ini" >"$tmp/new.tax"
check "nearmiss.ini: the demo's taxonomy and synonyms" \
    cmp -s "$tmp/demo.tax" "$tmp/new.tax"
check "nearmiss.ini: no line over 197 bytes" [ \
    "$(awk 'length > 197' "$ini" | wc -l)" -eq 0 ]
check "gitattributes: approvals files merge as a union" [ "$(git -C "$new" \
    check-attr merge -- content/approvals/2026/2026-0001)" = \
    "content/approvals/2026/2026-0001: merge: union" ]
check "gitattributes: receipts is merged by merge-receipts" [ "$(git -C \
    "$new" check-attr merge -- content/receipts)" = \
    "content/receipts: merge: nearmiss-receipts" ]
for p in about submit privacy; do
	check "pages/$p.md: starts with a level-one heading" \
	    grep -q '^# [A-Z]' "$new/content/pages/$p.md"
done
check "privacy page: the 30-day promise the next steps name" \
    grep -q "no later than 30 days" "$new/content/pages/privacy.md"

# The next steps, with the folder in every command.
has "next steps: keygen" "$tmp/out" \
    "nearmiss-review keygen NAME -o ~/.nearmiss/NAME.key > NAME.pub"
has "next steps: the reviewers file" "$tmp/out" \
    "public line to $new/content/reviewers"
has "next steps: the intake host's recipients file" "$tmp/out" \
    "recipients file"
has "next steps: nearmiss.ini to the intake host's -t" "$tmp/out" \
    "Copy $new/content/nearmiss.ini to the intake host"
has "next steps: the commit" "$tmp/out" "git -C $new add -A"
has "next steps: the gen command" "$tmp/out" "nearmiss-gen -r $new -o site"
check "next steps: nothing on stderr" [ ! -s "$tmp/err" ]

# nearmiss-gen builds it as it is.
rc=0
"$NMGEN" -r "$new" -t "$TOP/themes/default" --no-sync -o "$tmp/site0" \
    >"$tmp/out" 2>"$tmp/err" || rc=$?
check_rc "gen on the new archive: exit 0" 0
for f in index.html about/index.html submit/index.html privacy/index.html \
    search/index.html status/index.html; do
	check "gen on the new archive: $f" [ -s "$tmp/site0/$f" ]
done
has "gen on the new archive: the title of nearmiss.ini" \
    "$tmp/site0/index.html" "Near Miss Archive"
has "gen on the new archive: warns that no reviewer is listed" \
    "$tmp/err" "content/reviewers: lists no reviewer yet"

# A folder named with spaces and quotes: the printed commands quote it.
run init "it's here"
check_rc "odd name: exit 0" 0
has "odd name: quoted for the shell" "$tmp/out" \
    "nearmiss-gen -r 'it'\\''s here' -o site"
check "odd name: made" [ -f "$tmp/it's here/content/nearmiss.ini" ]

# Nothing is read from the source tree or beside the program: a copy of
# it elsewhere, run from elsewhere, makes the same files.
mkdir "$tmp/bin"
cp "$NMREVIEW" "$tmp/bin/nearmiss-review"
rc=0
(cd / && "$tmp/bin/nearmiss-review" init "$tmp/copy") >"$tmp/out" \
    2>"$tmp/err" || rc=$?
check_rc "a copy of the program elsewhere: exit 0" 0
check "a copy of the program elsewhere: the same files" \
    diff -r -x .git "$new" "$tmp/copy"

# --- refusals -------------------------------------------------------------

mkdir "$tmp/full"
echo "keep me" >"$tmp/full/notes.txt"
snapshot "$tmp/full" >"$tmp/before"
run init "$tmp/full"
check_rc "non-empty folder: exit 1" 1
has "non-empty folder: said so" "$tmp/err" "$tmp/full: exists and is not empty"
snapshot "$tmp/full" >"$tmp/after"
check "non-empty folder: untouched" cmp -s "$tmp/before" "$tmp/after"
check "non-empty folder: no temporary folder left" [ "$(leftovers)" -eq 0 ]

git init -q "$tmp/repo"
echo "x" >"$tmp/repo/x"
git -C "$tmp/repo" add x
git -C "$tmp/repo" -c user.name=t -c user.email=t@example.invalid \
    commit -q -m x
head0=$(git -C "$tmp/repo" rev-parse HEAD)
snapshot "$tmp/repo" >"$tmp/before"
run init "$tmp/repo"
check_rc "existing repository: exit 1" 1
has "existing repository: said so" "$tmp/err" \
    "$tmp/repo: already a git repository"
snapshot "$tmp/repo" >"$tmp/after"
check "existing repository: untouched" cmp -s "$tmp/before" "$tmp/after"
check "existing repository: HEAD unchanged" \
    [ "$(git -C "$tmp/repo" rev-parse HEAD)" = "$head0" ]

git init -q --bare "$tmp/bare.git"
snapshot "$tmp/bare.git" >"$tmp/before"
run init "$tmp/bare.git"
check_rc "bare repository: exit 1" 1
has "bare repository: said so" "$tmp/err" \
    "$tmp/bare.git: already a git repository"
snapshot "$tmp/bare.git" >"$tmp/after"
check "bare repository: untouched" cmp -s "$tmp/before" "$tmp/after"

# The work tree of a repository whose .git is elsewhere (a .git file).
mkdir "$tmp/linked"
echo "gitdir: $tmp/repo/.git" >"$tmp/linked/.git"
run init "$tmp/linked"
check_rc "a .git file: exit 1" 1
check "a .git file: kept" [ -f "$tmp/linked/.git" ]

echo "a file" >"$tmp/afile"
run init "$tmp/afile"
check_rc "a file: exit 1" 1
has "a file: said so" "$tmp/err" "$tmp/afile: exists and is not a folder"
check "a file: untouched" [ "$(cat "$tmp/afile")" = "a file" ]

ln -s "$tmp/nowhere" "$tmp/link"
run init "$tmp/link"
check_rc "a symbolic link: exit 1" 1
check "a symbolic link: nothing made at its target" [ ! -e "$tmp/nowhere" ]

run init "$tmp/no/such/parent"
check_rc "missing parent folder: exit 1" 1
check "missing parent folder: nothing made" [ ! -e "$tmp/no" ]
check "missing parent folder: no temporary folder left" \
    [ "$(leftovers)" -eq 0 ]

# A failure after some files are written: the paths inside the temporary
# folder grow past PATH_MAX (4096) while the folder itself fits.
deep=$tmp/deep
d=$deep
c=$(printf '%0200d' 0)
while [ "${#d}" -lt 3840 ]; do
	d=$d/$c
done
d=$d/$(printf '%0*d' $((4060 - ${#d} - 1)) 0)
mkdir -p "$d"
run init "$d/x"
check_rc "a path too long for the files: exit 1" 1
has "a path too long for the files: said so" "$tmp/err" \
    "File name too long"
check "a path too long for the files: nothing left beside it" \
    [ -z "$(ls -A "$d")" ]

mkdir "$tmp/empty"
run init "$tmp/empty/"
check_rc "an empty folder, with a slash: exit 0" 0
check "an empty folder: now the archive" \
    [ "$(git -C "$tmp/empty" ls-files)" = "$STARTING" ]
check "an empty folder: work tree clean" clean "$tmp/empty"

run init
check_rc "no folder: usage, exit 2" 2
run init a b
check_rc "two folders: usage, exit 2" 2
run init ..
check_rc "\"..\": exit 2" 2
run init -h
check_rc "-h: exit 0" 0
has "-h: the usage" "$tmp/out" "usage: nearmiss-review init DIR"

# --- README.md "Set up your own archive", literally -----------------------

readme_section "Set up your own archive" >"$tmp/readme.sh"
for w in "nearmiss-review init " "nearmiss-review keygen " \
    "/content/reviewers" "git -C " "nearmiss-gen -r "; do
	has "README: the section has \"$w\"" "$tmp/readme.sh" "$w"
done
work=$tmp/work
mkdir "$work"
# As in a source checkout: gen finds themes/default where it runs.
ln -s "$TOP/themes" "$work/themes"
rc=0
(cd "$work" && PATH=$(dirname "$NMREVIEW"):$PATH \
    NEARMISS_PASSPHRASE="correct horse battery staple" \
    sh -eu "$tmp/readme.sh") >"$tmp/out" 2>"$tmp/err" || rc=$?
check_rc "README: every command succeeds" 0
arch=$(awk '$1 == "nearmiss-review" && $2 == "init" { print $3; exit }' \
    "$tmp/readme.sh")
arch=$work/$arch
check "README: the archive is made" [ -f "$arch/content/nearmiss.ini" ]
key=$(find "$HOME/.nearmiss" -name '*.key' | head -n 1)
check "README: the secret key is in ~/.nearmiss" [ -f "$key" ]
check "README: the secret key is private" \
    [ "$(ls -l "$key" | cut -c1-10)" = "-rw-------" ]
pub=$(find "$work" -maxdepth 1 -name '*.pub' | head -n 1)
check "README: the public line is in the reviewers file" \
    grep -qxF "$(cat "$pub")" "$arch/content/reviewers"
check "README: two commits" \
    [ "$(git -C "$arch" rev-list --count HEAD)" -eq 2 ]
check "README: the reviewers file is committed" \
    git -C "$arch" cat-file -e HEAD:content/reviewers
check "README: committed by the bot" [ \
    "$(git -C "$arch" log -1 --format='%an <%ae>|%cn <%ce>')" = \
    "nearmiss <nearmiss@invalid>|nearmiss <nearmiss@invalid>" ]
check "README: work tree clean" clean "$arch"
check "README: the site's front page" [ -s "$work/site/index.html" ]
check "README: the site's privacy page" [ -s "$work/site/privacy/index.html" ]
check "README: gen no longer misses the reviewers" \
    sh -c '! grep -q "reviewers: lists no reviewer" "$1"' sh "$tmp/err"

# --- a report, against the new taxonomy -----------------------------------

"$NMREVIEW" keygen --no-passphrase bob -o "$tmp/bob.key" >"$tmp/bob.pub" \
    2>/dev/null
cat "$tmp/bob.pub" >>"$arch/content/reviewers"
git -C "$arch" add -A
git -C "$arch" -c user.name=nearmiss -c user.email=nearmiss@invalid \
    commit -q -m "Add reviewer bob"
mkdir -p "$arch/content/reports/2026"
rep=content/reports/2026/2026-0001.md
# Every list field, from the sections of the new nearmiss.ini.
cat >"$arch/$rep" <<'EOF'
---
id: 2026-0001
title: "A close call at a junction"
event_date: 2025-11
published: 2026-01-15
incident_type: vehicle-pursuit
contributing_factors: [decision-making, communication]
loss_potential: death
officers_on_scene: 2
environment:
  time_of_day: night
  lighting: artificial
  weather: rain
agency_type: municipal-police
region: midwest
summary: "An officer nearly hit a bus while following a car."
---
The car ran the light and the officer followed it into the junction.

## Lessons learned

- Stop at red lights, even in a pursuit.
EOF
rc=0
(cd "$work" && "$NMREVIEW" lint "$arch/$rep") >"$tmp/out" 2>"$tmp/err" ||
    rc=$?
check_rc "report: lint finds nothing" 0
rc=0
(cd "$work" && NEARMISS_PASSPHRASE="correct horse battery staple" \
    "$NMREVIEW" approve -K "$key" -r "$arch" "$arch/$rep") \
    >"$tmp/out" 2>"$tmp/err" || rc=$?
check_rc "report: the first approval" 0
rc=0
(cd "$work" && "$NMREVIEW" approve -K "$tmp/bob.key" -r "$arch" \
    "$arch/$rep") >"$tmp/out" 2>"$tmp/err" || rc=$?
check_rc "report: the second approval" 0
has "report: publishable" "$tmp/out" "meets min_approvals (2)"
check "report: work tree clean" clean "$arch"
rc=0
(cd "$work" && "$NMGEN" -r "$arch" -o site) >"$tmp/out" 2>"$tmp/err" ||
    rc=$?
check_rc "report: gen exit 0" 0
check "report: published" [ -s "$work/site/reports/2026-0001/index.html" ]
check "report: its region page" \
    [ -s "$work/site/region/midwest/index.html" ]

# A value the taxonomy lacks is refused.
sed 's/^region: midwest$/region: atlantis/; s/2026-0001/2026-0002/' \
    "$arch/$rep" >"$arch/content/reports/2026/2026-0002.md"
rc=0
(cd "$work" && "$NMREVIEW" approve -K "$tmp/bob.key" -r "$arch" \
    "$arch/content/reports/2026/2026-0002.md") >"$tmp/out" 2>"$tmp/err" ||
    rc=$?
check_rc "report outside the taxonomy: refused" 1
has "report outside the taxonomy: names the value" "$tmp/err" "atlantis"

finish init
