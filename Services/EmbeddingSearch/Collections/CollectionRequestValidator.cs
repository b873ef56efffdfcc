using System.Globalization;
using System.Text.Json;

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

        return errors;
    }

    /// <summary>Checks the body of an upsert: the document count, ids, texts and metadata.</summary>
    public static Dictionary<string, string[]> ValidateUpsert(UpsertDocumentsRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var documents = request?.Documents;
        if (documents is null || documents.Count == 0)
        {
            errors["documents"] = ["documents is required: send 1 to 256 objects with an id and a text."];
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
                errors[prefix] = ["The document is null. Send an object with an id and a text."];
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

            if (CheckText(document.Text) is { } textProblem)
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

    /// <summary>Checks the body of a search: the query, the limit and the score threshold.</summary>
    public static Dictionary<string, string[]> ValidateSearch(SearchRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(request?.Query))
        {
            errors["query"] = ["query is required: send the text to search for."];
        }

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
            return "The text is required and must not be empty.";
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
            if (property.Name.Length == 0)
            {
                return "metadata has an empty key. Give every value a non-empty name.";
            }

            if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                return $"metadata.{property.Name} is not a string, number or boolean. Nested objects, arrays and null are not supported.";
            }
        }

        return null;
    }
}
