using System.Globalization;
using System.Text.Json;
using Qdrant.Client.Grpc;
using QdrantRange = Qdrant.Client.Grpc.Range;

namespace AspireAi.EmbeddingSearch.Storage.Qdrant;

/// <summary>
/// The payload layout of AspireAi points in Qdrant, and the translation of metadata filters and
/// values between AspireAi and Qdrant.
/// </summary>
/// <remarks>
/// Every point carries <see cref="TenantField"/>, <see cref="DocumentField"/>, <see cref="ChunkIndexField"/>,
/// <see cref="ChunkCountField"/> and <see cref="TextField"/> at the top level, and the document's
/// metadata as an object under <see cref="MetadataField"/>, so a metadata key can never collide with
/// a field this service relies on.
/// </remarks>
public static class QdrantPayload
{
    /// <summary>The tenant id, as 32 hex digits; indexed as Qdrant's tenant field.</summary>
    public const string TenantField = "tenant_id";

    /// <summary>The AspireAi document id; indexed as a keyword.</summary>
    public const string DocumentField = "document_id";

    /// <summary>The position of the chunk in its document, from 0; indexed as an integer.</summary>
    public const string ChunkIndexField = "chunk_index";

    /// <summary>The number of chunks of the document.</summary>
    public const string ChunkCountField = "chunk_count";

    /// <summary>The chunk text.</summary>
    public const string TextField = "text";

    /// <summary>The object that contains the document metadata.</summary>
    public const string MetadataField = "metadata";

    /// <summary>Returns the Qdrant key path of a metadata key.</summary>
    public static string MetadataPath(string key) => MetadataField + "." + key;

    /// <summary>Returns the Qdrant payload schema type that indexes a metadata field type.</summary>
    public static PayloadSchemaType ToSchemaType(MetadataFieldType type) => type switch
    {
        MetadataFieldType.Keyword => PayloadSchemaType.Keyword,
        MetadataFieldType.Integer => PayloadSchemaType.Integer,
        MetadataFieldType.Float => PayloadSchemaType.Float,
        MetadataFieldType.Boolean => PayloadSchemaType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown metadata field type."),
    };

    /// <summary>
    /// Builds the Qdrant filter that limits a request to one tenant's points, plus the extra
    /// conditions and the caller's metadata filter.
    /// </summary>
    public static Filter ForTenant(Guid tenantId, MetadataFilter? filter, params IEnumerable<Condition> extraConditions)
    {
        var result = new Filter();
        result.Must.Add(Conditions.MatchKeyword(TenantField, TenantValue(tenantId)));
        result.Must.Add(extraConditions);
        if (filter is not null)
        {
            result.Must.Add(ToCondition(filter));
        }

        return result;
    }

    /// <summary>Returns the value of <see cref="TenantField"/> for a tenant.</summary>
    public static string TenantValue(Guid tenantId) => tenantId.ToString("N");

    /// <summary>
    /// Translates a metadata filter into a Qdrant condition with the same meaning. Numbers compare
    /// through ranges, because Qdrant matches only integers exactly, and a range treats integer and
    /// floating-point payload values alike, as the embedded index does.
    /// </summary>
    public static Condition ToCondition(MetadataFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);

