namespace QemuSharp.LinuxUser.Tests;

/// <summary>qemu-x86_64's command line and QEMU_* variables, with QEMU 7.2's messages.</summary>
public sealed class UserOptionsTests
{
    private static readonly Dictionary<string, string?> NoEnv = new();

    [Fact]
    public void ShouldTakeOptionsBeforeTheProgramAndPassTheRestToIt()
    {
        var o = UserOptions.Parse(["-L", "/prefix", "-E", "A=1,B=2", "-U", "C", "-0", "name", "-cpu", "qemu64", "-strace", "prog", "-x", "--y"], NoEnv);
        Assert.Equal("/prefix", o.Prefix);
        Assert.Equal(["A=1", "B=2"], o.SetEnv);
        Assert.Equal(["C"], o.UnsetEnv);
        Assert.Equal("name", o.Argv0);
        Assert.Equal("qemu64", o.Cpu.Name);
        Assert.True(o.Strace);
        Assert.Equal("prog", o.Program);
        Assert.Equal(["prog", "-x", "--y"], o.Args);
    }

    [Fact]
    public void ShouldReadTheQemuEnvironmentVariables()
    {
        var env = new Dictionary<string, string?>
        {
            ["QEMU_LD_PREFIX"] = "/p", ["QEMU_SET_ENV"] = "X=1", ["QEMU_STRACE"] = "", ["QEMU_CPU"] = "qemu64", ["QEMU_LOG"] = "in_asm",
        };
        var o = UserOptions.Parse(["prog"], env);
        Assert.Equal("/p", o.Prefix);
        Assert.Equal(["X=1"], o.SetEnv);
        Assert.True(o.Strace);
        Assert.Equal("qemu64", o.Cpu.Name);
        Assert.Contains("in_asm", o.LogItems);
    }

    [Theory]
    [InlineData(new[] { "-bogus", "prog" }, "qemu: unknown option 'bogus'", 1)]
    [InlineData(new[] { "-L" }, "qemu: missing argument for option 'L'", 1)]
    [InlineData(new string[0], "qemu: no user program specified", 1)]
    [InlineData(new[] { "-cpu", "foo", "prog" }, "qemu-x86_64: unable to find CPU model 'foo'", 1)]
    [InlineData(new[] { "-version" }, "qemu-x86_64 version 7.2.0", 0)]
    public void ShouldAnswerAsQemuDoes(string[] args, string messageStart, int exitCode)
    {
        var e = Assert.Throws<UsageException>(() => UserOptions.Parse(args, NoEnv));
        Assert.StartsWith(messageStart, e.Message);
        Assert.Equal(exitCode, e.ExitCode);
    }

    [Fact]
    public void ShouldPassTheSameOptionsToAnExecutedProgram()
    {
        var o = UserOptions.Parse(["-L", "/p", "-cpu", "qemu64", "-strace", "-one-insn-per-tb", "prog"], NoEnv);
        var again = UserOptions.Parse([.. o.ToArguments(), "other"], NoEnv);
        Assert.Equal(o.Prefix, again.Prefix);
        Assert.Equal(o.Cpu, again.Cpu);
        Assert.Equal(o.Strace, again.Strace);
        Assert.Equal(o.OneInsnPerTb, again.OneInsnPerTb);
    }
}
