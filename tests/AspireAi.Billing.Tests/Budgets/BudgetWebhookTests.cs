using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AspireAi.Billing.Budgets;
using AspireAi.Billing.Tests.Infrastructure;

namespace AspireAi.Billing.Tests.Budgets;

public sealed class BudgetWebhookTests(PostgresServer server)
{
    private const string Secret = "webhook-test-secret";

    private sealed record ReceivedWebhook(string Body, string Timestamp, string Signature);

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<List<ReceivedWebhook>> ReceiveAsync(HttpListener listener, int count, TimeSpan timeout)
    {
        var received = new List<ReceivedWebhook>();
        using var deadline = new CancellationTokenSource(timeout);
        while (received.Count < count)
        {
            var context = await listener.GetContextAsync().WaitAsync(deadline.Token);
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            received.Add(new ReceivedWebhook(
                await reader.ReadToEndAsync(deadline.Token),
                context.Request.Headers[BudgetAlerts.TimestampHeader] ?? string.Empty,
                context.Request.Headers[BudgetAlerts.SignatureHeader] ?? string.Empty));
            context.Response.StatusCode = 204;
            context.Response.Close();
        }

        return received;
    }

    [Fact]
    public async Task SoftBudgetCrossesThresholds_SendsOneSignedWebhookEach()
    {
        var port = FreeLoopbackPort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var settings = new Dictionary<string, string?>
        {
            ["Billing:Budgets:AlertWebhookUrl"] = $"http://127.0.0.1:{port}/hook/",
            ["Billing:Budgets:AlertWebhookSecret"] = Secret,
        };
        await using var app = new BillingApp(await server.CreateDatabaseAsync(), settings: settings);
        await app.StartAsync();
        var (tenant, key) = await app.CreateTenantWithKeyAsync();
        var budget = await BudgetClient.CreateBudgetAsync(
            app, tenant.Id, new { period = "monthly", limit_usd = 0.20m, enforcement = "soft", alert_thresholds = new[] { 50, 100 } });
        var receiving = ReceiveAsync(listener, 2, TimeSpan.FromSeconds(30));

        for (var i = 0; i < 4; i++)
        {
            var reservation = await BudgetClient.ReserveAsync(app, tenant.Id, key.Id, 0.10m);
            await BudgetClient.RecordTenCentsAsync(app, tenant.Id, key.Id, reservation.Reservation!.RequestId);
        }

        var webhooks = await receiving;
        var thresholds = new List<int>();
        foreach (var webhook in webhooks)
        {
            var signed = Encoding.UTF8.GetBytes(webhook.Timestamp + ".").Concat(Encoding.UTF8.GetBytes(webhook.Body)).ToArray();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed));
            Assert.Equal(expected, webhook.Signature);
            Assert.True(long.TryParse(webhook.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out _));

            using var document = JsonDocument.Parse(webhook.Body);
            Assert.Equal(budget.Id, document.RootElement.GetProperty("budget_id").GetGuid());
            thresholds.Add(document.RootElement.GetProperty("threshold").GetInt32());
        }

        thresholds.Sort();
        Assert.Equal([50, 100], thresholds);
    }
}
