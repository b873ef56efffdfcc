using Microsoft.Extensions.Options;

namespace AspireAi.BillingClient;

/// <summary>How a service reaches billing.</summary>
public sealed class BillingClientOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "BillingClient";

    /// <summary>Billing's base address; a service-discovery name such as <c>http://billing</c> works.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The key that billing's internal routes require.</summary>
    public string? InternalKey { get; set; }

    /// <summary>How long a successful key validation is reused before billing is asked again.</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a rejected key is remembered, so a client that retries a bad key does not flood billing.</summary>
    public TimeSpan RejectedKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the list of recently revoked keys is fetched from billing. A revoked key is rejected at most this long
    /// after the revocation, even while its validation is cached. Zero turns the polling off, and then a revoked key
    /// works until its cache entry ends (<see cref="KeyCacheDuration"/>).
    /// </summary>
    public TimeSpan RevocationPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the price list is reused before billing is asked again.</summary>
    public TimeSpan PriceCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The local outbox that keeps usage records until billing acknowledges them.</summary>
    public UsageOutboxOptions Outbox { get; set; } = new();
}

/// <summary>Settings of the usage outbox, bound from <c>BillingClient:Outbox</c>.</summary>
public sealed class UsageOutboxOptions
{
    /// <summary>
    /// The folder that contains undelivered usage records, one file each. It must survive restarts of the service
    /// (a volume in a container). Empty means a folder named after the application under the user's local
    /// application data folder.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>How long a request waits for billing to acknowledge its usage before leaving it to the background retry.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The wait between delivery rounds while billing responds, and the first wait after it fails. Later waits double.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two delivery rounds while billing is failing.</summary>
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The maximum number of waiting records that the background retry sends to billing in one request.</summary>
    public int BatchSize { get; set; } = 100;
}

/// <summary>Reports every invalid <see cref="BillingClientOptions"/> value by its configuration key.</summary>
public sealed class ValidateBillingClientOptions : IValidateOptions<BillingClientOptions>
{
    /// <summary>The largest batch that billing's batch route accepts.</summary>
    public const int MaxOutboxBatchSize = 1000;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BillingClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = new List<string>();
        if (options.BaseAddress is null || !options.BaseAddress.IsAbsoluteUri)
        {
            failures.Add($"{BillingClientOptions.SectionName}:BaseAddress must be an absolute URI such as http://billing.");
        }

        if (string.IsNullOrWhiteSpace(options.InternalKey))
        {
            failures.Add($"{BillingClientOptions.SectionName}:InternalKey is required; the AppHost passes it from the billing-internal-key parameter.");
        }

        if (options.KeyCacheDuration < TimeSpan.Zero)
        {
            failures.Add($"{BillingClientOptions.SectionName}:KeyCacheDuration must not be negative.");
        }

        if (options.RejectedKeyCacheDuration < TimeSpan.Zero)
        {
            failures.Add($"{BillingClientOptions.SectionName}:RejectedKeyCacheDuration must not be negative.");
        }

        if (options.RevocationPollInterval < TimeSpan.Zero)
        {
            failures.Add($"{BillingClientOptions.SectionName}:RevocationPollInterval must not be negative. Use 00:00:00 to turn the polling off.");
        }

        if (options.PriceCacheDuration < TimeSpan.Zero)
        {
            failures.Add($"{BillingClientOptions.SectionName}:PriceCacheDuration must not be negative.");
        }

        var outbox = options.Outbox;
        if (outbox.DeliveryTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{BillingClientOptions.SectionName}:Outbox:DeliveryTimeout must be positive, for example 00:00:03.");
        }

        if (outbox.RetryInterval <= TimeSpan.Zero)
        {
            failures.Add($"{BillingClientOptions.SectionName}:Outbox:RetryInterval must be positive, for example 00:00:02.");
        }

        if (outbox.MaxRetryInterval < outbox.RetryInterval)
        {
            failures.Add($"{BillingClientOptions.SectionName}:Outbox:MaxRetryInterval must not be shorter than {BillingClientOptions.SectionName}:Outbox:RetryInterval.");
        }

        if (outbox.BatchSize is < 1 or > MaxOutboxBatchSize)
        {
            failures.Add($"{BillingClientOptions.SectionName}:Outbox:BatchSize must be from 1 to {MaxOutboxBatchSize}. It is {outbox.BatchSize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
