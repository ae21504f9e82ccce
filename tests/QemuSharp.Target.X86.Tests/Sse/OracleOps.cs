using Iced.Intel;
using QemuSharp.Target.X86.Sse;
using static QemuSharp.Target.X86.Tests.Sse.OracleOp;

namespace QemuSharp.Target.X86.Tests.Sse;

/// <summary>Every instruction form that the host oracle checks, with the library call that emulates it.</summary>
internal static partial class OracleOps
{
    private const InputKind I = InputKind.Integer;
    private const InputKind T = InputKind.Text;
    private const InputKind S = InputKind.Single;
    private const InputKind D = InputKind.Double;

    public static readonly IReadOnlyList<OracleOp> All = [.. IntegerOps(), .. ShuffleOps(), .. StringOps(), .. FloatOps(), .. ConvertOps(), .. MmxOps()];

    public static OracleOp Find(string name) => All.Single(o => o.Name == name);

    private static IEnumerable<OracleOp> IntegerOps() =>
    [
        Binary(Code.Paddb_xmm_xmmm128, I, PackedInt.Paddb), Binary(Code.Paddw_xmm_xmmm128, I, PackedInt.Paddw),
        Binary(Code.Paddd_xmm_xmmm128, I, PackedInt.Paddd), Binary(Code.Paddq_xmm_xmmm128, I, PackedInt.Paddq),
        Binary(Code.Psubb_xmm_xmmm128, I, PackedInt.Psubb), Binary(Code.Psubw_xmm_xmmm128, I, PackedInt.Psubw),
        Binary(Code.Psubd_xmm_xmmm128, I, PackedInt.Psubd), Binary(Code.Psubq_xmm_xmmm128, I, PackedInt.Psubq),
        Binary(Code.Paddsb_xmm_xmmm128, I, PackedInt.Paddsb), Binary(Code.Paddsw_xmm_xmmm128, I, PackedInt.Paddsw),
        Binary(Code.Paddusb_xmm_xmmm128, I, PackedInt.Paddusb), Binary(Code.Paddusw_xmm_xmmm128, I, PackedInt.Paddusw),
        Binary(Code.Psubsb_xmm_xmmm128, I, PackedInt.Psubsb), Binary(Code.Psubsw_xmm_xmmm128, I, PackedInt.Psubsw),
        Binary(Code.Psubusb_xmm_xmmm128, I, PackedInt.Psubusb), Binary(Code.Psubusw_xmm_xmmm128, I, PackedInt.Psubusw),
        Binary(Code.Pmullw_xmm_xmmm128, I, PackedInt.Pmullw), Binary(Code.Pmulld_xmm_xmmm128, I, PackedInt.Pmulld),
        Binary(Code.Pmulhw_xmm_xmmm128, I, PackedInt.Pmulhw), Binary(Code.Pmulhuw_xmm_xmmm128, I, PackedInt.Pmulhuw),
        Binary(Code.Pmulhrsw_xmm_xmmm128, I, PackedInt.Pmulhrsw), Binary(Code.Pmuludq_xmm_xmmm128, I, PackedInt.Pmuludq),
        Binary(Code.Pmuldq_xmm_xmmm128, I, PackedInt.Pmuldq), Binary(Code.Pmaddwd_xmm_xmmm128, I, PackedInt.Pmaddwd),
        Binary(Code.Pmaddubsw_xmm_xmmm128, I, PackedInt.Pmaddubsw),
        Binary(Code.Pavgb_xmm_xmmm128, I, PackedInt.Pavgb), Binary(Code.Pavgw_xmm_xmmm128, I, PackedInt.Pavgw),
        Binary(Code.Pminsb_xmm_xmmm128, I, PackedInt.Pminsb), Binary(Code.Pminsw_xmm_xmmm128, I, PackedInt.Pminsw),
        Binary(Code.Pminsd_xmm_xmmm128, I, PackedInt.Pminsd), Binary(Code.Pminub_xmm_xmmm128, I, PackedInt.Pminub),
        Binary(Code.Pminuw_xmm_xmmm128, I, PackedInt.Pminuw), Binary(Code.Pminud_xmm_xmmm128, I, PackedInt.Pminud),
        Binary(Code.Pmaxsb_xmm_xmmm128, I, PackedInt.Pmaxsb), Binary(Code.Pmaxsw_xmm_xmmm128, I, PackedInt.Pmaxsw),
        Binary(Code.Pmaxsd_xmm_xmmm128, I, PackedInt.Pmaxsd), Binary(Code.Pmaxub_xmm_xmmm128, I, PackedInt.Pmaxub),
        Binary(Code.Pmaxuw_xmm_xmmm128, I, PackedInt.Pmaxuw), Binary(Code.Pmaxud_xmm_xmmm128, I, PackedInt.Pmaxud),
        Unary(Code.Pabsb_xmm_xmmm128, I, PackedInt.Pabsb), Unary(Code.Pabsw_xmm_xmmm128, I, PackedInt.Pabsw),
        Unary(Code.Pabsd_xmm_xmmm128, I, PackedInt.Pabsd),
        Binary(Code.Psignb_xmm_xmmm128, I, PackedInt.Psignb), Binary(Code.Psignw_xmm_xmmm128, I, PackedInt.Psignw),
        Binary(Code.Psignd_xmm_xmmm128, I, PackedInt.Psignd),
        Binary(Code.Pcmpeqb_xmm_xmmm128, I, PackedInt.Pcmpeqb), Binary(Code.Pcmpeqw_xmm_xmmm128, I, PackedInt.Pcmpeqw),
        Binary(Code.Pcmpeqd_xmm_xmmm128, I, PackedInt.Pcmpeqd), Binary(Code.Pcmpeqq_xmm_xmmm128, I, PackedInt.Pcmpeqq),
        Binary(Code.Pcmpgtb_xmm_xmmm128, I, PackedInt.Pcmpgtb), Binary(Code.Pcmpgtw_xmm_xmmm128, I, PackedInt.Pcmpgtw),
        Binary(Code.Pcmpgtd_xmm_xmmm128, I, PackedInt.Pcmpgtd), Binary(Code.Pcmpgtq_xmm_xmmm128, I, PackedInt.Pcmpgtq),
        Binary(Code.Pand_xmm_xmmm128, I, PackedInt.Pand), Binary(Code.Pandn_xmm_xmmm128, I, PackedInt.Pandn),
        Binary(Code.Por_xmm_xmmm128, I, PackedInt.Por), Binary(Code.Pxor_xmm_xmmm128, I, PackedInt.Pxor),
        Binary(Code.Andps_xmm_xmmm128, S, PackedInt.Pand), Binary(Code.Andnpd_xmm_xmmm128, D, PackedInt.Pandn),
        Binary(Code.Orps_xmm_xmmm128, S, PackedInt.Por), Binary(Code.Xorpd_xmm_xmmm128, D, PackedInt.Pxor),
        Binary(Code.Psadbw_xmm_xmmm128, I, PackedInt.Psadbw), BinaryImm(Code.Mpsadbw_xmm_xmmm128_imm8, I, PackedInt.Mpsadbw),
        Unary(Code.Phminposuw_xmm_xmmm128, I, PackedInt.Phminposuw),
        Binary(Code.Phaddw_xmm_xmmm128, I, PackedInt.Phaddw), Binary(Code.Phaddd_xmm_xmmm128, I, PackedInt.Phaddd),
        Binary(Code.Phaddsw_xmm_xmmm128, I, PackedInt.Phaddsw), Binary(Code.Phsubw_xmm_xmmm128, I, PackedInt.Phsubw),
        Binary(Code.Phsubd_xmm_xmmm128, I, PackedInt.Phsubd), Binary(Code.Phsubsw_xmm_xmmm128, I, PackedInt.Phsubsw),
        Binary(Code.Psllw_xmm_xmmm128, I, (a, b) => PackedShift.Psllw(a, PackedShift.CountOf(b))),
        Binary(Code.Pslld_xmm_xmmm128, I, (a, b) => PackedShift.Pslld(a, PackedShift.CountOf(b))),
        Binary(Code.Psllq_xmm_xmmm128, I, (a, b) => PackedShift.Psllq(a, PackedShift.CountOf(b))),
        Binary(Code.Psrlw_xmm_xmmm128, I, (a, b) => PackedShift.Psrlw(a, PackedShift.CountOf(b))),
        Binary(Code.Psrld_xmm_xmmm128, I, (a, b) => PackedShift.Psrld(a, PackedShift.CountOf(b))),
        Binary(Code.Psrlq_xmm_xmmm128, I, (a, b) => PackedShift.Psrlq(a, PackedShift.CountOf(b))),
        Binary(Code.Psraw_xmm_xmmm128, I, (a, b) => PackedShift.Psraw(a, PackedShift.CountOf(b))),
        Binary(Code.Psrad_xmm_xmmm128, I, (a, b) => PackedShift.Psrad(a, PackedShift.CountOf(b))),
        SelfImm(Code.Psllw_xmm_imm8, (a, i) => PackedShift.Psllw(a, i)), SelfImm(Code.Pslld_xmm_imm8, (a, i) => PackedShift.Pslld(a, i)),
        SelfImm(Code.Psllq_xmm_imm8, (a, i) => PackedShift.Psllq(a, i)), SelfImm(Code.Psrlw_xmm_imm8, (a, i) => PackedShift.Psrlw(a, i)),
        SelfImm(Code.Psrld_xmm_imm8, (a, i) => PackedShift.Psrld(a, i)), SelfImm(Code.Psrlq_xmm_imm8, (a, i) => PackedShift.Psrlq(a, i)),
        SelfImm(Code.Psraw_xmm_imm8, (a, i) => PackedShift.Psraw(a, i)), SelfImm(Code.Psrad_xmm_imm8, (a, i) => PackedShift.Psrad(a, i)),
        SelfImm(Code.Pslldq_xmm_imm8, PackedShift.Pslldq), SelfImm(Code.Psrldq_xmm_imm8, PackedShift.Psrldq),
        BinaryImm(Code.Palignr_xmm_xmmm128_imm8, I, PackedShift.Palignr),
    ];

