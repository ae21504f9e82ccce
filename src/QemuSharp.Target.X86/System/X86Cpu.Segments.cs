namespace QemuSharp.Target.X86.Cpu;

/// <summary>
/// Segment loads with the protected-mode checks (Intel SDM vol. 3, 5.5-5.8): descriptors from the
/// GDT or LDT, privilege checks, #GP/#NP/#SS with the selector as error code, accessed bits.
/// </summary>
public sealed partial class X86Cpu
{
    /// <summary>Reads the 8-byte descriptor a selector names; #GP(selector) if it lies beyond the table limit.</summary>
    public ulong ReadDescriptor(ushort selector, out ulong address)
    {
        bool local = (selector & 4) != 0;
        ulong tableBase = local ? Seg[SegReg.Ldtr].Base : Gdtr.Base;
        uint limit = local ? Seg[SegReg.Ldtr].Limit : Gdtr.Limit;
        uint index = (uint)selector & 0xfff8;
        if (index + 7 > limit || (local && (Seg[SegReg.Ldtr].Flags & SegmentCache.Present) == 0))
            throw RaiseGpSelector(selector);
        address = tableBase + index;
        return ReadSystem(address, 8);
    }

    private void SetAccessed(ulong address, ulong descriptor)
    {
        if ((descriptor & (1UL << 40)) == 0)
            WriteSystem(address + 5, 1, (byte)(descriptor >> 40) | 1UL);
    }

    /// <summary>The code segment a gate, far transfer or IRET names; #GP if it is not a code segment, #NP if absent.</summary>
    public SegmentCache LoadCodeDescriptor(ushort selector)
    {
        if ((selector & 0xfffc) == 0)
            throw RaiseGp();
        ulong d = ReadDescriptor(selector, out ulong at);
        var cache = SegmentCache.FromDescriptor(selector, d);
        if ((cache.Flags & SegmentCache.CodeOrData) == 0 || (cache.Flags & SegmentCache.TypeCode) == 0)
            throw RaiseGpSelector(selector);
        if ((cache.Flags & SegmentCache.Present) == 0)
            throw Fault.Set(Vector.NP, (uint)selector & 0xfffc);
        SetAccessed(at, d);
        return cache;
    }

    /// <summary>A stack segment for privilege level <paramref name="cpl"/>: writable data with RPL = DPL = CPL.</summary>
    public SegmentCache LoadStackDescriptor(ushort selector, int cpl)
    {
        if ((selector & 0xfffc) == 0)
            throw RaiseGp();
        ulong d = ReadDescriptor(selector, out ulong at);
        var cache = SegmentCache.FromDescriptor(selector, d);
        bool writableData = (cache.Flags & SegmentCache.CodeOrData) != 0 && (cache.Flags & (SegmentCache.TypeCode | SegmentCache.TypeWritable)) == SegmentCache.TypeWritable;
        if ((selector & 3) != cpl || cache.Dpl != cpl || !writableData)
            throw RaiseGpSelector(selector);
        if ((cache.Flags & SegmentCache.Present) == 0)
            throw Fault.Set(Vector.SS, (uint)selector & 0xfffc);
        SetAccessed(at, d);
        return cache;
    }

    /// <summary>MOV Sreg, POP Sreg and the data-segment part of far transfers: loads ES, SS, DS, FS or GS.</summary>
    public void LoadSegmentRegister(int seg, ushort selector)
    {
        if (!ProtectedMode || Virtual8086)
        {
            // Real mode changes only selector and base; limit and attributes stay (as "unreal mode" relies on).
            Seg[seg].Selector = selector;
            Seg[seg].Base = (ulong)selector << 4;
            if (Virtual8086)
                Seg[seg] = SegmentCache.Real(selector, SegmentCache.Present | SegmentCache.CodeOrData | SegmentCache.TypeWritable | SegmentCache.TypeAccessed | (3u << 13));
        }
        else if ((selector & 0xfffc) == 0)
        {
            if (seg == SegReg.Ss && (!LongMode || CodeBits != 64 || Cpl == 3 || (selector & 3) != Cpl))
                throw RaiseGp();
            Seg[seg] = new SegmentCache { Selector = selector, Flags = seg == SegReg.Ss ? SegmentCache.CodeOrData | SegmentCache.TypeWritable | ((uint)Cpl << 13) : 0 };
        }
        else if (seg == SegReg.Ss)
            Seg[seg] = LoadStackDescriptor(selector, Cpl);
        else
        {
            ulong d = ReadDescriptor(selector, out ulong at);
            var cache = SegmentCache.FromDescriptor(selector, d);
            bool code = (cache.Flags & SegmentCache.TypeCode) != 0;
            if ((cache.Flags & SegmentCache.CodeOrData) == 0 || (code && (cache.Flags & SegmentCache.TypeReadable) == 0))
                throw RaiseGpSelector(selector);
            bool conforming = code && (cache.Flags & SegmentCache.TypeConforming) != 0;
            if (!conforming && cache.Dpl < Math.Max(Cpl, selector & 3))
                throw RaiseGpSelector(selector);
            if ((cache.Flags & SegmentCache.Present) == 0)
                throw Fault.Set(Vector.NP, (uint)selector & 0xfffc);
            SetAccessed(at, d);
            Seg[seg] = cache;
        }
        if (seg == SegReg.Ss)
        {
            InterruptShadow = true;
            Attention = true;
        }
        UpdateMode();
    }

