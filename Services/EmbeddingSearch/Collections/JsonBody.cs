using System.Text.Json;

namespace AspireAi.EmbeddingSearch.Collections;

/// <summary>Reads a JSON request body and turns malformed JSON into validation errors instead of an empty 400.</summary>
internal static class JsonBody
{
    /// <summary>The error key under which body-level problems are reported.</summary>
    public const string ErrorKey = "body";

    /// <summary>Reads the body as <typeparamref name="T"/>; on failure the value is null and the errors describe the problem.</summary>
    public static async Task<(T? Value, Dictionary<string, string[]> Errors)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        try
        {
            return (await request.ReadFromJsonAsync<T>(cancellationToken), errors);
        }
        catch (JsonException exception)
        {
            errors[ErrorKey] = [$"The request body is not valid JSON for this route: {exception.Message}"];
        }
        catch (InvalidOperationException)
        {
            errors[ErrorKey] = ["The request body must be JSON: send it with 'Content-Type: application/json'."];
        }

        return (null, errors);
    }
}
