# Run by perl (see PerlScript in example.ts): this file need not be executable.
use strict;
use warnings;

my $body = '';
read(STDIN, $body, $ENV{CONTENT_LENGTH} || 0);
my %form;
for my $pair (split /&/, $body) {
  my ($key, $value) = map { my $s = $_ // ''; $s =~ tr/+/ /; $s =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge; $s } split /=/, $pair, 2;
  $form{$key} = $value;
}
my $name = $form{name} // '';
$name =~ s/&/&amp;/g; $name =~ s/</&lt;/g; $name =~ s/>/&gt;/g; $name =~ s/"/&quot;/g;

print "Content-Type: text/html; charset=utf-8\r\n\r\n";
print "<!DOCTYPE html>\n<html><body>\n";
print $name eq '' ? "<p>What is your name?</p>\n" : "<p>Hello, $name! Perl says so.</p>\n";
print qq(<form method="post"><input name="name"> <button>Send</button></form>\n</body></html>\n);
