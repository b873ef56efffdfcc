using AspireAi.Billing.ApiKeys;
using AspireAi.Billing.Budgets;
using AspireAi.Billing.Pricing;
using AspireAi.Billing.Tenants;
using AspireAi.Billing.Usage;
using AspireAi.Billing.Usage.Reports;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource(BillingServiceExtensions.ConnectionName);
builder.AddRedisClient(BillingServiceExtensions.RedisConnectionName);
builder.AddBillingServices();

var app = builder.Build();

app.UseExceptionHandler();

app.MapDefaultEndpoints();
app.MapTenantEndpoints();
app.MapApiKeyEndpoints();
app.MapUsageEndpoints();
app.MapUsageReportEndpoints();
app.MapPriceEndpoints();
app.MapBudgetEndpoints();

app.Run();

/// <summary>The billing host's entry point, public so tests can start it with WebApplicationFactory.</summary>
public partial class Program;
