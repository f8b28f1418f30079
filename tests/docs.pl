#!/usr/bin/perl
# Docs move with code: every module argument, config method and option
# word, and every message the module or the engine can produce (the
# literal text of its format string up to the first conversion) appears
# in a man page.  TAP output.
use strict;
use warnings;

my $n = 0;
my $failed = 0;

sub check {
	my ($ok, $what) = @_;
	$n++;
	print(($ok ? "ok" : "not ok"), " $n - $what\n");
	$failed++ unless $ok;
}

sub slurp {
	my ($f) = @_;
	open(my $fh, '<', $f) or die "$f: $!";
	local $/;
	return <$fh>;
}

sub squash {
	my ($s) = @_;
	$s =~ s/\s+/ /g;
	return $s;
}

# The pages as a reader sees them.
my %page;
for my $p (glob("man/*.[0-9]")) {
	my $t = `mandoc -Tascii $p | col -b`;
	die "mandoc $p failed\n" if $?;
	# Undo hyphenation at line ends, then join lines.
	$t =~ s/(\w)-\n\s+(\w)/$1$2/g;
	$page{$p} = squash($t);
}
my $all = join(' ', values %page);

# Adjacent C string literals from position $pos, joined.
sub literals_at {
	my ($src, $pos) = @_;
	my $s = substr($src, $pos);
	my $out = '';
	while ($s =~ /\G\s*"((?:[^"\\]|\\.)*)"/gc) {
		$out .= $1;
	}
	return $out;
}

# Settings: the rows of the one table that PAM arguments and "set" lines
# are parsed by.
my $settings = slurp('lib/config/settings.c');
my $nsettings = 0;
while ($settings =~ /\{"(\w+=?)", SET_\w+,/g) {
	my $arg = $1;
	$nsettings++;
	check(index($page{'man/pam_mntns.8'}, $arg) >= 0,
	      "module argument '$arg' is in pam_mntns(8)");
	next if $arg eq 'conf=';
	check(index($page{'man/pam_mntns.conf.5'}, $arg) >= 0,
	      "setting '$arg' is in pam_mntns.conf(5)");
}
check($nsettings >= 5, "the settings table was read ($nsettings rows)");

my $conf = slurp('lib/config/conf.c');
while ($conf =~ /case METHOD_\w+:\s*return "(\w+)"/g) {
	my $m = $1;
	check($page{'man/pam_mntns.conf.5'} =~ /\b\Q$m\E\b/,
	      "method '$m' is in pam_mntns.conf(5)");
}
my $optmap = slurp(($ENV{B} // 'build') . '/optmap.h');
while ($optmap =~ /\{ "(\w+)",/g) {
	my $o = $1;
	check($page{'man/pam_mntns.conf.5'} =~ /\b\Q$o\E\b/,
	      "option '$o' is in pam_mntns.conf(5)");
}
for my $w ('mode=', 'size=', 'nr_inodes=', 'context=', 'fscontext=',
	'defcontext=', 'rootcontext=') {
	check(index($page{'man/pam_mntns.conf.5'}, $w) >= 0,
	      "option '$w' is in pam_mntns.conf(5)");
}

# Messages: format strings of err_set, line_error, file_error and
# pam_syslog.
my %seen;
for my $f (glob("lib/*.c lib/*/*.c"), glob("pam_module/*.c")) {
	my $src = slurp($f);
	while ($src =~ /\b(?:err_set\([^,]+,[^,]+,|line_error\(&?w,|file_error\(e,[^,]+,[^,]+,[^,]+,|pam_syslog\(pamh,\s*LOG_\w+,)/g) {
		my $fmt = literals_at($src, pos($src));
		next if $fmt eq '';
		(my $lit = $fmt) =~ s/%%/\x01/g;
		$lit =~ s/%.*//s;
		$lit =~ s/\x01/%/g;
		$lit =~ s/\\n.*//s;
		$lit =~ s/\\(.)/$1/g;
		$lit =~ s/^\s+|\s+$//g;
		# "%s: %s"-like strings have no words of their own.
		next if length($lit) < 8 || $seen{$lit}++;
		check(index($all, squash($lit)) >= 0,
		      "message \"$lit\" ($f) is in a man page");
	}
}
# The docs cite only files the repository holds, and its own design
# document: a path in backquotes names a file or a glob that matches.
my $roots = qr{(?:lib|helper|pam_module|tests|bench|man|conf|doc|debian|rpm|tools|\.ci)/};
for my $doc ('README.md', 'SECURITY.md', 'lib/README.md', 'doc/design.md',
	'bench/RESULTS.md', 'tests/vm/README.md') {
	next unless -e $doc;
	my $text = slurp($doc);
	check($text !~ /\bDESIGN(?:\.md)?\b/,
	      "$doc cites no design document outside the repository");
	my %cited;
	while ($text =~ /`($roots[\w.\/*{},-]*)`/g) {
		my $path = $1;
		next if $cited{$path}++;
		# A test file may be named as make check's T= names it.
		my @found = grep { -e } map { glob($_ =~ /[*{]/ ? $_ : "'$_'") }
		    ($path, "tests/$path.sh");
		check(@found > 0, "$doc: `$path` is in the repository");
	}
}
for my $doc ('README.md', 'SECURITY.md', 'lib/README.md') {
	check(index(slurp($doc), 'doc/design.md') >= 0,
	      "$doc cites doc/design.md");
}
exit($failed ? 1 : 0);
