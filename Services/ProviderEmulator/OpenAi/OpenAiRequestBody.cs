using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator.OpenAi;

/// <summary>
/// Reads a JSON request body and turns malformed JSON or a wrongly typed field into an OpenAI 400,
/// where model binding would respond with a ProblemDetails body that OpenAI clients cannot read.
/// </summary>
internal sealed class OpenAiRequestBody(IOptions<JsonOptions> jsonOptions)
{
    public JsonSerializerOptions SerializerOptions => jsonOptions.Value.SerializerOptions;

    public async Task<(T? Body, OpenAiProblem? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        T? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<T>(request.Body, SerializerOptions, cancellationToken);
        }
        catch (JsonException exception)
        {
            var param = exception.Path is null or "$" ? null : exception.Path.TrimStart('$', '.');
            var message = param is null
                ? $"The request body is not valid JSON: {exception.Message} Send a JSON object with Content-Type: application/json."
                : $"'{param}' has the wrong JSON type. Check the field's type in the OpenAI API reference; numbers and booleans must not be quoted.";
            return (null, OpenAiProblem.InvalidRequest(message, param));
        }

        if (body is null)
        {
            return (null, OpenAiProblem.InvalidRequest("The request body is JSON null; send a JSON object.", null));
        }

        return (body, null);
    }
}
