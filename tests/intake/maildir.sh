#!/bin/sh
# nearmiss-intake maildir: draining a Maildir into the inbox.  Messages
# of new/ and cur/ are stored and removed; dot-files, links, FIFOs and
# directories are skipped; a rejected message is renamed into cur/ with
# the T (trashed) flag and skipped on the next run; tmp/ is left alone;
# with an unwritable inbox the drain stops with 75 and removes nothing;
# messages go in batches of up to 64 (one sync of the inbox each), and
# a store that fails mid-run leaves every unstored message in place;
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

# Batches: 150 messages (more than two batches of 64), two of them
# rejected, one in the middle of the first batch and one in the second.
md5=$tmp/md5
ib5=$tmp/ib5
mkmaildir "$md5"
mkinbox "$ib5"
: >"$tmp/marks5"
j=0
while [ $j -lt 150 ]; do
	j=$((j + 1))
	f=$md5/new/1700000400.M$(printf %03d $j)P$j.host.example
	if [ $j -eq 30 ] || [ $j -eq 100 ]; then
		printf '%s\n' "$quote" >"$f"
	else
		msg "BATCH${j}x" >"$f"
		echo "BATCH${j}x" >>"$tmp/marks5"
	fi
done
[ -z "$asuser" ] || chown -R nobody "$md5"
drain "$ib5" "$md5"
check "batches: 65 (two rejected)" [ "$rc" -eq 65 ]
check "batches: the summary" \
    grep -q '148 stored, 2 rejected, 0 skipped' "$tmp/err"
check "batches: 148 items" [ "$(count "$ib5/new")" -eq 148 ]
check "batches: new/ of the Maildir is empty" [ "$(count "$md5/new")" -eq 0 ]
ls -A "$md5/cur" | sort >"$tmp/left.cur5"
printf '%s\n' '1700000400.M030P30.host.example:2,T' \
    '1700000400.M100P100.host.example:2,T' >"$tmp/want.cur5"
check "batches: the rejected ones in cur/ with the T flag" \
    cmp -s "$tmp/left.cur5" "$tmp/want.cur5"
rc=0
decrypt_all "$ib5" "$tmp/d5.out" || rc=$?
check "batches: every item decrypts" [ "$rc" -eq 0 ]
sed -n 's/^narrative=The body of \(BATCH[0-9x]*\),.*/\1/p' "$tmp/d5.out" |
    sort >"$tmp/got5"
sort "$tmp/marks5" >"$tmp/marks5.s"
check "batches: each good message stored exactly once" \
    cmp -s "$tmp/got5" "$tmp/marks5.s"

# A store that fails mid-run: a file size limit that the item of one
# large message (with a 300 KB attachment), the 40th of 100, exceeds.
# 75; the messages stored (those before it, and those of its batch after
# it) are removed, every other one stays; a later run stores the rest,
# so each message is in the inbox exactly once.
md6=$tmp/md6
ib6=$tmp/ib6
mkmaildir "$md6"
mkinbox "$ib6"
: >"$tmp/marks6"
j=0
while [ $j -lt 100 ]; do
	j=$((j + 1))
	f=$md6/new/1700000500.M$(printf %03d $j)P$j.host.example
	if [ $j -eq 40 ]; then
		{ printf 'Subject: big attachment\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="xx"\n\n--xx\nContent-Type: text/plain\n\nThe body of BIG40x, with a few words.\n--xx\nContent-Type: application/octet-stream; name="a.bin"\nContent-Transfer-Encoding: base64\n\n'
		  head -c 300000 /dev/urandom | base64 -w 76
		  printf -- '--xx--\n'; } >"$f"
		big=$f
	else
		msg "FAIL${j}x" >"$f"
		echo "FAIL${j}x" >>"$tmp/marks6"
	fi
done
[ -z "$asuser" ] || chown -R nobody "$md6"
rc=0
# shellcheck disable=SC2086
(ulimit -f 200 && exec "$NMINTAKE" maildir $asuser -i "$ib6" \
    -k "$tmp/rcpt" -t "$TAX" "$md6") 2>"$tmp/err" || rc=$?
