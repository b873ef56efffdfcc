using AspireAi.Billing.Security;
using AspireAi.Billing.Tenants;
using AspireAi.BillingClient;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace AspireAi.Billing.Budgets;

/// <summary>Maps the admin routes for budgets and the internal reservation routes that gateways call.</summary>
internal static class BudgetEndpoints
{
    public static IEndpointRouteBuilder MapBudgetEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin")
            .RequireAdminKey()
            .RequireDatabaseReady()
            .WithTags("Budgets");

        admin.MapPost("/tenants/{tenantId:guid}/budgets", CreateBudgetAsync)
            .WithName("CreateBudget")
            .WithSummary("Creates a daily or monthly budget for a tenant, one of its keys, or one model through a key. It applies to the next request.");

        admin.MapGet("/tenants/{tenantId:guid}/budgets", ListBudgetsAsync)
            .WithName("ListBudgets")
            .WithSummary("Lists a tenant's budgets with the spend of their current period.");

        admin.MapGet("/budgets/{budgetId:guid}", GetBudgetAsync)
            .WithName("GetBudget")
            .WithSummary("Returns one budget with the spend and reservations of its current period.");

        admin.MapPut("/budgets/{budgetId:guid}", UpdateBudgetAsync)
            .WithName("UpdateBudget")
            .WithSummary("Changes a budget's limit, enforcement and alert thresholds. It applies to the next request.");

        admin.MapDelete("/budgets/{budgetId:guid}", DeleteBudgetAsync)
            .WithName("DeleteBudget")
            .WithSummary("Deletes a budget.");

        admin.MapPost("/budgets/{budgetId:guid}/reset", ResetBudgetAsync)
            .WithName("ResetBudget")
            .WithSummary("Starts the budget's spend in the current period again from zero, in the ledger's sums and in the shared counter.");

        admin.MapPut("/tenants/{tenantId:guid}/time-zone", SetTimeZoneAsync)
            .WithName("SetTenantTimeZone")
            .WithSummary("Sets the time zone in which the tenant's budget periods start. The default is UTC.");

        var internalGroup = app.MapGroup(string.Empty)
            .RequireInternalKey()
            .RequireDatabaseReady()
            .WithTags("Budgets");

        internalGroup.MapPost(BillingRoutes.BudgetReservations, ReserveAsync)
            .WithName("ReserveBudget")
            .WithSummary("Holds a request's estimated cost on every budget that applies, or answers 402 with the budget that has no room.");

        internalGroup.MapPost(BillingRoutes.SettleBudgetReservation, SettleAsync)
            .WithName("SettleBudgetReservation")
            .WithSummary("Replaces a reservation's held amount with the request's actual cost until its usage row is recorded.");

        internalGroup.MapPost(BillingRoutes.ReleaseBudgetReservation, ReleaseAsync)
            .WithName("ReleaseBudgetReservation")
            .WithSummary("Drops the reservation of a request that used nothing.");

