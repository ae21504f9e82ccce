using QemuSharp.Chardev;
using QemuSharp.Common.Options;

namespace QemuSharp.Monitor;

/// <summary>
/// QEMU's fd sets (<c>add-fd</c>, <c>remove-fd</c>, <c>query-fdsets</c>). A removed descriptor is
/// closed when its set is cleaned up (by remove-fd) while the machine runs; until then it stays
/// listed. <c>query-fdsets</c> lists the newest set and descriptor first, as QEMU does.
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

    public record FdsetInfo(FdInfo[] Fds, long FdsetId);

    public record AddfdInfo(long Fd, long FdsetId);

    public AddfdInfo Add(long? fdsetId, int fd, string? opaque)
    {
        long id = fdsetId ?? LowestFreeId();
        if (!_sets.TryGetValue(id, out var set))
            _sets[id] = set = [];
        set.Add(new Entry(fd, opaque));
        return new AddfdInfo(fd, id);
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
                if (running)
                    CleanUp(fdsetId, set);
                return;
            }
        }
        string name = fd is null ? $"fdset-id:{fdsetId}" : $"fdset-id:{fdsetId}, fd:{fd}";
        throw new OptionException($"File descriptor named '{name}' not found");
    }

    private void CleanUp(long id, List<Entry> set)
    {
        foreach (var e in set.Where(e => e.Removed).ToList())
        {
            Native.close((int)e.Fd);
            set.Remove(e);
        }
        if (set.Count == 0)
            _sets.Remove(id);
    }

    public FdsetInfo[] Query() =>
        _sets.Reverse().Select(s => new FdsetInfo(s.Value.AsEnumerable().Reverse().Select(e => new FdInfo(e.Fd, e.Opaque)).ToArray(), s.Key)).ToArray();
}
