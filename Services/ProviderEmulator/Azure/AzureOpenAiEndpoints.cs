using System.Security.Cryptography;
using System.Text;
using AspireAi.ProviderEmulator.Embeddings;
using AspireAi.ProviderEmulator.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator.Azure;

/// <summary>
/// Azure OpenAI's deployment URLs, so a gateway deployment of kind AzureOpenAI can point at the
/// emulator. The deployment name in the URL is the model, the <c>api-version</c> query parameter is
/// required and the key comes in the <c>api-key</c> header, as on Azure.
/// </summary>
public static class AzureOpenAiEndpoints
{
    private const string ApiKeyHeader = "api-key";

    /// <summary>Maps <c>POST /openai/deployments/{deployment}/embeddings</c>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapAzureOpenAiEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // NOTE: only embeddings have an Azure-style route here, so a chat deployment of kind AzureOpenAI cannot point at the emulator.
        var group = app.MapGroup("/openai/deployments/{deployment}")
            .WithTags("Azure OpenAI");

        group.MapPost("/embeddings", CreateEmbeddings)
            .WithName("CreateAzureEmbeddings")
            .WithSummary("Creates embeddings for the model named by the deployment, in Azure OpenAI's URL and key scheme.");

        return group;
    }

    private static async Task<Results<Ok<EmbeddingResponse>, JsonHttpResult<OpenAiErrorResponse>>> CreateEmbeddings(
        string deployment,
        HttpRequest request,
        OpenAiRequestBody body,
        EmbeddingService service,
        IOptions<ProviderEmulatorOptions> options,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(AzureOpenAiEndpoints));
        if (CheckKey(request.Headers[ApiKeyHeader].ToString(), options.Value.ApiKey) is { } rejection)
        {
            return OpenAiProblem.InvalidApiKey(rejection).ToLoggedResult(request, logger);
        }

        if (string.IsNullOrWhiteSpace(request.Query["api-version"]))
        {
            return OpenAiProblem.InvalidRequest("The 'api-version' query parameter is missing. Add one such as ?api-version=2024-10-21.", "api-version")
                .ToLoggedResult(request, logger);
        }

        var (embeddingRequest, readProblem) = await body.ReadAsync<EmbeddingRequest>(request, cancellationToken);
        if (readProblem is not null)
        {
            return readProblem.ToLoggedResult(request, logger);
        }

        // Azure ignores the body's model, because the deployment names it.
        embeddingRequest!.Model = deployment;
        var problem = service.TryCreate(embeddingRequest, out var response);
        return problem is not null ? problem.ToLoggedResult(request, logger) : TypedResults.Ok(response!);
    }

    private static string? CheckKey(string presented, string? expected)
    {
        if (string.IsNullOrWhiteSpace(presented))
        {
            return $"No API key was provided. Send it in the '{ApiKeyHeader}' header, as Azure OpenAI expects.";
        }

        if (string.IsNullOrEmpty(expected))
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented.Trim()), Encoding.UTF8.GetBytes(expected))
            ? null
            : $"Incorrect API key provided. Use the key set in {ProviderEmulatorOptions.SectionName}:ApiKey.";
    }
}
