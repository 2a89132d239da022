#!/bin/sh
# nearmiss-intake maildir: draining a Maildir into the inbox.  Messages
# of new/ and cur/ are stored and removed; dot-files, links, FIFOs and
# directories are skipped; a rejected message is renamed into cur/ with
# the T (trashed) flag and skipped on the next run; tmp/ is left alone;
# with an unwritable inbox the drain stops with 75 and removes nothing;
# kill -9 at random points loses no message (duplicates are allowed).
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh maildir.sh
set -eu
. "$TOP/tests/lib.sh"
SUITE=maildir
. "$TOP/tests/intake/mail.inc"

# msg MARK: a small good message whose body holds MARK.
msg() {
	printf 'From: someone@example.org\nSubject: maildir %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\nThe body of %s, with a few words.\n' \
	    "$1" "$1"
}

# mkmaildir DIR: an empty Maildir the intake user owns.
mkmaildir() {
	mkdir -p "$1/new" "$1/cur" "$1/tmp"
	[ -z "$asuser" ] || chown -R nobody "$1"
}

# drain INBOX DIR: one maildir run; sets $rc, stderr in $tmp/err.
drain() {
	rc=0
	# shellcheck disable=SC2086
	"$NMINTAKE" maildir $asuser -i "$1" -k "$tmp/rcpt" -t "$TAX" "$2" \
	    2>"$tmp/err" || rc=$?
}

quote='Content-Type: multipart/mixed; boundary="\""

--"
Content-Type: text/plain

x
--"--'

ib=$tmp/ib
md=$tmp/md
mkinbox "$ib"
mkmaildir "$md"
for j in 1 2 3 4 5; do
	msg "MDMARK$j" >"$md/new/1700000000.M${j}P$j.host.example"
done
printf '%s\n' "$quote" >"$md/new/1700000001.M9P9.host.example"
msg DOTMARK >"$md/new/.hidden"
msg LINKMARK >"$tmp/outside.eml"
ln -s "$tmp/outside.eml" "$md/new/1700000002.link"
mkfifo "$md/new/1700000003.fifo"
mkdir "$md/new/1700000004.dir"
truncate -s 11M "$md/new/1700000005.big"
msg CURMARK1 >"$md/cur/1700000006.M6P6.host.example:2,S"
msg CURMARK2 >"$md/cur/1700000007.M7P7.host.example:2,"
printf '%s\n' "$quote" >"$md/cur/1700000008.M8P8.host.example:2,RS"
msg TRASHMARK >"$md/cur/1700000009.M9P9.host.example:2,ST"
msg TMPMARK >"$md/tmp/1700000010.M10P10.host.example"
[ -z "$asuser" ] || chown -R nobody "$md"

drain "$ib" "$md"
check "first drain: 65 (some rejected)" [ "$rc" -eq 65 ]
check "first drain: the summary" \
    grep -q '7 stored, 3 rejected, 3 skipped' "$tmp/err"
check "first drain: seven items" [ "$(count "$ib/new")" -eq 7 ]
check "first drain: the inbox's tmp/ is empty" [ "$(count "$ib/tmp")" -eq 0 ]
ls -A "$md/new" | sort >"$tmp/left.new"
printf '%s\n' .hidden 1700000002.link 1700000003.fifo 1700000004.dir \
    >"$tmp/want.new"
check "first drain: only what is skipped stays in new/" \
    cmp -s "$tmp/left.new" "$tmp/want.new"
ls -A "$md/cur" | sort >"$tmp/left.cur"
printf '%s\n' '1700000001.M9P9.host.example:2,T' '1700000005.big:2,T' \
    '1700000008.M8P8.host.example:2,RST' \
    '1700000009.M9P9.host.example:2,ST' >"$tmp/want.cur"
check "first drain: rejected ones in cur/ with the T flag" \
    cmp -s "$tmp/left.cur" "$tmp/want.cur"
check "first drain: tmp/ of the Maildir untouched" \
    [ -f "$md/tmp/1700000010.M10P10.host.example" ]
check "first drain: the link's target untouched" [ -f "$tmp/outside.eml" ]
rc=0
decrypt_all "$ib" "$tmp/d1.out" || rc=$?
check "first drain: every item decrypts" [ "$rc" -eq 0 ]
for m in MDMARK1 MDMARK2 MDMARK3 MDMARK4 MDMARK5 CURMARK1 CURMARK2; do
	check "first drain: $m stored once" \
	    [ "$(grep -c "^narrative=.*$m" "$tmp/d1.out")" -eq 1 ]
done
for m in DOTMARK LINKMARK TRASHMARK TMPMARK; do
	check_not "first drain: $m not stored" grep -q "$m" "$tmp/d1.out"
done
check "first drain: the rejections are logged" \
    grep -q 'rejected: ' "$tmp/err"
check "first drain: the skipped ones are logged" \
    grep -q 'not a regular file, skipped' "$tmp/err"

drain "$ib" "$md"
check "second drain: 0 (the rejected ones are skipped)" [ "$rc" -eq 0 ]
check "second drain: nothing new" [ "$(count "$ib/new")" -eq 7 ]
ls -A "$md/cur" | sort >"$tmp/left.cur2"
check "second drain: cur/ unchanged" cmp -s "$tmp/left.cur" "$tmp/left.cur2"

drain "$ib" "$tmp/nomaildir"
check "a missing Maildir: 1" [ "$rc" -eq 1 ]
rc=0
"$NMINTAKE" maildir -i "$ib" -k "$tmp/rcpt" 2>"$tmp/err" || rc=$?
check "no DIR: usage error 2" [ "$rc" -eq 2 ]

