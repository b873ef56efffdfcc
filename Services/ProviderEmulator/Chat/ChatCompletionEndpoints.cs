using AspireAi.ProviderEmulator.Authentication;
using AspireAi.ProviderEmulator.Models;
using AspireAi.ProviderEmulator.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.ProviderEmulator.Chat;

/// <summary>Maps OpenAI's chat completion route.</summary>
public static class ChatCompletionEndpoints
{
    /// <summary>Maps <c>POST /v1/chat/completions</c>, streamed and not.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapChatCompletionEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var group = app.MapGroup("/v1/chat/completions")
            .WithTags("Chat")
            .RequireEmulatorApiKey();

        group.MapPost("/", CreateChatCompletion)
            .WithName("CreateChatCompletion")
            .WithSummary("Creates a deterministic chat completion in OpenAI's format, as JSON or as server-sent events.");

        return group;
    }

    private static async Task<Results<Ok<ChatCompletionResponse>, ServerSentEventsResult<string>, JsonHttpResult<OpenAiErrorResponse>>> CreateChatCompletion(
        HttpRequest request,
        OpenAiRequestBody body,
        ModelCatalog catalog,
        ChatCompletionService service,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(ChatCompletionEndpoints));

        var (completionRequest, readProblem) = await body.ReadAsync<ChatCompletionRequest>(request, cancellationToken);
        if (readProblem is not null)
        {
            return readProblem.ToLoggedResult(request, logger);
        }

        var problem = ChatRequestValidator.TryCreatePlan(completionRequest!, catalog, out var plan);
        if (problem is not null)
        {
            return problem.ToLoggedResult(request, logger);
        }

        if (plan!.Stream)
        {
            return TypedResults.ServerSentEvents(service.StreamAsync(plan, cancellationToken));
        }

        return TypedResults.Ok(await service.CreateAsync(plan, cancellationToken));
    }
}
