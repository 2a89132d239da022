#!/bin/sh
# nearmiss-intake mail: planted identifiers.  60 generated messages carry
# identifying headers (IPs in Received and X-Originating-IP, host names
# in Received, Message-ID, DKIM-Signature and ARC-*, X-Mailer,
# User-Agent, From/Reply-To/Return-Path/Sender addresses, RFC 2047
# encoded names, dates with their time zones) in rotating header
# positions, across ten MIME layouts (plain, quoted-printable, base64,
# HTML only with a tracking pixel, multipart/alternative, attachments,
# nested multiparts, Latin-1, RFC 2047 subjects, CRLF).  None of the
# planted markers may be in the inbox files or in the decrypted items,
# while every body and subject marker must be (so the search can fail).
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh planted.sh
set -eu
. "$TOP/tests/lib.sh"
SUITE=planted
. "$TOP/tests/intake/mail.inc"

N=60
# The planted markers: none may survive.
cat >"$tmp/planted" <<'EOF2'
198.51.100.
203.0.113.
192.0.2.
leakhost
LEAKMSGID
dkimleak
LEAKDKIMSIG
arcleak
LEAKARCSIG
LeakMailer
LeakAgent
fromleak
leaky.from
Leaky Sender
Encodedleak
replyleak
returnleak
senderleak
ccleak
refleak
authleak
spfleak
Leak County
dntleak
LEAKTHREAD
cidleak
LEAKATTID
pixelleak
origmailleak
14:22:07
-0700
+0545
+1030
EOF2

zones="-0700 +0545 +1030"

# headers I: the planted header block of message I, rotated by I so
# that every header comes first, last and in between across the set.
headers() {
	i=$1
	set -- $zones
	shift $((i % 3))
	tz=${1:--0700}
	{
	printf 'Received: from relay%s.leakhost.example (relay%s.leakhost.example [198.51.100.%s])\n\tby mx.leakhost.example with ESMTPS id LEAK%s;\n\tTue, 3 Nov 2026 14:22:07 %s\n' "$i" "$i" "$((i % 250 + 1))" "$i" "$tz"
	printf 'Received: from [203.0.113.%s] (helo=laptop%s.leakhost.example)\n by relay.leakhost.example; Tue, 3 Nov 2026 14:22:07 %s\n' "$((i % 250 + 1))" "$i" "$tz"
	printf 'X-Originating-IP: [203.0.113.%s]\n' "$((i % 250 + 2))"
	printf 'X-Forwarded-For: 192.0.2.%s\n' "$((i % 250 + 1))"
	printf 'Message-ID: <%s.LEAKMSGID@client%s.leakhost.example>\n' "$i" "$i"
	printf 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=dkimleak.example;\n s=sel%s; h=from:to:subject:date; bh=LEAKDKIMSIG%s=;\n b=LEAKDKIMSIG%sAAAA\n' "$i" "$i" "$i"
	printf 'ARC-Seal: i=1; a=rsa-sha256; t=1793740927; cv=none; d=arcleak.example; s=arc; b=LEAKARCSIG%s\n' "$i"
	printf 'ARC-Message-Signature: i=1; a=rsa-sha256; d=arcleak.example; b=LEAKARCSIG%s\n' "$i"
	printf 'ARC-Authentication-Results: i=1; mx.arcleak.example; spf=pass\n'
	printf 'Authentication-Results: mx.authleak.example; dkim=pass header.d=dkimleak.example\n'
	printf 'Received-SPF: pass (spfleak.example: domain of leaky.from%s@fromleak.example designates 198.51.100.9 as permitted sender)\n' "$i"
	printf 'X-Mailer: LeakMailer 9.%s\n' "$i"
	printf 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) LeakAgent/%s\n' "$i"
	if [ $((i % 2)) -eq 0 ]; then
		printf 'From: Leaky Sender <leaky.from%s@fromleak.example>\n' "$i"
	else
		printf 'From: =?UTF-8?B?%s?= <leaky.from%s@fromleak.example>\n' \
		    "$(printf 'Encodedleak %s' "$i" | base64 -w 0)" "$i"
	fi
	printf 'Reply-To: "=?UTF-8?Q?Encodedleak_%s?=" <leaky.reply%s@replyleak.example>\n' "$i" "$i"
	printf 'Return-Path: <bounce%s@returnleak.example>\n' "$i"
	printf 'Sender: sender%s@senderleak.example\n' "$i"
	printf 'To: reports@nearmiss.example\nCc: colleague%s@ccleak.example\n' "$i"
	printf 'In-Reply-To: <ref%s@refleak.example>\nReferences: <ref%s@refleak.example>\n <older%s@refleak.example>\n' "$i" "$i" "$i"
	printf 'Date: Tue, 3 Nov 2026 14:22:07 %s\n' "$tz"
	printf 'Organization: Leak County Sheriff\n'
	printf 'Disposition-Notification-To: <dnt%s@dntleak.example>\n' "$i"
	printf 'Thread-Index: AdLEAKTHREAD%s==\n' "$i"
	printf 'X-Originating-Email: [leaky.from%s@origmailleak.example]\n' "$i"
	} | awk -v r="$i" '
		/^[ \t]/ { h[n] = h[n] "\n" $0; next }
		{ h[++n] = $0 }
		END { for (k = 0; k < n; k++) print h[(k + r) % n + 1] }'
}

