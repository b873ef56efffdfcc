using System.Text.Json.Nodes;

namespace AspireAi.AppHost.Tests;

/// <summary>
/// Reads the YAML subset that the container app templates use into a <see cref="JsonNode"/> tree: block
/// mappings, block sequences, full-line comments and one-line scalars, with every scalar kept as a string.
/// </summary>
/// <remarks>
/// The test project has no YAML library, and the templates cannot go through one unrendered anyway,
/// because <c>key: {{ .Image }}</c> is a flow mapping to a YAML parser. Anything outside the subset
/// (flow collections other than <c>{}</c>, block scalars, anchors, tabs) throws, so a template that
/// leaves the subset fails its tests instead of being read wrongly.
/// </remarks>
internal static class YamlSubsetReader
{
    public static JsonNode Read(string text)
    {
        var lines = text.Split('\n')
            .Select((line, index) => (Text: line.TrimEnd('\r'), Number: index + 1))
            .Where(line => line.Text.Trim().Length > 0 && !line.Text.TrimStart().StartsWith('#'))
            .Select(line => ToLine(line.Text, line.Number))
            .ToList();
        if (lines.Count == 0)
        {
            throw new FormatException("The template is empty.");
        }

        var position = 0;
        var root = ReadBlock(lines, ref position, lines[0].Indent);
        if (position != lines.Count)
        {
            throw new FormatException($"Line {lines[position].Number} is indented less than the line before it allows.");
        }

        return root;
    }

    private static Line ToLine(string text, int number)
    {
        if (text.Contains('\t', StringComparison.Ordinal))
        {
            throw new FormatException($"Line {number} contains a tab; YAML indentation must use spaces.");
        }

        var content = text.TrimStart(' ');
        return new Line(text.Length - content.Length, content, number);
    }

    private static JsonNode ReadBlock(List<Line> lines, ref int position, int indent) =>
        IsSequenceItem(lines[position].Content)
            ? ReadSequence(lines, ref position, indent)
            : ReadMapping(lines, ref position, indent);

    private static JsonArray ReadSequence(List<Line> lines, ref int position, int indent)
    {
        var sequence = new JsonArray();
        while (position < lines.Count && lines[position].Indent == indent && IsSequenceItem(lines[position].Content))
        {
            var line = lines[position];
            var item = line.Content.Length > 1 ? line.Content[2..].TrimStart(' ') : string.Empty;
            if (item.Length == 0)
            {
                position++;
                sequence.Add(ReadChild(lines, ref position, indent, line.Number));
            }
            else if (SplitEntry(item) is not null)
            {
                // "- key: value" starts a mapping whose entries line up with "key", two columns in.
                lines[position] = new Line(indent + 2, item, line.Number);
                sequence.Add(ReadMapping(lines, ref position, indent + 2));
            }
            else
            {
                position++;
                sequence.Add(ReadScalar(item, line.Number));
            }
        }

        return sequence;
    }

    private static JsonObject ReadMapping(List<Line> lines, ref int position, int indent)
    {
        var mapping = new JsonObject();
        while (position < lines.Count && lines[position].Indent == indent && !IsSequenceItem(lines[position].Content))
        {
            var line = lines[position];
            var (key, value) = SplitEntry(line.Content)
                ?? throw new FormatException($"Line {line.Number} is not a 'key: value' entry: {line.Content}");
            position++;

            JsonNode? child;
            if (value.Length > 0)
            {
                child = ReadScalar(value, line.Number);
            }
            else if (position < lines.Count && lines[position].Indent == indent && IsSequenceItem(lines[position].Content))
            {
                // A sequence may sit at its key's own indentation.
                child = ReadSequence(lines, ref position, indent);
            }
            else
            {
                child = ReadChild(lines, ref position, indent, line.Number);
            }

            if (mapping.ContainsKey(key))
            {
                throw new FormatException($"Line {line.Number} repeats the key '{key}'.");
            }

            mapping[key] = child;
        }

        return mapping;
    }

    private static JsonNode ReadChild(List<Line> lines, ref int position, int parentIndent, int parentNumber)
    {
        if (position >= lines.Count || lines[position].Indent <= parentIndent)
        {
            throw new FormatException($"Line {parentNumber} opens a block, but the next line is not indented under it.");
        }

        return ReadBlock(lines, ref position, lines[position].Indent);
    }

    private static bool IsSequenceItem(string content) => content == "-" || content.StartsWith("- ", StringComparison.Ordinal);

    private static (string Key, string Value)? SplitEntry(string content)
    {
        string key;
        string rest;
        if (content.StartsWith('"') || content.StartsWith('\''))
        {
            var close = content.IndexOf(content[0], 1);
            if (close < 0 || close + 1 >= content.Length || content[close + 1] != ':')
            {
                return null;
            }

            key = content[1..close];
            rest = content[(close + 2)..];
        }
        else
        {
            var colon = content.IndexOf(": ", StringComparison.Ordinal);
            if (colon < 0 && content.EndsWith(':'))
            {
                colon = content.Length - 1;
            }

            if (colon <= 0)
            {
                return null;
            }

            key = content[..colon];
            rest = content[(colon + 1)..];
        }

        return (key, rest.Trim(' '));
    }

    private static JsonNode ReadScalar(string value, int number)
    {
        if (value == "{}")
        {
            return new JsonObject();
        }

        if (value.StartsWith('\''))
        {
            return value.Length >= 2 && value.EndsWith('\'')
                ? JsonValue.Create(value[1..^1].Replace("''", "'", StringComparison.Ordinal))
                : throw new FormatException($"Line {number} has an unterminated single-quoted string.");
        }

        if (value.StartsWith('"'))
        {
            return value.Length >= 2 && value.EndsWith('"') && !value[1..^1].Contains('\\', StringComparison.Ordinal)
                ? JsonValue.Create(value[1..^1])
                : throw new FormatException($"Line {number} has a double-quoted string that is unterminated or uses escapes.");
        }

        if (value.StartsWith('[') || value.StartsWith('|') || value.StartsWith('>') || value.StartsWith('&') || value.StartsWith('*'))
        {
            throw new FormatException($"Line {number} uses YAML outside the subset the templates are read with: {value}");
        }

        return JsonValue.Create(value);
    }

    private readonly record struct Line(int Indent, string Content, int Number);
}
