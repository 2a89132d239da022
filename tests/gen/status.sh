#!/bin/sh
# The receipt status index of nearmiss-gen (gen/status.c): content/receipts
# of a scratch repository (from tests/gen/fixtures/content) becomes
# status/index.json and the shards status/<prefix>.json.  Checks the
# public state of each kind of entry (received; draft of a published
# report, of a report short of approvals, of no report; rejected with and
# without a reason), that no code reaches the site, that a bad receipts
# file stops the build with "path:line: what" and leaves the site alone,
# the number of shards as the file grows, and that incremental builds
# rewrite exactly the shards whose bytes change and equal a --full build.
# Codes and hashes come from tests/nm-receipt (receipt_make/receipt_hash).
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh ...
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

NMRECEIPT=${NMRECEIPT:-$(dirname "$NMGEN")/../tests/nm-receipt}
fix=$TOP/tests/gen/fixtures
repo=$tmp/repo
out=$tmp/out
theme=$TOP/themes/default
C=$repo/content
RF=$C/receipts

# --- helpers --------------------------------------------------------------

# raw_commit MESSAGE: commits the work tree as it is, without the test
# reviewers' approvals of new or edited reports (commit() adds those).
raw_commit() {
	git -C "$repo" add -A
	git -C "$repo" -c user.name=t -c user.email=t@example.invalid \
	    commit -q --allow-empty -m "$1"
}

# digits: the hex digits of the shard names of $out.
digits() {
	sed -n 's/^{"version":1,"digits":\([0-9]\)}$/\1/p' \
	    "$out/status/index.json"
}

# shard HASH [DIR]: the status file that holds HASH.
shard() {
	d=$(sed -n 's/^{"version":1,"digits":\([0-9]\)}$/\1/p' \
	    "${2:-$out}/status/index.json")
	if [ "$d" = 0 ]; then
		echo "${2:-$out}/status/all.json"
	else
		echo "${2:-$out}/status/$(printf %s "$1" | cut -c "1-$d").json"
	fi
}

# entry HASH: the JSON value the status index holds for HASH, or nothing.
entry() {
	sed -n "s/^\"$1\":\(.*\)$/\1/p" "$(shard "$1")" | sed 's/,$//'
}

# is_entry DESC HASH VALUE: the index maps HASH to VALUE exactly.
is_entry() {
	got=$(entry "$2")
	if [ "$got" = "$3" ]; then
		ok
	else
		fail "$1: got '$got', want '$3'"
	fi
}

# json_ok DIR: every status/*.json of DIR parses, maps 64-hex keys to
# objects with a known "s", lists keys in order, and sits in the right shard.
json_ok() {
	node -e '
const fs = require("fs");
const dir = process.argv[1] + "/status/";
const idx = JSON.parse(fs.readFileSync(dir + "index.json", "utf8"));
const d = idx.digits;
if (idx.version !== 1 || !Number.isInteger(d) || d < 0 || d > 3)
	throw new Error("index.json: " + JSON.stringify(idx));
const names = fs.readdirSync(dir).filter((f) => f.endsWith(".json") &&
    f !== "index.json").sort();
const want = [];
for (let i = 0; i < 16 ** d; i++)
	want.push((d ? i.toString(16).padStart(d, "0") : "all") + ".json");
if (names.join() !== want.join())
	throw new Error("shards: " + names.length + ", want " + want.length);
const states = ["received", "review", "published", "rejected"];
for (const f of names) {
	const text = fs.readFileSync(dir + f, "utf8");
	const o = JSON.parse(text);
	const keys = Object.keys(o);
	for (const [i, k] of keys.entries()) {
		if (!/^[0-9a-f]{64}$/.test(k) || (i && keys[i - 1] >= k))
			throw new Error(f + ": key " + k);
		if (d && k.slice(0, d) + ".json" !== f)
			throw new Error(f + ": " + k + " in the wrong shard");
		if (!states.includes(o[k].s))
			throw new Error(f + ": state " + JSON.stringify(o[k]));
	}
}' "$1" 2>"$tmp/json.err"
}

