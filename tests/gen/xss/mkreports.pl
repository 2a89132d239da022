#!/usr/bin/perl
# mkreports.pl CONTENTDIR <payloads.txt: writes, for payload number NNN
# (1-based, one per line), four reports under CONTENTDIR/reports/2025/:
#   t-NNN.md  the payload as the title,
#   s-NNN.md  the payload as the summary,
#   b-NNN.md  the payload in the narrative, a lesson and the reviewer
#             comments (and a line that uses reference links [js], [vb],
#             [dt] and [ev], which some payloads define),
#   x-NNN.md  the payload in a field that takes a slug, a date, a number or
#             the id: these must all be rejected;
# and CONTENTDIR/pages/payloads.md with every payload that a page can hold
# (no image, no overlong line, not too many brackets) as a paragraph of
# its own.
# Front-matter strings rotate through the YAML styles: plain, single
# quoted, double quoted (control bytes as \xHH escapes) and literal block.
use strict;
use warnings;

my $dir = shift or die "usage: mkreports.pl CONTENTDIR <payloads.txt\n";
my @slug_fields = qw(incident_type loss_potential contributing_factors
    agency_type region time_of_day lighting weather id event_date published
    officers_on_scene);

sub dq {
	my ($s) = @_;
	$s =~ s/\\/\\\\/g;
	$s =~ s/"/\\"/g;
	$s =~ s/([\x00-\x1f\x7f])/sprintf("\\x%02x", ord($1))/ge;
	return "\"$s\"";
}

sub sq {
	my ($s) = @_;
	$s =~ s/'/''/g;
	return "'$s'";
}

sub style {
	my ($s, $n) = @_;
	my $k = $n % 4;
	return $s if $k == 0;
	return sq($s) if $k == 1;
	return dq($s) if $k == 2;
	return "|-\n  $s";
}

sub front {
	my (%f) = @_;
	my $env = '';
	for my $k (qw(time_of_day lighting weather)) {
		$env .= "  $k: $f{$k}\n" if exists $f{$k};
	}
	return "---\n" .
	    "id: $f{id}\n" .
	    "title: $f{title}\n" .
	    "event_date: " . ($f{event_date} // '2025-01') . "\n" .
	    "published: " . ($f{published} // '2025-02-01') . "\n" .
	    "incident_type: " . ($f{incident_type} // 'traffic-stop') . "\n" .
	    "contributing_factors: [" . ($f{contributing_factors} //
	    'communication') . "]\n" .
	    "loss_potential: " . ($f{loss_potential} // 'death') . "\n" .
	    (exists $f{officers_on_scene} ?
	    "officers_on_scene: $f{officers_on_scene}\n" : '') .
	    (exists $f{agency_type} ? "agency_type: $f{agency_type}\n" : '') .
	    (exists $f{region} ? "region: $f{region}\n" : '') .
	    ($env ne '' ? "environment:\n$env" : '') .
	    "summary: $f{summary}\n" .
	    "---\n";
}

sub put {
	my ($path, $text) = @_;
	open(my $fh, '>', $path) or die "$path: $!\n";
	binmode($fh);
	print $fh $text;
	close($fh) or die "$path: $!\n";
}

my $plain_body = "Narrative.\n\n## Lessons learned\n\n- Lesson.\n";
my $page = "# Payloads\n\nEvery payload of tests/gen/xss/payloads.txt that a page can hold.\n";
mkdir "$dir/reports";
mkdir "$dir/reports/2025";
mkdir "$dir/pages";
my $n = 0;
while (my $p = <STDIN>) {
	chomp $p;
	next if $p eq '';
	$n++;
	my $id = sprintf("%03d", $n);
	put("$dir/reports/2025/t-$id.md", front(id => "t-$id",
	    title => style($p, $n), summary => "\"Title case $id.\"") .
	    $plain_body);
	put("$dir/reports/2025/s-$id.md", front(id => "s-$id",
	    title => "\"Summary case $id\"", summary => style($p, $n)) .
	    $plain_body);
	put("$dir/reports/2025/b-$id.md", front(id => "b-$id",
	    title => "\"Body case $id\"", summary => "\"Body case $id.\"") .
	    "Narrative $id.\n\n$p\n\n" .
	    "See [ref one][js], [ref two][vb], [ref three][dt], [ref four][ev].\n" .
	    "\n## Lessons learned\n\n- $p\n- Lesson $id.\n" .
	    "\n## Reviewer comments\n\n$p\n");
	my $field = $slug_fields[$n % @slug_fields];
	my $v = int($n / @slug_fields) % 2 ? sq($p) : dq($p);
	my %f = (id => "x-$id", title => "\"Slug case $id\"",
	    summary => "\"Slug case $id.\"");
	$f{$field} = $field eq 'contributing_factors' ? "communication, $v" :
	    $v;
	put("$dir/reports/2025/x-$id.md", front(%f) . $plain_body);
	$page .= "\n$p\n" unless $p =~ /!\[/ || length($p) > 1000 ||
	    ($p =~ tr/[//) > 200;
}
put("$dir/pages/payloads.md", $page);
print STDERR "mkreports.pl: $n payloads, " . 4 * $n . " reports\n";
