using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.BillingClient;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAi.Completion.Jobs;

/// <summary>The states of a job.</summary>
public static class JobStatus
{
    /// <summary>Waiting for a worker.</summary>
    public const string Queued = "queued";

    /// <summary>A worker is running it.</summary>
    public const string Running = "running";

    /// <summary>Finished; the result holds the outcome, which may itself be an error for a chat request.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>The gateway could not run it.</summary>
    public const string Failed = "failed";

    /// <summary>Cancelled before it finished.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>A job as stored.</summary>
/// <param name="Id">The job id.</param>
/// <param name="Type"><c>chat.completion</c> or <c>chat.batch</c>.</param>
/// <param name="Status">One of <see cref="JobStatus"/>.</param>
/// <param name="Identity">The caller who submitted it.</param>
/// <param name="Request">The request JSON.</param>
/// <param name="Result">The result JSON, once finished.</param>
/// <param name="CreatedAt">When it was submitted.</param>
/// <param name="CompletedAt">When it finished.</param>
public sealed record Job(
    string Id,
    string Type,
    string Status,
    ApiKeyIdentity Identity,
    string Request,
    string? Result,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt);

/// <summary>
/// Jobs in Redis: a hash per job and a reliable queue made of lists. A worker moves an id from the
/// pending list to its own processing list with LMOVE, so an id is never lost between the two; a
/// worker that stops sending heartbeats has its processing list moved back to pending by the others.
/// Lists, hashes and LMOVE exist in both Redis 7 and Garnet.
/// </summary>
public sealed class JobStore(IConnectionMultiplexer redis, IOptions<CompletionOptions> options, TimeProvider time)
{
    private const string Prefix = "aspireai:jobs:";
    private const string PendingKey = Prefix + "pending";
    private const string WorkersKey = Prefix + "workers";

    private IDatabase Database => redis.GetDatabase();

    /// <summary>Stores a new job and queues it.</summary>
    /// <param name="type">The job type.</param>
    /// <param name="identity">The caller.</param>
    /// <param name="request">The request JSON.</param>
    /// <returns>The job.</returns>
    public async Task<Job> SubmitAsync(string type, ApiKeyIdentity identity, JsonNode request)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(request);

        var job = new Job("job_" + Guid.CreateVersion7().ToString("N"), type, JobStatus.Queued, identity, request.ToJsonString(), null, time.GetUtcNow(), null);
        var transaction = Database.CreateTransaction();
        _ = transaction.HashSetAsync(JobKey(job.Id), ToEntries(job));
        _ = transaction.ListLeftPushAsync(PendingKey, job.Id);
        await transaction.ExecuteAsync();
        return job;
    }

    /// <summary>Reads a job if it belongs to the tenant.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="tenantId">The caller's tenant; another tenant's job reads as missing.</param>
    /// <returns>The job, or <see langword="null"/>.</returns>
    public async Task<Job?> GetAsync(string id, Guid? tenantId)
    {
        var entries = await Database.HashGetAllAsync(JobKey(id));
        if (entries.Length == 0)
        {
            return null;
        }

        var job = FromEntries(id, entries.ToDictionary(entry => entry.Name.ToString(), entry => entry.Value.ToString()));
        return tenantId is null || job.Identity.TenantId == tenantId ? job : null;
    }

