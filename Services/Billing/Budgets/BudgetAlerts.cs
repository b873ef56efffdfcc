using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AspireAi.BillingClient;
using Microsoft.Extensions.Options;

namespace AspireAi.Billing.Budgets;

/// <summary>The JSON body of an alert webhook.</summary>
public sealed record BudgetAlert(
    Guid BudgetId,
    Guid TenantId,
    Guid? KeyId,
    string? Model,
    string Scope,
    string Period,
    string Enforcement,
    int Threshold,
    decimal Limit,
    decimal Spend,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd);

/// <summary>
/// Sends each budget alert once per budget, period and threshold: a log event, a metric and, when configured,
/// a signed webhook. The <c>budget_alerts</c> table decides which replica sends it.
/// </summary>
internal sealed class BudgetAlerts(
    BudgetStore store,
    IHttpClientFactory httpClientFactory,
    IMeterFactory meterFactory,
    TimeProvider time,
    IOptions<BillingOptions> options,
    ILogger<BudgetAlerts> logger)
{
    /// <summary>The header with <c>sha256=</c> and the hex HMAC-SHA256 of the timestamp, a period and the body.</summary>
    public const string SignatureHeader = "x-aspireai-signature";

    /// <summary>The header with the Unix time in seconds at which the webhook was signed.</summary>
    public const string TimestampHeader = "x-aspireai-timestamp";

    /// <summary>The name of the HttpClient that sends webhooks.</summary>
    public const string HttpClientName = "budget-alerts";

    private readonly Counter<long> _alerts = meterFactory.Create(BillingMetrics.MeterName)
        .CreateCounter<long>("aspireai.billing.budget.alerts", unit: "{alert}", description: "Budget alerts sent, by threshold and scope.");

    // Thresholds this replica already handled, so a busy budget does not query the table on every request.
    private readonly ConcurrentDictionary<(Guid BudgetId, DateTimeOffset PeriodStart, int Threshold), bool> _handled = new();

    /// <summary>Sends the alerts of every threshold that <paramref name="spend"/> reaches and that were not sent in the period.</summary>
    public async Task CheckAsync(CounterTarget target, decimal spend, CancellationToken cancellationToken)
    {
        var budget = target.Budget;
        foreach (var threshold in budget.AlertThresholds)
        {
            if (spend * 100m < budget.LimitUsd * threshold || !_handled.TryAdd((budget.Id, target.Window.Start, threshold), true))
            {
                continue;
            }

            if (!await store.TryRecordAlertAsync(budget.Id, target.Window.Start, threshold, spend, cancellationToken))
            {
                continue;
            }

            var period = budget.Period == BudgetPeriod.Daily ? "daily" : "monthly";
            Log.BudgetThresholdReached(logger, budget.Id, budget.Scope, period, budget.TenantId, threshold, budget.LimitUsd, spend, target.Window.Start);
            _alerts.Add(
                1,
                new KeyValuePair<string, object?>("aspireai.budget.threshold", threshold),
                new KeyValuePair<string, object?>("aspireai.budget.scope", budget.Scope));

            var alert = new BudgetAlert(
                budget.Id,
                budget.TenantId,
                budget.KeyId,
                budget.Model,
                budget.Scope,
                period,
                budget.Enforcement == BudgetEnforcement.Hard ? "hard" : "soft",
                threshold,
                budget.LimitUsd,
                spend,
                target.Window.Start,
                target.Window.End);
            if (options.Value.Budgets.AlertWebhookUrl is not null)
            {
                // The usage insert that crossed the threshold must not wait for the receiver.
                _ = Task.Run(() => SendWebhookAsync(alert), CancellationToken.None);
            }
        }
    }

    /// <summary>Computes the signature header value for a body signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, string timestamp, byte[] body)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    private async Task SendWebhookAsync(BudgetAlert alert)
    {
        var settings = options.Value.Budgets;
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(alert, BillingJson.Options);
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

            using var request = new HttpRequestMessage(HttpMethod.Post, settings.AlertWebhookUrl);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Add(TimestampHeader, timestamp);
            request.Headers.Add(SignatureHeader, Sign(settings.AlertWebhookSecret!, timestamp, body));

            using var http = httpClientFactory.CreateClient(HttpClientName);
            using var response = await http.SendAsync(request, CancellationToken.None);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException)
        {
            Log.BudgetWebhookFailed(logger, alert.BudgetId, alert.Threshold, exception);
        }
    }
}

/// <summary>The billing service's meter.</summary>
internal static class BillingMetrics
{
    /// <summary>The meter name, registered with OpenTelemetry by the service.</summary>
    public const string MeterName = "AspireAi.Billing";
}
