#!/bin/sh
# nearmiss-intake mail, end to end: nothing a submitter wrote is lost or
# turned around.  Conflicting or unclear consent lines give no consent
# and stay in the text; base64 sent as padded chunks, CR-only line ends,
# text labelled UTF-8 with invalid bytes (U+FFFD, and the part kept as
# it came), Windows paths in file names, bidirectional controls in the
# title, and a message with nothing to report (quarantined, never an
# empty report).  Each message goes to its own inbox and is decrypted.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh lossless.sh
set -eu
. "$TOP/tests/lib.sh"
SUITE=lossless
. "$TOP/tests/intake/mail.inc"

# one NAME: delivers $tmp/NAME.eml to a new inbox and decrypts its item
# to $tmp/NAME.out; checks exit 0 and one item.
one() {
	mkinbox "$tmp/ib-$1"
	deliver "$tmp/ib-$1" <"$tmp/$1.eml"
	check "$1: exit 0" [ "$rc" -eq 0 ]
	check "$1: one item" [ "$(count "$tmp/ib-$1/new")" -eq 1 ]
	rc=0
	decrypt_all "$tmp/ib-$1" "$tmp/$1.out" || rc=$?
	check "$1: the item decrypts" [ "$rc" -eq 0 ]
}

# --- Consent ----------------------------------------------------------------
printf 'Subject: consent\n\nConsent: no\nWe nearly hit a cyclist.\nConsent: yes\n' \
    >"$tmp/conflict.eml"
one conflict
check "conflict: no consent" grep -qx 'consent=0' "$tmp/conflict.out"
check "conflict: both lines stay in the text" grep -qxF \
    'narrative=Consent: no\nWe nearly hit a cyclist.\nConsent: yes' \
    "$tmp/conflict.out"

printf 'Subject: consent\n\nConsent:\nno\nThe text.\n' >"$tmp/nextline.eml"
one nextline
check "value on the next line: no consent" grep -qx 'consent=0' \
    "$tmp/nextline.out"
check "value on the next line: the lines stay" grep -qxF \
    'narrative=Consent:\nno\nThe text.' "$tmp/nextline.out"

printf 'Subject: consent\n\nConsent: yes\nThe text.\n' >"$tmp/yes.eml"
one yes
check "one clear yes: consent" grep -qx 'consent=1' "$tmp/yes.out"
check "one clear yes: the line goes" grep -qx 'narrative=The text.' \
    "$tmp/yes.out"

printf 'Subject: consent\n\nThe text.\n' >"$tmp/none.eml"
one none
check "no consent line: consent (the submit page says so)" \
    grep -qx 'consent=1' "$tmp/none.out"

# --- Decoding -----------------------------------------------------------------
printf 'Subject: chunks\nMIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nSGVsbG8=\nV29ybGQgTE9TVA==\n' \
    >"$tmp/chunks.eml"
one chunks
check "base64 in padded chunks: all of it" \
    grep -qx 'narrative=HelloWorld LOST' "$tmp/chunks.out"
check_not "base64 in padded chunks: nothing attached" \
    grep -q '^attachment=' "$tmp/chunks.out"

printf 'Subject: old mac\rContent-Type: text/plain\r\rFirst line CRMARK.\rConsent: no\rLast line.\r' \
    >"$tmp/cr.eml"
one cr
check "CR-only: the title" grep -qx 'title=old mac' "$tmp/cr.out"
check "CR-only: the text, line by line" \
    grep -qxF 'narrative=First line CRMARK.\nLast line.' "$tmp/cr.out"
check "CR-only: its consent line read" grep -qx 'consent=0' "$tmp/cr.out"

printf 'Subject: latin\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nCaf\351 \342\202x\n' \
    >"$tmp/utf8.eml"
one utf8
fffd=$(printf '\357\277\275')
check "invalid UTF-8: one U+FFFD per maximal subpart" grep -qF \
    "narrative=Caf$fffd ${fffd}x\\n\\n[Not all" "$tmp/utf8.out"
check "invalid UTF-8: the part kept as it came" \
    grep -qx 'attachment=part-1.txt' "$tmp/utf8.out"
check "invalid UTF-8: its bytes" \
    grep -qxF 'attachment_data=Caf\xe9 \xe2\x82x\n' "$tmp/utf8.out"

# --- File names and one-line fields ---------------------------------------
printf 'Subject: =?utf-8?q?title_=E2=80=AEtxt.exe?=\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n--m\n\nSee the file.\n--m\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="C:\\Users\\jsmith\\Desktop\\x.pdf"\n\nPDF\n--m--\n' \
    >"$tmp/path.eml"
one path
check "Windows path: the last component" grep -qx 'attachment=x.pdf' \
    "$tmp/path.out"
check_not "Windows path: no user name" grep -q jsmith "$tmp/path.out"
check "bidirectional controls: out of the title" \
    grep -qx 'title=title txt.exe' "$tmp/path.out"

# --- Nothing to report --------------------------------------------------------
printf 'From: someone@example.net\nSubject:  \nMIME-Version: 1.0\n\n\n\n' \
    >"$tmp/empty.eml"
one empty
check "nothing to report: quarantined" grep -qx 'quarantined=1' \
    "$tmp/empty.out"
check "nothing to report: no consent" grep -qx 'consent=0' \
    "$tmp/empty.out"
check "nothing to report: the message kept" \
    grep -qx 'attachment=message.eml' "$tmp/empty.out"
check_not "nothing to report: the sender is not" \
    grep -q 'someone@example.net' "$tmp/empty.out"

printf 'MIME-Version: 1.0\nContent-Type: text/html\n\n<html><body><img src="cid:a"></body></html>\n' \
    >"$tmp/html.eml"
one html
check "HTML that turns into nothing, no subject: quarantined" \
    grep -qx 'quarantined=1' "$tmp/html.out"

finish lossless
