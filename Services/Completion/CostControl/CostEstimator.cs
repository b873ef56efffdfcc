using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.BillingClient;
using AspireAi.Completion.Chat;
using AspireAi.Completion.Providers;
using AspireAi.Completion.Usage;
using AspireAi.Tokenization;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.CostControl;

/// <summary>A cost estimate made before the provider is called.</summary>
/// <param name="Model">The model priced.</param>
/// <param name="InputTokens">Prompt tokens: the text counted with the model family's tokenizer, plus an upper estimate for images and PDF files.</param>
/// <param name="MaxOutputTokens">The most output tokens the request allows, for every choice together.</param>
/// <param name="Cost">The highest cost the request can have in US dollars, or <see langword="null"/> when the model has no price.</param>
public sealed record CostEstimate(string Model, long InputTokens, long MaxOutputTokens, decimal? Cost)
{
    /// <summary>The tokens that rate limits count at admission.</summary>
    public long TotalTokens => InputTokens + MaxOutputTokens;
}

/// <summary>Estimates a chat request's cost from its prompt tokens, its images and files, and its output limit.</summary>
public sealed class CostEstimator(PriceBook prices, ProviderCatalog catalog, IOptions<CompletionOptions> options)
{

    /// <summary>Estimates the highest cost of a request.</summary>
    /// <param name="provider">The provider that will serve it, for the price lookup.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels a price refresh.</param>
    /// <returns>The estimate.</returns>
    public async Task<CostEstimate> EstimateAsync(string provider, ChatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Images and files count by the rule of each API that a deployment of the model speaks, and the larger count wins.
        var kinds = catalog.KindsOf(request.Model);
        var anthropic = kinds.Contains(ProviderKind.Anthropic);
        var openAi = kinds.Count == 0 || kinds.Any(kind => kind != ProviderKind.Anthropic);
        var input = TokenCounter.Shared.CountChat(request.Model, request.PromptText()) + MediaTokenEstimate.Count(request.Body, openAi, anthropic);
        var output = (long)MaxOutputTokens(request) * Choices(request.Body);

        ModelPrice? price;
        try
        {
            price = await prices.FindAsync(provider, request.Model, cancellationToken);
        }
        catch (HttpRequestException)
        {
            price = null;
        }

        var cost = price is null ? (decimal?)null : PriceCalculator.Calculate(price, input, 0, output);
        return new CostEstimate(request.Model, input, output, cost);
    }

    /// <summary>Returns the request's output-token limit, or the model's default when it sets none.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The limit per choice.</returns>
    public int MaxOutputTokens(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        foreach (var field in new[] { "max_completion_tokens", "max_tokens" })
        {
            if (request.Body[field] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out int limit) && limit > 0)
            {
                return limit;
            }
        }

        var settings = options.Value;
        return settings.Models.TryGetValue(request.Model, out var policy) && policy.DefaultMaxOutputTokens is { } modelDefault
            ? modelDefault
            : settings.DefaultMaxOutputTokens;
    }

    private static int Choices(JsonObject body) =>
        body["n"] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out int n) && n > 1 ? n : 1;
}
