using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspireAi.EmbeddingSearch.Embeddings;

/// <summary>Reports healthy once the embedding model is loaded.</summary>
/// <remarks>
/// Resolving <see cref="TextEmbedder"/> loads the model, and a failed load throws, which the health
/// check service reports as unhealthy. The check runs no inference, so it does not wait behind
/// requests for an inference slot.
/// </remarks>
internal sealed class EmbeddingModelHealthCheck(TextEmbedder embedder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["model"] = LocalEmbeddingModel.Name,
            ["dimensions"] = LocalEmbeddingModel.Dimensions,
            ["unknown_token_id"] = embedder.UnknownTokenId,
        };
        return Task.FromResult(HealthCheckResult.Healthy($"{LocalEmbeddingModel.Name} is loaded.", data));
    }
}
