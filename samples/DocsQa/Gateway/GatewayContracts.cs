using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireAi.Samples.DocsQa.Gateway;

// The wire shapes of AspireAi's collection and usage routes. They are declared here, not referenced
// from the services, because this sample uses only what a client outside the repository has.

/// <summary>The JSON settings of AspireAi's own routes: snake_case names, nulls left out.</summary>
internal static class GatewayJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>A collection as <c>GET /v1/collections/{name}</c> returns it.</summary>
internal sealed record CollectionInfo(string Name, long DocumentCount, DateTimeOffset CreatedAt);

/// <summary>The body of <c>POST /v1/collections</c>.</summary>
internal sealed record CreateCollectionRequest(string Name);

/// <summary>One document to upsert, with flat string metadata.</summary>
internal sealed record DocumentUpload(string Id, string Text, IReadOnlyDictionary<string, string> Metadata);

/// <summary>The body of <c>POST /v1/collections/{name}/documents</c>.</summary>
internal sealed record UpsertDocumentsRequest(IReadOnlyList<DocumentUpload> Documents);

/// <summary>The response of an upsert.</summary>
internal sealed record UpsertDocumentsResponse(int Upserted);

/// <summary>The body of <c>POST /v1/collections/{name}/search</c>.</summary>
internal sealed record SearchRequest(string Query, int Limit, float? ScoreThreshold);

/// <summary>The response of a search, best match first.</summary>
internal sealed record SearchResponse(IReadOnlyList<SearchHit> Results);

/// <summary>One search match; <paramref name="ChunkIndex"/> is 0 when the service does not send it.</summary>
internal sealed record SearchHit(string Id, float Score, string Text, IReadOnlyDictionary<string, JsonElement> Metadata, int ChunkIndex = 0)
{
    /// <summary>Returns a metadata value as text, or <paramref name="fallback"/> when the key is missing.</summary>
    public string GetMetadata(string key, string fallback) =>
        Metadata.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : fallback;
}

/// <summary>Token counts and cost of a group of usage rows; money in US dollars.</summary>
internal sealed record UsageTotals(
    long Requests,
    long InputTokens,
    long CachedInputTokens,
    long OutputTokens,
    decimal Cost,
    long CacheHits,
    long CacheHitTokens,
    decimal CacheSavedCost,
    long UnpricedRequests);

/// <summary>The totals of one UTC day and model.</summary>
internal sealed record UsageByDayAndModel(DateOnly Day, string Model, UsageTotals Totals);

/// <summary>The body of <c>GET /v1/usage</c>: the calling tenant's usage over a range of UTC days.</summary>
internal sealed record UsageSummary(Guid TenantId, DateOnly From, DateOnly To, UsageTotals Total, IReadOnlyList<UsageByDayAndModel> ByDayAndModel);
