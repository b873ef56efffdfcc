namespace AspireAi.Completion.Providers;

/// <summary>The wire protocol and URL scheme of a provider.</summary>
public enum ProviderKind
{
    /// <summary>OpenAI's API: <c>{BaseUrl}/chat/completions</c> with a bearer key.</summary>
    OpenAI,

    /// <summary>Azure OpenAI: <c>{BaseUrl}/openai/deployments/{Model}/chat/completions?api-version=…</c> with an <c>api-key</c> header.</summary>
    AzureOpenAI,

    /// <summary>Any server that speaks OpenAI's chat API (Ollama, vLLM, llama.cpp server, LM Studio, the provider emulator).</summary>
    OpenAICompatible,

    /// <summary>Anthropic's Messages API: <c>{BaseUrl}/v1/messages</c> with an <c>x-api-key</c> header.</summary>
    Anthropic,
}

/// <summary>One provider account that deployments point at, keyed by a name of the operator's choice.</summary>
public sealed class ProviderEndpointOptions
{
    /// <summary>The wire protocol.</summary>
    public ProviderKind Kind { get; set; } = ProviderKind.OpenAICompatible;

    /// <summary>
    /// The base URL: for OpenAI and compatible servers the part before <c>/chat/completions</c> (such as
    /// <c>https://api.openai.com/v1</c>); for Azure the resource URL (<c>https://NAME.openai.azure.com</c>);
    /// for Anthropic the part before <c>/v1/messages</c> (<c>https://api.anthropic.com</c>).
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The provider's API key; empty for servers that need none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The Azure OpenAI <c>api-version</c> query value.</summary>
    public string ApiVersion { get; set; } = "2024-10-21";

    /// <summary>The Anthropic <c>anthropic-version</c> header value.</summary>
    public string AnthropicVersion { get; set; } = "2023-06-01";

    /// <summary>The provider name recorded in the ledger, used for prices and in <c>gen_ai.system</c>; the entry's key when empty.</summary>
    public string? LedgerName { get; set; }
}

/// <summary>One place that serves a model: a provider and the model or deployment name it knows the model by.</summary>
public sealed class ModelDeploymentOptions
{
    /// <summary>The key of an entry in <c>Completion:Providers</c>.</summary>
    public string Provider { get; set; } = string.Empty;

    /// <summary>The model name sent to the provider (the deployment name on Azure); the requested model when empty.</summary>
    public string? Model { get; set; }

    /// <summary>The share of requests this deployment gets among the model's deployments; 0 takes it out of rotation.</summary>
    public int Weight { get; set; } = 1;
}

/// <summary>Retries and the circuit breaker of provider calls.</summary>
public sealed class ProviderResilienceOptions
{
    /// <summary>How many times one deployment is called again after a 408, 429, 5xx, timeout or connection failure.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first backoff delay; each retry doubles it, with random jitter of up to half of it added.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest backoff delay.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest Retry-After the gateway waits for; a longer one moves on to the next deployment or ends the request.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many failures in a row (5xx, timeouts, connection failures) open a deployment's circuit.</summary>
    public int CircuitBreakerFailures { get; set; } = 5;

    /// <summary>How long an open circuit skips its deployment before one trial call is let through.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
