using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.Completion.Tests.Infrastructure;
using AspireAi.Tests.Shared;

namespace AspireAi.Completion.Tests.Gateway;

/// <summary>
/// Images and PDFs through the gateway in front of the emulator: Anthropic blocks on <c>/v1/messages</c>
/// for a model the emulator serves with OpenAI's API, and OpenAI parts on <c>/v1/chat/completions</c>
/// for a model deployed on the emulator's Anthropic API.
/// </summary>
public sealed class MediaContentTests(GarnetFixture garnet, PostgresServer postgres) : IAsyncLifetime
{
    private GatewayHost _host = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await GatewayHost.StartAsync(
            garnet.Redis,
            postgres,
            new Dictionary<string, string?>(),
            new Dictionary<string, string?>
            {
                ["Completion:Providers:anthropic-emulator:Kind"] = "Anthropic",
                ["Completion:Providers:anthropic-emulator:BaseUrl"] = "{emulator}",
                ["Completion:Providers:anthropic-emulator:ApiKey"] = "emulator-key",
                ["Completion:Models:claude-sonnet-4:Deployments:0:Provider"] = "anthropic-emulator",
                ["Completion:Models:claude-sonnet-4:Alternatives:0:Model"] = "gpt-4o-mini",
            },
            Cancellation);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Messages_ImageAndPdf_BillsMediaTokens()
    {
        var image = new JsonObject
        {
            ["type"] = "image",
            ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "image/png", ["data"] = Convert.ToBase64String(TestMedia.Png(2048, 4096)) },
        };
        var document = new JsonObject
        {
            ["type"] = "document",
            ["title"] = "report.pdf",
            ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "application/pdf", ["data"] = Convert.ToBase64String(TestMedia.Pdf(pages: 2)) },
        };

        var withMedia = await SendMessageAsync("gpt-4o-mini", new JsonArray(image, document, Text("Compare the chart and the report.")));
        var textOnly = await SendMessageAsync("gpt-4o-mini", new JsonArray(Text("Compare the chart and the report.")));

        // The emulator counts the image as OpenAI does at high detail (1105) and each PDF page as 765.
        Assert.Equal(HttpStatusCode.OK, withMedia.Status);
        Assert.Equal(1105 + (2 * 765), withMedia.Usage!.InputTokens - textOnly.Usage!.InputTokens);
        Assert.Equal("emulator", withMedia.Usage.Provider);
    }

    [Fact]
    public async Task Messages_DocumentWithUrlSource_Returns400NamingBlock()
    {
        var document = new JsonObject
        {
            ["type"] = "document",
            ["source"] = new JsonObject { ["type"] = "url", ["url"] = "https://example.com/report.pdf" },
        };

        var result = await SendMessageAsync("gpt-4o-mini", new JsonArray(Text("Read this."), document));

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("invalid_request_error", result.Body["error"]!["type"]!.GetValue<string>());
        Assert.StartsWith("'messages[0].content[1]' is a document with a url source", result.Body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task ChatCompletion_ImageToAnthropic_BillsMediaTokens()
    {
        var image = new JsonObject
        {
            ["type"] = "image_url",
            ["image_url"] = new JsonObject { ["url"] = "data:image/png;base64," + Convert.ToBase64String(TestMedia.Png(1000, 1000)) },
        };

        var withImage = await SendChatAsync(new JsonArray(Text("What is in the picture?"), image));
        var textOnly = await SendChatAsync(new JsonArray(Text("What is in the picture?")));

        // Anthropic counts 1000 x 1000 / 750, rounded up.
        Assert.Equal(HttpStatusCode.OK, withImage.Status);
        Assert.Equal(1334, withImage.Usage!.InputTokens - textOnly.Usage!.InputTokens);
        Assert.Equal("anthropic-emulator", withImage.Usage.Provider);
    }

    [Fact]
    public async Task ChatCompletion_FileIdToAnthropic_Returns400()
    {
        var file = new JsonObject { ["type"] = "file", ["file"] = new JsonObject { ["file_id"] = "file-abc123" } };

        var result = await SendChatAsync(new JsonArray(Text("Summarize the file."), file));

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("untranslatable_content", result.Body["error"]!["code"]!.GetValue<string>());
        Assert.StartsWith("'messages[0].content[1].file.file_id' names an OpenAI file", result.Body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task ChatCompletion_ImageUrlAboveCap_ServedByCheaperAlternative()
    {
        // An image given by URL to claude-sonnet-4 counts as Anthropic's largest image, 1600 tokens at $3 per million,
        // which is above the cap. The alternative gpt-4o-mini counts it as OpenAI's largest image and fits.
        using var request = CappedImageRequest("0.001");

        using var response = await _host.Client.SendAsync(request, Cancellation);

        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("model=gpt-4o-mini", Header(response, "x-aspireai-cost-alternative"));
        var estimated = decimal.Parse(Header(response, "x-aspireai-estimated-cost")!, CultureInfo.InvariantCulture);
        var billed = decimal.Parse(Header(response, "x-aspireai-cost")!, CultureInfo.InvariantCulture);
        Assert.True(billed <= 0.001m, $"billed {billed}");
        Assert.True(billed <= estimated, $"billed {billed}, estimated {estimated}");
    }

    [Fact]
    public async Task ChatCompletion_ImageUrlAboveEveryEstimate_Returns402()
    {
        using var request = CappedImageRequest("0.0001");

        using var response = await _host.Client.SendAsync(request, Cancellation);

        var result = await ReadAsync(response);
        Assert.Equal(HttpStatusCode.PaymentRequired, result.Status);
        Assert.Equal("aspireai_cost_cap_exceeded", result.Body["error"]!["code"]!.GetValue<string>());
        Assert.Equal("gateway", Header(response, "x-aspireai-error-source"));
        var message = result.Body["error"]!["message"]!.GetValue<string>();
        var estimate = Regex.Match(message, @"claude-sonnet-4 with up to 20 output tokens is estimated at \$(?<cost>[0-9.]+)");
        Assert.True(estimate.Success, message);
        Assert.True(decimal.Parse(estimate.Groups["cost"].Value, CultureInfo.InvariantCulture) >= 1600 * 3.00m / 1_000_000, message);
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task ChatCompletion_ImageToAnthropic_EstimateCoversBilledCost()
    {
        var image = new JsonObject
        {
            ["type"] = "image_url",
            ["image_url"] = new JsonObject { ["url"] = "data:image/png;base64," + Convert.ToBase64String(TestMedia.Png(1000, 1000)) },
        };
        var body = new JsonObject
        {
            ["model"] = "claude-sonnet-4",
            ["max_tokens"] = 16,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = new JsonArray(Text("What is in the picture?"), image) }),
        };

        using var response = await _host.Client.PostAsJsonAsync("v1/chat/completions", body, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var estimated = decimal.Parse(Header(response, "x-aspireai-estimated-cost")!, CultureInfo.InvariantCulture);
        var billed = decimal.Parse(Header(response, "x-aspireai-cost")!, CultureInfo.InvariantCulture);
        Assert.True(estimated >= 1334 * 3.00m / 1_000_000, $"estimated {estimated}");
        Assert.True(billed <= estimated, $"billed {billed}, estimated {estimated}");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{"model":"gpt-4o-mini","max_tokens":16,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"Qk0="}}]}]}""")]
    [InlineData("""{"model":"gpt-4o-mini","max_tokens":16,"messages":[]}""")]
    [InlineData("""{"model":"gpt-4o-mini","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]}""", "ten cents")]
    public async Task Messages_InvalidRequest_Returns400FromGateway(string json, string? maxCost = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (maxCost is not null)
        {
            request.Headers.Add("x-aspireai-max-cost", maxCost);
        }

        using var response = await _host.Client.SendAsync(request, Cancellation);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("gateway", Header(response, "x-aspireai-error-source"));
        Assert.Equal("error", body["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messages_NoApiKey_Returns401FromGateway()
    {
        using var client = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        var body = new JsonObject
        {
            ["model"] = "gpt-4o-mini",
            ["max_tokens"] = 16,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
        };

        using var response = await client.PostAsJsonAsync("v1/messages", body, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("gateway", Header(response, "x-aspireai-error-source"));
    }

    private static HttpRequestMessage CappedImageRequest(string maxCost)
    {
        var image = new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = "https://example.com/cat.png" } };
        var body = new JsonObject
        {
            ["model"] = "claude-sonnet-4",
            ["max_tokens"] = 20,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = new JsonArray(Text("look"), image) }),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = JsonContent.Create(body) };
        request.Headers.Add("x-aspireai-max-cost", maxCost);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    private async Task<Result> SendMessageAsync(string model, JsonArray content)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = 16,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
        };
        using var response = await _host.Client.PostAsJsonAsync("v1/messages", body, Cancellation);
        return await ReadAsync(response);
    }

    private async Task<Result> SendChatAsync(JsonArray content)
    {
        var body = new JsonObject
        {
            ["model"] = "claude-sonnet-4",
            ["max_tokens"] = 16,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
        };
        using var response = await _host.Client.PostAsJsonAsync("v1/chat/completions", body, Cancellation);
        return await ReadAsync(response);
    }

    private async Task<Result> ReadAsync(HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!.AsObject();
        var requestId = response.Headers.TryGetValues("x-request-id", out var ids) ? ids.Single() : null;
        var ledger = await _host.ReadLedgerAsync(Cancellation);
        var usage = ledger.SingleOrDefault(row => row.RequestId == requestId);
        return new Result(response.StatusCode, body, usage);
    }

    private static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    private sealed record Result(HttpStatusCode Status, JsonObject Body, LedgerRow? Usage);
}
