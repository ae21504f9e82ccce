namespace QemuSharp.Accel;

/// <summary>What a memory-access path needs to know about pages that hold translated code.</summary>
public interface ICodePages
{
    /// <summary>Changes whenever a page becomes a code page.</summary>
    int Generation { get; }

    bool HasCode(ulong page);

    /// <summary>Drops the translations of a page that the guest is writing.</summary>
    bool InvalidatePage(ulong page);
}
