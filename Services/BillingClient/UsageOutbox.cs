using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspireAi.BillingClient;

/// <summary>
/// Hands usage records to billing without losing them: each record is written to a local file before it is
/// sent, and the file is deleted only when billing acknowledges it. <see cref="UsageOutboxWorker"/> resends
/// what is left, in batches, until billing answers. Billing ignores a second record with the same request id, so a
/// record sent twice is stored once.
/// </summary>
public sealed class UsageOutbox
{
    private const string RecordExtension = ".json";
    private const string RejectedFolder = "rejected";

    private readonly IServiceProvider _services;
    private readonly UsageOutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<UsageOutbox> _logger;
    private readonly SemaphoreSlim _pending = new(0);
    private long _directDeliveryPausedUntilTicks;

    /// <summary>Creates the outbox and its folder.</summary>
    /// <param name="services">Resolves a <see cref="BillingApiClient"/> for each delivery, so its HttpClient is renewed.</param>
    /// <param name="options">The billing client options with the outbox settings.</param>
    /// <param name="environment">Names the default folder after the application.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public UsageOutbox(
        IServiceProvider services,
        IOptions<BillingClientOptions> options,
        IHostEnvironment environment,
        TimeProvider time,
        ILogger<UsageOutbox> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);

        _services = services;
        _options = options.Value.Outbox;
        _time = time;
        _logger = logger;
        Directory = string.IsNullOrWhiteSpace(_options.Directory)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "AspireAi", "usage-outbox", environment.ApplicationName)
            : Path.GetFullPath(_options.Directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The folder that contains undelivered records.</summary>
    public string Directory { get; }

    /// <summary>The number of records waiting for billing's acknowledgement.</summary>
    public int PendingCount => System.IO.Directory.EnumerateFiles(Directory, "*" + RecordExtension).Count();

    /// <summary>
    /// Stores the record durably, then sends it to billing and waits at most <see cref="UsageOutboxOptions.DeliveryTimeout"/>.
    /// When billing was failing moments ago, the record is left to the background retry without a wait.
    /// </summary>
    /// <param name="record">The usage to record.</param>
    /// <returns>What billing stored, or <see langword="null"/> when the record waits in the outbox for a retry.</returns>
    public async Task<UsageRecorded?> SubmitAsync(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);

        string path;
        try
        {
            path = await WriteAsync(record);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.OutboxWriteFailed(_logger, record.RequestId, Directory, exception);
            using var direct = new CancellationTokenSource(_options.DeliveryTimeout);
            return await TrySendAsync(record, path: null, direct.Token);
        }

        if (_time.GetUtcNow().UtcTicks < Interlocked.Read(ref _directDeliveryPausedUntilTicks))
        {
            _pending.Release();
            return null;
        }

        using var timeout = new CancellationTokenSource(_options.DeliveryTimeout);
        var recorded = await TrySendAsync(record, path, timeout.Token);
        if (recorded is null)
        {
            // Requests skip the direct attempt for one retry interval, so an outage does not slow each of them.
            Interlocked.Exchange(ref _directDeliveryPausedUntilTicks, (_time.GetUtcNow() + _options.RetryInterval).UtcTicks);
            _pending.Release();
        }

        return recorded;
    }

    /// <summary>
    /// Sends every waiting record, oldest first, in batches of <see cref="UsageOutboxOptions.BatchSize"/>, and stops at
    /// the first batch billing does not acknowledge.
    /// </summary>
    /// <param name="cancellationToken">Stops the round; undelivered records stay in the outbox.</param>
    /// <returns>How many records were delivered, and the failure that stopped the round, if any.</returns>
    public async Task<(int Delivered, Exception? Failure)> DeliverPendingAsync(CancellationToken cancellationToken)
    {
        var files = new DirectoryInfo(Directory).EnumerateFiles("*" + RecordExtension)
            .OrderBy(file => file.LastWriteTimeUtc)
            .ToList();

        var delivered = 0;
        foreach (var chunk in files.Chunk(_options.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();

            var batch = await ReadBatchAsync(chunk, cancellationToken);
            if (batch.Count == 0)
            {
                continue;
            }

            var (count, failure) = await DeliverBatchAsync(batch, cancellationToken);
            delivered += count;
            if (failure is not null)
            {
                return (delivered, failure);
            }
        }

        return (delivered, null);
    }

    /// <summary>Waits until a request leaves a record for the background retry, or until <paramref name="delay"/> passes.</summary>
    internal async Task WaitForWorkAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        await _pending.WaitAsync(delay, cancellationToken);
    }

    private async Task<List<(string Path, UsageRecord Record)>> ReadBatchAsync(FileInfo[] files, CancellationToken cancellationToken)
    {
        var batch = new List<(string Path, UsageRecord Record)>(files.Length);
        foreach (var file in files)
        {
            try
            {
                await using var stream = file.OpenRead();
                if (await JsonSerializer.DeserializeAsync<UsageRecord>(stream, BillingJson.Options, cancellationToken) is { } record)
                {
                    batch.Add((file.FullName, record));
                }
            }
            catch (FileNotFoundException)
            {
                // A request or another replica delivered it meanwhile.
            }
            catch (JsonException exception)
            {
                Log.OutboxFileInvalid(_logger, file.FullName, exception);
                MoveToRejected(file.FullName);
            }
        }

        return batch;
    }

    private async Task<(int Delivered, Exception? Failure)> DeliverBatchAsync(
        List<(string Path, UsageRecord Record)> batch, CancellationToken cancellationToken)
    {
        var billing = _services.GetRequiredService<BillingApiClient>();
        UsageBatchResult result;
        try
        {
            result = await billing.RecordUsageBatchAsync([.. batch.Select(entry => entry.Record)], cancellationToken);
            if (result.Items.Count != batch.Count)
            {
                throw new InvalidOperationException(
                    $"Billing answered a batch of {batch.Count} usage records with {result.Items.Count} items.");
            }
        }
        catch (HttpRequestException exception) when (IsPermanent(exception))
        {
            // The batch as a whole was refused, for example by a billing version without the batch route.
            // Sending the records one by one still delivers the valid ones and sets aside only the invalid.
            return await DeliverOneByOneAsync(batch, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Any other failure (connection, timeout, 5xx, an open circuit) leaves the records for the next round.
            return (0, exception);
        }

        var delivered = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var (path, record) = batch[i];
            var item = result.Items[i];
            if (item.Recorded is not null)
            {
                File.Delete(path);
                delivered++;
            }
            else
            {
                var errors = item.Errors is null
                    ? "no reason given"
                    : string.Join(" ", item.Errors.SelectMany(error => error.Value));
                Log.UsageRejectedInBatch(_logger, record.RequestId, errors, MoveToRejected(path));
            }
        }

        return (delivered, null);
    }

    private async Task<(int Delivered, Exception? Failure)> DeliverOneByOneAsync(
        List<(string Path, UsageRecord Record)> batch, CancellationToken cancellationToken)
    {
        var delivered = 0;
        foreach (var (path, record) in batch)
        {
            try
            {
                await _services.GetRequiredService<BillingApiClient>().RecordUsageAsync(record, cancellationToken);
            }
            catch (HttpRequestException exception) when (IsPermanent(exception))
            {
                Log.UsageRejected(_logger, record.RequestId, (int)exception.StatusCode!, MoveToRejected(path), exception);
                continue;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                return (delivered, exception);
            }

            File.Delete(path);
            delivered++;
        }

        return (delivered, null);
    }

    private async Task<UsageRecorded?> TrySendAsync(UsageRecord record, string? path, CancellationToken cancellationToken)
    {
        try
        {
            var recorded = await _services.GetRequiredService<BillingApiClient>().RecordUsageAsync(record, cancellationToken);
            if (path is not null)
            {
                File.Delete(path);
            }

            return recorded;
        }
        catch (HttpRequestException exception) when (path is not null && IsPermanent(exception))
        {
            Log.UsageRejected(_logger, record.RequestId, (int)exception.StatusCode!, MoveToRejected(path), exception);
            return null;
        }
        catch (Exception exception)
        {
            // Any failure, including the delivery timeout, leaves the record in the outbox for the worker.
            Log.UsageQueued(_logger, record.RequestId, exception);
            return null;
        }
    }

    private async Task<string> WriteAsync(UsageRecord record)
    {
        // The file name is derived from the request id, so writing the same record twice keeps one file.
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(record.RequestId)));
        var path = Path.Combine(Directory, name + RecordExtension);
        var temporary = Path.Combine(Directory, "." + name + "." + Guid.NewGuid().ToString("N") + ".tmp");

        await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(stream, record, BillingJson.Options);
            // Flushed to the disk before the rename, so a crash never leaves a record that is half written.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private string MoveToRejected(string path)
    {
        var folder = Path.Combine(Directory, RejectedFolder);
        System.IO.Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, Path.GetFileName(path));
        try
        {
            File.Move(path, target, overwrite: true);
        }
        catch (FileNotFoundException)
        {
            // Another delivery moved or deleted it first.
        }

        return target;
    }

    // A 4xx other than 408 and 429 means billing will never accept the record as it is.
    private static bool IsPermanent(HttpRequestException exception) =>
        exception.StatusCode is { } status
        && (int)status is >= 400 and < 500
        && status is not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests;
}

/// <summary>Resends the records left in the <see cref="UsageOutbox"/> until billing acknowledges them.</summary>
internal sealed class UsageOutboxWorker(
    UsageOutbox outbox, IOptions<BillingClientOptions> options, ILogger<UsageOutboxWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Outbox;
        var delay = settings.RetryInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var (delivered, failure) = await outbox.DeliverPendingAsync(stoppingToken);
            if (delivered > 0)
            {
                Log.OutboxDelivered(logger, delivered);
            }

            if (failure is null)
            {
                delay = settings.RetryInterval;
                await outbox.WaitForWorkAsync(delay, stoppingToken);
                continue;
            }

            Log.OutboxDeliveryFailed(logger, outbox.PendingCount, outbox.Directory, delay, failure);
            await Task.Delay(delay, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxRetryInterval.Ticks));
        }
    }
}
