using QemuSharp.Target.X86.X87;

namespace QemuSharp.Target.X86.Tests.X87;

/// <summary>
/// FXSAVE and FNSTENV images after the sequence in oracle/x87images.c, compared with the host.
/// The instruction and data pointer fields are left out: they hold host addresses.
/// </summary>
public class X87ImageOracleTests
{
    private static readonly Lazy<byte[]> Host = new(HostOracle.RunImages);

    private static X87State RunSequence()
    {
        var fpu = new X87State { ControlWord = 0x0A7F };
        fpu.LoadConstant(X87Constant.One);
        fpu.LoadConstant(X87Constant.Zero);
        fpu.LoadConstant(X87Constant.Pi);
        fpu.LoadConstant(X87Constant.One);
        fpu.ChangeSign(false);
        fpu.Unary(X87UnaryOp.SquareRoot);
        fpu.DecrementTop();
        fpu.DecrementTop();
        fpu.IncrementTop();
        fpu.Free(4);
        return fpu;
    }

    [Fact]
    public void FxsaveShouldMatchTheHostInControlStatusTagsAndRegisters()
    {
        byte[] area = new byte[X87State.FxSaveSize];
        RunSequence().FxSave(area, rexW: false);
        byte[] host = Host.Value;
        Assert.Equal(Convert.ToHexString(host, 0, 5), Convert.ToHexString(area, 0, 5));
        Assert.Equal(Convert.ToHexString(host, 32, 128), Convert.ToHexString(area, 32, 128));
    }

    [Fact]
    public void FnstenvShouldMatchTheHostAndMaskAllExceptions()
    {
        X87State fpu = RunSequence();
        byte[] env = new byte[X87State.EnvironmentSize32];
        fpu.StoreEnvironment(env);
        fpu.MaskAllExceptions();
        byte[] host = Host.Value;
        Assert.Equal(Convert.ToHexString(host, 160, 12), Convert.ToHexString(env, 0, 12));
        Assert.Equal(BitConverter.ToUInt16(host, 188), fpu.ControlWord);
    }
}
