using System.Security.Cryptography;
using System.Text;
using AspireAi.BillingClient;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AspireAi.EmbeddingSearch.Embeddings;

/// <summary>The texts to embed for another AspireAi service.</summary>
/// <param name="Inputs">The texts, 1 to 64 of them.</param>
public sealed record InternalEmbeddingsRequest(IReadOnlyList<string>? Inputs);

/// <summary>The vectors of an internal embeddings request, in input order.</summary>
/// <param name="Vectors">One unit-length vector per input.</param>
public sealed record InternalEmbeddingsResponse(IReadOnlyList<float[]> Vectors);

/// <summary>
/// <c>POST /internal/embeddings</c>: embeddings for the gateway's semantic cache. It is guarded by the
/// internal service key, not an API key, and is not billed: the cache serves the tenant's own requests.
/// </summary>
public static class InternalEmbeddingsEndpoints
{
    private const int MaxInputs = 64;
    private const int MaxInputLength = 32_000;

    /// <summary>Maps the internal route.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route handler builder.</returns>
    public static RouteHandlerBuilder MapInternalEmbeddingsEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/internal/embeddings", EmbedAsync)
            .WithName("InternalEmbeddings")
            .WithSummary("Embeds texts with the local model for another AspireAi service.");

    private static async Task<Results<Ok<InternalEmbeddingsResponse>, ValidationProblem, UnauthorizedHttpResult>> EmbedAsync(
        HttpRequest httpRequest, InternalEmbeddingsRequest? request, TextEmbedder embedder, IOptions<BillingClientOptions> options, CancellationToken cancellationToken)
    {
        var expected = Encoding.UTF8.GetBytes(options.Value.InternalKey ?? string.Empty);
        var presented = Encoding.UTF8.GetBytes(httpRequest.Headers[BillingRoutes.InternalKeyHeader].ToString());
        if (expected.Length == 0 || !CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return TypedResults.Unauthorized();
        }

        var inputs = request?.Inputs;
        if (inputs is null || inputs.Count is 0 or > MaxInputs || inputs.Any(input => string.IsNullOrWhiteSpace(input) || input.Length > MaxInputLength))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["inputs"] = [$"inputs must hold 1 to {MaxInputs} non-empty texts of at most {MaxInputLength} characters."],
            });
        }

        var batch = await embedder.EmbedAsync(inputs, cancellationToken);
        return TypedResults.Ok(new InternalEmbeddingsResponse(batch.Vectors));
    }
}
