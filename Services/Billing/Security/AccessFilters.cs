using AspireAi.Billing.Data;
using AspireAi.BillingClient;
using Microsoft.Extensions.Options;

namespace AspireAi.Billing.Security;

/// <summary>Adds billing's access checks to route groups.</summary>
internal static class AccessFilterExtensions
{
    /// <summary>Requires <c>Authorization: Bearer</c> with the <c>Billing:AdminKey</c> value.</summary>
    public static RouteGroupBuilder RequireAdminKey(this RouteGroupBuilder group) =>
        group.AddEndpointFilter<AdminKeyFilter>();

    /// <summary>Requires the internal-key header with the <c>Billing:InternalKey</c> value.</summary>
    public static RouteGroupBuilder RequireInternalKey(this RouteGroupBuilder group) =>
        group.AddEndpointFilter<InternalKeyFilter>();

    /// <summary>Answers 503 until migrations and seeding have finished.</summary>
    public static RouteGroupBuilder RequireDatabaseReady(this RouteGroupBuilder group) =>
        group.AddEndpointFilter<DatabaseReadyFilter>();
}

/// <summary>Rejects requests to admin routes that lack the admin key.</summary>
internal sealed class AdminKeyFilter(IOptions<BillingOptions> options, ILogger<AdminKeyFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var token = SecretComparer.ReadBearerToken(request);
        if (!SecretComparer.AreEqual(token, options.Value.AdminKey!))
        {
            Log.AuthenticationRejected(logger, request.Path, token is null ? "no bearer token" : "wrong admin key");
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Missing or invalid admin key.",
                detail: "Send the header 'Authorization: Bearer <key>' with the admin key: the Billing:AdminKey setting, which the AppHost fills from its billing-admin-key parameter.");
        }

        return await next(context);
    }
}

/// <summary>Rejects requests to internal routes that lack the internal service key.</summary>
internal sealed class InternalKeyFilter(IOptions<BillingOptions> options, ILogger<InternalKeyFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        string? presented = request.Headers[BillingRoutes.InternalKeyHeader];
        if (!SecretComparer.AreEqual(presented, options.Value.InternalKey!))
        {
            Log.AuthenticationRejected(logger, request.Path, presented is null ? "no internal key header" : "wrong internal key");
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Missing or invalid internal key.",
                detail: $"Send the header '{BillingRoutes.InternalKeyHeader}' with the value of the Billing:InternalKey setting.");
        }

        return await next(context);
    }
}

/// <summary>Answers 503 with Retry-After while the database is not yet migrated and seeded.</summary>
internal sealed class DatabaseReadyFilter(DatabaseState state) : IEndpointFilter
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!state.IsReady)
        {
            context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Billing is not ready.",
                detail: $"The database is being migrated or is not reachable ({state.Description}). Retry in a few seconds.");
        }

        return await next(context);
    }
}