# part headers with planted identifiers, for MIME parts.
parthdr() {
	printf 'Content-ID: <part%s@cidleak.example>\nX-Attachment-Id: LEAKATTID%s\n' "$1" "$1"
}

# gen I: message I (layout I mod 10) on standard output.
gen() {
	i=$1
	layout=$((i % 10))
	headers "$i"
	printf 'MIME-Version: 1.0\n'
	body="Near miss report $i. BODYMARK$i: the car rolled back on a slope."
	case $layout in
	0)
		printf 'Subject: Planted %s TITLEMARK%s\nContent-Type: text/plain; charset=us-ascii\n\n%s\n' "$i" "$i" "$body"
		;;
	1)
		printf 'Subject: Planted %s TITLEMARK%s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nNear miss report %s. BODY=\nMARK%s: caf=C3=A9 and a soft=\n break.\n' "$i" "$i" "$i" "$i"
		;;
	2)
		printf 'Subject: Planted %s TITLEMARK%s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n' "$i" "$i"
		printf '%s\n' "$body" | base64 -w 76
		;;
	3)
		printf 'Subject: Planted %s TITLEMARK%s\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n' "$i" "$i"
		printf '<html><body><p>Near miss report %s. BODYMARK%s: the car rolled=\n back.</p><img src=3D"https://pixelleak.example/t.gif?u=3D%s" width=3D"1" height=3D"1"></body></html>\n' "$i" "$i" "$i"
		;;
	4)
		printf 'Subject: Planted %s TITLEMARK%s\nContent-Type: multipart/alternative; boundary="alt%s"\n\n--alt%s\n' "$i" "$i" "$i" "$i"
		parthdr "$i"
		printf 'Content-Type: text/plain; charset=us-ascii\n\n%s\n--alt%s\n' "$body" "$i"
		printf 'Content-Type: text/html; charset=us-ascii\n\n<p>%s</p><img src="http://pixelleak.example/p.gif">\n--alt%s--\n' "$body" "$i"
		;;
	5)
		printf 'Subject: Planted %s TITLEMARK%s\nContent-Type: multipart/mixed; boundary="mix%s"\n\n--mix%s\n' "$i" "$i" "$i" "$i"
		printf 'Content-Type: text/plain; charset=us-ascii\n\n%s\n--mix%s\n' "$body" "$i"
		parthdr "$i"
		printf 'Content-Type: application/pdf; name="report.pdf"\nContent-Disposition: attachment; filename="report.pdf"\nContent-Transfer-Encoding: base64\n\n'
		awk -v s="$i" 'BEGIN { srand(s); for (k = 0; k < 3000; k++) printf "%c", 65 + int(rand() * 26) }' |
		    base64 -w 76
		printf '\n--mix%s--\n' "$i"
		;;
	6)
		printf 'Subject: Planted %s TITLEMARK%s\nContent-Type: multipart/mixed; boundary="out%s"\n\nThis is a multi-part message in MIME format.\n--out%s\nContent-Type: multipart/alternative; boundary="in%s"\n\n--in%s\n' "$i" "$i" "$i" "$i" "$i" "$i"
		printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n%s =E2=80=94 nested\n--in%s\n' "$body" "$i"
		printf 'Content-Type: text/html; charset=utf-8\n\n<div>%s</div>\n--in%s--\n--out%s\n' "$body" "$i" "$i"
		parthdr "$i"
		printf 'Content-Type: image/png; name="photo.png"\nContent-Disposition: attachment; filename="photo.png"\nContent-Transfer-Encoding: base64\n\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\n--out%s--\n' "$i"
		;;
	7)
		printf 'Subject: Planted %s TITLEMARK%s\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n%s Caf=E9 cr=E8me.\n' "$i" "$i" "$body"
		;;
	8)
		printf 'Subject: =?UTF-8?Q?Planted_%s_TITLEMARK%s_=E2=80=94_r=C3=A9sum=C3=A9?=\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n' "$i" "$i"
		printf '%s\n' "$body" | base64 -w 76
		;;
	9)
		printf 'Subject: =?ISO-8859-1?B?%s?=\nContent-Type: multipart/alternative; boundary="crlf%s"\n\n--crlf%s\n' \
		    "$(printf 'Planted %s TITLEMARK%s' "$i" "$i" | base64 -w 0)" "$i" "$i"
		printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n'
		printf '%s\n' "$body" | base64 -w 76
		printf -- '--crlf%s\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n' "$i"
		printf '<p>%s</p><img src="https://pixelleak.example/x.gif">\n' "$body" | base64 -w 76
		printf -- '--crlf%s--\n' "$i"
		;;
	esac
}

