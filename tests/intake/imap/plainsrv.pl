#!/usr/bin/perl
# A plain-TCP fake IMAP server for tests/intake/imap.sh (core Perl only):
# plainsrv.pl PORT SCRIPT LOG READY.  Listens on 127.0.0.1:PORT, touches
# READY, accepts one connection, sends SCRIPT (LF turned into CRLF) at
# once, and appends every byte the client sends to LOG until the client
# hangs up or 10 s pass in silence.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;

my ($port, $script, $log, $ready) = @ARGV;
my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
    LocalPort => $port, Listen => 1, ReuseAddr => 1, Proto => 'tcp')
    or die "plainsrv: listen $port: $!\n";
open(my $r, '>', $ready) or die "plainsrv: $ready: $!\n";
close($r);
my $c = $srv->accept() or die "plainsrv: accept: $!\n";
open(my $in, '<', $script) or die "plainsrv: $script: $!\n";
my $text = do { local $/; <$in> };
close($in);
$text =~ s/\n/\r\n/g;
syswrite($c, $text);
open(my $out, '>>', $log) or die "plainsrv: $log: $!\n";
binmode($out);
my $sel = IO::Select->new($c);
while ($sel->can_read(10)) {
	my $buf;
	my $n = sysread($c, $buf, 65536);
	last if !defined($n) || $n == 0;
	print $out $buf;
}
close($out);
close($c);
