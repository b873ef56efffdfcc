using AspireAi.BillingClient;
using AspireAi.ServiceDefaults.GenAi;

namespace AspireAi.EmbeddingSearch.Embeddings;

/// <summary>
/// Embeds texts on a caller's behalf: computes the vectors, records the GenAI telemetry and
/// records the tokens in billing's usage ledger.
/// </summary>
public sealed class BilledEmbedder(
    TextEmbedder embedder,
    UsageOutbox usageOutbox,
    GenAiTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger<BilledEmbedder> logger)
{
    private const string Operation = "embeddings";
    private const string ServiceName = "embedding-search";

    /// <summary>Computes one vector per input and bills the tokens to the caller's tenant and key.</summary>
    /// <param name="caller">The identity behind the caller's API key.</param>
    /// <param name="inputs">The non-empty texts.</param>
    /// <param name="cancellationToken">Cancels the embedding; usage of finished work is still recorded.</param>
    /// <returns>The vectors and the tokens processed.</returns>
    public async Task<EmbeddingBatch> EmbedAsync(ApiKeyIdentity caller, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(inputs);

        var startedAt = timeProvider.GetTimestamp();
        using var activity = GenAiTelemetry.StartModelCall(Operation, LocalEmbeddingModel.Provider, LocalEmbeddingModel.Name);
        activity?.SetTag(GenAiAttributes.TenantId, caller.TenantId);

        var batch = await embedder.EmbedAsync(inputs, cancellationToken);

        telemetry.RecordModelCall(activity, new ModelCallRecord(
            Operation,
            LocalEmbeddingModel.Provider,
            LocalEmbeddingModel.Name,
            LocalEmbeddingModel.Name,
            batch.TokenCount,
            OutputTokens: 0,
            timeProvider.GetElapsedTime(startedAt)));
        logger.InputsEmbedded(inputs.Count, batch.TokenCount, caller.TenantId);

        await RecordUsageAsync(caller, batch.TokenCount);
        return batch;
    }

    private async Task RecordUsageAsync(ApiKeyIdentity caller, long tokenCount)
    {
        var requestId = Guid.CreateVersion7().ToString();
        var record = new UsageRecord(
            requestId,
            caller.TenantId,
            caller.KeyId,
            ServiceName,
            LocalEmbeddingModel.Provider,
            LocalEmbeddingModel.Name,
            InputTokens: tokenCount,
            CachedInputTokens: 0,
            OutputTokens: 0,
            CacheHit: false,
            OccurredAt: timeProvider.GetUtcNow());

        // The vectors are already computed, so a client that disconnects now still owes the tokens: the
        // outbox keeps the record until billing acknowledges it and takes no request token.
        await usageOutbox.SubmitAsync(record);
    }
}
