using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireAi.BillingClient;

/// <summary>The JSON settings of every billing request and response: snake_case names, as the OpenAI API uses.</summary>
public static class BillingJson
{
    /// <summary>Serializer options shared by the billing service and its clients.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the shared settings to options that a host already owns, such as ASP.NET Core's.</summary>
    /// <param name="options">The options to change.</param>
    public static void Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        return options;
    }
}

/// <summary>The HTTP headers and routes that services use to reach billing.</summary>
public static class BillingRoutes
{
    /// <summary>The header that carries the internal service key on <c>/internal</c> routes.</summary>
    public const string InternalKeyHeader = "x-aspireai-internal-key";

    /// <summary>Validates an API key and returns its identity.</summary>
    public const string ValidateKey = "/internal/keys/validate";

    /// <summary>Records one usage row in the ledger.</summary>
    public const string RecordUsage = "/internal/usage";

    /// <summary>Records many usage rows in one call; each row is still stored at most once per request id.</summary>
    public const string RecordUsageBatch = "/internal/usage/batch";

    /// <summary>Lists the ids of API keys revoked recently, so services can drop them from their key caches.</summary>
    public const string RevokedKeys = "/internal/keys/revoked";

    /// <summary>Lists the prices in effect now.</summary>
    public const string Prices = "/internal/prices";

    /// <summary>Summarises the calling tenant's usage; authenticated by the tenant's own API key.</summary>
    public const string UsageSummary = "/v1/usage";

    /// <summary>Reports the calling tenant's usage grouped by day, month, model, key or service, as JSON or CSV.</summary>
    public const string UsageReport = "/v1/usage/report";

    /// <summary>Reserves an estimated cost against every budget that applies to a request.</summary>
    public const string BudgetReservations = "/internal/budgets/reservations";

    /// <summary>Replaces a reservation's amount with the request's actual cost until its usage is recorded.</summary>
    public const string SettleBudgetReservation = "/internal/budgets/reservations/settle";

    /// <summary>Drops a reservation whose request used nothing.</summary>
    public const string ReleaseBudgetReservation = "/internal/budgets/reservations/release";
}

/// <summary>The identity behind a valid API key.</summary>
/// <param name="TenantId">The tenant that owns the key.</param>
/// <param name="TenantName">The tenant's display name.</param>
/// <param name="KeyId">The key's id; never the key itself.</param>
/// <param name="KeyName">The key's display name.</param>
/// <param name="ExpiresAt">When the key stops working, or <see langword="null"/> when it does not expire. Caches must not keep the identity longer.</param>
public sealed record ApiKeyIdentity(Guid TenantId, string TenantName, Guid KeyId, string KeyName, DateTimeOffset? ExpiresAt = null);

/// <summary>The body of a key validation request.</summary>
/// <param name="Key">The plaintext API key presented by a caller.</param>
public sealed record ValidateKeyRequest(string Key);

/// <summary>
/// One priced unit of work to record in the ledger. Billing prices it with the price in effect
/// at <paramref name="OccurredAt"/>; a second record with the same request id is ignored.
/// </summary>
/// <remarks>
/// <paramref name="InputTokens"/> is every input token of the request, in OpenAI's convention, and the cached reads and
/// cache writes are parts of it. <see cref="ProviderUsage"/> maps each provider's usage fields into this form: OpenAI's
/// <c>prompt_tokens</c> already include <c>cached_tokens</c>, while Anthropic's <c>input_tokens</c> exclude
/// <c>cache_read_input_tokens</c> and <c>cache_creation_input_tokens</c>, so those are added.
/// </remarks>
/// <param name="RequestId">The id of the logical request; the ledger's idempotency key.</param>
/// <param name="TenantId">The tenant billed.</param>
/// <param name="KeyId">The API key used.</param>
/// <param name="Service">The service that did the work: completion or embedding-search.</param>
/// <param name="Provider">The provider that served the request, for example openai or local.</param>
/// <param name="Model">The model that served the request.</param>
/// <param name="InputTokens">All input tokens, including <paramref name="CachedInputTokens"/> and <paramref name="CacheWriteTokens"/>.</param>
/// <param name="CachedInputTokens">Input tokens the provider read from its prompt cache.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="CacheHit">True when AspireAi's response cache served the request: it is then free and its tokens count as saved, not billed.</param>
/// <param name="OccurredAt">When the request was made.</param>
/// <param name="CacheWriteTokens">Input tokens the provider wrote to its prompt cache (Anthropic's <c>cache_creation_input_tokens</c>); zero for OpenAI.</param>
public sealed record UsageRecord(
    string RequestId,
    Guid TenantId,
    Guid KeyId,
    string Service,
    string Provider,
    string Model,
    long InputTokens,
    long CachedInputTokens,
    long OutputTokens,
    bool CacheHit,
    DateTimeOffset OccurredAt,
    long CacheWriteTokens = 0);

