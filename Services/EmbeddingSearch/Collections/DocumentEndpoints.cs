using System.Security.Claims;
using System.Text.Json;
using AspireAi.EmbeddingSearch.Authentication;
using AspireAi.EmbeddingSearch.Embeddings;
using AspireAi.EmbeddingSearch.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.EmbeddingSearch.Collections;

/// <summary>Routes that insert, replace and delete documents of a collection.</summary>
public static class DocumentEndpoints
{
    /// <summary>Maps the <c>/collections/{name}/documents</c> routes under <paramref name="routes"/>.</summary>
    /// <param name="routes">The route builder, normally the authenticated <c>/v1</c> group.</param>
    /// <returns>The documents route group.</returns>
    public static RouteGroupBuilder MapDocumentEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/collections/{name}/documents").WithTags("Documents");

        group.MapPost("/", UpsertDocumentsAsync)
            .WithName("UpsertDocuments")
            .WithSummary("Embeds and stores up to 256 documents, replacing any with the same id.");
        group.MapDelete("/{id}", DeleteDocumentAsync)
            .WithName("DeleteDocument")
            .WithSummary("Deletes one document.");

        return group;
    }

    internal static async Task<Results<Ok<UpsertDocumentsResponse>, ValidationProblem, ProblemHttpResult>> UpsertDocumentsAsync(
        string name,
        HttpRequest httpRequest,
        ClaimsPrincipal user,
        IVectorStore store,
        BilledEmbedder embedder,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var (request, errors) = await JsonBody.ReadAsync<UpsertDocumentsRequest>(httpRequest, cancellationToken);
        if (errors.Count == 0)
        {
            errors = CollectionRequestValidator.ValidateUpsert(request);
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

        var inputs = request!.Documents!.Select(document => document!).ToList();
        var batch = await embedder.EmbedAsync(caller, inputs.Select(document => document.Text!).ToList(), cancellationToken);
        var documents = new VectorDocument[inputs.Count];
        for (var index = 0; index < inputs.Count; index++)
        {
            var input = inputs[index];
            documents[index] = new VectorDocument(input.Id!, input.Text!, ToMetadata(input.Metadata), batch.Vectors[index]);
        }

        var upserted = await store.UpsertAsync(caller.TenantId, name, documents, cancellationToken);
        if (upserted is null)
        {
            return CollectionEndpoints.CollectionNotFound(name);
        }

        var logger = CollectionEndpoints.CreateLogger(loggerFactory);
        logger.DocumentsUpserted(upserted.Value, name, caller.TenantId);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            foreach (var document in documents)
            {
                logger.DocumentTextUpserted(document.Id, name, caller.TenantId, document.Text);
            }
        }

        return TypedResults.Ok(new UpsertDocumentsResponse(upserted.Value));
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

    private static Dictionary<string, JsonElement> ToMetadata(JsonElement? metadata)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (metadata is { ValueKind: JsonValueKind.Object } json)
        {
            foreach (var property in json.EnumerateObject())
            {
                // A key repeated in the JSON keeps its last value, as JSON parsers commonly do.
                values[property.Name] = property.Value.Clone();
            }
        }

        return values;
    }
}
