using System.Globalization;
using System.Text.Json;
using AspireAi.EmbeddingSearch.Storage;

namespace AspireAi.EmbeddingSearch.Collections;

/// <summary>
/// Checks collection, document and search requests. Each method returns the problems keyed by the
/// JSON path of the field at fault, in the form of <c>ValidationProblem</c>; an empty result means valid.
/// </summary>
public static class CollectionRequestValidator
{
    /// <summary>The maximum length of a collection name.</summary>
    public const int MaxCollectionNameLength = 64;

    /// <summary>The maximum number of documents in one upsert.</summary>
    public const int MaxDocumentsPerUpsert = 256;

    /// <summary>The maximum length of a document id.</summary>
    public const int MaxDocumentIdLength = 128;

    /// <summary>The maximum length of a document text, in UTF-16 characters.</summary>
    public const int MaxTextLength = 32_000;

    /// <summary>The number of search results when the request sets no limit.</summary>
    public const int DefaultSearchLimit = 5;

    /// <summary>The maximum number of search results.</summary>
    public const int MaxSearchLimit = 100;

    /// <summary>The maximum length of a metadata key.</summary>
    public const int MaxMetadataKeyLength = 64;

    /// <summary>The maximum number of indexed metadata keys of a collection.</summary>
    public const int MaxIndexedMetadataKeys = 32;

    /// <summary>The number of documents on a page of a listing when the request sets no limit.</summary>
    public const int DefaultListLimit = 100;

    /// <summary>The maximum number of documents on a page of a listing.</summary>
    public const int MaxListLimit = 1000;

    /// <summary>The names of the metadata field types in requests and responses.</summary>
    public static IReadOnlyDictionary<string, MetadataFieldType> FieldTypesByName { get; } = new Dictionary<string, MetadataFieldType>(StringComparer.Ordinal)
    {
        ["keyword"] = MetadataFieldType.Keyword,
        ["integer"] = MetadataFieldType.Integer,
        ["float"] = MetadataFieldType.Float,
        ["boolean"] = MetadataFieldType.Boolean,
    };

    /// <summary>Returns the name of a metadata field type as requests and responses spell it.</summary>
    public static string FieldTypeName(MetadataFieldType type) => FieldTypesByName.First(entry => entry.Value == type).Key;

