using System.Security.Claims;
using AspireAi.EmbeddingSearch.Authentication;
using AspireAi.EmbeddingSearch.Embeddings;
using AspireAi.EmbeddingSearch.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.EmbeddingSearch.Collections;

/// <summary>Routes that create, list, read and delete the caller's collections.</summary>
public static class CollectionEndpoints
{
    /// <summary>Maps the <c>/collections</c> routes under <paramref name="routes"/>.</summary>
    /// <param name="routes">The route builder, normally the authenticated <c>/v1</c> group.</param>
    /// <returns>The collections route group.</returns>
    public static RouteGroupBuilder MapCollectionEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/collections").WithTags("Collections");

        group.MapPost("/", CreateCollectionAsync)
            .WithName("CreateCollection")
            .WithSummary("Creates an empty collection for the caller's tenant.");
        group.MapGet("/", ListCollectionsAsync)
            .WithName("ListCollections")
            .WithSummary("Lists the caller's collections with their document counts.");
        group.MapGet("/{name}", GetCollectionAsync)
            .WithName("GetCollection")
            .WithSummary("Returns one collection with its document count.");
        group.MapDelete("/{name}", DeleteCollectionAsync)
            .WithName("DeleteCollection")
            .WithSummary("Deletes a collection and all its documents.");

        return group;
    }

    internal static async Task<Results<Created<CollectionResponse>, ValidationProblem, ProblemHttpResult>> CreateCollectionAsync(
        HttpRequest httpRequest,
        ClaimsPrincipal user,
        IVectorStore store,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var (request, errors) = await JsonBody.ReadAsync<CreateCollectionRequest>(httpRequest, cancellationToken);
        if (errors.Count == 0)
        {
            errors = CollectionRequestValidator.ValidateCreate(request);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var caller = user.GetApiKeyIdentity();
        var name = request!.Name!;
        var definition = new CollectionDefinition(name, LocalEmbeddingModel.Dimensions, CollectionRequestValidator.ToFieldTypes(request.IndexedMetadata));
        var created = await store.CreateCollectionAsync(caller.TenantId, definition, cancellationToken);
        if (created is null)
        {
            return TypedResults.Problem(
                $"A collection named '{name}' already exists. Choose another name, or delete the existing collection first.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Collection already exists");
        }

        CreateLogger(loggerFactory).CollectionCreated(name, caller.TenantId);
        return TypedResults.Created($"/v1/collections/{Uri.EscapeDataString(name)}", ToResponse(created));
    }

    internal static async Task<Ok<CollectionListResponse>> ListCollectionsAsync(
        ClaimsPrincipal user,
        IVectorStore store,
        CancellationToken cancellationToken)
    {
        var collections = await store.ListCollectionsAsync(user.GetApiKeyIdentity().TenantId, cancellationToken);
        return TypedResults.Ok(new CollectionListResponse(collections.Select(ToResponse).ToList()));
    }

    internal static async Task<Results<Ok<CollectionResponse>, ValidationProblem, ProblemHttpResult>> GetCollectionAsync(
        string name,
        ClaimsPrincipal user,
        IVectorStore store,
        CancellationToken cancellationToken)
    {
        if (CollectionRequestValidator.CheckCollectionName(name) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [problem] });
        }

        var collection = await store.GetCollectionAsync(user.GetApiKeyIdentity().TenantId, name, cancellationToken);
        return collection is null ? CollectionNotFound(name) : TypedResults.Ok(ToResponse(collection));
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteCollectionAsync(
        string name,
        ClaimsPrincipal user,
        IVectorStore store,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        if (CollectionRequestValidator.CheckCollectionName(name) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [problem] });
        }

        var caller = user.GetApiKeyIdentity();
        if (!await store.DeleteCollectionAsync(caller.TenantId, name, cancellationToken))
        {
            return CollectionNotFound(name);
        }

        CreateLogger(loggerFactory).CollectionDeleted(name, caller.TenantId);
        return TypedResults.NoContent();
    }

    /// <summary>Returns the 404 for a collection that the caller's tenant does not have.</summary>
    internal static ProblemHttpResult CollectionNotFound(string name) =>
        TypedResults.Problem(
            $"The collection '{name}' does not exist. Create it with POST /v1/collections, or list yours with GET /v1/collections.",
            statusCode: StatusCodes.Status404NotFound,
            title: "Collection not found");

    /// <summary>Creates the logger that every collection, document and search route uses.</summary>
    internal static ILogger CreateLogger(ILoggerFactory loggerFactory) =>
        loggerFactory.CreateLogger(typeof(CollectionEndpoints).Namespace!);

    private static CollectionResponse ToResponse(CollectionInfo collection) =>
        new(
            collection.Name,
            collection.DocumentCount,
            collection.CreatedAt,
            collection.Dimensions,
            collection.IndexedMetadata.ToDictionary(entry => entry.Key, entry => CollectionRequestValidator.FieldTypeName(entry.Value), StringComparer.Ordinal));
}
