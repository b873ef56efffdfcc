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
        using var response = await upstream.GetModelsAsync(context.RequestAborted);
        var content = await response.Content.ReadAsStringAsync(context.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            return OpenAiErrors.Result(
                StatusCodes.Status502BadGateway,
                $"The provider returned {(int)response.StatusCode} when listing models.",
                "upstream_error",
                null,
                "upstream_error");
        }

        // The local embedding model is served by embedding-search behind this gateway, so clients
        // find it in the same list as the provider's models.
        if (options.Value.EmbeddingSearchBaseAddress is not null
            && TryParseObject(content) is { } list && list["data"] is JsonArray models
            && !models.Any(model => model?["id"]?.GetValueKind() == JsonValueKind.String && model["id"]!.GetValue<string>() == LocalEmbeddingModel))
        {
            models.Add(new JsonObject { ["id"] = LocalEmbeddingModel, ["object"] = "model", ["created"] = 0, ["owned_by"] = "aspireai" });
            content = list.ToJsonString();
        }

        return TypedResults.Text(content, "application/json");
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
