namespace AspireAi.Billing.ApiKeys;

/// <summary>The body of an API key creation request.</summary>
/// <param name="Name">A display name for the key, such as the application that uses it.</param>
/// <param name="ExpiresAt">When the key stops working. Null for a key that does not expire.</param>
public sealed record CreateApiKeyRequest(string? Name, DateTimeOffset? ExpiresAt);

/// <summary>A newly created key: the only response that ever contains the plaintext <paramref name="Key"/>.</summary>
public sealed record CreatedApiKey(
    Guid Id, Guid TenantId, string Name, string Key, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>A stored key as the admin API lists it, without the plaintext or its hash.</summary>
public sealed record ApiKeyResponse(
    Guid Id, Guid TenantId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);
