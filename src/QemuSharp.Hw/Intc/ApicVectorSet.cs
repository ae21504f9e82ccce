using System.Numerics;

namespace QemuSharp.Hw.Intc;

/// <summary>
/// One of the local APIC's 256-bit vector registers (ISR, TMR, IRR): eight 32-bit words at
/// 16-byte strides in the register page, bit N of the whole set standing for vector N.
/// </summary>
public sealed class ApicVectorSet
{
    private readonly uint[] _words = new uint[8];

    /// <summary>The highest vector in the set, or -1 when it is empty.</summary>
    public int Highest
    {
        get
        {
            for (int i = 7; i >= 0; i--)
                if (_words[i] != 0)
                    return i * 32 + 31 - BitOperations.LeadingZeroCount(_words[i]);
            return -1;
        }
    }

    public uint Word(int index) => _words[index];

    public bool Contains(int vector) => (_words[vector >> 5] & (1u << (vector & 31))) != 0;

    public void Add(int vector) => _words[vector >> 5] |= 1u << (vector & 31);

    public void Remove(int vector) => _words[vector >> 5] &= ~(1u << (vector & 31));

    public void Clear() => Array.Clear(_words);
}
