using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace AspireAi.Tokenization;

/// <summary>The width and height of an image in pixels.</summary>
/// <param name="Width">The width in pixels.</param>
/// <param name="Height">The height in pixels.</param>
public readonly record struct ImageSize(int Width, int Height);

/// <summary>
/// Counts the prompt tokens of images by the rules that OpenAI and Anthropic document, and reads
/// what those rules need from the media itself: an image's size from its header and a PDF's page count.
/// </summary>
/// <remarks>
/// OpenAI's rule is the tile rule of the GPT-4o family (85 tokens, plus 170 per 512-pixel tile at
/// high detail), and Anthropic's is width × height / 750, at most 1600. The provider emulator bills
/// with them, and the gateway estimates costs with them.
/// NOTE: every model served through OpenAI's API is counted with the GPT-4o tile rule, including a
/// model that OpenAI bills for images by another rule.
/// </remarks>
public static partial class MediaTokens
{
    /// <summary>The PDF media type.</summary>
    public const string PdfMediaType = "application/pdf";

    /// <summary>The tokens of one image at OpenAI's low detail, whatever its size.</summary>
    public const int OpenAiLowDetailTokens = 85;

    /// <summary>The maximum tokens Anthropic bills for one image, because it scales larger images down to about this cost.</summary>
    public const int AnthropicMaxImageTokens = 1600;

