using System.Collections.Concurrent;

namespace QemuSharp.Accel;

/// <summary>
/// Translated blocks by guest address, mode and physical address, shared by every CPU of a machine or process, with
/// the guest pages that hold translated code (design.md #3). Writing such a page invalidates all
/// its blocks; <see cref="Generation"/> changes whenever the set of code pages grows, so that CPUs
/// drop the write permissions cached in their TLBs for pages that became code.
/// </summary>
public sealed class BlockCache<TBlock> : ICodePages where TBlock : TranslationBlock
{
    private readonly ConcurrentDictionary<(ulong Pc, ulong Mode, ulong Physical), TBlock> _blocks = new();
    private readonly Dictionary<ulong, List<TBlock>> _byPage = new();
    private readonly Lock _lock = new();
    private int _generation;

    public int Generation => Volatile.Read(ref _generation);

    public int Count => _blocks.Count;

    public TBlock? Find(ulong pc, ulong mode, ulong physicalPc) =>
        _blocks.TryGetValue((pc, mode, physicalPc), out var b) && b.Valid ? b : null;

    public bool HasCode(ulong page)
    {
        lock (_lock)
            return _byPage.ContainsKey(page);
    }

    /// <summary>Adds a block; returns the one to use (another thread may have added it first).</summary>
    public TBlock Add(TBlock block)
    {
        lock (_lock)
        {
            if (_blocks.TryGetValue(Key(block), out var existing) && existing.Valid)
                return existing;
            bool newPage = false;
            foreach (ulong page in block.Pages)
            {
                if (!_byPage.TryGetValue(page, out var list))
                {
                    _byPage[page] = list = [];
                    newPage = true;
                }
                list.Add(block);
            }
            _blocks[Key(block)] = block;
            if (newPage)
                Interlocked.Increment(ref _generation);
            return block;
        }
    }

    /// <summary>Invalidates every block with code on the page; returns whether there was any.</summary>
    public bool InvalidatePage(ulong page)
    {
        lock (_lock)
        {
            if (!_byPage.Remove(page, out var list))
                return false;
            foreach (var b in list)
            {
                b.Valid = false;
                _blocks.TryRemove(new KeyValuePair<(ulong, ulong, ulong), TBlock>(Key(b), b));
                foreach (ulong other in b.Pages)
                    if (other != page && _byPage.TryGetValue(other, out var l))
                        l.Remove(b);
            }
            return true;
        }
    }

    public void InvalidateAll()
    {
        lock (_lock)
        {
            foreach (var b in _blocks.Values)
                b.Valid = false;
            _blocks.Clear();
            _byPage.Clear();
        }
    }

    private static (ulong, ulong, ulong) Key(TBlock b) => (b.Pc, b.Mode, b.PhysicalPc);
}
