using System.Net.ServerSentEvents;
using System.Text;

namespace AspireAi.ProviderEmulator.Faults;

/// <summary>
/// Writes server-sent events with a fault's stream shape: pauses between events, <c>: ping</c>
/// comments, CRLF line endings, multibyte characters cut across flushes, or a connection dropped
/// after some events. Streams without such a fault use ASP.NET Core's own server-sent events result.
/// </summary>
internal sealed class EmulatedEventStream(IAsyncEnumerable<SseItem<string>> events, EmulatedFault fault, bool failsThisAttempt, TimeProvider timeProvider)
    : IResult
{
    /// <summary>A pause between the pieces of a cut character, so the client is likely to read them separately.</summary>
    private static readonly TimeSpan SplitPause = TimeSpan.FromMilliseconds(5);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);

        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(cancellationToken);

        var newline = fault.CrLf ? "\r\n" : "\n";
        var written = 0;
        await foreach (var item in events.WithCancellation(cancellationToken))
        {
            if (failsThisAttempt && fault.DropAfterChunks is { } dropAfter && written >= dropAfter)
            {
                // Abort resets the connection, as a provider or proxy that fails mid-stream does.
                httpContext.Abort();
                return;
            }

            if (written > 0 && fault.ChunkDelay is { } delay)
            {
                await Task.Delay(delay, timeProvider, cancellationToken);
            }

            var text = new StringBuilder();
            if (fault.Comments)
            {
                text.Append(": ping").Append(newline).Append(newline);
            }

            if (item.EventType is { } eventType && eventType != SseParser.EventTypeDefault)
            {
                text.Append("event: ").Append(eventType).Append(newline);
            }

            text.Append("data: ").Append(item.Data).Append(newline).Append(newline);
            await WriteAsync(response, Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
            written++;
        }
    }

    private async Task WriteAsync(HttpResponse response, byte[] bytes, CancellationToken cancellationToken)
    {
        if (!fault.SplitUtf8)
        {
            await response.Body.WriteAsync(bytes, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            return;
        }

        // Flush right after the lead byte of every multibyte character, so its continuation bytes
        // travel in a later write.
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] >= 0xC0)
            {
                await response.Body.WriteAsync(bytes.AsMemory(start, i + 1 - start), cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
                await Task.Delay(SplitPause, timeProvider, cancellationToken);
                start = i + 1;
            }
        }

        await response.Body.WriteAsync(bytes.AsMemory(start), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
