#!/bin/sh
# nearmiss-review fetch against a real sshd on the loopback, whose key
# runs nearmiss-intake ssh as its forced command: the commands of
# README.md "Fetch the inbox" run literally; fetch gets exactly the new
# items (no link, no other file, no folder, nothing too big), a second
# fetch gets nothing, local files are never deleted; decided, then fetch
# --purge, deletes exactly the decided items on the host; what the key
# must not do (a shell command, a login, rsync of another path, rsync
# that deletes or writes, purge --days) is refused and changes nothing.
# As root only (sshd, a scratch user); skipped without /usr/sbin/sshd.
# Run by tests/run.sh as:
#   env NMREVIEW=/abs/bin/nearmiss-review TOP=/abs/top sh fetch.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

SSHD=/usr/sbin/sshd
if [ ! -x "$SSHD" ] || [ "$(id -u)" -ne 0 ] ||
    ! command -v rsync >/dev/null 2>&1 ||
    ! command -v useradd >/dev/null 2>&1; then
	echo "fetch: skipped: needs root, $SSHD (openssh-server), rsync" \
	    "and useradd" >&2
	finish fetch
	exit
fi

BIN=$(dirname "$NMREVIEW")
B=$(dirname "$BIN")
NMINTAKE=$BIN/nearmiss-intake
MKITEM=$B/tests/nm-mkitem
export PATH="$BIN:$PATH" TZ=UTC LC_ALL=C NEARMISS_DATA="$TOP/data"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset NEARMISS_KEY NEARMISS_PASSPHRASE RSYNC_PROTECT_ARGS || :
tmp=$(mktemp -d)
U=nmfetch$$
sshd_pid=
cleanup() {
	[ -z "$sshd_pid" ] || kill "$sshd_pid" 2>/dev/null || :
	userdel "$U" 2>/dev/null || :
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
umask 022
# The intake user reaches its inbox and the forced command through here.
chmod 711 "$tmp"

# --- The intake host: its user, inbox, sshd -----------------------------------

useradd -M -d "$tmp/home" -s /bin/sh "$U"
mkdir "$tmp/home"
# Not locked (sshd refuses a locked account), and no password either.
usermod -p '*' "$U"
"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" \
    >"$tmp/alice.pub" 2>/dev/null
host=$tmp/host
mkdir -p "$host/new" "$host/tmp"
mk() {
	"$MKITEM" -i "$host" -R "$tmp/alice.pub" -d 2026-03-01 "$@"
}
h() {
	printf "%064d" 0 | tr 0 "$1"
}
X=$(mk -H "$(h 1)" -n 'A ladder slipped on a wet floor.')
Y=$(mk -H "$(h 2)" -n 'The driver did not see the patrol car.')
Z=$(mk -H "$(h 3)" -n 'Still undecided.')
# What fetch must leave on the host: a link named as an item, a file
# not named as one, a folder named as one, an item-named file larger
# than any item.
L=ffffffffffffffffffffffffffffff01
ln -s /etc/passwd "$host/new/$L"
echo "not an item" >"$host/new/README"
D=ffffffffffffffffffffffffffffff02
mkdir "$host/new/$D"
G=ffffffffffffffffffffffffffffff03
dd if=/dev/zero of="$host/new/$G" bs=1048576 count=13 2>/dev/null
chown -R "$U" "$host"
chmod 700 "$host" "$host/new" "$host/tmp"
ls "$host/new" | sort >"$tmp/host.before"

ssh-keygen -q -t ed25519 -N '' -f "$tmp/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/fetchkey"
mkdir "$tmp/ak"
printf 'command="%s ssh --log-stderr -i %s",restrict %s\n' \
    "$NMINTAKE" "$host" "$(cat "$tmp/fetchkey.pub")" >"$tmp/ak/$U"
chmod 755 "$tmp/ak"
chmod 644 "$tmp/ak/$U"
cat >"$tmp/sshd_config" <<EOF
ListenAddress 127.0.0.1
HostKey $tmp/hostkey
PidFile none
AuthorizedKeysFile $tmp/ak/%u
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $U
LogLevel VERBOSE
EOF
# sshd wants its privilege separation folder.
mkdir -p /run/sshd
try=0
port=
while [ $try -lt 20 ]; do
	p=$((30000 + ($$ + try * 7919) % 10000))
	try=$((try + 1))
	"$SSHD" -D -e -f "$tmp/sshd_config" -p "$p" 2>>"$tmp/sshd.log" &
	sshd_pid=$!
	n=0
	while [ $n -lt 100 ]; do
		kill -0 "$sshd_pid" 2>/dev/null || break
		if grep -q "Server listening on 127.0.0.1 port $p" \
		    "$tmp/sshd.log"; then
			port=$p
			break 2
		fi
		sleep 0.05
		n=$((n + 1))
	done
	kill "$sshd_pid" 2>/dev/null || :
	wait "$sshd_pid" 2>/dev/null || :
	sshd_pid=
done
if [ -z "$port" ]; then
	cat "$tmp/sshd.log" >&2
	echo "fetch: could not start sshd" >&2
	exit 1
fi
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$tmp/hostkey.pub")" \
    >"$tmp/known_hosts"
# The reviewer's ssh configuration for the host of the README.
cat >"$tmp/ssh_config" <<EOF
Host intake.example.org
	HostName 127.0.0.1
	Port $port
	User $U
	IdentityFile $tmp/fetchkey
	IdentitiesOnly yes
	UserKnownHostsFile $tmp/known_hosts
	StrictHostKeyChecking yes
	BatchMode yes
	LogLevel ERROR
EOF
export NEARMISS_SSH="ssh -F $tmp/ssh_config"
SSH="ssh -F $tmp/ssh_config"

# --- The reviewer: a content repository, README.md "Fetch the inbox" --------

mkdir "$tmp/alice"
"$NMREVIEW" init "$tmp/alice/review" >/dev/null
cat "$tmp/alice.pub" >>"$tmp/alice/review/content/reviewers"
git -C "$tmp/alice/review" add -A
git -C "$tmp/alice/review" -c user.name=nearmiss \
    -c user.email=nearmiss@invalid commit -qm "Add reviewer"
# A local file that is not on the host: fetch never deletes.
mkdir -p "$tmp/alice/inbox/new"
echo "mine" >"$tmp/alice/inbox/new/notes"

readme_section "Fetch the inbox" >"$tmp/readme.sh"
for w in "nearmiss-review fetch -i ~/inbox intake.example.org" \
    "nearmiss-review decided -i ~/inbox > decided.txt" \
    "--purge decided.txt"; do
	check "README: the section has \"$w\"" grep -qF -- "$w" "$tmp/readme.sh"
done
check "README: three commands" [ "$(wc -l <"$tmp/readme.sh")" -eq 3 ]
# as LINES: runs those lines of the README as alice, in her clone.
as() {
	sed -n "$1p" "$tmp/readme.sh" >"$tmp/part.sh"
	rc=0
	(cd "$tmp/alice/review" && HOME=$tmp/alice \
	    NEARMISS_KEY=$tmp/alice.key sh -eu "$tmp/part.sh") \
	    >"$tmp/out" 2>"$tmp/err" || rc=$?
}

as 1
check "README fetch: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "README fetch: nothing on standard output" [ ! -s "$tmp/out" ]
[ "$rc" -eq 0 ] || cat "$tmp/err" "$tmp/sshd.log" >&2
loc=$tmp/alice/inbox
check "fetch: says 3 new items" grep -q "3 new items from intake" "$tmp/err"
for i in "$X" "$Y" "$Z"; do
	check "fetch: item $i is a copy" cmp -s "$host/new/$i" "$loc/new/$i"
	check "fetch: item $i is 0600" \
	    [ "$(stat -c %a "$loc/new/$i")" = 600 ]
done
check "fetch: the link is not fetched" \
    sh -c '[ ! -e "$1" ] && [ ! -L "$1" ]' sh "$loc/new/$L"
check "fetch: a file not named as an item is not" [ ! -e "$loc/new/README" ]
check "fetch: a folder is not" [ ! -e "$loc/new/$D" ]
check "fetch: a file larger than an item is not" [ ! -e "$loc/new/$G" ]
check "fetch: the local file stays" [ "$(cat "$loc/new/notes")" = mine ]
check "fetch: tmp/ is left empty" [ -z "$(ls -A "$loc/tmp")" ]
check "fetch: the items stay sealed (list opens them)" sh -c \
    '[ "$("$1" list -K "$2" -i "$3" 2>/dev/null | grep -c .)" -ge 3 ]' sh \
    "$NMREVIEW" "$tmp/alice.key" "$loc"
ls "$host/new" | sort >"$tmp/host.after"
check "fetch: the host's inbox is unchanged" \
    cmp -s "$tmp/host.before" "$tmp/host.after"

# A second fetch: nothing new.
as 1
check "second fetch: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "second fetch: 0 new items" grep -q "0 new items from" "$tmp/err"
# A new item on the host: exactly that one.
N=$(mk -H "$(h 4)" -n 'One more.')
chown "$U" "$host/new/$N"
as 1
check "fetch after a new submission: 1 new item" \
    grep -q "1 new item from" "$tmp/err"
check "fetch after a new submission: it is here" \
    cmp -s "$host/new/$N" "$loc/new/$N"
# An item deleted here comes back; one changed here is left as it is.
rm "$loc/new/$X"
echo changed >"$loc/new/$Y"
as 1
check "fetch: a deleted item comes back" cmp -s "$host/new/$X" "$loc/new/$X"
check "fetch: an existing file is never overwritten" \
    [ "$(cat "$loc/new/$Y")" = changed ]
cp "$host/new/$Y" "$loc/new/$Y"

# The other commands warn about a file that is not an item.
rm "$loc/new/notes"
# Decide X (rejected), then decided and fetch --purge, as the README says.
(cd "$tmp/alice/review" && NEARMISS_KEY=$tmp/alice.key \
    "$NMREVIEW" reject -i "$loc" "$X") >/dev/null 2>&1
as 2,3
check "README decided + fetch --purge: exit 0 ($rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$tmp/err" >&2
check "decided.txt names X only" \
    [ "$(cat "$tmp/alice/review/decided.txt")" = "$X" ]
check "purge: X is gone from the host" [ ! -e "$host/new/$X" ]
for i in "$Y" "$Z" "$N" "$L" "$D" "$G" README; do
	check "purge: $i stays on the host" \
	    sh -c '[ -e "$1" ] || [ -L "$1" ]' sh "$host/new/$i"
done
check "purge: the host says what it removed" \
    grep -q "1 decided item removed" "$tmp/err"
check "purge: the local copy stays" [ -f "$loc/new/$X" ]

# fetch --purge with a file that is not a list of ids sends nothing.
printf '%s\n../../etc\n' "$Y" >"$tmp/bad.txt"
rc=0
"$NMREVIEW" fetch -i "$loc" --purge "$tmp/bad.txt" intake.example.org \
    2>"$tmp/err" || rc=$?
check "fetch --purge of a bad file: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "fetch --purge of a bad file: names the line" \
    grep -q "bad.txt:2: not an item id" "$tmp/err"
check "fetch --purge of a bad file: Y stays" [ -f "$host/new/$Y" ]

# --- What the key must not do ------------------------------------------------

snap() {
	(cd "$host" && find . | sort && cksum new/* 2>/dev/null)
}
snap >"$tmp/snap.before"
# refused WHAT COMMAND...: the command fails, says it was refused, and
# the host's inbox is as it was.
refused() {
	what=$1
	shift
	rc=0
	"$@" </dev/null >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "$what: fails ($rc)" [ "$rc" -ne 0 ]
	check "$what: refused" grep -q "command refused" "$tmp/err"
	snap >"$tmp/snap.after"
	check "$what: the inbox is unchanged" \
	    cmp -s "$tmp/snap.before" "$tmp/snap.after"
}
refused "ssh ls /" $SSH intake.example.org ls /
refused "ssh rm" $SSH intake.example.org "rm -rf $host/new"
refused "a login (no command)" $SSH intake.example.org
# With a terminal asked for: restrict gives none, and the same refusal.
rc=0
$SSH -tt intake.example.org </dev/null >/dev/null 2>&1 || rc=$?
check "a login with -tt: fails ($rc)" [ "$rc" -ne 0 ]
refused "purge --days 0" $SSH intake.example.org purge --days 0
refused "nearmiss-intake purge -i" $SSH intake.example.org \
    "nearmiss-intake purge -i $host --days 0"
refused "rsync of another path" rsync -e "$SSH" \
    intake.example.org:/etc/passwd "$tmp/passwd"
check "rsync of another path: nothing copied" [ ! -e "$tmp/passwd" ]
refused "rsync of the inbox's path" rsync -e "$SSH" -d \
    "intake.example.org:$host/new/" "$tmp/copy/"
refused "rsync -r" rsync -e "$SSH" -r intake.example.org:new/ \
    "$tmp/copy/"
refused "rsync --remove-source-files" rsync -e "$SSH" -d \
    --remove-source-files intake.example.org:new/ "$tmp/copy/"
refused "rsync -l (links)" rsync -e "$SSH" -dl intake.example.org:new/ \
    "$tmp/copy/"
refused "rsync -s (arguments past the check)" rsync -e "$SSH" -ds \
    intake.example.org:new/ "$tmp/copy/"
mkdir "$tmp/empty"
refused "rsync --delete, a push" rsync -e "$SSH" -d --delete \
    "$tmp/empty/" intake.example.org:new/
echo x >"$tmp/planted"
refused "rsync of a file to the host" rsync -e "$SSH" "$tmp/planted" \
    intake.example.org:new/
check "the refusals are logged" grep -q "ssh: refused" "$tmp/err"

# --- fetch's own arguments ----------------------------------------------------

for bad in "-oProxyCommand=sh" "host:new" "a b" "" "x@-oFoo" "@host"; do
	rc=0
	"$NMREVIEW" fetch -i "$tmp/x" -- "$bad" >/dev/null 2>&1 || rc=$?
	check "fetch host '$bad': usage error ($rc)" [ "$rc" -eq 2 ]
done
rc=0
"$NMREVIEW" fetch -e "ssh -o 'ProxyCommand sh'" -i "$tmp/x" \
    intake.example.org >/dev/null 2>&1 || rc=$?
check "fetch -e with quotes: usage error ($rc)" [ "$rc" -eq 2 ]
check "fetch made no inbox on a usage error" [ ! -e "$tmp/x" ]
ln -s "$tmp/elsewhere" "$tmp/linked"
mkdir "$tmp/elsewhere"
rc=0
"$NMREVIEW" fetch -i "$tmp/linked" intake.example.org 2>/dev/null || rc=$?
check "fetch into a link: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "fetch into a link: nothing written there" \
    [ -z "$(ls -A "$tmp/elsewhere")" ]
rc=0
"$NMREVIEW" fetch intake.example.org 2>/dev/null || rc=$?
check "fetch without -i: usage error ($rc)" [ "$rc" -eq 2 ]
check "fetch --help" sh -c '"$1" fetch --help >/dev/null' sh "$NMREVIEW"

finish fetch
