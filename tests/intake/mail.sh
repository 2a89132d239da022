#!/bin/sh
# nearmiss-intake mail: one message on standard input, as an MTA's pipe
# transport runs it.  Exit statuses (0 stored, 65 rejected with a reason,
# 75 temporary), the decrypted record of a good message, the known-bad
# inputs of security-anchors.md 2.1 (each within 256 MiB; CPU printed),
# the 107-message MIME corpus, a full disk, the -c file, and the
# optional auto-reply through a fake sendmail.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh mail.sh
set -eu
. "$TOP/tests/lib.sh"
SUITE=mail
. "$TOP/tests/intake/mail.inc"

today=$(date -u +%Y-%m-%d)
mkfifo "$tmp/fifo"
ib=$tmp/ib
mkinbox "$ib"
: >"$tmp/allerr"

# measure LABEL: prints the CPU and RSS of the last delivery and checks
# the RSS (not under ASan, whose shadow memory counts).
measure() {
	read -r u s kib <<EOF2 || true
$(tail -n 1 "$tmp/time")
EOF2
	echo "mail: $1: exit $rc, cpu ${u}s user ${s}s sys, max rss ${kib} KiB"
	if [ -z "$asan" ]; then
		check "$1: max RSS <= 256 MiB ($kib KiB)" [ "${kib:-999999}" -le 262144 ]
	fi
	cat "$tmp/err" >>"$tmp/allerr"
}

# --- A good message -------------------------------------------------------
cat >"$tmp/good.eml" <<'MSG'
Return-Path: <sender.one@mail.example.org>
Received: from mail.example.org (mail.example.org [192.0.2.44])
	by mx.nearmiss.example with ESMTPS; Tue, 3 Nov 2026 14:22:07 -0700
From: Sender One <sender.one@mail.example.org>
To: reports@nearmiss.example
Subject: Near miss at a traffic stop
Date: Tue, 3 Nov 2026 14:22:07 -0700
Message-ID: <1234.5678@laptop.sender.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

We stopped a car on the shoulder at night and a truck came very close.
GOODBODY marker line.

