namespace AspireAi.ServiceDefaults.GenAi;

/// <summary>Attribute names from the OpenTelemetry GenAI semantic conventions and AspireAi's own.</summary>
public static class GenAiAttributes
{
    /// <summary><c>gen_ai.operation.name</c>: chat, embeddings and so on.</summary>
    public const string OperationName = "gen_ai.operation.name";

    /// <summary><c>gen_ai.system</c>: the provider, such as openai or anthropic.</summary>
    public const string System = "gen_ai.system";

    /// <summary><c>gen_ai.request.model</c>: the model the client asked for.</summary>
    public const string RequestModel = "gen_ai.request.model";

    /// <summary><c>gen_ai.response.model</c>: the model that answered.</summary>
    public const string ResponseModel = "gen_ai.response.model";

    /// <summary><c>gen_ai.usage.input_tokens</c>.</summary>
    public const string InputTokens = "gen_ai.usage.input_tokens";

    /// <summary><c>gen_ai.usage.output_tokens</c>.</summary>
    public const string OutputTokens = "gen_ai.usage.output_tokens";

    /// <summary><c>gen_ai.token.type</c>: input or output.</summary>
    public const string TokenType = "gen_ai.token.type";

    /// <summary><c>aspireai.cache.status</c>: hit, miss or bypass.</summary>
    public const string CacheStatus = "aspireai.cache.status";

    /// <summary><c>aspireai.tenant.id</c>: the tenant that made the call.</summary>
    public const string TenantId = "aspireai.tenant.id";
}
