using System.Globalization;
using System.Security.Claims;
using AspireAi.EmbeddingSearch.Authentication;
using AspireAi.EmbeddingSearch.Documents;
using AspireAi.EmbeddingSearch.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AspireAi.EmbeddingSearch.Collections;

/// <summary>Routes that insert, replace, list, count and delete documents of a collection.</summary>
public static class DocumentEndpoints
{
    /// <summary>Maps the <c>/collections/{name}/documents</c> and <c>/collections/{name}/count</c> routes under <paramref name="routes"/>.</summary>
    /// <param name="routes">The route builder, normally the authenticated <c>/v1</c> group.</param>
    /// <returns>The documents route group.</returns>
    public static RouteGroupBuilder MapDocumentEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/collections/{name}").WithTags("Documents");

        group.MapPost("/documents", UpsertDocumentsAsync)
            .WithName("UpsertDocuments")
            .WithSummary("Stores up to 256 documents, replacing any with the same id; long texts are split into chunks and embedded.");
        group.MapGet("/documents", ListDocumentsAsync)
            .WithName("ListDocuments")
            .WithSummary("Lists a page of documents with their metadata and chunk counts.");
        group.MapDelete("/documents/{id}", DeleteDocumentAsync)
            .WithName("DeleteDocument")
            .WithSummary("Deletes one document with all its chunks.");
        group.MapPost("/count", CountDocumentsAsync)
            .WithName("CountDocuments")
            .WithSummary("Counts the documents, or those whose metadata matches a filter.");

        return group;
    }

    internal static async Task<Results<Ok<UpsertDocumentsResponse>, ValidationProblem, ProblemHttpResult>> UpsertDocumentsAsync(
        string name,
        HttpRequest httpRequest,
        ClaimsPrincipal user,
        IVectorStore store,
        DocumentPreparer preparer,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var (request, errors) = await JsonBody.ReadCollectionRequestAsync<UpsertDocumentsRequest>(
            httpRequest, name, CollectionRequestValidator.ValidateUpsert, cancellationToken);
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

        var inputs = request!.Documents!.Select(document => document!).ToList();
        for (var index = 0; index < inputs.Count; index++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"documents[{index}]");
            if (inputs[index].Vector is { } vector && CollectionRequestValidator.CheckDimensions(vector, collection.Dimensions, name) is { } dimensionProblem)
            {
                errors[prefix + ".vector"] = [dimensionProblem];
            }

            if (CollectionRequestValidator.CheckIndexedTypes(inputs[index].Metadata, collection.IndexedMetadata) is { } typeProblem)
            {
                errors[prefix + ".metadata"] = [typeProblem];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var documents = await preparer.PrepareAsync(caller, inputs, cancellationToken);
        var upserted = await store.UpsertAsync(caller.TenantId, name, documents, cancellationToken);
        if (upserted is null)
        {
            return CollectionEndpoints.CollectionNotFound(name);
        }

        var chunkCount = documents.Sum(document => document.Chunks.Count);
        var logger = CollectionEndpoints.CreateLogger(loggerFactory);
        logger.DocumentsUpserted(upserted.Value, chunkCount, name, caller.TenantId);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            foreach (var document in documents)
            {
                logger.DocumentTextUpserted(document.Id, name, caller.TenantId, string.Join(" ", document.Chunks.Select(chunk => chunk.Text)));
            }
        }

        return TypedResults.Ok(new UpsertDocumentsResponse(upserted.Value, chunkCount));
    }

    internal static async Task<Results<Ok<DocumentListResponse>, ValidationProblem, ProblemHttpResult>> ListDocumentsAsync(
        string name,
        int? limit,
        [FromQuery(Name = "page_token")] string? pageToken,
        ClaimsPrincipal user,
        IVectorStore store,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (CollectionRequestValidator.CheckCollectionName(name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (limit is < 1 or > CollectionRequestValidator.MaxListLimit)
        {
            errors["limit"] = [string.Create(
                CultureInfo.InvariantCulture,
                $"limit is {limit}, but it must be from 1 to {CollectionRequestValidator.MaxListLimit}. Omit it for {CollectionRequestValidator.DefaultListLimit} documents.")];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        DocumentPage? page;
        try
        {
            page = await store.ListDocumentsAsync(
                user.GetApiKeyIdentity().TenantId, name, limit ?? CollectionRequestValidator.DefaultListLimit, pageToken, cancellationToken);
        }
        catch (FormatException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["page_token"] = ["page_token is not a token this collection returned. Pass the next_page_token of the previous page, or omit it to start over."],
            });
        }

        if (page is null)
        {
            return CollectionEndpoints.CollectionNotFound(name);
        }

        var documents = page.Documents.Select(document => new DocumentListItem(document.Id, document.ChunkCount, document.Metadata)).ToList();
        return TypedResults.Ok(new DocumentListResponse(documents, page.NextPageToken));
    }

    internal static async Task<Results<Ok<CountDocumentsResponse>, ValidationProblem, ProblemHttpResult>> CountDocumentsAsync(
        string name,
        HttpRequest httpRequest,
        ClaimsPrincipal user,
        IVectorStore store,
        CancellationToken cancellationToken)
    {
        // An empty body counts every document.
        CountDocumentsRequest? request = null;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (httpRequest.ContentLength is not 0)
        {
            (request, errors) = await JsonBody.ReadAsync<CountDocumentsRequest>(httpRequest, cancellationToken);
        }

        var filter = CollectionRequestValidator.ParseFilter(request?.Filter, errors);
        if (CollectionRequestValidator.CheckCollectionName(name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var count = await store.CountDocumentsAsync(user.GetApiKeyIdentity().TenantId, name, filter, cancellationToken);
        return count is null ? CollectionEndpoints.CollectionNotFound(name) : TypedResults.Ok(new CountDocumentsResponse(count.Value));
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteDocumentAsync(
        string name,
        string id,
        ClaimsPrincipal user,
        IVectorStore store,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (CollectionRequestValidator.CheckCollectionName(name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (CollectionRequestValidator.CheckDocumentId(id) is { } idProblem)
        {
            errors["id"] = [idProblem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var caller = user.GetApiKeyIdentity();
        var outcome = await store.DeleteDocumentAsync(caller.TenantId, name, id, cancellationToken);
        switch (outcome)
        {
            case DocumentDeleteOutcome.CollectionNotFound:
                return CollectionEndpoints.CollectionNotFound(name);

            case DocumentDeleteOutcome.DocumentNotFound:
                return TypedResults.Problem(
                    $"The collection '{name}' has no document with id '{id}'.",
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Document not found");

            default:
                CollectionEndpoints.CreateLogger(loggerFactory).DocumentDeleted(id, name, caller.TenantId);
                return TypedResults.NoContent();
        }
    }
}
