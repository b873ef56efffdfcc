using System.Security.Cryptography;
using System.Text;
using AspireAi.ProviderEmulator.OpenAi;
using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator.Authentication;

/// <summary>
/// Requires an <c>Authorization: Bearer</c> key on the OpenAI routes: any non-empty key, or exactly
/// <see cref="ProviderEmulatorOptions.ApiKey"/> when it is set. Rejections get OpenAI's 401 body.
/// </summary>
internal sealed class ApiKeyEndpointFilter(IOptions<ProviderEmulatorOptions> options, ILogger<ApiKeyEndpointFilter> logger)
    : IEndpointFilter
{
    private const string BearerPrefix = "Bearer ";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var request = context.HttpContext.Request;
        var rejection = CheckKey(request.Headers.Authorization.ToString());
        if (rejection is not null)
        {
            Log.ApiKeyRejected(logger, request.Method, request.Path, rejection);
            return OpenAiProblem.InvalidApiKey(rejection).ToResult();
        }

        return await next(context);
    }

    private string? CheckKey(string authorization)
    {
        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return "No API key was provided. Send it in the Authorization header as 'Bearer <key>'.";
        }

        var presented = authorization[BearerPrefix.Length..].Trim();
        if (presented.Length == 0)
        {
            return "The Authorization header has an empty bearer key. Send it as 'Bearer <key>'.";
        }

        var expected = options.Value.ApiKey;
        if (string.IsNullOrEmpty(expected))
        {
            return null;
        }

        var matches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
        return matches
            ? null
            : $"Incorrect API key provided. Use the key set in {ProviderEmulatorOptions.SectionName}:ApiKey.";
    }
}

/// <summary>Adds the API-key check to a group of routes.</summary>
internal static class ApiKeyEndpointFilterExtensions
{
    public static RouteGroupBuilder RequireEmulatorApiKey(this RouteGroupBuilder group) =>
        group.AddEndpointFilter<ApiKeyEndpointFilter>();
}
