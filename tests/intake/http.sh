#!/bin/sh
# nearmiss-intake serve: malformed and abusive HTTP on raw sockets.
# Each request (oversize lines and headers, conflicting lengths, bad
# chunking, bad encodings, odd methods and versions, pipelining,
# slowloris, headers trickled past their deadline, a foreign Origin
# or Sec-Fetch-Site) must get a 4xx, a 5xx where named (501 for an
# unknown method, 505 for an unknown version), or a closed connection;
# after each the server still answers GET / with 200 and the inbox stays
# empty.  Then 1,000 idle connections must not stop a real submission.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh http.sh
# The requests are Perl expressions in single quotes:
# shellcheck disable=SC2016
set -eu
. "$TOP/tests/lib.sh"
. "$TOP/tests/intakelib.sh"

command -v curl >/dev/null 2>&1 || { echo "http: curl missing" >&2; exit 1; }
command -v perl >/dev/null 2>&1 || { echo "http: perl missing" >&2; exit 1; }

tmp=$(mktemp -d)
pid=
pids=
holder=
cleanup() {
	[ -z "$holder" ] || kill "$holder" 2>/dev/null || true
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -z "${KEEP:-}" ] || trap - EXIT
export LC_ALL=C

# raw.pl PORT FILE [MODE [SECONDS [N]]]: sends the bytes of FILE on one
# connection, reading while it writes, and prints what the server did:
# its first status code, "closed" (EOF before any byte), "reset", or
# "timeout" (nothing for SECONDS). Modes: read (default); pipeline
# (prints the number of status lines, waits for N of them); slow (sends
# FILE 4 bytes at a time, a pause between, never finishing, then closes
# and prints "sent"); hold (sends FILE, reads nothing, waits SECONDS,
# closes, prints "sent"); trickle (sends FILE's complete headers, if
# any, then a byte a second for at most SECONDS, and prints "closed" as
# soon as the server closes, else "open").
cat >"$tmp/raw.pl" <<'PERL'
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use Errno qw(EAGAIN EWOULDBLOCK EINTR);
$SIG{PIPE} = 'IGNORE';
my ($port, $file, $mode, $secs, $want) = @ARGV;
$mode ||= 'read';
$secs ||= 3;
$want ||= 1;
open(my $f, '<:raw', $file) or die "$file: $!";
my $req = do { local $/; <$f> };
close($f);
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
    Proto => 'tcp') or do { print "noconnect\n"; exit 0 };
binmode($s);
if ($mode eq 'slow') {
	for (my $i = 0; $i < length($req); $i += 4) {
		defined(syswrite($s, substr($req, $i, 4))) or last;
		select(undef, undef, undef, $secs / 10);
	}
	close($s);
	print "sent\n";
	exit 0;
}
if ($mode eq 'trickle') {
	my $sel = IO::Select->new($s);
	# Headers that end in FILE go at once; the rest a byte a second.
	my $i = index($req, "\r\n\r\n");
	$i = $i < 0 ? 0 : $i + 4;
	syswrite($s, substr($req, 0, $i)) if $i > 0;
	for (my $t = 0; $t < $secs && $i < length($req); $t++, $i++) {
		defined(syswrite($s, substr($req, $i, 1))) or
		    do { print "closed\n"; exit 0 };
		if ($sel->can_read(1)) {
			my $n = sysread($s, my $chunk, 4096);
			if (!defined($n) || $n == 0) {
				print "closed\n";
				exit 0;
			}
		}
	}
	close($s);
	print "open\n";
	exit 0;
}
if ($mode eq 'hold') {
	syswrite($s, $req);
	sleep($secs);
	close($s);
	print "sent\n";
	exit 0;
}
$s->blocking(0);
my $sel = IO::Select->new($s);
my ($off, $in, $result) = (0, '', undef);
my $last = time();
while (1) {
	my $wsel = $off < length($req) ? $sel : undef;
	my ($r, $w) = IO::Select->select($sel, $wsel, undef, 0.2);
	if ($w && @$w) {
		my $n = syswrite($s, $req, 65536, $off);
		if (defined($n)) {
			$off += $n;
			$last = time();
		} elsif ($! != EAGAIN && $! != EWOULDBLOCK && $! != EINTR) {
			$off = length($req);	# the server stopped reading
		}
	}
	if ($r && @$r) {
		my $n = sysread($s, my $chunk, 65536);
		if (!defined($n)) {
			next if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
			$result = length($in) ? undef : 'reset';
			last;
		}
		if ($n == 0) {
			$result = length($in) ? undef : 'closed';
			last;
		}
		$in .= $chunk;
		$last = time();
		if ($mode eq 'read' && $in =~ m{^HTTP/\d\.\d (\d{3})}) {
			last;
		}
		if ($mode eq 'pipeline') {
			my $c = () = $in =~ m{HTTP/1\.1 200 }g;
			last if $c >= $want;
		}
	}
	if (time() - $last > $secs) {
		$result = length($in) ? undef : 'timeout';
		last;
	}
}
close($s);
if ($mode eq 'pipeline') {
	my $c = () = $in =~ m{HTTP/1\.1 200 }g;
	print "$c\n";
} elsif (defined($result)) {
	print "$result\n";
} elsif ($in =~ m{^HTTP/\d\.\d (\d{3})}) {
	print "$1\n";
} else {
	print "garbage\n";
}
PERL

