namespace AspireAi.Completion;

/// <summary>The gateway's log messages about budgets and usage delivery, event ids 1050–1059.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1060, Level = LogLevel.Information, Message = "Request {RequestId} of tenant {TenantId} was rejected by budget {BudgetId}: {Code}.")]
    public static partial void BudgetRejected(ILogger logger, string requestId, Guid tenantId, Guid budgetId, string code);

    [LoggerMessage(EventId = 1061, Level = LogLevel.Error, Message = "Budget reservation for request {RequestId} failed because billing is unavailable.")]
    public static partial void BudgetReservationFailed(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(EventId = 1062, Level = LogLevel.Warning,
        Message = "Budget reservation {RequestId} could not be {Action} in billing. It holds its amount until its usage is recorded or it expires at {ExpiresAt}.")]
    public static partial void BudgetReservationNotUpdated(ILogger logger, string requestId, string action, DateTimeOffset expiresAt, Exception exception);

    [LoggerMessage(EventId = 1063, Level = LogLevel.Warning,
        Message = "Usage of request {RequestId} waits in the outbox until billing acknowledges it; its cost {Cost} was computed from the cached prices.")]
    public static partial void UsageQueued(ILogger logger, string requestId, decimal cost);
}
