#!/bin/sh
# Tests of passphrase-protected secret keys: keygen with the passphrase
# from NEARMISS_PASSPHRASE or asked twice on a terminal (a pty made by
# script(1)), the file format 2 and its mode, loading it (the right
# passphrase, a wrong one, none, a changed file), NEARMISS_KEY, and
# plain key files (--no-passphrase), which still load.
# Run by tests/run.sh as:
#   env NMREVIEW=/abs/bin/nearmiss-review TOP=/abs/top sh keys.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
unset NEARMISS_PASSPHRASE NEARMISS_KEY || :
umask 022
mkdir -p "$tmp/inbox/new" "$tmp/inbox/tmp"
MKITEM=$(dirname "$(dirname "$NMREVIEW")")/tests/nm-mkitem

# run ARGS...: runs the program without a controlling terminal (setsid),
# so nothing can be asked; sets rc, and leaves out and err files.
run() {
	rc=0
	setsid -w "$NMREVIEW" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null ||
	    rc=$?
}

mode() {
	ls -ld "$1" | cut -c1-10
}

# waitfor TEXT FILE: waits until FILE holds TEXT (the program's prompt),
# at most about 30 seconds.  Not a timed assertion: it only paces the
# input, which the program flushes before each prompt.
waitfor() {
	i=0
	while ! grep -q "$1" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 300 ] || return 1
		sleep 0.1
	done
}

# --- keygen with NEARMISS_PASSPHRASE ------------------------------------

export NEARMISS_PASSPHRASE='correct horse battery staple'
run keygen alice -o "$tmp/alice.key" --kdf interactive
check "keygen with a passphrase: exit 0" [ "$rc" -eq 0 ]
check "keygen with a passphrase: the public line" \
    grep -Eq '^alice [A-Za-z0-9+/]{43}= [A-Za-z0-9+/]{43}=$' "$tmp/out"
cp "$tmp/out" "$tmp/alice.pub"
check "keygen with a passphrase: says it is protected" \
    grep -q "protected by the passphrase" "$tmp/err"
check "keygen with a passphrase: mode 0600" \
    [ "$(mode "$tmp/alice.key")" = "-rw-------" ]
check "format 2: first line" \
    [ "$(sed -n 1p "$tmp/alice.key")" = "nearmiss-secret-key 2" ]
check "format 2: eight lines" [ "$(grep -c '' "$tmp/alice.key")" -eq 8 ]
check "format 2: labels in order" [ "$(cut -d' ' -f1 "$tmp/alice.key" |
    tr '\n' ' ')" = "nearmiss-secret-key name box-public sign-public kdf salt nonce secret " ]
check "format 2: interactive work factors" grep -qx \
    "kdf argon2id13 2 67108864" "$tmp/alice.key"
check "format 2: the public keys are the printed ones" \
    [ "$(sed -n 3p "$tmp/alice.key" | cut -d' ' -f2) $(sed -n 4p \
    "$tmp/alice.key" | cut -d' ' -f2)" = "$(cut -d' ' -f2,3 "$tmp/alice.pub")" ]
check_not "format 2: no secret key in the clear" \
    grep -Eq '^(box|sign)-secret ' "$tmp/alice.key"
check_not "format 2: the passphrase is nowhere" \
    grep -q "battery" "$tmp/alice.key" "$tmp/out" "$tmp/err"

# The default work factors: crypto_pwhash_*_MODERATE.
run keygen mallory -o "$tmp/moderate.key"
check "keygen default kdf: exit 0" [ "$rc" -eq 0 ]
check "keygen default kdf: moderate" grep -qx \
    "kdf argon2id13 3 268435456" "$tmp/moderate.key"

# --- using the key ------------------------------------------------------

printf 'hello\n' >"$tmp/att"
"$MKITEM" -i "$tmp/inbox" -R "$tmp/alice.pub" -f title="Ladder slipped" \
    -n "The ladder slipped." >"$tmp/id"
