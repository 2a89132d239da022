#!/bin/sh
# The post-receive hook of nearmiss-gen(1)'s EXAMPLES, taken from the man
# page as it is: installed in a bare content repository with only its
# output folder changed (to a scratch one), with nearmiss-gen on PATH (a
# wrapper that stands for the installed program: it gives the source
# tree's theme, which an installation has in its share folder, and notes
# each run).  A reviewer's clone pushes the approved demo reports (the
# site appears, equal to a --full build), then one changed report (its
# page changes, the hook runs gen twice, the site equals a --full build),
# then a broken report (the pusher reads "nearmiss-gen failed; the site
# is unchanged" and not a file of the site changes).
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
bare=$tmp/content.git
repo=$tmp/clone
www=$tmp/www
site=$www/site
ID=2023-0002
page=$site/reports/$ID/index.html

# --- the hook, from the man page --------------------------------------------

man_literal "$TOP/docs/nearmiss-gen.1" 'hooks/post-receive' >"$tmp/hook" ||
    { fail "nearmiss-gen.1: no literal block after hooks/post-receive"; }
check "the man page's hook names the output folder /var/www/nearmiss/site" \
    grep -q ' /var/www/nearmiss/site$' "$tmp/hook"
git init -q --bare "$bare"
sed "s|/var/www/nearmiss/site|$site|g" "$tmp/hook" >"$bare/hooks/post-receive"
chmod 755 "$bare/hooks/post-receive"
# The output folder's parent exists and the pusher (this user) can write it.
mkdir -p "$www"

mkdir -p "$tmp/bin"
cat >"$tmp/bin/nearmiss-gen" <<EOF
#!/bin/sh
echo run >>"$tmp/runs"
exec "$NMGEN" -t "$theme" --no-sync "\$@"
EOF
chmod 755 "$tmp/bin/nearmiss-gen"
PATH=$tmp/bin:$PATH
export PATH

# push DESC: pushes the clone's HEAD to main; rc, and the pusher's output
# in $tmp/push.
push() {
	: >"$tmp/runs"
	rc=0
	git -C "$repo" push -q origin HEAD:refs/heads/main >"$tmp/push" 2>&1 ||
	    rc=$?
	check_rc "$1: git push exits 0" 0
}

# runs N: the hook ran nearmiss-gen N times.
runs() {
	[ "$(grep -c run "$tmp/runs")" -eq "$1" ]
}

# same_as_full DESC: the site equals a --full build of main.
same_as_full() {
	rm -rf "$tmp/full"
	rc=0
	"$NMGEN" -q -r "$bare" -p . --ref main -t "$theme" --no-sync --full \
	    -o "$tmp/full" 2>"$tmp/stderr" || rc=$?
	check_rc "$1: --full build exits 0" 0
	check_same "$1: the site equals a --full build" "$site" "$tmp/full"
}

# --- a reviewer's clone: the demo reports, approved ------------------------

git init -q "$repo"
git -C "$repo" remote add origin "$bare"
cp -R "$TOP/content/." "$repo/"
commit "the demo reports"

push "first push"
check "first push: the hook ran nearmiss-gen twice" runs 2
check "first push: nothing failed" \
    test ! -s "$tmp/push"
check "first push: the site has its front page" test -f "$site/index.html"
n=0
for f in "$repo"/reports/*/*.md; do
	f=${f##*/}
	[ -f "$site/reports/${f%.md}/index.html" ] || n=$((n + 1))
done
check "first push: every report has its page ($n missing)" test "$n" -eq 0
same_as_full "first push"

# --- one report changed -----------------------------------------------------

f=$repo/reports/2023/$ID.md
check "report $ID is in the demo" test -f "$f"
check_not "its page does not have the new title yet" \
    grep -q 'A title changed by a push' "$page"
sed 's/^title: .*/title: "A title changed by a push"/' "$f" >"$tmp/x"
mv "$tmp/x" "$f"
commit "one report changed"
push "second push"
check "second push: the hook ran nearmiss-gen twice" runs 2
check "second push: nothing failed" test ! -s "$tmp/push"
check "second push: the report's page has the new title" \
    grep -q 'A title changed by a push' "$page"
same_as_full "second push"

# --- a broken report --------------------------------------------------------

snapshot "$site" >"$tmp/before"
sed 's/^event_date: .*/event_date: "2023-01-05"/' "$f" >"$tmp/x"
mv "$tmp/x" "$f"
commit "a broken report"
push "third push"
check "third push: the pusher reads that the site is unchanged" \
    grep -q 'remote: nearmiss-gen failed; the site is unchanged' "$tmp/push"
check "third push: the pusher reads what is wrong" \
    grep -Eq "remote: (\./)?reports/2023/$ID\.md:4: event_date" "$tmp/push"
snapshot "$site" >"$tmp/after"
check "third push: not a file of the site changed" \
    cmp -s "$tmp/before" "$tmp/after"
check "third push: no staging folder left" no_staging "$site"

finish hook
