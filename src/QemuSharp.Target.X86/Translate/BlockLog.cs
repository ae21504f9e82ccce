namespace QemuSharp.Target.X86.Translate;

/// <summary>QEMU's <c>-d in_asm</c> record of a newly translated block, for user and system mode alike.</summary>
public static class BlockLog
{
    public static void InAsm(TextWriter log, X86Block block)
    {
        log.WriteLine("----------------");
        log.WriteLine("IN: ");
        foreach (var op in block.Ops)
            log.WriteLine($"0x{op.Ip:x16}:  {op.Insn}");
        log.WriteLine();
    }
}