id=$(cat "$tmp/id")
run show -K "$tmp/alice.key" -i "$tmp/inbox" "$id"
check "show with the right passphrase: exit 0" [ "$rc" -eq 0 ]
check "show with the right passphrase: the record" \
    grep -q "The ladder slipped." "$tmp/out"
run list -K "$tmp/alice.key" -i "$tmp/inbox"
check "list with the right passphrase: exit 0" [ "$rc" -eq 0 ]
check "list with the right passphrase: the item" grep -q "^$id " "$tmp/out"

NEARMISS_PASSPHRASE='correct horse battery stapler' \
    run show -K "$tmp/alice.key" -i "$tmp/inbox" "$id"
check "wrong passphrase: exit 1" [ "$rc" -eq 1 ]
check "wrong passphrase: says so" grep -qx "nearmiss-review: $tmp/alice.key: wrong passphrase (or the file was changed)" "$tmp/err"
check "wrong passphrase: nothing shown" [ ! -s "$tmp/out" ]
NEARMISS_PASSPHRASE='' run list -K "$tmp/alice.key" -i "$tmp/inbox"
check "empty passphrase: exit 1" [ "$rc" -eq 1 ]
check "empty passphrase: says so" grep -q "NEARMISS_PASSPHRASE is empty" \
    "$tmp/err"
long=$(printf '%01025d' 0)
NEARMISS_PASSPHRASE=$long run list -K "$tmp/alice.key" -i "$tmp/inbox"
check "passphrase over 1024 bytes: exit 1" [ "$rc" -eq 1 ]
check "passphrase over 1024 bytes: says so" \
    grep -q "longer than 1024 bytes" "$tmp/err"
(unset NEARMISS_PASSPHRASE; run list -K "$tmp/alice.key" -i "$tmp/inbox";
    echo "$rc" >"$tmp/rc")
check "no passphrase and no terminal: exit 1" [ "$(cat "$tmp/rc")" -eq 1 ]
check "no passphrase and no terminal: says so" \
    grep -q "no terminal to ask for the passphrase on: set NEARMISS_PASSPHRASE" \
    "$tmp/err"

# NEARMISS_KEY instead of -K; neither.
NEARMISS_KEY=$tmp/alice.key run show -i "$tmp/inbox" "$id"
check "NEARMISS_KEY: exit 0" [ "$rc" -eq 0 ]
check "NEARMISS_KEY: the record" grep -q "Ladder slipped" "$tmp/out"
run show -i "$tmp/inbox" "$id"
check "no key: exit 1" [ "$rc" -eq 1 ]
check "no key: says so" grep -q "no key: give -K KEYFILE or set NEARMISS_KEY" \
    "$tmp/err"
NEARMISS_KEY=$tmp/nothere run show -i "$tmp/inbox" "$id"
check "NEARMISS_KEY missing file: exit 1" [ "$rc" -eq 1 ]
check "NEARMISS_KEY missing file: message" \
    grep -q "nothere: No such file or directory" "$tmp/err"

# Any change to the file: a wrong passphrase, or a refused line.
for n in 2 3 4 5 6 7 8; do
	awk -v n="$n" 'NR == n { c = substr($2, 2, 1); r = c == "A" ? "B" : "A";
	    if (n == 2) $2 = "x" substr($2, 2); else if (n == 5) $3 = 1;
	    else $2 = substr($2, 1, 1) r substr($2, 3) } { print }' \
	    "$tmp/alice.key" >"$tmp/changed.key"
	chmod 600 "$tmp/changed.key"
	run list -K "$tmp/changed.key" -i "$tmp/inbox"
	check "line $n changed: exit 1" [ "$rc" -eq 1 ]
	check "line $n changed: refused" \
	    grep -Eq "wrong passphrase|does not match|base64" "$tmp/err"
