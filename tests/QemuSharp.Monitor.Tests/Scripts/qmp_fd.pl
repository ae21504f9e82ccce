#!/usr/bin/perl
# The management-application pattern: listen on a unix socket, clear FD_CLOEXEC, exec the
# emulator with -chardev socket,fd=N, connect exactly once and drive QMP.
# Usage: qmp_fd.pl mon|qmp EMULATOR [ARGS...]; prints every line received, one per line.
use strict;
use warnings;
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM);
use Fcntl qw(F_GETFD F_SETFD FD_CLOEXEC);
use File::Temp qw(tempdir);

my ($mode, @emulator) = @ARGV;
my $dir = tempdir(CLEANUP => 1);
my $path = "$dir/qmp.sock";
my $listener = IO::Socket::UNIX->new(Type => SOCK_STREAM, Local => $path, Listen => 1)
    or die "listen: $!";
my $flags = fcntl($listener, F_GETFD, 0);
fcntl($listener, F_SETFD, $flags & ~FD_CLOEXEC) or die "fcntl: $!";
my $fd = fileno($listener);
my @monitor = $mode eq 'qmp' ? ('-qmp', 'chardev:mon') : ('-mon', 'chardev=mon,mode=control');
my $pid = fork();
die "fork: $!" unless defined $pid;
if ($pid == 0) {
    open(STDIN, '<', '/dev/null');
    exec(@emulator, '-M', 'none', '-display', 'none', '-nodefaults',
         '-chardev', "socket,fd=$fd,server=on,wait=off,id=mon", @monitor) or exit 127;
}
close($listener);
my $client = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path) or die "connect: $!";
$client->autoflush(1);

sub reply {
    while (my $line = <$client>) {
        $line =~ s/\r?\n$//;
        print "$line\n";
        return if $line =~ /"(return|error|QMP)"/;
    }
}

reply();
for my $cmd ('{"execute":"qmp_capabilities"}', '{"execute":"query-status","id":"s1"}',
             '{"execute":"stop"}', '{"execute":"query-chardev"}', '{"execute":"quit"}') {
    print $client "$cmd\n";
    reply();
}
my $rest = join('', <$client>);
print "EOF\n";
waitpid($pid, 0);
print "exit=", $? >> 8, "\n";
