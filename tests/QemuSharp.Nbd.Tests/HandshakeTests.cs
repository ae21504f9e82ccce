namespace QemuSharp.Nbd.Tests;

/// <summary>Option negotiation answers as qemu-nbd 7.2 gives them.</summary>
public sealed class HandshakeTests
{
    [Fact]
    public void ShouldDropAClientWithUnknownFlags()
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket, clientFlags: 7);
        Assert.True(c.Closed());
    }

    [Fact]
    public void GoOnAnUnknownExportShouldFailAndLetTheClientTryAgain()
    {
        using var served = new ServedImage(names: ["real"]);
        using var c = new RawClient(served.Socket);
        c.SendOption((uint)NbdOption.Go, RawClient.NameAndInfos("nope"));
        Assert.Equal(((uint)NbdReply.ErrUnknown, "export 'nope' not present"), c.ReadOptionReply());
        c.SendOption((uint)NbdOption.Info, RawClient.NameAndInfos("real", (ushort)NbdInfo.Name));
        Assert.Equal(((uint)NbdReply.Info, "\0\u0001real"), c.ReadOptionReply());
        Assert.Equal(((uint)NbdReply.Info, "\0\u0002export real"), c.ReadOptionReply());
    }

    [Fact]
    public void ExportNameOnAnUnknownExportShouldDisconnect()
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.SendOption((uint)NbdOption.ExportName, "nope"u8.ToArray());
        Assert.True(c.Closed());
    }

    [Theory]
    [InlineData(3u, 10)]
    [InlineData(1u, 134)]
    public void ExportNameShouldSendZeroPaddingUnlessTheClientOptedOut(uint clientFlags, int replyLength)
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket, clientFlags);
        c.SendOption((uint)NbdOption.ExportName, []);
        var reply = c.Read(replyLength);
        Assert.Equal(16L << 20, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(reply));
        Assert.Equal(0x0D6D, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(8)));
        c.SendRequest(NbdCommand.Flush, 0, 0);
        Assert.Equal(0u, c.ReadSimpleError());
    }

    [Theory]
    [InlineData(NbdOption.StartTls, NbdReply.ErrPolicy, "TLS not configured")]
    [InlineData(NbdOption.SetMetaContext, NbdReply.ErrInvalid, "request option 'set meta context' when structured reply is not negotiated")]
    [InlineData(NbdOption.ListMetaContext, NbdReply.ErrInvalid, "Inconsistent lengths in option list meta context")]
    [InlineData(NbdOption.Info, NbdReply.ErrInvalid, "Inconsistent lengths in option info", 2)]
    [InlineData(NbdOption.List, NbdReply.ErrInvalid, "option 'list' has unexpected length", 4)]
    [InlineData(NbdOption.StructuredReply, NbdReply.ErrInvalid, "option 'structured reply' has unexpected length", 1)]
    public void ShouldRefuseOptionsItCannotHonour(NbdOption option, NbdReply error, string message, int length = 0)
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.SendOption((uint)option, new byte[length]);
        Assert.Equal(((uint)error, message), c.ReadOptionReply());
    }

    [Fact]
    public void StructuredReplyTwiceShouldBeInvalid()
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.SendOption((uint)NbdOption.StructuredReply, []);
        Assert.Equal(((uint)NbdReply.Ack, ""), c.ReadOptionReply());
        c.SendOption((uint)NbdOption.StructuredReply, []);
        Assert.Equal(((uint)NbdReply.ErrInvalid, "structured reply already negotiated"), c.ReadOptionReply());
    }

    [Fact]
    public void AbortShouldBeAcknowledgedThenClosed()
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.SendOption((uint)NbdOption.Abort, []);
        Assert.Equal(((uint)NbdReply.Ack, ""), c.ReadOptionReply());
        Assert.True(c.Closed());
    }
}
