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

my $mod = slurp('pam_module/pam_mntns.c');
while ($mod =~ /strn?cmp\(argv\[i\], "([^"]+)"/g) {
	my $arg = $1;
	check(index($page{'man/pam_mntns.8'}, $arg) >= 0,
	      "module argument '$arg' is in pam_mntns(8)");
}

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

# Messages: format strings of err_set, bad, line_error and pam_syslog.
my %seen;
for my $f (glob("lib/*.c lib/*/*.c"), glob("pam_module/*.c")) {
	my $src = slurp($f);
	while ($src =~ /\b(?:err_set\([^,]+,[^,]+,|bad\(w,|line_error\(w,|pam_syslog\(pamh,\s*LOG_\w+,)/g) {
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
exit($failed ? 1 : 0);
