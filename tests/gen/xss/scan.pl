#!/usr/bin/perl
# scan.pl FILE...: looks for executable markup in the output of
# nearmiss-gen and prints one line per finding, "FILE:LINE: KIND: TEXT";
# exits 1 if there was any.  Plain perl, no modules.
#
# Findings:
#  - "<script" anywhere, in any letter case (in .html, .xml and .txt),
#    but the one exact '<script src="../status.js" defer></script>' of the
#    theme's status page (status/index.html) and '<script
#    src="../search.js" defer></script>' of its search page;
#  - an element that runs or loads code or changes where the page goes:
#    iframe, frame, frameset, object, embed, applet, svg (but the charts,
#    <svg class="chart">, of stats/index.html), the SVG elements that
#    animate, embed or reuse (foreignObject, animate*, set, use, image),
#    math, base, style, isindex, a form other than the theme's search form (or the
#    status form, without an action, on status/index.html, or the search
#    page's own form, action "./"), a meta
#    http-equiv other than the Content-Security-Policy, a link whose rel
#    is not stylesheet, alternate, canonical or icon (or self in XML);
#  - an attribute whose name starts with "on" (an event handler), a style
#    or srcdoc attribute, a type="html" or "xhtml" on an Atom text element
#    but <content type="html">, whose text is scanned as HTML in turn;
#  - a URL attribute (href, src, action, ...) whose value, after decoding
#    character references once and dropping control characters and
#    spaces, starts with javascript:, vbscript:, data:, livescript: or
#    mocha:.
# The tags are read by a small tokenizer, so that text inside a quoted
# attribute value (such as content="&lt;svg onload=...") is not mistaken
# for an attribute.
use strict;
use warnings;

my %named = (
	colon => ':', tab => "\t", newline => "\n", lpar => '(', rpar => ')',
	sol => '/', period => '.', comma => ',', excl => '!', quot => '"',
	apos => "'", amp => '&', lt => '<', gt => '>', nbsp => ' ',
	semi => ';', num => '#', equals => '=',
);
my %url_attr = map { $_ => 1 } qw(href src action formaction xlink:href
    data poster background srcset lowsrc dynsrc codebase cite longdesc
    ping manifest icon archive classid profile usemap);
my %bad_elem = map { $_ => 1 } qw(iframe frame frameset object embed applet
    svg math base style isindex xmp plaintext noembed portal foreignobject
    animate animatemotion animatetransform set use image);
my $findings = 0;
my ($file, $text, $xml, $status, $search, $stats);

