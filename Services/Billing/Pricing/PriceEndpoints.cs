using AspireAi.Billing.Security;
using AspireAi.BillingClient;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.Billing.Pricing;

/// <summary>The body of a request that adds a price. Amounts are US dollars per million tokens.</summary>
/// <param name="Provider">The provider, for example openai or anthropic.</param>
/// <param name="Model">The model name as requests name it.</param>
/// <param name="InputPerMillion">Price of one million input tokens that were not cached.</param>
/// <param name="OutputPerMillion">Price of one million output tokens.</param>
/// <param name="CachedInputPerMillion">Price of one million input tokens read from the provider's prompt cache.</param>
/// <param name="CacheWritePerMillion">Price of one million input tokens written to the provider's prompt cache; 0 when omitted.</param>
/// <param name="EffectiveFrom">The first UTC day the price applies: today or later.</param>
public sealed record CreatePriceRequest(
    string? Provider,
    string? Model,
    decimal? InputPerMillion,
    decimal? OutputPerMillion,
    decimal? CachedInputPerMillion,
    decimal? CacheWritePerMillion,
    DateOnly? EffectiveFrom);

/// <summary>Maps the internal price list and the admin routes that list and add prices.</summary>
internal static class PriceEndpoints
{
    public static IEndpointRouteBuilder MapPriceEndpoints(this IEndpointRouteBuilder app)
    {
        var internalGroup = app.MapGroup(string.Empty)
            .RequireInternalKey()
            .RequireDatabaseReady()
            .WithTags("Prices");

        internalGroup.MapGet(BillingRoutes.Prices, ListPricesInEffectAsync)
            .WithName("ListPricesInEffect")
            .WithSummary("Lists the price of every provider and model in effect today (UTC).");

        var admin = app.MapGroup("/admin/prices")
            .RequireAdminKey()
            .RequireDatabaseReady()
            .WithTags("Prices");

        admin.MapGet("/", ListPricesAsync)
            .WithName("ListPrices")
            .WithSummary("Lists every stored price with its effective date, optionally of one provider or model.");

        admin.MapPost("/", AddPriceAsync)
            .WithName("AddPrice")
            .WithSummary("Adds a price from an effective date (today or later, UTC). Amounts are US dollars per million tokens.");

        return app;
    }

    private static async Task<Ok<IReadOnlyList<ModelPrice>>> ListPricesInEffectAsync(
        PriceStore prices, TimeProvider time, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return TypedResults.Ok(await prices.ListInEffectAsync(today, cancellationToken));
    }

    private static async Task<Ok<IReadOnlyList<ModelPrice>>> ListPricesAsync(
        PriceStore prices, CancellationToken cancellationToken, string? provider = null, string? model = null) =>
        TypedResults.Ok(await prices.ListAllAsync(NullIfBlank(provider), NullIfBlank(model), cancellationToken));

    private static async Task<Results<Created<ModelPrice>, ValidationProblem, ProblemHttpResult>> AddPriceAsync(
        CreatePriceRequest request, PriceStore prices, TimeProvider time, ILogger<PriceStore> logger, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var errors = Validate(request, today);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var price = new ModelPrice(
            request.Provider!.Trim(),
            request.Model!.Trim(),
            request.InputPerMillion!.Value,
            request.OutputPerMillion!.Value,
            request.CachedInputPerMillion!.Value,
            request.EffectiveFrom!.Value,
            request.CacheWritePerMillion ?? 0m);
        if (!await prices.TryAddAsync(price, cancellationToken))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "A price with this effective date exists.",
                detail: $"{price.Provider}/{price.Model} already has a price from {price.EffectiveFrom:yyyy-MM-dd}. Stored prices never change; add a price with a later effective_from.");
        }

        Log.PriceAdded(logger, price.Provider, price.Model, price.EffectiveFrom);
        var query = $"?provider={Uri.EscapeDataString(price.Provider)}&model={Uri.EscapeDataString(price.Model)}";
        return TypedResults.Created("/admin/prices" + query, price);
    }

    private static Dictionary<string, string[]> Validate(CreatePriceRequest request, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        ValidateName(request.Provider, "provider", errors);
        ValidateName(request.Model, "model", errors);

        AddIfInvalid(errors, "input_per_million", PriceRules.ValidateAmount(request.InputPerMillion, "input_per_million"));
        AddIfInvalid(errors, "output_per_million", PriceRules.ValidateAmount(request.OutputPerMillion, "output_per_million"));
        AddIfInvalid(errors, "cached_input_per_million", PriceRules.ValidateAmount(request.CachedInputPerMillion, "cached_input_per_million"));
        AddIfInvalid(errors, "cache_write_per_million", PriceRules.ValidateAmount(request.CacheWritePerMillion, "cache_write_per_million", optional: true));
        if (!errors.ContainsKey("cached_input_per_million"))
        {
            AddIfInvalid(
                errors,
                "cached_input_per_million",
                PriceRules.ValidateCachedInput(request.InputPerMillion, request.CachedInputPerMillion, "input_per_million", "cached_input_per_million"));
        }

        if (request.EffectiveFrom is not { } effectiveFrom)
        {
            errors["effective_from"] = ["effective_from is missing. Give the first UTC day of the price, such as 2025-07-01."];
        }
        else if (effectiveFrom < today)
        {
            // Usage of past days is already priced and stored; a past effective date would make the stored
            // costs disagree with the price list.
            errors["effective_from"] = [$"effective_from {effectiveFrom:yyyy-MM-dd} is in the past. Use today ({today:yyyy-MM-dd}, UTC) or a later day."];
        }

        return errors;
    }

    private static void ValidateName(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = [$"{field} is required and must not be blank."];
        }
        else if (value.Trim().Length > PriceRules.MaxNameLength)
        {
            errors[field] = [$"{field} must be at most {PriceRules.MaxNameLength} characters."];
        }
    }

    private static void AddIfInvalid(Dictionary<string, string[]> errors, string field, string? error)
    {
        if (error is not null)
        {
            errors[field] = [error];
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
