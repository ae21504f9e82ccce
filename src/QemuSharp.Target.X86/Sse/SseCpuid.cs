namespace QemuSharp.Target.X86.Sse;

/// <summary>
/// The CPUID feature bits whose instructions this library implements. Bits that also need the x87
/// unit or the interpreter are not included: MMX (CPUID.1:EDX bit 23: the MMX register file and EMMS;
/// the arithmetic is here, see <see cref="Mmx"/>), FXSR (EDX bit 24: the x87 half of FXSAVE) and
/// CMPXCHG16B (ECX bit 13: an atomic 16-byte memory operation).
/// </summary>
public static class SseCpuid
{
    /// <summary>CPUID.1:EDX: SSE (bit 25) and SSE2 (bit 26).</summary>
    public const uint Leaf1Edx = (1u << 25) | (1u << 26);

    /// <summary>CPUID.1:ECX: SSE3 (bit 0), SSSE3 (9), SSE4.1 (19), SSE4.2 (20) and POPCNT (23).</summary>
    public const uint Leaf1Ecx = (1u << 0) | (1u << 9) | (1u << 19) | (1u << 20) | (1u << 23);
}
