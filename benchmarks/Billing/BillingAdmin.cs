using System.Net.Http.Headers;
using System.Net.Http.Json;
using AspireAi.BillingClient;

namespace AspireAi.Benchmarks.Billing;

/// <summary>A tenant and API key made for one benchmark run.</summary>
internal sealed record BenchmarkTenant(Guid TenantId, Guid KeyId, string ApiKey);

/// <summary>The admin and tenant-facing billing routes the benchmark uses to set up a tenant and count its ledger rows.</summary>
internal sealed class BillingAdmin(Uri billingUrl, string adminKey) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = billingUrl, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Creates a tenant named after the run and one API key for it.</summary>
    public async Task<BenchmarkTenant> CreateTenantAsync(string name, CancellationToken cancellationToken)
    {
        var tenant = await SendAsync<TenantCreated>(HttpMethod.Post, "/admin/tenants", new { name }, cancellationToken);
        var key = await SendAsync<KeyCreated>(HttpMethod.Post, $"/admin/tenants/{tenant.Id}/keys", new { name = "billing benchmark" }, cancellationToken);
        return new BenchmarkTenant(tenant.Id, key.Id, key.Key);
    }

    /// <summary>Creates a hard monthly budget on the tenant, so a reservation runs the budget check and the Redis script.</summary>
    public async Task CreateHardBudgetAsync(Guid tenantId, decimal limitUsd, CancellationToken cancellationToken)
    {
        var body = new { period = "monthly", limit_usd = limitUsd, enforcement = "hard" };
        await SendAsync<BudgetCreated>(HttpMethod.Post, $"/admin/tenants/{tenantId}/budgets", body, cancellationToken);
    }

    /// <summary>Returns the tenant's ledger rows of this month so far, from billing's usage summary.</summary>
    public async Task<long> CountRowsAsync(string apiKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, BillingRoutes.UsageSummary);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, "GET " + BillingRoutes.UsageSummary, cancellationToken);
        var summary = await response.Content.ReadFromJsonAsync<UsageSummary>(BillingJson.Options, cancellationToken)
            ?? throw new InvalidOperationException("Billing returned an empty usage summary.");
        return summary.Total.Requests;
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: BillingJson.Options) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, $"{method} {path}", cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(BillingJson.Options, cancellationToken)
            ?? throw new InvalidOperationException($"{method} {path} returned an empty body.");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"{call} returned {(int)response.StatusCode}: {text}");
        }
    }

    private sealed record TenantCreated(Guid Id);

    private sealed record KeyCreated(Guid Id, string Key);

    private sealed record BudgetCreated(Guid Id);
}
