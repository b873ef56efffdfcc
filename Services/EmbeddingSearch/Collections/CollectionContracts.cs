using System.Text.Json;

namespace AspireAi.EmbeddingSearch.Collections;

/// <summary>The body of <c>POST /v1/collections</c>.</summary>
/// <param name="Name">1–64 letters, digits, '-', '_' or '.'.</param>
/// <param name="IndexedMetadata">
/// Optional metadata keys to index for filtering, each with its type: <c>keyword</c>, <c>integer</c>,
/// <c>float</c> or <c>boolean</c>. Filters work on any key; indexed keys filter fast on Qdrant, and
/// upserts are checked against their types.
/// </param>
public sealed record CreateCollectionRequest(string? Name, IReadOnlyDictionary<string, string?>? IndexedMetadata = null);

/// <summary>A collection as the API returns it.</summary>
/// <param name="Name">The collection name.</param>
/// <param name="DocumentCount">The number of documents in it, each counted once however many chunks it has.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Dimensions">The length of its vectors.</param>
/// <param name="IndexedMetadata">The indexed metadata keys with their types.</param>
public sealed record CollectionResponse(
    string Name,
    long DocumentCount,
    DateTimeOffset CreatedAt,
    int Dimensions,
    IReadOnlyDictionary<string, string> IndexedMetadata);

/// <summary>The body of <c>GET /v1/collections</c>.</summary>
/// <param name="Collections">The caller's collections, ordered by name.</param>
public sealed record CollectionListResponse(IReadOnlyList<CollectionResponse> Collections);

/// <summary>The body of <c>POST /v1/collections/{name}/documents</c>.</summary>
/// <param name="Documents">1–256 documents to insert or replace.</param>
public sealed record UpsertDocumentsRequest(IReadOnlyList<DocumentInput?>? Documents);

/// <summary>One document to insert or replace.</summary>
/// <param name="Id">1–128 characters, unique within the collection.</param>
/// <param name="Text">
/// 1–32,000 characters. A text longer than one chunk is split into overlapping chunks, each
/// embedded and found on its own. Optional when <paramref name="Vector"/> is sent.
/// </param>
/// <param name="Metadata">An optional flat object of string, number and boolean values.</param>
/// <param name="Vector">
/// An optional precomputed vector of the collection's dimensions; it is stored as one chunk,
/// normalised to unit length, and the text is not embedded.
/// </param>
public sealed record DocumentInput(string? Id, string? Text, JsonElement? Metadata, float[]? Vector = null);

/// <summary>The body returned by an upsert.</summary>
/// <param name="Upserted">The number of documents inserted or replaced.</param>
/// <param name="Chunks">The number of chunks they were stored as.</param>
public sealed record UpsertDocumentsResponse(int Upserted, int Chunks);

/// <summary>A stored document without its vectors.</summary>
/// <param name="Id">The document id.</param>
/// <param name="ChunkCount">The number of chunks it is stored as.</param>
/// <param name="Metadata">The document metadata.</param>
public sealed record DocumentListItem(string Id, int ChunkCount, IReadOnlyDictionary<string, JsonElement> Metadata);

/// <summary>The body of <c>GET /v1/collections/{name}/documents</c>.</summary>
/// <param name="Documents">The documents on this page, in an order that stays the same between pages.</param>
/// <param name="NextPageToken">Pass it as <c>page_token</c> to get the next page; absent on the last page.</param>
public sealed record DocumentListResponse(IReadOnlyList<DocumentListItem> Documents, string? NextPageToken);

/// <summary>The body of <c>POST /v1/collections/{name}/count</c>.</summary>
/// <param name="Filter">An optional metadata filter, in the same form as in a search.</param>
public sealed record CountDocumentsRequest(JsonElement? Filter);

/// <summary>The body returned by a count.</summary>
/// <param name="Count">The number of matching documents.</param>
public sealed record CountDocumentsResponse(long Count);

/// <summary>The body of <c>POST /v1/collections/{name}/search</c>.</summary>
/// <param name="Query">The text to search for; send either this or <paramref name="Vector"/>.</param>
/// <param name="Limit">The maximum number of results, 1–100; 5 when absent.</param>
/// <param name="ScoreThreshold">When set, results with a lower cosine similarity (-1 to 1) are left out.</param>
/// <param name="Vector">A query vector of the collection's dimensions; send either this or <paramref name="Query"/>.</param>
/// <param name="Filter">
/// An optional metadata filter: <c>{"key":"k","eq":v}</c>, <c>{"key":"k","any_of":[v,…]}</c>,
/// <c>{"key":"k","gt"|"gte"|"lt"|"lte":n,…}</c>, <c>{"and":[filter,…]}</c> or <c>{"or":[filter,…]}</c>.
/// </param>
public sealed record SearchRequest(string? Query, int? Limit, float? ScoreThreshold, float[]? Vector = null, JsonElement? Filter = null);

/// <summary>The body returned by a search.</summary>
/// <param name="Results">The matches by descending score.</param>
public sealed record SearchResponse(IReadOnlyList<SearchResult> Results);

/// <summary>One search match: a chunk of a document.</summary>
/// <param name="Id">The document id.</param>
/// <param name="Score">The cosine similarity to the query.</param>
/// <param name="Text">The text of the matching chunk; the whole text for a document of one chunk.</param>
/// <param name="Metadata">The document metadata; an empty object when it has none.</param>
/// <param name="ChunkIndex">The position of the chunk in its document, from 0.</param>
public sealed record SearchResult(string Id, float Score, string Text, IReadOnlyDictionary<string, JsonElement> Metadata, int ChunkIndex);
