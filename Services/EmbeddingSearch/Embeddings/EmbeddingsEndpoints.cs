using System.Security.Claims;
using System.Text.Json;
using AspireAi.EmbeddingSearch.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.EmbeddingSearch.Embeddings;

/// <summary>The OpenAI-compatible embeddings route.</summary>
public static class EmbeddingsEndpoints
{
    /// <summary>Maps <c>POST /embeddings</c> under <paramref name="routes"/>.</summary>
    /// <param name="routes">The route builder, normally the authenticated <c>/v1</c> group.</param>
    /// <returns>The embeddings route group.</returns>
    public static RouteGroupBuilder MapEmbeddingsEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/embeddings").WithTags("Embeddings");

        group.MapPost("/", CreateEmbeddingsAsync)
            .WithName("CreateEmbeddings")
            .WithSummary("Computes embeddings of one or more texts with the local model (OpenAI-compatible).");

        return group;
    }

    internal static async Task<Results<Ok<EmbeddingResponse>, JsonHttpResult<OpenAiErrorResponse>>> CreateEmbeddingsAsync(
        HttpRequest httpRequest,
        ClaimsPrincipal user,
        BilledEmbedder embedder,
        CancellationToken cancellationToken)
    {
        // The body is read here rather than bound by the framework, so malformed JSON gets the
        // OpenAI error shape that OpenAI clients parse, not a ProblemDetails body.
        EmbeddingRequest? request;
        try
        {
            request = await httpRequest.ReadFromJsonAsync<EmbeddingRequest>(cancellationToken);
        }
        catch (JsonException exception)
        {
            return BadRequest(OpenAiError.InvalidRequest(
                $"The request body is not valid JSON for an embeddings request: {exception.Message}", null, "invalid_json"));
        }
        catch (InvalidOperationException)
        {
            return BadRequest(OpenAiError.InvalidRequest(
                "The request body must be JSON: send it with 'Content-Type: application/json'.", null, "invalid_content_type"));
        }

        if (!EmbeddingRequestValidator.TryValidate(request, out var validated, out var error))
        {
            return BadRequest(error);
        }

        var batch = await embedder.EmbedAsync(user.GetApiKeyIdentity(), validated.Inputs, cancellationToken);

        var data = new EmbeddingItem[batch.Vectors.Count];
        for (var index = 0; index < data.Length; index++)
        {
            data[index] = new EmbeddingItem("embedding", index, EmbeddingEncoder.Encode(batch.Vectors[index], validated.Encoding));
        }

        return TypedResults.Ok(new EmbeddingResponse(
            "list", data, validated.Model, new EmbeddingUsage(batch.TokenCount, batch.TokenCount)));
    }

    private static JsonHttpResult<OpenAiErrorResponse> BadRequest(OpenAiError error) =>
        TypedResults.Json(new OpenAiErrorResponse(error), statusCode: StatusCodes.Status400BadRequest);
}
