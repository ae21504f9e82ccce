using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// LAR, LSL, VERR and VERW: they look at a descriptor without loading it and report through ZF
/// whether the CPL may see it (Intel SDM vol. 2).
/// </summary>
public static class DescriptorHandlers
{
    public const byte Lar = 0, Lsl = 1, Verr = 2, Verw = 3;

    /// <summary>Cond picks the instruction; LAR and LSL write operand 0 from the selector in operand 1.</summary>
    public static void Check(X86Cpu c, ref Op op)
    {
        if (!c.ProtectedMode || c.Virtual8086)
            throw c.RaiseUd();
        bool lookup = op.Cond is Lar or Lsl;
        ushort selector = (ushort)(lookup ? Read1(c, ref op) : Read0(c, ref op));
        ulong d = 0;
        bool ok = (selector & 0xfffc) != 0 && TryRead(c, selector, out d);
        SegmentCache s = SegmentCache.FromDescriptor(selector, d);
        if (ok)
        {
            bool codeOrData = (s.Flags & SegmentCache.CodeOrData) != 0;
            bool code = (s.Flags & SegmentCache.TypeCode) != 0;
            bool conforming = code && (s.Flags & SegmentCache.TypeConforming) != 0;
            bool visible = conforming || (s.Dpl >= c.Cpl && s.Dpl >= (selector & 3));
            ok = visible && op.Cond switch
            {
                Lar => codeOrData || (c.LongMode ? s.Type is 2 or 9 or 11 or 12 : s.Type is 1 or 2 or 3 or 4 or 5 or 9 or 11 or 12),
                Lsl => codeOrData || (c.LongMode ? s.Type is 2 or 9 or 11 : s.Type is 1 or 2 or 3 or 9 or 11),
                Verr => codeOrData && (!code || (s.Flags & SegmentCache.TypeReadable) != 0),
                _ => codeOrData && !code && (s.Flags & SegmentCache.TypeWritable) != 0,
            };
        }
        c.UpdateStatusFlags(EFlags.ZF, ok ? EFlags.ZF : 0);
        if (ok && lookup)
            SetReg(c, op.Reg0, op.Size, op.Cond == Lar ? (d >> 32) & 0x00f0ff00 : s.Limit);
    }

    private static bool TryRead(X86Cpu c, ushort selector, out ulong d)
    {
        bool local = (selector & 4) != 0;
        uint limit = local ? c.Seg[SegReg.Ldtr].Limit : c.Gdtr.Limit;
        ulong tableBase = local ? c.Seg[SegReg.Ldtr].Base : c.Gdtr.Base;
        d = 0;
        if (((uint)selector & 0xfff8) + 7 > limit)
            return false;
        d = c.ReadSystem(tableBase + ((uint)selector & 0xfff8), 8);
        return true;
    }
}
