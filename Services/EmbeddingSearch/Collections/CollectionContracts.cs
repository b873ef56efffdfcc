using System.Text.Json;

namespace AspireAi.EmbeddingSearch.Collections;

/// <summary>The body of <c>POST /v1/collections</c>.</summary>
/// <param name="Name">1–64 letters, digits, '-', '_' or '.'.</param>
public sealed record CreateCollectionRequest(string? Name);

/// <summary>A collection as the API returns it.</summary>
/// <param name="Name">The collection name.</param>
/// <param name="DocumentCount">The number of documents in it.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record CollectionResponse(string Name, long DocumentCount, DateTimeOffset CreatedAt);

/// <summary>The body of <c>GET /v1/collections</c>.</summary>
/// <param name="Collections">The caller's collections, ordered by name.</param>
public sealed record CollectionListResponse(IReadOnlyList<CollectionResponse> Collections);

/// <summary>The body of <c>POST /v1/collections/{name}/documents</c>.</summary>
/// <param name="Documents">1–256 documents to insert or replace.</param>
public sealed record UpsertDocumentsRequest(IReadOnlyList<DocumentInput?>? Documents);

/// <summary>One document to insert or replace.</summary>
/// <param name="Id">1–128 characters, unique within the collection.</param>
/// <param name="Text">1–32,000 characters.</param>
/// <param name="Metadata">An optional flat object of string, number and boolean values.</param>
public sealed record DocumentInput(string? Id, string? Text, JsonElement? Metadata);

/// <summary>The body returned by an upsert.</summary>
/// <param name="Upserted">The number of documents inserted or replaced.</param>
public sealed record UpsertDocumentsResponse(int Upserted);

/// <summary>The body of <c>POST /v1/collections/{name}/search</c>.</summary>
/// <param name="Query">The text to search for.</param>
/// <param name="Limit">The maximum number of results, 1–100; 5 when absent.</param>
/// <param name="ScoreThreshold">When set, results with a lower cosine similarity (-1 to 1) are left out.</param>
public sealed record SearchRequest(string? Query, int? Limit, float? ScoreThreshold);

/// <summary>The body returned by a search.</summary>
/// <param name="Results">The matches by descending score.</param>
public sealed record SearchResponse(IReadOnlyList<SearchResult> Results);

/// <summary>One search match.</summary>
/// <param name="Id">The document id.</param>
/// <param name="Score">The cosine similarity to the query.</param>
/// <param name="Text">The document text.</param>
/// <param name="Metadata">The document metadata; an empty object when it has none.</param>
public sealed record SearchResult(string Id, float Score, string Text, IReadOnlyDictionary<string, JsonElement> Metadata);