    private const int OpenAiTileTokens = 170;
    private const int OpenAiTileSide = 512;
    private const int OpenAiMaxSide = 2048;
    private const int OpenAiShortSide = 768;
    private const int AnthropicMaxSide = 1568;
    private const int AnthropicPixelsPerToken = 750;

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The image media types both APIs accept.</summary>
    public static IReadOnlySet<string> ImageMediaTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "image/jpeg", "image/png", "image/gif", "image/webp",
    };

    /// <summary>
    /// Returns the maximum tokens that OpenAI's tile rule gives one image at a detail level. That is 1445
    /// at high or auto detail, where an image scaled to 768 × 2048 covers 2 × 4 tiles, and 85 at low detail.
    /// </summary>
    /// <param name="detail"><c>low</c>, <c>high</c> or <c>auto</c>; auto counts as high.</param>
    /// <returns>The tokens.</returns>
    public static int OpenAiMaxImageTokens(string? detail) =>
        OpenAiImage(new ImageSize(OpenAiShortSide, OpenAiMaxSide), detail);

    /// <summary>
    /// Counts OpenAI's tokens for one image of the GPT-4o family. Low detail costs 85. Otherwise the
    /// image is scaled down to fit 2048 × 2048, then its shorter side down to 768, and each 512-pixel
    /// tile adds 170 to the 85. A smaller image is not scaled up.
    /// </summary>
    /// <param name="size">The image's size.</param>
    /// <param name="detail"><c>low</c>, <c>high</c> or <c>auto</c>; auto counts as high.</param>
    /// <returns>The tokens.</returns>
    public static int OpenAiImage(ImageSize size, string? detail)
    {
        if (detail == "low")
        {
            return OpenAiLowDetailTokens;
        }

        double width = Math.Max(1, size.Width);
        double height = Math.Max(1, size.Height);
        var fit = Math.Min(1, OpenAiMaxSide / Math.Max(width, height));
        width *= fit;
        height *= fit;
        var shorten = Math.Min(1, OpenAiShortSide / Math.Min(width, height));
        width *= shorten;
        height *= shorten;
        var tiles = (int)(Math.Ceiling(width / OpenAiTileSide) * Math.Ceiling(height / OpenAiTileSide));
        return OpenAiLowDetailTokens + (OpenAiTileTokens * tiles);
    }

    /// <summary>
    /// Counts Anthropic's tokens for one image: width × height / 750, rounded up. An image whose longer
    /// side is above 1568 pixels is first scaled down to that, and the count is capped at 1600.
    /// </summary>
    /// <param name="size">The image's size.</param>
    /// <returns>The tokens.</returns>
    public static int AnthropicImage(ImageSize size)
    {
        double width = Math.Max(1, size.Width);
        double height = Math.Max(1, size.Height);
        var fit = Math.Min(1, AnthropicMaxSide / Math.Max(width, height));
        var tokens = (int)Math.Ceiling(width * fit * height * fit / AnthropicPixelsPerToken);
        return Math.Min(tokens, AnthropicMaxImageTokens);
    }

    /// <summary>Splits <c>data:{media type};base64,{data}</c> without decoding the data.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="mediaType">The media type, lower-cased.</param>
    /// <param name="data">The base64 text after the comma.</param>
    /// <returns>False when the URL is not a base64 data URL or has no data.</returns>
    public static bool TrySplitDataUrl(string? url, out string mediaType, out string data)
    {
        const string Marker = ";base64,";
        mediaType = string.Empty;
        data = string.Empty;
        if (url is null || !url.StartsWith("data:", StringComparison.Ordinal))
        {
            return false;
        }

        var marker = url.IndexOf(Marker, StringComparison.Ordinal);
        if (marker < 0)
        {
            return false;
        }

        mediaType = url[5..marker].ToLowerInvariant();
        data = url[(marker + Marker.Length)..];
        return data.Length > 0;
    }

    /// <summary>Splits <c>data:{media type};base64,{data}</c> and decodes the data.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="mediaType">The media type, lower-cased.</param>
    /// <param name="bytes">The decoded data.</param>
    /// <returns>False when the URL is not a base64 data URL or its data is empty or not valid base64.</returns>
    public static bool TryReadDataUrl(string? url, out string mediaType, out byte[] bytes)
    {
        bytes = [];
        return TrySplitDataUrl(url, out mediaType, out var data) && TryDecodeBase64(data, out bytes);
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
    public static ImageSize? ReadImageSize(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 24 && data[..8].SequenceEqual(PngSignature))
        {
            return new ImageSize(BinaryPrimitives.ReadInt32BigEndian(data[16..]), BinaryPrimitives.ReadInt32BigEndian(data[20..]));
        }

        if (data.Length >= 10 && data[..3].SequenceEqual("GIF"u8))
        {
            return new ImageSize(BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), BinaryPrimitives.ReadUInt16LittleEndian(data[8..]));
        }

        if (data.Length >= 30 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return ReadWebPSize(data);
        }

        return data.Length >= 4 && data[0] == 0xFF && data[1] == 0xD8 ? ReadJpegSize(data) : null;
    }

    /// <summary>Counts the page objects of a PDF. An unreadable or empty PDF counts as one page.</summary>
    /// <param name="pdf">The PDF's bytes.</param>
    /// <returns>The pages, at least 1.</returns>
    public static int CountPdfPages(ReadOnlySpan<byte> pdf)
    {
        // NOTE: pages inside compressed object streams have no plain "/Type /Page" text, so they are not counted.
        var text = Encoding.Latin1.GetString(pdf);
        return Math.Max(1, PageObject().Count(text));
    }

    private static ImageSize? ReadWebPSize(ReadOnlySpan<byte> data)
    {
        var chunk = data[12..16];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            return new ImageSize(1 + ReadUInt24(data[24..]), 1 + ReadUInt24(data[27..]));
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return new ImageSize((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8 "u8))
        {
            return new ImageSize(BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF);
        }

        return null;
    }

    private static ImageSize? ReadJpegSize(ReadOnlySpan<byte> data)
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
                return new ImageSize(BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 5)..]));
            }

            offset += 2 + length;
        }

        return null;
    }

    private static int ReadUInt24(ReadOnlySpan<byte> data) => data[0] | (data[1] << 8) | (data[2] << 16);

    [GeneratedRegex(@"/Type\s*/Page(?![a-zA-Z])")]
    private static partial Regex PageObject();
}
