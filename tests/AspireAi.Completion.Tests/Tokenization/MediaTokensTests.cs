using System.Buffers.Binary;
using AspireAi.Tests.Shared;
using AspireAi.Tokenization;

namespace AspireAi.Completion.Tests.Tokenization;

public sealed class MediaTokensTests
{
    [Theory]
    [InlineData("png")]
    [InlineData("gif")]
    [InlineData("jpeg")]
    [InlineData("webp-vp8x")]
    [InlineData("webp-vp8l")]
    [InlineData("webp-vp8")]
    public void ReadImageSize_EachFormat_ReadsWidthAndHeight(string format)
    {
        var header = format switch
        {
            "png" => TestMedia.Png(640, 480),
            "gif" => Gif(640, 480),
            "jpeg" => Jpeg(640, 480),
            "webp-vp8x" => WebP("VP8X", 640, 480),
            "webp-vp8l" => WebP("VP8L", 640, 480),
            _ => WebP("VP8 ", 640, 480),
        };

        var size = MediaTokens.ReadImageSize(header);

        Assert.Equal(new ImageSize(640, 480), size);
    }

    [Fact]
    public void ReadImageSize_UnknownFormat_ReturnsNull()
    {
        Assert.Null(MediaTokens.ReadImageSize("BM not an image header"u8));
    }

    [Theory]
    [InlineData(2048, 4096, "high", 1105)]
    [InlineData(2048, 4096, "low", 85)]
    [InlineData(1024, 1024, "auto", 765)]
    [InlineData(1024, 1024, null, 765)]
    [InlineData(300, 200, "high", 255)]
    [InlineData(768, 2048, "high", 1445)]
    public void OpenAiImage_Size_CountsTiles(int width, int height, string? detail, int expected)
    {
        Assert.Equal(expected, MediaTokens.OpenAiImage(new ImageSize(width, height), detail));
    }

    [Theory]
    [InlineData(1000, 1000, 1334)]
    [InlineData(64, 64, 6)]
    [InlineData(3000, 2000, 1600)]
    public void AnthropicImage_Size_CountsPixelsOver750(int width, int height, int expected)
    {
        Assert.Equal(expected, MediaTokens.AnthropicImage(new ImageSize(width, height)));
    }

    [Fact]
    public void MaxImageTokens_AnySize_BoundsEachCount()
    {
        for (var width = 16; width <= 8192; width += 112)
        {
            for (var height = 16; height <= 8192; height += 112)
            {
                var size = new ImageSize(width, height);
                Assert.True(MediaTokens.OpenAiImage(size, "high") <= MediaTokens.OpenAiMaxImageTokens("high"), $"OpenAI {width} x {height}");
                Assert.True(MediaTokens.AnthropicImage(size) <= MediaTokens.AnthropicMaxImageTokens, $"Anthropic {width} x {height}");
            }
        }

        Assert.Equal(1445, MediaTokens.OpenAiMaxImageTokens("auto"));
        Assert.Equal(85, MediaTokens.OpenAiMaxImageTokens("low"));
    }

    [Fact]
    public void CountPdfPages_PageObjects_CountsEach()
    {
        Assert.Equal(3, MediaTokens.CountPdfPages(TestMedia.Pdf(pages: 3)));
        Assert.Equal(1, MediaTokens.CountPdfPages([]));
    }

    [Theory]
    [InlineData("data:image/PNG;base64,iVBORw0KGgo=", true, "image/png")]
    [InlineData("data:image/png;base64,", false, "image/png")]
    [InlineData("data:image/png,rawtext", false, "")]
    [InlineData("https://example.com/a.png", false, "")]
    public void TryReadDataUrl_Url_SplitsMediaTypeAndData(string url, bool expected, string expectedMediaType)
    {
        var read = MediaTokens.TryReadDataUrl(url, out var mediaType, out _);

        Assert.Equal(expected, read);
        Assert.Equal(expectedMediaType, mediaType);
    }

    private static byte[] Gif(int width, int height)
    {
        var gif = new byte[13];
        "GIF89a"u8.CopyTo(gif);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(6), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(8), (ushort)height);
        return gif;
    }

    // An APP0 segment comes first, so the reader has to skip a segment to reach the SOF0 frame header.
    private static byte[] Jpeg(int width, int height)
    {
        var jpeg = new byte[2 + 18 + 19 + 8];
        jpeg[0] = 0xFF;
        jpeg[1] = 0xD8;
        jpeg[2] = 0xFF;
        jpeg[3] = 0xE0;
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(4), 16);
        var frame = 2 + 18;
        jpeg[frame] = 0xFF;
        jpeg[frame + 1] = 0xC0;
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(frame + 2), 17);
        jpeg[frame + 4] = 8;
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(frame + 5), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(frame + 7), (ushort)width);
        return jpeg;
    }

    private static byte[] WebP(string chunk, int width, int height)
    {
        var webp = new byte[32];
        "RIFF"u8.CopyTo(webp);
        "WEBP"u8.CopyTo(webp.AsSpan(8));
        System.Text.Encoding.ASCII.GetBytes(chunk).CopyTo(webp, 12);
        switch (chunk)
        {
            case "VP8X":
                WriteUInt24(webp.AsSpan(24), width - 1);
                WriteUInt24(webp.AsSpan(27), height - 1);
                break;
            case "VP8L":
                webp[20] = 0x2F;
                BinaryPrimitives.WriteUInt32LittleEndian(webp.AsSpan(21), (uint)((width - 1) | ((height - 1) << 14)));
                break;
            default:
                webp[23] = 0x9D;
                webp[24] = 0x01;
                webp[25] = 0x2A;
                BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(26), (ushort)width);
                BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(28), (ushort)height);
                break;
        }

        return webp;
    }

    private static void WriteUInt24(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }
}
