using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace AspireAi.ProviderEmulator.Chat;

/// <summary>
/// Counts the prompt tokens of images and PDFs the way OpenAI and Anthropic document it, from the
/// image's size read from its header. The emulator never downloads a URL, so an image or PDF given
/// by URL is counted at a fixed size.
/// </summary>
internal static partial class MediaTokens
{
    /// <summary>The image media types both APIs accept.</summary>
    public static readonly IReadOnlySet<string> ImageMediaTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "image/jpeg", "image/png", "image/gif", "image/webp",
    };

    /// <summary>The PDF media type.</summary>
    public const string PdfMediaType = "application/pdf";

    // NOTE: estimates. The emulator does not render PDF pages or fetch URLs, so an image of unknown size
    // counts as a 1024 x 1024 image and each PDF page as one such image, with no text extracted.
    private const int AssumedSide = 1024;

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Returns OpenAI's count for one image of the GPT-4o family. Low detail costs 85. Otherwise the
    /// image is scaled to fit 2048 x 2048, then its shorter side down to 768, and each 512-pixel tile
    /// adds 170 to the 85. A smaller image is not scaled up.
    /// </summary>
    /// <param name="size">The image's width and height, or <see langword="null"/> when unknown.</param>
    /// <param name="detail"><c>low</c>, <c>high</c> or <c>auto</c>; auto counts as high.</param>
    /// <returns>The tokens.</returns>
    public static int OpenAiImage((int Width, int Height)? size, string? detail)
    {
        const int BaseTokens = 85;
        if (detail == "low")
        {
            return BaseTokens;
        }

        double width = size?.Width ?? AssumedSide;
        double height = size?.Height ?? AssumedSide;
        var fit = Math.Min(1, 2048 / Math.Max(width, height));
        width *= fit;
        height *= fit;
        var shorten = Math.Min(1, 768 / Math.Min(width, height));
        width *= shorten;
        height *= shorten;
        var tiles = (int)(Math.Ceiling(width / 512) * Math.Ceiling(height / 512));
        return BaseTokens + (170 * tiles);
    }

    /// <summary>
    /// Returns Anthropic's count for one image: width times height over 750. Anthropic first scales an
    /// image down until its longer side is at most 1568 pixels and it costs at most about 1600 tokens.
    /// </summary>
    /// <param name="size">The image's width and height, or <see langword="null"/> when unknown.</param>
    /// <returns>The tokens.</returns>
    public static int AnthropicImage((int Width, int Height)? size)
    {
        const int MaxTokens = 1600;
        double width = size?.Width ?? AssumedSide;
        double height = size?.Height ?? AssumedSide;
        var fit = Math.Min(1, 1568 / Math.Max(width, height));
        var tokens = (int)Math.Ceiling(width * fit * height * fit / 750);
        return Math.Min(tokens, MaxTokens);
    }

    /// <summary>Returns the tokens of a PDF for OpenAI: one high-detail page image per page.</summary>
    /// <param name="pdf">The PDF's bytes.</param>
    /// <returns>The tokens.</returns>
    public static int OpenAiPdf(ReadOnlySpan<byte> pdf) => CountPdfPages(pdf) * OpenAiImage(null, "high");

    /// <summary>Returns the tokens of a PDF for Anthropic: one page image per page.</summary>
    /// <param name="pdf">The PDF's bytes, or empty when the PDF came by URL and counts as one page.</param>
    /// <returns>The tokens.</returns>
    public static int AnthropicPdf(ReadOnlySpan<byte> pdf) => CountPdfPages(pdf) * AnthropicImage(null);

    /// <summary>Splits <c>data:{media type};base64,{data}</c> and decodes the data.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="mediaType">The media type, lower-cased.</param>
    /// <param name="bytes">The decoded data.</param>
    /// <returns>False when the URL is not a base64 data URL or its data is not valid base64.</returns>
    public static bool TryReadDataUrl(string? url, out string mediaType, out byte[] bytes)
    {
        const string Marker = ";base64,";
        mediaType = string.Empty;
        bytes = [];
        if (url is null || !url.StartsWith("data:", StringComparison.Ordinal) || url.IndexOf(Marker, StringComparison.Ordinal) is var marker && marker < 0)
        {
            return false;
        }

        mediaType = url[5..marker].ToLowerInvariant();
        return TryDecodeBase64(url[(marker + Marker.Length)..], out bytes);
    }

    /// <summary>Decodes non-empty base64 text.</summary>
    /// <param name="data">The text.</param>
    /// <param name="bytes">The bytes.</param>
    /// <returns>False when the text is empty or not base64.</returns>
    public static bool TryDecodeBase64(string? data, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(data))
        {
            return false;
        }

        var buffer = new byte[(data.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(data, buffer, out var written) || written == 0)
        {
            return false;
        }

        bytes = buffer[..written];
        return true;
    }

    /// <summary>Returns whether a URL is an absolute http or https URL.</summary>
    /// <param name="url">The URL.</param>
    /// <returns>True for http and https.</returns>
    public static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>Reads the width and height from a PNG, GIF, JPEG or WebP header.</summary>
    /// <param name="data">The image's bytes.</param>
    /// <returns>The size, or <see langword="null"/> when the header is not one of those formats or is cut short.</returns>
    public static (int Width, int Height)? ReadImageSize(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 24 && data[..8].SequenceEqual(PngSignature))
        {
            return (BinaryPrimitives.ReadInt32BigEndian(data[16..]), BinaryPrimitives.ReadInt32BigEndian(data[20..]));
        }

        if (data.Length >= 10 && data[..3].SequenceEqual("GIF"u8))
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), BinaryPrimitives.ReadUInt16LittleEndian(data[8..]));
        }

        if (data.Length >= 30 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return ReadWebPSize(data);
        }

        return data.Length >= 4 && data[0] == 0xFF && data[1] == 0xD8 ? ReadJpegSize(data) : null;
    }

    /// <summary>Counts the page objects of a PDF; an unreadable or empty PDF counts as one page.</summary>
    /// <param name="pdf">The PDF's bytes.</param>
    /// <returns>The pages, at least 1.</returns>
    public static int CountPdfPages(ReadOnlySpan<byte> pdf)
    {
        // Pages inside compressed object streams have no plain "/Type /Page" text, so they are not counted.
        var text = Encoding.Latin1.GetString(pdf);
        return Math.Max(1, PageObject().Count(text));
    }

    private static (int Width, int Height)? ReadWebPSize(ReadOnlySpan<byte> data)
    {
        var chunk = data[12..16];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            return (1 + ReadUInt24(data[24..]), 1 + ReadUInt24(data[27..]));
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8 "u8))
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF);
        }

        return null;
    }

    private static (int Width, int Height)? ReadJpegSize(ReadOnlySpan<byte> data)
    {
        var offset = 2;
        while (offset + 9 < data.Length)
        {
            if (data[offset] != 0xFF)
            {
                return null;
            }

            var marker = data[offset + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);

            // The start-of-frame markers carry the size. 0xC4, 0xC8 and 0xCC share the range but are not frames.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 5)..]));
            }

            offset += 2 + length;
        }

        return null;
    }

    private static int ReadUInt24(ReadOnlySpan<byte> data) => data[0] | (data[1] << 8) | (data[2] << 16);

    [GeneratedRegex(@"/Type\s*/Page(?![a-zA-Z])")]
    private static partial Regex PageObject();
}
