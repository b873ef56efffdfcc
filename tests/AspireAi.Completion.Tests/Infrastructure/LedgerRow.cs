namespace AspireAi.Completion.Tests.Infrastructure;

/// <summary>One row of billing's usage ledger, as <see cref="GatewayHost.ReadLedgerAsync"/> reads it.</summary>
/// <param name="RequestId">The request id, the ledger's key.</param>
/// <param name="Provider">The provider that served the request.</param>
/// <param name="Model">The model that served the request.</param>
/// <param name="InputTokens">All input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="Cost">The billed cost in US dollars.</param>
/// <param name="Priced">False when billing had no price for the model.</param>
public sealed record LedgerRow(
    string RequestId, string Provider, string Model, long InputTokens, long OutputTokens, decimal Cost, bool Priced);