    /// <summary>Marks a queued or running job cancelled; a running job stops at its next step.</summary>
    /// <param name="id">The job id.</param>
    /// <returns>True when the job was still unfinished.</returns>
    public async Task<bool> CancelAsync(string id)
    {
        // Only an unfinished job changes state, so a result that lands at the same moment is kept.
        const string script = """
            local status = redis.call('HGET', KEYS[1], 'status')
            if status == 'queued' or status == 'running' then
              redis.call('HSET', KEYS[1], 'status', 'cancelled', 'completed_at', ARGV[1])
              redis.call('EXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            return 0
            """;
        var result = await Database.ScriptEvaluateAsync(script, [JobKey(id)], [time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), (long)options.Value.Jobs.ResultTtl.TotalSeconds]);
        return (long)result == 1;
    }

    /// <summary>Moves the next pending job id to the worker's processing list.</summary>
    /// <param name="workerId">The worker.</param>
    /// <returns>The job id, or <see langword="null"/> when none is pending.</returns>
    public async Task<string?> TakeNextAsync(string workerId)
    {
        var id = await Database.ListMoveAsync(PendingKey, ProcessingKey(workerId), ListSide.Right, ListSide.Left);
        return id.IsNull ? null : id.ToString();
    }

    /// <summary>Marks a job running unless it was cancelled.</summary>
    /// <param name="id">The job id.</param>
    /// <returns>True when the job should run.</returns>
    public async Task<bool> StartAsync(string id)
    {
        const string script = """
            local status = redis.call('HGET', KEYS[1], 'status')
            if status == 'queued' or status == 'running' then
              redis.call('HSET', KEYS[1], 'status', 'running')
              return 1
            end
            return 0
            """;
        return (long)await Database.ScriptEvaluateAsync(script, [JobKey(id)]) == 1;
    }

    /// <summary>
    /// Stores a finished job's status and result and removes it from the worker's list. A job cancelled
    /// meanwhile keeps its cancelled status and gets the result of what had already run.
    /// </summary>
    /// <param name="workerId">The worker.</param>
    /// <param name="id">The job id.</param>
    /// <param name="status">The final status.</param>
    /// <param name="result">The result JSON.</param>
    /// <returns>A task that completes when Redis has the result.</returns>
    public async Task CompleteAsync(string workerId, string id, string status, string result)
    {
        const string script = """
            local current = redis.call('HGET', KEYS[1], 'status')
            if current == 'queued' or current == 'running' then
              redis.call('HSET', KEYS[1], 'status', ARGV[1], 'result', ARGV[2], 'completed_at', ARGV[3])
            elseif current == 'cancelled' then
              redis.call('HSET', KEYS[1], 'result', ARGV[2])
            end
            if current then
              redis.call('EXPIRE', KEYS[1], ARGV[4])
            end
            redis.call('LREM', KEYS[2], 0, ARGV[5])
            return 1
            """;
        await Database.ScriptEvaluateAsync(
            script,
            [JobKey(id), ProcessingKey(workerId)],
            [status, result, time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), (long)options.Value.Jobs.ResultTtl.TotalSeconds, id]);
    }

    /// <summary>Drops a job id from the worker's list without a result (the job no longer exists or was cancelled).</summary>
    /// <param name="workerId">The worker.</param>
    /// <param name="id">The job id.</param>
    /// <returns>A task that completes when Redis has removed it.</returns>
    public Task ForgetAsync(string workerId, string id) => Database.ListRemoveAsync(ProcessingKey(workerId), id);

    /// <summary>Registers a worker and refreshes its heartbeat.</summary>
    /// <param name="workerId">The worker.</param>
    /// <returns>A task that completes when Redis has the heartbeat.</returns>
    public async Task HeartbeatAsync(string workerId)
    {
        await Database.SetAddAsync(WorkersKey, workerId);
        await Database.StringSetAsync(HeartbeatKey(workerId), "1", options.Value.Jobs.WorkerTimeout);
    }

    /// <summary>Moves the processing lists of workers whose heartbeat expired back to the pending list.</summary>
    /// <returns>How many job ids were requeued.</returns>
    public async Task<int> RequeueAbandonedAsync()
    {
        var requeued = 0;
        foreach (var worker in await Database.SetMembersAsync(WorkersKey))
        {
            var workerId = worker.ToString();
            if (await Database.KeyExistsAsync(HeartbeatKey(workerId)))
            {
                continue;
            }

            while (!(await Database.ListMoveAsync(ProcessingKey(workerId), PendingKey, ListSide.Right, ListSide.Right)).IsNull)
            {
                requeued++;
            }

            await Database.SetRemoveAsync(WorkersKey, workerId);
        }

        return requeued;
    }

    private static string JobKey(string id) => Prefix + "job:" + id;

    private static string ProcessingKey(string workerId) => Prefix + "processing:" + workerId;

    private static string HeartbeatKey(string workerId) => Prefix + "heartbeat:" + workerId;

    private static HashEntry[] ToEntries(Job job) =>
    [
        new("type", job.Type),
        new("status", job.Status),
        new("tenant_id", job.Identity.TenantId.ToString()),
        new("tenant_name", job.Identity.TenantName),
        new("key_id", job.Identity.KeyId.ToString()),
        new("key_name", job.Identity.KeyName),
        new("request", job.Request),
        new("created_at", job.CreatedAt.ToString("O", CultureInfo.InvariantCulture)),
    ];

    private static Job FromEntries(string id, Dictionary<string, string> entries) => new(
        id,
        entries.GetValueOrDefault("type", string.Empty),
        entries.GetValueOrDefault("status", JobStatus.Failed),
        new ApiKeyIdentity(
            Guid.Parse(entries.GetValueOrDefault("tenant_id", Guid.Empty.ToString())),
            entries.GetValueOrDefault("tenant_name", string.Empty),
            Guid.Parse(entries.GetValueOrDefault("key_id", Guid.Empty.ToString())),
            entries.GetValueOrDefault("key_name", string.Empty)),
        entries.GetValueOrDefault("request", "null"),
        entries.GetValueOrDefault("result"),
        DateTimeOffset.Parse(entries.GetValueOrDefault("created_at", DateTimeOffset.UnixEpoch.ToString("O", CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
        entries.TryGetValue("completed_at", out var completed) ? DateTimeOffset.Parse(completed, CultureInfo.InvariantCulture) : null);

    /// <summary>Serializes a stored result for the API.</summary>
    /// <param name="result">The stored result.</param>
    /// <returns>The JSON, or <see langword="null"/>.</returns>
    public static JsonNode? ParseResult(string? result)
    {
        if (result is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(result);
        }
        catch (JsonException)
        {
            return result;
        }
    }
}
