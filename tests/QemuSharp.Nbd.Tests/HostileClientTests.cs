namespace QemuSharp.Nbd.Tests;

/// <summary>Clients that break the protocol get NBD's errors or a disconnect; everyone else is still served.</summary>
public sealed class HostileClientTests
{
    private static void AssertStillServing(ServedImage served)
        => Assert.Contains("export-size: 16777216", Tools.Ok("nbdinfo", served.Uri()));

    [Fact]
    public void ShouldDropAClientWithBadOptionMagic()
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.Send(new byte[16]);
        Assert.True(c.Closed());
        AssertStillServing(served);
    }

    [Fact]
    public void ShouldAnswerUnknownOptionsWithUnsupAndContinue()
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.SendOption(99, [1, 2, 3]);
        var (type, text) = c.ReadOptionReply();
        Assert.Equal((uint)NbdReply.ErrUnsup, type);
        Assert.Equal("Unsupported option 99 (<unknown>)", text);
        c.SendOption((uint)NbdOption.ExtendedHeaders, []);
        Assert.Equal((uint)NbdReply.ErrUnsup, c.ReadOptionReply().Type);
        c.Go(structured: true);
        c.SendRequest(NbdCommand.Flush, 0, 0);
        Assert.Equal(0u, c.ReadSimpleError());
    }

    [Fact]
    public void ShouldDisconnectOnAHugeOptionLength()
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.SendOption((uint)NbdOption.Go, [], declaredLength: 0xFFFFFFF0);
        Assert.True(c.Closed());
        AssertStillServing(served);
    }

    [Theory]
    [InlineData(NbdCommand.Read, 16L << 20, 512u, "operation past EOF; From: 16777216, Len: 512, Size: 16777216")]
    [InlineData(NbdCommand.Read, 0L, 64u << 20, "len (67108864 ) is larger than max len (33554432)")]
    [InlineData(NbdCommand.WriteZeroes, (16L << 20) - 512, 1024u, "operation past EOF; From: 16776704, Len: 1024, Size: 16777216")]
    [InlineData(NbdCommand.BlockStatus, 0L, 4096u, "CMD_BLOCK_STATUS not negotiated")]
    [InlineData((NbdCommand)42, 0L, 0u, "invalid request type (42) received")]
    public void ShouldAnswerBadRequestsWithEinvalAndKeepTheConnection(NbdCommand command, long offset, uint length, string message)
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.Go(structured: true);
        c.SendRequest(command, offset, length);
        Assert.Equal((NbdErrno.Einval, message), c.ReadErrorChunk());
        c.SendRequest(NbdCommand.Flush, 0, 0);
        Assert.Equal(0u, c.ReadSimpleError());
    }

    [Fact]
    public void ShouldAnswerWithSimpleErrorsWithoutStructuredReplies()
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.Go(structured: false);
        c.SendRequest(NbdCommand.Write, 16L << 20, 4);
        c.Send([1, 2, 3, 4]);
        Assert.Equal(NbdErrno.Einval, c.ReadSimpleError());
    }

    [Fact]
    public void ShouldRefuseWritesToAReadOnlyExport()
    {
        using var served = new ServedImage(readOnly: true);
        using var c = new RawClient(served.Socket);
        c.Go(structured: true);
        c.SendRequest(NbdCommand.Write, 0, 4);
        c.Send([1, 2, 3, 4]);
        Assert.Equal((NbdErrno.Einval, "Export is read-only"), c.ReadErrorChunk());
        c.SendRequest(NbdCommand.Trim, 0, 4096);
        Assert.Equal((NbdErrno.Einval, "Export is read-only"), c.ReadErrorChunk());
    }

    [Fact]
    public void ShouldDisconnectAfterAnOversizedWriteWhosePayloadItCannotTake()
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.Go(structured: false);
        c.SendRequest(NbdCommand.Write, 0, 64u << 20);
        Assert.Equal(NbdErrno.Einval, c.ReadSimpleError());
        Assert.True(c.Closed());
        AssertStillServing(served);
    }

    [Fact]
    public void ShouldSurviveADisconnectInTheMiddleOfAWritePayload()
    {
        using var served = new ServedImage();
        using (var c = new RawClient(served.Socket))
        {
            c.Go(structured: true);
            c.SendRequest(NbdCommand.Write, 0, 1 << 20);
            c.Send(new byte[1000]);
        }
        AssertStillServing(served);
    }

    [Fact]
    public void ShouldDropABadRequestMagic()
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.Go(structured: true);
        c.SendRequest(NbdCommand.Read, 0, 512, magic: 0xdeadbeef);
        Assert.True(c.Closed());
        AssertStillServing(served);
    }

    /// <summary>With one client slot, each noisy client must have been let go for the next to get in.</summary>
    [Fact]
    public void RandomBytesInEitherPhaseShouldNeverStopTheServer()
    {
        using var served = new ServedImage(options: new NbdServerOptions { MaxClients = 1, Persistent = true });
        for (int seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            using var c = new RawClient(served.Socket);
            if (seed % 2 == 1)
                c.Go(structured: seed % 4 == 1);
            var noise = new byte[random.Next(1, 400)];
            random.NextBytes(noise);
            if (seed % 3 == 0 && noise.Length >= 8)
                RawClient.U32(seed % 2 == 1 ? Nbd.RequestMagic : 0x49484156).CopyTo(noise, 0);
            try
            {
                c.Send(noise);
            }
            catch (IOException)
            {
            }
        }
        AssertStillServing(served);
    }

    [Fact]
    public void AClientThatStopsReadingShouldNotKeepTheServerFromStopping()
    {
        using var served = new ServedImage();
        using var c = new RawClient(served.Socket);
        c.Go(structured: true);
        for (int i = 0; i < 64; i++)
            c.SendRequest(NbdCommand.Read, 0, 1 << 20);
        AssertStillServing(served);
        served.Stop();
    }
}
