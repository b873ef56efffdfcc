using System.Text.Json.Nodes;
using AspireAi.Tokenization;

namespace AspireAi.Completion.Anthropic;

/// <summary>
/// Translates image and document content between Anthropic's blocks and OpenAI's chat content
/// parts. Anthropic's <c>image</c> block maps to OpenAI's <c>image_url</c> part (a data URL for
/// base64, the URL itself otherwise), a base64 PDF <c>document</c> block to OpenAI's <c>file</c>
/// part with <c>file_data</c>, and a plain-text document to a text part. Anything else has no
/// counterpart and is rejected with a message that names the block.
/// </summary>
internal static class MediaBlocks
{
    private const string PdfMediaType = MediaTokens.PdfMediaType;

    /// <summary>The image media types both APIs accept.</summary>
    public static IReadOnlySet<string> ImageMediaTypes => MediaTokens.ImageMediaTypes;

    /// <summary>Puts "a" or "an" before a word, chosen by its first letter after any quote mark, as in "an image" and "an 'input_audio'".</summary>
    /// <param name="word">The word, possibly quoted.</param>
    /// <returns>The word with its article.</returns>
    public static string WithArticle(string? word)
    {
        var first = word?.TrimStart('\'', '"').FirstOrDefault() ?? ' ';
        return ("aeiouAEIOU".Contains(first, StringComparison.Ordinal) ? "an " : "a ") + word;
    }

    /// <summary>Translates an Anthropic <c>image</c> or <c>document</c> block into an OpenAI content part.</summary>
    /// <param name="block">The block.</param>
    /// <param name="path">The block's place in the request, such as <c>messages[0].content[1]</c>, for messages.</param>
    /// <param name="part">The part, when the block can be translated.</param>
    /// <returns>What is wrong, or <see langword="null"/> on success.</returns>
    public static string? TryToOpenAiPart(JsonObject block, string path, out JsonObject? part)
    {
        part = null;
        var type = AnthropicRequests.Text(block["type"]);
        if (block["source"] is not JsonObject source)
        {
            return $"'{path}' is {WithArticle(type)} block without a 'source' object.";
        }

        var sourceType = AnthropicRequests.Text(source["type"]);
        var mediaType = AnthropicRequests.Text(source["media_type"]);
        if (type == "image")
        {
            switch (sourceType)
            {
                case "base64" when mediaType is null || !ImageMediaTypes.Contains(mediaType):
                    return mediaType is null
                        ? $"'{path}' is an image without source.media_type. Set it to one of {string.Join(", ", ImageMediaTypes)}."
                        : $"'{path}' is an image with media_type '{mediaType}', which is not supported. Set source.media_type to one of {string.Join(", ", ImageMediaTypes)}.";
                case "base64" when AnthropicRequests.Text(source["data"]) is { Length: > 0 } data:
                    part = ImagePart($"data:{mediaType};base64,{data}");
                    return null;
                case "base64":
                    return $"'{path}' is an image with no data. Send the image's bytes as base64 text in source.data.";
                case "url" when IsHttpUrl(AnthropicRequests.Text(source["url"])):
                    part = ImagePart(AnthropicRequests.Text(source["url"])!);
                    return null;
                default:
                    return $"'{path}' is an image whose source type '{sourceType}' cannot be translated. Use a base64 or an http(s) url source.";
            }
        }

        switch (sourceType)
        {
            case "base64" when mediaType != PdfMediaType:
                return $"'{path}' is a document with media_type '{mediaType}', which OpenAI's chat format cannot carry. Send base64 documents of type {PdfMediaType} only.";
            case "base64" when AnthropicRequests.Text(source["data"]) is { Length: > 0 } pdf:
                var file = new JsonObject { ["file_data"] = $"data:{PdfMediaType};base64,{pdf}" };
                file["filename"] = AnthropicRequests.Text(block["title"]) is { Length: > 0 } title ? title : "document.pdf";
                part = new JsonObject { ["type"] = "file", ["file"] = file };
                return null;
            case "base64":
                return $"'{path}' is a document with no data. Send the PDF's bytes as base64 text in source.data.";
            case "text" when AnthropicRequests.Text(source["data"]) is { } text:
                part = new JsonObject { ["type"] = "text", ["text"] = text };
                return null;
            case "url":
                // NOTE: Anthropic deployments get this rejection too, because every request passes through OpenAI's format.
                return $"'{path}' is a document with a url source, which OpenAI's chat format cannot carry. Download the PDF and send it as a base64 source.";
            default:
                return $"'{path}' is a document whose source type '{sourceType}' cannot be translated. Use a base64 PDF or a text source.";
        }
    }

    /// <summary>Translates an OpenAI <c>image_url</c> or <c>file</c> part into an Anthropic block, for an Anthropic deployment.</summary>
    /// <param name="part">The part.</param>
    /// <param name="path">The part's place in the request, for messages.</param>
    /// <returns>The block.</returns>
    /// <exception cref="UntranslatableContentException">The part has no counterpart in Anthropic's API.</exception>
    public static JsonObject ToAnthropicBlock(JsonObject part, string path)
    {
        var type = AnthropicRequests.Text(part["type"]);
        if (type == "image_url")
        {
            var url = AnthropicRequests.Text(part["image_url"]?["url"]) ?? AnthropicRequests.Text(part["image_url"]);
            if (TryReadDataUrl(url, out var mediaType, out var data))
            {
                if (!ImageMediaTypes.Contains(mediaType))
                {
                    throw new UntranslatableContentException($"'{path}' is an image of type '{mediaType}', which Anthropic does not accept. Send {string.Join(", ", ImageMediaTypes)}.");
                }

                return new JsonObject
                {
                    ["type"] = "image",
                    ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = mediaType, ["data"] = data },
                };
            }

            if (IsHttpUrl(url))
            {
                return new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "url", ["url"] = url } };
            }

            throw new UntranslatableContentException($"'{path}.image_url.url' must be an http(s) URL or a base64 data URL.");
        }

        if (type == "file")
        {
            var file = part["file"] as JsonObject;
            if (TryReadDataUrl(AnthropicRequests.Text(file?["file_data"]), out var mediaType, out var data) && mediaType == PdfMediaType)
            {
                var document = new JsonObject
                {
                    ["type"] = "document",
                    ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = PdfMediaType, ["data"] = data },
                };
                if (AnthropicRequests.Text(file?["filename"]) is { Length: > 0 } filename)
                {
                    document["title"] = filename;
                }

                return document;
            }

            throw new UntranslatableContentException(file?["file_id"] is not null
                ? $"'{path}.file.file_id' names an OpenAI file, which an Anthropic deployment cannot read. Send the PDF in file_data as a base64 data URL."
                : $"'{path}.file.file_data' must be a data URL of a PDF, such as data:application/pdf;base64,JVBERi0...");
        }

        throw new UntranslatableContentException($"'{path}' is {WithArticle($"'{type}'")} part, which Anthropic's API does not accept. Send text, image_url or file parts.");
    }

    private static JsonObject ImagePart(string url) =>
        new() { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } };

    private static bool IsHttpUrl(string? url) => MediaTokens.IsHttpUrl(url);

    private static bool TryReadDataUrl(string? url, out string mediaType, out string data) => MediaTokens.TrySplitDataUrl(url, out mediaType, out data);
}

/// <summary>Thrown when an OpenAI request contains content that Anthropic's API has no counterpart for.</summary>
/// <param name="message">What cannot be translated and what to send instead.</param>
public sealed class UntranslatableContentException(string message) : Exception(message);
