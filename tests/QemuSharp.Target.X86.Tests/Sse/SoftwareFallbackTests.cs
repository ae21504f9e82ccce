using System.Reflection;
using System.Runtime.Intrinsics;
using QemuSharp.Target.X86.Sse;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Tests.Sse;

/// <summary>
/// The software forms run where the host lacks an instruction; here they must agree with the host
/// intrinsic forms (which the host-CPU oracle checks) on random and edge inputs.
/// </summary>
public sealed class SoftwareFallbackTests
{
    public static TheoryData<string> PackedIntegerFallbacks()
        => [.. typeof(PackedIntSoftware).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(PackedIntegerFallbacks))]
    public void ShouldAgreeWithTheHostInstruction(string name)
    {
        MethodInfo software = typeof(PackedIntSoftware).GetMethod(name)!;
        MethodInfo host = typeof(PackedInt).GetMethod(name, [.. software.GetParameters().Select(p => p.ParameterType)])!;
        var generator = new InputGenerator(name.Length);
        for (int i = 0; i < 2000; i++)
        {
            MachineState s = generator.Next(InputKind.Integer);
            object[] args = software.GetParameters().Length == 1 ? [s.X2] : [s.X1, s.X2];
            Assert.Equal((Xmm)host.Invoke(null, args)!, (Xmm)software.Invoke(null, args)!);
        }
    }

    [Fact]
    public void ShouldPackWithSaturationLikeTheHost()
    {
        var generator = new InputGenerator(9);
        for (int i = 0; i < 2000; i++)
        {
            MachineState s = generator.Next(InputKind.Integer);
            Assert.Equal(PackExtend.Packsswb(s.X1, s.X2), PackExtend.PacksswbSoftware(s.X1, s.X2));
            Assert.Equal(PackExtend.Packuswb(s.X1, s.X2), PackExtend.PackuswbSoftware(s.X1, s.X2));
            Assert.Equal(PackExtend.Packssdw(s.X1, s.X2), PackExtend.PackssdwSoftware(s.X1, s.X2));
            Assert.Equal(PackExtend.Packusdw(s.X1, s.X2), PackExtend.PackusdwSoftware(s.X1, s.X2));
        }
    }

    [Fact]
    public void ShouldShuffleBytesLikePshufb()
    {
        var generator = new InputGenerator(7);
        for (int i = 0; i < 2000; i++)
        {
            MachineState s = generator.Next(InputKind.Integer);
            Assert.Equal(Shuffle.Pshufb(s.X1, s.X2), Shuffle.PshufbSoftware(s.X1, s.X2));
        }
    }

    [Fact]
    public void ShouldComputeCrc32cLikeTheHost()
    {
        var random = new Random(3);
        for (int i = 0; i < 2000; i++)
        {
            uint crc = (uint)random.NextInt64();
            ulong data = (ulong)random.NextInt64();
            Assert.Equal(Crc32c.Crc8(crc, (byte)data), Crc32c.Software(crc, data, 1));
            Assert.Equal(Crc32c.Crc16(crc, (ushort)data), Crc32c.Software(crc, data, 2));
            Assert.Equal(Crc32c.Crc32(crc, (uint)data), Crc32c.Software(crc, data, 4));
            Assert.Equal(Crc32c.Crc64(crc, data), Crc32c.Software(crc, data, 8));
        }
    }

    [Fact]
    public void ShouldGiveTheStandardCheckValueForCrc32c()
    {
        uint crc = uint.MaxValue;
        foreach (byte b in "123456789"u8)
        {
            crc = Crc32c.Software(crc, b, 1);
        }
        Assert.Equal(0xE3069283u, ~crc);
    }
}
