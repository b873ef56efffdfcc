using System.Security.Claims;
using AspireAi.EmbeddingSearch.Authentication;
using AspireAi.EmbeddingSearch.Documents;
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
            .WithSummary("Finds the chunks most similar to a text or a vector by cosine similarity, optionally filtered by metadata.");

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
        var (request, errors) = await JsonBody.ReadCollectionRequestAsync<SearchRequest>(
            httpRequest, name, CollectionRequestValidator.ValidateSearch, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var caller = user.GetApiKeyIdentity();

        // Check before embedding, so a typo in the collection name costs the caller nothing.
        var collection = await store.GetCollectionAsync(caller.TenantId, name, cancellationToken);
        if (collection is null)
        {
            return CollectionEndpoints.CollectionNotFound(name);
        }

        float[] vector;
        string queryDescription;
        if (request!.Vector is { } requestVector)
        {
            if (CollectionRequestValidator.CheckDimensions(requestVector, collection.Dimensions, name) is { } dimensionProblem)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["vector"] = [dimensionProblem] });
            }

            vector = DocumentPreparer.Normalize(requestVector);
            queryDescription = "a vector";
        }
        else
        {
            vector = (await embedder.EmbedAsync(caller, [request.Query!], cancellationToken)).Vectors[0];
            queryDescription = request.Query!;
        }

        var filter = CollectionRequestValidator.ParseFilter(request.Filter, errors);
        var limit = request.Limit ?? CollectionRequestValidator.DefaultSearchLimit;
        var hits = await store.SearchAsync(caller.TenantId, name, new VectorQuery(vector, limit, request.ScoreThreshold, filter), cancellationToken);
        if (hits is null)
        {
            return CollectionEndpoints.CollectionNotFound(name);
        }

        CollectionEndpoints.CreateLogger(loggerFactory).CollectionSearched(name, caller.TenantId, queryDescription, hits.Count);
        var results = hits.Select(hit => new SearchResult(hit.Id, hit.Score, hit.Text, hit.Metadata, hit.ChunkIndex)).ToList();
        return TypedResults.Ok(new SearchResponse(results));
    }
}
