using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Completion.Chat;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.CostControl;

/// <summary>The request to send after the cost cap was applied, and its estimate.</summary>
/// <param name="Request">The request as it will be sent: the original or a cheaper alternative.</param>
/// <param name="Estimate">The estimate of that request.</param>
/// <param name="Alternative">A description of the alternative used, or <see langword="null"/> for the original.</param>
public sealed record CostPlan(ChatRequest Request, CostEstimate Estimate, string? Alternative);

/// <summary>
/// Applies a request's cost cap: when the estimate is above the cap, tries the model's configured
/// alternatives in order and picks the first that fits, or refuses with the estimate and the cap.
/// </summary>
public sealed class CostPlanner(CostEstimator estimator, IOptions<CompletionOptions> options)
{
    /// <summary>The request header that sets a cost cap in US dollars.</summary>
    public const string MaxCostHeader = "x-aspireai-max-cost";

    /// <summary>Plans a request.</summary>
    /// <param name="provider">The provider, for prices.</param>
    /// <param name="request">The request.</param>
    /// <param name="cap">The cost cap in US dollars, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels price lookups.</param>
    /// <returns>The plan, or a refusal.</returns>
    public async Task<(CostPlan? Plan, ChatOutcome? Refusal)> PlanAsync(string provider, ChatRequest request, decimal? cap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var estimate = await estimator.EstimateAsync(provider, request, cancellationToken);
        if (cap is null || (estimate.Cost is { } cost && cost <= cap))
        {
            return (new CostPlan(request, estimate, null), null);
        }

        var tried = new List<string> { Describe(estimate) };
        if (options.Value.Models.TryGetValue(request.Model, out var policy))
        {
            foreach (var alternative in policy.Alternatives)
            {
                var candidate = Apply(request, alternative);
                var candidateEstimate = await estimator.EstimateAsync(provider, candidate, cancellationToken);
                if (candidateEstimate.Cost is { } candidateCost && candidateCost <= cap)
                {
                    return (new CostPlan(candidate, candidateEstimate, DescribeAlternative(alternative, candidate)), null);
                }

                tried.Add(Describe(candidateEstimate));
            }
        }

        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"The request cannot be served within its cost cap of ${cap}: {string.Join("; ", tried)}. Raise the cap, lower max_tokens, choose a cheaper or priced model, or configure cheaper alternatives for {request.Model}.");
        return (null, ChatOutcome.Error(StatusCodes.Status402PaymentRequired, message, "insufficient_quota", "aspireai_cost_cap_exceeded", "gateway"));
    }

    /// <summary>Reads the cap from the header or the body's <c>aspireai.max_cost</c> field.</summary>
    /// <param name="request">The HTTP request.</param>
    /// <param name="body">The chat request body; the <c>aspireai</c> field is removed so it never reaches the provider.</param>
    /// <param name="cap">The cap, when one was sent.</param>
    /// <param name="error">What is wrong with the cap, when it is invalid.</param>
    /// <returns>True unless the cap is invalid.</returns>
    public static bool TryReadCap(HttpRequest? request, JsonObject body, out decimal? cap, out string? error)
    {
        ArgumentNullException.ThrowIfNull(body);

        cap = null;
        error = null;
        var extension = body["aspireai"];
        body.Remove("aspireai");

        var headerText = request?.Headers[MaxCostHeader].ToString() ?? string.Empty;
        if (headerText.Length > 0)
        {
            if (!decimal.TryParse(headerText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                error = $"The {MaxCostHeader} header is '{headerText}'; send a positive amount in US dollars, such as 0.01.";
                return false;
            }

            cap = value;
            return true;
        }

        if (extension is JsonObject settings && settings["max_cost"] is JsonNode maxCost)
        {
            if (maxCost.GetValueKind() != JsonValueKind.Number || !maxCost.AsValue().TryGetValue(out decimal value) || value <= 0)
            {
                error = "'aspireai.max_cost' must be a positive amount in US dollars, such as 0.01.";
                return false;
            }

            cap = value;
        }

        return true;
    }

    private static ChatRequest Apply(ChatRequest request, CostAlternativeOptions alternative)
    {
        var body = request.Body.DeepClone().AsObject();
        var model = string.IsNullOrWhiteSpace(alternative.Model) ? request.Model : alternative.Model;
        body["model"] = model;
        if (alternative.MaxTokens is { } maxTokens)
        {
            // The alternative's limit replaces both spellings, so the provider sees one.
            var field = body.ContainsKey("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
            body.Remove("max_completion_tokens");
            body.Remove("max_tokens");
            body[field] = maxTokens;
        }

        return request with { Body = body, Model = model };
    }

    private static string Describe(CostEstimate estimate) => estimate.Cost is { } cost
        ? string.Create(CultureInfo.InvariantCulture, $"{estimate.Model} with up to {estimate.MaxOutputTokens} output tokens is estimated at ${cost}")
        : $"{estimate.Model} has no price, so its cost cannot be checked against a cap";

    private static string DescribeAlternative(CostAlternativeOptions alternative, ChatRequest candidate) =>
        alternative.MaxTokens is { } maxTokens
            ? string.Create(CultureInfo.InvariantCulture, $"model={candidate.Model}; max_tokens={maxTokens}")
            : $"model={candidate.Model}";
}
