using System.Text;
using AspireAi.Billing.ApiKeys;
using AspireAi.Billing.Security;
using AspireAi.Billing.Tenants;
using AspireAi.BillingClient;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AspireAi.Billing.Usage.Reports;

/// <summary>Maps the usage report for a tenant's own key and its admin variant for any tenant.</summary>
internal static class UsageReportEndpoints
{
    public static IEndpointRouteBuilder MapUsageReportEndpoints(this IEndpointRouteBuilder app)
    {
        var tenantGroup = app.MapGroup(string.Empty)
            .RequireDatabaseReady()
            .WithTags("Usage");

        tenantGroup.MapGet(BillingRoutes.UsageReport, GetOwnUsageReportAsync)
            .WithName("GetUsageReport")
            .WithSummary("Reports the calling tenant's usage and cost grouped by day, month, model, key or service, as JSON or CSV.");

        var admin = app.MapGroup("/admin/tenants")
            .RequireAdminKey()
            .RequireDatabaseReady()
            .WithTags("Usage");

        admin.MapGet("/{tenantId:guid}/usage/report", GetTenantUsageReportAsync)
            .WithName("GetTenantUsageReport")
            .WithSummary("Reports a tenant's usage and cost grouped by day, month, model, key or service, as JSON or CSV.");

        return app;
    }

    private static async Task<Results<Ok<UsageReport>, FileContentHttpResult, JsonHttpResult<OpenAiErrorResponse>>> GetOwnUsageReportAsync(
        HttpRequest request,
        ApiKeyStore keys,
        UsageReportStore reports,
        TimeProvider time,
        CancellationToken cancellationToken,
        [FromQuery(Name = "group_by")] string? groupBy = null,
        string? from = null,
        string? to = null,
        string? format = null)
    {
        var now = time.GetUtcNow();
        var key = SecretComparer.ReadBearerToken(request);
        var identity = key is null ? null : await keys.ValidateAsync(key, now, cancellationToken);
        if (identity is null)
        {
            var message = key is null
                ? "Missing API key. Send your key in the header 'Authorization: Bearer aai_...'."
                : "Invalid API key: it is unknown, revoked or expired. Ask your administrator for a valid key.";
            return Error(StatusCodes.Status401Unauthorized, message, "invalid_api_key");
        }

        var (query, error) = UsageReportQuery.Parse(groupBy, from, to, format, DateOnly.FromDateTime(now.UtcDateTime));
        if (error is not null)
        {
            return Error(StatusCodes.Status400BadRequest, error.Message, error.Code, error.Parameter);
        }

        var report = await reports.BuildAsync(identity.TenantId, query!, cancellationToken);
        return query!.Format == ReportFormat.Csv ? Csv(report, query) : TypedResults.Ok(report);
    }

    private static async Task<Results<Ok<UsageReport>, FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetTenantUsageReportAsync(
        Guid tenantId,
        TenantStore tenants,
        UsageReportStore reports,
        TimeProvider time,
        CancellationToken cancellationToken,
        [FromQuery(Name = "group_by")] string? groupBy = null,
        string? from = null,
        string? to = null,
        string? format = null)
    {
        var (query, error) = UsageReportQuery.Parse(groupBy, from, to, format, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        if (error is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [error.Parameter] = [error.Message] });
        }

        if (await tenants.FindAsync(tenantId, cancellationToken) is null)
        {
            return TenantEndpoints.TenantNotFound(tenantId);
        }

        var report = await reports.BuildAsync(tenantId, query!, cancellationToken);
        return query!.Format == ReportFormat.Csv ? Csv(report, query) : TypedResults.Ok(report);
    }

    private static FileContentHttpResult Csv(UsageReport report, UsageReportQuery query)
    {
        var csv = Encoding.UTF8.GetBytes(UsageReportCsv.Write(report, query.GroupBy));
        var fileName = $"usage-{report.From:yyyy-MM-dd}-to-{report.To:yyyy-MM-dd}.csv";
        return TypedResults.File(csv, "text/csv; charset=utf-8; header=present", fileName);
    }

    private static JsonHttpResult<OpenAiErrorResponse> Error(int statusCode, string message, string code, string? param = null) =>
        TypedResults.Json(new OpenAiErrorResponse(new OpenAiError(message, "invalid_request_error", code, param)), statusCode: statusCode);
}
