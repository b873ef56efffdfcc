using AspireAi.ProviderEmulator.Authentication;
using AspireAi.ProviderEmulator.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.ProviderEmulator.Embeddings;

/// <summary>Maps OpenAI's embeddings route.</summary>
public static class EmbeddingEndpoints
{
    /// <summary>Maps <c>POST /v1/embeddings</c>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapEmbeddingEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var group = app.MapGroup("/v1/embeddings")
            .WithTags("Embeddings")
            .RequireEmulatorApiKey();

        group.MapPost("/", CreateEmbeddings)
            .WithName("CreateEmbeddings")
            .WithSummary("Creates deterministic unit-length embeddings in OpenAI's format, as float arrays or base64.");

        return group;
    }

    private static async Task<Results<Ok<EmbeddingResponse>, JsonHttpResult<OpenAiErrorResponse>>> CreateEmbeddings(
        HttpRequest request,
        OpenAiRequestBody body,
        EmbeddingService service,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(EmbeddingEndpoints));

        var (embeddingRequest, readProblem) = await body.ReadAsync<EmbeddingRequest>(request, cancellationToken);
        if (readProblem is not null)
        {
            return readProblem.ToLoggedResult(request, logger);
        }

        var problem = service.TryCreate(embeddingRequest!, out var response);
        if (problem is not null)
        {
            return problem.ToLoggedResult(request, logger);
        }

        return TypedResults.Ok(response!);
    }
}
