using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.BillingClient;
using AspireAi.Completion.Chat;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAi.Completion.Caching;

/// <summary>A cached chat completion: the response body and the usage it cost when it was made.</summary>
/// <param name="Body">The chat.completion JSON as the provider returned it.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="InputTokens">Input tokens of the original call.</param>
/// <param name="CachedInputTokens">The cached part of the input tokens.</param>
/// <param name="OutputTokens">Output tokens of the original call.</param>
public sealed record CachedCompletion(string Body, string Model, long InputTokens, long CachedInputTokens, long OutputTokens);

/// <summary>How a request asked the cache to behave, from <c>Cache-Control</c> and <c>x-aspireai-cache-ttl</c>.</summary>
/// <param name="Lookup">False for <c>Cache-Control: no-cache</c>: skip the lookup.</param>
/// <param name="Store">False for <c>Cache-Control: no-store</c>: skip the write.</param>
/// <param name="Ttl">The lifetime of a new entry.</param>
public sealed record CacheDirectives(bool Lookup, bool Store, TimeSpan Ttl)
{
    /// <summary>The header that sets an entry's lifetime in seconds.</summary>
    public const string TtlHeader = "x-aspireai-cache-ttl";

    /// <summary>Returns the directives of a request that sent none, such as a job's: the tenant's defaults.</summary>
    /// <param name="options">The cache settings.</param>
    /// <param name="identity">The caller, whose tenant may have its own defaults.</param>
    /// <returns>The directives.</returns>
    public static CacheDirectives Default(ResponseCacheOptions options, ApiKeyIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(options);

        var (enabled, ttl) = TenantDefaults(options, identity);
        return new CacheDirectives(enabled, enabled, ttl);
    }

    /// <summary>Reads the directives of a request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="options">The cache settings, for the default and maximum lifetime.</param>
    /// <param name="identity">The caller, whose tenant may have its own defaults.</param>
    /// <param name="error">Why the directives are invalid, or <see langword="null"/>.</param>
    /// <returns>The directives.</returns>
    public static CacheDirectives Parse(HttpRequest request, ResponseCacheOptions options, ApiKeyIdentity identity, out string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);

        error = null;
        var (enabled, defaultTtl) = TenantDefaults(options, identity);
        var lookup = enabled;
        var store = enabled;
        foreach (var value in request.Headers.CacheControl)
        {
            foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (part.Equals("no-cache", StringComparison.OrdinalIgnoreCase))
                {
                    lookup = false;
                }
                else if (part.Equals("no-store", StringComparison.OrdinalIgnoreCase))
                {
                    store = false;
                }
            }
        }

        var ttl = defaultTtl;
        var ttlText = request.Headers[TtlHeader].ToString();
        if (ttlText.Length > 0)
        {
            if (!int.TryParse(ttlText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
            {
                error = $"The {TtlHeader} header is '{ttlText}'; send a positive whole number of seconds.";
            }
            else if (TimeSpan.FromSeconds(seconds) > options.MaxTtl)
            {
                error = $"The {TtlHeader} header asks for {seconds} seconds; the maximum is {(long)options.MaxTtl.TotalSeconds}.";
            }
            else
            {
                ttl = TimeSpan.FromSeconds(seconds);
            }
        }

        return new CacheDirectives(lookup, store, ttl);
    }

    private static (bool Enabled, TimeSpan DefaultTtl) TenantDefaults(ResponseCacheOptions options, ApiKeyIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);

        var tenant = options.Tenants.GetValueOrDefault(identity.TenantId.ToString()) ?? options.Tenants.GetValueOrDefault(identity.TenantName);
        return (options.Enabled && (tenant?.Enabled ?? true), tenant?.DefaultTtl ?? options.DefaultTtl);
    }
}

/// <summary>The exact-match response cache in Redis, scoped by tenant through the key.</summary>
public sealed class ResponseCache(IConnectionMultiplexer redis, IOptions<CompletionOptions> options)
{
    private readonly ResponseCacheOptions _options = options.Value.Cache;

    /// <summary>Whether the cache is switched on.</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>Reads an entry.</summary>
    /// <param name="key">The key from <see cref="CacheKey.Compute"/>.</param>
    /// <returns>The entry, or <see langword="null"/> on a miss.</returns>
    public async Task<CachedCompletion?> GetAsync(string key)
    {
        var value = await redis.GetDatabase().StringGetAsync(key);
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CachedCompletion>(value.ToString());
        }
        catch (JsonException)
        {
            // An entry from an incompatible version is a miss; the next write replaces it.
            return null;
        }
    }

    /// <summary>Writes an entry with a lifetime.</summary>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="ttl">The lifetime.</param>
    /// <returns>A task that completes when Redis has the entry.</returns>
    public Task SetAsync(string key, CachedCompletion entry, TimeSpan ttl) =>
        redis.GetDatabase().StringSetAsync(key, JsonSerializer.Serialize(entry), ttl);

    /// <summary>The <see cref="ResponseCacheOptions"/> in effect.</summary>
    public ResponseCacheOptions Options => _options;

    /// <summary>Builds the cache entry for a chat.completion body, or <see langword="null"/> when it should not be cached.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="usage">The usage read from it.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public static CachedCompletion? CreateEntry(JsonObject body, ChatUsage usage)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(usage);

        // An answer cut by a content filter, or with no finish reason at all, is not replayed.
        if (body["choices"] is not JsonArray { Count: > 0 } choices
            || choices.Any(choice => choice?["finish_reason"]?.GetValue<string>() is not ("stop" or "length" or "tool_calls")))
        {
            return null;
        }

        return new CachedCompletion(body.ToJsonString(), usage.Model, usage.InputTokens, usage.CachedInputTokens, usage.OutputTokens);
    }
}
