using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Completion.Batch;
using AspireAi.Completion.Caching;
using AspireAi.Completion.Chat;
using AspireAi.Completion.CostControl;
using AspireAi.Completion.Providers;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAi.Completion.Jobs;

/// <summary>
/// The workers that drain the job queue. Each replica runs <see cref="JobOptions.Workers"/> of them
/// and one sweeper that hands the jobs of dead workers (expired heartbeats) back to the queue, so a
/// job survives a restart of the service that was running it.
/// </summary>
public sealed class JobWorkerPool(
    JobStore store,
    IServiceScopeFactory scopes,
    IOptions<CompletionOptions> options,
    ILogger<JobWorkerPool> logger) : BackgroundService
{
    private static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CancellationPollInterval = TimeSpan.FromMilliseconds(250);

    private static readonly string CancelledResult = new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = "The job was cancelled before it finished.", ["code"] = "aspireai_job_cancelled" },
    }.ToJsonString();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Jobs;
        if (settings.Workers == 0)
        {
            return;
        }

        var workers = Enumerable.Range(0, settings.Workers)
            .Select(_ => RunWorkerAsync("worker-" + Guid.NewGuid().ToString("N"), stoppingToken))
            .Append(RunSweeperAsync(stoppingToken));
        await Task.WhenAll(workers);
    }

    private async Task RunWorkerAsync(string workerId, CancellationToken stoppingToken)
    {
        var heartbeatEvery = options.Value.Jobs.WorkerTimeout / 3;
        var nextHeartbeat = DateTime.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (DateTime.UtcNow >= nextHeartbeat)
                {
                    await store.HeartbeatAsync(workerId);
                    nextHeartbeat = DateTime.UtcNow + heartbeatEvery;
                }

                var id = await store.TakeNextAsync(workerId);
                if (id is null)
                {
                    await Task.Delay(IdleDelay, stoppingToken);
                    continue;
                }

                await RunJobAsync(workerId, id, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The job stays in this worker's list; the sweeper of another replica requeues it.
                return;
            }
            catch (RedisException exception)
            {
                Log.JobQueueUnavailable(logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task RunJobAsync(string workerId, string id, CancellationToken stoppingToken)
    {
        var job = await store.GetAsync(id, tenantId: null);
        if (job is null || !await store.StartAsync(id))
        {
            await store.ForgetAsync(workerId, id);
            return;
        }

        Log.JobStarted(logger, id, job.Identity.TenantId, workerId);
        string status;
        string result;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var watcher = WatchForCancellationAsync(id, cancellation);
        await using (var scope = scopes.CreateAsyncScope())
        {
            try
            {
                (status, result) = await ExecuteJobAsync(scope.ServiceProvider, job, cancellation.Token);
                if (stoppingToken.IsCancellationRequested)
                {
                    // The replica is shutting down, and a call cut short by that is no result: the job
                    // stays in this worker's list, and another replica requeues it once the heartbeat
                    // expires. Its items keep their ledger keys, so finished ones are not billed twice.
                    await cancellation.CancelAsync();
                    await watcher;
                    return;
                }

                if (cancellation.IsCancellationRequested)
                {
                    status = JobStatus.Cancelled;
                    result = CancelledResult;
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                // Cancelled through the API: the job keeps its cancelled status, and only the items
                // that had already started were run and billed.
                status = JobStatus.Cancelled;
                result = CancelledResult;
            }
            catch (Exception exception) when (exception is JsonException or InvalidOperationException or HttpRequestException)
            {
                Log.JobFailed(logger, id, exception);
                status = JobStatus.Failed;
                result = new JsonObject { ["error"] = new JsonObject { ["message"] = "The job could not be run: " + exception.Message, ["code"] = "aspireai_job_failed" } }.ToJsonString();
            }
        }

        await cancellation.CancelAsync();
        await watcher;
        await store.CompleteAsync(workerId, id, status, result);
        Log.JobFinished(logger, id, status);
    }

    private async Task WatchForCancellationAsync(string id, CancellationTokenSource cancellation)
    {
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                await Task.Delay(CancellationPollInterval, cancellation.Token);
                var job = await store.GetAsync(id, tenantId: null);
                if (job is null || job.Status == JobStatus.Cancelled)
                {
                    await cancellation.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The job finished, or was cancelled: either way the watch is over.
        }
        catch (RedisException exception)
        {
            Log.JobQueueUnavailable(logger, exception);
        }
    }

    private static async Task<(string Status, string Result)> ExecuteJobAsync(IServiceProvider services, Job job, CancellationToken stoppingToken)
    {
        // The job id is the ledger key, so a job rerun after a crash is not billed twice.
        var directives = CacheDirectives.Default(services.GetRequiredService<IOptions<CompletionOptions>>().Value.Cache, job.Identity);
        if (job.Type == JobTypes.Batch)
        {
            var requests = JsonNode.Parse(job.Request)!.AsArray();
            var batch = await services.GetRequiredService<BatchRunner>().RunAsync(requests, job.Identity, directives, null, stoppingToken, job.Id, GatewayRoutes.Jobs);
            return (JobStatus.Succeeded, batch.ToJsonString());
        }

        if (!ChatRequest.TryParse(Encoding.UTF8.GetBytes(job.Request), out var request, out var error))
        {
            var invalid = ChatOutcome.Error(StatusCodes.Status400BadRequest, error!.Value.Message, "invalid_request_error", "invalid_request", "gateway", param: error.Value.Param);
            return (JobStatus.Succeeded, OutcomeJson(invalid));
        }

        CostPlanner.TryReadCap(null, request!.Body, out var cap, out _);
        var outcome = await services.GetRequiredService<ChatCompletionPipeline>().RunAsync(request with { Route = GatewayRoutes.Jobs }, job.Identity, directives, cap, stoppingToken, job.Id);
        return (JobStatus.Succeeded, OutcomeJson(outcome));
    }

    private static string OutcomeJson(ChatOutcome outcome) => new JsonObject
    {
        ["status"] = outcome.StatusCode,
        ["headers"] = new JsonObject(outcome.Headers.Select(header => KeyValuePair.Create(header.Key, (JsonNode?)header.Value))),
        ["body"] = JsonNode.Parse(outcome.Body),
    }.ToJsonString();

    private async Task RunSweeperAsync(CancellationToken stoppingToken)
    {
        var every = options.Value.Jobs.WorkerTimeout / 2;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var requeued = await store.RequeueAbandonedAsync();
                if (requeued > 0)
                {
                    Log.JobsRequeued(logger, requeued);
                }

                await Task.Delay(every, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException exception)
            {
                Log.JobQueueUnavailable(logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}

/// <summary>The job types.</summary>
public static class JobTypes
{
    /// <summary>One chat completion request.</summary>
    public const string ChatCompletion = "chat.completion";

    /// <summary>An array of chat completion requests, run as a batch.</summary>
    public const string Batch = "chat.batch";
}
