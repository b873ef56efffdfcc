using AspireAi.Billing.Security;
using AspireAi.Billing.Tenants;
using AspireAi.BillingClient;
using Microsoft.AspNetCore.Http.HttpResults;

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
            .WithSummary("Revokes an API key. It is rejected from then on.");

        var internalGroup = app.MapGroup(string.Empty)
            .RequireInternalKey()
            .RequireDatabaseReady()
            .WithTags("API keys");

        internalGroup.MapPost(BillingRoutes.ValidateKey, ValidateApiKeyAsync)
            .WithName("ValidateApiKey")
            .WithSummary("Returns the identity behind an API key, or 401 when it is unknown, revoked or expired.");

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
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "API key not found.",
                detail: $"No API key has id {keyId}. List a tenant's keys with GET /admin/tenants/{{tenantId}}/keys.");
        }

        Log.ApiKeyRevoked(logger, keyId);
        return TypedResults.NoContent();
    }

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