        return app;
    }

    private static async Task<Results<Created<BudgetResponse>, ValidationProblem, ProblemHttpResult>> CreateBudgetAsync(
        Guid tenantId,
        CreateBudgetRequest request,
        BudgetStore store,
        BudgetService budgets,
        ILogger<BudgetService> logger,
        CancellationToken cancellationToken)
    {
        var (errors, definition) = BudgetRules.Validate(request);
        if (definition?.KeyId is { } keyId && await store.CheckKeyAsync(tenantId, keyId, cancellationToken) is { } keyProblem)
        {
            errors["key_id"] = [keyProblem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var budget = await store.CreateAsync(tenantId, definition!, cancellationToken);
        if (budget is null)
        {
            return TenantEndpoints.TenantNotFound(tenantId);
        }

        Log.BudgetCreated(logger, budget.Id, budget.Scope, Name(budget.Period), Name(budget.Enforcement), budget.LimitUsd, tenantId);
        return TypedResults.Created($"/admin/budgets/{budget.Id}", await ToResponseAsync(budget, budgets, cancellationToken));
    }

    private static async Task<Results<Ok<IReadOnlyList<BudgetResponse>>, ProblemHttpResult>> ListBudgetsAsync(
        Guid tenantId, BudgetStore store, TenantStore tenants, BudgetService budgets, CancellationToken cancellationToken)
    {
        if (!await tenants.ExistsAsync(tenantId, cancellationToken))
        {
            return TenantEndpoints.TenantNotFound(tenantId);
        }

        var responses = new List<BudgetResponse>();
        foreach (var budget in await store.ListAsync(tenantId, cancellationToken))
        {
            responses.Add(await ToResponseAsync(budget, budgets, cancellationToken));
        }

        return TypedResults.Ok<IReadOnlyList<BudgetResponse>>(responses);
    }

    private static async Task<Results<Ok<BudgetResponse>, ProblemHttpResult>> GetBudgetAsync(
        Guid budgetId, BudgetStore store, BudgetService budgets, CancellationToken cancellationToken)
    {
        var budget = await store.FindAsync(budgetId, cancellationToken);
        return budget is null ? BudgetNotFound(budgetId) : TypedResults.Ok(await ToResponseAsync(budget, budgets, cancellationToken));
    }

    private static async Task<Results<Ok<BudgetResponse>, ValidationProblem, ProblemHttpResult>> UpdateBudgetAsync(
        Guid budgetId, UpdateBudgetRequest request, BudgetStore store, BudgetService budgets, CancellationToken cancellationToken)
    {
        var current = await store.FindAsync(budgetId, cancellationToken);
        if (current is null)
        {
            return BudgetNotFound(budgetId);
        }

        var (errors, definition) = BudgetRules.Validate(request, current);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var updated = await store.UpdateAsync(budgetId, definition!, cancellationToken);
        return updated is null ? BudgetNotFound(budgetId) : TypedResults.Ok(await ToResponseAsync(updated, budgets, cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteBudgetAsync(
        Guid budgetId, BudgetStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(budgetId, cancellationToken) ? TypedResults.NoContent() : BudgetNotFound(budgetId);

    private static async Task<Results<Ok<BudgetResponse>, ProblemHttpResult>> ResetBudgetAsync(
        Guid budgetId, BudgetService budgets, CancellationToken cancellationToken)
    {
        var budget = await budgets.ResetAsync(budgetId, cancellationToken);
        return budget is null ? BudgetNotFound(budgetId) : TypedResults.Ok(await ToResponseAsync(budget, budgets, cancellationToken));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetTimeZoneAsync(
        Guid tenantId, SetTimeZoneRequest request, BudgetStore store, CancellationToken cancellationToken)
    {
        var id = request.TimeZone?.Trim();
        if (string.IsNullOrEmpty(id) || BudgetPeriods.FindTimeZone(id) is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["time_zone"] = [$"time_zone '{request.TimeZone}' is not a known time zone. Use an IANA id such as Europe/Paris or America/New_York, or UTC."],
            });
        }

        return await store.SetTimeZoneAsync(tenantId, id, cancellationToken) ? TypedResults.NoContent() : TenantEndpoints.TenantNotFound(tenantId);
    }

    private static async Task<Results<Ok<BudgetReservation>, JsonHttpResult<BudgetRefusal>, ValidationProblem, ProblemHttpResult>> ReserveAsync(
        BudgetReservationRequest request, BudgetService budgets, ILogger<BudgetService> logger, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.RequestId) || request.RequestId.Length > 200)
        {
            errors["request_id"] = ["request_id is required and must be at most 200 characters."];
        }

        if (request.TenantId == Guid.Empty)
        {
            errors["tenant_id"] = ["tenant_id is required."];
        }

        if (request.KeyId == Guid.Empty)
        {
            errors["key_id"] = ["key_id is required."];
        }

        if (string.IsNullOrWhiteSpace(request.Model))
        {
            errors["model"] = ["model is required."];
        }

        if (request.EstimatedCost < 0m || request.EstimatedCost > BudgetRules.MaxLimitUsd)
        {
            errors["estimated_cost"] = [$"estimated_cost must be from 0 to {BudgetRules.MaxLimitUsd} US dollars. It is {request.EstimatedCost}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        BudgetReservationResult result;
        try
        {
            result = await budgets.ReserveAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            Log.BudgetCounterUnavailable(logger, request.RequestId, exception);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Budget counters are unavailable.",
                detail: "Redis, which holds the shared budget counters, did not answer. Retry shortly.");
        }

        return result.Reservation is { } reservation
            ? TypedResults.Ok(reservation)
            : TypedResults.Json(result.Refusal!, statusCode: StatusCodes.Status402PaymentRequired);
    }

    private static async Task<NoContent> SettleAsync(BudgetSettlement settlement, BudgetService budgets, CancellationToken cancellationToken)
    {
        await budgets.SettleReservationAsync(settlement, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> ReleaseAsync(BudgetReservation reservation, BudgetService budgets, CancellationToken cancellationToken)
    {
        await budgets.ReleaseReservationAsync(reservation, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<BudgetResponse> ToResponseAsync(Budget budget, BudgetService budgets, CancellationToken cancellationToken) => new(
        budget.Id,
        budget.TenantId,
        budget.KeyId,
        budget.Model,
        budget.Scope,
        Name(budget.Period),
        budget.LimitUsd,
        Name(budget.Enforcement),
        budget.AlertThresholds,
        budget.ResetAt,
        budget.TimeZone,
        await budgets.GetStatusAsync(budget, cancellationToken));

    private static string Name(BudgetPeriod period) => period == BudgetPeriod.Daily ? "daily" : "monthly";

    private static string Name(BudgetEnforcement enforcement) => enforcement == BudgetEnforcement.Hard ? "hard" : "soft";

    private static ProblemHttpResult BudgetNotFound(Guid budgetId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Budget not found.",
        detail: $"No budget has id {budgetId}. List a tenant's budgets with GET /admin/tenants/{{tenantId}}/budgets.");
}
