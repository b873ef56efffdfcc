using AspireAi.Billing.Tests.Infrastructure;

namespace AspireAi.Billing.Tests.Budgets;

/// <summary>
/// Budgets under concurrency, against real replicas: several billing hosts over one PostgreSQL database and one
/// Garnet server, each called by many clients at once.
/// </summary>
public sealed class BudgetConcurrencyTests(PostgresServer server)
{
    [Fact]
    public async Task Reserve_200ConcurrentThroughTwoReplicas_AdmitsTenAndSpendStaysWithinLimit()
    {
        var database = await server.CreateDatabaseAsync();
        await using var replicaA = new BillingApp(database);
        await using var replicaB = new BillingApp(database);
        await replicaA.StartAsync();
        await replicaB.StartAsync();
        var (tenant, key) = await replicaA.CreateTenantWithKeyAsync();
        var budget = await BudgetClient.CreateBudgetAsync(replicaA, tenant.Id, new { key_id = key.Id, period = "monthly", limit_usd = 1.00m, enforcement = "hard" });

        var attempts = Enumerable.Range(0, 200)
            .Select(i => BudgetClient.ReserveAsync(i % 2 == 0 ? replicaA : replicaB, tenant.Id, key.Id, 0.10m))
            .ToList();
        var results = await Task.WhenAll(attempts);

        var admitted = results.Where(r => r.IsAdmitted).Select(r => r.Reservation!).ToList();
        Assert.Equal(10, admitted.Count);
        Assert.All(results.Where(r => !r.IsAdmitted), r => Assert.Equal("aspireai_budget_exceeded", r.Refusal!.Code));
        Assert.All(results.Where(r => !r.IsAdmitted), r => Assert.Equal(budget.Id, r.Refusal!.BudgetId));

        await Task.WhenAll(admitted.Select((reservation, i) =>
            BudgetClient.RecordTenCentsAsync(i % 2 == 0 ? replicaA : replicaB, tenant.Id, key.Id, reservation.RequestId)));

        var stored = await BudgetClient.StoredSpendAsync(replicaA, tenant.Id);
        var status = (await BudgetClient.GetBudgetAsync(replicaB, budget.Id)).Current;
        Assert.Equal(1.00m, stored);
        Assert.True(status.CounterLoaded);
        Assert.Equal(stored, status.Spend);
        Assert.Equal(0m, status.Reserved);
        Assert.False((await BudgetClient.ReserveAsync(replicaB, tenant.Id, key.Id, 0.01m)).IsAdmitted);
    }

    [Fact]
    public async Task Reserve_ThreeReplicasFindCounterCold_LoadsStoredSpendOnce()
    {
        var database = await server.CreateDatabaseAsync();
        await using var replicaA = new BillingApp(database);
        await using var replicaB = new BillingApp(database);
        await using var replicaC = new BillingApp(database);
        await Task.WhenAll(replicaA.StartAsync(), replicaB.StartAsync(), replicaC.StartAsync());
        var (tenant, key) = await replicaA.CreateTenantWithKeyAsync();
        for (var i = 0; i < 3; i++)
        {
            await BudgetClient.RecordTenCentsAsync(replicaA, tenant.Id, key.Id, BudgetClient.NewRequestId());
        }

        var budget = await BudgetClient.CreateBudgetAsync(replicaA, tenant.Id, new { period = "monthly", limit_usd = 10m, enforcement = "hard" });
        Assert.False(budget.Current.CounterLoaded);

        BillingApp[] replicas = [replicaA, replicaB, replicaC];
        var results = await Task.WhenAll(Enumerable.Range(0, 30)
            .Select(i => BudgetClient.ReserveAsync(replicas[i % 3], tenant.Id, key.Id, 0.01m)));

        var status = (await BudgetClient.GetBudgetAsync(replicaC, budget.Id)).Current;
        Assert.All(results, r => Assert.True(r.IsAdmitted));
        Assert.True(status.CounterLoaded);
        Assert.Equal(0.30m, status.Spend);
        Assert.Equal(await BudgetClient.StoredSpendAsync(replicaA, tenant.Id), status.Spend);
        Assert.Equal(0.30m, status.Reserved);
    }

    [Fact]
    public async Task Reserve_RequestsKilledBeforeSettlement_ExpireAndUnblockTenant()
    {
        var database = await server.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["Billing:Budgets:ReservationLifetime"] = "00:00:02" };
        await using var replicaA = new BillingApp(database, settings: settings);
        await using var replicaB = new BillingApp(database, settings: settings);
        await replicaA.StartAsync();
        await replicaB.StartAsync();
        var (tenant, key) = await replicaA.CreateTenantWithKeyAsync();
        var budget = await BudgetClient.CreateBudgetAsync(replicaA, tenant.Id, new { period = "daily", limit_usd = 1.00m, enforcement = "hard" });

        var results = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => BudgetClient.ReserveAsync(i % 2 == 0 ? replicaA : replicaB, tenant.Id, key.Id, 0.10m)));
        Assert.All(results, r => Assert.True(r.IsAdmitted));
        foreach (var settled in results.Take(4))
        {
            await BudgetClient.RecordTenCentsAsync(replicaB, tenant.Id, key.Id, settled.Reservation!.RequestId);
        }

        Assert.False((await BudgetClient.ReserveAsync(replicaA, tenant.Id, key.Id, 0.10m)).IsAdmitted);

        // The other six requests never settle, as if their gateway died. Their holds lapse two seconds after
        // they were made.
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);
        var retry = await BudgetClient.ReserveAsync(replicaB, tenant.Id, key.Id, 0.10m);

        var status = (await BudgetClient.GetBudgetAsync(replicaA, budget.Id)).Current;
        Assert.True(retry.IsAdmitted);
        Assert.Equal(0.40m, status.Spend);
        Assert.Equal(await BudgetClient.StoredSpendAsync(replicaA, tenant.Id), status.Spend);
        Assert.Equal(0.10m, status.Reserved);
    }
}
