#!/bin/sh
# nearmiss-intake ssh, the forced command of the reviewers' keys, without
# sshd (tests/review/fetch.sh has the real one): the commands that
# nearmiss-review fetch sends are allowed and rebuilt exactly (-n);
# hostile SSH_ORIGINAL_COMMAND strings are refused and logged; purge
# --decided - takes the ids on standard input with purge's validation;
# root is refused; the rsync server runs in the inbox and sends new/.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh ssh.sh
set -eu
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
unset SSH_ORIGINAL_COMMAND || :
ib=$tmp/inbox
mkdir -p "$ib/new" "$ib/tmp"

# dry CMD: nearmiss-intake ssh -n with SSH_ORIGINAL_COMMAND=CMD; output
# in $tmp/out and $tmp/err, exit status in rc.
dry() {
	rc=0
	SSH_ORIGINAL_COMMAND=$1 "$NMINTAKE" ssh -n -i "$ib" \
	    >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# --- What fetch sends: allowed, rebuilt word for word -------------------------

R=/usr/bin/rsync
for c in "rsync --server --sender -dte.LsfxCIvu . new/" \
    "rsync --server --sender -vdte.LsfxCIvu --timeout=300 . new/" \
    "rsync --server --sender -dt . new/" \
    "rsync --server --sender -dte. . new/"; do
	dry "$c"
	check "allowed: $c ($rc)" [ "$rc" -eq 0 ]
	check "rebuilt: $c" [ "$(cat "$tmp/out")" = "$R ${c#rsync }" ]
done
dry "purge --decided -"
check "allowed: purge --decided - ($rc)" [ "$rc" -eq 0 ]
check "rebuilt: purge with the inbox" \
    [ "$(cat "$tmp/out")" = "purge -i $ib --decided -" ]
rc=0
SSH_ORIGINAL_COMMAND="rsync --server --sender -dt . new/" "$NMINTAKE" ssh \
    -n --rsync /opt/rsync/bin/rsync -i "$ib" >"$tmp/out" 2>&1 || rc=$?
check "--rsync PATH: that program" \
    [ "$(cat "$tmp/out")" = \
    "/opt/rsync/bin/rsync --server --sender -dt . new/" ]

# --- Hostile commands: refused, logged, exit 1 -------------------------------

nl='
'
tab=$(printf '\t')
while IFS= read -r c; do
	dry "$c"
	check "refused ($rc): $c" [ "$rc" -eq 1 ]
	check "logged: $c" grep -q "ssh: refused (not an allowed command)" \
	    "$tmp/err"
	check "told: $c" grep -q "command refused" "$tmp/err"
	check "nothing run: $c" [ ! -s "$tmp/out" ]
done <<'EOF'
ls /
sh
sh -c id
/bin/sh -c "rsync --server --sender -dt . new/"
rsync --server -dt . new/
rsync --server --sender -dt . /
rsync --server --sender -dt . /etc/passwd
rsync --server --sender -dt . ../
rsync --server --sender -dt . new/../../
rsync --server --sender -dt . new
rsync --server --sender -dt . new/ new/
rsync --server --sender -dt . tmp/
rsync --server --sender -dt new/
rsync --server --sender -dt . new/ ; rm -rf new
rsync --server --sender -dt . new/;id
rsync --server --sender -dt . new/$(id)
rsync --server --sender -dt . `id`
rsync --server --sender -dt . new/\ x
rsync --server --sender -dt . 'new/'
rsync --server --sender -rdt . new/
rsync --server --sender -dtl . new/
rsync --server --sender -dtL . new/
rsync --server --sender -dtk . new/
rsync --server --sender -sdte.LsfxCIvu
rsync --server --sender -sdt . new/
rsync --server --sender -dtz . new/
rsync --server --sender -dte.L-f . new/
rsync --server --sender -dte.LsfxCIvuLsfxCIvuLsfxCIvuLsfxCIvuLsfxCIvu . new/
rsync --server --sender -dtex . new/
rsync --server --sender --dirs . new/
rsync --server --sender -dt --remove-source-files . new/
rsync --server --sender -dt --delete . new/
rsync --server --sender -dt --files-from=/etc/passwd . new/
rsync --server --sender -dt --log-file=/tmp/x . new/
rsync --server --sender -dt --timeout=0 . new/
rsync --server --sender -dt --timeout=999999 . new/
rsync --server --sender -dt --timeout=60 --timeout=60 . new/
rsync --server --sender --timeout=60 -dt . new/
rsync --server --sender -dt . new/ --remove-source-files
rsync --server -dte.LsfxCIvu . new/
rsync --server --sender --sender -dt . new/
rsync --daemon
/usr/bin/rsync --server --sender -dt . new/
RSYNC --server --sender -dt . new/
rsync  --server --sender -dt . new/
 rsync --server --sender -dt . new/
rsync --server --sender -dt . new/ 
purge
purge --days 0
purge --decided /etc/passwd
purge --decided - --days 0
purge -i /tmp --decided -
purge --decided  -
nearmiss-intake purge --decided -
git-upload-pack 'inbox'
scp -f new/x
internal-sftp
EOF
for c in "purge --decided -${nl}ls" "purge${tab}--decided -" \
    "rsync --server --sender -dt . new/$(printf '\001')" \
    "rsync --server --sender -dt . new/$(printf '\303\251')" \
    "$(printf 'x%.0s' $(seq 600))"; do
	dry "$c"
	check "refused: a control, non-ASCII or long byte ($rc)" [ "$rc" -eq 1 ]
	check "logged escaped: no raw control byte in the log" \
	    sh -c '! LC_ALL=C grep -q "[[:cntrl:]]" "$1"' sh "$tmp/err"
done
rc=0
"$NMINTAKE" ssh -n -i "$ib" >"$tmp/out" 2>"$tmp/err" || rc=$?
check "no command (a login): refused ($rc)" [ "$rc" -eq 1 ]
check "no command: logged" grep -q "refused (no command" "$tmp/err"
rc=0
"$NMINTAKE" ssh -n 2>/dev/null || rc=$?
check "no -i: usage error ($rc)" [ "$rc" -eq 2 ]
rc=0
"$NMINTAKE" ssh -n -i "$ib" extra 2>/dev/null || rc=$?
check "an operand: usage error ($rc)" [ "$rc" -eq 2 ]
rc=0
"$NMINTAKE" ssh -n --rsync rsync -i "$ib" 2>/dev/null || rc=$?
check "--rsync relative: usage error ($rc)" [ "$rc" -eq 2 ]

# --- Running for real: never as root; purge from standard input -------------

item() {
	name=$(printf '%032x' "$1")
	printf 'item %s\n' "$1" >"$ib/new/$name"
}
item 1; d1=$name
item 2; d2=$name
item 3; keep=$name
if [ "$(id -u)" -eq 0 ]; then
	rc=0
	printf '%s\n' "$d1" | SSH_ORIGINAL_COMMAND="purge --decided -" \
	    "$NMINTAKE" ssh --log-stderr -i "$ib" 2>"$tmp/err" || rc=$?
	check "as root: refused ($rc)" [ "$rc" -eq 1 ]
	check "as root: says so" grep -q "refusing to run as root" "$tmp/err"
	check "as root: nothing deleted" [ -f "$ib/new/$d1" ]
	# The rest as nobody, who owns the inbox, as the intake user would.
	chmod 711 "$tmp"
	chown -R nobody "$ib"
	run_as() {
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	}
else
	run_as() {
		"$@"
	}
fi
# as_ssh CMD: the forced command, for real, CMD as the original command,
# standard input from $tmp/in.
as_ssh() {
	rc=0
	SSH_ORIGINAL_COMMAND=$1 run_as "$NMINTAKE" ssh --log-stderr -i "$ib" \
	    <"$tmp/in" >"$tmp/out" 2>"$tmp/err" || rc=$?
}
printf '%s\n../%s\n' "$d1" "$d2" >"$tmp/in"
as_ssh "purge --decided -"
check "purge: a line that is no id: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "purge: names the line" grep -q ":2: not an item id" "$tmp/err"
check "purge: nothing deleted" \
    sh -c '[ -f "$1" ] && [ -f "$2" ]' sh "$ib/new/$d1" "$ib/new/$d2"
printf '%s\n%s\n' "$d1" "$d2" >"$tmp/in"
as_ssh "purge --decided -"
check "purge: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "purge: the ids given are gone" \
    sh -c '[ ! -e "$1" ] && [ ! -e "$2" ]' sh "$ib/new/$d1" "$ib/new/$d2"
check "purge: the other item stays" [ -f "$ib/new/$keep" ]
check "purge: reports the count" grep -q "2 decided items removed" "$tmp/err"
: >"$tmp/in"
as_ssh "purge --days 0"
check "purge --days 0: refused ($rc)" [ "$rc" -eq 1 ]
check "purge --days 0: the item stays" [ -f "$ib/new/$keep" ]
head -c 9000000 /dev/zero | tr '\0' a >"$tmp/in"
as_ssh "purge --decided -"
check "purge: more than 8 MiB of ids: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "purge: more than 8 MiB: the item stays" [ -f "$ib/new/$keep" ]

# The rsync server, started in the inbox: it speaks rsync's protocol on
# standard input and output, so a local rsync can be its client.
if command -v rsync >/dev/null 2>&1; then
	mkdir "$tmp/fake" "$tmp/copy"
	cat >"$tmp/fake/ssh" <<EOF
#!/bin/sh
# Stands for ssh: drops the host, runs the forced command with the rest.
shift
SSH_ORIGINAL_COMMAND="\$*" exec $(if [ "$(id -u)" -eq 0 ]; then
	echo "setpriv --reuid=nobody --regid=nogroup --clear-groups"; fi) \
    "$NMINTAKE" ssh --log-stderr -i "$ib"
EOF
	chmod 755 "$tmp/fake/ssh"
	rc=0
	rsync -e "$tmp/fake/ssh" -dt "host:new/" "$tmp/copy/" \
	    >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "rsync server: exit 0 ($rc)" [ "$rc" -eq 0 ]
	check "rsync server: sends new/" cmp -s "$ib/new/$keep" \
	    "$tmp/copy/$keep"
	rc=0
	rsync -e "$tmp/fake/ssh" -dt --remove-source-files "host:new/" \
	    "$tmp/copy/" >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "rsync --remove-source-files: refused ($rc)" [ "$rc" -ne 0 ]
	check "rsync --remove-source-files: the item stays" \
	    [ -f "$ib/new/$keep" ]
	rm -rf "$ib/new"
	ln -s "$tmp/copy" "$ib/new"
	rc=0
	rsync -e "$tmp/fake/ssh" -dt "host:new/" "$tmp/copy2/" \
	    >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "rsync server: new/ a link: refused ($rc)" [ "$rc" -ne 0 ]
	check "rsync server: new/ a link: says so" \
	    grep -q "new: not a directory" "$tmp/err"
fi

finish ssh
