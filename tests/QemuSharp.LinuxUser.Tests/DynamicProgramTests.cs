namespace QemuSharp.LinuxUser.Tests;

/// <summary>Dynamically linked Debian programs (python3, perl): the guest's own ld.so loads their libraries.</summary>
public sealed class DynamicProgramTests
{
    private const string PythonScript = """
        import hashlib, zlib, json, math, threading, struct, re, os, sys
        data = bytes(range(256)) * 400
        print(hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest())
        print(zlib.crc32(data), len(zlib.compress(data, 9)), zlib.decompress(zlib.compress(data)) == data)
        print(json.dumps({"a": [1, 2.5, None, True], "b": {"c": "d"}}, sort_keys=True))
        print(math.sqrt(2), math.sin(1.0), math.exp(10.5), 1e300 * 10, float("nan") != float("nan"))
        print(sum(i * i for i in range(100000)), 2 ** 200, 7 ** -3, round(2.675, 2), f"{math.pi:.15e}")
        print(struct.pack("<dqf", 1.5, -2, 3.25).hex(), re.sub(r"(\w+)@(\w+)", r"\2 at \1", "user@host and a@b"))
        counter = [0]
        lock = threading.Lock()
        def work():
            for _ in range(2000):
                with lock:
                    counter[0] += 1
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads: t.start()
        for t in threads: t.join()
        print("threads", counter[0])
        print(sorted(os.listdir("/usr/lib/python3"))[:1] != [], sys.version_info[0])
        """;

    private const string PerlScript = """
        use strict; use warnings;
        my %h = map { $_ => $_ ** 2 } 1 .. 20;
        print join(",", map { "$_=$h{$_}" } sort { $a <=> $b } keys %h), "\n";
        printf "%.10f %e %s\n", atan2(1, 1) * 4, 12345.678, 0.1 + 0.2;
        my $s = "The quick brown fox"; (my $t = $s) =~ s/(\w+)/\u\L$1/g; print "$t\n";
        print scalar(reverse "abcdef"), " ", join("|", split /o/, $s), "\n";
        my @sorted = sort { $b <=> $a } map { ($_ * 7919) % 1000 } 1 .. 50; print "@sorted[0..9]\n";
        print unpack("H*", pack("NnC", 0xdeadbeef, 0x1234, 0x56)), "\n";
        """;

    [Fact]
    public void Python3ShouldPrintWhatItPrintsNatively()
    {
        var native = Run.Native("/usr/bin/python3", ["-c", PythonScript]);
        var emulated = Run.Emulated("/usr/bin/python3", ["-c", PythonScript]);
        Assert.Equal(0, native.ExitCode);
        Assert.Equal(native.Stdout, emulated.Stdout);
        Assert.Equal(native.ExitCode, emulated.ExitCode);
    }

    [Fact]
    public void PerlShouldPrintWhatItPrintsNatively()
    {
        var native = Run.Native("/usr/bin/perl", ["-e", PerlScript]);
        var emulated = Run.Emulated("/usr/bin/perl", ["-e", PerlScript]);
        Assert.Equal(0, native.ExitCode);
        Assert.Equal(native.Stdout, emulated.Stdout);
    }

    [Theory]
    [InlineData("/bin/ls", "-la", "/usr/share/doc/busybox-static")]
    [InlineData("/usr/bin/sort", "-k2", "/etc/passwd")]
    [InlineData("/bin/bash", "-c", "for i in 1 2 3; do echo $((i*i)); done | tac; echo ${BASH_VERSINFO[0]} > /dev/null")]
    public void CoreutilsShouldMatchTheNativeRun(params string[] command)
    {
        var native = Run.Native(command[0], command[1..]);
        var emulated = Run.Emulated(command[0], command[1..]);
        Assert.Equal(native.Stdout, emulated.Stdout);
        Assert.Equal(native.ExitCode, emulated.ExitCode);
    }
}
