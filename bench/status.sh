#!/bin/sh
#
# Copyright (c) 2026 The nearmiss authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
# status.sh N: the status index at scale.  Writes N receipts entries (70%
# drafts of published reports, 5% drafts under review, 5% received, 20%
# rejected, half of those with a 60-100 byte reason) into a scratch copy
# of tests/gen/fixtures/content, builds it with nearmiss-gen, and prints
# the number of hex digits chosen, the shard count and the shard sizes
# (min, median, 99th percentile, max, total), then changes one entry and
# times the incremental rebuild (which must rewrite one shard).  The
# summary also goes to results/status-N.txt.  Environment: GEN
# (build/bin/nearmiss-gen), RECEIPT (build/tests/nm-receipt), SIGN
# (build/tests/nm-sign: the test reviewers approve the reports), KEEP=1.

set -eu

[ $# -eq 1 ] || { echo "usage: status.sh N" >&2; exit 2; }
n=$1
top=$(cd "$(dirname "$0")/.." && pwd)
GEN=${GEN:-$top/build/bin/nearmiss-gen}
RECEIPT=${RECEIPT:-$top/build/tests/nm-receipt}
SIGN=${SIGN:-$top/build/tests/nm-sign}
tmp=$(mktemp -d)
# shellcheck disable=SC2317
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then
		echo "status.sh: kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
export TZ=UTC LC_ALL=C HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 \
    GIT_CONFIG_GLOBAL=/dev/null

repo=$tmp/repo
git init -q "$repo"
cp -R "$top/tests/gen/fixtures/content" "$repo/content"
"$SIGN" "$repo/content"
"$RECEIPT" -n "$n" | awk '{ print $2 }' | sort >"$tmp/hashes"
awk 'BEGIN {
	split("2024-0003 2024-0007 2025-0001 2025-0004 2025-0009", ids, " ")
	srand(7)
}
{
	r = rand()
	if (r < 0.70)
		print $1 " draft " ids[1 + int(rand() * 5)]
	else if (r < 0.75)
		print $1 " draft 2026-" sprintf("%05d", NR)
	else if (r < 0.80)
		print $1 " received"
	else if (r < 0.90)
		print $1 " rejected"
	else {
		s = "Not a near miss: the account describes a routine call"
		k = int(rand() * 40)
		while (k-- > 0)
			s = s "."
		print $1 " rejected " s
	}
}' "$tmp/hashes" >"$repo/content/receipts"
git -C "$repo" add -A
git -C "$repo" -c user.name=b -c user.email=b@example.invalid commit -qm receipts

t0=$(date +%s.%N)
"$GEN" -q --no-sync -r "$repo" -t "$top/themes/default" -o "$tmp/site"
t1=$(date +%s.%N)
digits=$(sed 's/.*"digits":\([0-9]*\).*/\1/' "$tmp/site/status/index.json")
find "$tmp/site/status" -name '*.json' ! -name index.json -exec wc -c {} + |
    awk '$2 != "total" { print $1 }' | sort -n >"$tmp/sizes"
rsize=$(wc -c <"$repo/content/receipts")
summary=$(awk -v n="$n" -v d="$digits" -v rs="$rsize" '
{ v[NR] = $1; t += $1 }
END {
	p = int(NR * 0.99)
	if (p < 1)
		p = 1
	printf "%d entries: %d hex digits, %d shards; shard bytes min %d, " \
	    "median %d, p99 %d, max %d; total %d bytes (receipts file %d " \
	    "bytes)\n", n, d, NR, v[1], v[int((NR + 1) / 2)], v[p], v[NR],
	    t, rs
}' "$tmp/sizes")

# One entry changes state: an incremental build rewrites one shard.
sed '1s/ [a-z].*$/ received/' "$repo/content/receipts" >"$tmp/r"
cat "$tmp/r" >"$repo/content/receipts"
git -C "$repo" -c user.name=b -c user.email=b@example.invalid \
    commit -qam "one entry"
# gen dates what it writes to midnight UTC of the build day: age the site
# first, so that what the build rewrites is newer than the marker.
find "$tmp/site" -exec touch -h -d '2000-01-01 00:00 UTC' {} +
touch -d '2000-01-02 00:00 UTC' "$tmp/marker"
t2=$(date +%s.%N)
"$GEN" -q --no-sync -r "$repo" -t "$top/themes/default" -o "$tmp/site"
t3=$(date +%s.%N)
changed=$(find "$tmp/site" -type f -newer "$tmp/marker" | sed "s|$tmp/site/||" |
    sort | tr '\n' ' ')
{
	echo "$summary"
	printf 'full build %.2f s; one entry changed: incremental %.2f s, ' \
	    "$(echo "$t1 - $t0" | bc)" "$(echo "$t3 - $t2" | bc)"
	echo "rewrote: $changed"
} | tee "$top/bench/results/status-$n.txt"
