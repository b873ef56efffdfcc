using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Completion.Authentication;
using AspireAi.Completion.Caching;
using AspireAi.Completion.CostControl;
using AspireAi.Completion.OpenAi;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Batch;

/// <summary>
/// <c>POST /v1/chat/batch</c>: many chat requests in one call, run in parallel with bounded
/// concurrency, with one result or one error per item in the order sent.
/// </summary>
public static class BatchEndpoints
{
    /// <summary>Maps the batch route.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/chat")
            .AddEndpointFilter<ApiKeyFilter>()
            .WithTags("Chat");

        group.MapPost("/batch", RunBatchAsync)
            .WithName("RunChatBatch")
            .WithSummary("Runs many chat completions in parallel and returns one result or error per item, in order.")
            .DisableAntiforgery();

        return group;
    }

    private static async Task<IResult> RunBatchAsync(HttpContext context, BatchRunner runner, IOptions<CompletionOptions> options)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException exception)
        {
            return OpenAiErrors.InvalidRequest($"The request body is not valid JSON: {exception.Message}");
        }

        var maxItems = options.Value.Batch.MaxItems;
        if (node is not JsonObject body || body["requests"] is not JsonArray requests || requests.Count == 0)
        {
            return OpenAiErrors.InvalidRequest("The body must be {\"requests\": [ ...chat completion requests... ]} with at least one request.", "requests");
        }

        if (requests.Count > maxItems)
        {
            return OpenAiErrors.InvalidRequest($"The batch has {requests.Count} requests; the maximum is {maxItems}. Split it into smaller batches.", "requests");
        }

        var directives = CacheDirectives.Parse(context.Request, options.Value.Cache, ApiKeyFilter.GetIdentity(context), out var directiveError);
        if (directiveError is not null)
        {
            return OpenAiErrors.InvalidRequest(directiveError);
        }

        if (!CostPlanner.TryReadCap(context.Request, [], out var cap, out var capError))
        {
            return OpenAiErrors.InvalidRequest(capError!);
        }

        var result = await runner.RunAsync(requests, ApiKeyFilter.GetIdentity(context), directives, cap, context.RequestAborted);
        return TypedResults.Text(result.ToJsonString(), "application/json");
    }
}
