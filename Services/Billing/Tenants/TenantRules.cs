namespace AspireAi.Billing;

/// <summary>The rules a tenant name must follow.</summary>
internal static class TenantRules
{
    public const int MaxNameLength = 100;

    /// <summary>Returns why <paramref name="name"/> is not a valid tenant name, or null when it is.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "name is required and must not be blank.";
        }

        var trimmed = name.Trim();
        return trimmed.Length > MaxNameLength
            ? $"name must be at most {MaxNameLength} characters. It has {trimmed.Length}."
            : null;
    }
}
