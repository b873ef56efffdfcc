namespace AspireAi.Completion.Providers;

/// <summary>
/// The names of the gateway's inbound routes that call providers. They key the per-route settings
/// under <c>Completion:Routes</c> and tag each request's provider calls.
/// </summary>
public static class GatewayRoutes
{
    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    public const string ChatCompletions = "chat-completions";

    /// <summary><c>POST /v1/messages</c>, Anthropic's Messages API.</summary>
    public const string Messages = "messages";

    /// <summary>The items of <c>POST /v1/chat/batch</c>.</summary>
    public const string Batch = "batch";

    /// <summary>Asynchronous jobs from <c>POST /v1/jobs</c>, including the items of a batch job.</summary>
    public const string Jobs = "jobs";

    /// <summary><c>POST /v1/embeddings</c> with a provider model.</summary>
    public const string Embeddings = "embeddings";

    /// <summary>Every route name, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [ChatCompletions, Messages, Batch, Jobs, Embeddings];
}