Lessons learned: Park further back and keep the lights on.
MSG
deliver "$ib" <"$tmp/good.eml"
measure "good message"
check "good message: exit 0" [ "$rc" -eq 0 ]
check "good message: nothing on stderr" [ ! -s "$tmp/err" ]
check "good message: one item" [ "$(count "$ib/new")" -eq 1 ]
check "good message: tmp/ empty" [ "$(count "$ib/tmp")" -eq 0 ]
check_not "good message: not stored in the clear" \
    grep -qa GOODBODY "$ib"/new/*
rc=0
decrypt_all "$ib" "$tmp/good.out" || rc=$?
check "good message: the item decrypts" [ "$rc" -eq 0 ]
check "good message: the title is the subject" \
    grep -qx 'title=Near miss at a traffic stop' "$tmp/good.out"
check "good message: the text" grep -q '^narrative=.*GOODBODY marker' \
    "$tmp/good.out"
check "good message: lessons learned" \
    grep -qx 'lessons=Park further back and keep the lights on.' \
    "$tmp/good.out"
check "good message: channel email" grep -qx 'channel=email' \
    "$tmp/good.out"
check "good message: received today (UTC), the day only" \
    grep -qx "received=$today" "$tmp/good.out"
check "good message: a receipt hash" \
    grep -qxE 'receipt=[0-9a-f]{64}' "$tmp/good.out"
check_not "good message: receipt hash is not all zero" \
    grep -qx "receipt=$(printf '0%.0s' $(seq 64))" "$tmp/good.out"
for s in sender.one 192.0.2.44 laptop.sender 14:22:07 -0700 \
    mx.nearmiss.example reports@; do
	check_not "good message: no $s in the record" grep -qF -- "$s" \
	    "$tmp/good.out"
done
item_mode=$(stat -c %a "$ib"/new/*)
check "good message: item mode 0600" [ "$item_mode" = 600 ]

# The order of the system calls: exit 0 only after the item is created,
# synced, renamed into new/ and new/ synced.
if ! command -v strace >/dev/null 2>&1; then
	fail "strace missing (make deps)"
elif ! strace -o /dev/null true 2>/dev/null; then
	echo "mail: strace cannot trace here, order audit skipped"
else
	rc=0
	# shellcheck disable=SC2086
	# (LeakSanitizer cannot run under ptrace.)
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 strace -f -o "$tmp/trace" \
	    -e trace=openat,fsync,rename,renameat,renameat2,unlinkat,exit_group \
	    "$NMINTAKE" mail $asuser -i "$ib" -k "$tmp/rcpt" -t "$TAX" \
	    <"$tmp/good.eml" 2>"$tmp/err" || rc=$?
	check "order audit: exit 0" [ "$rc" -eq 0 ]
	audit=$(awk -v ack=exit -f "$TOP/tests/intake/order.awk" "$tmp/trace")
	check "order audit: exit 0 after a durable item ($audit)" \
	    [ "$audit" = "acks 1 bad 0" ]
fi

# --- Refusals ---------------------------------------------------------------
n0=$(count "$ib/new")
deliver "$ib" </dev/null
check "empty message: 65" [ "$rc" -eq 65 ]
check "empty message: says so" grep -q 'empty' "$tmp/err"

# Big inputs are streamed through a FIFO, never written to a file (and
# not piped: deliver must run in this shell to set $rc).
{ printf 'Subject: big\n\n'; head -c 10485760 /dev/zero | tr '\0' a; } \
    >"$tmp/fifo" &
deliver "$ib" <"$tmp/fifo"
wait
measure "10 MiB + 14 bytes"
check "oversized: 65" [ "$rc" -eq 65 ]
check "oversized: the reason, in words" grep -q 'larger than' "$tmp/err"

# A 100 MiB header line, streamed (never a file): read on and refused.
{ printf 'Subject: '; head -c 104857600 /dev/zero | tr '\0' a
  printf '\n\nbody\n'; } >"$tmp/fifo" &
deliver "$ib" <"$tmp/fifo"
wait
measure "100 MiB header line"
check "100 MiB header line: 65" [ "$rc" -eq 65 ]

# A 9 MiB header line: under the size cap, so the pre-check sees it.
{ printf 'X-Long: '; head -c 9437184 /dev/zero | tr '\0' a
  printf '\nSubject: long\n\nbody\n'; } >"$tmp/fifo" &
deliver "$ib" <"$tmp/fifo"
wait
measure "9 MiB header line"
check "9 MiB header line: 65 (line cap)" [ "$rc" -eq 65 ]
check "9 MiB header line: a reason" [ -s "$tmp/err" ]

# libetpan 1.9.4 segfaults on this 97-byte message (security-anchors 0.1).
printf 'Content-Type: multipart/mixed; boundary="\\""\n\n--"\nContent-Type: text/plain\n\nx\n--"--\n' \
    >"$tmp/quote.eml"
deliver "$ib" <"$tmp/quote.eml"
measure 'boundary="\""'
check 'boundary="\"": 65 or 0 (quarantined), not a signal' \
    sh -c "[ $rc -eq 65 ] || [ $rc -eq 0 ]"

# 20,000-deep multipart (quadratic in libetpan).
awk 'BEGIN {
	n = 20000
	print "Subject: deep"
	print "MIME-Version: 1.0"
	for (i = 0; i < n; i++) {
		printf "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n", i
		printf "--b%d\n", i
	}
	print "Content-Type: text/plain\n\ndeep text"
	for (i = n - 1; i >= 0; i--)
		printf "--b%d--\n", i
}' >"$tmp/deep.eml"
deliver "$ib" <"$tmp/deep.eml"
measure "20,000-deep multipart"
check "20,000-deep multipart: 65" [ "$rc" -eq 65 ]
check "20,000-deep multipart: says why" grep -qi 'nest\|deep\|depth' \
    "$tmp/err"

printf 'Subject: a\000b\n\nbody\n' >"$tmp/m.eml"
deliver "$ib" <"$tmp/m.eml"
measure "NUL in a header"
check "NUL in a header: 65" [ "$rc" -eq 65 ]
printf 'Subject: nul body\n\nbefore\000after NULBODY\n' >"$tmp/m.eml"
deliver "$ib" <"$tmp/m.eml"
measure "NUL in the body"
check "NUL in the body: 0 or 65" sh -c "[ $rc -eq 0 ] || [ $rc -eq 65 ]"

printf 'Subject: b64\nMIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!!####not base64 @@@\nQUJD===?\nQ\n' \
    >"$tmp/m.eml"
deliver "$ib" <"$tmp/m.eml"
measure "broken base64"
check "broken base64: 0 or 65" sh -c "[ $rc -eq 0 ] || [ $rc -eq 65 ]"
printf 'Subject: qp\nMIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n=ZZ=4=\n=C3=\n' \
    >"$tmp/m.eml"
deliver "$ib" <"$tmp/m.eml"
measure "broken quoted-printable"
check "broken quoted-printable: 0 or 65" \
    sh -c "[ $rc -eq 0 ] || [ $rc -eq 65 ]"

# Lying charsets: the record must still be valid UTF-8 (nm-decrypt and
# record_decode check that).
for cs in utf-8:'caf\351 cr\350me' us-ascii:'caf\303\251' \
    x-klingon:'qapla\377' iso-2022-jp:'\033$B\033(\377\033' \
    utf-16:'\377\376a\000\000\330' utf-8:'\355\240\200 surrogate' \
    utf-8:'\300\257 overlong'; do
	name=${cs%%:*}
	body=${cs#*:}
	printf "Subject: charset $name\nMIME-Version: 1.0\nContent-Type: text/plain; charset=$name\n\n$body LIEMARK\n" \
	    >"$tmp/m.eml"
	deliver "$ib" <"$tmp/m.eml"
	measure "charset $name"
	check "charset $name: 0 or 65" sh -c "[ $rc -eq 0 ] || [ $rc -eq 65 ]"
done
printf 'Subject: =?utf-8?B?/w==?= =?x-bogus?Q?a?= =?utf-8?Q?=C3?=\n\nbad words\n' \
    >"$tmp/m.eml"
deliver "$ib" <"$tmp/m.eml"
measure "broken RFC 2047 subject"
check "broken RFC 2047 subject: 0 or 65" \
    sh -c "[ $rc -eq 0 ] || [ $rc -eq 65 ]"
rc=0
decrypt_all "$ib" "$tmp/bad.out" || rc=$?
check "after the known-bad inputs: every item decrypts" [ "$rc" -eq 0 ]
check "after the known-bad inputs: tmp/ empty" [ "$(count "$ib/tmp")" -eq 0 ]

# --- The parser child fails: a quarantined item, exit 0 --------------------------
# crashparse.c, preloaded, makes libetpan's mailmime_parse() (called in
# the child only) crash, spin or eat memory on a marker in the message.
if ! command -v cc >/dev/null 2>&1 ||
    ! cc -shared -fPIC -o "$tmp/crashparse.so" \
    "$TOP/tests/intake/crashparse.c" -ldl 2>"$tmp/cc.err"; then
	cat "$tmp/cc.err" >&2 || true
	fail "could not build the crashparse.c shim"
else
	chmod 755 "$tmp/crashparse.so"
	qib=$tmp/qib
	mkinbox "$qib"
	DENV="LD_PRELOAD=$tmp/crashparse.so ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0"
	nq=0
	for kind in CRASH SPIN ALLOC; do
		# ASan reserves terabytes of address space: no memory limit.
		[ "$kind" = ALLOC ] && [ -n "$asan" ] && continue
		cat >"$tmp/q.eml" <<EOF2
Received: from laptop.qleak.example ([198.51.100.77])
	by mx.nearmiss.example; Tue, 3 Nov 2026 14:22:07 -0700
From: Quarantine Sender <q.sender@qleak.example>
Message-ID: <q1.QMSGID@qleak.example>
Date: Tue, 3 Nov 2026 14:22:07 -0700
X-Mailer: QLeakMailer 1.0
Subject: Quarantine $kind
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

NM-$kind-PARSER and QBODY$kind.
EOF2
		deliver "$qib" <"$tmp/q.eml"
		measure "parser child $kind"
		check "parser child $kind: exit 0 (quarantined)" [ "$rc" -eq 0 ]
		check "parser child $kind: logged as such" \
		    grep -q 'quarantined' "$tmp/err"
		nq=$((nq + 1))
		check "parser child $kind: one more item" \
		    [ "$(count "$qib/new")" -eq "$nq" ]
	done
	DENV=
	rc=0
	decrypt_all "$qib" "$tmp/q.out" || rc=$?
	check "quarantined items decrypt" [ "$rc" -eq 0 ]
	check "quarantined=1 on each" \
	    [ "$(grep -cx 'quarantined=1' "$tmp/q.out")" -eq "$nq" ]
	check "one message.eml each" \
	    [ "$(grep -cx 'attachment=message.eml' "$tmp/q.out")" -eq "$nq" ]
	check "of type message/rfc822" \
	    [ "$(grep -cx 'attachment_type=message/rfc822' "$tmp/q.out")" -eq "$nq" ]
	check "the body is kept" grep -q '^attachment_data=.*QBODYCRASH' \
	    "$tmp/q.out"
	check "the Subject is kept" \
	    grep -q '^attachment_data=.*Subject: Quarantine CRASH' "$tmp/q.out"
	check "no text" [ "$(grep -cx 'narrative=' "$tmp/q.out")" -eq "$nq" ]
	for s in qleak 198.51.100.77 14:22:07 -0700 QLeakMailer QMSGID \
	    q.sender; do
		check_not "quarantined: no $s" grep -qF -- "$s" "$tmp/q.out"
	done
fi

# --- The MIME corpus ----------------------------------------------------------
corpus=$TOP/tests/mime-corpus
[ -d "$corpus" ] || corpus=/work/shared/corpora/mime
find "$corpus" -name '*.eml' 2>/dev/null | sort >"$tmp/corpus"
check "the corpus has 107 messages" [ "$(wc -l <"$tmp/corpus")" -eq 107 ]
c0=0 c65=0 c75=0 cbad=0 maxkib=0
cib=$tmp/cib
mkinbox "$cib"
while read -r f; do
	deliver "$cib" <"$f"
	kib=$(tail -n 1 "$tmp/time" | awk '{ print $3 }')
	[ "${kib:-0}" -gt "$maxkib" ] && maxkib=$kib
	case $rc in
	0) c0=$((c0 + 1)) ;;
	65) c65=$((c65 + 1)) ;;
	75) c75=$((c75 + 1)) ;;
	*) cbad=$((cbad + 1)); echo "mail: corpus: $f: exit $rc" >&2 ;;
	esac
	cat "$tmp/err" >>"$tmp/allerr"
done <"$tmp/corpus"
echo "mail: corpus: $c0 stored, $c65 rejected, $c75 temporary, $cbad other; max rss $maxkib KiB"
check "corpus: every exit status is 0, 65 or 75 ($cbad not)" [ "$cbad" -eq 0 ]
check "corpus: no temporary failure" [ "$c75" -eq 0 ]
check "corpus: one item per stored message" [ "$(count "$cib/new")" -eq "$c0" ]
rc=0
decrypt_all "$cib" "$tmp/corpus.out" || rc=$?
check "corpus: every item decrypts" [ "$rc" -eq 0 ]
if [ -z "$asan" ]; then
	check "corpus: max RSS <= 256 MiB" [ "$maxkib" -le 262144 ]
fi

# --- Standard input and command line -------------------------------------------
deliver "$ib" <"$tmp"
check "unreadable standard input (a directory): 75" [ "$rc" -eq 75 ]
rc=0
"$NMINTAKE" mail --frobnicate </dev/null 2>"$tmp/err" || rc=$?
check "a bad option: 75 (the MTA keeps the mail)" [ "$rc" -eq 75 ]
if [ -n "$asuser" ]; then
	rc=0
	"$NMINTAKE" mail -i "$ib" -k "$tmp/rcpt" <"$tmp/good.eml" \
	    2>"$tmp/err" || rc=$?
	check "root without -u: 75" [ "$rc" -eq 75 ]
	check "root without -u: says why" grep -q root "$tmp/err"
fi
rc=0
# shellcheck disable=SC2086
"$NMINTAKE" mail $asuser -i "$tmp/nowhere" -k "$tmp/rcpt" \
    <"$tmp/good.eml" 2>"$tmp/err" || rc=$?
check "a missing inbox: 75" [ "$rc" -eq 75 ]
rc=0
# shellcheck disable=SC2086
"$NMINTAKE" mail $asuser -k "$tmp/rcpt" <"$tmp/good.eml" 2>"$tmp/err" ||
    rc=$?
check "no inbox given: 75" [ "$rc" -eq 75 ]
check "no inbox given: says so" grep -q 'no inbox' "$tmp/err"

# -c: [intake] and [mail]; [imap] and [serve] are other commands'.
cib2=$tmp/cfgib
mkinbox "$cib2"
cat >"$tmp/intake.ini" <<EOF2
; nearmiss-intake -c
[intake]
inbox = $cib2
recipients = $tmp/rcpt
taxonomy = $TAX

[mail]
reply = off

[imap]
host = imap.example.org
port = 993

[serve]
listen = 127.0.0.1:8025
EOF2
rc=0
# shellcheck disable=SC2086
"$NMINTAKE" mail $asuser -c "$tmp/intake.ini" <"$tmp/good.eml" \
    2>"$tmp/err" || rc=$?
check "-c: exit 0" [ "$rc" -eq 0 ]
check "-c: the item is in its inbox" [ "$(count "$cib2/new")" -eq 1 ]
printf '[intake]\ninbox = %s\n[mail]\nfrobnicate = 1\n' "$cib2" \
    >"$tmp/bad.ini"
rc=0
# shellcheck disable=SC2086
"$NMINTAKE" mail $asuser -c "$tmp/bad.ini" -k "$tmp/rcpt" \
    <"$tmp/good.eml" 2>"$tmp/err" || rc=$?
check "-c with an unknown key: 75" [ "$rc" -eq 75 ]
check "-c with an unknown key: path:line: what" \
    grep -qF "$tmp/bad.ini:4: unknown key frobnicate in [mail]" "$tmp/err"
printf '[mail]\nreply = maybe\n' >"$tmp/bad.ini"
rc=0
# shellcheck disable=SC2086
"$NMINTAKE" mail $asuser -c "$tmp/bad.ini" -i "$ib" -k "$tmp/rcpt" \
    <"$tmp/good.eml" 2>"$tmp/err" || rc=$?
check "-c with reply = maybe: 75" [ "$rc" -eq 75 ]
check "-c with reply = maybe: says so" grep -q 'on or off' "$tmp/err"
printf '[frob]\nx = 1\n' >"$tmp/bad.ini"
rc=0
# shellcheck disable=SC2086
"$NMINTAKE" mail $asuser -c "$tmp/bad.ini" -i "$ib" -k "$tmp/rcpt" \
    <"$tmp/good.eml" 2>"$tmp/err" || rc=$?
check "-c with an unknown section: 75" [ "$rc" -eq 75 ]
check "-c with an unknown section: says so" \
    grep -q 'unknown section \[frob\]' "$tmp/err"

# --- Disk full: a 1 MiB tmpfs (root only) -----------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	echo "mail: not root, disk-full checks skipped"
elif ! mkdir "$tmp/full" || ! mount -t tmpfs -o size=1m tmpfs "$tmp/full"
then
	echo "mail: cannot mount a tmpfs, disk-full checks skipped"
else
	mnt=$tmp/full
	mkinbox "$mnt"
	dd if=/dev/zero of="$mnt/filler" bs=4096 2>/dev/null || true
	all=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		deliver "$mnt" <"$tmp/good.eml"
		all="$all$rc "
	done
	check "disk full: ten deliveries, all 75 ($all)" \
	    [ "$all" = "75 75 75 75 75 75 75 75 75 75 " ]
	check "disk full: a reason" grep -q 'temporary failure' "$tmp/err"
	check "disk full: nothing in new/" [ "$(count "$mnt/new")" -eq 0 ]
	check "disk full: nothing in tmp/" [ "$(count "$mnt/tmp")" -eq 0 ]
	# Room for a small item but not for a 600 KiB one.
	rm -f "$mnt/filler"
	dd if=/dev/zero of="$mnt/filler" bs=4096 count=100 2>/dev/null
	{ printf 'Subject: big attachment\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="xx"\n\n--xx\nContent-Type: text/plain\n\nsee attached\n--xx\nContent-Type: application/octet-stream; name="a.bin"\nContent-Transfer-Encoding: base64\n\n'
	  head -c 1200000 /dev/urandom | base64 -w 76
	  printf '\n--xx--\n'; } >"$tmp/bigatt.eml"
	deliver "$mnt" <"$tmp/bigatt.eml"
	check "a 1.2 MB attachment on 600 KiB free: 75" [ "$rc" -eq 75 ]
	check "a 1.2 MB attachment on 600 KiB free: nothing partial" \
	    [ "$(count "$mnt/new")$(count "$mnt/tmp")" = 00 ]
	rm -f "$mnt/filler"
	deliver "$mnt" <"$tmp/good.eml"
	check "space freed: 0" [ "$rc" -eq 0 ]
	check "space freed: one item" [ "$(count "$mnt/new")" -eq 1 ]
	umount "$mnt" && mnt=
fi

# --- The auto-reply -----------------------------------------------------------------
sm=$tmp/sm
mkdir "$sm"
cat >"$sm/sendmail" <<'EOF2'
#!/bin/sh
# A fake sendmail: argv and standard input into sent.N.
d=$(dirname "$0")
{ printf 'argv:'; printf ' [%s]' "$@"; printf '\n'; cat; } >"$d/sent.$$"
exit 0
EOF2
printf '#!/bin/sh\ncat >/dev/null\necho "cannot send to $*" >&2\nexit 1\n' \
    >"$sm/sendmail-fail"
chmod 755 "$sm" "$sm/sendmail" "$sm/sendmail-fail"
[ -z "$asuser" ] || chown nobody "$sm"
rib=$tmp/rib
mkinbox "$rib"
# replycfg ON SENDMAIL: the -c file of the reply tests.
replycfg() {
	printf '[intake]\ninbox = %s\nrecipients = %s\ntaxonomy = %s\n[mail]\nreply = %s\nsendmail = %s\nreply_from = intake@nearmiss.example\n' \
	    "$rib" "$tmp/rcpt" "$TAX" "$1" "$2" >"$tmp/reply.ini"
}
# rdeliver: deliver standard input with $tmp/reply.ini.
rdeliver() {
	rm -f "$sm"/sent.*
	rc=0
	# shellcheck disable=SC2086
	"$NMINTAKE" mail $asuser -c "$tmp/reply.ini" 2>"$tmp/err" || rc=$?
	cat "$tmp/err" >>"$tmp/allerr"
}
sent() {
	cat "$sm"/sent.* 2>/dev/null
}

# Off by default: no -c at all, and a -c without reply.
deliver "$rib" <"$tmp/good.eml"
check "reply off by default (no -c): exit 0" [ "$rc" -eq 0 ]
replycfg off "$sm/sendmail"
rdeliver <"$tmp/good.eml"
check "reply = off: exit 0" [ "$rc" -eq 0 ]
check "reply = off: sendmail never called" [ -z "$(sent)" ]
sed '/^reply = /d' "$tmp/reply.ini" >"$tmp/reply2.ini"
mv "$tmp/reply2.ini" "$tmp/reply.ini"
rm -f "$sm"/sent.*
rc=0
# shellcheck disable=SC2086
"$NMINTAKE" mail $asuser -c "$tmp/reply.ini" <"$tmp/good.eml" \
    2>"$tmp/err" || rc=$?
check "reply not set: exit 0" [ "$rc" -eq 0 ]
check "reply not set: sendmail never called" [ -z "$(sent)" ]

replycfg on "$sm/sendmail"
cat >"$tmp/reply.eml" <<'MSG'
From: Real Name <from.addr@example.org>
Reply-To: "Smith, J." <reply.addr@example.net>
Subject: Reply test REPLYSUBJ
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Body of the reply test REPLYBODY.
MSG
before=$(ls "$rib/new" | sort)
rdeliver <"$tmp/reply.eml"
check "reply = on: exit 0" [ "$rc" -eq 0 ]
check "reply = on: sendmail called once" [ "$(ls "$sm" | grep -c '^sent\.')" -eq 1 ]
sent >"$tmp/sent"
check "reply: argv is -i -t -f FROM" \
    grep -qxF 'argv: [-i] [-t] [-f] [intake@nearmiss.example]' "$tmp/sent"
check "reply: to the Reply-To address" \
    grep -qxF 'To: reply.addr@example.net' "$tmp/sent"
check "reply: from reply_from" grep -qxF 'From: intake@nearmiss.example' \
    "$tmp/sent"
check "reply: Auto-Submitted: auto-replied" \
    grep -qxF 'Auto-Submitted: auto-replied' "$tmp/sent"
check_not "reply: no other recipient" grep -qiE '^(cc|bcc):' "$tmp/sent"
check_not "reply: not to the From address" grep -qF from.addr "$tmp/sent"
code=$(grep -oE '[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}' \
    "$tmp/sent" | head -n 1)
check "reply: carries a receipt code" [ -n "$code" ]
check "reply: the archive's status page, on a line of its own" \
    grep -qxF '    https://nearmiss.example.org/status/' "$tmp/sent"
new=$(ls "$rib/new" | sort | grep -vxF "$before" || true)
check "reply: one new item" [ "$(echo "$new" | wc -l)" -eq 1 ]
rc=0
"$DECRYPT" "$tmp/alice.key" "$rib/new/$new" >"$tmp/reply.out" || rc=$?
check "reply: the item decrypts" [ "$rc" -eq 0 ]
check "reply: the code is the item's receipt" \
    grep -qx "receipt=$(rhash "$code")" "$tmp/reply.out"
check "reply: the item holds the report" grep -q REPLYBODY "$tmp/reply.out"
cat "$rib"/new/* "$tmp/reply.out" "$tmp/err" >"$tmp/rall"
for a in reply.addr from.addr example.net Smith; do
	check_not "reply: no $a in the inbox, the item or the log" \
	    grep -qaF "$a" "$tmp/rall"
done
check_not "reply: the code is not in the inbox or the item" \
    grep -qaF "$code" "$tmp/rall"

printf 'From: from.only@example.org\nSubject: s\n\nFROMONLY\n' >"$tmp/m.eml"
rdeliver <"$tmp/m.eml"
check "From only: exit 0" [ "$rc" -eq 0 ]
check "From only: the reply goes to it" \
    sh -c "cat '$sm'/sent.* | grep -qxF 'To: from.only@example.org'"

printf 'From: "=?UTF-8?Q?Jos=C3=A9?=" j@example.org <jose.addr@example.org>\nSubject: s\n\nDISPLAY\n' \
    >"$tmp/m.eml"
rdeliver <"$tmp/m.eml"
check "a display name with an @ and an encoded word: answered" \
    sh -c "cat '$sm'/sent.* | grep -qxF 'To: jose.addr@example.org'"

# Addresses that must get no reply (and no word of them in the log).
i=0
for h in \
    'From: two@example.org, three@example.org' \
    'Reply-To: <a@example.org>, <b@example.org>' \
    'From: "x" <evil@example.org>
 Bcc: victim@example.com' \
    'From: <evil@example.org> Bcc: victim@example.com' \
    'From: evil@exa mple.org' \
    'From: -oQ/tmp/x@example.org' \
    'From: <evil@[127.0.0.1]>' \
    'From: evil@localhost' \
    'From: "evil\"@example.org' \
    'From: ev"il@example.org' \
    'From: evil(comment)@example.org' \
    'From: undisclosed:;' \
    'From: Group: a@example.org, b@example.org;' \
    'From: evil@example.org
From: other@example.org' \
    'From: MAILER-DAEMON@example.org' \
    'From: postmaster@example.org' \
    'From: ok.addr@example.org
Auto-Submitted: auto-replied' \
    'From: ok.addr@example.org
Precedence: bulk' \
    'From: ok.addr@example.org
List-Id: <list.example.org>' \
    'Return-Path: <>
From: ok.addr@example.org' \
    'From: évil@example.org' \
    'From: evil@example.org.'; do
	i=$((i + 1))
	printf '%s\nSubject: no reply %d\n\nNOREPLY\n' "$h" "$i" >"$tmp/m.eml"
	rdeliver <"$tmp/m.eml"
	check "no reply $i: exit 0" [ "$rc" -eq 0 ]
	check "no reply $i: sendmail not called" [ -z "$(sent)" ]
	check "no reply $i: logged" grep -q 'no reply sent' "$tmp/err"
	check_not "no reply $i: no address in the log" \
	    grep -qiE 'evil|victim|two@|ok\.addr|a@example' "$tmp/err"
done
printf 'From: ok.addr@example.org\nAuto-Submitted: no\nSubject: s\n\nb\n' \
    >"$tmp/m.eml"
rdeliver <"$tmp/m.eml"
check "Auto-Submitted: no: answered" [ -n "$(sent)" ]

replycfg on "$sm/sendmail-fail"
rdeliver <"$tmp/reply.eml"
check "a failing sendmail: still exit 0" [ "$rc" -eq 0 ]
check "a failing sendmail: logged" grep -q 'auto-reply: .* exited 1' \
    "$tmp/err"
check_not "a failing sendmail: no address in the log" \
    grep -qF reply.addr "$tmp/err"
replycfg on "$sm/nothing-here"
rdeliver <"$tmp/reply.eml"
check "a missing sendmail: still exit 0" [ "$rc" -eq 0 ]
check "a missing sendmail: logged" grep -q 'could not run' "$tmp/err"
replycfg on "sendmail"
rdeliver <"$tmp/reply.eml"
check "a relative sendmail path: 75" [ "$rc" -eq 75 ]

# Nothing a sender wrote reached the log.
for s in sender.one from.addr reply.addr GOODBODY LIEMARK 192.0.2.44; do
	check_not "no $s in any log line" grep -qF "$s" "$tmp/allerr"
done

finish mail
