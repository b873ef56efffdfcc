using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.ProviderEmulator.Authentication;
using AspireAi.ProviderEmulator.Faults;
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

    private static async Task<Results<Ok<ChatCompletionResponse>, ServerSentEventsResult<string>, JsonHttpResult<OpenAiErrorResponse>, JsonHttpResult<JsonNode>, EmulatedEventStream, EmptyHttpResult>> CreateChatCompletion(
        HttpRequest request,
        OpenAiRequestBody body,
        ModelCatalog catalog,
        ChatCompletionService service,
        FaultInjector faults,
        TimeProvider timeProvider,
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

        if (!faults.TryDecide(request, plan!.Model, plan.Messages, out var decision, out var faultError))
        {
            return OpenAiProblem.InvalidRequest(faultError!, null).ToLoggedResult(request, logger);
        }

        if (decision is null)
        {
            return plan.Stream
                ? TypedResults.ServerSentEvents(service.StreamAsync(plan, cancellationToken))
                : TypedResults.Ok(await service.CreateAsync(plan, cancellationToken));
        }

        var fault = decision.Fault;
        Log.FaultInjected(logger, request.Path, plan.Model, request.Headers[EmulatedFault.HeaderName].ToString() is { Length: > 0 } header ? header : "configuration", decision.FailsThisAttempt);
        if (decision.FailsThisAttempt)
        {
            if (fault.Hang)
            {
                await ChatCompletionEndpointsFaults.HangAsync(timeProvider, cancellationToken);
                return TypedResults.Empty;
            }

            if (fault.StatusCode is { } status)
            {
                ChatCompletionEndpointsFaults.SetRetryAfter(request.HttpContext.Response, fault);
                return TypedResults.Json(StatusError(status), statusCode: status);
            }

            if (fault.ErrorInBody && !plan.Stream)
            {
                return TypedResults.Json(StatusError(StatusCodes.Status500InternalServerError), statusCode: StatusCodes.Status200OK);
            }
        }

        if (fault.OmitUsage)
        {
            plan = plan with { IncludeUsage = false };
        }

        if (plan.Stream)
        {
            var events = decision.FailsThisAttempt && fault.ErrorInBody
                ? ErrorEvent(service.SerializerOptions)
                : service.StreamAsync(plan, cancellationToken);
            return new EmulatedEventStream(events, fault, decision.FailsThisAttempt, timeProvider);
        }

        var completion = JsonSerializer.SerializeToNode(await service.CreateAsync(plan, cancellationToken), service.SerializerOptions)!;
        if (fault.OmitUsage)
        {
            completion.AsObject().Remove("usage");
        }

        return TypedResults.Json(completion);
    }

    private static OpenAiErrorResponse StatusError(int status) => new(status switch
    {
        StatusCodes.Status429TooManyRequests => new OpenAiError("Rate limit reached (emulated fault).", "requests", null, "rate_limit_exceeded"),
        >= 500 => new OpenAiError($"The server had an error while processing your request (emulated fault, status {status}).", "server_error", null, null),
        _ => new OpenAiError($"The request failed with an emulated status {status}.", OpenAiProblem.InvalidRequestErrorType, null, null),
    });

    private static async IAsyncEnumerable<SseItem<string>> ErrorEvent(JsonSerializerOptions options)
    {
        await Task.CompletedTask;
        yield return new SseItem<string>(JsonSerializer.Serialize(StatusError(StatusCodes.Status500InternalServerError), options));
    }
}

/// <summary>Fault behaviours that the chat and messages routes share.</summary>
internal static class ChatCompletionEndpointsFaults
{
    /// <summary>Waits until the client disconnects, as a provider that accepted the connection but never responds.</summary>
    internal static async Task HangAsync(TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client gave up, which is what a hang is for.
        }
    }

    internal static void SetRetryAfter(HttpResponse response, EmulatedFault fault)
    {
        if (fault.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
    }
}
