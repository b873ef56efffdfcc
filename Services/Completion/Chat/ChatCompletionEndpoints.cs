using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Completion.Authentication;
using AspireAi.Completion.OpenAi;
using AspireAi.Completion.Upstream;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Chat;

/// <summary>The OpenAI-compatible chat completion and model routes.</summary>
public static class ChatCompletionEndpoints
{
    private const string LocalEmbeddingModel = "all-minilm-l6-v2";

    /// <summary>Maps <c>POST /v1/chat/completions</c>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapChatCompletionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/chat")
            .AddEndpointFilter<ApiKeyFilter>()
            .WithTags("Chat");

        group.MapPost("/completions", CreateChatCompletionAsync)
            .WithName("CreateChatCompletion")
            .WithSummary("Creates a chat completion, streamed or not, through the cache, the provider and billing.")
            .DisableAntiforgery();

        return group;
    }

    /// <summary>Maps <c>GET /v1/models</c>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/models")
            .AddEndpointFilter<ApiKeyFilter>()
            .WithTags("Models");

        group.MapGet("/", ListModelsAsync)
            .WithName("ListModels")
            .WithSummary("Lists the models of the configured provider.");

        return group;
    }

    private static async Task<IResult> CreateChatCompletionAsync(HttpContext context, ChatCompletionPipeline pipeline)
    {
        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return OpenAiErrors.InvalidRequest($"The request body is larger than {ChatRequest.MaxBodyBytes} bytes; send a smaller chat completion request.");
        }

        if (body.Length == 0)
        {
            return OpenAiErrors.InvalidRequest("The request body is empty; send a JSON chat completion request with 'model' and 'messages'.");
        }

        if (!ChatRequest.TryParse(body, out var request, out var error))
        {
            return OpenAiErrors.InvalidRequest(error!.Value.Message, error.Value.Param);
        }

        return await pipeline.ExecuteAsync(context, request!, ApiKeyFilter.GetIdentity(context));
    }

    private static async Task<IResult> ListModelsAsync(HttpContext context, UpstreamClient upstream, IOptions<CompletionOptions> options)
    {
        string content;
        try
        {
            using var response = await upstream.GetModelsAsync(context.RequestAborted);
            content = await response.Content.ReadAsStringAsync(context.RequestAborted);
            if (!response.IsSuccessStatusCode)
            {
                return OpenAiErrors.Result(
                    StatusCodes.Status502BadGateway,
                    $"The provider returned {(int)response.StatusCode} when listing models.",
                    "upstream_error",
                    null,
                    "upstream_error",
                    "provider");
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or Polly.ExecutionRejectedException)
        {
            var timedOut = exception is Polly.Timeout.TimeoutRejectedException;
            return OpenAiErrors.Result(
                timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
                timedOut ? "The provider did not list its models in time." : "The provider could not be reached to list its models.",
                timedOut ? "timeout" : "upstream_error",
                null,
                timedOut ? "upstream_timeout" : "upstream_unreachable",
                "provider");
        }

        if (TryParseObject(content) is not { } list || list["data"] is not JsonArray models)
        {
            return TypedResults.Text(content, "application/json");
        }

        // Clients also find the models the gateway itself knows: its aliases, models routed to other
        // providers, and the local embedding model that embedding-search serves behind it.
        var settings = options.Value;
        var extra = settings.Aliases.Keys
            .Concat(settings.Models.Where(pair => pair.Value.Deployments.Count > 0).Select(pair => pair.Key));
        if (settings.EmbeddingSearchBaseAddress is not null)
        {
            extra = extra.Append(LocalEmbeddingModel);
        }

        var listed = models
            .Select(model => model?["id"]?.GetValueKind() == JsonValueKind.String ? model["id"]!.GetValue<string>() : null)
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var id in extra.Where(listed.Add))
        {
            models.Add(new JsonObject { ["id"] = id, ["object"] = "model", ["created"] = 0, ["owned_by"] = "aspireai" });
        }

        return TypedResults.Text(list.ToJsonString(), "application/json");
    }

    private static JsonObject? TryParseObject(string content)
    {
        try
        {
            return JsonNode.Parse(content) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > ChatRequest.MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > ChatRequest.MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