ib=$tmp/ib
mkinbox "$ib"
mkdir "$tmp/msgs"
: >"$tmp/allerr"
i=0
bad=
while [ $i -lt $N ]; do
	i=$((i + 1))
	# Layout 9 has CRLF line endings throughout.
	if [ $((i % 10)) -eq 9 ]; then
		gen "$i" | sed 's/$/\r/' >"$tmp/msgs/$i.eml"
	else
		gen "$i" >"$tmp/msgs/$i.eml"
	fi
	deliver "$ib" <"$tmp/msgs/$i.eml"
	[ "$rc" -eq 0 ] || bad="$bad $i:$rc"
	cat "$tmp/err" >>"$tmp/allerr"
done
check "all $N planted messages stored (failed:${bad:- none})" [ -z "$bad" ]
check "$N items" [ "$(count "$ib/new")" -eq "$N" ]

# The control: every planted marker is in the messages as sent.
cat "$tmp"/msgs/*.eml >"$tmp/sent"
# The RFC 2047-encoded names are only there once decoded.
printf 'Encodedleak 1\n' >>"$tmp/sent"
while read -r m; do
	check "control: $m is in the messages sent" grep -qF -- "$m" "$tmp/sent"
done <"$tmp/planted"

rc=0
decrypt_all "$ib" "$tmp/plain" || rc=$?
check "every item decrypts" [ "$rc" -eq 0 ]
cat "$ib"/new/* >"$tmp/raw"
while read -r m; do
	check_not "no $m in the inbox files" grep -qaF -- "$m" "$tmp/raw"
	check_not "no $m in the decrypted items" grep -qF -- "$m" "$tmp/plain"
	check_not "no $m in the log" grep -qF -- "$m" "$tmp/allerr"
done <"$tmp/planted"
check_not "no time of day in the decrypted items" \
    grep -qE '[0-2][0-9]:[0-5][0-9]:[0-5][0-9]' "$tmp/plain"
grep '^received=' "$tmp/plain" >"$tmp/received"
check "received is there" [ "$(wc -l <"$tmp/received")" -eq "$N" ]
check_not "received is a day only" \
    grep -qvxE 'received=[0-9]{4}-[0-9]{2}-[0-9]{2}' "$tmp/received"

# What must survive does.
i=0
missing=
while [ $i -lt $N ]; do
	i=$((i + 1))
	grep -q "^narrative=.*BODYMARK$i[^0-9]" "$tmp/plain" ||
	    missing="$missing body$i"
	grep -q "^title=.*TITLEMARK$i\\([^0-9]\\|\$\\)" "$tmp/plain" ||
	    missing="$missing title$i"
done
check "every body and title marker is found (missing:${missing:- none})" \
    [ -z "$missing" ]
check "the attachments are listed" \
    [ "$(grep -cx 'attachment=report.pdf' "$tmp/plain")" -eq $((N / 10)) ]
check "the images are listed" \
    [ "$(grep -cx 'attachment=photo.png' "$tmp/plain")" -eq $((N / 10)) ]
check_not "no bytes of a MIME boundary" grep -qE 'alt[0-9]+|mix[0-9]+|crlf[0-9]+' \
    "$tmp/plain"

finish planted
