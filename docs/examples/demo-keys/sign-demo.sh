#!/bin/sh
# DEMO ONLY.  Re-signs the demo reports in content/ with the two demo
# reviewer keys of this folder, after a demo report was edited: runs
# "nearmiss-review approve" with each key on every report, in a scratch
# repository that holds a copy of content/ (approve commits there, never
# in this checkout), then copies the approvals back into content/approvals/
# of the work tree.  Commit them with the edit.
#
#	make sign-demo		or	sh docs/examples/demo-keys/sign-demo.sh
#
# NMREVIEW names the program (default: bin/nearmiss-review of the tree).
set -eu

top=$(cd "$(dirname "$0")/../../.." && pwd)
review=${NMREVIEW:-$top/bin/nearmiss-review}
keys=$top/docs/examples/demo-keys
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

# git checks the key files out readable by all; approve refuses those.
for k in a b; do
	cp "$keys/demo-reviewer-$k.key" "$tmp/$k.key"
	chmod 600 "$tmp/$k.key"
done
git init -q "$tmp/repo"
cp -R "$top/content" "$tmp/repo/content"
rm -rf "$tmp/repo/content/approvals"
git -C "$tmp/repo" add -A
git -C "$tmp/repo" -c user.name=demo -c user.email=demo@example.invalid \
    commit -q -m "demo content"
(
	cd "$tmp/repo"
	for k in a b; do
		"$review" approve -K "$tmp/$k.key" content/reports/*/*.md \
		    >"$tmp/approve-$k.out"
	done
)
n=$(grep -c 'meets min_approvals' "$tmp/approve-b.out" || true)
rm -rf "$top/content/approvals"
cp -R "$tmp/repo/content/approvals" "$top/content/approvals"
echo "sign-demo: $n reports approved by both demo reviewers;" \
    "content/approvals/ updated (not committed)"
