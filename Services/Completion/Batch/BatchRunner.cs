using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.BillingClient;
using AspireAi.Completion.Caching;
using AspireAi.Completion.Chat;
using AspireAi.Completion.CostControl;
using AspireAi.Completion.Providers;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Batch;

/// <summary>
/// Runs the items of a batch through the chat pipeline with bounded concurrency. Each item is
/// validated, rate limited, capped, cached and billed on its own, so a failing item never changes
/// another item's result or billing.
/// </summary>
public sealed class BatchRunner(ChatCompletionPipeline pipeline, IOptions<CompletionOptions> options)
{
    /// <summary>Runs every item and returns <c>{"object":"chat.batch","results":[...],"summary":{...}}</c>.</summary>
    /// <param name="requests">The chat requests, as sent.</param>
    /// <param name="identity">The caller.</param>
    /// <param name="directives">The cache directives for every item.</param>
    /// <param name="cap">The cost cap for each item, if any.</param>
    /// <param name="cancellationToken">Cancels items not yet started.</param>
    /// <param name="requestIdPrefix">A stable prefix for the items' ledger keys, or <see langword="null"/> for new ids.</param>
    /// <param name="route">The route whose timeouts the items get: batch, or jobs for a batch job.</param>
    /// <returns>The results in the order of the requests.</returns>
    public async Task<JsonObject> RunAsync(
        JsonArray requests,
        ApiKeyIdentity identity,
        CacheDirectives directives,
        decimal? cap,
        CancellationToken cancellationToken,
        string? requestIdPrefix = null,
        string route = GatewayRoutes.Batch)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(identity);

        var items = requests.Select(item => item?.ToJsonString() ?? "null").ToArray();
        var outcomes = new ChatOutcome[items.Length];
        using var gate = new SemaphoreSlim(options.Value.Batch.MaxConcurrency);

        var tasks = items.Select(async (json, index) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                outcomes[index] = await RunItemAsync(json, identity, directives, cap, route, cancellationToken, requestIdPrefix is null ? null : $"{requestIdPrefix}_{index}");
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);

        var results = new JsonArray();
        var succeeded = 0;
        var cost = 0m;
        for (var index = 0; index < outcomes.Length; index++)
        {
            var outcome = outcomes[index];
            var result = new JsonObject
            {
                ["index"] = index,
                ["status"] = outcome.StatusCode,
                ["headers"] = new JsonObject(outcome.Headers.Select(header => KeyValuePair.Create(header.Key, (JsonNode?)header.Value))),
            };
            var body = JsonNode.Parse(outcome.Body);
            if (outcome.IsSuccess)
            {
                succeeded++;
                result["response"] = body;
                if (outcome.Headers.TryGetValue(ChatCompletionPipeline.CostHeader, out var costText)
                    && decimal.TryParse(costText, NumberStyles.Number, CultureInfo.InvariantCulture, out var itemCost))
                {
                    cost += itemCost;
                }
            }
            else
            {
                result["error"] = body?["error"]?.DeepClone();
            }

            results.Add(result);
        }

        return new JsonObject
        {
            ["object"] = "chat.batch",
            ["results"] = results,
            ["summary"] = new JsonObject
            {
                ["total"] = outcomes.Length,
                ["succeeded"] = succeeded,
                ["failed"] = outcomes.Length - succeeded,
                ["cost"] = cost,
            },
        };
    }

    private async Task<ChatOutcome> RunItemAsync(
        string json, ApiKeyIdentity identity, CacheDirectives directives, decimal? cap, string route, CancellationToken cancellationToken, string? requestId)
    {
        if (!ChatRequest.TryParse(Encoding.UTF8.GetBytes(json), out var request, out var error))
        {
            return ChatOutcome.Error(StatusCodes.Status400BadRequest, error!.Value.Message, "invalid_request_error", "invalid_request", "gateway", param: error.Value.Param);
        }

        if (!CostPlanner.TryReadCap(null, request!.Body, out var itemCap, out var capError))
        {
            return ChatOutcome.Error(StatusCodes.Status400BadRequest, capError!, "invalid_request_error", "invalid_request", "gateway", param: "aspireai.max_cost");
        }

        if (request.Stream)
        {
            return ChatOutcome.Error(StatusCodes.Status400BadRequest, "Batch items cannot stream; remove \"stream\": true from this item.", "invalid_request_error", "invalid_request", "gateway", param: "stream");
        }

        try
        {
            return await pipeline.RunAsync(request with { Route = route }, identity, directives, itemCap ?? cap, cancellationToken, requestId);
        }
        catch (JsonException exception)
        {
            return ChatOutcome.Error(StatusCodes.Status502BadGateway, $"The provider's answer could not be read: {exception.Message}", "upstream_error", "upstream_invalid_response", "provider");
        }
    }
}
