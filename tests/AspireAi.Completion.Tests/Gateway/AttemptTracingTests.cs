using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.Completion.Tests.Infrastructure;
using AspireAi.ServiceDefaults.GenAi;

namespace AspireAi.Completion.Tests.Gateway;

/// <summary>Checks the spans of provider attempts with an in-process listener, through the gateway in front of the emulator.</summary>
public sealed class AttemptTracingTests(GarnetFixture garnet, PostgresServer postgres) : IAsyncLifetime
{
    private readonly ConcurrentQueue<Activity> _started = new();
    private ActivityListener? _listener;
    private GatewayHost _host = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GenAiTelemetry.ActivitySourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = _started.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);

        _host = await GatewayHost.StartAsync(
            garnet.Redis,
            postgres,
            new Dictionary<string, string?>
            {
                ["Faults:flaky-503:StatusCode"] = "503",
                ["Faults:flaky-503:FailedAttempts"] = "2",
            },
            new Dictionary<string, string?>(),
            Cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _listener?.Dispose();
    }

    [Fact]
    public async Task ChatCompletion_Two503s_NestsThreeAttemptSpans()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var clientSpanId = ActivitySpanId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["model"] = "flaky-503",
                ["max_tokens"] = 16,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "two failures, then an answer" }),
            }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{clientSpanId}-01");

        using var response = await _host.Client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var spans = _started.Where(activity => activity.TraceId == traceId).ToList();
        // The gateway's calls to billing and the emulator carry the trace on, so their server spans are in it too.
        var server = Assert.Single(spans, activity => activity.Source.Name == "Microsoft.AspNetCore" && activity.ParentSpanId == clientSpanId);
        var call = Assert.Single(spans, activity => activity.OperationName == "chat flaky-503");
        Assert.Equal(server.SpanId, call.ParentSpanId);
        Assert.Equal(3, call.GetTagItem("aspireai.upstream.attempts"));

        var attempts = spans.Where(activity => activity.OperationName == "upstream attempt").OrderBy(activity => (int)activity.GetTagItem("aspireai.upstream.attempt")!).ToList();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, attempt => Assert.Equal(call.SpanId, attempt.ParentSpanId));
        Assert.All(attempts, attempt => Assert.Equal("upstream:flaky-503", attempt.GetTagItem("aspireai.upstream.deployment")));
        Assert.All(attempts, attempt => Assert.Equal("emulator", attempt.GetTagItem(GenAiAttributes.System)));
        Assert.All(attempts, attempt => Assert.Equal("flaky-503", attempt.GetTagItem(GenAiAttributes.RequestModel)));
        Assert.All(attempts, attempt => Assert.Equal("127.0.0.1", attempt.GetTagItem("server.address")));
        Assert.Equal([1, 2, 3], attempts.Select(attempt => attempt.GetTagItem("aspireai.upstream.attempt")));
        Assert.Equal([null, 1, 2], attempts.Select(attempt => attempt.GetTagItem("http.request.resend_count")));
        Assert.Equal([503, 503, 200], attempts.Select(attempt => attempt.GetTagItem("http.response.status_code")));
        Assert.Equal(["503", "503", null], attempts.Select(attempt => attempt.GetTagItem("error.type")));
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Error, ActivityStatusCode.Unset], attempts.Select(attempt => attempt.Status));
        Assert.IsType<double>(attempts[0].GetTagItem("aspireai.upstream.retry_delay"));
        Assert.IsType<double>(attempts[1].GetTagItem("aspireai.upstream.retry_delay"));
        Assert.Null(attempts[2].GetTagItem("aspireai.upstream.retry_delay"));

        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        var usage = await _host.GetUsageSummaryAsync(Cancellation);
        Assert.Equal(1, usage.Total.Requests);
        Assert.True(usage.Total.OutputTokens > 0);
        var row = Assert.Single(await _host.ReadLedgerAsync(Cancellation));
        Assert.Equal(requestId, row.RequestId);
    }
}
