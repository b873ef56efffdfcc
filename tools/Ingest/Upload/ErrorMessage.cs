using System.Text;
using System.Text.Json;

namespace AspireAi.Ingest.Upload;

/// <summary>Reads the human-readable message out of a gateway error body.</summary>
internal static class ErrorMessage
{
    private const int MaxRawLength = 300;

    /// <summary>
    /// Returns the message of an OpenAI-style error (<c>error.message</c>) or of a problem details body
    /// (<c>detail</c> or <c>title</c>, followed by every entry of <c>errors</c>); any other body is
    /// returned trimmed and cut to 300 characters.
    /// </summary>
    public static string FromBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "The response had no body.";
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && FromJson(document.RootElement) is { Length: > 0 } message)
            {
                return message;
            }
        }
        catch (JsonException)
        {
            // Not JSON, for example a proxy's HTML page: the raw text below is the best message.
        }

        var trimmed = body.Trim();
        return trimmed.Length <= MaxRawLength ? trimmed : trimmed[..MaxRawLength] + "…";
    }

    private static string? FromJson(JsonElement root)
    {
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            && error.TryGetProperty("message", out var openAiMessage) && openAiMessage.ValueKind == JsonValueKind.String)
        {
            return openAiMessage.GetString();
        }

        var builder = new StringBuilder();
        if (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
        {
            builder.Append(detail.GetString());
        }
        else if (root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String)
        {
            builder.Append(title.GetString());
        }

        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
            {
                var messages = field.Value.ValueKind == JsonValueKind.Array
                    ? field.Value.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.String).Select(item => item.GetString())
                    : [];
                builder.Append(builder.Length > 0 ? " " : string.Empty).Append(field.Name).Append(": ").AppendJoin(" ", messages);
            }
        }

        return builder.ToString();
    }
}
