using System.Text.Json.Nodes;
using AspireAi.Completion.CostControl;
using AspireAi.Tests.Shared;

namespace AspireAi.Completion.Tests.CostControl;

public sealed class MediaTokenEstimateTests
{
    [Theory]
    [InlineData(2048, 4096, "high", 1105)]
    [InlineData(2048, 4096, "low", 85)]
    [InlineData(1000, 1000, "auto", 765)]
    public void Count_DataUrlImageForOpenAi_UsesTileRule(int width, int height, string detail, long expected)
    {
        var body = Body(Image(PngUrl(width, height), detail));

        Assert.Equal(expected, MediaTokenEstimate.Count(body, openAi: true, anthropic: false));
    }

    [Theory]
    [InlineData(1000, 1000, 1334)]
    [InlineData(3000, 2000, 1600)]
    public void Count_DataUrlImageForAnthropic_UsesPixelRule(int width, int height, long expected)
    {
        var body = Body(Image(PngUrl(width, height)));

        Assert.Equal(expected, MediaTokenEstimate.Count(body, openAi: false, anthropic: true));
    }

    [Fact]
    public void Count_HttpImageUrl_CountsLargestBilledImage()
    {
        var auto = Body(Image("https://example.com/cat.png"));
        var low = Body(Image("https://example.com/cat.png", "low"));

        Assert.Equal(1445, MediaTokenEstimate.Count(auto, openAi: true, anthropic: false));
        Assert.Equal(85, MediaTokenEstimate.Count(low, openAi: true, anthropic: false));
        Assert.Equal(1600, MediaTokenEstimate.Count(auto, openAi: false, anthropic: true));
    }

    [Fact]
    public void Count_UnreadableImageHeader_CountsLargestBilledImage()
    {
        var body = Body(Image("data:image/png;base64," + Convert.ToBase64String("not a png"u8.ToArray())));

        Assert.Equal(1445, MediaTokenEstimate.Count(body, openAi: true, anthropic: false));
        Assert.Equal(1600, MediaTokenEstimate.Count(body, openAi: false, anthropic: true));
    }

    [Fact]
    public void Count_BothFamilies_TakesLargerCount()
    {
        var body = Body(Image(PngUrl(1000, 1000)));

        Assert.Equal(1334, MediaTokenEstimate.Count(body, openAi: true, anthropic: true));
    }

    [Fact]
    public void Count_PdfFile_CountsEachPageAsLargestImage()
    {
        var file = new JsonObject
        {
            ["type"] = "file",
            ["file"] = new JsonObject { ["filename"] = "a.pdf", ["file_data"] = "data:application/pdf;base64," + Convert.ToBase64String(TestMedia.Pdf(pages: 2)) },
        };

        var body = Body(file);

        Assert.Equal(2 * 1445, MediaTokenEstimate.Count(body, openAi: true, anthropic: false));
        Assert.Equal(2 * 1600, MediaTokenEstimate.Count(body, openAi: false, anthropic: true));
    }

    [Fact]
    public void Count_ImagesInSeveralMessages_AddsEach()
    {
        var body = Body(Image(PngUrl(300, 200)), Image(PngUrl(300, 200)));

        Assert.Equal(2 * 255, MediaTokenEstimate.Count(body, openAi: true, anthropic: false));
    }

    [Fact]
    public void Count_TextOnly_ReturnsZero()
    {
        var body = JsonNode.Parse("""{"model":"m","messages":[{"role":"user","content":"Hi"},{"role":"user","content":[{"type":"text","text":"there"}]}]}""")!.AsObject();

        Assert.Equal(0, MediaTokenEstimate.Count(body, openAi: true, anthropic: true));
    }

    private static JsonObject Body(params JsonObject[] parts) => new()
    {
        ["model"] = "m",
        ["messages"] = new JsonArray(parts.Select(part => (JsonNode)new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "Look." }, part),
        }).ToArray()),
    };

    private static JsonObject Image(string url, string? detail = null)
    {
        var image = new JsonObject { ["url"] = url };
        if (detail is not null)
        {
            image["detail"] = detail;
        }

        return new JsonObject { ["type"] = "image_url", ["image_url"] = image };
    }

    private static string PngUrl(int width, int height) => "data:image/png;base64," + Convert.ToBase64String(TestMedia.Png(width, height));
}
