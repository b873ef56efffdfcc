using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Completion.Authentication;
using AspireAi.Completion.Chat;
using AspireAi.Completion.OpenAi;
using AspireAi.Completion.Providers;

namespace AspireAi.Completion.Anthropic;

/// <summary>
/// Anthropic's Messages API on the gateway, for the official Anthropic SDKs. A request is translated
/// into an OpenAI chat request and runs through the same pipeline as <c>/v1/chat/completions</c>, so the
/// same authentication, rate limits, cost cap, budget, cache and billing apply.
/// </summary>
public static class MessageEndpoints
{
    /// <summary>Maps <c>POST /v1/messages</c>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        // The shape filter comes first so that it also rewrites the key filter's 401 into Anthropic's error shape.
        var group = app.MapGroup("/v1/messages")
            .AddEndpointFilter<AnthropicShapeFilter>()
            .AddEndpointFilter<ApiKeyFilter>()
            .WithTags("Messages");

        group.MapPost("/", CreateMessageAsync)
            .WithName("CreateMessage")
            .WithSummary("Creates a message in Anthropic's format, streamed or not, through the same cache, provider and billing path as chat completions.")
            .DisableAntiforgery();

        return group;
    }

    private static async Task<IResult> CreateMessageAsync(HttpContext context, ChatCompletionPipeline pipeline)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException exception)
        {
            return OpenAiErrors.InvalidRequest($"The request body is not valid JSON: {exception.Message}");
        }

        if (body is null)
        {
            return OpenAiErrors.InvalidRequest("The request body must be a JSON object with 'model', 'max_tokens' and 'messages'.");
        }

        if (!AnthropicRequests.TryToOpenAi(body, out var chat, out var translationError))
        {
            return OpenAiErrors.InvalidRequest(translationError!);
        }

        if (!ChatRequest.TryParse(JsonSerializer.SerializeToUtf8Bytes(chat), out var request, out var error))
        {
            return OpenAiErrors.InvalidRequest(error!.Value.Message, error.Value.Param);
        }

        return await pipeline.ExecuteAsync(context, request! with { Route = GatewayRoutes.Messages }, ApiKeyFilter.GetIdentity(context));
    }
}

/// <summary>Rewrites every response of the route, errors included, into Anthropic's shapes.</summary>
internal sealed class AnthropicShapeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var original = http.Response.Body;
        await using var translated = new AnthropicResponseBody(http.Response, original, requestedModel: "unknown");
        http.Response.Body = translated;
        try
        {
            // The result runs here, while the body is still being translated, instead of after the filter returns.
            if (await next(context) is IResult result)
            {
                await result.ExecuteAsync(http);
            }

            await translated.CompleteAsync(http.RequestAborted);
        }
        finally
        {
            http.Response.Body = original;
        }

        return Results.Empty;
    }
}
