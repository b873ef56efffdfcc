using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AspireAi.Completion.Caching;

/// <summary>
/// Computes the cache key of a chat request: a SHA-256 of the tenant and a canonical form of every
/// field that changes the answer.
/// </summary>
/// <remarks>
/// The canonical form sorts object keys, drops fields that only change how the answer is delivered
/// (stream, stream_options, user), fills in the API's documented defaults so that sending a default
/// explicitly hits the same entry, and writes numbers in one form (1, 1.0 and 1e0 are equal).
/// Everything else, including fields the gateway does not know, stays in the key: an unknown field
/// may change the answer, so it must not share an entry.
/// </remarks>
public static class CacheKey
{
    private const string Prefix = "aspireai:cache:v1:";

    private static readonly HashSet<string> DeliveryOnlyFields = new(StringComparer.Ordinal)
    {
        "stream",
        "stream_options",
        "user",
    };

    private static readonly (string Name, JsonNode Value)[] Defaults =
    [
        ("temperature", JsonValue.Create(1m)),
        ("top_p", JsonValue.Create(1m)),
        ("n", JsonValue.Create(1m)),
        ("presence_penalty", JsonValue.Create(0m)),
        ("frequency_penalty", JsonValue.Create(0m)),
    ];

    /// <summary>Computes the Redis key for a tenant's chat request.</summary>
    /// <param name="tenantId">The tenant; two tenants never share a key.</param>
    /// <param name="request">The chat request as the client sent it.</param>
    /// <returns>The key.</returns>
    public static string Compute(Guid tenantId, JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);

        var canonical = Canonicalize(request);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{tenantId:N}:{Convert.ToHexStringLower(hash)}");
    }

    /// <summary>Returns the canonical JSON text of a chat request, the input of the key's hash.</summary>
    /// <param name="request">The chat request.</param>
    /// <returns>Compact JSON with sorted keys and defaults applied.</returns>
    public static string Canonicalize(JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var fields = request
                .Where(pair => !DeliveryOnlyFields.Contains(pair.Key) && pair.Value is not null)
                .Select(pair => (pair.Key, Value: pair.Value!))
                .ToList();
            foreach (var (name, value) in Defaults)
            {
                if (!fields.Any(field => field.Key == name))
                {
                    fields.Add((name, value));
                }
            }

            foreach (var (key, value) in fields.OrderBy(field => field.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                WriteCanonical(writer, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var pair in obj.OrderBy(pair => pair.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(pair.Key);
                    WriteCanonical(writer, pair.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValue value:
                WriteCanonicalValue(writer, value);
                break;
        }
    }

    private static void WriteCanonicalValue(Utf8JsonWriter writer, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                // decimal holds 28 significant digits, enough for any sampling parameter; the
                // normalised text makes 1, 1.0 and 1e0 one key.
                if (value.TryGetValue(out decimal number) || decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number))
                {
                    writer.WriteRawValue(number.ToString("G29", CultureInfo.InvariantCulture) switch
                    {
                        "-0" => "0",
                        var text => text,
                    });
                }
                else
                {
                    writer.WriteRawValue(value.ToJsonString());
                }

                break;
            case JsonValueKind.String:
                writer.WriteStringValue(value.GetValue<string>());
                break;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
