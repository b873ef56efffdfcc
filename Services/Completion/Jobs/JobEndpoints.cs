using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Completion.Authentication;
using AspireAi.Completion.OpenAi;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Jobs;

/// <summary>
/// Asynchronous jobs: submit a chat request or a batch, get 202 with an id, then poll. Polling and
/// cancelling are free; only the work a job does is billed.
/// </summary>
public static class JobEndpoints
{
    /// <summary>Maps the job routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/jobs")
            .AddEndpointFilter<ApiKeyFilter>()
            .WithTags("Jobs");

        group.MapPost("/", SubmitJobAsync)
            .WithName("SubmitJob")
            .WithSummary("Queues a chat completion or a batch and returns 202 with the job's id and status URL.")
            .DisableAntiforgery();
        group.MapGet("/{id}", GetJobAsync)
            .WithName("GetJob")
            .WithSummary("Returns a job's status and, once finished, its result.");
        group.MapDelete("/{id}", CancelJobAsync)
            .WithName("CancelJob")
            .WithSummary("Cancels a queued or running job.");

        return group;
    }

    private static async Task<IResult> SubmitJobAsync(HttpContext context, JobStore store, IOptions<CompletionOptions> options)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException exception)
        {
            return OpenAiErrors.InvalidRequest($"The request body is not valid JSON: {exception.Message}");
        }

        if (node is not JsonObject body || body["type"]?.GetValueKind() != JsonValueKind.String)
        {
            return OpenAiErrors.InvalidRequest($"The body must be {{\"type\": \"{JobTypes.ChatCompletion}\" or \"{JobTypes.Batch}\", \"request\": ...}}.", "type");
        }

        var type = body["type"]!.GetValue<string>();
        var request = body["request"];
        switch (type)
        {
            case JobTypes.ChatCompletion when request is JsonObject:
                break;
            case JobTypes.Batch when request is JsonArray { Count: > 0 } items:
                if (items.Count > options.Value.Batch.MaxItems)
                {
                    return OpenAiErrors.InvalidRequest($"The batch has {items.Count} requests; the maximum is {options.Value.Batch.MaxItems}.", "request");
                }

                break;
            case JobTypes.ChatCompletion:
                return OpenAiErrors.InvalidRequest("A chat.completion job needs 'request' to be a chat completion request object.", "request");
            case JobTypes.Batch:
                return OpenAiErrors.InvalidRequest("A chat.batch job needs 'request' to be a non-empty array of chat completion requests.", "request");
            default:
                return OpenAiErrors.InvalidRequest($"Unknown job type '{type}'; use {JobTypes.ChatCompletion} or {JobTypes.Batch}.", "type");
        }

        var job = await store.SubmitAsync(type, ApiKeyFilter.GetIdentity(context), request!.DeepClone());
        var location = $"/v1/jobs/{job.Id}";
        return TypedResults.Accepted(location, Describe(job, location));
    }

    private static async Task<IResult> GetJobAsync(string id, HttpContext context, JobStore store)
    {
        var job = await store.GetAsync(id, ApiKeyFilter.GetIdentity(context).TenantId);
        return job is null
            ? OpenAiErrors.Result(StatusCodes.Status404NotFound, $"No job '{id}' exists for this tenant, or its result has expired.", "invalid_request_error", "id", "job_not_found")
            : TypedResults.Ok(Describe(job, $"/v1/jobs/{job.Id}"));
    }

    private static async Task<IResult> CancelJobAsync(string id, HttpContext context, JobStore store)
    {
        var job = await store.GetAsync(id, ApiKeyFilter.GetIdentity(context).TenantId);
        if (job is null)
        {
            return OpenAiErrors.Result(StatusCodes.Status404NotFound, $"No job '{id}' exists for this tenant.", "invalid_request_error", "id", "job_not_found");
        }

        if (!await store.CancelAsync(id))
        {
            var finished = await store.GetAsync(id, job.Identity.TenantId);
            return OpenAiErrors.Result(StatusCodes.Status409Conflict, $"Job '{id}' has already finished with status {finished?.Status ?? "unknown"}.", "invalid_request_error", "id", "job_finished");
        }

        return TypedResults.Ok(Describe((await store.GetAsync(id, job.Identity.TenantId))!, $"/v1/jobs/{id}"));
    }

    private static JsonObject Describe(Job job, string location) => new()
    {
        ["id"] = job.Id,
        ["object"] = "job",
        ["type"] = job.Type,
        ["status"] = job.Status,
        ["status_url"] = location,
        ["created_at"] = job.CreatedAt.ToUnixTimeSeconds(),
        ["completed_at"] = job.CompletedAt?.ToUnixTimeSeconds(),
        ["result"] = JobStore.ParseResult(job.Result),
    };
}
