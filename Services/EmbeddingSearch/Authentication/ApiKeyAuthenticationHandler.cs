using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AspireAi.BillingClient;
using AspireAi.EmbeddingSearch.Embeddings;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Polly;

namespace AspireAi.EmbeddingSearch.Authentication;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;api key&gt;</c> through billing and responds to failures
/// with a 401 (or a 503 when billing is unreachable) in the OpenAI error shape.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>The name of this authentication scheme.</summary>
    public const string SchemeName = "ApiKey";

    private const string BearerPrefix = "Bearer ";

    private FailureReason _failure = FailureReason.MissingKey;

    private enum FailureReason
    {
        MissingKey,
        InvalidKey,
        BillingUnavailable,
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            _failure = FailureReason.MissingKey;
            return AuthenticateResult.NoResult();
        }

        var apiKey = header[BearerPrefix.Length..].Trim();
        if (apiKey.Length == 0)
        {
            _failure = FailureReason.MissingKey;
            return AuthenticateResult.NoResult();
        }

        ApiKeyIdentity? identity;
        try
        {
            identity = await authenticator.AuthenticateAsync(apiKey, Context.RequestAborted);
        }
        catch (Exception exception) when (exception is HttpRequestException or ExecutionRejectedException
                                          || (exception is TaskCanceledException && !Context.RequestAborted.IsCancellationRequested))
        {
            Logger.ApiKeyValidationUnavailable(exception);
            _failure = FailureReason.BillingUnavailable;
            return AuthenticateResult.Fail("Billing could not be reached to validate the API key.");
        }

        if (identity is null)
        {
            _failure = FailureReason.InvalidKey;
            return AuthenticateResult.Fail("The API key is invalid.");
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(ApiKeyClaims.Create(identity), SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (status, error) = _failure switch
        {
            FailureReason.BillingUnavailable => (StatusCodes.Status503ServiceUnavailable, new OpenAiError(
                "The API key could not be validated because the billing service is unreachable. Retry the request later.",
                OpenAiError.ServerErrorType,
                null,
                "billing_unavailable")),
            FailureReason.InvalidKey => (StatusCodes.Status401Unauthorized, OpenAiError.InvalidRequest(
                "The API key is invalid, revoked or expired. Check the key, or create a new one in billing.", null, "invalid_api_key")),
            _ => (StatusCodes.Status401Unauthorized, OpenAiError.InvalidRequest(
                "No API key was sent. Send it in the header 'Authorization: Bearer <api key>'.", null, "missing_api_key")),
        };

        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = "Bearer";
        }

        return Response.WriteAsJsonAsync(new OpenAiErrorResponse(error), BillingJson.Options, Context.RequestAborted);
    }
}

/// <summary>Converts an <see cref="ApiKeyIdentity"/> to claims and back.</summary>
internal static class ApiKeyClaims
{
    private const string TenantId = "tenant_id";
    private const string TenantName = "tenant_name";
    private const string KeyId = "key_id";
    private const string KeyName = "key_name";

    public static IEnumerable<Claim> Create(ApiKeyIdentity identity) =>
    [
        new Claim(TenantId, identity.TenantId.ToString()),
        new Claim(TenantName, identity.TenantName),
        new Claim(KeyId, identity.KeyId.ToString()),
        new Claim(KeyName, identity.KeyName),
    ];

    /// <summary>Returns the identity of an authenticated caller.</summary>
    /// <exception cref="InvalidOperationException">The route does not require the API-key scheme.</exception>
    public static ApiKeyIdentity GetApiKeyIdentity(this ClaimsPrincipal user)
    {
        var tenantId = user.FindFirst(TenantId)?.Value;
        var keyId = user.FindFirst(KeyId)?.Value;
        if (tenantId is null || keyId is null)
        {
            throw new InvalidOperationException("The caller is not authenticated with an API key; add RequireAuthorization() to the route group.");
        }

        return new ApiKeyIdentity(
            Guid.Parse(tenantId, CultureInfo.InvariantCulture),
            user.FindFirst(TenantName)?.Value ?? string.Empty,
            Guid.Parse(keyId, CultureInfo.InvariantCulture),
            user.FindFirst(KeyName)?.Value ?? string.Empty);
    }
}
