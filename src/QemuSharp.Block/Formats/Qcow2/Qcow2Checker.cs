using System.Buffers.Binary;

namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>
/// qemu-img check for qcow2: recounts every reference in memory, compares with the stored
/// refcounts and checks the COPIED flags, printing QEMU's messages to the error writer.
/// </summary>
public static partial class Qcow2Checker
{
    [Flags]
    public enum Fix
    {
        None = 0,
        Leaks = 1,
        Errors = 2,
        All = 3,
    }

    public static Qcow2CheckResult Check(Qcow2Image image, Fix fix, TextWriter err)
    {
        image.Flush();
        var walk = new ReferenceWalk(image, err);
        var res = walk.Result;
        walk.CountAll(includeRefcountStructures: true);
        var pre = Snapshot(res);
        long highest = Compare(image, walk, res, Fix.None, err);
        if (res.NeedsRebuild && fix.HasFlag(Fix.Errors))
        {
            err.WriteLine("Rebuilding refcount structure");
            var rebuild = new ReferenceWalk(image, TextWriter.Null);
            rebuild.CountAll(includeRefcountStructures: false);
            RefcountRebuilder.Rebuild(image, rebuild, err);
            res.CorruptionsFixed += res.Corruptions;
            res.Corruptions = 0;
            image.InvalidateCaches();
            highest = -1;
        }
        else if (fix != Fix.None)
        {
            if (res.NeedsRebuild)
            {
                err.WriteLine("ERROR need to rebuild refcount structures");
                res.CheckErrors++;
                res.FailureMessage = "Input/output error";
                return res;
            }
            if (res.Leaks != 0 || res.Corruptions != 0)
            {
                Restore(res, pre);
                highest = Compare(image, walk, res, fix, err);
                image.Flush();
            }
        }
        CheckCopiedFlags(image, res, fix, err);
        if (highest >= 0)
            res.ImageEndOffset = (highest + 1) * (long)image.ClusterSize;
        else
            res.ImageEndOffset = Math.Max(res.ImageEndOffset, image.Refcounts.EndCluster * (long)image.ClusterSize);
        if (fix != Fix.None && (image.Header.Incompatible & (Qcow2Header.IncompatDirty | Qcow2Header.IncompatCorrupt)) != 0
            && res.Corruptions == 0 && (fix.HasFlag(Fix.Errors) || res.Leaks == 0))
        {
            image.Header.Incompatible &= ~(Qcow2Header.IncompatDirty | Qcow2Header.IncompatCorrupt);
            image.WriteHeaderField(72, image.Header.Incompatible);
            image.Flush();
        }
        return res;
    }

    private static (long, long, long, long) Snapshot(Qcow2CheckResult r) => (r.Corruptions, r.Leaks, r.CorruptionsFixed, r.LeaksFixed);

    private static void Restore(Qcow2CheckResult r, (long C, long L, long CF, long LF) s)
    {
        r.Corruptions = s.C;
        r.Leaks = s.L;
        r.CorruptionsFixed = s.CF;
        r.LeaksFixed = s.LF;
    }

    /// <summary>Compares stored with computed counts; returns the highest cluster in use.</summary>
    private static long Compare(Qcow2Image image, ReferenceWalk walk, Qcow2CheckResult res, Fix fix, TextWriter err)
    {
        long highest = -1;
        var refs = image.Refcounts;
        for (long i = 0; i < walk.ClusterCount; i++)
        {
            ulong stored;
            try
            {
                stored = refs.Get(i);
            }
            catch (BlockException)
            {
                res.CheckErrors++;
                continue;
            }
            ulong computed = walk.Counts[i];
            if (stored != 0 || computed != 0)
                highest = i;
            if (stored == computed)
                continue;
            bool repair = false;
            if (stored == 0)
                res.NeedsRebuild = true;
            else if (stored > computed && fix.HasFlag(Fix.Leaks))
                repair = true;
            else if (stored < computed && fix.HasFlag(Fix.Errors))
                repair = true;
            string what = repair ? "Repairing" : stored < computed ? "ERROR" : "Leaked";
            err.WriteLine($"{what} cluster {i} refcount={stored} reference={computed}");
            if (repair)
            {
                refs.Update(i, (long)computed - (long)stored);
                if (stored > computed)
                    res.LeaksFixed++;
                else
                    res.CorruptionsFixed++;
                continue;
            }
            if (stored < computed)
                res.Corruptions++;
            else
                res.Leaks++;
        }
        return highest;
    }

    private static void CheckCopiedFlags(Qcow2Image image, Qcow2CheckResult res, Fix fix, TextWriter err)
    {
        bool repair = fix.HasFlag(Fix.Errors)
            || (fix.HasFlag(Fix.Leaks) && res.CheckErrors == 0 && res.Corruptions == 0 && res.Leaks == 0);
        var l1 = image.L1;
        int cluster = image.ClusterSize;
        int words = image.Header.ExtendedL2 ? 2 : 1;
        var refs = image.Refcounts;
        bool changed = false;
        for (int i = 0; i < l1.Count; i++)
        {
            ulong entry = l1[i];
            long l2 = (long)(entry & Qcow2Image.OffsetMask);
            if (l2 == 0 || (l2 & (cluster - 1)) != 0)
                continue;
            ulong count = refs.Get(l2 / cluster);
            bool copied = (entry & Qcow2Image.CopiedFlag) != 0;
            if ((count == 1) != copied)
            {
                err.WriteLine($"{(repair ? "Repairing" : "ERROR")} OFLAG_COPIED L2 cluster: l1_index={i} l1_entry={entry:x} refcount={count}");
                if (repair)
                {
                    ulong fixedEntry = count == 1 ? entry | Qcow2Image.CopiedFlag : entry & ~Qcow2Image.CopiedFlag;
                    image.File.Write(image.Header.L1TableOffset + i * 8L, BigEndian(fixedEntry));
                    res.CorruptionsFixed++;
                    changed = true;
                }
                else
                {
                    res.Corruptions++;
                }
            }
            var table = image.ReadTable(l2, cluster / 8);
            bool tableChanged = false;
            for (int e = 0; e < table.Length; e += words)
            {
                ulong word = table[e];
                long host = (long)(word & Qcow2Image.OffsetMask);
                if ((word & Qcow2Image.CompressedFlag) != 0 || host == 0 || (host & (cluster - 1)) != 0)
                    continue;
                ulong hostCount = refs.Get(host / cluster);
                if ((hostCount == 1) == ((word & Qcow2Image.CopiedFlag) != 0))
                    continue;
                err.WriteLine($"{(repair ? "Repairing" : "ERROR")} OFLAG_COPIED data cluster: l2_entry={word:x} refcount={hostCount}");
                if (repair)
                {
                    table[e] = hostCount == 1 ? word | Qcow2Image.CopiedFlag : word & ~Qcow2Image.CopiedFlag;
                    res.CorruptionsFixed++;
                    tableChanged = true;
                }
                else
                {
                    res.Corruptions++;
                }
            }
            if (tableChanged)
            {
                image.File.Write(l2, Qcow2Image.EncodeTable(table, cluster));
                changed = true;
            }
        }
        if (changed)
        {
            image.File.Flush();
            image.InvalidateCaches();
        }
    }

    private static byte[] BigEndian(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return b;
    }
}
