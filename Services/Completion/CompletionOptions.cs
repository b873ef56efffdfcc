using AspireAi.Completion.Providers;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion;

/// <summary>The gateway's settings.</summary>
public sealed class CompletionOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Completion";

    /// <summary>The OpenAI-compatible provider that serves every model without its own <see cref="ModelPolicyOptions.Deployments"/>.</summary>
    public UpstreamOptions Upstream { get; set; } = new();

    /// <summary>Provider accounts that model deployments point at, keyed by a name of the operator's choice.</summary>
    public Dictionary<string, ProviderEndpointOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Model names that clients may use for another model, such as <c>fast</c> for <c>gpt-4o-mini</c>; one level deep.</summary>
    public Dictionary<string, string> Aliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Retries and circuit breaking of provider calls.</summary>
    public ProviderResilienceOptions Resilience { get; set; } = new();

    /// <summary>The response cache's settings.</summary>
    public ResponseCacheOptions Cache { get; set; } = new();

    /// <summary>The embedding-search service, which serves <c>/v1/embeddings</c> and <c>/v1/collections</c> behind the gateway.</summary>
    public Uri? EmbeddingSearchBaseAddress { get; set; }

    /// <summary>The output tokens a cost estimate assumes when a request sets no max_tokens and its model has no default.</summary>
    public int DefaultMaxOutputTokens { get; set; } = 1024;

    /// <summary>Per-model settings, keyed by the model name that requests use.</summary>
    public Dictionary<string, ModelPolicyOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Per-route timeouts, keyed by a name in <see cref="GatewayRoutes"/>. A model's own timeout wins
    /// over its route's, and a route's wins over <c>Completion:Upstream</c>'s.
    /// </summary>
    public Dictionary<string, RouteOptions> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Requests-per-minute and tokens-per-minute limits.</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>The batch route's limits.</summary>
    public BatchOptions Batch { get; set; } = new();

    /// <summary>The asynchronous job queue.</summary>
    public JobOptions Jobs { get; set; } = new();
}

/// <summary>Settings for one model.</summary>
public sealed class ModelPolicyOptions
{
    /// <summary>The output tokens a cost estimate assumes when a request sets no max_tokens.</summary>
    public int? DefaultMaxOutputTokens { get; set; }

    /// <summary>
    /// What to try, in order, when a request's cost cap is below this model's estimate: another
    /// model, fewer output tokens, or both.
    /// </summary>
    public List<CostAlternativeOptions> Alternatives { get; set; } = [];

    /// <summary>Where the model is served, load-balanced by weight; <c>Completion:Upstream</c> when empty.</summary>
    public List<ModelDeploymentOptions> Deployments { get; set; } = [];

    /// <summary>Models to try, in order, when every deployment of this one failed.</summary>
    public List<string> Fallbacks { get; set; } = [];

    /// <summary>Replaces <c>Completion:Upstream:AttemptTimeout</c> for this model.</summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>Replaces <c>Completion:Upstream:TotalTimeout</c> for this model.</summary>
    public TimeSpan? TotalTimeout { get; set; }

    /// <summary>Replaces <c>Completion:Upstream:IdleTimeout</c> for this model.</summary>
    public TimeSpan? IdleTimeout { get; set; }
}

/// <summary>Timeouts for the provider calls of one inbound route; an empty value keeps the default.</summary>
public sealed class RouteOptions
{
    /// <summary>Replaces <c>Completion:Upstream:AttemptTimeout</c> on this route, unless the model sets its own.</summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>Replaces <c>Completion:Upstream:TotalTimeout</c> on this route, unless the model sets its own.</summary>
    public TimeSpan? TotalTimeout { get; set; }

    /// <summary>Replaces <c>Completion:Upstream:IdleTimeout</c> on this route, unless the model sets its own.</summary>
    public TimeSpan? IdleTimeout { get; set; }
}

/// <summary>One cheaper way to serve a request.</summary>
public sealed class CostAlternativeOptions
{
    /// <summary>The model to use instead; the requested one when empty.</summary>
    public string? Model { get; set; }

    /// <summary>The output-token limit to use instead; the request's own when empty.</summary>
    public int? MaxTokens { get; set; }
}

