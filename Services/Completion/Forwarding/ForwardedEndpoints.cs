using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Completion.Authentication;
using AspireAi.Completion.Chat;
using AspireAi.Completion.Embeddings;
using AspireAi.Completion.OpenAi;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AspireAi.Completion.Forwarding;

/// <summary>
/// Routes that the gateway passes to another service, so clients need one base URL: embeddings and
/// collections go to embedding-search, the usage summary to billing. The caller's key travels with
/// the request and the downstream service checks it again.
/// </summary>
public static class ForwardedEndpoints
{
    /// <summary>The named HttpClient for embedding-search.</summary>
    public const string EmbeddingSearchClient = "embedding-search";

    /// <summary>The named HttpClient for billing's public routes.</summary>
    public const string BillingClient = "billing-public";

    private static readonly string[] ForwardedResponseHeaders = ["Retry-After", "Location", "x-request-id"];

    /// <summary>Maps the forwarded routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapForwardedEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1")
            .AddEndpointFilter<ApiKeyFilter>()
            .WithTags("Forwarded");

        group.MapPost("/embeddings", CreateEmbeddingsAsync)
            .WithName("CreateEmbeddings")
            .WithSummary("Creates embeddings with embedding-search's local model, or with the provider for other models.");
        group.MapMethods("/collections", ["GET", "POST"], ForwardToEmbeddingSearchAsync)
            .WithName("Collections")
            .WithSummary("Lists or creates the caller's collections in embedding-search.");
        group.MapMethods("/collections/{**path}", ["GET", "POST", "PUT", "DELETE"], ForwardToEmbeddingSearchAsync)
            .WithName("CollectionItems")
            .WithSummary("Reads, changes or searches one of the caller's collections in embedding-search.");
        group.MapGet("/usage", ForwardToBillingAsync)
            .WithName("GetUsage")
            .WithSummary("Summarises the caller's usage and cost by day and model.");
        group.MapGet("/usage/report", ForwardToBillingAsync)
            .WithName("GetUsageReport")
            .WithSummary("Reports the caller's usage and cost grouped by day, month, model, key or service, as JSON or CSV.");

        return group;
    }

    private static Task ForwardToEmbeddingSearchAsync(HttpContext context, IHttpClientFactory clients, IOptions<CompletionOptions> options, ILogger<ForwardedRoute> logger) =>
        options.Value.EmbeddingSearchBaseAddress is null
            ? OpenAiErrors.Result(StatusCodes.Status404NotFound, "Embedding search is not configured on this gateway: set Completion:EmbeddingSearchBaseAddress.", "invalid_request_error", null, "not_configured").ExecuteAsync(context)
            : ForwardAsync(context, clients.CreateClient(EmbeddingSearchClient), EmbeddingSearchClient, logger);

    private static async Task CreateEmbeddingsAsync(HttpContext context, IHttpClientFactory clients, IOptions<CompletionOptions> options, ProviderEmbeddings provider, ILogger<ForwardedRoute> logger)
    {
        // The body is read once to find the model, then replayed to whichever service serves it.
        context.Request.EnableBuffering();
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        context.Request.Body.Position = 0;
        var model = ProviderEmbeddings.ReadModel(body);
        if (body is null || model is null || ProviderEmbeddings.LocalModels.Contains(model))
        {
            // Embedding-search validates the body and answers in OpenAI's error shape.
            await ForwardToEmbeddingSearchAsync(context, clients, options, logger);
            return;
        }

        var outcome = await provider.EmbedAsync(body, model, ApiKeyFilter.GetIdentity(context), context.RequestAborted);
        await outcome.ToResult().ExecuteAsync(context);
    }

    private static Task ForwardToBillingAsync(HttpContext context, IHttpClientFactory clients, ILogger<ForwardedRoute> logger) =>
        ForwardAsync(context, clients.CreateClient(BillingClient), "billing", logger);

    private static async Task ForwardAsync(HttpContext context, HttpClient client, string service, ILogger logger)
    {
        var incoming = context.Request;
        using var outgoing = new HttpRequestMessage(new HttpMethod(incoming.Method), incoming.Path + incoming.QueryString);
        if (incoming.ContentLength is > 0 || incoming.Headers.TransferEncoding.Count > 0)
        {
            if (incoming.ContentLength is > ChatRequest.MaxBodyBytes)
            {
                await OpenAiErrors.InvalidRequest($"The request body is larger than {ChatRequest.MaxBodyBytes} bytes.").ExecuteAsync(context);
                return;
            }

            // Buffered so the resilience handler can send it again on a retry.
            using var buffer = new MemoryStream();
            await incoming.Body.CopyToAsync(buffer, context.RequestAborted);
            outgoing.Content = new ByteArrayContent(buffer.ToArray());
            if (incoming.ContentType is { } contentType)
            {
                outgoing.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        outgoing.Headers.TryAddWithoutValidation("Authorization", incoming.Headers.Authorization.ToString());

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (TimeoutRejectedException exception)
        {
            Log.ForwardFailed(logger, incoming.Path, service, exception);
            await OpenAiErrors.Result(StatusCodes.Status504GatewayTimeout, $"The {service} service did not answer in time. For large uploads, send fewer documents per request.", "timeout", null, "service_timeout").ExecuteAsync(context);
            return;
        }
        catch (BrokenCircuitException exception)
        {
            Log.ForwardFailed(logger, incoming.Path, service, exception);
            await OpenAiErrors.Result(StatusCodes.Status503ServiceUnavailable, $"The {service} service is failing and calls to it are paused for a short time. Retry shortly.", "service_unavailable", null, "service_unavailable").ExecuteAsync(context);
            return;
        }
        catch (HttpRequestException exception)
        {
            Log.ForwardFailed(logger, incoming.Path, service, exception);
            await OpenAiErrors.Result(StatusCodes.Status502BadGateway, $"The {service} service could not be reached.", "upstream_error", null, "service_unreachable").ExecuteAsync(context);
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in ForwardedResponseHeaders)
            {
                if (response.Headers.TryGetValues(header, out var values) || response.Content.Headers.TryGetValues(header, out values))
                {
                    context.Response.Headers[header] = values.ToArray();
                }
            }

            if (response.Content.Headers.ContentType is { } responseType)
            {
                context.Response.ContentType = responseType.ToString();
            }

            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }

    /// <summary>The logger category of forwarded routes.</summary>
    private sealed class ForwardedRoute;
}
