using AspireAi.BillingClient;

namespace AspireAi.Billing.Usage;

/// <summary>Checks a usage record's fields before it is priced and stored.</summary>
internal static class UsageRecordValidator
{
    public const int MaxRequestIdLength = 200;
    public const int MaxNameLength = 200;

    /// <summary>Returns the problems with <paramref name="record"/> keyed by JSON field name. Empty when it is valid.</summary>
    public static Dictionary<string, string[]> Validate(UsageRecord record)
    {
        var errors = new Dictionary<string, string[]>();

        if (string.IsNullOrWhiteSpace(record.RequestId))
        {
            errors["request_id"] = ["request_id is required and must not be blank."];
        }
        else if (record.RequestId.Length > MaxRequestIdLength)
        {
            errors["request_id"] = [$"request_id must be at most {MaxRequestIdLength} characters. It has {record.RequestId.Length}."];
        }

        if (record.TenantId == Guid.Empty)
        {
            errors["tenant_id"] = ["tenant_id is required."];
        }

        if (record.KeyId == Guid.Empty)
        {
            errors["key_id"] = ["key_id is required."];
        }

        ValidateName(record.Service, "service", errors);
        ValidateName(record.Provider, "provider", errors);
        ValidateName(record.Model, "model", errors);

        ValidateCount(record.InputTokens, "input_tokens", errors);
        ValidateCount(record.CachedInputTokens, "cached_input_tokens", errors);
        ValidateCount(record.OutputTokens, "output_tokens", errors);
        ValidateCount(record.CacheWriteTokens, "cache_write_tokens", errors);

        if (record.CachedInputTokens > record.InputTokens && !errors.ContainsKey("cached_input_tokens"))
        {
            errors["cached_input_tokens"] =
                [$"cached_input_tokens ({record.CachedInputTokens}) must not exceed input_tokens ({record.InputTokens}), which include the cached ones."];
        }
        else if (!errors.ContainsKey("cached_input_tokens") && !errors.ContainsKey("cache_write_tokens")
                 && record.CachedInputTokens + record.CacheWriteTokens > record.InputTokens)
        {
            errors["cache_write_tokens"] =
                [$"cached_input_tokens ({record.CachedInputTokens}) plus cache_write_tokens ({record.CacheWriteTokens}) must not exceed input_tokens ({record.InputTokens}). "
                 + "For Anthropic, input_tokens is the sum of input_tokens, cache_read_input_tokens and cache_creation_input_tokens."];
        }

        if (record.OccurredAt == default)
        {
            errors["occurred_at"] = ["occurred_at is required, as an ISO 8601 timestamp such as 2025-06-01T12:00:00Z."];
        }

        return errors;
    }

    /// <summary>Adds the error that describes an owner problem of <paramref name="record"/>, if it has one.</summary>
    public static void AddOwnerProblem(UsageOwnerProblem problem, UsageRecord record, Dictionary<string, string[]> errors)
    {
        switch (problem)
        {
            case UsageOwnerProblem.UnknownTenant:
                errors["tenant_id"] = [$"No tenant has id {record.TenantId}."];
                break;
            case UsageOwnerProblem.UnknownKey:
                errors["key_id"] = [$"No API key has id {record.KeyId}."];
                break;
            case UsageOwnerProblem.KeyOfOtherTenant:
                errors["key_id"] = [$"API key {record.KeyId} does not belong to tenant {record.TenantId}."];
                break;
        }
    }

    private static void ValidateName(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = [$"{field} is required and must not be blank."];
        }
        else if (value.Length > MaxNameLength)
        {
            errors[field] = [$"{field} must be at most {MaxNameLength} characters."];
        }
    }

    private static void ValidateCount(long value, string field, Dictionary<string, string[]> errors)
    {
        if (value < 0)
        {
            errors[field] = [$"{field} must not be negative. It is {value}."];
        }
    }
}
