using QemuSharp.Chardev;
using QemuSharp.Common.Options;

namespace QemuSharp.Monitor;

/// <summary>
/// QEMU's fd sets (<c>add-fd</c>, <c>remove-fd</c>, <c>query-fdsets</c>). A removed descriptor is
/// closed at the next clean-up while the machine runs; until then it stays listed.
/// </summary>
public sealed class FdSets
{
    private readonly SortedDictionary<long, List<Entry>> _sets = new();

    private sealed class Entry(long fd, string? opaque)
    {
        public long Fd { get; } = fd;
        public string? Opaque { get; } = opaque;
        public bool Removed { get; set; }
    }

    public record FdInfo(long Fd, string? Opaque);

    public record FdsetInfo(long FdsetId, FdInfo[] Fds);

    public record AddfdInfo(long FdsetId, long Fd);

    public AddfdInfo Add(long? fdsetId, int fd, string? opaque)
    {
        long id = fdsetId ?? LowestFreeId();
        if (!_sets.TryGetValue(id, out var set))
            _sets[id] = set = [];
        set.Add(new Entry(fd, opaque));
        return new AddfdInfo(id, fd);
    }

    private long LowestFreeId()
    {
        long id = 0;
        while (_sets.ContainsKey(id))
            id++;
        return id;
    }

    public void Remove(long fdsetId, long? fd, bool running)
    {
        if (_sets.TryGetValue(fdsetId, out var set))
        {
            var matches = set.Where(e => fd is null || e.Fd == fd).ToList();
            if (matches.Count > 0)
            {
                foreach (var e in matches)
                    e.Removed = true;
                CleanUp(running);
                return;
            }
        }
        string name = fd is null ? $"fdset-id:{fdsetId}" : $"fdset-id:{fdsetId}, fd:{fd}";
        throw new OptionException($"File descriptor named '{name}' not found");
    }

    public void CleanUp(bool running)
    {
        if (!running)
            return;
        foreach (var (id, set) in _sets.ToList())
        {
            foreach (var e in set.Where(e => e.Removed).ToList())
            {
                Native.close((int)e.Fd);
                set.Remove(e);
            }
            if (set.Count == 0)
                _sets.Remove(id);
        }
    }

    public FdsetInfo[] Query() =>
        _sets.Select(s => new FdsetInfo(s.Key, s.Value.Select(e => new FdInfo(e.Fd, e.Opaque)).ToArray())).ToArray();
}
