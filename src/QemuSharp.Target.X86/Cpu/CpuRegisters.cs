using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QemuSharp.Target.X86.Cpu;

/// <summary>The sixteen general-purpose registers in encoding order (RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8-R15).</summary>
[InlineArray(16)]
public struct GprFile
{
    private ulong _element;
}

/// <summary>The sixteen XMM registers.</summary>
[InlineArray(16)]
public struct XmmFile
{
    private Vector128<ulong> _element;
}

/// <summary>Encoding numbers of the general-purpose registers.</summary>
public static class Gpr
{
    public const int Rax = 0, Rcx = 1, Rdx = 2, Rbx = 3, Rsp = 4, Rbp = 5, Rsi = 6, Rdi = 7;
    public const int R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;
}

/// <summary>EFLAGS bits.</summary>
public static class EFlags
{
    public const ulong CF = 1 << 0, Reserved1 = 1 << 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7;
    public const ulong TF = 1 << 8, IF = 1 << 9, DF = 1 << 10, OF = 1 << 11;
    public const ulong IOPL = 3 << 12, NT = 1 << 14, RF = 1 << 16, VM = 1 << 17, AC = 1 << 18;
    public const ulong VIF = 1 << 19, VIP = 1 << 20, ID = 1 << 21;

    /// <summary>The six status flags that arithmetic computes (and the lazy-flags machinery tracks).</summary>
    public const ulong Arith = CF | PF | AF | ZF | SF | OF;

    /// <summary>Bits that user-mode code (CPL 3, IOPL 0) may change with POPF.</summary>
    public const ulong UserWritable = Arith | TF | DF | OF | AC | ID | NT;
}