done
head -n 7 "$tmp/alice.key" >"$tmp/short.key"
chmod 600 "$tmp/short.key"
run list -K "$tmp/short.key" -i "$tmp/inbox"
check "truncated protected file: exit 1" [ "$rc" -eq 1 ]
check "truncated protected file: line 8" \
    grep -q "short.key:8: unexpected end of file (truncated?)" "$tmp/err"

# Modes are checked as for plain files.
cp "$tmp/alice.key" "$tmp/open.key"
chmod 644 "$tmp/open.key"
run list -K "$tmp/open.key" -i "$tmp/inbox"
check "protected file readable by others: exit 1" [ "$rc" -eq 1 ]
check "protected file readable by others: says so" \
    grep -q "readable by others; chmod 600 it" "$tmp/err"

# --- keygen refusals ----------------------------------------------------

(unset NEARMISS_PASSPHRASE; run keygen bob -o "$tmp/bob.key"; \
    echo "$rc" >"$tmp/rc")
check "keygen without passphrase or terminal: exit 1" \
    [ "$(cat "$tmp/rc")" -eq 1 ]
check "keygen without passphrase or terminal: no file" [ ! -e "$tmp/bob.key" ]
check "keygen without passphrase or terminal: names --no-passphrase" \
    grep -q "\-\-no-passphrase" "$tmp/err"
check "keygen without passphrase or terminal: nothing on stdout" \
    [ ! -s "$tmp/out" ]
NEARMISS_PASSPHRASE='' run keygen bob -o "$tmp/bob.key"
check "keygen with an empty passphrase: exit 1" [ "$rc" -eq 1 ]
check "keygen with an empty passphrase: no file" [ ! -e "$tmp/bob.key" ]
run keygen alice -o "$tmp/alice.key" --kdf interactive
check "keygen over a protected key: exit 1" [ "$rc" -eq 1 ]
check "keygen over a protected key: says so" \
    grep -q "already exists; not overwriting it" "$tmp/err"
run keygen bob -o "$tmp/bob.key" --kdf fast
check "keygen --kdf fast: exit 2" [ "$rc" -eq 2 ]
check "keygen --kdf fast: names the levels" \
    grep -q "use interactive, moderate or sensitive" "$tmp/err"
run keygen bob -o "$tmp/bob.key" --kdf interactive --no-passphrase
check "keygen --kdf with --no-passphrase: exit 2" [ "$rc" -eq 2 ]
check "keygen --kdf with --no-passphrase: no file" [ ! -e "$tmp/bob.key" ]

# --- plain key files ----------------------------------------------------

run keygen carol -o "$tmp/carol.key" --no-passphrase
check "keygen --no-passphrase: exit 0" [ "$rc" -eq 0 ]
check "keygen --no-passphrase: format 1" \
    [ "$(sed -n 1p "$tmp/carol.key")" = "nearmiss-secret-key 1" ]
check "keygen --no-passphrase: says so" grep -q "WITHOUT a passphrase" \
    "$tmp/err"
cp "$tmp/out" "$tmp/carol.pub"
"$MKITEM" -i "$tmp/inbox" -R "$tmp/carol.pub" -n "for carol" >"$tmp/id2"
(unset NEARMISS_PASSPHRASE; run show -K "$tmp/carol.key" -i "$tmp/inbox" \
    "$(cat "$tmp/id2")"; echo "$rc" >"$tmp/rc")
check "plain key, no passphrase anywhere: exit 0" [ "$(cat "$tmp/rc")" -eq 0 ]
check "plain key: the record" grep -q "for carol" "$tmp/out"
run show -K "$tmp/carol.key" -i "$tmp/inbox" "$(cat "$tmp/id2")"
check "plain key, NEARMISS_PASSPHRASE set: ignored" [ "$rc" -eq 0 ]
# An item for carol only: alice does not see it, and says so.
run show -K "$tmp/alice.key" -i "$tmp/inbox" "$(cat "$tmp/id2")"
check "another reviewer's item: exit 1" [ "$rc" -eq 1 ]
check "another reviewer's item: says so" \
    grep -q "not sealed to this key (alice)" "$tmp/err"

