using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Tests.Shared;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AspireAi.ProviderEmulator.Tests.Media;

/// <summary>Images and PDFs in OpenAI's chat parts and Anthropic's blocks: accepted, checked and counted as each API documents.</summary>
public sealed class MediaContentTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private const string Model = "gpt-4o-mini";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(2048, 4096, "high", 1105)]
    [InlineData(2048, 4096, "low", 85)]
    [InlineData(1024, 1024, "auto", 765)]
    [InlineData(300, 200, "high", 255)]
    public async Task ChatCompletion_PngImage_CountsOpenAiImageTokens(int width, int height, string detail, int expected)
    {
        var image = new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = DataUrl("image/png", TestMedia.Png(width, height)), ["detail"] = detail } };

        var withImage = await ChatPromptTokensAsync(new JsonArray(Text("What is this?"), image));
        var textOnly = await ChatPromptTokensAsync(new JsonArray(Text("What is this?")));

        Assert.Equal(expected, withImage - textOnly);
    }

    [Fact]
    public async Task ChatCompletion_PdfFile_CountsEachPage()
    {
        var file = new JsonObject { ["type"] = "file", ["file"] = new JsonObject { ["filename"] = "a.pdf", ["file_data"] = DataUrl("application/pdf", TestMedia.Pdf(pages: 2)) } };

        var withFile = await ChatPromptTokensAsync(new JsonArray(Text("Summarize."), file));
        var textOnly = await ChatPromptTokensAsync(new JsonArray(Text("Summarize.")));

        Assert.Equal(2 * 765, withFile - textOnly);
    }

    [Theory]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/bmp;base64,Qk0="}}""", "user", "messages[0].content[0].image_url.url")]
    [InlineData("""{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"max"}}""", "user", "messages[0].content[0].image_url.detail")]
    [InlineData("""{"type":"file","file":{"file_id":"file-123"}}""", "user", "messages[0].content[0].file.file_id")]
    [InlineData("""{"type":"file","file":{"file_data":"data:text/plain;base64,aGk="}}""", "user", "messages[0].content[0].file.file_data")]
    [InlineData("""{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}""", "system", "messages[0].content[0]")]
    public async Task ChatCompletion_InvalidMediaPart_Returns400NamingParam(string part, string role, string param)
    {
        using var client = factory.CreateAuthorizedClient();
        var body = new JsonObject
        {
            ["model"] = Model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = role, ["content"] = new JsonArray(JsonNode.Parse(part)) }),
        };

        using var response = await client.PostAsJsonAsync("/v1/chat/completions", body, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task CreateMessage_LargeImage_CapsAt1600Tokens()
    {
        var image = new JsonObject
        {
            ["type"] = "image",
            ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "image/png", ["data"] = Convert.ToBase64String(TestMedia.Png(3000, 2000)) },
        };

        var withImage = await MessageInputTokensAsync(new JsonArray(image, Text("Describe.")));
        var textOnly = await MessageInputTokensAsync(new JsonArray(Text("Describe.")));

        Assert.Equal(1600, withImage - textOnly);
    }

    [Fact]
    public async Task CreateMessage_ImageAndPdf_CountsTokens()
    {
        var image = new JsonObject
        {
            ["type"] = "image",
            ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "image/png", ["data"] = Convert.ToBase64String(TestMedia.Png(1000, 1000)) },
        };
        var document = new JsonObject
        {
            ["type"] = "document",
            ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "application/pdf", ["data"] = Convert.ToBase64String(TestMedia.Pdf(pages: 3)) },
        };

        var withMedia = await MessageInputTokensAsync(new JsonArray(image, document, Text("Describe.")));
        var textOnly = await MessageInputTokensAsync(new JsonArray(Text("Describe.")));

        // 1000 x 1000 / 750 rounds up to 1334; each PDF page counts as a 1024 x 1024 image, 1399 tokens.
        Assert.Equal(1334 + (3 * 1399), withMedia - textOnly);
    }

    [Fact]
    public async Task CreateMessage_TextDocument_CountsItsText()
    {
        var document = new JsonObject
        {
            ["type"] = "document",
            ["source"] = new JsonObject { ["type"] = "text", ["media_type"] = "text/plain", ["data"] = "Quarterly revenue grew by twelve percent." },
        };

        var withDocument = await MessageInputTokensAsync(new JsonArray(document, Text("Summarize.")));
        var textOnly = await MessageInputTokensAsync(new JsonArray(Text("Summarize.")));

        Assert.True(withDocument > textOnly);
    }

    [Fact]
    public async Task CreateMessage_UnsupportedImageType_Returns400NamingBlock()
    {
        using var client = factory.CreateAuthorizedClient();
        var image = new JsonObject
        {
            ["type"] = "image",
            ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "image/tiff", ["data"] = "SUkqAA==" },
        };

        using var response = await client.PostAsJsonAsync("/v1/messages", MessageBody(new JsonArray(image)), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("error");
        Assert.StartsWith("messages.0.content.0.source.media_type:", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private async Task<int> ChatPromptTokensAsync(JsonArray content)
    {
        using var client = factory.CreateAuthorizedClient();
        var body = new JsonObject
        {
            ["model"] = Model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
        };

        using var response = await client.PostAsJsonAsync("/v1/chat/completions", body, Cancellation);
        var completion = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, completion.ToString());
        return completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
    }

    private async Task<int> MessageInputTokensAsync(JsonArray content)
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await client.PostAsJsonAsync("/v1/messages", MessageBody(content), Cancellation);
        var message = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, message.ToString());
        return message.GetProperty("usage").GetProperty("input_tokens").GetInt32();
    }

    private static JsonObject MessageBody(JsonArray content) => new()
    {
        ["model"] = "claude-sonnet-4",
        ["max_tokens"] = 16,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
    };

    private static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    private static string DataUrl(string mediaType, byte[] data) => $"data:{mediaType};base64,{Convert.ToBase64String(data)}";
}
