using System.Text.Json;
using System.Text.Json.Serialization;
using AspireAi.BillingClient;
using AspireAi.Completion.Chat;
using AspireAi.Completion.Usage;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Budgets;

/// <summary>The outcome of <see cref="BudgetAdmission.ReserveAsync"/>.</summary>
/// <param name="Reservation">The reservation when the request may go ahead; pass it to settle or release.</param>
/// <param name="Rejection">The error response to return when it may not: 402 for a budget, 503 when billing is down.</param>
public sealed record BudgetAdmissionResult(BudgetReservation? Reservation, ChatOutcome? Rejection)
{
    /// <summary>True when the request may call the provider.</summary>
    [JsonIgnore]
    public bool IsAdmitted => Reservation is not null;
}

/// <summary>
/// Admits gateway requests against the caller's budgets. Call <see cref="ReserveAsync"/> before the provider
/// call; then <see cref="SettleAsync"/> with the actual cost when usage is recorded, or <see cref="ReleaseAsync"/>
/// when the request failed without usage. The usage row that billing stores for the same request id settles the
/// reservation for good. A reservation that is neither settled nor released expires in billing by itself.
/// </summary>
public sealed class BudgetAdmission(BillingApiClient billing, IOptions<CompletionOptions> options, ILogger<BudgetAdmission> logger)
{
    /// <summary>The error code of a request rejected because a hard budget has no room.</summary>
    public const string BudgetExceededCode = "aspireai_budget_exceeded";

    /// <summary>The error code of a request rejected because billing could not be asked.</summary>
    public const string BillingUnavailableCode = "aspireai_billing_unavailable";

    /// <summary>Holds the estimated cost on every budget that applies to the caller, the key and the model.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="model">The requested model.</param>
    /// <param name="estimatedCost">The most the request is expected to cost, in US dollars.</param>
    /// <param name="requestId">The request id that the usage record will carry.</param>
    /// <param name="cancellationToken">Cancels the reservation call.</param>
    /// <returns>The reservation, or the response to return instead of calling the provider.</returns>
    public async Task<BudgetAdmissionResult> ReserveAsync(
        ApiKeyIdentity identity, string model, decimal estimatedCost, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        ArgumentOutOfRangeException.ThrowIfNegative(estimatedCost);

        var request = new BudgetReservationRequest(requestId, identity.TenantId, identity.KeyId, options.Value.Upstream.Provider, model, estimatedCost);
        BudgetReservationResult result;
        try
        {
            result = await billing.ReserveBudgetAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException
                                          && !cancellationToken.IsCancellationRequested)
        {
            // NOTE: without billing no budget can be checked, so the request is rejected rather than admitted unchecked.
            Log.BudgetReservationFailed(logger, requestId, exception);
            return new BudgetAdmissionResult(null, ChatOutcome.Error(
                StatusCodes.Status503ServiceUnavailable,
                "The request's budget could not be checked because the billing service is unavailable. Retry shortly.",
                "service_unavailable",
                BillingUnavailableCode,
                "gateway"));
        }

        if (result.Reservation is { } reservation)
        {
            return new BudgetAdmissionResult(reservation, null);
        }

        var refusal = result.Refusal!;
        Log.BudgetRejected(logger, requestId, identity.TenantId, refusal.BudgetId, refusal.Code);
        var body = new BudgetErrorBody(new BudgetError(
            refusal.Message,
            "insufficient_quota",
            null,
            refusal.Code,
            new BudgetErrorDetails(
                refusal.BudgetId, refusal.Scope, refusal.Period, refusal.Limit, refusal.Spend, refusal.Reserved, refusal.EstimatedCost, refusal.PeriodEnd)));
        var headers = new Dictionary<string, string> { [ChatOutcome.ErrorSourceHeader] = "gateway" };
        return new BudgetAdmissionResult(null, new ChatOutcome(StatusCodes.Status402PaymentRequired, JsonSerializer.Serialize(body), headers));
    }

    /// <summary>
    /// Runs a provider call under a reservation: settles the reservation with the call's cost when the call
    /// reports one, and releases it otherwise, also when the call throws.
    /// </summary>
    /// <typeparam name="TResult">What the call returns to the caller.</typeparam>
    /// <param name="reservation">The reservation from <see cref="ReserveAsync"/>, or <see langword="null"/> when none was made.</param>
    /// <param name="call">The provider call, returning its result and its cost, or no cost when it used nothing.</param>
    /// <returns>The call's result.</returns>
    public async Task<TResult> RunReservedAsync<TResult>(BudgetReservation? reservation, Func<Task<(TResult Result, ReportedCost? Cost)>> call)
    {
        ArgumentNullException.ThrowIfNull(call);

        var settled = false;
        try
        {
            var (result, cost) = await call();
            if (cost is not null && reservation is not null)
            {
                await SettleAsync(reservation, cost.Cost);
                settled = true;
            }

            return result;
        }
        finally
        {
            if (!settled && reservation is not null)
            {
                await ReleaseAsync(reservation);
            }
        }
    }

    /// <summary>
    /// Tells billing the request's actual cost, so the reservation holds that amount instead of the estimate until
    /// the usage row arrives. Failures are logged and never thrown: the usage row settles the reservation anyway.
    /// </summary>
    /// <param name="reservation">The reservation from <see cref="ReserveAsync"/>.</param>
    /// <param name="actualCost">The request's cost in US dollars.</param>
    /// <returns>A task that completes when billing responded or the call failed.</returns>
    public async Task SettleAsync(BudgetReservation reservation, decimal actualCost)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (reservation.BudgetIds.Count == 0)
        {
            return;
        }

        try
        {
            await billing.SettleBudgetAsync(new BudgetSettlement(reservation, actualCost), CancellationToken.None);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException)
        {
            Log.BudgetReservationNotUpdated(logger, reservation.RequestId, "settled", reservation.ExpiresAt, exception);
        }
    }

    /// <summary>
    /// Drops the reservation of a request that failed before it used anything. Failures are logged and never
    /// thrown: the reservation then expires by itself. A request that used tokens is settled, not released.
    /// </summary>
    /// <param name="reservation">The reservation from <see cref="ReserveAsync"/>.</param>
    /// <returns>A task that completes when billing responded or the call failed.</returns>
    public async Task ReleaseAsync(BudgetReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (reservation.BudgetIds.Count == 0)
        {
            return;
        }

        try
        {
            await billing.ReleaseBudgetAsync(reservation, CancellationToken.None);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException)
        {
            Log.BudgetReservationNotUpdated(logger, reservation.RequestId, "released", reservation.ExpiresAt, exception);
        }
    }
}

/// <summary>The 402 body: OpenAI's error shape with the budget that rejected the request.</summary>
/// <param name="Error">The error.</param>
public sealed record BudgetErrorBody([property: JsonPropertyName("error")] BudgetError Error);

/// <summary>An OpenAI-shaped error with the budget's numbers.</summary>
public sealed record BudgetError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("budget")] BudgetErrorDetails Budget);

/// <summary>The budget that rejected a request. Amounts are US dollars.</summary>
public sealed record BudgetErrorDetails(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("limit")] decimal Limit,
    [property: JsonPropertyName("spend")] decimal Spend,
    [property: JsonPropertyName("reserved")] decimal Reserved,
    [property: JsonPropertyName("estimated_cost")] decimal EstimatedCost,
    [property: JsonPropertyName("period_end")] DateTimeOffset PeriodEnd);
