namespace AspireAi.Billing.Tenants;

/// <summary>The body of a tenant creation request.</summary>
/// <param name="Name">The tenant's unique display name.</param>
public sealed record CreateTenantRequest(string? Name);

/// <summary>A tenant as the admin API returns it.</summary>
public sealed record TenantResponse(Guid Id, string Name, DateTimeOffset CreatedAt);