    /// <summary>Checks a collection name: 1–64 ASCII letters, digits, '-', '_' or '.'.</summary>
    /// <param name="name">The name from the route or the body.</param>
    /// <returns>The problem, or <see langword="null"/> when the name is valid.</returns>
    public static string? CheckCollectionName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "The collection name is required: 1 to 64 letters, digits, '-', '_' or '.'.";
        }

        if (name.Length > MaxCollectionNameLength)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"The collection name has {name.Length} characters, but at most {MaxCollectionNameLength} are allowed.");
        }

        foreach (var character in name)
        {
            if (!char.IsAsciiLetterOrDigit(character) && character is not ('-' or '_' or '.'))
            {
                return $"The collection name '{name}' contains '{character}'. Use only letters, digits, '-', '_' and '.'.";
            }
        }

        return null;
    }

    /// <summary>Checks the body of a create-collection request.</summary>
    public static Dictionary<string, string[]> ValidateCreate(CreateCollectionRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (CheckCollectionName(request?.Name) is { } problem)
        {
            errors["name"] = [problem];
        }

        var indexed = request?.IndexedMetadata;
        if (indexed is null)
        {
            return errors;
        }

        if (indexed.Count > MaxIndexedMetadataKeys)
        {
            errors["indexed_metadata"] = [string.Create(
                CultureInfo.InvariantCulture,
                $"indexed_metadata has {indexed.Count} keys, but at most {MaxIndexedMetadataKeys} are allowed. Index only the keys you filter on.")];
            return errors;
        }

        foreach (var (key, type) in indexed)
        {
            if (CheckMetadataKey(key) is { } keyProblem)
            {
                errors[$"indexed_metadata.{key}"] = [keyProblem];
            }
            else if (type is null || !FieldTypesByName.ContainsKey(type))
            {
                errors[$"indexed_metadata.{key}"] = [$"The type '{type}' is not supported. Use one of: {string.Join(", ", FieldTypesByName.Keys)}."];
            }
        }

        return errors;
    }

    /// <summary>Converts the validated indexed metadata of a create request to field types.</summary>
    public static Dictionary<string, MetadataFieldType> ToFieldTypes(IReadOnlyDictionary<string, string?>? indexed) =>
        indexed?.ToDictionary(entry => entry.Key, entry => FieldTypesByName[entry.Value!], StringComparer.Ordinal)
        ?? new Dictionary<string, MetadataFieldType>(StringComparer.Ordinal);

    /// <summary>
    /// Checks a metadata key: 1–64 ASCII letters, digits, '_' or '-'. Qdrant reads '.' and brackets
    /// in a key as a path into nested values, so they are not allowed.
    /// </summary>
    /// <returns>The problem, or <see langword="null"/> when the key is valid.</returns>
    public static string? CheckMetadataKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "A metadata key is empty. Give every value a name of 1 to 64 letters, digits, '_' or '-'.";
        }

        if (key.Length > MaxMetadataKeyLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"The metadata key '{key}' has {key.Length} characters, but at most {MaxMetadataKeyLength} are allowed.");
        }

        foreach (var character in key)
        {
            if (!char.IsAsciiLetterOrDigit(character) && character is not ('_' or '-'))
            {
                return $"The metadata key '{key}' contains '{character}'. Use only letters, digits, '_' and '-'.";
            }
        }

        return null;
    }

    /// <summary>Checks the body of an upsert: the document count, ids, texts and metadata.</summary>
    public static Dictionary<string, string[]> ValidateUpsert(UpsertDocumentsRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var documents = request?.Documents;
        if (documents is null || documents.Count == 0)
        {
            errors["documents"] = ["documents is required: send 1 to 256 objects with an id and a text or a vector."];
            return errors;
        }

        if (documents.Count > MaxDocumentsPerUpsert)
        {
            errors["documents"] = [string.Create(
                CultureInfo.InvariantCulture,
                $"documents has {documents.Count} items, but at most {MaxDocumentsPerUpsert} are allowed per request. Split them over several requests.")];
            return errors;
        }

        var firstIndexById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < documents.Count; index++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"documents[{index}]");
            var document = documents[index];
            if (document is null)
            {
                errors[prefix] = ["The document is null. Send an object with an id and a text or a vector."];
                continue;
            }

            if (CheckDocumentId(document.Id) is { } idProblem)
            {
                errors[prefix + ".id"] = [idProblem];
            }
            else if (!firstIndexById.TryAdd(document.Id!, index))
            {
                errors[prefix + ".id"] = [string.Create(
                    CultureInfo.InvariantCulture,
                    $"The id '{document.Id}' also appears at documents[{firstIndexById[document.Id!]}]. Send each id once per request.")];
            }

            if (document.Vector is { } vector)
            {
                if (CheckVector(vector) is { } vectorProblem)
                {
                    errors[prefix + ".vector"] = [vectorProblem];
                }

                if (document.Text is { Length: > MaxTextLength })
                {
                    errors[prefix + ".text"] = [CheckText(document.Text)!];
                }
            }
            else if (CheckText(document.Text) is { } textProblem)
            {
                errors[prefix + ".text"] = [textProblem];
            }

            if (document.Metadata is { } metadata && CheckMetadata(metadata) is { } metadataProblem)
            {
                errors[prefix + ".metadata"] = [metadataProblem];
            }
        }

        return errors;
    }

    /// <summary>Checks a document id: 1–128 characters.</summary>
    /// <returns>The problem, or <see langword="null"/> when the id is valid.</returns>
    public static string? CheckDocumentId(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "The id is required: 1 to 128 characters.";
        }

        return id.Length > MaxDocumentIdLength
            ? string.Create(CultureInfo.InvariantCulture, $"The id has {id.Length} characters, but at most {MaxDocumentIdLength} are allowed.")
            : null;
    }

    /// <summary>Checks a precomputed vector: non-empty, finite and not all zeros.</summary>
    /// <returns>The problem, or <see langword="null"/> when the vector is valid.</returns>
    public static string? CheckVector(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);

        if (vector.Length == 0)
        {
            return "The vector is empty. Send the collection's number of dimensions as numbers.";
        }

        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                return string.Create(CultureInfo.InvariantCulture, $"The vector has a value at index {i} that is not a finite float32 number.");
            }
        }

        return vector.AsSpan().ContainsAnyExcept(0f) ? null : "The vector is all zeros, so it has no direction to compare. Send a non-zero vector.";
    }

    /// <summary>
    /// Checks metadata values against the types of the collection's indexed keys, so an indexed key
    /// never contains a value that its payload index cannot filter.
    /// </summary>
    /// <returns>The problem, or <see langword="null"/> when every indexed key has a value of its type or is absent.</returns>
    public static string? CheckIndexedTypes(JsonElement? metadata, IReadOnlyDictionary<string, MetadataFieldType> indexed)
    {
        ArgumentNullException.ThrowIfNull(indexed);

        if (metadata is not { ValueKind: JsonValueKind.Object } json)
        {
            return null;
        }

        foreach (var property in json.EnumerateObject())
        {
            if (!indexed.TryGetValue(property.Name, out var type))
            {
                continue;
            }

            var value = property.Value;
            var matches = type switch
            {
                MetadataFieldType.Keyword => value.ValueKind == JsonValueKind.String,
                MetadataFieldType.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
                MetadataFieldType.Float => value.ValueKind == JsonValueKind.Number,
                MetadataFieldType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                _ => false,
            };
            if (!matches)
            {
                return $"metadata.{property.Name} is {value.GetRawText()}, but the collection indexes it as {FieldTypeName(type)}. Send a value of that type, or leave the key out.";
            }
        }

        return null;
    }

    /// <summary>Returns the problem when a vector's length differs from the collection's dimensions.</summary>
    public static string? CheckDimensions(float[] vector, int dimensions, string collection) =>
        vector.Length == dimensions
            ? null
            : string.Create(
                CultureInfo.InvariantCulture,
                $"The vector has {vector.Length} dimensions, but the collection '{collection}' stores {dimensions}-dimensional vectors. Send vectors of {dimensions} dimensions.");

    /// <summary>Parses an optional filter and adds its problem to <paramref name="errors"/>.</summary>
    /// <returns>The filter, or <see langword="null"/> when it is absent or invalid.</returns>
    public static MetadataFilter? ParseFilter(JsonElement? json, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);

        if (json is not { ValueKind: not JsonValueKind.Null } filterJson)
        {
            return null;
        }

        if (!MetadataFilterParser.TryParse(filterJson, "filter", out var filter, out var problem))
        {
            errors["filter"] = [problem!];
        }

        return filter;
    }

    /// <summary>Checks the body of a search: the query or vector, the limit, the score threshold and the filter.</summary>
    public static Dictionary<string, string[]> ValidateSearch(SearchRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var hasQuery = !string.IsNullOrEmpty(request?.Query);
        var hasVector = request?.Vector is not null;
        if (hasQuery == hasVector)
        {
            errors["query"] = [hasQuery
                ? "Send either query or vector, not both."
                : "query is required: send the text to search for, or a vector of the collection's dimensions."];
        }

        if (request?.Vector is { } vector && CheckVector(vector) is { } vectorProblem)
        {
            errors["vector"] = [vectorProblem];
        }

        ParseFilter(request?.Filter, errors);

        if (request?.Limit is { } limit and (< 1 or > MaxSearchLimit))
        {
            errors["limit"] = [string.Create(
                CultureInfo.InvariantCulture,
                $"limit is {limit}, but it must be from 1 to {MaxSearchLimit}. Omit it for {DefaultSearchLimit} results.")];
        }

        if (request?.ScoreThreshold is { } threshold && !(threshold is >= -1f and <= 1f))
        {
            errors["score_threshold"] = [string.Create(
                CultureInfo.InvariantCulture,
                $"score_threshold is {threshold}, but a cosine similarity lies from -1 to 1. Omit it to return every match.")];
        }

        return errors;
    }

    private static string? CheckText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "The text is required unless a vector is sent, and must not be empty. Send the document's text, or a precomputed vector of the collection's dimensions.";
        }

        return text.Length > MaxTextLength
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"The text has {text.Length} characters, but at most {MaxTextLength} are allowed. Split long texts into several documents.")
            : null;
    }

    private static string? CheckMetadata(JsonElement metadata)
    {
        if (metadata.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (metadata.ValueKind != JsonValueKind.Object)
        {
            return "metadata must be a JSON object whose values are strings, numbers or booleans.";
        }

        foreach (var property in metadata.EnumerateObject())
        {
            if (CheckMetadataKey(property.Name) is { } keyProblem)
            {
                return keyProblem;
            }

            if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                return $"metadata.{property.Name} is not a string, number or boolean. Nested objects, arrays and null are not supported.";
            }
        }

        return null;
    }
}