sub line_at {
	my ($pos) = @_;
	return 1 + (substr($text, 0, $pos) =~ tr/\n//);
}

sub finding {
	my ($pos, $kind, $ctx) = @_;
	$ctx = '' unless defined $ctx;
	$ctx =~ s/[^\x20-\x7e]/?/g;
	$ctx = substr($ctx, 0, 70);
	print "$file:" . line_at($pos) . ": $kind: $ctx\n";
	$findings++;
}

sub chr_safe {
	my ($n) = @_;
	return "\x{fffd}" if $n > 0x10ffff || ($n >= 0xd800 && $n <= 0xdfff);
	return chr($n);
}

# Decodes character references once, as an HTML parser does in an
# attribute value (the semicolon is optional for numeric ones).
sub decode {
	my ($s) = @_;
	$s =~ s/&#[xX]([0-9a-fA-F]{1,8});?/chr_safe(hex($1))/ge;
	$s =~ s/&#([0-9]{1,10});?/chr_safe($1)/ge;
	$s =~ s/&([A-Za-z]+);/exists $named{lc $1} ? $named{lc $1} : "&$1;"/ge;
	return $s;
}

sub bad_url {
	my ($v) = @_;
	my $u = decode($v);
	$u =~ s/[\x00-\x20\x7f]//g;
	return $u =~ /^(?:javascript|vbscript|data|livescript|mocha):/i;
}

sub check_tag {
	my ($pos, $name, $attrs) = @_;
	my %a;
	for my $p (@$attrs) {
		my ($an, $av) = @$p;
		$a{$an} = $av unless exists $a{$an};
		if ($an =~ /^on/) {
			finding($pos, "event handler attribute", "<$name $an=$av");
		} elsif ($an eq 'style' || $an eq 'srcdoc') {
			finding($pos, "$an attribute", "<$name $an=$av");
		} elsif ($url_attr{$an} && bad_url($av)) {
			finding($pos, "script URL", "<$name $an=$av");
		} elsif ($xml && $an eq 'type' && $av =~ /^x?html$/i &&
		    $name =~ /^(?:title|summary|content|subtitle|rights)$/ &&
		    !($name eq 'content' && $av eq 'html')) {
			finding($pos, "markup in a feed", "<$name $an=$av");
		}
	}
	if ($bad_elem{$name} && !($stats && $name eq 'svg' &&
	    defined $a{class} && $a{class} eq 'chart')) {
		finding($pos, "element", "<$name");
	} elsif ($name eq 'form') {
		my $class = defined $a{class} ? $a{class} : '';
		my $action = defined $a{action} ? $a{action} : '';
		finding($pos, "form", "<form class=$class action=$action")
		    unless ($class eq 'search-form' &&
		    $action =~ m{^(?:\.\./)*search/$}) || ($status &&
		    $class eq 'search-form status-form' && !exists $a{action}) ||
		    ($search && $class eq 'search-form' && $action eq './');
	} elsif ($name eq 'meta' && exists $a{'http-equiv'}) {
		finding($pos, "meta http-equiv", "<meta http-equiv=" .
		    $a{'http-equiv'})
		    unless $a{'http-equiv'} =~ /^content-security-policy$/i;
	} elsif ($name eq 'link') {
		my $rel = defined $a{rel} ? lc $a{rel} : '';
		my $ok = $rel ne '';
		for my $r (split ' ', $rel) {
			$ok = 0 unless $r =~ /^(?:stylesheet|alternate|canonical|icon)$/ ||
			    ($xml && $r eq 'self');
		}
		finding($pos, "link", "<link rel=$rel") unless $ok;
	}
}

sub scan {
	my $n = 0;
	my $allowed = $status ? '<script src="../status.js" defer></script>' :
	    '<script src="../search.js" defer></script>';
	while ($text =~ /<script/gi) {
		next if ($status || $search) && $n++ == 0 &&
		    substr($text, $-[0], length($allowed)) eq $allowed;
		finding($-[0], "script", substr($text, $-[0], 60));
	}
	while ($text =~ /<([A-Za-z][^\s\/>]*)/g) {
		my $name = lc $1;
		my $pos = $-[0];
		my @attrs;
		for (;;) {
			next if $text =~ /\G[\s\/]+/gc;
			last if $text =~ /\G>/gc;
			last if pos($text) >= length($text);
			if ($text =~ /\G([^\s\/>=][^\s\/>=]*)/gc) {
				my ($an, $av) = (lc $1, '');
				if ($text =~ /\G\s*=\s*/gc) {
					if ($text =~ /\G"([^"]*)"?/gc ||
					    $text =~ /\G'([^']*)'?/gc ||
					    $text =~ /\G([^\s>]*)/gc) {
						$av = $1;
					}
				}
				push @attrs, [$an, $av];
			} else {
				$text =~ /\G./gcs;
			}
		}
		check_tag($pos, $name, \@attrs);
	}
}

for my $f (@ARGV) {
	$file = $f;
	open(my $fh, '<', $file) or die "$file: $!\n";
	binmode($fh);
	local $/;
	$text = <$fh>;
	close($fh);
	$text = '' unless defined $text;
	$xml = $file =~ /\.xml$/;
	$status = $file =~ m{(?:^|/)status/index\.html$};
	$search = $file =~ m{(?:^|/)search/index\.html$};
	$stats = $file =~ m{(?:^|/)stats/index\.html$};
	scan();
	next unless $xml;
	# A feed's <content type="html"> is HTML a reader shows: scanned
	# as HTML once its XML escapes are decoded.
	my $feed = $text;
	my $k = 0;
	while ($feed =~ m{<content type="html">([^<]*)</content>}g) {
		$k++;
		$text = $1;
		$text =~ s/&lt;/</g;
		$text =~ s/&gt;/>/g;
		$text =~ s/&quot;/"/g;
		$text =~ s/&#39;/'/g;
		$text =~ s/&#x([0-9a-fA-F]+);/chr(hex($1))/ge;
		$text =~ s/&#([0-9]+);/chr($1)/ge;
		$text =~ s/&amp;/&/g;
		$file = "$f (entry ${k}'s content)";
		$xml = 0;
		scan();
		$xml = 1;
	}
}
print STDERR "scan.pl: " . scalar(@ARGV) . " files, $findings findings\n";
exit($findings ? 1 : 0);
