using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AspireAi.Completion.Anthropic;

/// <summary>
/// A response body that rewrites what the OpenAI chat pipeline writes into Anthropic's shapes. Server-sent
/// chunks become Anthropic message events as they arrive. A JSON body, a completion or an error,
/// becomes an Anthropic message or error when the response completes.
/// </summary>
internal sealed class AnthropicResponseBody(HttpResponse response, Stream inner, string requestedModel) : Stream
{
    private static readonly JsonSerializerOptions OutputJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly MemoryStream _buffer = new();
    private readonly OpenAiToAnthropicEvents _events = new(requestedModel);
    private bool? _isEventStream;
    private bool _finished;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _isEventStream ??= response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
        _buffer.Write(buffer.Span);
        if (_isEventStream.Value)
        {
            await TranslateCompleteEventsAsync(cancellationToken);
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _isEventStream == true ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Writes the translated JSON body, or whatever events are left, to the real response body.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_isEventStream == true)
        {
            await TranslateCompleteEventsAsync(cancellationToken);
            return;
        }

        if (_buffer.Length == 0)
        {
            return;
        }

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(_buffer.ToArray()) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        JsonNode? translated = body switch
        {
            null => null,
            _ when body["error"] is not null => AnthropicResponses.ToAnthropicError(response.StatusCode, body),
            _ when AnthropicRequests.Text(body["object"]) == "chat.completion" => AnthropicResponses.ToAnthropicMessage(body),
            _ => body,
        };
        var bytes = translated is null ? _buffer.ToArray() : Encoding.UTF8.GetBytes(translated.ToJsonString(OutputJson));
        await inner.WriteAsync(bytes, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _buffer.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task TranslateCompleteEventsAsync(CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length);
        var end = text.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return;
        }

        var output = new StringBuilder();
        foreach (var block in text[..end].Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var data = string.Join('\n', block.Split('\n').Where(line => line.StartsWith("data:", StringComparison.Ordinal)).Select(line => line[5..].TrimStart()));
            if (data.Length == 0)
            {
                continue;
            }

            if (data == "[DONE]")
            {
                if (!_finished)
                {
                    _finished = true;
                    Append(output, _events.Finish());
                }

                continue;
            }

            if (JsonNode.Parse(data) is JsonObject chunk)
            {
                Append(output, _events.Add(chunk));
            }
        }

        // Keep the bytes after the last complete event, which may end inside a multibyte character.
        var consumed = Encoding.UTF8.GetByteCount(text.AsSpan(0, end + 2));
        var rest = _buffer.GetBuffer().AsSpan(consumed, (int)_buffer.Length - consumed).ToArray();
        _buffer.SetLength(0);
        _buffer.Write(rest);

        if (output.Length > 0)
        {
            await inner.WriteAsync(Encoding.UTF8.GetBytes(output.ToString()), cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }
    }

    private static void Append(StringBuilder output, IEnumerable<(string EventType, JsonObject Data)> events)
    {
        foreach (var (eventType, data) in events)
        {
            output.Append("event: ").Append(eventType).Append('\n').Append("data: ").Append(data.ToJsonString(OutputJson)).Append("\n\n");
        }
    }
}