    private static IEnumerable<OracleOp> ShuffleOps() =>
    [
        Binary(Code.Pshufb_xmm_xmmm128, I, Shuffle.Pshufb),
        BinaryImm(Code.Pshufd_xmm_xmmm128_imm8, I, (_, b, i) => Shuffle.Pshufd(b, i)),
        BinaryImm(Code.Pshuflw_xmm_xmmm128_imm8, I, (_, b, i) => Shuffle.Pshuflw(b, i)),
        BinaryImm(Code.Pshufhw_xmm_xmmm128_imm8, I, (_, b, i) => Shuffle.Pshufhw(b, i)),
        BinaryImm(Code.Shufps_xmm_xmmm128_imm8, I, Shuffle.Shufps), BinaryImm(Code.Shufpd_xmm_xmmm128_imm8, I, Shuffle.Shufpd),
        Binary(Code.Punpcklbw_xmm_xmmm128, I, Shuffle.Punpcklbw), Binary(Code.Punpckhbw_xmm_xmmm128, I, Shuffle.Punpckhbw),
        Binary(Code.Punpcklwd_xmm_xmmm128, I, Shuffle.Punpcklwd), Binary(Code.Punpckhwd_xmm_xmmm128, I, Shuffle.Punpckhwd),
        Binary(Code.Punpckldq_xmm_xmmm128, I, Shuffle.Punpckldq), Binary(Code.Punpckhdq_xmm_xmmm128, I, Shuffle.Punpckhdq),
        Binary(Code.Punpcklqdq_xmm_xmmm128, I, Shuffle.Punpcklqdq), Binary(Code.Punpckhqdq_xmm_xmmm128, I, Shuffle.Punpckhqdq),
        Binary(Code.Unpcklps_xmm_xmmm128, I, Shuffle.Unpcklps), Binary(Code.Unpckhps_xmm_xmmm128, I, Shuffle.Unpckhps),
        Binary(Code.Unpcklpd_xmm_xmmm128, I, Shuffle.Unpcklpd), Binary(Code.Unpckhpd_xmm_xmmm128, I, Shuffle.Unpckhpd),
        Unary(Code.Movddup_xmm_xmmm64, I, Shuffle.Movddup), Unary(Code.Movsldup_xmm_xmmm128, I, Shuffle.Movsldup),
        Unary(Code.Movshdup_xmm_xmmm128, I, Shuffle.Movshdup),
        BinaryImm(Code.Pblendw_xmm_xmmm128_imm8, I, Shuffle.Pblendw), BinaryImm(Code.Blendps_xmm_xmmm128_imm8, I, Shuffle.Blendps),
        BinaryImm(Code.Blendpd_xmm_xmmm128_imm8, I, Shuffle.Blendpd),
        WithXmm0(Code.Pblendvb_xmm_xmmm128, I, Shuffle.Pblendvb), WithXmm0(Code.Blendvps_xmm_xmmm128, I, Shuffle.Blendvps),
        WithXmm0(Code.Blendvpd_xmm_xmmm128, I, Shuffle.Blendvpd),
        ToGpr(Code.Pmovmskb_r32_xmm, Register.EAX, I, false, (b, _) => Shuffle.Pmovmskb(b)),
        ToGpr(Code.Movmskps_r32_xmm, Register.EAX, I, false, (b, _) => Shuffle.Movmskps(b)),
        ToGpr(Code.Movmskpd_r32_xmm, Register.EAX, I, false, (b, _) => Shuffle.Movmskpd(b)),
        ToGpr(Code.Pextrb_r32m8_xmm_imm8, Register.EAX, I, true, (b, i) => Shuffle.Pextrb(b, i)),
        ToGpr(Code.Pextrw_r32_xmm_imm8, Register.EAX, I, true, (b, i) => Shuffle.Pextrw(b, i)),
        ToGpr(Code.Pextrd_rm32_xmm_imm8, Register.EAX, I, true, (b, i) => Shuffle.Pextrd(b, i)),
        ToGpr(Code.Pextrq_rm64_xmm_imm8, Register.RAX, I, true, Shuffle.Pextrq),
        ToGpr(Code.Extractps_rm32_xmm_imm8, Register.EAX, I, true, (b, i) => Shuffle.Extractps(b, i)),
        FromGpr(Code.Pinsrb_xmm_r32m8_imm8, Register.EAX, (a, v, i) => Shuffle.Pinsrb(a, (uint)v, i)),
        FromGpr(Code.Pinsrw_xmm_r32m16_imm8, Register.EAX, (a, v, i) => Shuffle.Pinsrw(a, (uint)v, i)),
        FromGpr(Code.Pinsrd_xmm_rm32_imm8, Register.EAX, (a, v, i) => Shuffle.Pinsrd(a, (uint)v, i)),
        FromGpr(Code.Pinsrq_xmm_rm64_imm8, Register.RAX, Shuffle.Pinsrq),
        BinaryImm(Code.Insertps_xmm_xmmm32_imm8, I, Shuffle.Insertps),
        Binary(Code.Packsswb_xmm_xmmm128, I, PackExtend.Packsswb), Binary(Code.Packuswb_xmm_xmmm128, I, PackExtend.Packuswb),
        Binary(Code.Packssdw_xmm_xmmm128, I, PackExtend.Packssdw), Binary(Code.Packusdw_xmm_xmmm128, I, PackExtend.Packusdw),
        Unary(Code.Pmovsxbw_xmm_xmmm64, I, PackExtend.Pmovsxbw), Unary(Code.Pmovsxbd_xmm_xmmm32, I, PackExtend.Pmovsxbd),
        Unary(Code.Pmovsxbq_xmm_xmmm16, I, PackExtend.Pmovsxbq), Unary(Code.Pmovsxwd_xmm_xmmm64, I, PackExtend.Pmovsxwd),
        Unary(Code.Pmovsxwq_xmm_xmmm32, I, PackExtend.Pmovsxwq), Unary(Code.Pmovsxdq_xmm_xmmm64, I, PackExtend.Pmovsxdq),
        Unary(Code.Pmovzxbw_xmm_xmmm64, I, PackExtend.Pmovzxbw), Unary(Code.Pmovzxbd_xmm_xmmm32, I, PackExtend.Pmovzxbd),
        Unary(Code.Pmovzxbq_xmm_xmmm16, I, PackExtend.Pmovzxbq), Unary(Code.Pmovzxwd_xmm_xmmm64, I, PackExtend.Pmovzxwd),
        Unary(Code.Pmovzxwq_xmm_xmmm32, I, PackExtend.Pmovzxwq), Unary(Code.Pmovzxdq_xmm_xmmm64, I, PackExtend.Pmovzxdq),
        new(nameof(Code.Ptest_xmm_xmmm128), I, false, _ => Instruction.Create(Code.Ptest_xmm_xmmm128, Register.XMM1, Register.XMM2),
            (s, _) => s.Rflags = WithFlags(s.Rflags, PackExtend.Ptest(s.X1, s.X2))),
    ];

