#!/bin/sh
# Back up and restore, as README.md "Back up and restore" says: the demo
# content in a repository, its site built, a git bundle made and checked
# with the section's commands run literally, the repository deleted,
# restored from the bundle with the section's commands and the site built
# again into a new folder, which must equal the first one: the same
# names, bytes, types and modes (and times, the build day's, when both
# builds ran on one day).  Also a repository whose two approved reports
# came in two commits: both, their approvals and the history come back.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh ...
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
umask 022

theme=$TOP/themes/default
fix=$TOP/tests/gen/fixtures

# --- helpers --------------------------------------------------------------

# has DESC FILE FIXED-STRING: FILE contains the string.
has() {
	if grep -qF -- "$3" "$2"; then
		ok
	else
		fail "$1 (no \"$3\" in $(basename "$2"))"
	fi
}

# stamps DIR: every path under DIR with its modification time.
stamps() {
	(cd "$1" && find . -printf '%p %T@\n' | sort)
}

# readme PART: runs that part of the section's commands in $work, with
# the programs of this build first in PATH; sets rc, leaves the output
# in $tmp/out and $tmp/err.
readme() {
	rc=0
	(cd "$work" && PATH=$(dirname "$NMGEN"):$PATH \
	    sh -eu "$tmp/$1.sh") >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# readme_rc DESC: the last readme part exited 0.
readme_rc() {
	if [ "$rc" -eq 0 ]; then
		ok
	else
		fail "$1 (exit $rc; stderr: $(head -n 3 "$tmp/err" |
		    tr '\n' '|'))"
	fi
}

# new_work: a new folder for the section's commands, in which gen finds
# themes/default as in a source checkout; sets work and repo (the
# section's "archive").
new_work() {
	work=$tmp/$1
	mkdir "$work"
	ln -s "$TOP/themes" "$work/themes"
	repo=$work/archive
	git init -q -b main "$repo"
}

# --- README.md "Back up and restore" --------------------------------------

# The section's indented lines are its commands: the backup up to
# "bundle verify", then the restore.
readme_section "Back up and restore" >"$tmp/all.sh"
awk '{ print } /bundle verify/ { exit }' "$tmp/all.sh" >"$tmp/backup.sh"
awk 'f { print } /bundle verify/ { f = 1 }' "$tmp/all.sh" >"$tmp/restore.sh"
for w in "git -C archive bundle create " "--all" \
    "git -C archive bundle verify "; do
	has "README: the backup has \"$w\"" "$tmp/backup.sh" "$w"
done
for w in "git clone " "archive.bundle archive" "nearmiss-gen -r archive -o "
do
	has "README: the restore has \"$w\"" "$tmp/restore.sh" "$w"
done
restored=$(awk '$1 == "nearmiss-gen" && $2 == "-r" && $4 == "-o" {
    print $5; exit }' "$tmp/restore.sh")
if [ -n "$restored" ] && [ "$restored" != site ]; then
	ok
else
	fail "README: the restore builds into \"$restored\", not a new folder"
fi

# --- the demo archive -----------------------------------------------------

new_work demo
cp -R "$TOP/content" "$repo/content"
commit "demo content"
printf 'scratch repository of tests/gen/restore.sh\n' >"$repo/README"
git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@example.invalid \
    commit -q -m "a second commit"
git -C "$repo" tag v1
git -C "$repo" branch other HEAD~1
git -C "$repo" for-each-ref --format='%(refname) %(objectname)' \
    >"$tmp/refs.before"
git -C "$repo" rev-list --all | sort >"$tmp/commits.before"
day0=$(date -u +%Y-%m-%d)
# The site as the previous section of README.md builds it.
rc=0
(cd "$work" && "$NMGEN" -r archive -o site) >"$tmp/out" 2>"$tmp/err" ||
    rc=$?
readme_rc "demo: the site is built"

readme backup
readme_rc "demo: the backup commands succeed"
check "demo: the bundle is made" [ -s "$work/archive.bundle" ]
has "demo: the bundle holds the whole history" "$tmp/out" \
    "complete history"

