using AspireAi.BillingClient;
using AspireAi.Completion.OpenAi;

namespace AspireAi.Completion.Authentication;

/// <summary>
/// Authenticates the caller's API key through billing before a handler runs, and stores the
/// identity for the handler. Routes that use it never run for an unknown key.
/// </summary>
public sealed class ApiKeyFilter(ApiKeyAuthenticator authenticator, ILogger<ApiKeyFilter> logger) : IEndpointFilter
{
    private const string IdentityItemKey = "aspireai.identity";

    /// <summary>Returns the identity that the filter stored for this request.</summary>
    /// <param name="context">The request's context.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="InvalidOperationException">The route does not use the filter.</exception>
    public static ApiKeyIdentity GetIdentity(HttpContext context) =>
        context.Items[IdentityItemKey] as ApiKeyIdentity
        ?? throw new InvalidOperationException("The route has no ApiKeyFilter, so no caller identity is known.");

    /// <summary>Extracts the key from <c>Authorization: Bearer</c> or, as Anthropic's clients send it, <c>x-api-key</c>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The key, or <see langword="null"/> when none was sent.</returns>
    public static string? ReadApiKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        var authorization = request.Headers.Authorization.ToString();
        const string bearerPrefix = "Bearer ";
        if (authorization.StartsWith(bearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var key = authorization[bearerPrefix.Length..].Trim();
            return key.Length == 0 ? null : key;
        }

        var apiKey = request.Headers["x-api-key"].ToString().Trim();
        return apiKey.Length == 0 ? null : apiKey;
    }

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var httpContext = context.HttpContext;
        var key = ReadApiKey(httpContext.Request);
        if (key is null)
        {
            return OpenAiErrors.InvalidApiKey("No API key was sent. Send it as 'Authorization: Bearer <key>' or in the 'x-api-key' header.");
        }

        ApiKeyIdentity? identity;
        try
        {
            identity = await authenticator.AuthenticateAsync(key, httpContext.RequestAborted);
        }
        catch (HttpRequestException exception)
        {
            Log.BillingUnavailable(logger, exception);
            return OpenAiErrors.Result(
                StatusCodes.Status503ServiceUnavailable,
                "The API key could not be checked because the billing service is unavailable. Retry shortly.",
                "service_unavailable",
                null,
                "aspireai_billing_unavailable");
        }

        if (identity is null)
        {
            return OpenAiErrors.InvalidApiKey("The API key is not valid: it is unknown, revoked or expired.");
        }

        httpContext.Items[IdentityItemKey] = identity;
        return await next(context);
    }
}
