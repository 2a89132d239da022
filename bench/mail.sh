#!/bin/sh
#
# Copyright (c) 2026 The nearmiss authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
# mail.sh: e-mail intake benchmark.  Generates a corpus of N (10,000)
# messages of realistic sizes (most a few KiB of plain text, some
# multipart/alternative, some with base64 attachments of 20-200 KiB and
# a few of 1 MiB), then measures in one run:
#   1. nearmiss-intake mail, one process per message as an MTA's pipe
#      transport runs it: one after the other, and PARALLEL at a time
#      (default: the number of CPUs, as an MTA's concurrency);
#   2. nearmiss-intake maildir, one process draining a Maildir of all N;
#   3. fsync-loop on the same file system, with items of the corpus'
#      mean item size: this machine's raw durable-write limit, once
#      after the first pass and once at the end (the machine is shared
#      and noisy: both are shown, and their mean is the reference);
# and prints messages/s of each as a fraction of the loop.  Checks that
# every message gave exit 0 and one item.  The summary goes to
# results/mail.txt, rows to results/mail.tsv.  Environment: N (10000),
# DURATION (20, seconds of fsync-loop), PARALLEL (nproc), INTAKE
# (bin/nearmiss-intake), REVIEW (bin/nearmiss-review), CC (cc), KEEP=1
# keeps the scratch directory (under ${TMPDIR:-/tmp}, the file system
# measured).

set -eu

BENCH=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH")
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
RESULTS=$BENCH/results
TSV=$RESULTS/mail.tsv
SUMMARY=$RESULTS/mail.txt
INTAKE=${INTAKE:-$TOP/bin/nearmiss-intake}
REVIEW=${REVIEW:-$TOP/bin/nearmiss-review}
CC=${CC:-cc}
N=${N:-10000}
DURATION=${DURATION:-20}
PARALLEL=${PARALLEL:-$(nproc 2>/dev/null || echo 2)}
export LC_ALL=C

for t in awk xargs "$CC"; do
	command -v "$t" >/dev/null 2>&1 || { say "$t missing"; exit 1; }
done
for p in "$INTAKE" "$REVIEW"; do
	[ -x "$p" ] || { say "$p missing: run make first"; exit 1; }
done

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nm-mail-bench.XXXXXX")
trap rmscratch EXIT
trap 'exit 1' INT TERM

"$CC" -std=c17 -O2 -o "$SCRATCH/fsync-loop" "$BENCH/fsync-loop.c"
"$REVIEW" keygen --no-passphrase alice -o "$SCRATCH/alice.key" >"$SCRATCH/rcpt" 2>/dev/null
ASUSER=
if [ "$(id -u)" -eq 0 ]; then
	ASUSER="-u nobody"
	chmod 711 "$SCRATCH"
fi

# mkinbox DIR: an empty inbox the intake user owns.
mkinbox()
{
	mkdir -p "$1/new" "$1/tmp"
	chmod 700 "$1" "$1/new" "$1/tmp"
	[ -z "$ASUSER" ] || chown -R nobody "$1"
}

# now: seconds since the epoch with nanoseconds.
now()
{
	date +%s.%N
}

