using System.Net;
using System.Net.Http.Json;
using AspireAi.Billing.Budgets;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Time.Testing;

namespace AspireAi.Billing.Tests.Budgets;

public sealed class BudgetLifecycleTests(PostgresServer server)
{
    [Fact]
    public async Task Reserve_AfterMonthRollsOver_AdmitsKeyBlockedLastMonth()
    {
        // A date in the future, so the counters' Redis expiry times lie ahead of the real clock.
        var time = new FakeTimeProvider(new DateTimeOffset(2099, 1, 31, 23, 58, 0, TimeSpan.Zero));
        await using var app = new BillingApp(await server.CreateDatabaseAsync(), time);
        await app.StartAsync();
        var (tenant, key) = await app.CreateTenantWithKeyAsync();
        await BudgetClient.CreateBudgetAsync(app, tenant.Id, new { key_id = key.Id, period = "monthly", limit_usd = 0.10m, enforcement = "hard" });

        var first = await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.10m);
        await BudgetClient.RecordTenCentsAsync(app, tenant.Id, key.Id, first.Reservation!.RequestId, time.GetUtcNow());
        var blocked = await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.01m);
        time.Advance(TimeSpan.FromMinutes(3));
        var nextMonth = await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.01m);

        Assert.True(first.IsAdmitted);
        Assert.False(blocked.IsAdmitted);
        Assert.Equal(new DateTimeOffset(2099, 2, 1, 0, 0, 0, TimeSpan.Zero), blocked.Refusal!.PeriodEnd);
        Assert.True(nextMonth.IsAdmitted);
    }

    [Fact]
    public async Task Reset_BudgetUsedUp_ClearsStoredAndCachedSpend()
    {
        await using var app = new BillingApp(await server.CreateDatabaseAsync());
        await app.StartAsync();
        var (tenant, key) = await app.CreateTenantWithKeyAsync();
        var budget = await BudgetClient.CreateBudgetAsync(app, tenant.Id, new { period = "daily", limit_usd = 0.10m, enforcement = "hard" });
        var first = await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.10m);
        await BudgetClient.RecordTenCentsAsync(app, tenant.Id, key.Id, first.Reservation!.RequestId);
        Assert.False((await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.10m)).IsAdmitted);

        using var admin = app.CreateAdminClient();
        using var reset = await admin.PostAsync($"/admin/budgets/{budget.Id}/reset", null, TestContext.Current.CancellationToken);
        var afterReset = (await reset.Content.ReadFromJsonAsync<BudgetResponse>(BillingJson.Options, TestContext.Current.CancellationToken))!;
        var retry = await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.10m);

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(0m, afterReset.Current.Spend);
        Assert.NotNull(afterReset.ResetAt);
        Assert.True(retry.IsAdmitted);
        Assert.Equal(0.10m, await BudgetClient.StoredSpendAsync(app, tenant.Id));
    }

    [Fact]
    public async Task Update_LowerLimit_AppliesToNextReservation()
    {
        await using var app = new BillingApp(await server.CreateDatabaseAsync());
        await app.StartAsync();
        var (tenant, key) = await app.CreateTenantWithKeyAsync();
        var budget = await BudgetClient.CreateBudgetAsync(app, tenant.Id, new { period = "monthly", limit_usd = 5m, enforcement = "hard" });
        Assert.True((await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.50m)).IsAdmitted);

        using var admin = app.CreateAdminClient();
        using var update = await admin.PutAsJsonAsync(
            $"/admin/budgets/{budget.Id}", new { limit_usd = 0.75m, enforcement = "hard" }, BillingJson.Options, TestContext.Current.CancellationToken);
        var refused = await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.50m);

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.False(refused.IsAdmitted);
        Assert.Equal(0.75m, refused.Refusal!.Limit);
        Assert.Equal(0.50m, refused.Refusal.Reserved);
    }

    [Fact]
    public async Task Reserve_SoftBudgetOverLimit_AdmitsAndAlertsOncePerThreshold()
    {
        await using var app = new BillingApp(await server.CreateDatabaseAsync());
        await app.StartAsync();
        var (tenant, key) = await app.CreateTenantWithKeyAsync();
        var budget = await BudgetClient.CreateBudgetAsync(
            app, tenant.Id, new { period = "monthly", limit_usd = 0.20m, enforcement = "soft", alert_thresholds = new[] { 50, 100 } });

        for (var i = 0; i < 4; i++)
        {
            var reservation = await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.10m);
            Assert.True(reservation.IsAdmitted);
            await BudgetClient.RecordTenCentsAsync(app, tenant.Id, key.Id, reservation.Reservation!.RequestId);
        }

        var alerts = await app.QueryScalarAsync<long>("SELECT count(*) FROM budget_alerts WHERE budget_id = @id", ("id", budget.Id));
        var fullAlerts = await app.QueryScalarAsync<long>("SELECT count(*) FROM budget_alerts WHERE budget_id = @id AND threshold = 100", ("id", budget.Id));
        Assert.Equal(2, alerts);
        Assert.Equal(1, fullAlerts);
        Assert.Equal(0.40m, (await BudgetClient.GetBudgetAsync(app, budget.Id)).Current.Spend);
    }

    [Fact]
    public async Task Reserve_UnpricedModelUnderHardBudget_IsRejected()
    {
        await using var app = new BillingApp(await server.CreateDatabaseAsync());
        await app.StartAsync();
        var (tenant, key) = await app.CreateTenantWithKeyAsync();
        await BudgetClient.CreateBudgetAsync(app, tenant.Id, new { period = "monthly", limit_usd = 5m, enforcement = "hard" });
        var client = new BillingApiClient(app.CreateInternalClient());

        var result = await client.ReserveBudgetAsync(
            new BudgetReservationRequest(BudgetClient.NewRequestId(), tenant.Id, key.Id, "openai", "model-without-price", 0.01m),
            TestContext.Current.CancellationToken);

        Assert.False(result.IsAdmitted);
        Assert.Equal("aspireai_model_unpriced", result.Refusal!.Code);
        Assert.Contains("model-without-price", result.Refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reserve_NoBudget_AdmitsWithoutHolds()
    {
        await using var app = new BillingApp(await server.CreateDatabaseAsync());
        await app.StartAsync();
        var (tenant, key) = await app.CreateTenantWithKeyAsync();

        var result = await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 1000m);

        Assert.True(result.IsAdmitted);
        Assert.Empty(result.Reservation!.BudgetIds);
    }

    [Fact]
    public async Task Release_ReservationOfFailedRequest_FreesItsAmount()
    {
        await using var app = new BillingApp(await server.CreateDatabaseAsync());
        await app.StartAsync();
        var (tenant, key) = await app.CreateTenantWithKeyAsync();
        await BudgetClient.CreateBudgetAsync(app, tenant.Id, new { key_id = key.Id, period = "daily", limit_usd = 0.10m, enforcement = "hard" });
        var held = await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.10m);
        Assert.False((await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.10m)).IsAdmitted);

        await new BillingApiClient(app.CreateInternalClient()).ReleaseBudgetAsync(held.Reservation!, TestContext.Current.CancellationToken);

        Assert.True((await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.10m)).IsAdmitted);
    }

    [Fact]
    public async Task Settle_ActualCostBelowEstimate_FreesTheDifference()
    {
        await using var app = new BillingApp(await server.CreateDatabaseAsync());
        await app.StartAsync();
        var (tenant, key) = await app.CreateTenantWithKeyAsync();
        var budget = await BudgetClient.CreateBudgetAsync(app, tenant.Id, new { period = "daily", limit_usd = 1m, enforcement = "hard" });
        var held = await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.90m);

        await new BillingApiClient(app.CreateInternalClient()).SettleBudgetAsync(
            new BudgetSettlement(held.Reservation!, 0.10m), TestContext.Current.CancellationToken);

        Assert.Equal(0.10m, (await BudgetClient.GetBudgetAsync(app, budget.Id)).Current.Reserved);
        Assert.True((await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.80m)).IsAdmitted);
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o","period":"monthly","limit_usd":5,"enforcement":"hard"}""", "model")]
    [InlineData("""{"period":"weekly","limit_usd":5,"enforcement":"hard"}""", "period")]
    [InlineData("""{"period":"monthly","limit_usd":0,"enforcement":"hard"}""", "limit_usd")]
    [InlineData("""{"period":"monthly","limit_usd":5000000,"enforcement":"hard"}""", "limit_usd")]
    [InlineData("""{"period":"monthly","limit_usd":5,"enforcement":"strict"}""", "enforcement")]
    [InlineData("""{"period":"monthly","limit_usd":5,"enforcement":"hard","alert_thresholds":[0]}""", "alert_thresholds")]
    [InlineData("""{"key_id":"0195f3a0-0000-7000-8000-000000000000","period":"monthly","limit_usd":5,"enforcement":"hard"}""", "key_id")]
    public async Task Create_InvalidField_Returns400NamingIt(string body, string field)
    {
        await using var app = new BillingApp(await server.CreateDatabaseAsync());
        await app.StartAsync();
        var (tenant, _) = await app.CreateTenantWithKeyAsync();
        using var admin = app.CreateAdminClient();

        using var response = await admin.PostAsync(
            $"/admin/tenants/{tenant.Id}/budgets",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem!.Errors.ContainsKey(field), $"The errors do not name {field}: {string.Join(", ", problem.Errors.Keys)}.");
    }

    [Fact]
    public async Task SetTimeZone_UnknownZone_Returns400()
    {
        await using var app = new BillingApp(await server.CreateDatabaseAsync());
        await app.StartAsync();
        var (tenant, _) = await app.CreateTenantWithKeyAsync();
        using var admin = app.CreateAdminClient();

        using var response = await admin.PutAsJsonAsync(
            $"/admin/tenants/{tenant.Id}/time-zone", new { time_zone = "Mars/Olympus" }, BillingJson.Options, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
