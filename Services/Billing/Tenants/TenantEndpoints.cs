using AspireAi.Billing.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.Billing.Tenants;

/// <summary>Maps the admin routes for tenants.</summary>
internal static class TenantEndpoints
{
    public static IEndpointRouteBuilder MapTenantEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/tenants")
            .RequireAdminKey()
            .RequireDatabaseReady()
            .WithTags("Tenants");

        group.MapPost("/", CreateTenantAsync)
            .WithName("CreateTenant")
            .WithSummary("Creates a tenant with a unique name.");

        group.MapGet("/", ListTenantsAsync)
            .WithName("ListTenants")
            .WithSummary("Lists every tenant, oldest first.");

        group.MapGet("/{tenantId:guid}", GetTenantAsync)
            .WithName("GetTenant")
            .WithSummary("Returns one tenant.");

        return app;
    }

    private static async Task<Results<Created<TenantResponse>, ValidationProblem, ProblemHttpResult>> CreateTenantAsync(
        CreateTenantRequest request, TenantStore tenants, ILogger<TenantStore> logger, CancellationToken cancellationToken)
    {
        var error = TenantRules.Validate(request.Name);
        if (error is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [error] });
        }

        var name = request.Name!.Trim();
        var tenant = await tenants.TryCreateAsync(name, cancellationToken);
        if (tenant is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Tenant name already exists.",
                detail: $"A tenant named '{name}' already exists. Choose another name or use the existing tenant.");
        }

        Log.TenantCreated(logger, tenant.Id, tenant.Name);
        return TypedResults.Created($"/admin/tenants/{tenant.Id}", tenant);
    }

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> GetTenantAsync(
        Guid tenantId, TenantStore tenants, CancellationToken cancellationToken)
    {
        var tenant = await tenants.FindAsync(tenantId, cancellationToken);
        return tenant is null ? TenantNotFound(tenantId) : TypedResults.Ok(tenant);
    }

    /// <summary>The 404 response for a tenant id that does not exist.</summary>
    public static ProblemHttpResult TenantNotFound(Guid tenantId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Tenant not found.",
        detail: $"No tenant has id {tenantId}. List tenants with GET /admin/tenants.");

    private static async Task<Ok<IReadOnlyList<TenantResponse>>> ListTenantsAsync(TenantStore tenants, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tenants.ListAsync(cancellationToken));
}