# The corpus: deterministic (awk's srand(42)), one file per message.
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
say "generating $N messages"
mkdir "$SCRATCH/corpus"
awk -v n="$N" -v dir="$SCRATCH/corpus" '
function words(k,   s, j) {
	s = ""
	for (j = 0; j < k; j++)
		s = s (j % 12 == 11 ? "\n" : " ") w[int(rand() * nw)]
	return s
}
function b64(bytes, f,   j, line, c) {
	line = ""
	for (j = 0; j < bytes * 4 / 3; j++) {
		line = line substr(B, int(rand() * 64) + 1, 1)
		if (length(line) == 76) {
			print line > f
			line = ""
		}
	}
	if (line != "")
		print substr(line "====", 1, int((length(line) + 3) / 4) * 4) > f
}
function header(f, i, ct) {
	printf "Return-Path: <sender%d@mail.example.org>\n", i > f
	printf "Received: from mail.example.org (mail.example.org [192.0.2.%d])\n\tby mx.example.net with ESMTPS id %08X;\n\tTue, 3 Nov 2026 14:22:07 -0700\n", i % 250, i > f
	printf "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1;\n b=%s\n", substr(B B, 1 + i % 64, 88) > f
	printf "From: Sender %d <sender%d@mail.example.org>\nTo: reports@example.net\n", i, i > f
	printf "Subject: Near miss report %d\nDate: Tue, 3 Nov 2026 14:22:07 -0700\n", i > f
	printf "Message-ID: <%d.%d@laptop.example.org>\nMIME-Version: 1.0\nX-Mailer: Bench 1.0\n", i, i * 7 > f
	printf "Content-Type: %s\n\n", ct > f
}
BEGIN {
	srand(42)
	B = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	nw = split("the a car truck officer stopped lights shoulder night " \
	    "rain backup radio suspect traffic lane dispatch vest weapon " \
	    "door window partner scene approach slowly called waited nearly " \
	    "hit missed because fatigue training distance cover",
	    w, " ")
	for (i = 1; i <= n; i++) {
		f = sprintf("%s/%06d.eml", dir, i)
		r = rand()
		if (r < 0.70) {
			header(f, i, "text/plain; charset=utf-8")
			print words(200 + int(rand() * 600)) > f
		} else if (r < 0.85) {
			header(f, i, "multipart/alternative; boundary=\"b" i "\"")
			t = words(300 + int(rand() * 900))
			printf "--b%d\nContent-Type: text/plain; charset=utf-8\n\n%s\n", i, t > f
			gsub(/\n/, "<br>\n", t)
			printf "--b%d\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>%s</p></body></html>\n--b%d--\n", i, t, i > f
		} else {
			header(f, i, "multipart/mixed; boundary=\"m" i "\"")
			printf "--m%d\nContent-Type: text/plain; charset=utf-8\n\n%s\n", i, words(200 + int(rand() * 400)) > f
			printf "--m%d\nContent-Type: application/pdf; name=\"report%d.pdf\"\nContent-Disposition: attachment; filename=\"report%d.pdf\"\nContent-Transfer-Encoding: base64\n\n", i, i, i > f
			b64(r < 0.99 ? 20480 + int(rand() * 184320) : 1048576, f)
			printf "--m%d--\n", i > f
		}
		close(f)
	}
}'
BYTES=$(cat "$SCRATCH"/corpus/*.eml | wc -c)
MEAN=$((BYTES / N))
say "corpus: $N messages, $BYTES bytes, mean $MEAN"

# deliver INBOX FILE: one mail process; prints its exit status (for
# xargs -P; the one-at-a-time loop runs the program directly).
cat >"$SCRATCH/deliver" <<EOF2
#!/bin/sh
rc=0
"$INTAKE" mail $ASUSER -i "\$1" -k "$SCRATCH/rcpt" -t "$TOP/content/nearmiss.ini" <"\$2" 2>/dev/null || rc=\$?
echo \$rc
EOF2
chmod 755 "$SCRATCH/deliver"

# 1a. mail, one process per message, one after the other.
IB1=$SCRATCH/ib-mail
mkinbox "$IB1"
say "mail: $N processes, one at a time"
t0=$(now)
for f in "$SCRATCH"/corpus/*.eml; do
	rc=0
	# shellcheck disable=SC2086
	"$INTAKE" mail $ASUSER -i "$IB1" -k "$SCRATCH/rcpt" \
	    -t "$TOP/content/nearmiss.ini" <"$f" 2>/dev/null || rc=$?
	echo $rc
done >"$SCRATCH/mail.rc"
t1=$(now)
MAIL_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
MAIL_RPS=$(awk -v n="$N" -v s="$MAIL_S" 'BEGIN { printf "%.1f", n / s }')
MAIL_OK=$(grep -cx 0 "$SCRATCH/mail.rc" || true)
MAIL_ITEMS=$(ls "$IB1/new" | wc -l)
ITEM_BYTES=$(cat "$IB1"/new/* | wc -c)
ITEM_MEAN=$((ITEM_BYTES / MAIL_ITEMS))

# loop N: fsync-loop for DURATION seconds with items of the mean size;
# sets LOOPN to its operations per second.
LOOP_BYTES=$ITEM_MEAN
[ "$LOOP_BYTES" -le 1048576 ] || LOOP_BYTES=1048576
mkdir "$SCRATCH/loop"
loop()
{
	say "fsync-loop for ${DURATION}s, $LOOP_BYTES-byte items"
	"$SCRATCH/fsync-loop" "$SCRATCH/loop" "$DURATION" "$LOOP_BYTES" \
	    >"$SCRATCH/loop$1.out"
	eval "LOOP$1=\$(awk '{ print \$6 }' \"\$SCRATCH/loop$1.out\")"
}
loop 1

# 1b. mail, PARALLEL processes at a time.
IB2=$SCRATCH/ib-mailp
mkinbox "$IB2"
say "mail: $N processes, $PARALLEL at a time"
t0=$(now)
find "$SCRATCH/corpus" -name '*.eml' | sort |
    xargs -P "$PARALLEL" -n 1 "$SCRATCH/deliver" "$IB2" >"$SCRATCH/mailp.rc"
t1=$(now)
MAILP_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
MAILP_RPS=$(awk -v n="$N" -v s="$MAILP_S" 'BEGIN { printf "%.1f", n / s }')
MAILP_OK=$(grep -cx 0 "$SCRATCH/mailp.rc" || true)
MAILP_ITEMS=$(ls "$IB2/new" | wc -l)

# 2. maildir: one process, N messages.
IB3=$SCRATCH/ib-maildir
MD=$SCRATCH/Maildir
mkinbox "$IB3"
mkdir -p "$MD/new" "$MD/cur" "$MD/tmp"
for f in "$SCRATCH"/corpus/*.eml; do
	b=${f##*/}
	cp "$f" "$MD/new/1793740927.M${b%.eml}P1.bench"
