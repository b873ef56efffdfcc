using System.Security.Claims;
using AspireAi.EmbeddingSearch.Authentication;
using AspireAi.EmbeddingSearch.Embeddings;
using AspireAi.EmbeddingSearch.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.EmbeddingSearch.Collections;

/// <summary>The similarity search route of a collection.</summary>
public static class SearchEndpoints
{
    /// <summary>Maps <c>POST /collections/{name}/search</c> under <paramref name="routes"/>.</summary>
    /// <param name="routes">The route builder, normally the authenticated <c>/v1</c> group.</param>
    /// <returns>The search route group.</returns>
    public static RouteGroupBuilder MapSearchEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/collections/{name}/search").WithTags("Search");

        group.MapPost("/", SearchAsync)
            .WithName("SearchCollection")
            .WithSummary("Finds the documents most similar to a text query by cosine similarity.");

        return group;
    }

    internal static async Task<Results<Ok<SearchResponse>, ValidationProblem, ProblemHttpResult>> SearchAsync(
        string name,
        HttpRequest httpRequest,
        ClaimsPrincipal user,
        IVectorStore store,
        BilledEmbedder embedder,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var (request, errors) = await JsonBody.ReadAsync<SearchRequest>(httpRequest, cancellationToken);
        if (errors.Count == 0)
        {
            errors = CollectionRequestValidator.ValidateSearch(request);
        }

        if (CollectionRequestValidator.CheckCollectionName(name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var caller = user.GetApiKeyIdentity();

        // Check before embedding, so a typo in the collection name costs the caller nothing.
        if (await store.GetCollectionAsync(caller.TenantId, name, cancellationToken) is null)
        {
            return CollectionEndpoints.CollectionNotFound(name);
        }

        var query = request!.Query!;
        var batch = await embedder.EmbedAsync(caller, [query], cancellationToken);
        var limit = request.Limit ?? CollectionRequestValidator.DefaultSearchLimit;
        var hits = await store.SearchAsync(caller.TenantId, name, batch.Vectors[0], limit, request.ScoreThreshold, cancellationToken);
        if (hits is null)
        {
            return CollectionEndpoints.CollectionNotFound(name);
        }

        CollectionEndpoints.CreateLogger(loggerFactory).CollectionSearched(name, caller.TenantId, query, hits.Count);
        var results = hits.Select(hit => new SearchResult(hit.Id, hit.Score, hit.Text, hit.Metadata)).ToList();
        return TypedResults.Ok(new SearchResponse(results));
    }
}
