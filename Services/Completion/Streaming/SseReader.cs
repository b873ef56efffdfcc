using System.Runtime.CompilerServices;
using System.Text;

namespace AspireAi.Completion.Streaming;

/// <summary>One server-sent event.</summary>
/// <param name="EventType">The <c>event:</c> field, or <see langword="null"/> when the event has none.</param>
/// <param name="Data">The <c>data:</c> lines joined with line feeds.</param>
public sealed record SseEvent(string? EventType, string Data);

/// <summary>Why a provider's stream ended before its end marker.</summary>
public enum StreamCutReason
{
    /// <summary>No line arrived within the idle timeout.</summary>
    IdleTimeout,

    /// <summary>The connection failed or closed mid-stream.</summary>
    Interrupted,
}

/// <summary>Thrown when a provider's stream ends early, so the gateway can bill what was delivered and tell the client.</summary>
/// <param name="reason">Why the stream ended.</param>
/// <param name="innerException">The I/O error, if any.</param>
public sealed class UpstreamStreamCutException(StreamCutReason reason, Exception? innerException = null)
    : Exception($"The provider's stream ended early: {reason}.", innerException)
{
    /// <summary>Why the stream ended.</summary>
    public StreamCutReason Reason { get; } = reason;
}

/// <summary>
/// Reads server-sent events from a provider's body: LF or CRLF line endings, comment and keep-alive
/// lines skipped, multi-line data joined, and UTF-8 decoded across network reads, so a character
/// split between two reads comes out whole.
/// </summary>
public static class SseReader
{
    /// <summary>Reads events until the body ends.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="idleTimeout">How long to wait for the next line, comments included, before giving up.</param>
    /// <param name="cancellationToken">Cancelled when the client leaves or the total timeout passes.</param>
    /// <returns>The events in order.</returns>
    /// <exception cref="UpstreamStreamCutException">No line came within the idle timeout, or the connection failed.</exception>
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream body, TimeSpan idleTimeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);

        using var idle = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        using var reader = new StreamReader(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: false);
        string? eventType = null;
        var data = new StringBuilder();
        var hasData = false;
        while (true)
        {
            idle.CancelAfter(idleTimeout);
            string? line;
            try
            {
                line = await reader.ReadLineAsync(linked.Token);
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new UpstreamStreamCutException(StreamCutReason.IdleTimeout);
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw new UpstreamStreamCutException(StreamCutReason.Interrupted, exception);
            }

            if (line is null)
            {
                if (hasData)
                {
                    yield return new SseEvent(eventType, data.ToString());
                }

                yield break;
            }

            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new SseEvent(eventType, data.ToString());
                }

                eventType = null;
                data.Clear();
                hasData = false;
                continue;
            }

            if (line[0] == ':')
            {
                // A comment, such as a keep-alive ping.
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            if (field == "data")
            {
                if (hasData)
                {
                    data.Append('\n');
                }

                data.Append(value);
                hasData = true;
            }
            else if (field == "event")
            {
                eventType = value;
            }
        }
    }
}
