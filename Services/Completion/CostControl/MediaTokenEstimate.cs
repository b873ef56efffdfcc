using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Tokenization;

namespace AspireAi.Completion.CostControl;

/// <summary>
/// Estimates the prompt tokens of the images and PDF files in an OpenAI chat request, for a model
/// served through OpenAI's API, Anthropic's, or both. Each family's rule comes from
/// <see cref="MediaTokens"/>; the estimate never downloads anything.
/// </summary>
/// <remarks>
/// An image's size is read from the header of a base64 data URL. The gateway never fetches an
/// http(s) URL, so such an image, and one whose header it cannot read, counts as the largest image
/// the family bills. That is 1445 tokens for OpenAI at high or auto detail, 85 at low detail, and
/// 1600 for Anthropic. Each PDF page counts as one such largest image.
/// </remarks>
internal static class MediaTokenEstimate
{
    /// <summary>Counts the media tokens of a request under each family that may serve it and returns the larger count.</summary>
    /// <param name="body">The chat request body.</param>
    /// <param name="openAi">Whether a deployment that speaks OpenAI's API may serve the request.</param>
    /// <param name="anthropic">Whether a deployment that speaks Anthropic's API may serve the request.</param>
    /// <returns>The estimated tokens; 0 when the request has no images or files.</returns>
    public static long Count(JsonObject body, bool openAi, bool anthropic)
    {
        ArgumentNullException.ThrowIfNull(body);

        long openAiTokens = 0;
        long anthropicTokens = 0;
        if (body["messages"] is not JsonArray messages)
        {
            return 0;
        }

        foreach (var part in messages.OfType<JsonObject>().Select(message => message["content"]).OfType<JsonArray>().SelectMany(parts => parts.OfType<JsonObject>()))
        {
            switch (Text(part["type"]))
            {
                case "image_url":
                    var image = part["image_url"];
                    var url = Text(image?["url"]) ?? Text(image);
                    var detail = Text(image?["detail"]);
                    var size = MediaTokens.TryReadDataUrl(url, out _, out var bytes) ? MediaTokens.ReadImageSize(bytes) : null;
                    openAiTokens += size is { } known ? MediaTokens.OpenAiImage(known, detail) : MediaTokens.OpenAiMaxImageTokens(detail);
                    anthropicTokens += size is { } measured ? MediaTokens.AnthropicImage(measured) : MediaTokens.AnthropicMaxImageTokens;
                    break;

                case "file":
                    // NOTE: a file given by file_id has no bytes here, so it counts as one page. Text that
                    // a provider extracts from PDF pages is not counted either.
                    var pages = MediaTokens.TryReadDataUrl(Text(part["file"]?["file_data"]), out _, out var pdf) ? MediaTokens.CountPdfPages(pdf) : 1;
                    openAiTokens += (long)pages * MediaTokens.OpenAiMaxImageTokens("high");
                    anthropicTokens += (long)pages * MediaTokens.AnthropicMaxImageTokens;
                    break;

                default:
                    break;
            }
        }

        return Math.Max(openAi ? openAiTokens : 0, anthropic ? anthropicTokens : 0);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