# hold.pl PORT N READY: opens N connections, sends nothing on the even
# ones and half a request on the odd ones, touches READY, then sleeps
# until killed.
cat >"$tmp/hold.pl" <<'PERL'
use strict;
use warnings;
use IO::Socket::INET;
$SIG{PIPE} = 'IGNORE';
my ($port, $n, $ready) = @ARGV;
my @s;
for my $i (1 .. $n) {
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
	    PeerPort => $port, Proto => 'tcp') or die "connect $i: $!";
	syswrite($s, "POST /submit HTTP/1.1\r\nHost: 127.0.0.1\r\n") if $i % 2;
	push @s, $s;
}
open(my $f, '>', $ready) or die;
print $f scalar(@s), "\n";
close($f);
sleep(3600);
PERL

"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" >"$tmp/rcpt" 2>/dev/null

asuser=
if [ "$(id -u)" -eq 0 ]; then
	asuser="-u nobody"
	chmod 711 "$tmp"
fi
ib=$tmp/ib
serve_start "$ib" "$tmp/serve.log" 3571 --no-rate-limit

curl -s -o "$tmp/form.html" "$url/"
tok=$(sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' "$tmp/form.html")
check "a token from the form" [ -n "$tok" ]
export TOK="$tok"

# gen NAME PERL-EXPR: writes the request NAME from a Perl expression
# (the environment variable TOK is $ENV{TOK}).
mkdir "$tmp/req"
gen() {
	perl -e "binmode STDOUT; print $2" >"$tmp/req/$1"
}

# healthy: the server is alive, answers GET / with 200, and the inbox
# holds nothing.
healthy() {
	kill -0 "$pid" 2>/dev/null || { why="the server died"; return 1; }
	c=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$url/" || true)
	[ "$c" = 200 ] || { why="GET / gave $c afterwards"; return 1; }
	[ -z "$(ls -A "$ib/new")$(ls -A "$ib/tmp")" ] ||
	    { why="a file in the inbox"; return 1; }
	return 0
}

# probe NAME ALLOWED [MODE [SECONDS [N]]]: sends request NAME; passes
# when the outcome is in ALLOWED (a regular expression over the codes
# and words of raw.pl) and the server is healthy afterwards.
probe() {
	name=$1
	allowed=$2
	shift 2
	got=$(perl "$tmp/raw.pl" "$port" "$tmp/req/$name" "$@")
	[ -z "${VERBOSE:-}" ] || echo "$name: $got" >&2
	why=
	if ! printf '%s\n' "$got" | grep -qxE "$allowed"; then
		why="got $got, wanted $allowed"
	fi
	if [ -z "$why" ] && healthy; then
		ok
	else
		fail "$name: $why"
	fi
}

# 4xx or closed; closed includes a reset.
R4='4[0-9][0-9]|closed|reset'
R4_501='4[0-9][0-9]|501|closed|reset'
R4_505='4[0-9][0-9]|505|closed|reset'
H='Host: 127.0.0.1\r\n'
P='"POST /submit HTTP/1.1\r\n'"$H"'Content-Type: application/x-www-form-urlencoded\r\n'

# The request line and headers.
gen long-url '"GET /" . "a" x 102400 . " HTTP/1.1\r\n'"$H"'\r\n"'
probe long-url "$R4"
gen long-header '"GET / HTTP/1.1\r\n'"$H"'X-Big: " . "b" x 102400 . "\r\n\r\n"'
probe long-header "$R4"
gen many-headers '"GET / HTTP/1.1\r\n'"$H"'" . join("", map { "X-H$_: v\r\n" } 1 .. 10000) . "\r\n"'
probe many-headers "$R4"
gen long-header-name '"GET / HTTP/1.1\r\n'"$H"'" . "N" x 70000 . ": v\r\n\r\n"'
probe long-header-name "$R4"
gen nul-request-line '"GET /\0 HTTP/1.1\r\n'"$H"'\r\n"'
# libmicrohttpd ends the request line at the NUL: this is "GET /", which
# is harmless; what matters is that the server lives on.
probe nul-request-line "$R4|200"
gen nul-header '"GET / HTTP/1.1\r\n'"$H"'X-A: a\0b\r\n\r\n"'
probe nul-header "$R4|200"
gen bare-lf '"GET /nothing HTTP/1.1\n'"$H"'X-A: b\n\n"'
probe bare-lf "$R4"
gen cr-without-lf '"GET / HTTP/1.1\r\n'"$H"'X-A: a\rX-B: b\r\n\r\n"'
# A lone CR stays inside the header's value (libmicrohttpd); harmless on
# a GET of the form.
probe cr-without-lf "$R4|200"
gen header-no-colon '"GET / HTTP/1.1\r\n'"$H"'NoColonHere\r\n\r\n"'
probe header-no-colon "$R4"
gen space-before-colon '"GET / HTTP/1.1\r\n'"$H"'Content-Length : 5\r\n\r\nhello"'
# libmicrohttpd tolerates the space; the body of a GET is ignored.
probe space-before-colon "$R4|200"
gen obs-fold '"POST /submit HTTP/1.1\r\n'"$H"'Content-Length: 1\r\n 0\r\n\r\n0123456789"'
probe obs-fold "$R4"
gen no-host '"GET / HTTP/1.1\r\n\r\n"'
probe no-host "$R4"
gen two-hosts '"GET / HTTP/1.1\r\n'"$H$H"'\r\n"'
probe two-hosts "$R4|200"
gen invalid-method '"FROB / HTTP/1.1\r\n'"$H"'\r\n"'
probe invalid-method "$R4_501"
gen method-with-ctl '"G\x01T / HTTP/1.1\r\n'"$H"'\r\n"'
probe method-with-ctl "$R4_501"
gen lowercase-method '"get / HTTP/1.1\r\n'"$H"'\r\n"'
probe lowercase-method "$R4_501"
gen http09 '"GET /\r\n"'
probe http09 "$R4_505"
gen http2 '"GET / HTTP/2.0\r\n'"$H"'\r\n"'
probe http2 "$R4_505"
gen http-garbage-version '"GET / HTTP/1.x\r\n'"$H"'\r\n"'
probe http-garbage-version "$R4_505"
gen h2-preface '"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"'
probe h2-preface "$R4_501|505"
gen absolute-form '"GET http://evil.example/ HTTP/1.1\r\n'"$H"'\r\n"'
probe absolute-form "$R4|200"
gen dotdot '"GET /../../../../etc/passwd HTTP/1.1\r\n'"$H"'\r\n"'
probe dotdot "$R4"
gen dotdot-encoded '"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n'"$H"'\r\n"'
probe dotdot-encoded "$R4"
gen nul-encoded '"GET /style.css%00.html HTTP/1.1\r\n'"$H"'\r\n"'
probe nul-encoded "$R4"
gen bad-percent-path '"GET /%zz%4 HTTP/1.1\r\n'"$H"'\r\n"'
probe bad-percent-path "$R4"

# Body framing.
gen two-lengths "$P"'Content-Length: 5\r\nContent-Length: 50\r\n\r\nhello"'
probe two-lengths "$R4"
gen length-and-chunked "$P"'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"'
probe length-and-chunked "$R4"
gen negative-length "$P"'Content-Length: -1\r\n\r\nhello"'
probe negative-length "$R4"
gen word-length "$P"'Content-Length: five\r\n\r\nhello"'
probe word-length "$R4"
gen huge-length "$P"'Content-Length: 99999999999999999999999\r\n\r\nhello"'
probe huge-length "$R4"
gen plus-length "$P"'Content-Length: +5\r\n\r\nhello"'
probe plus-length "$R4"
gen short-body "$P"'Content-Length: 1000\r\n\r\ntoken=abc"'
probe short-body "$R4|timeout" read 1
gen endless-chunked "$P"'Transfer-Encoding: chunked\r\n\r\n" . ("1000\r\n" . "a" x 4096 . "\r\n") x 256'
probe endless-chunked "$R4"
gen bad-chunk-size "$P"'Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"'
probe bad-chunk-size "$R4"
gen huge-chunk-size "$P"'Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"'
probe huge-chunk-size "$R4"
gen negative-chunk-size "$P"'Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n"'
probe negative-chunk-size "$R4"
gen chunk-too-long "$P"'Transfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n"'
probe chunk-too-long "$R4"
gen unknown-te "$P"'Transfer-Encoding: gzip\r\n\r\nhello"'
probe unknown-te "$R4|501"
gen te-chunked-twice "$P"'Transfer-Encoding: chunked, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"'
probe te-chunked-twice "$R4|501"

# Form bodies (with a valid token, so the decoder is what is tested).
B="token=\$ENV{TOK}"
gen bad-percent-form "$P"'Content-Length: " . length("'"$B"'&title=%zz%4") . "\r\n\r\n'"$B"'&title=%zz%4"'
probe bad-percent-form "$R4"
gen encoded-nul-form "$P"'Content-Length: " . length("'"$B"'&title=a%00b") . "\r\n\r\n'"$B"'&title=a%00b"'
probe encoded-nul-form "$R4"
gen non-utf8-form "$P"'Content-Length: " . length("'"$B"'&title=%ff%fe%c0%af") . "\r\n\r\n'"$B"'&title=%ff%fe%c0%af"'
probe non-utf8-form "$R4"
gen many-fields "$P"'Content-Length: " . length("'"$B"'" . "&a=b" x 10000) . "\r\n\r\n'"$B"'" . "&a=b" x 10000'
probe many-fields "$R4"
gen wrong-content-type '"POST /submit HTTP/1.1\r\n'"$H"'Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"title\":\"x\"}"'
probe wrong-content-type "$R4"
gen multipart '"POST /submit HTTP/1.1\r\n'"$H"'Content-Type: multipart/form-data; boundary=XX\r\nContent-Length: 65\r\n\r\n--XX\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--XX--\r\n"'
probe multipart "$R4"
gen post-elsewhere '"POST / HTTP/1.1\r\n'"$H"'Content-Length: 5\r\n\r\nhello"'
probe post-elsewhere "$R4"

# Many requests on one connection; a slow and a silent client.
gen pipelined '"GET /style.css HTTP/1.1\r\n'"$H"'\r\n" x 1000'
probe pipelined '1000' pipeline 5 1000
gen slowloris '"GET / HTTP/1.1\r\n'"$H"'X-Slow: 1\r\nX-Slower: 2\r\n"'
probe slowloris 'sent' slow 1
gen half-request '"POST /submit HTTP/1.1\r\n'"$H"'Content-Len"'
probe half-request 'sent' hold 1
# A byte a second keeps MHD's idle timeout from ever firing; the header
# deadline (10 s) closes it anyway.
gen trickle '"GET / HTTP/1.1\r\n'"$H"'X-Slow: " . "a" x 100'
probe trickle 'closed' trickle 16
# The body has its own deadline (30 s): a byte a second of a body that
# never ends is closed too.
gen trickle-body "$P"'Content-Length: 1000\r\n\r\n" . "a" x 1000'
probe trickle-body 'closed' trickle 40

# Another site's form: refused before the token is looked at.
B2="token=\$ENV{TOK}&narrative=x&consent=yes"
gen origin-null "$P"'Origin: null\r\nContent-Length: " . length("'"$B2"'") . "\r\n\r\n'"$B2"'"'
probe origin-null '403'
gen cross-site "$P"'Sec-Fetch-Site: cross-site\r\nContent-Length: " . length("'"$B2"'") . "\r\n\r\n'"$B2"'"'
probe cross-site '403'
gen same-site "$P"'Sec-Fetch-Site: same-site\r\nContent-Length: " . length("'"$B2"'") . "\r\n\r\n'"$B2"'"'
probe same-site '403'

# 1,000 idle connections, then a real submission.
perl "$tmp/hold.pl" "$port" 1000 "$tmp/ready" 2>"$tmp/hold.err" &
holder=$!
n=0
while [ ! -s "$tmp/ready" ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
check "1,000 idle connections opened" [ "$(cat "$tmp/ready" 2>/dev/null)" = 1000 ]
t0=$(date +%s)
code=$(curl -s -m 10 -o "$tmp/form2.html" -w '%{http_code}' "$url/" || true)
check "idle connections: GET / 200" [ "$code" = 200 ]
tok=$(sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' "$tmp/form2.html")
code=$(curl -s -m 10 -o "$tmp/ok.html" -w '%{http_code}' \
    --data-urlencode "token=$tok" \
    --data-urlencode "title=Wrong-way driver at a stop" \
    --data-urlencode "event_date=2024-03" \
    --data-urlencode "incident_type=traffic-stop" \
    --data-urlencode "contributing_factors=fatigue" \
    --data-urlencode "loss_potential=death" \
    --data-urlencode "summary=A car nearly hit me on the shoulder." \
    --data-urlencode "narrative=It was dark and wet." \
    --data-urlencode "consent=yes" "$url/submit" || true)
t1=$(date +%s)
check "idle connections: a valid POST 200 (got $code)" [ "$code" = 200 ]
check "idle connections: within 5 s" [ $((t1 - t0)) -le 5 ]
check "idle connections: one item" [ "$(ls "$ib/new" | wc -l)" -eq 1 ]
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
holder=
check "idle connections closed: GET / 200" \
    [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$url/")" = 200 ]

kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
check "SIGTERM after all that: exit 0" [ "$rc" -eq 0 ]

finish http
