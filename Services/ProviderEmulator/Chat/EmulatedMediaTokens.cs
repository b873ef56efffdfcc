using AspireAi.Tokenization;

namespace AspireAi.ProviderEmulator.Chat;

/// <summary>
/// The emulator's token counts for media it cannot measure. The counting rules themselves are the
/// shared <see cref="AspireAi.Tokenization.MediaTokens"/>.
/// </summary>
internal static class EmulatedMediaTokens
{
    // NOTE: estimates. The emulator does not render PDF pages or fetch URLs, so an image of unknown size
    // counts as a 1024 x 1024 image and each PDF page as one such image, with no text extracted.
    private static readonly ImageSize AssumedSize = new(1024, 1024);

    /// <summary>Counts OpenAI's tokens for an image, taking an unknown size as 1024 x 1024.</summary>
    /// <param name="size">The image's size, or <see langword="null"/> when unknown.</param>
    /// <param name="detail"><c>low</c>, <c>high</c> or <c>auto</c>.</param>
    /// <returns>The tokens.</returns>
    public static int OpenAiImage(ImageSize? size, string? detail) => MediaTokens.OpenAiImage(size ?? AssumedSize, detail);

    /// <summary>Counts Anthropic's tokens for an image, taking an unknown size as 1024 x 1024.</summary>
    /// <param name="size">The image's size, or <see langword="null"/> when unknown.</param>
    /// <returns>The tokens.</returns>
    public static int AnthropicImage(ImageSize? size) => MediaTokens.AnthropicImage(size ?? AssumedSize);

    /// <summary>Counts OpenAI's tokens for a PDF: one high-detail 1024 x 1024 image per page.</summary>
    /// <param name="pdf">The PDF's bytes.</param>
    /// <returns>The tokens.</returns>
    public static int OpenAiPdf(ReadOnlySpan<byte> pdf) => MediaTokens.CountPdfPages(pdf) * OpenAiImage(null, "high");

    /// <summary>Counts Anthropic's tokens for a PDF: one 1024 x 1024 image per page.</summary>
    /// <param name="pdf">The PDF's bytes, or empty when the PDF came by URL and counts as one page.</param>
    /// <returns>The tokens.</returns>
    public static int AnthropicPdf(ReadOnlySpan<byte> pdf) => MediaTokens.CountPdfPages(pdf) * AnthropicImage(null);
}
