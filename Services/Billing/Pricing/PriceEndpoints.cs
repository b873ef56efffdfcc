using AspireAi.Billing.Security;
using AspireAi.BillingClient;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.Billing.Pricing;

/// <summary>Maps the internal price list.</summary>
internal static class PriceEndpoints
{
    public static IEndpointRouteBuilder MapPriceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(string.Empty)
            .RequireInternalKey()
            .RequireDatabaseReady()
            .WithTags("Prices");

        group.MapGet(BillingRoutes.Prices, ListPricesInEffectAsync)
            .WithName("ListPricesInEffect")
            .WithSummary("Lists the price of every provider and model in effect today (UTC).");

        return app;
    }

    private static async Task<Ok<IReadOnlyList<ModelPrice>>> ListPricesInEffectAsync(
        PriceStore prices, TimeProvider time, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return TypedResults.Ok(await prices.ListInEffectAsync(today, cancellationToken));
    }
}
