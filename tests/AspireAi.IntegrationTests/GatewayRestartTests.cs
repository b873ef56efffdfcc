using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAi.IntegrationTests;

/// <summary>
/// A second copy of the whole system for tests that stop every gateway replica, so the tests that
/// share the assembly's copy never lose their gateway.
/// </summary>
public sealed class IsolatedAppFixture : IAsyncLifetime
{
    public AspireAiAppFixture System { get; } = new();

    public ValueTask InitializeAsync() => System.InitializeAsync();

    public ValueTask DisposeAsync() => System.DisposeAsync();
}

public class GatewayRestartTests(IsolatedAppFixture isolated) : IClassFixture<IsolatedAppFixture>
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromMinutes(3);

    private readonly AspireAiAppFixture _fixture = isolated.System;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Job_GatewayRestartedMidJob_StillCompletes()
    {
        var tenant = await _fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        // The emulator keeps the first attempt of this request open until the caller goes away, and
        // completes the next one, so the job is mid-call when the gateway stops.
        var request = new { model = "fault-hang-once", messages = new[] { new { role = "user", content = "Outlive a restart " + Guid.NewGuid() } } };
        using var submitted = await http.PostAsJsonAsync("/v1/jobs", new { type = "chat.completion", request }, Cancellation);
        var statusUrl = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status_url").GetString()!;
        var runningBy = DateTime.UtcNow + PollTimeout;
        string? before;
        while ((before = (await http.GetFromJsonAsync<JsonElement>(statusUrl, Cancellation)).GetProperty("status").GetString()) == "queued" && DateTime.UtcNow < runningBy)
        {
            await Task.Delay(100, Cancellation);
        }

        var replicas = await GetGatewayReplicasAsync();
        var commands = _fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var stops = await Task.WhenAll(replicas.Select(replica => commands.ExecuteCommandAsync(replica, KnownResourceCommands.StopCommand, Cancellation)));
        var starts = await Task.WhenAll(replicas.Select(replica => commands.ExecuteCommandAsync(replica, KnownResourceCommands.StartCommand, Cancellation)));
        using (var healthy = CancellationTokenSource.CreateLinkedTokenSource(Cancellation))
        {
            healthy.CancelAfter(HealthyTimeout);
            await _fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", healthy.Token);
        }

        var job = await WaitForFinishAsync(http, statusUrl);

        Assert.Equal("running", before);
        Assert.Equal(2, replicas.Count);
        Assert.All(stops, stop => Assert.True(stop.Success, stop.Message));
        Assert.All(starts, start => Assert.True(start.Success, start.Message));
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var result = job.GetProperty("result");
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.Contains("Outlive a restart", result.GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
        var total = (await http.GetFromJsonAsync<JsonElement>("/v1/usage", Cancellation)).GetProperty("total");
        Assert.Equal(1, total.GetProperty("requests").GetInt64());
    }

    // Replicas are separate resources to Aspire's commands, named after the resource plus a suffix.
    private async Task<IReadOnlyList<string>> GetGatewayReplicasAsync()
    {
        var replicas = new HashSet<string>(StringComparer.Ordinal);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        watch.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var update in _fixture.App.ResourceNotifications.WatchAsync(watch.Token))
            {
                if (update.Resource.Name == "gateway")
                {
                    replicas.Add(update.ResourceId);
                }
            }
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            // The watch replays every resource's current state, then waits for changes: two seconds is enough.
        }

        return [.. replicas];
    }

    private static async Task<JsonElement> WaitForFinishAsync(HttpClient http, string statusUrl)
    {
        var deadline = DateTime.UtcNow + PollTimeout;
        while (true)
        {
            string? status = null;
            try
            {
                var job = await http.GetFromJsonAsync<JsonElement>(statusUrl, Cancellation);
                status = job.GetProperty("status").GetString();
                if (status is not ("queued" or "running"))
                {
                    return job;
                }
            }
            catch (HttpRequestException)
            {
                // A replica that has started but does not listen yet: ask again.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {statusUrl} was still {status} after {PollTimeout}.");
            }

            await Task.Delay(250, Cancellation);
        }
    }
}
