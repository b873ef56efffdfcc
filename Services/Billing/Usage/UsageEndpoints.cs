using System.Globalization;
using AspireAi.Billing.ApiKeys;
using AspireAi.Billing.Security;
using AspireAi.BillingClient;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.Billing.Usage;

/// <summary>Maps the internal usage recording route and the tenant-facing usage summary.</summary>
internal static class UsageEndpoints
{
    private const string DateFormat = "yyyy-MM-dd";
    private const int MaxRangeDays = 366;

    public static IEndpointRouteBuilder MapUsageEndpoints(this IEndpointRouteBuilder app)
    {
        var internalGroup = app.MapGroup(string.Empty)
            .RequireInternalKey()
            .RequireDatabaseReady()
            .WithTags("Usage");

        internalGroup.MapPost(BillingRoutes.RecordUsage, RecordUsageAsync)
            .WithName("RecordUsage")
            .WithSummary("Prices and records one usage row. A repeated request id returns the stored row.");

        internalGroup.MapPost(BillingRoutes.RecordUsageBatch, RecordUsageBatchAsync)
            .WithName("RecordUsageBatch")
            .WithSummary("Prices and records many usage rows in one call, each once per request id, with one result per record.");

        var publicGroup = app.MapGroup(string.Empty)
            .RequireDatabaseReady()
            .WithTags("Usage");

        publicGroup.MapGet(BillingRoutes.UsageSummary, GetUsageSummaryAsync)
            .WithName("GetUsageSummary")
            .WithSummary("Summarises the calling tenant's usage by UTC day and model. Authenticated by the tenant's API key.");

        return app;
    }

    private static async Task<Results<Ok<UsageRecorded>, ValidationProblem>> RecordUsageAsync(
        UsageRecord record, UsageLedger ledger, CancellationToken cancellationToken)
    {
        var errors = UsageRecordValidator.Validate(record);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var ownerProblem = await ledger.CheckOwnerAsync(record.TenantId, record.KeyId, cancellationToken);
        UsageRecordValidator.AddOwnerProblem(ownerProblem, record, errors);

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await ledger.RecordAsync(record, cancellationToken));
    }

    private static async Task<Results<Ok<UsageBatchResult>, ValidationProblem>> RecordUsageBatchAsync(
        UsageBatch batch, UsageLedger ledger, CancellationToken cancellationToken)
    {
        if (batch.Records is null || batch.Records.Count == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["records"] = ["records is required and must contain at least one usage record."],
            });
        }

        if (batch.Records.Count > ValidateBillingClientOptions.MaxOutboxBatchSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["records"] = [$"records contains {batch.Records.Count} usage records. Send at most {ValidateBillingClientOptions.MaxOutboxBatchSize} per batch."],
            });
        }

        return TypedResults.Ok(new UsageBatchResult(await ledger.RecordBatchAsync(batch.Records, cancellationToken)));
    }

    private static async Task<Results<Ok<UsageSummary>, JsonHttpResult<OpenAiErrorResponse>>> GetUsageSummaryAsync(
        HttpRequest request,
        ApiKeyStore keys,
        UsageLedger ledger,
        TimeProvider time,
        CancellationToken cancellationToken,
        string? from = null,
        string? to = null)
    {
        var now = time.GetUtcNow();
        var key = SecretComparer.ReadBearerToken(request);
        var identity = key is null ? null : await keys.ValidateAsync(key, now, cancellationToken);
        if (identity is null)
        {
            var message = key is null
                ? "Missing API key. Send it in the header 'Authorization: Bearer aai_...'."
                : "Invalid API key: it is unknown, revoked or expired. Ask your administrator for a valid key.";
            return Error(StatusCodes.Status401Unauthorized, message, "invalid_api_key");
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (!TryParseDay(from, new DateOnly(today.Year, today.Month, 1), out var fromDay))
        {
            return Error(StatusCodes.Status400BadRequest, $"from '{from}' is not a date. Use the format YYYY-MM-DD.", "invalid_date", "from");
        }

        if (!TryParseDay(to, today, out var toDay))
        {
            return Error(StatusCodes.Status400BadRequest, $"to '{to}' is not a date. Use the format YYYY-MM-DD.", "invalid_date", "to");
        }

        if (fromDay > toDay)
        {
            return Error(
                StatusCodes.Status400BadRequest,
                $"from ({fromDay:yyyy-MM-dd}) is after to ({toDay:yyyy-MM-dd}). Swap them or widen the range.",
                "invalid_date_range",
                "from");
        }

        var days = toDay.DayNumber - fromDay.DayNumber + 1;
        if (days > MaxRangeDays)
        {
            return Error(
                StatusCodes.Status400BadRequest,
                $"The range from {fromDay:yyyy-MM-dd} to {toDay:yyyy-MM-dd} covers {days} days. Request at most {MaxRangeDays} days at a time.",
                "invalid_date_range",
                "to");
        }

        return TypedResults.Ok(await ledger.SummarizeAsync(identity.TenantId, fromDay, toDay, cancellationToken));
    }

    private static bool TryParseDay(string? value, DateOnly defaultDay, out DateOnly day)
    {
        if (string.IsNullOrEmpty(value))
        {
            day = defaultDay;
            return true;
        }

        return DateOnly.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    private static JsonHttpResult<OpenAiErrorResponse> Error(int statusCode, string message, string code, string? param = null) =>
        TypedResults.Json(new OpenAiErrorResponse(new OpenAiError(message, "invalid_request_error", code, param)), statusCode: statusCode);
}
