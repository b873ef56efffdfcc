using System.Text;
using System.Text.Json;

namespace AspireAi.Samples.DocsQa.Gateway;

/// <summary>Reads the human-readable message out of an AspireAi error response.</summary>
internal static class ErrorDetail
{
    private const int MaxRawLength = 500;

    /// <summary>
    /// Extracts the message from an OpenAI-style error (<c>{"error":{"message"}}</c>) or a problem
    /// details body (<c>detail</c>, else <c>title</c>, plus every entry of <c>errors</c>); any other
    /// body is returned as it is, cut to 500 characters.
    /// </summary>
    public static string FromBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "the response had no body.";
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
            // Not JSON, for example an HTML page from a proxy: the raw text below is the best detail.
        }

        var trimmed = body.Trim();
        return trimmed.Length <= MaxRawLength ? trimmed : trimmed[..MaxRawLength] + "…";
    }

    private static string? FromJson(JsonElement root)
    {
        if (root.TryGetProperty("error", out var error)
            && error.ValueKind == JsonValueKind.Object
            && error.TryGetProperty("message", out var openAiMessage)
            && openAiMessage.ValueKind == JsonValueKind.String)
        {
            return openAiMessage.GetString();
        }

        var builder = new StringBuilder();
        if (TryGetString(root, "detail") is { } detail)
        {
            builder.Append(detail);
        }
        else if (TryGetString(root, "title") is { } title)
        {
            builder.Append(title);
        }

        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
            {
                // ProblemDetails lists each field's messages as an array; anything else is skipped.
                if (field.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var problem in field.Value.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.String))
                {
                    builder.Append(builder.Length > 0 ? " " : string.Empty).Append(field.Name).Append(": ").Append(problem.GetString());
                }
            }
        }

        return builder.ToString();
    }

    private static string? TryGetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