check "failed store mid-run: 75" [ "$rc" -eq 75 ]
check "failed store mid-run: the large message is still there" [ -f "$big" ]
check "failed store mid-run: 39 or more stored" \
    [ "$(count "$ib6/new")" -ge 39 ]
check "failed store mid-run: the later batches untouched" \
    [ -f "$md6/new/1700000500.M100P100.host.example" ]
rc=0
decrypt_all "$ib6" "$tmp/d6.out" || rc=$?
check "failed store mid-run: every item decrypts" [ "$rc" -eq 0 ]
sed -n 's/^narrative=The body of \([A-Z]*[0-9]*x\),.*/\1/p' "$tmp/d6.out" |
    sort >"$tmp/got6"
ls "$md6/new" >"$tmp/left6"
check "failed store mid-run: each message either stored or kept" \
    [ "$(($(wc -l <"$tmp/got6") + $(wc -l <"$tmp/left6")))" -eq 100 ]
check "failed store mid-run: none both stored and kept" \
    [ "$(for m in $(cat "$tmp/got6"); do
	grep -l "The body of $m," "$md6"/new/* 2>/dev/null; done | wc -l)" -eq 0 ]
check "failed store mid-run: the failure logged once" \
    [ "$(grep -c 'temporary failure' "$tmp/err")" -eq 1 ]
drain "$ib6" "$md6"
check "failed store, again without the limit: 0" [ "$rc" -eq 0 ]
check "failed store, again: the Maildir is empty" \
    [ "$(count "$md6/new")" -eq 0 ]
rc=0
decrypt_all "$ib6" "$tmp/d6b.out" || rc=$?
sed -n 's/^narrative=The body of \(FAIL[0-9x]*\),.*/\1/p' "$tmp/d6b.out" |
    sort >"$tmp/got6b"
sort "$tmp/marks6" >"$tmp/marks6.s"
check "failed store, again: each message stored exactly once" \
    cmp -s "$tmp/got6b" "$tmp/marks6.s"
check "failed store, again: the large one too" \
    [ "$(grep -c 'BIG40x' "$tmp/d6b.out")" -eq 1 ]

# The auto-reply in a batch: one reply per stored message, each with
# the receipt code of its own item; none for a message without an
# address to answer, nor for a rejected one.
sm=$tmp/sm
md7=$tmp/md7
ib7=$tmp/ib7
mkdir "$sm"
mkmaildir "$md7"
mkinbox "$ib7"
cat >"$sm/sendmail" <<'EOF2'
#!/bin/sh
# A fake sendmail: argv and standard input into sent.N.
d=$(dirname "$0")
{ printf 'argv:'; printf ' [%s]' "$@"; printf '\n'; cat; } >"$d/sent.$$"
exit 0
EOF2
chmod 755 "$sm" "$sm/sendmail"
[ -z "$asuser" ] || chown nobody "$sm"
printf '[intake]\ninbox = %s\nrecipients = %s\ntaxonomy = %s\n[mail]\nreply = on\nsendmail = %s\n' \
    "$ib7" "$tmp/rcpt" "$TAX" "$sm/sendmail" >"$tmp/reply.ini"
for j in 1 2 3; do
	msg "REPLY$j" | sed "s/someone@/someone$j@/" \
	    >"$md7/new/1700000600.M${j}P$j.host.example"
done
msg NOADDR | sed 1d >"$md7/new/1700000600.M4P4.host.example"
printf '%s\n' "$quote" >"$md7/new/1700000600.M5P5.host.example"
[ -z "$asuser" ] || chown -R nobody "$md7"
rc=0
# shellcheck disable=SC2086
"$NMINTAKE" maildir $asuser -c "$tmp/reply.ini" "$md7" 2>"$tmp/err" ||
    rc=$?
check "auto-reply: 65 (one rejected)" [ "$rc" -eq 65 ]
check "auto-reply: four items" [ "$(count "$ib7/new")" -eq 4 ]
check "auto-reply: three replies" [ "$(ls "$sm" | grep -c '^sent\.')" -eq 3 ]
for j in 1 2 3; do
	check "auto-reply: to someone$j" \
	    grep -qxF "To: someone$j@example.org" "$sm"/sent.*
done
check "auto-reply: the one without an address logged" \
    [ "$(grep -c 'gives no address to answer' "$tmp/err")" -eq 1 ]
grep -ohE '[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}' \
    "$sm"/sent.* | sort -u >"$tmp/codes"
check "auto-reply: three distinct codes" [ "$(wc -l <"$tmp/codes")" -eq 3 ]
rc=0
decrypt_all "$ib7" "$tmp/d7.out" || rc=$?
check "auto-reply: every item decrypts" [ "$rc" -eq 0 ]
while read -r code; do
	check "auto-reply: code $code is an item's receipt" \
	    grep -qx "receipt=$(rhash "$code")" "$tmp/d7.out"
done <"$tmp/codes"

# The order of the system calls: each message is removed only after
# its item is created, synced, renamed into new/ and new/ synced; in
# batches, so the audit counts the items made durable by each sync of
# new/ and lets each removal use one up.  70 messages (two batches), one
# rejected.
if ! command -v strace >/dev/null 2>&1; then
	fail "strace missing (make deps)"
elif ! strace -o /dev/null true 2>/dev/null; then
	echo "maildir: strace cannot trace here, order audit skipped"
else
	md4=$tmp/md4
	ib4=$tmp/ib4
	mkmaildir "$md4"
	mkinbox "$ib4"
	j=0
	while [ $j -lt 70 ]; do
		j=$((j + 1))
		if [ $j -eq 33 ]; then
			printf '%s\n' "$quote"
		else
			msg "ORDER$j"
		fi >"$md4/new/1700000300.M$(printf %03d $j)P$j.host.example"
	done
	[ -z "$asuser" ] || chown -R nobody "$md4"
	rc=0
	# shellcheck disable=SC2086
	# (LeakSanitizer cannot run under ptrace.)
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 strace -f -o "$tmp/trace" \
	    -e trace=openat,fsync,rename,renameat,renameat2,unlinkat,exit_group \
	    "$NMINTAKE" maildir $asuser -i "$ib4" -k "$tmp/rcpt" "$md4" \
	    2>"$tmp/err" || rc=$?
	check "order audit: the drain exits 65 (one rejected)" [ "$rc" -eq 65 ]
	# For the main process: created (1), synced (2), renamed (3) items
	# wait for the next fsync, of new/, which makes them durable.
	audit=$(awk '
	$1 ~ /^[0-9]+$/ && main == "" { main = $1 }
	$1 != main { next }
	/openat\([0-9]+, "[0-9a-f]+", O_WRONLY\|O_CREAT\|O_EXCL/ { state = 1; next }
	/fsync\(/ && state == 1 { state = 2; next }
	/renamea?t?2?\(/ && state == 2 { state = 0; renamed++; next }
	/fsync\(/ && state == 0 && renamed > 0 {
		durable += renamed; renamed = 0; syncs++; next
	}
	/unlinkat\(/ { acks++; if (durable > 0) durable--; else bad++; last = NR }
	/fsync\(/ && last > 0 && dsync < last { dsync = NR }
	END {
		printf "acks %d bad %d syncs %d dirsync %s\n", acks, bad, syncs,
		    (dsync > last ? "yes" : "no")
	}' "$tmp/trace")
	check "order audit: 69 removals, each after a durable item, two syncs of new/ ($audit)" \
	    [ "$audit" = "acks 69 bad 0 syncs 2 dirsync yes" ]
fi

# kill -9 at random points of a drain, 20 times; then a drain to the
# end.  Every message is in at least one item; duplicates are allowed.
# The delays reach past the first batch of 64 (about 0.4 s here), so
# some kills fall among the removals and the syncs.
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
	delay=$(awk -v s="$$$iter" 'BEGIN { srand(s); printf "%.3f", rand() * 0.8 }')
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
