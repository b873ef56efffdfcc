using System.Globalization;
using AspireAi.Billing.Security;
using AspireAi.Billing.Tenants;
using AspireAi.BillingClient;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AspireAi.Billing.ApiKeys;

/// <summary>Maps the admin routes for API keys and the internal key validation route.</summary>
internal static class ApiKeyEndpoints
{
    private const int MaxNameLength = 100;

    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin")
            .RequireAdminKey()
            .RequireDatabaseReady()
            .WithTags("API keys");

        admin.MapPost("/tenants/{tenantId:guid}/keys", CreateApiKeyAsync)
            .WithName("CreateApiKey")
            .WithSummary("Creates an API key for a tenant. The response is the only place the plaintext key appears.");

        admin.MapGet("/tenants/{tenantId:guid}/keys", ListApiKeysAsync)
            .WithName("ListApiKeys")
            .WithSummary("Lists a tenant's API keys without their plaintext or hash.");

        admin.MapDelete("/keys/{keyId:guid}", RevokeApiKeyAsync)
            .WithName("RevokeApiKey")
            .WithSummary("Revokes an API key. Every service rejects it within seconds.");

        admin.MapPost("/keys/{keyId:guid}/rotate", RotateApiKeyAsync)
            .WithName("RotateApiKey")
            .WithSummary("Creates a replacement key. Both work until the old key's new expiry, so clients can switch without downtime.");

        var internalGroup = app.MapGroup(string.Empty)
            .RequireInternalKey()
            .RequireDatabaseReady()
            .WithTags("API keys");

        internalGroup.MapPost(BillingRoutes.ValidateKey, ValidateApiKeyAsync)
            .WithName("ValidateApiKey")
            .WithSummary("Returns the identity behind an API key, or 401 when it is unknown, revoked or expired.");

        internalGroup.MapGet(BillingRoutes.RevokedKeys, ListRevokedKeysAsync)
            .WithName("ListRevokedKeys")
            .WithSummary("Lists the ids of the keys revoked at or after 'since', so services can drop them from their key caches.");

        return app;
    }

    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem, ProblemHttpResult>> CreateApiKeyAsync(
        Guid tenantId,
        CreateApiKeyRequest request,
        ApiKeyStore keys,
        TimeProvider time,
        ILogger<ApiKeyStore> logger,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            errors["name"] = ["name is required and must not be blank."];
        }
        else if (request.Name.Trim().Length > MaxNameLength)
        {
            errors["name"] = [$"name must be at most {MaxNameLength} characters."];
        }

        if (request.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
        {
            errors["expires_at"] = ["expires_at must be in the future. Omit it for a key that does not expire."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var created = await keys.CreateAsync(tenantId, request.Name!.Trim(), request.ExpiresAt, cancellationToken);
        if (created is null)
        {
            return TenantEndpoints.TenantNotFound(tenantId);
        }

        Log.ApiKeyCreated(logger, created.Id, created.Prefix, created.TenantId);
        return TypedResults.Created($"/admin/tenants/{tenantId}/keys", created);
    }

    private static async Task<Results<Ok<IReadOnlyList<ApiKeyResponse>>, ProblemHttpResult>> ListApiKeysAsync(
        Guid tenantId, ApiKeyStore keys, CancellationToken cancellationToken)
    {
        var list = await keys.ListAsync(tenantId, cancellationToken);
        return list is null ? TenantEndpoints.TenantNotFound(tenantId) : TypedResults.Ok(list);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeApiKeyAsync(
        Guid keyId, ApiKeyStore keys, TimeProvider time, ILogger<ApiKeyStore> logger, CancellationToken cancellationToken)
    {
        if (!await keys.RevokeAsync(keyId, time.GetUtcNow(), cancellationToken))
        {
            return KeyNotFound(keyId);
        }

        Log.ApiKeyRevoked(logger, keyId);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<RotatedApiKey>, ValidationProblem, ProblemHttpResult>> RotateApiKeyAsync(
        Guid keyId,
        RotateApiKeyRequest? request,
        ApiKeyStore keys,
        TimeProvider time,
        IOptions<BillingOptions> options,
        ILogger<ApiKeyStore> logger,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var oldKeyExpiresAt = request?.OldKeyExpiresAt ?? now + options.Value.ApiKeys.RotationOverlap;
        var errors = new Dictionary<string, string[]>();
        if (oldKeyExpiresAt <= now)
        {
            errors["old_key_expires_at"] = ["old_key_expires_at must be in the future. To stop the old key now, revoke it with DELETE /admin/keys/{keyId}."];
        }

        var name = request?.Name?.Trim();
        if (request?.Name is not null && string.IsNullOrEmpty(name))
        {
            errors["name"] = ["name must not be blank. Omit it to keep the old key's name."];
        }
        else if (name is not null && name.Length > MaxNameLength)
        {
            errors["name"] = [$"name must be at most {MaxNameLength} characters."];
        }

        if (request?.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            errors["expires_at"] = ["expires_at must be in the future. Omit it for a new key that does not expire."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (outcome, rotated, old) = await keys.RotateAsync(keyId, oldKeyExpiresAt, name, request?.ExpiresAt, now, cancellationToken);
        switch (outcome)
        {
            case RotationOutcome.NotFound:
                return KeyNotFound(keyId);
            case RotationOutcome.Revoked:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "API key is revoked.",
                    detail: $"API key {keyId} was revoked at {old!.RevokedAt:O}, so it cannot be rotated. Create a new key with POST /admin/tenants/{old.TenantId}/keys.");
            case RotationOutcome.Expired:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "API key has expired.",
                    detail: $"API key {keyId} expired at {old!.ExpiresAt:O}, so it cannot be rotated. Create a new key with POST /admin/tenants/{old.TenantId}/keys.");
            case RotationOutcome.WouldExtend:
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["old_key_expires_at"] = [$"old_key_expires_at ({oldKeyExpiresAt:O}) is after the old key's expiry ({old!.ExpiresAt:O}). A rotation can shorten a key's life but not extend it; choose an earlier time."],
                });
        }

        Log.ApiKeyRotated(logger, keyId, rotated!.NewKey.Id, rotated.NewKey.Prefix, oldKeyExpiresAt);
        return TypedResults.Ok(rotated);
    }

    private static async Task<Results<Ok<RevokedKeyList>, ValidationProblem>> ListRevokedKeysAsync(
        ApiKeyStore keys, CancellationToken cancellationToken, string? since = null)
    {
        if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["since"] = [$"since '{since}' is missing or not a timestamp. Use ISO 8601, such as 2025-06-01T12:00:00Z."],
            });
        }

        var revoked = await keys.ListRevokedSinceAsync(start, cancellationToken);
        var rotated = await keys.ListRotatedSinceAsync(start, cancellationToken);
        return TypedResults.Ok(new RevokedKeyList(start, revoked, rotated));
    }

    private static ProblemHttpResult KeyNotFound(Guid keyId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "API key not found.",
        detail: $"No API key has id {keyId}. List a tenant's keys with GET /admin/tenants/{{tenantId}}/keys.");

    private static async Task<Results<Ok<ApiKeyIdentity>, UnauthorizedHttpResult>> ValidateApiKeyAsync(
        ValidateKeyRequest request, ApiKeyStore keys, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Key))
        {
            return TypedResults.Unauthorized();
        }

        var identity = await keys.ValidateAsync(request.Key, time.GetUtcNow(), cancellationToken);
        return identity is null ? TypedResults.Unauthorized() : TypedResults.Ok(identity);
    }
}