/// <summary>Limits on requests and tokens per minute, shared by every gateway replica through Redis.</summary>
public sealed class RateLimitOptions
{
    /// <summary>The limits of each API key that has no entry in <see cref="Keys"/>.</summary>
    public RateLimitPolicy Default { get; set; } = new();

    /// <summary>Per-tenant limits on the total of all the tenant's keys, keyed by tenant id; a tenant without an entry has no tenant-wide limit.</summary>
    public Dictionary<string, RateLimitPolicy> Tenants { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per-key limits, keyed by API key id.</summary>
    public Dictionary<string, RateLimitPolicy> Keys { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One set of limits; 0 means no limit.</summary>
public sealed class RateLimitPolicy
{
    /// <summary>Requests per minute.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>Tokens per minute, counted from the estimate at admission (prompt plus max output).</summary>
    public int TokensPerMinute { get; set; }
}

/// <summary>Limits of <c>POST /v1/chat/batch</c>.</summary>
public sealed class BatchOptions
{
    /// <summary>The most requests one batch may hold.</summary>
    public int MaxItems { get; set; } = 100;

    /// <summary>How many requests of one batch run at the same time.</summary>
    public int MaxConcurrency { get; set; } = 8;
}

/// <summary>The Redis-backed queue of asynchronous jobs.</summary>
public sealed class JobOptions
{
    /// <summary>How many workers each gateway replica runs.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>How long a finished job and its result stay readable.</summary>
    public TimeSpan ResultTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a worker may go without a heartbeat before its jobs are handed to another worker.</summary>
    public TimeSpan WorkerTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>An OpenAI-compatible upstream: OpenAI, Ollama, vLLM, or the provider emulator.</summary>
public sealed class UpstreamOptions
{
    /// <summary>The provider name recorded in the ledger and in <c>gen_ai.system</c>, for example openai or emulator.</summary>
    public string Provider { get; set; } = "openai";

    /// <summary>The base URL that ends before <c>/chat/completions</c>, for example <c>https://api.openai.com/v1</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The provider's API key, sent as a bearer token; empty for providers that need none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one attempt may wait for the response headers (for a stream) or the whole body.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a request may take across all its retries, fallbacks and, for a stream, its whole body.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>How long a stream may go without an event (comments and keep-alives count) before it is cut.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>The exact-match response cache.</summary>
public sealed class ResponseCacheOptions
{
    /// <summary>Whether responses are cached at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long an entry lives when the request does not say.</summary>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longest lifetime a request may ask for with <c>x-aspireai-cache-ttl</c>.</summary>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Per-tenant cache settings, keyed by tenant id or tenant name.</summary>
    public Dictionary<string, TenantCacheOptions> Tenants { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One tenant's cache settings.</summary>
public sealed class TenantCacheOptions
{
    /// <summary>Turns the cache off for this tenant when false; the service-wide setting applies when empty.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The lifetime of this tenant's entries when a request does not say; the service-wide default applies when empty.</summary>
    public TimeSpan? DefaultTtl { get; set; }

    /// <summary>Turns the semantic cache on with this cosine-similarity threshold (0 to 1, such as 0.95); exact matches only when empty.</summary>
    public double? SemanticThreshold { get; set; }
}

/// <summary>Reports every invalid <see cref="CompletionOptions"/> value by its configuration key.</summary>
public sealed class ValidateCompletionOptions : IValidateOptions<CompletionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CompletionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = new List<string>();
        var upstream = options.Upstream;
        if (upstream.BaseUrl is null || !upstream.BaseUrl.IsAbsoluteUri)
        {
            failures.Add("Completion:Upstream:BaseUrl must be an absolute URL such as https://api.openai.com/v1 or http://localhost:11434/v1.");
        }

        if (string.IsNullOrWhiteSpace(upstream.Provider))
        {
            failures.Add("Completion:Upstream:Provider must name the provider, for example openai.");
        }

        if (upstream.AttemptTimeout <= TimeSpan.Zero)
        {
            failures.Add("Completion:Upstream:AttemptTimeout must be positive.");
        }

        if (upstream.TotalTimeout < upstream.AttemptTimeout)
        {
            failures.Add("Completion:Upstream:TotalTimeout must be at least Completion:Upstream:AttemptTimeout.");
        }

        if (upstream.IdleTimeout <= TimeSpan.Zero)
        {
            failures.Add("Completion:Upstream:IdleTimeout must be positive.");
        }

        ProviderOptionsValidation.Validate(options, failures);

        if (options.Cache.DefaultTtl <= TimeSpan.Zero)
        {
            failures.Add("Completion:Cache:DefaultTtl must be positive.");
        }

        foreach (var (tenant, settings) in options.Cache.Tenants)
        {
            if (settings.DefaultTtl is { } tenantTtl && (tenantTtl <= TimeSpan.Zero || tenantTtl > options.Cache.MaxTtl))
            {
                failures.Add($"Completion:Cache:Tenants:{tenant}:DefaultTtl must be positive and at most Completion:Cache:MaxTtl.");
            }

            if (settings.SemanticThreshold is < 0.5 or > 1)
            {
                failures.Add($"Completion:Cache:Tenants:{tenant}:SemanticThreshold must be from 0.5 to 1; lower values would serve answers to unrelated prompts.");
            }
        }

        if (options.Cache.MaxTtl < options.Cache.DefaultTtl)
        {
            failures.Add("Completion:Cache:MaxTtl must be at least Completion:Cache:DefaultTtl.");
        }

        if (options.DefaultMaxOutputTokens <= 0)
        {
            failures.Add("Completion:DefaultMaxOutputTokens must be positive.");
        }

        foreach (var (model, policy) in options.Models)
        {
            if (policy.DefaultMaxOutputTokens is <= 0)
            {
                failures.Add($"Completion:Models:{model}:DefaultMaxOutputTokens must be positive.");
            }

            for (var i = 0; i < policy.Alternatives.Count; i++)
            {
                var alternative = policy.Alternatives[i];
                if (string.IsNullOrWhiteSpace(alternative.Model) && alternative.MaxTokens is null)
                {
                    failures.Add($"Completion:Models:{model}:Alternatives:{i} must set Model, MaxTokens or both.");
                }

                if (alternative.MaxTokens is <= 0)
                {
                    failures.Add($"Completion:Models:{model}:Alternatives:{i}:MaxTokens must be positive.");
                }
            }
        }

        foreach (var (scope, policies) in new[] { ("Tenants", options.RateLimits.Tenants), ("Keys", options.RateLimits.Keys) })
        {
            foreach (var (id, policy) in policies)
            {
                if (!Guid.TryParse(id, out _))
                {
                    failures.Add($"Completion:RateLimits:{scope}:{id} must be keyed by a {(scope == "Tenants" ? "tenant" : "key")} id (a GUID).");
                }

                ValidateRateLimit(failures, $"Completion:RateLimits:{scope}:{id}", policy);
            }
        }

        ValidateRateLimit(failures, "Completion:RateLimits:Default", options.RateLimits.Default);

        if (options.Batch.MaxItems is < 1 or > 10_000)
        {
            failures.Add("Completion:Batch:MaxItems must be from 1 to 10000.");
        }

        if (options.Batch.MaxConcurrency is < 1 or > 256)
        {
            failures.Add("Completion:Batch:MaxConcurrency must be from 1 to 256.");
        }

        if (options.Jobs.Workers is < 0 or > 256)
        {
            failures.Add("Completion:Jobs:Workers must be from 0 to 256.");
        }

        if (options.Jobs.ResultTtl <= TimeSpan.Zero)
        {
            failures.Add("Completion:Jobs:ResultTtl must be positive.");
        }

        if (options.Jobs.WorkerTimeout < TimeSpan.FromSeconds(5))
        {
            failures.Add("Completion:Jobs:WorkerTimeout must be at least 5 seconds.");
        }

        if (options.EmbeddingSearchBaseAddress is { IsAbsoluteUri: false })
        {
            failures.Add("Completion:EmbeddingSearchBaseAddress must be an absolute URL such as http://embedding-search.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateRateLimit(List<string> failures, string key, RateLimitPolicy policy)
    {
        if (policy.RequestsPerMinute < 0)
        {
            failures.Add($"{key}:RequestsPerMinute must not be negative (0 means no limit).");
        }

        if (policy.TokensPerMinute < 0)
        {
            failures.Add($"{key}:TokensPerMinute must not be negative (0 means no limit).");
        }
    }
}
