namespace QemuSharp.Block;

/// <summary>
/// A failure whose message is the text QEMU prints for the same condition (without the
/// program prefix), so front ends can show it as is.
/// </summary>
public class BlockException : Exception
{
    public BlockException(string message) : base(message)
    {
    }

    public BlockException(string message, Exception inner) : base(message, inner)
    {
    }
}