    /// <summary>Loads CS for a far JMP, CALL or RET to a code segment at the same or (for RET) outer privilege.</summary>
    public void LoadCodeSegment(ushort selector, ulong offset, bool isReturn)
    {
        if (!ProtectedMode || Virtual8086)
        {
            Seg[SegReg.Cs].Selector = selector;
            Seg[SegReg.Cs].Base = (ulong)selector << 4;
            Rip = offset & 0xffff_ffff;
        }
        else
        {
            SegmentCache code = LoadCodeDescriptor(selector);
            int rpl = selector & 3;
            bool conforming = (code.Flags & SegmentCache.TypeConforming) != 0;
            if (isReturn ? rpl < Cpl || (conforming ? code.Dpl > rpl : code.Dpl != rpl)
                         : conforming ? code.Dpl > Cpl : rpl > Cpl || code.Dpl != Cpl)
                throw RaiseGpSelector(selector);
            int newCpl = isReturn ? rpl : Cpl;
            code.Selector = (ushort)((selector & 0xfffc) | newCpl);
            Seg[SegReg.Cs] = code;
            Cpl = newCpl;
            bool long64 = LongMode && (code.Flags & SegmentCache.Long) != 0;
            Rip = long64 ? offset : offset & 0xffff_ffff;
        }
        UpdateMode();
        ModeChanged();
    }

    /// <summary>After a return to an outer level: data segments the new CPL may not use become null.</summary>
    public void NullInaccessibleSegments()
    {
        foreach (int seg in (ReadOnlySpan<int>)[SegReg.Es, SegReg.Ds, SegReg.Fs, SegReg.Gs])
        {
            ref SegmentCache s = ref Seg[seg];
            bool conformingCode = (s.Flags & (SegmentCache.TypeCode | SegmentCache.TypeConforming)) == (SegmentCache.TypeCode | SegmentCache.TypeConforming);
            if ((s.Selector & 0xfffc) != 0 && !conformingCode && s.Dpl < Cpl)
                s = new SegmentCache();
        }
        UpdateMode();
    }

    /// <summary>LLDT and LTR: system descriptors (16 bytes in long mode); LTR marks the TSS busy.</summary>
    public void LoadSystemSegment(int seg, ushort selector)
    {
        if ((selector & 0xfffc) == 0)
        {
            if (seg == SegReg.Tr)
                throw RaiseGp();
            Seg[seg] = new SegmentCache { Selector = selector };
            return;
        }
        if ((selector & 4) != 0)
            throw RaiseGpSelector(selector);
        ulong d = ReadDescriptor(selector, out ulong at);
        ulong upper = LongMode ? ReadSystem(at + 8, 4) : 0;
        if (LongMode && Gdtr.Limit < (selector & 0xfff8) + 15)
            throw RaiseGpSelector(selector);
        var cache = SegmentCache.FromDescriptor(selector, d, upper);
        bool ok = (cache.Flags & SegmentCache.CodeOrData) == 0
            && (seg == SegReg.Ldtr ? cache.Type == 2 : cache.Type is 1 or 9);
        if (!ok)
            throw RaiseGpSelector(selector);
        if ((cache.Flags & SegmentCache.Present) == 0)
            throw Fault.Set(Vector.NP, (uint)selector & 0xfffc);
        if (seg == SegReg.Tr)
        {
            WriteSystem(at + 5, 1, (byte)(d >> 40) | 2UL);
            cache.Flags |= 2u << 8;
        }
        Seg[seg] = cache;
    }
}