    private static IEnumerable<OracleOp> StringOps() =>
    [
        new(nameof(Code.Pcmpestri_xmm_xmmm128_imm8), T, true, i => Instruction.Create(Code.Pcmpestri_xmm_xmmm128_imm8, Register.XMM1, Register.XMM2, i),
            (s, i) =>
            {
                s.Rcx = StringCompare.Pcmpestri(s.X1, s.X2, (int)s.Rax, (int)s.Rdx, i, out uint f);
                s.Rflags = WithFlags(s.Rflags, f);
            }),
        new(nameof(Code.Pcmpestri64_xmm_xmmm128_imm8), T, true, i => Instruction.Create(Code.Pcmpestri64_xmm_xmmm128_imm8, Register.XMM1, Register.XMM2, i),
            (s, i) =>
            {
                s.Rcx = StringCompare.Pcmpestri(s.X1, s.X2, (long)s.Rax, (long)s.Rdx, i, out uint f);
                s.Rflags = WithFlags(s.Rflags, f);
            }),
        new(nameof(Code.Pcmpestrm_xmm_xmmm128_imm8), T, true, i => Instruction.Create(Code.Pcmpestrm_xmm_xmmm128_imm8, Register.XMM1, Register.XMM2, i),
            (s, i) =>
            {
                s.X0 = StringCompare.Pcmpestrm(s.X1, s.X2, (int)s.Rax, (int)s.Rdx, i, out uint f);
                s.Rflags = WithFlags(s.Rflags, f);
            }),
        new(nameof(Code.Pcmpistri_xmm_xmmm128_imm8), T, true, i => Instruction.Create(Code.Pcmpistri_xmm_xmmm128_imm8, Register.XMM1, Register.XMM2, i),
            (s, i) =>
            {
                s.Rcx = StringCompare.Pcmpistri(s.X1, s.X2, i, out uint f);
                s.Rflags = WithFlags(s.Rflags, f);
            }),
        new(nameof(Code.Pcmpistrm_xmm_xmmm128_imm8), T, true, i => Instruction.Create(Code.Pcmpistrm_xmm_xmmm128_imm8, Register.XMM1, Register.XMM2, i),
            (s, i) =>
            {
                s.X0 = StringCompare.Pcmpistrm(s.X1, s.X2, i, out uint f);
                s.Rflags = WithFlags(s.Rflags, f);
            }),
        Gpr(Code.Crc32_r32_rm8, Register.EAX, Register.CL, (a, c, f) => (Crc32c.Crc8((uint)a, (byte)c), f)),
        Gpr(Code.Crc32_r32_rm16, Register.EAX, Register.CX, (a, c, f) => (Crc32c.Crc16((uint)a, (ushort)c), f)),
        Gpr(Code.Crc32_r32_rm32, Register.EAX, Register.ECX, (a, c, f) => (Crc32c.Crc32((uint)a, (uint)c), f)),
        Gpr(Code.Crc32_r64_rm8, Register.RAX, Register.CL, (a, c, f) => (Crc32c.Crc8((uint)a, (byte)c), f)),
        Gpr(Code.Crc32_r64_rm64, Register.RAX, Register.RCX, (a, c, f) => (Crc32c.Crc64((uint)a, c), f)),
        Gpr(Code.Popcnt_r64_rm64, Register.RAX, Register.RCX, (a, c, f) => (PopCount.Count(c, out uint z), WithFlags(f, z))),
        Gpr(Code.Popcnt_r32_rm32, Register.EAX, Register.ECX, (a, c, f) => (PopCount.Count((uint)c, out uint z), WithFlags(f, z))),
        Gpr(Code.Popcnt_r16_rm16, Register.AX, Register.CX, (a, c, f) => ((a & ~0xFFFFUL) | PopCount.Count((ushort)c, out uint z), WithFlags(f, z))),
    ];
}