# step NAME MODE: rebuilds $out in place and the same commit with --full in
# another folder; they must be equal.  MODE incremental: an incremental
# build that rewrote exactly the files whose bytes changed; full: a full
# build; fail: exit 1, no file touched.  Leaves the rewritten files in
# $tmp/rewritten (as in tests/gen/incremental.sh).
step() {
	st_name=$1
	st_mode=$2
	(cd "$out" && find . -type f -exec cksum {} +) >"$tmp/prev.sums"
	find "$out" -type f -exec touch -t 200001010000 {} +
	touch -t 200101010000 "$tmp/marker"
	(cd "$out" && find . | sort) >"$tmp/list.before"
	gen -o "$out"
	cp "$tmp/stderr" "$tmp/step.stderr"
	(cd "$out" && find . -type f -newer "$tmp/marker" | sed 's|^\./||' |
	    sort) >"$tmp/rewritten"
	check "$st_name: no staging folder or temporary file" no_staging "$out"
	case $st_mode in
	fail)
		check_rc "$st_name: exit 1" 1
		check "$st_name: no file rewritten" [ ! -s "$tmp/rewritten" ]
		(cd "$out" && find . | sort) >"$tmp/list.after"
		(cd "$out" && find . -type f -exec cksum {} +) >"$tmp/now.sums"
		check "$st_name: site untouched" cmp -s "$tmp/prev.sums" \
		    "$tmp/now.sums"
		check "$st_name: no file added or removed" \
		    cmp -s "$tmp/list.before" "$tmp/list.after"
		return 0
		;;
	incremental)
		check_rc "$st_name: exit 0" 0
		check "$st_name: incremental build" grep -q "incremental" \
		    "$tmp/step.stderr"
		;;
	full)
		check_rc "$st_name: exit 0" 0
		check "$st_name: full build" grep -q "full build" \
		    "$tmp/step.stderr"
		;;
	esac
	check "$st_name: status files are well-formed" json_ok "$out"
	rm -rf "$tmp/fresh"
	gen --full -o "$tmp/fresh"
	check_rc "$st_name: fresh --full build exits 0" 0
	check_same "$st_name: equals a fresh --full build" "$out" "$tmp/fresh"
	if [ "$st_mode" = incremental ]; then
		(cd "$tmp/fresh" && find . -type f -exec cksum {} +) \
		    >"$tmp/fresh.sums"
		awk 'NR == FNR { old[$3] = $1 " " $2; next }
		    old[$3] != $1 " " $2 { sub(/^\.\//, "", $3); print $3 }' \
		    "$tmp/prev.sums" "$tmp/fresh.sums" | sort >"$tmp/changed"
		if cmp -s "$tmp/changed" "$tmp/rewritten"; then
			ok
		else
			fail "$st_name: rewrote [$(tr '\n' ' ' \
			    <"$tmp/rewritten")] but the changed files are" \
			    "[$(tr '\n' ' ' <"$tmp/changed")]"
		fi
	fi
}

# rewrote_only NAME FILE...: the last step rewrote exactly these files.
rewrote_only() {
	st_name=$1
	shift
	printf '%s\n' "$@" | sort >"$tmp/want"
	if cmp -s "$tmp/want" "$tmp/rewritten"; then
		ok
	else
		fail "$st_name: rewrote [$(tr '\n' ' ' <"$tmp/rewritten")]," \
		    "want [$(tr '\n' ' ' <"$tmp/want")]"
	fi
}

# receipts LINE...: writes content/receipts, sorted (LC_ALL=C).
receipts() {
	printf '%s\n' "$@" | sort >"$RF"
}

# --- codes ----------------------------------------------------------------

[ -x "$NMRECEIPT" ] || { fail "$NMRECEIPT not found"; finish status; }
"$NMRECEIPT" -n 8 >"$tmp/codes"
code() { sed -n "${1}p" "$tmp/codes" | cut -d' ' -f1; }
hash() { sed -n "${1}p" "$tmp/codes" | cut -d' ' -f2; }
R=$(hash 1)	# received
P=$(hash 2)	# draft of a published report
U=$(hash 3)	# draft of a report short of approvals
Z=$(hash 4)	# draft of a report that does not exist
X=$(hash 5)	# rejected with a reason
Y=$(hash 6)	# rejected without one
N=$(hash 7)	# added later
M=$(hash 8)	# never in the file
check "nm-receipt's hash is SHA-256 of the code without dashes" [ \
    "$(printf %s "$(code 1)" | tr -d - | sha256sum | cut -c 1-64)" = "$R" ]
check "nm-receipt hashes a typed code like receipt_make" [ \
    "$("$NMRECEIPT" "$(code 1 | tr 'A-Z-' 'a-z ')")" = "$R" ]

# --- the first build --------------------------------------------------------

git init -q "$repo"
cp -R "$fix/content" "$C"
commit "fixture content, approved"
mkdir -p "$C/reports/2026"
sed 's/^id: .*/id: 2026-0001/; s/^published: .*/published: 2026-01-10/' \
    "$C/reports/2025/2025-0004.md" >"$C/reports/2026/2026-0001.md"
receipts "$R received" "$P draft 2025-0001" "$U draft 2026-0001" \
    "$Z draft 2030-0001" \
    "$X rejected Out of scope <b>&amp;</b> \"quoted\" \\ caf$(printf '\303\251')." \
    "$Y rejected"
raw_commit "receipts, and a report without approvals"
gen -o "$out"
check_rc "first build exits 0" 0
check "first build: 2026-0001 is short of approvals" grep -q \
    "2026-0001.md: not published" "$tmp/stderr"
check "first build: status files are well-formed" json_ok "$out"
check "six entries: one shard (0 digits)" [ "$(digits)" = 0 ]
is_entry "received" "$R" '{"s":"received"}'
is_entry "draft of a published report" "$P" \
    '{"s":"published","id":"2025-0001"}'
is_entry "draft of a report short of approvals" "$U" '{"s":"review"}'
is_entry "draft of no report" "$Z" '{"s":"review"}'
is_entry "rejected with a reason (JSON-escaped)" "$X" \
    '{"s":"rejected","reason":"Out of scope \u003cb\u003e\u0026amp;\u003c/b\u003e \"quoted\" \\ café."}'
is_entry "rejected without a reason" "$Y" '{"s":"rejected"}'
is_entry "a hash not in the file is not in the index" "$M" ''
check "the index counts six entries" [ "$(grep -c '^"' \
    "$out/status/all.json")" -eq 6 ]
leak=
for i in 1 2 3 4 5 6; do
	c=$(code "$i")
	if grep -rqiF -e "$c" -e "$(printf %s "$c" | tr -d -)" "$out"; then
		leak="$leak $c"
	fi
done
check "no receipt code anywhere in the site" [ -z "$leak" ]
check "the status page" [ -f "$out/status/index.html" ]
check "the status page loads status.js" grep -q \
    '<script src="../status.js" defer></script>' "$out/status/index.html"
# Published without its whole-line comments (tests/gen/static.sh): the
# same once every comment line is left out of both.
grep -Ev '^[[:space:]]*(/\*|\*)' "$theme/static/status.js" >"$tmp/status.js.a" ||
    true
grep -Ev '^[[:space:]]*(/\*|\*)' "$out/status.js" >"$tmp/status.js.b" || true
check "status.js is published" [ -s "$tmp/status.js.b" ]
check "status.js: the theme's code, every line" \
    cmp -s "$tmp/status.js.a" "$tmp/status.js.b"
check "the status page's CSP allows scripts and fetches from the site" \
    grep -Fq "script-src 'self'; connect-src 'self';" \
    "$out/status/index.html"
check_not "no other page but search/ allows scripts" grep -rlF --include="*.html" \
    "script-src" --exclude-dir=status --exclude-dir=search "$out"
check "home links to the status page" grep -q 'href="status/"' \
    "$out/index.html"
check_not "the form has no action and its input no name" grep -Eq \
    '<form[^>]*action=|<input[^>]*name=' "$out/status/index.html"

# --- incremental: receipts changes ------------------------------------------

gen -o "$out"
check_rc "nothing changed: exit 0" 0
check "nothing changed: up to date" grep -q "up to date" "$tmp/stderr"

receipts "$R rejected Duplicate of another report." "$P draft 2025-0001" \
    "$U draft 2026-0001" "$Z draft 2030-0001" \
    "$X rejected Out of scope <b>&amp;</b> \"quoted\" \\ caf$(printf '\303\251')." \
    "$Y rejected"
raw_commit "one entry rejected"
step "one entry changes state" incremental
rewrote_only "one entry changes state" .nearmiss-state status/all.json
is_entry "one entry changes state: the new state" "$R" \
    '{"s":"rejected","reason":"Duplicate of another report."}'

printf '%s received\n' "$N" >>"$RF"
sort "$RF" >"$tmp/r" && cat "$tmp/r" >"$RF"
raw_commit "one entry added"
step "one entry added" incremental
rewrote_only "one entry added" .nearmiss-state status/all.json
is_entry "one entry added: listed" "$N" '{"s":"received"}'

# --- incremental: publication decides "published" ---------------------------

commit "2026-0001 approved"
step "the draft's report approved" incremental
check "approved: the status shard rewritten" grep -qx status/all.json \
    "$tmp/rewritten"
check "approved: its page published" [ -f "$out/reports/2026-0001/index.html" ]
is_entry "approved: now published" "$U" '{"s":"published","id":"2026-0001"}'

git -C "$repo" rm -q content/reports/2025/2025-0001.md
rm -rf "$C/approvals/2025/2025-0001"
raw_commit "2025-0001 withdrawn"
step "a published report withdrawn" incremental
check "withdrawn: the status shard rewritten" grep -qx status/all.json \
    "$tmp/rewritten"
is_entry "withdrawn: back under review" "$P" '{"s":"review"}'

sed 's/^It was raining hard/It was raining very hard/' \
    "$C/reports/2024/2024-0003.md" >"$tmp/r"
cat "$tmp/r" >"$C/reports/2024/2024-0003.md"
commit "a narrative edit"
step "a narrative edit" incremental
check_not "narrative edit: no status file rewritten" grep -q '^status/' \
    "$tmp/rewritten"

# --- bad receipts files: nothing moves --------------------------------------

good=$(cat "$RF")
# bad NAME LINE MESSAGE CONTENT: content/receipts becomes CONTENT (printf
# %b); the build fails with "content/receipts:LINE: MESSAGE".
bad() {
	printf '%b' "$4" >"$RF"
	raw_commit "bad: $1"
	step "bad receipts: $1" fail
	if grep -qxF "content/receipts:$2: $3" "$tmp/step.stderr"; then
		ok
	else
		fail "bad receipts: $1: want 'content/receipts:$2: $3'," \
		    "got '$(head -n 2 "$tmp/step.stderr" | tr '\n' '|')'"
	fi
}
hexmsg="expected 64 lowercase hex digits (the SHA-256 of a receipt code), a space and a state"
bad "uppercase hex" 2 "$hexmsg" \
    "$R received\n$(echo "$U" | tr a-f A-F) received\n"
bad "short hash" 1 "$hexmsg" "$(echo "$R" | cut -c 2-) received\n"
bad "unknown state" 2 'unknown state "published" (expected received, draft or rejected)' \
    "$R received\n$U published 2026-0001\n"
bad "out of order" 2 "hash out of order (the lines must be sorted by hash)" \
    "$(printf '%s\n%s\n' "$R" "$U" | sort -r | sed -n 1p) received\n$(printf '%s\n%s\n' "$R" "$U" | sort -r | sed -n 2p) received\n"
bad "duplicate" 2 "the same hash again" "$R received\n$R draft 2025-0004\n"
bad "CRLF" 1 "carriage return at the end of the line (the file must use LF only)" \
    "$R received\r\n"
bad "no final newline" 1 "no newline at the end of the line" "$R received"
bad "blank line" 2 "$hexmsg" "$R received\n\n"
bad "draft without an id" 1 "draft needs a report id" "$R draft\n"
bad "draft with a path" 1 'draft: "../2025-0004" is not a valid report id' \
    "$R draft ../2025-0004\n"
bad "received with text" 1 "received takes nothing after it" \
    "$R received yes\n"
bad "reason with a tab" 1 "rejected: control character in the reason" \
    "$R rejected a\tb\n"
bad "reason not UTF-8" 1 "rejected: reason is not valid UTF-8" \
    "$R rejected caf\0351\n"
bad "reason with U+2028" 1 "rejected: control character in the reason" \
    "$R rejected a\0342\0200\0250b\n"
long=$(printf '%0501d' 0)
bad "reason of 501 bytes" 1 "rejected: reason longer than 500 bytes" \
    "$R rejected $long\n"
rm -f "$RF"
mkdir "$RF"
printf 'x\n' >"$RF/x"
raw_commit "bad: a folder"
step "bad receipts: a folder" fail
check "bad receipts: a folder: named" grep -qx \
    "content/receipts: not a regular file" "$tmp/step.stderr"
rm -rf "$RF"
printf '%s\n' "$good" >"$RF"
raw_commit "good again"
gen -o "$out"
check_rc "receipts fixed: exit 0" 0
check "receipts fixed: the site was already this" grep -q "up to date" \
    "$tmp/stderr"

# --- the shards grow with the file ------------------------------------------

# 200 entries: more than 10 KiB in one file, so 16 shards.
"$NMRECEIPT" -n 200 | awk '{ print $2 " received" }' >"$tmp/more"
{ printf '%s\n' "$good"; cat "$tmp/more"; } | sort >"$RF"
raw_commit "200 entries more"
step "206 entries" incremental
check "206 entries: one hex digit" [ "$(digits)" = 1 ]
check "206 entries: all.json is gone" [ ! -e "$out/status/all.json" ]
is_entry "206 entries: the published draft still found" "$U" \
    '{"s":"published","id":"2026-0001"}'
big=$(wc -c "$out"/status/?.json | awk '$2 != "total" && $1 > m { m = $1 }
    END { print m }')
check "206 entries: every shard at most 10 KiB ($big bytes)" [ "$big" -le 10240 ]

# 3,000 entries: two hex digits; one change rewrites one shard.
"$NMRECEIPT" -n 2800 | awk '{ print $2 " draft 2025-0004" }' >>"$tmp/more"
{ printf '%s\n' "$good"; cat "$tmp/more"; } | sort >"$RF"
raw_commit "3,000 entries"
step "3,006 entries" incremental
check "3,006 entries: two hex digits" [ "$(digits)" = 2 ]
check "3,006 entries: 256 shards" [ "$(find "$out/status" -name '??.json' |
    wc -l)" -eq 256 ]
big=$(wc -c "$out"/status/??.json | awk '$2 != "total" && $1 > m { m = $1 }
    END { print m }')
check "3,006 entries: every shard at most 10 KiB ($big bytes)" \
    [ "$big" -le 10240 ]
sed "s/^$N received\$/$N rejected Withdrawn by the submitter./" "$RF" \
    >"$tmp/r"
cat "$tmp/r" >"$RF"
raw_commit "one of 3,006 entries"
step "one of 3,006 entries changes" incremental
rewrote_only "one of 3,006 entries changes" .nearmiss-state \
    "status/$(printf %s "$N" | cut -c 1-2).json"
is_entry "one of 3,006: the new state" "$N" \
    '{"s":"rejected","reason":"Withdrawn by the submitter."}'

# Back to a handful: one shard again, the 256 gone.
printf '%s\n' "$good" >"$RF"
raw_commit "a handful again"
step "back to 7 entries" incremental
check "7 entries: one shard again" [ "$(digits)" = 0 ]
check "7 entries: no two-digit shard left" [ -z "$(find "$out/status" \
    -name '??.json')" ]

# No receipts file at all: an empty index, still every shard.
git -C "$repo" rm -q content/receipts
raw_commit "no receipts file"
step "no receipts file" incremental
check "no receipts file: an empty shard" [ "$(cat "$out/status/all.json")" = "{}" ]

finish status
