using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace AspireAi.BillingClient;

/// <summary>A typed HttpClient for billing's internal routes, used by the other services.</summary>
/// <param name="http">An HttpClient whose base address is billing's and which sends the internal key.</param>
public sealed class BillingApiClient(HttpClient http)
{
    /// <summary>Looks up the identity behind an API key.</summary>
    /// <param name="apiKey">The plaintext key a caller presented.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The identity, or <see langword="null"/> when the key is unknown, revoked or expired.</returns>
    public async Task<ApiKeyIdentity?> ValidateKeyAsync(string apiKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);

        using var response = await http.PostAsJsonAsync(
            BillingRoutes.ValidateKey, new ValidateKeyRequest(apiKey), BillingJson.Options, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ApiKeyIdentity>(BillingJson.Options, cancellationToken);
    }

    /// <summary>Records a usage row; billing ignores a second record with the same request id.</summary>
    /// <param name="record">The usage to record.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What billing stored, with the cost it computed.</returns>
    public async Task<UsageRecorded> RecordUsageAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);

        using var response = await http.PostAsJsonAsync(BillingRoutes.RecordUsage, record, BillingJson.Options, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<UsageRecorded>(BillingJson.Options, cancellationToken)
            ?? throw new InvalidOperationException("Billing returned an empty body for a usage record.");
    }

    /// <summary>Records many usage rows in one call. Billing stores each at most once per request id.</summary>
    /// <param name="records">The records; at most <see cref="ValidateBillingClientOptions.MaxOutboxBatchSize"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One item per record, in the order sent: what billing stored, or why it rejected the record.</returns>
    public async Task<UsageBatchResult> RecordUsageBatchAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);

        using var response = await http.PostAsJsonAsync(BillingRoutes.RecordUsageBatch, new UsageBatch(records), BillingJson.Options, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<UsageBatchResult>(BillingJson.Options, cancellationToken)
            ?? throw new InvalidOperationException("Billing returned an empty body for a usage batch.");
    }

    /// <summary>Lists the keys revoked at or after <paramref name="since"/>.</summary>
    /// <param name="since">The start of the window.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The revoked keys' ids.</returns>
    public async Task<RevokedKeyList> GetRevokedKeysAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var uri = BillingRoutes.RevokedKeys + "?since=" + Uri.EscapeDataString(since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        return await http.GetFromJsonAsync<RevokedKeyList>(uri, BillingJson.Options, cancellationToken)
            ?? throw new InvalidOperationException("Billing returned an empty body for the revoked keys.");
    }

    /// <summary>Lists the prices in effect now.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One price per provider and model.</returns>
    public async Task<IReadOnlyList<ModelPrice>> GetPricesAsync(CancellationToken cancellationToken)
    {
        var prices = await http.GetFromJsonAsync<List<ModelPrice>>(BillingRoutes.Prices, BillingJson.Options, cancellationToken);
        return prices ?? [];
    }

    /// <summary>Asks billing to hold a request's estimated cost on every budget that applies to it.</summary>
    /// <param name="request">The request to admit.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reservation, or the refusal when a hard budget has no room (billing's 402).</returns>
    public async Task<BudgetReservationResult> ReserveBudgetAsync(BudgetReservationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        using var response = await http.PostAsJsonAsync(BillingRoutes.BudgetReservations, request, BillingJson.Options, cancellationToken);
        if (response.StatusCode == HttpStatusCode.PaymentRequired)
        {
            var refusal = await response.Content.ReadFromJsonAsync<BudgetRefusal>(BillingJson.Options, cancellationToken)
                ?? throw new InvalidOperationException("Billing returned 402 without a refusal body.");
            return new BudgetReservationResult(null, refusal);
        }

        response.EnsureSuccessStatusCode();
        var reservation = await response.Content.ReadFromJsonAsync<BudgetReservation>(BillingJson.Options, cancellationToken)
            ?? throw new InvalidOperationException("Billing returned an empty body for a budget reservation.");
        return new BudgetReservationResult(reservation, null);
    }

    /// <summary>Tells billing a reserved request's actual cost, so the reservation holds that instead of the estimate.</summary>
    /// <param name="settlement">The reservation and the actual cost.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when billing has applied it.</returns>
    public async Task SettleBudgetAsync(BudgetSettlement settlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlement);

        using var response = await http.PostAsJsonAsync(BillingRoutes.SettleBudgetReservation, settlement, BillingJson.Options, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Drops the reservation of a request that used nothing.</summary>
    /// <param name="reservation">The reservation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when billing has dropped it.</returns>
    public async Task ReleaseBudgetAsync(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);

        using var response = await http.PostAsJsonAsync(BillingRoutes.ReleaseBudgetReservation, reservation, BillingJson.Options, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