/// <summary>What billing stored for a usage record.</summary>
/// <param name="RequestId">The request id of the record.</param>
/// <param name="Cost">The billed cost in US dollars; zero for a cache hit.</param>
/// <param name="SavedCost">For a cache hit, what the request would have cost; otherwise zero.</param>
/// <param name="Priced">False when the model has no price: the row is kept and flagged, never treated as free.</param>
/// <param name="Duplicate">True when a row with this request id already existed and nothing was added.</param>
public sealed record UsageRecorded(string RequestId, decimal Cost, decimal SavedCost, bool Priced, bool Duplicate);

/// <summary>A model's price in US dollars per million tokens.</summary>
/// <param name="Provider">The provider, for example openai.</param>
/// <param name="Model">The model name as requests name it.</param>
/// <param name="InputPerMillion">Price of one million input tokens that were not cached.</param>
/// <param name="OutputPerMillion">Price of one million output tokens.</param>
/// <param name="CachedInputPerMillion">Price of one million input tokens read from the provider's prompt cache.</param>
/// <param name="EffectiveFrom">The first UTC day the price applies.</param>
/// <param name="CacheWritePerMillion">Price of one million input tokens written to the provider's prompt cache; zero where writes cost nothing extra.</param>
public sealed record ModelPrice(
    string Provider,
    string Model,
    decimal InputPerMillion,
    decimal OutputPerMillion,
    decimal CachedInputPerMillion,
    DateOnly EffectiveFrom,
    decimal CacheWritePerMillion = 0m);

/// <summary>Token counts and cost of a group of ledger rows.</summary>
/// <param name="Requests">Number of requests, cache hits included.</param>
/// <param name="InputTokens">Billed input tokens (cached input and cache writes included, cache hits excluded).</param>
/// <param name="CachedInputTokens">Billed input tokens that the provider served from its prompt cache.</param>
/// <param name="OutputTokens">Billed output tokens (cache hits excluded).</param>
/// <param name="Cost">Billed cost in US dollars.</param>
/// <param name="CacheHits">Requests served from AspireAi's response cache.</param>
/// <param name="CacheHitTokens">Input plus output tokens served from the cache, kept apart from billed tokens.</param>
/// <param name="CacheSavedCost">What the cache hits would have cost, in US dollars.</param>
/// <param name="UnpricedRequests">Requests for models without a price.</param>
/// <param name="CacheWriteTokens">Billed input tokens that the provider wrote to its prompt cache.</param>
public sealed record UsageTotals(
    long Requests,
    long InputTokens,
    long CachedInputTokens,
    long OutputTokens,
    decimal Cost,
    long CacheHits,
    long CacheHitTokens,
    decimal CacheSavedCost,
    long UnpricedRequests,
    long CacheWriteTokens = 0);

/// <summary>The totals of one UTC day and model.</summary>
/// <param name="Day">The UTC day.</param>
/// <param name="Model">The model.</param>
/// <param name="Totals">The totals of that day and model.</param>
public sealed record UsageByDayAndModel(DateOnly Day, string Model, UsageTotals Totals);

/// <summary>A tenant's usage over a period.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="From">The first UTC day included.</param>
/// <param name="To">The last UTC day included.</param>
/// <param name="Total">The totals over the whole period.</param>
/// <param name="ByDayAndModel">The totals per UTC day and model, ordered by day then model.</param>
public sealed record UsageSummary(
    Guid TenantId,
    DateOnly From,
    DateOnly To,
    UsageTotals Total,
    IReadOnlyList<UsageByDayAndModel> ByDayAndModel);

/// <summary>The body of a batch usage request.</summary>
/// <param name="Records">The records, each with its own request id.</param>
public sealed record UsageBatch(IReadOnlyList<UsageRecord> Records);

/// <summary>What billing did with each record of a batch, in the order they were sent.</summary>
/// <param name="Items">One item per record.</param>
public sealed record UsageBatchResult(IReadOnlyList<UsageBatchItem> Items);

/// <summary>The outcome of one record of a batch.</summary>
/// <param name="RequestId">The record's request id.</param>
/// <param name="Recorded">What billing stored; <see langword="null"/> when the record is invalid.</param>
/// <param name="Errors">The problems of an invalid record keyed by JSON field name; billing never accepts it as it is.</param>
public sealed record UsageBatchItem(string RequestId, UsageRecorded? Recorded, IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>The API keys revoked, or changed by a rotation, since an instant.</summary>
/// <param name="Since">The start of the window, inclusive.</param>
/// <param name="KeyIds">The ids of the keys revoked in the window.</param>
/// <param name="ChangedKeyIds">The ids of the keys whose expiry a rotation changed in the window; a cached check of them is stale.</param>
public sealed record RevokedKeyList(DateTimeOffset Since, IReadOnlyList<Guid> KeyIds, IReadOnlyList<Guid>? ChangedKeyIds = null);