# An inbox the intake user cannot write to: 75, every message kept.
md2=$tmp/md2
ib2=$tmp/ib2
mkmaildir "$md2"
mkinbox "$ib2"
for j in 1 2 3; do
	msg "KEEP$j" >"$md2/new/1700000100.M${j}P$j.host.example"
done
[ -z "$asuser" ] || chown -R nobody "$md2"
if [ -n "$asuser" ]; then
	chown root "$ib2/tmp"
	chmod 755 "$ib2/tmp"
else
	chmod 500 "$ib2/tmp"
fi
drain "$ib2" "$md2"
check "unwritable inbox: 75" [ "$rc" -eq 75 ]
check "unwritable inbox: every message still there" \
    [ "$(count "$md2/new")" -eq 3 ]
check "unwritable inbox: no item" [ "$(count "$ib2/new")" -eq 0 ]
check "unwritable inbox: stops at the first failure" \
    [ "$(grep -c 'temporary failure' "$tmp/err")" -eq 1 ]
if [ -n "$asuser" ]; then
	chown nobody "$ib2/tmp"
fi
chmod 700 "$ib2/tmp"
drain "$ib2" "$md2"
check "writable again: 0" [ "$rc" -eq 0 ]
check "writable again: three items" [ "$(count "$ib2/new")" -eq 3 ]
check "writable again: the Maildir is empty" [ "$(count "$md2/new")" -eq 0 ]

# The order of the system calls: each message is removed only after
# its item is created, synced, renamed into new/ and new/ synced.
if ! command -v strace >/dev/null 2>&1; then
	fail "strace missing (make deps)"
elif ! strace -o /dev/null true 2>/dev/null; then
	echo "maildir: strace cannot trace here, order audit skipped"
else
	md4=$tmp/md4
	ib4=$tmp/ib4
	mkmaildir "$md4"
	mkinbox "$ib4"
	for j in 1 2 3 4 5; do
		msg "ORDER$j" >"$md4/new/1700000300.M${j}P$j.host.example"
	done
	[ -z "$asuser" ] || chown -R nobody "$md4"
	rc=0
	# shellcheck disable=SC2086
	# (LeakSanitizer cannot run under ptrace.)
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 strace -f -o "$tmp/trace" \
	    -e trace=openat,fsync,rename,renameat,renameat2,unlinkat,exit_group \
	    "$NMINTAKE" maildir $asuser -i "$ib4" -k "$tmp/rcpt" "$md4" \
	    2>"$tmp/err" || rc=$?
	check "order audit: the drain exits 0" [ "$rc" -eq 0 ]
	audit=$(awk -v ack=unlinkat -f "$TOP/tests/intake/order.awk" \
	    "$tmp/trace")
	check "order audit: five removals, each after a durable item ($audit)" \
	    [ "$audit" = "acks 5 bad 0" ]
	check "order audit: the directories synced at the end" \
	    [ "$(grep -c 'fsync(' "$tmp/trace")" -ge 12 ]
fi

# kill -9 at random points of a drain, 20 times; then a drain to the
# end.  Every message is in at least one item; duplicates are allowed.
md3=$tmp/md3
ib3=$tmp/ib3
mkmaildir "$md3"
mkinbox "$ib3"
: >"$tmp/marks"
iter=0
while [ $iter -lt 20 ]; do
	iter=$((iter + 1))
	j=0
	while [ $j -lt 30 ]; do
		j=$((j + 1))
		msg "KILL${iter}x$j" >"$md3/new/17000002$iter.M${j}P$iter.host.example"
		echo "KILL${iter}x$j" >>"$tmp/marks"
	done
	[ -z "$asuser" ] || chown -R nobody "$md3"
	delay=$(awk -v s="$$$iter" 'BEGIN { srand(s); printf "%.3f", rand() * 0.06 }')
	# shellcheck disable=SC2086
	"$NMINTAKE" maildir $asuser -i "$ib3" -k "$tmp/rcpt" -t "$TAX" \
	    "$md3" 2>/dev/null &
	p=$!
	sleep "$delay"
	kill -9 "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
done
left=$(count "$md3/new")
drain "$ib3" "$md3"
check "after the kills: a drain to the end gives 0" [ "$rc" -eq 0 ]
check "after the kills: the Maildir is empty" [ "$(count "$md3/new")" -eq 0 ]
check "after the kills: the inbox's tmp/ is empty" [ "$(count "$ib3/tmp")" -eq 0 ]
rc=0
decrypt_all "$ib3" "$tmp/d3.out" || rc=$?
check "after the kills: every item decrypts" [ "$rc" -eq 0 ]
sed -n 's/^narrative=The body of \(KILL[0-9x]*\),.*/\1/p' "$tmp/d3.out" |
    sort >"$tmp/got"
sort -u "$tmp/got" >"$tmp/got.u"
sort -u "$tmp/marks" >"$tmp/marks.u"
lost=$(comm -13 "$tmp/got.u" "$tmp/marks.u" | wc -l)
dups=$(($(wc -l <"$tmp/got") - $(sort -u "$tmp/got" | wc -l)))
echo "maildir: kill -9 x20: 600 messages, $left left after the kills, $dups duplicates, $lost lost"
check "after the kills: no message lost ($lost)" [ "$lost" -eq 0 ]
check "after the kills: 600 distinct messages stored" \
    [ "$(sort -u "$tmp/got" | wc -l)" -eq 600 ]

finish maildir
