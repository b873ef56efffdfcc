using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace AspireAi.EmbeddingSearch.Collections;

/// <summary>
/// Builds the message for a JSON value of the wrong type, such as <c>"limit":"3"</c>, from the
/// JSON path that System.Text.Json reports and the request type's serializer metadata. The
/// serializer's own message names .NET types, which mean nothing to a caller.
/// </summary>
internal static class JsonTypeMismatch
{
    /// <summary>Describes the field at <paramref name="jsonPath"/> and the JSON type it takes.</summary>
    /// <param name="options">The serializer options that read the body.</param>
    /// <param name="requestType">The type the body was read as.</param>
    /// <param name="jsonPath">The path from <see cref="JsonException.Path"/>, such as <c>$.documents[0].id</c>.</param>
    /// <returns>The error key (the field path, or <c>body</c> for the whole body) and the message.</returns>
    public static (string Field, string Message) Describe(JsonSerializerOptions options, Type requestType, string? jsonPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(requestType);

        var segments = ParsePath(jsonPath);
        if (segments is null)
        {
            return (JsonBody.ErrorKey, "A value in the request body has the wrong JSON type, such as a number in quotes. Check the type of each field.");
        }

        if (segments.Count == 0)
        {
            return (JsonBody.ErrorKey, "The request body must be a JSON object.");
        }

        var field = FormatField(segments);
        var expected = FindType(options, requestType, segments) is { } type ? DescribeSingle(options, type) : null;
        var message = expected is null
            ? $"{field} has the wrong JSON type, such as a number in quotes. Send the type that the route documents for it."
            : $"{field} must be {expected}.";
        return (field, message);
    }

    /// <summary>Splits a path such as <c>$.documents[0]['odd key']</c> into names and array indexes, or returns null for any other form.</summary>
    private static List<object>? ParsePath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath[0] != '$')
        {
            return null;
        }

        var segments = new List<object>();
        var position = 1;
        while (position < jsonPath.Length)
        {
            if (jsonPath[position] == '.')
            {
                var end = jsonPath.IndexOfAny(['.', '['], position + 1);
                end = end < 0 ? jsonPath.Length : end;
                segments.Add(jsonPath[(position + 1)..end]);
                position = end;
            }
            else if (jsonPath.AsSpan(position).StartsWith("['", StringComparison.Ordinal))
            {
                var end = jsonPath.IndexOf("']", position + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    return null;
                }

                segments.Add(jsonPath[(position + 2)..end]);
                position = end + 2;
            }
            else if (jsonPath[position] == '[')
            {
                var end = jsonPath.IndexOf(']', position + 1);
                if (end < 0 || !int.TryParse(jsonPath.AsSpan(position + 1, end - position - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    return null;
                }

                segments.Add(index);
                position = end + 1;
            }
            else
            {
                return null;
            }
        }

        return segments;
    }

    /// <summary>Writes the path in the form that validation errors use as keys, such as <c>documents[0].vector[2]</c>.</summary>
    private static string FormatField(List<object> segments)
    {
        var field = new StringBuilder();
        foreach (var segment in segments)
        {
            if (segment is int index)
            {
                field.Append(CultureInfo.InvariantCulture, $"[{index}]");
            }
            else
            {
                field.Append(field.Length == 0 ? string.Empty : ".").Append((string)segment);
            }
        }

        return field.ToString();
    }

    /// <summary>Follows the path through the serializer metadata, or returns null when a segment matches no property, key or item.</summary>
    private static Type? FindType(JsonSerializerOptions options, Type requestType, List<object> segments)
    {
        var type = requestType;
        foreach (var segment in segments)
        {
            var typeInfo = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            Type? next = (typeInfo.Kind, segment) switch
            {
                (JsonTypeInfoKind.Object, string name) => typeInfo.Properties
                    .FirstOrDefault(property => string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))?.PropertyType,
                (JsonTypeInfoKind.Dictionary, string) => typeInfo.ElementType,
                (JsonTypeInfoKind.Enumerable, int) => typeInfo.ElementType,
                _ => null,
            };
            if (next is null)
            {
                return null;
            }

            type = next;
        }

        return type;
    }

    /// <summary>Describes the JSON value that a field of <paramref name="type"/> takes, such as "an array of numbers".</summary>
    private static string? DescribeSingle(JsonSerializerOptions options, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (DescribeScalar(type) is { } scalar)
        {
            return scalar;
        }

        var typeInfo = options.GetTypeInfo(type);
        return typeInfo.Kind switch
        {
            JsonTypeInfoKind.Enumerable when typeInfo.ElementType is { } item => $"an array of {DescribePlural(options, item)}",
            JsonTypeInfoKind.Dictionary when typeInfo.ElementType is { } value => $"an object whose values are {DescribePlural(options, value)}",
            JsonTypeInfoKind.Object => "an object",
            _ => null,
        };
    }

    private static string? DescribeScalar(Type type)
    {
        if (type == typeof(string))
        {
            return "a string in double quotes";
        }

        if (type == typeof(bool))
        {
            return "true or false, without quotes";
        }

        if (type == typeof(int))
        {
            return string.Create(CultureInfo.InvariantCulture, $"an integer from {int.MinValue} to {int.MaxValue}, written as a JSON number without quotes");
        }

        if (type == typeof(long))
        {
            return "a 64-bit integer, written as a JSON number without quotes";
        }

        if (type == typeof(float) || type == typeof(double))
        {
            return "a number, written as a JSON number without quotes";
        }

        return null;
    }

    private static string DescribePlural(JsonSerializerOptions options, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "strings";
        }

        if (type == typeof(bool))
        {
            return "booleans";
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return "integers";
        }

        if (type == typeof(float) || type == typeof(double))
        {
            return "numbers";
        }

        return options.GetTypeInfo(type).Kind == JsonTypeInfoKind.Enumerable ? "arrays" : "objects";
    }
}
