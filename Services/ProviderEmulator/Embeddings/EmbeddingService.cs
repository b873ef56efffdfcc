using System.Text.Json;
using AspireAi.ProviderEmulator.Models;
using AspireAi.ProviderEmulator.OpenAi;
using AspireAi.Tokenization;
using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator.Embeddings;

/// <summary>Validates embeddings requests and builds their responses.</summary>
internal sealed class EmbeddingService(
    ModelCatalog catalog,
    EmbeddingGenerator generator,
    TokenCounter tokenCounter,
    IOptions<ProviderEmulatorOptions> options,
    ILogger<EmbeddingService> logger)
{
    /// <summary>The most inputs in one request, as OpenAI allows.</summary>
    public const int MaxInputs = 2048;

    private const string FloatEncoding = "float";
    private const string Base64Encoding = "base64";

    // OpenAI accepts 'dimensions' only from the text-embedding-3 generation on.
    private const string ShortenableModelPrefix = "text-embedding-3";

    public OpenAiProblem? TryCreate(EmbeddingRequest request, out EmbeddingResponse? response)
    {
        ArgumentNullException.ThrowIfNull(request);
        response = null;

        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return OpenAiProblem.InvalidRequest("The 'model' field is missing. Set it to a model id such as text-embedding-3-small.", "model");
        }

        if (!catalog.Contains(request.Model))
        {
            return OpenAiProblem.ModelNotFound(request.Model, catalog.Models);
        }

        var inputProblem = TryReadInputs(request.Input, out var inputs);
        if (inputProblem is not null)
        {
            return inputProblem;
        }

        var encoding = request.EncodingFormat ?? FloatEncoding;
        if (encoding is not (FloatEncoding or Base64Encoding))
        {
            return OpenAiProblem.InvalidRequest($"'encoding_format' is '{encoding}'; use 'float' or 'base64'.", "encoding_format");
        }

        var dimensionsProblem = TryReadDimensions(request, out var dimensions);
        if (dimensionsProblem is not null)
        {
            return dimensionsProblem;
        }

        var data = new List<EmbeddingItem>(inputs.Count);
        var promptTokens = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = generator.Generate(request.Model, inputs[i], dimensions);
            data.Add(new EmbeddingItem(i, new EmbeddingVector(vector, encoding == Base64Encoding)));
            promptTokens += tokenCounter.CountText(request.Model, inputs[i]);
        }

        response = new EmbeddingResponse(data, request.Model, new EmbeddingUsage(promptTokens));
        Log.EmbeddingsCreated(logger, request.Model, inputs.Count, dimensions, promptTokens, encoding);
        return null;
    }

    private static OpenAiProblem? TryReadInputs(JsonElement input, out List<string> inputs)
    {
        inputs = [];
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                if (string.IsNullOrEmpty(input.GetString()))
                {
                    return OpenAiProblem.InvalidRequest("'input' is an empty string. Send non-empty text to embed.", "input");
                }

                inputs.Add(input.GetString()!);
                return null;

            case JsonValueKind.Array:
                var count = input.GetArrayLength();
                if (count is 0 or > MaxInputs)
                {
                    return OpenAiProblem.InvalidRequest($"'input' has {count} items; send between 1 and {MaxInputs}.", "input");
                }

                var index = 0;
                foreach (var item in input.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        return OpenAiProblem.InvalidRequest(
                            $"'input[{index}]' is a JSON {item.ValueKind}; the emulator embeds only strings, not token arrays.", $"input[{index}]");
                    }

                    if (string.IsNullOrEmpty(item.GetString()))
                    {
                        return OpenAiProblem.InvalidRequest($"'input[{index}]' is an empty string. Send non-empty text to embed.", $"input[{index}]");
                    }

                    inputs.Add(item.GetString()!);
                    index++;
                }

                return null;

            case JsonValueKind.Undefined or JsonValueKind.Null:
                return OpenAiProblem.InvalidRequest("The 'input' field is missing. Send a string or an array of strings.", "input");

            default:
                return OpenAiProblem.InvalidRequest($"'input' is a JSON {input.ValueKind}. Send a string or an array of strings.", "input");
        }
    }

    private OpenAiProblem? TryReadDimensions(EmbeddingRequest request, out int dimensions)
    {
        dimensions = options.Value.EmbeddingDimensions;
        if (request.Dimensions is not { } requested)
        {
            return null;
        }

        if (!request.Model!.StartsWith(ShortenableModelPrefix, StringComparison.Ordinal))
        {
            return OpenAiProblem.InvalidRequest(
                $"The model '{request.Model}' does not support 'dimensions'. Remove the field or use a text-embedding-3 model.", "dimensions");
        }

        if (requested is < 1 or > ProviderEmulatorOptions.MaxEmbeddingDimensions)
        {
            return OpenAiProblem.InvalidRequest(
                $"'dimensions' is {requested}; it must be between 1 and {ProviderEmulatorOptions.MaxEmbeddingDimensions}.", "dimensions");
        }

        dimensions = requested;
        return null;
    }
}