        switch (filter)
        {
            case AndFilter and:
                var all = new Filter();
                all.Must.Add(and.Filters.Select(ToCondition));
                return Conditions.Filter(all);

            case OrFilter or:
                var any = new Filter();
                any.Should.Add(or.Filters.Select(ToCondition));
                return Conditions.Filter(any);

            case EqualsFilter equals:
                return EqualTo(MetadataPath(equals.Key), equals.Value);

            case AnyOfFilter anyOf when anyOf.Values.All(value => value.ValueKind == JsonValueKind.String):
                return Conditions.Match(MetadataPath(anyOf.Key), anyOf.Values.Select(value => value.GetString()!).ToList());

            case AnyOfFilter anyOf:
                var oneOf = new Filter();
                oneOf.Should.Add(anyOf.Values.Select(value => EqualTo(MetadataPath(anyOf.Key), value)));
                return Conditions.Filter(oneOf);

            case RangeFilter range:
                var bounds = new QdrantRange();
                if (range.GreaterThan is { } gt)
                {
                    bounds.Gt = gt;
                }

                if (range.GreaterThanOrEqual is { } gte)
                {
                    bounds.Gte = gte;
                }

                if (range.LessThan is { } lt)
                {
                    bounds.Lt = lt;
                }

                if (range.LessThanOrEqual is { } lte)
                {
                    bounds.Lte = lte;
                }

                return Conditions.Range(MetadataPath(range.Key), bounds);

            default:
                throw new ArgumentException($"The filter type {filter.GetType().Name} has no Qdrant translation.", nameof(filter));
        }
    }

    /// <summary>Converts a metadata value (string, number or boolean) to a Qdrant value.</summary>
    public static Value ToValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new Value { StringValue = value.GetString() },
        JsonValueKind.Number when value.TryGetInt64(out var integer) => new Value { IntegerValue = integer },
        JsonValueKind.Number => new Value { DoubleValue = value.GetDouble() },
        JsonValueKind.True => new Value { BoolValue = true },
        JsonValueKind.False => new Value { BoolValue = false },
        _ => throw new ArgumentException($"A metadata value must be a string, number or boolean, but is a JSON {value.ValueKind}.", nameof(value)),
    };

    /// <summary>Converts document metadata to a Qdrant object value.</summary>
    public static Value ToStructValue(IReadOnlyDictionary<string, JsonElement> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);

        var fields = new Struct();
        foreach (var (key, value) in metadata)
        {
            fields.Fields[key] = ToValue(value);
        }

        return new Value { StructValue = fields };
    }

    /// <summary>Converts a Qdrant object value back to document metadata; values of other kinds are left out.</summary>
    public static Dictionary<string, JsonElement> ToMetadata(Value? value)
    {
        var metadata = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (value?.KindCase != Value.KindOneofCase.StructValue)
        {
            return metadata;
        }

        foreach (var (key, field) in value.StructValue.Fields)
        {
            JsonElement? json = field.KindCase switch
            {
                Value.KindOneofCase.StringValue => JsonSerializer.SerializeToElement(field.StringValue),
                Value.KindOneofCase.IntegerValue => JsonSerializer.SerializeToElement(field.IntegerValue),
                Value.KindOneofCase.DoubleValue => JsonSerializer.SerializeToElement(field.DoubleValue),
                Value.KindOneofCase.BoolValue => JsonSerializer.SerializeToElement(field.BoolValue),
                _ => null,
            };
            if (json is { } element)
            {
                metadata[key] = element;
            }
        }

        return metadata;
    }

    /// <summary>Builds the point of one chunk.</summary>
    public static PointStruct ToPoint(Guid tenantId, string collection, VectorDocument document, int chunkIndex)
    {
        ArgumentNullException.ThrowIfNull(document);

        var chunk = document.Chunks[chunkIndex];
        var point = new PointStruct
        {
            Id = PointIds.For(tenantId, collection, document.Id, chunkIndex),
            Vectors = chunk.Vector,
        };
        point.Payload[TenantField] = TenantValue(tenantId);
        point.Payload[DocumentField] = document.Id;
        point.Payload[ChunkIndexField] = chunkIndex;
        point.Payload[ChunkCountField] = document.Chunks.Count;
        point.Payload[TextField] = chunk.Text;
        point.Payload[MetadataField] = ToStructValue(document.Metadata);
        return point;
    }

    /// <summary>Reads an integer payload field, or returns <paramref name="fallback"/> when it is missing.</summary>
    public static int ReadInt(IDictionary<string, Value> payload, string field, int fallback) =>
        payload.TryGetValue(field, out var value) && value.KindCase == Value.KindOneofCase.IntegerValue
            ? checked((int)value.IntegerValue)
            : fallback;

    /// <summary>Reads a string payload field, or returns an empty string when it is missing.</summary>
    public static string ReadString(IDictionary<string, Value> payload, string field) =>
        payload.TryGetValue(field, out var value) && value.KindCase == Value.KindOneofCase.StringValue ? value.StringValue : string.Empty;

    private static Condition EqualTo(string path, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Conditions.MatchKeyword(path, value.GetString()!),
        JsonValueKind.True => Conditions.Match(path, true),
        JsonValueKind.False => Conditions.Match(path, false),
        JsonValueKind.Number => Conditions.Range(path, new QdrantRange { Gte = value.GetDouble(), Lte = value.GetDouble() }),
        _ => throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"A filter value must be a string, number or boolean, but is a JSON {value.ValueKind}."),
            nameof(value)),
    };
}
