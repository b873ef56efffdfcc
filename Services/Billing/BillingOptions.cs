using Microsoft.Extensions.Options;

namespace AspireAi.Billing;

/// <summary>Settings of the billing service, bound from the <c>Billing</c> section.</summary>
public sealed class BillingOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Billing";

    /// <summary>The bearer key that the <c>/admin</c> routes require.</summary>
    public string? AdminKey { get; set; }

    /// <summary>The key that other services send in the internal-key header on <c>/internal</c> routes.</summary>
    public string? InternalKey { get; set; }

    /// <summary>Path of the price catalog JSON file. A relative path is resolved against the application folder.</summary>
    public string PriceCatalogPath { get; set; } = "Pricing/price-catalog.json";

    /// <summary>The first wait before retrying when PostgreSQL is not reachable at startup. Later waits double.</summary>
    public TimeSpan StartupRetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two startup retries.</summary>
    public TimeSpan StartupRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A development tenant and key made at startup, so a developer's key survives restarts.</summary>
    public BillingSeedOptions Seed { get; set; } = new();

    /// <summary>Budget reservations and alerts.</summary>
    public BudgetOptions Budgets { get; set; } = new();

    /// <summary>API key rotation.</summary>
    public ApiKeyOptions ApiKeys { get; set; } = new();
}

/// <summary>Settings of API keys, bound from <c>Billing:ApiKeys</c>.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>How long a rotated key keeps working next to its replacement when the rotation request sets no expiry.</summary>
    public TimeSpan RotationOverlap { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Settings of budget admission and alerts, bound from <c>Billing:Budgets</c>.</summary>
public sealed class BudgetOptions
{
    /// <summary>
    /// How long a reservation holds budget when neither its usage nor a release arrives, for example because
    /// the gateway crashed. Set it longer than the slowest request, or a slow request's hold lapses early.
    /// </summary>
    public TimeSpan ReservationLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The URL that receives a signed POST for each alert. Alerts are only logged and counted when it is empty.</summary>
    public Uri? AlertWebhookUrl { get; set; }

    /// <summary>The secret of the HMAC-SHA256 signature in the alert webhook's signature header.</summary>
    public string? AlertWebhookSecret { get; set; }
}

/// <summary>The development tenant and API key that billing makes sure exist at startup.</summary>
public sealed class BillingSeedOptions
{
    /// <summary>Name of the tenant to create when missing.</summary>
    public string? TenantName { get; set; }

    /// <summary>Plaintext API key to register for that tenant when missing. Only its SHA-256 hash is stored.</summary>
    public string? ApiKey { get; set; }

    /// <summary>True when both the tenant name and the key are set.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(TenantName) && !string.IsNullOrWhiteSpace(ApiKey);
}

/// <summary>Reports every invalid <see cref="BillingOptions"/> value by its configuration key.</summary>
public sealed class ValidateBillingOptions : IValidateOptions<BillingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        const string Section = BillingOptions.SectionName;
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.AdminKey))
        {
            failures.Add($"{Section}:AdminKey is required: set it to the bearer key that administrators send to the /admin routes.");
        }

        if (string.IsNullOrWhiteSpace(options.InternalKey))
        {
            failures.Add($"{Section}:InternalKey is required: set it to the same value as BillingClient:InternalKey in the other services.");
        }

        if (string.IsNullOrWhiteSpace(options.PriceCatalogPath))
        {
            failures.Add($"{Section}:PriceCatalogPath must name the price catalog JSON file.");
        }

        if (options.StartupRetryInitialDelay <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:StartupRetryInitialDelay must be positive, for example 00:00:01.");
        }

        if (options.StartupRetryMaxDelay < options.StartupRetryInitialDelay)
        {
            failures.Add($"{Section}:StartupRetryMaxDelay must not be shorter than {Section}:StartupRetryInitialDelay.");
        }

        var budgets = options.Budgets;
        if (budgets.ReservationLifetime <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:Budgets:ReservationLifetime must be positive, for example 00:10:00.");
        }

        if (budgets.AlertWebhookUrl is { } webhook && (!webhook.IsAbsoluteUri || (webhook.Scheme != Uri.UriSchemeHttps && webhook.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add($"{Section}:Budgets:AlertWebhookUrl must be an absolute http or https URL.");
        }

        if (budgets.AlertWebhookUrl is not null && string.IsNullOrWhiteSpace(budgets.AlertWebhookSecret))
        {
            failures.Add($"{Section}:Budgets:AlertWebhookSecret is required when {Section}:Budgets:AlertWebhookUrl is set, so receivers can check the signature.");
        }

        if (options.ApiKeys.RotationOverlap <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:ApiKeys:RotationOverlap must be positive, for example 1.00:00:00 for one day.");
        }

        var seed = options.Seed;
        var hasTenantName = !string.IsNullOrWhiteSpace(seed.TenantName);
        var hasApiKey = !string.IsNullOrWhiteSpace(seed.ApiKey);
        if (hasTenantName != hasApiKey)
        {
            var missing = hasTenantName ? "ApiKey" : "TenantName";
            failures.Add($"{Section}:Seed:{missing} is missing: set both {Section}:Seed:TenantName and {Section}:Seed:ApiKey, or neither.");
        }

        if (hasTenantName && seed.TenantName!.Trim().Length > TenantRules.MaxNameLength)
        {
            failures.Add($"{Section}:Seed:TenantName must be at most {TenantRules.MaxNameLength} characters.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
