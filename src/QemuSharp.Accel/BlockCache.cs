using System.Collections.Concurrent;

namespace QemuSharp.Accel;

/// <summary>
/// Translated blocks by guest address and mode, shared by every CPU of a machine or process, with
/// the guest pages that hold translated code (design.md #3). Writing such a page invalidates all
/// its blocks; <see cref="Generation"/> changes whenever the set of code pages grows, so that CPUs
/// drop the write permissions cached in their TLBs for pages that became code.
/// </summary>
public sealed class BlockCache<TBlock> : ICodePages where TBlock : TranslationBlock
{
    private readonly ConcurrentDictionary<(ulong Pc, ulong Mode), TBlock> _blocks = new();
    private readonly Dictionary<ulong, List<TBlock>> _byPage = new();
    private readonly Lock _lock = new();
    private int _generation;

    public int Generation => Volatile.Read(ref _generation);

    public int Count => _blocks.Count;

    public TBlock? Find(ulong pc, ulong mode) =>
        _blocks.TryGetValue((pc, mode), out var b) && b.Valid ? b : null;

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
            if (_blocks.TryGetValue((block.Pc, block.Mode), out var existing) && existing.Valid)
                return existing;
            bool newPage = false;
            for (ulong page = block.FirstPage; page <= block.LastPage; page += PageSize)
            {
                if (!_byPage.TryGetValue(page, out var list))
                {
                    _byPage[page] = list = [];
                    newPage = true;
                }
                list.Add(block);
            }
            _blocks[(block.Pc, block.Mode)] = block;
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
                _blocks.TryRemove(new KeyValuePair<(ulong, ulong), TBlock>((b.Pc, b.Mode), b));
                for (ulong other = b.FirstPage; other <= b.LastPage; other += PageSize)
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

    public const ulong PageSize = 4096;
}
