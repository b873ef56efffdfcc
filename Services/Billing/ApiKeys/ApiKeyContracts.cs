namespace AspireAi.Billing.ApiKeys;

/// <summary>The body of an API key creation request.</summary>
/// <param name="Name">A display name for the key, such as the application that uses it.</param>
/// <param name="ExpiresAt">When the key stops working. Null for a key that does not expire.</param>
public sealed record CreateApiKeyRequest(string? Name, DateTimeOffset? ExpiresAt);

/// <summary>A newly created key: the only response that ever contains the plaintext <paramref name="Key"/>.</summary>
public sealed record CreatedApiKey(
    Guid Id, Guid TenantId, string Name, string Key, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>A stored key as the admin API lists it, without the plaintext or its hash.</summary>
/// <param name="Id">The key's id.</param>
/// <param name="TenantId">The tenant that owns the key.</param>
/// <param name="Name">The key's display name.</param>
/// <param name="Prefix">The first characters of the key, to tell keys apart.</param>
/// <param name="CreatedAt">When the key was created.</param>
/// <param name="ExpiresAt">When the key stops working, or null.</param>
/// <param name="RevokedAt">When the key was revoked, or null.</param>
/// <param name="ReplacesKeyId">The key that this one replaced in a rotation, or null.</param>
public sealed record ApiKeyResponse(
    Guid Id,
    Guid TenantId,
    string Name,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    Guid? ReplacesKeyId = null);

/// <summary>The body of a key rotation request. Every field is optional.</summary>
/// <param name="OldKeyExpiresAt">
/// When the replaced key stops working. Both keys work until then, so clients can switch. The default is now plus
/// <c>Billing:ApiKeys:RotationOverlap</c>; it may not be later than the old key's current expiry.
/// </param>
/// <param name="Name">The new key's display name; the old key's name when omitted.</param>
/// <param name="ExpiresAt">When the new key stops working; null for a key that does not expire.</param>
public sealed record RotateApiKeyRequest(DateTimeOffset? OldKeyExpiresAt, string? Name, DateTimeOffset? ExpiresAt);

/// <summary>The result of a rotation: the new key with its plaintext, and the old key with its new expiry.</summary>
public sealed record RotatedApiKey(CreatedApiKey NewKey, ApiKeyResponse OldKey);
