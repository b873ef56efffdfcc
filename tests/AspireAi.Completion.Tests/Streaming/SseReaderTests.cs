using System.Text;
using AspireAi.Completion.Streaming;

namespace AspireAi.Completion.Tests.Streaming;

public sealed class SseReaderTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadAsync_CommentsCrLfAndEventFields_YieldsOnlyData()
    {
        var body = ": ping\r\n\r\nevent: message\r\ndata: {\"a\":1}\r\n\r\n: keep-alive\r\nid: 7\r\ndata: [DONE]\r\n\r\n";

        var events = await ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(2, events.Count);
        Assert.Equal("message", events[0].EventType);
        Assert.Equal("{\"a\":1}", events[0].Data);
        Assert.Null(events[1].EventType);
        Assert.Equal("[DONE]", events[1].Data);
    }

    [Fact]
    public async Task ReadAsync_MultipleDataLines_JoinedWithLineFeed()
    {
        var events = await ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes("data: first\ndata:second\n\n")));

        var only = Assert.Single(events);
        Assert.Equal("first\nsecond", only.Data);
    }

    [Fact]
    public async Task ReadAsync_MultibyteCharactersSplitAcrossReads_ComeOutWhole()
    {
        const string text = "data: {\"content\":\"안녕 🌏 café\"}\n\n";

        var events = await ReadAllAsync(new OneByteStream(Encoding.UTF8.GetBytes(text)));

        Assert.Equal("{\"content\":\"안녕 🌏 café\"}", Assert.Single(events).Data);
    }

    [Fact]
    public async Task ReadAsync_LastEventWithoutBlankLine_IsStillYielded()
    {
        var events = await ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes("data: tail")));

        Assert.Equal("tail", Assert.Single(events).Data);
    }

    [Fact]
    public async Task ReadAsync_NoLineWithinIdleTimeout_ThrowsIdleTimeout()
    {
        await using var pipe = new StalledStream(Encoding.UTF8.GetBytes("data: one\n\n"));

        var exception = await Assert.ThrowsAsync<UpstreamStreamCutException>(() => ReadAllAsync(pipe, TimeSpan.FromMilliseconds(200)));

        Assert.Equal(StreamCutReason.IdleTimeout, exception.Reason);
    }

    [Fact]
    public async Task ReadAsync_ConnectionFailsMidStream_ThrowsInterrupted()
    {
        await using var broken = new BrokenStream(Encoding.UTF8.GetBytes("data: one\n\ndata: tw"));

        var exception = await Assert.ThrowsAsync<UpstreamStreamCutException>(() => ReadAllAsync(broken));

        Assert.Equal(StreamCutReason.Interrupted, exception.Reason);
    }

    private static async Task<List<SseEvent>> ReadAllAsync(Stream body, TimeSpan? idleTimeout = null)
    {
        var events = new List<SseEvent>();
        await foreach (var item in SseReader.ReadAsync(body, idleTimeout ?? TimeSpan.FromSeconds(10), Cancellation))
        {
            events.Add(item);
        }

        return events;
    }

    /// <summary>Returns one byte per read, as a slow network can.</summary>
    private sealed class OneByteStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }

    /// <summary>Returns its bytes, then waits for more until the read is cancelled.</summary>
    private sealed class StalledStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                return read;
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }

    /// <summary>Returns its bytes, then fails as a reset connection does.</summary>
    private sealed class BrokenStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("The connection was reset.");
        }
    }
}