rm -rf "$repo"
readme restore
readme_rc "demo: the restore commands succeed"
day1=$(date -u +%Y-%m-%d)
git -C "$repo" for-each-ref --format='%(refname) %(objectname)' \
    refs/heads refs/tags >"$tmp/refs.after"
git -C "$repo" rev-list --all | sort >"$tmp/commits.after"
check "demo: the same commits" cmp -s "$tmp/commits.before" \
    "$tmp/commits.after"
for ref in refs/heads/main refs/tags/v1; do
	check "demo: $ref as it was" grep -qxF \
	    "$(grep "^$ref " "$tmp/refs.before")" "$tmp/refs.after"
done
check "demo: main is checked out" [ \
    "$(git -C "$repo" symbolic-ref HEAD)" = refs/heads/main ]
check "demo: the work tree is clean" [ -z "$(git -C "$repo" status \
    --porcelain --untracked-files=all)" ]
check "demo: the branch other is in the clone" \
    git -C "$repo" show-ref -q --verify refs/remotes/origin/other
check "demo: the restored site is built" [ -d "$work/$restored" ]
check_same "demo: the restored site has the same names and bytes" \
    "$work/site" "$work/$restored"
snapshot "$work/site" >"$tmp/snap.site"
snapshot "$work/$restored" >"$tmp/snap.restored"
check "demo: the same names, types, modes and checksums" \
    cmp -s "$tmp/snap.site" "$tmp/snap.restored"
check "demo: the snapshot saw every report" [ \
    "$(grep -c '^\./reports/[0-9-]*/index\.html ' "$tmp/snap.site")" -eq \
    "$(find "$TOP/content/reports" -name '*.md' | wc -l)" ]
if [ "$day0" = "$day1" ]; then
	stamps "$work/site" >"$tmp/times.site"
	stamps "$work/$restored" >"$tmp/times.restored"
	check "demo: the same times" cmp -s "$tmp/times.site" \
	    "$tmp/times.restored"
fi
check "demo: no cache or lock in the site" [ -z "$(find "$work/$restored" \
    -name '*.index' -o -name '*.lock' -o -name '*.index.state')" ]

# --- two approved reports, in two commits ---------------------------------

new_work two
mkdir -p "$repo/content/reports/2024" "$repo/content/reports/2025"
cp "$fix/content/nearmiss.ini" "$repo/content/"
cp -R "$fix/content/pages" "$repo/content/"
cp "$fix/content/reports/2024/2024-0003.md" "$repo/content/reports/2024/"
commit "the first report"
cp "$fix/content/reports/2025/2025-0004.md" "$repo/content/reports/2025/"
commit "the second report"
rc=0
(cd "$work" && "$NMGEN" -r archive -o site) >"$tmp/out" 2>"$tmp/err" ||
    rc=$?
readme_rc "two: the site is built"
for id in 2024-0003 2025-0004; do
	check "two: $id is published" [ -f "$work/site/reports/$id/index.html" ]
done
git -C "$repo" ls-tree -r HEAD >"$tmp/tree.before"

readme backup
readme_rc "two: the backup commands succeed"
rm -rf "$repo"
check "two: the repository is gone" [ ! -e "$repo" ]
readme restore
readme_rc "two: the restore commands succeed"
check "two: both commits are back" \
    [ "$(git -C "$repo" rev-list --count HEAD)" -eq 2 ]
git -C "$repo" ls-tree -r HEAD >"$tmp/tree.after"
check "two: the same tree, file for file" cmp -s "$tmp/tree.before" \
    "$tmp/tree.after"
for a in 2024/2024-0003 2025/2025-0004; do
	check "two: the approvals of $a are back" \
	    [ "$(grep -c '' "$repo/content/approvals/$a")" -eq 2 ]
done
for id in 2024-0003 2025-0004; do
	check "two: $id is published again" \
	    [ -f "$work/$restored/reports/$id/index.html" ]
done
check_same "two: the restored site is the same" "$work/site" \
    "$work/$restored"
check "two: the restored build published both" grep -q "2 reports" \
    "$tmp/err"

finish restore
