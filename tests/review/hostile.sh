#!/bin/sh
# Hostile inbox items, as a compromised intake host could write them:
# truncated, flipped bits, a wrong version, sealed to another key, huge
# sizes (a sparse file, a recipient count, a record's field length),
# records that are garbage under a valid seal, a link, a folder, a FIFO
# and names that are not item names.  Each gets a clear message naming
# it; list goes on with the good item and exits 1; show exits 1; nothing
# crashes (no exit status above 2) and nothing hangs.
# Run by tests/run.sh as:
#   env NMREVIEW=/abs/bin/nearmiss-review TOP=/abs/top sh hostile.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
unset NEARMISS_PASSPHRASE NEARMISS_KEY || :
MKITEM=$(dirname "$(dirname "$NMREVIEW")")/tests/nm-mkitem

run() {
	rc=0
	"$NMREVIEW" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
}

"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" \
    >"$tmp/alice.pub" 2>/dev/null
"$NMREVIEW" keygen --no-passphrase bob -o "$tmp/bob.key" \
    >"$tmp/bob.pub" 2>/dev/null
mkdir "$tmp/inbox"
K="-K $tmp/alice.key -i $tmp/inbox"
new=$tmp/inbox/new
cd "$tmp"

good=$("$MKITEM" -i "$tmp/inbox" -R "$tmp/alice.pub" -f title="The good one" \
    -n "Fine.")
tmpl=$("$MKITEM" -i "$tmp/inbox" -R "$tmp/alice.pub" -n "template")
mv "$new/$tmpl" "$tmp/template"
size=$(wc -c <"$tmp/template")

# name N: a fresh item name, N in its last two hex digits.
name() {
	printf '%030d%02x' 0 "$1"
}

# flip FILE OFFSET: flips the lowest bit of the byte at OFFSET.
flip() {
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 1)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# expect ID TEXT DESC: show ID fails (1) with TEXT in its message; list
# names it with TEXT too (checked later over the whole listing).
expect() {
	run show $K "$1"
	check "$3: show exits 1" [ "$rc" -eq 1 ]
	check "$3: show says \"$2\"" grep -q "$2" "$tmp/err"
	check "$3: show prints nothing" [ ! -s "$tmp/out" ]
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$tmp/expect"
}
: >"$tmp/expect"

# --- damaged items ----------------------------------------------------------

i=1
for cut in 0 1 2 50 81 200 $((size - 1)); do
	head -c "$cut" "$tmp/template" >"$new/$(name $i)"
	if [ "$cut" -lt 2 ]; then
		expect "$(name $i)" "truncated at $cut bytes" "truncated to $cut"
	else
		expect "$(name $i)" "truncated: $cut bytes, too few" \
		    "truncated to $cut"
	fi
	i=$((i + 1))
done
# One bit flipped: in the count, a key slot, the stream header, the
# body, the tag at the end.
for off in 1 10 100 200 1000 $((size - 1)); do
	cp "$tmp/template" "$new/$(name $i)"
	flip "$new/$(name $i)" "$off"
	if [ "$off" -eq 1 ]; then
		expect "$(name $i)" "sealed to no recipient" "bit flipped at 1"
	elif [ "$off" -lt 82 ]; then
		# The only slot no longer opens: not for this key.
		expect "$(name $i)" "not sealed to this key" "bit flipped at $off"
	else
		expect "$(name $i)" "authentication failed\|bad stream header" \
		    "bit flipped at $off"
	fi
	i=$((i + 1))
done
cp "$tmp/template" "$new/$(name $i)"
printf '\002' | dd of="$new/$(name $i)" bs=1 seek=0 conv=notrunc 2>/dev/null
expect "$(name $i)" "unknown format version 2" "wrong version"
i=$((i + 1))
cp "$tmp/template" "$new/$(name $i)"
printf '\000' | dd of="$new/$(name $i)" bs=1 seek=1 conv=notrunc 2>/dev/null
expect "$(name $i)" "sealed to no recipient" "zero recipients"
i=$((i + 1))
cp "$tmp/template" "$new/$(name $i)"
printf '\377' | dd of="$new/$(name $i)" bs=1 seek=1 conv=notrunc 2>/dev/null
expect "$(name $i)" "too few for 255 recipients" "255 recipients declared"
i=$((i + 1))
: >"$new/$(name $i)"
expect "$(name $i)" "truncated at 0 bytes" "empty file"
i=$((i + 1))
# A huge file: sparse, so refused before a byte is read.
truncate -s 20G "$new/$(name $i)"
expect "$(name $i)" "21474836480 bytes, more than" "20 GB sparse file"
i=$((i + 1))

