using System.Net.Http.Json;
using AspireAi.Billing.Budgets;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;

namespace AspireAi.Billing.Tests.Budgets;

/// <summary>Budget calls that the budget tests share: admin calls, reservations and usage records.</summary>
internal static class BudgetClient
{
    /// <summary>gpt-4o input is 2.50 dollars per million tokens, so 40,000 input tokens cost exactly 0.10 dollars.</summary>
    public const long TenCentInputTokens = 40_000;

    public const string Model = "gpt-4o";

    public static async Task<BudgetResponse> CreateBudgetAsync(BillingApp app, Guid tenantId, object body)
    {
        using var admin = app.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync(
            $"/admin/tenants/{tenantId}/budgets", body, BillingJson.Options, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<BudgetResponse>(BillingJson.Options, TestContext.Current.CancellationToken))!;
    }

    public static async Task<BudgetResponse> GetBudgetAsync(BillingApp app, Guid budgetId)
    {
        using var admin = app.CreateAdminClient();
        return (await admin.GetFromJsonAsync<BudgetResponse>($"/admin/budgets/{budgetId}", BillingJson.Options, TestContext.Current.CancellationToken))!;
    }

    public static async Task<BudgetReservationResult> ReserveAsync(BillingApp app, Guid tenantId, Guid keyId, decimal estimatedCost, string? requestId = null)
    {
        var client = new BillingApiClient(app.CreateInternalClient());
        return await client.ReserveBudgetAsync(
            new BudgetReservationRequest(requestId ?? NewRequestId(), tenantId, keyId, "openai", Model, estimatedCost),
            TestContext.Current.CancellationToken);
    }

    /// <summary>Records a gpt-4o usage row of 0.10 dollars for the request.</summary>
    public static async Task<UsageRecorded> RecordTenCentsAsync(BillingApp app, Guid tenantId, Guid keyId, string requestId, DateTimeOffset? occurredAt = null)
    {
        var client = new BillingApiClient(app.CreateInternalClient());
        return await client.RecordUsageAsync(
            new UsageRecord(requestId, tenantId, keyId, "completion", "openai", Model, TenCentInputTokens, 0, 0, false, occurredAt ?? DateTimeOffset.UtcNow),
            TestContext.Current.CancellationToken);
    }

    public static Task<decimal> StoredSpendAsync(BillingApp app, Guid tenantId) =>
        app.QueryScalarAsync<decimal>("SELECT COALESCE(sum(cost), 0) FROM usage_ledger WHERE tenant_id = @tenant_id", ("tenant_id", tenantId));

    public static string NewRequestId() => "req_" + Guid.NewGuid().ToString("N");
}
