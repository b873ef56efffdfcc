using Microsoft.Extensions.Options;

namespace AspireAi.Completion;

/// <summary>The gateway's settings.</summary>
public sealed class CompletionOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Completion";

    /// <summary>The OpenAI-compatible provider that serves chat completions.</summary>
    public UpstreamOptions Upstream { get; set; } = new();

    /// <summary>The response cache's settings.</summary>
    public ResponseCacheOptions Cache { get; set; } = new();

    /// <summary>The embedding-search service, which serves <c>/v1/embeddings</c> and <c>/v1/collections</c> behind the gateway.</summary>
    public Uri? EmbeddingSearchBaseAddress { get; set; }
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

    /// <summary>How long a request may take across all its retries.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(300);
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

        if (options.Cache.DefaultTtl <= TimeSpan.Zero)
        {
            failures.Add("Completion:Cache:DefaultTtl must be positive.");
        }

        if (options.Cache.MaxTtl < options.Cache.DefaultTtl)
        {
            failures.Add("Completion:Cache:MaxTtl must be at least Completion:Cache:DefaultTtl.");
        }

        if (options.EmbeddingSearchBaseAddress is { IsAbsoluteUri: false })
        {
            failures.Add("Completion:EmbeddingSearchBaseAddress must be an absolute URL such as http://embedding-search.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
