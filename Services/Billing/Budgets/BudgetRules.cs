namespace AspireAi.Billing.Budgets;

/// <summary>Checks the fields of budget requests.</summary>
internal static class BudgetRules
{
    /// <summary>
    /// The highest limit accepted, in US dollars. The Redis counters compare amounts exactly only below about
    /// 900,000 dollars (see <see cref="SpendCounter"/>).
    /// </summary>
    public const decimal MaxLimitUsd = 500_000m;

    public const int MaxModelLength = 200;
    public const int MaxThresholds = 10;
    public const int MaxThresholdPercent = 1000;

    /// <summary>Default alert percentages when a creation request gives none.</summary>
    public static readonly int[] DefaultThresholds = [50, 80, 100];

    /// <summary>Checks a creation request. Returns the problems keyed by JSON field, and the definition when there are none.</summary>
    public static (Dictionary<string, string[]> Errors, BudgetDefinition? Definition) Validate(CreateBudgetRequest request)
    {
        var errors = new Dictionary<string, string[]>();

        var model = string.IsNullOrWhiteSpace(request.Model) ? null : request.Model.Trim();
        if (model is not null && request.KeyId is null)
        {
            errors["model"] = ["model needs key_id: a model budget limits one model used through one API key. Add key_id, or omit model."];
        }
        else if (model is not null && model.Length > MaxModelLength)
        {
            errors["model"] = [$"model must be at most {MaxModelLength} characters."];
        }

        if (request.KeyId == Guid.Empty)
        {
            errors["key_id"] = ["key_id must be an API key id. Omit it for a tenant budget."];
        }

        BudgetPeriod? period = request.Period?.Trim().ToLowerInvariant() switch
        {
            "daily" => BudgetPeriod.Daily,
            "monthly" => BudgetPeriod.Monthly,
            _ => null,
        };
        if (period is null)
        {
            errors["period"] = [$"period must be daily or monthly, not '{request.Period}'."];
        }

        var (limit, enforcement, thresholds) = ValidateValues(request.LimitUsd, request.Enforcement, request.AlertThresholds ?? DefaultThresholds, errors);
        return errors.Count > 0
            ? (errors, null)
            : (errors, new BudgetDefinition(request.KeyId, model, period!.Value, limit, enforcement, thresholds));
    }

    /// <summary>Checks a change request against the stored budget.</summary>
    public static (Dictionary<string, string[]> Errors, BudgetDefinition? Definition) Validate(UpdateBudgetRequest request, Budget current)
    {
        var errors = new Dictionary<string, string[]>();
        var (limit, enforcement, thresholds) = ValidateValues(
            request.LimitUsd, request.Enforcement, request.AlertThresholds ?? [.. current.AlertThresholds], errors);
        return errors.Count > 0
            ? (errors, null)
            : (errors, new BudgetDefinition(current.KeyId, current.Model, current.Period, limit, enforcement, thresholds));
    }

    private static (decimal Limit, BudgetEnforcement Enforcement, int[] Thresholds) ValidateValues(
        decimal? limitUsd, string? enforcementText, int[] thresholds, Dictionary<string, string[]> errors)
    {
        if (limitUsd is null)
        {
            errors["limit_usd"] = ["limit_usd is required: the limit in US dollars per period, for example 25.00."];
        }
        else if (limitUsd <= 0m || limitUsd > MaxLimitUsd)
        {
            errors["limit_usd"] = [$"limit_usd must be more than 0 and at most {MaxLimitUsd} US dollars. It is {limitUsd}."];
        }
        else if (decimal.Round(limitUsd.Value, 10) != limitUsd.Value)
        {
            errors["limit_usd"] = ["limit_usd has more than 10 decimal places. Round it to at most 10."];
        }

        BudgetEnforcement? enforcement = enforcementText?.Trim().ToLowerInvariant() switch
        {
            "hard" => BudgetEnforcement.Hard,
            "soft" => BudgetEnforcement.Soft,
            _ => null,
        };
        if (enforcement is null)
        {
            errors["enforcement"] = [$"enforcement must be hard (reject requests over the limit) or soft (only alert), not '{enforcementText}'."];
        }

        if (thresholds.Length > MaxThresholds)
        {
            errors["alert_thresholds"] = [$"alert_thresholds may list at most {MaxThresholds} percentages. It lists {thresholds.Length}."];
        }
        else if (thresholds.Any(t => t is <= 0 or > MaxThresholdPercent))
        {
            errors["alert_thresholds"] = [$"alert_thresholds are percentages of the limit from 1 to {MaxThresholdPercent}, for example [50, 80, 100]."];
        }

        return (limitUsd ?? 0m, enforcement ?? BudgetEnforcement.Hard, [.. thresholds.Distinct().Order()]);
    }
}