# --- the terminal -------------------------------------------------------

# script(1) gives the program a pty as its controlling terminal; the
# passphrase must not be echoed.
unset NEARMISS_PASSPHRASE
if ! script -qec true /dev/null >/dev/null 2>&1; then
	# No pty on this machine (a container without /dev/pts).
	echo "keys: no pseudo-terminal: the terminal tests are skipped" >&2
elif command -v script >/dev/null 2>&1; then
	mkfifo "$tmp/in"
	: >"$tmp/tty"
	script -qec "'$NMREVIEW' keygen dave -o '$tmp/dave.key' \
	    --kdf interactive" /dev/null <"$tmp/in" >"$tmp/tty" 2>&1 &
	pid=$!
	exec 3>"$tmp/in"
	if waitfor "Passphrase for the new key:" "$tmp/tty"; then
		printf 'tty secret 1\n' >&3
	fi
	if waitfor "Again, to confirm:" "$tmp/tty"; then
		printf 'tty secret 1\n' >&3
	fi
	exec 3>&-
	rc=0
	wait "$pid" || rc=$?
	check "keygen on a terminal: exit 0" [ "$rc" -eq 0 ]
	check "keygen on a terminal: asked twice" \
	    grep -q "Again, to confirm:" "$tmp/tty"
	check_not "keygen on a terminal: no echo" grep -q "tty secret" "$tmp/tty"
	check "keygen on a terminal: protected file" \
	    [ "$(sed -n 1p "$tmp/dave.key" 2>/dev/null)" = "nearmiss-secret-key 2" ]
	NEARMISS_PASSPHRASE='tty secret 1' run list -K "$tmp/dave.key" \
	    -i "$tmp/inbox"
	check "the terminal's passphrase opens it" [ "$rc" -eq 0 ]

	# Two different answers: no file.
	rm -f "$tmp/in"
	mkfifo "$tmp/in"
	: >"$tmp/tty"
	script -qec "'$NMREVIEW' keygen erin -o '$tmp/erin.key' \
	    --kdf interactive" /dev/null <"$tmp/in" >"$tmp/tty" 2>&1 &
	pid=$!
	exec 3>"$tmp/in"
	if waitfor "Passphrase for the new key:" "$tmp/tty"; then
		printf 'one\n' >&3
	fi
	if waitfor "Again, to confirm:" "$tmp/tty"; then
		printf 'two\n' >&3
	fi
	exec 3>&-
	rc=0
	wait "$pid" || rc=$?
	check "keygen, two answers differ: exit 1" [ "$rc" -eq 1 ]
	check "keygen, two answers differ: says so" \
	    grep -q "the two passphrases differ" "$tmp/tty"
	check "keygen, two answers differ: no file" [ ! -e "$tmp/erin.key" ]

	# Loading: asked once, with the file's name.
	rm -f "$tmp/in"
	mkfifo "$tmp/in"
	: >"$tmp/tty"
	script -qec "'$NMREVIEW' show -K '$tmp/dave.key' -i '$tmp/inbox' \
	    $id" /dev/null <"$tmp/in" >"$tmp/tty" 2>&1 &
	pid=$!
	exec 3>"$tmp/in"
	if waitfor "Passphrase for $tmp/dave.key:" "$tmp/tty"; then
		printf 'tty secret 1\n' >&3
	fi
	exec 3>&-
	rc=0
	wait "$pid" || rc=$?
	# dave is not a recipient of the item: the key opened, then no item.
	check "load on a terminal: the key opened" \
	    grep -q "not sealed to this key (dave)" "$tmp/tty"
	check_not "load on a terminal: no echo" grep -q "tty secret" "$tmp/tty"
fi

finish keys
