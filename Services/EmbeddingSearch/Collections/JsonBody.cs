using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AspireAi.EmbeddingSearch.Collections;

/// <summary>Reads a JSON request body and turns malformed JSON into validation errors instead of an empty 400.</summary>
internal static class JsonBody
{
    /// <summary>The error key under which body-level problems are reported.</summary>
    public const string ErrorKey = "body";

    /// <summary>The options for a request without services, such as in unit tests. ASP.NET Core's JSON options start from the same web defaults.</summary>
    private static readonly JsonSerializerOptions DefaultOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Reads the body of a route under <c>/collections/{name}</c> and validates the body and the
    /// collection name together, so one 400 lists every problem.
    /// </summary>
    /// <typeparam name="T">The request type.</typeparam>
    /// <param name="request">The HTTP request.</param>
    /// <param name="collectionName">The collection name from the route.</param>
    /// <param name="validate">Validates a body that was read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body, and the problems by field; empty when the request is valid.</returns>
    public static async Task<(T? Value, Dictionary<string, string[]> Errors)> ReadCollectionRequestAsync<T>(
        HttpRequest request, string collectionName, Func<T?, Dictionary<string, string[]>> validate, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(validate);

        var (value, errors) = await ReadAsync<T>(request, cancellationToken);
        if (errors.Count == 0)
        {
            errors = validate(value);
        }

        if (CollectionRequestValidator.CheckCollectionName(collectionName) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        return (value, errors);
    }

    /// <summary>Reads the body as <typeparamref name="T"/>; on failure the value is null and the errors describe the problem.</summary>
    public static async Task<(T? Value, Dictionary<string, string[]> Errors)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var options = request.HttpContext.RequestServices?.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions
            ?? DefaultOptions;
        try
        {
            return (await request.ReadFromJsonAsync<T>(options, cancellationToken), errors);
        }
        catch (JsonException exception) when (exception.InnerException is JsonException)
        {
            // The reader failed on malformed JSON. Its message names the problem and the position, and no .NET types.
            errors[ErrorKey] = [$"The request body is not valid JSON: {exception.InnerException.Message}"];
        }
        catch (JsonException exception)
        {
            var (field, message) = JsonTypeMismatch.Describe(options, typeof(T), exception.Path);
            errors[field] = [message];
        }
        catch (InvalidOperationException)
        {
            errors[ErrorKey] = ["The request body must be JSON: send it with 'Content-Type: application/json'."];
        }

        return (null, errors);
    }
}
