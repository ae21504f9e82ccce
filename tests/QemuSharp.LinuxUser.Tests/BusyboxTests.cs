namespace QemuSharp.LinuxUser.Tests;

/// <summary>Debian's busybox-static, an unmodified real program: each applet run natively and emulated must agree.</summary>
public sealed class BusyboxTests
{
    private const string Busybox = "/bin/busybox";

    [Theory]
    [InlineData("echo", "hello", "world")]
    [InlineData("uname", "-m")]
    [InlineData("md5sum", "/etc/passwd")]
    [InlineData("sha1sum", "/etc/passwd")]
    [InlineData("sha256sum", "/etc/passwd")]
    [InlineData("sha512sum", "/etc/passwd")]
    [InlineData("sort", "-r", "/etc/passwd")]
    [InlineData("wc", "/etc/passwd")]
    [InlineData("head", "-n", "3", "/etc/passwd")]
    [InlineData("cut", "-d:", "-f1,3", "/etc/passwd")]
    [InlineData("grep", "-c", "bin", "/etc/passwd")]
    [InlineData("sed", "s/bin/BIN/;s/[0-9]\\+/N/g", "/etc/passwd")]
    [InlineData("od", "-A", "x", "-t", "x1z", "/etc/hostname")]
    [InlineData("base64", "/etc/passwd")]
    [InlineData("expr", "12345", "*", "6789")]
    [InlineData("printf", "%d %x %s\\n", "42", "255", "str")]
    [InlineData("tr", "a-z", "A-Z")]
    [InlineData("ls", "-la", "/usr")]
    [InlineData("basename", "/usr/lib/x.so", ".so")]
    [InlineData("sh", "-c", "x=5; y=$((x * 7 + 1)); echo $y; for i in a b c; do echo $i$y; done; case $x in 5) echo five;; esac")]
    [InlineData("sh", "-c", "f() { echo arg:$1; return 3; }; f one; echo status $?; echo ${#PATH} > /dev/null; test 3 -gt 2 && echo yes")]
    [InlineData("sh", "-c", "echo one two three | tr ' ' '\\n' | sort -r | head -2")]
    [InlineData("sh", "-c", "(echo sub; exit 4); echo $?; echo $(echo nested $(echo deep))")]
    [InlineData("sh", "-c", "sleep 0.1 & wait $!; echo waited $?")]
    [InlineData("sh", "-c", "i=0; while [ $i -lt 30 ]; do i=$((i+1)); /bin/busybox true; done; echo ran $i processes")]
    public void AppletShouldMatchTheNativeRun(params string[] args)
    {
        string stdin = "the quick brown fox\njumps over the lazy dog\n";
        var native = Run.Native(Busybox, args, stdin);
        var emulated = Run.Emulated(Busybox, args, stdin);
        Assert.Equal(native.Stdout, emulated.Stdout);
        Assert.Equal(native.ExitCode, emulated.ExitCode);
    }
}