done
[ -z "$ASUSER" ] || chown -R nobody "$MD"
say "maildir: one process, $N messages"
rc=0
t0=$(now)
# shellcheck disable=SC2086
"$INTAKE" maildir $ASUSER -i "$IB3" -k "$SCRATCH/rcpt" \
    -t "$TOP/content/nearmiss.ini" "$MD" 2>"$SCRATCH/maildir.err" || rc=$?
t1=$(now)
MD_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
MD_RPS=$(awk -v n="$N" -v s="$MD_S" 'BEGIN { printf "%.1f", n / s }')
MD_ITEMS=$(ls "$IB3/new" | wc -l)
MD_LEFT=$(find "$MD/new" "$MD/cur" -type f | wc -l)

# 3. The machine's limit again, at the end; the reference is the mean.
loop 2
LOOP_RPS=$(awk -v a="$LOOP1" -v b="$LOOP2" 'BEGIN { printf "%.1f", (a + b) / 2 }')
pct()
{
	awk -v a="$1" -v l="$LOOP_RPS" \
	    'BEGIN { v = 0; if (l > 0) v = 100 * a / l; printf "%.1f", v }'
}
FS=$(df -PT "$SCRATCH" 2>/dev/null | awk 'NR == 2 { print $2 }' || true)

OK=yes
[ "$MAIL_OK" -eq "$N" ] && [ "$MAIL_ITEMS" -eq "$N" ] || OK=NO
[ "$MAILP_OK" -eq "$N" ] && [ "$MAILP_ITEMS" -eq "$N" ] || OK=NO
[ "$rc" -eq 0 ] && [ "$MD_ITEMS" -eq "$N" ] && [ "$MD_LEFT" -eq 0 ] || OK=NO

DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
mkdir -p "$RESULTS"
[ -s "$TSV" ] || printf 'date\ttest\tmetric\tvalue\n' >"$TSV"
{
	printf '%s\tcorpus\tmessages\t%s\n' "$DATE" "$N"
	printf '%s\tcorpus\tmean_bytes\t%s\n' "$DATE" "$MEAN"
	printf '%s\tmail\tmessages_per_s\t%s\n' "$DATE" "$MAIL_RPS"
	printf '%s\tmail-parallel\tmessages_per_s\t%s\n' "$DATE" "$MAILP_RPS"
	printf '%s\tmaildir\tmessages_per_s\t%s\n' "$DATE" "$MD_RPS"
	printf '%s\tfsync-loop-1\tops_per_s\t%s\n' "$DATE" "$LOOP1"
	printf '%s\tfsync-loop-2\tops_per_s\t%s\n' "$DATE" "$LOOP2"
	printf '%s\tmail\tpercent_of_loop\t%s\n' "$DATE" "$(pct "$MAIL_RPS")"
	printf '%s\tmail-parallel\tpercent_of_loop\t%s\n' "$DATE" "$(pct "$MAILP_RPS")"
	printf '%s\tmaildir\tpercent_of_loop\t%s\n' "$DATE" "$(pct "$MD_RPS")"
} >>"$TSV"
{
	echo "nearmiss-intake mail/maildir benchmark, $DATE"
	echo "$(nproc 2>/dev/null || echo '?') CPUs; inbox on ${FS:-?} under ${TMPDIR:-/tmp}; one reviewer"
	echo
	echo "corpus:         $N messages, $BYTES bytes (mean $MEAN; 70% plain, 15% alternative, 15% with a 20-200 KiB or 1 MiB attachment)"
	echo "items:          mean $ITEM_MEAN bytes"
	echo "mail, serial:   $MAIL_RPS messages/s ($N processes in ${MAIL_S}s; exit 0: $MAIL_OK, items $MAIL_ITEMS) = $(pct "$MAIL_RPS")% of the loop"
	echo "mail, -P $PARALLEL:     $MAILP_RPS messages/s ($N processes in ${MAILP_S}s; exit 0: $MAILP_OK, items $MAILP_ITEMS) = $(pct "$MAILP_RPS")% of the loop"
	echo "maildir:        $MD_RPS messages/s (one process, ${MD_S}s; exit $rc, items $MD_ITEMS, left $MD_LEFT) = $(pct "$MD_RPS")% of the loop"
	echo "fsync-loop:     $LOOP_RPS ops/s, the mean of $LOOP1 (after the first pass) and $LOOP2 (at the end)"
	echo "                (create O_EXCL, write $LOOP_BYTES bytes, fsync, rename, fsync dir; ${DURATION}s each)"
	echo "load average:   $LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') at the end"
	echo
	echo "every message stored once, exit 0: $OK"
} >"$SUMMARY"
cat "$SUMMARY"
[ "$OK" = yes ]
