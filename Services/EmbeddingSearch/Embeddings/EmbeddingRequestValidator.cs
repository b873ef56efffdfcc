using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace AspireAi.EmbeddingSearch.Embeddings;

/// <summary>Checks an embeddings request against the rules of the OpenAI API and the local model.</summary>
public static class EmbeddingRequestValidator
{
    /// <summary>The maximum number of inputs in one request, as in the OpenAI API.</summary>
    public const int MaxInputs = 2048;

    /// <summary>Validates a request and normalises it, or describes the first problem found.</summary>
    /// <param name="request">The request body, or <see langword="null"/> when it was empty.</param>
    /// <param name="validated">The normalised request when valid.</param>
    /// <param name="error">The problem in the OpenAI error shape when invalid.</param>
    /// <returns><see langword="true"/> when the request is valid.</returns>
    public static bool TryValidate(
        EmbeddingRequest? request,
        [NotNullWhen(true)] out ValidatedEmbeddingRequest? validated,
        [NotNullWhen(false)] out OpenAiError? error)
    {
        validated = null;
        if (request is null)
        {
            error = OpenAiError.InvalidRequest(
                "The request body is missing. Send a JSON object such as {\"input\":\"some text\"}.", null, "missing_body");
            return false;
        }

        if (!TryReadInputs(request.Input, out var inputs, out error)
            || !TryResolveModel(request.Model, out var model, out error)
            || !TryResolveEncoding(request.EncodingFormat, out var encoding, out error)
            || !TryCheckDimensions(request.Dimensions, out error))
        {
            return false;
        }

        validated = new ValidatedEmbeddingRequest(inputs, model, encoding);
        return true;
    }

    private static bool TryReadInputs(JsonElement input, out IReadOnlyList<string> inputs, [NotNullWhen(false)] out OpenAiError? error)
    {
        inputs = [];
        error = null;
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                var text = input.GetString()!;
                if (text.Length == 0)
                {
                    error = OpenAiError.InvalidRequest("input is an empty string. Send at least one character of text.", "input", "empty_input");
                    return false;
                }

                inputs = [text];
                return true;

            case JsonValueKind.Array:
                return TryReadInputArray(input, out inputs, out error);

            case JsonValueKind.Undefined:
            case JsonValueKind.Null:
                error = OpenAiError.InvalidRequest("input is required: send a string, an array of strings, an array of token ids or an array of token arrays.", "input", "missing_input");
                return false;

            default:
                error = OpenAiError.InvalidRequest(
                    $"input must be a string, an array of strings or token ids, or an array of token arrays, but is a JSON {DescribeKind(input.ValueKind)}.", "input", "invalid_input");
                return false;
        }
    }

    private static bool TryReadInputArray(JsonElement input, out IReadOnlyList<string> inputs, [NotNullWhen(false)] out OpenAiError? error)
    {
        inputs = [];
        error = null;
        var count = input.GetArrayLength();
        if (count == 0)
        {
            error = OpenAiError.InvalidRequest("input is an empty array. Send at least one string.", "input", "empty_input");
            return false;
        }

        // An array of numbers is one input given as token ids, as the OpenAI API defines it.
        if (input[0].ValueKind == JsonValueKind.Number)
        {
            if (!TokenArrayDecoder.TryDecode(input, "input", out var decoded, out error))
            {
                return false;
            }

            inputs = [decoded];
            return true;
        }

        if (count > MaxInputs)
        {
            error = OpenAiError.InvalidRequest(
                string.Create(CultureInfo.InvariantCulture, $"input has {count} items, but at most {MaxInputs} are allowed per request. Split the inputs over several requests."),
                "input",
                "too_many_inputs");
            return false;
        }

        // OpenAI accepts an array of strings or an array of token arrays, but not a mix of both.
        var expectedKind = input[0].ValueKind == JsonValueKind.Array ? JsonValueKind.Array : JsonValueKind.String;
        var texts = new List<string>(count);
        var index = 0;
        foreach (var item in input.EnumerateArray())
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"input[{index}]");
            if (item.ValueKind != expectedKind)
            {
                var expected = expectedKind == JsonValueKind.Array ? "a token array, because input[0] is one" : "a string, because input[0] is one";
                error = OpenAiError.InvalidRequest(
                    $"{path} is a JSON {DescribeKind(item.ValueKind)}, but every item must be {expected}. Send either an array of strings or an array of token arrays.",
                    "input",
                    "invalid_input");
                return false;
            }

            string text;
            if (expectedKind == JsonValueKind.Array)
            {
                if (!TokenArrayDecoder.TryDecode(item, path, out var decoded, out error))
                {
                    return false;
                }

                text = decoded;
            }
            else
            {
                text = item.GetString()!;
                if (text.Length == 0)
                {
                    error = OpenAiError.InvalidRequest($"{path} is an empty string. Remove it or send at least one character of text.", "input", "empty_input");
                    return false;
                }
            }

            texts.Add(text);
            index++;
        }

        inputs = texts;
        return true;
    }

    private static bool TryResolveModel(string? requested, out string model, [NotNullWhen(false)] out OpenAiError? error)
    {
        model = LocalEmbeddingModel.Name;
        error = null;
        if (requested is null || LocalEmbeddingModel.IsNamedBy(requested))
        {
            return true;
        }

        error = OpenAiError.InvalidRequest(
            $"The model '{requested}' does not exist here. Available models: {LocalEmbeddingModel.Name} (alias {LocalEmbeddingModel.Alias}).",
            "model",
            "model_not_found");
        return false;
    }

    private static bool TryResolveEncoding(string? requested, out EmbeddingEncoding encoding, [NotNullWhen(false)] out OpenAiError? error)
    {
        encoding = EmbeddingEncoding.Float;
        error = null;
        if (requested is null || string.Equals(requested, "float", StringComparison.Ordinal))
        {
            return true;
        }

        if (string.Equals(requested, "base64", StringComparison.Ordinal))
        {
            encoding = EmbeddingEncoding.Base64;
            return true;
        }

        error = OpenAiError.InvalidRequest(
            $"encoding_format '{requested}' is not supported. Use 'float' or 'base64'.", "encoding_format", "invalid_encoding_format");
        return false;
    }

    private static bool TryCheckDimensions(int? dimensions, [NotNullWhen(false)] out OpenAiError? error)
    {
        error = null;
        if (dimensions is null or LocalEmbeddingModel.Dimensions)
        {
            return true;
        }

        error = OpenAiError.InvalidRequest(
            string.Create(
                CultureInfo.InvariantCulture,
                $"dimensions is {dimensions}, but {LocalEmbeddingModel.Name} only produces {LocalEmbeddingModel.Dimensions}-dimensional vectors. Omit dimensions or set it to {LocalEmbeddingModel.Dimensions}."),
            "dimensions",
            "invalid_dimensions");
        return false;
    }

    private static string DescribeKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "string",
    };
}