# Sealed to another key: show says so; list skips it quietly.
bobs=$("$MKITEM" -i "$tmp/inbox" -R "$tmp/bob.pub" -n "for bob")
run show $K "$bobs"
check "sealed to bob: show exits 1" [ "$rc" -eq 1 ]
check "sealed to bob: show says so" grep -q "not sealed to this key (alice)" \
    "$tmp/err"

# Garbage under a valid seal: records that decode must refuse.
raw() {
	printf "$2" >"$tmp/raw"
	mv "$new/$("$MKITEM" -i "$tmp/inbox" -R "$tmp/alice.pub" --raw \
	    "$tmp/raw")" "$new/$(name $i)"
	expect "$(name $i)" "$3" "$1"
	i=$((i + 1))
}
raw "record: empty" '' "record"
raw "record: version 9" '\011' "record"
raw "record: a field declaring 4 GiB" '\001\001\377\377\377\377\000' "record"
raw "record: a narrative declaring 64 MiB" \
    '\001\001\000\000\000\001\000\040\004\000\000\000abc' "record"
raw "record: unknown tag" '\001\177\000\000\000\000' "record"
raw "record: random bytes" \
    '\001\234\022\377\000\001\002\003\004\005\006\007\010\011' "record"
head -c 20000 /dev/urandom >"$tmp/raw.bin"
mv "$new/$("$MKITEM" -i "$tmp/inbox" -R "$tmp/alice.pub" --raw \
    "$tmp/raw.bin")" "$new/$(name $i)"
expect "$(name $i)" "record" "record: 20000 random bytes"
i=$((i + 1))

# --- things that are not items ----------------------------------------------

ln -s "$new/$good" "$new/$(name $i)"
expect "$(name $i)" "a symbolic link; refused" "a symbolic link to a good item"
i=$((i + 1))
ln -s /etc/passwd "$new/$(name $i)"
expect "$(name $i)" "a symbolic link; refused" "a symbolic link to /etc/passwd"
i=$((i + 1))
mkdir "$new/$(name $i)"
expect "$(name $i)" "not a regular file" "a folder"
i=$((i + 1))
mkfifo "$new/$(name $i)"
expect "$(name $i)" "not a regular file" "a FIFO"
i=$((i + 1))
cp "$tmp/template" "$new/README"
cp "$tmp/template" "$new/$(echo "$good" | tr a-f A-F)"
cp "$tmp/template" "$new/$(name 1)0"
cp "$tmp/template" "$new/.hidden"
cp "$tmp/template" "$new/x$(printf '\033[2J')y"

# --- list over all of it ------------------------------------------------------

run list $K
check "list: exits 1 (damaged items)" [ "$rc" -eq 1 ]
check "list: the good item listed" grep -q "^$good .*The good one$" "$tmp/out"
check "list: only the good item" [ "$(grep -c '^[0-9a-f]\{32\} ' "$tmp/out")" -eq 1 ]
check_not "list: bob's item not mentioned" grep -q "$bobs" "$tmp/err"
while IFS="$(printf '\t')" read -r id text desc; do
	case $desc in
	"bit flipped at "[1-7][0-9] | "bit flipped at "[2-9])
		# Items no slot of which opens are not ours: skipped quietly.
		check_not "list: $desc: not reported" grep -q "$id" "$tmp/err"
		continue ;;
	esac
	check "list: $desc: reported" grep -q "item $id: .*\($text\)" "$tmp/err"
done <"$tmp/expect"
for n in README "$(echo "$good" | tr a-f A-F)" "$(name 1)0" .hidden; do
	check "list: stray name $n reported" \
	    grep -qF "$new/$n: not an item name; skipped" "$tmp/err"
done
check "list: a name with an escape reported safely" \
    grep -qF "$new/x?[2Jy: not an item name; skipped" "$tmp/err"
check_not "list: no escape reaches the terminal" \
    grep -q "$(printf '\033')" "$tmp/err"
check "list: the links are still links" \
    [ "$(find "$new" -type l | wc -l)" -eq 2 ]
check "list: /etc/passwd untouched" [ -f /etc/passwd ]

for c in status purge receive; do
	run "$c" $K -r "$tmp"
	check "$c over hostile items: no crash" [ "$rc" -le 2 ]
done
run status $K
check "status over hostile items: exit 1" [ "$rc" -eq 1 ]
check "status over hostile items: the good item counted" \
    grep -q "^1 item for alice" "$tmp/out"

finish hostile
